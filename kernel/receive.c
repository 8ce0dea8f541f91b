// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path, called by the UDP stack for every datagram on the tunnel
 * port (encap_rcv, softirq, RCU read lock held). Each way a datagram can
 * fail to be delivered has its own counter (stats.h).
 *
 * ESP: SPI -> inbound SA -> replay check -> decrypt (maybe asynchronous) ->
 * replay update -> VCMP headers -> link -> resequencing -> reassembly ->
 * inner source check -> deliver.
 * Plain: source endpoint -> link of a plain peer -> VCMP headers ->
 * resequencing -> reassembly -> inner source check -> deliver.
 * The ESP replay window is checked and moved before resequencing: it
 * works on the ESP sequence number, the buffer on the peer sequence.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "fec_rx.h"
#include "frag.h"
#include "monitor.h"
#include "mtu.h"
#include "pmtud.h"
#include "receive.h"
#include "rx_jitter.h"
#include "rx_reseq.h"
#include "skb_cb.h"
#include "stats.h"

/**
 * vcmp_rx_drop - drop a received packet
 * @vdev: the device
 * @skb: the packet, with the references its cb holds; consumed
 * @why: the counter to count it in
 *
 * Releases what the packet holds and counts why it was dropped.
 */
void vcmp_rx_drop(struct vcmp_dev *vdev, struct sk_buff *skb,
		  enum vcmp_stat why)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);

	vcmp_stats_inc(vdev->stats, why);
	DEV_STATS_INC(vdev->dev, rx_errors);
	vcmp_sa_put(cb->sa);
	vcmp_link_put(cb->link);
	if (cb->peer) {
		vcmp_peer_put(cb->peer);
		vcmp_inflight_put(vdev);
	}
	kfree_skb(skb);
}

/* The outer source address and port of a received datagram. */
static void vcmp_rx_source(struct sk_buff *skb, union vcmp_sockaddr *from)
{
	memset(from, 0, sizeof(*from));
	if (ip_hdr(skb)->version == 4) {
		from->sin.sin_family = AF_INET;
		from->sin.sin_addr.s_addr = ip_hdr(skb)->saddr;
		from->sin.sin_port = udp_hdr(skb)->source;
	} else {
		from->sin6.sin6_family = AF_INET6;
		from->sin6.sin6_addr = ipv6_hdr(skb)->saddr;
		from->sin6.sin6_port = udp_hdr(skb)->source;
		if (ipv6_addr_type(&from->sin6.sin6_addr) &
		    IPV6_ADDR_LINKLOCAL)
			from->sin6.sin6_scope_id = inet6_iif(skb);
	}
}

/*
 * NAT-T: an authenticated packet from a new source address or port means
 * a NAT on the path rebound; answer where it came from.
 */
static void vcmp_rx_update_endpoint(struct vcmp_link *link,
				    struct sk_buff *skb)
{
	union vcmp_sockaddr from, cur;

	vcmp_rx_source(skb, &from);
	vcmp_link_get_remote(link, &cur);
	if (likely(vcmp_ep_equal(&from, &cur)))
		return;
	write_seqlock_bh(&link->endpoint_lock);
	link->remote = from;
	write_sequnlock_bh(&link->endpoint_lock);
	dst_cache_reset(&link->dst_cache);
}

/* The link of @peer with id @id, or NULL. RCU reader. */
static struct vcmp_link *vcmp_rx_link(struct vcmp_peer *peer, u8 id)
{
	struct vcmp_link *link;
	unsigned int i;

	for (i = 0; i < VCMP_MAX_LINKS; i++) {
		link = rcu_dereference(peer->links[i]);
		if (link && link->id == id)
			return link;
	}
	return NULL;
}

/* Is the inner packet well formed and its source allowed for @peer? */
static enum vcmp_stat vcmp_rx_check_inner(struct vcmp_peer *peer,
					  struct sk_buff *skb, u8 proto)
{
	struct vcmp_aip_owner *owner;
	unsigned int len;

