/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/config/config.c: the /etc/default/virtioforwarder parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* What one load produced: the config, the error text and the warnings. */
struct result {
    struct vio4wd_config cfg;
    int rc;
    char err[512];
    char warnings[1024];
    unsigned n_warnings;
};

static void collect_warning(const char *message, void *opaque)
{
    struct result *r = opaque;
    size_t used = strlen(r->warnings);
    snprintf(r->warnings + used, sizeof(r->warnings) - used, "%s\n", message);
    r->n_warnings++;
}

static struct result *load(const char *text)
{
    static struct result r;
    memset(&r, 0, sizeof(r));
    config_init(&r.cfg);
    r.rc = config_load_buffer(&r.cfg, text, strlen(text), "test.conf", collect_warning, &r, r.err,
                              sizeof(r.err));
    return &r;
}

/* A host with CPUs 0-7, so tests do not depend on the machine. */
static struct vio4wd_cpuset host_cpus(void)
{
    struct vio4wd_cpuset host;
    cpuset_clear(&host);
    for (unsigned c = 0; c < 8; c++)
        cpuset_add(&host, c);
    return host;
}

static int check(struct result *r)
{
    struct vio4wd_cpuset host = host_cpus();
    r->rc = config_check(&r->cfg, &host, r->err, sizeof(r->err));
    return r->rc;
}

#define assert_rejected(r, ...)                                              \
    do {                                                                     \
        assert_int_equal((r)->rc, -1);                                       \
        const char *needles[] = {__VA_ARGS__};                               \
        for (size_t i_ = 0; i_ < sizeof(needles) / sizeof(needles[0]); i_++) \
            if (!strstr((r)->err, needles[i_]))                              \
                fail_msg("error '%s' lacks '%s'", (r)->err, needles[i_]);    \
    } while (0)

/* ---- defaults ----------------------------------------------------------- */

static void defaults_follow_upstream(void **state)
{
    (void)state;
    struct result *r = load("");
    char mask[64];

    assert_int_equal(r->rc, 0);
    cpuset_format(&r->cfg.cpu_mask, mask, sizeof(mask));
    assert_string_equal(mask, "1-2");
    assert_int_equal(r->cfg.log_level, 6);
    assert_int_equal(r->cfg.master_lcore, 0);
    assert_int_equal(r->cfg.n_static_vfs, 0);
    assert_int_equal(r->cfg.n_cpu_pins, 0);
    assert_false(r->cfg.vhost_client);
    assert_false(r->cfg.dynamic_sockets);
    assert_string_equal(r->cfg.socket_dir, "/tmp");
    assert_string_equal(r->cfg.socket_fname_pattern, "virtio-forwarder%u.sock");
    assert_string_equal(r->cfg.hugetlbfs_mount_point, "/dev/hugepages");
    assert_string_equal(r->cfg.zmq_stats_ep, "ipc:///var/run/virtio-forwarder/stats");
    assert_string_equal(r->cfg.zmq_core_sched_ep, "ipc:///var/run/virtio-forwarder/core_sched");
    /* Blank: set, it would select ZeroMQ port control over the OVSDB monitor. */
    assert_string_equal(r->cfg.zmq_port_control_ep, "");
    assert_string_equal(r->cfg.ipc_port_control_file, "/tmp/vio_cmd");
    assert_string_equal(r->cfg.zmq_config_ep, "");
    assert_false(r->cfg.zmq_allow_tcp);
    assert_string_equal(r->cfg.pid_dir, "/var/run");
    assert_false(r->cfg.core_sched_enable);
    assert_true(r->cfg.core_sched_sensitivity == 0.05);
    assert_int_equal(r->cfg.core_sched_log_level, 6);
    assert_true(r->cfg.core_sched_poll_interval == 5.0);
    assert_false(r->cfg.core_sched_global_numa_opt);
}

