// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU discovery of links (RFC 1191, with the RFC 4821 / RFC 8899
 * fallback): pmtu_search.c decides which size to probe; this file sends
 * the probes, answers the peer's, matches answers and ICMP errors to the
 * probe they concern, and runs the per-link timer.
 *
 * A probe is a PMTU_PROBE packet, sent like any VCMP packet (encrypted
 * for ESP peers) on its link with DF set, padded so that the underlay IP
 * datagram is the size tested. Its payload (Documentation/wire-format.rst)
 * is the probe id (32 bits), the size (16 bits) and 16 reserved bits,
 * then zeros. The peer answers with a PMTU_ACK of the same size carrying
 * the same id and size, also with DF.
 *
 * An ICMP "fragmentation needed" / "packet too big" is believed only if it
 * quotes the outstanding probe of a link: the quoted datagram goes to the
 * link's remote endpoint from the device's port, has the probe's length,
 * and starts its UDP payload with the probe's first VCMP_PMTUD_TAG_LEN
 * bytes (ESP SPI and sequence number, unique per packet; or the plain
 * VCMP header); and only if its MTU is at least 576 (IPv6: 1280) and
 * below the probed size. Everything else is counted and refused, so that
 * the UDP stack does not apply it to the route either.
 *
 * A link MTU change is applied by the device's mtu_work: it recomputes
 * the peer's effective MTU under vdev->lock and announces the link with
 * VCMP_CMD_LINK_CHANGE_NTF.
 *
 * Locking: see struct vcmp_pmtud. Order: link pmtud.lock, then
 * vdev->pmtud_lock. A link's tag_node may move between buckets without a
 * grace period (a new probe); an ICMP reader racing with that can miss
 * the link, which only means that ICMP goes unmatched.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/udp.h>
#include <linux/vcmp.h>
#include <net/ipv6.h>

#include "device.h"
#include "mtu.h"
#include "netlink.h"
#include "peer.h"
#include "pmtud.h"
#include "send.h"
#include "skb_cb.h"
#include "stats.h"
#include "wire.h"

/* Probe ids older than this many probes are refused. */
#define VCMP_PMTUD_ID_WINDOW	64

static_assert(VCMP_NL_PMTUD_OFF == (int)VCMP_PMTUS_OFF);
static_assert(VCMP_NL_PMTUD_PROBING == (int)VCMP_PMTUS_PROBING);
static_assert(VCMP_NL_PMTUD_SEARCHING == (int)VCMP_PMTUS_SEARCHING);
static_assert(VCMP_NL_PMTUD_DONE == (int)VCMP_PMTUS_DONE);
static_assert(VCMP_NL_PMTUD_FLOOR == (int)VCMP_PMTUS_FLOOR);

static struct vcmp_dev *vcmp_link_dev(struct vcmp_link *link)
{
	return link->peer->vdev;
}

static bool vcmp_link_v6(struct vcmp_link *link)
{
	union vcmp_sockaddr remote;

	vcmp_link_get_remote(link, &remote);
	return remote.sa.sa_family == AF_INET6;
}

/* Most doublings of the 200-ms timeout while the peer is silent: 6.4 s. */
#define VCMP_PMTUD_MAX_BACKOFF	5

/*
 * How long to wait for an answer: a few round trips, 50 ms to 1 s; 200 ms
 * doubling up to 6.4 s while the peer never answered.
 */
static unsigned long vcmp_pmtud_rto(const struct vcmp_pmtud *p)
{
	unsigned int ms = 200 << p->backoff;

	if (p->srtt_us)
		ms = clamp(3 * p->srtt_us / USEC_PER_MSEC + 10, 50U, 1000U);
	return msecs_to_jiffies(ms);
}

static bool vcmp_pmtud_running(const struct vcmp_pmtud *p)
{
	return (p->search.phase == VCMP_PMTUS_PROBING ||
		p->search.phase == VCMP_PMTUS_SEARCHING) && p->search.probe;
}

/* Forget the outstanding probe. p->lock held. */
static void vcmp_pmtud_untag(struct vcmp_dev *vdev, struct vcmp_pmtud *p)
{
	if (!p->tag_len)
		return;
	spin_lock(&vdev->pmtud_lock);
	hash_del_rcu(&p->tag_node);
	spin_unlock(&vdev->pmtud_lock);
	p->tag_len = 0;
}

