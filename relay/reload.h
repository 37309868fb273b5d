/* SPDX-License-Identifier: BSD-3-Clause */
/* reload.h - SIGHUP: re-read the configuration, apply what is safe to apply
 * while relays run, and name what needs a restart.
 *
 * Only the log level changes live. Workers, the main lcore, sockets,
 * endpoints and static VFs are set up once at start (EAL and vhost cannot
 * redo them under a running guest), so a change to one of them is logged as
 * "needs a restart" and the running value is kept. A configuration that no
 * longer parses changes nothing and is logged as an error: a typo must not
 * take the relay down.
 */
#ifndef VIO4WD_RELOAD_H
#define VIO4WD_RELOAD_H

#include "options.h"

/* Re-parses argc/argv (the command line still overrides the file) and
 * updates 'running' in place with what was applied. */
void reload_config(int argc, char **argv, struct relay_options *running);

#endif
