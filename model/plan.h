/* SPDX-License-Identifier: BSD-3-Clause */
/* The migration planner: turns a solution into the list of moves to send
 * to the relay, and decides whether it is worth sending at all.
 *
 * Hysteresis: act only when the new makespan beats the current one by more
 * than the sensitivity (relative), or when a worker is overloaded, or when
 * some job has no worker yet; and, unless a job has no worker, only when
 * the gain is more than min_gain of a core. On lightly loaded workers a
 * relative gain is a few hundredths of a core, which is measurement noise,
 * and moving work then buys nothing: no core is anywhere near saturation.  Otherwise stationary noisy load would make
 * the scheduler shuffle relays for nothing.
 *
 * This instant rule is kept for one-shot callers; the scheduler weighs a
 * plan's sustained benefit instead (hysteresis.h), and uses only
 * model_plan_check(), model_plan_measure() and model_plan_moves() here. */
#ifndef VIO4WD_MODEL_PLAN_H
#define VIO4WD_MODEL_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "assign.h"
#include "error.h"

struct model_migration {
    int job;  /* index into the problem's jobs */
    int from; /* worker index, -1 if the job had none */
    int to;   /* worker index */
};

struct model_plan_params {
    double sensitivity;   /* required relative makespan gain; 0.1 */
    double min_gain;      /* required absolute gain, in cores; 0.05 */
    double overload;      /* a worker above this load forces action; 1.0 */
    double overload_gain; /* relative gain an overloaded worker's plan still
                          * needs (capped by sensitivity); 0: any gain */
    bool global_numa;     /* allow moves across NUMA nodes */
};

struct model_plan {
    bool act; /* apply the moves below */
    int n_moves;
    struct model_migration *moves; /* n_moves entries, NULL if none */
    double current_makespan;       /* of the jobs' current workers */
    double new_makespan;           /* of the solution */
    double gain;                   /* (current - new) / current */
    char reason[128];              /* why act or not, for logs */
};

void model_plan_defaults(struct model_plan_params *params);

/* The relative makespan gain a plan must beat when the busiest worker is at
 * current_makespan: the sensitivity, or less when that worker is
 * overloaded. Callers can skip solving when even the lower bound would not
 * beat it. */
double model_plan_required_gain(const struct model_plan_params *params, double current_makespan);

/* Diff pb's current assignment against sol and apply the hysteresis rule.
 * When act is false the plan holds no moves.  A move across NUMA nodes
 * without global_numa is refused with MODEL_EINVAL (the solver never
 * proposes one; this guards hand-made or stale solutions). */
int model_plan_build(const struct model_problem *pb, const struct model_solution *sol,
                     const struct model_plan_params *params, struct model_plan *plan, char *errbuf,
                     size_t errlen);

void model_plan_free(struct model_plan *plan);

/* The checks model_plan_build() makes on pb and sol (a move across NUMA
 * nodes without global_numa is MODEL_EINVAL), for other rules. */
int model_plan_check(const struct model_problem *pb, const struct model_solution *sol,
                     bool global_numa, char *errbuf, size_t errlen);

/* The figures every rule starts from: plan's current and new makespans,
 * the jobs with no worker yet and the jobs sol moves. */
int model_plan_measure(const struct model_problem *pb, const struct model_solution *sol,
                       struct model_plan *plan, int *unplaced, int *moves, char *errbuf,
                       size_t errlen);

/* Fill plan->moves with every job whose worker differs in sol (a rule
 * that decided to act calls it). */
int model_plan_moves(const struct model_problem *pb, const struct model_solution *sol,
                     struct model_plan *plan, char *errbuf, size_t errlen);

#endif
