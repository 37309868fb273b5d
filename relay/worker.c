/* SPDX-License-Identifier: BSD-3-Clause */
/* worker.c - the hot loop: burst in, burst out, no allocation, no copy, no
 * syscall and no lock per packet.
 *
 * VF->VM: rte_eth_rx_burst on the VF, rte_vhost_enqueue_burst to the guest
 * (which copies into guest buffers; we free the mbufs it took).
 * VM->VF: rte_vhost_dequeue_burst from the guest, rte_eth_tx_burst to the VF
 * (which takes the mbufs it accepts).
 * Packets the destination refuses stay in the direction's leftover slot and
 * are retried first; no new packets are received for that queue meanwhile,
 * so the source sees back-pressure (a guest stalled by the host scheduler
 * loses nothing). When the destination has refused everything for
 * LEFTOVER_DROP_US, the leftovers are dropped and the queue goes "stalled":
 * whatever the destination refuses is then dropped at once and counted as
 * "queue full", until it accepts a packet again. So a dead guest costs
 * counted drops, not a silently overflowing VF ring.
 */
#include "worker.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_vhost.h>

#include "config.h"
#include "counters_writer.h"
#include "idle_backoff.h"
#include "log.h"
#include "meter.h"
#include "test_hooks.h"

struct worker g_workers[VIO4WD_CNT_MAX_WORKERS];
unsigned g_n_workers;
struct handover g_handover;

#define LEFTOVER_DROP_US 20000 /* refused this long: drop as queue full */
/* How long a worker told that a direction is coming stays awake for it.
 * The old owner lets go within one loop if it is busy, or one wake-up
 * (tens of microseconds) if it rests. Bounded, so that a move that never
 * comes costs a shared CPU little. */
#define EXPECT_AWAKE_US  200
#define VIRTIO_RXQ_OF(q) ((uint16_t)((q)*2))     /* guest's receive ring */
#define VIRTIO_TXQ_OF(q) ((uint16_t)((q)*2 + 1)) /* guest's transmit ring */

/* The rate-limit meter is compiled in unless a build (the meter-cost
 * benchmark's reference relay) says otherwise. */
#ifndef VIO4WD_METER
#define VIO4WD_METER 1
#endif

static uint64_t g_drop_tsc;
static uint64_t g_expect_cycles;

/* VIRTIOFWD_WORKER_SLEEP_MAX_US (idle_backoff.h); set before the launch. */
static unsigned g_sleep_max_us = VIO4WD_WORKER_SLEEP_MAX_US_DEFAULT;

/* VIO4WD_TEST_NS_PER_PACKET (test_hooks.h) in TSC cycles. Unset, it costs
 * one predictable branch per burst that moved packets, and nothing on an
 * idle poll. */
static uint64_t g_test_cycles_per_pkt;

/* Spins until the TSC passes 'end'; returns the TSC then. */
static uint64_t __rte_noinline spin_until(uint64_t end)
{
    uint64_t t;
    while ((t = rte_rdtsc()) < end)
        rte_pause();
    return t;
}

/* What one service of a direction changed; committed to the counters in one
 * seqcount write. Each queue receives at most one burst per service, so the
 * per-queue part is that burst, valid for the queues in qmask only: the
 * arrays are not cleared per service (DIR_DELTA_CLEAR), which keeps an idle
 * poll as cheap as before. */
struct dir_delta {
    uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
    uint64_t full_pkts, full_bytes, nc_pkts, nc_bytes;
    uint64_t rl_pkts, rl_bytes;
    uint64_t rx_bursts, rx_full_bursts;
    uint32_t qmask; /* queues that received a burst */
    uint16_t q_pkts[RELAY_MAX_QUEUES];
    uint64_t q_bytes[RELAY_MAX_QUEUES];
};
_Static_assert(RELAY_MAX_QUEUES <= 32, "qmask has a bit per queue");
#define DIR_DELTA_CLEAR(dd) memset((dd), 0, offsetof(struct dir_delta, q_pkts))

static inline uint64_t bytes_of(struct rte_mbuf **pkts, uint16_t n)
{
    uint64_t b = 0;
    for (uint16_t i = 0; i < n; i++)
        b += rte_pktmbuf_pkt_len(pkts[i]);
    return b;
}

