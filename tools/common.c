/* common.c - options, counters-to-rows and output forms shared by the tools. */
#include "common.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "counters_live.h"
#include "model/load.h"


/* ---- options ------------------------------------------------------------ */

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
        tc->port_ep = tc->cfg.zmq_port_control_ep[0] ? tc->cfg.zmq_port_control_ep
                                                     : TOOL_DEFAULT_PORT_EP;
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

/* ---- pins --------------------------------------------------------------- */

int tool_parse_pin(const char *text, struct vio4wd_cpu_pin *pins, size_t *n, size_t max,
                   char *err, size_t errlen)
{
    struct vio4wd_config scratch;
    char msg[512];

    /* The configuration parser splits lists at white space; one value is
     * one pin, so white space inside it is an error of its own. */
    for (const char *p = text; *p; p++)
        if (isspace((unsigned char)*p)) {
            snprintf(err, errlen, "--virtio-cpu '%s': no spaces allowed; give one "
                     "R:C1[,C2] per --virtio-cpu", text);
            return -1;
        }
    config_init(&scratch);
    if (!*text || config_set(&scratch, "VIRTIOFWD_CPU_PINS", text, msg, sizeof(msg)) != 0 ||
        scratch.n_cpu_pins != 1) {
        /* The parser's message starts with "VARIABLE='value': "; keep only
         * what follows, under the option's name. */
        const char *why = strstr(msg, "': ");
        snprintf(err, errlen, "--virtio-cpu '%s': %s", text,
                 *text && why ? why + 3 : "expected <relay>:<cpu>[,<cpu>], as in 0:1 or 0:1,2");
        return -1;
    }
    for (size_t i = 0; i < *n; i++)
        if (pins[i].relay_id == scratch.cpu_pins[0].relay_id) {
            snprintf(err, errlen, "--virtio-cpu '%s': relay %u is already pinned", text,
                     pins[i].relay_id);
            return -1;
        }
    if (*n >= max) {
        snprintf(err, errlen, "--virtio-cpu '%s': at most %zu pins at once", text, max);
        return -1;
    }
    pins[(*n)++] = scratch.cpu_pins[0];
    return 0;
}

/* ---- counters to rows --------------------------------------------------- */

static double per_s(uint64_t delta, double secs)
{
    return secs > 0 ? (double)delta / secs : 0.0;
}

static void to_model(const struct vio4wd_cnt_dir *d, const struct vio4wd_counters_snapshot *s,
                     struct model_counters *m)
{
    memset(m, 0, sizeof(*m));
    m->packets = d->rx_pkts;
    m->bytes = d->rx_bytes;
    m->drops_queue_full = d->drop_full_pkts;
    m->drops_not_connected = d->drop_nc_pkts;
    m->drops_rate_limited = d->drop_rl_pkts;
    m->rate_limit_Bps = d->rate_limit_Bps;
    m->busy_cycles = d->busy_cycles;
    m->has_cycles = true;
    m->rx_bursts = d->rx_bursts;
    m->rx_bursts_full = d->rx_full_bursts;
    /* A direction's block is written only when it moves packets, so its
     * update_tsc stands still while idle; the snapshot's own TSC is the
     * right end of the window for every block. */
    m->tsc = s->read_tsc;
    m->tsc_hz = s->header.tsc_hz;
}

