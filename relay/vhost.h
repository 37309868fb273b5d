/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost.h - vhost-user backends through DPDK's rte_vhost library. */
#ifndef VIO4WD_VHOST_H
#define VIO4WD_VHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "config.h"

/* What guests do, as rte_vhost's thread reports it. vhost.c knows no relay:
 * the relay table (relay.c) registers these handlers and finds the relay. */
struct vhost_events {
    /* A guest connected on the socket at 'path' as device vid. Returns 0
     * when it is taken (after calling vhost_guest_setup()), -1 to refuse. */
    int (*guest_up)(const char *path, int vid);
    /* Device vid went away. */
    void (*guest_down)(int vid);
    /* The guest enabled or disabled one of its rings. By path as well:
     * rings are enabled before guest_up names the vid. */
    void (*vring_state)(const char *path, int vid, uint16_t ring, bool enable);
};

/* Remembers the global options (client mode, features, ownership). */
void vhost_init(const struct vio4wd_config *cfg);

/* Sets the handlers of guest events (one table for every socket). */
void vhost_set_events(const struct vhost_events *events);

/* Prepares an accepted guest: no kicks on any ring (we poll), and the
 * negotiated features logged. */
void vhost_guest_setup(int vid);

/* The uid and gid the sockets get from VIRTIOFWD_SOCKET_OWNER/GROUP (names
 * or numeric ids; -1 for "keep ours"). Fails, naming the variable, when a
 * name is not a user or group of this host: checked at start, so a typo is
 * an exit-2 error and not 64 warnings. */
int vhost_socket_account(const struct vio4wd_config *cfg, uid_t *uid, gid_t *gid, char *err,
                         size_t errlen);

/* Registers and starts the socket at 'path'. In server mode the socket is
 * created now, with VIRTIOFWD_SOCKET_OWNER/GROUP applied; in client mode
 * the library connects, and reconnects whenever the peer goes away. */
int vhost_socket_start(const char *path, char *err, size_t errlen);

/* Unregisters (disconnecting any guest) and removes the socket file.
 * Must not be called with relay_lock() held. */
void vhost_socket_stop(const char *path);

#endif
