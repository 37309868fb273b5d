/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_core_sched.h - the core_sched ZeroMQ endpoint (upstream-compatible
 * CoreSchedRequest/CoreSchedResponse). */
#ifndef VIO4WD_CTL_CORE_SCHED_H
#define VIO4WD_CTL_CORE_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Binds cfg->zmq_core_sched_ep when cfg->core_sched_enable is set (else
 * does nothing and returns 0). */
int ctl_core_sched_init(const struct vio4wd_config *cfg, char *err, size_t errlen);

/* The request handler (also the fuzzing entry point). */
size_t ctl_core_sched_handle(void *opaque, const uint8_t *req, size_t len, uint8_t **reply);

#endif
