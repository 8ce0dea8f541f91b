// SPDX-License-Identifier: GPL-2.0
/*
 * ESP anti-replay window over 64-bit sequence numbers. Pure logic (see
 * pure.h), tested on the host by selftests/unit/test_replay.c and fuzzed
 * by selftests/unit/fuzz_replay.c. Locking is the caller's: replay.h.
 *
 * The window is a ring of VCMP_REPLAY_WINDOW bits: number n lives in bit
 * n % VCMP_REPLAY_WINDOW. It covers [top - WINDOW + 1, top], so every bit
 * of the ring belongs to exactly one number of the window. Moving top
 * forward clears the bits of the numbers it passes, which are the bits of
 * the numbers that fall out of the bottom; a jump of a whole window or
 * more clears the ring.
 */
#include "pure.h"
#include "replay.h"

static_assert((VCMP_REPLAY_WINDOW & (VCMP_REPLAY_WINDOW - 1)) == 0,
	      "replay window is a power of 2");
static_assert(VCMP_REPLAY_WINDOW % 64 == 0, "replay window is whole words");

#define RING_MASK	(VCMP_REPLAY_WINDOW - 1)

static inline unsigned int vcmp_replay_word(u64 seq)
{
	return (unsigned int)(seq & RING_MASK) / 64;
}

static inline u64 vcmp_replay_bit(u64 seq)
{
	return BIT_ULL(seq % 64);
}

/* Clear the bits of @count numbers starting at @from, @count <= WINDOW. */
static void vcmp_replay_clear(struct vcmp_replay *w, u64 from,
			      unsigned int count)
{
	while (count) {
		unsigned int off = (unsigned int)(from % 64);
		unsigned int n = 64 - off;
		u64 mask;

		if (n > count)
			n = count;
		mask = (n == 64 ? ~0ULL : BIT_ULL(n) - 1) << off;
		w->bitmap[vcmp_replay_word(from)] &= ~mask;
		from += n;
		count -= n;
	}
}

/**
 * vcmp_replay_init() - empty window for a new SA
 * @w: the window
 *
 * Nothing has been received: every number from 1 on is acceptable.
 */
void vcmp_replay_init(struct vcmp_replay *w)
{
	memset(w, 0, sizeof(*w));
}

/**
 * vcmp_replay_infer() - full 64-bit sequence number from its low 32 bits
 * @w: the window
 * @seq_lo: the sequence number field of the ESP header
 *
 * RFC 4303 Appendix A2.2: the number is taken to be the one with these
 * low bits in the 2^32 numbers starting at the bottom of the window,
 * [top - WINDOW + 1, top - WINDOW + 2^32]. The result is only a guess
 * until the packet authenticates, since the high bits are in the AAD.
 *
 * Return: the inferred number; 0 (never valid, see vcmp_replay_check())
 * when it would lie before the first number of the SA or beyond 2^64 - 1.
 */
u64 vcmp_replay_infer(const struct vcmp_replay *w, u32 seq_lo)
{
	u32 top_lo = (u32)w->top;
	u32 top_hi = (u32)(w->top >> 32);
	u32 bottom_lo = top_lo - VCMP_REPLAY_WINDOW + 1;
	u32 hi = top_hi;

	if (top_lo >= VCMP_REPLAY_WINDOW - 1) {
		/* The window lies inside one 2^32 block: [bottom_lo, top_lo]. */
		if (seq_lo < bottom_lo) {
			if (top_hi == U32_MAX)
				return 0;
			hi++;
		}
	} else if (seq_lo >= bottom_lo) {
		/* The window spans two blocks; this is the previous one. */
		if (!top_hi)
			return 0;
		hi--;
	}
	return (u64)hi << 32 | seq_lo;
}

/**
 * vcmp_replay_check() - may a packet with this number be accepted
 * @w: the window
 * @seq: the full sequence number
 *
 * Called before decryption, to drop replays cheaply. Does not change @w.
 *
 * Return: 0 when acceptable, -VCMP_REPLAY_OLD when @seq is 0 or below the
 * window, -VCMP_REPLAY_DUP when it is in the window and was seen.
 */
int vcmp_replay_check(const struct vcmp_replay *w, u64 seq)
{
	if (unlikely(!seq))
		return -VCMP_REPLAY_OLD;
	if (likely(seq > w->top))
		return 0;
	if (w->top - seq >= VCMP_REPLAY_WINDOW)
		return -VCMP_REPLAY_OLD;
	if (w->bitmap[vcmp_replay_word(seq)] & vcmp_replay_bit(seq))
		return -VCMP_REPLAY_DUP;
	return 0;
}

/**
 * vcmp_replay_update() - record an authenticated packet
 * @w: the window
 * @seq: the full sequence number, authenticated
 *
 * Checks @seq again (the window may have moved since vcmp_replay_check())
 * and, when it is acceptable, marks it seen, moving the window up when
 * @seq is the highest so far. Constant time in the size of the jump.
 *
 * Return: 0 when @seq was accepted and recorded, else the negative
 * enum vcmp_replay_err of vcmp_replay_check(); @w is then unchanged.
 */
int vcmp_replay_update(struct vcmp_replay *w, u64 seq)
{
	int err = vcmp_replay_check(w, seq);

	if (unlikely(err))
		return err;
	if (seq > w->top) {
		u64 jump = seq - w->top;

		if (jump >= VCMP_REPLAY_WINDOW)
			memset(w->bitmap, 0, sizeof(w->bitmap));
		else
			vcmp_replay_clear(w, w->top + 1, (unsigned int)jump);
		w->top = seq;
	}
	w->bitmap[vcmp_replay_word(seq)] |= vcmp_replay_bit(seq);
	return 0;
}
