/* SPDX-License-Identifier: BSD-3-Clause */
/* main.c - virtio-forwarder: start-up and shutdown only.
 *
 * Order: configuration (exit 2 when bad) -> instance lock and pid file ->
 * EAL -> counters file -> workers -> relays (static VFs, sockets) ->
 * control endpoints and port control (ZeroMQ, IPC file or OVSDB) -> serve until a signal
 * ends it. Shutdown undoes it in
 * reverse within 2 s; a watchdog removes our files and exits if anything
 * hangs.
 *
 * Signals: SIGHUP re-reads the configuration (reload.c). Every other signal
 * whose default action would end the process without a trace (SIGTERM,
 * SIGINT, SIGQUIT, SIGUSR1/2, SIGXCPU, ...) shuts down in order, so no
 * counters file, lock or socket is left behind. Crash signals (SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE, SIGABRT) keep their default action: after one the
 * process state is not to be trusted, and the next start cleans up anyway.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "counters_writer.h"
#include "ctl.h"
#include "ctl_bind.h"
#include "ctl_config.h"
#include "ctl_core_sched.h"
#include "ctl_port.h"
#include "ctl_stats.h"
#include "eal.h"
#include "ipc_monitor.h"
#include "log.h"
#include "options.h"
#include "ovsdb_monitor.h"
#include "pidfile.h"
#include "port_mode.h"
#include "relay.h"
#include "reload.h"
#include "telemetry.h"

#include "rate_limit.h"
#include "test_hooks.h"
#include "vhost.h"
#include "vio4wd_build_config.h"
#include "worker.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#define EXIT_BAD_CONFIG      2
#define SHUTDOWN_WATCHDOG_MS 1800

static volatile sig_atomic_t g_wake;     /* any signal: leave ctl_run() */
static volatile sig_atomic_t g_stop_sig; /* the signal that ends us, 0: none */
static volatile sig_atomic_t g_reload;   /* SIGHUP seen */
static struct pidfile g_lock, g_pidfile;

/* Paths the watchdog removes if an orderly shutdown hangs. */
static char g_emergency_paths[VIO4WD_MAX_RELAYS + 3][VIO4WD_PATH_MAX + 32];
static volatile sig_atomic_t g_n_emergency;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        g_reload = 1;
    else if (!g_stop_sig)
        g_stop_sig = sig;
    g_wake = 1;
}

static void on_watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "virtio-forwarder: shutdown took too long; exiting\n";
    for (int i = 0; i < g_n_emergency; i++)
        unlink(g_emergency_paths[i]);
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing more we can do */
    }
    _exit(1);
}

static void add_emergency_path(const char *path)
{
    if (g_n_emergency < (int)(sizeof(g_emergency_paths) / sizeof(g_emergency_paths[0]))) {
        snprintf(g_emergency_paths[g_n_emergency], sizeof(g_emergency_paths[0]), "%s", path);
        g_n_emergency++;
    }
}

static void install_signals(void)
{
    /* Default action "terminate" (or "core" without a crash behind it). */
    static const int ending[] = {SIGHUP,  SIGINT,  SIGTERM,   SIGQUIT, SIGUSR1, SIGUSR2,
                                 SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPWR,  SIGSTKFLT};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
        sigaction(ending[i], &sa, NULL);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        sigaction(sig, &sa, NULL);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_watchdog;
    sigaction(SIGALRM, &sa, NULL);
}

/* Creates the run directory, and its missing parents as ordinary system
 * directories (0755). The run directory itself is 0750: it holds every
 * guest's traffic counters. An existing one keeps the mode its owner gave. */
