/* SPDX-License-Identifier: BSD-3-Clause */
/* counters_reader.c - read-only access to the relay's counters file.
 * No DPDK here: the scheduler and the tools link this. See counters.h. */
#include "counters.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(struct vio4wd_cnt_header) == 4096, "header is one page");
_Static_assert(sizeof(struct vio4wd_cnt_dir) == 256, "dir is four cache lines");
_Static_assert(sizeof(struct vio4wd_cnt_worker) == 64, "worker is one cache line");
_Static_assert(sizeof(struct vio4wd_cnt_relay) % 64 == 0, "relay keeps dirs aligned");
_Static_assert(offsetof(struct vio4wd_cnt_relay, dir) % 128 == 0, "dir aligned");
_Static_assert(offsetof(struct vio4wd_cnt_relay, dir) == 640, "VF counters fit the spare bytes");
_Static_assert(sizeof(struct vio4wd_cnt_queues) % 64 == 0, "queue blocks on their own lines");

struct vio4wd_counters {
    int fd;
    dev_t dev;
    ino_t ino;
    size_t size;
    const uint8_t *base;
    char path[4096];
};

/* Retries before a block counts as wedged (its writer died mid-update). */
#define SEQ_SPINS 1000000

uint64_t vio4wd_counters_rdtsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
#elif defined(__aarch64__)
    uint64_t v;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    return 0;
#endif
}

#include <stdarg.h>

__attribute__((format(printf, 3, 4))) static int set_err(char *err, size_t errlen, const char *fmt,
                                                         ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

struct vio4wd_counters *vio4wd_counters_open(const char *path, char *err, size_t errlen)
{
    struct vio4wd_counters *c = calloc(1, sizeof(*c));
    struct stat st;

    if (!c) {
        set_err(err, errlen, "%s%s", "out of memory", "");
        return NULL;
    }
    c->fd = -1;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(c->path, sizeof(c->path), "%s/%s", path, VIO4WD_CNT_FILE_NAME);
    else
        snprintf(c->path, sizeof(c->path), "%s", path);

    c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        set_err(err, errlen, "cannot open counters file %s: %s", c->path, strerror(errno));
        goto fail;
    }
    if (fstat(c->fd, &st) < 0 || (size_t)st.st_size < sizeof(struct vio4wd_cnt_header)) {
        set_err(err, errlen, "%s: %s", c->path, "too short to be a counters file");
        goto fail;
    }
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    c->size = (size_t)st.st_size;
    c->base = mmap(NULL, c->size, PROT_READ, MAP_SHARED, c->fd, 0);
    if (c->base == MAP_FAILED) {
        c->base = NULL;
        set_err(err, errlen, "cannot map %s: %s", c->path, strerror(errno));
        goto fail;
    }
    const struct vio4wd_cnt_header *h = (const void *)c->base;
    uint64_t magic = __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE);
    if (magic != VIO4WD_CNT_MAGIC) {
        set_err(err, errlen, "%s: %s", c->path,
                "not a counters file (bad magic, or still being created)");
        goto fail;
    }
    if (h->version != VIO4WD_CNT_VERSION) {
        set_err(err, errlen, "%s: %s", c->path, "unsupported counters version");
        goto fail;
    }
    if (h->file_size > c->size || h->max_relays > VIO4WD_CNT_MAX_RELAYS ||
        h->max_workers > VIO4WD_CNT_MAX_WORKERS || h->n_workers > h->max_workers ||
        h->worker_size != sizeof(struct vio4wd_cnt_worker) ||
        h->relay_size != sizeof(struct vio4wd_cnt_relay) ||
        h->queue_size != sizeof(struct vio4wd_cnt_queues) ||
        h->max_queues != VIO4WD_CNT_MAX_QUEUES ||
        (uint64_t)h->queue_offset + (uint64_t)h->max_relays * VIO4WD_DIR_COUNT * h->queue_size >
            c->size ||
        (uint64_t)h->worker_offset + (uint64_t)h->max_workers * h->worker_size > c->size ||
        (uint64_t)h->relay_offset + (uint64_t)h->max_relays * h->relay_size > c->size) {
        set_err(err, errlen, "%s: %s", c->path, "inconsistent counters header");
        goto fail;
    }
    return c;
fail:
    vio4wd_counters_close(c);
    return NULL;
}

