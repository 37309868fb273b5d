/* SPDX-License-Identifier: BSD-3-Clause */
/* Move/swap descent for the makespan and a migration-aware repair. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "localsearch.h"

/* ------------------------------------------------------------------ */
/* Makespan descent                                                     */
/* ------------------------------------------------------------------ */

/* The best single move or swap that takes load off core `hot`.  A change
 * is accepted only if the larger of the two touched cores ends below the
 * current load of `hot`, so every step lowers the sorted load vector and
 * the descent terminates. */
struct step {
    int job, other_job, to; /* other_job < 0: plain move */
    double peak;            /* larger of the two new loads */
};

static bool best_step(const double *load, int n, int m, const int *asg, const double *core_load,
                      int hot, struct step *out)
{
    double hot_load = core_load[hot];
    bool found = false;

    out->peak = hot_load - MODEL_LOAD_EPS;
    for (int j = 0; j < n; j++) {
        if (asg[j] != hot || load[j] <= 0.0)
            continue;
        for (int c = 0; c < m; c++) {
            double peak;
            if (c == hot)
                continue;
            peak = core_load[c] + load[j];
            if (hot_load - load[j] > peak)
                peak = hot_load - load[j];
            if (peak < out->peak) {
                *out = (struct step){j, -1, c, peak};
                found = true;
            }
        }
        for (int k = 0; k < n; k++) {
            double d, peak;
            if (asg[k] == hot || load[k] >= load[j])
                continue;
            d = load[j] - load[k];
            peak = core_load[asg[k]] + d;
            if (hot_load - d > peak)
                peak = hot_load - d;
            if (peak < out->peak) {
                *out = (struct step){j, k, asg[k], peak};
                found = true;
            }
        }
    }
    return found;
}

double ls_descent(const double *load, int n, int m, int *asg, double *core_load)
{
    if (m < 2)
        return model_max_load(core_load, m);
    for (;;) {
        struct step s;
        int hot = 0;
        for (int c = 1; c < m; c++)
            if (core_load[c] > core_load[hot])
                hot = c;
        /* If the most loaded core cannot shed load, the makespan cannot
         * drop by one move or swap, whatever happens elsewhere. */
        if (!best_step(load, n, m, asg, core_load, hot, &s))
            break;
        core_load[hot] -= load[s.job];
        core_load[s.to] += load[s.job];
        asg[s.job] = s.to;
        if (s.other_job >= 0) {
            core_load[s.to] -= load[s.other_job];
            core_load[hot] += load[s.other_job];
            asg[s.other_job] = hot;
        }
    }
    return model_max_load(core_load, m);
}

/* ------------------------------------------------------------------ */
/* Pairwise balancing                                                   */
/* ------------------------------------------------------------------ */

/* For cores a (heavier) and b, the move or swap whose transfer d from a to
 * b comes closest to half their difference, with 0 < d < difference so
 * that the heavier of the two always gets lighter.  Returns false if no
 * such transfer exists. */
static bool best_transfer(const double *load, const int *jobs_a, int na, const int *jobs_b, int nb,
                          double gap, int *out_j, int *out_k)
{
    double best = gap / 2.0; /* |d - gap/2| must beat this to help */
    bool found = false;

    for (int x = 0; x < na; x++) {
        int j = jobs_a[x];
        double d = load[j];
        if (d > MODEL_LOAD_EPS && d < gap - MODEL_LOAD_EPS && fabs(d - gap / 2.0) < best) {
            best = fabs(d - gap / 2.0);
            *out_j = j;
            *out_k = -1;
            found = true;
        }
        for (int y = 0; y < nb; y++) {
            int k = jobs_b[y];
            d = load[j] - load[k];
            if (d > MODEL_LOAD_EPS && d < gap - MODEL_LOAD_EPS && fabs(d - gap / 2.0) < best) {
                best = fabs(d - gap / 2.0);
                *out_j = j;
                *out_k = k;
                found = true;
            }
        }
    }
    return found;
}

/* Pairs with at most this many jobs between them are re-split exactly by
 * enumerating subsets (2^12 = 4096 sums); larger pairs use move/swap. */
