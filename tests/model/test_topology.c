/* SPDX-License-Identifier: BSD-3-Clause */
/* model/topology: right answers on every hwloc XML in tests/data/topologies
 * (checked against lstopo-no-graphics --input), synthetic strings, and
 * errors for missing CPUs, devices and files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model_test.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "model/topology.h"

#ifndef MODEL_TOPO_DIR
#error "MODEL_TOPO_DIR must name tests/data/topologies (set by meson)"
#endif

/* Load FILE from the repository's test topologies. The files ship with the
 * repository, so a missing one is a broken checkout: fail, never skip. */
static struct model_topology *load_shared(const char *file, unsigned flags)
{
    char path[512], err[MODEL_ERRMSG_LEN];
    struct model_topology *t = NULL;
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", MODEL_TOPO_DIR, file);
    if (stat(path, &st) != 0) {
        print_message("test topology %s is missing from the checkout\n", path);
        fail();
    }
    int ret = model_topology_load(path, flags, &t, err, sizeof(err));
    if (ret != MODEL_OK)
        print_message("%s\n", err);
    assert_int_equal(ret, MODEL_OK);
    assert_non_null(t);
    return t;
}

static struct model_cpu_info cpu(const struct model_topology *t, int c)
{
    struct model_cpu_info ci;
    char err[MODEL_ERRMSG_LEN];
    int ret = model_topology_cpu(t, c, &ci, err, sizeof(err));
    if (ret != MODEL_OK)
        print_message("%s\n", err);
    assert_int_equal(ret, MODEL_OK);
    return ci;
}

static int pci_numa(const struct model_topology *t, const char *addr)
{
    int node = -2;
    char err[MODEL_ERRMSG_LEN];
    int ret = model_topology_pci_numa(t, addr, &node, err, sizeof(err));
    if (ret != MODEL_OK)
        print_message("%s: %s\n", addr, err);
    assert_int_equal(ret, MODEL_OK);
    return node;
}

static void assert_siblings(const struct model_topology *t, int a, int b)
{
    struct model_cpu_info x = cpu(t, a), y = cpu(t, b);
    assert_int_equal(x.core, y.core);
    assert_int_equal(x.n_siblings, 1);
    assert_int_equal(x.siblings[0], b);
    assert_int_equal(y.siblings[0], a);
}

/* 4 packages x 2 cores x 2 threads, one NUMA node at machine level (no
 * package has a node of its own); siblings are i and i+8. */
static void test_16em64t(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("16em64t-4s2c2t.xml", 0);
    assert_int_equal(model_topology_num_cpus(t), 16);
    assert_int_equal(model_topology_num_numa(t), 1);
    for (int c = 0; c < 16; c++)
        assert_int_equal(cpu(t, c).numa, 0);
    assert_siblings(t, 0, 8);
    assert_siblings(t, 4, 12);
    assert_siblings(t, 7, 15);
    /* Core P#0 repeats in every package: our core ids must not. */
    assert_int_not_equal(cpu(t, 0).core, cpu(t, 1).core);
    assert_int_not_equal(cpu(t, 0).core, cpu(t, 4).core);
    assert_int_equal(cpu(t, 1).package, 1);
    assert_int_equal(cpu(t, 7).package, 3);
    model_topology_free(t);
}

/* 2 packages, one node each, no SMT, many Ethernet VFs. */
static void test_16intel64_vfs(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("16intel64-manyVFs.xml", 0);
    assert_int_equal(model_topology_num_cpus(t), 16);
    assert_int_equal(model_topology_num_numa(t), 2);
    for (int c = 0; c < 16; c++) {
        struct model_cpu_info ci = cpu(t, c);
        assert_int_equal(ci.numa, c < 8 ? 0 : 1);
        assert_int_equal(ci.n_siblings, 0);
    }
    assert_int_equal(pci_numa(t, "0000:02:00.0"), 0);
    assert_int_equal(pci_numa(t, "0b:00.3"), 0);
    assert_int_equal(pci_numa(t, "0000:0c:00.4"), 0);
    assert_int_equal(pci_numa(t, "0000:88:00.5"), 1);
    assert_int_equal(pci_numa(t, "89:00.0"), 1);
    model_topology_free(t);
}

