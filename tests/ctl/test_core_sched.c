/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for relay/ctl_core_sched.c: decoding and every rejection of
 * UPDATE, on a made-up machine with two NUMA nodes (fake_tables.c). The
 * live endpoint, and migrations under traffic, are integration tests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_core_sched.h"
#include "fake_tables.h"
#include "virtioforwarder.pb-c.h"

typedef Virtioforwarder__CoreSchedRequest__RelayCPU relay_cpu_t;

static Virtioforwarder__CoreSchedResponse *send_raw(const uint8_t *buf, size_t len)
{
    uint8_t *reply = NULL;
    size_t n = ctl_core_sched_handle(NULL, buf, len, &reply);
    Virtioforwarder__CoreSchedResponse *resp =
        virtioforwarder__core_sched_response__unpack(NULL, n, reply);
    free(reply);
    assert_non_null(resp);
    return resp;
}

/* UPDATE with entries {relay, vf2virtio, virtio2vf}, terminated by relay -99. */
static Virtioforwarder__CoreSchedResponse *update(const int (*map)[3])
{
    Virtioforwarder__CoreSchedRequest req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    relay_cpu_t entries[80], *ptrs[80];
    size_t n = 0;
    for (; map && map[n][0] != -99; n++) {
        virtioforwarder__core_sched_request__relay_cpu__init(&entries[n]);
        entries[n].relay_number = map[n][0];
        entries[n].vf2virtio_cpu = map[n][1];
        entries[n].virtio2vf_cpu = map[n][2];
        ptrs[n] = &entries[n];
    }
    req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__UPDATE;
    req.n_relay_cpu_map = n;
    req.relay_cpu_map = ptrs;
    uint8_t buf[4096];
    return send_raw(buf, virtioforwarder__core_sched_request__pack(&req, buf));
}

static void expect_error(Virtioforwarder__CoreSchedResponse *resp, int code, const char *text)
{
    assert_int_equal(resp->status, VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__ERROR);
    assert_int_equal(resp->error_code, code);
    if (!strstr(resp->error_code_source, text))
        fail_msg("'%s' lacks '%s'", resp->error_code_source, text);
    virtioforwarder__core_sched_response__free_unpacked(resp, NULL);
}

static void expect_ok(Virtioforwarder__CoreSchedResponse *resp)
{
    assert_int_equal(resp->status, VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__OK);
    virtioforwarder__core_sched_response__free_unpacked(resp, NULL);
}

static int setup_local(void **state)
{
    (void)state;
    fake_tables_setup(false);
    return 0;
}

static void get_eal_cores_lists_the_workers(void **state)
{
    (void)state;
    Virtioforwarder__CoreSchedRequest req = VIRTIOFORWARDER__CORE_SCHED_REQUEST__INIT;
    req.op = VIRTIOFORWARDER__CORE_SCHED_REQUEST__OP__GET_EAL_CORES;
    uint8_t buf[64];
    Virtioforwarder__CoreSchedResponse *resp =
        send_raw(buf, virtioforwarder__core_sched_request__pack(&req, buf));
    assert_int_equal(resp->n_eal_cores, 4);
    assert_int_equal(resp->eal_cores[2], 9);
    virtioforwarder__core_sched_response__free_unpacked(resp, NULL);
}

static void update_within_the_node_is_applied(void **state)
{
    (void)state;
    const int map[][3] = {{0, 1, 2}, {1, 10, 9}, {-99}};
    expect_ok(update(map));
    assert_int_equal(fake_pref_cpu(0, 0), 1); /* vf2virtio = VF->VM */
    assert_int_equal(fake_pref_cpu(0, 1), 2);
    assert_int_equal(fake_pref_cpu(1, 0), 10);
}

static void empty_update_is_ok(void **state)
{
    (void)state;
    expect_ok(update(NULL));
}

static void cross_numa_move_is_refused(void **state)
{
    (void)state;
    const int map[][3] = {{0, 9, 1}, {-99}};
    expect_error(update(map), EXDEV, "CPU 9 is on NUMA node 1 but the relay's memory is on node 0");
    assert_int_equal(fake_pref_cpu(0, 0), -1);
}

