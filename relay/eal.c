/* SPDX-License-Identifier: BSD-3-Clause */
/* eal.c - the EAL command line and rte_eal_init. */
#include "eal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "log.h"

#define EAL_MAX_ARGS 256

static bool has_arg(int n, char **args, const char *prefix)
{
    for (int i = 0; i < n; i++)
        if (strncmp(args[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

int eal_start(const struct vio4wd_config *cfg, const char *prog, int n_extra, char **extra,
              struct eal_layout *out, char *err, size_t errlen)
{
    static char lcores[8192], main_id[16], loglevel[32];
    char *argv[EAL_MAX_ARGS];
    int argc = 0;
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    out->main_cpu = (unsigned)cfg->master_lcore;
    bool main_shared = cpuset_has(&cfg->cpu_mask, out->main_cpu);
    out->main_shared = main_shared;
    if (main_shared) {
        char mask[256];
        cpuset_format(&cfg->cpu_mask, mask, sizeof(mask));
        /* Allowed (a one-CPU test box has no other choice), never silent:
         * the control thread then waits behind a busy-polling worker, and
         * every control request and core move is slow. */
        log_warning("VIRTIOFWD_MASTER_LCORE=%u is also a worker CPU of VIRTIOFWD_CPU_MASK (%s): "
                    "the control thread shares a busy-polling core; pick a CPU outside the "
                    "mask",
                    out->main_cpu, mask);
    }
    for (int c = cpuset_next(&cfg->cpu_mask, 0); c >= 0;
         c = cpuset_next(&cfg->cpu_mask, (unsigned)c + 1)) {
        if ((unsigned)c >= RTE_MAX_LCORE - 1) {
            snprintf(err, errlen,
                     "VIRTIOFWD_CPU_MASK: CPU %d is beyond this DPDK build's "
                     "lcore limit (%d)",
                     c, RTE_MAX_LCORE - 1);
            return -1;
        }
        out->worker_cpus[out->n_workers] = (unsigned)c;
        out->worker_lcores[out->n_workers] = (unsigned)c;
        out->n_workers++;
        pos +=
            (size_t)snprintf(lcores + pos, sizeof(lcores) - pos, "%s%d@%d", pos ? "," : "", c, c);
    }
    if (out->n_workers == 0) {
        snprintf(err, errlen, "VIRTIOFWD_CPU_MASK is empty: at least one worker CPU is needed");
        return -1;
    }
    /* The main lcore: its own CPU id, or the highest free id on a shared CPU. */
    out->main_lcore = main_shared ? RTE_MAX_LCORE - 1 : out->main_cpu;
    if (!main_shared && out->main_cpu >= RTE_MAX_LCORE) {
        snprintf(err, errlen, "VIRTIOFWD_MASTER_LCORE %u is beyond this DPDK build's lcore limit",
                 out->main_cpu);
        return -1;
    }
    pos += (size_t)snprintf(lcores + pos, sizeof(lcores) - pos, ",%u@%u", out->main_lcore,
                            out->main_cpu);
    if (pos >= sizeof(lcores)) {
        snprintf(err, errlen, "VIRTIOFWD_CPU_MASK has too many CPUs");
        return -1;
    }
    snprintf(main_id, sizeof(main_id), "%u", out->main_lcore);
    /* DPDK's levels are syslog's + 1; keep DPDK at notice unless debugging. */
    int lvl = cfg->log_level >= 7 ? 8 : (cfg->log_level + 1 < 6 ? cfg->log_level + 1 : 6);
    snprintf(loglevel, sizeof(loglevel), "--log-level=%d", lvl);

    argv[argc++] = (char *)prog;
    argv[argc++] = (char *)"--lcores";
    argv[argc++] = lcores;
    argv[argc++] = (char *)"--main-lcore";
    argv[argc++] = main_id;
    if (!has_arg(n_extra, extra, "--log-level"))
        argv[argc++] = loglevel;
    struct stat st;
    if (!has_arg(n_extra, extra, "--no-huge") && !has_arg(n_extra, extra, "--huge-dir") &&
        cfg->hugetlbfs_mount_point[0] && stat(cfg->hugetlbfs_mount_point, &st) == 0) {
        argv[argc++] = (char *)"--huge-dir";
        argv[argc++] = (char *)cfg->hugetlbfs_mount_point;
    }
    for (int i = 0; i < n_extra && argc < EAL_MAX_ARGS - 1; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;

    char line[4096];
    size_t lp = 0;
    for (int i = 0; i < argc && lp < sizeof(line); i++)
        lp += (size_t)snprintf(line + lp, sizeof(line) - lp, "%s%s", i ? " " : "", argv[i]);
    log_info("EAL: %s", line);

    /* rte_eal_init may permute argv; give it a copy. */
    char **copy = calloc((size_t)argc + 1, sizeof(char *));
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(copy, argv, (size_t)argc * sizeof(char *));
    int rc = rte_eal_init(argc, copy);
    free(copy); /* the strings themselves are static or ours */
    if (rc < 0) {
        snprintf(err, errlen, "DPDK EAL initialisation failed: %s (arguments: %s)",
                 rte_strerror(rte_errno), line);
        return -1;
    }
    return 0;
}
