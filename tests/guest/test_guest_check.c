/* SPDX-License-Identifier: BSD-3-Clause */
/* test_guest_check.c - vio4wd-guest-config --check over a table of domain
 * files (tests/guest/domains): one clean domain, libvirt's documentation
 * examples, a virsh dumpxml, and the seed of every failure the check knows.
 *
 * The relays are a running relay process as a test would see it: sockets
 * /tmp/virtio-forwarder<N>.sock, relay 0's VF serves 4 queue pairs and its
 * workers are on node 0, relay 1 has not created its socket (dynamic
 * sockets). The host has 2 MiB and 1 GiB huge pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "guest.h"

#define MAX_NEEDLES 4

struct fixture {
    const char *file;
    bool client_relays; /* relays run with VIRTIOFWD_VHOST_CLIENT=y */
    int rc;             /* 0 read, -1 unreadable */
    unsigned errors, warnings;
    const char *needles[MAX_NEEDLES]; /* each in some "xpath: what; fix: fix" line */
};

static const struct fixture fixtures[] = {
    {"clean.xml", false, 0, 0, 0, {NULL}},
    {"doc-vhostuser.xml",
     false,
     0,
     3,
     0,
     {"/domain/devices/interface[1]/source: socket '/tmp/vhost1.sock' belongs to no relay",
      "/domain/devices/interface[2]/source: socket '/tmp/vhost2.sock' belongs to no relay",
      "/domain: guest memory is private"}},
    {"doc-multiqueue.xml",
     false,
     0,
     1,
     0,
     {"interface/driver: queues 5: relay 0's VF serves at most 4 queue pairs; "
      "fix: set queues='4' or fewer"}},
    {"doc-reconnect.xml", false, 0, 0, 0, {NULL}},
    {"mode-same.xml",
     false,
     0,
     1,
     0,
     {"interface/source: mode 'server': relay 0 is a vhost-user server too",
      "fix: set mode='client'"}},
    {"mode-missing.xml", false, 0, 1, 0, {"no mode", "fix: set mode='client'"}},
    {"memory-private.xml",
     false,
     0,
     1,
     0,
     {"/domain/memoryBacking: guest memory is private", "<access mode='shared'/>"}},
    {"no-memorybacking.xml", false, 0, 1, 0, {"/domain: guest memory is private"}},
    {"numa-cell-private.xml",
     false,
     0,
     1,
     0,
     {"/domain/cpu/numa/cell[2]: NUMA cell memory is private", "memAccess='shared'"}},
    {"numa-cells-shared.xml", false, 0, 0, 0, {NULL}},
    {"hugepage-size.xml",
     false,
     0,
     1,
     0,
     {"/domain/memoryBacking/hugepages/page: the host has no 16384 KiB huge pages",
      "KiB: 2048, 1048576"}},
    {"queues-too-many.xml", false, 0, 1, 0, {"queues 64: a relay serves at most 32"}},
    {"ring-size.xml",
     false,
     0,
     2,
     0,
     {"rx_queue_size '2048': not a power of two from 256 to 1024", "tx_queue_size '300'"}},
    {"wrong-dir.xml",
     false,
     0,
     1,
     0,
     {"socket '/var/run/virtio-forwarder0.sock' belongs to no relay",
      "fix: set path='/tmp/virtio-forwarder0.sock' (relay 0's socket)"}},
    {"socket-not-served.xml",
     false,
     0,
     1,
     0,
     {"relay 1 runs but does not serve socket",
      "vio4wd-port-control add_sock --vhost-path /tmp/virtio-forwarder1.sock"}},
    {"numa-mismatch.xml",
     false,
     0,
     0,
     1,
     {"/domain/numatune/memory: warning: guest memory on host node(s) 1, relay 0's workers "
      "on node 0"}},
    {"several.xml", false, 0, 0, 0, {NULL}},
    {"duplicate.xml",
     false,
     0,
     1,
     0,
     {"/domain/devices/interface[2]/source: relay 0's socket is used by an earlier"}},
    {"model-missing.xml", false, 0, 1, 0, {"/domain/devices/interface: no model"}},
    {"reconnect-missing.xml", false, 0, 0, 1, {"warning: no reconnect"}},
    {"client-relay.xml", true, 0, 0, 0, {NULL}},
    {"clean.xml",
     true,
     0,
     1,
     0,
     {"mode 'client': relay 0 is a vhost-user client too", "fix: set mode='server'"}},
    {"virsh-dumpxml.xml", false, 0, 0, 0, {NULL}},
    {"no-vhostuser.xml", false, 0, 0, 0, {NULL}},
    {"not-a-domain.xml", false, -1, 0, 0, {"the root element is <network>"}},
    {"malformed.xml", false, -1, 0, 0, {"not well-formed XML"}},
};

static void make_relays(struct guest_relay *relays, bool client)
{
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        struct guest_relay *r = &relays[id];
        memset(r, 0, sizeof(*r));
        r->id = id;
        snprintf(r->socket_path, sizeof(r->socket_path), "/tmp/virtio-forwarder%u.sock", id);
        r->relay_is_client = client;
        r->running = true;
        r->socket_registered = id != 1;
        r->vf_max_queues = id == 0 ? 4 : 8;
        r->worker_node = 0;
    }
}

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", FIXTURE_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open fixture %s", path);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return buf;
}

