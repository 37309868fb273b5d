/* SPDX-License-Identifier: BSD-3-Clause */
/* live.c - the daemon's loop (see live.h). */
#include "live.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "counters_live.h"
#include "ctl_client.h"
#include "decide.h"
#include "hysteresis.h"
#include "last_decision.h"
#include "log.h"
#include "model/topology.h"
#include "report.h"
#include "tracker.h"
#include "vio4wd_build_config.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_notify(int unset, const char *state)
{
    (void)unset, (void)state;
    return 0;
}
static int sd_watchdog_enabled(int unset, uint64_t *usec)
{
    (void)unset, (void)usec;
    return 0;
}
#endif

enum source {
    SRC_NONE,
    SRC_COUNTERS,
    SRC_STATS
};

struct live {
    struct sched_options *o;
    struct model_topology *topo;
    struct tracker tracker;
    enum source src;
    struct vio4wd_counters *cnt;
    struct vio4wd_counters_snapshot *snap;
    uint64_t sample_epoch; /* epoch of the snapshot decided on */
    struct ctl_client *stats;
    struct ctl_client *sched;
    bool relay_missing_logged;
    bool relay_dead_logged;                  /* warned that the relay died; until it is back */
    bool sched_ep_failing, stats_ep_failing; /* warned; repeats go to debug */
    uint64_t watchdog_usec;
    unsigned long decisions, pushes, moves;
    struct last_decision last;       /* published for vio4wd-exporter */
    struct sched_hysteresis *memory; /* the hysteresis' memory: load noise
                                     * and each class's accumulated gain */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void emit_debug(const char *line, void *opaque)
{
    (void)opaque;
    log_debug("%s", line);
}

static int load_topology(const char *spec, struct model_topology **topo)
{
    char err[MODEL_ERRMSG_LEN];
    if (model_topology_load(spec, 0, topo, err, sizeof(err)) != MODEL_OK) {
        log_err("topology %s: %s", spec[0] ? spec : "(this machine)", err);
        return -1;
    }
    return 0;
}

/* ---- the relay comes and goes ------------------------------------------ */

static void forget_relay(struct live *l, const char *why)
{
    if (l->src != SRC_NONE)
        log_notice("lost the relay (%s): dropping load estimates until it is back", why);
    if (l->cnt != NULL) {
        vio4wd_counters_close(l->cnt);
        l->cnt = NULL;
    }
    tracker_reset(&l->tracker);
    l->src = SRC_NONE;
}

/* An endpoint that stops answering is worth one warning, and one more when
 * it answers again: the same failure on every poll would only bury the
 * first one (repeats stay visible at debug level). */
static void endpoint_failed(bool *failing, const char *err)
{
    log_msg(*failing ? LOG_DEBUG : LOG_WARNING, "%s", err);
    *failing = true;
}

static void endpoint_answered(bool *failing, const char *name, const char *ep)
{
    if (*failing)
        log_warning("%s endpoint %s answers again", name, ep);
    *failing = false;
}

static struct ctl_client *client(struct ctl_client **c, const char *ep)
{
    char err[256];
    if (*c == NULL)
        *c = ctl_client_open(ep, CTL_DEFAULT_TIMEOUT_MS, err, sizeof(err));
    return *c;
}

static void close_clients(struct live *l)
{
    ctl_client_close(l->stats);
    ctl_client_close(l->sched);
    l->stats = l->sched = NULL;
}

/* One state from the counters file. 1: decide on *st; 0: not yet; -1: the
 * file is not there; -2: it is there but its relay died. */
static int sample_counters(struct live *l, struct sched_state *st)
{
    char err[512];
    int ret;

    if (l->cnt != NULL && vio4wd_counters_stale(l->cnt))
        forget_relay(l, "the counters file was replaced or the relay stopped");
    if (l->cnt == NULL) {
        l->cnt = vio4wd_counters_open(l->o->counters, err, sizeof(err));
        if (l->cnt == NULL) {
            /* once, not every interval while we wait or use stats */
            if (!l->relay_missing_logged && l->src != SRC_STATS)
                log_info("%s", err);
            return -1;
        }
        /* A relay that stopped cleanly leaves its file behind, marked
         * stopped, and its process may linger a moment (exiting, or not
         * yet reaped): that file is not a relay to follow. Wait for the
         * next one's. */
        if (vio4wd_counters_stale(l->cnt)) {
            vio4wd_counters_close(l->cnt);
            l->cnt = NULL;
            return -1;
        }
    }
    /* A relay killed with SIGKILL leaves its file, frozen: its loads decay
     * to zero and any plan made on them is wrong. Say so once, and again
     * when a live relay is back. */
    if (vio4wd_counters_writer_gone(l->cnt, err, sizeof(err))) {
        if (!l->relay_dead_logged)
            log_warning("%s: no plans until a relay runs again (%s)", err, l->o->counters);
        l->relay_dead_logged = true;
        forget_relay(l, "the relay died");
        return -2; /* and its stats endpoint will not answer either */
    }
    if (l->src != SRC_COUNTERS) {
        const struct vio4wd_cnt_header *h = vio4wd_counters_header(l->cnt);
        tracker_reset(&l->tracker);
        l->src = SRC_COUNTERS;
        if (l->relay_dead_logged)
            log_warning("a relay runs again (pid %u): planning resumes", h->pid);
        l->relay_dead_logged = false;
        log_notice("reading the relay's counters at %s (relay pid %u, epoch %llu)", l->o->counters,
                   h->pid, (unsigned long long)h->epoch);
    }
    if (vio4wd_counters_snapshot(l->cnt, l->snap) < 0) {
        log_warning("counters snapshot inconsistent (a writer stopped mid-update): skipped");
        return 0;
    }
    if (l->snap->header.state != VIO4WD_CNT_RUNNING)
        return 0;
    l->sample_epoch = l->snap->header.epoch;
    ret = tracker_feed_counters(&l->tracker, l->snap, st);
    if (ret < 0)
        log_err("out of memory");
    return ret < 0 ? 0 : ret;
}

static int read_workers(struct live *l, unsigned *cpus, size_t *n)
{
    char err[512];
    if (client(&l->sched, l->o->cfg.zmq_core_sched_ep) == NULL)
        return -1;
    if (ctl_get_worker_cpus(l->sched, cpus, VIO4WD_CNT_MAX_WORKERS, n, err, sizeof(err)) < 0) {
        endpoint_failed(&l->sched_ep_failing, err);
        return -1;
    }
    endpoint_answered(&l->sched_ep_failing, "core_sched", l->o->cfg.zmq_core_sched_ep);
    return 0;
}

/* The fallback: the stats endpoint (a relay on another host, or one
 * without a counters file). */
static int sample_stats(struct live *l, struct sched_state *st)
{
    Virtioforwarder__StatsResponse *resp = NULL;
    unsigned cpus[VIO4WD_CNT_MAX_WORKERS];
    size_t n = 0;
    char err[512];
    int ret;

    if (client(&l->stats, l->o->cfg.zmq_stats_ep) == NULL || read_workers(l, cpus, &n) < 0)
        return -1;
    if (ctl_get_stats(l->stats, NULL, 0, true, 0, &resp, err, sizeof(err)) < 0) {
        endpoint_failed(&l->stats_ep_failing, err);
        forget_relay(l, "the stats endpoint does not answer");
        return -1;
    }
    endpoint_answered(&l->stats_ep_failing, "stats", l->o->cfg.zmq_stats_ep);
    if (l->src != SRC_STATS) {
        tracker_reset(&l->tracker);
        l->src = SRC_STATS;
        log_notice("no counters file at %s: using the stats endpoint %s", l->o->counters,
                   l->o->cfg.zmq_stats_ep);
    }
    ret = tracker_feed_stats(&l->tracker, resp, now_ns(), cpus, n, st);
    ctl_stats_free(resp);
    return ret < 0 ? 0 : ret;
}

/* Is the relay we sampled still the one running? A plan for another relay
 * (restarted in between, other workers) must never reach it. */
static bool same_relay(struct live *l, const struct sched_state *st)
{
    if (l->src == SRC_COUNTERS) {
        return l->cnt != NULL && !vio4wd_counters_stale(l->cnt) &&
               vio4wd_counters_header(l->cnt)->epoch == l->sample_epoch &&
               !vio4wd_counters_writer_gone(l->cnt, NULL, 0);
    }
    unsigned cpus[VIO4WD_CNT_MAX_WORKERS];
    size_t n = 0;
    if (read_workers(l, cpus, &n) < 0 || (int)n != st->n_workers)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (int k = 0; k < st->n_workers; k++)
            found |= st->workers[k] == (int)cpus[i];
        if (!found)
            return false;
    }
    return true;
}

