/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_file.c - read the command file after checking who could have written it. */
#include "ipc_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check(const char *path, const struct stat *st, uid_t owner, char *err, size_t errlen)
{
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s is not a regular file; refused", path);
        return -1;
    }
    if (st->st_uid != owner && st->st_uid != 0) {
        snprintf(err, errlen,
                 "%s is owned by uid %u, not by the relay's user (uid %u) or root; "
                 "refused, since whoever writes it plugs ports",
                 path, (unsigned)st->st_uid, (unsigned)owner);
        return -1;
    }
    if (st->st_mode & S_IWOTH) {
        snprintf(err, errlen,
                 "%s is world-writable (mode %04o); refused, since whoever writes "
                 "it plugs ports: chmod o-w",
                 path, (unsigned)(st->st_mode & 07777));
        return -1;
    }
    if (st->st_size > IPC_FILE_MAX) {
        snprintf(err, errlen, "%s is %lld bytes; refused, at most %d", path, (long long)st->st_size,
                 IPC_FILE_MAX);
        return -1;
    }
    return 0;
}

int ipc_file_read(const char *path, uid_t owner, char **text, size_t *len, struct stat *st,
                  char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    /* O_NOFOLLOW: a link planted in /tmp must not make us read another file;
     * O_NONBLOCK: a FIFO must not stall the control loop. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
                 errno == ELOOP ? " (a symbolic link; refused)" : "");
        return -1;
    }
    if (fstat(fd, st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (check(path, st, owner, err, errlen) < 0) {
        close(fd);
        return -1;
    }
    char *buf = malloc((size_t)st->st_size + 1);
    size_t used = 0;
    ssize_t n = 0;
    while (buf && used < (size_t)st->st_size &&
           (n = read(fd, buf + used, (size_t)st->st_size - used)) > 0)
        used += (size_t)n;
    close(fd);
    if (!buf || n < 0) {
        snprintf(err, errlen, "%s: %s", path, buf ? strerror(errno) : "out of memory");
        free(buf);
        return -1;
    }
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return 0;
}
