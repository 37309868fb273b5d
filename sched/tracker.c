/* SPDX-License-Identifier: BSD-3-Clause */
/* tracker.c - counters to smoothed loads (see tracker.h). */
#include "tracker.h"

#include <stdlib.h>
#include <string.h>

static enum model_dir model_dir_of(int dir)
{
    return dir == VIO4WD_DIR_VF_TO_VM ? MODEL_DIR_VF_TO_VM : MODEL_DIR_VM_TO_VF;
}

void tracker_set_interval(struct tracker *t, double poll_interval_s)
{
    t->params.tau_s = poll_interval_s;
}

void tracker_reset(struct tracker *t)
{
    for (int r = 0; r < TRACKER_MAX_RELAYS; r++) {
        t->seen[r] = false;
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            memset(&t->dir[r][dir], 0, sizeof(t->dir[r][dir]));
            model_load_init(&t->dir[r][dir].est, model_dir_of(dir));
        }
    }
    t->have_generation = false;
}

void tracker_init(struct tracker *t, double poll_interval_s)
{
    memset(t, 0, sizeof(*t));
    model_load_defaults(&t->params);
    tracker_set_interval(t, poll_interval_s);
    tracker_reset(t);
}

static int alloc_state(struct sched_state *out, size_t n_workers, size_t n_relays)
{
    memset(out, 0, sizeof(*out));
    out->workers = malloc(sizeof(int) * (n_workers ? n_workers : 1));
    out->relays = malloc(sizeof(struct sched_relay) * (n_relays ? n_relays : 1));
    if (out->workers == NULL || out->relays == NULL) {
        sched_state_free(out);
        return -1;
    }
    return 0;
}

/* A relay that went away takes its estimates with it: a new relay that
 * later gets the same id starts from nothing. */
static void forget_absent(struct tracker *t, const bool *present)
{
    for (int r = 0; r < TRACKER_MAX_RELAYS; r++) {
        if (!t->seen[r] || present[r])
            continue;
        t->seen[r] = false;
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            memset(&t->dir[r][dir], 0, sizeof(t->dir[r][dir]));
            model_load_init(&t->dir[r][dir].est, model_dir_of(dir));
        }
    }
    for (int r = 0; r < TRACKER_MAX_RELAYS; r++)
        t->seen[r] = present[r];
}

/* Feeds one direction; true when it has an estimate to plan with. */
static bool feed(struct tracker *t, int id, int dir, const struct model_counters *c)
{
    struct tracker_dir *td = &t->dir[id][dir];
    /* A counter snapshot that makes no sense (tsc_hz 0) only costs this
     * sample; the estimate stays as it was. */
    model_load_update(&td->est, c, &t->params, NULL, NULL, 0);
    return td->est.have_estimate;
}

int tracker_feed_counters(struct tracker *t, const struct vio4wd_counters_snapshot *snap,
                          struct sched_state *out)
{
    const struct vio4wd_cnt_header *h = &snap->header;
    uint32_t n_workers = h->n_workers, max_relays = h->max_relays;
    bool ready = true, present[TRACKER_MAX_RELAYS] = {false};

    if (n_workers > VIO4WD_CNT_MAX_WORKERS)
        n_workers = VIO4WD_CNT_MAX_WORKERS;
    if (max_relays > VIO4WD_CNT_MAX_RELAYS)
        max_relays = VIO4WD_CNT_MAX_RELAYS;
    if (!t->have_generation || t->generation != h->epoch) {
        tracker_reset(t);
        t->generation = h->epoch;
        t->have_generation = true;
    }
    if (alloc_state(out, n_workers, max_relays) < 0)
        return -1;
    for (uint32_t i = 0; i < n_workers; i++)
        out->workers[out->n_workers++] = (int)snap->worker[i].cpu;

    for (uint32_t i = 0; i < max_relays; i++) {
        const struct vio4wd_cnt_relay *cr = &snap->relay[i];
        struct sched_relay r = {.id = (int)cr->id, .numa = cr->numa_node};
        bool placed = true;

        if (!(cr->flags & VIO4WD_RELAY_IN_USE) || cr->id >= TRACKER_MAX_RELAYS)
            continue;
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            const struct vio4wd_cnt_dir *cd = &cr->dir[dir];
            /* Loads are measured to the time of our read, not of the last
             * write: an idle direction's block is not rewritten, and its
             * load must still fall to zero. */
            struct model_counters c = {
                .packets = cd->rx_pkts,
                .bytes = cd->rx_bytes,
                .drops_queue_full = cd->drop_full_pkts,
                .drops_not_connected = cd->drop_nc_pkts,
                .drops_rate_limited = cd->drop_rl_pkts,
                .rate_limit_Bps = cd->rate_limit_Bps,
                .busy_cycles = cd->busy_cycles,
                .has_cycles = true,
                .rx_bursts = cd->rx_bursts,
                .rx_bursts_full = cd->rx_full_bursts,
                .tsc = snap->read_tsc != 0 ? snap->read_tsc : cd->update_tsc,
                .tsc_hz = h->tsc_hz,
            };
            r.cpu[dir] = cd->cpu;
            if (cd->cpu < 0)
                placed = false;
            if (!feed(t, r.id, dir, &c) && placed)
                ready = false;
            r.load[dir] = model_load_demand(&t->dir[r.id][dir].est);
        }
        present[r.id] = true;
        /* The relay places a direction itself when it starts; one with no
         * worker is not ours to move yet. */
        if (placed)
            out->relays[out->n_relays++] = r;
    }
    forget_absent(t, present);
    return ready ? 1 : 0;
}

