/* SPDX-License-Identifier: BSD-3-Clause */
/* vf_sample.h - reads the VF's drop counters into the relay's counters
 * block (vf_drops.h says which and why), on the control thread. */
#ifndef VIO4WD_VF_SAMPLE_H
#define VIO4WD_VF_SAMPLE_H

#include <stdint.h>

struct relay;

/* Samples the relay's VF when its period is due and publishes the totals.
 * Under relay_lock, on the control thread. */
void vf_drops_sample(struct relay *r, uint64_t now);

/* Takes a last sample before the VF goes away, so its drops stay counted,
 * and forgets its raw counters (the next VF counts from zero). */
void vf_drops_detach(struct relay *r);

#endif
