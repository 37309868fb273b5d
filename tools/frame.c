/* SPDX-License-Identifier: BSD-3-Clause */
/* frame.c - monitor_load's screen layout; see frame.h. */
#include "frame.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* "CPU 123 |" before the bar, "| 100.0% HIGH" or "|   0.0% parked" after it. */
#define BAR_PREFIX 9
#define BAR_SUFFIX 15

unsigned char frame_level(double load)
{
    return load >= FRAME_HIGH ? FA_HIGH : load >= FRAME_WARN ? FA_WARN : FA_OK;
}

static struct frame_line *new_line(struct frame *f)
{
    if (f->n_lines >= FRAME_MAX_LINES)
        return NULL;
    struct frame_line *l = &f->lines[f->n_lines++];
    l->len = 0;
    l->text[0] = '\0';
    return l;
}

/* Appends text with one attribute, cut at the frame width. */
__attribute__((format(printf, 4, 5))) static void put(struct frame *f, struct frame_line *l,
                                                      unsigned char attr, const char *fmt, ...)
{
    char buf[FRAME_MAX_COLS + 1];
    va_list ap;

    if (!l)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p && l->len < f->width; p++) {
        l->text[l->len] = *p;
        l->attr[l->len] = attr;
        l->len++;
    }
    l->text[l->len] = '\0';
}

/* A direction served by a worker. */
struct seg {
    unsigned relay;
    int dir;
    double load;
};

