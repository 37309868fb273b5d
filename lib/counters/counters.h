/* SPDX-License-Identifier: BSD-3-Clause */
/* counters.h - the relay's counters file: layout and reader API.
 *
 * The relay (the only writer) creates <run dir>/counters (default
 * /run/virtio-forwarder/counters, a tmpfs) and maps it shared; every reader
 * (scheduler, core_pinner, monitor_load, stats endpoint, tests) maps it
 * read-only. Nothing is requested from the relay and nothing a reader does
 * can slow or block the dataplane.
 *
 * Layout (all little-endian host integers, offsets from the file start):
 *
 *   struct vio4wd_cnt_header       at 0, one 4 KiB page
 *   struct vio4wd_cnt_worker[max_workers]  at header.worker_offset
 *   struct vio4wd_cnt_relay[max_relays]    at header.relay_offset
 *   struct vio4wd_cnt_queues[max_relays][VIO4WD_DIR_COUNT]
 *                                          at header.queue_offset
 *
 * Consistency: every block that changes carries a 32-bit sequence count with
 * a single writer. The writer makes it odd, writes the fields, then makes it
 * even again (release). A reader copies the block and accepts the copy only
 * when the count was even and unchanged around the copy; otherwise it retries.
 *   - vio4wd_cnt_dir.seq: written by the worker lcore that currently owns the
 *     direction. Ownership moves with acquire/release ordering, so the count
 *     stays single-writer across migrations. The direction's per-queue block
 *     (vio4wd_cnt_queues, in its own region) has no count of its own: it is
 *     written under this one, so a copy of both agrees exactly.
 *   - vio4wd_cnt_worker.seq: written by that worker lcore.
 *   - vio4wd_cnt_relay.info_seq: the slow-changing part (flags, NUMA node,
 *     device strings, the VF's own drop counters), written by the relay's
 *     control thread.
 *
 * Restarts: a restarted relay creates a new file (new inode) with a new
 * 'epoch'. Readers that keep a mapping check vio4wd_counters_stale() and
 * reopen. When the relay stops it sets header.state = VIO4WD_CNT_STOPPED and
 * unlinks the file. Counters are monotonic for the life of one epoch; they
 * never reset on migration.
 *
 * Rates and loads are for readers to compute from deltas: the load of a
 * direction over a window is d(busy_cycles) / d(tsc) with tsc_hz from the
 * header; update_tsc of a block is the TSC of its last write.
 */
#ifndef VIO4WD_COUNTERS_H
#define VIO4WD_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "direction.h" /* enum vio4wd_dir: index into vio4wd_cnt_relay.dir[] */

#define VIO4WD_CNT_MAGIC 0x544e433457344f49ULL /* "IO4W4CNT" */
#define VIO4WD_CNT_VERSION \
    5 /* 2: rate limits in the dir block; 3: per-queue region;
                                   * 4: handover pauses, dir block 256 B;
                                   * 5: parked and sleep time in the worker block */
#define VIO4WD_CNT_MAX_RELAYS    64
#define VIO4WD_CNT_MAX_WORKERS   128
#define VIO4WD_CNT_STR_MAX       256
#define VIO4WD_CNT_MAX_QUEUES    32 /* queue pairs per relay with their own counts */
#define VIO4WD_CNT_PAUSE_BUCKETS 12 /* handover pause histogram: <1 us ... >=1024 us */
#define VIO4WD_CNT_FILE_NAME     "counters"
#define VIO4WD_VF_SAMPLE_MS      250 /* period of the VF drop counter samples */

enum vio4wd_cnt_state {
    VIO4WD_CNT_STARTING = 0,
    VIO4WD_CNT_RUNNING = 1,
    VIO4WD_CNT_STOPPED = 2,
};

/* vio4wd_cnt_relay.flags */
#define VIO4WD_RELAY_IN_USE     (1u << 0) /* has a VF or a vhost socket */
#define VIO4WD_RELAY_VF_READY   (1u << 1) /* VF port attached and started */
#define VIO4WD_RELAY_VHOST_SOCK (1u << 2) /* vhost-user socket registered */
#define VIO4WD_RELAY_GUEST_UP   (1u << 3) /* a guest is connected and running */
#define VIO4WD_RELAY_ACTIVE     (VIO4WD_RELAY_VF_READY | VIO4WD_RELAY_GUEST_UP)

