/* migrate.c - the handover protocol (see migrate.h). */
#include "migrate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "direction.h"
#include "counters_writer.h"
#include "log.h"
#include "worker.h"

static inline struct relay_dir *dir_of_index(unsigned idx)
{
    return &g_relays[idx / VIO4WD_DIR_COUNT].dir[idx % VIO4WD_DIR_COUNT];
}

static inline void mask_set(uint64_t *mask, unsigned idx)
{
    __atomic_fetch_or(&mask[idx / 64], 1ull << (idx % 64), __ATOMIC_RELEASE);
}

/* ---- worker side --------------------------------------------------------- */

static void worker_drop_dir(struct worker *w, struct relay_dir *d)
{
    for (uint16_t i = 0; i < w->n_dirs; i++)
        if (w->dirs[i] == d) {
            /* keep the order of the others: fairness stays predictable */
            memmove(&w->dirs[i], &w->dirs[i + 1],
                    (size_t)(w->n_dirs - i - 1) * sizeof(w->dirs[0]));
            w->n_dirs--;
            return;
        }
}

static void worker_adopt_dir(struct worker *w, struct relay_dir *d)
{
    struct vio4wd_cnt_dir *c = d->cnt;

    w->dirs[w->n_dirs++] = d;
    vio4wd_counters_write_begin(&c->seq);
    c->cpu = (int32_t)w->cpu;
    if (d->last_owner >= 0 && d->last_owner != (int32_t)w->index) {
        c->migrations++;
        c->last_migration_tsc = rte_rdtsc();
    }
    vio4wd_counters_write_end(&c->seq);
    __atomic_store_n(&d->owner, (int32_t)w->index, __ATOMIC_RELEASE);
}

void migrate_worker_poll(struct worker *w)
{
    for (unsigned i = 0; i < WORKER_MASK_WORDS; i++) {
        if (!__atomic_load_n(&w->release[i], __ATOMIC_RELAXED))
            continue;
        uint64_t bits = __atomic_exchange_n(&w->release[i], 0, __ATOMIC_ACQUIRE);
        while (bits) {
            unsigned idx = i * 64 + (unsigned)__builtin_ctzll(bits);
            struct relay_dir *d = dir_of_index(idx);
            bits &= bits - 1;

            int32_t t = __atomic_load_n(&d->target, __ATOMIC_ACQUIRE);
            if (t == (int32_t)w->index)
                continue;               /* request withdrawn: keep it */
            worker_drop_dir(w, d);
            if (t < 0) {
                struct vio4wd_cnt_dir *c = d->cnt;
                vio4wd_counters_write_begin(&c->seq);
                c->cpu = -1;
                vio4wd_counters_write_end(&c->seq);
                d->last_owner = -1;
                __atomic_store_n(&d->owner, -1, __ATOMIC_RELEASE);
            } else {
                d->last_owner = (int32_t)w->index;
                __atomic_store_n(&d->owner, -1, __ATOMIC_RELEASE);
                mask_set(g_workers[t].adopt, idx);
            }
        }
    }
    for (unsigned i = 0; i < WORKER_MASK_WORDS; i++) {
        if (!__atomic_load_n(&w->adopt[i], __ATOMIC_RELAXED))
            continue;
        uint64_t bits = __atomic_exchange_n(&w->adopt[i], 0, __ATOMIC_ACQUIRE);
        while (bits) {
            unsigned idx = i * 64 + (unsigned)__builtin_ctzll(bits);
            bits &= bits - 1;
            worker_adopt_dir(w, dir_of_index(idx));
        }
    }
}

/* ---- control side -------------------------------------------------------- */

bool migrate_wait(struct relay_dir *d, unsigned timeout_us)
{
    uint64_t start = rte_rdtsc();
    uint64_t limit = rte_get_tsc_hz() / 1000000 * timeout_us;
    uint64_t spin = rte_get_tsc_hz() / 1000000 * 20;

    for (;;) {
        int32_t o = __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
        int32_t t = __atomic_load_n(&d->target, __ATOMIC_ACQUIRE);
        if (o == t)
            return true;
        /* a stopped worker cannot complete anything */
        if (t >= 0 && !__atomic_load_n(&g_workers[t].running, __ATOMIC_ACQUIRE))
            return false;
        uint64_t el = rte_rdtsc() - start;
        if (el > limit)
            return false;
        if (el < spin)
            rte_pause();
        else
            rte_delay_us_sleep(2);  /* the worker may share our CPU */
    }
}

static bool worker_running(int w)
{
    return __atomic_load_n(&g_workers[w].running, __ATOMIC_ACQUIRE);
}

void migrate_assign(struct relay_dir *d, int w)
{
    __atomic_store_n(&d->target, (int32_t)w, __ATOMIC_RELEASE);
    if (!worker_running(w))
        worker_adopt_dir(&g_workers[w], d);   /* not looping: no race */
    else
        mask_set(g_workers[w].adopt, d->index);
}