static int make_run_dir(const char *dir)
{
    char buf[VIO4WD_PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", dir);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(buf, 0750) == 0)
        return chmod(buf, 0750); /* whatever the umask */
    return errno == EEXIST ? 0 : -1;
}

/* Gives 'path' the vhost sockets' group (VIRTIOFWD_SOCKET_GROUP), so the
 * operators who may reach the sockets may also read the counters. */
static void give_socket_group(const struct vio4wd_config *cfg, const char *path)
{
    uid_t uid;
    gid_t gid;
    char err[256];

    if (vhost_socket_account(cfg, &uid, &gid, err, sizeof(err)) != 0 || gid == (gid_t)-1)
        return;
    if (chown(path, (uid_t)-1, gid) < 0)
        log_warning("%s: cannot give it group %u: %s", path, (unsigned)gid, strerror(errno));
}

/* Returns 0; -1 when another relay holds the run directory; -2 when the
 * run directory, lock or pid file cannot be created (exit 2: the
 * environment, like the configuration, must be fixed first). */
static int take_locks(const struct relay_options *o)
{
    char path[VIO4WD_PATH_MAX + 32], pid_path[VIO4WD_PATH_MAX + 32], err[512];
    char real_run[4096], real_pid[4096];

    if (make_run_dir(o->run_dir) < 0) {
        log_err("cannot create run directory %s: %s", o->run_dir, strerror(errno));
        return -2;
    }
    snprintf(path, sizeof(path), "%s/virtio-forwarder.lock", o->run_dir);
    int rc = pidfile_acquire(&g_lock, path, err, sizeof(err));
    if (rc != 0) {
        log_err("%s%s", err, rc == -1 ? " (is the run directory writable, with space left?)" : "");
        return rc == -2 ? -1 : -2; /* held by another relay : cannot be created */
    }
    add_emergency_path(path);
    give_socket_group(&o->cfg, o->run_dir);
    give_socket_group(&o->cfg, path);
    if (realpath(o->run_dir, real_run) && realpath(o->cfg.pid_dir, real_pid) &&
        strcmp(real_run, real_pid) == 0)
        return 0; /* the lock is the pid file */
    snprintf(pid_path, sizeof(pid_path), "%s/virtio-forwarder.pid", o->cfg.pid_dir);
    rc = pidfile_acquire(&g_pidfile, pid_path, err, sizeof(err));
    if (rc != 0) {
        log_err("%s", err);
        return rc == -2 ? -1 : -2;
    }
    add_emergency_path(pid_path);
    return 0;
}

static int start_relays(const struct vio4wd_config *cfg)
{
    char err[512];

    for (unsigned i = 0; i < cfg->n_static_vfs; i++) {
        const struct vio4wd_static_vf *vf = &cfg->static_vfs[i];
        if (relay_add_vf(vf->relay_id, vf->device, err, sizeof(err)) != 0)
            log_err("VIRTIOFWD_STATIC_VFS: %s=%u: %s", vf->device, vf->relay_id, err);
    }
    if (cfg->dynamic_sockets)
        return 0;
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        if (relay_add_socket(id, NULL, err, sizeof(err)) != 0) {
            log_err("%s", err);
            return -1;
        }
        add_emergency_path(g_relays[id].vhost_path);
    }
    return 0;
}

static bool path_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* One of upstream's port-control modes (port_mode.h), stated in one line. */
static int start_port_control(const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    struct port_mode_choice choice;
    char line[1024];
    port_mode_choose(cfg, path_exists, &choice);
    port_mode_describe(cfg, &choice, line, sizeof(line));
    log_notice("%s", line);
    switch (choice.mode) {
    case PORT_MODE_ZMQ:
        return ctl_port_init(cfg, err, errlen);
    case PORT_MODE_IPC:
        return ipc_monitor_start(choice.where, err, errlen);
    case PORT_MODE_OVSDB:
        return ovsdb_monitor_start(choice.where, err, errlen);
    }
    return 0;
}

/* The control endpoints. The stats endpoint reads the counters file as every
 * other reader does, so it starts once the file exists. */
static int start_endpoints(const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    ctl_bind_allow_tcp(cfg->zmq_allow_tcp);
    if (telemetry_register(err, errlen) != 0 ||
        ctl_stats_start(cfg->zmq_stats_ep, vio4wd_counters_path(), err, errlen) != 0 ||
        ctl_core_sched_init(cfg, err, errlen) != 0 || start_port_control(cfg, err, errlen) != 0 ||
        ctl_config_init(cfg, err, errlen) != 0)
        return -1;
    return 0;
}

