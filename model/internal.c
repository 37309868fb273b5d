/* SPDX-License-Identifier: BSD-3-Clause */
/* Small helpers shared by the model/ translation units. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

const char *model_strerror(int status)
{
    switch (status) {
    case MODEL_OK:
        return "OK";
    case MODEL_EINVAL:
        return "EINVAL";
    case MODEL_ENOMEM:
        return "ENOMEM";
    case MODEL_ENOENT:
        return "ENOENT";
    case MODEL_ETOPO:
        return "ETOPO";
    case MODEL_ESOLVER:
        return "ESOLVER";
    default:
        return "unknown";
    }
}

int model_fail(char *errbuf, size_t errlen, int status, const char *fmt, ...)
{
    if (errbuf != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return status;
}

double model_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* qsort has no context argument; the loads travel in a small wrapper so
 * the comparator stays reentrant. */
struct ranked {
    double load;
    int job;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->load > y->load)
        return -1;
    if (x->load < y->load)
        return 1;
    return (x->job > y->job) - (x->job < y->job);
}

void model_sort_by_load_desc(const double *load, int n, int *order)
{
    struct ranked small[256];
    struct ranked *r = n <= 256 ? small : malloc(sizeof(*r) * (size_t)n);

    if (r == NULL) {
        /* Out of memory on a tiny array: fall back to insertion sort,
         * which needs nothing and is only slow, never wrong. */
        for (int i = 0; i < n; i++)
            order[i] = i;
        for (int i = 1; i < n; i++) {
            int j = order[i], k = i - 1;
            while (k >= 0 &&
                   (load[order[k]] < load[j] || (load[order[k]] == load[j] && order[k] > j))) {
                order[k + 1] = order[k];
                k--;
            }
            order[k + 1] = j;
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        r[i].load = load[i];
        r[i].job = i;
    }
    qsort(r, (size_t)n, sizeof(*r), cmp_ranked);
    for (int i = 0; i < n; i++)
        order[i] = r[i].job;
    if (r != small)
        free(r);
}

void model_core_loads(const double *load, int n, const int *asg, int m, double *core_load)
{
    for (int c = 0; c < m; c++)
        core_load[c] = 0.0;
    for (int j = 0; j < n; j++)
        if (asg[j] >= 0 && asg[j] < m)
            core_load[asg[j]] += load[j];
}

double model_max_load(const double *core_load, int m)
{
    double best = 0.0;
    for (int c = 0; c < m; c++)
        if (core_load[c] > best)
            best = core_load[c];
    return best;
}

double model_makespan(const double *load, int n, const int *asg, int m)
{
    double small[256];
    double *cl = m <= 256 ? small : malloc(sizeof(*cl) * (size_t)m);
    double best = 0.0;

    if (cl == NULL) {
        /* Quadratic but allocation-free. */
        for (int c = 0; c < m; c++) {
            double s = 0.0;
            for (int j = 0; j < n; j++)
                if (asg[j] == c)
                    s += load[j];
            if (s > best)
                best = s;
        }
        return best;
    }
    model_core_loads(load, n, asg, m, cl);
    best = model_max_load(cl, m);
    if (cl != small)
        free(cl);
    return best;
}

int model_count_moves(const int *asg, const int *cur, int n)
{
    int moves = 0;
    if (cur == NULL)
        return 0;
    for (int j = 0; j < n; j++)
        if (cur[j] != asg[j])
            moves++;
    return moves;
}
