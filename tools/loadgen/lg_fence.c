/* SPDX-License-Identifier: BSD-3-Clause */
/* lg_fence.c - see lg_fence.h. */
#include "lg_fence.h"

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>

#include <rte_ethdev.h>

/* The burst this thread is in, if any. */
static __thread sigjmp_buf *in_burst;
static uint64_t g_faults;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    sigjmp_buf *jb = in_burst;

    (void)si;
    (void)ctx;
    if (jb != NULL) {
        in_burst = NULL;
        __atomic_fetch_add(&g_faults, 1, __ATOMIC_RELAXED);
        siglongjmp(*jb, 1);
    }
    /* not a fenced burst: the fault it would have been without us */
    signal(sig, SIG_DFL);
    raise(sig);
}

int lg_fence_init(void)
{
    struct sigaction sa = {.sa_sigaction = on_fault};

    /* SA_NODEFER: the handler leaves by siglongjmp, and the bursts'
     * sigsetjmp does not save the mask (a system call per burst), so the
     * signal must not stay blocked after a jump. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0)
        return -1;
    return 0;
}

uint16_t lg_fenced_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
    sigjmp_buf jb;
    uint16_t got;

    if (sigsetjmp(jb, 0) != 0)
        return 0;
    in_burst = &jb;
    got = rte_eth_rx_burst(port, queue, pkts, n);
    in_burst = NULL;
    return got;
}

uint16_t lg_fenced_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
    sigjmp_buf jb;
    volatile uint16_t all = n; /* read after a jump: not in a register */
    uint16_t sent;

    if (sigsetjmp(jb, 0) != 0)
        return all;
    in_burst = &jb;
    sent = rte_eth_tx_burst(port, queue, pkts, n);
    in_burst = NULL;
    return sent;
}

uint64_t lg_fence_faults(void)
{
    return __atomic_load_n(&g_faults, __ATOMIC_RELAXED);
}
