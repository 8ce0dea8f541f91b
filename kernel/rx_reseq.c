// SPDX-License-Identifier: GPL-2.0
/*
 * Receive resequencing per peer (rx_reseq.h has the model and the
 * locking): wraps the pure buffer of reseq.c with a lock, a soft hrtimer
 * that releases packets whose hold time is up, the hold time derived
 * from the peer's links, a memory cap, detection of a sender that
 * started over, and the device counters.
 *
 * Packets leave the buffer in order onto @outq; one cpu at a time (the
 * one that finds @draining clear) hands @outq to vcmp_rx_deliver() with
 * the lock dropped, so that two cpus never deliver a peer's packets
 * concurrently, out of order. They go up at once (netif_receive_skb),
 * not through the per-cpu GRO cells, where packets released on two cpus
 * could overtake each other again; a peer with one link keeps GRO.
 */
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "device.h"
#include "fec_rx.h"
#include "peer.h"
#include "receive.h"
#include "rx_reseq.h"
#include "skb_cb.h"
#include "stats.h"

static unsigned int reseq_hold_min_ms = 5;
module_param(reseq_hold_min_ms, uint, 0644);
MODULE_PARM_DESC(reseq_hold_min_ms,
		 "Shortest time an out-of-order packet waits for the missing ones, ms (default 5, at most 1000)");

static unsigned int reseq_hold_max_ms = 100;
module_param(reseq_hold_max_ms, uint, 0644);
MODULE_PARM_DESC(reseq_hold_max_ms,
		 "Longest time an out-of-order packet waits for the missing ones, ms (default 100, at most 1000)");

static unsigned int reseq_mem_max = 4 << 20;
module_param(reseq_mem_max, uint, 0644);
MODULE_PARM_DESC(reseq_mem_max,
		 "Bytes per peer held for resequencing at most (default 4 MiB)");

static unsigned int reseq_slots = 1024;
module_param(reseq_slots, uint, 0644);
MODULE_PARM_DESC(reseq_slots,
		 "Packets a peer's resequencing window spans, for peers that get a second link later (power of 2, 16-2048, default 1024)");

#define VCMP_RESEQ_HOLD_CAP_MS		1000
#define VCMP_RESEQ_MIN_SLOTS		16
/* How often the hold time follows the links' measurements. */
#define VCMP_RESEQ_HOLD_REFRESH_NS	(10 * NSEC_PER_MSEC)
/* Refused packets for this long, nothing accepted: the sender restarted. */
#define VCMP_RESEQ_RESTART_NS		(1000 * NSEC_PER_MSEC)

static struct vcmp_peer *vcmp_rx_reseq_peer(struct vcmp_rx_reseq *rr)
{
	return container_of(rr, struct vcmp_peer, reseq);
}

/*
 * The hold time: the spread of the links' smoothed RTTs (an upper bound
 * of the one-way delay difference when the paths are symmetric) plus
 * twice the worst jitter, plus reseq_hold_min_ms as a margin, within
 * [reseq_hold_min_ms, reseq_hold_max_ms]. A link without an RTT sample
 * yet makes it reseq_hold_min_ms. While the peer sends FEC groups, at
 * least the time their parity takes to follow their first member
 * (vcmp_fec_rx_wait_ns()) plus that margin: a lost member is rebuilt
 * when the parity comes, and should find its hole still open.
 */
