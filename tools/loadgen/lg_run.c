/* SPDX-License-Identifier: BSD-3-Clause */
/* The traffic loop of vio4wd-loadgen.
 *
 * Each relay (its guest port and its VF-side port) belongs to one lcore, so
 * a stream's sender and receiver are the same thread: counters need no
 * atomics, and a received sequence number can be checked against what was
 * really sent.  A relay with several queue pairs keeps order only within a
 * queue, so each queue of a stream has its own sequence numbers; bursts go
 * to the queues in turn.  Rate control follows the profile's integral: at
 * time t the stream may have sent count(t) packets; it sends what is due in
 * bursts and sleeps when it is ahead, so low rates cost little CPU on a
 * small machine. */
#include "lg_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "lg_fence.h"
#include "lg_pkt.h"

#define LG_MAX_BURST 512
/* Do not wake for less than this: shorter sleeps cost more than spinning. */
#define LG_MIN_SLEEP_S 30e-6
/* Never sleep longer than this, so rx rings do not fill up while we nap. */
#define LG_MAX_SLEEP_S 1e-3
/* Gather about this much traffic per burst at low rates, instead of one
 * packet per wake-up. */
#define LG_BATCH_S 50e-6
/* A stream that falls behind by more than this (the generator was not
 * scheduled, or the port refused packets) stops trying to catch up:
 * the excess is counted as missed. */
#define LG_BACKLOG_S 20e-3

struct lg_lcore_ctx {
    struct lg_run *run;
    int is_main;
    unsigned nrel;
    struct lg_relay_rt *rel[LG_MAX_RELAYS];
    uint64_t next_link_tsc;
    /* progress line, main lcore only */
    uint64_t next_progress_tsc;
    uint64_t prev_tx[LG_MAX_RELAYS], prev_rx[LG_MAX_RELAYS];
    double prev_t;
};

static struct lg_lcore_ctx lcore_ctx[RTE_MAX_LCORE];

static inline double tsc_to_s(const struct lg_run *run, uint64_t dt)
{
    return (double)dt / (double)run->hz;
}

int lg_run_prepare(struct lg_run *run)
{
    const struct lg_config *cfg = run->cfg;

    run->hz = rte_get_tsc_hz();
    for (unsigned i = 0; i < cfg->nrelays; i++) {
        struct lg_relay_rt *r = &run->relay[i];

        r->st = &run->stats[i];
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            struct lg_stream_rt *s = &r->s[d];
            struct lg_stream_stats *ss = &r->st->dir[d];
            uint8_t *p;
            unsigned k;

            ss->nq = r->cfg->queues;
            for (k = 0; k < ss->nq; k++)
                if (lg_seq_init(&ss->q[k].seq, cfg->window_bits) < 0)
                    return -1;
            ss->lat_min_us = INFINITY;
            s->next_q = 0;
            s->enabled = r->cfg->enabled[d];
            s->prof = &r->cfg->prof[d];
            s->tx_port = d == VIO4WD_DIR_VM_TO_VF ? r->guest_port : r->vf_port;
            s->size = (uint16_t)r->cfg->size;
            s->tmpl = calloc(1, s->size);
            if (s->tmpl == NULL)
                return -1;
            p = s->tmpl;
            /* Locally administered unicast MACs that say who sent it:
             * 02:76:34:<dir>:00:<relay>, to 02:76:34:<dir>:ff:<relay>. */
            p[0] = 0x02;
            p[1] = 0x76;
            p[2] = 0x34;
            p[3] = (uint8_t)d;
            p[4] = 0xff;
            p[5] = (uint8_t)r->cfg->id;
            p[6] = 0x02;
            p[7] = 0x76;
            p[8] = 0x34;
            p[9] = (uint8_t)d;
            p[10] = 0x00;
            p[11] = (uint8_t)r->cfg->id;
            p[12] = LG_ETHERTYPE >> 8;
            p[13] = LG_ETHERTYPE & 0xff;
        }
    }
    return 0;
}