	if (proto == VCMP_PROTO_IPV4) {
		if (!pskb_may_pull(skb, sizeof(struct iphdr)) ||
		    ip_hdr(skb)->version != 4 || ip_hdr(skb)->ihl < 5)
			return VCMP_STAT_RX_DROP_BAD_INNER;
		len = ntohs(ip_hdr(skb)->tot_len);
		if (len < ip_hdr(skb)->ihl * 4 || len > skb->len ||
		    pskb_trim(skb, len))
			return VCMP_STAT_RX_DROP_BAD_INNER;
		skb->protocol = htons(ETH_P_IP);
		owner = vcmp_aip_lookup(&peer->vdev->aips, 4,
					(const u8 *)&ip_hdr(skb)->saddr);
	} else {
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6)
			return VCMP_STAT_RX_DROP_BAD_INNER;
		len = sizeof(struct ipv6hdr) + ntohs(ipv6_hdr(skb)->payload_len);
		if (len > skb->len || pskb_trim(skb, len))
			return VCMP_STAT_RX_DROP_BAD_INNER;
		skb->protocol = htons(ETH_P_IPV6);
		owner = vcmp_aip_lookup(&peer->vdev->aips, 6,
					ipv6_hdr(skb)->saddr.s6_addr);
	}
	if (owner != &peer->aips)
		return VCMP_STAT_RX_DROP_INNER_SRC;
	return 0;
}

/* Release what a received packet holds that was consumed, not dropped. */
static void vcmp_rx_release(struct vcmp_dev *vdev, struct vcmp_skb_cb *cb)
{
	vcmp_sa_put(cb->sa);
	vcmp_link_put(cb->link);
	vcmp_peer_put(cb->peer);
	vcmp_inflight_put(vdev);
}

/* The counter for a malformed control packet of type @type. */
static enum vcmp_stat vcmp_rx_bad_control(u8 type)
{
	switch (type) {
	case VCMP_TYPE_PROBE:
	case VCMP_TYPE_PROBE_ACK:
		return VCMP_STAT_RX_DROP_BAD_LINK_PROBE;
	case VCMP_TYPE_FEEDBACK:
		return VCMP_STAT_RX_DROP_BAD_FEEDBACK;
	default:
		return VCMP_STAT_RX_DROP_BAD_PROBE;
	}
}

/*
 * The link a packet names, checked against the one its source matched
 * (plain peers); NAT rebinding for authenticated packets. Returns whether
 * there is one. The packet goes to path MTU discovery (PMTU probes and
 * answers) or to the link's monitor (everything else), which store in
 * @valid whether it was well formed.
 */
static bool vcmp_rx_find_link(struct vcmp_skb_cb *cb, struct sk_buff *skb,
			      const struct vcmp_hdr *h, bool authenticated,
			      bool *valid)
{
	struct vcmp_link *link;

	rcu_read_lock();
	link = vcmp_rx_link(cb->peer, h->link_id);
	if (link && cb->link && link != cb->link)
		link = NULL;	/* plain: id and endpoint disagree */
	if (link && authenticated)
		vcmp_rx_update_endpoint(link, skb);
	if (link && (h->type == VCMP_TYPE_PMTU_PROBE ||
		     h->type == VCMP_TYPE_PMTU_ACK))
		*valid = vcmp_pmtud_rx(link, h, skb);
	else if (link)
		*valid = vcmp_monitor_rx(link, h, skb);
	rcu_read_unlock();
	return link;
}

/*
 * Deliver a DATA packet: skb->data at its data header, @d decoded, @frag
 * if it is a VCMP fragment; cb->peer (and cb->link, cb->sa) referenced,
 * counted in vdev->inflight. @sync as for vcmp_rx_deliver(). Consumes
 * @skb, counting a drop.
 */
