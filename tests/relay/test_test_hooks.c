/* SPDX-License-Identifier: BSD-3-Clause */
/* test_test_hooks.c - the relay's test-only settings (relay/test_hooks.h):
 * defaults when unset, values when valid, a refusal naming the variable
 * and the valid range when not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_hooks.h"

static void unset_all(void)
{
    unsetenv("VIO4WD_TEST_GUEST_NUMA_NODE");
    unsetenv("VIO4WD_TEST_NS_PER_PACKET");
    unsetenv("VIO4WD_TEST_SYSFS_ROOT");
}

static void test_defaults_and_values(void **state)
{
    char err[256];
    (void)state;

    unset_all();
    assert_int_equal(test_hooks_load(err, sizeof(err)), 0);
    assert_int_equal(test_hooks()->guest_numa_node, -1);
    assert_int_equal(test_hooks()->ns_per_packet, 0);
    assert_string_equal(test_hooks()->sysfs_root, "/sys");

    setenv("VIO4WD_TEST_GUEST_NUMA_NODE", "1", 1);
    setenv("VIO4WD_TEST_NS_PER_PACKET", "2500", 1);
    setenv("VIO4WD_TEST_SYSFS_ROOT", "/tmp/fake-sys", 1);
    assert_int_equal(test_hooks_load(err, sizeof(err)), 0);
    assert_int_equal(test_hooks()->guest_numa_node, 1);
    assert_int_equal(test_hooks()->ns_per_packet, 2500);
    assert_string_equal(test_hooks()->sysfs_root, "/tmp/fake-sys");
    unset_all();
}

static void test_bad_values_are_refused(void **state)
{
    static const struct {
        const char *name, *value;
    } bad[] = {
        {"VIO4WD_TEST_GUEST_NUMA_NODE", "one"}, {"VIO4WD_TEST_GUEST_NUMA_NODE", "-1"},
        {"VIO4WD_TEST_GUEST_NUMA_NODE", "256"}, {"VIO4WD_TEST_NS_PER_PACKET", "1000001"},
        {"VIO4WD_TEST_NS_PER_PACKET", "10ns"},
    };
    char err[256];
    (void)state;

    unset_all();
    assert_int_equal(test_hooks_load(err, sizeof(err)), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv(bad[i].name, bad[i].value, 1);
        assert_int_equal(test_hooks_load(err, sizeof(err)), -1);
        assert_non_null(strstr(err, bad[i].name));
        assert_non_null(strstr(err, bad[i].value));
        assert_non_null(strstr(err, "from 0 to"));
        unsetenv(bad[i].name);
        /* a refused load changes nothing */
        assert_int_equal(test_hooks()->guest_numa_node, -1);
        assert_int_equal(test_hooks()->ns_per_packet, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_values),
        cmocka_unit_test(test_bad_values_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
