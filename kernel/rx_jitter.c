// SPDX-License-Identifier: GPL-2.0
/*
 * Receive jitter buffer per peer (rx_jitter.h has the model and the
 * locking): wraps the pure buffer of jitbuf.c with a lock, a soft hrtimer
 * that releases packets at their play-out time, and the device counters.
 */
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>

#include "device.h"
#include "peer.h"
#include "receive.h"
#include "rx_jitter.h"
#include "skb_cb.h"
#include "stats.h"
#include "steer.h"
#include "wire.h"

/* Where the buffer hands packets while the lock is held. */
struct vcmp_rx_jitter_ctx {
	struct vcmp_rx_jitter *rj;
	struct sk_buff_head *q;		/* where they go; NULL: @rj->outq */
};

static void vcmp_rx_jitter_collect(void *ctx, void *pkt)
{
	struct vcmp_rx_jitter_ctx *c = ctx;
	struct sk_buff *skb = pkt;

	/*
	 * Its receive time (SO_TIMESTAMP) is its play-out time, not when
	 * the outer datagram came: what the application sees is what the
	 * buffer made of the network's jitter.
	 */
	if (!c->q)
		__net_timestamp(skb);
	__skb_queue_tail(c->q ?: &c->rj->outq, skb);
}

/* Add what the buffer counted since last time to the device counters. */
static void vcmp_rx_jitter_account(struct vcmp_rx_jitter *rj,
				   struct vcmp_dev *vdev)
{
	struct vcmp_jitbuf_stats *s = &rj->buf.stats, *r = &rj->reported;

	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_JITTER_QUEUED,
		       s->queued - r->queued);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_JITTER_LATE,
		       s->late - r->late);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_JITTER_OVERFLOW,
		       s->overflow - r->overflow);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_JITTER_RESYNC,
		       s->resyncs - r->resyncs);
	*r = *s;
}

/* Start the timer for the first waiting packet, if it is not set sooner. */
static void vcmp_rx_jitter_arm(struct vcmp_rx_jitter *rj)
{
	u64 deadline = vcmp_jitbuf_deadline(&rj->buf);

	if (deadline == U64_MAX || deadline >= rj->armed_ns)
		return;
	rj->armed_ns = deadline;
	hrtimer_start(&rj->timer, ns_to_ktime(deadline), HRTIMER_MODE_ABS_SOFT);
}

/*
 * Hand @outq to the stack, unless another cpu is at it already (it will
 * take what we added). Called with @lock held, returns with it dropped.
 * Context: softirq or bottom halves disabled.
 */
static void vcmp_rx_jitter_drain(struct vcmp_rx_jitter *rj)
	__releases(&rj->lock)
{
	struct sk_buff_head batch;
	struct sk_buff *skb;

	if (rj->draining || skb_queue_empty(&rj->outq)) {
		spin_unlock_bh(&rj->lock);
		return;
	}
	rj->draining = true;
	__skb_queue_head_init(&batch);
	/* A delivered packet may drop the last peer reference: stay in RCU. */
	rcu_read_lock();
	while (!skb_queue_empty(&rj->outq)) {
		skb_queue_splice_init(&rj->outq, &batch);
		spin_unlock_bh(&rj->lock);
		while ((skb = __skb_dequeue(&batch)))
			vcmp_rx_deliver(skb, true);
		spin_lock_bh(&rj->lock);
	}
	rj->draining = false;
	spin_unlock_bh(&rj->lock);
	rcu_read_unlock();
}

static enum hrtimer_restart vcmp_rx_jitter_timer(struct hrtimer *timer)
{
	struct vcmp_rx_jitter *rj = container_of(timer, struct vcmp_rx_jitter,
						 timer);
	struct vcmp_rx_jitter_ctx c = { .rj = rj };

	spin_lock_bh(&rj->lock);
	rj->armed_ns = U64_MAX;
	if (!rj->dying) {
		vcmp_jitbuf_poll(&rj->buf, ktime_get_ns(),
				 vcmp_rx_jitter_collect, &c);
		vcmp_rx_jitter_arm(rj);
	}
	vcmp_rx_jitter_drain(rj);
	return HRTIMER_NORESTART;
}

/**
 * vcmp_rx_jitter_init - set up a new peer's (empty) buffer
 * @peer: the peer, not published yet
 */
