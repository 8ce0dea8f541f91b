// SPDX-License-Identifier: GPL-2.0
/*
 * Inner packets larger than the effective MTU of their peer (mtu.c):
 *
 * - IPv4 without DF (and without IP options) is fragmented as RFC 791
 *   says, before encapsulation: each fragment is an ordinary inner packet
 *   and the far end's stack reassembles it.
 * - DF packets and IPv6 packets: the first oversize packet of a flow (its
 *   5-tuple) is dropped and its sender gets ICMP with the MTU (mtu.c);
 *   the flow is remembered (vcmp_dfflows, a bounded table that forgets a
 *   flow 10 minutes after its last packet), and its later oversize
 *   packets are split into VCMP fragments, each a DATA packet with flag
 *   FRAG, sent like any packet and reassembled by the far end's vcmp
 *   before delivery. IPv4 packets with options are split the same way
 *   rather than fragmented by RFC 791 (whose option copying rules vcmp
 *   does not implement).
 *
 * Reassembly (receive path, softirq): fragments are queued per peer and
 * fragment id; fragset.c decides whether a fragment fits the ones queued.
 * A queue is dropped whole when a fragment contradicts it, when it is
 * older than reasm_timeout_ms, or when the device's reassembly memory
 * (queue structures plus fragment truesize) would exceed reasm_mem_max:
 * then the oldest queues go first. Every fragment that is not delivered
 * is counted once, by reason. Queued fragments hold no references.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "device.h"
#include "frag.h"
#include "fragset.h"
#include "skb_cb.h"
#include "stats.h"

static unsigned int reasm_mem_max = 4 << 20;
module_param(reasm_mem_max, uint, 0644);
MODULE_PARM_DESC(reasm_mem_max,
		 "Bytes per device held for reassembly at most (default 4 MiB)");

static unsigned int dfflows_max = VCMP_FLOWTAB_SLOTS;
module_param(dfflows_max, uint, 0644);
MODULE_PARM_DESC(dfflows_max,
		 "DF flows each new device remembers (power of 2, default 1024, 16 bytes each)");

static unsigned int reasm_timeout_ms = 1000;
module_param(reasm_timeout_ms, uint, 0644);
MODULE_PARM_DESC(reasm_timeout_ms,
		 "Milliseconds an incomplete packet waits for its fragments (default 1000)");

/*
 * struct vcmp_reasm_q - one inner packet being reassembled
 * @node: in vcmp_reasm.hash
 * @lru: in vcmp_reasm.lru
 * @peer_id: the peer it comes from
 * @frag_id: its fragment id
 * @proto: inner protocol of the data headers
 * @expires: jiffies after which it is dropped
 * @mem: what it accounts in vcmp_reasm.mem
 * @frags: the fragments, skb->next chained, in arrival order; skb->data
 *	at the fragment's bytes, VCMP_CB(skb)->frag_off their offset
 * @set: which fragments arrived
 */
struct vcmp_reasm_q {
	struct hlist_node node;
	struct list_head lru;
	u32 peer_id;
	u16 frag_id;
	u8 proto;
	unsigned long expires;
	unsigned int mem;
	struct sk_buff *frags;
	struct vcmp_fragset set;
};

static u32 vcmp_reasm_hash(u32 peer_id, u16 frag_id)
{
	return jhash_2words(peer_id, frag_id, 0);
}

/* Drop a queue and count its fragments as @why. Lock held. */
static void vcmp_reasm_q_drop(struct vcmp_dev *vdev, struct vcmp_reasm_q *q,
			      enum vcmp_stat why)
{
	struct vcmp_reasm *r = &vdev->reasm;
	struct sk_buff *skb, *next;

	hash_del(&q->node);
	list_del(&q->lru);
	r->mem -= q->mem;
	for (skb = q->frags; skb; skb = next) {
		next = skb->next;
		skb->next = NULL;
		vcmp_stats_inc(vdev->stats, why);
		DEV_STATS_INC(vdev->dev, rx_errors);
		kfree_skb(skb);
	}
	kfree(q);
}

