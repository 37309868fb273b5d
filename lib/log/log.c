/* SPDX-License-Identifier: BSD-3-Clause */
/* log.c - syslog/journald plus stderr in the foreground, with a level. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int threshold = LOG_INFO;
static unsigned active_sinks = LOG_SINK_STDERR;
static const char *program = "vio4wd";

static const char *const level_names[] = {
    "emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

/* Under systemd, stderr is often already a journal stream: systemd says so
 * in $JOURNAL_STREAM as "device:inode" of that stream. Writing a line to
 * both syslog and such a stderr would put it in the journal twice. */
static bool stderr_is_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (!stream || sscanf(stream, "%llu:%llu", &dev, &ino) != 2)
        return false;
    if (fstat(STDERR_FILENO, &st) != 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_open(const char *ident, int level, unsigned sinks)
{
    if ((sinks & LOG_SINK_SYSLOG) && stderr_is_journal())
        sinks &= ~LOG_SINK_STDERR;
    program = ident;
    active_sinks = sinks;
    log_set_level(level);
    if (sinks & LOG_SINK_SYSLOG)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(int level)
{
    threshold = level < LOG_EMERG ? LOG_EMERG : level > LOG_DEBUG ? LOG_DEBUG : level;
}

int log_get_level(void)
{
    return threshold;
}

bool log_enabled(int level)
{
    return level <= threshold;
}

void log_close(void)
{
    if (active_sinks & LOG_SINK_SYSLOG)
        closelog();
    active_sinks = LOG_SINK_STDERR;
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;

    if (!log_enabled(level))
        return;
    if (level < LOG_EMERG)
        level = LOG_EMERG;
    if (active_sinks & LOG_SINK_SYSLOG) {
        va_start(ap, fmt);
        vsyslog(level, fmt, ap);
        va_end(ap);
    }
    if (active_sinks & LOG_SINK_STDERR) {
        /* One fprintf per line so concurrent threads do not interleave. */
        char text[1024];
        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        fprintf(stderr, "%s: %s: %s\n", program, level_names[level], text);
    }
}
