/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-stats - per-relay statistics with rates, from the relay's counters.
 *
 * Three forms of the same rows (tool_view.c, tool_render.c): a table for people, JSON
 * whose lines are scheduler replay traces, and OpenMetrics text for a
 * node-exporter textfile collector. Rates and loads cover a window between
 * two snapshots of the counters; nothing is asked of the relay, so reading
 * never slows the dataplane.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool_options.h"
#include "tool_render.h"
#include "tool_view.h"
#include "metrics.h"

static volatile int g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

enum format {
    FMT_TABLE,
    FMT_JSON,
    FMT_PROMETHEUS
};

static void usage(FILE *out, const char *prog)
{
    fprintf(
        out,
        "Usage: %s [options]\n"
        "Per-relay statistics: packets and bytes per direction with rates, drops by\n"
        "reason (peer queue full, peer not connected), load (share of one core, from\n"
        "busy TSC cycles), worker CPU and NUMA node; the packets each queue pair\n"
        "received, for directions with more than one; then the load of each worker.\n"
        "\n"
        "      --json            one JSON object on one line (a scheduler trace line)\n"
        "      --watch N         a JSON line every N seconds until interrupted; each\n"
        "                        line is valid input for vio4wd_core_scheduler --replay\n"
        "      --count K         with --watch: stop after K lines\n"
        "      --prometheus      OpenMetrics text for a node-exporter textfile collector\n"
        "      --output FILE     write to FILE through a temporary file and rename, so a\n"
        "                        collector never reads half a file (with --watch: every N s)\n"
        "      --interval S      window for rates and loads, seconds (default 1)\n"
        "      --delay MS        the same in milliseconds (the original tool's option)\n"
        "  -r, --relay N         only relay N (repeatable)\n"
        "      --include-inactive  also relays with neither a VF nor a guest (only a\n"
        "                        listening vhost-user socket)\n" TOOL_COMMON_HELP "\n"
        "Trace line: {\"t\": s, \"workers\": [cpu...], \"relays\": [{\"id\", \"numa\",\n"
        "\"cpu\": {\"vf_to_vm\", \"vm_to_vf\"}, \"load\": {\"vf_to_vm\", \"vm_to_vf\"}, ...}]}\n"
        "plus counts, rates (pps, Bps), drops and worker details.\n"
        "Exit status: 0 done, 1 relay not running, 2 bad usage.\n",
        prog);
}

