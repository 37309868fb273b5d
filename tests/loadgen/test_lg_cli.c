/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for tools/loadgen/lg_cli.c and lg_report.c: the command line
 * and the report, without DPDK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lg_config.h"
#include "lg_stats.h"

static struct lg_config cfg;
static char err[1024];

/* Parse a NULL-terminated list of words after the program name. */
static int parse_v(const char *first, va_list ap)
{
    static char *argv[64];
    const char *w;
    int argc = 0;

    argv[argc++] = "vio4wd-loadgen";
    for (w = first; w != NULL; w = va_arg(ap, const char *))
        argv[argc++] = (char *)w;
    argv[argc] = NULL;
    err[0] = '\0';
    return lg_cli_parse(&cfg, argc, argv, err, sizeof(err));
}

static int parse(const char *first, ...)
{
    va_list ap;
    int rc;

    va_start(ap, first);
    rc = parse_v(first, ap);
    va_end(ap);
    return rc;
}

/* The command line must be rejected with a message containing each of the
 * needles (the option, the value, what is valid). */
static void expect_bad(const char *n1, const char *n2, const char *first, ...)
{
    va_list ap;
    int rc;

    va_start(ap, first);
    rc = parse_v(first, ap);
    va_end(ap);
    if (rc != -1)
        fail_msg("accepted a bad command line starting '%s'", first);
    if (strstr(err, n1) == NULL || (n2 && strstr(err, n2) == NULL))
        fail_msg("message '%s' lacks '%s' or '%s'", err, n1, n2 ? n2 : "");
}

static void test_defaults(void **state)
{
    const struct lg_relay_cfg *r;

    (void)state;
    assert_int_equal(parse("--relay", "3", NULL), 0);
    assert_int_equal(cfg.nrelays, 1);
    assert_true(cfg.duration == 10 && cfg.grace == 1);
    assert_true(cfg.probe && !cfg.json && !cfg.quiet && !cfg.expect_no_loss);
    assert_int_equal(cfg.eal_argc, 0);
    r = &cfg.relay[0];
    assert_int_equal(r->id, 3);
    assert_string_equal(r->socket, "/tmp/virtio-forwarder3.sock");
    assert_string_equal(r->memif, "/tmp/vio4wd-memif3.sock");
    assert_string_equal(r->vf_dev, "net_memif3,role=server,id=0,"
                                   "socket=/tmp/vio4wd-memif3.sock,socket-abstract=no");
    assert_false(r->vf_custom);
    assert_false(r->server);
    assert_int_equal(r->size, 64);
    assert_int_equal(r->qsize, 1024);
    assert_int_equal(r->queues, 1);
    assert_true(r->enabled[VIO4WD_DIR_VM_TO_VF] && r->enabled[VIO4WD_DIR_VF_TO_VM]);
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VM_TO_VF], 5) == 100e3);
}

/* --rate: the rate of every relay whose SPEC has none, wherever it stands. */
static void test_global_rate(void **state)
{
    (void)state;
    assert_int_equal(parse("--relay", "0", "--rate", "20k", "--relay", "1,rate=3k", NULL), 0);
    assert_true(cfg.has_rate && cfg.rate == 20e3);
    assert_true(lg_profile_rate(&cfg.relay[0].prof[VIO4WD_DIR_VM_TO_VF], 1) == 20e3);
    assert_true(lg_profile_rate(&cfg.relay[0].prof[VIO4WD_DIR_VF_TO_VM], 1) == 20e3);
    assert_true(lg_profile_rate(&cfg.relay[1].prof[VIO4WD_DIR_VF_TO_VM], 1) == 3e3);
    expect_bad("option --rate: bad value 'fast'", "packets per second", "--rate", "fast", "--relay",
               "1", NULL);
}

