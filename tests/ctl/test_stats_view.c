/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for relay/stats_view.c: StatsResponse from counter snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats_view.h"

#define TSC_HZ 1000000000ULL /* 1 GHz: one cycle per ns keeps numbers readable */

static struct vio4wd_counters_snapshot *new_snapshot(uint64_t read_tsc)
{
    struct vio4wd_counters_snapshot *s = calloc(1, sizeof(*s));
    s->header.magic = VIO4WD_CNT_MAGIC;
    s->header.version = VIO4WD_CNT_VERSION;
    s->header.epoch = 42;
    s->header.tsc_hz = TSC_HZ;
    s->header.start_tsc = 0;
    s->header.max_relays = VIO4WD_CNT_MAX_RELAYS;
    s->header.n_workers = 2;
    s->worker[0].cpu = 1;
    s->worker[1].cpu = 2;
    s->worker[1].numa_node = 0;
    s->read_tsc = read_tsc;
    for (unsigned r = 0; r < VIO4WD_CNT_MAX_RELAYS; r++)
        for (unsigned d = 0; d < VIO4WD_DIR_COUNT; d++)
            s->relay[r].dir[d].cpu = -1;
    return s;
}

/* Relay 'id' in use and forwarding, both directions on 'cpu'. */
static void add_relay(struct vio4wd_counters_snapshot *s, unsigned id, uint32_t flags, int cpu)
{
    struct vio4wd_cnt_relay *r = &s->relay[id];
    r->id = id;
    r->flags = flags;
    r->numa_node = 1;
    snprintf(r->vf_dev, sizeof(r->vf_dev), "net_null%u", id);
    snprintf(r->vhost_path, sizeof(r->vhost_path), "/tmp/vio%u.sock", id);
    r->dir[0].cpu = r->dir[1].cpu = cpu;
}

static Virtioforwarder__StatsResponse *ask(const Virtioforwarder__StatsRequest *req,
                                           const struct vio4wd_counters_snapshot *then,
                                           const struct vio4wd_counters_snapshot *now)
{
    uint8_t *buf;
    size_t len = stats_view_reply(req, then, now, &buf);
    assert_non_null(buf);
    Virtioforwarder__StatsResponse *resp = virtioforwarder__stats_response__unpack(NULL, len, buf);
    free(buf);
    assert_non_null(resp); /* every required field was set */
    return resp;
}

static const uint32_t ALL = VIO4WD_RELAY_IN_USE | VIO4WD_RELAY_ACTIVE | VIO4WD_RELAY_VHOST_SOCK;

static void rates_are_deltas_over_the_window(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *then = new_snapshot(1000000000); /* t = 1 s */
    struct vio4wd_counters_snapshot *now = new_snapshot(3000000000);  /* t = 3 s */
    add_relay(then, 5, ALL, 1);
    add_relay(now, 5, ALL, 1);
    then->relay[5].dir[VIO4WD_DIR_VF_TO_VM].rx_pkts = 1000;
    now->relay[5].dir[VIO4WD_DIR_VF_TO_VM].rx_pkts = 5001000; /* +5 M in 2 s */
    now->relay[5].dir[VIO4WD_DIR_VF_TO_VM].rx_bytes = 320000000;
    then->relay[5].dir[VIO4WD_DIR_VM_TO_VF].busy_cycles = 100;
    now->relay[5].dir[VIO4WD_DIR_VM_TO_VF].busy_cycles = 100 + 500000000; /* a quarter */
    now->relay[5].dir[VIO4WD_DIR_VM_TO_VF].drop_nc_pkts = 7;
    now->relay[5].dir[VIO4WD_DIR_VM_TO_VF].migrations = 3;
    now->relay[5].vf.imissed = 11;
    now->relay[5].vf.rx_nombuf = 12;
    now->relay[5].vf.oerrors = 13;

    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;
    Virtioforwarder__StatsResponse *resp = ask(&req, then, now);
    assert_int_equal(resp->status, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK);
    assert_int_equal(resp->n_relay, 1);
    Virtioforwarder__RelayState *r = resp->relay[0];
    assert_int_equal(r->id, 5);
    assert_true(r->active);
    assert_int_equal(r->socket_id, 1);
    assert_string_equal(r->vf->pci_addr_str, "net_null5");
    assert_string_equal(r->vhost->vhost_socket_name, "/tmp/vio5.sock");
    assert_float_equal(r->vf_to_vm->pkt_rate_rx_from_vf, 2500000.0, 1.0);
    assert_float_equal(r->vf_to_vm->byte_rate_rx_from_vf, 160000000.0, 10.0);
    assert_int_equal(r->vf_to_vm->pkts_rx_from_vf, 5001000); /* totals, not deltas */
    assert_float_equal(r->vm_to_vf->load, 0.25, 1e-6);
    assert_int_equal(r->vm_to_vf->pkts_dropped_vf_not_connected, 7);
    assert_int_equal(r->vm_to_vf->migrations, 3);
    /* The VF's own drops, with the direction they hurt. */
    assert_true(r->vf_to_vm->has_pkts_dropped_vf_rx_missed);
    assert_int_equal(r->vf_to_vm->pkts_dropped_vf_rx_missed, 11);
    assert_int_equal(r->vf_to_vm->pkts_dropped_vf_rx_nombuf, 12);
    assert_true(r->vm_to_vf->has_pkts_dropped_vf_tx_error);
    assert_int_equal(r->vm_to_vf->pkts_dropped_vf_tx_error, 13);
    assert_int_equal(resp->tsc_hz, TSC_HZ);
    assert_int_equal(resp->window_ns, 2000000000ULL);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    free(then);
    free(now);
}

