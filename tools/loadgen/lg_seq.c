/* SPDX-License-Identifier: BSD-3-Clause */
/* Sequence accounting with a sliding bitmap.  See lg_seq.h. */
#include "lg_seq.h"

#include <stdlib.h>
#include <string.h>

int lg_seq_init(struct lg_seq *s, unsigned window_bits)
{
    memset(s, 0, sizeof(*s));
    if (window_bits < 6 || window_bits > 30)
        return -1;
    s->window = UINT64_C(1) << window_bits;
    s->bits = calloc(s->window / 64, sizeof(uint64_t));
    return s->bits ? 0 : -1;
}

void lg_seq_free(struct lg_seq *s)
{
    free(s->bits);
    s->bits = NULL;
}

/* Clear the bits of sequence numbers [from, to], which are about to enter
 * the window; their bits still describe sequence numbers W lower. */
static void clear_range(struct lg_seq *s, uint64_t from, uint64_t to)
{
    uint64_t mask = s->window - 1;
    uint64_t a, b;

    if (to - from + 1 >= s->window) {
        memset(s->bits, 0, s->window / 8);
        return;
    }
    a = from & mask;
    b = to & mask;
    if (a > b) { /* wraps: two pieces */
        clear_range(s, from, from + (mask - a));
        clear_range(s, from + (mask - a) + 1, to);
        return;
    }
    /* [a, b] within one turn of the bitmap */
    while (a <= b && (a & 63) != 0) {
        s->bits[a >> 6] &= ~(UINT64_C(1) << (a & 63));
        a++;
    }
    while (a + 63 <= b) {
        s->bits[a >> 6] = 0;
        a += 64;
    }
    while (a <= b) {
        s->bits[a >> 6] &= ~(UINT64_C(1) << (a & 63));
        a++;
    }
}

enum lg_seq_result lg_seq_record(struct lg_seq *s, uint64_t seq)
{
    uint64_t idx = seq & (s->window - 1);
    uint64_t bit = UINT64_C(1) << (idx & 63);
    uint64_t *word = &s->bits[idx >> 6];

    s->received++;
    if (seq >= s->next) {
        /* The common case: the next one in order, which only needs its own
         * (stale) bit replaced. */
        if (seq != s->next)
            clear_range(s, s->next, seq - 1);
        *word |= bit;
        s->next = seq + 1;
        s->unique++;
        return LG_SEQ_NEW;
    }
    if (s->next - seq > s->window) {
        s->out_of_window++;
        return LG_SEQ_STALE;
    }
    if (*word & bit) {
        s->duplicated++;
        return LG_SEQ_DUPLICATE;
    }
    *word |= bit;
    s->unique++;
    s->reordered++;
    return LG_SEQ_REORDERED;
}

uint64_t lg_seq_missing(const struct lg_seq *s, uint64_t sent)
{
    return sent > s->unique ? sent - s->unique : 0;
}
