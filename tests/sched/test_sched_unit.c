/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for sched/: the trace reader, the decision step, the load
 * tracker (smoothing) and the option parser. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "decide.h"
#include "hysteresis.h"
#include "model/topology.h"
#include "options.h"
#include "replay.h"
#include "trace.h"
#include "tracker.h"

/* Two packages, one NUMA node each, two cores of two hyperthreads:
 * node 0 = PUs 0-3 (cores {0,1} {2,3}), node 1 = PUs 4-7. */
#define TOPO "pack:2 [numa] core:2 pu:2"

static struct model_topology *topo;

static int setup(void **state)
{
    char err[256];
    (void)state;
    return model_topology_load(TOPO, 0, &topo, err, sizeof(err)) == MODEL_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    model_topology_free(topo);
    return 0;
}

static int parse(const char *line, struct sched_state *st, char *err, size_t errlen)
{
    return trace_parse_line(line, strlen(line), 7.0, st, err, errlen);
}

/* ---- trace ------------------------------------------------------------ */

static void trace_minimal(void **state)
{
    struct sched_state st;
    char err[256];
    (void)state;

    assert_int_equal(
        parse("{\"t\": 1.5, \"workers\": [1, 2], \"relays\": [{\"id\": 3, \"numa\": 0, "
              "\"cpu\": {\"vf_to_vm\": 1, \"vm_to_vf\": 2}, \"load\": {\"vf_to_vm\": "
              "0.25, \"vm_to_vf\": 0.5}}]}\n",
              &st, err, sizeof(err)),
        1);
    assert_true(st.t == 1.5);
    assert_int_equal(st.n_workers, 2);
    assert_int_equal(st.workers[1], 2);
    assert_int_equal(st.n_relays, 1);
    assert_int_equal(st.relays[0].id, 3);
    assert_int_equal(st.relays[0].numa, 0);
    assert_int_equal(st.relays[0].cpu[VIO4WD_DIR_VF_TO_VM], 1);
    assert_int_equal(st.relays[0].cpu[VIO4WD_DIR_VM_TO_VF], 2);
    assert_true(st.relays[0].load[VIO4WD_DIR_VF_TO_VM] == 0.25);
    assert_true(st.relays[0].load[VIO4WD_DIR_VM_TO_VF] == 0.5);
    sched_state_free(&st);
}

/* What vio4wd-stats --json may add: rates, counters, worker objects,
 * nested objects; a missing numa or t, a null CPU. */
static void trace_stats_output(void **state)
{
    struct sched_state st;
    char err[256];
    (void)state;

    assert_int_equal(parse("{\"version\": 1, \"tsc_hz\": 2000000000, \"workers\": [{\"cpu\": 4, "
                           "\"numa\": 1, \"load\": 0.4}, {\"cpu\": 6}], \"relays\": [{\"id\": 0, "
                           "\"active\": true, \"vf\": \"net_null0\", \"cpu\": {\"vf_to_vm\": 4, "
                           "\"vm_to_vf\": null}, \"load\": {\"vf_to_vm\": 0.1}, \"rates\": "
                           "{\"vf_to_vm\": {\"pps\": 1e6, \"bps\": [1, 2]}}, \"counters\": {}, "
                           "\"vm_to_vf\": {\"rx_pkts\": 5, \"demand\": 0.75}}], "
                           "\"extra\": [[[]]]}",
                           &st, err, sizeof(err)),
                     1);
    assert_true(st.t == 7.0);
    assert_int_equal(st.n_workers, 2);
    assert_int_equal(st.workers[0], 4);
    assert_int_equal(st.relays[0].numa, -1);
    assert_int_equal(st.relays[0].cpu[VIO4WD_DIR_VM_TO_VF], -1);
    assert_true(st.relays[0].load[VIO4WD_DIR_VF_TO_VM] == 0.1);
    assert_true(st.relays[0].load[VIO4WD_DIR_VM_TO_VF] == 0.75); /* the demand */
    sched_state_free(&st);
}

static void trace_blank_and_comments(void **state)
{
    struct sched_state st;
    char err[256];
    (void)state;
    assert_int_equal(parse("", &st, err, sizeof(err)), 0);
    assert_int_equal(parse("  \t\r\n", &st, err, sizeof(err)), 0);
    assert_int_equal(parse("# a comment {", &st, err, sizeof(err)), 0);
}

static void expect_bad(const char *line, const char *needle)
{
    struct sched_state st;
    char err[256] = "";
    int rc = parse(line, &st, err, sizeof(err));
    if (rc != -1 || strstr(err, needle) == NULL)
        fail_msg("line %s: rc %d, err '%s', expected '%s'", line, rc, err, needle);
}

