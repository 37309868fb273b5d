/* SPDX-License-Identifier: BSD-3-Clause */
/* model/plan: diff into migrations, hysteresis (noise gives no plan),
 * overload and unplaced jobs force a plan, NUMA guard. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_test.h"

#include <stdlib.h>
#include <string.h>

#include "model/plan.h"

#define N 32
#define M 8

struct fixture {
    struct model_job jobs[N];
    struct model_worker workers[M];
    struct model_problem pb;
};

static double rnd(uint64_t *s)
{
    return test_rng_uniform(s);
}

static void fixture_init(struct fixture *f, uint64_t *seed)
{
    memset(f, 0, sizeof(*f));
    for (int w = 0; w < M; w++)
        f->workers[w] = (struct model_worker){.cpu = 2 + w, .numa = 0, .core = w};
    for (int j = 0; j < N; j++)
        f->jobs[j] = (struct model_job){.load = 0.05 + 0.25 * rnd(seed), .numa = 0, .current = -1};
    f->pb = (struct model_problem){f->jobs, N, f->workers, M};
}

/* Place everything fresh, then adopt the answer as the current state. */
static void settle(struct fixture *f)
{
    struct model_solution s;
    struct model_plan plan;

    assert_int_equal(model_assign(&f->pb, NULL, &s, NULL, 0), MODEL_OK);
    assert_int_equal(model_plan_build(&f->pb, &s, NULL, &plan, NULL, 0), MODEL_OK);
    /* Nothing was placed: the plan must act and place everything. */
    assert_true(plan.act);
    assert_int_equal(plan.n_moves, N);
    for (int i = 0; i < plan.n_moves; i++) {
        assert_int_equal(plan.moves[i].from, -1);
        f->jobs[plan.moves[i].job].current = plan.moves[i].to;
    }
    model_plan_free(&plan);
    model_solution_free(&s);
}

/* Stationary load with +-5% noise per sample never produces a plan. */
static void test_noise_gives_no_plan(void **state)
{
    (void)state;
    uint64_t seed = 7;
    struct fixture f;
    double base[N];

    fixture_init(&f, &seed);
    settle(&f);
    for (int j = 0; j < N; j++)
        base[j] = f.jobs[j].load;
    for (int round = 0; round < 40; round++) {
        struct model_solution s;
        struct model_plan plan;
        for (int j = 0; j < N; j++)
            f.jobs[j].load = base[j] * (0.95 + 0.1 * rnd(&seed));
        assert_int_equal(model_assign(&f.pb, NULL, &s, NULL, 0), MODEL_OK);
        assert_int_equal(model_plan_build(&f.pb, &s, NULL, &plan, NULL, 0), MODEL_OK);
        if (plan.act)
            print_message("round %d: %s\n", round, plan.reason);
        assert_false(plan.act);
        assert_int_equal(plan.n_moves, 0);
        assert_null(plan.moves);
        model_plan_free(&plan);
        model_solution_free(&s);
    }
}

/* A real imbalance gives a plan whose moves are exactly the diff. */
static void test_imbalance_gives_plan(void **state)
{
    (void)state;
    uint64_t seed = 11;
    struct fixture f;
    struct model_solution s;
    struct model_plan plan;

    fixture_init(&f, &seed);
    settle(&f);
    /* Everything on worker 0 doubles. */
    for (int j = 0; j < N; j++)
        if (f.jobs[j].current == 0)
            f.jobs[j].load *= 3.0;
    assert_int_equal(model_assign(&f.pb, NULL, &s, NULL, 0), MODEL_OK);
    assert_int_equal(model_plan_build(&f.pb, &s, NULL, &plan, NULL, 0), MODEL_OK);
    assert_true(plan.act);
    assert_true(plan.gain > 0.1);
    assert_true(plan.n_moves > 0);
    assert_int_equal(plan.n_moves, s.migrations);
    for (int i = 0; i < plan.n_moves; i++) {
        const struct model_migration *mv = &plan.moves[i];
        assert_int_equal(mv->from, f.jobs[mv->job].current);
        assert_int_equal(mv->to, s.worker[mv->job]);
        assert_int_not_equal(mv->from, mv->to);
    }
    model_plan_free(&plan);
    model_solution_free(&s);
}

