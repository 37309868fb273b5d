/* SPDX-License-Identifier: BSD-3-Clause */
/* model/load: cycles, linear fallback, saturation, wrap and restart,
 * smoothing in seconds and the one-sample outlier gate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_test.h"

#include <math.h>
#include <string.h>

#include "model/load.h"

#define HZ 2000000000ull /* 2 GHz TSC */

/* A snapshot at t seconds with the given busy fraction accumulated so far
 * at a steady rate. */
static struct model_counters snap(double t, double busy, double pps)
{
    struct model_counters c = {
        .packets = (uint64_t)(pps * t),
        .bytes = (uint64_t)(pps * t * 64),
        .busy_cycles = (uint64_t)(busy * t * HZ),
        .has_cycles = true,
        .rx_bursts = (uint64_t)(pps * t / 8),
        .tsc = (uint64_t)(t * HZ) + 1000,
        .tsc_hz = HZ,
    };
    return c;
}

static void test_cycles(void **state)
{
    (void)state;
    struct model_counters a = snap(10, 0.5, 1e6), b = snap(11, 0.5, 1e6);
    struct model_load_sample s;

    b.busy_cycles = a.busy_cycles + HZ / 2;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.valid);
    assert_true(s.from_cycles);
    assert_false(s.saturated);
    assert_double_equal(s.interval_s, 1.0, 1e-9);
    assert_double_equal(s.measured, 0.5, 1e-9);
    assert_double_equal(s.demand, 0.5, 1e-9);
}

/* Without cycles: a = 0.082 core/Mpps + b = 9.3e-5 core/(MB/s) VM->VF,
 * 0.0795 and 8.2e-5 VF->VM. */
static void test_linear_fallback(void **state)
{
    (void)state;
    struct model_counters a = snap(0, 0, 0), b = snap(2, 0, 0);
    struct model_load_sample s;

    assert_double_equal(model_load_linear(MODEL_DIR_VM_TO_VF, 1e6, 0), 0.082, 1e-12);
    assert_double_equal(model_load_linear(MODEL_DIR_VM_TO_VF, 0, 1e6), 9.3e-5, 1e-12);
    assert_double_equal(model_load_linear(MODEL_DIR_VF_TO_VM, 1e6, 1e6), 0.0795 + 8.2e-5, 1e-12);

    a.has_cycles = b.has_cycles = false;
    b.packets = 20000000;        /* 10 Mpps over 2 s */
    b.bytes = 20000000ull * 100; /* 1000 MB/s */
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VF_TO_VM, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.valid);
    assert_false(s.from_cycles);
    assert_double_equal(s.measured, 10 * 0.0795 + 1000 * 8.2e-5, 1e-9);

    /* One side without cycles is enough to fall back. */
    b = snap(2, 0.3, 1e6);
    b.has_cycles = false;
    a = snap(1, 0.3, 1e6);
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_false(s.from_cycles);
}

static void test_saturation(void **state)
{
    (void)state;
    struct model_counters a = snap(1, 0.4, 1e6), b = snap(2, 0.4, 1e6);
    struct model_load_sample s;

    /* 20% of received packets dropped because the peer queue was full:
     * the demand is the measured load over the 80% that got through. */
    b.drops_queue_full = a.drops_queue_full + 200000;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.saturated);
    assert_double_equal(s.measured, 0.4, 1e-9);
    assert_double_equal(s.demand, 0.5, 1e-9);
    assert_true(s.demand > s.measured);

    /* Full receive bursts: demand above the measurement, capped at one
     * core. */
    b = snap(2, 0.9, 1e6);
    a = snap(1, 0.9, 1e6);
    b.rx_bursts_full = a.rx_bursts_full + (b.rx_bursts - a.rx_bursts) / 2;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.saturated);
    assert_double_equal(s.measured, 0.9, 1e-9);
    assert_double_equal(s.demand, 1.0, 1e-9);

    b = snap(2, 0.2, 1e6);
    a = snap(1, 0.2, 1e6);
    b.rx_bursts_full = a.rx_bursts_full + (b.rx_bursts - a.rx_bursts) / 2;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_double_equal(s.demand, 0.25, 1e-9);

    /* Drops because nobody is connected are not saturation. */
    b = snap(2, 0.1, 1e6);
    a = snap(1, 0.1, 1e6);
    b.drops_not_connected = 500000;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_false(s.saturated);
    assert_double_equal(s.demand, 0.1, 1e-9);
}

