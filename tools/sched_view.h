/* SPDX-License-Identifier: BSD-3-Clause */
/* sched_view.h - the scheduler's last decision as the tools see it: what
 * vio4wd_core_scheduler publishes next to the counters file
 * (sched/last_decision.h), trusted only while its writer still runs. */
#ifndef VIO4WD_TOOLS_SCHED_VIEW_H
#define VIO4WD_TOOLS_SCHED_VIEW_H

#include <stdbool.h>

#define TOOL_SCHED_MAX_NODES 64

struct tool_sched_node {
    int numa;           /* -1: all workers (--global-numa-opt) */
    double makespan;    /* busiest worker's load after the decision, cores */
    double lower_bound; /* no placement does better, cores */
};

struct tool_sched_view {
    long pid;
    unsigned n_nodes;
    struct tool_sched_node nodes[TOOL_SCHED_MAX_NODES];
};

/* Reads the decision published next to 'counters' (a counters file or run
 * directory). Returns 0, or -1 when there is none, it is unreadable, or
 * the scheduler that wrote it is gone. */
int tool_sched_read(const char *counters, struct tool_sched_view *out);

/* Parses the text of the published record into out (no liveness check).
 * Returns 0, or -1 when it is not such a record. */
int tool_sched_parse(const char *text, struct tool_sched_view *out);

#endif
