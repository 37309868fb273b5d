/* SPDX-License-Identifier: BSD-3-Clause */
/* Latency histogram and percentiles (lg_lat.h). */
#include "lg_lat.h"

#include <math.h>

/* Values below 2 * LG_LAT_SUB have a bucket each. */
#define LINEAR_END (2u * LG_LAT_SUB)

unsigned lg_lat_bucket(uint64_t ns)
{
    if (ns < LINEAR_END)
        return (unsigned)ns;
    unsigned e = 63u - (unsigned)__builtin_clzll(ns); /* 2^e <= ns */
    if (e >= LG_LAT_MAX_EXP)
        return LG_LAT_BUCKETS - 1;
    unsigned sub = (unsigned)(ns >> (e - LG_LAT_SUB_BITS)) & (LG_LAT_SUB - 1);
    return LINEAR_END + (e - LG_LAT_SUB_BITS - 1) * LG_LAT_SUB + sub;
}

void lg_lat_bucket_range(unsigned b, uint64_t *lo, uint64_t *hi)
{
    if (b < LINEAR_END) {
        *lo = b;
        *hi = b + 1u;
        return;
    }
    if (b >= LG_LAT_BUCKETS - 1) {
        *lo = 1ull << LG_LAT_MAX_EXP;
        *hi = UINT64_MAX;
        return;
    }
    unsigned e = (b - LINEAR_END) / LG_LAT_SUB + LG_LAT_SUB_BITS + 1;
    unsigned sub = (b - LINEAR_END) % LG_LAT_SUB;
    uint64_t width = 1ull << (e - LG_LAT_SUB_BITS);
    *lo = (1ull << e) + sub * width;
    *hi = *lo + width;
}

void lg_lat_record(struct lg_lat *h, uint64_t ns)
{
    h->count[lg_lat_bucket(ns)]++;
    h->n++;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

void lg_lat_merge(struct lg_lat *into, const struct lg_lat *from)
{
    for (unsigned b = 0; b < LG_LAT_BUCKETS; b++)
        into->count[b] += from->count[b];
    into->n += from->n;
    if (from->max_ns > into->max_ns)
        into->max_ns = from->max_ns;
}

double lg_lat_quantile_ns(const struct lg_lat *h, double q)
{
    if (h->n == 0)
        return 0;
    if (q > 1)
        q = 1;
    uint64_t rank = (uint64_t)ceil(q * (double)h->n);
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned b = 0; b < LG_LAT_BUCKETS; b++) {
        seen += h->count[b];
        if (seen >= rank) {
            uint64_t lo, hi;
            lg_lat_bucket_range(b, &lo, &hi);
            double mid = b < LINEAR_END ? (double)lo : ((double)lo + (double)hi) / 2;
            return mid < (double)h->max_ns ? mid : (double)h->max_ns;
        }
    }
    return (double)h->max_ns;
}
