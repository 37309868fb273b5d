/* SPDX-License-Identifier: BSD-3-Clause */
/* Port setup: hot-plug the generator's devices after EAL init, so that a
 * peer that is not there yet can be waited for (and reported by name). */
#ifndef VIO4WD_LG_PORT_H
#define VIO4WD_LG_PORT_H

#include <stddef.h>
#include <stdint.h>

struct rte_mempool;

/* Probe devargs ("net_xxx0,key=val,..."), retrying until deadline_tsc
 * (rte_rdtsc() time) while it fails, then configure nq rx and nq tx queues
 * with nb_desc descriptors each and start it, retrying the start too (a
 * memif client cannot start before its server exists).  Returns 0 and the
 * port id, or -1 with a message in err. */
int lg_port_open(const char *devargs, struct rte_mempool *pool, uint16_t nb_desc, uint16_t nq,
                 uint64_t deadline_tsc, volatile int *stop, uint16_t *port_id, char *err,
                 size_t errlen);

int lg_port_link_up(uint16_t port_id);

/* Stop, close and remove: a memif server removes its socket file here. */
void lg_port_close(uint16_t port_id);

#endif
