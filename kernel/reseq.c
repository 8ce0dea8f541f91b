// SPDX-License-Identifier: GPL-2.0
/*
 * Receive resequencing buffer. Pure logic (see pure.h), tested on the host
 * by selftests/unit/test_reseq.c and fuzzed by selftests/unit/fuzz_reseq.c.
 * Locking is the caller's: reseq.h.
 *
 * Numbers are compared with serial-number arithmetic (RFC 1982): a is
 * before b when (s32)(a - b) < 0. Relative to @next, the number to deliver
 * next, a packet is
 *
 *	- behind, when before @next: late if it is in the history and was
 *	  not delivered, a duplicate if it was, stale beyond the history;
 *	- in order, when it is @next: delivered with the queued packets that
 *	  follow it without a hole;
 *	- in the window [@next + 1, @next + @mask]: queued in its slot,
 *	  unless the slot holds it already (a duplicate);
 *	- beyond the window: the window moves up just enough to hold it,
 *	  delivering the queued packets it passes and skipping their holes.
 *
 * The queue only ever loses packets from its low end, as @next moves up,
 * and the clock never goes back. So the packet that arrived first (the
 * next to time out) is always a "record", a packet that had the highest
 * number queued when it was inserted: any other packet was inserted after
 * a record with a higher number, which leaves the queue after it. Records
 * arrive in the order of their numbers, so the first to time out is the
 * record with the lowest number, @head, and when it leaves, the next one
 * is found by scanning up from @next. The scan never passes the same
 * number twice before @next does, so it costs O(1) per number delivered
 * or skipped.
 */
#include "pure.h"
#include "reseq.h"

static_assert((VCMP_RESEQ_MAX_SLOTS & (VCMP_RESEQ_MAX_SLOTS - 1)) == 0,
	      "slot count limit is a power of 2");
static_assert((VCMP_RESEQ_HISTORY & (VCMP_RESEQ_HISTORY - 1)) == 0 &&
	      VCMP_RESEQ_HISTORY % 64 == 0, "history is whole words, a power of 2");
static_assert(VCMP_RESEQ_HISTORY >= VCMP_RESEQ_MAX_SLOTS,
	      "history covers at least a window");

#define HIST_MASK	(VCMP_RESEQ_HISTORY - 1)

/*
 * What a slot holds for a number filled with nothing (vcmp_reseq_skip()):
 * it waits and leaves like a packet, but is never delivered.
 */
static char vcmp_reseq_filler;
#define VCMP_RESEQ_FILLER	((void *)&vcmp_reseq_filler)

static inline bool vcmp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline struct vcmp_reseq_slot *vcmp_reseq_slot(struct vcmp_reseq *r,
						      u32 seq)
{
	return &r->slots[seq & r->mask];
}

static inline u64 *vcmp_reseq_hword(struct vcmp_reseq *r, u32 seq)
{
	return &r->history[(seq & HIST_MASK) / 64];
}

static inline u64 vcmp_reseq_hbit(u32 seq)
{
	return BIT_ULL(seq % 64);
}

/* Forget the numbers [@from, @from + @count), when @next passes them. */
static void vcmp_reseq_hclear(struct vcmp_reseq *r, u32 from, u32 count)
{
	if (count >= VCMP_RESEQ_HISTORY) {
		memset(r->history, 0, sizeof(r->history));
		return;
	}
	while (count) {
		u32 off = from % 64;
		u32 n = 64 - off;
		u64 mask;

		if (n > count)
			n = count;
		mask = (n == 64 ? ~0ULL : BIT_ULL(n) - 1) << off;
		*vcmp_reseq_hword(r, from) &= ~mask;
		from += n;
		count -= n;
	}
}

/*
 * @next is delivered (@pkt), filled (the filler) or skipped (NULL): record
 * it and move on.
 */
static void vcmp_reseq_pass(struct vcmp_reseq *r, void *pkt,
			    vcmp_reseq_deliver_t deliver, void *ctx)
{
	u64 *word = vcmp_reseq_hword(r, r->next);

	if (pkt)
		*word |= vcmp_reseq_hbit(r->next);
	else
		*word &= ~vcmp_reseq_hbit(r->next);
	r->next++;
	if (pkt && pkt != VCMP_RESEQ_FILLER)
		deliver(ctx, pkt);
}

