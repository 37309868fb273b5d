/* SPDX-License-Identifier: BSD-3-Clause */
/* decide.c - loads + mapping + topology -> decision (see decide.h).
 *
 * Each locality class (workers sharing one set of local NUMA nodes, see
 * locality.h) is its own problem: its relays may only run on its
 * workers, so solving the classes apart loses nothing and gives a
 * makespan, a bound and a hysteresis verdict per class. One busy node
 * must not stop another from being rebalanced, which a single
 * machine-wide makespan would do.
 */
#include "decide.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hysteresis.h"
#include "model/assign.h"
#include "model/hysteresis.h"
#include "model/pack.h"
#include "model/plan.h"
#include "model/slice.h"
#include "model/topology.h"

/* Of the deadline, the share the classes' solvers may plan to use: the
 * rest covers greedy, the plan and the bookkeeping around them. */
#define SCHED_DEADLINE_MARGIN 0.8

/* Below this stage-1 budget GLPK spends it building its model and finds
 * nothing: the heuristics' answer is as good and costs less. */
#define SCHED_MIN_ILP_S 0.002

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void sched_params_defaults(struct sched_params *p)
{
    struct model_hysteresis_params hp;

    model_hysteresis_defaults(&hp);
    *p = (struct sched_params){
        .sensitivity = hp.sensitivity,
        .min_gain = hp.min_gain,
        .tolerance = hp.tolerance,
        .time_limit_s = 0.1,
        .deadline_s = SCHED_DEADLINE_SHARE * 5.0,
        .global_numa = false,
        .mode = SCHED_MODE_SPREAD,
        .pack_target = SCHED_DEFAULT_PACK_TARGET,
        .pack_keep = SCHED_DEFAULT_PACK_KEEP,
        .max_migrations = -1,
    };
}

static const char *const mode_names[] = {"spread", "pack"};

const char *sched_mode_name(int mode)
{
    return mode == SCHED_MODE_PACK ? mode_names[1] : mode_names[0];
}

int sched_mode_parse(const char *name)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(name, mode_names[i]) == 0)
            return i;
    return -1;
}

void sched_decision_free(struct sched_decision *d)
{
    if (d == NULL)
        return;
    free(d->nodes);
    free(d->moves);
    free(d->parked);
    memset(d, 0, sizeof(*d));
}

