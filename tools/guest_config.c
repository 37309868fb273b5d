/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-guest-config - the guest side of a relay: prints the libvirt
 * <interface type='vhostuser'> element or the QEMU arguments that connect a
 * VM to a relay, and checks a libvirt domain against the relays.
 *
 * It reads the configuration file the relay reads (socket directory, file
 * name pattern, client or server) and, when the relay runs, its counters
 * file (the socket the relay really serves, how many queue pairs its VF
 * has, the NUMA node of its workers). guest_gen.c writes, guest_check.c
 * checks; this file only gathers the facts and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "counters.h"
#include "tool_options.h"
#include "guest.h"

#define HUGEPAGES_SYSFS "/sys/kernel/mm/hugepages"
#define MAX_INPUT       (16u << 20)

/* Exit codes of --check (the generators use 0 and EXIT_USAGE). */
#define EXIT_FINDINGS   1
#define EXIT_UNREADABLE 2

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "Usage: %s (--libvirt | --qemu) (--relay N ... | --all) [options]\n"
            "       %s --check DOMAIN.xml|- [options]\n"
            "Prints the guest configuration that connects a VM to a relay, or checks a\n"
            "libvirt domain's vhost-user interfaces against the relays.\n"
            "\n"
            "      --libvirt         the <interface type='vhostuser'> element\n"
            "      --qemu            the QEMU arguments, one per line\n"
            "      --check FILE      check a domain (virsh dumpxml output; - reads stdin)\n"
            "      --relay N         relay id, 0 to %d (repeatable)\n"
            "      --all             every relay of VIRTIOFWD_STATIC_VFS and every running one\n"
            "      --domain          with --libvirt: also <memoryBacking> and <cpu><numa>\n"
            "      --queues N        queue pairs, 1 to %d (default 1)\n"
            "      --rx-queue-size N, --tx-queue-size N\n"
            "                        virtio ring sizes: 256, 512 or 1024 (default: QEMU's)\n"
            "      --reconnect S     seconds between QEMU's reconnect attempts (default 10)\n"
            "      --mac MAC         the interface's MAC address\n"
            "      --memory MIB      guest memory in MiB (default 1024)\n"
            "      --vcpus N         guest CPUs, for the NUMA cell (default 1)\n"
            "      --backend B       shared memory: hugepages (default) or memfd\n"
            "      --hugepage-size K huge page size in KiB (default: the host's default)\n"
            "      --hugepages-dir D where the host's huge page sizes are listed\n"
            "                        (default " HUGEPAGES_SYSFS ")\n"
            "      --json            one JSON object instead of text\n" TOOL_COMMON_HELP "\n"
            "Exit status: 0 done (--check: no errors), 1 --check found errors,\n"
            "2 bad usage or an unreadable domain.\n",
            prog, prog, VIO4WD_MAX_RELAYS - 1, GUEST_MAX_QUEUES);
}

struct options {
    bool libvirt, qemu, domain, json, all;
    const char *check;
    const char *hugepages_dir;
    unsigned relay_ids[VIO4WD_MAX_RELAYS];
    size_t n_relay_ids;
    struct guest_gen_opts gen;
};

/* ---- the relays --------------------------------------------------------- */

/* What the configuration says of every relay id. */
static void relays_from_config(const struct vio4wd_config *cfg, struct guest_relay *relays)
{
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++) {
        struct guest_relay *r = &relays[id];
        memset(r, 0, sizeof(*r));
        r->id = id;
        r->relay_is_client = cfg->vhost_client;
        r->worker_node = -1;
        config_socket_path(cfg, id, r->socket_path, sizeof(r->socket_path));
    }
}

static int worker_node(const struct vio4wd_counters_snapshot *s, int cpu)
{
    for (uint32_t w = 0; w < s->header.n_workers && w < VIO4WD_CNT_MAX_WORKERS; w++)
        if (cpu >= 0 && s->worker[w].cpu == (uint32_t)cpu)
            return s->worker[w].numa_node;
    return -1;
}