static void test_four_relays(void **state)
{
    const struct lg_relay_cfg *r;

    (void)state;
    assert_int_equal(parse("-d", "60", "-g", "500ms", "--socket-dir", "/run/x", "--memif-dir",
                           "/run/m", "--json", "-q", "--expect-no-loss", "--relay",
                           "0,rate=2M,profile=step:20s:200k", "--relay",
                           "1,rate=200k,profile=ramp:30s:2M,size=128", "--relay",
                           "2,rate=500k,dir=vm2vf,socket=/s/two.sock,server=1,queues=4", "--relay",
                           "3,vm2vf-rate=1M,vf2vm-rate=100k,profile=step:40s:1.5M,"
                           "vf2vm-profile=const,qsize=256,memif=/m/3.sock",
                           "--", "-l", "0", "--no-huge", NULL),
                     0);
    assert_true(cfg.duration == 60 && cfg.grace == 0.5);
    assert_true(cfg.json && cfg.quiet && cfg.expect_no_loss);
    assert_int_equal(cfg.nrelays, 4);
    assert_int_equal(cfg.eal_argc, 3);
    assert_string_equal(cfg.eal_argv[0], "-l");
    assert_string_equal(cfg.eal_argv[2], "--no-huge");

    r = &cfg.relay[0];
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VF_TO_VM], 19) == 2e6);
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VF_TO_VM], 21) == 200e3);
    assert_string_equal(r->socket, "/run/x/virtio-forwarder0.sock");
    assert_string_equal(r->memif, "/run/m/vio4wd-memif0.sock");

    r = &cfg.relay[1];
    assert_int_equal(r->size, 128);
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VM_TO_VF], 15) == 1.1e6);

    r = &cfg.relay[2];
    assert_true(r->enabled[VIO4WD_DIR_VM_TO_VF] && !r->enabled[VIO4WD_DIR_VF_TO_VM]);
    assert_true(r->server);
    assert_string_equal(r->socket, "/s/two.sock");
    assert_int_equal(r->queues, 4);

    r = &cfg.relay[3];
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VM_TO_VF], 0) == 1e6);
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VM_TO_VF], 41) == 1.5e6);
    assert_true(lg_profile_rate(&r->prof[VIO4WD_DIR_VF_TO_VM], 41) == 100e3);
    assert_int_equal(r->qsize, 256);
    assert_string_equal(r->vf_dev, "net_memif3,role=server,id=0,"
                                   "socket=/m/3.sock,socket-abstract=no");
}

static void test_vf_takes_the_rest(void **state)
{
    const struct lg_relay_cfg *r;

    (void)state;
    assert_int_equal(
        parse("--relay", "5,rate=1k,vf=net_pcap5,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/o.pcap", NULL),
        0);
    r = &cfg.relay[0];
    assert_true(r->vf_custom);
    assert_string_equal(r->vf_dev, "net_pcap5,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/o.pcap");
    assert_true(lg_profile_rate(&r->prof[0], 0) == 1e3);
}

/* Fault injection: the receiving side of a direction stops draining. */
static void test_stalls(void **state)
{
    const struct lg_relay_cfg *r;

    (void)state;
    assert_int_equal(parse("--relay", "0,guest-stall=4s:7s,vf-stall=500ms:2s", NULL), 0);
    r = &cfg.relay[0];
    assert_true(r->stall_from[VIO4WD_DIR_VF_TO_VM] == 4.0);
    assert_true(r->stall_to[VIO4WD_DIR_VF_TO_VM] == 7.0);
    assert_true(r->stall_from[VIO4WD_DIR_VM_TO_VF] == 0.5);
    assert_true(r->stall_to[VIO4WD_DIR_VM_TO_VF] == 2.0);
    assert_int_equal(parse("--relay", "1", NULL), 0);
    assert_true(cfg.relay[0].stall_to[VIO4WD_DIR_VF_TO_VM] == 0.0); /* never */
    expect_bad("bad guest-stall", "T1 < T2", "--relay", "0,guest-stall=7s:4s", NULL);
    expect_bad("bad vf-stall", "T1 < T2", "--relay", "0,vf-stall=3s", NULL);
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_bad("--relay '1,rate=abc'", "bad rate 'abc'", "--relay", "1,rate=abc", NULL);
    expect_bad("bad size '20'", "60..9000", "--relay", "1,size=20", NULL);
    expect_bad("bad dir 'up'", "both, vm2vf, vf2vm", "--relay", "1,dir=up", NULL);
    expect_bad("bad relay id '64'", "0..63", "--relay", "64", NULL);
    expect_bad("bad relay id 'x'", NULL, "--relay", "x,rate=1", NULL);
    expect_bad("bad relay id ''", NULL, "--relay", ",rate=1", NULL);
    expect_bad("unknown key 'speed'", "qsize queues memif", "--relay", "1,speed=3", NULL);
    expect_bad("'fast' is not KEY=VALUE", NULL, "--relay", "1,fast", NULL);
    expect_bad("bad server '2'", "0 or 1", "--relay", "1,server=2", NULL);
    expect_bad("bad qsize '1000'", "power of two", "--relay", "1,qsize=1000", NULL);
    expect_bad("bad queues '0'", "1..32", "--relay", "1,queues=0", NULL);
    expect_bad("bad queues '33'", "1..32", "--relay", "1,queues=33", NULL);
    expect_bad("bad queues 'two'", "1..32", "--relay", "1,queues=two", NULL);
    expect_bad("bad queues '-1'", "1..32", "--relay", "1,queues=-1", NULL);
    expect_bad("bad profile 'step:5s'", "no rate after it", "--relay", "1,profile=step:5s", NULL);
    expect_bad("bad vf2vm-profile", "unknown profile kind", "--relay", "1,vf2vm-profile=zigzag",
               NULL);
    expect_bad("bad vm2vf-rate '-5'", NULL, "--relay", "1,vm2vf-rate=-5", NULL);
    expect_bad("vf is empty", NULL, "--relay", "1,vf=", NULL);
    expect_bad("memif and vf both given", NULL, "--relay", "1,memif=/a,vf=net_null0", NULL);
    expect_bad("relay 1 is given twice", NULL, "--relay", "1", "--relay", "1,rate=5", NULL);
    expect_bad("option --relay: missing", NULL, "-d", "5", NULL);
    expect_bad("option --duration: bad value 'soon'", "valid", "-d", "soon", "--relay", "1", NULL);
    expect_bad("option --grace: bad value '-1'", NULL, "--grace", "-1", "--relay", "1", NULL);
    expect_bad("option --burst: bad value '0'", "1..512", "--burst", "0", "--relay", "1", NULL);
    expect_bad("option --window-bits: bad value '40'", "10..28", "--window-bits", "40", "--relay",
               "1", NULL);
    expect_bad("option --duration needs a value", NULL, "--relay", "1", "--duration", NULL);
    expect_bad("unknown option", "--frobnicate", "--frobnicate", "--relay", "1", NULL);
    expect_bad("unexpected argument 'extra'", "after \"--\"", "--relay", "1", "extra", NULL);
    expect_bad("option --socket-dir", "valid: a directory path", "--socket-dir",
               "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
               "--relay", "1", NULL);
}