/* Interleaved numbering: even CPUs on node 0, odd on node 1, and the two
 * PUs of a core are i and i+12. */
static void test_24em64t_interleaved(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("24em64t-2n6c2t-pci.xml", 0);
    assert_int_equal(model_topology_num_cpus(t), 24);
    assert_int_equal(model_topology_num_numa(t), 2);
    for (int c = 0; c < 24; c++)
        assert_int_equal(cpu(t, c).numa, c % 2);
    for (int c = 0; c < 12; c++)
        assert_siblings(t, c, c + 12);
    assert_int_not_equal(cpu(t, 0).core, cpu(t, 2).core);
    assert_int_equal(pci_numa(t, "0000:04:00.0"), 0);
    assert_int_equal(pci_numa(t, "0000:05:00.0"), 0);
    assert_int_equal(pci_numa(t, "0000:14:00.0"), 1);
    assert_int_equal(pci_numa(t, "0000:11:00.0"), 1);
    model_topology_free(t);
}

static void test_32em64t(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("32em64t-2n8c2t-pci-normalio.xml", 0);
    assert_int_equal(model_topology_num_cpus(t), 32);
    for (int c = 0; c < 32; c++)
        assert_int_equal(cpu(t, c).numa, (c % 16) < 8 ? 0 : 1);
    for (int c = 0; c < 16; c++)
        assert_siblings(t, c, c + 16);
    assert_int_equal(pci_numa(t, "0000:03:00.0"), 0);
    assert_int_equal(pci_numa(t, "0000:81:00.1"), 1);
    assert_int_equal(pci_numa(t, "0000:83:00.0"), 1);
    model_topology_free(t);
}

/* A cgroup-restricted capture: by default only CPUs 0-15 and nodes 0-1
 * are usable, and packages P#4/P#6/P#8 keep their PCI devices but have no
 * NUMA node; with MODEL_TOPO_WHOLE_SYSTEM all 64 CPUs and 8 nodes. */
static void test_64intel64_irregular(void **state)
{
    (void)state;
    const char *f = "64intel64-3g2n+2n-irregulargroups+pci.xml";
    struct model_topology *t = load_shared(f, 0);
    struct model_cpu_info ci;
    char err[MODEL_ERRMSG_LEN];

    assert_int_equal(model_topology_num_cpus(t), 16);
    assert_int_equal(model_topology_num_numa(t), 2);
    for (int c = 0; c < 16; c++)
        assert_int_equal(cpu(t, c).numa, c / 8);
    assert_int_equal(model_topology_cpu(t, 40, &ci, err, sizeof(err)), MODEL_ENOENT);
    assert_non_null(strstr(err, "40"));
    assert_int_equal(pci_numa(t, "0000:01:00.0"), 0);
    assert_int_equal(pci_numa(t, "0001:02:00.0"), 1);
    assert_int_equal(pci_numa(t, "0002:01:00.0"), -1);
    model_topology_free(t);

    t = load_shared(f, MODEL_TOPO_WHOLE_SYSTEM);
    assert_int_equal(model_topology_num_cpus(t), 64);
    assert_int_equal(model_topology_num_numa(t), 8);
    assert_int_equal(cpu(t, 0).numa, 0);
    assert_int_equal(cpu(t, 16).numa, 2);
    assert_int_equal(cpu(t, 32).numa, 4);
    assert_int_equal(cpu(t, 40).numa, 5);
    assert_int_equal(cpu(t, 63).numa, 7);
    assert_int_equal(pci_numa(t, "0002:01:00.0"), 4);
    assert_int_equal(pci_numa(t, "0003:01:00.0"), 5);
    assert_int_equal(pci_numa(t, "0004:01:00.0"), 7);
    model_topology_free(t);
}

/* 4 groups, each with a NUMA node and 4 packages: the packages have no
 * node of their own; CPUs are numbered round-robin over packages. */
