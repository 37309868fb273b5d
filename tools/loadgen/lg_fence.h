/* SPDX-License-Identifier: BSD-3-Clause */
/* lg_fence.h - bursts that survive their peer's disconnect.
 *
 * DPDK 22.11's memif PMD unmaps the regions it shares with its peer from
 * the EAL interrupt thread (memif_disconnect), with nothing to hold off a
 * burst that an lcore is running on them: a relay killed mid-run made the
 * generator fault inside rte_eth_rx_burst about once in ten runs of the
 * loadgen-kill test. A fenced burst that faults returns instead of
 * crashing: by then the link is down, and the PMD sets the queue up afresh
 * when the peer comes back. */
#ifndef VIO4WD_LG_FENCE_H
#define VIO4WD_LG_FENCE_H

#include <stdint.h>

struct rte_mbuf;

/* Installs the SIGSEGV and SIGBUS handler. A fault outside a fenced burst
 * still kills the process, with a core, as before. 0 or -1 (errno). */
int lg_fence_init(void);

/* rte_eth_rx_burst; 0 when the burst faulted (what the PMD had taken from
 * the pool for it is lost: a few mbufs, once per disconnect). */
uint16_t lg_fenced_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);

/* rte_eth_tx_burst; n when the burst faulted: the PMD may have freed some
 * of the packets already, so the caller must not free any of them; they
 * count as sent and will be reported lost. */
uint16_t lg_fenced_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);

/* Bursts that faulted so far, for the report. */
uint64_t lg_fence_faults(void);

#endif
