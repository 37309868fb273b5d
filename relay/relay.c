/* SPDX-License-Identifier: BSD-3-Clause */
/* relay.c - the relay table and each relay's state machine.
 *
 * A relay is "in use" while it has a VF or a vhost-user socket. Its two
 * directions are handed to workers while there is something to service (a
 * VF to receive from, or a guest connected) and taken back when neither is
 * left. Guest and VF come and go independently; a worker drops what cannot
 * be delivered and counts it as "not connected".
 */
#include "relay.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_vhost.h>

#include "counters_writer.h"
#include "log.h"
#include "numa_place.h"
#include "vf_port.h"
#include "test_hooks.h"
#include "vf_sample.h"
#include "vhost.h"
#include "worker.h"

/* Guest events (vhost.h) land here, under the lock: the relay by socket
 * path or vhost device, and what a guest coming, going or changing its rings
 * does to it. */
static struct relay *relay_find_by_path(const char *vhost_path);
static struct relay *relay_find_by_vid(int vid);

static void relay_guest_up(struct relay *r, int vid);
static void relay_guest_down(struct relay *r);
/* A guest enabled or disabled one of its vrings: the relay follows the
 * number of queue pairs it has enabled (capped by the VF and by
 * RELAY_MAX_QUEUES), reconfiguring the VF when that number changes. A guest
 * enables its pairs one after the other, so the change is applied once the
 * rings have been quiet for a moment (relay_housekeeping), not per ring:
 * a VF restart is a link flap. */
static void relay_vring_state(struct relay *r, uint16_t ring, bool enable);

static const struct vhost_events g_vhost_events;
struct relay g_relays[VIO4WD_MAX_RELAYS];
static const struct vio4wd_config *g_cfg;
static pthread_mutex_t g_lock;

#define POOL_CACHE 256
/* After a guest has started, a change of its enabled queue pairs (ethtool
 * -L in the guest) is applied once its ring states have been unchanged this
 * long: a driver enables or disables pairs one by one, and every VF restart
 * is a link flap. A DPDK guest enables its extra pairs only at port start,
 * which on a busy 2-CPU host came more than 1 s after the device: the relay
 * then shrank to one pair and grew back (two flaps), so wait 3 s. */
#define QUEUES_SETTLE_MS 3000

void relay_lock(void)
{
    pthread_mutex_lock(&g_lock);
}

void relay_unlock(void)
{
    pthread_mutex_unlock(&g_lock);
}

int relay_table_init(const struct vio4wd_config *cfg)
{
    pthread_mutexattr_t a;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&g_lock, &a);
    pthread_mutexattr_destroy(&a);
    g_cfg = cfg;
    vhost_set_events(&g_vhost_events);

    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++) {
        struct relay *r = &g_relays[i];
        memset(r, 0, sizeof(*r));
        r->id = i;
        r->vid = -1;
        r->n_queues = 1;
        r->numa_node = -1;
        r->pool_node = -1;
        r->cnt = vio4wd_counters_relay(i);
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            struct relay_dir *rd = &r->dir[d];
            rd->relay = r;
            rd->dir = (uint8_t)d;
            rd->qcnt = vio4wd_counters_queues(i, (unsigned)d);
            handover_add_dir(&g_handover, &rd->ho, (uint16_t)(i * VIO4WD_DIR_COUNT + d),
                             &r->cnt->dir[d]);
            rd->pref_cpu = -1;
        }
    }
    for (unsigned p = 0; p < cfg->n_cpu_pins; p++) {
        const struct vio4wd_cpu_pin *pin = &cfg->cpu_pins[p];
        if (pin->relay_id >= VIO4WD_MAX_RELAYS)
            continue;
        g_relays[pin->relay_id].dir[VIO4WD_DIR_VF_TO_VM].pref_cpu = (int)pin->vf_to_vm_cpu;
        g_relays[pin->relay_id].dir[VIO4WD_DIR_VM_TO_VF].pref_cpu = (int)pin->vm_to_vf_cpu;
    }
    return 0;
}

