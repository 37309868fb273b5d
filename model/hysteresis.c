/* SPDX-License-Identifier: BSD-3-Clause */
/* The hysteresis with memory (see hysteresis.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "hysteresis.h"
#include "internal.h"

void model_hysteresis_defaults(struct model_hysteresis_params *p)
{
    *p = (struct model_hysteresis_params){
        .sensitivity = 0.05,
        .min_gain = 0.02,
        .noise_z = 4.0,
        .urgent = 0.9,
        .urgent_margin = 0.05,
        .urgent_after = 2,
        .horizon = 10.0,
        .large = 0.25,
        .tolerance = 0.05,
        .band_z = 3.0,
        .trend_z = 4.0,
        .trend_band_z = 1.0,
        .trend_ahead = 1.0,
    };
}

int model_hysteresis_check(const struct model_hysteresis_params *p, char *errbuf, size_t errlen)
{
    if (!isfinite(p->sensitivity) || p->sensitivity < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "sensitivity %g must be >= 0 (core x intervals per migration)",
                          p->sensitivity);
    if (!isfinite(p->min_gain) || p->min_gain < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "minimum gain %g must be >= 0 (cores)",
                          p->min_gain);
    if (!isfinite(p->noise_z) || p->noise_z < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "noise allowance %g must be >= 0 standard deviations", p->noise_z);
    if (!isfinite(p->urgent) || p->urgent <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "urgent load %g must be > 0 (cores)",
                          p->urgent);
    if (!isfinite(p->urgent_margin) || p->urgent_margin < 0.0 || p->urgent_margin >= p->urgent)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "urgent margin %g must be in [0, %g) (cores)", p->urgent_margin,
                          p->urgent);
    if (!isfinite(p->horizon) || p->horizon < 1.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "horizon %g must be >= 1 interval",
                          p->horizon);
    if (!isfinite(p->large) || p->large <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "large gain %g must be > 0", p->large);
    if (!isfinite(p->tolerance) || p->tolerance < 0.0 || p->tolerance > 1.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "tolerance %g must be in [0, 1] (a share of the lower bound)",
                          p->tolerance);
    if (!isfinite(p->band_z) || p->band_z < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "band allowance %g must be >= 0 standard deviations", p->band_z);
    if (!isfinite(p->trend_z) || p->trend_z < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "trend allowance %g must be >= 0 standard deviations", p->trend_z);
    if (!isfinite(p->trend_band_z) || p->trend_band_z < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "trend band allowance %g must be >= 0 standard deviations",
                          p->trend_band_z);
    if (!isfinite(p->trend_ahead) || p->trend_ahead < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "trend look-ahead %g must be >= 0 decisions", p->trend_ahead);
    if (p->urgent_after < 1)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "urgent relief after %d decisions: must be >= 1", p->urgent_after);
    return MODEL_OK;
}

static const char *const why_names[] = {
    "place",           "urgent", "paid",  "accumulating", "no-gain",
    "nothing-to-move", "large",  "first", "drift",
};

const char *model_hysteresis_why_name(int why)
{
    if (why < 0 || why >= (int)(sizeof(why_names) / sizeof(why_names[0])))
        return "?";
    return why_names[why];
}

/* The busiest worker is above the urgent line beyond its noise. */
static bool urgent_now(const struct model_hysteresis_params *p,
                       const struct model_hysteresis_input *in)
{
    return in->current - in->noise_sd > p->urgent;
}

/* Urgent relief applies: the streak (this decision included) is long
 * enough and the plan gets clear of the line. */
static bool urgent_relief(const struct model_hysteresis_params *p, int streak,
                          const struct model_hysteresis_input *in)
{
    return streak >= p->urgent_after &&
           in->planned <= p->urgent - p->urgent_margin - 2.0 * in->noise_sd + MODEL_LOAD_EPS;
}

static double excess_of(const struct model_hysteresis_params *p,
                        const struct model_hysteresis_input *in)
{
    return in->current - in->planned - p->noise_z * in->noise_sd - p->min_gain;
}

/* The busiest worker is above the tolerance band by more than z
 * standard deviations of its noise (and the bound's). */
static bool out_of_band(const struct model_hysteresis_params *p,
                        const struct model_hysteresis_memory *m,
                        const struct model_hysteresis_input *in, double z)
{
    double top = fmax(1.0, m->rest) + p->tolerance;
    return p->tolerance > 0.0 && in->bound > 0.0 &&
           in->current > top * in->bound + z * sqrt(in->noise_sd * in->noise_sd +
                                                    pow((1.0 + p->tolerance) * in->bound_sd, 2));
}

/* The busiest worker's load over the bound rises beyond what the noise of
 * the fitted slopes explains: a drift, which stationary noise is not. */
static bool trending(const struct model_hysteresis_params *p,
                     const struct model_hysteresis_input *in)
{
    return p->trend_z > 0.0 && in->trend > p->trend_z * in->trend_sd;
}

/* Drift: out of the band in two decisions running; or, while the load
 * trends, where the trend takes it by the next decision (out of the band
 * by trend_band_z deviations then, and the plan gains more than the noise
 * against that), so the class is rebalanced before it leaves, not one or
 * two intervals after. */
