/* SPDX-License-Identifier: BSD-3-Clause */
/* port_text.h - the text forms the OVSDB and IPC-file monitors accept for a
 * relay number and a device (no DPDK). */
#ifndef VIO4WD_PORT_TEXT_H
#define VIO4WD_PORT_TEXT_H

#include <stdbool.h>

/* "0".."63" in decimal digits only (no sign, no spaces). */
bool port_text_relay_id(const char *text, unsigned *id);

/* A DPDK device string as rte_dev_probe() takes it: printable, no spaces,
 * starting with a letter or a digit (a PCI address). */
bool port_text_is_device(const char *text);

#endif