void lg_run_free(struct lg_run *run)
{
    for (unsigned i = 0; i < run->cfg->nrelays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            free(run->relay[i].s[d].tmpl);
            run->relay[i].s[d].tmpl = NULL;
            for (unsigned k = 0; k < LG_MAX_QUEUES; k++)
                lg_seq_free(&run->stats[i].dir[d].q[k].seq);
        }
}

/* Receive one burst from a queue of port; the packets on it should be of
 * direction `expect` of relay r.  Each is accounted in the stream of the
 * queue it was sent on, which its stamp says. */
static unsigned relay_rx(struct lg_run *run, struct lg_relay_rt *r, uint16_t port, uint16_t queue,
                         int expect, int draining)
{
    struct rte_mbuf *pkts[LG_MAX_BURST];
    struct lg_stream_stats *ss = &r->st->dir[expect];
    uint64_t now;
    uint16_t nb;

    nb = lg_fenced_rx(port, queue, pkts, (uint16_t)run->cfg->burst);
    if (nb == 0)
        return 0;
    now = rte_rdtsc();
    for (uint16_t i = 0; i < nb; i++) {
        const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
        struct lg_queue_stats *qs;
        struct lg_stamp stamp;
        double lat;

        if (pkts[i]->data_len < LG_HDR_LEN || p[12] != (LG_ETHERTYPE >> 8) ||
            p[13] != (LG_ETHERTYPE & 0xff)) {
            r->st->invalid++;
            continue;
        }
        memcpy(&stamp, p + LG_STAMP_OFF, sizeof(stamp));
        if (stamp.magic != LG_MAGIC || stamp.version != LG_STAMP_VERSION) {
            r->st->invalid++;
            continue;
        }
        if (stamp.relay != r->cfg->id || stamp.queue >= ss->nq) {
            r->st->misrouted++;
            continue;
        }
        if (stamp.dir == (expect | LG_DIR_PROBE)) {
            r->probe_back[expect] |= UINT64_C(1) << stamp.queue;
            ss->probes_back++;
            continue;
        }
        if (stamp.dir != expect) {
            r->st->misrouted++;
            continue;
        }
        /* Sender and receiver share this thread, so "sent" is exact. */
        qs = &ss->q[stamp.queue];
        if (stamp.seq >= qs->sent) {
            ss->bogus++;
            continue;
        }
        lg_seq_record(&qs->seq, stamp.seq);
        if (draining)
            ss->late++;
        lat = tsc_to_s(run, now - stamp.tsc) * 1e6;
        ss->lat_n++;
        ss->lat_sum_us += lat;
        if (lat < ss->lat_min_us)
            ss->lat_min_us = lat;
        if (lat > ss->lat_max_us)
            ss->lat_max_us = lat;
        lg_lat_record(&ss->lat, (uint64_t)(lat * 1e3));
    }
    rte_pktmbuf_free_bulk(pkts, nb);
    return nb;
}

/* Empty (up to a bound) one queue of port. */
static unsigned queue_rx(struct lg_run *run, struct lg_relay_rt *r, uint16_t port, uint16_t queue,
                         int expect, int draining)
{
    unsigned total = 0, n, i;

    for (i = 0; i < 8; i++) {
        n = relay_rx(run, r, port, queue, expect, draining);
        total += n;
        if (n < run->cfg->burst)
            break;
    }
    return total;
}

/* Receive on every queue of both ports of a relay.  Receiving comes before
 * sending and empties the rings (up to a bound): the generator must never
 * be the reason a relay drops packets towards it, while its own sending
 * simply slows down when it is short of CPU. */
/* True while the receiving side of direction d plays dead (t: seconds of
 * traffic; negative when not sending any more: never stalled). */
static int stalled(const struct lg_relay_rt *r, int d, double t)
{
    return t >= r->cfg->stall_from[d] && t < r->cfg->stall_to[d];
}