static void trace_errors(void **state)
{
    (void)state;
    expect_bad("{\"workers\": [1], \"relays\": [", "not JSON");
    expect_bad("{\"workers\": [1], \"relays\": []} x", "trailing text");
    expect_bad("[1, 2]", "expected a JSON object");
    expect_bad("{\"relays\": []}", "\"workers\" is missing");
    expect_bad("{\"workers\": [1]}", "\"relays\" is missing");
    expect_bad("{\"workers\": 1, \"relays\": []}", "\"workers\": expected an array");
    expect_bad("{\"workers\": [-1], \"relays\": []}", "workers[0]");
    expect_bad("{\"workers\": [{\"load\": 1}], \"relays\": []}", "without \"cpu\"");
    expect_bad("{\"workers\": [1], \"relays\": {}}", "expected an array of objects");
    expect_bad("{\"workers\": [1], \"relays\": [{}]}", "relays[0].id is missing");
    expect_bad("{\"workers\": [1], \"relays\": [{\"id\": 0}, {\"id\": 0}]}", "listed twice");
    expect_bad("{\"workers\": [1], \"relays\": [{\"id\": 0, \"load\": {\"vm_to_vf\": -0.1}}]}",
               "negative");
    expect_bad("{\"workers\": [1], \"relays\": [{\"id\": 0, \"load\": {\"vm_to_vf\": \"x\"}}]}",
               "expected a number");
    expect_bad("{\"workers\": [1], \"relays\": [{\"id\": 0, \"cpu\": {\"vm_to_vf\": 1.5}}]}",
               "not an integer");
    expect_bad("{\"workers\": [1], \"relays\": [{\"id\": 0, \"cpu\": 3}]}", "must be an object");
    expect_bad("{\"t\": \"now\", \"workers\": [1], \"relays\": []}", "\"t\"");
    expect_bad("{\"workers\": [1e300], \"relays\": []}", "workers[0]");
}

static void trace_reader_names_the_line(void **state)
{
    char path[] = "/tmp/vio4wd-trace-XXXXXX", err[256];
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w+");
    struct trace_reader r;
    struct sched_state st;
    (void)state;

    fputs("# header\n{\"workers\": [1], \"relays\": []}\n\n{\"workers\": [1]}\n", fp);
    rewind(fp);
    trace_reader_init(&r, fp, "t.jsonl");
    assert_int_equal(trace_next(&r, &st, err, sizeof(err)), 1);
    assert_true(st.t == 2.0); /* no t: the line number */
    sched_state_free(&st);
    assert_int_equal(trace_next(&r, &st, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "t.jsonl:4: \"relays\" is missing"));
    trace_reader_free(&r);
    fclose(fp);
    unlink(path);
}

/* ---- decide ----------------------------------------------------------- */

static struct sched_state make_state(const int *workers, int nw, const struct sched_relay *r,
                                     int nr)
{
    struct sched_state st = {0};
    st.workers = malloc(sizeof(int) * (size_t)nw);
    st.relays = malloc(sizeof(*r) * (size_t)(nr ? nr : 1));
    memcpy(st.workers, workers, sizeof(int) * (size_t)nw);
    if (nr)
        memcpy(st.relays, r, sizeof(*r) * (size_t)nr);
    st.n_workers = nw;
    st.n_relays = nr;
    return st;
}

static struct sched_params params(void)
{
    struct sched_params p;
    sched_params_defaults(&p);
    return p;
}

/* Applies d's moves to st, as the relay would. */
static void apply_moves(struct sched_state *st, const struct sched_decision *d)
{
    for (int k = 0; k < d->n_moves; k++)
        for (int i = 0; i < st->n_relays; i++)
            if (st->relays[i].id == d->moves[k].relay)
                st->relays[i].cpu[d->moves[k].dir] = d->moves[k].to;
}

/* Pack's floor (--pack-keep): after a peak on 4 workers, a load that one
 * worker carries parks down to 2 (half the peak) and holds there, or
 * down to 1 with --pack-keep 0; two days later the peak is forgotten. */
static void decide_pack_floor(void **state)
{
    int w[] = {0, 1, 2, 3};
    (void)state;

    for (int keep = 0; keep < 2; keep++) {
        struct sched_relay r[4];
        struct sched_state st;
        struct sched_params p = params();
        struct sched_hysteresis *mem = sched_hysteresis_new();
        struct sched_decision d;
        char err[256];

        for (int i = 0; i < 4; i++) /* 0.6 a worker: all 4 needed */
            r[i] = (struct sched_relay){.id = i, .numa = 0, .cpu = {i, i}, .load = {0.3, 0.3}};
        st = make_state(w, 4, r, 4);
        p.mode = SCHED_MODE_PACK;
        p.pack_keep = keep ? 0.5 : 0.0;
        assert_true(params().pack_keep == 0.5); /* the default */
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
        assert_int_equal(d.n_parked, 0);
        sched_decision_free(&d);
        for (int i = 0; i < 4; i++) /* 0.4 in all: one worker would do */
            st.relays[i].load[0] = st.relays[i].load[1] = 0.05;
        for (int step = 1; step <= 2; step++) {
            st.t = 3600.0 * step;
            assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
            assert_int_equal(d.n_parked, keep ? 2 : 3);
            assert_true(d.act == (step == 1));
            apply_moves(&st, &d);
            sched_decision_free(&d);
        }
        st.t = 3 * 86400.0;
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
        assert_int_equal(d.n_parked, 3);
        sched_decision_free(&d);
        p.pack_keep = 1.5;
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "pack keep 1.5 must be in [0, 1]"));
        sched_hysteresis_free(mem);
        sched_state_free(&st);
    }
}

static void decide_unknown_worker(void **state)
{
    int w[] = {0, 99};
    struct sched_state st = make_state(w, 2, NULL, 0);
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    (void)state;

    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "worker cpu 99 is not in the topology"));
    sched_state_free(&st);
}

/* A relay CPU the topology lacks is an error naming relay, direction and
 * CPU; one that is merely not a worker is "not placed yet". */
