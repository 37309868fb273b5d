/* common.h - what the operator tools share: the endpoint and counters
 * options, turning two counter snapshots into per-relay rows with rates and
 * loads, and the table, JSON and OpenMetrics forms of those rows.
 *
 * Everything below main() in a tool goes through here, so the tools agree
 * with each other and with the scheduler on what a "load" is (model/load.h
 * over busy TSC cycles) and on the JSON shape (a scheduler replay trace
 * line, see tool_view_to_json).
 */
#ifndef VIO4WD_TOOLS_COMMON_H
#define VIO4WD_TOOLS_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "config.h"
#include "counters.h"
#include "vio4wd_build_config.h"

/* Exit codes shared by every tool. */
#define EXIT_NOT_RUNNING 1      /* relay absent, or it refused / failed */
#define EXIT_USAGE       2      /* bad option or value */

#define TOOL_DEFAULT_RUN_DIR "/run/virtio-forwarder"
/* Where upstream's file puts port_control, when the configuration leaves
 * VIRTIOFWD_ZMQ_PORT_CONTROL_EP blank (the relay then runs another mode). */
#define TOOL_DEFAULT_PORT_EP "ipc:///var/run/virtio-forwarder/port_control"
#define TOOL_SCHED_NAME      "vio4wd_core_scheduler"

/* ---- options ------------------------------------------------------------ */

/* getopt_long values of the shared options; tools use values below 0x100. */
enum {
    OPT_CONFIG = 0x100,
    OPT_STATS_EP,
    OPT_SCHED_EP,
    OPT_PORT_EP,
    OPT_COUNTERS,
    OPT_TIMEOUT,
    OPT_VERSION,
};

#define TOOL_COMMON_LONGOPTS                                      \
    {"config", required_argument, NULL, OPT_CONFIG},              \
    {"stats-ep", required_argument, NULL, OPT_STATS_EP},          \
    {"sched-ep", required_argument, NULL, OPT_SCHED_EP},          \
    {"port-ep", required_argument, NULL, OPT_PORT_EP},            \
    {"counters", required_argument, NULL, OPT_COUNTERS},          \
    {"timeout", required_argument, NULL, OPT_TIMEOUT},            \
    {"version", no_argument, NULL, OPT_VERSION},                  \
    {"help", no_argument, NULL, 'h'}

/* The shared options' help lines, for each tool's usage text. */
#define TOOL_COMMON_HELP                                                          \
    "      --config FILE     configuration file for the endpoint defaults\n"      \
    "                        (default " VIO4WD_SYSCONF_DEFAULT ")\n"              \
    "      --counters PATH   relay counters file or run directory\n"              \
    "                        (default " TOOL_DEFAULT_RUN_DIR ")\n"                \
    "      --stats-ep EP     stats endpoint [VIRTIOFWD_ZMQ_STATS_EP]\n"           \
    "      --sched-ep EP     core_sched endpoint [VIRTIOFWD_ZMQ_CORE_SCHED_EP]\n" \
    "      --port-ep EP      port_control endpoint [VIRTIOFWD_ZMQ_PORT_CONTROL_EP]\n" \
    "      --timeout MS      how long to wait for the relay to answer (default 2000)\n" \
    "  -h, --help            this text\n"                                         \
    "      --version         print the version\n"

struct tool_common {
    const char *prog;           /* name for messages */
    const char *config_path;    /* NULL: the default, where missing is fine */
    const char *stats_ep, *sched_ep, *port_ep;  /* NULL: from the config */
    const char *counters;       /* NULL: TOOL_DEFAULT_RUN_DIR */
    int timeout_ms;
    struct vio4wd_config cfg;   /* after tool_common_finish */
};

void tool_common_init(struct tool_common *tc, const char *prog);

/* Handles one shared option. Returns 1 when it was one of them (done),
 * 0 when it is the tool's own, and -1 after printing a usage error. For
 * --version it prints and exits 0. */
