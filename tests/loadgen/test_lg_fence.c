/* SPDX-License-Identifier: BSD-3-Clause */
/* test_lg_fence.c - a burst that faults (as memif's does when its peer's
 * region is unmapped under it) returns instead of killing the generator;
 * a fault outside a burst still kills it. The bursts are fakes installed
 * in ethdev's fast-path table, so no EAL is needed. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_ethdev.h>

#include "lg_fence.h"

#define PORT 3

static volatile uint8_t *g_gone; /* a page with no access: the unmapped region */
static void *g_queues[1];
static void *g_callbacks[1];

static uint16_t burst_ok(void *q, struct rte_mbuf **pkts, uint16_t n)
{
    (void)q;
    (void)pkts;
    return n / 2;
}

static uint16_t burst_faults(void *q, struct rte_mbuf **pkts, uint16_t n)
{
    (void)q;
    (void)pkts;
    return (uint16_t)(n + g_gone[0]);
}

static void use(eth_rx_burst_t rx, eth_tx_burst_t tx)
{
    struct rte_eth_fp_ops *ops = &rte_eth_fp_ops[PORT];

    ops->rx_pkt_burst = rx;
    ops->tx_pkt_burst = tx;
    ops->rxq.data = g_queues;
    ops->txq.data = g_queues;
    ops->rxq.clbk = g_callbacks;
    ops->txq.clbk = g_callbacks;
}

static int setup(void **state)
{
    (void)state;
    g_gone = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return g_gone == MAP_FAILED;
}

static void test_fault_in_burst_returns(void **state)
{
    struct rte_mbuf *pkts[8];
    (void)state;

    /* each test: cmocka installs its own fault handlers around a test */
    assert_int_equal(lg_fence_init(), 0);
    use(burst_faults, burst_faults);
    uint64_t before = lg_fence_faults();
    assert_int_equal(lg_fenced_rx(PORT, 0, pkts, 8), 0);
    /* tx: all count as sent, none to be freed by the caller */
    assert_int_equal(lg_fenced_tx(PORT, 0, pkts, 8), 8);
    /* the signal is not left blocked: a second fault is caught too */
    assert_int_equal(lg_fenced_rx(PORT, 0, pkts, 8), 0);
    assert_int_equal(lg_fence_faults() - before, 3);

    use(burst_ok, burst_ok);
    assert_int_equal(lg_fenced_rx(PORT, 0, pkts, 8), 4);
    assert_int_equal(lg_fenced_tx(PORT, 0, pkts, 8), 4);
    assert_int_equal(lg_fence_faults() - before, 3);
}

static void test_fault_outside_burst_kills(void **state)
{
    int status;
    (void)state;

    assert_int_equal(lg_fence_init(), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        volatile uint8_t x = g_gone[0];
        (void)x;
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSEGV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_in_burst_returns),
        cmocka_unit_test(test_fault_outside_burst_kills),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
