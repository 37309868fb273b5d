/* SPDX-License-Identifier: BSD-3-Clause */
/* config.c - parse and validate /etc/default/virtioforwarder.
 *
 * Every variable is a row in 'variables' below: its name, how to parse it,
 * and its default as text. Defaults, file values and command-line overrides
 * all go through the same parser, so there is one place that decides what a
 * valid value is.
 *
 * The file is shell (upstream's init scripts source it); shell_reader.c
 * reads it and hands each assignment to take_assignment() below.
 */
#include "config.h"
#include "pci.h"
#include "shell_reader.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#define MAX_ITEMS (VIO4WD_MAX_RELAYS * 2)
#define MAX_WORD  SHELL_MAX_WORD
_Static_assert(MAX_ITEMS <= SHELL_MAX_WORDS, "the reader must hold the longest list");

struct variable;
typedef int parse_fn(struct vio4wd_config *cfg, const struct variable *var,
                     const char *const *items, size_t n, char *err, size_t errlen);

struct variable {
    const char *name;
    parse_fn *parse;
    size_t offset;            /* of the field in struct vio4wd_config */
    size_t size;              /* of that field, for strings */
    bool is_list;             /* takes several items (bash array) */
    const char *default_text; /* also what a blank value means, but for booleans */
};

/* ---- error messages --------------------------------------------------- */

/* "VAR='value': <why>". Every rejection starts this way, so an operator can
 * grep the file for the variable and see the value that was refused. */
static int reject(char *err, size_t errlen, const char *name, const char *value, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));

/* Appends the reason after a prefix of n characters already in err. */
static int append_reason(char *err, size_t errlen, int n, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int append_reason(char *err, size_t errlen, int n, const char *fmt, va_list ap)
{
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    return -1;
}

static int reject(char *err, size_t errlen, const char *name, const char *value, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    append_reason(err, errlen, snprintf(err, errlen, "%s='%s': ", name, value), fmt, ap);
    va_end(ap);
    return -1;
}

static void *field(struct vio4wd_config *cfg, const struct variable *var)
{
    return (char *)cfg + var->offset;
}

/* ---- scalar parsers --------------------------------------------------- */

static int parse_bool(struct vio4wd_config *cfg, const struct variable *var,
                      const char *const *items, size_t n, char *err, size_t errlen)
{
    static const char *const yes[] = {"y", "yes", "true", "1", "on"};
    static const char *const no[] = {"", "n", "no", "false", "0", "off"};
    const char *v = n ? items[0] : "";
    bool *out = field(cfg, var);

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true, 0;
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (strcasecmp(v, no[i]) == 0)
            return *out = false, 0;
    return reject(err, errlen, var->name, v,
                  "not a boolean; use y, yes, true, 1 or on to enable, and n, no, false, 0, off "
                  "or a blank value to disable");
}

/* Parses a whole decimal number in [min, max]; 'what' ends the sentence
 * "must be ..." in the error. */
static int parse_long_in(const char *name, const char *v, long min, long max, const char *what,
                         long *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno || x < min || x > max)
        return reject(err, errlen, name, v, "must be %s", what);
    *out = x;
    return 0;
}

static int parse_log_level(struct vio4wd_config *cfg, const struct variable *var,
                           const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    long level;
    if (parse_long_in(var->name, v, 0, 7, "a log level from 0 (emergencies only) to 7 (debug)",
                      &level, err, errlen) < 0)
        return -1;
    *(int *)field(cfg, var) = (int)level;
    return 0;
}

static int parse_lcore(struct vio4wd_config *cfg, const struct variable *var,
                       const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    long cpu;
    char what[64];
    snprintf(what, sizeof(what), "a CPU number from 0 to %d", VIO4WD_MAX_CPUS - 1);
    if (parse_long_in(var->name, v, 0, VIO4WD_MAX_CPUS - 1, what, &cpu, err, errlen) < 0)
        return -1;
    *(int *)field(cfg, var) = (int)cpu;
    return 0;
}

/* The longest back-off sleep of an idle worker, in microseconds. */
static int parse_sleep_max(struct vio4wd_config *cfg, const struct variable *var,
                           const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    long us;
    char what[96];
    snprintf(what, sizeof(what), "a number of microseconds from 0 (never sleep) to %d",
             VIO4WD_WORKER_SLEEP_MAX_US_LIMIT);
    if (parse_long_in(var->name, v, 0, VIO4WD_WORKER_SLEEP_MAX_US_LIMIT, what, &us, err, errlen) <
        0)
        return -1;
    *(unsigned *)field(cfg, var) = (unsigned)us;
    return 0;
}

static int parse_cpu_mask(struct vio4wd_config *cfg, const struct variable *var,
                          const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    char why[160];
    if (cpuset_parse(v, field(cfg, var), why, sizeof(why)) < 0)
        return reject(err, errlen, var->name, v, "%s", why);
    return 0;
}

