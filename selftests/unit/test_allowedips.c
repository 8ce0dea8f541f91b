// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/allowedips.c: hand-written cases, a long
 * randomized comparison against a brute-force reference (a list of
 * prefixes searched linearly for the longest match), insert/remove churn
 * that must leave no node behind, and a lookup timing.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <time.h>

#include "aip_ref.h"
#include "allowedips.h"
#include "unit.h"

static struct vcmp_allowedips t;

static int family_of(const char *s)
{
	return strchr(s, ':') ? 6 : 4;
}

static int ins(const char *s, int cidr, struct vcmp_aip_owner *o)
{
	u8 a[16];
	int f = family_of(s);

	if (inet_pton(f == 4 ? AF_INET : AF_INET6, s, a) != 1)
		abort();
	return vcmp_aip_insert(&t, f, a, (u8)cidr, o);
}

static int rem(const char *s, int cidr, struct vcmp_aip_owner *o)
{
	u8 a[16];
	int f = family_of(s);

	if (inet_pton(f == 4 ? AF_INET : AF_INET6, s, a) != 1)
		abort();
	return vcmp_aip_remove(&t, f, a, (u8)cidr, o);
}

static struct vcmp_aip_owner *look(const char *s)
{
	u8 a[16];
	int f = family_of(s);

	if (inet_pton(f == 4 ? AF_INET : AF_INET6, s, a) != 1)
		abort();
	return vcmp_aip_lookup(&t, f, a);
}

static long nodes(void)
{
	return vcmp_aip_check(&t);
}

static void test_longest_prefix_v4(void)
{
	struct vcmp_aip_owner a = {}, b = {}, c = {}, d = {}, e = {};

	vcmp_aip_init(&t);
	CHECK(!look("10.1.2.3"));
	CHECK_EQ(ins("10.0.0.0", 8, &a), 0);
	CHECK_EQ(ins("10.1.2.0", 24, &c), 0);	/* before its parent /16 */
	CHECK_EQ(ins("10.1.0.0", 16, &b), 0);
	CHECK_EQ(ins("10.1.2.3", 32, &d), 0);
	CHECK_EQ(ins("10.1.2.128", 25, &e), 0);
	CHECK_EQ(t.count, 5);
	CHECK(look("10.1.2.3") == &d);
	CHECK(look("10.1.2.2") == &c);
	CHECK(look("10.1.2.4") == &c);
	CHECK(look("10.1.2.127") == &c);
	CHECK(look("10.1.2.128") == &e);
	CHECK(look("10.1.2.255") == &e);
	CHECK(look("10.1.3.1") == &b);
	CHECK(look("10.1.255.255") == &b);
	CHECK(look("10.2.0.0") == &a);
	CHECK(look("10.255.255.255") == &a);
	CHECK(!look("11.0.0.0"));
	CHECK(!look("9.255.255.255"));
	CHECK(!look("0.0.0.0"));
	CHECK(!look("255.255.255.255"));
	CHECK_EQ(a.count, 1);
	CHECK_EQ(nodes(), 5);
	vcmp_aip_free(&t);
	CHECK_EQ(nodes(), 0);
	CHECK(!a.head && !a.count && !d.head && !d.count);
}

