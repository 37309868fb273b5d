/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: bytes on the core_sched socket -> the real handler,
 * including validation and the all-or-nothing apply, on the made-up
 * two-node machine of tests/ctl/fake_tables.c. Every reply must decode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ctl_core_sched.h"
#include "fake_tables.h"
#include "log.h"
#include "virtioforwarder.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_ERR); /* every refusal logs at info */
    fake_tables_setup(size % 2);
    uint8_t *reply = NULL;
    size_t len = ctl_core_sched_handle(NULL, data, size, &reply);
    Virtioforwarder__CoreSchedResponse *resp =
        virtioforwarder__core_sched_response__unpack(NULL, len, reply);
    if (!resp)
        __builtin_trap();
    virtioforwarder__core_sched_response__free_unpacked(resp, NULL);
    free(reply);
    return 0;
}
