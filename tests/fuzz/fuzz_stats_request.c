/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: bytes on the stats socket -> a StatsResponse built
 * from fixed counter snapshots. Must never crash, and every reply must
 * decode (all required fields set). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vio4wd_counters_snapshot then, now;

static void make_snapshots(void)
{
    for (int s = 0; s < 2; s++) {
        struct vio4wd_counters_snapshot *x = s ? &now : &then;
        x->header.epoch = 1;
        x->header.tsc_hz = 2000000000ULL;
        x->header.max_relays = VIO4WD_CNT_MAX_RELAYS;
        x->header.n_workers = 4;
        x->read_tsc = s ? 4000000000ULL : 2000000000ULL;
        for (unsigned r = 0; r < VIO4WD_CNT_MAX_RELAYS; r += 3) {
            x->relay[r].flags = VIO4WD_RELAY_IN_USE | (r % 2 ? VIO4WD_RELAY_ACTIVE : 0);
            x->relay[r].numa_node = (int)(r % 2) - 1 + (int)s;
            strcpy(x->relay[r].vf_dev, "net_null0");
            x->relay[r].dir[0].rx_pkts = (uint64_t)r * 1000 * (s + 1);
            x->relay[r].dir[1].busy_cycles = (uint64_t)r << (20 + s);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!now.header.epoch)
        make_snapshots();
    Virtioforwarder__StatsRequest *req = virtioforwarder__stats_request__unpack(NULL, size, data);
    uint8_t *reply = NULL;
    size_t len;
    if (!req) {
        len = stats_view_error(VIRTIOFORWARDER__STATS_RESPONSE__STATUS__EBADR, &reply);
    } else if (stats_view_check(req) != VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK) {
        len = stats_view_error(stats_view_check(req), &reply);
    } else {
        len = stats_view_reply(req, size % 2 ? &then : NULL, &now, &reply);
    }
    Virtioforwarder__StatsResponse *resp =
        virtioforwarder__stats_response__unpack(NULL, len, reply);
    if (!resp)
        __builtin_trap();
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    if (req)
        virtioforwarder__stats_request__free_unpacked(req, NULL);
    free(reply);
    return 0;
}
