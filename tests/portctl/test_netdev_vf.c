/* SPDX-License-Identifier: BSD-3-Clause */
/* test_netdev_vf.c - the sysfs resolver on fake trees: a VF's own netdev,
 * a switchdev representor, and the cases that are not a VF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "netdev_vf.h"
#include "test_hooks.h"

static char root[256];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

/* A NIC at 0000:05:00 with PF functions .0 and .1; PF 0 has VFs 0..3 at
 * 0000:05:08.0-3 (relative links, as the kernel makes them). */
static int make_tree(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/netdev_vf.XXXXXX");
    assert_non_null(mkdtemp(root));
    sh("cd %s && mkdir -p devices/pci0000:00/0000:05:00.0 devices/pci0000:00/0000:05:00.1 "
       "class/net",
       root);
    for (int vf = 0; vf < 4; vf++) {
        sh("cd %s/devices/pci0000:00 && mkdir 0000:05:08.%d && "
           "ln -s ../0000:05:08.%d 0000:05:00.0/virtfn%d && "
           "ln -s ../0000:05:00.0 0000:05:08.%d/physfn",
           root, vf, vf, vf, vf);
    }
    /* eth5: VF 2's own netdev */
    sh("cd %s/class/net && mkdir eth5 && ln -s ../../../devices/pci0000:00/0000:05:08.2 "
       "eth5/device",
       root);
    /* rep1: representor of PF 0's VF 3 (device = the PF) */
    sh("cd %s/class/net && mkdir rep1 && ln -s ../../../devices/pci0000:00/0000:05:00.0 "
       "rep1/device && echo pf0vf3 > rep1/phys_port_name",
       root);
    /* up0: the uplink (PF) itself */
    sh("cd %s/class/net && mkdir up0 && ln -s ../../../devices/pci0000:00/0000:05:00.0 "
       "up0/device && echo p0 > up0/phys_port_name",
       root);
    /* bad: a representor with a malformed name; far: VF 9 does not exist */
    sh("cd %s/class/net && mkdir bad far && "
       "ln -s ../../../devices/pci0000:00/0000:05:00.0 bad/device && echo pf0vfx > "
       "bad/phys_port_name && ln -s ../../../devices/pci0000:00/0000:05:00.0 far/device && "
       "echo pf0vf9 > far/phys_port_name",
       root);
    /* br0: a virtual interface, no device link */
    sh("mkdir %s/class/net/br0", root);
    return 0;
}

static int remove_tree(void **state)
{
    (void)state;
    sh("rm -rf %s", root);
    return 0;
}

static void vf_own_netdev(void **state)
{
    (void)state;
    struct netdev_vf vf;
    char err[256];
    assert_int_equal(netdev_vf_resolve(root, "eth5", &vf, err, sizeof(err)), 0);
    assert_string_equal(vf.pci, "0000:05:08.2");
    assert_int_equal(vf.index, 2);
    assert_false(vf.representor);
}

static void switchdev_representor(void **state)
{
    (void)state;
    struct netdev_vf vf;
    char err[256];
    assert_int_equal(netdev_vf_resolve(root, "rep1", &vf, err, sizeof(err)), 0);
    assert_string_equal(vf.pci, "0000:05:08.3");
    assert_int_equal(vf.index, 3);
    assert_true(vf.representor);
}

static void expect_error(const char *ifname, const char *why)
{
    struct netdev_vf vf;
    char err[256] = "";
    assert_int_equal(netdev_vf_resolve(root, ifname, &vf, err, sizeof(err)), -1);
    if (!strstr(err, why))
        fail_msg("%s: '%s' does not say '%s'", ifname, err, why);
}

static void bad_cases_say_why(void **state)
{
    (void)state;
    expect_error("nosuch0", "no such network interface");
    expect_error("br0", "no device link");
    expect_error("up0", "not a VF");
    expect_error("bad", "phys_port_name 'pf0vfx' is not");
    expect_error("far", "has no virtfn9");
    expect_error("../x", "not an interface name");
    expect_error("", "not an interface name");
}

static void malformed_port_names(void **state)
{
    (void)state;
    const char *names[] = {"pf0vf", "pfvf1", "pf0vf1x", "pf-1vf2", "pf0vf 1", "pf0xvf1"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        sh("echo '%s' > %s/class/net/bad/phys_port_name", names[i], root);
        expect_error("bad", "is not a VF representor");
    }
}

static void root_defaults_to_sys(void **state)
{
    (void)state;
    char err[256];
    unsetenv("VIO4WD_TEST_SYSFS_ROOT");
    assert_int_equal(test_hooks_load(err, sizeof(err)), 0);
    assert_string_equal(netdev_vf_sysfs_root(), "/sys");
    setenv("VIO4WD_TEST_SYSFS_ROOT", root, 1);
    assert_int_equal(test_hooks_load(err, sizeof(err)), 0); /* read at start, once */
    assert_string_equal(netdev_vf_sysfs_root(), root);
    unsetenv("VIO4WD_TEST_SYSFS_ROOT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vf_own_netdev),        cmocka_unit_test(switchdev_representor),
        cmocka_unit_test(bad_cases_say_why),    cmocka_unit_test(malformed_port_names),
        cmocka_unit_test(root_defaults_to_sys),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
