/* SPDX-License-Identifier: BSD-3-Clause */
/* metrics.c - OpenMetrics text from a tool_view (see metrics.h). */
#include "metrics.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "pause_hist.h"
#include "tool_render.h"

#define NO_FIELD  SIZE_MAX
#define BOTH_DIRS (-1)

/* Why a direction lost packets. Each reason is counted in one field of
 * tool_dir_row (bytes too when the relay counts them), in the directions it
 * can happen in. Add a drop reason here and every output has it. */
struct drop_reason {
    const char *reason; /* the 'reason' label value */
    int dir;            /* enum vio4wd_dir, or BOTH_DIRS */
    size_t pkts, bytes; /* offsets in struct tool_dir_row; bytes may be NO_FIELD */
};

static const struct drop_reason drop_reasons[] = {
    /* the relay's: the destination refused or was absent */
    {"queue_full", BOTH_DIRS, offsetof(struct tool_dir_row, drop_full_pkts),
     offsetof(struct tool_dir_row, drop_full_bytes)},
    {"not_connected", BOTH_DIRS, offsetof(struct tool_dir_row, drop_nc_pkts),
     offsetof(struct tool_dir_row, drop_nc_bytes)},
    /* over the direction's rate limit (VIRTIOFWD_RATE_LIMITS) */
    {"rate_limited", BOTH_DIRS, offsetof(struct tool_dir_row, drop_rl_pkts),
     offsetof(struct tool_dir_row, drop_rl_bytes)},
    /* the VF's own, before the relay saw them (rte_eth_stats) */
    {"vf_rx_missed", VIO4WD_DIR_VF_TO_VM, offsetof(struct tool_dir_row, vf_rx_missed), NO_FIELD},
    {"vf_rx_nombuf", VIO4WD_DIR_VF_TO_VM, offsetof(struct tool_dir_row, vf_rx_nombuf), NO_FIELD},
    {"vf_tx_error", VIO4WD_DIR_VM_TO_VF, offsetof(struct tool_dir_row, vf_tx_error), NO_FIELD},
};

static uint64_t field(const struct tool_dir_row *x, size_t off)
{
    return *(const uint64_t *)((const char *)x + off);
}

/* Label values escape backslash, double quote and newline. */
static void put_label(FILE *out, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
}

static void family(FILE *out, const char *name, const char *type, const char *unit,
                   const char *help)
{
    fprintf(out, "# TYPE %s %s\n", name, type);
    if (unit)
        fprintf(out, "# UNIT %s %s\n", name, unit);
    fprintf(out, "# HELP %s %s\n", name, help);
}

/* name{relay="R",direction="D"<extra>} */
static void dir_series(FILE *out, const char *name, const struct tool_relay_row *r, int d,
                       const char *extra_name, const char *extra_value)
{
    fprintf(out, "%s{relay=\"%u\",direction=\"%s\"", name, r->id, vio4wd_dir_name(d));
    if (extra_name)
        fprintf(out, ",%s=\"%s\"", extra_name, extra_value);
    fputs("} ", out);
}

/* One counter sample per relay direction, from the field at 'off'. */
static void dir_counter(FILE *out, const struct tool_view *view, const char *name,
                        const char *extra_name, const char *extra_value, size_t off)
{
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            dir_series(out, name, &view->relays[i], d, extra_name, extra_value);
            fprintf(out, "%llu\n", (unsigned long long)field(&view->relays[i].dir[d], off));
        }
}

/* What each queue pair received: name{relay,direction,queue}. Only the
 * queues a relay uses (tool_dir_row.n_queues), so a 1-queue relay adds two
 * series, not two per possible queue. */
static void queue_counter(FILE *out, const struct tool_view *view, const char *name, bool bytes)
{
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct tool_dir_row *x = &view->relays[i].dir[d];
            for (unsigned q = 0; q < x->n_queues; q++) {
                fprintf(out, "%s{relay=\"%u\",direction=\"%s\",queue=\"%u\"} %llu\n", name,
                        view->relays[i].id, vio4wd_dir_name(d), q,
                        (unsigned long long)(bytes ? x->queue[q].rx_bytes : x->queue[q].rx_pkts));
            }
        }
}

