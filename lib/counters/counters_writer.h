/* SPDX-License-Identifier: BSD-3-Clause */
/* counters_writer.h - the writer side of the counters file (counters.h).
 * Implementation in counters_writer.c; the seqcount helpers are inline because the
 * workers call them on every burst. */
#ifndef VIO4WD_COUNTERS_WRITER_H
#define VIO4WD_COUNTERS_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"

/* Creates <run_dir>/counters (a new file, replacing any old one atomically)
 * sized for the maximum numbers of relays and workers, state STARTING. */
int vio4wd_counters_create(const char *run_dir, uint64_t tsc_hz, unsigned main_cpu, char *err,
                           size_t errlen);
struct vio4wd_cnt_header *vio4wd_counters_own_header(void);
struct vio4wd_cnt_worker *vio4wd_counters_worker(unsigned w);
struct vio4wd_cnt_relay *vio4wd_counters_relay(unsigned relay_id);
/* The per-queue block of one direction of a relay (enum vio4wd_dir). */
struct vio4wd_cnt_queues *vio4wd_counters_queues(unsigned relay_id, unsigned dir);
void vio4wd_counters_set_state(enum vio4wd_cnt_state state);
/* Marks STOPPED, unlinks and unmaps. Safe to call twice. */
void vio4wd_counters_destroy(void);
/* The path, for the emergency-exit cleanup. */
const char *vio4wd_counters_path(void);

/* Single-writer seqcount: begin makes the count odd, end makes it even. */
static inline void vio4wd_counters_write_begin(uint32_t *seq)
{
    uint32_t s = __atomic_load_n(seq, __ATOMIC_RELAXED);
    __atomic_store_n(seq, s + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void vio4wd_counters_write_end(uint32_t *seq)
{
    uint32_t s = __atomic_load_n(seq, __ATOMIC_RELAXED);
    __atomic_store_n(seq, s + 1, __ATOMIC_RELEASE);
}

#endif
