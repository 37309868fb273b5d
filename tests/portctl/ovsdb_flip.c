/* SPDX-License-Identifier: BSD-3-Clause */
/* ovsdb_flip.c - measures how long an OVSDB change takes to reach the
 * relay: flips external_ids:virtio_forwarder of one interface N times
 * through ovsdb-server (JSON-RPC "transact" over its unix socket), and after
 * each flip polls the relay's counters until the relay's VF follows.
 *
 *   ovsdb_flip DB_SOCK RUN_DIR IFACE RELAY N
 *
 * The interface must be unmarked at start and carry
 * external_ids:virtio_forwarder_device. Prints the latency from sending the
 * transaction to the relay's counters showing the change (median, p90,
 * worst), and, as the reference, the transaction's own round trip, with
 * their ratio. Exits 1 if any flip took over 2 s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "counters.h"

#define TIMEOUT_US 2000000.0

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void die(const char *what)
{
    fprintf(stderr, "ovsdb_flip: %s\n", what);
    exit(1);
}

/* Sends one transaction and waits for its reply. */
static void transact(int fd, json_tokener *tok, const char *iface, unsigned relay, bool mark,
                     int id)
{
    char req[1024], buf[65536];
    if (mark)
        snprintf(req, sizeof(req),
                 "{\"method\":\"transact\",\"id\":%d,\"params\":"
                 "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Interface\",\"where\":"
                 "[[\"name\",\"==\",\"%s\"]],\"mutations\":[[\"external_ids\",\"insert\","
                 "[\"map\",[[\"virtio_forwarder\",\"%u\"]]]]]}]}",
                 id, iface, relay);
    else
        snprintf(req, sizeof(req),
                 "{\"method\":\"transact\",\"id\":%d,\"params\":"
                 "[\"Open_vSwitch\",{\"op\":\"mutate\",\"table\":\"Interface\",\"where\":"
                 "[[\"name\",\"==\",\"%s\"]],\"mutations\":[[\"external_ids\",\"delete\","
                 "[\"set\",[\"virtio_forwarder\"]]]]}]}",
                 id, iface);
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
        die("cannot send to ovsdb-server");
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            die("ovsdb-server closed the connection");
        size_t off = 0;
        while (off < (size_t)n) {
            json_object *o = json_tokener_parse_ex(tok, buf + off, (int)((size_t)n - off));
            if (!o) {
                if (json_tokener_get_error(tok) != json_tokener_continue)
                    die("bad JSON from ovsdb-server");
                break;
            }
            off += json_tokener_get_parse_end(tok);
            json_tokener_reset(tok);
            json_object *rid, *result;
            bool ours = json_object_object_get_ex(o, "id", &rid) && json_object_get_int(rid) == id;
            if (ours && (!json_object_object_get_ex(o, "result", &result) ||
                         strstr(json_object_to_json_string(result), "\"error\"")))
                die(json_object_to_json_string(o));
            json_object_put(o);
            if (ours)
                return;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s DB_SOCK RUN_DIR IFACE RELAY N\n", argv[0]);
        return 2;
    }
    unsigned relay = (unsigned)atoi(argv[4]);
    int n = atoi(argv[5]);
    char err[512];
    static struct vio4wd_counters_snapshot s;
    struct vio4wd_counters *c = vio4wd_counters_open(argv[2], err, sizeof(err));
    if (!c || n <= 0 || relay >= VIO4WD_CNT_MAX_RELAYS)
        die(c ? "bad RELAY or N" : err);

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        die(strerror(errno));
    json_tokener *tok = json_tokener_new();
    double *lat = calloc((size_t)n, sizeof(double)), *rtt = calloc((size_t)n, sizeof(double));

    for (int i = 0; i < n; i++) {
        bool mark = i % 2 == 0;
        double t0 = now_us();
        transact(fd, tok, argv[3], relay, mark, i + 1);
        rtt[i] = now_us() - t0;
        for (;;) {
            if (vio4wd_counters_snapshot(c, &s) == 0 &&
                !!(s.relay[relay].flags & VIO4WD_RELAY_VF_READY) == mark)
                break;
            if (now_us() - t0 > TIMEOUT_US) {
                fprintf(stderr, "ovsdb_flip: flip %d (%s) not seen after 2 s\n", i,
                        mark ? "mark" : "unmark");
                return 1;
            }
            usleep(50);
        }
        lat[i] = now_us() - t0;
    }
    qsort(lat, (size_t)n, sizeof(double), cmp);
    qsort(rtt, (size_t)n, sizeof(double), cmp);
    double med = lat[n / 2], ref = rtt[n / 2];
    printf("flips %d: OVSDB change -> relay: median %.2f ms, p90 %.2f ms, worst %.2f ms\n", n,
           med / 1e3, lat[n * 9 / 10] / 1e3, lat[n - 1] / 1e3);
    printf("reference: the transaction's round trip alone: median %.2f ms, worst %.2f ms\n",
           ref / 1e3, rtt[n - 1] / 1e3);
    printf("ratio: change->relay / transaction round trip (medians) = %.2f\n", med / ref);
    json_tokener_free(tok);
    free(lat);
    free(rtt);
    close(fd);
    vio4wd_counters_close(c);
    return 0;
}
