/* SPDX-License-Identifier: BSD-3-Clause */
/* pin_args.c - core_pinner's --virtio-cpu values (pin_args.h). */
#include "pin_args.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int tool_parse_pin(const char *text, struct vio4wd_cpu_pin *pins, size_t *n, size_t max, char *err,
                   size_t errlen)
{
    struct vio4wd_config scratch;
    char msg[512];

    /* The configuration parser splits lists at white space; one value is
     * one pin, so white space inside it is an error of its own. */
    for (const char *p = text; *p; p++)
        if (isspace((unsigned char)*p)) {
            snprintf(err, errlen,
                     "--virtio-cpu '%s': no spaces allowed; give one "
                     "R:C1[,C2] per --virtio-cpu",
                     text);
            return -1;
        }
    config_init(&scratch);
    if (!*text || config_set(&scratch, "VIRTIOFWD_CPU_PINS", text, msg, sizeof(msg)) != 0 ||
        scratch.n_cpu_pins != 1) {
        /* The parser's message starts with "VARIABLE='value': "; keep only
         * what follows, under the option's name. */
        const char *why = strstr(msg, "': ");
        snprintf(err, errlen, "--virtio-cpu '%s': %s", text,
                 *text && why ? why + 3 : "expected <relay>:<cpu>[,<cpu>], as in 0:1 or 0:1,2");
        return -1;
    }
    for (size_t i = 0; i < *n; i++)
        if (pins[i].relay_id == scratch.cpu_pins[0].relay_id) {
            snprintf(err, errlen, "--virtio-cpu '%s': relay %u is already pinned", text,
                     pins[i].relay_id);
            return -1;
        }
    if (*n >= max) {
        snprintf(err, errlen, "--virtio-cpu '%s': at most %zu pins at once", text, max);
        return -1;
    }
    pins[(*n)++] = scratch.cpu_pins[0];
    return 0;
}
