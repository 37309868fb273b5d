/* SPDX-License-Identifier: BSD-3-Clause */
/* fake_tables.h - a relay table and worker list set up by hand, no EAL, so
 * the core_sched handler can be driven on a made-up two-node machine. */
#ifndef VIO4WD_FAKE_TABLES_H
#define VIO4WD_FAKE_TABLES_H

#include <stdbool.h>

/* Workers: CPUs 1, 2 on NUMA node 0 and CPUs 9, 10 on node 1.
 * Relays: 0 (memory on node 0) and 1 (node 1) in use, neither assigned to a
 * worker yet (so a move is recorded, not waited for); every other relay id
 * is unused. Configures core_sched with global NUMA optimisation as given. */
void fake_tables_setup(bool global_numa_opt);

/* The CPU the relay's direction would go to (its preferred CPU). */
int fake_pref_cpu(unsigned relay, unsigned dir);

#endif
