/* SPDX-License-Identifier: BSD-3-Clause */
/* pause_hist.c - handover pauses in the counters file (pause_hist.h). */
#include "pause_hist.h"

#include <math.h>

#define LAST (VIO4WD_CNT_PAUSE_BUCKETS - 1)

unsigned vio4wd_pause_bucket(uint64_t cycles, uint64_t tsc_hz)
{
    if (!tsc_hz)
        return LAST;
    /* pause < 2^i us  <=>  cycles * 10^6 < tsc_hz * 2^i; 128-bit so that
     * neither side can overflow, whatever the pause. */
    unsigned __int128 scaled = (unsigned __int128)cycles * 1000000u;
    for (unsigned i = 0; i < LAST; i++)
        if (scaled < ((unsigned __int128)tsc_hz << i))
            return i;
    return LAST;
}

double vio4wd_pause_bucket_le_us(unsigned i)
{
    return i >= LAST ? INFINITY : ldexp(1.0, (int)i);
}

double vio4wd_pause_us(uint64_t cycles, uint64_t tsc_hz)
{
    return tsc_hz ? (double)cycles * 1e6 / (double)tsc_hz : 0.0;
}

void vio4wd_pause_record(struct vio4wd_cnt_dir *c, uint64_t cycles, uint64_t tsc_hz)
{
    if (cycles > c->pause_max_cycles)
        c->pause_max_cycles = cycles;
    c->pause_last_cycles = cycles;
    c->pause_sum_cycles += cycles;
    c->pause_hist[vio4wd_pause_bucket(cycles, tsc_hz)]++;
}

uint64_t vio4wd_pause_count(const struct vio4wd_cnt_dir *c)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < VIO4WD_CNT_PAUSE_BUCKETS; i++)
        n += c->pause_hist[i];
    return n;
}