static void blank_values_mean_default(void **state)
{
    (void)state;
    struct result *r =
        load("VIRTIOFWD_LOG_LEVEL=\nVIO4WD_CORE_SCHED_SENSITIVITY=\n"
             "VIO4WD_CORE_SCHED_POLL_INTERVAL=''\nVIRTIOFWD_SOCKET_FNAME_PATTERN=\"\"\n"
             "VIRTIOFWD_STATIC_VFS=\nVIRTIOFWD_JUMBO=\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.log_level, 6);
    assert_true(r->cfg.core_sched_sensitivity == 0.05);
    assert_true(r->cfg.core_sched_poll_interval == 5.0);
    assert_string_equal(r->cfg.socket_fname_pattern, "virtio-forwarder%u.sock");
    assert_int_equal(r->cfg.n_static_vfs, 0);
    assert_false(r->cfg.jumbo);
}

/* The file shipped in systemd/ must parse and pass the checks on its own. */
static void shipped_default_file_parses(void **state)
{
    (void)state;
    struct result r;
    const char *path = getenv("VIO4WD_DEFAULT_FILE");
    if (!path)
        skip();
    config_init(&r.cfg);
    memset(r.warnings, 0, sizeof(r.warnings));
    r.n_warnings = 0;
    r.rc = config_load_file(&r.cfg, path, collect_warning, &r, r.err, sizeof(r.err));
    if (r.rc != 0)
        fail_msg("%s", r.err);
    assert_int_equal(r.n_warnings, 0);
    assert_int_equal(check(&r), 0);
}

/* ---- syntax ------------------------------------------------------------- */

static void comments_blank_lines_and_export(void **state)
{
    (void)state;
    struct result *r = load("# a comment\n\n   \n  # indented comment\n"
                            "export VIRTIOFWD_LOG_LEVEL=3   # trailing comment\n"
                            "VIRTIOFWD_JUMBO=y\r\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.log_level, 3);
    assert_true(r->cfg.jumbo);
}

static void single_and_double_quotes(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_SOCKET_DIR='/var/lib/vio4wd sockets'\n"
                            "VIRTIOFWD_SOCKET_FNAME_PATTERN=\"vm-%u \\\"x\\\".sock\"\n"
                            "VIRTIOFWD_PID_DIR=/r'u'\"n\"\n");
    assert_int_equal(r->rc, 0);
    assert_string_equal(r->cfg.socket_dir, "/var/lib/vio4wd sockets");
    assert_string_equal(r->cfg.socket_fname_pattern, "vm-%u \"x\".sock");
    assert_string_equal(r->cfg.pid_dir, "/run");
}

static void unterminated_quote_is_an_error_with_line(void **state)
{
    (void)state;
    struct result *r = load("\n\nVIRTIOFWD_SOCKET_DIR='/tmp\n");
    assert_rejected(r, "test.conf:3", "unterminated ' quote");
}

static void unquoted_space_is_an_error(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_SOCKET_DIR=/tmp /var\n");
    assert_rejected(r, "test.conf:1", "VIRTIOFWD_SOCKET_DIR", "'/var'", "quote");
}

static void line_without_assignment_is_an_error(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_LOG_LEVEL=6\nthis is not shell\n");
    assert_rejected(r, "test.conf:2", "expected VARIABLE=value");
}

static void shell_expansion_is_refused(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_SOCKET_DIR=$HOME/sockets\n");
    assert_rejected(r, "test.conf:1", "expansion");
}

static void unknown_variable_warns_and_continues(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_NO_SUCH_THING=1\nVIRTIOFWD_LOG_LEVEL=2\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->n_warnings, 1);
    assert_non_null(strstr(r->warnings, "test.conf:1: unknown variable VIRTIOFWD_NO_SUCH_THING"));
    assert_int_equal(r->cfg.log_level, 2);
}

static void upstream_only_variables_warn_when_set(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_ZERO_COPY=\nVIRTIOFWD_BIND_VFIO_PCI=ens3\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->n_warnings, 1);
    assert_non_null(strstr(r->warnings, "VIRTIOFWD_BIND_VFIO_PCI is not supported"));
}

/* ---- lists: the three spellings of VIRTIOFWD_STATIC_VFS and _CPU_PINS ---- */

static void static_vfs_array_of_three(void **state)
{
    (void)state;
    struct result *r =
        load("VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2 0000:05:08.3=3)\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_static_vfs, 3);
    assert_string_equal(r->cfg.static_vfs[0].device, "0000:05:08.1");
    assert_int_equal(r->cfg.static_vfs[0].relay_id, 1);
    assert_string_equal(r->cfg.static_vfs[2].device, "0000:05:08.3");
    assert_int_equal(r->cfg.static_vfs[2].relay_id, 3);
}

static void static_vfs_array_of_one(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1)\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_static_vfs, 1);
    assert_int_equal(r->cfg.static_vfs[0].relay_id, 1);
}

static void static_vfs_scalar(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_STATIC_VFS=0000:05:08.1=1\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_static_vfs, 1);
    assert_string_equal(r->cfg.static_vfs[0].device, "0000:05:08.1");
}