static void note(struct sched_decision *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends to d->notes what a reader of the log should know (a fallback
 * rule was used); truncation is harmless. */
static void note(struct sched_decision *d, const char *fmt, ...)
{
    size_t len = strlen(d->notes);
    va_list ap;
    if (len + 2 >= sizeof(d->notes))
        return;
    if (len > 0) {
        d->notes[len++] = ';';
        d->notes[len++] = ' ';
        d->notes[len] = '\0';
    }
    va_start(ap, fmt);
    vsnprintf(d->notes + len, sizeof(d->notes) - len, fmt, ap);
    va_end(ap);
}

/* CPU -> worker index. A decision looks up the worker of every direction
 * (8,192 at the largest size) among up to a thousand workers: a table,
 * not a scan per lookup, keeps that out of the deadline's way. */
struct worker_map {
    int *index; /* by CPU; -1: not a worker */
    int size;
};

/* After build_workers(): every worker CPU is one the topology has. */
static int worker_map_build(const struct model_worker *w, int nw, struct worker_map *wm)
{
    int top = -1;

    for (int i = 0; i < nw; i++)
        if (w[i].cpu > top)
            top = w[i].cpu;
    wm->size = top + 1;
    wm->index = malloc(sizeof(*wm->index) * (size_t)(wm->size > 0 ? wm->size : 1));
    if (wm->index == NULL)
        return -1;
    for (int c = 0; c < wm->size; c++)
        wm->index[c] = -1;
    for (int i = 0; i < nw; i++)
        wm->index[w[i].cpu] = i;
    return 0;
}

static int worker_index(const struct worker_map *wm, int cpu)
{
    return cpu >= 0 && cpu < wm->size ? wm->index[cpu] : -1;
}

/* Workers from the topology, by OS index, with the set of NUMA nodes
 * local to each. A CPU the topology lacks means the trace or the relay
 * and --topology describe different machines: planning on a guess would
 * be worse than saying so. */
static int build_workers(const struct sched_state *st, const struct model_topology *topo,
                         struct model_worker *w, struct sched_numa_set *set, char *err,
                         size_t errlen)
{
    for (int i = 0; i < st->n_workers; i++) {
        struct model_cpu_info info;
        int cpu = st->workers[i];

        if (cpu < 0)
            return sched_fail(err, errlen, "worker cpu %d is negative", cpu);
        for (int k = 0; k < i; k++)
            if (st->workers[k] == cpu)
                return sched_fail(err, errlen, "worker cpu %d is listed twice", cpu);
        if (model_topology_cpu(topo, cpu, &info, NULL, 0) != MODEL_OK)
            return sched_fail(err, errlen,
                              "worker cpu %d is not in the topology, which has %d PUs (is "
                              "--topology the machine the relay runs on?)",
                              cpu, model_topology_num_cpus(topo));
        locality_of_cpu(&info, &set[i]);
        w[i] = (struct model_worker){.cpu = cpu, .numa = 0, .core = info.core};
    }
    return 0;
}

/* Where the relays and workers stand before the decision: the class of
 * each worker (its .numa, for the model) and each class's load per
 * worker, which places a relay that several classes could take. */
struct classes {
    int n;
    struct sched_numa_set *set;
    double *load; /* per worker of the class, current mapping */
};

/* The class a relay's direction is planned in: one whose set holds the
 * relay's node, preferring the one it runs in now (no move), else the
 * least loaded. A relay whose node is local to no worker (or unknown)
 * stays in the class it runs in, since the relay put it there; failing
 * that, the first class. */
static int job_class(const struct sched_relay *r, int dir, const struct model_worker *w,
                     const struct worker_map *wm, const struct classes *c, struct sched_decision *d)
{
    int cur = worker_index(wm, r->cpu[dir]), best = -1;
    char where[64];

    if (cur >= 0 && locality_has(&c->set[w[cur].numa], r->numa))
        return w[cur].numa;
    for (int k = 0; k < c->n; k++)
        if (locality_has(&c->set[k], r->numa) && (best < 0 || c->load[k] < c->load[best]))
            best = k;
    if (best >= 0)
        return best;
    best = cur >= 0 ? w[cur].numa : 0;
    locality_format(&c->set[best], where, sizeof(where));
    if (dir == VIO4WD_DIR_VF_TO_VM)
        note(d, "relay %d: NUMA node %d is local to no worker, %s on the workers of node(s) %s",
             r->id, r->numa, cur >= 0 ? "kept" : "placed", where);
    return best;
}

/* A relay CPU that is not a worker is "not placed yet" (the relay may run
 * a direction on a CPU the scheduler was not given), but one the topology
 * lacks (999 on an 8-PU machine, an offline CPU) means the trace or the
 * relay and --topology describe different machines, as for workers. A
 * worker's CPU was checked already: only the others cost a lookup. */
static int check_relays(const struct sched_state *st, const struct model_topology *topo,
                        const struct worker_map *wm, char *err, size_t errlen)
{
    for (int i = 0; i < st->n_relays; i++) {
        const struct sched_relay *r = &st->relays[i];
        for (int k = 0; k < i; k++)
            if (st->relays[k].id == r->id)
                return sched_fail(err, errlen, "relay %d is listed twice", r->id);
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            struct model_cpu_info info;
            if (!isfinite(r->load[dir]) || r->load[dir] < 0.0)
                return sched_fail(err, errlen, "relay %d %s: load %g is not a finite number >= 0",
                                  r->id, vio4wd_dir_name(dir), r->load[dir]);
            if (r->cpu[dir] >= 0 && worker_index(wm, r->cpu[dir]) < 0 &&
                model_topology_cpu(topo, r->cpu[dir], &info, NULL, 0) != MODEL_OK)
                return sched_fail(err, errlen,
                                  "relay %d %s: cpu %d is not in the topology, which has %d PUs "
                                  "(is --topology the machine the relay runs on?)",
                                  r->id, vio4wd_dir_name(dir), r->cpu[dir],
                                  model_topology_num_cpus(topo));
        }
    }
    return 0;
}

/* What every class's decision shares: the state, the whole problem (every
 * direction and worker; a worker's .numa is its class), the parameters,
 * the decision being filled and each job's worker after it. */
struct decide_ctx {
    const struct sched_state *st;
    const struct model_problem *pb;
    const struct sched_params *p;
    struct sched_decision *d;
    int *next;
    struct sched_hysteresis *mem; /* what earlier decisions left */
    const double *job_sd;         /* each job's load noise, std. dev. */
    const double *job_slope;      /* each job's load trend, per decision */
    const double *job_slope_sd;   /* ... and its noise, std. dev. */
};

/* Decisions ahead a tolerant re-plan solves for (plan_node). 1 measured
 * best on the diurnal bar: 2 saves a fifth of the migrations but leaves
 * the plan off by more now, and 4 more so. */
#define SCHED_LOOKAHEAD 1.0

/* Pack's apply rule (model/pack.h) for the scheduler's target, with the
 * floor the class's memory sets at time t (its window aged first, so a
 * day-old peak is gone before it is used). */
static void pack_params(const struct sched_params *p, struct model_hysteresis_memory *mem, double t,
                        struct model_pack_params *kp)
{
    model_pack_defaults(kp);
    kp->target = p->pack_target;
    model_pack_age(&mem->pack, t, SCHED_PACK_WINDOW_S);
    kp->min_active = model_pack_floor(&mem->pack, p->pack_keep);
}

/* The hysteresis rule's parameters (model/hysteresis.h). */
static void hyst_params(const struct sched_params *p, struct model_hysteresis_params *hp)
{
    model_hysteresis_defaults(hp);
    hp->sensitivity = p->sensitivity;
    hp->min_gain = p->min_gain;
    hp->tolerance = p->tolerance;
}

/* A class's hysteresis input so far: the standard deviation of the noise
 * on its busiest worker (the current mapping), from each job's; -1 when
 * out of memory. */
