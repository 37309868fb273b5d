/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_bind.c - bind policy for the control endpoints. */
#include "ctl_bind.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "log.h"

static bool tcp_allowed;

void ctl_bind_allow_tcp(bool allow)
{
    tcp_allowed = allow;
}

static const char *ipc_path(const char *endpoint)
{
    return strncmp(endpoint, "ipc://", 6) == 0 ? endpoint + 6 : NULL;
}

/* The directory of an ipc:// socket must exist already: the relay creates
 * only its run directory (main.c), so a typo in an endpoint fails here
 * instead of leaving a tree of directories behind. */
static int check_parent_dir(const char *name, const char *endpoint, const char *path, char *err,
                            size_t errlen)
{
    char dir[512];
    struct stat st;

    if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
        return snprintf(err, errlen, "%s: path %s is too long", name, path), -1;
    char *slash = strrchr(dir, '/');
    if (!slash)
        return 0; /* relative: the working directory */
    slash[slash == dir ? 1 : 0] = '\0';
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    snprintf(err, errlen,
             "%s: cannot bind %s: directory %s %s; create it first or correct the "
             "endpoint (only the run directory is created)",
             name, endpoint, dir, stat(dir, &st) == 0 ? "is not a directory" : "does not exist");
    return -1;
}

int ctl_bind(void *sock, const char *name, const char *endpoint, char *err, size_t errlen)
{
    const char *path = ipc_path(endpoint);

    if (strncmp(endpoint, "tcp://", 6) == 0) {
        if (!tcp_allowed) {
            snprintf(err, errlen,
                     "%s: %s is reachable over the network and the control "
                     "endpoints have no authentication; use ipc://, or start "
                     "with --allow-tcp-endpoints",
                     name, endpoint);
            return -1;
        }
        log_warning("%s on %s: anyone who can reach this port controls the relay", name, endpoint);
    } else if (!path && strncmp(endpoint, "inproc://", 9) != 0) {
        snprintf(err, errlen, "%s: '%s' is not an ipc://, tcp:// or inproc:// endpoint", name,
                 endpoint);
        return -1;
    }
    if (path) {
        if (check_parent_dir(name, endpoint, path, err, errlen) < 0)
            return -1;
        unlink(path); /* a stale socket of a relay that died */
    }
    if (zmq_bind(sock, endpoint) != 0) {
        snprintf(err, errlen, "%s: cannot bind %s: %s", name, endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    if (path && chmod(path, 0660) < 0)
        log_warning("%s: cannot chmod %s: %s", name, path, strerror(errno));
    return 0;
}

void ctl_bind_cleanup(const char *endpoint)
{
    const char *path = ipc_path(endpoint);
    if (path)
        unlink(path);
}