static void test_96em64t_groups(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("96em64t-4n4d3ca2co-pci.xml", 0);
    int cpus[128];

    assert_int_equal(model_topology_num_cpus(t), 96);
    assert_int_equal(model_topology_num_numa(t), 4);
    assert_int_equal(model_topology_cpus(t, cpus, 128), 96);
    for (int c = 0; c < 96; c++) {
        assert_int_equal(cpus[c], c);
        assert_int_equal(cpu(t, c).numa, c / 24);
        assert_int_equal(cpu(t, c).n_siblings, 0);
    }
    assert_int_equal(cpu(t, 0).package, 1);
    assert_int_equal(cpu(t, 1).package, 0);
    assert_int_equal(pci_numa(t, "0000:02:00.1"), 0);
    assert_int_equal(pci_numa(t, "0000:32:00.0"), 1);
    assert_int_equal(pci_numa(t, "0000:62:00.1"), 2);
    assert_int_equal(pci_numa(t, "0000:92:00.0"), 3);
    model_topology_free(t);
}

/* Several NUMA nodes per package, from a synthetic description. */
static void test_synthetic_numa_per_package(void **state)
{
    (void)state;
    struct model_topology *t = NULL;
    char err[MODEL_ERRMSG_LEN];
    struct model_worker w[4];
    int cpus[] = {0, 1, 4, 9};

    assert_int_equal(model_topology_load("pack:2 numa:2 core:2 pu:2", 0, &t, err, sizeof(err)),
                     MODEL_OK);
    assert_int_equal(model_topology_num_cpus(t), 16);
    assert_int_equal(model_topology_num_numa(t), 4);
    for (int c = 0; c < 16; c++)
        assert_int_equal(cpu(t, c).numa, c / 4);
    assert_siblings(t, 0, 1);
    assert_int_equal(model_topology_workers(t, cpus, 4, w, err, sizeof(err)), MODEL_OK);
    assert_int_equal(w[0].core, w[1].core);
    assert_int_not_equal(w[0].core, w[2].core);
    assert_int_equal(w[2].numa, 1);
    assert_int_equal(w[3].numa, 2);
    model_topology_free(t);

    /* No Core level: every PU is its own physical core.  (The synthetic
     * strings name a numa level: without one, hwloc 2.9 inserts it with
     * an overlapping memcpy that valgrind reports.) */
    assert_int_equal(model_topology_load("pack:2 numa:1 pu:2", 0, &t, err, sizeof(err)), MODEL_OK);
    assert_int_not_equal(cpu(t, 0).core, cpu(t, 1).core);
    assert_int_equal(cpu(t, 0).n_siblings, 0);
    model_topology_free(t);
}

static void test_live(void **state)
{
    (void)state;
    struct model_topology *t = NULL;
    char err[MODEL_ERRMSG_LEN];

    assert_int_equal(model_topology_load(NULL, 0, &t, err, sizeof(err)), MODEL_OK);
    assert_true(model_topology_num_cpus(t) >= 1);
    assert_true(cpu(t, 0).numa >= 0);
    model_topology_free(t);
}

