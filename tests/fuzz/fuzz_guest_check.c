/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: libvirt domain XML -> vio4wd-guest-config --check.
 *
 * Whatever the bytes, the check returns 0 with findings or -1 with a
 * message, never crashes, reads out of bounds or leaks; and every finding
 * names an element and a fix. The relays are the ones the unit test uses,
 * with live state, so every check is reachable. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct guest_relay relays[VIO4WD_MAX_RELAYS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    xmlInitParser();
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        struct guest_relay *r = &relays[id];
        r->id = id;
        snprintf(r->socket_path, sizeof(r->socket_path), "/tmp/virtio-forwarder%u.sock", id);
        r->relay_is_client = id % 2;
        r->running = id < 32;
        r->socket_registered = id % 3 != 1;
        r->vf_max_queues = id % 5;
        r->worker_node = (int)id % 3 - 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct guest_host host = {.hugepage_kib = {2048, 1048576}, .n_hugepage_sizes = 2};
    struct guest_check_result res;
    char err[512] = "";

    if (guest_check_domain((const char *)data, size, relays, VIO4WD_MAX_RELAYS, &host, &res, err,
                           sizeof(err)) == 0) {
        for (size_t i = 0; i < res.n; i++)
            if (res.findings[i].xpath[0] != '/' || !res.findings[i].fix[0])
                __builtin_trap();
        guest_check_free(&res);
    } else if (strlen(err) == 0) {
        __builtin_trap(); /* every rejection must say why */
    }
    return 0;
}
