/* SPDX-License-Identifier: BSD-3-Clause */
/* tracker.h - from the relay's counters to a sched_state with smoothed loads.
 *
 * Each interval the live loop hands the tracker one consistent snapshot of
 * the counters file (or, when that file cannot be read, one stats
 * response). The tracker keeps a model/load estimator per relay direction:
 * busy cycles over elapsed TSC, raised for saturated directions, smoothed
 * by an EWMA behind a one-sample outlier gate. So one noisy sample moves
 * nothing, and a real shift is fully in the estimate after the sample that
 * confirms it, the second interval.
 *
 * No I/O here: tests feed it made-up snapshots.
 */
#ifndef VIO4WD_SCHED_TRACKER_H
#define VIO4WD_SCHED_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "model/load.h"
#include "state.h"
#include "virtioforwarder.pb-c.h"

#define TRACKER_MAX_RELAYS VIO4WD_CNT_MAX_RELAYS

struct tracker_dir {
    struct model_load_state est;
    /* stats fallback against an old relay that sends only rates:
     * counters integrated from them, so one estimator serves both */
    double synth_packets, synth_bytes;
    uint64_t last_ns;
};

struct tracker {
    struct model_load_params params;
    uint64_t generation; /* counters epoch the estimates belong to */
    bool have_generation;
    bool seen[TRACKER_MAX_RELAYS];
    struct tracker_dir dir[TRACKER_MAX_RELAYS][VIO4WD_DIR_COUNT];
};

/* poll_interval_s sets the EWMA time constant: one interval, so two
 * samples carry 86% of a step (the outlier gate already holds back a
 * single wild sample, which a longer constant would only duplicate). */
void tracker_init(struct tracker *t, double poll_interval_s);
void tracker_set_interval(struct tracker *t, double poll_interval_s);

/* Forget every estimate (the relay restarted: its relays are new). */
void tracker_reset(struct tracker *t);

/* Feeds one counters snapshot and fills *out (free with sched_state_free)
 * with the workers and every placed relay. A new epoch resets the tracker
 * first. Returns 1 when every placed relay has a load estimate (decide),
 * 0 when some do not yet (the first snapshot, a new relay: wait one more
 * interval), -1 on out-of-memory. */
int tracker_feed_counters(struct tracker *t, const struct vio4wd_counters_snapshot *snap,
                          struct sched_state *out);

/* The same from a stats response, for a relay whose counters file cannot
 * be read. now_ns is a monotonic clock; workers come from GET_EAL_CORES. */
int tracker_feed_stats(struct tracker *t, const Virtioforwarder__StatsResponse *resp,
                       uint64_t now_ns, const unsigned *workers, size_t n_workers,
                       struct sched_state *out);

#endif