static void test_help(void **state)
{
    FILE *f = tmpfile();
    char buf[16384];
    size_t n;

    (void)state;
    assert_non_null(f);
    lg_usage("vio4wd-loadgen", f);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    /* the pairing convention and the EAL arguments are documented */
    assert_non_null(strstr(buf, "net_memif<ID>,role=client,id=0,socket=MEMIF,"
                                "socket-abstract=no"));
    assert_non_null(strstr(buf, "--single-file-segments"));
    assert_non_null(strstr(buf, "--file-prefix"));
    assert_non_null(strstr(buf, "Exit status"));
}

/* A stream of nq queues, each with a window of 2^10. */
static void stream_init(struct lg_stream_stats *s, unsigned nq)
{
    unsigned k;

    s->nq = nq;
    for (k = 0; k < nq; k++)
        assert_int_equal(lg_seq_init(&s->q[k].seq, 10), 0);
}

static void stream_free(struct lg_stream_stats *s)
{
    unsigned k;

    for (k = 0; k < s->nq; k++)
        lg_seq_free(&s->q[k].seq);
}

/* Queue k of s sent n more packets. */
static void queue_sent(struct lg_stream_stats *s, unsigned k, uint64_t n)
{
    s->q[k].sent += n;
    s->sent += n;
}

