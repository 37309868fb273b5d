/* SPDX-License-Identifier: BSD-3-Clause */
/* rate_limit.c - setting and replacing the directions' rate limits (rate_limit.h). */
#include "rate_limit.h"

#include <errno.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "direction.h"
#include "log.h"
#include "meter.h"
#include "relay.h"
#include "worker.h"

int relay_set_rate(unsigned relay_id, unsigned dir, const struct vio4wd_rate *rate, char *err,
                   size_t errlen)
{
    struct relay_meter *mt = NULL;
    char text[64];

    if (relay_id >= VIO4WD_MAX_RELAYS || dir >= VIO4WD_DIR_COUNT) {
        snprintf(err, errlen, "relay %u direction %u: no such relay direction", relay_id, dir);
        return -EINVAL;
    }
    struct relay_dir *d = &g_relays[relay_id].dir[dir];
    if (rate_is_limited(rate)) {
        struct rte_meter_srtcm_params params = {
            .cir = rate->bytes_per_s,
            .cbs = rate->burst_bytes,
            .ebs = 0,
        };
        mt = rte_zmalloc("relay_meter", sizeof(*mt), RTE_CACHE_LINE_SIZE);
        if (!mt) {
            snprintf(err, errlen, "relay %u: out of memory for a rate meter", relay_id);
            return -ENOMEM;
        }
        int rc = rte_meter_srtcm_profile_config(&mt->profile, &params);
        if (rc == 0)
            rc = rte_meter_srtcm_config(&mt->m, &mt->profile);
        if (rc != 0) {
            rte_free(mt);
            rate_format(rate, text, sizeof(text));
            snprintf(err, errlen, "relay %u: rate %s: the meter refused it (%d)", relay_id, text,
                     rc);
            return rc < 0 ? rc : -EINVAL;
        }
        mt->rate = *rate;
    }
    struct relay_meter *old = __atomic_exchange_n(&d->meter, mt, __ATOMIC_ACQ_REL);
    if (old) {
        /* No worker may still be inside meter_police() on it. */
        workers_quiesce();
        rte_free(old);
    }
    rate_format(rate, text, sizeof(text));
    log_info("relay %u %s: rate limit %s", relay_id, vio4wd_dir_arrow(dir), text);
    return 0;
}

void relay_get_rate(unsigned relay_id, unsigned dir, struct vio4wd_rate *out)
{
    const struct relay_meter *mt = NULL;
    if (relay_id < VIO4WD_MAX_RELAYS && dir < VIO4WD_DIR_COUNT)
        mt = __atomic_load_n(&g_relays[relay_id].dir[dir].meter, __ATOMIC_ACQUIRE);
    if (mt)
        *out = mt->rate;
    else
        *out = (struct vio4wd_rate){0};
}

int relay_apply_rate_limits(const struct vio4wd_config *cfg, char *err, size_t errlen)
{
    for (unsigned i = 0; i < cfg->n_rate_limits; i++) {
        const struct vio4wd_rate_limit *rl = &cfg->rate_limits[i];
        for (unsigned d = 0; d < VIO4WD_DIR_COUNT; d++) {
            int rc = relay_set_rate(rl->relay_id, d, &rl->rate[d], err, errlen);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

void relay_free_meters(void)
{
    for (unsigned i = 0; i < VIO4WD_MAX_RELAYS; i++)
        for (unsigned d = 0; d < VIO4WD_DIR_COUNT; d++)
            rte_free(__atomic_exchange_n(&g_relays[i].dir[d].meter, NULL, __ATOMIC_ACQ_REL));
}
