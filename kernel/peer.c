// SPDX-License-Identifier: GPL-2.0
/*
 * Peers and links: creation, lookup, removal and lifetime.
 * Locking rules are in peer.h.
 */
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "device.h"
#include "mtu.h"
#include "peer.h"
#include "sa.h"

int vcmp_peers_init(struct vcmp_dev *vdev)
{
	hash_init(vdev->peer_hash);
	hash_init(vdev->ep_hash);
	INIT_LIST_HEAD(&vdev->peer_list);
	vdev->npeers = 0;
	vcmp_aip_init(&vdev->aips);
	return 0;
}

/* Called once no packet can reach the device any more (after RCU). */
void vcmp_peers_destroy(struct vcmp_dev *vdev)
{
	WARN_ON(!list_empty(&vdev->peer_list));
	vcmp_aip_free(&vdev->aips);
}

struct vcmp_peer *vcmp_peer_find(struct vcmp_dev *vdev, u32 id)
{
	struct vcmp_peer *peer;

	lockdep_assert_held(&vdev->lock);
	hash_for_each_possible(vdev->peer_hash, peer, hnode, id)
		if (peer->id == id)
			return peer;
	return NULL;
}

struct vcmp_peer *vcmp_peer_lookup_rcu(struct vcmp_dev *vdev, u32 id)
{
	struct vcmp_peer *peer;

	hash_for_each_possible_rcu(vdev->peer_hash, peer, hnode, id)
		if (peer->id == id && !READ_ONCE(peer->dead))
			return peer;
	return NULL;
}

int vcmp_peer_add(struct vcmp_dev *vdev, const struct vcmp_peer_cfg *cfg,
		  struct netlink_ext_ack *extack)
{
	struct vcmp_peer *peer;

	lockdep_assert_held(&vdev->lock);
	if (!cfg->id) {
		NL_SET_ERR_MSG_MOD(extack, "peer id 0 is reserved");
		return -EINVAL;
	}
	if (cfg->suite >= VCMP_SUITE_COUNT) {
		NL_SET_ERR_MSG_MOD(extack, "unknown suite");
		return -EINVAL;
	}
	if (vcmp_peer_find(vdev, cfg->id)) {
		NL_SET_ERR_MSG_MOD(extack, "peer id already exists");
		return -EEXIST;
	}

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return -ENOMEM;
	peer->vdev = vdev;
	peer->id = cfg->id;
	peer->segment = cfg->segment;
	peer->suite = cfg->suite;
	INIT_LIST_HEAD(&peer->sa_list);
	vcmp_rx_reseq_init(peer);
	vcmp_rx_jitter_init(peer);
	vcmp_fec_tx_init(&peer->fec_tx);
	vcmp_fec_rx_init(&peer->fec_rx);
	kref_init(&peer->refcount);

	list_add_tail(&peer->list, &vdev->peer_list);
	hash_add_rcu(vdev->peer_hash, &peer->hnode, peer->id);
	vdev->npeers++;
	return 0;
}

int vcmp_peer_set_segment(struct vcmp_peer *peer, u16 segment)
{
	lockdep_assert_held(&peer->vdev->lock);
	WRITE_ONCE(peer->segment, segment);
	return 0;
}

static void vcmp_peer_free_rcu(struct rcu_head *rcu)
{
	struct vcmp_peer *peer = container_of(rcu, struct vcmp_peer, rcu);

	vcmp_rx_reseq_free(peer);
	vcmp_fec_tx_free(&peer->fec_tx);
	vcmp_fec_rx_free(&peer->fec_rx);
	kfree(peer);
}

static void vcmp_peer_release(struct kref *ref)
{
	struct vcmp_peer *peer = container_of(ref, struct vcmp_peer, refcount);

	call_rcu(&peer->rcu, vcmp_peer_free_rcu);
}

struct vcmp_peer *vcmp_peer_get(struct vcmp_peer *peer)
{
	if (unlikely(!kref_get_unless_zero(&peer->refcount)))
		return NULL;
	return peer;
}

