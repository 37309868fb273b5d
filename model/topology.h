/* SPDX-License-Identifier: BSD-3-Clause */
/* A read-only view of the machine through hwloc 2.x: for the worker CPUs
 * the scheduler is given, which NUMA node each is local to, which physical
 * core it belongs to and which hyperthreads share that core; and which
 * NUMA node a PCI device (a VF) hangs off.
 *
 * The topology comes from the live machine, from an hwloc XML export or
 * from a synthetic description ("pack:2 numa:2 core:4 pu:2"), so plans and
 * tests can run against machines we do not have. */
#ifndef VIO4WD_MODEL_TOPOLOGY_H
#define VIO4WD_MODEL_TOPOLOGY_H

#include <stddef.h>

#include "assign.h"
#include "error.h"

struct model_topology;

enum model_topology_flags {
    /* Keep CPUs and NUMA nodes that the capture marked disallowed (a
     * cgroup-restricted XML export).  Off by default, which matches what
     * lstopo shows and what a restricted process may actually use. */
    MODEL_TOPO_WHOLE_SYSTEM = 1u << 0,
};

/* Most hyperthreads per core we report (SMT8 on POWER). */
#define MODEL_TOPO_MAX_SMT 8

/* Most NUMA nodes local to one CPU that we report: DRAM, HBM/MCDRAM and a
 * few CXL or root-attached memory nodes fit several times over. */
#define MODEL_TOPO_MAX_LOCAL_NUMA 16

struct model_cpu_info {
    int cpu;  /* OS index */
    int numa; /* the nearest local NUMA node (OS index; the lowest
                     * of those attached at the same level), -1 if none */
    /* Every NUMA node whose memory is local to the CPU (its cpuset holds
     * the CPU), OS indexes ascending: on Sub-NUMA-Clustering or KNL
     * exports a cluster's DRAM and MCDRAM nodes, plus any node attached
     * at the machine's root.  A relay whose memory is on any of them runs
     * locally on this CPU. */
    int n_local_numa;
    int local_numa[MODEL_TOPO_MAX_LOCAL_NUMA];
    int core;                         /* physical core, unique machine-wide (not the Core's
                     * P#, which repeats per package); siblings share it */
    int package;                      /* package OS index, -1 if none */
    int n_siblings;                   /* other hyperthreads on the same core */
    int siblings[MODEL_TOPO_MAX_SMT]; /* their OS indexes, ascending */
};

/* spec NULL or "" loads the live machine; a path to an existing file loads
 * hwloc XML; anything else is taken as a synthetic description. */
int model_topology_load(const char *spec, unsigned flags, struct model_topology **out, char *errbuf,
                        size_t errlen);
int model_topology_load_live(unsigned flags, struct model_topology **out, char *errbuf,
                             size_t errlen);
int model_topology_load_xml(const char *path, unsigned flags, struct model_topology **out,
                            char *errbuf, size_t errlen);
int model_topology_load_synthetic(const char *desc, unsigned flags, struct model_topology **out,
                                  char *errbuf, size_t errlen);
void model_topology_free(struct model_topology *topo);

/* Counts of usable PUs and NUMA nodes. */
int model_topology_num_cpus(const struct model_topology *topo);
int model_topology_num_numa(const struct model_topology *topo);

/* OS indexes of all PUs, ascending; writes at most max, returns the total. */
int model_topology_cpus(const struct model_topology *topo, int *cpus, int max);

/* Where a CPU sits.  MODEL_ENOENT if the topology has no such CPU. */
int model_topology_cpu(const struct model_topology *topo, int cpu, struct model_cpu_info *info,
                       char *errbuf, size_t errlen);

/* Describe worker CPUs for the solver (cpu, NUMA node, physical core). */
int model_topology_workers(const struct model_topology *topo, const int *cpus, int n,
                           struct model_worker *workers, char *errbuf, size_t errlen);

/* NUMA node of a PCI device, "0000:05:08.1" or "05:08.1".  *numa is -1
 * when the device has no single local node (attached above several).
 * MODEL_EINVAL for a malformed address, MODEL_ENOENT if not present. */
int model_topology_pci_numa(const struct model_topology *topo, const char *pci_addr, int *numa,
                            char *errbuf, size_t errlen);

#endif
