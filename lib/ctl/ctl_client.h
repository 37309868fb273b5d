/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_client.h - typed calls to the relay's ZeroMQ endpoints.
 *
 * One client talks to one endpoint (stats, core_sched, port_control or
 * config). Every call has a deadline. When the relay does not answer in
 * time, the client throws its socket away and makes a new one, so a relay
 * that went away and came back is picked up by the next call (ZeroMQ's
 * "lazy pirate" pattern); a REQ socket that missed a reply is otherwise
 * stuck for good.
 *
 * Errors come back as -1 with a sentence in err that names the endpoint.
 */
#ifndef VIO4WD_CTL_CLIENT_H
#define VIO4WD_CTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtioforwarder.pb-c.h"

#define CTL_DEFAULT_TIMEOUT_MS 2000

struct ctl_client;

/* Creates the client. Nothing is sent yet; an ipc:// endpoint whose socket
 * file does not exist is reported here, because that is the common
 * "relay not running" case and waiting for a timeout would only hide it. */
struct ctl_client *ctl_client_open(const char *endpoint, int timeout_ms, char *err, size_t errlen);
void ctl_client_close(struct ctl_client *client);
const char *ctl_client_endpoint(const struct ctl_client *client);

/* Sends 'request' and decodes the reply as 'reply_type'. On success *reply
 * is owned by the caller (free with protobuf_c_message_free_unpacked). */
int ctl_call(struct ctl_client *client, const ProtobufCMessage *request,
             const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, char *err,
             size_t errlen);

/* ---- core_sched ---- */

/* One relay's CPUs: vf_to_vm is upstream's vf2virtio, vm_to_vf its virtio2vf. */
struct ctl_relay_cpus {
    int relay;
    int vf_to_vm_cpu;
    int vm_to_vf_cpu;
};

/* The relay's worker CPUs (GET_EAL_CORES), sorted. */
int ctl_get_worker_cpus(struct ctl_client *client, unsigned *cpus, size_t max, size_t *n, char *err,
                        size_t errlen);

/* Applies a relay-to-CPU map (UPDATE). The relay applies all of it or none. On
 * a refusal, *error_code (if not NULL) is the relay's errno. */
int ctl_update_mapping(struct ctl_client *client, const struct ctl_relay_cpus *map, size_t n,
                       int *error_code, char *err, size_t errlen);

/* ---- stats ---- */

/* relays may be NULL for "all". Free *out with ctl_stats_free. */
int ctl_get_stats(struct ctl_client *client, const uint32_t *relays, size_t n_relays,
                  bool include_inactive, uint32_t delay_ms, Virtioforwarder__StatsResponse **out,
                  char *err, size_t errlen);
void ctl_stats_free(Virtioforwarder__StatsResponse *stats);

/* ---- config ---- */

int ctl_get_config_map(struct ctl_client *client, struct ctl_relay_cpus *map, size_t max, size_t *n,
                       char *err, size_t errlen);

/* ---- port_control ---- */

struct ctl_port_request {
    Virtioforwarder__PortControlRequest__Op op;
    int virtio_id; /* < 0: none (QUERY_PCI about all relays) */
    /* PCI addresses ("0000:05:08.1") or DPDK device strings; several make a
     * bond. PCI addresses travel in upstream's field, the rest in ours. */
    const char *const *devices;
    size_t n_devices;
    const char *bond_name;  /* NULL: none */
    int bond_mode;          /* < 0: none */
    const char *vhost_path; /* ADD_SOCK / REMOVE_SOCK */
    bool conditional;       /* a request that changes nothing is OK */
    const char *rate[2];    /* RATE: VF->VM, VM->VF limits; NULL leaves it */
};

/* query (may be NULL) receives QUERY_PCI's or RATE's answer; free it with
 * free(). */
int ctl_port_control(struct ctl_client *client, const struct ctl_port_request *request,
                     char **query, int *error_code, char *err, size_t errlen);

/* "0000:05:08.1" or "05:08.1" -> its parts; false when it is not one. */
bool ctl_parse_pci(const char *text, unsigned *domain, unsigned *bus, unsigned *slot,
                   unsigned *function);

#endif