/*
 * The size a probe of @size really has: the largest DATA packet that fits,
 * which the suite's padding alignment may make a few bytes shorter.
 */
static unsigned int vcmp_pmtud_wire_size(struct vcmp_link *link,
					 unsigned int size)
{
	enum vcmp_suite suite = link->peer->suite;
	bool v6 = vcmp_link_v6(link);
	unsigned int inner = vcmp_max_inner(suite, v6, size);

	return inner ? inner + vcmp_overhead(suite, v6, inner) : size;
}

/*
 * Publish the search's MTU on the link, as the size its probe really had:
 * never more than what was confirmed. p->lock held.
 */
static void vcmp_pmtud_publish(struct vcmp_link *link)
{
	struct vcmp_pmtud *p = &link->pmtud;
	unsigned int mtu = p->search.mtu;

	if (p->search.phase != VCMP_PMTUS_OFF)
		mtu = vcmp_pmtud_wire_size(link, mtu);
	if (mtu == READ_ONCE(link->mtu))
		return;
	WRITE_ONCE(link->mtu, mtu);
	set_bit(VCMP_LINK_EV_MTU, &link->events);
	schedule_work(&vcmp_link_dev(link)->mtu_work);
}

/*
 * Re-arm after the search moved: probe at once, or look for a larger MTU
 * later; soon after ending at the floor, which is also what a link whose
 * peer does not answer yet (not configured, no key) ends at.
 */
static void vcmp_pmtud_rearm(struct vcmp_pmtud *p)
{
	if (p->dead)
		return;
	if (vcmp_pmtud_running(p))
		mod_timer(&p->timer, jiffies);
	else if (p->search.phase == VCMP_PMTUS_FLOOR)
		mod_timer(&p->timer, jiffies + VCMP_PMTUD_FLOOR_RETRY_S * HZ);
	else
		mod_timer(&p->timer, jiffies + VCMP_PMTUD_RAISE_S * HZ);
}

/*
 * Build and send a PMTU_PROBE or PMTU_ACK of @size on @link. With
 * @record, the probe becomes the link's outstanding one (if it still is
 * the one the search wants: @id). Softirq or bottom halves disabled.
 * Return: false when nothing could be sent (counted).
 */
static bool vcmp_pmtud_send(struct vcmp_link *link, u8 type, u32 id,
			    u16 size, bool record)
{
	struct vcmp_peer *peer = link->peer;
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_pmtud *p = &link->pmtud;
	bool v6 = vcmp_link_v6(link);
	struct vcmp_hdr h = {
		.type		= type,
		.link_id	= link->id,
		.segment_id	= READ_ONCE(peer->segment),
		.tstamp		= vcmp_now_us(),
	};
	unsigned int inner, body;
	u8 tag[VCMP_PMTUD_TAG_LEN];
	struct sk_buff *skb;
	u8 *pl;
	int why;

	inner = vcmp_max_inner(peer->suite, v6, size);
	body = inner + VCMP_DATA_HDR_LEN;
	if (!inner || body < VCMP_PMTUD_PAYLOAD_LEN)
		return false;
	skb = alloc_skb(LL_MAX_HEADER + VCMP_MAX_OVERHEAD + body +
			VCMP_MAX_TAILROOM, GFP_ATOMIC);
	if (!skb) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_NOMEM);
		return false;
	}
	skb_reserve(skb, LL_MAX_HEADER + VCMP_MAX_OVERHEAD);
	pl = skb_put_zero(skb, body);
	vcmp_put_be32(pl, id);
	vcmp_put_be16(pl + 4, size);
	vcmp_hdr_encode(&h, skb_push(skb, VCMP_HDR_LEN));
	memset(VCMP_CB(skb), 0, sizeof(struct vcmp_skb_cb));
	VCMP_CB(skb)->df = 1;

	rcu_read_lock_bh();
	why = -vcmp_send_prepare(peer, link, skb, tag);
	rcu_read_unlock_bh();
	if (why) {
		vcmp_stats_inc(vdev->stats, why);
		kfree_skb(skb);
		return false;
	}
	if (record) {
		spin_lock_bh(&p->lock);
		if (!p->dead && p->probe_id == id && !p->tag_len &&
		    vcmp_pmtud_running(p)) {
			memcpy(p->tag, tag, sizeof(tag));
			p->tag_len = inner + vcmp_overhead(peer->suite, v6, inner);
			p->sent = ktime_get();
			spin_lock(&vdev->pmtud_lock);
			hash_add_rcu(vdev->pmtud_hash, &p->tag_node,
				     jhash(tag, sizeof(tag), 0));
			spin_unlock(&vdev->pmtud_lock);
		}
		spin_unlock_bh(&p->lock);
		vcmp_stats_inc(vdev->stats, VCMP_STAT_PMTUD_PROBE_TX);
	}
	vcmp_send_prepared(skb);
	return true;
}

