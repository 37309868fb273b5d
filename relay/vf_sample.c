/* SPDX-License-Identifier: BSD-3-Clause */
/* vf_sample.c - samples the VF's drop counters on the control thread
 * (see vf_sample.h, vf_drops.h). */
#include "vf_sample.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "counters_writer.h"
#include "dir.h"
#include "vf_drops.h"

static void publish(struct relay *r, uint64_t now)
{
    struct vio4wd_cnt_relay *c = r->cnt;

    vio4wd_counters_write_begin(&c->info_seq);
    c->vf.imissed = r->vf_drops.total[0];
    c->vf.rx_nombuf = r->vf_drops.total[1];
    c->vf.oerrors = r->vf_drops.total[2];
    c->vf.update_tsc = now;
    vio4wd_counters_write_end(&c->info_seq);
}

static void sample_now(struct relay *r, uint64_t now)
{
    struct rte_eth_stats st;
    struct vf_drops *d = &r->vf_drops;

    if (rte_eth_stats_get(r->vf_port, &st) != 0)
        return; /* the port is going away; its last sample stands */
    const uint64_t raw[3] = {st.imissed, st.rx_nombuf, st.oerrors};
    for (int i = 0; i < 3; i++) {
        vf_drops_accumulate(&d->total[i], d->raw[i], raw[i]);
        d->raw[i] = raw[i];
    }
    publish(r, now);
}

void vf_drops_sample(struct relay *r, uint64_t now)
{
    if (!r->has_vf || now < r->vf_drops.due_tsc)
        return;
    r->vf_drops.due_tsc = now + rte_get_tsc_hz() / 1000 * VIO4WD_VF_SAMPLE_MS;
    sample_now(r, now);
}

void vf_drops_detach(struct relay *r)
{
    if (r->has_vf)
        sample_now(r, rte_rdtsc());
    for (int i = 0; i < 3; i++)
        r->vf_drops.raw[i] = 0;
    r->vf_drops.due_tsc = 0;
}