static u64 vcmp_rx_reseq_hold_ns(struct vcmp_peer *peer, u64 late_ns)
{
	u32 lo = U32_MAX, hi = 0, jitter = 0, srtt;
	u64 min_ns, max_ns, hold;
	struct vcmp_link *link;
	bool unknown = false;
	unsigned int i;

	min_ns = (u64)min_t(unsigned int, READ_ONCE(reseq_hold_min_ms),
			    VCMP_RESEQ_HOLD_CAP_MS) * NSEC_PER_MSEC;
	max_ns = (u64)min_t(unsigned int, READ_ONCE(reseq_hold_max_ms),
			    VCMP_RESEQ_HOLD_CAP_MS) * NSEC_PER_MSEC;
	max_ns = max(max_ns, min_ns);

	rcu_read_lock();
	for (i = 0; i < VCMP_MAX_LINKS; i++) {
		link = rcu_dereference(peer->links[i]);
		if (!link)
			break;
		srtt = READ_ONCE(link->view.srtt_us);
		if (!srtt)
			unknown = true;
		lo = min(lo, srtt);
		hi = max(hi, srtt);
		jitter = max(jitter, READ_ONCE(link->view.jitter_us));
	}
	rcu_read_unlock();
	if (unknown || hi < lo)
		hold = min_ns;
	else
		hold = ((u64)(hi - lo) + 2 * (u64)jitter) * NSEC_PER_USEC +
		       min_ns + late_ns;
	/* A packet FEC may rebuild comes when its group's parity does. */
	hold = max(hold, vcmp_fec_rx_wait_ns(&peer->fec_rx, ktime_get_ns()) +
			 min_ns);
	return min(hold, max_ns);
}

/*
 * Learn from a packet that came after the buffer gave up on it: the
 * links' RTTs are averages, a queue can make one link's delay exceed
 * them. The hold time grows by 5/4 of how late the packet was (counted
 * from the last timeout, a lower bound) and the addition decays by
 * 1/512 every VCMP_RESEQ_HOLD_REFRESH_NS while packets arrive (a half
 * life of about 3.5 s). @lock held.
 */
static void vcmp_rx_reseq_late(struct vcmp_rx_reseq *rr, u64 now)
{
	u64 late;

	if (!rr->skip_ns || now < rr->skip_ns)
		return;
	late = now - rr->skip_ns;
	late += late / 4;
	rr->late_ns = min_t(u64, rr->late_ns + late,
			    VCMP_RESEQ_HOLD_CAP_MS * NSEC_PER_MSEC);
	/* Use it now: the next hole may already be waiting. */
	rr->hold_at_ns = 0;
}

/* Where the buffer hands packets while the lock is held. */
struct vcmp_rx_reseq_ctx {
	struct vcmp_rx_reseq *rr;
	struct sk_buff_head *q;		/* where they go; NULL: @rr->outq */
	struct sk_buff *incoming;	/* inserted now, not accounted in @mem */
	bool incoming_out;		/* @incoming left already */
};

static void vcmp_rx_reseq_collect(void *ctx, void *pkt)
{
	struct vcmp_rx_reseq_ctx *c = ctx;
	struct vcmp_rx_reseq *rr = c->rr;
	struct sk_buff *skb = pkt;

	if (skb == c->incoming)
		c->incoming_out = true;
	else
		WRITE_ONCE(rr->mem, rr->mem - skb->truesize);
	__skb_queue_tail(c->q ?: &rr->outq, skb);
}

/* Add what the buffer counted since last time to the device counters. */
static void vcmp_rx_reseq_account(struct vcmp_rx_reseq *rr,
				  struct vcmp_dev *vdev)
{
	struct vcmp_reseq_stats *s = &rr->buf.stats, *r = &rr->reported;

	if (s->timeouts != r->timeouts)
		rr->skip_ns = rr->buf.now_ns;

	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_RESEQ_QUEUED,
		       s->queued - r->queued);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_RESEQ_LATE,
		       s->late - r->late);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_RESEQ_TIMEOUT,
		       s->timeouts - r->timeouts);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_RESEQ_OVERFLOW,
		       s->overflows - r->overflows);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_RESEQ_OVERFLOW_SKIPPED,
		       s->overflow_skipped - r->overflow_skipped);
	vcmp_stats_add(vdev->stats, VCMP_STAT_RX_RESEQ_FILL,
		       s->fills - r->fills);
	/* Duplicates and stale packets are counted when they are freed. */
	*r = *s;
}

