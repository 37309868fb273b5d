/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: a rate limit's text -> rate_parse, and back.
 *
 * Whatever the bytes, the parser returns 0 or -1 with a message that names
 * the value and shows an example; an accepted rate is within its bounds and
 * survives rate_format -> rate_parse unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128], err[512] = "", buf[64];
    struct vio4wd_rate r, back;

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (rate_parse(text, &r, err, sizeof(err)) != 0) {
        if (!strstr(err, "10Mb/s@20ms"))
            __builtin_trap(); /* every rejection shows an example */
        return 0;
    }
    if (!rate_is_limited(&r))
        return 0;
    if (r.bytes_per_s > VIO4WD_RATE_MAX_BPS || r.burst_bytes < VIO4WD_RATE_MIN_BURST ||
        r.interval_us < 1 || r.interval_us > 10000000)
        __builtin_trap();
    rate_format(&r, buf, sizeof(buf));
    if (rate_parse(buf, &back, err, sizeof(err)) != 0 || back.bytes_per_s != r.bytes_per_s ||
        back.interval_us != r.interval_us)
        __builtin_trap();
    return 0;
}
