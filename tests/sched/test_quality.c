/* SPDX-License-Identifier: BSD-3-Clause */
/* test_quality - the scheduler's quality bars (issue 6, item 4), checked
 * by replaying traces generated here with a seeded RNG over the real
 * machines' topologies in tests/data/topologies and a few synthetic ones.
 *
 *   test_quality instances   NUMA, hyperthreads, <= greedy, 1% / 2% bounds
 *   test_quality stability   +-5% noise for 200 steps: no migration
 *   test_quality reaction    one core doubled: planned away within 2 steps
 *   test_quality economy     +-10% changes: <= 1/3 of greedy's migrations
 *   test_quality numa        remote relays brought home; no move leaves a
 *                            relay's set of local NUMA nodes (every bar)
 *   test_quality pack        24-hour diurnal days (night 10% of day): pack
 *                            uses <= 60% of spread's worker-core-hours and
 *                            keeps every worker at or below the target
 *                            after each decision; with relays peaking
 *                            within +-3 h, migrates <= 2x spread (issue
 *                            13); all at noon, at most 2x a lower bound
 *                            for its worker counts and 4x spread (3.3x in
 *                            sum): 2x is out of reach there (test_pack)
 *   test_quality constraints fixed relays never move, excluded workers
 *                            keep their directions and take none, the
 *                            migration budget holds, in both modes
 *   test_quality noise       issue 11: +-5% noise, 200 steps, 16 seeds on
 *                            every topology and a 24-node machine: no
 *                            migration after the first decision
 *   test_quality flash       issue 11: a flash crowd leaves no worker
 *                            above 0.9 with room elsewhere after 2 intervals
 *   test_quality diurnal     issue 11: a day of drifting loads (figures;
 *                            a guard against the old rule, see there)
 *
 * Every step goes through the product's path: the generated state is
 * printed as a trace line, parsed by the trace reader and decided by
 * replay_step(), the same code as `vio4wd_core_scheduler --replay`.
 * Exit 1 when a topology fails to load: they ship with the repository. Set
 * VIO4WD_KEEP_TRACES=DIR to keep the generated traces.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "gen.h"
#include "locality.h"
#include "model/assign.h"
#include "replay.h"
#include "trace.h"

#define EPS 1e-9

static const char *const xml_topos[] = {
    "16em64t-4s2c2t.xml",
    "16intel64-manyVFs.xml",
    "24em64t-2n6c2t-pci.xml",
    "32em64t-2n8c2t-pci-normalio.xml",
    "64intel64-3g2n+2n-irregulargroups+pci.xml",
    "96em64t-4n4d3ca2co-pci.xml",
    /* issue 11: several NUMA nodes per cpuset (KNL SNC-4 with MCDRAM),
     * nodes attached at the root, offline CPUs */
    "64intel64-fakeKNL-SNC4-hybrid.xml",
    "8intel64-fakeKNL-A2A-hybrid.rootattachednumas.xml",
    "16em64t-4s2c2t-offlines.xml",
};
/* 32 workers on one node, with and without hyperthreads. */
static const char *const synth_topos[] = {
    "pack:2 core:16 pu:2",
    "pack:1 core:32 pu:1",
};
#define N_XML   (int)(sizeof(xml_topos) / sizeof(xml_topos[0]))
#define N_SYNTH (int)(sizeof(synth_topos) / sizeof(synth_topos[0]))

static int failures;

#define CHECK(cond, ...)                                             \
    do {                                                             \
        if (!(cond)) {                                               \
            failures++;                                              \
            if (failures <= 20) {                                    \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
                fprintf(stderr, __VA_ARGS__);                        \
                fputc('\n', stderr);                                 \
            }                                                        \
        }                                                            \
    } while (0)

static int local_checked;

/* NUMA, in every bar: no move ever takes a relay out of its local set
 * (every relay here has workers local to it). */
static void check_local_moves(const struct gen_topo *g, const struct sched_state *st,
                              const struct sched_decision *d)
{
    for (int k = 0; k < d->n_moves; k++) {
        int numa = -1;
        for (int i = 0; i < st->n_relays; i++)
            if (st->relays[i].id == d->moves[k].relay)
                numa = st->relays[i].numa;
        local_checked++;
        CHECK(gen_cpu_local(g, d->moves[k].to, numa),
              "%s: relay %d (NUMA node %d) moved to cpu %d, whose local nodes do not hold it",
              g->name, d->moves[k].relay, numa, d->moves[k].to);
    }
}

/* ---- a generated run, stepped through the trace reader -------------- */

struct run {
    struct gen_topo *g;
    struct sched_params p;
    struct replay rp;
    FILE *keep;
    char *line;
    size_t line_cap;
};

static void run_init(struct run *run, struct gen_topo *g, double sensitivity, const char *tag)
{
    const char *dir = getenv("VIO4WD_KEEP_TRACES");

    memset(run, 0, sizeof(*run));
    run->g = g;
    sched_params_defaults(&run->p);
    if (sensitivity >= 0.0) /* negative: the product's default */
        run->p.sensitivity = sensitivity;
    if (getenv("SCHED_TEST_TIME_LIMIT_MS") != NULL)
        run->p.time_limit_s = atof(getenv("SCHED_TEST_TIME_LIMIT_MS")) * 1e-3;
    if (getenv("SCHED_TEST_DEADLINE_MS") != NULL)
        run->p.deadline_s = atof(getenv("SCHED_TEST_DEADLINE_MS")) * 1e-3;
    replay_init(&run->rp);
    if (dir != NULL) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s-%s.jsonl", dir, tag, g->name);
        for (char *c = path + strlen(dir) + 1; *c; c++)
            if (*c == ' ' || *c == ':')
                *c = '_';
        run->keep = fopen(path, "w");
    }
}

static void run_free(struct run *run)
{
    replay_free(&run->rp);
    if (run->keep != NULL)
        fclose(run->keep);
    free(run->line);
}

/* One step: generated state -> trace line -> parsed state -> decision.
 * *st receives the parsed state with the mapping that was decided on. */
static int run_step(struct run *run, const struct sched_state *gen, struct sched_state *st,
                    struct sched_decision *d)
{
    FILE *mem;
    char err[512];

    /* open_memstream hands out a new buffer each time */
    free(run->line);
    run->line = NULL;
    mem = open_memstream(&run->line, &run->line_cap);

    gen_write_line(mem, gen);
    fclose(mem);
    if (run->keep != NULL)
        fputs(run->line, run->keep);
    if (trace_parse_line(run->line, strlen(run->line), 0, st, err, sizeof(err)) != 1) {
        fprintf(stderr, "trace line rejected: %s\n", err);
        exit(1);
    }
    if (replay_step(&run->rp, st, run->g->topo, &run->p, d, err, sizeof(err)) < 0) {
        fprintf(stderr, "replay step failed: %s\n", err);
        exit(1);
    }
    check_local_moves(run->g, st, d);
    return 0;
}

/* ---- helpers over states --------------------------------------------- */

static int cpu_after(const struct sched_decision *d, const struct sched_relay *r, int dir)
{
    for (int k = 0; k < d->n_moves; k++)
        if (d->moves[k].relay == r->id && d->moves[k].dir == dir)
            return d->moves[k].to;
    return r->cpu[dir];
}

/* Worker loads of st's mapping after d, indexed like st->workers. */
static void worker_loads(const struct sched_state *st, const struct sched_decision *d, double *wl)
{
    for (int i = 0; i < st->n_workers; i++)
        wl[i] = 0.0;
    for (int i = 0; i < st->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            int cpu = d ? cpu_after(d, &st->relays[i], dir) : st->relays[i].cpu[dir];
            for (int w = 0; w < st->n_workers; w++)
                if (st->workers[w] == cpu)
                    wl[w] += st->relays[i].load[dir];
        }
}

/* Random workers: per node, m of its PUs, either the first m (siblings
 * side by side where the numbering interleaves) or a random subset. */
static void pick_workers(struct rng *rng, const struct gen_topo *g, int min_m, int max_m,
                         struct sched_state *st, int *m_per_node)
{
    st->n_workers = 0;
    for (int k = 0; k < g->n_nodes; k++) {
        int avail = g->n_pus[k], m, pool[GEN_MAX_PUS];
        int hi = avail < max_m ? avail : max_m;
        int lo = min_m < hi ? min_m : hi;
        m = rng_int(rng, lo, hi);
        memcpy(pool, g->pus[k], sizeof(int) * (size_t)avail);
        if (rng_unit(rng) < 0.5) {
            for (int i = avail - 1; i > 0; i--) {
                int j = rng_int(rng, 0, i), t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
            }
        }
        for (int i = 0; i < m; i++)
            st->workers[st->n_workers++] = pool[i];
        m_per_node[k] = m;
    }
}

static int random_worker_on(struct rng *rng, const struct gen_topo *g, const struct sched_state *st,
                            int numa)
{
    int cand[GEN_MAX_PUS * GEN_MAX_NODES], n = 0;
    for (int i = 0; i < st->n_workers; i++)
        if (gen_cpu_local(g, st->workers[i], numa))
            cand[n++] = st->workers[i];
    return n ? cand[rng_int(rng, 0, n - 1)] : -1;
}

/* Relays per node: n_relays[k] relays on node k, loads of one shape. */
static void make_relays(struct rng *rng, const struct gen_topo *g, const int *n_relays, int id_base,
                        int kind, bool placed, struct sched_state *st)
{
    st->n_relays = 0;
    for (int k = 0; k < g->n_nodes; k++)
        for (int i = 0; i < n_relays[k]; i++) {
            struct sched_relay *r = &st->relays[st->n_relays++];
            r->id = id_base + st->n_relays - 1;
            /* any node of the group's local set (the RNG is only drawn
             * when there is a choice, so older figures stay comparable) */
            r->numa =
                g->n_local[k] > 1 ? g->local[k][rng_int(rng, 0, g->n_local[k] - 1)] : g->node_id[k];
            for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
                r->load[dir] = rng_load(rng, kind);
                r->cpu[dir] = placed ? random_worker_on(rng, g, st, r->numa) : -1;
            }
        }
}

static struct sched_state *state_alloc(void)
{
    struct sched_state *st = calloc(1, sizeof(*st));
    st->workers = calloc(GEN_MAX_PUS * GEN_MAX_NODES, sizeof(int));
    st->relays = calloc(64 * GEN_MAX_NODES + 1, sizeof(struct sched_relay));
    return st;
}

static void state_release(struct sched_state *st)
{
    sched_state_free(st);
    free(st);
}

