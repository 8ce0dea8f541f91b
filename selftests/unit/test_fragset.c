// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/fragset.c: the fragments of one inner packet
 * under reassembly. Hand-written cases (any order, duplicates, every kind
 * of overlap and gap, the last-fragment rules, malformed values, the
 * 65535-byte and 128-fragment limits), then random packets split at
 * random, delivered in random order with duplicates and corrupt fragments
 * mixed in, compared step by step with the reference model of
 * fragset_ref.h, and the invariants checked after every step.
 */
#include <stdlib.h>

#include "fragset_ref.h"
#include "unit.h"

#define MAXF	VCMP_FRAGSET_MAX
#define MAXLEN	VCMP_FRAGSET_MAX_LEN

static struct vcmp_fragset f;

static void check_invariants(void)
{
	const char *bad = fragset_invariant(&f);

	if (!bad)
		bad = fragset_has_agrees(&f);
	if (bad) {
		printf("# invariant: %s\n", bad);
		unit_case_failed = 1;
	}
}

/* Add a fragment; a rejection must leave the set as it was. */
static enum vcmp_fragset_result add(unsigned int index, unsigned int offset,
				    unsigned int len, bool more)
{
	struct vcmp_fragset before;
	enum vcmp_fragset_result res;

	memcpy(&before, &f, sizeof(f));
	res = vcmp_fragset_add(&f, index, offset, len, more);
	if (res == VCMP_FRAGSET_ADDED || res == VCMP_FRAGSET_COMPLETE) {
		CHECK(vcmp_fragset_has(&f, index));
		CHECK_EQ(f.count, before.count + 1);
		CHECK_EQ(f.off[index], offset);
		CHECK_EQ(f.len[index], len);
	} else {
		CHECK(!memcmp(&before, &f, sizeof(f)));
	}
	CHECK_EQ(!!f.total, res == VCMP_FRAGSET_COMPLETE ||
		 (res != VCMP_FRAGSET_ADDED && before.total));
	check_invariants();
	return res;
}

