/* SPDX-License-Identifier: BSD-3-Clause */
/* config.h - the /etc/default/virtioforwarder configuration.
 *
 * Both daemons read the same file: VAR=value lines, '#' comments, quotes, and
 * bash arrays VAR=(a b c) for the list variables. A value is parsed into the
 * typed struct below as soon as it is set, so a syntax error names the line
 * it came from; checks that relate several variables (a pin must name a CPU
 * of the mask, a CPU must exist on this host) run once in config_check(),
 * after the command line has overridden the file.
 *
 * Usage:
 *     struct vio4wd_config cfg;
 *     config_init(&cfg);
 *     config_load_file(&cfg, path, warn_fn, ctx, err, sizeof(err));
 *     config_set(&cfg, "VIRTIOFWD_CPU_MASK", optarg, err, sizeof(err));  // CLI
 *     config_check(&cfg, &host_cpus, err, sizeof(err));
 */
#ifndef VIO4WD_CONFIG_H
#define VIO4WD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"
#include "rate.h"

#define VIO4WD_MAX_RELAYS   64
#define VIO4WD_DEVICE_MAX   256 /* a DPDK device string or PCI address */
#define VIO4WD_PATH_MAX     256
#define VIO4WD_ENDPOINT_MAX 256
#define VIO4WD_NAME_MAX     64
/* VIRTIOFWD_WORKER_SLEEP_MAX_US: its default and the largest value taken. */
#define VIO4WD_WORKER_SLEEP_MAX_US_DEFAULT 500
#define VIO4WD_WORKER_SLEEP_MAX_US_LIMIT   10000

/* One VIRTIOFWD_STATIC_VFS entry: "<device>=<relay id>". */
struct vio4wd_static_vf {
    unsigned relay_id;
    char device[VIO4WD_DEVICE_MAX]; /* "0000:05:08.1", "net_null0", ... */
};

/* One VIRTIOFWD_CPU_PINS entry: "<relay>:<cpu>[,<cpu>][!]". With one CPU both
 * directions use it; the second CPU, when given, serves VM->VF. A trailing
 * '!' marks the pin fixed: the core scheduler never moves the relay's
 * directions (the relay itself treats both kinds alike). */
struct vio4wd_cpu_pin {
    unsigned relay_id;
    unsigned vf_to_vm_cpu;
    unsigned vm_to_vf_cpu;
    bool fixed;
};

/* Where a value config_check() looks at came from, so its messages can say
 * "file:line: VAR='value as written'", or that the value is the default. */
struct vio4wd_origin {
    bool set;                         /* false: the default */
    char where[VIO4WD_PATH_MAX + 16]; /* "file:line"; "" = command line */
    char text[VIO4WD_PATH_MAX];       /* the value as written */
};

/* One VIRTIOFWD_RATE_LIMITS entry: "<relay>:<rate>[,<rate>]" (rate.h). With
 * one rate both directions get it; the second, when given, limits VM->VF.
 * rate[] is indexed like enum vio4wd_dir: 0 VF->VM, 1 VM->VF. */
struct vio4wd_rate_limit {
    unsigned relay_id;
    struct vio4wd_rate rate[2];
};

struct vio4wd_config {
    /* relay: workers and logging */
    struct vio4wd_cpuset cpu_mask; /* VIRTIOFWD_CPU_MASK */
    int log_level;                 /* VIRTIOFWD_LOG_LEVEL, 0..7 */
    int master_lcore;              /* VIRTIOFWD_MASTER_LCORE */
    unsigned worker_sleep_max_us;  /* VIRTIOFWD_WORKER_SLEEP_MAX_US: an idle
                                             * worker's longest sleep; 0 = busy-poll */

    /* relay: ports */
    struct vio4wd_static_vf static_vfs[VIO4WD_MAX_RELAYS];
    unsigned n_static_vfs; /* VIRTIOFWD_STATIC_VFS */
    struct vio4wd_cpu_pin cpu_pins[VIO4WD_MAX_RELAYS];
    unsigned n_cpu_pins; /* VIRTIOFWD_CPU_PINS */
    struct vio4wd_rate_limit rate_limits[VIO4WD_MAX_RELAYS];
    unsigned n_rate_limits; /* VIRTIOFWD_RATE_LIMITS */

    /* relay: vhost-user */
    bool dynamic_sockets;                        /* VIRTIOFWD_DYNAMIC_SOCKETS */
    bool vhost_client;                           /* VIRTIOFWD_VHOST_CLIENT */
    char socket_dir[VIO4WD_PATH_MAX];            /* VIRTIOFWD_SOCKET_DIR */
    char socket_fname_pattern[VIO4WD_PATH_MAX];  /* VIRTIOFWD_SOCKET_FNAME_PATTERN, one %u */
    char socket_owner[VIO4WD_NAME_MAX];          /* VIRTIOFWD_SOCKET_OWNER, "" = ours */
    char socket_group[VIO4WD_NAME_MAX];          /* VIRTIOFWD_SOCKET_GROUP, "" = ours */
    char hugetlbfs_mount_point[VIO4WD_PATH_MAX]; /* VIRTIOFWD_HUGETLBFS_MOUNT_POINT */
    bool jumbo;                                  /* VIRTIOFWD_JUMBO */
    bool mrgbuf;                                 /* VIRTIOFWD_MRGBUF */
    bool tso;                                    /* VIRTIOFWD_TSO */