static void static_vfs_device_strings_and_multiline_array(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_STATIC_VFS=(\n"
                            "  net_null0=0          # throughput sink\n"
                            "  'net_memif1,role=client,socket=/tmp/m1.sock=1'\n"
                            "  05:08.1=2\n"
                            ")\nVIRTIOFWD_LOG_LEVEL=7\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_static_vfs, 3);
    assert_string_equal(r->cfg.static_vfs[0].device, "net_null0");
    assert_string_equal(r->cfg.static_vfs[1].device, "net_memif1,role=client,socket=/tmp/m1.sock");
    assert_int_equal(r->cfg.static_vfs[1].relay_id, 1);
    assert_string_equal(r->cfg.static_vfs[2].device, "05:08.1");
    assert_int_equal(r->cfg.log_level, 7);
}

static void unclosed_array_names_its_first_line(void **state)
{
    (void)state;
    struct result *r = load("\nVIRTIOFWD_STATIC_VFS=(net_null0=0\n net_null1=1\n");
    assert_rejected(r, "test.conf:2", "no closing ')'");
}

static void cpu_pins_three_spellings(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=1-3\nVIRTIOFWD_CPU_PINS=(0:1,1 1:1,2 2:2,1)\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_cpu_pins, 3);
    assert_int_equal(r->cfg.cpu_pins[1].relay_id, 1);
    assert_int_equal(r->cfg.cpu_pins[1].vf_to_vm_cpu, 1);
    assert_int_equal(r->cfg.cpu_pins[1].vm_to_vf_cpu, 2);
    assert_int_equal(check(r), 0);

    r = load("VIRTIOFWD_CPU_PINS=(0:1,1)\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_cpu_pins, 1);

    r = load("VIRTIOFWD_CPU_PINS=0:2\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_cpu_pins, 1);
    assert_int_equal(r->cfg.cpu_pins[0].vf_to_vm_cpu, 2);
    assert_int_equal(r->cfg.cpu_pins[0].vm_to_vf_cpu, 2); /* one CPU serves both */
}

/* issue 13: '!' fixes a pin for the core scheduler */
static void cpu_pins_fixed_mark(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=1-3\nVIRTIOFWD_CPU_PINS=(0:1,2! 1:3 2:2!)\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.n_cpu_pins, 3);
    assert_true(r->cfg.cpu_pins[0].fixed);
    assert_int_equal(r->cfg.cpu_pins[0].vf_to_vm_cpu, 1);
    assert_int_equal(r->cfg.cpu_pins[0].vm_to_vf_cpu, 2);
    assert_false(r->cfg.cpu_pins[1].fixed);
    assert_true(r->cfg.cpu_pins[2].fixed);
    assert_int_equal(r->cfg.cpu_pins[2].vm_to_vf_cpu, 2);
    assert_int_equal(check(r), 0);

    r = load("VIRTIOFWD_CPU_PINS=(0:1!,2)\n");
    assert_rejected(r, "VIRTIOFWD_CPU_PINS='0:1!,2'", "0:1,2!");
    r = load("VIRTIOFWD_CPU_PINS=(0:1!!)\n");
    assert_rejected(r, "VIRTIOFWD_CPU_PINS='0:1!!'", "<relay>:<cpu>[,<cpu>][!]");
    r = load("VIRTIOFWD_CPU_PINS=(0:!)\n");
    assert_rejected(r, "VIRTIOFWD_CPU_PINS='0:!'");
    r = load("VIRTIOFWD_CPU_PINS=(!0:1)\n");
    assert_rejected(r, "VIRTIOFWD_CPU_PINS='!0:1'");
}

/* issue 13: the scheduler's mode, target, excluded workers and budget */
static void core_sched_pack_and_constraints(void **state)
{
    (void)state;
    struct result *r = load("");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.core_sched_mode, 0);
    assert_true(r->cfg.core_sched_pack_target == 0.7);
    assert_int_equal(r->cfg.core_sched_max_migrations, -1);
    assert_int_equal(cpuset_count(&r->cfg.core_sched_exclude), 0);

    r = load("VIO4WD_CORE_SCHED_MODE=pack\nVIO4WD_CORE_SCHED_PACK_TARGET=0.5\n"
             "VIO4WD_CORE_SCHED_EXCLUDE_CPUS=2,4-5\nVIO4WD_CORE_SCHED_MAX_MIGRATIONS=0\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.core_sched_mode, 1);
    assert_true(r->cfg.core_sched_pack_target == 0.5);
    assert_int_equal(r->cfg.core_sched_max_migrations, 0);
    assert_int_equal(cpuset_count(&r->cfg.core_sched_exclude), 3);
    assert_true(cpuset_has(&r->cfg.core_sched_exclude, 4));

    r = load("VIO4WD_CORE_SCHED_MODE=packed\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_MODE='packed'", "spread or pack");
    r = load("VIO4WD_CORE_SCHED_PACK_TARGET=0\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_PACK_TARGET='0'", "> 0", "at most 1");
    r = load("VIO4WD_CORE_SCHED_PACK_TARGET=1.2\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_PACK_TARGET='1.2'", "at most 1");
    r = load("VIO4WD_CORE_SCHED_MAX_MIGRATIONS=-3\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_MAX_MIGRATIONS='-3'", "0 to 65536");
    r = load("VIO4WD_CORE_SCHED_MAX_MIGRATIONS=many\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_MAX_MIGRATIONS='many'");
    r = load("VIO4WD_CORE_SCHED_EXCLUDE_CPUS=2-x\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_EXCLUDE_CPUS='2-x'");
}

static void scalar_variable_given_a_list_is_an_error(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_LOG_LEVEL=(3 4)\n");
    assert_rejected(r, "VIRTIOFWD_LOG_LEVEL", "takes one");
}

/* ---- values: CPU mask --------------------------------------------------- */

static void cpu_mask_forms(void **state)
{
    (void)state;
    const char *forms[][2] = {
        {"1,2", "1-2"}, {"2-5", "2-5"}, {"0x6", "1-2"}, {"0X1f", "0-4"}, {"0,2-3,7", "0,2-3,7"},
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char line[64], mask[64];
        snprintf(line, sizeof(line), "VIRTIOFWD_CPU_MASK=%s\n", forms[i][0]);
        struct result *r = load(line);
        assert_int_equal(r->rc, 0);
        cpuset_format(&r->cfg.cpu_mask, mask, sizeof(mask));
        assert_string_equal(mask, forms[i][1]);
    }
}

static void cpu_mask_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"1,,2", "5-2", "0xg", "0x", "a", "1-", "-1", "1.5", "99999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char line[64];
        snprintf(line, sizeof(line), "VIRTIOFWD_CPU_MASK=%s\n", bad[i]);
        struct result *r = load(line);
        assert_rejected(r, "VIRTIOFWD_CPU_MASK", bad[i]);
    }
}

