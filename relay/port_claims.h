/* SPDX-License-Identifier: BSD-3-Clause */
/* port_claims.h - the relays a port-control source (the OVSDB monitor, the
 * IPC command file) attached, so that it detaches only those: a source
 * never touches a relay it did not attach (static VFs, another source).
 * Attaching and detaching go through relay_add_vf/relay_remove_vf, the path
 * ZeroMQ port control and static VFs use. Call under relay_lock().
 */
#ifndef VIO4WD_PORT_CLAIMS_H
#define VIO4WD_PORT_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define PORT_CLAIM_NAME_MAX 64

struct port_claim {
    bool on;
    char device[VIO4WD_DEVICE_MAX];
    char ifname[PORT_CLAIM_NAME_MAX]; /* the interface it was attached for */
};

struct port_claims {
    const char *source; /* "OVSDB", "IPC file": log prefix */
    struct port_claim claim[VIO4WD_MAX_RELAYS];
};

/* Attaches 'device' to relay 'id' for interface 'ifname' ('how' says how it
 * was found, for the log). Refuses a relay that already has a VF. Returns 0,
 * or -1 with err a sentence starting "interface <ifname>: ". */
int port_claims_attach(struct port_claims *c, unsigned id, const char *ifname, const char *device,
                       const char *how, char *err, size_t errlen);

/* Detaches what relay 'id' got through us; 'why' ends the log line. */
void port_claims_release(struct port_claims *c, unsigned id, const char *why);

/* The relay attached for 'ifname', or -1. */
int port_claims_find(const struct port_claims *c, const char *ifname);

#endif