struct relay *relay_get(unsigned relay_id)
{
    if (relay_id >= VIO4WD_MAX_RELAYS)
        return NULL;
    struct relay *r = &g_relays[relay_id];
    return (r->has_vf || r->has_socket) ? r : NULL;
}

static struct relay *relay_find_by_path(const char *vhost_path)
{
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        if (g_relays[i].vhost_path[0] && strcmp(g_relays[i].vhost_path, vhost_path) == 0)
            return &g_relays[i];
    return NULL;
}

static struct relay *relay_find_by_vid(int vid)
{
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        if (g_relays[i].vid == vid)
            return &g_relays[i];
    return NULL;
}

void relay_publish_info(struct relay *r)
{
    struct vio4wd_cnt_relay *c = r->cnt;
    uint32_t flags = 0;

    if (r->has_vf || r->has_socket)
        flags |= VIO4WD_RELAY_IN_USE;
    if (r->vf_ready)
        flags |= VIO4WD_RELAY_VF_READY;
    if (r->has_socket)
        flags |= VIO4WD_RELAY_VHOST_SOCK;
    if (r->vid >= 0)
        flags |= VIO4WD_RELAY_GUEST_UP;
    vio4wd_counters_write_begin(&c->info_seq);
    c->flags = flags;
    c->numa_node = r->numa_node;
    c->n_queues = r->n_queues;
    /* What a guest may ask for (vio4wd-guest-config --check reads it). */
    c->vf_max_queues = r->has_vf ? vf_port_max_queues(r->vf_port, RELAY_MAX_QUEUES) : 0;
    c->info_update_tsc = rte_rdtsc();
    snprintf(c->vf_dev, sizeof(c->vf_dev), "%s", r->vf_dev);
    snprintf(c->vhost_path, sizeof(c->vhost_path), "%s", r->vhost_path);
    vio4wd_counters_write_end(&c->info_seq);
}

static unsigned g_pool_gen; /* pool names must be unique */

/* The mbuf pool: sized for the VF rings at any queue count, every queue's
 * leftovers both ways, and every lcore's cache, so a queue-count change
 * never needs a bigger pool. On 'node', else anywhere; *actual says where
 * it is believed to be. */
static struct rte_mempool *create_pool(struct relay *r, int node, int *actual, char *err,
                                       size_t errlen)
{
    char name[RTE_MEMPOOL_NAMESIZE];
    struct rte_mempool *p;
    unsigned n, need;
    uint16_t room =
        g_cfg->jumbo ? (uint16_t)(9216 + RTE_PKTMBUF_HEADROOM) : RTE_MBUF_DEFAULT_BUF_SIZE;

    need = VF_MAX_DESC_TOTAL(VF_RX_DESC, RELAY_MAX_QUEUES) +
           VF_MAX_DESC_TOTAL(VF_TX_DESC, RELAY_MAX_QUEUES) + 2 * RELAY_MAX_QUEUES * RELAY_BURST +
           POOL_CACHE * (g_n_workers + 2);
    for (n = 1024; n - 1 < need; n *= 2)
        ;
    snprintf(name, sizeof(name), "relay%u_%u", r->id, g_pool_gen++);
    p = rte_pktmbuf_pool_create(name, n - 1, POOL_CACHE, 0, room, node);
    *actual = node >= 0 ? node : (int)rte_socket_id();
    if (!p && node != SOCKET_ID_ANY) {
        log_warning("relay %u: no memory for its mbufs on node %d, using any node", r->id, node);
        p = rte_pktmbuf_pool_create(name, n - 1, POOL_CACHE, 0, room, SOCKET_ID_ANY);
        *actual = (int)rte_socket_id();
    }
    if (!p)
        snprintf(err, errlen, "relay %u: cannot create a pool of %u mbufs on node %d: %s", r->id,
                 n - 1, node, rte_strerror(rte_errno));
    else
        log_info("relay %u: %u mbufs of %u bytes for node %d (pool %s)", r->id, n - 1,
                 (unsigned)room, node, name);
    return p;
}

