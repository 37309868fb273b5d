/* SPDX-License-Identifier: BSD-3-Clause */
/* model/localsearch: pairwise balancing under a deadline (issue 11, item
 * 1) stops where it is told and leaves a valid assignment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_test.h"

#include <math.h>
#include <string.h>

#include "model/localsearch.h"

#define N 400
#define M 64

/* A lopsided start: every job on the first quarter of the cores. */
static void instance(double *load, int *asg, double *core_load)
{
    uint64_t rng = 11;

    memset(core_load, 0, sizeof(*core_load) * M);
    for (int j = 0; j < N; j++) {
        load[j] = 0.01 + 0.2 * test_rng_uniform(&rng);
        asg[j] = j % (M / 4);
        core_load[asg[j]] += load[j];
    }
}

static double max_of(const double *v, int m)
{
    double best = v[0];
    for (int c = 1; c < m; c++)
        best = v[c] > best ? v[c] : best;
    return best;
}

/* core_load matches asg, every job on a core. */
static void assert_consistent(const double *load, const int *asg, const double *core_load)
{
    double sum[M] = {0};
    for (int j = 0; j < N; j++) {
        assert_true(asg[j] >= 0 && asg[j] < M);
        sum[asg[j]] += load[j];
    }
    for (int c = 0; c < M; c++)
        assert_double_equal(sum[c], core_load[c], 1e-9);
}

/* A deadline already gone: nothing moves. */
static void test_past_deadline(void **state)
{
    double load[N], cl[M], cl0[M];
    int asg[N], asg0[N];

    (void)state;
    instance(load, asg, cl);
    memcpy(asg0, asg, sizeof(asg));
    memcpy(cl0, cl, sizeof(cl));
    assert_double_equal(ls_balance_until(load, N, M, asg, cl, 0.0), max_of(cl0, M), 1e-12);
    assert_memory_equal(asg, asg0, sizeof(asg));
    assert_memory_equal(cl, cl0, sizeof(cl));
}

/* No deadline: the same answer as ls_balance(), far below the start. */
static void test_no_deadline(void **state)
{
    double load[N], cl[M], cl2[M], start;
    int asg[N], asg2[N];

    (void)state;
    instance(load, asg, cl);
    instance(load, asg2, cl2);
    start = max_of(cl, M);
    double a = ls_balance_until(load, N, M, asg, cl, INFINITY);
    double b = ls_balance(load, N, M, asg2, cl2);
    assert_double_equal(a, b, 1e-12);
    assert_memory_equal(asg, asg2, sizeof(asg));
    assert_true(a < start / 2);
    assert_consistent(load, asg, cl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_past_deadline),
        cmocka_unit_test(test_no_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
