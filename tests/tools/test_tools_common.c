/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the tools' pure parts: pin syntax, counters to rows, the
 * table, JSON and OpenMetrics forms, and monitor_load's bar layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pin_args.h"
#include "tool_options.h"
#include "tool_render.h"
#include "tool_view.h"
#include "frame.h"
#include "listen_addr.h"
#include "metrics.h"
#include "pause_hist.h"

/* ---- pins --------------------------------------------------------------- */

static void test_pin_one_cpu_serves_both(void **state)
{
    (void)state;
    struct vio4wd_cpu_pin pins[4];
    size_t n = 0;
    char err[256];

    assert_int_equal(tool_parse_pin("0:1", pins, &n, 4, err, sizeof(err)), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pins[0].relay_id, 0);
    assert_int_equal(pins[0].vf_to_vm_cpu, 1);
    assert_int_equal(pins[0].vm_to_vf_cpu, 1);
}

static void test_pin_order_is_vf_to_vm_first(void **state)
{
    (void)state;
    struct vio4wd_cpu_pin pins[4];
    size_t n = 0;
    char err[256];

    /* The daemon's order, not the original core_pinner's reversed one. */
    assert_int_equal(tool_parse_pin("12:3,5", pins, &n, 4, err, sizeof(err)), 0);
    assert_int_equal(pins[0].relay_id, 12);
    assert_int_equal(pins[0].vf_to_vm_cpu, 3);
    assert_int_equal(pins[0].vm_to_vf_cpu, 5);
}

static void test_pin_rejects_bad_syntax(void **state)
{
    (void)state;
    static const char *const bad[] = {"0:a,b",   "0:",   ":1",      "0", "a:1",  "0:1,",
                                      "0:1,2,3", "64:1", "0:1 1:2", "",  "0:-1", "0:1x"};
    struct vio4wd_cpu_pin pins[4];
    char err[256];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = 0;
        err[0] = '\0';
        assert_int_equal(tool_parse_pin(bad[i], pins, &n, 4, err, sizeof(err)), -1);
        assert_int_equal(n, 0);
        /* The message names the option and the value as given. */
        char want[64];
        snprintf(want, sizeof(want), "--virtio-cpu '%s'", bad[i]);
        assert_non_null(strstr(err, want));
    }
}

static void test_pin_rejects_duplicate_relay(void **state)
{
    (void)state;
    struct vio4wd_cpu_pin pins[4];
    size_t n = 0;
    char err[256];

    assert_int_equal(tool_parse_pin("3:1", pins, &n, 4, err, sizeof(err)), 0);
    assert_int_equal(tool_parse_pin("3:0,1", pins, &n, 4, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "relay 3"));
    assert_int_equal(n, 1);
}

static void test_parse_numbers(void **state)
{
    (void)state;
    double s;
    unsigned u;

    assert_true(tool_parse_seconds("0.5", 0.1, 60, &s));
    assert_true(s == 0.5);
    assert_false(tool_parse_seconds("0.05", 0.1, 60, &s));
    assert_false(tool_parse_seconds("1s", 0.1, 60, &s));
    assert_false(tool_parse_seconds("", 0.1, 60, &s));
    assert_false(tool_parse_seconds("nan", 0.1, 60, &s));
    assert_true(tool_parse_uint("63", 63, &u));
    assert_int_equal(u, 63);
    assert_false(tool_parse_uint("64", 63, &u));
    assert_false(tool_parse_uint("-1", 63, &u));
    assert_false(tool_parse_uint("+1", 63, &u));
    assert_false(tool_parse_uint("1 ", 63, &u));
}

/* ---- counters to rows ----------------------------------------------------- */

#define HZ 1000000000ULL /* 1 GHz: cycles read as nanoseconds */

