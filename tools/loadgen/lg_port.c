/* SPDX-License-Identifier: BSD-3-Clause */
/* Port setup for vio4wd-loadgen.  See lg_port.h. */
#include "lg_port.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

/* The device name is devargs up to the first comma. */
static void dev_name(const char *devargs, char *name, size_t len)
{
    size_t n = strcspn(devargs, ",");

    if (n >= len)
        n = len - 1;
    memcpy(name, devargs, n);
    name[n] = '\0';
}

static void nap_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

int lg_port_open(const char *devargs, struct rte_mempool *pool, uint16_t nb_desc, uint16_t nq,
                 uint64_t deadline_tsc, volatile int *stop, uint16_t *port_id, char *err,
                 size_t errlen)
{
    struct rte_eth_conf conf;
    struct rte_eth_dev_info info;
    char name[RTE_DEV_NAME_MAX_LEN];
    uint16_t pid, nrx = nb_desc, ntx = nb_desc, q;
    int ret, tries = 0;

    dev_name(devargs, name, sizeof(name));

    /* A virtio_user client fails to probe until the relay's socket exists. */
    for (;;) {
        ret = rte_dev_probe(devargs);
        if (ret == 0)
            break;
        if (rte_rdtsc() >= deadline_tsc || *stop) {
            snprintf(err, errlen, "cannot attach '%s': %s%s", devargs, rte_strerror(-ret),
                     tries ? " (gave up waiting for its "
                             "peer; see --connect-timeout)"
                           : "");
            return -1;
        }
        tries++;
        nap_ms(100);
    }
    if (rte_eth_dev_get_port_by_name(name, &pid) != 0) {
        snprintf(err, errlen, "'%s' attached but is not an ethdev", devargs);
        return -1;
    }

    memset(&conf, 0, sizeof(conf));
    ret = rte_eth_dev_info_get(pid, &info);
    if (ret != 0) {
        snprintf(err, errlen, "'%s': cannot get device info: %s", name, rte_strerror(-ret));
        return -1;
    }
    /* No offloads and no RSS: the stamp is all we need, every PMD takes
     * this, and the generator itself picks the queue of each burst. */
    ret = rte_eth_dev_configure(pid, nq, nq, &conf);
    if (ret == 0)
        ret = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrx, &ntx);
    for (q = 0; q < nq && ret == 0; q++) {
        ret = rte_eth_rx_queue_setup(pid, q, nrx, rte_eth_dev_socket_id(pid), NULL, pool);
        if (ret == 0)
            ret = rte_eth_tx_queue_setup(pid, q, ntx, rte_eth_dev_socket_id(pid), NULL);
    }
    if (ret != 0) {
        snprintf(err, errlen,
                 "'%s': cannot configure %u queue pair%s "
                 "(the device offers %u rx, %u tx): %s",
                 name, nq, nq == 1 ? "" : "s", info.max_rx_queues, info.max_tx_queues,
                 rte_strerror(-ret));
        return -1;
    }
    for (;;) {
        ret = rte_eth_dev_start(pid);
        if (ret == 0)
            break;
        if (rte_rdtsc() >= deadline_tsc || *stop) {
            snprintf(err, errlen, "'%s': cannot start: %s", name, rte_strerror(-ret));
            return -1;
        }
        nap_ms(100);
    }
    *port_id = pid;
    return 0;
}

int lg_port_link_up(uint16_t port_id)
{
    struct rte_eth_link link;

    memset(&link, 0, sizeof(link));
    if (rte_eth_link_get_nowait(port_id, &link) != 0)
        return 0;
    return link.link_status == RTE_ETH_LINK_UP;
}

void lg_port_close(uint16_t port_id)
{
    struct rte_eth_dev_info info;
    struct rte_device *dev = NULL;

    if (rte_eth_dev_info_get(port_id, &info) == 0)
        dev = info.device;
    rte_eth_dev_stop(port_id);
    rte_eth_dev_close(port_id);
    if (dev != NULL)
        rte_dev_remove(dev);
}
