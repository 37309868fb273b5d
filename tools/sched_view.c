/* SPDX-License-Identifier: BSD-3-Clause */
/* sched_view.c - reads the scheduler's published last decision (see
 * sched_view.h). */
#include "sched_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sched_proc.h"
#include "counters.h"

static double num(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0.0;
}

static bool flag(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

int tool_sched_parse(const char *text, struct tool_sched_view *out)
{
    struct json_object *root = json_tokener_parse(text), *pid, *d, *nodes;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (!root || !json_object_object_get_ex(root, "pid", &pid) ||
        !json_object_object_get_ex(root, "decision", &d) ||
        !json_object_object_get_ex(d, "nodes", &nodes) ||
        !json_object_is_type(nodes, json_type_array))
        goto out;
    out->pid = (long)json_object_get_int64(pid);
    /* The placement after the decision: the plan's where it took effect,
     * the current one elsewhere (dry run, refused, or not worth it). */
    bool applied = flag(d, "applied");
    size_t n = json_object_array_length(nodes);
    for (size_t i = 0; i < n && out->n_nodes < TOOL_SCHED_MAX_NODES; i++) {
        struct json_object *x = json_object_array_get_idx(nodes, i);
        struct tool_sched_node *node = &out->nodes[out->n_nodes++];
        node->numa = (int)num(x, "numa");
        node->makespan =
            applied && flag(x, "act") ? num(x, "makespan") : num(x, "current_makespan");
        node->lower_bound = num(x, "lower_bound");
    }
    rc = out->pid > 0 ? 0 : -1;
out:
    json_object_put(root);
    return rc;
}

int tool_sched_read(const char *counters, struct tool_sched_view *out)
{
    char path[4096], text[65536];

    memset(out, 0, sizeof(*out));
    if (vio4wd_counters_sibling(counters, VIO4WD_SCHED_DECISION_FILE, path, sizeof(path)) != 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    if (tool_sched_parse(text, out) != 0 || !tool_is_scheduler(out->pid))
        return -1;
    return 0;
}
