/* SPDX-License-Identifier: BSD-3-Clause */
/* guest_gen.c - the libvirt elements and QEMU arguments that connect a
 * guest to a relay.
 *
 * Everything a vhost-user guest gets wrong silently is decided here once:
 * the socket mode opposite to the relay's, reconnect only where QEMU is the
 * client (QEMU and libvirt refuse it on a server socket), shared guest
 * memory, and MSI-X vectors for every queue pair (2 per pair, plus config
 * and control).
 */
#include "guest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void guest_gen_defaults(struct guest_gen_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->queues = 1;
    o->reconnect_s = 10;
    o->backend = GUEST_MEM_HUGEPAGES;
    o->memory_mib = 1024;
    o->vcpus = 1;
    o->hugetlbfs = "/dev/hugepages";
}

static bool ring_size_ok(unsigned n)
{
    return n >= GUEST_MIN_RING && n <= GUEST_MAX_RING && (n & (n - 1)) == 0;
}

int guest_gen_validate(const struct guest_gen_opts *o, char *err, size_t errlen)
{
    if (o->queues < 1 || o->queues > GUEST_MAX_QUEUES) {
        snprintf(err, errlen, "queues %u: must be 1 to %d (the relay serves at most %d pairs)",
                 o->queues, GUEST_MAX_QUEUES, GUEST_MAX_QUEUES);
        return -1;
    }
    const unsigned sizes[] = {o->rx_queue_size, o->tx_queue_size};
    const char *names[] = {"rx_queue_size", "tx_queue_size"};
    for (int i = 0; i < 2; i++)
        if (sizes[i] && !ring_size_ok(sizes[i])) {
            snprintf(err, errlen, "%s %u: must be 256, 512 or 1024", names[i], sizes[i]);
            return -1;
        }
    if (o->vcpus < 1 || o->vcpus > 4096) {
        snprintf(err, errlen, "vcpus %u: must be 1 to 4096", o->vcpus);
        return -1;
    }
    if (o->memory_mib < 1) {
        snprintf(err, errlen, "memory must be at least 1 MiB");
        return -1;
    }
    if (o->hugepage_kib && o->backend != GUEST_MEM_HUGEPAGES) {
        snprintf(err, errlen, "a huge page size only applies to the hugepages backend");
        return -1;
    }
    return 0;
}

const char *guest_qemu_mode(const struct guest_relay *r)
{
    return r->relay_is_client ? "server" : "client";
}

/* snprintf that appends at the end of what out already holds. */
static void append(char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *out, size_t outlen, const char *fmt, ...)
{
    size_t used = strnlen(out, outlen);
    if (used + 1 >= outlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + used, outlen - used, fmt, ap);
    va_end(ap);
}

void guest_gen_interface(const struct guest_relay *r, const struct guest_gen_opts *o, char *out,
                         size_t outlen)
{
    append(out, outlen, "<interface type='vhostuser'>\n");
    if (o->mac)
        append(out, outlen, "  <mac address='%s'/>\n", o->mac);
    append(out, outlen, "  <source type='unix' path='%s' mode='%s'", r->socket_path,
           guest_qemu_mode(r));
    if (!r->relay_is_client)
        append(out, outlen, ">\n    <reconnect enabled='yes' timeout='%u'/>\n  </source>\n",
               o->reconnect_s);
    else
        append(out, outlen, "/>\n");
    append(out, outlen, "  <model type='virtio'/>\n  <driver queues='%u'", o->queues);
    if (o->rx_queue_size)
        append(out, outlen, " rx_queue_size='%u'", o->rx_queue_size);
    if (o->tx_queue_size)
        append(out, outlen, " tx_queue_size='%u'", o->tx_queue_size);
    append(out, outlen, "/>\n</interface>\n");
}

void guest_gen_memory_backing(const struct guest_gen_opts *o, char *out, size_t outlen)
{
    append(out, outlen, "<memoryBacking>\n");
    if (o->backend == GUEST_MEM_MEMFD)
        append(out, outlen, "  <source type='memfd'/>\n");
    else if (o->hugepage_kib)
        append(out, outlen, "  <hugepages>\n    <page size='%lu' unit='KiB'/>\n  </hugepages>\n",
               o->hugepage_kib);
    else
        append(out, outlen, "  <hugepages/>\n");
    append(out, outlen, "  <access mode='shared'/>\n</memoryBacking>\n");
}

void guest_gen_numa(const struct guest_gen_opts *o, char *out, size_t outlen)
{
    char cpus[32];
    if (o->vcpus == 1)
        snprintf(cpus, sizeof(cpus), "0");
    else
        snprintf(cpus, sizeof(cpus), "0-%u", o->vcpus - 1);
    append(out, outlen,
           "<cpu>\n  <numa>\n    <cell id='0' cpus='%s' memory='%lu' unit='MiB' "
           "memAccess='shared'/>\n  </numa>\n</cpu>\n",
           cpus, o->memory_mib);
}

/* Adds one argument, formatted, to a. */
static void arg(struct guest_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg(struct guest_args *a, const char *fmt, ...)
{
    if (a->argc >= sizeof(a->argv) / sizeof(a->argv[0]) || a->used >= sizeof(a->buf))
        return;
    char *p = a->buf + a->used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p, sizeof(a->buf) - a->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
        return;
    a->used += (size_t)n + 1;
    a->argv[a->argc++] = p;
}

void guest_gen_qemu_memory(const struct guest_gen_opts *o, struct guest_args *a)
{
    /* -m must equal the NUMA nodes' memory, or QEMU refuses to start. */
    arg(a, "-m");
    arg(a, "%luM", o->memory_mib);
    arg(a, "-object");
    if (o->backend == GUEST_MEM_MEMFD)
        arg(a, "memory-backend-memfd,id=mem0,size=%luM,share=on", o->memory_mib);
    else
        arg(a, "memory-backend-file,id=mem0,size=%luM,mem-path=%s,share=on,prealloc=on",
            o->memory_mib, o->hugetlbfs);
    arg(a, "-numa");
    arg(a, "node,memdev=mem0");
}

void guest_gen_qemu_device(const struct guest_relay *r, const struct guest_gen_opts *o,
                           struct guest_args *a)
{
    char extra[128] = "";
    arg(a, "-chardev");
    if (r->relay_is_client)
        arg(a, "socket,id=vfwd%u,path=%s,server=on,wait=off", r->id, r->socket_path);
    else
        arg(a, "socket,id=vfwd%u,path=%s,reconnect=%u", r->id, r->socket_path, o->reconnect_s);
    arg(a, "-netdev");
    arg(a, "type=vhost-user,id=vfwdnet%u,chardev=vfwd%u,queues=%u", r->id, r->id, o->queues);
    if (o->rx_queue_size)
        append(extra, sizeof(extra), ",rx_queue_size=%u", o->rx_queue_size);
    if (o->tx_queue_size)
        append(extra, sizeof(extra), ",tx_queue_size=%u", o->tx_queue_size);
    if (o->mac)
        append(extra, sizeof(extra), ",mac=%s", o->mac);
    arg(a, "-device");
    arg(a, "virtio-net-pci,netdev=vfwdnet%u,mq=on,vectors=%u%s", r->id, 2 * o->queues + 2, extra);
}
