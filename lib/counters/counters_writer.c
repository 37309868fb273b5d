/* SPDX-License-Identifier: BSD-3-Clause */
/* counters_writer.c - creates and owns the counters file (writer side):
 * the relay is its only writer. No DPDK: the start time is the same TSC
 * that the reader uses (vio4wd_counters_rdtsc). */
#include "counters_writer.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint8_t *g_base;
static char g_path[VIO4WD_PATH_MAX + 32];
static size_t g_size;

static uint64_t new_epoch(void)
{
    uint64_t e = 0;
    struct timespec ts;

    if (getrandom(&e, sizeof(e), GRND_NONBLOCK) != sizeof(e)) {
        clock_gettime(CLOCK_REALTIME, &ts);
        e = ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) ^
            ((uint64_t)getpid() << 32);
    }
    return e ? e : 1;
}

int vio4wd_counters_create(const char *run_dir, uint64_t tsc_hz, unsigned main_cpu, char *err,
                           size_t errlen)
{
    char tmp[sizeof(g_path) + 16];
    struct timespec ts;
    int fd;

    g_size = VIO4WD_CNT_FILE_SIZE;
    snprintf(g_path, sizeof(g_path), "%s/%s", run_dir, VIO4WD_CNT_FILE_NAME);
    snprintf(tmp, sizeof(tmp), "%s.%d", g_path, (int)getpid());
    /* 0640: every guest's traffic counts, for root and the sockets' group. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create counters file %s: %s", tmp, strerror(errno));
        return -1;
    }
    /* Reserve the blocks now: on a full tmpfs a sparse file would take the
     * relay down with SIGBUS at the first counter a worker writes. */
    int fa = posix_fallocate(fd, 0, (off_t)g_size);
    if (fa != 0) {
        snprintf(err, errlen,
                 "cannot create counters file %s (%zu bytes): %s; free space "
                 "in the run directory",
                 tmp, g_size, strerror(fa));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (ftruncate(fd, (off_t)g_size) < 0) {
        snprintf(err, errlen, "cannot size counters file %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    g_base = mmap(NULL, g_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (g_base == MAP_FAILED) {
        g_base = NULL;
        snprintf(err, errlen, "cannot map counters file %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }

    struct vio4wd_cnt_header *h = (void *)g_base;
    clock_gettime(CLOCK_REALTIME, &ts);
    h->version = VIO4WD_CNT_VERSION;
    h->state = VIO4WD_CNT_STARTING;
    h->file_size = g_size;
    h->epoch = new_epoch();
    h->tsc_hz = tsc_hz;
    h->start_tsc = vio4wd_counters_rdtsc();
    h->start_realtime_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    h->pid = (uint32_t)getpid();
    h->max_relays = VIO4WD_CNT_MAX_RELAYS;
    h->max_workers = VIO4WD_CNT_MAX_WORKERS;
    h->n_workers = 0;
    h->worker_offset = sizeof(*h);
    h->worker_size = sizeof(struct vio4wd_cnt_worker);
    h->relay_offset = sizeof(*h) + VIO4WD_CNT_MAX_WORKERS * sizeof(struct vio4wd_cnt_worker);
    h->relay_size = sizeof(struct vio4wd_cnt_relay);
    h->dir_size = sizeof(struct vio4wd_cnt_dir);
    h->main_cpu = main_cpu;
    h->queue_offset = h->relay_offset + VIO4WD_CNT_MAX_RELAYS * h->relay_size;
    h->queue_size = sizeof(struct vio4wd_cnt_queues);
    h->max_queues = VIO4WD_CNT_MAX_QUEUES;
    for (unsigned r = 0; r < VIO4WD_CNT_MAX_RELAYS; r++) {
        struct vio4wd_cnt_relay *cr = vio4wd_counters_relay(r);
        cr->id = r;
        cr->numa_node = -1;
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
            cr->dir[d].cpu = -1;
    }
    __atomic_store_n(&h->magic, VIO4WD_CNT_MAGIC, __ATOMIC_RELEASE);

    if (rename(tmp, g_path) < 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, g_path, strerror(errno));
        munmap(g_base, g_size);
        g_base = NULL;
        unlink(tmp);
        return -1;
    }
    return 0;
}

struct vio4wd_cnt_header *vio4wd_counters_own_header(void)
{
    return (void *)g_base;
}

struct vio4wd_cnt_worker *vio4wd_counters_worker(unsigned w)
{
    struct vio4wd_cnt_header *h = (void *)g_base;
    return (void *)(g_base + h->worker_offset + (size_t)w * h->worker_size);
}

struct vio4wd_cnt_relay *vio4wd_counters_relay(unsigned relay_id)
{
    struct vio4wd_cnt_header *h = (void *)g_base;
    return (void *)(g_base + h->relay_offset + (size_t)relay_id * h->relay_size);
}

struct vio4wd_cnt_queues *vio4wd_counters_queues(unsigned relay_id, unsigned dir)
{
    struct vio4wd_cnt_header *h = (void *)g_base;
    return (void *)(g_base + h->queue_offset +
                    ((size_t)relay_id * VIO4WD_DIR_COUNT + dir) * h->queue_size);
}

void vio4wd_counters_set_state(enum vio4wd_cnt_state state)
{
    if (g_base)
        __atomic_store_n(&vio4wd_counters_own_header()->state, (uint32_t)state, __ATOMIC_RELEASE);
}

const char *vio4wd_counters_path(void)
{
    return g_path;
}

void vio4wd_counters_destroy(void)
{
    if (!g_base)
        return;
    vio4wd_counters_set_state(VIO4WD_CNT_STOPPED);
    unlink(g_path);
    munmap(g_base, g_size);
    g_base = NULL;
}
