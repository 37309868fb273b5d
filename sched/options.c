/* SPDX-License-Identifier: BSD-3-Clause */
/* options.c - command line and configuration file (see options.h). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters.h"

#include "vio4wd_build_config.h"

enum {
    OPT_STATS_EP = 256,
    OPT_SCHED_EP,
    OPT_POLL_INTERVAL,
    OPT_LOGLEVEL,
    OPT_SENSITIVITY,
    OPT_GLOBAL_NUMA,
    OPT_MODE,
    OPT_PACK_TARGET,
    OPT_PACK_KEEP,
    OPT_EXCLUDE,
    OPT_MAX_MIGRATIONS,
    OPT_CONFIG,
    OPT_TOPOLOGY,
    OPT_TIME_LIMIT,
    OPT_DEADLINE,
    OPT_MIN_GAIN,
    OPT_TOLERANCE,
    OPT_DRY_RUN,
    OPT_ONCE,
    OPT_JSON,
    OPT_REPLAY,
    OPT_COUNTERS,
    OPT_PID_FILE,
    OPT_VERSION,
};

static const struct option long_options[] = {
    {"stats-ep", required_argument, NULL, OPT_STATS_EP},
    {"sched-ep", required_argument, NULL, OPT_SCHED_EP},
    {"poll-interval", required_argument, NULL, OPT_POLL_INTERVAL},
    {"loglevel", required_argument, NULL, OPT_LOGLEVEL},
    {"sensitivity", required_argument, NULL, OPT_SENSITIVITY},
    {"global-numa-opt", no_argument, NULL, OPT_GLOBAL_NUMA},
    {"mode", required_argument, NULL, OPT_MODE},
    {"pack-target", required_argument, NULL, OPT_PACK_TARGET},
    {"pack-keep", required_argument, NULL, OPT_PACK_KEEP},
    {"exclude-cpus", required_argument, NULL, OPT_EXCLUDE},
    {"max-migrations", required_argument, NULL, OPT_MAX_MIGRATIONS},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"topology", required_argument, NULL, OPT_TOPOLOGY},
    {"time-limit-ms", required_argument, NULL, OPT_TIME_LIMIT},
    {"deadline-ms", required_argument, NULL, OPT_DEADLINE},
    {"min-gain", required_argument, NULL, OPT_MIN_GAIN},
    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"once", no_argument, NULL, OPT_ONCE},
    {"json", no_argument, NULL, OPT_JSON},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"counters", required_argument, NULL, OPT_COUNTERS},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void sched_options_usage(FILE *fp, const char *prog)
{
    fprintf(fp,
            "Usage: %s [OPTION]...\n"
            "       %s --topology SPEC --replay TRACE.jsonl [OPTION]...\n"
            "Keep virtio-forwarder's worker cores balanced: read the relay's counters,\n"
            "solve the assignment of relay directions to workers per NUMA node, and move\n"
            "directions through the relay's core_sched endpoint when it pays.\n"
            "\n"
            "Options (each one overrides the configuration file's variable in brackets):\n"
            "      --stats-ep EP         stats endpoint, used only when the counters file\n"
            "                            cannot be read [VIRTIOFWD_ZMQ_STATS_EP]\n"
            "                            (default ipc:///var/run/virtio-forwarder/stats)\n"
            "      --sched-ep EP         core_sched endpoint [VIRTIOFWD_ZMQ_CORE_SCHED_EP]\n"
            "                            (default ipc:///var/run/virtio-forwarder/core_sched)\n"
            "      --poll-interval S     seconds between decisions, > 0 and <= 3600\n"
            "                            [VIO4WD_CORE_SCHED_POLL_INTERVAL] (default 5)\n"
            "      --loglevel N          0 (emergencies only) to 7 (debug: per-core tables)\n"
            "                            [VIO4WD_CORE_SCHED_LOG_LEVEL] (default 6)\n"
            "      --sensitivity F       cost of one migration, in core x intervals: a\n"
            "                            plan is applied when the busiest worker's load\n"
            "                            it removes, beyond noise (4 standard deviations\n"
            "                            of that worker's load) and --min-gain, summed\n"
            "                            over the intervals it is on offer (fading over\n"
            "                            ten), exceeds F x its migrations; the sum\n"
            "                            restarts when the gain disappears. A gain over\n"
            "                            25%% acts at once; a worker above 0.9 core for\n"
            "                            two intervals is relieved at any cost. 0 to\n"
            "                            100; smaller is more sensitive\n"
            "                            [VIO4WD_CORE_SCHED_SENSITIVITY] (default 0.05)\n"
            "      --min-gain CORES      gain per interval that never counts, in cores,\n"
            "                            0 to 64: below it moving work buys nothing\n"
            "                            (default 0.02)\n"
            "      --tolerance F         spread: how far above the lower bound on the\n"
            "                            busiest worker's load a plan may stay, as a share\n"
            "                            of the bound, 0 to 1: a plan moves only the few\n"
            "                            directions that bring a node within it, and a node\n"
            "                            whose busiest worker drifts above it by more than\n"
            "                            3 standard deviations of its noise, in two\n"
            "                            intervals running, is rebalanced; while its load\n"
            "                            trends up (fitted over the last 12 intervals), as\n"
            "                            soon as the next interval would be out, and the\n"
            "                            plan is solved for the loads one interval on.\n"
            "                            0: plans take the least makespan and only the\n"
            "                            rules of --sensitivity act; plans never worse than\n"
            "                            a greedy placement from scratch (default 0.05)\n"
            "      --global-numa-opt     let directions move to workers of any NUMA node\n"
            "                            [VIO4WD_CORE_SCHED_GLOBAL_NUMA_OPT]\n"
            "      --mode spread|pack    spread: the least busiest-worker load (default);\n"
            "                            pack: the fewest active workers, each at or below\n"
            "                            --pack-target, the others parked (no directions)\n"
            "                            [VIO4WD_CORE_SCHED_MODE]\n"
            "      --pack-target CORES   pack: the most load an active worker may carry,\n"
            "                            > 0 and <= 1 [VIO4WD_CORE_SCHED_PACK_TARGET]\n"
            "                            (default 0.7)\n"
            "      --pack-keep F         pack: parking leaves at least F times the most\n"
            "                            workers a NUMA node had active over the last day\n"
            "                            (rounded up), 0 to 1: a worker parked as the load\n"
            "                            falls costs its directions' moves now and again\n"
            "                            when the load returns. Relief above --pack-target\n"
            "                            never waits. 0: park down to what the load needs\n"
            "                            (default 0.5)\n"
            "      --exclude-cpus LIST   workers left out of balancing (\"2,5-7\"): nothing\n"
            "                            moves onto or off them [VIO4WD_CORE_SCHED_EXCLUDE_CPUS]\n"
            "      --max-migrations N    at most N migrations per decision, 0 to 65536;\n"
            "                            placing a relay that has no worker is not one\n"
            "                            [VIO4WD_CORE_SCHED_MAX_MIGRATIONS] (default: no limit)\n"
            "  Relays pinned with a trailing '!' in VIRTIOFWD_CPU_PINS (\"3:4,5!\") are\n"
            "  never moved, and their CPUs take no other relay.\n"
            "      --config FILE         configuration file (default %s;\n"
            "                            a missing default file means all defaults)\n"
            "      --topology SPEC       hwloc topology: an XML file or a synthetic\n"
            "                            description (\"pack:2 numa:1 core:8 pu:2\");\n"
            "                            default: this machine\n"
            "      --time-limit-ms MS    solver time limit per NUMA node, 1 to 60000\n"
            "                            (default 100; the migration stage gets twice that)\n"
            "      --deadline-ms MS      wall-time bound of one whole decision, 0 (none) to\n"
            "                            600000, shared out over the NUMA nodes by their\n"
            "                            number of directions; a node out of time keeps the\n"
            "                            best answer found, never worse than greedy\n"
            "                            (default: 15%% of --poll-interval, 750 at 5 s)\n"
            "      --dry-run             plan and log, but never move anything\n"
            "      --once                make one decision, then exit\n"
            "      --json                print one JSON line per decision on stdout\n"
            "      --replay FILE         no relay: replay a JSON-lines trace ('-' for stdin)\n"
            "                            and print one JSON line per step (see README.rst)\n"
            "      --counters PATH       the relay's counters file or run directory\n"
            "                            (default %s)\n"
            "      --pid-file PATH       write and lock a pid file, so that a second\n"
            "                            scheduler is refused; 'none' for no pid file\n"
            "                            (default: " SCHED_PID_FILE_NAME " next to the\n"
            "                            counters; none with --once)\n"
            "  -h, --help                show this help and exit\n"
            "      --version             show the version and exit\n"
            "\n"
            "Exit status: 0 on success (and on SIGTERM/SIGINT), 1 on a runtime failure,\n"
            "2 for a bad option or configuration value. SIGHUP reloads the configuration.\n",
            prog, prog, VIO4WD_SYSCONF_DEFAULT, SCHED_DEFAULT_COUNTERS);
}

static int bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return SCHED_OPTIONS_BAD;
}

/* A whole, finite number in [min, max]. */
static bool number_in(const char *arg, double min, double max, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(arg, &end);
    return arg[0] != '\0' && *end == '\0' && errno == 0 && isfinite(*out) && *out >= min &&
           *out <= max;
}

