/* SPDX-License-Identifier: BSD-3-Clause */
/* telemetry.c - the /vio4wd/... commands on DPDK's telemetry socket (see
 * telemetry.h). */
#include "telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>
#include <rte_version.h>

#include "direction.h"
#include "counters_writer.h"
#include "counters.h"
#include "pause_hist.h"
#include "relay.h"
#include "vio4wd_build_config.h"

/* A consistent copy of the counters, as any reader takes it; NULL when
 * they cannot be read (the relay is starting or stopping). The caller frees. */
static struct vio4wd_counters_snapshot *read_counters(void)
{
    struct vio4wd_counters_snapshot *s = malloc(sizeof(*s));
    char err[256];
    struct vio4wd_counters *c = vio4wd_counters_open(vio4wd_counters_path(), err, sizeof(err));

    if (!s || !c || vio4wd_counters_snapshot(c, s) != 0) {
        free(s);
        s = NULL;
    }
    vio4wd_counters_close(c);
    return s;
}

static int cmd_version(const char *cmd, const char *params, struct rte_tel_data *d)
{
    (void)cmd;
    (void)params;
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "version", VIO4WD_VERSION);
    rte_tel_data_add_dict_string(d, "dpdk", rte_version());
    rte_tel_data_add_dict_int(d, "counters_layout", VIO4WD_CNT_VERSION);
    return 0;
}

static int cmd_relays(const char *cmd, const char *params, struct rte_tel_data *d)
{
    struct relay_info *ri = calloc(VIO4WD_MAX_RELAYS, sizeof(*ri));
    (void)cmd;
    (void)params;

    if (!ri)
        return -ENOMEM;
    unsigned n = relay_snapshot(ri, VIO4WD_MAX_RELAYS, false);
    rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
    for (unsigned i = 0; i < n; i++)
        rte_tel_data_add_array_int(d, (int)ri[i].id);
    free(ri);
    return 0;
}

/* "vf_to_vm_rx_pkts": telemetry dict keys are flat (no nested dicts). */
static void add_dir_u64(struct rte_tel_data *d, int dir, const char *name, uint64_t v)
{
    char key[64];
    snprintf(key, sizeof(key), "%s_%s", vio4wd_dir_name(dir), name);
    rte_tel_data_add_dict_u64(d, key, v);
}

static void add_dir(struct rte_tel_data *d, int dir, const struct vio4wd_cnt_dir *c)
{
    char key[64];
    snprintf(key, sizeof(key), "%s_cpu", vio4wd_dir_name(dir));
    rte_tel_data_add_dict_int(d, key, c->cpu);
    add_dir_u64(d, dir, "rx_pkts", c->rx_pkts);
    add_dir_u64(d, dir, "rx_bytes", c->rx_bytes);
    add_dir_u64(d, dir, "tx_pkts", c->tx_pkts);
    add_dir_u64(d, dir, "tx_bytes", c->tx_bytes);
    add_dir_u64(d, dir, "drop_queue_full_pkts", c->drop_full_pkts);
    add_dir_u64(d, dir, "drop_not_connected_pkts", c->drop_nc_pkts);
    add_dir_u64(d, dir, "busy_cycles", c->busy_cycles);
    add_dir_u64(d, dir, "migrations", c->migrations);
    add_dir_u64(d, dir, "handover_pauses", vio4wd_pause_count(c));
    add_dir_u64(d, dir, "handover_pause_max_cycles", c->pause_max_cycles);
    add_dir_u64(d, dir, "handover_pause_last_cycles", c->pause_last_cycles);
}

/* "vf_to_vm_handover_pause_hist": counts per bucket of pause_hist.h (edges
 * 1, 2, 4, ... 1024 us, then over); cycles convert with tsc_hz. */
