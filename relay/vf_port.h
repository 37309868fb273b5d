/* SPDX-License-Identifier: BSD-3-Clause */
/* vf_port.h - a relay's VF: probe by PCI address or DPDK device string,
 * configure, start, stop and detach (hot-plug). */
#ifndef VIO4WD_VF_PORT_H
#define VIO4WD_VF_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "config.h"

/* Probes 'device' ("0000:05:08.1", "net_null0,size=64", "net_bonding0,...")
 * unless it already exists, and returns its ethdev port id. A bond's slaves
 * ("slave=NAME": PCI addresses or vdev names) that are not ports yet are
 * probed first, and detached again by vf_port_remove. */
int vf_port_probe(const char *device, uint16_t *port, char *err, size_t errlen);

/* NUMA node of the port, or fallback when it has none (virtual devices). */
int vf_port_numa_node(uint16_t port, int fallback);

/* Queue pairs the port can have, at most 'want'. */
uint16_t vf_port_max_queues(uint16_t port, uint16_t want);

/* Configures n_queues rx/tx queue pairs on 'pool' and starts the port. */
int vf_port_start(uint16_t port, struct rte_mempool *pool, uint16_t n_queues,
                  const struct vio4wd_config *cfg, char *err, size_t errlen);

/* Stops a started port and starts it again with another queue count or
 * pool (what its rings held is lost). No worker may use it meanwhile. */
int vf_port_restart(uint16_t port, struct rte_mempool *pool, uint16_t n_queues,
                    const struct vio4wd_config *cfg, char *err, size_t errlen);

/* Stops, closes and detaches the port (and its device). */
void vf_port_stop_detach(uint16_t port);

/* vf_port_stop_detach, then detaches the bond slaves vf_port_probe probed
 * for 'device' (the string the port was probed with). */
void vf_port_remove(uint16_t port, const char *device);

/* Descriptors per queue: VF_RX_DESC/VF_TX_DESC shared by all queues, but
 * at least VF_MIN_DESC each, so the mbufs a relay's VF can hold stay
 * bounded (VF_MAX_DESC_TOTAL per direction, for sizing the pool) whatever
 * the queue count. */
#define VF_RX_DESC  1024
#define VF_TX_DESC  1024
#define VF_MIN_DESC 64
uint16_t vf_port_ring_size(uint16_t total, uint16_t n_queues);
#define VF_MAX_DESC_TOTAL(total, maxq) \
    ((total) > VF_MIN_DESC * (maxq) ? (total) : VF_MIN_DESC * (maxq))

#endif
