/* SPDX-License-Identifier: BSD-3-Clause */
/* log_limit.h - rate-limited log messages with periodic summaries.
 *
 * Anyone who can reach a control endpoint can send it garbage as fast as
 * ZeroMQ carries it; one log line per bad request would let any local user
 * flood the journal. A message that can repeat at a peer's will goes
 * through log_limited() with a key naming the endpoint and the reason: the
 * first LOG_LIMIT_BURST of a key in each LOG_LIMIT_WINDOW_S window are
 * logged, the rest only counted, and when the window has passed one line
 * says how many were left out ("1,998 more malformed port_control requests
 * in the last 10 s").
 *
 * struct ratelimit is the pure counting part (no clock, no I/O), for
 * tests; log_limited() and log_limited_flush() use it with a table of keys
 * under a mutex and CLOCK_MONOTONIC.
 */
#ifndef VIO4WD_LOG_LIMIT_H
#define VIO4WD_LOG_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_LIMIT_BURST    5
#define LOG_LIMIT_WINDOW_S 10

struct ratelimit {
    uint64_t window_start_ns;
    unsigned in_window;       /* messages of this window so far */
    unsigned long suppressed; /* not logged, not yet summarised */
    bool started;
};

/* One more message at now_ns: true when it is to be logged. */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ns);

/* The number of messages left out in a window that has ended by now_ns (0
 * when there is nothing to report yet), and forgets it. */
unsigned long ratelimit_take_summary(struct ratelimit *rl, uint64_t now_ns);

/* "1,998": n with thousands separators, whatever the locale. */
void ratelimit_group_digits(unsigned long n, char *buf, size_t buflen);

/* log_msg(level, fmt, ...) unless 'key' has had its burst in this window.
 * 'what' names the messages in the summary ("malformed stats requests"). */
void log_limited(int level, const char *key, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Logs the summaries of windows that have ended; call it periodically (the
 * relay's control loop does), so a flood that stopped is still reported. */
void log_limited_flush(void);

#endif
