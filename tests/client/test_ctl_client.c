/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/ctl/ctl_client.c against a real ZeroMQ REP socket served
 * by a thread of this process, which plays the relay. */
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "ctl_client.h"

/* What the fake relay does with each request it receives. */
enum action {
    REPLY,
    SILENT,
    GARBAGE
};

struct fake_relay {
    void *context, *socket;
    char endpoint[128], dir[64];
    pthread_t thread;
    bool joined;
    bool client_gave_up;
    int requests; /* how many to serve before stopping */
    enum action actions[8];
    /* The reply to send, built by the test, and the last request seen. */
    uint8_t reply[4096];
    size_t reply_len;
    uint8_t request[4096];
    size_t request_len;
};

static void *serve(void *arg)
{
    struct fake_relay *f = arg;
    for (int i = 0; i < f->requests; i++) {
        int n = zmq_recv(f->socket, f->request, sizeof(f->request), 0);
        if (n < 0)
            break;
        f->request_len = (size_t)n;
        if (f->actions[i] == SILENT) {
            /* Answer only once the test says the client has given up. A
             * REP socket must answer before it can receive again; the
             * answer goes nowhere. */
            while (!__atomic_load_n(&f->client_gave_up, __ATOMIC_ACQUIRE))
                usleep(10 * 1000);
            zmq_send(f->socket, "", 0, 0);
            continue;
        }
        if (f->actions[i] == GARBAGE)
            zmq_send(f->socket, "\xff\xff\xff garbage", 11, 0);
        else
            zmq_send(f->socket, f->reply, f->reply_len, 0);
    }
    return NULL;
}

/* The fake relay of the running test, so teardown can stop it when a failed
 * assertion skipped the test's own stop(). */
static struct fake_relay *running;

