/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_client.c - a REQ client with deadlines, and typed calls on top. */
#include "ctl_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <zmq.h>

#include "pci.h"

/* Replies are small (64 relays of stats is a few KiB); anything far bigger
 * is not from a relay. */
#define MAX_REPLY_BYTES (16 * 1024 * 1024)

struct ctl_client {
    void *context;
    void *socket; /* NULL until needed, and after a timeout */
    int timeout_ms;
    char endpoint[256];
};

const char *ctl_client_endpoint(const struct ctl_client *client)
{
    return client->endpoint;
}

static bool is_supported_endpoint(const char *endpoint)
{
    return strncmp(endpoint, "ipc://", 6) == 0 || strncmp(endpoint, "tcp://", 6) == 0 ||
           strncmp(endpoint, "inproc://", 9) == 0;
}

struct ctl_client *ctl_client_open(const char *endpoint, int timeout_ms, char *err, size_t errlen)
{
    struct stat st;

    if (!is_supported_endpoint(endpoint) ||
        strlen(endpoint) >= sizeof(((struct ctl_client *)0)->endpoint)) {
        snprintf(err, errlen, "'%s' is not a ZeroMQ endpoint; use ipc:///path or tcp://host:port",
                 endpoint);
        return NULL;
    }
    if (strncmp(endpoint, "ipc://", 6) == 0 && stat(endpoint + 6, &st) < 0) {
        snprintf(err, errlen, "%s: %s; is virtio-forwarder running, and is this its endpoint?",
                 endpoint, strerror(errno));
        return NULL;
    }
    struct ctl_client *client = calloc(1, sizeof(*client));
    if (!client || !(client->context = zmq_ctx_new())) {
        snprintf(err, errlen, "%s: cannot create a ZeroMQ context", endpoint);
        free(client);
        return NULL;
    }
    client->timeout_ms = timeout_ms > 0 ? timeout_ms : CTL_DEFAULT_TIMEOUT_MS;
    strcpy(client->endpoint, endpoint);
    return client;
}

static void drop_socket(struct ctl_client *client)
{
    if (client->socket)
        zmq_close(client->socket);
    client->socket = NULL;
}

void ctl_client_close(struct ctl_client *client)
{
    if (!client)
        return;
    drop_socket(client);
    zmq_ctx_term(client->context);
    free(client);
}

static int ensure_socket(struct ctl_client *client, char *err, size_t errlen)
{
    if (client->socket)
        return 0;
    int linger = 0;
    int64_t max_size = MAX_REPLY_BYTES;
    void *s = zmq_socket(client->context, ZMQ_REQ);
    if (!s || zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max_size, sizeof(max_size)) < 0 ||
        zmq_connect(s, client->endpoint) < 0) {
        snprintf(err, errlen, "%s: cannot connect: %s", client->endpoint,
                 zmq_strerror(zmq_errno()));
        if (s)
            zmq_close(s);
        return -1;
    }
    client->socket = s;
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for 'events' on the socket until 'deadline'. Returns 1 when ready,
 * 0 on timeout, -1 on error. */
static int wait_for(struct ctl_client *client, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        zmq_pollitem_t item = {client->socket, 0, events, 0};
        int rc = zmq_poll(&item, 1, left > 0 ? (long)left : 0);
        if (rc < 0 && zmq_errno() == EINTR && left > 0)
            continue;
        return rc < 0 ? -1 : rc > 0 ? 1 : 0;
    }
}

static int send_request(struct ctl_client *client, const ProtobufCMessage *request,
                        long long deadline, char *err, size_t errlen)
{
    size_t size = protobuf_c_message_get_packed_size(request);
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", client->endpoint);
        return -1;
    }
    protobuf_c_message_pack(request, buf);
    int ready = wait_for(client, ZMQ_POLLOUT, deadline);
    int rc = ready == 1 ? zmq_send(client->socket, buf, size, ZMQ_DONTWAIT) : -1;
    free(buf);
    if (rc < 0) {
        snprintf(err, errlen,
                 "%s: cannot send the request within %d ms; is virtio-forwarder "
                 "running?",
                 client->endpoint, client->timeout_ms);
        drop_socket(client);
        return -1;
    }
    return 0;
}

int ctl_call(struct ctl_client *client, const ProtobufCMessage *request,
             const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, char *err,
             size_t errlen)
{
    long long deadline = now_ms() + client->timeout_ms;

    *reply = NULL;
    if (ensure_socket(client, err, errlen) < 0 ||
        send_request(client, request, deadline, err, errlen) < 0)
        return -1;

    if (wait_for(client, ZMQ_POLLIN, deadline) != 1) {
        snprintf(err, errlen,
                 "%s: no answer within %d ms; is virtio-forwarder running, and is "
                 "this endpoint enabled?",
                 client->endpoint, client->timeout_ms);
        drop_socket(client); /* a REQ socket that missed its reply is stuck */
        return -1;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, client->socket, ZMQ_DONTWAIT) < 0) {
        snprintf(err, errlen, "%s: receive failed: %s", client->endpoint,
                 zmq_strerror(zmq_errno()));
        zmq_msg_close(&msg);
        drop_socket(client);
        return -1;
    }
    *reply = protobuf_c_message_unpack(reply_type, NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    if (!*reply) {
        snprintf(err, errlen, "%s: the reply is not a %s; is this the right endpoint?",
                 client->endpoint, reply_type->short_name);
        return -1;
    }
    return 0;
}