/* A rate-limited direction demands at most what its limit lets through;
 * dropping over the limit is not saturation. snap() moves 64 MB/s. */
static void test_rate_limit(void **state)
{
    (void)state;
    struct model_counters a = snap(1, 0.4, 1e6), b = snap(2, 0.4, 1e6);
    struct model_load_sample s;

    /* Policing: the source sends 64 MB/s, full bursts, a 16 MB/s limit drops
     * the rest. Not saturated; demand stays at the measured cost. */
    a.rate_limit_Bps = b.rate_limit_Bps = 16000000;
    b.drops_rate_limited = a.drops_rate_limited + 750000;
    b.rx_bursts_full = a.rx_bursts_full + (b.rx_bursts - a.rx_bursts) / 2;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_false(s.saturated);
    assert_double_equal(s.demand, 0.4, 1e-9);

    /* Peer queue full under a limit above the traffic: the raise (to 0.5
     * unlimited) stops at the load of forwarding at the limit: 0.4 core at
     * 64 MB/s, so 0.45 at 72 MB/s. */
    a = snap(1, 0.4, 1e6);
    b = snap(2, 0.4, 1e6);
    a.rate_limit_Bps = b.rate_limit_Bps = 72000000;
    b.drops_queue_full = a.drops_queue_full + 200000;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.saturated);
    assert_double_equal(s.demand, 0.45, 1e-9);

    /* The same with no limit: raised to 0.5. With a generous limit: 0.5. */
    a.rate_limit_Bps = b.rate_limit_Bps = 0;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_double_equal(s.demand, 0.5, 1e-9);
    a.rate_limit_Bps = b.rate_limit_Bps = 1000000000;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_double_equal(s.demand, 0.5, 1e-9);
}

/* Counters that pass 2^64 keep counting; counters that fall back to zero
 * mean a restart: no sample, new baseline, the estimate survives. */
static void test_wrap_and_restart(void **state)
{
    (void)state;
    struct model_counters a = snap(1, 0.3, 1e6), b = snap(2, 0.3, 1e6);
    struct model_load_sample s;
    struct model_load_state st;

    a.busy_cycles = UINT64_MAX - HZ / 10 + 1; /* wraps after 0.1 s */
    b.busy_cycles = a.busy_cycles + (uint64_t)(0.3 * HZ);
    a.packets = UINT64_MAX - 10;
    b.packets = a.packets + 1000000;
    assert_true(b.busy_cycles < a.busy_cycles);
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.valid);
    assert_double_equal(s.measured, 0.3, 1e-9);

    model_load_init(&st, MODEL_DIR_VM_TO_VF);
    for (int t = 1; t <= 5; t++) {
        struct model_counters c = snap(100 + t, 0.3, 1e6);
        assert_int_equal(model_load_update(&st, &c, NULL, &s, NULL, 0), MODEL_OK);
    }
    assert_double_equal(model_load_demand(&st), 0.3, 1e-9);

    /* Relay restart: counters back near zero, TSC keeps going. */
    struct model_counters r = snap(0.5, 0.3, 1e6);
    r.tsc = snap(106, 0, 0).tsc;
    assert_int_equal(model_load_update(&st, &r, NULL, &s, NULL, 0), MODEL_OK);
    assert_false(s.valid);
    assert_non_null(strstr(s.reason, "restart"));
    assert_double_equal(model_load_demand(&st), 0.3, 1e-9);

    /* The next snapshot is measured against the new baseline. */
    struct model_counters r2 = r;
    r2.tsc += HZ;
    r2.busy_cycles += (uint64_t)(0.3 * HZ);
    assert_int_equal(model_load_update(&st, &r2, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.valid);
    assert_double_equal(s.measured, 0.3, 1e-9);

    /* TSC going backwards (host reboot) is a restart too. */
    struct model_counters back = snap(1, 0.3, 1e6);
    assert_int_equal(model_load_sample(&r2, &back, MODEL_DIR_VM_TO_VF, NULL, &s, NULL, 0),
                     MODEL_OK);
    assert_false(s.valid);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct model_counters a = snap(1, 0.3, 1e6), b = snap(2, 0.3, 1e6);
    struct model_load_sample s;
    struct model_load_params p;
    char err[MODEL_ERRMSG_LEN];

    b.tsc_hz = 0;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, err, sizeof(err)),
                     MODEL_EINVAL);
    assert_non_null(strstr(err, "tsc_hz"));
    b = a;
    assert_int_equal(model_load_sample(&a, &b, MODEL_DIR_VM_TO_VF, NULL, &s, err, sizeof(err)),
                     MODEL_OK);
    assert_false(s.valid);
    assert_int_equal(model_load_sample(&a, &b, (enum model_dir)7, NULL, &s, err, sizeof(err)),
                     MODEL_EINVAL);
    model_load_defaults(&p);
    p.tau_s = NAN;
    assert_int_equal(model_load_check_params(&p, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "nan"));
    assert_int_equal(model_load_update(NULL, &a, NULL, NULL, err, sizeof(err)), MODEL_EINVAL);
}

