/* SPDX-License-Identifier: BSD-3-Clause */
/* options.c - argv -> config_set(). Command-line values override the file. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "vhost.h"
#include "vio4wd_build_config.h"

#define MAX_SETTINGS 256

struct setting {
    const char *name;
    const char *value;
};

enum {
    OPT_ZMQ_CONFIG = 256,
    OPT_ZMQ_PORT_CONTROL,
    OPT_ZMQ_STATS,
    OPT_ZMQ_CORE_SCHED,
    OPT_IPC,
    OPT_IPC_FILE,
    OPT_VHOST_PATH,
    OPT_VHOST_SOCKET,
    OPT_MRGBUF,
    OPT_VHOST_CLIENT,
    OPT_TSO,
    OPT_DYNAMIC_SOCKETS,
    OPT_NODAEMON,
    OPT_CONFIG,
    OPT_RUN_DIR,
    OPT_VERSION,
    OPT_SET,
    OPT_CORE_SCHED,
    OPT_ALLOW_TCP,
    OPT_SLEEP_MAX,
};

static const struct option long_opts[] = {
    {"cpu-mask", required_argument, NULL, 'C'},
    {"loglevel", required_argument, NULL, 'l'},
    {"master-lcore", required_argument, NULL, 'M'},
    {"worker-sleep-max-us", required_argument, NULL, OPT_SLEEP_MAX},
    {"pid-dir", required_argument, NULL, 'p'},
    {"hugetlbfs", required_argument, NULL, 'H'},
    {"ovsdb-sock", required_argument, NULL, 'O'},
    {"zmq-config-ep", required_argument, NULL, OPT_ZMQ_CONFIG},
    {"zmq-port-control-ep", required_argument, NULL, OPT_ZMQ_PORT_CONTROL},
    {"zmq-stats-ep", required_argument, NULL, OPT_ZMQ_STATS},
    {"zmq-core-sched-ep", required_argument, NULL, OPT_ZMQ_CORE_SCHED},
    {"ipc", no_argument, NULL, OPT_IPC},
    {"ipc-file", required_argument, NULL, OPT_IPC_FILE},
    {"user", required_argument, NULL, 'u'},
    {"group", required_argument, NULL, 'g'},
    {"vhost-path", required_argument, NULL, OPT_VHOST_PATH},
    {"vhost-socket", required_argument, NULL, OPT_VHOST_SOCKET},
    {"jumbo", no_argument, NULL, 'J'},
    {"enable-mrgbuf", no_argument, NULL, OPT_MRGBUF},
    {"vhostuser-client", no_argument, NULL, OPT_VHOST_CLIENT},
    {"enable-tso", no_argument, NULL, OPT_TSO},
    {"dynamic-sockets", no_argument, NULL, OPT_DYNAMIC_SOCKETS},
    {"cpu-pin", required_argument, NULL, 'c'},
    {"static-vf", required_argument, NULL, 'P'},
    {"nodaemon", optional_argument, NULL, OPT_NODAEMON},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"run-dir", required_argument, NULL, OPT_RUN_DIR},
    {"core-sched", no_argument, NULL, OPT_CORE_SCHED},
    {"allow-tcp-endpoints", no_argument, NULL, OPT_ALLOW_TCP},
    {"set", required_argument, NULL, OPT_SET},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static void usage(const char *prog)
{
    printf(
        "Usage: %s [options] [-- EAL options]\n"
        "Relays packets between SR-IOV VFs and virtio-net guests (vhost-user).\n"
        "Options override the configuration file's variables (named in brackets).\n"
        "  --config FILE            configuration file (default %s; a missing\n"
        "                           default file means all defaults)\n"
        "  --run-dir DIR            counters file and instance lock (default %s)\n"
        "  -C, --cpu-mask CPUS      worker CPUs, \"1,2\", \"2-5\" or \"0x6\" [VIRTIOFWD_CPU_MASK]\n"
        "  -M, --master-lcore CPU   CPU of the control thread [VIRTIOFWD_MASTER_LCORE]\n"
        "  -l, --loglevel N         0..7 [VIRTIOFWD_LOG_LEVEL]\n"
        "      --worker-sleep-max-us US  longest sleep of an idle worker, 0..%d us (default\n"
        "                           %d); 0: workers busy-poll and never park\n"
        "                           [VIRTIOFWD_WORKER_SLEEP_MAX_US]\n"
        "  -p, --pid-dir DIR        pid file directory [VIRTIOFWD_PID_DIR]\n"
        "  -H, --hugetlbfs DIR      hugetlbfs mount point [VIRTIOFWD_HUGETLBFS_MOUNT_POINT]\n"
        "  -O, --ovsdb-sock PATH    OVSDB socket [VIRTIOFWD_OVSDB_SOCK_PATH]\n"
        "      --ipc                IPC command-file port control, when no ZeroMQ port\n"
        "                           control endpoint is set [VIRTIOFWD_IPC_PORT_CONTROL]\n"
        "      --ipc-file PATH      its command file [VIO4WD_IPC_PORT_CONTROL_FILE]\n"
        "      --zmq-stats-ep EP, --zmq-core-sched-ep EP, --zmq-port-control-ep EP,\n"
        "      --zmq-config-ep EP   ZeroMQ endpoints [VIRTIOFWD_ZMQ_*_EP]\n"
        "      --core-sched         serve the core_sched endpoint [VIO4WD_CORE_SCHED_ENABLE]\n"
        "      --allow-tcp-endpoints  let endpoints be tcp:// (no authentication!)\n"
        "                           [VIO4WD_ZMQ_ALLOW_TCP]\n"
        "  -u, --user NAME, -g, --group NAME\n"
        "                           vhost socket owner/group [VIRTIOFWD_SOCKET_OWNER/GROUP]\n"
        "      --vhost-path DIR     socket directory [VIRTIOFWD_SOCKET_DIR]\n"
        "      --vhost-socket PAT   socket name pattern, one %%u [VIRTIOFWD_SOCKET_FNAME_PATTERN]\n"
        "      --vhostuser-client   vhost-user client mode [VIRTIOFWD_VHOST_CLIENT]\n"
        "      --dynamic-sockets    sockets only on request [VIRTIOFWD_DYNAMIC_SOCKETS]\n"
        "  -J, --jumbo              jumbo frames [VIRTIOFWD_JUMBO]\n"
        "      --enable-mrgbuf      mergeable rx buffers [VIRTIOFWD_MRGBUF]\n"
        "      --enable-tso         TSO and checksum offloads [VIRTIOFWD_TSO]\n"
        "  -c, --cpu-pin R:C1[,C2]  pin relay R: C1 serves VF->VM, C2 VM->VF (repeatable)\n"
        "                           [VIRTIOFWD_CPU_PINS]\n"
        "  -P, --static-vf DEV=R    attach VF DEV (PCI address or DPDK device string) to\n"
        "                           relay R at start (repeatable) [VIRTIOFWD_STATIC_VFS]\n"
        "      --set VAR=VALUE      set any configuration variable\n"
        "      --nodaemon[=...]     accepted for compatibility; never forks\n"
        "  -h, --help, --version\n",
        prog, VIO4WD_SYSCONF_DEFAULT, RELAY_DEFAULT_RUN_DIR, VIO4WD_WORKER_SLEEP_MAX_US_LIMIT,
        VIO4WD_WORKER_SLEEP_MAX_US_DEFAULT);
}

/* Appends an item to a space-separated list kept in a static buffer. */
static const char *append(char *buf, size_t len, const char *item)
{
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%s%s", n ? " " : "", item);
    return buf;
}

