/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_stats.c - the stats endpoint's thread: requests in, deferred replies out. */
#include "ctl_stats.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "ctl_bind.h"
#include "log.h"
#include "stats_view.h"

#define MAX_CLIENTS  32    /* remembered for "since your last request" */
#define MAX_PENDING  32    /* delayed replies in flight */
#define MAX_ID       256   /* ZeroMQ routing ids are at most 255 bytes */
#define MAX_REQUEST  65536 /* a StatsRequest is a few hundred bytes */
#define IDLE_POLL_MS 100

typedef struct vio4wd_counters_snapshot snapshot_t;

/* Who to answer: the routing id, and whether the client framed its request
 * with an empty delimiter (REQ does; DEALER may not). */
struct peer {
    uint8_t id[MAX_ID];
    size_t id_len;
    bool delimiter;
};

struct client {
    struct peer peer;
    long long last_seen_ms;
    snapshot_t *last; /* at this client's previous request */
};

struct pending {
    bool used;
    struct peer peer;
    Virtioforwarder__StatsRequest *req;
    snapshot_t *then;
    long long due_ms;
};

static struct {
    void *context, *socket;
    pthread_t thread;
    bool running;
    bool stop; /* set by ctl_stats_stop, read by the thread */
    char endpoint[256];
    struct vio4wd_counters *counters;
    struct client clients[MAX_CLIENTS];
    struct pending pending[MAX_PENDING];
} S;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool same_peer(const struct peer *a, const struct peer *b)
{
    return a->id_len == b->id_len && memcmp(a->id, b->id, a->id_len) == 0;
}

static void send_reply(const struct peer *peer, uint8_t *buf, size_t len)
{
    /* ROUTER drops replies to peers that left, so a vanished client costs
     * nothing; DONTWAIT keeps a slow one from blocking the thread. */
    zmq_send(S.socket, peer->id, peer->id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    if (peer->delimiter)
        zmq_send(S.socket, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send(S.socket, buf ? buf : (uint8_t *)"", len, ZMQ_DONTWAIT);
    free(buf);
}

static void send_error(const struct peer *peer, Virtioforwarder__StatsResponse__Status status)
{
    uint8_t *buf;
    size_t len = stats_view_error(status, &buf);
    send_reply(peer, buf, len);
}

static snapshot_t *take_snapshot(snapshot_t *into)
{
    snapshot_t *s = into ? into : malloc(sizeof(*s));
    if (s && vio4wd_counters_snapshot(S.counters, s) == 0)
        return s;
    if (!into)
        free(s);
    return NULL;
}

/* The client's entry, created (evicting the least recently seen) if new. */
static struct client *client_for(const struct peer *peer)
{
    struct client *oldest = &S.clients[0];
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &S.clients[i];
        if (c->peer.id_len && same_peer(&c->peer, peer))
            return c;
        if (c->last_seen_ms < oldest->last_seen_ms)
            oldest = c;
    }
    free(oldest->last);
    memset(oldest, 0, sizeof(*oldest));
    oldest->peer = *peer;
    return oldest;
}

static void answer(const struct peer *peer, const Virtioforwarder__StatsRequest *req,
                   const snapshot_t *then, snapshot_t *now)
{
    uint8_t *buf;
    size_t len = stats_view_reply(req, then, now, &buf);
    if (!buf) {
        send_error(peer, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__ENOMEM);
        return;
    }
    send_reply(peer, buf, len);
}

/* delay 0: rates since this client's previous request. */
static void answer_now(const struct peer *peer, const Virtioforwarder__StatsRequest *req)
{
    struct client *c = client_for(peer);
    snapshot_t *now = take_snapshot(NULL);
    if (!now) {
        send_error(peer, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__ENOMEM);
        return;
    }
    answer(peer, req, c->last, now);
    free(c->last);
    c->last = now;
    c->last_seen_ms = now_ms();
}

static void defer(const struct peer *peer, Virtioforwarder__StatsRequest *req)
{
    for (unsigned i = 0; i < MAX_PENDING; i++) {
        struct pending *p = &S.pending[i];
        if (p->used)
            continue;
        p->then = take_snapshot(NULL);
        if (!p->then)
            break;
        p->used = true;
        p->peer = *peer;
        p->req = req;
        p->due_ms = now_ms() + req->delay;
        return;
    }
    send_error(peer, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__ENOMEM);
    virtioforwarder__stats_request__free_unpacked(req, NULL);
}

static void serve_due(long long now)
{
    for (unsigned i = 0; i < MAX_PENDING; i++) {
        struct pending *p = &S.pending[i];
        if (!p->used || p->due_ms > now)
            continue;
        snapshot_t *later = take_snapshot(NULL);
        if (later) {
            answer(&p->peer, p->req, p->then, later);
            struct client *c = client_for(&p->peer);
            free(c->last);
            c->last = later;
            c->last_seen_ms = now;
        } else {
            send_error(&p->peer, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__ENOMEM);
        }
        virtioforwarder__stats_request__free_unpacked(p->req, NULL);
        free(p->then);
        memset(p, 0, sizeof(*p));
    }
}

static long long poll_timeout(long long now)
{
    long long timeout = IDLE_POLL_MS;
    for (unsigned i = 0; i < MAX_PENDING; i++)
        if (S.pending[i].used && S.pending[i].due_ms - now < timeout)
            timeout = S.pending[i].due_ms - now;
    return timeout < 0 ? 0 : timeout;
}

/* Reads one multi-part message: [id] [""] body from REQ, [id] body from
 * DEALER. Anything else is answered EBADR when there is someone to answer,
 * or dropped. */
static void handle_incoming(void)
{
    zmq_msg_t frames[4];
    int n = 0, more = 1;
    size_t more_len = sizeof(more);

    while (more) {
        zmq_msg_t scratch, *f = n < 4 ? &frames[n] : &scratch;
        zmq_msg_init(f);
        if (zmq_msg_recv(f, S.socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(f);
            break;
        }
        zmq_getsockopt(S.socket, ZMQ_RCVMORE, &more, &more_len);
        if (n < 4)
            n++;
        else
            zmq_msg_close(f); /* more frames than any client sends */
    }
    if (n < 2 || zmq_msg_size(&frames[0]) > MAX_ID)
        goto out;

    struct peer peer = {.id_len = zmq_msg_size(&frames[0])};
    memcpy(peer.id, zmq_msg_data(&frames[0]), peer.id_len);
    peer.delimiter = zmq_msg_size(&frames[1]) == 0;
    int body_frame = peer.delimiter ? 2 : 1;
    if (n != body_frame + 1 || zmq_msg_size(&frames[body_frame]) > MAX_REQUEST) {
        if (peer.delimiter || n == 2)
            send_error(&peer, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__EBADR);
        goto out;
    }
    Virtioforwarder__StatsRequest *req = virtioforwarder__stats_request__unpack(
        NULL, zmq_msg_size(&frames[body_frame]), zmq_msg_data(&frames[body_frame]));
    if (!req) {
        send_error(&peer, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__EBADR);
        goto out;
    }
    Virtioforwarder__StatsResponse__Status status = stats_view_check(req);
    if (status != VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK) {
        send_error(&peer, status);
        virtioforwarder__stats_request__free_unpacked(req, NULL);
    } else if (req->has_delay && req->delay > 0) {
        defer(&peer, req); /* takes ownership of req */
    } else {
        answer_now(&peer, req);
        virtioforwarder__stats_request__free_unpacked(req, NULL);
    }
out:
    for (int i = 0; i < n; i++)
        zmq_msg_close(&frames[i]);
}

static void *stats_thread(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&S.stop, __ATOMIC_ACQUIRE)) {
        long long now = now_ms();
        zmq_pollitem_t item = {S.socket, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long)poll_timeout(now)) > 0)
            handle_incoming();
        serve_due(now_ms());
    }
    return NULL;
}