static void cpu_mask_cpu_that_does_not_exist(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=6-9\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_CPU_MASK", "6-9", "CPU 8 does not exist", "online CPUs: 0-7");
}

/* ---- values: booleans, levels, numbers ---------------------------------- */

static void booleans_accept_upstream_spellings(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_JUMBO=y\nVIRTIOFWD_MRGBUF=TRUE\nVIRTIOFWD_TSO=1\n"
                            "VIRTIOFWD_VHOST_CLIENT=yes\nVIRTIOFWD_DYNAMIC_SOCKETS=off\n"
                            "VIO4WD_CORE_SCHED_ENABLE=true\nVIO4WD_CORE_SCHED_GLOBAL_NUMA_OPT=n\n");
    assert_int_equal(r->rc, 0);
    assert_true(r->cfg.jumbo && r->cfg.mrgbuf && r->cfg.tso && r->cfg.vhost_client);
    assert_true(r->cfg.core_sched_enable);
    assert_false(r->cfg.dynamic_sockets || r->cfg.core_sched_global_numa_opt);
}

static void unknown_boolean_is_rejected(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_JUMBO=maybe\n");
    assert_rejected(r, "test.conf:1", "VIRTIOFWD_JUMBO='maybe'", "not a boolean", "yes");
}

static void log_level_out_of_range(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_LOG_LEVEL=8\n");
    assert_rejected(r, "VIRTIOFWD_LOG_LEVEL='8'", "0", "7");
    r = load("VIO4WD_CORE_SCHED_LOG_LEVEL=-1\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_LOG_LEVEL='-1'");
}

static void sensitivity_and_interval_ranges(void **state)
{
    (void)state;
    struct result *r =
        load("VIO4WD_CORE_SCHED_SENSITIVITY=0\nVIO4WD_CORE_SCHED_POLL_INTERVAL=0.5\n");
    assert_int_equal(r->rc, 0);
    assert_true(r->cfg.core_sched_sensitivity == 0.0);
    assert_true(r->cfg.core_sched_poll_interval == 0.5);

    r = load("VIO4WD_CORE_SCHED_SENSITIVITY=-0.1\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_SENSITIVITY='-0.1'", ">= 0");
    r = load("VIO4WD_CORE_SCHED_SENSITIVITY=nan\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_SENSITIVITY='nan'");
    r = load("VIO4WD_CORE_SCHED_POLL_INTERVAL=0\n");
    assert_rejected(r, "VIO4WD_CORE_SCHED_POLL_INTERVAL='0'", "> 0");
}

static void master_lcore(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_MASTER_LCORE=3\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.master_lcore, 3);
    r = load("VIRTIOFWD_MASTER_LCORE=x\n");
    assert_rejected(r, "VIRTIOFWD_MASTER_LCORE='x'", "CPU number");
    r = load("VIRTIOFWD_MASTER_LCORE=12\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_MASTER_LCORE='12'", "does not exist");
}

