/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ovsdb_rows.c - OVSDB JSON-RPC messages, Interface rows, and what a
 * marked row asks for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ovsdb_rows.h"

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

static void classifies_messages(void **state)
{
    (void)state;
    struct ovsdb_msg m;
    char err[256];
    json_object *o = parse("{\"method\":\"echo\",\"params\":[],\"id\":\"echo\"}");
    assert_int_equal(ovsdb_msg_parse(o, &m, err, sizeof(err)), 0);
    assert_int_equal(m.kind, OVSDB_MSG_ECHO);
    json_object_put(o);
    o = parse("{\"method\":\"update\",\"params\":[null,{\"Interface\":{}}],\"id\":null}");
    assert_int_equal(ovsdb_msg_parse(o, &m, err, sizeof(err)), 0);
    assert_int_equal(m.kind, OVSDB_MSG_UPDATE);
    assert_non_null(m.updates);
    json_object_put(o);
    o = parse("{\"id\":1,\"result\":{},\"error\":null}");
    assert_int_equal(ovsdb_msg_parse(o, &m, err, sizeof(err)), 0);
    assert_int_equal(m.kind, OVSDB_MSG_REPLY);
    json_object_put(o);
    o = parse("{\"method\":\"lock\",\"params\":[],\"id\":2}");
    assert_int_equal(ovsdb_msg_parse(o, &m, err, sizeof(err)), 0);
    assert_int_equal(m.kind, OVSDB_MSG_OTHER);
    json_object_put(o);

    const char *bad[] = {"[1]",
                         "{\"method\":3}",
                         "{\"method\":\"update\",\"params\":[1]}",
                         "{\"method\":\"update\",\"params\":[null,[]]}",
                         "{\"result\":1}",
                         "{\"id\":1}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        o = parse(bad[i]);
        err[0] = '\0';
        assert_int_equal(ovsdb_msg_parse(o, &m, err, sizeof(err)), -1);
        assert_true(err[0] != '\0');
        json_object_put(o);
    }
}

static void builds_monitor_and_echo_reply(void **state)
{
    (void)state;
    json_object *req = ovsdb_monitor_request(1);
    assert_string_equal(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
                        "{\"method\":\"monitor\",\"params\":[\"Open_vSwitch\",null,"
                        "{\"Interface\":{\"columns\":[\"name\",\"external_ids\"]}}],\"id\":1}");
    json_object_put(req);

    struct ovsdb_msg m;
    char err[256];
    json_object *echo = parse("{\"method\":\"echo\",\"params\":[\"x\",1],\"id\":\"e7\"}");
    assert_int_equal(ovsdb_msg_parse(echo, &m, err, sizeof(err)), 0);
    json_object *reply = ovsdb_echo_reply(&m);
    json_object_put(echo); /* the reply holds its own references */
    assert_string_equal(json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN),
                        "{\"result\":[\"x\",1],\"error\":null,\"id\":\"e7\"}");
    json_object_put(reply);
}

#define ROW(uuid, name, ids) \
    "\"" uuid "\":{\"new\":{\"name\":\"" name "\",\"external_ids\":[\"map\",[" ids "]]}}"

static int apply(struct ovsdb_rows *rows, const char *iface_updates, char *err, size_t errlen)
{
    char text[4096];
    snprintf(text, sizeof(text), "{\"Bridge\":{\"b\":{\"new\":{}}},\"Interface\":{%s}}",
             iface_updates);
    json_object *o = parse(text);
    int bad = ovsdb_rows_apply(rows, o, err, errlen);
    json_object_put(o);
    return bad;
}

static const struct ovsdb_row *row_named(const struct ovsdb_rows *rows, const char *name)
{
    for (size_t i = 0; i < rows->n; i++)
        if (strcmp(rows->row[i].name, name) == 0)
            return &rows->row[i];
    return NULL;
}

static void insert_modify_delete(void **state)
{
    (void)state;
    struct ovsdb_rows rows = {0};
    char err[256];
    assert_int_equal(
        apply(&rows,
              ROW("u1", "eth1",
                  "[\"virtio_forwarder\",\"1\"],"
                  "[\"virtio_forwarder_device\",\"net_null1\"]") "," ROW("u2", "eth2",
                                                                         "[\"other\",\"x\"]"),
              err, sizeof(err)),
        0);
    assert_int_equal(rows.n, 2);
    const struct ovsdb_row *r = row_named(&rows, "eth1");
    assert_non_null(r);
    assert_true(r->marked && r->changed);
    assert_string_equal(r->mark, "1");
    assert_string_equal(r->device, "net_null1");
    assert_false(row_named(&rows, "eth2")->marked);

    /* modify: "new" carries every monitored column */
    assert_int_equal(apply(&rows,
                           "\"u2\":{\"old\":{\"external_ids\":[\"map\",[]]},"
                           "\"new\":{\"name\":\"eth2\",\"external_ids\":[\"map\","
                           "[[\"virtio_relay\",\"2\"]]]}}",
                           err, sizeof(err)),
                     0);
    r = row_named(&rows, "eth2");
    assert_true(r->marked);
    assert_string_equal(r->mark_key, "virtio_relay");
    /* delete: no "new" */
    assert_int_equal(apply(&rows, "\"u1\":{\"old\":{\"name\":\"eth1\"}}", err, sizeof(err)), 0);
    assert_int_equal(rows.n, 1);
    assert_null(row_named(&rows, "eth1"));
    ovsdb_rows_free(&rows);
}

