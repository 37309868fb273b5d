/* SPDX-License-Identifier: BSD-3-Clause */
/* The final report: a table for people, one JSON object for scripts.
 * Pure C, no DPDK. */
#include "lg_stats.h"

#include <stdio.h>
#include <string.h>

void lg_stream_sum(const struct lg_stream_stats *s, struct lg_stream_sum *sum)
{
    memset(sum, 0, sizeof(*sum));
    for (unsigned k = 0; k < s->nq; k++) {
        const struct lg_queue_stats *q = &s->q[k];

        sum->received += q->seq.received;
        sum->unique += q->seq.unique;
        sum->lost += lg_seq_missing(&q->seq, q->sent);
        sum->duplicated += q->seq.duplicated;
        sum->reordered += q->seq.reordered;
        sum->out_of_window += q->seq.out_of_window;
    }
}

int lg_report_clean(const struct lg_config *cfg, const struct lg_relay_stats *st)
{
    for (unsigned i = 0; i < cfg->nrelays; i++) {
        if (st[i].misrouted || st[i].invalid)
            return 0;
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            struct lg_stream_sum sum;

            lg_stream_sum(&st[i].dir[d], &sum);
            if (sum.lost || sum.duplicated || sum.reordered || sum.out_of_window ||
                st[i].dir[d].bogus)
                return 0;
        }
    }
    return 1;
}

static double lat_avg(const struct lg_stream_stats *s)
{
    return s->lat_n ? s->lat_sum_us / (double)s->lat_n : 0;
}

void lg_report_table(FILE *out, const struct lg_config *cfg, const struct lg_relay_stats *st,
                     const struct lg_report_info *info)
{
    uint64_t tsent = 0, trecv = 0, tlost = 0, tdup = 0, treord = 0;

    fprintf(out, "vio4wd-loadgen: sent for %.3f s%s, drained for %.3f s\n", info->send_s,
            info->interrupted ? " (stopped by signal)" : "", info->drain_s);
    fprintf(out, "%5s %-8s %9s %12s %12s %12s %10s %8s %8s %8s %8s %17s %26s\n", "relay", "dir",
            "rate/s", "target", "sent", "received", "lost", "dup", "reorder", "late", "missed",
            "latency us avg/max", "latency us p50/p99/p99.9");
    for (unsigned i = 0; i < cfg->nrelays; i++) {
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const struct lg_stream_stats *s = &st[i].dir[d];
            struct lg_stream_sum sum;
            char rate[32], lat[40], pct[64];

            lg_stream_sum(s, &sum);
            if (!cfg->relay[i].enabled[d] && sum.received == 0)
                continue;
            lg_format_rate(info->send_s > 0 ? (double)s->sent / info->send_s : 0, rate,
                           sizeof(rate));
            snprintf(lat, sizeof(lat), "%.1f/%.1f", lat_avg(s), s->lat_max_us);
            snprintf(pct, sizeof(pct), "%.1f/%.1f/%.1f", lg_lat_quantile_ns(&s->lat, 0.5) / 1e3,
                     lg_lat_quantile_ns(&s->lat, 0.99) / 1e3,
                     lg_lat_quantile_ns(&s->lat, 0.999) / 1e3);
            fprintf(out,
                    "%5u %-8s %9s %12llu %12llu %12llu %10llu %8llu %8llu "
                    "%8llu %8llu %17s %26s\n",
                    cfg->relay[i].id, vio4wd_dir_name(d), rate, (unsigned long long)s->target,
                    (unsigned long long)s->sent, (unsigned long long)sum.received,
                    (unsigned long long)sum.lost, (unsigned long long)sum.duplicated,
                    (unsigned long long)sum.reordered, (unsigned long long)s->late,
                    (unsigned long long)s->missed, lat, pct);
            if (sum.out_of_window || s->bogus)
                fprintf(out,
                        "      %u %s: %llu beyond the reorder window, "
                        "%llu with a sequence never sent\n",
                        cfg->relay[i].id, vio4wd_dir_name(d), (unsigned long long)sum.out_of_window,
                        (unsigned long long)s->bogus);
            tsent += s->sent;
            trecv += sum.received;
            tlost += sum.lost;
            tdup += sum.duplicated;
            treord += sum.reordered;
        }
        if (st[i].reconnects)
            fprintf(out, "      relay %u: the relay reconnected %llu times\n", cfg->relay[i].id,
                    (unsigned long long)st[i].reconnects);
        if (st[i].invalid || st[i].misrouted)
            fprintf(out,
                    "      relay %u: %llu packets not from the generator, "
                    "%llu of another relay or direction\n",
                    cfg->relay[i].id, (unsigned long long)st[i].invalid,
                    (unsigned long long)st[i].misrouted);
    }
    fprintf(out, "%5s %-8s %9s %12s %12llu %12llu %10llu %8llu %8llu\n", "total", "", "", "",
            (unsigned long long)tsent, (unsigned long long)trecv, (unsigned long long)tlost,
            (unsigned long long)tdup, (unsigned long long)treord);
    fprintf(out, "result: %s\n",
            lg_report_clean(cfg, st) ? "CLEAN (nothing "
                                       "lost, duplicated or reordered)"
                                     : "NOT CLEAN");
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* Per queue: enough to see that traffic was spread and where it went
 * wrong; the stream's own fields are the sums. */
