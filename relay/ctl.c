/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl.c - ZeroMQ REP endpoints and the control loop. */
#include "ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "ctl_bind.h"
#include "log.h"
#include "log_limit.h"
#include "relay.h"

#define CTL_POLL_MS  50
#define CTL_TIMEO_MS 1000

struct ctl_endpoint {
    char name[32];
    char endpoint[256];
    void *sock;
    ctl_handler_fn *handler;
    void *opaque;
};

static void *g_ctx;
static struct ctl_endpoint g_eps[CTL_MAX_ENDPOINTS];
static unsigned g_n_eps;
static struct ctl_watch g_watches[CTL_MAX_WATCHES];
static unsigned g_n_watches;

int ctl_init(void)
{
    if (!g_ctx)
        g_ctx = zmq_ctx_new();
    return g_ctx ? 0 : -1;
}

void *ctl_context(void)
{
    return g_ctx;
}

static int open_socket(struct ctl_endpoint *ep, char *err, size_t errlen)
{
    int timeo = CTL_TIMEO_MS, linger = 0;
    int64_t maxsize = CTL_MAX_MSG;
    ep->sock = zmq_socket(g_ctx, ZMQ_REP);
    if (!ep->sock) {
        snprintf(err, errlen, "%s: zmq_socket: %s", ep->name, zmq_strerror(errno));
        return -1;
    }
    zmq_setsockopt(ep->sock, ZMQ_RCVTIMEO, &timeo, sizeof(timeo));
    zmq_setsockopt(ep->sock, ZMQ_SNDTIMEO, &timeo, sizeof(timeo));
    zmq_setsockopt(ep->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(ep->sock, ZMQ_MAXMSGSIZE, &maxsize, sizeof(maxsize));
    if (ctl_bind(ep->sock, ep->name, ep->endpoint, err, errlen) != 0) {
        zmq_close(ep->sock);
        ep->sock = NULL;
        return -1;
    }
    return 0;
}

int ctl_add_rep(const char *name, const char *endpoint, ctl_handler_fn *handler, void *opaque,
                char *err, size_t errlen)
{
    if (g_n_eps >= CTL_MAX_ENDPOINTS) {
        snprintf(err, errlen, "too many control endpoints");
        return -1;
    }
    if (ctl_init() != 0) {
        snprintf(err, errlen, "cannot create a ZeroMQ context");
        return -1;
    }
    struct ctl_endpoint *ep = &g_eps[g_n_eps];
    memset(ep, 0, sizeof(*ep));
    snprintf(ep->name, sizeof(ep->name), "%s", name);
    snprintf(ep->endpoint, sizeof(ep->endpoint), "%s", endpoint);
    ep->handler = handler;
    ep->opaque = opaque;
    if (open_socket(ep, err, errlen) != 0)
        return -1;
    g_n_eps++;
    log_info("%s endpoint on %s", name, endpoint);
    return 0;
}

int ctl_add_watch(const struct ctl_watch *watch, char *err, size_t errlen)
{
    if (g_n_watches >= CTL_MAX_WATCHES) {
        snprintf(err, errlen, "%s: too many watched descriptors", watch->name);
        return -1;
    }
    g_watches[g_n_watches++] = *watch;
    return 0;
}

static void close_socket(struct ctl_endpoint *ep)
{
    if (!ep->sock)
        return;
    zmq_close(ep->sock);
    ep->sock = NULL;
    ctl_bind_cleanup(ep->endpoint);
}

/* One request, one reply. */
static void serve(struct ctl_endpoint *ep)
{
    zmq_msg_t msg;
    bool usable = true;
    int more = 0;
    size_t more_len = sizeof(more);

    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, ep->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return; /* nothing after all (or dropped oversize) */
    }
    zmq_getsockopt(ep->sock, ZMQ_RCVMORE, &more, &more_len);
    while (more) { /* multi-part: not ours; swallow the rest */
        zmq_msg_t part;
        usable = false;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, ep->sock, 0) < 0) {
            zmq_msg_close(&part);
            break;
        }
        zmq_msg_close(&part);
        zmq_getsockopt(ep->sock, ZMQ_RCVMORE, &more, &more_len);
    }
    uint8_t *reply = NULL;
    size_t rlen = ep->handler(ep->opaque, usable ? zmq_msg_data(&msg) : NULL,
                              usable ? zmq_msg_size(&msg) : 0, &reply);
    zmq_msg_close(&msg);
    if (zmq_send(ep->sock, reply ? reply : (uint8_t *)"", rlen, 0) < 0) {
        /* REP state machine stuck (peer gone mid-exchange): start over */
        char err[256];
        char key[64];
        snprintf(key, sizeof(key), "%s/reply", ep->name);
        log_limited(LOG_WARNING, key, "failed replies (socket recreated)",
                    "%s: reply failed (%s); recreating the socket", ep->name, zmq_strerror(errno));
        close_socket(ep);
        if (open_socket(ep, err, sizeof(err)) != 0)
            log_err("%s", err);
    }
    free(reply);
}

void ctl_run(volatile sig_atomic_t *stop)
{
    zmq_pollitem_t items[CTL_MAX_ENDPOINTS + CTL_MAX_WATCHES];
    struct ctl_endpoint *which[CTL_MAX_ENDPOINTS];
    struct ctl_watch *watched[CTL_MAX_WATCHES];

    while (!*stop) {
        int n_eps = 0, n_items;
        relay_lock();
        relay_housekeeping();
        relay_unlock();
        for (unsigned i = 0; i < g_n_watches; i++)
            if (g_watches[i].tick)
                g_watches[i].tick(g_watches[i].opaque);
        log_limited_flush(); /* summaries of floods that have stopped */
        for (unsigned i = 0; i < g_n_eps; i++)
            if (g_eps[i].sock) {
                which[n_eps] = &g_eps[i];
                items[n_eps++] = (zmq_pollitem_t){.socket = g_eps[i].sock, .events = ZMQ_POLLIN};
            }
        n_items = n_eps;
        for (unsigned i = 0; i < g_n_watches; i++) {
            int fd = g_watches[i].fd(g_watches[i].opaque);
            if (fd < 0)
                continue;
            watched[n_items - n_eps] = &g_watches[i];
            items[n_items++] = (zmq_pollitem_t){.fd = fd, .events = ZMQ_POLLIN};
        }
        if (n_items == 0) {
            usleep(CTL_POLL_MS * 1000);
            continue;
        }
        if (zmq_poll(items, n_items, CTL_POLL_MS) <= 0)
            continue; /* timeout or EINTR: re-check stop */
        for (int i = 0; i < n_items && !*stop; i++) {
            if (!(items[i].revents & (ZMQ_POLLIN | ZMQ_POLLERR)))
                continue;
            if (i < n_eps)
                serve(which[i]);
            else
                watched[i - n_eps]->ready(watched[i - n_eps]->opaque);
        }
    }
}

void ctl_shutdown(void)
{
    for (unsigned i = 0; i < g_n_watches; i++)
        if (g_watches[i].stop)
            g_watches[i].stop(g_watches[i].opaque);
    g_n_watches = 0;
    for (unsigned i = 0; i < g_n_eps; i++)
        close_socket(&g_eps[i]);
    g_n_eps = 0;
    if (g_ctx) {
        zmq_ctx_term(g_ctx);
        g_ctx = NULL;
    }
}
