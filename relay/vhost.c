/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost.c - vhost-user backends: socket registration, features, ownership,
 * and the device callbacks that connect a guest to its relay. */
#include "vhost.h"

#include <errno.h>
#include <inttypes.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_vhost.h>

#include "log.h"

static const struct vio4wd_config *g_cfg;
static const struct vhost_events *g_events;

void vhost_init(const struct vio4wd_config *cfg)
{
    g_cfg = cfg;
}

void vhost_set_events(const struct vhost_events *events)
{
    g_events = events;
}

/* What the guest and we agreed on, for operators checking that
 * VIRTIOFWD_MRGBUF and VIRTIOFWD_TSO took effect. Guests renegotiate after
 * configuring their offloads, so this is logged again on every change. */
static void log_features(int vid, uint64_t features)
{
    log_info("vhost device %d: negotiated virtio features 0x%" PRIx64
             " (mergeable buffers %s, TSO %s)",
             vid, features, features & (1ull << VIRTIO_NET_F_MRG_RXBUF) ? "on" : "off",
             features & (1ull << VIRTIO_NET_F_HOST_TSO4) ? "on" : "off");
}

void vhost_guest_setup(int vid)
{
    /* We poll: ask the guest not to kick us, on every ring. */
    for (uint16_t q = 0; q < rte_vhost_get_vring_num(vid); q++)
        rte_vhost_enable_guest_notification(vid, q, 0);
    uint64_t features = 0;
    rte_vhost_get_negotiated_features(vid, &features);
    log_features(vid, features);
}

static int new_device(int vid)
{
    char path[VIO4WD_PATH_MAX];

    if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0 || !g_events)
        return -1;
    return g_events->guest_up(path, vid);
}

static void destroy_device(int vid)
{
    if (g_events)
        g_events->guest_down(vid);
}

static int vring_state_changed(int vid, uint16_t queue_id, int enable)
{
    char path[VIO4WD_PATH_MAX];

    log_debug("vhost device %d: ring %u %s", vid, queue_id, enable ? "enabled" : "disabled");
    if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0 || !g_events)
        return 0;
    g_events->vring_state(path, vid, queue_id, enable != 0);
    return 0;
}

static int features_changed(int vid, uint64_t features)
{
    /* VHOST_F_LOG_ALL toggles around guest live migration; rte_vhost logs
     * dirty pages itself, we only note it. */
    log_info("vhost device %d: dirty-page logging %s", vid,
             RTE_VHOST_NEED_LOG(features) ? "on (guest migrating)" : "off");
    log_features(vid, features);
    return 0;
}

static const struct rte_vhost_device_ops g_ops = {
    .new_device = new_device,
    .destroy_device = destroy_device,
    .vring_state_changed = vring_state_changed,
    .features_changed = features_changed,
};

/* A name, or a number that is taken as the id itself. */
static bool numeric_id(const char *text, unsigned long *id)
{
    char *end;
    errno = 0;
    *id = strtoul(text, &end, 10);
    return text[0] && *end == '\0' && errno == 0;
}

int vhost_socket_account(const struct vio4wd_config *cfg, uid_t *uid, gid_t *gid, char *err,
                         size_t errlen)
{
    unsigned long id;

    *uid = (uid_t)-1;
    *gid = (gid_t)-1;
    if (cfg->socket_owner[0]) {
        struct passwd *pw = numeric_id(cfg->socket_owner, &id) ? NULL : getpwnam(cfg->socket_owner);
        if (!pw && !numeric_id(cfg->socket_owner, &id)) {
            snprintf(err, errlen, "VIRTIOFWD_SOCKET_OWNER='%s': no such user on this host",
                     cfg->socket_owner);
            return -1;
        }
        *uid = pw ? pw->pw_uid : (uid_t)id;
    }
    if (cfg->socket_group[0]) {
        struct group *gr = numeric_id(cfg->socket_group, &id) ? NULL : getgrnam(cfg->socket_group);
        if (!gr && !numeric_id(cfg->socket_group, &id)) {
            snprintf(err, errlen, "VIRTIOFWD_SOCKET_GROUP='%s': no such group on this host",
                     cfg->socket_group);
            return -1;
        }
        *gid = gr ? gr->gr_gid : (gid_t)id;
    }
    return 0;
}

static void apply_ownership(const char *path)
{
    uid_t uid;
    gid_t gid;
    char err[256];

    if (vhost_socket_account(g_cfg, &uid, &gid, err, sizeof(err)) != 0) {
        log_warning("%s: %s", path, err); /* checked at start: only if the host changed */
        return;
    }
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0)
        log_warning("%s: chown: %s", path, strerror(errno));
    if (g_cfg->socket_owner[0] || g_cfg->socket_group[0])
        if (chmod(path, 0660) < 0)
            log_warning("%s: chmod: %s", path, strerror(errno));
}

int vhost_socket_start(const char *path, char *err, size_t errlen)
{
    uint64_t flags = 0;
    int rc;

    if (g_cfg->vhost_client)
        flags |= RTE_VHOST_USER_CLIENT; /* reconnects by default */
    if (g_cfg->tso)
        flags |= RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS;
    if (!g_cfg->vhost_client)
        unlink(path); /* a stale socket from a crash */
    rc = rte_vhost_driver_register(path, flags);
    if (rc) {
        snprintf(err, errlen, "cannot register vhost-user socket %s", path);
        return -EINVAL;
    }
    uint64_t off = 0;
    if (!g_cfg->mrgbuf)
        off |= 1ull << VIRTIO_NET_F_MRG_RXBUF;
    if (!g_cfg->tso)
        off |= (1ull << VIRTIO_NET_F_HOST_TSO4) | (1ull << VIRTIO_NET_F_HOST_TSO6) |
               (1ull << VIRTIO_NET_F_GUEST_TSO4) | (1ull << VIRTIO_NET_F_GUEST_TSO6) |
               (1ull << VIRTIO_NET_F_HOST_UFO) | (1ull << VIRTIO_NET_F_GUEST_UFO) |
               (1ull << VIRTIO_NET_F_HOST_ECN) | (1ull << VIRTIO_NET_F_GUEST_ECN) |
               (1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_CSUM);
    if (off)
        rte_vhost_driver_disable_features(path, off);
    if (rte_vhost_driver_callback_register(path, &g_ops) != 0 ||
        rte_vhost_driver_start(path) != 0) {
        rte_vhost_driver_unregister(path);
        snprintf(err, errlen, "cannot start vhost-user socket %s", path);
        return -EIO;
    }
    if (!g_cfg->vhost_client)
        apply_ownership(path);
    log_debug("vhost-user socket %s (%s mode)", path, g_cfg->vhost_client ? "client" : "server");
    return 0;
}

void vhost_socket_stop(const char *path)
{
    /* unregister can fail with -EBUSY while the vhost thread is busy with
     * this socket's connection; retry for a while (bounded). */
    for (int i = 0; i < 200; i++) {
        if (rte_vhost_driver_unregister(path) == 0)
            break;
        usleep(5000);
    }
    if (!g_cfg->vhost_client)
        unlink(path);
}
