/* SPDX-License-Identifier: BSD-3-Clause */
/* The load generator's configuration, as parsed from its command line.
 * Pure C, no DPDK. */
#ifndef VIO4WD_LG_CONFIG_H
#define VIO4WD_LG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "direction.h"
#include "lg_profile.h"

#define LG_MAX_RELAYS 64  /* the relay's own limit */
#define LG_MAX_QUEUES 32  /* queue pairs per relay: the relay's limit */
#define LG_PATH_MAX   108 /* sun_path: vhost-user and memif sockets */
#define LG_DEV_MAX    512

/* Directions are the relay's (enum vio4wd_dir, named by vio4wd_dir_name),
 * as in docs/ARCHITECTURE.md, "8. Directions: names and numbering":
 * VIO4WD_DIR_VM_TO_VF: generator virtio_user tx -> relay -> VF peer rx;
 * VIO4WD_DIR_VF_TO_VM: generator VF peer tx -> relay -> virtio_user rx. */

struct lg_relay_cfg {
    unsigned id;
    char socket[LG_PATH_MAX]; /* relay's vhost-user socket */
    bool server;              /* virtio_user server=1 (relay is client) */
    unsigned qsize;           /* virtio_user queue_size */
    unsigned queues;          /* queue pairs on both ports, 1..32 */
    char memif[LG_PATH_MAX];  /* memif socket, when vf_dev is default */
    bool vf_custom;           /* vf= given: vf_dev is the user's */
    char vf_dev[LG_DEV_MAX];  /* full DPDK device string of the peer */
    unsigned size;            /* frame size in bytes, without FCS */
    bool enabled[VIO4WD_DIR_COUNT];
    struct lg_profile prof[VIO4WD_DIR_COUNT];
    /* Fault injection: the receiving side of direction d stops draining its
     * rings from stall_from[d] to stall_to[d] (seconds of traffic; equal:
     * never), as a guest or a VF that stops taking packets. */
    double stall_from[VIO4WD_DIR_COUNT], stall_to[VIO4WD_DIR_COUNT];
};

struct lg_config {
    double duration;        /* seconds; 0 = until a signal */
    double grace;           /* drain time after sending stops */
    double connect_timeout; /* wait this long for peers */
    unsigned burst;
    unsigned window_bits;
    bool json;
    bool quiet;
    bool expect_no_loss;
    bool probe;    /* check paths before traffic starts */
    bool has_rate; /* --rate given: */
    double rate;   /* the rate of every --relay without rate= */
    char socket_dir[LG_PATH_MAX];
    char memif_dir[LG_PATH_MAX];
    unsigned nrelays;
    struct lg_relay_cfg relay[LG_MAX_RELAYS];
    int eal_argc;    /* arguments after "--", verbatim */
    char **eal_argv; /* points into the caller's argv */
};

/* Exit codes, documented in --help. */
enum {
    LG_EXIT_OK = 0,
    LG_EXIT_LOSS = 1,    /* --expect-no-loss and something went wrong */
    LG_EXIT_USAGE = 2,   /* bad command line */
    LG_EXIT_RUNTIME = 3, /* EAL, ports, peers never connected, ... */
};

/* Parse argv into cfg.  Returns 0 to run, 1 if --help/--version was printed
 * (exit 0), or -1 with a message in err (exit LG_EXIT_USAGE). */
int lg_cli_parse(struct lg_config *cfg, int argc, char **argv, char *err, size_t errlen);

/* Parse one --relay SPEC into r, using cfg's directories for defaults. */
int lg_relay_parse(const struct lg_config *cfg, struct lg_relay_cfg *r, const char *spec, char *err,
                   size_t errlen);

void lg_usage(const char *prog, FILE *out);

#endif