static void vcmp_pmtud_timer(struct timer_list *t)
{
	struct vcmp_pmtud *p = from_timer(p, t, timer);
	struct vcmp_link *link = container_of(p, struct vcmp_link, pmtud);
	struct vcmp_dev *vdev = vcmp_link_dev(link);
	u32 id = 0, reach_id = 0;
	u16 size = 0;

	spin_lock_bh(&p->lock);
	if (p->dead)
		goto out;
	if (!netif_running(vdev->dev)) {
		/* vcmp_open() restarts discovery. */
		goto out;
	}
	if (vcmp_pmtud_running(p)) {
		if (p->tag_len) {
			/* The outstanding probe went unanswered. */
			vcmp_stats_inc(vdev->stats, VCMP_STAT_PMTUD_TIMEOUT);
			vcmp_pmtud_untag(vdev, p);
			if (!p->srtt_us) {
				/* Nobody there yet: not a verdict on the size. */
				vcmp_pmtus_unsend(&p->search);
				if (p->backoff < VCMP_PMTUD_MAX_BACKOFF)
					p->backoff++;
			}
		}
		/* After the last try the size fails. */
		vcmp_pmtus_timeout(&p->search);
		vcmp_pmtud_publish(link);
	} else {
		vcmp_pmtus_raise(&p->search);
	}
	size = vcmp_pmtus_next_probe(&p->search);
	if (size) {
		if (!p->srtt_us) {
			reach_id = ++p->probe_id;
			p->reach_id = reach_id;
			p->reach_sent = ktime_get();
		}
		id = ++p->probe_id;
		p->probe_size = size;
		mod_timer(&p->timer, jiffies + vcmp_pmtud_rto(p));
	} else {
		vcmp_pmtud_rearm(p);
	}
out:
	spin_unlock_bh(&p->lock);
	/* Small: whether the peer is there, whatever the path MTU. */
	if (reach_id)
		vcmp_pmtud_send(link, VCMP_TYPE_PMTU_PROBE, reach_id,
				vcmp_link_v6(link) ? VCMP_PMTUS_MIN_V6 :
						     VCMP_PMTUS_MIN_V4, false);
	if (!size ||
	    vcmp_pmtud_send(link, VCMP_TYPE_PMTU_PROBE, id, size, true))
		return;
	/* Not sent (no SA yet, no route): not a try; again in a while. */
	spin_lock_bh(&p->lock);
	if (!p->dead && p->probe_id == id) {
		vcmp_pmtus_unsend(&p->search);
		mod_timer(&p->timer, jiffies + VCMP_PMTUD_RETRY_S * HZ);
	}
	spin_unlock_bh(&p->lock);
}

/**
 * vcmp_pmtud_init - set up discovery of a new link, not yet running
 * @link: the link, before it is published
 */
void vcmp_pmtud_init(struct vcmp_link *link)
{
	struct vcmp_pmtud *p = &link->pmtud;

	spin_lock_init(&p->lock);
	timer_setup(&p->timer, vcmp_pmtud_timer, 0);
	if (link->mtu_cfg)
		vcmp_pmtus_set_manual(&p->search, link->mtu_cfg);
	else
		vcmp_pmtus_init(&p->search, VCMP_LINK_DEFAULT_MTU,
				VCMP_PMTUS_FLOOR_MTU);
	link->mtu = link->mtu_cfg ?:
		    vcmp_pmtud_wire_size(link, p->search.mtu);
}

/**
 * vcmp_pmtud_start - send the first probe now
 * @link: a published link
 *
 * Context: vdev->lock held.
 */