static double busiest_noise_sd(const struct model_slice *s, const double *job_sd)
{
    int nw = s->pb.n_workers, busiest = -1;
    double *load = calloc((size_t)(nw > 0 ? nw : 1), sizeof(double));
    double *var = calloc((size_t)(nw > 0 ? nw : 1), sizeof(double)), sd = 0.0;

    if (load == NULL || var == NULL) {
        free(load);
        free(var);
        return -1.0;
    }
    for (int j = 0; j < s->pb.n_jobs; j++) {
        int w = s->pb.jobs[j].current;
        if (w < 0)
            continue;
        load[w] += s->pb.jobs[j].load;
        var[w] += job_sd[s->job[j]] * job_sd[s->job[j]];
    }
    for (int w = 0; w < nw; w++)
        if (busiest < 0 || load[w] > load[busiest])
            busiest = w;
    if (busiest >= 0)
        sd = sqrt(var[busiest]);
    free(load);
    free(var);
    return sd;
}

/* The noise of a class's lower bound: the largest job's when it alone
 * makes the bound (a direction that fills a worker), else 0 (the mean
 * load per worker, whose noise averages out). */
static double bound_noise_sd(const struct model_problem *pb, const int *job_of,
                             const double *job_sd, double bound)
{
    int big = -1;

    for (int j = 0; j < pb->n_jobs; j++)
        if (big < 0 || pb->jobs[j].load > pb->jobs[big].load)
            big = j;
    return big >= 0 && pb->jobs[big].load >= bound - 1e-9 ? job_sd[job_of[big]] : 0.0;
}

/* How fast the busiest worker's load over the bound rises, per decision,
 * from the jobs' fitted slopes (the mapping held), and the standard
 * deviation of that under the slopes' noise: the ratio M / B moves by
 * (M' - (M / B) B') / B, M' the slopes of the busiest worker's jobs, B'
 * the largest job's when it alone makes the bound, else the class's mean
 * slope per worker. 0 and 1 when out of memory (never significant). */
static void busiest_trend(const struct model_problem *pb, const int *job_of, const double *slope,
                          const double *slope_sd, double bound, double *trend, double *trend_sd)
{
    int nw = pb->n_workers, busiest = -1, big = -1;
    double *load = calloc((size_t)(nw > 0 ? nw : 1), sizeof(double));
    double ms = 0.0, mvar = 0.0, bs = 0.0, bvar = 0.0, r;

    *trend = 0.0;
    *trend_sd = 1.0;
    if (load == NULL || bound <= 0.0) {
        free(load);
        return;
    }
    for (int j = 0; j < pb->n_jobs; j++) {
        if (pb->jobs[j].current >= 0)
            load[pb->jobs[j].current] += pb->jobs[j].load;
        if (big < 0 || pb->jobs[j].load > pb->jobs[big].load)
            big = j;
        bs += slope[job_of[j]] / nw;
        bvar += pow(slope_sd[job_of[j]] / nw, 2);
    }
    for (int w = 0; w < nw; w++)
        if (busiest < 0 || load[w] > load[busiest])
            busiest = w;
    for (int j = 0; j < pb->n_jobs && busiest >= 0; j++)
        if (pb->jobs[j].current == busiest) {
            ms += slope[job_of[j]];
            mvar += pow(slope_sd[job_of[j]], 2);
        }
    if (big >= 0 && pb->jobs[big].load >= bound - 1e-9) {
        bs = slope[job_of[big]];
        bvar = pow(slope_sd[job_of[big]], 2);
    }
    r = busiest >= 0 ? load[busiest] / bound : 0.0;
    *trend = (ms - r * bs) / bound;
    *trend_sd = sqrt(mvar + r * r * bvar) / bound;
    free(load);
}

/* Records a verdict of the rule on a class. */
static void record_verdict(const struct model_hysteresis_verdict *v, struct sched_node_result *res)
{
    res->hysteresis = (struct sched_hysteresis_report){
        .valid = true,
        .noise = v->noise,
        .excess = v->excess,
        .accumulated = v->accumulated,
        .threshold = v->threshold,
        .why = model_hysteresis_why_name(v->why),
    };
    snprintf(res->reason, sizeof(res->reason), "%s", v->reason);
}

/* Pack's screen: with every worker at or below the target and no more
 * active than the fewest that parking could leave, no plan can pass pack's
 * rule. Returns 1 to keep the placement, 0 to solve. */
static int screen_pack(const struct model_problem *pb, const struct sched_params *p,
                       struct model_hysteresis_memory *mem, double t, struct sched_node_result *res)
{
    struct model_pack_params kp;
    int active = model_active_workers(pb, NULL), least;

    pack_params(p, mem, t, &kp);
    least = model_workers_needed(pb, kp.target * (1.0 - kp.park_margin));
    if (active < 0 || res->current_makespan > kp.target ||
        active > (least > kp.min_active ? least : kp.min_active))
        return 0;
    model_pack_remember(&mem->pack, active, t, SCHED_PACK_WINDOW_S);
    res->makespan = res->current_makespan;
    if (active > least)
        snprintf(res->reason, sizeof(res->reason),
                 "%d active worker(s), all at or below the pack target %.3f, and %d kept from "
                 "the day's peak: keep placement",
                 active, kp.target, kp.min_active);
    else
        snprintf(res->reason, sizeof(res->reason),
                 "%d active worker(s), all at or below the pack target %.3f, and parking needs "
                 "more: keep placement",
                 active, kp.target);
    return 1;
}