/* Start the timer for the first waiting packet, if it is not set sooner. */
static void vcmp_rx_reseq_arm(struct vcmp_rx_reseq *rr)
{
	u64 deadline = vcmp_reseq_deadline(&rr->buf);

	if (deadline == U64_MAX || deadline >= rr->armed_ns)
		return;
	rr->armed_ns = deadline;
	hrtimer_start(&rr->timer, ns_to_ktime(deadline), HRTIMER_MODE_ABS_SOFT);
}

/*
 * Hand @outq to the stack, unless another cpu is at it already (it will
 * take what we added). Called with @lock held, returns with it dropped.
 * Context: softirq or bottom halves disabled.
 */
static void vcmp_rx_reseq_drain(struct vcmp_rx_reseq *rr)
	__releases(&rr->lock)
{
	struct sk_buff_head batch;
	struct sk_buff *skb;

	if (rr->draining || skb_queue_empty(&rr->outq)) {
		spin_unlock_bh(&rr->lock);
		return;
	}
	rr->draining = true;
	__skb_queue_head_init(&batch);
	/* A delivered packet may drop the last peer reference: stay in RCU. */
	rcu_read_lock();
	while (!skb_queue_empty(&rr->outq)) {
		skb_queue_splice_init(&rr->outq, &batch);
		spin_unlock_bh(&rr->lock);
		while ((skb = __skb_dequeue(&batch)))
			vcmp_rx_deliver(skb, true);
		spin_lock_bh(&rr->lock);
	}
	rr->draining = false;
	spin_unlock_bh(&rr->lock);
	rcu_read_unlock();
}

static enum hrtimer_restart vcmp_rx_reseq_timer(struct hrtimer *timer)
{
	struct vcmp_rx_reseq *rr = container_of(timer, struct vcmp_rx_reseq,
						timer);
	struct vcmp_rx_reseq_ctx c = { .rr = rr };

	spin_lock_bh(&rr->lock);
	rr->armed_ns = U64_MAX;
	if (!rr->dying && rr->ready) {
		vcmp_reseq_poll(&rr->buf, ktime_get_ns(), vcmp_rx_reseq_collect,
				&c);
		vcmp_rx_reseq_account(rr, vcmp_rx_reseq_peer(rr)->vdev);
		vcmp_rx_reseq_arm(rr);
	}
	vcmp_rx_reseq_drain(rr);
	return HRTIMER_NORESTART;
}

/**
 * vcmp_rx_reseq_init - set up a new peer's (empty, unused) state
 * @peer: the peer, not published yet
 */
void vcmp_rx_reseq_init(struct vcmp_peer *peer)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;

	spin_lock_init(&rr->lock);
	__skb_queue_head_init(&rr->outq);
	hrtimer_init(&rr->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	rr->timer.function = vcmp_rx_reseq_timer;
	rr->armed_ns = U64_MAX;
}

/**
 * vcmp_rx_reseq_prepare - allocate the buffer before a second link comes
 * @peer: the peer
 *
 * Context: process, vdev->lock held. Return: 0 or -ENOMEM.
 */
int vcmp_rx_reseq_prepare(struct vcmp_peer *peer)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;
	struct vcmp_reseq_slot *slots;
	unsigned int n;

	lockdep_assert_held(&peer->vdev->lock);
	if (rr->slots)
		return 0;
	n = clamp(READ_ONCE(reseq_slots), (unsigned int)VCMP_RESEQ_MIN_SLOTS,
		  (unsigned int)VCMP_RESEQ_MAX_SLOTS);
	n = rounddown_pow_of_two(n);
	slots = kvcalloc(n, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	spin_lock_bh(&rr->lock);
	vcmp_reseq_init(&rr->buf, slots, n, vcmp_rx_reseq_hold_ns(peer, 0));
	rr->slots = slots;
	WRITE_ONCE(rr->ready, true);
	spin_unlock_bh(&rr->lock);
	return 0;
}

