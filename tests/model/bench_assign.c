/* SPDX-License-Identifier: BSD-3-Clause */
/* model-assign benchmark: solver quality and speed against upstream greedy.
 *
 * For each size (jobs/cores on one NUMA node) and load shape, 20 seeded
 * instances: a fresh placement (no current assignment), then a +-10% drift
 * of every load re-planned from that placement.  Prints per row the median
 * and maximum solve time, the mean and maximum % over the proven lower
 * bound for greedy and for ours, and the migrations after drift.  The last
 * line is the ours/greedy migrations ratio over every drift instance. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/assign.h"

#define SEEDS 20

struct size {
    int jobs, cores;
};

static const struct size sizes[] = {
    {16, 4}, {32, 8}, {64, 16}, {128, 16}, {128, 32},
};

enum shape {
    UNIFORM,
    SKEWED
};
static const char *shape_name[] = {"uniform", "skewed"};

/* splitmix64: tiny, seedable, identical on every platform. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next(s) >> 11) * 0x1p-53;
}

/* Uniform: every direction U(0.01, 0.9).  Skewed: 1/8 of the relays
 * (both directions) heavy at 0.6-0.9, the rest 0.01-0.15. */
static void make_loads(enum shape shape, int n, uint64_t *s, double *load)
{
    for (int j = 0; j < n; j++) {
        if (shape == UNIFORM) {
            load[j] = rng_uniform(s, 0.01, 0.9);
        } else {
            int relay = j / 2, relays = n / 2;
            bool heavy = relay < (relays + 7) / 8;
            load[j] = heavy ? rng_uniform(s, 0.6, 0.9) : rng_uniform(s, 0.01, 0.15);
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double vmax(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

static double vmean(const double *v, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s / n;
}

struct row {
    double t_fresh[SEEDS], g_over[SEEDS], o_over[SEEDS];
    double t_drift[SEEDS], d_over[SEEDS], g_mig[SEEDS], o_mig[SEEDS];
};

static double over(double ms, double lb)
{
    return lb > 0.0 ? 100.0 * (ms / lb - 1.0) : 0.0;
}

static int run_instance(const struct size *sz, enum shape shape, int seed, struct row *r)
{
    int n = sz->jobs, m = sz->cores, ret = 1;
    struct model_worker *workers = calloc((size_t)m, sizeof(*workers));
    struct model_job *jobs = calloc((size_t)n, sizeof(*jobs));
    double *load = calloc((size_t)n, sizeof(*load));
    struct model_solution fresh = {0}, greedy = {0}, drift = {0}, gdrift = {0};
    struct model_problem pb = {jobs, n, workers, m};
    char err[MODEL_ERRMSG_LEN];
    uint64_t s = 0x5eed0000ull + (uint64_t)seed * 7919u + (uint64_t)shape * 104729u +
                 (uint64_t)n * 31u + (uint64_t)m;
    double lb;

    if (workers == NULL || jobs == NULL || load == NULL)
        goto out;
    for (int c = 0; c < m; c++)
        workers[c] = (struct model_worker){.cpu = c, .numa = 0, .core = c};
    make_loads(shape, n, &s, load);
    for (int j = 0; j < n; j++)
        jobs[j] = (struct model_job){.load = load[j], .numa = 0, .current = -1};

    if (model_assign(&pb, NULL, &fresh, err, sizeof(err)) != MODEL_OK ||
        model_assign_greedy(&pb, false, &greedy, err, sizeof(err)) != MODEL_OK) {
        fprintf(stderr, "solve failed: %s\n", err);
        goto out;
    }
    lb = fresh.lower_bound > greedy.lower_bound ? fresh.lower_bound : greedy.lower_bound;
    r->t_fresh[seed] = fresh.solve_time_s * 1e3;
    r->g_over[seed] = over(greedy.makespan, lb);
    r->o_over[seed] = over(fresh.makespan, lb);

    /* Drift: every load moves by up to +-10%; the current placement is
     * ours.  Greedy re-plans from scratch, as upstream does. */
    for (int j = 0; j < n; j++) {
        jobs[j].load = load[j] * rng_uniform(&s, 0.9, 1.1);
        jobs[j].current = fresh.worker[j];
    }
    if (model_assign(&pb, NULL, &drift, err, sizeof(err)) != MODEL_OK ||
        model_assign_greedy(&pb, false, &gdrift, err, sizeof(err)) != MODEL_OK) {
        fprintf(stderr, "drift solve failed: %s\n", err);
        goto out;
    }
    lb = drift.lower_bound > gdrift.lower_bound ? drift.lower_bound : gdrift.lower_bound;
    r->t_drift[seed] = drift.solve_time_s * 1e3;
    r->d_over[seed] = over(drift.makespan, lb);
    r->g_mig[seed] = 100.0 * gdrift.migrations / n;
    r->o_mig[seed] = 100.0 * drift.migrations / n;
    ret = 0;
out:
    model_solution_free(&fresh);
    model_solution_free(&greedy);
    model_solution_free(&drift);
    model_solution_free(&gdrift);
    free(workers);
    free(jobs);
    free(load);
    return ret;
}

int main(void)
{
    double g_total = 0.0, o_total = 0.0;
    bool met = true;

    printf("model-assign: %d seeded instances per row; times in ms; "
           "%% over the proven lower bound\n",
           SEEDS);
    printf("%-8s %-8s | %7s %7s | %6s %6s | %6s %6s || %7s %7s | %6s %6s "
           "| %6s %6s\n",
           "jobs/cpu", "loads", "t_med", "t_max", "grdy%", "gmax%", "ours%", "omax%", "dt_med",
           "dt_max", "drft%", "dmax%", "gmig%", "omig%");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (int shape = UNIFORM; shape <= SKEWED; shape++) {
            struct row r;
            char label[16];
            for (int seed = 0; seed < SEEDS; seed++)
                if (run_instance(&sizes[i], shape, seed, &r) != 0)
                    return 1;
            for (int seed = 0; seed < SEEDS; seed++) {
                g_total += r.g_mig[seed];
                o_total += r.o_mig[seed];
            }
            double fmax = vmax(r.t_fresh, SEEDS), dmax = vmax(r.t_drift, SEEDS);
            double omax = vmax(r.o_over, SEEDS), ddmax = vmax(r.d_over, SEEDS);
            double omig_max = vmax(r.o_mig, SEEDS);
            double fmed = median(r.t_fresh, SEEDS);
            snprintf(label, sizeof(label), "%d/%d", sizes[i].jobs, sizes[i].cores);
            printf("%-8s %-8s | %7.1f %7.1f | %6.2f %6.2f | %6.2f %6.2f || "
                   "%7.1f %7.1f | %6.2f %6.2f | %6.1f %6.1f\n",
                   label, shape_name[shape], fmed, fmax, vmean(r.g_over, SEEDS),
                   vmax(r.g_over, SEEDS), vmean(r.o_over, SEEDS), omax, median(r.t_drift, SEEDS),
                   dmax, vmean(r.d_over, SEEDS), ddmax, vmean(r.g_mig, SEEDS),
                   vmean(r.o_mig, SEEDS));
            if (sizes[i].jobs == 128 && sizes[i].cores == 32) {
                /* Issue 3's targets.  Percentages are compared with a
                 * hair of tolerance: stage 2 may fill the cap exactly. */
                double omig_mean = vmean(r.o_mig, SEEDS);
                bool ok = omax <= 0.5 + 1e-6 && fmed < 25.0 && fmax < 100.0 &&
                          ddmax <= 1.5 + 1e-6 && omig_mean <= 15.0 && dmax < 400.0;
                printf("  target 128/32 %s: fresh max %.2f%% (<=0.5), "
                       "median %.1f ms (<25), max %.1f ms (<100); drift "
                       "max %.2f%% (<=1.5), migrated mean %.1f%% (<=15, "
                       "max %.1f%%), max %.1f ms (<400): %s\n",
                       shape_name[shape], omax, fmed, fmax, ddmax, omig_mean, omig_max, dmax,
                       ok ? "met" : "MISSED");
                met = met && ok;
            }
        }
    }
    printf("targets: %s\n", met ? "all met" : "some MISSED");
    printf("ours/greedy migrations ratio: %.3f\n", g_total > 0.0 ? o_total / g_total : 0.0);
    return 0;
}