const struct vio4wd_cnt_header *vio4wd_counters_header(const struct vio4wd_counters *c)
{
    return (const void *)c->base;
}

/* Copies one seqcount-protected block, and a second one written under the
 * same count (NULL: none). The block's first 4 bytes are its sequence count
 * (for relays, the info part up to 'len'). */
static int read_blocks(void *dst, const void *src, size_t len, void *dst2, const void *src2,
                       size_t len2)
{
    const uint32_t *seqp = src;

    for (long i = 0; i < SEQ_SPINS; i++) {
        uint32_t s1 = __atomic_load_n(seqp, __ATOMIC_ACQUIRE);
        if (s1 & 1) {
            if (i > 1000)
                sched_yield();
            continue;
        }
        memcpy(dst, src, len);
        if (dst2)
            memcpy(dst2, src2, len2);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t s2 = __atomic_load_n(seqp, __ATOMIC_RELAXED);
        if (s1 == s2)
            return 0;
    }
    return -1;
}

static int read_block(void *dst, const void *src, size_t len)
{
    return read_blocks(dst, src, len, NULL, NULL, 0);
}

int vio4wd_counters_snapshot(struct vio4wd_counters *c, struct vio4wd_counters_snapshot *out)
{
    const struct vio4wd_cnt_header *h = (const void *)c->base;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    memcpy(&out->header, h, offsetof(struct vio4wd_cnt_header, pad));
    for (uint32_t w = 0; w < h->max_workers; w++) {
        const void *src = c->base + h->worker_offset + (size_t)w * h->worker_size;
        if (read_block(&out->worker[w], src, sizeof(out->worker[w])) < 0)
            rc = -1;
    }
    for (uint32_t r = 0; r < h->max_relays; r++) {
        const struct vio4wd_cnt_relay *src =
            (const void *)(c->base + h->relay_offset + (size_t)r * h->relay_size);
        struct vio4wd_cnt_relay *dst = &out->relay[r];
        if (read_block(dst, src, offsetof(struct vio4wd_cnt_relay, pad)) < 0)
            rc = -1;
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++) {
            const void *q = c->base + h->queue_offset +
                            ((size_t)r * VIO4WD_DIR_COUNT + (size_t)d) * h->queue_size;
            if (read_blocks(&dst->dir[d], &src->dir[d], sizeof(dst->dir[d]), &out->queues[r][d], q,
                            sizeof(out->queues[r][d])) < 0)
                rc = -1;
        }
    }
    out->read_tsc = vio4wd_counters_rdtsc();
    return rc;
}

unsigned vio4wd_counters_queues_shown(const struct vio4wd_counters_snapshot *s, unsigned r,
                                      unsigned d)
{
    unsigned n = s->relay[r].n_queues;

    if (n > VIO4WD_CNT_MAX_QUEUES)
        n = VIO4WD_CNT_MAX_QUEUES;
    for (unsigned q = n; q < VIO4WD_CNT_MAX_QUEUES; q++)
        if (s->queues[r][d].q[q].rx_pkts)
            n = q + 1;
    return n;
}

bool vio4wd_counters_stale(struct vio4wd_counters *c)
{
    const struct vio4wd_cnt_header *h = (const void *)c->base;
    struct stat st;

    if (__atomic_load_n(&h->state, __ATOMIC_ACQUIRE) == VIO4WD_CNT_STOPPED)
        return true;
    if (stat(c->path, &st) < 0)
        return true;
    return st.st_dev != c->dev || st.st_ino != c->ino;
}

void vio4wd_counters_close(struct vio4wd_counters *c)
{
    if (!c)
        return;
    if (c->base)
        munmap((void *)c->base, c->size);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}

int vio4wd_counters_sibling(const char *counters, const char *name, char *out, size_t len)
{
    struct stat st;
    int n;

    if (stat(counters, &st) == 0 && S_ISDIR(st.st_mode)) {
        n = snprintf(out, len, "%s/%s", counters, name);
    } else {
        const char *slash = strrchr(counters, '/');
        if (!slash)
            n = snprintf(out, len, "%s", name);
        else
            n = snprintf(out, len, "%.*s/%s", (int)(slash - counters), counters, name);
    }
    return n >= 0 && (size_t)n < len ? 0 : -1;
}