static void without_a_previous_snapshot_rates_run_from_start(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *now = new_snapshot(4000000000);
    add_relay(now, 0, ALL, 2);
    now->relay[0].dir[0].tx_pkts = 4000;
    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;

    Virtioforwarder__StatsResponse *resp = ask(&req, NULL, now);
    assert_float_equal(resp->relay[0]->vf_to_vm->pkt_rate_tx_to_vm, 1000.0, 0.01);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);

    /* A snapshot of an earlier relay (another epoch) is no baseline. */
    struct vio4wd_counters_snapshot *old = new_snapshot(3000000000);
    old->header.epoch = 41;
    add_relay(old, 0, ALL, 2);
    old->relay[0].dir[0].tx_pkts = 3999;
    resp = ask(&req, old, now);
    assert_float_equal(resp->relay[0]->vf_to_vm->pkt_rate_tx_to_vm, 1000.0, 0.01);
    assert_int_equal(resp->window_ns, 4000000000ULL);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    free(old);
    free(now);
}

static void relay_filter_and_inactive(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *now = new_snapshot(1000);
    add_relay(now, 1, ALL, 1);
    add_relay(now, 2, VIO4WD_RELAY_IN_USE | VIO4WD_RELAY_VHOST_SOCK, -1); /* no guest, no VF */
    now->relay[2].vf_dev[0] = '\0';
    add_relay(now, 3, ALL, 2);
    /* relay 4 is not in use: never reported */

    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;
    Virtioforwarder__StatsResponse *resp = ask(&req, NULL, now);
    assert_int_equal(resp->n_relay, 3); /* include_inactive defaults to true */
    assert_false(resp->relay[1]->active);
    assert_string_equal(resp->relay[1]->vf_to_vm->internal_state, "no VF");
    assert_null(resp->relay[1]->vf);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);

    req.has_include_inactive = true;
    req.include_inactive = false;
    resp = ask(&req, NULL, now);
    assert_int_equal(resp->n_relay, 2);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);

    uint32_t wanted[] = {3, 4, 63}; /* 4 unused, 63 unused: left out */
    req.include_inactive = true;
    req.relay = wanted;
    req.n_relay = 3;
    resp = ask(&req, NULL, now);
    assert_int_equal(resp->n_relay, 1);
    assert_int_equal(resp->relay[0]->id, 3);
    assert_int_equal(resp->relay[0]->cpu->vf_to_vm, 2);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    free(now);
}

