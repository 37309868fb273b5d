/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_line.c - "add_port <netdev>" / "del_port <netdev>" lines. */
#include "ipc_line.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_text.h"

#define SYNTAX                                                             \
    "expected 'add_port <netdev> [relay=<0-63> device=<DPDK device>]' or " \
    "'del_port <netdev>'"
#define MAX_WORDS 4

/* Splits at blanks into at most MAX_WORDS words (pointers into buf). */
static int split(char *buf, char *words[MAX_WORDS + 1])
{
    int n = 0;
    for (char *p = strtok(buf, " \t\r"); p; p = strtok(NULL, " \t\r")) {
        if (n == MAX_WORDS)
            return MAX_WORDS + 1;
        words[n++] = p;
    }
    return n;
}

/* A word as it may be logged: printable ASCII, other bytes as \xNN, cut
 * after about 40 characters. */
static const char *printable(const char *w, char *out, size_t outlen)
{
    size_t used = 0;
    for (; *w && used + 5 < outlen && used < 40; w++) {
        unsigned char c = (unsigned char)*w;
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[used++] = (char)c;
        else
            used += (size_t)snprintf(out + used, outlen - used, "\\x%02x", c);
    }
    out[used] = '\0';
    if (*w && used + 4 < outlen)
        strcat(out, "...");
    return out;
}

static bool is_ifname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= IPC_NAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s; s++)
        if (!isgraph((unsigned char)*s) || *s == '/' || *s == ':')
            return false;
    return true;
}

/* relay=N and device=DEV, in either order, both or neither. */
static int parse_options(char **words, int n, struct ipc_cmd *cmd, char *err, size_t errlen)
{
    bool has_relay = false;
    char shown[200];
    for (int i = 0; i < n; i++) {
        if (strncmp(words[i], "relay=", 6) == 0 && !has_relay) {
            if (!port_text_relay_id(words[i] + 6, &cmd->relay_id)) {
                snprintf(err, errlen, "'%s': the relay is a number, 0 to %d",
                         printable(words[i], shown, sizeof(shown)), VIO4WD_MAX_RELAYS - 1);
                return -1;
            }
            has_relay = true;
        } else if (strncmp(words[i], "device=", 7) == 0 && !cmd->has_device) {
            const char *d = words[i] + 7;
            if (!port_text_is_device(d) || strlen(d) >= sizeof(cmd->device)) {
                snprintf(err, errlen,
                         "'%s': device= takes a DPDK device string (as in "
                         "net_null0 or 0000:05:08.1) of at most %d characters",
                         printable(words[i], shown, sizeof(shown)), VIO4WD_DEVICE_MAX - 1);
                return -1;
            }
            strcpy(cmd->device, d);
            cmd->has_device = true;
        } else {
            snprintf(err, errlen, "'%s' is not an option; " SYNTAX,
                     printable(words[i], shown, sizeof(shown)));
            return -1;
        }
    }
    if (has_relay != cmd->has_device) {
        snprintf(err, errlen, "relay= and device= go together; " SYNTAX);
        return -1;
    }
    return 0;
}

int ipc_line_parse(const char *line, size_t len, struct ipc_cmd *cmd, char *err, size_t errlen)
{
    char buf[512];
    char *words[MAX_WORDS + 1];

    memset(cmd, 0, sizeof(*cmd));
    if (memchr(line, '\0', len)) {
        snprintf(err, errlen, "holds a NUL byte; the file is text, one command per line");
        return -1;
    }
    if (len >= sizeof(buf)) {
        snprintf(err, errlen, "longer than %zu bytes; " SYNTAX, sizeof(buf) - 1);
        return -1;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    int n = split(buf, words);
    if (n == 0 || words[0][0] == '#')
        return 0;
    if (strcmp(words[0], "add_port") == 0) {
        cmd->op = IPC_ADD_PORT;
    } else if (strcmp(words[0], "del_port") == 0) {
        cmd->op = IPC_DEL_PORT;
    } else {
        char shown[200];
        snprintf(err, errlen, "unknown command '%s'; " SYNTAX,
                 printable(words[0], shown, sizeof(shown)));
        return -1;
    }
    if (n < 2 || !is_ifname(words[1])) {
        snprintf(err, errlen,
                 "%s needs an interface name (1-%d characters, no '/' or ':' or "
                 "spaces)",
                 words[0], IPC_NAME_MAX - 1);
        return -1;
    }
    strcpy(cmd->ifname, words[1]);
    if (n > MAX_WORDS || (cmd->op == IPC_DEL_PORT && n > 2)) {
        snprintf(err, errlen, "too many words; " SYNTAX);
        return -1;
    }
    return parse_options(words + 2, n - 2, cmd, err, errlen) < 0 ? -1 : 1;
}
