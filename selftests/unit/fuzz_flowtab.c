// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/flowtab.c: the first byte sizes the table
 * (4 to 1024 slots), the rest is a stream of lookups of flows from a
 * small set that shares few buckets (and of arbitrary keys, 0 and 1
 * among them), forgets, clears, and time moving on by small steps, big
 * jumps across the wrap of u32, or back a little, with any ttl. Every
 * call is checked against what flowtab.h promises, from the slots as
 * they were before it (the bucket of a key is taken as flowtab.c picks
 * it, from the high 32 bits):
 *
 *	- seen() is true exactly when the key was there and its age is
 *	  within the ttl; afterwards the key is there, seen now;
 *	- a new key takes an empty way if the bucket has one, else replaces
 *	  a way of the greatest age; nothing else in the table changes;
 *	- a just-inserted key is found (seen() again with ttl 0 is true);
 *	- forget() removes the key and nothing else;
 *	- count is the number of used slots, never more than the slots,
 *	  and no key is in the table twice.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "flowtab.h"

#define WAYS		VCMP_FLOWTAB_WAYS
#define MAX_SLOTS	1024
#define NKEYS		32

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

/*
 * Keep libFuzzer's comparison tracing out of the whole-table checks, and
 * them out of line, or they would be instrumented where inlined.
 */
#define NOCOV __attribute__((__noinline__, no_sanitize("coverage")))

static struct vcmp_flowtab t;
static struct vcmp_flow_slot slots[MAX_SLOTS];
static struct vcmp_flow_slot before[MAX_SLOTS];
static u32 nslots;
static u64 keys[NKEYS];

static u64 norm(u64 key)
{
	return key ? key : 1;
}

static struct vcmp_flow_slot *bucket(struct vcmp_flow_slot *s, u64 key)
{
	return &s[((u32)(norm(key) >> 32) & (t.nbuckets - 1)) * WAYS];
}

static NOCOV void check_table(void)
{
	u32 i, j, used = 0;

	ASSERT(t.slots == slots && t.nbuckets * WAYS == nslots);
	for (i = 0; i < nslots; i++) {
		if (!slots[i].key)
			continue;
		used++;
		/* In its bucket, once. */
		ASSERT(bucket(slots, slots[i].key) == &slots[i - i % WAYS]);
		for (j = i + 1; j < i - i % WAYS + WAYS; j++)
			ASSERT(slots[j].key != slots[i].key);
	}
	ASSERT(used == t.count);
	ASSERT(t.count <= nslots);
}

/* Nothing but @b (of WAYS slots, or none) changed since before[]. */
static NOCOV void check_rest_unchanged(const struct vcmp_flow_slot *b)
{
	u32 i;

	for (i = 0; i < nslots; i += WAYS)
		if (&slots[i] != b)
			ASSERT(!memcmp(&slots[i], &before[i],
				       WAYS * sizeof(slots[0])));
}

static void do_seen(u64 key, u32 now, u32 ttl)
{
	struct vcmp_flow_slot *b = bucket(slots, key), *ob;
	u32 count = t.count, i, hit = WAYS, empty = WAYS, oldest = 0;
	bool got, want;
	u64 k = norm(key);

	memcpy(before, slots, nslots * sizeof(slots[0]));
	ob = bucket(before, key);
	for (i = 0; i < WAYS; i++) {
		if (ob[i].key == k)
			hit = i;
		else if (!ob[i].key && empty == WAYS)
			empty = i;
		else if (ob[i].key && now - ob[i].seen > oldest)
			oldest = now - ob[i].seen;
	}
	want = hit < WAYS && now - ob[hit].seen <= ttl;
	got = vcmp_flowtab_seen(&t, key, now, ttl);
	ASSERT(got == want);
	check_rest_unchanged(b);
	check_table();
	/* The key is there, seen now; which way changed, and how. */
	for (i = 0; i < WAYS; i++)
		if (b[i].key == k)
			break;
	ASSERT(i < WAYS && b[i].seen == now);
	if (hit < WAYS) {
		ASSERT(i == hit && t.count == count);
	} else if (empty < WAYS) {
		ASSERT(!ob[i].key && t.count == count + 1);
	} else {
		/* Replaced the least recently seen (ties: any of them). */
		ASSERT(t.count == count && now - ob[i].seen == oldest);
	}
	for (i = 0; i < WAYS; i++)
		if (b[i].key != k)
			ASSERT(b[i].key == ob[i].key &&
			       b[i].seen == ob[i].seen);
	/* Just recorded: found again at once, even with ttl 0. */
	memcpy(before, slots, nslots * sizeof(slots[0]));
	ASSERT(vcmp_flowtab_seen(&t, key, now, 0));
	ASSERT(!memcmp(before, slots, nslots * sizeof(slots[0])));
}

static void do_forget(u64 key)
{
	struct vcmp_flow_slot *b = bucket(slots, key);
	u32 count = t.count, i, had = 0;

	memcpy(before, slots, nslots * sizeof(slots[0]));
	for (i = 0; i < WAYS; i++)
		had += b[i].key == norm(key);
	vcmp_flowtab_forget(&t, key);
	ASSERT(t.count == count - had);
	for (i = 0; i < WAYS; i++) {
		ASSERT(b[i].key != norm(key));
		if (b[i].key)
			ASSERT(!memcmp(&b[i], &before[b - slots + i],
				       sizeof(b[i])));
	}
	check_rest_unchanged(b);
	check_table();
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
	u32 now, ttl, i;

	if (size > 2048)
		return 0;
	nslots = 1U << (2 + get(&p, end, 1) % 9);
	now = (u32)get(&p, end, 4);
	ttl = (u32)get(&p, end, 1);
	/* Few buckets, several keys each; 0 and 1 are the same flow. */
	for (i = 0; i < NKEYS; i++)
		keys[i] = (u64)(i % 3) << 32 | (i / 3) << 8 | (i & 1);
	keys[0] = 0;
	keys[1] = 1;
	memset(slots, 0xa5, sizeof(slots));
	ASSERT(!vcmp_flowtab_init(&t, slots, nslots));
	check_table();
	while (p < end) {
		u8 op = *p++;

		switch (op & 7) {
		case 0:
		case 1:
		case 2:		/* a known flow, a little later */
			now += op >> 5;
			do_seen(keys[get(&p, end, 1) % NKEYS], now, ttl);
			break;
		case 3:		/* any key, any ttl */
			do_seen(get(&p, end, 8), now, (u32)get(&p, end, 4));
			break;
		case 4:
			do_forget(keys[get(&p, end, 1) % NKEYS]);
			break;
		case 5:		/* time jumps, or steps back */
			if (op & 8)
				now += (u32)get(&p, end, 4);
			else
				now -= op >> 4;
			break;
		case 6:
			ttl = (u32)get(&p, end, op & 8 ? 4 : 1);
			break;
		default:
			if (op == 0xff) {
				vcmp_flowtab_clear(&t);
				ASSERT(!t.count);
				check_table();
			} else {
				do_forget(get(&p, end, 8));
			}
		}
	}
	return 0;
}
