// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/reseq.c: the first bytes choose the window
 * and the hold time, the rest is a stream of operations on one buffer
 * (inserts near, at, behind and beyond the delivery point, copies of
 * earlier packets, numbers filled with nothing (vcmp_reseq_skip), time
 * passing, polls, hold changes, flush, reset).
 * After each one the invariants are checked, and the program aborts on a
 * violation:
 *
 *	- a packet comes out at most once, and only a packet taken in;
 *	- apart from late ones, packets come out in increasing order;
 *	- the result agrees with where the number lies, and a duplicate is
 *	  reported exactly for a number taken before and still remembered;
 *	- a filled number is never delivered, waits like a packet while it
 *	  is ahead of the delivery point, and makes a packet with its
 *	  number later a duplicate;
 *	- after an insert or a poll, no packet has waited the hold time;
 *	- the counters add up: everything in is out, dropped or waiting;
 *	- at the end a flush empties the buffer.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "reseq.h"

#define H VCMP_RESEQ_HISTORY
#define MAXTOK 1024
#define SETSZ 16384	/* > 2 x the inserts of the longest input */

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static struct vcmp_reseq rs;
static struct vcmp_reseq_slot slots[VCMP_RESEQ_MAX_SLOTS];

static struct {
	u8 state;	/* 0 free, 1 waiting, 2 delivered */
	bool late;
	u64 seq;	/* unwrapped */
	u64 arrived;
} tok[MAXTOK];
static int free_tok[MAXTOK], nfree;
static int wlist[MAXTOK], wpos[MAXTOK], nw;	/* the waiting tokens */
static u64 inserted, delivered, dropped, waiting;

/* Numbers filled with nothing that wait ahead of the delivery point. */
static struct {
	u64 seq;	/* unwrapped */
	u64 arrived;
} fill[MAXTOK];
static int nfill;
static u64 fills, fills_refused;

static u64 base;	/* rs.next unwrapped; 0 before the first packet */
static bool have_last;
static u64 last_out;	/* last packet out in order, unwrapped */
static bool hold_cut;

/* Every number taken since the last reset, unwrapped; generation-tagged. */
static struct {
	u64 key;
	u32 gen;
} taken[SETSZ];
static u32 gen;
static u32 ntaken;
static u64 recent[16];
static u32 nrecent;

static size_t hash(u64 v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v & (SETSZ - 1);
}

static bool was_taken(u64 v)
{
	size_t i;

	for (i = hash(v); taken[i].gen == gen; i = (i + 1) & (SETSZ - 1))
		if (taken[i].key == v)
			return true;
	return false;
}

static void take(u64 v)
{
	size_t i;

	for (i = hash(v); taken[i].gen == gen; i = (i + 1) & (SETSZ - 1))
		ASSERT(taken[i].key != v);
	ASSERT(++ntaken < SETSZ / 2);
	taken[i].key = v;
	taken[i].gen = gen;
	recent[nrecent++ % ARRAY_SIZE(recent)] = v;
}

static void unwait(int t)
{
	int last = wlist[--nw];

	wlist[wpos[t]] = last;
	wpos[last] = wpos[t];
	waiting--;
	free_tok[nfree++] = t;
}

static void out(void *ctx, void *pkt)
{
	int t = (int)((char *)pkt - (char *)tok) / (int)sizeof(tok[0]);

	(void)ctx;
	ASSERT(t >= 0 && t < MAXTOK && pkt == (void *)&tok[t]);
	ASSERT(tok[t].state == 1);
	tok[t].state = 2;
	if (!tok[t].late) {
		ASSERT(!have_last || tok[t].seq > last_out);
		have_last = true;
		last_out = tok[t].seq;
	}
	delivered++;
	unwait(t);
}

/* Keep base the unwrapped rs.next: it only moves up, by at most 2^31. */
static void rebase(void)
{
	if (rs.started)
		base += (u32)(rs.next - (u32)base);
}

