/* SPDX-License-Identifier: BSD-3-Clause */
/* test_handover.c - the handover protocol (relay/handover.h) with plain
 * pthreads: several threads play workers, the main thread plays control.
 *
 * Every direction carries a stream of numbered items. Its owner "receives"
 * new numbers and "delivers" some of those it holds, in order; the items
 * it has not delivered yet stay in the direction (like the relay's
 * leftovers) when it moves. The checks:
 *   - single ownership at every step: a worker servicing a direction is its
 *     recorded owner, and no other worker is inside it at the same time;
 *   - nothing lost or duplicated, FIFO per direction: every delivery is
 *     the next number, and at the end delivered + held = received;
 *   - control's view: after handover_wait() the owner is the target, the
 *     counters name the owner's CPU, and they count every change of
 *     worker as a migration;
 *   - pauses: every migration's first service records one pause, no
 *     longer than the time since the move started.
 * Workers rest as the relay's do (handover_rest): one with no direction
 * parks until a handover wakes it, one with directions sleeps briefly now
 * and then; a handover that failed to wake its worker times out and fails.
 * The direction's stream state is plain memory, touched only by its owner:
 * under ThreadSanitizer (build-tsan) a handover that does not order the
 * old owner's last access before the new owner's first is a reported race.
 *
 * Usage: test_handover [HANDOVERS] (default 1000000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <sched.h>

#include "handover.h"
#include "pause_hist.h"

#define N_WORKERS 4
#define N_DIRS    12
#define HOLD_MAX  8 /* items a direction may hold undelivered */
#define BATCH     4 /* moves control starts before it waits */

struct tdir {
    struct handover_dir ho;
    struct vio4wd_cnt_dir cnt;

    /* Owner only: plain memory on purpose (see the top of the file). */
    uint64_t received;  /* next number to receive */
    uint64_t delivered; /* next number to deliver */
    uint64_t held[HOLD_MAX];
    unsigned n_held;
    unsigned rng;

    int inside; /* workers servicing it now; must stay <= 1 */
    /* Control's bookkeeping. */
    int expect_owner;
    uint64_t changes; /* owner changes between two workers */
};

struct tworker {
    struct handover_worker ho;
    pthread_t thread;
    unsigned rng;
};

static struct handover g_h;
static struct tworker g_w[N_WORKERS];
static struct tdir g_d[N_DIRS];
static bool g_stop;
static unsigned g_active_dirs = N_DIRS; /* directions the stress test moves */
static unsigned long g_faults;

/* A fault seen on a worker thread: cmocka's asserts belong to the main
 * thread, so workers count and print, and the test checks the count. */
