/* SPDX-License-Identifier: BSD-3-Clause */
/* stats_view.c - counters snapshots -> StatsResponse. */
#include "stats_view.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pause_hist.h"

Virtioforwarder__StatsResponse__Status stats_view_check(const Virtioforwarder__StatsRequest *req)
{
    if (req->n_relay > VIO4WD_CNT_MAX_RELAYS)
        return VIRTIOFORWARDER__STATS_RESPONSE__STATUS__E2BIG;
    if (req->has_delay && req->delay > STATS_MAX_DELAY_MS)
        return VIRTIOFORWARDER__STATS_RESPONSE__STATUS__EBADR;
    return VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK;
}

/* The window between two snapshots: what every rate divides by. */
struct window {
    const struct vio4wd_counters_snapshot *then; /* NULL: since start */
    double seconds;
    double tsc_cycles;
};

static struct window make_window(const struct vio4wd_counters_snapshot *then,
                                 const struct vio4wd_counters_snapshot *now)
{
    struct window w = {NULL, 0, 0};
    uint64_t start = now->header.start_tsc;

    if (then && then->header.epoch == now->header.epoch && then->read_tsc <= now->read_tsc) {
        w.then = then;
        start = then->read_tsc;
    }
    if (now->read_tsc > start)
        w.tsc_cycles = (double)(now->read_tsc - start);
    if (now->header.tsc_hz > 0)
        w.seconds = w.tsc_cycles / (double)now->header.tsc_hz;
    return w;
}

static uint64_t delta(uint64_t now, uint64_t then)
{
    return now >= then ? now - then : 0; /* counters never go back in an epoch */
}

static float rate(const struct window *w, uint64_t now, uint64_t then)
{
    return w->seconds > 0 ? (float)((double)delta(now, then) / w->seconds) : 0.0f;
}

/* The counters of one direction, and of the same direction a window ago. */
struct dir_delta {
    const struct vio4wd_cnt_dir *now, *then;
};

static struct dir_delta dir_delta(const struct window *w, unsigned relay, unsigned dir,
                                  const struct vio4wd_counters_snapshot *now)
{
    static const struct vio4wd_cnt_dir zero;
    struct dir_delta d = {&now->relay[relay].dir[dir], &zero};
    if (w->then)
        d.then = &w->then->relay[relay].dir[dir];
    return d;
}

static float dir_load(const struct window *w, const struct dir_delta *d)
{
    return w->tsc_cycles > 0
               ? (float)((double)delta(d->now->busy_cycles, d->then->busy_cycles) / w->tsc_cycles)
               : 0.0f;
}

/* What an operator wants to know first about a direction that is not moving
 * packets: which end is missing. */
static const char *internal_state(uint32_t flags, const struct vio4wd_cnt_dir *d)
{
    if (!(flags & VIO4WD_RELAY_VF_READY))
        return "no VF";
    if (!(flags & VIO4WD_RELAY_GUEST_UP))
        return "no guest";
    return d->cpu >= 0 ? "forwarding" : "unassigned";
}

/* Everything one RelayState points to, allocated in one block. */
struct relay_block {
    Virtioforwarder__RelayState state;
    Virtioforwarder__RelayState__CPU cpu;
    Virtioforwarder__RelayState__VHOST vhost;
    Virtioforwarder__RelayState__VF vf;
    Virtioforwarder__RelayState__VFtoVM up;
    Virtioforwarder__RelayState__VMtoVF down;
    Virtioforwarder__RelayState__Queue queue[VIO4WD_DIR_COUNT][VIO4WD_CNT_MAX_QUEUES];
    Virtioforwarder__RelayState__Queue *queue_ptr[VIO4WD_DIR_COUNT][VIO4WD_CNT_MAX_QUEUES];
    Virtioforwarder__RelayState__HandoverPause pause[VIO4WD_DIR_COUNT];
    uint64_t pause_bucket[VIO4WD_DIR_COUNT][VIO4WD_CNT_PAUSE_BUCKETS];
    double pause_le_us[VIO4WD_DIR_COUNT][VIO4WD_CNT_PAUSE_BUCKETS];
};