/* What the hysteresis rule needs of a class besides its makespans: its
 * memory and the noise on its busiest worker. */
struct class_hyst {
    struct model_hysteresis_params params;
    struct model_hysteresis_memory *mem;
    double noise_sd;
    const int *job_of;                      /* the slice's jobs in the whole problem */
    const double *job_sd;                   /* each job's noise, whole problem */
    const double *job_slope, *job_slope_sd; /* each job's trend, its noise */
    double t;                               /* the decision's time, seconds */
};

/* Greedy first: it is cheap, it is the yardstick every record shows, and
 * its bound says whether any plan could pay at all. No plan beats the
 * bound, so when even the bound's gain is within the noise (and every
 * job has a worker, and no worker is urgent) the solver is skipped and
 * the rule records the hold: in steady state that is every interval, and
 * the daemon costs the host next to nothing.
 * Returns 1 to keep the placement, 0 to solve, -1 on error. */
static int screen_node(const struct model_problem *pb, const struct sched_params *p, bool global,
                       const struct class_hyst *h, struct sched_node_result *res, char *err,
                       size_t errlen)
{
    struct model_solution sol;
    struct model_hysteresis_input in;
    struct model_hysteresis_verdict v;
    char merr[MODEL_ERRMSG_LEN];
    int *cur = malloc(sizeof(*cur) * (size_t)pb->n_jobs), unplaced = 0;

    if (cur == NULL)
        return sched_fail(err, errlen, "out of memory");
    if (model_assign_greedy(pb, global, &sol, merr, sizeof(merr)) != MODEL_OK) {
        free(cur);
        return sched_fail(err, errlen, "greedy, NUMA node %d: %s", res->numa, merr);
    }
    for (int j = 0; j < pb->n_jobs; j++) {
        cur[j] = pb->jobs[j].current;
        unplaced += cur[j] < 0;
    }
    res->current_makespan = model_assignment_makespan(pb, cur);
    res->lower_bound = sol.lower_bound;
    res->greedy_makespan = sol.greedy_makespan;
    res->least_makespan = sol.least_makespan;
    res->greedy_migrations = sol.greedy_migrations;
    res->solve_ms = sol.solve_time_s * 1e3;
    model_solution_free(&sol);
    free(cur);

    if (p->mode == SCHED_MODE_PACK)
        return unplaced > 0 ? 0 : screen_pack(pb, p, h->mem, h->t, res);
    /* No plan beats the bound, and while the placement holds the best
     * plan stays about as far above it as the last one solved (half of
     * that is counted: the noise moves it) */
    in = (struct model_hysteresis_input){
        .current = res->current_makespan,
        .planned = res->lower_bound + 0.5 * h->mem->bound_gap,
        .noise_sd = h->noise_sd,
        .unplaced = unplaced,
        .bound = res->lower_bound,
        .bound_sd = bound_noise_sd(pb, h->job_of, h->job_sd, res->lower_bound),
    };
    busiest_trend(pb, h->job_of, h->job_slope, h->job_slope_sd, in.bound, &in.trend, &in.trend_sd);
    if (model_hysteresis_may_pay(&h->params, h->mem, &in))
        return 0;
    model_hysteresis_step(&h->params, h->mem, &in, &v);
    record_verdict(&v, res);
    res->makespan = res->current_makespan;
    snprintf(res->reason, sizeof(res->reason),
             "makespan %.3f, lower bound %.3f: no plan gains more than the noise %.3f + %.3f "
             "core: keep placement",
             res->current_makespan, res->lower_bound, v.noise, p->min_gain);
    return 1;
}

/* The solver's limits for a class with budget_s of the deadline. Stage 2
 * (fewest migrations) gets twice the stage-1 budget, as the model's
 * defaults do (0.1 s / 0.2 s): a class's share of the deadline is three
 * stage-1 limits. */
static void assign_params(const struct sched_params *p, struct model_hysteresis_memory *mem,
                          double t, double budget_s, bool global, struct model_assign_params *ap)
{
    model_assign_defaults(ap);
    ap->max_moves = p->max_migrations;
    /* pack fills workers up to the parking level, so that growth has room
     * before a worker reaches the target, and parks none below the floor
     * (model/pack.h) */
    if (p->mode == SCHED_MODE_PACK) {
        struct model_pack_params kp;
        pack_params(p, mem, t, &kp);
        ap->pack_target = kp.target * (1.0 - kp.park_margin);
        ap->pack_min_workers = kp.min_active;
    } else {
        ap->tolerance = p->tolerance;
    }
    ap->time_limit_s = fmin(p->time_limit_s, budget_s / 3.0);
    ap->use_ilp = ap->time_limit_s >= SCHED_MIN_ILP_S;
    if (ap->time_limit_s < 1e-3)
        ap->time_limit_s = 1e-3;
    ap->moves_time_limit_s = 2.0 * ap->time_limit_s;
    ap->max_ilp_columns = SCHED_MAX_ILP_COLUMNS;
    ap->global_numa = global;
}

