// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/replay.c: the ESP anti-replay window and ESN
 * inference, with hand-written cases and a long randomized comparison
 * against a trivial reference model (the set of every number accepted).
 */
#include <stdlib.h>

#include "replay.h"
#include "unit.h"

#define W VCMP_REPLAY_WINDOW
#define OLD (-VCMP_REPLAY_OLD)
#define DUP (-VCMP_REPLAY_DUP)

static struct vcmp_replay win;

/* Reference model: every accepted number in a hash set, and the highest. */
struct ref {
	u64 top;
	u64 *slot;	/* open addressing, 0 = empty (0 is never accepted) */
	size_t cap, used;
};

static size_t ref_hash(u64 v, size_t cap)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & (cap - 1);
}

static int ref_has(const struct ref *r, u64 v)
{
	size_t i;

	for (i = ref_hash(v, r->cap); r->slot[i]; i = (i + 1) & (r->cap - 1))
		if (r->slot[i] == v)
			return 1;
	return 0;
}

static void ref_add(struct ref *r, u64 v);

static void ref_grow(struct ref *r)
{
	struct ref n = { .top = r->top, .cap = r->cap ? r->cap * 2 : 1024 };
	size_t i;

	n.slot = calloc(n.cap, sizeof(u64));
	if (!n.slot)
		abort();
	for (i = 0; i < r->cap; i++)
		if (r->slot[i])
			ref_add(&n, r->slot[i]);
	free(r->slot);
	*r = n;
}

static void ref_add(struct ref *r, u64 v)
{
	size_t i;

	if (2 * (r->used + 1) > r->cap)
		ref_grow(r);
	for (i = ref_hash(v, r->cap); r->slot[i]; i = (i + 1) & (r->cap - 1))
		;
	r->slot[i] = v;
	r->used++;
}

static void ref_reset(struct ref *r)
{
	free(r->slot);
	memset(r, 0, sizeof(*r));
	ref_grow(r);
}

static int ref_check(const struct ref *r, u64 seq)
{
	if (seq == 0)
		return OLD;
	if (seq > r->top)
		return 0;
	if (r->top - seq >= W)
		return OLD;
	return ref_has(r, seq) ? DUP : 0;
}

static int ref_update(struct ref *r, u64 seq)
{
	int err = ref_check(r, seq);

	if (err)
		return err;
	ref_add(r, seq);
	if (seq > r->top)
		r->top = seq;
	return 0;
}

/* check() must agree with update(), and update() accept only once. */
static void accept(u64 seq)
{
	CHECK_EQ(vcmp_replay_check(&win, seq), 0);
	CHECK_EQ(vcmp_replay_update(&win, seq), 0);
	CHECK_EQ(vcmp_replay_check(&win, seq), DUP);
}

static void test_init(void)
{
	memset(&win, 0xa5, sizeof(win));
	vcmp_replay_init(&win);
	CHECK_EQ(win.top, 0);
	CHECK_EQ(vcmp_replay_check(&win, 0), OLD);
	CHECK_EQ(vcmp_replay_update(&win, 0), OLD);
	CHECK_EQ(vcmp_replay_check(&win, 1), 0);
	CHECK_EQ(vcmp_replay_check(&win, W), 0);
	CHECK_EQ(vcmp_replay_check(&win, U64_MAX), 0);
	accept(1);
	CHECK_EQ(vcmp_replay_update(&win, 1), DUP);
	CHECK_EQ(vcmp_replay_check(&win, 0), OLD);
	CHECK_EQ(win.top, 1);
}

static void test_in_order(void)
{
	u64 s;

	vcmp_replay_init(&win);
	for (s = 1; s <= 5 * W + 17; s++) {
		accept(s);
		if (s > 1)
			CHECK_EQ(vcmp_replay_check(&win, s - 1), DUP);
		if (s > W)
			CHECK_EQ(vcmp_replay_check(&win, s - W), OLD);
	}
	CHECK_EQ(win.top, 5 * W + 17);
	/* Every number of the window is marked. */
	for (s = win.top - W + 1; s <= win.top; s++)
		CHECK_EQ(vcmp_replay_check(&win, s), DUP);
	CHECK_EQ(vcmp_replay_check(&win, win.top - W), OLD);
}

