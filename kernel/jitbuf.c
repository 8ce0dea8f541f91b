// SPDX-License-Identifier: GPL-2.0
/*
 * Receive jitter buffer: pure logic, see jitbuf.h for the model.
 */
#include "jitbuf.h"
#include "linkmon.h"

/**
 * vcmp_jitbuf_init - set up an empty buffer with no offset yet
 * @jb: the buffer
 */
void vcmp_jitbuf_init(struct vcmp_jitbuf *jb)
{
	memset(jb, 0, sizeof(*jb));
}

/**
 * vcmp_jitbuf_offset - the offset in use: local minus sender time, us
 * @jb: the buffer, which has taken a packet
 *
 * Return: the smaller (as a signed difference) of the current and the
 * previous window's minimum, modulo 2^32.
 */
u32 vcmp_jitbuf_offset(const struct vcmp_jitbuf *jb)
{
	return (s32)(jb->cur_min - jb->prev_min) < 0 ? jb->cur_min :
						       jb->prev_min;
}

/*
 * Take an offset sample at @now_ns into the running minimum. Return: the
 * sample less the offset now in use, 0..VCMP_JITBUF_RESYNC_US.
 */
static u32 vcmp_jitbuf_sample(struct vcmp_jitbuf *jb, u32 sample,
			      u64 now_ns)
{
	s32 diff;

	if (jb->synced) {
		if (now_ns - jb->win_ns >= VCMP_JITBUF_WINDOW_NS) {
			jb->prev_min = jb->cur_min;
			jb->cur_min = sample;
			jb->win_ns = now_ns;
		} else if ((s32)(sample - jb->cur_min) < 0) {
			jb->cur_min = sample;
		}
		/*
		 * Modulo 2^32, "smaller" is not transitive: minima more
		 * than VCMP_JITBUF_RESYNC_US apart, or a sample outside
		 * [offset, offset + VCMP_JITBUF_RESYNC_US], start over.
		 */
		diff = (s32)(sample - vcmp_jitbuf_offset(jb));
		if (diff >= 0 && diff <= (s32)VCMP_JITBUF_RESYNC_US)
			return diff;
		jb->stats.resyncs++;
	}
	jb->synced = true;
	jb->cur_min = sample;
	jb->prev_min = sample;
	jb->win_ns = now_ns;
	return 0;
}

static void vcmp_jitbuf_pop(struct vcmp_jitbuf *jb,
			    vcmp_jitbuf_deliver_t deliver, void *ctx)
{
	void *pkt = jb->pkt[jb->head];

	jb->pkt[jb->head] = NULL;
	jb->head = (jb->head + 1) % VCMP_JITBUF_MAX_PKTS;
	jb->count--;
	deliver(ctx, pkt);
}

/**
 * vcmp_jitbuf_poll - release the packets whose time has come
 * @jb: the buffer
 * @now_ns: the time now
 * @deliver: called for each, in order
 * @ctx: passed to @deliver
 *
 * Return: the release time of the next waiting packet, U64_MAX if none.
 */
u64 vcmp_jitbuf_poll(struct vcmp_jitbuf *jb, u64 now_ns,
		     vcmp_jitbuf_deliver_t deliver, void *ctx)
{
	if (now_ns > jb->now_ns)
		jb->now_ns = now_ns;
	while (jb->count && jb->due_ns[jb->head] <= jb->now_ns)
		vcmp_jitbuf_pop(jb, deliver, ctx);
	return vcmp_jitbuf_deadline(jb);
}

/*
 * Queue @pkt for @due_ns behind the waiting packets (or deliver it when
 * it is due and nothing waits); a full buffer releases its first packet.
 */
