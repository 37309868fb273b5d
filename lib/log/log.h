/* SPDX-License-Identifier: BSD-3-Clause */
/* log.h - one logger for both daemons and the tools.
 *
 * Messages go to syslog (and so to journald) with the daemon's identity, and
 * also to stderr when running in the foreground. Levels are syslog's 0..7,
 * the same scale as VIRTIOFWD_LOG_LEVEL: a message is kept when its level is
 * at or below the threshold.
 */
#ifndef VIO4WD_LOG_H
#define VIO4WD_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum log_sink {
    LOG_SINK_STDERR = 1 << 0,
    LOG_SINK_SYSLOG = 1 << 1,
};

void log_open(const char *ident, int level, unsigned sinks);
void log_set_level(int level);
int log_get_level(void);
bool log_enabled(int level);
void log_close(void);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)     log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
