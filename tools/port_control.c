/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-port-control - attach and detach VFs and vhost-user sockets at run
 * time through the relay's port_control endpoint.
 *
 * The original tool's operations and flags, so existing scripts keep
 * working; beyond it, --device takes DPDK device strings (net_memif0,...),
 * which the original could not add at run time, and 'query'.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_options.h"
#include "ctl_client.h"
#include "pci.h"
#include "rate.h"

#define MAX_DEVICES 16

static void usage(FILE *out, const char *prog)
{
    fprintf(
        out,
        "Usage: %s OP [options]\n"
        "Adds or removes VFs and vhost-user sockets of a running relay.\n"
        "\n"
        "OP is one of:\n"
        "  add          attach a VF to relay --virtio-id; several devices make a bond\n"
        "  remove       detach the VF of relay --virtio-id\n"
        "  add_sock     create the vhost-user socket --vhost-path (dynamic sockets)\n"
        "  remove_sock  remove the vhost-user socket --vhost-path\n"
        "  query        \"<relay> <device>\" for the relay using --device/--pci-addr, or\n"
        "               for every relay with a VF; with --virtio-id N, N's device\n"
        "  rate         set or show the rate limits of relay --virtio-id\n"
        "\n"
        "      --virtio-id N     relay (virtio instance) number, 0 to %d\n"
        "      --pci-addr ADDR   VF PCI address, 0000:05:08.1 or 05:08.1 (repeatable)\n"
        "      --device DEV      DPDK device string, e.g. net_memif0,role=client,socket=/tmp/m\n"
        "                        or net_tap0,iface=vf0 (repeatable, mixes with --pci-addr)\n"
        "      --name NAME       bond device name (net_bonding...) when several devices\n"
        "      --mode N          bonding mode 0-6: 0 round robin, 1 active backup (default),\n"
        "                        2 balance, 3 broadcast, 4 802.3ad, 5 TLB, 6 ALB\n"
        "      --vhost-path PATH vhost-user socket for add_sock / remove_sock\n"
        "      --conditional     a request that changes nothing is OK, not an error\n"
        "      --rate RATE       rate: limit both directions (VIRTIOFWD_RATE_LIMITS syntax:\n"
        "                        10Mb/s@20ms, 1GB/s, 500kB/s@50ms; unlimited removes it)\n"
        "      --vf-to-vm RATE   rate: limit what the guest receives\n"
        "      --vm-to-vf RATE   rate: limit what the guest sends\n"
        "                        (rate without a limit shows the limits in force)\n"
        "  -e, --zmq_ep EP       the original's name for --port-ep\n" TOOL_COMMON_HELP "\n"
        "Exit status: 0 done, 1 relay not running or it refused, 2 bad usage.\n",
        prog, VIO4WD_MAX_RELAYS - 1);
}

struct op_name {
    const char *name;
    Virtioforwarder__PortControlRequest__Op op;
};

static const struct op_name ops[] = {
    {"add", VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD},
    {"remove", VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE},
    {"add_sock", VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD_SOCK},
    {"remove_sock", VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE_SOCK},
    {"query", VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__QUERY_PCI},
    {"rate", VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE},
};

