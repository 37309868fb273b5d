/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_bind.h - where and how the relay's control sockets may listen.
 *
 * The endpoints have no authentication, so they default to ipc:// under a
 * 0750 directory with 0660 socket files; tcp:// is refused unless the
 * operator explicitly allowed it (and then warned about). Every endpoint,
 * REP or ROUTER, binds through here so the policy lives in one place.
 */
#ifndef VIO4WD_CTL_BIND_H
#define VIO4WD_CTL_BIND_H

#include <stdbool.h>
#include <stddef.h>

void ctl_bind_allow_tcp(bool allow);

/* Binds zmq socket 'sock' to 'endpoint'. For ipc:// it creates the missing
 * directories (0750), removes a stale socket file and makes the new one
 * 0660. 'name' labels messages ("stats endpoint"). */
int ctl_bind(void *sock, const char *name, const char *endpoint, char *err, size_t errlen);

/* Removes the socket file of an ipc:// endpoint (after zmq_close). */
void ctl_bind_cleanup(const char *endpoint);

#endif