/* Moves of an accepted plan on slice s, appended to the decision. */
static void emit_moves(const struct decide_ctx *c, const struct model_slice *s,
                       const struct model_plan *plan)
{
    for (int k = 0; k < plan->n_moves; k++) {
        int j = s->job[plan->moves[k].job];
        int to = s->worker[plan->moves[k].to];
        const struct sched_relay *r = &c->st->relays[j / VIO4WD_DIR_COUNT];
        int dir = j % VIO4WD_DIR_COUNT;

        c->d->moves[c->d->n_moves++] = (struct sched_move){
            .relay = r->id,
            .dir = dir,
            .from = r->cpu[dir],
            .to = c->pb->workers[to].cpu,
        };
        c->next[j] = to;
        if (s->pb.jobs[plan->moves[k].job].current >= 0)
            c->d->n_migrations++;
    }
}

/* Spread's rule on a solver's answer: the hysteresis with memory. */
static int spread_plan(const struct model_problem *pb, const struct model_solution *sol,
                       bool global, const struct class_hyst *h, struct model_plan *plan,
                       struct sched_node_result *res, char *err, size_t errlen)
{
    struct model_hysteresis_input in;
    struct model_hysteresis_verdict v;
    int unplaced, moves;

    memset(plan, 0, sizeof(*plan));
    if (model_plan_check(pb, sol, global, err, errlen) != MODEL_OK ||
        model_plan_measure(pb, sol, plan, &unplaced, &moves, err, errlen) != MODEL_OK)
        return -1;
    in = (struct model_hysteresis_input){
        .current = plan->current_makespan,
        .planned = plan->new_makespan,
        .noise_sd = h->noise_sd,
        .migrations = unplaced > 0 ? 0 : moves,
        .unplaced = unplaced,
        .bound = sol->lower_bound,
        .bound_sd = bound_noise_sd(pb, h->job_of, h->job_sd, sol->lower_bound),
    };
    busiest_trend(pb, h->job_of, h->job_slope, h->job_slope_sd, in.bound, &in.trend, &in.trend_sd);
    model_hysteresis_step(&h->params, h->mem, &in, &v);
    record_verdict(&v, res);
    plan->act = v.act && moves > 0;
    h->mem->bound_gap = plan->act ? 0.0 : fmax(0.0, plan->new_makespan - sol->lower_bound);
    if (!plan->act)
        return 0;
    return model_plan_moves(pb, sol, plan, err, errlen) == MODEL_OK ? 0 : -1;
}

/* Solve a class's slice and apply the hysteresis rule to the answer. */
static int plan_node(const struct decide_ctx *c, const struct model_slice *s, bool global,
                     const struct class_hyst *h, double budget_s, struct sched_node_result *res,
                     char *err, size_t errlen)
{
    struct model_solution sol;
    struct model_plan plan;
    struct model_assign_params ap;
    struct model_pack_params kp;
    char merr[MODEL_ERRMSG_LEN];
    double *now = NULL;
    bool ahead = false;
    int ret;

    assign_params(c->p, h->mem, h->t, budget_s, global, &ap);
    /* a class's first plan (a start, a new class) is where it rests under
     * stationary noise: the tightest one, so that noise alone never carries
     * it out of the band; the band's few-moves plans come after */
    if (h->mem->decisions == 0)
        ap.tolerance = 0.0;
    /* the budget is per decision: each class gets what the ones before it
     * left (their moves that act) */
    if (ap.max_moves >= 0)
        ap.max_moves = c->p->max_migrations - c->d->n_migrations < 0
                           ? 0
                           : c->p->max_migrations - c->d->n_migrations;
    /* a tolerant re-plan solves for where the loads are going: each at
     * its fitted trend one decision on (a plan for the loads as they are
     * is balanced now and drifts out of the band at once; farther ahead,
     * it is off now) */
    if (ap.tolerance > 0.0 && (now = malloc(sizeof(*now) * (size_t)s->pb.n_jobs)) != NULL)
        for (int j = 0; j < s->pb.n_jobs; j++) {
            now[j] = s->jobs[j].load;
            s->jobs[j].load = fmax(0.0, now[j] + SCHED_LOOKAHEAD * c->job_slope[s->job[j]]);
        }
    ret = model_assign(&s->pb, &ap, &sol, merr, sizeof(merr));
    if (now != NULL) {
        /* the plan is judged on the loads as they are, against their bound
         * (the screen's) */
        for (int j = 0; j < s->pb.n_jobs; j++)
            s->jobs[j].load = now[j];
        free(now);
        sol.lower_bound = res->lower_bound;
        ahead = true;
    }
    if (ret != MODEL_OK)
        return sched_fail(err, errlen, "solver, NUMA node %d: %s", res->numa, merr);
    if (c->p->mode == SCHED_MODE_PACK) {
        pack_params(c->p, h->mem, h->t, &kp);
        ret = model_pack_plan(&s->pb, &sol, &kp, global, &plan, merr, sizeof(merr)) == MODEL_OK
                  ? 0
                  : -1;
        snprintf(res->reason, sizeof(res->reason), "%s", plan.reason);
        if (ret == 0)
            model_pack_remember(&h->mem->pack,
                                model_active_workers(&s->pb, plan.act ? sol.worker : NULL), h->t,
                                SCHED_PACK_WINDOW_S);
    } else {
        ret = spread_plan(&s->pb, &sol, global, h, &plan, res, merr, sizeof(merr));
    }
    if (ret < 0) {
        model_plan_free(&plan);
        model_solution_free(&sol);
        return sched_fail(err, errlen, "planner, NUMA node %d: %s", res->numa, merr);
    }
    res->solved = true;
    res->cut = sol.ilp_skipped || (ap.time_limit_s < c->p->time_limit_s && !sol.proven);
    res->makespan = ahead && c->p->mode != SCHED_MODE_PACK ? plan.new_makespan : sol.makespan;
    res->lower_bound = sol.lower_bound;
    res->greedy_makespan = sol.greedy_makespan;
    res->least_makespan = sol.least_makespan;
    res->solve_ms = sol.solve_time_s * 1e3;
    res->proposed = sol.migrations;
    res->greedy_migrations = sol.greedy_migrations;
    res->act = plan.act;
    emit_moves(c, s, &plan);
    model_plan_free(&plan);
    model_solution_free(&sol);
    return 0;
}

