/* SPDX-License-Identifier: BSD-3-Clause */
/* reload.c - SIGHUP handling (see reload.h). */
#include "reload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* The variables fixed at start, by the part of the configuration they own. */
struct fixed_field {
    const char *name;
    size_t offset, size;
};

#define FIXED(n, member)                                                                       \
    {                                                                                          \
        n, offsetof(struct vio4wd_config, member), sizeof(((struct vio4wd_config *)0)->member) \
    }

static const struct fixed_field fixed[] = {
    FIXED("VIRTIOFWD_CPU_MASK", cpu_mask),
    FIXED("VIRTIOFWD_MASTER_LCORE", master_lcore),
    FIXED("VIRTIOFWD_STATIC_VFS", static_vfs),
    FIXED("VIRTIOFWD_STATIC_VFS", n_static_vfs),
    FIXED("VIRTIOFWD_CPU_PINS", cpu_pins),
    FIXED("VIRTIOFWD_CPU_PINS", n_cpu_pins),
    FIXED("VIRTIOFWD_DYNAMIC_SOCKETS", dynamic_sockets),
    FIXED("VIRTIOFWD_VHOST_CLIENT", vhost_client),
    FIXED("VIRTIOFWD_SOCKET_DIR", socket_dir),
    FIXED("VIRTIOFWD_SOCKET_FNAME_PATTERN", socket_fname_pattern),
    FIXED("VIRTIOFWD_SOCKET_OWNER", socket_owner),
    FIXED("VIRTIOFWD_SOCKET_GROUP", socket_group),
    FIXED("VIRTIOFWD_HUGETLBFS_MOUNT_POINT", hugetlbfs_mount_point),
    FIXED("VIRTIOFWD_JUMBO", jumbo),
    FIXED("VIRTIOFWD_MRGBUF", mrgbuf),
    FIXED("VIRTIOFWD_TSO", tso),
    FIXED("VIRTIOFWD_ZMQ_STATS_EP", zmq_stats_ep),
    FIXED("VIRTIOFWD_ZMQ_CORE_SCHED_EP", zmq_core_sched_ep),
    FIXED("VIRTIOFWD_ZMQ_PORT_CONTROL_EP", zmq_port_control_ep),
    FIXED("VIRTIOFWD_ZMQ_CONFIG_EP", zmq_config_ep),
    FIXED("VIO4WD_ZMQ_ALLOW_TCP", zmq_allow_tcp),
    FIXED("VIRTIOFWD_IPC_PORT_CONTROL", ipc_port_control),
    FIXED("VIRTIOFWD_OVSDB_SOCK_PATH", ovsdb_sock_path),
    FIXED("VIRTIOFWD_PID_DIR", pid_dir),
    FIXED("VIO4WD_CORE_SCHED_ENABLE", core_sched_enable),
    FIXED("VIO4WD_CORE_SCHED_GLOBAL_NUMA_OPT", core_sched_global_numa_opt),
};

/* Appends the names of the fixed variables that differ, each once. */
static void changed_fixed(const struct vio4wd_config *a, const struct vio4wd_config *b, char *out,
                          size_t outlen)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        const struct fixed_field *f = &fixed[i];
        if (memcmp((const char *)a + f->offset, (const char *)b + f->offset, f->size) == 0 ||
            strstr(out, f->name) != NULL)
            continue;
        int n = snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", f->name);
        if (n < 0 || (size_t)n >= outlen - len)
            return;
        len += (size_t)n;
    }
}

void reload_config(int argc, char **argv, struct relay_options *running)
{
    struct relay_options *next = calloc(1, sizeof(*next));
    char err[1024] = "", changed[1024];

    if (!next) {
        log_err("SIGHUP: out of memory; configuration not reloaded");
        return;
    }
    if (options_parse(argc, argv, next, err, sizeof(err)) != OPTIONS_RUN) {
        log_err("SIGHUP: configuration not reloaded, nothing changed: %s", err);
        free(next);
        return;
    }
    if (strcmp(next->run_dir, running->run_dir) != 0 ||
        strcmp(next->config_path, running->config_path) != 0)
        log_warning("SIGHUP: the run directory and configuration path come from the "
                    "command line and never change on reload");
    changed_fixed(&running->cfg, &next->cfg, changed, sizeof(changed));
    if (changed[0])
        log_warning("SIGHUP: %s changed in %s; restart virtio-forwarder to apply (keeping the "
                    "running values)",
                    changed, running->config_path);
    if (next->cfg.log_level != running->cfg.log_level) {
        log_notice("SIGHUP: log level %d -> %d", running->cfg.log_level, next->cfg.log_level);
        running->cfg.log_level = next->cfg.log_level;
        log_set_level(running->cfg.log_level);
    }
    log_notice("configuration %s re-read%s", running->config_path,
               changed[0] ? "; some changes wait for a restart" : "");
    free(next);
}
