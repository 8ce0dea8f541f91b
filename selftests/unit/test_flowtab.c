// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/flowtab.c: the bounded table of recently seen
 * flows. Hand-written cases (init arguments, hits and misses, the ttl at
 * its boundary and across the wrap of time, eviction of the least
 * recently seen way, forget, clear, key 0), then a long randomized
 * comparison with a reference model that keeps each bucket as a list in
 * recency order (exact LRU) over a small table.
 *
 * Which bucket a key falls in is not part of flowtab.h; the tests that
 * need keys sharing a bucket build them with bucket_key(), which follows
 * flowtab.c (the high 32 bits of the key, modulo the bucket count).
 */
#include <stdlib.h>

#include "flowtab.h"
#include "unit.h"

#define WAYS	VCMP_FLOWTAB_WAYS

static struct vcmp_flowtab t;
static struct vcmp_flow_slot slots[1 << 12];

/* A key of bucket @b (in a table of at most 2^32 buckets), told by @n. */
static u64 bucket_key(u32 b, u32 n)
{
	return (u64)b << 32 | (n + 1);
}

static unsigned int used_slots(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < t.nbuckets * WAYS; i++)
		n += !!t.slots[i].key;
	return n;
}

static void setup(u32 nslots)
{
	memset(slots, 0xa5, sizeof(slots));
	CHECK_EQ(vcmp_flowtab_init(&t, slots, nslots), 0);
}

static bool seen(u64 key, u32 now, u32 ttl)
{
	bool r = vcmp_flowtab_seen(&t, key, now, ttl);

	CHECK(t.count <= t.nbuckets * WAYS);
	CHECK_EQ(t.count, used_slots());
	return r;
}

static void test_init(void)
{
	static const u32 bad[] = {
		0, 1, 2, 3, 5, 6, 7, 9, 12, 24, 100, 1000, (1U << 20) + 4,
		0x80000001, 0xfffffffc, U32_MAX,
	};
	struct vcmp_flowtab before;
	unsigned int i;

	memset(&t, 0x3c, sizeof(t));
	memcpy(&before, &t, sizeof(t));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_EQ(vcmp_flowtab_init(&t, slots, bad[i]), -EINVAL);
	/* A refused init touches nothing. */
	CHECK(!memcmp(&before, &t, sizeof(t)));

	for (i = 2; i <= 12; i++) {
		unsigned int j;

		memset(slots, 0xa5, sizeof(slots));
		CHECK_EQ(vcmp_flowtab_init(&t, slots, 1U << i), 0);
		CHECK_EQ(t.nbuckets, (1U << i) / WAYS);
		CHECK_EQ(t.count, 0);
		CHECK(t.slots == slots);
		/* Its slots are cleared, and only its slots. */
		for (j = 0; j < 1U << i; j++)
			CHECK(!slots[j].key);
		if (i < 12)
			CHECK_EQ(slots[1U << i].key, 0xa5a5a5a5a5a5a5a5ULL);
	}
}

static void test_seen(void)
{
	setup(64);
	CHECK(!seen(0x1234567812345678ULL, 100, 10));
	CHECK_EQ(t.count, 1);
	CHECK(seen(0x1234567812345678ULL, 100, 10));
	CHECK(seen(0x1234567812345678ULL, 101, 10));
	CHECK_EQ(t.count, 1);
	/* Another flow, in the same bucket or not. */
	CHECK(!seen(0x1234567812345679ULL, 101, 10));
	CHECK(!seen(0x9234567812345678ULL, 101, 10));
	CHECK(!seen(0x1234567912345678ULL, 101, 10));
	CHECK_EQ(t.count, 4);
	CHECK(seen(0x1234567812345679ULL, 102, 10));
	CHECK(seen(0x9234567812345678ULL, 102, 10));
	CHECK(seen(0x1234567912345678ULL, 102, 10));
	CHECK(seen(0x1234567812345678ULL, 102, 10));
	CHECK_EQ(t.count, 4);
	/* Extreme keys. */
	CHECK(!seen(U64_MAX, 0, 0));
	CHECK(seen(U64_MAX, 0, 0));
	CHECK(!seen(1ULL << 63, 0, 0));
	CHECK(seen(1ULL << 63, 0, 0));
}