/* Creates the relay's first pool. Kept while the relay process lives
 * (re-adding a VF reuses it); only a placement move replaces it. */
static int ensure_pool(struct relay *r, int node, char *err, size_t errlen)
{
    int actual;

    if (r->pool)
        return 0;
    r->pool = create_pool(r, node, &actual, err, errlen);
    if (!r->pool)
        return -ENOMEM;
    r->pool_node = node;
    r->numa_node = actual;
    return 0;
}

static void reap_pools(void)
{
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        for (unsigned k = 0; k < RTE_DIM(g_relays[i].retired); k++) {
            struct rte_mempool *p = g_relays[i].retired[k];
            /* full: every mbuf is back (lcore caches included) */
            if (p && rte_mempool_full(p)) {
                log_info("relay %u: replaced mbuf pool %s freed", i, p->name);
                rte_mempool_free(p);
                g_relays[i].retired[k] = NULL;
            }
        }
}

static int free_retired_slot(struct relay *r)
{
    reap_pools();
    for (unsigned k = 0; k < RTE_DIM(r->retired); k++)
        if (!r->retired[k])
            return (int)k;
    return -1;
}

/* Least-busy worker for a direction: its pin if any, else the worker of the
 * relay's node with the fewest directions, then the least busy cycles. */
static int choose_worker(struct relay *r, struct relay_dir *d)
{
    unsigned count[VIO4WD_CNT_MAX_WORKERS] = {0};
    int best = -1;

    if (d->pref_cpu >= 0) {
        int w = worker_of_cpu(d->pref_cpu);
        if (w >= 0)
            return w;
    }
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
            int t = handover_target(&g_relays[i].dir[k].ho);
            if (t >= 0)
                count[t]++;
        }
    for (int pass = 0; pass < 2 && best < 0; pass++)
        for (unsigned w = 0; w < g_n_workers; w++) {
            if (pass == 0 && r->numa_node >= 0 && g_workers[w].numa_node != r->numa_node)
                continue;
            if (best < 0 || count[w] < count[best] ||
                (count[w] == count[best] &&
                 g_workers[w].cnt->busy_cycles < g_workers[best].cnt->busy_cycles))
                best = (int)w;
        }
    return best;
}

/* Takes d from its worker (handover_unassign), saying so when the worker
 * did not let go. */
static void take_back(struct relay_dir *d)
{
    if (!handover_unassign(&g_handover, &d->ho))
        log_err("relay %u: direction %u was not released by worker %d", d->relay->id, d->dir,
                handover_owner(&d->ho));
}

/* Frees what an unowned direction still holds. */
static void free_leftovers(struct relay_dir *d)
{
    for (unsigned q = 0; q < RELAY_MAX_QUEUES; q++) {
        struct relay_leftover *lo = &d->left[q];
        if (lo->n)
            rte_pktmbuf_free_bulk(&lo->pkts[lo->off], lo->n);
        lo->n = 0;
    }
}

void relay_update_assignment(struct relay *r)
{
    bool need = r->has_vf || r->vid >= 0;

    if (need && !r->assigned) {
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
            int w = choose_worker(r, &r->dir[k]);
            if (w >= 0)
                handover_assign(&g_handover, &r->dir[k].ho, w);
        }
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++)
            if (!handover_wait(&g_handover, &r->dir[k].ho, HANDOVER_SETTLE_US))
                log_warning("relay %u: direction %d not yet picked up by its worker", r->id, k);
        r->assigned = true;
    } else if (!need && r->assigned) {
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
            take_back(&r->dir[k]);
            free_leftovers(&r->dir[k]);
        }
        r->assigned = false;
    }
}

/* Takes both directions from their workers, so the control plane may
 * change what they use (queue count, pool, VF rings); saved[] remembers the
 * owners. The guest's rings and the leftovers simply wait: nothing is lost
 * on the guest side. */
