/* SPDX-License-Identifier: BSD-3-Clause */
/* replay.c - decisions over a recorded or generated trace (see replay.h). */
#include "replay.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "trace.h"

void replay_init(struct replay *r)
{
    memset(r, 0, sizeof(*r));
}

void replay_free(struct replay *r)
{
    sched_state_free(&r->mapping);
    sched_hysteresis_free(r->memory);
    r->memory = NULL;
}

static bool is_worker(const struct sched_state *st, int cpu)
{
    for (int i = 0; i < st->n_workers; i++)
        if (st->workers[i] == cpu)
            return true;
    return false;
}

static const struct sched_relay *find_relay(const struct sched_state *st, int id)
{
    for (int i = 0; i < st->n_relays; i++)
        if (st->relays[i].id == id)
            return &st->relays[i];
    return NULL;
}

int replay_step(struct replay *r, struct sched_state *st, const struct model_topology *topo,
                const struct sched_params *p, struct sched_decision *d, char *err, size_t errlen)
{
    struct sched_state next;

    for (int i = 0; i < st->n_relays; i++) {
        struct sched_relay *rel = &st->relays[i];
        const struct sched_relay *prev = find_relay(&r->mapping, rel->id);
        if (prev == NULL)
            continue;
        for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++)
            if (prev->cpu[dir] >= 0 && is_worker(st, prev->cpu[dir]))
                rel->cpu[dir] = prev->cpu[dir];
    }
    if (r->memory == NULL && (r->memory = sched_hysteresis_new()) == NULL)
        return sched_fail(err, errlen, "out of memory");
    if (sched_decide(st, topo, p, r->memory, d, err, errlen) < 0)
        return -1;

    if (sched_state_copy(&next, st) < 0) {
        sched_decision_free(d);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sched_apply_moves(&next, d);
    sched_state_free(&r->mapping);
    r->mapping = next;
    r->steps++;
    if (d->act) {
        r->applied++;
        r->migrations += (unsigned long)d->n_moves;
    }
    return 0;
}

int replay_run(FILE *in, const char *name, FILE *out, const struct model_topology *topo,
               const struct sched_params *p, replay_step_fn *step, void *opaque, char *err,
               size_t errlen)
{
    struct trace_reader tr;
    struct replay r;
    int ret = 0;

    trace_reader_init(&tr, in, name);
    replay_init(&r);
    for (;;) {
        struct sched_state st;
        struct sched_decision d;
        char msg[512];
        int got = trace_next(&tr, &st, err, errlen);

        if (got <= 0) {
            ret = got;
            break;
        }
        if (replay_step(&r, &st, topo, p, &d, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "%s:%lu: %s", name, tr.line_no, msg);
            sched_state_free(&st);
            ret = -1;
            break;
        }
        if (out != NULL)
            report_json(out, &d, d.act, NULL);
        if (step != NULL && step(&st, &d, opaque) != 0) {
            sched_decision_free(&d);
            sched_state_free(&st);
            break;
        }
        sched_decision_free(&d);
        sched_state_free(&st);
    }
    /* A trace with no state (an empty file, a recorder that only wrote
     * its header) would otherwise "replay" into no output and exit 0,
     * which a script cannot tell from success. */
    if (ret == 0 && r.steps == 0)
        ret = sched_fail(err, errlen, "%s:%lu: end of the trace, but no state line before it (%s)",
                         name, tr.line_no + 1,
                         tr.line_no == 0 ? "the trace is empty" : "only blank lines and comments");
    trace_reader_free(&tr);
    replay_free(&r);
    return ret;
}