static struct vio4wd_counters_snapshot *new_snapshot(void)
{
    struct vio4wd_counters_snapshot *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    s->header.magic = VIO4WD_CNT_MAGIC;
    s->header.version = VIO4WD_CNT_VERSION;
    s->header.state = VIO4WD_CNT_RUNNING;
    s->header.epoch = 42;
    s->header.tsc_hz = HZ;
    s->header.start_tsc = 1000;
    s->header.start_realtime_ns = 1700000000ULL * 1000000000ULL;
    s->header.pid = 4321;
    s->header.max_relays = VIO4WD_CNT_MAX_RELAYS;
    s->header.max_workers = VIO4WD_CNT_MAX_WORKERS;
    s->header.n_workers = 2;
    /* Workers listed out of CPU order: the view sorts them. */
    s->worker[0].cpu = 3;
    s->worker[0].numa_node = 1;
    s->worker[0].parked = 1; /* no direction (relay 5's are not serviced) */
    s->worker[1].cpu = 1;
    s->worker[1].numa_node = 0;
    for (unsigned i = 0; i < VIO4WD_CNT_MAX_RELAYS; i++) {
        s->relay[i].id = i;
        s->relay[i].dir[0].cpu = s->relay[i].dir[1].cpu = -1;
    }
    /* relay 0: VF and guest, both directions on CPU 1 */
    s->relay[0].flags = VIO4WD_RELAY_IN_USE | VIO4WD_RELAY_ACTIVE | VIO4WD_RELAY_VHOST_SOCK;
    s->relay[0].numa_node = 0;
    snprintf(s->relay[0].vf_dev, sizeof(s->relay[0].vf_dev), "net_null0");
    snprintf(s->relay[0].vhost_path, sizeof(s->relay[0].vhost_path), "/tmp/v\"0.sock");
    s->relay[0].vf.imissed = 7;
    s->relay[0].vf.rx_nombuf = 8;
    s->relay[0].vf.oerrors = 9;
    s->relay[0].dir[0].cpu = 1;
    s->relay[0].dir[1].cpu = 1;
    s->relay[0].n_queues = 2;
    /* relay 5: only a listening socket (inactive), on CPU 3 */
    s->relay[5].flags = VIO4WD_RELAY_IN_USE | VIO4WD_RELAY_VHOST_SOCK;
    s->relay[5].numa_node = 1;
    s->relay[5].dir[0].cpu = 3;
    s->relay[5].dir[1].cpu = 3;
    s->relay[5].n_queues = 1;
    s->read_tsc = 2 * HZ;
    return s;
}

/* Advances 'cur' by one second with relay 0 VF->VM moving 10 Mpps at 40%
 * of a core and VM->VF 1 Mpps at 10%; worker 1 (CPU 1) 60% busy. */
static void advance_one_second(const struct vio4wd_counters_snapshot *prev,
                               struct vio4wd_counters_snapshot *cur)
{
    memcpy(cur, prev, sizeof(*cur));
    cur->read_tsc += HZ;
    struct vio4wd_cnt_dir *a = &cur->relay[0].dir[VIO4WD_DIR_VF_TO_VM];
    a->rx_pkts += 10000000;
    a->rx_bytes += 640000000;
    a->tx_pkts += 9000000;
    a->tx_bytes += 576000000;
    a->drop_nc_pkts += 1000000;
    a->busy_cycles += HZ * 4 / 10;
    a->rx_bursts += 1000;
    a->migrations += 1;
    vio4wd_pause_record(a, 3000, HZ); /* that move's pause: 3 us */
    /* its VF spreads 6 and 4 Mpps over two queue pairs */
    cur->queues[0][VIO4WD_DIR_VF_TO_VM].q[0].rx_pkts += 6000000;
    cur->queues[0][VIO4WD_DIR_VF_TO_VM].q[0].rx_bytes += 384000000;
    cur->queues[0][VIO4WD_DIR_VF_TO_VM].q[1].rx_pkts += 4000000;
    cur->queues[0][VIO4WD_DIR_VF_TO_VM].q[1].rx_bytes += 256000000;
    cur->queues[0][VIO4WD_DIR_VM_TO_VF].q[0].rx_pkts += 1000000;
    cur->queues[0][VIO4WD_DIR_VM_TO_VF].q[0].rx_bytes += 64000000;
    struct vio4wd_cnt_dir *b = &cur->relay[0].dir[VIO4WD_DIR_VM_TO_VF];
    b->rx_pkts += 1000000;
    b->rx_bytes += 64000000;
    b->tx_pkts += 1000000;
    b->tx_bytes += 64000000;
    b->busy_cycles += HZ / 10;
    b->rx_bursts += 1000;
    cur->worker[1].busy_cycles += HZ * 6 / 10;
    cur->worker[1].idle_cycles += HZ * 4 / 10;
    cur->worker[1].sleep_cycles += HZ * 2 / 10; /* half its idle time asleep */
    cur->worker[1].n_dirs = 2;
}

struct fixture {
    struct vio4wd_counters_snapshot *a, *b;
    struct tool_view view;
};

static int setup_view(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->a = new_snapshot();
    f->b = new_snapshot();
    advance_one_second(f->a, f->b);
    tool_view_build(f->a, f->b, &f->view);
    *state = f;
    return 0;
}

static int teardown_view(void **state)
{
    struct fixture *f = *state;
    free(f->a);
    free(f->b);
    free(f);
    return 0;
}

