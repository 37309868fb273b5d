/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the small shared modules: CPU sets and the pid file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpuset.h"
#include "log.h"
#include "pidfile.h"

static void cpuset_iterates_in_order(void **state)
{
    (void)state;
    struct vio4wd_cpuset set;
    char err[128];
    assert_int_equal(cpuset_parse("3,64-65,1023", &set, err, sizeof(err)), 0);
    int expect[] = {3, 64, 65, 1023}, i = 0;
    for (int c = cpuset_next(&set, 0); c >= 0; c = cpuset_next(&set, (unsigned)c + 1))
        assert_int_equal(c, expect[i++]);
    assert_int_equal(i, 4);
    assert_int_equal(cpuset_count(&set), 4);
}

static void cpuset_format_round_trips(void **state)
{
    (void)state;
    struct vio4wd_cpuset set, again;
    char err[128], text[128];
    assert_int_equal(cpuset_parse("0x00ff00f1", &set, err, sizeof(err)), 0);
    cpuset_format(&set, text, sizeof(text));
    assert_string_equal(text, "0,4-7,16-23");
    assert_int_equal(cpuset_parse(text, &again, err, sizeof(err)), 0);
    assert_memory_equal(&set, &again, sizeof(set));
}

static void cpuset_subset(void **state)
{
    (void)state;
    struct vio4wd_cpuset a, b;
    char err[128];
    cpuset_parse("1-3", &a, err, sizeof(err));
    cpuset_parse("0-7", &b, err, sizeof(err));
    assert_true(cpuset_is_subset(&a, &b));
    assert_false(cpuset_is_subset(&b, &a));
}

static void cpuset_rejects_too_big(void **state)
{
    (void)state;
    struct vio4wd_cpuset set;
    char err[128];
    assert_int_equal(cpuset_parse("1024", &set, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "'1024'"));
    /* bit 1024 of a hex mask */
    char hex[300] = "0x1";
    memset(hex + 3, '0', 256);
    hex[259] = '\0';
    assert_int_equal(cpuset_parse(hex, &set, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "CPU 1024"));
}

static void host_has_some_cpu(void **state)
{
    (void)state;
    struct vio4wd_cpuset host;
    assert_int_equal(cpuset_host_online(&host), 0);
    assert_true(cpuset_count(&host) >= 1);
}

static void pidfile_refuses_second_holder(void **state)
{
    (void)state;
    char path[] = "/tmp/vio4wd-pidfile-test-XXXXXX";
    int fd = mkstemp(path);
    close(fd);

    struct pidfile first, second;
    char err[256];
    assert_int_equal(pidfile_acquire(&first, path, err, sizeof(err)), 0);

    /* flock() locks belong to the open file description, so a second open in
     * a child process is what another instance would do. */
    pid_t child = fork();
    if (child == 0) {
        int rc = pidfile_acquire(&second, path, err, sizeof(err));
        char expect[64];
        snprintf(expect, sizeof(expect), "pid %ld", (long)getppid());
        _exit(rc == -2 && strstr(err, expect) ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    pidfile_release(&first);
    assert_int_equal(access(path, F_OK), -1);
    pidfile_release(&first); /* twice is harmless */
}

static void stale_pidfile_does_not_block(void **state)
{
    (void)state;
    char path[] = "/tmp/vio4wd-pidfile-test-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, "999999\n", 7), 7);
    close(fd);

    struct pidfile pf;
    char err[256], text[32] = "";
    assert_int_equal(pidfile_acquire(&pf, path, err, sizeof(err)), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(fgets(text, sizeof(text), f));
    fclose(f);
    assert_int_equal(atol(text), (long)getpid());
    pidfile_release(&pf);
}

static void pidfile_in_missing_directory(void **state)
{
    (void)state;
    struct pidfile pf;
    char err[256];
    assert_int_equal(pidfile_acquire(&pf, "/nonexistent/dir/x.pid", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/dir/x.pid"));
    pidfile_release(&pf);
}

/* Runs log calls with stderr sent to a temporary file, through the given
 * sinks; returns what reached stderr. stderr_is_journal: pretend systemd
 * connected that file to the journal, as $JOURNAL_STREAM says. */
static const char *logged_to(int threshold, unsigned sinks, bool stderr_is_journal)
{
    static char text[1024];
    FILE *capture = tmpfile();
    int saved = dup(2);
    dup2(fileno(capture), 2);

    struct stat st;
    char stream[64];
    assert_int_equal(fstat(2, &st), 0);
    snprintf(stream, sizeof(stream), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino + (stderr_is_journal ? 0 : 1));
    setenv("JOURNAL_STREAM", stream, 1);

    log_open("vio4wd-test", threshold, sinks);
    log_err("disk %s", "gone");
    log_info("relay %d up", 3);
    log_debug("noise");
    fflush(stderr);

    dup2(saved, 2);
    close(saved);
    rewind(capture);
    size_t n = fread(text, 1, sizeof(text) - 1, capture);
    text[n] = '\0';
    fclose(capture);
    log_close();
    unsetenv("JOURNAL_STREAM");
    return text;
}

static const char *logged(int threshold)
{
    return logged_to(threshold, LOG_SINK_STDERR, false);
}

static void log_filters_by_level(void **state)
{
    (void)state;
    assert_string_equal(logged(LOG_INFO),
                        "vio4wd-test: error: disk gone\nvio4wd-test: info: relay 3 up\n");
    assert_string_equal(logged(LOG_ERR), "vio4wd-test: error: disk gone\n");
    const char *all = logged(LOG_DEBUG);
    assert_non_null(strstr(all, "debug: noise"));
    /* Out-of-range thresholds are clamped, not trusted. */
    log_set_level(42);
    assert_int_equal(log_get_level(), LOG_DEBUG);
    log_set_level(-3);
    assert_int_equal(log_get_level(), LOG_EMERG);
}

/* Under systemd a line must reach the journal once: through syslog, not
 * also through a stderr that is itself a journal stream. */
static void journal_stderr_is_not_written_twice(void **state)
{
    (void)state;
    const unsigned both = LOG_SINK_STDERR | LOG_SINK_SYSLOG;
    assert_string_equal(logged_to(LOG_ERR, both, true), "");
    assert_string_equal(logged_to(LOG_ERR, both, false), "vio4wd-test: error: disk gone\n");
    /* Only stderr asked for: it stays, journal or not. */
    assert_string_equal(logged_to(LOG_ERR, LOG_SINK_STDERR, true),
                        "vio4wd-test: error: disk gone\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cpuset_iterates_in_order),
        cmocka_unit_test(cpuset_format_round_trips),
        cmocka_unit_test(cpuset_subset),
        cmocka_unit_test(cpuset_rejects_too_big),
        cmocka_unit_test(host_has_some_cpu),
        cmocka_unit_test(pidfile_refuses_second_holder),
        cmocka_unit_test(stale_pidfile_does_not_block),
        cmocka_unit_test(pidfile_in_missing_directory),
        cmocka_unit_test(log_filters_by_level),
        cmocka_unit_test(journal_stderr_is_not_written_twice),
    };
    return cmocka_run_group_tests_name("shared", tests, NULL, NULL);
}