static unsigned relay_rx_all(struct lg_run *run, struct lg_relay_rt *r, int draining, double t)
{
    unsigned total = 0;

    for (uint16_t q = 0; q < r->cfg->queues; q++) {
        if (!stalled(r, VIO4WD_DIR_VF_TO_VM, t))
            total += queue_rx(run, r, r->guest_port, q, VIO4WD_DIR_VF_TO_VM, draining);
        if (!stalled(r, VIO4WD_DIR_VM_TO_VF, t))
            total += queue_rx(run, r, r->vf_port, q, VIO4WD_DIR_VM_TO_VF, draining);
    }
    return total;
}

/* Send what is due on one stream at time t.  *wait_s is lowered to the time
 * until this stream next has a batch due. */
static unsigned stream_tx(struct lg_run *run, struct lg_relay_rt *r, int d, double t, uint64_t now,
                          double *wait_s)
{
    struct lg_stream_rt *s = &r->s[d];
    struct lg_stream_stats *ss = &r->st->dir[d];
    struct lg_queue_stats *qs;
    struct rte_mbuf *pkts[LG_MAX_BURST];
    uint16_t queue;
    double rate = lg_profile_rate(s->prof, t);
    double want = lg_profile_count(s->prof, t) - s->forgiven;
    double due = floor(want) - (double)ss->sent;
    double batch, backlog;
    unsigned burst = run->cfg->burst, n, k, i;

    batch = rate * LG_BATCH_S;
    if (batch > burst)
        batch = burst;
    if (batch < 1)
        batch = 1;

    if (due < batch) {
        double w;

        if (rate > 0)
            w = (batch - due) / rate;
        else
            w = LG_MAX_SLEEP_S; /* paused: look again soon */
        if (w < *wait_s)
            *wait_s = w;
        return 0;
    }

    backlog = rate * LG_BACKLOG_S;
    if (backlog < 4.0 * burst)
        backlog = 4.0 * burst;
    if (due > backlog) {
        double excess = floor(due - backlog);

        s->forgiven += excess;
        ss->missed += (uint64_t)excess;
        due -= excess;
    }

    n = due < burst ? (unsigned)due : burst;
    if (rte_pktmbuf_alloc_bulk(r->pool, pkts, n) != 0) {
        *wait_s = 0; /* try again at once, mbufs come back */
        return 0;
    }
    /* Whole bursts go to the queues in turn: the spread is even over any
     * stretch of time, and each queue's packets stay in sequence. */
    queue = s->next_q;
    s->next_q = (uint16_t)((queue + 1) % ss->nq);
    qs = &ss->q[queue];
    for (i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
        struct lg_stamp stamp = {
            .magic = LG_MAGIC,
            .relay = (uint8_t)r->cfg->id,
            .queue = (uint8_t)queue,
            .dir = (uint8_t)d,
            .version = LG_STAMP_VERSION,
            .seq = qs->sent + i,
            .tsc = now,
        };

        rte_memcpy(p, s->tmpl, s->size);
        memcpy(p + LG_STAMP_OFF, &stamp, sizeof(stamp));
        m->data_len = s->size;
        m->pkt_len = s->size;
    }
    k = lg_fenced_tx(s->tx_port, queue, pkts, (uint16_t)n);
    if (k < n) {
        /* Refused packets keep their sequence numbers for the next try. */
        rte_pktmbuf_free_bulk(pkts + k, n - k);
        ss->tx_full += n - k;
    }
    qs->sent += k;
    ss->sent += k;
    /* Behind schedule (more is due, or the port was full): no nap.  A nap
     * on a busy machine can cost a whole time slice, and a relay under test
     * drains its rings in microseconds. */
    if (k < n || due - k >= batch)
        *wait_s = 0;
    return k;
}

static void nap(double s);

