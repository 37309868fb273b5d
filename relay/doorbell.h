/* SPDX-License-Identifier: BSD-3-Clause */
/* doorbell.h - how a worker sleeps without missing the work it is given.
 *
 * A worker that has nothing to do (an idle back-off sleep, or parked with
 * no direction) waits on its doorbell; whoever gives it work (a handover
 * mask, the stop flag) publishes that work first and rings afterwards. The
 * owner's side is three calls:
 *
 *     uint32_t ticket = doorbell_prepare(b);
 *     if (nothing to do)               // re-checked after prepare
 *         doorbell_wait(b, ticket, timeout_ns);
 *     doorbell_done(b);
 *
 * Contract: a ring that follows a publication the owner did not see in its
 * re-check ends the wait (no lost wake-up); a ring while the owner is not
 * waiting costs an atomic add and no system call. Between prepare and done
 * the owner touches no shared state, so control may count it as quiescent
 * (doorbell_resting). Linux futex; no DPDK, so the handover test runs it
 * with plain threads.
 */
#ifndef VIO4WD_DOORBELL_H
#define VIO4WD_DOORBELL_H

#include <stdbool.h>
#include <stdint.h>

struct doorbell {
    uint32_t rings;   /* the futex word: +1 per ring */
    uint32_t resting; /* 1 from prepare to done (owner writes) */
};

void doorbell_init(struct doorbell *b);

/* Owner: about to rest. Returns the ticket for doorbell_wait. The caller
 * re-checks its work after this call. */
uint32_t doorbell_prepare(struct doorbell *b);

/* Owner: blocks until a ring after the ticket, timeout_ns (0: no timeout)
 * or a signal. Returns at once when a ring came after prepare. */
void doorbell_wait(struct doorbell *b, uint32_t ticket, uint64_t timeout_ns);

/* Owner: rest over; what it reads next includes what was published before
 * any control thread saw it resting. */
void doorbell_done(struct doorbell *b);

/* Anyone, after publishing work for the owner. */
void doorbell_ring(struct doorbell *b);

/* True while the owner rests (from prepare to done). Read after a full
 * fence by a control thread, a true answer means: whatever the owner reads
 * after its rest sees what the reader published before the fence. */
static inline bool doorbell_resting(const struct doorbell *b)
{
    return __atomic_load_n(&b->resting, __ATOMIC_SEQ_CST) != 0;
}

#endif