static int parse_real(const struct variable *var, const char *v, double min, bool min_inclusive,
                      double max, double *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    bool above_min = min_inclusive ? x >= min : x > min;
    if (v[0] == '\0' || *end != '\0' || errno || !isfinite(x) || !above_min || x > max)
        return reject(err, errlen, var->name, v, "must be a number %s %g and at most %g",
                      min_inclusive ? ">=" : ">", min, max);
    *out = x;
    return 0;
}

static int parse_sensitivity(struct vio4wd_config *cfg, const struct variable *var,
                             const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    return parse_real(var, v, 0, true, 100, field(cfg, var), err, errlen);
}

static int parse_interval(struct vio4wd_config *cfg, const struct variable *var,
                          const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    return parse_real(var, v, 0, false, 3600, field(cfg, var), err, errlen);
}

/* The scheduler's aim: "spread" (0) or "pack" (1). */
static int parse_sched_mode(struct vio4wd_config *cfg, const struct variable *var,
                            const char *const *items, size_t n, char *err, size_t errlen)
{
    static const char *const names[] = {"spread", "pack"};
    const char *v = n && items[0][0] ? items[0] : var->default_text;

    for (int i = 0; i < 2; i++)
        if (strcmp(v, names[i]) == 0) {
            *(int *)field(cfg, var) = i;
            return 0;
        }
    return reject(err, errlen, var->name, v, "must be spread or pack");
}

/* Workers the core scheduler leaves alone; blank: none. */
static int parse_cpu_list(struct vio4wd_config *cfg, const struct variable *var,
                          const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    char why[160];

    if (v[0] == '\0') {
        memset(field(cfg, var), 0, sizeof(struct vio4wd_cpuset));
        return 0;
    }
    if (cpuset_parse(v, field(cfg, var), why, sizeof(why)) < 0)
        return reject(err, errlen, var->name, v, "%s", why);
    return 0;
}

/* Migrations per decision; blank: no limit (-1). */
static int parse_budget(struct vio4wd_config *cfg, const struct variable *var,
                        const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    long x;

    if (v[0] == '\0') {
        *(int *)field(cfg, var) = -1;
        return 0;
    }
    if (parse_long_in(var->name, v, 0, 65536,
                      "a number of migrations per decision from 0 to 65536 (blank: no limit)", &x,
                      err, errlen) < 0)
        return -1;
    *(int *)field(cfg, var) = (int)x;
    return 0;
}

/* A worker's load in pack mode, in cores: above one core it drops. */
static int parse_pack_target(struct vio4wd_config *cfg, const struct variable *var,
                             const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    return parse_real(var, v, 0, false, 1, field(cfg, var), err, errlen);
}

static int copy_string(const struct variable *var, const char *v, char *out, char *err,
                       size_t errlen)
{
    if (strlen(v) >= var->size)
        return reject(err, errlen, var->name, v, "is too long (at most %zu characters)",
                      var->size - 1);
    strcpy(out, v);
    return 0;
}

/* An absolute path; blank means the default, which may itself be blank. */
static int parse_path(struct vio4wd_config *cfg, const struct variable *var,
                      const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    if (v[0] != '\0' && v[0] != '/')
        return reject(err, errlen, var->name, v, "must be an absolute path (starting with /)");
    return copy_string(var, v, field(cfg, var), err, errlen);
}

/* A ZeroMQ endpoint. A blank value keeps the default; the config endpoint's
 * default is blank, which turns it off. */
static int parse_endpoint(struct vio4wd_config *cfg, const struct variable *var,
                          const char *const *items, size_t n, char *err, size_t errlen)
{
    static const char *const schemes[] = {"ipc://", "tcp://", "inproc://"};
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    bool known = v[0] == '\0';

    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]) && !known; i++) {
        size_t len = strlen(schemes[i]);
        known = strncmp(v, schemes[i], len) == 0 && v[len] != '\0';
    }
    if (!known)
        return reject(err, errlen, var->name, v,
                      "not a ZeroMQ endpoint; use ipc:///path, tcp://host:port or inproc://name");
    return copy_string(var, v, field(cfg, var), err, errlen);
}

/* A user or group name as useradd(8) allows, or a numeric id. */
static int parse_account(struct vio4wd_config *cfg, const struct variable *var,
                         const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n ? items[0] : "";
    bool numeric = v[0] != '\0';
    bool name = v[0] == '_' || islower((unsigned char)v[0]);

    for (const char *p = v; *p; p++) {
        numeric = numeric && isdigit((unsigned char)*p);
        name = name && (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
                        *p == '-' || (*p == '$' && p[1] == '\0'));
    }
    if (v[0] != '\0' && !numeric && !name)
        return reject(err, errlen, var->name, v,
                      "not a user or group name (lower-case letters, digits, '_' and '-', "
                      "or a numeric id); leave it blank to keep the relay's own");
    return copy_string(var, v, field(cfg, var), err, errlen);
}