static void pause_dirs(struct relay *r, int32_t saved[VIO4WD_DIR_COUNT])
{
    for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
        struct relay_dir *d = &r->dir[k];
        saved[k] = RELAY_NO_WORKER;
        if (!r->assigned)
            continue;
        handover_wait(&g_handover, &d->ho, HANDOVER_SETTLE_US);
        saved[k] = handover_owner(&d->ho);
        take_back(d);
    }
}

/* Gives the directions back to the workers they had (not a migration). */
static void resume_dirs(struct relay *r, const int32_t saved[VIO4WD_DIR_COUNT])
{
    if (!r->assigned)
        return;
    for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
        int w = saved[k] >= 0 ? saved[k] : choose_worker(r, &r->dir[k]);
        if (w >= 0)
            handover_assign(&g_handover, &r->dir[k].ho, w);
    }
    for (int k = 0; k < VIO4WD_DIR_COUNT; k++)
        if (!handover_wait(&g_handover, &r->dir[k].ho, HANDOVER_SETTLE_US))
            log_warning("relay %u: direction %d not yet picked up again", r->id, k);
}

/* Drops (counted as "not connected") the leftovers of queues that no
 * longer exist. The direction is unowned: we are its only writer. */
static void drop_leftovers_from(struct relay_dir *d, uint16_t first)
{
    uint64_t pk = 0, by = 0;

    for (uint16_t q = first; q < RELAY_MAX_QUEUES; q++) {
        struct relay_leftover *lo = &d->left[q];
        for (uint16_t i = 0; i < lo->n; i++)
            by += rte_pktmbuf_pkt_len(lo->pkts[lo->off + i]);
        pk += lo->n;
        if (lo->n)
            rte_pktmbuf_free_bulk(&lo->pkts[lo->off], lo->n);
        lo->n = 0;
        lo->stalled = false;
    }
    if (!pk)
        return;
    vio4wd_counters_write_begin(&d->ho.cnt->seq);
    d->ho.cnt->drop_nc_pkts += pk;
    d->ho.cnt->drop_nc_bytes += by;
    vio4wd_counters_write_end(&d->ho.cnt->seq);
}

/* Queue pairs the guest has fully enabled, counting from pair 0 (a guest
 * enables them in order; a gap ends what we can use). */
static uint16_t guest_pairs(uint64_t rings)
{
    uint16_t n = 0;
    while (n < RELAY_MAX_QUEUES && ((rings >> (2 * n)) & 3) == 3)
        n++;
    return n;
}

/* n queue pairs, or fewer if the VF has fewer. */
static uint16_t cap_by_vf(const struct relay *r, uint16_t n)
{
    return r->has_vf ? vf_port_max_queues(r->vf_port, n) : n;
}

/* Queue pairs the relay should service: the guest's (one before it has
 * said), capped by the VF's. */
static uint16_t wanted_queues(const struct relay *r)
{
    uint16_t want = r->vid >= 0 ? guest_pairs(r->guest_rings) : 0;
    if (!want)
        want = r->vid >= 0 || !r->has_vf ? r->n_queues : 1;
    return cap_by_vf(r, want);
}

/* True when servicing 'want' queue pairs needs a reconfiguration. */
static bool queues_differ(const struct relay *r, uint16_t want)
{
    return want != r->n_queues || (r->has_vf && want != r->vf_queues);
}

/* Makes the relay service 'want' queue pairs, with its directions paused;
 * restarts the VF with that many when restart_vf. */
