/* worker.h - worker lcores: the hot loop that services relay directions.
 *
 * Each worker owns a private list of directions. It changes only its own
 * list, when the control plane (or another worker, handing a direction
 * over) sets bits in its release/adopt masks; see migrate.h.
 */
#ifndef VIO4WD_WORKER_H
#define VIO4WD_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "counters.h"
#include "relay.h"

#define WORKER_MASK_WORDS ((RELAY_MAX_DIRS + 63) / 64)

struct worker {
    /* Written by others, read by this worker every loop. */
    uint64_t release[WORKER_MASK_WORDS] __rte_cache_aligned; /* give these away */
    uint64_t adopt[WORKER_MASK_WORDS];                      /* take these */
    bool stop;

    /* Written by this worker, read by the control plane. */
    uint64_t quiescent __rte_cache_aligned;  /* +1 at the end of every loop */
    bool running;

    /* Private to this worker. */
    unsigned index, lcore_id, cpu;
    int numa_node;
    uint16_t n_dirs;
    struct relay_dir *dirs[RELAY_MAX_DIRS] __rte_cache_aligned;
    struct vio4wd_cnt_worker *cnt;
} __rte_cache_aligned;

extern struct worker g_workers[VIO4WD_CNT_MAX_WORKERS];
extern unsigned g_n_workers;

/* Records the worker CPUs (in mask order) and their lcore ids. */
int workers_init(const unsigned *cpus, const unsigned *lcores, unsigned n);

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
