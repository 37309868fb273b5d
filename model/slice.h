/* SPDX-License-Identifier: BSD-3-Clause */
/* One NUMA node's part of an assignment problem, renumbered.
 *
 * The solver works node by node (jobs never leave their node), and so
 * does the scheduler, which wants a makespan, a bound and a verdict per
 * node.  Both cut the problem the same way through this one function:
 * the node's workers and jobs in local numbering, each job's current
 * worker translated (a job that runs on another node's worker has no
 * current worker here: it must move), and the way back to the whole
 * problem's indexes.  Operator constraints leave the slice: a job that
 * stays (model_job_stays()) is not in it, nor is an excluded or reserved
 * worker; a job on a reserved worker that is not fixed is in it with no
 * current worker, so it must move. */
#ifndef VIO4WD_MODEL_SLICE_H
#define VIO4WD_MODEL_SLICE_H

#include <stdbool.h>

#include "error.h"
#include "problem.h"

struct model_slice {
    struct model_problem pb; /* the node's part, local numbering */
    int *job;                /* local job -> job of the whole problem */
    int *worker;             /* local worker -> worker of the whole */
    struct model_job *jobs;  /* storage behind pb */
    struct model_worker *workers;
};

/* The part of pb on NUMA node `numa` (the workers' and jobs' .numa), or
 * all of it when numa < 0.  With keep_current false every job is
 * "not placed yet".  Returns MODEL_OK or MODEL_ENOMEM (s is then empty). */
int model_slice_build(const struct model_problem *pb, int numa, bool keep_current,
                      struct model_slice *s);

void model_slice_free(struct model_slice *s);

/* Whether a job is held where it is by an operator constraint: fixed, or
 * on an excluded worker. */
bool model_job_stays(const struct model_problem *pb, const struct model_job *jb);

#endif