static void build_dir(const struct vio4wd_cnt_dir *p, const struct vio4wd_cnt_dir *c,
                      enum vio4wd_dir dir, const struct vio4wd_counters_snapshot *prev,
                      const struct vio4wd_counters_snapshot *cur, double secs,
                      struct tool_dir_row *row)
{
    row->cpu = c->cpu;
    row->rx_pkts = c->rx_pkts;
    row->rx_bytes = c->rx_bytes;
    row->tx_pkts = c->tx_pkts;
    row->tx_bytes = c->tx_bytes;
    row->drop_full_pkts = c->drop_full_pkts;
    row->drop_full_bytes = c->drop_full_bytes;
    row->drop_nc_pkts = c->drop_nc_pkts;
    row->drop_nc_bytes = c->drop_nc_bytes;
    row->drop_rl_pkts = c->drop_rl_pkts;
    row->drop_rl_bytes = c->drop_rl_bytes;
    row->rate_limit_Bps = c->rate_limit_Bps;
    row->rate_burst_bytes = c->rate_burst_bytes;
    row->busy_cycles = c->busy_cycles;
    row->migrations = c->migrations;
    if (!p || secs <= 0)
        return;
    /* Unsigned differences: counters are monotonic within one epoch. */
    row->rx_pps = per_s(c->rx_pkts - p->rx_pkts, secs);
    row->rx_Bps = per_s(c->rx_bytes - p->rx_bytes, secs);
    row->tx_pps = per_s(c->tx_pkts - p->tx_pkts, secs);
    row->tx_Bps = per_s(c->tx_bytes - p->tx_bytes, secs);
    row->drop_pps = per_s((c->drop_full_pkts - p->drop_full_pkts) +
                          (c->drop_nc_pkts - p->drop_nc_pkts) +
                          (c->drop_rl_pkts - p->drop_rl_pkts), secs);
    row->new_migrations = c->migrations - p->migrations;

    /* The same load model as the scheduler, so the numbers agree. */
    struct model_counters mp, mc;
    struct model_load_sample sample;
    char err[128];
    to_model(p, prev, &mp);
    to_model(c, cur, &mc);
    enum model_dir md = dir == VIO4WD_DIR_VF_TO_VM ? MODEL_DIR_VF_TO_VM : MODEL_DIR_VM_TO_VF;
    if (model_load_sample(&mp, &mc, md, NULL, &sample, err, sizeof(err)) == MODEL_OK &&
        sample.valid) {
        row->load = sample.measured;
        row->demand = sample.demand;
        row->saturated = sample.saturated;
    }
}

static void build_queues(const struct vio4wd_counters_snapshot *prev,
                         const struct vio4wd_counters_snapshot *cur, unsigned r, unsigned d,
                         double secs, struct tool_dir_row *row)
{
    row->n_queues = vio4wd_counters_queues_shown(cur, r, d);
    for (unsigned q = 0; q < row->n_queues; q++) {
        const struct vio4wd_cnt_queue *c = &cur->queues[r][d].q[q];
        row->queue[q].rx_pkts = c->rx_pkts;
        row->queue[q].rx_bytes = c->rx_bytes;
        if (prev && secs > 0)
            row->queue[q].rx_pps = per_s(c->rx_pkts - prev->queues[r][d].q[q].rx_pkts, secs);
    }
}