/* Sends the moved relays' new CPU pairs as one UPDATE, which the relay
 * applies whole or not at all. */
static int push(struct live *l, const struct sched_state *st, const struct sched_decision *d,
                char *err, size_t errlen)
{
    struct ctl_relay_cpus *map = calloc((size_t)(d->n_moves ? d->n_moves : 1), sizeof(*map));
    size_t n = 0;
    int code = 0, ret = -1;

    if (map == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int k = 0; k < d->n_moves; k++) {
        const struct sched_relay *r = NULL;
        size_t i;
        for (int q = 0; q < st->n_relays; q++)
            if (st->relays[q].id == d->moves[k].relay)
                r = &st->relays[q];
        if (r == NULL)
            continue;
        for (i = 0; i < n && map[i].relay != r->id; i++)
            ;
        if (i == n) {
            map[n++] = (struct ctl_relay_cpus){r->id, r->cpu[VIO4WD_DIR_VF_TO_VM],
                                               r->cpu[VIO4WD_DIR_VM_TO_VF]};
        }
        if (d->moves[k].dir == VIO4WD_DIR_VF_TO_VM)
            map[i].vf_to_vm_cpu = d->moves[k].to;
        else
            map[i].vm_to_vf_cpu = d->moves[k].to;
    }
    if (!same_relay(l, st)) {
        snprintf(err, errlen, "the relay restarted while planning: plan dropped");
        forget_relay(l, "restarted while planning");
        goto out;
    }
    if (client(&l->sched, l->o->cfg.zmq_core_sched_ep) == NULL) {
        snprintf(err, errlen, "core_sched endpoint %s is not there", l->o->cfg.zmq_core_sched_ep);
        goto out;
    }
    if (ctl_update_mapping(l->sched, map, n, &code, err, errlen) < 0)
        goto out;
    ret = 0;
out:
    free(map);
    return ret;
}

