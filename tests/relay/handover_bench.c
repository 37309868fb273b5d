/* SPDX-License-Identifier: BSD-3-Clause */
/* handover_bench.c - moves one relay direction back and forth between two
 * worker CPUs through the core_sched endpoint and reads, after each move,
 * the pause the relay measured (lib/counters/pause_hist.h) from the
 * counters file.
 *
 *   handover_bench EP COUNTERS RELAY DIR N
 *
 * DIR is vf_to_vm or vm_to_vf; the other direction stays where it is. Each
 * UPDATE moves DIR to the other of the first two worker CPUs; once it is
 * answered, the bench waits (1 s at most) until the relay has recorded the
 * move's pause and takes it from pause_last_cycles, then waits
 * HANDOVER_GAP_US (default 2000) before the next move, as a scheduler
 * would not move one direction back to back. It prints one line:
 *   pauses N median_us M p99_us P max_us X counters_max_us Y migrations K
 *   to_cpuA_median_us MA to_cpuA_p99_us PA to_cpuB_median_us MB to_cpuB_p99_us PB
 * (the last four by destination worker)
 * and exits 1 when a move failed or its pause never showed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "counters.h"
#include "direction.h"
#include "pause_hist.h"
#include "virtioforwarder.pb-c.h"

typedef Virtioforwarder__CoreSchedRequest Req;
typedef Virtioforwarder__CoreSchedRequest__RelayCPU RelayCPU;
typedef Virtioforwarder__CoreSchedResponse Resp;

static void *g_sock;

static Resp *roundtrip(const Req *req)
{
    static uint8_t buf[1 << 16];
    size_t len = virtioforwarder__core_sched_request__pack(req, buf);
    if (zmq_send(g_sock, buf, len, 0) < 0) {
        fprintf(stderr, "send: %s\n", zmq_strerror(errno));
        exit(2);
    }
    int n = zmq_recv(g_sock, buf, sizeof(buf), 0);
    Resp *r = n < 0 ? NULL : virtioforwarder__core_sched_response__unpack(NULL, (size_t)n, buf);
    if (!r) {
        fprintf(stderr, "no reply or an undecodable one: %s\n", zmq_strerror(errno));
        exit(2);
    }
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of n sorted samples (nearest rank). */
static double quantile(const double *v, size_t n, double q)
{
    size_t k = (size_t)(q * (double)n + 0.999999);
    return v[(k ? k : 1) - 1];
}

