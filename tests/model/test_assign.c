/* SPDX-License-Identifier: BSD-3-Clause */
/* model/assign: hand-made instances with known optima, NUMA, migrations,
 * hyperthreads, upstream greedy, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model/assign.h"

#define EPS 1e-9

/* Up to 64 jobs, 16 workers: one node, worker w on cpu w, own core. */
struct inst {
    struct model_job jobs[64];
    struct model_worker workers[16];
    struct model_problem pb;
};

static void inst_init(struct inst *in, const double *loads, int n, int m)
{
    memset(in, 0, sizeof(*in));
    for (int w = 0; w < m; w++)
        in->workers[w] = (struct model_worker){.cpu = w, .numa = 0, .core = w};
    for (int j = 0; j < n; j++)
        in->jobs[j] = (struct model_job){.load = loads[j], .numa = 0, .current = -1};
    in->pb = (struct model_problem){in->jobs, n, in->workers, m};
}

static struct model_solution solve(const struct inst *in, const struct model_assign_params *p)
{
    struct model_solution sol;
    char err[MODEL_ERRMSG_LEN] = "";
    int ret = model_assign(&in->pb, p, &sol, err, sizeof(err));
    if (ret != MODEL_OK)
        print_message("model_assign: %s\n", err);
    assert_int_equal(ret, MODEL_OK);
    assert_int_equal(sol.n_jobs, in->pb.n_jobs);
    assert_true(sol.lower_bound <= sol.makespan + EPS);
    assert_true(sol.makespan <= sol.greedy_makespan + EPS);
    assert_true(sol.solve_time_s >= 0.0);
    return sol;
}

static void test_perfect_split(void **state)
{
    (void)state;
    const double l[] = {0.5, 0.5, 0.5, 0.5};
    struct inst in;
    inst_init(&in, l, 4, 2);
    struct model_solution s = solve(&in, NULL);
    assert_double_equal(s.makespan, 1.0, EPS);
    assert_double_equal(s.lower_bound, 1.0, EPS);
    assert_true(s.proven);
    model_solution_free(&s);
}

/* LPT's classic bad cases: greedy 0.7 vs 0.6 on 2 cores, and 1.1 vs 0.9
 * on 3 cores. */
static void test_beats_greedy(void **state)
{
    (void)state;
    const double two[] = {0.3, 0.3, 0.2, 0.2, 0.2};
    const double three[] = {0.5, 0.5, 0.4, 0.4, 0.3, 0.3, 0.3};
    struct inst in;

    inst_init(&in, two, 5, 2);
    struct model_solution s = solve(&in, NULL);
    assert_double_equal(s.greedy_makespan, 0.7, EPS);
    assert_double_equal(s.makespan, 0.6, EPS);
    assert_true(s.proven);
    model_solution_free(&s);

    inst_init(&in, three, 7, 3);
    s = solve(&in, NULL);
    assert_double_equal(s.greedy_makespan, 1.1, EPS);
    assert_double_equal(s.makespan, 0.9, EPS);
    assert_double_equal(s.lower_bound, 0.9, EPS);
    model_solution_free(&s);
}

/* Needs the pair bound: 5 jobs of 0.6 on 4 cores.  total/m = 0.75 and the
 * largest job is 0.6, but two of the five must share a core: 1.2. */
static void test_pair_bound(void **state)
{
    (void)state;
    const double l[] = {0.6, 0.6, 0.6, 0.6, 0.6};
    struct inst in;
    inst_init(&in, l, 5, 4);
    struct model_solution s = solve(&in, NULL);
    assert_double_equal(s.makespan, 1.2, EPS);
    assert_double_equal(s.lower_bound, 1.2, EPS);
    assert_true(s.proven);
    assert_int_equal(s.ilp_runs, 0); /* fast path */
    model_solution_free(&s);
}

/* A perfect partition (four cores of exactly 1.0) that greedy misses by
 * 2% and that the local searches do not reach: the ILP has to find it,
 * and the callback's injections must not get in its way. */