#define ADD(i, o, l, m, want)						\
	CHECK_EQ(add(i, o, l, m), VCMP_FRAGSET_##want)

static void reset(void)
{
	memset(&f, 0x5a, sizeof(f));
	vcmp_fragset_init(&f);
}

static void test_init(void)
{
	unsigned int i;

	reset();
	CHECK_EQ(f.count, 0);
	CHECK_EQ(f.last, 0);
	CHECK_EQ(f.total, 0);
	for (i = 0; i < MAXF + 10; i++)
		CHECK(!vcmp_fragset_has(&f, i));
	check_invariants();
}

static void test_in_order(void)
{
	reset();
	ADD(0, 0, 1000, true, ADDED);
	ADD(1, 1000, 1000, true, ADDED);
	CHECK_EQ(f.last, 0);
	ADD(2, 2000, 500, false, COMPLETE);
	CHECK_EQ(f.total, 2500);
	CHECK_EQ(f.count, 3);
	CHECK_EQ(f.last, 3);

	/* The smallest: two fragments of one byte. */
	reset();
	ADD(0, 0, 1, true, ADDED);
	ADD(1, 1, 1, false, COMPLETE);
	CHECK_EQ(f.total, 2);
}

static void test_reverse(void)
{
	reset();
	ADD(3, 3000, 17, false, ADDED);
	CHECK_EQ(f.last, 4);
	CHECK_EQ(f.total, 0);
	ADD(2, 2000, 1000, true, ADDED);
	ADD(1, 1000, 1000, true, ADDED);
	CHECK_EQ(f.total, 0);
	ADD(0, 0, 1000, true, COMPLETE);
	CHECK_EQ(f.total, 3017);
	CHECK_EQ(f.count, 4);

	/* Middle first, then outwards. */
	reset();
	ADD(2, 200, 100, true, ADDED);
	ADD(1, 100, 100, true, ADDED);
	ADD(3, 300, 100, true, ADDED);
	ADD(4, 400, 1, false, ADDED);
	ADD(0, 0, 100, true, COMPLETE);
	CHECK_EQ(f.total, 401);
}

static u64 rng_state = 0x6672616773657421ULL;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

struct frag {
	unsigned int index, off, len;
	bool more;
};

/* Split @total bytes into @n fragments of random sizes. */
static void split(struct frag *fr, unsigned int n, unsigned int total)
{
	unsigned int cut[MAXF + 1], i, j;

	/* n - 1 distinct cut points in (0, total), sorted. */
	cut[0] = 0;
	for (i = 1; i < n; i++) {
		unsigned int c;

		do {
			c = 1 + rnd_below(total - 1);
			for (j = 1; j < i && cut[j] != c; j++)
				;
		} while (j < i);
		for (j = i; j > 1 && cut[j - 1] > c; j--)
			cut[j] = cut[j - 1];
		cut[j] = c;
	}
	cut[n] = total;
	for (i = 0; i < n; i++) {
		fr[i].index = i;
		fr[i].off = cut[i];
		fr[i].len = cut[i + 1] - cut[i];
		fr[i].more = i + 1 < n;
	}
}

static void shuffle(unsigned int *order, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		unsigned int j = rnd_below(i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

static void test_random_order(void)
{
	struct frag fr[MAXF];
	unsigned int order[MAXF], trial, i;

	for (trial = 0; trial < 2000 && !unit_case_failed; trial++) {
		unsigned int total, n;

		total = 2 + rnd_below(trial % 2 ? 3000 : MAXLEN - 1);
		n = 2 + rnd_below((total < MAXF ? total : MAXF) - 1);

		split(fr, n, total);
		shuffle(order, n);
		reset();
		for (i = 0; i < n; i++) {
			const struct frag *g = &fr[order[i]];

			CHECK_EQ(add(g->index, g->off, g->len, g->more),
				 i + 1 < n ? VCMP_FRAGSET_ADDED :
				 VCMP_FRAGSET_COMPLETE);
		}
		CHECK_EQ(f.total, total);
		CHECK_EQ(f.count, n);
		CHECK_EQ(f.last, n);
	}
}

static void test_duplicates(void)
{
	reset();
	ADD(1, 100, 100, true, ADDED);
	ADD(1, 100, 100, true, DUP);
	/* Same index, anything else different: a conflict. */
	ADD(1, 100, 99, true, OVERLAP);
	ADD(1, 100, 101, true, OVERLAP);
	ADD(1, 101, 99, true, OVERLAP);
	ADD(1, 99, 100, true, OVERLAP);
	ADD(1, 100, 100, false, OVERLAP);
	ADD(0, 0, 100, true, ADDED);
	ADD(0, 0, 100, true, DUP);
	ADD(0, 0, 50, true, OVERLAP);
	/* The last fragment, again. */
	ADD(3, 300, 7, false, ADDED);
	ADD(3, 300, 7, false, DUP);
	ADD(3, 300, 7, true, OVERLAP);
	ADD(3, 300, 8, false, OVERLAP);
	ADD(2, 200, 100, true, COMPLETE);
	CHECK_EQ(f.total, 307);
	/*
	 * After completion, an identical copy is still a duplicate: the
	 * header's "a fragment with an index already received (a
	 * duplicate if identical, an overlap if not)".
	 */
	ADD(0, 0, 100, true, DUP);
	ADD(2, 200, 100, true, DUP);
	ADD(3, 300, 7, false, DUP);
	ADD(2, 200, 101, true, OVERLAP);
	ADD(4, 307, 10, true, OVERLAP);
	ADD(4, 307, 10, false, OVERLAP);
	CHECK_EQ(f.total, 307);
}

static void test_overlaps_gaps(void)
{
	/* Adjacent neighbours: touching exactly, from either side. */
	reset();
	ADD(2, 200, 100, true, ADDED);
	ADD(1, 100, 101, true, OVERLAP);	/* into the next one */
	ADD(1, 100, 99, true, OVERLAP);		/* gap before the next */
	ADD(1, 150, 100, true, OVERLAP);	/* straddling its start */
	ADD(1, 250, 10, true, OVERLAP);		/* inside it */
	ADD(1, 300, 10, true, OVERLAP);		/* after it */
	ADD(3, 299, 100, true, OVERLAP);	/* into the previous one */
	ADD(3, 301, 100, true, OVERLAP);	/* gap after the previous */
	ADD(3, 150, 400, true, OVERLAP);	/* covering it */
	ADD(3, 100, 50, true, OVERLAP);		/* before it */
	ADD(1, 100, 100, true, ADDED);
	ADD(3, 300, 100, true, ADDED);
	ADD(0, 0, 101, true, OVERLAP);
	ADD(0, 0, 99, true, OVERLAP);
	ADD(0, 0, 100, true, ADDED);
	check_invariants();

	/* Farther neighbours: strictly before / after, in index order. */
	reset();
	ADD(10, 1000, 100, true, ADDED);
	ADD(8, 1200, 100, true, OVERLAP);	/* lower index, above it */
	ADD(8, 1050, 10, true, OVERLAP);	/* inside it */
	ADD(8, 950, 100, true, OVERLAP);	/* overlapping its start */
	ADD(8, 900, 100, true, OVERLAP);	/* touching: no room for 9 */
	ADD(12, 1050, 100, true, OVERLAP);	/* higher index, inside */
	ADD(12, 500, 100, true, OVERLAP);	/* higher index, below it */
	ADD(12, 1100, 100, true, OVERLAP);	/* touching: no room for 11 */
	ADD(12, 1099, 100, true, OVERLAP);	/* overlapping its end */
	ADD(8, 900, 99, true, ADDED);		/* one byte left for 9 */
	ADD(12, 1101, 100, true, ADDED);	/* one byte left for 11 */
	ADD(9, 999, 2, true, OVERLAP);
	ADD(9, 998, 2, true, OVERLAP);
	ADD(9, 999, 1, true, ADDED);
	ADD(11, 1100, 1, true, ADDED);
	/* Not adjacent to any: only the order is known. */
	ADD(5, 500, 10, true, ADDED);
	ADD(6, 510, 400, true, OVERLAP);	/* into 8 */
	ADD(7, 899, 1, true, ADDED);
	ADD(6, 510, 389, true, ADDED);
	ADD(13, 1201, 1, false, ADDED);
	CHECK_EQ(f.last, 14);
	CHECK_EQ(f.count, 9);
	CHECK_EQ(f.total, 0);
	check_invariants();
}

/*
 * A fragment two or more indexes away must leave at least one byte per
 * missing index; a set that could never complete is refused at once.
 */
static void test_no_room_between(void)
{
	reset();
	ADD(0, 0, 10, true, ADDED);
	ADD(3, 11, 10, false, OVERLAP);	/* 1 byte for fragments 1 and 2 */
	ADD(3, 12, 10, false, ADDED);	/* 2 bytes: just enough */
	ADD(1, 10, 2, true, OVERLAP);	/* would leave nothing for 2 */
	ADD(2, 10, 1, true, OVERLAP);	/* would leave nothing for 1 */
	ADD(1, 10, 1, true, ADDED);
	ADD(2, 11, 1, true, COMPLETE);
	CHECK_EQ(f.total, 22);
	check_invariants();
}

static void test_last_rules(void)
{
	reset();
	ADD(3, 300, 50, false, ADDED);
	CHECK_EQ(f.last, 4);
	/* A second last fragment, above or below. */
	ADD(5, 500, 50, false, OVERLAP);
	ADD(2, 200, 100, false, OVERLAP);
	ADD(1, 100, 100, false, OVERLAP);
	/* Past the last. */
	ADD(4, 350, 50, true, OVERLAP);
	ADD(5, 500, 50, true, OVERLAP);
	ADD(127, 6000, 50, true, OVERLAP);
	ADD(2, 200, 100, true, ADDED);
	ADD(1, 100, 100, true, ADDED);
	ADD(0, 0, 100, true, COMPLETE);
	CHECK_EQ(f.total, 350);

	/* A last fragment below a received index. */
	reset();
	ADD(5, 500, 100, true, ADDED);
	ADD(3, 300, 100, false, OVERLAP);
	ADD(4, 400, 100, false, OVERLAP);
	ADD(6, 600, 1, false, ADDED);
	CHECK_EQ(f.last, 7);
	ADD(7, 601, 1, false, OVERLAP);
	ADD(7, 601, 1, true, OVERLAP);

	/* The last can be the first to arrive, far away. */
	reset();
	ADD(MAXF - 1, 60000, 5, false, ADDED);
	CHECK_EQ(f.last, MAXF);
	ADD(MAXF - 1, 60000, 5, false, DUP);
	ADD(MAXF - 2, 59000, 1000, true, ADDED);
	ADD(MAXF - 3, 59000, 1, true, OVERLAP);
	CHECK_EQ(f.count, 2);
}

static void test_bad(void)
{
	reset();
	ADD(1, 100, 100, true, ADDED);
	/* Index 0 and offset 0 go together. */
	ADD(0, 1, 99, true, BAD);
	ADD(0, 100, 1, true, BAD);
	ADD(2, 0, 100, true, BAD);
	ADD(2, 0, 100, false, BAD);
	/* A single fragment 0 without "more" is not a fragment. */
	ADD(0, 0, 100, false, BAD);
	ADD(0, 0, 1, false, BAD);
	/* Empty. */
	ADD(2, 200, 0, true, BAD);
	ADD(0, 0, 0, true, BAD);
	/* Index out of range. */
	ADD(MAXF, 200, 1, true, BAD);
	ADD(MAXF, 200, 1, false, BAD);
	ADD(255, 200, 1, true, BAD);
	ADD(~0U, 200, 1, true, BAD);
	/* Beyond the largest packet, also where offset + len wraps. */
	ADD(2, MAXLEN, 1, true, BAD);
	ADD(2, MAXLEN + 1, 1, true, BAD);
	ADD(2, ~0U, 1, true, BAD);
	ADD(2, ~0U, ~0U, true, BAD);
	ADD(2, 200, MAXLEN, true, BAD);
	ADD(2, 200, ~0U, true, BAD);
	ADD(2, 200, ~0U - 199, true, BAD);	/* end wraps to 0 */
	ADD(2, 200, ~0U - 198, true, BAD);	/* end wraps to 1 */
	ADD(2, 200, ~0U - 99, true, BAD);	/* end wraps to 100 */
	ADD(0, 0, ~0U, true, BAD);
	ADD(0, 0, MAXLEN + 1, true, BAD);
	ADD(0, 0, 1U << 16, true, BAD);
	/* BAD before DUP: malformed copies of a received fragment. */
	ADD(1, 100, 100 + (1U << 16), true, BAD);
	CHECK_EQ(f.count, 1);
	ADD(2, 200, 1, false, ADDED);
	ADD(0, 0, 100, true, COMPLETE);
	CHECK_EQ(f.total, 201);
}

static void test_limits(void)
{
	/* The largest packet, 65535 bytes. */
	reset();
	ADD(1, MAXLEN - 1, 1, false, ADDED);
	ADD(0, 0, MAXLEN - 1, true, COMPLETE);
	CHECK_EQ(f.total, MAXLEN);

	reset();
	ADD(0, 0, MAXLEN, true, ADDED);		/* nothing can follow */
	ADD(1, MAXLEN, 1, false, BAD);
	ADD(1, MAXLEN - 1, 1, false, OVERLAP);

	reset();
	ADD(0, 0, 30000, true, ADDED);
	ADD(1, 30000, 35535, false, COMPLETE);
	CHECK_EQ(f.total, MAXLEN);
	reset();
	ADD(0, 0, 30000, true, ADDED);
	ADD(1, 30000, 35536, false, BAD);
	ADD(1, 30000, 35535, true, ADDED);
	ADD(2, MAXLEN, 1, false, BAD);
	CHECK_EQ(f.total, 0);
}

static void test_max_fragments(void)
{
	unsigned int order[MAXF], i, size;

	/* 128 fragments: 127 of 512 bytes and 511, exactly 65535. */
	for (size = 1; size <= 512; size *= 2) {
		unsigned int total = (MAXF - 1) * size +
				     (size > 1 ? size - 1 : 1);

		shuffle(order, MAXF);
		reset();
		for (i = 0; i < MAXF; i++) {
			unsigned int k = order[i];
			unsigned int len = k + 1 < MAXF ? size :
					   total - k * size;

			CHECK_EQ(add(k, k * size, len, k + 1 < MAXF),
				 i + 1 < MAXF ? VCMP_FRAGSET_ADDED :
				 VCMP_FRAGSET_COMPLETE);
		}
		CHECK_EQ(f.count, MAXF);
		CHECK_EQ(f.last, MAXF);
		CHECK_EQ(f.total, total);
		CHECK(total <= MAXLEN);
		ADD(MAXF, total, 1, false, BAD);
	}
	CHECK_EQ(f.total, MAXLEN);
	/* A 129th fragment does not exist. */
	reset();
	ADD(0, 0, 100, true, ADDED);
	ADD(MAXF, 100, 1, false, BAD);
	/* Indexes 1 to 126 need a byte each in between. */
	ADD(MAXF - 1, 100 + MAXF - 3, 1, false, OVERLAP);
	ADD(MAXF - 1, 100 + MAXF - 2, 1, false, ADDED);
}

static void test_has(void)
{
	reset();
	ADD(63, 6300, 100, true, ADDED);
	ADD(64, 6400, 100, true, ADDED);
	ADD(127, 12700, 1, false, ADDED);
	CHECK(vcmp_fragset_has(&f, 63));
	CHECK(vcmp_fragset_has(&f, 64));
	CHECK(vcmp_fragset_has(&f, 127));
	CHECK(!vcmp_fragset_has(&f, 0));
	CHECK(!vcmp_fragset_has(&f, 62));
	CHECK(!vcmp_fragset_has(&f, 65));
	CHECK(!vcmp_fragset_has(&f, 126));
	CHECK(!vcmp_fragset_has(&f, 128));
	CHECK(!vcmp_fragset_has(&f, 191));	/* would alias 63 */
	CHECK(!vcmp_fragset_has(&f, ~0U));
}

/* A fragment that is wrong in a random way, near a genuine one. */
static void corrupt(struct frag *g, const struct frag *fr, unsigned int n,
		    unsigned int total)
{
	*g = fr[rnd_below(n)];
	switch (rnd_below(8)) {
	case 0:
		g->off += 1 + rnd_below(8);
		break;
	case 1:
		g->off -= g->off ? 1 + rnd_below(g->off < 8 ? g->off : 8) : 0;
		break;
	case 2:
		g->len += 1 + rnd_below(8);
		break;
	case 3:
		g->len -= g->len > 1 ? 1 + rnd_below(g->len - 1) : 0;
		break;
	case 4:
		g->more = !g->more;
		break;
	case 5:
		g->index = rnd_below(MAXF + 2);
		break;
	case 6:
		g->index = rnd_below(MAXF);
		g->off = rnd_below(total + 10);
		g->len = rnd_below(total + 10);
		g->more = rnd_below(2);
		break;
	default:
		g->len = (unsigned int)rnd();
		break;
	}
}

static void test_random_vs_model(void)
{
	unsigned long results[VCMP_FRAGSET_BAD + 1] = { 0 };
	unsigned long packets = 0, whole = 0, poisoned = 0, adds = 0;
	struct frag fr[MAXF];
	unsigned int order[MAXF];
	struct fref ref;

	for (packets = 0; packets < 20000 && !unit_case_failed; packets++) {
		unsigned int total = 2 + rnd_below(packets % 3 ? 4000 :
						   MAXLEN - 1);
		unsigned int max_n = total < MAXF ? total : MAXF;
		unsigned int n = 2 + rnd_below(packets % 2 ? 15 : max_n - 1);
		unsigned int next = 0, dup_rate = rnd_below(30);
		unsigned int bad_rate = packets % 4 ? 0 : rnd_below(20);
		bool all_genuine = true, completed = false;

		if (n > max_n)
			n = max_n;
		split(fr, n, total);
		shuffle(order, n);
		reset();
		fref_init(&ref);
		while (next < n) {
			enum vcmp_fragset_result got, want;
			struct frag g;
			bool genuine = true;
			const char *diff;

			if (rnd_below(100) < bad_rate) {
				corrupt(&g, fr, n, total);
				genuine = g.index < n &&
					  !memcmp(&g, &fr[g.index], sizeof(g));
			} else if (next && rnd_below(100) < dup_rate) {
				g = fr[order[rnd_below(next)]];
			} else {
				g = fr[order[next++]];
			}
			want = fref_add(&ref, g.index, g.off, g.len, g.more);
			got = add(g.index, g.off, g.len, g.more);
			adds++;
			results[got]++;
			CHECK_EQ(got, want);
			diff = fref_compare(&f, &ref);
			if (diff || got != want) {
				printf("# packet %lu (%u bytes, %u fragments): fragment %u [%u, +%u) more %d: got %d want %d, %s differs\n",
				       packets, total, n, g.index, g.off,
				       g.len, g.more, got, want,
				       diff ? diff : "nothing");
				unit_case_failed = 1;
				break;
			}
			if (!genuine && (got == VCMP_FRAGSET_ADDED ||
					 got == VCMP_FRAGSET_COMPLETE))
				all_genuine = false;
			if (got == VCMP_FRAGSET_COMPLETE) {
				CHECK(!completed);
				completed = true;
			}
		}
		/* Every genuine fragment was offered at least once. */
		if (all_genuine) {
			CHECK(completed);
			CHECK_EQ(f.total, total);
			whole++;
		} else {
			poisoned++;
			/* Complete only if the intruder happened to fit. */
			if (completed)
				CHECK_EQ(f.total, ref.total);
		}
	}
	printf("# %lu packets (%lu whole, %lu with a corrupt fragment kept), %lu fragments: %lu added, %lu complete, %lu dup, %lu overlap, %lu bad\n",
	       packets, whole, poisoned, adds, results[VCMP_FRAGSET_ADDED],
	       results[VCMP_FRAGSET_COMPLETE], results[VCMP_FRAGSET_DUP],
	       results[VCMP_FRAGSET_OVERLAP], results[VCMP_FRAGSET_BAD]);
	CHECK(results[VCMP_FRAGSET_DUP] > 1000);
	CHECK(results[VCMP_FRAGSET_OVERLAP] > 1000);
	CHECK(results[VCMP_FRAGSET_BAD] > 1000);
	CHECK(poisoned > 10);
}

int main(void)
{
	unit_plan(13);
	unit_run("init", test_init);
	unit_run("in_order", test_in_order);
	unit_run("reverse", test_reverse);
	unit_run("random_order", test_random_order);
	unit_run("duplicates", test_duplicates);
	unit_run("overlaps_and_gaps", test_overlaps_gaps);
	unit_run("no_room_between", test_no_room_between);
	unit_run("last_rules", test_last_rules);
	unit_run("bad", test_bad);
	unit_run("limits", test_limits);
	unit_run("max_fragments", test_max_fragments);
	unit_run("has", test_has);
	unit_run("random_vs_model", test_random_vs_model);
	return unit_exit();
}