/* The vhost-user socket file name: exactly one %u for the relay id, and no
 * other conversion that snprintf would try to read an argument for. */
static int parse_socket_pattern(struct vio4wd_config *cfg, const struct variable *var,
                                const char *const *items, size_t n, char *err, size_t errlen)
{
    const char *v = n && items[0][0] ? items[0] : var->default_text;
    unsigned ids = 0;

    for (const char *p = strchr(v, '%'); p; p = strchr(p, '%')) {
        if (p[1] == 'u')
            ids++;
        else if (p[1] != '%')
            return reject(err, errlen, var->name, v,
                          "has '%%%c'; the only conversion allowed is one %%u for the relay id "
                          "(write %%%% for a literal %%)",
                          p[1] ? p[1] : ' ');
        p += 2;
    }
    if (ids != 1)
        return reject(err, errlen, var->name, v,
                      "must contain exactly one %%u (the relay id), found %u", ids);
    if (strchr(v, '/'))
        return reject(err, errlen, var->name, v,
                      "is a file name and must not contain '/'; set the directory in "
                      "VIRTIOFWD_SOCKET_DIR");
    return copy_string(var, v, field(cfg, var), err, errlen);
}

/* ---- list parsers ------------------------------------------------------ */

/* A DPDK device string: a driver/device name, optionally ",key=value,...". */
static bool is_device_string(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return false;
    const char *p = s;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    if (*p != '\0' && *p != ',')
        return false;
    for (; *p; p++)
        if (isspace((unsigned char)*p))
            return false;
    return true;
}

/* Reads a relay id: digits, below VIO4WD_MAX_RELAYS. */
static bool parse_relay_id(const char *text, size_t len, unsigned *out)
{
    if (len == 0 || len > 3)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
        v = v * 10 + (unsigned)(text[i] - '0');
    }
    *out = v;
    return v < VIO4WD_MAX_RELAYS;
}

static int parse_static_vf(const char *name, const char *item, struct vio4wd_static_vf *out,
                           char *err, size_t errlen)
{
    const char *eq = strrchr(item, '=');
    if (!eq || eq == item)
        return reject(err, errlen, name, item,
                      "expected <device>=<relay id>, as in 0000:05:08.1=1 or net_null0=1");
    if (!parse_relay_id(eq + 1, strlen(eq + 1), &out->relay_id))
        return reject(err, errlen, name, item, "relay id '%s' must be a number from 0 to %d",
                      eq + 1, VIO4WD_MAX_RELAYS - 1);

    size_t dev_len = (size_t)(eq - item);
    if (dev_len >= sizeof(out->device))
        return reject(err, errlen, name, item, "the device is too long (at most %zu characters)",
                      sizeof(out->device) - 1);
    memcpy(out->device, item, dev_len);
    out->device[dev_len] = '\0';

    struct pci_address pci;
    if (pci_looks_like(out->device)) {
        if (!pci_parse(out->device, &pci))
            return reject(err, errlen, name, item,
                          "'%s' is not a PCI address; use DDDD:BB:SS.F as in 0000:05:08.1 "
                          "(slot 00-1f, function 0-7)",
                          out->device);
    } else if (!is_device_string(out->device)) {
        return reject(err, errlen, name, item,
                      "'%s' is neither a PCI address (0000:05:08.1) nor a DPDK device string "
                      "(net_null0, net_memif0,role=client,socket=/tmp/m.sock)",
                      out->device);
    }
    return 0;
}

static int parse_static_vfs(struct vio4wd_config *cfg, const struct variable *var,
                            const char *const *items, size_t n, char *err, size_t errlen)
{
    if (n > VIO4WD_MAX_RELAYS)
        return reject(err, errlen, var->name, items[0], "has %zu entries; at most %d relays", n,
                      VIO4WD_MAX_RELAYS);
    struct vio4wd_static_vf vfs[VIO4WD_MAX_RELAYS];
    for (size_t i = 0; i < n; i++) {
        if (parse_static_vf(var->name, items[i], &vfs[i], err, errlen) < 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (vfs[j].relay_id == vfs[i].relay_id)
                return reject(err, errlen, var->name, items[i], "relay %u already has VF %s",
                              vfs[i].relay_id, vfs[j].device);
            if (strcmp(vfs[j].device, vfs[i].device) == 0)
                return reject(err, errlen, var->name, items[i], "VF %s is already used by relay %u",
                              vfs[i].device, vfs[j].relay_id);
        }
    }
    memcpy(cfg->static_vfs, vfs, n * sizeof(vfs[0]));
    cfg->n_static_vfs = (unsigned)n;
    return 0;
}

/* Reads a CPU number from *p up to a delimiter in 'stops'. */
static bool parse_cpu_at(const char **p, const char *stops, unsigned *out)
{
    size_t len = strcspn(*p, stops);
    if (len == 0 || len > 4)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + (unsigned)((*p)[i] - '0');
    }
    *p += len;
    *out = v;
    return v < VIO4WD_MAX_CPUS;
}

