/* SPDX-License-Identifier: BSD-3-Clause */
/* counters_live.c - liveness of a counters file's writer (see counters_live.h). */
#include "counters_live.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The process's start as CLOCK_REALTIME ns, or 0 when /proc does not say.
 * /proc/PID/stat field 22 is the start in clock ticks since boot; the
 * command (field 2) may hold spaces and ')' so parsing starts after the
 * last ')'. */
static uint64_t process_start_realtime_ns(uint32_t pid)
{
    char path[64], buf[1024];
    unsigned long long ticks = 0;
    long hz = sysconf(_SC_CLK_TCK);

    snprintf(path, sizeof(path), "/proc/%u/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p || hz <= 0)
        return 0;
    /* after ')': field 3 (state) ... field 22 (starttime) */
    if (sscanf(p + 1,
               " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
               "%*d %*d %llu",
               &ticks) != 1)
        return 0;
    uint64_t since_boot = ticks * (1000000000ull / (unsigned long long)hz);
    uint64_t boot_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    return boot_real + since_boot;
}

bool vio4wd_pid_alive_since(uint32_t pid, uint64_t created_realtime_ns)
{
    if (pid == 0 || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
        return false;
    uint64_t started = process_start_realtime_ns(pid);
    return started == 0 || started <= created_realtime_ns + VIO4WD_LIVE_SLACK_NS;
}

/* The newest update stamp in the file (a worker writes its block on every
 * loop, so this is about when the relay died), as CLOCK_REALTIME seconds. */
static time_t last_update(const struct vio4wd_cnt_header *h)
{
    const uint8_t *base = (const uint8_t *)h;
    uint64_t last = h->start_tsc;

    for (uint32_t w = 0; w < h->n_workers && w < h->max_workers; w++) {
        const struct vio4wd_cnt_worker *wk =
            (const void *)(base + h->worker_offset + (size_t)w * h->worker_size);
        uint64_t t = __atomic_load_n(&wk->update_tsc, __ATOMIC_RELAXED);
        if (t > last)
            last = t;
    }
    uint64_t ns = h->start_realtime_ns;
    if (h->tsc_hz)
        ns += (uint64_t)((double)(last - h->start_tsc) * 1e9 / (double)h->tsc_hz);
    return (time_t)(ns / 1000000000ull);
}

bool vio4wd_counters_writer_gone(struct vio4wd_counters *c, char *why, size_t whylen)
{
    const struct vio4wd_cnt_header *h = vio4wd_counters_header(c);

    if (vio4wd_pid_alive_since(h->pid, h->start_realtime_ns))
        return false;
    if (why && whylen) {
        time_t t = last_update(h);
        struct tm tm;
        char hms[16] = "?";
        if (localtime_r(&t, &tm))
            strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
        snprintf(why, whylen, "relay pid %u is gone (counters from %s)", h->pid, hms);
    }
    return true;
}
