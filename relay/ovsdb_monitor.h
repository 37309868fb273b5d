/* SPDX-License-Identifier: BSD-3-Clause */
/* ovsdb_monitor.h - port control from OVSDB (upstream's default mode).
 *
 * Speaks RFC 7047 JSON-RPC over ovsdb-server's unix socket, monitors the
 * Interface table's name and external_ids, and keeps the relays in step
 * with the rows marked external_ids:virtio_forwarder (see ovsdb_rows.h for
 * what a mark means). Runs in the control loop (ctl_add_watch); reconnects
 * with backoff when ovsdb-server goes away, and resynchronises after.
 */
#ifndef VIO4WD_OVSDB_MONITOR_H
#define VIO4WD_OVSDB_MONITOR_H

#include <stddef.h>

int ovsdb_monitor_start(const char *sock_path, char *err, size_t errlen);

#endif