static int parse_cpu_pin(const char *name, const char *item, struct vio4wd_cpu_pin *out, char *err,
                         size_t errlen)
{
    const char *colon = strchr(item, ':');
    const char *p = colon ? colon + 1 : NULL;

    if (!colon || !parse_relay_id(item, (size_t)(colon - item), &out->relay_id) ||
        !parse_cpu_at(&p, ",!", &out->vf_to_vm_cpu))
        goto bad;
    out->vm_to_vf_cpu = out->vf_to_vm_cpu;
    out->fixed = false;
    if (*p == ',') {
        p++;
        if (!parse_cpu_at(&p, "!", &out->vm_to_vf_cpu))
            goto bad;
    }
    if (*p == '!') {
        out->fixed = true;
        p++;
    }
    if (*p == '\0')
        return 0;
bad:
    return reject(err, errlen, name, item,
                  "expected <relay>:<cpu>[,<cpu>][!] with relay 0-%d, as in 0:1, 0:1,2 or "
                  "0:1,2! (the first CPU moves VF->VM, the second VM->VF; '!' fixes the pin: "
                  "the core scheduler never moves it)",
                  VIO4WD_MAX_RELAYS - 1);
}

static int parse_cpu_pins(struct vio4wd_config *cfg, const struct variable *var,
                          const char *const *items, size_t n, char *err, size_t errlen)
{
    if (n > VIO4WD_MAX_RELAYS)
        return reject(err, errlen, var->name, items[0], "has %zu entries; at most %d relays", n,
                      VIO4WD_MAX_RELAYS);
    struct vio4wd_cpu_pin pins[VIO4WD_MAX_RELAYS];
    for (size_t i = 0; i < n; i++) {
        if (parse_cpu_pin(var->name, items[i], &pins[i], err, errlen) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (pins[j].relay_id == pins[i].relay_id)
                return reject(err, errlen, var->name, items[i], "relay %u is pinned twice",
                              pins[i].relay_id);
    }
    memcpy(cfg->cpu_pins, pins, n * sizeof(pins[0]));
    cfg->n_cpu_pins = (unsigned)n;
    return 0;
}

/* "<relay>:<rate>[,<rate>]": the rates have no ',' in them (rate.h). */
static int parse_rate_limit(const char *name, const char *item, struct vio4wd_rate_limit *out,
                            char *err, size_t errlen)
{
    const char *colon = strchr(item, ':');
    char rates[2][VIO4WD_RATE_TEXT_MAX + 1], why[400];

    if (!colon || !parse_relay_id(item, (size_t)(colon - item), &out->relay_id))
        return reject(err, errlen, name, item,
                      "expected <relay>:<rate>[,<rate>] with relay 0-%d, as in 0:10Mb/s@20ms "
                      "or 1:1Gb/s,500Mb/s (the first rate limits VF->VM, the second VM->VF; "
                      "one rate limits both)",
                      VIO4WD_MAX_RELAYS - 1);
    const char *first = colon + 1, *comma = strchr(first, ',');
    size_t len0 = comma ? (size_t)(comma - first) : strlen(first);
    const char *second = comma ? comma + 1 : first;
    if (len0 > VIO4WD_RATE_TEXT_MAX || strlen(second) > VIO4WD_RATE_TEXT_MAX)
        return reject(err, errlen, name, item, "a rate is too long (at most %d characters)",
                      VIO4WD_RATE_TEXT_MAX);
    memcpy(rates[0], first, len0);
    rates[0][len0] = '\0';
    strcpy(rates[1], second);
    for (int d = 0; d < 2; d++)
        if (rate_parse(rates[d], &out->rate[d], why, sizeof(why)) < 0)
            return reject(err, errlen, name, item, "%s", why);
    return 0;
}

static int parse_rate_limits(struct vio4wd_config *cfg, const struct variable *var,
                             const char *const *items, size_t n, char *err, size_t errlen)
{
    if (n > VIO4WD_MAX_RELAYS)
        return reject(err, errlen, var->name, items[0], "has %zu entries; at most %d relays", n,
                      VIO4WD_MAX_RELAYS);
    struct vio4wd_rate_limit limits[VIO4WD_MAX_RELAYS];
    for (size_t i = 0; i < n; i++) {
        if (parse_rate_limit(var->name, items[i], &limits[i], err, errlen) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (limits[j].relay_id == limits[i].relay_id)
                return reject(err, errlen, var->name, items[i], "relay %u is limited twice",
                              limits[i].relay_id);
    }
    memcpy(cfg->rate_limits, limits, n * sizeof(limits[0]));
    cfg->n_rate_limits = (unsigned)n;
    return 0;
}

/* Upstream variables that vio4wd knows but does not act on. */
static int parse_unsupported(struct vio4wd_config *cfg, const struct variable *var,
                             const char *const *items, size_t n, char *err, size_t errlen)
{
    (void)cfg, (void)var, (void)items, (void)n, (void)err, (void)errlen;
    return 0;
}

/* ---- the variables ----------------------------------------------------- */

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)
#define SCALAR(n, fn, member, def)                                  \
    {                                                               \
        n, fn, offsetof(struct vio4wd_config, member),              \
            sizeof(((struct vio4wd_config *)0)->member), false, def \
    }
#define LIST(n, fn, def)       \
    {                          \
        n, fn, 0, 0, true, def \
    }
#define IGNORED(n)                           \
    {                                        \
        n, parse_unsupported, 0, 0, true, "" \
    }

static const struct variable variables[] = {
    SCALAR("VIRTIOFWD_CPU_MASK", parse_cpu_mask, cpu_mask, "1,2"),
    SCALAR("VIRTIOFWD_LOG_LEVEL", parse_log_level, log_level, "6"),
    SCALAR("VIRTIOFWD_MASTER_LCORE", parse_lcore, master_lcore, "0"),
    SCALAR("VIRTIOFWD_WORKER_SLEEP_MAX_US", parse_sleep_max, worker_sleep_max_us,
           STRINGIFY(VIO4WD_WORKER_SLEEP_MAX_US_DEFAULT)),
    LIST("VIRTIOFWD_STATIC_VFS", parse_static_vfs, ""),
    LIST("VIRTIOFWD_CPU_PINS", parse_cpu_pins, ""),
    LIST("VIRTIOFWD_RATE_LIMITS", parse_rate_limits, ""),
    SCALAR("VIRTIOFWD_DYNAMIC_SOCKETS", parse_bool, dynamic_sockets, ""),
    SCALAR("VIRTIOFWD_VHOST_CLIENT", parse_bool, vhost_client, ""),
    SCALAR("VIRTIOFWD_SOCKET_DIR", parse_path, socket_dir, "/tmp"),
    SCALAR("VIRTIOFWD_SOCKET_FNAME_PATTERN", parse_socket_pattern, socket_fname_pattern,
           "virtio-forwarder%u.sock"),
    SCALAR("VIRTIOFWD_SOCKET_OWNER", parse_account, socket_owner, ""),
    SCALAR("VIRTIOFWD_SOCKET_GROUP", parse_account, socket_group, ""),
    SCALAR("VIRTIOFWD_HUGETLBFS_MOUNT_POINT", parse_path, hugetlbfs_mount_point, "/dev/hugepages"),
    SCALAR("VIRTIOFWD_JUMBO", parse_bool, jumbo, ""),
    SCALAR("VIRTIOFWD_MRGBUF", parse_bool, mrgbuf, ""),
    SCALAR("VIRTIOFWD_TSO", parse_bool, tso, ""),
    SCALAR("VIRTIOFWD_ZMQ_STATS_EP", parse_endpoint, zmq_stats_ep,
           "ipc:///var/run/virtio-forwarder/stats"),
    SCALAR("VIRTIOFWD_ZMQ_CORE_SCHED_EP", parse_endpoint, zmq_core_sched_ep,
           "ipc:///var/run/virtio-forwarder/core_sched"),
    /* Set, it selects ZeroMQ port control (as upstream); blank by default. */
    SCALAR("VIRTIOFWD_ZMQ_PORT_CONTROL_EP", parse_endpoint, zmq_port_control_ep, ""),
    SCALAR("VIRTIOFWD_ZMQ_CONFIG_EP", parse_endpoint, zmq_config_ep, ""),
    SCALAR("VIO4WD_ZMQ_ALLOW_TCP", parse_bool, zmq_allow_tcp, ""),
    SCALAR("VIRTIOFWD_IPC_PORT_CONTROL", parse_bool, ipc_port_control, ""),
    SCALAR("VIO4WD_IPC_PORT_CONTROL_FILE", parse_path, ipc_port_control_file, "/tmp/vio_cmd"),
    SCALAR("VIRTIOFWD_OVSDB_SOCK_PATH", parse_path, ovsdb_sock_path, ""),
    SCALAR("VIRTIOFWD_PID_DIR", parse_path, pid_dir, "/var/run"),
    SCALAR("VIO4WD_CORE_SCHED_ENABLE", parse_bool, core_sched_enable, ""),
    SCALAR("VIO4WD_CORE_SCHED_SENSITIVITY", parse_sensitivity, core_sched_sensitivity, "0.05"),
    SCALAR("VIO4WD_CORE_SCHED_LOG_LEVEL", parse_log_level, core_sched_log_level, "6"),
    SCALAR("VIO4WD_CORE_SCHED_POLL_INTERVAL", parse_interval, core_sched_poll_interval, "5"),
    SCALAR("VIO4WD_CORE_SCHED_GLOBAL_NUMA_OPT", parse_bool, core_sched_global_numa_opt, ""),
    SCALAR("VIO4WD_CORE_SCHED_MODE", parse_sched_mode, core_sched_mode, "spread"),
    SCALAR("VIO4WD_CORE_SCHED_PACK_TARGET", parse_pack_target, core_sched_pack_target, "0.7"),
    SCALAR("VIO4WD_CORE_SCHED_EXCLUDE_CPUS", parse_cpu_list, core_sched_exclude, ""),
    SCALAR("VIO4WD_CORE_SCHED_MAX_MIGRATIONS", parse_budget, core_sched_max_migrations, ""),
    IGNORED("VIRTIOFWD_BINARY"),
    IGNORED("VIRTIOFWD_ZERO_COPY"),
    IGNORED("VIRTIOFWD_BIND_VFIO_PCI"),
    IGNORED("VIRTIOFWD_CPU_NIC_SAME_NUMA"),
    IGNORED("VIRTIOFWD_VFIO_VF_TOKEN"),
};

#define N_VARIABLES (sizeof(variables) / sizeof(variables[0]))

static const struct variable *find_variable(const char *name)
{
    for (size_t i = 0; i < N_VARIABLES; i++)
        if (strcmp(variables[i].name, name) == 0)
            return &variables[i];
    return NULL;
}

const char *const *config_variable_names(void)
{
    static const char *names[N_VARIABLES + 1];
    for (size_t i = 0; i < N_VARIABLES; i++)
        names[i] = variables[i].name;
    return names;
}

static int set_items(struct vio4wd_config *cfg, const struct variable *var,
                     const char *const *items, size_t n, char *err, size_t errlen)
{
    if (var->is_list) {
        /* VAR="" and VAR=() both mean an empty list. */
        const char *kept[MAX_ITEMS];
        size_t n_kept = 0;
        for (size_t i = 0; i < n && n_kept < MAX_ITEMS; i++)
            if (items[i][0] != '\0')
                kept[n_kept++] = items[i];
        return var->parse(cfg, var, kept, n_kept, err, errlen);
    }
    if (n > 1)
        return reject(err, errlen, var->name, items[0],
                      "is given %zu values in ( ), but %s takes one", n, var->name);
    return var->parse(cfg, var, items, n, err, errlen);
}

/* The item a rejection is about: every message starts "NAME='value': "
 * (reject()), so the value names the array element, which may sit lines
 * below the variable. 0 when it cannot be told. */
static size_t failed_item(const char *why, const char *name, const char *const *items, size_t n)
{
    size_t len = strlen(name);
    if (strncmp(why, name, len) != 0 || strncmp(why + len, "='", 2) != 0)
        return 0;
    const char *value = why + len + 2;
    for (size_t i = 0; i < n; i++) {
        size_t vlen = strlen(items[i]);
        if (strncmp(value, items[i], vlen) == 0 && strncmp(value + vlen, "': ", 3) == 0)
            return i;
    }
    return 0;
}

static void set_origin(struct vio4wd_origin *o, const char *text, const char *file, unsigned line)
{
    o->set = text[0] != '\0'; /* a blank value means the default */
    snprintf(o->text, sizeof(o->text), "%s", text);
    if (file)
        snprintf(o->where, sizeof(o->where), "%s:%u", file, line);
    else
        o->where[0] = '\0';
}

/* Remembers where the variables that config_check() looks at were set, and
 * how they were written. file NULL: the command line. */
static void record_origin(struct vio4wd_config *cfg, const struct variable *var,
                          const char *const *items, const unsigned *lines, size_t n,
                          const char *file)
{
    const char *first = n ? items[0] : "";
    if (strcmp(var->name, "VIRTIOFWD_CPU_MASK") == 0) {
        set_origin(&cfg->cpu_mask_origin, first, file, lines ? lines[0] : 0);
    } else if (strcmp(var->name, "VIRTIOFWD_MASTER_LCORE") == 0) {
        set_origin(&cfg->master_lcore_origin, first, file, lines ? lines[0] : 0);
    } else if (strcmp(var->name, "VIRTIOFWD_CPU_PINS") == 0) {
        size_t k = 0; /* as set_items: blank items do not count */
        for (size_t i = 0; i < n && k < VIO4WD_MAX_RELAYS; i++)
            if (items[i][0] != '\0')
                set_origin(&cfg->cpu_pin_origin[k++], items[i], file, lines ? lines[i] : 0);
    }
}

void config_init(struct vio4wd_config *cfg)
{
    char err[256];
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < N_VARIABLES; i++) {
        const char *def = variables[i].default_text;
        /* The defaults are constants of this file: they always parse. */
        set_items(cfg, &variables[i], &def, def[0] ? 1 : 0, err, sizeof(err));
    }
}