void vcmp_peer_put(struct vcmp_peer *peer)
{
	if (peer)
		kref_put(&peer->refcount, vcmp_peer_release);
}

static void vcmp_link_free_rcu(struct rcu_head *rcu)
{
	struct vcmp_link *link = container_of(rcu, struct vcmp_link, rcu);

	dst_cache_destroy(&link->dst_cache);
	vcmp_resend_free(&link->resend);
	kfree(link);
}

static void vcmp_link_release(struct kref *ref)
{
	struct vcmp_link *link = container_of(ref, struct vcmp_link, refcount);

	call_rcu(&link->rcu, vcmp_link_free_rcu);
}

/* Packet path, inside an RCU read section: NULL if the link is going. */
struct vcmp_link *vcmp_link_get(struct vcmp_link *link)
{
	if (unlikely(!kref_get_unless_zero(&link->refcount)))
		return NULL;
	return link;
}

void vcmp_link_put(struct vcmp_link *link)
{
	if (link)
		kref_put(&link->refcount, vcmp_link_release);
}

struct vcmp_link *vcmp_link_find(struct vcmp_peer *peer, u8 id)
{
	struct vcmp_link *link;
	unsigned int i;

	lockdep_assert_held(&peer->vdev->lock);
	for (i = 0; i < peer->nlinks; i++) {
		link = rcu_dereference_protected(peer->links[i],
						 lockdep_is_held(&peer->vdev->lock));
		if (link->id == id)
			return link;
	}
	return NULL;
}

static u32 vcmp_ep_hash(const union vcmp_sockaddr *a)
{
	if (a->sa.sa_family == AF_INET)
		return jhash_2words((__force u32)a->sin.sin_addr.s_addr,
				    (__force u32)a->sin.sin_port, 0);
	return jhash2((const u32 *)&a->sin6.sin6_addr, 4,
		      (__force u32)a->sin6.sin6_port);
}

bool vcmp_ep_equal(const union vcmp_sockaddr *a, const union vcmp_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr &&
		       a->sin.sin_port == b->sin.sin_port;
	return ipv6_addr_equal(&a->sin6.sin6_addr, &b->sin6.sin6_addr) &&
	       a->sin6.sin6_port == b->sin6.sin6_port;
}

/**
 * vcmp_link_lookup_plain_rcu - the link of a plain peer whose remote
 *	endpoint is @from
 * @vdev: the device
 * @from: source address and port of a received datagram
 *
 * Context: RCU read lock. Return: the link or NULL.
 */
struct vcmp_link *vcmp_link_lookup_plain_rcu(struct vcmp_dev *vdev,
					     const union vcmp_sockaddr *from)
{
	struct vcmp_link *link;

	hash_for_each_possible_rcu(vdev->ep_hash, link, ep_node,
				   vcmp_ep_hash(from))
		if (vcmp_ep_equal(&link->remote, from))
			return link;
	return NULL;
}

static bool vcmp_sockaddr_ok(const union vcmp_sockaddr *a, bool need)
{
	switch (a->sa.sa_family) {
	case AF_UNSPEC:
		return !need;
	case AF_INET:
		return true;
	case AF_INET6:
		return IS_ENABLED(CONFIG_IPV6);
	default:
		return false;
	}
}

int vcmp_link_add(struct vcmp_peer *peer, const struct vcmp_link_cfg *cfg,
		  struct netlink_ext_ack *extack)
{
	struct vcmp_dev *vdev = peer->vdev;
	union vcmp_sockaddr remote;
	struct vcmp_link *link;
	int err;