void vcmp_pmtud_start(struct vcmp_link *link)
{
	struct vcmp_pmtud *p = &link->pmtud;

	spin_lock_bh(&p->lock);
	if (p->search.phase != VCMP_PMTUS_OFF)
		vcmp_pmtud_rearm(p);
	spin_unlock_bh(&p->lock);
}

/**
 * vcmp_pmtud_stop - stop discovery of a link that is going away
 * @link: the link, unpublished or about to be
 *
 * Context: process, may sleep (waits for the timer). vdev->lock may be
 * held: the timer never takes it.
 */
void vcmp_pmtud_stop(struct vcmp_link *link)
{
	struct vcmp_pmtud *p = &link->pmtud;

	spin_lock_bh(&p->lock);
	p->dead = true;
	vcmp_pmtud_untag(vcmp_link_dev(link), p);
	spin_unlock_bh(&p->lock);
	timer_shutdown_sync(&p->timer);
}

/**
 * vcmp_pmtud_restart - rediscover a link's path MTU after the device opened
 * @link: the link
 *
 * Context: process, vdev->lock held.
 */
void vcmp_pmtud_restart(struct vcmp_link *link)
{
	struct vcmp_pmtud *p = &link->pmtud;

	lockdep_assert_held(&vcmp_link_dev(link)->lock);
	spin_lock_bh(&p->lock);
	if (p->search.phase != VCMP_PMTUS_OFF) {
		vcmp_pmtud_untag(vcmp_link_dev(link), p);
		vcmp_pmtus_restart(&p->search);
		vcmp_pmtud_rearm(p);
	}
	spin_unlock_bh(&p->lock);
}

/* enum vcmp_nl_pmtud of @link, for netlink. */
u8 vcmp_pmtud_phase(struct vcmp_link *link)
{
	return READ_ONCE(link->pmtud.search.phase);
}

/* An answer to one of our probes arrived. Softirq. False: not ours. */
static bool vcmp_pmtud_rx_ack(struct vcmp_link *link, u32 id, u16 size)
{
	struct vcmp_dev *vdev = vcmp_link_dev(link);
	struct vcmp_pmtud *p = &link->pmtud;
	ktime_t sent;
	u32 rtt;

	spin_lock_bh(&p->lock);
	if (p->dead || p->search.phase == VCMP_PMTUS_OFF ||
	    p->probe_id - id >= VCMP_PMTUD_ID_WINDOW ||
	    (id == p->probe_id && size != p->probe_size)) {
		spin_unlock_bh(&p->lock);
		return false;
	}
	vcmp_stats_inc(vdev->stats, VCMP_STAT_PMTUD_ACK_RX);
	sent = 0;
	if (id == p->probe_id && p->tag_len) {
		sent = p->sent;
	} else if (id == p->reach_id) {
		/* Says the peer is there; nothing about the path MTU. */
		if (p->reach_sent && !p->srtt_us) {
			p->srtt_us = max_t(s64, 1, ktime_us_delta(ktime_get(),
								  p->reach_sent));
			p->backoff = 0;
		}
		p->reach_sent = 0;
		spin_unlock_bh(&p->lock);
		return true;
	}
	if (sent) {
		rtt = max_t(s64, 1, ktime_us_delta(ktime_get(), sent));
		p->srtt_us = p->srtt_us ? (7 * p->srtt_us + rtt) / 8 : rtt;
		p->backoff = 0;
	}
	vcmp_pmtus_ack(&p->search, size);
	vcmp_pmtud_publish(link);
	/* The search wants a new size (or is done): drop the old probe. */
	if (!vcmp_pmtud_running(p) || !p->search.tries) {
		vcmp_pmtud_untag(vdev, p);
		vcmp_pmtud_rearm(p);
	}
	spin_unlock_bh(&p->lock);
	return true;
}

/**
 * vcmp_pmtud_rx - a PMTU_PROBE or PMTU_ACK arrived on @link
 * @link: the link it names (checked against its source by the caller)
 * @h: its decoded VCMP header
 * @skb: the packet, skb->data at the VCMP header; not consumed
 *
 * Context: softirq, RCU read section. Return: true when it was a valid
 * probe or answer (counted here); false when it is malformed or answers
 * no probe of ours: the caller drops it and counts rx_drop_bad_probe.
 */
