/* SPDX-License-Identifier: BSD-3-Clause */
/* listen_addr.c - ADDR:PORT for a listening socket (see listen_addr.h). */
#include "listen_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMS "ADDR:PORT with a numeric address, e.g. 127.0.0.1:9641 or [::1]:9641"

int listen_addr_parse(const char *text, struct listen_addr *out, char *err, size_t errlen)
{
    char host[64];
    const char *colon = strrchr(text, ':');

    memset(out, 0, sizeof(*out));
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof(host)) {
        snprintf(err, errlen, "'%s': expected %s", text, FORMS);
        return -1;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535) {
        snprintf(err, errlen, "'%s': port '%s' is not 1 to 65535", text, colon + 1);
        return -1;
    }
    size_t hl = (size_t)(colon - text);
    memcpy(host, text, hl);
    host[hl] = '\0';

    struct sockaddr_in *v4 = (struct sockaddr_in *)&out->sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->sa;
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) != 1) {
            snprintf(err, errlen, "'%s': '%s' is not an IPv6 address; expected %s", text, host + 1,
                     FORMS);
            return -1;
        }
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        out->len = sizeof(*v6);
        out->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
        return 0;
    }
    if (inet_pton(AF_INET, host, &v4->sin_addr) != 1) {
        snprintf(err, errlen,
                 "'%s': '%s' is not an IPv4 address (IPv6 goes in brackets); "
                 "expected %s",
                 text, host, FORMS);
        return -1;
    }
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    out->len = sizeof(*v4);
    out->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    return 0;
}