	lockdep_assert_held(&vdev->lock);
	if (!vcmp_sockaddr_ok(&cfg->remote, true)) {
		NL_SET_ERR_MSG_MOD(extack, "link needs an IPv4 or IPv6 remote address");
		return -EINVAL;
	}
	if (!vcmp_sockaddr_ok(&cfg->local, false) ||
	    (cfg->local.sa.sa_family != AF_UNSPEC &&
	     cfg->local.sa.sa_family != cfg->remote.sa.sa_family)) {
		NL_SET_ERR_MSG_MOD(extack, "local and remote address families differ");
		return -EINVAL;
	}
	/* No remote port given: the peer listens on the same port as we do. */
	remote = cfg->remote;
	if (remote.sa.sa_family == AF_INET && !remote.sin.sin_port)
		remote.sin.sin_port = htons(vdev->port);
	else if (remote.sa.sa_family == AF_INET6 && !remote.sin6.sin6_port)
		remote.sin6.sin6_port = htons(vdev->port);
	if (peer->suite == VCMP_SUITE_PLAIN) {
		struct vcmp_link *other;

		/* Plain packets are matched to links by source endpoint. */
		rcu_read_lock();
		other = vcmp_link_lookup_plain_rcu(vdev, &remote);
		rcu_read_unlock();
		if (other) {
			NL_SET_ERR_MSG_MOD(extack,
					   "remote endpoint already used by a plain link");
			return -EEXIST;
		}
	}
	if (vcmp_link_find(peer, cfg->id)) {
		NL_SET_ERR_MSG_MOD(extack, "link id already exists on this peer");
		return -EEXIST;
	}
	if (peer->nlinks >= VCMP_MAX_LINKS) {
		NL_SET_ERR_MSG_MOD(extack, "peer has the maximum number of links");
		return -ENOSPC;
	}
	/* A second link: the packets may overtake each other from now on. */
	if (peer->nlinks >= 1 && vcmp_rx_reseq_prepare(peer)) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the resequencing buffer");
		return -ENOMEM;
	}

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	err = dst_cache_init(&link->dst_cache, GFP_KERNEL);
	if (err) {
		kfree(link);
		return err;
	}
	err = vcmp_resend_init(&link->resend);
	if (err) {
		dst_cache_destroy(&link->dst_cache);
		kfree(link);
		NL_SET_ERR_MSG_MOD(extack, "no memory for the link's failover copies");
		return err;
	}
	link->peer = peer;
	link->id = cfg->id;
	link->local = cfg->local;
	link->ifindex = cfg->ifindex;
	link->remote = remote;
	link->mtu_cfg = cfg->mtu;
	link->bandwidth_kbps = cfg->bandwidth_kbps;
	seqlock_init(&link->endpoint_lock);
	vcmp_pmtud_init(link);
	vcmp_monitor_init(link);
	kref_init(&link->refcount);
	if (peer->suite == VCMP_SUITE_PLAIN)
		hash_add_rcu(vdev->ep_hash, &link->ep_node,
			     vcmp_ep_hash(&remote));
	rcu_assign_pointer(peer->links[peer->nlinks], link);
	peer->nlinks++;
	vcmp_peer_update_mtu(peer);
	vcmp_pmtud_start(link);
	vcmp_monitor_start(link);
	return 0;
}

int vcmp_link_del(struct vcmp_peer *peer, u8 id, struct netlink_ext_ack *extack)
{
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_link *link, *last;
	unsigned int i;

	lockdep_assert_held(&vdev->lock);
	for (i = 0; i < peer->nlinks; i++) {
		link = rcu_dereference_protected(peer->links[i],
						 lockdep_is_held(&vdev->lock));
		if (link->id == id)
			break;
	}
	if (i == peer->nlinks) {
		NL_SET_ERR_MSG_MOD(extack, "no such link");
		return -ENOENT;
	}
	/* Keep the slots dense: the last link moves into the hole. */
	last = rcu_dereference_protected(peer->links[peer->nlinks - 1],
					 lockdep_is_held(&vdev->lock));
	rcu_assign_pointer(peer->links[i], last);
	RCU_INIT_POINTER(peer->links[peer->nlinks - 1], NULL);
	peer->nlinks--;
	vcmp_peer_update_mtu(peer);
	if (peer->suite == VCMP_SUITE_PLAIN)
		hash_del_rcu(&link->ep_node);
	vcmp_pmtud_stop(link);
	vcmp_monitor_stop(link);
	vcmp_link_put(link);
	return 0;
}