static void test_view_rates_and_loads(void **state)
{
    struct fixture *f = *state;
    const struct tool_view *v = &f->view;

    assert_true(v->interval_s > 0.999 && v->interval_s < 1.001);
    assert_int_equal(v->n_relays, 2);
    assert_int_equal(v->n_workers, 2);
    assert_int_equal(v->workers[0].cpu, 1); /* sorted */
    assert_int_equal(v->workers[1].cpu, 3);
    assert_true(v->workers[0].load > 0.599 && v->workers[0].load < 0.601);
    const struct tool_relay_row *r = &v->relays[0];
    assert_int_equal(r->id, 0);
    const struct tool_dir_row *a = &r->dir[VIO4WD_DIR_VF_TO_VM];
    assert_true(a->rx_pps > 9.99e6 && a->rx_pps < 10.01e6);
    assert_true(a->tx_Bps > 575e6 && a->tx_Bps < 577e6);
    assert_true(a->drop_pps > 0.99e6 && a->drop_pps < 1.01e6);
    assert_true(a->load > 0.399 && a->load < 0.401);
    assert_int_equal(a->new_migrations, 1);
    assert_true(r->dir[VIO4WD_DIR_VM_TO_VF].load > 0.099 &&
                r->dir[VIO4WD_DIR_VM_TO_VF].load < 0.101);
    assert_true(v->t > 2.99 && v->t < 3.01);
}

static void test_view_queues(void **state)
{
    struct fixture *f = *state;
    const struct tool_dir_row *a = &f->view.relays[0].dir[VIO4WD_DIR_VF_TO_VM];
    const struct tool_dir_row *b = &f->view.relays[0].dir[VIO4WD_DIR_VM_TO_VF];

    /* The relay's 2 queue pairs, each with its counts and rate. */
    assert_int_equal(a->n_queues, 2);
    assert_int_equal(a->queue[0].rx_pkts, 6000000);
    assert_int_equal(a->queue[1].rx_bytes, 256000000);
    assert_true(a->queue[1].rx_pps > 3.99e6 && a->queue[1].rx_pps < 4.01e6);
    assert_int_equal(b->n_queues, 2);
    assert_int_equal(b->queue[1].rx_pkts, 0);
    assert_int_equal(f->view.relays[1].dir[0].n_queues, 1); /* relay 5 */
}

/* A guest that went from 4 pairs to 1 keeps its higher queues' counts on
 * show (counters do not vanish), and no queue above them is listed. */
static void test_queues_shown_after_reduction(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *s = new_snapshot();

    assert_int_equal(vio4wd_counters_queues_shown(s, 0, VIO4WD_DIR_VF_TO_VM), 2);
    s->relay[0].n_queues = 1;
    assert_int_equal(vio4wd_counters_queues_shown(s, 0, VIO4WD_DIR_VF_TO_VM), 1);
    s->queues[0][VIO4WD_DIR_VF_TO_VM].q[3].rx_pkts = 5;
    assert_int_equal(vio4wd_counters_queues_shown(s, 0, VIO4WD_DIR_VF_TO_VM), 4);
    assert_int_equal(vio4wd_counters_queues_shown(s, 0, VIO4WD_DIR_VM_TO_VF), 1);
    s->relay[0].n_queues = 1000; /* never past the file's queues */
    assert_int_equal(vio4wd_counters_queues_shown(s, 0, VIO4WD_DIR_VM_TO_VF),
                     VIO4WD_CNT_MAX_QUEUES);
    free(s);
}

static void test_view_other_epoch_has_no_window(void **state)
{
    (void)state;
    struct vio4wd_counters_snapshot *a = new_snapshot(), *b = new_snapshot();
    struct tool_view *v = malloc(sizeof(*v));

    advance_one_second(a, b);
    b->header.epoch = 43; /* a restarted relay */
    tool_view_build(a, b, v);
    assert_true(v->interval_s == 0);
    assert_true(v->relays[0].dir[0].load == 0);
    assert_true(v->relays[0].dir[0].rx_pps == 0);
    assert_int_equal(v->relays[0].dir[0].rx_pkts, 10000000); /* counts stay */
    free(a);
    free(b);
    free(v);
}

static void test_view_filter(void **state)
{
    struct fixture *f = *state;
    struct tool_view *v = malloc(sizeof(*v));
    unsigned five = 5;

    memcpy(v, &f->view, sizeof(*v));
    tool_view_filter(v, NULL, 0, false);
    assert_int_equal(v->n_relays, 1); /* relay 5 has no VF nor guest */
    assert_int_equal(v->relays[0].id, 0);
    memcpy(v, &f->view, sizeof(*v));
    tool_view_filter(v, NULL, 0, true);
    assert_int_equal(v->n_relays, 2);
    memcpy(v, &f->view, sizeof(*v));
    tool_view_filter(v, &five, 1, false); /* asked for by id: shown */
    assert_int_equal(v->n_relays, 1);
    assert_int_equal(v->relays[0].id, 5);
    free(v);
}