static void test_ttl(void)
{
	u64 k = bucket_key(3, 7);

	setup(16);
	CHECK(!seen(k, 1000, 10));
	/* Seen 10 units ago, ttl 10: remembered; 11 ago: expired. */
	CHECK(seen(k, 1010, 10));
	CHECK(!seen(k, 1021, 10));
	/* ... but either way it is recorded as seen now. */
	CHECK(seen(k, 1021, 10));
	CHECK(seen(k, 1031, 10));
	/* The ttl is that of each call. */
	CHECK(!seen(k, 1131, 99));
	CHECK(seen(k, 1231, 100));
	CHECK(seen(k, 1331, 1000));
	CHECK(!seen(k, 1332, 0));
	CHECK(seen(k, 1332, 0));
	CHECK(seen(k, 1332U + 0x7fffffffU, U32_MAX));
	CHECK(seen(k, 1331, U32_MAX));	/* even back in time */
	CHECK_EQ(t.count, 1);
	/* An expired entry is refreshed in place, not duplicated. */
	CHECK_EQ(used_slots(), 1);
}

static void test_time_wrap(void)
{
	u64 k = bucket_key(1, 1), k2 = bucket_key(1, 2);

	setup(16);
	CHECK(!seen(k, U32_MAX - 5, 20));
	CHECK(seen(k, 3, 20));			/* 9 units later */
	CHECK(seen(k, 23, 20));			/* 20 later */
	CHECK(!seen(k, 44, 20));		/* 21 later */
	CHECK(!seen(k2, 0xfffffff0, 100));
	CHECK(seen(k2, 0x50, 0x60));		/* 0x60 later */
	CHECK(!seen(k2, 0x50 + 0x61 + 0x10, 0x10));
	/* Through the whole range of u32 in steps of the ttl. */
	{
		u64 n;
		u32 now = 12345;

		CHECK(!seen(bucket_key(2, 9), now, 1U << 28));
		for (n = 0; n < 40; n++) {
			now += 1U << 28;
			CHECK(seen(bucket_key(2, 9), now, 1U << 28));
		}
		CHECK(!seen(bucket_key(2, 9), now + (1U << 28) + 1,
			    1U << 28));
	}
}

static void test_lru_eviction(void)
{
	u64 k[8];
	unsigned int i;

	for (i = 0; i < 8; i++)
		k[i] = bucket_key(5, i);
	setup(64);
	for (i = 0; i < WAYS; i++)
		CHECK(!seen(k[i], 10 + i, 1000));
	CHECK_EQ(t.count, WAYS);
	/* k[0] is used again: k[1] is now the least recently seen. */
	CHECK(seen(k[0], 20, 1000));
	CHECK(!seen(k[4], 21, 1000));
	CHECK_EQ(t.count, WAYS);
	CHECK(seen(k[0], 22, 1000));
	CHECK(seen(k[2], 23, 1000));
	CHECK(seen(k[3], 24, 1000));
	CHECK(seen(k[4], 25, 1000));
	/* k[1] went: back it comes, at the expense of k[0]. */
	CHECK(!seen(k[1], 26, 1000));
	CHECK(!seen(k[0], 27, 1000));
	/* ... which evicted k[2], then k[3]. */
	CHECK(!seen(k[2], 28, 1000));
	CHECK(seen(k[1], 29, 1000));
	CHECK(seen(k[0], 30, 1000));
	CHECK(seen(k[2], 31, 1000));
	CHECK(!seen(k[3], 32, 1000));
	CHECK_EQ(t.count, WAYS);
	/* Other buckets are untouched. */
	CHECK(!seen(bucket_key(6, 0), 33, 1000));
	CHECK(!seen(bucket_key(4, 0), 33, 1000));
	CHECK_EQ(t.count, WAYS + 2);

	/* Expired and fresh: the expired one goes first. */
	setup(64);
	CHECK(!seen(k[0], 100, 50));
	CHECK(!seen(k[1], 10, 50));	/* long ago */
	CHECK(!seen(k[2], 120, 50));
	CHECK(!seen(k[3], 130, 50));
	CHECK(!seen(k[4], 140, 50));
	CHECK(seen(k[0], 141, 50));
	CHECK(seen(k[2], 142, 50));
	CHECK(seen(k[3], 143, 50));
	CHECK(seen(k[4], 144, 50));
	CHECK(!seen(k[1], 145, 50));

	/* Across the wrap of time, "least recent" is by age. */
	setup(64);
	CHECK(!seen(k[0], U32_MAX - 2, 100));
	CHECK(!seen(k[1], U32_MAX, 100));
	CHECK(!seen(k[2], 1, 100));
	CHECK(!seen(k[3], 3, 100));
	CHECK(!seen(k[4], 4, 100));	/* evicts k[0] */
	CHECK(seen(k[1], 5, 100));
	CHECK(seen(k[2], 6, 100));
	CHECK(seen(k[3], 7, 100));
	CHECK(seen(k[4], 8, 100));
	CHECK(!seen(k[0], 9, 100));

	/* A single bucket of four: the smallest table. */
	setup(WAYS);
	for (i = 0; i < 8; i++)
		CHECK(!seen(k[i] + ((u64)i << 40), 100 + i, 1000));
	CHECK_EQ(t.count, WAYS);
	for (i = 4; i < 8; i++)
		CHECK(seen(k[i] + ((u64)i << 40), 200 + i, 1000));
}