static void malformed_rows_are_skipped_and_named(void **state)
{
    (void)state;
    struct ovsdb_rows rows = {0};
    char err[256];
    assert_int_equal(apply(&rows,
                           "\"u1\":{\"new\":{\"name\":7,\"external_ids\":[\"map\",[]]}},"
                           "\"u2\":{\"new\":{\"name\":\"eth2\",\"external_ids\":{}}},"
                           "\"u3\":[]," ROW("u4", "eth4", ""),
                           err, sizeof(err)),
                     3);
    assert_int_equal(rows.n, 1);
    assert_non_null(row_named(&rows, "eth4"));
    assert_non_null(strstr(err, "u1"));
    ovsdb_rows_free(&rows);
}

static void replace_drops_missing_rows_and_keeps_notes(void **state)
{
    (void)state;
    struct ovsdb_rows rows = {0};
    char err[256];
    apply(&rows, ROW("u1", "eth1", "") "," ROW("u2", "eth2", ""), err, sizeof(err));
    snprintf(rows.row[0].note, sizeof(rows.row[0].note), "logged once");
    json_object *o = parse("{\"Interface\":{" ROW("u1", "eth1", "") "}}");
    assert_int_equal(ovsdb_rows_replace(&rows, o, err, sizeof(err)), 0);
    json_object_put(o);
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.row[0].note, "logged once");
    ovsdb_rows_free(&rows);
}

static int want(const char *ids, struct port_want *w, char *err, size_t errlen)
{
    struct ovsdb_rows rows = {0};
    char text[1024];
    snprintf(text, sizeof(text), ROW("u1", "eth9", "%s"), ids);
    assert_int_equal(apply(&rows, text, err, errlen), 0);
    int rc = ovsdb_row_want(&rows.row[0], "/nonexistent-sysfs", w, err, errlen);
    ovsdb_rows_free(&rows);
    return rc;
}

static void what_a_row_asks_for(void **state)
{
    (void)state;
    struct port_want w;
    char err[512];
    assert_int_equal(want("[\"other\",\"1\"]", &w, err, sizeof(err)), 0);
    assert_int_equal(want("[\"virtio_forwarder\",\"12\"],[\"virtio_forwarder_device\","
                          "\"net_memif0,socket=/tmp/m\"]",
                          &w, err, sizeof(err)),
                     1);
    assert_int_equal(w.relay_id, 12);
    assert_string_equal(w.device, "net_memif0,socket=/tmp/m");
    assert_int_equal(want("[\"virtio_relay\",\"3\"],[\"virtio_forwarder_device\","
                          "\"0000:05:08.1\"]",
                          &w, err, sizeof(err)),
                     1);
    assert_int_equal(w.relay_id, 3);

    const char *bad_ids[] = {"abc", "64", "-1", "", "1x", " 1"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        char ids[128];
        snprintf(ids, sizeof(ids),
                 "[\"virtio_forwarder\",\"%s\"],"
                 "[\"virtio_forwarder_device\",\"net_null0\"]",
                 bad_ids[i]);
        assert_int_equal(want(ids, &w, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "interface eth9: bad relay id"));
    }
    assert_int_equal(want("[\"virtio_forwarder\",\"1\"],[\"virtio_forwarder_device\","
                          "\"net null\"]",
                          &w, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "is not a DPDK device string"));
    /* no device: the netdev is resolved through sysfs, and is not there */
    assert_int_equal(want("[\"virtio_forwarder\",\"1\"]", &w, err, sizeof(err)), -1);
    assert_string_equal(err, "interface eth9: no such network interface");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classifies_messages),
        cmocka_unit_test(builds_monitor_and_echo_reply),
        cmocka_unit_test(insert_modify_delete),
        cmocka_unit_test(malformed_rows_are_skipped_and_named),
        cmocka_unit_test(replace_drops_missing_rows_and_keeps_notes),
        cmocka_unit_test(what_a_row_asks_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
