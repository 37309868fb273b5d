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

/* mkdir -p of the directory holding 'path', new directories 0750. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
    char dir[512];
    if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
        return snprintf(err, errlen, "path %s is too long", path), -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory %s: %s", dir, strerror(errno));
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

int ctl_bind(void *sock, const char *name, const char *endpoint, char *err, size_t errlen)
{
    const char *path = ipc_path(endpoint);

    if (strncmp(endpoint, "tcp://", 6) == 0) {
        if (!tcp_allowed) {
            snprintf(err, errlen, "%s: %s is reachable over the network and the control "
                                  "endpoints have no authentication; use ipc://, or start "
                                  "with --allow-tcp-endpoints", name, endpoint);
            return -1;
        }
        log_warning("%s on %s: anyone who can reach this port controls the relay", name,
                    endpoint);
    } else if (!path && strncmp(endpoint, "inproc://", 9) != 0) {
        snprintf(err, errlen, "%s: '%s' is not an ipc://, tcp:// or inproc:// endpoint", name,
                 endpoint);
        return -1;
    }
    if (path) {
        if (make_parent_dirs(path, err, errlen) < 0)
            return -1;
        unlink(path);       /* a stale socket of a relay that died */
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