/* Adds what a running relay says. Returns true when one runs. */
static bool relays_from_counters(const char *path, struct guest_relay *relays)
{
    char err[512];
    struct vio4wd_counters *c = vio4wd_counters_open(path, err, sizeof(err));
    if (!c)
        return false;
    struct vio4wd_counters_snapshot *s = malloc(sizeof(*s));
    bool running =
        s && vio4wd_counters_snapshot(c, s) == 0 && s->header.state == VIO4WD_CNT_RUNNING;
    for (unsigned id = 0; running && id < VIO4WD_MAX_RELAYS && id < s->header.max_relays; id++) {
        const struct vio4wd_cnt_relay *cr = &s->relay[id];
        struct guest_relay *r = &relays[id];
        r->running = true;
        r->socket_registered = cr->flags & VIO4WD_RELAY_VHOST_SOCK;
        if (cr->vhost_path[0]) /* the path it serves beats the file's */
            snprintf(r->socket_path, sizeof(r->socket_path), "%s", cr->vhost_path);
        r->vf_max_queues = cr->vf_max_queues;
        r->worker_node = worker_node(s, cr->dir[VIO4WD_DIR_VF_TO_VM].cpu);
        if (r->worker_node < 0)
            r->worker_node = worker_node(s, cr->dir[VIO4WD_DIR_VM_TO_VF].cpu);
    }
    free(s);
    vio4wd_counters_close(c);
    return running;
}

/* --all: the configured relays and the running ones, in id order. */
static void select_all(const struct vio4wd_config *cfg, const struct guest_relay *relays,
                       struct options *o)
{
    bool want[VIO4WD_MAX_RELAYS] = {false};
    for (unsigned i = 0; i < cfg->n_static_vfs; i++)
        want[cfg->static_vfs[i].relay_id] = true;
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++)
        if (relays[id].running && relays[id].socket_registered)
            want[id] = true;
    o->n_relay_ids = 0;
    for (unsigned id = 0; id < VIO4WD_MAX_RELAYS; id++)
        if (want[id])
            o->relay_ids[o->n_relay_ids++] = id;
}

/* ---- generation ----------------------------------------------------------- */

static struct json_object *args_json(const struct guest_args *a)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < a->argc; i++)
        json_object_array_add(arr, json_object_new_string(a->argv[i]));
    return arr;
}

static void print_args(const struct guest_args *a)
{
    /* An option and its value on one line, as a shell script wraps them. */
    for (size_t i = 0; i + 1 < a->argc; i += 2)
        printf("%s %s \\\n", a->argv[i], a->argv[i + 1]);
}

/* The per-relay JSON object of relay r, created on first use. */
static struct json_object *relay_json(struct json_object *list, size_t i,
                                      const struct guest_relay *r)
{
    struct json_object *jr = json_object_array_get_idx(list, i);
    if (jr)
        return jr;
    jr = json_object_new_object();
    json_object_object_add(jr, "id", json_object_new_int((int)r->id));
    json_object_object_add(jr, "socket", json_object_new_string(r->socket_path));
    json_object_object_add(jr, "mode", json_object_new_string(guest_qemu_mode(r)));
    json_object_array_put_idx(list, i, jr);
    return jr;
}

/* Text goes to stdout; with JSON, into root (once per guest) and list (per
 * relay). */
static void emit(struct json_object *obj, const char *key, const char *text)
{
    if (obj)
        json_object_object_add(obj, key, json_object_new_string(text));
    else
        fputs(text, stdout);
}

static void generate_libvirt(const struct options *o, const struct guest_relay *relays,
                             struct json_object *root, struct json_object *list)
{
    char buf[4096];

