/* SPDX-License-Identifier: BSD-3-Clause */
/* locality.h - which workers are local to which relay.
 *
 * A worker's locality is the set of NUMA nodes whose memory is local to
 * it: one node on a plain two-socket host, but a cluster's DRAM and
 * MCDRAM nodes on KNL or Sub-NUMA-Clustering exports, and every node
 * attached at the machine's root. Workers with equal sets form a class;
 * a relay may run on the workers of any class whose set holds its NUMA
 * node. The classes are the scheduler's independent problems, so each is
 * solved apart as a NUMA node used to be. NUMA node ids are the OS's
 * everywhere, never hwloc's logical indexes.
 */
#ifndef VIO4WD_SCHED_LOCALITY_H
#define VIO4WD_SCHED_LOCALITY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/topology.h"

struct sched_numa_set {
    int n;
    int numa[MODEL_TOPO_MAX_LOCAL_NUMA]; /* OS indexes, ascending */
};

/* The CPU's set from the topology; a machine without NUMA information is
 * node 0. */
void locality_of_cpu(const struct model_cpu_info *info, struct sched_numa_set *set);

bool locality_has(const struct sched_numa_set *set, int numa);

/* "0" or "0,7": for messages. */
void locality_format(const struct sched_numa_set *set, char *buf, size_t size);

/* Groups nw worker sets into classes: class_of[i] receives worker i's
 * class, classes[] (nw entries of room) the distinct sets ordered by
 * their lowest node, so output and logs are stable. Returns the count. */
int locality_classes(const struct sched_numa_set *worker_set, int nw, int *class_of,
                     struct sched_numa_set *classes);

#endif
