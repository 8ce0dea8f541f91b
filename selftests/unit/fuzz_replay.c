// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/replay.c: the input is a sequence of
 * operations on one window (check, update, infer, jumps, new SA), each
 * compared with a trivial reference model, the list of every number
 * accepted. At the end every number of the window is compared.
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "replay.h"

#define W VCMP_REPLAY_WINDOW
#define MAX_SEEN 8192

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static struct vcmp_replay win;
static u64 seen[MAX_SEEN];
static size_t nseen;
static u64 top;

static int ref_check(u64 seq)
{
	size_t i;

	if (!seq)
		return -VCMP_REPLAY_OLD;
	if (seq > top)
		return 0;
	if (top - seq >= W)
		return -VCMP_REPLAY_OLD;
	for (i = 0; i < nseen; i++)
		if (seen[i] == seq)
			return -VCMP_REPLAY_DUP;
	return 0;
}

static void do_check(u64 seq)
{
	ASSERT(vcmp_replay_check(&win, seq) == ref_check(seq));
}

static void do_update(u64 seq)
{
	int want = ref_check(seq);

	if (!want && nseen == MAX_SEEN)
		return;		/* the model is full: skip */
	ASSERT(vcmp_replay_update(&win, seq) == want);
	if (want)
		return;
	seen[nseen++] = seq;
	if (seq > top)
		top = seq;
}

/*
 * RFC 4303 A2.2 restated: the number in [bottom, bottom + 2^32) with
 * these low bits, computed in 128 bits; 0 when outside [1, 2^64).
 */
static void do_infer(u32 lo)
{
	__int128 bottom = (__int128)top - W + 1;
	__int128 x = bottom + (u32)(lo - (u32)bottom);
	u64 want = x < 1 || x > (__int128)U64_MAX ? 0 : (u64)x;

	ASSERT(vcmp_replay_infer(&win, lo) == want);
}

/* The whole window: DUP are exactly the accepted numbers still in it. */
static void check_window(void)
{
	u64 first = top >= W ? top - W + 1 : 0, s;
	size_t i, dups = 0, in_window = 0;

	for (s = first; ; s++) {
		int r = vcmp_replay_check(&win, s);

		ASSERT(r == 0 || r == -VCMP_REPLAY_DUP || !s);
		dups += r == -VCMP_REPLAY_DUP;
		if (s == top)
			break;
	}
	for (i = 0; i < nseen; i++) {
		if (seen[i] >= first) {
			ASSERT(vcmp_replay_check(&win, seen[i]) ==
			       -VCMP_REPLAY_DUP);
			in_window++;
		}
	}
	ASSERT(dups == in_window);
	if (first > 1)
		ASSERT(vcmp_replay_check(&win, first - 1) == -VCMP_REPLAY_OLD);
	if (top < U64_MAX)
		ASSERT(vcmp_replay_check(&win, top + 1) == 0);
}

static u64 get(const u8 **p, const u8 *end, unsigned int n)
{
	u64 v = 0;

	while (n-- && *p < end)
		v = v << 8 | *(*p)++;
	return v;
}

static void reset(void)
{
	vcmp_replay_init(&win);
	nseen = 0;
	top = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data, *end = data + size;
	u64 s, arg;

	reset();
	while (p < end) {
		u8 op = *p++;

		switch (op & 7) {
		case 0:	/* check near top */
			arg = get(&p, end, 2);
			do_check(top + (op & 8 ? arg : -arg));
			break;
		case 1:	/* update near top */
			arg = get(&p, end, 2);
			do_update(top + (op & 8 ? arg : -arg));
			break;
		case 2:	/* update forward by 2^k + small */
			arg = get(&p, end, 1);
			do_update(top + (1ULL << (arg % 48)) + (op >> 4));
			break;
		case 3:	/* absolute update */
			do_update(get(&p, end, 8));
			break;
		case 4:	/* infer */
			do_infer((u32)get(&p, end, 4));
			break;
		case 5:	/* check and update around the window bottom */
			s = top - W + (op >> 4);
			do_check(s);
			do_update(s);
			break;
		case 6:	/* infer, check, update: the receive path */
			arg = get(&p, end, 4);
			do_infer((u32)(top + arg));
			s = vcmp_replay_infer(&win, (u32)(top + arg));
			do_check(s);
			do_update(s);
			break;
		default:
			if (op == 0xff)
				reset();
			else
				do_update(top + 1);
		}
		ASSERT(win.top == top);
	}
	check_window();
	return 0;
}
