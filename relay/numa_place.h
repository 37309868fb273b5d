/* SPDX-License-Identifier: BSD-3-Clause */
/* numa_place.h - which NUMA node a relay's mbuf pool belongs on.
 *
 * Pure (no DPDK), so the rule is unit-tested on any machine. The rule, from
 * issue 4: on the node of the guest's memory once the guest is connected
 * (the guest's rings and buffers are what every packet touches), on the
 * VF's node before that; a pool that exists stays where it is while
 * nothing better is known. -1 means "unknown" / "any node".
 */
#ifndef VIO4WD_NUMA_PLACE_H
#define VIO4WD_NUMA_PLACE_H

/* Node the pool should be on, given the node it was created for (-1 = no
 * pool yet), the VF's node and the guest memory's node (-1 = unknown or no
 * guest). A result different from pool_node (with pool_node >= 0) means
 * "move the pool". Inline: it is the whole rule, and the relay's
 * file lists (fuzz builds too) need no extra source. */
static inline int numa_pool_target(int pool_node, int vf_node, int guest_node)
{
    if (guest_node >= 0)
        return guest_node; /* the guest's memory wins */
    if (pool_node >= 0)
        return pool_node; /* nothing better known: no reason to move */
    return vf_node >= 0 ? vf_node : -1;
}

#endif
