/* SPDX-License-Identifier: BSD-3-Clause */
/* The assignment solver: which worker services each relay direction.
 *
 * A job is one direction of one relay; its load is the fraction of one core
 * it demands.  Per NUMA node (or over all workers with global_numa), the
 * solver minimises, in this order:
 *   1. the makespan, the largest worker load;
 *   2. the migrations away from each job's current worker, among solutions
 *      within migration_slack of the best makespan found, or within
 *      tolerance of the bound when that is larger (and never worse than
 *      greedy); with a tolerance, the makespan again without adding a
 *      migration (stage 3, local search);
 *   3. busy hyperthread siblings while a whole physical core is idle; and
 *      a heavy job's (above 0.5 core) siblings above the node's average
 *      load per PU, a weighted term that may cost migrations.
 * In pack mode (pack_target > 0) the node first uses the fewest workers
 * that carry it with every one at or below pack_target; the others get
 * nothing (they are parked).  This is done by successive solves: for
 * k = ceil(load / target) (or pack_min_workers if more), k + 1, ... the
 * k workers that keep the most jobs where they are run the pipeline above
 * (its stage 1 ILP decides whether k workers fit under the target) until
 * one fits.  Then the makespan on those k workers, then the migrations,
 * with the target as the migration stage's cap: under the target a lower
 * makespan buys nothing, while every move costs a handover.  Hyperthread tie-breaks
 * come last and never change the number of active workers.  A node that
 * does not fit under the target on all its workers gets spread's answer.
 * Operator constraints fix variables of the model, which the solver does by
 * leaving them out of the node's model (they separate from the rest): a
 * job marked fixed stays where it is, an excluded worker keeps its jobs
 * and takes no other, and a reserved worker keeps its fixed jobs while
 * every other job must leave it.  The migration budget (max_moves) is a
 * constraint on the migration stage: when the fewest moves under the
 * makespan cap exceed it, the cap is raised (successive solves, bisection
 * between the cap and the current makespan) to the lowest one whose
 * fewest moves fit the budget.  Both hold for the heuristic answers too.
 * GLPK's MIP solver does the work under a time limit, warm-started from
 * upstream's greedy polished by local search.  The answer is never worse
 * than greedy, and comes with a proven lower bound on the makespan. */
#ifndef VIO4WD_MODEL_ASSIGN_H
#define VIO4WD_MODEL_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "problem.h"

struct model_assign_params {
    double time_limit_s;       /* stage 1 (makespan) per NUMA node; 0.1 */
    double moves_time_limit_s; /* stage 2 (migrations) per node; 0.2 */
    double mip_gap;            /* relative optimality gap; 0.005 */
    double migration_slack;    /* epsilon of stage 2: moves are minimised
                                 * among solutions with makespan at most
                                 * max(best found, bound*(1+mip_gap)) +
                                 * epsilon*bound; 0.01 */
    double tolerance;          /* a re-plan's aim: stage 2's cap is at
                                 * least (1+tolerance)*bound, so a plan
                                 * moves only the few jobs that bring the
                                 * node within it, and stage 3 then lowers
                                 * the makespan without adding a move (a
                                 * job with no worker is placed as tight
                                 * as the moves allow); 0: the tightest
                                 * makespan first, as stage 1 found it; 0 */
    bool global_numa;          /* ignore NUMA: any job on any worker */
    bool keep_current;         /* minimise migrations from jobs[].current
                                 * (stage 2); true */
    bool use_ilp;              /* false: greedy, local search and repair
                                 * only (a caller out of time); true */
    double pack_target;        /* > 0: pack mode (see model_assign());
                                 * 0: spread, the order above; 0 */
    int pack_min_workers;      /* pack: the successive solves start from
                                 * this many workers (or all of a node's)
                                 * when fewer would do, so a plan parks
                                 * none below it; it fills none it need
                                 * not; 0 */
    int max_moves;             /* operator constraint: at most this many
                                 * jobs leave their current worker (placing
                                 * a job that has none is not a move); the
                                 * makespan is then the least within the
                                 * budget; -1: no limit; -1 */
    long max_ilp_columns;      /* a node with more jobs x workers than
                                 * this keeps the heuristic answer: GLPK's
                                 * model grows with the product (600 MB at
                                 * 8,192 jobs); 0: no limit; 0 */
};

struct model_solution {
    int n_jobs;
    int *worker;            /* per job: index into workers[] */
    double makespan;        /* largest worker load of this solution */
    double lower_bound;     /* proven: no assignment does better */
    double greedy_makespan; /* upstream greedy on the same input */
    double least_makespan;  /* the least makespan the solver found; never
                             * above greedy_makespan. A tolerant plan
                             * stays above it by choice (makespan) */
    double solve_time_s;    /* wall time of model_assign() */
    int migrations;         /* jobs whose worker differs from current */
    int greedy_migrations;  /* the same count for the greedy answer */
    bool proven;            /* makespan within mip_gap of lower_bound
                             * (with a tolerance: stage 1's makespan) */
    int ilp_runs;           /* ILPs solved; 0 when the fast path sufficed */
    bool ilp_skipped;       /* some node needed an ILP but use_ilp or
                             * max_ilp_columns kept it to the heuristics */
};

/* Defaults listed next to each field above. */
void model_assign_defaults(struct model_assign_params *params);

/* Solve.  params may be NULL for the defaults.  On success sol owns
 * sol->worker; release it with model_solution_free().  On failure sol is
 * left empty and errbuf (may be NULL) names the bad value. */
int model_assign(const struct model_problem *pb, const struct model_assign_params *params,
                 struct model_solution *sol, char *errbuf, size_t errlen);

/* Upstream virtio-forwarder's greedy (largest job to the least-loaded
 * worker, per NUMA node unless global_numa), for comparison.  Fills the
 * same fields; lower_bound is the combinatorial bound. */
int model_assign_greedy(const struct model_problem *pb, bool global_numa,
                        struct model_solution *sol, char *errbuf, size_t errlen);

void model_solution_free(struct model_solution *sol);

/* Check a problem the way model_assign() does, without solving. */
int model_problem_check(const struct model_problem *pb, bool global_numa, char *errbuf,
                        size_t errlen);

/* Largest worker load when job j runs on worker[j]; jobs with worker -1
 * add nothing.  Used for the current assignment's makespan. */
double model_assignment_makespan(const struct model_problem *pb, const int *worker);

#endif
