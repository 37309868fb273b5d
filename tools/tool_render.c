/* SPDX-License-Identifier: BSD-3-Clause */
/* tool_render.c - the table and JSON forms of a view (tool_render.h). */
#include "tool_render.h"

#include <math.h>
#include <string.h>

#include "direction.h"

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
        snprintf(buf, buflen,
                 value < 9.995   ? "%.2f%c"
                 : value < 99.95 ? "%.1f%c"
                                 : "%.0f%c",
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

/* Handover pauses of the directions that migrated: how many, the mean,
 * the last and the longest, in microseconds. */
static void print_pauses(FILE *out, const struct tool_view *view)
{
    bool header = false;

    for (unsigned i = 0; i < view->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct tool_dir_row *x = &view->relays[i].dir[d];
            if (!x->pause_count)
                continue;
            if (!header)
                fprintf(out, "\n%5s %-6s %7s %10s %10s %10s  (handover pauses, us)\n", "RELAY",
                        "DIR", "PAUSES", "MEAN", "LAST", "MAX");
            header = true;
            fprintf(out, "%5u %-6s %7llu %10.1f %10.1f %10.1f\n", view->relays[i].id,
                    vio4wd_dir_arrow(d), (unsigned long long)x->pause_count,
                    x->pause_sum_us / (double)x->pause_count, x->pause_last_us, x->pause_max_us);
        }
}

void tool_print_table(FILE *out, const struct tool_view *view)
{
    char rxp[16], rxb[16], txp[16], txb[16], full[16], nc[16], vfd[16], rl[16], lim[16];
    char cpu[16];

    fprintf(out, "%5s %4s %-8s %-6s %4s %6s %7s %7s %7s %7s %7s %7s %7s %7s %7s %5s  %s\n", "RELAY",
            "NODE", "STATE", "DIR", "CPU", "LOAD", "RX/s", "RXbit/s", "TX/s", "TXbit/s", "FULL",
            "NOCONN", "VFDROP", "RATELIM", "LIMIT", "MIGR", "VF / VHOST");
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
            tool_si((double)(x->vf_rx_missed + x->vf_rx_nombuf + x->vf_tx_error), vfd, sizeof(vfd));
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
    print_pauses(out, view);
    fprintf(out, "\n%10s %4s %6s %4s %-6s %6s\n", "WORKER CPU", "NODE", "LOAD", "DIRS", "STATE",
            "ASLEEP");
    for (unsigned i = 0; i < view->n_workers; i++) {
        const struct tool_worker_row *w = &view->workers[i];
        fprintf(out, "%10u %4d %5.1f%% %4u %-6s %5.1f%%\n", w->cpu, w->numa, w->load * 100,
                w->n_dirs, w->parked ? "parked" : "active", w->asleep * 100);
    }
    fprintf(out,
            "\nRates and loads over %.2f s; LOAD is the share of one core (busy TSC "
            "cycles), '!' marks a saturated direction. FULL, NOCONN and RATELIM are packets "
            "dropped since the relay started (peer queue full, peer not connected, over the "
            "rate limit); VFDROP are those the VF dropped itself (VF->VM: rx ring full or no "
            "mbuf, the relay too slow; VM->VF: transmit errors); LIMIT is the rate limit in "
            "bit/s. The QUEUE table shows what each queue pair received, for directions "
            "with more than one; the pause table how long each migration left a direction "
            "unserviced.\n",
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
    struct json_object *pause = json_object_new_object();
    struct json_object *hist = json_object_new_array();
    for (unsigned b = 0; b < VIO4WD_CNT_PAUSE_BUCKETS; b++)
        json_object_array_add(hist, juint(x->pause_hist[b]));
    json_object_object_add(pause, "count", juint(x->pause_count));
    json_object_object_add(pause, "max_us", jnum_fmt(x->pause_max_us, 3));
    json_object_object_add(pause, "last_us", jnum_fmt(x->pause_last_us, 3));
    json_object_object_add(pause, "sum_us", jnum_fmt(x->pause_sum_us, 3));
    json_object_object_add(pause, "hist", hist);
    json_object_object_add(o, "handover_pause", pause);
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
        json_object_object_add(o, "parked", json_object_new_boolean(w->parked));
        json_object_object_add(o, "sleep_cycles", juint(w->sleep_cycles));
        json_object_object_add(o, "asleep", jnum(w->asleep));
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
        json_object_object_add(
            o, "active",
            json_object_new_boolean((r->flags & VIO4WD_RELAY_ACTIVE) == VIO4WD_RELAY_ACTIVE));
        json_object_object_add(o, "state", json_object_new_string(tool_relay_state(r->flags)));
        json_object_object_add(o, "vf", json_object_new_string(r->vf_dev));
        json_object_object_add(o, "vhost", json_object_new_string(r->vhost_path));
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
            json_object_object_add(o, vio4wd_dir_name(d), dir_json(&r->dir[d]));
        json_object_array_add(relays, o);
    }
    return root;
}