void migrate_unassign(struct relay_dir *d)
{
    migrate_wait(d, 100000);
    int32_t o = __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
    __atomic_store_n(&d->target, -1, __ATOMIC_RELEASE);
    if (o >= 0 && !worker_running(o)) {
        /* stopped (shutdown): its list is ours to change */
        worker_drop_dir(&g_workers[o], d);
        d->last_owner = -1;
        __atomic_store_n(&d->owner, -1, __ATOMIC_RELEASE);
    } else if (o >= 0) {
        mask_set(g_workers[o].release, d->index);
        if (!migrate_wait(d, 500000))
            log_err("relay %u: direction %u was not released by worker %d",
                    d->relay->id, d->dir, o);
    }
}

/* Starts one move; the caller waits. */
static int move_start(struct relay_dir *d, int w)
{
    if (!migrate_wait(d, 100000))
        return -EBUSY;
    int32_t o = __atomic_load_n(&d->owner, __ATOMIC_ACQUIRE);
    if (o == w)
        return 0;
    if (o < 0) {
        migrate_assign(d, w);
        return 0;
    }
    __atomic_store_n(&d->target, (int32_t)w, __ATOMIC_RELEASE);
    mask_set(g_workers[o].release, d->index);
    return 0;
}

/* "1,2,9,10": the CPUs a move may name. */
static void format_worker_cpus(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < g_n_workers && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? "," : "", g_workers[i].cpu);
}

int migrate_validate(const struct migrate_move *moves, unsigned n, bool allow_cross_numa,
                     char *err, size_t errlen)
{
    for (unsigned i = 0; i < n; i++) {
        const struct migrate_move *m = &moves[i];
        if (m->relay_id >= VIO4WD_MAX_RELAYS || !relay_get(m->relay_id)) {
            snprintf(err, errlen, "relay %u is not in use (valid ids are relays with a VF or a vhost socket)",
                     m->relay_id);
            return -ENOENT;
        }
        if ((unsigned)m->dir >= VIO4WD_DIR_COUNT) {
            snprintf(err, errlen, "relay %u: bad direction %d", m->relay_id, (int)m->dir);
            return -EINVAL;
        }
        int w = worker_of_cpu(m->cpu);
        if (w < 0) {
            char workers[256];
            format_worker_cpus(workers, sizeof(workers));
            snprintf(err, errlen, "relay %u %s: CPU %d is not a worker (workers: %s)",
                     m->relay_id, vio4wd_dir_name(m->dir), m->cpu, workers);
            return -EINVAL;
        }
        struct relay *r = &g_relays[m->relay_id];
        if (!allow_cross_numa && r->numa_node >= 0 && g_workers[w].numa_node >= 0 &&
            g_workers[w].numa_node != r->numa_node) {
            snprintf(err, errlen,
                     "relay %u %s: CPU %d is on NUMA node %d but the relay's memory is on node %d",
                     m->relay_id, vio4wd_dir_name(m->dir), m->cpu, g_workers[w].numa_node,
                     r->numa_node);
            return -EXDEV;
        }
        for (unsigned j = 0; j < i; j++)
            if (moves[j].relay_id == m->relay_id && moves[j].dir == m->dir) {
                snprintf(err, errlen, "relay %u %s is named twice", m->relay_id,
                         vio4wd_dir_name(m->dir));
                return -EINVAL;
            }
    }
    return 0;
}

int migrate_apply(const struct migrate_move *moves, unsigned n, bool allow_cross_numa,
                  unsigned timeout_us, char *err, size_t errlen)
{
    int rc;

    relay_lock();
    rc = migrate_validate(moves, n, allow_cross_numa, err, errlen);
    if (rc) {
        relay_unlock();
        return rc;
    }
    for (unsigned i = 0; i < n && !rc; i++) {
        struct relay *r = &g_relays[moves[i].relay_id];
        struct relay_dir *d = &r->dir[moves[i].dir];
        d->pref_cpu = moves[i].cpu;
        if (!r->assigned)
            continue;               /* remembered for when it is serviced */
        rc = move_start(d, worker_of_cpu(moves[i].cpu));
        if (rc)
            snprintf(err, errlen, "relay %u %s: a previous move is still in progress",
                     r->id, vio4wd_dir_name(moves[i].dir));
    }
    for (unsigned i = 0; i < n; i++) {
        struct relay *r = &g_relays[moves[i].relay_id];
        if (r->assigned && !migrate_wait(&r->dir[moves[i].dir], timeout_us) && !rc) {
            snprintf(err, errlen, "relay %u %s: move to CPU %d did not complete in %u us",
                     r->id, vio4wd_dir_name(moves[i].dir), moves[i].cpu, timeout_us);
            rc = -ETIMEDOUT;
        }
    }
    relay_unlock();
    return rc;
}

int migrate_direction(unsigned relay_id, enum vio4wd_dir dir, int cpu, unsigned timeout_us,
                      char *err, size_t errlen)
{
    struct migrate_move m = {.relay_id = relay_id, .dir = dir, .cpu = cpu};
    return migrate_apply(&m, 1, true, timeout_us, err, errlen);
}
