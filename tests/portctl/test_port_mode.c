/* SPDX-License-Identifier: BSD-3-Clause */
/* test_port_mode.c - upstream's choice between the port-control modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "port_mode.h"

static bool debian_socket_exists;

static bool fake_exists(const char *path)
{
    return debian_socket_exists && strcmp(path, PORT_MODE_DEBIAN_OVSDB) == 0;
}

static struct port_mode_choice choose(const char *settings[][2])
{
    struct vio4wd_config cfg;
    struct port_mode_choice c;
    char err[256];
    config_init(&cfg);
    for (int i = 0; settings[i][0]; i++)
        assert_int_equal(config_set(&cfg, settings[i][0], settings[i][1], err, sizeof(err)), 0);
    port_mode_choose(&cfg, fake_exists, &c);
    return c;
}

static void zmq_endpoint_selects_zmq_even_with_ipc(void **state)
{
    (void)state;
    const char *s[][2] = {{"VIRTIOFWD_ZMQ_PORT_CONTROL_EP", "ipc:///run/pc"},
                          {"VIRTIOFWD_IPC_PORT_CONTROL", "y"},
                          {NULL, NULL}};
    struct port_mode_choice c = choose(s);
    assert_int_equal(c.mode, PORT_MODE_ZMQ);
    assert_string_equal(c.where, "ipc:///run/pc");
}

static void ipc_without_zmq_selects_the_command_file(void **state)
{
    (void)state;
    const char *s[][2] = {{"VIRTIOFWD_IPC_PORT_CONTROL", "y"}, {NULL, NULL}};
    struct port_mode_choice c = choose(s);
    assert_int_equal(c.mode, PORT_MODE_IPC);
    assert_string_equal(c.where, "/tmp/vio_cmd"); /* upstream's file */
    const char *s2[][2] = {{"VIRTIOFWD_IPC_PORT_CONTROL", "y"},
                           {"VIO4WD_IPC_PORT_CONTROL_FILE", "/run/vf/cmd"},
                           {NULL, NULL}};
    assert_string_equal(choose(s2).where, "/run/vf/cmd");
}

static void otherwise_ovsdb_on_the_configured_socket(void **state)
{
    (void)state;
    const char *s[][2] = {{"VIRTIOFWD_OVSDB_SOCK_PATH", "/run/my.sock"}, {NULL, NULL}};
    debian_socket_exists = true;
    struct port_mode_choice c = choose(s);
    assert_int_equal(c.mode, PORT_MODE_OVSDB);
    assert_string_equal(c.where, "/run/my.sock");
}

static void blank_socket_prefers_debian_then_upstream(void **state)
{
    (void)state;
    const char *s[][2] = {{NULL, NULL}};
    debian_socket_exists = true;
    struct port_mode_choice c = choose(s);
    assert_int_equal(c.mode, PORT_MODE_OVSDB);
    assert_string_equal(c.where, "/var/run/openvswitch/db.sock");
    debian_socket_exists = false;
    c = choose(s);
    assert_string_equal(c.where, "/usr/local/var/run/openvswitch/db.sock");
}

static void the_log_line_names_mode_and_reason(void **state)
{
    (void)state;
    struct vio4wd_config cfg;
    struct port_mode_choice c;
    char line[512];
    config_init(&cfg);
    debian_socket_exists = false;
    port_mode_choose(&cfg, fake_exists, &c);
    port_mode_describe(&cfg, &c, line, sizeof(line));
    assert_non_null(strstr(line, "OVSDB monitor on /usr/local/var/run/openvswitch/db.sock"));
    assert_non_null(strstr(line, "the default"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zmq_endpoint_selects_zmq_even_with_ipc),
        cmocka_unit_test(ipc_without_zmq_selects_the_command_file),
        cmocka_unit_test(otherwise_ovsdb_on_the_configured_socket),
        cmocka_unit_test(blank_socket_prefers_debian_then_upstream),
        cmocka_unit_test(the_log_line_names_mode_and_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