/* Splits a command-line value into whitespace-separated items, in place. */
static size_t split_words(char *text, const char **items, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(text, " \t\n"); tok && n < max; tok = strtok(NULL, " \t\n"))
        items[n++] = tok;
    return n;
}

int config_set(struct vio4wd_config *cfg, const char *name, const char *value, char *err,
               size_t errlen)
{
    const struct variable *var = find_variable(name);
    if (!var)
        return 1;
    if (!var->is_list) {
        if (set_items(cfg, var, &value, 1, err, errlen) < 0)
            return -1;
        record_origin(cfg, var, &value, NULL, 1, NULL);
        return 0;
    }

    char copy[MAX_WORD * 4];
    if (strlen(value) >= sizeof(copy))
        return reject(err, errlen, name, value, "is too long");
    strcpy(copy, value);
    const char *items[MAX_ITEMS + 1];
    size_t n = split_words(copy, items, MAX_ITEMS + 1);
    if (set_items(cfg, var, items, n, err, errlen) < 0)
        return -1;
    record_origin(cfg, var, items, NULL, n, NULL);
    return 0;
}

/* ---- the file -------------------------------------------------------- */

/* One file being loaded: shell_read()'s opaque. */
struct load {
    struct vio4wd_config *cfg;
    const char *origin;
    config_warn_fn *warn;
    void *warn_opaque;
};

