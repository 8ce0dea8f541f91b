// SPDX-License-Identifier: GPL-2.0
/*
 * Security associations: installation, lookup by SPI, make-before-break
 * switching of the outbound SA, removal. Locking rules are in sa.h.
 */
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "device.h"
#include "main.h"
#include "peer.h"
#include "sa.h"

static struct vcmp_sa *vcmp_sa_find(struct vcmp_peer *peer, u32 spi,
				    enum vcmp_sa_dir dir)
{
	struct vcmp_sa *sa;

	list_for_each_entry(sa, &peer->sa_list, list)
		if (sa->spi == spi && sa->dir == dir)
			return sa;
	return NULL;
}

static struct vcmp_sa *vcmp_sa_find_in(struct vcmp_dev *vdev, u32 spi)
{
	struct vcmp_sa *sa;

	hash_for_each_possible(vdev->sa_hash, sa, hnode, spi)
		if (sa->spi == spi)
			return sa;
	return NULL;
}

struct vcmp_sa *vcmp_sa_lookup_in_rcu(struct vcmp_dev *vdev, u32 spi)
{
	struct vcmp_sa *sa;

	hash_for_each_possible_rcu(vdev->sa_hash, sa, hnode, spi)
		if (sa->spi == spi && !READ_ONCE(sa->dead))
			return sa;
	return NULL;
}

/* After a grace period, in process context: freeing a tfm may sleep. */
static void vcmp_sa_free_work(struct work_struct *work)
{
	struct vcmp_sa *sa = container_of(to_rcu_work(work), struct vcmp_sa,
					  free_work);

	vcmp_aead_free(&sa->aead);
	vcmp_peer_put(sa->peer);
	kfree_sensitive(sa);
}

static void vcmp_sa_release(struct kref *ref)
{
	struct vcmp_sa *sa = container_of(ref, struct vcmp_sa, refcount);

	INIT_RCU_WORK(&sa->free_work, vcmp_sa_free_work);
	queue_rcu_work(vcmp_wq, &sa->free_work);
}

struct vcmp_sa *vcmp_sa_get(struct vcmp_sa *sa)
{
	if (unlikely(!kref_get_unless_zero(&sa->refcount)))
		return NULL;
	return sa;
}

void vcmp_sa_put(struct vcmp_sa *sa)
{
	if (sa)
		kref_put(&sa->refcount, vcmp_sa_release);
}

/* The newest live outbound SA of @peer, or NULL. */
static struct vcmp_sa *vcmp_sa_newest_out(struct vcmp_peer *peer)
{
	struct vcmp_sa *sa;

	list_for_each_entry(sa, &peer->sa_list, list)
		if (sa->dir == VCMP_SA_DIR_OUT && !sa->dead)
			return sa;
	return NULL;
}

int vcmp_sa_add(struct vcmp_peer *peer, const struct vcmp_sa_cfg *cfg,
		struct netlink_ext_ack *extack)
{
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_sa *sa;
	int err;

	lockdep_assert_held(&vdev->lock);
	if (peer->suite == VCMP_SUITE_PLAIN) {
		NL_SET_ERR_MSG_MOD(extack, "plain peers have no security associations");
		return -EINVAL;
	}
	if (cfg->spi < VCMP_SPI_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "SPI below 0x01000000 is reserved");
		return -EINVAL;
	}
	if (cfg->dir == VCMP_SA_DIR_IN ? !!vcmp_sa_find_in(vdev, cfg->spi) :
	    !!vcmp_sa_find(peer, cfg->spi, cfg->dir)) {
		NL_SET_ERR_MSG_MOD(extack, "SPI already in use");
		return -EEXIST;
	}

	sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	if (!sa)
		return -ENOMEM;
	err = vcmp_aead_init(&sa->aead, peer->suite, cfg->key, cfg->keylen,
			     extack);
	if (err) {
		kfree(sa);
		return err;
	}
	sa->spi = cfg->spi;
	sa->dir = cfg->dir;
	atomic64_set(&sa->tx_seq, 0);
	spin_lock_init(&sa->replay_lock);
	vcmp_replay_init(&sa->replay);
	kref_init(&sa->refcount);
	sa->peer = vcmp_peer_get(peer);
	if (!sa->peer) {	/* cannot happen under vdev->lock */
		vcmp_aead_free(&sa->aead);
		kfree(sa);
		return -ENOENT;
	}

	list_add(&sa->list, &peer->sa_list);
	if (sa->dir == VCMP_SA_DIR_IN)
		hash_add_rcu(vdev->sa_hash, &sa->hnode, sa->spi);
	else
		rcu_assign_pointer(peer->tx_sa, sa);	/* switch at once */
	return 0;
}

/* Unpublish @sa; its table reference is dropped after a grace period. */
static void vcmp_sa_unpublish(struct vcmp_peer *peer, struct vcmp_sa *sa)
{
	WRITE_ONCE(sa->dead, true);
	list_del(&sa->list);
	if (sa->dir == VCMP_SA_DIR_IN) {
		hash_del_rcu(&sa->hnode);
	} else if (rcu_access_pointer(peer->tx_sa) == sa) {
		/* Fall back to the next newest outbound SA, if any. */
		rcu_assign_pointer(peer->tx_sa, vcmp_sa_newest_out(peer));
	}
}

int vcmp_sa_del(struct vcmp_peer *peer, u32 spi, enum vcmp_sa_dir dir,
		struct netlink_ext_ack *extack)
{
	struct vcmp_sa *sa;

	lockdep_assert_held(&peer->vdev->lock);
	sa = vcmp_sa_find(peer, spi, dir);
	if (!sa) {
		NL_SET_ERR_MSG_MOD(extack, "no such security association");
		return -ENOENT;
	}
	vcmp_sa_unpublish(peer, sa);
	/* Packets in flight hold their own reference. */
	vcmp_sa_put(sa);
	return 0;
}

void vcmp_sa_del_all(struct vcmp_peer *peer)
{
	struct vcmp_sa *sa, *tmp;

	lockdep_assert_held(&peer->vdev->lock);
	list_for_each_entry_safe(sa, tmp, &peer->sa_list, list) {
		vcmp_sa_unpublish(peer, sa);
		vcmp_sa_put(sa);
	}
	RCU_INIT_POINTER(peer->tx_sa, NULL);
}
