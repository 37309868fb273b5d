/* SPDX-License-Identifier: BSD-3-Clause */
/* vf_port.c - VF ports through DPDK's ethdev and hot-plug APIs. */
#include "vf_port.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "log.h"

/* The ethdev name of a device string is what precedes the first comma. */
static void device_name(const char *device, char *name, size_t len)
{
    size_t n = strcspn(device, ",");
    if (n >= len)
        n = len - 1;
    memcpy(name, device, n);
    name[n] = '\0';
}

/* Why rte_dev_probe() failed, in words. DPDK answers -EFAULT when no bus
 * recognises the name, which for a vdev means no driver has that name;
 * strerror's "Bad address" would send the user looking in the wrong place. */
static void describe_probe_failure(const char *what, const char *device, int rc, char *err,
                                   size_t errlen)
{
    if (rc != -EFAULT) {
        snprintf(err, errlen, "cannot probe %s '%s': %s", what, device, rte_strerror(-rc));
        return;
    }
    char driver[RTE_ETH_NAME_MAX_LEN];
    device_name(device, driver, sizeof(driver));
    size_t n = strlen(driver);
    while (n > 0 && isdigit((unsigned char)driver[n - 1]))
        driver[--n] = '\0';
    snprintf(err, errlen,
             "cannot probe %s '%s': no DPDK driver is named '%s'; a device is a "
             "PCI address (0000:05:08.1) or a virtual device, a driver name with an instance "
             "number and optional arguments (net_null0, net_tap0,iface=vf0, "
             "net_memif0,socket=/tmp/m.sock, net_bonding0,mode=1,slave=...)",
             what, device, driver);
}

/* Bond slaves we probed ourselves (so we detach them with the bond);
 * slaves that existed before (EAL --vdev, a PCI scan) are left alone. */
#define MAX_PROBED_SLAVES 128
static char g_slaves[MAX_PROBED_SLAVES][RTE_ETH_NAME_MAX_LEN];