static const double ilp_case[] = {0.33, 0.59, 0.34, 0.36, 0.30, 0.29,
                                  0.15, 0.12, 0.37, 0.51, 0.17, 0.47};

static void test_ilp_needed(void **state)
{
    (void)state;
    struct inst in;
    struct model_assign_params p;

    /* A generous limit: the gap test stops the search long before it,
     * and slow runs (valgrind) must still find the optimum. */
    model_assign_defaults(&p);
    p.time_limit_s = 20.0;
    inst_init(&in, ilp_case, 12, 4);
    struct model_solution s = solve(&in, &p);
    assert_double_equal(s.greedy_makespan, 1.02, 1e-9);
    assert_double_equal(s.makespan, 1.0, 1e-9);
    assert_double_equal(s.lower_bound, 1.0, 1e-9);
    assert_true(s.proven);
    assert_true(s.ilp_runs >= 1);
    model_solution_free(&s);
}

/* The same instance without the ILP (a caller out of time, or a node too
 * big for GLPK's memory): the heuristics' answer, never worse than greedy
 * (solve() checks), no ILP run, and the skip is reported. */
static void test_ilp_not_allowed(void **state)
{
    (void)state;
    struct inst in;
    struct model_assign_params p;

    model_assign_defaults(&p);
    assert_true(p.use_ilp);
    assert_int_equal(p.max_ilp_columns, 0);
    inst_init(&in, ilp_case, 12, 4);
    p.use_ilp = false;
    struct model_solution s = solve(&in, &p);
    assert_int_equal(s.ilp_runs, 0);
    assert_true(s.ilp_skipped);
    model_solution_free(&s);

    p.use_ilp = true;
    p.max_ilp_columns = 47; /* 12 jobs x 4 workers = 48 */
    s = solve(&in, &p);
    assert_int_equal(s.ilp_runs, 0);
    assert_true(s.ilp_skipped);
    model_solution_free(&s);

    p.max_ilp_columns = 48;
    p.time_limit_s = 20.0;
    s = solve(&in, &p);
    assert_true(s.ilp_runs >= 1);
    assert_false(s.ilp_skipped);
    assert_double_equal(s.makespan, 1.0, 1e-9);
    model_solution_free(&s);
}

/* GLPK talks on stdout unless told not to; the library must stay silent
 * (the scheduler's stdout may be a JSON stream). */
static void test_silent(void **state)
{
    (void)state;
    struct inst in;
    struct model_assign_params p;
    struct model_solution s;
    FILE *capture = tmpfile();
    int saved;

    assert_non_null(capture);
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(capture), STDOUT_FILENO) >= 0);

    model_assign_defaults(&p);
    p.time_limit_s = 20.0;
    inst_init(&in, ilp_case, 12, 4);
    int ret = model_assign(&in.pb, &p, &s, NULL, 0);
    int runs = s.ilp_runs;
    model_solution_free(&s);
    for (int j = 0; j < 12; j++)
        in.jobs[j].current = (j * 7) % 4;
    int ret2 = model_assign(&in.pb, &p, &s, NULL, 0);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    assert_int_equal(ret, MODEL_OK);
    assert_int_equal(ret2, MODEL_OK);
    assert_true(runs >= 1);
    model_solution_free(&s);
    assert_int_equal(ftell(capture), 0);
    fclose(capture);
}

/* A tiny time limit still gives a valid answer no worse than greedy. */
static void test_tiny_time_limit(void **state)
{
    (void)state;
    struct inst in;
    struct model_assign_params p;
    double l[64];

    for (int j = 0; j < 64; j++)
        l[j] = 0.05 + 0.013 * ((j * 37) % 61);
    model_assign_defaults(&p);
    p.time_limit_s = 1e-4;
    p.moves_time_limit_s = 1e-4;
    inst_init(&in, l, 64, 16);
    struct model_solution s = solve(&in, &p);
    for (int j = 0; j < 64; j++)
        in.jobs[j].current = s.worker[(j + 1) % 64];
    model_solution_free(&s);
    s = solve(&in, &p);
    model_solution_free(&s);
}

