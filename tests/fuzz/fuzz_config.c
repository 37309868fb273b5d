/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: /etc/default/virtioforwarder text -> config parser.
 *
 * Whatever the bytes, the parser must return 0 or -1 with a message, never
 * crash, read out of bounds or leak; and a config it accepts must survive
 * config_check() and config_socket_path(). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vio4wd_config cfg;
    char err[512], path[256];
    struct vio4wd_cpuset host;

    config_init(&cfg);
    if (config_load_buffer(&cfg, (const char *)data, size, "fuzz", NULL, NULL, err, sizeof(err)) ==
        0) {
        cpuset_clear(&host);
        for (unsigned c = 0; c < 64; c++)
            cpuset_add(&host, c);
        config_check(&cfg, &host, err, sizeof(err));
        config_socket_path(&cfg, 63, path, sizeof(path));
    } else if (strlen(err) == 0) {
        __builtin_trap(); /* every rejection must say why */
    }
    return 0;
}
