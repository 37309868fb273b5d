/* SPDX-License-Identifier: BSD-3-Clause */
/* locality.c - NUMA locality sets and worker classes (see locality.h). */
#include "locality.h"

#include <stdio.h>
#include <string.h>

void locality_of_cpu(const struct model_cpu_info *info, struct sched_numa_set *set)
{
    memset(set, 0, sizeof(*set));
    set->n = info->n_local_numa;
    memcpy(set->numa, info->local_numa, sizeof(int) * (size_t)info->n_local_numa);
    if (set->n == 0) {
        set->n = 1;
        set->numa[0] = info->numa >= 0 ? info->numa : 0;
    }
}

bool locality_has(const struct sched_numa_set *set, int numa)
{
    for (int i = 0; i < set->n; i++)
        if (set->numa[i] == numa)
            return true;
    return false;
}

void locality_format(const struct sched_numa_set *set, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < set->n && len < size; i++) {
        int k = snprintf(buf + len, size - len, "%s%d", i ? "," : "", set->numa[i]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

static bool same(const struct sched_numa_set *a, const struct sched_numa_set *b)
{
    return a->n == b->n && memcmp(a->numa, b->numa, sizeof(int) * (size_t)a->n) == 0;
}

/* Lexicographic: by lowest node first, then the rest. */
static int order(const struct sched_numa_set *a, const struct sched_numa_set *b)
{
    for (int i = 0; i < a->n && i < b->n; i++)
        if (a->numa[i] != b->numa[i])
            return a->numa[i] < b->numa[i] ? -1 : 1;
    return a->n - b->n;
}

int locality_classes(const struct sched_numa_set *worker_set, int nw, int *class_of,
                     struct sched_numa_set *classes)
{
    int n = 0;

    for (int i = 0; i < nw; i++) {
        int k = 0;
        while (k < n && !same(&classes[k], &worker_set[i]))
            k++;
        if (k < n)
            continue;
        /* insert in order */
        for (k = n; k > 0 && order(&classes[k - 1], &worker_set[i]) > 0; k--)
            classes[k] = classes[k - 1];
        classes[k] = worker_set[i];
        n++;
    }
    for (int i = 0; i < nw; i++)
        for (int k = 0; k < n; k++)
            if (same(&classes[k], &worker_set[i]))
                class_of[i] = k;
    return n;
}
