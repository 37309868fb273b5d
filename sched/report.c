/* SPDX-License-Identifier: BSD-3-Clause */
/* report.c - JSON line and per-core table for a decision (see report.h). */
#include "report.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/topology.h"

/* Six significant digits: loads are estimates, and 17 digits of noise make
 * the lines hard to read and to diff. */
static json_object *num(double v)
{
    char buf[32];
    if (!isfinite(v))
        return NULL; /* null: never happens for a valid decision */
    snprintf(buf, sizeof(buf), "%.6g", v);
    return json_object_new_double_s(v, buf);
}

void report_json(FILE *fp, const struct sched_decision *d, bool applied, const char *error)
{
    json_object *root = json_object_new_object();
    json_object *nodes = json_object_new_array();
    json_object *moves = json_object_new_array();
    double lb = 0.0, greedy = 0.0, solve_ms = 0.0;

    for (int k = 0; k < d->n_nodes; k++) {
        const struct sched_node_result *r = &d->nodes[k];
        json_object *n = json_object_new_object();

        json_object_object_add(n, "numa", json_object_new_int(r->numa));
        if (r->local.n > 0) {
            json_object *set = json_object_new_array();
            for (int i = 0; i < r->local.n; i++)
                json_object_array_add(set, json_object_new_int(r->local.numa[i]));
            json_object_object_add(n, "numa_set", set);
        }
        json_object_object_add(n, "workers", json_object_new_int(r->n_workers));
        json_object_object_add(n, "jobs", json_object_new_int(r->n_jobs));
        json_object_object_add(n, "current_makespan", num(r->current_makespan));
        json_object_object_add(n, "makespan", num(r->makespan));
        json_object_object_add(n, "lower_bound", num(r->lower_bound));
        json_object_object_add(n, "greedy_makespan", num(r->greedy_makespan));
        json_object_object_add(n, "least_makespan", num(r->least_makespan));
        json_object_object_add(n, "solve_ms", num(r->solve_ms));
        json_object_object_add(n, "solved", json_object_new_boolean(r->solved));
        if (isfinite(r->budget_ms))
            json_object_object_add(n, "budget_ms", num(r->budget_ms));
        json_object_object_add(n, "cut", json_object_new_boolean(r->cut));
        json_object_object_add(n, "proposed", json_object_new_int(r->proposed));
        json_object_object_add(n, "greedy_migrations", json_object_new_int(r->greedy_migrations));
        json_object_object_add(n, "act", json_object_new_boolean(r->act));
        json_object_object_add(n, "active", json_object_new_int(r->active));
        json_object_object_add(n, "parked", json_object_new_int(r->parked));
        json_object_object_add(n, "reason", json_object_new_string(r->reason));
        if (r->hysteresis.valid) {
            json_object *h = json_object_new_object();
            json_object_object_add(h, "why", json_object_new_string(r->hysteresis.why));
            json_object_object_add(h, "noise", num(r->hysteresis.noise));
            json_object_object_add(h, "excess", num(r->hysteresis.excess));
            json_object_object_add(h, "accumulated", num(r->hysteresis.accumulated));
            json_object_object_add(h, "threshold", num(r->hysteresis.threshold));
            json_object_object_add(n, "hysteresis", h);
        }
        json_object_array_add(nodes, n);
        if (r->lower_bound > lb)
            lb = r->lower_bound;
        if (r->greedy_makespan > greedy)
            greedy = r->greedy_makespan;
        solve_ms += r->solve_ms;
    }
    for (int k = 0; k < d->n_moves; k++) {
        const struct sched_move *m = &d->moves[k];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "relay", json_object_new_int(m->relay));
        json_object_object_add(o, "dir", json_object_new_string(vio4wd_dir_name(m->dir)));
        json_object_object_add(o, "from", json_object_new_int(m->from));
        json_object_object_add(o, "to", json_object_new_int(m->to));
        json_object_array_add(moves, o);
    }

    json_object *parked = json_object_new_array();
    for (int k = 0; k < d->n_parked; k++)
        json_object_array_add(parked, json_object_new_int(d->parked[k]));

    json_object_object_add(root, "t", num(d->t));
    json_object_object_add(root, "mode", json_object_new_string(sched_mode_name(d->mode)));
    json_object_object_add(root, "applied", json_object_new_boolean(applied));
    json_object_object_add(root, "act", json_object_new_boolean(d->act));
    json_object_object_add(root, "current_makespan", num(d->current_makespan));
    json_object_object_add(root, "makespan", num(d->makespan));
    json_object_object_add(root, "lower_bound", num(lb));
    json_object_object_add(root, "greedy_makespan", num(greedy));
    json_object_object_add(root, "solve_ms", num(solve_ms));
    json_object_object_add(root, "elapsed_ms", num(d->elapsed_ms));
    json_object_object_add(root, "deadline_ms", num(d->deadline_ms));
    json_object_object_add(root, "cut", json_object_new_boolean(d->cut));
    json_object_object_add(root, "nodes", nodes);
    json_object_object_add(root, "migrations", moves);
    json_object_object_add(root, "parked", parked);
    if (d->notes[0] != '\0')
        json_object_object_add(root, "notes", json_object_new_string(d->notes));
    if (error != NULL)
        json_object_object_add(root, "error", json_object_new_string(error));

    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN), fp);
    fputc('\n', fp);
    fflush(fp);
    json_object_put(root);
}