int main(int argc, char **argv)
{
    enum {
        OPT_VIRTIO_ID = 1,
        OPT_PCI,
        OPT_DEVICE,
        OPT_NAME,
        OPT_MODE,
        OPT_VHOST,
        OPT_COND,
        OPT_RATE,
        OPT_RATE_UP,
        OPT_RATE_DOWN
    };
    static const struct option longopts[] = {
        {"virtio-id", required_argument, NULL, OPT_VIRTIO_ID},
        {"pci-addr", required_argument, NULL, OPT_PCI},
        {"device", required_argument, NULL, OPT_DEVICE},
        {"name", required_argument, NULL, OPT_NAME},
        {"mode", required_argument, NULL, OPT_MODE},
        {"vhost-path", required_argument, NULL, OPT_VHOST},
        {"conditional", no_argument, NULL, OPT_COND},
        {"rate", required_argument, NULL, OPT_RATE},
        {"vf-to-vm", required_argument, NULL, OPT_RATE_UP},
        {"vm-to-vf", required_argument, NULL, OPT_RATE_DOWN},
        {"zmq_ep", required_argument, NULL, 'e'},
        {"zmq-ep", required_argument, NULL, 'e'},
        TOOL_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct tool_common tc;
    struct ctl_port_request req;
    const char *devices[MAX_DEVICES];
    bool have_id = false;
    unsigned u;
    char err[1024];
    int opt;

    tool_common_init(&tc, argv[0]);
    memset(&req, 0, sizeof(req));
    req.bond_mode = -1;
    req.virtio_id = -1; /* none unless --virtio-id: query asks all relays */
    req.devices = devices;
    /* The original tool sent conditional=false unless told otherwise. */
    req.conditional = false;
    while ((opt = tool_getopt(&tc, argc, argv, "e:h", longopts, usage)) >= 0) {
        switch (opt) {
        case OPT_VIRTIO_ID:
            if (!tool_parse_uint(optarg, VIO4WD_MAX_RELAYS - 1, &u)) {
                tool_err(&tc, "--virtio-id '%s': expected a relay number, 0 to %d", optarg,
                         VIO4WD_MAX_RELAYS - 1);
                return EXIT_USAGE;
            }
            req.virtio_id = (int)u;
            have_id = true;
            break;
        case OPT_PCI:
        case OPT_DEVICE: {
            struct pci_address pci;
            if (opt == OPT_PCI && !pci_parse(optarg, &pci)) {
                tool_err(&tc,
                         "--pci-addr '%s': not a PCI address; expected DDDD:BB:SS.F or "
                         "BB:SS.F (hex), or use --device for a DPDK device string",
                         optarg);
                return EXIT_USAGE;
            }
            if (opt == OPT_DEVICE && (!*optarg || strlen(optarg) >= VIO4WD_DEVICE_MAX)) {
                tool_err(&tc,
                         "--device '%s': expected a DPDK device string of 1 to %d "
                         "characters",
                         optarg, VIO4WD_DEVICE_MAX - 1);
                return EXIT_USAGE;
            }
            if (req.n_devices >= MAX_DEVICES) {
                tool_err(&tc, "'%s': at most %d devices in one request", optarg, MAX_DEVICES);
                return EXIT_USAGE;
            }
            devices[req.n_devices++] = optarg;
            break;
        }
        case OPT_NAME:
            if (!*optarg) {
                tool_err(&tc, "--name: the bond name is empty");
                return EXIT_USAGE;
            }
            req.bond_name = optarg;
            break;
        case OPT_MODE:
            if (!tool_parse_uint(optarg, 6, &u)) {
                tool_err(&tc, "--mode '%s': expected a bonding mode, 0 to 6", optarg);
                return EXIT_USAGE;
            }
            req.bond_mode = (int)u;
            break;
        case OPT_VHOST:
            if (!*optarg) {
                tool_err(&tc, "--vhost-path: the path is empty");
                return EXIT_USAGE;
            }
            req.vhost_path = optarg;
            break;
        case OPT_COND:
            req.conditional = true;
            break;
        case OPT_RATE:
        case OPT_RATE_UP:
        case OPT_RATE_DOWN: {
            /* Checked here too, so a typo never reaches the relay. */
            struct vio4wd_rate rate;
            if (rate_parse(optarg, &rate, err, sizeof(err)) < 0) {
                tool_err(&tc, "--%s: %s",
                         opt == OPT_RATE      ? "rate"
                         : opt == OPT_RATE_UP ? "vf-to-vm"
                                              : "vm-to-vf",
                         err);
                return EXIT_USAGE;
            }
            if (opt != OPT_RATE_DOWN)
                req.rate[0] = optarg;
            if (opt != OPT_RATE_UP)
                req.rate[1] = optarg;
            break;
        }
        case 'e':
            tc.port_ep = optarg;
            break;
        }
    }
    if (opt != -1)
        return tool_getopt_status(opt);
    if (optind >= argc) {
        tool_err(&tc, "no operation; expected one of add, remove, add_sock, remove_sock, query, "
                      "rate");
        return EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        tool_err(&tc, "unexpected argument '%s' after the operation", argv[optind + 1]);
        return EXIT_USAGE;
    }
    const struct op_name *op = NULL;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(argv[optind], ops[i].name) == 0)
            op = &ops[i];
    if (!op) {
        tool_err(&tc,
                 "unknown operation '%s'; expected one of add, remove, add_sock, "
                 "remove_sock, query, rate",
                 argv[optind]);
        return EXIT_USAGE;
    }
    req.op = op->op;

    /* What each operation needs, checked here so the message names it. */
    switch (op->op) {
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD:
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE:
        if (!have_id || req.n_devices == 0) {
            tool_err(&tc, "%s needs --virtio-id and at least one --pci-addr or --device", op->name);
            return EXIT_USAGE;
        }
        if (req.bond_name && req.n_devices < 2) {
            tool_err(&tc, "--name '%s' names a bond, which needs at least two devices",
                     req.bond_name);
            return EXIT_USAGE;
        }
        /* As the original: the mode travels with a bond name, default 1. */
        if (req.bond_name && req.bond_mode < 0)
            req.bond_mode = 1;
        break;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__ADD_SOCK:
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__REMOVE_SOCK:
        if (!req.vhost_path) {
            tool_err(&tc, "%s needs --vhost-path", op->name);
            return EXIT_USAGE;
        }
        break;
    case VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE:
        if (!have_id) {
            tool_err(&tc, "rate needs --virtio-id");
            return EXIT_USAGE;
        }
        break;
    default:
        break;
    }
    /* The original tool sent relay 0 when none was named; only query asks
     * about every relay. */
    if (!have_id && op->op != VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__QUERY_PCI)
        req.virtio_id = 0;
    if ((req.rate[0] || req.rate[1]) && op->op != VIRTIOFORWARDER__PORT_CONTROL_REQUEST__OP__RATE) {
        tool_err(&tc, "--rate, --vf-to-vm and --vm-to-vf belong to the rate operation");
        return EXIT_USAGE;
    }
    if (!req.bond_name)
        req.bond_mode = -1;
    if (tool_common_finish(&tc) != 0)
        return EXIT_USAGE;

    struct ctl_client *cl = ctl_client_open(tc.port_ep, tc.timeout_ms, err, sizeof(err));
    if (!cl) {
        tool_err(&tc, "%s", err);
        return EXIT_NOT_RUNNING;
    }
    char *answer = NULL;
    int code = 0, rc = 0;
    if (ctl_port_control(cl, &req, &answer, &code, err, sizeof(err)) != 0) {
        tool_err(&tc, "%s failed: %s", op->name, err);
        rc = EXIT_NOT_RUNNING;
    } else if (answer && *answer) {
        printf("%s\n", answer);
    } else {
        printf("%s: OK\n", op->name);
    }
    free(answer);
    ctl_client_close(cl);
    return rc;
}