/* Deliver @next if queued, else skip it. Return: it was queued. */
static bool vcmp_reseq_step(struct vcmp_reseq *r,
			    vcmp_reseq_deliver_t deliver, void *ctx)
{
	struct vcmp_reseq_slot *slot = vcmp_reseq_slot(r, r->next);
	void *pkt = slot->pkt;

	if (pkt) {
		slot->pkt = NULL;
		r->count--;
		if (pkt == VCMP_RESEQ_FILLER)
			r->fillers--;
		else
			r->stats.released++;
	}
	vcmp_reseq_pass(r, pkt, deliver, ctx);
	return !!pkt;
}

/*
 * Move @next up to @target, delivering the queued packets it passes in
 * order and adding the holes to *@skipped, then on past every queued
 * packet that follows without a hole; find @head again if it left.
 * @target is @next or after it.
 */
static void vcmp_reseq_advance(struct vcmp_reseq *r, u32 target,
			       u64 *skipped, vcmp_reseq_deliver_t deliver,
			       void *ctx)
{
	/* At most @mask + 1 steps: the queue lies in the window. */
	while (r->count && vcmp_seq_before(r->next, target))
		if (!vcmp_reseq_step(r, deliver, ctx))
			(*skipped)++;
	if (vcmp_seq_before(r->next, target)) {
		u32 gap = target - r->next;

		vcmp_reseq_hclear(r, r->next, gap);
		*skipped += gap;
		r->next = target;
	}
	while (r->count && vcmp_reseq_slot(r, r->next)->pkt)
		vcmp_reseq_step(r, deliver, ctx);
	if (r->count && vcmp_seq_before(r->head, r->next)) {
		/* The highest packet queued, @last, is a record at the latest. */
		u32 seq = r->next;

		while (seq != r->last) {
			struct vcmp_reseq_slot *slot = vcmp_reseq_slot(r, seq);

			if (slot->pkt && slot->record)
				break;
			seq++;
		}
		r->head = seq;
	}
}

/* Give up on the holes in front of every packet that waited too long. */
static void vcmp_reseq_expire(struct vcmp_reseq *r,
			      vcmp_reseq_deliver_t deliver, void *ctx)
{
	while (r->count &&
	       r->now_ns - vcmp_reseq_slot(r, r->head)->arrived_ns >= r->hold_ns)
		vcmp_reseq_advance(r, r->head + 1, &r->stats.timeouts,
				   deliver, ctx);
}

static void vcmp_reseq_clock(struct vcmp_reseq *r, u64 now_ns)
{
	if (now_ns > r->now_ns)
		r->now_ns = now_ns;
}

/**
 * vcmp_reseq_init() - empty buffer over the caller's storage
 * @r: the buffer
 * @slots: storage for the waiting packets, owned by @r until it is
 *	flushed; the caller frees it after that
 * @nslots: number of @slots, a power of 2 up to VCMP_RESEQ_MAX_SLOTS: the
 *	window, the farthest ahead of the delivery point a packet may wait
 * @hold_ns: see vcmp_reseq_set_hold()
 *
 * The first packet inserted sets the number expected next.
 *
 * Return: 0, or -EINVAL when @nslots is not a power of 2 in range.
 */
int vcmp_reseq_init(struct vcmp_reseq *r, struct vcmp_reseq_slot *slots,
		    u32 nslots, u64 hold_ns)
{
	if (!nslots || nslots > VCMP_RESEQ_MAX_SLOTS ||
	    (nslots & (nslots - 1)))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	memset(slots, 0, nslots * sizeof(*slots));
	r->slots = slots;
	r->mask = nslots - 1;
	vcmp_reseq_set_hold(r, hold_ns);
	return 0;
}

/**
 * vcmp_reseq_set_hold() - change the hold time
 * @r: the buffer
 * @hold_ns: how long a packet waits for the missing packets before it
 *	at most, capped at VCMP_RESEQ_MAX_HOLD_NS; 0 makes every hole be
 *	skipped at once, so that only duplicates are removed
 *
 * Packets already waiting are held for the new time from their arrival;
 * those whose time is up leave at the next insert or poll.
 */
