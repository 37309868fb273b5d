/* SPDX-License-Identifier: BSD-3-Clause */
/* handover.h - moving a relay direction from one worker to another while
 * traffic flows: no packet lost, duplicated or reordered, and never two
 * workers on one queue. This module is the only code that writes a
 * direction's owner and target, a worker's list of directions and its
 * release and adopt masks.
 *
 * Handover protocol (single writer at every step):
 *   1. control: d->target = B; set d's bit in A->release (release order).
 *   2. worker A, at the top of its next loop iteration (it is between
 *      bursts, so the direction's leftovers are in the direction, not in A),
 *      takes the bit (acquire), drops d from its list, stores d->owner = -1
 *      and sets d's bit in B->adopt (release).
 *   3. worker B takes the bit (acquire), appends d to its list, records the
 *      migration in d's counters and stores d->owner = B (release).
 * A release of a direction with target -1 stops at step 2 (unassignment);
 * an assignment of an unowned direction starts at step 3. The control plane
 * issues one move per direction at a time and waits for owner == target.
 * Every mask bit set for a worker rings its doorbell (doorbell.h), so a
 * worker resting in handover_rest() (an idle back-off sleep, or parked
 * with no direction) wakes for it at once: a handover completes within
 * microseconds to tens of microseconds, resting workers included.
 *
 * Pause: the time a migration leaves a direction unserviced, from the old
 * owner's last service to the new owner's first, in TSC cycles. The owner
 * brackets each service with handover_service_begin/_end; a migration
 * passes the old owner's last end to the new owner, whose next begin
 * records the difference in the direction's counters (pause_hist.h).
 *
 * Threads: one control thread (under relay_lock() in the relay) calls the
 * control side; each worker calls handover_poll() on itself only.
 *
 * No DPDK here: GCC atomics and clock_gettime, so tests/relay/
 * test_handover.c runs the protocol with plain pthreads, under
 * ThreadSanitizer too.
 */
#ifndef VIO4WD_HANDOVER_H
#define VIO4WD_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "doorbell.h"

#define HANDOVER_MAX_DIRS    (VIO4WD_CNT_MAX_RELAYS * VIO4WD_DIR_COUNT)
#define HANDOVER_MAX_WORKERS VIO4WD_CNT_MAX_WORKERS
#define HANDOVER_MASK_WORDS  ((HANDOVER_MAX_DIRS + 63) / 64)
#define HANDOVER_NONE        (-1) /* no worker */
#define HANDOVER_CACHE_LINE  64

/* How long control waits for a previous move of the same direction to
 * finish before it starts another (a worker is between two loop
 * iterations within microseconds; this is for a worker stuck in a long
 * burst or descheduled). */
#define HANDOVER_SETTLE_US 100000
/* How long control waits for a worker to give back a direction that is
 * taken away from it (unassignment) before it logs that it did not. */
#define HANDOVER_RELEASE_US 500000

/* The handover state of one direction, embedded in it (relay_dir). */
struct handover_dir {
    /* Owner only. */
    uint16_t index;             /* bit in the workers' masks */
    int32_t last_owner;         /* worker that serviced it before, or -1 */
    struct vio4wd_cnt_dir *cnt; /* its counters: cpu, migrations, pauses */
    uint64_t last_service_tsc;  /* end of the owner's latest service */
    uint64_t pause_from_tsc;    /* a migration's pause runs from here; 0 = none */

    /* owner: written by workers (release); target: by control (release). */
    int32_t owner __attribute__((aligned(HANDOVER_CACHE_LINE)));
    int32_t target;
};

/* The handover state of one worker, embedded in it (struct worker). */
struct handover_worker {
    /* Written by others, read by this worker every loop. */
    uint64_t release[HANDOVER_MASK_WORDS] __attribute__((aligned(HANDOVER_CACHE_LINE)));
    uint64_t adopt[HANDOVER_MASK_WORDS];
    struct doorbell bell; /* rung after every bit set above */
    /* Set by control when it starts moving a direction here, before the
     * old owner lets go: a hint to stay awake for the adopt (no bit). */
    bool expecting;

    /* Written by this worker (handover_set_running), read by control. */
    bool running __attribute__((aligned(HANDOVER_CACHE_LINE)));

    /* The directions this worker services. Changed by this module only: by
     * the worker in handover_poll(), or by control while it is not running. */
    unsigned index, cpu;
    uint16_t n_dirs;
    struct handover_dir *dirs[HANDOVER_MAX_DIRS] __attribute__((aligned(HANDOVER_CACHE_LINE)));
};

/* Every direction by index and every worker: what the masks' bits and the
 * owner and target numbers refer to. */
struct handover {
    struct handover_dir *dirs[HANDOVER_MAX_DIRS];
    struct handover_worker *workers[HANDOVER_MAX_WORKERS];
    unsigned n_workers;
    uint64_t tsc_hz;         /* TSC ticks per second, for pause buckets */
    bool control_shares_cpu; /* with a worker: handover_wait naps at once */
};

/* ---- set-up (before any worker runs) ---------------------------------- */

void handover_init(struct handover *h);
/* Whether control runs on a worker's CPU. Then handover_wait naps from
 * the start instead of spinning first: the worker it waits for may be the
 * one its spin holds off the CPU. */