static void test_reorder_within_window(void)
{
	static u64 order[W];
	u64 top = 10 * W + 3, x = 12345;
	unsigned int i;

	vcmp_replay_init(&win);
	accept(top);
	for (i = 0; i < W - 1; i++)
		order[i] = top - 1 - i;
	/* Shuffle (fixed seed), then accept every number below top. */
	for (i = W - 2; i > 0; i--) {
		unsigned int j;
		u64 t;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (unsigned int)(x >> 33) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < W - 1; i++)
		accept(order[i]);
	for (i = 0; i < W - 1; i++)
		CHECK_EQ(vcmp_replay_update(&win, order[i]), DUP);
	CHECK_EQ(win.top, top);
	CHECK_EQ(vcmp_replay_check(&win, top - W), OLD);
	/* Next number, then the old bottom has fallen out. */
	accept(top + 1);
	CHECK_EQ(vcmp_replay_check(&win, top - W + 1), OLD);
	CHECK_EQ(vcmp_replay_check(&win, top - W + 2), DUP);
}

static void test_window_edge(void)
{
	u64 top = 3 * W + 100;

	vcmp_replay_init(&win);
	accept(top);
	/* Bottom of the window: top - W + 1. */
	CHECK_EQ(vcmp_replay_check(&win, top - W + 1), 0);
	CHECK_EQ(vcmp_replay_check(&win, top - W), OLD);
	CHECK_EQ(vcmp_replay_update(&win, top - W), OLD);
	CHECK_EQ(vcmp_replay_check(&win, top - W - 1), OLD);
	CHECK_EQ(vcmp_replay_check(&win, 1), OLD);
	accept(top - W + 1);
	/* One up: the bottom falls out, as OLD rather than DUP. */
	accept(top + 1);
	CHECK_EQ(vcmp_replay_check(&win, top - W + 1), OLD);
	CHECK_EQ(vcmp_replay_check(&win, top - W + 2), 0);
	/* A jump of W - 1 keeps exactly the old top in the window. */
	accept(top + W);
	CHECK_EQ(vcmp_replay_check(&win, top + 1), DUP);
	CHECK_EQ(vcmp_replay_check(&win, top), OLD);
	CHECK_EQ(vcmp_replay_check(&win, top + 2), 0);
	CHECK_EQ(vcmp_replay_check(&win, top + W - 1), 0);

	/* At the start of the SA the window reaches below 1. */
	vcmp_replay_init(&win);
	accept(W - 1);
	accept(1);
	accept(W);
	CHECK_EQ(vcmp_replay_check(&win, 1), DUP);
	accept(W + 1);
	CHECK_EQ(vcmp_replay_check(&win, 1), OLD);
	CHECK_EQ(vcmp_replay_check(&win, 2), 0);
}

static void test_duplicates(void)
{
	struct vcmp_replay before;
	u64 s;

	vcmp_replay_init(&win);
	for (s = 2; s <= 2000; s += 2)
		accept(s);
	for (s = 1; s <= 2000; s++)
		CHECK_EQ(vcmp_replay_check(&win, s), s % 2 ? 0 : DUP);
	/* A refused update leaves the window untouched. */
	memcpy(&before, &win, sizeof(win));
	for (s = 2; s <= 2000; s += 2)
		CHECK_EQ(vcmp_replay_update(&win, s), DUP);
	CHECK_EQ(vcmp_replay_update(&win, 0), OLD);
	CHECK(!memcmp(&before, &win, sizeof(win)));
	for (s = 1; s <= 2000; s += 2)
		accept(s);
	/* Duplicates of the top itself. */
	CHECK_EQ(vcmp_replay_update(&win, 2000), DUP);
	accept(2001);
	CHECK_EQ(vcmp_replay_update(&win, 2001), DUP);
}

static void test_huge_jumps(void)
{
	static const u64 jumps[] = {
		W - 1, W, W + 1, 2 * W, 64, 63, 65, 1, 0x100000000ULL,
		0xfffffffffULL, 1ULL << 40, (1ULL << 62) + 12345,
	};
	unsigned int i;
	u64 top, s;

	vcmp_replay_init(&win);
	top = 0;
	for (i = 0; i < ARRAY_SIZE(jumps); i++) {
		u64 prev = top;

		/* Fill the window below prev, then jump. */
		for (s = prev > W ? prev - W + 1 : 1; s < prev; s++)
			if (vcmp_replay_check(&win, s) == 0)
				accept(s);
		top = prev + jumps[i];
		accept(top);
		/* Numbers passed over are new; those left behind are not. */
		for (s = top - 1; s + W > top && s > prev; s--)
			CHECK_EQ(vcmp_replay_check(&win, s), 0);
		for (s = prev; s + W > top && s > 0; s--)
			CHECK_EQ(vcmp_replay_check(&win, s), DUP);
		if (top >= W && prev && prev <= top - W)
			CHECK_EQ(vcmp_replay_check(&win, prev), OLD);
	}
	/* The very last number. */
	accept(U64_MAX);
	CHECK_EQ(vcmp_replay_check(&win, U64_MAX - 1), 0);
	CHECK_EQ(vcmp_replay_check(&win, U64_MAX - W + 1), 0);
	CHECK_EQ(vcmp_replay_check(&win, U64_MAX - W), OLD);
	CHECK_EQ(vcmp_replay_check(&win, top), OLD);
	accept(U64_MAX - W + 1);
	CHECK_EQ(win.top, U64_MAX);
}