void vcmp_reseq_set_hold(struct vcmp_reseq *r, u64 hold_ns)
{
	r->hold_ns = hold_ns > VCMP_RESEQ_MAX_HOLD_NS ?
		     VCMP_RESEQ_MAX_HOLD_NS : hold_ns;
}

/* vcmp_reseq_insert() but for the clock and the timeouts. */
static enum vcmp_reseq_result vcmp_reseq_take(struct vcmp_reseq *r, u32 seq,
					      void *pkt,
					      vcmp_reseq_deliver_t deliver,
					      void *ctx)
{
	enum vcmp_reseq_result res = VCMP_RESEQ_IN_ORDER;
	bool fill = pkt == VCMP_RESEQ_FILLER;
	struct vcmp_reseq_slot *slot;
	u32 ahead;

	if (unlikely(!r->started)) {
		r->started = true;
		r->next = seq;
	}
	ahead = seq - r->next;
	if (unlikely((s32)ahead < 0)) {
		u32 behind = r->next - seq;
		u64 *word = vcmp_reseq_hword(r, seq);

		if (behind > VCMP_RESEQ_HISTORY) {
			if (fill)
				r->stats.fills_refused++;
			else
				r->stats.stale++;
			return VCMP_RESEQ_STALE;
		}
		if (*word & vcmp_reseq_hbit(seq)) {
			if (fill)
				r->stats.fills_refused++;
			else
				r->stats.duplicates++;
			return VCMP_RESEQ_DUP;
		}
		*word |= vcmp_reseq_hbit(seq);
		if (fill) {
			r->stats.fills++;
		} else {
			r->stats.late++;
			deliver(ctx, pkt);
		}
		return VCMP_RESEQ_LATE;
	}
	if (unlikely(ahead > r->mask)) {
		r->stats.overflows++;
		vcmp_reseq_advance(r, seq - r->mask, &r->stats.overflow_skipped,
				   deliver, ctx);
		res = VCMP_RESEQ_OVERFLOW;
		ahead = seq - r->next;	/* the queue moved too */
	}
	if (ahead == 0) {
		if (fill)
			r->stats.fills++;
		else
			r->stats.in_order++;
		vcmp_reseq_pass(r, pkt, deliver, ctx);
		if (r->count) {
			u64 none = 0;

			vcmp_reseq_advance(r, r->next, &none, deliver, ctx);
		}
		return res;
	}
	slot = vcmp_reseq_slot(r, seq);
	if (slot->pkt) {
		if (fill)
			r->stats.fills_refused++;
		else
			r->stats.duplicates++;
		return VCMP_RESEQ_DUP;
	}
	slot->pkt = pkt;
	slot->arrived_ns = r->now_ns;
	slot->record = !r->count || vcmp_seq_before(r->last, seq);
	if (slot->record)
		r->last = seq;
	if (!r->count)
		r->head = seq;
	r->count++;
	if (fill) {
		r->fillers++;
		r->stats.fills++;
	} else {
		r->stats.queued++;
	}
	return res == VCMP_RESEQ_IN_ORDER ? VCMP_RESEQ_QUEUED : res;
}

/**
 * vcmp_reseq_insert() - take a received packet
 * @r: the buffer
 * @seq: its per-peer sequence number
 * @pkt: the packet, not NULL
 * @now_ns: the time now
 * @deliver: called for every packet that leaves the buffer, in order
 * @ctx: passed to @deliver
 *
 * Delivers @pkt at once, queues it, or refuses it as explained in the
 * comment at the top of reseq.c. Then gives up on the holes that kept a
 * packet longer than the hold time, as vcmp_reseq_poll() does, whatever
 * became of @pkt.
 *
 * Return: what was done with @pkt. The caller frees it after
 * %VCMP_RESEQ_DUP and %VCMP_RESEQ_STALE; otherwise @r has it, or has
 * passed it to @deliver.
 */
