/* SPDX-License-Identifier: BSD-3-Clause */
/* test_lg_lat.c - the loadgen's latency histogram (tools/loadgen/lg_lat.h):
 * bucket edges, every value inside its bucket's range, percentiles of
 * known distributions within the promised 1/32, merging. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lg_lat.h"

static struct lg_lat h, h2;

static void test_buckets(void **state)
{
    uint64_t lo, hi;
    (void)state;
    /* below 64 ns: one bucket per value */
    for (uint64_t v = 0; v < 64; v++)
        assert_int_equal(lg_lat_bucket(v), v);
    /* the octave [64, 128) is cut in 32 buckets of 2 ns */
    assert_int_equal(lg_lat_bucket(64), 64);
    assert_int_equal(lg_lat_bucket(65), 64);
    assert_int_equal(lg_lat_bucket(66), 65);
    assert_int_equal(lg_lat_bucket(127), 95);
    assert_int_equal(lg_lat_bucket(128), 96);
    /* every value lies in its bucket's range; buckets are contiguous */
    for (uint64_t v = 1; v < (1ull << 41); v = v * 3 / 2 + 1) {
        unsigned b = lg_lat_bucket(v);
        lg_lat_bucket_range(b, &lo, &hi);
        assert_true(lo <= v && v < hi);
        assert_true(b < LG_LAT_BUCKETS);
    }
    for (unsigned b = 0; b + 2 < LG_LAT_BUCKETS; b++) {
        uint64_t lo2, hi2;
        lg_lat_bucket_range(b, &lo, &hi);
        lg_lat_bucket_range(b + 1, &lo2, &hi2);
        assert_true(hi == lo2);
        /* a bucket is at most 1/32 of its values wide */
        assert_true((hi - lo) * 32 <= (lo > 0 ? lo : 1) || hi - lo == 1);
    }
    /* beyond 2^40 ns: the last bucket */
    assert_int_equal(lg_lat_bucket(1ull << 40), LG_LAT_BUCKETS - 1);
    assert_int_equal(lg_lat_bucket(UINT64_MAX), LG_LAT_BUCKETS - 1);
}

static void within(double got, double want)
{
    if (fabs(got - want) > want / 32 + 1)
        fail_msg("got %.1f, want %.1f within 1/32", got, want);
}

static void test_quantiles(void **state)
{
    (void)state;
    memset(&h, 0, sizeof(h));
    assert_true(lg_lat_quantile_ns(&h, 0.5) == 0); /* no samples */
    /* 1..100000 ns, each once: the q-quantile is q * 100000 */
    for (uint64_t v = 1; v <= 100000; v++)
        lg_lat_record(&h, v);
    assert_int_equal(h.n, 100000);
    assert_int_equal(h.max_ns, 100000);
    within(lg_lat_quantile_ns(&h, 0.5), 50000);
    within(lg_lat_quantile_ns(&h, 0.99), 99000);
    within(lg_lat_quantile_ns(&h, 0.999), 99900);
    assert_true(lg_lat_quantile_ns(&h, 1.0) <= 100000); /* never above the max */
    within(lg_lat_quantile_ns(&h, 1.0), 100000);

    /* a tail: 990 samples at 5 us, 9 at 40 us, 1 at 2 ms */
    memset(&h, 0, sizeof(h));
    for (int i = 0; i < 990; i++)
        lg_lat_record(&h, 5000);
    for (int i = 0; i < 9; i++)
        lg_lat_record(&h, 40000);
    lg_lat_record(&h, 2000000);
    within(lg_lat_quantile_ns(&h, 0.5), 5000);
    within(lg_lat_quantile_ns(&h, 0.99), 5000); /* rank 990 */
    within(lg_lat_quantile_ns(&h, 0.995), 40000);
    within(lg_lat_quantile_ns(&h, 0.999), 40000); /* rank 999 */
    assert_true(lg_lat_quantile_ns(&h, 1.0) == 2000000);
    /* exact small values stay exact */
    memset(&h, 0, sizeof(h));
    lg_lat_record(&h, 7);
    assert_true(lg_lat_quantile_ns(&h, 0.5) == 7);
}

static void test_merge(void **state)
{
    (void)state;
    memset(&h, 0, sizeof(h));
    memset(&h2, 0, sizeof(h2));
    for (int i = 0; i < 100; i++)
        lg_lat_record(&h, 1000);
    for (int i = 0; i < 100; i++)
        lg_lat_record(&h2, 3000);
    lg_lat_merge(&h, &h2);
    assert_int_equal(h.n, 200);
    assert_int_equal(h.max_ns, 3000);
    within(lg_lat_quantile_ns(&h, 0.5), 1000);
    within(lg_lat_quantile_ns(&h, 0.51), 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
