/* SPDX-License-Identifier: BSD-3-Clause */
/* port_mode.h - which of upstream's port-control modes runs, chosen as
 * upstream chooses it (no DPDK here, so it is unit-tested on its own).
 *
 *   VIRTIOFWD_ZMQ_PORT_CONTROL_EP set  -> ZeroMQ port control
 *   else VIRTIOFWD_IPC_PORT_CONTROL    -> the IPC command-file monitor
 *   else                               -> the OVSDB monitor, on
 *        VIRTIOFWD_OVSDB_SOCK_PATH, or Debian's /var/run/openvswitch/db.sock
 *        when that exists, or upstream's /usr/local/var/run/openvswitch/db.sock
 *
 * Static VFs (VIRTIOFWD_STATIC_VFS) are attached at start in every mode.
 */
#ifndef VIO4WD_PORT_MODE_H
#define VIO4WD_PORT_MODE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define PORT_MODE_DEBIAN_OVSDB   "/var/run/openvswitch/db.sock"
#define PORT_MODE_UPSTREAM_OVSDB "/usr/local/var/run/openvswitch/db.sock"

enum port_mode {
    PORT_MODE_ZMQ,
    PORT_MODE_IPC,
    PORT_MODE_OVSDB,
};

struct port_mode_choice {
    enum port_mode mode;
    /* ZMQ: the endpoint; IPC: the command file; OVSDB: the socket. */
    char where[VIO4WD_PATH_MAX];
};

/* Whether a path exists; a parameter so tests need not touch /var/run. */
typedef bool port_mode_exists_fn(const char *path);

void port_mode_choose(const struct vio4wd_config *cfg, port_mode_exists_fn *exists,
                      struct port_mode_choice *out);

/* The one log line that states the choice and why, e.g. "port control:
 * OVSDB monitor on /run/db.sock (VIRTIOFWD_OVSDB_SOCK_PATH)". */
void port_mode_describe(const struct vio4wd_config *cfg, const struct port_mode_choice *c,
                        char *buf, size_t buflen);

#endif
