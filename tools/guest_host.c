/* SPDX-License-Identifier: BSD-3-Clause */
/* guest_host.c - the host facts a guest check needs, read from sysfs. */
#include "guest.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int by_size(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

void guest_host_read(struct guest_host *host, const char *dir)
{
    memset(host, 0, sizeof(*host));
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        unsigned long kib;
        char tail[8];
        /* "hugepages-2048kB": exactly that shape, nothing after. */
        if (sscanf(e->d_name, "hugepages-%lu%7s", &kib, tail) == 2 && strcmp(tail, "kB") == 0 &&
            host->n_hugepage_sizes < GUEST_MAX_HUGEPAGE_SIZES)
            host->hugepage_kib[host->n_hugepage_sizes++] = kib;
    }
    closedir(d);
    qsort(host->hugepage_kib, host->n_hugepage_sizes, sizeof(host->hugepage_kib[0]), by_size);
}
