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
#include <net/ip.h>
#include <net/ipv6.h>

#include "compat.h"
#include "device.h"
#include "fec_tx.h"
#include "frag.h"
#include "monitor.h"
#include "mtu.h"
#include "pmtud.h"
#include "resend.h"
#include "send.h"
#include "skb_cb.h"
#include "socket.h"
#include "stats.h"
#include "steer.h"

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
	bool df = cb->df;
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
	ret = vcmp_socket_send(vdev, link, skb, df);
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

/**
 * vcmp_push_headers - prepend the VCMP header and data header
 * @skb: the inner packet (or VCMP fragment of one), with the headroom
 * @peer: the peer it goes to
 * @link: the link it goes on
 * @peer_seq: its per-peer sequence number (from peer->tx_peer_seq)
 * @flags: VCMP_F_DUP, VCMP_F_FEC or 0 (VCMP_F_FRAG comes from the cb)
 * @tclass: its traffic class id (steer.h), carried in the data header
 * @fec_index: its FEC index, 0 without VCMP_F_FEC
 */
void vcmp_push_headers(struct sk_buff *skb, struct vcmp_peer *peer,
		       struct vcmp_link *link, u32 peer_seq, u8 flags,
		       u8 tclass, u8 fec_index)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_data_hdr d = {
		.proto = skb->protocol == htons(ETH_P_IP) ?
			 VCMP_PROTO_IPV4 : VCMP_PROTO_IPV6,
		.tclass = tclass,
	};
	struct vcmp_hdr h = {
		.type		= VCMP_TYPE_DATA,
		.link_id	= link->id,
		.segment_id	= READ_ONCE(peer->segment),
		.flags		= flags,
		.peer_seq	= peer_seq,
		.fec_index	= fec_index,
	};

	if (cb->frag) {
		h.flags |= VCMP_F_FRAG;
		d.frag_more = cb->frag_more;
		d.frag_index = cb->frag_index;
		d.frag_id = cb->frag_id;
		d.frag_offset = cb->frag_off;
	}
	vcmp_data_hdr_encode(&d, skb_push(skb, VCMP_DATA_HDR_LEN));
	vcmp_hdr_encode(&h, skb_push(skb, VCMP_HDR_LEN));
}

/**
 * vcmp_send_prepare - take what sending a VCMP packet on @link needs
 * @peer: the peer
 * @link: one of its links
 * @skb: the VCMP packet, skb->data at the VCMP header, writable;
 *	VCMP_CB(skb)->df and ->frag* as wanted, the rest of the cb is
 *	overwritten. Its link sequence number, timestamp and echo are
 *	filled in here (monitor.c), except for PMTU probes and answers
 * @tag: if not NULL, receives the first VCMP_PMTUD_TAG_LEN bytes of the
 *	UDP payload the packet will have (ESP SPI and sequence number, or
 *	the plain VCMP header)
 *
 * Takes references on @peer, @link and the outbound SA and an ESP
 * sequence number. Context: bottom halves disabled, RCU read section.
 * Return: 0 (the caller continues with vcmp_send_prepared()), or a
 * negated enum vcmp_stat why not: the caller counts it and frees @skb.
 */
int vcmp_send_prepare(struct vcmp_peer *peer, struct vcmp_link *link,
		      struct sk_buff *skb, u8 *tag)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_sa *sa = NULL;
	u64 seq = 0;

	cb->crypto_tmp = NULL;
	cb->sa = NULL;
	cb->peer = NULL;
	cb->link = NULL;
	cb->seq = 0;
	if (peer->suite != VCMP_SUITE_PLAIN) {
		sa = rcu_dereference_bh(peer->tx_sa);
		if (unlikely(!sa || !vcmp_sa_get(sa)))
			return -VCMP_STAT_TX_DROP_NO_SA;
		seq = atomic64_inc_return(&sa->tx_seq);
		if (unlikely(!seq)) {
			/* Never reuse a sequence number, hence an IV. */
			atomic64_set(&sa->tx_seq, U64_MAX);
			vcmp_sa_put(sa);
			return -VCMP_STAT_TX_DROP_SEQ_EXHAUSTED;
		}
	}
	cb->peer = vcmp_peer_get(peer);
	cb->link = vcmp_link_get(link);
	if (unlikely(!cb->peer || !cb->link)) {
		vcmp_sa_put(sa);
		vcmp_link_put(cb->link);
		vcmp_peer_put(cb->peer);
		return -VCMP_STAT_TX_DROP_NO_LINK;
	}
	vcmp_inflight_get(vdev);
	/* Link sequence, timestamp and echo: as late as possible. */
	vcmp_monitor_stamp(link, skb);
	cb->sa = sa;
	cb->seq = seq;
	if (tag) {
		if (sa) {
			vcmp_put_be32(tag, sa->spi);
			vcmp_put_be32(tag + 4, (u32)seq);
		} else {
			memcpy(tag, skb->data, VCMP_PMTUD_TAG_LEN);
		}
	}
	return 0;
}