static struct fake_relay *start(int requests, const enum action *actions)
{
    struct fake_relay *f = calloc(1, sizeof(*f));
    running = f;
    strcpy(f->dir, "/tmp/vio4wd-client-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->endpoint, sizeof(f->endpoint), "ipc://%s/core_sched", f->dir);
    f->context = zmq_ctx_new();
    f->socket = zmq_socket(f->context, ZMQ_REP);
    int linger = 0;
    zmq_setsockopt(f->socket, ZMQ_LINGER, &linger, sizeof(linger));
    assert_int_equal(zmq_bind(f->socket, f->endpoint), 0);
    f->requests = requests;
    memcpy(f->actions, actions, (size_t)requests * sizeof(*actions));
    return f;
}

static void run(struct fake_relay *f)
{
    pthread_create(&f->thread, NULL, serve, f);
}

/* Waits until the fake relay has served its script, so the test can look at
 * the last request it received. */
static void finish(struct fake_relay *f)
{
    if (!f->joined)
        pthread_join(f->thread, NULL);
    f->joined = true;
}

static void stop(struct fake_relay *f)
{
    running = NULL;
    __atomic_store_n(&f->client_gave_up, true, __ATOMIC_RELEASE);
    finish(f);
    zmq_close(f->socket);
    zmq_ctx_term(f->context);
    char path[256];
    snprintf(path, sizeof(path), "%s/core_sched", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
}

static void set_reply(struct fake_relay *f, const ProtobufCMessage *msg)
{
    f->reply_len = protobuf_c_message_pack(msg, f->reply);
}

static const enum action ONE_REPLY[] = {REPLY};

/* ---- tests --------------------------------------------------------------- */

static void missing_ipc_socket_says_relay_not_running(void **state)
{
    (void)state;
    char err[256];
    struct ctl_client *c =
        ctl_client_open("ipc:///nonexistent/vio4wd/stats", 500, err, sizeof(err));
    assert_null(c);
    assert_non_null(strstr(err, "ipc:///nonexistent/vio4wd/stats"));
    assert_non_null(strstr(err, "is virtio-forwarder running"));
}

static void bad_endpoint_is_refused(void **state)
{
    (void)state;
    char err[256];
    assert_null(ctl_client_open("/var/run/virtio-forwarder/stats", 500, err, sizeof(err)));
    assert_non_null(strstr(err, "not a ZeroMQ endpoint"));
}

static void worker_cpus_come_back_sorted(void **state)
{
    (void)state;
    struct fake_relay *f = start(1, ONE_REPLY);
    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    uint32_t cores[] = {5, 1, 3};
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    resp.n_eal_cores = 3;
    resp.eal_cores = cores;
    set_reply(f, &resp.base);
    run(f);

    char err[256];
    unsigned cpus[8];
    size_t n;
    struct ctl_client *c = ctl_client_open(f->endpoint, 2000, err, sizeof(err));
    assert_non_null(c);
    assert_int_equal(ctl_get_worker_cpus(c, cpus, 8, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    assert_int_equal(cpus[0], 1);
    assert_int_equal(cpus[2], 5);
    ctl_client_close(c);
    stop(f);
}

static void update_sends_the_map_in_upstream_field_order(void **state)
{
    (void)state;
    struct fake_relay *f = start(1, ONE_REPLY);
    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    set_reply(f, &resp.base);
    run(f);

    char err[256];
    struct ctl_relay_cpus map[] = {{0, 1, 2}, {7, 2, 2}};
    struct ctl_client *c = ctl_client_open(f->endpoint, 2000, err, sizeof(err));
    assert_int_equal(ctl_update_mapping(c, map, 2, NULL, err, sizeof(err)), 0);
    ctl_client_close(c);
    finish(f);

    Virtioforwarder__CoreSchedRequest *req =
        virtioforwarder__core_sched_request__unpack(NULL, f->request_len, f->request);
    assert_non_null(req);
    assert_int_equal(req->op, VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE);
    assert_int_equal(req->n_relay_cpu_map, 2);
    assert_int_equal(req->relay_cpu_map[1]->relay_number, 7);
    assert_int_equal(req->relay_cpu_map[0]->vf2virtio_cpu, 1); /* VF->VM */
    assert_int_equal(req->relay_cpu_map[0]->virtio2vf_cpu, 2); /* VM->VF */
    virtioforwarder__core_sched_request__free_unpacked(req, NULL);
    stop(f);
}

static void refusal_carries_errno_and_reason(void **state)
{
    (void)state;
    struct fake_relay *f = start(1, ONE_REPLY);
    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__ERROR;
    resp.has_error_code = true;
    resp.error_code = 22;
    resp.error_code_source = "CPU 9 is not a worker (workers: 1-2)";
    set_reply(f, &resp.base);
    run(f);

    char err[256];
    int code = 0;
    struct ctl_relay_cpus map[] = {{0, 9, 9}};
    struct ctl_client *c = ctl_client_open(f->endpoint, 2000, err, sizeof(err));
    assert_int_equal(ctl_update_mapping(c, map, 1, &code, err, sizeof(err)), -1);
    assert_int_equal(code, 22);
    assert_non_null(strstr(err, "CPU 9 is not a worker"));
    ctl_client_close(c);
    stop(f);
}

static void silent_relay_times_out_then_client_recovers(void **state)
{
    (void)state;
    const enum action script[] = {SILENT, REPLY};
    struct fake_relay *f = start(2, script);
    Virtioforwarder__CoreSchedResponse resp = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__INIT;
    uint32_t cores[] = {1};
    resp.status = VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    resp.n_eal_cores = 1;
    resp.eal_cores = cores;
    set_reply(f, &resp.base);
    run(f);

    char err[256];
    unsigned cpus[4];
    size_t n;
    struct ctl_client *c = ctl_client_open(f->endpoint, 300, err, sizeof(err));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(ctl_get_worker_cpus(c, cpus, 4, &n, err, sizeof(err)), -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(waited >= 0.25 && waited < 2.0);
    assert_non_null(strstr(err, "no answer within 300 ms"));
    __atomic_store_n(&f->client_gave_up, true, __ATOMIC_RELEASE);

    /* The same client works again: the stuck REQ socket was replaced. */
    assert_int_equal(ctl_get_worker_cpus(c, cpus, 4, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 1);
    ctl_client_close(c);
    stop(f);
}

static void garbage_reply_is_an_error_not_a_crash(void **state)
{
    (void)state;
    const enum action script[] = {GARBAGE};
    struct fake_relay *f = start(1, script);
    run(f);

    char err[256];
    unsigned cpus[4];
    size_t n;
    struct ctl_client *c = ctl_client_open(f->endpoint, 2000, err, sizeof(err));
    assert_int_equal(ctl_get_worker_cpus(c, cpus, 4, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a CoreSchedResponse"));
    ctl_client_close(c);
    stop(f);
}

static void port_control_splits_pci_and_device_strings(void **state)
{
    (void)state;
    struct fake_relay *f = start(1, ONE_REPLY);
    Virtioforwarder__PortControlResponse resp = VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__INIT;
    resp.status = VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__STATUS__OK;
    resp.query_string = "relay 3: net_bonding0";
    set_reply(f, &resp.base);
    run(f);

    char err[256], *query = NULL;
    const char *devices[] = {"0000:05:08.1", "net_memif0,role=client,socket=/tmp/m.sock"};
    struct ctl_port_request pr = {
        .op = VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD,
        .virtio_id = 3,
        .devices = devices,
        .n_devices = 2,
        .bond_name = "net_bonding0",
        .bond_mode = 1,
        .conditional = false,
    };
    struct ctl_client *c = ctl_client_open(f->endpoint, 2000, err, sizeof(err));
    assert_int_equal(ctl_port_control(c, &pr, &query, NULL, err, sizeof(err)), 0);
    assert_string_equal(query, "relay 3: net_bonding0");
    free(query);
    ctl_client_close(c);
    finish(f);

    Virtioforwarder__PortControlRequest *req =
        virtioforwarder__port_control_request__unpack(NULL, f->request_len, f->request);
    assert_non_null(req);
    assert_int_equal(req->n_pci_addrs, 1);
    assert_int_equal(req->pci_addrs[0]->bus, 5);
    assert_int_equal(req->pci_addrs[0]->slot, 8);
    assert_int_equal(req->pci_addrs[0]->function, 1);
    assert_int_equal(req->n_device, 1);
    assert_string_equal(req->device[0], "net_memif0,role=client,socket=/tmp/m.sock");
    assert_true(req->has_virtio_id);
    assert_int_equal(req->virtio_id, 3);
    assert_false(req->conditional);
    assert_int_equal(req->mode, 1);
    virtioforwarder__port_control_request__free_unpacked(req, NULL);
    stop(f);
}

static void stats_request_fields(void **state)
{
    (void)state;
    struct fake_relay *f = start(1, ONE_REPLY);
    Virtioforwarder__StatsResponse resp = VIRTIOFORWARDER__STATS_RESPONSE__INIT;
    resp.status = VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK;
    set_reply(f, &resp.base);
    run(f);

    char err[256];
    uint32_t relays[] = {1, 4};
    Virtioforwarder__StatsResponse *out;
    struct ctl_client *c = ctl_client_open(f->endpoint, 2000, err, sizeof(err));
    assert_int_equal(ctl_get_stats(c, relays, 2, false, 250, &out, err, sizeof(err)), 0);
    assert_int_equal(out->n_relay, 0);
    ctl_stats_free(out);
    ctl_client_close(c);
    finish(f);

    Virtioforwarder__StatsRequest *req =
        virtioforwarder__stats_request__unpack(NULL, f->request_len, f->request);
    assert_non_null(req);
    assert_int_equal(req->n_relay, 2);
    assert_int_equal(req->relay[1], 4);
    assert_false(req->include_inactive);
    assert_int_equal(req->delay, 250);
    virtioforwarder__stats_request__free_unpacked(req, NULL);
    stop(f);
}

static void pci_parsing(void **state)
{
    (void)state;
    unsigned d, b, s, fn;
    assert_true(ctl_parse_pci("0000:af:1f.7", &d, &b, &s, &fn));
    assert_int_equal(b, 0xaf);
    assert_int_equal(s, 0x1f);
    assert_int_equal(fn, 7);
    assert_true(ctl_parse_pci("05:08.1", &d, &b, &s, &fn));
    assert_int_equal(d, 0);
    assert_false(ctl_parse_pci("05:20.1", &d, &b, &s, &fn));
    assert_false(ctl_parse_pci("net_null0", &d, &b, &s, &fn));
}

static int teardown(void **state)
{
    (void)state;
    if (running) {
        /* unblock a server thread still waiting for a request */
        zmq_ctx_shutdown(running->context);
        stop(running);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(missing_ipc_socket_says_relay_not_running, teardown),
        cmocka_unit_test_teardown(bad_endpoint_is_refused, teardown),
        cmocka_unit_test_teardown(worker_cpus_come_back_sorted, teardown),
        cmocka_unit_test_teardown(update_sends_the_map_in_upstream_field_order, teardown),
        cmocka_unit_test_teardown(refusal_carries_errno_and_reason, teardown),
        cmocka_unit_test_teardown(silent_relay_times_out_then_client_recovers, teardown),
        cmocka_unit_test_teardown(garbage_reply_is_an_error_not_a_crash, teardown),
        cmocka_unit_test_teardown(port_control_splits_pci_and_device_strings, teardown),
        cmocka_unit_test_teardown(stats_request_fields, teardown),
        cmocka_unit_test_teardown(pci_parsing, teardown),
    };
    return cmocka_run_group_tests_name("ctl_client", tests, NULL, NULL);
}