#define EXACT_PAIR_JOBS 12

/* Best split of the jobs of cores a and b: the subset for a whose sum
 * comes closest to half the pair's total.  Writes the new core of each
 * job into asg and returns true only if the heavier side gets lighter. */
static bool split_pair(const double *load, const int *jobs, int t, int a, int b, double heavier,
                       double *sums, int *asg)
{
    double total = 0.0, best = heavier - MODEL_LOAD_EPS;
    unsigned best_mask = 0, full = 1u << t;
    bool found = false;

    for (int i = 0; i < t; i++)
        total += load[jobs[i]];
    sums[0] = 0.0;
    for (unsigned mask = 1; mask < full; mask++) {
        double side, peak;
        sums[mask] = sums[mask & (mask - 1)] + load[jobs[__builtin_ctz(mask)]];
        side = sums[mask];
        peak = side > total - side ? side : total - side;
        if (peak < best) {
            best = peak;
            best_mask = mask;
            found = true;
        }
    }
    if (!found)
        return false;
    for (int i = 0; i < t; i++)
        asg[jobs[i]] = (best_mask >> i) & 1u ? a : b;
    return true;
}

/* Jobs grouped by core: list[first[c] .. first[c+1]) are on core c.
 * pos (m entries) is scratch. */
static void group_by_core(int n, int m, const int *asg, int *first, int *pos, int *list)
{
    for (int c = 0; c <= m; c++)
        first[c] = 0;
    for (int j = 0; j < n; j++)
        first[asg[j] + 1]++;
    for (int c = 0; c < m; c++)
        first[c + 1] += first[c];
    for (int c = 0; c < m; c++)
        pos[c] = first[c];
    for (int j = 0; j < n; j++)
        list[pos[asg[j]]++] = j;
}

double ls_balance(const double *load, int n, int m, int *asg, double *core_load)
{
    return ls_balance_until(load, n, m, asg, core_load, INFINITY);
}

double ls_balance_until(const double *load, int n, int m, int *asg, double *core_load, double until)
{
    int *first = malloc(sizeof(*first) * (size_t)(m + 1));
    int *pos = malloc(sizeof(*pos) * (size_t)(m + 1));
    int *list = malloc(sizeof(*list) * (size_t)(n > 0 ? n : 1));
    double *sums = malloc(sizeof(*sums) * (1u << EXACT_PAIR_JOBS));
    /* Each transfer lowers the sum of squared loads, so this terminates;
     * the cap only guards against float noise. */
    int budget = 50 * n + 100;
    bool improved = true;

    if (first == NULL || pos == NULL || list == NULL || sums == NULL || m < 2)
        goto out;
    while (improved && budget > 0) {
        improved = false;
        group_by_core(n, m, asg, first, pos, list);
        for (int a = 0; a < m && budget > 0; a++) {
            /* a row of pairs costs microseconds: the clock is read often
             * enough to stop within the caller's deadline */
            if (until < INFINITY && model_now() > until)
                goto out;
            for (int b = 0; b < m && budget > 0; b++) {
                double gap = core_load[a] - core_load[b];
                int j, k, na = first[a + 1] - first[a];
                int nb = first[b + 1] - first[b];
                if (gap <= MODEL_LOAD_EPS)
                    continue;
                if (na + nb <= EXACT_PAIR_JOBS) {
                    int pair[EXACT_PAIR_JOBS];
                    memcpy(pair, list + first[a], sizeof(int) * (size_t)na);
                    memcpy(pair + na, list + first[b], sizeof(int) * (size_t)nb);
                    if (!split_pair(load, pair, na + nb, a, b, core_load[a], sums, asg))
                        continue;
                    core_load[a] = core_load[b] = 0.0;
                    for (int i = 0; i < na + nb; i++)
                        core_load[asg[pair[i]]] += load[pair[i]];
                    budget--;
                    improved = true;
                    group_by_core(n, m, asg, first, pos, list);
                    continue;
                }
                if (!best_transfer(load, list + first[a], first[a + 1] - first[a], list + first[b],
                                   first[b + 1] - first[b], gap, &j, &k))
                    continue;
                core_load[a] -= load[j];
                core_load[b] += load[j];
                asg[j] = b;
                if (k >= 0) {
                    core_load[b] -= load[k];
                    core_load[a] += load[k];
                    asg[k] = a;
                }
                budget--;
                improved = true;
                group_by_core(n, m, asg, first, pos, list);
            }
        }
    }
out:
    free(first);
    free(pos);
    free(list);
    free(sums);
    return model_max_load(core_load, m);
}

