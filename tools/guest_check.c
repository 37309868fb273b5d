/* SPDX-License-Identifier: BSD-3-Clause */
/* guest_check.c - checks a libvirt domain's vhost-user interfaces against
 * the relays.
 *
 * Each check is one function over one element, and each finding names the
 * element by its XPath, says what is wrong and how to fix it. These are the
 * mistakes that leave a guest whose link never comes up, with no error
 * anywhere: a socket mode equal to the relay's, private guest memory (the
 * relay cannot map the rings), a socket path no relay serves, more queue
 * pairs than the relay's VF has.
 *
 * The XML is parsed with libxml2, without network access and without
 * substituting external entities: a domain file is untrusted input.
 */
#include "guest.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* ---- findings ------------------------------------------------------------ */

static void add(struct guest_check_result *res, bool warning, xmlNodePtr node, const char *fix,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(struct guest_check_result *res, bool warning, xmlNodePtr node, const char *fix,
                const char *fmt, ...)
{
    if (res->n == res->cap) {
        size_t cap = res->cap ? 2 * res->cap : 8;
        struct guest_finding *f = realloc(res->findings, cap * sizeof(*f));
        if (!f)
            return; /* out of memory: the count below still says so */
        res->findings = f;
        res->cap = cap;
    }
    struct guest_finding *f = &res->findings[res->n++];
    f->warning = warning;
    xmlChar *path = xmlGetNodePath(node);
    snprintf(f->xpath, sizeof(f->xpath), "%s", path ? (const char *)path : "/");
    xmlFree(path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof(f->what), fmt, ap);
    va_end(ap);
    snprintf(f->fix, sizeof(f->fix), "%s", fix);
    if (warning)
        res->n_warnings++;
    else
        res->n_errors++;
}

void guest_check_free(struct guest_check_result *res)
{
    free(res->findings);
    memset(res, 0, sizeof(*res));
}

/* ---- small XML helpers ------------------------------------------------- */

/* The first child element called 'name', or NULL. */
static xmlNodePtr child(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
            return c;
    return NULL;
}

/* An attribute's value, copied into buf ("" when absent); false if absent. */
static bool attr(xmlNodePtr node, const char *name, char *buf, size_t buflen)
{
    buf[0] = '\0';
    xmlChar *v = node ? xmlGetProp(node, BAD_CAST name) : NULL;
    if (!v)
        return false;
    snprintf(buf, buflen, "%s", (const char *)v);
    xmlFree(v);
    return true;
}

/* A whole unsigned decimal number; false if text is not one. */
static bool parse_ulong(const char *text, unsigned long *out)
{
    char *end;
    if (!isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* libvirt's units for a size, in bytes; 0 when unknown. */
static unsigned long long unit_bytes(const char *unit)
{
    static const struct {
        const char *name;
        unsigned long long bytes;
    } units[] = {
        {"b", 1},          {"bytes", 1},        {"KB", 1000ULL},
        {"k", 1024ULL},    {"KiB", 1024ULL},    {"MB", 1000000ULL},
        {"M", 1ULL << 20}, {"MiB", 1ULL << 20}, {"GB", 1000000000ULL},
        {"G", 1ULL << 30}, {"GiB", 1ULL << 30}, {"TB", 1000000000000ULL},
        {"T", 1ULL << 40}, {"TiB", 1ULL << 40},
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strcmp(unit, units[i].name) == 0)
            return units[i].bytes;
    return 0;
}

/* Whether a libvirt node set ("0-1,3", "^2" excludes) contains 'node'. A
 * set that does not parse counts as containing it: libvirt itself reports
 * bad syntax, this check is about placement. */
static bool nodeset_has(const char *set, int node)
{
    bool in = false;
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", set);
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        bool exclude = *tok == '^';
        tok += exclude;
        char *end;
        long lo = strtol(tok, &end, 10), hi = lo;
        if (end == tok)
            return true;
        if (*end == '-') {
            char *start = end + 1;
            hi = strtol(start, &end, 10);
            if (end == start)
                return true;
        }
        if (node >= lo && node <= hi)
            in = !exclude;
    }
    return in;
}

/* ---- the relay a socket belongs to -------------------------------------- */

static const struct guest_relay *relay_by_path(const struct guest_relay *relays, size_t n,
                                               const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(relays[i].socket_path, path) == 0)
            return &relays[i];
    return NULL;
}

/* A relay whose socket has the same file name (the directory is wrong). */
static const struct guest_relay *relay_by_name(const struct guest_relay *relays, size_t n,
                                               const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < n; i++) {
        const char *rb = strrchr(relays[i].socket_path, '/');
        if (strcmp(rb ? rb + 1 : relays[i].socket_path, base) == 0)
            return &relays[i];
    }
    return NULL;
}

