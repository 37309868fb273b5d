/* SPDX-License-Identifier: BSD-3-Clause */
/* dir.h - the relay's data: a relay, its two directions and their
 * leftovers. The bottom of relay/: types only, used by the worker loop
 * (worker.h) and the relay table (relay.h) above it.
 *
 * Who writes what (relay.h says the same from the table's side):
 *   - a direction's hot state (leftover mbufs, its counters) belongs to the
 *     one worker that owns it; ownership moves by the handover protocol
 *     (handover.h), never by locking;
 *   - everything else is the control plane's, under relay_lock(); workers
 *     read vid, vf_ready, n_queues and meter with acquire loads.
 */
#ifndef VIO4WD_RELAY_DIR_H
#define VIO4WD_RELAY_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "config.h"
#include "counters.h"
#include "handover.h"
#include "vf_drops.h"

#define RELAY_BURST      32
#define RELAY_MAX_QUEUES 32 /* queue pairs per relay */
_Static_assert(RELAY_MAX_QUEUES == VIO4WD_CNT_MAX_QUEUES, "every queue has its counters");
#define RELAY_MAX_DIRS  (VIO4WD_MAX_RELAYS * VIO4WD_DIR_COUNT)
#define RELAY_NO_WORKER HANDOVER_NONE
_Static_assert(RELAY_MAX_DIRS <= HANDOVER_MAX_DIRS, "every direction has a mask bit");

struct relay;
struct relay_meter;

/* Packets received but not yet accepted by the destination queue. They stay
 * with the direction (not the worker) so a handover loses none. */
struct relay_leftover {
    uint16_t n; /* packets left, starting at off */
    uint16_t off;
    bool stalled;       /* destination refused all for too long */
    uint64_t since_tsc; /* when the oldest was first refused */
    struct rte_mbuf *pkts[RELAY_BURST];
};

struct relay_dir {
    /* Owner-only hot state. */
    struct relay *relay;
    uint8_t dir;                               /* enum vio4wd_dir */
    struct vio4wd_cnt_queues *qcnt;            /* its per-queue block, written under ho.cnt->seq */
    const struct relay_meter *published_meter; /* whose limit the counters show */

    /* Rate limit (meter.h): NULL = unlimited. Written by the control plane
     * with release, read by the owner with acquire once per service. */
    struct relay_meter *meter;

    /* Its owner, target, mask bit and counters block (handover.h): changed
     * by the handover module only. */
    struct handover_dir ho;
    int32_t pref_cpu; /* pinned or requested CPU, -1 = any; control plane */

    struct relay_leftover left[RELAY_MAX_QUEUES] __rte_cache_aligned;
} __rte_cache_aligned;

struct relay {
    unsigned id;

    /* Read by workers on every service (acquire). */
    int vid;       /* vhost device id, -1 = no guest */
    bool vf_ready; /* VF port started */
    uint16_t vf_port;
    uint16_t n_queues; /* queue pairs serviced; changes while quiesced */

    /* Control plane only (under relay_lock). */
    bool has_vf;
    bool has_socket;
    bool assigned;           /* directions handed to workers */
    int numa_node;           /* node of the mbuf pool, -1 = none yet */
    int pool_node;           /* node the pool was asked for (placement) */
    uint16_t vf_queues;      /* queue pairs the VF port was configured with */
    uint64_t guest_rings;    /* vrings the guest has enabled (bit = ring) */
    uint64_t queues_due_tsc; /* apply the guest's queue pairs then; 0 = none */
    struct rte_mempool *pool;
    struct rte_mempool *retired[4]; /* replaced pools, freed once full again */
    struct vf_drops vf_drops;       /* the VF's own drop counters, sampled */
    struct vio4wd_cnt_relay *cnt;
    char vf_dev[VIO4WD_DEVICE_MAX];
    char vhost_path[VIO4WD_PATH_MAX];

    struct relay_dir dir[VIO4WD_DIR_COUNT];
} __rte_cache_aligned;

/* The direction that embeds handover state h (a worker's list holds those). */
static inline struct relay_dir *relay_dir_of(struct handover_dir *h)
{
    return (struct relay_dir *)((char *)h - offsetof(struct relay_dir, ho));
}

#endif