    if (o->domain) {
        if (!root)
            printf("<!-- in <domain>: -->\n");
        buf[0] = '\0';
        guest_gen_memory_backing(&o->gen, buf, sizeof(buf));
        emit(root, "memory_backing", buf);
        buf[0] = '\0';
        guest_gen_numa(&o->gen, buf, sizeof(buf));
        emit(root, "cpu_numa", buf);
        if (!root)
            printf("<!-- in <devices>: -->\n");
    }
    for (size_t i = 0; i < o->n_relay_ids; i++) {
        const struct guest_relay *r = &relays[o->relay_ids[i]];
        buf[0] = '\0';
        guest_gen_interface(r, &o->gen, buf, sizeof(buf));
        emit(root ? relay_json(list, i, r) : NULL, "interface", buf);
    }
}

static void generate_qemu(const struct options *o, const struct guest_relay *relays,
                          struct json_object *root, struct json_object *list)
{
    struct guest_args a = {0};

    guest_gen_qemu_memory(&o->gen, &a);
    if (root)
        json_object_object_add(root, "qemu_memory", args_json(&a));
    else
        print_args(&a);
    for (size_t i = 0; i < o->n_relay_ids; i++) {
        const struct guest_relay *r = &relays[o->relay_ids[i]];
        memset(&a, 0, sizeof(a));
        guest_gen_qemu_device(r, &o->gen, &a);
        if (root)
            json_object_object_add(relay_json(list, i, r), "qemu", args_json(&a));
        else
            print_args(&a);
    }
}

static int generate(const struct options *o, const struct guest_relay *relays)
{
    struct json_object *root = o->json ? json_object_new_object() : NULL;
    struct json_object *list = o->json ? json_object_new_array() : NULL;

    if (o->libvirt)
        generate_libvirt(o, relays, root, list);
    if (o->qemu)
        generate_qemu(o, relays, root, list);
    if (root) {
        json_object_object_add(root, "relays", list);
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
        json_object_put(root);
    }
    return 0;
}

/* ---- checking ------------------------------------------------------------- */

/* Reads all of 'path' ("-": stdin). Returns NULL with err set. */
static char *read_input(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %m", path);
        return NULL;
    }
    char *buf = malloc(MAX_INPUT + 1);
    size_t n = buf ? fread(buf, 1, MAX_INPUT + 1, f) : 0;
    bool bad = !buf || ferror(f) || n > MAX_INPUT;
    if (f != stdin)
        fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: %s", path,
                 !buf            ? "out of memory"
                 : n > MAX_INPUT ? "larger than 16 MiB"
                                 : "read error");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void print_findings_json(const char *input, const struct guest_check_result *res)
{
    struct json_object *root = json_object_new_object();
    struct json_object *list = json_object_new_array();
    json_object_object_add(root, "input", json_object_new_string(input));
    json_object_object_add(root, "interfaces", json_object_new_int((int)res->n_interfaces));
    json_object_object_add(root, "errors", json_object_new_int((int)res->n_errors));
    json_object_object_add(root, "warnings", json_object_new_int((int)res->n_warnings));
    for (size_t i = 0; i < res->n; i++) {
        const struct guest_finding *f = &res->findings[i];
        struct json_object *jf = json_object_new_object();
        json_object_object_add(jf, "severity",
                               json_object_new_string(f->warning ? "warning" : "error"));
        json_object_object_add(jf, "xpath", json_object_new_string(f->xpath));
        json_object_object_add(jf, "what", json_object_new_string(f->what));
        json_object_object_add(jf, "fix", json_object_new_string(f->fix));
        json_object_array_add(list, jf);
    }
    json_object_object_add(root, "findings", list);
    printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
}

