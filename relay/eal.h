/* SPDX-License-Identifier: BSD-3-Clause */
/* eal.h - builds the EAL command line from the configuration and starts
 * DPDK. */
#ifndef VIO4WD_EAL_H
#define VIO4WD_EAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct eal_layout {
    unsigned n_workers;
    unsigned worker_cpus[VIO4WD_MAX_CPUS];
    unsigned worker_lcores[VIO4WD_MAX_CPUS];
    unsigned main_cpu;
    unsigned main_lcore;
    bool main_shared; /* main_cpu is also a worker's */
};

/* Worker lcores are the CPUs of VIRTIOFWD_CPU_MASK, with lcore id = CPU.
 * The main lcore runs on VIRTIOFWD_MASTER_LCORE; when that CPU is also a
 * worker (small machines), it gets a spare lcore id mapped onto the same
 * CPU with --lcores. 'extra' (everything after "--" on our command line) is
 * appended verbatim. Returns 0 or -1 with err set. */
int eal_start(const struct vio4wd_config *cfg, const char *prog, int n_extra, char **extra,
              struct eal_layout *out, char *err, size_t errlen);

#endif