/* CPU of relay r's direction dir after the decision's moves. */
static int cpu_after(const struct sched_decision *d, const struct sched_relay *r, int dir)
{
    for (int k = 0; k < d->n_moves; k++)
        if (d->moves[k].relay == r->id && d->moves[k].dir == dir)
            return d->moves[k].to;
    return r->cpu[dir];
}

/* "r3>vm 0.42 r7>vf 0.10": '>vm' is VF->VM, '>vf' VM->VF. */
static void list_dirs(const struct sched_state *st, const struct sched_decision *d, int cpu,
                      bool after, char *buf, size_t size, double *total)
{
    size_t len = 0;

    buf[0] = '\0';
    *total = 0.0;
    for (int i = 0; i < st->n_relays; i++) {
        const struct sched_relay *r = &st->relays[i];
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
            int c = after ? cpu_after(d, r, dir) : r->cpu[dir];
            int n;
            if (c != cpu)
                continue;
            *total += r->load[dir];
            if (len >= size)
                continue;
            n = snprintf(buf + len, size - len, "%sr%d>%s %.2f", len ? " " : "", r->id,
                         dir == VIO4WD_DIR_VF_TO_VM ? "vm" : "vf", r->load[dir]);
            if (n > 0)
                len += (size_t)n;
        }
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "-");
}

void report_table(const struct sched_state *st, const struct sched_decision *d,
                  const struct model_topology *topo, report_emit_fn *emit, void *opaque)
{
    char line[1024], before[384], after[384];

    emit("  cpu node core  before  after   directions before | after "
         "(rN>vm: VF->VM, rN>vf: VM->VF)",
         opaque);
    for (int i = 0; i < st->n_workers; i++) {
        struct model_cpu_info info = {.numa = -1, .core = -1};
        double lb, la;

        model_topology_cpu(topo, st->workers[i], &info, NULL, 0);
        list_dirs(st, d, st->workers[i], false, before, sizeof(before), &lb);
        list_dirs(st, d, st->workers[i], true, after, sizeof(after), &la);
        /* "-" after: nothing left on the worker, which parks */
        snprintf(line, sizeof(line), "%5d %4d %4d  %6.3f %6.3f   %s | %s%s", st->workers[i],
                 info.numa, info.core, lb, la, before, after,
                 strcmp(after, "-") == 0 ? " (parked)" : "");
        emit(line, opaque);
    }
}
