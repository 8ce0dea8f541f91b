// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/reseq.c: the receive resequencing buffer, with
 * hand-written cases and a long randomized multipath simulation compared
 * step by step with a naive reference model (a sorted array of waiting
 * packets over 64-bit unwrapped numbers, and the set of numbers
 * delivered), plus invariants checked on the deliveries themselves.
 */
#include <stdlib.h>

#include "reseq.h"
#include "unit.h"

#define H VCMP_RESEQ_HISTORY
#define MAXTOK 4096

static struct vcmp_reseq rs;
static struct vcmp_reseq_slot slots[VCMP_RESEQ_MAX_SLOTS];

/* Packets are tokens: the pointer is &tok[i], the number i. */
static int tok[MAXTOK];
static int out[MAXTOK];		/* delivered tokens, in order */
static int nout;

static void *pkt(int i)
{
	return &tok[i];
}

static void rec(void *ctx, void *p)
{
	(void)ctx;
	if (nout < MAXTOK)
		out[nout++] = (int)((int *)p - tok);
}

/* The deliveries since the last call are exactly @n tokens @want. */
static void expect_out(const int *want, int n)
{
	int i;

	CHECK_EQ(nout, n);
	for (i = 0; i < n && i < nout; i++)
		CHECK_EQ(out[i], want[i]);
	nout = 0;
}

#define EXPECT(...) do {						\
	static const int _w[] = { __VA_ARGS__ };			\
	expect_out(_w, (int)ARRAY_SIZE(_w));				\
} while (0)
#define EXPECT_NONE() expect_out(NULL, 0)

static enum vcmp_reseq_result ins(u32 seq, int t, u64 now)
{
	return vcmp_reseq_insert(&rs, seq, pkt(t), now, rec, NULL);
}

static void setup(u32 nslots, u64 hold)
{
	memset(&rs, 0xa5, sizeof(rs));
	memset(slots, 0x5a, sizeof(slots));
	CHECK_EQ(vcmp_reseq_init(&rs, slots, nslots, hold), 0);
	nout = 0;
}

static void test_init(void)
{
	struct vcmp_reseq_slot s[4];

	CHECK_EQ(vcmp_reseq_init(&rs, s, 0, 10), -EINVAL);
	CHECK_EQ(vcmp_reseq_init(&rs, s, 3, 10), -EINVAL);
	CHECK_EQ(vcmp_reseq_init(&rs, slots, 2 * VCMP_RESEQ_MAX_SLOTS, 10),
		 -EINVAL);
	CHECK_EQ(vcmp_reseq_init(&rs, s, 1, 10), 0);
	CHECK_EQ(vcmp_reseq_init(&rs, s, 4, VCMP_RESEQ_MAX_HOLD_NS + 1), 0);
	CHECK_EQ(rs.hold_ns, VCMP_RESEQ_MAX_HOLD_NS);
	setup(VCMP_RESEQ_MAX_SLOTS, 100);
	CHECK_EQ(rs.count, 0);
	CHECK(!rs.started);
	CHECK_EQ(vcmp_reseq_deadline(&rs), U64_MAX);
	CHECK_EQ(vcmp_reseq_poll(&rs, 1000, rec, NULL), U64_MAX);
	vcmp_reseq_flush(&rs, rec, NULL);
	EXPECT_NONE();
	/* The first packet sets the expected number, whatever it is. */
	CHECK_EQ(ins(0xdeadbeef, 1, 5), VCMP_RESEQ_IN_ORDER);
	EXPECT(1);
	CHECK_EQ(rs.next, 0xdeadbef0);
	/* A deadline past the end of time saturates. */
	CHECK_EQ(ins(0xdeadbef2, 2, U64_MAX - 10), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_deadline(&rs), U64_MAX);
	CHECK_EQ(vcmp_reseq_poll(&rs, U64_MAX, rec, NULL), U64_MAX);
	EXPECT_NONE();
	vcmp_reseq_flush(&rs, rec, NULL);
	EXPECT(2);
}

static void test_in_order(void)
{
	int i;

	setup(64, 100);
	for (i = 0; i < 3000; i++) {
		CHECK_EQ(ins(1000 + i, i % MAXTOK, i), VCMP_RESEQ_IN_ORDER);
		CHECK_EQ(nout, 1);
		if (nout == 1)
			CHECK_EQ(out[0], i % MAXTOK);
		nout = 0;
		CHECK_EQ(vcmp_reseq_deadline(&rs), U64_MAX);
	}
	CHECK_EQ(rs.stats.in_order, 3000);
	CHECK_EQ(rs.stats.queued + rs.stats.timeouts + rs.stats.duplicates +
		 rs.stats.late + rs.stats.stale + rs.stats.overflows, 0);
}

