/* SPDX-License-Identifier: BSD-3-Clause */
/* ovsdb_monitor.c - OVSDB port control: the connection and the relays.
 *
 * The monitor keeps a copy of the Interface rows (ovsdb_rows.c) and, after
 * every change, brings the relays in line with it: what a marked row asks
 * for and this monitor has not attached is attached, and what this monitor
 * attached and no row asks for any more is detached. Being level-triggered,
 * the same step resynchronises after a reconnect: the new monitor reply
 * replaces the copy. Relays this monitor did not attach (static VFs) are
 * never touched. While ovsdb-server is away nothing changes: relays keep
 * forwarding, and we reconnect with a doubling backoff.
 */
#include "ovsdb_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctl.h"
#include "log.h"
#include "ovsdb_rows.h"
#include "port_claims.h"
#include "relay.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define MONITOR_ID     1
#define WRITE_WAIT_MS  1000

struct wanted {
    bool on;
    struct port_want want;
    struct ovsdb_row *row;
};

static struct {
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd;
    bool synced;    /* the monitor reply came on this connection */
    bool told_down; /* "cannot connect" was logged */
    json_tokener *tok;
    struct ovsdb_rows rows;
    struct port_claims claims;
    uint64_t next_try_ms;
    unsigned backoff_ms;
} g = {.fd = -1, .claims = {.source = "OVSDB"}};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the relays --------------------------------------------------------- */

/* One log line per row and reason: repeated updates do not repeat it. */
static void note(struct ovsdb_row *row, const char *what)
{
    if (strcmp(row->note, what) == 0)
        return;
    snprintf(row->note, sizeof(row->note), "%s", what);
    log_warning("OVSDB: %s; ignored", what);
}

/* Which relay each marked row asks for; rows that cannot be acted on get
 * their one log line here. */
static void collect_wanted(struct wanted want[VIO4WD_MAX_RELAYS])
{
    const char *root = netdev_vf_sysfs_root();
    for (size_t i = 0; i < g.rows.n; i++) {
        struct ovsdb_row *row = &g.rows.row[i];
        struct port_want w;
        char why[512];
        int rc = ovsdb_row_want(row, root, &w, why, sizeof(why));
        if (rc == 0) {
            row->note[0] = '\0';
            continue;
        }
        if (rc < 0) {
            note(row, why);
            continue;
        }
        if (want[w.relay_id].on) {
            snprintf(why, sizeof(why),
                     "interface %s: relay %u is already asked for by "
                     "interface %s",
                     row->name, w.relay_id, want[w.relay_id].row->name);
            note(row, why);
            continue;
        }
        want[w.relay_id] = (struct wanted){.on = true, .want = w, .row = row};
    }
}

/* Detaches what we attached and no row asks for (or asks differently). */
static bool release_unwanted(const struct wanted want[VIO4WD_MAX_RELAYS])
{
    bool released = false;
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        const struct port_claim *p = &g.claims.claim[id];
        if (!p->on || (want[id].on && strcmp(want[id].want.device, p->device) == 0))
            continue;
        port_claims_release(&g.claims, id, "is no longer marked");
        released = true;
    }
    return released;
}

static void attach_wanted(struct wanted want[VIO4WD_MAX_RELAYS], bool retry_all)
{
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        struct wanted *w = &want[id];
        char why[768];
        if (!w->on || g.claims.claim[id].on || (!w->row->changed && !retry_all))
            continue; /* done, or tried already and nothing changed */
        if (port_claims_attach(&g.claims, id, w->row->name, w->want.device, w->want.how, why,
                               sizeof(why)) != 0)
            note(w->row, why);
        else
            w->row->note[0] = '\0';
    }
}

static void reconcile(void)
{
    static struct wanted want[VIO4WD_MAX_RELAYS];
    memset(want, 0, sizeof(want));
    relay_lock(); /* port changes come one at a time */
    collect_wanted(want);
    bool released = release_unwanted(want);
    attach_wanted(want, released);
    relay_unlock();
    for (size_t i = 0; i < g.rows.n; i++)
        g.rows.row[i].changed = false;
}

/* ---- the connection ----------------------------------------------------- */

static void schedule_retry(const char *why)
{
    if (!g.told_down)
        log_warning("OVSDB: %s: %s; retrying (backoff up to %d s); relays keep forwarding", g.path,
                    why, BACKOFF_MAX_MS / 1000);
    else
        log_debug("OVSDB: %s: %s; next try in %u ms", g.path, why, g.backoff_ms);
    g.told_down = true;
    g.next_try_ms = now_ms() + g.backoff_ms;
    g.backoff_ms = g.backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : g.backoff_ms * 2;
}

static void disconnect(const char *why)
{
    if (g.fd >= 0)
        close(g.fd);
    g.fd = -1;
    g.synced = false;
    json_tokener_reset(g.tok);
    schedule_retry(why);
}

