/* SPDX-License-Identifier: BSD-3-Clause */
/* vf_drops.h - the VF's own drop counters (imissed, rx_nombuf, oerrors),
 * sampled from rte_eth_stats by the control thread into the relay's
 * counters block (lib/counters/counters.h, vio4wd_cnt_relay.vf).
 *
 * They tell "the relay is too slow" (the VF's rx ring overflowed: imissed)
 * from "the guest is too slow" (the relay's queue_full drops towards the
 * guest). Workers never read ethdev statistics: a sample costs the
 * dataplane nothing.
 *
 * The PMD's counters restart from zero when a VF is replaced (and on some
 * PMDs when it is reconfigured); the published ones are totals since the
 * relay started and never go backwards. This header has no DPDK in it, so
 * the accumulation is unit-tested on its own; vf_sample.h reads the VF. */
#ifndef VIO4WD_VF_DROPS_H
#define VIO4WD_VF_DROPS_H

#include <stdint.h>

/* The PMD's raw counters as last read, and the totals published. */
struct vf_drops {
    uint64_t raw[3];   /* imissed, rx_nombuf, oerrors as the PMD gave them */
    uint64_t total[3]; /* since the relay started */
    uint64_t due_tsc;  /* next sample; 0: sample now */
};

/* Adds the increase from 'last' to 'raw' to *total. A raw value below the
 * last one means the PMD restarted its count: all of raw is new. */
static inline void vf_drops_accumulate(uint64_t *total, uint64_t last, uint64_t raw)
{
    *total += raw >= last ? raw - last : raw;
}

#endif
