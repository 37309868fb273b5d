/* vhost.h - vhost-user backends through DPDK's rte_vhost library. */
#ifndef VIO4WD_VHOST_H
#define VIO4WD_VHOST_H

#include <stddef.h>

#include "config.h"

/* Remembers the global options (client mode, features, ownership). */
void vhost_init(const struct vio4wd_config *cfg);

/* Registers and starts the socket at 'path'. In server mode the socket is
 * created now, with VIRTIOFWD_SOCKET_OWNER/GROUP applied; in client mode
 * the library connects, and reconnects whenever the peer goes away. */
int vhost_socket_start(const char *path, char *err, size_t errlen);

/* Unregisters (disconnecting any guest) and removes the socket file.
 * Must not be called with relay_lock() held. */
void vhost_socket_stop(const char *path);

#endif