/* Overload forces action even below the sensitivity. */
static void test_overload(void **state)
{
    (void)state;
    struct model_job jobs[3] = {
        {0.7, 0, 0},
        {0.4, 0, 0},
        {0.6, 0, 1},
    };
    struct model_worker workers[2] = {{0, 0, 0}, {1, 0, 1}};
    struct model_problem pb = {jobs, 3, workers, 2};
    struct model_solution s;
    struct model_plan plan;
    struct model_plan_params pp;

    model_plan_defaults(&pp);
    pp.sensitivity = 0.5; /* 1.1 -> 1.0 is only a 9% gain */
    assert_int_equal(model_assign(&pb, NULL, &s, NULL, 0), MODEL_OK);
    assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, NULL, 0), MODEL_OK);
    assert_true(plan.act);
    assert_non_null(strstr(plan.reason, "overloaded"));
    assert_double_equal(plan.current_makespan, 1.1, 1e-9);
    assert_double_equal(plan.new_makespan, 1.0, 1e-9);
    assert_int_equal(plan.n_moves, 1);
    assert_int_equal(plan.moves[0].job, 1);
    model_plan_free(&plan);
    model_solution_free(&s);
}

/* The same 50% relative gain is worth it on busy workers and not on idle
 * ones, where it is a few hundredths of a core of measurement noise. */
static void test_min_gain(void **state)
{
    (void)state;
    struct model_worker workers[2] = {{0, 0, 0}, {1, 0, 1}};
    int both_apart[2] = {0, 1};
    struct model_plan plan;
    struct model_plan_params pp;
    char err[MODEL_ERRMSG_LEN];

    model_plan_defaults(&pp);
    for (int busy = 0; busy < 2; busy++) {
        double load = busy ? 0.3 : 0.02; /* both jobs start on worker 0 */
        struct model_job jobs[2] = {{load, 0, 0}, {load, 0, 0}};
        struct model_problem pb = {jobs, 2, workers, 2};
        struct model_solution s = {.n_jobs = 2, .worker = both_apart, .makespan = load};
        assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, err, sizeof(err)), MODEL_OK);
        assert_double_equal(plan.gain, 0.5, 1e-9);
        if (busy) {
            assert_true(plan.act);
            assert_int_equal(plan.n_moves, 1);
        } else {
            assert_false(plan.act);
            assert_int_equal(plan.n_moves, 0);
            assert_non_null(strstr(plan.reason, "not more than 0.050"));
        }
        model_plan_free(&plan);
    }
    pp.min_gain = -0.1;
    struct model_job jobs[2] = {{0.3, 0, 0}, {0.3, 0, 0}};
    struct model_problem pb = {jobs, 2, workers, 2};
    struct model_solution s = {.n_jobs = 2, .worker = both_apart};
    assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "minimum gain"));
}

/* A hand-made solution that crosses NUMA nodes is refused unless global
 * optimisation is on; a solution of the wrong size is refused too. */
static void test_numa_guard(void **state)
{
    (void)state;
    struct model_job jobs[2] = {{0.5, 0, 0}, {0.5, 0, 0}};
    struct model_worker workers[2] = {{0, 0, 0}, {1, 1, 1}};
    struct model_problem pb = {jobs, 2, workers, 2};
    int cross[2] = {0, 1};
    struct model_solution s = {.n_jobs = 2, .worker = cross};
    struct model_plan plan;
    struct model_plan_params pp;
    char err[MODEL_ERRMSG_LEN];

    model_plan_defaults(&pp);
    assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "NUMA node 1"));
    pp.global_numa = true;
    assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, err, sizeof(err)), MODEL_OK);
    assert_true(plan.act);
    assert_int_equal(plan.n_moves, 1);
    model_plan_free(&plan);

    s.n_jobs = 1;
    assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, err, sizeof(err)), MODEL_EINVAL);
    pp.sensitivity = -1;
    s.n_jobs = 2;
    assert_int_equal(model_plan_build(&pb, &s, &pp, &plan, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "sensitivity"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_gives_no_plan),
        cmocka_unit_test(test_imbalance_gives_plan),
        cmocka_unit_test(test_overload),
        cmocka_unit_test(test_min_gain),
        cmocka_unit_test(test_numa_guard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
