/* SPDX-License-Identifier: BSD-3-Clause */
/* model/assign property tests over seeded random instances: every job is
 * assigned exactly once to a real worker, NUMA is respected, the makespan
 * is never worse than greedy, the bound never exceeds the makespan, and
 * the reported figures match the assignment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/assign.h"

#define INSTANCES 150
#define EPS       1e-9

static double rnd(uint64_t *s)
{
    return test_rng_uniform(s);
}
static int rndi(uint64_t *s, int n)
{
    return (int)(test_rng_next(s) % (uint64_t)n);
}

struct instance {
    int n, m, nodes;
    bool global;
    struct model_job jobs[80];
    struct model_worker workers[24];
    struct model_problem pb;
};

/* Random sizes, 1-3 NUMA nodes each with at least one worker, random load
 * shapes (including zero loads and ties), and a current assignment half
 * of the time (partly stale: some jobs unplaced). */
static void generate(uint64_t *s, struct instance *in)
{
    memset(in, 0, sizeof(*in));
    in->nodes = 1 + rndi(s, 3);
    in->m = in->nodes + rndi(s, 24 - in->nodes + 1);
    in->n = rndi(s, 81);
    in->global = rndi(s, 4) == 0;
    for (int w = 0; w < in->m; w++) {
        in->workers[w].cpu = 100 + w;
        in->workers[w].numa = w < in->nodes ? w : rndi(s, in->nodes);
        /* Pairs of workers share a physical core now and then. */
        in->workers[w].core = rndi(s, 2) ? w / 2 : 1000 + w;
    }
    int shape = rndi(s, 3);
    bool with_current = rndi(s, 2);
    for (int j = 0; j < in->n; j++) {
        struct model_job *jb = &in->jobs[j];
        jb->numa = rndi(s, in->nodes);
        jb->load = shape == 0   ? rnd(s)
                   : shape == 1 ? (rndi(s, 8) == 0 ? 0.6 + 0.3 * rnd(s) : 0.01 + 0.14 * rnd(s))
                                : 0.1 * (double)rndi(s, 4); /* ties and zeros */
        jb->current = -1;
        if (with_current && rndi(s, 10) != 0) {
            /* A worker of the job's node, or anywhere when global. */
            for (int tries = 0; tries < 50; tries++) {
                int w = rndi(s, in->m);
                if (in->global || in->workers[w].numa == jb->numa) {
                    jb->current = w;
                    break;
                }
            }
        }
    }
    in->pb = (struct model_problem){in->jobs, in->n, in->workers, in->m};
}

static void check(const struct instance *in, const struct model_solution *s)
{
    double *wl = calloc((size_t)in->m, sizeof(*wl));
    double ms = 0.0;
    int moves = 0;

    assert_non_null(wl);
    assert_int_equal(s->n_jobs, in->n);
    for (int j = 0; j < in->n; j++) {
        int w = s->worker[j];
        /* Exactly once: one worker index per job, and a real one. */
        assert_true(w >= 0 && w < in->m);
        if (!in->global)
            assert_int_equal(in->workers[w].numa, in->jobs[j].numa);
        wl[w] += in->jobs[j].load;
        moves += w != in->jobs[j].current;
    }
    for (int w = 0; w < in->m; w++)
        if (wl[w] > ms)
            ms = wl[w];
    assert_double_equal(s->makespan, ms, 1e-9);
    assert_int_equal(s->migrations, moves);
    assert_true(s->makespan <= s->greedy_makespan + EPS);
    assert_true(s->lower_bound <= s->makespan + EPS);
    assert_true(s->migrations <= in->n);
    free(wl);
}

static void test_random_instances(void **state)
{
    (void)state;
    uint64_t seed = 20261121;
    struct instance *in = malloc(sizeof(*in));
    struct model_assign_params p;
    char err[MODEL_ERRMSG_LEN];

    assert_non_null(in);
    model_assign_defaults(&p);
    /* Short limits keep the suite fast; properties hold at any limit. */
    p.time_limit_s = 0.02;
    p.moves_time_limit_s = 0.02;
    for (int i = 0; i < INSTANCES; i++) {
        struct model_solution s, g;
        generate(&seed, in);
        p.global_numa = in->global;
        int ret = model_assign(&in->pb, &p, &s, err, sizeof(err));
        if (ret != MODEL_OK)
            print_message("instance %d: %s\n", i, err);
        assert_int_equal(ret, MODEL_OK);
        check(in, &s);

        /* Greedy on its own reports the same greedy makespan. */
        assert_int_equal(model_assign_greedy(&in->pb, in->global, &g, err, sizeof(err)), MODEL_OK);
        assert_double_equal(g.makespan, s.greedy_makespan, 1e-9);
        assert_true(g.lower_bound <= g.makespan + EPS);
        model_solution_free(&s);
        model_solution_free(&g);
    }
    free(in);
}

/* Scaling every load by 4 (exact in binary floating point) scales greedy
 * exactly, and each run's proven bound holds for the other: a cheap check
 * that nothing depends on absolute magnitudes. */
static void test_scale_invariance(void **state)
{
    (void)state;
    uint64_t seed = 42;
    struct instance *in = malloc(sizeof(*in));
    assert_non_null(in);
    for (int i = 0; i < 20; i++) {
        struct model_solution a, b;
        generate(&seed, in);
        in->global = true;
        for (int j = 0; j < in->n; j++)
            in->jobs[j].current = -1;
        struct model_assign_params p;
        model_assign_defaults(&p);
        p.global_numa = true;
        p.time_limit_s = 0.02;
        assert_int_equal(model_assign(&in->pb, &p, &a, NULL, 0), MODEL_OK);
        for (int j = 0; j < in->n; j++)
            in->jobs[j].load *= 4.0;
        assert_int_equal(model_assign(&in->pb, &p, &b, NULL, 0), MODEL_OK);
        assert_double_equal(b.greedy_makespan, 4.0 * a.greedy_makespan, 1e-9);
        /* Bounds may differ with how far the ILP got, but each run's
         * bound is valid for the other's scaled answer. */
        assert_true(b.lower_bound <= 4.0 * a.makespan + EPS);
        assert_true(4.0 * a.lower_bound <= b.makespan + EPS);
        model_solution_free(&a);
        model_solution_free(&b);
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_instances),
        cmocka_unit_test(test_scale_invariance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
