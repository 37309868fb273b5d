/* vhost.h - vhost-user backends through DPDK's rte_vhost library. */
#ifndef VIO4WD_VHOST_H
#define VIO4WD_VHOST_H

#include <stddef.h>

#include <sys/types.h>

#include "config.h"

/* Remembers the global options (client mode, features, ownership). */
void vhost_init(const struct vio4wd_config *cfg);

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
