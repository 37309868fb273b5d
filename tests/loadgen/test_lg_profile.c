/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for tools/loadgen/lg_profile.c: rates, times and profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lg_profile.h"

static void test_parse_rate(void **state)
{
    double v;

    (void)state;
    assert_int_equal(lg_parse_rate("64000", &v), 0);
    assert_true(v == 64000);
    assert_int_equal(lg_parse_rate("500k", &v), 0);
    assert_true(v == 500e3);
    assert_int_equal(lg_parse_rate("1.5M", &v), 0);
    assert_true(v == 1.5e6);
    assert_int_equal(lg_parse_rate("2Mpps", &v), 0);
    assert_true(v == 2e6);
    assert_int_equal(lg_parse_rate("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(lg_parse_rate("100M", &v), 0);
    assert_int_equal(lg_parse_rate("101M", &v), -1);
    assert_int_equal(lg_parse_rate("1G", &v), -1); /* above the maximum */
    assert_int_equal(lg_parse_rate("-1", &v), -1);
    assert_int_equal(lg_parse_rate("", &v), -1);
    assert_int_equal(lg_parse_rate("abc", &v), -1);
    assert_int_equal(lg_parse_rate("5x", &v), -1);
    assert_int_equal(lg_parse_rate("5Mx", &v), -1);
    assert_int_equal(lg_parse_rate("nan", &v), -1);
    assert_int_equal(lg_parse_rate("inf", &v), -1);
}

static void test_parse_seconds(void **state)
{
    double v;

    (void)state;
    assert_int_equal(lg_parse_seconds("10", &v), 0);
    assert_true(v == 10);
    assert_int_equal(lg_parse_seconds("10s", &v), 0);
    assert_true(v == 10);
    assert_int_equal(lg_parse_seconds("500ms", &v), 0);
    assert_true(v == 0.5);
    assert_int_equal(lg_parse_seconds("2min", &v), 0);
    assert_true(v == 120);
    assert_int_equal(lg_parse_seconds("1.5s", &v), 0);
    assert_true(v == 1.5);
    assert_int_equal(lg_parse_seconds("-1", &v), -1);
    assert_int_equal(lg_parse_seconds("10h", &v), -1);
    assert_int_equal(lg_parse_seconds("s", &v), -1);
    assert_int_equal(lg_parse_seconds("", &v), -1);
}

static void test_const(void **state)
{
    struct lg_profile p;
    char err[256];

    (void)state;
    assert_int_equal(lg_profile_parse(&p, 1e6, "const", err, sizeof(err)), 0);
    assert_true(lg_profile_rate(&p, 0) == 1e6);
    assert_true(lg_profile_rate(&p, 100) == 1e6);
    assert_true(lg_profile_count(&p, 0) == 0);
    assert_true(lg_profile_count(&p, 2.5) == 2.5e6);
    assert_int_equal(lg_profile_parse(&p, 7, NULL, err, sizeof(err)), 0);
    assert_true(lg_profile_count(&p, 10) == 70);
}

static void test_step(void **state)
{
    struct lg_profile p;
    char err[256];

    (void)state;
    assert_int_equal(lg_profile_parse(&p, 2e6, "step:10s:500k:20s:3M", err, sizeof(err)), 0);
    assert_int_equal(p.npoints, 3);
    assert_true(lg_profile_rate(&p, 0) == 2e6);
    assert_true(lg_profile_rate(&p, 9.999) == 2e6);
    assert_true(lg_profile_rate(&p, 10) == 500e3);
    assert_true(lg_profile_rate(&p, 25) == 3e6);
    assert_true(lg_profile_count(&p, 10) == 20e6);
    assert_true(lg_profile_count(&p, 12) == 21e6);
    /* 20e6 + 10 s at 500k + 5 s at 3M */
    assert_true(lg_profile_count(&p, 25) == 20e6 + 5e6 + 15e6);
    assert_true(lg_profile_peak(&p) == 3e6);
}

static void test_ramp(void **state)
{
    struct lg_profile p;
    char err[256];

    (void)state;
    /* 0 -> 1M over 10 s, then 1M -> 0 over the next 10 s, then 0 */
    assert_int_equal(lg_profile_parse(&p, 0, "ramp:10s:1M:20s:0", err, sizeof(err)), 0);
    assert_true(lg_profile_rate(&p, 5) == 0.5e6);
    assert_true(lg_profile_rate(&p, 10) == 1e6);
    assert_true(lg_profile_rate(&p, 15) == 0.5e6);
    assert_true(lg_profile_rate(&p, 30) == 0);
    assert_true(lg_profile_count(&p, 5) == 0.5 * 5 * 0.5e6);
    assert_true(lg_profile_count(&p, 10) == 5e6);
    assert_true(lg_profile_count(&p, 20) == 10e6);
    assert_true(lg_profile_count(&p, 100) == 10e6);
}

/* The count is the integral of the rate: check it numerically on a mixed
 * profile, and that it never decreases (the sender relies on that). */
static void test_count_is_integral(void **state)
{
    struct lg_profile p;
    char err[256];
    double t, sum = 0, dt = 1e-3, prev = 0;

    (void)state;
    assert_int_equal(lg_profile_parse(&p, 300e3, "ramp:2s:1M:3s:1M:4s:100k", err, sizeof(err)), 0);
    for (t = 0; t < 6 - dt / 2; t += dt) {
        double c = lg_profile_count(&p, t + dt);

        sum += dt * (lg_profile_rate(&p, t) + lg_profile_rate(&p, t + dt)) / 2;
        assert_true(c >= prev);
        prev = c;
    }
    assert_true(sum > lg_profile_count(&p, 6) - 1);
    assert_true(sum < lg_profile_count(&p, 6) + 1);
}

static void expect_bad(const char *spec, const char *needle)
{
    struct lg_profile p;
    char err[512] = "";

    if (lg_profile_parse(&p, 1e6, spec, err, sizeof(err)) != -1)
        fail_msg("profile '%s' was accepted", spec);
    if (strstr(err, needle) == NULL)
        fail_msg("profile '%s': message '%s' lacks '%s'", spec, err, needle);
    /* every message says what is valid */
    assert_non_null(strstr(err, "valid") ? err : NULL);
}

static void test_bad_profiles(void **state)
{
    (void)state;
    expect_bad("sine:10s:1M", "unknown profile kind 'sine'");
    expect_bad("step", "has no points");
    expect_bad("step:10s", "no rate after it");
    expect_bad("step:10x:1M", "bad time '10x'");
    expect_bad("step:10s:fast", "bad rate 'fast'");
    expect_bad("step:10s:1M:5s:2M", "not after the previous point");
    expect_bad("step:0s:1M", "not after the previous point");
    expect_bad("ramp:10s:1M:10s:2M", "not after the previous point");
}

static void test_too_many_points(void **state)
{
    struct lg_profile p;
    char spec[2048] = "step", err[256];
    int i;

    (void)state;
    for (i = 1; i <= LG_PROF_MAX_POINTS; i++)
        snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), ":%ds:1k", i);
    assert_int_equal(lg_profile_parse(&p, 1, spec, err, sizeof(err)), 0);
    snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), ":999s:1k");
    assert_int_equal(lg_profile_parse(&p, 1, spec, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too many points"));
}

static void test_describe(void **state)
{
    struct lg_profile p;
    char err[256], buf[256];

    (void)state;
    assert_int_equal(lg_profile_parse(&p, 2e6, "step:10s:500k", err, sizeof(err)), 0);
    lg_profile_describe(&p, buf, sizeof(buf));
    assert_string_equal(buf, "step 0s:2M 10s:500k");
    lg_format_rate(64, buf, sizeof(buf));
    assert_string_equal(buf, "64");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_rate),   cmocka_unit_test(test_parse_seconds),
        cmocka_unit_test(test_const),        cmocka_unit_test(test_step),
        cmocka_unit_test(test_ramp),         cmocka_unit_test(test_count_is_integral),
        cmocka_unit_test(test_bad_profiles), cmocka_unit_test(test_too_many_points),
        cmocka_unit_test(test_describe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
