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
 * again, so a load hovering at the target does not flap. */
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
};

void model_pack_defaults(struct model_pack_params *params);

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