struct vio4wd_cnt_header {
    uint64_t magic;   /* VIO4WD_CNT_MAGIC, written last at creation */
    uint32_t version; /* VIO4WD_CNT_VERSION */
    uint32_t state;   /* enum vio4wd_cnt_state */
    uint64_t file_size;
    uint64_t epoch;             /* differs on every relay start */
    uint64_t tsc_hz;            /* TSC ticks per second */
    uint64_t start_tsc;         /* TSC when the relay started */
    uint64_t start_realtime_ns; /* CLOCK_REALTIME at start */
    uint32_t pid;
    uint32_t max_relays;                 /* entries in the relay array */
    uint32_t max_workers;                /* entries in the worker array */
    uint32_t n_workers;                  /* workers in use: entries 0..n_workers-1 */
    uint32_t worker_offset, worker_size; /* array offset, sizeof element */
    uint32_t relay_offset, relay_size;
    uint32_t dir_size;                 /* sizeof(struct vio4wd_cnt_dir) */
    uint32_t main_cpu;                 /* CPU of the control (main lcore) thread */
    uint32_t queue_offset, queue_size; /* per-queue region, sizeof one block */
    uint32_t max_queues;               /* queues in each block */
    uint32_t reserved;
    uint8_t pad[4096 - 112];
};

/* One direction of one relay. Written only by its current owner worker. */
struct vio4wd_cnt_dir {
    uint32_t seq;
    int32_t cpu;                              /* CPU of the owning worker, -1 when none */
    uint64_t rx_pkts, rx_bytes;               /* received from the source */
    uint64_t tx_pkts, tx_bytes;               /* accepted by the destination */
    uint64_t drop_full_pkts, drop_full_bytes; /* destination queue full */
    uint64_t drop_nc_pkts, drop_nc_bytes;     /* destination not connected */
    uint64_t busy_cycles;                     /* TSC spent on bursts that moved packets */
    uint64_t rx_bursts;                       /* receive bursts that returned packets */
    uint64_t rx_full_bursts;                  /* ... of which returned a full burst */
    uint64_t migrations;                      /* moves to another worker */
    uint64_t last_migration_tsc;              /* TSC of the last move, 0 = never */
    uint64_t update_tsc;                      /* TSC of this write */
    uint64_t drop_rl_pkts, drop_rl_bytes;     /* over the direction's rate limit */
    uint64_t rate_limit_Bps;                  /* the limit in bytes/s, 0 = unlimited */
    uint64_t rate_burst_bytes;                /* its burst (rate x interval) */
    /* Handover pauses (pause_hist.h): how long the direction went
     * unserviced during each migration, from the old worker's last service
     * to the new worker's first, in TSC cycles (header.tsc_hz converts).
     * Written by the new owner at its first service. */
    uint64_t pause_max_cycles;                     /* the longest, 0 = none yet */
    uint64_t pause_last_cycles;                    /* the latest */
    uint64_t pause_sum_cycles;                     /* all of them added up */
    uint32_t pause_hist[VIO4WD_CNT_PAUSE_BUCKETS]; /* log2 buckets, pause_hist.h */
    uint8_t pad[256 - 224];
};

struct vio4wd_cnt_worker {
    uint32_t seq;
    uint32_t cpu;
    int32_t numa_node;
    uint32_t n_dirs;      /* directions this worker services now */
    uint64_t busy_cycles; /* loop iterations that moved packets */
    uint64_t idle_cycles; /* the others, including back-off sleeps */
    uint64_t loops;
    uint64_t update_tsc;
    /* Idle workers sleep, and workers with no direction block (park) until
     * a handover gives them one: written just before the worker parks and
     * just after it wakes, so update_tsc stands still while it is parked. */
    uint32_t parked;       /* 1 while it blocks with no direction */
    uint32_t parks;        /* times it parked (wraps) */
    uint64_t sleep_cycles; /* TSC spent asleep or parked, part of idle_cycles */
};

struct vio4wd_cnt_relay {
    /* slow part: written by the control thread under info_seq */
    uint32_t info_seq;
    uint32_t flags; /* VIO4WD_RELAY_* */
    uint32_t id;
    int32_t numa_node;      /* NUMA node of the relay's memory, -1 unknown */
    uint32_t n_queues;      /* queue pairs in use */
    uint32_t vf_max_queues; /* queue pairs the VF can serve, 0 = no VF */
    uint64_t info_update_tsc;
    char vf_dev[VIO4WD_CNT_STR_MAX];     /* "0000:05:08.1", "net_null0,..." */
    char vhost_path[VIO4WD_CNT_STR_MAX]; /* vhost-user socket path */
    /* What the VF dropped before the relay saw a packet (rte_eth_stats),
     * since the relay started, across VF restarts and replacements. The
     * control thread samples them every VIO4WD_VF_SAMPLE_MS; workers never
     * touch them, so they cost the dataplane nothing. */
    struct vio4wd_cnt_vf {
        uint64_t imissed;    /* rx ring full: the relay did not keep up */
        uint64_t rx_nombuf;  /* no mbuf to receive into: pool exhausted */
        uint64_t oerrors;    /* the VF failed to transmit */
        uint64_t update_tsc; /* TSC of the last sample, 0 = never */
    } vf;
    uint8_t pad[640 - 32 - 2 * VIO4WD_CNT_STR_MAX - sizeof(struct vio4wd_cnt_vf)];
    /* fast part: one block per direction, each its own single writer */
    struct vio4wd_cnt_dir dir[VIO4WD_DIR_COUNT];
};