/* ---- checks of one interface --------------------------------------------- */

/* The source: type, path (a relay's), existence, mode, reconnect. Returns
 * the relay, or NULL when there is none to check the rest against. */
static const struct guest_relay *check_source(xmlNodePtr iface, const struct guest_relay *relays,
                                              size_t n_relays, struct guest_check_result *res)
{
    char type[32], path[VIO4WD_PATH_MAX], mode[32], fix[384];
    xmlNodePtr src = child(iface, "source");

    if (!src) {
        snprintf(fix, sizeof(fix), "add <source type='unix' path='%s' mode='%s'/>",
                 n_relays ? relays[0].socket_path : "/tmp/virtio-forwarder0.sock",
                 n_relays ? guest_qemu_mode(&relays[0]) : "client");
        add(res, false, iface, fix, "vhostuser interface without <source>");
        return NULL;
    }
    attr(src, "type", type, sizeof(type));
    if (strcmp(type, "unix") != 0)
        add(res, false, src, "set type='unix'", "source type '%s': vhost-user needs a unix socket",
            type);
    if (!attr(src, "path", path, sizeof(path)) || !path[0]) {
        add(res, false, src, "set path to the relay's vhost-user socket", "source has no path");
        return NULL;
    }

    const struct guest_relay *r = relay_by_path(relays, n_relays, path);
    if (!r) {
        const struct guest_relay *alike = relay_by_name(relays, n_relays, path);
        if (alike)
            snprintf(fix, sizeof(fix), "set path='%s' (relay %u's socket)", alike->socket_path,
                     alike->id);
        else
            snprintf(fix, sizeof(fix), "set path to a relay socket, e.g. '%s' for relay %u",
                     n_relays ? relays[0].socket_path : "", n_relays ? relays[0].id : 0);
        add(res, false, src, fix, "socket '%s' belongs to no relay", path);
        return NULL;
    }
    /* A server relay creates its socket; a client relay connects to QEMU's,
     * which exists once the guest starts. */
    if (r->running && !r->relay_is_client && !r->socket_registered) {
        snprintf(fix, sizeof(fix), "create it: vio4wd-port-control add_sock --vhost-path %s", path);
        add(res, false, src, fix, "relay %u runs but does not serve socket '%s'", r->id, path);
    }

    bool has_mode = attr(src, "mode", mode, sizeof(mode));
    const char *want = guest_qemu_mode(r);
    if (strcmp(mode, want) != 0) {
        snprintf(fix, sizeof(fix), "set mode='%s'", want);
        add(res, false, src, fix,
            has_mode ? "mode '%s': relay %u is a vhost-user %s too, so neither side connects"
                     : "no mode%s: relay %u is a vhost-user %s and libvirt requires a mode",
            has_mode ? mode : "", r->id, r->relay_is_client ? "client" : "server");
    }

    xmlNodePtr rc = child(src, "reconnect");
    char enabled[8];
    attr(rc, "enabled", enabled, sizeof(enabled));
    if (strcmp(mode, "client") == 0 && strcmp(want, "client") == 0 && strcmp(enabled, "yes") != 0)
        add(res, true, rc ? rc : src, "add <reconnect enabled='yes' timeout='10'/> to <source>",
            "no reconnect: after a relay restart the guest's link stays down until the guest "
            "restarts");
    else if (strcmp(mode, "server") == 0 && rc && strcmp(enabled, "yes") == 0)
        add(res, false, rc, "remove <reconnect> (the relay reconnects to a server socket)",
            "reconnect on a server socket: libvirt and QEMU refuse it");
    return r;
}

static void check_model(xmlNodePtr iface, struct guest_check_result *res)
{
    char type[64];
    xmlNodePtr m = child(iface, "model");
    attr(m, "type", type, sizeof(type));
    if (strcmp(type, "virtio") != 0)
        add(res, false, m ? m : iface,
            m ? "set <model type='virtio'/>" : "add <model type='virtio'/>",
            m ? "model '%s': vhost-user serves virtio-net only"
              : "no model%s: vhost-user serves "
                "virtio-net only",
            m ? type : "");
}

static void check_ring_size(xmlNodePtr driver, const char *name, struct guest_check_result *res)
{
    char v[32];
    unsigned long n;
    if (!attr(driver, name, v, sizeof(v)))
        return;
    if (!parse_ulong(v, &n) || n < GUEST_MIN_RING || n > GUEST_MAX_RING || (n & (n - 1))) {
        char fix[128];
        snprintf(fix, sizeof(fix), "set %s to 256, 512 or 1024", name);
        add(res, false, driver, fix, "%s '%s': not a power of two from 256 to 1024", name, v);
    }
}