static void apply_queues(struct relay *r, uint16_t want, bool restart_vf)
{
    char err[256];
    int32_t saved[VIO4WD_DIR_COUNT];
    uint16_t old = r->n_queues;

    pause_dirs(r, saved);
    if (restart_vf) {
        __atomic_store_n(&r->vf_ready, false, __ATOMIC_SEQ_CST);
        if (vf_port_restart(r->vf_port, r->pool, want, g_cfg, err, sizeof(err)) == 0) {
            r->vf_queues = want;
        } else {
            log_err("relay %u: %s; keeping %u queue pairs", r->id, err, r->vf_queues);
            want = r->vf_queues;
            if (vf_port_restart(r->vf_port, r->pool, want, g_cfg, err, sizeof(err)) != 0) {
                log_err("relay %u: %s; VF left stopped", r->id, err);
                restart_vf = false;
            }
        }
    }
    for (int k = 0; k < VIO4WD_DIR_COUNT; k++)
        drop_leftovers_from(&r->dir[k], want);
    __atomic_store_n(&r->n_queues, want, __ATOMIC_RELEASE);
    if (restart_vf)
        __atomic_store_n(&r->vf_ready, true, __ATOMIC_SEQ_CST);
    resume_dirs(r, saved);
    relay_publish_info(r);
    if (want != old)
        log_info("relay %u: %u queue pairs (was %u)", r->id, want, old);
}

/* Schedules the queue pairs the guest asks for, if they differ from ours,
 * for when its ring states have been unchanged for QUEUES_SETTLE_MS. */
static void schedule_queues(struct relay *r)
{
    if (queues_differ(r, wanted_queues(r)))
        r->queues_due_tsc = rte_rdtsc() + rte_get_tsc_hz() / 1000 * QUEUES_SETTLE_MS;
    else
        r->queues_due_tsc = 0;
}

static void relay_vring_state(struct relay *r, uint16_t ring, bool enable)
{
    if (ring >= 64)
        return;
    if (enable)
        r->guest_rings |= 1ull << ring;
    else
        r->guest_rings &= ~(1ull << ring);
    if (r->vid < 0 || !guest_pairs(r->guest_rings))
        return; /* new_device decides; a guest resetting its rings keeps ours */
    schedule_queues(r);
}

static void settle_queues(struct relay *r, uint64_t now)
{
    uint16_t want;

    if (r->queues_due_tsc == 0 || now < r->queues_due_tsc)
        return;
    r->queues_due_tsc = 0;
    if (r->vid < 0 || !guest_pairs(r->guest_rings))
        return;
    want = wanted_queues(r);
    if (queues_differ(r, want))
        apply_queues(r, want, r->has_vf);
}

void relay_housekeeping(void)
{
    uint64_t now = rte_rdtsc();

    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++) {
        settle_queues(&g_relays[i], now);
        vf_drops_sample(&g_relays[i], now);
    }
    reap_pools();
}

/* Moves the pool to 'node': a new pool, the VF's rx rings refilled from it,
 * the old one retired until its mbufs (leftovers, VF tx rings) are back. */
static void move_pool(struct relay *r, int node)
{
    char err[256];
    int32_t saved[VIO4WD_DIR_COUNT];
    int actual, slot = free_retired_slot(r);
    struct rte_mempool *p, *old = r->pool;

    if (slot < 0) {
        log_warning("relay %u: previous pools still in use; pool stays on node %d", r->id,
                    r->numa_node);
        return;
    }
    p = create_pool(r, node, &actual, err, sizeof(err));
    if (!p) {
        log_warning("%s; pool stays on node %d", err, r->numa_node);
        return;
    }
    pause_dirs(r, saved);
    if (r->has_vf) {
        __atomic_store_n(&r->vf_ready, false, __ATOMIC_SEQ_CST);
        if (vf_port_restart(r->vf_port, p, r->vf_queues, g_cfg, err, sizeof(err)) != 0) {
            log_err("relay %u: %s; pool stays on node %d", r->id, err, r->numa_node);
            if (vf_port_restart(r->vf_port, old, r->vf_queues, g_cfg, err, sizeof(err)) == 0)
                __atomic_store_n(&r->vf_ready, true, __ATOMIC_SEQ_CST);
            else
                log_err("relay %u: %s; VF left stopped", r->id, err);
            resume_dirs(r, saved);
            rte_mempool_free(p);
            return;
        }
    }
    r->pool = p;
    r->retired[slot] = old;
    log_info("relay %u: mbuf pool moved from node %d to node %d (now on node %d)", r->id,
             r->pool_node, node, actual);
    r->pool_node = node;
    r->numa_node = actual;
    if (r->has_vf)
        __atomic_store_n(&r->vf_ready, true, __ATOMIC_SEQ_CST);
    resume_dirs(r, saved);
    relay_publish_info(r);
}

