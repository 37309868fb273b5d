/* SPDX-License-Identifier: BSD-3-Clause */
/* port_request.c - decode and check PortControlRequest. */
#include "port_request.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "pci.h"
#include "virtioforwarder.pb-c.h"

typedef Virtioforwarder__PortControlRequest request_t;

static int refuse(int code, int *error_code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int refuse(int code, int *error_code, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    *error_code = code;
    return -1;
}

/* A DPDK device string as the relay will hand it to rte_dev_probe():
 * printable, no spaces, starting with a driver name. */
static bool is_device_string(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    for (; *s; s++)
        if (!isgraph((unsigned char)*s))
            return false;
    return true;
}

/* Appends one VF (from pci_addrs or our device field) as text to 'names'. */
static int collect_devices(const request_t *req, char names[][VIO4WD_DEVICE_MAX], size_t *n,
                           int *error_code, char *err, size_t errlen)
{
    *n = 0;
    if (req->n_pci_addrs + req->n_device > VIO4WD_MAX_RELAYS)
        return refuse(E2BIG, error_code, err, errlen, "%zu devices in one request; at most %d",
                      req->n_pci_addrs + req->n_device, VIO4WD_MAX_RELAYS);
    for (size_t i = 0; i < req->n_pci_addrs; i++) {
        const Virtioforwarder__PortControlRequest__PciAddress *p = req->pci_addrs[i];
        if (p->domain > 0xffff || p->bus > 0xff || p->slot > 0x1f || p->function > 7)
            return refuse(EINVAL, error_code, err, errlen,
                          "PCI address %x:%x:%x.%x is out of range (domain <= ffff, bus <= ff, "
                          "slot <= 1f, function <= 7)",
                          p->domain, p->bus, p->slot, p->function);
        struct pci_address a = {p->domain, p->bus, p->slot, p->function};
        pci_format(&a, names[(*n)++], VIO4WD_DEVICE_MAX);
    }
    for (size_t i = 0; i < req->n_device; i++) {
        const char *d = req->device[i];
        if (strlen(d) >= VIO4WD_DEVICE_MAX || !is_device_string(d))
            return refuse(EINVAL, error_code, err, errlen,
                          "'%.64s' is not a DPDK device string (as in net_null0 or "
                          "net_memif0,role=client,socket=/tmp/m.sock)",
                          d);
        strcpy(names[(*n)++], d);
    }
    return 0;
}

static int build_bond(const request_t *req, char names[][VIO4WD_DEVICE_MAX], size_t n,
                      struct port_op *op, int *error_code, char *err, size_t errlen)
{
    char name[64];
    if (req->name && req->name[0]) {
        if (strncmp(req->name, "net_bonding", 11) != 0 || strlen(req->name) >= sizeof(name) ||
            !is_device_string(req->name) || strchr(req->name, ','))
            return refuse(EINVAL, error_code, err, errlen,
                          "bond name '%.64s' must start with net_bonding (as in net_bonding0)",
                          req->name);
        strcpy(name, req->name);
    } else {
        snprintf(name, sizeof(name), "net_bonding%u", op->relay_id);
    }
    unsigned mode = req->has_mode ? req->mode : 0;
    if (mode > PORT_BOND_MAX_MODE)
        return refuse(EINVAL, error_code, err, errlen,
                      "bonding mode %u is not one of DPDK's modes 0-%d", mode, PORT_BOND_MAX_MODE);

    int used = snprintf(op->device, sizeof(op->device), "%s,mode=%u", name, mode);
    for (size_t i = 0; i < n && used < (int)sizeof(op->device); i++)
        used +=
            snprintf(op->device + used, sizeof(op->device) - (size_t)used, ",slave=%s", names[i]);
    if (used >= (int)sizeof(op->device))
        return refuse(ENAMETOOLONG, error_code, err, errlen,
                      "the bond's device string would exceed %d characters", VIO4WD_DEVICE_MAX - 1);
    return 0;
}

static int parse_add(const request_t *req, struct port_op *op, int *error_code, char *err,
                     size_t errlen)
{
    static char names[VIO4WD_MAX_RELAYS][VIO4WD_DEVICE_MAX];
    size_t n;
    if (collect_devices(req, names, &n, error_code, err, errlen) < 0)
        return -1;
    if (n == 0)
        return refuse(EINVAL, error_code, err, errlen,
                      "ADD needs a VF: a PCI address, or a device string");
    if (n == 1) {
        strcpy(op->device, names[0]);
        return 0;
    }
    return build_bond(req, names, n, op, error_code, err, errlen);
}

/* QUERY_PCI may name one device: the answer is then the relay using it. */
static int parse_query(const request_t *req, struct port_op *op, int *error_code, char *err,
                       size_t errlen)
{
    static char names[VIO4WD_MAX_RELAYS][VIO4WD_DEVICE_MAX];
    size_t n;
    if (collect_devices(req, names, &n, error_code, err, errlen) < 0)
        return -1;
    if (n > 1)
        return refuse(EINVAL, error_code, err, errlen,
                      "QUERY_PCI takes at most one device; %zu given", n);
    if (n == 1)
        strcpy(op->device, names[0]);
    return 0;
}

static int parse_socket_path(const request_t *req, struct port_op *op, int *error_code, char *err,
                             size_t errlen)
{
    const char *path = req->vhost_path ? req->vhost_path : "";
    size_t limit = sizeof(((struct sockaddr_un *)0)->sun_path);
    if (path[0] && path[0] != '/')
        return refuse(EINVAL, error_code, err, errlen,
                      "vhost_path '%.64s' must be an absolute path", path);
    if (strlen(path) >= limit || strlen(path) >= sizeof(op->vhost_path))
        return refuse(ENAMETOOLONG, error_code, err, errlen,
                      "vhost_path is longer than the %zu bytes a unix socket allows", limit - 1);
    strcpy(op->vhost_path, path);
    return 0;
}

/* RATE: each rate field given is parsed with the configuration's syntax. */
static int parse_rates(const request_t *req, struct port_op *op, int *error_code, char *err,
                       size_t errlen)
{
    const char *text[2] = {req->rate_vf_to_vm, req->rate_vm_to_vf};
    for (int d = 0; d < 2; d++) {
        if (!text[d])
            continue;
        if (strlen(text[d]) > VIO4WD_RATE_TEXT_MAX)
            return refuse(EINVAL, error_code, err, errlen, "rate '%.48s...' is too long", text[d]);
        if (rate_parse(text[d], &op->rate[d], err, errlen) < 0) {
            *error_code = EINVAL;
            return -1;
        }
        op->has_rate[d] = true;
    }
    return 0;
}

int port_request_parse(const uint8_t *buf, size_t len, struct port_op *op, int *error_code,
                       char *err, size_t errlen)
{
    memset(op, 0, sizeof(*op));
    request_t *req = buf ? virtioforwarder__port_control_request__unpack(NULL, len, buf) : NULL;
    if (!req)
        return refuse(EBADMSG, error_code, err, errlen, "not a PortControlRequest");

    int rc = 0;
    op->conditional = !req->has_conditional || req->conditional;
    op->has_relay = req->has_virtio_id;
    op->relay_id = req->virtio_id;
    if (op->has_relay && op->relay_id >= VIO4WD_MAX_RELAYS) {
        rc = refuse(EINVAL, error_code, err, errlen, "virtio_id %u is out of range (0-%d)",
                    op->relay_id, VIO4WD_MAX_RELAYS - 1);
        goto out;
    }
    switch (req->op) {
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD:
        op->kind = PORT_ADD;
        break;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE:
        op->kind = PORT_REMOVE;
        break;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD_SOCK:
        op->kind = PORT_ADD_SOCK;
        break;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE_SOCK:
        op->kind = PORT_REMOVE_SOCK;
        break;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__QUERY_PCI:
        op->kind = PORT_QUERY; /* virtio_id optional: all relays */
        rc = parse_query(req, op, error_code, err, errlen);
        goto out;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE:
        op->kind = PORT_RATE;
        break;
    default:
        rc = refuse(EINVAL, error_code, err, errlen, "unknown operation %d", (int)req->op);
        goto out;
    }
    if (!op->has_relay) {
        rc = refuse(EINVAL, error_code, err, errlen, "this operation needs virtio_id");
        goto out;
    }
    if (op->kind == PORT_ADD)
        rc = parse_add(req, op, error_code, err, errlen);
    else if (op->kind == PORT_ADD_SOCK)
        rc = parse_socket_path(req, op, error_code, err, errlen);
    else if (op->kind == PORT_RATE)
        rc = parse_rates(req, op, error_code, err, errlen);
out:
    virtioforwarder__port_control_request__free_unpacked(req, NULL);
    return rc;
}

size_t port_reply(bool ok, int error_code, const char *source, const char *query, uint8_t **out)
{
    Virtioforwarder__PortControlResponse resp = VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__INIT;
    resp.status = ok ? VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__STATUS__OK
                     : VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__STATUS__ERROR;
    resp.has_error_code = !ok;
    resp.error_code = error_code;
    resp.error_code_source = (char *)source;
    resp.query_string = (char *)query;
    size_t len = protobuf_c_message_get_packed_size(&resp.base);
    *out = malloc(len ? len : 1);
    if (!*out)
        return 0;
    protobuf_c_message_pack(&resp.base, *out);
    return len;
}
