/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-monitor-load - live bars of worker load, from the relay's counters.
 *
 * The screen is laid out by frame.c. On a real terminal ncurses draws it:
 * each frame overwrites the lines in place and refresh() sends only the
 * characters that changed, so nothing flickers (the original cleared the
 * whole screen every frame). Without cursor addressing (TERM=dumb, a pipe)
 * or with --once, frames are printed as plain text.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#if HAVE_NCURSES
#include <curses.h>
#endif

#include "tool_options.h"
#include "tool_view.h"
#include "frame.h"

static volatile int g_stop;
static bool g_inactive; /* --include-inactive */

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "Usage: %s [options]\n"
            "Shows the load of each relay worker CPU as a bar, grouped by NUMA node,\n"
            "measured from the busy TSC cycles in the relay's counters. A full bar is\n"
            "one whole core. Each bar is split by the relay directions on that worker:\n"
            "a segment starts with the relay id and is filled with '>' for VF->VM and\n"
            "'<' for VM->VF; '+' is other busy time. High load is coloured (or marked\n"
            "HIGH without colour). A worker marked \"parked\" has no direction and\n"
            "blocks, using no CPU; each node's line counts active and parked workers.\n"
            "Press q to quit.\n"
            "\n"
            "      --poll-interval S  seconds between frames (default 1, 0.1 to 60)\n"
            "      --once             print one frame as text and exit\n"
            "      --width N          columns for text frames (default: the terminal's, or 80)\n"
            "      --no-color         no colours even where the terminal has them\n"
            "      --include-inactive also relays with neither a VF nor a guest\n" TOOL_COMMON_HELP
            "\n"
            "Exit status: 0 done, 1 relay not running, 2 bad usage.\n",
            prog);
}

static unsigned text_width(unsigned requested)
{
    struct winsize ws;

    if (requested)
        return requested;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    unsigned n;
    if (cols && tool_parse_uint(cols, FRAME_MAX_COLS, &n) && n > 0)
        return n;
    return 80;
}

static void print_waiting(FILE *out, const char *msg)
{
    fprintf(out, "vio4wd monitor_load: waiting for the relay\n%s\n", msg);
}

/* Plain frames, one after another: for pipes and dumb terminals. */
static int run_text(struct tool_reader *r, struct tool_view *view, struct frame *f, double interval,
                    unsigned width, bool once)
{
    char err[512];

    /* main() took the first snapshot: each frame covers one interval. */
    for (;;) {
        tool_sleep(interval, &g_stop);
        if (g_stop)
            return 0;
        if (tool_reader_next(r, view, err, sizeof(err)) != 0) {
            if (once) {
                fprintf(stderr, "%s: %s\n", r->tc->prog, err);
                return EXIT_NOT_RUNNING;
            }
            print_waiting(stdout, err);
        } else {
            tool_view_filter(view, NULL, 0, g_inactive);
            frame_render(view, text_width(width), interval, f);
            frame_print(stdout, f);
        }
        if (once)
            return 0;
        printf("\n");
        fflush(stdout);
    }
}

#if HAVE_NCURSES
static bool g_color;

static chtype curses_attr(unsigned char a)
{
    chtype out = (a & FA_BOLD) ? A_BOLD : A_NORMAL;
    unsigned level = a & FA_LEVEL_MASK;

    if (g_color) {
        if (level)
            out |= COLOR_PAIR(level);
        if ((a & FA_BAR) && level)
            out |= A_REVERSE; /* solid coloured bars */
    } else if (level == FA_HIGH) {
        out |= A_REVERSE; /* no colour: high load stands out reversed */
    }
    return out;
}

/* Draws over what is there: every line is rewritten and its tail erased,
 * lines below the frame are erased, and refresh() sends only the
 * differences. No clear(), no erase(). */
static void draw(const struct frame *f)
{
    int rows = LINES, cols = COLS;
    int y = 0;

    for (; y < rows && (unsigned)y < f->n_lines; y++) {
        const struct frame_line *l = &f->lines[y];
        move(y, 0);
        for (unsigned x = 0; x < l->len && (int)x < cols; x++)
            addch((chtype)(unsigned char)l->text[x] | curses_attr(l->attr[x]));
        if ((int)l->len < cols)
            clrtoeol();
    }
    if (y < rows) {
        move(y, 0);
        clrtobot();
    }
    refresh();
}

static void draw_message(struct frame *f, const char *msg)
{
    f->n_lines = 0;
    f->width = (unsigned)COLS < FRAME_MAX_COLS ? (unsigned)COLS : FRAME_MAX_COLS;
    const char *lines[2] = {"vio4wd monitor_load", msg};
    for (int i = 0; i < 2; i++) {
        struct frame_line *l = &f->lines[f->n_lines++];
        snprintf(l->text, sizeof(l->text), "%.*s", (int)f->width, lines[i]);
        l->len = (unsigned)strlen(l->text);
        memset(l->attr, i == 0 ? FA_BOLD : FA_PLAIN, l->len);
    }
    draw(f);
}

