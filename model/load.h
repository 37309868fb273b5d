/* SPDX-License-Identifier: BSD-3-Clause */
/* Load model: from two counter snapshots of one relay direction to the
 * fraction of one core that direction demands.
 *
 * The measured load is busy TSC cycles over elapsed TSC cycles.  Counters
 * without cycles (an older relay) fall back to upstream's linear model,
 * a * Mpps + b * MB/s.  A saturated direction (drops because the peer queue
 * was full, or receive bursts that came back full) demands more than it
 * measures, so its demand is raised above the measurement.  A rate-limited
 * direction demands at most what its limit lets through: the raise stops
 * there, and drops over the limit (or the full bursts of a source sending
 * above it) are not saturation.  An EWMA whose
 * time constant is in seconds, behind a one-sample outlier gate, turns the
 * samples into the estimate the solver uses.
 *
 * The input is this module's own plain struct: the scheduler converts the
 * relay's shared-memory counters into it, so model/ does not depend on that
 * layout. */
#ifndef VIO4WD_MODEL_LOAD_H
#define VIO4WD_MODEL_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum model_dir {
    MODEL_DIR_VM_TO_VF = 0,
    MODEL_DIR_VF_TO_VM = 1,
};

/* One direction's monotonic counters at one instant. */
struct model_counters {
    uint64_t packets;             /* packets received by the direction */
    uint64_t bytes;               /* bytes received */
    uint64_t drops_queue_full;    /* of those, dropped: peer queue full */
    uint64_t drops_not_connected; /* of those, dropped: peer not there */
    uint64_t drops_rate_limited;  /* of those, dropped: over the rate limit */
    uint64_t rate_limit_Bps;      /* the direction's rate limit, 0 = none */
    uint64_t busy_cycles;         /* TSC cycles spent servicing it */
    bool has_cycles;              /* busy_cycles is meaningful */
    uint64_t rx_bursts;           /* receive bursts that returned packets */
    uint64_t rx_bursts_full;      /* of those, bursts that came back full */
    uint64_t tsc;                 /* TSC when the snapshot was taken */
    uint64_t tsc_hz;              /* TSC frequency */
};

/* Upstream coefficients (docs/ARCHITECTURE.md, "7. The scheduler", load
 * model): core per Mpps and core per MB/s. */
#define MODEL_LOAD_A_VM_TO_VF 0.082
#define MODEL_LOAD_B_VM_TO_VF 9.3e-5
#define MODEL_LOAD_A_VF_TO_VM 0.0795
#define MODEL_LOAD_B_VF_TO_VM 8.2e-5

struct model_load_params {
    double tau_s;            /* EWMA time constant in seconds; 10 */
    double full_burst_ratio; /* full/total bursts that mean saturated;
                               * 0.1 */
    double saturation_boost; /* a burst-saturated direction demands at
                               * least measured * (1 + boost); 0.25 */
    double max_demand;       /* cap: one direction runs on one core; 1.0 */
    double outlier_rel;      /* a sample this far (relative) from the
                               * estimate is held until confirmed; 0.5 */
    double outlier_abs;      /* ...and at least this far in absolute
                               * load, so idle directions are not gated;
                               * 0.05 */
};

/* What one pair of snapshots says. */
struct model_load_sample {
    bool valid;         /* false: baseline only, see reason */
    const char *reason; /* why not valid, or why held/saturated */
    double interval_s;
    double measured; /* load seen in the window */
    double demand;   /* measured, raised if saturated, capped */
    bool saturated;
    bool from_cycles; /* false: linear pps/Bps fallback */
    bool held;        /* outlier waiting for confirmation */
};

/* Estimator state for one direction; zero it with model_load_init(). */
struct model_load_state {
    enum model_dir dir;
    struct model_counters prev;
    bool have_prev;
    bool have_estimate;
    double estimate;   /* smoothed demand */
    bool saturated;    /* last applied sample was saturated */
    bool have_pending; /* an outlier waits for confirmation */
    struct model_load_sample pending;
    uint64_t samples; /* samples applied */
};

void model_load_defaults(struct model_load_params *params);

int model_load_check_params(const struct model_load_params *params, char *errbuf, size_t errlen);

/* Linear fallback: load of a direction forwarding pps packets/s and Bps
 * bytes/s, with upstream's coefficients. */
double model_load_linear(enum model_dir dir, double pps, double Bps);

/* Compare two snapshots.  Returns MODEL_OK with out->valid false when the
 * pair carries no usable sample (no time elapsed, counters went backwards
 * because the relay restarted, TSC rate changed); MODEL_EINVAL for
 * nonsense (tsc_hz 0).  Counters that wrapped past 2^64 are handled. */
int model_load_sample(const struct model_counters *prev, const struct model_counters *cur,
                      enum model_dir dir, const struct model_load_params *params,
                      struct model_load_sample *out, char *errbuf, size_t errlen);

void model_load_init(struct model_load_state *st, enum model_dir dir);

/* Feed the next snapshot.  The first one only sets the baseline.  A
 * restart rebaselines but keeps the estimate.  sample (may be NULL)
 * receives what this snapshot contributed. */
int model_load_update(struct model_load_state *st, const struct model_counters *cur,
                      const struct model_load_params *params, struct model_load_sample *sample,
                      char *errbuf, size_t errlen);

/* The smoothed demand (0 before the first sample). */
double model_load_demand(const struct model_load_state *st);

#endif
