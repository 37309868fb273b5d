/* SPDX-License-Identifier: BSD-3-Clause */
/* tool_options.h - what every operator tool's command line shares: the
 * endpoint, counters, configuration and timeout options, --help and
 * --version, the exit codes, and small value parsers. */
#ifndef VIO4WD_TOOL_OPTIONS_H
#define VIO4WD_TOOL_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "vio4wd_build_config.h"

/* Exit codes shared by every tool. */
#define EXIT_NOT_RUNNING 1 /* relay absent, or it refused / failed */
#define EXIT_USAGE       2 /* bad option or value */

#define TOOL_DEFAULT_RUN_DIR "/run/virtio-forwarder"
/* Where upstream's file puts port_control, when the configuration leaves
 * VIRTIOFWD_ZMQ_PORT_CONTROL_EP blank (the relay then runs another mode). */
#define TOOL_DEFAULT_PORT_EP "ipc:///var/run/virtio-forwarder/port_control"

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

#define TOOL_COMMON_LONGOPTS                                 \
    {"config", required_argument, NULL, OPT_CONFIG},         \
        {"stats-ep", required_argument, NULL, OPT_STATS_EP}, \
        {"sched-ep", required_argument, NULL, OPT_SCHED_EP}, \
        {"port-ep", required_argument, NULL, OPT_PORT_EP},   \
        {"counters", required_argument, NULL, OPT_COUNTERS}, \
        {"timeout", required_argument, NULL, OPT_TIMEOUT},   \
        {"version", no_argument, NULL, OPT_VERSION},         \
    {                                                        \
        "help", no_argument, NULL, 'h'                       \
    }

/* The shared options' help lines, for each tool's usage text. */
#define TOOL_COMMON_HELP                                                                \
    "      --config FILE     configuration file for the endpoint defaults\n"            \
    "                        (default " VIO4WD_SYSCONF_DEFAULT ")\n"                    \
    "      --counters PATH   relay counters file or run directory\n"                    \
    "                        (default " TOOL_DEFAULT_RUN_DIR ")\n"                      \
    "      --stats-ep EP     stats endpoint [VIRTIOFWD_ZMQ_STATS_EP]\n"                 \
    "      --sched-ep EP     core_sched endpoint [VIRTIOFWD_ZMQ_CORE_SCHED_EP]\n"       \
    "      --port-ep EP      port_control endpoint [VIRTIOFWD_ZMQ_PORT_CONTROL_EP]\n"   \
    "      --timeout MS      how long to wait for the relay to answer (default 2000)\n" \
    "  -h, --help            this text\n"                                               \
    "      --version         print the version\n"

struct tool_common {
    const char *prog;                          /* name for messages */
    const char *config_path;                   /* NULL: the default, where missing is fine */
    const char *stats_ep, *sched_ep, *port_ep; /* NULL: from the config */
    const char *counters;                      /* NULL: TOOL_DEFAULT_RUN_DIR */
    int timeout_ms;
    struct vio4wd_config cfg; /* after tool_common_finish */
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

#endif
