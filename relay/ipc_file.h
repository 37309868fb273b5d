/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_file.h - reading the IPC command file, if it is safe to obey: anyone
 * who can write it can plug ports. (No DPDK: unit-tested on temp files.) */
#ifndef VIO4WD_IPC_FILE_H
#define VIO4WD_IPC_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define IPC_FILE_MAX (1 << 20) /* larger files are refused */

/* Reads 'path' whole into a malloc()ed, NUL-terminated buffer. Refuses
 * (-1, err says why) a symbolic link, anything but a regular file, a file
 * owned by anyone but 'owner' or root, and a world-writable one. Returns 1
 * when there is no such file. 'st' receives what was opened (when it was),
 * so the caller can remove that file and not one written since. */
int ipc_file_read(const char *path, uid_t owner, char **text, size_t *len, struct stat *st,
                  char *err, size_t errlen);

#endif
