/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: bytes on the port_control socket -> request checks.
 * Any input must give 0, or -1 with an errno and a reason; and a request
 * that passes must describe something the relay can act on. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "port_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct port_op op;
    int code = 0;
    char err[512] = "";

    if (port_request_parse(data, size, &op, &code, err, sizeof(err)) < 0) {
        if (code <= 0 || err[0] == '\0')
            __builtin_trap();
    } else {
        if (op.kind != PORT_QUERY && (!op.has_relay || op.relay_id >= VIO4WD_MAX_RELAYS))
            __builtin_trap();
        if (op.kind == PORT_ADD && (op.device[0] == '\0' || strchr(op.device, ' ')))
            __builtin_trap();
    }
    uint8_t *reply;
    size_t len = port_reply(code == 0, code, err, NULL, &reply);
    (void)len;
    free(reply);
    return 0;
}