static void check_driver(xmlNodePtr iface, const struct guest_relay *r,
                         struct guest_check_result *res)
{
    char v[32], fix[256];
    unsigned long q = 1;
    xmlNodePtr driver = child(iface, "driver");

    if (attr(driver, "queues", v, sizeof(v)) && (!parse_ulong(v, &q) || q == 0)) {
        add(res, false, driver, "set queues to a number from 1 to 32",
            "queues '%s': not a queue count", v);
        q = 1;
    }
    if (q > GUEST_MAX_QUEUES) {
        snprintf(fix, sizeof(fix), "set queues='%d' or fewer", GUEST_MAX_QUEUES);
        add(res, false, driver, fix, "queues %lu: a relay serves at most %d queue pairs", q,
            GUEST_MAX_QUEUES);
    } else if (r && r->running && r->vf_max_queues && q > r->vf_max_queues) {
        snprintf(fix, sizeof(fix), "set queues='%u' or fewer", r->vf_max_queues);
        add(res, false, driver, fix, "queues %lu: relay %u's VF serves at most %u queue pairs", q,
            r->id, r->vf_max_queues);
    }
    check_ring_size(driver, "rx_queue_size", res);
    check_ring_size(driver, "tx_queue_size", res);
}

/* ---- checks of the domain ------------------------------------------------ */

static xmlXPathObjectPtr xpath(xmlXPathContextPtr ctx, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (o && (!o->nodesetval || o->nodesetval->nodeNr == 0)) {
        xmlXPathFreeObject(o);
        return NULL;
    }
    return o;
}

/* Guest memory the relay can map: shared for the whole domain, or for every
 * NUMA cell (a cell's memAccess overrides the domain's access mode). */
static void check_shared_memory(xmlXPathContextPtr ctx, xmlNodePtr root,
                                struct guest_check_result *res)
{
    char mode[32];
    xmlXPathObjectPtr acc = xpath(ctx, "/domain/memoryBacking/access");
    bool domain_shared = acc && attr(acc->nodesetval->nodeTab[0], "mode", mode, sizeof(mode)) &&
                         strcmp(mode, "shared") == 0;
    xmlXPathFreeObject(acc);

    xmlXPathObjectPtr cells = xpath(ctx, "/domain/cpu/numa/cell");
    if (!cells) {
        if (!domain_shared) {
            xmlXPathObjectPtr mb = xpath(ctx, "/domain/memoryBacking");
            add(res, false, mb ? mb->nodesetval->nodeTab[0] : root,
                "add <access mode='shared'/> to <memoryBacking> (with <hugepages/> or "
                "<source type='memfd'/>), or memAccess='shared' to every NUMA cell",
                "guest memory is private: the relay cannot map the virtio rings");
            xmlXPathFreeObject(mb);
        }
        return;
    }
    for (int i = 0; i < cells->nodesetval->nodeNr; i++) {
        xmlNodePtr cell = cells->nodesetval->nodeTab[i];
        bool has = attr(cell, "memAccess", mode, sizeof(mode));
        bool shared = has ? strcmp(mode, "shared") == 0 : domain_shared;
        if (!shared)
            add(res, false, cell, "set memAccess='shared' on the cell",
                "NUMA cell memory is %s: the relay cannot map the virtio rings",
                has ? mode : "private (no memAccess and no shared <memoryBacking>)");
    }
    xmlXPathFreeObject(cells);
}

static void host_sizes(const struct guest_host *host, char *buf, size_t buflen)
{
    buf[0] = '\0';
    for (size_t i = 0; i < host->n_hugepage_sizes; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, buflen - used, "%s%lu", i ? ", " : "", host->hugepage_kib[i]);
    }
    if (!buf[0])
        snprintf(buf, buflen, "none");
}

