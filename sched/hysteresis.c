/* SPDX-License-Identifier: BSD-3-Clause */
/* hysteresis.c - the scheduler's memory between decisions (see
 * hysteresis.h). Directions live in an open-addressing table keyed by
 * (relay id, direction); classes in a short list (one per NUMA set). */
#include "hysteresis.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* EWMA weight of a new sample: about the last ten decisions count. The
 * variance is that of second differences (x[t] - 2 x[t-1] + x[t-2]), a
 * sixth of their square for white noise: a linear trend (a diurnal
 * cycle over a few intervals) cancels out, where first differences would
 * count its step as noise and a lagging mean its whole drift. Trend is
 * systematic excess, which the hysteresis must count, not discount. */
#define ALPHA 0.1
/* The noise assumed before the samples say (a share of the load). */
#define PRIOR_SHARE 0.05
/* A difference this many deviations (plus a floor, in cores) is a new
 * level, not noise: the variance is kept, so a flash crowd does not read
 * as noise and mask itself. */
#define JUMP_SD    4.0
#define JUMP_FLOOR 0.01
/* Loads kept for a direction's trend: the slope is fitted over the 12
 * before the latest (three hours at 15-minute intervals), which leaves it
 * 0.09 of one sample's noise (least squares: sqrt(12 / (n (n^2 - 1))));
 * 8 (0.15) was too noisy to tell a diurnal drift from noise at the
 * significance the noise bars need, and a longer fit lags the curve. The
 * latest sample is left out: the rule looks at the busiest worker, which
 * is busiest partly because its latest samples are high by chance, and
 * those would tilt its fitted slope up. */
#define TREND_N 13
/* Directions unseen for this many decisions are forgotten on a rehash. */
#define FORGET_AFTER 16

struct dir_stat {
    int64_t key;           /* relay id x 2 + dir; -1: empty slot */
    unsigned long seen;    /* decision it was last observed in */
    unsigned long born;    /* decision it was first observed in */
    double last, var;      /* the last load; the noise's variance */
    double last_dev;       /* the last difference, load - previous */
    bool has_dev;          /* last_dev is a difference and no jump */
    double level[TREND_N]; /* the loads since the last jump, oldest first */
    int n_level;           /* how many (at most TREND_N) */
};

struct class_mem {
    int numa;
    struct model_hysteresis_memory mem;
};

struct sched_hysteresis {
    unsigned long decision;
    struct dir_stat *slot;
    size_t cap, used; /* cap: a power of two */
    struct class_mem *cls;
    int n_cls, cap_cls;
    /* The classes as the decision found them (sched_hysteresis_undo):
     * n_saved is -1 when the copy could not be made. */
    struct class_mem *saved;
    int n_saved, cap_saved;
};

struct sched_hysteresis *sched_hysteresis_new(void)
{
    return calloc(1, sizeof(struct sched_hysteresis));
}

void sched_hysteresis_free(struct sched_hysteresis *h)
{
    if (h == NULL)
        return;
    free(h->slot);
    free(h->cls);
    free(h->saved);
    free(h);
}

void sched_hysteresis_begin(struct sched_hysteresis *h)
{
    h->decision++;
    h->n_saved = -1;
    if (h->n_cls > h->cap_saved) {
        struct class_mem *c = realloc(h->saved, sizeof(*c) * (size_t)h->cap_cls);
        if (c == NULL)
            return;
        h->saved = c;
        h->cap_saved = h->cap_cls;
    }
    if (h->n_cls)
        memcpy(h->saved, h->cls, sizeof(*h->cls) * (size_t)h->n_cls);
    h->n_saved = h->n_cls;
}

bool sched_hysteresis_undo(struct sched_hysteresis *h)
{
    if (h->n_saved < 0)
        return false;
    if (h->n_saved)
        memcpy(h->cls, h->saved, sizeof(*h->cls) * (size_t)h->n_saved);
    h->n_cls = h->n_saved; /* classes first met in the decision start afresh */
    return true;
}

static size_t hash(int64_t key, size_t cap)
{
    uint64_t x = (uint64_t)key * 0x9e3779b97f4a7c15ull;
    return (size_t)(x >> 17) & (cap - 1);
}

static struct dir_stat *find(struct dir_stat *slot, size_t cap, int64_t key)
{
    size_t i = hash(key, cap);
    while (slot[i].key != -1 && slot[i].key != key)
        i = (i + 1) & (cap - 1);
    return &slot[i];
}