/* Every topology must load: the exports ship in tests/data/topologies, so a
 * missing or unreadable one means a broken checkout, and a bar measured on
 * fewer machines than it claims would pass for the wrong reason. */
static bool load_topos(struct gen_topo *topos, int *n)
{
    *n = 0;
    if (gen_topo_dir() == NULL) {
        printf("FAIL: VIO4WD_TOPOLOGIES does not name a directory "
               "(meson sets it to tests/data/topologies)\n");
        return false;
    }
    for (int i = 0; i < N_XML; i++) {
        if (!gen_topo_load(&topos[*n], xml_topos[i])) {
            printf("FAIL: test topology %s/%s did not load\n", gen_topo_dir(), xml_topos[i]);
            return false;
        }
        (*n)++;
    }
    for (int i = 0; i < N_SYNTH; i++) {
        if (!gen_topo_load(&topos[*n], synth_topos[i])) {
            printf("FAIL: synthetic topology %s did not load\n", synth_topos[i]);
            return false;
        }
        (*n)++;
    }
    return true;
}

/* ---- instances: NUMA, hyperthreads, greedy, bounds -------------------- */

/* Figures per load shape (gen.c) and per kind of plan: a fresh placement
 * (no current mapping: the makespan alone decides) or a re-plan from a
 * random mapping (the solver may give up to 1% of makespan, the model's
 * migration slack, to save migrations). */
struct inst_stats {
    int nodes[RNG_LOAD_KINDS][2], within_proven[RNG_LOAD_KINDS][2];
    int judged_simple[RNG_LOAD_KINDS][2], within_simple[RNG_LOAD_KINDS][2];
    double worst_proven[RNG_LOAD_KINDS][2], worst_simple[RNG_LOAD_KINDS][2];
    int sibling_checked;
    int heavy_checked, heavy_violations;
};

static const char *const kind_name[RNG_LOAD_KINDS] = {
    "uniform",
    "skewed",
    "near-identical",
    "exponential",
};

/* Where the simple bound max(total/workers, largest) is a fair yardstick
 * at 4+ directions per worker. Not for skewed loads (more heavy jobs
 * than workers is likely, and then two share a worker whatever the
 * bound says) nor for near-identical ones (see gen.c). */
static bool simple_bound_fair(int kind)
{
    return kind == 0 || kind == 3;
}

static void check_siblings(const struct gen_topo *g, const struct sched_state *st, const double *wl,
                           int numa, struct inst_stats *s)
{
    bool idle_core = false, shared = false;

    for (int a = 0; a < st->n_workers; a++) {
        int ca = gen_cpu_core(g, st->workers[a]);
        bool core_idle = true;
        if (gen_cpu_numa(g, st->workers[a]) != numa)
            continue;
        for (int b = 0; b < st->n_workers; b++) {
            if (gen_cpu_core(g, st->workers[b]) != ca || gen_cpu_numa(g, st->workers[b]) != numa)
                continue;
            if (wl[b] > EPS)
                core_idle = false;
            if (b != a && wl[a] > EPS && wl[b] > EPS)
                shared = true;
        }
        idle_core |= core_idle;
    }
    if (idle_core) {
        s->sibling_checked++;
        CHECK(!shared, "%s node %d: loaded siblings while a physical core is idle", g->name, numa);
    }
}

/* Whether worker index a carries a direction above 0.5 core after d. */
static bool carries_heavy(const struct sched_state *st, const struct sched_decision *d, int a)
{
    for (int i = 0; i < st->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            if (st->relays[i].load[dir] > 0.5 &&
                cpu_after(d, &st->relays[i], dir) == st->workers[a])
                return true;
    return false;
}

static bool sibling_workers(const struct gen_topo *g, const struct sched_state *st, int a, int b)
{
    return a != b && gen_cpu_core(g, st->workers[a]) == gen_cpu_core(g, st->workers[b]);
}

/* Issue 11, item 4: after a plan, no direction above 0.5 core shares its
 * physical core with more than the node's average load per PU, when a
 * placement exists that avoids it: here, when some worker of the node at
 * or under the average, on a core with no heavy direction, could trade
 * places with the busy sibling and leave every heavy direction's siblings
 * lighter than before (a single trade; the bar does not search further). */
static void check_heavy_siblings(const struct gen_topo *g, const struct sched_state *st,
                                 const struct sched_decision *d, const double *wl, int numa,
                                 struct inst_stats *s)
{
    int nw = st->n_workers, m = 0;
    size_t size = (size_t)(nw > 0 ? nw : 1);
    double total = 0.0, avg;
    bool *heavy = calloc(size, sizeof(bool)), *mine = calloc(size, sizeof(bool));

    for (int a = 0; a < nw; a++) {
        mine[a] = gen_cpu_numa(g, st->workers[a]) == numa;
        if (!mine[a])
            continue;
        m++;
        total += wl[a];
        heavy[a] = carries_heavy(st, d, a);
    }
    avg = total / (m ? m : 1);
    for (int a = 0; a < nw; a++) {
        if (!mine[a] || !heavy[a])
            continue;
        for (int b = 0; b < nw; b++) {
            bool avoidable = false;
            if (!mine[b] || !sibling_workers(g, st, a, b))
                continue;
            s->heavy_checked++;
            if (wl[b] <= avg + EPS)
                continue;
            for (int v = 0; v < nw && !avoidable; v++) {
                bool free_core = mine[v] && !heavy[v] && v != b && !sibling_workers(g, st, a, v) &&
                                 wl[v] <= avg + EPS;
                /* ...and, when the busy sibling is heavy itself, whose
                 * own siblings are light enough to sit next to it */
                for (int x = 0; x < nw && free_core; x++)
                    if (mine[x] && sibling_workers(g, st, v, x) &&
                        (heavy[x] || (heavy[b] && wl[x] > avg + EPS)))
                        free_core = false;
                avoidable = free_core;
            }
            if (!avoidable)
                continue;
            s->heavy_violations++;
            CHECK(false,
                  "%s node %d: cpu %d (%.3f, a direction > 0.5) has sibling cpu %d at %.3f "
                  "> the node's average %.3f, while a lighter core could take it",
                  g->name, numa, st->workers[a], wl[a], st->workers[b], wl[b], avg);
        }
    }
    free(heavy);
    free(mine);
}

static void check_instance(const struct gen_topo *g, const struct sched_state *st,
                           const struct sched_decision *d, int kind, bool fresh,
                           struct inst_stats *s)
{
    double *wl = calloc((size_t)st->n_workers, sizeof(double));
    int f = fresh ? 1 : 0;

    /* NUMA: every move stays in the relay's local set (run_step checks) */
    worker_loads(st, d, wl);

    for (int k = 0; k < d->n_nodes; k++) {
        const struct sched_node_result *nr = &d->nodes[k];
        double total = 0.0, big = 0.0, simple, ratio;
        int m = 0, n = 0;

        /* a node left alone (no plan could pay) has no solver answer */
        if (nr->n_jobs == 0 || !nr->solved)
            continue;
        s->nodes[kind][f]++;
        CHECK(nr->makespan <= nr->greedy_makespan + EPS,
              "%s node %d: makespan %.6f worse than greedy %.6f", g->name, nr->numa, nr->makespan,
              nr->greedy_makespan);
        CHECK(nr->least_makespan <= nr->makespan + EPS,
              "%s node %d: least makespan %.6f above the plan's %.6f", g->name, nr->numa,
              nr->least_makespan, nr->makespan);
        ratio = nr->lower_bound > 0 ? nr->makespan / nr->lower_bound : 1.0;
        if (ratio <= 1.01 + EPS)
            s->within_proven[kind][f]++;
        else if (getenv("VERBOSE"))
            fprintf(stderr,
                    "%s node %d %s %s: %d jobs, makespan %.4f bound %.4f greedy %.4f "
                    "solve %.1f ms\n",
                    g->name, nr->numa, kind_name[kind], fresh ? "fresh" : "re-plan", nr->n_jobs,
                    nr->makespan, nr->lower_bound, nr->greedy_makespan, nr->solve_ms);
        s->worst_proven[kind][f] = fmax(s->worst_proven[kind][f], ratio);

        for (int w = 0; w < st->n_workers; w++)
            m += gen_cpu_numa(g, st->workers[w]) == nr->numa;
        for (int i = 0; i < st->n_relays; i++)
            if (locality_has(&nr->local, st->relays[i].numa))
                for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
                    total += st->relays[i].load[dir];
                    big = fmax(big, st->relays[i].load[dir]);
                    n++;
                }
        simple = fmax(total / m, big);
        if (n >= 4 * m) {
            s->judged_simple[kind][f]++;
            s->within_simple[kind][f] += nr->makespan <= simple * 1.02 + EPS;
            s->worst_simple[kind][f] = fmax(s->worst_simple[kind][f], nr->makespan / simple);
            if (simple_bound_fair(kind))
                CHECK(nr->makespan <= simple * 1.02 + EPS,
                      "%s node %d (%s): %d jobs on %d workers, makespan %.6f > 1.02 x simple "
                      "bound %.6f",
                      g->name, nr->numa, kind_name[kind], n, m, nr->makespan, simple);
        }

        /* Hyperthreads, on fresh placements (re-plans rank migrations
         * above siblings, as docs/ARCHITECTURE.md section 7, "Solver",
         * orders the objectives). */
        if (fresh)
            check_siblings(g, st, wl, nr->numa, s);
        if (nr->act)
            check_heavy_siblings(g, st, d, wl, nr->numa, s);
    }
    free(wl);
}