static void test_forget(void)
{
	u64 k[5];
	unsigned int i;

	for (i = 0; i < 5; i++)
		k[i] = bucket_key(9, i);
	setup(64);
	for (i = 0; i < WAYS; i++)
		CHECK(!seen(k[i], 10 + i, 1000));
	vcmp_flowtab_forget(&t, k[2]);
	CHECK_EQ(t.count, WAYS - 1);
	CHECK_EQ(used_slots(), WAYS - 1);
	/* Absent keys: nothing happens. */
	vcmp_flowtab_forget(&t, k[2]);
	vcmp_flowtab_forget(&t, k[4]);
	vcmp_flowtab_forget(&t, bucket_key(8, 0));
	vcmp_flowtab_forget(&t, 0);
	CHECK_EQ(t.count, WAYS - 1);
	/* The freed way is taken before any eviction. */
	CHECK(!seen(k[4], 20, 1000));
	CHECK_EQ(t.count, WAYS);
	CHECK(seen(k[0], 21, 1000));
	CHECK(seen(k[1], 22, 1000));
	CHECK(seen(k[3], 23, 1000));
	CHECK(seen(k[4], 24, 1000));
	/* Forgotten: new again. */
	CHECK(!seen(k[2], 25, 1000));
	CHECK_EQ(t.count, WAYS);
	for (i = 0; i < 5; i++)
		vcmp_flowtab_forget(&t, k[i]);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(used_slots(), 0);
}

static void test_clear(void)
{
	unsigned int i;

	setup(1 << 12);
	for (i = 0; i < 3000; i++)
		seen(((u64)i * 0x9e3779b97f4a7c15ULL) | 1, i, 10000);
	CHECK(t.count > 2000);
	vcmp_flowtab_clear(&t);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(used_slots(), 0);
	for (i = 0; i < 3000; i++)
		CHECK(!seen(((u64)i * 0x9e3779b97f4a7c15ULL) | 1, 5000,
			    10000));
	/* A table of 4096 slots holds at most 4096 flows. */
	for (i = 0; i < 20000; i++)
		seen(((u64)i * 0xbf58476d1ce4e5b9ULL) ^ 0x5555, 6000 + i,
		     100000);
	CHECK_EQ(t.count, 1 << 12);
}

static void test_key_zero(void)
{
	setup(16);
	/* 0 is the empty mark: the flow is kept as key 1. */
	CHECK(!seen(0, 50, 10));
	CHECK_EQ(t.count, 1);
	CHECK(seen(0, 51, 10));
	CHECK(seen(1, 52, 10));
	CHECK_EQ(t.count, 1);
	vcmp_flowtab_forget(&t, 0);
	CHECK_EQ(t.count, 0);
	CHECK(!seen(1, 53, 10));
	CHECK(seen(0, 54, 10));
	vcmp_flowtab_forget(&t, 1);
	CHECK_EQ(t.count, 0);
	/* 0 does not fill a bucket with empty-looking ways. */
	CHECK(!seen(0, 60, 10));
	CHECK(!seen(bucket_key(0, 10), 61, 10));
	CHECK(!seen(bucket_key(0, 11), 62, 10));
	CHECK(!seen(bucket_key(0, 12), 63, 10));
	CHECK(seen(0, 64, 10));
	CHECK_EQ(t.count, 4);
	CHECK_EQ(used_slots(), 4);
}

/* ---- Randomized comparison with an exact-LRU reference model ---- */

#define RB	4		/* buckets of the table under test */
#define RKEYS	24		/* distinct flows: 6 per bucket */

struct mentry {
	u64 key;
	u32 seen;
};

