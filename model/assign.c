/* SPDX-License-Identifier: BSD-3-Clause */
/* The assignment solver: validation, the split into NUMA nodes, the solver
 * pipeline per node (greedy, local search, bound, fast path, ILP stages) and
 * the hyperthread tie-break. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "bound.h"
#include "greedy.h"
#include "ilp.h"
#include "internal.h"
#include "localsearch.h"
#include "slice.h"

void model_assign_defaults(struct model_assign_params *params)
{
    *params = (struct model_assign_params){
        .time_limit_s = 0.1,
        .moves_time_limit_s = 0.2,
        .mip_gap = 0.005,
        .migration_slack = 0.01,
        .tolerance = 0.0,
        .global_numa = false,
        .keep_current = true,
        .use_ilp = true,
        .pack_target = 0.0,
        .max_moves = -1,
        .max_ilp_columns = 0,
    };
}

void model_solution_free(struct model_solution *sol)
{
    if (sol == NULL)
        return;
    free(sol->worker);
    memset(sol, 0, sizeof(*sol));
}

/* ------------------------------------------------------------------ */
/* Validation                                                           */
/* ------------------------------------------------------------------ */

static bool worker_on_node(const struct model_problem *pb, int numa)
{
    for (int w = 0; w < pb->n_workers; w++)
        if (pb->workers[w].numa == numa)
            return true;
    return false;
}

int model_problem_check(const struct model_problem *pb, bool global_numa, char *errbuf,
                        size_t errlen)
{
    if (pb == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no problem given");
    if (pb->n_workers <= 0 || pb->workers == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "no workers (n_workers = %d): nothing can run", pb->n_workers);
    if (pb->n_jobs < 0 || (pb->n_jobs > 0 && pb->jobs == NULL))
        return model_fail(errbuf, errlen, MODEL_EINVAL, "bad job list (n_jobs = %d)", pb->n_jobs);
    if (pb->n_jobs > MODEL_MAX_JOBS || pb->n_workers > MODEL_MAX_WORKERS)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "%d jobs on %d workers exceeds the limits (%d "
                          "jobs, %d workers)",
                          pb->n_jobs, pb->n_workers, MODEL_MAX_JOBS, MODEL_MAX_WORKERS);

    for (int w = 0; w < pb->n_workers; w++) {
        const struct model_worker *wk = &pb->workers[w];
        if (wk->cpu < 0)
            return model_fail(errbuf, errlen, MODEL_EINVAL, "worker %d: cpu %d is negative", w,
                              wk->cpu);
        if (!global_numa && wk->numa < 0)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "worker %d (cpu %d): NUMA node %d is negative", w, wk->cpu, wk->numa);
        for (int v = 0; v < w; v++)
            if (pb->workers[v].cpu == wk->cpu)
                return model_fail(errbuf, errlen, MODEL_EINVAL,
                                  "cpu %d is listed as worker %d and %d", wk->cpu, v, w);
    }

    for (int j = 0; j < pb->n_jobs; j++) {
        const struct model_job *jb = &pb->jobs[j];
        if (!isfinite(jb->load) || jb->load < 0.0 || jb->load > MODEL_MAX_LOAD)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "job %d: load %g is not a number in [0, %g]", j, jb->load,
                              MODEL_MAX_LOAD);
        if (jb->current < -1 || jb->current >= pb->n_workers)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "job %d: current worker %d is out of range "
                              "[-1, %d)",
                              j, jb->current, pb->n_workers);
        if (!global_numa && !worker_on_node(pb, jb->numa))
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "job %d is on NUMA node %d, which has no "
                              "worker (use global NUMA optimisation or add "
                              "a worker there)",
                              j, jb->numa);
    }
    return MODEL_OK;
}

static int check_params(const struct model_assign_params *p, char *errbuf, size_t errlen)
{
    if (!isfinite(p->time_limit_s) || p->time_limit_s <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "time limit %g s must be > 0",
                          p->time_limit_s);
    if (!isfinite(p->moves_time_limit_s) || p->moves_time_limit_s <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "migration time limit %g s must be > 0",
                          p->moves_time_limit_s);
    if (!isfinite(p->mip_gap) || p->mip_gap < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "MIP gap %g must be >= 0", p->mip_gap);
    if (!isfinite(p->pack_target) || p->pack_target < 0.0 || p->pack_target > MODEL_MAX_LOAD)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "pack target %g must be in [0, %g] (0: spread)", p->pack_target,
                          MODEL_MAX_LOAD);
    if (p->pack_min_workers < 0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "pack minimum of %d workers must be >= 0",
                          p->pack_min_workers);
    if (p->max_moves < -1)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "migration budget %d must be >= 0 (-1: no limit)", p->max_moves);
    if (!isfinite(p->migration_slack) || p->migration_slack < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "migration slack %g must be >= 0",
                          p->migration_slack);
    if (!isfinite(p->tolerance) || p->tolerance < 0.0 || p->tolerance > 1.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "tolerance %g must be in [0, 1] (a share of the bound)", p->tolerance);
    return MODEL_OK;
}

double model_assignment_makespan(const struct model_problem *pb, const int *worker)
{
    double *load = malloc(sizeof(*load) * (size_t)(pb->n_jobs > 0 ? pb->n_jobs : 1));
    double best;

    if (load == NULL)
        return NAN;
    for (int j = 0; j < pb->n_jobs; j++)
        load[j] = pb->jobs[j].load;
    best = model_makespan(load, pb->n_jobs, worker, pb->n_workers);
    free(load);
    return best;
}

/* ------------------------------------------------------------------ */
/* One NUMA node (or everything, with global NUMA)                      */
/* ------------------------------------------------------------------ */

/* The node's slice of the problem in local numbering: job i is global job
 * jobs[i], core c is global worker cores[c]. */
struct node {
    int n, m;
    int *jobs;
    int *cores;
    double *load;
    int *home;     /* local core of the current worker, -1 if none */
    bool has_home; /* some job has a current worker on this node */
    int *asg;      /* result, local cores */
    int *greedy;   /* upstream greedy, local cores */
    double makespan, bound, greedy_makespan;
    double best_makespan; /* stage 1's, before a tolerant stage 2 */
    int ilp_runs;
    bool ilp_skipped; /* an ILP would have run but was not allowed */
    double moves_cap; /* > 0: the migration stage's cap (pack mode) */
    int max_moves;    /* migration budget, -1: none */
    int unplaced;     /* jobs with no home (placing them is no move) */
};

