/* SPDX-License-Identifier: BSD-3-Clause */
/* rate_limit.h - the control side of the per-direction rate limits: sets,
 * reads and frees the meters (meter.h) that the workers police with. Above
 * the worker loop: replacing a meter waits for the workers to pass a
 * quiescent point. */
#ifndef VIO4WD_RATE_LIMIT_H
#define VIO4WD_RATE_LIMIT_H

#include <stddef.h>

#include "config.h"
#include "rate.h"

/* Sets one direction's limit (an unlimited rate removes it). Control
 * thread, under relay_lock. Returns 0, or a negative errno with err. */
int relay_set_rate(unsigned relay_id, unsigned dir, const struct vio4wd_rate *rate, char *err,
                   size_t errlen);

/* The limit a direction has now (unlimited: bytes_per_s 0). */
void relay_get_rate(unsigned relay_id, unsigned dir, struct vio4wd_rate *out);

/* Applies VIRTIOFWD_RATE_LIMITS at start. */
int relay_apply_rate_limits(const struct vio4wd_config *cfg, char *err, size_t errlen);

/* Frees every meter at shutdown (workers stopped). */
void relay_free_meters(void);

#endif