int relay_add_vf(unsigned relay_id, const char *device, char *err, size_t errlen)
{
    struct relay *r;
    uint16_t port;
    int rc;

    if (relay_id >= VIO4WD_MAX_RELAYS) {
        snprintf(err, errlen, "relay id %u out of range (0..%u)", relay_id, VIO4WD_MAX_RELAYS - 1);
        return -EINVAL;
    }
    relay_lock();
    r = &g_relays[relay_id];
    if (r->has_vf) {
        snprintf(err, errlen, "relay %u already has VF %s", relay_id, r->vf_dev);
        relay_unlock();
        return -EEXIST;
    }
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        if (g_relays[i].has_vf && strcmp(g_relays[i].vf_dev, device) == 0) {
            snprintf(err, errlen, "device %s already serves relay %u", device, i);
            relay_unlock();
            return -EBUSY;
        }
    rc = vf_port_probe(device, &port, err, errlen);
    if (rc)
        goto out;
    rc = ensure_pool(r, vf_port_numa_node(port, (int)rte_socket_id()), err, errlen);
    if (rc)
        goto fail_detach;
    r->vf_port = port;
    r->has_vf = true; /* so wanted_queues caps by this VF */
    uint16_t nq = wanted_queues(r);
    r->has_vf = false;
    rc = vf_port_start(port, r->pool, nq, g_cfg, err, errlen);
    if (rc)
        goto fail_detach;
    r->vf_queues = nq;
    r->has_vf = true;
    snprintf(r->vf_dev, sizeof(r->vf_dev), "%s", device);
    if (nq != r->n_queues)
        apply_queues(r, nq, false); /* VF not ready yet: no restart */
    __atomic_store_n(&r->vf_ready, true, __ATOMIC_SEQ_CST);
    relay_update_assignment(r);
    relay_publish_info(r);
    log_info("relay %u: VF %s is port %u", relay_id, device, port);
    goto out;
fail_detach:
    vf_port_remove(port, device);
out:
    relay_unlock();
    return rc;
}

int relay_remove_vf(unsigned relay_id, char *err, size_t errlen)
{
    struct relay *r;

    relay_lock();
    r = relay_id < VIO4WD_MAX_RELAYS ? &g_relays[relay_id] : NULL;
    if (!r || !r->has_vf) {
        snprintf(err, errlen, "relay %u has no VF", relay_id);
        relay_unlock();
        return -ENOENT;
    }
    __atomic_store_n(&r->vf_ready, false, __ATOMIC_SEQ_CST);
    workers_quiesce(); /* no worker touches the port after this */
    vf_drops_detach(r);
    vf_port_remove(r->vf_port, r->vf_dev);
    log_info("relay %u: VF %s removed", relay_id, r->vf_dev);
    r->has_vf = false;
    r->vf_dev[0] = '\0';
    relay_update_assignment(r);
    relay_publish_info(r);
    relay_unlock();
    return 0;
}