static void test_trivial(void **state)
{
    (void)state;
    const double l[] = {0.2, 0.9, 0.4};
    struct inst in;

    inst_init(&in, l, 3, 1);
    struct model_solution s = solve(&in, NULL);
    assert_double_equal(s.makespan, 1.5, EPS);
    for (int j = 0; j < 3; j++)
        assert_int_equal(s.worker[j], 0);
    model_solution_free(&s);

    inst_init(&in, l, 0, 2);
    s = solve(&in, NULL);
    assert_double_equal(s.makespan, 0.0, EPS);
    model_solution_free(&s);

    /* All idle: still every job placed. */
    const double z[] = {0, 0, 0, 0, 0};
    inst_init(&in, z, 5, 3);
    s = solve(&in, NULL);
    assert_double_equal(s.makespan, 0.0, EPS);
    for (int j = 0; j < 5; j++)
        assert_true(s.worker[j] >= 0 && s.worker[j] < 3);
    model_solution_free(&s);
}

/* Jobs stay on their NUMA node; with global optimisation they may not. */
static void test_numa(void **state)
{
    (void)state;
    struct inst in;
    const double l[] = {0.8, 0.8, 0.8, 0.1, 0.1, 0.1};
    struct model_assign_params p;

    inst_init(&in, l, 6, 4);
    in.workers[2].numa = in.workers[3].numa = 1;
    for (int j = 3; j < 6; j++)
        in.jobs[j].numa = 1;
    struct model_solution s = solve(&in, NULL);
    for (int j = 0; j < 6; j++)
        assert_int_equal(in.workers[s.worker[j]].numa, in.jobs[j].numa);
    assert_double_equal(s.makespan, 1.6, EPS);
    assert_double_equal(s.lower_bound, 1.6, EPS);
    model_solution_free(&s);

    model_assign_defaults(&p);
    p.global_numa = true;
    s = solve(&in, &p);
    assert_double_equal(s.makespan, 0.8, EPS);
    model_solution_free(&s);
}

/* A balanced current placement stays put; one overloaded core sheds its
 * smallest sufficient job and nothing else moves. */
static void test_migrations(void **state)
{
    (void)state;
    const double l[] = {0.5, 0.3, 0.2, 0.5, 0.3, 0.2, 0.5, 0.3, 0.2};
    struct inst in;

    inst_init(&in, l, 9, 3);
    for (int j = 0; j < 9; j++)
        in.jobs[j].current = j / 3;
    struct model_solution s = solve(&in, NULL);
    assert_int_equal(s.migrations, 0);
    for (int j = 0; j < 9; j++)
        assert_int_equal(s.worker[j], j / 3);
    model_solution_free(&s);

    /* Worker 0 gets 0.2 too many; worker 1 is 0.2 short. */
    in.jobs[5].current = 0;
    s = solve(&in, NULL);
    assert_double_equal(s.makespan, 1.0, EPS);
    assert_int_equal(s.migrations, 1);
    /* Jobs 2 and 5 are both 0.2 on worker 0: either may go. */
    assert_int_equal(s.worker[2] + s.worker[5], 1);
    assert_true(s.greedy_migrations >= s.migrations);
    model_solution_free(&s);

    /* Unplaced jobs count as migrations and get placed. */
    in.jobs[5].current = -1;
    s = solve(&in, NULL);
    assert_int_equal(s.migrations, 1);
    assert_int_equal(s.worker[5], 1);
    model_solution_free(&s);
}

/* A placement 4% above the bound is inside a 5% tolerance: the tolerant
 * plan keeps it (no move), above greedy's fresh 1.0 by choice, while
 * least_makespan reports what the solver found (never above greedy's).
 * Without the tolerance the plan takes the least makespan, in one move. */