static void add_pause_hist(struct rte_tel_data *d, const struct vio4wd_cnt_dir *c, int dir)
{
    struct rte_tel_data *a = rte_tel_data_alloc();
    char key[64];

    if (!a)
        return;
    rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
    for (unsigned i = 0; i < VIO4WD_CNT_PAUSE_BUCKETS; i++)
        rte_tel_data_add_array_u64(a, c->pause_hist[i]);
    snprintf(key, sizeof(key), "%s_handover_pause_hist", vio4wd_dir_name(dir));
    if (rte_tel_data_add_dict_container(d, key, a, 0) != 0)
        rte_tel_data_free(a);
}

/* "vf_to_vm_queue_rx_pkts": [q0, q1, ...], one list per field, for the
 * queues in use (and any that counted before the guest reduced them). */
static void add_queues(struct rte_tel_data *d, const struct vio4wd_counters_snapshot *s,
                       unsigned id, int dir)
{
    unsigned n = vio4wd_counters_queues_shown(s, id, (unsigned)dir);

    for (int bytes = 0; bytes < 2; bytes++) {
        struct rte_tel_data *a = rte_tel_data_alloc();
        char key[64];
        if (!a)
            return;
        rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
        for (unsigned q = 0; q < n; q++) {
            const struct vio4wd_cnt_queue *c = &s->queues[id][dir].q[q];
            rte_tel_data_add_array_u64(a, bytes ? c->rx_bytes : c->rx_pkts);
        }
        snprintf(key, sizeof(key), "%s_queue_%s", vio4wd_dir_name(dir),
                 bytes ? "rx_bytes" : "rx_pkts");
        if (rte_tel_data_add_dict_container(d, key, a, 0) != 0)
            rte_tel_data_free(a);
    }
}

/* Parses the <id> of /vio4wd/relay,<id>: a whole decimal number of a relay. */
static int parse_relay_id(const char *params, unsigned *id)
{
    char *end;

    if (!params || params[0] < '0' || params[0] > '9')
        return -EINVAL;
    errno = 0;
    unsigned long v = strtoul(params, &end, 10);
    if (errno || *end != '\0' || v >= VIO4WD_MAX_RELAYS)
        return -EINVAL;
    *id = (unsigned)v;
    return 0;
}

static int cmd_relay(const char *cmd, const char *params, struct rte_tel_data *d)
{
    struct relay_info *ri = calloc(VIO4WD_MAX_RELAYS, sizeof(*ri));
    struct vio4wd_counters_snapshot *s = NULL;
    const struct relay_info *r = NULL;
    unsigned id;
    int rc = 0;
    (void)cmd;

    if (!ri)
        return -ENOMEM;
    if (parse_relay_id(params, &id) != 0) {
        rc = -EINVAL; /* the client sees null: no such relay id */
        goto out;
    }
    unsigned n = relay_snapshot(ri, VIO4WD_MAX_RELAYS, false);
    for (unsigned i = 0; i < n && !r; i++)
        if (ri[i].id == id)
            r = &ri[i];
    s = read_counters();
    if (!r || !s) {
        rc = -ENOENT;
        goto out;
    }
    const struct vio4wd_cnt_relay *c = &s->relay[id];
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_int(d, "id", (int)id);
    rte_tel_data_add_dict_int(d, "numa_node", r->numa_node);
    rte_tel_data_add_dict_int(d, "vf_ready", r->vf_ready);
    rte_tel_data_add_dict_int(d, "guest_up", r->guest_up);
    rte_tel_data_add_dict_u64(d, "guest_features", r->features);
    rte_tel_data_add_dict_int(d, "queue_pairs", r->n_queues);
    /* Strings longer than RTE_TEL_MAX_STRING_LEN arrive truncated. */
    rte_tel_data_add_dict_string(d, "vf", r->vf_dev[0] ? r->vf_dev : "-");
    rte_tel_data_add_dict_string(d, "vhost", r->vhost_path[0] ? r->vhost_path : "-");
    for (int k = 0; k < VIO4WD_DIR_COUNT; k++) {
        add_dir(d, k, &c->dir[k]);
        add_queues(d, s, id, k);
        add_pause_hist(d, &c->dir[k], k);
    }
    rte_tel_data_add_dict_u64(d, "vf_imissed", c->vf.imissed);
    rte_tel_data_add_dict_u64(d, "vf_rx_nombuf", c->vf.rx_nombuf);
    rte_tel_data_add_dict_u64(d, "vf_oerrors", c->vf.oerrors);
    rte_tel_data_add_dict_u64(d, "tsc_hz", s->header.tsc_hz);
out:
    free(s);
    free(ri);
    return rc;
}

