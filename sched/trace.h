/* SPDX-License-Identifier: BSD-3-Clause */
/* trace.h - the replay trace format: JSON lines, one relay state per line.
 *
 *   {"t": 12.5, "workers": [1, 2],
 *    "relays": [{"id": 0, "numa": 0,
 *                "cpu":  {"vf_to_vm": 1, "vm_to_vf": 2},
 *                "load": {"vf_to_vm": 0.31, "vm_to_vf": 0.12}}]}
 *
 * Loads are fractions of one core. Unknown fields are ignored, so the
 * output of `vio4wd-stats --json` (which adds rates, counters, ...) is a
 * trace as it is. Leniencies, each because a recorder may legitimately
 * produce it: "t" may be missing (the line number is used); "workers" may
 * hold objects with a "cpu" field instead of numbers; "numa" may be
 * missing or -1 (unknown); a missing or null CPU is -1 (not placed); a
 * missing load is 0. Blank lines and lines starting with '#' are skipped.
 * When a relay also carries "vf_to_vm": {"demand": F} (or vm_to_vf), as
 * vio4wd-stats prints it, the demand -- the load raised for a saturated
 * direction, which is what the live daemon plans with -- replaces the
 * load.
 */
#ifndef VIO4WD_SCHED_TRACE_H
#define VIO4WD_SCHED_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "state.h"

/* Bounds that keep a hostile trace from asking for absurd memory. */
#define TRACE_MAX_WORKERS 4096
#define TRACE_MAX_RELAYS  4096

/* Parses one line (no NUL needed; len bytes). Returns 1 with *out filled
 * (free it with sched_state_free), 0 for a blank or comment line, -1 with
 * err saying what is wrong. */
int trace_parse_line(const char *line, size_t len, double default_t, struct sched_state *out,
                     char *err, size_t errlen);

struct trace_reader {
    FILE *fp;
    const char *name; /* for messages */
    unsigned long line_no;
    char *buf;
    size_t cap;
};

void trace_reader_init(struct trace_reader *r, FILE *fp, const char *name);
void trace_reader_free(struct trace_reader *r);

/* Next state. Returns 1, 0 at end of file, -1 with err as "name:line: ...". */
int trace_next(struct trace_reader *r, struct sched_state *out, char *err, size_t errlen);

#endif