static void test_tolerance(void **state)
{
    (void)state;
    double l[21];
    struct model_assign_params p;
    struct model_solution s;
    char err[MODEL_ERRMSG_LEN] = "";
    struct inst in;

    for (int j = 0; j < 19; j++)
        l[j] = 0.1;
    l[19] = 0.04;
    l[20] = 0.06;
    inst_init(&in, l, 21, 2);
    for (int j = 0; j < 21; j++)
        in.jobs[j].current = j < 10 || j == 19 ? 0 : 1; /* 1.04 and 0.96 */
    model_assign_defaults(&p);
    p.tolerance = 0.05;
    assert_int_equal(model_assign(&in.pb, &p, &s, err, sizeof(err)), MODEL_OK);
    assert_int_equal(s.migrations, 0);
    assert_double_equal(s.makespan, 1.04, EPS);
    assert_double_equal(s.greedy_makespan, 1.0, EPS);
    assert_double_equal(s.least_makespan, 1.0, EPS);
    model_solution_free(&s);

    s = solve(&in, NULL);
    assert_int_equal(s.migrations, 1);
    assert_double_equal(s.makespan, 1.0, EPS);
    assert_double_equal(s.least_makespan, s.makespan, EPS);
    model_solution_free(&s);
}

/* Two physical cores with two threads each: two jobs go to different
 * physical cores. */
static void test_hyperthreads(void **state)
{
    (void)state;
    const double l[] = {0.5, 0.4};
    struct inst in;

    inst_init(&in, l, 2, 4);
    in.workers[0].core = in.workers[1].core = 0;
    in.workers[2].core = in.workers[3].core = 1;
    struct model_solution s = solve(&in, NULL);
    assert_int_not_equal(in.workers[s.worker[0]].core, in.workers[s.worker[1]].core);
    model_solution_free(&s);

    /* Current placement on siblings 0 and 1: moving costs migrations,
     * which rank higher, so the solver keeps it. */
    in.jobs[0].current = 0;
    in.jobs[1].current = 1;
    s = solve(&in, NULL);
    assert_int_equal(s.migrations, 0);
    model_solution_free(&s);

    /* But a job that must move anyway avoids the busy sibling core. */
    in.jobs[1].current = -1;
    s = solve(&in, NULL);
    assert_int_equal(s.worker[0], 0);
    assert_int_equal(in.workers[s.worker[1]].core, 1);
    model_solution_free(&s);
}

/* A heavy direction (above 0.5 core) next to a sibling busier than the
 * node's average (0.3 > 1.0 / 4) while a whole core is idle: the sibling's
 * work trades places with the idle core, at the cost of a migration (the
 * scheduler's hysteresis sends such a trade only with a plan that pays
 * anyway); the makespan does not change. */
static void test_heavy_sibling(void **state)
{
    (void)state;
    const double l[] = {0.7, 0.3};
    struct inst in;

    inst_init(&in, l, 2, 4);
    in.workers[0].core = in.workers[1].core = 0;
    in.workers[2].core = in.workers[3].core = 1;
    in.jobs[0].current = 0;
    in.jobs[1].current = 1;
    struct model_solution s = solve(&in, NULL);
    assert_int_equal(s.worker[0], 0);
    assert_int_equal(in.workers[s.worker[1]].core, 1);
    assert_int_equal(s.migrations, 1);
    assert_double_equal(s.makespan, 0.7, EPS);
    model_solution_free(&s);

    /* at 0.5 the direction is not heavy: migrations rank first */
    in.jobs[0].load = 0.5;
    s = solve(&in, NULL);
    assert_int_equal(s.migrations, 0);
    model_solution_free(&s);
}

/* Upstream greedy: largest first, least loaded worker, lowest index on
 * ties. */