static void node_free(struct node *nd)
{
    free(nd->jobs);
    free(nd->cores);
    free(nd->load);
    free(nd->home);
    free(nd->asg);
    free(nd->greedy);
}

/* Collect the jobs and workers of NUMA node `numa` (all of them when
 * `all`), through the one slicing the scheduler uses too.  Returns
 * MODEL_ENOMEM or MODEL_OK. */
static int node_build(const struct model_problem *pb, bool all, int numa, bool keep_current,
                      struct node *nd)
{
    struct model_slice s;
    size_t nj;

    memset(nd, 0, sizeof(*nd));
    if (model_slice_build(pb, all ? -1 : numa, keep_current, &s) != MODEL_OK)
        return MODEL_ENOMEM;
    nd->n = s.pb.n_jobs;
    nd->m = s.pb.n_workers;
    nd->jobs = s.job;
    nd->cores = s.worker;
    s.job = s.worker = NULL;
    nj = (size_t)(nd->n > 0 ? nd->n : 1);
    nd->load = malloc(sizeof(*nd->load) * nj);
    nd->home = malloc(sizeof(*nd->home) * nj);
    nd->asg = malloc(sizeof(*nd->asg) * nj);
    nd->greedy = malloc(sizeof(*nd->greedy) * nj);
    if (nd->load == NULL || nd->home == NULL || nd->asg == NULL || nd->greedy == NULL) {
        model_slice_free(&s);
        node_free(nd);
        return MODEL_ENOMEM;
    }
    for (int j = 0; j < nd->n; j++) {
        nd->load[j] = s.jobs[j].load;
        /* A job currently on another node's worker (global optimisation
         * was just turned off) has no valid home here: it must move. */
        nd->home[j] = s.jobs[j].current;
        if (nd->home[j] >= 0)
            nd->has_home = true;
        else
            nd->unplaced++;
    }
    model_slice_free(&s);
    return MODEL_OK;
}

/* Share of a stage's time limit that GLPK may plan to use. */
#define STAGE_TIME_MARGIN 0.9

/* Whether the node may go to GLPK at all. */
static bool ilp_allowed(const struct node *nd, const struct model_assign_params *p)
{
    return p->use_ilp && (p->max_ilp_columns <= 0 || (long)nd->n * nd->m <= p->max_ilp_columns);
}

/* Stage 1: the best makespan we can find and prove in the time limit. */
static int solve_makespan(struct node *nd, const int *order, const struct model_assign_params *p,
                          int *best)
{
    int n = nd->n, m = nd->m, ret = MODEL_OK;
    double *cl = malloc(sizeof(*cl) * (size_t)m);
    double t0 = model_now(), left;

    if (cl == NULL)
        return MODEL_ENOMEM;
    greedy_lpt(nd->load, n, m, order, nd->greedy, cl);
    nd->greedy_makespan = model_max_load(cl, m);
    nd->bound = bound_makespan(nd->load, n, m, order);

    memcpy(best, nd->greedy, sizeof(*best) * (size_t)n);
    nd->makespan = ls_descent(nd->load, n, m, best, cl);
    /* Descent stalls when several cores tie at the top; pairwise
     * balancing keeps evening them out, then descent finishes the job. */
    if (nd->makespan > nd->bound * (1.0 + p->mip_gap) + MODEL_LOAD_EPS) {
        int *alt = malloc(sizeof(*alt) * (size_t)n);
        double *acl = malloc(sizeof(*acl) * (size_t)m);
        if (alt != NULL && acl != NULL) {
            memcpy(alt, best, sizeof(*alt) * (size_t)n);
            memcpy(acl, cl, sizeof(*acl) * (size_t)m);
            ls_balance_until(nd->load, n, m, alt, acl, t0 + p->time_limit_s * STAGE_TIME_MARGIN);
            double ms = ls_descent(nd->load, n, m, alt, acl);
            if (ms < nd->makespan) {
                nd->makespan = ms;
                memcpy(best, alt, sizeof(*best) * (size_t)n);
            }
        }
        free(alt);
        free(acl);
    }
    free(cl);

    /* Fast path: the heuristic is already within the gap of the bound. */
    if (nd->makespan <= nd->bound * (1.0 + p->mip_gap) + MODEL_LOAD_EPS || m < 2)
        return MODEL_OK;
    if (!ilp_allowed(nd, p)) {
        nd->ilp_skipped = true;
        return MODEL_OK;
    }

    int *ilp = malloc(sizeof(*ilp) * (size_t)n);
    struct ilp_outcome out;
    if (ilp == NULL)
        return MODEL_ENOMEM;
    /* Symmetry breaking (the job of load rank r only on cores 0..r) prunes
     * the m! relabellings of every solution, but only when cores are
     * interchangeable, i.e. nothing is placed yet.  With a current
     * assignment the labels carry meaning (migrations), so the model keeps
     * them all.
     * The limit covers the heuristics too, and GLPK checks its clock only
     * between nodes, so keep a small margin for its last node. */
    left = p->time_limit_s * STAGE_TIME_MARGIN - (model_now() - t0);
    ret = ilp_min_makespan(nd->load, n, m, order, !nd->has_home, nd->bound, best, p->mip_gap,
                           left > 0.001 ? left : 0.001, ilp, &out);
    if (ret == MODEL_OK) {
        double ms = model_makespan(nd->load, n, ilp, m);
        nd->ilp_runs++;
        if (ms < nd->makespan) {
            nd->makespan = ms;
            memcpy(best, ilp, sizeof(*best) * (size_t)n);
        }
        if (out.bound > nd->bound && out.bound <= nd->makespan)
            nd->bound = out.bound;
    }
    free(ilp);
    return ret;
}

/* Share of the stage-2 time given to randomised repair restarts before the
 * ILP gets the rest: restarts do most of the work on large nodes, where
 * GLPK's LP is too weak to improve on them; on small nodes the ILP can
 * still prove the count optimal. */
#define REPAIR_TIME_SHARE   0.3
#define REPAIR_RESTARTS_MAX 1000

/* Probability that a restart's kick sends a migrated job back home. */
#define REPAIR_KICK 0.25