static int emit(const struct tool_common *tc, FILE *out, enum format fmt, const struct tool_view *v)
{
    struct tool_sched_view sched;

    switch (fmt) {
    case FMT_TABLE:
        tool_print_table(out, v);
        break;
    case FMT_JSON: {
        struct json_object *o = tool_view_to_json(v);
        fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
        break;
    }
    case FMT_PROMETHEUS:
        tool_print_metrics(out, v, tool_sched_read(tc->counters, &sched) == 0 ? &sched : NULL);
        break;
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* Writes FILE.tmp, then renames it over FILE. */
static int emit_file(const struct tool_common *tc, const char *path, enum format fmt,
                     const struct tool_view *v)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        tool_err(tc, "--output %s: cannot create %s: %s", path, tmp, strerror(errno));
        return -1;
    }
    int rc = emit(tc, f, fmt, v);
    if (fclose(f) != 0 || rc != 0 || rename(tmp, path) != 0) {
        tool_err(tc, "--output %s: cannot write it: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"watch", required_argument, NULL, 'w'},
        {"count", required_argument, NULL, 'n'},
        {"prometheus", no_argument, NULL, 'P'},
        {"openmetrics", no_argument, NULL, 'P'},
        {"output", required_argument, NULL, 'o'},
        {"interval", required_argument, NULL, 'i'},
        {"relay", required_argument, NULL, 'r'},
        {"delay", required_argument, NULL, 'd'},
        {"include-inactive", no_argument, NULL, 'a'},
        TOOL_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct tool_common tc;
    enum format fmt = FMT_TABLE;
    double interval = 1.0, watch = 0;
    unsigned count = 0, ids[VIO4WD_CNT_MAX_RELAYS];
    size_t n_ids = 0;
    const char *output = NULL;
    bool json = false, prom = false, inactive = false;
    char err[1024];
    int opt;

    tool_common_init(&tc, argv[0]);
    while ((opt = tool_getopt(&tc, argc, argv, "r:h", longopts, usage)) >= 0) {
        switch (opt) {
        case 'j':
            json = true;
            break;
        case 'P':
            prom = true;
            break;
        case 'w':
            if (!tool_parse_seconds(optarg, 0.1, 86400, &watch)) {
                tool_err(&tc, "--watch '%s': expected seconds between lines, 0.1 to 86400", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n':
            if (!tool_parse_uint(optarg, 1000000000, &count) || count == 0) {
                tool_err(&tc, "--count '%s': expected a number of lines, at least 1", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'i':
            if (!tool_parse_seconds(optarg, 0.01, 3600, &interval)) {
                tool_err(&tc, "--interval '%s': expected seconds, 0.01 to 3600", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'd': {
            unsigned ms;
            if (!tool_parse_uint(optarg, 3600000, &ms) || ms < 10) {
                tool_err(&tc, "--delay '%s': expected milliseconds, 10 to 3600000", optarg);
                return EXIT_USAGE;
            }
            interval = ms / 1000.0;
            break;
        }
        case 'a':
            inactive = true;
            break;
        case 'r':
            if (n_ids >= VIO4WD_CNT_MAX_RELAYS ||
                !tool_parse_uint(optarg, VIO4WD_CNT_MAX_RELAYS - 1, &ids[n_ids])) {
                tool_err(&tc, "--relay '%s': expected a relay id, 0 to %d", optarg,
                         VIO4WD_CNT_MAX_RELAYS - 1);
                return EXIT_USAGE;
            }
            n_ids++;
            break;
        }
    }
    if (opt != -1)
        return tool_getopt_status(opt);
    if (tool_no_operands(&tc, argc, argv) != 0)
        return EXIT_USAGE;
    if (json && prom) {
        tool_err(&tc, "--json and --prometheus: pick one");
        return EXIT_USAGE;
    }
    if (count && !watch) {
        tool_err(&tc, "--count needs --watch");
        return EXIT_USAGE;
    }
    fmt = prom ? FMT_PROMETHEUS : (json || watch) ? FMT_JSON : FMT_TABLE;
    if (tool_common_finish(&tc) != 0)
        return EXIT_USAGE;

    struct tool_view *v = malloc(sizeof(*v));
    if (!v) {
        tool_err(&tc, "out of memory");
        return EXIT_NOT_RUNNING;
    }
    int rc = 0;
    if (!watch) {
        if (tool_read_view(&tc, interval, v, err, sizeof(err)) != 0) {
            tool_err(&tc, "%s", err);
            rc = EXIT_NOT_RUNNING;
        } else {
            tool_view_filter(v, ids, n_ids, inactive);
            if (output ? emit_file(&tc, output, fmt, v) : emit(&tc, stdout, fmt, v))
                rc = EXIT_NOT_RUNNING;
        }
        free(v);
        return rc;
    }

    /* --watch: one window per line, back to back, so consecutive lines
     * cover the whole time with no gap. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct tool_reader *r = tool_reader_new(&tc);
    if (!r || tool_reader_next(r, v, err, sizeof(err)) != 0) {
        tool_err(&tc, "%s", r ? err : "out of memory");
        tool_reader_free(r);
        free(v);
        return EXIT_NOT_RUNNING;
    }
    for (unsigned lines = 0; !g_stop && (!count || lines < count);) {
        tool_sleep(watch, &g_stop);
        if (g_stop)
            break;
        if (tool_reader_next(r, v, err, sizeof(err)) != 0) {
            /* The relay went away: say so once a period and keep trying,
             * so a long recording survives a relay restart. */
            tool_err(&tc, "%s", err);
            continue;
        }
        if (v->interval_s <= 0)
            continue; /* a restarted relay: this was the new baseline */
        tool_view_filter(v, ids, n_ids, inactive);
        if (output ? emit_file(&tc, output, fmt, v) : emit(&tc, stdout, fmt, v)) {
            rc = EXIT_NOT_RUNNING; /* stdout closed (a pipe reader left) */
            break;
        }
        lines++;
    }
    tool_reader_free(r);
    free(v);
    return rc;
}