/* An option that is also a file variable goes through config_set, so both
 * are checked alike; its message ("VAR='v': must be ...") is reworded to
 * name the option the user typed. */
static int set_var(struct vio4wd_config *cfg, const char *option, const char *var,
                   const char *value, char *err, size_t errlen)
{
    char msg[512];
    const char *why;

    if (config_set(cfg, var, value, msg, sizeof(msg)) == 0)
        return 0;
    why = strstr(msg, "': ");
    why = why != NULL ? why + 3 : msg;
    return bad(err, errlen, "--%s '%s': %s (%s)", option, value, why, var);
}

static int copy_path(char *dst, size_t size, const char *option, const char *value, char *err,
                     size_t errlen)
{
    if (value[0] == '\0')
        return bad(err, errlen, "--%s '': must not be empty", option);
    if (strlen(value) >= size)
        return bad(err, errlen, "--%s '%.40s...': too long (at most %zu characters)", option, value,
                   size - 1);
    strcpy(dst, value);
    return 0;
}

/* The directory of the counters: --counters names the file or the run
 * directory that holds it (a path that does not exist yet is a directory
 * unless it ends in the file's name). */
static void counters_dir(const char *counters, char *dir, size_t size)
{
    struct stat st;
    const char *slash = strrchr(counters, '/');
    const char *base = slash ? slash + 1 : counters;

    if ((stat(counters, &st) == 0 && S_ISDIR(st.st_mode)) ||
        (stat(counters, &st) != 0 && strcmp(base, VIO4WD_CNT_FILE_NAME) != 0))
        snprintf(dir, size, "%s", counters);
    else if (slash == counters)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", slash ? (int)(slash - counters) : 1, slash ? counters : ".");
}

