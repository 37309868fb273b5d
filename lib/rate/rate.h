/* SPDX-License-Identifier: BSD-3-Clause */
/* rate.h - rate limits in the syntax of Xen's vif 'rate=' option.
 *
 *     <number><unit>/s[@<interval>]     10Mb/s@20ms   1GB/s   500kB/s@50ms
 *
 * Units: B, kB, MB, GB (bytes) and b, kb, Mb, Gb (bits), decimal prefixes
 * (k = 1000), per second. The interval (us, ms or s; default 50 ms) sets the
 * burst: rate x interval bytes may pass at once after a quiet spell.
 * "unlimited" (or "-") is no limit. No DPDK here: the relay, the tools and
 * the configuration parser share it.
 */
#ifndef VIO4WD_RATE_H
#define VIO4WD_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIO4WD_RATE_DEFAULT_INTERVAL_US 50000
#define VIO4WD_RATE_MIN_BURST           1518                           /* one full Ethernet frame */
#define VIO4WD_RATE_MAX_BPS             (1000ULL * 1000 * 1000 * 1000) /* 1 TB/s */
#define VIO4WD_RATE_TEXT_MAX            48

struct vio4wd_rate {
    uint64_t bytes_per_s; /* 0: unlimited */
    uint64_t burst_bytes; /* bytes_per_s * interval */
    uint32_t interval_us;
};

/* Parses one rate. Returns 0, or -1 with err naming the value, what is
 * wrong and an example. */
int rate_parse(const char *text, struct vio4wd_rate *out, char *err, size_t errlen);

/* The text form, "10Mb/s@20ms" style (bits, the largest unit that keeps
 * the number whole), or "unlimited". Parses back to the same rate. */
void rate_format(const struct vio4wd_rate *r, char *buf, size_t buflen);

static inline bool rate_is_limited(const struct vio4wd_rate *r)
{
    return r->bytes_per_s != 0;
}

#endif