/* issue 13: an idle worker's longest sleep; 0 turns sleeping and parking off */
static void worker_sleep_max(void **state)
{
    (void)state;
    struct result *r = load("");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.worker_sleep_max_us, 500);
    r = load("VIRTIOFWD_WORKER_SLEEP_MAX_US=0\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.worker_sleep_max_us, 0);
    r = load("VIRTIOFWD_WORKER_SLEEP_MAX_US=10000\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->cfg.worker_sleep_max_us, 10000);
    r = load("VIRTIOFWD_WORKER_SLEEP_MAX_US=10001\n");
    assert_rejected(r, "VIRTIOFWD_WORKER_SLEEP_MAX_US='10001'", "from 0 (never sleep) to 10000");
    r = load("VIRTIOFWD_WORKER_SLEEP_MAX_US=-1\n");
    assert_rejected(r, "VIRTIOFWD_WORKER_SLEEP_MAX_US='-1'", "microseconds");
    r = load("VIRTIOFWD_WORKER_SLEEP_MAX_US=500us\n");
    assert_rejected(r, "VIRTIOFWD_WORKER_SLEEP_MAX_US='500us'", "microseconds");
}

/* ---- values: PCI addresses and device strings --------------------------- */

static void malformed_pci_addresses(void **state)
{
    (void)state;
    const char *bad[] = {
        "0000:05:08.8=1", /* function > 7 */
        "0000:05:20.1=1", /* slot > 0x1f */
        "0000:5:08.1=1",  /* short bus */
        "000g:05:08.1=1", /* not hex: neither PCI nor a device name */
        "0000:05:08=1",   /* no function */
        "0000:05:08.1.2=1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char line[128];
        snprintf(line, sizeof(line), "VIRTIOFWD_STATIC_VFS=%s\n", bad[i]);
        struct result *r = load(line);
        assert_rejected(r, "VIRTIOFWD_STATIC_VFS", bad[i]);
    }
}

static void static_vf_needs_a_relay_id(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_STATIC_VFS=0000:05:08.1\n");
    assert_rejected(r, "VIRTIOFWD_STATIC_VFS='0000:05:08.1'", "<device>=<relay id>");
    r = load("VIRTIOFWD_STATIC_VFS=net_null0=64\n");
    assert_rejected(r, "relay id '64'", "0 to 63");
    r = load("VIRTIOFWD_STATIC_VFS=net_null0=x\n");
    assert_rejected(r, "relay id 'x'");
}

static void static_vfs_duplicates_are_rejected(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_STATIC_VFS=(net_null0=1 net_null1=1)\n");
    assert_rejected(r, "relay 1 already has VF net_null0");
    r = load("VIRTIOFWD_STATIC_VFS=(net_null0=1 net_null0=2)\n");
    assert_rejected(r, "VF net_null0 is already used by relay 1");
}

/* ---- values: pins -------------------------------------------------------- */

static void malformed_pins(void **state)
{
    (void)state;
    const char *bad[] = {"0:a,b", "0:1,2,3", "0:", "x:1", "1", ":1", "0:1,", "64:1", "0:1;2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char line[128];
        snprintf(line, sizeof(line), "VIRTIOFWD_CPU_PINS='%s'\n", bad[i]);
        struct result *r = load(line);
        if (r->rc != -1)
            fail_msg("pin '%s' was accepted", bad[i]);
        assert_rejected(r, "VIRTIOFWD_CPU_PINS", bad[i], "<relay>:<cpu>[,<cpu>]");
    }
}

static void pin_outside_the_mask_is_rejected(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=1,2\nVIRTIOFWD_CPU_PINS=(0:1,2 1:3)\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "test.conf:2: VIRTIOFWD_CPU_PINS='1:3'", "CPU 3 is not a worker",
                    "VIRTIOFWD_CPU_MASK (1-2)");
}

/* ---- where config_check's errors point (issue 18) ----------------------- */

