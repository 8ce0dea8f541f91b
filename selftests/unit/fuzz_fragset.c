// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/fragset.c: the first bytes choose a packet
 * length and how many fragments it is split into (the cut points come
 * from a generator seeded by the input), the rest is a stream of
 * operations on one fragment set: genuine fragments, copies, fragments
 * with an offset, length, index or "more" bit knocked off, arbitrary
 * fragments (32-bit offsets and lengths included), a fresh set. After
 * each one:
 *
 *	- the result and the state agree with the model of fragset_ref.h;
 *	- a rejection leaves the set exactly as it was;
 *	- the invariants hold: count is the popcount of the bitmap, offsets
 *	  grow with the index, adjacent fragments touch, nothing lies past
 *	  the last one, total is set exactly when the set is complete and
 *	  is then the sum of the lengths;
 *	- a complete set stays complete, and COMPLETE is reported once;
 *	- with only fragments of the plan kept, offering all of them
 *	  completes the packet with its length.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "fragset_ref.h"

#define MAXF	VCMP_FRAGSET_MAX

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

struct frag {
	u32 index, off, len;
	bool more;
};

static struct vcmp_fragset f;
static struct fref ref;
static struct frag fr[MAXF];
static unsigned int nfr;
static bool completed;
static bool poisoned;	/* a fragment not of the plan was kept */

static u64 get(const u8 **p, const u8 *end, unsigned int n)
{
	u64 v = 0;

	while (n-- && *p < end)
		v = v << 8 | *(*p)++;
	return v;
}

static u32 xorshift(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Split @total bytes into @n fragments at cut points drawn from @seed. */
static void plan(u32 total, unsigned int n, u32 seed)
{
	u32 cut[MAXF + 1], x = seed | 1;
	unsigned int i, j;

	cut[0] = 0;
	for (i = 1; i < n; i++) {
		u32 c;

		do {
			c = 1 + xorshift(&x) % (total - 1);
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
	nfr = n;
}

static void reset(void)
{
	vcmp_fragset_init(&f);
	fref_init(&ref);
	completed = false;
	poisoned = false;
}

static void add(u32 index, u32 offset, u32 len, bool more)
{
	struct vcmp_fragset before;
	enum vcmp_fragset_result got, want;
	const char *why;

	memcpy(&before, &f, sizeof(f));
	want = fref_add(&ref, index, offset, len, more);
	got = vcmp_fragset_add(&f, index, offset, len, more);
	if (got != want)
		fprintf(stderr, "fragment %u [%u, +%u) more %d: %d, want %d\n",
			index, offset, len, more, got, want);
	ASSERT(got == want);
	if (got != VCMP_FRAGSET_ADDED && got != VCMP_FRAGSET_COMPLETE)
		ASSERT(!memcmp(&before, &f, sizeof(f)));
	else
		ASSERT(vcmp_fragset_has(&f, index));
	if ((got == VCMP_FRAGSET_ADDED || got == VCMP_FRAGSET_COMPLETE) &&
	    (index >= nfr || fr[index].off != offset ||
	     fr[index].len != len || fr[index].more != more))
		poisoned = true;
	why = fref_compare(&f, &ref);
	if (why)
		fprintf(stderr, "differs from the model: %s\n", why);
	ASSERT(!why);
	why = fragset_invariant(&f);
	if (why)
		fprintf(stderr, "invariant: %s\n", why);
	ASSERT(!why);
	if (got == VCMP_FRAGSET_COMPLETE) {
		ASSERT(!completed);
		completed = true;
	}
	ASSERT(!!f.total == completed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data, *end = data + size;
	u32 total = 2 + (u32)get(&p, end, 2) % (VCMP_FRAGSET_MAX_LEN - 1);
	unsigned int max_n = total < MAXF ? total : MAXF;
	unsigned int n = 2 + (unsigned int)get(&p, end, 1) % (max_n - 1);
	u32 seed = (u32)get(&p, end, 4);
	unsigned int i, next = 0;

	if (size > 1024)
		return 0;
	plan(total, n, seed);
	reset();
	while (p < end) {
		u8 op = *p++;
		struct frag g;
		u64 arg;

		switch (op & 7) {
		case 0:		/* the next genuine one, cyclically */
			g = fr[next++ % nfr];
			add(g.index, g.off, g.len, g.more);
			break;
		case 1:		/* a genuine fragment, any */
			g = fr[get(&p, end, 1) % nfr];
			add(g.index, g.off, g.len, g.more);
			break;
		case 2:		/* a genuine one knocked off a little */
			g = fr[get(&p, end, 1) % nfr];
			arg = get(&p, end, 1);
			switch (op >> 3 & 3) {
			case 0:
				g.off += (s8)arg;
				break;
			case 1:
				g.len += (s8)arg;
				break;
			case 2:
				g.index += (s8)arg;
				break;
			default:
				g.more = !g.more;
			}
			add(g.index, g.off, g.len, g.more);
			break;
		case 3:		/* arbitrary, 16-bit fields */
			g.index = (u32)get(&p, end, 1);
			g.off = (u32)get(&p, end, 2);
			g.len = (u32)get(&p, end, 2);
			add(g.index, g.off, g.len, op & 8);
			break;
		case 4:		/* arbitrary, 32-bit fields */
			g.index = (u32)get(&p, end, 4);
			g.off = (u32)get(&p, end, 4);
			g.len = (u32)get(&p, end, 4);
			add(g.index, g.off, g.len, op & 8);
			break;
		case 5:		/* a genuine one, length wrapping */
			g = fr[get(&p, end, 1) % nfr];
			add(g.index, g.off, g.len - (g.off + 1) -
			    (u32)get(&p, end, 1), g.more);
			break;
		case 6:		/* all the rest, in order or backwards */
			for (i = 0; i < nfr; i++) {
				g = fr[op & 8 ? nfr - 1 - i : i];
				add(g.index, g.off, g.len, g.more);
			}
			/* Only an intruder can keep it from completing. */
			ASSERT(completed || poisoned);
			if (!poisoned)
				ASSERT(f.total == total);
			break;
		default:
			if (op == 0xff) {
				ASSERT(!fragset_has_agrees(&f));
				reset();
			} else {
				add(fr[nfr - 1].index, fr[nfr - 1].off,
				    fr[nfr - 1].len, fr[nfr - 1].more);
			}
		}
	}
	ASSERT(!fragset_has_agrees(&f));
	return 0;
}
