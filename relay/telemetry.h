/* SPDX-License-Identifier: BSD-3-Clause */
/* telemetry.h - vio4wd's commands on DPDK's telemetry socket, so that an
 * operator inspects a live relay with the standard dpdk-telemetry.py:
 *
 *   /vio4wd/version       vio4wd, DPDK and counters layout versions
 *   /vio4wd/relays        ids of the relays in use
 *   /vio4wd/relay,<id>    one relay: state, guest, negotiated features, VF,
 *                         queues, CPUs and counters of both directions
 *   /vio4wd/workers       the workers, one column per field
 *
 * The callbacks run on DPDK's telemetry thread. Counters come from the
 * counters file through the reader library (lock-free, like every other
 * reader); relay state from relay_snapshot() under the control-plane lock,
 * held only to copy it. The dataplane is never asked anything.
 */
#ifndef VIO4WD_TELEMETRY_H
#define VIO4WD_TELEMETRY_H

#include <stddef.h>

/* Registers the commands. Returns 0, or -1 with err set. */
int telemetry_register(char *err, size_t errlen);

#endif
