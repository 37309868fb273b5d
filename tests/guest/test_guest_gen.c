/* SPDX-License-Identifier: BSD-3-Clause */
/* test_guest_gen.c - what vio4wd-guest-config writes: socket modes opposite
 * to the relay's, reconnect only on QEMU's client side, MSI-X vectors for
 * every queue pair, shared memory; and that everything it writes passes
 * its own check (tests/guest/validate_schema.sh checks it against libvirt's
 * schema).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guest.h"

static struct guest_relay relay(unsigned id, bool client)
{
    struct guest_relay r = {.id = id,
                            .relay_is_client = client,
                            .running = true,
                            .socket_registered = true,
                            .vf_max_queues = 32,
                            .worker_node = -1};
    snprintf(r.socket_path, sizeof(r.socket_path), "/tmp/virtio-forwarder%u.sock", id);
    return r;
}

static void test_interface_server_relay(void **state)
{
    (void)state;
    struct guest_relay r = relay(3, false);
    struct guest_gen_opts o;
    char buf[2048] = "";

    guest_gen_defaults(&o);
    o.queues = 4;
    o.rx_queue_size = 1024;
    o.mac = "52:54:00:00:00:03";
    guest_gen_interface(&r, &o, buf, sizeof(buf));
    assert_non_null(strstr(buf, "<interface type='vhostuser'>"));
    assert_non_null(strstr(buf, "<mac address='52:54:00:00:00:03'/>"));
    assert_non_null(strstr(buf, "path='/tmp/virtio-forwarder3.sock' mode='client'>"));
    assert_non_null(strstr(buf, "<reconnect enabled='yes' timeout='10'/>"));
    assert_non_null(strstr(buf, "<model type='virtio'/>"));
    assert_non_null(strstr(buf, "<driver queues='4' rx_queue_size='1024'/>"));
    assert_null(strstr(buf, "tx_queue_size"));
}

static void test_interface_client_relay(void **state)
{
    (void)state;
    struct guest_relay r = relay(0, true);
    struct guest_gen_opts o;
    char buf[2048] = "";

    guest_gen_defaults(&o);
    guest_gen_interface(&r, &o, buf, sizeof(buf));
    assert_non_null(strstr(buf, "mode='server'/>"));
    assert_null(strstr(buf, "reconnect"));
    assert_non_null(strstr(buf, "<driver queues='1'/>"));
}

static bool has_arg(const struct guest_args *a, const char *text)
{
    for (size_t i = 0; i < a->argc; i++)
        if (strcmp(a->argv[i], text) == 0)
            return true;
    return false;
}

static void test_qemu(void **state)
{
    (void)state;
    struct guest_relay server = relay(2, false), client = relay(5, true);
    struct guest_gen_opts o;
    struct guest_args a = {0};

    guest_gen_defaults(&o);
    o.queues = 8;
    o.tx_queue_size = 512;
    o.memory_mib = 2048;
    guest_gen_qemu_memory(&o, &a);
    assert_true(has_arg(&a, "2048M"));
    assert_true(has_arg(&a, "memory-backend-file,id=mem0,size=2048M,mem-path=/dev/hugepages,"
                            "share=on,prealloc=on"));
    assert_true(has_arg(&a, "node,memdev=mem0"));
    guest_gen_qemu_device(&server, &o, &a);
    assert_true(has_arg(&a, "socket,id=vfwd2,path=/tmp/virtio-forwarder2.sock,reconnect=10"));
    assert_true(has_arg(&a, "type=vhost-user,id=vfwdnet2,chardev=vfwd2,queues=8"));
    assert_true(has_arg(&a, "virtio-net-pci,netdev=vfwdnet2,mq=on,vectors=18,tx_queue_size=512"));
    guest_gen_qemu_device(&client, &o, &a);
    assert_true(has_arg(&a, "socket,id=vfwd5,path=/tmp/virtio-forwarder5.sock,server=on,wait=off"));

    memset(&a, 0, sizeof(a));
    o.backend = GUEST_MEM_MEMFD;
    guest_gen_qemu_memory(&o, &a);
    assert_true(has_arg(&a, "memory-backend-memfd,id=mem0,size=2048M,share=on"));
}

static void test_validate(void **state)
{
    (void)state;
    struct guest_gen_opts o;
    char err[256];
    const struct {
        unsigned q, rx, tx;
        bool ok;
        const char *msg;
    } cases[] = {
        {1, 0, 0, true, NULL},
        {32, 256, 1024, true, NULL},
        {33, 0, 0, false, "queues 33: must be 1 to 32"},
        {0, 0, 0, false, "queues 0"},
        {1, 2048, 0, false, "rx_queue_size 2048: must be 256, 512 or 1024"},
        {1, 0, 300, false, "tx_queue_size 300"},
        {1, 128, 0, false, "rx_queue_size 128"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        guest_gen_defaults(&o);
        o.queues = cases[i].q;
        o.rx_queue_size = cases[i].rx;
        o.tx_queue_size = cases[i].tx;
        err[0] = '\0';
        assert_int_equal(guest_gen_validate(&o, err, sizeof(err)), cases[i].ok ? 0 : -1);
        if (cases[i].msg && !strstr(err, cases[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
    }
    guest_gen_defaults(&o);
    o.backend = GUEST_MEM_MEMFD;
    o.hugepage_kib = 2048;
    assert_int_equal(guest_gen_validate(&o, err, sizeof(err)), -1);
}

/* Builds a domain from the generated parts, as the README tells operators. */
static void build_domain(const struct guest_relay *relays, size_t n, const struct guest_gen_opts *o,
                         char *buf, size_t len)
{
    char part[4096];
    snprintf(buf, len,
             "<domain type='kvm'><name>t</name><memory unit='MiB'>%lu</memory>"
             "<vcpu>%u</vcpu><os><type arch='x86_64'>hvm</type></os>",
             o->memory_mib, o->vcpus);
    part[0] = '\0';
    guest_gen_memory_backing(o, part, sizeof(part));
    strncat(buf, part, len - strlen(buf) - 1);
    part[0] = '\0';
    guest_gen_numa(o, part, sizeof(part));
    strncat(buf, part, len - strlen(buf) - 1);
    strncat(buf, "<devices>", len - strlen(buf) - 1);
    for (size_t i = 0; i < n; i++) {
        part[0] = '\0';
        guest_gen_interface(&relays[i], o, part, sizeof(part));
        strncat(buf, part, len - strlen(buf) - 1);
    }
    strncat(buf, "</devices></domain>", len - strlen(buf) - 1);
}