int ctl_stats_start(const char *endpoint, const char *counters_path, char *err, size_t errlen)
{
    int linger = 0;
    int64_t max_size = MAX_REQUEST;

    memset(&S, 0, sizeof(S));
    snprintf(S.endpoint, sizeof(S.endpoint), "%s", endpoint);
    S.counters = vio4wd_counters_open(counters_path, err, errlen);
    if (!S.counters)
        return -1;
    S.context = zmq_ctx_new();
    S.socket = S.context ? zmq_socket(S.context, ZMQ_ROUTER) : NULL;
    if (!S.socket) {
        snprintf(err, errlen, "stats endpoint: cannot create a ZeroMQ socket");
        goto fail;
    }
    zmq_setsockopt(S.socket, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(S.socket, ZMQ_MAXMSGSIZE, &max_size, sizeof(max_size));
    if (ctl_bind(S.socket, "stats endpoint", endpoint, err, errlen) < 0)
        goto fail;
    if (pthread_create(&S.thread, NULL, stats_thread, NULL) != 0) {
        snprintf(err, errlen, "stats endpoint: cannot start its thread");
        goto fail;
    }
    S.running = true;
    log_info("stats endpoint on %s", endpoint);
    return 0;
fail:
    if (S.socket)
        zmq_close(S.socket);
    if (S.context)
        zmq_ctx_term(S.context);
    vio4wd_counters_close(S.counters);
    memset(&S, 0, sizeof(S));
    return -1;
}

void ctl_stats_stop(void)
{
    if (!S.running)
        return;
    __atomic_store_n(&S.stop, true, __ATOMIC_RELEASE);
    pthread_join(S.thread, NULL);
    zmq_close(S.socket);
    zmq_ctx_term(S.context);
    ctl_bind_cleanup(S.endpoint);
    for (unsigned i = 0; i < MAX_CLIENTS; i++)
        free(S.clients[i].last);
    for (unsigned i = 0; i < MAX_PENDING; i++)
        if (S.pending[i].used) {
            virtioforwarder__stats_request__free_unpacked(S.pending[i].req, NULL);
            free(S.pending[i].then);
        }
    vio4wd_counters_close(S.counters);
    memset(&S, 0, sizeof(S));
}
