/* SPDX-License-Identifier: BSD-3-Clause */
/* fake_tables.c - see fake_tables.h. */
#include "fake_tables.h"

#include <string.h>

#include "config.h"
#include "ctl_core_sched.h"
#include "relay.h"
#include "worker.h"

void fake_tables_setup(bool global_numa_opt)
{
    static struct vio4wd_config cfg;
    static const struct {
        unsigned cpu;
        int node;
    } cpus[] = {{1, 0}, {2, 0}, {9, 1}, {10, 1}};
    char err[256];

    static struct vio4wd_cnt_dir cnt[VIO4WD_MAX_RELAYS][VIO4WD_DIR_COUNT];

    memset(g_workers, 0, sizeof(g_workers));
    handover_init(&g_handover);
    g_n_workers = sizeof(cpus) / sizeof(cpus[0]);
    for (unsigned i = 0; i < g_n_workers; i++) {
        handover_add_worker(&g_handover, &g_workers[i].ho, i, cpus[i].cpu);
        g_workers[i].numa_node = cpus[i].node;
    }
    memset(g_relays, 0, sizeof(g_relays));
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        g_relays[id].id = id;
        g_relays[id].vid = -1;
        g_relays[id].numa_node = -1;
        for (unsigned d = 0; d < VIO4WD_DIR_COUNT; d++) {
            handover_add_dir(&g_handover, &g_relays[id].dir[d].ho,
                             (uint16_t)(id * VIO4WD_DIR_COUNT + d), &cnt[id][d]);
            g_relays[id].dir[d].pref_cpu = -1;
        }
    }
    g_relays[0].has_socket = true;
    g_relays[0].numa_node = 0;
    g_relays[1].has_vf = true;
    g_relays[1].numa_node = 1;

    config_init(&cfg);
    cfg.core_sched_enable = false; /* the handler, without a socket */
    cfg.core_sched_global_numa_opt = global_numa_opt;
    ctl_core_sched_init(&cfg, err, sizeof(err));
}

int fake_pref_cpu(unsigned relay, unsigned dir)
{
    return g_relays[relay].dir[dir].pref_cpu;
}
