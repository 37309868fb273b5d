/* SPDX-License-Identifier: BSD-3-Clause */
/* counters_live.h - is the relay behind a counters file still alive?
 *
 * A relay killed with SIGKILL cannot remove its counters file or mark it
 * STOPPED: the file stays, with counters frozen at the moment of death, and
 * a reader that trusts it reports relays "active at 0% load" forever. Every
 * reader asks here before it believes a file.
 *
 * The test: the header's pid must be a live process that started no later
 * than the file was created (plus a little slack for clock granularity). A
 * pid reused by an unrelated, newer process therefore counts as gone. The
 * pid namespace must be the relay's (as for any pid file).
 */
#ifndef VIO4WD_COUNTERS_LIVE_H
#define VIO4WD_COUNTERS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

/* Slack between a relay's process start and its counters' creation time
 * that still counts as "the same process": the CLOCK_REALTIME of the
 * header is taken after EAL start-up, so the process is always older. */
#define VIO4WD_LIVE_SLACK_NS 2000000000ull

/* True when process 'pid' exists and started at or before
 * created_realtime_ns + VIO4WD_LIVE_SLACK_NS (CLOCK_REALTIME). When the
 * start time cannot be read (/proc hidden), a live pid counts as alive. */
bool vio4wd_pid_alive_since(uint32_t pid, uint64_t created_realtime_ns);

/* True when the relay that wrote 'c' is gone (killed, crashed, or its pid
 * reused). Then 'why' says "relay pid N is gone (counters from HH:MM:SS)",
 * the local time of the file's last update. */
bool vio4wd_counters_writer_gone(struct vio4wd_counters *c, char *why, size_t whylen);

#endif