static void pass_warning(const char *message, void *opaque)
{
    const struct load *ld = opaque;
    if (ld->warn)
        ld->warn(message, ld->warn_opaque);
}

/* Takes one assignment of the file (shell_reader.h) into cfg. */
static enum shell_verdict take_assignment(void *opaque, const struct shell_assignment *a, char *why,
                                          size_t whylen, size_t *item)
{
    struct load *ld = opaque;
    const struct variable *var = find_variable(a->name);
    const char *items[MAX_ITEMS];

    if (!var) {
        snprintf(why, whylen, "unknown variable %s ignored", a->name);
        return SHELL_WARN;
    }
    if (var->parse == parse_unsupported) {
        if (a->n_words == 0 || !a->words[0][0])
            return SHELL_ACCEPT;
        snprintf(why, whylen, "%s is not supported by vio4wd and is ignored", a->name);
        return SHELL_WARN;
    }
    for (size_t i = 0; i < a->n_words; i++)
        items[i] = a->words[i];
    if (set_items(ld->cfg, var, items, a->n_words, why, whylen) < 0) {
        *item = failed_item(why, var->name, items, a->n_words);
        return SHELL_REJECT;
    }
    record_origin(ld->cfg, var, items, a->lines, a->n_words, ld->origin);
    return SHELL_ACCEPT;
}