static void json_queues(FILE *out, const struct lg_stream_stats *s)
{
    fputs(",\"queues\":[", out);
    for (unsigned k = 0; k < s->nq; k++) {
        const struct lg_queue_stats *q = &s->q[k];

        fprintf(out,
                "%s{\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
                "\"duplicated\":%llu,\"reordered\":%llu}",
                k ? "," : "", (unsigned long long)q->sent, (unsigned long long)q->seq.received,
                (unsigned long long)lg_seq_missing(&q->seq, q->sent),
                (unsigned long long)q->seq.duplicated, (unsigned long long)q->seq.reordered);
    }
    fputc(']', out);
}

static void json_stream(FILE *out, const struct lg_relay_cfg *r, int d,
                        const struct lg_stream_stats *s, double send_s)
{
    struct lg_stream_sum sum;
    char prof[512];

    lg_stream_sum(s, &sum);
    lg_profile_describe(&r->prof[d], prof, sizeof(prof));
    fprintf(out, "{\"enabled\":%s,\"profile\":", r->enabled[d] ? "true" : "false");
    json_str(out, prof);
    fprintf(out,
            ",\"target\":%llu,\"sent\":%llu,\"received\":%llu,"
            "\"unique\":%llu,\"lost\":%llu,\"duplicated\":%llu,"
            "\"reordered\":%llu,\"late\":%llu,\"out_of_window\":%llu,"
            "\"bogus\":%llu,\"missed\":%llu,\"tx_full\":%llu,"
            "\"probes_sent\":%llu,\"probes_back\":%llu,"
            "\"rate_pps\":%.1f,\"latency_us\":{\"min\":%.2f,\"avg\":%.2f,"
            "\"max\":%.2f,\"p50\":%.2f,\"p99\":%.2f,\"p99_9\":%.2f}",
            (unsigned long long)s->target, (unsigned long long)s->sent,
            (unsigned long long)sum.received, (unsigned long long)sum.unique,
            (unsigned long long)sum.lost, (unsigned long long)sum.duplicated,
            (unsigned long long)sum.reordered, (unsigned long long)s->late,
            (unsigned long long)sum.out_of_window, (unsigned long long)s->bogus,
            (unsigned long long)s->missed, (unsigned long long)s->tx_full,
            (unsigned long long)s->probes_sent, (unsigned long long)s->probes_back,
            send_s > 0 ? (double)s->sent / send_s : 0.0, s->lat_n ? s->lat_min_us : 0.0, lat_avg(s),
            s->lat_max_us, lg_lat_quantile_ns(&s->lat, 0.5) / 1e3,
            lg_lat_quantile_ns(&s->lat, 0.99) / 1e3, lg_lat_quantile_ns(&s->lat, 0.999) / 1e3);
    json_queues(out, s);
    fputc('}', out);
}

void lg_report_json(FILE *out, const struct lg_config *cfg, const struct lg_relay_stats *st,
                    const struct lg_report_info *info)
{
    uint64_t tsent = 0, trecv = 0, tlost = 0, tdup = 0, treord = 0;
    static struct lg_lat all; /* every stream's latency (9 KiB: not on the stack) */
    unsigned i;
    int d;

    memset(&all, 0, sizeof(all));
    for (i = 0; i < cfg->nrelays; i++)
        for (d = 0; d < VIO4WD_DIR_COUNT; d++) {
            struct lg_stream_sum sum;

            lg_lat_merge(&all, &st[i].dir[d].lat);
            lg_stream_sum(&st[i].dir[d], &sum);
            tsent += st[i].dir[d].sent;
            trecv += sum.received;
            tlost += sum.lost;
            tdup += sum.duplicated;
            treord += sum.reordered;
        }

    fprintf(out,
            "{\"version\":1,\"duration_s\":%g,\"grace_s\":%g,"
            "\"send_s\":%.6f,\"drain_s\":%.6f,\"interrupted\":%s,\"clean\":%s,"
            "\"totals\":{\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
            "\"duplicated\":%llu,\"reordered\":%llu,\"latency_us\":{\"p50\":%.2f,"
            "\"p99\":%.2f,\"p99_9\":%.2f,\"max\":%.2f}},\"relays\":[",
            cfg->duration, cfg->grace, info->send_s, info->drain_s,
            info->interrupted ? "true" : "false", lg_report_clean(cfg, st) ? "true" : "false",
            (unsigned long long)tsent, (unsigned long long)trecv, (unsigned long long)tlost,
            (unsigned long long)tdup, (unsigned long long)treord,
            lg_lat_quantile_ns(&all, 0.5) / 1e3, lg_lat_quantile_ns(&all, 0.99) / 1e3,
            lg_lat_quantile_ns(&all, 0.999) / 1e3, (double)all.max_ns / 1e3);
    for (i = 0; i < cfg->nrelays; i++) {
        const struct lg_relay_cfg *r = &cfg->relay[i];

        fprintf(out, "%s{\"id\":%u,\"socket\":", i ? "," : "", r->id);
        json_str(out, r->socket);
        fprintf(out, ",\"server\":%s,\"vf\":", r->server ? "true" : "false");
        json_str(out, r->vf_dev);
        fprintf(out,
                ",\"size\":%u,\"queues\":%u,\"invalid\":%llu,"
                "\"misrouted\":%llu,\"reconnects\":%llu",
                r->size, r->queues, (unsigned long long)st[i].invalid,
                (unsigned long long)st[i].misrouted, (unsigned long long)st[i].reconnects);
        for (d = 0; d < VIO4WD_DIR_COUNT; d++) {
            fprintf(out, ",\"%s\":", vio4wd_dir_name(d));
            json_stream(out, r, d, &st[i].dir[d], info->send_s);
        }
        fputc('}', out);
    }
    fprintf(out, "]}\n");
}
