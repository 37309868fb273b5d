/* SPDX-License-Identifier: BSD-3-Clause */
/* tool_view.h - two counter snapshots turned into per-relay rows with
 * rates and loads: what every tool shows. The tools agree with each other
 * and with the scheduler on what a "load" is (model/load.h over busy TSC
 * cycles). */
#ifndef VIO4WD_TOOL_VIEW_H
#define VIO4WD_TOOL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "tool_options.h"

/* What one queue pair of a direction received (counters.h). */
struct tool_queue_row {
    uint64_t rx_pkts, rx_bytes;
    double rx_pps;
};

struct tool_dir_row {
    int cpu; /* worker CPU, -1: none */
    uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
    uint64_t drop_full_pkts, drop_full_bytes, drop_nc_pkts, drop_nc_bytes;
    /* Dropped by the VF itself (rte_eth_stats), counted with the direction
     * they hurt: vf_rx_* on VF->VM, vf_tx_error on VM->VF; 0 elsewhere. */
    uint64_t vf_rx_missed, vf_rx_nombuf, vf_tx_error;
    uint64_t drop_rl_pkts, drop_rl_bytes; /* over the rate limit */
    uint64_t rate_limit_Bps;              /* 0: unlimited */
    uint64_t rate_burst_bytes;
    uint64_t busy_cycles;
    uint64_t migrations;     /* since relay start */
    uint64_t new_migrations; /* within the window */
    /* Handover pauses since relay start (lib/counters/pause_hist.h): how
     * long each migration left the direction unserviced. */
    uint64_t pause_count;
    double pause_max_us, pause_last_us, pause_sum_us;
    uint32_t pause_hist[VIO4WD_CNT_PAUSE_BUCKETS]; /* bucket edges: pause_hist.h */
    double rx_pps, rx_Bps, tx_pps, tx_Bps, drop_pps;
    double load;   /* fraction of one core, measured */
    double demand; /* load raised when saturated (model/load.h) */
    bool saturated;
    /* Queues 0..n_queues-1: those in use, and any that counted before
     * (vio4wd_counters_queues_shown); their rx adds up to rx_pkts. */
    unsigned n_queues;
    struct tool_queue_row queue[VIO4WD_CNT_MAX_QUEUES];
};

struct tool_relay_row {
    unsigned id;
    int numa;
    uint32_t flags; /* VIO4WD_RELAY_* */
    char vf_dev[VIO4WD_CNT_STR_MAX];
    char vhost_path[VIO4WD_CNT_STR_MAX];
    struct tool_dir_row dir[VIO4WD_DIR_COUNT]; /* enum vio4wd_dir */
};

struct tool_worker_row {
    unsigned cpu;
    int numa;
    unsigned n_dirs;
    uint64_t busy_cycles, idle_cycles;
    double load;           /* busy share of the window */
    bool parked;           /* no direction: blocks, uses no CPU */
    uint64_t sleep_cycles; /* asleep or parked, part of idle_cycles */
    double asleep;         /* share of the window asleep (1 while parked) */
};

/* Everything a tool shows: one window between two snapshots. */
struct tool_view {
    double t;          /* seconds since the relay started */
    double start_time; /* wall clock when the relay started */
    double unix_time;  /* wall clock of the second snapshot */
    double interval_s; /* window length; 0: no window (one snapshot) */
    uint64_t tsc_hz, epoch;
    uint32_t pid;
    unsigned n_workers;
    struct tool_worker_row workers[VIO4WD_CNT_MAX_WORKERS];
    unsigned n_relays;
    struct tool_relay_row relays[VIO4WD_CNT_MAX_RELAYS];
};

/* Builds the view from cur, with rates and loads over the window since prev
 * (NULL, or a snapshot of another relay epoch: counts only, zero rates).
 * Only relays in use (with a VF or a vhost socket) are listed. */
void tool_view_build(const struct vio4wd_counters_snapshot *prev,
                     const struct vio4wd_counters_snapshot *cur, struct tool_view *view);

/* A counters file kept open across snapshots (monitor_load, --watch). A
 * relay restart (new file) or stop is noticed and the file reopened. */
struct tool_reader {
    const struct tool_common *tc;
    struct vio4wd_counters *c;
    struct vio4wd_counters_snapshot snap[2];
    int cur; /* index of the newest snapshot */
    bool have_prev;
};

/* Returns NULL when out of memory. */
struct tool_reader *tool_reader_new(const struct tool_common *tc);
void tool_reader_free(struct tool_reader *r);

/* Takes the next snapshot and builds the view over the window since the
 * previous one (no window after a (re)open). Returns 0, or -1 with err
 * naming the path and what is wrong (usually: the relay is not running). */
int tool_reader_next(struct tool_reader *r, struct tool_view *view, char *err, size_t errlen);

/* Opens the counters, waits 'window' seconds between two snapshots and
 * builds the view. Returns 0, or -1 with err naming the path and what is
 * wrong (usually: the relay is not running). */
int tool_read_view(const struct tool_common *tc, double window, struct tool_view *view, char *err,
                   size_t errlen);

/* Keeps the relays whose ids are in ids[0..n); with n == 0, the relays
 * with a VF or a guest (all in use with include_inactive), as upstream's
 * tools did: a relay with only a listening socket is noise. */
void tool_view_filter(struct tool_view *view, const unsigned *ids, size_t n, bool include_inactive);

/* Finds a worker row by CPU; NULL if none. */
const struct tool_worker_row *tool_view_worker(const struct tool_view *view, unsigned cpu);

#endif