/**
 * vcmp_rx_reseq_stop - drop every waiting packet, buffer no more
 * @peer: the peer, unpublished (its allowed-ips gone), after a grace
 *	period
 *
 * The waiting packets could not be delivered any more (their inner
 * source belongs to no peer now): they are dropped and counted in
 * rx_drop_reseq_gone. Packets still on their way (asynchronous crypto)
 * skip the buffer after this. No timer is left running.
 * Context: process.
 */
void vcmp_rx_reseq_stop(struct vcmp_peer *peer)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;
	struct sk_buff_head gone;
	struct vcmp_rx_reseq_ctx c = { .rr = rr, .q = &gone };
	struct sk_buff *skb;

	__skb_queue_head_init(&gone);
	spin_lock_bh(&rr->lock);
	rr->dying = true;
	if (rr->ready)
		vcmp_reseq_flush(&rr->buf, vcmp_rx_reseq_collect, &c);
	spin_unlock_bh(&rr->lock);
	/* Nothing arms it any more; wait for a callback in progress. */
	hrtimer_cancel(&rr->timer);
	while ((skb = __skb_dequeue(&gone)))
		vcmp_rx_drop(peer->vdev, skb, VCMP_STAT_RX_DROP_RESEQ_GONE);
}

/**
 * vcmp_rx_reseq_free - free the buffer's storage
 * @peer: the peer, about to be freed (vcmp_rx_reseq_stop() done)
 */
void vcmp_rx_reseq_free(struct vcmp_peer *peer)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;

	WARN_ON_ONCE(!skb_queue_empty(&rr->outq) || READ_ONCE(rr->mem));
	kvfree(rr->slots);
	rr->slots = NULL;
}

/**
 * vcmp_rx_reseq_rx - resequence a received DATA packet, or deliver it
 * @peer: the peer it came from
 * @skb: the packet, skb->data at the VCMP header, cb references held;
 *	consumed
 * @h: its VCMP header
 *
 * Context: softirq or bottom halves disabled (crypto completion).
 */
void vcmp_rx_reseq_rx(struct vcmp_peer *peer, struct sk_buff *skb,
		      const struct vcmp_hdr *h)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;
	struct vcmp_rx_reseq_ctx c = { .rr = rr, .incoming = skb };
	struct vcmp_dev *vdev = peer->vdev;
	enum vcmp_reseq_result res;
	unsigned int truesize;
	u64 now;

	/* Links fill their slots from 0: a second link is in slot 1. */
	if (!READ_ONCE(rr->ready) || !rcu_access_pointer(peer->links[1])) {
		if (READ_ONCE(rr->active)) {
			/* Down to one link: let the waiting ones go first. */
			spin_lock_bh(&rr->lock);
			if (rr->active && !rr->dying) {
				vcmp_reseq_reset(&rr->buf,
						 vcmp_rx_reseq_collect, &c);
				vcmp_rx_reseq_account(rr, vdev);
				WRITE_ONCE(rr->active, false);
			}
			vcmp_rx_reseq_drain(rr);
		}
		vcmp_rx_deliver(skb, false);
		return;
	}

	now = ktime_get_ns();
	truesize = skb->truesize;
	spin_lock_bh(&rr->lock);
	if (unlikely(rr->dying)) {
		spin_unlock_bh(&rr->lock);
		vcmp_rx_deliver(skb, false);
		return;
	}
	WRITE_ONCE(rr->active, true);
	if (now - rr->hold_at_ns >= VCMP_RESEQ_HOLD_REFRESH_NS) {
		if (rr->hold_at_ns)
			rr->late_ns -= rr->late_ns / 512;
		rr->hold_at_ns = now;
		vcmp_reseq_set_hold(&rr->buf,
				    vcmp_rx_reseq_hold_ns(peer, rr->late_ns));
	}
	if (rr->buf.count &&
	    rr->mem + truesize > READ_ONCE(reseq_mem_max)) {
		/* Memory cap: stop waiting for the holes, deliver all. */
		vcmp_reseq_flush(&rr->buf, vcmp_rx_reseq_collect, &c);
		rr->mem_flushes++;
		vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_RESEQ_MEM_FLUSH);
	}
	res = vcmp_reseq_insert(&rr->buf, h->peer_seq, skb, now,
				vcmp_rx_reseq_collect, &c);
	if (res == VCMP_RESEQ_DUP || res == VCMP_RESEQ_STALE) {
		if (!rr->reject_since_ns) {
			rr->reject_since_ns = now;
		} else if (now - rr->reject_since_ns >= VCMP_RESEQ_RESTART_NS) {
			/* Only refusals for long: the sender started over. */
			vcmp_reseq_reset(&rr->buf, vcmp_rx_reseq_collect, &c);
			rr->restarts++;
			rr->reject_since_ns = 0;
			vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_RESEQ_RESTART);
			res = vcmp_reseq_insert(&rr->buf, h->peer_seq, skb,
						now, vcmp_rx_reseq_collect, &c);
		}
	} else {
		rr->reject_since_ns = 0;
	}
	/*
	 * A copy (of a dup class, or sent again when its link went down)
	 * says nothing of the links' delay difference.
	 */
	if (res == VCMP_RESEQ_LATE && !(h->flags & VCMP_F_DUP))
		vcmp_rx_reseq_late(rr, now);
	if (res != VCMP_RESEQ_DUP && res != VCMP_RESEQ_STALE &&
	    !c.incoming_out)
		WRITE_ONCE(rr->mem, rr->mem + truesize);
	vcmp_rx_reseq_account(rr, vdev);
	vcmp_rx_reseq_arm(rr);
	vcmp_rx_reseq_drain(rr);

	if (res == VCMP_RESEQ_DUP)
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_RESEQ_DUP);
	else if (res == VCMP_RESEQ_STALE)
		vcmp_rx_drop(vdev, skb, VCMP_STAT_RX_DROP_RESEQ_STALE);
}

