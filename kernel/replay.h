/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ESP anti-replay window over 64-bit extended sequence numbers (RFC 4303
 * 3.4.3 and Appendix A2), one per inbound SA.
 *
 * Use on receive:
 *
 *	seq = vcmp_replay_infer(w, seq_lo);	(high 32 bits, for the AAD)
 *	if (vcmp_replay_check(w, seq))		(before decryption: cheap drop)
 *		drop;
 *	decrypt and authenticate with seq;
 *	if (vcmp_replay_update(w, seq))		(after: checks again, marks)
 *		drop;
 *
 * Locking: this is pure logic with no locking of its own. The caller
 * serialises every call on one window with a lock (the kernel SA holds a
 * spinlock around infer + check, and again around update). Between the
 * two, other packets may update the window, which is why update checks
 * again: of two copies of a packet decrypted in parallel, exactly one is
 * accepted.
 */
#ifndef _VCMP_REPLAY_H
#define _VCMP_REPLAY_H

#include "pure.h"

#define VCMP_REPLAY_WINDOW	4096	/* packets, a power of 2 */
#define VCMP_REPLAY_WORDS	(VCMP_REPLAY_WINDOW / 64)

/* Why vcmp_replay_check() or vcmp_replay_update() refused a number. */
enum vcmp_replay_err {
	VCMP_REPLAY_OK = 0,
	VCMP_REPLAY_OLD,	/* 0, or below the window */
	VCMP_REPLAY_DUP,	/* in the window and already seen */
};

/*
 * struct vcmp_replay - anti-replay window
 * @top: highest sequence number accepted so far, 0 before the first
 * @bitmap: one bit per sequence number in [@top - WINDOW + 1, @top], the
 *	bit of number n being bit (n % WINDOW) of the ring; set = seen
 */
struct vcmp_replay {
	u64 top;
	u64 bitmap[VCMP_REPLAY_WORDS];
};

void vcmp_replay_init(struct vcmp_replay *w);
u64 vcmp_replay_infer(const struct vcmp_replay *w, u32 seq_lo);
int vcmp_replay_check(const struct vcmp_replay *w, u64 seq);
int vcmp_replay_update(struct vcmp_replay *w, u64 seq);

#endif /* _VCMP_REPLAY_H */
