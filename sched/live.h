/* SPDX-License-Identifier: BSD-3-Clause */
/* live.h - the daemon's loop: counters -> loads -> decision -> core_sched.
 *
 * Every poll interval: take a consistent snapshot of the relay's counters
 * (or ask the stats endpoint when the counters file cannot be read), turn
 * it into smoothed loads (tracker.h), decide (decide.h), and push the
 * moves that pay to the relay as one core_sched UPDATE.
 *
 * The relay may go away and come back at any time. A new counters epoch,
 * a counters file that went stale, or an endpoint that stops answering all
 * mean "a relay we do not know yet": estimates are dropped, workers are
 * read again, and a plan is pushed only if the relay it was computed for is
 * still the one running when the push happens.
 */
#ifndef VIO4WD_SCHED_LIVE_H
#define VIO4WD_SCHED_LIVE_H

#include "options.h"

/* Runs until SIGTERM/SIGINT (or after one decision with --once). argc/argv
 * are kept to re-read the configuration on SIGHUP. sigfd is a signalfd
 * for SIGTERM, SIGINT and SIGHUP, which the caller has blocked. Returns
 * the process exit status. */
int live_run(struct sched_options *opts, int argc, char **argv, int sigfd);

#endif