static void probe_tx(struct lg_relay_rt *r, int d, uint16_t queue)
{
    struct lg_stream_rt *s = &r->s[d];
    struct rte_mbuf *m = rte_pktmbuf_alloc(r->pool);
    struct lg_stamp stamp = {
        .magic = LG_MAGIC,
        .relay = (uint8_t)r->cfg->id,
        .queue = (uint8_t)queue,
        .dir = (uint8_t)(d | LG_DIR_PROBE),
        .version = LG_STAMP_VERSION,
        .seq = r->probe_seq++,
        .tsc = rte_rdtsc(),
    };
    uint8_t *p;

    if (m == NULL)
        return;
    p = rte_pktmbuf_mtod(m, uint8_t *);
    rte_memcpy(p, s->tmpl, s->size);
    memcpy(p + LG_STAMP_OFF, &stamp, sizeof(stamp));
    m->data_len = s->size;
    m->pkt_len = s->size;
    if (lg_fenced_tx(s->tx_port, queue, &m, 1) != 1)
        rte_pktmbuf_free(m);
    else
        r->st->dir[d].probes_sent++;
}

/* The queues of stream d of relay r that no probe has come back on yet. */
static uint64_t probes_missing(const struct lg_relay_rt *r, int d)
{
    uint64_t all = (UINT64_C(1) << r->cfg->queues) - 1;

    return r->s[d].enabled ? all & ~r->probe_back[d] : 0;
}

/* Say which paths never answered, naming the queues when there are several
 * (a relay that did not take up all of the guest's queues). */
static void probes_report(const struct lg_run *run)
{
    for (unsigned i = 0; i < run->cfg->nrelays; i++) {
        const struct lg_relay_rt *r = &run->relay[i];

        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            uint64_t missing = probes_missing(r, d);
            char list[160] = "";
            size_t off = 0;

            if (missing == 0)
                continue;
            for (unsigned q = 0; q < r->cfg->queues && r->cfg->queues > 1; q++)
                if ((missing >> q) & 1 && off < sizeof(list))
                    off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%u",
                                            off ? "," : " on queue ", q);
            fprintf(stderr,
                    "vio4wd-loadgen: relay %u: no %s probe came back%s: "
                    "the relay does not forward that direction%s\n",
                    r->cfg->id, vio4wd_dir_name(d), list,
                    r->cfg->queues > 1 ? " on every queue" : "");
        }
    }
}

int lg_run_probe(struct lg_run *run, uint64_t deadline_tsc)
{
    const struct lg_config *cfg = run->cfg;
    uint64_t next_tx = 0, now, settle_end = 0;

    for (;;) {
        int waiting = 0;

        now = rte_rdtsc();
        for (unsigned i = 0; i < cfg->nrelays; i++) {
            struct lg_relay_rt *r = &run->relay[i];

            relay_rx_all(run, r, 0, -1.0);
            for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
                uint64_t missing = probes_missing(r, d);

                if (missing == 0)
                    continue;
                waiting = 1;
                for (uint16_t q = 0; q < r->cfg->queues && now >= next_tx; q++)
                    if ((missing >> q) & 1)
                        probe_tx(r, d, q);
            }
        }
        if (now >= next_tx)
            next_tx = now + run->hz / 100;
        if (!waiting) {
            /* All paths forward; give late probes 50 ms to come back so that
             * the measured traffic starts on empty rings. */
            if (settle_end == 0)
                settle_end = now + run->hz / 20;
            else if (now >= settle_end)
                return 0;
        } else if (now >= deadline_tsc || *run->stop) {
            probes_report(run);
            return -1;
        }
        nap(1e-3);
    }
}