static int cmp_worker(const void *a, const void *b)
{
    const struct tool_worker_row *x = a, *y = b;
    return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

void tool_view_build(const struct vio4wd_counters_snapshot *prev,
                     const struct vio4wd_counters_snapshot *cur, struct tool_view *view)
{
    const struct vio4wd_cnt_header *h = &cur->header;
    double hz = h->tsc_hz ? (double)h->tsc_hz : 1.0;

    memset(view, 0, sizeof(*view));
    if (prev && (prev->header.epoch != h->epoch || prev->header.tsc_hz != h->tsc_hz ||
                 prev->read_tsc >= cur->read_tsc))
        prev = NULL;    /* another relay, or no time passed: no window */
    double secs = prev ? (double)(cur->read_tsc - prev->read_tsc) / hz : 0.0;

    view->tsc_hz = h->tsc_hz;
    view->epoch = h->epoch;
    view->pid = h->pid;
    view->interval_s = secs;
    view->t = cur->read_tsc > h->start_tsc ? (double)(cur->read_tsc - h->start_tsc) / hz : 0.0;
    view->start_time = (double)h->start_realtime_ns / 1e9;
    view->unix_time = view->start_time + view->t;

    unsigned nw = h->n_workers < VIO4WD_CNT_MAX_WORKERS ? h->n_workers : VIO4WD_CNT_MAX_WORKERS;
    for (unsigned i = 0; i < nw; i++) {
        const struct vio4wd_cnt_worker *w = &cur->worker[i];
        struct tool_worker_row *row = &view->workers[view->n_workers++];
        row->cpu = w->cpu;
        row->numa = w->numa_node;
        row->n_dirs = w->n_dirs;
        row->busy_cycles = w->busy_cycles;
        row->idle_cycles = w->idle_cycles;
        if (prev && secs > 0 && prev->worker[i].cpu == w->cpu) {
            double load = (double)(w->busy_cycles - prev->worker[i].busy_cycles) /
                          (secs * hz);
            /* A worker publishes its cycles in batches; clip the skew. */
            row->load = load < 0 ? 0 : load > 1 ? 1 : load;
        }
    }
    qsort(view->workers, view->n_workers, sizeof(view->workers[0]), cmp_worker);

    unsigned nr = h->max_relays < VIO4WD_CNT_MAX_RELAYS ? h->max_relays : VIO4WD_CNT_MAX_RELAYS;
    for (unsigned i = 0; i < nr; i++) {
        const struct vio4wd_cnt_relay *r = &cur->relay[i];
        if (!(r->flags & VIO4WD_RELAY_IN_USE))
            continue;
        struct tool_relay_row *row = &view->relays[view->n_relays++];
        row->id = r->id;
        row->numa = r->numa_node;
        row->flags = r->flags;
        memcpy(row->vf_dev, r->vf_dev, sizeof(row->vf_dev));
        row->vf_dev[sizeof(row->vf_dev) - 1] = '\0';
        memcpy(row->vhost_path, r->vhost_path, sizeof(row->vhost_path));
        row->vhost_path[sizeof(row->vhost_path) - 1] = '\0';
        const struct vio4wd_cnt_relay *pr = prev ? &prev->relay[i] : NULL;
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            build_dir(pr ? &pr->dir[d] : NULL, &r->dir[d], (enum vio4wd_dir)d, prev, cur, secs,
                      &row->dir[d]);
            build_queues(prev, cur, i, (unsigned)d, secs, &row->dir[d]);
        }
        row->dir[VIO4WD_DIR_VF_TO_VM].vf_rx_missed = r->vf.imissed;
        row->dir[VIO4WD_DIR_VF_TO_VM].vf_rx_nombuf = r->vf.rx_nombuf;
        row->dir[VIO4WD_DIR_VM_TO_VF].vf_tx_error = r->vf.oerrors;
    }
}

struct tool_reader *tool_reader_new(const struct tool_common *tc)
{
    struct tool_reader *r = calloc(1, sizeof(*r));
    if (r)
        r->tc = tc;
    return r;
}

void tool_reader_free(struct tool_reader *r)
{
    if (!r)
        return;
    vio4wd_counters_close(r->c);
    free(r);
}

static void reader_drop(struct tool_reader *r)
{
    vio4wd_counters_close(r->c);
    r->c = NULL;
    r->have_prev = false;
}

int tool_reader_next(struct tool_reader *r, struct tool_view *view, char *err, size_t errlen)
{
    char why[512];

    if (r->c && vio4wd_counters_stale(r->c))
        reader_drop(r);
    if (!r->c) {
        r->c = vio4wd_counters_open(r->tc->counters, why, sizeof(why));
        if (!r->c) {
            snprintf(err, errlen, "%s; is virtio-forwarder running, and is %s its run "
                     "directory (--counters)?", why, r->tc->counters);
            return -1;
        }
    }
    /* A relay killed with SIGKILL leaves its file behind, frozen: never
     * show those counters as a live relay at 0% load. */
    if (vio4wd_counters_writer_gone(r->c, why, sizeof(why))) {
        snprintf(err, errlen, "%s; start virtio-forwarder again (%s)", why, r->tc->counters);
        reader_drop(r);
        return -1;
    }
    int next = r->cur ^ 1;
    if (vio4wd_counters_snapshot(r->c, &r->snap[next]) != 0) {
        snprintf(err, errlen, "%s: the relay's counters stay mid-update; did it die?",
                 r->tc->counters);
        reader_drop(r);
        return -1;
    }
    tool_view_build(r->have_prev ? &r->snap[r->cur] : NULL, &r->snap[next], view);
    r->cur = next;
    r->have_prev = true;
    return 0;
}

