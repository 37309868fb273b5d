/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target for the replay trace reader (sched/trace.c): any bytes,
 * split into lines as trace_next() would, must parse or be rejected with
 * a message; never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        struct sched_state st;
        char err[512];

        if (trace_parse_line(p, len, 0.0, &st, err, sizeof(err)) > 0) {
            /* what replay does next with a state: copy it */
            struct sched_state copy;
            if (sched_state_copy(&copy, &st) == 0)
                sched_state_free(&copy);
            sched_state_free(&st);
        } else if (err[0] == '\0' && len > 0 && p[0] == '{') {
            __builtin_trap(); /* a rejection must say why */
        }
        p += len;
    }
    return 0;
}