void vcmp_rx_jitter_init(struct vcmp_peer *peer)
{
	struct vcmp_rx_jitter *rj = &peer->jitter;

	spin_lock_init(&rj->lock);
	vcmp_jitbuf_init(&rj->buf);
	__skb_queue_head_init(&rj->outq);
	hrtimer_init(&rj->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	rj->timer.function = vcmp_rx_jitter_timer;
	rj->armed_ns = U64_MAX;
}

/**
 * vcmp_rx_jitter_stop - drop every waiting packet, buffer no more
 * @peer: the peer, unpublished, after a grace period, its resequencing
 *	stopped (vcmp_rx_reseq_stop(), which may deliver into the buffer)
 *
 * The waiting packets could not be delivered any more: they are dropped
 * and counted in rx_drop_jitter_gone. Packets still on their way skip
 * the buffer after this. No timer is left running.
 * Context: process.
 */
void vcmp_rx_jitter_stop(struct vcmp_peer *peer)
{
	struct vcmp_rx_jitter *rj = &peer->jitter;
	struct sk_buff_head gone;
	struct vcmp_rx_jitter_ctx c = { .rj = rj, .q = &gone };
	struct sk_buff *skb;

	__skb_queue_head_init(&gone);
	spin_lock_bh(&rj->lock);
	rj->dying = true;
	vcmp_jitbuf_flush(&rj->buf, vcmp_rx_jitter_collect, &c);
	vcmp_rx_jitter_account(rj, peer->vdev);
	spin_unlock_bh(&rj->lock);
	/* Nothing arms it any more; wait for a callback in progress. */
	hrtimer_cancel(&rj->timer);
	while ((skb = __skb_dequeue(&gone)))
		vcmp_rx_drop(peer->vdev, skb, VCMP_STAT_RX_DROP_JITTER_GONE);
}

/* The jitter-buffer delay of class @tclass in the device's policy, us. */
static u32 vcmp_rx_jitter_delay_us(struct vcmp_dev *vdev, u8 tclass)
{
	const struct vcmp_policy *policy;
	u32 ms = 0;

	if (tclass >= VCMP_CLASSES_MAX)
		return 0;
	rcu_read_lock_bh();
	policy = rcu_dereference_bh(vdev->steer.policy);
	if (policy && policy->classes[tclass].defined)
		ms = policy->classes[tclass].jitter_ms;
	rcu_read_unlock_bh();
	return ms * USEC_PER_MSEC;
}

/**
 * vcmp_rx_jitter_rx - buffer a DATA packet of a class with a delay
 * @peer: the peer it came from
 * @skb: the packet as vcmp_rx_deliver() got it (skb->data at the VCMP
 *	header, cb references held)
 * @h: its VCMP header
 * @d: its data header
 *
 * A packet the buffer released comes back here through
 * vcmp_rx_deliver() and is let through.
 *
 * Context: softirq or bottom halves disabled.
 * Return: true if the buffer took @skb (it delivers it later), false if
 * the caller goes on delivering it.
 */
bool vcmp_rx_jitter_rx(struct vcmp_peer *peer, struct sk_buff *skb,
		       const struct vcmp_hdr *h, const struct vcmp_data_hdr *d)
{
	struct vcmp_rx_jitter *rj = &peer->jitter;
	struct vcmp_rx_jitter_ctx c = { .rj = rj };
	struct vcmp_dev *vdev = peer->vdev;
	u32 delay_us;

	if (VCMP_CB(skb)->jitter_done)
		return false;
	delay_us = vcmp_rx_jitter_delay_us(vdev, d->tclass);
	if (!delay_us)
		return false;
	VCMP_CB(skb)->jitter_done = 1;

	spin_lock_bh(&rj->lock);
	if (unlikely(rj->dying)) {
		spin_unlock_bh(&rj->lock);
		return false;
	}
	/*
	 * A packet FEC rebuilt has a header made up by the receiver
	 * (fec_rx.c), timestamp 0: it keeps its place in the order and
	 * teaches the offset nothing. (A real timestamp of 0 on an FEC
	 * member, one microsecond in 71 minutes, is taken as that too.)
	 */
	if ((h->flags & VCMP_F_FEC) && !h->tstamp)
		vcmp_jitbuf_insert_untimed(&rj->buf, skb, ktime_get_ns(),
					   vcmp_rx_jitter_collect, &c);
	else
		vcmp_jitbuf_insert(&rj->buf, skb, h->tstamp, delay_us,
				   ktime_get_ns(), vcmp_rx_jitter_collect, &c);
	vcmp_rx_jitter_account(rj, vdev);
	vcmp_rx_jitter_arm(rj);
	vcmp_rx_jitter_drain(rj);
	return true;
}
