/* SPDX-License-Identifier: BSD-3-Clause */
/* sched_proc.c - is the scheduler running, and which pid (sched_proc.h). */
#include "sched_proc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tool_options.h"

/* True when /proc/<pid>/comm names the scheduler (the kernel keeps 15
 * characters of it). */
bool tool_is_scheduler(long pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(comm, sizeof(comm), f) != NULL;
    fclose(f);
    return ok && strncmp(comm, TOOL_SCHED_NAME, 15) == 0;
}

static long pid_from_file(const char *dir)
{
    char path[VIO4WD_PATH_MAX + 64];
    long pid = 0;

    snprintf(path, sizeof(path), "%s/%s.pid", dir, TOOL_SCHED_NAME);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return pid > 0 && tool_is_scheduler(pid) ? pid : 0;
}

long tool_find_scheduler(const char *pid_dir)
{
    long pid = 0;

    if (pid_dir && *pid_dir)
        pid = pid_from_file(pid_dir);
    if (!pid)
        pid = pid_from_file(TOOL_DEFAULT_RUN_DIR);
    if (pid)
        return pid;
    /* No pid file (started by hand, or another pid directory): look for
     * the process itself. */
    DIR *proc = opendir("/proc");
    if (!proc)
        return 0;
    for (struct dirent *e; (e = readdir(proc)) != NULL;) {
        char *end;
        long p = strtol(e->d_name, &end, 10);
        if (*end == '\0' && p > 0 && p != (long)getpid() && tool_is_scheduler(p)) {
            pid = p;
            break;
        }
    }
    closedir(proc);
    return pid;
}