static void vcmp_rx_data(struct vcmp_dev *vdev, struct sk_buff *skb,
			 struct vcmp_data_hdr *d, bool frag, bool authenticated,
			 bool sync)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_peer *peer = cb->peer;
	struct net_device *dev = vdev->dev;
	struct vcmp_skb_cb held;
	struct sk_buff *whole;
	enum vcmp_stat why;
	unsigned int len;
	u8 proto;

	__skb_pull(skb, VCMP_DATA_HDR_LEN);
	if (frag) {
		/* The fragment goes; its references stay with us. */
		held = *cb;
		whole = vcmp_reasm(vdev, peer, skb, d, &proto);
		if (!whole) {
			vcmp_rx_release(vdev, &held);
			return;
		}
		skb = whole;
		cb = VCMP_CB(skb);
		*cb = held;
		d->proto = proto;
	}
	skb_reset_network_header(skb);
	rcu_read_lock();
	why = vcmp_rx_check_inner(peer, skb, d->proto);
	rcu_read_unlock();
	if (why)
		goto drop;
	if (unlikely(vcmp_mss_clamp_skb(skb, vcmp_path_mtu(dev, peer))))
		vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_MSS_CLAMPED);

	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	skb_scrub_packet(skb, false);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	if (authenticated) {
		/* The ICV covered the inner packet, checksums included. */
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		skb->csum_level = ~0;
	} else {
		skb->ip_summed = CHECKSUM_NONE;
	}

	vcmp_sa_put(cb->sa);
	vcmp_link_put(cb->link);
	vcmp_peer_put(peer);
	len = skb->len;
	if (sync) {
		/* Handed to the stack, which accounts its own drops. */
		netif_receive_skb(skb);
		dev_sw_netstats_rx_add(dev, len);
	} else if (likely(gro_cells_receive(&vdev->gro_cells, skb) ==
			  NET_RX_SUCCESS)) {
		dev_sw_netstats_rx_add(dev, len);
	} else {
		/* gro_cells counted it in rx_dropped and freed it. */
		vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_DROP_BACKLOG);
		DEV_STATS_INC(dev, rx_errors);
	}
	vcmp_inflight_put(vdev);
	return;

drop:
	vcmp_rx_drop(vdev, skb, why);
}

/**
 * vcmp_rx_deliver - hand a checked DATA packet to the stack, in order
 * @skb: the packet as vcmp_rx_vcmp() checked it: skb->data at the VCMP
 *	header, cb->peer and cb->link (and cb->sa for ESP) referenced,
 *	counted in vdev->inflight; consumed
 * @sync: pass it up at once (netif_receive_skb()) rather than through
 *	the device's per-cpu GRO cells: the resequencing buffer's order
 *	holds even when the packets were released on different cpus
 *
 * Reassembles VCMP fragments, checks the inner packet and its source,
 * and passes it up. Authenticated (ESP) packets are those with an SA.
 *
 * Context: softirq or bottom halves disabled.
 */
void vcmp_rx_deliver(struct sk_buff *skb, bool sync)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_peer *peer = cb->peer;
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_data_hdr d;
	struct vcmp_hdr h;

	/* Checked by vcmp_rx_vcmp() already; decoded again, not kept. */
	if (unlikely(vcmp_hdr_decode(&h, skb->data, skb->len) ||
		     vcmp_data_hdr_decode(&d, skb->data + VCMP_HDR_LEN,
					  skb->len - VCMP_HDR_LEN, h.flags))) {
		goto drop;
	}
	if (vcmp_rx_jitter_rx(peer, skb, &h, &d))
		return;

	__skb_pull(skb, VCMP_HDR_LEN);
	vcmp_rx_data(vdev, skb, &d, h.flags & VCMP_F_FRAG, !!cb->sa, sync);
	return;

drop:
	vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_BAD_HEADER);
}

/*
 * Pass the packets FEC rebuilt (each at the VCMP header it was sent with,
 * no references held) to the resequencing buffer under their own peer
 * sequence numbers, as if received: they fill the holes they left. @sa:
 * the SA of the packet that completed their group, NULL for plain peers.
 */
static void vcmp_rx_rebuilt(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			    struct sk_buff_head *rebuilt, struct vcmp_sa *sa)
{
	struct vcmp_data_hdr d;
	struct vcmp_skb_cb *cb;
	struct sk_buff *skb;
	struct vcmp_hdr h;

	while ((skb = __skb_dequeue(rebuilt))) {
		cb = VCMP_CB(skb);
		memset(cb, 0, sizeof(*cb));
		cb->peer = vcmp_peer_get(peer);
		if (!cb->peer) {
			vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_UNKNOWN_PEER);
			continue;
		}
		vcmp_inflight_get(vdev);
		/* Authenticated by the members it was rebuilt from. */
		if (sa) {
			cb->sa = vcmp_sa_get(sa);
			if (!cb->sa) {
				vcmp_rx_drop(vdev, skb,
					     VCMP_STAT_RX_DROP_UNKNOWN_SPI);
				continue;
			}
		}
		if (!pskb_may_pull(skb, min_t(unsigned int, skb->len,
					      VCMP_OVERHEAD + 1)) ||
		    vcmp_hdr_decode(&h, skb->data, skb->len) ||
		    vcmp_data_hdr_decode(&d, skb->data + VCMP_HDR_LEN,
					 skb->len - VCMP_HDR_LEN, h.flags)) {
			vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_BAD_HEADER);
			continue;
		}
		vcmp_rx_reseq_rx(peer, skb, &h);
	}
}