/* Direction d's handover pauses into b (pause_hist.h). */
static Virtioforwarder__RelayState__HandoverPause *
fill_pause(struct relay_block *b, const struct vio4wd_counters_snapshot *now, unsigned id,
           unsigned d)
{
    Virtioforwarder__RelayState__HandoverPause *m = &b->pause[d];
    const struct vio4wd_cnt_dir *c = &now->relay[id].dir[d];
    uint64_t hz = now->header.tsc_hz;

    virtioforwarder__relay_state__handover_pause__init(m);
    m->has_count = m->has_max_us = m->has_last_us = m->has_sum_us = true;
    m->count = vio4wd_pause_count(c);
    m->max_us = vio4wd_pause_us(c->pause_max_cycles, hz);
    m->last_us = vio4wd_pause_us(c->pause_last_cycles, hz);
    m->sum_us = vio4wd_pause_us(c->pause_sum_cycles, hz);
    for (unsigned i = 0; i < VIO4WD_CNT_PAUSE_BUCKETS; i++) {
        b->pause_bucket[d][i] = c->pause_hist[i];
        b->pause_le_us[d][i] = vio4wd_pause_bucket_le_us(i);
    }
    m->n_bucket = m->n_bucket_le_us = VIO4WD_CNT_PAUSE_BUCKETS;
    m->bucket = b->pause_bucket[d];
    m->bucket_le_us = b->pause_le_us[d];
    return m;
}

/* The queue list of direction d into b; returns its length. */
static size_t fill_queues(struct relay_block *b, const struct vio4wd_counters_snapshot *now,
                          unsigned id, unsigned d)
{
    unsigned n = vio4wd_counters_queues_shown(now, id, d);

    for (unsigned q = 0; q < n; q++) {
        Virtioforwarder__RelayState__Queue *m = &b->queue[d][q];
        virtioforwarder__relay_state__queue__init(m);
        m->index = q;
        m->has_pkts_rx = m->has_bytes_rx = true;
        m->pkts_rx = now->queues[id][d].q[q].rx_pkts;
        m->bytes_rx = now->queues[id][d].q[q].rx_bytes;
        b->queue_ptr[d][q] = m;
    }
    return n;
}

/* The rate-limit extension fields, the same in both directions' messages. */
struct rate_fields {
    protobuf_c_boolean *has[4];
    uint64_t *val[4];
};

static void fill_rate(const struct rate_fields *f, const struct vio4wd_cnt_dir *now)
{
    const uint64_t v[4] = {now->drop_rl_pkts, now->drop_rl_bytes, now->rate_limit_Bps,
                           now->rate_burst_bytes};
    for (int i = 0; i < 4; i++) {
        *f->has[i] = true;
        *f->val[i] = v[i];
    }
}

