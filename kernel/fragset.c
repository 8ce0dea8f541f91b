// SPDX-License-Identifier: GPL-2.0
/*
 * The fragments of one inner packet being reassembled (see fragset.h).
 * Pure logic.
 */
#include "fragset.h"

void vcmp_fragset_init(struct vcmp_fragset *f)
{
	memset(f, 0, sizeof(*f));
}

bool vcmp_fragset_has(const struct vcmp_fragset *f, unsigned int index)
{
	return index < VCMP_FRAGSET_MAX &&
	       (f->have[index / 64] & BIT_ULL(index % 64));
}

/* Does fragment @index at [@offset, @end) agree with received @j? */
static bool vcmp_fragset_fits(const struct vcmp_fragset *f, unsigned int j,
			      unsigned int index, unsigned int offset,
			      unsigned int end)
{
	unsigned int jend = f->off[j] + f->len[j];

	/* Adjacent: no gap. Apart: room for a byte per index between. */
	if (j < index)
		return j + 1 == index ? jend == offset :
					jend + (index - j - 1) <= offset;
	return index + 1 == j ? end == f->off[j] :
				end + (j - index - 1) <= f->off[j];
}

/**
 * vcmp_fragset_add - a fragment arrived
 * @f: the set
 * @index: its index
 * @offset: offset of its bytes in the inner packet
 * @len: number of its bytes, at least 1
 * @more: more fragments follow
 *
 * Return: enum vcmp_fragset_result; only ADDED and COMPLETE change @f.
 */
enum vcmp_fragset_result vcmp_fragset_add(struct vcmp_fragset *f,
					  unsigned int index,
					  unsigned int offset,
					  unsigned int len, bool more)
{
	unsigned int end = offset + len, j;

	/* len is compared, not end: offset + len may wrap. */
	if (index >= VCMP_FRAGSET_MAX || !len || offset > VCMP_FRAGSET_MAX_LEN ||
	    len > VCMP_FRAGSET_MAX_LEN - offset ||
	    !index != !offset || (!more && index == 0))
		return VCMP_FRAGSET_BAD;
	/* Once whole, every index is received or past the last. */
	if (vcmp_fragset_has(f, index)) {
		if (f->off[index] == offset && f->len[index] == len &&
		    (f->last == index + 1) == !more)
			return VCMP_FRAGSET_DUP;
		return VCMP_FRAGSET_OVERLAP;
	}
	if (f->last && (!more || index >= f->last))
		return VCMP_FRAGSET_OVERLAP;
	for (j = 0; j < VCMP_FRAGSET_MAX; j++) {
		if (!vcmp_fragset_has(f, j))
			continue;
		if (!more && j > index)
			return VCMP_FRAGSET_OVERLAP;
		if (!vcmp_fragset_fits(f, j, index, offset, end))
			return VCMP_FRAGSET_OVERLAP;
	}

	f->have[index / 64] |= BIT_ULL(index % 64);
	f->off[index] = (u16)offset;
	f->len[index] = (u16)len;
	f->count++;
	if (!more)
		f->last = (u16)(index + 1);
	if (f->last && f->count == f->last) {
		/* Neighbours fit each other: the bytes are contiguous. */
		f->total = f->off[f->last - 1] + f->len[f->last - 1];
		return VCMP_FRAGSET_COMPLETE;
	}
	return VCMP_FRAGSET_ADDED;
}
