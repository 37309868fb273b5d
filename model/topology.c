/* SPDX-License-Identifier: BSD-3-Clause */
/* hwloc 2.x wrapper: worker CPUs to NUMA nodes, physical cores, siblings;
 * PCI devices to NUMA nodes. */
#include <ctype.h>
#include <errno.h>
#include <hwloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "topology.h"

struct model_topology {
    hwloc_topology_t hw;
};

/* ------------------------------------------------------------------ */
/* Loading                                                              */
/* ------------------------------------------------------------------ */

enum source {
    SRC_LIVE,
    SRC_XML,
    SRC_SYNTHETIC
};

static int load(enum source src, const char *arg, unsigned flags, struct model_topology **out,
                char *errbuf, size_t errlen)
{
    struct model_topology *t;
    unsigned long hwflags = 0;

    if (out == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no output given");
    *out = NULL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return model_fail(errbuf, errlen, MODEL_ENOMEM, "out of memory");
    if (hwloc_topology_init(&t->hw) != 0) {
        free(t);
        return model_fail(errbuf, errlen, MODEL_ETOPO, "hwloc_topology_init failed: %s",
                          strerror(errno));
    }
    /* PCI devices are needed to place VFs; keep them all, bridges too, so
     * that a device's ancestry is the real one. */
    hwloc_topology_set_io_types_filter(t->hw, HWLOC_TYPE_FILTER_KEEP_ALL);
    /* On Linux the sysfs backend finds PCI devices by itself; the
     * libpciaccess component adds nothing but a transient allocation of
     * over a gigabyte and a leak (seen with hwloc 2.9 under valgrind). */
    if (src == SRC_LIVE)
        hwloc_topology_set_components(t->hw, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "pci");
    if (flags & MODEL_TOPO_WHOLE_SYSTEM)
        hwflags |= HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED;
    hwloc_topology_set_flags(t->hw, hwflags);

    if (src == SRC_XML && hwloc_topology_set_xml(t->hw, arg) != 0) {
        int e = errno;
        hwloc_topology_destroy(t->hw);
        free(t);
        return model_fail(errbuf, errlen, MODEL_ETOPO, "topology XML '%s' cannot be used: %s", arg,
                          strerror(e));
    }
    if (src == SRC_SYNTHETIC && hwloc_topology_set_synthetic(t->hw, arg)) {
        hwloc_topology_destroy(t->hw);
        free(t);
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "synthetic topology '%s' is not valid hwloc "
                          "synthetic syntax (e.g. \"pack:2 core:4 pu:2\")",
                          arg);
    }
    if (hwloc_topology_load(t->hw) != 0) {
        int e = errno;
        hwloc_topology_destroy(t->hw);
        free(t);
        return model_fail(errbuf, errlen, MODEL_ETOPO,
                          "hwloc could not load the %s topology%s%s%s: %s",
                          src == SRC_LIVE  ? "live"
                          : src == SRC_XML ? "XML"
                                           : "synthetic",
                          arg ? " '" : "", arg ? arg : "", arg ? "'" : "", strerror(e));
    }
    *out = t;
    return MODEL_OK;
}

int model_topology_load_live(unsigned flags, struct model_topology **out, char *errbuf,
                             size_t errlen)
{
    return load(SRC_LIVE, NULL, flags, out, errbuf, errlen);
}

int model_topology_load_xml(const char *path, unsigned flags, struct model_topology **out,
                            char *errbuf, size_t errlen)
{
    struct stat st;
    if (path == NULL || *path == '\0')
        return model_fail(errbuf, errlen, MODEL_EINVAL, "empty XML path");
    if (stat(path, &st) != 0)
        return model_fail(errbuf, errlen, MODEL_ENOENT, "topology XML '%s': %s", path,
                          strerror(errno));
    return load(SRC_XML, path, flags, out, errbuf, errlen);
}

int model_topology_load_synthetic(const char *desc, unsigned flags, struct model_topology **out,
                                  char *errbuf, size_t errlen)
{
    if (desc == NULL || *desc == '\0')
        return model_fail(errbuf, errlen, MODEL_EINVAL, "empty synthetic topology description");
    return load(SRC_SYNTHETIC, desc, flags, out, errbuf, errlen);
}