/* A receive burst of n packets on queue q: counts it, returns its bytes. */
static inline uint64_t count_received(struct dir_delta *dd, uint16_t q, struct rte_mbuf **pkts,
                                      uint16_t n)
{
    uint64_t bytes = bytes_of(pkts, n);
    dd->qmask |= 1u << q;
    dd->q_pkts[q] = n;
    dd->q_bytes[q] = bytes;
    dd->rx_pkts += n;
    dd->rx_bursts++;
    dd->rx_full_bursts += (n == RELAY_BURST);
    dd->rx_bytes += bytes;
    return bytes;
}

static inline void drop(struct rte_mbuf **pkts, uint16_t n, uint64_t *pk, uint64_t *by)
{
    if (!n)
        return;
    *pk += n;
    *by += bytes_of(pkts, n);
    rte_pktmbuf_free_bulk(pkts, n);
}

/* Offers the leftovers to the destination. Returns true when none remain. */
static inline bool flush_leftover(struct relay_leftover *lo, struct relay *r, uint8_t dir, int vid,
                                  bool vf_ready, uint16_t q, uint64_t now, struct dir_delta *dd)
{
    struct rte_mbuf **p = &lo->pkts[lo->off];
    uint16_t sent;

    if (dir == VIO4WD_DIR_VF_TO_VM) {
        if (vid < 0) {
            drop(p, lo->n, &dd->nc_pkts, &dd->nc_bytes);
            lo->n = 0;
            return true;
        }
        sent = rte_vhost_enqueue_burst(vid, VIRTIO_RXQ_OF(q), p, lo->n);
        if (sent) {
            dd->tx_pkts += sent;
            dd->tx_bytes += bytes_of(p, sent);
            rte_pktmbuf_free_bulk(p, sent);
        }
    } else {
        if (!vf_ready) {
            drop(p, lo->n, &dd->nc_pkts, &dd->nc_bytes);
            lo->n = 0;
            return true;
        }
        sent = rte_eth_tx_burst(r->vf_port, q, p, lo->n);
        if (sent) {
            dd->tx_pkts += sent;
            dd->tx_bytes += bytes_of(p, sent);
        }
    }
    lo->n -= sent;
    lo->off += sent;
    if (sent)
        lo->stalled = false;
    if (!lo->n)
        return true;
    if (sent)
        lo->since_tsc = now;
    else if (now - lo->since_tsc > g_drop_tsc) {
        drop(&lo->pkts[lo->off], lo->n, &dd->full_pkts, &dd->full_bytes);
        lo->n = 0;
        lo->stalled = true;
        return true;
    }
    return false;
}

/* Keeps what the destination refused, or drops it while the queue is
 * stalled. 'from' > 0 means it accepted some: no longer stalled. */
static inline void keep_leftover(struct relay_leftover *lo, struct rte_mbuf **pkts, uint16_t from,
                                 uint16_t n, uint64_t now, struct dir_delta *dd)
{
    if (from)
        lo->stalled = false;
    else if (lo->stalled) {
        drop(&pkts[from], (uint16_t)(n - from), &dd->full_pkts, &dd->full_bytes);
        return;
    }
    for (uint16_t i = from; i < n; i++)
        lo->pkts[i - from] = pkts[i];
    lo->n = (uint16_t)(n - from);
    lo->off = 0;
    lo->since_tsc = now;
}

/* A burst over the direction's rate limit loses its excess here; returns
 * the packets left (bytes updated). Without the meter compiled in, all. */
static inline uint16_t police(struct relay_meter *mt, struct rte_mbuf **pkts, uint16_t n,
                              uint64_t now, struct dir_delta *dd, uint64_t *bytes)
{
#if VIO4WD_METER
    if (unlikely(mt != NULL))
        return meter_police(mt, pkts, n, now, &dd->rl_pkts, &dd->rl_bytes, bytes);
#else
    (void)mt, (void)pkts, (void)now, (void)dd, (void)bytes;
#endif
    return n;
}

/* The destination is not there: the burst is dropped and counted so. */
static inline void drop_not_connected(struct dir_delta *dd, struct rte_mbuf **pkts, uint16_t n,
                                      uint64_t bytes)
{
    dd->nc_pkts += n;
    dd->nc_bytes += bytes;
    rte_pktmbuf_free_bulk(pkts, n);
}

