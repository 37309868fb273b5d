/* SPDX-License-Identifier: BSD-3-Clause */
/* report.h - what a decision looks like to people and to scripts.
 *
 * report_json() prints the one-line JSON record of --json and --replay:
 *
 *   {"t": 10, "applied": true, "act": true,
 *    "current_makespan": 0.9, "makespan": 0.5, "lower_bound": 0.5,
 *    "greedy_makespan": 0.6, "solve_ms": 1.2,
 *    "elapsed_ms": 1.5, "deadline_ms": 750, "cut": false,
 *    "nodes": [{"numa": 0, "numa_set": [0], "workers": 2, "jobs": 4, "current_makespan": 0.9,
 *               "makespan": 0.5, "lower_bound": 0.5, "greedy_makespan": 0.6,
 *               "solve_ms": 1.2, "solved": true, "budget_ms": 600, "cut": false,
 *               "proposed": 1, "greedy_migrations": 2, "act": true, "reason": "..."}],
 *    "migrations": [{"relay": 1, "dir": "vm_to_vf", "from": 1, "to": 2}]}
 *
 * "act" is the hysteresis verdict; "applied" says the moves took effect
 * (replay: in the simulated mapping; live: the relay accepted them; so it
 * is false in --dry-run). Each entry of "nodes" is a locality class: the
 * workers that share one set of local NUMA nodes, "numa_set" (OS ids; two
 * on a KNL or Sub-NUMA-Clustering cluster with its MCDRAM), and "numa" is
 * the lowest of them; numa is -1, with no numa_set, for the single global
 * problem of --global-numa-opt. "solved" is false when the current mapping is already
 * so close to the lower bound that no plan could pass the hysteresis rule:
 * the solver is skipped and "makespan" is the current one. "deadline_ms"
 * bounds the whole decision (0: none) and "elapsed_ms" is what it took;
 * each class gets "budget_ms" of it, in proportion to its directions.
 * "cut" says the deadline or the memory bound (a class too big for the
 * ILP) stopped a solver short: the answer is the best found, never worse
 * than greedy, but not proven optimal. Top-level figures are maxima over nodes (solve_ms is
 * the sum).
 *
 * report_table() renders the per-core table logged at debug level.
 */
#ifndef VIO4WD_SCHED_REPORT_H
#define VIO4WD_SCHED_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "decide.h"

struct model_topology;

/* Writes one line (with '\n') and flushes. error may be NULL; when set it
 * is added as "error". */
void report_json(FILE *fp, const struct sched_decision *d, bool applied, const char *error);

/* Calls emit once per line (no newline): a header, then one row per worker
 * CPU with its node, load before and after, and the directions on it
 * before -> after. */
typedef void report_emit_fn(const char *line, void *opaque);
void report_table(const struct sched_state *st, const struct sched_decision *d,
                  const struct model_topology *topo, report_emit_fn *emit, void *opaque);

#endif
