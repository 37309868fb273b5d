/* SPDX-License-Identifier: BSD-3-Clause */
/* hotplug_harness.c - drives the relay's internal port API (relay_add_vf /
 * relay_remove_vf, relay_snapshot) while a guest sends, the way the
 * port_control endpoint will: VFs come and go under traffic, traffic
 * resumes each time, and packets sent while no VF is attached are counted
 * as "VF not connected" drops.
 *
 * usage: hotplug_harness RUN_DIR SOCK_DIR CYCLES -- EAL-ARGS
 * Prints "ready" when relay 0's socket exists; exits 0 when every check
 * passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "counters_writer.h"
#include "eal.h"
#include "log.h"
#include "relay.h"
#include "vhost.h"
#include "worker.h"

static struct vio4wd_config g_cfg;

static uint64_t dir_cnt(unsigned relay, int dir, size_t field_off)
{
    const struct vio4wd_cnt_dir *d = &vio4wd_counters_relay(relay)->dir[dir];
    return __atomic_load_n((const uint64_t *)((const char *)d + field_off), __ATOMIC_RELAXED);
}
#define CNT(r, d, f) dir_cnt(r, d, offsetof(struct vio4wd_cnt_dir, f))

#define CHECK(cond, ...)                           \
    do {                                           \
        if (!(cond)) {                             \
            fprintf(stderr, "FAIL: " __VA_ARGS__); \
            fprintf(stderr, "\n");                 \
            failed = 1;                            \
            goto out;                              \
        }                                          \
    } while (0)

int main(int argc, char **argv)
{
    char err[512];
    struct eal_layout lay;
    int failed = 0;

    if (argc < 5 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: %s RUN_DIR SOCK_DIR CYCLES -- EAL-ARGS\n", argv[0]);
        return 2;
    }
    int cycles = atoi(argv[3]);
    log_open("hotplug", LOG_INFO, LOG_SINK_STDERR);
    config_init(&g_cfg);
    if (config_set(&g_cfg, "VIRTIOFWD_CPU_MASK", "1", err, sizeof(err)) ||
        config_set(&g_cfg, "VIRTIOFWD_SOCKET_DIR", argv[2], err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (eal_start(&g_cfg, argv[0], argc - 5, argv + 5, &lay, err, sizeof(err)) ||
        vio4wd_counters_create(argv[1], rte_get_tsc_hz(), lay.main_cpu, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    workers_init(lay.worker_cpus, lay.worker_lcores, lay.n_workers);
    relay_table_init(&g_cfg);
    vhost_init(&g_cfg);
    workers_launch();
    if (relay_add_socket(0, NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);

    for (int i = 0; i < 200 && __atomic_load_n(&g_relays[0].vid, __ATOMIC_ACQUIRE) < 0; i++)
        usleep(100000);
    CHECK(g_relays[0].vid >= 0, "guest did not connect");
    /* The guest sends once its port is up: wait for its packets, which are
     * dropped as "VF not connected" while relay 0 has no VF. */
    for (int i = 0; i < 200 && CNT(0, VIO4WD_DIR_VM_TO_VF, drop_nc_pkts) < 10000; i++)
        usleep(100000);
    CHECK(CNT(0, VIO4WD_DIR_VM_TO_VF, drop_nc_pkts) >= 10000, "no guest traffic");
    /* Relay 1 gets a VF that receives (net_null) but no guest: VF->VM drops. */
    CHECK(relay_add_vf(1, "net_null9", err, sizeof(err)) == 0, "add relay 1 VF: %s", err);
    CHECK(relay_add_vf(0, "net_null9", err, sizeof(err)) == -EBUSY,
          "a device serving relay 1 must be refused for relay 0");

    for (int c = 0; c < cycles; c++) {
        const char *dev = (c & 1) ? "net_null1,no-rx=1" : "net_null0,no-rx=1";
        uint64_t tx0 = CNT(0, VIO4WD_DIR_VM_TO_VF, tx_pkts);
        CHECK(relay_add_vf(0, dev, err, sizeof(err)) == 0, "cycle %d add: %s", c, err);
        CHECK(relay_add_vf(0, dev, err, sizeof(err)) == -EEXIST, "double add must fail");
        usleep(300000);
        uint64_t tx1 = CNT(0, VIO4WD_DIR_VM_TO_VF, tx_pkts);
        CHECK(tx1 > tx0 + 1000, "cycle %d: no traffic to the new VF (%lu -> %lu)", c,
              (unsigned long)tx0, (unsigned long)tx1);
        struct relay_info ri[VIO4WD_MAX_RELAYS];
        unsigned n = relay_snapshot(ri, VIO4WD_MAX_RELAYS, false);
        CHECK(n == 2 && ri[0].has_vf && ri[0].guest_up && ri[0].cpu[0] == 1 && ri[0].cpu[1] == 1,
              "snapshot: n=%u has_vf=%d guest_up=%d cpus=%d,%d", n, ri[0].has_vf, ri[0].guest_up,
              ri[0].cpu[0], ri[0].cpu[1]);

        uint64_t nc0 = CNT(0, VIO4WD_DIR_VM_TO_VF, drop_nc_pkts);
        CHECK(relay_remove_vf(0, err, sizeof(err)) == 0, "cycle %d remove: %s", c, err);
        CHECK(relay_remove_vf(0, err, sizeof(err)) == -ENOENT, "double remove must fail");
        usleep(200000);
        uint64_t nc1 = CNT(0, VIO4WD_DIR_VM_TO_VF, drop_nc_pkts);
        CHECK(nc1 > nc0 + 1000,
              "cycle %d: guest traffic without a VF not counted as "
              "not-connected drops (%lu -> %lu)",
              c, (unsigned long)nc0, (unsigned long)nc1);
        printf("cycle %d: VF %s carried %lu packets; %lu dropped while detached\n", c, dev,
               (unsigned long)(tx1 - tx0), (unsigned long)(nc1 - nc0));
    }
    CHECK(CNT(1, VIO4WD_DIR_VF_TO_VM, drop_nc_pkts) > 0,
          "relay 1: VF traffic without a guest not counted");
    CHECK(relay_remove_vf(1, err, sizeof(err)) == 0, "remove relay 1 VF: %s", err);
    printf("PASS: %d hot add/remove cycles under traffic\n", cycles);
out:
    workers_stop();
    relay_table_shutdown();
    vio4wd_counters_destroy();
    rte_eal_cleanup();
    return failed;
}
