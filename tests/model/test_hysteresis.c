/* SPDX-License-Identifier: BSD-3-Clause */
/* model/hysteresis: the rule with memory (issue 11, item 3). Each test
 * feeds a sequence of decisions to one memory and checks when it acts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model/error.h"
#include "model/hysteresis.h"
#include "model_test.h"

static struct model_hysteresis_input input(double current, double planned, double sd,
                                           int migrations)
{
    return (struct model_hysteresis_input){current, planned, sd, migrations, 0};
}

/* A memory past its first decision (the first acts on any excess). */
static void warm(const struct model_hysteresis_params *p, struct model_hysteresis_memory *m)
{
    struct model_hysteresis_input in = input(0.5, 0.5, 0.0, 0);
    struct model_hysteresis_verdict v;

    memset(m, 0, sizeof(*m));
    model_hysteresis_step(p, m, &in, &v);
    assert_false(v.act);
}

/* A sustained gain pays after as many intervals as its cost needs, and
 * the sum restarts after acting. */
static void test_sustained_gain_pays(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m;
    struct model_hysteresis_verdict v;
    /* excess 0.80 - 0.70 - 0.02 = 0.08 per interval; 4 migrations cost 0.2 */
    struct model_hysteresis_input in = input(0.80, 0.70, 0.0, 4);
    int acted_at = -1;

    (void)state;
    model_hysteresis_defaults(&p);
    warm(&p, &m);
    for (int i = 1; i <= 5 && acted_at < 0; i++) {
        model_hysteresis_step(&p, &m, &in, &v);
        assert_double_equal(v.excess, 0.08, 1e-9);
        assert_double_equal(v.threshold, 0.2, 1e-9);
        if (v.act) {
            acted_at = i;
            assert_string_equal(model_hysteresis_why_name(v.why), "paid");
        }
    }
    assert_int_equal(acted_at, 3); /* 0.08, 0.152, 0.217 > 0.2 */
    assert_double_equal(m.accumulated, 0.0, 1e-12);
}

/* A gain within the noise allowance never adds up, however long it
 * lasts, and it resets what was summed. */
static void test_noise_never_pays(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m;
    struct model_hysteresis_verdict v;
    /* 0.06 core of gain against 4 x 0.015 + 0.02 = 0.08 */
    struct model_hysteresis_input in = input(0.80, 0.74, 0.015, 1);
    struct model_hysteresis_input real = input(0.80, 0.70, 0.0, 4);

    (void)state;
    model_hysteresis_defaults(&p);
    warm(&p, &m);
    for (int i = 0; i < 1000; i++) {
        model_hysteresis_step(&p, &m, &in, &v);
        assert_false(v.act);
        assert_string_equal(model_hysteresis_why_name(v.why), "no-gain");
    }
    model_hysteresis_step(&p, &m, &real, &v);
    assert_false(v.act);
    model_hysteresis_step(&p, &m, &in, &v);
    assert_double_equal(m.accumulated, 0.0, 1e-12);
}

/* A gain that hovers just above the noise fades (horizon) before it
 * pays for an expensive plan. */
static void test_hovering_gain_fades(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m;
    struct model_hysteresis_verdict v;
    /* excess 0.01 a decision: the sum tends to 0.1, short of 5 x 0.05 */
    struct model_hysteresis_input in = input(0.80, 0.77, 0.0, 5);

    (void)state;
    model_hysteresis_defaults(&p);
    warm(&p, &m);
    for (int i = 0; i < 1000; i++) {
        model_hysteresis_step(&p, &m, &in, &v);
        assert_false(v.act);
    }
    assert_true(m.accumulated < 0.1 + 1e-9);
}

/* Urgent relief: above 0.9 for two decisions, and a plan clear of the
 * line by the margin and the noise, acts whatever the cost; one sample
 * above the line, or a plan that stays near it, does not. */
