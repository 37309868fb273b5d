/* SPDX-License-Identifier: BSD-3-Clause */
/* vio4wd-loadgen: a DPDK load generator that plays N guests and the VF-side
 * peer of each relay.  Run with --help for the interface.
 *
 * Order of things: parse and validate everything first (exit 2 on a bad
 * command line, before EAL prints a line), start EAL, open the VF-side ports
 * (memif servers, so the relay can connect its VFs), then attach to the
 * relay's vhost-user sockets, wait for every link, run, report. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "lg_config.h"
#include "lg_fence.h"
#include "lg_pkt.h"
#include "lg_port.h"
#include "lg_run.h"
#include "lg_stats.h"

#define PROG "vio4wd-loadgen"
#define LG_POOL_MBUFS \
    8192 /* per relay and queue pair: 2 ports x
                                   * (rx + tx rings) */
#define LG_NB_DESC 1024

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    /* First signal: stop sending and report.  Second: skip the drain. */
    if (stop_flag < 2)
        stop_flag++;
}

/* A memif server cannot bind over the socket file of a generator that was
 * killed; remove it if it is a socket (and only then). */
static void remove_stale_socket(const char *path)
{
    struct stat sb;

    if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode))
        unlink(path);
}

static int has_arg(int argc, char **argv, const char *prefix)
{
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    static struct lg_config cfg;
    static struct lg_relay_rt relays[LG_MAX_RELAYS];
    static struct lg_relay_stats stats[LG_MAX_RELAYS];
    struct lg_run run;
    char err[1024], prefix[64];
    char *eal_argv[128];
    int eal_argc = 0, ret, rc = LG_EXIT_OK, clean;
    unsigned i, nlcores, lc, k;
    uint64_t deadline;

    ret = lg_cli_parse(&cfg, argc, argv, err, sizeof(err));
    if (ret > 0)
        return LG_EXIT_OK;
    if (ret < 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return LG_EXIT_USAGE;
    }

    /* EAL arguments: the caller's verbatim, or a default for a host
     * without hugepages. */
    eal_argv[eal_argc++] = argv[0];
    if (cfg.eal_argc > 0) {
        if (cfg.eal_argc > (int)RTE_DIM(eal_argv) - 1) {
            fprintf(stderr, PROG ": too many EAL arguments (at most %d)\n",
                    (int)RTE_DIM(eal_argv) - 1);
            return LG_EXIT_USAGE;
        }
        for (ret = 0; ret < cfg.eal_argc; ret++)
            eal_argv[eal_argc++] = cfg.eal_argv[ret];
        if (!has_arg(cfg.eal_argc, cfg.eal_argv, "--file-prefix") &&
            !has_arg(cfg.eal_argc, cfg.eal_argv, "--in-memory"))
            fprintf(stderr, PROG ": warning: no --file-prefix in the EAL "
                                 "arguments; it must differ from every other DPDK process\n");
        if (has_arg(cfg.eal_argc, cfg.eal_argv, "--no-huge") &&
            !has_arg(cfg.eal_argc, cfg.eal_argv, "--single-file-segments"))
            fprintf(stderr, PROG ": warning: --no-huge without "
                                 "--single-file-segments: virtio_user cannot share memory "
                                 "with the relay\n");
    } else {
        static char *defaults[] = {
            "-l", "0", "--no-huge", "-m", "512", "--no-pci", "--single-file-segments",
        };

        for (k = 0; k < RTE_DIM(defaults); k++)
            eal_argv[eal_argc++] = defaults[k];
        snprintf(prefix, sizeof(prefix), "--file-prefix=vio4wd-lg%ld", (long)getpid());
        eal_argv[eal_argc++] = prefix;
    }
    eal_argv[eal_argc] = NULL;

    ret = rte_eal_init(eal_argc, eal_argv);
    if (ret < 0) {
        fprintf(stderr,
                PROG ": EAL init failed: %s (EAL arguments are "
                     "everything after \"--\"; see --help)\n",
                rte_strerror(rte_errno));
        return LG_EXIT_RUNTIME;
    }
    if (lg_fence_init() != 0) {
        fprintf(stderr, PROG ": cannot install the fault handler: %s\n", strerror(errno));
        return LG_EXIT_RUNTIME;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    /* A relay that dies leaves sockets whose next write would kill us with
     * SIGPIPE (memif says goodbye on close); we want the report instead. */
    signal(SIGPIPE, SIG_IGN);

    memset(&run, 0, sizeof(run));
    run.cfg = &cfg;
    run.relay = relays;
    run.stats = stats;
    run.stop = &stop_flag;

    /* Relays round-robin over the lcores, both ports of a relay on one. */
    nlcores = rte_lcore_count();
    lc = rte_get_main_lcore();
    for (i = 0; i < cfg.nrelays; i++) {
        char name[RTE_MEMPOOL_NAMESIZE];
        unsigned dataroom = RTE_MBUF_DEFAULT_BUF_SIZE;

        relays[i].cfg = &cfg.relay[i];
        relays[i].lcore = lc;
        lc = rte_get_next_lcore(lc, 0, 1);
        if (cfg.relay[i].size + RTE_PKTMBUF_HEADROOM > dataroom)
            dataroom = cfg.relay[i].size + RTE_PKTMBUF_HEADROOM;
        snprintf(name, sizeof(name), "lg_pool%u", cfg.relay[i].id);
        /* A per-lcore cache keeps recently freed (cache-hot) mbufs coming
         * back first; without it every mbuf cycles through the whole pool
         * cold, which cost three quarters of the tx rate.  Every queue
         * pair has rings of its own to fill (2^n - 1 mbufs suit the
         * mempool best). */
        relays[i].pool = rte_pktmbuf_pool_create(name, LG_POOL_MBUFS * cfg.relay[i].queues - 1, 256,
                                                 0, (uint16_t)dataroom,
                                                 (int)rte_lcore_to_socket_id(relays[i].lcore));
        if (relays[i].pool == NULL) {
            fprintf(stderr,
                    PROG ": relay %u: cannot create mbuf pool: %s "
                         "(give EAL more memory, -m)\n",
                    cfg.relay[i].id, rte_strerror(rte_errno));
            rc = LG_EXIT_RUNTIME;
            goto out;
        }
    }

    deadline = rte_rdtsc() + (uint64_t)(cfg.connect_timeout * (double)rte_get_tsc_hz());
    /* VF side first: memif servers that the relay's VFs connect to. */
    for (i = 0; i < cfg.nrelays; i++) {
        if (!cfg.relay[i].vf_custom)
            remove_stale_socket(cfg.relay[i].memif);
        if (lg_port_open(cfg.relay[i].vf_dev, relays[i].pool, LG_NB_DESC,
                         (uint16_t)cfg.relay[i].queues, deadline, &stop_flag, &relays[i].vf_port,
                         err, sizeof(err)) < 0) {
            fprintf(stderr, PROG ": relay %u VF side: %s\n", cfg.relay[i].id, err);
            rc = LG_EXIT_RUNTIME;
            goto out;
        }
        relays[i].vf_open = 1;
    }
    fprintf(stderr, PROG ": memif sockets ready\n");

    /* Guest side: one virtio-net device per relay on its vhost-user socket. */
    for (i = 0; i < cfg.nrelays; i++) {
        char dev[LG_PATH_MAX + 128];

        if (cfg.relay[i].server)
            remove_stale_socket(cfg.relay[i].socket);
        snprintf(dev, sizeof(dev),
                 "net_virtio_user%u,path=%s,queues=%u,"
                 "queue_size=%u%s",
                 cfg.relay[i].id, cfg.relay[i].socket, cfg.relay[i].queues, cfg.relay[i].qsize,
                 cfg.relay[i].server ? ",server=1" : "");
        if (lg_port_open(dev, relays[i].pool, LG_NB_DESC, (uint16_t)cfg.relay[i].queues, deadline,
                         &stop_flag, &relays[i].guest_port, err, sizeof(err)) < 0) {
            fprintf(stderr, PROG ": relay %u guest side: %s\n", cfg.relay[i].id, err);
            rc = LG_EXIT_RUNTIME;
            goto out;
        }
        relays[i].guest_open = 1;
    }

    /* Wait for every link: the relay must have both of its ends up. */
    for (;;) {
        unsigned down = 0;

        for (i = 0; i < cfg.nrelays; i++)
            down += !lg_port_link_up(relays[i].vf_port) + !lg_port_link_up(relays[i].guest_port);
        if (down == 0)
            break;
        if (rte_rdtsc() >= deadline || stop_flag) {
            for (i = 0; i < cfg.nrelays; i++) {
                if (!lg_port_link_up(relays[i].vf_port))
                    fprintf(stderr,
                            PROG ": relay %u: VF-side link down: "
                                 "nothing connected to '%s'\n",
                            cfg.relay[i].id, cfg.relay[i].vf_dev);
                if (!lg_port_link_up(relays[i].guest_port))
                    fprintf(stderr,
                            PROG ": relay %u: guest link down on "
                                 "vhost-user socket '%s'\n",
                            cfg.relay[i].id, cfg.relay[i].socket);
            }
            fprintf(stderr,
                    PROG ": peers not connected within %g s "
                         "(--connect-timeout)\n",
                    cfg.connect_timeout);
            rc = LG_EXIT_RUNTIME;
            goto out;
        }
        rte_delay_us_sleep(10000);
    }
    if (lg_run_prepare(&run) < 0) {
        fprintf(stderr, PROG ": out of memory\n");
        rc = LG_EXIT_RUNTIME;
        goto out;
    }
    if (cfg.probe) {
        uint64_t min_deadline = rte_rdtsc() + 2 * rte_get_tsc_hz();

        if (lg_run_probe(&run, deadline > min_deadline ? deadline : min_deadline) < 0) {
            fprintf(stderr,
                    PROG ": paths not forwarding within %g s "
                         "(--connect-timeout; --no-probe skips this check)\n",
                    cfg.connect_timeout);
            rc = LG_EXIT_RUNTIME;
            goto out;
        }
    }
    if (!cfg.quiet)
        fprintf(stderr,
                PROG ": %u relays connected on %u lcores, sending for "
                     "%g s\n",
                cfg.nrelays, nlcores, cfg.duration);
    lg_run_traffic(&run);
    if (lg_fence_faults() > 0)
        fprintf(stderr,
                PROG ": %llu bursts faulted while a peer disconnected (DPDK memif "
                     "unmaps under a running burst); their packets count as lost\n",
                (unsigned long long)lg_fence_faults());

    if (cfg.json)
        lg_report_json(stdout, &cfg, stats, &run.info);
    else
        lg_report_table(stdout, &cfg, stats, &run.info);
    fflush(stdout);
    clean = lg_report_clean(&cfg, stats);
    if (cfg.expect_no_loss && !clean)
        rc = LG_EXIT_LOSS;

out:
    lg_run_free(&run);
    for (i = 0; i < cfg.nrelays; i++) {
        if (stats[i].reconnects > 0) {
            /* DPDK 22.11's virtio_user leaves a closed fd registered with
             * the interrupt thread after a server-mode reconnect, and the
             * next change to that set panics.  Closing ports would make
             * one, so leave the cleanup to the kernel; only remove our
             * listening sockets so that a rerun can bind them. */
            fflush(stdout);
            for (i = 0; i < cfg.nrelays; i++) {
                if (!cfg.relay[i].vf_custom)
                    remove_stale_socket(cfg.relay[i].memif);
                if (cfg.relay[i].server)
                    remove_stale_socket(cfg.relay[i].socket);
            }
            _exit(rc);
        }
    }
    for (i = 0; i < cfg.nrelays; i++) {
        if (relays[i].guest_open)
            lg_port_close(relays[i].guest_port);
        if (relays[i].vf_open)
            lg_port_close(relays[i].vf_port);
    }
    rte_eal_cleanup();
    return rc;
}
