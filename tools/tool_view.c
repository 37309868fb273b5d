/* SPDX-License-Identifier: BSD-3-Clause */
/* tool_view.c - counters to rows (tool_view.h). */
#include "tool_view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "counters_live.h"
#include "pause_hist.h"
#include "model/load.h"

static double per_s(uint64_t delta, double secs)
{
    return secs > 0 ? (double)delta / secs : 0.0;
}

static void to_model(const struct vio4wd_cnt_dir *d, const struct vio4wd_counters_snapshot *s,
                     struct model_counters *m)
{
    memset(m, 0, sizeof(*m));
    m->packets = d->rx_pkts;
    m->bytes = d->rx_bytes;
    m->drops_queue_full = d->drop_full_pkts;
    m->drops_not_connected = d->drop_nc_pkts;
    m->drops_rate_limited = d->drop_rl_pkts;
    m->rate_limit_Bps = d->rate_limit_Bps;
    m->busy_cycles = d->busy_cycles;
    m->has_cycles = true;
    m->rx_bursts = d->rx_bursts;
    m->rx_bursts_full = d->rx_full_bursts;
    /* A direction's block is written only when it moves packets, so its
     * update_tsc stands still while idle; the snapshot's own TSC is the
     * right end of the window for every block. */
    m->tsc = s->read_tsc;
    m->tsc_hz = s->header.tsc_hz;
}

static void build_dir(const struct vio4wd_cnt_dir *p, const struct vio4wd_cnt_dir *c,
                      enum vio4wd_dir dir, const struct vio4wd_counters_snapshot *prev,
                      const struct vio4wd_counters_snapshot *cur, double secs,
                      struct tool_dir_row *row)
{
    row->cpu = c->cpu;
    row->rx_pkts = c->rx_pkts;
    row->rx_bytes = c->rx_bytes;
    row->tx_pkts = c->tx_pkts;
    row->tx_bytes = c->tx_bytes;
    row->drop_full_pkts = c->drop_full_pkts;
    row->drop_full_bytes = c->drop_full_bytes;
    row->drop_nc_pkts = c->drop_nc_pkts;
    row->drop_nc_bytes = c->drop_nc_bytes;
    row->drop_rl_pkts = c->drop_rl_pkts;
    row->drop_rl_bytes = c->drop_rl_bytes;
    row->rate_limit_Bps = c->rate_limit_Bps;
    row->rate_burst_bytes = c->rate_burst_bytes;
    row->busy_cycles = c->busy_cycles;
    row->migrations = c->migrations;
    uint64_t hz = cur->header.tsc_hz;
    row->pause_count = vio4wd_pause_count(c);
    row->pause_max_us = vio4wd_pause_us(c->pause_max_cycles, hz);
    row->pause_last_us = vio4wd_pause_us(c->pause_last_cycles, hz);
    row->pause_sum_us = vio4wd_pause_us(c->pause_sum_cycles, hz);
    memcpy(row->pause_hist, c->pause_hist, sizeof(row->pause_hist));
    if (!p || secs <= 0)
        return;
    /* Unsigned differences: counters are monotonic within one epoch. */
    row->rx_pps = per_s(c->rx_pkts - p->rx_pkts, secs);
    row->rx_Bps = per_s(c->rx_bytes - p->rx_bytes, secs);
    row->tx_pps = per_s(c->tx_pkts - p->tx_pkts, secs);
    row->tx_Bps = per_s(c->tx_bytes - p->tx_bytes, secs);
    row->drop_pps =
        per_s((c->drop_full_pkts - p->drop_full_pkts) + (c->drop_nc_pkts - p->drop_nc_pkts) +
                  (c->drop_rl_pkts - p->drop_rl_pkts),
              secs);
    row->new_migrations = c->migrations - p->migrations;

    /* The same load model as the scheduler, so the numbers agree. */
    struct model_counters mp, mc;
    struct model_load_sample sample;
    char err[128];
    to_model(p, prev, &mp);
    to_model(c, cur, &mc);
    enum model_dir md = dir == VIO4WD_DIR_VF_TO_VM ? MODEL_DIR_VF_TO_VM : MODEL_DIR_VM_TO_VF;
    if (model_load_sample(&mp, &mc, md, NULL, &sample, err, sizeof(err)) == MODEL_OK &&
        sample.valid) {
        row->load = sample.measured;
        row->demand = sample.demand;
        row->saturated = sample.saturated;
    }
}