/**
 * vcmp_send_prepared - encrypt and send a packet vcmp_send_prepare() took
 * @skb: the packet; consumed, drops counted
 */
void vcmp_send_prepared(struct sk_buff *skb)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_sa *sa = cb->sa;
	int err;

	if (!sa) {
		vcmp_xmit_finish(skb, 0);
		return;
	}
	err = vcmp_esp_encrypt(&sa->aead, skb, sa->spi, cb->seq,
			       vcmp_xmit_finish);
	if (err != -EINPROGRESS)
		vcmp_xmit_finish(skb, err);
}

/*
 * vcmp_send(), and with @keep (what steering decided about a DATA
 * packet) a copy kept for failover once its link sequence number is
 * stamped (resend.h).
 */
static void vcmp_send_keep(struct vcmp_peer *peer, struct vcmp_link *link,
			   struct sk_buff *skb,
			   const struct vcmp_steer_pkt *keep)
{
	struct vcmp_dev *vdev = peer->vdev;
	int why;

	why = -vcmp_send_prepare(peer, link, skb, NULL);
	if (unlikely(why)) {
		vcmp_stats_inc(vdev->stats, why);
		DEV_STATS_INC(vdev->dev, tx_errors);
		kfree_skb(skb);
		return;
	}
	if (keep)
		vcmp_resend_keep(link, skb, keep);
	vcmp_send_prepared(skb);
}

/**
 * vcmp_send - send a VCMP packet on @link, counting a failure
 * @peer: the peer
 * @link: one of its links
 * @skb: the packet, skb->data at the VCMP header; consumed
 *
 * Context: bottom halves disabled, RCU read section.
 */
void vcmp_send(struct vcmp_peer *peer, struct vcmp_link *link,
	       struct sk_buff *skb)
{
	vcmp_send_keep(peer, link, skb, NULL);
}

/*
 * Send @skb, headroom made, on @link; consumes it. @keep: see
 * vcmp_send_keep().
 */
static void vcmp_xmit_on(struct vcmp_peer *peer, struct vcmp_link *link,
			 struct sk_buff *skb, u32 peer_seq, u8 flags, u8 tclass,
			 const struct vcmp_steer_pkt *keep)
{
	vcmp_push_headers(skb, peer, link, peer_seq, flags, tclass, 0);
	vcmp_send_keep(peer, link, skb, keep);
}

/*
 * Send one inner packet (or VCMP fragment of one) to @peer on the link(s)
 * steering chooses; consumes @skb. Both copies of a duplicated packet
 * carry the same peer sequence number and VCMP_F_DUP.
 */
static void vcmp_xmit_one(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			  struct sk_buff *skb, const struct vcmp_steer_pkt *sp)
{
	struct vcmp_link *links[2];
	struct sk_buff *copy;
	enum vcmp_stat why;
	unsigned int n;
	u32 peer_seq;
	u8 flags = 0;

	n = vcmp_steer_links(vdev, peer, sp, skb->len, links, &why);
	if (unlikely(!n))
		goto drop;
	if (unlikely(skb_cow_head(skb, LL_MAX_HEADER + VCMP_MAX_OVERHEAD))) {
		why = VCMP_STAT_TX_DROP_NOMEM;
		goto drop;
	}
	if (sp->mode == VCMP_NL_CLASS_MODE_FEC) {
		/* Numbered, grouped, parity sent by the FEC engine. */
		vcmp_fec_tx(peer, links[0], skb, sp->class_id);
		return;
	}
	peer_seq = (u32)atomic_inc_return(&peer->tx_peer_seq);
	if (n == 2) {
		flags = VCMP_F_DUP;
		/* Encryption works in place: the copy needs its own data. */
		copy = skb_copy(skb, GFP_ATOMIC);
		if (likely(copy)) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DUP);
			vcmp_xmit_on(peer, links[1], copy, peer_seq,
				     flags, sp->class_id, NULL);
		} else {
			vcmp_stats_inc(vdev->stats,
				       VCMP_STAT_TX_DROP_DUP_NOMEM);
		}
	}
	/* One link: a copy is kept to send again if the link goes down. */
	vcmp_xmit_on(peer, links[0], skb, peer_seq, flags, sp->class_id,
		     n == 1 ? sp : NULL);
	return;

