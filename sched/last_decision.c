/* SPDX-License-Identifier: BSD-3-Clause */
/* last_decision.c - publishes the scheduler's last decision (see
 * last_decision.h). */
#include "last_decision.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "log.h"
#include "report.h"

void last_decision_init(struct last_decision *ld, const char *counters)
{
    memset(ld, 0, sizeof(*ld));
    if (vio4wd_counters_sibling(counters, VIO4WD_SCHED_DECISION_FILE, ld->path, sizeof(ld->path)) !=
        0)
        ld->path[0] = '\0';
}

/* The record: report_json()'s line inside {"pid": ..., "decision": ...}. */
static char *record(const struct sched_decision *d, bool applied)
{
    char *line = NULL, *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&line, &len);

    if (!mem)
        return NULL;
    report_json(mem, d, applied, NULL);
    if (fclose(mem) != 0 || len == 0) {
        free(line);
        return NULL;
    }
    line[len - 1] = '\0'; /* report_json ends the line */
    size_t size = len + 64;
    out = malloc(size);
    if (out)
        snprintf(out, size, "{\"pid\": %ld, \"decision\": %s}\n", (long)getpid(), line);
    free(line);
    return out;
}

void last_decision_write(struct last_decision *ld, const struct sched_decision *d, bool applied)
{
    char tmp[sizeof(ld->path) + 32];
    char *text;

    if (!ld->path[0] || (text = record(d, applied)) == NULL)
        return;
    snprintf(tmp, sizeof(tmp), "%s.%ld", ld->path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, ld->path) != 0)
        ok = false;
    if (!ok) {
        if (!ld->warned)
            log_warning("cannot publish the last decision in %s (%s); the exporter will not "
                        "show the scheduler's figures",
                        ld->path, strerror(errno));
        ld->warned = true;
        unlink(tmp);
    }
    free(text);
}

void last_decision_remove(const struct last_decision *ld)
{
    if (ld->path[0])
        unlink(ld->path);
}
