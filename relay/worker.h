/* SPDX-License-Identifier: BSD-3-Clause */
/* worker.h - worker lcores: the hot loop that services relay directions.
 *
 * Each worker services the directions in its handover state (w->ho.dirs).
 * That list changes only through the handover module (handover.h): the
 * worker applies what control or another worker asked for in its release
 * and adopt masks, at the top of a loop iteration.
 *
 * An idle worker sleeps (idle_backoff.h) and a worker with no direction
 * parks: both rest on the worker's doorbell (handover_rest), which every
 * handover for it rings, so neither delays a migration.
 */
#ifndef VIO4WD_WORKER_H
#define VIO4WD_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "counters.h"
#include "dir.h"
#include "handover.h"

struct worker {
    /* Index, CPU, directions and the masks others write (handover.h). */
    struct handover_worker ho;

    bool stop; /* written by the control plane */

    /* Written by this worker, read by the control plane. */
    uint64_t quiescent __rte_cache_aligned; /* +1 at the end of every loop */

    /* Set once before the workers run. */
    unsigned lcore_id;
    int numa_node;
    struct vio4wd_cnt_worker *cnt;
} __rte_cache_aligned;

extern struct worker g_workers[VIO4WD_CNT_MAX_WORKERS];
extern unsigned g_n_workers;
/* Every worker and direction, for the handover module. */
extern struct handover g_handover;

/* Records the worker CPUs (in mask order) and their lcore ids. */
int workers_init(const unsigned *cpus, const unsigned *lcores, unsigned n);

/* The longest back-off sleep of an idle worker, in microseconds; 0: never
 * sleep or park (idle_backoff.h). Before workers_launch(); default
 * VIO4WD_WORKER_SLEEP_MAX_US_DEFAULT (config.h). */
void workers_set_sleep_max(unsigned us);

/* Launches the loop on every worker lcore. */
int workers_launch(void);

/* Asks every worker to stop, waits for it; leftovers are flushed or freed. */
void workers_stop(void);

/* Index of the worker on this CPU, or -1. */
int worker_of_cpu(int cpu);

/* Returns once every running worker has finished the loop iteration it was
 * in when called: afterwards none of them still uses state that was
 * unpublished (vid, vf_ready cleared) before the call. */
void workers_quiesce(void);

/* The loop itself (an lcore_function_t). */
int worker_main(void *arg);

#endif