static void log_decision(const struct sched_decision *d, bool applied, bool dry_run)
{
    for (int k = 0; k < d->n_nodes; k++) {
        const struct sched_node_result *r = &d->nodes[k];
        int level = r->act ? LOG_INFO : LOG_DEBUG;
        if (!log_enabled(level) || r->n_jobs == 0)
            continue;
        log_msg(level,
                "NUMA node %d: makespan %.3f -> %.3f (bound %.3f, greedy %.3f, %.1f ms), "
                "%d active, %d parked worker(s): %s",
                r->numa, r->current_makespan, r->act ? r->makespan : r->current_makespan,
                r->lower_bound, r->greedy_makespan, r->solve_ms, r->active, r->parked, r->reason);
    }
    if (d->notes[0] != '\0')
        log_info("%s", d->notes);
    if (d->cut)
        log_info("the decision took %.0f ms of its %.0f ms deadline; a solver was cut short and "
                 "kept its best answer",
                 d->elapsed_ms, d->deadline_ms);
    for (int k = 0; k < d->n_moves && d->act; k++)
        log_info("%s relay %d %s: cpu %d -> %d",
                 applied   ? "moved"
                 : dry_run ? "would move"
                           : "failed to move",
                 d->moves[k].relay, vio4wd_dir_name(d->moves[k].dir), d->moves[k].from,
                 d->moves[k].to);
}