/*
 * The VCMP part, common to ESP (after decryption) and plain: skb->data at
 * the VCMP header; cb->peer is set and referenced. DATA packets go to the
 * peer's resequencing buffer, which hands them to vcmp_rx_deliver();
 * FEC parity and members of FEC groups feed the peer's FEC groups, whose
 * rebuilt packets go to the buffer under their own numbers. A parity
 * packet's number is filled with nothing in the buffer (it is consumed
 * here, or dropped), so that no packet waits for it.
 */
static void vcmp_rx_vcmp(struct vcmp_dev *vdev, struct sk_buff *skb,
			 bool authenticated)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct sk_buff_head rebuilt;
	struct vcmp_data_hdr d;
	struct vcmp_hdr h;
	enum vcmp_stat why;
	bool valid = false;
	int err;

	__skb_queue_head_init(&rebuilt);

	/*
	 * The data header check reads the inner version nibble too; other
	 * packets (probes) may be shorter than that.
	 */
	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len,
				      VCMP_OVERHEAD + 1)) ||
	    vcmp_hdr_decode(&h, skb->data, skb->len)) {
		why = VCMP_STAT_RX_DROP_BAD_HEADER;
		goto drop;
	}
	if (h.type == VCMP_TYPE_PMTU_PROBE || h.type == VCMP_TYPE_PMTU_ACK ||
	    h.type == VCMP_TYPE_PROBE || h.type == VCMP_TYPE_PROBE_ACK ||
	    h.type == VCMP_TYPE_FEEDBACK) {
		if (!vcmp_rx_find_link(cb, skb, &h, authenticated, &valid)) {
			why = VCMP_STAT_RX_DROP_UNKNOWN_LINK;
			goto drop;
		}
		if (!valid) {
			why = vcmp_rx_bad_control(h.type);
			goto drop;
		}
		vcmp_rx_release(vdev, cb);
		consume_skb(skb);
		return;
	}
	if (h.type == VCMP_TYPE_FEC_PARITY) {
		if (!vcmp_rx_find_link(cb, skb, &h, authenticated, &valid)) {
			why = VCMP_STAT_RX_DROP_UNKNOWN_LINK;
			goto drop;
		}
		err = vcmp_fec_rx_parity(cb->peer, &h, skb, &rebuilt);
		vcmp_rx_rebuilt(vdev, cb->peer, &rebuilt, cb->sa);
		vcmp_rx_reseq_skip(cb->peer, h.peer_seq);
		if (err) {
			why = -err;
			goto drop;
		}
		vcmp_rx_release(vdev, cb);
		consume_skb(skb);
		return;
	}
	if (h.type != VCMP_TYPE_DATA) {
		why = VCMP_STAT_RX_DROP_UNSUPPORTED;
		goto drop;
	}
	if (vcmp_data_hdr_decode(&d, skb->data + VCMP_HDR_LEN,
				 skb->len - VCMP_HDR_LEN, h.flags)) {
		why = VCMP_STAT_RX_DROP_BAD_HEADER;
		goto drop;
	}
	if (!vcmp_rx_find_link(cb, skb, &h, authenticated, &valid)) {
		why = VCMP_STAT_RX_DROP_UNKNOWN_LINK;
		goto drop;
	}
	if (h.flags & VCMP_F_FEC) {
		if (vcmp_fec_rx_data(cb->peer, &h, skb, &rebuilt)) {
			why = VCMP_STAT_FEC_RX_DROP_DUP;
			goto drop;
		}
		vcmp_rx_rebuilt(vdev, cb->peer, &rebuilt, cb->sa);
	}
	vcmp_rx_reseq_rx(cb->peer, skb, &h);
	return;

drop:
	vcmp_rx_drop(vdev, skb, why);
}