/* Whether most of a slice's load is on directions the memory has not seen
 * before this decision: a wave of new guests, or a relay that came back
 * under new ids. */
static bool mostly_new(const struct decide_ctx *c, const struct model_slice *s)
{
    double fresh = 0.0, total = 0.0;

    for (int j = 0; j < s->pb.n_jobs; j++) {
        int job = s->job[j];
        total += s->pb.jobs[j].load;
        if (sched_hysteresis_is_new(c->mem, c->st->relays[job / VIO4WD_DIR_COUNT].id,
                                    job % VIO4WD_DIR_COUNT))
            fresh += s->pb.jobs[j].load;
    }
    return fresh > 0.5 * total;
}

/* Solve one class (cls -1: everything, global mode; set is then NULL):
 * append its accepted moves to the decision and record each of its jobs'
 * new worker in next[]. */
static int solve_node(const struct decide_ctx *c, int cls, const struct sched_numa_set *set,
                      double budget_s, struct sched_node_result *res, char *err, size_t errlen)
{
    struct class_hyst h;
    struct model_slice s;
    int ret = 0;

    memset(res, 0, sizeof(*res));
    res->numa = set != NULL ? set->numa[0] : -1;
    if (set != NULL)
        res->local = *set;
    /* A job that runs on a worker outside its local set has no current
     * worker in the slice: the planner sees it as unplaced and brings it
     * back. */
    if (model_slice_build(c->pb, cls, true, &s) != MODEL_OK)
        return sched_fail(err, errlen, "out of memory");
    res->n_workers = s.pb.n_workers;
    res->n_jobs = s.pb.n_jobs;
    hyst_params(c->p, &h.params);
    h.mem = sched_hysteresis_class(c->mem, res->numa);
    /* What the class remembers (its excess, its band's rest, pack's peak)
     * is of loads that are mostly gone: it starts again, and its first
     * plan is the tight one (plan_node) */
    if (h.mem != NULL && mostly_new(c, &s))
        *h.mem = (struct model_hysteresis_memory){0};
    h.noise_sd = busiest_noise_sd(&s, c->job_sd);
    h.job_of = s.job;
    h.job_sd = c->job_sd;
    h.job_slope = c->job_slope;
    h.job_slope_sd = c->job_slope_sd;
    h.t = c->st->t;
    if (h.mem == NULL || h.noise_sd < 0.0)
        ret = sched_fail(err, errlen, "out of memory");
    else if (s.pb.n_jobs == 0)
        snprintf(res->reason, sizeof(res->reason), "no relays on this node");
    else if (s.pb.n_workers == 0)
        snprintf(res->reason, sizeof(res->reason),
                 "every worker is excluded or reserved for a fixed relay: nothing moves");
    else if ((ret = screen_node(&s.pb, c->p, cls < 0, &h, res, err, errlen)) == 0)
        ret = plan_node(c, &s, cls < 0, &h, budget_s, res, err, errlen);
    model_slice_free(&s);
    return ret < 0 ? -1 : 0;
}

/* Class k's share of what is left of the deadline: in proportion to its
 * directions among those of the classes not solved yet, so a class left
 * alone (no plan could pay) or done early hands its time to the next.
 * Infinite without a deadline. */
static double class_budget(const struct model_job *jobs, int nj, int k, int n_classes,
                           const struct sched_params *p, double t0)
{
    double left, mine = 0.0, rest = 0.0;

    if (p->deadline_s <= 0.0)
        return INFINITY;
    for (int j = 0; j < nj; j++) {
        int c = n_classes == 1 ? 0 : jobs[j].numa;
        mine += c == k;
        rest += c >= k;
    }
    left = p->deadline_s * SCHED_DEADLINE_MARGIN - (now_s() - t0);
    if (left <= 0.0 || rest == 0.0)
        return 0.0;
    return left * mine / rest;
}

/* The classes of the workers (their .numa becomes the class, for the
 * model) and each class's current load per worker. */
static int build_classes(const struct sched_state *st, struct model_worker *w,
                         const struct worker_map *wm, const struct sched_numa_set *wset,
                         struct classes *c, char *err, size_t errlen)
{
    int nw = st->n_workers, *class_of = malloc(sizeof(int) * (size_t)nw);
    int *count = calloc((size_t)nw, sizeof(int));