static void vcmp_jitbuf_enqueue(struct vcmp_jitbuf *jb, void *pkt, u64 due,
				vcmp_jitbuf_deliver_t deliver, void *ctx)
{
	u32 idx;

	if (due <= jb->now_ns && !jb->count) {
		deliver(ctx, pkt);
		return;
	}
	if (jb->count == VCMP_JITBUF_MAX_PKTS) {
		jb->stats.overflow++;
		vcmp_jitbuf_pop(jb, deliver, ctx);
	}
	if (jb->count) {
		idx = (jb->head + jb->count - 1) % VCMP_JITBUF_MAX_PKTS;
		if (due < jb->due_ns[idx])
			due = jb->due_ns[idx];
	}
	idx = (jb->head + jb->count) % VCMP_JITBUF_MAX_PKTS;
	jb->pkt[idx] = pkt;
	jb->due_ns[idx] = due;
	jb->count++;
}

/**
 * vcmp_jitbuf_insert - take a packet, or hand it on at once
 * @jb: the buffer
 * @pkt: the packet; the buffer hands it to @deliver, now or later
 * @tstamp: its sender timestamp, us, wrapping
 * @delay_us: its class's delay, at most VCMP_JITBUF_MAX_DELAY_US
 * @now_ns: its arrival time
 * @deliver: called for each packet released, in order
 * @ctx: passed to @deliver
 *
 * Packets whose time has come are released first.
 *
 * Return: enum vcmp_jitbuf_result.
 */
enum vcmp_jitbuf_result vcmp_jitbuf_insert(struct vcmp_jitbuf *jb, void *pkt,
					   u32 tstamp, u32 delay_us,
					   u64 now_ns,
					   vcmp_jitbuf_deliver_t deliver,
					   void *ctx)
{
	u32 now_us, slower;
	s32 hold_us;
	u64 due;

	vcmp_jitbuf_poll(jb, now_ns, deliver, ctx);
	now_ns = jb->now_ns;
	now_us = vcmp_linkmon_ts(now_ns);
	if (delay_us > VCMP_JITBUF_MAX_DELAY_US)
		delay_us = VCMP_JITBUF_MAX_DELAY_US;
	/* How much slower than the fastest packet this one was. */
	slower = vcmp_jitbuf_sample(jb, now_us - tstamp, now_ns);
	/* tstamp + offset + delay - now = delay - (sample - offset) */
	hold_us = (s32)delay_us - (s32)slower;
	if (hold_us <= 0) {
		jb->stats.late++;
		due = now_ns;
	} else {
		jb->stats.queued++;
		due = now_ns + (u64)hold_us * 1000;
	}
	vcmp_jitbuf_enqueue(jb, pkt, due, deliver, ctx);
	return hold_us <= 0 ? VCMP_JITBUF_LATE : VCMP_JITBUF_QUEUED;
}

/**
 * vcmp_jitbuf_insert_untimed - take a packet that has no sender time
 * @jb: the buffer
 * @pkt: the packet; the buffer hands it to @deliver, now or later
 * @now_ns: its arrival time
 * @deliver: called for each packet released, in order
 * @ctx: passed to @deliver
 *
 * The packet (one FEC rebuilt, say) goes at once, or right after the
 * packets waiting before it; it teaches the offset nothing and is not
 * counted.
 */
void vcmp_jitbuf_insert_untimed(struct vcmp_jitbuf *jb, void *pkt,
				u64 now_ns, vcmp_jitbuf_deliver_t deliver,
				void *ctx)
{
	vcmp_jitbuf_poll(jb, now_ns, deliver, ctx);
	vcmp_jitbuf_enqueue(jb, pkt, jb->now_ns, deliver, ctx);
}

/**
 * vcmp_jitbuf_deadline - when the next waiting packet is due
 * @jb: the buffer
 *
 * Return: its release time, U64_MAX if nothing waits.
 */
u64 vcmp_jitbuf_deadline(const struct vcmp_jitbuf *jb)
{
	return jb->count ? jb->due_ns[jb->head] : U64_MAX;
}

/**
 * vcmp_jitbuf_flush - release every waiting packet at once, in order
 * @jb: the buffer; its offset estimate is kept
 * @deliver: called for each
 * @ctx: passed to @deliver
 */
void vcmp_jitbuf_flush(struct vcmp_jitbuf *jb, vcmp_jitbuf_deliver_t deliver,
		       void *ctx)
{
	while (jb->count)
		vcmp_jitbuf_pop(jb, deliver, ctx);
}
