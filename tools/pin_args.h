/* SPDX-License-Identifier: BSD-3-Clause */
/* pin_args.h - vio4wd-core-pinner's pins on its command line. A library
 * only so that the unit tests run exactly what the tool runs. */
#ifndef VIO4WD_TOOLS_PIN_ARGS_H
#define VIO4WD_TOOLS_PIN_ARGS_H

#include <stddef.h>

#include "config.h"

/* Parses one --virtio-cpu value ("R:C1[,C2]", VIRTIOFWD_CPU_PINS syntax,
 * through the configuration parser so both agree) and appends it to pins.
 * A relay pinned twice is an error. Returns 0, or -1 with err naming the
 * value and what is valid. */
int tool_parse_pin(const char *text, struct vio4wd_cpu_pin *pins, size_t *n, size_t max, char *err,
                   size_t errlen);

#endif
