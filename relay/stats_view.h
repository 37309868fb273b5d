/* SPDX-License-Identifier: BSD-3-Clause */
/* stats_view.h - a StatsResponse built from two snapshots of the counters.
 *
 * The stats endpoint serialises the same counters every other reader sees;
 * this module is that serialisation, with no DPDK and no I/O, so it can be
 * unit-tested and fuzzed on hand-made snapshots. Rates are deltas between the
 * two snapshots over the reader's TSC, never computed by the dataplane.
 */
#ifndef VIO4WD_STATS_VIEW_H
#define VIO4WD_STATS_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "virtioforwarder.pb-c.h"

/* Largest 'delay' a request may ask for; longer windows are refused (EBADR)
 * because the reply would outlive any sensible client timeout. */
#define STATS_MAX_DELAY_MS 60000

/* Checks a decoded request: OK, E2BIG (more relays than exist) or EBADR. */
Virtioforwarder__StatsResponse__Status stats_view_check(const Virtioforwarder__StatsRequest *req);

/* Packs the reply to 'req' into a malloc()ed buffer (*out) and returns its
 * length. 'then' may be NULL or from an earlier relay epoch: rates then run
 * from the relay's start. Returns 0 with *out NULL when memory ran out. */
size_t stats_view_reply(const Virtioforwarder__StatsRequest *req,
                        const struct vio4wd_counters_snapshot *then,
                        const struct vio4wd_counters_snapshot *now, uint8_t **out);

/* Packs a reply that carries only an error status. */
size_t stats_view_error(Virtioforwarder__StatsResponse__Status status, uint8_t **out);

#endif
