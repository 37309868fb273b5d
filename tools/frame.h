/* SPDX-License-Identifier: BSD-3-Clause */
/* frame.h - monitor_load's screen, laid out as text with an attribute per
 * character, with no terminal in sight.
 *
 * The same frame is printed as plain text (--once, dumb terminals, pipes)
 * or drawn through ncurses, which maps the attributes to colours or to
 * bold/reverse on a monochrome terminal; so tests check exactly what an
 * operator sees.
 *
 * One bar per worker CPU, grouped by NUMA node. 100% of the bar is one
 * whole core. The bar is split into one segment per relay direction that
 * the worker serves, as wide as that direction's load, each starting with
 * the relay id and filled with '>' (VF->VM) or '<' (VM->VF); '+' is worker
 * time not attributed to a direction (polling, migrations). A parked worker
 * (no direction, blocked) says so after its load; each NUMA node's title
 * counts its active and parked workers.
 */
#ifndef VIO4WD_TOOLS_FRAME_H
#define VIO4WD_TOOLS_FRAME_H

#include "tool_view.h"

#define FRAME_MAX_COLS  512
#define FRAME_MAX_LINES 600
#define FRAME_MIN_BAR   10

/* Attribute of one character: a load level, plus flags. */
enum {
    FA_PLAIN = 0,
    FA_OK = 1,   /* load below FRAME_WARN */
    FA_WARN = 2, /* load in [FRAME_WARN, FRAME_HIGH) */
    FA_HIGH = 3, /* load >= FRAME_HIGH */
    FA_LEVEL_MASK = 3,
    FA_BOLD = 4, /* titles, relay ids in bars */
    FA_BAR = 8,  /* a filled bar cell (drawn solid where possible) */
};

#define FRAME_WARN 0.70
#define FRAME_HIGH 0.90

struct frame_line {
    unsigned len;
    char text[FRAME_MAX_COLS + 1];
    unsigned char attr[FRAME_MAX_COLS];
};

struct frame {
    unsigned width;
    unsigned n_lines;
    struct frame_line lines[FRAME_MAX_LINES];
};

/* Lays out the whole screen for 'view' at 'width' columns (clamped to
 * FRAME_MAX_COLS). 'interval' is the refresh period, shown in the header. */
void frame_render(const struct tool_view *view, unsigned width, double interval, struct frame *out);

/* One worker's bar: 'width' cells into text/attr (not NUL-terminated).
 * Exposed for the unit tests. */
void frame_bar(const struct tool_view *view, const struct tool_worker_row *worker, unsigned width,
               char *text, unsigned char *attr);

/* The level attribute for a load. */
unsigned char frame_level(double load);

/* Writes the frame as plain text, one line per line, trailing blanks cut. */
void frame_print(FILE *out, const struct frame *f);

#endif
