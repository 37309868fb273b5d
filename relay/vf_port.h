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
 * unless it already exists, and returns its ethdev port id. */
int vf_port_probe(const char *device, uint16_t *port, char *err, size_t errlen);

/* NUMA node of the port, or fallback when it has none (virtual devices). */
int vf_port_numa_node(uint16_t port, int fallback);

/* Queue pairs the port can have, at most 'want'. */
uint16_t vf_port_max_queues(uint16_t port, uint16_t want);

/* Configures n_queues rx/tx queue pairs on 'pool' and starts the port. */
int vf_port_start(uint16_t port, struct rte_mempool *pool, uint16_t n_queues,
                  const struct vio4wd_config *cfg, char *err, size_t errlen);

/* Stops, closes and detaches the port (and its device). */
void vf_port_stop_detach(uint16_t port);

/* Descriptors per queue, for sizing the mbuf pool. */
#define VF_RX_DESC 1024
#define VF_TX_DESC 1024

#endif