/* Each bucket: its flows, most recently seen first. */
static struct {
	struct mentry e[WAYS];
	unsigned int n;
} model[RB];

static u64 rng_state = 0x666c6f7774616221ULL;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 norm(u64 key)
{
	return key ? key : 1;
}

static bool model_seen(u64 key, u32 now, u32 ttl)
{
	unsigned int b = (u32)(norm(key) >> 32) % RB, i;
	bool hit = false;
	struct mentry e = { norm(key), now };

	for (i = 0; i < model[b].n; i++)
		if (model[b].e[i].key == e.key)
			break;
	if (i < model[b].n)
		hit = (u32)(now - model[b].e[i].seen) <= ttl;
	else if (model[b].n < WAYS)
		i = model[b].n++;
	else
		i = WAYS - 1;	/* the least recently seen goes */
	/* Move to the front. */
	for (; i > 0; i--)
		model[b].e[i] = model[b].e[i - 1];
	model[b].e[0] = e;
	return hit;
}

static void model_forget(u64 key)
{
	unsigned int b = (u32)(norm(key) >> 32) % RB, i;

	for (i = 0; i < model[b].n; i++) {
		if (model[b].e[i].key == norm(key)) {
			for (; i + 1 < model[b].n; i++)
				model[b].e[i] = model[b].e[i + 1];
			model[b].n--;
			return;
		}
	}
}

/* The table holds exactly the model's flows, with their times. */
static bool model_agrees(void)
{
	unsigned int b, i, j, total = 0;

	for (b = 0; b < RB; b++) {
		total += model[b].n;
		for (i = 0; i < model[b].n; i++) {
			for (j = 0; j < t.nbuckets * WAYS; j++)
				if (t.slots[j].key == model[b].e[i].key)
					break;
			if (j == t.nbuckets * WAYS ||
			    t.slots[j].seen != model[b].e[i].seen)
				return false;
		}
	}
	return total == t.count && total == used_slots();
}

static void test_random_vs_model(void)
{
	unsigned long ops, hits = 0, misses = 0, expired = 0, forgets = 0;
	unsigned long clears = 0;
	u64 keys[RKEYS];
	u32 now = U32_MAX - 300000;	/* wraps early on */
	unsigned int i;

	for (i = 0; i < RKEYS; i++)
		keys[i] = bucket_key(i % RB, i / RB) ^ (rnd() & 0xffff0000);
	keys[0] = 0;		/* key 0 and key 1 are one flow */
	keys[1] = 1;
	setup(RB * WAYS);
	memset(model, 0, sizeof(model));
	for (ops = 0; ops < 2000000; ops++) {
		u64 key = keys[rnd() % RKEYS], r = rnd() % 1000;
		u32 ttl = (u32)(rnd() % 160);

		/* Time strictly increases (no ties in recency). */
		now += 1 + (r < 950 ? (u32)(rnd() % 16) :
			    (u32)(rnd() % 200));
		if (r < 970) {
			bool want = model_seen(key, now, ttl);
			bool got = vcmp_flowtab_seen(&t, key, now, ttl);

			CHECK_EQ(got, want);
			hits += got;
			misses += !got;
		} else if (r < 999) {
			model_forget(key);
			vcmp_flowtab_forget(&t, key);
			forgets++;
		} else {
			memset(model, 0, sizeof(model));
			vcmp_flowtab_clear(&t);
			clears++;
		}
		if (!model_agrees()) {
			printf("# op %lu: the table differs from the model\n",
			       ops);
			unit_case_failed = 1;
		}
		if (unit_case_failed)
			break;
		/* Every so often, a long pause expires everything. */
		if (rnd() % 100000 == 0) {
			now += 100;
			expired++;
		}
	}
	printf("# %lu ops over %u buckets x %u ways, %u flows: %lu hits, %lu misses, %lu forgets, %lu clears, %lu pauses\n",
	       ops, RB, WAYS, RKEYS, hits, misses, forgets, clears, expired);
	CHECK(hits > 100000 && misses > 100000);
}

int main(void)
{
	unit_plan(9);
	unit_run("init_args", test_init);
	unit_run("seen", test_seen);
	unit_run("ttl", test_ttl);
	unit_run("time_wrap", test_time_wrap);
	unit_run("lru_eviction", test_lru_eviction);
	unit_run("forget", test_forget);
	unit_run("clear", test_clear);
	unit_run("key_zero", test_key_zero);
	unit_run("random_vs_model", test_random_vs_model);
	return unit_exit();
}
