// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/allowedips.c: the input is a sequence of
 * operations (insert, remove, remove_owner, lookup, walk_owner, free) on
 * one table, each compared with a brute-force reference model, a list of
 * prefixes searched linearly for the longest match. After each operation
 * the table's invariants are checked (vcmp_aip_check); at the end every
 * owner is removed and no node may remain.
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "aip_ref.h"
#include "allowedips.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

#define NOWNERS		16
#define MAX_REF		512

static struct vcmp_allowedips t;
static struct vcmp_aip_owner owners[NOWNERS];
static struct ref_entry ref[MAX_REF];
static int nref;

/* Input reader: past the end, zeros. */
struct in {
	const u8 *p, *end;
};

static u8 get8(struct in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

/*
 * An address: a count byte says how many leading bytes come from the
 * input; the rest repeat a fixed pattern, so that short inputs still make
 * prefixes that nest and diverge deep in the address.
 */
static void get_addr(struct in *in, int family, u8 *a)
{
	int len = family == 4 ? 4 : 16, n, i;

	n = get8(in) % (len + 1);
	for (i = 0; i < len; i++)
		a[i] = i < n ? get8(in) : (u8)(0x5a ^ i);
	memset(a + len, 0, 16 - len);
}

struct walk_state {
	int owner, seen, stop;
};

static int walk_fn(void *arg, int family, const u8 *addr, u8 cidr)
{
	struct walk_state *w = arg;
	u8 a[16] = {};
	int i;

	memcpy(a, addr, family == 4 ? 4 : 16);
	i = ref_find(ref, nref, family, a, cidr);
	ASSERT(i >= 0 && ref[i].owner == w->owner);
	w->seen++;
	return w->seen == w->stop ? 7 : 0;
}

static void reset(void)
{
	vcmp_aip_free(&t);
	vcmp_aip_init(&t);
	memset(owners, 0, sizeof(owners));
	nref = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, data + size };
	struct vcmp_aip_owner *p;
	int f, cidr, o, i, want, got;
	u8 a[16];

	reset();
	while (in.p < in.end) {
		u8 op = get8(&in);
		struct walk_state w;

		f = op & 8 ? 6 : 4;
		o = op >> 4;	/* 0-15 */
		switch (op & 7) {
		case 0:
		case 1:		/* insert */
			get_addr(&in, f, a);
			cidr = get8(&in);
			if (op & 1)
				cidr %= f == 4 ? 33 : 129;
			got = vcmp_aip_insert(&t, f, a, (u8)cidr, &owners[o]);
			if (cidr > (f == 4 ? 32 : 128)) {
				ASSERT(got == -EINVAL);
				break;
			}
			ASSERT(!got);
			mask_addr(a, f, cidr);
			i = ref_find(ref, nref, f, a, cidr);
			if (i < 0) {
				ASSERT(nref < MAX_REF);
				i = nref++;
				ref[i].family = f;
				memcpy(ref[i].addr, a, 16);
				ref[i].cidr = cidr;
			}
			ref[i].owner = o;
			if (nref == MAX_REF)	/* the model is full: start over */
				reset();
			break;
		case 2:		/* remove an arbitrary prefix */
			get_addr(&in, f, a);
			cidr = get8(&in) % (f == 4 ? 34 : 130);
			got = vcmp_aip_remove(&t, f, a, (u8)cidr, &owners[o]);
			mask_addr(a, f, cidr);
			i = cidr > (f == 4 ? 32 : 128) ? -1 :
			    ref_find(ref, nref, f, a, cidr);
			want = i >= 0 && ref[i].owner == o ? 0 : -ENOENT;
			ASSERT(got == want);
			if (!got)
				ref[i] = ref[--nref];
			break;
		case 3:		/* remove a known prefix, host bits set */
			if (!nref)
				break;
			i = get8(&in) % nref;
			f = ref[i].family;
			memcpy(a, ref[i].addr, 16);
			if (ref[i].cidr < (f == 4 ? 32 : 128))
				a[f == 4 ? 3 : 15] |= 1;
			if (op & 0x80)
				o = ref[i].owner;
			got = vcmp_aip_remove(&t, f, a, (u8)ref[i].cidr,
					      &owners[o]);
			ASSERT(got == (ref[i].owner == o ? 0 : -ENOENT));
			if (!got)
				ref[i] = ref[--nref];
			break;
		case 4:		/* remove_owner */
			got = (int)vcmp_aip_remove_owner(&t, &owners[o]);
			for (want = 0, i = 0; i < nref; i++)
				if (ref[i].owner == o) {
					ref[i--] = ref[--nref];
					want++;
				}
			ASSERT(got == want);
			ASSERT(!owners[o].head && !owners[o].count);
			break;
		case 5:		/* lookup */
			get_addr(&in, f, a);
			p = vcmp_aip_lookup(&t, f, a);
			ASSERT((p ? (int)(p - owners) : -1) ==
			       ref_lookup(ref, nref, f, a));
			break;
		case 6:		/* walk_owner */
			w.owner = o;
			w.seen = 0;
			w.stop = get8(&in);	/* 0: never */
			got = vcmp_aip_walk_owner(&t, &owners[o], walk_fn, &w);
			for (want = 0, i = 0; i < nref; i++)
				want += ref[i].owner == o;
			ASSERT((int)owners[o].count == want);
			if (w.stop && w.stop <= want)
				ASSERT(got == 7 && w.seen == w.stop);
			else
				ASSERT(!got && w.seen == want);
			break;
		default:
			if (op == 0xff) {	/* free everything */
				reset();
				for (i = 0; i < NOWNERS; i++)
					ASSERT(!owners[i].head);
			} else {	/* invalid family */
				get_addr(&in, 6, a);
				f = op >> 3;
				if (f != 4 && f != 6) {
					ASSERT(vcmp_aip_insert(&t, f, a, 0,
							       &owners[0]) ==
					       -EINVAL);
					ASSERT(!vcmp_aip_lookup(&t, f, a));
				}
			}
		}
		ASSERT((int)t.count == nref);
		ASSERT(vcmp_aip_check(&t) >= nref);
	}

	/* Every prefix is still where the model says, then none is. */
	for (i = 0; i < nref; i++)
		ASSERT(vcmp_aip_lookup(&t, ref[i].family, ref[i].addr) ==
		       &owners[ref_lookup(ref, nref, ref[i].family, ref[i].addr)]);
	for (o = 0; o < NOWNERS; o++)
		vcmp_aip_remove_owner(&t, &owners[o]);
	ASSERT(!t.count && vcmp_aip_check(&t) == 0);
	ASSERT(!t.root4 && !t.root6);
	vcmp_aip_free(&t);
	return 0;
}