static void decide_unknown_relay_cpu(void **state)
{
    int w[] = {0, 2};
    struct sched_relay r[] = {
        {.id = 4, .numa = 0, .cpu = {0, 999}, .load = {0.1, 0.1}},
    };
    struct sched_state st = make_state(w, 2, r, 1);
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    (void)state;

    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "relay 4 vm_to_vf: cpu 999 is not in the topology"));
    st.relays[0].cpu[VIO4WD_DIR_VM_TO_VF] = 5000;
    st.relays[0].cpu[VIO4WD_DIR_VF_TO_VM] = 5000;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "relay 4 vf_to_vm: cpu 5000"));
    st.relays[0].cpu[VIO4WD_DIR_VM_TO_VF] = 3; /* in the topology, not a worker */
    st.relays[0].cpu[VIO4WD_DIR_VF_TO_VM] = -1;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_int_equal(d.n_moves, 2);
    sched_decision_free(&d);
    sched_state_free(&st);
}

/* An empty trace, or one with only comments, is an error naming the line
 * where a state was expected, not a silent success. */
static void replay_empty_trace(void **state)
{
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"", "t.jsonl:1: end of the trace, but no state line before it (the trace is empty)"},
        {"# header\n\n# more\n", "t.jsonl:4: end of the trace, but no state line before it "
                                 "(only blank lines and comments)"},
    };
    struct sched_params p = params();
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256] = "";
        /* fmemopen refuses a size of 0: the empty trace is /dev/null */
        FILE *in = cases[i].text[0] == '\0'
                       ? fopen("/dev/null", "r")
                       : fmemopen((void *)cases[i].text, strlen(cases[i].text), "r");
        assert_non_null(in);
        assert_int_equal(replay_run(in, "t.jsonl", NULL, topo, &p, NULL, NULL, err, sizeof(err)),
                         -1);
        if (strstr(err, cases[i].needle) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].needle);
        fclose(in);
    }
}

static void decide_keeps_numa(void **state)
{
    int w[] = {0, 2, 4, 6};
    /* both relays on node 1, everything on cpu 4: only cpu 6 may help */
    struct sched_relay r[] = {
        {.id = 0, .numa = 1, .cpu = {4, 4}, .load = {0.4, 0.4}},
        {.id = 1, .numa = 1, .cpu = {4, 4}, .load = {0.4, 0.4}},
    };
    struct sched_state st = make_state(w, 4, r, 2);
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    (void)state;

    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_int_equal(d.n_nodes, 2);
    assert_int_equal(d.nodes[1].numa, 1);
    assert_true(d.nodes[1].act);
    assert_int_equal(d.n_moves, 2);
    for (int k = 0; k < d.n_moves; k++)
        assert_int_equal(d.moves[k].to, 6);
    assert_true(d.makespan < 0.81 && d.current_makespan > 1.59);
    sched_decision_free(&d);

    /* --global-numa-opt: the node-0 workers may help too */
    p.global_numa = true;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_int_equal(d.n_nodes, 1);
    assert_int_equal(d.nodes[0].numa, -1);
    assert_true(d.makespan < 0.41);
    sched_decision_free(&d);
    sched_state_free(&st);
}

/* Two relays on workers 0 and 2, 0.45 each: balanced. */
static struct sched_state balanced_pair(void)
{
    int w[] = {0, 2};
    struct sched_relay r[] = {
        {.id = 0, .numa = 0, .cpu = {0, 0}, .load = {0.25, 0.2}},
        {.id = 1, .numa = 0, .cpu = {2, 2}, .load = {0.2, 0.25}},
    };
    return make_state(w, 2, r, 2);
}

/* balanced_pair()'s loads drift to 0.65 vs 0.30: a plan at 0.50 for two
 * migrations. */
static void drift_apart(struct sched_state *st)
{
    st->relays[0].load[0] = 0.35;
    st->relays[0].load[1] = 0.3;
    st->relays[1].load[0] = 0.1;
    st->relays[1].load[1] = 0.2;
}

static void decide_hysteresis(void **state)
{
    int w[] = {0, 2};
    /* 0.50 vs 0.40: the bound (0.45) is within the noise and min_gain, so
     * no plan can pay, and the bound says so without a solve */
    struct sched_relay r[] = {
        {.id = 0, .numa = 0, .cpu = {0, 0}, .load = {0.3, 0.2}},
        {.id = 1, .numa = 0, .cpu = {2, 2}, .load = {0.2, 0.2}},
    };
    struct sched_state st = make_state(w, 2, r, 2);
    struct sched_params p = params();
    struct sched_hysteresis *mem = sched_hysteresis_new();
    struct sched_decision d;
    char err[256];
    (void)state;

    /* the first decision has no measure of the noise: it solves */
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    assert_false(d.nodes[0].solved);
    assert_int_equal(d.n_moves, 0);
    assert_true(d.nodes[0].hysteresis.valid);
    assert_string_equal(d.nodes[0].hysteresis.why, "no-gain");
    sched_decision_free(&d);
    sched_hysteresis_free(mem);
    sched_state_free(&st);
}

/* With memory and no tolerance band (--tolerance 0): a moderate
 * imbalance (0.65 vs 0.30, a plan at 0.50 for two migrations) does not
 * act on its first sample, but pays within a few intervals once it has
 * lasted; the sum is in the node's report. With the band (the default)
 * it is a drift (decide_drift). */