/* ------------------------------------------------------------------ */
/* Migration-aware repair                                               */
/* ------------------------------------------------------------------ */

/* Migrations a job adds when it goes from core `from` to core `to`:
 * leaving home costs one, coming back home refunds one. */
static int move_cost(const int *home, int j, int from, int to)
{
    return (to != home[j]) - (from != home[j]);
}

struct fix {
    int job, other_job, to;
    int cost;
    double shed;  /* load taken off the hot core */
    double slack; /* room left on the receiving core */
    double rank;  /* shed, perturbed in randomised restarts */
};

/* A candidate beats the incumbent if it fixes the core when the other does
 * not, then if it costs fewer migrations, then (for fixes) if it sheds
 * less, which keeps big jobs in place, then if it packs tighter. */
static bool better_fix(const struct fix *a, const struct fix *b, double excess)
{
    bool a_fixes = a->shed >= excess - MODEL_LOAD_EPS;
    bool b_fixes = b->shed >= excess - MODEL_LOAD_EPS;

    if (b->job < 0)
        return true;
    if (a_fixes != b_fixes)
        return a_fixes;
    if (a->cost != b->cost)
        return a->cost < b->cost;
    if (a_fixes) {
        if (a->rank != b->rank)
            return a->rank < b->rank;
    } else if (a->rank != b->rank) {
        return a->rank > b->rank;
    }
    return a->slack < b->slack;
}

static bool find_fix(const double *load, int n, int m, const int *home, const int *asg,
                     const double *core_load, int hot, double cap, uint64_t *rng, struct fix *best)
{
    double excess = core_load[hot] - cap;

    best->job = -1;
    for (int j = 0; j < n; j++) {
        if (asg[j] != hot || load[j] <= 0.0)
            continue;
        for (int c = 0; c < m; c++) {
            double room;
            if (c == hot)
                continue;
            room = cap - core_load[c] - load[j];
            if (room < -MODEL_LOAD_EPS)
                continue;
            struct fix f = {j, -1, c, move_cost(home, j, hot, c), load[j], room, load[j]};
            if (rng != NULL)
                f.rank *= 0.5 + model_rng_unit(rng);
            if (better_fix(&f, best, excess))
                *best = f;
        }
        for (int k = 0; k < n; k++) {
            int c = asg[k];
            double d, room;
            if (c == hot || load[k] >= load[j])
                continue;
            d = load[j] - load[k];
            room = cap - core_load[c] - d;
            if (room < -MODEL_LOAD_EPS)
                continue;
            struct fix f = {j, k,    c, move_cost(home, j, hot, c) + move_cost(home, k, c, hot),
                            d, room, d};
            if (rng != NULL)
                f.rank *= 0.5 + model_rng_unit(rng);
            if (better_fix(&f, best, excess))
                *best = f;
        }
    }
    return best->job >= 0;
}

/* Jobs without a home go, largest first, where they fit best. */
static void place_homeless(const double *load, int n, int m, int *asg, double *core_load,
                           double cap)
{
    for (;;) {
        int j_big = -1, best = -1;
        for (int j = 0; j < n; j++)
            if (asg[j] < 0 && (j_big < 0 || load[j] > load[j_big]))
                j_big = j;
        if (j_big < 0)
            return;
        for (int c = 0; c < m; c++) {
            double after = core_load[c] + load[j_big];
            if (best < 0) {
                best = c;
                continue;
            }
            double best_after = core_load[best] + load[j_big];
            /* Best fit under the cap, else least loaded. */
            bool fits = after <= cap, best_fits = best_after <= cap;
            if (fits != best_fits ? fits : fits ? after > best_after : after < best_after)
                best = c;
        }
        asg[j_big] = best;
        core_load[best] += load[j_big];
    }
}