/**
 * vcmp_rx_reseq_skip - a number was taken by a packet consumed before
 *	the buffer (a FEC parity packet)
 * @peer: the peer it came from
 * @seq: its peer sequence number
 *
 * Fills @seq with nothing (vcmp_reseq_skip()), so that the packets after
 * it do not wait for it; counted in rx_reseq_fill. Nothing to do while the
 * peer does not buffer.
 *
 * Context: softirq or bottom halves disabled.
 */
void vcmp_rx_reseq_skip(struct vcmp_peer *peer, u32 seq)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;
	struct vcmp_rx_reseq_ctx c = { .rr = rr };

	if (!READ_ONCE(rr->ready) || !READ_ONCE(rr->active) ||
	    !rcu_access_pointer(peer->links[1]))
		return;
	spin_lock_bh(&rr->lock);
	if (unlikely(rr->dying || !rr->active)) {
		spin_unlock_bh(&rr->lock);
		return;
	}
	vcmp_reseq_skip(&rr->buf, seq, ktime_get_ns(), vcmp_rx_reseq_collect,
			&c);
	vcmp_rx_reseq_account(rr, peer->vdev);
	vcmp_rx_reseq_arm(rr);
	vcmp_rx_reseq_drain(rr);
}

/**
 * vcmp_rx_reseq_info - counters and state of a peer's buffer
 * @peer: the peer
 * @info: filled in
 */
void vcmp_rx_reseq_info(struct vcmp_peer *peer,
			struct vcmp_rx_reseq_info *info)
{
	struct vcmp_rx_reseq *rr = &peer->reseq;

	memset(info, 0, sizeof(*info));
	spin_lock_bh(&rr->lock);
	if (rr->ready) {
		info->stats = rr->buf.stats;
		info->waiting = rr->buf.count;
		info->hold_us = div_u64(rr->buf.hold_ns, NSEC_PER_USEC);
		info->slots = rr->buf.mask + 1;
	}
	info->mem = rr->mem;
	info->mem_flushes = rr->mem_flushes;
	info->restarts = rr->restarts;
	spin_unlock_bh(&rr->lock);
}
