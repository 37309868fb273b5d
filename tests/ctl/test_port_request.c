/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for relay/port_request.c: PortControlRequest checks and bonds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "port_request.h"
#include "virtioforwarder.pb-c.h"

typedef Virtioforwarder__PortControlRequest request_t;
typedef Virtioforwarder__PortControlRequest__PciAddress pci_t;

struct parsed {
    int rc, code;
    struct port_op op;
    char err[512];
};

static struct parsed parse(const request_t *req)
{
    struct parsed p = {0};
    uint8_t buf[8192];
    size_t len = protobuf_c_message_pack(&req->base, buf);
    p.rc = port_request_parse(buf, len, &p.op, &p.code, p.err, sizeof(p.err));
    return p;
}

static request_t request(Virtioforwarder__PortControlRequest__Op op, int relay)
{
    request_t req = VIRTIOFORWARDER__PORT_CONTROL_REQUEST__INIT;
    req.op = op;
    req.has_virtio_id = relay >= 0;
    req.virtio_id = relay >= 0 ? (uint32_t)relay : 0;
    return req;
}

static pci_t pci(unsigned d, unsigned b, unsigned s, unsigned f)
{
    pci_t p = VIRTIOFORWARDER__PORT_CONTROL_REQUEST__PCI_ADDRESS__INIT;
    p.domain = d, p.bus = b, p.slot = s, p.function = f;
    return p;
}

static void add_one_pci_vf(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 3);
    pci_t a = pci(0, 5, 8, 1), *list[] = {&a};
    req.pci_addrs = list;
    req.n_pci_addrs = 1;
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.op.kind, PORT_ADD);
    assert_int_equal(p.op.relay_id, 3);
    assert_true(p.op.conditional); /* upstream's default */
    assert_string_equal(p.op.device, "0000:05:08.1");
}

static void add_device_string(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 0);
    char *devs[] = {"net_memif0,role=client,socket=/tmp/m.sock"};
    req.device = devs;
    req.n_device = 1;
    req.has_conditional = true;
    req.conditional = false;
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.op.device, "net_memif0,role=client,socket=/tmp/m.sock");
    assert_false(p.op.conditional);
}

static void several_vfs_make_a_bond(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 7);
    pci_t a = pci(0, 5, 8, 1), b = pci(0, 5, 8, 2), *list[] = {&a, &b};
    req.pci_addrs = list;
    req.n_pci_addrs = 2;
    req.name = "net_bonding_vm7";
    req.has_mode = true;
    req.mode = 1;
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.op.device,
                        "net_bonding_vm7,mode=1,slave=0000:05:08.1,slave=0000:05:08.2");

    req.name = NULL; /* a default name per relay */
    req.has_mode = false;
    p = parse(&req);
    assert_string_equal(p.op.device, "net_bonding7,mode=0,slave=0000:05:08.1,slave=0000:05:08.2");
}

static void bad_bonds(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 7);
    pci_t a = pci(0, 5, 8, 1), b = pci(0, 5, 8, 2), *list[] = {&a, &b};
    req.pci_addrs = list;
    req.n_pci_addrs = 2;
    req.name = "bond0";
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.code, EINVAL);
    assert_non_null(strstr(p.err, "must start with net_bonding"));

    req.name = "net_bonding0";
    req.has_mode = true;
    req.mode = 9;
    p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "bonding mode 9"));
}

static void out_of_range_fields(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 64);
    pci_t a = pci(0, 5, 8, 1), *list[] = {&a};
    req.pci_addrs = list;
    req.n_pci_addrs = 1;
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "virtio_id 64 is out of range"));

    req.virtio_id = 1;
    a = pci(0, 5, 0x20, 1);
    p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "out of range"));
    a = pci(0, 5, 8, 8);
    p = parse(&req);
    assert_int_equal(p.rc, -1);
}

static void add_needs_a_vf_and_a_relay(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 1);
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "ADD needs a VF"));

    req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE, -1);
    p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "needs virtio_id"));
}