/* Without --pid-file the daemon still takes a pid file, in the relay's run
 * directory, so a second scheduler (a stray manual start next to the unit)
 * is refused instead of fighting the first over the same relay. --once and
 * --replay leave it alone: they are tools run beside the daemon. */
static int default_pid_file(struct sched_options *o, char *err, size_t errlen)
{
    char dir[VIO4WD_PATH_MAX];

    if (strcmp(o->pid_file, "none") == 0) {
        o->pid_file[0] = '\0';
        return 0;
    }
    if (o->pid_file[0] != '\0' || o->once || o->replay[0] != '\0')
        return 0;
    counters_dir(o->counters, dir, sizeof(dir));
    if (snprintf(o->pid_file, sizeof(o->pid_file), "%s/%s", dir, SCHED_PID_FILE_NAME) >=
        (int)sizeof(o->pid_file))
        return bad(err, errlen, "--counters '%.40s...': too long for a pid file path beside it",
                   o->counters);
    o->pid_file_default = true;
    return 0;
}

/* The command line is parsed twice: once for --config and --help (the file
 * must be read before anything overrides it), then for the rest. */
struct override {
    const char *option;
    const char *var;
    const char *value;
};

int sched_options_parse(int argc, char **argv, struct sched_options *o, config_warn_fn *warn,
                        void *opaque, char *err, size_t errlen)
{
    struct sched_params defaults;
    struct override ov[32];
    size_t n_ov = 0;
    int c;

    memset(o, 0, sizeof(*o));
    snprintf(o->config_path, sizeof(o->config_path), "%s", VIO4WD_SYSCONF_DEFAULT);
    snprintf(o->counters, sizeof(o->counters), "%s", SCHED_DEFAULT_COUNTERS);
    o->time_limit_ms = SCHED_DEFAULT_TIME_LIMIT_MS;
    o->deadline_ms = -1.0;
    sched_params_defaults(&defaults);
    o->min_gain = defaults.min_gain;
    o->tolerance = defaults.tolerance;
    o->pack_keep = defaults.pack_keep;
    config_init(&o->cfg);

    optind = 0; /* glibc: full reset, so a SIGHUP re-parse works */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        const char *name = NULL, *var = NULL;

        switch (c) {
        case 'h':
            sched_options_usage(stdout, argv[0]);
            return SCHED_OPTIONS_EXIT;
        case OPT_VERSION:
            printf("vio4wd_core_scheduler %s\n", VIO4WD_VERSION);
            return SCHED_OPTIONS_EXIT;
        case OPT_STATS_EP:
            name = "stats-ep";
            var = "VIRTIOFWD_ZMQ_STATS_EP";
            break;
        case OPT_SCHED_EP:
            name = "sched-ep";
            var = "VIRTIOFWD_ZMQ_CORE_SCHED_EP";
            break;
        case OPT_POLL_INTERVAL:
            name = "poll-interval";
            var = "VIO4WD_CORE_SCHED_POLL_INTERVAL";
            break;
        case OPT_LOGLEVEL:
            name = "loglevel";
            var = "VIO4WD_CORE_SCHED_LOG_LEVEL";
            break;
        case OPT_SENSITIVITY:
            name = "sensitivity";
            var = "VIO4WD_CORE_SCHED_SENSITIVITY";
            break;
        case OPT_MODE:
            name = "mode";
            var = "VIO4WD_CORE_SCHED_MODE";
            break;
        case OPT_EXCLUDE:
            name = "exclude-cpus";
            var = "VIO4WD_CORE_SCHED_EXCLUDE_CPUS";
            break;
        case OPT_MAX_MIGRATIONS:
            name = "max-migrations";
            var = "VIO4WD_CORE_SCHED_MAX_MIGRATIONS";
            break;
        case OPT_PACK_TARGET:
            name = "pack-target";
            var = "VIO4WD_CORE_SCHED_PACK_TARGET";
            break;
        case OPT_GLOBAL_NUMA:
            ov[n_ov++] =
                (struct override){"global-numa-opt", "VIO4WD_CORE_SCHED_GLOBAL_NUMA_OPT", "true"};
            break;
        case OPT_CONFIG:
            if (copy_path(o->config_path, sizeof(o->config_path), "config", optarg, err, errlen) <
                0)
                return SCHED_OPTIONS_BAD;
            o->config_given = true;
            break;
        case OPT_TOPOLOGY:
            if (copy_path(o->topology, sizeof(o->topology), "topology", optarg, err, errlen) < 0)
                return SCHED_OPTIONS_BAD;
            break;
        case OPT_TIME_LIMIT:
            if (!number_in(optarg, 1.0, 60000.0, &o->time_limit_ms))
                return bad(err, errlen,
                           "--time-limit-ms '%s': must be a number of milliseconds from 1 to "
                           "60000",
                           optarg);
            break;
        case OPT_DEADLINE:
            if (!number_in(optarg, 0.0, 600000.0, &o->deadline_ms))
                return bad(err, errlen,
                           "--deadline-ms '%s': must be a number of milliseconds from 0 (no "
                           "deadline) to 600000",
                           optarg);
            break;
        case OPT_MIN_GAIN:
            if (!number_in(optarg, 0.0, 64.0, &o->min_gain))
                return bad(err, errlen, "--min-gain '%s': must be a number of cores from 0 to 64",
                           optarg);
            break;
        case OPT_TOLERANCE:
            if (!number_in(optarg, 0.0, 1.0, &o->tolerance))
                return bad(err, errlen,
                           "--tolerance '%s': must be a number from 0 to 1 (a share of the "
                           "lower bound)",
                           optarg);
            break;
        case OPT_PACK_KEEP:
            if (!number_in(optarg, 0.0, 1.0, &o->pack_keep))
                return bad(err, errlen,
                           "--pack-keep '%s': must be a number from 0 to 1 (a share of the "
                           "day's most active workers)",
                           optarg);
            break;
        case OPT_DRY_RUN:
            o->dry_run = true;
            break;
        case OPT_ONCE:
            o->once = true;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_REPLAY:
            if (copy_path(o->replay, sizeof(o->replay), "replay", optarg, err, errlen) < 0)
                return SCHED_OPTIONS_BAD;
            break;
        case OPT_COUNTERS:
            if (copy_path(o->counters, sizeof(o->counters), "counters", optarg, err, errlen) < 0)
                return SCHED_OPTIONS_BAD;
            o->counters_given = true;
            break;
        case OPT_PID_FILE:
            if (copy_path(o->pid_file, sizeof(o->pid_file), "pid-file", optarg, err, errlen) < 0)
                return SCHED_OPTIONS_BAD;
            break;
        case ':':
            return bad(err, errlen, "%s: needs a value (see --help)", argv[optind - 1]);
        default:
            if (optopt != 0 && optopt < 256)
                return bad(err, errlen, "unknown option '-%c' (see --help)", optopt);
            return bad(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
        if (var != NULL) {
            if (n_ov == sizeof(ov) / sizeof(ov[0]))
                return bad(err, errlen, "too many options");
            ov[n_ov++] = (struct override){name, var, optarg};
        }
    }
    if (optind < argc)
        return bad(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
    if (default_pid_file(o, err, errlen) < 0)
        return SCHED_OPTIONS_BAD;

    /* The default file is optional (a fresh host has none); one named with
     * --config is not. */
    if (o->config_given || access(o->config_path, F_OK) == 0) {
        char msg[512];
        if (config_load_file(&o->cfg, o->config_path, warn, opaque, msg, sizeof(msg)) < 0)
            return bad(err, errlen, "%s", msg);
    }
    for (size_t i = 0; i < n_ov; i++)
        if (set_var(&o->cfg, ov[i].option, ov[i].var, ov[i].value, err, errlen) < 0)
            return SCHED_OPTIONS_BAD;
    return SCHED_OPTIONS_OK;
}

void sched_options_params(const struct sched_options *o, struct sched_params *p)
{
    sched_params_defaults(p);
    p->sensitivity = o->cfg.core_sched_sensitivity;
    p->min_gain = o->min_gain;
    p->tolerance = o->tolerance;
    p->time_limit_s = o->time_limit_ms * 1e-3;
    p->deadline_s = o->deadline_ms >= 0.0 ? o->deadline_ms * 1e-3
                                          : SCHED_DEADLINE_SHARE * o->cfg.core_sched_poll_interval;
    p->global_numa = o->cfg.core_sched_global_numa_opt;
    p->mode = o->cfg.core_sched_mode == 1 ? SCHED_MODE_PACK : SCHED_MODE_SPREAD;
    p->pack_target = o->cfg.core_sched_pack_target;
    p->pack_keep = o->pack_keep;
    p->max_migrations = o->cfg.core_sched_max_migrations;
    for (unsigned i = 0; i < o->cfg.n_cpu_pins && p->n_fixed < SCHED_MAX_FIXED; i++)
        if (o->cfg.cpu_pins[i].fixed)
            p->fixed_relays[p->n_fixed++] = (int)o->cfg.cpu_pins[i].relay_id;
    for (int cpu = cpuset_next(&o->cfg.core_sched_exclude, 0);
         cpu >= 0 && p->n_excluded < SCHED_MAX_EXCLUDED;
         cpu = cpuset_next(&o->cfg.core_sched_exclude, (unsigned)cpu + 1))
        p->excluded_cpus[p->n_excluded++] = cpu;
}