/* The mask as written and its line, not the normalised set. */
static void mask_error_names_line_and_value_as_written(void **state)
{
    (void)state;
    struct result *r = load("# workers\nVIRTIOFWD_CPU_MASK=0x100000000\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "test.conf:2: VIRTIOFWD_CPU_MASK='0x100000000': CPU 32 does not exist");
    r = load("VIRTIOFWD_MASTER_LCORE=\n\nVIRTIOFWD_MASTER_LCORE=9\n");
    assert_int_equal(check(r), -1);
    assert_rejected(r, "test.conf:3: VIRTIOFWD_MASTER_LCORE='9': CPU 9 does not exist");
}

/* A pin on line 3 of an array that starts on line 1 is reported at line 3. */
static void pin_error_names_its_own_line(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_CPU_PINS=(\n  0:1\n  1:9\n)\n");
    assert_int_equal(check(r), -1);
    assert_rejected(r, "test.conf:4: VIRTIOFWD_CPU_PINS='1:9': CPU 9 does not exist");
}

/* A bad array element on line 2 is reported at line 2 by the parser too. */
static void bad_array_element_names_its_line(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_STATIC_VFS=(net_null0=0\n  net_null1=x)\n");
    assert_rejected(r, "test.conf:2: VIRTIOFWD_STATIC_VFS='net_null1=x'");
    r = load("VIRTIOFWD_CPU_PINS=(0:1\n# a comment\n  garbage)\n");
    assert_rejected(r, "test.conf:3: VIRTIOFWD_CPU_PINS='garbage'");
}

/* An unset mask is not "what the user wrote": say it is the default. */
static void unset_mask_is_called_the_default(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_LOG_LEVEL=6\n");
    struct vio4wd_cpuset host;
    cpuset_clear(&host);
    cpuset_add(&host, 0);
    cpuset_add(&host, 1);
    assert_int_equal(config_check(&r->cfg, &host, r->err, sizeof(r->err)), -1);
    assert_non_null(strstr(r->err, "VIRTIOFWD_CPU_MASK is not set; its default '1,2': "
                                   "CPU 2 does not exist"));
    assert_null(strstr(r->err, "VIRTIOFWD_CPU_MASK='"));
}

/* The command line has no line number, but the value is still as typed. */
static void command_line_value_as_written(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=1\n");
    assert_int_equal(config_set(&r->cfg, "VIRTIOFWD_CPU_MASK", "0x300", r->err, sizeof(r->err)), 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_CPU_MASK='0x300': CPU 8 does not exist");
    assert_null(strstr(r->err, "test.conf"));
}

static void pin_on_a_cpu_that_does_not_exist(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_CPU_PINS=0:1,9\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_CPU_PINS", "CPU 9 does not exist");
}

static void duplicate_pin_is_rejected(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_CPU_PINS=(0:1 0:2)\n");
    assert_rejected(r, "relay 0 is pinned twice");
}

/* ---- values: sockets, paths, endpoints, accounts ------------------------- */

static void socket_pattern_needs_exactly_one_percent_u(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_SOCKET_FNAME_PATTERN=vm.sock\n");
    assert_rejected(r, "VIRTIOFWD_SOCKET_FNAME_PATTERN='vm.sock'", "exactly one %u", "found 0");
    r = load("VIRTIOFWD_SOCKET_FNAME_PATTERN=vm%u-%u.sock\n");
    assert_rejected(r, "exactly one %u", "found 2");
    r = load("VIRTIOFWD_SOCKET_FNAME_PATTERN=vm%s%u.sock\n");
    assert_rejected(r, "'%s'");
    r = load("VIRTIOFWD_SOCKET_FNAME_PATTERN=100%%-vm%u.sock\n");
    assert_int_equal(r->rc, 0);
}

static void socket_path_is_built_from_dir_and_pattern(void **state)
{
    (void)state;
    struct result *r =
        load("VIRTIOFWD_SOCKET_DIR=/run/vio/\nVIRTIOFWD_SOCKET_FNAME_PATTERN=vm%u.sock\n");
    char path[128];
    assert_int_equal(r->rc, 0);
    assert_int_equal(config_socket_path(&r->cfg, 7, path, sizeof(path)), 0);
    assert_string_equal(path, "/run/vio/vm7.sock");
    config_init(&r->cfg);
    assert_int_equal(config_socket_path(&r->cfg, 3, path, sizeof(path)), 0);
    assert_string_equal(path, "/tmp/virtio-forwarder3.sock");
}

static void socket_dir_too_long_for_a_unix_socket(void **state)
{
    (void)state;
    char text[300];
    snprintf(text, sizeof(text), "VIRTIOFWD_SOCKET_DIR=/%0100d\n", 0);
    struct result *r = load(text);
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_SOCKET_DIR", "unix socket");
}

static void relative_path_is_rejected(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_PID_DIR=run\n");
    assert_rejected(r, "VIRTIOFWD_PID_DIR='run'", "absolute path");
}

static void endpoints(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_ZMQ_STATS_EP=tcp://127.0.0.1:5555\n"
                            "VIRTIOFWD_ZMQ_CONFIG_EP=ipc:///tmp/cfg\n");
    assert_int_equal(r->rc, 0);
    assert_string_equal(r->cfg.zmq_stats_ep, "tcp://127.0.0.1:5555");
    assert_string_equal(r->cfg.zmq_config_ep, "ipc:///tmp/cfg");
    r = load("VIRTIOFWD_ZMQ_CORE_SCHED_EP=/var/run/core_sched\n");
    assert_rejected(r, "VIRTIOFWD_ZMQ_CORE_SCHED_EP='/var/run/core_sched'", "ipc://");
    r = load("VIRTIOFWD_ZMQ_STATS_EP=ipc://\n");
    assert_rejected(r, "VIRTIOFWD_ZMQ_STATS_EP='ipc://'");
}

static void tcp_endpoints_need_to_be_allowed(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_ZMQ_CORE_SCHED_EP=tcp://0.0.0.0:5555\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_ZMQ_CORE_SCHED_EP='tcp://0.0.0.0:5555'", "network",
                    "VIO4WD_ZMQ_ALLOW_TCP=y");
    r = load("VIRTIOFWD_ZMQ_CORE_SCHED_EP=tcp://0.0.0.0:5555\nVIO4WD_ZMQ_ALLOW_TCP=y\n");
    assert_int_equal(check(r), 0);
}