static void vcmp_reasm_arm(struct vcmp_reasm *r)
{
	struct vcmp_reasm_q *q;

	q = list_first_entry_or_null(&r->lru, struct vcmp_reasm_q, lru);
	if (q && !r->dead)
		mod_timer(&r->timer, q->expires);
}

static void vcmp_reasm_expire(struct timer_list *t)
{
	struct vcmp_reasm *r = from_timer(r, t, timer);
	struct vcmp_dev *vdev = container_of(r, struct vcmp_dev, reasm);
	struct vcmp_reasm_q *q, *tmp;

	spin_lock_bh(&r->lock);
	list_for_each_entry_safe(q, tmp, &r->lru, lru) {
		if (time_before(jiffies, q->expires))
			break;
		vcmp_reasm_q_drop(vdev, q, VCMP_STAT_RX_DROP_REASM_TIMEOUT);
	}
	vcmp_reasm_arm(r);
	spin_unlock_bh(&r->lock);
}

void vcmp_reasm_init(struct vcmp_dev *vdev)
{
	struct vcmp_reasm *r = &vdev->reasm;

	spin_lock_init(&r->lock);
	hash_init(r->hash);
	INIT_LIST_HEAD(&r->lru);
	r->mem = 0;
	r->dead = false;
	timer_setup(&r->timer, vcmp_reasm_expire, 0);
}

/**
 * vcmp_reasm_destroy - drop every queue and stop the timer
 * @vdev: the device, being torn down
 *
 * Context: process; no packet can reach the device any more.
 */
void vcmp_reasm_destroy(struct vcmp_dev *vdev)
{
	struct vcmp_reasm *r = &vdev->reasm;
	struct vcmp_reasm_q *q, *tmp;

	spin_lock_bh(&r->lock);
	r->dead = true;
	list_for_each_entry_safe(q, tmp, &r->lru, lru)
		vcmp_reasm_q_drop(vdev, q, VCMP_STAT_RX_DROP_REASM_TIMEOUT);
	spin_unlock_bh(&r->lock);
	timer_shutdown_sync(&r->timer);
}

/* Bytes held for reassembly now (a gauge for ethtool). */
unsigned int vcmp_reasm_mem(struct vcmp_dev *vdev)
{
	return READ_ONCE(vdev->reasm.mem);
}

/* Make room for @need more bytes, oldest queues first, never @keep. */
static bool vcmp_reasm_room(struct vcmp_dev *vdev, unsigned int need,
			    struct vcmp_reasm_q *keep)
{
	struct vcmp_reasm *r = &vdev->reasm;
	unsigned int max = READ_ONCE(reasm_mem_max);
	struct vcmp_reasm_q *q, *tmp;

	list_for_each_entry_safe(q, tmp, &r->lru, lru) {
		if (r->mem + need <= max)
			break;
		if (q != keep)
			vcmp_reasm_q_drop(vdev, q, VCMP_STAT_RX_DROP_REASM_MEM);
	}
	return r->mem + need <= max;
}

static struct vcmp_reasm_q *vcmp_reasm_find(struct vcmp_reasm *r, u32 peer_id,
					    u16 frag_id)
{
	struct vcmp_reasm_q *q;

	hash_for_each_possible(r->hash, q, node,
			       vcmp_reasm_hash(peer_id, frag_id)) {
		if (q->peer_id == peer_id && q->frag_id == frag_id)
			return q;
	}
	return NULL;
}

