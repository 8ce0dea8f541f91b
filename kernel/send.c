// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path. ndo_start_xmit finds the peer for the inner destination
 * (allowed-IPs), picks a link, prepends the VCMP header and data header,
 * encrypts with the peer's outbound SA (possibly asynchronously) and hands
 * the result to the link's UDP socket.
 *
 * References: a packet in flight holds its peer, its link and its SA
 * (see skb_cb.h); they are dropped when the packet leaves or is dropped.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <net/icmp.h>

#include "compat.h"
#include "device.h"
#include "mtu.h"
#include "send.h"
#include "skb_cb.h"
#include "socket.h"
#include "stats.h"

/* Tell the inner sender its destination cannot be reached through us. */
static void vcmp_xmit_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE, 0);
}

/* The peer for the inner destination of @skb, or NULL. RCU reader. */
static struct vcmp_peer *vcmp_peer_for_skb(struct vcmp_dev *vdev,
					   struct sk_buff *skb)
{
	struct vcmp_aip_owner *owner;

	if (skb->protocol == htons(ETH_P_IP)) {
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			return NULL;
		owner = vcmp_aip_lookup(&vdev->aips, 4,
					(const u8 *)&ip_hdr(skb)->daddr);
	} else {
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			return NULL;
		owner = vcmp_aip_lookup(&vdev->aips, 6,
					ipv6_hdr(skb)->daddr.s6_addr);
	}
	return owner ? container_of(owner, struct vcmp_peer, aips) : NULL;
}

/* Choose a link of @peer (the first, until multipath steering). */
static struct vcmp_link *vcmp_pick_link(struct vcmp_peer *peer)
{
	struct vcmp_link *link;
	unsigned int i;

	for (i = 0; i < VCMP_MAX_LINKS; i++) {
		link = rcu_dereference_bh(peer->links[i]);
		if (link)
			return link;
	}
	return NULL;
}

static void vcmp_xmit_release(struct vcmp_dev *vdev, struct sk_buff *skb)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);

	vcmp_sa_put(cb->sa);
	vcmp_link_put(cb->link);
	vcmp_peer_put(cb->peer);
	vcmp_inflight_put(vdev);
}

/* Last step, for synchronous and asynchronous encryption alike. */
static void vcmp_xmit_finish(struct sk_buff *skb, int err)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_peer *peer = cb->peer;
	struct vcmp_link *link = cb->link;
	struct vcmp_dev *vdev = peer->vdev;
	struct net_device *dev = vdev->dev;
	int ret;

	if (unlikely(err)) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_CRYPTO);
		DEV_STATS_INC(dev, tx_errors);
		vcmp_xmit_release(vdev, skb);
		kfree_skb(skb);
		return;
	}

	/* The socket layer owns skb->cb from here: keep the references. */
	vcmp_sa_put(cb->sa);
	local_bh_disable();
	ret = vcmp_socket_send(vdev, link, skb);
	local_bh_enable();
	/* Sent packets are counted in dev->tstats by iptunnel_xmit(). */
	if (ret) {
		vcmp_stats_inc(vdev->stats, -ret);
		DEV_STATS_INC(dev, tx_errors);
	}
	vcmp_link_put(link);
	vcmp_peer_put(peer);
	vcmp_inflight_put(vdev);
}

static void vcmp_push_headers(struct sk_buff *skb, struct vcmp_peer *peer,
			      struct vcmp_link *link)
{
	struct vcmp_data_hdr d = {
		.proto = skb->protocol == htons(ETH_P_IP) ?
			 VCMP_PROTO_IPV4 : VCMP_PROTO_IPV6,
	};
	struct vcmp_hdr h = {
		.type		= VCMP_TYPE_DATA,
		.link_id	= link->id,
		.segment_id	= READ_ONCE(peer->segment),
		.peer_seq	= (u32)atomic_inc_return(&peer->tx_peer_seq),
		.link_seq	= (u32)atomic_inc_return(&link->tx_seq),
		.tstamp		= (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC),
	};

	vcmp_data_hdr_encode(&d, skb_push(skb, VCMP_DATA_HDR_LEN));
	vcmp_hdr_encode(&h, skb_push(skb, VCMP_HDR_LEN));
}

