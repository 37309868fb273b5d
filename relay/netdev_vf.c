/* SPDX-License-Identifier: BSD-3-Clause */
/* netdev_vf.c - netdev -> SR-IOV VF through sysfs links. */
#include "netdev_vf.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_hooks.h"

const char *netdev_vf_sysfs_root(void)
{
    return test_hooks()->sysfs_root;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The last component of the path a link resolves to (a PCI address for
 * sysfs device links); false when it does not resolve. */
static bool link_target_name(const char *link, char *name, size_t len)
{
    char real[PATH_MAX];
    if (!realpath(link, real))
        return false;
    const char *base = strrchr(real, '/');
    base = base ? base + 1 : real;
    if (strlen(base) >= len)
        return false;
    strcpy(name, base);
    return true;
}

/* N such that <pf_dir>/virtfnN resolves to vf_pci. */
static bool find_virtfn(const char *pf_dir, const char *vf_pci, unsigned *n)
{
    DIR *d = opendir(pf_dir);
    struct dirent *e;
    bool found = false;
    if (!d)
        return false;
    while (!found && (e = readdir(d))) {
        unsigned idx;
        char tail, link[PATH_MAX + 512], name[NETDEV_VF_PCI_MAX];
        if (sscanf(e->d_name, "virtfn%u%c", &idx, &tail) != 1)
            continue;
        snprintf(link, sizeof(link), "%s/%s", pf_dir, e->d_name);
        if (link_target_name(link, name, sizeof(name)) && strcmp(name, vf_pci) == 0) {
            *n = idx;
            found = true;
        }
    }
    closedir(d);
    return found;
}

static int own_vf(const char *dev, const char *ifname, struct netdev_vf *out, char *err,
                  size_t errlen)
{
    char pf[PATH_MAX + 64];
    if (!link_target_name(dev, out->pci, sizeof(out->pci))) {
        snprintf(err, errlen, "%s: cannot resolve its device link", ifname);
        return -1;
    }
    snprintf(pf, sizeof(pf), "%s/physfn", dev);
    if (!find_virtfn(pf, out->pci, &out->index)) {
        snprintf(err, errlen, "%s: VF %s is not among its PF's virtfn links", ifname, out->pci);
        return -1;
    }
    out->representor = false;
    return 0;
}

/* Digits at *p as a number; advances p. False when there are none. */
static bool take_number(const char **p, unsigned *value)
{
    unsigned long v = 0;
    const char *start = *p;
    while (**p >= '0' && **p <= '9' && v <= 0xffffffUL)
        v = v * 10 + (unsigned long)(*(*p)++ - '0');
    *value = (unsigned)v;
    return *p > start && !(**p >= '0' && **p <= '9');
}

/* "pfXvfN" exactly; returns 1 when it is, 0 when it is some other name
 * (an uplink "p0", a PF representor "pf0"), -1 when it starts like one but
 * is malformed ("pf0vf", "pf0vfx", "pfxvf1"). */
static int parse_port_name(const char *name, unsigned *pf, unsigned *vf)
{
    const char *p = name + 2;
    if (strncmp(name, "pf", 2) != 0 || !strstr(name, "vf"))
        return 0;
    if (!take_number(&p, pf) || strncmp(p, "vf", 2) != 0)
        return -1;
    p += 2;
    return take_number(&p, vf) && *p == '\0' ? 1 : -1;
}

static bool read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

static int representor(const char *dev, const char *ifname, const char *port_name,
                       unsigned pf_index, unsigned vf_index, struct netdev_vf *out, char *err,
                       size_t errlen)
{
    char real[PATH_MAX], pf[PATH_MAX + 32], link[PATH_MAX + 64];
    if (!realpath(dev, real)) {
        snprintf(err, errlen, "%s: cannot resolve its device link", ifname);
        return -1;
    }
    /* PCI function X of the same NIC: replace the final ".F" of the address. */
    char *dot = strrchr(real, '.');
    if (!dot || strchr(dot, '/')) {
        snprintf(err, errlen, "%s: its device %s is not a PCI function", ifname, real);
        return -1;
    }
    *dot = '\0';
    snprintf(pf, sizeof(pf), "%s.%x", real, pf_index);
    snprintf(link, sizeof(link), "%s/virtfn%u", pf, vf_index);
    if (!link_target_name(link, out->pci, sizeof(out->pci))) {
        snprintf(err, errlen, "%s: representor %s, but PF %s has no virtfn%u", ifname, port_name,
                 strrchr(pf, '/') ? strrchr(pf, '/') + 1 : pf, vf_index);
        return -1;
    }
    out->index = vf_index;
    out->representor = true;
    return 0;
}

int netdev_vf_resolve(const char *root, const char *ifname, struct netdev_vf *out, char *err,
                      size_t errlen)
{
    char dir[PATH_MAX], dev[PATH_MAX + 16], path[PATH_MAX + 32], port_name[64];
    unsigned pf_index, vf_index;

    memset(out, 0, sizeof(*out));
    if (!ifname[0] || strlen(ifname) >= 16 || strchr(ifname, '/') || strcmp(ifname, ".") == 0 ||
        strcmp(ifname, "..") == 0) {
        snprintf(err, errlen, "'%.64s' is not an interface name (1-15 characters, no '/')", ifname);
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s/class/net/%s", root, ifname);
    if (!exists(dir)) {
        snprintf(err, errlen, "%s: no such network interface", ifname);
        return -1;
    }
    snprintf(dev, sizeof(dev), "%s/device", dir);
    if (!exists(dev)) {
        snprintf(err, errlen, "%s: has no device link (a virtual interface?), so no VF", ifname);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/physfn", dev);
    if (exists(path))
        return own_vf(dev, ifname, out, err, errlen);

    snprintf(path, sizeof(path), "%s/phys_port_name", dir);
    if (!read_line(path, port_name, sizeof(port_name)))
        port_name[0] = '\0';
    switch (parse_port_name(port_name, &pf_index, &vf_index)) {
    case 1:
        return representor(dev, ifname, port_name, pf_index, vf_index, out, err, errlen);
    case -1:
        snprintf(err, errlen, "%s: phys_port_name '%s' is not a VF representor's pfXvfN", ifname,
                 port_name);
        return -1;
    default:
        snprintf(err, errlen,
                 "%s: not a VF (its device has no physfn link) nor a VF "
                 "representor (phys_port_name '%s', not pfXvfN)",
                 ifname, port_name);
        return -1;
    }
}

int netdev_vf_want(const char *root, const char *ifname, unsigned max_relays,
                   struct port_want *want, char *err, size_t errlen)
{
    struct netdev_vf vf;
    if (netdev_vf_resolve(root, ifname, &vf, err, errlen) < 0)
        return -1;
    if (vf.index >= max_relays) {
        snprintf(err, errlen,
                 "%s: VF %s is virtfn%u, and relays are numbered 0 to %u "
                 "(a netdev's relay is its VF number, as upstream)",
                 ifname, vf.pci, vf.index, max_relays - 1);
        return -1;
    }
    want->relay_id = vf.index;
    snprintf(want->device, sizeof(want->device), "%s", vf.pci);
    snprintf(want->how, sizeof(want->how), "%s %s (virtfn%u)",
             vf.representor ? "representor of VF" : "VF", vf.pci, vf.index);
    return 0;
}