/* What one direction of one relay received on each of its queue pairs (the
 * VF's rx queue q for VF->VM, the guest's transmit ring of pair q for
 * VM->VF). Summed over the queues it equals the direction's rx_pkts and
 * rx_bytes exactly. Written by the direction's owner under its
 * vio4wd_cnt_dir.seq, once per burst, never per packet. */
struct vio4wd_cnt_queue {
    uint64_t rx_pkts, rx_bytes;
};

struct vio4wd_cnt_queues {
    struct vio4wd_cnt_queue q[VIO4WD_CNT_MAX_QUEUES];
};

#define VIO4WD_CNT_FILE_SIZE                                     \
    (sizeof(struct vio4wd_cnt_header) +                          \
     VIO4WD_CNT_MAX_WORKERS * sizeof(struct vio4wd_cnt_worker) + \
     VIO4WD_CNT_MAX_RELAYS * sizeof(struct vio4wd_cnt_relay) +   \
     VIO4WD_CNT_MAX_RELAYS * VIO4WD_DIR_COUNT * sizeof(struct vio4wd_cnt_queues))

/* ---- reader API (counters_reader.c; no DPDK) -------------------- */

struct vio4wd_counters; /* an open, read-only mapping */

/* A consistent copy. Each block is consistent on its own; blocks are read
 * one after another, so use the per-block update_tsc for rates. */
struct vio4wd_counters_snapshot {
    struct vio4wd_cnt_header header; /* pad bytes not copied */
    uint64_t read_tsc;               /* reader's TSC after the copy */
    struct vio4wd_cnt_worker worker[VIO4WD_CNT_MAX_WORKERS];
    struct vio4wd_cnt_relay relay[VIO4WD_CNT_MAX_RELAYS];
    /* each consistent with relay[r].dir[d] (copied under its count) */
    struct vio4wd_cnt_queues queues[VIO4WD_CNT_MAX_RELAYS][VIO4WD_DIR_COUNT];
};

/* Opens 'path' (a counters file, or a run directory that holds one).
 * Returns NULL with err set when it is missing or not a valid counters file
 * of a version this reader understands. */
struct vio4wd_counters *vio4wd_counters_open(const char *path, char *err, size_t errlen);

/* Copies a consistent snapshot. Returns 0, or -1 when a block stayed busy
 * for too long (the writer died mid-update). */
int vio4wd_counters_snapshot(struct vio4wd_counters *c, struct vio4wd_counters_snapshot *out);

/* True when the relay behind this mapping has stopped or been replaced
 * (another file now sits at the path): close and open again. */
bool vio4wd_counters_stale(struct vio4wd_counters *c);

/* The header of the mapping (read-only, for tsc_hz and epoch). */
const struct vio4wd_cnt_header *vio4wd_counters_header(const struct vio4wd_counters *c);

void vio4wd_counters_close(struct vio4wd_counters *c);

/* How many of relay r's queues in direction d (of a snapshot) are worth
 * showing: the pairs in use now, and any higher one that counted packets
 * before the guest reduced its pairs. Readers list queues 0..n-1 only, so
 * a 1-queue relay shows one queue, not VIO4WD_CNT_MAX_QUEUES. */
unsigned vio4wd_counters_queues_shown(const struct vio4wd_counters_snapshot *s, unsigned r,
                                      unsigned d);

/* The scheduler's last decision sits next to the counters file, so every
 * reader that finds the counters finds it too (see sched/last_decision.h). */
#define VIO4WD_SCHED_DECISION_FILE "vio4wd_core_scheduler.json"

/* Writes to out the path of 'name' in the directory of the counters file
 * that 'counters' names (the file itself, or a run directory holding it).
 * Returns 0, or -1 when it does not fit. */
int vio4wd_counters_sibling(const char *counters, const char *name, char *out, size_t len);

/* Reads the TSC, as the relay does (x86: rdtsc; others: a monotonic ns
 * clock scaled to the header's tsc_hz is not attempted, 0 is returned). */
uint64_t vio4wd_counters_rdtsc(void);

#endif
