/* SPDX-License-Identifier: BSD-3-Clause */
/* One-way latency of a stream as a histogram, for percentiles.  Pure C, no
 * DPDK.
 *
 * Log-linear buckets over nanoseconds, as HdrHistogram does: values below
 * 64 ns have a bucket each; above, every power of two [2^e, 2^(e+1)) is
 * cut into 32 equal buckets, so a percentile is within 1/32 (about 3%) of
 * the true value.  Values from 2^LG_LAT_MAX_EXP ns (about 18 minutes) up
 * share the last bucket.  Recording is a shift, a count-leading-zeros and
 * an increment: cheap enough for every received packet. */
#ifndef VIO4WD_LG_LAT_H
#define VIO4WD_LG_LAT_H

#include <stdint.h>

#define LG_LAT_SUB_BITS 5 /* 32 buckets per octave */
#define LG_LAT_SUB      (1u << LG_LAT_SUB_BITS)
#define LG_LAT_MAX_EXP  40 /* 2^40 ns ~ 18 min */
/* 64 single values, 32 per octave from 2^6 to 2^MAX_EXP, one overflow */
#define LG_LAT_BUCKETS (2 * LG_LAT_SUB + (LG_LAT_MAX_EXP - LG_LAT_SUB_BITS - 1) * LG_LAT_SUB + 1)

struct lg_lat {
    uint64_t n;
    uint64_t max_ns;
    uint64_t count[LG_LAT_BUCKETS];
};

/* Bucket of a value and the range [lo, hi) of values it holds. */
unsigned lg_lat_bucket(uint64_t ns);
void lg_lat_bucket_range(unsigned b, uint64_t *lo, uint64_t *hi);

void lg_lat_record(struct lg_lat *h, uint64_t ns);

/* Adds every sample of 'from' to 'into' (for totals over streams). */
void lg_lat_merge(struct lg_lat *into, const struct lg_lat *from);

/* The q-quantile (0 < q <= 1) in nanoseconds: the middle of the bucket
 * holding the sample of rank ceil(q * n), no more than the largest sample.
 * 0 when there are none. */
double lg_lat_quantile_ns(const struct lg_lat *h, double q);

#endif