static void test_swap(void)
{
	setup(64, 100);
	CHECK_EQ(ins(10, 10, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(12, 12, 1), VCMP_RESEQ_QUEUED);
	EXPECT(10);
	CHECK_EQ(vcmp_reseq_deadline(&rs), 101);
	CHECK_EQ(ins(11, 11, 2), VCMP_RESEQ_IN_ORDER);
	EXPECT(11, 12);
	CHECK_EQ(vcmp_reseq_deadline(&rs), U64_MAX);
	/* A reversed burst leaves at once when its first packet arrives. */
	CHECK_EQ(ins(16, 16, 3), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(15, 15, 3), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(14, 14, 4), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_poll(&rs, 50, rec, NULL), 103);
	EXPECT_NONE();
	CHECK_EQ(ins(13, 13, 60), VCMP_RESEQ_IN_ORDER);
	EXPECT(13, 14, 15, 16);
	CHECK_EQ(rs.next, 17);
	CHECK_EQ(rs.stats.in_order, 3);
	CHECK_EQ(rs.stats.queued, 4);
	CHECK_EQ(rs.stats.released, 4);
	CHECK_EQ(rs.stats.timeouts, 0);
}

static void test_hold_timeout(void)
{
	setup(64, 100);
	CHECK_EQ(ins(1, 1, 0), VCMP_RESEQ_IN_ORDER);
	EXPECT(1);
	/* 2 and 5 lost. */
	CHECK_EQ(ins(3, 3, 10), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(4, 4, 20), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(6, 6, 30), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_poll(&rs, 109, rec, NULL), 110);
	EXPECT_NONE();
	/* 3 is up: 2 is skipped, 3 and 4 go; 6 waits for 5. */
	CHECK_EQ(vcmp_reseq_poll(&rs, 110, rec, NULL), 130);
	EXPECT(3, 4);
	CHECK_EQ(rs.stats.timeouts, 1);
	CHECK_EQ(rs.next, 5);
	CHECK_EQ(vcmp_reseq_poll(&rs, 500, rec, NULL), U64_MAX);
	EXPECT(6);
	CHECK_EQ(rs.stats.timeouts, 2);
	CHECK_EQ(rs.stats.released, 3);
	CHECK_EQ(rs.next, 7);

	/* The first to arrive times out first, not the lowest number. */
	CHECK_EQ(ins(9, 9, 1000), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(8, 8, 1050), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_deadline(&rs), 1100);
	/* An insert releases what is due too, not only a poll. */
	CHECK_EQ(ins(20, 20, 1100), VCMP_RESEQ_QUEUED);
	EXPECT(8, 9);
	CHECK_EQ(rs.stats.timeouts, 3);
	CHECK_EQ(vcmp_reseq_deadline(&rs), 1200);
	/* The clock does not go back. */
	CHECK_EQ(vcmp_reseq_poll(&rs, 5, rec, NULL), 1200);
	CHECK_EQ(vcmp_reseq_poll(&rs, 1200, rec, NULL), U64_MAX);
	EXPECT(20);
	CHECK_EQ(rs.stats.timeouts, 3 + 10);

	/* Hold time 0: duplicate removal only, holes skipped at once. */
	vcmp_reseq_set_hold(&rs, 0);
	CHECK_EQ(ins(23, 23, 1300), VCMP_RESEQ_QUEUED);
	EXPECT(23);
	CHECK_EQ(ins(23, 23, 1300), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(22, 22, 1300), VCMP_RESEQ_LATE);
	EXPECT(22);
	CHECK_EQ(rs.count, 0);
}

static void test_duplicates(void)
{
	setup(64, 100);
	CHECK_EQ(ins(100, 100, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(100, 101, 0), VCMP_RESEQ_DUP);	/* after delivery */
	CHECK_EQ(ins(103, 103, 1), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(103, 104, 2), VCMP_RESEQ_DUP);	/* while queued */
	CHECK_EQ(ins(102, 102, 3), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(101, 105, 4), VCMP_RESEQ_IN_ORDER);
	EXPECT(100, 105, 102, 103);
	CHECK_EQ(ins(101, 106, 5), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(102, 107, 5), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(103, 108, 5), VCMP_RESEQ_DUP);
	EXPECT_NONE();
	CHECK_EQ(rs.stats.duplicates, 5);
	/* Duplication mode: every packet twice, the copy well behind. */
	{
		u32 s;

		for (s = 104; s < 104 + 3 * H; s++) {
			CHECK_EQ(ins(s, 1, 10), VCMP_RESEQ_IN_ORDER);
			if (s >= 104 + H - 1)
				CHECK_EQ(ins(s - H + 1, 2, 10), VCMP_RESEQ_DUP);
		}
		nout = 0;
		CHECK_EQ(rs.stats.duplicates, 5 + 2 * H + 1);
		/* Just beyond the history: stale, dropped too. */
		CHECK_EQ(ins(s - H - 1, 3, 10), VCMP_RESEQ_STALE);
		CHECK_EQ(ins(s - H, 3, 10), VCMP_RESEQ_DUP);
		CHECK_EQ(ins(s - 0x80000000u, 3, 10), VCMP_RESEQ_STALE);
		CHECK_EQ(rs.stats.stale, 2);
		EXPECT_NONE();
	}
}

static void test_late(void)
{
	setup(64, 100);
	CHECK_EQ(ins(50, 50, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(52, 52, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_poll(&rs, 100, rec, NULL), U64_MAX);
	EXPECT(50, 52);
	/* 51 was given up on: deliver it anyway, once. */
	CHECK_EQ(ins(51, 51, 150), VCMP_RESEQ_LATE);
	EXPECT(51);
	CHECK_EQ(ins(51, 51, 150), VCMP_RESEQ_DUP);
	/* Older than the first packet, in the history: late too. */
	CHECK_EQ(ins(49, 49, 150), VCMP_RESEQ_LATE);
	CHECK_EQ(ins(53 - H, 48, 150), VCMP_RESEQ_LATE);
	CHECK_EQ(ins(52 - H, 47, 150), VCMP_RESEQ_STALE);
	EXPECT(49, 48);
	CHECK_EQ(rs.stats.late, 3);
	CHECK_EQ(rs.stats.stale, 1);
	CHECK_EQ(rs.next, 53);
	/* The first packet of a flow arriving second is late. */
	setup(64, 100);
	CHECK_EQ(ins(2, 2, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(1, 1, 0), VCMP_RESEQ_LATE);
	EXPECT(2, 1);
}

static void test_wraparound(void)
{
	u32 s;
	int i;

	setup(16, 100);
	CHECK_EQ(ins(0xfffffffd, 1, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(0x00000001, 5, 1), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(0xffffffff, 3, 2), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(0x00000000, 4, 3), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(0xfffffffe, 2, 4), VCMP_RESEQ_IN_ORDER);
	EXPECT(1, 2, 3, 4, 5);
	CHECK_EQ(rs.next, 2);
	CHECK_EQ(ins(0xffffffff, 6, 5), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(0xfffffff0, 6, 5), VCMP_RESEQ_LATE);
	EXPECT(6);
	/* Windows, holes and timeouts across the wrap. */
	setup(16, 100);
	s = 0xfffffff8;
	CHECK_EQ(ins(s, 0, 0), VCMP_RESEQ_IN_ORDER);
	for (i = 2; i < 16; i += 2)
		CHECK_EQ(ins(s + i, i, 10), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_poll(&rs, 110, rec, NULL), U64_MAX);
	EXPECT(0, 2, 4, 6, 8, 10, 12, 14);
	CHECK_EQ(rs.stats.timeouts, 7);
	CHECK_EQ(rs.next, 7);
	for (i = 1; i < 15; i += 2)
		CHECK_EQ(ins(s + i, i, 200), VCMP_RESEQ_LATE);
	CHECK_EQ(ins(s + 15, 15, 200), VCMP_RESEQ_IN_ORDER);
	EXPECT(1, 3, 5, 7, 9, 11, 13, 15);
}

static void test_overflow(void)
{
	setup(8, 1000);
	CHECK_EQ(ins(0, 0, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(3, 3, 1), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(5, 5, 1), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(8, 8, 1), VCMP_RESEQ_QUEUED);	/* last of the window */
	EXPECT(0);
	/* 10 is beyond [1, 8]: the window moves to [3, 10]. */
	CHECK_EQ(ins(10, 10, 2), VCMP_RESEQ_OVERFLOW);
	EXPECT(3);
	CHECK_EQ(rs.next, 4);
	CHECK_EQ(rs.stats.overflows, 1);
	CHECK_EQ(rs.stats.overflow_skipped, 2);		/* 1 and 2 */
	CHECK_EQ(rs.count, 3);
	CHECK_EQ(ins(4, 4, 3), VCMP_RESEQ_IN_ORDER);
	EXPECT(4, 5);
	/* A huge jump empties the queue and forgets the history. */
	CHECK_EQ(ins(0x70000000, 7, 4), VCMP_RESEQ_OVERFLOW);
	EXPECT(8, 10);
	CHECK_EQ(rs.next, 0x70000000 - 7);
	/* From 6 to the new next, but for 8 and 10. */
	CHECK_EQ(rs.stats.overflow_skipped, 2 + (0x70000000 - 7 - 6 - 2));
	CHECK_EQ(ins(6, 6, 5), VCMP_RESEQ_STALE);
	CHECK_EQ(ins(0x70000000 - 8, 6, 5), VCMP_RESEQ_LATE);
	CHECK_EQ(ins(0x70000000 - 8, 6, 5), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(0x70000000 - 7, 9, 5), VCMP_RESEQ_IN_ORDER);
	EXPECT(6, 9);
	CHECK_EQ(vcmp_reseq_poll(&rs, 1004, rec, NULL), U64_MAX);
	EXPECT(7);
	/* Lands exactly at next once the queue is passed: in order. */
	setup(4, 1000);
	CHECK_EQ(ins(0, 0, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(2, 2, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(3, 3, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(4, 4, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(5, 5, 0), VCMP_RESEQ_OVERFLOW);
	EXPECT(0, 2, 3, 4, 5);
	CHECK_EQ(rs.stats.in_order, 2);
	/* The farthest jump ahead, 2^31 - 1: next moves by 2^31 at once. */
	setup(8, 0);
	CHECK_EQ(ins(0, 0, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(0x80000000, 1, 0), VCMP_RESEQ_OVERFLOW);
	EXPECT(0, 1);
	CHECK_EQ(rs.next, 0x80000001);
	CHECK_EQ(rs.stats.overflow_skipped + rs.stats.timeouts, 0x7fffffff);
	CHECK_EQ(ins(1, 2, 0), VCMP_RESEQ_STALE);	/* 2^31 away: behind */
	CHECK_EQ(ins(0x80000000, 3, 0), VCMP_RESEQ_DUP);
	EXPECT_NONE();
	/* One slot: no waiting at all, the window is just next. */
	setup(1, 1000);
	CHECK_EQ(ins(7, 7, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(9, 9, 0), VCMP_RESEQ_OVERFLOW);
	CHECK_EQ(ins(8, 8, 0), VCMP_RESEQ_LATE);
	EXPECT(7, 9, 8);
	CHECK_EQ(rs.stats.queued, 0);
}

static void test_flush_reset(void)
{
	setup(64, 1000);
	CHECK_EQ(ins(0xfffffffe, 1, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(3, 6, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(1, 5, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(40, 9, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(0, 4, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(20, 8, 0), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(4, 7, 0), VCMP_RESEQ_QUEUED);
	EXPECT(1);
	vcmp_reseq_flush(&rs, rec, NULL);
	EXPECT(4, 5, 6, 7, 8, 9);
	CHECK_EQ(rs.count, 0);
	CHECK_EQ(rs.next, 41);
	CHECK_EQ(rs.stats.timeouts, 0);
	CHECK_EQ(vcmp_reseq_deadline(&rs), U64_MAX);
	CHECK_EQ(ins(3, 3, 0), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(2, 2, 0), VCMP_RESEQ_LATE);
	EXPECT(2);
	/* Reset: flushes, then the next packet starts a new sequence. */
	CHECK_EQ(ins(43, 10, 0), VCMP_RESEQ_QUEUED);
	vcmp_reseq_reset(&rs, rec, NULL);
	EXPECT(10);
	CHECK(!rs.started);
	CHECK_EQ(ins(7, 11, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(3, 12, 0), VCMP_RESEQ_LATE);
	CHECK_EQ(ins(8, 13, 0), VCMP_RESEQ_IN_ORDER);
	EXPECT(11, 12, 13);
	CHECK_EQ(rs.stats.in_order, 3);
}

/*
 * Duplication mode over two links 50 ns apart with jitter, hold 100 ns:
 * every packet comes out once and in order, nothing late, no timeout.
 */
struct ev {
	u64 at;
	u32 seq;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static void test_duplication_mode(void)
{
	static struct ev evs[2 * MAXTOK];
	u32 base = 0xffffff00, i;
	u64 x = 42;

	setup(256, 100);
	for (i = 0; i < MAXTOK; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		evs[2 * i].at = 3 * i + 10 + (x >> 60);
		evs[2 * i].seq = base + i;
		evs[2 * i + 1].at = 3 * i + 60 + ((x >> 40) & 15);
		evs[2 * i + 1].seq = base + i;
	}
	evs[0].at = 0;	/* the first packet received sets the start */
	qsort(evs, 2 * MAXTOK, sizeof(evs[0]), ev_cmp);
	for (i = 0; i < 2 * MAXTOK; i++) {
		enum vcmp_reseq_result res;

		vcmp_reseq_poll(&rs, evs[i].at, rec, NULL);
		res = ins(evs[i].seq, (int)(evs[i].seq - base), evs[i].at);
		CHECK(res == VCMP_RESEQ_IN_ORDER || res == VCMP_RESEQ_QUEUED ||
		      res == VCMP_RESEQ_DUP);
	}
	CHECK_EQ(rs.count, 0);
	CHECK_EQ(nout, MAXTOK);
	for (i = 0; i < MAXTOK && (int)i < nout; i++)
		CHECK_EQ(out[i], i);
	CHECK_EQ(rs.stats.in_order + rs.stats.released, MAXTOK);
	CHECK_EQ(rs.stats.duplicates, MAXTOK);
	CHECK_EQ(rs.stats.late + rs.stats.timeouts + rs.stats.stale +
		 rs.stats.overflows, 0);
	CHECK(rs.stats.queued > 0);
	nout = 0;
}

/* ---- randomized multipath simulation against a reference model ---- */

static u64 rng_state = 0x7e5e9c0ffee5eedULL;

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

/* A set of u64, open addressing; ~0 is never stored. */
struct set {
	u64 *v;
	size_t cap, used;
};

static size_t set_hash(u64 v, size_t cap)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & (cap - 1);
}

static bool set_has(const struct set *s, u64 v)
{
	size_t i;

	for (i = set_hash(v, s->cap); s->v[i] != ~0ULL; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == v)
			return true;
	return false;
}

static void set_add(struct set *s, u64 v);

static void set_init(struct set *s, size_t cap)
{
	s->cap = cap;
	s->used = 0;
	s->v = malloc(cap * sizeof(u64));
	if (!s->v)
		abort();
	memset(s->v, 0xff, cap * sizeof(u64));
}

static void set_add(struct set *s, u64 v)
{
	size_t i;

	if (2 * (s->used + 1) > s->cap) {
		struct set n;

		set_init(&n, s->cap * 2);
		for (i = 0; i < s->cap; i++)
			if (s->v[i] != ~0ULL)
				set_add(&n, s->v[i]);
		free(s->v);
		*s = n;
	}
	for (i = set_hash(v, s->cap); s->v[i] != ~0ULL; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == v)
			return;
	s->v[i] = v;
	s->used++;
}

/*
 * The model: numbers unwrapped to 64 bits around @next, the waiting
 * packets in a sorted array, the delivered numbers in a set. Its deliveries
 * go to mout[], to be compared with the real ones in out[].
 */
struct mpkt {
	u64 seq, arrived;
	int tok;
};

static struct {
	bool started;
	u64 next, now, hold;
	u64 mask;
	struct mpkt q[VCMP_RESEQ_MAX_SLOTS];
	int nq;
	struct set delivered;
	struct vcmp_reseq_stats st;
} m;

static int mout[MAXTOK];
static int nmout;

static void m_deliver(u64 seq, int t)
{
	set_add(&m.delivered, seq);
	if (nmout < MAXTOK)
		mout[nmout++] = t;
}

static void m_advance(u64 target, u64 *skipped)
{
	int i = 0;

	while (i < m.nq && m.q[i].seq < target) {
		*skipped += m.q[i].seq - m.next;
		m_deliver(m.q[i].seq, m.q[i].tok);
		m.next = m.q[i].seq + 1;
		m.st.released++;
		i++;
	}
	if (m.next < target) {
		*skipped += target - m.next;
		m.next = target;
	}
	while (i < m.nq && m.q[i].seq == m.next) {
		m_deliver(m.q[i].seq, m.q[i].tok);
		m.next++;
		m.st.released++;
		i++;
	}
	memmove(m.q, m.q + i, (m.nq - i) * sizeof(m.q[0]));
	m.nq -= i;
}

static void m_expire(void)
{
	int i, top = -1;

	for (i = 0; i < m.nq; i++)
		if (m.now - m.q[i].arrived >= m.hold)
			top = i;
	if (top >= 0)
		m_advance(m.q[top].seq + 1, &m.st.timeouts);
}

static u64 m_deadline(void)
{
	u64 first = U64_MAX;
	int i;

	for (i = 0; i < m.nq; i++)
		if (m.q[i].arrived < first)
			first = m.q[i].arrived;
	if (!m.nq)
		return U64_MAX;
	return first > U64_MAX - m.hold ? U64_MAX : first + m.hold;
}

static enum vcmp_reseq_result m_take(u32 seq32, int t)
{
	enum vcmp_reseq_result res = VCMP_RESEQ_IN_ORDER;
	u64 seq, none = 0;
	int i;

	if (!m.started) {
		m.started = true;
		m.next = (1ULL << 40) + seq32;
	}
	seq = m.next + (s64)(s32)(seq32 - (u32)m.next);
	if (seq < m.next) {
		if (m.next - seq > H) {
			m.st.stale++;
			return VCMP_RESEQ_STALE;
		}
		if (set_has(&m.delivered, seq)) {
			m.st.duplicates++;
			return VCMP_RESEQ_DUP;
		}
		m.st.late++;
		m_deliver(seq, t);
		return VCMP_RESEQ_LATE;
	}
	if (seq - m.next > m.mask) {
		m.st.overflows++;
		m_advance(seq - m.mask, &m.st.overflow_skipped);
		res = VCMP_RESEQ_OVERFLOW;
	}
	if (seq == m.next) {
		m.st.in_order++;
		m_deliver(seq, t);
		m.next++;
		m_advance(m.next, &none);
	} else {
		for (i = 0; i < m.nq && m.q[i].seq < seq; i++)
			;
		if (i < m.nq && m.q[i].seq == seq) {
			m.st.duplicates++;
			return VCMP_RESEQ_DUP;
		}
		memmove(m.q + i + 1, m.q + i, (m.nq - i) * sizeof(m.q[0]));
		m.q[i] = (struct mpkt){ .seq = seq, .arrived = m.now, .tok = t };
		m.nq++;
		m.st.queued++;
		if (res == VCMP_RESEQ_IN_ORDER)
			res = VCMP_RESEQ_QUEUED;
	}
	return res;
}

static enum vcmp_reseq_result m_insert(u32 seq32, int t, u64 now)
{
	enum vcmp_reseq_result res;

	if (now > m.now)
		m.now = now;
	res = m_take(seq32, t);
	m_expire();
	return res;
}

static void m_reset(void)
{
	u64 none = 0;

	if (m.nq)
		m_advance(m.q[m.nq - 1].seq + 1, &none);
	free(m.delivered.v);
	set_init(&m.delivered, 1024);
	m.started = false;
}

/* Packets in flight between the sender and the receiver. */
struct flight {
	u32 seq;
	u64 at;
};

#define MAXFLIGHT 256

struct sim {
	u32 nslots;
	unsigned long ops;
	/* per token: 0 free, 1 waiting, 2 delivered, 3 dropped */
	u8 state[MAXTOK];
	u64 arrived[MAXTOK];
	bool was_late[MAXTOK];
	u64 seq64[MAXTOK];
	int free_tok[MAXTOK], nfree;
	int wlist[MAXTOK], wpos[MAXTOK], nw;	/* the waiting tokens */
	bool hold_cut;		/* hold time lowered, no insert or poll since */
	unsigned long inserted, delivered, dropped, waiting;
	bool have_last;
	u64 last_seq64;		/* last delivered in order, unwrapped */
	u64 epoch_base;		/* unwrapping for the in-order check */
	struct flight fl[MAXFLIGHT];
	int nfl;
	unsigned long results[VCMP_RESEQ_STALE + 1];
};

static struct sim sim;

static void sim_unwait(int t)
{
	int last = sim.wlist[--sim.nw];

	sim.wlist[sim.wpos[t]] = last;
	sim.wpos[last] = sim.wpos[t];
	sim.waiting--;
	sim.free_tok[sim.nfree++] = t;
}

/* Check the deliveries of one call, the same as the model's. */
static void sim_check_out(void)
{
	int i;

	CHECK_EQ(nout, nmout);
	for (i = 0; i < nout && i < nmout; i++) {
		int t = out[i];

		CHECK_EQ(t, mout[i]);
		/* Exactly once: only a waiting token may come out. */
		CHECK_EQ(sim.state[t], 1);
		sim.state[t] = 2;
		sim.delivered++;
		if (!sim.was_late[t]) {
			/* In increasing serial order, but for late ones. */
			if (sim.have_last)
				CHECK(sim.seq64[t] > sim.last_seq64);
			sim.have_last = true;
			sim.last_seq64 = sim.seq64[t];
		}
		sim_unwait(t);
	}
	nout = 0;
	nmout = 0;
}

static void sim_check_state(void)
{
	int i;

	CHECK_EQ(rs.count, m.nq);
	CHECK_EQ(rs.count, sim.waiting);
	CHECK_EQ(rs.next, (u32)m.next);
	CHECK(!memcmp(&rs.stats, &m.st, sizeof(m.st)));
	CHECK_EQ(vcmp_reseq_deadline(&rs), m_deadline());
	/* No leak: every packet in is out, dropped or waiting. */
	CHECK_EQ(sim.inserted, sim.delivered + sim.dropped + sim.waiting);
	CHECK_EQ(rs.stats.in_order + rs.stats.late + rs.stats.released,
		 sim.delivered);
	CHECK_EQ(rs.stats.duplicates + rs.stats.stale, sim.dropped);
	/* Nothing waits longer than the hold time after a call. */
	for (i = 0; i < sim.nw && !sim.hold_cut && !unit_case_failed; i++)
		CHECK(rs.now_ns - sim.arrived[sim.wlist[i]] < rs.hold_ns);
}

static void sim_insert(u32 seq32, u64 now)
{
	enum vcmp_reseq_result got, want;
	int t;

	if (!sim.nfree)
		return;
	t = sim.free_tok[--sim.nfree];
	sim.state[t] = 1;
	sim.arrived[t] = now > rs.now_ns ? now : rs.now_ns;
	sim.inserted++;
	sim.waiting++;
	sim.wpos[t] = sim.nw;
	sim.wlist[sim.nw++] = t;
	if (!rs.started)
		sim.epoch_base = (1ULL << 40) + seq32;
	else
		sim.epoch_base += (u32)(rs.next - (u32)sim.epoch_base);
	sim.seq64[t] = sim.epoch_base + (s64)(s32)(seq32 - (u32)sim.epoch_base);
	want = m_insert(seq32, t, now);
	got = vcmp_reseq_insert(&rs, seq32, pkt(t), now, rec, NULL);
	CHECK_EQ(got, want);
	sim.hold_cut = false;
	sim.results[got]++;
	sim.was_late[t] = got == VCMP_RESEQ_LATE;
	if (got == VCMP_RESEQ_DUP || got == VCMP_RESEQ_STALE) {
		sim.state[t] = 3;
		sim.dropped++;
		sim_unwait(t);
	}
	sim_check_out();
}

static void sim_run(u32 nslots, unsigned long nops)
{
	static const u64 holds[] = { 0, 30, 80, 150, 300, 1000 };
	static const u64 delay[] = { 10, 60, 140 };
	u64 now = 1000, sent = 0xffffffffULL - 50000, none = 0;
	unsigned long i;
	int t, j;

	memset(&sim, 0, sizeof(sim));
	for (t = MAXTOK - 1; t >= 0; t--)
		sim.free_tok[sim.nfree++] = t;
	setup(nslots, 150);
	memset(&m, 0, sizeof(m));
	m.mask = nslots - 1;
	m.hold = 150;
	set_init(&m.delivered, 1024);
	nmout = 0;

	for (i = 0; i < nops && !unit_case_failed; i++) {
		u64 r = rnd_below(1000);

		now += rnd_below(12);
		if (r < 620) {
			/* Send: a link, sometimes two (duplication), loss. */
			int copies = rnd_below(5) == 0 ? 2 : 1;
			u64 l = rnd_below(3);

			for (j = 0; j < copies && sim.nfl < MAXFLIGHT; j++) {
				l = (l + j) % 3;
				if (rnd_below(50) == 0)
					continue;
				sim.fl[sim.nfl].seq = (u32)sent;
				sim.fl[sim.nfl].at = now + delay[l] +
						     rnd_below(40);
				sim.nfl++;
			}
			sent++;
		} else if (r < 660) {
			/* A stray old copy, anything up to 2 x history. */
			sim_insert((u32)(sent - rnd_below(2 * H)), now);
		} else if (r < 662) {
			/*
			 * The sender skips ahead, beyond the window. Not by
			 * 2^31 or more: that puts it behind, and every packet
			 * is stale until a reset.
			 */
			sent += rnd_below(1ULL << rnd_below(31));
		} else if (r < 667) {
			/*
			 * A packet near the window's end, or past it, from a
			 * sender that skipped ahead to it.
			 */
			u32 seq = rs.next + nslots - 2 + (u32)rnd_below(4);

			if ((s32)(seq - (u32)sent) >= 0)
				sent += (u32)(seq - (u32)sent) + 1;
			sim_insert(seq, now);
		} else if (r < 900) {
			u64 want, got;

			m.now = now > m.now ? now : m.now;
			m_expire();
			want = m_deadline();
			got = vcmp_reseq_poll(&rs, now, rec, NULL);
			CHECK_EQ(got, want);
			sim.hold_cut = false;
			sim_check_out();
		} else if (r < 903) {
			u64 h = holds[rnd_below(ARRAY_SIZE(holds))];

			vcmp_reseq_set_hold(&rs, h);
			sim.hold_cut |= h < m.hold;
			m.hold = h;
		} else if (r < 904) {
			vcmp_reseq_flush(&rs, rec, NULL);
			if (m.nq)
				m_advance(m.q[m.nq - 1].seq + 1, &none);
			sim_check_out();
		} else if (r == 904 && rnd_below(20) == 0) {
			/* A new SA: the sender starts anywhere. */
			vcmp_reseq_reset(&rs, rec, NULL);
			m_reset();
			sim_check_out();
			sim.have_last = false;
			sent = rnd() & 0xffffffff;
		} else if (r < 910) {
			now -= rnd_below(now > 20 ? 20 : now);	/* clock back */
		}
		/* Arrivals due by now, in order of arrival. */
		for (;;) {
			int first = -1;

			for (j = 0; j < sim.nfl; j++)
				if (sim.fl[j].at <= now &&
				    (first < 0 || sim.fl[j].at < sim.fl[first].at))
					first = j;
			if (first < 0)
				break;
			sim_insert(sim.fl[first].seq, sim.fl[first].at);
			sim.fl[first] = sim.fl[--sim.nfl];
		}
		sim_check_state();
		if (unit_case_failed)
			printf("# diverged at op %lu\n", i);
	}
	/* At the end, everything comes out. */
	vcmp_reseq_flush(&rs, rec, NULL);
	if (m.nq)
		m_advance(m.q[m.nq - 1].seq + 1, &none);
	sim_check_out();
	sim_check_state();
	CHECK_EQ(sim.waiting, 0);
	CHECK_EQ(sim.inserted, sim.delivered + sim.dropped);
	printf("# %u slots, %lu ops: %lu in, %lu in order, %lu queued,", nslots,
	       i, sim.inserted, sim.results[VCMP_RESEQ_IN_ORDER],
	       sim.results[VCMP_RESEQ_QUEUED]);
	printf(" %lu late, %lu dup, %lu stale, %lu overflow\n",
	       sim.results[VCMP_RESEQ_LATE], sim.results[VCMP_RESEQ_DUP],
	       sim.results[VCMP_RESEQ_STALE], sim.results[VCMP_RESEQ_OVERFLOW]);
	printf("# timeouts %llu, overflow skipped %llu, released %llu\n",
	       (unsigned long long)rs.stats.timeouts,
	       (unsigned long long)rs.stats.overflow_skipped,
	       (unsigned long long)rs.stats.released);
	for (j = 0; j <= VCMP_RESEQ_STALE; j++)
		CHECK(sim.results[j] > 0);
	free(m.delivered.v);
}

static void test_random_64(void)
{
	sim_run(64, 1000000);
}

static void test_random_1024(void)
{
	sim_run(1024, 300000);
}

static enum vcmp_reseq_result skp(u32 seq, u64 now)
{
	return vcmp_reseq_skip(&rs, seq, now, rec, NULL);
}

/* Numbers filled with nothing (FEC parity): never out, nobody waits. */
static void test_skip(void)
{
	setup(64, 100);
	CHECK_EQ(ins(10, 10, 0), VCMP_RESEQ_IN_ORDER);
	/* At the delivery point: moves it on. */
	CHECK_EQ(skp(11, 1), VCMP_RESEQ_IN_ORDER);
	EXPECT(10);
	CHECK_EQ(rs.next, 12);
	CHECK_EQ(rs.count, 0);
	/* Ahead: waits in its slot and frees its followers with the hole. */
	CHECK_EQ(ins(14, 14, 2), VCMP_RESEQ_QUEUED);
	CHECK_EQ(skp(13, 3), VCMP_RESEQ_QUEUED);
	CHECK_EQ(rs.count, 2);
	CHECK_EQ(rs.fillers, 1);
	CHECK_EQ(ins(12, 12, 4), VCMP_RESEQ_IN_ORDER);
	EXPECT(12, 14);
	CHECK_EQ(rs.count, 0);
	CHECK_EQ(rs.fillers, 0);
	CHECK_EQ(vcmp_reseq_deadline(&rs), U64_MAX);
	/* A filled number is taken: its packet later is a duplicate. */
	CHECK_EQ(ins(13, 13, 5), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(11, 11, 5), VCMP_RESEQ_DUP);
	CHECK_EQ(skp(13, 5), VCMP_RESEQ_DUP);
	/* A filler alone times out like a packet, giving up its hole. */
	CHECK_EQ(skp(17, 10), VCMP_RESEQ_QUEUED);
	CHECK_EQ(vcmp_reseq_deadline(&rs), 110);
	CHECK_EQ(vcmp_reseq_poll(&rs, 110, rec, NULL), U64_MAX);
	EXPECT_NONE();
	CHECK_EQ(rs.next, 18);
	CHECK_EQ(rs.stats.timeouts, 2);
	/* Behind the delivery point, never seen: remembered, not out. */
	CHECK_EQ(skp(16, 111), VCMP_RESEQ_LATE);
	CHECK_EQ(ins(16, 16, 112), VCMP_RESEQ_DUP);
	CHECK_EQ(ins(15, 15, 112), VCMP_RESEQ_LATE);
	EXPECT(15);
	/* Too far behind to tell. */
	CHECK_EQ(skp(18 - H - 1, 113), VCMP_RESEQ_STALE);
	/* Beyond the window: moves it like a packet. */
	CHECK_EQ(skp(18 + 64, 114), VCMP_RESEQ_OVERFLOW);
	CHECK_EQ(rs.stats.overflow_skipped, 1);
	CHECK_EQ(rs.next, 19);
	CHECK_EQ(rs.count, 1);
	vcmp_reseq_flush(&rs, rec, NULL);
	EXPECT_NONE();
	CHECK_EQ(rs.next, 18 + 65);
	CHECK_EQ(rs.count, 0);
	CHECK_EQ(rs.fillers, 0);
	CHECK_EQ(rs.stats.fills, 5);
	CHECK_EQ(rs.stats.fills_refused, 2);
	CHECK_EQ(rs.stats.queued, 1);
	CHECK_EQ(rs.stats.released, 1);
	/* The first number of all may be a filler. */
	setup(64, 100);
	CHECK_EQ(skp(7, 0), VCMP_RESEQ_IN_ORDER);
	CHECK_EQ(ins(8, 8, 1), VCMP_RESEQ_IN_ORDER);
	EXPECT(8);
	/* A FEC group: data 9 lost, 10-12 queued, parity 13; 9 rebuilt. */
	CHECK_EQ(ins(10, 10, 2), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(11, 11, 3), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(12, 12, 4), VCMP_RESEQ_QUEUED);
	CHECK_EQ(skp(13, 5), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(14, 14, 6), VCMP_RESEQ_QUEUED);
	CHECK_EQ(ins(9, 9, 7), VCMP_RESEQ_IN_ORDER);
	EXPECT(9, 10, 11, 12, 14);
	CHECK_EQ(rs.count, 0);
	CHECK_EQ(rs.stats.timeouts, 0);
	/* Reset forgets waiting fillers too. */
	CHECK_EQ(skp(17, 8), VCMP_RESEQ_QUEUED);
	vcmp_reseq_reset(&rs, rec, NULL);
	EXPECT_NONE();
	CHECK_EQ(rs.count, 0);
	CHECK_EQ(rs.fillers, 0);
}

static void test_random_small(void)
{
	sim_run(4, 200000);
}

int main(void)
{
	unit_plan(14);
	unit_run("init", test_init);
	unit_run("in_order_passthrough", test_in_order);
	unit_run("swap", test_swap);
	unit_run("hold_timeout_skips_gap", test_hold_timeout);
	unit_run("duplicates_before_and_after_delivery", test_duplicates);
	unit_run("late", test_late);
	unit_run("wraparound", test_wraparound);
	unit_run("window_overflow", test_overflow);
	unit_run("flush_and_reset", test_flush_reset);
	unit_run("duplication_mode_in_order", test_duplication_mode);
	unit_run("skip_fills_numbers_with_nothing", test_skip);
	unit_run("random_vs_model_64_slots_1M", test_random_64);
	unit_run("random_vs_model_1024_slots_300k", test_random_1024);
	unit_run("random_vs_model_4_slots_200k", test_random_small);
	return unit_exit();
}
