/* SPDX-License-Identifier: BSD-3-Clause */
/* model/ pack mode and operator constraints (issue 13): the fewest
 * workers at or below the target, pack's apply rule and its hysteresis,
 * fixed jobs, excluded and reserved workers, the migration budget. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model/assign.h"
#include "model/pack.h"
#include "model/plan.h"

#define N 12
#define M 6

struct fixture {
    struct model_job jobs[N];
    struct model_worker workers[M];
    struct model_problem pb;
};

/* N jobs of `load` on one node, job j on worker j % M (or nowhere). */
static void fixture_init(struct fixture *f, double load, bool placed)
{
    memset(f, 0, sizeof(*f));
    for (int w = 0; w < M; w++)
        f->workers[w] = (struct model_worker){.cpu = w, .numa = 0, .core = w};
    for (int j = 0; j < N; j++)
        f->jobs[j] = (struct model_job){.load = load, .numa = 0, .current = placed ? j % M : -1};
    f->pb = (struct model_problem){f->jobs, N, f->workers, M};
}

static void solve(struct fixture *f, double target, int max_moves, struct model_solution *s)
{
    struct model_assign_params p;
    model_assign_defaults(&p);
    p.pack_target = target;
    p.max_moves = max_moves;
    assert_int_equal(model_assign(&f->pb, &p, s, NULL, 0), MODEL_OK);
}

static double worker_load(const struct fixture *f, const int *worker, int w)
{
    double sum = 0.0;
    for (int j = 0; j < N; j++)
        if (worker[j] == w)
            sum += f->jobs[j].load;
    return sum;
}

/* The rule's cases, solved at the parking level as the scheduler does:
 * 12 x 0.1, one job a worker two by two (6 workers at 0.2: 2 would do),
 * or after a rise (8 on worker 0, at 0.8; 4 on worker 1). */
static void rule_case(struct fixture *f, bool rise, const struct model_pack_params *kp,
                      struct model_solution *s)
{
    fixture_init(f, 0.1, true);
    for (int j = 0; rise && j < N; j++)
        f->jobs[j].current = j < 8 ? 0 : 1;
    solve(f, kp->target * (1 - kp->park_margin), -1, s);
}

/* 12 x 0.1 at target 0.7: two workers (0.6 each), four parked. */
static void test_fewest_workers(void **state)
{
    struct fixture f;
    struct model_solution s;
    (void)state;
    fixture_init(&f, 0.1, false);
    solve(&f, 0.7, -1, &s);
    assert_int_equal(model_active_workers(&f.pb, s.worker), 2);
    for (int w = 0; w < M; w++)
        assert_true(worker_load(&f, s.worker, w) <= 0.7 + 1e-9);
    assert_int_equal(model_workers_needed(&f.pb, 0.7), 2);
    model_solution_free(&s);

    /* spread, the default, uses them all */
    struct model_assign_params p;
    model_assign_defaults(&p);
    assert_int_equal(model_assign(&f.pb, &p, &s, NULL, 0), MODEL_OK);
    assert_int_equal(model_active_workers(&f.pb, s.worker), M);
    model_solution_free(&s);
}

/* Pack's rule: parks when the plan stays under target x (1 - margin),
 * not when it would sit between that and the target (hysteresis). */
static void test_rule_parks_with_margin(void **state)
{
    struct fixture f;
    struct model_solution s;
    struct model_plan plan;
    struct model_pack_params kp;
    (void)state;
    model_pack_defaults(&kp);
    rule_case(&f, false, &kp, &s);
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_OK);
    assert_true(plan.act);
    assert_int_equal(model_active_workers(&f.pb, s.worker), 2);
    assert_non_null(strstr(plan.reason, "parks 4 worker"));
    model_plan_free(&plan);
    model_solution_free(&s);

    /* 12 x 0.11 = 1.32: two workers at 0.66 fit the target but not the
     * parking level 0.63: no parking */
    fixture_init(&f, 0.11, true);
    solve(&f, kp.target, -1, &s);
    assert_int_equal(model_active_workers(&f.pb, s.worker), 2);
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_OK);
    assert_false(plan.act);
    model_plan_free(&plan);
    model_solution_free(&s);
}

/* A worker above the target is relieved at once, even for a small gain. */
static void test_rule_relieves_rise(void **state)
{
    struct fixture f;
    struct model_solution s;
    struct model_plan plan;
    struct model_pack_params kp;
    (void)state;
    model_pack_defaults(&kp);
    rule_case(&f, true, &kp, &s);
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_OK);
    assert_true(plan.act);
    assert_true(plan.new_makespan <= kp.target);
    model_plan_free(&plan);
    model_solution_free(&s);
}

/* Fixed jobs stay, excluded workers keep theirs and take none, reserved
 * workers shed what is not fixed; in spread and in pack. */
static void test_fixed_excluded_reserved(void **state)
{
    (void)state;
    for (int pack = 0; pack < 2; pack++) {
        struct fixture f;
        struct model_solution s;
        fixture_init(&f, 0.1, true);
        for (int j = 0; j < N; j++)
            f.jobs[j].current = 0; /* all on 0 */
        f.jobs[0].fixed = true;    /* job 0 holds worker 0 */
        f.workers[0].reserved = true;
        f.jobs[1].current = 5;
        f.workers[5].excluded = true; /* job 1 stays on 5 */
        solve(&f, pack ? 0.63 : 0.0, -1, &s);
        assert_int_equal(s.worker[0], 0);
        assert_int_equal(s.worker[1], 5);
        for (int j = 2; j < N; j++) {
            assert_int_not_equal(s.worker[j], 0);
            assert_int_not_equal(s.worker[j], 5);
        }
        model_solution_free(&s);
    }
}

