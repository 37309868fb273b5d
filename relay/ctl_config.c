/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_config.c - ConfigResponse from the relay table. */
#include "ctl_config.h"

#include <stdlib.h>

#include "ctl.h"
#include "relay.h"
#include "virtioforwarder.pb-c.h"

static size_t pack(Virtioforwarder__ConfigResponse *resp, uint8_t **reply)
{
    size_t len = protobuf_c_message_get_packed_size(&resp->base);
    *reply = malloc(len ? len : 1);
    if (!*reply)
        return 0;
    protobuf_c_message_pack(&resp->base, *reply);
    return len;
}

size_t ctl_config_handle(void *opaque, const uint8_t *req, size_t len, uint8_t **reply)
{
    static struct relay_info relays[VIO4WD_MAX_RELAYS];
    static Virtioforwarder__ConfigResponse__RelayCPU entries[VIO4WD_MAX_RELAYS];
    static Virtioforwarder__ConfigResponse__RelayCPU *ptrs[VIO4WD_MAX_RELAYS];
    Virtioforwarder__ConfigResponse resp = VIRTIOFORWARDER__CONFIG_RESPONSE__INIT;
    (void)opaque;

    Virtioforwarder__ConfigRequest *request =
        req ? virtioforwarder__config_request__unpack(NULL, len, req) : NULL;
    if (!request) {
        resp.status = VIRTIOFORWARDER__CONFIG_RESPONSE__STATUS__EBADR;
        return pack(&resp, reply);
    }
    virtioforwarder__config_request__free_unpacked(request, NULL);

    unsigned n = relay_snapshot(relays, VIO4WD_MAX_RELAYS, false);
    for (unsigned i = 0; i < n; i++) {
        virtioforwarder__config_response__relay_cpu__init(&entries[resp.n_relay_cpu_map]);
        entries[resp.n_relay_cpu_map].relay_number = (int32_t)relays[i].id;
        entries[resp.n_relay_cpu_map].vf2virtio_cpu = relays[i].cpu[VIO4WD_DIR_VF_TO_VM];
        entries[resp.n_relay_cpu_map].virtio2vf_cpu = relays[i].cpu[VIO4WD_DIR_VM_TO_VF];
        ptrs[resp.n_relay_cpu_map] = &entries[resp.n_relay_cpu_map];
        resp.n_relay_cpu_map++;
    }
    resp.status = VIRTIOFORWARDER__CONFIG_RESPONSE__STATUS__OK;
    resp.relay_cpu_map = ptrs;
    return pack(&resp, reply);
}

int ctl_config_init(const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    if (!cfg->zmq_config_ep[0])
        return 0;
    return ctl_add_rep("config", cfg->zmq_config_ep, ctl_config_handle, NULL, err, errlen);
}
