/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd_core_scheduler - keeps virtio-forwarder's worker cores balanced.
 *
 * main() only wires things up: options over the configuration file,
 * logging, the pid file and signals, then either the live loop (live.c) or
 * an offline replay of a trace (replay.c). Both decide with decide.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decide.h"
#include "live.h"
#include "log.h"
#include "model/topology.h"
#include "options.h"
#include "pidfile.h"
#include "replay.h"

static void warn_config(const char *message, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "vio4wd_core_scheduler: warning: %s\n", message);
}

static int run_replay(const struct sched_options *o)
{
    struct model_topology *topo = NULL;
    struct sched_params p;
    char err[1024];
    FILE *in = stdin;
    int ret;

    sched_options_params(o, &p);
    if (model_topology_load(o->topology, 0, &topo, err, sizeof(err)) != 0) {
        fprintf(stderr, "vio4wd_core_scheduler: topology %s: %s\n",
                o->topology[0] ? o->topology : "(this machine)", err);
        return o->topology[0] ? 2 : 1; /* a bad --topology is a bad option */
    }
    if (strcmp(o->replay, "-") != 0 && (in = fopen(o->replay, "r")) == NULL) {
        fprintf(stderr, "vio4wd_core_scheduler: --replay %s: %s\n", o->replay, strerror(errno));
        model_topology_free(topo);
        return 1;
    }
    ret = replay_run(in, strcmp(o->replay, "-") == 0 ? "<stdin>" : o->replay, stdout, topo, &p,
                     NULL, NULL, err, sizeof(err));
    if (ret < 0)
        fprintf(stderr, "vio4wd_core_scheduler: %s\n", err);
    if (in != stdin)
        fclose(in);
    model_topology_free(topo);
    return ret < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct sched_options opts;
    struct pidfile pf = {.fd = -1};
    unsigned sinks = LOG_SINK_SYSLOG;
    sigset_t mask;
    char err[1024];
    int sigfd, status;

    switch (sched_options_parse(argc, argv, &opts, warn_config, NULL, err, sizeof(err))) {
    case SCHED_OPTIONS_EXIT:
        return 0;
    case SCHED_OPTIONS_BAD:
        fprintf(stderr, "vio4wd_core_scheduler: %s\n", err);
        return 2;
    default:
        break;
    }

    /* Replay is a tool run by hand or by tests: no syslog, no signals. */
    if (opts.replay[0] != '\0') {
        log_open("vio4wd_core_scheduler", opts.cfg.core_sched_log_level, LOG_SINK_STDERR);
        return run_replay(&opts);
    }

    /* Under systemd, stderr already goes to the journal: writing both
     * would log every line twice. */
    if (getenv("JOURNAL_STREAM") == NULL)
        sinks |= LOG_SINK_STDERR;
    log_open("vio4wd_core_scheduler", opts.cfg.core_sched_log_level, sinks);

    /* The default pid file sits in the relay's run directory, which the
     * scheduler may find missing when it starts first: create that one
     * directory (0750, as the relay does), nothing above it. */
    if (opts.pid_file_default) {
        char dir[sizeof(opts.pid_file)];
        snprintf(dir, sizeof(dir), "%s", opts.pid_file);
        *strrchr(dir, '/') = '\0';
        if (mkdir(dir, 0750) < 0 && errno != EEXIST)
            log_warning("cannot create %s for the pid file: %s", dir, strerror(errno));
    }
    if (opts.pid_file[0] != '\0' && pidfile_acquire(&pf, opts.pid_file, err, sizeof(err)) < 0) {
        log_err("%s", err);
        return 1;
    }

    /* Signals arrive through a descriptor, so the loop sees them between
     * steps and never in the middle of a ZeroMQ call or a solve. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sigfd < 0) {
        log_err("signalfd: %s", strerror(errno));
        pidfile_release(&pf);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);

    status = live_run(&opts, argc, argv, sigfd);
    close(sigfd);
    pidfile_release(&pf);
    log_close();
    return status;
}