/* ---- core_sched ---- */

static int core_sched_call(struct ctl_client *client, Virtioforwarder__CoreSchedRequest *req,
                           Virtioforwarder__CoreSchedResponse **resp, int *error_code, char *err,
                           size_t errlen)
{
    ProtobufCMessage *reply;
    if (ctl_call(client, &req->base, &virtioforwarder__core_sched_response__descriptor, &reply, err,
                 errlen) < 0)
        return -1;
    *resp = (Virtioforwarder__CoreSchedResponse *)reply;
    if ((*resp)->status != VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK) {
        if (error_code)
            *error_code = (*resp)->has_error_code ? (*resp)->error_code : 0;
        snprintf(err, errlen, "%s: refused: %s (error %d)", client->endpoint,
                 (*resp)->error_code_source ? (*resp)->error_code_source : "no reason given",
                 (*resp)->has_error_code ? (*resp)->error_code : 0);
        protobuf_c_message_free_unpacked(reply, NULL);
        return -1;
    }
    return 0;
}

static int compare_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

int ctl_get_worker_cpus(struct ctl_client *client, unsigned *cpus, size_t max, size_t *n, char *err,
                        size_t errlen)
{
    Virtioforwarder__CoreSchedRequest req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    Virtioforwarder__CoreSchedResponse *resp;

    req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__GET_EAL_CORES;
    if (core_sched_call(client, &req, &resp, NULL, err, errlen) < 0)
        return -1;
    *n = resp->n_eal_cores < max ? resp->n_eal_cores : max;
    for (size_t i = 0; i < *n; i++)
        cpus[i] = resp->eal_cores[i];
    qsort(cpus, *n, sizeof(cpus[0]), compare_unsigned);
    protobuf_c_message_free_unpacked(&resp->base, NULL);
    return 0;
}

int ctl_update_mapping(struct ctl_client *client, const struct ctl_relay_cpus *map, size_t n,
                       int *error_code, char *err, size_t errlen)
{
    Virtioforwarder__CoreSchedRequest req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    Virtioforwarder__CoreSchedResponse *resp;
    Virtioforwarder__CoreSchedRequest__RelayCPU *entries = calloc(n ? n : 1, sizeof(*entries));
    Virtioforwarder__CoreSchedRequest__RelayCPU **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    int rc = -1;

    if (!entries || !ptrs) {
        snprintf(err, errlen, "%s: out of memory", client->endpoint);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        virtioforwarder__core_sched_request__relay_cpu__init(&entries[i]);
        entries[i].relay_number = map[i].relay;
        entries[i].vf2virtio_cpu = map[i].vf_to_vm_cpu;
        entries[i].virtio2vf_cpu = map[i].vm_to_vf_cpu;
        ptrs[i] = &entries[i];
    }
    req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE;
    req.n_relay_cpu_map = n;
    req.relay_cpu_map = ptrs;
    if (core_sched_call(client, &req, &resp, error_code, err, errlen) == 0) {
        protobuf_c_message_free_unpacked(&resp->base, NULL);
        rc = 0;
    }
out:
    free(entries);
    free(ptrs);
    return rc;
}

/* ---- stats ---- */

