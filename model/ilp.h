/* SPDX-License-Identifier: BSD-3-Clause */
/* The two GLPK models behind the solver.
 *
 * Stage 1 minimises the makespan T over binary x[j][c].  Stage 2 caps every
 * core at a given load and minimises the number of jobs that leave their
 * current core.  Both run glp_simplex first with presolve off (so the
 * branch-and-bound callback sees the real model), inject a warm start and
 * LP-rounded, locally repaired solutions through a GLP_IHEUR callback, and
 * stop at a time limit.  They never return something worse than the warm
 * start they were given. */
#ifndef VIO4WD_MODEL_ILP_H
#define VIO4WD_MODEL_ILP_H

#include <stdbool.h>

struct ilp_outcome {
    double bound;   /* proven lower bound on the objective */
    bool proven;    /* objective is within the gap of bound */
    bool improved;  /* the ILP beat the warm start */
    int nodes_heur; /* LP roundings injected (diagnostics) */
};

/* Stage 1.  order lists jobs largest first; with `symmetric` false, the
 * job of rank r may only use cores 0..r (symmetry breaking: valid because
 * cores are interchangeable when nothing is currently placed).  lb is a
 * proven bound, given to T as its lower bound.  start is a feasible
 * assignment; asg receives the best found (possibly start itself). */
int ilp_min_makespan(const double *load, int n, int m, const int *order, bool break_symmetry,
                     double lb, const int *start, double gap, double time_limit_s, int *asg,
                     struct ilp_outcome *out);

/* Stage 2.  Every core at most cap; minimise moves away from home[]
 * (home < 0 counts as a move wherever the job goes).  start must fit
 * under cap; moves_lb is a proven bound on the moves. */
int ilp_min_moves(const double *load, int n, int m, const int *home, double cap, const int *start,
                  int moves_lb, double time_limit_s, int *asg, struct ilp_outcome *out);

#endif