static int check(const struct tool_common *tc, const struct options *o,
                 const struct guest_relay *relays)
{
    char err[1024];
    size_t len = 0;
    char *xml = read_input(o->check, &len, err, sizeof(err));
    if (!xml) {
        tool_err(tc, "%s", err);
        return EXIT_UNREADABLE;
    }
    struct guest_host host;
    guest_host_read(&host, o->hugepages_dir);
    struct guest_check_result res;
    int rc = guest_check_domain(xml, len, relays, VIO4WD_MAX_RELAYS, &host, &res, err, sizeof(err));
    free(xml);
    if (rc != 0) {
        tool_err(tc, "%s: %s", o->check, err);
        return EXIT_UNREADABLE;
    }
    if (o->json) {
        print_findings_json(o->check, &res);
    } else {
        for (size_t i = 0; i < res.n; i++) {
            const struct guest_finding *f = &res.findings[i];
            printf("%s: %s%s; fix: %s\n", f->xpath, f->warning ? "warning: " : "", f->what, f->fix);
        }
        printf("%s: %u vhostuser interface%s, %u error%s, %u warning%s\n", o->check,
               res.n_interfaces, res.n_interfaces == 1 ? "" : "s", res.n_errors,
               res.n_errors == 1 ? "" : "s", res.n_warnings, res.n_warnings == 1 ? "" : "s");
    }
    rc = res.n_errors ? EXIT_FINDINGS : 0;
    guest_check_free(&res);
    return rc;
}

/* ---- options -------------------------------------------------------------- */

static bool parse_size_opt(const struct tool_common *tc, const char *name, const char *arg,
                           unsigned max, unsigned *out)
{
    if (!tool_parse_uint(arg, max, out) || *out == 0) {
        tool_err(tc, "--%s '%s': expected a number from 1 to %u", name, arg, max);
        return false;
    }
    return true;
}

/* Parses the command line into o; returns -1 after a usage error, 1 after
 * --help, 0 to go on. */
