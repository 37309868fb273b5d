/* SPDX-License-Identifier: BSD-3-Clause */
/* The traffic loop: rate-controlled tx, rx with sequence accounting, the
 * drain, and the progress line. */
#ifndef VIO4WD_LG_RUN_H
#define VIO4WD_LG_RUN_H

#include <stdint.h>

#include "lg_config.h"
#include "lg_stats.h"

struct rte_mempool;

struct lg_stream_rt {
    int enabled;
    const struct lg_profile *prof;
    uint16_t tx_port;
    double forgiven; /* packets taken off the schedule (missed) */
    uint8_t *tmpl;   /* the frame, stamp fields filled per packet */
    uint16_t size;
    uint16_t next_q; /* the queue of the next burst: round-robin */
};

struct lg_relay_rt {
    const struct lg_relay_cfg *cfg;
    uint16_t guest_port; /* net_virtio_user: the guest */
    uint16_t vf_port;    /* the VF-side peer */
    int guest_open, vf_open;
    struct rte_mempool *pool;
    struct lg_stream_rt s[VIO4WD_DIR_COUNT];
    struct lg_relay_stats *st;
    unsigned lcore;                        /* the lcore that owns both ports */
    uint64_t probe_back[VIO4WD_DIR_COUNT]; /* bit q: a probe sent on queue q came
                                   * back, so that path forwards */
    int guest_down;                        /* guest link seen down during the run */
    uint64_t probe_seq;
};

struct lg_run {
    const struct lg_config *cfg;
    struct lg_relay_rt *relay; /* cfg->nrelays of them */
    struct lg_relay_stats *stats;
    volatile int *stop; /* 1: stop sending; 2: stop draining too */
    uint64_t hz;
    uint64_t start_tsc;    /* traffic starts here, on every lcore */
    uint64_t send_end_tsc; /* set by the main lcore when sending ends */
    struct lg_report_info info;
};

/* Fill templates and per-stream state; call once ports are open. */
int lg_run_prepare(struct lg_run *run);
/* Before measured traffic: send a probe on every queue of every enabled
 * stream each 10 ms until one has come back on each (the relay forwards end
 * to end on every queue), then let stragglers drain.  Single-threaded,
 * before lg_run_traffic().  Returns 0, or -1 at deadline_tsc after printing
 * which paths never answered. */
int lg_run_probe(struct lg_run *run, uint64_t deadline_tsc);
/* Send for the duration, then drain; runs on all lcores that own relays. */
void lg_run_traffic(struct lg_run *run);
void lg_run_free(struct lg_run *run);

#endif