static void decide_sustained(void **state)
{
    struct sched_state st = balanced_pair();
    struct sched_params p = params();
    struct sched_hysteresis *mem = sched_hysteresis_new();
    struct sched_decision d;
    char err[256];
    int acted_at = -1;
    (void)state;

    assert_true(p.tolerance == 0.05); /* the default band */
    p.tolerance = 0.0;
    assert_non_null(mem);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    drift_apart(&st);
    for (int i = 1; i <= 10 && acted_at < 0; i++) {
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
        if (d.act) {
            acted_at = i;
            assert_string_equal(d.nodes[0].hysteresis.why, "paid");
            assert_true(d.nodes[0].hysteresis.accumulated > d.nodes[0].hysteresis.threshold);
            assert_true(d.makespan <= 0.5 + 1e-9);
        } else {
            /* the first sample's changes still read as noise */
            assert_true(strcmp(d.nodes[0].hysteresis.why, "accumulating") == 0 ||
                        strcmp(d.nodes[0].hysteresis.why, "no-gain") == 0);
        }
        sched_decision_free(&d);
    }
    assert_true(acted_at > 1);
    sched_hysteresis_free(mem);
    sched_state_free(&st);
}

/* A plan the relay refused leaves the imbalance in place: after
 * sched_hysteresis_undo the next decision acts again at once, where a
 * reset accumulator would wait for the excess to build up anew. */
static void decide_undo(void **state)
{
    struct sched_state st = balanced_pair();
    struct sched_params p = params();
    struct sched_hysteresis *mem = sched_hysteresis_new();
    struct sched_decision d;
    char err[256];
    bool acted = false;
    (void)state;

    p.tolerance = 0.0; /* the accumulator's path, as decide_sustained */
    assert_non_null(mem);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    sched_decision_free(&d);
    drift_apart(&st);
    for (int i = 0; i < 10 && !acted; i++) {
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
        acted = d.act;
        sched_decision_free(&d);
    }
    assert_true(acted);
    /* not applied: the loads stay where they were */
    assert_true(sched_hysteresis_undo(mem));
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_string_equal(d.nodes[0].hysteresis.why, "paid");
    sched_decision_free(&d);
    sched_hysteresis_free(mem);
    sched_state_free(&st);
}

/* A class whose load is now mostly on directions the memory has never
 * seen (the guests were replaced) starts its memory again: the same
 * imbalance as decide_drift acts at its first sample as a first plan
 * would (why "first"), with the tight plan, where the same relays under
 * their old ids wait (decide_drift). */
static void decide_new_wave(void **state)
{
    struct sched_state st = balanced_pair();
    struct sched_params p = params();
    struct sched_hysteresis *mem = sched_hysteresis_new();
    struct sched_decision d;
    char err[256];
    (void)state;

    assert_non_null(mem);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
        assert_false(d.act);
        sched_decision_free(&d);
    }
    drift_apart(&st);
    /* relay 1 alone is new: 0.3 of 0.95, the memory holds */
    st.relays[1].id = 11;
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    st.relays[0].id = 10;
    st.relays[1].id = 21;
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_string_equal(d.nodes[0].hysteresis.why, "first");
    assert_true(d.makespan <= 0.5 + 1e-9);
    sched_decision_free(&d);
    sched_hysteresis_free(mem);
    sched_state_free(&st);
}

/* The tolerance band: the same imbalance as decide_sustained (0.65 vs
 * 0.30 over a bound of 0.475) is a drift out of the band at --tolerance
 * 0.05, and acts on its second sample. The placement it
 * leaves (0.5 vs 0.45, the best there is) is kept. */
static void decide_drift(void **state)
{
    struct sched_state st = balanced_pair();
    struct sched_params p = params();
    struct sched_hysteresis *mem = sched_hysteresis_new();
    struct sched_decision d;
    char err[256];
    (void)state;

    p.tolerance = 0.05;
    assert_non_null(mem);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    drift_apart(&st);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_string_equal(d.nodes[0].hysteresis.why, "drift");
    assert_true(d.makespan <= 0.5 + 1e-9);
    assert_int_equal(d.n_migrations, 2);
    sched_apply_moves(&st, &d);
    sched_decision_free(&d);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
        assert_false(d.act);
        sched_decision_free(&d);
    }
    sched_hysteresis_free(mem);
    sched_state_free(&st);
}

/* Two light directions sharing a worker: splitting them halves the
 * makespan but buys 0.03 of a core: with --min-gain 0.05 that is noise;
 * at the default 0.02 a first decision splits them. */
static void decide_min_gain(void **state)
{
    int w[] = {0, 2};
    struct sched_relay r[] = {
        {.id = 0, .numa = 0, .cpu = {2, 2}, .load = {0.03, 0.03}},
    };
    struct sched_state st = make_state(w, 2, r, 1);
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    (void)state;

    p.min_gain = 0.05;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    assert_non_null(strstr(d.nodes[0].reason, "no plan gains more than the noise"));
    sched_decision_free(&d);

    p.min_gain = 0.02;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_int_equal(d.n_moves, 1);
    assert_int_equal(d.moves[0].from, 2);
    assert_int_equal(d.moves[0].to, 0);
    sched_decision_free(&d);

    p.min_gain = -1.0;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "minimum gain -1 must be >= 0"));
    sched_state_free(&st);
}

static void decide_places_and_spreads(void **state)
{
    int w[] = {0, 1, 2, 3};
    /* two loaded directions on a node with two idle physical cores: they
     * must not share one core's hyperthreads */
    struct sched_relay r[] = {
        {.id = 5, .numa = 0, .cpu = {-1, -1}, .load = {0.5, 0.0}},
        {.id = 6, .numa = 0, .cpu = {-1, -1}, .load = {0.5, 0.0}},
    };
    struct sched_state st = make_state(w, 4, r, 2);
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    int cpu5 = -1, cpu6 = -1;
    (void)state;

    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_int_equal(d.n_moves, 4);
    for (int k = 0; k < d.n_moves; k++) {
        assert_int_equal(d.moves[k].from, -1);
        if (d.moves[k].dir == VIO4WD_DIR_VF_TO_VM)
            *(d.moves[k].relay == 5 ? &cpu5 : &cpu6) = d.moves[k].to;
    }
    assert_true(cpu5 >= 0 && cpu6 >= 0);
    assert_int_not_equal(cpu5 / 2, cpu6 / 2); /* cores {0,1} and {2,3} */
    sched_apply_moves(&st, &d);
    assert_int_equal(st.relays[0].cpu[VIO4WD_DIR_VF_TO_VM], cpu5);
    sched_decision_free(&d);
    sched_state_free(&st);
}

