/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line parsing for vio4wd-loadgen.  Pure C, no DPDK, so that every
 * rejection message is unit-tested. */
#include "lg_config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vio4wd_build_config.h"

#define LG_DEFAULT_RATE  100e3
#define LG_DEFAULT_SIZE  64
#define LG_MIN_SIZE      60 /* Ethernet minimum without FCS */
#define LG_MAX_SIZE      9000
#define LG_DEFAULT_QSIZE 1024

void lg_usage(const char *prog, FILE *out)
{
    fprintf(out,
            "Usage: %s [OPTIONS] --relay SPEC [--relay SPEC ...] [-- EAL-ARGS]\n"
            "\n"
            "Load generator for virtio-forwarder (vio4wd): acts as the guest (virtio-net\n"
            "over vhost-user) and as the VF-side peer of each relay, sends sequence-\n"
            "stamped packets at a rate that follows a profile over time, and counts per\n"
            "relay and direction: sent, received, lost, duplicated, reordered.\n"
            "\n"
            "Options:\n"
            "  --relay SPEC          a relay to drive (repeatable, at least one); see SPEC\n"
            "  -d, --duration T      send for T (default 10s; 0 = until SIGINT/SIGTERM)\n"
            "  -g, --grace T         after sending stops, keep receiving for up to T\n"
            "                        before counting what is missing as lost (default 1s)\n"
            "  --connect-timeout T   wait up to T for every relay's sockets and links,\n"
            "                        and for a probe packet to come back through each\n"
            "                        relay in each direction, before traffic starts\n"
            "                        (default 30s)\n"
            "  --no-probe            start as soon as the links are up, without probes\n"
            "                        (packets the relay drops while it gets ready then\n"
            "                        count as lost)\n"
            "  --socket-dir DIR      default vhost-user sockets are\n"
            "                        DIR/virtio-forwarder<ID>.sock (default /tmp, as the\n"
            "                        relay's default VIRTIOFWD_SOCKET_FNAME_PATTERN)\n"
            "  --memif-dir DIR       default memif sockets are DIR/vio4wd-memif<ID>.sock\n"
            "                        (default /tmp)\n"
            "  --rate R              offered rate of every relay direction whose SPEC\n"
            "                        gives no rate=, packets per second as in SPEC\n"
            "                        (default 100k); hold it fixed to compare latencies\n"
            "  --burst N             packets per tx/rx burst, 1..512 (default 32)\n"
            "  --window-bits N       reorder/duplicate window per stream is 2^N packets,\n"
            "                        10..28 (default 20)\n"
            "  --json                final report as one JSON object on stdout\n"
            "  -q, --quiet           no progress line on stderr each second\n"
            "  --expect-no-loss      exit 1 if any packet was lost, duplicated,\n"
            "                        reordered, misrouted or malformed\n"
            "  -h, --help            this text\n"
            "      --version         print the version\n"
            "\n"
            "SPEC is ID[,KEY=VALUE]... with ID the relay number 0..63 and keys:\n"
            "  rate=R         packets per second per direction, e.g. 64000, 500k, 2M\n"
            "                 (k=1e3, M=1e6, G=1e9; 0 to 100M; default 100k)\n"
            "  size=N         frame size in bytes without FCS, 60..9000 (default 64)\n"
            "  dir=D          both | vm2vf | vf2vm (default both); vm-to-vf, vm_to_vf,\n"
            "                 vf-to-vm and vf_to_vm are accepted too\n"
            "  profile=P      rate over time, times counted from the start of traffic:\n"
            "                   const                    rate all the time (default)\n"
            "                   step:T1:R1[:T2:R2...]    rate until T1, then R1 until T2..\n"
            "                   ramp:T1:R1[:T2:R2...]    linear from rate at 0 to R1 at T1,\n"
            "                                            then to R2 at T2, ...; then holds\n"
            "                 T like 10s, 500ms, 2min; at most 32 points\n"
            "  vm2vf-rate=R, vm2vf-profile=P, vf2vm-rate=R, vf2vm-profile=P\n"
            "                 the same for one direction only\n"
            "  socket=PATH    the relay's vhost-user socket\n"
            "                 (default SOCKET_DIR/virtio-forwarder<ID>.sock)\n"
            "  server=0|1     1: the generator listens on socket (relay in vhost client\n"
            "                 mode, VIRTIOFWD_VHOST_CLIENT) and carries on when the relay\n"
            "                 restarts and reconnects; default 0: it connects, once\n"
            "  qsize=N        virtio ring size, power of two 64..4096 (default 1024)\n"
            "  guest-stall=T1:T2  the guest stops draining its rings from T1 to T2\n"
            "                 (a guest that hangs: the relay must count VF->VM drops as\n"
            "                 queue-full); what it drops then counts as lost\n"
            "  vf-stall=T1:T2 the same for the VF-side peer (VM->VF)\n"
            "  queues=N       queue pairs on both ports, the guest and the VF-side peer,\n"
            "                 1..32 (default 1): bursts go round-robin over the queues,\n"
            "                 and every queue is a stream of its own (sequence numbers,\n"
            "                 loss, duplicates, reordering), as order only holds within\n"
            "                 a queue.  The relay gives its VF as many pairs as the guest\n"
            "                 has: add the relay's VF once the guest is up, so that it\n"
            "                 connects with all of them at once (DPDK 22.11's memif\n"
            "                 server can crash when its client restarts quickly)\n"
            "  memif=PATH     the VF-side memif socket (default\n"
            "                 MEMIF_DIR/vio4wd-memif<ID>.sock)\n"
            "  vf=DEVSTRING   any DPDK device as the VF-side peer instead of memif;\n"
            "                 must be the LAST key, it takes the rest of SPEC, commas\n"
            "                 and all, e.g. vf=net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap\n"
            "\n"
            "Pairing with the relay: for relay ID the generator is the memif server\n"
            "  net_memif<ID>,role=server,id=0,socket=MEMIF,socket-abstract=no\n"
            "and the relay's VF device string must be\n"
            "  net_memif<ID>,role=client,id=0,socket=MEMIF,socket-abstract=no\n"
            "(MEMIF as above, e.g. /tmp/vio4wd-memif3.sock for relay 3).  A memif client\n"
            "connects once, when its port starts, so START THE GENERATOR FIRST: it creates\n"
            "the memif sockets at once, then waits up to --connect-timeout for the\n"
            "relay's vhost-user sockets and for every link to come up.  The line\n"
            "\"vio4wd-loadgen: memif sockets ready\" on stderr says when the relay may\n"
            "start.\n"
            "\n"
            "EAL-ARGS, everything after \"--\", go to rte_eal_init verbatim.  On a host\n"
            "without hugepages use:\n"
            "  -- -l 0 --no-huge -m 512 --no-pci --single-file-segments --file-prefix=lg1\n"
            "  -l CPUS        relays are shared round-robin among these lcores\n"
            "  --no-huge -m MB   no hugepages; about 40 MB per relay and queue pair\n"
            "  --single-file-segments  required with --no-huge: virtio_user shares\n"
            "                 memory with the relay by file descriptor\n"
            "  --file-prefix=NAME  must differ from every other DPDK process running\n"
            "                 (the relay's and other generators')\n"
            "  --no-pci       do not touch PCI devices\n"
            "With no EAL-ARGS the generator uses exactly the line above with\n"
            "--file-prefix=vio4wd-lg<PID>.\n"
            "\n"
            "Packets: Ethernet, EtherType 0x88b5 (local experimental), then a 24-byte\n"
            "stamp: magic \"V4LG\", relay id, queue, direction, version, 64-bit sequence\n"
            "number per relay, direction and queue, TSC at send (for latency); the rest\n"
            "is zero.\n"
            "\n"
            "Report: a table, or with --json one object; lost = sent - distinct\n"
            "sequence numbers received after the grace period.  Latency is one-way,\n"
            "from the stamp's TSC to the receive poll, per relay and direction: min, avg,\n"
            "max and the percentiles p50, p99 and p99.9 (within 3%%; JSON latency_us,\n"
            "totals.latency_us over all streams).  A progress line goes to\n"
            "stderr every second.  SIGINT/SIGTERM stop sending early; the grace period\n"
            "and the report still follow.\n"
            "\n"
            "Exit status: 0 ok; 1 loss with --expect-no-loss; 2 bad command line;\n"
            "3 could not run (EAL, ports, peers not connected in time).\n"
            "\n"
            "Example, 4 relays with uneven and changing rates for 60 s:\n"
            "  %s -d 60 \\\n"
            "    --relay 0,rate=2M,profile=step:20s:200k \\\n"
            "    --relay 1,rate=200k,profile=ramp:30s:2M \\\n"
            "    --relay 2,rate=500k,dir=vm2vf \\\n"
            "    --relay 3,vm2vf-rate=1M,vf2vm-rate=100k,profile=step:40s:1.5M \\\n"
            "    -- -l 0 --no-huge -m 512 --no-pci --single-file-segments --file-prefix=lg\n",
            prog, prog);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Strict unsigned parse: digits only, in [lo, hi]. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned *out)
{
    char *end;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int parse_dir(const char *s, bool en[VIO4WD_DIR_COUNT])
{
    if (strcmp(s, "both") == 0) {
        en[VIO4WD_DIR_VM_TO_VF] = en[VIO4WD_DIR_VF_TO_VM] = true;
    } else if (strcmp(s, "vm2vf") == 0 || strcmp(s, "vm-to-vf") == 0 ||
               strcmp(s, "vm_to_vf") == 0) {
        en[VIO4WD_DIR_VM_TO_VF] = true;
        en[VIO4WD_DIR_VF_TO_VM] = false;
    } else if (strcmp(s, "vf2vm") == 0 || strcmp(s, "vf-to-vm") == 0 ||
               strcmp(s, "vf_to_vm") == 0) {
        en[VIO4WD_DIR_VM_TO_VF] = false;
        en[VIO4WD_DIR_VF_TO_VM] = true;
    } else {
        return -1;
    }
    return 0;
}

static int copy_path(char *dst, const char *src, const char *what, const char *spec, char *err,
                     size_t errlen)
{
    if (*src == '\0')
        return fail(err, errlen,
                    "option --relay '%s': %s is empty; "
                    "valid: a socket path",
                    spec, what);
    if (strlen(src) >= LG_PATH_MAX)
        return fail(err, errlen,
                    "option --relay '%s': %s '%s' is too long; "
                    "valid: a socket path of at most %d characters",
                    spec, what, src, LG_PATH_MAX - 1);
    strcpy(dst, src);
    return 0;
}

int lg_relay_parse(const struct lg_config *cfg, struct lg_relay_cfg *r, const char *spec, char *err,
                   size_t errlen)
{
    static const char rate_valid[] =
        "valid: packets per second, 0 to 100M, with optional k, M or G "
        "suffix (500k, 2M)";
    static const char valid_keys[] = "valid keys: rate size dir profile vm2vf-rate vm2vf-profile "
                                     "vf2vm-rate vf2vm-profile socket server qsize queues memif "
                                     "guest-stall vf-stall vf";
    const char *p = spec, *comma;
    char tok[LG_DEV_MAX + 32];
    double rate = cfg->has_rate ? cfg->rate : LG_DEFAULT_RATE;
    double drate[VIO4WD_DIR_COUNT] = {-1, -1};
    const char *profile = NULL, *dprofile[VIO4WD_DIR_COUNT] = {NULL, NULL};
    char profbuf[3][1024];
    bool have_socket = false, have_memif = false;
    int d;

    memset(r, 0, sizeof(*r));
    r->size = LG_DEFAULT_SIZE;
    r->qsize = LG_DEFAULT_QSIZE;
    r->queues = 1;
    r->enabled[VIO4WD_DIR_VM_TO_VF] = r->enabled[VIO4WD_DIR_VF_TO_VM] = true;

    /* ID */
    comma = strchr(p, ',');
    {
        size_t n = comma ? (size_t)(comma - p) : strlen(p);

        if (n >= sizeof(tok))
            n = sizeof(tok) - 1;
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (parse_uint(tok, 0, LG_MAX_RELAYS - 1, &r->id) < 0)
            return fail(err, errlen,
                        "option --relay '%s': bad relay id '%s'; "
                        "valid: SPEC starts with a relay number 0..%d, "
                        "e.g. --relay 1,rate=1M",
                        spec, tok, LG_MAX_RELAYS - 1);
        p = comma ? comma + 1 : p + n;
    }

    while (*p != '\0') {
        const char *eq;
        char *key, *val;
        size_t n;

        /* vf= swallows the rest: device strings have commas of their own. */
        if (strncmp(p, "vf=", 3) == 0) {
            n = strlen(p + 3);
            if (n == 0)
                return fail(err, errlen,
                            "option --relay '%s': vf is empty; "
                            "valid: a DPDK device string such as "
                            "net_memif5,role=client,socket=/tmp/m.sock",
                            spec);
            if (n >= LG_DEV_MAX)
                return fail(err, errlen,
                            "option --relay '%s': vf is too long; "
                            "valid: at most %d characters",
                            spec, LG_DEV_MAX - 1);
            strcpy(r->vf_dev, p + 3);
            r->vf_custom = true;
            break;
        }
        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        if (n >= sizeof(tok))
            return fail(err, errlen, "option --relay '%s': value too long", spec);
        memcpy(tok, p, n);
        tok[n] = '\0';
        p = comma ? comma + 1 : p + n;

        eq = strchr(tok, '=');
        if (eq == NULL)
            return fail(err, errlen,
                        "option --relay '%s': '%s' is not KEY=VALUE; "
                        "%s",
                        spec, tok, valid_keys);
        key = tok;
        val = tok + (eq - tok) + 1;
        tok[eq - tok] = '\0';

        if (strcmp(key, "rate") == 0 || strcmp(key, "vm2vf-rate") == 0 ||
            strcmp(key, "vf2vm-rate") == 0) {
            double v;

            if (lg_parse_rate(val, &v) < 0)
                return fail(err, errlen, "option --relay '%s': bad %s '%s'; %s", spec, key, val,
                            rate_valid);
            if (key[0] == 'r')
                rate = v;
            else
                drate[key[1] == 'm' ? VIO4WD_DIR_VM_TO_VF : VIO4WD_DIR_VF_TO_VM] = v;
        } else if (strcmp(key, "profile") == 0 || strcmp(key, "vm2vf-profile") == 0 ||
                   strcmp(key, "vf2vm-profile") == 0) {
            int slot = key[0] == 'p'   ? 2
                       : key[1] == 'm' ? VIO4WD_DIR_VM_TO_VF
                                       : VIO4WD_DIR_VF_TO_VM;

            snprintf(profbuf[slot], sizeof(profbuf[slot]), "%s", val);
            if (slot == 2)
                profile = profbuf[2];
            else
                dprofile[slot] = profbuf[slot];
        } else if (strcmp(key, "size") == 0) {
            if (parse_uint(val, LG_MIN_SIZE, LG_MAX_SIZE, &r->size) < 0)
                return fail(err, errlen,
                            "option --relay '%s': bad size '%s'; "
                            "valid: frame bytes without FCS, %d..%d",
                            spec, val, LG_MIN_SIZE, LG_MAX_SIZE);
        } else if (strcmp(key, "dir") == 0) {
            if (parse_dir(val, r->enabled) < 0)
                return fail(err, errlen,
                            "option --relay '%s': bad dir '%s'; "
                            "valid: both, vm2vf, vf2vm",
                            spec, val);
        } else if (strcmp(key, "socket") == 0) {
            if (copy_path(r->socket, val, "socket", spec, err, errlen) < 0)
                return -1;
            have_socket = true;
        } else if (strcmp(key, "memif") == 0) {
            if (copy_path(r->memif, val, "memif", spec, err, errlen) < 0)
                return -1;
            have_memif = true;
        } else if (strcmp(key, "server") == 0) {
            if (strcmp(val, "0") == 0 || strcmp(val, "1") == 0)
                r->server = val[0] == '1';
            else
                return fail(err, errlen,
                            "option --relay '%s': bad server '%s'; "
                            "valid: 0 or 1",
                            spec, val);
        } else if (strcmp(key, "guest-stall") == 0 || strcmp(key, "vf-stall") == 0) {
            int sd = key[0] == 'g' ? VIO4WD_DIR_VF_TO_VM : VIO4WD_DIR_VM_TO_VF;
            char *colon = strchr(val, ':');

            if (colon != NULL)
                *colon = '\0';
            if (colon == NULL || lg_parse_seconds(val, &r->stall_from[sd]) < 0 ||
                lg_parse_seconds(colon + 1, &r->stall_to[sd]) < 0 ||
                r->stall_to[sd] <= r->stall_from[sd])
                return fail(err, errlen,
                            "option --relay '%s': bad %s; valid: "
                            "T1:T2 with T1 < T2, as in 5s:8s",
                            spec, key);
        } else if (strcmp(key, "qsize") == 0) {
            if (parse_uint(val, 64, 4096, &r->qsize) < 0 || (r->qsize & (r->qsize - 1)) != 0)
                return fail(err, errlen,
                            "option --relay '%s': bad qsize '%s'; "
                            "valid: a power of two, 64..4096",
                            spec, val);
        } else if (strcmp(key, "queues") == 0) {
            if (parse_uint(val, 1, LG_MAX_QUEUES, &r->queues) < 0)
                return fail(err, errlen,
                            "option --relay '%s': bad queues '%s'; "
                            "valid: queue pairs per port, 1..%d",
                            spec, val, LG_MAX_QUEUES);
        } else {
            return fail(err, errlen,
                        "option --relay '%s': unknown key '%s'; "
                        "%s",
                        spec, key, valid_keys);
        }
    }

    for (d = 0; d < VIO4WD_DIR_COUNT; d++) {
        double base = drate[d] >= 0 ? drate[d] : rate;
        const char *prof = dprofile[d] ? dprofile[d] : profile;
        char perr[400];

        if (lg_profile_parse(&r->prof[d], base, prof, perr, sizeof(perr)) < 0)
            return fail(err, errlen, "option --relay '%s': bad %sprofile '%s': %s", spec,
                        dprofile[d] ? (d == VIO4WD_DIR_VM_TO_VF ? "vm2vf-" : "vf2vm-") : "", prof,
                        perr);
    }

    if (!have_socket) {
        if (snprintf(r->socket, sizeof(r->socket), "%s/virtio-forwarder%u.sock", cfg->socket_dir,
                     r->id) >= (int)sizeof(r->socket))
            return fail(err, errlen,
                        "option --socket-dir '%s': too long for a "
                        "socket path; valid: at most %d characters in all",
                        cfg->socket_dir, LG_PATH_MAX - 1);
    }
    if (!have_memif) {
        if (snprintf(r->memif, sizeof(r->memif), "%s/vio4wd-memif%u.sock", cfg->memif_dir, r->id) >=
            (int)sizeof(r->memif))
            return fail(err, errlen,
                        "option --memif-dir '%s': too long for a "
                        "socket path; valid: at most %d characters in all",
                        cfg->memif_dir, LG_PATH_MAX - 1);
    }
    if (r->vf_custom && have_memif)
        return fail(err, errlen,
                    "option --relay '%s': memif and vf both given; "
                    "valid: one of them",
                    spec);
    if (!r->vf_custom)
        snprintf(r->vf_dev, sizeof(r->vf_dev),
                 "net_memif%u,role=server,id=0,socket=%s,socket-abstract=no", r->id, r->memif);
    return 0;
}

static int parse_secs_opt(const char *opt, const char *val, double lo, double *out, char *err,
                          size_t errlen)
{
    if (lg_parse_seconds(val, out) < 0 || *out < lo || *out > 86400 * 365)
        return fail(err, errlen,
                    "option %s: bad value '%s'; valid: a time "
                    "like 30, 30s, 500ms or 2min, at least %g s",
                    opt, val, lo);
    return 0;
}

int lg_cli_parse(struct lg_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    enum {
        OPT_RELAY = 256,
        OPT_CONNECT_TIMEOUT,
        OPT_SOCKET_DIR,
        OPT_MEMIF_DIR,
        OPT_BURST,
        OPT_WINDOW_BITS,
        OPT_JSON,
        OPT_EXPECT_NO_LOSS,
        OPT_NO_PROBE,
        OPT_VERSION,
        OPT_RATE,
    };
    static const struct option opts[] = {
        {"relay", required_argument, NULL, OPT_RELAY},
        {"duration", required_argument, NULL, 'd'},
        {"grace", required_argument, NULL, 'g'},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"socket-dir", required_argument, NULL, OPT_SOCKET_DIR},
        {"memif-dir", required_argument, NULL, OPT_MEMIF_DIR},
        {"burst", required_argument, NULL, OPT_BURST},
        {"rate", required_argument, NULL, OPT_RATE},
        {"window-bits", required_argument, NULL, OPT_WINDOW_BITS},
        {"json", no_argument, NULL, OPT_JSON},
        {"quiet", no_argument, NULL, 'q'},
        {"expect-no-loss", no_argument, NULL, OPT_EXPECT_NO_LOSS},
        {"no-probe", no_argument, NULL, OPT_NO_PROBE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *specs[LG_MAX_RELAYS];
    unsigned nspecs = 0, i, j;
    int c;

    memset(cfg, 0, sizeof(*cfg));
    cfg->duration = 10;
    cfg->grace = 1;
    cfg->connect_timeout = 30;
    cfg->burst = 32;
    cfg->window_bits = 20;
    cfg->probe = true;
    strcpy(cfg->socket_dir, "/tmp");
    strcpy(cfg->memif_dir, "/tmp");

    optind = 1;
    opterr = 0;
    /* '+': stop at the first non-option, so nothing is silently reordered. */
    while ((c = getopt_long(argc, argv, "+:d:g:qh", opts, NULL)) != -1) {
        switch (c) {
        case OPT_RELAY:
            if (nspecs == LG_MAX_RELAYS)
                return fail(err, errlen, "option --relay: more than %d relays", LG_MAX_RELAYS);
            specs[nspecs++] = optarg;
            break;
        case 'd':
            if (parse_secs_opt("--duration", optarg, 0, &cfg->duration, err, errlen) < 0)
                return -1;
            break;
        case 'g':
            if (parse_secs_opt("--grace", optarg, 0, &cfg->grace, err, errlen) < 0)
                return -1;
            break;
        case OPT_CONNECT_TIMEOUT:
            if (parse_secs_opt("--connect-timeout", optarg, 0, &cfg->connect_timeout, err, errlen) <
                0)
                return -1;
            break;
        case OPT_SOCKET_DIR:
        case OPT_MEMIF_DIR: {
            char *dst = c == OPT_SOCKET_DIR ? cfg->socket_dir : cfg->memif_dir;
            const char *name = c == OPT_SOCKET_DIR ? "--socket-dir" : "--memif-dir";

            if (*optarg == '\0' || strlen(optarg) >= LG_PATH_MAX - 24)
                return fail(err, errlen,
                            "option %s: bad value '%s'; valid: a "
                            "directory path of 1 to %d characters",
                            name, optarg, LG_PATH_MAX - 25);
            strcpy(dst, optarg);
            break;
        }
        case OPT_RATE:
            if (lg_parse_rate(optarg, &cfg->rate) < 0)
                return fail(err, errlen,
                            "option --rate: bad value '%s'; valid: "
                            "packets per second, 0 to 100M, with optional k, M "
                            "or G suffix (500k, 2M)",
                            optarg);
            cfg->has_rate = true;
            break;
        case OPT_BURST:
            if (parse_uint(optarg, 1, 512, &cfg->burst) < 0)
                return fail(err, errlen,
                            "option --burst: bad value '%s'; "
                            "valid: 1..512",
                            optarg);
            break;
        case OPT_WINDOW_BITS:
            if (parse_uint(optarg, 10, 28, &cfg->window_bits) < 0)
                return fail(err, errlen,
                            "option --window-bits: bad value '%s'; "
                            "valid: 10..28",
                            optarg);
            break;
        case OPT_JSON:
            cfg->json = true;
            break;
        case 'q':
            cfg->quiet = true;
            break;
        case OPT_EXPECT_NO_LOSS:
            cfg->expect_no_loss = true;
            break;
        case OPT_NO_PROBE:
            cfg->probe = false;
            break;
        case 'h':
            lg_usage(argv[0], stdout);
            return 1;
        case OPT_VERSION:
            printf("vio4wd-loadgen (vio4wd) %s\n", VIO4WD_VERSION);
            return 1;
        case ':':
            return fail(err, errlen, "option %s needs a value; see --help", argv[optind - 1]);
        default:
            if (optopt != 0 && optopt < 256)
                return fail(err, errlen, "unknown option '-%c'; see --help", optopt);
            return fail(err, errlen,
                        "unknown option or missing value: '%s'; "
                        "see --help",
                        argv[optind - 1]);
        }
    }

    /* getopt_long consumed "--" if it was there; anything else left over is
     * a stray word. */
    if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
        return fail(err, errlen,
                    "unexpected argument '%s'; EAL arguments go "
                    "after \"--\"; see --help",
                    argv[optind]);
    cfg->eal_argc = argc - optind;
    cfg->eal_argv = argv + optind;

    if (nspecs == 0)
        return fail(err, errlen,
                    "option --relay: missing; valid: at least "
                    "one --relay ID[,KEY=VALUE]..., e.g. --relay 1,rate=1M");
    for (i = 0; i < nspecs; i++) {
        if (lg_relay_parse(cfg, &cfg->relay[i], specs[i], err, errlen) < 0)
            return -1;
        for (j = 0; j < i; j++)
            if (cfg->relay[j].id == cfg->relay[i].id)
                return fail(err, errlen,
                            "option --relay '%s': relay %u is "
                            "given twice; valid: each relay id once",
                            specs[i], cfg->relay[i].id);
    }
    cfg->nrelays = nspecs;
    return 0;
}
