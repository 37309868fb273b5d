/* SPDX-License-Identifier: BSD-3-Clause */
/* Lower bounds: on the makespan of P||Cmax and on the number of moves the
 * migration stage must make.  Both are cheap and combinatorial; they let
 * the solver stop early (the fast path) and prove how good an answer is. */
#ifndef VIO4WD_MODEL_BOUND_H
#define VIO4WD_MODEL_BOUND_H

/* max(total/m, largest job, and for every k >= 1 the sum of the k+1
 * smallest of the k*m+1 largest jobs: by pigeonhole some core holds k+1 of
 * them).  k = 1 is the classic "two of the m+1 largest" bound.
 * order lists jobs largest first. */
double bound_makespan(const double *load, int n, int m, const int *order);

/* Fewest moves that can bring every core of the current assignment to at
 * most cap: each overloaded core must shed at least as many jobs as it
 * takes its largest jobs to cover the excess, and every job without a
 * current core (cur < 0) must be placed. */
int bound_moves(const double *load, int n, int m, const int *cur, double cap);

/* The part of bound_moves() due to one core: how many of the jobs on
 * `core` in cur[] must leave it for the rest to fit under cap.  Also a
 * valid cut: at most (jobs there - evictions) of them can stay. */
int bound_evictions(const double *load, int n, const int *cur, int core, double cap);

#endif