static void decide_once(struct live *l, struct sched_state *st)
{
    struct sched_params p;
    struct sched_decision d;
    char err[512];
    const char *error = NULL;
    bool applied = false;

    sched_options_params(l->o, &p);
    st->t = (double)now_ns() * 1e-9;
    if (sched_decide(st, l->topo, &p, l->memory, &d, err, sizeof(err)) < 0) {
        log_err("cannot plan: %s", err);
        return;
    }
    l->decisions++;
    if (d.act && !l->o->dry_run) {
        if (push(l, st, &d, err, sizeof(err)) == 0) {
            applied = true;
            l->pushes++;
            l->moves += (unsigned long)d.n_moves;
        } else {
            log_warning("plan not applied: %s", err);
            error = err;
            /* the imbalance still stands: the next decision may act again */
            sched_hysteresis_undo(l->memory);
        }
    }
    log_decision(&d, applied, l->o->dry_run);
    if (log_enabled(LOG_DEBUG))
        report_table(st, &d, l->topo, emit_debug, NULL);
    if (l->o->json)
        report_json(stdout, &d, applied, error);
    last_decision_write(&l->last, &d, applied);
    sched_decision_free(&d);
}

/* One interval's work. Returns true when a decision was made. */
static bool tick(struct live *l)
{
    struct sched_state st = {0};
    int got = sample_counters(l, &st);

    if (got == -1)
        got = sample_stats(l, &st);
    if (got < 0) {
        if (!l->relay_missing_logged && got == -1)
            log_notice("relay not reachable (counters %s, stats %s): waiting for it",
                       l->o->counters, l->o->cfg.zmq_stats_ep);
        l->relay_missing_logged = true;
        sched_state_free(&st);
        return false;
    }
    l->relay_missing_logged = false;
    if (got == 0) {
        sched_state_free(&st);
        return false;
    }
    decide_once(l, &st);
    sched_state_free(&st);
    return true;
}

static void reload(struct live *l, int argc, char **argv)
{
    struct sched_options *n = malloc(sizeof(*n));
    char err[512];

    sd_notify(0, "RELOADING=1");
    if (n == NULL ||
        sched_options_parse(argc, argv, n, NULL, NULL, err, sizeof(err)) != SCHED_OPTIONS_OK) {
        log_err("SIGHUP: configuration not reloaded: %s", n ? err : "out of memory");
        free(n);
        sd_notify(0, "READY=1");
        return;
    }
    if (strcmp(n->topology, l->o->topology) != 0) {
        struct model_topology *t = NULL;
        if (load_topology(n->topology, &t) == 0) {
            model_topology_free(l->topo);
            l->topo = t;
        } else {
            snprintf(n->topology, sizeof(n->topology), "%s", l->o->topology);
        }
    }
    if (strcmp(n->cfg.zmq_stats_ep, l->o->cfg.zmq_stats_ep) != 0 ||
        strcmp(n->cfg.zmq_core_sched_ep, l->o->cfg.zmq_core_sched_ep) != 0)
        close_clients(l);
    if (strcmp(n->counters, l->o->counters) != 0) {
        forget_relay(l, "the counters path changed");
        last_decision_remove(&l->last);
        last_decision_init(&l->last, n->counters);
    }
    if (strcmp(n->pid_file, l->o->pid_file) != 0)
        log_warning("SIGHUP: a new --pid-file takes effect only on restart");
    snprintf(n->pid_file, sizeof(n->pid_file), "%s", l->o->pid_file);
    *l->o = *n;
    free(n);
    log_set_level(l->o->cfg.core_sched_log_level);
    tracker_set_interval(&l->tracker, l->o->cfg.core_sched_poll_interval);
    log_notice("configuration reloaded: poll interval %g s, sensitivity %g, %s NUMA, log level %d, "
               "%s mode (pack target %g core)",
               l->o->cfg.core_sched_poll_interval, l->o->cfg.core_sched_sensitivity,
               l->o->cfg.core_sched_global_numa_opt ? "global" : "per-node",
               l->o->cfg.core_sched_log_level, l->o->cfg.core_sched_mode == 1 ? "pack" : "spread",
               l->o->cfg.core_sched_pack_target);
    sd_notify(0, "READY=1");
}

/* Waits until 'deadline' (monotonic ns), feeding the watchdog. Returns a
 * signal number, or 0 at the deadline. */