static void test_infer_esn(void)
{
	const u64 b32 = 1ULL << 32;
	u64 base;

	vcmp_replay_init(&win);
	/* Start of the SA: small numbers; the top of block 0 is "below 1". */
	CHECK_EQ(vcmp_replay_infer(&win, 1), 1);
	CHECK_EQ(vcmp_replay_infer(&win, 0x7fffffff), 0x7fffffff);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(0 - W)), 0xffffffffULL - W + 1);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(0 - W + 1)), 0);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffffff), 0);
	CHECK_EQ(vcmp_replay_infer(&win, 0), 0);

	/* Forward across 2^32: top just below the boundary. */
	accept(b32 - 10);
	CHECK_EQ(vcmp_replay_infer(&win, 5), b32 + 5);
	CHECK_EQ(vcmp_replay_infer(&win, 0), b32);
	CHECK_EQ(vcmp_replay_infer(&win, 0xfffffff0), b32 - 16);
	CHECK_EQ(vcmp_replay_infer(&win, 0xfffffff7), b32 - 9);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(b32 - 10 - W + 1)),
		 b32 - 10 - W + 1);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(b32 - 10 - W)),
		 2 * b32 - 10 - W);	/* just below the window: next block */
	accept(b32 + 5);
	CHECK_EQ(vcmp_replay_check(&win, b32 - 9), 0);
	accept(b32 - 9);

	/* Backward across 2^32: top just above the boundary. */
	CHECK_EQ(win.top, b32 + 5);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffff00), b32 - 256);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffffff), b32 - 1);
	CHECK_EQ(vcmp_replay_infer(&win, 3), b32 + 3);
	CHECK_EQ(vcmp_replay_infer(&win, 6), b32 + 6);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(5 - W + 1)), b32 + 5 - W + 1);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(5 - W)), b32 + (u32)(5 - W));
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(b32 - 10)), b32 - 10);
	CHECK_EQ(vcmp_replay_check(&win, b32 - 10), DUP);
	CHECK_EQ(vcmp_replay_check(&win, vcmp_replay_infer(&win, 0xfffffff7)),
		 DUP);

	/* Window bottom exactly at a block start: top_lo = W - 1. */
	vcmp_replay_init(&win);
	accept(W - 1);
	CHECK_EQ(vcmp_replay_infer(&win, 0), 0);	/* bottom is 0 */
	CHECK_EQ(vcmp_replay_infer(&win, 5), 5);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffffff), 0xffffffff);
	accept(W);
	CHECK_EQ(vcmp_replay_infer(&win, 0), b32);
	CHECK_EQ(vcmp_replay_infer(&win, 1), 1);
	vcmp_replay_init(&win);
	accept(5 * b32 + W - 1);
	CHECK_EQ(vcmp_replay_infer(&win, 0), 5 * b32);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffffff), 5 * b32 + 0xffffffff);
	accept(5 * b32 + W);
	CHECK_EQ(vcmp_replay_infer(&win, 0), 6 * b32);
	vcmp_replay_init(&win);
	accept(5 * b32 + W - 2);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffffff), 4 * b32 + 0xffffffff);
	CHECK_EQ(vcmp_replay_infer(&win, 0xfffffffe), 5 * b32 + 0xfffffffe);

	/* The last block: nothing lies beyond 2^64 - 1. */
	vcmp_replay_init(&win);
	accept(U64_MAX - 100);
	CHECK_EQ(vcmp_replay_infer(&win, 0xffffffff), U64_MAX);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(U64_MAX - W - 100)), 0);
	CHECK_EQ(vcmp_replay_infer(&win, (u32)(U64_MAX - W - 99)),
		 U64_MAX - W - 99);

	/* Deep inside a block, and at the window's exact low edge. */
	for (base = 3 * b32; base < 3 * b32 + 3 * W; base += W / 2 + 1) {
		u64 t = base + 7 * W;
		u64 lo_edge = t - W + 1;

		vcmp_replay_init(&win);
		accept(t);
		CHECK_EQ(vcmp_replay_infer(&win, (u32)t), t);
		CHECK_EQ(vcmp_replay_infer(&win, (u32)lo_edge), lo_edge);
		CHECK_EQ(vcmp_replay_infer(&win, (u32)(lo_edge - 1)),
			 lo_edge - 1 + b32);
		CHECK_EQ(vcmp_replay_infer(&win, (u32)(t + 1)), t + 1);
	}

	/* Every top near a boundary, both directions. */
	for (base = b32 - 2 * W; base < b32 + 2 * W; base += 97) {
		u64 d;

		vcmp_replay_init(&win);
		accept(base);
		for (d = 0; d < W; d += 13) {
			u64 below = base - d, above = base + 1 + d * 1000;

			CHECK_EQ(vcmp_replay_infer(&win, (u32)below), below);
			CHECK_EQ(vcmp_replay_infer(&win, (u32)above), above);
		}
		/* Farthest ahead it can infer: bottom + 2^32 - 1. */
		CHECK_EQ(vcmp_replay_infer(&win, (u32)(base - W)),
			 base - W + b32);
	}
}

