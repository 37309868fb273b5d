/* SPDX-License-Identifier: BSD-3-Clause */
/* ovsdb_rows.c - OVSDB JSON-RPC messages and the Interface rows. */
#include "ovsdb_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_text.h"

static json_object *member(json_object *obj, const char *key)
{
    json_object *v = NULL;
    return json_object_is_type(obj, json_type_object) && json_object_object_get_ex(obj, key, &v)
               ? v
               : NULL;
}

int ovsdb_msg_parse(json_object *msg, struct ovsdb_msg *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!json_object_is_type(msg, json_type_object)) {
        snprintf(err, errlen, "a JSON-RPC message is an object");
        return -1;
    }
    json_object *method = member(msg, "method");
    out->id = member(msg, "id");
    out->params = member(msg, "params");
    if (!method) {
        out->result = member(msg, "result");
        out->error = member(msg, "error");
        if (!json_object_object_get_ex(msg, "id", NULL) || (!out->result && !out->error)) {
            snprintf(err, errlen,
                     "neither a request (no method) nor a reply (no id with "
                     "result or error)");
            return -1;
        }
        out->kind = OVSDB_MSG_REPLY;
        return 0;
    }
    if (!json_object_is_type(method, json_type_string)) {
        snprintf(err, errlen, "method is not a string");
        return -1;
    }
    const char *name = json_object_get_string(method);
    if (strcmp(name, "echo") == 0) {
        out->kind = OVSDB_MSG_ECHO;
        return 0;
    }
    if (strcmp(name, "update") == 0) {
        if (!json_object_is_type(out->params, json_type_array) ||
            json_object_array_length(out->params) != 2 ||
            !json_object_is_type(json_object_array_get_idx(out->params, 1), json_type_object)) {
            snprintf(err, errlen, "update: params must be [json-value, table-updates]");
            return -1;
        }
        out->kind = OVSDB_MSG_UPDATE;
        out->updates = json_object_array_get_idx(out->params, 1);
        return 0;
    }
    out->kind = OVSDB_MSG_OTHER;
    return 0;
}

json_object *ovsdb_monitor_request(int64_t id)
{
    json_object *req = json_object_new_object(), *params = json_object_new_array();
    json_object *tables = json_object_new_object(), *iface = json_object_new_object();
    json_object *cols = json_object_new_array();
    json_object_array_add(cols, json_object_new_string("name"));
    json_object_array_add(cols, json_object_new_string("external_ids"));
    json_object_object_add(iface, "columns", cols);
    json_object_object_add(tables, "Interface", iface);
    json_object_array_add(params, json_object_new_string("Open_vSwitch"));
    json_object_array_add(params, NULL); /* json-value echoed in updates */
    json_object_array_add(params, tables);
    json_object_object_add(req, "method", json_object_new_string("monitor"));
    json_object_object_add(req, "params", params);
    json_object_object_add(req, "id", json_object_new_int64(id));
    return req;
}

json_object *ovsdb_echo_reply(const struct ovsdb_msg *echo)
{
    json_object *reply = json_object_new_object();
    json_object_object_add(reply, "result",
                           echo->params ? json_object_get(echo->params) : json_object_new_array());
    json_object_object_add(reply, "error", NULL);
    json_object_object_add(reply, "id", echo->id ? json_object_get(echo->id) : NULL);
    return reply;
}

/* ---- rows --------------------------------------------------------------- */

static struct ovsdb_row *find_row(struct ovsdb_rows *rows, const char *uuid)
{
    for (size_t i = 0; i < rows->n; i++)
        if (strcmp(rows->row[i].uuid, uuid) == 0)
            return &rows->row[i];
    return NULL;
}

/* A new row at the end; the caller fills it whole. */
static struct ovsdb_row *add_row(struct ovsdb_rows *rows)
{
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? rows->cap * 2 : 16;
        struct ovsdb_row *row = realloc(rows->row, cap * sizeof(*row));
        if (!row)
            return NULL;
        rows->row = row;
        rows->cap = cap;
    }
    return &rows->row[rows->n++];
}

static void delete_row(struct ovsdb_rows *rows, struct ovsdb_row *r)
{
    *r = rows->row[--rows->n];
}

/* A string into a fixed buffer; false when it is not a string or too long. */
static bool copy_string(json_object *v, char *buf, size_t len)
{
    if (!json_object_is_type(v, json_type_string) || (size_t)json_object_get_string_len(v) >= len)
        return false;
    memcpy(buf, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
    return strlen(buf) == (size_t)json_object_get_string_len(v); /* no NUL inside */
}

/* external_ids, ["map", [[k, v], ...]], into the row's mark and device. */
static bool read_external_ids(json_object *ids, struct ovsdb_row *r)
{
    r->marked = false;
    r->mark_key = NULL;
    r->mark[0] = r->device[0] = '\0';
    r->device_too_long = false;
    if (!json_object_is_type(ids, json_type_array) || json_object_array_length(ids) != 2 ||
        !json_object_is_type(json_object_array_get_idx(ids, 0), json_type_string) ||
        strcmp(json_object_get_string(json_object_array_get_idx(ids, 0)), "map") != 0)
        return false;
    json_object *pairs = json_object_array_get_idx(ids, 1);
    if (!json_object_is_type(pairs, json_type_array))
        return false;
    for (size_t i = 0; i < json_object_array_length(pairs); i++) {
        json_object *pair = json_object_array_get_idx(pairs, i);
        if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) != 2)
            return false;
        json_object *k = json_object_array_get_idx(pair, 0),
                    *v = json_object_array_get_idx(pair, 1);
        if (!json_object_is_type(k, json_type_string) || !json_object_is_type(v, json_type_string))
            return false;
        const char *key = json_object_get_string(k), *val = json_object_get_string(v);
        if (strcmp(key, OVSDB_KEY_MARK) == 0 ||
            (strcmp(key, OVSDB_KEY_MARK_ALT) == 0 && !r->marked)) {
            r->marked = true;
            r->mark_key = strcmp(key, OVSDB_KEY_MARK) == 0 ? OVSDB_KEY_MARK : OVSDB_KEY_MARK_ALT;
            snprintf(r->mark, sizeof(r->mark), "%s", val);
        } else if (strcmp(key, OVSDB_KEY_DEVICE) == 0) {
            r->device_too_long = strlen(val) >= sizeof(r->device);
            snprintf(r->device, sizeof(r->device), "%s", r->device_too_long ? "?" : val);
        }
    }
    return true;
}