static void sleep_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s EP COUNTERS RELAY vf_to_vm|vm_to_vf N\n", argv[0]);
        return 2;
    }
    int relay = atoi(argv[3]);
    int dir = !strcmp(argv[4], "vf_to_vm")   ? VIO4WD_DIR_VF_TO_VM
              : !strcmp(argv[4], "vm_to_vf") ? VIO4WD_DIR_VM_TO_VF
                                             : -1;
    long n = atol(argv[5]);
    const char *gap = getenv("HANDOVER_GAP_US");
    long gap_us = gap ? atol(gap) : 2000;
    if (relay < 0 || relay >= VIO4WD_CNT_MAX_RELAYS || dir < 0 || n <= 0) {
        fprintf(stderr, "bad RELAY '%s' (0..%d), DIR '%s' (vf_to_vm or vm_to_vf) or N '%s'\n",
                argv[3], VIO4WD_CNT_MAX_RELAYS - 1, argv[4], argv[5]);
        return 2;
    }
    char err[512];
    struct vio4wd_counters *c = vio4wd_counters_open(argv[2], err, sizeof(err));
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct vio4wd_counters_snapshot *s = malloc(sizeof(*s));
    double *pause = calloc((size_t)n, sizeof(double));
    /* the same samples by destination worker: a CPU shared with the control
     * thread or the load generator shows in its own median */
    double *by_dest[2] = {calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double))};
    size_t n_dest[2] = {0, 0};
    void *ctx = zmq_ctx_new();
    int timeo = 5000, linger = 0;
    g_sock = zmq_socket(ctx, ZMQ_REQ);
    zmq_setsockopt(g_sock, ZMQ_RCVTIMEO, &timeo, sizeof(timeo));
    zmq_setsockopt(g_sock, ZMQ_SNDTIMEO, &timeo, sizeof(timeo));
    zmq_setsockopt(g_sock, ZMQ_LINGER, &linger, sizeof(linger));
    if (!s || !pause || zmq_connect(g_sock, argv[1]) != 0) {
        fprintf(stderr, "cannot connect to %s or out of memory\n", argv[1]);
        return 2;
    }

    Req get = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    get.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__GET_EAL_CORES;
    Resp *r = roundtrip(&get);
    if (r->n_eal_cores < 2) {
        fprintf(stderr, "the relay has %zu worker CPUs, two are needed\n", r->n_eal_cores);
        return 2;
    }
    int cpus[2] = {(int)r->eal_cores[0], (int)r->eal_cores[1]};
    virtioforwarder__core_sched_response__free_unpacked(r, NULL);

    if (vio4wd_counters_snapshot(c, s) != 0)
        return 2;
    const struct vio4wd_cnt_dir *cd = &s->relay[relay].dir[dir];
    int other_cpu = s->relay[relay].dir[1 - dir].cpu;
    int at = cd->cpu;
    uint64_t count = vio4wd_pause_count(cd), mig0 = cd->migrations, hz = s->header.tsc_hz;

    for (long i = 0; i < n; i++) {
        int to = at == cpus[0] ? cpus[1] : cpus[0];
        RelayCPU e = VIRTIOFORWARDER__CORE_SCHED_REQUEST__RELAY_CPU__INIT, *ep = &e;
        e.relay_number = relay;
        e.vf2virtio_cpu = dir == VIO4WD_DIR_VF_TO_VM ? to : other_cpu;
        e.virtio2vf_cpu = dir == VIO4WD_DIR_VM_TO_VF ? to : other_cpu;
        Req up = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
        up.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE;
        up.n_relay_cpu_map = 1;
        up.relay_cpu_map = &ep;
        r = roundtrip(&up);
        if (r->status != VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK) {
            fprintf(stderr, "move %ld to CPU %d refused: %s\n", i, to,
                    r->error_code_source ? r->error_code_source : "?");
            return 1;
        }
        virtioforwarder__core_sched_response__free_unpacked(r, NULL);
        at = to;
        /* the new owner records the pause at its first service */
        int waited = 0;
        for (;;) {
            if (vio4wd_counters_snapshot(c, s) != 0)
                return 2;
            if (vio4wd_pause_count(cd) > count)
                break;
            /* a full snapshot costs tens of microseconds: look every
             * 500 us, not more often, to leave the CPUs to the relay */
            if (++waited > 2000) {
                fprintf(stderr, "move %ld: no pause recorded within 1 s\n", i);
                return 1;
            }
            sleep_us(500);
        }
        count = vio4wd_pause_count(cd);
        pause[i] = vio4wd_pause_us(cd->pause_last_cycles, hz);
        sleep_us(gap_us);
        int k = to == cpus[1];
        by_dest[k][n_dest[k]++] = pause[i];
    }
    for (int k = 0; k < 2; k++)
        qsort(by_dest[k], n_dest[k], sizeof(double), cmp_double);
    qsort(pause, (size_t)n, sizeof(double), cmp_double);
    printf("pauses %ld median_us %.2f p99_us %.2f max_us %.2f counters_max_us %.2f "
           "migrations %llu",
           n, quantile(pause, (size_t)n, 0.5), quantile(pause, (size_t)n, 0.99), pause[n - 1],
           vio4wd_pause_us(cd->pause_max_cycles, hz), (unsigned long long)(cd->migrations - mig0));
    for (int k = 0; k < 2; k++)
        printf(" to_cpu%d_median_us %.2f to_cpu%d_p99_us %.2f", cpus[k],
               n_dest[k] ? quantile(by_dest[k], n_dest[k], 0.5) : 0.0, cpus[k],
               n_dest[k] ? quantile(by_dest[k], n_dest[k], 0.99) : 0.0);
    printf("\n");
    zmq_close(g_sock);
    zmq_ctx_term(ctx);
    vio4wd_counters_close(c);
    free(s);
    free(pause);
    free(by_dest[0]);
    free(by_dest[1]);
    return 0;
}
