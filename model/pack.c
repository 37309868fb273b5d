/* SPDX-License-Identifier: BSD-3-Clause */
/* Pack mode's apply rule (see pack.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pack.h"

void model_pack_defaults(struct model_pack_params *params)
{
    *params = (struct model_pack_params){.target = 0.7, .park_margin = 0.1, .min_active = 0};
}

void model_pack_age(struct model_pack_memory *m, double t, double window_s)
{
    if (!m->started || t < m->start) {
        *m = (struct model_pack_memory){.start = t, .started = true};
    } else if (t - m->start >= window_s) {
        /* a peak older than two windows says nothing of the next day */
        m->last_peak = t - m->start < 2.0 * window_s ? m->peak : 0;
        m->peak = 0;
        m->start = t;
    }
}

void model_pack_remember(struct model_pack_memory *m, int active, double t, double window_s)
{
    model_pack_age(m, t, window_s);
    if (active > m->peak)
        m->peak = active;
}

int model_pack_floor(const struct model_pack_memory *m, double keep)
{
    int peak = m->peak > m->last_peak ? m->peak : m->last_peak;

    if (!(keep > 0.0) || peak <= 0)
        return 0;
    return (int)ceil(fmin(keep, 1.0) * peak - MODEL_LOAD_EPS);
}

int model_active_workers(const struct model_problem *pb, const int *worker)
{
    bool *busy = calloc((size_t)(pb->n_workers > 0 ? pb->n_workers : 1), sizeof(*busy));
    int n = 0;

    if (busy == NULL)
        return -1;
    for (int j = 0; j < pb->n_jobs; j++) {
        int w = worker != NULL ? worker[j] : pb->jobs[j].current;
        if (w >= 0 && w < pb->n_workers && !busy[w]) {
            busy[w] = true;
            n++;
        }
    }
    free(busy);
    return n;
}

int model_workers_needed(const struct model_problem *pb, double cap)
{
    double total = 0.0;
    int k;

    for (int j = 0; j < pb->n_jobs; j++)
        total += pb->jobs[j].load;
    if (pb->n_jobs == 0)
        return 0;
    k = (int)ceil(total / cap - MODEL_LOAD_EPS);
    return k < 1 ? 1 : k;
}

/* The verdict; fills plan->act and plan->reason. */
static void decide(struct model_plan *plan, int unplaced, int active_now, int active_next,
                   const struct model_pack_params *p)
{
    double cur = plan->current_makespan, nw = plan->new_makespan;
    double park_cap = p->target * (1.0 - p->park_margin);

    plan->act = false;
    if (unplaced > 0) {
        plan->act = true;
        snprintf(plan->reason, sizeof(plan->reason),
                 "%d job(s) have no worker yet; %d active "
                 "worker(s)",
                 unplaced, active_next);
    } else if (cur > p->target + MODEL_LOAD_EPS && nw < cur - MODEL_LOAD_EPS) {
        plan->act = true;
        snprintf(plan->reason, sizeof(plan->reason),
                 "a worker at %.3f is above the pack target %.3f: %.3f on %d active worker(s) "
                 "(were %d)",
                 cur, p->target, nw, active_next, active_now);
    } else if (cur > p->target + MODEL_LOAD_EPS) {
        snprintf(plan->reason, sizeof(plan->reason),
                 "a worker at %.3f is above the pack target %.3f, and no plan does better: "
                 "keep placement",
                 cur, p->target);
    } else if (active_next < active_now && active_next < p->min_active) {
        snprintf(plan->reason, sizeof(plan->reason),
                 "%d active worker(s) would do, below the %d kept from the day's peak: keep "
                 "placement",
                 active_next, p->min_active);
    } else if (active_next < active_now && nw <= park_cap + MODEL_LOAD_EPS) {
        plan->act = true;
        snprintf(plan->reason, sizeof(plan->reason),
                 "parks %d worker(s): %d active at makespan %.3f <= %.3f", active_now - active_next,
                 active_next, nw, park_cap);
    } else if (active_next < active_now) {
        snprintf(plan->reason, sizeof(plan->reason),
                 "%d active worker(s) would do at makespan %.3f, above the %.3f parking needs: "
                 "keep placement",
                 active_next, nw, park_cap);
    } else {
        snprintf(plan->reason, sizeof(plan->reason),
                 "%d active worker(s), all at or below the pack target %.3f: keep placement",
                 active_now, p->target);
    }
}

int model_pack_plan(const struct model_problem *pb, const struct model_solution *sol,
                    const struct model_pack_params *params, bool global_numa,
                    struct model_plan *plan, char *errbuf, size_t errlen)
{
    int unplaced, moves, active_now, active_next, ret;

    if (plan == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no plan given");
    memset(plan, 0, sizeof(*plan));
    if (params == NULL || !isfinite(params->target) || params->target <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "pack target %g must be > 0",
                          params != NULL ? params->target : NAN);
    if (!isfinite(params->park_margin) || params->park_margin < 0.0 || params->park_margin >= 1.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "park margin %g must be in [0, 1)",
                          params->park_margin);
    if (params->min_active < 0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "pack floor of %d workers must be >= 0",
                          params->min_active);
    ret = model_plan_check(pb, sol, global_numa, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;

    ret = model_plan_measure(pb, sol, plan, &unplaced, &moves, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;
    plan->gain = plan->current_makespan > 0.0
                     ? (plan->current_makespan - plan->new_makespan) / plan->current_makespan
                     : 0.0;
    active_now = model_active_workers(pb, NULL);
    active_next = model_active_workers(pb, sol->worker);
    if (active_now < 0 || active_next < 0)
        return model_fail(errbuf, errlen, MODEL_ENOMEM, "out of memory");

    decide(plan, unplaced, active_now, active_next, params);
    if (plan->act && moves == 0) {
        plan->act = false;
        snprintf(plan->reason, sizeof(plan->reason), "nothing to move");
    }
    return plan->act ? model_plan_moves(pb, sol, plan, errbuf, errlen) : MODEL_OK;
}