static void fault(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fault(const char *fmt, ...)
{
    va_list ap;
    if (__atomic_fetch_add(&g_faults, 1, __ATOMIC_RELAXED) < 10) {
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

static struct tdir *tdir_of(struct handover_dir *h)
{
    return (struct tdir *)((char *)h - offsetof(struct tdir, ho));
}

static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

/* One service of d by worker w: deliver some held items, receive some. */
static void service(struct tdir *d, const struct tworker *w)
{
    if (__atomic_fetch_add(&d->inside, 1, __ATOMIC_RELAXED) != 0)
        fault("direction %u: two workers inside", d->ho.index);
    if (handover_owner(&d->ho) != (int)w->ho.index)
        fault("direction %u: serviced by worker %u but owned by %d", d->ho.index, w->ho.index,
              handover_owner(&d->ho));

    unsigned out = next_rand(&d->rng) % (d->n_held + 1);
    for (unsigned i = 0; i < out; i++)
        if (d->held[i] != d->delivered++)
            fault("direction %u: delivered %llu, expected %llu", d->ho.index,
                  (unsigned long long)d->held[i], (unsigned long long)d->delivered - 1);
    for (unsigned i = out; i < d->n_held; i++)
        d->held[i - out] = d->held[i];
    d->n_held -= out;
    unsigned in = next_rand(&d->rng) % (HOLD_MAX - d->n_held + 1);
    for (unsigned i = 0; i < in; i++)
        d->held[d->n_held++] = d->received++;

    __atomic_fetch_sub(&d->inside, 1, __ATOMIC_RELAXED);
}

/* handover_last_service_fn: as the relay's worker, one more service of a
 * direction it gives away (the ownership checks hold there too). */
static void serve_before_release(struct handover_dir *hd, void *arg)
{
    service(tdir_of(hd), arg);
    handover_service_end(hd, vio4wd_counters_rdtsc());
}

static void *worker_main(void *arg)
{
    struct tworker *w = arg;
    unsigned loops = 0;

    handover_set_running(&w->ho, true);
    /* The relay's order (relay/worker.c): service, then hand over, and
     * stay awake for a while when a direction is announced. */
    unsigned awake = 0;
    while (!__atomic_load_n(&g_stop, __ATOMIC_RELAXED)) {
        for (uint16_t i = 0; i < w->ho.n_dirs; i++) {
            struct handover_dir *hd = w->ho.dirs[i];
            handover_service_begin(&g_h, hd, vio4wd_counters_rdtsc());
            service(tdir_of(hd), w);
            handover_service_end(hd, vio4wd_counters_rdtsc());
        }
        if (handover_pending(&w->ho)) {
            handover_poll(&g_h, &w->ho, serve_before_release, w);
            awake = 0;
            continue;
        }
        if (handover_take_expecting(&w->ho))
            awake = 64;
        if (awake) {
            awake--;
            sched_yield();
        }
        /* Parked: nothing until a handover (or stop) rings. */
        else if (w->ho.n_dirs == 0)
            handover_rest(&w->ho, &g_stop, 0);
        /* Two CPUs for five threads: let the others run now and then, and
         * sometimes as an idle relay worker does, asleep. */
        else if ((++loops & 255) == 0)
            handover_rest(&w->ho, &g_stop, 20000);
        else if ((loops & 15) == 0)
            sched_yield();
    }
    handover_set_running(&w->ho, false);
    return NULL;
}

static void start(void)
{
    handover_init(&g_h);
    g_h.tsc_hz = 1000000000; /* any rate: the test counts pauses */
    g_stop = false;
    g_faults = 0;
    for (unsigned i = 0; i < N_WORKERS; i++) {
        memset(&g_w[i], 0, sizeof(g_w[i]));
        g_w[i].rng = i + 1;
        handover_add_worker(&g_h, &g_w[i].ho, i, 10 + i);
    }
    for (unsigned i = 0; i < N_DIRS; i++) {
        memset(&g_d[i], 0, sizeof(g_d[i]));
        g_d[i].rng = 100 + i;
        g_d[i].expect_owner = HANDOVER_NONE;
        /* Spread over both mask words: 0..5 and 64..69. */
        uint16_t index = (uint16_t)(i < N_DIRS / 2 ? i : 64 + i - N_DIRS / 2);
        handover_add_dir(&g_h, &g_d[i].ho, index, &g_d[i].cnt);
    }
    for (unsigned i = 0; i < N_WORKERS; i++)
        assert_int_equal(pthread_create(&g_w[i].thread, NULL, worker_main, &g_w[i]), 0);
    for (unsigned i = 0; i < N_WORKERS; i++)
        while (!__atomic_load_n(&g_w[i].ho.running, __ATOMIC_ACQUIRE))
            sched_yield();
}

static void stop(void)
{
    __atomic_store_n(&g_stop, true, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < N_WORKERS; i++)
        handover_wake(&g_w[i].ho);
    for (unsigned i = 0; i < N_WORKERS; i++)
        assert_int_equal(pthread_join(g_w[i].thread, NULL), 0);
}

/* Control's checks of one direction once its move completed. */
static void check_settled(struct tdir *d)
{
    int o = handover_owner(&d->ho);
    assert_int_equal(o, handover_target(&d->ho));
    assert_int_equal(o, d->expect_owner);
    assert_int_equal(d->cnt.cpu, o >= 0 ? (int)(10 + o) : -1);
}

/* Control moves d to worker w (or away, w < 0) and books what it expects. */
static void start_move(struct tdir *d, int w)
{
    int before = d->expect_owner;
    if (w < 0) {
        assert_true(handover_unassign(&g_h, &d->ho));
    } else {
        assert_int_equal(handover_move(&g_h, &d->ho, w), 0);
        if (before >= 0 && before != w)
            d->changes++;
    }
    d->expect_owner = w;
}

/* At the end: every item is delivered or held, in order; the counters saw
 * every change of worker. */
static void check_streams(void)
{
    for (unsigned i = 0; i < N_DIRS; i++) {
        struct tdir *d = &g_d[i];
        assert_int_equal(d->inside, 0);
        assert_true(d->delivered + d->n_held == d->received);
        for (unsigned k = 0; k < d->n_held; k++)
            assert_true(d->held[k] == d->delivered + k);
        assert_int_equal(d->cnt.migrations, d->changes);
        /* one pause per migration, but the last may not be serviced yet */
        uint64_t pauses = vio4wd_pause_count(&d->cnt);
        assert_true(pauses == d->changes || pauses + 1 == d->changes);
    }
}

/* Assign, move, move back, unassign, each waited for: the plain cases. */
static void test_steps(void **state)
{
    (void)state;
    start();
    struct tdir *d = &g_d[0];
    /* before d has an owner: the pause starts at a service after this */
    uint64_t t0 = vio4wd_counters_rdtsc();
    handover_assign(&g_h, &d->ho, 1);
    d->expect_owner = 1;
    assert_true(handover_wait(&g_h, &d->ho, 1000000));
    check_settled(d);
    assert_int_equal(d->cnt.migrations, 0); /* first owner: no move */

    start_move(d, 3);
    assert_true(handover_wait(&g_h, &d->ho, 1000000));
    check_settled(d);
    assert_int_equal(d->cnt.migrations, 1);

    start_move(d, 3); /* already there */
    assert_true(handover_wait(&g_h, &d->ho, 1000000));
    assert_int_equal(d->cnt.migrations, 1);

    start_move(d, -1);
    check_settled(d);
    start_move(d, 0); /* after none: a start, not a move */
    assert_true(handover_wait(&g_h, &d->ho, 1000000));
    check_settled(d);
    assert_int_equal(d->cnt.migrations, 1);
    stop();
    assert_int_equal(g_faults, 0);
    check_streams();
    /* Worker 3 serviced it in the loop that adopted it: one pause (read
     * after the join, not racing the worker), shorter than d's whole life;
     * the start after an unassignment is no migration and has none. */
    assert_int_equal(vio4wd_pause_count(&d->cnt), 1);
    assert_true(d->cnt.pause_last_cycles <= vio4wd_counters_rdtsc() - t0);
    assert_true(d->cnt.pause_max_cycles == d->cnt.pause_last_cycles);
}

static unsigned long g_handovers = 1000000;

/* Random moves of random directions, BATCH at a time as core_sched applies
 * a map, with now and then an unassignment. */
static void test_stress(void **state)
{
    unsigned rng = 12345;
    unsigned long done = 0;

    (void)state;
    start();
    for (unsigned i = 0; i < g_active_dirs; i++)
        start_move(&g_d[i], (int)(i % N_WORKERS));
    unsigned batch_size = g_active_dirs < BATCH ? g_active_dirs : BATCH;
    while (done < g_handovers) {
        struct tdir *batch[BATCH];
        unsigned n = 0;
        while (n < batch_size) {
            struct tdir *d = &g_d[next_rand(&rng) % g_active_dirs];
            bool dup = false;
            for (unsigned k = 0; k < n; k++)
                dup |= batch[k] == d;
            if (dup)
                continue;
            batch[n++] = d;
            /* One in 64 moves is an unassignment (a guest leaving). */
            int w = next_rand(&rng) % 64 == 0 ? -1 : (int)(next_rand(&rng) % N_WORKERS);
            start_move(d, w);
        }
        /* every other batch, control waits as on a worker's CPU: it naps
         * from the start instead of spinning first */
        handover_control_shares_cpu(&g_h, (done / batch_size) % 2 == 1);
        for (unsigned k = 0; k < n; k++) {
            assert_true(handover_wait(&g_h, &batch[k]->ho, 5000000));
            check_settled(batch[k]);
        }
        done += n;
    }
    stop();
    assert_int_equal(g_faults, 0);
    check_streams();
    uint64_t moved = 0, items = 0;
    for (unsigned i = 0; i < N_DIRS; i++) {
        moved += g_d[i].cnt.migrations;
        items += g_d[i].received;
    }
    printf("%lu handovers of %u directions, %llu migrations between workers, %llu items, "
           "none lost, duplicated or reordered\n",
           done, g_active_dirs, (unsigned long long)moved, (unsigned long long)items);
}

/* The same with two directions over four workers: most workers are parked
 * most of the time, and every handover to one must wake it (issue 13). */
static void test_stress_parked(void **state)
{
    unsigned long all = g_handovers;
    g_active_dirs = 2;
    g_handovers = all / 10 ? all / 10 : 1;
    test_stress(state);
    for (unsigned i = 0; i < N_WORKERS; i++)
        assert_false(handover_resting(&g_w[i].ho));
    g_handovers = all;
    g_active_dirs = N_DIRS;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        char *end;
        g_handovers = strtoul(argv[1], &end, 10);
        if (*end != '\0' || g_handovers == 0) {
            fprintf(stderr, "usage: %s [HANDOVERS]: a positive number, not '%s'\n", argv[0],
                    argv[1]);
            return 2;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_stress),
        cmocka_unit_test(test_stress_parked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