/* The fewest-moves repair we can find within budget_s: the deterministic
 * one, then randomised restarts, stopping early at the lower bound.  Odd
 * restarts start from home; even ones from the best so far with some of
 * its migrated jobs sent back home (an iterated-local-search kick).
 * Returns the moves of best[], or -1 if no repair fits under the cap. */
static int best_repair(const struct node *nd, double cap, int moves_lb, double budget_s, int *best,
                       int *scratch, int *from)
{
    int n = nd->n, m = nd->m, best_moves = -1;
    double deadline = model_now() + budget_s;
    uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)n * 1000003u;

    for (int r = 0; r <= REPAIR_RESTARTS_MAX; r++) {
        const int *start = nd->home;
        if (r > 0 && (best_moves == moves_lb || model_now() > deadline))
            break;
        if (r % 2 == 0 && best_moves > 0) {
            memcpy(from, best, sizeof(*from) * (size_t)n);
            for (int j = 0; j < n; j++)
                if (nd->home[j] >= 0 && from[j] != nd->home[j] &&
                    model_rng_unit(&rng) < REPAIR_KICK)
                    from[j] = nd->home[j];
            start = from;
        }
        if (ls_repair(nd->load, n, m, nd->home, start, cap, r == 0 ? NULL : &rng, scratch)) {
            int moves = model_count_moves(scratch, nd->home, n);
            if (best_moves < 0 || moves < best_moves) {
                best_moves = moves;
                memcpy(best, scratch, sizeof(*best) * (size_t)n);
            }
        }
    }
    return best_moves;
}

/* Fewest moves from home[] with every core under cap, within budget_s:
 * the answer goes to nd->asg. */
static int moves_under(struct node *nd, const int *fresh, double cap,
                       const struct model_assign_params *p, double budget)
{
    int n = nd->n, m = nd->m, ret = MODEL_OK;
    double t0 = model_now();
    int *repaired = malloc(sizeof(*repaired) * (size_t)n);
    int *scratch = malloc(sizeof(*scratch) * (size_t)n);
    int *from = malloc(sizeof(*from) * (size_t)n);
    int *start, moves_lb, repaired_moves;

    if (repaired == NULL || scratch == NULL || from == NULL) {
        ret = MODEL_ENOMEM;
        goto out;
    }
    moves_lb = bound_moves(nd->load, n, m, nd->home, cap);

    /* Two warm starts: repair the current assignment with few moves, or
     * relabel the fresh solution to keep as many jobs as it can.  The
     * relabelled one always fits (its makespan is the stage-1 one). */
    memcpy(nd->asg, fresh, sizeof(*nd->asg) * (size_t)n);
    ls_relabel_towards(n, m, nd->home, nd->asg);
    /* Without the ILP the restarts get the whole stage. */
    bool ilp = m >= 2 && ilp_allowed(nd, p);
    repaired_moves =
        best_repair(nd, cap, moves_lb, budget * (ilp ? REPAIR_TIME_SHARE : STAGE_TIME_MARGIN),
                    repaired, scratch, from);
    if (repaired_moves >= 0 && repaired_moves <= model_count_moves(nd->asg, nd->home, n))
        memcpy(nd->asg, repaired, sizeof(*nd->asg) * (size_t)n);

    start = scratch;
    memcpy(start, nd->asg, sizeof(*start) * (size_t)n);
    if (model_count_moves(start, nd->home, n) > moves_lb && m >= 2 && !ilp) {
        nd->ilp_skipped = true; /* the repair's answer stands */
    } else if (model_count_moves(start, nd->home, n) > moves_lb && m >= 2) {
        struct ilp_outcome out;
        double left = budget * STAGE_TIME_MARGIN - (model_now() - t0);
        ret = ilp_min_moves(nd->load, n, m, nd->home, cap, start, moves_lb,
                            left > 0.001 ? left : 0.001, nd->asg, &out);
        if (ret == MODEL_OK)
            nd->ilp_runs++;
    }
out:
    free(repaired);
    free(scratch);
    free(from);
    return ret;
}

/* Migrations of asg: jobs that leave a home (placing a job is none). */
static int node_migrations(const struct node *nd, const int *asg)
{
    return model_count_moves(asg, nd->home, nd->n) - nd->unplaced;
}

/* Steps of the bisection on the cap that fits the migration budget. */
#define BUDGET_STEPS 8

/* The migration budget: the lowest cap whose fewest moves fit it, by
 * bisection between cap (too few moves allowed) and the makespan of
 * staying home (no migration at all, homeless jobs placed).  Each step is
 * a stage-2 solve with its share of the time. */
static int fit_budget(struct node *nd, const int *fresh, double cap,
                      const struct model_assign_params *p)
{
    int n = nd->n, m = nd->m, ret = MODEL_OK;
    int *kept = malloc(sizeof(*kept) * (size_t)n);
    double lo = cap, hi;

    if (kept == NULL)
        return MODEL_ENOMEM;
    ls_repair(nd->load, n, m, nd->home, nd->home, HUGE_VAL, NULL, kept);
    hi = model_makespan(nd->load, n, kept, m) + MODEL_LOAD_EPS;
    for (int step = 0; step < BUDGET_STEPS && hi - lo > MODEL_LOAD_EPS; step++) {
        double mid = (lo + hi) / 2.0;
        ret = moves_under(nd, fresh, mid, p, p->moves_time_limit_s / BUDGET_STEPS);
        if (ret != MODEL_OK)
            break;
        if (node_migrations(nd, nd->asg) <= nd->max_moves &&
            model_makespan(nd->load, n, nd->asg, m) <= mid) {
            hi = mid;
            memcpy(kept, nd->asg, sizeof(*kept) * (size_t)n);
        } else {
            lo = mid;
        }
    }
    memcpy(nd->asg, kept, sizeof(*kept) * (size_t)n);
    free(kept);
    return ret;
}

/* Migrations that moving job j to core e, and job k (>= 0) to j's core in
 * exchange, adds against home[] (negative: saves). */
static int trade_added_moves(const struct node *nd, int j, int k, int e)
{
    int c = nd->asg[j], delta = (nd->home[j] != e) - (nd->home[j] != c);
    if (k >= 0)
        delta += (nd->home[k] != c) - (nd->home[k] != e);
    return delta;
}

