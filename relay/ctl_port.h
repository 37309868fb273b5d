/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_port.h - the port_control endpoint: add and remove VFs (or bonds) and
 * vhost-user sockets at run time, and say which VF serves which relay. */
#ifndef VIO4WD_CTL_PORT_H
#define VIO4WD_CTL_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Binds cfg->zmq_port_control_ep (ZeroMQ port control: see port_mode.h). */
int ctl_port_init(const struct vio4wd_config *cfg, char *err, size_t errlen);

size_t ctl_port_handle(void *opaque, const uint8_t *req, size_t len, uint8_t **reply);

#endif