bool vcmp_pmtud_rx(struct vcmp_link *link, const struct vcmp_hdr *h,
		   struct sk_buff *skb)
{
	struct vcmp_dev *vdev = vcmp_link_dev(link);
	u8 buf[VCMP_PMTUD_PAYLOAD_LEN];
	unsigned int inner;
	const u8 *pl;
	u16 size;
	u32 id;

	pl = skb_header_pointer(skb, VCMP_HDR_LEN, sizeof(buf), buf);
	if (!pl || vcmp_get_be16(pl + 6))
		return false;
	id = vcmp_get_be32(pl);
	size = vcmp_get_be16(pl + 4);
	/* It must be as large as it claims: no amplification. */
	inner = vcmp_max_inner(link->peer->suite, vcmp_link_v6(link), size);
	if (!inner || skb->len != inner + VCMP_OVERHEAD)
		return false;
	if (h->type == VCMP_TYPE_PMTU_PROBE) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_PMTUD_PROBE_RX);
		vcmp_pmtud_send(link, VCMP_TYPE_PMTU_ACK, id, size, false);
		return true;
	}
	return vcmp_pmtud_rx_ack(link, id, size);
}

/*
 * What the ICMP in @skb says: 0 when it is no PMTU report. The UDP stack
 * has moved the transport header to the quoted UDP header before calling
 * us; the ICMP header is right in front of the quoted IP header, where
 * icmp_rcv() / icmpv6_rcv() pulled it from the linear area.
 */
static u32 vcmp_pmtud_icmp_mtu(struct sock *sk, struct sk_buff *skb,
			       u16 *min_mtu)
{
	const u8 *nh = skb_network_header(skb);
	const struct icmp6hdr *ih6;
	const struct icmphdr *ih;

	BUILD_BUG_ON(sizeof(*ih) != sizeof(*ih6));
	if (nh - skb->head < (long)sizeof(*ih))
		return 0;
	if (sk->sk_family == AF_INET) {
		ih = (const void *)(nh - sizeof(*ih));
		*min_mtu = VCMP_PMTUS_MIN_V4;
		if (ih->type != ICMP_DEST_UNREACH ||
		    ih->code != ICMP_FRAG_NEEDED)
			return 0;
		/* 0 is a pre-RFC 1191 router's: insane, like any below 576. */
		return ntohs(ih->un.frag.mtu) ?: 1;
	}
	ih6 = (const void *)(nh - sizeof(*ih6));
	*min_mtu = VCMP_PMTUS_MIN_V6;
	if (ih6->icmp6_type != ICMPV6_PKT_TOOBIG)
		return 0;
	return ntohl(ih6->icmp6_mtu) ?: 1;
}

/*
 * Does the datagram quoted in @skb (network header at its IP header,
 * transport header at its UDP header) go from our port to @link's remote
 * endpoint, with length @len?
 */
static bool vcmp_pmtud_quote_ok(struct vcmp_dev *vdev, struct vcmp_link *link,
				struct sk_buff *skb, unsigned int len)
{
	union vcmp_sockaddr remote;
	struct udphdr _uh, *uh;

	uh = skb_header_pointer(skb, skb_transport_offset(skb), sizeof(_uh),
				&_uh);
	if (!uh || uh->source != htons(READ_ONCE(vdev->port)))
		return false;
	vcmp_link_get_remote(link, &remote);
	if (ip_hdr(skb)->version == 4) {
		return remote.sa.sa_family == AF_INET &&
		       ip_hdr(skb)->protocol == IPPROTO_UDP &&
		       ntohs(ip_hdr(skb)->tot_len) == len &&
		       ip_hdr(skb)->daddr == remote.sin.sin_addr.s_addr &&
		       uh->dest == remote.sin.sin_port;
	}
	return remote.sa.sa_family == AF_INET6 &&
	       ipv6_hdr(skb)->nexthdr == IPPROTO_UDP &&
	       ntohs(ipv6_hdr(skb)->payload_len) + sizeof(struct ipv6hdr) ==
	       len &&
	       ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &remote.sin6.sin6_addr) &&
	       uh->dest == remote.sin6.sin6_port;
}

