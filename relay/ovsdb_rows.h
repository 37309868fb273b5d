/* SPDX-License-Identifier: BSD-3-Clause */
/* ovsdb_rows.h - OVSDB's JSON-RPC messages (RFC 7047) as the monitor needs
 * them, and the Interface rows they describe. No DPDK and no I/O here: it is
 * unit-tested and fuzzed on its own.
 *
 * What a row asks for: an interface is relayed while its external_ids has
 * virtio_forwarder (or virtio_relay, which upstream also accepts), whose
 * value must be a relay number. Then either
 *   - external_ids:virtio_forwarder_device=<DPDK device string> names the
 *     device directly (vdevs, representors): it goes to the relay the value
 *     names; or
 *   - the interface's netdev is resolved to its VF through sysfs, and, as
 *     upstream does, the VF serves the relay numbered as the VF (virtfnN).
 */
#ifndef VIO4WD_OVSDB_ROWS_H
#define VIO4WD_OVSDB_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "netdev_vf.h"

#define OVSDB_KEY_MARK     "virtio_forwarder"
#define OVSDB_KEY_MARK_ALT "virtio_relay"
#define OVSDB_KEY_DEVICE   "virtio_forwarder_device"

#define OVSDB_UUID_MAX 40
#define OVSDB_NAME_MAX 64
#define OVSDB_MARK_MAX 64

struct ovsdb_row {
    char uuid[OVSDB_UUID_MAX];
    char name[OVSDB_NAME_MAX];
    bool marked;
    const char *mark_key;           /* OVSDB_KEY_MARK or _ALT */
    char mark[OVSDB_MARK_MAX];      /* its value, truncated */
    char device[VIO4WD_DEVICE_MAX]; /* OVSDB_KEY_DEVICE, "" = none */
    bool device_too_long;
    bool changed;    /* by the last apply; the user clears it */
    bool seen;       /* listed by the current replace */
    char note[1024]; /* last thing logged about it */
};

struct ovsdb_rows {
    struct ovsdb_row *row;
    size_t n, cap;
};

enum ovsdb_msg_kind {
    OVSDB_MSG_ECHO,   /* a request we must answer */
    OVSDB_MSG_UPDATE, /* monitor notification: 'updates' is its table-updates */
    OVSDB_MSG_REPLY,  /* a reply to one of ours: 'id', 'result' or 'error' */
    OVSDB_MSG_OTHER,  /* a request we do not know: ignored */
};

struct ovsdb_msg {
    enum ovsdb_msg_kind kind;
    json_object *id, *params, *result, *error, *updates; /* borrowed */
};

/* Classifies one JSON-RPC message. -1 (err says why) when it is not one. */
int ovsdb_msg_parse(json_object *msg, struct ovsdb_msg *out, char *err, size_t errlen);

/* {"method":"monitor","params":["Open_vSwitch",null,{"Interface":
 *  {"columns":["name","external_ids"]}}],"id":id} (caller puts it). */
json_object *ovsdb_monitor_request(int64_t id);

/* The reply to an echo request: its params back, with its id. */
json_object *ovsdb_echo_reply(const struct ovsdb_msg *echo);

/* Applies a table-updates object (a monitor reply's result or an update's)
 * to rows: Interface rows inserted, modified or deleted, marked changed.
 * Rows that are malformed are skipped; returns their number, with err
 * describing the first. Other tables are ignored. */
int ovsdb_rows_apply(struct ovsdb_rows *rows, json_object *table_updates, char *err, size_t errlen);

/* The same for a monitor reply, which is the whole table: rows it does not
 * list are deleted. Rows it lists keep their note, so a resync after a
 * reconnect does not log the same complaint again. */
int ovsdb_rows_replace(struct ovsdb_rows *rows, json_object *table_updates, char *err,
                       size_t errlen);

void ovsdb_rows_free(struct ovsdb_rows *rows);

/* What a row asks for: 0 nothing (not marked), 1 'want' filled, -1 it
 * cannot be acted on (err names the interface and why). */
int ovsdb_row_want(const struct ovsdb_row *row, const char *sysfs_root, struct port_want *want,
                   char *err, size_t errlen);

#endif
