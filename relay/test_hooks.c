/* SPDX-License-Identifier: BSD-3-Clause */
/* test_hooks.c - the relay's test-only settings (test_hooks.h). */
#include "test_hooks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define TEST_HOOKS_DEFAULTS                                             \
    {                                                                   \
        .guest_numa_node = -1, .ns_per_packet = 0, .sysfs_root = "/sys" \
    }

static struct test_hooks g_hooks = TEST_HOOKS_DEFAULTS;

/* A whole decimal number in [0, max] from variable 'name'; 1 when it is
 * unset or empty, 0 with *out, -1 with err. */
static int read_number(const char *name, unsigned long max, unsigned long *out, char *err,
                       size_t errlen)
{
    const char *v = getenv(name);
    char *end;

    if (!v || !*v)
        return 1;
    errno = 0;
    *out = strtoul(v, &end, 10);
    if (*v == '-' || *end != '\0' || errno != 0 || *out > max) {
        snprintf(err, errlen,
                 "%s='%s': expected a whole number from 0 to %lu (test only; "
                 "unset it outside tests)",
                 name, v, max);
        return -1;
    }
    log_warning("test only: %s=%lu", name, *out);
    return 0;
}

int test_hooks_load(char *err, size_t errlen)
{
    struct test_hooks h = TEST_HOOKS_DEFAULTS;
    unsigned long n;
    int rc;

    rc = read_number("VIO4WD_TEST_GUEST_NUMA_NODE", 255, &n, err, errlen);
    if (rc < 0)
        return -1;
    if (rc == 0)
        h.guest_numa_node = (int)n;

    rc = read_number("VIO4WD_TEST_NS_PER_PACKET", 1000000, &n, err, errlen);
    if (rc < 0)
        return -1;
    if (rc == 0)
        h.ns_per_packet = (unsigned)n;

    const char *root = getenv("VIO4WD_TEST_SYSFS_ROOT");
    if (root && *root) {
        if (strlen(root) >= sizeof(h.sysfs_root)) {
            snprintf(err, errlen, "VIO4WD_TEST_SYSFS_ROOT: longer than %zu characters",
                     sizeof(h.sysfs_root) - 1);
            return -1;
        }
        snprintf(h.sysfs_root, sizeof(h.sysfs_root), "%s", root);
        log_warning("test only: VIO4WD_TEST_SYSFS_ROOT=%s", root);
    }
    g_hooks = h;
    return 0;
}

const struct test_hooks *test_hooks(void)
{
    return &g_hooks;
}
