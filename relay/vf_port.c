/* vf_port.c - VF ports through DPDK's ethdev and hot-plug APIs. */
#include "vf_port.h"

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

int vf_port_probe(const char *device, uint16_t *port, char *err, size_t errlen)
{
    char name[RTE_ETH_NAME_MAX_LEN];
    int rc;

    device_name(device, name, sizeof(name));
    if (rte_eth_dev_get_port_by_name(name, port) == 0)
        return 0;                       /* already probed (e.g. --vdev) */
    rc = rte_dev_probe(device);
    if (rc < 0 && rc != -EEXIST) {
        snprintf(err, errlen, "cannot probe device '%s': %s", device, rte_strerror(-rc));
        return rc;
    }
    if (rte_eth_dev_get_port_by_name(name, port) != 0) {
        snprintf(err, errlen, "device '%s' was probed but has no ethdev port named '%s'",
                 device, name);
        return -ENODEV;
    }
    return 0;
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

int vf_port_start(uint16_t port, struct rte_mempool *pool, uint16_t n_queues,
                  const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    struct rte_eth_conf conf;
    struct rte_eth_dev_info info;
    uint16_t nb_rxd = VF_RX_DESC, nb_txd = VF_TX_DESC;
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
        conf.rxmode.mtu = RTE_MIN(9000u, info.max_mtu);
        if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
            conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
        if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
            conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    }
    if (cfg->tso) {
        conf.txmode.offloads |= info.tx_offload_capa &
            (RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
             RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
             RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
    }
    rc = rte_eth_dev_configure(port, n_queues, n_queues, &conf);
    if (rc) {
        snprintf(err, errlen, "port %u: configure with %u queue pairs failed: %s", port,
                 n_queues, rte_strerror(-rc));
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
            log_warning("port %u: cannot detach device %s: %s", port, devname,
                        rte_strerror(-rc));
    }
}