static void shutdown_all(bool eal_up)
{
    struct itimerval it = {.it_value = {.tv_sec = SHUTDOWN_WATCHDOG_MS / 1000,
                                        .tv_usec = (SHUTDOWN_WATCHDOG_MS % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    add_emergency_path(vio4wd_counters_path());

    vio4wd_counters_set_state(VIO4WD_CNT_STOPPED);
    ctl_stats_stop();
    ctl_shutdown();
    if (eal_up) {
        workers_stop();
        relay_table_shutdown();
        relay_free_meters();
    }
    vio4wd_counters_destroy();
    if (eal_up)
        rte_eal_cleanup();
    pidfile_release(&g_pidfile);
    pidfile_release(&g_lock);
}

int main(int argc, char **argv)
{
    struct relay_options *o = calloc(1, sizeof(*o));
    struct eal_layout *lay = calloc(1, sizeof(*lay));
    char err[1024] = "";
    int rc = 1;

    g_lock.fd = g_pidfile.fd = -1;
    log_open("virtio-forwarder", LOG_INFO, LOG_SINK_STDERR | LOG_SINK_SYSLOG);
    if (!o || !lay) {
        log_err("out of memory");
        return 1;
    }
    switch (options_parse(argc, argv, o, err, sizeof(err))) {
    case OPTIONS_EXIT_OK:
        free(o);
        free(lay);
        return 0;
    case OPTIONS_BAD:
        log_err("bad configuration: %s", err);
        free(o);
        free(lay);
        return EXIT_BAD_CONFIG;
    case OPTIONS_RUN:
        break;
    }
    const struct vio4wd_config *cfg = &o->cfg;
    log_set_level(cfg->log_level);
    if (test_hooks_load(err, sizeof(err)) != 0) {
        log_err("bad test setting: %s", err);
        free(o);
        free(lay);
        return EXIT_BAD_CONFIG;
    }
    install_signals();
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* short waits stay short */

    int locked = take_locks(o);
    if (locked != 0) {
        rc = locked == -2 ? EXIT_BAD_CONFIG : 1;
        goto out_locks;
    }
    if (eal_start(cfg, argv[0], o->n_eal_args, o->eal_args, lay, err, sizeof(err)) != 0) {
        log_err("%s", err);
        goto out_locks;
    }
    if (vio4wd_counters_create(o->run_dir, rte_get_tsc_hz(), lay->main_cpu, err, sizeof(err)) !=
        0) {
        log_err("%s", err);
        shutdown_all(true);
        return EXIT_BAD_CONFIG; /* a full or read-only run directory */
    }
    give_socket_group(cfg, vio4wd_counters_path());
    if (workers_init(lay->worker_cpus, lay->worker_lcores, lay->n_workers) != 0 ||
        relay_table_init(cfg) != 0) {
        log_err("cannot set up %u workers", lay->n_workers);
        shutdown_all(true);
        return 1;
    }
    workers_set_sleep_max(cfg->worker_sleep_max_us);
    handover_control_shares_cpu(&g_handover, lay->main_shared);
    if (relay_apply_rate_limits(cfg, err, sizeof(err)) != 0) {
        log_err("VIRTIOFWD_RATE_LIMITS: %s", err);
        shutdown_all(true);
        return 1;
    }
    vhost_init(cfg);
    if (workers_launch() != 0 || start_relays(cfg) != 0 ||
        start_endpoints(cfg, err, sizeof(err)) != 0) {
        if (err[0])
            log_err("%s", err);
        shutdown_all(true);
        return 1;
    }
    vio4wd_counters_set_state(VIO4WD_CNT_RUNNING);
    log_notice("virtio-forwarder %s running: %u workers, main lcore on CPU %u, counters in %s",
               VIO4WD_VERSION, lay->n_workers, lay->main_cpu, vio4wd_counters_path());
#if HAVE_LIBSYSTEMD
    sd_notify(0, "READY=1");
#endif

    for (;;) {
        ctl_run(&g_wake);
        g_wake = 0;
        if (g_stop_sig)
            break;
        if (g_reload) {
            g_reload = 0;
#if HAVE_LIBSYSTEMD
            sd_notify(0, "RELOADING=1");
#endif
            reload_config(argc, argv, o);
#if HAVE_LIBSYSTEMD
            sd_notify(0, "READY=1");
#endif
        }
    }

    log_notice("signal %d (%s): shutting down", (int)g_stop_sig, strsignal(g_stop_sig));
#if HAVE_LIBSYSTEMD
    sd_notify(0, "STOPPING=1");
#endif
    shutdown_all(true);
    log_notice("stopped");
    free(o);
    free(lay);
    /* SIGTERM and SIGINT are how a relay is meant to stop; any other signal
     * was not, and a failure status lets systemd's Restart= bring it back. */
    return g_stop_sig == SIGTERM || g_stop_sig == SIGINT ? 0 : 128 + g_stop_sig;

out_locks:
    pidfile_release(&g_pidfile);
    pidfile_release(&g_lock);
    free(o);
    free(lay);
    return rc;
}