/* ---- output forms --------------------------------------------------------- */

static char *capture(void (*fn)(FILE *, const struct tool_view *), const struct tool_view *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    fn(out, v);
    fclose(out);
    return buf;
}

static void test_si(void **state)
{
    (void)state;
    char b[16];
    tool_si(0, b, sizeof(b));
    assert_string_equal(b, "0");
    tool_si(999, b, sizeof(b));
    assert_string_equal(b, "999");
    tool_si(15000000, b, sizeof(b));
    assert_string_equal(b, "15.0M");
    tool_si(7680000000.0, b, sizeof(b));
    assert_string_equal(b, "7.68G");
    tool_si(123456, b, sizeof(b));
    assert_string_equal(b, "123k");
}

static void test_table(void **state)
{
    struct fixture *f = *state;
    char *t = capture(tool_print_table, &f->view);

    assert_non_null(strstr(t, "RELAY"));
    assert_non_null(strstr(t, "VF->VM"));
    assert_non_null(strstr(t, "VM->VF"));
    assert_non_null(strstr(t, "40.0%")); /* load of relay 0 VF->VM */
    assert_non_null(strstr(t, "10.0M")); /* its rx rate */
    assert_non_null(strstr(t, "net_null0"));
    assert_non_null(strstr(t, "60.0%")); /* worker CPU 1 */
    /* issue 13: the worker table says which workers are parked */
    assert_non_null(strstr(t, "STATE  ASLEEP"));
    assert_non_null(strstr(t, "         1    0  60.0%    2 active  20.0%\n"));
    assert_non_null(strstr(t, "         3    1   0.0%    0 parked 100.0%\n"));
    /* the per-queue table: relay 0 VF->VM queue 1, 4M packets at 4M/s */
    assert_non_null(strstr(t, "QUEUE"));
    assert_non_null(strstr(t, "    0 VF->VM     1   4.00M   4.00M\n"));
    free(t);
}

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    assert_true(json_object_object_get_ex(o, key, &v));
    return v;
}

static void test_json_is_a_trace_line(void **state)
{
    struct fixture *f = *state;
    struct json_object *o = tool_view_to_json(&f->view);
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

    /* One line, and it parses back. */
    assert_null(strchr(text, '\n'));
    struct json_object *back = json_tokener_parse(text);
    assert_non_null(back);

    assert_true(json_object_is_type(get(back, "t"), json_type_double));
    struct json_object *w = get(back, "workers");
    assert_int_equal(json_object_array_length(w), 2);
    assert_int_equal(json_object_get_int(json_object_array_get_idx(w, 0)), 1);
    struct json_object *wi = get(back, "worker_info");
    struct json_object *w1 = json_object_array_get_idx(wi, 0);
    struct json_object *w3 = json_object_array_get_idx(wi, 1);
    assert_false(json_object_get_boolean(get(w1, "parked")));
    assert_true(json_object_get_boolean(get(w3, "parked")));
    assert_int_equal(json_object_get_int64(get(w1, "sleep_cycles")), HZ * 2 / 10);
    assert_true(json_object_get_double(get(w1, "asleep")) > 0.199);
    struct json_object *relays = get(back, "relays");
    assert_int_equal(json_object_array_length(relays), 2);
    struct json_object *r0 = json_object_array_get_idx(relays, 0);
    assert_int_equal(json_object_get_int(get(r0, "id")), 0);
    assert_int_equal(json_object_get_int(get(r0, "numa")), 0);
    assert_int_equal(json_object_get_int(get(get(r0, "cpu"), "vf_to_vm")), 1);
    assert_int_equal(json_object_get_int(get(get(r0, "cpu"), "vm_to_vf")), 1);
    double l = json_object_get_double(get(get(r0, "load"), "vf_to_vm"));
    assert_true(l > 0.399 && l < 0.401);
    l = json_object_get_double(get(get(r0, "load"), "vm_to_vf"));
    assert_true(l > 0.099 && l < 0.101);
    /* Counts stay exact 64-bit integers. */
    assert_int_equal(json_object_get_int64(get(get(r0, "vf_to_vm"), "rx_pkts")), 10000000);
    struct json_object *qs = get(get(r0, "vf_to_vm"), "queues");
    assert_int_equal(json_object_array_length(qs), 2);
    struct json_object *q1 = json_object_array_get_idx(qs, 1);
    assert_int_equal(json_object_get_int(get(q1, "queue")), 1);
    assert_int_equal(json_object_get_int64(get(q1, "rx_pkts")), 4000000);
    assert_int_equal(json_object_get_int64(get(q1, "rx_bytes")), 256000000);
    /* The handover pause: count, times in us, the histogram's 12 buckets. */
    struct json_object *hp = get(get(r0, "vf_to_vm"), "handover_pause");
    assert_int_equal(json_object_get_int64(get(hp, "count")), 1);
    assert_float_equal(json_object_get_double(get(hp, "max_us")), 3.0, 1e-9);
    assert_float_equal(json_object_get_double(get(hp, "last_us")), 3.0, 1e-9);
    struct json_object *hh = get(hp, "hist");
    assert_int_equal(json_object_array_length(hh), VIO4WD_CNT_PAUSE_BUCKETS);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(hh, 2)), 1);
    /* Short numbers, not 17 digits; times keep millisecond precision
     * however long the relay has run, and a whole number is still a float. */
    assert_null(strstr(text, "0.40000000"));
    assert_non_null(strstr(text, "\"t\":3.000,"));
    assert_non_null(strstr(text, "\"unix_time\":1700000003.000,"));
    assert_non_null(strstr(text, "\"load\":{\"vf_to_vm\":0.4,\"vm_to_vf\":0.1}"));
    json_object_put(back);
    json_object_put(o);
}

