/* SPDX-License-Identifier: BSD-3-Clause */
/* test_numa_place.c - the mbuf pool placement rule (relay/numa_place.h):
 * the guest's node once known, the VF's before, and no move without a
 * reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "numa_place.h"

static void before_guest_the_vf_decides(void **state)
{
    (void)state;
    assert_int_equal(numa_pool_target(-1, 1, -1), 1);
    assert_int_equal(numa_pool_target(-1, 0, -1), 0);
    assert_int_equal(numa_pool_target(-1, -1, -1), -1); /* any node */
}

static void guest_node_wins(void **state)
{
    (void)state;
    assert_int_equal(numa_pool_target(-1, 1, 0), 0); /* guest first: its node */
    assert_int_equal(numa_pool_target(1, 1, 0), 0);  /* pool on VF node: move */
    assert_int_equal(numa_pool_target(0, 1, 0), 0);  /* already there: stay */
    assert_int_equal(numa_pool_target(0, -1, 3), 3);
}

static void no_move_without_knowledge(void **state)
{
    (void)state;
    /* guest gone or node unknown: the pool stays where it is */
    assert_int_equal(numa_pool_target(0, 1, -1), 0);
    assert_int_equal(numa_pool_target(1, 0, -1), 1);
    assert_int_equal(numa_pool_target(2, -1, -1), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(before_guest_the_vf_decides),
        cmocka_unit_test(guest_node_wins),
        cmocka_unit_test(no_move_without_knowledge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
