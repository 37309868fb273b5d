/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_ovsdb.c - what the OVSDB monitor does with bytes from ovsdb-server:
 * split the stream into JSON values, classify each as a JSON-RPC message,
 * apply monitor replies and updates to the Interface rows, work out what
 * each row asks for, and answer echoes. */
#include <stddef.h>
#include <stdint.h>

#include "ovsdb_rows.h"

static void handle(json_object *obj, struct ovsdb_rows *rows)
{
    struct ovsdb_msg m;
    char err[256];
    if (ovsdb_msg_parse(obj, &m, err, sizeof(err)) < 0)
        return;
    if (m.kind == OVSDB_MSG_ECHO) {
        json_object *reply = ovsdb_echo_reply(&m);
        json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
        json_object_put(reply);
    } else if (m.kind == OVSDB_MSG_UPDATE) {
        ovsdb_rows_apply(rows, m.updates, err, sizeof(err));
    } else if (m.kind == OVSDB_MSG_REPLY && m.result) {
        ovsdb_rows_replace(rows, m.result, err, sizeof(err));
    }
    for (size_t i = 0; i < rows->n; i++) {
        struct port_want w;
        char why[512];
        ovsdb_row_want(&rows->row[i], "/nonexistent-sysfs", &w, why, sizeof(why));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_rows rows = {0};
    json_tokener *tok = json_tokener_new();
    size_t off = 0;
    while (off < size) {
        json_object *obj = json_tokener_parse_ex(tok, (const char *)data + off, (int)(size - off));
        if (!obj)
            break; /* incomplete or bad: the monitor reconnects */
        size_t used = json_tokener_get_parse_end(tok);
        off += used ? used : 1;
        json_tokener_reset(tok);
        handle(obj, &rows);
        json_object_put(obj);
    }
    json_tokener_free(tok);
    ovsdb_rows_free(&rows);
    return 0;
}
