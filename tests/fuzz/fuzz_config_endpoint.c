/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: bytes on the config socket -> the real handler, on the
 * made-up relay table of tests/ctl/fake_tables.c. Every reply must decode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ctl_config.h"
#include "fake_tables.h"
#include "virtioforwarder.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        fake_tables_setup(false);
        ready = 1;
    }
    uint8_t *reply = NULL;
    size_t len = ctl_config_handle(NULL, size % 7 ? data : NULL, size, &reply);
    Virtioforwarder__ConfigResponse *resp =
        virtioforwarder__config_response__unpack(NULL, len, reply);
    if (!resp)
        __builtin_trap();
    virtioforwarder__config_response__free_unpacked(resp, NULL);
    free(reply);
    return 0;
}
