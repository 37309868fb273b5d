/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_core_sched.c - core_sched: GET_EAL_CORES lists the worker CPUs;
 * UPDATE validates a whole relay->CPU map, then applies it as hitless
 * migrations (all or nothing). An empty map is a valid no-op. */
#include "ctl_core_sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "direction.h"
#include "handover.h"
#include "log.h"
#include "log_limit.h"
#include "relay.h"
#include "virtioforwarder.pb-c.h"
#include "worker.h"

/* How long one UPDATE waits for its moves to complete. */
#define MOVE_TIMEOUT_US 200000

static const struct vio4wd_config *g_cfg;

/* One direction of one relay to one worker CPU. */
struct move {
    unsigned relay_id;
    enum vio4wd_dir dir;
    int cpu;
};

/* "1,2,9,10": the CPUs a move may name. */
static void format_worker_cpus(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < g_n_workers && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? "," : "", g_workers[i].ho.cpu);
}

/* Checks a whole set of moves without applying any: relay in use, CPU is a
 * worker, same NUMA node as the relay's memory unless allow_cross_numa, no
 * direction named twice. Returns 0, or a negative errno with err saying
 * which entry is wrong and why. Under relay_lock(). */
static int validate(const struct move *moves, unsigned n, bool allow_cross_numa, char *err,
                    size_t errlen)
{
    for (unsigned i = 0; i < n; i++) {
        const struct move *m = &moves[i];
        if (m->relay_id >= VIO4WD_MAX_RELAYS || !relay_get(m->relay_id)) {
            snprintf(err, errlen,
                     "relay %u is not in use (valid ids are relays with a VF or a vhost socket)",
                     m->relay_id);
            return -ENOENT;
        }
        if ((unsigned)m->dir >= VIO4WD_DIR_COUNT) {
            snprintf(err, errlen, "relay %u: bad direction %d", m->relay_id, (int)m->dir);
            return -EINVAL;
        }
        int w = worker_of_cpu(m->cpu);
        if (w < 0) {
            char workers[256];
            format_worker_cpus(workers, sizeof(workers));
            snprintf(err, errlen, "relay %u %s: CPU %d is not a worker (workers: %s)", m->relay_id,
                     vio4wd_dir_name(m->dir), m->cpu, workers);
            return -EINVAL;
        }
        struct relay *r = &g_relays[m->relay_id];
        if (!allow_cross_numa && r->numa_node >= 0 && g_workers[w].numa_node >= 0 &&
            g_workers[w].numa_node != r->numa_node) {
            snprintf(err, errlen,
                     "relay %u %s: CPU %d is on NUMA node %d but the relay's memory is on node %d",
                     m->relay_id, vio4wd_dir_name(m->dir), m->cpu, g_workers[w].numa_node,
                     r->numa_node);
            return -EXDEV;
        }
        for (unsigned j = 0; j < i; j++)
            if (moves[j].relay_id == m->relay_id && moves[j].dir == m->dir) {
                snprintf(err, errlen, "relay %u %s is named twice", m->relay_id,
                         vio4wd_dir_name(m->dir));
                return -EINVAL;
            }
    }
    return 0;
}

/* Validates, then applies all moves and waits (up to timeout_us) until each
 * has completed. Directions that are not currently serviced (no VF and no
 * guest) just remember the CPU for when they are. Returns 0 or a negative
 * errno. */
static int apply(const struct move *moves, unsigned n, bool allow_cross_numa, unsigned timeout_us,
                 char *err, size_t errlen)
{
    int rc;

    relay_lock();
    rc = validate(moves, n, allow_cross_numa, err, errlen);
    if (rc) {
        relay_unlock();
        return rc;
    }
    for (unsigned i = 0; i < n && !rc; i++) {
        struct relay *r = &g_relays[moves[i].relay_id];
        struct relay_dir *d = &r->dir[moves[i].dir];
        d->pref_cpu = moves[i].cpu;
        if (!r->assigned)
            continue; /* remembered for when it is serviced */
        rc = handover_move(&g_handover, &d->ho, worker_of_cpu(moves[i].cpu));
        if (rc)
            snprintf(err, errlen, "relay %u %s: a previous move is still in progress", r->id,
                     vio4wd_dir_name(moves[i].dir));
    }
    for (unsigned i = 0; i < n; i++) {
        struct relay *r = &g_relays[moves[i].relay_id];
        if (r->assigned && !handover_wait(&g_handover, &r->dir[moves[i].dir].ho, timeout_us) &&
            !rc) {
            snprintf(err, errlen, "relay %u %s: move to CPU %d did not complete in %u us", r->id,
                     vio4wd_dir_name(moves[i].dir), moves[i].cpu, timeout_us);
            rc = -ETIMEDOUT;
        }
    }
    relay_unlock();
    return rc;
}