static void device_string_must_be_one(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD, 1);
    char *devs[] = {"net null0"};
    req.device = devs;
    req.n_device = 1;
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "not a DPDK device string"));
}

static void socket_paths(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD_SOCK, 2);
    req.vhost_path = "/var/run/vm2.sock";
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.op.vhost_path, "/var/run/vm2.sock");

    req.vhost_path = "relative.sock";
    p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "absolute"));

    req.vhost_path = NULL; /* the configured pattern */
    p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.op.vhost_path, "");
}

static void query_may_omit_the_relay(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__QUERY_PCI, -1);
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.op.kind, PORT_QUERY);
    assert_false(p.op.has_relay);
}

/* RATE: each rate field given changes that direction; none shows the
 * limits; bad syntax names the value and shows an example. */
static void rate_limits(void **state)
{
    (void)state;
    request_t req = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE, 2);
    req.rate_vf_to_vm = "10Mb/s@20ms";
    struct parsed p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.op.kind, PORT_RATE);
    assert_true(p.op.has_rate[0]);
    assert_false(p.op.has_rate[1]);
    assert_int_equal(p.op.rate[0].bytes_per_s, 1250000);
    assert_int_equal(p.op.rate[0].burst_bytes, 25000);

    req.rate_vm_to_vf = "unlimited";
    p = parse(&req);
    assert_int_equal(p.rc, 0);
    assert_true(p.op.has_rate[1]);
    assert_int_equal(p.op.rate[1].bytes_per_s, 0);

    request_t show = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE, 2);
    p = parse(&show);
    assert_int_equal(p.rc, 0);
    assert_false(p.op.has_rate[0] || p.op.has_rate[1]);

    req.rate_vm_to_vf = "10 Mbit";
    p = parse(&req);
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.code, EINVAL);
    assert_non_null(strstr(p.err, "rate '10 Mbit'"));
    assert_non_null(strstr(p.err, "10Mb/s@20ms"));

    request_t norelay = request(VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE, -1);
    p = parse(&norelay);
    assert_int_equal(p.rc, -1);
    assert_non_null(strstr(p.err, "needs virtio_id"));
}

static void garbage_is_refused(void **state)
{
    (void)state;
    struct port_op op;
    int code;
    char err[128];
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0x01, 0x02};
    assert_int_equal(port_request_parse(junk, sizeof(junk), &op, &code, err, sizeof(err)), -1);
    assert_int_equal(code, EBADMSG);
    assert_int_equal(port_request_parse(NULL, 0, &op, &code, err, sizeof(err)), -1);
    /* An empty message lacks the required op. */
    assert_int_equal(port_request_parse((const uint8_t *)"", 0, &op, &code, err, sizeof(err)), -1);
}

static void reply_round_trip(void **state)
{
    (void)state;
    uint8_t *buf;
    size_t len = port_reply(false, EEXIST, "relay 1 already has VF x", NULL, &buf);
    Virtioforwarder__PortControlResponse *r =
        virtioforwarder__port_control_response__unpack(NULL, len, buf);
    assert_non_null(r);
    assert_int_equal(r->status, VIRTIOFORWARDER__PORT_CONTROL_RESPONSE__STATUS__ERROR);
    assert_int_equal(r->error_code, EEXIST);
    assert_string_equal(r->error_code_source, "relay 1 already has VF x");
    virtioforwarder__port_control_response__free_unpacked(r, NULL);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_one_pci_vf),
        cmocka_unit_test(add_device_string),
        cmocka_unit_test(several_vfs_make_a_bond),
        cmocka_unit_test(bad_bonds),
        cmocka_unit_test(out_of_range_fields),
        cmocka_unit_test(add_needs_a_vf_and_a_relay),
        cmocka_unit_test(device_string_must_be_one),
        cmocka_unit_test(socket_paths),
        cmocka_unit_test(query_may_omit_the_relay),
        cmocka_unit_test(rate_limits),
        cmocka_unit_test(garbage_is_refused),
        cmocka_unit_test(reply_round_trip),
    };
    return cmocka_run_group_tests_name("port_request", tests, NULL, NULL);
}
