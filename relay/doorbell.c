/* SPDX-License-Identifier: BSD-3-Clause */
/* doorbell.c - see doorbell.h.
 *
 * Why no wake-up is lost: the owner stores resting = 1, fences, then reads
 * the ticket and re-checks its work; a ringer publishes the work, fences,
 * bumps rings, then reads resting. Of the two fences one comes first, so
 * either the owner's re-check sees the work or the ringer sees resting and
 * wakes it. A ring between the owner's ticket and its futex call changed
 * the word, so FUTEX_WAIT returns at once. */
#include "doorbell.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

void doorbell_init(struct doorbell *b)
{
    __atomic_store_n(&b->rings, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&b->resting, 0, __ATOMIC_RELAXED);
}

uint32_t doorbell_prepare(struct doorbell *b)
{
    __atomic_store_n(&b->resting, 1, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&b->rings, __ATOMIC_ACQUIRE);
}

void doorbell_wait(struct doorbell *b, uint32_t ticket, uint64_t timeout_ns)
{
    struct timespec ts = {
        .tv_sec = (time_t)(timeout_ns / 1000000000u),
        .tv_nsec = (long)(timeout_ns % 1000000000u),
    };
    /* Private: the word is never shared with another process. EINTR,
     * EAGAIN (rung meanwhile) and ETIMEDOUT all just end the rest. */
    futex(&b->rings, FUTEX_WAIT_PRIVATE, ticket, timeout_ns ? &ts : NULL);
}

void doorbell_done(struct doorbell *b)
{
    __atomic_store_n(&b->resting, 0, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void doorbell_ring(struct doorbell *b)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_fetch_add(&b->rings, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&b->resting, __ATOMIC_SEQ_CST))
        futex(&b->rings, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}
