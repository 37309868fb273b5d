/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: vio4wd-exporter's --listen ADDR:PORT parser
 * (tools/listen_addr.c). Any text either parses into an address of a known
 * family with a port, or is refused with a message naming it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "listen_addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256], err[512];
    struct listen_addr a;

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (listen_addr_parse(text, &a, err, sizeof(err)) == 0) {
        if (a.sa.ss_family == AF_INET)
            return ((struct sockaddr_in *)&a.sa)->sin_port == 0 ? (abort(), 0) : 0;
        if (a.sa.ss_family != AF_INET6 || ((struct sockaddr_in6 *)&a.sa)->sin6_port == 0)
            abort();
    } else if (strstr(err, text) == NULL) {
        abort(); /* a refusal names the value */
    }
    return 0;
}