/**
 * vcmp_pmtud_icmp_lookup - encap_err_lookup hook of the device's sockets
 * @sk: the socket the quoted datagram was sent from
 * @skb: the ICMP error, skb->data and network header at the quoted IP
 *	header, transport header at the quoted UDP header
 *
 * PMTU reports are checked against the links' outstanding probes and fed
 * to their search; other ICMP errors are let through unchanged.
 *
 * Context: softirq, RCU read section. Return: 0 to let the UDP stack
 * handle the ICMP for @sk, -ENOENT to refuse it.
 */
int vcmp_pmtud_icmp_lookup(struct sock *sk, struct sk_buff *skb)
{
	struct vcmp_dev *vdev = rcu_dereference_sk_user_data(sk);
	enum vcmp_pmtus_icmp_result res = VCMP_PMTUS_ICMP_NO_PROBE;
	u8 buf[VCMP_PMTUD_TAG_LEN];
	struct vcmp_link *link;
	struct vcmp_pmtud *p;
	const u8 *tag;
	u16 min_mtu;
	u32 mtu;

	if (!vdev)
		return -ENOENT;
	mtu = vcmp_pmtud_icmp_mtu(sk, skb, &min_mtu);
	if (!mtu)
		return 0;
	tag = skb_header_pointer(skb, skb_transport_offset(skb) +
				 sizeof(struct udphdr), sizeof(buf), buf);
	if (!tag)
		goto out;

	rcu_read_lock();
	hash_for_each_possible_rcu(vdev->pmtud_hash, p, tag_node,
				   jhash(tag, sizeof(buf), 0)) {
		if (memcmp(p->tag, tag, sizeof(buf)))
			continue;
		link = container_of(p, struct vcmp_link, pmtud);
		spin_lock_bh(&p->lock);
		if (!p->dead && p->tag_len && !memcmp(p->tag, tag, sizeof(buf)) &&
		    vcmp_pmtud_quote_ok(vdev, link, skb, p->tag_len)) {
			res = vcmp_pmtus_icmp(&p->search, min(mtu, 65535U),
					      min_mtu);
			if (res == VCMP_PMTUS_ICMP_LOWERED) {
				vcmp_pmtud_untag(vdev, p);
				vcmp_pmtud_publish(link);
				vcmp_pmtud_rearm(p);
			}
		}
		spin_unlock_bh(&p->lock);
		if (res != VCMP_PMTUS_ICMP_NO_PROBE)
			break;
	}
	rcu_read_unlock();

out:
	switch (res) {
	case VCMP_PMTUS_ICMP_LOWERED:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_ICMP_PMTU_OK);
		return 0;
	case VCMP_PMTUS_ICMP_BAD_MTU:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_ICMP_DROP_BAD_MTU);
		return -ENOENT;
	default:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_ICMP_DROP_UNMATCHED);
		return -ENOENT;
	}
}

/**
 * vcmp_pmtud_work - apply link MTU changes to their peers, announce them
 * and link state changes (monitor.c)
 * @work: vdev->mtu_work
 *
 * Context: process; takes vdev->lock.
 */
void vcmp_pmtud_work(struct work_struct *work)
{
	struct vcmp_dev *vdev = container_of(work, struct vcmp_dev, mtu_work);
	struct vcmp_link *changed[VCMP_MAX_LINKS];
	struct vcmp_peer *peer;
	struct vcmp_link *link;
	unsigned int i, n;
	bool mtu;

	mutex_lock(&vdev->lock);
	if (vdev->dead)
		goto out;
	list_for_each_entry(peer, &vdev->peer_list, list) {
		n = 0;
		mtu = false;
		for (i = 0; i < peer->nlinks; i++) {
			link = rcu_dereference_protected(peer->links[i],
							 lockdep_is_held(&vdev->lock));
			if (test_and_clear_bit(VCMP_LINK_EV_MTU, &link->events))
				mtu = true;
			else if (!test_and_clear_bit(VCMP_LINK_EV_STATE,
						     &link->events))
				continue;
			/* One announcement says both. */
			clear_bit(VCMP_LINK_EV_STATE, &link->events);
			changed[n++] = link;
		}
		if (mtu)
			vcmp_peer_update_mtu(peer);
		for (i = 0; i < n; i++)
			vcmp_nl_link_changed(vdev, peer, changed[i]);
	}
out:
	mutex_unlock(&vdev->lock);
}