static void test_urgent(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m;
    struct model_hysteresis_verdict v;
    struct model_hysteresis_input hot = input(0.95, 0.78, 0.005, 40);
    struct model_hysteresis_input cool = input(0.85, 0.78, 0.005, 40);
    struct model_hysteresis_input near = input(0.95, 0.845, 0.005, 40);

    (void)state;
    model_hysteresis_defaults(&p);
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &hot, &v);
    assert_false(v.act); /* one sample */
    model_hysteresis_step(&p, &m, &cool, &v);
    assert_false(v.act);
    model_hysteresis_step(&p, &m, &hot, &v);
    assert_false(v.act); /* the streak restarted */
    model_hysteresis_step(&p, &m, &hot, &v);
    assert_true(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "urgent");

    warm(&p, &m);
    model_hysteresis_step(&p, &m, &near, &v);
    model_hysteresis_step(&p, &m, &near, &v);
    /* 0.845 > 0.9 - 0.05 - 2 x 0.005: not urgent (and its excess does
     * not pay for 40 migrations) */
    assert_false(v.act);
}

/* Jobs without a worker are placed at once; a large gain and the first
 * decision act at once; nothing to move never acts. */
static void test_at_once(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m = {0};
    struct model_hysteresis_verdict v;
    struct model_hysteresis_input place = {0.0, 0.5, 0.0, 0, 3};
    struct model_hysteresis_input small = input(0.80, 0.70, 0.0, 10);
    struct model_hysteresis_input large = input(2.0, 1.0, 0.0, 30);
    struct model_hysteresis_input none = input(0.80, 0.70, 0.0, 0);

    (void)state;
    model_hysteresis_defaults(&p);
    model_hysteresis_step(&p, &m, &place, &v);
    assert_true(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "place");

    memset(&m, 0, sizeof(m));
    model_hysteresis_step(&p, &m, &small, &v);
    assert_true(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "first");
    model_hysteresis_step(&p, &m, &small, &v);
    assert_false(v.act); /* 0.08 < 10 x 0.05 */
    model_hysteresis_step(&p, &m, &large, &v);
    assert_true(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "large");
    model_hysteresis_step(&p, &m, &none, &v);
    assert_false(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "nothing-to-move");
}

/* Drift: a class out of the tolerance band by more than its noise in two
 * decisions running acts, whatever the accumulated sum; inside the
 * band, with a gain within the noise, or with no tolerance, it does not. */
static void test_drift(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m;
    struct model_hysteresis_verdict v;
    /* band 0.5 x 1.05 = 0.525, plus 3 x 0.005: drift above 0.54 */
    struct model_hysteresis_input out = {0.56, 0.51, 0.005, 3, 0, 0.5};
    struct model_hysteresis_input inside = {0.535, 0.50, 0.005, 3, 0, 0.5};
    struct model_hysteresis_input noisy = {0.56, 0.545, 0.005, 3, 0, 0.5};

    (void)state;
    model_hysteresis_defaults(&p);
    p.tolerance = 0.05;
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &out, &v); /* one sample may be noise */
    assert_false(v.act);
    model_hysteresis_step(&p, &m, &out, &v);
    assert_true(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "drift");
    assert_double_equal(m.accumulated, 0.0, 1e-12);
    model_hysteresis_step(&p, &m, &inside, &v);
    assert_false(v.act);
    model_hysteresis_step(&p, &m, &noisy, &v); /* gains 0.015 < 4 sd */
    assert_false(v.act);
    p.tolerance = 0.0;
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &out, &v);
    model_hysteresis_step(&p, &m, &out, &v);
    assert_false(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "accumulating");
}

/* Trend: a class whose busiest worker rises over its bound beyond the
 * noise of that rate acts at its first decision out of the band, as soon
 * as the next decision at that rate would be above it; a rate within its
 * noise, a falling one, a class the rate keeps in the band, or no band,
 * wait as before. */
