/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-core-pinner - show or set which worker CPU serves each relay
 * direction.
 *
 * Without pins it reads the relay's counters and prints the map. With pins
 * it sends one core_sched UPDATE (the relay applies all of it or none),
 * then watches the counters until they show the new CPUs, so what it
 * prints is what the relay did, not what was asked.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pin_args.h"
#include "sched_proc.h"
#include "tool_options.h"
#include "tool_render.h"
#include "tool_view.h"
#include "cpuset.h"
#include "ctl_client.h"

#define MAX_WORKERS    1024
#define VERIFY_SECONDS 2.0

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "Usage: %s [options] [--virtio-cpu=R:C1[,C2]]... [R:C1[,C2]]...\n"
            "Shows which worker CPU serves each relay direction, or pins relays to CPUs.\n"
            "\n"
            "Without pins it prints one row per relay: its VF->VM CPU, VM->VF CPU, NUMA\n"
            "node and load (share of one core), from the relay's counters.\n"
            "With pins it applies all of them at once through the relay's core_sched\n"
            "endpoint (all or none), then prints the CPUs the relay now uses.\n"
            "\n"
            "  -c, --virtio-cpu R:C1[,C2]\n"
            "                        pin relay R: C1 serves VF->VM (VF to guest), C2 serves\n"
            "                        VM->VF (guest to VF); with one CPU both directions use\n"
            "                        it. The same order as VIRTIOFWD_CPU_PINS and the\n"
            "                        daemon's --cpu-pin. Repeatable; the option name may be\n"
            "                        left out (\"%s 0:1,2\").\n"
            "      --json            machine-readable output\n"
            "      --interval S      window for the loads in the map, in seconds (default 0.5)\n"
            "      --no-verify       do not wait for the counters to show the new CPUs\n"
            "      --print-core-map  print the map (the default without pins)\n"
            "      --include-inactive  also relays with neither a VF nor a guest\n" TOOL_COMMON_HELP
            "\n"
            "vio4wd_core_scheduler, when running, may move pinned relays again at its next\n"
            "decision; stop it (systemctl stop vio4wd_core_scheduler) to keep manual pins.\n"
            "Exit status: 0 done, 1 relay not running or it refused, 2 bad usage.\n",
            prog, prog);
}

/* ---- the map ------------------------------------------------------------ */

static void print_map(const struct tool_view *v)
{
    printf("%5s %7s %7s %4s %12s %12s  %s\n", "RELAY", "VF->VM", "VM->VF", "NODE", "LOAD VF->VM",
           "LOAD VM->VF", "STATE");
    for (unsigned i = 0; i < v->n_relays; i++) {
        const struct tool_relay_row *r = &v->relays[i];
        char c[2][16];
        for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
            snprintf(c[d], sizeof(c[d]), r->dir[d].cpu >= 0 ? "%d" : "-", r->dir[d].cpu);
        printf("%5u %7s %7s %4d %11.1f%% %11.1f%%  %s\n", r->id, c[VIO4WD_DIR_VF_TO_VM],
               c[VIO4WD_DIR_VM_TO_VF], r->numa, r->dir[VIO4WD_DIR_VF_TO_VM].load * 100,
               r->dir[VIO4WD_DIR_VM_TO_VF].load * 100,
               (r->flags & VIO4WD_RELAY_ACTIVE) == VIO4WD_RELAY_ACTIVE ? "active" : "inactive");
    }
    printf("workers:");
    for (unsigned i = 0; i < v->n_workers; i++)
        printf(" CPU %u (node %d, %.1f%%)%s", v->workers[i].cpu, v->workers[i].numa,
               v->workers[i].load * 100, i + 1 < v->n_workers ? "," : "");
    printf("\n");
}

static struct json_object *map_json(const struct tool_view *v, long sched_pid)
{
    struct json_object *full = tool_view_to_json(v);
    struct json_object *o = json_object_new_object(), *relays = json_object_new_array(), *x;

    /* The trace fields only: the map, not the statistics. */
    json_object_object_get_ex(full, "t", &x);
    json_object_object_add(o, "t", json_object_get(x));
    json_object_object_get_ex(full, "workers", &x);
    json_object_object_add(o, "workers", json_object_get(x));
    json_object_object_add(o, "relays", relays);
    json_object_object_get_ex(full, "relays", &x);
    for (size_t i = 0; i < json_object_array_length(x); i++) {
        struct json_object *r = json_object_array_get_idx(x, i), *f, *s = json_object_new_object();
        static const char *const keep[] = {"id", "numa", "cpu", "load", "active"};
        for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
            if (json_object_object_get_ex(r, keep[k], &f))
                json_object_object_add(s, keep[k], json_object_get(f));
        json_object_array_add(relays, s);
    }
    json_object_object_add(o, "scheduler_pid", sched_pid ? json_object_new_int64(sched_pid) : NULL);
    json_object_put(full);
    return o;
}

