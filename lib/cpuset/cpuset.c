/* SPDX-License-Identifier: BSD-3-Clause */
/* cpuset.c - CPU sets and their "1,2" / "2-5" / "0x6" text forms. */
#include "cpuset.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cpuset_clear(struct vio4wd_cpuset *set)
{
    memset(set, 0, sizeof(*set));
}

void cpuset_add(struct vio4wd_cpuset *set, unsigned cpu)
{
    if (cpu < VIO4WD_MAX_CPUS)
        set->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool cpuset_has(const struct vio4wd_cpuset *set, unsigned cpu)
{
    return cpu < VIO4WD_MAX_CPUS && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned cpuset_count(const struct vio4wd_cpuset *set)
{
    unsigned n = 0;
    for (size_t i = 0; i < sizeof(set->bits) / sizeof(set->bits[0]); i++)
        n += (unsigned)__builtin_popcountll(set->bits[i]);
    return n;
}

bool cpuset_is_empty(const struct vio4wd_cpuset *set)
{
    return cpuset_count(set) == 0;
}

bool cpuset_is_subset(const struct vio4wd_cpuset *sub, const struct vio4wd_cpuset *of)
{
    for (size_t i = 0; i < sizeof(sub->bits) / sizeof(sub->bits[0]); i++)
        if (sub->bits[i] & ~of->bits[i])
            return false;
    return true;
}

int cpuset_next(const struct vio4wd_cpuset *set, unsigned from)
{
    for (unsigned cpu = from; cpu < VIO4WD_MAX_CPUS; cpu++) {
        uint64_t word = set->bits[cpu / 64] >> (cpu % 64);
        if (word == 0) {
            cpu |= 63; /* skip the rest of an empty word */
            continue;
        }
        return (int)(cpu + (unsigned)__builtin_ctzll(word));
    }
    return -1;
}

static int parse_hex_mask(const char *text, struct vio4wd_cpuset *set, char *err, size_t errlen)
{
    const char *digits = text + 2;
    size_t n = strlen(digits);

    if (n == 0) {
        snprintf(err, errlen, "'%s' has no hex digits after 0x", text);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = digits[n - 1 - i]; /* least significant digit first */
        if (!isxdigit((unsigned char)c)) {
            snprintf(err, errlen, "'%s' is not a hex bitmap (bad digit '%c')", text, c);
            return -1;
        }
        unsigned nibble =
            (unsigned)(isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10);
        for (unsigned b = 0; b < 4; b++) {
            if (!(nibble & (1u << b)))
                continue;
            unsigned cpu = (unsigned)i * 4 + b;
            if (cpu >= VIO4WD_MAX_CPUS) {
                snprintf(err, errlen, "the hex bitmap sets CPU %u; CPUs go up to %d", cpu,
                         VIO4WD_MAX_CPUS - 1);
                return -1;
            }
            cpuset_add(set, cpu);
        }
    }
    return 0;
}

/* Reads a CPU number at *p. Returns -1 when there is none or it is too big. */
static long parse_cpu_number(const char **p)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    errno = 0;
    char *end;
    long v = strtol(*p, &end, 10);
    if (errno || v >= VIO4WD_MAX_CPUS)
        return -1;
    *p = end;
    return v;
}

static int parse_cpu_list(const char *text, struct vio4wd_cpuset *set, char *err, size_t errlen)
{
    const char *p = text;

    for (;;) {
        const char *item = p;
        long first = parse_cpu_number(&p);
        long last = first;
        if (first >= 0 && *p == '-') {
            p++;
            last = parse_cpu_number(&p);
        }
        if (first < 0 || last < 0 || (*p != ',' && *p != '\0')) {
            size_t len = strcspn(item, ",");
            snprintf(
                err, errlen,
                "'%.*s' is not a CPU number or range (CPUs are 0..%d, as in 1,2 or 2-5 or 0x6)",
                (int)len, item, VIO4WD_MAX_CPUS - 1);
            return -1;
        }
        if (last < first) {
            snprintf(err, errlen, "range %ld-%ld runs backwards", first, last);
            return -1;
        }
        for (long cpu = first; cpu <= last; cpu++)
            cpuset_add(set, (unsigned)cpu);
        if (*p == '\0')
            return 0;
        p++; /* the comma */
    }
}

int cpuset_parse(const char *text, struct vio4wd_cpuset *set, char *err, size_t errlen)
{
    cpuset_clear(set);
    if (text[0] == '\0') {
        snprintf(err, errlen, "the CPU list is empty");
        return -1;
    }
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        return parse_hex_mask(text, set, err, errlen);
    return parse_cpu_list(text, set, err, errlen);
}

void cpuset_format(const struct vio4wd_cpuset *set, char *buf, size_t buflen)
{
    size_t used = 0;
    if (buflen == 0)
        return;
    buf[0] = '\0';
    for (int first = cpuset_next(set, 0); first >= 0;) {
        int last = first;
        while (last + 1 < VIO4WD_MAX_CPUS && cpuset_has(set, (unsigned)last + 1))
            last++;
        int n = last == first
                    ? snprintf(buf + used, buflen - used, "%s%d", used ? "," : "", first)
                    : snprintf(buf + used, buflen - used, "%s%d-%d", used ? "," : "", first, last);
        if (n < 0 || (size_t)n >= buflen - used)
            return; /* truncated, still NUL-terminated */
        used += (size_t)n;
        first = cpuset_next(set, (unsigned)last + 1);
    }
}

int cpuset_host_online(struct vio4wd_cpuset *set)
{
    char line[4096], err[128];
    FILE *f = fopen("/sys/devices/system/cpu/online", "r");

    if (!f)
        return -1;
    char *ok = fgets(line, sizeof(line), f);
    fclose(f);
    if (!ok)
        return -1;
    line[strcspn(line, "\n")] = '\0';
    return cpuset_parse(line, set, err, sizeof(err));
}
