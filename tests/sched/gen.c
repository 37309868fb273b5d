/* SPDX-License-Identifier: BSD-3-Clause */
/* gen.c - test helpers (see gen.h). */
#include "gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void rng_seed(struct rng *r, uint64_t seed)
{
    r->s = seed;
}

uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int rng_int(struct rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Load shapes. 0 and 1 are the model benchmark's (tests/model): uniform
 * U(0.01, 0.9), and skewed, 1 in 8 heavy at 0.6-0.9 among 0.01-0.15.
 * 2 is near-identical relays (0.20-0.25), where no bound is tight: with
 * 4.5 jobs per worker some worker must take 5. 3 is exponential. */
double rng_load(struct rng *r, int kind)
{
    switch (kind) {
    case 0:
        return 0.01 + 0.89 * rng_unit(r);
    case 1:
        return rng_unit(r) < 0.125 ? 0.6 + 0.3 * rng_unit(r) : 0.01 + 0.14 * rng_unit(r);
    case 2:
        return 0.2 + 0.05 * rng_unit(r);
    default: {
        double x = -log(1.0 - rng_unit(r)) * 0.15;
        return x > 0.95 ? 0.95 : x + 0.001;
    }
    }
}

const char *gen_topo_dir(void)
{
    static char dir[4096];
    const char *env = getenv("VIO4WD_TOPOLOGIES");
    struct stat st;

    if (env == NULL || stat(env, &st) < 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(dir, sizeof(dir), "%s", env);
    return dir;
}

bool gen_topo_load(struct gen_topo *g, const char *spec)
{
    char path[4096], err[256];
    int cpus[GEN_MAX_PUS * GEN_MAX_NODES], n;

    memset(g, 0, sizeof(*g));
    snprintf(g->name, sizeof(g->name), "%s", spec);
    if (strstr(spec, ".xml") != NULL) {
        const char *dir = gen_topo_dir();
        if (dir == NULL)
            return false;
        snprintf(path, sizeof(path), "%s/%s", dir, spec);
        if (access(path, R_OK) != 0)
            return false;
        spec = path;
    }
    if (model_topology_load(spec, 0, &g->topo, err, sizeof(err)) != MODEL_OK) {
        fprintf(stderr, "topology %s: %s\n", spec, err);
        return false;
    }
    n = model_topology_cpus(g->topo, cpus, GEN_MAX_PUS * GEN_MAX_NODES);
    for (int i = 0; i < n && i < GEN_MAX_PUS * GEN_MAX_NODES; i++) {
        struct model_cpu_info info;
        int k;
        model_topology_cpu(g->topo, cpus[i], &info, NULL, 0);
        if (info.numa < 0)
            info.numa = 0;
        for (k = 0; k < g->n_nodes && g->node_id[k] != info.numa; k++)
            ;
        if (k == g->n_nodes) {
            if (k == GEN_MAX_NODES)
                continue;
            g->node_id[g->n_nodes++] = info.numa;
            g->n_local[k] = info.n_local_numa;
            memcpy(g->local[k], info.local_numa, sizeof(int) * (size_t)info.n_local_numa);
            if (g->n_local[k] == 0)
                g->local[k][g->n_local[k]++] = info.numa;
        }
        if (g->n_pus[k] < GEN_MAX_PUS)
            g->pus[k][g->n_pus[k]++] = cpus[i];
    }
    return true;
}

void gen_topo_free(struct gen_topo *g)
{
    model_topology_free(g->topo);
    g->topo = NULL;
}

int gen_cpu_numa(const struct gen_topo *g, int cpu)
{
    struct model_cpu_info info = {.numa = -1};
    model_topology_cpu(g->topo, cpu, &info, NULL, 0);
    return info.numa < 0 ? 0 : info.numa;
}

bool gen_cpu_local(const struct gen_topo *g, int cpu, int numa)
{
    struct model_cpu_info info = {.numa = -1};
    if (model_topology_cpu(g->topo, cpu, &info, NULL, 0) != MODEL_OK)
        return false;
    if (info.n_local_numa == 0)
        return numa == (info.numa < 0 ? 0 : info.numa);
    for (int i = 0; i < info.n_local_numa; i++)
        if (info.local_numa[i] == numa)
            return true;
    return false;
}

int gen_cpu_group(const struct gen_topo *g, int cpu)
{
    int numa = gen_cpu_numa(g, cpu);
    for (int k = 0; k < g->n_nodes; k++)
        if (g->node_id[k] == numa)
            return k;
    return -1;
}

int gen_numa_group(const struct gen_topo *g, int numa)
{
    for (int k = 0; k < g->n_nodes; k++)
        for (int i = 0; i < g->n_local[k]; i++)
            if (g->local[k][i] == numa)
                return k;
    return -1;
}

int gen_cpu_core(const struct gen_topo *g, int cpu)
{
    struct model_cpu_info info = {.core = -1};
    model_topology_cpu(g->topo, cpu, &info, NULL, 0);
    return info.core;
}

void gen_write_line(FILE *fp, const struct sched_state *st)
{
    fprintf(fp, "{\"t\": %.3f, \"workers\": [", st->t);
    for (int i = 0; i < st->n_workers; i++)
        fprintf(fp, "%s%d", i ? ", " : "", st->workers[i]);
    fprintf(fp, "], \"relays\": [");
    for (int i = 0; i < st->n_relays; i++) {
        const struct sched_relay *r = &st->relays[i];
        fprintf(fp,
                "%s{\"id\": %d, \"numa\": %d, \"cpu\": {\"vf_to_vm\": %d, \"vm_to_vf\": %d}, "
                "\"load\": {\"vf_to_vm\": %.9g, \"vm_to_vf\": %.9g}}",
                i ? ", " : "", r->id, r->numa, r->cpu[0], r->cpu[1], r->load[0], r->load[1]);
    }
    fprintf(fp, "]}\n");
}

FILE *gen_tmpfile(char *path, size_t size)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, size, "%s/vio4wd-sched-test-XXXXXX", dir ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    return fdopen(fd, "w+");
}