static inline void service_vf_to_vm(struct relay_dir *d, struct relay *r, uint16_t q, int vid,
                                    struct relay_meter *mt, uint64_t now, struct dir_delta *dd)
{
    struct relay_leftover *lo = &d->left[q];
    struct rte_mbuf *pkts[RELAY_BURST];
    uint16_t n, sent;

    if (lo->n && !flush_leftover(lo, r, d->dir, vid, true, q, now, dd))
        return;
    n = rte_eth_rx_burst(r->vf_port, q, pkts, RELAY_BURST);
    if (!n)
        return;
    uint64_t bytes = count_received(dd, q, pkts, n);
    if (!(n = police(mt, pkts, n, now, dd, &bytes)))
        return;
    if (vid < 0) {
        drop_not_connected(dd, pkts, n, bytes);
        return;
    }
    sent = rte_vhost_enqueue_burst(vid, VIRTIO_RXQ_OF(q), pkts, n);
    if (sent == n) {
        dd->tx_pkts += n;
        dd->tx_bytes += bytes;
        rte_pktmbuf_free_bulk(pkts, n);
        lo->stalled = false;
        return;
    }
    dd->tx_pkts += sent;
    dd->tx_bytes += bytes_of(pkts, sent);
    rte_pktmbuf_free_bulk(pkts, sent);
    keep_leftover(lo, pkts, sent, n, now, dd);
}

static inline void service_vm_to_vf(struct relay_dir *d, struct relay *r, uint16_t q, int vid,
                                    bool vf_ready, struct relay_meter *mt, uint64_t now,
                                    struct dir_delta *dd)
{
    struct relay_leftover *lo = &d->left[q];
    struct rte_mbuf *pkts[RELAY_BURST];
    uint16_t n, sent;

    if (lo->n && !flush_leftover(lo, r, d->dir, vid, vf_ready, q, now, dd))
        return;
    if (vid < 0)
        return;
    n = rte_vhost_dequeue_burst(vid, VIRTIO_TXQ_OF(q), r->pool, pkts, RELAY_BURST);
    if (!n)
        return;
    uint64_t bytes = count_received(dd, q, pkts, n);
    if (!(n = police(mt, pkts, n, now, dd, &bytes)))
        return;
    if (!vf_ready) {
        drop_not_connected(dd, pkts, n, bytes);
        return;
    }
    sent = rte_eth_tx_burst(r->vf_port, q, pkts, n);
    if (sent == n) {
        dd->tx_pkts += n;
        dd->tx_bytes += bytes;
        lo->stalled = false;
        return;
    }
    dd->tx_pkts += sent;
    dd->tx_bytes += bytes_of(pkts, sent);
    keep_leftover(lo, pkts, sent, n, now, dd);
}

static inline void commit(struct relay_dir *d, const struct dir_delta *dd,
                          const struct relay_meter *mt, uint64_t busy, uint64_t now)
{
    struct vio4wd_cnt_dir *c = d->ho.cnt;

    vio4wd_counters_write_begin(&c->seq);
    c->rx_pkts += dd->rx_pkts;
    c->rx_bytes += dd->rx_bytes;
    c->tx_pkts += dd->tx_pkts;
    c->tx_bytes += dd->tx_bytes;
    c->drop_full_pkts += dd->full_pkts;
    c->drop_full_bytes += dd->full_bytes;
    c->drop_nc_pkts += dd->nc_pkts;
    c->drop_nc_bytes += dd->nc_bytes;
    c->rx_bursts += dd->rx_bursts;
    c->rx_full_bursts += dd->rx_full_bursts;
    c->drop_rl_pkts += dd->rl_pkts;
    c->drop_rl_bytes += dd->rl_bytes;
    c->rate_limit_Bps = mt ? mt->rate.bytes_per_s : 0;
    c->rate_burst_bytes = mt ? mt->rate.burst_bytes : 0;
    c->busy_cycles += busy;
    c->update_tsc = now;
    for (uint32_t m = dd->qmask; m; m &= m - 1) {
        unsigned q = (unsigned)__builtin_ctz(m);
        d->qcnt->q[q].rx_pkts += dd->q_pkts[q];
        d->qcnt->q[q].rx_bytes += dd->q_bytes[q];
    }
    vio4wd_counters_write_end(&c->seq);
    d->published_meter = mt;
}

/* Services one direction on all its queues. Returns true when it moved or
 * dropped packets; raises *most to the packets it received. */
