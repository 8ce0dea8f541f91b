/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive jitter buffer: holds the packets of a traffic class with a
 * jitter-buffer delay until their play-out time, so that they leave at
 * the pace the sender sent them rather than the pace the network
 * delivered them.
 *
 * Play-out time of a packet: its sender timestamp (the VCMP header's,
 * microseconds on 32 bits, wrapping) mapped to the local clock, plus the
 * class's delay. The mapping is an offset, local time minus sender time
 * of arrival, whose running minimum over the last one to two
 * VCMP_JITBUF_WINDOW_NS is the smallest one-way delay seen plus the
 * clock offset of the two sites: a packet as fast as the fastest one
 * waits the whole delay, a slower one the delay less how much slower it
 * was. All arithmetic on timestamps and offsets is modulo 2^32 and
 * compared as signed differences, so the wrap every 71.6 minutes is
 * invisible.
 *
 * One buffer per peer: the sender stamps every link's packets with one
 * clock (ktime_get_ns() in microseconds), so one offset serves all of a
 * peer's links. Its minimum is that of the fastest link the buffered
 * classes use: their packets then leave at one constant delay whichever
 * link carried them, and a change of link is no step in the play-out
 * delay. A link slower than the fastest by more than the class's delay
 * makes its packets late (delivered at once, counted): per-link offsets
 * would hide that difference but put a step into the play-out at every
 * change of link, which is the jitter the buffer is there to remove.
 *
 * Rules:
 * - a packet arriving at or after its play-out time is late: it goes at
 *   once when nothing waits, else right after the packets that wait
 *   before it (the buffer never reorders); counted in @late;
 * - at most VCMP_JITBUF_MAX_PKTS packets wait: one more releases the
 *   earliest at once (counted in @overflow);
 * - packets leave in arrival order: a packet's release time is the
 *   larger of its play-out time and its predecessor's release time (the
 *   two differ only for packets that arrived out of their sending order
 *   or for classes of different delays sharing the buffer);
 * - a packet without a sender time (FEC rebuilt) goes at once, or right
 *   after the packets waiting before it;
 * - an offset sample larger than the minimum by more than
 *   VCMP_JITBUF_RESYNC_US (the sender restarted with another clock, or
 *   the path changed for good), or minima too far apart to be compared
 *   modulo 2^32, restarts the estimate from that sample (counted in
 *   @resyncs).
 *
 * Locking: pure logic (pure.h), no locking of its own: the caller
 * serialises every call on one buffer and reads @stats under the same
 * lock. @deliver is called with that lock held and must not call back
 * into the buffer. Time is the caller's monotonic clock in nanoseconds;
 * a value smaller than one already seen counts as the one seen.
 */
#ifndef _VCMP_JITBUF_H
#define _VCMP_JITBUF_H

#include "pure.h"

#define VCMP_JITBUF_MAX_PKTS	10
#define VCMP_JITBUF_MAX_DELAY_US	200000U		/* 200 ms */
/* The offset is the minimum over the last one to two windows. */
#define VCMP_JITBUF_WINDOW_NS	2000000000ULL		/* 2 s */
#define VCMP_JITBUF_RESYNC_US	2000000U		/* 2 s */

/* What vcmp_jitbuf_insert() did with a packet. */
enum vcmp_jitbuf_result {
	VCMP_JITBUF_QUEUED,	/* waits for its play-out time */
	VCMP_JITBUF_LATE,	/* past its play-out time: out at once, or
				 * queued behind the waiting ones
				 */
};

/**
 * typedef vcmp_jitbuf_deliver_t - hands one packet on
 * @ctx: the caller's context, passed through
 * @pkt: a packet given to vcmp_jitbuf_insert()
 */
typedef void (*vcmp_jitbuf_deliver_t)(void *ctx, void *pkt);

/**
 * struct vcmp_jitbuf_stats - counters, never reset
 * @queued: packets that waited for their play-out time
 * @late: packets that arrived at or after their play-out time
 * @overflow: packets released early because the buffer was full
 * @resyncs: times the offset estimate started over
 */
struct vcmp_jitbuf_stats {
	u64 queued;
	u64 late;
	u64 overflow;
	u64 resyncs;
};

/**
 * struct vcmp_jitbuf - a jitter buffer
 * @pkt: waiting packets, a ring of @count from @head
 * @due_ns: their release times, non-decreasing from @head
 * @head: first waiting packet
 * @count: waiting packets
 * @synced: @cur_min and @prev_min hold samples
 * @cur_min: smallest offset sample of the current window, us mod 2^32
 * @prev_min: smallest of the previous window
 * @win_ns: when the current window started
 * @now_ns: the latest time seen
 * @stats: counters
 */
struct vcmp_jitbuf {
	void *pkt[VCMP_JITBUF_MAX_PKTS];
	u64 due_ns[VCMP_JITBUF_MAX_PKTS];
	u8 head;
	u8 count;
	bool synced;
	u32 cur_min;
	u32 prev_min;
	u64 win_ns;
	u64 now_ns;
	struct vcmp_jitbuf_stats stats;
};

void vcmp_jitbuf_init(struct vcmp_jitbuf *jb);
u32 vcmp_jitbuf_offset(const struct vcmp_jitbuf *jb);
enum vcmp_jitbuf_result vcmp_jitbuf_insert(struct vcmp_jitbuf *jb, void *pkt,
					   u32 tstamp, u32 delay_us,
					   u64 now_ns,
					   vcmp_jitbuf_deliver_t deliver,
					   void *ctx);
void vcmp_jitbuf_insert_untimed(struct vcmp_jitbuf *jb, void *pkt,
				u64 now_ns, vcmp_jitbuf_deliver_t deliver,
				void *ctx);
u64 vcmp_jitbuf_poll(struct vcmp_jitbuf *jb, u64 now_ns,
		     vcmp_jitbuf_deliver_t deliver, void *ctx);
u64 vcmp_jitbuf_deadline(const struct vcmp_jitbuf *jb);
void vcmp_jitbuf_flush(struct vcmp_jitbuf *jb, vcmp_jitbuf_deliver_t deliver,
		       void *ctx);

#endif /* _VCMP_JITBUF_H */
