/* SPDX-License-Identifier: BSD-3-Clause */
/* A problem's part on one NUMA node (see slice.h). */
#include <stdlib.h>
#include <string.h>

#include "slice.h"

bool model_job_stays(const struct model_problem *pb, const struct model_job *jb)
{
    return jb->current >= 0 && (jb->fixed || pb->workers[jb->current].excluded);
}

void model_slice_free(struct model_slice *s)
{
    if (s == NULL)
        return;
    free(s->job);
    free(s->worker);
    free(s->jobs);
    free(s->workers);
    memset(s, 0, sizeof(*s));
}

int model_slice_build(const struct model_problem *pb, int numa, bool keep_current,
                      struct model_slice *s)
{
    size_t nw = (size_t)(pb->n_workers > 0 ? pb->n_workers : 1);
    size_t nj = (size_t)(pb->n_jobs > 0 ? pb->n_jobs : 1);
    int *local = malloc(sizeof(*local) * nw); /* whole -> local worker */
    int n = 0, m = 0;

    memset(s, 0, sizeof(*s));
    s->job = malloc(sizeof(*s->job) * nj);
    s->worker = malloc(sizeof(*s->worker) * nw);
    s->jobs = malloc(sizeof(*s->jobs) * nj);
    s->workers = malloc(sizeof(*s->workers) * nw);
    if (local == NULL || s->job == NULL || s->worker == NULL || s->jobs == NULL ||
        s->workers == NULL) {
        free(local);
        model_slice_free(s);
        return MODEL_ENOMEM;
    }
    for (int w = 0; w < pb->n_workers; w++) {
        local[w] = -1;
        /* excluded and reserved workers take no job: out of the model */
        if (pb->workers[w].excluded || pb->workers[w].reserved)
            continue;
        if (numa < 0 || pb->workers[w].numa == numa) {
            local[w] = m;
            s->worker[m] = w;
            s->workers[m++] = pb->workers[w];
        }
    }
    for (int j = 0; j < pb->n_jobs; j++) {
        const struct model_job *jb = &pb->jobs[j];
        if (numa >= 0 && jb->numa != numa)
            continue;
        if (model_job_stays(pb, jb))
            continue;
        s->job[n] = j;
        s->jobs[n] = *jb;
        s->jobs[n].current = keep_current && jb->current >= 0 ? local[jb->current] : -1;
        n++;
    }
    free(local);
    s->pb = (struct model_problem){
        .jobs = s->jobs,
        .n_jobs = n,
        .workers = s->workers,
        .n_workers = m,
    };
    return MODEL_OK;
}
