/* SPDX-License-Identifier: BSD-3-Clause */
/* state.h - one moment of the relay as the scheduler sees it: worker CPUs
 * and, per relay, its NUMA node, current CPU and load per direction.
 * Filled from the relay's counters (live) or from a trace line (replay).
 */
#ifndef VIO4WD_SCHED_STATE_H
#define VIO4WD_SCHED_STATE_H

#include <stddef.h>

/* Directions (enum vio4wd_dir) and their names are the relay's. */
#include "direction.h"

/* The sched modules' error convention: writes the sentence into err (when
 * there is one) and returns -1. */
int sched_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct sched_relay {
    int id;
    int numa;                      /* NUMA node of its memory, -1 unknown */
    int cpu[VIO4WD_DIR_COUNT];     /* current CPU per direction, -1 none */
    double load[VIO4WD_DIR_COUNT]; /* demand, fraction of one core */
};

/* The input: one moment of the relay. Arrays are owned by whoever filled
 * them; sched_state_free() frees ones made with malloc. */
struct sched_state {
    double t; /* seconds, for the output only */
    int n_workers;
    int *workers; /* worker CPUs (OS indexes) */
    int n_relays;
    struct sched_relay *relays;
};

void sched_state_free(struct sched_state *st);
int sched_state_copy(struct sched_state *dst, const struct sched_state *src);

#endif
