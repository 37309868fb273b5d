/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for tools/loadgen/lg_seq.c: exact loss, duplicate and reorder
 * accounting with a sliding window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lg_seq.h"

static void test_in_order(void **state)
{
    struct lg_seq s;
    uint64_t i;

    (void)state;
    assert_int_equal(lg_seq_init(&s, 10), 0);
    for (i = 0; i < 100000; i++)
        assert_int_equal(lg_seq_record(&s, i), LG_SEQ_NEW);
    assert_int_equal(s.received, 100000);
    assert_int_equal(s.unique, 100000);
    assert_int_equal(s.duplicated + s.reordered + s.out_of_window, 0);
    assert_int_equal(lg_seq_missing(&s, 100000), 0);
    assert_int_equal(lg_seq_missing(&s, 100005), 5);
    lg_seq_free(&s);
}

static void test_gap_then_late(void **state)
{
    struct lg_seq s;

    (void)state;
    assert_int_equal(lg_seq_init(&s, 10), 0);
    assert_int_equal(lg_seq_record(&s, 0), LG_SEQ_NEW);
    assert_int_equal(lg_seq_record(&s, 3), LG_SEQ_NEW); /* 1, 2 missing */
    assert_int_equal(lg_seq_missing(&s, 4), 2);
    assert_int_equal(lg_seq_record(&s, 2), LG_SEQ_REORDERED);
    assert_int_equal(lg_seq_record(&s, 2), LG_SEQ_DUPLICATE);
    assert_int_equal(lg_seq_record(&s, 3), LG_SEQ_DUPLICATE);
    assert_int_equal(lg_seq_record(&s, 0), LG_SEQ_DUPLICATE);
    assert_int_equal(lg_seq_missing(&s, 4), 1); /* 1 lost */
    assert_int_equal(s.reordered, 1);
    assert_int_equal(s.duplicated, 3);
    assert_int_equal(s.received, 6);
    lg_seq_free(&s);
}

/* A jump by more than the window clears it; what falls behind it is stale,
 * what is inside it is still classified. */
static void test_window_edges(void **state)
{
    struct lg_seq s;
    uint64_t w = 1024;

    (void)state;
    assert_int_equal(lg_seq_init(&s, 10), 0);
    assert_int_equal(lg_seq_record(&s, 5), LG_SEQ_NEW);
    assert_int_equal(lg_seq_record(&s, 5 + 3 * w), LG_SEQ_NEW);
    /* next = 5 + 3w + 1; the window is [next - w, next) */
    assert_int_equal(lg_seq_record(&s, 5 + 2 * w + 1), LG_SEQ_REORDERED);
    assert_int_equal(lg_seq_record(&s, 5 + 2 * w + 1), LG_SEQ_DUPLICATE);
    assert_int_equal(lg_seq_record(&s, 5 + 2 * w), LG_SEQ_STALE);
    assert_int_equal(lg_seq_record(&s, 5), LG_SEQ_STALE);
    /* the old bit of 5 must not make 5 + w, 5 + 2w look like duplicates */
    assert_int_equal(s.out_of_window, 2);
    lg_seq_free(&s);

    assert_int_equal(lg_seq_init(&s, 10), 0);
    assert_int_equal(lg_seq_record(&s, 7), LG_SEQ_NEW);
    assert_int_equal(lg_seq_record(&s, 7 + w), LG_SEQ_NEW); /* same bit */
    assert_int_equal(lg_seq_record(&s, 8), LG_SEQ_REORDERED);
    assert_int_equal(lg_seq_record(&s, 7), LG_SEQ_STALE);
    assert_int_equal(lg_seq_record(&s, 7 + w), LG_SEQ_DUPLICATE);
    lg_seq_free(&s);
}

/* Gaps that wrap around the end of the bitmap and span many words. */
static void test_gaps_wrap(void **state)
{
    struct lg_seq s;
    uint64_t next = 0, i, expect_unique = 0;

    (void)state;
    assert_int_equal(lg_seq_init(&s, 8), 0); /* 256 */
    srand(7);
    for (i = 0; i < 20000; i++) {
        uint64_t gap = 1 + (uint64_t)(rand() % 300);

        next += gap;
        assert_int_equal(lg_seq_record(&s, next), LG_SEQ_NEW);
        expect_unique++;
        /* what the jump skipped inside the window must read as not yet
         * seen, whatever its bit said one turn of the bitmap ago */
        if (gap > 1) {
            assert_int_equal(lg_seq_record(&s, next - 1), LG_SEQ_REORDERED);
            expect_unique++;
        }
        assert_int_equal(lg_seq_record(&s, next), LG_SEQ_DUPLICATE);
    }
    assert_int_equal(s.unique, expect_unique);
    lg_seq_free(&s);
}

static void test_bad_init(void **state)
{
    struct lg_seq s;

    (void)state;
    assert_int_equal(lg_seq_init(&s, 5), -1);
    assert_int_equal(lg_seq_init(&s, 31), -1);
    lg_seq_free(&s);
}

/* Millions of packets through a channel that drops, duplicates and
 * reorders (within a displacement smaller than the window), compared with a
 * reference that remembers every sequence number. */
static void test_random_against_reference(void **state)
{
    const uint64_t n = 3000000;
    const unsigned window_bits = 14; /* far beyond any displacement */
    uint64_t *order, i, m = 0, max_seen = 0;
    uint8_t *seen = calloc(n, 1);
    uint64_t ref_unique = 0, ref_dup = 0, ref_reord = 0;
    int any = 0;
    struct lg_seq s;

    (void)state;
    order = malloc(sizeof(*order) * n * 2);
    assert_non_null(order);
    assert_non_null(seen);
    srand(12345);
    for (i = 0; i < n; i++) {
        int r = rand() % 1000;

        if (r < 10) /* 1% lost */
            continue;
        order[m++] = i;
        if (r >= 990) /* 1% duplicated */
            order[m++] = i;
    }
    /* displace 2% of the packets by up to 2000 positions */
    for (i = 0; i < m / 50; i++) {
        uint64_t a = (uint64_t)rand() % m;
        uint64_t b = a + (uint64_t)(rand() % 2000);
        uint64_t t;

        if (b >= m)
            continue;
        t = order[a];
        order[a] = order[b];
        order[b] = t;
    }

    assert_int_equal(lg_seq_init(&s, window_bits), 0);
    for (i = 0; i < m; i++) {
        uint64_t q = order[i];

        if (seen[q]) {
            ref_dup++;
        } else {
            seen[q] = 1;
            ref_unique++;
            if (any && q < max_seen)
                ref_reord++;
        }
        if (!any || q > max_seen)
            max_seen = q;
        any = 1;
        lg_seq_record(&s, q);
    }
    assert_int_equal(s.out_of_window, 0);
    assert_int_equal(s.received, m);
    assert_int_equal(s.unique, ref_unique);
    assert_int_equal(s.duplicated, ref_dup);
    assert_int_equal(s.reordered, ref_reord);
    assert_int_equal(lg_seq_missing(&s, n), n - ref_unique);
    assert_true(ref_dup > 10000 && ref_reord > 10000);
    lg_seq_free(&s);
    free(order);
    free(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),     cmocka_unit_test(test_gap_then_late),
        cmocka_unit_test(test_window_edges), cmocka_unit_test(test_gaps_wrap),
        cmocka_unit_test(test_bad_init),     cmocka_unit_test(test_random_against_reference),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
