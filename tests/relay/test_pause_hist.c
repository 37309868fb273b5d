/* SPDX-License-Identifier: BSD-3-Clause */
/* test_pause_hist.c - handover pauses in the counters (lib/counters/
 * pause_hist.h): bucket edges at a real-looking and an odd TSC rate, the
 * record side (max, last, sum, histogram) and the reader's count. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pause_hist.h"

#define HZ 2400000000ull /* 2.4 GHz: 2400 cycles per microsecond */

static uint64_t us(double x)
{
    return (uint64_t)(x * (double)HZ / 1e6);
}

static void test_edges(void **state)
{
    (void)state;
    assert_int_equal(vio4wd_pause_bucket(0, HZ), 0);
    assert_int_equal(vio4wd_pause_bucket(us(1) - 1, HZ), 0); /* just under 1 us */
    assert_int_equal(vio4wd_pause_bucket(us(1), HZ), 1);     /* 1 us opens [1,2) */
    assert_int_equal(vio4wd_pause_bucket(us(2) - 1, HZ), 1);
    assert_int_equal(vio4wd_pause_bucket(us(2), HZ), 2);
    assert_int_equal(vio4wd_pause_bucket(us(9), HZ), 4);       /* [8,16) */
    assert_int_equal(vio4wd_pause_bucket(us(1023), HZ), 10);   /* [512,1024) */
    assert_int_equal(vio4wd_pause_bucket(us(1024), HZ), 11);   /* over a millisecond */
    assert_int_equal(vio4wd_pause_bucket(UINT64_MAX, HZ), 11); /* no overflow */
    assert_int_equal(vio4wd_pause_bucket(5, 0), VIO4WD_CNT_PAUSE_BUCKETS - 1); /* no rate */
    /* an odd rate: 1 MHz is one cycle per microsecond */
    assert_int_equal(vio4wd_pause_bucket(0, 1000000), 0);
    assert_int_equal(vio4wd_pause_bucket(1, 1000000), 1);
    assert_int_equal(vio4wd_pause_bucket(3, 1000000), 2);
    assert_int_equal(vio4wd_pause_bucket(4, 1000000), 3);
}

static void test_le(void **state)
{
    (void)state;
    /* every bucket's upper edge is the first pause of the next bucket */
    for (unsigned i = 0; i + 1 < VIO4WD_CNT_PAUSE_BUCKETS; i++) {
        double le = vio4wd_pause_bucket_le_us(i);
        assert_true(le == ldexp(1.0, (int)i));
        assert_int_equal(vio4wd_pause_bucket(us(le), HZ), i + 1);
        assert_int_equal(vio4wd_pause_bucket(us(le) - 1, HZ), i);
    }
    assert_true(isinf(vio4wd_pause_bucket_le_us(VIO4WD_CNT_PAUSE_BUCKETS - 1)));
    assert_true(fabs(vio4wd_pause_us(us(12.5), HZ) - 12.5) < 0.001);
    assert_true(vio4wd_pause_us(100, 0) == 0.0);
}

static void test_record(void **state)
{
    struct vio4wd_cnt_dir c;
    (void)state;
    memset(&c, 0, sizeof(c));
    assert_int_equal(vio4wd_pause_count(&c), 0);
    vio4wd_pause_record(&c, us(5), HZ);
    vio4wd_pause_record(&c, us(300), HZ);
    vio4wd_pause_record(&c, us(0.5), HZ);
    vio4wd_pause_record(&c, us(6), HZ);
    assert_int_equal(vio4wd_pause_count(&c), 4);
    assert_int_equal(c.pause_max_cycles, us(300));
    assert_int_equal(c.pause_last_cycles, us(6));
    assert_int_equal(c.pause_sum_cycles, us(5) + us(300) + us(0.5) + us(6));
    assert_int_equal(c.pause_hist[0], 1);
    assert_int_equal(c.pause_hist[3], 2); /* 5 and 6 us: [4,8) */
    assert_int_equal(c.pause_hist[9], 1); /* 300 us: [256,512) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_le),
        cmocka_unit_test(test_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