/* Send one (non-GSO) inner packet to @peer; consumes @skb. */
static void vcmp_xmit_one(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			  struct sk_buff *skb)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_link *link;
	struct vcmp_sa *sa = NULL;
	enum vcmp_stat why;
	u64 seq = 0;
	int err;

	memset(cb, 0, sizeof(*cb));
	link = vcmp_pick_link(peer);
	if (unlikely(!link)) {
		why = VCMP_STAT_TX_DROP_NO_LINK;
		goto drop;
	}
	if (peer->suite != VCMP_SUITE_PLAIN) {
		sa = rcu_dereference_bh(peer->tx_sa);
		if (unlikely(!sa || !vcmp_sa_get(sa))) {
			why = VCMP_STAT_TX_DROP_NO_SA;
			goto drop;
		}
		seq = atomic64_inc_return(&sa->tx_seq);
		if (unlikely(!seq)) {
			/* Never reuse a sequence number, hence an IV. */
			atomic64_set(&sa->tx_seq, U64_MAX);
			vcmp_sa_put(sa);
			why = VCMP_STAT_TX_DROP_SEQ_EXHAUSTED;
			goto drop;
		}
	}
	vcmp_inflight_get(vdev);
	cb->sa = sa;
	cb->peer = vcmp_peer_get(peer);
	cb->link = vcmp_link_get(link);
	cb->seq = seq;
	if (unlikely(!cb->peer || !cb->link)) {
		vcmp_xmit_release(vdev, skb);
		why = VCMP_STAT_TX_DROP_NO_LINK;
		goto drop;
	}

	if (unlikely(skb_cow_head(skb, LL_MAX_HEADER + VCMP_MAX_OVERHEAD))) {
		vcmp_xmit_release(vdev, skb);
		why = VCMP_STAT_TX_DROP_NOMEM;
		goto drop;
	}
	vcmp_push_headers(skb, peer, link);

	if (!sa) {
		vcmp_xmit_finish(skb, 0);
		return;
	}
	err = vcmp_esp_encrypt(&sa->aead, skb, sa->spi, seq, vcmp_xmit_finish);
	if (err == -EINPROGRESS)
		return;
	vcmp_xmit_finish(skb, err);
	return;

drop:
	vcmp_stats_inc(vdev->stats, why);
	DEV_STATS_INC(vdev->dev, tx_errors);
	kfree_skb(skb);
}

netdev_tx_t vcmp_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vcmp_dev *vdev = netdev_priv(dev);
	struct sk_buff *segs, *next;
	struct vcmp_peer *peer;
	unsigned int mtu;
	enum vcmp_stat why;

	if (skb->protocol != htons(ETH_P_IP) &&
	    skb->protocol != htons(ETH_P_IPV6)) {
		why = VCMP_STAT_TX_DROP_BAD_PROTO;
		goto drop;
	}
	if (unlikely(!rcu_access_pointer(vdev->sock4))) {
		why = VCMP_STAT_TX_DROP_DOWN;
		goto drop;
	}
	peer = vcmp_peer_for_skb(vdev, skb);
	if (unlikely(!peer || READ_ONCE(peer->dead))) {
		why = VCMP_STAT_TX_DROP_NO_PEER;
		vcmp_xmit_unreachable(skb);
		goto drop;
	}
	if (skb_is_gso(skb)) {
		/* TSO/GSO from the stack: one tunnel packet per segment. */
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			why = VCMP_STAT_TX_DROP_NOMEM;
			goto drop;
		}
		consume_skb(skb);
		skb = segs;
	}
	skb_list_walk_safe(skb, skb, next) {
		skb_mark_not_on_list(skb);
		if (skb->ip_summed == CHECKSUM_PARTIAL &&
		    unlikely(skb_checksum_help(skb))) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_NOMEM);
			DEV_STATS_INC(dev, tx_errors);
			kfree_skb(skb);
			continue;
		}
		mtu = vcmp_path_mtu(dev, peer);
		if (unlikely(vcmp_too_big(skb, mtu))) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_TOO_BIG);
			DEV_STATS_INC(dev, tx_errors);
			kfree_skb(skb);
			continue;
		}
		if (unlikely(vcmp_mss_clamp_skb(skb, mtu)))
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_MSS_CLAMPED);
		vcmp_xmit_one(vdev, peer, skb);
	}
	return NETDEV_TX_OK;

drop:
	vcmp_stats_inc(vdev->stats, why);
	DEV_STATS_INC(dev, tx_errors);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