/* Counters from a stats direction; rates are integrated when an old relay
 * sends no counters. */
static void stats_counters(struct tracker_dir *td, bool has_pkts, uint64_t pkts, bool has_bytes,
                           uint64_t bytes, float pkt_rate, float byte_rate, uint64_t drops_full,
                           uint64_t drops_nc, bool has_busy, uint64_t busy, uint64_t tsc_hz,
                           uint64_t now_ns, struct model_counters *c)
{
    /* The caller sets the rate-limit fields in *c (an old relay: zero). */
    uint64_t drops_rl = c->drops_rate_limited, limit = c->rate_limit_Bps;

    if (td->last_ns != 0 && now_ns > td->last_ns) {
        double secs = (double)(now_ns - td->last_ns) * 1e-9;
        td->synth_packets += (double)pkt_rate * secs;
        td->synth_bytes += (double)byte_rate * secs;
    }
    td->last_ns = now_ns;
    *c = (struct model_counters){
        .packets = has_pkts ? pkts : (uint64_t)td->synth_packets,
        .bytes = has_bytes ? bytes : (uint64_t)td->synth_bytes,
        .drops_queue_full = drops_full,
        .drops_not_connected = drops_nc,
        .drops_rate_limited = drops_rl,
        .rate_limit_Bps = limit,
        /* Cycles in ns, so that one clock (ours) measures the window. */
        .has_cycles = has_busy && tsc_hz != 0,
        .busy_cycles =
            has_busy && tsc_hz != 0 ? (uint64_t)((double)busy * 1e9 / (double)tsc_hz) : 0,
        .tsc = now_ns,
        .tsc_hz = 1000000000ull,
    };
}

int tracker_feed_stats(struct tracker *t, const Virtioforwarder__StatsResponse *resp,
                       uint64_t now_ns, const unsigned *workers, size_t n_workers,
                       struct sched_state *out)
{
    uint64_t tsc_hz = resp->has_tsc_hz ? resp->tsc_hz : 0;
    bool ready = true, present[TRACKER_MAX_RELAYS] = {false};

    if (alloc_state(out, n_workers, resp->n_relay) < 0)
        return -1;
    for (size_t i = 0; i < n_workers; i++)
        out->workers[out->n_workers++] = (int)workers[i];

    for (size_t i = 0; i < resp->n_relay; i++) {
        const Virtioforwarder__RelayState *rs = resp->relay[i];
        const Virtioforwarder__RelayState__VFtoVM *a = rs->vf_to_vm;
        const Virtioforwarder__RelayState__VMtoVF *b = rs->vm_to_vf;
        struct sched_relay r = {.id = (int)rs->id, .numa = (int)rs->socket_id, .cpu = {-1, -1}};
        struct model_counters c;

        if (rs->id >= TRACKER_MAX_RELAYS || a == NULL || b == NULL)
            continue;
        if (rs->cpu != NULL) {
            r.cpu[VIO4WD_DIR_VF_TO_VM] = rs->cpu->has_vf_to_vm ? rs->cpu->vf_to_vm : -1;
            r.cpu[VIO4WD_DIR_VM_TO_VF] = rs->cpu->has_vm_to_vf ? rs->cpu->vm_to_vf : -1;
        }
        c = (struct model_counters){.drops_rate_limited = a->pkts_dropped_rate_limited,
                                    .rate_limit_Bps = a->rate_limit_bytes_per_s};
        stats_counters(&t->dir[r.id][VIO4WD_DIR_VF_TO_VM], a->has_pkts_rx_from_vf,
                       a->pkts_rx_from_vf, a->has_bytes_rx_from_vf, a->bytes_rx_from_vf,
                       a->pkt_rate_rx_from_vf, a->byte_rate_rx_from_vf,
                       a->pkts_dropped_vm_queue_full, a->pkts_dropped_vm_not_connected,
                       a->has_busy_cycles, a->busy_cycles, tsc_hz, now_ns, &c);
        bool placed = r.cpu[0] >= 0 && r.cpu[1] >= 0;
        if (!feed(t, r.id, VIO4WD_DIR_VF_TO_VM, &c) && placed)
            ready = false;
        c = (struct model_counters){.drops_rate_limited = b->pkts_dropped_rate_limited,
                                    .rate_limit_Bps = b->rate_limit_bytes_per_s};
        stats_counters(&t->dir[r.id][VIO4WD_DIR_VM_TO_VF], b->has_pkts_rx_from_vm,
                       b->pkts_rx_from_vm, b->has_bytes_rx_from_vm, b->bytes_rx_from_vm,
                       b->pkt_rate_rx_from_vm, b->byte_rate_rx_from_vm,
                       b->pkts_dropped_vf_queue_full, b->pkts_dropped_vf_not_connected,
                       b->has_busy_cycles, b->busy_cycles, tsc_hz, now_ns, &c);
        if (!feed(t, r.id, VIO4WD_DIR_VM_TO_VF, &c) && placed)
            ready = false;
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            r.load[dir] = model_load_demand(&t->dir[r.id][dir].est);
        present[r.id] = true;
        if (placed)
            out->relays[out->n_relays++] = r;
    }
    forget_absent(t, present);
    return ready ? 1 : 0;
}