/* The budget: at most k jobs leave their worker, and the makespan is the
 * best k moves reach; placing homeless jobs is free. */
static void test_budget(void **state)
{
    (void)state;
    for (int budget = 0; budget <= 4; budget++) {
        struct fixture f;
        struct model_solution s;
        int moved = 0;
        fixture_init(&f, 0.1, true);
        for (int j = 0; j < N; j++)
            f.jobs[j].current = j < 10 ? 0 : -1;
        solve(&f, 0.0, budget, &s);
        for (int j = 0; j < 10; j++)
            moved += s.worker[j] != 0;
        assert_true(moved <= budget);
        /* worker 0 keeps 10 - budget jobs at best */
        assert_true(worker_load(&f, s.worker, 0) <= (10 - budget) * 0.1 + 1e-9);
        for (int j = 10; j < N; j++)
            assert_true(s.worker[j] >= 0);
        model_solution_free(&s);
    }
}

/* The floor (--pack-keep): a share of the most workers active over the
 * last one or two windows, rounded up. */
static void test_floor_memory(void **state)
{
    struct model_pack_memory m = {0};
    (void)state;
    assert_int_equal(model_pack_floor(&m, 0.5), 0); /* nothing seen yet */
    model_pack_remember(&m, 1, 0.0, 100.0);
    model_pack_remember(&m, 7, 10.0, 100.0);
    model_pack_remember(&m, 2, 20.0, 100.0);
    assert_int_equal(model_pack_floor(&m, 0.5), 4); /* 3.5 rounded up */
    assert_int_equal(model_pack_floor(&m, 0.0), 0);
    assert_int_equal(model_pack_floor(&m, 1.0), 7);
    /* the next window still knows the peak ... */
    model_pack_remember(&m, 2, 150.0, 100.0);
    assert_int_equal(model_pack_floor(&m, 0.5), 4);
    /* ... the one after forgets it */
    model_pack_remember(&m, 2, 260.0, 100.0);
    assert_int_equal(model_pack_floor(&m, 0.5), 1);
    /* two windows without a decision forget everything before */
    model_pack_remember(&m, 6, 270.0, 100.0);
    model_pack_age(&m, 500.0, 100.0);
    assert_int_equal(model_pack_floor(&m, 1.0), 0);
    model_pack_remember(&m, 1, 500.0, 100.0);
    assert_int_equal(model_pack_floor(&m, 1.0), 1);
    /* a clock that goes back restarts the memory */
    model_pack_remember(&m, 3, 0.0, 100.0);
    assert_int_equal(model_pack_floor(&m, 1.0), 3);
}

/* The rule never parks below min_active, and relief never waits for it. */
static void test_rule_keeps_floor(void **state)
{
    struct fixture f;
    struct model_solution s;
    struct model_plan plan;
    struct model_pack_params kp;
    (void)state;
    model_pack_defaults(&kp);
    rule_case(&f, false, &kp, &s);
    assert_int_equal(model_active_workers(&f.pb, s.worker), 2);
    kp.min_active = 3;
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_OK);
    assert_false(plan.act);
    assert_non_null(strstr(plan.reason, "below the 3 kept"));
    model_plan_free(&plan);
    kp.min_active = 2; /* down to the floor is fine */
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_OK);
    assert_true(plan.act);
    model_plan_free(&plan);
    model_solution_free(&s);

    /* a worker at 0.8 is relieved even onto fewer workers than the floor */
    rule_case(&f, true, &kp, &s);
    kp.min_active = 5;
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_OK);
    assert_true(plan.act);
    model_plan_free(&plan);
    model_solution_free(&s);

    kp.min_active = -1;
    assert_int_equal(model_pack_plan(&f.pb, &s, &kp, false, &plan, NULL, 0), MODEL_EINVAL);
}

/* The solver's floor: it parks none below pack_min_workers, and moves no
 * more than that needs (the surplus workers' jobs only). */
static void test_solver_min_workers(void **state)
{
    struct fixture f;
    struct model_solution s;
    struct model_assign_params p;
    int moved = 0;
    (void)state;
    fixture_init(&f, 0.1, true); /* 6 workers at 0.2 */
    model_assign_defaults(&p);
    p.pack_target = 0.63;
    p.pack_min_workers = 4;
    assert_int_equal(model_assign(&f.pb, &p, &s, NULL, 0), MODEL_OK);
    assert_int_equal(model_active_workers(&f.pb, s.worker), 4);
    for (int j = 0; j < N; j++)
        moved += s.worker[j] != f.jobs[j].current;
    assert_int_equal(moved, 4);
    model_solution_free(&s);

    p.pack_min_workers = 99; /* more than the node has: all of them */
    assert_int_equal(model_assign(&f.pb, &p, &s, NULL, 0), MODEL_OK);
    assert_int_equal(model_active_workers(&f.pb, s.worker), M);
    model_solution_free(&s);

    p.pack_min_workers = -1;
    assert_int_equal(model_assign(&f.pb, &p, &s, NULL, 0), MODEL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fewest_workers),
        cmocka_unit_test(test_rule_parks_with_margin),
        cmocka_unit_test(test_rule_relieves_rise),
        cmocka_unit_test(test_fixed_excluded_reserved),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_floor_memory),
        cmocka_unit_test(test_rule_keeps_floor),
        cmocka_unit_test(test_solver_min_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
