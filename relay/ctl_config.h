/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_config.h - the optional config endpoint: which CPUs serve each relay
 * (upstream's ConfigRequest/ConfigResponse). */
#ifndef VIO4WD_CTL_CONFIG_H
#define VIO4WD_CTL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Binds cfg->zmq_config_ep when it is set; otherwise does nothing. */
int ctl_config_init(const struct vio4wd_config *cfg, char *err, size_t errlen);

size_t ctl_config_handle(void *opaque, const uint8_t *req, size_t len, uint8_t **reply);

#endif
