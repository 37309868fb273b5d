/* SPDX-License-Identifier: BSD-3-Clause */
/* options.h - vio4wd_core_scheduler's settings: /etc/default/virtioforwarder
 * first, then the command line on top.
 *
 * The options upstream's scheduler had keep their names (--stats-ep,
 * --sched-ep, --poll-interval, --loglevel, --sensitivity,
 * --global-numa-opt); each is also a VIO4WD_CORE_SCHED_* or VIRTIOFWD_ZMQ_*
 * variable of the file and is checked by the same parser, so the file and
 * the command line cannot disagree on what is valid.
 */
#ifndef VIO4WD_SCHED_OPTIONS_H
#define VIO4WD_SCHED_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "decide.h"

#define SCHED_DEFAULT_COUNTERS      "/run/virtio-forwarder/counters"
#define SCHED_DEFAULT_TIME_LIMIT_MS 100.0

struct sched_options {
    char config_path[VIO4WD_PATH_MAX];
    bool config_given;        /* --config: a missing file is an error */
    struct vio4wd_config cfg; /* the file, with the command line applied */

    /* only on the command line */
    char topology[VIO4WD_PATH_MAX]; /* "" = this machine */
    double time_limit_ms;
    double deadline_ms; /* < 0: a share of the poll interval */
    double min_gain;    /* cores */
    double tolerance;   /* share of the lower bound */
    double pack_keep;   /* share of the day's most active workers */
    bool dry_run;
    bool once;
    bool json;
    char replay[VIO4WD_PATH_MAX]; /* "" = live; "-" = stdin */
    char counters[VIO4WD_PATH_MAX];
    bool counters_given;
    char pid_file[VIO4WD_PATH_MAX]; /* "" = none */
    bool pid_file_default;          /* pid_file is the default, in the run dir */
};

/* The default pid file's name, in the directory of the counters file (the
 * relay's run directory): one scheduler per relay. */
#define SCHED_PID_FILE_NAME "vio4wd_core_scheduler.pid"

enum sched_options_result {
    SCHED_OPTIONS_OK = 0,
    SCHED_OPTIONS_EXIT = 1, /* --help or --version was printed */
    SCHED_OPTIONS_BAD = -1, /* err says why; exit status 2 */
};

/* Parses argv over the configuration file. Does not keep argv, so it can
 * be called again on SIGHUP to reload. warn receives non-fatal warnings
 * (unknown variables in the file) and may be NULL. */
int sched_options_parse(int argc, char **argv, struct sched_options *o, config_warn_fn *warn,
                        void *opaque, char *err, size_t errlen);

void sched_options_usage(FILE *fp, const char *prog);

/* The decision parameters these options ask for. */
void sched_options_params(const struct sched_options *o, struct sched_params *p);

#endif
