/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_monitor.c - port control from upstream's IPC command file.
 *
 * Upstream stats the file every millisecond and reads its first 128 bytes.
 * Here inotify on its directory says when a writer has closed it (or moved
 * a finished file into place); then every line is read and obeyed, bad
 * lines are reported by number, and the file is removed, as upstream does,
 * so each command runs once. A file anyone but the relay's user or root
 * could have written is refused (ipc_file.c).
 */
#include "ipc_monitor.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "ipc_file.h"
#include "ipc_line.h"
#include "log.h"
#include "netdev_vf.h"
#include "port_claims.h"
#include "relay.h"

static struct {
    char path[VIO4WD_PATH_MAX];
    char dir[VIO4WD_PATH_MAX];
    char base[NAME_MAX + 1];
    int fd; /* inotify */
    struct port_claims claims;
} g = {.fd = -1, .claims = {.source = "IPC file"}};

static void add_port(const struct ipc_cmd *cmd, unsigned lineno)
{
    struct port_want w;
    char err[768];
    if (cmd->has_device) {
        w.relay_id = cmd->relay_id;
        snprintf(w.device, sizeof(w.device), "%s", cmd->device);
        snprintf(w.how, sizeof(w.how), "device= in the command file");
    } else if (netdev_vf_want(netdev_vf_sysfs_root(), cmd->ifname, VIO4WD_MAX_RELAYS, &w, err,
                              sizeof(err)) < 0) {
        log_warning("IPC file %s line %u: add_port %s; ignored", g.path, lineno, err);
        return;
    }
    int had = port_claims_find(&g.claims, cmd->ifname);
    if (had >= 0) {
        log_warning("IPC file %s line %u: add_port %s: already on relay %d; ignored", g.path,
                    lineno, cmd->ifname, had);
        return;
    }
    if (port_claims_attach(&g.claims, w.relay_id, cmd->ifname, w.device, w.how, err, sizeof(err)) !=
        0)
        log_warning("IPC file %s line %u: add_port %s; ignored", g.path, lineno, err);
}

static void run_line(const char *line, size_t len, unsigned lineno)
{
    struct ipc_cmd cmd;
    char err[512];
    int rc = ipc_line_parse(line, len, &cmd, err, sizeof(err));
    if (rc < 0)
        log_warning("IPC file %s line %u: %s; ignored", g.path, lineno, err);
    if (rc <= 0)
        return;
    if (cmd.op == IPC_ADD_PORT) {
        add_port(&cmd, lineno);
        return;
    }
    int id = port_claims_find(&g.claims, cmd.ifname);
    if (id < 0)
        log_warning("IPC file %s line %u: del_port %s: no relay has it through this file; "
                    "ignored",
                    g.path, lineno, cmd.ifname);
    else
        port_claims_release(&g.claims, (unsigned)id, "was deleted (del_port)");
}

/* Removes the file we read, unless a writer has put a new one in its place. */
static void consume(const struct stat *read)
{
    struct stat now;
    if (lstat(g.path, &now) == 0 && now.st_dev == read->st_dev && now.st_ino == read->st_ino &&
        unlink(g.path) < 0)
        log_warning("IPC file %s: cannot remove it: %s", g.path, strerror(errno));
}

static void run_file(void)
{
    char *text, err[512];
    size_t len;
    struct stat st;
    int rc = ipc_file_read(g.path, geteuid(), &text, &len, &st, err, sizeof(err));
    if (rc == 1)
        return;
    if (rc < 0) {
        /* Removed as well: a refused file left in place could be fixed up
         * (chmod) later and then obeyed, by surprise. */
        log_warning("IPC file: %s; removed", err);
        unlink(g.path);
        return;
    }
    consume(&st);
    relay_lock(); /* port changes come one at a time */
    unsigned lineno = 0;
    for (size_t off = 0; off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
        run_line(text + off, n, ++lineno);
        off += n + 1;
    }
    relay_unlock();
    free(text);
}

static int watch_fd(void *opaque)
{
    (void)opaque;
    return g.fd;
}

static void watch_ready(void *opaque)
{
    char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    bool ours = false;
    ssize_t n;
    (void)opaque;
    while ((n = read(g.fd, buf, sizeof(buf))) > 0)
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            if ((ev->mask & IN_Q_OVERFLOW) || (ev->len && strcmp(ev->name, g.base) == 0))
                ours = true;
            if (ev->mask & IN_IGNORED)
                log_err("IPC file: directory %s went away; no more port commands", g.dir);
            p += sizeof(*ev) + ev->len;
        }
    if (ours)
        run_file();
}

static void watch_stop(void *opaque)
{
    (void)opaque;
    if (g.fd >= 0)
        close(g.fd);
    g.fd = -1;
}

int ipc_monitor_start(const char *path, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    if (path[0] != '/' || !slash[1] || strlen(path) >= sizeof(g.path)) {
        snprintf(err, errlen,
                 "VIO4WD_IPC_PORT_CONTROL_FILE='%s': expected an absolute file "
                 "path, such as /tmp/vio_cmd",
                 path);
        return -1;
    }
    snprintf(g.path, sizeof(g.path), "%s", path);
    snprintf(g.base, sizeof(g.base), "%s", slash + 1);
    snprintf(g.dir, sizeof(g.dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
    g.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (g.fd < 0 || inotify_add_watch(g.fd, g.dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        snprintf(err, errlen, "IPC file %s: cannot watch directory %s: %s", path, g.dir,
                 strerror(errno));
        watch_stop(NULL);
        return -1;
    }
    const struct ctl_watch w = {
        .name = "ipc", .fd = watch_fd, .ready = watch_ready, .stop = watch_stop};
    if (ctl_add_watch(&w, err, errlen) != 0) {
        watch_stop(NULL);
        return -1;
    }
    run_file(); /* a command written before we started */
    return 0;
}