static int parse_options(int argc, char **argv, struct tool_common *tc, struct options *o)
{
    enum {
        OPT_LIBVIRT = 1,
        OPT_QEMU,
        OPT_CHECK,
        OPT_RELAY,
        OPT_ALL,
        OPT_DOMAIN,
        OPT_QUEUES,
        OPT_RXQ,
        OPT_TXQ,
        OPT_RECONNECT,
        OPT_MAC,
        OPT_MEMORY,
        OPT_VCPUS,
        OPT_BACKEND,
        OPT_HPSIZE,
        OPT_HPDIR,
        OPT_JSON
    };
    static const struct option longopts[] = {
        {"libvirt", no_argument, NULL, OPT_LIBVIRT},
        {"qemu", no_argument, NULL, OPT_QEMU},
        {"check", required_argument, NULL, OPT_CHECK},
        {"relay", required_argument, NULL, OPT_RELAY},
        {"all", no_argument, NULL, OPT_ALL},
        {"domain", no_argument, NULL, OPT_DOMAIN},
        {"queues", required_argument, NULL, OPT_QUEUES},
        {"rx-queue-size", required_argument, NULL, OPT_RXQ},
        {"tx-queue-size", required_argument, NULL, OPT_TXQ},
        {"reconnect", required_argument, NULL, OPT_RECONNECT},
        {"mac", required_argument, NULL, OPT_MAC},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"vcpus", required_argument, NULL, OPT_VCPUS},
        {"backend", required_argument, NULL, OPT_BACKEND},
        {"hugepage-size", required_argument, NULL, OPT_HPSIZE},
        {"hugepages-dir", required_argument, NULL, OPT_HPDIR},
        {"json", no_argument, NULL, OPT_JSON},
        TOOL_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    unsigned u;
    int opt;

    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int r = tool_common_option(tc, opt, optarg);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        switch (opt) {
        case OPT_LIBVIRT:
            o->libvirt = true;
            break;
        case OPT_QEMU:
            o->qemu = true;
            break;
        case OPT_CHECK:
            o->check = optarg;
            break;
        case OPT_ALL:
            o->all = true;
            break;
        case OPT_DOMAIN:
            o->domain = true;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_HPDIR:
            o->hugepages_dir = optarg;
            break;
        case OPT_MAC:
            o->gen.mac = optarg;
            break;
        case OPT_RELAY:
            if (!tool_parse_uint(optarg, VIO4WD_MAX_RELAYS - 1, &u)) {
                tool_err(tc, "--relay '%s': expected a relay id, 0 to %d", optarg,
                         VIO4WD_MAX_RELAYS - 1);
                return -1;
            }
            if (o->n_relay_ids < VIO4WD_MAX_RELAYS)
                o->relay_ids[o->n_relay_ids++] = u;
            break;
        case OPT_QUEUES:
            if (!parse_size_opt(tc, "queues", optarg, GUEST_MAX_QUEUES, &o->gen.queues))
                return -1;
            break;
        case OPT_RXQ:
        case OPT_TXQ:
            if (!parse_size_opt(tc, opt == OPT_RXQ ? "rx-queue-size" : "tx-queue-size", optarg,
                                65535,
                                opt == OPT_RXQ ? &o->gen.rx_queue_size : &o->gen.tx_queue_size))
                return -1;
            break;
        case OPT_RECONNECT:
            if (!parse_size_opt(tc, "reconnect", optarg, 3600, &o->gen.reconnect_s))
                return -1;
            break;
        case OPT_MEMORY:
            if (!parse_size_opt(tc, "memory", optarg, 16u << 20, &u))
                return -1;
            o->gen.memory_mib = u;
            break;
        case OPT_VCPUS:
            if (!parse_size_opt(tc, "vcpus", optarg, 4096, &o->gen.vcpus))
                return -1;
            break;
        case OPT_HPSIZE:
            if (!parse_size_opt(tc, "hugepage-size", optarg, 16u << 20, &u))
                return -1;
            o->gen.hugepage_kib = u;
            break;
        case OPT_BACKEND:
            if (strcmp(optarg, "hugepages") == 0) {
                o->gen.backend = GUEST_MEM_HUGEPAGES;
            } else if (strcmp(optarg, "memfd") == 0) {
                o->gen.backend = GUEST_MEM_MEMFD;
            } else {
                tool_err(tc, "--backend '%s': expected hugepages or memfd", optarg);
                return -1;
            }
            break;
        case 'h':
            usage(stdout, tc->prog);
            return 1;
        default:
            fprintf(stderr, "Try '%s --help'.\n", tc->prog);
            return -1;
        }
    }
    if (optind < argc) {
        tool_err(tc, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if ((o->libvirt || o->qemu) == !!o->check) {
        tool_err(tc, "give --libvirt and/or --qemu, or --check DOMAIN.xml");
        return -1;
    }
    if (!o->check && (o->n_relay_ids > 0) == o->all) {
        tool_err(tc, "give --relay N (repeatable) or --all, not both");
        return -1;
    }
    char err[256];
    if (guest_gen_validate(&o->gen, err, sizeof(err)) != 0) {
        tool_err(tc, "%s", err);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct tool_common tc;
    struct options o = {.hugepages_dir = HUGEPAGES_SYSFS};
    static struct guest_relay relays[VIO4WD_MAX_RELAYS];

    tool_common_init(&tc, argv[0]);
    guest_gen_defaults(&o.gen);
    int rc = parse_options(argc, argv, &tc, &o);
    if (rc != 0)
        return rc > 0 ? 0 : EXIT_USAGE;
    if (tool_common_finish(&tc) != 0)
        return EXIT_USAGE;
    o.gen.hugetlbfs = tc.cfg.hugetlbfs_mount_point;

    relays_from_config(&tc.cfg, relays);
    relays_from_counters(tc.counters, relays);
    if (o.check)
        return check(&tc, &o, relays);
    if (o.all) {
        select_all(&tc.cfg, relays, &o);
        if (o.n_relay_ids == 0) {
            tool_err(&tc, "--all: no relay in VIRTIOFWD_STATIC_VFS and none running; "
                          "give --relay N");
            return EXIT_USAGE;
        }
    }
    return generate(&o, relays);
}
