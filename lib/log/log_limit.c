/* SPDX-License-Identifier: BSD-3-Clause */
/* log_limit.c - rate-limited logging (see log_limit.h). */
#include "log_limit.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define WINDOW_NS ((uint64_t)LOG_LIMIT_WINDOW_S * 1000000000ull)
#define MAX_KEYS  32

/* Whether the window that started at rl->window_start_ns has ended by now.
 * A time before the start (another thread read its clock first and took
 * the lock second) is inside the window: unsigned subtraction would make
 * it look ages later and open a second burst. */
static bool window_over(const struct ratelimit *rl, uint64_t now_ns)
{
    return now_ns >= rl->window_start_ns && now_ns - rl->window_start_ns >= WINDOW_NS;
}

bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ns)
{
    if (!rl->started || window_over(rl, now_ns)) {
        rl->started = true;
        rl->window_start_ns = now_ns;
        rl->in_window = 0;
    }
    if (rl->in_window < LOG_LIMIT_BURST) {
        rl->in_window++;
        return true;
    }
    rl->suppressed++;
    return false;
}

unsigned long ratelimit_take_summary(struct ratelimit *rl, uint64_t now_ns)
{
    if (rl->suppressed == 0 || !window_over(rl, now_ns))
        return 0;
    unsigned long n = rl->suppressed;
    rl->suppressed = 0;
    return n;
}

void ratelimit_group_digits(unsigned long n, char *buf, size_t buflen)
{
    char digits[32], out[48];
    int len = snprintf(digits, sizeof(digits), "%lu", n), o = 0;

    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, buflen, "%s", out);
}

struct limited_key {
    char key[64];
    char what[96];
    int level;
    struct ratelimit rl;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct limited_key g_keys[MAX_KEYS];
static unsigned g_n_keys;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void summarise(struct limited_key *k, uint64_t now)
{
    unsigned long n = ratelimit_take_summary(&k->rl, now);
    char count[48];

    if (n == 0)
        return;
    ratelimit_group_digits(n, count, sizeof(count));
    log_msg(k->level, "%s more %s in the last %d s", count, k->what, LOG_LIMIT_WINDOW_S);
}

/* The slot of 'key', a new one, or the last one when the table is full
 * (its messages are then limited together: still bounded). */
static struct limited_key *slot(const char *key, const char *what, int level)
{
    for (unsigned i = 0; i < g_n_keys; i++)
        if (strcmp(g_keys[i].key, key) == 0)
            return &g_keys[i];
    if (g_n_keys == MAX_KEYS)
        return &g_keys[MAX_KEYS - 1];
    struct limited_key *k = &g_keys[g_n_keys++];
    snprintf(k->key, sizeof(k->key), "%s", key);
    snprintf(k->what, sizeof(k->what), "%s", what);
    k->level = level;
    return k;
}

void log_limited(int level, const char *key, const char *what, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    if (!log_enabled(level))
        return;
    pthread_mutex_lock(&g_lock);
    uint64_t now = mono_ns(); /* under the lock: times reach the window in order */
    struct limited_key *k = slot(key, what, level);
    summarise(k, now); /* a window that ended before this message */
    bool allow = ratelimit_allow(&k->rl, now);
    pthread_mutex_unlock(&g_lock);
    if (!allow)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    log_msg(level, "%s", text);
}

void log_limited_flush(void)
{
    uint64_t now = mono_ns();
    pthread_mutex_lock(&g_lock);
    for (unsigned i = 0; i < g_n_keys; i++)
        summarise(&g_keys[i], now);
    pthread_mutex_unlock(&g_lock);
}