static void warn_cb(const char *message, void *opaque)
{
    (void)opaque;
    log_warning("%s", message);
}

enum options_result options_parse(int argc, char **argv, struct relay_options *o, char *err,
                                  size_t errlen)
{
    static char pins[8192], vfs[32768];
    static char set_names[MAX_SETTINGS][128];
    struct setting set[MAX_SETTINGS];
    unsigned n_set = 0;
    bool config_explicit = false;
    int c;

    memset(o, 0, sizeof(*o));
    pins[0] = vfs[0] = '\0';
    config_init(&o->cfg);
    snprintf(o->config_path, sizeof(o->config_path), "%s", VIO4WD_SYSCONF_DEFAULT);
    snprintf(o->run_dir, sizeof(o->run_dir), "%s", RELAY_DEFAULT_RUN_DIR);

#define SET(n, v)                                      \
    do {                                               \
        if (n_set < MAX_SETTINGS)                      \
            set[n_set++] = (struct setting){(n), (v)}; \
    } while (0)
    optind = 0; /* glibc: a full reset, so SIGHUP can parse again */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+C:l:M:p:H:O:u:g:Jc:P:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'C':
            SET("VIRTIOFWD_CPU_MASK", optarg);
            break;
        case 'l':
            SET("VIRTIOFWD_LOG_LEVEL", optarg);
            break;
        case 'M':
            SET("VIRTIOFWD_MASTER_LCORE", optarg);
            break;
        case OPT_SLEEP_MAX:
            SET("VIRTIOFWD_WORKER_SLEEP_MAX_US", optarg);
            break;
        case 'p':
            SET("VIRTIOFWD_PID_DIR", optarg);
            break;
        case 'H':
            SET("VIRTIOFWD_HUGETLBFS_MOUNT_POINT", optarg);
            break;
        case 'O':
            SET("VIRTIOFWD_OVSDB_SOCK_PATH", optarg);
            break;
        case OPT_ZMQ_CONFIG:
            SET("VIRTIOFWD_ZMQ_CONFIG_EP", optarg);
            break;
        case OPT_ZMQ_PORT_CONTROL:
            SET("VIRTIOFWD_ZMQ_PORT_CONTROL_EP", optarg);
            break;
        case OPT_ZMQ_STATS:
            SET("VIRTIOFWD_ZMQ_STATS_EP", optarg);
            break;
        case OPT_ZMQ_CORE_SCHED:
            SET("VIRTIOFWD_ZMQ_CORE_SCHED_EP", optarg);
            break;
        case OPT_IPC:
            SET("VIRTIOFWD_IPC_PORT_CONTROL", "true");
            break;
        case OPT_IPC_FILE:
            SET("VIO4WD_IPC_PORT_CONTROL_FILE", optarg);
            break;
        case 'u':
            SET("VIRTIOFWD_SOCKET_OWNER", optarg);
            break;
        case 'g':
            SET("VIRTIOFWD_SOCKET_GROUP", optarg);
            break;
        case OPT_VHOST_PATH:
            SET("VIRTIOFWD_SOCKET_DIR", optarg);
            break;
        case OPT_VHOST_SOCKET:
            SET("VIRTIOFWD_SOCKET_FNAME_PATTERN", optarg);
            break;
        case 'J':
            SET("VIRTIOFWD_JUMBO", "true");
            break;
        case OPT_MRGBUF:
            SET("VIRTIOFWD_MRGBUF", "true");
            break;
        case OPT_VHOST_CLIENT:
            SET("VIRTIOFWD_VHOST_CLIENT", "true");
            break;
        case OPT_TSO:
            SET("VIRTIOFWD_TSO", "true");
            break;
        case OPT_DYNAMIC_SOCKETS:
            SET("VIRTIOFWD_DYNAMIC_SOCKETS", "true");
            break;
        case OPT_CORE_SCHED:
            SET("VIO4WD_CORE_SCHED_ENABLE", "true");
            break;
        case OPT_ALLOW_TCP:
            SET("VIO4WD_ZMQ_ALLOW_TCP", "y");
            break;
        case 'c':
            SET("VIRTIOFWD_CPU_PINS", append(pins, sizeof(pins), optarg));
            break;
        case 'P':
            SET("VIRTIOFWD_STATIC_VFS", append(vfs, sizeof(vfs), optarg));
            break;
        case OPT_NODAEMON:
            break;
        case OPT_CONFIG:
            snprintf(o->config_path, sizeof(o->config_path), "%s", optarg);
            config_explicit = true;
            break;
        case OPT_RUN_DIR:
            snprintf(o->run_dir, sizeof(o->run_dir), "%s", optarg);
            break;
        case OPT_SET: {
            /* argv stays as it was: SIGHUP parses it again. */
            const char *eq = strchr(optarg, '=');
            if (!eq || n_set >= MAX_SETTINGS) {
                snprintf(err, errlen, "--set %s: expected VAR=VALUE", optarg);
                return OPTIONS_BAD;
            }
            /* the name's slot is taken before SET, which increments n_set */
            char *name = set_names[n_set];
            snprintf(name, sizeof(set_names[0]), "%.*s", (int)(eq - optarg), optarg);
            SET(name, eq + 1);
            break;
        }
        case 'h':
            usage(argv[0]);
            return OPTIONS_EXIT_OK;
        case OPT_VERSION:
            printf("virtio-forwarder (vio4wd) %s\n", VIO4WD_VERSION);
            return OPTIONS_EXIT_OK;
        default:
            if (optopt && optopt < 256)
                snprintf(err, errlen, "option -%c: unknown, or missing its value (see --help)",
                         optopt);
            else
                snprintf(err, errlen, "option %s: unknown, or missing its value (see --help)",
                         argv[optind - 1]);
            return OPTIONS_BAD;
        }
    }
