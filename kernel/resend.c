// SPDX-License-Identifier: GPL-2.0
/*
 * Resending on failover (resend.h): a link's copies of the packets its
 * peer has not acknowledged yet, sent again when the link goes down.
 */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/dst.h>

#include "device.h"
#include "peer.h"
#include "resend.h"
#include "send.h"
#include "stats.h"
#include "wire.h"

static unsigned int resend_pkts = 2048;
module_param(resend_pkts, uint, 0644);
MODULE_PARM_DESC(resend_pkts,
		 "Failover: unacknowledged packets a link keeps copies of to send again on another link when it goes down, 0-16384 (default 2048, 0: off; read when a link is added)");

#define VCMP_RESEND_MAX		16384

/**
 * vcmp_resend_init - set up a new link's copies
 * @rs: the link's, zeroed
 *
 * Context: process, may sleep.
 * Return: 0 or -ENOMEM.
 */
int vcmp_resend_init(struct vcmp_resend *rs)
{
	unsigned int n = min(READ_ONCE(resend_pkts), VCMP_RESEND_MAX);

	spin_lock_init(&rs->lock);
	if (!n)
		return 0;
	rs->ring = kcalloc(n, sizeof(*rs->ring), GFP_KERNEL);
	if (!rs->ring)
		return -ENOMEM;
	rs->size = n;
	return 0;
}

/**
 * vcmp_resend_free - free a link's copies
 * @rs: the link's, which nothing uses any more
 */
void vcmp_resend_free(struct vcmp_resend *rs)
{
	unsigned int i;

	for (i = 0; i < rs->size; i++)
		kfree_skb(rs->ring[i].skb);
	kfree(rs->ring);
	rs->ring = NULL;
	rs->size = 0;
	rs->count = 0;
}

/* Whether the peer reported @link_seq received or passed (lock-free). */
static bool vcmp_resend_acked(u64 acked, u32 link_seq)
{
	/* acked: bit 32 set once a report came, the highest seq below. */
	return (acked >> 32) && vcmp_seq_before_eq(link_seq, (u32)acked);
}

/* Take the oldest copy out of @rs into @e. rs->lock held, rs->count > 0. */
static void vcmp_resend_pop(struct vcmp_resend *rs,
			    struct vcmp_resend_entry *e)
{
	*e = rs->ring[rs->head];
	rs->ring[rs->head].skb = NULL;
	rs->head = (rs->head + 1) % rs->size;
	rs->count--;
}

/**
 * vcmp_resend_keep - keep a copy of a DATA packet about to be encrypted
 * @link: the link it goes on
 * @skb: the packet, skb->data at its VCMP header, link sequence number
 *	stamped (vcmp_send_prepare()); not consumed
 * @sp: what steering decided about its inner packet
 *
 * Frees the copies acknowledged by now. Context: bottom halves disabled,
 * RCU read section (transmit path).
 */
void vcmp_resend_keep(struct vcmp_link *link, const struct sk_buff *skb,
		      const struct vcmp_steer_pkt *sp)
{
	struct vcmp_resend *rs = &link->resend;
	struct vcmp_dev *vdev = link->peer->vdev;
	struct sk_buff *copy, *done = NULL;
	struct vcmp_resend_entry e;
	bool evicted = false;
	struct vcmp_hdr h;
	u64 acked;

	if (!rs->ring || !rcu_access_pointer(link->peer->links[1]))
		return;
	if (vcmp_hdr_decode(&h, skb->data, skb_headlen(skb)))
		return;
	copy = skb_copy(skb, GFP_ATOMIC);
	if (unlikely(!copy)) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_RESEND_NOMEM);
		return;
	}
	/* No reference on the route's device or the connection. */
	skb_dst_drop(copy);
	nf_reset_ct(copy);
	acked = READ_ONCE(link->mon.acked_seq);

	spin_lock(&rs->lock);
	while (rs->count &&
	       (vcmp_resend_acked(acked, rs->ring[rs->head].link_seq) ||
		rs->count == rs->size)) {
		if (!vcmp_resend_acked(acked, rs->ring[rs->head].link_seq))
			evicted = true;
		vcmp_resend_pop(rs, &e);
		e.skb->next = done;
		done = e.skb;
	}
	rs->ring[(rs->head + rs->count) % rs->size] =
		(struct vcmp_resend_entry){
			.skb = copy,
			.link_seq = h.link_seq,
			.sp = *sp,
		};
	rs->count++;
	spin_unlock(&rs->lock);

	if (evicted)
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_RESEND_EVICT);
	while (done) {
		copy = done;
		done = done->next;
		skb_mark_not_on_list(copy);
		consume_skb(copy);
	}
}

/**
 * vcmp_resend_failover - @link went down: send its copies on other links
 * @link: the link, whose view already says down (so steering avoids it)
 *
 * Copies the peer acknowledged are freed. Context: softirq (the link's
 * monitor timer), no lock held.
 */
void vcmp_resend_failover(struct vcmp_link *link)
{
	struct vcmp_resend *rs = &link->resend;
	struct vcmp_peer *peer = link->peer;
	struct vcmp_resend_entry e;
	unsigned int sent = 0;
	u64 acked;

	if (!rs->ring)
		return;
	acked = READ_ONCE(link->mon.acked_seq);
	for (;;) {
		spin_lock_bh(&rs->lock);
		if (!rs->count) {
			spin_unlock_bh(&rs->lock);
			break;
		}
		vcmp_resend_pop(rs, &e);
		spin_unlock_bh(&rs->lock);
		if (vcmp_resend_acked(acked, e.link_seq)) {
			consume_skb(e.skb);
			continue;
		}
		rcu_read_lock_bh();
		vcmp_xmit_resend(peer, e.skb, &e.sp);
		rcu_read_unlock_bh();
		sent++;
	}
	if (sent)
		vcmp_stats_add(peer->vdev->stats, VCMP_STAT_TX_RESEND, sent);
}