static inline bool service(struct relay_dir *d, uint64_t now, uint64_t *t_end, unsigned *most)
{
    struct relay *r = d->relay;
    struct dir_delta dd;
    int vid = __atomic_load_n(&r->vid, __ATOMIC_ACQUIRE);
    bool vf_ready = __atomic_load_n(&r->vf_ready, __ATOMIC_ACQUIRE);
    uint16_t nq = __atomic_load_n(&r->n_queues, __ATOMIC_ACQUIRE);
#if VIO4WD_METER
    struct relay_meter *mt = __atomic_load_n(&d->meter, __ATOMIC_ACQUIRE);
#else
    struct relay_meter *mt = NULL;
#endif

    DIR_DELTA_CLEAR(&dd);
    if (d->dir == VIO4WD_DIR_VF_TO_VM) {
        if (!vf_ready) {
            /* the VF is gone: nothing to receive; leftovers came from it */
            for (uint16_t q = 0; q < RELAY_MAX_QUEUES; q++)
                if (d->left[q].n) {
                    drop(&d->left[q].pkts[d->left[q].off], d->left[q].n, &dd.nc_pkts, &dd.nc_bytes);
                    d->left[q].n = 0;
                }
        } else {
            for (uint16_t q = 0; q < nq; q++)
                service_vf_to_vm(d, r, q, vid, mt, now, &dd);
        }
    } else {
        for (uint16_t q = 0; q < nq; q++)
            service_vm_to_vf(d, r, q, vid, vf_ready, mt, now, &dd);
    }
    uint64_t t = rte_rdtsc();
    bool moved = dd.rx_pkts | dd.tx_pkts | dd.nc_pkts | dd.full_pkts;
    if (dd.rx_pkts > *most)
        *most = (unsigned)dd.rx_pkts;
    if (likely(!moved)) {
        *t_end = t;
        /* A new limit shows in the counters even while nothing flows. */
        if (unlikely(mt != d->published_meter))
            commit(d, &dd, mt, 0, t);
        return false;
    }
    if (unlikely(g_test_cycles_per_pkt != 0))
        t = spin_until(t + dd.rx_pkts * g_test_cycles_per_pkt);
    *t_end = t;
    commit(d, &dd, mt, t - now, t);
    return true;
}

/* What a worker counted since it last published. */
struct worker_acc {
    uint64_t busy, idle, slept, loops;
};

/* Adds 'a' to the worker's counters (and clears it); 'parked' says whether
 * the worker is about to block with no direction. */
static void worker_publish(struct worker *w, struct worker_acc *a, bool parked, uint64_t now)
{
    struct vio4wd_cnt_worker *c = w->cnt;

    vio4wd_counters_write_begin(&c->seq);
    c->busy_cycles += a->busy;
    c->idle_cycles += a->idle;
    c->sleep_cycles += a->slept;
    c->loops += a->loops;
    c->n_dirs = w->ho.n_dirs;
    c->parks += parked && !c->parked;
    c->parked = parked;
    c->update_tsc = now;
    vio4wd_counters_write_end(&c->seq);
    memset(a, 0, sizeof(*a));
}

/* Rests until a handover or stop, or timeout_ns (0: none); the time from
 * 't' is idle and asleep. Returns the TSC after. */
static uint64_t worker_rest(struct worker *w, uint64_t timeout_ns, uint64_t t, struct worker_acc *a)
{
    handover_rest(&w->ho, &w->stop, timeout_ns);
    uint64_t t2 = rte_rdtsc();
    a->idle += t2 - t;
    a->slept += t2 - t;
    return t2;
}