int tool_read_view(const struct tool_common *tc, double window, struct tool_view *view,
                   char *err, size_t errlen)
{
    struct tool_reader *r = tool_reader_new(tc);
    int rc = -1;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Two tries: a relay that restarts between the snapshots gives a new
     * file, and the second try measures the new one. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (tool_reader_next(r, view, err, errlen) != 0)
            break;
        if (window <= 0) {
            rc = 0;
            break;
        }
        tool_sleep(window, NULL);
        if (tool_reader_next(r, view, err, errlen) != 0)
            break;
        if (view->interval_s > 0) {
            rc = 0;
            break;
        }
        snprintf(err, errlen, "%s: the relay restarted twice while reading; try again",
                 tc->counters);
    }
    tool_reader_free(r);
    return rc;
}

void tool_view_filter(struct tool_view *view, const unsigned *ids, size_t n,
                      bool include_inactive)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < view->n_relays; i++) {
        bool want = n == 0 && (include_inactive ||
                               (view->relays[i].flags &
                                (VIO4WD_RELAY_VF_READY | VIO4WD_RELAY_GUEST_UP)));
        for (size_t j = 0; j < n && !want; j++)
            want = view->relays[i].id == ids[j];
        if (want)
            view->relays[kept++] = view->relays[i];
    }
    view->n_relays = kept;
}

const struct tool_worker_row *tool_view_worker(const struct tool_view *view, unsigned cpu)
{
    for (unsigned i = 0; i < view->n_workers; i++)
        if (view->workers[i].cpu == cpu)
            return &view->workers[i];
    return NULL;
}

/* ---- table -------------------------------------------------------------- */

void tool_si(double value, char *buf, size_t buflen)
{
    static const char suffix[] = {'\0', 'k', 'M', 'G', 'T', 'P'};
    unsigned i = 0;

    if (!isfinite(value) || value < 0)
        value = 0;
    while (value >= 999.95 && i + 1 < sizeof(suffix)) {
        value /= 1000;
        i++;
    }
    if (i == 0)
        snprintf(buf, buflen, "%.0f", value);
    else
        snprintf(buf, buflen, value < 9.995 ? "%.2f%c" : value < 99.95 ? "%.1f%c" : "%.0f%c",
                 value, suffix[i]);
}

const char *tool_relay_state(uint32_t flags)
{
    if ((flags & VIO4WD_RELAY_ACTIVE) == VIO4WD_RELAY_ACTIVE)
        return "active";
    if (flags & VIO4WD_RELAY_GUEST_UP)
        return "no VF";
    if (flags & VIO4WD_RELAY_VF_READY)
        return "no guest";
    return "idle";
}

/* The queues of the directions that have more than one: received packets
 * and rate per queue pair, to see how the guest or the VF spread traffic. */
static void print_queues(FILE *out, const struct tool_view *view)
{
    bool header = false;
    char pk[16], pps[16];

    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct tool_dir_row *x = &view->relays[i].dir[d];
            if (x->n_queues < 2)
                continue;
            if (!header)
                fprintf(out, "\n%5s %-6s %5s %7s %7s\n", "RELAY", "DIR", "QUEUE", "RX", "RX/s");
            header = true;
            for (unsigned q = 0; q < x->n_queues; q++) {
                tool_si((double)x->queue[q].rx_pkts, pk, sizeof(pk));
                tool_si(x->queue[q].rx_pps, pps, sizeof(pps));
                fprintf(out, "%5u %-6s %5u %7s %7s\n", view->relays[i].id, vio4wd_dir_arrow(d), q,
                        pk, pps);
            }
        }
}