static void fill_vf_to_vm(Virtioforwarder__RelayState__VFtoVM *m, const struct window *w,
                          const struct dir_delta *d, const struct vio4wd_cnt_relay *r)
{
    uint32_t flags = r->flags;

    virtioforwarder__relay_state__vfto_vm__init(m);
    m->active = (flags & VIO4WD_RELAY_VF_READY) != 0;
    m->internal_state = (char *)internal_state(flags, d->now);
    m->has_pkts_rx_from_vf = m->has_bytes_rx_from_vf = true;
    m->has_pkts_tx_to_vm = m->has_bytes_tx_to_vm = true;
    m->has_pkts_dropped_vm_queue_full = m->has_bytes_dropped_vm_queue_full = true;
    m->has_pkts_dropped_vm_not_connected = m->has_bytes_dropped_vm_not_connected = true;
    m->pkts_rx_from_vf = d->now->rx_pkts;
    m->bytes_rx_from_vf = d->now->rx_bytes;
    m->pkts_tx_to_vm = d->now->tx_pkts;
    m->bytes_tx_to_vm = d->now->tx_bytes;
    m->pkts_dropped_vm_queue_full = d->now->drop_full_pkts;
    m->bytes_dropped_vm_queue_full = d->now->drop_full_bytes;
    m->pkts_dropped_vm_not_connected = d->now->drop_nc_pkts;
    m->bytes_dropped_vm_not_connected = d->now->drop_nc_bytes;
    m->pkt_rate_rx_from_vf = rate(w, d->now->rx_pkts, d->then->rx_pkts);
    m->byte_rate_rx_from_vf = rate(w, d->now->rx_bytes, d->then->rx_bytes);
    m->pkt_rate_tx_to_vm = rate(w, d->now->tx_pkts, d->then->tx_pkts);
    m->byte_rate_tx_to_vm = rate(w, d->now->tx_bytes, d->then->tx_bytes);
    m->has_busy_cycles = m->has_load = m->has_migrations = true;
    m->busy_cycles = d->now->busy_cycles;
    m->load = dir_load(w, d);
    m->migrations = d->now->migrations;
    m->has_pkts_dropped_vf_rx_missed = m->has_pkts_dropped_vf_rx_nombuf = true;
    m->pkts_dropped_vf_rx_missed = r->vf.imissed;
    m->pkts_dropped_vf_rx_nombuf = r->vf.rx_nombuf;
    fill_rate(
        &(struct rate_fields){{&m->has_pkts_dropped_rate_limited,
                               &m->has_bytes_dropped_rate_limited, &m->has_rate_limit_bytes_per_s,
                               &m->has_rate_limit_burst_bytes},
                              {&m->pkts_dropped_rate_limited, &m->bytes_dropped_rate_limited,
                               &m->rate_limit_bytes_per_s, &m->rate_limit_burst_bytes}},
        d->now);
}

static void fill_vm_to_vf(Virtioforwarder__RelayState__VMtoVF *m, const struct window *w,
                          const struct dir_delta *d, const struct vio4wd_cnt_relay *r)
{
    uint32_t flags = r->flags;

    virtioforwarder__relay_state__vmto_vf__init(m);
    m->active = (flags & VIO4WD_RELAY_GUEST_UP) != 0;
    m->internal_state = (char *)internal_state(flags, d->now);
    m->has_pkts_rx_from_vm = m->has_bytes_rx_from_vm = true;
    m->has_pkts_tx_to_vf = m->has_bytes_tx_to_vf = true;
    m->has_pkts_dropped_vf_queue_full = m->has_bytes_dropped_vf_queue_full = true;
    m->has_pkts_dropped_vf_not_connected = m->has_bytes_dropped_vf_not_connected = true;
    m->pkts_rx_from_vm = d->now->rx_pkts;
    m->bytes_rx_from_vm = d->now->rx_bytes;
    m->pkts_tx_to_vf = d->now->tx_pkts;
    m->bytes_tx_to_vf = d->now->tx_bytes;
    m->pkts_dropped_vf_queue_full = d->now->drop_full_pkts;
    m->bytes_dropped_vf_queue_full = d->now->drop_full_bytes;
    m->pkts_dropped_vf_not_connected = d->now->drop_nc_pkts;
    m->bytes_dropped_vf_not_connected = d->now->drop_nc_bytes;
    m->pkt_rate_rx_from_vm = rate(w, d->now->rx_pkts, d->then->rx_pkts);
    m->byte_rate_rx_from_vm = rate(w, d->now->rx_bytes, d->then->rx_bytes);
    m->pkt_rate_tx_to_vf = rate(w, d->now->tx_pkts, d->then->tx_pkts);
    m->byte_rate_tx_to_vf = rate(w, d->now->tx_bytes, d->then->tx_bytes);
    m->has_busy_cycles = m->has_load = m->has_migrations = true;
    m->busy_cycles = d->now->busy_cycles;
    m->load = dir_load(w, d);
    m->migrations = d->now->migrations;
    m->has_pkts_dropped_vf_tx_error = true;
    m->pkts_dropped_vf_tx_error = r->vf.oerrors;
    fill_rate(
        &(struct rate_fields){{&m->has_pkts_dropped_rate_limited,
                               &m->has_bytes_dropped_rate_limited, &m->has_rate_limit_bytes_per_s,
                               &m->has_rate_limit_burst_bytes},
                              {&m->pkts_dropped_rate_limited, &m->bytes_dropped_rate_limited,
                               &m->rate_limit_bytes_per_s, &m->rate_limit_burst_bytes}},
        d->now);
}

