/* SPDX-License-Identifier: BSD-3-Clause */
/* direction.h - the two directions of a relay and their names: the one enum
 * and the one name table that the relay, the scheduler, the tools and
 * loadgen all use (docs/ARCHITECTURE.md, "Directions: names and numbering").
 * The numbering is the counters file's (counters.h): dir[] index. */
#ifndef VIO4WD_DIRECTION_H
#define VIO4WD_DIRECTION_H

#include <stdbool.h>
#include <string.h>

enum vio4wd_dir {
    VIO4WD_DIR_VF_TO_VM = 0, /* VF rx -> vhost enqueue */
    VIO4WD_DIR_VM_TO_VF = 1, /* vhost dequeue -> VF tx */
    VIO4WD_DIR_COUNT = 2,
};

/* "vf_to_vm", "vm_to_vf": the name in JSON, traces, logs and options;
 * "?" for a value that is not a direction. */
static inline const char *vio4wd_dir_name(int dir)
{
    static const char *const name[VIO4WD_DIR_COUNT] = {"vf_to_vm", "vm_to_vf"};
    return dir >= 0 && dir < VIO4WD_DIR_COUNT ? name[dir] : "?";
}

/* "VF->VM", "VM->VF": the column headings of the tables. */
static inline const char *vio4wd_dir_arrow(int dir)
{
    static const char *const arrow[VIO4WD_DIR_COUNT] = {"VF->VM", "VM->VF"};
    return dir >= 0 && dir < VIO4WD_DIR_COUNT ? arrow[dir] : "?";
}

/* The direction called 'name' (vio4wd_dir_name), or -1. */
static inline int vio4wd_dir_parse(const char *name)
{
    for (int d = 0; d < VIO4WD_DIR_COUNT; d++)
        if (strcmp(name, vio4wd_dir_name(d)) == 0)
            return d;
    return -1;
}

#endif
