/* migrate.h - moving a relay direction from one worker to another while
 * traffic flows: no packet lost, duplicated or reordered, and never two
 * workers on one queue.
 *
 * Handover protocol (single writer at every step):
 *   1. control: d->target = B; set d's bit in A->release (release order).
 *   2. worker A, at the top of its next loop iteration (it is between
 *      bursts, so the direction's leftovers are in the direction, not in A),
 *      takes the bit (acquire), drops d from its list, stores d->owner = -1
 *      and sets d's bit in B->adopt (release).
 *   3. worker B takes the bit (acquire), appends d to its list, records the
 *      migration in d's counters and stores d->owner = B (release).
 * A release of a direction with target -1 stops at step 2 (unassignment);
 * an assignment of an unowned direction starts at step 3. The control plane
 * issues one move per direction at a time and waits for owner == target.
 * Idle workers back off for tens of microseconds at most, so a handover
 * completes within microseconds to tens of microseconds.
 */
#ifndef VIO4WD_MIGRATE_H
#define VIO4WD_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "counters.h"
#include "relay.h"

struct worker;

struct migrate_move {
    unsigned relay_id;
    enum vio4wd_dir dir;
    int cpu;                    /* a worker CPU */
};

/* Checks a whole set of moves without applying any: relay in use, CPU is a
 * worker, same NUMA node as the relay's memory unless allow_cross_numa, no
 * direction named twice. Returns 0, or a negative errno with err saying
 * which entry is wrong and why. Call under relay_lock(). */
int migrate_validate(const struct migrate_move *moves, unsigned n,
                     bool allow_cross_numa, char *err, size_t errlen);

/* Validates, then applies all moves and waits (up to timeout_us) until each
 * has completed. Directions that are not currently serviced (no VF and no
 * guest) just remember the CPU for when they are. Returns 0 or a negative
 * errno. Takes relay_lock(). */
int migrate_apply(const struct migrate_move *moves, unsigned n, bool allow_cross_numa,
                  unsigned timeout_us, char *err, size_t errlen);

/* One direction; same rules. */
int migrate_direction(unsigned relay_id, enum vio4wd_dir dir, int cpu,
                      unsigned timeout_us, char *err, size_t errlen);

/* ---- used inside the relay ---------------------------------------------- */

/* Starts servicing d on worker w (d must be unowned). Under relay_lock(). */
void migrate_assign(struct relay_dir *d, int w);
/* Takes d away from its worker and waits until no worker has it. */
void migrate_unassign(struct relay_dir *d);
/* Waits until d's owner equals its target; false on timeout. */
bool migrate_wait(struct relay_dir *d, unsigned timeout_us);

/* Worker side: handles pending release/adopt bits. Called by the worker
 * loop when one of its masks is non-zero. */
void migrate_worker_poll(struct worker *w);

#endif