static void fill_relay(struct relay_block *b, const struct window *w, unsigned id,
                       const struct vio4wd_counters_snapshot *now)
{
    const struct vio4wd_cnt_relay *r = &now->relay[id];
    struct dir_delta up = dir_delta(w, id, VIO4WD_DIR_VF_TO_VM, now);
    struct dir_delta down = dir_delta(w, id, VIO4WD_DIR_VM_TO_VF, now);

    virtioforwarder__relay_state__init(&b->state);
    virtioforwarder__relay_state__cpu__init(&b->cpu);
    virtioforwarder__relay_state__vhost__init(&b->vhost);
    virtioforwarder__relay_state__vf__init(&b->vf);

    b->state.id = id;
    b->state.active = (r->flags & VIO4WD_RELAY_ACTIVE) == VIO4WD_RELAY_ACTIVE;
    b->cpu.has_vf_to_vm = b->cpu.has_vm_to_vf = true;
    b->cpu.vf_to_vm = up.now->cpu;
    b->cpu.vm_to_vf = down.now->cpu;
    b->state.cpu = &b->cpu;
    b->vhost.vhost_socket_name = (char *)r->vhost_path;
    b->state.vhost = &b->vhost;
    if (r->vf_dev[0]) {
        b->vf.pci_addr_str = (char *)r->vf_dev;
        b->state.vf = &b->vf;
    }
    fill_vf_to_vm(&b->up, w, &up, r);
    fill_vm_to_vf(&b->down, w, &down, r);
    b->up.n_queue = fill_queues(b, now, id, VIO4WD_DIR_VF_TO_VM);
    b->up.queue = b->queue_ptr[VIO4WD_DIR_VF_TO_VM];
    b->down.n_queue = fill_queues(b, now, id, VIO4WD_DIR_VM_TO_VF);
    b->down.queue = b->queue_ptr[VIO4WD_DIR_VM_TO_VF];
    b->up.handover_pause = fill_pause(b, now, id, VIO4WD_DIR_VF_TO_VM);
    b->down.handover_pause = fill_pause(b, now, id, VIO4WD_DIR_VM_TO_VF);
    b->state.vf_to_vm = &b->up;
    b->state.vm_to_vf = &b->down;
    b->state.socket_id = r->numa_node >= 0 ? (uint32_t)r->numa_node : 0;
}

static bool wanted(const Virtioforwarder__StatsRequest *req, unsigned id, uint32_t flags)
{
    if (!(flags & VIO4WD_RELAY_IN_USE))
        return false;
    bool include_inactive = !req->has_include_inactive || req->include_inactive;
    if (!include_inactive && (flags & VIO4WD_RELAY_ACTIVE) != VIO4WD_RELAY_ACTIVE)
        return false;
    if (req->n_relay == 0)
        return true;
    for (size_t i = 0; i < req->n_relay; i++)
        if (req->relay[i] == id)
            return true;
    return false;
}