int model_topology_load(const char *spec, unsigned flags, struct model_topology **out, char *errbuf,
                        size_t errlen)
{
    struct stat st;
    size_t len;

    if (spec == NULL || *spec == '\0')
        return model_topology_load_live(flags, out, errbuf, errlen);
    if (stat(spec, &st) == 0)
        return model_topology_load_xml(spec, flags, out, errbuf, errlen);
    /* A missing file named like XML is a typo, not a synthetic string. */
    len = strlen(spec);
    if (len > 4 && strcmp(spec + len - 4, ".xml") == 0)
        return model_fail(errbuf, errlen, MODEL_ENOENT, "topology XML '%s': %s", spec,
                          strerror(ENOENT));
    return model_topology_load_synthetic(spec, flags, out, errbuf, errlen);
}

void model_topology_free(struct model_topology *topo)
{
    if (topo == NULL)
        return;
    hwloc_topology_destroy(topo->hw);
    free(topo);
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

int model_topology_num_cpus(const struct model_topology *topo)
{
    return hwloc_get_nbobjs_by_type(topo->hw, HWLOC_OBJ_PU);
}

int model_topology_num_numa(const struct model_topology *topo)
{
    return hwloc_get_nbobjs_by_type(topo->hw, HWLOC_OBJ_NUMANODE);
}

int model_topology_cpus(const struct model_topology *topo, int *cpus, int max)
{
    hwloc_const_cpuset_t set = hwloc_topology_get_topology_cpuset(topo->hw);
    int k = 0;
    unsigned i;

    hwloc_bitmap_foreach_begin(i, set)
    {
        if (hwloc_get_pu_obj_by_os_index(topo->hw, i) == NULL)
            continue;
        if (k < max)
            cpus[k] = (int)i;
        k++;
    }
    hwloc_bitmap_foreach_end();
    return k;
}

/* The normal object a NUMA node is attached to (skipping memory-side
 * caches, which hwloc 2.1+ can insert between the two). */
static hwloc_obj_t attach_point(hwloc_obj_t numa)
{
    hwloc_obj_t p = numa->parent;
    while (p != NULL && hwloc_obj_type_is_memory(p->type))
        p = p->parent;
    return p;
}

/* NUMA node local to an object: the node attached to its nearest ancestor
 * that has memory attached (the lowest OS index if several, e.g. DRAM and
 * HBM), else its nodeset when that names a single node, else -1.  Walking
 * up rather than reading the nodeset gets "a package with no NUMA node of
 * its own" and "several NUMA nodes per package" right. */
static int local_numa(hwloc_topology_t hw, hwloc_obj_t obj)
{
    int nn = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE);

    for (hwloc_obj_t a = obj; a != NULL; a = a->parent) {
        int best = -1;
        if (a->memory_arity == 0)
            continue;
        for (int i = 0; i < nn; i++) {
            hwloc_obj_t node = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, (unsigned)i);
            if (attach_point(node) == a && (best < 0 || (int)node->os_index < best))
                best = (int)node->os_index;
        }
        if (best >= 0)
            return best;
    }
    if (obj->nodeset != NULL && hwloc_bitmap_weight(obj->nodeset) == 1)
        return hwloc_bitmap_first(obj->nodeset);
    return -1;
}

/* The NUMA nodes whose cpuset holds the PU, ascending by OS index.  A
 * node's cpuset is that of the object it is attached to, so this is the
 * set of memories equally close to the PU, whatever level they hang at. */
static int local_numa_set(hwloc_topology_t hw, hwloc_obj_t pu, int *set)
{
    int nn = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE), k = 0;

    for (int i = 0; i < nn; i++) {
        hwloc_obj_t node = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, (unsigned)i);
        int id = (int)node->os_index, at;
        if (node->cpuset == NULL || !hwloc_bitmap_isset(node->cpuset, pu->os_index) ||
            k == MODEL_TOPO_MAX_LOCAL_NUMA)
            continue;
        for (at = k; at > 0 && set[at - 1] > id; at--)
            set[at] = set[at - 1];
        set[at] = id;
        k++;
    }
    return k;
}

static hwloc_obj_t find_pu(const struct model_topology *topo, int cpu)
{
    if (cpu < 0)
        return NULL;
    return hwloc_get_pu_obj_by_os_index(topo->hw, (unsigned)cpu);
}

