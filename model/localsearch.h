/* SPDX-License-Identifier: BSD-3-Clause */
/* Local search on an assignment of n jobs to m cores.
 *
 * Two jobs: lower the makespan of any assignment (move/swap descent from
 * the most loaded core), and repair a current assignment so that every
 * core fits under a cap with as few migrations as possible.  The solver
 * uses both as warm starts and to polish rounded LP solutions. */
#ifndef VIO4WD_MODEL_LOCALSEARCH_H
#define VIO4WD_MODEL_LOCALSEARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Improve asg in place by moving one job off the most loaded core, or
 * swapping one of its jobs with a smaller job elsewhere, while that lowers
 * the larger of the two cores involved.  core_load (m entries) must hold
 * the loads of asg and is kept up to date.  Returns the new makespan. */
double ls_descent(const double *load, int n, int m, int *asg, double *core_load);

/* Stronger than ls_descent: for every pair of cores, move or swap so that
 * the transfer comes closest to evening the pair out, until no pair can
 * get closer.  Lowers the sum of squared loads at every step, which keeps
 * going where the makespan alone is stuck on ties.  Returns the new
 * makespan; core_load is kept up to date. */
double ls_balance(const double *load, int n, int m, int *asg, double *core_load);

/* ls_balance() that stops at `until` (model_now() seconds) with what it
 * has: every step lowers the sum of squared loads and keeps core_load
 * exact, so stopping anywhere leaves a valid assignment, never worse than
 * the one given.  On a 128-PU node the full run can take 100 ms. */
double ls_balance_until(const double *load, int n, int m, int *asg, double *core_load,
                        double until);

/* Starting from start[] (often equal to home[]), reach an assignment with
 * every core at most cap, preferring the moves and swaps that cost the
 * fewest migrations against home[] (home < 0: the job has no current core
 * and must be placed).  Then moves migrated jobs back home wherever they
 * fit.  Returns true if every core ends under cap; asg holds the result
 * either way.  With rng non-NULL the order of the overloaded cores and the
 * preference among equally cheap fixes are randomised, for restarts. */
bool ls_repair(const double *load, int n, int m, const int *home, const int *start, double cap,
               uint64_t *rng, int *asg);

/* Relabel the cores of a fresh solution so that as many jobs as possible
 * stay where home[] has them (greedy max-weight matching of cores).  The
 * makespan is unchanged, so this is a feasible warm start whenever the
 * fresh solution fits under the cap. */
void ls_relabel_towards(int n, int m, const int *home, int *asg);

#endif
