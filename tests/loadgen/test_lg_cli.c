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
static int
parse_v(const char *first, va_list ap)
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

static int
parse(const char *first, ...)
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
static void
expect_bad(const char *n1, const char *n2, const char *first, ...)
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

static void
test_defaults(void **state)
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
    assert_true(r->enabled[LG_VM_TO_VF] && r->enabled[LG_VF_TO_VM]);
    assert_true(lg_profile_rate(&r->prof[LG_VM_TO_VF], 5) == 100e3);
}

static void
test_four_relays(void **state)
{
    const struct lg_relay_cfg *r;

    (void)state;
    assert_int_equal(parse("-d", "60", "-g", "500ms", "--socket-dir", "/run/x",
        "--memif-dir", "/run/m", "--json", "-q", "--expect-no-loss",
        "--relay", "0,rate=2M,profile=step:20s:200k",
        "--relay", "1,rate=200k,profile=ramp:30s:2M,size=128",
        "--relay", "2,rate=500k,dir=vm2vf,socket=/s/two.sock,server=1",
        "--relay", "3,vm2vf-rate=1M,vf2vm-rate=100k,profile=step:40s:1.5M,"
                   "vf2vm-profile=const,qsize=256,memif=/m/3.sock",
        "--", "-l", "0", "--no-huge", NULL), 0);
    assert_true(cfg.duration == 60 && cfg.grace == 0.5);
    assert_true(cfg.json && cfg.quiet && cfg.expect_no_loss);
    assert_int_equal(cfg.nrelays, 4);
    assert_int_equal(cfg.eal_argc, 3);
    assert_string_equal(cfg.eal_argv[0], "-l");
    assert_string_equal(cfg.eal_argv[2], "--no-huge");

    r = &cfg.relay[0];
    assert_true(lg_profile_rate(&r->prof[LG_VF_TO_VM], 19) == 2e6);
    assert_true(lg_profile_rate(&r->prof[LG_VF_TO_VM], 21) == 200e3);
    assert_string_equal(r->socket, "/run/x/virtio-forwarder0.sock");
    assert_string_equal(r->memif, "/run/m/vio4wd-memif0.sock");

    r = &cfg.relay[1];
    assert_int_equal(r->size, 128);
    assert_true(lg_profile_rate(&r->prof[LG_VM_TO_VF], 15) == 1.1e6);

    r = &cfg.relay[2];
    assert_true(r->enabled[LG_VM_TO_VF] && !r->enabled[LG_VF_TO_VM]);
    assert_true(r->server);
    assert_string_equal(r->socket, "/s/two.sock");

    r = &cfg.relay[3];
    assert_true(lg_profile_rate(&r->prof[LG_VM_TO_VF], 0) == 1e6);
    assert_true(lg_profile_rate(&r->prof[LG_VM_TO_VF], 41) == 1.5e6);
    assert_true(lg_profile_rate(&r->prof[LG_VF_TO_VM], 41) == 100e3);
    assert_int_equal(r->qsize, 256);
    assert_string_equal(r->vf_dev, "net_memif3,role=server,id=0,"
                        "socket=/m/3.sock,socket-abstract=no");
}

static void
test_vf_takes_the_rest(void **state)
{
    const struct lg_relay_cfg *r;

    (void)state;
    assert_int_equal(parse("--relay",
        "5,rate=1k,vf=net_pcap5,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/o.pcap",
        NULL), 0);
    r = &cfg.relay[0];
    assert_true(r->vf_custom);
    assert_string_equal(r->vf_dev,
                        "net_pcap5,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/o.pcap");
    assert_true(lg_profile_rate(&r->prof[0], 0) == 1e3);
}

