/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model of kernel/fragset.c shared by test_fragset.c and
 * fuzz_fragset.c, written from fragset.h: a fragment is checked against
 * its nearest received neighbours by index only (fragset.c checks every
 * received fragment), lengths are added in 64 bits, and a duplicate is
 * recognised from the stored "more" bit of each fragment. Also the
 * invariants every state of a struct vcmp_fragset must satisfy.
 */
#ifndef _VCMP_FRAGSET_REF_H
#define _VCMP_FRAGSET_REF_H

#include <string.h>

#include "fragset.h"

/*
 * The whole-state checks below run after every step of the fuzzer: keep
 * libFuzzer's comparison tracing out of their loops (they would take most
 * of its time); the model's own decisions stay instrumented. Out of line,
 * or they would be instrumented where inlined (there is no kernel
 * "noinline" here).
 */
#if defined(__clang__)
#define FREF_NOCOV __attribute__((__noinline__, no_sanitize("coverage")))
#else
#define FREF_NOCOV
#endif

struct fref {
	bool have[VCMP_FRAGSET_MAX];
	bool more[VCMP_FRAGSET_MAX];
	u32 off[VCMP_FRAGSET_MAX];
	u32 len[VCMP_FRAGSET_MAX];
	unsigned int count;
	unsigned int last;	/* last fragment's index + 1, 0: unknown */
	u64 total;
};

static inline void fref_init(struct fref *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * What fragset.h says vcmp_fragset_add() returns for this fragment, and
 * the model updated accordingly.
 */
static inline enum vcmp_fragset_result fref_add(struct fref *r, u64 index,
						u64 offset, u64 len,
						bool more)
{
	u64 end = offset + len;
	int i, pred = -1, succ = -1;

	/* Malformed on its own. */
	if (index >= VCMP_FRAGSET_MAX || !len ||
	    end > VCMP_FRAGSET_MAX_LEN || (index == 0) != (offset == 0) ||
	    (index == 0 && !more))
		return VCMP_FRAGSET_BAD;
	/* Index received before: identical or conflicting. */
	if (r->have[index])
		return r->off[index] == offset && r->len[index] == len &&
		       r->more[index] == more ? VCMP_FRAGSET_DUP :
		       VCMP_FRAGSET_OVERLAP;
	/* A second last fragment, or one past the last. */
	if (r->last && (!more || index >= r->last))
		return VCMP_FRAGSET_OVERLAP;
	for (i = (int)index - 1; i >= 0 && pred < 0; i--)
		if (r->have[i])
			pred = i;
	for (i = (int)index + 1; i < VCMP_FRAGSET_MAX && succ < 0; i++)
		if (r->have[i])
			succ = i;
	/* The last fragment below a received index. */
	if (!more && succ >= 0)
		return VCMP_FRAGSET_OVERLAP;
	/*
	 * Adjacent neighbours touch exactly; farther ones leave at least a
	 * byte for each index between (fragset.h: no overlap, no gap, same
	 * order, and a set that can still complete).
	 */
	if (pred >= 0) {
		u64 pend = (u64)r->off[pred] + r->len[pred];

		if (pred + 1 == (int)index ? pend != offset :
		    pend + (index - pred - 1) > offset)
			return VCMP_FRAGSET_OVERLAP;
	}
	if (succ >= 0 &&
	    (succ == (int)index + 1 ? end != r->off[succ] :
	     end + (succ - index - 1) > r->off[succ]))
		return VCMP_FRAGSET_OVERLAP;

	r->have[index] = true;
	r->more[index] = more;
	r->off[index] = (u32)offset;
	r->len[index] = (u32)len;
	r->count++;
	if (!more)
		r->last = (unsigned int)index + 1;
	if (r->last && r->count == r->last) {
		/* Every index up to the last, each touching the next. */
		r->total = 0;
		for (i = 0; i < (int)r->last; i++)
			r->total += r->len[i];
		return VCMP_FRAGSET_COMPLETE;
	}
	return VCMP_FRAGSET_ADDED;
}

/* Index @i in the bitmap of @f, read directly. */
static inline bool fref_bit(const struct vcmp_fragset *f, unsigned int i)
{
	return f->have[i / 64] >> (i % 64) & 1;
}

/* NULL if @f agrees with @r, else what differs. */
static inline FREF_NOCOV const char *
fref_compare(const struct vcmp_fragset *f, const struct fref *r)
{
	unsigned int i;

	if (f->count != r->count)
		return "count";
	if (f->last != r->last)
		return "last";
	if (f->total != r->total)
		return "total";
	for (i = 0; i < VCMP_FRAGSET_MAX; i++) {
		if (fref_bit(f, i) != r->have[i])
			return "have";
		if (r->have[i] && (f->off[i] != r->off[i] ||
				   f->len[i] != r->len[i]))
			return "offset or length";
	}
	return NULL;
}

/* NULL if @f is a state fragset.h allows, else the broken invariant. */
static inline FREF_NOCOV const char *
fragset_invariant(const struct vcmp_fragset *f)
{
	unsigned int i, n = 0, prev = 0;
	u64 sum = 0, end = 0;
	bool complete;

	for (i = 0; i < VCMP_FRAGSET_MAX; i++) {
		if (!fref_bit(f, i))
			continue;
		n++;
		if (!f->len[i])
			return "empty fragment";
		if ((i == 0) != (f->off[i] == 0))
			return "index 0 / offset 0";
		if (n > 1 && f->off[i] < end)
			return "offsets not increasing with the index";
		if (n > 1 && prev + 1 == i && f->off[i] != end)
			return "adjacent fragments do not touch";
		end = (u64)f->off[i] + f->len[i];
		if (end > VCMP_FRAGSET_MAX_LEN)
			return "beyond the largest packet";
		sum += f->len[i];
		prev = i;
		if (f->last && i >= f->last)
			return "fragment past the last";
	}
	if (n != f->count)
		return "count is not the popcount of the bitmap";
	if (f->last > VCMP_FRAGSET_MAX)
		return "last out of range";
	if (f->last && !fref_bit(f, f->last - 1))
		return "last fragment missing";
	complete = f->last && f->count == f->last;
	if (!complete && f->total)
		return "total while incomplete";
	if (complete && (f->total != sum || f->total != end))
		return "total is not the sum of the lengths";
	return NULL;
}

/* NULL if vcmp_fragset_has() tells the bitmap of @f, else why not. */
static inline FREF_NOCOV const char *
fragset_has_agrees(const struct vcmp_fragset *f)
{
	unsigned int i;

	for (i = 0; i < VCMP_FRAGSET_MAX; i++)
		if (vcmp_fragset_has(f, i) != fref_bit(f, i))
			return "has() disagrees with the bitmap";
	if (vcmp_fragset_has(f, VCMP_FRAGSET_MAX) ||
	    vcmp_fragset_has(f, VCMP_FRAGSET_MAX + 63) ||
	    vcmp_fragset_has(f, ~0U))
		return "has() out of range";
	return NULL;
}

#endif /* _VCMP_FRAGSET_REF_H */