static int send_json(json_object *obj)
{
    size_t len;
    const char *text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
    while (len > 0) {
        ssize_t n = send(g.fd, text, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd p = {.fd = g.fd, .events = POLLOUT};
            if (poll(&p, 1, WRITE_WAIT_MS) <= 0)
                return -1;
            continue;
        }
        if (n <= 0)
            return -1;
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

static void try_connect(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", g.path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        char why[128];
        snprintf(why, sizeof(why), "cannot connect: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        schedule_retry(why);
        return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    g.fd = fd;
    json_object *req = ovsdb_monitor_request(MONITOR_ID);
    int rc = send_json(req);
    json_object_put(req);
    if (rc < 0)
        disconnect("cannot send the monitor request");
}

static void on_monitor_reply(const struct ovsdb_msg *m)
{
    char err[256];
    if (m->error && !json_object_is_type(m->error, json_type_null)) {
        char why[512];
        snprintf(why, sizeof(why), "monitor refused: %.400s",
                 json_object_to_json_string_ext(m->error, JSON_C_TO_STRING_PLAIN));
        disconnect(why);
        return;
    }
    /* The reply is the whole table: resync. */
    if (ovsdb_rows_replace(&g.rows, m->result, err, sizeof(err)) > 0)
        log_warning("OVSDB: skipped malformed rows in the initial table: %s", err);
    g.synced = true;
    g.told_down = false;
    g.backoff_ms = BACKOFF_MIN_MS;
    log_notice("OVSDB: monitoring Interface on %s (%zu rows)", g.path, g.rows.n);
    reconcile();
}

static void handle(json_object *obj)
{
    struct ovsdb_msg m;
    char err[256];
    if (ovsdb_msg_parse(obj, &m, err, sizeof(err)) < 0) {
        log_warning("OVSDB: ignored a message: %s", err);
        return;
    }
    switch (m.kind) {
    case OVSDB_MSG_ECHO: {
        json_object *reply = ovsdb_echo_reply(&m);
        int rc = send_json(reply);
        json_object_put(reply);
        if (rc < 0)
            disconnect("cannot answer echo");
        break;
    }
    case OVSDB_MSG_UPDATE:
        if (!g.synced)
            break; /* cannot happen before the reply; be safe */
        if (ovsdb_rows_apply(&g.rows, m.updates, err, sizeof(err)) > 0)
            log_warning("OVSDB: skipped a malformed row update: %s", err);
        reconcile();
        break;
    case OVSDB_MSG_REPLY:
        if (m.id && json_object_is_type(m.id, json_type_int) &&
            json_object_get_int64(m.id) == MONITOR_ID)
            on_monitor_reply(&m);
        break;
    case OVSDB_MSG_OTHER:
        log_debug("OVSDB: ignored a request: %s",
                  json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
        break;
    }
}

/* ---- the control loop's watch -------------------------------------------- */

static int watch_fd(void *opaque)
{
    (void)opaque;
    return g.fd;
}

static void watch_tick(void *opaque)
{
    (void)opaque;
    if (g.fd < 0 && now_ms() >= g.next_try_ms)
        try_connect();
}

static void watch_ready(void *opaque)
{
    static char buf[65536];
    (void)opaque;
    ssize_t n = recv(g.fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        disconnect(n == 0 ? "ovsdb-server closed the connection" : strerror(errno));
        return;
    }
    size_t off = 0;
    while (off < (size_t)n && g.fd >= 0) {
        json_object *obj = json_tokener_parse_ex(g.tok, buf + off, (int)((size_t)n - off));
        enum json_tokener_error e = json_tokener_get_error(g.tok);
        if (!obj) {
            if (e == json_tokener_continue)
                return; /* the rest of this message comes later */
            char why[128];
            snprintf(why, sizeof(why), "bad JSON from ovsdb-server (%s)",
                     json_tokener_error_desc(e));
            disconnect(why);
            return;
        }
        off += json_tokener_get_parse_end(g.tok);
        json_tokener_reset(g.tok);
        handle(obj);
        json_object_put(obj);
    }
}

static void watch_stop(void *opaque)
{
    (void)opaque;
    if (g.fd >= 0)
        close(g.fd);
    g.fd = -1;
    if (g.tok)
        json_tokener_free(g.tok);
    g.tok = NULL;
    ovsdb_rows_free(&g.rows);
}

int ovsdb_monitor_start(const char *sock_path, char *err, size_t errlen)
{
    if (strlen(sock_path) >= sizeof(g.path)) {
        snprintf(err, errlen,
                 "OVSDB socket path '%s' is longer than the %zu bytes a unix "
                 "socket allows",
                 sock_path, sizeof(g.path) - 1);
        return -1;
    }
    snprintf(g.path, sizeof(g.path), "%s", sock_path);
    if (!(g.tok = json_tokener_new())) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    g.backoff_ms = BACKOFF_MIN_MS;
    g.next_try_ms = 0;
    const struct ctl_watch w = {.name = "ovsdb",
                                .fd = watch_fd,
                                .ready = watch_ready,
                                .tick = watch_tick,
                                .stop = watch_stop};
    return ctl_add_watch(&w, err, errlen);
}