static void check_hugepages(xmlXPathContextPtr ctx, const struct guest_host *host,
                            struct guest_check_result *res)
{
    char size[32], unit[16], have[128], fix[256];
    xmlXPathObjectPtr hp = xpath(ctx, "/domain/memoryBacking/hugepages");
    if (!hp)
        return;
    host_sizes(host, have, sizeof(have));
    xmlNodePtr hugepages = hp->nodesetval->nodeTab[0];
    xmlXPathFreeObject(hp);
    if (!child(hugepages, "page") && host->n_hugepage_sizes == 0) {
        add(res, false, hugepages,
            "reserve huge pages on the host, or use "
            "<source type='memfd'/> instead of <hugepages/>",
            "huge pages asked for, but the host has none");
        return;
    }
    for (xmlNodePtr p = hugepages->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE || xmlStrcmp(p->name, BAD_CAST "page") != 0)
            continue;
        unsigned long n;
        attr(p, "size", size, sizeof(size));
        if (!attr(p, "unit", unit, sizeof(unit)))
            snprintf(unit, sizeof(unit), "KiB");
        unsigned long long scale = unit_bytes(unit);
        if (!parse_ulong(size, &n) || !scale) {
            add(res, false, p, "write the size as size='2048' unit='KiB'",
                "page size '%s' unit '%s' is not a size", size, unit);
            continue;
        }
        unsigned long long kib = (unsigned long long)n * scale / 1024;
        bool found = false;
        for (size_t i = 0; i < host->n_hugepage_sizes; i++)
            found = found || host->hugepage_kib[i] == kib;
        if (!found) {
            snprintf(fix, sizeof(fix),
                     "use a size the host has (KiB: %s), or reserve %llu KiB "
                     "pages on the host",
                     have, kib);
            add(res, false, p, fix, "the host has no %llu KiB huge pages", kib);
        }
    }
}

/* The guest's memory placement against the relay's worker node: remote
 * memory costs every packet a cross-node access, but works. */
static void check_numa(xmlXPathContextPtr ctx, const struct guest_relay *r,
                       struct guest_check_result *res)
{
    char set[256], fix[256];
    if (!r || !r->running || r->worker_node < 0)
        return;
    xmlXPathObjectPtr o = xpath(ctx, "/domain/numatune/memory | /domain/numatune/memnode");
    if (!o)
        return;
    for (int i = 0; i < o->nodesetval->nodeNr; i++) {
        xmlNodePtr n = o->nodesetval->nodeTab[i];
        if (attr(n, "nodeset", set, sizeof(set)) && !nodeset_has(set, r->worker_node)) {
            snprintf(fix, sizeof(fix),
                     "set nodeset='%d', or move relay %u's workers "
                     "(VIRTIOFWD_CPU_PINS) to node %s",
                     r->worker_node, r->id, set);
            add(res, true, n, fix,
                "guest memory on host node(s) %s, relay %u's workers on "
                "node %d: every packet crosses nodes",
                set, r->id, r->worker_node);
        }
    }
    xmlXPathFreeObject(o);
}

/* ---- the whole domain ---------------------------------------------------- */

int guest_check_domain(const char *xml, size_t len, const struct guest_relay *relays,
                       size_t n_relays, const struct guest_host *host,
                       struct guest_check_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof(*res));
    if (len > INT32_MAX) {
        snprintf(err, errlen, "the input is too large");
        return -1;
    }
    xmlResetLastError();
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        snprintf(err, errlen, "not well-formed XML%s%s", e && e->message ? ": " : "",
                 e && e->message ? e->message : "");
        /* libxml2's messages end in a newline. */
        size_t l = strlen(err);
        if (l && err[l - 1] == '\n')
            err[l - 1] = '\0';
        return -1;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, BAD_CAST "domain") != 0) {
        snprintf(err, errlen, "the root element is <%s>, not a libvirt <domain>",
                 root ? (const char *)root->name : "");
        xmlFreeDoc(doc);
        return -1;
    }
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr ifs = ctx ? xpath(ctx, "/domain/devices/interface[@type='vhostuser']") : NULL;
    const struct guest_relay *seen[GUEST_MAX_QUEUES * 2] = {0};
    size_t n_seen = 0;
    for (int i = 0; ifs && i < ifs->nodesetval->nodeNr; i++) {
        xmlNodePtr iface = ifs->nodesetval->nodeTab[i];
        res->n_interfaces++;
        const struct guest_relay *r = check_source(iface, relays, n_relays, res);
        for (size_t k = 0; r && k < n_seen; k++)
            if (seen[k] == r)
                add(res, false, child(iface, "source"), "connect each interface to its own relay",
                    "relay %u's socket is used by an earlier interface too", r->id);
        if (r && n_seen < sizeof(seen) / sizeof(seen[0]))
            seen[n_seen++] = r;
        check_model(iface, res);
        check_driver(iface, r, res);
        check_numa(ctx, r, res);
    }
    if (res->n_interfaces) {
        check_shared_memory(ctx, root, res);
        check_hugepages(ctx, host, res);
    }
    xmlXPathFreeObject(ifs);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return 0;
}