static void check(void)
{
	const struct vcmp_reseq_stats *st = &rs.stats;
	u64 deadline = vcmp_reseq_deadline(&rs), first = U64_MAX;
	int i;

	rebase();
	/* A filler leaves when the delivery point passes it. */
	for (i = 0; i < nfill; i++)
		if (!rs.started || fill[i].seq < base)
			fill[i--] = fill[--nfill];
	ASSERT(rs.count == waiting + (u64)nfill);
	ASSERT(rs.fillers == (u32)nfill);
	ASSERT(st->fills == fills && st->fills_refused == fills_refused);
	ASSERT(inserted == delivered + dropped + waiting);
	ASSERT(st->in_order + st->late + st->released == delivered);
	ASSERT(st->duplicates + st->stale == dropped);
	ASSERT(st->queued - st->released == waiting);
	ASSERT((deadline == U64_MAX) == !rs.count);
	if (hold_cut)
		return;
	ASSERT(nw == (int)waiting);
	for (i = 0; i < nw; i++) {
		int t = wlist[i];

		ASSERT(tok[t].state == 1);
		ASSERT(rs.now_ns - tok[t].arrived < rs.hold_ns);
		ASSERT(tok[t].seq > base && tok[t].seq <= base + rs.mask);
		if (tok[t].arrived < first)
			first = tok[t].arrived;
	}
	for (i = 0; i < nfill; i++) {
		ASSERT(rs.now_ns - fill[i].arrived < rs.hold_ns);
		ASSERT(fill[i].seq > base && fill[i].seq <= base + rs.mask);
		if (fill[i].arrived < first)
			first = fill[i].arrived;
	}
	/* The deadline is when the first packet in times out. */
	ASSERT(deadline == (rs.count ? first + rs.hold_ns : U64_MAX));
	ASSERT(deadline > rs.now_ns);
}

/*
 * What insert or skip returned for @seq (@seq64 on the model's line) is
 * what the model expects, given whether the buffer had @started and the
 * number it delivered @next before the call.
 */
static void check_result(enum vcmp_reseq_result res, bool started, u32 seq,
			 u32 next, u64 seq64)
{
	switch (res) {
	case VCMP_RESEQ_IN_ORDER:
		ASSERT(!started || seq == next);
		break;
	case VCMP_RESEQ_QUEUED:
		ASSERT(started && seq64 > base && seq64 - base <= rs.mask);
		break;
	case VCMP_RESEQ_OVERFLOW:
		ASSERT(started && seq64 > base + rs.mask);
		break;
	case VCMP_RESEQ_LATE:
		ASSERT(started && seq64 < base && base - seq64 <= H);
		break;
	case VCMP_RESEQ_DUP:
		ASSERT(started && was_taken(seq64));
		break;
	case VCMP_RESEQ_STALE:
		ASSERT(started && seq64 < base && base - seq64 > H);
		break;
	default:
		ASSERT(0);
	}
}

static void insert(u32 seq, u64 now)
{
	enum vcmp_reseq_result res;
	bool started = rs.started;
	u64 seq64;
	u32 next = rs.next;
	int t;

	if (!nfree)
		return;
	t = free_tok[--nfree];
	if (!started)
		base = (1ULL << 40) + seq;
	seq64 = base + (s64)(s32)(seq - (u32)base);
	tok[t].state = 1;
	tok[t].seq = seq64;
	tok[t].late = false;
	tok[t].arrived = now > rs.now_ns ? now : rs.now_ns;
	inserted++;
	waiting++;
	wpos[t] = nw;
	wlist[nw++] = t;
	/* Whether it comes out now is only known after: guess late. */
	tok[t].late = seq64 < base;
	res = vcmp_reseq_insert(&rs, seq, &tok[t], now, out, NULL);
	hold_cut = false;

	check_result(res, started, seq, next, seq64);
	/* Taken before and still remembered: must be a duplicate. */
	if (started && seq64 + H >= base && was_taken(seq64))
		ASSERT(res == VCMP_RESEQ_DUP);
	/* Behind the delivery point: late, or not delivered at all. */
	if (tok[t].late)
		ASSERT(res == VCMP_RESEQ_LATE || res == VCMP_RESEQ_DUP ||
		       res == VCMP_RESEQ_STALE);
	else
		ASSERT(res != VCMP_RESEQ_LATE);
	if (res == VCMP_RESEQ_DUP || res == VCMP_RESEQ_STALE) {
		ASSERT(tok[t].state == 1);
		tok[t].state = 0;
		dropped++;
		unwait(t);
	} else {
		take(seq64);
	}
	check();
}