static void drops(FILE *out, const struct tool_view *view, bool bytes)
{
    const char *name =
        bytes ? "vio4wd_relay_dropped_bytes_total" : "vio4wd_relay_dropped_packets_total";

    for (size_t k = 0; k < sizeof(drop_reasons) / sizeof(drop_reasons[0]); k++) {
        const struct drop_reason *dr = &drop_reasons[k];
        size_t off = bytes ? dr->bytes : dr->pkts;
        if (off == NO_FIELD)
            continue;
        for (unsigned i = 0; i < view->n_relays; i++)
            for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
                if (dr->dir != BOTH_DIRS && dr->dir != d)
                    continue;
                dir_series(out, name, &view->relays[i], d, "reason", dr->reason);
                fprintf(out, "%llu\n", (unsigned long long)field(&view->relays[i].dir[d], off));
            }
    }
}

/* The handover pauses of each relay direction: a histogram (cumulative
 * buckets up to each edge of pause_hist.h, in seconds) and the longest. */
static void pause_metrics(FILE *out, const struct tool_view *view)
{
    family(out, "vio4wd_relay_handover_pause_seconds", "histogram", "seconds",
           "How long each migration left a relay direction unserviced, from the old "
           "worker's last service to the new worker's first.");
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct tool_dir_row *x = &view->relays[i].dir[d];
            uint64_t below = 0;
            char le[32];
            for (unsigned b = 0; b < VIO4WD_CNT_PAUSE_BUCKETS; b++) {
                double edge = vio4wd_pause_bucket_le_us(b);
                below += x->pause_hist[b];
                if (isinf(edge))
                    snprintf(le, sizeof(le), "+Inf");
                else
                    snprintf(le, sizeof(le), "%.6g", edge / 1e6);
                dir_series(out, "vio4wd_relay_handover_pause_seconds_bucket", &view->relays[i], d,
                           "le", le);
                fprintf(out, "%llu\n", (unsigned long long)below);
            }
            dir_series(out, "vio4wd_relay_handover_pause_seconds_count", &view->relays[i], d, NULL,
                       NULL);
            fprintf(out, "%llu\n", (unsigned long long)x->pause_count);
            dir_series(out, "vio4wd_relay_handover_pause_seconds_sum", &view->relays[i], d, NULL,
                       NULL);
            fprintf(out, "%.9g\n", x->pause_sum_us / 1e6);
        }
    family(out, "vio4wd_relay_handover_pause_max_seconds", "gauge", "seconds",
           "The longest handover pause of a relay direction since the relay started; 0 "
           "before its first migration.");
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            dir_series(out, "vio4wd_relay_handover_pause_max_seconds", &view->relays[i], d, NULL,
                       NULL);
            fprintf(out, "%.9g\n", view->relays[i].dir[d].pause_max_us / 1e6);
        }
}

