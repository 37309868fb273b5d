/* SPDX-License-Identifier: BSD-3-Clause */
/* netdev_vf.h - from a Linux network interface to the SR-IOV VF behind it,
 * through sysfs, for any vendor (upstream parses `ethtool -i` output that
 * only Netronome's driver prints). No DPDK here: unit-tested on fake trees.
 *
 * Two kinds of interface lead to a VF:
 *   - the VF's own netdev: <root>/class/net/<if>/device is the VF (it has a
 *     physfn link), and the PF's virtfnN link that points back at it gives N;
 *   - a switchdev VF representor: phys_port_name "pfXvfN"; the PF is PCI
 *     function X of the representor's NIC, and its virtfnN is the VF.
 */
#ifndef VIO4WD_NETDEV_VF_H
#define VIO4WD_NETDEV_VF_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define NETDEV_VF_PCI_MAX 64

struct netdev_vf {
    char pci[NETDEV_VF_PCI_MAX]; /* the VF, "0000:05:08.1" */
    unsigned index;              /* N of the PF's virtfnN */
    bool representor;            /* found through phys_port_name */
};

/* The sysfs root: "/sys", or VIO4WD_TEST_SYSFS_ROOT (test_hooks.h). */
const char *netdev_vf_sysfs_root(void);

/* Resolves 'ifname' under 'root'. Returns 0, or -1 with err saying why
 * (unknown interface, no device link, not a VF, malformed phys_port_name). */
int netdev_vf_resolve(const char *root, const char *ifname, struct netdev_vf *out, char *err,
                      size_t errlen);

/* A port to attach: relay and DPDK device, and how it was found. */
struct port_want {
    unsigned relay_id;
    char device[VIO4WD_DEVICE_MAX];
    char how[128]; /* "VF 0000:05:08.2 (virtfn2)" */
};

/* As upstream: a netdev's VF serves the relay numbered as the VF (the N of
 * virtfnN). Returns 0, or -1 with err (not a VF, or N beyond the last
 * relay, max_relays - 1). */
int netdev_vf_want(const char *root, const char *ifname, unsigned max_relays,
                   struct port_want *want, char *err, size_t errlen);

#endif