int relay_add_socket(unsigned relay_id, const char *path, char *err, size_t errlen)
{
    char buf[VIO4WD_PATH_MAX];
    struct relay *r;
    int rc;

    if (relay_id >= VIO4WD_MAX_RELAYS) {
        snprintf(err, errlen, "relay id %u out of range (0..%u)", relay_id, VIO4WD_MAX_RELAYS - 1);
        return -EINVAL;
    }
    if (!path || !path[0]) {
        if (config_socket_path(g_cfg, relay_id, buf, sizeof(buf)) != 0) {
            snprintf(err, errlen, "relay %u: socket path too long", relay_id);
            return -ENAMETOOLONG;
        }
        path = buf;
    }
    relay_lock();
    r = &g_relays[relay_id];
    if (r->has_socket || r->vhost_path[0]) {
        snprintf(err, errlen, "relay %u already has vhost-user socket %s", relay_id, r->vhost_path);
        relay_unlock();
        return -EEXIST;
    }
    if (relay_find_by_path(path)) {
        snprintf(err, errlen, "socket %s already serves relay %u", path,
                 relay_find_by_path(path)->id);
        relay_unlock();
        return -EBUSY;
    }
    snprintf(r->vhost_path, sizeof(r->vhost_path), "%s", path);
    r->has_socket = true;
    rc = vhost_socket_start(path, err, errlen);
    if (rc) {
        r->has_socket = false;
        r->vhost_path[0] = '\0';
    }
    relay_publish_info(r);
    relay_unlock();
    return rc;
}

int relay_remove_socket(unsigned relay_id, char *err, size_t errlen)
{
    char path[VIO4WD_PATH_MAX];
    struct relay *r;

    relay_lock();
    r = relay_id < VIO4WD_MAX_RELAYS ? &g_relays[relay_id] : NULL;
    if (!r || !r->has_socket) {
        snprintf(err, errlen, "relay %u has no vhost-user socket", relay_id);
        relay_unlock();
        return -ENOENT;
    }
    r->has_socket = false;
    snprintf(path, sizeof(path), "%s", r->vhost_path);
    relay_unlock();
    /* Outside the lock: unregistering waits for the vhost thread, which
     * may be waiting for the lock in destroy_device. */
    vhost_socket_stop(path);
    relay_lock();
    if (r->vid >= 0) /* no destroy callback came: clean up ourselves */
        relay_guest_down(r);
    r->vhost_path[0] = '\0';
    relay_publish_info(r);
    relay_unlock();
    return 0;
}

/* The guest's memory node; VIO4WD_TEST_GUEST_NUMA_NODE overrides it
 * (test_hooks.h). */
static int guest_numa_node(int vid)
{
    int forced = test_hooks()->guest_numa_node;
    return forced >= 0 ? forced : rte_vhost_get_numa_node(vid);
}

static void relay_guest_up(struct relay *r, int vid)
{
    char err[256];
    int node = guest_numa_node(vid);
    int vf_node = r->has_vf ? vf_port_numa_node(r->vf_port, -1) : -1;
    int target = numa_pool_target(r->pool ? r->pool_node : -1, vf_node, node);

    if (!r->pool && ensure_pool(r, target, err, sizeof(err)) != 0) {
        log_err("%s", err);
        return;
    }
    if (target != r->pool_node)
        move_pool(r, target);
    /* A guest has set up all its rings by now and enables them over the
     * next moments. Size the relay for the rings it has, before the workers
     * see it: a guest start is then one VF reconfiguration, not one per
     * pair it enables, and no ring of a previous, larger guest is polled
     * (one not yet enabled is harmless: vhost returns nothing). */
    uint16_t have = (uint16_t)RTE_MIN(rte_vhost_get_vring_num(vid) / 2, RELAY_MAX_QUEUES);
    if (have > 0 && queues_differ(r, cap_by_vf(r, have)))
        apply_queues(r, cap_by_vf(r, have), r->has_vf);
    __atomic_store_n(&r->vid, vid, __ATOMIC_SEQ_CST);
    relay_update_assignment(r);
    if (guest_pairs(r->guest_rings))
        schedule_queues(r);
    relay_publish_info(r);
    log_info("relay %u: guest connected on %s (vhost device %d)", r->id, r->vhost_path, vid);
}

