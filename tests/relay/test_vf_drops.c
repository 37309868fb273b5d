/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of the VF drop counters' accumulation (relay/vf_drops.h): the
 * published totals never go backwards when the PMD restarts its counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vf_drops.h"

static void test_increase_is_added(void **state)
{
    (void)state;
    uint64_t total = 100;
    vf_drops_accumulate(&total, 10, 25);
    assert_int_equal(total, 115);
    vf_drops_accumulate(&total, 25, 25); /* nothing new */
    assert_int_equal(total, 115);
}

static void test_restarted_count_is_all_new(void **state)
{
    (void)state;
    uint64_t total = 115;
    /* The VF was replaced or reset: its count starts again from 0. */
    vf_drops_accumulate(&total, 25, 4);
    assert_int_equal(total, 119);
    vf_drops_accumulate(&total, 4, 0); /* reset to exactly 0 */
    assert_int_equal(total, 119);
}

static void test_first_sample_counts_from_zero(void **state)
{
    (void)state;
    uint64_t total = 0;
    vf_drops_accumulate(&total, 0, UINT64_MAX);
    assert_true(total == UINT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_increase_is_added),
        cmocka_unit_test(test_restarted_count_is_all_new),
        cmocka_unit_test(test_first_sample_counts_from_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