static void build_queues(const struct vio4wd_counters_snapshot *prev,
                         const struct vio4wd_counters_snapshot *cur, unsigned r, unsigned d,
                         double secs, struct tool_dir_row *row)
{
    row->n_queues = vio4wd_counters_queues_shown(cur, r, d);
    for (unsigned q = 0; q < row->n_queues; q++) {
        const struct vio4wd_cnt_queue *c = &cur->queues[r][d].q[q];
        row->queue[q].rx_pkts = c->rx_pkts;
        row->queue[q].rx_bytes = c->rx_bytes;
        if (prev && secs > 0)
            row->queue[q].rx_pps = per_s(c->rx_pkts - prev->queues[r][d].q[q].rx_pkts, secs);
    }
}

static int cmp_worker(const void *a, const void *b)
{
    const struct tool_worker_row *x = a, *y = b;
    return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

void tool_view_build(const struct vio4wd_counters_snapshot *prev,
                     const struct vio4wd_counters_snapshot *cur, struct tool_view *view)
{
    const struct vio4wd_cnt_header *h = &cur->header;
    double hz = h->tsc_hz ? (double)h->tsc_hz : 1.0;

    memset(view, 0, sizeof(*view));
    if (prev && (prev->header.epoch != h->epoch || prev->header.tsc_hz != h->tsc_hz ||
                 prev->read_tsc >= cur->read_tsc))
        prev = NULL; /* another relay, or no time passed: no window */
    double secs = prev ? (double)(cur->read_tsc - prev->read_tsc) / hz : 0.0;

    view->tsc_hz = h->tsc_hz;
    view->epoch = h->epoch;
    view->pid = h->pid;
    view->interval_s = secs;
    view->t = cur->read_tsc > h->start_tsc ? (double)(cur->read_tsc - h->start_tsc) / hz : 0.0;
    view->start_time = (double)h->start_realtime_ns / 1e9;
    view->unix_time = view->start_time + view->t;

    unsigned nw = h->n_workers < VIO4WD_CNT_MAX_WORKERS ? h->n_workers : VIO4WD_CNT_MAX_WORKERS;
    for (unsigned i = 0; i < nw; i++) {
        const struct vio4wd_cnt_worker *w = &cur->worker[i];
        struct tool_worker_row *row = &view->workers[view->n_workers++];
        row->cpu = w->cpu;
        row->numa = w->numa_node;
        row->n_dirs = w->n_dirs;
        row->busy_cycles = w->busy_cycles;
        row->idle_cycles = w->idle_cycles;
        row->parked = w->parked != 0;
        row->sleep_cycles = w->sleep_cycles;
        if (prev && secs > 0 && prev->worker[i].cpu == w->cpu) {
            double load = (double)(w->busy_cycles - prev->worker[i].busy_cycles) / (secs * hz);
            double asleep = (double)(w->sleep_cycles - prev->worker[i].sleep_cycles) / (secs * hz);
            /* A worker publishes its cycles in batches; clip the skew. */
            row->load = load < 0 ? 0 : load > 1 ? 1 : load;
            row->asleep = asleep < 0 ? 0 : asleep > 1 ? 1 : asleep;
        }
        /* A parked worker publishes only when it wakes. */
        if (row->parked)
            row->asleep = 1;
    }
    qsort(view->workers, view->n_workers, sizeof(view->workers[0]), cmp_worker);

    unsigned nr = h->max_relays < VIO4WD_CNT_MAX_RELAYS ? h->max_relays : VIO4WD_CNT_MAX_RELAYS;
    for (unsigned i = 0; i < nr; i++) {
        const struct vio4wd_cnt_relay *r = &cur->relay[i];
        if (!(r->flags & VIO4WD_RELAY_IN_USE))
            continue;
        struct tool_relay_row *row = &view->relays[view->n_relays++];
        row->id = r->id;
        row->numa = r->numa_node;
        row->flags = r->flags;
        memcpy(row->vf_dev, r->vf_dev, sizeof(row->vf_dev));
        row->vf_dev[sizeof(row->vf_dev) - 1] = '\0';
        memcpy(row->vhost_path, r->vhost_path, sizeof(row->vhost_path));
        row->vhost_path[sizeof(row->vhost_path) - 1] = '\0';
        const struct vio4wd_cnt_relay *pr = prev ? &prev->relay[i] : NULL;
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            build_dir(pr ? &pr->dir[d] : NULL, &r->dir[d], (enum vio4wd_dir)d, prev, cur, secs,
                      &row->dir[d]);
            build_queues(prev, cur, i, (unsigned)d, secs, &row->dir[d]);
        }
        row->dir[VIO4WD_DIR_VF_TO_VM].vf_rx_missed = r->vf.imissed;
        row->dir[VIO4WD_DIR_VF_TO_VM].vf_rx_nombuf = r->vf.rx_nombuf;
        row->dir[VIO4WD_DIR_VM_TO_VF].vf_tx_error = r->vf.oerrors;
    }
}