/* Completion of decryption, synchronous or not. */
static void vcmp_rx_decrypted(struct sk_buff *skb, int err)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_sa *sa = cb->sa;
	struct vcmp_dev *vdev = sa->peer->vdev;

	if (unlikely(err)) {
		vcmp_rx_drop(vdev, skb, err == -EBADMSG ?
			     VCMP_STAT_RX_DROP_BAD_ICV :
			     VCMP_STAT_RX_DROP_BAD_ESP);
		return;
	}
	/* Authenticated: now the sequence number may move the window. */
	spin_lock_bh(&sa->replay_lock);
	err = vcmp_replay_update(&sa->replay, cb->seq);
	spin_unlock_bh(&sa->replay_lock);
	if (unlikely(err)) {
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_REPLAY);
		return;
	}
	vcmp_rx_vcmp(vdev, skb, true);
}

static void vcmp_rx_esp(struct vcmp_dev *vdev, struct sk_buff *skb)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	struct vcmp_sa *sa;
	u32 spi, seq_lo;
	u64 seq;
	int err;

	spi = vcmp_get_be32(skb->data);
	seq_lo = vcmp_get_be32(skb->data + 4);
	sa = vcmp_sa_lookup_in_rcu(vdev, spi);
	if (!sa || !vcmp_sa_get(sa)) {
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_UNKNOWN_SPI);
		return;
	}
	cb->sa = sa;
	cb->peer = vcmp_peer_get(sa->peer);
	if (!cb->peer) {
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_UNKNOWN_SPI);
		return;
	}
	vcmp_inflight_get(vdev);

	spin_lock_bh(&sa->replay_lock);
	seq = vcmp_replay_infer(&sa->replay, seq_lo);
	err = vcmp_replay_check(&sa->replay, seq);
	spin_unlock_bh(&sa->replay_lock);
	if (err) {
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_REPLAY);
		return;
	}
	cb->seq = seq;
	err = vcmp_esp_decrypt(&sa->aead, skb, seq, vcmp_rx_decrypted);
	if (err != -EINPROGRESS)
		vcmp_rx_decrypted(skb, err);
}

static void vcmp_rx_plain(struct vcmp_dev *vdev, struct sk_buff *skb)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);
	union vcmp_sockaddr from;
	struct vcmp_link *link;

	vcmp_rx_source(skb, &from);
	link = vcmp_link_lookup_plain_rcu(vdev, &from);
	if (link)
		link = vcmp_link_get(link);
	if (!link) {
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_UNKNOWN_PEER);
		return;
	}
	cb->link = link;
	cb->peer = vcmp_peer_get(link->peer);
	if (!cb->peer || READ_ONCE(cb->peer->dead)) {
		if (cb->peer) {
			vcmp_peer_put(cb->peer);
			cb->peer = NULL;
		}
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_UNKNOWN_PEER);
		return;
	}
	vcmp_inflight_get(vdev);
	vcmp_rx_vcmp(vdev, skb, false);
}

/**
 * vcmp_receive - encap_rcv hook of the device's UDP sockets
 * @sk: the socket
 * @skb: the datagram, skb->data at the UDP header
 *
 * Context: softirq, RCU read lock held. Return: 0, the datagram is
 * always consumed.
 */
int vcmp_receive(struct sock *sk, struct sk_buff *skb)
{
	struct vcmp_dev *vdev = rcu_dereference_sk_user_data(sk);
	unsigned int pull;

	if (unlikely(!vdev)) {
		kfree_skb(skb);
		return 0;
	}
	memset(VCMP_CB(skb), 0, sizeof(struct vcmp_skb_cb));

	pull = min_t(unsigned int, skb->len,
		     sizeof(struct udphdr) + VCMP_OVERHEAD);
	if (!pskb_may_pull(skb, pull)) {
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_NOMEM);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));

	switch (vcmp_classify(skb->data, skb->len)) {
	case VCMP_DEMUX_ESP:
		vcmp_rx_esp(vdev, skb);
		break;
	case VCMP_DEMUX_PLAIN:
		vcmp_rx_plain(vdev, skb);
		break;
	case VCMP_DEMUX_KEEPALIVE:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_NAT_KEEPALIVE);
		consume_skb(skb);
		break;
	case VCMP_DEMUX_NON_ESP_MARKER:
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_NON_ESP);
		break;
	default:
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_SHORT);
		break;
	}
	return 0;
}