static int test_instances(uint64_t seed, int per_topo)
{
    static const int kinds[] = {0, 1, 3};
    struct gen_topo topos[N_XML + N_SYNTH];
    struct inst_stats *s;
    struct rng rng;
    int nt, fresh_nodes = 0, fresh_within = 0;

    if (!load_topos(topos, &nt))
        return 1;
    s = calloc(1, sizeof(*s));
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        struct sched_state *gen = state_alloc();
        struct run run;

        run_init(&run, g, 0.25, "instances");
        for (int i = 0; i < per_topo + per_topo / 4; i++) {
            int m_per_node[GEN_MAX_NODES], n_relays[GEN_MAX_NODES];
            bool fresh = rng_unit(&rng) < 0.5, few = i >= per_topo;
            /* the last quarter: few relays on all PUs of each node, so
             * idle physical cores exist and the hyperthread rule bites;
             * near-identical loads are included there only */
            int kind = few ? rng_int(&rng, 0, RNG_LOAD_KINDS - 1) : kinds[rng_int(&rng, 0, 2)];
            struct sched_state st;
            struct sched_decision d;

            if (few)
                fresh = true;
            pick_workers(&rng, g, few ? 32 : 2, 32, gen, m_per_node);
            for (int k = 0; k < g->n_nodes; k++) {
                /* up to 128 directions per node; half the instances at
                 * 4+ directions per worker */
                int lo = rng_unit(&rng) < 0.5 ? (4 * m_per_node[k] + 1) / 2 : 1;
                if (lo > 64)
                    lo = 64;
                n_relays[k] = few ? rng_int(&rng, 1, m_per_node[k] / 6 + 1) : rng_int(&rng, lo, 64);
            }
            /* ids unique per line: a line is a new instance, not a step */
            make_relays(&rng, g, n_relays, (i + 1) * 1000, kind, !fresh, gen);
            gen->t = i;
            run_step(&run, gen, &st, &d);
            check_instance(g, &st, &d, kind, fresh, s);
            sched_decision_free(&d);
            sched_state_free(&st);
        }
        run_free(&run);
        state_release(gen);
        gen_topo_free(g);
    }

    printf("instances over %d topologies (node problems; ratio = makespan / bound):\n", nt);
    for (int k = 0; k < RNG_LOAD_KINDS; k++)
        for (int f = 1; f >= 0; f--) {
            if (s->nodes[k][f] == 0)
                continue;
            printf("  %-14s %-8s %4d: within 1%% of proven bound %5.1f%% (worst %.4f)",
                   kind_name[k], f ? "fresh" : "re-plan", s->nodes[k][f],
                   100.0 * s->within_proven[k][f] / s->nodes[k][f], s->worst_proven[k][f]);
            if (s->judged_simple[k][f])
                printf("; >=4 dirs/worker: %d, within 2%% of simple bound %5.1f%% (worst %.4f)%s",
                       s->judged_simple[k][f],
                       100.0 * s->within_simple[k][f] / s->judged_simple[k][f],
                       s->worst_simple[k][f], simple_bound_fair(k) ? "" : " [not judged]");
            printf("\n");
            if (f == 1 && k != 2) {
                fresh_nodes += s->nodes[k][f];
                fresh_within += s->within_proven[k][f];
            }
        }
    double pct = 100.0 * fresh_within / (fresh_nodes ? fresh_nodes : 1);
    printf("  fresh placements (uniform, skewed, exponential): %.1f%% of %d within 1%% of the "
           "proven bound\n",
           pct, fresh_nodes);
    printf("  hyperthread rule checked on %d fresh node placements with an idle core\n",
           s->sibling_checked);
    printf("  heavy directions' siblings after a plan: %d checked, %d above the node's average "
           "while a lighter core could take them\n",
           s->heavy_checked, s->heavy_violations);
    CHECK(pct >= 95.0, "only %.1f%% of fresh placements within 1%% of the proven bound (need 95%%)",
          pct);
    free(s);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* ---- time series: stability, reaction, economy ------------------------ */

/* A setup for the series tests: per node, m workers and about 4 relays
 * (8 directions) per worker, at most 64 relays. */
static void series_setup(struct rng *rng, struct gen_topo *g, struct sched_state *gen, int kind,
                         bool placed)
{
    int m_per_node[GEN_MAX_NODES], n_relays[GEN_MAX_NODES];
    pick_workers(rng, g, 4, 16, gen, m_per_node);
    for (int k = 0; k < g->n_nodes; k++) {
        n_relays[k] = 2 * m_per_node[k];
        if (n_relays[k] > 64)
            n_relays[k] = 64;
    }
    make_relays(rng, g, n_relays, 0, kind, placed, gen);
}

static void scale_loads(const struct sched_state *base, struct sched_state *gen, struct rng *rng,
                        double amplitude)
{
    for (int i = 0; i < gen->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            gen->relays[i].load[dir] =
                base->relays[i].load[dir] * (1.0 + amplitude * (2.0 * rng_unit(rng) - 1.0));
}

static int test_stability(uint64_t seed)
{
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    int nt, runs = 0, total_after_first = 0, first_moves = 0;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        for (int rep = 0; rep < 2; rep++) {
            struct sched_state *gen = state_alloc(), base;
            struct run run;
            int moves_after = 0;

            series_setup(&rng, g, gen, rep == 0 ? 0 : 3, true);
            sched_state_copy(&base, gen);
            run_init(&run, g, 0.25, "stability");
            for (int step = 0; step < 200; step++) {
                struct sched_state st;
                struct sched_decision d;
                scale_loads(&base, gen, &rng, 0.05);
                gen->t = step;
                run_step(&run, gen, &st, &d);
                if (step == 0)
                    first_moves += d.act ? d.n_moves : 0;
                else if (d.act)
                    moves_after += d.n_moves;
                sched_decision_free(&d);
                sched_state_free(&st);
            }
            CHECK(moves_after == 0, "%s: %d migrations after the first plan under +-5%% noise",
                  g->name, moves_after);
            total_after_first += moves_after;
            runs++;
            run_free(&run);
            sched_state_free(&base);
            state_release(gen);
        }
        gen_topo_free(g);
    }
    printf("stability: %d runs x 200 steps of +-5%% noise: %d migrations in the first plans, "
           "%d after them\n",
           runs, first_moves, total_after_first);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

static int test_reaction(uint64_t seed)
{
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    int nt, runs = 0, in1 = 0, in2 = 0;
    double worst_ratio = 0.0;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        for (int rep = 0; rep < 2; rep++) {
            struct sched_state *gen = state_alloc(), base;
            double *wl;
            struct run run;
            int hot = -1, acted_at = -1;
            double hot_load = 0.0;

            /* similar relays, so a balanced start has every core near
             * the same load and doubling one core's work is a real 2x */
            series_setup(&rng, g, gen, 2, false);
            sched_state_copy(&base, gen);
            run_init(&run, g, 0.25, "reaction");
            wl = calloc((size_t)gen->n_workers, sizeof(double));
            for (int step = 0; step < 14; step++) {
                struct sched_state st;
                struct sched_decision d;

                if (step == 10) {
                    /* double every direction on the busiest worker */
                    worker_loads(&run.rp.mapping, NULL, wl);
                    for (int w = 0; w < run.rp.mapping.n_workers; w++)
                        if (wl[w] > hot_load) {
                            hot_load = wl[w];
                            hot = run.rp.mapping.workers[w];
                        }
                    for (int i = 0; i < run.rp.mapping.n_relays; i++)
                        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                            if (run.rp.mapping.relays[i].cpu[dir] == hot)
                                base.relays[i].load[dir] *= 2.0;
                }
                scale_loads(&base, gen, &rng, 0.02);
                gen->t = step;
                run_step(&run, gen, &st, &d);
                if (step >= 10 && acted_at < 0 && d.act) {
                    double lb = 0.0, greedy = 0.0;
                    for (int k = 0; k < d.n_nodes; k++) {
                        lb = fmax(lb, d.nodes[k].lower_bound);
                        greedy = fmax(greedy, d.nodes[k].greedy_makespan);
                    }
                    acted_at = step - 10 + 1;
                    worst_ratio = fmax(worst_ratio, d.makespan / lb);
                    /* planned away: back to what a from-scratch plan
                     * gets, far below the doubled core */
                    CHECK(d.makespan <= greedy + EPS && d.makespan < 0.8 * d.current_makespan,
                          "%s: after the plan makespan %.3f (was %.3f, greedy %.3f)", g->name,
                          d.makespan, d.current_makespan, greedy);
                }
                sched_decision_free(&d);
                sched_state_free(&st);
            }
            CHECK(acted_at >= 1 && acted_at <= 2,
                  "%s: core %d doubled to %.2f, planned away at step %d (need <= 2)", g->name, hot,
                  2 * hot_load, acted_at);
            in1 += acted_at == 1;
            in2 += acted_at == 2;
            runs++;
            free(wl);
            run_free(&run);
            sched_state_free(&base);
            state_release(gen);
        }
        gen_topo_free(g);
    }
    printf("reaction: %d runs: planned away at the 1st step in %d, at the 2nd in %d; "
           "worst makespan/bound after the plan %.4f\n",
           runs, in1, in2, worst_ratio);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* ---- NUMA locality: remote relays come home --------------------------- */

/* On every topology with more than one locality group: relays placed on a
 * worker of another group (a relay started before its memory was known, a
 * worker list that changed) while a local worker has room are moved home
 * by the next decision, and no move leaves a relay's local set (checked
 * in run_step). Light loads, so room is certain. */
static int test_numa(uint64_t seed)
{
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    int nt, multi = 0, remote = 0, home = 0, mcdram = 0;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        if (g->n_nodes < 2) {
            gen_topo_free(g);
            continue;
        }
        multi++;
        for (int rep = 0; rep < 10; rep++) {
            struct sched_state *gen = state_alloc(), st;
            struct sched_decision d;
            int m_per_node[GEN_MAX_NODES], n_relays[GEN_MAX_NODES];
            struct run run;

            pick_workers(&rng, g, 2, 8, gen, m_per_node);
            for (int k = 0; k < g->n_nodes; k++)
                n_relays[k] = rng_int(&rng, 1, m_per_node[k]);
            make_relays(&rng, g, n_relays, 0, 3, true, gen);
            for (int i = 0; i < gen->n_relays; i++) {
                struct sched_relay *r = &gen->relays[i];
                int here = gen_numa_group(g, r->numa), there;
                for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                    r->load[dir] *= 0.3;
                if (rng_unit(&rng) >= 0.3)
                    continue;
                there = (here + rng_int(&rng, 1, g->n_nodes - 1)) % g->n_nodes;
                r->cpu[0] = r->cpu[1] = random_worker_on(&rng, g, gen, g->node_id[there]);
                mcdram += r->numa != g->node_id[here];
            }
            gen->t = rep;
            run_init(&run, g, 0.25, "numa");
            run_step(&run, gen, &st, &d);
            for (int i = 0; i < st.n_relays; i++)
                for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
                    const struct sched_relay *r = &st.relays[i];
                    int after = cpu_after(&d, r, dir);
                    if (gen_cpu_local(g, r->cpu[dir], r->numa))
                        continue;
                    remote++;
                    home += gen_cpu_local(g, after, r->numa);
                    CHECK(d.act && gen_cpu_local(g, after, r->numa),
                          "%s: relay %d (NUMA node %d) left on remote cpu %d (now %d)", g->name,
                          r->id, r->numa, r->cpu[dir], after);
                }
            sched_decision_free(&d);
            sched_state_free(&st);
            run_free(&run);
            state_release(gen);
        }
        gen_topo_free(g);
    }
    printf("numa: %d topologies with several locality groups: %d remote directions, %d brought "
           "home in one decision; relays on a second local node (MCDRAM) placed remotely: %d; "
           "%d moves checked to stay local\n",
           multi, remote, home, mcdram, local_checked);
    CHECK(remote > 0, "no relay was placed remotely: the test shows nothing");
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* Upstream's greedy from scratch on the step's loads, as CPUs per job. */
static void greedy_map(const struct gen_topo *g, const struct sched_state *st, int *cpu_of_job)
{
    int nj = st->n_relays * VIO4WD_DIR_COUNT;
    struct model_worker *w = calloc((size_t)st->n_workers, sizeof(*w));
    struct model_job *jobs = calloc((size_t)nj, sizeof(*jobs));
    struct model_solution sol;
    char err[256];

    /* upstream's greedy per NUMA node; a group's local nodes are one node
     * (as the scheduler's classes are), so MCDRAM relays have workers */
    model_topology_workers(g->topo, st->workers, st->n_workers, w, err, sizeof(err));
    for (int i = 0; i < st->n_workers; i++)
        w[i].numa = gen_cpu_group(g, w[i].cpu);
    for (int j = 0; j < nj; j++)
        jobs[j] = (struct model_job){st->relays[j / 2].load[j % 2],
                                     gen_numa_group(g, st->relays[j / 2].numa), -1};
    struct model_problem pb = {jobs, nj, w, st->n_workers};
    if (model_assign_greedy(&pb, false, &sol, err, sizeof(err)) != MODEL_OK) {
        fprintf(stderr, "greedy: %s\n", err);
        exit(1);
    }
    for (int j = 0; j < nj; j++)
        cpu_of_job[j] = w[sol.worker[j]].cpu;
    model_solution_free(&sol);
    free(w);
    free(jobs);
}