    c->set = malloc(sizeof(*c->set) * (size_t)nw);
    c->load = calloc((size_t)nw, sizeof(*c->load));
    if (class_of == NULL || count == NULL || c->set == NULL || c->load == NULL) {
        free(class_of);
        free(count);
        return sched_fail(err, errlen, "out of memory");
    }
    c->n = locality_classes(wset, nw, class_of, c->set);
    for (int i = 0; i < nw; i++) {
        w[i].numa = class_of[i];
        count[class_of[i]]++;
    }
    for (int i = 0; i < st->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            int cur = worker_index(wm, st->relays[i].cpu[dir]);
            if (cur >= 0)
                c->load[w[cur].numa] += st->relays[i].load[dir];
        }
    for (int k = 0; k < c->n; k++)
        c->load[k] /= count[k];
    free(class_of);
    free(count);
    return 0;
}

static bool listed(const int *list, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (list[i] == x)
            return true;
    return false;
}

/* The operator's constraints on the model: fixed relays' placed directions
 * stay and reserve their workers; excluded workers keep what they run. */
static void apply_constraints(const struct sched_state *st, const struct sched_params *p,
                              struct model_worker *workers, int nw, struct model_job *jobs, int nj)
{
    for (int i = 0; i < nw; i++)
        workers[i].excluded = listed(p->excluded_cpus, p->n_excluded, workers[i].cpu);
    for (int j = 0; j < nj; j++) {
        jobs[j].fixed = jobs[j].current >= 0 &&
                        listed(p->fixed_relays, p->n_fixed, st->relays[j / VIO4WD_DIR_COUNT].id);
        if (jobs[j].fixed && !workers[jobs[j].current].excluded)
            workers[jobs[j].current].reserved = true;
    }
}

/* Active and parked workers after the decision (next[]: each job's worker),
 * per class and as the list of parked CPUs. */
static int count_parked(const struct model_problem *pb, const int *next, bool global,
                        struct sched_decision *d)
{
    bool *busy = calloc((size_t)pb->n_workers, sizeof(*busy));

    d->parked = malloc(sizeof(*d->parked) * (size_t)pb->n_workers);
    if (busy == NULL || d->parked == NULL) {
        free(busy);
        return -1;
    }
    for (int j = 0; j < pb->n_jobs; j++)
        if (next[j] >= 0)
            busy[next[j]] = true;
    for (int i = 0; i < pb->n_workers; i++) {
        struct sched_node_result *r = &d->nodes[global ? 0 : pb->workers[i].numa];
        if (busy[i]) {
            r->active++;
            continue;
        }
        r->parked++;
        d->parked[d->n_parked++] = pb->workers[i].cpu;
    }
    /* ascending CPUs, for readers and diffs */
    for (int i = 1; i < d->n_parked; i++)
        for (int k = i; k > 0 && d->parked[k - 1] > d->parked[k]; k--) {
            int t = d->parked[k];
            d->parked[k] = d->parked[k - 1];
            d->parked[k - 1] = t;
        }
    free(busy);
    return 0;
}

int sched_decide(const struct sched_state *st, const struct model_topology *topo,
                 const struct sched_params *p, struct sched_hysteresis *mem,
                 struct sched_decision *out, char *err, size_t errlen)
{
    struct sched_hysteresis *own = NULL;
    struct model_hysteresis_params hp;
    double *job_sd = NULL;
    int nw = st->n_workers, nj = st->n_relays * VIO4WD_DIR_COUNT, ret = -1;
    struct model_worker *workers = NULL;
    struct sched_numa_set *wset = NULL;
    struct classes cls = {0};
    struct worker_map wmap = {0};
    struct model_job *jobs = NULL;
    int *next = NULL, *cur = NULL, n_nodes;
    double t0 = now_s();

    memset(out, 0, sizeof(*out));
    out->t = st->t;
    out->mode = p->mode;
    if (nw <= 0)
        return sched_fail(err, errlen, "no worker CPUs: nothing to schedule on");
    hyst_params(p, &hp);
    if (model_hysteresis_check(&hp, err, errlen) != MODEL_OK)
        return -1;
    if (p->mode != SCHED_MODE_SPREAD && p->mode != SCHED_MODE_PACK)
        return sched_fail(err, errlen, "mode %d is neither spread (0) nor pack (1)", p->mode);
    if (p->mode == SCHED_MODE_PACK &&
        (!isfinite(p->pack_target) || p->pack_target <= 0.0 || p->pack_target > 1.0))
        return sched_fail(err, errlen, "pack target %g must be in (0, 1] cores", p->pack_target);
    if (p->mode == SCHED_MODE_PACK &&
        (!isfinite(p->pack_keep) || p->pack_keep < 0.0 || p->pack_keep > 1.0))
        return sched_fail(err, errlen, "pack keep %g must be in [0, 1] (a share of the day's peak)",
                          p->pack_keep);
    if (p->max_migrations < -1)
        return sched_fail(err, errlen, "migration budget %d must be >= 0 (-1: no limit)",
                          p->max_migrations);
    if (p->n_fixed < 0 || p->n_fixed > SCHED_MAX_FIXED || p->n_excluded < 0 ||
        p->n_excluded > SCHED_MAX_EXCLUDED)
        return sched_fail(err, errlen, "%d fixed relays, %d excluded CPUs: at most %d and %d",
                          p->n_fixed, p->n_excluded, SCHED_MAX_FIXED, SCHED_MAX_EXCLUDED);
    if (!isfinite(p->deadline_s) || p->deadline_s < 0.0)
        return sched_fail(err, errlen, "deadline %g s must be >= 0 (0: none)", p->deadline_s);