/* At stop: give leftovers a last chance (about 1 ms), then free them. */
static void drain(struct worker *w)
{
    uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() / 1000;
    bool pending = true;

    while (pending && rte_rdtsc() < deadline) {
        pending = false;
        for (uint16_t i = 0; i < w->ho.n_dirs; i++) {
            struct relay_dir *d = relay_dir_of(w->ho.dirs[i]);
            struct relay *r = d->relay;
            int vid = __atomic_load_n(&r->vid, __ATOMIC_ACQUIRE);
            bool vf_ready = __atomic_load_n(&r->vf_ready, __ATOMIC_ACQUIRE);
            struct dir_delta dd = {0};
            uint64_t now = rte_rdtsc();
            for (uint16_t q = 0; q < RELAY_MAX_QUEUES; q++) {
                struct relay_leftover *lo = &d->left[q];
                if (!lo->n)
                    continue;
                if (d->dir == VIO4WD_DIR_VF_TO_VM && !vf_ready) {
                    drop(&lo->pkts[lo->off], lo->n, &dd.nc_pkts, &dd.nc_bytes);
                    lo->n = 0;
                } else if (!flush_leftover(lo, r, d->dir, vid, vf_ready, q, now, &dd))
                    pending = true;
            }
            commit(d, &dd, __atomic_load_n(&d->meter, __ATOMIC_ACQUIRE), 0, now);
        }
    }
    for (uint16_t i = 0; i < w->ho.n_dirs; i++) {
        struct relay_dir *d = relay_dir_of(w->ho.dirs[i]);
        struct dir_delta dd = {0};
        for (uint16_t q = 0; q < RELAY_MAX_QUEUES; q++) {
            struct relay_leftover *lo = &d->left[q];
            drop(&lo->pkts[lo->off], lo->n, &dd.full_pkts, &dd.full_bytes);
            lo->n = 0;
        }
        commit(d, &dd, __atomic_load_n(&d->meter, __ATOMIC_ACQUIRE), 0, rte_rdtsc());
    }
}

/* One loop's clock and activity, shared with serve_before_release(). */
struct loop_pass {
    uint64_t t;    /* TSC at the end of the latest service */
    unsigned most; /* largest burst received */
    bool moved;    /* any packet moved */
};

/* handover_last_service_fn: the direction leaves us; serve it once more. */
static void serve_before_release(struct handover_dir *hd, void *arg)
{
    struct loop_pass *p = arg;

    p->moved |= service(relay_dir_of(hd), p->t, &p->t, &p->most);
    handover_service_end(hd, p->t);
}

int worker_main(void *arg)
{
    struct worker *w = arg;
    struct worker_acc acc = {0};
    struct idle_backoff bo;
    uint64_t t0 = rte_rdtsc();
    uint64_t expect_until = 0; /* stay awake until then: a direction is coming */

    idle_backoff_init(&bo, g_sleep_max_us);
    /* Short back-off sleeps must be short: no 50 us default timer slack. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    handover_set_running(&w->ho, true);
    log_info("worker %u running on lcore %u (CPU %u, node %d)", w->ho.index, w->lcore_id, w->ho.cpu,
             w->numa_node);

    while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
        struct loop_pass pass = {.t = t0};

        for (uint16_t i = 0; i < w->ho.n_dirs; i++) {
            struct handover_dir *hd = w->ho.dirs[i];
            handover_service_begin(&g_handover, hd, pass.t); /* ends a migration's pause */
            pass.moved |= service(relay_dir_of(hd), pass.t, &pass.t, &pass.most);
            handover_service_end(hd, pass.t);
        }
        /* Hand over after servicing, not before, and serve a leaving
         * direction once more as it goes (serve_before_release): what
         * arrived while we slept or were descheduled goes out now, the
         * new owner starts from an empty ring, and the pause counts only
         * the handover. */
        bool handed = false;
        if (unlikely(handover_pending(&w->ho))) {
            pass.t = rte_rdtsc();
            handover_poll(&g_handover, &w->ho, serve_before_release, &pass);
            handed = true;
            /* an adopted direction's pause ends at its next service: time
             * it from now, not from before the old owner let go */
            pass.t = rte_rdtsc();
        }
        bool moved = pass.moved;
        unsigned most = pass.most;
        uint64_t t = pass.t;
        __atomic_store_n(&w->quiescent, w->quiescent + 1, __ATOMIC_RELEASE);

        acc.loops++;
        if (moved)
            acc.busy += t - t0;
        else
            acc.idle += t - t0;
        unsigned sleep_us = idle_backoff_after_poll(&bo, most);
        if (unlikely(handover_take_expecting(&w->ho)))
            expect_until = rte_rdtsc() + g_expect_cycles;
        /* a fresh clock: 't' stands still in a loop with no direction */
        if (handed || (expect_until && rte_rdtsc() >= expect_until))
            expect_until = 0;
        bool awake = handed || expect_until;
        if (awake)
            sleep_us = 0; /* serve what was (or is about to be) adopted at once */
        if (unlikely(idle_backoff_parks(&bo, w->ho.n_dirs)) && !awake &&
            !handover_pending(&w->ho)) {
            /* Nothing to service: block until a handover brings work. */
            worker_publish(w, &acc, true, t);
            t = worker_rest(w, 0, t, &acc);
            worker_publish(w, &acc, false, t);
        } else if (sleep_us) {
            t = worker_rest(w, (uint64_t)sleep_us * 1000u, t, &acc);
        }
        /* Publish per-worker counters every 64 loops, or at once when busy
         * (cheap: one cache line this worker owns). */
        if (moved || (acc.loops & 63) == 0)
            worker_publish(w, &acc, false, t);
        t0 = t;
    }
    drain(w);
    worker_publish(w, &acc, false, rte_rdtsc());
    handover_set_running(&w->ho, false);
    __atomic_fetch_add(&w->quiescent, 1, __ATOMIC_RELEASE);
    log_info("worker %u stopped", w->ho.index);
    return 0;
}

