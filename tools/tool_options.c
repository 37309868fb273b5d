/* SPDX-License-Identifier: BSD-3-Clause */
/* tool_options.c - the operator tools' shared options (tool_options.h). */
#include "tool_options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void tool_err(const struct tool_common *tc, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", tc->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void tool_common_init(struct tool_common *tc, const char *prog)
{
    memset(tc, 0, sizeof(*tc));
    const char *slash = strrchr(prog, '/');
    tc->prog = slash ? slash + 1 : prog;
    tc->timeout_ms = 2000;
    config_init(&tc->cfg);
}

bool tool_parse_uint(const char *text, unsigned max, unsigned *out)
{
    char *end;

    if (!text || !isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

bool tool_parse_seconds(const char *text, double min, double max, double *out)
{
    char *end;

    if (!text || !*text || isspace((unsigned char)text[0]))
        return false;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || *end || !isfinite(v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int tool_common_option(struct tool_common *tc, int opt, const char *arg)
{
    unsigned ms;

    switch (opt) {
    case OPT_CONFIG:
        tc->config_path = arg;
        return 1;
    case OPT_STATS_EP:
        tc->stats_ep = arg;
        return 1;
    case OPT_SCHED_EP:
        tc->sched_ep = arg;
        return 1;
    case OPT_PORT_EP:
        tc->port_ep = arg;
        return 1;
    case OPT_COUNTERS:
        if (!*arg) {
            tool_err(tc, "--counters: the path is empty");
            return -1;
        }
        tc->counters = arg;
        return 1;
    case OPT_TIMEOUT:
        if (!tool_parse_uint(arg, 600000, &ms) || ms == 0) {
            tool_err(tc, "--timeout '%s': expected milliseconds, 1 to 600000", arg);
            return -1;
        }
        tc->timeout_ms = (int)ms;
        return 1;
    case OPT_VERSION:
        printf("%s (vio4wd) %s\n", tc->prog, VIO4WD_VERSION);
        exit(0);
    default:
        return 0;
    }
}

static void ignore_warning(const char *message, void *opaque)
{
    /* Unknown variables are the daemons' business; a tool stays quiet. */
    (void)message, (void)opaque;
}

int tool_getopt(struct tool_common *tc, int argc, char **argv, const char *shortopts,
                const struct option *longopts, void (*usage)(FILE *out, const char *prog))
{
    int opt;

    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = tool_common_option(tc, opt, optarg);
        if (r < 0)
            return TOOL_OPT_EXIT_USAGE;
        if (r > 0)
            continue;
        if (opt == 'h') {
            usage(stdout, tc->prog);
            return TOOL_OPT_EXIT_OK;
        }
        if (opt == '?' || opt == ':') {
            fprintf(stderr, "Try '%s --help'.\n", tc->prog);
            return TOOL_OPT_EXIT_USAGE;
        }
        return opt;
    }
    return -1;
}

int tool_getopt_status(int opt)
{
    return opt == TOOL_OPT_EXIT_OK ? 0 : EXIT_USAGE;
}

int tool_no_operands(const struct tool_common *tc, int argc, char **argv)
{
    if (optind < argc) {
        tool_err(tc, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

int tool_common_finish(struct tool_common *tc)
{
    char err[1024];
    const char *path = tc->config_path ? tc->config_path : VIO4WD_SYSCONF_DEFAULT;

    /* A missing default file means "all defaults", as for the daemons; a
     * file named on the command line must exist. */
    if (tc->config_path || access(path, F_OK) == 0) {
        if (config_load_file(&tc->cfg, path, ignore_warning, NULL, err, sizeof(err)) != 0) {
            tool_err(tc, "configuration %s: %s", path, err);
            return -1;
        }
    }
    if (!tc->stats_ep)
        tc->stats_ep = tc->cfg.zmq_stats_ep;
    if (!tc->sched_ep)
        tc->sched_ep = tc->cfg.zmq_core_sched_ep;
    if (!tc->port_ep)
        tc->port_ep =
            tc->cfg.zmq_port_control_ep[0] ? tc->cfg.zmq_port_control_ep : TOOL_DEFAULT_PORT_EP;
    if (!tc->counters)
        tc->counters = TOOL_DEFAULT_RUN_DIR;
    return 0;
}

void tool_sleep(double seconds, volatile int *stop)
{
    struct timespec ts = {.tv_sec = (time_t)seconds,
                          .tv_nsec = (long)((seconds - floor(seconds)) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !(stop && *stop)) {
    }
}
