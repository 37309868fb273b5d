/* SPDX-License-Identifier: BSD-3-Clause */
/* test_hooks.h - the relay's test-only settings: the one place that names
 * them all. They come from the environment, are read once at start
 * (test_hooks_load) and checked like any other input; a production relay
 * never has them set and runs on the defaults.
 *
 *   VIO4WD_TEST_GUEST_NUMA_NODE  0..255: the NUMA node every guest's memory
 *       is taken to be on, so a one-node machine can drive the mbuf pool
 *       move (tests/relay/test_pool_move.sh). Default: what rte_vhost says.
 *   VIO4WD_TEST_NS_PER_PACKET    0..1000000: time a worker spends on each
 *       packet it receives on top of forwarding it, as a heavier per-packet
 *       cost would, so that a generator sharing two CPUs with the relay can
 *       overload a worker (tests/sched/test_live.sh). Default 0.
 *   VIO4WD_TEST_SYSFS_ROOT       a directory standing for /sys, for the
 *       netdev -> VF resolver on fake trees (tests/portctl). Default /sys.
 */
#ifndef VIO4WD_TEST_HOOKS_H
#define VIO4WD_TEST_HOOKS_H

#include <stddef.h>

#include "config.h"

struct test_hooks {
    int guest_numa_node;    /* -1: the guest's own */
    unsigned ns_per_packet; /* 0: none */
    char sysfs_root[VIO4WD_PATH_MAX];
};

/* Reads the variables above. Returns 0, or -1 with err naming the
 * variable, its value and what is valid (the relay then exits as for a bad
 * configuration). Logs a warning for every one that is set. */
int test_hooks_load(char *err, size_t errlen);

/* The settings: the defaults until test_hooks_load() succeeded. */
const struct test_hooks *test_hooks(void);

#endif
