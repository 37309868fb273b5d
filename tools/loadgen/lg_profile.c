/* SPDX-License-Identifier: BSD-3-Clause */
/* Rate profiles: parsing and evaluation.  See lg_profile.h. */
#include "lg_profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lg_parse_rate(const char *s, double *pps)
{
    char *end;
    double v, mult = 1;

    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || !isfinite(v))
        return -1;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        mult = 1e3;
        end++;
        break;
    case 'M':
        mult = 1e6;
        end++;
        break;
    case 'G':
        mult = 1e9;
        end++;
        break;
    default:
        return -1;
    }
    /* Tolerate an explicit unit, "2Mpps" or "500kpps", as people write it. */
    if (strcmp(end, "pps") == 0)
        end += 3;
    if (*end != '\0')
        return -1;
    v *= mult;
    if (v < 0 || v > LG_RATE_MAX)
        return -1;
    *pps = v;
    return 0;
}

int lg_parse_seconds(const char *s, double *sec)
{
    char *end;
    double v, mult = 1;

    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || !isfinite(v) || v < 0)
        return -1;
    if (*end == '\0' || strcmp(end, "s") == 0)
        mult = 1;
    else if (strcmp(end, "ms") == 0)
        mult = 1e-3;
    else if (strcmp(end, "us") == 0)
        mult = 1e-6;
    else if (strcmp(end, "min") == 0)
        mult = 60;
    else
        return -1;
    *sec = v * mult;
    return 0;
}

/* Precompute the packets sent by each point so that lg_profile_count() is a
 * short scan and not a sum over all segments each time. */
static void profile_finish(struct lg_profile *p)
{
    p->cum[0] = 0;
    for (int i = 1; i < p->npoints; i++) {
        double dt = p->t[i] - p->t[i - 1];
        double seg;

        if (p->kind == LG_PROF_RAMP)
            seg = dt * (p->rate[i - 1] + p->rate[i]) / 2;
        else
            seg = dt * p->rate[i - 1];
        p->cum[i] = p->cum[i - 1] + seg;
    }
}

void lg_profile_const(struct lg_profile *p, double pps)
{
    memset(p, 0, sizeof(*p));
    p->kind = LG_PROF_CONST;
    p->npoints = 1;
    p->t[0] = 0;
    p->rate[0] = pps;
    profile_finish(p);
}

int lg_profile_parse(struct lg_profile *p, double base_rate, const char *spec, char *err,
                     size_t errlen)
{
    static const char valid[] =
        "valid: const | step:T:RATE[:T:RATE...] | ramp:T:RATE[:T:RATE...] "
        "with times like 10s or 500ms, increasing, and rates like 500k or 2M";
    char buf[1024];
    char *save = NULL, *tok;
    int n;

    lg_profile_const(p, base_rate);
    if (spec == NULL || strcmp(spec, "const") == 0 || *spec == '\0')
        return 0;
    if (strlen(spec) >= sizeof(buf)) {
        snprintf(err, errlen, "profile is too long (%zu characters); %s", strlen(spec), valid);
        return -1;
    }
    strcpy(buf, spec);

    tok = strtok_r(buf, ":", &save);
    if (tok != NULL && strcmp(tok, "step") == 0)
        p->kind = LG_PROF_STEP;
    else if (tok != NULL && strcmp(tok, "ramp") == 0)
        p->kind = LG_PROF_RAMP;
    else {
        snprintf(err, errlen, "unknown profile kind '%s'; %s", tok ? tok : "", valid);
        return -1;
    }

    n = 1;
    while ((tok = strtok_r(NULL, ":", &save)) != NULL) {
        char *rtok = strtok_r(NULL, ":", &save);
        double t, r;

        if (n > LG_PROF_MAX_POINTS) {
            snprintf(err, errlen, "too many points in profile (at most %d)", LG_PROF_MAX_POINTS);
            return -1;
        }
        if (lg_parse_seconds(tok, &t) < 0) {
            snprintf(err, errlen, "bad time '%s' in profile; %s", tok, valid);
            return -1;
        }
        if (rtok == NULL) {
            snprintf(err, errlen, "time '%s' in profile has no rate after it; %s", tok, valid);
            return -1;
        }
        if (lg_parse_rate(rtok, &r) < 0) {
            snprintf(err, errlen, "bad rate '%s' in profile (0 to %.0fM pps); %s", rtok,
                     LG_RATE_MAX / 1e6, valid);
            return -1;
        }
        if (t <= p->t[n - 1]) {
            snprintf(err, errlen,
                     "time '%s' in profile is not after the "
                     "previous point (times must increase and start after 0); %s",
                     tok, valid);
            return -1;
        }
        p->t[n] = t;
        p->rate[n] = r;
        n++;
    }
    if (n == 1) {
        snprintf(err, errlen, "profile '%s' has no points; %s", spec, valid);
        return -1;
    }
    p->npoints = n;
    profile_finish(p);
    return 0;
}

/* Index of the segment that contains t: the last point with t[i] <= t. */
static int profile_seg(const struct lg_profile *p, double t)
{
    int i = 0;

    while (i + 1 < p->npoints && p->t[i + 1] <= t)
        i++;
    return i;
}

double lg_profile_rate(const struct lg_profile *p, double t)
{
    int i;

    if (t < 0)
        t = 0;
    i = profile_seg(p, t);
    if (p->kind == LG_PROF_RAMP && i + 1 < p->npoints) {
        double f = (t - p->t[i]) / (p->t[i + 1] - p->t[i]);
        return p->rate[i] + f * (p->rate[i + 1] - p->rate[i]);
    }
    return p->rate[i];
}

double lg_profile_count(const struct lg_profile *p, double t)
{
    int i;
    double dt;

    if (t <= 0)
        return 0;
    i = profile_seg(p, t);
    dt = t - p->t[i];
    if (p->kind == LG_PROF_RAMP && i + 1 < p->npoints) {
        /* trapezoid from t[i] to t: average of the two end rates */
        return p->cum[i] + dt * (p->rate[i] + lg_profile_rate(p, t)) / 2;
    }
    return p->cum[i] + dt * p->rate[i];
}

double lg_profile_peak(const struct lg_profile *p)
{
    double m = 0;

    for (int i = 0; i < p->npoints; i++)
        if (p->rate[i] > m)
            m = p->rate[i];
    return m;
}

void lg_format_rate(double pps, char *buf, size_t len)
{
    if (pps >= 1e6)
        snprintf(buf, len, "%.3gM", pps / 1e6);
    else if (pps >= 1e3)
        snprintf(buf, len, "%.3gk", pps / 1e3);
    else
        snprintf(buf, len, "%.3g", pps);
}

void lg_profile_describe(const struct lg_profile *p, char *buf, size_t len)
{
    static const char *names[] = {"const", "step", "ramp"};
    size_t off;
    int i;

    off = (size_t)snprintf(buf, len, "%s", names[p->kind]);
    for (i = 0; i < p->npoints && off < len; i++) {
        char r[32];

        lg_format_rate(p->rate[i], r, sizeof(r));
        off += (size_t)snprintf(buf + off, len - off, " %gs:%s", p->t[i], r);
    }
}