/* Returns true when ncurses ran (false: fall back to text). */
static bool run_curses(struct tool_reader *r, struct tool_view *view, struct frame *f,
                       double interval, bool no_color, int *rc)
{
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
        return false;
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr)
        return false;
    /* A terminal that cannot move the cursor would need full redraws. */
    char *cup = tigetstr("cup");
    if (cup == NULL || cup == (char *)-1) {
        endwin();
        delscreen(scr);
        return false;
    }
    cbreak();
    noecho();
    curs_set(0);
    keypad(stdscr, TRUE);
    g_color = !no_color && getenv("NO_COLOR") == NULL && has_colors();
    if (g_color) {
        start_color();
        use_default_colors();
        init_pair(FA_OK, COLOR_GREEN, -1);
        init_pair(FA_WARN, COLOR_YELLOW, -1);
        init_pair(FA_HIGH, COLOR_RED, -1);
    }

    char err[512];
    snprintf(err, sizeof(err), "measuring for %.1f s", interval);
    draw_message(f, err);
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!g_stop) {
        /* Wait for the next frame while answering keys and resizes. */
        next.tv_nsec += (long)((interval - (long)interval) * 1e9);
        next.tv_sec += (time_t)interval + next.tv_nsec / 1000000000L;
        next.tv_nsec %= 1000000000L;
        for (;;) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long ms =
                (long)(next.tv_sec - now.tv_sec) * 1000 + (next.tv_nsec - now.tv_nsec) / 1000000L;
            if (ms <= 0 || g_stop)
                break;
            timeout((int)ms);
            int ch = getch();
            if (ch == 'q' || ch == 'Q')
                g_stop = 1;
        }
        if (g_stop)
            break;
        if (tool_reader_next(r, view, err, sizeof(err)) != 0) {
            draw_message(f, err);
            continue;
        }
        tool_view_filter(view, NULL, 0, g_inactive);
        frame_render(view, (unsigned)COLS, interval, f);
        draw(f);
    }
    endwin();
    delscreen(scr);
    *rc = 0;
    return true;
}
#endif

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"poll-interval", required_argument, NULL, 'p'},
        {"once", no_argument, NULL, '1'},
        {"width", required_argument, NULL, 'w'},
        {"no-color", no_argument, NULL, 'C'},
        {"no-colour", no_argument, NULL, 'C'},
        {"include-inactive", no_argument, NULL, 'a'},
        TOOL_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct tool_common tc;
    double interval = 1.0;
    bool once = false, no_color = false;
    unsigned width = 0;
    int opt, rc = 0;

    tool_common_init(&tc, argv[0]);
    while ((opt = tool_getopt(&tc, argc, argv, "h", longopts, usage)) >= 0) {
        switch (opt) {
        case 'p':
            if (!tool_parse_seconds(optarg, 0.1, 60, &interval)) {
                tool_err(&tc, "--poll-interval '%s': expected seconds, 0.1 to 60", optarg);
                return EXIT_USAGE;
            }
            break;
        case '1':
            once = true;
            break;
        case 'w':
            if (!tool_parse_uint(optarg, FRAME_MAX_COLS, &width) || width < 40) {
                tool_err(&tc, "--width '%s': expected columns, 40 to %d", optarg, FRAME_MAX_COLS);
                return EXIT_USAGE;
            }
            break;
        case 'C':
            no_color = true;
            break;
        case 'a':
            g_inactive = true;
            break;
        }
    }
    if (opt != -1)
        return tool_getopt_status(opt);
    if (tool_no_operands(&tc, argc, argv) != 0)
        return EXIT_USAGE;
    if (tool_common_finish(&tc) != 0)
        return EXIT_USAGE;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct tool_reader *r = tool_reader_new(&tc);
    struct tool_view *view = malloc(sizeof(*view));
    struct frame *f = malloc(sizeof(*f));
    char err[512];
    if (!r || !view || !f) {
        tool_err(&tc, "out of memory");
        rc = EXIT_NOT_RUNNING;
        goto out;
    }
    /* Fail fast when the relay is not there at all: a live display of
     * "waiting" is for a relay that goes away later, not for a typo. */
    if (tool_reader_next(r, view, err, sizeof(err)) != 0) {
        tool_err(&tc, "%s", err);
        rc = EXIT_NOT_RUNNING;
        goto out;
    }

    bool done = false;
#if HAVE_NCURSES
    if (!once)
        done = run_curses(r, view, f, interval, no_color, &rc);
#else
    (void)no_color;
#endif
    if (!done)
        rc = run_text(r, view, f, interval, width, once);
out:
    tool_reader_free(r);
    free(view);
    free(f);
    return rc;
}
