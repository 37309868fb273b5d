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
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_vhost.h>

#include "cnt_writer.h"
#include "log.h"
#include "migrate.h"
#include "vf_port.h"
#include "vhost.h"
#include "worker.h"

struct relay g_relays[VIO4WD_MAX_RELAYS];
static const struct vio4wd_config *g_cfg;
static pthread_mutex_t g_lock;

#define POOL_CACHE 256

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

    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++) {
        struct relay *r = &g_relays[i];
        memset(r, 0, sizeof(*r));
        r->id = i;
        r->vid = -1;
        r->n_queues = 1;
        r->numa_node = -1;
        r->cnt = counters_relay(i);
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            struct relay_dir *rd = &r->dir[d];
            rd->relay = r;
            rd->dir = (uint8_t)d;
            rd->index = (uint16_t)(i * VIO4WD_DIR_COUNT + d);
            rd->cnt = &r->cnt->dir[d];
            rd->owner = rd->target = rd->last_owner = RELAY_NO_WORKER;
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

struct relay *relay_find_by_path(const char *vhost_path)
{
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        if (g_relays[i].vhost_path[0] && strcmp(g_relays[i].vhost_path, vhost_path) == 0)
            return &g_relays[i];
    return NULL;
}

struct relay *relay_find_by_vid(int vid)
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
    cnt_write_begin(&c->info_seq);
    c->flags = flags;
    c->numa_node = r->numa_node;
    c->n_queues = r->n_queues;
    c->info_update_tsc = rte_rdtsc();
    snprintf(c->vf_dev, sizeof(c->vf_dev), "%s", r->vf_dev);
    snprintf(c->vhost_path, sizeof(c->vhost_path), "%s", r->vhost_path);
    cnt_write_end(&c->info_seq);
}

/* The mbuf pool: sized for the VF rings, the leftovers, and every lcore's
 * cache; on 'node'. Kept for the life of the relay process (re-adding a VF
 * reuses it). */
static int ensure_pool(struct relay *r, int node, char *err, size_t errlen)
{
    char name[RTE_MEMPOOL_NAMESIZE];
    unsigned n, need;
    uint16_t room = g_cfg->jumbo ? (uint16_t)(9216 + RTE_PKTMBUF_HEADROOM)
                                 : RTE_MBUF_DEFAULT_BUF_SIZE;

    if (r->pool)
        return 0;
    /* one queue pair: VF rx ring + VF tx ring + leftovers + lcore caches */
    need = (VF_RX_DESC + VF_TX_DESC + 4 * RELAY_BURST) + POOL_CACHE * (g_n_workers + 2);
    for (n = 1024; n - 1 < need; n *= 2)
        ;
    snprintf(name, sizeof(name), "relay%u_n%d", r->id, node);
    r->pool = rte_pktmbuf_pool_create(name, n - 1, POOL_CACHE, 0, room, node);
    if (!r->pool && node != SOCKET_ID_ANY)
        r->pool = rte_pktmbuf_pool_create(name, n - 1, POOL_CACHE, 0, room, SOCKET_ID_ANY);
    if (!r->pool) {
        snprintf(err, errlen, "relay %u: cannot create a pool of %u mbufs on node %d: %s",
                 r->id, n - 1, node, rte_strerror(rte_errno));
        return -ENOMEM;
    }
    r->numa_node = node >= 0 ? node : (int)rte_socket_id();
    log_info("relay %u: %u mbufs on NUMA node %d", r->id, n - 1, r->numa_node);
    return 0;
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
            int t = g_relays[i].dir[k].target;
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
                migrate_assign(&r->dir[k], w);
        }
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++)
            if (!migrate_wait(&r->dir[k], 100000))
                log_warning("relay %u: direction %d not yet picked up by its worker", r->id, k);
        r->assigned = true;
    } else if (!need && r->assigned) {
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
            migrate_unassign(&r->dir[k]);
            free_leftovers(&r->dir[k]);
        }
        r->assigned = false;
    }
}

int relay_add_vf(unsigned relay_id, const char *device, char *err, size_t errlen)
{
    struct relay *r;
    uint16_t port;
    int rc;

    if (relay_id >= VIO4WD_MAX_RELAYS) {
        snprintf(err, errlen, "relay id %u out of range (0..%u)", relay_id,
                 VIO4WD_MAX_RELAYS - 1);
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
    rc = vf_port_start(port, r->pool, 1, g_cfg, err, errlen);
    if (rc)
        goto fail_detach;
    r->vf_port = port;
    r->vf_queues = 1;
    r->has_vf = true;
    snprintf(r->vf_dev, sizeof(r->vf_dev), "%s", device);
    __atomic_store_n(&r->vf_ready, true, __ATOMIC_SEQ_CST);
    relay_update_assignment(r);
    relay_publish_info(r);
    log_info("relay %u: VF %s is port %u", relay_id, device, port);
    goto out;
fail_detach:
    vf_port_stop_detach(port);
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
    workers_quiesce();      /* no worker touches the port after this */
    vf_port_stop_detach(r->vf_port);
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
        snprintf(err, errlen, "relay id %u out of range (0..%u)", relay_id,
                 VIO4WD_MAX_RELAYS - 1);
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
        snprintf(err, errlen, "relay %u already has vhost-user socket %s", relay_id,
                 r->vhost_path);
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
    if (r->vid >= 0)        /* no destroy callback came: clean up ourselves */
        relay_guest_down(r);
    r->vhost_path[0] = '\0';
    relay_publish_info(r);
    relay_unlock();
    return 0;
}

void relay_guest_up(struct relay *r, int vid)
{
    char err[256];
    int node = rte_vhost_get_numa_node(vid);

    if (ensure_pool(r, node, err, sizeof(err)) != 0) {
        log_err("%s", err);
        return;
    }
    if (r->numa_node >= 0 && node >= 0 && node != r->numa_node)
        log_warning("relay %u: guest memory is on node %d, relay memory on node %d", r->id,
                    node, r->numa_node);
    __atomic_store_n(&r->vid, vid, __ATOMIC_SEQ_CST);
    relay_update_assignment(r);
    relay_publish_info(r);
    log_info("relay %u: guest connected on %s (vhost device %d)", r->id, r->vhost_path, vid);
}

void relay_guest_down(struct relay *r)
{
    __atomic_store_n(&r->vid, -1, __ATOMIC_SEQ_CST);
    workers_quiesce();      /* no worker touches the vrings after this */
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
        ri->vf_ready = r->vf_ready;
        ri->numa_node = r->numa_node;
        ri->n_queues = r->n_queues;
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
            int o = __atomic_load_n(&r->dir[k].owner, __ATOMIC_ACQUIRE);
            ri->cpu[k] = o >= 0 ? (int)g_workers[o].cpu : -1;
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
            vf_port_stop_detach(r->vf_port);
            r->has_vf = false;
        }
        for (int k = 0; k < VIO4WD_DIR_COUNT; k++)
            free_leftovers(&r->dir[k]);
        if (r->pool) {
            rte_mempool_free(r->pool);
            r->pool = NULL;
        }
        relay_unlock();
    }
}
