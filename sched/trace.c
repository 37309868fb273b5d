/* SPDX-License-Identifier: BSD-3-Clause */
/* trace.c - JSON-lines trace reader (format in trace.h). */
#include "trace.h"

#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static bool is_number(const json_object *o)
{
    return json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double);
}

/* A finite number. */
static int get_real(const json_object *o, const char *what, double *out, char *err, size_t errlen)
{
    if (!is_number(o))
        return sched_fail(err, errlen, "%s: expected a number, got %s", what,
                          json_type_to_name(json_object_get_type(o)));
    *out = json_object_get_double(o);
    if (!isfinite(*out))
        return sched_fail(err, errlen, "%s: %g is not a finite number", what, *out);
    return 0;
}

/* An integer in [min, max]; 3.0 is accepted as 3, 3.5 is not. */
static int get_int(const json_object *o, const char *what, int min, int max, int *out, char *err,
                   size_t errlen)
{
    double v;

    if (get_real(o, what, &v, err, errlen) < 0)
        return -1;
    if (json_object_is_type(o, json_type_int)) {
        int64_t i = json_object_get_int64(o);
        if (i < min || i > max)
            return sched_fail(err, errlen, "%s: %lld is out of range [%d, %d]", what, (long long)i,
                              min, max);
        *out = (int)i;
        return 0;
    }
    if (v != floor(v) || v < min || v > max)
        return sched_fail(err, errlen, "%s: %g is not an integer in [%d, %d]", what, v, min, max);
    *out = (int)v;
    return 0;
}

/* A CPU: a number >= -1, or null / absent for "none". */
static int get_cpu(const json_object *parent, const char *key, const char *what, int *out,
                   char *err, size_t errlen)
{
    json_object *o;

    *out = -1;
    if (!json_object_object_get_ex(parent, key, &o) || o == NULL)
        return 0;
    return get_int(o, what, -1, INT_MAX, out, err, errlen);
}

static int parse_workers(json_object *arr, struct sched_state *st, char *err, size_t errlen)
{
    size_t n;

    if (!json_object_is_type(arr, json_type_array))
        return sched_fail(err, errlen, "\"workers\": expected an array of CPU numbers");
    n = json_object_array_length(arr);
    if (n > TRACE_MAX_WORKERS)
        return sched_fail(err, errlen, "\"workers\": %zu entries, at most %d", n,
                          TRACE_MAX_WORKERS);
    st->workers = malloc(sizeof(int) * (n ? n : 1));
    if (st->workers == NULL)
        return sched_fail(err, errlen, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *w = json_object_array_get_idx(arr, i), *cpu = w;
        char what[64];

        snprintf(what, sizeof(what), "workers[%zu]", i);
        /* The stats tool may describe each worker as an object. */
        if (json_object_is_type(w, json_type_object) && !json_object_object_get_ex(w, "cpu", &cpu))
            return sched_fail(err, errlen, "%s: an object without \"cpu\"", what);
        if (get_int(cpu, what, 0, INT_MAX, &st->workers[i], err, errlen) < 0)
            return -1;
        st->n_workers++;
    }
    return 0;
}

static int parse_relay(json_object *o, size_t idx, struct sched_relay *r, char *err, size_t errlen)
{
    json_object *v, *cpu = NULL, *load = NULL;
    char what[96];

    memset(r, 0, sizeof(*r));
    r->numa = -1;
    r->cpu[0] = r->cpu[1] = -1;
    if (!json_object_is_type(o, json_type_object))
        return sched_fail(err, errlen, "relays[%zu]: expected an object", idx);

    snprintf(what, sizeof(what), "relays[%zu].id", idx);
    if (!json_object_object_get_ex(o, "id", &v))
        return sched_fail(err, errlen, "%s is missing", what);
    if (get_int(v, what, 0, INT_MAX, &r->id, err, errlen) < 0)
        return -1;

    snprintf(what, sizeof(what), "relay %d: \"numa\"", r->id);
    if (json_object_object_get_ex(o, "numa", &v) && v != NULL &&
        get_int(v, what, -1, INT_MAX, &r->numa, err, errlen) < 0)
        return -1;

    if (json_object_object_get_ex(o, "cpu", &cpu) && cpu != NULL &&
        !json_object_is_type(cpu, json_type_object))
        return sched_fail(err, errlen,
                          "relay %d: \"cpu\" must be an object {\"vf_to_vm\": N, "
                          "\"vm_to_vf\": N}",
                          r->id);
    if (json_object_object_get_ex(o, "load", &load) && load != NULL &&
        !json_object_is_type(load, json_type_object))
        return sched_fail(err, errlen,
                          "relay %d: \"load\" must be an object {\"vf_to_vm\": F, "
                          "\"vm_to_vf\": F}",
                          r->id);

    for (int dir = 0; dir < VIO4WD_DIR_COUNT; dir++) {
        const char *key = vio4wd_dir_name(dir);
        if (cpu != NULL) {
            snprintf(what, sizeof(what), "relay %d: cpu.%s", r->id, key);
            if (get_cpu(cpu, key, what, &r->cpu[dir], err, errlen) < 0)
                return -1;
        }
        if (load != NULL && json_object_object_get_ex(load, key, &v) && v != NULL) {
            snprintf(what, sizeof(what), "relay %d: load.%s", r->id, key);
            if (get_real(v, what, &r->load[dir], err, errlen) < 0)
                return -1;
            if (r->load[dir] < 0.0)
                return sched_fail(err, errlen, "%s: %g is negative", what, r->load[dir]);
        }
        /* vio4wd-stats also prints the demand (the load raised for a
         * saturated direction), which is what the daemon plans with. */
        json_object *per_dir, *demand;
        if (json_object_object_get_ex(o, key, &per_dir) &&
            json_object_is_type(per_dir, json_type_object) &&
            json_object_object_get_ex(per_dir, "demand", &demand) && demand != NULL) {
            snprintf(what, sizeof(what), "relay %d: %s.demand", r->id, key);
            if (get_real(demand, what, &r->load[dir], err, errlen) < 0)
                return -1;
            if (r->load[dir] < 0.0)
                return sched_fail(err, errlen, "%s: %g is negative", what, r->load[dir]);
        }
    }
    return 0;
}

