/* SPDX-License-Identifier: BSD-3-Clause */
/* meter.h - per-direction rate limits: DPDK's srTCM meter (rte_meter) on
 * the worker's hot path.
 *
 * A direction without a limit has no meter (NULL), and the worker's only
 * cost is testing that pointer once per burst. A limited direction runs
 * each received packet through a single-rate three-colour marker with
 * CIR = the rate, CBS = rate x interval and no excess bucket: green
 * passes, everything else is dropped and counted as "rate limited". The
 * meter belongs to the direction, so it moves with it between workers
 * (the handover orders it like the rest of the direction's state).
 *
 * The control thread replaces a meter by publishing a new one (release)
 * and frees the old one after workers_quiesce() (rate_limit.h).
 */
#ifndef VIO4WD_METER_H
#define VIO4WD_METER_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_meter.h>

#include "rate.h"

struct relay_meter {
    struct rte_meter_srtcm m;
    struct rte_meter_srtcm_profile profile;
    struct vio4wd_rate rate;
};

#define METER_MAX_BURST 64

/* Keeps the packets within the limit (n <= METER_MAX_BURST) at the front
 * of pkts and frees the others, adding them to the drop counts and taking
 * their bytes off the burst's bytes. Returns how many were kept. Worker
 * only. */
static inline uint16_t meter_police(struct relay_meter *mt, struct rte_mbuf **pkts, uint16_t n,
                                    uint64_t now, uint64_t *drop_pkts, uint64_t *drop_bytes,
                                    uint64_t *bytes)
{
    struct rte_mbuf *red[METER_MAX_BURST];
    uint16_t kept = 0, n_red = 0;

    for (uint16_t i = 0; i < n; i++) {
        uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);
        if (rte_meter_srtcm_color_blind_check(&mt->m, &mt->profile, now, len) == RTE_COLOR_GREEN) {
            pkts[kept++] = pkts[i];
        } else {
            red[n_red++] = pkts[i];
            *drop_bytes += len;
            *bytes -= len;
        }
    }
    if (n_red) {
        *drop_pkts += n_red;
        rte_pktmbuf_free_bulk(red, n_red);
    }
    return kept;
}

#endif