static void fill_worker(Virtioforwarder__WorkerState *m, const struct window *w,
                        const struct vio4wd_cnt_worker *now, const struct vio4wd_cnt_worker *then)
{
    virtioforwarder__worker_state__init(m);
    m->cpu = now->cpu;
    m->has_numa_node = now->numa_node >= 0;
    m->numa_node = now->numa_node >= 0 ? (uint32_t)now->numa_node : 0;
    m->has_busy_cycles = m->has_idle_cycles = m->has_loops = m->has_load = true;
    m->busy_cycles = now->busy_cycles;
    m->idle_cycles = now->idle_cycles;
    m->loops = now->loops;
    m->has_parked = m->has_sleep_cycles = true;
    m->parked = now->parked != 0;
    m->sleep_cycles = now->sleep_cycles;
    uint64_t busy = delta(now->busy_cycles, then ? then->busy_cycles : 0);
    uint64_t idle = delta(now->idle_cycles, then ? then->idle_cycles : 0);
    m->load = busy + idle > 0 ? (float)((double)busy / (double)(busy + idle)) : 0.0f;
    (void)w;
}

size_t stats_view_reply(const Virtioforwarder__StatsRequest *req,
                        const struct vio4wd_counters_snapshot *then,
                        const struct vio4wd_counters_snapshot *now, uint8_t **out)
{
    Virtioforwarder__StatsResponse resp = VIRTIOFORWARDER__STATS_RESPONSE__INIT;
    struct window w = make_window(then, now);
    unsigned max_relays = now->header.max_relays < VIO4WD_CNT_MAX_RELAYS ? now->header.max_relays
                                                                         : VIO4WD_CNT_MAX_RELAYS;
    unsigned n_workers = now->header.n_workers < VIO4WD_CNT_MAX_WORKERS ? now->header.n_workers
                                                                        : VIO4WD_CNT_MAX_WORKERS;
    struct relay_block *blocks = calloc(VIO4WD_CNT_MAX_RELAYS, sizeof(*blocks));
    Virtioforwarder__RelayState **relays = calloc(VIO4WD_CNT_MAX_RELAYS, sizeof(*relays));
    Virtioforwarder__WorkerState *workers = calloc(n_workers ? n_workers : 1, sizeof(*workers));
    Virtioforwarder__WorkerState **worker_ptrs =
        calloc(n_workers ? n_workers : 1, sizeof(*worker_ptrs));
    size_t len = 0;

    *out = NULL;
    if (!blocks || !relays || !workers || !worker_ptrs)
        goto done;

    for (unsigned id = 0; id < max_relays; id++) {
        if (!wanted(req, id, now->relay[id].flags))
            continue;
        fill_relay(&blocks[resp.n_relay], &w, id, now);
        relays[resp.n_relay] = &blocks[resp.n_relay].state;
        resp.n_relay++;
    }
    for (unsigned i = 0; i < n_workers; i++) {
        fill_worker(&workers[i], &w, &now->worker[i], w.then ? &w.then->worker[i] : NULL);
        worker_ptrs[i] = &workers[i];
    }
    resp.status = VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK;
    resp.relay = relays;
    resp.worker = worker_ptrs;
    resp.n_worker = n_workers;
    resp.has_tsc_hz = resp.has_window_ns = true;
    resp.tsc_hz = now->header.tsc_hz;
    resp.window_ns = (uint64_t)(w.seconds * 1e9);

    len = protobuf_c_message_get_packed_size(&resp.base);
    *out = malloc(len ? len : 1);
    if (*out)
        protobuf_c_message_pack(&resp.base, *out);
    else
        len = 0;
done:
    free(blocks);
    free(relays);
    free(workers);
    free(worker_ptrs);
    return len;
}

size_t stats_view_error(Virtioforwarder__StatsResponse__Status status, uint8_t **out)
{
    Virtioforwarder__StatsResponse resp = VIRTIOFORWARDER__STATS_RESPONSE__INIT;
    resp.status = status;
    size_t len = protobuf_c_message_get_packed_size(&resp.base);
    *out = malloc(len ? len : 1);
    if (!*out)
        return 0;
    protobuf_c_message_pack(&resp.base, *out);
    return len;
}