static void test_default_routes(void)
{
	struct vcmp_aip_owner a = {}, b = {}, c = {};

	vcmp_aip_init(&t);
	CHECK_EQ(ins("0.0.0.0", 0, &a), 0);
	CHECK(look("1.2.3.4") == &a);
	CHECK(look("255.255.255.255") == &a);
	CHECK(!look("::1"));
	CHECK_EQ(ins("::", 0, &b), 0);
	CHECK(look("::1") == &b);
	CHECK(look("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == &b);
	CHECK(look("1.2.3.4") == &a);
	CHECK_EQ(ins("128.0.0.0", 1, &c), 0);
	CHECK(look("128.0.0.0") == &c);
	CHECK(look("127.255.255.255") == &a);
	/* A /0 with host bits set is still the default route. */
	CHECK_EQ(rem("1.2.3.4", 0, &a), 0);
	CHECK(!look("1.2.3.4"));
	CHECK(look("200.0.0.1") == &c);
	CHECK_EQ(ins("8000::", 1, &c), 0);
	CHECK_EQ(rem("::", 0, &b), 0);
	CHECK(!look("::1"));
	CHECK(look("8000::1") == &c);
	CHECK_EQ(nodes(), 2);
	vcmp_aip_free(&t);
}

static void test_hosts(void)
{
	struct vcmp_aip_owner o[6] = {};

	vcmp_aip_init(&t);
	CHECK_EQ(ins("10.0.0.0", 32, &o[0]), 0);
	CHECK_EQ(ins("10.0.0.1", 32, &o[1]), 0);
	CHECK_EQ(ins("2001:db8::", 128, &o[2]), 0);
	CHECK_EQ(ins("2001:db8::1", 128, &o[3]), 0);
	CHECK_EQ(ins("2001:db8::8000:0:0:0", 128, &o[4]), 0);
	CHECK_EQ(ins("2001:db8::", 127, &o[5]), 0);
	CHECK(look("10.0.0.0") == &o[0]);
	CHECK(look("10.0.0.1") == &o[1]);
	CHECK(!look("10.0.0.2"));
	CHECK(!look("10.0.0.3"));
	CHECK(look("2001:db8::") == &o[2]);
	CHECK(look("2001:db8::1") == &o[3]);
	CHECK(look("2001:db8::8000:0:0:0") == &o[4]);
	CHECK(!look("2001:db8::8000:0:0:1"));
	CHECK(!look("2001:db8::2"));
	CHECK(!look("2001:db9::"));
	/* v4: 2 hosts + glue /31; v6: 4 owned + glue /64 */
	CHECK_EQ(nodes(), 8);
	CHECK_EQ(rem("2001:db8::1", 128, &o[3]), 0);
	CHECK(look("2001:db8::1") == &o[5]);
	CHECK_EQ(rem("2001:db8::", 128, &o[2]), 0);
	CHECK(look("2001:db8::") == &o[5]);
	CHECK_EQ(nodes(), 6);
	vcmp_aip_free(&t);
}

static int collect_fn(void *arg, int family, const u8 *addr, u8 cidr)
{
	char *out = arg, buf[64];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, sizeof(buf));
	sprintf(out + strlen(out), "%d %s/%d;", family, buf, cidr);
	return 0;
}

static void test_masking(void)
{
	struct vcmp_aip_owner a = {}, b = {};
	char out[256] = "";

	vcmp_aip_init(&t);
	CHECK_EQ(ins("192.168.1.77", 24, &a), 0);
	CHECK(look("192.168.1.1") == &a);
	CHECK(look("192.168.1.77") == &a);
	CHECK(!look("192.168.2.77"));
	/* Same prefix, other host bits: the same entry. */
	CHECK_EQ(ins("192.168.1.200", 24, &a), 0);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(a.count, 1);
	CHECK_EQ(ins("2001:db8:1:2:3:4:5:6", 33, &b), 0);
	CHECK(look("2001:db8:7fff::") == &b);
	CHECK(!look("2001:db8:8000::"));
	vcmp_aip_walk_owner(&t, &a, collect_fn, out);
	vcmp_aip_walk_owner(&t, &b, collect_fn, out);
	CHECK(!strcmp(out, "4 192.168.1.0/24;6 2001:db8::/33;"));
	if (strcmp(out, "4 192.168.1.0/24;6 2001:db8::/33;"))
		printf("# walk: %s\n", out);
	CHECK_EQ(rem("192.168.1.1", 24, &a), 0);
	CHECK_EQ(rem("2001:db8:0:ffff::", 33, &b), 0);
	CHECK_EQ(nodes(), 0);
	CHECK(!t.root4 && !t.root6);
	vcmp_aip_free(&t);
}

static void test_owner_change(void)
{
	struct vcmp_aip_owner a = {}, b = {};

	vcmp_aip_init(&t);
	CHECK_EQ(ins("10.0.0.0", 8, &a), 0);
	CHECK_EQ(ins("10.1.0.0", 16, &a), 0);
	CHECK_EQ(ins("10.0.0.0", 8, &a), 0);	/* same owner: no change */
	CHECK_EQ(a.count, 2);
	CHECK_EQ(ins("10.0.0.0", 8, &b), 0);
	CHECK_EQ(t.count, 2);
	CHECK_EQ(a.count, 1);
	CHECK_EQ(b.count, 1);
	CHECK(look("10.2.0.0") == &b);
	CHECK(look("10.1.0.0") == &a);
	CHECK_EQ(rem("10.0.0.0", 8, &a), -ENOENT);
	CHECK(look("10.2.0.0") == &b);
	/* Glue gains an owner: 10.2/16 and 10.3/16 make 10.2/15 glue. */
	CHECK_EQ(ins("10.2.0.0", 16, &a), 0);
	CHECK_EQ(ins("10.3.0.0", 16, &a), 0);
	CHECK_EQ(rem("10.0.0.0", 8, &b), 0);
	CHECK_EQ(nodes(), 5);	/* 10.0/14, 10.0/15 glue, 3 owned */
	CHECK_EQ(ins("10.2.0.0", 15, &b), 0);
	CHECK_EQ(nodes(), 5);
	CHECK(look("10.2.0.0") == &a);
	CHECK(look("10.3.0.0") == &a);
	CHECK_EQ(rem("10.2.0.0", 16, &a), 0);
	CHECK(look("10.2.0.0") == &b);
	CHECK_EQ(vcmp_aip_remove_owner(&t, &a), 2);
	CHECK_EQ(nodes(), 1);
	CHECK(look("10.3.0.0") == &b);
	CHECK(!look("10.1.0.0"));
	CHECK_EQ(vcmp_aip_remove_owner(&t, &b), 1);
	CHECK_EQ(nodes(), 0);
	CHECK(!a.head && !b.head && !a.count && !b.count);
	vcmp_aip_free(&t);
}

static int stop_fn(void *arg, int family, const u8 *addr, u8 cidr)
{
	int *n = arg;

	(void)family;
	(void)addr;
	(void)cidr;
	return ++*n == 2 ? 42 : 0;
}

static void test_remove_and_walk(void)
{
	struct vcmp_aip_owner a = {}, b = {};
	char out[512] = "";
	int n = 0;

	vcmp_aip_init(&t);
	CHECK_EQ(ins("10.0.0.0", 8, &a), 0);
	CHECK_EQ(ins("10.1.0.0", 16, &b), 0);
	CHECK_EQ(ins("fd00::", 8, &a), 0);
	CHECK_EQ(ins("10.1.1.0", 24, &a), 0);
	CHECK_EQ(ins("fd00:1::", 32, &b), 0);
	CHECK_EQ(ins("0.0.0.0", 0, &a), 0);
	CHECK_EQ(a.count, 4);
	CHECK_EQ(b.count, 2);
	vcmp_aip_walk_owner(&t, &a, collect_fn, out);
	CHECK(!strcmp(out,
		      "4 0.0.0.0/0;4 10.1.1.0/24;6 fd00::/8;4 10.0.0.0/8;"));
	if (strcmp(out, "4 0.0.0.0/0;4 10.1.1.0/24;6 fd00::/8;4 10.0.0.0/8;"))
		printf("# walk: %s\n", out);
	CHECK_EQ(vcmp_aip_walk_owner(&t, &a, stop_fn, &n), 42);
	CHECK_EQ(n, 2);

	CHECK_EQ(rem("10.1.0.0", 16, &a), -ENOENT);	/* not a's */
	CHECK_EQ(rem("10.1.0.0", 17, &b), -ENOENT);	/* no such prefix */
	CHECK_EQ(rem("10.1.0.0", 16, NULL), -ENOENT);
	CHECK_EQ(rem("10.1.1.0", 24, &a), 0);
	CHECK_EQ(rem("10.1.1.0", 24, &a), -ENOENT);	/* already gone */
	CHECK(look("10.1.1.1") == &b);
	CHECK_EQ(a.count, 3);

	CHECK_EQ(vcmp_aip_remove_owner(&t, &a), 3);
	CHECK_EQ(vcmp_aip_remove_owner(&t, &a), 0);
	CHECK(look("10.1.1.1") == &b);
	CHECK(!look("10.2.0.0"));
	CHECK(look("fd00:1::1") == &b);
	CHECK(!look("fd00:2::1"));
	out[0] = 0;
	vcmp_aip_walk_owner(&t, &b, collect_fn, out);
	CHECK(!strcmp(out, "6 fd00:1::/32;4 10.1.0.0/16;"));
	CHECK_EQ(t.count, 2);
	CHECK_EQ(nodes(), 2);
	vcmp_aip_free(&t);
	CHECK(!b.head && !b.count);
}

static void test_families_apart(void)
{
	struct vcmp_aip_owner a = {}, b = {};
	u8 addr[16] = { 10, 1, 2, 3 };

	vcmp_aip_init(&t);
	CHECK_EQ(vcmp_aip_insert(&t, 4, addr, 8, &a), 0);
	CHECK(vcmp_aip_lookup(&t, 4, addr) == &a);
	CHECK(!vcmp_aip_lookup(&t, 6, addr));	/* 0a01:0203:: */
	CHECK_EQ(vcmp_aip_remove(&t, 6, addr, 8, &a), -ENOENT);
	CHECK_EQ(vcmp_aip_insert(&t, 6, addr, 8, &b), 0);
	CHECK(vcmp_aip_lookup(&t, 4, addr) == &a);
	CHECK(vcmp_aip_lookup(&t, 6, addr) == &b);
	CHECK_EQ(vcmp_aip_remove(&t, 4, addr, 8, &a), 0);
	CHECK(!vcmp_aip_lookup(&t, 4, addr));
	CHECK(vcmp_aip_lookup(&t, 6, addr) == &b);
	CHECK(!t.root4 && t.root6);
	vcmp_aip_free(&t);
}

static void test_invalid(void)
{
	struct vcmp_aip_owner a = {};
	u8 addr[16] = {};

	vcmp_aip_init(&t);
	CHECK_EQ(vcmp_aip_insert(&t, 4, addr, 33, &a), -EINVAL);
	CHECK_EQ(vcmp_aip_insert(&t, 6, addr, 129, &a), -EINVAL);
	CHECK_EQ(vcmp_aip_insert(&t, 6, addr, 255, &a), -EINVAL);
	CHECK_EQ(vcmp_aip_insert(&t, 0, addr, 0, &a), -EINVAL);
	CHECK_EQ(vcmp_aip_insert(&t, 2, addr, 0, &a), -EINVAL);	/* AF_INET */
	CHECK_EQ(vcmp_aip_insert(&t, 10, addr, 0, &a), -EINVAL);
	CHECK_EQ(vcmp_aip_insert(&t, 5, addr, 0, &a), -EINVAL);
	CHECK_EQ(vcmp_aip_insert(&t, 4, addr, 0, NULL), -EINVAL);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(a.count, 0);
	CHECK(!t.root4 && !t.root6);
	CHECK_EQ(vcmp_aip_insert(&t, 4, addr, 32, &a), 0);
	CHECK_EQ(vcmp_aip_insert(&t, 6, addr, 128, &a), 0);
	CHECK(!vcmp_aip_lookup(&t, 5, addr));
	CHECK(!vcmp_aip_lookup(&t, 0, addr));
	CHECK_EQ(vcmp_aip_remove(&t, 4, addr, 33, &a), -ENOENT);
	CHECK_EQ(vcmp_aip_remove(&t, 7, addr, 32, &a), -ENOENT);
	CHECK_EQ(t.count, 2);
	vcmp_aip_free(&t);
	CHECK_EQ(a.count, 0);
}

/* A chain of 129 nested IPv6 prefixes, the deepest trie there is. */
static void test_deep(void)
{
	struct vcmp_aip_owner o[129] = {};
	u8 addr[16], probe[16];
	int i, ok = 1;

	memset(addr, 0xff, sizeof(addr));
	vcmp_aip_init(&t);
	for (i = 128; i >= 0; i -= 2)
		CHECK_EQ(vcmp_aip_insert(&t, 6, addr, i, &o[i]), 0);
	for (i = 1; i <= 128; i += 2)
		CHECK_EQ(vcmp_aip_insert(&t, 6, addr, i, &o[i]), 0);
	CHECK_EQ(nodes(), 129);
	/* ff..ff with bit i cleared matches exactly the prefixes up to /i. */
	for (i = 0; i < 128; i++) {
		memcpy(probe, addr, sizeof(probe));
		probe[i / 8] &= ~(0x80 >> (i % 8));
		ok &= vcmp_aip_lookup(&t, 6, probe) == &o[i];
	}
	CHECK(ok);
	CHECK(vcmp_aip_lookup(&t, 6, addr) == &o[128]);
	vcmp_aip_free(&t);	/* iteratively */
	CHECK_EQ(nodes(), 0);
}

/* ---- randomized comparison with a brute-force reference ---- */

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define REF_MAX		4096
#define NOWNERS		64

static struct ref_entry ref[REF_MAX];
static int nref;
static struct vcmp_aip_owner owners[NOWNERS];

static void ref_del(int i)
{
	ref[i] = ref[--nref];
}

/* Addresses cluster around a few bases so that prefixes nest and split. */
static u8 bases[2][8][16];

static void rand_addr(int family, u8 *a)
{
	int len = family == 4 ? 4 : 16, i;
	u64 r = rnd();

	memcpy(a, bases[family == 6][r & 7], 16);
	switch ((r >> 3) & 3) {
	case 0:		/* fully random */
		for (i = 0; i < len; i++)
			a[i] = (u8)rnd();
		break;
	case 1:		/* random tail */
		for (i = (int)((r >> 5) % len); i < len; i++)
			a[i] = (u8)rnd();
		break;
	default:	/* a few flipped bits */
		for (i = 0; i < 3; i++) {
			int bit = (int)(rnd() % (8 * len));

			a[bit / 8] ^= 0x80 >> (bit % 8);
		}
	}
	if (len == 4)
		memset(a + 4, 0, 12);
}

static int rand_cidr(int family)
{
	int bits = family == 4 ? 32 : 128;
	u64 r = rnd();

	switch (r & 3) {
	case 0:
		return (int)((r >> 2) % (bits + 1));
	case 1:
		return bits - (int)((r >> 2) % 4);
	default:	/* around byte boundaries */
		return (int)((r >> 2) % (bits / 8 + 1)) * 8;
	}
}

struct walk_state {
	int owner, seen, bad;
};

static int walk_check_fn(void *arg, int family, const u8 *addr, u8 cidr)
{
	struct walk_state *w = arg;
	u8 a[16] = {};
	int i;

	memcpy(a, addr, family == 4 ? 4 : 16);
	i = ref_find(ref, nref, family, a, cidr);
	if (i < 0 || ref[i].owner != w->owner)
		w->bad++;
	w->seen++;
	return 0;
}

static void test_random(void)
{
	int ops = 0, lookups = 0, inserts = 0, removes = 0, fails = 0;
	int i, j, f, cidr, o, want, got;
	struct vcmp_aip_owner *p;
	long maxnodes = 0, n;
	u8 a[16];

	vcmp_aip_init(&t);
	memset(owners, 0, sizeof(owners));
	nref = 0;
	for (i = 0; i < 8; i++)
		for (j = 0; j < 16; j++) {
			bases[0][i][j] = j < 4 ? (u8)rnd() : 0;
			bases[1][i][j] = (u8)rnd();
		}

	for (ops = 0; ops < 300000 && fails < 10; ops++) {
		u64 r = rnd();
		int op = (int)(r % 100);

		f = r & 0x100 ? 6 : 4;
		rand_addr(f, a);
		cidr = rand_cidr(f);
		o = (int)((r >> 12) % NOWNERS);
		if (nref > 1500 && op < 45)
			op = 45;	/* keep the reference small */
		if (op < 30) {		/* insert */
			inserts++;
			got = vcmp_aip_insert(&t, f, a, (u8)cidr, &owners[o]);
			mask_addr(a, f, cidr);
			i = ref_find(ref, nref, f, a, cidr);
			if (i >= 0) {
				ref[i].owner = o;
			} else {
				ref[nref].family = f;
				memcpy(ref[nref].addr, a, 16);
				ref[nref].cidr = cidr;
				ref[nref++].owner = o;
			}
			want = 0;
		} else if (op < 45) {	/* remove an existing one, maybe */
			if (nref && (r & 0x200)) {
				i = (int)((r >> 20) % nref);
				f = ref[i].family;
				memcpy(a, ref[i].addr, 16);
				cidr = ref[i].cidr;
				o = r & 0x400 ? ref[i].owner : o;
				/* host bits are ignored */
				if (cidr < (f == 4 ? 32 : 128))
					a[(f == 4 ? 3 : 15)] |= 1;
			}
			removes++;
			got = vcmp_aip_remove(&t, f, a, (u8)cidr, &owners[o]);
			mask_addr(a, f, cidr);
			i = ref_find(ref, nref, f, a, cidr);
			want = i >= 0 && ref[i].owner == o ? 0 : -ENOENT;
			if (!want)
				ref_del(i);
		} else if (op < 46) {	/* remove_owner */
			got = (int)vcmp_aip_remove_owner(&t, &owners[o]);
			for (want = 0, i = 0; i < nref; i++)
				if (ref[i].owner == o) {
					ref_del(i--);
					want++;
				}
		} else if (op < 47) {	/* walk_owner */
			struct walk_state w = { .owner = o };

			vcmp_aip_walk_owner(&t, &owners[o], walk_check_fn, &w);
			for (want = 0, i = 0; i < nref; i++)
				want += ref[i].owner == o;
			got = w.bad ? -1 : w.seen;
		} else {		/* lookup */
			lookups++;
			if (nref && (r & 0x200)) {
				/* inside a known prefix, random host bits */
				i = (int)((r >> 20) % nref);
				f = ref[i].family;
				for (j = 0; j < 16; j++)
					a[j] = (u8)rnd();
				for (j = 0; j < ref[i].cidr; j++) {
					u8 m = 0x80 >> (j % 8);

					a[j / 8] = (a[j / 8] & ~m) |
						   (ref[i].addr[j / 8] & m);
				}
			}
			p = vcmp_aip_lookup(&t, f, a);
			got = p ? (int)(p - owners) : -1;
			want = ref_lookup(ref, nref, f, a);
		}
		if (got != want) {
			printf("# op %d (kind %d): got %d want %d\n", ops, op,
			       got, want);
			fails++;
		}
		if ((int)t.count != nref) {
			printf("# op %d: count %u, reference %d\n", ops,
			       t.count, nref);
			fails++;
		}
		if (ops % 1000 == 0) {
			n = nodes();
			if (n < 0 || n < nref || n > 2L * nref)
				fails++;
			if (n > maxnodes)
				maxnodes = n;
		}
	}
	CHECK_EQ(fails, 0);
	n = nodes();
	printf("# %d ops (%d inserts, %d removes, %d lookups), %d prefixes and %ld nodes at the end, at most %ld nodes\n",
	       ops, inserts, removes, lookups, nref, n, maxnodes);
	for (o = 0; o < NOWNERS; o++) {
		for (want = 0, i = 0; i < nref; i++)
			want += ref[i].owner == o;
		CHECK_EQ(owners[o].count, want);
		CHECK_EQ(vcmp_aip_remove_owner(&t, &owners[o]), want);
	}
	CHECK_EQ(t.count, 0);
	CHECK_EQ(nodes(), 0);
	CHECK(!t.root4 && !t.root6);
	vcmp_aip_free(&t);
}

/* Insert 100,000 random prefixes, remove them all: no node may remain. */
static void test_churn(void)
{
	static struct { u8 a[16]; u8 cidr, f; } pfx[100000];
	struct vcmp_aip_owner o[16] = {};
	int i, n = (int)ARRAY_SIZE(pfx), dup = 0, err = 0;
	unsigned int distinct;
	long peak;

	vcmp_aip_init(&t);
	for (i = 0; i < n; i++) {
		u64 r = rnd(), r2 = rnd();

		pfx[i].f = r & 1 ? 6 : 4;
		memcpy(pfx[i].a, &r, 8);
		memcpy(pfx[i].a + 8, &r2, 8);
		pfx[i].cidr = (u8)rand_cidr(pfx[i].f);
		if (vcmp_aip_insert(&t, pfx[i].f, pfx[i].a, pfx[i].cidr,
				    &o[i & 15]))
			err++;
	}
	peak = nodes();
	distinct = t.count;
	CHECK(peak >= t.count && peak < 2L * t.count);
	printf("# churn: %d inserts, %u prefixes, %ld nodes\n", n, t.count,
	       peak);
	/* Remove in a different order; duplicates changed owner. */
	for (i = n - 1; i >= 0; i -= 2)
		if (vcmp_aip_remove(&t, pfx[i].f, pfx[i].a, pfx[i].cidr,
				    &o[i & 15]))
			dup++;
	CHECK(nodes() >= 0);
	for (i = n - 2; i >= 0; i -= 2)
		if (vcmp_aip_remove(&t, pfx[i].f, pfx[i].a, pfx[i].cidr,
				    &o[i & 15]))
			dup++;
	CHECK_EQ(err, 0);
	CHECK_EQ(n - dup, distinct);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(nodes(), 0);
	CHECK(!t.root4 && !t.root6);
	for (i = 0; i < 16; i++)
		CHECK(!o[i].count && !o[i].head);
	vcmp_aip_free(&t);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* 10,000 owners with 4 prefixes each: time lookups. */
static void test_timing(void)
{
	enum { N = 10000, LOOKUPS = 2000000 };
	static struct vcmp_aip_owner o[N];
	static u8 probes[4096][16];
	struct timespec t0, t1;
	unsigned long hits = 0;
	double ns4, ns6;
	int i, k, err = 0;
	u8 a[16] = {};
	long n;

	vcmp_aip_init(&t);
	memset(o, 0, sizeof(o));
	for (i = 0; i < N; i++) {
		/* 10.x.y.0/24 and a /32 in it; fd00:x:y::/48 and a /128 */
		a[0] = 10;
		a[1] = (u8)(i >> 8);
		a[2] = (u8)i;
		a[3] = 0;
		err |= vcmp_aip_insert(&t, 4, a, 24, &o[i]);
		a[3] = 1;
		err |= vcmp_aip_insert(&t, 4, a, 32, &o[i]);
		memset(a, 0, 16);
		a[0] = 0xfd;
		a[2] = (u8)(i >> 8);
		a[3] = (u8)i;
		err |= vcmp_aip_insert(&t, 6, a, 48, &o[i]);
		a[15] = 1;
		err |= vcmp_aip_insert(&t, 6, a, 128, &o[i]);
		memset(a, 0, 16);
	}
	CHECK_EQ(err, 0);
	CHECK_EQ(t.count, 4 * N);
	n = nodes();
	printf("# %d prefixes in %ld nodes: %.1f bytes per prefix at 64 bytes a node\n",
	       4 * N, n, 64.0 * n / (4 * N));

	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4096; i++) {
			u64 r = rnd();
			int peer = (int)(r % N);

			memset(probes[i], 0, 16);
			if (!k) {
				probes[i][0] = 10;
				probes[i][1] = (u8)(peer >> 8);
				probes[i][2] = (u8)peer;
				probes[i][3] = (u8)(r >> 32);
			} else {
				probes[i][0] = 0xfd;
				probes[i][2] = (u8)(peer >> 8);
				probes[i][3] = (u8)peer;
				probes[i][15] = (u8)(r >> 32) & 1;
				probes[i][9] = (u8)(r >> 40);
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < LOOKUPS; i++)
			hits += !!vcmp_aip_lookup(&t, k ? 6 : 4,
						  probes[i & 4095]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		*(k ? &ns6 : &ns4) = ((t1.tv_sec - t0.tv_sec) * 1e9 +
				      (t1.tv_nsec - t0.tv_nsec)) / LOOKUPS;
	}
	CHECK_EQ(hits, 2UL * LOOKUPS);
	printf("# lookup, %d owners x 4 prefixes, random owner each time: %.1f ns IPv4, %.1f ns IPv6%s\n",
	       N, ns4, ns6, SANITIZED ? " (sanitized build: the kernel's is faster)" : "");
	for (i = 0; i < N; i += 2)
		CHECK_EQ(vcmp_aip_remove_owner(&t, &o[i]), 4);
	CHECK_EQ(t.count, 2 * N);
	vcmp_aip_free(&t);
	for (i = 0; i < N; i++)
		CHECK(!o[i].count && !o[i].head);
}

static void test_free_empty(void)
{
	struct vcmp_aip_owner a = {};
	u8 addr[16] = { 1 };

	vcmp_aip_init(&t);
	vcmp_aip_free(&t);
	vcmp_aip_free(&t);
	CHECK(!vcmp_aip_lookup(&t, 4, addr));
	CHECK_EQ(vcmp_aip_remove(&t, 4, addr, 8, &a), -ENOENT);
	CHECK_EQ(vcmp_aip_remove_owner(&t, &a), 0);
	CHECK_EQ(vcmp_aip_insert(&t, 4, addr, 8, &a), 0);
	vcmp_aip_free(&t);
	CHECK(!a.head && !a.count && !t.count);
	/* Usable again after a free. */
	CHECK_EQ(vcmp_aip_insert(&t, 4, addr, 8, &a), 0);
	CHECK(vcmp_aip_lookup(&t, 4, addr) == &a);
	CHECK_EQ(nodes(), 1);
	vcmp_aip_free(&t);
}

int main(void)
{
	unit_plan(13);
	unit_run("longest_prefix_v4", test_longest_prefix_v4);
	unit_run("default_routes", test_default_routes);
	unit_run("hosts", test_hosts);
	unit_run("masking", test_masking);
	unit_run("owner_change", test_owner_change);
	unit_run("remove_and_walk", test_remove_and_walk);
	unit_run("families_apart", test_families_apart);
	unit_run("invalid", test_invalid);
	unit_run("deep", test_deep);
	unit_run("random_vs_reference", test_random);
	unit_run("churn", test_churn);
	unit_run("timing", test_timing);
	unit_run("free_empty", test_free_empty);
	return unit_exit();
}
