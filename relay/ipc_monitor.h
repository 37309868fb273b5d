/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_monitor.h - port control from upstream's IPC command file: lines
 * "add_port <netdev>" and "del_port <netdev>", noticed through inotify. */
#ifndef VIO4WD_IPC_MONITOR_H
#define VIO4WD_IPC_MONITOR_H

#include <stddef.h>

int ipc_monitor_start(const char *path, char *err, size_t errlen);

#endif