static bool drifted(const struct model_hysteresis_params *p,
                    const struct model_hysteresis_memory *m,
                    const struct model_hysteresis_input *in)
{
    struct model_hysteresis_input ahead = *in;

    if (m->drift_streak >= 1 && out_of_band(p, m, in, p->band_z) &&
        in->current - in->planned > p->band_z * in->noise_sd)
        return true;
    if (!trending(p, in))
        return false;
    ahead.current += p->trend_ahead * in->trend * in->bound;
    return out_of_band(p, m, &ahead, p->trend_band_z) &&
           ahead.current - in->planned > p->band_z * in->noise_sd;
}

bool model_hysteresis_may_pay(const struct model_hysteresis_params *p,
                              const struct model_hysteresis_memory *m,
                              const struct model_hysteresis_input *in)
{
    int streak = urgent_now(p, in) ? m->urgent_streak + 1 : 0;

    return in->unplaced > 0 || excess_of(p, in) > 0.0 || urgent_relief(p, streak, in) ||
           drifted(p, m, in) || (m->decisions == 0 && in->current - in->planned > p->min_gain);
}

void model_hysteresis_step(const struct model_hysteresis_params *p,
                           struct model_hysteresis_memory *m,
                           const struct model_hysteresis_input *in,
                           struct model_hysteresis_verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->noise = p->noise_z * in->noise_sd;
    v->excess = excess_of(p, in);
    v->threshold = p->sensitivity * in->migrations;
    m->urgent_streak = urgent_now(p, in) ? m->urgent_streak + 1 : 0;
    int ds = out_of_band(p, m, in, p->band_z) ? m->drift_streak + 1 : 0;

    if (in->unplaced > 0) {
        v->act = true;
        v->why = MODEL_HYST_PLACE;
        snprintf(v->reason, sizeof(v->reason), "%d job(s) have no worker yet", in->unplaced);
    } else if (in->migrations > 0 && urgent_relief(p, m->urgent_streak, in)) {
        v->act = true;
        v->why = MODEL_HYST_URGENT;
        snprintf(v->reason, sizeof(v->reason),
                 "urgent: busiest worker at %.3f above %.2f for %d decisions, plan %.3f",
                 in->current, p->urgent, m->urgent_streak, in->planned);
    } else if (in->migrations > 0 && drifted(p, m, in)) {
        v->act = true;
        v->why = MODEL_HYST_DRIFT;
        snprintf(v->reason, sizeof(v->reason),
                 "drift: makespan %.3f above %.0f%% over the bound %.3f by more than the noise "
                 "%.3f, plan %.3f",
                 in->current, p->tolerance * 100.0, in->bound, p->band_z * in->noise_sd,
                 in->planned);
    } else if (in->migrations > 0 && v->excess > 0.0 &&
               in->current - in->planned - v->noise > p->large * in->current) {
        v->act = true;
        v->why = MODEL_HYST_LARGE;
        snprintf(v->reason, sizeof(v->reason),
                 "makespan %.3f -> %.3f gains more than %.0f%% beyond the noise %.3f", in->current,
                 in->planned, p->large * 100.0, v->noise);
    } else if (in->migrations > 0 && m->decisions == 0 && in->current - in->planned > p->min_gain) {
        v->act = true;
        v->why = MODEL_HYST_FIRST;
        snprintf(v->reason, sizeof(v->reason),
                 "first decision: makespan %.3f -> %.3f gains more than %.3f core", in->current,
                 in->planned, p->min_gain);
    } else if (v->excess <= 0.0) {
        v->why = MODEL_HYST_NO_GAIN;
        snprintf(v->reason, sizeof(v->reason),
                 "makespan %.3f -> %.3f: gain within noise %.3f + %.3f core: keep placement",
                 in->current, in->planned, v->noise, p->min_gain);
    } else if (in->migrations == 0) {
        v->why = MODEL_HYST_NOTHING;
        snprintf(v->reason, sizeof(v->reason), "nothing to move");
    } else {
        m->accumulated = m->accumulated * (1.0 - 1.0 / p->horizon) + v->excess;
        v->accumulated = m->accumulated;
        v->act = m->accumulated > v->threshold;
        v->why = v->act ? MODEL_HYST_PAID : MODEL_HYST_ACCUMULATING;
        snprintf(v->reason, sizeof(v->reason),
                 "makespan %.3f -> %.3f: %.3f core x interval accumulated, %s the %.3f "
                 "%d migration(s) cost%s",
                 in->current, in->planned, m->accumulated, v->act ? "beyond" : "short of",
                 v->threshold, in->migrations, v->act ? "" : ": keep placement");
    }
    if (v->act || v->why == MODEL_HYST_NO_GAIN || v->why == MODEL_HYST_NOTHING) {
        if (v->accumulated == 0.0)
            v->accumulated = m->accumulated;
        m->accumulated = 0.0;
    }
    m->drift_streak = v->act ? 0 : ds;
    if (v->act)
        m->urgent_streak = 0;
    if (v->act && m->decisions == 0 && in->bound > 0.0)
        m->rest = in->planned / in->bound;
    m->decisions++;
}