int tool_common_option(struct tool_common *tc, int opt, const char *arg);

/* getopt_long for a tool: the shared options are handled here, and so are
 * --help (prints usage(stdout, prog)) and unknown options (says so).
 * Returns the tool's own next option; -1 at the end of the options (the
 * operands are at argv[optind...]); TOOL_OPT_EXIT_OK after --help or
 * --version output; TOOL_OPT_EXIT_USAGE after a usage error. Every tool's
 * short options include "h". */
#define TOOL_OPT_EXIT_OK    (-2)
#define TOOL_OPT_EXIT_USAGE (-3)
int tool_getopt(struct tool_common *tc, int argc, char **argv, const char *shortopts,
                const struct option *longopts, void (*usage)(FILE *out, const char *prog));

/* The exit status for a tool_getopt() result below -1. */
int tool_getopt_status(int opt);

/* Refuses operands (argv[optind...]). Returns 0, or -1 after saying which. */
int tool_no_operands(const struct tool_common *tc, int argc, char **argv);

/* Loads the configuration and fills in the endpoints that the command line
 * left unset. Returns 0, or -1 after printing why (a usage error). */
int tool_common_finish(struct tool_common *tc);

/* Prints "prog: message" to stderr. */
void tool_err(const struct tool_common *tc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses a decimal number of seconds in [min, max]; false if it is not. */
bool tool_parse_seconds(const char *text, double min, double max, double *out);

/* Parses a whole unsigned decimal number <= max. */
bool tool_parse_uint(const char *text, unsigned max, unsigned *out);

/* Sleeps for 'seconds' (restarting after signals unless *stop becomes set). */
void tool_sleep(double seconds, volatile int *stop);

/* ---- core_pinner's pins ------------------------------------------------- */

/* Parses one --virtio-cpu value ("R:C1[,C2]", VIRTIOFWD_CPU_PINS syntax,
 * through the configuration parser so both agree) and appends it to pins.
 * A relay pinned twice is an error. Returns 0, or -1 with err naming the
 * value and what is valid. */
int tool_parse_pin(const char *text, struct vio4wd_cpu_pin *pins, size_t *n, size_t max,
                   char *err, size_t errlen);

/* ---- counters to rows --------------------------------------------------- */

/* What one queue pair of a direction received (counters.h). */
struct tool_queue_row {
    uint64_t rx_pkts, rx_bytes;
    double rx_pps;
};

struct tool_dir_row {
    int cpu;                    /* worker CPU, -1: none */
    uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
    uint64_t drop_full_pkts, drop_full_bytes, drop_nc_pkts, drop_nc_bytes;
    /* Dropped by the VF itself (rte_eth_stats), counted with the direction
     * they hurt: vf_rx_* on VF->VM, vf_tx_error on VM->VF; 0 elsewhere. */
    uint64_t vf_rx_missed, vf_rx_nombuf, vf_tx_error;
    uint64_t drop_rl_pkts, drop_rl_bytes;   /* over the rate limit */
    uint64_t rate_limit_Bps;    /* 0: unlimited */
    uint64_t rate_burst_bytes;
    uint64_t busy_cycles;
    uint64_t migrations;        /* since relay start */
    uint64_t new_migrations;    /* within the window */
    double rx_pps, rx_Bps, tx_pps, tx_Bps, drop_pps;
    double load;                /* fraction of one core, measured */
    double demand;              /* load raised when saturated (model/load.h) */
    bool saturated;
    /* Queues 0..n_queues-1: those in use, and any that counted before
     * (vio4wd_counters_queues_shown); their rx adds up to rx_pkts. */
    unsigned n_queues;
    struct tool_queue_row queue[VIO4WD_CNT_MAX_QUEUES];
};

struct tool_relay_row {
    unsigned id;
    int numa;
    uint32_t flags;             /* VIO4WD_RELAY_* */
    char vf_dev[VIO4WD_CNT_STR_MAX];
    char vhost_path[VIO4WD_CNT_STR_MAX];
    struct tool_dir_row dir[VIO4WD_DIR_COUNT];      /* enum vio4wd_dir */
};

struct tool_worker_row {
    unsigned cpu;
    int numa;
    unsigned n_dirs;
    uint64_t busy_cycles, idle_cycles;
    double load;                /* busy share of the window */
};

/* Everything a tool shows: one window between two snapshots. */
struct tool_view {
    double t;                   /* seconds since the relay started */
    double start_time;          /* wall clock when the relay started */
    double unix_time;           /* wall clock of the second snapshot */
    double interval_s;          /* window length; 0: no window (one snapshot) */
    uint64_t tsc_hz, epoch;
    uint32_t pid;
    unsigned n_workers;
    struct tool_worker_row workers[VIO4WD_CNT_MAX_WORKERS];
    unsigned n_relays;
    struct tool_relay_row relays[VIO4WD_CNT_MAX_RELAYS];
};

/* Builds the view from cur, with rates and loads over the window since prev
 * (NULL, or a snapshot of another relay epoch: counts only, zero rates).
 * Only relays in use (with a VF or a vhost socket) are listed. */
void tool_view_build(const struct vio4wd_counters_snapshot *prev,
                     const struct vio4wd_counters_snapshot *cur, struct tool_view *view);

/* A counters file kept open across snapshots (monitor_load, --watch). A
 * relay restart (new file) or stop is noticed and the file reopened. */
struct tool_reader {
    const struct tool_common *tc;
    struct vio4wd_counters *c;
    struct vio4wd_counters_snapshot snap[2];
    int cur;                    /* index of the newest snapshot */
    bool have_prev;
};

/* Returns NULL when out of memory. */
struct tool_reader *tool_reader_new(const struct tool_common *tc);
void tool_reader_free(struct tool_reader *r);

/* Takes the next snapshot and builds the view over the window since the
 * previous one (no window after a (re)open). Returns 0, or -1 with err
 * naming the path and what is wrong (usually: the relay is not running). */
int tool_reader_next(struct tool_reader *r, struct tool_view *view, char *err, size_t errlen);

/* Opens the counters, waits 'window' seconds between two snapshots and
 * builds the view. Returns 0, or -1 with err naming the path and what is
 * wrong (usually: the relay is not running). */
int tool_read_view(const struct tool_common *tc, double window, struct tool_view *view,
                   char *err, size_t errlen);

/* Keeps the relays whose ids are in ids[0..n); with n == 0, the relays
 * with a VF or a guest (all in use with include_inactive), as upstream's
 * tools did: a relay with only a listening socket is noise. */
void tool_view_filter(struct tool_view *view, const unsigned *ids, size_t n,
                      bool include_inactive);

/* Finds a worker row by CPU; NULL if none. */
const struct tool_worker_row *tool_view_worker(const struct tool_view *view, unsigned cpu);

/* ---- output forms ------------------------------------------------------- */


/* "active", "no VF", "no guest" or "idle" from VIO4WD_RELAY_* flags. */
const char *tool_relay_state(uint32_t flags);

/* "15.0M", "950k", "12": a count or rate with an SI suffix. */
void tool_si(double value, char *buf, size_t buflen);

/* The per-relay statistics table (vio4wd-stats without options). */
void tool_print_table(FILE *out, const struct tool_view *view);

/* One JSON object: a scheduler replay trace line (t, workers, relays with
 * id, numa, cpu, load) plus counts, rates, drops and worker details.
 * The caller owns the result (json_object_put). */
struct json_object *tool_view_to_json(const struct tool_view *view);


/* ---- the scheduler ------------------------------------------------------ */

/* The pid of a running vio4wd_core_scheduler, from its pid file in pid_dir
 * or from the process table; 0 when none is found. */
long tool_find_scheduler(const char *pid_dir);

/* True when process 'pid' is a vio4wd_core_scheduler. */
bool tool_is_scheduler(long pid);

#endif