/* The metrics of a view with no scheduler running. */
static void print_metrics(FILE *out, const struct tool_view *v)
{
    tool_print_metrics(out, v, NULL);
}

static void test_openmetrics(void **state)
{
    struct fixture *f = *state;
    char *t = capture(print_metrics, &f->view);
    size_t len = strlen(t);

    assert_true(len > 6);
    assert_string_equal(t + len - 6, "# EOF\n");
    assert_ptr_equal(strstr(t, "# EOF"), t + len - 6); /* once, last */
    assert_non_null(strstr(t, "# TYPE vio4wd_relay_packets counter\n"));
    assert_non_null(strstr(t, "vio4wd_relay_packets_total{relay=\"0\",direction=\"vf_to_vm\","
                              "stage=\"rx\"} 10000000\n"));
    assert_non_null(strstr(t, "vio4wd_relay_dropped_packets_total{relay=\"0\","
                              "direction=\"vf_to_vm\",reason=\"not_connected\"} 1000000\n"));
    assert_non_null(strstr(t, "vio4wd_worker_load_ratio{cpu=\"1\",numa=\"0\"} 0.6\n"));
    assert_non_null(strstr(t, "vio4wd_relay_up 1\n"));
    assert_non_null(strstr(t, "vio4wd_relay_start_time_seconds 1700000000.000\n"));
    assert_non_null(strstr(t, "vio4wd_worker_parked{cpu=\"3\",numa=\"1\"} 1\n"));
    assert_non_null(strstr(t, "vio4wd_worker_parked{cpu=\"1\",numa=\"0\"} 0\n"));
    assert_non_null(strstr(t, "vio4wd_worker_sleep_seconds_total{cpu=\"1\",numa=\"0\"} 0.2\n"));
    /* The VF's own drops, each in the direction it hurts and only there. */
    assert_non_null(strstr(t, "vio4wd_relay_dropped_packets_total{relay=\"0\",direction="
                              "\"vf_to_vm\",reason=\"vf_rx_missed\"} 7\n"));
    assert_non_null(strstr(t, "vio4wd_relay_dropped_packets_total{relay=\"0\",direction="
                              "\"vf_to_vm\",reason=\"vf_rx_nombuf\"} 8\n"));
    assert_non_null(strstr(t, "vio4wd_relay_dropped_packets_total{relay=\"0\",direction="
                              "\"vm_to_vf\",reason=\"vf_tx_error\"} 9\n"));
    assert_null(strstr(t, "direction=\"vm_to_vf\",reason=\"vf_rx_missed\""));
    assert_null(strstr(t, "vio4wd_relay_dropped_bytes_total{relay=\"0\",direction="
                          "\"vf_to_vm\",reason=\"vf_rx_missed\"}"));
    /* Per queue: the queues in use only (no label explosion). */
    assert_non_null(strstr(t, "# TYPE vio4wd_relay_queue_packets counter\n"));
    assert_non_null(strstr(t, "vio4wd_relay_queue_packets_total{relay=\"0\",direction="
                              "\"vf_to_vm\",queue=\"1\"} 4000000\n"));
    assert_non_null(strstr(t, "vio4wd_relay_queue_bytes_total{relay=\"0\",direction="
                              "\"vf_to_vm\",queue=\"0\"} 384000000\n"));
    assert_non_null(strstr(t, "vio4wd_relay_queue_packets_total{relay=\"5\",direction="
                              "\"vm_to_vf\",queue=\"0\"} 0\n"));
    assert_null(strstr(t, "queue=\"2\""));
    assert_null(strstr(t, "relay=\"5\",direction=\"vm_to_vf\",queue=\"1\""));
    /* Handover pauses: a histogram in seconds (cumulative buckets) and the max. */
    assert_non_null(strstr(t, "# TYPE vio4wd_relay_handover_pause_seconds histogram\n"));
    assert_non_null(strstr(t, "vio4wd_relay_handover_pause_seconds_bucket{relay=\"0\","
                              "direction=\"vf_to_vm\",le=\"2e-06\"} 0\n"));
    assert_non_null(strstr(t, "vio4wd_relay_handover_pause_seconds_bucket{relay=\"0\","
                              "direction=\"vf_to_vm\",le=\"4e-06\"} 1\n"));
    assert_non_null(strstr(t, "vio4wd_relay_handover_pause_seconds_bucket{relay=\"0\","
                              "direction=\"vf_to_vm\",le=\"+Inf\"} 1\n"));
    assert_non_null(strstr(t, "vio4wd_relay_handover_pause_seconds_count{relay=\"0\","
                              "direction=\"vf_to_vm\"} 1\n"));
    assert_non_null(strstr(t, "vio4wd_relay_handover_pause_seconds_sum{relay=\"0\","
                              "direction=\"vf_to_vm\"} 3e-06\n"));
    assert_non_null(strstr(t, "vio4wd_relay_handover_pause_max_seconds{relay=\"0\","
                              "direction=\"vf_to_vm\"} 3e-06\n"));
    /* A quote in a label value is escaped. */
    assert_non_null(strstr(t, "vhost=\"/tmp/v\\\"0.sock\""));

    /* Every sample belongs to the family declared last, and every family
     * is declared once: what OpenMetrics parsers insist on. */
    char family[128] = "", type[32] = "", seen[4096] = " ";
    for (char *line = t; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        if (strncmp(line, "# TYPE ", 7) == 0) {
            assert_int_equal(sscanf(line + 7, "%127s %31s", family, type), 2);
            char key[140];
            snprintf(key, sizeof(key), " %s ", family);
            assert_null(strstr(seen, key));
            strncat(seen, key + 1, sizeof(seen) - strlen(seen) - 1);
        } else if (line[0] != '#') {
            size_t fl = strlen(family);
            assert_true(fl > 0);
            assert_int_equal(strncmp(line, family, fl), 0);
            const char *rest = line + fl;
            bool hist = strcmp(type, "histogram") == 0;
            assert_true(
                *rest == '{' || *rest == ' ' || strncmp(rest, "_total", 6) == 0 ||
                (hist && (strncmp(rest, "_bucket{", 8) == 0 || strncmp(rest, "_count", 6) == 0 ||
                          strncmp(rest, "_sum", 4) == 0)));
        }
        line = nl + 1;
    }
    free(t);
}

