/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl.h - the control thread's ZeroMQ endpoints and its poll loop.
 *
 * Every endpoint is a REP socket with a handler that turns one request into
 * one reply. The loop (on the main lcore thread) polls all of them; adding
 * an endpoint is one ctl_add_rep() call from its relay/ctl_*.c file. The
 * framework bounds message size, discards multi-part garbage (the handler
 * sees it as malformed), uses send/receive timeouts, and recreates a socket
 * whose REP state machine got stuck, so no client can wedge the thread.
 */
#ifndef VIO4WD_CTL_H
#define VIO4WD_CTL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_MAX_ENDPOINTS 8
#define CTL_MAX_WATCHES   4
#define CTL_MAX_MSG       (1 << 20) /* larger requests are dropped */

/* Handles one request. 'req' is NULL when the request was unusable (too
 * large, multi-part); the handler should then build an error reply.
 * Returns a malloc()ed reply in *reply (the framework frees it) and its
 * length; a 0-length reply is sent as an empty frame. */
typedef size_t ctl_handler_fn(void *opaque, const uint8_t *req, size_t len, uint8_t **reply);

int ctl_init(void);
void *ctl_context(void);

/* Binds a REP socket on 'endpoint' ("ipc:///path", "tcp://host:port").
 * For ipc:// the directory is created (0750) and the socket made 0660. */
int ctl_add_rep(const char *name, const char *endpoint, ctl_handler_fn *handler, void *opaque,
                char *err, size_t errlen);

/* A file descriptor the loop watches besides its endpoints (the OVSDB
 * connection, the IPC command file's inotify). fd() is asked on every turn,
 * since it may change (a reconnect) or be -1 (nothing to watch now);
 * ready() runs when it is readable; tick() (may be NULL) runs on every turn,
 * at least every 50 ms, for timers such as a reconnect backoff; stop() (may
 * be NULL) runs at ctl_shutdown(). */
struct ctl_watch {
    const char *name;
    int (*fd)(void *opaque);
    void (*ready)(void *opaque);
    void (*tick)(void *opaque);
    void (*stop)(void *opaque);
    void *opaque;
};

int ctl_add_watch(const struct ctl_watch *watch, char *err, size_t errlen);

/* Polls the endpoints and watches until *stop becomes non-zero. */
void ctl_run(volatile sig_atomic_t *stop);

/* Closes every endpoint (removing ipc socket files) and the context. */
void ctl_shutdown(void);

#endif