struct tool_reader *tool_reader_new(const struct tool_common *tc)
{
    struct tool_reader *r = calloc(1, sizeof(*r));
    if (r)
        r->tc = tc;
    return r;
}

void tool_reader_free(struct tool_reader *r)
{
    if (!r)
        return;
    vio4wd_counters_close(r->c);
    free(r);
}

static void reader_drop(struct tool_reader *r)
{
    vio4wd_counters_close(r->c);
    r->c = NULL;
    r->have_prev = false;
}

int tool_reader_next(struct tool_reader *r, struct tool_view *view, char *err, size_t errlen)
{
    char why[512];

    if (r->c && vio4wd_counters_stale(r->c))
        reader_drop(r);
    if (!r->c) {
        r->c = vio4wd_counters_open(r->tc->counters, why, sizeof(why));
        if (!r->c) {
            snprintf(err, errlen,
                     "%s; is virtio-forwarder running, and is %s its run "
                     "directory (--counters)?",
                     why, r->tc->counters);
            return -1;
        }
    }
    /* A relay killed with SIGKILL leaves its file behind, frozen: never
     * show those counters as a live relay at 0% load. */
    if (vio4wd_counters_writer_gone(r->c, why, sizeof(why))) {
        snprintf(err, errlen, "%s; start virtio-forwarder again (%s)", why, r->tc->counters);
        reader_drop(r);
        return -1;
    }
    int next = r->cur ^ 1;
    if (vio4wd_counters_snapshot(r->c, &r->snap[next]) != 0) {
        snprintf(err, errlen, "%s: the relay's counters stay mid-update; did it die?",
                 r->tc->counters);
        reader_drop(r);
        return -1;
    }
    tool_view_build(r->have_prev ? &r->snap[r->cur] : NULL, &r->snap[next], view);
    r->cur = next;
    r->have_prev = true;
    return 0;
}

int tool_read_view(const struct tool_common *tc, double window, struct tool_view *view, char *err,
                   size_t errlen)
{
    struct tool_reader *r = tool_reader_new(tc);
    int rc = -1;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Two tries: a relay that restarts between the snapshots gives a new
     * file, and the second try measures the new one. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (tool_reader_next(r, view, err, errlen) != 0)
            break;
        if (window <= 0) {
            rc = 0;
            break;
        }
        tool_sleep(window, NULL);
        if (tool_reader_next(r, view, err, errlen) != 0)
            break;
        if (view->interval_s > 0) {
            rc = 0;
            break;
        }
        snprintf(err, errlen, "%s: the relay restarted twice while reading; try again",
                 tc->counters);
    }
    tool_reader_free(r);
    return rc;
}

void tool_view_filter(struct tool_view *view, const unsigned *ids, size_t n, bool include_inactive)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < view->n_relays; i++) {
        bool want =
            n == 0 && (include_inactive ||
                       (view->relays[i].flags & (VIO4WD_RELAY_VF_READY | VIO4WD_RELAY_GUEST_UP)));
        for (size_t j = 0; j < n && !want; j++)
            want = view->relays[i].id == ids[j];
        if (want)
            view->relays[kept++] = view->relays[i];
    }
    view->n_relays = kept;
}

const struct tool_worker_row *tool_view_worker(const struct tool_view *view, unsigned cpu)
{
    for (unsigned i = 0; i < view->n_workers; i++)
        if (view->workers[i].cpu == cpu)
            return &view->workers[i];
    return NULL;
}
