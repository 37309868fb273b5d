/* SPDX-License-Identifier: BSD-3-Clause */
/* idle_backoff.h - when an idle worker sleeps, and for how long.
 *
 * A poll is *light* when no direction of the worker brought a handful
 * (IDLE_BACKOFF_HANDFUL) packets or more. After IDLE_BACKOFF_LIGHT_POLLS
 * light polls in a row (tens of microseconds of empty polling), the worker
 * sleeps after every further light poll: IDLE_BACKOFF_FIRST_US first, then
 * twice as long each time, up to the maximum (VIRTIOFWD_WORKER_SLEEP_MAX_US;
 * its default and limit are in lib/config/config.h).
 * The first poll that is not light returns it to full polling. So a worker
 * never sleeps while a direction brings bursts, and under a trickle it
 * sleeps about as long as a handful of packets takes to arrive.
 *
 * A worker with no direction at all is *parked*: it blocks until a
 * handover gives it one (handover_rest without a timeout).
 *
 * A maximum of 0 turns both off: the worker busy-polls, parked or not.
 *
 * Pure policy: no DPDK, no clock, no sleeping here (the worker sleeps).
 */
#ifndef VIO4WD_IDLE_BACKOFF_H
#define VIO4WD_IDLE_BACKOFF_H

#include <stdbool.h>

#define IDLE_BACKOFF_HANDFUL     4   /* packets in a poll that end the back-off */
#define IDLE_BACKOFF_LIGHT_POLLS 256 /* light polls in a row before the first sleep */
#define IDLE_BACKOFF_FIRST_US    4   /* the first sleep */

struct idle_backoff {
    unsigned max_us;  /* 0: never sleep, never park */
    unsigned light;   /* light polls in a row, up to LIGHT_POLLS */
    unsigned next_us; /* the next sleep */
};

static inline unsigned idle_backoff_first(unsigned max_us)
{
    return max_us < IDLE_BACKOFF_FIRST_US ? max_us : IDLE_BACKOFF_FIRST_US;
}

static inline void idle_backoff_init(struct idle_backoff *b, unsigned max_us)
{
    b->max_us = max_us;
    b->light = 0;
    b->next_us = idle_backoff_first(max_us);
}

/* After one poll in which the busiest direction brought 'most' packets:
 * how long to sleep now, in microseconds (0: poll again at once). */
static inline unsigned idle_backoff_after_poll(struct idle_backoff *b, unsigned most)
{
    if (most >= IDLE_BACKOFF_HANDFUL) {
        b->light = 0;
        b->next_us = idle_backoff_first(b->max_us);
        return 0;
    }
    if (b->max_us == 0)
        return 0;
    if (b->light < IDLE_BACKOFF_LIGHT_POLLS) {
        b->light++;
        return 0;
    }
    unsigned us = b->next_us;
    b->next_us = us > b->max_us / 2 ? b->max_us : us * 2;
    return us;
}

/* Whether a worker with n_dirs directions blocks until it is given one. */
static inline bool idle_backoff_parks(const struct idle_backoff *b, unsigned n_dirs)
{
    return n_dirs == 0 && b->max_us != 0;
}

#endif
