/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-exporter - serves the relay's counters on /metrics for Prometheus.
 *
 * Every scrape takes a snapshot of the counters file (the same one every
 * tool reads; nothing is asked of the relay) and answers in OpenMetrics
 * text (tools/metrics.c, the same text as vio4wd-stats --prometheus). HTTP
 * is libmicrohttpd's, with one internal thread: scrapes are answered one
 * after another, so the reader needs no lock. A relay that is not running,
 * has stopped, or died without cleaning up gives vio4wd_relay_up 0 and no
 * old numbers.
 *
 * /metrics has no authentication, so the exporter listens on localhost
 * unless --allow-remote says otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "tool_options.h"
#include "tool_view.h"
#include "listen_addr.h"
#include "log.h"
#include "metrics.h"

#define DEFAULT_LISTEN "127.0.0.1:9641"

struct exporter {
    const char *counters; /* the relay's counters file or run directory */
    struct tool_reader *reader;
    struct tool_view view;
    int was_up; /* last scrape's answer, -1 before the first: log changes */
};

static void usage(FILE *out, const char *prog)
{
    fprintf(
        out,
        "Usage: %s [options]\n"
        "Serves virtio-forwarder's counters on http://ADDR:PORT/metrics in OpenMetrics\n"
        "text for Prometheus: per relay and direction packets, bytes, drops by reason\n"
        "(including the VF's own) and busy seconds; packets and bytes per queue pair in\n"
        "use (label queue); per worker busy and idle seconds;\n"
        "migrations; vio4wd_relay_up and the relay's start time; the scheduler's last\n"
        "makespan, lower bound and gap per NUMA node when it runs.\n"
        "\n"
        "      --listen ADDR:PORT  where to listen (default " DEFAULT_LISTEN ");\n"
        "                        a numeric IPv4 address, or IPv6 in brackets\n"
        "      --allow-remote    allow an address other hosts can reach: /metrics has\n"
        "                        no authentication, so this is refused by default\n" TOOL_COMMON_HELP
        "\n"
        "Exit status: 0 stopped by SIGTERM/SIGINT, 1 cannot listen, 2 bad usage.\n",
        prog);
}

/* True when the relay that wrote the counters still runs. A relay killed
 * with SIGKILL leaves its file behind in the RUNNING state. */
static bool relay_alive(uint32_t pid)
{
    return pid != 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* The view of this scrape, or NULL when there is no live relay. */
static const struct tool_view *scrape(struct exporter *ex)
{
    char err[1024];
    bool up = tool_reader_next(ex->reader, &ex->view, err, sizeof(err)) == 0;

    if (up && !relay_alive(ex->view.pid))
        snprintf(err, sizeof(err), "the relay (pid %u) died without removing its counters",
                 ex->view.pid);
    up = up && relay_alive(ex->view.pid);
    if ((int)up != ex->was_up) {
        if (up)
            log_notice("relay pid %u is up", ex->view.pid);
        else
            log_warning("relay down: %s", err);
        ex->was_up = up;
    }
    return up ? &ex->view : NULL;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             char *body, size_t len)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
    char *body = strdup(text);
    return body ? reply(conn, status, "text/plain; charset=utf-8", body, strlen(body)) : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **state)
{
    struct exporter *ex = cls;
    (void)version;
    (void)upload_data;
    (void)upload_size;
    (void)state;

    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    if (strcmp(url, "/") == 0)
        return reply_text(conn, MHD_HTTP_OK, "vio4wd-exporter: metrics are at /metrics\n");
    if (strcmp(url, "/metrics") != 0)
        return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found; metrics are at /metrics\n");

    char *body = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&body, &len);
    if (!out)
        return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    struct tool_sched_view sched;
    const struct tool_view *view = scrape(ex);
    tool_print_metrics(out, view, tool_sched_read(ex->counters, &sched) == 0 ? &sched : NULL);
    if (fclose(out) != 0) {
        free(body);
        return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    }
    return reply(conn, MHD_HTTP_OK, TOOL_METRICS_CONTENT_TYPE, body, len);
}

/* Blocks until SIGTERM or SIGINT (blocked in every thread before). */
static void wait_for_stop(const sigset_t *set)
{
    int sig;
    while (sigwait(set, &sig) != 0) {
    }
    log_notice("signal %d: stopping", sig);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"allow-remote", no_argument, NULL, 'R'},
        TOOL_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct tool_common tc;
    const char *listen_text = DEFAULT_LISTEN;
    bool allow_remote = false;
    struct listen_addr addr;
    char err[512];
    int opt;

    tool_common_init(&tc, argv[0]);
    while ((opt = tool_getopt(&tc, argc, argv, "h", longopts, usage)) >= 0) {
        switch (opt) {
        case 'l':
            listen_text = optarg;
            break;
        case 'R':
            allow_remote = true;
            break;
        }
    }
    if (opt != -1)
        return tool_getopt_status(opt);
    if (tool_no_operands(&tc, argc, argv) != 0)
        return EXIT_USAGE;
    if (listen_addr_parse(listen_text, &addr, err, sizeof(err)) != 0) {
        tool_err(&tc, "--listen %s", err);
        return EXIT_USAGE;
    }
    if (!addr.loopback && !allow_remote) {
        tool_err(&tc,
                 "--listen %s: refusing an address other hosts can reach, because "
                 "/metrics has no authentication; add --allow-remote to serve it anyway, "
                 "or listen on 127.0.0.1 or [::1]",
                 listen_text);
        return EXIT_USAGE;
    }
    if (tool_common_finish(&tc) != 0)
        return EXIT_USAGE;

    log_open("vio4wd-exporter", LOG_INFO, LOG_SINK_STDERR | LOG_SINK_SYSLOG);
    struct exporter *ex = calloc(1, sizeof(*ex));
    if (ex) {
        ex->reader = tool_reader_new(&tc);
        ex->counters = tc.counters;
        ex->was_up = -1;
    }
    if (!ex || !ex->reader) {
        log_err("out of memory");
        return EXIT_NOT_RUNNING;
    }

    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL); /* MHD's thread inherits it */
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (addr.sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d =
        MHD_start_daemon(flags, 0, NULL, NULL, on_request, ex, MHD_OPTION_SOCK_ADDR,
                         (const struct sockaddr *)&addr.sa, MHD_OPTION_CONNECTION_LIMIT,
                         (unsigned)16, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
    if (!d) {
        log_err("cannot listen on %s (in use, or not an address of this host?)", listen_text);
        tool_reader_free(ex->reader);
        free(ex);
        return EXIT_NOT_RUNNING;
    }
    log_notice("serving http://%s/metrics from the counters in %s%s", listen_text, tc.counters,
               addr.loopback ? " (this host only)" : " (reachable by other hosts)");

    wait_for_stop(&stop_set);
    MHD_stop_daemon(d);
    tool_reader_free(ex->reader);
    free(ex);
    log_close();
    return 0;
}