    workers = malloc(sizeof(*workers) * (size_t)nw);
    wset = malloc(sizeof(*wset) * (size_t)nw);
    jobs = malloc(sizeof(*jobs) * (size_t)(nj ? nj : 1));
    next = malloc(sizeof(*next) * (size_t)(nj ? nj : 1));
    cur = malloc(sizeof(*cur) * (size_t)(nj ? nj : 1));
    out->moves = malloc(sizeof(*out->moves) * (size_t)(nj ? nj : 1));
    /* each job's noise, then its trend and the trend's noise */
    job_sd = malloc(sizeof(*job_sd) * 3 * (size_t)(nj ? nj : 1));
    /* no memory given: a one-shot decision, as the first of a run */
    if (mem == NULL)
        mem = own = sched_hysteresis_new();
    if (workers == NULL || wset == NULL || jobs == NULL || next == NULL || cur == NULL ||
        out->moves == NULL || job_sd == NULL || mem == NULL) {
        sched_fail(err, errlen, "out of memory");
        goto out;
    }
    if (build_workers(st, topo, workers, wset, err, errlen) < 0)
        goto out;
    if (worker_map_build(workers, nw, &wmap) < 0) {
        sched_fail(err, errlen, "out of memory");
        goto out;
    }
    if (check_relays(st, topo, &wmap, err, errlen) < 0 ||
        build_classes(st, workers, &wmap, wset, &cls, err, errlen) < 0)
        goto out;

    for (int j = 0; j < nj; j++) {
        const struct sched_relay *r = &st->relays[j / VIO4WD_DIR_COUNT];
        int dir = j % VIO4WD_DIR_COUNT;
        jobs[j] = (struct model_job){
            .load = r->load[dir],
            .numa = p->global_numa ? 0 : job_class(r, dir, workers, &wmap, &cls, out),
            .current = worker_index(&wmap, r->cpu[dir]),
        };
        next[j] = jobs[j].current;
    }
    sched_hysteresis_begin(mem);
    for (int j = 0; j < nj; j++) {
        job_sd[j] = sched_hysteresis_observe(mem, st->relays[j / VIO4WD_DIR_COUNT].id,
                                             j % VIO4WD_DIR_COUNT, jobs[j].load);
        if (job_sd[j] < 0.0) {
            sched_fail(err, errlen, "out of memory");
            goto out;
        }
        job_sd[nj + j] = sched_hysteresis_slope(mem, st->relays[j / VIO4WD_DIR_COUNT].id,
                                                j % VIO4WD_DIR_COUNT, &job_sd[2 * nj + j]);
    }
    apply_constraints(st, p, workers, nw, jobs, nj);

    n_nodes = p->global_numa ? 1 : cls.n;
    out->nodes = calloc((size_t)n_nodes, sizeof(*out->nodes));
    if (out->nodes == NULL) {
        sched_fail(err, errlen, "out of memory");
        goto out;
    }
    out->n_nodes = n_nodes;
    out->deadline_ms = p->deadline_s * 1e3;
    struct model_problem pb = {.jobs = jobs, .n_jobs = nj, .workers = workers, .n_workers = nw};
    struct decide_ctx ctx = {.st = st,
                             .pb = &pb,
                             .p = p,
                             .d = out,
                             .next = next,
                             .mem = mem,
                             .job_sd = job_sd,
                             .job_slope = job_sd + nj,
                             .job_slope_sd = job_sd + 2 * nj};

    for (int k = 0; k < n_nodes; k++) {
        double budget = class_budget(jobs, nj, k, n_nodes, p, t0);
        if (solve_node(&ctx, p->global_numa ? -1 : k, p->global_numa ? NULL : &cls.set[k], budget,
                       &out->nodes[k], err, errlen) < 0)
            goto out;
        out->nodes[k].budget_ms = budget * 1e3;
        out->act |= out->nodes[k].act;
        out->cut |= out->nodes[k].cut;
    }
    if (count_parked(&pb, next, p->global_numa, out) < 0) {
        sched_fail(err, errlen, "out of memory");
        goto out;
    }
    for (int j = 0; j < nj; j++)
        cur[j] = jobs[j].current;
    out->current_makespan = model_assignment_makespan(&pb, cur);
    out->makespan = model_assignment_makespan(&pb, next);
    out->elapsed_ms = (now_s() - t0) * 1e3;
    ret = 0;
out:
    if (ret < 0)
        sched_decision_free(out);
    free(workers);
    free(wset);
    free(cls.set);
    free(cls.load);
    free(wmap.index);
    free(jobs);
    free(next);
    free(cur);
    free(job_sd);
    sched_hysteresis_free(own);
    return ret;
}

void sched_apply_moves(struct sched_state *st, const struct sched_decision *d)
{
    for (int k = 0; k < d->n_moves; k++)
        for (int i = 0; i < st->n_relays; i++)
            if (st->relays[i].id == d->moves[k].relay)
                st->relays[i].cpu[d->moves[k].dir] = d->moves[k].to;
}