#undef SET
    if (optind < argc && strcmp(argv[optind - 1], "--") != 0) {
        snprintf(err, errlen, "unexpected argument '%s' (EAL options go after \"--\")",
                 argv[optind]);
        return OPTIONS_BAD;
    }
    o->n_eal_args = argc - optind;
    o->eal_args = argv + optind;

    struct stat st;
    if (config_explicit || stat(o->config_path, &st) == 0) {
        if (config_load_file(&o->cfg, o->config_path, warn_cb, NULL, err, errlen) != 0)
            return OPTIONS_BAD;
    }
    for (unsigned i = 0; i < n_set; i++) {
        /* repeated -c/-P: only the last (complete) list counts */
        bool later = false;
        for (unsigned j = i + 1; j < n_set; j++)
            if (strcmp(set[j].name, set[i].name) == 0 && set[j].value == set[i].value)
                later = true;
        if (later)
            continue;
        int rc = config_set(&o->cfg, set[i].name, set[i].value, err, errlen);
        if (rc == 1) {
            snprintf(err, errlen, "%s is not a configuration variable", set[i].name);
            return OPTIONS_BAD;
        }
        if (rc < 0)
            return OPTIONS_BAD;
    }
    struct vio4wd_cpuset host;
    if (cpuset_host_online(&host) != 0) {
        snprintf(err, errlen, "cannot read the online CPUs of this host");
        return OPTIONS_BAD;
    }
    if (config_check(&o->cfg, &host, err, errlen) != 0)
        return OPTIONS_BAD;
    uid_t uid;
    gid_t gid;
    if (vhost_socket_account(&o->cfg, &uid, &gid, err, errlen) != 0)
        return OPTIONS_BAD;
    return OPTIONS_RUN;
}
