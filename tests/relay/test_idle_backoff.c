/* SPDX-License-Identifier: BSD-3-Clause */
/* test_idle_backoff.c - the idle worker's back-off policy (relay/idle_backoff.h):
 * when it starts sleeping, how the sleep grows, the cap, the return to full
 * polling on a burst, and that 0 turns sleeping and parking off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "idle_backoff.h"

/* Light polls until the first sleep; returns that sleep. */
static unsigned polls_until_sleep(struct idle_backoff *b, unsigned most, unsigned *polls)
{
    unsigned us = 0;
    for (*polls = 1; (us = idle_backoff_after_poll(b, most)) == 0 && *polls < 100000; (*polls)++)
        ;
    return us;
}

static void sleeps_after_a_while_of_light_polls(void **state)
{
    (void)state;
    struct idle_backoff b;
    unsigned polls;

    idle_backoff_init(&b, 500);
    assert_int_equal(polls_until_sleep(&b, 0, &polls), IDLE_BACKOFF_FIRST_US);
    assert_int_equal(polls, IDLE_BACKOFF_LIGHT_POLLS + 1);

    /* Fewer than a handful per poll is light too. */
    idle_backoff_init(&b, 500);
    assert_int_equal(polls_until_sleep(&b, IDLE_BACKOFF_HANDFUL - 1, &polls),
                     IDLE_BACKOFF_FIRST_US);
    assert_int_equal(polls, IDLE_BACKOFF_LIGHT_POLLS + 1);
}

static void sleep_doubles_up_to_the_maximum(void **state)
{
    (void)state;
    struct idle_backoff b;
    unsigned polls;
    const unsigned want[] = {4, 8, 16, 32, 64, 128, 256, 500, 500, 500};

    idle_backoff_init(&b, 500);
    assert_int_equal(polls_until_sleep(&b, 0, &polls), want[0]);
    for (unsigned i = 1; i < sizeof(want) / sizeof(want[0]); i++)
        assert_int_equal(idle_backoff_after_poll(&b, 1), want[i]);

    /* A maximum below the first sleep caps that one too. */
    idle_backoff_init(&b, 3);
    assert_int_equal(polls_until_sleep(&b, 0, &polls), 3);
    assert_int_equal(idle_backoff_after_poll(&b, 0), 3);

    /* The largest maximum one may set: no overflow on the way. */
    idle_backoff_init(&b, 10000);
    polls_until_sleep(&b, 0, &polls);
    unsigned last = 0;
    for (int i = 0; i < 100; i++)
        last = idle_backoff_after_poll(&b, 0);
    assert_int_equal(last, 10000);
}

static void a_burst_returns_to_full_polling(void **state)
{
    (void)state;
    struct idle_backoff b;
    unsigned polls;

    idle_backoff_init(&b, 500);
    polls_until_sleep(&b, 0, &polls);
    for (int i = 0; i < 20; i++)
        idle_backoff_after_poll(&b, 0); /* at the maximum now */
    assert_int_equal(idle_backoff_after_poll(&b, IDLE_BACKOFF_HANDFUL), 0);
    /* Full polling again: a while of light polls before the shortest sleep. */
    assert_int_equal(polls_until_sleep(&b, 0, &polls), IDLE_BACKOFF_FIRST_US);
    assert_int_equal(polls, IDLE_BACKOFF_LIGHT_POLLS + 1);

    /* Bursts keep it polling however long they last. */
    for (int i = 0; i < 100000; i++)
        assert_int_equal(idle_backoff_after_poll(&b, 32), 0);
}

static void zero_never_sleeps_nor_parks(void **state)
{
    (void)state;
    struct idle_backoff b;

    idle_backoff_init(&b, 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(idle_backoff_after_poll(&b, 0), 0);
    assert_false(idle_backoff_parks(&b, 0));

    idle_backoff_init(&b, 500);
    assert_true(idle_backoff_parks(&b, 0));
    assert_false(idle_backoff_parks(&b, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sleeps_after_a_while_of_light_polls),
        cmocka_unit_test(sleep_doubles_up_to_the_maximum),
        cmocka_unit_test(a_burst_returns_to_full_polling),
        cmocka_unit_test(zero_never_sleeps_nor_parks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