/* Urgent relief: a worker pushed to 0.95 acts at its second decision
 * above 0.9, whatever the migrations cost. */
static void decide_urgent(void **state)
{
    int w[] = {0, 2};
    struct sched_relay r[] = {
        {.id = 0, .numa = 0, .cpu = {0, 0}, .load = {0.3, 0.3}},
        {.id = 1, .numa = 0, .cpu = {2, 2}, .load = {0.3, 0.3}},
    };
    struct sched_state st = make_state(w, 2, r, 2);
    struct sched_params p = params();
    struct sched_hysteresis *mem = sched_hysteresis_new();
    struct sched_decision d;
    char err[256];
    (void)state;

    p.sensitivity = 10.0; /* no plan pays: only urgency acts */
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    st.relays[0].load[0] = 0.5;
    st.relays[0].load[1] = 0.45;
    st.relays[1].load[0] = 0.25;
    st.relays[1].load[1] = 0.25;
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_false(d.act);
    sched_decision_free(&d);
    assert_int_equal(sched_decide(&st, topo, &p, mem, &d, err, sizeof(err)), 0);
    assert_true(d.act);
    assert_string_equal(d.nodes[0].hysteresis.why, "urgent");
    assert_true(d.makespan <= 0.85 + 1e-9);
    sched_decision_free(&d);
    sched_hysteresis_free(mem);
    sched_state_free(&st);
}

/* The memory: a prior of 5% of the load, the noise of second
 * differences (a trend is not noise), each load's fitted trend, a jump
 * taken as a new level, classes by NUMA node. */
static void hysteresis_memory(void **state)
{
    struct sched_hysteresis *h = sched_hysteresis_new();
    double sd, trend_sd = 0.0;
    (void)state;

    assert_non_null(h);
    sched_hysteresis_begin(h);
    assert_true(fabs(sched_hysteresis_observe(h, 7, 0, 0.4) - 0.02) < 1e-12);
    /* +-0.01 alternating: second differences of 0.04, variance 0.0016/6;
     * the same noise on a trend of 0.02 a decision reads the same (first
     * differences would read 0.04 and 0: sd 0.02) */
    for (int i = 0; i < 200; i++) {
        sched_hysteresis_begin(h);
        sd = sched_hysteresis_observe(h, 7, 0, i % 2 ? 0.41 : 0.39);
        trend_sd = sched_hysteresis_observe(h, 8, 0, 0.2 + 0.02 * i + (i % 2 ? 0.01 : -0.01));
    }
    assert_true(fabs(sd - sqrt(0.0016 / 6.0)) < 1e-3);
    assert_true(fabs(trend_sd - sd) < 1e-3);
    /* the trend: fitted over the 12 loads before the latest, its noise
     * that of one sample over sqrt(143) (sum of (i - 5.5)^2); the
     * alternating noise leaves 0.06 / 143 of slope */
    double slope_sd, slope = sched_hysteresis_slope(h, 8, 0, &slope_sd);
    assert_true(fabs(slope - 0.02) < 5e-4);
    assert_true(fabs(slope_sd - sd / sqrt(143.0)) < 1e-4);
    assert_true(slope > 4.0 * slope_sd);
    slope = sched_hysteresis_slope(h, 7, 0, &slope_sd);
    assert_true(fabs(slope) < slope_sd);
    /* a flash crowd: the level moves, the noise estimate does not; the
     * trend starts again from the new level */
    sched_hysteresis_begin(h);
    assert_true(fabs(sched_hysteresis_observe(h, 7, 0, 0.9) - sd) < 1e-9);
    assert_true(sched_hysteresis_slope(h, 7, 0, &slope_sd) == 0.0);
    assert_true(fabs(slope_sd - sd) < 1e-9);
    assert_true(sched_hysteresis_slope(h, 99, 0, &slope_sd) == 0.0); /* never seen */
    /* many relays come and go: the table keeps working */
    for (int round = 0; round < 40; round++) {
        sched_hysteresis_begin(h);
        for (int id = 0; id < 100; id++)
            assert_true(sched_hysteresis_observe(h, round * 100 + id, id % 2, 0.1) >= 0.0);
    }
    assert_ptr_equal(sched_hysteresis_class(h, 3), sched_hysteresis_class(h, 3));
    assert_ptr_not_equal(sched_hysteresis_class(h, 3), sched_hysteresis_class(h, -1));
    sched_hysteresis_free(h);
}

static void decide_numa_without_workers(void **state)
{
    int w[] = {0, 2};
    /* relay 0's memory is on node 1, which has no worker here: it stays
     * on the node it runs on, and the decision says so */
    struct sched_relay r[] = {
        {.id = 0, .numa = 1, .cpu = {0, 0}, .load = {0.5, 0.5}},
    };
    struct sched_state st = make_state(w, 2, r, 1);
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    (void)state;

    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_non_null(strstr(d.notes, "relay 0: NUMA node 1 is local to no worker, kept on the "
                                    "workers of node(s) 0"));
    assert_true(d.act);
    assert_int_equal(d.n_moves, 1);
    assert_int_equal(d.moves[0].to, 2);
    sched_decision_free(&d);
    sched_state_free(&st);
}

