/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_ipc_line.c - the IPC command file's lines, split as the monitor
 * splits the file. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ipc_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    for (size_t off = 0; off < size;) {
        const char *nl = memchr(text + off, '\n', size - off);
        size_t n = nl ? (size_t)(nl - (text + off)) : size - off;
        struct ipc_cmd cmd;
        char err[512];
        ipc_line_parse(text + off, n, &cmd, err, sizeof(err));
        off += n + 1;
    }
    return 0;
}
