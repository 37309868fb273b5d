/* SPDX-License-Identifier: BSD-3-Clause */
/* Exact loss / duplicate / reorder accounting for one stream of sequence
 * numbers 0, 1, 2, ...  Pure C, no DPDK.
 *
 * The receiver keeps "next" (the highest sequence seen + 1) and a bitmap of
 * the last W sequence numbers below it.  A packet at or above next is new
 * (any gap it jumps over is "not yet received"); a packet inside the window
 * is a duplicate if its bit is set and a reordered (late but new) packet
 * otherwise; a packet below the window cannot be classified and is counted
 * as out_of_window.  Lost packets are sent - unique at the end.  The cost is
 * one bit test and set per packet, and W/8 bytes per stream. */
#ifndef VIO4WD_LG_SEQ_H
#define VIO4WD_LG_SEQ_H

#include <stdint.h>

#define LG_SEQ_DEFAULT_WINDOW_BITS 20 /* 1M packets, 128 KiB per stream */

enum lg_seq_result {
    LG_SEQ_NEW,       /* in order (possibly after a gap) */
    LG_SEQ_REORDERED, /* new, but a later packet came first */
    LG_SEQ_DUPLICATE, /* seen before */
    LG_SEQ_STALE,     /* too far behind to tell */
};

struct lg_seq {
    uint64_t next;     /* highest sequence seen + 1; 0 before any */
    uint64_t received; /* every packet recorded */
    uint64_t unique;   /* distinct sequence numbers */
    uint64_t duplicated;
    uint64_t reordered;
    uint64_t out_of_window;
    uint64_t window; /* W, a power of two */
    uint64_t *bits;  /* W bits: bit (s mod W) is set if s was seen */
};

/* window_bits: log2 of W, 6 to 30.  Returns 0 or -1 (bad size, no memory). */
int lg_seq_init(struct lg_seq *s, unsigned window_bits);
void lg_seq_free(struct lg_seq *s);
enum lg_seq_result lg_seq_record(struct lg_seq *s, uint64_t seq);
/* Packets not (yet) received out of the first `sent`. */
uint64_t lg_seq_missing(const struct lg_seq *s, uint64_t sent);

#endif
