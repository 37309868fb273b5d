/* SPDX-License-Identifier: BSD-3-Clause */
/* guest.h - what a vhost-user guest needs from a relay, and the two things
 * vio4wd-guest-config does with it: write the guest's configuration
 * (guest_gen.c) and check a libvirt domain against the relays
 * (guest_check.c).
 *
 * Neither part knows where the facts come from: guest_config.c fills
 * struct guest_relay from the configuration file and, when the relay runs,
 * its counters file; the tests fill it by hand. No DPDK here.
 */
#ifndef VIO4WD_TOOLS_GUEST_H
#define VIO4WD_TOOLS_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

#define GUEST_MAX_QUEUES         32  /* the relay's limit (RELAY_MAX_QUEUES) */
#define GUEST_MIN_RING           256 /* virtio-net rx/tx_queue_size, powers of two */
#define GUEST_MAX_RING           1024
#define GUEST_MAX_HUGEPAGE_SIZES 8

/* One relay as a guest sees it. */
struct guest_relay {
    unsigned id;
    char socket_path[VIO4WD_PATH_MAX];
    bool relay_is_client;   /* VIRTIOFWD_VHOST_CLIENT: QEMU must be the server */
    bool running;           /* the live fields below are known */
    bool socket_registered; /* live: the relay has its vhost-user socket */
    unsigned vf_max_queues; /* live: queue pairs its VF serves, 0 = no VF */
    int worker_node;        /* live: NUMA node of its workers, -1 unknown */
};

/* Host facts the check needs. */
struct guest_host {
    unsigned long hugepage_kib[GUEST_MAX_HUGEPAGE_SIZES]; /* sizes the host has */
    size_t n_hugepage_sizes;
};

/* Reads the host's huge page sizes from 'dir' (/sys/kernel/mm/hugepages:
 * one hugepages-<N>kB directory per size). A missing directory: none. */
void guest_host_read(struct guest_host *host, const char *dir);

/* ---- generation (guest_gen.c) ------------------------------------------ */

enum guest_backend {
    GUEST_MEM_HUGEPAGES,
    GUEST_MEM_MEMFD
};

struct guest_gen_opts {
    unsigned queues;        /* 1..GUEST_MAX_QUEUES */
    unsigned rx_queue_size; /* 0: not set */
    unsigned tx_queue_size;
    unsigned reconnect_s; /* QEMU as client: reconnect timeout */
    const char *mac;      /* NULL: let libvirt/QEMU choose */
    enum guest_backend backend;
    unsigned long memory_mib;   /* guest memory, for the backend and NUMA cell */
    unsigned long hugepage_kib; /* page size; 0: the host's default */
    unsigned vcpus;             /* CPUs of the one guest NUMA cell */
    const char *hugetlbfs;      /* mount point, for QEMU's mem-path */
};

/* Defaults: one queue, no sizes, reconnect 10 s, hugepages, 1024 MiB, one
 * vCPU. */
void guest_gen_defaults(struct guest_gen_opts *o);

/* Checks the options; returns 0, or -1 with err naming the bad value and
 * what is valid. */
int guest_gen_validate(const struct guest_gen_opts *o, char *err, size_t errlen);

/* The QEMU mode of the socket: opposite to the relay's. */
const char *guest_qemu_mode(const struct guest_relay *r);

/* Appends to out (NUL-terminated, truncated at outlen) the libvirt
 * <interface type='vhostuser'> element for relay r. */
void guest_gen_interface(const struct guest_relay *r, const struct guest_gen_opts *o, char *out,
                         size_t outlen);

/* The <memoryBacking> element and the <cpu><numa> element a vhost-user
 * guest needs, for a domain. */
void guest_gen_memory_backing(const struct guest_gen_opts *o, char *out, size_t outlen);
void guest_gen_numa(const struct guest_gen_opts *o, char *out, size_t outlen);

/* QEMU arguments, one argument per array element (an option and its value
 * are two). The memory part is once per guest; the device part per relay.
 * Each returns the number of arguments written; they are stored in 'buf'. */
struct guest_args {
    char buf[4096];
    size_t used;
    const char *argv[64];
    size_t argc;
};
void guest_gen_qemu_memory(const struct guest_gen_opts *o, struct guest_args *a);
void guest_gen_qemu_device(const struct guest_relay *r, const struct guest_gen_opts *o,
                           struct guest_args *a);

/* ---- checking (guest_check.c) ------------------------------------------ */

struct guest_finding {
    bool warning;    /* advice, not an error */
    char xpath[256]; /* the element, as xmlGetNodePath writes it */
    char what[384];  /* what is wrong */
    char fix[384];   /* how to fix it */
};

struct guest_check_result {
    struct guest_finding *findings;
    size_t n, cap;
    unsigned n_errors, n_warnings;
    unsigned n_interfaces; /* vhostuser interfaces checked */
};

/* Checks a libvirt domain (XML text) against the relays. Returns 0 when it
 * was read (findings, if any, in res; free with guest_check_free), or -1
 * with err saying why the input is not a readable domain. */
int guest_check_domain(const char *xml, size_t len, const struct guest_relay *relays,
                       size_t n_relays, const struct guest_host *host,
                       struct guest_check_result *res, char *err, size_t errlen);

void guest_check_free(struct guest_check_result *res);

#endif
