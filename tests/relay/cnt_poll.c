/* SPDX-License-Identifier: BSD-3-Clause */
/* cnt_poll.c - a deliberately eager counters reader, for the
 * relay-counters-reader benchmark: takes full snapshots of the relay's
 * counters at HZ for SECONDS, as a tool polling far faster than any real
 * one would (monitor_load defaults to 1 Hz, the scheduler to 0.2 Hz).
 *
 *   cnt_poll RUN_DIR_OR_FILE HZ SECONDS
 *
 * Prints "snapshots N inconsistent K" and exits 1 if any snapshot failed,
 * since a reader that cannot get a consistent view while the relay runs
 * would be a bug of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "counters.h"

static double parse_positive(const char *s, const char *what)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !(v > 0.0) || v > 1e6) {
        fprintf(stderr, "cnt_poll: %s '%s': must be a number > 0 and <= 1e6\n", what, s);
        exit(2);
    }
    return v;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    static struct vio4wd_counters_snapshot snap;
    unsigned long snapshots = 0, inconsistent = 0;
    struct vio4wd_counters *c;
    uint64_t period_ns, next, end;
    char err[512];

    if (argc != 4) {
        fprintf(stderr, "usage: %s RUN_DIR|FILE HZ SECONDS\n", argv[0]);
        return 2;
    }
    period_ns = (uint64_t)(1e9 / parse_positive(argv[2], "HZ"));
    end = now_ns() + (uint64_t)(parse_positive(argv[3], "SECONDS") * 1e9);
    c = vio4wd_counters_open(argv[1], err, sizeof(err));
    if (c == NULL) {
        fprintf(stderr, "cnt_poll: %s\n", err);
        return 1;
    }
    /* Absolute deadlines, so the rate does not drift with snapshot time. */
    next = now_ns();
    while (next < end) {
        struct timespec ts;

        if (vio4wd_counters_snapshot(c, &snap) == 0)
            snapshots++;
        else
            inconsistent++;
        next += period_ns;
        ts.tv_sec = (time_t)(next / 1000000000u);
        ts.tv_nsec = (long)(next % 1000000000u);
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    vio4wd_counters_close(c);
    printf("snapshots %lu inconsistent %lu\n", snapshots, inconsistent);
    return inconsistent == 0 ? 0 : 1;
}