void tool_print_table(FILE *out, const struct tool_view *view)
{
    char rxp[16], rxb[16], txp[16], txb[16], full[16], nc[16], vfd[16], rl[16], lim[16];
    char cpu[16];

    fprintf(out, "%5s %4s %-8s %-6s %4s %6s %7s %7s %7s %7s %7s %7s %7s %7s %7s %5s  %s\n",
            "RELAY", "NODE", "STATE", "DIR", "CPU", "LOAD", "RX/s", "RXbit/s", "TX/s", "TXbit/s",
            "FULL", "NOCONN", "VFDROP", "RATELIM", "LIMIT", "MIGR", "VF / VHOST");
    for (unsigned i = 0; i < view->n_relays; i++) {
        const struct tool_relay_row *r = &view->relays[i];
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct tool_dir_row *x = &r->dir[d];
            tool_si(x->rx_pps, rxp, sizeof(rxp));
            tool_si(x->rx_Bps * 8, rxb, sizeof(rxb));
            tool_si(x->tx_pps, txp, sizeof(txp));
            tool_si(x->tx_Bps * 8, txb, sizeof(txb));
            tool_si((double)x->drop_full_pkts, full, sizeof(full));
            tool_si((double)x->drop_nc_pkts, nc, sizeof(nc));
            tool_si((double)(x->vf_rx_missed + x->vf_rx_nombuf + x->vf_tx_error), vfd,
                    sizeof(vfd));
            tool_si((double)x->drop_rl_pkts, rl, sizeof(rl));
            if (x->rate_limit_Bps)
                tool_si((double)x->rate_limit_Bps * 8, lim, sizeof(lim));
            else
                snprintf(lim, sizeof(lim), "-");
            if (x->cpu >= 0)
                snprintf(cpu, sizeof(cpu), "%d", x->cpu);
            else
                snprintf(cpu, sizeof(cpu), "-");
            const char *dev = d == VIO4WD_DIR_VF_TO_VM ? r->vf_dev : r->vhost_path;
            if (d == 0)
                fprintf(out, "%5u %4d %-8s ", r->id, r->numa, tool_relay_state(r->flags));
            else
                fprintf(out, "%5s %4s %-8s ", "", "", "");
            fprintf(out, "%-6s %4s %5.1f%%%s%6s %7s %7s %7s %7s %7s %7s %7s %7s %5llu  %s\n",
                    vio4wd_dir_arrow(d), cpu, x->load * 100, x->saturated ? "!" : " ", rxp, rxb,
                    txp, txb, full, nc, vfd, rl, lim, (unsigned long long)x->migrations,
                    dev[0] ? dev : "-");
        }
    }
    if (view->n_relays == 0)
        fprintf(out, "(no relay has a VF or a vhost-user socket)\n");
    print_queues(out, view);
    fprintf(out, "\n%10s %4s %6s %4s\n", "WORKER CPU", "NODE", "LOAD", "DIRS");
    for (unsigned i = 0; i < view->n_workers; i++) {
        const struct tool_worker_row *w = &view->workers[i];
        fprintf(out, "%10u %4d %5.1f%% %4u\n", w->cpu, w->numa, w->load * 100, w->n_dirs);
    }
    fprintf(out, "\nRates and loads over %.2f s; LOAD is the share of one core (busy TSC "
            "cycles), '!' marks a saturated direction. FULL, NOCONN and RATELIM are packets "
            "dropped since the relay started (peer queue full, peer not connected, over the "
            "rate limit); VFDROP are those the VF dropped itself (VF->VM: rx ring full or no "
            "mbuf, the relay too slow; VM->VF: transmit errors); LIMIT is the rate limit in "
            "bit/s. The QUEUE table shows what each queue pair received, for directions "
            "with more than one.\n",
            view->interval_s);
}

/* ---- JSON --------------------------------------------------------------- */

