/* SPDX-License-Identifier: BSD-3-Clause */
/* Rate profiles and the small parsers the load generator's command line
 * needs.  Pure C, no DPDK, so that it is unit-tested on its own.
 *
 * A profile is a list of points (time, rate).  Point 0 is always (0, base
 * rate).  A STEP profile holds each rate until the next point; a RAMP profile
 * moves linearly from one point to the next.  After the last point the rate
 * stays at the last point's rate.  CONST is a profile with just point 0. */
#ifndef VIO4WD_LG_PROFILE_H
#define VIO4WD_LG_PROFILE_H

#include <stddef.h>

#define LG_PROF_MAX_POINTS 32
#define LG_RATE_MAX        100e6 /* pps; far above what one core can make */

enum lg_prof_kind {
    LG_PROF_CONST,
    LG_PROF_STEP,
    LG_PROF_RAMP,
};

struct lg_profile {
    enum lg_prof_kind kind;
    int npoints;                         /* >= 1 */
    double t[LG_PROF_MAX_POINTS + 1];    /* seconds, t[0] = 0, increasing */
    double rate[LG_PROF_MAX_POINTS + 1]; /* packets per second */
    double cum[LG_PROF_MAX_POINTS + 1];  /* packets sent by t[i] */
};

/* "2M", "1.5M", "500k", "64000" -> packets per second (k = 1e3, M = 1e6,
 * G = 1e9).  Returns 0 or -1. */
int lg_parse_rate(const char *s, double *pps);

/* "10", "10s", "500ms", "2min" -> seconds.  Returns 0 or -1. */
int lg_parse_seconds(const char *s, double *sec);

/* Parse "const", "step:T1:R1[:T2:R2...]" or "ramp:T1:R1[:T2:R2...]" with
 * base_rate as the rate at t = 0.  On error returns -1 and writes what is
 * wrong and what is valid to err. */
int lg_profile_parse(struct lg_profile *p, double base_rate, const char *spec, char *err,
                     size_t errlen);

/* A constant profile at rate pps. */
void lg_profile_const(struct lg_profile *p, double pps);

/* Rate at time t (seconds since traffic started). */
double lg_profile_rate(const struct lg_profile *p, double t);

/* Packets that the profile asks for in [0, t): the integral of the rate. */
double lg_profile_count(const struct lg_profile *p, double t);

/* Highest rate anywhere in the profile. */
double lg_profile_peak(const struct lg_profile *p);

/* Human-readable description, e.g. "step 0s:2M 10s:500k". */
void lg_profile_describe(const struct lg_profile *p, char *buf, size_t len);

/* "2.00M", "500k", "64" */
void lg_format_rate(double pps, char *buf, size_t len);

#endif
