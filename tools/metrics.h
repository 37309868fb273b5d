/* SPDX-License-Identifier: BSD-3-Clause */
/* metrics.h - the OpenMetrics text of a tool_view: what vio4wd-stats
 * --prometheus writes for a textfile collector and what vio4wd-exporter
 * serves on /metrics, so both always say the same.
 *
 * Names follow Prometheus conventions and sit next to DPDK's own exporter
 * (dpdk_*) and the OVS exporters: a vio4wd_ prefix, base units (seconds,
 * bytes), _total on counters, and the labels relay, direction, cpu, numa
 * and vf. Drops are one family with a 'reason' label whose values come from
 * one table in metrics.c, so a new drop reason is one line there.
 */
#ifndef VIO4WD_TOOLS_METRICS_H
#define VIO4WD_TOOLS_METRICS_H

#include <stdio.h>

#include "tool_view.h"
#include "sched_view.h"

/* The Content-Type of what tool_print_metrics writes. */
#define TOOL_METRICS_CONTENT_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Writes the metrics of 'view' and 'sched', "# EOF" last. view NULL: the
 * relay is not running (or its counters are stale), and vio4wd_relay_up 0
 * is written instead of its numbers, never old ones. sched NULL: no
 * scheduler runs; vio4wd_scheduler_up 0 likewise. */
void tool_print_metrics(FILE *out, const struct tool_view *view,
                        const struct tool_sched_view *sched);

#endif
