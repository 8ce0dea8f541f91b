/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive resequencing buffer, one per peer and segment: puts the packets
 * that arrive over several links back into the order of their 32-bit
 * per-peer sequence number, drops the second copy of duplicated packets
 * and gives up on a missing packet after a bounded hold time.
 *
 * Use on receive, under the caller's lock:
 *
 *	res = vcmp_reseq_insert(r, seq, skb, now, deliver, ctx);
 *	if (res == VCMP_RESEQ_DUP || res == VCMP_RESEQ_STALE)
 *		free skb;		(any other result: r owns it now)
 *	deadline = vcmp_reseq_deadline(r);
 *	arm or cancel the timer for deadline (U64_MAX: nothing waits);
 *
 * and from the timer: deadline = vcmp_reseq_poll(r, now, deliver, ctx).
 * A number taken by a packet that never reaches the buffer (a FEC parity
 * packet, consumed before it) is filled with vcmp_reseq_skip(), so that
 * the packets after it do not wait for it.
 * On peer removal, vcmp_reseq_flush(); for a new SA or a peer restart
 * (sequence numbers start over), vcmp_reseq_reset().
 *
 * Locking: this is pure logic (see pure.h) with no locking of its own.
 * The caller serialises every call on one buffer, e.g. with a per-peer
 * spinlock taken in softirq context, and reads @stats under the same
 * lock. @deliver is called with that lock held: it must not call back
 * into the same buffer, and is best kept short, such as appending the
 * packet to a list that the caller hands to the stack after unlocking.
 *
 * Time is the caller's monotonic clock in nanoseconds (ktime_get_ns()).
 * A value smaller than one already seen is taken as the one seen, so the
 * buffer's own clock never goes backwards.
 */
#ifndef _VCMP_RESEQ_H
#define _VCMP_RESEQ_H

#include "pure.h"

#define VCMP_RESEQ_MAX_SLOTS	2048	/* a power of 2 */
#define VCMP_RESEQ_HISTORY	4096	/* delivered numbers remembered */
#define VCMP_RESEQ_MAX_HOLD_NS	10000000000ULL	/* 10 s, a sanity cap */

/* What vcmp_reseq_insert() did with a packet. */
enum vcmp_reseq_result {
	VCMP_RESEQ_IN_ORDER,	/* delivered, with any followers it freed */
	VCMP_RESEQ_QUEUED,	/* held until the hole before it fills */
	VCMP_RESEQ_LATE,	/* behind the delivery point, never seen: delivered */
	VCMP_RESEQ_OVERFLOW,	/* beyond the window: window moved, then queued
				 * or delivered as above
				 */
	VCMP_RESEQ_DUP,		/* already queued or delivered: caller frees */
	VCMP_RESEQ_STALE,	/* too far behind to tell: caller frees */
};

/**
 * typedef vcmp_reseq_deliver_t - hands one packet on, in order
 * @ctx: the caller's context, passed through
 * @pkt: a packet given to vcmp_reseq_insert()
 */
typedef void (*vcmp_reseq_deliver_t)(void *ctx, void *pkt);

/**
 * struct vcmp_reseq_slot - storage for one waiting packet
 * @pkt: the packet, NULL when the slot is empty
 * @arrived_ns: when it was inserted
 * @record: it had the highest number queued when it was inserted
 *
 * The caller provides an array of these, see vcmp_reseq_init().
 */
struct vcmp_reseq_slot {
	void *pkt;
	u64 arrived_ns;
	bool record;
};

/**
 * struct vcmp_reseq_stats - counters, never reset by the buffer
 * @in_order: packets delivered on arrival, in order
 * @queued: packets that had to wait for a hole
 * @released: queued packets delivered since (by insert, poll, flush)
 * @timeouts: missing numbers given up on when the hold time expired
 * @duplicates: copies dropped, of a queued or a delivered packet
 * @late: packets delivered out of order on arrival, behind the
 *	delivery point and never seen before
 * @stale: packets dropped, too far behind to know whether they were seen
 * @overflows: packets that arrived beyond the window and moved it
 * @overflow_skipped: missing numbers given up on to move the window
 * @fills: numbers filled with nothing by vcmp_reseq_skip()
 * @fills_refused: vcmp_reseq_skip() calls for a number taken already
 *	(queued, delivered or filled) or too far behind to tell
 *
 * Every packet inserted is counted once in @in_order, @queued, @late,
 * @duplicates or @stale; @queued - @released are waiting. Every
 * vcmp_reseq_skip() is counted once in @fills or @fills_refused.
 */
struct vcmp_reseq_stats {
	u64 in_order;
	u64 queued;
	u64 released;
	u64 timeouts;
	u64 duplicates;
	u64 late;
	u64 stale;
	u64 overflows;
	u64 overflow_skipped;
	u64 fills;
	u64 fills_refused;
};

/**
 * struct vcmp_reseq - resequencing buffer
 * @slots: the caller's storage, packet n in @slots[n & @mask]
 * @mask: number of slots - 1; the window is [@next, @next + @mask]
 * @next: the number delivered next; its slot is always empty
 * @last: highest number queued, when @count
 * @head: the queued packet that arrived first, when @count
 * @count: packets and fillers queued (slots in use)
 * @fillers: of these, numbers filled with nothing (vcmp_reseq_skip())
 * @started: @next is set (by the first packet after init or reset)
 * @hold_ns: longest time a packet waits for a hole before it
 * @now_ns: the latest time seen
 * @stats: counters
 * @history: one bit per number in [@next - HISTORY, @next), number n in
 *	bit n % HISTORY of the ring: set when n was delivered
 */
struct vcmp_reseq {
	struct vcmp_reseq_slot *slots;
	u32 mask;
	u32 next;
	u32 last;
	u32 head;
	u32 count;
	u32 fillers;
	bool started;
	u64 hold_ns;
	u64 now_ns;
	struct vcmp_reseq_stats stats;
	u64 history[VCMP_RESEQ_HISTORY / 64];
};

int vcmp_reseq_init(struct vcmp_reseq *r, struct vcmp_reseq_slot *slots,
		    u32 nslots, u64 hold_ns);
void vcmp_reseq_set_hold(struct vcmp_reseq *r, u64 hold_ns);
enum vcmp_reseq_result vcmp_reseq_insert(struct vcmp_reseq *r, u32 seq,
					 void *pkt, u64 now_ns,
					 vcmp_reseq_deliver_t deliver,
					 void *ctx);
enum vcmp_reseq_result vcmp_reseq_skip(struct vcmp_reseq *r, u32 seq,
				       u64 now_ns,
				       vcmp_reseq_deliver_t deliver, void *ctx);
u64 vcmp_reseq_poll(struct vcmp_reseq *r, u64 now_ns,
		    vcmp_reseq_deliver_t deliver, void *ctx);
u64 vcmp_reseq_deadline(const struct vcmp_reseq *r);
void vcmp_reseq_flush(struct vcmp_reseq *r, vcmp_reseq_deliver_t deliver,
		      void *ctx);
void vcmp_reseq_reset(struct vcmp_reseq *r, vcmp_reseq_deliver_t deliver,
		      void *ctx);

#endif /* _VCMP_RESEQ_H */