/* KNL SNC-4: cluster 0 holds DRAM node 0 and MCDRAM node 7 (PUs 0-3,
 * 16-19, ...), cluster 1 nodes 1 and 4 (PUs 4-7, ...). A relay whose
 * memory is on MCDRAM node 7 may use every cluster-0 worker; one on node 4
 * that runs in cluster 0 is brought home to cluster 1. */
static void decide_numa_sets(void **state)
{
    struct model_topology *knl;
    char path[512], err[256];
    int w[] = {0, 1, 4, 5};
    struct sched_relay r[] = {
        {.id = 0, .numa = 7, .cpu = {0, 0}, .load = {0.5, 0.5}},
        {.id = 1, .numa = 4, .cpu = {1, 1}, .load = {0.1, 0.1}},
    };
    struct sched_state st = make_state(w, 4, r, 2);
    struct sched_params p = params();
    struct sched_decision d;
    (void)state;

    snprintf(path, sizeof(path), "%s/64intel64-fakeKNL-SNC4-hybrid.xml",
             getenv("VIO4WD_TOPOLOGIES"));
    assert_int_equal(model_topology_load(path, 0, &knl, err, sizeof(err)), MODEL_OK);
    assert_int_equal(sched_decide(&st, knl, &p, NULL, &d, err, sizeof(err)), 0);
    assert_string_equal(d.notes, "");
    assert_int_equal(d.n_nodes, 2);
    assert_int_equal(d.nodes[0].numa, 0);
    assert_int_equal(d.nodes[0].local.n, 2);
    assert_int_equal(d.nodes[0].local.numa[1], 7);
    assert_int_equal(d.nodes[1].numa, 1);
    assert_int_equal(d.nodes[1].local.numa[1], 4);
    assert_true(d.act);
    for (int k = 0; k < d.n_moves; k++) {
        if (d.moves[k].relay == 0)
            assert_int_equal(d.moves[k].to, 1); /* 1.0 on cpu 0 split in cluster 0 */
        else
            assert_true(d.moves[k].to == 4 || d.moves[k].to == 5); /* home */
    }
    assert_int_equal(d.n_moves, 3);
    sched_decision_free(&d);
    sched_state_free(&st);
    model_topology_free(knl);
}

/* A deadline too short for any solver: every class keeps the heuristics'
 * answer, never worse than greedy, and the decision says it was cut. */
static void decide_deadline(void **state)
{
    int w[] = {0, 1, 2, 3};
    /* LPT's bad case on 4 workers: greedy 1.02, optimum 1.0 needs the ILP */
    static const double l[] = {0.43, 0.41, 0.4, 0.39, 0.31, 0.3, 0.3, 0.3, 0.27, 0.26, 0.24, 0.23};
    struct sched_relay r[6];
    struct sched_params p = params();
    struct sched_decision d;
    char err[256];
    (void)state;

    for (int i = 0; i < 6; i++)
        r[i] = (struct sched_relay){
            .id = i, .numa = 0, .cpu = {-1, -1}, .load = {l[2 * i], l[2 * i + 1]}};
    struct sched_state st = make_state(w, 4, r, 6);
    assert_true(p.deadline_s == 0.75);
    p.deadline_s = 1e-6;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_true(d.act && d.cut && d.nodes[0].cut);
    assert_true(d.nodes[0].budget_ms == 0.0);
    assert_true(d.makespan <= d.nodes[0].greedy_makespan + 1e-9);
    assert_true(d.deadline_ms == 1e-3);
    sched_decision_free(&d);

    p.deadline_s = 0.0; /* none */
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    assert_false(d.cut);
    assert_true(d.elapsed_ms >= d.nodes[0].solve_ms);
    sched_decision_free(&d);

    p.deadline_s = -1.0;
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "deadline -1 s must be >= 0"));
    sched_state_free(&st);
}

/* ---- tracker: smoothing in front of the decision ----------------------- */

struct fake {
    struct vio4wd_counters_snapshot snap;
    uint64_t tsc;
};

/* Two workers (cpus 0 and 2), two relays; busy cycles advance by
 * load x one second per call. */
static void fake_step(struct fake *f, const double load[2][2])
{
    const uint64_t hz = 1000000000ull;
    f->tsc += hz;
    f->snap.read_tsc = f->tsc;
    for (int r = 0; r < 2; r++)
        for (int d = 0; d < 2; d++) {
            f->snap.relay[r].dir[d].busy_cycles += (uint64_t)(load[r][d] * (double)hz);
            f->snap.relay[r].dir[d].rx_pkts += 1000;
            f->snap.relay[r].dir[d].rx_bursts += 100;
        }
}

static void fake_init(struct fake *f, uint64_t epoch)
{
    memset(f, 0, sizeof(*f));
    f->snap.header.epoch = epoch;
    f->snap.header.tsc_hz = 1000000000ull;
    f->snap.header.state = VIO4WD_CNT_RUNNING;
    f->snap.header.n_workers = 2;
    f->snap.header.max_relays = 4;
    f->snap.worker[0].cpu = 0;
    f->snap.worker[1].cpu = 2;
    for (int r = 0; r < 2; r++) {
        f->snap.relay[r].id = (uint32_t)r;
        f->snap.relay[r].flags = VIO4WD_RELAY_IN_USE | VIO4WD_RELAY_ACTIVE;
        f->snap.relay[r].numa_node = 0;
        for (int d = 0; d < 2; d++)
            f->snap.relay[r].dir[d].cpu = r == 0 ? 0 : 2;
    }
    f->tsc = 1000;
}

