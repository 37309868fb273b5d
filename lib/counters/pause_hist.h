/* SPDX-License-Identifier: BSD-3-Clause */
/* pause_hist.h - handover pauses in the counters file: how a pause in TSC
 * cycles goes into a direction block (the relay's new owner worker) and
 * how readers turn the block back into microseconds. No DPDK, no I/O.
 *
 * Histogram buckets (VIO4WD_CNT_PAUSE_BUCKETS = 12), by the pause in
 * microseconds, powers of two:
 *   bucket 0:       pause <    1 us
 *   bucket i, 1..10: 2^(i-1) <= pause < 2^i us  (1-2, 2-4, ..., 512-1024)
 *   bucket 11:      pause >= 1024 us (over a millisecond)
 * vio4wd_pause_bucket_le_us(i) is bucket i's upper edge (INFINITY for the
 * last), the "le" of a Prometheus histogram.
 */
#ifndef VIO4WD_PAUSE_HIST_H
#define VIO4WD_PAUSE_HIST_H

#include <stdint.h>

#include "counters.h"

/* The bucket of a pause of 'cycles' at tsc_hz ticks per second. With
 * tsc_hz 0 (unknown) every pause is counted in the last bucket. */
unsigned vio4wd_pause_bucket(uint64_t cycles, uint64_t tsc_hz);

/* Upper edge of bucket i in microseconds: 1, 2, 4, ... 1024, INFINITY. */
double vio4wd_pause_bucket_le_us(unsigned i);

/* cycles in microseconds at tsc_hz (0 when tsc_hz is 0). */
double vio4wd_pause_us(uint64_t cycles, uint64_t tsc_hz);

/* Writer side: adds one pause to a direction block (max, last, sum and
 * histogram). The caller is the block's single writer and holds its seq
 * odd around the call. */
void vio4wd_pause_record(struct vio4wd_cnt_dir *c, uint64_t cycles, uint64_t tsc_hz);

/* Reader side: the number of pauses a block recorded (the histogram's
 * total). */
uint64_t vio4wd_pause_count(const struct vio4wd_cnt_dir *c);

#endif