enum {
    COL_CPU,
    COL_NUMA,
    COL_DIRS,
    COL_BUSY,
    COL_IDLE,
    COL_LOOPS,
    COL_PARKED,
    COL_PARKS,
    COL_SLEEP,
    N_COLS
};

static int cmd_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
    static const char *const names[N_COLS] = {"cpu",         "numa_node",   "directions",
                                              "busy_cycles", "idle_cycles", "loops",
                                              "parked",      "parks",       "sleep_cycles"};
    struct vio4wd_counters_snapshot *s = read_counters();
    struct rte_tel_data *col[N_COLS] = {NULL};
    int rc = 0;
    (void)cmd;
    (void)params;

    if (!s)
        return -ENOENT;
    for (int k = 0; k < N_COLS; k++) {
        col[k] = rte_tel_data_alloc();
        if (!col[k]) {
            rc = -ENOMEM;
            goto out;
        }
        rte_tel_data_start_array(col[k], k == COL_NUMA ? RTE_TEL_INT_VAL : RTE_TEL_U64_VAL);
    }
    /* One list per field, in worker order: a table without nested dicts,
     * which the telemetry format does not have. */
    for (uint32_t i = 0; i < s->header.n_workers && i < VIO4WD_CNT_MAX_WORKERS; i++) {
        const struct vio4wd_cnt_worker *w = &s->worker[i];
        rte_tel_data_add_array_u64(col[COL_CPU], w->cpu);
        rte_tel_data_add_array_int(col[COL_NUMA], w->numa_node);
        rte_tel_data_add_array_u64(col[COL_DIRS], w->n_dirs);
        rte_tel_data_add_array_u64(col[COL_BUSY], w->busy_cycles);
        rte_tel_data_add_array_u64(col[COL_IDLE], w->idle_cycles);
        rte_tel_data_add_array_u64(col[COL_LOOPS], w->loops);
        rte_tel_data_add_array_u64(col[COL_PARKED], w->parked);
        rte_tel_data_add_array_u64(col[COL_PARKS], w->parks);
        rte_tel_data_add_array_u64(col[COL_SLEEP], w->sleep_cycles);
    }
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "tsc_hz", s->header.tsc_hz);
    for (int k = 0; k < N_COLS; k++) {
        if (rte_tel_data_add_dict_container(d, names[k], col[k], 0) != 0)
            rte_tel_data_free(col[k]);
        col[k] = NULL; /* the dict owns it now */
    }
out:
    for (int k = 0; k < N_COLS; k++)
        rte_tel_data_free(col[k]);
    free(s);
    return rc;
}

int telemetry_register(char *err, size_t errlen)
{
    static const struct {
        const char *cmd;
        telemetry_cb fn;
        const char *help;
    } cmds[] = {
        {"/vio4wd/version", cmd_version, "Returns the vio4wd, DPDK and counters layout versions."},
        {"/vio4wd/relays", cmd_relays, "Returns the ids of the relays in use."},
        {"/vio4wd/relay", cmd_relay,
         "Returns one relay's state, guest features, VF, CPUs and counters, with what "
         "each queue pair received. "
         "Parameters: int relay_id"},
        {"/vio4wd/workers", cmd_workers,
         "Returns the workers: cpu, numa_node, directions, busy/idle cycles and loops, "
         "one list per field."},
    };

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help) != 0) {
            snprintf(err, errlen, "cannot register telemetry command %s", cmds[i].cmd);
            return -1;
        }
    return 0;
}