/* The whole inner packet of @total bytes from its @frags, or NULL. */
static struct sk_buff *vcmp_reasm_build(struct sk_buff *frags,
					unsigned int total)
{
	struct sk_buff *skb, *frag;

	skb = alloc_skb(NET_SKB_PAD + total, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	skb_put(skb, total);
	for (frag = frags; frag; frag = frag->next) {
		if (skb_copy_bits(frag, 0, skb->data + VCMP_CB(frag)->frag_off,
				  frag->len)) {
			kfree_skb(skb);
			return NULL;
		}
	}
	return skb;
}

/**
 * vcmp_reasm - add a received VCMP fragment; return the packet when whole
 * @vdev: the device
 * @peer: the authenticated (or plain) sender
 * @skb: the fragment, skb->data at its bytes (headers pulled); its
 *	references (VCMP_CB) stay with the caller
 * @d: its data header
 * @proto: receives the inner protocol when a packet is returned
 *
 * Context: softirq. Return: the reassembled inner packet (skb->data at
 * its IP header, nothing else set), or NULL when @skb was queued or
 * dropped (and counted). In both cases @skb is no longer the caller's.
 */
struct sk_buff *vcmp_reasm(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			   struct sk_buff *skb, const struct vcmp_data_hdr *d,
			   u8 *proto)
{
	struct vcmp_reasm *r = &vdev->reasm;
	struct sk_buff *whole = NULL, *frag, *next;
	enum vcmp_fragset_result res;
	struct vcmp_reasm_q *q;
	enum vcmp_stat why;
	unsigned int need;

	/* The fragment keeps only its bytes: no dst, no socket. */
	skb_dst_drop(skb);
	VCMP_CB(skb)->frag_off = d->frag_offset;

	spin_lock_bh(&r->lock);
	if (r->dead) {
		why = VCMP_STAT_RX_DROP_REASM_TIMEOUT;
		goto drop;
	}
	q = vcmp_reasm_find(r, peer->id, d->frag_id);
	if (!q) {
		if (!vcmp_reasm_room(vdev, sizeof(*q) + skb->truesize, NULL)) {
			why = VCMP_STAT_RX_DROP_REASM_MEM;
			goto drop;
		}
		q = kzalloc(sizeof(*q), GFP_ATOMIC);
		if (!q) {
			why = VCMP_STAT_RX_DROP_NOMEM;
			goto drop;
		}
		q->peer_id = peer->id;
		q->frag_id = d->frag_id;
		q->proto = d->proto;
		q->expires = jiffies +
			     msecs_to_jiffies(READ_ONCE(reasm_timeout_ms));
		q->mem = sizeof(*q);
		vcmp_fragset_init(&q->set);
		hash_add(r->hash, &q->node,
			 vcmp_reasm_hash(peer->id, d->frag_id));
		list_add_tail(&q->lru, &r->lru);
		r->mem += q->mem;
		vcmp_reasm_arm(r);
	}

	if (d->proto != q->proto) {
		res = VCMP_FRAGSET_OVERLAP;
	} else {
		res = vcmp_fragset_add(&q->set, d->frag_index, d->frag_offset,
				       skb->len, d->frag_more);
	}
	switch (res) {
	case VCMP_FRAGSET_DUP:
		why = VCMP_STAT_RX_DROP_REASM_DUP;
		goto drop;
	case VCMP_FRAGSET_BAD:
		why = VCMP_STAT_RX_DROP_REASM_BAD;
		goto drop;
	case VCMP_FRAGSET_OVERLAP:
		vcmp_reasm_q_drop(vdev, q, VCMP_STAT_RX_DROP_REASM_OVERLAP);
		why = VCMP_STAT_RX_DROP_REASM_OVERLAP;
		goto drop;
	case VCMP_FRAGSET_ADDED:
		need = skb->truesize;
		if (!vcmp_reasm_room(vdev, need, q)) {
			vcmp_reasm_q_drop(vdev, q, VCMP_STAT_RX_DROP_REASM_MEM);
			why = VCMP_STAT_RX_DROP_REASM_MEM;
			goto drop;
		}
		skb->next = q->frags;
		q->frags = skb;
		q->mem += need;
		r->mem += need;
		spin_unlock_bh(&r->lock);
		return NULL;
	case VCMP_FRAGSET_COMPLETE:
		break;
	}

	/* Whole: take the queue out, build the packet outside the lock. */
	skb->next = q->frags;
	q->frags = NULL;
	hash_del(&q->node);
	list_del(&q->lru);
	r->mem -= q->mem;
	spin_unlock_bh(&r->lock);

	*proto = q->proto;
	whole = vcmp_reasm_build(skb, q->set.total);
	kfree(q);
	for (frag = skb; frag; frag = next) {
		next = frag->next;
		frag->next = NULL;
		if (whole) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_REASM_FRAGS);
		} else {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_DROP_NOMEM);
			DEV_STATS_INC(vdev->dev, rx_errors);
		}
		consume_skb(frag);
	}
	if (whole)
		vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_REASM_OK);
	return whole;

