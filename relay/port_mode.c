/* SPDX-License-Identifier: BSD-3-Clause */
/* port_mode.c - upstream's choice between the port-control modes. */
#include "port_mode.h"

#include <stdio.h>

void port_mode_choose(const struct vio4wd_config *cfg, port_mode_exists_fn *exists,
                      struct port_mode_choice *out)
{
    const char *where;
    if (cfg->zmq_port_control_ep[0]) {
        out->mode = PORT_MODE_ZMQ;
        where = cfg->zmq_port_control_ep;
    } else if (cfg->ipc_port_control) {
        out->mode = PORT_MODE_IPC;
        where = cfg->ipc_port_control_file;
    } else {
        out->mode = PORT_MODE_OVSDB;
        if (cfg->ovsdb_sock_path[0])
            where = cfg->ovsdb_sock_path;
        else if (exists(PORT_MODE_DEBIAN_OVSDB))
            where = PORT_MODE_DEBIAN_OVSDB;
        else
            where = PORT_MODE_UPSTREAM_OVSDB;
    }
    snprintf(out->where, sizeof(out->where), "%s", where);
}

void port_mode_describe(const struct vio4wd_config *cfg, const struct port_mode_choice *c,
                        char *buf, size_t buflen)
{
    switch (c->mode) {
    case PORT_MODE_ZMQ:
        snprintf(buf, buflen, "port control: ZeroMQ on %s (VIRTIOFWD_ZMQ_PORT_CONTROL_EP is set)",
                 c->where);
        break;
    case PORT_MODE_IPC:
        snprintf(buf, buflen,
                 "port control: IPC command file %s (VIRTIOFWD_IPC_PORT_CONTROL is "
                 "set, VIRTIOFWD_ZMQ_PORT_CONTROL_EP is blank)",
                 c->where);
        break;
    case PORT_MODE_OVSDB:
        snprintf(buf, buflen,
                 "port control: OVSDB monitor on %s (%s; "
                 "VIRTIOFWD_ZMQ_PORT_CONTROL_EP and VIRTIOFWD_IPC_PORT_CONTROL are blank)",
                 c->where,
                 cfg->ovsdb_sock_path[0] ? "VIRTIOFWD_OVSDB_SOCK_PATH"
                                         : "VIRTIOFWD_OVSDB_SOCK_PATH is blank: the default");
        break;
    }
}
