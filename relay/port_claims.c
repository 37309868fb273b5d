/* SPDX-License-Identifier: BSD-3-Clause */
/* port_claims.c - relays attached by one port-control source. */
#include "port_claims.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "relay.h"

int port_claims_attach(struct port_claims *c, unsigned id, const char *ifname, const char *device,
                       const char *how, char *err, size_t errlen)
{
    char why[512];
    struct relay *r = relay_get(id);
    if (r && r->has_vf) {
        snprintf(err, errlen, "interface %s: relay %u is already in use (VF %s%s)", ifname, id,
                 r->vf_dev, c->claim[id].on ? "" : ", not attached by us");
        return -1;
    }
    if (relay_add_vf(id, device, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "interface %s: %s will not attach to relay %u: %s", ifname, device,
                 id, why);
        return -1;
    }
    struct port_claim *p = &c->claim[id];
    p->on = true;
    snprintf(p->device, sizeof(p->device), "%s", device);
    snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
    log_notice("%s: interface %s -> relay %u: %s (%s)", c->source, ifname, id, device, how);
    return 0;
}

void port_claims_release(struct port_claims *c, unsigned id, const char *why)
{
    struct port_claim *p = &c->claim[id];
    char err[512];
    if (!p->on)
        return;
    if (relay_remove_vf(id, err, sizeof(err)) != 0)
        log_warning("%s: interface %s: removing %s from relay %u: %s", c->source, p->ifname,
                    p->device, id, err);
    else
        log_notice("%s: interface %s %s: relay %u released %s", c->source, p->ifname, why, id,
                   p->device);
    p->on = false;
}

int port_claims_find(const struct port_claims *c, const char *ifname)
{
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++)
        if (c->claim[id].on && strcmp(c->claim[id].ifname, ifname) == 0)
            return (int)id;
    return -1;
}
