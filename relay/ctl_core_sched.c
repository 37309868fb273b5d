/* ctl_core_sched.c - core_sched: GET_EAL_CORES lists the worker CPUs;
 * UPDATE validates a whole relay->CPU map, then applies it as hitless
 * migrations (all or nothing). An empty map is a valid no-op. */
#include "ctl_core_sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "log.h"
#include "log_limit.h"
#include "migrate.h"
#include "virtioforwarder.pb-c.h"
#include "worker.h"

#define MOVE_TIMEOUT_US 200000

static const struct vio4wd_config *g_cfg;

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
        cores[i] = g_workers[i].cpu;
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    resp.n_eal_cores = g_n_workers;
    resp.eal_cores = cores;
    return pack(&resp, reply);
}

static size_t update(const Virtioforwarder__CoreSchedRequest *req, uint8_t **reply)
{
    struct migrate_move moves[VIO4WD_MAX_RELAYS * VIO4WD_DIR_COUNT] = {0};
    char err[512];
    unsigned n = 0;

    if (req->n_relay_cpu_map > VIO4WD_MAX_RELAYS)
        return error_reply(E2BIG, "relay_cpu_map has more entries than there are relays", reply);
    for (size_t i = 0; i < req->n_relay_cpu_map; i++) {
        const Virtioforwarder__CoreSchedRequest__RelayCPU *m = req->relay_cpu_map[i];
        if (m->relay_number < 0 || m->relay_number >= VIO4WD_MAX_RELAYS) {
            snprintf(err, sizeof(err), "relay %d does not exist (ids are 0..%d)",
                     m->relay_number, VIO4WD_MAX_RELAYS - 1);
            return error_reply(ENOENT, err, reply);
        }
        moves[n++] = (struct migrate_move){(unsigned)m->relay_number, VIO4WD_DIR_VF_TO_VM,
                                           m->vf2virtio_cpu};
        moves[n++] = (struct migrate_move){(unsigned)m->relay_number, VIO4WD_DIR_VM_TO_VF,
                                           m->virtio2vf_cpu};
    }
    int rc = migrate_apply(moves, n, g_cfg->core_sched_global_numa_opt, MOVE_TIMEOUT_US, err,
                           sizeof(err));
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
    Virtioforwarder__CoreSchedRequest *req = virtioforwarder__core_sched_request__unpack(NULL, len, req_buf);
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