/* Doubles as short text, not json-c's 17 digits, and always with a '.' or
 * an exponent so that readers see a float, not an int. 'decimals' < 0:
 * six significant digits (loads); otherwise fixed decimals, so times and
 * rates keep their precision however large they grow. */
static struct json_object *jnum_fmt(double v, int decimals)
{
    char buf[64];

    if (!isfinite(v))
        v = 0;
    if (decimals < 0)
        snprintf(buf, sizeof(buf), "%.6g", v);
    else
        snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    if (!strpbrk(buf, ".e"))
        strcat(buf, ".0");
    return json_object_new_double_s(v, buf);
}

static struct json_object *jnum(double v)
{
    return jnum_fmt(v, -1);
}

static struct json_object *juint(uint64_t v)
{
    return json_object_new_uint64(v);
}

static struct json_object *dir_json(const struct tool_dir_row *x)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "rx_pkts", juint(x->rx_pkts));
    json_object_object_add(o, "rx_bytes", juint(x->rx_bytes));
    json_object_object_add(o, "tx_pkts", juint(x->tx_pkts));
    json_object_object_add(o, "tx_bytes", juint(x->tx_bytes));
    json_object_object_add(o, "drop_full_pkts", juint(x->drop_full_pkts));
    json_object_object_add(o, "drop_full_bytes", juint(x->drop_full_bytes));
    json_object_object_add(o, "drop_nc_pkts", juint(x->drop_nc_pkts));
    json_object_object_add(o, "drop_nc_bytes", juint(x->drop_nc_bytes));
    json_object_object_add(o, "vf_rx_missed", juint(x->vf_rx_missed));
    json_object_object_add(o, "vf_rx_nombuf", juint(x->vf_rx_nombuf));
    json_object_object_add(o, "vf_tx_error", juint(x->vf_tx_error));
    json_object_object_add(o, "drop_rl_pkts", juint(x->drop_rl_pkts));
    json_object_object_add(o, "drop_rl_bytes", juint(x->drop_rl_bytes));
    json_object_object_add(o, "rate_limit_Bps", juint(x->rate_limit_Bps));
    json_object_object_add(o, "rate_burst_bytes", juint(x->rate_burst_bytes));
    json_object_object_add(o, "busy_cycles", juint(x->busy_cycles));
    json_object_object_add(o, "migrations", juint(x->migrations));
    json_object_object_add(o, "rx_pps", jnum_fmt(x->rx_pps, 1));
    json_object_object_add(o, "rx_Bps", jnum_fmt(x->rx_Bps, 1));
    json_object_object_add(o, "tx_pps", jnum_fmt(x->tx_pps, 1));
    json_object_object_add(o, "tx_Bps", jnum_fmt(x->tx_Bps, 1));
    json_object_object_add(o, "drop_pps", jnum_fmt(x->drop_pps, 1));
    json_object_object_add(o, "demand", jnum(x->demand));
    json_object_object_add(o, "saturated", json_object_new_boolean(x->saturated));
    struct json_object *queues = json_object_new_array();
    for (unsigned q = 0; q < x->n_queues; q++) {
        struct json_object *qo = json_object_new_object();
        json_object_object_add(qo, "queue", json_object_new_int64(q));
        json_object_object_add(qo, "rx_pkts", juint(x->queue[q].rx_pkts));
        json_object_object_add(qo, "rx_bytes", juint(x->queue[q].rx_bytes));
        json_object_object_add(qo, "rx_pps", jnum_fmt(x->queue[q].rx_pps, 1));
        json_object_array_add(queues, qo);
    }
    json_object_object_add(o, "queues", queues);
    return o;
}

struct json_object *tool_view_to_json(const struct tool_view *view)
{
    struct json_object *root = json_object_new_object();
    struct json_object *workers = json_object_new_array();
    struct json_object *winfo = json_object_new_array();
    struct json_object *relays = json_object_new_array();

