/* SPDX-License-Identifier: BSD-3-Clause */
/* test_log_limit.c - the counting behind rate-limited log messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "log_limit.h"

#define S 1000000000ull

/* 2,005 bad requests within a second: the burst is logged, the rest is
 * one summary once the window has passed, and nothing before that. */
static void test_flood_is_bounded(void **state)
{
    struct ratelimit rl = {0};
    unsigned logged = 0;
    (void)state;

    for (unsigned i = 0; i < 2005; i++)
        logged += ratelimit_allow(&rl, 100 * S + i * 400000ull);
    assert_int_equal(logged, LOG_LIMIT_BURST);
    assert_int_equal(ratelimit_take_summary(&rl, 105 * S), 0); /* window still open */
    assert_int_equal(ratelimit_take_summary(&rl, 110 * S), 2005 - LOG_LIMIT_BURST);
    assert_int_equal(ratelimit_take_summary(&rl, 111 * S), 0); /* reported once */
}

/* A new window logs its burst again; a quiet key reports nothing. */
static void test_windows_restart(void **state)
{
    struct ratelimit rl = {0};
    (void)state;

    for (unsigned i = 0; i < LOG_LIMIT_BURST; i++)
        assert_true(ratelimit_allow(&rl, 1 * S));
    assert_false(ratelimit_allow(&rl, 2 * S));
    assert_int_equal(ratelimit_take_summary(&rl, 12 * S), 1);
    assert_true(ratelimit_allow(&rl, 12 * S));
    assert_int_equal(ratelimit_take_summary(&rl, 30 * S), 0);
}

/* A thread that read the clock before the one that opened the window but
 * took the lock after it: its earlier time is inside the window, not a new
 * one (unsigned wrap-around once gave a second burst of 5). */
static void test_earlier_time_stays_in_window(void **state)
{
    struct ratelimit rl = {0};
    (void)state;

    for (unsigned i = 0; i < LOG_LIMIT_BURST; i++)
        assert_true(ratelimit_allow(&rl, 5 * S));
    assert_false(ratelimit_allow(&rl, 5 * S - 1000));
    assert_int_equal(ratelimit_take_summary(&rl, 5 * S - 1000), 0);
    assert_false(ratelimit_allow(&rl, 5 * S + 1));
    assert_int_equal(ratelimit_take_summary(&rl, 15 * S), 2);
}

static void test_group_digits(void **state)
{
    char buf[32];
    (void)state;

    ratelimit_group_digits(1998, buf, sizeof(buf));
    assert_string_equal(buf, "1,998");
    ratelimit_group_digits(7, buf, sizeof(buf));
    assert_string_equal(buf, "7");
    ratelimit_group_digits(1234567, buf, sizeof(buf));
    assert_string_equal(buf, "1,234,567");
    ratelimit_group_digits(100000, buf, sizeof(buf));
    assert_string_equal(buf, "100,000");
}

/* Threads flooding one key at once (as the control endpoints and the vhost
 * thread may): the table under its mutex still logs exactly one burst.
 * Under ThreadSanitizer (build-tsan) this is also the race check. */
#define FLOOD_THREADS 4
#define FLOOD_EACH    2000

static void *flood(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < FLOOD_EACH; i++) {
        log_limited(LOG_INFO, "test/flood", "flood test messages", "flood message");
        if (i % 100 == 0)
            log_limited_flush();
    }
    return NULL;
}

static void test_threads_share_one_burst(void **state)
{
    pthread_t t[FLOOD_THREADS];
    char line[256];
    unsigned logged = 0;
    (void)state;

    FILE *out = tmpfile();
    assert_non_null(out);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(out), STDERR_FILENO) >= 0);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (unsigned i = 0; i < FLOOD_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, flood, NULL), 0);
    for (unsigned i = 0; i < FLOOD_THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);

    rewind(out);
    while (fgets(line, sizeof(line), out))
        logged += strstr(line, "flood message") != NULL;
    fclose(out);
    /* Under ThreadSanitizer on a loaded host the flood may outlast a window,
     * and each window that starts during it logs its own burst. */
    double elapsed_s = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    unsigned windows = 1 + (unsigned)(elapsed_s / LOG_LIMIT_WINDOW_S);
    if (windows == 1)
        assert_int_equal(logged, LOG_LIMIT_BURST);
    else
        assert_in_range(logged, LOG_LIMIT_BURST, windows * LOG_LIMIT_BURST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_is_bounded),
        cmocka_unit_test(test_windows_restart),
        cmocka_unit_test(test_group_digits),
        cmocka_unit_test(test_earlier_time_stays_in_window),
        cmocka_unit_test(test_threads_share_one_burst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
