/* relay.h - the relay table: relays, their two directions, and the API the
 * control plane calls (port add/remove, sockets, table snapshot).
 *
 * Threads and ownership:
 *   - The control plane (main lcore thread: ZeroMQ endpoints, start-up and
 *     shutdown) and the vhost-user callback thread change relays only while
 *     holding relay_lock(); workers never take it.
 *   - A direction's hot state (leftover mbufs, its counters block) belongs to
 *     the one worker that owns it; ownership moves by the handover protocol
 *     in migrate.h, never by locking.
 *   - Workers read a relay's vid and vf_ready with acquire loads. Whoever
 *     clears one of them calls workers_quiesce() before freeing what it
 *     guarded, so no worker still touches the queue afterwards.
 */
#ifndef VIO4WD_RELAY_H
#define VIO4WD_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "config.h"
#include "counters.h"
#include "vf_drops.h"

#define RELAY_BURST       32
#define RELAY_MAX_QUEUES  32        /* queue pairs per relay */
_Static_assert(RELAY_MAX_QUEUES == VIO4WD_CNT_MAX_QUEUES, "every queue has its counters");
#define RELAY_MAX_DIRS    (VIO4WD_MAX_RELAYS * VIO4WD_DIR_COUNT)
#define RELAY_NO_WORKER   (-1)

struct relay;
struct relay_meter;

/* Packets received but not yet accepted by the destination queue. They stay
 * with the direction (not the worker) so a handover loses none. */
struct relay_leftover {
    uint16_t n;                 /* packets left, starting at off */
    uint16_t off;
    bool stalled;               /* destination refused all for too long */
    uint64_t since_tsc;         /* when the oldest was first refused */
    struct rte_mbuf *pkts[RELAY_BURST];
};

struct relay_dir {
    /* Owner-only hot state. */
    struct relay *relay;
    uint8_t dir;                /* enum vio4wd_dir */
    uint16_t index;             /* relay id * 2 + dir: bit in worker masks */
    struct vio4wd_cnt_dir *cnt; /* counters block (shared memory) */
    struct vio4wd_cnt_queues *qcnt; /* its per-queue block, written under cnt->seq */
    int32_t last_owner;         /* worker that serviced it before, or -1 */
    const struct relay_meter *published_meter;  /* whose limit the counters show */

    /* Rate limit (meter.h): NULL = unlimited. Written by the control plane
     * with release, read by the owner with acquire once per service. */
    struct relay_meter *meter;

    /* Handover (see migrate.h). owner: written by workers with release;
     * target and pref_cpu: written by the control plane. */
    int32_t owner __rte_cache_aligned;
    int32_t target;
    int32_t pref_cpu;           /* pinned or requested CPU, -1 = any */

    struct relay_leftover left[RELAY_MAX_QUEUES] __rte_cache_aligned;
} __rte_cache_aligned;

struct relay {
    unsigned id;

    /* Read by workers on every service (acquire). */
    int vid;                    /* vhost device id, -1 = no guest */
    bool vf_ready;              /* VF port started */
    uint16_t vf_port;
    uint16_t n_queues;          /* queue pairs serviced; changes while quiesced */

    /* Control plane only (under relay_lock). */
    bool has_vf;
    bool has_socket;
    bool assigned;              /* directions handed to workers */
    int numa_node;              /* node of the mbuf pool, -1 = none yet */
    int pool_node;              /* node the pool was asked for (placement) */
    uint16_t vf_queues;         /* queue pairs the VF port was configured with */
    uint64_t guest_rings;       /* vrings the guest has enabled (bit = ring) */
    uint64_t queues_due_tsc;    /* apply the guest's queue pairs then; 0 = none */
    struct rte_mempool *pool;
    struct rte_mempool *retired[4]; /* replaced pools, freed once full again */
    struct vf_drops vf_drops;   /* the VF's own drop counters, sampled */
    struct vio4wd_cnt_relay *cnt;
    char vf_dev[VIO4WD_DEVICE_MAX];
    char vhost_path[VIO4WD_PATH_MAX];

    struct relay_dir dir[VIO4WD_DIR_COUNT];
} __rte_cache_aligned;

/* A copy of one relay's state for the control plane (stats, config). */
struct relay_info {
    unsigned id;
    bool in_use, has_vf, has_socket, guest_up, vf_ready;
    int numa_node;
    uint16_t n_queues;
    int cpu[VIO4WD_DIR_COUNT];  /* CPU of the current owner, -1 = none */
    uint64_t features;          /* virtio features negotiated with the guest, 0 = none */
    char vf_dev[VIO4WD_DEVICE_MAX];
    char vhost_path[VIO4WD_PATH_MAX];
};

extern struct relay g_relays[VIO4WD_MAX_RELAYS];

/* Set up the table (all relays free, pins from cfg). */
int relay_table_init(const struct vio4wd_config *cfg);

/* The control-plane lock (recursive). */
void relay_lock(void);
void relay_unlock(void);

/* Attaches a VF (PCI address or DPDK device string) to a relay and starts
 * it. Fails with -EEXIST when the relay already has one. */
int relay_add_vf(unsigned relay_id, const char *device, char *err, size_t errlen);
/* Stops and detaches the relay's VF; traffic from the guest is then dropped
 * and counted as "VF not connected". -ENOENT when it has none. */
int relay_remove_vf(unsigned relay_id, char *err, size_t errlen);

/* Registers the relay's vhost-user socket; path NULL or "" uses
 * VIRTIOFWD_SOCKET_DIR/VIRTIOFWD_SOCKET_FNAME_PATTERN. */
int relay_add_socket(unsigned relay_id, const char *path, char *err, size_t errlen);
int relay_remove_socket(unsigned relay_id, char *err, size_t errlen);

/* Copies the state of every relay in use (or all when all=true). Returns the
 * number of entries written. */
unsigned relay_snapshot(struct relay_info *out, unsigned max, bool all);

/* Relay id of an in-use relay, else NULL. */
struct relay *relay_get(unsigned relay_id);

/* Lookups for the vhost callbacks (under the lock). */
struct relay *relay_find_by_path(const char *vhost_path);
struct relay *relay_find_by_vid(int vid);

/* Called by the vhost callbacks (under the lock). */
void relay_guest_up(struct relay *r, int vid);
void relay_guest_down(struct relay *r);
/* A guest enabled or disabled one of its vrings: the relay follows the
 * number of queue pairs it has enabled (capped by the VF and by
 * RELAY_MAX_QUEUES), reconfiguring the VF when that number changes. A guest
 * enables its pairs one after the other, so the change is applied once the
 * rings have been quiet for a moment (relay_housekeeping), not per ring:
 * a VF restart is a link flap. */
void relay_vring_state(struct relay *r, uint16_t ring, bool enable);

/* The control loop's periodic work, under the lock: applies settled queue
 * pair changes and frees replaced mbuf pools whose mbufs have all come
 * back. Cheap; call it every few tens of milliseconds. */
void relay_housekeeping(void);

/* Gives both directions to workers, or takes them back, according to
 * whether there is anything to service. Under the lock. */
void relay_update_assignment(struct relay *r);

/* Refreshes the slow part of the relay's counters block. */
void relay_publish_info(struct relay *r);

/* Stops everything at shutdown: sockets, VFs, pools. Workers must already
 * have stopped. */
void relay_table_shutdown(void);

#endif