static size_t pack(Virtioforwarder__CoreSchedResponse *resp, uint8_t **reply)
{
    size_t len = virtioforwarder__core_sched_response__get_packed_size(resp);
    *reply = malloc(len ? len : 1);
    if (!*reply)
        return 0;
    return virtioforwarder__core_sched_response__pack(resp, *reply);
}

static size_t error_reply(int err_no, const char *why, uint8_t **reply)
{
    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__ERROR;
    resp.has_error_code = 1;
    resp.error_code = err_no;
    resp.error_code_source = (char *)why;
    char key[64];
    snprintf(key, sizeof(key), "core_sched/%d", err_no);
    log_limited(LOG_INFO, key, "refused core_sched requests", "core_sched: refused: %s", why);
    return pack(&resp, reply);
}

static size_t get_eal_cores(uint8_t **reply)
{
    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    uint32_t cores[VIO4WD_CNT_MAX_WORKERS];

    for (unsigned i = 0; i < g_n_workers; i++)
        cores[i] = g_workers[i].ho.cpu;
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    resp.n_eal_cores = g_n_workers;
    resp.eal_cores = cores;
    return pack(&resp, reply);
}

static size_t update(const Virtioforwarder__CoreSchedRequest *req, uint8_t **reply)
{
    struct move moves[VIO4WD_MAX_RELAYS * VIO4WD_DIR_COUNT] = {0};
    char err[512];
    unsigned n = 0;

    if (req->n_relay_cpu_map > VIO4WD_MAX_RELAYS)
        return error_reply(E2BIG, "relay_cpu_map has more entries than there are relays", reply);
    for (size_t i = 0; i < req->n_relay_cpu_map; i++) {
        const Virtioforwarder__CoreSchedRequest__RelayCPU *m = req->relay_cpu_map[i];
        if (m->relay_number < 0 || m->relay_number >= VIO4WD_MAX_RELAYS) {
            snprintf(err, sizeof(err), "relay %d does not exist (ids are 0..%d)", m->relay_number,
                     VIO4WD_MAX_RELAYS - 1);
            return error_reply(ENOENT, err, reply);
        }
        moves[n++] =
            (struct move){(unsigned)m->relay_number, VIO4WD_DIR_VF_TO_VM, m->vf2virtio_cpu};
        moves[n++] =
            (struct move){(unsigned)m->relay_number, VIO4WD_DIR_VM_TO_VF, m->virtio2vf_cpu};
    }
    int rc = apply(moves, n, g_cfg->core_sched_global_numa_opt, MOVE_TIMEOUT_US, err, sizeof(err));
    if (rc)
        return error_reply(-rc, err, reply);

    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    if (n)
        log_debug("core_sched: applied %u moves", n);
    return pack(&resp, reply);
}

size_t ctl_core_sched_handle(void *opaque, const uint8_t *req_buf, size_t len, uint8_t **reply)
{
    (void)opaque;
    if (!req_buf)
        return error_reply(EBADMSG, "request was not a single-part message under the size cap",
                           reply);
    Virtioforwarder__CoreSchedRequest *req =
        virtioforwarder__core_sched_request__unpack(NULL, len, req_buf);
    if (!req)
        return error_reply(EBADMSG, "malformed CoreSchedRequest", reply);
    size_t out;
    switch (req->op) {
    case VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__GET_EAL_CORES:
        out = get_eal_cores(reply);
        break;
    case VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE:
        out = update(req, reply);
        break;
    default:
        out = error_reply(EINVAL, "unknown CoreSchedRequest op", reply);
        break;
    }
    virtioforwarder__core_sched_request__free_unpacked(req, NULL);
    return out;
}

int ctl_core_sched_init(const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    g_cfg = cfg;
    if (!cfg->core_sched_enable)
        return 0;
    return ctl_add_rep("core_sched", cfg->zmq_core_sched_ep, ctl_core_sched_handle, NULL, err,
                       errlen);
}
