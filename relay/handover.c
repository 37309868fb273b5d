/* SPDX-License-Identifier: BSD-3-Clause */
/* handover.c - the handover protocol (see handover.h). */
#include "handover.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "counters_writer.h"
#include "pause_hist.h"

/* Control spins this long on a handover before it sleeps between looks. */
#define WAIT_SPIN_NS  20000
#define WAIT_SLEEP_NS 2000

static inline void mask_set(uint64_t *mask, unsigned idx)
{
    __atomic_fetch_or(&mask[idx / 64], 1ull << (idx % 64), __ATOMIC_RELEASE);
}

/* Gives w a bit in one of its masks and wakes it if it rests. */
static inline void give(struct handover_worker *w, uint64_t *mask, unsigned idx)
{
    mask_set(mask, idx);
    doorbell_ring(&w->bell);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool is_running(const struct handover *h, int w)
{
    return __atomic_load_n(&h->workers[w]->running, __ATOMIC_ACQUIRE);
}

/* ---- set-up -------------------------------------------------------------- */

void handover_init(struct handover *h)
{
    memset(h, 0, sizeof(*h));
}

void handover_control_shares_cpu(struct handover *h, bool shared)
{
    h->control_shares_cpu = shared;
}

void handover_add_worker(struct handover *h, struct handover_worker *w, unsigned index,
                         unsigned cpu)
{
    w->index = index;
    w->cpu = cpu;
    doorbell_init(&w->bell);
    h->workers[index] = w;
    if (index >= h->n_workers)
        h->n_workers = index + 1;
}

void handover_add_dir(struct handover *h, struct handover_dir *d, uint16_t index,
                      struct vio4wd_cnt_dir *cnt)
{
    d->index = index;
    d->cnt = cnt;
    d->owner = d->target = d->last_owner = HANDOVER_NONE;
    d->last_service_tsc = d->pause_from_tsc = 0;
    h->dirs[index] = d;
}

/* ---- worker side --------------------------------------------------------- */

void handover_set_running(struct handover_worker *w, bool running)
{
    __atomic_store_n(&w->running, running, __ATOMIC_RELEASE);
}

static void drop_dir(struct handover_worker *w, struct handover_dir *d)
{
    for (uint16_t i = 0; i < w->n_dirs; i++)
        if (w->dirs[i] == d) {
            /* keep the order of the others: fairness stays predictable */
            memmove(&w->dirs[i], &w->dirs[i + 1], (size_t)(w->n_dirs - i - 1) * sizeof(w->dirs[0]));
            w->n_dirs--;
            return;
        }
}

static void adopt_dir(struct handover_worker *w, struct handover_dir *d)
{
    struct vio4wd_cnt_dir *c = d->cnt;

    w->dirs[w->n_dirs++] = d;
    vio4wd_counters_write_begin(&c->seq);
    c->cpu = (int32_t)w->cpu;
    if (d->last_owner >= 0 && d->last_owner != (int32_t)w->index) {
        c->migrations++;
        c->last_migration_tsc = vio4wd_counters_rdtsc();
        /* the pause runs from the old owner's last service to our first */
        d->pause_from_tsc = d->last_service_tsc;
    }
    vio4wd_counters_write_end(&c->seq);
    __atomic_store_n(&d->owner, (int32_t)w->index, __ATOMIC_RELEASE);
}

/* d leaves its last worker and goes to none (unassignment). */
static void retire_dir(struct handover_dir *d)
{
    struct vio4wd_cnt_dir *c = d->cnt;

    vio4wd_counters_write_begin(&c->seq);
    c->cpu = -1;
    vio4wd_counters_write_end(&c->seq);
    d->last_owner = HANDOVER_NONE;
    __atomic_store_n(&d->owner, HANDOVER_NONE, __ATOMIC_RELEASE);
}

/* Takes word i of a mask (acquire: what the setter did before is seen),
 * leaving it empty. A plain look first: the word is nearly always 0. */
static inline uint64_t mask_take(uint64_t *mask, unsigned i)
{
    if (!__atomic_load_n(&mask[i], __ATOMIC_RELAXED))
        return 0;
    return __atomic_exchange_n(&mask[i], 0, __ATOMIC_ACQUIRE);
}

static void poll_release(struct handover *h, struct handover_worker *w,
                         handover_last_service_fn *last, void *arg)
{
    for (unsigned i = 0; i < HANDOVER_MASK_WORDS; i++) {
        uint64_t bits = mask_take(w->release, i);
        while (bits) {
            unsigned idx = i * 64 + (unsigned)__builtin_ctzll(bits);
            struct handover_dir *d = h->dirs[idx];
            bits &= bits - 1;

            int32_t t = __atomic_load_n(&d->target, __ATOMIC_ACQUIRE);
            if (t == (int32_t)w->index)
                continue; /* request withdrawn: keep it */
            if (t >= 0 && last)
                last(d, arg);
            drop_dir(w, d);
            if (t < 0) {
                retire_dir(d);
            } else {
                d->last_owner = (int32_t)w->index;
                __atomic_store_n(&d->owner, HANDOVER_NONE, __ATOMIC_RELEASE);
                give(h->workers[t], h->workers[t]->adopt, idx);
            }
        }
    }
}

static void poll_adopt(struct handover *h, struct handover_worker *w)
{
    for (unsigned i = 0; i < HANDOVER_MASK_WORDS; i++)
        for (uint64_t bits = mask_take(w->adopt, i); bits; bits &= bits - 1)
            adopt_dir(w, h->dirs[i * 64 + (unsigned)__builtin_ctzll(bits)]);
}

void handover_pause_end(const struct handover *h, struct handover_dir *d, uint64_t now)
{
    struct vio4wd_cnt_dir *c = d->cnt;
    /* Workers' TSCs are synchronised; a skew must not make a huge pause. */
    uint64_t cycles = now > d->pause_from_tsc ? now - d->pause_from_tsc : 0;

    d->pause_from_tsc = 0;
    vio4wd_counters_write_begin(&c->seq);
    vio4wd_pause_record(c, cycles, h->tsc_hz);
    vio4wd_counters_write_end(&c->seq);
}

void handover_poll(struct handover *h, struct handover_worker *w, handover_last_service_fn *last,
                   void *arg)
{
    poll_release(h, w, last, arg);
    poll_adopt(h, w);
}

void handover_rest(struct handover_worker *w, const bool *stop, uint64_t timeout_ns)
{
    uint32_t ticket = doorbell_prepare(&w->bell);
    if (!handover_pending(w) && !__atomic_load_n(&w->expecting, __ATOMIC_RELAXED) &&
        !__atomic_load_n(stop, __ATOMIC_RELAXED))
        doorbell_wait(&w->bell, ticket, timeout_ns);
    doorbell_done(&w->bell);
}

/* ---- control side -------------------------------------------------------- */

void handover_wake(struct handover_worker *w)
{
    doorbell_ring(&w->bell);
}

bool handover_wait(const struct handover *h, const struct handover_dir *d, unsigned timeout_us)
{
    uint64_t start = now_ns();
    uint64_t limit = (uint64_t)timeout_us * 1000u;
    const struct timespec nap = {0, WAIT_SLEEP_NS};

    for (;;) {
        int32_t o = __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
        int32_t t = __atomic_load_n(&d->target, __ATOMIC_ACQUIRE);
        if (o == t)
            return true;
        /* a stopped worker cannot complete anything */
        if (t >= 0 && !is_running(h, t))
            return false;
        uint64_t el = now_ns() - start;
        if (el > limit)
            return false;
        if (!h->control_shares_cpu && el < WAIT_SPIN_NS)
            cpu_relax();
        else
            nanosleep(&nap, NULL); /* the worker may share our CPU */
    }
}

void handover_assign(struct handover *h, struct handover_dir *d, int w)
{
    __atomic_store_n(&d->target, (int32_t)w, __ATOMIC_RELEASE);
    if (!is_running(h, w))
        adopt_dir(h->workers[w], d); /* not looping: no race */
    else
        give(h->workers[w], h->workers[w]->adopt, d->index);
}

bool handover_unassign(struct handover *h, struct handover_dir *d)
{
    handover_wait(h, d, HANDOVER_SETTLE_US);
    int32_t o = __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
    __atomic_store_n(&d->target, HANDOVER_NONE, __ATOMIC_RELEASE);
    if (o >= 0 && !is_running(h, o)) {
        /* stopped (shutdown): its list is ours to change */
        drop_dir(h->workers[o], d);
        d->last_owner = HANDOVER_NONE;
        __atomic_store_n(&d->owner, HANDOVER_NONE, __ATOMIC_RELEASE);
    } else if (o >= 0) {
        give(h->workers[o], h->workers[o]->release, d->index);
        return handover_wait(h, d, HANDOVER_RELEASE_US);
    }
    return true;
}

int handover_move(struct handover *h, struct handover_dir *d, int w)
{
    if (!handover_wait(h, d, HANDOVER_SETTLE_US))
        return -EBUSY;
    int32_t o = __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
    if (o == w)
        return 0;
    if (o < 0) {
        handover_assign(h, d, w);
        return 0;
    }
    __atomic_store_n(&d->target, (int32_t)w, __ATOMIC_RELEASE);
    give(h->workers[o], h->workers[o]->release, d->index);
    /* Wake the new owner now, not when the old one lets go: its wake-up
     * then overlaps the old owner's last service instead of adding to the
     * pause. After the release bit: a woken worker on our CPU may run
     * first, and the old owner must already have been told. */
    __atomic_store_n(&h->workers[w]->expecting, true, __ATOMIC_RELAXED);
    doorbell_ring(&h->workers[w]->bell);
    return 0;
}
