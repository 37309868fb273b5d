/* SPDX-License-Identifier: BSD-3-Clause */
/* cnt_dump.c - prints the relay's counters as "key value" lines, for the
 * integration tests (and as an example of the counters reader API).
 *
 *   cnt_dump RUN_DIR_OR_FILE            all relays in use and all workers
 *   cnt_dump RUN_DIR_OR_FILE KEY        one value, e.g. relay0.vm_to_vf.rx_pkts
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "pause_hist.h"

int main(int argc, char **argv)
{
    char err[512], line[256];
    static struct vio4wd_counters_snapshot s;

    if (argc < 2) {
        fprintf(stderr, "usage: %s RUN_DIR|FILE [KEY]\n", argv[0]);
        return 2;
    }
    struct vio4wd_counters *c = vio4wd_counters_open(argv[1], err, sizeof(err));
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if (vio4wd_counters_snapshot(c, &s) != 0) {
        fprintf(stderr, "inconsistent snapshot\n");
        return 1;
    }
    const char *key = argc > 2 ? argv[2] : NULL;
    int found = 0;
#define OUT(fmt, ...)                                                                              \
    do {                                                                                           \
        int n_ = snprintf(line, sizeof(line), fmt, __VA_ARGS__);                                   \
        (void)n_;                                                                                  \
        char *sp_ = strchr(line, ' ');                                                             \
        if (!key)                                                                                  \
            puts(line);                                                                            \
        else if (sp_ && (size_t)(sp_ - line) == strlen(key) && !strncmp(line, key, strlen(key))) { \
            puts(sp_ + 1);                                                                         \
            found = 1;                                                                             \
        }                                                                                          \
    } while (0)
    OUT("header.version %u", s.header.version);
    OUT("header.state %u", s.header.state);
    OUT("header.epoch %llu", (unsigned long long)s.header.epoch);
    OUT("header.tsc_hz %llu", (unsigned long long)s.header.tsc_hz);
    OUT("header.pid %u", s.header.pid);
    OUT("header.n_workers %u", s.header.n_workers);
    OUT("read_tsc %llu", (unsigned long long)s.read_tsc);
    for (unsigned w = 0; w < s.header.n_workers; w++) {
        const struct vio4wd_cnt_worker *cw = &s.worker[w];
        OUT("worker%u.cpu %u", w, cw->cpu);
        OUT("worker%u.n_dirs %u", w, cw->n_dirs);
        OUT("worker%u.busy_cycles %llu", w, (unsigned long long)cw->busy_cycles);
        OUT("worker%u.idle_cycles %llu", w, (unsigned long long)cw->idle_cycles);
        OUT("worker%u.loops %llu", w, (unsigned long long)cw->loops);
        OUT("worker%u.parked %u", w, cw->parked);
        OUT("worker%u.parks %u", w, cw->parks);
        OUT("worker%u.sleep_cycles %llu", w, (unsigned long long)cw->sleep_cycles);
    }
    for (unsigned r = 0; r < s.header.max_relays; r++) {
        const struct vio4wd_cnt_relay *cr = &s.relay[r];
        if (!(cr->flags & VIO4WD_RELAY_IN_USE) && !key)
            continue;
        OUT("relay%u.flags %u", r, cr->flags);
        OUT("relay%u.numa_node %d", r, cr->numa_node);
        OUT("relay%u.n_queues %u", r, cr->n_queues);
        OUT("relay%u.vf_max_queues %u", r, cr->vf_max_queues);
        OUT("relay%u.vf_dev %s", r, cr->vf_dev[0] ? cr->vf_dev : "-");
        OUT("relay%u.vhost_path %s", r, cr->vhost_path[0] ? cr->vhost_path : "-");
        OUT("relay%u.vf.imissed %llu", r, (unsigned long long)cr->vf.imissed);
        OUT("relay%u.vf.rx_nombuf %llu", r, (unsigned long long)cr->vf.rx_nombuf);
        OUT("relay%u.vf.oerrors %llu", r, (unsigned long long)cr->vf.oerrors);
        OUT("relay%u.vf.update_tsc %llu", r, (unsigned long long)cr->vf.update_tsc);
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct vio4wd_cnt_dir *cd = &cr->dir[d];
            const char *dn = vio4wd_dir_name(d);
#define F(name) OUT("relay%u.%s." #name " %llu", r, dn, (unsigned long long)cd->name)
            OUT("relay%u.%s.cpu %d", r, dn, cd->cpu);
            F(rx_pkts);
            F(rx_bytes);
            F(tx_pkts);
            F(tx_bytes);
            F(drop_full_pkts);
            F(drop_full_bytes);
            F(drop_nc_pkts);
            F(drop_nc_bytes);
            F(busy_cycles);
            F(rx_bursts);
            F(rx_full_bursts);
            F(migrations);
            F(last_migration_tsc);
            F(update_tsc);
            F(drop_rl_pkts);
            F(drop_rl_bytes);
            F(rate_limit_Bps);
            F(rate_burst_bytes);
            F(pause_max_cycles);
            F(pause_last_cycles);
            F(pause_sum_cycles);
#undef F
            OUT("relay%u.%s.pause_count %llu", r, dn, (unsigned long long)vio4wd_pause_count(cd));
            for (unsigned b = 0; b < VIO4WD_CNT_PAUSE_BUCKETS; b++)
                OUT("relay%u.%s.pause_hist%u %u", r, dn, b, cd->pause_hist[b]);
            /* relay0.vm_to_vf.q1.rx_pkts: the queues shown, or any asked for */
            unsigned nq =
                key ? VIO4WD_CNT_MAX_QUEUES : vio4wd_counters_queues_shown(&s, r, (unsigned)d);
            OUT("relay%u.%s.queues_shown %u", r, dn,
                vio4wd_counters_queues_shown(&s, r, (unsigned)d));
            for (unsigned q = 0; q < nq; q++) {
                const struct vio4wd_cnt_queue *cq = &s.queues[r][d].q[q];
                OUT("relay%u.%s.q%u.rx_pkts %llu", r, dn, q, (unsigned long long)cq->rx_pkts);
                OUT("relay%u.%s.q%u.rx_bytes %llu", r, dn, q, (unsigned long long)cq->rx_bytes);
            }
        }
    }
    vio4wd_counters_close(c);
    if (key && !found) {
        fprintf(stderr, "no key %s\n", key);
        return 1;
    }
    return 0;
}