/* One interval through tracker and decide; returns 1 act, 0 keep, -1 not
 * ready. Applied moves are written back into the fake relay. */
static int interval(struct tracker *t, struct fake *f, const double load[2][2])
{
    struct sched_state st;
    struct sched_decision d;
    struct sched_params p = params();
    char err[256];
    int ready, act;

    fake_step(f, load);
    ready = tracker_feed_counters(t, &f->snap, &st);
    if (ready != 1) {
        sched_state_free(&st);
        return -1;
    }
    assert_int_equal(sched_decide(&st, topo, &p, NULL, &d, err, sizeof(err)), 0);
    act = d.act;
    for (int k = 0; k < d.n_moves && act; k++)
        f->snap.relay[d.moves[k].relay].dir[d.moves[k].dir].cpu = d.moves[k].to;
    sched_decision_free(&d);
    sched_state_free(&st);
    return act;
}

/* Two relays with the same load, both sending full bursts: relay 1 is
 * saturated and demands more than it measures; relay 0 is held by its rate
 * limit (its excess is counted as rate limited), which is not saturation,
 * so the tracker's demand for it stays at the measurement. */
static void tracker_rate_limited_not_saturated(void **state)
{
    static struct fake f;
    static struct tracker t;
    const double load[2][2] = {{0.4, 0.4}, {0.4, 0.4}};
    struct sched_state st;
    (void)state;

    fake_init(&f, 1);
    tracker_init(&t, 1.0);
    f.snap.relay[0].dir[1].rate_limit_Bps = 1250000;
    for (int i = 0; i < 6; i++) {
        fake_step(&f, load);
        for (int r = 0; r < 2; r++) {
            f.snap.relay[r].dir[1].rx_full_bursts += 100;
            f.snap.relay[r].dir[1].rx_bytes += 64000;
        }
        f.snap.relay[0].dir[1].drop_rl_pkts += 500;
        tracker_feed_counters(&t, &f.snap, &st);
        if (i < 5)
            sched_state_free(&st);
    }
    assert_int_equal(st.n_relays, 2);
    const struct sched_relay *limited = st.relays[0].id == 0 ? &st.relays[0] : &st.relays[1];
    const struct sched_relay *open = st.relays[0].id == 0 ? &st.relays[1] : &st.relays[0];
    assert_true(limited->load[1] > 0.39 && limited->load[1] < 0.41);
    assert_true(open->load[1] > 0.45);
    sched_state_free(&st);
}

static void tracker_noise_and_shift(void **state)
{
    static struct fake f;
    static struct tracker t;
    const double steady[2][2] = {{0.3, 0.3}, {0.3, 0.3}};
    const double spike[2][2] = {{0.95, 0.9}, {0.0, 0.05}};
    const double shifted[2][2] = {{0.6, 0.6}, {0.05, 0.05}};
    (void)state;

    fake_init(&f, 1);
    tracker_init(&t, 1.0);
    assert_int_equal(interval(&t, &f, steady), -1); /* baseline only */
    for (int i = 0; i < 5; i++)
        assert_int_equal(interval(&t, &f, steady), 0);
    /* one wild sample, then back to normal: nothing moves */
    assert_int_equal(interval(&t, &f, spike), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(interval(&t, &f, steady), 0);
    /* a real shift: acted on within two intervals */
    int first = interval(&t, &f, shifted);
    int second = first ? 0 : interval(&t, &f, shifted);
    assert_true(first == 1 || second == 1);
    /* and then it stays put */
    for (int i = 0; i < 10; i++)
        assert_int_equal(interval(&t, &f, shifted), 0);

    /* a new epoch (the relay restarted): estimates start over */
    f.snap.header.epoch = 2;
    assert_int_equal(interval(&t, &f, shifted), -1);
    assert_true(interval(&t, &f, shifted) >= 0);
}

/* ---- options ---------------------------------------------------------- */

static int parse_args(struct sched_options *o, char *err, size_t errlen, ...)
{
    char *argv[32] = {"vio4wd_core_scheduler", "--config", "/dev/null"};
    int argc = 3;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    return sched_options_parse(argc, argv, o, NULL, NULL, err, errlen);
}

static void options_bad_values(void **state)
{
    static struct sched_options o;
    static const struct {
        const char *opt, *val, *needle;
    } cases[] = {
        {"--sensitivity", "-1", "--sensitivity '-1': must be a number >= 0"},
        {"--sensitivity", "abc", "VIO4WD_CORE_SCHED_SENSITIVITY"},
        {"--poll-interval", "0", "--poll-interval '0': must be a number > 0"},
        {"--loglevel", "9", "--loglevel '9'"},
        {"--min-gain", "-0.1", "--min-gain '-0.1': must be a number of cores from 0 to 64"},
        {"--min-gain", "x", "--min-gain 'x'"},
        {"--tolerance", "1.5", "--tolerance '1.5': must be a number from 0 to 1"},
        {"--pack-keep", "1.5", "--pack-keep '1.5': must be a number from 0 to 1"},
        {"--pack-keep", "-0.1", "--pack-keep '-0.1': must be a number from 0 to 1"},
        {"--time-limit-ms", "0", "--time-limit-ms '0': must be a number of milliseconds from 1"},
        {"--deadline-ms", "-5", "--deadline-ms '-5': must be a number of milliseconds from 0"},
        {"--deadline-ms", "1e9", "to 600000"},
        {"--stats-ep", "nowhere", "--stats-ep 'nowhere': not a ZeroMQ endpoint"},
        {"--sched-ep", "http://x", "--sched-ep 'http://x'"},
    };
    char err[512];
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = parse_args(&o, err, sizeof(err), cases[i].opt, cases[i].val, NULL);
        if (rc != SCHED_OPTIONS_BAD || strstr(err, cases[i].needle) == NULL)
            fail_msg("%s %s: rc %d, '%s'", cases[i].opt, cases[i].val, rc, err);
    }
    assert_int_equal(parse_args(&o, err, sizeof(err), "--bogus", NULL), SCHED_OPTIONS_BAD);
    assert_non_null(strstr(err, "unknown option '--bogus'"));
    assert_int_equal(parse_args(&o, err, sizeof(err), "--sensitivity", NULL), SCHED_OPTIONS_BAD);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse_args(&o, err, sizeof(err), "extra", NULL), SCHED_OPTIONS_BAD);
}