int workers_init(const unsigned *cpus, const unsigned *lcores, unsigned n)
{
    if (n == 0 || n > VIO4WD_CNT_MAX_WORKERS)
        return -1;
    g_drop_tsc = rte_get_tsc_hz() / 1000000 * LEFTOVER_DROP_US;
    g_expect_cycles = rte_get_tsc_hz() / 1000000 * EXPECT_AWAKE_US;
    g_test_cycles_per_pkt = (uint64_t)test_hooks()->ns_per_packet * rte_get_tsc_hz() / 1000000000u;
    g_n_workers = n;
    g_handover.tsc_hz = rte_get_tsc_hz();
    for (unsigned i = 0; i < n; i++) {
        struct worker *w = &g_workers[i];
        handover_add_worker(&g_handover, &w->ho, i, cpus[i]);
        w->lcore_id = lcores[i];
        w->numa_node = (int)rte_lcore_to_socket_id(lcores[i]);
        w->cnt = vio4wd_counters_worker(i);
        w->cnt->cpu = cpus[i];
        w->cnt->numa_node = w->numa_node;
    }
    vio4wd_counters_own_header()->n_workers = n;
    return 0;
}

void workers_set_sleep_max(unsigned us)
{
    g_sleep_max_us = us;
}

int workers_launch(void)
{
    for (unsigned i = 0; i < g_n_workers; i++) {
        int rc = rte_eal_remote_launch(worker_main, &g_workers[i], g_workers[i].lcore_id);
        if (rc != 0) {
            log_err("cannot launch worker on lcore %u: %s", g_workers[i].lcore_id,
                    rte_strerror(-rc));
            return -1;
        }
    }
    /* Wait until all run, so quiesce and handover see them. */
    for (unsigned i = 0; i < g_n_workers; i++)
        while (!__atomic_load_n(&g_workers[i].ho.running, __ATOMIC_ACQUIRE) &&
               rte_eal_get_lcore_state(g_workers[i].lcore_id) != WAIT)
            rte_delay_us_sleep(100);
    return 0;
}

void workers_stop(void)
{
    for (unsigned i = 0; i < g_n_workers; i++) {
        __atomic_store_n(&g_workers[i].stop, true, __ATOMIC_RELEASE);
        handover_wake(&g_workers[i].ho); /* a parked worker blocks */
    }
    for (unsigned i = 0; i < g_n_workers; i++)
        rte_eal_wait_lcore(g_workers[i].lcore_id);
}

int worker_of_cpu(int cpu)
{
    for (unsigned i = 0; i < g_n_workers; i++)
        if ((int)g_workers[i].ho.cpu == cpu)
            return (int)i;
    return -1;
}

void workers_quiesce(void)
{
    uint64_t seen[VIO4WD_CNT_MAX_WORKERS];
    uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz() / 2;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < g_n_workers; i++)
        seen[i] = __atomic_load_n(&g_workers[i].quiescent, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < g_n_workers; i++) {
        struct worker *w = &g_workers[i];
        /* A resting worker (asleep or parked) holds nothing it read
         * before our fence: it counts as having passed (handover.h). */
        while (__atomic_load_n(&w->ho.running, __ATOMIC_ACQUIRE) &&
               __atomic_load_n(&w->quiescent, __ATOMIC_ACQUIRE) == seen[i] &&
               !handover_resting(&w->ho)) {
            if (rte_rdtsc() > deadline) {
                log_err("worker %u did not pass a quiescent point within 500 ms", i);
                break;
            }
            /* sleep, not spin: the worker may share our CPU */
            rte_delay_us_sleep(2);
        }
    }
}
