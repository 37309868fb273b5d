/* SPDX-License-Identifier: BSD-3-Clause */
/* sched_client.c - drives the relay's core_sched endpoint for the tests.
 *
 *   sched_client EP get                      print the worker CPUs
 *   sched_client EP update [R:C1,C2 ...]     one UPDATE; prints OK or
 *                                            "ERROR <errno> <source>";
 *                                            exit 0 on OK, 1 on ERROR
 *   sched_client EP random N R [R ...]       N UPDATEs moving both directions
 *                                            of the relays to random worker
 *                                            CPUs; exit 1 on any ERROR
 *                                            (SCHED_PAUSE_US=N: pause
 *                                            between updates;
 *                                            SCHED_LOG=FILE: write each
 *                                            map "R:C1,C2 ..." there just
 *                                            before it is sent, so a test
 *                                            that kills us knows the last
 *                                            two maps the relay may hold)
 *   sched_client EP garbage N                N random messages; each must
 *                                            get an ERROR reply
 * C1 serves VF->VM (vf2virtio_cpu), C2 VM->VF (virtio2vf_cpu).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "virtioforwarder.pb-c.h"

typedef Virtioforwarder__CoreSchedRequest Req;
typedef Virtioforwarder__CoreSchedRequest__RelayCPU RelayCPU;
typedef Virtioforwarder__CoreSchedResponse Resp;

static void *g_sock;

static void *connect_ep(void *ctx, const char *ep)
{
    int timeo = 5000, linger = 0;
    void *s = zmq_socket(ctx, ZMQ_REQ);
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeo, sizeof(timeo));
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeo, sizeof(timeo));
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    if (zmq_connect(s, ep) != 0) {
        fprintf(stderr, "connect %s: %s\n", ep, zmq_strerror(errno));
        exit(2);
    }
    return s;
}

/* Sends raw bytes, returns the decoded reply (exits on transport errors). */
static Resp *roundtrip_raw(const void *buf, size_t len)
{
    static uint8_t rbuf[1 << 16];
    if (zmq_send(g_sock, buf, len, 0) < 0) {
        fprintf(stderr, "send: %s\n", zmq_strerror(errno));
        exit(2);
    }
    int n = zmq_recv(g_sock, rbuf, sizeof(rbuf), 0);
    if (n < 0) {
        fprintf(stderr, "no reply: %s\n", zmq_strerror(errno));
        exit(2);
    }
    Resp *r = virtioforwarder__core_sched_response__unpack(NULL, (size_t)n, rbuf);
    if (!r) {
        fprintf(stderr, "undecodable reply (%d bytes)\n", n);
        exit(2);
    }
    return r;
}

static Resp *roundtrip(const Req *req)
{
    uint8_t buf[1 << 16];
    size_t len = virtioforwarder__core_sched_request__pack(req, buf);
    return roundtrip_raw(buf, len);
}

static int print_result(Resp *r)
{
    int ok = r->status == VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK;
    if (ok)
        printf("OK\n");
    else
        printf("ERROR %d %s\n", r->has_error_code ? r->error_code : -1,
               r->error_code_source ? r->error_code_source : "");
    return ok ? 0 : 1;
}

static unsigned get_cores(uint32_t *cores, unsigned max)
{
    Req req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__GET_EAL_CORES;
    Resp *r = roundtrip(&req);
    unsigned n = 0;
    for (size_t i = 0; i < r->n_eal_cores && n < max; i++)
        cores[n++] = r->eal_cores[i];
    if (r->status != VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK) {
        fprintf(stderr, "GET_EAL_CORES failed\n");
        exit(1);
    }
    virtioforwarder__core_sched_response__free_unpacked(r, NULL);
    return n;
}

static int update(int n, char **specs)
{
    RelayCPU entries[64], *ptrs[64];
    Req req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE;
    for (int i = 0; i < n && i < 64; i++) {
        RelayCPU e = VIRTIOFORWARDER__CORE_SCHED_REQUEST__RELAY_CPU__INIT;
        int r, c1, c2;
        int k = sscanf(specs[i], "%d:%d,%d", &r, &c1, &c2);
        if (k < 2) {
            fprintf(stderr, "bad spec %s\n", specs[i]);
            return 2;
        }
        e.relay_number = r;
        e.vf2virtio_cpu = c1;
        e.virtio2vf_cpu = k == 3 ? c2 : c1;
        entries[i] = e;
        ptrs[i] = &entries[i];
    }
    req.n_relay_cpu_map = (size_t)n;
    req.relay_cpu_map = ptrs;
    Resp *r = roundtrip(&req);
    int rc = print_result(r);
    virtioforwarder__core_sched_response__free_unpacked(r, NULL);
    return rc;
}