/* Feed a steady load every `step` seconds from t0 to t1. */
static void feed(struct model_load_state *st, double t0, double t1, double step, double load,
                 uint64_t *busy)
{
    for (double t = t0; t <= t1 + 1e-9; t += step) {
        struct model_counters c = snap(t, 0, 1e6);
        struct model_load_sample s;
        c.busy_cycles = *busy;
        assert_int_equal(model_load_update(st, &c, NULL, &s, NULL, 0), MODEL_OK);
        *busy += (uint64_t)(load * step * HZ);
    }
}

/* The time constant is in seconds: sampling every second or every five
 * seconds gives the same estimate after the same time. */
static void test_ewma_seconds(void **state)
{
    (void)state;
    struct model_load_state fast, slow;
    uint64_t bf = 0, bs = 0;
    double expect = 0.6 - 0.4 * exp(-10.0 / 10.0);

    model_load_init(&fast, MODEL_DIR_VF_TO_VM);
    model_load_init(&slow, MODEL_DIR_VF_TO_VM);
    /* 0.2 until t = 100 (the first sample sets the estimate outright)... */
    feed(&fast, 0, 99, 1, 0.2, &bf);
    feed(&slow, 0, 95, 5, 0.2, &bs);
    assert_double_equal(model_load_demand(&fast), 0.2, 1e-6);
    assert_double_equal(model_load_demand(&slow), 0.2, 1e-6);
    /* ...then a step to 0.6 for ten seconds. */
    feed(&fast, 100, 110, 1, 0.6, &bf);
    feed(&slow, 100, 110, 5, 0.6, &bs);
    assert_double_equal(model_load_demand(&fast), expect, 0.01);
    assert_double_equal(model_load_demand(&slow), expect, 0.01);
}

/* One noisy sample moves nothing; two in a row are a real change. */
static void test_outlier_gate(void **state)
{
    (void)state;
    struct model_load_state st;
    struct model_load_sample s;
    uint64_t busy = 0;
    double before;

    model_load_init(&st, MODEL_DIR_VM_TO_VF);
    feed(&st, 0, 20, 1, 0.3, &busy);
    before = model_load_demand(&st);
    assert_double_equal(before, 0.3, 1e-6);

    /* A spike to 0.9 for one second, then back to 0.3. */
    struct model_counters c = snap(21, 0, 1e6);
    busy += (uint64_t)(0.6 * HZ); /* 0.9 instead of 0.3 this second */
    c.busy_cycles = busy;
    assert_int_equal(model_load_update(&st, &c, NULL, &s, NULL, 0), MODEL_OK);
    assert_true(s.held);
    assert_double_equal(model_load_demand(&st), before, 1e-12);
    busy += (uint64_t)(0.3 * HZ);
    feed(&st, 22, 22, 1, 0.3, &busy);
    assert_double_equal(model_load_demand(&st), before, 1e-6);

    /* A sustained change is taken once confirmed. */
    feed(&st, 23, 25, 1, 0.9, &busy);
    assert_true(model_load_demand(&st) > 0.35);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cycles),           cmocka_unit_test(test_linear_fallback),
        cmocka_unit_test(test_saturation),       cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_wrap_and_restart), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_ewma_seconds),     cmocka_unit_test(test_outlier_gate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