    /* control plane */
    char zmq_stats_ep[VIO4WD_ENDPOINT_MAX];        /* VIRTIOFWD_ZMQ_STATS_EP */
    char zmq_core_sched_ep[VIO4WD_ENDPOINT_MAX];   /* VIRTIOFWD_ZMQ_CORE_SCHED_EP */
    char zmq_port_control_ep[VIO4WD_ENDPOINT_MAX]; /* VIRTIOFWD_ZMQ_PORT_CONTROL_EP, "" = off */
    char zmq_config_ep[VIO4WD_ENDPOINT_MAX];       /* VIRTIOFWD_ZMQ_CONFIG_EP, "" = off */
    bool zmq_allow_tcp;                            /* VIO4WD_ZMQ_ALLOW_TCP: tcp:// endpoints */
    bool ipc_port_control;                         /* VIRTIOFWD_IPC_PORT_CONTROL: command file */
    char ipc_port_control_file[VIO4WD_PATH_MAX];   /* VIO4WD_IPC_PORT_CONTROL_FILE */
    char ovsdb_sock_path[VIO4WD_PATH_MAX];         /* VIRTIOFWD_OVSDB_SOCK_PATH */
    char pid_dir[VIO4WD_PATH_MAX];                 /* VIRTIOFWD_PID_DIR */

    /* vio4wd_core_scheduler */
    bool core_sched_enable;                  /* VIO4WD_CORE_SCHED_ENABLE */
    double core_sched_sensitivity;           /* VIO4WD_CORE_SCHED_SENSITIVITY, >= 0 */
    int core_sched_log_level;                /* VIO4WD_CORE_SCHED_LOG_LEVEL, 0..7 */
    double core_sched_poll_interval;         /* VIO4WD_CORE_SCHED_POLL_INTERVAL, s, > 0 */
    bool core_sched_global_numa_opt;         /* VIO4WD_CORE_SCHED_GLOBAL_NUMA_OPT */
    int core_sched_mode;                     /* VIO4WD_CORE_SCHED_MODE: 0 spread,
                                             * 1 pack (sched's enum sched_mode) */
    double core_sched_pack_target;           /* VIO4WD_CORE_SCHED_PACK_TARGET, (0, 1] */
    struct vio4wd_cpuset core_sched_exclude; /* VIO4WD_CORE_SCHED_EXCLUDE_CPUS: workers
                                             * nothing moves onto or off */
    int core_sched_max_migrations;           /* VIO4WD_CORE_SCHED_MAX_MIGRATIONS per
                                             * decision, 0..65536; -1 = no limit */

    /* where the CPU variables came from, for config_check()'s messages */
    struct vio4wd_origin cpu_mask_origin, master_lcore_origin;
    struct vio4wd_origin cpu_pin_origin[VIO4WD_MAX_RELAYS]; /* per entry */
};

/* Receives one warning (for example an unknown variable); may be NULL. */
typedef void config_warn_fn(const char *message, void *opaque);

/* Upstream's defaults for every variable. */
void config_init(struct vio4wd_config *cfg);

/* Sets one variable from its text form (as it would appear after '=' once
 * the shell has removed quotes; list variables take whitespace-separated
 * items). Returns 0; 1 when the name is not a known variable (cfg unchanged);
 * -1 when the value is bad, with err naming the variable, the value and what
 * is valid. */
int config_set(struct vio4wd_config *cfg, const char *name, const char *value, char *err,
               size_t errlen);

/* Parses a whole file's text. 'origin' names it in messages ("file:line: ").
 * Stops at the first error. Unknown variables are reported through warn. */
int config_load_buffer(struct vio4wd_config *cfg, const char *text, size_t len, const char *origin,
                       config_warn_fn *warn, void *opaque, char *err, size_t errlen);

/* Reads and parses 'path'. A missing file is an error here; callers that
 * treat a missing default file as "all defaults" check for it themselves. */
int config_load_file(struct vio4wd_config *cfg, const char *path, config_warn_fn *warn,
                     void *opaque, char *err, size_t errlen);

/* Cross-variable checks, run after all overrides: every CPU in the mask, the
 * pins and the master lcore exists in host_cpus; pins name CPUs of the mask;
 * only one port-control method is on; no endpoint is tcp:// unless
 * VIO4WD_ZMQ_ALLOW_TCP says so. */
int config_check(const struct vio4wd_config *cfg, const struct vio4wd_cpuset *host_cpus, char *err,
                 size_t errlen);

/* The vhost-user socket path of a relay: socket_dir/pattern with %u = id. */
int config_socket_path(const struct vio4wd_config *cfg, unsigned relay_id, char *buf,
                       size_t buflen);

/* Names of all known variables, NULL-terminated (for --help and warnings). */
const char *const *config_variable_names(void);

#endif
