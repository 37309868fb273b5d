/* SPDX-License-Identifier: BSD-3-Clause */
/* The assignment problem's data: workers, jobs (one direction of one
 * relay each) and the problem that holds them. Types only, so that the
 * solver (assign.h), the per-node slices (slice.h) and their users share
 * them without including each other. */
#ifndef VIO4WD_MODEL_PROBLEM_H
#define VIO4WD_MODEL_PROBLEM_H

#include <stdbool.h>

/* Sanity limits: far above any real host (upstream supports 64 relays),
 * low enough that n_jobs * n_workers model columns fit in an int and that
 * load sums stay finite. */
#define MODEL_MAX_JOBS    65536
#define MODEL_MAX_WORKERS 4096
#define MODEL_MAX_LOAD    1e6

struct model_worker {
    int cpu;       /* OS CPU index */
    int numa;      /* NUMA node (OS index) */
    int core;      /* physical core id: hyperthread siblings share it; -1 when
                 * unknown (the worker is then its own physical core) */
    bool excluded; /* operator constraint: no job moves onto or off it */
    bool reserved; /* operator constraint: it keeps its fixed jobs and
                     * takes no other (see model_job.fixed) */
};

struct model_job {
    double load; /* demand, fraction of one core; in [0, MODEL_MAX_LOAD] */
    int numa;    /* NUMA node of the relay's memory */
    int current; /* index into workers[] of the current worker, -1 if
                     * the job is not placed yet */
    bool fixed;  /* operator constraint: stays on current (ignored when
                     * current is -1) */
};

struct model_problem {
    const struct model_job *jobs;
    int n_jobs;
    const struct model_worker *workers;
    int n_workers;
};

#endif