static int test_economy(uint64_t seed)
{
    static const double sens[] = {0.25, 0.10, 0.05};
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    int nt, ours[3] = {0}, greedy = 0;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        struct sched_state *gen = state_alloc(), base;
        int kind = rng_int(&rng, 0, RNG_LOAD_KINDS - 1);
        struct run run[3];
        int *prev = NULL, *cur = NULL;
        uint64_t series_seed = rng_next(&rng);

        series_setup(&rng, g, gen, kind, false);
        sched_state_copy(&base, gen);
        for (int s = 0; s < 3; s++)
            run_init(&run[s], g, sens[s], "economy");
        prev = calloc((size_t)gen->n_relays * 2, sizeof(int));
        cur = calloc((size_t)gen->n_relays * 2, sizeof(int));
        for (int s = 0; s < 3; s++) {
            /* the same load series for every sensitivity */
            struct rng series;
            rng_seed(&series, series_seed);
            for (int step = 0; step < 40; step++) {
                struct sched_state st;
                struct sched_decision d;
                scale_loads(&base, gen, &series, 0.10);
                gen->t = step;
                run_step(&run[s], gen, &st, &d);
                if (step > 0 && d.act)
                    ours[s] += d.n_moves;
                if (s == 0) {
                    greedy_map(g, &st, cur);
                    for (int j = 0; step > 0 && j < st.n_relays * 2; j++)
                        greedy += cur[j] != prev[j];
                    memcpy(prev, cur, sizeof(int) * (size_t)st.n_relays * 2);
                }
                sched_decision_free(&d);
                sched_state_free(&st);
            }
        }
        for (int s = 0; s < 3; s++)
            run_free(&run[s]);
        free(prev);
        free(cur);
        sched_state_free(&base);
        state_release(gen);
        gen_topo_free(g);
    }
    printf("economy: %d topologies x 39 steps of +-10%% load changes\n", nt);
    printf("  greedy re-planning from scratch: %d migrations\n", greedy);
    for (int s = 0; s < 3; s++)
        printf("  vio4wd at sensitivity %.2f: %d migrations (ratio %.4f)\n", sens[s], ours[s],
               greedy ? (double)ours[s] / greedy : 0.0);
    CHECK(greedy > 0, "greedy made no migration: the test shows nothing");
    CHECK(3 * ours[0] <= greedy, "default sensitivity: %d migrations vs greedy's %d", ours[0],
          greedy);
    CHECK(3 * ours[2] <= greedy, "sensitivity 0.05: %d migrations vs greedy's %d", ours[2], greedy);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* ---- pack mode: a day of diurnal load --------------------------------- */

#define DAY_STEPS           48 /* 30-minute intervals */
#define DAY_STEP_H          0.5
#define DAY_PEAK_PER_WORKER 0.45 /* mean load per worker at the daily peak */
#define DAY_PHASE_H \
    3.0 /* the tenants' day: relays peak within
                                  * +-3 h of noon */

/* Share of the day's peak at hour h: 10% at midnight, 100% at noon. */
static double diurnal(double h)
{
    return 0.1 + 0.9 * (1.0 - cos(2.0 * M_PI * h / 24.0)) / 2.0;
}

struct day_figures {
    double core_hours; /* active workers x hours */
    int moves;
    int above_after; /* decisions that left a worker above target */
    int above_twice; /* intervals above target twice in a row */
    int move_bound;  /* pack: fewest moves any schedule with pack's
                                 * active-worker counts needs (day_move_bound) */
};

/* What day_move_bound() needs of a run.  Directions and workers fall in
 * classes: the workers a relay may use (its local NUMA nodes) join one
 * class, and no move leaves a class. */
#define DAY_MAX_DIRS (64 * GEN_MAX_NODES * VIO4WD_DIR_COUNT)
struct day_trace {
    int n_dirs, n_classes;
    int dir_class[DAY_MAX_DIRS]; /* -1: no worker may hold it */
    double load[DAY_STEPS + 1][DAY_MAX_DIRS];
    int active[DAY_STEPS + 1][GEN_MAX_NODES * GEN_MAX_PUS]; /* by class, after
                                             * the step's decision */
    int unplaced; /* directions without a worker at step 0 */
};

static int uf_find(int *up, int x)
{
    while (up[x] != x)
        x = up[x] = up[up[x]];
    return x;
}

/* tr's classes for st's relays and workers (the same every step). */
static void day_classes(const struct gen_topo *g, const struct sched_state *st,
                        struct day_trace *tr)
{
    int *up = malloc(sizeof(int) * (size_t)st->n_workers);
    int *id = malloc(sizeof(int) * (size_t)st->n_workers);

    for (int w = 0; w < st->n_workers; w++) {
        up[w] = w;
        id[w] = -1;
    }
    for (int i = 0; i < st->n_relays; i++) {
        int first = -1;
        for (int w = 0; w < st->n_workers; w++)
            if (gen_cpu_local(g, st->workers[w], st->relays[i].numa)) {
                if (first < 0)
                    first = w;
                else
                    up[uf_find(up, w)] = uf_find(up, first);
            }
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            tr->dir_class[i * VIO4WD_DIR_COUNT + dir] = first;
    }
    tr->n_classes = 0;
    for (int w = 0; w < st->n_workers; w++)
        if (id[uf_find(up, w)] < 0)
            id[uf_find(up, w)] = tr->n_classes++;
    for (int j = 0; j < st->n_relays * VIO4WD_DIR_COUNT; j++)
        if (tr->dir_class[j] >= 0)
            tr->dir_class[j] = id[uf_find(up, tr->dir_class[j])];
    tr->n_dirs = st->n_relays * VIO4WD_DIR_COUNT;
    free(up);
    free(id);
}

/* Records step's loads, and its active workers by class after d. */
static void day_record(const struct sched_state *st, const struct sched_decision *d, int step,
                       struct day_trace *tr)
{
    bool *busy = calloc((size_t)st->n_workers, sizeof(bool));