int ctl_get_stats(struct ctl_client *client, const uint32_t *relays, size_t n_relays,
                  bool include_inactive, uint32_t delay_ms, Virtioforwarder__StatsResponse **out,
                  char *err, size_t errlen)
{
    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;
    ProtobufCMessage *reply;

    req.n_relay = relays ? n_relays : 0;
    req.relay = (uint32_t *)relays;
    req.has_include_inactive = true;
    req.include_inactive = include_inactive;
    req.has_delay = delay_ms > 0;
    req.delay = delay_ms;
    if (ctl_call(client, &req.base, &virtioforwarder__stats_response__descriptor, &reply, err,
                 errlen) < 0)
        return -1;
    *out = (Virtioforwarder__StatsResponse *)reply;
    if ((*out)->status != VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK) {
        snprintf(err, errlen, "%s: stats request refused with status %d", client->endpoint,
                 (int)(*out)->status);
        ctl_stats_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

void ctl_stats_free(Virtioforwarder__StatsResponse *stats)
{
    if (stats)
        protobuf_c_message_free_unpacked(&stats->base, NULL);
}

/* ---- config ---- */

int ctl_get_config_map(struct ctl_client *client, struct ctl_relay_cpus *map, size_t max, size_t *n,
                       char *err, size_t errlen)
{
    Virtioforwarder__ConfigRequest req = VIRTIOFORWARDER__CONFIG_REQUEST__INIT;
    ProtobufCMessage *reply;

    if (ctl_call(client, &req.base, &virtioforwarder__config_response__descriptor, &reply, err,
                 errlen) < 0)
        return -1;
    Virtioforwarder__ConfigResponse *resp = (Virtioforwarder__ConfigResponse *)reply;
    int rc = 0;
    if (resp->status != VIRTIOFORWARDER__CONFIG_RESPONSE__STATUS__OK) {
        snprintf(err, errlen, "%s: config request refused with status %d", client->endpoint,
                 (int)resp->status);
        rc = -1;
    } else {
        *n = resp->n_relay_cpu_map < max ? resp->n_relay_cpu_map : max;
        for (size_t i = 0; i < *n; i++) {
            map[i].relay = resp->relay_cpu_map[i]->relay_number;
            map[i].vf_to_vm_cpu = resp->relay_cpu_map[i]->vf2virtio_cpu;
            map[i].vm_to_vf_cpu = resp->relay_cpu_map[i]->virtio2vf_cpu;
        }
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* ---- port_control ---- */

bool ctl_parse_pci(const char *text, unsigned *domain, unsigned *bus, unsigned *slot,
                   unsigned *function)
{
    struct pci_address a;
    if (!pci_parse(text, &a))
        return false;
    *domain = a.domain, *bus = a.bus, *slot = a.slot, *function = a.function;
    return true;
}

int ctl_port_control(struct ctl_client *client, const struct ctl_port_request *request,
                     char **query, int *error_code, char *err, size_t errlen)
{
    Virtioforwarder__PortControlRequest req = VIRTIOFORWARDER__PORT_CONTROL_REQUEST__INIT;
    size_t n = request->n_devices;
    Virtioforwarder__PortControlRequest__PciAddress *pci = calloc(n ? n : 1, sizeof(*pci));
    Virtioforwarder__PortControlRequest__PciAddress **pci_ptrs =
        calloc(n ? n : 1, sizeof(*pci_ptrs));
    char **strings = calloc(n ? n : 1, sizeof(*strings));
    ProtobufCMessage *reply = NULL;
    int rc = -1;

    if (query)
        *query = NULL;
    if (!pci || !pci_ptrs || !strings) {
        snprintf(err, errlen, "%s: out of memory", client->endpoint);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct pci_address a;
        if (pci_parse(request->devices[i], &a)) {
            virtioforwarder__port_control_request__pci_address__init(&pci[req.n_pci_addrs]);
            pci[req.n_pci_addrs].domain = a.domain;
            pci[req.n_pci_addrs].bus = a.bus;
            pci[req.n_pci_addrs].slot = a.slot;
            pci[req.n_pci_addrs].function = a.function;
            pci_ptrs[req.n_pci_addrs] = &pci[req.n_pci_addrs];
            req.n_pci_addrs++;
        } else {
            strings[req.n_device++] = (char *)request->devices[i];
        }
    }
    req.op = request->op;
    req.pci_addrs = pci_ptrs;
    req.device = strings;
    req.has_virtio_id = request->virtio_id >= 0;
    req.virtio_id = request->virtio_id >= 0 ? (uint32_t)request->virtio_id : 0;
    req.has_conditional = true;
    req.conditional = request->conditional;
    req.name = (char *)request->bond_name;
    req.has_mode = request->bond_mode >= 0;
    req.mode = request->bond_mode >= 0 ? (uint32_t)request->bond_mode : 0;
    req.vhost_path = (char *)request->vhost_path;
    req.rate_vf_to_vm = (char *)request->rate[0];
    req.rate_vm_to_vf = (char *)request->rate[1];

    if (ctl_call(client, &req.base, &virtioforwarder__port_control_response__descriptor, &reply,
                 err, errlen) < 0)
        goto out;
    Virtioforwarder__PortControlResponse *resp = (Virtioforwarder__PortControlResponse *)reply;
    if (resp->status != VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__STATUS__OK) {
        if (error_code)
            *error_code = resp->has_error_code ? resp->error_code : 0;
        snprintf(err, errlen, "%s: refused: %s (error %d)", client->endpoint,
                 resp->error_code_source ? resp->error_code_source : "no reason given",
                 resp->has_error_code ? resp->error_code : 0);
        goto out;
    }
    if (query && resp->query_string && !(*query = strdup(resp->query_string))) {
        snprintf(err, errlen, "%s: out of memory", client->endpoint);
        goto out;
    }
    rc = 0;
out:
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    free(pci);
    free(pci_ptrs);
    free(strings);
    return rc;
}
