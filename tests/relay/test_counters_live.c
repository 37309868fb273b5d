/* SPDX-License-Identifier: BSD-3-Clause */
/* test_counters_live.c - who counts as a live counters writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "counters_live.h"

static uint64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* We are alive, and a file created now is younger than we are. */
static void test_self_is_alive(void **state)
{
    (void)state;
    assert_true(vio4wd_pid_alive_since((uint32_t)getpid(), realtime_ns()));
}

/* A reaped child's pid is gone. */
static void test_dead_child_is_gone(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_false(vio4wd_pid_alive_since((uint32_t)pid, realtime_ns()));
}

/* A file created an hour before this process started belonged to another
 * process that had our pid: a reused pid is not the writer. */
static void test_reused_pid_is_gone(void **state)
{
    (void)state;
    assert_false(vio4wd_pid_alive_since((uint32_t)getpid(), realtime_ns() - 3600000000000ull));
}

static void test_pid_zero_is_gone(void **state)
{
    (void)state;
    assert_false(vio4wd_pid_alive_since(0, realtime_ns()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_is_alive),
        cmocka_unit_test(test_dead_child_is_gone),
        cmocka_unit_test(test_reused_pid_is_gone),
        cmocka_unit_test(test_pid_zero_is_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
