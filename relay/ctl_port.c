/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_port.c - port_control requests applied to the relay table. */
#include "ctl_port.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "direction.h"
#include "ctl.h"
#include "log.h"
#include "log_limit.h"

#include "rate_limit.h"
#include "port_request.h"
#include "relay.h"

struct outcome {
    bool ok;
    int error_code;
    char source[512];
    char *query; /* malloc()ed, QUERY_PCI and RATE only */
};

static const struct vio4wd_config *g_port_cfg;

static void fail(struct outcome *o, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct outcome *o, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->source, sizeof(o->source), fmt, ap);
    va_end(ap);
    o->ok = false;
    o->error_code = code;
}

/* A relay call's result: 0 or a negative errno with err filled. */
static void from_call(struct outcome *o, int rc, const char *err)
{
    if (rc == 0)
        return;
    fail(o, -rc, "%s", err);
}

/* A request that would change nothing: fine when conditional (the
 * default), an error otherwise, so scripts can tell "done" from "already". */
static void unchanged(struct outcome *o, const struct port_op *op, int code, const char *what)
{
    if (!op->conditional)
        fail(o, code, "%s (conditional=false)", what);
}

static void do_add(struct outcome *o, const struct port_op *op, const struct relay_info *r)
{
    char err[512], what[600];
    if (r->has_vf) {
        snprintf(what, sizeof(what), "relay %u already has VF %s", op->relay_id, r->vf_dev);
        if (strcmp(r->vf_dev, op->device) == 0)
            unchanged(o, op, EEXIST, what);
        else
            fail(o, EEXIST, "%s; remove it first", what);
        return;
    }
    from_call(o, relay_add_vf(op->relay_id, op->device, err, sizeof(err)), err);
}

static void do_remove(struct outcome *o, const struct port_op *op, const struct relay_info *r)
{
    char err[512];
    if (!r->has_vf) {
        snprintf(err, sizeof(err), "relay %u has no VF", op->relay_id);
        unchanged(o, op, ENOENT, err);
        return;
    }
    from_call(o, relay_remove_vf(op->relay_id, err, sizeof(err)), err);
}

static bool sockets_are_dynamic(struct outcome *o)
{
    if (!g_port_cfg->dynamic_sockets)
        fail(o, EPERM,
             "sockets are fixed at start; ADD_SOCK and REMOVE_SOCK need "
             "VIRTIOFWD_DYNAMIC_SOCKETS=y");
    return g_port_cfg->dynamic_sockets;
}

static void do_add_socket(struct outcome *o, const struct port_op *op, const struct relay_info *r)
{
    char err[512], wanted[VIO4WD_PATH_MAX];
    if (!sockets_are_dynamic(o))
        return;
    if (op->vhost_path[0])
        snprintf(wanted, sizeof(wanted), "%s", op->vhost_path);
    else if (config_socket_path(g_port_cfg, op->relay_id, wanted, sizeof(wanted)) != 0)
        wanted[0] = '\0';
    if (r->has_socket) {
        snprintf(err, sizeof(err), "relay %u already has socket %s", op->relay_id, r->vhost_path);
        if (strcmp(r->vhost_path, wanted) == 0)
            unchanged(o, op, EEXIST, err);
        else
            fail(o, EEXIST, "%s; remove it first", err);
        return;
    }
    from_call(o, relay_add_socket(op->relay_id, op->vhost_path, err, sizeof(err)), err);
}

static void do_remove_socket(struct outcome *o, const struct port_op *op,
                             const struct relay_info *r)
{
    char err[512];
    if (!sockets_are_dynamic(o))
        return;
    if (!r->has_socket) {
        snprintf(err, sizeof(err), "relay %u has no socket", op->relay_id);
        unchanged(o, op, ENOENT, err);
        return;
    }
    from_call(o, relay_remove_socket(op->relay_id, err, sizeof(err)), err);
}

/* Two device strings name the same device when their names (what precedes
 * the arguments) agree: "net_tap0" is "net_tap0,iface=vf0". */
static bool same_device(const char *a, const char *b)
{
    size_t na = strcspn(a, ","), nb = strcspn(b, ",");
    return na == nb && strncmp(a, b, na) == 0;
}

/* QUERY_PCI with only a relay id answers that relay's device, as upstream
 * does. Otherwise it answers "<relay> <device>" lines: for the relay that
 * uses the device asked about, or for every relay with a VF. Asking about
 * something no relay has is ENOENT. */
