/* SPDX-License-Identifier: BSD-3-Clause */
/* tool_render.h - the table and JSON forms of a tool_view. The JSON shape
 * is a scheduler replay trace line (see tool_view_to_json). */
#ifndef VIO4WD_TOOL_RENDER_H
#define VIO4WD_TOOL_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "tool_view.h"

/* "active", "no VF", "no guest" or "idle" from VIO4WD_RELAY_* flags. */
const char *tool_relay_state(uint32_t flags);

/* "15.0M", "950k", "12": a count or rate with an SI suffix. */
void tool_si(double value, char *buf, size_t buflen);

/* The per-relay statistics table (vio4wd-stats without options). */
void tool_print_table(FILE *out, const struct tool_view *view);

/* One JSON object: a scheduler replay trace line (t, workers, relays with
 * id, numa, cpu, load) plus counts, rates, drops and worker details.
 * The caller owns the result (json_object_put). */
struct json_object *tool_view_to_json(const struct tool_view *view);

#endif