/* Twice the room for what is alive; the forgotten stay behind. */
static int rehash(struct sched_hysteresis *h)
{
    size_t live = 0, cap = 64;
    struct dir_stat *slot;

    for (size_t i = 0; i < h->cap; i++)
        live += h->slot[i].key != -1 && h->decision - h->slot[i].seen <= FORGET_AFTER;
    while (cap < 4 * (live + 1))
        cap *= 2;
    slot = malloc(sizeof(*slot) * cap);
    if (slot == NULL)
        return -1;
    for (size_t i = 0; i < cap; i++)
        slot[i].key = -1;
    for (size_t i = 0; i < h->cap; i++)
        if (h->slot[i].key != -1 && h->decision - h->slot[i].seen <= FORGET_AFTER)
            *find(slot, cap, h->slot[i].key) = h->slot[i];
    free(h->slot);
    h->slot = slot;
    h->cap = cap;
    h->used = live;
    return 0;
}

double sched_hysteresis_observe(struct sched_hysteresis *h, int relay, int dir, double load)
{
    int64_t key = (int64_t)relay * 2 + dir;
    struct dir_stat *s;
    double dev;
    bool jump;

    if ((h->used + 1) * 2 > h->cap && rehash(h) < 0)
        return -1.0;
    s = find(h->slot, h->cap, key);
    if (s->key == -1) {
        *s = (struct dir_stat){.key = key,
                               .seen = h->decision,
                               .born = h->decision,
                               .last = load,
                               .var = pow(PRIOR_SHARE * load, 2),
                               .level = {load},
                               .n_level = 1};
        h->used++;
        return sqrt(s->var);
    }
    s->seen = h->decision;
    dev = load - s->last;
    s->last = load;
    /* a jump is a new level: neither it nor the second difference across
     * it (the jump again, the other way) is noise */
    jump = fabs(dev) > JUMP_SD * sqrt(2.0 * s->var) + JUMP_FLOOR;
    if (!jump && s->has_dev) {
        double dd = dev - s->last_dev;
        s->var += ALPHA * (dd * dd / 6.0 - s->var);
    }
    s->last_dev = dev;
    s->has_dev = !jump;
    if (jump)
        s->n_level = 0;
    if (s->n_level == TREND_N)
        memmove(s->level, s->level + 1, sizeof(s->level[0]) * (TREND_N - 1));
    else
        s->n_level++;
    s->level[s->n_level - 1] = load;
    return sqrt(s->var);
}

double sched_hysteresis_slope(struct sched_hysteresis *h, int relay, int dir, double *sd)
{
    struct dir_stat *s;
    double tm, sxx = 0.0, sxy = 0.0;
    int n;

    *sd = 0.0;
    if (h->cap == 0)
        return 0.0;
    s = find(h->slot, h->cap, (int64_t)relay * 2 + dir);
    if (s->key == -1)
        return 0.0;
    *sd = sqrt(s->var);
    n = s->n_level - 1;
    if (n < 3)
        return 0.0;
    tm = (n - 1) / 2.0;
    for (int i = 0; i < n; i++) {
        sxx += (i - tm) * (i - tm);
        sxy += (i - tm) * s->level[i];
    }
    *sd = sqrt(s->var / sxx);
    return sxy / sxx;
}

bool sched_hysteresis_is_new(struct sched_hysteresis *h, int relay, int dir)
{
    struct dir_stat *s;

    if (h->cap == 0)
        return true;
    s = find(h->slot, h->cap, (int64_t)relay * 2 + dir);
    return s->key == -1 || s->born == h->decision;
}

struct model_hysteresis_memory *sched_hysteresis_class(struct sched_hysteresis *h, int numa)
{
    for (int i = 0; i < h->n_cls; i++)
        if (h->cls[i].numa == numa)
            return &h->cls[i].mem;
    if (h->n_cls == h->cap_cls) {
        int cap = h->cap_cls ? 2 * h->cap_cls : 8;
        struct class_mem *c = realloc(h->cls, sizeof(*c) * (size_t)cap);
        if (c == NULL)
            return NULL;
        h->cls = c;
        h->cap_cls = cap;
    }
    h->cls[h->n_cls] = (struct class_mem){.numa = numa};
    return &h->cls[h->n_cls++].mem;
}