/* Fill @seq with nothing: a parity packet's number. */
static void skip(u32 seq, u64 now)
{
	enum vcmp_reseq_result res;
	bool started = rs.started;
	u64 seq64, arrived = now > rs.now_ns ? now : rs.now_ns;
	u32 next = rs.next;

	if (nfill == MAXTOK)
		return;
	if (!started)
		base = (1ULL << 40) + seq;
	seq64 = base + (s64)(s32)(seq - (u32)base);
	res = vcmp_reseq_skip(&rs, seq, now, out, NULL);
	hold_cut = false;
	check_result(res, started, seq, next, seq64);
	if (started && seq64 + H >= base && was_taken(seq64))
		ASSERT(res == VCMP_RESEQ_DUP);
	if (res == VCMP_RESEQ_DUP || res == VCMP_RESEQ_STALE) {
		fills_refused++;
	} else {
		fills++;
		take(seq64);
		if (res == VCMP_RESEQ_QUEUED || res == VCMP_RESEQ_OVERFLOW) {
			fill[nfill].seq = seq64;
			fill[nfill].arrived = arrived;
			nfill++;
		}
	}
	check();
}

static u64 get(const u8 **p, const u8 *end, unsigned int n)
{
	u64 v = 0;

	while (n-- && *p < end)
		v = v << 8 | *(*p)++;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data, *end = data + size;
	u32 nslots = 1U << (get(&p, end, 1) % 12);
	u64 now = 1000, hold = get(&p, end, 1) * 8;
	int t;

	if (size > 4096)
		return 0;
	ASSERT(!vcmp_reseq_init(&rs, slots, nslots, hold));
	memset(tok, 0, sizeof(tok));
	for (nfree = 0; nfree < MAXTOK; nfree++)
		free_tok[nfree] = MAXTOK - 1 - nfree;
	inserted = 0;
	delivered = 0;
	dropped = 0;
	waiting = 0;
	nw = 0;
	nfill = 0;
	fills = 0;
	fills_refused = 0;
	base = 0;
	have_last = false;
	hold_cut = false;
	gen++;
	ntaken = 0;
	nrecent = 0;

	while (p < end) {
		u8 op = *p++;
		u64 arg;

		now += op >> 6;
		switch (op & 7) {
		case 0:
		case 1:
		case 2:	/* near the delivery point: reordering */
			arg = get(&p, end, 1);
			insert(rs.next + (s8)arg, now);
			break;
		case 3:	/* within two windows: overflow */
			arg = get(&p, end, 2);
			insert(rs.next + (u32)(arg % (2 * nslots + 2)), now);
			break;
		case 4:	/* anywhere */
			insert((u32)get(&p, end, 4), now);
			break;
		case 5:	/* time passes */
			now += get(&p, end, 1) << ((op >> 3) & 7);
			break;
		case 6:	/* the timer */
			arg = vcmp_reseq_poll(&rs, now, out, NULL);
			hold_cut = false;
			ASSERT(arg == vcmp_reseq_deadline(&rs));
			check();
			break;
		default:
			switch ((op >> 3) & 7) {
			case 0:	/* a copy of a recent packet */
				if (nrecent)
					insert((u32)recent[get(&p, end, 1) %
						ARRAY_SIZE(recent) % nrecent], now);
				break;
			case 1:	/* around the end of the history */
				insert(rs.next - H - 2 + (op >> 6), now);
				break;
			case 2:
				hold = get(&p, end, 1) * 8;
				hold_cut |= hold < rs.hold_ns;
				vcmp_reseq_set_hold(&rs, hold);
				break;
			case 3:
				vcmp_reseq_flush(&rs, out, NULL);
				ASSERT(!rs.count);
				check();
				break;
			case 4:
				if ((op >> 6) == 3) {
					vcmp_reseq_reset(&rs, out, NULL);
					ASSERT(!rs.count && !rs.started);
					nfill = 0;
					check();
					have_last = false;
					gen++;
					ntaken = 0;
					nrecent = 0;
					break;
				}
				fallthrough;
			case 5:	/* a parity packet's number */
			case 6:
				if (((op >> 3) & 7) != 4) {
					arg = get(&p, end, 1);
					skip(rs.next + (s8)arg, now);
					break;
				}
				fallthrough;
			default:	/* clock back: must be ignored */
				now -= now > 100 ? (op >> 6) * 30 : 0;
				insert(rs.next + 1, now);
			}
		}
	}
	vcmp_reseq_flush(&rs, out, NULL);
	check();
	ASSERT(!waiting && inserted == delivered + dropped);
	for (t = 0; t < MAXTOK; t++)
		ASSERT(tok[t].state != 1);
	return 0;
}