static void options_file_then_command_line(void **state)
{
    static struct sched_options o;
    char path[] = "/tmp/vio4wd-sched-conf-XXXXXX", err[512];
    int fd = mkstemp(path);
    char *argv[] = {
        "x",         "--config",    path,     "--sensitivity",   "0.1",  "--global-numa-opt",
        "--dry-run", "--json",      "--once", "--time-limit-ms", "250",  "--min-gain",
        "0.02",      "--tolerance", "0.1",    "--pack-keep",     "0.25", NULL};
    struct sched_params p;
    (void)state;

    dprintf(fd, "VIO4WD_CORE_SCHED_SENSITIVITY=0.5\nVIO4WD_CORE_SCHED_POLL_INTERVAL=2\n"
                "VIRTIOFWD_ZMQ_CORE_SCHED_EP=ipc:///tmp/cs\n");
    close(fd);
    assert_int_equal(sched_options_parse(17, argv, &o, NULL, NULL, err, sizeof(err)),
                     SCHED_OPTIONS_OK);
    assert_true(o.cfg.core_sched_sensitivity == 0.1);   /* command line wins */
    assert_true(o.cfg.core_sched_poll_interval == 2.0); /* from the file */
    assert_string_equal(o.cfg.zmq_core_sched_ep, "ipc:///tmp/cs");
    assert_true(o.cfg.core_sched_global_numa_opt);
    assert_true(o.dry_run && o.json && o.once);
    assert_true(o.time_limit_ms == 250.0);
    sched_options_params(&o, &p);
    assert_true(p.sensitivity == 0.1 && p.min_gain == 0.02 && p.global_numa);
    assert_true(p.tolerance == 0.1);
    assert_true(p.pack_keep == 0.25);
    assert_true(p.time_limit_s == 0.25);
    assert_true(fabs(p.deadline_s - 0.3) < 1e-12); /* 15% of the file's 2 s */
    unlink(path);

    /* a --config that is not there is an error; so is a bad value in it */
    assert_int_equal(sched_options_parse(3, argv, &o, NULL, NULL, err, sizeof(err)),
                     SCHED_OPTIONS_BAD);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    dprintf(fd, "VIO4WD_CORE_SCHED_LOG_LEVEL=12\n");
    close(fd);
    assert_int_equal(sched_options_parse(3, argv, &o, NULL, NULL, err, sizeof(err)),
                     SCHED_OPTIONS_BAD);
    assert_non_null(strstr(err, "VIO4WD_CORE_SCHED_LOG_LEVEL"));
    unlink(path);

    /* defaults */
    assert_int_equal(parse_args(&o, err, sizeof(err), NULL), SCHED_OPTIONS_OK);
    assert_true(o.cfg.core_sched_sensitivity == 0.05);
    assert_true(o.cfg.core_sched_poll_interval == 5.0);
    assert_true(o.time_limit_ms == 100.0);
    assert_true(o.min_gain == 0.02);
    assert_string_equal(o.counters, SCHED_DEFAULT_COUNTERS);
    sched_options_params(&o, &p);
    assert_true(p.deadline_s == 0.75);
    assert_int_equal(parse_args(&o, err, sizeof(err), "--deadline-ms", "200", NULL),
                     SCHED_OPTIONS_OK);
    sched_options_params(&o, &p);
    assert_true(p.deadline_s == 0.2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_minimal),
        cmocka_unit_test(trace_stats_output),
        cmocka_unit_test(trace_blank_and_comments),
        cmocka_unit_test(trace_errors),
        cmocka_unit_test(trace_reader_names_the_line),
        cmocka_unit_test(decide_unknown_worker),
        cmocka_unit_test(decide_unknown_relay_cpu),
        cmocka_unit_test(replay_empty_trace),
        cmocka_unit_test(decide_keeps_numa),
        cmocka_unit_test(decide_hysteresis),
        cmocka_unit_test(decide_drift),
        cmocka_unit_test(decide_new_wave),
        cmocka_unit_test(decide_sustained),
        cmocka_unit_test(decide_undo),
        cmocka_unit_test(decide_min_gain),
        cmocka_unit_test(decide_places_and_spreads),
        cmocka_unit_test(decide_urgent),
        cmocka_unit_test(hysteresis_memory),
        cmocka_unit_test(decide_numa_without_workers),
        cmocka_unit_test(decide_numa_sets),
        cmocka_unit_test(decide_deadline),
        cmocka_unit_test(decide_pack_floor),
        cmocka_unit_test(tracker_noise_and_shift),
        cmocka_unit_test(tracker_rate_limited_not_saturated),
        cmocka_unit_test(options_bad_values),
        cmocka_unit_test(options_file_then_command_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
