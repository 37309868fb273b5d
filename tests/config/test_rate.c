/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rate.c - Xen-style rate limits (lib/rate/rate.h) and
 * VIRTIOFWD_RATE_LIMITS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "rate.h"

static void test_good(void **state)
{
    (void)state;
    const struct {
        const char *text;
        uint64_t bps, burst;
        uint32_t us;
    } cases[] = {
        {"10Mb/s@20ms", 1250000, 25000, 20000},
        {"1GB/s", 1000000000, 50000000, 50000},
        {"500kB/s@50ms", 500000, 25000, 50000},
        {"100Mb/s", 12500000, 625000, 50000},
        {"5Gb/s@1ms", 625000000, 625000, 1000},
        {"1.5Gb/s@2ms", 187500000, 375000, 2000},
        {"64kb/s@1s", 8000, 8000, 1000000},
        {"2MB/s@500us", 2000000, 1000, 500}, /* rejected below: burst < frame */
        {"40000B/s@100ms", 40000, 4000, 100000},
        {"8000000b/s", 1000000, 50000, 50000},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vio4wd_rate r;
        char err[512] = "";
        int rc = rate_parse(cases[i].text, &r, err, sizeof(err));
        if (cases[i].burst < VIO4WD_RATE_MIN_BURST) {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(err, "less than one 1518-byte frame"));
            continue;
        }
        if (rc != 0)
            fail_msg("%s: %s", cases[i].text, err);
        assert_int_equal(r.bytes_per_s, cases[i].bps);
        assert_int_equal(r.burst_bytes, cases[i].burst);
        assert_int_equal(r.interval_us, cases[i].us);
    }
}

static void test_unlimited(void **state)
{
    (void)state;
    struct vio4wd_rate r = {.bytes_per_s = 5};
    char err[256], buf[64];
    assert_int_equal(rate_parse("unlimited", &r, err, sizeof(err)), 0);
    assert_false(rate_is_limited(&r));
    assert_int_equal(rate_parse("-", &r, err, sizeof(err)), 0);
    rate_format(&r, buf, sizeof(buf));
    assert_string_equal(buf, "unlimited");
}

static void test_bad(void **state)
{
    (void)state;
    const struct {
        const char *text, *why;
    } cases[] = {
        {"", "does not start with a number"},
        {"fast", "does not start with a number"},
        {"-5Mb/s", "does not start with a number"},
        {"10Kb/s", "unknown unit"},
        {"10Mbit/s", "must be followed by /s"},
        {"10Mb", "must be followed by /s"},
        {"10Mb/sec", "unexpected text at the end"},
        {"10Mb/s@", "interval after @"},
        {"10Mb/s@20", "interval after @"},
        {"10Mb/s@20min", "interval after @"},
        {"10Mb/s@20mss", "unexpected text at the end"},
        {"10Mb/s@20ms ", "unexpected text at the end"},
        {"0Mb/s", "from 1 B/s to 1000 GB/s"},
        {"2000GB/s", "from 1 B/s to 1000 GB/s"},
        {"10Mb/s@11s", "from 1us to 10s"},
        {"10Mb/s@0us", "from 1us to 10s"},
        {"1kb/s", "less than one 1518-byte frame"},
        {"1.Mb/s", "does not start with a number"},
        {"1e6b/s", "unknown unit"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vio4wd_rate r;
        char err[512] = "", quoted[64];
        assert_int_equal(rate_parse(cases[i].text, &r, err, sizeof(err)), -1);
        snprintf(quoted, sizeof(quoted), "rate '%s'", cases[i].text);
        if (!strstr(err, cases[i].why) || !strstr(err, quoted) || !strstr(err, "10Mb/s@20ms"))
            fail_msg("'%s': message '%s' lacks '%s', the value or an example", cases[i].text, err,
                     cases[i].why);
    }
}

static void test_format_round_trip(void **state)
{
    (void)state;
    const char *texts[] = {"10Mb/s@20ms", "1GB/s",         "500kB/s@50ms", "5Gb/s@1ms",
                           "12345B/s@1s", "1.5Gb/s@250us", "100Mb/s@3s"};
    const char *want[] = {"10Mb/s@20ms",     "8Gb/s@50ms",     "4Mb/s@50ms",    "5Gb/s@1ms",
                          "98760b/s@1000ms", "1500Mb/s@250us", "100Mb/s@3000ms"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct vio4wd_rate a, b;
        char err[256], buf[64];
        assert_int_equal(rate_parse(texts[i], &a, err, sizeof(err)), 0);
        rate_format(&a, buf, sizeof(buf));
        if (strcmp(buf, want[i]) != 0 && !(strstr(want[i], "b/s") && strstr(buf, "B/s")))
            fail_msg("%s formats as %s, want %s", texts[i], buf, want[i]);
        assert_int_equal(rate_parse(buf, &b, err, sizeof(err)), 0);
        assert_int_equal(a.bytes_per_s, b.bytes_per_s);
        assert_int_equal(a.interval_us, b.interval_us);
    }
}

static void test_config_variable(void **state)
{
    (void)state;
    struct vio4wd_config cfg;
    char err[512];

    config_init(&cfg);
    assert_int_equal(cfg.n_rate_limits, 0);
    assert_int_equal(config_set(&cfg, "VIRTIOFWD_RATE_LIMITS",
                                "0:10Mb/s@20ms 1:1Gb/s,500Mb/s 2:-,1GB/s", err, sizeof(err)),
                     0);
    assert_int_equal(cfg.n_rate_limits, 3);
    assert_int_equal(cfg.rate_limits[0].relay_id, 0);
    assert_int_equal(cfg.rate_limits[0].rate[0].bytes_per_s, 1250000);
    assert_int_equal(cfg.rate_limits[0].rate[1].bytes_per_s, 1250000); /* one rate: both */
    assert_int_equal(cfg.rate_limits[1].rate[0].bytes_per_s, 125000000);
    assert_int_equal(cfg.rate_limits[1].rate[1].bytes_per_s, 62500000);
    assert_int_equal(cfg.rate_limits[2].rate[0].bytes_per_s, 0);
    assert_int_equal(cfg.rate_limits[2].rate[1].bytes_per_s, 1000000000);

    const struct {
        const char *value, *why;
    } bad[] = {
        {"0", "expected <relay>:<rate>[,<rate>]"},
        {"64:1Gb/s", "expected <relay>:<rate>[,<rate>] with relay 0-63"},
        {"0:1Gb/s 0:2Gb/s", "relay 0 is limited twice"},
        {"0:1Gbps", "rate '1Gbps': the unit must be followed by /s"},
        {"0:1Gb/s,fast", "rate 'fast'"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(config_set(&cfg, "VIRTIOFWD_RATE_LIMITS", bad[i].value, err, sizeof(err)),
                         -1);
        if (!strstr(err, bad[i].why) || !strstr(err, "VIRTIOFWD_RATE_LIMITS="))
            fail_msg("'%s': '%s' lacks '%s'", bad[i].value, err, bad[i].why);
    }
    assert_int_equal(cfg.n_rate_limits, 3); /* a bad value changes nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_unlimited),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_config_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