static void workers_report_their_load(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *then = new_snapshot(0);
    struct vio4wd_counters_snapshot *now = new_snapshot(1000);
    now->worker[1].busy_cycles = 300;
    now->worker[1].idle_cycles = 700;
    now->worker[1].loops = 99;
    now->worker[0].parked = 1; /* issue 13: a parked worker */
    now->worker[0].sleep_cycles = 5000;
    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;
    Virtioforwarder__StatsResponse *resp = ask(&req, then, now);
    assert_int_equal(resp->n_worker, 2);
    assert_int_equal(resp->worker[1]->cpu, 2);
    assert_float_equal(resp->worker[1]->load, 0.3, 1e-6);
    assert_int_equal(resp->worker[1]->loops, 99);
    assert_float_equal(resp->worker[0]->load, 0.0, 1e-9);
    assert_true(resp->worker[0]->has_parked && resp->worker[0]->parked);
    assert_int_equal(resp->worker[0]->sleep_cycles, 5000);
    assert_true(resp->worker[1]->has_parked && !resp->worker[1]->parked);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    free(then);
    free(now);
}

/* The queue extension: one entry per queue pair in use, counts as in the
 * counters file, adding up to the direction's totals there. */
static void queues_per_direction(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *now = new_snapshot(TSC_HZ);
    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;

    add_relay(now, 2, ALL, 1);
    now->relay[2].n_queues = 3;
    for (unsigned q = 0; q < 3; q++) {
        now->queues[2][VIO4WD_DIR_VM_TO_VF].q[q].rx_pkts = 100 + q;
        now->queues[2][VIO4WD_DIR_VM_TO_VF].q[q].rx_bytes = 6400 + q;
    }
    Virtioforwarder__StatsResponse *resp = ask(&req, NULL, now);
    assert_int_equal(resp->n_relay, 1);
    const Virtioforwarder__RelayState__VMtoVF *down = resp->relay[0]->vm_to_vf;
    assert_int_equal(down->n_queue, 3);
    for (unsigned q = 0; q < 3; q++) {
        assert_int_equal(down->queue[q]->index, q);
        assert_true(down->queue[q]->has_pkts_rx && down->queue[q]->has_bytes_rx);
        assert_int_equal(down->queue[q]->pkts_rx, 100 + q);
        assert_int_equal(down->queue[q]->bytes_rx, 6400 + q);
    }
    assert_int_equal(resp->relay[0]->vf_to_vm->n_queue, 3);
    assert_int_equal(resp->relay[0]->vf_to_vm->queue[2]->pkts_rx, 0);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    free(now);
}

static void request_checks(void **state)
{
    (void)state;
    Virtioforwarder__StatsRequest req = VIRTIOFORWARDER__STATS_REQUEST__INIT;
    assert_int_equal(stats_view_check(&req), VIRTIOFORWARDER__STATS_RESPONSE__STATUS__OK);
    uint32_t many[VIO4WD_CNT_MAX_RELAYS + 1] = {0};
    req.relay = many;
    req.n_relay = VIO4WD_CNT_MAX_RELAYS + 1;
    assert_int_equal(stats_view_check(&req), VIRTIOFORWARDER__STATS_RESPONSE__STATUS__E2BIG);
    req.n_relay = 1;
    req.has_delay = true;
    req.delay = STATS_MAX_DELAY_MS + 1;
    assert_int_equal(stats_view_check(&req), VIRTIOFORWARDER__STATS_RESPONSE__STATUS__EBADR);
}

static void error_reply_decodes(void **state)
{
    (void)state;
    uint8_t *buf;
    size_t len = stats_view_error(VIRTIOFORWARDER__STATS_RESPONSE__STATUS__E2BIG, &buf);
    Virtioforwarder__StatsResponse *resp = virtioforwarder__stats_response__unpack(NULL, len, buf);
    assert_non_null(resp);
    assert_int_equal(resp->status, VIRTIOFORWARDER__STATS_RESPONSE__STATUS__E2BIG);
    assert_int_equal(resp->n_relay, 0);
    virtioforwarder__stats_response__free_unpacked(resp, NULL);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rates_are_deltas_over_the_window),
        cmocka_unit_test(without_a_previous_snapshot_rates_run_from_start),
        cmocka_unit_test(relay_filter_and_inactive),
        cmocka_unit_test(workers_report_their_load),
        cmocka_unit_test(queues_per_direction),
        cmocka_unit_test(request_checks),
        cmocka_unit_test(error_reply_decodes),
    };
    return cmocka_run_group_tests_name("stats_view", tests, NULL, NULL);
}