/* The scheduler's published record: the makespan is the plan's only where
 * it took effect; the gap is over the lower bound. */
static void test_sched_record(void **state)
{
    (void)state;
    struct tool_sched_view s;
    const char *rec =
        "{\"pid\": 77, \"decision\": {\"t\": 1, \"applied\": true, \"act\": true, "
        "\"nodes\": [{\"numa\": 0, \"current_makespan\": 0.9, \"makespan\": 0.5, "
        "\"lower_bound\": 0.4, \"act\": true}, {\"numa\": 1, \"current_makespan\": 0.3, "
        "\"makespan\": 0.2, \"lower_bound\": 0.3, \"act\": false}]}}\n";

    assert_int_equal(tool_sched_parse(rec, &s), 0);
    assert_int_equal(s.pid, 77);
    assert_int_equal(s.n_nodes, 2);
    assert_float_equal(s.nodes[0].makespan, 0.5, 1e-9);
    assert_float_equal(s.nodes[1].makespan, 0.3, 1e-9); /* node 1 did not act */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    tool_print_metrics(out, NULL, &s);
    fclose(out);
    assert_non_null(strstr(buf, "vio4wd_scheduler_up 1\n"));
    assert_non_null(strstr(buf, "vio4wd_scheduler_makespan_cores{numa=\"0\"} 0.5\n"));
    assert_non_null(strstr(buf, "vio4wd_scheduler_lower_bound_cores{numa=\"1\"} 0.3\n"));
    assert_non_null(strstr(buf, "vio4wd_scheduler_gap_ratio{numa=\"0\"} 0.25\n"));
    free(buf);
    /* Not a record: refused. */
    assert_int_equal(tool_sched_parse("{\"pid\": 5}", &s), -1);
    assert_int_equal(tool_sched_parse("garbage", &s), -1);
    assert_int_equal(tool_sched_parse("{\"pid\": 0, \"decision\": {\"nodes\": []}}", &s), -1);
}

