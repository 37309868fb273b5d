/* SPDX-License-Identifier: BSD-3-Clause */
/* pidfile.h - a pid file that is also the single-instance lock.
 *
 * The file stays open and flock()ed for the life of the process, so a stale
 * file left by a crash never blocks a restart, and a second instance is
 * refused while the first one lives.
 */
#ifndef VIO4WD_PIDFILE_H
#define VIO4WD_PIDFILE_H

#include <stddef.h>

struct pidfile {
    int fd;
    char path[4096];
};

/* Creates 'path' (not its directory), locks it and writes our pid. Returns 0;
 * -2 when another live process holds it (err names that process's pid); -1
 * when the file cannot be created or written (err says why). */
int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen);

/* Unlinks and closes; safe to call twice or after a failed acquire. */
void pidfile_release(struct pidfile *pf);

#endif