static bool has_line_with(const struct guest_check_result *res, const char *needle)
{
    char line[1200];
    for (size_t i = 0; i < res->n; i++) {
        const struct guest_finding *f = &res->findings[i];
        snprintf(line, sizeof(line), "%s: %s%s; fix: %s", f->xpath, f->warning ? "warning: " : "",
                 f->what, f->fix);
        if (strstr(line, needle))
            return true;
    }
    return false;
}

static void test_fixtures(void **state)
{
    (void)state;
    static struct guest_relay relays[VIO4WD_MAX_RELAYS];
    struct guest_host host = {.hugepage_kib = {2048, 1048576}, .n_hugepage_sizes = 2};

    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const struct fixture *fx = &fixtures[i];
        struct guest_check_result res;
        char err[512] = "";
        size_t len;
        const char *xml = slurp(fx->file, &len);

        make_relays(relays, fx->client_relays);
        int rc =
            guest_check_domain(xml, len, relays, VIO4WD_MAX_RELAYS, &host, &res, err, sizeof(err));
        for (size_t k = 0; k < res.n; k++)
            print_message("  %s: %s: %s%s; fix: %s\n", fx->file, res.findings[k].xpath,
                          res.findings[k].warning ? "warning: " : "", res.findings[k].what,
                          res.findings[k].fix);
        if (rc != fx->rc)
            fail_msg("%s: rc %d, want %d (%s)", fx->file, rc, fx->rc, err);
        if (rc == 0 && (res.n_errors != fx->errors || res.n_warnings != fx->warnings))
            fail_msg("%s: %u errors %u warnings, want %u and %u", fx->file, res.n_errors,
                     res.n_warnings, fx->errors, fx->warnings);
        for (int k = 0; k < MAX_NEEDLES && fx->needles[k]; k++) {
            bool found =
                rc == 0 ? has_line_with(&res, fx->needles[k]) : strstr(err, fx->needles[k]) != NULL;
            if (!found)
                fail_msg("%s: no finding with \"%s\" (err: %s)", fx->file, fx->needles[k], err);
        }
        guest_check_free(&res);
    }
}

/* Without live state (relay stopped) a socket that will exist is fine, and
 * the VF's queue count is not known: only the relay's own limit applies. */
static void test_relay_stopped(void **state)
{
    (void)state;
    static struct guest_relay relays[VIO4WD_MAX_RELAYS];
    struct guest_host host = {.hugepage_kib = {2048}, .n_hugepage_sizes = 1};
    const char *files[] = {"socket-not-served.xml", "doc-multiqueue.xml", "numa-mismatch.xml"};

    make_relays(relays, false);
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        relays[id].running = false;
        relays[id].vf_max_queues = 0;
        relays[id].worker_node = -1;
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct guest_check_result res;
        char err[256];
        size_t len;
        const char *xml = slurp(files[i], &len);
        assert_int_equal(
            guest_check_domain(xml, len, relays, VIO4WD_MAX_RELAYS, &host, &res, err, sizeof(err)),
            0);
        if (res.n)
            fail_msg("%s: %s: %s", files[i], res.findings[0].xpath, res.findings[0].what);
        guest_check_free(&res);
    }
}

/* A host without huge pages: <hugepages/> with no size cannot be met. */
static void test_no_hugepages_on_host(void **state)
{
    (void)state;
    static struct guest_relay relays[VIO4WD_MAX_RELAYS];
    struct guest_host host = {.n_hugepage_sizes = 0};
    struct guest_check_result res;
    char err[256];
    size_t len;
    const char *xml = slurp("memory-private.xml", &len);

    make_relays(relays, false);
    assert_int_equal(
        guest_check_domain(xml, len, relays, VIO4WD_MAX_RELAYS, &host, &res, err, sizeof(err)), 0);
    assert_true(has_line_with(&res, "huge pages asked for, but the host has none"));
    assert_int_equal(res.n_errors, 2);
    guest_check_free(&res);
}

/* guest_host_read: one size per hugepages-<N>kB directory, sorted. */
static void test_host_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/vio4wd-hp.XXXXXX", sub[300];
    struct guest_host host;

    assert_non_null(mkdtemp(dir));
    const char *names[] = {"hugepages-1048576kB", "hugepages-2048kB", "not-hugepages",
                           "hugepages-64kBx"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
        assert_int_equal(mkdir(sub, 0700), 0);
    }
    guest_host_read(&host, dir);
    for (size_t i = 0; i < 4; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
        rmdir(sub);
    }
    rmdir(dir);
    assert_int_equal(host.n_hugepage_sizes, 2);
    assert_int_equal(host.hugepage_kib[0], 2048);
    assert_int_equal(host.hugepage_kib[1], 1048576);

    guest_host_read(&host, "/nonexistent/vio4wd");
    assert_int_equal(host.n_hugepage_sizes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_relay_stopped),
        cmocka_unit_test(test_no_hugepages_on_host),
        cmocka_unit_test(test_host_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
