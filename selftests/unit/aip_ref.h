/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The brute-force reference model of kernel/allowedips.c shared by
 * test_allowedips.c and fuzz_allowedips.c: a list of prefixes searched
 * linearly for the longest match. The caller owns the array.
 */
#ifndef _VCMP_AIP_REF_H
#define _VCMP_AIP_REF_H

#include <string.h>

#include "allowedips.h"

struct ref_entry {
	int family;
	u8 addr[16];	/* masked; IPv4 in the first 4 bytes, rest zero */
	int cidr;
	int owner;
};

/* Clear the bits of @a beyond @cidr, and bytes 4..15 for IPv4. */
static inline void mask_addr(u8 *a, int family, int cidr)
{
	int i, len = family == 4 ? 4 : 16;

	for (i = 0; i < len; i++) {
		if (cidr >= 8 * (i + 1))
			continue;
		a[i] &= cidr > 8 * i ? (u8)(0xff00 >> (cidr - 8 * i)) : 0;
	}
	memset(a + len, 0, 16 - len);
}

/* Index of the exact prefix in @ref[0..@nref), or -1. */
static inline int ref_find(const struct ref_entry *ref, int nref, int family,
			   const u8 *addr, int cidr)
{
	int i;

	for (i = 0; i < nref; i++)
		if (ref[i].family == family && ref[i].cidr == cidr &&
		    !memcmp(ref[i].addr, addr, 16))
			return i;
	return -1;
}

/* Owner of the longest prefix containing @addr, or -1. */
static inline int ref_lookup(const struct ref_entry *ref, int nref,
			     int family, const u8 *addr)
{
	int i, best = -1, best_cidr = -1;
	u8 m[16];

	for (i = 0; i < nref; i++) {
		if (ref[i].family != family || ref[i].cidr <= best_cidr)
			continue;
		memcpy(m, addr, 16);
		mask_addr(m, family, ref[i].cidr);
		if (!memcmp(m, ref[i].addr, 16)) {
			best = ref[i].owner;
			best_cidr = ref[i].cidr;
		}
	}
	return best;
}

#endif /* _VCMP_AIP_REF_H */