drop:
	spin_unlock_bh(&r->lock);
	vcmp_stats_inc(vdev->stats, why);
	DEV_STATS_INC(vdev->dev, rx_errors);
	kfree_skb(skb);
	return NULL;
}

/**
 * vcmp_dfflows_init - allocate the DF flow table of a new device
 * @f: the table
 *
 * Its size is the dfflows_max module parameter, rounded down to a power
 * of 2 and clamped to [VCMP_FLOWTAB_WAYS, VCMP_FLOWTAB_SLOTS_MAX].
 * Context: process. Return: 0 or -ENOMEM.
 */
int vcmp_dfflows_init(struct vcmp_dfflows *f)
{
	unsigned int n = clamp_t(unsigned int, READ_ONCE(dfflows_max),
				 VCMP_FLOWTAB_WAYS, VCMP_FLOWTAB_SLOTS_MAX);

	n = rounddown_pow_of_two(n);
	f->slots = kvcalloc(n, sizeof(*f->slots), GFP_KERNEL);
	if (!f->slots)
		return -ENOMEM;
	spin_lock_init(&f->lock);
	vcmp_flowtab_init(&f->tab, f->slots, n);
	return 0;
}

void vcmp_dfflows_destroy(struct vcmp_dfflows *f)
{
	kvfree(f->slots);
	f->slots = NULL;
}

/* Ports (or ICMP echo id) of a transport header at @off, 0 if none. */
static u32 vcmp_flow_ports(struct sk_buff *skb, unsigned int off, u8 proto)
{
	__be32 ports, *p;
	__be16 id, *q;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		p = skb_header_pointer(skb, off, sizeof(ports), &ports);
		return p ? (__force u32)*p : 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* Echo: type, code, checksum, identifier, sequence. */
		q = skb_header_pointer(skb, off + 4, sizeof(id), &id);
		return q ? ntohs(*q) : 0;
	default:
		return 0;
	}
}

/**
 * vcmp_df_flow_seen - has this oversize packet's flow been told already?
 * @vdev: the device
 * @skb: an inner IPv4 or IPv6 packet, network header set
 *
 * Records the flow either way. Return: true when an earlier oversize
 * packet of the same 5-tuple got ICMP less than VCMP_FLOW_TTL_S seconds
 * ago (this one is to be fragmented inside VCMP), false for the first.
 */
bool vcmp_df_flow_seen(struct vcmp_dev *vdev, struct sk_buff *skb)
{
	struct {
		u8 saddr[16];
		u8 daddr[16];
		u32 ports;
		u8 proto;
	} __packed k = { };
	struct vcmp_dfflows *f = &vdev->dfflows;
	unsigned int off;
	bool seen;
	u64 key;

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		memcpy(k.saddr, &iph->saddr, 4);
		memcpy(k.daddr, &iph->daddr, 4);
		k.proto = iph->protocol;
		off = skb_network_offset(skb) + iph->ihl * 4;
		if (!ip_is_fragment(iph))
			k.ports = vcmp_flow_ports(skb, off, k.proto);
	} else {
		__be16 frag_off = 0;
		int toff;

		memcpy(k.saddr, &ipv6_hdr(skb)->saddr, 16);
		memcpy(k.daddr, &ipv6_hdr(skb)->daddr, 16);
		k.proto = ipv6_hdr(skb)->nexthdr;
		toff = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
					sizeof(struct ipv6hdr), &k.proto,
					&frag_off);
		if (toff >= 0 && !frag_off)
			k.ports = vcmp_flow_ports(skb, toff, k.proto);
	}
	key = siphash(&k, sizeof(k), &vdev->flow_key);

	spin_lock_bh(&f->lock);
	seen = vcmp_flowtab_seen(&f->tab, key,
				 (u32)div_u64(get_jiffies_64(), HZ),
				 VCMP_FLOW_TTL_S);
	spin_unlock_bh(&f->lock);
	return seen;
}