static u64 rng_state = 0x5eed0fc0ffee1234ULL;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd_below(u64 n)
{
	return n ? rnd() % n : 0;
}

/* top - d, or 0 when that would be negative */
static u64 below(u64 top, u64 d)
{
	return d > top ? 0 : top - d;
}

static void test_random_vs_reference(void)
{
	struct ref ref = { 0 };
	u64 recent[64] = { 0 };
	unsigned long ops, resets = 0, accepted = 0, olds = 0, dups = 0;
	unsigned long infers = 0;
	unsigned int nrecent = 0;

	ref_reset(&ref);
	vcmp_replay_init(&win);
	for (ops = 0; ops < 1000000; ops++) {
		u64 top = ref.top, seq, r = rnd_below(1000);
		int got, want;

		if (r < 350)
			seq = top + 1 + rnd_below(4);
		else if (r < 600)
			seq = below(top, rnd_below(W + 200));
		else if (r < 700)
			seq = recent[rnd_below(64)];
		else if (r < 760)
			seq = below(top, W - rnd_below(3));	/* the edge */
		else if (r < 800)
			seq = top + rnd_below(1ULL << rnd_below(36));
		else if (r < 805)
			seq = rnd_below(4);
		else if (r == 805 && rnd_below(20) == 0)
			seq = top + rnd_below(1ULL << 60);
		else
			seq = below(top, rnd_below(W / 8));

		/* ESN inference is exact for [bottom, bottom + 2^32). */
		if (seq && seq + W > top && seq + W <= top + (1ULL << 32)) {
			CHECK_EQ(vcmp_replay_infer(&win, (u32)seq), seq);
			infers++;
		}

		switch (rnd_below(3)) {
		case 0:		/* check, then update */
			want = ref_check(&ref, seq);
			CHECK_EQ(vcmp_replay_check(&win, seq), want);
			if (want)
				break;
			fallthrough;
		case 1:		/* update alone */
			want = ref_update(&ref, seq);
			got = vcmp_replay_update(&win, seq);
			CHECK_EQ(got, want);
			if (!got) {
				accepted++;
				recent[nrecent++ % 64] = seq;
			}
			olds += got == OLD;
			dups += got == DUP;
			break;
		default:	/* check alone */
			CHECK_EQ(vcmp_replay_check(&win, seq),
				 ref_check(&ref, seq));
		}
		CHECK_EQ(win.top, ref.top);
		if (unit_case_failed) {
			printf("# diverged at op %lu, seq %llu top %llu\n", ops,
			       (unsigned long long)seq,
			       (unsigned long long)ref.top);
			break;
		}
		if (rnd_below(50000) == 0 || ref.top > (1ULL << 62)) {
			/* A new SA. */
			ref_reset(&ref);
			vcmp_replay_init(&win);
			memset(recent, 0, sizeof(recent));
			resets++;
		}
	}
	printf("# %lu ops: %lu accepted, %lu old, %lu dup, %lu infer, %lu SAs\n",
	       ops, accepted, olds, dups, infers, resets + 1);
	CHECK(accepted > 100000 && olds > 10000 && dups > 10000);
	free(ref.slot);
}

int main(void)
{
	unit_plan(8);
	unit_run("init", test_init);
	unit_run("in_order", test_in_order);
	unit_run("reorder_within_window", test_reorder_within_window);
	unit_run("window_edge", test_window_edge);
	unit_run("duplicates", test_duplicates);
	unit_run("huge_jumps", test_huge_jumps);
	unit_run("infer_esn_boundary", test_infer_esn);
	unit_run("random_vs_reference_1M", test_random_vs_reference);
	return unit_exit();
}
