/* SPDX-License-Identifier: BSD-3-Clause */
/* Solution to migration list, with hysteresis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plan.h"

void model_plan_defaults(struct model_plan_params *params)
{
    *params = (struct model_plan_params){
        .sensitivity = 0.1,
        .min_gain = 0.05,
        .overload = 1.0,
        .overload_gain = 0.0,
        .global_numa = false,
    };
}

void model_plan_free(struct model_plan *plan)
{
    if (plan == NULL)
        return;
    free(plan->moves);
    plan->moves = NULL;
    plan->n_moves = 0;
    plan->act = false;
}

int model_plan_check(const struct model_problem *pb, const struct model_solution *sol,
                     bool global_numa, char *errbuf, size_t errlen)
{
    int ret = model_problem_check(pb, global_numa, errbuf, errlen);

    if (ret != MODEL_OK)
        return ret;
    if (sol == NULL || (pb->n_jobs > 0 && sol->worker == NULL))
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no solution given");
    if (sol->n_jobs != pb->n_jobs)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "solution has %d jobs, problem has %d",
                          sol->n_jobs, pb->n_jobs);
    for (int j = 0; j < pb->n_jobs; j++) {
        int to = sol->worker[j];
        const struct model_job *jb = &pb->jobs[j];
        if (to < 0 || to >= pb->n_workers)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "job %d: solution worker %d is out of range "
                              "[0, %d)",
                              j, to, pb->n_workers);
        if (!global_numa && to != jb->current && pb->workers[to].numa != jb->numa)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "job %d (NUMA node %d) would move to cpu %d "
                              "on NUMA node %d without global NUMA "
                              "optimisation",
                              j, jb->numa, pb->workers[to].cpu, pb->workers[to].numa);
    }
    return MODEL_OK;
}

double model_plan_required_gain(const struct model_plan_params *params, double current_makespan)
{
    return current_makespan > params->overload ? fmin(params->sensitivity, params->overload_gain)
                                               : params->sensitivity;
}

/* Decide whether the plan is worth applying; fills act, gain, reason. */
static void decide(struct model_plan *plan, int unplaced, const struct model_plan_params *p)
{
    double cur = plan->current_makespan, nw = plan->new_makespan;
    double need = model_plan_required_gain(p, cur);

    plan->gain = cur > 0.0 ? (cur - nw) / cur : 0.0;
    if (unplaced > 0) {
        plan->act = true;
        snprintf(plan->reason, sizeof(plan->reason), "%d job(s) have no worker yet", unplaced);
    } else if (cur - nw <= p->min_gain) {
        plan->act = false;
        snprintf(plan->reason, sizeof(plan->reason),
                 "makespan %.3f -> %.3f gains %.3f core, not more than %.3f: keep placement", cur,
                 nw, cur - nw, p->min_gain);
    } else if (cur > p->overload && nw < cur - MODEL_LOAD_EPS && plan->gain > need) {
        plan->act = true;
        snprintf(plan->reason, sizeof(plan->reason),
                 "worker overloaded (%.3f > %.3f), new makespan %.3f", cur, p->overload, nw);
    } else if (cur > p->overload) {
        plan->act = false;
        snprintf(plan->reason, sizeof(plan->reason),
                 "worker overloaded (%.3f) but the best plan (%.3f) gains only %.1f%% "
                 "(need > %.1f%%): keep placement",
                 cur, nw, plan->gain * 100.0, need * 100.0);
    } else if (plan->gain > p->sensitivity) {
        plan->act = true;
        snprintf(plan->reason, sizeof(plan->reason),
                 "makespan %.3f -> %.3f improves by %.1f%% > %.1f%%", cur, nw, plan->gain * 100.0,
                 p->sensitivity * 100.0);
    } else {
        plan->act = false;
        snprintf(plan->reason, sizeof(plan->reason),
                 "gain %.1f%% within sensitivity %.1f%%: keep placement", plan->gain * 100.0,
                 p->sensitivity * 100.0);
    }
}

int model_plan_build(const struct model_problem *pb, const struct model_solution *sol,
                     const struct model_plan_params *params, struct model_plan *plan, char *errbuf,
                     size_t errlen)
{
    struct model_plan_params def;
    int unplaced = 0, moves = 0, ret;

    if (plan == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no plan given");
    memset(plan, 0, sizeof(*plan));
    if (params == NULL) {
        model_plan_defaults(&def);
        params = &def;
    }
    if (!isfinite(params->sensitivity) || params->sensitivity < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "sensitivity %g must be >= 0",
                          params->sensitivity);
    if (!isfinite(params->min_gain) || params->min_gain < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "minimum gain %g must be >= 0 (cores)",
                          params->min_gain);
    if (!isfinite(params->overload_gain) || params->overload_gain < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "overload gain %g must be >= 0",
                          params->overload_gain);
    if (!isfinite(params->overload) || params->overload <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "overload threshold %g must be > 0",
                          params->overload);
    ret = model_plan_check(pb, sol, params->global_numa, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;

    ret = model_plan_measure(pb, sol, plan, &unplaced, &moves, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;

    decide(plan, unplaced, params);
    if (plan->act && moves == 0) {
        plan->act = false;
        snprintf(plan->reason, sizeof(plan->reason), "nothing to move");
    }
    if (!plan->act)
        return MODEL_OK;

    return model_plan_moves(pb, sol, plan, errbuf, errlen);
}

int model_plan_measure(const struct model_problem *pb, const struct model_solution *sol,
                       struct model_plan *plan, int *unplaced, int *moves, char *errbuf,
                       size_t errlen)
{
    int *current = malloc(sizeof(*current) * (size_t)(pb->n_jobs + 1));

    if (current == NULL)
        return model_fail(errbuf, errlen, MODEL_ENOMEM, "out of memory");
    *unplaced = *moves = 0;
    for (int j = 0; j < pb->n_jobs; j++) {
        current[j] = pb->jobs[j].current;
        if (current[j] < 0)
            (*unplaced)++;
        if (current[j] != sol->worker[j])
            (*moves)++;
    }
    plan->current_makespan = model_assignment_makespan(pb, current);
    plan->new_makespan = model_assignment_makespan(pb, sol->worker);
    free(current);
    return MODEL_OK;
}

int model_plan_moves(const struct model_problem *pb, const struct model_solution *sol,
                     struct model_plan *plan, char *errbuf, size_t errlen)
{
    int moves = 0;

    for (int j = 0; j < pb->n_jobs; j++)
        moves += pb->jobs[j].current != sol->worker[j];
    plan->n_moves = 0;
    plan->moves = malloc(sizeof(*plan->moves) * (size_t)(moves > 0 ? moves : 1));
    if (plan->moves == NULL) {
        plan->act = false;
        return model_fail(errbuf, errlen, MODEL_ENOMEM, "out of memory");
    }
    for (int j = 0; j < pb->n_jobs; j++) {
        if (pb->jobs[j].current == sol->worker[j])
            continue;
        plan->moves[plan->n_moves++] = (struct model_migration){
            .job = j,
            .from = pb->jobs[j].current,
            .to = sol->worker[j],
        };
    }
    return MODEL_OK;
}