    /* The trace fields first: t, workers, relays[].{id, numa, cpu, load}. */
    json_object_object_add(root, "t", jnum_fmt(view->t, 3));
    json_object_object_add(root, "workers", workers);
    json_object_object_add(root, "relays", relays);
    json_object_object_add(root, "unix_time", jnum_fmt(view->unix_time, 3));
    json_object_object_add(root, "interval", jnum(view->interval_s));
    json_object_object_add(root, "epoch", juint(view->epoch));
    json_object_object_add(root, "pid", json_object_new_int64(view->pid));
    json_object_object_add(root, "tsc_hz", juint(view->tsc_hz));
    json_object_object_add(root, "worker_info", winfo);

    for (unsigned i = 0; i < view->n_workers; i++) {
        const struct tool_worker_row *w = &view->workers[i];
        json_object_array_add(workers, json_object_new_int64(w->cpu));
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "cpu", json_object_new_int64(w->cpu));
        json_object_object_add(o, "numa", json_object_new_int(w->numa));
        json_object_object_add(o, "load", jnum(w->load));
        json_object_object_add(o, "dirs", json_object_new_int64(w->n_dirs));
        json_object_object_add(o, "busy_cycles", juint(w->busy_cycles));
        json_object_object_add(o, "idle_cycles", juint(w->idle_cycles));
        json_object_array_add(winfo, o);
    }
    for (unsigned i = 0; i < view->n_relays; i++) {
        const struct tool_relay_row *r = &view->relays[i];
        struct json_object *o = json_object_new_object();
        struct json_object *cpu = json_object_new_object();
        struct json_object *load = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(r->id));
        json_object_object_add(o, "numa", json_object_new_int(r->numa));
        json_object_object_add(o, "cpu", cpu);
        json_object_object_add(o, "load", load);
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            json_object_object_add(cpu, vio4wd_dir_name(d), json_object_new_int(r->dir[d].cpu));
            json_object_object_add(load, vio4wd_dir_name(d), jnum(r->dir[d].load));
        }
        json_object_object_add(o, "active", json_object_new_boolean(
            (r->flags & VIO4WD_RELAY_ACTIVE) == VIO4WD_RELAY_ACTIVE));
        json_object_object_add(o, "state", json_object_new_string(tool_relay_state(r->flags)));
        json_object_object_add(o, "vf", json_object_new_string(r->vf_dev));
        json_object_object_add(o, "vhost", json_object_new_string(r->vhost_path));
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
            json_object_object_add(o, vio4wd_dir_name(d), dir_json(&r->dir[d]));
        json_object_array_add(relays, o);
    }
    return root;
}

/* ---- the scheduler ------------------------------------------------------ */

/* True when /proc/<pid>/comm names the scheduler (the kernel keeps 15
 * characters of it). */
bool tool_is_scheduler(long pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(comm, sizeof(comm), f) != NULL;
    fclose(f);
    return ok && strncmp(comm, TOOL_SCHED_NAME, 15) == 0;
}

static long pid_from_file(const char *dir)
{
    char path[VIO4WD_PATH_MAX + 64];
    long pid = 0;

    snprintf(path, sizeof(path), "%s/%s.pid", dir, TOOL_SCHED_NAME);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return pid > 0 && tool_is_scheduler(pid) ? pid : 0;
}

long tool_find_scheduler(const char *pid_dir)
{
    long pid = 0;

    if (pid_dir && *pid_dir)
        pid = pid_from_file(pid_dir);
    if (!pid)
        pid = pid_from_file(TOOL_DEFAULT_RUN_DIR);
    if (pid)
        return pid;
    /* No pid file (started by hand, or another pid directory): look for
     * the process itself. */
    DIR *proc = opendir("/proc");
    if (!proc)
        return 0;
    for (struct dirent *e; (e = readdir(proc)) != NULL;) {
        char *end;
        long p = strtol(e->d_name, &end, 10);
        if (*end == '\0' && p > 0 && p != (long)getpid() && tool_is_scheduler(p)) {
            pid = p;
            break;
        }
    }
    closedir(proc);
    return pid;
}