/* Stage 3, after a tolerant stage 2: lower the makespan without adding a
 * migration.  From the busiest core, move one of its jobs to another core,
 * or swap it with a job there, when that adds no move against home[] (a
 * job away from home or with none may go anywhere; one at home only in a
 * trade that brings another job home) and lowers the larger of the two
 * cores.  Local search, not an ILP: it runs in microseconds, inside stage
 * 2's time, so the decision's deadline does not see it.  Stops at
 * budget_s. */
static void tighten_kept(struct node *nd, double budget_s)
{
    int n = nd->n, m = nd->m, *asg = nd->asg;
    double *cl = malloc(sizeof(*cl) * (size_t)m), deadline = model_now() + budget_s;

    if (cl == NULL)
        return;
    model_core_loads(nd->load, n, asg, m, cl);
    for (int iter = 0; iter < 4 * n + 16; iter++) {
        int top = 0, bj = -1, bk = -1, bd = -1;
        double best;

        for (int c = 1; c < m; c++)
            if (cl[c] > cl[top])
                top = c;
        best = cl[top] - MODEL_LOAD_EPS;
        for (int j = 0; j < n; j++) {
            if (asg[j] != top)
                continue;
            for (int k = -1; k < n; k++) {
                int d = k < 0 ? -1 : asg[k];
                double a, b;
                if (k >= 0 && (d == top || nd->load[k] >= nd->load[j]))
                    continue;
                for (int e = (k < 0 ? 0 : d); e < (k < 0 ? m : d + 1); e++) {
                    if (e == top || trade_added_moves(nd, j, k, e) > 0)
                        continue;
                    a = cl[top] - nd->load[j] + (k >= 0 ? nd->load[k] : 0.0);
                    b = cl[e] + nd->load[j] - (k >= 0 ? nd->load[k] : 0.0);
                    if (fmax(a, b) < best) {
                        best = fmax(a, b);
                        bj = j;
                        bk = k;
                        bd = e;
                    }
                }
            }
        }
        if (bj < 0 || model_now() > deadline)
            break;
        cl[top] -= nd->load[bj];
        cl[bd] += nd->load[bj];
        asg[bj] = bd;
        if (bk >= 0) {
            cl[bd] -= nd->load[bk];
            cl[top] += nd->load[bk];
            asg[bk] = top;
        }
    }
    free(cl);
}

/* Stage 3, second part: even the cores out (the sum of their squared
 * loads) without adding a migration or raising the makespan, so that the
 * plan leaves every worker as far under the band as its moves allow, not
 * only the busiest: loads drift, and the next worker to cross the band
 * is the one left nearest to it. */
static void even_kept(struct node *nd, double deadline)
{
    int n = nd->n, m = nd->m, *asg = nd->asg;
    double *cl = malloc(sizeof(*cl) * (size_t)m), top;

    if (cl == NULL)
        return;
    model_core_loads(nd->load, n, asg, m, cl);
    top = model_max_load(cl, m) + MODEL_LOAD_EPS;
    for (int iter = 0; iter < 4 * n + 16; iter++) {
        int bj = -1, bk = -1, be = -1;
        double best = MODEL_LOAD_EPS;

        for (int j = 0; j < n && model_now() <= deadline; j++) {
            int c = asg[j];
            for (int k = -1; k < n; k++) {
                int e0 = k < 0 ? 0 : asg[k], e1 = k < 0 ? m : asg[k] + 1;
                if (k >= 0 && (asg[k] == c || nd->load[k] >= nd->load[j]))
                    continue;
                for (int e = e0; e < e1; e++) {
                    double t = nd->load[j] - (k >= 0 ? nd->load[k] : 0.0), a, b, gain;
                    if (e == c || cl[c] - cl[e] <= t || trade_added_moves(nd, j, k, e) > 0)
                        continue;
                    a = cl[c] - t;
                    b = cl[e] + t;
                    if (b > top)
                        continue;
                    gain = cl[c] * cl[c] + cl[e] * cl[e] - a * a - b * b;
                    if (gain > best) {
                        best = gain;
                        bj = j;
                        bk = k;
                        be = e;
                    }
                }
            }
        }
        if (bj < 0)
            break;
        double t = nd->load[bj] - (bk >= 0 ? nd->load[bk] : 0.0);
        cl[asg[bj]] -= t;
        cl[be] += t;
        if (bk >= 0)
            asg[bk] = asg[bj];
        asg[bj] = be;
    }
    free(cl);
}

/* Stage 2: fewest moves from home[] with every core under the cap, and no
 * more than the migration budget. */
static int solve_moves(struct node *nd, const int *fresh, const struct model_assign_params *p)
{
    int ret;
    /* Never worse than greedy, whatever the slack. */
    double limit = nd->greedy_makespan > nd->makespan ? nd->greedy_makespan : nd->makespan;
    /* Stage 1 knows the best makespan only up to the MIP gap: anything
     * within the gap of the bound is as good as optimal.  The slack is
     * counted on top, relative to the bound, so that the cap stays within
     * gap + slack of the proven optimum whatever stage 1 happened to hit. */
    double best = nd->makespan > nd->bound * (1.0 + p->mip_gap) ? nd->makespan
                                                                : nd->bound * (1.0 + p->mip_gap);
    double t0 = model_now(), cap;
    /* A tolerant plan: any makespan within the tolerance of the bound is
     * as good, so only the jobs that bring the node there move.  Greedy
     * does not cap it: greedy is a fresh placement that moves nearly
     * every job, and the tolerance is the operator's word that its last
     * few percent are not worth the migrations. */
    bool tolerant = nd->bound * (1.0 + p->tolerance) > best;

    if (tolerant)
        best = nd->bound * (1.0 + p->tolerance);
    cap = best + nd->bound * p->migration_slack;
    if (cap > limit && !tolerant)
        cap = limit;
    if (nd->moves_cap > cap)
        cap = nd->moves_cap;
    cap += MODEL_LOAD_EPS;
    ret = moves_under(nd, fresh, cap, p, p->moves_time_limit_s);
    if (ret == MODEL_OK && nd->max_moves >= 0 && node_migrations(nd, nd->asg) > nd->max_moves)
        ret = fit_budget(nd, fresh, cap, p);
    /* stage 3: the moves chosen, the tightest and most even loads they allow */
    if (ret == MODEL_OK && tolerant && nd->moves_cap <= 0.0) {
        tighten_kept(nd, p->moves_time_limit_s - (model_now() - t0));
        even_kept(nd, t0 + p->moves_time_limit_s);
    }
    nd->makespan = model_makespan(nd->load, nd->n, nd->asg, nd->m);
    return ret;
}