static void test_errors(void **state)
{
    (void)state;
    struct model_topology *t = NULL;
    char err[MODEL_ERRMSG_LEN];
    int node;

    assert_int_equal(model_topology_load("/nonexistent/machine.xml", 0, &t, err, sizeof(err)),
                     MODEL_ENOENT);
    assert_null(t);
    assert_non_null(strstr(err, "/nonexistent/machine.xml"));
    assert_int_equal(model_topology_load("pack:two", 0, &t, err, sizeof(err)), MODEL_EINVAL);
    assert_non_null(strstr(err, "pack:two"));

    assert_int_equal(model_topology_load("pack:2 numa:1 core:2 pu:2", 0, &t, err, sizeof(err)),
                     MODEL_OK);
    struct model_cpu_info ci;
    assert_int_equal(model_topology_cpu(t, 99, &ci, err, sizeof(err)), MODEL_ENOENT);
    assert_int_equal(model_topology_cpu(t, -1, &ci, err, sizeof(err)), MODEL_ENOENT);
    int bad_cpus[] = {0, 42};
    struct model_worker w[2];
    assert_int_equal(model_topology_workers(t, bad_cpus, 2, w, err, sizeof(err)), MODEL_ENOENT);
    assert_non_null(strstr(err, "42"));
    const char *bad_pci[] = {"",        "zz:00.0",  "00:00",       "0000:05:08.1x",
                             "05:08:1", " 05:08.1", "0000:05:20.0"};
    for (size_t i = 0; i < sizeof(bad_pci) / sizeof(bad_pci[0]); i++) {
        assert_int_equal(model_topology_pci_numa(t, bad_pci[i], &node, err, sizeof(err)),
                         MODEL_EINVAL);
    }
    assert_int_equal(model_topology_pci_numa(t, "0000:05:08.1", &node, err, sizeof(err)),
                     MODEL_ENOENT);
    model_topology_free(t);
}

static void assert_local(const struct model_topology *t, int c, int n, const int *set)
{
    struct model_cpu_info ci = cpu(t, c);
    assert_int_equal(ci.n_local_numa, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(ci.local_numa[i], set[i]);
}

/* Fake KNL in SNC-4 hybrid mode: four clusters, each with a DRAM node and
 * an MCDRAM node sharing its cpuset (P#0+7, 1+4, 2+5, 3+6).  The nearest
 * node is the lowest; the local set holds both, with OS indexes. */
static void test_knl_snc4(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("64intel64-fakeKNL-SNC4-hybrid.xml", 0);
    static const int c0[] = {0, 7}, c1[] = {1, 4};
    assert_int_equal(model_topology_num_cpus(t), 64);
    assert_int_equal(model_topology_num_numa(t), 8);
    assert_int_equal(cpu(t, 0).numa, 0);
    assert_local(t, 0, 2, c0);
    assert_local(t, 48, 2, c0);
    assert_int_equal(cpu(t, 4).numa, 1);
    assert_local(t, 4, 2, c1);
    assert_local(t, 52, 2, c1);
    model_topology_free(t);
}

/* NUMA nodes attached at the root (DRAM and MCDRAM): every PU has both. */
static void test_root_attached_numa(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("8intel64-fakeKNL-A2A-hybrid.rootattachednumas.xml", 0);
    static const int both[] = {0, 1};
    int cpus[8];
    assert_int_equal(model_topology_cpus(t, cpus, 8), 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(cpu(t, cpus[i]).numa, 0);
        assert_local(t, cpus[i], 2, both);
    }
    model_topology_free(t);
}

/* 16 CPUs of which 9 are offline: they are not in the topology at all. */
static void test_offline_cpus(void **state)
{
    (void)state;
    struct model_topology *t = load_shared("16em64t-4s2c2t-offlines.xml", 0);
    static const int online[] = {0, 1, 3, 4, 6, 12, 15}, node0[] = {0};
    struct model_cpu_info ci;
    char err[MODEL_ERRMSG_LEN];
    int cpus[16];
    assert_int_equal(model_topology_cpus(t, cpus, 16), 7);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(cpus[i], online[i]);
        assert_local(t, cpus[i], 1, node0);
    }
    assert_int_equal(model_topology_cpu(t, 2, &ci, err, sizeof(err)), MODEL_ENOENT);
    assert_non_null(strstr(err, "cpu 2 is not in the topology (7 CPUs)"));
    model_topology_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_16em64t),
        cmocka_unit_test(test_16intel64_vfs),
        cmocka_unit_test(test_24em64t_interleaved),
        cmocka_unit_test(test_32em64t),
        cmocka_unit_test(test_64intel64_irregular),
        cmocka_unit_test(test_96em64t_groups),
        cmocka_unit_test(test_knl_snc4),
        cmocka_unit_test(test_root_attached_numa),
        cmocka_unit_test(test_offline_cpus),
        cmocka_unit_test(test_synthetic_numa_per_package),
        cmocka_unit_test(test_live),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