static void test_upstream_greedy(void **state)
{
    (void)state;
    const double l[] = {0.1, 0.3, 0.3, 0.2};
    struct inst in;
    struct model_solution s;

    inst_init(&in, l, 4, 2);
    assert_int_equal(model_assign_greedy(&in.pb, false, &s, NULL, 0), MODEL_OK);
    assert_int_equal(s.worker[1], 0);
    assert_int_equal(s.worker[2], 1);
    assert_int_equal(s.worker[3], 0);
    assert_int_equal(s.worker[0], 1);
    assert_double_equal(s.makespan, 0.5, EPS);
    assert_double_equal(s.greedy_makespan, 0.5, EPS);
    model_solution_free(&s);
}

/* Bad input returns a clear error naming the value, never crashes. */
static void expect_error(const struct model_problem *pb, const struct model_assign_params *p,
                         const char *needle)
{
    struct model_solution s;
    char err[MODEL_ERRMSG_LEN] = "";
    int ret = model_assign(pb, p, &s, err, sizeof(err));
    assert_int_equal(ret, MODEL_EINVAL);
    if (strstr(err, needle) == NULL)
        print_message("message '%s' lacks '%s'\n", err, needle);
    assert_non_null(strstr(err, needle));
    assert_null(s.worker);
}

static void test_bad_input(void **state)
{
    (void)state;
    const double l[] = {0.2, 0.3, 0.4};
    struct inst in;
    struct model_assign_params p;

    inst_init(&in, l, 3, 2);
    in.pb.n_workers = 0;
    expect_error(&in.pb, NULL, "no workers");
    in.pb.n_workers = 2;

    in.jobs[1].load = NAN;
    expect_error(&in.pb, NULL, "nan");
    in.jobs[1].load = -0.25;
    expect_error(&in.pb, NULL, "-0.25");
    in.jobs[1].load = INFINITY;
    expect_error(&in.pb, NULL, "inf");
    in.jobs[1].load = 1e300;
    expect_error(&in.pb, NULL, "1e+300");
    in.jobs[1].load = 0.3;

    in.jobs[2].numa = 3;
    expect_error(&in.pb, NULL, "NUMA node 3");
    model_assign_defaults(&p);
    p.global_numa = true;
    struct model_solution s = solve(&in, &p);
    model_solution_free(&s);
    in.jobs[2].numa = 0;

    in.jobs[0].current = 2;
    expect_error(&in.pb, NULL, "current worker 2");
    in.jobs[0].current = -7;
    expect_error(&in.pb, NULL, "current worker -7");
    in.jobs[0].current = -1;

    in.workers[1].cpu = 0;
    expect_error(&in.pb, NULL, "cpu 0");
    in.workers[1].cpu = 1;

    in.pb.n_jobs = -1;
    expect_error(&in.pb, NULL, "n_jobs = -1");
    in.pb.n_jobs = MODEL_MAX_JOBS + 1;
    expect_error(&in.pb, NULL, "exceeds");
    in.pb.n_jobs = 3;

    model_assign_defaults(&p);
    p.time_limit_s = 0;
    expect_error(&in.pb, &p, "time limit");
    model_assign_defaults(&p);
    p.mip_gap = NAN;
    expect_error(&in.pb, &p, "gap");

    assert_int_equal(model_assign(NULL, NULL, &s, NULL, 0), MODEL_EINVAL);
    assert_int_equal(model_assign(&in.pb, NULL, NULL, NULL, 0), MODEL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perfect_split),
        cmocka_unit_test(test_beats_greedy),
        cmocka_unit_test(test_pair_bound),
        cmocka_unit_test(test_ilp_needed),
        cmocka_unit_test(test_ilp_not_allowed),
        cmocka_unit_test(test_silent),
        cmocka_unit_test(test_tiny_time_limit),
        cmocka_unit_test(test_trivial),
        cmocka_unit_test(test_numa),
        cmocka_unit_test(test_migrations),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_hyperthreads),
        cmocka_unit_test(test_heavy_sibling),
        cmocka_unit_test(test_upstream_greedy),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
