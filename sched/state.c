/* SPDX-License-Identifier: BSD-3-Clause */
/* state.c - helpers for struct sched_state. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sched_state_free(struct sched_state *st)
{
    if (st == NULL)
        return;
    free(st->workers);
    free(st->relays);
    memset(st, 0, sizeof(*st));
}

int sched_state_copy(struct sched_state *dst, const struct sched_state *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->t = src->t;
    dst->workers = malloc(sizeof(int) * (size_t)(src->n_workers ? src->n_workers : 1));
    dst->relays = malloc(sizeof(struct sched_relay) * (size_t)(src->n_relays ? src->n_relays : 1));
    if (dst->workers == NULL || dst->relays == NULL) {
        sched_state_free(dst);
        return -1;
    }
    dst->n_workers = src->n_workers;
    dst->n_relays = src->n_relays;
    if (src->n_workers)
        memcpy(dst->workers, src->workers, sizeof(int) * (size_t)src->n_workers);
    if (src->n_relays)
        memcpy(dst->relays, src->relays, sizeof(struct sched_relay) * (size_t)src->n_relays);
    return 0;
}

int sched_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}
