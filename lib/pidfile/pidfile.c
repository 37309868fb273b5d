/* SPDX-License-Identifier: BSD-3-Clause */
/* pidfile.c - pid file held under flock() for the life of the process. */
#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen)
{
    pf->fd = -1;
    if (snprintf(pf->path, sizeof(pf->path), "%s", path) >= (int)sizeof(pf->path)) {
        snprintf(err, errlen, "pid file path '%s' is too long", path);
        return -1;
    }
    /* 0640: the owner and its group; nobody else needs to signal us. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open pid file %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char holder[32] = "";
        ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        snprintf(err, errlen, "another instance is running (pid %s, lock %s)",
                 holder[0] ? holder : "unknown", path);
        close(fd);
        return -2;
    }
    char text[32];
    int len = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len) {
        snprintf(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    pf->fd = fd;
    return 0;
}

void pidfile_release(struct pidfile *pf)
{
    if (pf->fd < 0)
        return;
    unlink(pf->path); /* while still locked, so no one races us */
    close(pf->fd);
    pf->fd = -1;
}