drop:
	vcmp_stats_inc(vdev->stats, why);
	DEV_STATS_INC(vdev->dev, tx_errors);
	kfree_skb(skb);
}

/**
 * vcmp_xmit_resend - send again a DATA packet kept for failover
 * @peer: its peer
 * @skb: the kept copy (resend.h), skb->data at its VCMP header; consumed
 * @sp: what steering decided about its inner packet then
 *
 * On the link steering picks now, with flag DUP (the first one may have
 * arrived) and the new link's id, sequence number and timestamps.
 * Context: bottom halves disabled, RCU read section.
 */
void vcmp_xmit_resend(struct vcmp_peer *peer, struct sk_buff *skb,
		      const struct vcmp_steer_pkt *sp)
{
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_link *links[2];
	enum vcmp_stat why;

	if (unlikely(!vcmp_steer_links(vdev, peer, sp,
				       skb->len - VCMP_OVERHEAD, links, &why))) {
		vcmp_stats_inc(vdev->stats, why);
		kfree_skb(skb);
		return;
	}
	/* Linear: a copy vcmp_resend_keep() made with skb_copy(). */
	vcmp_hdr_move(skb->data, links[0]->id);
	vcmp_send(peer, links[0], skb);
}

/* Send a list of packets (skb->next chained) built from one; consumes it. */
static void vcmp_xmit_list(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			   struct sk_buff *list,
			   const struct vcmp_steer_pkt *sp)
{
	struct sk_buff *skb, *next;

	skb_list_walk_safe(list, skb, next) {
		skb_mark_not_on_list(skb);
		vcmp_xmit_one(vdev, peer, skb, sp);
	}
}

/*
 * An inner packet larger than @mtu (frag.c explains the rules): fragment
 * it, split it, or refuse it with ICMP. Consumes @skb.
 */
static void vcmp_xmit_oversize(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			       struct sk_buff *skb, unsigned int mtu,
			       const struct vcmp_steer_pkt *sp)
{
	struct sk_buff *list;
	bool ipv4 = skb->protocol == htons(ETH_P_IP);
	bool df = !ipv4 || (ip_hdr(skb)->frag_off & htons(IP_DF));
	int err;

	if (ipv4 && !df && ip_hdr(skb)->ihl == 5) {
		err = vcmp_frag_ip(skb, mtu, &list);
		if (err)
			goto drop;
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_FRAG_IP);
		vcmp_xmit_list(vdev, peer, list, sp);
		return;
	}
	/*
	 * The first of its flow: the sender learns the MTU. IPv6 may not be
	 * told less than its minimum MTU: packets up to 1280 bytes are split
	 * at once, larger ones are told 1280.
	 */
	if (df && (ipv4 || skb->len > IPV6_MIN_MTU) &&
	    !vcmp_df_flow_seen(vdev, skb)) {
		vcmp_too_big(skb, ipv4 ? mtu : max(mtu, IPV6_MIN_MTU));
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_TOO_BIG);
		DEV_STATS_INC(vdev->dev, tx_errors);
		kfree_skb(skb);
		return;
	}
	err = vcmp_frag_split(peer, skb, mtu, &list);
	if (err)
		goto drop;
	vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_VCMP_FRAG);
	vcmp_xmit_list(vdev, peer, list, sp);
	return;

drop:
	vcmp_stats_inc(vdev->stats, err == -ENOMEM ? VCMP_STAT_TX_DROP_NOMEM :
						    VCMP_STAT_TX_DROP_TOO_BIG);
	DEV_STATS_INC(vdev->dev, tx_errors);
}

netdev_tx_t vcmp_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vcmp_dev *vdev = netdev_priv(dev);
	struct sk_buff *segs, *next;
	struct vcmp_steer_pkt sp;
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
		memset(VCMP_CB(skb), 0, sizeof(struct vcmp_skb_cb));
		/* One decision for the packet, whatever pieces it is sent in. */
		vcmp_steer_classify(vdev, peer, skb, &sp);
		mtu = vcmp_path_mtu(dev, peer);
		if (unlikely(vcmp_mss_clamp_skb(skb, mtu)))
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_MSS_CLAMPED);
		if (unlikely(skb->len > mtu))
			vcmp_xmit_oversize(vdev, peer, skb, mtu, &sp);
		else
			vcmp_xmit_one(vdev, peer, skb, &sp);
	}
	return NETDEV_TX_OK;

drop:
	vcmp_stats_inc(vdev->stats, why);
	DEV_STATS_INC(dev, tx_errors);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