enum vcmp_reseq_result vcmp_reseq_insert(struct vcmp_reseq *r, u32 seq,
					 void *pkt, u64 now_ns,
					 vcmp_reseq_deliver_t deliver,
					 void *ctx)
{
	enum vcmp_reseq_result res;

	vcmp_reseq_clock(r, now_ns);
	res = vcmp_reseq_take(r, seq, pkt, deliver, ctx);
	vcmp_reseq_expire(r, deliver, ctx);
	return res;
}

/**
 * vcmp_reseq_skip() - a number is used by no packet to deliver
 * @r: the buffer
 * @seq: the per-peer sequence number, taken by a packet that was consumed
 *	before the buffer (a FEC parity packet)
 * @now_ns: the time now
 * @deliver: called for every packet that leaves the buffer, in order
 * @ctx: passed to @deliver
 *
 * Fills @seq with nothing, so that the packets after it do not wait for
 * it: as vcmp_reseq_insert() with a packet that is never delivered. At
 * the delivery point it moves the point on (with the queued packets that
 * follow); in the window it waits in its slot like a packet (and times out
 * like one); behind the delivery point it is remembered, so that a packet
 * with that number later is a duplicate. Counted in @fills, or in
 * @fills_refused when the number was taken already or is stale.
 *
 * Return: as vcmp_reseq_insert(), with nothing for the caller to free.
 */
enum vcmp_reseq_result vcmp_reseq_skip(struct vcmp_reseq *r, u32 seq,
				       u64 now_ns,
				       vcmp_reseq_deliver_t deliver, void *ctx)
{
	return vcmp_reseq_insert(r, seq, VCMP_RESEQ_FILLER, now_ns, deliver,
				 ctx);
}

/**
 * vcmp_reseq_deadline() - when the first waiting packet times out
 * @r: the buffer
 *
 * Return: the time at which vcmp_reseq_poll() will release a packet, or
 * U64_MAX when none waits.
 */
u64 vcmp_reseq_deadline(const struct vcmp_reseq *r)
{
	u64 arrived;

	if (!r->count)
		return U64_MAX;
	arrived = r->slots[r->head & r->mask].arrived_ns;
	if (arrived > U64_MAX - r->hold_ns)
		return U64_MAX;
	return arrived + r->hold_ns;
}

/**
 * vcmp_reseq_poll() - release the packets whose hold time is up
 * @r: the buffer
 * @now_ns: the time now
 * @deliver: called for every packet that leaves the buffer, in order
 * @ctx: passed to @deliver
 *
 * For every packet that has waited the hold time, the missing numbers
 * before it are given up on (counted in @timeouts): it is delivered, in
 * order, with every packet before it and those that follow it without a
 * hole.
 *
 * Return: vcmp_reseq_deadline(), the time to call again.
 */
u64 vcmp_reseq_poll(struct vcmp_reseq *r, u64 now_ns,
		    vcmp_reseq_deliver_t deliver, void *ctx)
{
	vcmp_reseq_clock(r, now_ns);
	vcmp_reseq_expire(r, deliver, ctx);
	return vcmp_reseq_deadline(r);
}

/**
 * vcmp_reseq_flush() - release every waiting packet
 * @r: the buffer
 * @deliver: called for every packet, in order
 * @ctx: passed to @deliver
 *
 * For peer removal: the holes are skipped without being counted, and the
 * buffer is empty after; it goes on from the number after the last packet.
 */
void vcmp_reseq_flush(struct vcmp_reseq *r, vcmp_reseq_deliver_t deliver,
		      void *ctx)
{
	u64 none = 0;

	if (r->count)
		vcmp_reseq_advance(r, r->last + 1, &none, deliver, ctx);
}

/**
 * vcmp_reseq_reset() - start over with new sequence numbers
 * @r: the buffer
 * @deliver: called for every packet still waiting, in order
 * @ctx: passed to @deliver
 *
 * For a new SA or a peer restart: flushes, then forgets the numbers seen,
 * so that the next packet inserted sets the number expected next. Keeps
 * the slots, the hold time, the clock and the counters.
 */
void vcmp_reseq_reset(struct vcmp_reseq *r, vcmp_reseq_deliver_t deliver,
		      void *ctx)
{
	vcmp_reseq_flush(r, deliver, ctx);
	memset(r->history, 0, sizeof(r->history));
	r->started = false;
}