static void relay_metrics(FILE *out, const struct tool_view *view)
{
    double hz = view->tsc_hz ? (double)view->tsc_hz : 1.0;

    family(out, "vio4wd_relay_info", "gauge", NULL,
           "Relays in use, with their NUMA node, state, VF device and vhost-user socket.");
    for (unsigned i = 0; i < view->n_relays; i++) {
        const struct tool_relay_row *r = &view->relays[i];
        fprintf(out, "vio4wd_relay_info{relay=\"%u\",numa=\"%d\",state=\"%s\",vf=\"", r->id,
                r->numa, tool_relay_state(r->flags));
        put_label(out, r->vf_dev);
        fputs("\",vhost=\"", out);
        put_label(out, r->vhost_path);
        fputs("\"} 1\n", out);
    }
    family(out, "vio4wd_relay_packets", "counter", NULL,
           "Packets per relay direction: stage rx received from the source, tx accepted by "
           "the destination.");
    dir_counter(out, view, "vio4wd_relay_packets_total", "stage", "rx",
                offsetof(struct tool_dir_row, rx_pkts));
    dir_counter(out, view, "vio4wd_relay_packets_total", "stage", "tx",
                offsetof(struct tool_dir_row, tx_pkts));
    family(out, "vio4wd_relay_bytes", "counter", "bytes",
           "Bytes per relay direction: stage rx received, tx sent.");
    dir_counter(out, view, "vio4wd_relay_bytes_total", "stage", "rx",
                offsetof(struct tool_dir_row, rx_bytes));
    dir_counter(out, view, "vio4wd_relay_bytes_total", "stage", "tx",
                offsetof(struct tool_dir_row, tx_bytes));
    family(out, "vio4wd_relay_queue_packets", "counter", NULL,
           "Packets a relay direction received per queue pair (the VF's rx queue, or the "
           "guest's transmit ring); summed over queue they equal stage rx.");
    queue_counter(out, view, "vio4wd_relay_queue_packets_total", false);
    family(out, "vio4wd_relay_queue_bytes", "counter", "bytes",
           "Bytes a relay direction received per queue pair.");
    queue_counter(out, view, "vio4wd_relay_queue_bytes_total", true);
    family(out, "vio4wd_relay_dropped_packets", "counter", NULL,
           "Packets lost per relay direction, by reason: queue_full (the destination "
           "refused them), not_connected (no destination), rate_limited (over the "
           "direction's rate limit), vf_rx_missed and vf_rx_nombuf "
           "(the VF dropped them before the relay polled: the relay is too slow), "
           "vf_tx_error (the VF failed to send them).");
    drops(out, view, false);
    family(out, "vio4wd_relay_dropped_bytes", "counter", "bytes",
           "Bytes lost per relay direction, by reason (the reasons the relay counts bytes of).");
    drops(out, view, true);
    family(out, "vio4wd_relay_rate_limit_bytes_per_second", "gauge", NULL,
           "The rate limit of a relay direction in bytes per second; 0 when unlimited.");
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            dir_series(out, "vio4wd_relay_rate_limit_bytes_per_second", &view->relays[i], d, NULL,
                       NULL);
            fprintf(out, "%llu\n", (unsigned long long)view->relays[i].dir[d].rate_limit_Bps);
        }
    family(out, "vio4wd_relay_migrations", "counter", NULL,
           "Moves of a relay direction to another worker CPU.");
    dir_counter(out, view, "vio4wd_relay_migrations_total", NULL, NULL,
                offsetof(struct tool_dir_row, migrations));
    pause_metrics(out, view);
    family(out, "vio4wd_relay_busy_seconds", "counter", "seconds",
           "Worker time spent servicing a relay direction.");
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            dir_series(out, "vio4wd_relay_busy_seconds_total", &view->relays[i], d, NULL, NULL);
            fprintf(out, "%.9g\n", (double)view->relays[i].dir[d].busy_cycles / hz);
        }
    family(out, "vio4wd_relay_cpu", "gauge", NULL,
           "Worker CPU servicing a relay direction; -1 when none.");
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            dir_series(out, "vio4wd_relay_cpu", &view->relays[i], d, NULL, NULL);
            fprintf(out, "%d\n", view->relays[i].dir[d].cpu);
        }
    if (view->interval_s <= 0)
        return; /* no window, no load */
    family(out, "vio4wd_relay_load_ratio", "gauge", "ratio",
           "Share of one core a relay direction used over the sampling window.");
    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            dir_series(out, "vio4wd_relay_load_ratio", &view->relays[i], d, NULL, NULL);
            fprintf(out, "%.6g\n", view->relays[i].dir[d].load);
        }
}

/* A per-worker sample: name{cpu="C",numa="N"} */
static void worker_series(FILE *out, const char *name, const struct tool_worker_row *w)
{
    fprintf(out, "%s{cpu=\"%u\",numa=\"%d\"} ", name, w->cpu, w->numa);
}