static void
test_bad_values(void **state)
{
    (void)state;
    expect_bad("--relay '1,rate=abc'", "bad rate 'abc'",
               "--relay", "1,rate=abc", NULL);
    expect_bad("bad size '20'", "60..9000", "--relay", "1,size=20", NULL);
    expect_bad("bad dir 'up'", "both, vm2vf, vf2vm", "--relay", "1,dir=up", NULL);
    expect_bad("bad relay id '64'", "0..63", "--relay", "64", NULL);
    expect_bad("bad relay id 'x'", NULL, "--relay", "x,rate=1", NULL);
    expect_bad("bad relay id ''", NULL, "--relay", ",rate=1", NULL);
    expect_bad("unknown key 'speed'", "valid keys", "--relay", "1,speed=3", NULL);
    expect_bad("'fast' is not KEY=VALUE", NULL, "--relay", "1,fast", NULL);
    expect_bad("bad server '2'", "0 or 1", "--relay", "1,server=2", NULL);
    expect_bad("bad qsize '1000'", "power of two", "--relay", "1,qsize=1000", NULL);
    expect_bad("bad profile 'step:5s'", "no rate after it",
               "--relay", "1,profile=step:5s", NULL);
    expect_bad("bad vf2vm-profile", "unknown profile kind",
               "--relay", "1,vf2vm-profile=zigzag", NULL);
    expect_bad("bad vm2vf-rate '-5'", NULL, "--relay", "1,vm2vf-rate=-5", NULL);
    expect_bad("vf is empty", NULL, "--relay", "1,vf=", NULL);
    expect_bad("memif and vf both given", NULL,
               "--relay", "1,memif=/a,vf=net_null0", NULL);
    expect_bad("relay 1 is given twice", NULL,
               "--relay", "1", "--relay", "1,rate=5", NULL);
    expect_bad("option --relay: missing", NULL, "-d", "5", NULL);
    expect_bad("option --duration: bad value 'soon'", "valid",
               "-d", "soon", "--relay", "1", NULL);
    expect_bad("option --grace: bad value '-1'", NULL,
               "--grace", "-1", "--relay", "1", NULL);
    expect_bad("option --burst: bad value '0'", "1..512",
               "--burst", "0", "--relay", "1", NULL);
    expect_bad("option --window-bits: bad value '40'", "10..28",
               "--window-bits", "40", "--relay", "1", NULL);
    expect_bad("option --duration needs a value", NULL, "--relay", "1",
               "--duration", NULL);
    expect_bad("unknown option", "--frobnicate", "--frobnicate", "--relay", "1",
               NULL);
    expect_bad("unexpected argument 'extra'", "after \"--\"",
               "--relay", "1", "extra", NULL);
    expect_bad("option --socket-dir", "valid: a directory path",
               "--socket-dir", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
               "--relay", "1", NULL);
}

static void
test_help(void **state)
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

/* A report over hand-made counters. */
static void
test_report(void **state)
{
    static struct lg_relay_stats st[2];
    struct lg_report_info info = { .send_s = 2, .drain_s = 0.1 };
    FILE *f;
    char buf[8192];
    size_t n;
    uint64_t i;

    (void)state;
    assert_int_equal(parse("--relay", "0,rate=1k", "--relay",
                           "7,dir=vf2vm", NULL), 0);
    memset(st, 0, sizeof(st));
    for (i = 0; i < 4; i++)
        assert_int_equal(lg_seq_init(&st[i / 2].dir[i % 2].seq, 10), 0);
    st[0].dir[0].sent = 2000;
    st[0].dir[0].target = 2000;
    for (i = 0; i < 2000; i++)
        lg_seq_record(&st[0].dir[0].seq, i);
    st[0].dir[1].sent = 2000;
    for (i = 0; i < 2000; i++)
        lg_seq_record(&st[0].dir[1].seq, i);
    assert_true(lg_report_clean(&cfg, st));

    st[1].dir[1].sent = 10;
    for (i = 0; i < 10; i++)
        if (i != 4)
            lg_seq_record(&st[1].dir[1].seq, i);
    lg_seq_record(&st[1].dir[1].seq, 9);
    assert_false(lg_report_clean(&cfg, st));

    f = tmpfile();
    assert_non_null(f);
    lg_report_json(f, &cfg, st, &info);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "\"clean\":false"));
    assert_non_null(strstr(buf, "\"totals\":{\"sent\":4010,\"received\":4010,"
                                "\"lost\":1,\"duplicated\":1,\"reordered\":0}"));
    assert_non_null(strstr(buf, "{\"id\":7,\"socket\":\"/tmp/virtio-forwarder7.sock\""));
    assert_non_null(strstr(buf, "\"vf_to_vm\":{\"enabled\":true,\"profile\":"
                                "\"const 0s:100k\",\"target\":0,\"sent\":10,"
                                "\"received\":10,\"unique\":9,\"lost\":1,"
                                "\"duplicated\":1"));
    assert_non_null(strstr(buf, "\"rate_pps\":1000.0"));
    assert_int_equal(buf[strlen(buf) - 1], '\n');

    f = tmpfile();
    assert_non_null(f);
    lg_report_table(f, &cfg, st, &info);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "NOT CLEAN"));
    assert_non_null(strstr(buf, "vm_to_vf"));
    for (i = 0; i < 4; i++)
        lg_seq_free(&st[i / 2].dir[i % 2].seq);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_four_relays),
        cmocka_unit_test(test_vf_takes_the_rest),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_report),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
