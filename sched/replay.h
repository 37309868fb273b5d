/* SPDX-License-Identifier: BSD-3-Clause */
/* replay.h - offline replay: a trace in, one decision per line out.
 *
 * The mapping evolves as the daemon's would: the first line's CPUs are the
 * starting mapping, and from then on the moves that act replace them (a
 * trace recorded on a live host would otherwise undo every plan on the
 * next line, and no stability figure would mean anything). A relay that
 * appears later starts from the CPUs its line gives; a CPU that is no
 * longer a worker (the relay restarted with other workers) also falls
 * back to the line's CPU.
 */
#ifndef VIO4WD_SCHED_REPLAY_H
#define VIO4WD_SCHED_REPLAY_H

#include <stdio.h>

#include "decide.h"
#include "hysteresis.h"

struct model_topology;

/* Called once per step with the state that was decided on (mapping before
 * the moves) and the decision. Return non-zero to stop the replay. */
typedef int replay_step_fn(const struct sched_state *st, const struct sched_decision *d,
                           void *opaque);

struct replay {
    struct sched_state mapping;      /* evolving mapping: ids and CPUs */
    struct sched_hysteresis *memory; /* the hysteresis' memory, as the
                                   * daemon keeps it between decisions */
    unsigned long steps;
    unsigned long applied;
    unsigned long migrations;
};

void replay_init(struct replay *r);
void replay_free(struct replay *r);

/* One step: st's CPUs are replaced by the evolving mapping, then decided
 * and the moves applied. st is modified (its mapping before the moves). */
int replay_step(struct replay *r, struct sched_state *st, const struct model_topology *topo,
                const struct sched_params *p, struct sched_decision *d, char *err, size_t errlen);

/* Reads the whole trace. out (may be NULL) receives the JSON lines; step
 * (may be NULL) sees each step. Returns 0, or -1 with err naming the line;
 * a trace without a single state line (empty, or only blank lines and
 * comments) is such an error, named at the line after the last. */
int replay_run(FILE *in, const char *name, FILE *out, const struct model_topology *topo,
               const struct sched_params *p, replay_step_fn *step, void *opaque, char *err,
               size_t errlen);

#endif