static void nap(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

static void progress(struct lg_lcore_ctx *c, double t)
{
    struct lg_run *run = c->run;
    const struct lg_config *cfg = run->cfg;
    uint64_t ttx = 0, trx = 0, inflight = 0, dup = 0, reord = 0;
    double dt = t - c->prev_t;
    char line[4096], a[32], b[32];
    size_t off = 0;

    if (dt <= 0)
        return;
    off += (size_t)snprintf(line + off, sizeof(line) - off, "[%5.0fs]", t);
    for (unsigned i = 0; i < cfg->nrelays; i++) {
        const struct lg_relay_stats *st = &run->stats[i];
        uint64_t tx = 0, rx = 0;

        /* Other lcores' counters, read without a lock: a progress line
         * may be one burst off, the final report is exact. */
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct lg_stream_stats *ss = &st->dir[d];
            unsigned k;

            tx += __atomic_load_n(&ss->sent, __ATOMIC_RELAXED);
            for (k = 0; k < ss->nq; k++) {
                const struct lg_queue_stats *q = &ss->q[k];
                uint64_t sent = __atomic_load_n(&q->sent, __ATOMIC_RELAXED);
                uint64_t uniq = __atomic_load_n(&q->seq.unique, __ATOMIC_RELAXED);

                rx += __atomic_load_n(&q->seq.received, __ATOMIC_RELAXED);
                inflight += sent > uniq ? sent - uniq : 0;
                dup += __atomic_load_n(&q->seq.duplicated, __ATOMIC_RELAXED);
                reord += __atomic_load_n(&q->seq.reordered, __ATOMIC_RELAXED);
            }
        }
        lg_format_rate((double)(tx - c->prev_tx[i]) / dt, a, sizeof(a));
        lg_format_rate((double)(rx - c->prev_rx[i]) / dt, b, sizeof(b));
        ttx += tx - c->prev_tx[i];
        trx += rx - c->prev_rx[i];
        c->prev_tx[i] = tx;
        c->prev_rx[i] = rx;
        if (off < sizeof(line))
            off += (size_t)snprintf(line + off, sizeof(line) - off, " r%u %s/%s", cfg->relay[i].id,
                                    a, b);
    }
    lg_format_rate((double)ttx / dt, a, sizeof(a));
    lg_format_rate((double)trx / dt, b, sizeof(b));
    if (off < sizeof(line))
        snprintf(line + off, sizeof(line) - off,
                 " | tx %s rx %s pps, missing %llu, dup %llu, reord %llu", a, b,
                 (unsigned long long)inflight, (unsigned long long)dup, (unsigned long long)reord);
    fprintf(stderr, "%s\n", line);
    c->prev_t = t;
}

/* A relay in vhost client mode may restart under us.  virtio_user (as the
 * vhost-user server) takes the new connection, but its rings still hold the
 * old indexes, so restart the port once the link is back. */
static void guest_link_check(struct lg_relay_rt *r)
{
    struct rte_eth_link link;

    memset(&link, 0, sizeof(link));
    if (rte_eth_link_get_nowait(r->guest_port, &link) != 0)
        return;
    if (link.link_status != RTE_ETH_LINK_UP) {
        r->guest_down = 1;
    } else if (r->guest_down) {
        r->guest_down = 0;
        rte_eth_dev_stop(r->guest_port);
        if (rte_eth_dev_start(r->guest_port) == 0)
            r->st->reconnects++;
    }
}

/* Everything sent on every queue of relay r has come back. */
static int relay_complete(const struct lg_relay_rt *r)
{
    for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
        for (unsigned k = 0; k < r->st->dir[d].nq; k++)
            if (r->st->dir[d].q[k].seq.unique < r->st->dir[d].q[k].sent)
                return 0;
    return 1;
}