    for (int c = 0; c < tr->n_classes; c++)
        tr->active[step][c] = 0;
    for (int i = 0; i < st->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            int j = i * VIO4WD_DIR_COUNT + dir, cpu = cpu_after(d, &st->relays[i], dir);
            tr->load[step][j] = st->relays[i].load[dir];
            if (step == 0 && st->relays[i].cpu[dir] < 0 && tr->dir_class[j] >= 0)
                tr->unplaced++;
            for (int w = 0; w < st->n_workers; w++)
                if (st->workers[w] == cpu && !busy[w] && tr->dir_class[j] >= 0) {
                    busy[w] = true;
                    tr->active[step][tr->dir_class[j]]++;
                }
        }
    free(busy);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The most directions (of n, loads sorted ascending) that a workers of
 * capacity cap can hold: no more than the smallest ones whose sum fits in
 * a x cap, nor a times the smallest ones that fit in one worker. */
static int most_held(const double *sorted, int n, int a, double cap)
{
    double sum = 0.0;
    int total = 0, one = 0;

    while (total < n && sum + sorted[total] <= a * cap) {
        sum += sorted[total];
        total++;
    }
    for (sum = 0.0; one < n && sum + sorted[one] <= cap; one++)
        sum += sorted[one];
    return total < a * one ? total : a * one;
}

/* A lower bound on the moves of any schedule that, at each step, runs no
 * more workers in each class than pack did (tr->active) and leaves every
 * worker at or below cap after each decision.  In one class of n
 * directions: a direction that does not move in steps (s, t] sits on the
 * same worker after decisions s and t, so on one of the active[s] workers
 * of step s, each holding at most cap at step t's loads, and on one of
 * the active[t] of step t, each holding at most cap at step s's loads.
 * Hence at least n - min(most_held(t's loads, active[s]), most_held(s's
 * loads, active[t])) directions move in (s, t].  Disjoint intervals add
 * up: the best chain of them comes from dynamic programming.  Classes add
 * up, on top of the unplaced directions placed at step 0.  Falling from k
 * workers to 1 and rising back one at a time costs about n (1/2 + ... +
 * 1/k) each way. */
static int day_move_bound(const struct day_trace *tr, double cap)
{
    static double sorted[DAY_STEPS + 1][DAY_MAX_DIRS];
    int bound = tr->unplaced;

    for (int c = 0; c < tr->n_classes; c++) {
        int best[DAY_STEPS + 1], n = 0;

        for (int t = 0; t <= DAY_STEPS; t++) {
            n = 0;
            for (int j = 0; j < tr->n_dirs; j++)
                if (tr->dir_class[j] == c)
                    sorted[t][n++] = tr->load[t][j];
            qsort(sorted[t], (size_t)n, sizeof(double), cmp_double);
        }
        best[0] = 0;
        for (int t = 1; t <= DAY_STEPS; t++) {
            best[t] = best[t - 1];
            for (int s = 0; s < t; s++) {
                int a = most_held(sorted[t], n, tr->active[s][c], cap);
                int b = most_held(sorted[s], n, tr->active[t][c], cap);
                int need = n - (a < b ? a : b);
                if (best[s] + need > best[t])
                    best[t] = best[s] + need;
            }
        }
        bound += best[DAY_STEPS];
    }
    return bound;
}

/* One mode over one day; gen's loads are the peak loads; relay i peaks
 * phase[i] hours after noon (phase NULL: all at noon). */
static void run_day(struct gen_topo *g, const struct sched_state *peak, const double *phase,
                    int mode, uint64_t series_seed, struct day_figures *f, struct day_trace *tr)
{
    /* sched_state_copy() allocates gen's arrays */
    struct sched_state *gen = calloc(1, sizeof(*gen));
    struct rng series;
    struct run run;
    double *wl = calloc((size_t)peak->n_workers, sizeof(double));
    bool above_before = false;

    memset(f, 0, sizeof(*f));
    sched_state_copy(gen, peak);
    run_init(&run, g, 0.25, mode == SCHED_MODE_PACK ? "pack" : "spread");
    run.p.mode = mode;
    rng_seed(&series, series_seed);
    for (int step = 0; step <= DAY_STEPS; step++) {
        struct sched_state st;
        struct sched_decision d;
        double h = step * DAY_STEP_H, before = 0.0, after = 0.0;

        scale_loads(peak, gen, &series, 0.05);
        for (int i = 0; i < gen->n_relays; i++) {
            double share = diurnal(phase != NULL ? h - phase[i] : h);
            for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                gen->relays[i].load[dir] *= share;
        }
        gen->t = step * DAY_STEP_H * 3600.0;
        run_step(&run, gen, &st, &d);
        if (d.act)
            f->moves += d.n_moves;
        worker_loads(&st, NULL, wl);
        for (int w = 0; w < st.n_workers; w++)
            before = fmax(before, wl[w]);
        worker_loads(&st, &d, wl);
        for (int w = 0; w < st.n_workers; w++)
            after = fmax(after, wl[w]);
        if (step < DAY_STEPS)
            f->core_hours += (st.n_workers - d.n_parked) * DAY_STEP_H;
        if (tr != NULL) {
            if (step == 0)
                day_classes(g, &st, tr);
            day_record(&st, &d, step, tr);
        }
        if (mode == SCHED_MODE_PACK) {
            bool above = before > run.p.pack_target + EPS;
            f->above_after += after > run.p.pack_target + EPS;
            f->above_twice += above && above_before;
            CHECK(after <= run.p.pack_target + EPS,
                  "%s: step %d: a worker at %.3f after the decision (target %.2f)", g->name, step,
                  after, run.p.pack_target);
            above_before = after > run.p.pack_target + EPS;
        }
        sched_decision_free(&d);
        sched_state_free(&st);
    }
    free(wl);
    if (tr != NULL)
        f->move_bound = day_move_bound(tr, run.p.pack_target + EPS);
    run_free(&run);
    state_release(gen);
}

static int test_pack(uint64_t seed)
{
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    struct day_figures sum[2] = {{0}}, tenants_sum[2] = {{0}};
    struct day_trace *tr = calloc(1, sizeof(*tr));
    double worst_moves = 0.0, worst_hours = 0.0, tenants_worst_moves = 0.0;
    double tenants_worst_hours = 0.0;
    int nt;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        struct sched_state *peak = state_alloc();
        struct day_figures f[2], tf[2];
        struct rng phases;
        double *phase;
        uint64_t series_seed;
        int m_per_node[GEN_MAX_NODES], n_relays[GEN_MAX_NODES];

        pick_workers(&rng, g, 4, 16, peak, m_per_node);
        for (int k = 0; k < g->n_nodes; k++)
            n_relays[k] = m_per_node[k] * 2 < 64 ? m_per_node[k] * 2 : 64;
        make_relays(&rng, g, n_relays, 0, 0, false, peak);
        /* peak loads: 4 directions per worker at DAY_PEAK_PER_WORKER on
         * average, each within +-50% of the mean */
        for (int i = 0; i < peak->n_relays; i++)
            for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                peak->relays[i].load[dir] = DAY_PEAK_PER_WORKER / 4.0 * (0.5 + rng_unit(&rng));
        series_seed = rng_next(&rng);
        memset(tr, 0, sizeof(*tr));
        run_day(g, peak, NULL, SCHED_MODE_SPREAD, series_seed, &f[0], NULL);
        run_day(g, peak, NULL, SCHED_MODE_PACK, series_seed, &f[1], tr);
        /* the tenants' day: the same relays, each peaking at its own hour
         * (its own generator, so the in-phase figures stay as they were) */
        phase = calloc((size_t)peak->n_relays, sizeof(double));
        rng_seed(&phases, series_seed ^ 0x5eed);
        for (int i = 0; i < peak->n_relays; i++)
            phase[i] = DAY_PHASE_H * (2.0 * rng_unit(&phases) - 1.0);
        run_day(g, peak, phase, SCHED_MODE_SPREAD, series_seed, &tf[0], NULL);
        run_day(g, peak, phase, SCHED_MODE_PACK, series_seed, &tf[1], NULL);
        free(phase);
        printf("  %-45s in phase: spread %6.1f core-h %4d moves | pack %6.1f core-h %4d moves "
               "(bound %4d); tenants' day: spread %6.1f core-h %4d moves | pack %6.1f core-h "
               "%4d moves\n",
               g->name, f[0].core_hours, f[0].moves, f[1].core_hours, f[1].moves, f[1].move_bound,
               tf[0].core_hours, tf[0].moves, tf[1].core_hours, tf[1].moves);
        for (int m = 0; m < 2; m++) {
            tenants_sum[m].core_hours += tf[m].core_hours;
            tenants_sum[m].moves += tf[m].moves;
            tenants_sum[m].above_after += tf[m].above_after;
        }
        /* issue 13's bars, on a day whose tenants peak at different hours */
        CHECK(tf[1].core_hours <= 0.6 * tf[0].core_hours + EPS,
              "%s, tenants' day: pack used %.1f worker-core-hours, spread %.1f (want <= 60%%)",
              g->name, tf[1].core_hours, tf[0].core_hours);
        CHECK(tf[1].moves <= 2 * tf[0].moves,
              "%s, tenants' day: pack migrated %d times, more than 2x spread's %d", g->name,
              tf[1].moves, tf[0].moves);
        tenants_worst_moves = fmax(tenants_worst_moves, (double)tf[1].moves / tf[0].moves);
        tenants_worst_hours = fmax(tenants_worst_hours, tf[1].core_hours / tf[0].core_hours);
        for (int m = 0; m < 2; m++) {
            sum[m].core_hours += f[m].core_hours;
            sum[m].moves += f[m].moves;
            sum[m].move_bound += f[m].move_bound;
            sum[m].above_after += f[m].above_after;
            sum[m].above_twice += f[m].above_twice;
        }
        CHECK(f[1].core_hours <= 0.6 * f[0].core_hours + EPS,
              "%s: pack used %.1f worker-core-hours, spread %.1f (want <= 60%%)", g->name,
              f[1].core_hours, f[0].core_hours);
        /* Issue 13's bar (b) is 2x spread's migrations: met on the
         * tenants' day above (1.42-1.49x in sum, at most 1.81x per
         * topology, seeds 1-3), where spread too moves as the relays'
         * peaks pass.  On this in-phase day it is not: spread moves only
         * to place the N directions (N moves at step 0); pack's day starts
         * at the night's load (10% of the peak) on one or two workers a
         * class, and a load that rises onto workers filled to the parking
         * level must shed about all its growth: going from A to B active
         * workers just in time moves about N ln(B/A) directions, 1.4 N
         * here.  That alone puts (b) out of reach on this trace, which
         * has no earlier day to remember: a schedule that never parks
         * after the peak (--pack-keep 1) still needs 1.83-1.89x spread's
         * moves for its worker counts (day_move_bound(); 2.33-2.46x
         * measured, seeds 1-3), and runs 0.58-0.59 of spread's
         * worker-hours in sum but up to 0.66 per topology, above bar (a).
         * Unparking ahead of the load (a relief filling workers to 1/1.5
         * to 1/3 of the parking level) saved 2-8% of the moves for 13-30%
         * more worker-hours.  The floor (--pack-keep, default 0.5) trims
         * the evening's parking: 2.86-3.00x spread's moves (3.69-3.89x
         * without it) for 0.47-0.49 of its worker-hours (0.44-0.45).
         * Checked: pack stays near the lower bound for its own worker
         * counts (2x per topology, 1.6x in sum: 1.34-1.37x measured), and
         * within 4x spread's moves per topology and 3.3x in sum (worst
         * 3.48x and 3.02x over seeds 1-10; without the floor, 4.67x and
         * 3.89x), so the figures cannot slide back unseen. */
        CHECK(f[1].moves <= 2 * f[1].move_bound,
              "%s: pack migrated %d times, more than 2x the lower bound %d (spread %d)", g->name,
              f[1].moves, f[1].move_bound, f[0].moves);
        CHECK(f[1].moves <= 4 * f[0].moves, "%s: pack migrated %d times, more than 4x spread's %d",
              g->name, f[1].moves, f[0].moves);
        worst_moves = fmax(worst_moves, (double)f[1].moves / f[0].moves);
        worst_hours = fmax(worst_hours, f[1].core_hours / f[0].core_hours);
        state_release(peak);
        gen_topo_free(g);
    }
    printf("pack: %d topologies x 24 h in %d steps: worker-core-hours %.1f (spread) %.1f (pack), "
           "ratio %.3f; migrations per simulated hour %.2f (spread) %.2f (pack), ratio %.3f; "
           "decisions leaving a worker above the target %d, above it two intervals running %d\n",
           nt, DAY_STEPS, sum[0].core_hours, sum[1].core_hours,
           sum[1].core_hours / sum[0].core_hours, sum[0].moves / (24.0 * nt),
           sum[1].moves / (24.0 * nt), sum[0].moves ? (double)sum[1].moves / sum[0].moves : 0.0,
           sum[1].above_after, sum[1].above_twice);
    printf("pack: migrations %d against a lower bound of %d for pack's worker counts, "
           "ratio %.3f (spread's %d: %.3f)\n",
           sum[1].moves, sum[1].move_bound,
           sum[1].move_bound ? (double)sum[1].moves / sum[1].move_bound : 0.0, sum[0].moves,
           sum[0].moves ? (double)sum[1].move_bound / sum[0].moves : 0.0);
    printf("pack: per topology, worst worker-core-hours ratio %.3f (bar 0.6), worst migrations "
           "ratio %.2f; issue 13's 2x spread's migrations: %s in sum, %s per topology\n",
           worst_hours, worst_moves, sum[1].moves <= 2 * sum[0].moves ? "met" : "NOT met",
           worst_moves <= 2.0 ? "met" : "NOT met");
    printf("pack, tenants' day (relays peak within +-%.0f h of noon): worker-core-hours ratio "
           "%.3f (worst topology %.3f), migrations per simulated hour %.2f (spread) %.2f (pack), "
           "ratio %.3f (worst topology %.2f); decisions leaving a worker above the target %d\n",
           DAY_PHASE_H, tenants_sum[1].core_hours / tenants_sum[0].core_hours, tenants_worst_hours,
           tenants_sum[0].moves / (24.0 * nt), tenants_sum[1].moves / (24.0 * nt),
           tenants_sum[0].moves ? (double)tenants_sum[1].moves / tenants_sum[0].moves : 0.0,
           tenants_worst_moves, tenants_sum[1].above_after);
    CHECK(sum[1].moves <= 1.6 * sum[1].move_bound,
          "pack migrated %d times in all, more than 1.6x the lower bound %d", sum[1].moves,
          sum[1].move_bound);
    CHECK(sum[1].moves <= 3.3 * sum[0].moves,
          "pack migrated %d times in all, more than 3.3x spread's %d", sum[1].moves, sum[0].moves);
    free(tr);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* ---- operator constraints --------------------------------------------- */

static bool fixed_relay(const struct sched_params *p, int id)
{
    for (int i = 0; i < p->n_fixed; i++)
        if (p->fixed_relays[i] == id)
            return true;
    return false;
}

static bool excluded_cpu(const struct sched_params *p, int cpu)
{
    for (int i = 0; i < p->n_excluded; i++)
        if (p->excluded_cpus[i] == cpu)
            return true;
    return false;
}

/* A CPU that runs a direction of a fixed relay (reserved for it). */
static bool reserved_cpu(const struct sched_state *st, const struct sched_params *p, int cpu)
{
    for (int i = 0; i < st->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            if (st->relays[i].cpu[dir] == cpu && fixed_relay(p, st->relays[i].id))
                return true;
    return false;
}

static bool is_worker(const struct sched_state *st, int cpu)
{
    for (int w = 0; w < st->n_workers; w++)
        if (st->workers[w] == cpu)
            return true;
    return false;
}

/* Check one decision against the constraints; returns the migrations the
 * budget counts. */
static int check_constraints(const struct gen_topo *g, const struct sched_state *st,
                             const struct sched_params *p, const struct sched_decision *d)
{
    int counted = 0;

    for (int k = 0; k < d->n_moves; k++) {
        const struct sched_move *mv = &d->moves[k];
        const struct sched_relay *r = NULL;
        for (int i = 0; i < st->n_relays; i++)
            if (st->relays[i].id == mv->relay)
                r = &st->relays[i];
        CHECK(!fixed_relay(p, mv->relay) || !is_worker(st, mv->from),
              "%s: fixed relay %d moved from cpu %d to %d", g->name, mv->relay, mv->from, mv->to);
        CHECK(!excluded_cpu(p, mv->from) && !excluded_cpu(p, mv->to),
              "%s: relay %d moved %d -> %d, touching an excluded worker", g->name, mv->relay,
              mv->from, mv->to);
        CHECK(!reserved_cpu(st, p, mv->to),
              "%s: relay %d moved onto cpu %d, reserved for a "
              "fixed relay",
              g->name, mv->relay, mv->to);
        if (is_worker(st, mv->from) && !reserved_cpu(st, p, mv->from) &&
            gen_cpu_local(g, mv->from, r->numa))
            counted++;
    }
    if (p->max_migrations >= 0)
        CHECK(counted <= p->max_migrations, "%s: %d migrations, budget %d", g->name, counted,
              p->max_migrations);
    return counted;
}

static int test_constraints(uint64_t seed)
{
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    int nt, runs = 0, decisions = 0, migrations = 0, at_budget = 0, fixed_dirs = 0;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        for (int mode = SCHED_MODE_SPREAD; mode <= SCHED_MODE_PACK; mode++) {
            struct sched_state *gen = state_alloc(), base;
            struct run run;

            series_setup(&rng, g, gen, rng_int(&rng, 0, RNG_LOAD_KINDS - 1), true);
            sched_state_copy(&base, gen);
            run_init(&run, g, 0.10, "constraints");
            run.p.mode = mode;
            run.p.max_migrations = rng_int(&rng, 0, 3);
            /* about one relay in eight fixed, one worker in eight excluded */
            for (int i = 0; i < gen->n_relays && run.p.n_fixed < SCHED_MAX_FIXED; i++)
                if (rng_unit(&rng) < 0.125) {
                    run.p.fixed_relays[run.p.n_fixed++] = gen->relays[i].id;
                    fixed_dirs += VIO4WD_DIR_COUNT;
                }
            for (int w = 0; w < gen->n_workers; w++)
                if (rng_unit(&rng) < 0.125)
                    run.p.excluded_cpus[run.p.n_excluded++] = gen->workers[w];
            for (int step = 0; step < 12; step++) {
                struct sched_state st;
                struct sched_decision d;
                int counted;
                /* large changes, so that plans want more than the budget */
                scale_loads(&base, gen, &rng, 0.6);
                gen->t = step;
                run_step(&run, gen, &st, &d);
                counted = check_constraints(g, &st, &run.p, &d);
                migrations += counted;
                at_budget += run.p.max_migrations > 0 && counted == run.p.max_migrations;
                decisions++;
                sched_decision_free(&d);
                sched_state_free(&st);
            }
            runs++;
            run_free(&run);
            sched_state_free(&base);
            state_release(gen);
        }
        gen_topo_free(g);
    }
    printf("constraints: %d runs (spread and pack) x 12 steps of +-60%% loads, %d fixed "
           "directions, budgets 0-3: %d decisions, %d migrations, %d decisions used a whole "
           "budget of 1-3; no fixed relay moved, no excluded or reserved worker touched\n",
           runs, fixed_dirs, decisions, migrations, at_budget);
    CHECK(at_budget > 0, "no decision reached its budget: the test shows nothing");
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* ---- issue 11, item 3: the hysteresis' memory ------------------------- */

/* The hysteresis bars run on every topology above plus the 24-node
 * synthetic machine of issue 11 (192 PUs, the shape of the large exports
 * the scheduler was replayed on), at the product's defaults. */
#define BIG_TOPO     "pack:2 group:12 [numa] core:4 pu:2"
#define N_HYST_TOPOS (N_XML + N_SYNTH + 1)
#define URGENT_LOAD  0.9
/* The noise and diurnal bars give each ILP stage 20 ms, not 100: they are
 * about when to act, the ILP's last percent does not change that (a
 * coarser first placement only makes the noise bar harder), and the
 * suite must stay fast. */
#define HYST_TIME_LIMIT_S 0.02

/* VIO4WD_ONLY_TOPO=substring: one machine, to look into a failure (the
 * others are freed and skipped). */
static bool skip_topo(struct gen_topo *g)
{
    const char *only = getenv("VIO4WD_ONLY_TOPO");
    if (only == NULL || strstr(g->name, only) != NULL)
        return false;
    gen_topo_free(g);
    return true;
}

static bool load_hyst_topos(struct gen_topo *topos, int *n)
{
    if (!load_topos(topos, n))
        return false;
    if (!gen_topo_load(&topos[*n], BIG_TOPO)) {
        printf("FAIL: synthetic topology %s did not load\n", BIG_TOPO);
        return false;
    }
    (*n)++;
    return true;
}

/* Stationary +-5% noise, 200 steps, 16 seeds per topology, from a random
 * placement: the first decision rebalances it; nothing may move after. */
#define NOISE_SEEDS 16
#define NOISE_STEPS 200

static int test_noise(uint64_t seed)
{
    struct gen_topo topos[N_HYST_TOPOS];
    int nt, runs = 0, first = 0, after = 0;

    if (!load_hyst_topos(topos, &nt))
        return 1;
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        int topo_after = 0, topo_runs = 0;
        if (skip_topo(g))
            continue;
        for (int s = 0; s < NOISE_SEEDS; s++) {
            struct sched_state *gen = state_alloc(), base;
            struct rng rng;
            struct run run;
            rng_seed(&rng, seed * 1000003u + (uint64_t)s * 101u + (uint64_t)t);
            series_setup(&rng, g, gen, s % 2 ? 3 : 0, true);
            sched_state_copy(&base, gen);
            run_init(&run, g, -1.0, "noise");
            run.p.time_limit_s = HYST_TIME_LIMIT_S;
            for (int step = 0; step < NOISE_STEPS; step++) {
                struct sched_state st;
                struct sched_decision d;
                scale_loads(&base, gen, &rng, 0.05);
                gen->t = step;
                run_step(&run, gen, &st, &d);
                if (getenv("VERBOSE") && getenv("VERBOSE")[0] == '2')
                    for (int k = 0; k < d.n_nodes; k++)
                        if (d.nodes[k].hysteresis.valid && d.nodes[k].hysteresis.excess > 0)
                            fprintf(stderr,
                                    "%s seed %d step %d node %d: %s; excess %.3f "
                                    "noise %.3f\n",
                                    g->name, s, step, d.nodes[k].numa, d.nodes[k].reason,
                                    d.nodes[k].hysteresis.excess, d.nodes[k].hysteresis.noise);
                if (d.act && step == 0) {
                    first += d.n_moves;
                } else if (d.act) {
                    topo_after += d.n_moves;
                    if (getenv("VERBOSE"))
                        for (int k = 0; k < d.n_nodes; k++)
                            if (d.nodes[k].act)
                                fprintf(stderr, "%s seed %d step %d node %d: %s\n", g->name, s,
                                        step, d.nodes[k].numa, d.nodes[k].reason);
                }
                sched_decision_free(&d);
                sched_state_free(&st);
            }
            topo_runs++;
            run_free(&run);
            sched_state_free(&base);
            state_release(gen);
        }
        printf("  %-45s %3d runs: %d migrations after the first plan\n", g->name, topo_runs,
               topo_after);
        CHECK(topo_after == 0, "%s: %d migrations after the first plan under +-5%% noise", g->name,
              topo_after);
        after += topo_after;
        runs += topo_runs;
        gen_topo_free(g);
    }
    printf("noise: %d runs (%d topologies x %d seeds) x %d steps of +-5%% noise: %d moves in "
           "the first plans, %d migrations after them\n",
           runs, nt, NOISE_SEEDS, NOISE_STEPS, first, after);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* Per node group, base loads scaled to mean per worker m (the groups'
 * relays by their NUMA node's first local group). */
static void scale_to_mean(const struct gen_topo *g, struct sched_state *st, const int *m_per_node,
                          double mean)
{
    for (int k = 0; k < g->n_nodes; k++) {
        double sum = 0.0;
        for (int i = 0; i < st->n_relays; i++)
            if (gen_numa_group(g, st->relays[i].numa) == k)
                sum += st->relays[i].load[0] + st->relays[i].load[1];
        for (int i = 0; i < st->n_relays && sum > 0.0; i++)
            if (gen_numa_group(g, st->relays[i].numa) == k)
                for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                    st->relays[i].load[dir] *= mean * m_per_node[k] / sum;
    }
}

/* Workers above URGENT_LOAD after d while another worker local to one of
 * their directions could take that direction and stay at or below it. */
static int urgent_left(const struct gen_topo *g, const struct sched_state *st,
                       const struct sched_decision *d, const double *wl)
{
    int n = 0;

    for (int a = 0; a < st->n_workers; a++) {
        bool room = false;
        if (wl[a] <= URGENT_LOAD + EPS)
            continue;
        for (int i = 0; i < st->n_relays && !room; i++)
            for (int dir = 0; dir < VIO4WD_DIR_COUNT && !room; dir++) {
                const struct sched_relay *r = &st->relays[i];
                if (cpu_after(d, r, dir) != st->workers[a])
                    continue;
                for (int b = 0; b < st->n_workers && !room; b++)
                    room = b != a && gen_cpu_local(g, st->workers[b], r->numa) &&
                           wl[b] + r->load[dir] <= URGENT_LOAD + EPS;
            }
        n += room;
    }
    return n;
}

/* A flash crowd: loads at 0.72 core per worker on average (near-identical
 * directions, 4 per worker), +-5% noise;
 * at step 10 the directions of each group's busiest worker grow until
 * that worker carries 0.95 (under the old overload level of 1.0, within
 * the old 25% of a bound near 0.78). Within 2 intervals (the decisions of
 * steps 10 and 11) and until the end, no worker may stay above 0.9 while
 * a local worker has room for one of its directions. */
#define FLASH_REPS  3
#define FLASH_STEPS 20
#define FLASH_AT    10
#define FLASH_BASE  0.72
#define FLASH_PEAK  0.95

static int test_flash(uint64_t seed)
{
    struct gen_topo topos[N_HYST_TOPOS];
    struct rng rng;
    int nt, runs = 0, late = 0, relieved_in[3] = {0}, crowded = 0;

    if (!load_hyst_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        for (int rep = 0; rep < FLASH_REPS; rep++) {
            struct sched_state *gen = state_alloc(), base;
            int m_per_node[GEN_MAX_NODES], n_relays[GEN_MAX_NODES], relief = -1;
            double *wl;
            struct run run;

            pick_workers(&rng, g, 4, 16, gen, m_per_node);
            for (int k = 0; k < g->n_nodes; k++)
                n_relays[k] = m_per_node[k] * 2 < 64 ? m_per_node[k] * 2 : 64;
            /* near-identical relays: no single direction fills a core,
             * so relief is always possible and the bar measures the rule */
            make_relays(&rng, g, n_relays, 0, 2, false, gen);
            scale_to_mean(g, gen, m_per_node, FLASH_BASE);
            sched_state_copy(&base, gen);
            run_init(&run, g, -1.0, "flash");
            wl = calloc((size_t)gen->n_workers, sizeof(double));
            for (int step = 0; step < FLASH_STEPS; step++) {
                struct sched_state st;
                struct sched_decision d;
                int left;

                if (step == FLASH_AT) {
                    /* the busiest worker of each group, on base loads */
                    for (int i = 0; i < run.rp.mapping.n_relays; i++)
                        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                            run.rp.mapping.relays[i].load[dir] = base.relays[i].load[dir];
                    worker_loads(&run.rp.mapping, NULL, wl);
                    for (int k = 0; k < g->n_nodes; k++) {
                        int hot = -1;
                        for (int w = 0; w < gen->n_workers; w++)
                            if (gen_cpu_group(g, run.rp.mapping.workers[w]) == k &&
                                (hot < 0 || wl[w] > wl[hot]))
                                hot = w;
                        if (hot < 0 || wl[hot] <= 0.0)
                            continue;
                        crowded++;
                        for (int i = 0; i < run.rp.mapping.n_relays; i++)
                            for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                                if (run.rp.mapping.relays[i].cpu[dir] ==
                                    run.rp.mapping.workers[hot])
                                    base.relays[i].load[dir] *= FLASH_PEAK / wl[hot];
                    }
                }
                scale_loads(&base, gen, &rng, 0.05);
                gen->t = step;
                run_step(&run, gen, &st, &d);
                worker_loads(&st, &d, wl);
                left = step >= FLASH_AT ? urgent_left(g, &st, &d, wl) : 0;
                if (step >= FLASH_AT && relief < 0 && left == 0)
                    relief = step - FLASH_AT + 1;
                if (step > FLASH_AT)
                    CHECK(left == 0,
                          "%s rep %d: step %d (interval %d of the crowd): %d worker(s) "
                          "above %.2f while a local worker has room",
                          g->name, rep, step, step - FLASH_AT + 1, left, URGENT_LOAD);
                sched_decision_free(&d);
                sched_state_free(&st);
            }
            if (relief >= 1 && relief <= 2)
                relieved_in[relief]++;
            else
                late++;
            runs++;
            free(wl);
            run_free(&run);
            sched_state_free(&base);
            state_release(gen);
        }
        gen_topo_free(g);
    }
    printf("flash: %d runs, %d crowded workers (each to %.2f core, %.2f per worker before): "
           "relieved in the 1st interval %d, in the 2nd %d, later or never %d\n",
           runs, crowded, FLASH_PEAK, FLASH_BASE, relieved_in[1], relieved_in[2], late);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

/* A day of diurnal load where relays peak at different hours (phases
 * spread over +-6 h, 15% of the peak at night), +-5% noise, 15-minute
 * intervals, on the test topologies (not the 24-node machine: its 24
 * classes solve for a minute here, and the noise bar covers it). Issue
 * 11's bar: the makespan after each decision within 10% of the bound
 * (the largest of the classes' lower bounds) in at least 90% of the
 * intervals, with at most 2x the migrations per hour of the rule before
 * issue 11 at its defaults (DIURNAL_OLD_*: main at 0db0995, seed 1).
 * Met at the defaults, which hold the tolerance band (--tolerance 0.05,
 * model/hysteresis.h): plans move only the few directions that bring a
 * class within 5% of its bound, and a class out of the band beyond its
 * noise in two intervals running is rebalanced. That alone: 78.1% of the
 * intervals at 3.45 migrations per hour (seed 1). Acting on the first
 * interval out of the band gave 92% at 4.3 per hour, but then single
 * noisy samples of the stability bar (+-5%, 4,400 decisions) moved
 * directions. What meets the bar is the trend (sched/hysteresis.c fits
 * each direction's load over the 12 intervals before the latest): a class
 * whose busiest worker rises over its bound by more than 4 standard
 * deviations of the fitted rate acts as soon as one more interval at that
 * rate would take it above the band, without waiting for a second sample
 * out; and a band re-plan solves for the loads one interval on, so it
 * stays in the band longer. Seed 1: 92.3% at 3.98 per hour (seeds 2 and
 * 3: 92.0% at 3.55, 93.7% at 3.83). Tried and rejected: the trend of the
 * class's own makespan over its bound (too noisy: 77.7%); fitting the
 * slope through the latest sample (the busiest worker is high by chance
 * there: 45 migrations on the noise bar at 3 deviations); 3 deviations
 * without it (4-25 there); 8 samples (86-89% at 4); re-plans tighter than
 * the band (2%: 80.4% at 5.33/h, 0%: 82.1% at 7.37/h); solving 2 or 4
 * intervals ahead (fewer migrations, but the plan is off now: 87-89% and
 * 77%); band plans never worse than greedy's makespan (95.5% at 8.85/h:
 * greedy, a fresh placement, is often inside the band, and matching it
 * moves most of the class).
 * Without the band (--tolerance 0: the accumulator rule alone) the day
 * stays within 10% in only 25.9% of the intervals at 1.99 per hour, and
 * no rule that waits for a gain to last can do much better within the
 * budget: acting on every gain (each decision from a fresh memory with
 * --min-gain 0, the ceiling) is within 10% in 100% of the intervals, but
 * at about 41 migrations per hour; the loads drift out of 10% within a
 * few intervals of each rebalance, and at +-5% noise 10% of a makespan of
 * 0.2-0.6 core is within what the noise allowance must ignore.
 * Asserted: the defaults meet the bar within the budget and do at least
 * as well as no band; the ceiling shows the bound is reachable (by the
 * solver and when acting on it); no band stays no worse than the rule
 * before issue 11. */
#define DIURNAL_STEPS  96
#define DIURNAL_STEP_H 0.25
#define DIURNAL_PEAK   0.65 /* mean load per worker if all peaked at once */
#ifndef DIURNAL_PHASE_H
#define DIURNAL_PHASE_H 6.0 /* relays peak within +-6 h of noon */
#endif
/* vio4wd before issue 11 (instant rule: 25% relative and 0.05 core, main
 * at 0db0995), on this same trace and solver limit, seed 1: within 10% of
 * the bound in 20.8% of the intervals, 2.33 migrations per simulated hour */
#define DIURNAL_OLD_WITHIN   0.208
#define DIURNAL_OLD_PER_HOUR 2.33

/* One machine's day: what the scheduler reached, and the solver's answers.
 * always_act: the ceiling -- every decision starts from a fresh memory
 * (the rule's first-decision case) with --min-gain 0, so any plan that
 * gains at all is applied, with no hysteresis. */
struct diurnal_figures {
    int within;        /* intervals with the makespan within 10% of the bound */
    int solver_within; /* ... with each class at its solver's answer */
    int migrations;    /* after the first decision */
    int plans;         /* classes' plans applied, after the first
                        * decision */
    int over_greedy;   /* ... with a makespan above greedy's from
                        * scratch (the solver's report) */
    double worst_over; /* the largest makespan / greedy's among them */
    int least_over;    /* ... whose solver's least makespan was above
                        * greedy's (never, if the solver keeps its word) */
};

static void diurnal_day(struct gen_topo *g, struct rng *rng, bool always_act, double tolerance,
                        struct diurnal_figures *f)
{
    struct sched_state *gen = state_alloc(), peak;
    int m_per_node[GEN_MAX_NODES], n_relays[GEN_MAX_NODES];
    double *phase;
    struct run run;

    memset(f, 0, sizeof(*f));
    pick_workers(rng, g, 4, 16, gen, m_per_node);
    for (int k = 0; k < g->n_nodes; k++)
        n_relays[k] = m_per_node[k] * 2 < 64 ? m_per_node[k] * 2 : 64;
    make_relays(rng, g, n_relays, 0, 0, false, gen);
    for (int i = 0; i < gen->n_relays; i++)
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            gen->relays[i].load[dir] = 0.5 + rng_unit(rng);
    scale_to_mean(g, gen, m_per_node, DIURNAL_PEAK);
    sched_state_copy(&peak, gen);
    phase = calloc((size_t)gen->n_relays, sizeof(double));
    for (int i = 0; i < gen->n_relays; i++)
        phase[i] = DIURNAL_PHASE_H * (2.0 * rng_unit(rng) - 1.0);
    run_init(&run, g, -1.0, always_act ? "diurnal-always" : "diurnal");
    run.p.time_limit_s = HYST_TIME_LIMIT_S;
    if (tolerance >= 0.0)
        run.p.tolerance = tolerance;
    if (always_act)
        run.p.min_gain = 0.0;
    for (int step = 0; step < DIURNAL_STEPS; step++) {
        struct sched_state st;
        struct sched_decision d;
        double h = step * DIURNAL_STEP_H, lb = 0.0, solver = 0.0;

        for (int i = 0; i < gen->n_relays; i++) {
            double share = 0.15 + 0.85 * (1.0 - cos(2.0 * M_PI * (h - phase[i]) / 24.0)) / 2.0;
            for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
                gen->relays[i].load[dir] =
                    peak.relays[i].load[dir] * share * (1.0 + 0.05 * (2.0 * rng_unit(rng) - 1.0));
        }
        gen->t = h * 3600.0;
        if (always_act) {
            sched_hysteresis_free(run.rp.memory);
            run.rp.memory = NULL;
        }
        run_step(&run, gen, &st, &d);
        /* a class not solved keeps its placement: its makespan is the
         * current one, which the screen found within the noise of its bound */
        for (int k = 0; k < d.n_nodes; k++) {
            lb = fmax(lb, d.nodes[k].lower_bound);
            solver = fmax(solver, d.nodes[k].makespan);
            if (!d.nodes[k].act || step == 0)
                continue;
            f->plans++;
            f->least_over += d.nodes[k].least_makespan > d.nodes[k].greedy_makespan + EPS;
            if (d.nodes[k].makespan > d.nodes[k].greedy_makespan + EPS) {
                f->over_greedy++;
                f->worst_over =
                    fmax(f->worst_over, d.nodes[k].makespan / d.nodes[k].greedy_makespan);
            }
        }
        f->within += d.makespan <= 1.1 * lb + EPS;
        f->solver_within += solver <= 1.1 * lb + EPS;
        if (d.act && step > 0)
            f->migrations += d.n_migrations;
        sched_decision_free(&d);
        sched_state_free(&st);
    }
    free(phase);
    run_free(&run);
    sched_state_free(&peak);
    state_release(gen);
}

static int test_diurnal(uint64_t seed)
{
    struct gen_topo topos[N_XML + N_SYNTH];
    struct rng rng;
    struct diurnal_figures sum = {0}, ceil_sum = {0}, no_band = {0};
    int nt, intervals = 0, topos_run = 0;

    if (!load_topos(topos, &nt))
        return 1;
    rng_seed(&rng, seed);
    for (int t = 0; t < nt; t++) {
        struct gen_topo *g = &topos[t];
        struct diurnal_figures f, c, b;
        struct rng same = rng, again = rng;

        if (skip_topo(g))
            continue;
        diurnal_day(g, &same, true, -1.0, &c);
        diurnal_day(g, &again, false, 0.0, &b);
        diurnal_day(g, &rng, false, -1.0, &f);
        printf("  %-45s within 10%% of the bound %5.1f%% of the day, %d migrations "
               "(no band: %5.1f%%, %d; always acting: %5.1f%%, %d)\n",
               g->name, 100.0 * f.within / DIURNAL_STEPS, f.migrations,
               100.0 * b.within / DIURNAL_STEPS, b.migrations, 100.0 * c.within / DIURNAL_STEPS,
               c.migrations);
        no_band.within += b.within;
        no_band.migrations += b.migrations;
        intervals += DIURNAL_STEPS;
        topos_run++;
        sum.within += f.within;
        sum.solver_within += f.solver_within;
        sum.migrations += f.migrations;
        sum.plans += f.plans;
        sum.over_greedy += f.over_greedy;
        sum.worst_over = fmax(sum.worst_over, f.worst_over);
        sum.least_over += f.least_over;
        ceil_sum.within += c.within;
        ceil_sum.solver_within += c.solver_within;
        ceil_sum.migrations += c.migrations;
        gen_topo_free(g);
    }
    int days = topos_run ? topos_run : 1;
    double per_hour = sum.migrations / (24.0 * days);
    intervals = intervals ? intervals : 1;
    printf("diurnal: %d topologies x 24 h in %d steps: makespan within 10%% of the bound in "
           "%.1f%% of the intervals (the solver's answers: %.1f%%); %.2f migrations per "
           "simulated hour per machine (before issue 11: %.2f)\n",
           topos_run, DIURNAL_STEPS, 100.0 * sum.within / intervals,
           100.0 * sum.solver_within / intervals, per_hour, DIURNAL_OLD_PER_HOUR);
    printf("  ceiling, acting on every gain: %.1f%% of the intervals within 10%% (the solver's "
           "answers: %.1f%%), %.2f migrations per hour\n",
           100.0 * ceil_sum.within / intervals, 100.0 * ceil_sum.solver_within / intervals,
           ceil_sum.migrations / (24.0 * days));
    double no_band_per_hour = no_band.migrations / (24.0 * days);
    /* the band's price, by design: a greedy placement from scratch may
     * be tighter than the band's few moves reach, at the cost of moving
     * most of the class */
    printf("  classes' plans applied %d, of which above greedy's makespan from scratch %d "
           "(worst %.3fx greedy's); the solver's least makespan above greedy's: %d\n",
           sum.plans, sum.over_greedy, sum.worst_over, sum.least_over);
    printf("  without the band (--tolerance 0): %.1f%% of the intervals within 10%%, %.2f "
           "migrations per hour\n",
           100.0 * no_band.within / intervals, no_band_per_hour);
    printf("  issue 11's bar, 90%% of the intervals within 10%% of the bound: %s at the defaults, "
           "%s without the band\n",
           sum.within >= 0.9 * intervals ? "met" : "NOT met",
           no_band.within >= 0.9 * intervals ? "met" : "NOT met");
    /* the figures depend a little on the solver's wall-clock limits, so
     * on a busy machine they move; and only the whole set of topologies
     * is the bar (VIO4WD_TOPOLOGIES may hold fewer) */
    if (topos_run == nt)
        CHECK(sum.within >= 0.9 * intervals - EPS,
              "makespan within 10%% of the bound in %.1f%% of the intervals, short of issue "
              "11's 90%%",
              100.0 * sum.within / intervals);
    CHECK(per_hour <= 2.0 * DIURNAL_OLD_PER_HOUR + EPS,
          "%.2f migrations per hour, more than 2x the %.2f before issue 11", per_hour,
          DIURNAL_OLD_PER_HOUR);
    CHECK(sum.least_over == 0, "%d plans whose solver's least makespan was above greedy's",
          sum.least_over);
    if (topos_run == nt)
        CHECK(ceil_sum.within >= 0.9 * intervals && ceil_sum.solver_within >= 0.9 * intervals,
              "acting on every gain, within 10%% of the bound in %.1f%% of the intervals (the "
              "solver's answers: %.1f%%): the ceiling is under issue 11's 90%%",
              100.0 * ceil_sum.within / intervals, 100.0 * ceil_sum.solver_within / intervals);
    if (topos_run == nt) {
        CHECK(sum.within >= no_band.within,
              "within 10%% in %.1f%% of the intervals, fewer than without the band (%.1f%%)",
              100.0 * sum.within / intervals, 100.0 * no_band.within / intervals);
        /* 2 points of slack, as above */
        CHECK(no_band.within >= (DIURNAL_OLD_WITHIN - 0.02) * intervals - EPS,
              "without the band, within 10%% of the bound in %.1f%% of the intervals, fewer "
              "than the old rule's %.1f%% - 2",
              100.0 * no_band.within / intervals, 100.0 * DIURNAL_OLD_WITHIN);
    }
    CHECK(no_band_per_hour <= 2.0 * DIURNAL_OLD_PER_HOUR + EPS,
          "without the band: %.2f migrations per hour, more than 2x the %.2f before issue 11",
          no_band_per_hour, DIURNAL_OLD_PER_HOUR);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(
            stderr,
            "usage: %s instances|stability|reaction|economy|numa|pack|constraints|noise|flash|diurnal [SEED [N]]\n",
            argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "instances") == 0)
        return test_instances(seed, argc > 3 ? atoi(argv[3]) : 20);
    if (strcmp(argv[1], "stability") == 0)
        return test_stability(seed);
    if (strcmp(argv[1], "reaction") == 0)
        return test_reaction(seed);
    if (strcmp(argv[1], "economy") == 0)
        return test_economy(seed);
    if (strcmp(argv[1], "numa") == 0)
        return test_numa(seed);
    if (strcmp(argv[1], "pack") == 0)
        return test_pack(seed);
    if (strcmp(argv[1], "constraints") == 0)
        return test_constraints(seed);
    if (strcmp(argv[1], "noise") == 0)
        return test_noise(seed);
    if (strcmp(argv[1], "flash") == 0)
        return test_flash(seed);
    if (strcmp(argv[1], "diurnal") == 0)
        return test_diurnal(seed);
    fprintf(stderr, "unknown test '%s'\n", argv[1]);
    return 2;
}