static void socket_owner_and_group(void **state)
{
    (void)state;
    struct result *r = load("VIRTIOFWD_SOCKET_OWNER=libvirt-qemu\nVIRTIOFWD_SOCKET_GROUP=107\n");
    assert_int_equal(r->rc, 0);
    assert_string_equal(r->cfg.socket_owner, "libvirt-qemu");
    assert_string_equal(r->cfg.socket_group, "107");
    r = load("VIRTIOFWD_SOCKET_OWNER='Bad User'\n");
    assert_rejected(r, "VIRTIOFWD_SOCKET_OWNER='Bad User'", "user or group name");
}

static void ovsdb_and_zmq_port_control_are_exclusive(void **state)
{
    (void)state;
    struct result *r =
        load("VIRTIOFWD_IPC_PORT_CONTROL=y\nVIRTIOFWD_OVSDB_SOCK_PATH=/run/db.sock\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_OVSDB_SOCK_PATH", "IPC command file");
    r = load(
        "VIRTIOFWD_ZMQ_PORT_CONTROL_EP=ipc:///run/pc\nVIRTIOFWD_OVSDB_SOCK_PATH=/run/db.sock\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), -1);
    assert_rejected(r, "VIRTIOFWD_OVSDB_SOCK_PATH", "ZeroMQ");
    /* Upstream's shipped file sets both of these: ZeroMQ wins, no error. */
    r = load("VIRTIOFWD_IPC_PORT_CONTROL=y\nVIRTIOFWD_ZMQ_PORT_CONTROL_EP=ipc:///run/pc\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(check(r), 0);
}

/* ---- overrides ---------------------------------------------------------- */

static void command_line_overrides_file(void **state)
{
    (void)state;
    struct result *r =
        load("VIRTIOFWD_CPU_MASK=1-7\nVIRTIOFWD_CPU_PINS=0:7\nVIRTIOFWD_LOG_LEVEL=3\n");
    char err[256];
    assert_int_equal(r->rc, 0);
    assert_int_equal(config_set(&r->cfg, "VIRTIOFWD_LOG_LEVEL", "7", err, sizeof(err)), 0);
    assert_int_equal(config_set(&r->cfg, "VIRTIOFWD_CPU_MASK", "1,2", err, sizeof(err)), 0);
    assert_int_equal(config_set(&r->cfg, "VIRTIOFWD_CPU_PINS", "0:1,2 1:2", err, sizeof(err)), 0);
    assert_int_equal(r->cfg.log_level, 7);
    assert_int_equal(r->cfg.n_cpu_pins, 2);
    assert_int_equal(check(r), 0); /* the file's pin on CPU 7 is gone */
}

static void config_set_reports_unknown_and_bad(void **state)
{
    (void)state;
    struct vio4wd_config cfg;
    char err[256];
    config_init(&cfg);
    assert_int_equal(config_set(&cfg, "NOT_A_VARIABLE", "1", err, sizeof(err)), 1);
    assert_int_equal(config_set(&cfg, "VIRTIOFWD_TSO", "perhaps", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "VIRTIOFWD_TSO='perhaps'"));
    assert_false(cfg.tso);
}

static void failed_list_leaves_previous_value(void **state)
{
    (void)state;
    struct vio4wd_config cfg;
    char err[256];
    config_init(&cfg);
    assert_int_equal(config_set(&cfg, "VIRTIOFWD_STATIC_VFS", "net_null0=0", err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "VIRTIOFWD_STATIC_VFS", "net_null1=1 bad", err, sizeof(err)),
                     -1);
    assert_int_equal(cfg.n_static_vfs, 1);
    assert_string_equal(cfg.static_vfs[0].device, "net_null0");
}

static void load_file_missing(void **state)
{
    (void)state;
    struct vio4wd_config cfg;
    char err[256];
    config_init(&cfg);
    assert_int_equal(
        config_load_file(&cfg, "/nonexistent/virtioforwarder", NULL, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/virtioforwarder"));
}

static void load_file_reads_a_real_file(void **state)
{
    (void)state;
    char path[] = "/tmp/vio4wd-config-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "VIRTIOFWD_CPU_MASK=0x3\nVIRTIOFWD_STATIC_VFS=(net_null0=0 net_null1=1)\n";
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    close(fd);

    struct vio4wd_config cfg;
    char err[256];
    config_init(&cfg);
    int rc = config_load_file(&cfg, path, NULL, NULL, err, sizeof(err));
    unlink(path);
    assert_int_equal(rc, 0);
    assert_int_equal(cfg.n_static_vfs, 2);
    assert_true(cpuset_has(&cfg.cpu_mask, 0) && cpuset_has(&cfg.cpu_mask, 1));
}

static void variable_names_are_listed(void **state)
{
    (void)state;
    size_t n = 0;
    bool saw_mask = false;
    for (const char *const *name = config_variable_names(); *name; name++, n++)
        saw_mask = saw_mask || strcmp(*name, "VIRTIOFWD_CPU_MASK") == 0;
    assert_true(saw_mask);
    assert_true(n >= 27);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_follow_upstream),
        cmocka_unit_test(blank_values_mean_default),
        cmocka_unit_test(shipped_default_file_parses),
        cmocka_unit_test(comments_blank_lines_and_export),
        cmocka_unit_test(single_and_double_quotes),
        cmocka_unit_test(unterminated_quote_is_an_error_with_line),
        cmocka_unit_test(unquoted_space_is_an_error),
        cmocka_unit_test(line_without_assignment_is_an_error),
        cmocka_unit_test(shell_expansion_is_refused),
        cmocka_unit_test(unknown_variable_warns_and_continues),
        cmocka_unit_test(upstream_only_variables_warn_when_set),
        cmocka_unit_test(static_vfs_array_of_three),
        cmocka_unit_test(static_vfs_array_of_one),
        cmocka_unit_test(static_vfs_scalar),
        cmocka_unit_test(static_vfs_device_strings_and_multiline_array),
        cmocka_unit_test(unclosed_array_names_its_first_line),
        cmocka_unit_test(cpu_pins_three_spellings),
        cmocka_unit_test(scalar_variable_given_a_list_is_an_error),
        cmocka_unit_test(cpu_mask_forms),
        cmocka_unit_test(cpu_mask_malformed),
        cmocka_unit_test(cpu_mask_cpu_that_does_not_exist),
        cmocka_unit_test(booleans_accept_upstream_spellings),
        cmocka_unit_test(unknown_boolean_is_rejected),
        cmocka_unit_test(log_level_out_of_range),
        cmocka_unit_test(sensitivity_and_interval_ranges),
        cmocka_unit_test(master_lcore),
        cmocka_unit_test(worker_sleep_max),
        cmocka_unit_test(malformed_pci_addresses),
        cmocka_unit_test(static_vf_needs_a_relay_id),
        cmocka_unit_test(static_vfs_duplicates_are_rejected),
        cmocka_unit_test(malformed_pins),
        cmocka_unit_test(pin_outside_the_mask_is_rejected),
        cmocka_unit_test(pin_on_a_cpu_that_does_not_exist),
        cmocka_unit_test(duplicate_pin_is_rejected),
        cmocka_unit_test(socket_pattern_needs_exactly_one_percent_u),
        cmocka_unit_test(socket_path_is_built_from_dir_and_pattern),
        cmocka_unit_test(socket_dir_too_long_for_a_unix_socket),
        cmocka_unit_test(relative_path_is_rejected),
        cmocka_unit_test(endpoints),
        cmocka_unit_test(tcp_endpoints_need_to_be_allowed),
        cmocka_unit_test(socket_owner_and_group),
        cmocka_unit_test(ovsdb_and_zmq_port_control_are_exclusive),
        cmocka_unit_test(command_line_overrides_file),
        cmocka_unit_test(mask_error_names_line_and_value_as_written),
        cmocka_unit_test(pin_error_names_its_own_line),
        cmocka_unit_test(bad_array_element_names_its_line),
        cmocka_unit_test(unset_mask_is_called_the_default),
        cmocka_unit_test(command_line_value_as_written),
        cmocka_unit_test(config_set_reports_unknown_and_bad),
        cmocka_unit_test(failed_list_leaves_previous_value),
        cmocka_unit_test(load_file_missing),
        cmocka_unit_test(load_file_reads_a_real_file),
        cmocka_unit_test(variable_names_are_listed),
        cmocka_unit_test(cpu_pins_fixed_mark),
        cmocka_unit_test(core_sched_pack_and_constraints),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