static int lcore_main(void *arg)
{
    struct lg_lcore_ctx *c = arg;
    struct lg_run *run = c->run;
    const struct lg_config *cfg = run->cfg;
    uint64_t now, end_tsc, drain_deadline;
    double t, total_rate;

    /* Sleep precisely: the default 50 us timer slack would make every nap
     * late and the rate lumpy. */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

    while (rte_rdtsc() < run->start_tsc)
        rte_pause();
    end_tsc = cfg->duration > 0 ? run->start_tsc + (uint64_t)(cfg->duration * (double)run->hz)
                                : UINT64_MAX;

    /* Sending. */
    for (;;) {
        double wait_s = LG_MAX_SLEEP_S;
        unsigned work = 0;

        now = rte_rdtsc();
        if (now >= end_tsc || *run->stop)
            break;
        t = tsc_to_s(run, now - run->start_tsc);
        total_rate = 0;
        for (unsigned i = 0; i < c->nrel; i++) {
            struct lg_relay_rt *r = c->rel[i];

            work += relay_rx_all(run, r, 0, t);
            for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
                if (!r->s[d].enabled)
                    continue;
                work += stream_tx(run, r, d, t, now, &wait_s);
                total_rate += lg_profile_rate(r->s[d].prof, t);
            }
        }
        if (now >= c->next_link_tsc) {
            /* Only where a reconnect can happen: asking a virtio_user
             * client for its link after the relay died races with its
             * disconnect handler in DPDK 22.11 and crashes the interrupt
             * thread. */
            for (unsigned i = 0; i < c->nrel; i++)
                if (c->rel[i]->cfg->server)
                    guest_link_check(c->rel[i]);
            c->next_link_tsc = now + run->hz / 10;
        }
        if (c->is_main && now >= c->next_progress_tsc) {
            if (!cfg->quiet)
                progress(c, t);
            c->next_progress_tsc += run->hz;
        }
        if (work == 0) {
            /* Ahead of schedule and nothing arrived: sleep, but not so long
             * that an rx ring (a quarter of 1024 here) could fill up. */
            if (total_rate > 0 && 256.0 / total_rate < wait_s)
                wait_s = 256.0 / total_rate;
            if (wait_s >= LG_MIN_SLEEP_S)
                nap(wait_s);
        }
    }

    /* Targets: what the profile asked for until sending stopped. */
    t = tsc_to_s(run, now - run->start_tsc);
    for (unsigned i = 0; i < c->nrel; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            struct lg_relay_rt *r = c->rel[i];

            if (r->s[d].enabled)
                r->st->dir[d].target = (uint64_t)floor(lg_profile_count(r->s[d].prof, t));
        }
    if (c->is_main) {
        run->info.send_s = t;
        run->info.interrupted = *run->stop != 0;
        run->send_end_tsc = now;
    }

    /* Draining: receive what is still in flight, until all has come back
     * or the grace period is over. */
    drain_deadline = now + (uint64_t)(cfg->grace * (double)run->hz);
    for (;;) {
        unsigned work = 0, complete = 1;

        now = rte_rdtsc();
        if (now >= drain_deadline || *run->stop > 1)
            break;
        for (unsigned i = 0; i < c->nrel; i++) {
            struct lg_relay_rt *r = c->rel[i];

            work += relay_rx_all(run, r, 1, -1.0);
            if (!relay_complete(r))
                complete = 0;
        }
        if (complete)
            break;
        if (work == 0)
            nap(50e-6);
    }
    if (c->is_main)
        run->info.drain_s = tsc_to_s(run, now - run->send_end_tsc);
    return 0;
}

void lg_run_traffic(struct lg_run *run)
{
    unsigned i, lc, main_lc = rte_get_main_lcore();

    memset(lcore_ctx, 0, sizeof(lcore_ctx));
    RTE_LCORE_FOREACH(lc)
    {
        lcore_ctx[lc].run = run;
        lcore_ctx[lc].is_main = lc == main_lc;
    }
    for (i = 0; i < run->cfg->nrelays; i++) {
        struct lg_lcore_ctx *c = &lcore_ctx[run->relay[i].lcore];

        c->rel[c->nrel++] = &run->relay[i];
    }

    /* Start a little in the future so that every lcore begins together. */
    run->start_tsc = rte_rdtsc() + run->hz / 100;
    lcore_ctx[main_lc].next_progress_tsc = run->start_tsc + run->hz;
    RTE_LCORE_FOREACH_WORKER(lc)
    {
        if (lcore_ctx[lc].nrel > 0)
            rte_eal_remote_launch(lcore_main, &lcore_ctx[lc], lc);
    }
    lcore_main(&lcore_ctx[main_lc]);
    rte_eal_mp_wait_lcore();
}
