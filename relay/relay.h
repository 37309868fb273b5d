/* SPDX-License-Identifier: BSD-3-Clause */
/* relay.h - the relay table and its lifecycle: the relays (dir.h), and the
 * API the control plane calls (port add/remove, sockets, table snapshot).
 *
 * Threads and ownership:
 *   - The control plane (main lcore thread: ZeroMQ endpoints, start-up and
 *     shutdown) and the vhost-user callback thread change relays only while
 *     holding relay_lock(); workers never take it.
 *   - A direction's hot state (leftover mbufs, its counters block) belongs to
 *     the one worker that owns it; ownership moves by the handover protocol
 *     in handover.h, never by locking.
 *   - Workers read a relay's vid and vf_ready with acquire loads. Whoever
 *     clears one of them calls workers_quiesce() before freeing what it
 *     guarded, so no worker still touches the queue afterwards.
 */
#ifndef VIO4WD_RELAY_H
#define VIO4WD_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "counters.h"
#include "dir.h"

/* A copy of one relay's state for the control plane (stats, config). */
struct relay_info {
    unsigned id;
    bool in_use, has_vf, has_socket, guest_up, vf_ready;
    int numa_node;
    uint16_t n_queues;
    int cpu[VIO4WD_DIR_COUNT]; /* CPU of the current owner, -1 = none */
    uint64_t features;         /* virtio features negotiated with the guest, 0 = none */
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

/* The control loop's periodic work, under the lock: applies settled queue
 * pair changes and frees replaced mbuf pools whose mbufs have all come
 * back. Cheap; call it every few tens of milliseconds. */
void relay_housekeeping(void);

/* Gives both directions to workers, or takes them back, according to
 * whether there is anything to service. Under the lock. */
void relay_update_assignment(struct relay *r);

/* Refreshes the slow part of the relay's counters block. */
void relay_publish_info(struct relay *r);

/* Stops everything at shutdown: sockets, VFs, pools (the meters are
 * rate_limit.h's: relay_free_meters()). Workers must already have stopped. */
void relay_table_shutdown(void);

#endif