int config_load_buffer(struct vio4wd_config *cfg, const char *text, size_t len, const char *origin,
                       config_warn_fn *warn, void *opaque, char *err, size_t errlen)
{
    struct load ld = {cfg, origin, warn, opaque};
    return shell_read(text, len, origin, take_assignment, pass_warning, &ld, err, errlen);
}

int config_load_file(struct vio4wd_config *cfg, const char *path, config_warn_fn *warn,
                     void *opaque, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    /* A configuration file is small; refuse anything that is clearly not one. */
    enum {
        MAX_FILE = 1 << 20
    };
    char *text = malloc(MAX_FILE);
    size_t len = text ? fread(text, 1, MAX_FILE, f) : 0;
    bool too_big = text && len == MAX_FILE;
    bool failed = !text || ferror(f);
    fclose(f);

    int rc = -1;
    if (failed)
        snprintf(err, errlen, "cannot read %s", path);
    else if (too_big)
        snprintf(err, errlen, "%s is larger than 1 MiB; is it the right file?", path);
    else
        rc = config_load_buffer(cfg, text, len, path, warn, opaque, err, errlen);
    free(text);
    return rc;
}

/* ---- cross-variable checks --------------------------------------------- */

/* A rejection by config_check(), which runs after the whole file and the
 * command line: it names where the value was written and the value as
 * written ("file:line: VAR='0x100000000': ..."), or says the value is the
 * default and was never written at all. */
