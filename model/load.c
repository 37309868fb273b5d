/* SPDX-License-Identifier: BSD-3-Clause */
/* Counter snapshots to per-direction demand. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "load.h"

/* Upper limits on what a counter can plausibly advance per second.  They
 * tell a counter that wrapped past 2^64 (small forward step) from one that
 * restarted at zero (huge step once taken modulo 2^64). */
#define MAX_PACKETS_PER_S 2e9  /* > 1.6 Tb/s of 64-byte frames */
#define MAX_BYTES_PER_S   2e12 /* 16 Tb/s */

void model_load_defaults(struct model_load_params *params)
{
    *params = (struct model_load_params){
        .tau_s = 10.0,
        .full_burst_ratio = 0.1,
        .saturation_boost = 0.25,
        .max_demand = 1.0,
        .outlier_rel = 0.5,
        .outlier_abs = 0.05,
    };
}

int model_load_check_params(const struct model_load_params *p, char *errbuf, size_t errlen)
{
    if (p == NULL)
        return MODEL_OK;
    if (!isfinite(p->tau_s) || p->tau_s < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "EWMA time constant %g s must be >= 0",
                          p->tau_s);
    if (!isfinite(p->full_burst_ratio) || p->full_burst_ratio <= 0.0 || p->full_burst_ratio > 1.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "full-burst ratio %g must be in (0, 1]",
                          p->full_burst_ratio);
    if (!isfinite(p->saturation_boost) || p->saturation_boost < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "saturation boost %g must be >= 0",
                          p->saturation_boost);
    if (!isfinite(p->max_demand) || p->max_demand <= 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "maximum demand %g must be > 0",
                          p->max_demand);
    if (!isfinite(p->outlier_rel) || p->outlier_rel < 0.0 || !isfinite(p->outlier_abs) ||
        p->outlier_abs < 0.0)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "outlier thresholds %g/%g must be >= 0",
                          p->outlier_rel, p->outlier_abs);
    return MODEL_OK;
}

double model_load_linear(enum model_dir dir, double pps, double Bps)
{
    double a = dir == MODEL_DIR_VM_TO_VF ? MODEL_LOAD_A_VM_TO_VF : MODEL_LOAD_A_VF_TO_VM;
    double b = dir == MODEL_DIR_VM_TO_VF ? MODEL_LOAD_B_VM_TO_VF : MODEL_LOAD_B_VF_TO_VM;
    return a * pps * 1e-6 + b * Bps * 1e-6;
}

/* Advance of a monotonic counter.  Unsigned subtraction already handles a
 * wrap past 2^64; a step that is implausibly large for the interval means
 * the counter went back to zero (relay restart).  Returns false then. */
static bool advance(uint64_t prev, uint64_t cur, double limit, uint64_t *d)
{
    *d = cur - prev;
    if (cur >= prev)
        return true;
    return (double)*d <= limit;
}

/* A rate-limited direction never forwards more than its limit, so its
 * demand is at most the load of forwarding at the limit: the measured cost
 * per received byte times the limit. What it measures is still real work
 * (policing packets over the limit costs cycles), so the cap never goes
 * below the measurement. */
static void limit_demand(uint64_t limit_Bps, uint64_t bytes, double secs,
                         struct model_load_sample *out)
{
    if (limit_Bps == 0 || bytes == 0 || secs <= 0.0)
        return;
    double at_limit = out->measured * (double)limit_Bps * secs / (double)bytes;
    double cap = at_limit > out->measured ? at_limit : out->measured;
    if (out->demand > cap) {
        out->demand = cap;
        out->reason = "rate limited: demand capped at the limit";
    }
}

int model_load_sample(const struct model_counters *prev, const struct model_counters *cur,
                      enum model_dir dir, const struct model_load_params *params,
                      struct model_load_sample *out, char *errbuf, size_t errlen)
{
    struct model_load_params def;
    uint64_t dt, pk, by, qf, nc, rl, busy, bursts, full;
    double secs, pk_lim, by_lim, busy_lim;
    int ret;

