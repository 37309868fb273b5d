/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters per relay, direction and queue, kept by the tx/rx loop and
 * printed by the report.  Pure C, no DPDK. */
#ifndef VIO4WD_LG_STATS_H
#define VIO4WD_LG_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "lg_config.h"
#include "lg_lat.h"
#include "lg_seq.h"

/* One queue of a stream.  A relay keeps order only within a queue, so each
 * queue numbers its packets from 0 and is accounted on its own. */
struct lg_queue_stats {
    uint64_t sent;     /* packets the port accepted = next sequence */
    struct lg_seq seq; /* received, unique, duplicated, reordered, ... */
};

/* One relay direction, over all its queues. */
struct lg_stream_stats {
    uint64_t target;      /* packets the profile asked for while sending */
    uint64_t sent;        /* packets the port accepted, all queues: what
                             * the rate control counts */
    uint64_t missed;      /* due but never sent: the port kept refusing */
    uint64_t tx_full;     /* packets a tx burst refused (retried later) */
    uint64_t late;        /* received after sending stopped */
    uint64_t bogus;       /* stamped with a sequence never sent */
    uint64_t probes_sent; /* path probes the port accepted: not traffic, */
    uint64_t probes_back; /* but a peer's own counters include them */
    uint64_t lat_n;       /* latency samples: every received packet */
    double lat_sum_us;
    double lat_min_us;
    double lat_max_us;
    struct lg_lat lat; /* the same samples, for percentiles */
    unsigned nq;       /* queues in use, 1..LG_MAX_QUEUES */
    struct lg_queue_stats q[LG_MAX_QUEUES];
};

/* A stream's sequence counters, summed over its queues. */
struct lg_stream_sum {
    uint64_t received, unique, lost, duplicated, reordered, out_of_window;
};

struct lg_relay_stats {
    struct lg_stream_stats dir[VIO4WD_DIR_COUNT];
    uint64_t invalid;    /* received packets that are not ours */
    uint64_t misrouted;  /* ours, but of another relay or direction,
                             * or of a queue this relay does not have */
    uint64_t reconnects; /* guest port restarted after the relay came back */
};

struct lg_report_info {
    double send_s;   /* time spent sending */
    double drain_s;  /* time spent draining afterwards */
    int interrupted; /* a signal stopped sending early */
};

/* Loss and the rest in one stream (lost: after the drain). */
void lg_stream_sum(const struct lg_stream_stats *s, struct lg_stream_sum *sum);

/* True when nothing was lost, duplicated, reordered or misdelivered. */
int lg_report_clean(const struct lg_config *cfg, const struct lg_relay_stats *st);

void lg_report_table(FILE *out, const struct lg_config *cfg, const struct lg_relay_stats *st,
                     const struct lg_report_info *info);
void lg_report_json(FILE *out, const struct lg_config *cfg, const struct lg_relay_stats *st,
                    const struct lg_report_info *info);

#endif
