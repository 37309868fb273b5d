/* SPDX-License-Identifier: BSD-3-Clause */
/* port_request.h - a PortControlRequest decoded and checked, before any
 * relay is touched (no DPDK here, so it can be fuzzed on its own).
 *
 * Several VFs in one ADD make a bond: the request turns into the device
 * string of DPDK's bonding PMD, "net_bondingN,mode=M,slave=A,slave=B".
 */
#ifndef VIO4WD_PORT_REQUEST_H
#define VIO4WD_PORT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "rate.h"

enum port_op_kind {
    PORT_ADD,
    PORT_REMOVE,
    PORT_ADD_SOCK,
    PORT_REMOVE_SOCK,
    PORT_QUERY,
    PORT_RATE,
};

#define PORT_BOND_MAX_MODE 6 /* DPDK bonding modes 0 (round robin) .. 6 (ALB) */

struct port_op {
    enum port_op_kind kind;
    bool has_relay;
    unsigned relay_id;
    bool conditional;                 /* no-op requests answer OK */
    char device[VIO4WD_DEVICE_MAX];   /* ADD: one VF, or the bond's devargs;
                                           QUERY: the device asked about, or "" */
    char vhost_path[VIO4WD_PATH_MAX]; /* ADD_SOCK: "" means the default name */
    bool has_rate[2];                 /* RATE: this direction changes */
    struct vio4wd_rate rate[2];       /* ... to this (enum vio4wd_dir order) */
};

/* Decodes and checks a request. Returns 0, or -1 with an errno value in
 * *error_code and a sentence in err for the reply's error_code_source. */
int port_request_parse(const uint8_t *buf, size_t len, struct port_op *op, int *error_code,
                       char *err, size_t errlen);

/* Packs a PortControlResponse into a malloc()ed buffer; returns its length.
 * 'source' and 'query' may be NULL. */
size_t port_reply(bool ok, int error_code, const char *source, const char *query, uint8_t **out);

#endif
