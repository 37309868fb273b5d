/* SPDX-License-Identifier: BSD-3-Clause */
/* last_decision.h - the scheduler's last decision, published for
 * vio4wd-exporter (Prometheus) next to the relay's counters file:
 *
 *   <counters dir>/vio4wd_core_scheduler.json
 *   {"pid": 1234, "decision": <the report_json() record of the decision>}
 *
 * replaced atomically (temporary file and rename) after every decision and
 * removed when the scheduler stops. Readers trust it only while that pid is
 * a running scheduler. A directory the scheduler cannot write to costs one
 * warning; scheduling goes on.
 */
#ifndef VIO4WD_SCHED_LAST_DECISION_H
#define VIO4WD_SCHED_LAST_DECISION_H

#include <stdbool.h>

#include "decide.h"

struct last_decision {
    char path[4096]; /* "" when the counters path gave none */
    bool warned;
};

/* Sets the path from the scheduler's --counters. */
void last_decision_init(struct last_decision *ld, const char *counters);

void last_decision_write(struct last_decision *ld, const struct sched_decision *d, bool applied);

/* Removes the file (at exit). */
void last_decision_remove(const struct last_decision *ld);

#endif
