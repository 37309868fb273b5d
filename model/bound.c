/* SPDX-License-Identifier: BSD-3-Clause */
/* Combinatorial lower bounds for the assignment problem. */
#include <stdlib.h>

#include "bound.h"
#include "internal.h"

double bound_makespan(const double *load, int n, int m, const int *order)
{
    double total = 0.0, lb;

    if (n == 0 || m <= 0)
        return 0.0;
    for (int j = 0; j < n; j++)
        total += load[j];
    lb = total / m;
    if (load[order[0]] > lb)
        lb = load[order[0]];

    /* Among the k*m+1 largest jobs some core gets k+1; the cheapest such
     * group is the k+1 smallest of them, ranks k*m-k .. k*m (0-based). */
    for (int k = 1; (long)k * m + 1 <= n; k++) {
        double s = 0.0;
        for (int r = k * m - k; r <= k * m; r++)
            s += load[order[r]];
        if (s > lb)
            lb = s;
    }
    return lb;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

int bound_evictions(const double *load, int n, const int *cur, int core, double cap)
{
    double excess = -cap, *jobs;
    int k = 0, out = 0;

    for (int j = 0; j < n; j++)
        if (cur[j] == core) {
            excess += load[j];
            k++;
        }
    if (excess <= MODEL_LOAD_EPS)
        return 0;
    jobs = malloc(sizeof(*jobs) * (size_t)k);
    if (jobs == NULL)
        return 0; /* 0 is always a valid (weak) bound */
    k = 0;
    for (int j = 0; j < n; j++)
        if (cur[j] == core)
            jobs[k++] = load[j];
    /* Evicting the largest jobs first needs the fewest evictions. */
    qsort(jobs, (size_t)k, sizeof(*jobs), cmp_desc);
    for (int i = 0; i < k && excess > MODEL_LOAD_EPS; i++) {
        excess -= jobs[i];
        out++;
    }
    free(jobs);
    return out;
}

int bound_moves(const double *load, int n, int m, const int *cur, double cap)
{
    int moves = 0;

    for (int j = 0; j < n; j++)
        if (cur[j] < 0)
            moves++;
    for (int c = 0; c < m; c++)
        moves += bound_evictions(load, n, cur, c, cap);
    return moves;
}