/* Calls fn on each "slave=NAME" of a net_bonding device string. */
static int for_each_slave(const char *device, int (*fn)(const char *, char *, size_t), char *err,
                          size_t errlen)
{
    const char *p = strchr(device, ',');

    while (p) {
        const char *arg = p + 1;
        size_t len = strcspn(arg, ",");
        p = strchr(arg, ',');
        if (strncmp(arg, "slave=", 6) != 0)
            continue;
        char slave[RTE_ETH_NAME_MAX_LEN];
        if (len - 6 >= sizeof(slave)) {
            snprintf(err, errlen, "bond slave name too long in '%s'", device);
            return -ENAMETOOLONG;
        }
        memcpy(slave, arg + 6, len - 6);
        slave[len - 6] = '\0';
        int rc = fn(slave, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

/* DPDK's bonding PMD only takes slaves that are ethdev ports already:
 * probe those that are not (a PCI address or a vdev name). */
static int probe_slave(const char *slave, char *err, size_t errlen)
{
    uint16_t port;
    int rc, free_slot = -1;

    if (rte_eth_dev_get_port_by_name(slave, &port) == 0)
        return 0;
    for (int i = 0; i < MAX_PROBED_SLAVES && free_slot < 0; i++)
        if (!g_slaves[i][0])
            free_slot = i;
    if (free_slot < 0) {
        snprintf(err, errlen, "too many bond slaves probed (%d)", MAX_PROBED_SLAVES);
        return -ENOSPC;
    }
    rc = rte_dev_probe(slave);
    if (rc < 0 && rc != -EEXIST) {
        describe_probe_failure("bond slave", slave, rc, err, errlen);
        return rc;
    }
    snprintf(g_slaves[free_slot], sizeof(g_slaves[0]), "%s", slave);
    log_info("bond slave %s probed", slave);
    return 0;
}

/* Detaches a slave we probed (after its bond is gone). */
static int detach_slave(const char *slave, char *err, size_t errlen)
{
    uint16_t port;
    (void)err;
    (void)errlen;

    for (int i = 0; i < MAX_PROBED_SLAVES; i++) {
        if (strcmp(g_slaves[i], slave) != 0)
            continue;
        g_slaves[i][0] = '\0';
        if (rte_eth_dev_get_port_by_name(slave, &port) == 0) {
            vf_port_stop_detach(port);
            log_info("bond slave %s detached", slave);
        }
        return 0;
    }
    return 0;
}

static bool is_bond(const char *device)
{
    return strncmp(device, "net_bonding", 11) == 0;
}

int vf_port_probe(const char *device, uint16_t *port, char *err, size_t errlen)
{
    char name[RTE_ETH_NAME_MAX_LEN];
    int rc;

    device_name(device, name, sizeof(name));
    if (rte_eth_dev_get_port_by_name(name, port) == 0)
        return 0; /* already probed (e.g. --vdev) */
    if (is_bond(device)) {
        rc = for_each_slave(device, probe_slave, err, errlen);
        if (rc) {
            char ignored[8];
            for_each_slave(device, detach_slave, ignored, sizeof(ignored));
            return rc;
        }
    }
    rc = rte_dev_probe(device);
    if (rc < 0 && rc != -EEXIST) {
        describe_probe_failure("device", device, rc, err, errlen);
        goto fail;
    }
    if (rte_eth_dev_get_port_by_name(name, port) != 0) {
        snprintf(err, errlen, "device '%s' was probed but has no ethdev port named '%s'", device,
                 name);
        rc = -ENODEV;
        goto fail;
    }
    return 0;
fail:
    if (is_bond(device)) {
        char ignored[8];
        for_each_slave(device, detach_slave, ignored, sizeof(ignored));
    }
    return rc;
}

void vf_port_remove(uint16_t port, const char *device)
{
    char ignored[8];

    vf_port_stop_detach(port);
    if (is_bond(device)) /* after the bond has let them go */
        for_each_slave(device, detach_slave, ignored, sizeof(ignored));
}

int vf_port_numa_node(uint16_t port, int fallback)
{
    int node = rte_eth_dev_socket_id(port);
    return node >= 0 ? node : fallback;
}

uint16_t vf_port_max_queues(uint16_t port, uint16_t want)
{
    struct rte_eth_dev_info info;

    if (rte_eth_dev_info_get(port, &info) != 0)
        return 1;
    uint16_t n = RTE_MIN(info.max_rx_queues, info.max_tx_queues);
    n = RTE_MIN(n, want);
    return n ? n : 1;
}

uint16_t vf_port_ring_size(uint16_t total, uint16_t n_queues)
{
    uint16_t n = (uint16_t)(total / (n_queues ? n_queues : 1));
    return n > VF_MIN_DESC ? n : VF_MIN_DESC;
}

int vf_port_start(uint16_t port, struct rte_mempool *pool, uint16_t n_queues,
                  const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    struct rte_eth_conf conf;
    struct rte_eth_dev_info info;
    uint16_t nb_rxd = vf_port_ring_size(VF_RX_DESC, n_queues);
    uint16_t nb_txd = vf_port_ring_size(VF_TX_DESC, n_queues);
    int socket = vf_port_numa_node(port, (int)rte_socket_id());
    int rc;

    memset(&conf, 0, sizeof(conf));
    rc = rte_eth_dev_info_get(port, &info);
    if (rc) {
        snprintf(err, errlen, "port %u: cannot get device info: %s", port, rte_strerror(-rc));
        return rc;
    }
    if (n_queues > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
    }
    if (cfg->jumbo) {
        /* Drivers that leave max_mtu at ethdev's UINT16_MAX still bound the
         * frame by max_rx_pktlen (net_tap: 1522), and configure refuses an
         * MTU beyond it. Such a driver may still receive longer frames
         * (net_tap with scatter does): the MTU only bounds its buffers. */
        uint32_t overhead = info.max_mtu != UINT16_MAX && info.max_rx_pktlen > info.max_mtu
                                ? info.max_rx_pktlen - info.max_mtu
                                : RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
        uint32_t frame_mtu =
            info.max_rx_pktlen > overhead ? info.max_rx_pktlen - overhead : RTE_ETHER_MTU;
        uint32_t mtu = RTE_MIN(9000u, info.max_mtu);
        conf.rxmode.mtu = RTE_MIN(mtu, frame_mtu);
        if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
            conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
        if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
            conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    }
    if (cfg->tso) {
        conf.txmode.offloads |=
            info.tx_offload_capa & (RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
                                    RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
                                    RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
    }
    rc = rte_eth_dev_configure(port, n_queues, n_queues, &conf);
    if (rc) {
        snprintf(err, errlen, "port %u: configure with %u queue pairs failed: %s", port, n_queues,
                 rte_strerror(-rc));
        return rc;
    }
    rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
    for (uint16_t q = 0; q < n_queues; q++) {
        rc = rte_eth_rx_queue_setup(port, q, nb_rxd, (unsigned)socket, NULL, pool);
        if (rc) {
            snprintf(err, errlen, "port %u: rx queue %u setup failed: %s", port, q,
                     rte_strerror(-rc));
            return rc;
        }
        struct rte_eth_txconf txconf = info.default_txconf;
        txconf.offloads = conf.txmode.offloads;
        rc = rte_eth_tx_queue_setup(port, q, nb_txd, (unsigned)socket, &txconf);
        if (rc) {
            snprintf(err, errlen, "port %u: tx queue %u setup failed: %s", port, q,
                     rte_strerror(-rc));
            return rc;
        }
    }
    rc = rte_eth_dev_start(port);
    if (rc) {
        snprintf(err, errlen, "port %u: start failed: %s", port, rte_strerror(-rc));
        return rc;
    }
    /* A VF relays all the guest's traffic, whatever its MAC. */
    rte_eth_promiscuous_enable(port);
    return 0;
}

int vf_port_restart(uint16_t port, struct rte_mempool *pool, uint16_t n_queues,
                    const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    int rc = rte_eth_dev_stop(port);
    if (rc) {
        snprintf(err, errlen, "port %u: stop failed: %s", port, rte_strerror(-rc));
        return rc;
    }
    return vf_port_start(port, pool, n_queues, cfg, err, errlen);
}

void vf_port_stop_detach(uint16_t port)
{
    struct rte_eth_dev_info info;
    struct rte_device *dev = NULL;
    char devname[RTE_DEV_NAME_MAX_LEN] = "";

    if (rte_eth_dev_info_get(port, &info) == 0 && info.device) {
        dev = info.device;
        snprintf(devname, sizeof(devname), "%s", rte_dev_name(dev));
    }
    rte_eth_dev_stop(port);
    rte_eth_dev_close(port);
    if (dev) {
        int rc = rte_dev_remove(dev);
        if (rc)
            log_warning("port %u: cannot detach device %s: %s", port, devname, rte_strerror(-rc));
    }
}