static void relay_guest_down(struct relay *r)
{
    __atomic_store_n(&r->vid, -1, __ATOMIC_SEQ_CST);
    r->guest_rings = 0;
    r->queues_due_tsc = 0;
    workers_quiesce(); /* no worker touches the vrings after this */
    relay_update_assignment(r);
    relay_publish_info(r);
    log_info("relay %u: guest disconnected from %s", r->id, r->vhost_path);
}

unsigned relay_snapshot(struct relay_info *out, unsigned max, bool all)
{
    unsigned n = 0;

    relay_lock();
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS && n < max; i++) {
        struct relay *r = &g_relays[i];
        bool in_use = r->has_vf || r->has_socket;
        if (!in_use && !all)
            continue;
        struct relay_info *ri = &out[n++];
        memset(ri, 0, sizeof(*ri));
        ri->id = i;
        ri->in_use = in_use;
        ri->has_vf = r->has_vf;
        ri->has_socket = r->has_socket;
        ri->guest_up = r->vid >= 0;
        if (ri->guest_up && rte_vhost_get_negotiated_features(r->vid, &ri->features) != 0)
            ri->features = 0;
        ri->vf_ready = r->vf_ready;
        ri->numa_node = r->numa_node;
        ri->n_queues = r->n_queues;
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
            int o = handover_owner(&r->dir[k].ho);
            ri->cpu[k] = o >= 0 ? (int)g_workers[o].ho.cpu : -1;
        }
        snprintf(ri->vf_dev, sizeof(ri->vf_dev), "%s", r->vf_dev);
        snprintf(ri->vhost_path, sizeof(ri->vhost_path), "%s", r->vhost_path);
    }
    relay_unlock();
    return n;
}

void relay_table_shutdown(void)
{
    char path[VIO4WD_PATH_MAX];

    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++) {
        struct relay *r = &g_relays[i];
        relay_lock();
        bool sock = r->has_socket;
        r->has_socket = false;
        snprintf(path, sizeof(path), "%s", r->vhost_path);
        relay_unlock();
        if (sock)
            vhost_socket_stop(path);
    }
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++) {
        struct relay *r = &g_relays[i];
        relay_lock();
        __atomic_store_n(&r->vid, -1, __ATOMIC_SEQ_CST);
        if (r->has_vf) {
            __atomic_store_n(&r->vf_ready, false, __ATOMIC_SEQ_CST);
            vf_port_remove(r->vf_port, r->vf_dev);
            r->has_vf = false;
        }
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++)
            free_leftovers(&r->dir[k]);
        if (r->pool) {
            rte_mempool_free(r->pool);
            r->pool = NULL;
        }
        for (unsigned k = 0; k < RTE_DIM(r->retired); k++) {
            rte_mempool_free(r->retired[k]);
            r->retired[k] = NULL;
        }
        relay_unlock();
    }
}

/* ---- guest events (vhost.h), on rte_vhost's thread ---------------------- */

static int on_guest_up(const char *path, int vid)
{
    relay_lock();
    struct relay *r = relay_find_by_path(path);
    if (!r) {
        relay_unlock();
        log_warning("vhost device %d on %s belongs to no relay", vid, path);
        return -1;
    }
    if (r->vid >= 0) {
        relay_unlock();
        log_warning("relay %u: second guest on %s refused", r->id, path);
        return -1;
    }
    vhost_guest_setup(vid);
    relay_guest_up(r, vid);
    relay_unlock();
    return 0;
}

static void on_guest_down(int vid)
{
    relay_lock();
    struct relay *r = relay_find_by_vid(vid);
    if (r)
        relay_guest_down(r);
    relay_unlock();
}

static void on_vring_state(const char *path, int vid, uint16_t ring, bool enable)
{
    relay_lock();
    struct relay *r = relay_find_by_path(path);
    if (r && (r->vid < 0 || r->vid == vid))
        relay_vring_state(r, ring, enable);
    relay_unlock();
}

static const struct vhost_events g_vhost_events = {
    .guest_up = on_guest_up,
    .guest_down = on_guest_down,
    .vring_state = on_vring_state,
};
