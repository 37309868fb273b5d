/* SPDX-License-Identifier: BSD-3-Clause */
/* options.h - the relay's command line: upstream virtio-forwarder's flags,
 * mapped onto the /etc/default/virtioforwarder variables they override. */
#ifndef VIO4WD_OPTIONS_H
#define VIO4WD_OPTIONS_H

#include <stddef.h>

#include "config.h"

#define RELAY_DEFAULT_RUN_DIR "/run/virtio-forwarder"

struct relay_options {
    struct vio4wd_config cfg;
    char config_path[VIO4WD_PATH_MAX];
    char run_dir[VIO4WD_PATH_MAX];
    int n_eal_args; /* everything after "--" */
    char **eal_args;
};

enum options_result {
    OPTIONS_RUN = 0,     /* start the relay */
    OPTIONS_EXIT_OK = 1, /* --help / --version printed */
    OPTIONS_BAD = -1,    /* err says what; exit code 2 */
};

/* Loads the config file (the default one may be missing: then defaults),
 * applies the command line on top, and runs config_check(). */
enum options_result options_parse(int argc, char **argv, struct relay_options *o, char *err,
                                  size_t errlen);

#endif