static void cross_numa_move_is_allowed_with_global_opt(void **state)
{
    (void)state;
    fake_tables_setup(true);
    const int map[][3] = {{0, 9, 1}, {-99}};
    expect_ok(update(map));
    assert_int_equal(fake_pref_cpu(0, 0), 9);
}

static void cpu_that_is_not_a_worker_is_refused(void **state)
{
    (void)state;
    const int map[][3] = {{0, 1, 3}, {-99}}; /* CPU 3 exists nowhere here */
    expect_error(update(map), EINVAL, "CPU 3 is not a worker (workers: 1,2,9,10)");
}

static void unknown_relays_are_refused(void **state)
{
    (void)state;
    const int unused[][3] = {{7, 1, 1}, {-99}};
    expect_error(update(unused), ENOENT, "relay 7 is not in use");
    const int negative[][3] = {{-1, 1, 1}, {-99}};
    expect_error(update(negative), ENOENT, "relay -1 does not exist");
    const int too_big[][3] = {{64, 1, 1}, {-99}};
    expect_error(update(too_big), ENOENT, "relay 64 does not exist");
}

static void all_or_nothing(void **state)
{
    (void)state;
    const int map[][3] = {{0, 2, 2}, {1, 9, 99}, {-99}}; /* the second is bad */
    expect_error(update(map), EINVAL, "CPU 99");
    assert_int_equal(fake_pref_cpu(0, 0), -1); /* the first did not happen */
    assert_int_equal(fake_pref_cpu(0, 1), -1);
}

static void relay_named_twice_is_refused(void **state)
{
    (void)state;
    const int map[][3] = {{0, 1, 1}, {0, 2, 2}, {-99}};
    expect_error(update(map), EINVAL, "named twice");
}

static void too_many_entries_is_e2big(void **state)
{
    (void)state;
    int map[66][3];
    for (int i = 0; i < 65; i++)
        map[i][0] = i % 2, map[i][1] = map[i][2] = 1;
    map[65][0] = -99;
    expect_error(update((const int(*)[3])map), E2BIG, "more entries");
}

static void malformed_requests(void **state)
{
    (void)state;
    const uint8_t junk[] = {0x0a, 0xff, 0xff, 0xff};
    expect_error(send_raw(junk, sizeof(junk)), EBADMSG, "malformed");
    expect_error(send_raw(NULL, 0), EBADMSG, "single-part");
    /* op 7 is not an Op: protobuf-c refuses it while decoding */
    const uint8_t bad_op[] = {0x08, 0x07};
    Virtioforwarder__CoreSchedResponse *resp = send_raw(bad_op, sizeof(bad_op));
    assert_int_equal(resp->status, VIRTIOFORWARDER__CORE_SCHED_RESPONSE__STATUS__ERROR);
    virtioforwarder__core_sched_response__free_unpacked(resp, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(get_eal_cores_lists_the_workers, setup_local),
        cmocka_unit_test_setup(update_within_the_node_is_applied, setup_local),
        cmocka_unit_test_setup(empty_update_is_ok, setup_local),
        cmocka_unit_test_setup(cross_numa_move_is_refused, setup_local),
        cmocka_unit_test_setup(cross_numa_move_is_allowed_with_global_opt, setup_local),
        cmocka_unit_test_setup(cpu_that_is_not_a_worker_is_refused, setup_local),
        cmocka_unit_test_setup(unknown_relays_are_refused, setup_local),
        cmocka_unit_test_setup(all_or_nothing, setup_local),
        cmocka_unit_test_setup(relay_named_twice_is_refused, setup_local),
        cmocka_unit_test_setup(too_many_entries_is_e2big, setup_local),
        cmocka_unit_test_setup(malformed_requests, setup_local),
    };
    return cmocka_run_group_tests_name("core_sched", tests, NULL, NULL);
}
