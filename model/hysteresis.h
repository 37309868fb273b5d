/* SPDX-License-Identifier: BSD-3-Clause */
/* The hysteresis with memory: whether a plan's sustained benefit has paid
 * for its migrations (issue 11, item 3).
 *
 * Each decision offers a plan that brings the busiest worker's load from
 * `current` down to `planned`. Part of that gain is noise: the plan was
 * solved for this sample's loads, and a sample's busiest worker is high
 * partly by chance. The rule counts only the excess
 *
 *     excess = (current - planned) - noise_z x noise_sd - min_gain
 *
 * where noise_sd is the standard deviation of the busiest worker's load,
 * measured over time by the caller. It integrates the excess over the
 * decisions (core x intervals), fading by 1/horizon a decision (loads
 * change: a benefit from long ago says little about the next intervals,
 * and a gain that hovers just above the noise must not add up for ever),
 * and acts when the sum exceeds the plan's cost: sensitivity
 * (core x interval) per migration. A plan that
 * removes 0.1 core of excess pays for two migrations in one interval at
 * sensitivity 0.05, and one that removes 0.01 core never pays before the
 * noise takes it back. The sum restarts at 0 when a plan acts and when
 * the excess is not positive (the gain disappeared: what was summed was
 * noise, or is gone).
 *
 * Urgent relief: queueing delay grows without bound as a worker's load
 * nears one core, so a busiest worker above `urgent` acts whatever the
 * cost -- when its load less one standard deviation of its noise was
 * above `urgent` in `urgent_after` decisions running (not one noisy
 * sample), and the plan brings the makespan below the line by
 * urgent_margin plus two standard deviations of the noise (a plan that leaves it near the
 * line would be undone by the next sample's noise, and moving a worker
 * that only hovers at the line is what noise alone would ask for).
 * Drift (off when tolerance is 0): a placement that drifted out of the
 * tolerance band is brought back by the few moves of a tolerant plan
 * (model/assign.h's tolerance). The band's top is (max(1, rest) +
 * tolerance) x bound, rest being the class's first plan over its bound
 * (a few large jobs may keep it above the bound for good); the class acts
 * when its busiest worker was above the band by more than band_z standard
 * deviations of the noise (its own and the bound's) in this decision and
 * the one before, and the plan removes more than band_z of them. A load
 * that drifts (a diurnal cycle: relays peaking at different hours) leaves
 * the band within a few intervals of each rebalance and does not come
 * back, so waiting for the gain to add up, as below, would leave it out
 * most of the time; the band is relative to the bound, so it holds at
 * night as at noon, where --min-gain (absolute) would be wider than the
 * band at low loads. Two decisions, not one: a single noisy sample can
 * be 3 standard deviations out.
 * Trend: a load that drifts leaves the band steadily, so the second
 * decision mostly comes after the makespan left 10% of the bound. The
 * caller fits each direction's load over its last decisions and gives the
 * rate at which the busiest worker's load over the bound rises
 * (input.trend) with its noise: when that rate is beyond trend_z of its
 * noise, the class acts at the first decision where, one decision on at
 * that rate, it would be above the band by trend_band_z deviations.
 * Stationary noise has no trend (the fit leaves out the sample that made
 * a worker the busiest), so it still waits for two decisions.
 * A job with no worker yet is placed at once, and a plan whose gain
 * beyond the noise is more than `large` of the makespan (a random or
 * stale placement) acts at once, as the instant rule did. The first
 * decision of a problem has neither history nor a measure of the noise:
 * the placement it finds is the relay's own (a start, a new class), not
 * a balanced one, so any gain above min_gain acts, as for a placement.
 *
 * Pure: the caller keeps one model_hysteresis_memory per problem (NUMA
 * class) across decisions. */
#ifndef VIO4WD_MODEL_HYSTERESIS_H
#define VIO4WD_MODEL_HYSTERESIS_H

#include <stdbool.h>
#include <stddef.h>

#include "pack.h"