static int reject_from(char *err, size_t errlen, const char *name, const struct vio4wd_origin *o,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int reject_from(char *err, size_t errlen, const char *name, const struct vio4wd_origin *o,
                       const char *fmt, ...)
{
    const struct variable *var = find_variable(name);
    int n;

    if (!o->set)
        n = snprintf(err, errlen, "%s is not set; its default '%s': ", name,
                     var ? var->default_text : "");
    else
        n = snprintf(err, errlen, "%s%s%s='%s': ", o->where, o->where[0] ? ": " : "", name,
                     o->text);
    va_list ap;
    va_start(ap, fmt);
    append_reason(err, errlen, n, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_cpu_exists(const char *name, const struct vio4wd_origin *origin, unsigned cpu,
                            const struct vio4wd_cpuset *host, char *err, size_t errlen)
{
    if (cpuset_has(host, cpu))
        return 0;
    char online[256];
    cpuset_format(host, online, sizeof(online));
    return reject_from(err, errlen, name, origin,
                       "CPU %u does not exist on this host (online CPUs: %s)%s", cpu, online,
                       origin->set ? "" : "; set it to CPUs of this host");
}

static int check_pin(const struct vio4wd_config *cfg, unsigned i, const struct vio4wd_cpuset *host,
                     char *err, size_t errlen)
{
    const struct vio4wd_cpu_pin *pin = &cfg->cpu_pins[i];
    const struct vio4wd_origin *origin = &cfg->cpu_pin_origin[i];
    char mask[256];
    cpuset_format(&cfg->cpu_mask, mask, sizeof(mask));
    unsigned cpus[2] = {pin->vf_to_vm_cpu, pin->vm_to_vf_cpu};
    for (int k = 0; k < 2; k++) {
        if (check_cpu_exists("VIRTIOFWD_CPU_PINS", origin, cpus[k], host, err, errlen) < 0)
            return -1;
        if (!cpuset_has(&cfg->cpu_mask, cpus[k]))
            return reject_from(err, errlen, "VIRTIOFWD_CPU_PINS", origin,
                               "CPU %u is not a worker; pins must use CPUs of "
                               "VIRTIOFWD_CPU_MASK (%s)",
                               cpus[k], mask);
    }
    return 0;
}

int config_check(const struct vio4wd_config *cfg, const struct vio4wd_cpuset *host_cpus, char *err,
                 size_t errlen)
{
    for (int cpu = cpuset_next(&cfg->cpu_mask, 0); cpu >= 0;
         cpu = cpuset_next(&cfg->cpu_mask, (unsigned)cpu + 1))
        if (check_cpu_exists("VIRTIOFWD_CPU_MASK", &cfg->cpu_mask_origin, (unsigned)cpu, host_cpus,
                             err, errlen) < 0)
            return -1;

    if (check_cpu_exists("VIRTIOFWD_MASTER_LCORE", &cfg->master_lcore_origin,
                         (unsigned)cfg->master_lcore, host_cpus, err, errlen) < 0)
        return -1;

    for (unsigned i = 0; i < cfg->n_cpu_pins; i++)
        if (check_pin(cfg, i, host_cpus, err, errlen) < 0)
            return -1;

    /* One port-control mode runs (relay/port_mode.h); an OVSDB socket next
     * to another mode would be silently ignored. */
    if ((cfg->zmq_port_control_ep[0] || cfg->ipc_port_control) && cfg->ovsdb_sock_path[0])
        return reject(err, errlen, "VIRTIOFWD_OVSDB_SOCK_PATH", cfg->ovsdb_sock_path,
                      "port control is either OVSDB or %s, not both; clear one of them",
                      cfg->zmq_port_control_ep[0]
                          ? "ZeroMQ (VIRTIOFWD_ZMQ_PORT_CONTROL_EP is set)"
                          : "the IPC command file (VIRTIOFWD_IPC_PORT_CONTROL is set)");

    /* The endpoints have no authentication: nothing listens on the network
     * unless the operator said so. */
    const struct {
        const char *name, *value;
    } endpoints[] = {
        {"VIRTIOFWD_ZMQ_STATS_EP", cfg->zmq_stats_ep},
        {"VIRTIOFWD_ZMQ_CORE_SCHED_EP", cfg->zmq_core_sched_ep},
        {"VIRTIOFWD_ZMQ_PORT_CONTROL_EP", cfg->zmq_port_control_ep},
        {"VIRTIOFWD_ZMQ_CONFIG_EP", cfg->zmq_config_ep},
    };
    for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]) && !cfg->zmq_allow_tcp; i++)
        if (strncmp(endpoints[i].value, "tcp://", 6) == 0)
            return reject(err, errlen, endpoints[i].name, endpoints[i].value,
                          "is reachable over the network, and the control endpoints have no "
                          "authentication; use ipc://, or allow it with VIO4WD_ZMQ_ALLOW_TCP=y "
                          "(relay option --allow-tcp-endpoints)");

    /* The longest socket name must fit a unix socket address. */
    char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
    if (config_socket_path(cfg, VIO4WD_MAX_RELAYS - 1, path, sizeof(path)) < 0)
        return reject(err, errlen, "VIRTIOFWD_SOCKET_DIR", cfg->socket_dir,
                      "socket paths such as %s are longer than the %zu bytes a unix socket "
                      "allows; use a shorter directory",
                      path, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
    return 0;
}

int config_socket_path(const struct vio4wd_config *cfg, unsigned relay_id, char *buf, size_t buflen)
{
    char name[VIO4WD_PATH_MAX + 16];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    /* The pattern was checked to hold exactly one %u and no other conversion. */
    snprintf(name, sizeof(name), cfg->socket_fname_pattern, relay_id);
#pragma GCC diagnostic pop
    const char *sep =
        cfg->socket_dir[0] && cfg->socket_dir[strlen(cfg->socket_dir) - 1] == '/' ? "" : "/";
    int n = snprintf(buf, buflen, "%s%s%s", cfg->socket_dir, sep, name);
    size_t limit = sizeof(((struct sockaddr_un *)0)->sun_path);
    return n < 0 || (size_t)n >= buflen || (size_t)n >= limit ? -1 : 0;
}
