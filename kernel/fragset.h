/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fragments of one inner packet being reassembled, as index, offset
 * and length: what arrived, whether the new one fits, when it is whole.
 *
 * vcmp splits an inner packet that the path cannot carry into numbered
 * fragments (wire-format.rst, "The data header"): fragment i carries the
 * bytes [offset, offset + length) of the inner packet, fragment 0 starts
 * at offset 0, each fragment starts where the one before it ended, and
 * the last one has the "more" bit clear. A fragment set accepts fragments
 * in any order and rejects, without changing its state:
 * - a fragment with an index already received (a duplicate if identical,
 *   an overlap if not),
 * - a fragment whose bytes overlap a received one, that disagrees in
 *   order with one, that leaves a gap to an adjacent index, or less than
 *   a byte per missing index to a farther one (such a set could never
 *   complete),
 * - a second last fragment, a last fragment below a received index, a
 *   fragment past the last one, and malformed values.
 * Any rejection other than a duplicate means the sender or the path is
 * misbehaving: the caller discards the whole set (RFC 5722 does the same
 * for overlapping IPv6 fragments).
 *
 * Pure logic (see pure.h). Not thread-safe: the caller serialises.
 */
#ifndef _VCMP_FRAGSET_H
#define _VCMP_FRAGSET_H

#include "pure.h"

#define VCMP_FRAGSET_MAX	128	/* fragment indexes 0-127 */
#define VCMP_FRAGSET_MAX_LEN	65535	/* largest inner packet */

enum vcmp_fragset_result {
	VCMP_FRAGSET_ADDED,	/* kept, more to come */
	VCMP_FRAGSET_COMPLETE,	/* kept, and the packet is whole */
	VCMP_FRAGSET_DUP,	/* same index, offset and length again */
	VCMP_FRAGSET_OVERLAP,	/* bytes or index conflict with others */
	VCMP_FRAGSET_BAD,	/* malformed on its own */
};

/*
 * struct vcmp_fragset - fragments received of one packet
 * @have: bitmap of received indexes
 * @off: offset of each received fragment
 * @len: length of each received fragment
 * @count: fragments received
 * @last: index of the last fragment (more bit clear) + 1, 0 if not yet seen
 * @total: length of the whole packet once complete, else 0
 */
struct vcmp_fragset {
	u64 have[VCMP_FRAGSET_MAX / 64];
	u16 off[VCMP_FRAGSET_MAX];
	u16 len[VCMP_FRAGSET_MAX];
	u16 count;
	u16 last;
	u32 total;
};

void vcmp_fragset_init(struct vcmp_fragset *f);
enum vcmp_fragset_result vcmp_fragset_add(struct vcmp_fragset *f,
					  unsigned int index,
					  unsigned int offset,
					  unsigned int len, bool more);
bool vcmp_fragset_has(const struct vcmp_fragset *f, unsigned int index);

#endif /* _VCMP_FRAGSET_H */