int model_topology_cpu(const struct model_topology *topo, int cpu, struct model_cpu_info *info,
                       char *errbuf, size_t errlen)
{
    hwloc_obj_t pu, core, pkg;
    int ncores;

    if (topo == NULL || info == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "no topology given");
    pu = find_pu(topo, cpu);
    if (pu == NULL)
        return model_fail(errbuf, errlen, MODEL_ENOENT, "cpu %d is not in the topology (%d CPUs)",
                          cpu, model_topology_num_cpus(topo));

    memset(info, 0, sizeof(*info));
    info->cpu = cpu;
    info->numa = local_numa(topo->hw, pu);
    info->n_local_numa = local_numa_set(topo->hw, pu, info->local_numa);
    pkg = hwloc_get_ancestor_obj_by_type(topo->hw, HWLOC_OBJ_PACKAGE, pu);
    info->package = pkg != NULL ? (int)pkg->os_index : -1;

    core = hwloc_get_ancestor_obj_by_type(topo->hw, HWLOC_OBJ_CORE, pu);
    ncores = hwloc_get_nbobjs_by_type(topo->hw, HWLOC_OBJ_CORE);
    if (core == NULL) {
        /* No Core level (some synthetic or odd firmware topologies): the
         * PU is its own physical core, numbered after the real ones. */
        info->core = ncores + (int)pu->logical_index;
        return MODEL_OK;
    }
    info->core = (int)core->logical_index;

    unsigned i;
    hwloc_bitmap_foreach_begin(i, core->cpuset)
    {
        if ((int)i == cpu || info->n_siblings >= MODEL_TOPO_MAX_SMT)
            continue;
        if (hwloc_get_pu_obj_by_os_index(topo->hw, i) != NULL)
            info->siblings[info->n_siblings++] = (int)i;
    }
    hwloc_bitmap_foreach_end();
    return MODEL_OK;
}

int model_topology_workers(const struct model_topology *topo, const int *cpus, int n,
                           struct model_worker *workers, char *errbuf, size_t errlen)
{
    if (n < 0 || (n > 0 && (cpus == NULL || workers == NULL)))
        return model_fail(errbuf, errlen, MODEL_EINVAL, "bad worker list (n = %d)", n);
    for (int w = 0; w < n; w++) {
        struct model_cpu_info ci;
        int ret = model_topology_cpu(topo, cpus[w], &ci, errbuf, errlen);
        if (ret != MODEL_OK)
            return ret;
        workers[w] = (struct model_worker){
            .cpu = ci.cpu,
            .numa = ci.numa,
            .core = ci.core,
        };
    }
    return MODEL_OK;
}

/* Strict PCI address parser: [dddd:]bb:dd.f in hex, nothing after.
 * %n checks that the whole string was consumed. */
static bool parse_pci(const char *s, unsigned *dom, unsigned *bus, unsigned *dev, unsigned *fn)
{
    int used = -1;

    if (!isxdigit((unsigned char)s[0]))
        return false;
    if (sscanf(s, "%4x:%2x:%2x.%1x%n", dom, bus, dev, fn, &used) == 4 && used > 0 &&
        s[used] == '\0')
        return *dev <= 0x1f && *fn <= 7;
    used = -1;
    *dom = 0;
    if (sscanf(s, "%2x:%2x.%1x%n", bus, dev, fn, &used) == 3 && used > 0 && s[used] == '\0')
        return *dev <= 0x1f && *fn <= 7;
    return false;
}

int model_topology_pci_numa(const struct model_topology *topo, const char *pci_addr, int *numa,
                            char *errbuf, size_t errlen)
{
    unsigned dom, bus, dev, fn;
    hwloc_obj_t obj, anc;

    if (topo == NULL || numa == NULL || pci_addr == NULL)
        return model_fail(errbuf, errlen, MODEL_EINVAL, "missing argument");
    *numa = -1;
    if (!parse_pci(pci_addr, &dom, &bus, &dev, &fn))
        return model_fail(errbuf, errlen, MODEL_EINVAL,
                          "'%s' is not a PCI address (expected "
                          "[dddd:]bb:dd.f, e.g. 0000:05:08.1)",
                          pci_addr);
    obj = hwloc_get_pcidev_by_busid(topo->hw, dom, bus, dev, fn);
    if (obj == NULL)
        return model_fail(errbuf, errlen, MODEL_ENOENT,
                          "PCI device %04x:%02x:%02x.%x is not in the "
                          "topology",
                          dom, bus, dev, fn);
    anc = hwloc_get_non_io_ancestor_obj(topo->hw, obj);
    if (anc != NULL)
        *numa = local_numa(topo->hw, anc);
    return MODEL_OK;
}
