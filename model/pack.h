/* SPDX-License-Identifier: BSD-3-Clause */
/* Pack mode's apply rule: whether a packed solution is worth its moves.
 *
 * Spread's rule (plan.h) weighs makespans; packing raises the makespan on
 * purpose, so it would never park anything.  This rule weighs active
 * workers (a worker is active when it has at least one job; the others
 * are parked) and the target load:
 *   - a job without a worker is always placed;
 *   - a worker above the target is relieved at once (the solution brings
 *     the busiest worker down), unparking as few workers as that needs;
 *   - workers are parked only when the solution runs fewer of them with
 *     every one at or below target x (1 - park_margin).
 * The scheduler asks the solver to fill workers up to that parking level,
 * target x (1 - margin), so a relieved or packed worker has room to grow
 * before it reaches the target again.
 * The margin is the hysteresis: once parking leaves the workers at most
 * (1 - margin) x target, the load must grow by more than the margin before
 * a worker is unparked, and fall back below it before one is parked
 * again, so a load hovering at the target does not flap.
 *
 * A floor (min_active) keeps parking from falling below a share of the
 * most workers a class ran over the last day (model_pack_floor): a worker
 * parked as the load falls costs its directions' moves now and again when
 * the load comes back, and a load that returns daily comes back within
 * the day.  Unparking to relieve a worker never waits for the floor.  On
 * a 24-hour diurnal trace (night at 10% of the peak), a floor at half the
 * day's peak cut pack's migrations by 23% for 8% more worker-hours
 * (tests/sched/test_quality.c, test_pack). */
#ifndef VIO4WD_MODEL_PACK_H
#define VIO4WD_MODEL_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "assign.h"
#include "plan.h"

struct model_pack_params {
    double target;      /* a worker's load may not exceed it; 0.7 */
    double park_margin; /* parking leaves every worker at most
                             * target x (1 - margin); 0.1 */
    int min_active;     /* parking never leaves fewer active workers
                             * (model_pack_floor()); 0 */
};

void model_pack_defaults(struct model_pack_params *params);

/* What pack remembers of a class between decisions: the most workers
 * active in the current window and in the one before it, so that the peak
 * of the last window is known whatever the phase of the load. */
struct model_pack_memory {
    int peak;      /* most active workers since start */
    int last_peak; /* ... in the window before (0: none) */
    double start;  /* when the current window began, seconds */
    bool started;
};

/* Brings m to time t (seconds, not decreasing; a t before the window's
 * start restarts it).  A window lasts window_s: then the current peak
 * becomes the last one, or is forgotten after two windows without a
 * decision. */
void model_pack_age(struct model_pack_memory *m, double t, double window_s);

/* model_pack_age(), then records active workers at time t. */
void model_pack_remember(struct model_pack_memory *m, int active, double t, double window_s);

/* The fewest active workers parking may leave: keep (0 to 1) times the
 * most active over the last one or two windows (age m first), rounded
 * up. */
int model_pack_floor(const struct model_pack_memory *m, double keep);

/* Workers with at least one job when job j runs on worker[j] (-1: none;
 * worker NULL: the jobs' current workers). */
int model_active_workers(const struct model_problem *pb, const int *worker);

/* Fewest workers that could carry the jobs with every one at most cap: a
 * lower bound (total load / cap, rounded up; at least 1 with any job). */
int model_workers_needed(const struct model_problem *pb, double cap);

/* Like model_plan_build(), with pack's rule instead of spread's; plan's
 * fields mean the same (gain stays the makespan's).  Moves across NUMA
 * nodes are refused as there. */
int model_pack_plan(const struct model_problem *pb, const struct model_solution *sol,
                    const struct model_pack_params *params, bool global_numa,
                    struct model_plan *plan, char *errbuf, size_t errlen);

#endif
