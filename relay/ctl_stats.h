/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_stats.h - the stats endpoint (upstream's StatsRequest/StatsResponse).
 *
 * It runs on a thread of its own with a ROUTER socket (REQ clients see an
 * ordinary REP peer), so that a request with 'delay' is answered 'delay' ms
 * later without the control thread waiting for it (upstream busy-waited
 * there and starved guests), several clients can be in flight at once, and
 * "rates since this client's previous request" can key on the connection.
 * It reads the relay's own counters file, as every other reader does.
 */
#ifndef VIO4WD_CTL_STATS_H
#define VIO4WD_CTL_STATS_H

#include <stddef.h>

int ctl_stats_start(const char *endpoint, const char *counters_path, char *err, size_t errlen);

/* Stops the thread and removes the socket; safe when never started. */
void ctl_stats_stop(void);

#endif
