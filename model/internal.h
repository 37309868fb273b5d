/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers private to model/: error formatting, timing, small array tools.
 * Not installed, not included by users of the library. */
#ifndef VIO4WD_MODEL_INTERNAL_H
#define VIO4WD_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Format a message into errbuf (may be NULL) and return status, so that a
 * failure site reads `return model_fail(err, len, MODEL_EINVAL, "...")`. */
int model_fail(char *errbuf, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Monotonic clock in seconds; only differences are meaningful. */
double model_now(void);

/* Loads are compared with this tolerance so that sums done in a different
 * order do not make equal makespans look different. */
#define MODEL_LOAD_EPS 1e-9

/* Fill order[0..n) with job indexes sorted by load, largest first.  Ties go
 * to the lower index, which matches upstream's stable Python sort and keeps
 * every result reproducible. */
void model_sort_by_load_desc(const double *load, int n, int *order);

/* Per-core loads of an assignment; core_load must hold m entries.  Jobs
 * with asg outside [0, m) (-1: not placed) add nothing. */
void model_core_loads(const double *load, int n, const int *asg, int m, double *core_load);

/* Largest entry of core_load[0..m). */
double model_max_load(const double *core_load, int m);

/* Makespan of an assignment: the one computation of it in the project
 * (model_assignment_makespan() adapts a problem to it).  Allocates nothing
 * when m is small; unplaced jobs add nothing. */
double model_makespan(const double *load, int n, const int *asg, int m);

/* Jobs whose core differs from cur[] (cur < 0 counts as a move). */
int model_count_moves(const int *asg, const int *cur, int n);

/* splitmix64: tiny and seedable, so randomised restarts give the same
 * answer on every run and every machine. */
static inline uint64_t model_rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double model_rng_unit(uint64_t *s)
{
    return (double)(model_rng_next(s) >> 11) * 0x1p-53;
}

#endif