/* Undo migrations that turned out unnecessary. */
static void send_home(const double *load, int n, const int *home, int *asg, double *core_load,
                      double cap)
{
    bool again = true;
    while (again) {
        again = false;
        for (int j = 0; j < n; j++) {
            int h = home[j];
            if (h < 0 || asg[j] == h)
                continue;
            if (core_load[h] + load[j] > cap + MODEL_LOAD_EPS)
                continue;
            core_load[asg[j]] -= load[j];
            core_load[h] += load[j];
            asg[j] = h;
            again = true;
        }
    }
}

bool ls_repair(const double *load, int n, int m, const int *home, const int *start, double cap,
               uint64_t *rng, int *asg)
{
    double small[256];
    double *cl = m <= 256 ? small : malloc(sizeof(*cl) * (size_t)m);
    bool ok = false;
    /* Each step either fixes a core or sheds load; bound the loop anyway
     * so that float noise can never make it spin. */
    int budget = 4 * n + 4 * m + 16;

    if (cl == NULL)
        return false;
    memcpy(asg, start, sizeof(*asg) * (size_t)n);
    for (int c = 0; c < m; c++)
        cl[c] = 0.0;
    for (int j = 0; j < n; j++)
        if (asg[j] >= 0)
            cl[asg[j]] += load[j];
    place_homeless(load, n, m, asg, cl, cap);

    while (budget-- > 0) {
        struct fix f;
        int hot = 0, over = 0;
        for (int c = 1; c < m; c++)
            if (cl[c] - cap > cl[hot] - cap)
                hot = c;
        if (cl[hot] <= cap + MODEL_LOAD_EPS) {
            ok = true;
            break;
        }
        /* Restarts take the overloaded cores in a random order: which
         * core gets the big rooms first is what decides the count. */
        if (rng != NULL) {
            for (int c = 0; c < m; c++)
                if (cl[c] > cap + MODEL_LOAD_EPS && model_rng_next(rng) % (uint64_t)++over == 0)
                    hot = c;
        }
        if (!find_fix(load, n, m, home, asg, cl, hot, cap, rng, &f))
            break;
        cl[hot] -= load[f.job];
        cl[f.to] += load[f.job];
        asg[f.job] = f.to;
        if (f.other_job >= 0) {
            cl[f.to] -= load[f.other_job];
            cl[hot] += load[f.other_job];
            asg[f.other_job] = hot;
        }
    }
    if (ok)
        send_home(load, n, home, asg, cl, cap);
    if (cl != small)
        free(cl);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Relabelling                                                          */
/* ------------------------------------------------------------------ */

void ls_relabel_towards(int n, int m, const int *home, int *asg)
{
    int *overlap = calloc((size_t)m * (size_t)m, sizeof(*overlap));
    int *label = malloc(sizeof(*label) * (size_t)m);
    bool *taken = calloc((size_t)m, sizeof(*taken));

    if (overlap == NULL || label == NULL || taken == NULL)
        goto out;
    for (int j = 0; j < n; j++)
        if (home[j] >= 0)
            overlap[asg[j] * m + home[j]]++;
    for (int b = 0; b < m; b++)
        label[b] = -1;

    /* Greedy matching: repeatedly pair the bin and core that share the
     * most jobs.  m is at most a few dozen per NUMA node, so m^3 is fine. */
    for (int round = 0; round < m; round++) {
        int bb = -1, bc = -1, bw = -1;
        for (int b = 0; b < m; b++) {
            if (label[b] >= 0)
                continue;
            for (int c = 0; c < m; c++)
                if (!taken[c] && overlap[b * m + c] > bw) {
                    bw = overlap[b * m + c];
                    bb = b;
                    bc = c;
                }
        }
        label[bb] = bc;
        taken[bc] = true;
    }
    for (int j = 0; j < n; j++)
        asg[j] = label[asg[j]];
out:
    free(overlap);
    free(label);
    free(taken);
}