/* One row-update: {"old": ..., "new": ...}; "new" carries every monitored
 * column for initial, insert and modify (RFC 7047 4.1.6), none for delete. */
static int apply_row(struct ovsdb_rows *rows, const char *uuid, json_object *update, char *err,
                     size_t errlen)
{
    struct ovsdb_row *r = find_row(rows, uuid);
    json_object *new = member(update, "new");
    if (!json_object_is_type(update, json_type_object)) {
        snprintf(err, errlen, "row %.40s: a row-update is an object", uuid);
        return -1;
    }
    if (!new) {
        if (r)
            delete_row(rows, r);
        return 0;
    }
    struct ovsdb_row next;
    memset(&next, 0, sizeof(next));
    if (strlen(uuid) >= sizeof(next.uuid) ||
        !copy_string(member(new, "name"), next.name, sizeof(next.name))) {
        snprintf(err, errlen,
                 "row %.40s: no usable interface name (a string of up to %d "
                 "bytes)",
                 uuid, OVSDB_NAME_MAX - 1);
        return -1;
    }
    if (!read_external_ids(member(new, "external_ids"), &next)) {
        snprintf(err, errlen, "interface %s: external_ids is not a map of strings", next.name);
        return -1;
    }
    if (r) /* an existing row keeps its note */
        snprintf(next.note, sizeof(next.note), "%s", r->note);
    else if (!(r = add_row(rows))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(next.uuid, sizeof(next.uuid), "%s", uuid);
    next.changed = next.seen = true;
    *r = next;
    return 0;
}

int ovsdb_rows_apply(struct ovsdb_rows *rows, json_object *table_updates, char *err, size_t errlen)
{
    int bad = 0;
    char first[256] = "";
    if (!json_object_is_type(table_updates, json_type_object)) {
        snprintf(err, errlen, "table-updates is not an object");
        return 1;
    }
    json_object *iface = member(table_updates, "Interface");
    if (!iface)
        return 0;
    if (!json_object_is_type(iface, json_type_object)) {
        snprintf(err, errlen, "Interface updates are not an object");
        return 1;
    }
    json_object_object_foreach(iface, uuid, update)
    {
        char why[256];
        if (apply_row(rows, uuid, update, why, sizeof(why)) < 0 && bad++ == 0)
            snprintf(first, sizeof(first), "%s", why);
    }
    if (bad)
        snprintf(err, errlen, "%s", first);
    return bad;
}

int ovsdb_rows_replace(struct ovsdb_rows *rows, json_object *table_updates, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < rows->n; i++)
        rows->row[i].seen = false;
    int bad = ovsdb_rows_apply(rows, table_updates, err, errlen);
    for (size_t i = 0; i < rows->n;)
        if (!rows->row[i].seen)
            delete_row(rows, &rows->row[i]);
        else
            i++;
    return bad;
}

void ovsdb_rows_free(struct ovsdb_rows *rows)
{
    free(rows->row);
    memset(rows, 0, sizeof(*rows));
}

/* ---- what a row asks for ------------------------------------------------ */

int ovsdb_row_want(const struct ovsdb_row *row, const char *sysfs_root, struct port_want *want,
                   char *err, size_t errlen)
{
    unsigned id;
    if (!row->marked)
        return 0;
    if (!port_text_relay_id(row->mark, &id)) {
        snprintf(err, errlen,
                 "interface %s: bad relay id '%s' in external_ids:%s; expected "
                 "a number, 0 to %d",
                 row->name, row->mark, row->mark_key, VIO4WD_MAX_RELAYS - 1);
        return -1;
    }
    if (row->device[0]) {
        if (row->device_too_long || !port_text_is_device(row->device)) {
            snprintf(err, errlen,
                     "interface %s: external_ids:%s '%.64s' is not a DPDK device "
                     "string (as in net_null0 or 0000:05:08.1); at most %d characters, no "
                     "spaces",
                     row->name, OVSDB_KEY_DEVICE, row->device_too_long ? "(too long)" : row->device,
                     VIO4WD_DEVICE_MAX - 1);
            return -1;
        }
        want->relay_id = id;
        snprintf(want->device, sizeof(want->device), "%s", row->device);
        snprintf(want->how, sizeof(want->how), "device from external_ids:%s", OVSDB_KEY_DEVICE);
        return 1;
    }
    char why[256];
    if (netdev_vf_want(sysfs_root, row->name, VIO4WD_MAX_RELAYS, want, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "interface %s", why); /* why starts with the name */
        return -1;
    }
    return 1;
}