/* One line per map, in a single write(): complete even if we are killed. */
static void log_map(int fd, const RelayCPU *entries, int n)
{
    char line[64 * 32];
    size_t len = 0;
    for (int i = 0; i < n && i < 64; i++)
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%d:%d,%d", i ? " " : "",
                                entries[i].relay_number, entries[i].vf2virtio_cpu,
                                entries[i].virtio2vf_cpu);
    line[len++] = '\n';
    if (write(fd, line, len) != (ssize_t)len)
        perror("SCHED_LOG");
}

static int random_updates(long count, int n_relays, char **relays)
{
    uint32_t cores[128];
    unsigned n_cores = get_cores(cores, 128);
    RelayCPU entries[64], *ptrs[64];
    struct timespec t0, t1;
    double worst = 0, total = 0;

    const char *pause_env = getenv("SCHED_PAUSE_US");
    const char *log_path = getenv("SCHED_LOG");
    int log_fd = log_path ? open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;
    long pause_us = pause_env ? atol(pause_env) : 0;

    srand((unsigned)time(NULL));
    for (long it = 0; it < count; it++) {
        if (pause_us > 0)
            usleep((useconds_t)pause_us);
        Req req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
        req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE;
        for (int i = 0; i < n_relays && i < 64; i++) {
            RelayCPU e = VIRTIOFORWARDER__CORE_SCHED_REQUEST__RELAY_CPU__INIT;
            e.relay_number = atoi(relays[i]);
            e.vf2virtio_cpu = (int32_t)cores[(unsigned)rand() % n_cores];
            e.virtio2vf_cpu = (int32_t)cores[(unsigned)rand() % n_cores];
            entries[i] = e;
            ptrs[i] = &entries[i];
        }
        req.n_relay_cpu_map = (size_t)n_relays;
        req.relay_cpu_map = ptrs;
        if (log_fd >= 0)
            log_map(log_fd, entries, n_relays);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        Resp *r = roundtrip(&req);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        total += ms;
        if (ms > worst)
            worst = ms;
        if (r->status != VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK) {
            printf("update %ld: ", it);
            print_result(r);
            return 1;
        }
        virtioforwarder__core_sched_response__free_unpacked(r, NULL);
    }
    printf("%ld updates OK, mean %.3f ms, worst %.3f ms\n", count, total / (double)count, worst);
    return 0;
}

static int garbage(long count)
{
    uint8_t buf[512];
    srand((unsigned)time(NULL));
    for (long it = 0; it < count; it++) {
        size_t len = (size_t)(rand() % (int)sizeof(buf));
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rand();
        /* a request with "op" missing is invalid too: keep the first byte
         * away from a valid tag 1 varint to make every message malformed */
        if (len)
            buf[0] = 0xff;
        Resp *r = roundtrip_raw(buf, len);
        if (r->status != VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__ERROR) {
            fprintf(stderr, "garbage message %ld got OK\n", it);
            return 1;
        }
        virtioforwarder__core_sched_response__free_unpacked(r, NULL);
    }
    printf("%ld garbage messages answered with ERROR\n", count);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s EP get|update|random|garbage ...\n", argv[0]);
        return 2;
    }
    void *ctx = zmq_ctx_new();
    g_sock = connect_ep(ctx, argv[1]);
    int rc = 2;
    if (!strcmp(argv[2], "get")) {
        uint32_t cores[128];
        unsigned n = get_cores(cores, 128);
        for (unsigned i = 0; i < n; i++)
            printf("%s%u", i ? " " : "", cores[i]);
        printf("\n");
        rc = 0;
    } else if (!strcmp(argv[2], "update")) {
        rc = update(argc - 3, argv + 3);
    } else if (!strcmp(argv[2], "random") && argc >= 5) {
        rc = random_updates(atol(argv[3]), argc - 4, argv + 4);
    } else if (!strcmp(argv[2], "garbage") && argc >= 4) {
        rc = garbage(atol(argv[3]));
    }
    zmq_close(g_sock);
    zmq_ctx_term(ctx);
    return rc;
}
