/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ipc_line.c - the IPC command file: its lines, and who may write it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc_file.h"
#include "ipc_line.h"

static int parse(const char *line, struct ipc_cmd *cmd, char *err, size_t errlen)
{
    err[0] = '\0';
    return ipc_line_parse(line, strlen(line), cmd, err, errlen);
}

static void upstream_lines(void **state)
{
    (void)state;
    struct ipc_cmd c;
    char err[512];
    assert_int_equal(parse("add_port eth100", &c, err, sizeof(err)), 1);
    assert_int_equal(c.op, IPC_ADD_PORT);
    assert_string_equal(c.ifname, "eth100");
    assert_false(c.has_device);
    assert_int_equal(parse("  del_port\tens1f0v3 \r", &c, err, sizeof(err)), 1);
    assert_int_equal(c.op, IPC_DEL_PORT);
    assert_string_equal(c.ifname, "ens1f0v3");
    assert_int_equal(parse("", &c, err, sizeof(err)), 0);
    assert_int_equal(parse("   ", &c, err, sizeof(err)), 0);
    assert_int_equal(parse("# a comment", &c, err, sizeof(err)), 0);
}

static void device_lines(void **state)
{
    (void)state;
    struct ipc_cmd c;
    char err[512];
    assert_int_equal(parse("add_port vf1 relay=12 device=net_null1,no-rx=1", &c, err, sizeof(err)),
                     1);
    assert_true(c.has_device);
    assert_int_equal(c.relay_id, 12);
    assert_string_equal(c.device, "net_null1,no-rx=1");
    assert_int_equal(parse("add_port vf1 device=0000:05:08.1 relay=0", &c, err, sizeof(err)), 1);
    assert_int_equal(c.relay_id, 0);
}

static void bad_lines_say_why(void **state)
{
    (void)state;
    static const struct {
        const char *line, *why;
    } cases[] = {
        {"plug eth0", "unknown command 'plug'"},
        {"pl\x01\xffug eth0", "unknown command 'pl\\x01\\xffug'"},
        {"add_port", "needs an interface name"},
        {"add_port a/b", "needs an interface name"},
        {"add_port waytoolonginterfacename", "needs an interface name"},
        {"del_port eth0 relay=1 device=net_null0", "too many words"},
        {"add_port eth0 relay=1", "go together"},
        {"add_port eth0 device=net_null0", "go together"},
        {"add_port eth0 relay=64 device=net_null0", "0 to 63"},
        {"add_port eth0 relay=x device=net_null0", "0 to 63"},
        {"add_port eth0 relay=1 device=,x", "DPDK device string"},
        {"add_port eth0 colour=red", "is not an option"},
        {"add_port eth0 relay=1 relay=2", "is not an option"},
        {"add_port eth0 relay=1 relay=2 device=x", "too many words"},
    };
    struct ipc_cmd c;
    char err[512];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse(cases[i].line, &c, err, sizeof(err)), -1);
        if (!strstr(err, cases[i].why))
            fail_msg("'%s': '%s' does not say '%s'", cases[i].line, err, cases[i].why);
    }
    assert_int_equal(ipc_line_parse("add_port e\0th0", 14, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "NUL"));
    char longline[1000];
    memset(longline, 'a', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    assert_int_equal(parse(longline, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than"));
}

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/ipc_file.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int read_file(const char *name, const char *content, mode_t mode, char **text, char *err)
{
    char path[128];
    size_t len;
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (content) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
        chmod(path, mode);
    }
    return ipc_file_read(path, geteuid(), text, &len, &st, err, 512);
}

static void safe_files_are_read_whole(void **state)
{
    (void)state;
    char *text, err[512];
    assert_int_equal(read_file("ok", "add_port a\ndel_port a\n", 0600, &text, err), 0);
    assert_string_equal(text, "add_port a\ndel_port a\n");
    free(text);
    assert_int_equal(read_file("missing", NULL, 0, &text, err), 1);
}

static void unsafe_files_are_refused(void **state)
{
    (void)state;
    char *text, err[512], path[128], target[128];
    assert_int_equal(read_file("ww", "add_port a\n", 0666, &text, err), -1);
    assert_non_null(strstr(err, "world-writable (mode 0666)"));
    snprintf(target, sizeof(target), "%s/ok2", dir);
    snprintf(path, sizeof(path), "%s/link", dir);
    assert_int_equal(read_file("ok2", "add_port a\n", 0600, &text, err), 0);
    free(text);
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(read_file("link", NULL, 0, &text, err), -1);
    assert_non_null(strstr(err, "symbolic link"));
    snprintf(path, sizeof(path), "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(read_file("sub", NULL, 0, &text, err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    if (geteuid() == 0) { /* only root can give a file away */
        snprintf(path, sizeof(path), "%s/theirs", dir);
        assert_int_equal(read_file("theirs", "add_port a\n", 0600, &text, err), 0);
        free(text);
        assert_int_equal(chown(path, 65534, 65534), 0);
        assert_int_equal(read_file("theirs", NULL, 0, &text, err), -1);
        assert_non_null(strstr(err, "owned by uid 65534"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upstream_lines),           cmocka_unit_test(device_lines),
        cmocka_unit_test(bad_lines_say_why),        cmocka_unit_test(safe_files_are_read_whole),
        cmocka_unit_test(unsafe_files_are_refused),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