static int wait_until(struct live *l, int sigfd, uint64_t deadline)
{
    for (;;) {
        uint64_t now = now_ns();
        struct pollfd pfd = {.fd = sigfd, .events = POLLIN};
        uint64_t wait_ns;
        int r;

        /* Past the deadline, still look at the signals once: a tick that
         * takes longer than the interval (an endpoint that never answers)
         * must not starve SIGTERM. */
        wait_ns = now >= deadline ? 0 : deadline - now;
        if (l->watchdog_usec != 0 && wait_ns > l->watchdog_usec * 1000 / 2)
            wait_ns = l->watchdog_usec * 1000 / 2;
        r = poll(&pfd, 1, (int)((wait_ns + 999999) / 1000000));
        if (l->watchdog_usec != 0)
            sd_notify(0, "WATCHDOG=1");
        if (r == 0 && wait_ns == 0)
            return 0;
        if (r < 0 && errno != EINTR) {
            log_err("poll: %s", strerror(errno));
            return SIGTERM;
        }
        if (r > 0) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                return (int)si.ssi_signo;
        }
    }
}

int live_run(struct sched_options *o, int argc, char **argv, int sigfd)
{
    struct live *l = calloc(1, sizeof(*l));
    int status = 0;

    if (l == NULL || (l->snap = malloc(sizeof(*l->snap))) == NULL ||
        (l->memory = sched_hysteresis_new()) == NULL) {
        log_err("out of memory");
        if (l != NULL)
            free(l->snap);
        free(l);
        return 1;
    }
    l->o = o;
    last_decision_init(&l->last, o->counters);
    if (load_topology(o->topology, &l->topo) < 0) {
        sched_hysteresis_free(l->memory);
        free(l->snap);
        free(l);
        /* --topology is an option: a bad one is exit 2, as --help says;
         * failing to read this machine's own topology is a runtime error. */
        return o->topology[0] ? 2 : 1;
    }
    tracker_init(&l->tracker, o->cfg.core_sched_poll_interval);
    if (sd_watchdog_enabled(0, &l->watchdog_usec) <= 0)
        l->watchdog_usec = 0;

    log_notice("started: poll interval %g s, sensitivity %g, minimum gain %g core, %s NUMA, "
               "solver limit %g ms%s, %s mode (pack target %g core); counters %s, core_sched %s",
               o->cfg.core_sched_poll_interval, o->cfg.core_sched_sensitivity, o->min_gain,
               o->cfg.core_sched_global_numa_opt ? "global" : "per-node", o->time_limit_ms,
               o->dry_run ? ", dry run" : "", o->cfg.core_sched_mode == 1 ? "pack" : "spread",
               o->cfg.core_sched_pack_target, o->counters, o->cfg.zmq_core_sched_ep);
    sd_notify(0, "READY=1\nSTATUS=balancing relay worker cores");

    uint64_t next = now_ns();
    for (;;) {
        int sig;
        bool decided = tick(l);

        if (o->once && decided)
            break;
        if (o->once && l->src == SRC_NONE) {
            log_err("--once: the relay is not running (no counters at %s, no answer from %s)",
                    o->counters, o->cfg.zmq_stats_ep);
            status = 1;
            break;
        }
        next += (uint64_t)(o->cfg.core_sched_poll_interval * 1e9);
        if (next < now_ns())
            next = now_ns(); /* a slow solve or a stop: no burst of catch-up ticks */
        sig = wait_until(l, sigfd, next);
        if (sig == SIGHUP) {
            reload(l, argc, argv);
            next = now_ns();
        } else if (sig == SIGTERM || sig == SIGINT) {
            log_notice("signal %d: exiting after %lu decisions, %lu plans applied, %lu moves", sig,
                       l->decisions, l->pushes, l->moves);
            break;
        }
    }
    sd_notify(0, "STOPPING=1");
    last_decision_remove(&l->last);
    vio4wd_counters_close(l->cnt);
    close_clients(l);
    model_topology_free(l->topo);
    sched_hysteresis_free(l->memory);
    free(l->snap);
    free(l);
    return status;
}
