/* SPDX-License-Identifier: BSD-3-Clause */
/* cpuset.h - fixed-size sets of CPU (OS) indexes, and their text forms.
 *
 * A set is a plain value: copy it, compare it with memcmp, keep it in a
 * struct. The text forms are the ones an operator types in
 * /etc/default/virtioforwarder: "1,2", "2-5,8" or a hex bitmap "0x6".
 */
#ifndef VIO4WD_CPUSET_H
#define VIO4WD_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIO4WD_MAX_CPUS 1024

struct vio4wd_cpuset {
    uint64_t bits[VIO4WD_MAX_CPUS / 64];
};

void cpuset_clear(struct vio4wd_cpuset *set);
void cpuset_add(struct vio4wd_cpuset *set, unsigned cpu);
bool cpuset_has(const struct vio4wd_cpuset *set, unsigned cpu);
unsigned cpuset_count(const struct vio4wd_cpuset *set);
bool cpuset_is_empty(const struct vio4wd_cpuset *set);
bool cpuset_is_subset(const struct vio4wd_cpuset *sub, const struct vio4wd_cpuset *of);

/* First CPU at or after 'from', or -1 when there is none. Iterate with
 * for (int c = cpuset_next(s, 0); c >= 0; c = cpuset_next(s, c + 1)) */
int cpuset_next(const struct vio4wd_cpuset *set, unsigned from);

/* Parses "1,2", "2-5", "0-3,8" or "0x6" (hex, bit n = CPU n). Returns 0, or
 * -1 with a sentence in err that says what is wrong with the text. */
int cpuset_parse(const char *text, struct vio4wd_cpuset *set, char *err, size_t errlen);

/* Writes the compact list form ("0-3,8") into buf; "" for an empty set. */
void cpuset_format(const struct vio4wd_cpuset *set, char *buf, size_t buflen);

/* The CPUs this host has online (/sys/devices/system/cpu/online). */
int cpuset_host_online(struct vio4wd_cpuset *set);

#endif