static int solve_node(struct node *nd, const struct model_assign_params *p)
{
    int n = nd->n, ret;
    int *order = malloc(sizeof(*order) * (size_t)(n > 0 ? n : 1));
    int *fresh = malloc(sizeof(*fresh) * (size_t)(n > 0 ? n : 1));

    if (order == NULL || fresh == NULL) {
        ret = MODEL_ENOMEM;
        goto out;
    }
    model_sort_by_load_desc(nd->load, n, order);
    ret = solve_makespan(nd, order, p, fresh);
    if (ret != MODEL_OK)
        goto out;
    nd->best_makespan = nd->makespan;
    if (nd->has_home)
        ret = solve_moves(nd, fresh, p);
    else
        memcpy(nd->asg, fresh, sizeof(*fresh) * (size_t)n);
out:
    free(order);
    free(fresh);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Hyperthread tie-break                                                */
/* ------------------------------------------------------------------ */

/* Two workers are siblings when they share a known physical core. */
static bool siblings(const struct model_problem *pb, int a, int b)
{
    return a != b && pb->workers[a].core >= 0 && pb->workers[a].core == pb->workers[b].core;
}

/* Position of a worker among the node's workers on its physical core:
 * 0 for the first thread, 1 for its sibling, ... */
static int thread_slot(const struct model_problem *pb, const struct node *nd, int c)
{
    int slot = 0;
    for (int d = 0; d < c; d++)
        if (siblings(pb, nd->cores[d], nd->cores[c]))
            slot++;
    return slot;
}

/* Fresh placement: cores are interchangeable, so hand the heaviest bins to
 * first threads of distinct physical cores before any second thread. */
static void spread_fresh(const struct model_problem *pb, struct node *nd)
{
    int m = nd->m;
    double *bin = calloc((size_t)m, sizeof(*bin));
    int *bins = malloc(sizeof(*bins) * (size_t)m);
    int *slots = malloc(sizeof(*slots) * (size_t)m);
    int *target = malloc(sizeof(*target) * (size_t)m);
    int *label = malloc(sizeof(*label) * (size_t)m);

    if (bin == NULL || bins == NULL || slots == NULL || target == NULL || label == NULL)
        goto out;
    model_core_loads(nd->load, nd->n, nd->asg, m, bin);
    model_sort_by_load_desc(bin, m, bins);
    for (int c = 0; c < m; c++)
        slots[c] = thread_slot(pb, nd, c);

    /* Cores ordered by thread slot, then by their own order. */
    int k = 0;
    for (int s = 0; k < m; s++)
        for (int c = 0; c < m; c++)
            if (slots[c] == s)
                target[k++] = c;
    for (int i = 0; i < m; i++)
        label[bins[i]] = target[i];
    for (int j = 0; j < nd->n; j++)
        nd->asg[j] = label[nd->asg[j]];
out:
    free(bin);
    free(bins);
    free(slots);
    free(target);
    free(label);
}

/* With a current assignment, moving a whole bin costs migrations, which
 * rank above siblings; so only swap a busy sibling's bin onto an idle
 * physical core when that adds no migration. */
static void spread_kept(const struct model_problem *pb, struct node *nd)
{
    int m = nd->m, n = nd->n;
    int *count = calloc((size_t)m, sizeof(*count));

    if (count == NULL)
        return;
    for (int round = 0; round < m; round++) {
        bool changed = false;
        for (int c = 0; c < m; c++)
            count[c] = 0;
        for (int j = 0; j < n; j++)
            count[nd->asg[j]]++;

        for (int w = 0; w < m && !changed; w++) {
            bool busy_sibling = false;
            if (count[w] == 0)
                continue;
            for (int s = 0; s < m; s++)
                if (count[s] > 0 && siblings(pb, nd->cores[w], nd->cores[s]))
                    busy_sibling = true;
            if (!busy_sibling)
                continue;

            for (int v = 0; v < m && !changed; v++) {
                bool core_idle = count[v] == 0;
                int delta = 0;
                for (int s = 0; s < m && core_idle; s++)
                    if (count[s] > 0 && siblings(pb, nd->cores[v], nd->cores[s]))
                        core_idle = false;
                if (!core_idle || siblings(pb, nd->cores[v], nd->cores[w]))
                    continue;
                for (int j = 0; j < n; j++)
                    if (nd->asg[j] == w)
                        delta += (nd->home[j] != v) - (nd->home[j] != w);
                if (delta > 0)
                    continue;
                for (int j = 0; j < n; j++)
                    if (nd->asg[j] == w)
                        nd->asg[j] = v;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    free(count);
}

/* A direction above this load is heavy: the hyperthread it shares a
 * physical core with slows it down in proportion to its own load. */
#define HEAVY_JOB 0.5

/* Siblings we track per worker (SMT8 at most). */
#define MAX_MATES 8

struct heavy_view {
    int m;
    double *bin;  /* load per local core */
    bool *heavy;  /* the core's bin holds a heavy job */
    int *n_mates; /* per core: its siblings among the node's cores */
    int *mates;   /* m x MAX_MATES */
    double avg;   /* the node's average load per PU */
};

/* The weighted sibling term of one physical core (given by any of its
 * cores c): for every heavy bin on it, what its siblings carry above the
 * node's average.  Zero when a heavy job's sibling is as light as the
 * node allows on average. */
static double sibling_penalty(const struct heavy_view *v, int c)
{
    double pen = 0.0;
    for (int i = -1; i < v->n_mates[c]; i++) {
        int h = i < 0 ? c : v->mates[c * MAX_MATES + i];
        if (!v->heavy[h])
            continue;
        for (int k = 0; k < v->n_mates[h]; k++) {
            double over = v->bin[v->mates[h * MAX_MATES + k]] - v->avg;
            if (over > MODEL_LOAD_EPS)
                pen += over;
        }
    }
    return pen;
}

static bool same_core(const struct heavy_view *v, int a, int b)
{
    for (int k = 0; k < v->n_mates[a]; k++)
        if (v->mates[a * MAX_MATES + k] == b)
            return true;
    return a == b;
}

/* Trade what the view knows of bins a and b (load, heaviness): all the
 * sibling term needs to weigh a trade, in constant time. */
static void swap_view(struct heavy_view *v, int a, int b)
{
    double t = v->bin[a];
    bool h = v->heavy[a];
    v->bin[a] = v->bin[b];
    v->bin[b] = t;
    v->heavy[a] = v->heavy[b];
    v->heavy[b] = h;
}

/* Make a trade: the view and the jobs. */
static void swap_bins(struct node *nd, struct heavy_view *v, int a, int b)
{
    swap_view(v, a, b);
    for (int j = 0; j < nd->n; j++) {
        if (nd->asg[j] == a)
            nd->asg[j] = b;
        else if (nd->asg[j] == b)
            nd->asg[j] = a;
    }
}

/* Migrations that trading bin b with each bin c adds (negative: saves),
 * into delta[c], in one pass over the jobs: one pass per trade made the
 * post-pass cubic, seconds on 128-PU nodes.  b_home[h]: b's jobs whose
 * home is h; own[c]: c's jobs at home; to_b[c]: c's jobs whose home is
 * b.  scratch holds 3m ints. */
static void trade_moves(const struct node *nd, int b, int *scratch, int *delta)
{
    int m = nd->m, *b_home = scratch, *own = scratch + m, *to_b = scratch + 2 * m;

    memset(scratch, 0, sizeof(*scratch) * 3 * (size_t)m);
    for (int j = 0; nd->has_home && j < nd->n; j++) {
        int h = nd->home[j], c = nd->asg[j];
        if (h < 0)
            continue;
        b_home[h] += c == b;
        own[c] += h == c;
        to_b[c] += h == b;
    }
    for (int c = 0; c < m; c++)
        delta[c] = b_home[b] - b_home[c] + own[c] - to_b[c];
}

/* Keep heavy directions' siblings light: trade whole bins (the makespan
 * does not change) while that lowers the weighted sibling term, taking
 * among equal gains the trade that adds the fewest migrations.  Runs in
 * fresh placements and re-plans alike; a re-plan whose only change would
 * be such a trade gains no makespan, so the hysteresis keeps the
 * placement, and the trade rides along with plans that pay anyway. */
static void spread_heavy(const struct model_problem *pb, struct node *nd)
{
    int m = nd->m;
    struct heavy_view v = {.m = m};
    double total = 0.0;
    int *scratch, *delta;

    v.bin = calloc((size_t)m, sizeof(*v.bin));
    v.heavy = calloc((size_t)m, sizeof(*v.heavy));
    v.n_mates = calloc((size_t)m, sizeof(*v.n_mates));
    v.mates = malloc(sizeof(*v.mates) * (size_t)m * MAX_MATES);
    scratch = malloc(sizeof(*scratch) * 4 * (size_t)m);
    if (v.bin == NULL || v.heavy == NULL || v.n_mates == NULL || v.mates == NULL || scratch == NULL)
        goto out;
    delta = scratch + 3 * m;
    model_core_loads(nd->load, nd->n, nd->asg, m, v.bin);
    for (int j = 0; j < nd->n; j++)
        if (nd->load[j] > HEAVY_JOB)
            v.heavy[nd->asg[j]] = true;
    for (int c = 0; c < m; c++) {
        total += v.bin[c];
        for (int d = 0; d < m; d++)
            if (siblings(pb, nd->cores[c], nd->cores[d]) && v.n_mates[c] < MAX_MATES)
                v.mates[c * MAX_MATES + v.n_mates[c]++] = d;
    }
    v.avg = total / m;

    for (int round = 0; round < m; round++) {
        int best_b = -1, best_v = -1, best_moves = 0;
        double best = -MODEL_LOAD_EPS;
        for (int a = 0; a < m; a++) {
            if (!v.heavy[a])
                continue;
            for (int k = 0; k < v.n_mates[a]; k++) {
                int b = v.mates[a * MAX_MATES + k];
                bool counted = false;
                if (v.bin[b] <= v.avg + MODEL_LOAD_EPS)
                    continue;
                for (int c = 0; c < m; c++) {
                    double before, after;
                    int moves;
                    if (same_core(&v, b, c))
                        continue;
                    before = sibling_penalty(&v, b) + sibling_penalty(&v, c);
                    swap_view(&v, b, c);
                    after = sibling_penalty(&v, b) + sibling_penalty(&v, c);
                    swap_view(&v, b, c);
                    /* a trade must lower the term, not just save moves:
                     * otherwise equal trades could cycle */
                    if (after - before >= -MODEL_LOAD_EPS || after - before > best + MODEL_LOAD_EPS)
                        continue;
                    if (!counted)
                        trade_moves(nd, b, scratch, delta);
                    counted = true;
                    moves = delta[c];
                    if (after - before < best - MODEL_LOAD_EPS || moves < best_moves) {
                        best = after - before;
                        best_b = b;
                        best_v = c;
                        best_moves = moves;
                    }
                }
            }
        }
        if (best_b < 0)
            break;
        swap_bins(nd, &v, best_b, best_v);
    }
out:
    free(v.bin);
    free(v.heavy);
    free(v.n_mates);
    free(v.mates);
    free(scratch);
}

/* spread_heavy() may cost migrations: with a budget, keep its trades only
 * when they fit. */
static int spread_heavy_within(const struct model_problem *pb, struct node *nd)
{
    int *before;

    if (nd->max_moves < 0) {
        spread_heavy(pb, nd);
        return MODEL_OK;
    }
    before = malloc(sizeof(*before) * (size_t)nd->n);
    if (before == NULL)
        return MODEL_ENOMEM;
    memcpy(before, nd->asg, sizeof(*before) * (size_t)nd->n);
    spread_heavy(pb, nd);
    if (node_migrations(nd, nd->asg) > nd->max_moves)
        memcpy(nd->asg, before, sizeof(*before) * (size_t)nd->n);
    free(before);
    return MODEL_OK;
}

/* ------------------------------------------------------------------ */
/* Pack mode                                                            */
/* ------------------------------------------------------------------ */

/* Which workers stay active when k of them must: the ones that keep the
 * most jobs home (fewest migrations), then the most load home, then first
 * threads of distinct physical cores before second threads (hyperthread
 * sharing ranks last), then the lower index.  rank[0..m) receives local
 * cores in that order. */
static void pack_rank(const struct model_problem *pb, const struct node *nd, int *rank, int *count,
                      double *held, int *slot)
{
    int m = nd->m;

    for (int c = 0; c < m; c++) {
        count[c] = 0;
        held[c] = 0.0;
        slot[c] = thread_slot(pb, nd, c);
        rank[c] = c;
    }
    for (int j = 0; j < nd->n; j++)
        if (nd->home[j] >= 0) {
            count[nd->home[j]]++;
            held[nd->home[j]] += nd->load[j];
        }
    /* insertion sort: m is small and the order must be stable */
    for (int i = 1; i < m; i++) {
        int c = rank[i], k = i - 1;
        while (k >= 0) {
            int d = rank[k];
            bool after = count[d] < count[c] ||
                         (count[d] == count[c] &&
                          (held[d] < held[c] - MODEL_LOAD_EPS ||
                           (fabs(held[d] - held[c]) <= MODEL_LOAD_EPS && slot[d] > slot[c])));
            if (!after)
                break;
            rank[k + 1] = d;
            k--;
        }
        rank[k + 1] = c;
    }
}

/* The node restricted to its first k cores in rank order (local numbering
 * of the restriction: core i is nd's core rank[i]). */
static int pack_sub(const struct node *nd, const int *rank, int k, int *inv, struct node *sub)
{
    size_t nj = (size_t)(nd->n > 0 ? nd->n : 1);

    memset(sub, 0, sizeof(*sub));
    sub->n = nd->n;
    sub->m = k;
    sub->load = malloc(sizeof(*sub->load) * nj);
    sub->home = malloc(sizeof(*sub->home) * nj);
    sub->asg = malloc(sizeof(*sub->asg) * nj);
    sub->greedy = malloc(sizeof(*sub->greedy) * nj);
    if (sub->load == NULL || sub->home == NULL || sub->asg == NULL || sub->greedy == NULL) {
        node_free(sub);
        return MODEL_ENOMEM;
    }
    for (int c = 0; c < nd->m; c++)
        inv[c] = -1;
    for (int i = 0; i < k; i++)
        inv[rank[i]] = i;
    memcpy(sub->load, nd->load, sizeof(*sub->load) * (size_t)nd->n);
    sub->max_moves = -1; /* counted against nd's homes, in pack_node */
    for (int j = 0; j < nd->n; j++) {
        sub->home[j] = nd->home[j] >= 0 ? inv[nd->home[j]] : -1;
        if (sub->home[j] >= 0)
            sub->has_home = true;
        else
            sub->unplaced++;
    }
    return MODEL_OK;
}

/* Pack one node (see assign.h): the fewest active workers at or below the
 * target by successive solves, then makespan and migrations on them. */
static int pack_node(const struct model_problem *pb, struct node *nd,
                     const struct model_assign_params *p)
{
    int n = nd->n, m = nd->m, ret = MODEL_OK, k;
    int *rank = malloc(sizeof(int) * (size_t)m);
    int *count = malloc(sizeof(int) * (size_t)m);
    int *slot = malloc(sizeof(int) * (size_t)m);
    int *inv = malloc(sizeof(int) * (size_t)m);
    int *order = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    double *held = malloc(sizeof(double) * (size_t)m);
    double total = 0.0, target = p->pack_target;

    if (rank == NULL || count == NULL || slot == NULL || inv == NULL || order == NULL ||
        held == NULL) {
        ret = MODEL_ENOMEM;
        goto out;
    }
    pack_rank(pb, nd, rank, count, held, slot);
    model_sort_by_load_desc(nd->load, n, order);
    for (int j = 0; j < n; j++)
        total += nd->load[j];
    k = (int)ceil(total / target - MODEL_LOAD_EPS);
    if (k < p->pack_min_workers)
        k = p->pack_min_workers;
    /* all the node's workers when even they cannot stay under the target */
    if (k > m)
        k = m;
    if (k < 1)
        k = 1;
    for (; k <= m; k++) {
        struct node sub;
        /* No k workers beat the bound: skip the solve. */
        if (k < m && bound_makespan(nd->load, n, k, order) > target + MODEL_LOAD_EPS)
            continue;
        ret = pack_sub(nd, rank, k, inv, &sub);
        if (ret != MODEL_OK)
            goto out;
        sub.moves_cap = target;
        ret = solve_node(&sub, p);
        for (int j = 0; ret == MODEL_OK && j < n; j++)
            nd->asg[j] = rank[sub.asg[j]];
        /* over the budget: k workers cannot do it; staying home can */
        if (ret == MODEL_OK && nd->max_moves >= 0 && node_migrations(nd, nd->asg) > nd->max_moves) {
            if (k == m)
                ls_repair(nd->load, n, m, nd->home, nd->home, HUGE_VAL, NULL, nd->asg);
            else
                sub.makespan = HUGE_VAL;
        }
        if (ret == MODEL_OK && (sub.makespan <= target + MODEL_LOAD_EPS || k == m)) {
            nd->makespan = model_makespan(nd->load, n, nd->asg, m);
            nd->bound = sub.bound;
            nd->ilp_runs += sub.ilp_runs;
            nd->ilp_skipped |= sub.ilp_skipped;
            node_free(&sub);
            break;
        }
        nd->ilp_runs += sub.ilp_runs;
        node_free(&sub);
        if (ret != MODEL_OK)
            goto out;
    }
    /* upstream's greedy over all the node's workers, the yardstick */
    greedy_lpt(nd->load, n, m, order, nd->greedy, NULL);
    nd->greedy_makespan = model_makespan(nd->load, n, nd->greedy, m);
out:
    free(rank);
    free(count);
    free(slot);
    free(inv);
    free(order);
    free(held);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

/* The distinct NUMA nodes that have workers, or one pseudo-node for all. */
static int node_ids(const struct model_problem *pb, bool all, int *ids)
{
    int k = 0;
    if (all) {
        ids[0] = -1;
        return 1;
    }
    for (int w = 0; w < pb->n_workers; w++) {
        bool seen = false;
        for (int i = 0; i < k; i++)
            if (ids[i] == pb->workers[w].numa)
                seen = true;
        if (!seen)
            ids[k++] = pb->workers[w].numa;
    }
    return k;
}

static int solution_alloc(const struct model_problem *pb, struct model_solution *sol)
{
    memset(sol, 0, sizeof(*sol));
    sol->n_jobs = pb->n_jobs;
    sol->worker = malloc(sizeof(*sol->worker) * (size_t)(pb->n_jobs > 0 ? pb->n_jobs : 1));
    return sol->worker != NULL ? MODEL_OK : MODEL_ENOMEM;
}

/* Count migrations of an answer against the jobs' current workers. */
static int count_migrations(const struct model_problem *pb, const int *worker)
{
    int moves = 0;
    for (int j = 0; j < pb->n_jobs; j++)
        if (pb->jobs[j].current != worker[j])
            moves++;
    return moves;
}

/* A node whose every worker is excluded or reserved: its jobs stay where
 * they are; one that has no worker at all cannot be placed. */
static int unplaceable(const struct model_problem *pb, const struct node *nd, int numa,
                       char *errbuf, size_t errlen)
{
    for (int k = 0; k < nd->n; k++)
        if (pb->jobs[nd->jobs[k]].current < 0)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "job %d on NUMA node %d has no worker, and every "
                              "worker there is excluded or reserved",
                              nd->jobs[k], numa);
    return MODEL_OK;
}

/* Shared driver.  With greedy_only, each node keeps upstream's answer. */
static int assign(const struct model_problem *pb, const struct model_assign_params *p,
                  bool greedy_only, struct model_solution *sol, char *errbuf, size_t errlen)
{
    double t0 = model_now(), best = 0.0;
    int ret, nn, *ids = NULL, *greedy = NULL;

    if (sol == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no solution given");
    memset(sol, 0, sizeof(*sol));
    ret = model_problem_check(pb, p->global_numa, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;
    ret = check_params(p, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;

    ids = malloc(sizeof(*ids) * (size_t)pb->n_workers);
    greedy = malloc(sizeof(*greedy) * (size_t)(pb->n_jobs > 0 ? pb->n_jobs : 1));
    if (ids == NULL || greedy == NULL || solution_alloc(pb, sol) != MODEL_OK) {
        ret = model_fail(errbuf, errlen, MODEL_ENOMEM, "out of memory");
        goto out;
    }

    /* jobs an operator constraint holds stay where they are */
    for (int j = 0; j < pb->n_jobs; j++)
        sol->worker[j] = greedy[j] = pb->jobs[j].current;
    nn = node_ids(pb, p->global_numa, ids);
    for (int i = 0; i < nn; i++) {
        struct node nd;
        bool keep = p->keep_current && !greedy_only;

        ret = node_build(pb, p->global_numa, ids[i], keep, &nd);
        if (ret != MODEL_OK) {
            model_fail(errbuf, errlen, ret, "out of memory");
            goto out;
        }
        if (nd.n > 0 && nd.m == 0) {
            ret = unplaceable(pb, &nd, ids[i], errbuf, errlen);
            node_free(&nd);
            if (ret != MODEL_OK)
                goto out;
            continue;
        }
        nd.max_moves = greedy_only ? -1 : p->max_moves;
        if (nd.n > 0) {
            if (greedy_only) {
                int *order = malloc(sizeof(*order) * (size_t)nd.n);
                if (order == NULL)
                    ret = MODEL_ENOMEM;
                else {
                    model_sort_by_load_desc(nd.load, nd.n, order);
                    greedy_lpt(nd.load, nd.n, nd.m, order, nd.greedy, NULL);
                    memcpy(nd.asg, nd.greedy, sizeof(int) * (size_t)nd.n);
                    nd.greedy_makespan = model_makespan(nd.load, nd.n, nd.greedy, nd.m);
                    nd.bound = bound_makespan(nd.load, nd.n, nd.m, order);
                    free(order);
                }
            } else {
                ret = p->pack_target > 0.0 ? pack_node(pb, &nd, p) : solve_node(&nd, p);
                if (ret == MODEL_OK) {
                    if (nd.has_home)
                        spread_kept(pb, &nd);
                    else
                        spread_fresh(pb, &nd);
                    ret = spread_heavy_within(pb, &nd);
                }
            }
            if (ret != MODEL_OK) {
                model_fail(errbuf, errlen, ret,
                           "%s while solving NUMA "
                           "node %d",
                           ret == MODEL_ENOMEM ? "out of memory" : "solver failure", ids[i]);
                node_free(&nd);
                goto out;
            }
            for (int k = 0; k < nd.n; k++) {
                sol->worker[nd.jobs[k]] = nd.cores[nd.asg[k]];
                greedy[nd.jobs[k]] = nd.cores[nd.greedy[k]];
            }
            if (nd.bound > sol->lower_bound)
                sol->lower_bound = nd.bound;
            /* a tolerant plan stays above stage 1's makespan by choice */
            best = fmax(best, p->tolerance > 0.0 && nd.best_makespan > 0.0 ? nd.best_makespan
                                                                           : nd.makespan);
            sol->ilp_runs += nd.ilp_runs;
            sol->ilp_skipped |= nd.ilp_skipped;
        }
        node_free(&nd);
    }

    sol->makespan = model_assignment_makespan(pb, sol->worker);
    sol->greedy_makespan = model_assignment_makespan(pb, greedy);
    sol->least_makespan =
        p->tolerance > 0.0 && !greedy_only ? fmin(best, sol->makespan) : sol->makespan;
    sol->migrations = count_migrations(pb, sol->worker);
    sol->greedy_migrations = count_migrations(pb, greedy);
    /* proven: the solver found and proved its best makespan (a tolerant
     * plan then stays within the tolerance of it by choice, not by lack
     * of time) */
    sol->proven = (p->tolerance > 0.0 ? best : sol->makespan) <=
                  sol->lower_bound * (1.0 + p->mip_gap) + MODEL_LOAD_EPS;
    sol->solve_time_s = model_now() - t0;
out:
    free(ids);
    free(greedy);
    if (ret != MODEL_OK)
        model_solution_free(sol);
    return ret;
}

int model_assign(const struct model_problem *pb, const struct model_assign_params *params,
                 struct model_solution *sol, char *errbuf, size_t errlen)
{
    struct model_assign_params def;
    if (params == NULL) {
        model_assign_defaults(&def);
        params = &def;
    }
    return assign(pb, params, false, sol, errbuf, errlen);
}

int model_assign_greedy(const struct model_problem *pb, bool global_numa,
                        struct model_solution *sol, char *errbuf, size_t errlen)
{
    struct model_assign_params p;
    model_assign_defaults(&p);
    p.global_numa = global_numa;
    return assign(pb, &p, true, sol, errbuf, errlen);
}