static void do_query(struct outcome *o, const struct port_op *op, const struct relay_info *all,
                     unsigned n)
{
    size_t size = VIO4WD_MAX_RELAYS * (VIO4WD_DEVICE_MAX + 8), used = 0;
    if (!(o->query = calloc(1, size))) {
        fail(o, ENOMEM, "out of memory");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!all[i].has_vf || (op->has_relay && all[i].id != op->relay_id) ||
            (op->device[0] && !same_device(all[i].vf_dev, op->device)))
            continue;
        if (op->has_relay && !op->device[0])
            used += (size_t)snprintf(o->query, size, "%s", all[i].vf_dev);
        else
            used += (size_t)snprintf(o->query + used, size - used, "%s%u %s", used ? "\n" : "",
                                     all[i].id, all[i].vf_dev);
    }
    if (used == 0 && op->has_relay && op->device[0])
        fail(o, ENOENT, "relay %u does not use %s", op->relay_id, op->device);
    else if (used == 0 && op->has_relay)
        fail(o, ENOENT, "relay %u has no VF", op->relay_id);
    else if (used == 0 && op->device[0])
        fail(o, ENOENT, "no relay uses %s", op->device);
}

/* RATE: sets the directions the request names, then answers with the
 * limits in force: "vf_to_vm=10Mb/s@20ms vm_to_vf=unlimited". */
static void do_rate(struct outcome *o, const struct port_op *op)
{
    char err[512], text[VIO4WD_DIR_COUNT][64];

    for (unsigned d = 0; d < VIO4WD_DIR_COUNT; d++) {
        if (!op->has_rate[d])
            continue;
        int rc = relay_set_rate(op->relay_id, d, &op->rate[d], err, sizeof(err));
        if (rc != 0) {
            from_call(o, rc, err);
            return;
        }
    }
    for (unsigned d = 0; d < VIO4WD_DIR_COUNT; d++) {
        struct vio4wd_rate now;
        relay_get_rate(op->relay_id, d, &now);
        rate_format(&now, text[d], sizeof(text[d]));
    }
    size_t size = sizeof(text) + 32;
    if (!(o->query = malloc(size))) {
        fail(o, ENOMEM, "out of memory");
        return;
    }
    snprintf(o->query, size, "%s=%s %s=%s", vio4wd_dir_name(0), text[0], vio4wd_dir_name(1),
             text[1]);
}

static const struct relay_info *find_relay(const struct relay_info *all, unsigned n, unsigned id)
{
    static const struct relay_info none;
    for (unsigned i = 0; i < n; i++)
        if (all[i].id == id)
            return &all[i];
    return &none;
}

size_t ctl_port_handle(void *opaque, const uint8_t *req, size_t len, uint8_t **reply)
{
    static struct relay_info relays[VIO4WD_MAX_RELAYS];
    struct outcome o = {.ok = true};
    struct port_op op;
    (void)opaque;

    if (port_request_parse(req, len, &op, &o.error_code, o.source, sizeof(o.source)) < 0) {
        o.ok = false;
    } else {
        /* Port changes come one at a time: every control endpoint and
         * watch runs on the control thread (ctl_run). The relay lock is
         * held for the snapshot only; each relay_* call takes it itself,
         * and REMOVE_SOCK must not hold it while the vhost thread
         * unregisters the socket (vhost.h). */
        relay_lock();
        unsigned n = relay_snapshot(relays, VIO4WD_MAX_RELAYS, true);
        relay_unlock();
        const struct relay_info *r = find_relay(relays, n, op.relay_id);
        switch (op.kind) {
        case PORT_ADD:
            do_add(&o, &op, r);
            break;
        case PORT_REMOVE:
            do_remove(&o, &op, r);
            break;
        case PORT_ADD_SOCK:
            do_add_socket(&o, &op, r);
            break;
        case PORT_REMOVE_SOCK:
            do_remove_socket(&o, &op, r);
            break;
        case PORT_QUERY:
            do_query(&o, &op, relays, n);
            break;
        case PORT_RATE:
            do_rate(&o, &op);
            break;
        }
    }
    if (!o.ok) {
        /* Any local peer can send these at will: bounded per reason. */
        char key[64];
        snprintf(key, sizeof(key), "port_control/%d", o.error_code);
        log_limited(LOG_WARNING, key, "refused port_control requests",
                    "port_control refused: %s (errno %d)", o.source, o.error_code);
    }
    size_t n = port_reply(o.ok, o.error_code, o.ok ? NULL : o.source, o.query, reply);
    free(o.query);
    return n;
}

int ctl_port_init(const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    g_port_cfg = cfg;
    return ctl_add_rep("port_control", cfg->zmq_port_control_ep, ctl_port_handle, NULL, err,
                       errlen);
}
