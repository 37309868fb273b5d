/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_line.h - one line of upstream's IPC command file (no DPDK: fuzzed
 * and unit-tested on its own).
 *
 *   add_port <netdev>                          as upstream: the netdev's VF
 *                                              serves relay N of its virtfnN
 *   add_port <netdev> relay=<N> device=<DEV>   beyond upstream: a DPDK device
 *                                              string (vdev, representor)
 *   del_port <netdev>
 *
 * Blank lines and lines starting with '#' are ignored.
 */
#ifndef VIO4WD_IPC_LINE_H
#define VIO4WD_IPC_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define IPC_NAME_MAX 16 /* IFNAMSIZ */

enum ipc_op {
    IPC_ADD_PORT,
    IPC_DEL_PORT,
};

struct ipc_cmd {
    enum ipc_op op;
    char ifname[IPC_NAME_MAX];
    bool has_device;
    unsigned relay_id; /* with has_device */
    char device[VIO4WD_DEVICE_MAX];
};

/* Parses one line of 'len' bytes (no newline; may hold any byte). Returns
 * 1 with cmd filled, 0 for a blank or comment line, -1 with err saying
 * what is wrong and what is valid. */
int ipc_line_parse(const char *line, size_t len, struct ipc_cmd *cmd, char *err, size_t errlen);

#endif
