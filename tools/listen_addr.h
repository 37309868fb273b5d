/* SPDX-License-Identifier: BSD-3-Clause */
/* listen_addr.h - parses the exporter's ADDR:PORT and tells a loopback
 * address from one other hosts can reach. No I/O: unit-tested. */
#ifndef VIO4WD_TOOLS_LISTEN_ADDR_H
#define VIO4WD_TOOLS_LISTEN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct listen_addr {
    struct sockaddr_storage sa; /* AF_INET or AF_INET6 */
    socklen_t len;
    bool loopback; /* 127.0.0.0/8 or ::1 */
};

/* "127.0.0.1:9641", "[::1]:9641", "0.0.0.0:9641", "[::]:9641": a numeric
 * address and a port 1-65535. Returns 0, or -1 with err naming the value
 * and what is valid. */
int listen_addr_parse(const char *text, struct listen_addr *out, char *err, size_t errlen);

#endif
