/* Move/swap descent for the makespan and a migration-aware repair. */
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
    int job, other_job, to;   /* other_job < 0: plain move */
    double peak;              /* larger of the two new loads */
};

static bool best_step(const double *load, int n, int m, const int *asg,
                      const double *core_load, int hot, struct step *out)
{
    double hot_load = core_load[hot];
    bool found = false;

    out->peak = hot_load - MODEL_LOAD_EPS;
    for (int j = 0; j < n; j++) {
        if (asg[j] != hot || load[j] <= 0.0) continue;
        for (int c = 0; c < m; c++) {
            double peak;
            if (c == hot) continue;
            peak = core_load[c] + load[j];
            if (hot_load - load[j] > peak) peak = hot_load - load[j];
            if (peak < out->peak) {
                *out = (struct step){ j, -1, c, peak };
                found = true;
            }
        }
        for (int k = 0; k < n; k++) {
            double d, peak;
            if (asg[k] == hot || load[k] >= load[j]) continue;
            d = load[j] - load[k];
            peak = core_load[asg[k]] + d;
            if (hot_load - d > peak) peak = hot_load - d;
            if (peak < out->peak) {
                *out = (struct step){ j, k, asg[k], peak };
                found = true;
            }
        }
    }
    return found;
}

double ls_descent(const double *load, int n, int m, int *asg,
                  double *core_load)
{
    if (m < 2) return model_max_load(core_load, m);
    for (;;) {
        struct step s;
        int hot = 0;
        for (int c = 1; c < m; c++)
            if (core_load[c] > core_load[hot]) hot = c;
        /* If the most loaded core cannot shed load, the makespan cannot
         * drop by one move or swap, whatever happens elsewhere. */
        if (!best_step(load, n, m, asg, core_load, hot, &s)) break;
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
    double shed;     /* load taken off the hot core */
    double slack;    /* room left on the receiving core */
};

/* A candidate beats the incumbent if it fixes the core when the other does
 * not, then if it costs fewer migrations, then (for fixes) if it sheds
 * less, which keeps big jobs in place, then if it packs tighter. */
static bool better_fix(const struct fix *a, const struct fix *b,
                       double excess)
{
    bool a_fixes = a->shed >= excess - MODEL_LOAD_EPS;
    bool b_fixes = b->shed >= excess - MODEL_LOAD_EPS;

    if (b->job < 0) return true;
    if (a_fixes != b_fixes) return a_fixes;
    if (a->cost != b->cost) return a->cost < b->cost;
    if (a_fixes) {
        if (a->shed != b->shed) return a->shed < b->shed;
    } else if (a->shed != b->shed) {
        return a->shed > b->shed;
    }
    return a->slack < b->slack;
}

static bool find_fix(const double *load, int n, int m, const int *home,
                     const int *asg, const double *core_load, int hot,
                     double cap, struct fix *best)
{
    double excess = core_load[hot] - cap;

    best->job = -1;
    for (int j = 0; j < n; j++) {
        if (asg[j] != hot || load[j] <= 0.0) continue;
        for (int c = 0; c < m; c++) {
            double room;
            if (c == hot) continue;
            room = cap - core_load[c] - load[j];
            if (room < -MODEL_LOAD_EPS) continue;
            struct fix f = { j, -1, c, move_cost(home, j, hot, c),
                             load[j], room };
            if (better_fix(&f, best, excess)) *best = f;
        }
        for (int k = 0; k < n; k++) {
            int c = asg[k];
            double d, room;
            if (c == hot || load[k] >= load[j]) continue;
            d = load[j] - load[k];
            room = cap - core_load[c] - d;
            if (room < -MODEL_LOAD_EPS) continue;
            struct fix f = { j, k, c,
                             move_cost(home, j, hot, c) +
                             move_cost(home, k, c, hot),
                             d, room };
            if (better_fix(&f, best, excess)) *best = f;
        }
    }
    return best->job >= 0;
}

/* Jobs without a home go, largest first, where they fit best. */
static void place_homeless(const double *load, int n, int m, int *asg,
                           double *core_load, double cap)
{
    for (;;) {
        int j_big = -1, best = -1;
        for (int j = 0; j < n; j++)
            if (asg[j] < 0 && (j_big < 0 || load[j] > load[j_big])) j_big = j;
        if (j_big < 0) return;
        for (int c = 0; c < m; c++) {
            double after = core_load[c] + load[j_big];
            if (best < 0) { best = c; continue; }
            double best_after = core_load[best] + load[j_big];
            /* Best fit under the cap, else least loaded. */
            bool fits = after <= cap, best_fits = best_after <= cap;
            if (fits != best_fits ? fits
                : fits ? after > best_after : after < best_after)
                best = c;
        }
        asg[j_big] = best;
        core_load[best] += load[j_big];
    }
}

/* Undo migrations that turned out unnecessary. */
static void send_home(const double *load, int n, const int *home, int *asg,
                      double *core_load, double cap)
{
    bool again = true;
    while (again) {
        again = false;
        for (int j = 0; j < n; j++) {
            int h = home[j];
            if (h < 0 || asg[j] == h) continue;
            if (core_load[h] + load[j] > cap + MODEL_LOAD_EPS) continue;
            core_load[asg[j]] -= load[j];
            core_load[h] += load[j];
            asg[j] = h;
            again = true;
        }
    }
}

bool ls_repair(const double *load, int n, int m, const int *home,
               const int *start, double cap, int *asg)
{
    double small[256];
    double *cl = m <= 256 ? small : malloc(sizeof(*cl) * (size_t)m);
    bool ok = false;
    /* Each step either fixes a core or sheds load; bound the loop anyway
     * so that float noise can never make it spin. */
    int budget = 4 * n + 4 * m + 16;

    if (cl == NULL) return false;
    memcpy(asg, start, sizeof(*asg) * (size_t)n);
    for (int c = 0; c < m; c++) cl[c] = 0.0;
    for (int j = 0; j < n; j++)
        if (asg[j] >= 0) cl[asg[j]] += load[j];
    place_homeless(load, n, m, asg, cl, cap);

    while (budget-- > 0) {
        struct fix f;
        int hot = 0;
        for (int c = 1; c < m; c++)
            if (cl[c] - cap > cl[hot] - cap) hot = c;
        if (cl[hot] <= cap + MODEL_LOAD_EPS) {
            ok = true;
            break;
        }
        if (!find_fix(load, n, m, home, asg, cl, hot, cap, &f)) break;
        cl[hot] -= load[f.job];
        cl[f.to] += load[f.job];
        asg[f.job] = f.to;
        if (f.other_job >= 0) {
            cl[f.to] -= load[f.other_job];
            cl[hot] += load[f.other_job];
            asg[f.other_job] = hot;
        }
    }
    if (ok) send_home(load, n, home, asg, cl, cap);
    if (cl != small) free(cl);
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

    if (overlap == NULL || label == NULL || taken == NULL) goto out;
    for (int j = 0; j < n; j++)
        if (home[j] >= 0) overlap[asg[j] * m + home[j]]++;
    for (int b = 0; b < m; b++) label[b] = -1;

    /* Greedy matching: repeatedly pair the bin and core that share the
     * most jobs.  m is at most a few dozen per NUMA node, so m^3 is fine. */
    for (int round = 0; round < m; round++) {
        int bb = -1, bc = -1, bw = -1;
        for (int b = 0; b < m; b++) {
            if (label[b] >= 0) continue;
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
    for (int j = 0; j < n; j++) asg[j] = label[asg[j]];
out:
    free(overlap);
    free(label);
    free(taken);
}