void handover_control_shares_cpu(struct handover *h, bool shared);
/* Worker number 'index' (0, 1, ... in order), on 'cpu'. */
void handover_add_worker(struct handover *h, struct handover_worker *w, unsigned index,
                         unsigned cpu);
/* Direction 'index' (< HANDOVER_MAX_DIRS), unowned, with its counters. */
void handover_add_dir(struct handover *h, struct handover_dir *d, uint16_t index,
                      struct vio4wd_cnt_dir *cnt);

/* ---- worker side ------------------------------------------------------- */

/* The worker says it loops (true) or has stopped for good (false). */
void handover_set_running(struct handover_worker *w, bool running);

/* True when control or another worker left something for w. Cheap: the
 * worker calls it every loop and handover_poll() only when it is true. */
static inline bool handover_pending(const struct handover_worker *w)
{
    uint64_t any = 0;
    for (unsigned i = 0; i < HANDOVER_MASK_WORDS; i++)
        any |= __atomic_load_n(&w->release[i], __ATOMIC_RELAXED) |
               __atomic_load_n(&w->adopt[i], __ATOMIC_RELAXED);
    return any != 0;
}

/* Records the pause of a migration that ended at 'now' (TSC); the slow
 * path of handover_service_begin. */
void handover_pause_end(const struct handover *h, struct handover_dir *d, uint64_t now);

/* The owner is about to service d, at TSC 'now'. The first service after a
 * migration records the pause in d's counters; otherwise one branch. */
static inline void handover_service_begin(const struct handover *h, struct handover_dir *d,
                                          uint64_t now)
{
    if (__builtin_expect(d->pause_from_tsc != 0, 0))
        handover_pause_end(h, d, now);
}

/* The owner finished a service of d at TSC 'now'. */
static inline void handover_service_end(struct handover_dir *d, uint64_t now)
{
    d->last_service_tsc = now;
}

/* Services d one last time, just before w gives it to another worker, and
 * ends with handover_service_end(). Why: the pause runs from the old
 * owner's last service; a worker descheduled between its last service and
 * its handover_poll() would otherwise add that wait to the pause, and what
 * arrived meanwhile would wait for the new owner. */
typedef void handover_last_service_fn(struct handover_dir *d, void *arg);

/* Gives away what w was asked to release, then takes what it was asked to
 * adopt (steps 2 and 3). Called by worker w between two services; 'last'
 * (may be NULL) runs on each direction w hands to another worker. */
void handover_poll(struct handover *h, struct handover_worker *w, handover_last_service_fn *last,
                   void *arg);

/* True once after control announced a direction coming to w
 * (handover_move): the worker then stays awake for a short while, so it
 * takes the direction as soon as the old owner lets go instead of after
 * a wake-up. Only a hint: the adopt bit still does the handover. */
static inline bool handover_take_expecting(struct handover_worker *w)
{
    if (!__atomic_load_n(&w->expecting, __ATOMIC_RELAXED))
        return false;
    return __atomic_exchange_n(&w->expecting, false, __ATOMIC_RELAXED);
}

/* Worker w rests until a handover is pending for it, handover_wake() is
 * called, *stop is true, or timeout_ns passed (0: no timeout). Returns at
 * once when one of the first three holds already, or while a direction is
 * announced (a worker must take the hint with handover_take_expecting). Called between two loop
 * iterations: while it rests, w uses nothing of the directions. */
void handover_rest(struct handover_worker *w, const bool *stop, uint64_t timeout_ns);

/* Control: wakes w from handover_rest (after setting its stop flag). */
void handover_wake(struct handover_worker *w);

/* True while w rests. A control thread that reads true after a full fence
 * knows that w will see what it published before the fence, like a worker
 * that has finished a loop iteration since (workers_quiesce). */
static inline bool handover_resting(const struct handover_worker *w)
{
    return doorbell_resting(&w->bell);
}

/* ---- control side ------------------------------------------------------ */

/* Starts servicing unowned d on worker w. */
void handover_assign(struct handover *h, struct handover_dir *d, int w);

/* Takes d away from its worker and waits (HANDOVER_RELEASE_US at most)
 * until no worker has it. False when the worker did not let go in time. */
bool handover_unassign(struct handover *h, struct handover_dir *d);

/* Starts moving d to worker w and wakes w to expect it (see
 * handover_take_expecting); handover_wait() waits for the end. Returns
 * 0, or -EBUSY when a previous move of d did not finish within
 * HANDOVER_SETTLE_US. */
int handover_move(struct handover *h, struct handover_dir *d, int w);

/* Waits until d's owner equals its target; false after timeout_us, or at
 * once when the target worker has stopped. */
bool handover_wait(const struct handover *h, const struct handover_dir *d, unsigned timeout_us);

/* The worker servicing d now, or HANDOVER_NONE. */
static inline int handover_owner(const struct handover_dir *d)
{
    return __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
}

/* The worker d is going to (or stays on), or HANDOVER_NONE. */
static inline int handover_target(const struct handover_dir *d)
{
    return __atomic_load_n(&d->target, __ATOMIC_ACQUIRE);
}

#endif
