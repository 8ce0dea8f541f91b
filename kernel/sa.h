/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security associations: one key, one direction, one peer.
 *
 * A peer has any number of inbound SAs (all accepted, found by SPI) and
 * outbound SAs (the newest one is used: peer->tx_sa). That is the whole
 * rekey procedure, make-before-break: the receiver adds the new inbound
 * SA, the sender adds the new outbound SA and switches to it at once, the
 * receiver accepts both until the old ones are deleted.
 *
 * Locking as for peers (peer.h): vdev->lock for configuration, RCU plus a
 * reference for the packet path. Keys live only inside the AEAD transform
 * and are never copied out; freeing the transform wipes them.
 */
#ifndef _VCMP_SA_H
#define _VCMP_SA_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "crypto.h"
#include "replay.h"

struct netlink_ext_ack;
struct vcmp_dev;
struct vcmp_peer;

enum vcmp_sa_dir {
	VCMP_SA_DIR_IN,
	VCMP_SA_DIR_OUT,
};

/*
 * struct vcmp_sa_cfg - a new SA as netlink hands it over
 * @spi: SPI, >= VCMP_SPI_MIN; inbound SPIs are unique per device,
 *	outbound SPIs per peer
 * @dir: direction
 * @key: key material (suite of the peer; see vcmp_aead_keylen())
 * @keylen: bytes at @key
 */
struct vcmp_sa_cfg {
	u32 spi;
	enum vcmp_sa_dir dir;
	const u8 *key;
	unsigned int keylen;
};

/*
 * struct vcmp_sa - an installed SA
 * @peer: its peer, referenced
 * @spi: SPI
 * @dir: direction
 * @aead: the keyed transform
 * @tx_seq: outbound: last ESP sequence number used (64-bit, starts at 0,
 *	first packet uses 1, never wraps: the SA stops at U64_MAX)
 * @replay_lock: inbound: guards @replay (softirq)
 * @replay: inbound: anti-replay window
 * @hnode: inbound: in vdev->sa_hash by SPI (RCU readers, vdev->lock)
 * @list: in the peer's SA list, vdev->lock
 * @dead: being removed (vdev->lock); the packet path skips dead SAs
 * @refcount: one for the tables, one per packet in flight
 * @free_work: frees (transform, then memory) after a grace period
 */
struct vcmp_sa {
	struct vcmp_peer *peer;
	u32 spi;
	enum vcmp_sa_dir dir;
	struct vcmp_aead aead;
	atomic64_t tx_seq;
	spinlock_t replay_lock;		/* guards @replay */
	struct vcmp_replay replay;
	struct hlist_node hnode;
	struct list_head list;
	bool dead;
	struct kref refcount;
	struct rcu_work free_work;
};

#define VCMP_SA_HASH_BITS	12

/* Configuration: vdev->lock held. */
int vcmp_sa_add(struct vcmp_peer *peer, const struct vcmp_sa_cfg *cfg,
		struct netlink_ext_ack *extack);
int vcmp_sa_del(struct vcmp_peer *peer, u32 spi, enum vcmp_sa_dir dir,
		struct netlink_ext_ack *extack);
void vcmp_sa_del_all(struct vcmp_peer *peer);
/* Walk a peer's SAs for dumps (vdev->lock held). */
#define vcmp_peer_for_each_sa(peer, sa) \
	list_for_each_entry(sa, &(peer)->sa_list, list)

/* Packet path. */
struct vcmp_sa *vcmp_sa_lookup_in_rcu(struct vcmp_dev *vdev, u32 spi);
struct vcmp_sa *vcmp_sa_get(struct vcmp_sa *sa);
void vcmp_sa_put(struct vcmp_sa *sa);

#endif /* _VCMP_SA_H */
