/* SPDX-License-Identifier: BSD-3-Clause */
/* rate.c - parse and format Xen-style rate limits (see rate.h). */
#include "rate.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE "as in 10Mb/s@20ms, 1GB/s or 500kB/s@50ms"

struct unit {
    const char *name;
    double bytes; /* one unit in bytes */
};

/* Longest names first, so "kB" is not read as "k" + "B". */
static const struct unit rate_units[] = {
    {"kB", 1e3},     {"MB", 1e6},     {"GB", 1e9}, {"kb", 1e3 / 8},
    {"Mb", 1e6 / 8}, {"Gb", 1e9 / 8}, {"B", 1},    {"b", 1.0 / 8},
};

static const struct unit time_units[] = {
    {"us", 1},
    {"ms", 1e3},
    {"s", 1e6},
};

static int bad(char *err, size_t errlen, const char *text, const char *why)
{
    snprintf(err, errlen,
             "rate '%s': %s; write <number><unit>/s[@<interval>], " EXAMPLE
             " (units B, kB, MB, GB or b, kb, Mb, Gb; interval in us, ms or s, default 50ms)",
             text, why);
    return -1;
}

/* A non-negative decimal number at *p ("10", "1.5"), no sign, no exponent. */
static bool number(const char **p, double *out)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    char buf[32];
    size_t len = (size_t)(s - *p);
    if (len >= sizeof(buf))
        return false;
    memcpy(buf, *p, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    *p = s;
    return true;
}

static const struct unit *unit_at(const char **p, const struct unit *units, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(units[i].name);
        if (strncmp(*p, units[i].name, len) == 0) {
            *p += len;
            return &units[i];
        }
    }
    return NULL;
}

int rate_parse(const char *text, struct vio4wd_rate *out, char *err, size_t errlen)
{
    const char *p = text;
    double value, interval = VIO4WD_RATE_DEFAULT_INTERVAL_US;
    const struct unit *u;

    if (strcmp(text, "unlimited") == 0 || strcmp(text, "-") == 0) {
        memset(out, 0, sizeof(*out));
        return 0;
    }
    if (!number(&p, &value))
        return bad(err, errlen, text, "it does not start with a number");
    u = unit_at(&p, rate_units, sizeof(rate_units) / sizeof(rate_units[0]));
    if (!u)
        return bad(err, errlen, text, "unknown unit");
    if (strncmp(p, "/s", 2) != 0)
        return bad(err, errlen, text, "the unit must be followed by /s");
    p += 2;
    if (*p == '@') {
        p++;
        double n;
        const struct unit *t;
        if (!number(&p, &n) ||
            !(t = unit_at(&p, time_units, sizeof(time_units) / sizeof(time_units[0]))))
            return bad(err, errlen, text, "the interval after @ must be a number with us, ms or s");
        interval = n * t->bytes;
    }
    if (*p != '\0')
        return bad(err, errlen, text, "unexpected text at the end");

    double bps = value * u->bytes;
    if (!(bps >= 1) || bps > (double)VIO4WD_RATE_MAX_BPS)
        return bad(err, errlen, text,
                   "the rate must be from 1 B/s to 1000 GB/s "
                   "(\"unlimited\" for no limit)");
    if (!(interval >= 1) || interval > 10e6)
        return bad(err, errlen, text, "the interval must be from 1us to 10s");
    double burst = bps * interval / 1e6;
    if (burst < VIO4WD_RATE_MIN_BURST) {
        char why[160];
        snprintf(why, sizeof(why),
                 "the burst (rate x interval) is %.0f bytes, less than one "
                 "%d-byte frame, so nothing would pass; use a longer interval",
                 burst, VIO4WD_RATE_MIN_BURST);
        return bad(err, errlen, text, why);
    }
    out->bytes_per_s = (uint64_t)(bps + 0.5);
    out->burst_bytes = (uint64_t)(burst + 0.5);
    out->interval_us = (uint32_t)(interval + 0.5);
    return 0;
}

void rate_format(const struct vio4wd_rate *r, char *buf, size_t buflen)
{
    static const struct {
        const char *name;
        uint64_t bits;
    } units[] = {
        {"Gb", 1000000000ULL},
        {"Mb", 1000000ULL},
        {"kb", 1000ULL},
    };
    if (!rate_is_limited(r)) {
        snprintf(buf, buflen, "unlimited");
        return;
    }
    uint64_t bits = r->bytes_per_s * 8;
    char rate[32];
    snprintf(rate, sizeof(rate), "%" PRIu64 "B/s", r->bytes_per_s);
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (bits % units[i].bits == 0) {
            snprintf(rate, sizeof(rate), "%" PRIu64 "%s/s", bits / units[i].bits, units[i].name);
            break;
        }
    if (r->interval_us % 1000 == 0)
        snprintf(buf, buflen, "%s@%" PRIu32 "ms", rate, r->interval_us / 1000);
    else
        snprintf(buf, buflen, "%s@%" PRIu32 "us", rate, r->interval_us);
}
