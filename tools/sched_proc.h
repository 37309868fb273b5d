/* SPDX-License-Identifier: BSD-3-Clause */
/* sched_proc.h - finding a running vio4wd_core_scheduler: core_pinner
 * warns that it may undo manual pins, sched_view trusts a published
 * decision only while its writer runs. */
#ifndef VIO4WD_TOOLS_SCHED_PROC_H
#define VIO4WD_TOOLS_SCHED_PROC_H

#include <stdbool.h>

#define TOOL_SCHED_NAME "vio4wd_core_scheduler"

/* The pid of a running vio4wd_core_scheduler, from its pid file in pid_dir
 * or from the process table; 0 when none is found. */
long tool_find_scheduler(const char *pid_dir);

/* True when process 'pid' is a vio4wd_core_scheduler. */
bool tool_is_scheduler(long pid);

#endif
