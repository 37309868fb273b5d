/* SPDX-License-Identifier: BSD-3-Clause */
/* hysteresis.h - what the scheduler remembers between decisions, for the
 * hysteresis rule of model/hysteresis.h:
 *   - each direction's last load and the variance of its noise (an
 *     exponentially weighted mean of second differences, which a
 *     steady trend does not reach), so the rule can discount what is
 *     only noise and count what drifts; and its last loads, whose fitted
 *     slope tells the tolerance band's drift rule where it is going;
 *   - each locality class's accumulator (model_hysteresis_memory), keyed
 *     by the lowest OS NUMA node of its set (-1: global mode).
 * The live loop keeps one for its lifetime and a replay one per trace;
 * sched_decide() reads and updates it. Directions not seen for a while
 * (relays that left) are forgotten, so the memory stays bounded by the
 * relays alive. Not thread-safe.
 */
#ifndef VIO4WD_SCHED_HYSTERESIS_H
#define VIO4WD_SCHED_HYSTERESIS_H

#include <stdbool.h>

#include "model/hysteresis.h"

struct sched_hysteresis;

/* NULL when out of memory. */
struct sched_hysteresis *sched_hysteresis_new(void);
void sched_hysteresis_free(struct sched_hysteresis *h);

/* Start a decision (ages the directions not seen since, and keeps the
 * classes' accumulators as they are for sched_hysteresis_undo). */
void sched_hysteresis_begin(struct sched_hysteresis *h);

/* The decision's plan was not applied (the relay refused it or could not
 * be reached): put the classes' accumulators back as the decision found
 * them, so the excess that called for the plan still counts at the next
 * decision instead of having to build up again. The directions' noise
 * keeps what was observed. False when there is no copy to put back (out
 * of memory at sched_hysteresis_begin). */
bool sched_hysteresis_undo(struct sched_hysteresis *h);

/* Record relay's direction's load for this decision and return the
 * standard deviation of its noise (a prior of 5% of the load until a few
 * samples are in; a jump beyond 4 standard deviations is taken as a new
 * level, not as noise). -1 when out of memory. */
double sched_hysteresis_observe(struct sched_hysteresis *h, int relay, int dir, double load);

/* The trend of relay's direction's load, as observed in this decision:
 * the least-squares slope of its samples since a jump, before this
 * decision's own (up to 12), in load per decision; in *sd the slope's
 * standard deviation under its noise (the slope is 0 until three such
 * samples are in, and *sd is then the noise's own, so the slope is never
 * significant). */
double sched_hysteresis_slope(struct sched_hysteresis *h, int relay, int dir, double *sd);

/* Whether relay's direction was first observed in this decision (or not
 * at all): a direction the memory knows nothing of. */
bool sched_hysteresis_is_new(struct sched_hysteresis *h, int relay, int dir);

/* The accumulator of the class whose lowest NUMA node is numa (created
 * zeroed on first use); NULL when out of memory. */
struct model_hysteresis_memory *sched_hysteresis_class(struct sched_hysteresis *h, int numa);

#endif
