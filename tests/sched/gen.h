/* SPDX-License-Identifier: BSD-3-Clause */
/* gen.h - test helpers: a seeded RNG, topology views by NUMA node, and a
 * writer for trace lines, so the replay tests build their traces at run
 * time and every run with the same seed sees the same instances. */
#ifndef VIO4WD_TESTS_SCHED_GEN_H
#define VIO4WD_TESTS_SCHED_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/topology.h"
#include "state.h"

/* splitmix64: tiny, seedable, good enough for test instances. */
struct rng {
    uint64_t s;
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double rng_unit(struct rng *r);             /* [0, 1) */
int rng_int(struct rng *r, int lo, int hi); /* [lo, hi] */
double rng_load(struct rng *r, int kind);   /* a job load; kind picks a shape */
#define RNG_LOAD_KINDS 4

/* The PUs of each NUMA node, ascending. */
#define GEN_MAX_NODES 32
#define GEN_MAX_PUS   512
struct gen_topo {
    struct model_topology *topo;
    char name[256];
    int n_nodes; /* groups of PUs by nearest NUMA node */
    int node_id[GEN_MAX_NODES];
    /* the NUMA nodes local to each group's PUs (OS ids): a relay on any
     * of them belongs to the group; two on KNL SNC-4 (DRAM + MCDRAM) */
    int n_local[GEN_MAX_NODES];
    int local[GEN_MAX_NODES][MODEL_TOPO_MAX_LOCAL_NUMA];
    int n_pus[GEN_MAX_NODES];
    int pus[GEN_MAX_NODES][GEN_MAX_PUS];
};

/* Loads "file.xml" from the shared topologies directory (env
 * VIO4WD_TOPOLOGIES) or a synthetic description. false if unavailable. */
bool gen_topo_load(struct gen_topo *g, const char *spec);
void gen_topo_free(struct gen_topo *g);
/* The shared topologies directory, or NULL when it is absent (skip). */
const char *gen_topo_dir(void);

/* Node (OS index) and physical core of a CPU. */
int gen_cpu_numa(const struct gen_topo *g, int cpu);
/* Whether NUMA node numa's memory is local to the CPU. */
bool gen_cpu_local(const struct gen_topo *g, int cpu, int numa);
/* The group of a CPU, and the first group local to a NUMA node (-1). */
int gen_cpu_group(const struct gen_topo *g, int cpu);
int gen_numa_group(const struct gen_topo *g, int numa);
int gen_cpu_core(const struct gen_topo *g, int cpu);

/* One trace line for st (workers, relays with numa, cpu, load). */
void gen_write_line(FILE *fp, const struct sched_state *st);

/* A temporary file for a trace; path receives its name. */
FILE *gen_tmpfile(char *path, size_t size);

#endif