/* Whatever the options, what the tool writes passes its own check. */
static void test_generated_passes_check(void **state)
{
    (void)state;
    struct guest_host host = {.hugepage_kib = {2048, 1048576}, .n_hugepage_sizes = 2};
    static char xml[16384];

    for (int client = 0; client < 2; client++) {
        struct guest_relay relays[3];
        for (unsigned i = 0; i < 3; i++)
            relays[i] = relay(i * 7, client);
        for (unsigned q = 1; q <= 32; q *= 2) {
            for (int backend = 0; backend < 2; backend++) {
                struct guest_gen_opts o;
                struct guest_check_result res;
                char err[256];
                guest_gen_defaults(&o);
                o.queues = q;
                o.rx_queue_size = 256u << (q % 3);
                o.vcpus = q;
                o.backend = backend ? GUEST_MEM_MEMFD : GUEST_MEM_HUGEPAGES;
                o.hugepage_kib = backend ? 0 : 1048576;
                build_domain(relays, 3, &o, xml, sizeof(xml));
                assert_int_equal(
                    guest_check_domain(xml, strlen(xml), relays, 3, &host, &res, err, sizeof(err)),
                    0);
                assert_int_equal(res.n_interfaces, 3);
                if (res.n)
                    fail_msg("client %d queues %u: %s: %s", client, q, res.findings[0].xpath,
                             res.findings[0].what);
                guest_check_free(&res);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interface_server_relay),
        cmocka_unit_test(test_interface_client_relay),
        cmocka_unit_test(test_qemu),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_generated_passes_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