/* ---- pins --------------------------------------------------------------- */

/* What the counters say a relay's directions run on now. */
static bool counters_cpus(const struct tool_view *v, unsigned relay, int cpus[2])
{
    for (unsigned i = 0; i < v->n_relays; i++)
        if (v->relays[i].id == relay) {
            cpus[0] = v->relays[i].dir[VIO4WD_DIR_VF_TO_VM].cpu;
            cpus[1] = v->relays[i].dir[VIO4WD_DIR_VM_TO_VF].cpu;
            return true;
        }
    return false;
}

/* Polls the counters until every pin shows; returns how many did. */
static size_t verify(struct tool_common *tc, const struct vio4wd_cpu_pin *pins, size_t n,
                     bool *confirmed, bool *readable)
{
    struct timespec t0, now;
    struct tool_view *v = malloc(sizeof(*v));
    size_t ok = 0;

    *readable = false;
    if (!v)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        ok = 0;
        char err[512];
        /* A missing counters file only means we cannot confirm. */
        if (tool_read_view(tc, 0, v, err, sizeof(err)) == 0) {
            *readable = true;
            for (size_t i = 0; i < n; i++) {
                int c[2];
                confirmed[i] = counters_cpus(v, pins[i].relay_id, c) &&
                               c[0] == (int)pins[i].vf_to_vm_cpu &&
                               c[1] == (int)pins[i].vm_to_vf_cpu;
                ok += confirmed[i];
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        double spent = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        if (ok == n || !*readable || spent > VERIFY_SECONDS)
            break;
        tool_sleep(0.02, NULL);
    }
    free(v);
    return ok;
}

static int apply(struct tool_common *tc, const struct vio4wd_cpu_pin *pins, size_t n,
                 const char *const *texts, bool json, bool do_verify, long sched_pid)
{
    char err[1024];
    unsigned workers[MAX_WORKERS];
    size_t n_workers = 0;
    int rc = EXIT_NOT_RUNNING;

    struct ctl_client *cl = ctl_client_open(tc->sched_ep, tc->timeout_ms, err, sizeof(err));
    if (!cl) {
        tool_err(tc, "%s", err);
        return EXIT_NOT_RUNNING;
    }
    if (ctl_get_worker_cpus(cl, workers, MAX_WORKERS, &n_workers, err, sizeof(err)) != 0) {
        tool_err(tc,
                 "%s (the relay serves core_sched only with VIO4WD_CORE_SCHED_ENABLE=true "
                 "or --core-sched)",
                 err);
        goto out;
    }
    /* The relay checks too, but here the message can name the option. */
    struct vio4wd_cpuset set;
    cpuset_clear(&set);
    for (size_t i = 0; i < n_workers; i++)
        cpuset_add(&set, workers[i]);
    char list[256];
    cpuset_format(&set, list, sizeof(list));
    for (size_t i = 0; i < n; i++) {
        unsigned c[2] = {pins[i].vf_to_vm_cpu, pins[i].vm_to_vf_cpu};
        for (int d = 0; d < 2; d++)
            if (!cpuset_has(&set, c[d])) {
                tool_err(tc,
                         "--virtio-cpu '%s': CPU %u is not one of the relay's worker "
                         "CPUs (%s)",
                         texts[i], c[d], list);
                rc = EXIT_USAGE;
                goto out;
            }
    }

    struct ctl_relay_cpus map[VIO4WD_MAX_RELAYS];
    for (size_t i = 0; i < n; i++) {
        map[i].relay = (int)pins[i].relay_id;
        map[i].vf_to_vm_cpu = (int)pins[i].vf_to_vm_cpu;
        map[i].vm_to_vf_cpu = (int)pins[i].vm_to_vf_cpu;
    }
    int code = 0;
    if (ctl_update_mapping(cl, map, n, &code, err, sizeof(err)) != 0) {
        tool_err(tc, "the relay refused the pins, none applied: %s", err);
        goto out;
    }

    bool confirmed[VIO4WD_MAX_RELAYS] = {false}, readable = false;
    if (do_verify)
        verify(tc, pins, n, confirmed, &readable);
    struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const char *how = !do_verify     ? "applied"
                          : confirmed[i] ? "applied, confirmed by the counters"
                          : readable     ? "applied; the counters do not show it yet"
                                         : "applied; counters not readable to confirm";
        if (!json)
            printf("relay %u: VF->VM on CPU %u, VM->VF on CPU %u (%s)\n", pins[i].relay_id,
                   pins[i].vf_to_vm_cpu, pins[i].vm_to_vf_cpu, how);
        struct json_object *o = json_object_new_object(), *cpu = json_object_new_object();
        json_object_object_add(o, "relay", json_object_new_int64(pins[i].relay_id));
        json_object_object_add(cpu, "vf_to_vm", json_object_new_int64(pins[i].vf_to_vm_cpu));
        json_object_object_add(cpu, "vm_to_vf", json_object_new_int64(pins[i].vm_to_vf_cpu));
        json_object_object_add(o, "cpu", cpu);
        json_object_object_add(
            o, "confirmed", do_verify && readable ? json_object_new_boolean(confirmed[i]) : NULL);
        json_object_array_add(arr, o);
    }
    json_object_object_add(root, "applied", arr);
    json_object_object_add(root, "scheduler_pid",
                           sched_pid ? json_object_new_int64(sched_pid) : NULL);
    if (json)
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    rc = 0;
out:
    ctl_client_close(cl);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"virtio-cpu", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"interval", required_argument, NULL, 'i'},
        {"no-verify", no_argument, NULL, 'n'},
        {"print-core-map", no_argument, NULL, 'm'},
        {"include-inactive", no_argument, NULL, 'a'},
        TOOL_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct tool_common tc;
    struct vio4wd_cpu_pin pins[VIO4WD_MAX_RELAYS];
    const char *texts[VIO4WD_MAX_RELAYS];
    size_t n_pins = 0;
    bool json = false, do_verify = true, inactive = false;
    double interval = 0.5;
    char err[512];
    int opt;

    tool_common_init(&tc, argv[0]);
    while ((opt = tool_getopt(&tc, argc, argv, "c:h", longopts, usage)) >= 0) {
        switch (opt) {
        case 'c':
            if (tool_parse_pin(optarg, pins, &n_pins, VIO4WD_MAX_RELAYS, err, sizeof(err)) != 0) {
                tool_err(&tc, "%s", err);
                return EXIT_USAGE;
            }
            texts[n_pins - 1] = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'i':
            if (!tool_parse_seconds(optarg, 0.01, 60, &interval)) {
                tool_err(&tc, "--interval '%s': expected seconds, 0.01 to 60", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n':
            do_verify = false;
            break;
        case 'm':
            break; /* the original's name for the default */
        case 'a':
            inactive = true;
            break;
        }
    }
    if (opt != -1)
        return tool_getopt_status(opt);
    /* The original took pins as bare arguments too ("core_pinner 0:1"). */
    for (int i = optind; i < argc; i++) {
        if (tool_parse_pin(argv[i], pins, &n_pins, VIO4WD_MAX_RELAYS, err, sizeof(err)) != 0) {
            tool_err(&tc, "%s", err);
            return EXIT_USAGE;
        }
        texts[n_pins - 1] = argv[i];
    }
    if (tool_common_finish(&tc) != 0)
        return EXIT_USAGE;

    long sched_pid = tool_find_scheduler(tc.cfg.pid_dir);
    if (sched_pid && n_pins)
        tool_err(&tc,
                 "warning: %s is running (pid %ld) and may move these relays again at "
                 "its next decision; stop it to keep manual pins",
                 TOOL_SCHED_NAME, sched_pid);

    if (n_pins)
        return apply(&tc, pins, n_pins, texts, json, do_verify, sched_pid);

    struct tool_view *v = malloc(sizeof(*v));
    if (!v || tool_read_view(&tc, interval, v, err, sizeof(err)) != 0) {
        tool_err(&tc, "%s", v ? err : "out of memory");
        free(v);
        return EXIT_NOT_RUNNING;
    }
    tool_view_filter(v, NULL, 0, inactive);
    if (json) {
        struct json_object *o = map_json(v, sched_pid);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    } else {
        print_map(v);
        if (sched_pid)
            printf("%s is running (pid %ld): it may change this map.\n", TOOL_SCHED_NAME,
                   sched_pid);
    }
    free(v);
    return 0;
}