/* A relay that is not running gives vio4wd_relay_up 0 and nothing else:
 * no old numbers. */
static void test_metrics_relay_down(void **state)
{
    (void)state;
    char *t = capture(print_metrics, NULL);
    assert_string_equal(t, "# TYPE vio4wd_relay_up gauge\n"
                           "# HELP vio4wd_relay_up 1 when virtio-forwarder is running and its "
                           "counters are live; 0 otherwise, and then no other vio4wd_relay_ or "
                           "vio4wd_worker_ sample is given.\n"
                           "vio4wd_relay_up 0\n"
                           "# TYPE vio4wd_scheduler_up gauge\n"
                           "# HELP vio4wd_scheduler_up 1 when vio4wd_core_scheduler runs and "
                           "has published a decision.\n"
                           "vio4wd_scheduler_up 0\n"
                           "# EOF\n");
    free(t);
}

/* ---- the exporter's --listen ------------------------------------------- */

static void test_listen_addr(void **state)
{
    (void)state;
    struct listen_addr a;
    char err[256];

    assert_int_equal(listen_addr_parse("127.0.0.1:9641", &a, err, sizeof(err)), 0);
    assert_true(a.loopback);
    assert_int_equal(a.sa.ss_family, AF_INET);
    assert_int_equal(listen_addr_parse("127.8.9.10:1", &a, err, sizeof(err)), 0);
    assert_true(a.loopback);
    assert_int_equal(listen_addr_parse("[::1]:65535", &a, err, sizeof(err)), 0);
    assert_true(a.loopback);
    assert_int_equal(a.sa.ss_family, AF_INET6);
    /* Reachable by other hosts: parsed, but not loopback. */
    assert_int_equal(listen_addr_parse("0.0.0.0:9641", &a, err, sizeof(err)), 0);
    assert_false(a.loopback);
    assert_int_equal(listen_addr_parse("[::]:9641", &a, err, sizeof(err)), 0);
    assert_false(a.loopback);
    assert_int_equal(listen_addr_parse("10.1.2.3:80", &a, err, sizeof(err)), 0);
    assert_false(a.loopback);
    /* Bad values name themselves. */
    const char *bad[] = {"",
                         "9641",
                         ":9641",
                         "127.0.0.1:",
                         "127.0.0.1:0",
                         "127.0.0.1:65536",
                         "127.0.0.1:9x",
                         "localhost:9641",
                         "::1:9641",
                         "[::1]",
                         "[foo]:1",
                         "300.1.1.1:1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(listen_addr_parse(bad[i], &a, err, sizeof(err)), -1);
        assert_non_null(strstr(err, bad[i]));
    }
}

/* ---- monitor_load's frame ----------------------------------------------- */

static void test_bar_segments(void **state)
{
    struct fixture *f = *state;
    char text[50];
    unsigned char attr[50];

    /* CPU 1: VF->VM 40% -> 20 cells "0>>>...", VM->VF 10% -> 5 cells
     * "0<<<<", then other busy up to 60% -> 5 cells '+', then idle. */
    frame_bar(&f->view, &f->view.workers[0], 50, text, attr);
    assert_memory_equal(text, "0>>>>>>>>>>>>>>>>>>>0<<<<+++++                    ", 50);
    assert_int_equal(attr[0] & FA_BOLD, FA_BOLD);     /* the relay id */
    assert_int_equal(attr[1] & FA_LEVEL_MASK, FA_OK); /* 60%: not high */
    assert_int_equal(attr[49], FA_PLAIN);
}

