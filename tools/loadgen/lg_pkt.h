/* SPDX-License-Identifier: BSD-3-Clause */
/* What the generator puts in each packet.  Both ends are in the same
 * process, so fields are in host byte order, except the EtherType. */
#ifndef VIO4WD_LG_PKT_H
#define VIO4WD_LG_PKT_H

#include <stdint.h>

#define LG_ETHERTYPE     0x88b5      /* IEEE 802 local experimental */
#define LG_MAGIC         0x474c3456u /* "V4LG" in memory on little-endian */
#define LG_STAMP_VERSION 2           /* 2: relay id is a byte, queue added */
#define LG_ETH_HLEN      14
#define LG_STAMP_OFF     LG_ETH_HLEN

struct lg_stamp {
    uint32_t magic;
    uint8_t relay; /* 0..LG_MAX_RELAYS-1 */
    uint8_t queue; /* the queue it was sent on */
    uint8_t dir;   /* enum vio4wd_dir, | LG_DIR_PROBE */
    uint8_t version;
    uint64_t seq; /* per relay, direction and queue, from 0:
                                      * order only holds within a queue */
    uint64_t tsc; /* rte_rdtsc() when the burst was built */
} __attribute__((packed));

/* Probes check that a path forwards before measured traffic starts; they
 * carry their own sequence numbers and are never counted. */
#define LG_DIR_PROBE 0x80

#define LG_HDR_LEN (LG_STAMP_OFF + sizeof(struct lg_stamp)) /* 38 */

#endif