static unsigned worker_segments(const struct tool_view *v, unsigned cpu, struct seg *segs,
                                unsigned max)
{
    unsigned n = 0;
    /* Relay order, VF->VM first: segments keep their place from frame to
     * frame instead of jumping around as loads change. */
    for (unsigned i = 0; i < v->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
            if (v->relays[i].dir[d].cpu == (int)cpu && n < max)
                segs[n++] = (struct seg){v->relays[i].id, d, v->relays[i].dir[d].load};
    return n;
}

static unsigned cells(double load, unsigned width)
{
    if (!(load > 0))
        return 0;
    if (load > 1)
        load = 1;
    return (unsigned)lround(load * width);
}

void frame_bar(const struct tool_view *view, const struct tool_worker_row *worker, unsigned width,
               char *text, unsigned char *attr)
{
    struct seg segs[2 * VIO4WD_CNT_MAX_RELAYS];
    unsigned n = worker_segments(view, worker->cpu, segs, 2 * VIO4WD_CNT_MAX_RELAYS);
    unsigned char level = frame_level(worker->load);
    double cum = 0;
    unsigned pos = 0;

    memset(text, ' ', width);
    memset(attr, FA_PLAIN, width);
    /* Segment ends come from the running sum, so rounding never adds up
     * past the total and a full core is exactly the full bar. */
    for (unsigned i = 0; i < n; i++) {
        cum += segs[i].load;
        unsigned end = cells(cum, width);
        if (end <= pos)
            continue;
        char label[16];
        int ll = snprintf(label, sizeof(label), "%u", segs[i].relay);
        bool show = ll > 0 && (unsigned)ll < end - pos; /* room for one fill char */
        for (unsigned c = pos; c < end; c++) {
            unsigned k = c - pos;
            if (show && k < (unsigned)ll) {
                text[c] = label[k];
                attr[c] = level | FA_BAR | FA_BOLD;
            } else {
                text[c] = segs[i].dir == VIO4WD_DIR_VF_TO_VM ? '>' : '<';
                attr[c] = level | FA_BAR;
            }
        }
        pos = end;
    }
    /* Busy time outside any direction's bursts: polling, handovers. */
    unsigned end = cells(worker->load, width);
    for (; pos < end; pos++) {
        text[pos] = '+';
        attr[pos] = level | FA_BAR;
    }
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void render_worker(const struct tool_view *v, const struct tool_worker_row *w,
                          struct frame *f)
{
    unsigned bar_w = f->width > BAR_PREFIX + BAR_SUFFIX + FRAME_MIN_BAR
                         ? f->width - BAR_PREFIX - BAR_SUFFIX
                         : FRAME_MIN_BAR;
    char text[FRAME_MAX_COLS];
    unsigned char attr[FRAME_MAX_COLS];
    unsigned char level = frame_level(w->load);

    if (bar_w > FRAME_MAX_COLS)
        bar_w = FRAME_MAX_COLS;
    frame_bar(v, w, bar_w, text, attr);

    struct frame_line *l = new_line(f);
    put(f, l, FA_BOLD, "CPU %3u ", w->cpu);
    put(f, l, FA_PLAIN, "|");
    for (unsigned i = 0; i < bar_w && l && l->len < f->width; i++) {
        l->text[l->len] = text[i];
        l->attr[l->len] = attr[i];
        l->len++;
    }
    if (l)
        l->text[l->len] = '\0';
    put(f, l, FA_PLAIN, "|");
    /* The word matters on a terminal without colour. */
    put(f, l, level | FA_BOLD, " %5.1f%%%s", w->load * 100,
        level == FA_HIGH   ? " HIGH"
        : level == FA_WARN ? " warm"
                           : "");
    /* A parked worker blocks and uses no CPU until a migration wakes it. */
    if (w->parked)
        put(f, l, FA_BOLD, " parked");

    /* The legend: which relay direction is which segment, with numbers. */
    struct seg segs[2 * VIO4WD_CNT_MAX_RELAYS];
    unsigned n = worker_segments(v, w->cpu, segs, 2 * VIO4WD_CNT_MAX_RELAYS);
    l = new_line(f);
    put(f, l, FA_PLAIN, "%9s", "");
    if (n == 0)
        put(f, l, FA_PLAIN, "(no relay directions)");
    for (unsigned i = 0; i < n; i++)
        put(f, l, FA_PLAIN, "%s%u:%s %.1f%%", i ? "  " : "", segs[i].relay,
            vio4wd_dir_arrow(segs[i].dir), segs[i].load * 100);
}

static void fmt_uptime(double t, char *buf, size_t len)
{
    unsigned long s = t > 0 ? (unsigned long)t : 0;
    if (s >= 86400)
        snprintf(buf, len, "%lud%02lu:%02lu:%02lu", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

void frame_render(const struct tool_view *v, unsigned width, double interval, struct frame *f)
{
    double pps = 0, Bps = 0, drops = 0;
    uint64_t migrations = 0;
    char up[32];

    f->width = width < 40 ? 40 : width > FRAME_MAX_COLS ? FRAME_MAX_COLS : width;
    f->n_lines = 0;
    for (unsigned i = 0; i < v->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            pps += v->relays[i].dir[d].tx_pps;
            Bps += v->relays[i].dir[d].tx_Bps;
            drops += v->relays[i].dir[d].drop_pps;
            migrations += v->relays[i].dir[d].new_migrations;
        }
    fmt_uptime(v->t, up, sizeof(up));

    struct frame_line *l = new_line(f);
    put(f, l, FA_BOLD, "vio4wd monitor_load");
    put(f, l, FA_PLAIN, "  relay pid %u, up %s, every %.1f s, q quits", v->pid, up, interval);
    l = new_line(f);
    put(f, l, FA_BOLD, "total %.2f Mpps %.2f Gbps", pps / 1e6, Bps * 8 / 1e9);
    put(f, l, drops > 0 ? FA_WARN | FA_BOLD : FA_PLAIN, "  drops %.2f Mpps", drops / 1e6);
    put(f, l, migrations ? FA_WARN | FA_BOLD : FA_PLAIN, "  migrations since last frame: %llu",
        (unsigned long long)migrations);
    l = new_line(f);
    put(f, l, FA_PLAIN,
        "bar = one core; segments: relay id then '>' VF->VM, '<' VM->VF; "
        "'+' other busy");

    /* Workers grouped by NUMA node, nodes in order. */
    int nodes[VIO4WD_CNT_MAX_WORKERS];
    unsigned n_nodes = 0;
    for (unsigned i = 0; i < v->n_workers; i++) {
        bool seen = false;
        for (unsigned j = 0; j < n_nodes && !seen; j++)
            seen = nodes[j] == v->workers[i].numa;
        if (!seen)
            nodes[n_nodes++] = v->workers[i].numa;
    }
    qsort(nodes, n_nodes, sizeof(nodes[0]), cmp_int);
    for (unsigned j = 0; j < n_nodes; j++) {
        double sum = 0;
        unsigned count = 0, parked = 0;
        for (unsigned i = 0; i < v->n_workers; i++)
            if (v->workers[i].numa == nodes[j]) {
                sum += v->workers[i].load;
                count++;
                parked += v->workers[i].parked;
            }
        new_line(f);
        l = new_line(f);
        if (nodes[j] >= 0)
            put(f, l, FA_BOLD, "NUMA node %d", nodes[j]);
        else
            put(f, l, FA_BOLD, "NUMA node unknown");
        put(f, l, FA_PLAIN, "  %u worker%s, %u active, %u parked, %.2f cores busy", count,
            count == 1 ? "" : "s", count - parked, parked, sum);
        for (unsigned i = 0; i < v->n_workers; i++)
            if (v->workers[i].numa == nodes[j])
                render_worker(v, &v->workers[i], f);
    }
    if (v->n_workers == 0) {
        new_line(f);
        put(f, new_line(f), FA_PLAIN, "(the relay has no worker CPUs yet)");
    }

    /* Directions that no worker serves would otherwise be invisible. */
    l = NULL;
    for (unsigned i = 0; i < v->n_relays; i++)
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            int cpu = v->relays[i].dir[d].cpu;
            if (cpu >= 0 && tool_view_worker(v, (unsigned)cpu))
                continue;
            if (!l) {
                new_line(f);
                l = new_line(f);
                put(f, l, FA_BOLD, "not on a worker:");
            }
            put(f, l, FA_PLAIN, " %u:%s", v->relays[i].id, vio4wd_dir_arrow(d));
        }
}

void frame_print(FILE *out, const struct frame *f)
{
    for (unsigned i = 0; i < f->n_lines; i++) {
        unsigned len = f->lines[i].len;
        while (len > 0 && f->lines[i].text[len - 1] == ' ')
            len--;
        fprintf(out, "%.*s\n", (int)len, f->lines[i].text);
    }
}