static void test_bar_full_core_fills_exactly(void **state)
{
    (void)state;
    struct tool_view *v = calloc(1, sizeof(*v));
    char text[30];
    unsigned char attr[30];

    v->n_workers = 1;
    v->workers[0] = (struct tool_worker_row){.cpu = 2, .numa = 0, .load = 1.0};
    /* Three thirds: rounding must neither overflow nor leave a gap. */
    v->n_relays = 3;
    for (unsigned i = 0; i < 3; i++) {
        v->relays[i].id = 10 + i;
        v->relays[i].dir[VIO4WD_DIR_VF_TO_VM] = (struct tool_dir_row){.cpu = 2, .load = 1 / 3.0};
        v->relays[i].dir[VIO4WD_DIR_VM_TO_VF] = (struct tool_dir_row){.cpu = -1};
    }
    frame_bar(v, &v->workers[0], 30, text, attr);
    assert_memory_equal(text, "10>>>>>>>>11>>>>>>>>12>>>>>>>>", 30);
    assert_int_equal(attr[29] & FA_LEVEL_MASK, FA_HIGH);

    /* A segment narrower than its label shows only fill, no cut-off id. */
    v->relays[0].dir[0].load = 0.05; /* 1.5 cells -> 2: "10" would fill it */
    v->relays[1].dir[0].load = 0;
    v->relays[2].dir[0].load = 0;
    v->workers[0].load = 0.05;
    frame_bar(v, &v->workers[0], 30, text, attr);
    assert_memory_equal(text, ">>", 2);
    free(v);
}

static void test_frame_groups_by_numa_node(void **state)
{
    struct fixture *f = *state;
    struct frame *fr = malloc(sizeof(*fr));
    char *buf = NULL;
    size_t len = 0;

    frame_render(&f->view, 80, 1.0, fr);
    FILE *out = open_memstream(&buf, &len);
    frame_print(out, fr);
    fclose(out);

    char *n0 = strstr(buf, "NUMA node 0"), *n1 = strstr(buf, "NUMA node 1");
    char *c1 = strstr(buf, "CPU   1 |"), *c3 = strstr(buf, "CPU   3 |");
    assert_non_null(n0);
    assert_non_null(n1);
    assert_non_null(c1);
    assert_non_null(c3);
    assert_true(n0 < c1 && c1 < n1 && n1 < c3);
    assert_non_null(strstr(buf, "0:VF->VM 40.0%"));
    assert_non_null(strstr(buf, "0:VM->VF 10.0%"));
    assert_non_null(strstr(buf, "5:VF->VM 0.0%"));
    assert_non_null(strstr(buf, "total 10.00 Mpps")); /* 9 + 1 Mpps forwarded */
    assert_non_null(strstr(buf, "migrations since last frame: 1"));
    /* issue 13: parked workers are named, and counted per node */
    assert_non_null(strstr(buf, "NUMA node 1  1 worker, 0 active, 1 parked"));
    assert_non_null(strstr(buf, "NUMA node 0  1 worker, 1 active, 0 parked"));
    assert_non_null(strstr(c3, "parked"));
    /* No line wider than the frame. */
    for (unsigned i = 0; i < fr->n_lines; i++)
        assert_true(fr->lines[i].len <= 80);
    free(buf);
    free(fr);
}

static void test_frame_marks_high_load_in_text(void **state)
{
    (void)state;
    struct tool_view *v = calloc(1, sizeof(*v));
    struct frame *fr = malloc(sizeof(*fr));

    v->n_workers = 1;
    v->workers[0] = (struct tool_worker_row){.cpu = 0, .numa = 0, .load = 0.97};
    frame_render(v, 60, 1.0, fr);
    bool found = false;
    for (unsigned i = 0; i < fr->n_lines; i++)
        if (strstr(fr->lines[i].text, "97.0% HIGH"))
            found = true;
    assert_true(found);
    free(v);
    free(fr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_one_cpu_serves_both),
        cmocka_unit_test(test_pin_order_is_vf_to_vm_first),
        cmocka_unit_test(test_pin_rejects_bad_syntax),
        cmocka_unit_test(test_pin_rejects_duplicate_relay),
        cmocka_unit_test(test_parse_numbers),
        cmocka_unit_test_setup_teardown(test_view_rates_and_loads, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_queues, setup_view, teardown_view),
        cmocka_unit_test(test_queues_shown_after_reduction),
        cmocka_unit_test(test_view_other_epoch_has_no_window),
        cmocka_unit_test_setup_teardown(test_view_filter, setup_view, teardown_view),
        cmocka_unit_test(test_si),
        cmocka_unit_test_setup_teardown(test_table, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_json_is_a_trace_line, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_openmetrics, setup_view, teardown_view),
        cmocka_unit_test(test_metrics_relay_down),
        cmocka_unit_test(test_sched_record),
        cmocka_unit_test(test_listen_addr),
        cmocka_unit_test_setup_teardown(test_bar_segments, setup_view, teardown_view),
        cmocka_unit_test(test_bar_full_core_fills_exactly),
        cmocka_unit_test_setup_teardown(test_frame_groups_by_numa_node, setup_view, teardown_view),
        cmocka_unit_test(test_frame_marks_high_load_in_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