static void worker_metrics(FILE *out, const struct tool_view *view)
{
    double hz = view->tsc_hz ? (double)view->tsc_hz : 1.0;

    family(out, "vio4wd_worker_busy_seconds", "counter", "seconds",
           "Time a worker CPU spent in loops that moved packets.");
    for (unsigned i = 0; i < view->n_workers; i++) {
        worker_series(out, "vio4wd_worker_busy_seconds_total", &view->workers[i]);
        fprintf(out, "%.9g\n", (double)view->workers[i].busy_cycles / hz);
    }
    family(out, "vio4wd_worker_idle_seconds", "counter", "seconds",
           "Time a worker CPU spent polling without packets, including back-off sleeps.");
    for (unsigned i = 0; i < view->n_workers; i++) {
        worker_series(out, "vio4wd_worker_idle_seconds_total", &view->workers[i]);
        fprintf(out, "%.9g\n", (double)view->workers[i].idle_cycles / hz);
    }
    family(out, "vio4wd_worker_directions", "gauge", NULL,
           "Relay directions a worker CPU services.");
    for (unsigned i = 0; i < view->n_workers; i++) {
        worker_series(out, "vio4wd_worker_directions", &view->workers[i]);
        fprintf(out, "%u\n", view->workers[i].n_dirs);
    }
    family(out, "vio4wd_worker_sleep_seconds", "counter", "seconds",
           "Time a worker CPU spent asleep (idle back-off) or parked; part of idle.");
    for (unsigned i = 0; i < view->n_workers; i++) {
        worker_series(out, "vio4wd_worker_sleep_seconds_total", &view->workers[i]);
        fprintf(out, "%.9g\n", (double)view->workers[i].sleep_cycles / hz);
    }
    family(out, "vio4wd_worker_parked", "gauge", NULL,
           "1 when a worker CPU services no direction and blocks, using no CPU.");
    for (unsigned i = 0; i < view->n_workers; i++) {
        worker_series(out, "vio4wd_worker_parked", &view->workers[i]);
        fprintf(out, "%d\n", view->workers[i].parked);
    }
    if (view->interval_s <= 0)
        return;
    family(out, "vio4wd_worker_load_ratio", "gauge", "ratio",
           "Busy share of a worker CPU over the sampling window.");
    for (unsigned i = 0; i < view->n_workers; i++) {
        worker_series(out, "vio4wd_worker_load_ratio", &view->workers[i]);
        fprintf(out, "%.6g\n", view->workers[i].load);
    }
}

static double node_makespan(const struct tool_sched_node *n)
{
    return n->makespan;
}

static double node_bound(const struct tool_sched_node *n)
{
    return n->lower_bound;
}

static double node_gap(const struct tool_sched_node *n)
{
    return n->lower_bound > 0 ? (n->makespan - n->lower_bound) / n->lower_bound : 0.0;
}

/* One gauge per NUMA node of the scheduler's last decision. */
static void sched_gauge(FILE *out, const struct tool_sched_view *sched, const char *name,
                        const char *help, double (*value)(const struct tool_sched_node *))
{
    family(out, name, "gauge", NULL, help);
    for (unsigned i = 0; i < sched->n_nodes; i++)
        fprintf(out, "%s{numa=\"%d\"} %.6g\n", name, sched->nodes[i].numa, value(&sched->nodes[i]));
}

static void sched_metrics(FILE *out, const struct tool_sched_view *sched)
{
    family(out, "vio4wd_scheduler_up", "gauge", NULL,
           "1 when vio4wd_core_scheduler runs and has published a decision.");
    fprintf(out, "vio4wd_scheduler_up %d\n", sched != NULL);
    if (!sched)
        return;
    sched_gauge(out, sched, "vio4wd_scheduler_makespan_cores",
                "The busiest worker's load after the scheduler's last decision, per NUMA "
                "node (-1: all nodes as one), in cores.",
                node_makespan);
    sched_gauge(out, sched, "vio4wd_scheduler_lower_bound_cores",
                "What no placement can beat at the last decision: max(total / workers, "
                "largest direction), in cores.",
                node_bound);
    sched_gauge(out, sched, "vio4wd_scheduler_gap_ratio",
                "How far the makespan is above the lower bound: (makespan - bound) / bound.",
                node_gap);
}

void tool_print_metrics(FILE *out, const struct tool_view *view,
                        const struct tool_sched_view *sched)
{
    family(out, "vio4wd_relay_up", "gauge", NULL,
           "1 when virtio-forwarder is running and its counters are live; 0 otherwise, and "
           "then no other vio4wd_relay_ or vio4wd_worker_ sample is given.");
    fprintf(out, "vio4wd_relay_up %d\n", view != NULL);
    if (view) {
        family(out, "vio4wd_relay_start_time_seconds", "gauge", "seconds",
               "When virtio-forwarder started, seconds since the Unix epoch.");
        fprintf(out, "vio4wd_relay_start_time_seconds %.3f\n", view->start_time);
        relay_metrics(out, view);
        worker_metrics(out, view);
    }
    sched_metrics(out, sched);
    fputs("# EOF\n", out);
}