/* The JSON (json) or table report of st, in buf. */
static void report(int json, const struct lg_relay_stats *st, char *buf, size_t len)
{
    struct lg_report_info info = {.send_s = 2, .drain_s = 0.1};
    FILE *f = tmpfile();
    size_t n;

    assert_non_null(f);
    if (json)
        lg_report_json(f, &cfg, st, &info);
    else
        lg_report_table(f, &cfg, st, &info);
    rewind(f);
    n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* A report over hand-made counters. */
static void test_report(void **state)
{
    static struct lg_relay_stats st[2];
    char buf[8192];
    uint64_t i;

    (void)state;
    assert_int_equal(parse("--relay", "0,rate=1k", "--relay", "7,dir=vf2vm", NULL), 0);
    memset(st, 0, sizeof(st));
    for (i = 0; i < 4; i++)
        stream_init(&st[i / 2].dir[i % 2], 1);
    queue_sent(&st[0].dir[VIO4WD_DIR_VM_TO_VF], 0, 2000);
    st[0].dir[VIO4WD_DIR_VM_TO_VF].target = 2000;
    for (i = 0; i < 2000; i++) {
        lg_seq_record(&st[0].dir[VIO4WD_DIR_VM_TO_VF].q[0].seq, i);
        lg_lat_record(&st[0].dir[VIO4WD_DIR_VM_TO_VF].lat, 10112);
    }
    for (i = 0; i < 10; i++)
        lg_lat_record(&st[1].dir[VIO4WD_DIR_VF_TO_VM].lat, 1000000);
    queue_sent(&st[0].dir[VIO4WD_DIR_VF_TO_VM], 0, 2000);
    for (i = 0; i < 2000; i++)
        lg_seq_record(&st[0].dir[VIO4WD_DIR_VF_TO_VM].q[0].seq, i);
    assert_true(lg_report_clean(&cfg, st));

    queue_sent(&st[1].dir[VIO4WD_DIR_VF_TO_VM], 0, 10);
    for (i = 0; i < 10; i++)
        if (i != 4)
            lg_seq_record(&st[1].dir[VIO4WD_DIR_VF_TO_VM].q[0].seq, i);
    lg_seq_record(&st[1].dir[VIO4WD_DIR_VF_TO_VM].q[0].seq, 9);
    assert_false(lg_report_clean(&cfg, st));

    report(1, st, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\"clean\":false"));
    assert_non_null(strstr(buf, "\"totals\":{\"sent\":4010,\"received\":4010,"
                                "\"lost\":1,\"duplicated\":1,\"reordered\":0,"));
    /* latency percentiles over all streams: 2000 at 10.112 us (a bucket's
     * middle), 10 at 1 ms (p99.9 at rank 2008; never above the max) */
    assert_non_null(strstr(buf, "\"latency_us\":{\"p50\":10.11,\"p99\":10.11,"
                                "\"p99_9\":1000.00,\"max\":1000.00}"));
    assert_non_null(strstr(buf, "\"p50\":1000.00,\"p99\":1000.00,\"p99_9\":1000.00}"));
    assert_non_null(strstr(buf, "{\"id\":7,\"socket\":\"/tmp/virtio-forwarder7.sock\""));
    assert_non_null(strstr(buf, "\"vf_to_vm\":{\"enabled\":true,\"profile\":"
                                "\"const 0s:100k\",\"target\":0,\"sent\":10,"
                                "\"received\":10,\"unique\":9,\"lost\":1,"
                                "\"duplicated\":1"));
    assert_non_null(strstr(buf, "\"rate_pps\":1000.0"));
    assert_non_null(strstr(buf, "\"queues\":[{\"sent\":10,\"received\":10,"
                                "\"lost\":1,\"duplicated\":1,\"reordered\":0}]"));
    assert_int_equal(buf[strlen(buf) - 1], '\n');

    report(0, st, buf, sizeof(buf));
    assert_non_null(strstr(buf, "NOT CLEAN"));
    assert_non_null(strstr(buf, "vm_to_vf"));
    for (i = 0; i < 4; i++)
        stream_free(&st[i / 2].dir[i % 2]);
}

/* With several queues each queue is a sequence of its own: packets of
 * different queues may arrive in any order relative to each other, but
 * within a queue order counts; the stream's figures are the sums. */
static void test_report_queues(void **state)
{
    static struct lg_relay_stats st[1];
    struct lg_stream_stats *s = &st[0].dir[VIO4WD_DIR_VM_TO_VF];
    char buf[8192];
    uint64_t i;

    (void)state;
    assert_int_equal(parse("--relay", "2,queues=3,dir=vm2vf", NULL), 0);
    memset(st, 0, sizeof(st));
    stream_init(s, 3);
    stream_init(&st[0].dir[VIO4WD_DIR_VF_TO_VM], 3);
    /* Queue 1 runs far ahead of queue 0, queue 2 lags: no reordering. */
    queue_sent(s, 0, 100);
    queue_sent(s, 1, 100);
    queue_sent(s, 2, 100);
    for (i = 0; i < 100; i++)
        lg_seq_record(&s->q[1].seq, i);
    for (i = 0; i < 100; i++) {
        lg_seq_record(&s->q[0].seq, i);
        lg_seq_record(&s->q[2].seq, i);
    }
    assert_true(lg_report_clean(&cfg, st));

    /* Queue 2: 100 more, of which 101 overtakes 100 and 150 never comes. */
    queue_sent(s, 2, 100);
    lg_seq_record(&s->q[2].seq, 101);
    lg_seq_record(&s->q[2].seq, 100);
    for (i = 102; i < 200; i++)
        if (i != 150)
            lg_seq_record(&s->q[2].seq, i);
    assert_false(lg_report_clean(&cfg, st));

    report(1, st, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\"totals\":{\"sent\":400,\"received\":399,"
                                "\"lost\":1,\"duplicated\":0,\"reordered\":1,"));
    assert_non_null(strstr(buf, "\"size\":64,\"queues\":3,"));
    assert_non_null(strstr(buf, "\"queues\":[{\"sent\":100,\"received\":100,"
                                "\"lost\":0,\"duplicated\":0,\"reordered\":0},{\"sent\":100,"
                                "\"received\":100,\"lost\":0,\"duplicated\":0,\"reordered\":0},"
                                "{\"sent\":200,\"received\":199,\"lost\":1,\"duplicated\":0,"
                                "\"reordered\":1}]"));
    stream_free(s);
    stream_free(&st[0].dir[VIO4WD_DIR_VF_TO_VM]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_four_relays),
        cmocka_unit_test(test_global_rate),   cmocka_unit_test(test_vf_takes_the_rest),
        cmocka_unit_test(test_stalls),        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_help),          cmocka_unit_test(test_report),
        cmocka_unit_test(test_report_queues),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