    if (prev == NULL || cur == NULL || out == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "missing argument");
    if (dir != MODEL_DIR_VM_TO_VF && dir != MODEL_DIR_VF_TO_VM)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "direction %d is neither VM->VF (0) nor VF->VM (1)", (int)dir);
    if (params == NULL) {
        model_load_defaults(&def);
        params = &def;
    }
    ret = model_load_check_params(params, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;
    if (cur->tsc_hz == 0)
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "snapshot tsc_hz is 0: cannot turn cycles into "
                          "time");

    memset(out, 0, sizeof(*out));
    if (prev->tsc_hz != cur->tsc_hz) {
        out->reason = "TSC rate changed: new baseline";
        return MODEL_OK;
    }
    if (cur->tsc == prev->tsc) {
        out->reason = "no time elapsed between snapshots";
        return MODEL_OK;
    }
    if (cur->tsc < prev->tsc) {
        /* 2^64 TSC cycles is centuries; going back is a restart. */
        out->reason = "TSC went backwards: relay or host restarted";
        return MODEL_OK;
    }
    dt = cur->tsc - prev->tsc;
    secs = (double)dt / (double)cur->tsc_hz;
    pk_lim = MAX_PACKETS_PER_S * secs;
    by_lim = MAX_BYTES_PER_S * secs;
    busy_lim = (double)dt * 1.01 + 1e6;

    if (!advance(prev->packets, cur->packets, pk_lim, &pk) ||
        !advance(prev->bytes, cur->bytes, by_lim, &by) ||
        !advance(prev->drops_queue_full, cur->drops_queue_full, pk_lim, &qf) ||
        !advance(prev->drops_not_connected, cur->drops_not_connected, pk_lim, &nc) ||
        !advance(prev->drops_rate_limited, cur->drops_rate_limited, pk_lim, &rl) ||
        !advance(prev->rx_bursts, cur->rx_bursts, pk_lim, &bursts) ||
        !advance(prev->rx_bursts_full, cur->rx_bursts_full, pk_lim, &full) ||
        ((prev->has_cycles && cur->has_cycles) &&
         !advance(prev->busy_cycles, cur->busy_cycles, busy_lim, &busy))) {
        out->reason = "counters went backwards: relay restarted";
        return MODEL_OK;
    }
    (void)nc;

    out->valid = true;
    out->interval_s = secs;
    out->from_cycles = prev->has_cycles && cur->has_cycles;
    if (out->from_cycles) {
        out->measured = (double)busy / (double)dt;
        /* Snapshot skew can push the ratio a hair past one core. */
        if (out->measured > 1.0)
            out->measured = 1.0;
    } else {
        out->measured = model_load_linear(dir, (double)pk / secs, (double)by / secs);
    }
    out->demand = out->measured;

    /* Peer-queue-full drops: the work for the dropped share was never
     * done, so scale up by what was received over what got through.
     * Not-connected drops are ignored: nobody is there to serve. */
    if (qf > 0) {
        double kept = pk > qf ? (double)(pk - qf) / (double)pk : 0.0;
        double d = kept > 0.0 ? out->measured / kept : params->max_demand;
        out->saturated = true;
        out->reason = "saturated: peer queue full drops";
        if (d > out->demand)
            out->demand = d;
    }
    /* Full receive bursts: the ring holds more than the worker takes per
     * poll, so the input rate is unknown but higher than measured. */
    if (bursts > 0 && rl == 0 && (double)full / (double)bursts >= params->full_burst_ratio) {
        double d = out->measured * (1.0 + params->saturation_boost);
        out->saturated = true;
        out->reason = "saturated: receive bursts come back full";
        if (d > out->demand)
            out->demand = d;
    }
    limit_demand(cur->rate_limit_Bps, by, secs, out);
    if (out->demand > params->max_demand)
        out->demand = params->max_demand;
    return MODEL_OK;
}

void model_load_init(struct model_load_state *st, enum model_dir dir)
{
    memset(st, 0, sizeof(*st));
    st->dir = dir;
}

static void apply(struct model_load_state *st, const struct model_load_sample *s,
                  const struct model_load_params *p)
{
    /* Exponential decay per second, not per sample, so the smoothing does
     * not change with the poll interval. */
    double alpha = p->tau_s > 0.0 ? 1.0 - exp(-s->interval_s / p->tau_s) : 1.0;
    if (!st->have_estimate) {
        st->estimate = s->demand;
        st->have_estimate = true;
    } else {
        st->estimate += alpha * (s->demand - st->estimate);
    }
    st->saturated = s->saturated;
    st->samples++;
}

static bool is_outlier(const struct model_load_state *st, const struct model_load_sample *s,
                       const struct model_load_params *p)
{
    double dev = fabs(s->demand - st->estimate);
    double thr = p->outlier_rel * st->estimate;
    if (thr < p->outlier_abs)
        thr = p->outlier_abs;
    return dev > thr;
}

int model_load_update(struct model_load_state *st, const struct model_counters *cur,
                      const struct model_load_params *params, struct model_load_sample *sample,
                      char *errbuf, size_t errlen)
{
    struct model_load_params def;
    struct model_load_sample s;
    int ret;

    if (st == NULL || cur == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "missing argument");
    if (params == NULL) {
        model_load_defaults(&def);
        params = &def;
    }
    if (!st->have_prev) {
        if (cur->tsc_hz == 0)
            return model_fail(errbuf, errlen, MODEL_EINVAL,
                              "snapshot tsc_hz is 0: cannot turn cycles "
                              "into time");
        ret = model_load_check_params(params, errbuf, errlen);
        if (ret != MODEL_OK)
            return ret;
        st->prev = *cur;
        st->have_prev = true;
        memset(&s, 0, sizeof(s));
        s.reason = "first snapshot: baseline";
        goto done;
    }

    ret = model_load_sample(&st->prev, cur, st->dir, params, &s, errbuf, errlen);
    if (ret != MODEL_OK)
        return ret;
    if (!s.valid) {
        /* Keep the old baseline only while no time has passed; after a
         * restart the new counters are the only meaningful reference. */
        if (cur->tsc != st->prev.tsc)
            st->prev = *cur;
        goto done;
    }
    st->prev = *cur;

    if (!st->have_estimate) {
        apply(st, &s, params);
    } else if (is_outlier(st, &s, params)) {
        bool same_side = st->have_pending && is_outlier(st, &st->pending, params) &&
                         (st->pending.demand > st->estimate) == (s.demand > st->estimate);
        if (same_side) {
            /* Confirmed: it was a change, not noise.  Take both. */
            apply(st, &st->pending, params);
            apply(st, &s, params);
            st->have_pending = false;
        } else {
            st->pending = s;
            st->have_pending = true;
            s.held = true;
            s.reason = "outlier held until the next sample confirms it";
        }
    } else {
        /* A lone outlier followed by a normal sample was noise. */
        st->have_pending = false;
        apply(st, &s, params);
    }
done:
    if (sample != NULL)
        *sample = s;
    return MODEL_OK;
}

double model_load_demand(const struct model_load_state *st)
{
    return st != NULL && st->have_estimate ? st->estimate : 0.0;
}