struct model_hysteresis_params {
    double sensitivity;   /* cost of one migration, core x intervals; 0.05 */
    double min_gain;      /* gain that never counts, in cores; 0.02 */
    double noise_z;       /* standard deviations of noise discounted; 4
                             * (the gain compares two noisy workers, and
                             * the plan was fitted to this sample) */
    double urgent;        /* a busiest worker above it is urgent; 0.9 */
    double urgent_margin; /* urgent relief must reach urgent - margin; 0.05 */
    int urgent_after;     /* decisions running above urgent; 2 */
    double horizon;       /* intervals a benefit is remembered: the sum
                             * fades by 1/horizon a decision, so a gain
                             * that hovers just above the noise never
                             * pays; 10 */
    double large;         /* a gain beyond noise of more than this share
                             * of the makespan acts at once (a plan from a
                             * random or stale placement); 0.25 */
    double tolerance;     /* the band's width over the bound, as a share
                             * of it; 0: no drift rule; 0.05 */
    double band_z;        /* standard deviations of noise above the band
                             * before a drift acts; 3 */
    double trend_z;       /* a drift acts without waiting for a second
                             * decision out of the band when the busiest
                             * worker's load over the bound rises by more
                             * than this many standard deviations of the
                             * trend's noise; 0: never; 4 */
    double trend_band_z;  /* ... and trend_ahead decisions on, at that
                             * rate, it is above the band by more than
                             * this many standard deviations of the
                             * noise; 1 */
    double trend_ahead;   /* decisions; 1 */
};

/* What one problem remembers between decisions. Zero it to start. */
struct model_hysteresis_memory {
    double accumulated; /* excess summed since the last reset */
    int urgent_streak;  /* decisions running with the busiest worker
                             * above urgent, noise discounted */
    int decisions;      /* decisions made so far */
    int drift_streak;   /* decisions running out of the band */
    double rest;        /* the first plan's makespan over its bound: how
                             * close the class can get, a few large jobs
                             * kept apart (0: not known yet) */
    double bound_gap;   /* the caller's: how far the last plan solved
                             * stayed above the lower bound, to screen
                             * the next decisions without the solver */
    /* the caller's, in pack mode: the floor's peak (model/pack.h) */
    struct model_pack_memory pack;
};

struct model_hysteresis_input {
    double current;  /* makespan of the current placement */
    double planned;  /* of the plan (or a lower bound, to screen) */
    double noise_sd; /* standard deviation of the busiest worker's load */
    int migrations;  /* the plan's moves of jobs that have a worker */
    int unplaced;    /* jobs with no worker yet */
    double bound;    /* proven lower bound on the makespan; 0: unknown
                      * (no drift rule) */
    double bound_sd; /* standard deviation of the bound's noise: of the
                      * largest job when it alone makes the bound */
    double trend;    /* how fast current / bound rises, per decision,
                      * from the loads' fitted slopes (0: unknown) */
    double trend_sd; /* standard deviation of trend's noise (its slopes
                      * fitted on samples before this decision's, so a
                      * busiest worker high by chance now is not read
                      * as rising) */
};

enum model_hysteresis_why {
    MODEL_HYST_PLACE = 0,    /* acts: jobs without a worker */
    MODEL_HYST_URGENT,       /* acts: urgent relief */
    MODEL_HYST_PAID,         /* acts: the accumulated excess paid */
    MODEL_HYST_ACCUMULATING, /* holds: excess summed, not enough yet */
    MODEL_HYST_NO_GAIN,      /* holds: no excess beyond noise; sum reset */
    MODEL_HYST_NOTHING,      /* holds: the plan moves nothing */
    MODEL_HYST_LARGE,        /* acts: a large gain, at once */
    MODEL_HYST_FIRST,        /* acts: the first decision, any excess */
    MODEL_HYST_DRIFT,        /* acts: drifted out of the tolerance band */
};

struct model_hysteresis_verdict {
    bool act;
    int why;            /* enum model_hysteresis_why */
    double noise;       /* noise_z x noise_sd, cores */
    double excess;      /* this decision's, cores (may be negative) */
    double accumulated; /* the sum compared with the threshold */
    double threshold;   /* the plan's cost: sensitivity x migrations */
    char reason[160];
};

void model_hysteresis_defaults(struct model_hysteresis_params *p);

/* 0, or MODEL_EINVAL naming the bad parameter and its valid range. */
int model_hysteresis_check(const struct model_hysteresis_params *p, char *errbuf, size_t errlen);

/* Short name of a verdict's why ("place", "urgent", "paid",
 * "accumulating", "no-gain", "nothing-to-move", "large", "first",
 * "drift"). */
const char *model_hysteresis_why_name(int why);

/* Whether solving could pay: in->planned is a lower bound on any plan's
 * makespan (migrations unknown). When false, the caller skips the solver
 * and records the hold with model_hysteresis_step(in with planned = the
 * bound, migrations = 0), which resets the sum. */
bool model_hysteresis_may_pay(const struct model_hysteresis_params *p,
                              const struct model_hysteresis_memory *m,
                              const struct model_hysteresis_input *in);

/* One decision: updates m, fills v. */
void model_hysteresis_step(const struct model_hysteresis_params *p,
                           struct model_hysteresis_memory *m,
                           const struct model_hysteresis_input *in,
                           struct model_hysteresis_verdict *v);

#endif