static void test_trend(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m;
    struct model_hysteresis_verdict v;
    /* band 0.525 + 1 x 0.005; one decision on at 0.02 of the bound a
     * decision: 0.532 + 0.01, out; rate 5 deviations of its noise */
    struct model_hysteresis_input rising = {0.532, 0.51, 0.005, 3, 0, 0.5, 0.0, 0.02, 0.004};
    struct model_hysteresis_input unsure = {0.532, 0.51, 0.005, 3, 0, 0.5, 0.0, 0.02, 0.006};
    struct model_hysteresis_input falling = {0.532, 0.51, 0.005, 3, 0, 0.5, 0.0, -0.02, 0.004};
    struct model_hysteresis_input low = {0.50, 0.49, 0.005, 3, 0, 0.5, 0.0, 0.02, 0.004};

    (void)state;
    model_hysteresis_defaults(&p);
    p.tolerance = 0.05;
    warm(&p, &m);
    assert_true(model_hysteresis_may_pay(&p, &m, &rising));
    model_hysteresis_step(&p, &m, &rising, &v);
    assert_true(v.act);
    assert_string_equal(model_hysteresis_why_name(v.why), "drift");
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &unsure, &v); /* z 3.3 < 4 */
    assert_false(v.act);
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &falling, &v);
    assert_false(v.act);
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &low, &v); /* 0.51 next: in the band */
    assert_false(v.act);
    p.trend_z = 0.0;
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &rising, &v);
    assert_false(v.act);
    model_hysteresis_defaults(&p);
    p.tolerance = 0.0; /* no band, no drift rule */
    warm(&p, &m);
    model_hysteresis_step(&p, &m, &rising, &v);
    assert_false(v.act);
}

/* The screen: a lower bound within the noise cannot pay. */
static void test_may_pay(void **state)
{
    struct model_hysteresis_params p;
    struct model_hysteresis_memory m = {0};
    struct model_hysteresis_input within = input(0.80, 0.785, 0.0, 0);
    struct model_hysteresis_input beyond = input(0.80, 0.70, 0.0, 0);
    struct model_hysteresis_input unplaced = {0.80, 0.80, 0.0, 0, 1};

    (void)state;
    model_hysteresis_defaults(&p);
    assert_false(model_hysteresis_may_pay(&p, &m, &within));
    assert_true(model_hysteresis_may_pay(&p, &m, &beyond));
    assert_true(model_hysteresis_may_pay(&p, &m, &unplaced));
    /* at low loads the band, relative to the bound, is narrower than
     * --min-gain: 0.24 over a bound of 0.2 gains 0.04, no more than the
     * noise and min_gain, but is out of the band */
    struct model_hysteresis_input night = {0.24, 0.2, 0.005, 0, 0, 0.2};
    p.tolerance = 0.05;
    m.decisions = 1;
    assert_false(model_hysteresis_may_pay(&p, &m, &night)); /* first sample */
    m.drift_streak = 1;
    assert_true(model_hysteresis_may_pay(&p, &m, &night));
    p.tolerance = 0.0;
    assert_false(model_hysteresis_may_pay(&p, &m, &night));
}

static void test_check(void **state)
{
    struct model_hysteresis_params p;
    char err[MODEL_ERRMSG_LEN];

    (void)state;
    model_hysteresis_defaults(&p);
    assert_int_equal(model_hysteresis_check(&p, err, sizeof(err)), MODEL_OK);
    p.sensitivity = -1.0;
    assert_int_equal(model_hysteresis_check(&p, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "sensitivity -1"));
    model_hysteresis_defaults(&p);
    p.horizon = 0.5;
    assert_int_equal(model_hysteresis_check(&p, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "horizon 0.5"));
    model_hysteresis_defaults(&p);
    p.tolerance = 1.5;
    assert_int_equal(model_hysteresis_check(&p, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "tolerance 1.5"));
    model_hysteresis_defaults(&p);
    p.trend_z = -1.0;
    assert_int_equal(model_hysteresis_check(&p, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "trend allowance -1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sustained_gain_pays),
        cmocka_unit_test(test_noise_never_pays),
        cmocka_unit_test(test_hovering_gain_fades),
        cmocka_unit_test(test_urgent),
        cmocka_unit_test(test_at_once),
        cmocka_unit_test(test_drift),
        cmocka_unit_test(test_trend),
        cmocka_unit_test(test_may_pay),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