/**
 * vcmp_frag_ip - fragment an IPv4 packet without DF as RFC 791 says
 * @skb: the packet, larger than @mtu, network header set, no IP options,
 *	checksums complete; consumed in every case
 * @mtu: the largest packet allowed
 * @list: receives the fragments, skb->next chained
 *
 * Return: 0, or a negative errno (nothing in @list).
 */
int vcmp_frag_ip(struct sk_buff *skb, unsigned int mtu, struct sk_buff **list)
{
	unsigned int hlen = ip_hdrlen(skb);
	struct sk_buff *frag, **tail = list;
	struct ip_frag_state state;

	*list = NULL;
	if (mtu < hlen + 8 || skb_network_offset(skb)) {
		kfree_skb(skb);
		return -EINVAL;
	}
	/* ip_frag_next() copies IPCB flags: nothing of ours must leak. */
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	ip_frag_init(skb, hlen, LL_MAX_HEADER + VCMP_MAX_OVERHEAD, mtu - hlen,
		     false, &state);
	while (state.left > 0) {
		frag = ip_frag_next(skb, &state);
		if (IS_ERR(frag)) {
			kfree_skb_list(*list);
			*list = NULL;
			kfree_skb(skb);
			return PTR_ERR(frag);
		}
		frag->protocol = htons(ETH_P_IP);
		*tail = frag;
		tail = &frag->next;
	}
	consume_skb(skb);
	return 0;
}

/**
 * vcmp_frag_split - split an inner packet into VCMP fragments
 * @peer: where it goes (its fragment ids)
 * @skb: the packet, network header at skb->data; consumed in every case
 * @mtu: the most inner bytes one VCMP packet carries
 * @list: receives the fragments, skb->next chained, each with its
 *	VCMP_CB frag fields set; skb->protocol as @skb's
 *
 * Return: 0, or a negative errno (nothing in @list).
 */
int vcmp_frag_split(struct vcmp_peer *peer, struct sk_buff *skb,
		    unsigned int mtu, struct sk_buff **list)
{
	unsigned int off = 0, n, len = skb->len, index = 0;
	struct sk_buff *frag, **tail = list;
	u16 id;

	*list = NULL;
	if (!mtu || len > VCMP_FRAGSET_MAX_LEN ||
	    DIV_ROUND_UP(len, mtu) > VCMP_FRAGSET_MAX) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	id = (u16)atomic_inc_return(&peer->tx_frag_id);
	while (off < len) {
		n = min(mtu, len - off);
		frag = alloc_skb(LL_MAX_HEADER + VCMP_MAX_OVERHEAD + n +
				 VCMP_MAX_TAILROOM, GFP_ATOMIC);
		if (!frag) {
			kfree_skb_list(*list);
			*list = NULL;
			kfree_skb(skb);
			return -ENOMEM;
		}
		skb_reserve(frag, LL_MAX_HEADER + VCMP_MAX_OVERHEAD);
		if (skb_copy_bits(skb, off, skb_put(frag, n), n)) {
			kfree_skb(frag);
			kfree_skb_list(*list);
			*list = NULL;
			kfree_skb(skb);
			return -EFAULT;
		}
		skb_reset_network_header(frag);
		frag->protocol = skb->protocol;
		memset(VCMP_CB(frag), 0, sizeof(struct vcmp_skb_cb));
		VCMP_CB(frag)->frag = 1;
		VCMP_CB(frag)->frag_id = id;
		VCMP_CB(frag)->frag_index = index++;
		VCMP_CB(frag)->frag_off = off;
		off += n;
		VCMP_CB(frag)->frag_more = off < len;
		*tail = frag;
		tail = &frag->next;
	}
	consume_skb(skb);
	return 0;
}