void vcmp_link_get_remote(struct vcmp_link *link, union vcmp_sockaddr *remote)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&link->endpoint_lock);
		*remote = link->remote;
	} while (read_seqretry(&link->endpoint_lock, seq));
}

static int vcmp_prefix_check(int family, u8 cidr,
			     struct netlink_ext_ack *extack)
{
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_MOD(extack, "prefix family must be IPv4 or IPv6");
		return -EINVAL;
	}
	if (cidr > (family == AF_INET ? 32 : 128)) {
		NL_SET_ERR_MSG_MOD(extack, "prefix length too long for its family");
		return -EINVAL;
	}
	return 0;
}

static int vcmp_aip_family(int family)
{
	return family == AF_INET ? 4 : 6;
}

int vcmp_peer_add_prefix(struct vcmp_peer *peer, int family, const u8 *addr,
			 u8 cidr, struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&peer->vdev->lock);
	err = vcmp_prefix_check(family, cidr, extack);
	if (err)
		return err;
	return vcmp_aip_insert(&peer->vdev->aips, vcmp_aip_family(family),
			       addr, cidr, &peer->aips);
}

int vcmp_peer_del_prefix(struct vcmp_peer *peer, int family, const u8 *addr,
			 u8 cidr, struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&peer->vdev->lock);
	err = vcmp_prefix_check(family, cidr, extack);
	if (err)
		return err;
	err = vcmp_aip_remove(&peer->vdev->aips, vcmp_aip_family(family),
			      addr, cidr, &peer->aips);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "peer has no such prefix");
	return err;
}

void vcmp_peer_clear_prefixes(struct vcmp_peer *peer)
{
	lockdep_assert_held(&peer->vdev->lock);
	vcmp_aip_remove_owner(&peer->vdev->aips, &peer->aips);
}

/* Unpublish @peer from every table; the caller waits for readers. */
static void vcmp_peer_unpublish(struct vcmp_peer *peer)
{
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_link *link;
	unsigned int i;

	WRITE_ONCE(peer->dead, true);
	vcmp_peer_clear_prefixes(peer);
	if (peer->suite == VCMP_SUITE_PLAIN) {
		for (i = 0; i < peer->nlinks; i++) {
			link = rcu_dereference_protected(peer->links[i],
							 lockdep_is_held(&vdev->lock));
			hash_del_rcu(&link->ep_node);
		}
	}
	hash_del_rcu(&peer->hnode);
	list_del(&peer->list);
	vdev->npeers--;
}

/* After a grace period: nothing on the packet path can find @peer. */
static void vcmp_peer_finish(struct vcmp_peer *peer)
{
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_link *link;
	unsigned int i;

	vcmp_rx_reseq_stop(peer);
	vcmp_rx_jitter_stop(peer);
	vcmp_sa_del_all(peer);
	vcmp_fec_tx_stop(&peer->fec_tx);
	for (i = 0; i < peer->nlinks; i++) {
		link = rcu_dereference_protected(peer->links[i],
						 lockdep_is_held(&vdev->lock));
		RCU_INIT_POINTER(peer->links[i], NULL);
		vcmp_pmtud_stop(link);
		vcmp_monitor_stop(link);
		vcmp_link_put(link);
	}
	peer->nlinks = 0;
	vcmp_peer_put(peer);
}

void vcmp_peer_del(struct vcmp_peer *peer)
{
	lockdep_assert_held(&peer->vdev->lock);
	vcmp_peer_unpublish(peer);
	synchronize_net();
	vcmp_peer_finish(peer);
}

void vcmp_peer_del_all(struct vcmp_dev *vdev)
{
	struct vcmp_peer *peer, *tmp;
	LIST_HEAD(dying);

	lockdep_assert_held(&vdev->lock);
	list_for_each_entry_safe(peer, tmp, &vdev->peer_list, list) {
		vcmp_peer_unpublish(peer);
		list_add_tail(&peer->list, &dying);
	}
	/* One grace period for all of them, not one per peer. */
	synchronize_net();
	list_for_each_entry_safe(peer, tmp, &dying, list) {
		list_del(&peer->list);
		vcmp_peer_finish(peer);
	}
}