static int parse_relays(json_object *arr, struct sched_state *st, char *err, size_t errlen)
{
    size_t n;

    if (!json_object_is_type(arr, json_type_array))
        return sched_fail(err, errlen, "\"relays\": expected an array of objects");
    n = json_object_array_length(arr);
    if (n > TRACE_MAX_RELAYS)
        return sched_fail(err, errlen, "\"relays\": %zu entries, at most %d", n, TRACE_MAX_RELAYS);
    st->relays = malloc(sizeof(*st->relays) * (n ? n : 1));
    if (st->relays == NULL)
        return sched_fail(err, errlen, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct sched_relay *r = &st->relays[i];
        if (parse_relay(json_object_array_get_idx(arr, i), i, r, err, errlen) < 0)
            return -1;
        for (size_t k = 0; k < i; k++)
            if (st->relays[k].id == r->id)
                return sched_fail(err, errlen, "relay %d is listed twice", r->id);
        st->n_relays++;
    }
    return 0;
}

int trace_parse_line(const char *line, size_t len, double default_t, struct sched_state *out,
                     char *err, size_t errlen)
{
    json_tokener *tok;
    json_object *root, *v;
    size_t i = 0;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
        i++;
    if (i == len || line[i] == '#')
        return 0;
    if (memchr(line + i, '\0', len - i) != NULL)
        return sched_fail(err, errlen, "NUL byte in line");

    tok = json_tokener_new();
    if (tok == NULL)
        return sched_fail(err, errlen, "out of memory");
    root = json_tokener_parse_ex(tok, line + i, (int)(len - i > INT_MAX ? INT_MAX : len - i));
    if (root == NULL) {
        enum json_tokener_error e = json_tokener_get_error(tok);
        sched_fail(err, errlen, "not JSON: %s",
                   e == json_tokener_continue ? "unexpected end of line"
                                              : json_tokener_error_desc(e));
        json_tokener_free(tok);
        return -1;
    }
    /* Anything but whitespace after the object is a second value. */
    for (size_t k = i + json_tokener_get_parse_end(tok); k < len; k++) {
        if (line[k] != ' ' && line[k] != '\t' && line[k] != '\r' && line[k] != '\n') {
            sched_fail(err, errlen, "trailing text after the JSON object, at byte %zu", k + 1);
            goto out;
        }
    }
    json_tokener_free(tok);
    tok = NULL;

    if (!json_object_is_type(root, json_type_object)) {
        sched_fail(err, errlen, "expected a JSON object, got %s",
                   json_type_to_name(json_object_get_type(root)));
        goto out;
    }
    out->t = default_t;
    if (json_object_object_get_ex(root, "t", &v) && v != NULL &&
        get_real(v, "\"t\"", &out->t, err, errlen) < 0)
        goto out;
    if (!json_object_object_get_ex(root, "workers", &v)) {
        sched_fail(err, errlen, "\"workers\" is missing (the list of worker CPUs)");
        goto out;
    }
    if (parse_workers(v, out, err, errlen) < 0)
        goto out;
    if (!json_object_object_get_ex(root, "relays", &v)) {
        sched_fail(err, errlen, "\"relays\" is missing");
        goto out;
    }
    if (parse_relays(v, out, err, errlen) < 0)
        goto out;
    ret = 1;
out:
    if (tok != NULL)
        json_tokener_free(tok);
    json_object_put(root);
    if (ret < 0)
        sched_state_free(out);
    return ret;
}

void trace_reader_init(struct trace_reader *r, FILE *fp, const char *name)
{
    memset(r, 0, sizeof(*r));
    r->fp = fp;
    r->name = name;
}

void trace_reader_free(struct trace_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}

int trace_next(struct trace_reader *r, struct sched_state *out, char *err, size_t errlen)
{
    for (;;) {
        char msg[512];
        ssize_t n = getline(&r->buf, &r->cap, r->fp);
        int ret;

        if (n < 0) {
            if (ferror(r->fp))
                return sched_fail(err, errlen, "%s: read error after line %lu", r->name,
                                  r->line_no);
            return 0;
        }
        r->line_no++;
        ret = trace_parse_line(r->buf, (size_t)n, (double)r->line_no, out, msg, sizeof(msg));
        if (ret < 0)
            return sched_fail(err, errlen, "%s:%lu: %s", r->name, r->line_no, msg);
        if (ret > 0)
            return 1;
    }
}
