// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/fec.c: the GF(2^8) arithmetic against a
 * bitwise reference, the code's coefficients and minors, the incremental
 * encoder against a direct matrix product, decoding of every erasure
 * pattern of small groups and of random ones of large groups, the
 * decoder's refusals, and the policy against an exact binomial computed
 * in floating point. Also prints the encoder's throughput.
 */
#include <stdlib.h>
#include <time.h>

#include "fec.h"
#include "unit.h"

#define MAX_K VCMP_FEC_MAX_K
#define MAX_M VCMP_FEC_MAX_M

static u64 rng_state = 0xfec0fec0deadbeefULL;

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

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* Carry-less multiplication modulo 0x11d, bit by bit. */
static u8 ref_mul(u8 a, u8 b)
{
	unsigned int r = 0, x = a;

	while (b) {
		if (b & 1)
			r ^= x;
		b >>= 1;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11d;
	}
	return (u8)r;
}

static u8 ref_inv(u8 a)
{
	unsigned int x;

	for (x = 1; x < 256; x++)
		if (ref_mul(a, (u8)x) == 1)
			return (u8)x;
	return 0;
}

/* ---- groups: data, parity, erasures, decoding ---- */

struct group {
	unsigned int k, m, n;		/* n data packets encoded, n <= k */
	unsigned int len[MAX_K];
	u8 *data[MAX_K];
	u8 *par[MAX_M];			/* exactly plen bytes each */
	unsigned int plen;
};

static void group_free(struct group *g)
{
	unsigned int i;

	for (i = 0; i < g->n; i++)
		free(g->data[i]);
	for (i = 0; i < g->m; i++)
		free(g->par[i]);
	memset(g, 0, sizeof(*g));
}

/* Encode @n data packets of lengths @len (random bytes) with (k, m). */
static void group_make(struct group *g, unsigned int k, unsigned int m,
		       unsigned int n, const unsigned int *len)
{
	struct vcmp_fec_enc enc;
	u8 *buf[MAX_M];
	unsigned int i, j, maxlen = 0, size;

	memset(g, 0, sizeof(*g));
	g->k = k;
	g->m = m;
	g->n = n;
	for (i = 0; i < n; i++) {
		unsigned int b;

		g->len[i] = len[i];
		g->data[i] = xmalloc(len[i]);
		for (b = 0; b < len[i]; b++)
			g->data[i][b] = (u8)rnd();
		if (len[i] > maxlen)
			maxlen = len[i];
	}
	size = VCMP_FEC_PARITY_LEN(maxlen) + rnd_below(3);
	for (j = 0; j < m; j++) {
		buf[j] = xmalloc(size);
		memset(buf[j], 0xa5, size);	/* no clearing needed */
	}
	CHECK_EQ(vcmp_fec_enc_init(&enc, k, m, buf, size), 0);
	for (i = 0; i < n; i++) {
		CHECK(!vcmp_fec_enc_full(&enc));
		CHECK_EQ(vcmp_fec_enc_add(&enc, g->data[i], len[i]), i);
	}
	CHECK_EQ(vcmp_fec_enc_full(&enc), n == k);
	CHECK_EQ(vcmp_fec_enc_count(&enc), n);
	g->plen = vcmp_fec_enc_parity_len(&enc);
	CHECK_EQ(g->plen, VCMP_FEC_PARITY_LEN(maxlen));
	/* Closing early: the group is one of k = n. */
	g->k = n;
	for (j = 0; j < m; j++) {
		g->par[j] = xmalloc(g->plen);
		memcpy(g->par[j], buf[j], g->plen);
		free(buf[j]);
	}
}

/* Parity by the definition: sum of A[j][i] * padded symbol i. */
static void check_parity_reference(const struct group *g)
{
	unsigned int i, j, b;

	for (j = 0; j < g->m; j++) {
		for (b = 0; b < g->plen; b++) {
			u8 want = 0;

			for (i = 0; i < g->n; i++) {
				u8 s;

				if (b < 2)
					s = (u8)(g->len[i] >> (b ? 0 : 8));
				else if (b - 2 < g->len[i])
					s = g->data[i][b - 2];
				else
					s = 0;
				want ^= ref_mul(vcmp_fec_coef(j, i), s);
			}
			if (g->par[j][b] != want) {
				CHECK_EQ(g->par[j][b], want);
				return;
			}
		}
	}
}

static struct vcmp_fec_scratch scratch;

/*
 * Feed the members of @g not in @erased (bit i: data i, bit k + j: parity
 * j) to a decoder in random order, checking its state after each, and
 * decode. Return 1 when the data came back, 0 when it could not (too many
 * erasures), checking which of the two it had to be.
 */
static int group_decode(const struct group *g, u64 erased, bool know_k)
{
	struct vcmp_fec_dec dec;
	struct vcmp_fec_out out[MAX_M + 1];
	unsigned int order[MAX_K + MAX_M], nmem = g->k + g->m, i, j;
	unsigned int ndata = 0, npar = 0, missing, nout = 0;
	int rc, ok = 1;

	for (i = 0; i < nmem; i++)
		order[i] = i;
	for (i = nmem; i > 1; i--) {
		unsigned int r = rnd_below(i), t = order[i - 1];

		order[i - 1] = order[r];
		order[r] = t;
	}
	CHECK_EQ(vcmp_fec_dec_init(&dec, know_k ? g->k : 0), 0);
	for (i = 0; i < nmem; i++) {
		unsigned int x = order[i];
		enum vcmp_fec_state want;

		if (erased & (1ULL << x))
			continue;
		if (x < g->k) {
			rc = vcmp_fec_dec_add_data(&dec, x, g->data[x],
						   g->len[x]);
			ndata++;
		} else {
			rc = vcmp_fec_dec_add_parity(&dec, g->k, x - g->k,
						     g->par[x - g->k],
						     g->plen);
			npar++;
		}
		CHECK_EQ(rc, 0);
		if (!know_k && !npar)
			want = VCMP_FEC_WAIT;
		else if (ndata == g->k)
			want = VCMP_FEC_DONE;
		else if (ndata + npar >= g->k)
			want = VCMP_FEC_READY;
		else
			want = VCMP_FEC_WAIT;
		CHECK_EQ(vcmp_fec_dec_state(&dec), want);
		/* A second copy is refused. */
		if (x < g->k)
			CHECK_EQ(vcmp_fec_dec_add_data(&dec, x, g->data[x],
						       g->len[x]), -EEXIST);
		else
			CHECK_EQ(vcmp_fec_dec_add_parity(&dec, g->k, x - g->k,
							 g->par[x - g->k],
							 g->plen), -EEXIST);
	}
	missing = g->k - ndata;
	if (!missing) {
		/* All data there; DONE once k is known. */
		CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 0, &scratch),
			 know_k || npar ? 0 : -EAGAIN);
		return 1;
	}
	if (vcmp_fec_dec_state(&dec) != VCMP_FEC_READY) {
		CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 0, &scratch), -EAGAIN);
		CHECK(missing > npar);
		return 0;
	}
	CHECK(missing && missing <= g->m);
	CHECK_EQ(vcmp_fec_dec_missing(&dec), missing);
	CHECK_EQ(vcmp_fec_dec_out_size(&dec), g->plen - 2);
	for (i = 0; i < missing; i++) {
		out[i].size = vcmp_fec_dec_out_size(&dec);
		out[i].buf = xmalloc(out[i].size);
		out[i].len = 12345;
		out[i].index = 0xff;
		nout++;
	}
	if (missing > 1)
		CHECK_EQ(vcmp_fec_dec_decode(&dec, out, missing - 1, &scratch),
			 -ENOBUFS);
	rc = vcmp_fec_dec_decode(&dec, out, missing, &scratch);
	CHECK_EQ(rc, missing);
	j = 0;
	for (i = 0; i < g->k && j < missing; i++) {
		if (!(erased & (1ULL << i)))
			continue;
		CHECK_EQ(out[j].index, i);
		CHECK_EQ(out[j].len, g->len[i]);
		if (out[j].len != g->len[i] ||
		    memcmp(out[j].buf, g->data[i], g->len[i])) {
			CHECK(!"rebuilt bytes differ");
			ok = 0;
			break;
		}
		j++;
	}
	CHECK_EQ(vcmp_fec_dec_state(&dec), VCMP_FEC_DONE);
	CHECK_EQ(vcmp_fec_dec_decode(&dec, out, missing, &scratch), 0);
	for (i = 0; i < g->k; i++)
		if (erased & (1ULL << i))
			CHECK_EQ(vcmp_fec_dec_add_data(&dec, i, g->data[i],
						       g->len[i]), -EEXIST);
	for (i = 0; i < nout; i++)
		free(out[i].buf);
	return ok;
}

static void random_lens(unsigned int *len, unsigned int n, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		len[i] = rnd_below(max + 1);
}

/* ---- cases ---- */

static void test_gf_reference(void)
{
	unsigned int a, b, bad = 0;

	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++)
			bad += vcmp_gf_mul((u8)a, (u8)b) !=
				ref_mul((u8)a, (u8)b);
	CHECK_EQ(bad, 0);
	/* x generates the multiplicative group: order 255. */
	for (a = 1, b = 0; b < 255; b++) {
		a = vcmp_gf_mul((u8)a, 2);
		if (a == 1)
			break;
	}
	CHECK_EQ(b, 254);
}

static void test_gf_axioms(void)
{
	unsigned int a, b, c, bad = 0;

	for (a = 0; a < 256; a++) {
		CHECK_EQ(vcmp_gf_mul((u8)a, 1), a);
		CHECK_EQ(vcmp_gf_mul((u8)a, 0), 0);
		if (a) {
			u8 inv = vcmp_gf_inv((u8)a);

			CHECK_EQ(vcmp_gf_mul((u8)a, inv), 1);
			CHECK_EQ(inv, ref_inv((u8)a));
			CHECK_EQ(vcmp_gf_div(1, (u8)a), inv);
		}
		for (b = 0; b < 256; b++) {
			u8 ab = vcmp_gf_mul((u8)a, (u8)b);

			bad += ab != vcmp_gf_mul((u8)b, (u8)a);
			if (b)
				bad += vcmp_gf_div(ab, (u8)b) != a;
			for (c = 0; c < 256; c++) {
				u8 x = (u8)c;

				bad += vcmp_gf_mul(ab, x) !=
					vcmp_gf_mul((u8)a,
						    vcmp_gf_mul((u8)b, x));
				bad += vcmp_gf_mul((u8)a, (u8)(b ^ c)) !=
					(ab ^ vcmp_gf_mul((u8)a, x));
			}
		}
	}
	CHECK_EQ(vcmp_gf_inv(0), 0);
	CHECK_EQ(bad, 0);
}

static u8 det2(u8 a, u8 b, u8 c, u8 d)
{
	return vcmp_gf_mul(a, d) ^ vcmp_gf_mul(b, c);
}

static void test_coefficients(void)
{
	unsigned int i, j, i2, j2, i3, j3, bad = 0, minors = 0;

	for (j = 0; j < MAX_M; j++) {
		for (i = 0; i < MAX_K; i++) {
			/* C[j][i] C[0][0] / (C[0][i] C[j][0]), independently */
			u8 num = ref_mul(255 ^ i, 255 ^ j);
			u8 den = ref_mul(255 ^ j ^ i, 255);

			CHECK_EQ(vcmp_fec_coef(j, i), ref_mul(num, ref_inv(den)));
			bad += !vcmp_fec_coef(j, i);
			if (!i || !j)
				CHECK_EQ(vcmp_fec_coef(j, i), 1);
		}
	}
	CHECK_EQ(vcmp_fec_coef(MAX_M, 0), 0);
	CHECK_EQ(vcmp_fec_coef(0, MAX_K), 0);
	/* Every 2 x 2 and 3 x 3 minor is non-zero (Laplace on row 1). */
	for (j = 0; j < MAX_M; j++)
	for (j2 = j + 1; j2 < MAX_M; j2++)
	for (i = 0; i < MAX_K; i++)
	for (i2 = i + 1; i2 < MAX_K; i2++) {
		u8 a = vcmp_fec_coef(j, i), b = vcmp_fec_coef(j, i2);
		u8 c = vcmp_fec_coef(j2, i), d = vcmp_fec_coef(j2, i2);

		bad += !det2(a, b, c, d);
		minors++;
		for (j3 = j2 + 1; j3 < MAX_M; j3++) {
			for (i3 = i2 + 1; i3 < MAX_K; i3++) {
				u8 e = vcmp_fec_coef(j3, i);
				u8 f = vcmp_fec_coef(j3, i2);
				u8 h = vcmp_fec_coef(j3, i3);
				u8 x = vcmp_fec_coef(j, i3);
				u8 y = vcmp_fec_coef(j2, i3);
				u8 det = vcmp_gf_mul(a, det2(d, y, f, h)) ^
					 vcmp_gf_mul(b, det2(c, y, e, h)) ^
					 vcmp_gf_mul(x, det2(c, d, e, f));

				bad += !det;
				minors++;
			}
		}
	}
	printf("# %u minors checked\n", minors);
	CHECK_EQ(bad, 0);
}

static void test_encoder_reference(void)
{
	unsigned int k, m, trial, lens[MAX_K];
	struct group g;

	for (trial = 0; trial < 300; trial++) {
		k = 1 + rnd_below(MAX_K);
		m = rnd_below(MAX_M + 1);
		random_lens(lens, k, trial % 3 ? 200 : 1500);
		/* One in four closes the group early. */
		group_make(&g, k, m, trial % 4 ? k : 1 + rnd_below(k), lens);
		check_parity_reference(&g);
		if (g.n < k)
			CHECK(group_decode(&g, 1, false) || m == 0);
		group_free(&g);
	}
}

/* Every erasure pattern of every member for k <= 8, m <= 4. */
static void test_all_erasure_patterns(void)
{
	unsigned int k, m, lens[MAX_K], groups = 0;
	unsigned long decoded = 0, refused = 0;

	for (k = 1; k <= 8; k++) {
		for (m = 0; m <= 4; m++) {
			unsigned int n = k + m;
			u64 mask;
			struct group g;

			random_lens(lens, k, 64);
			lens[rnd_below(k)] = 1 + rnd_below(3);
			group_make(&g, k, m, k, lens);
			groups++;
			for (mask = 0; mask < (1ULL << n); mask++) {
				unsigned int e = __builtin_popcountll(mask);
				int ok = group_decode(&g, mask, mask & 1);

				CHECK_EQ(ok, e <= m);
				decoded += ok;
				refused += !ok;
				if (unit_case_failed) {
					printf("# k %u m %u mask %llx\n", k, m,
					       (unsigned long long)mask);
					group_free(&g);
					return;
				}
			}
			group_free(&g);
		}
	}
	printf("# %u groups: %lu patterns decoded, %lu refused\n", groups,
	       decoded, refused);
}

static void test_lengths(void)
{
	static const unsigned int sets[][4] = {
		{ 1, 1, 1, 1 }, { 0, 0, 0, 0 }, { 0, 1, 0, 2 },
		{ 1500, 1, 1500, 0 }, { 1, 1500, 7, 1499 },
		{ VCMP_FEC_MAX_DATA, 1, 0, 300 },
		{ 255, 256, 257, 65535 - 2 },
	};
	unsigned int s, x, y;

	for (s = 0; s < ARRAY_SIZE(sets); s++) {
		struct group g;

		group_make(&g, 4, 3, 4, sets[s]);
		check_parity_reference(&g);
		for (x = 0; x < 7; x++) {
			CHECK(group_decode(&g, 1ULL << x, false));
			for (y = x + 1; y < 7; y++)
				CHECK(group_decode(&g, 1ULL << x | 1ULL << y,
						   true));
		}
		CHECK(group_decode(&g, 0x7, false));
		CHECK(!group_decode(&g, 0xf, false));
		group_free(&g);
	}
}

static void test_k1_duplication(void)
{
	unsigned int lens[1], j, t;

	for (t = 0; t < 20; t++) {
		struct group g;

		lens[0] = t == 0 ? 0 : t == 1 ? 1 : rnd_below(1501);
		group_make(&g, 1, MAX_M, 1, lens);
		for (j = 0; j < MAX_M; j++) {
			CHECK_EQ(g.plen, lens[0] + 2);
			CHECK_EQ(g.par[j][0], lens[0] >> 8);
			CHECK_EQ(g.par[j][1], lens[0] & 0xff);
			CHECK(!memcmp(g.par[j] + 2, g.data[0], lens[0]));
			/* The data and every parity but j lost. */
			CHECK(group_decode(&g, ((1ULL << (MAX_M + 1)) - 1) &
					   ~(1ULL << (j + 1)), false));
		}
		group_free(&g);
	}
}

static void test_m0(void)
{
	unsigned int lens[MAX_K], i;
	struct vcmp_fec_enc enc;
	struct group g;

	/* No parity buffers at all. */
	CHECK_EQ(vcmp_fec_enc_init(&enc, 3, 0, NULL, 0), 0);
	CHECK_EQ(vcmp_fec_enc_add(&enc, (const u8 *)"abc", 3), 0);
	CHECK_EQ(vcmp_fec_enc_add(&enc, (const u8 *)"abcd", 4), 1);
	CHECK_EQ(vcmp_fec_enc_add(&enc, NULL, 0), 2);
	CHECK(vcmp_fec_enc_full(&enc));
	CHECK_EQ(vcmp_fec_enc_add(&enc, (const u8 *)"x", 1), -ENOSPC);

	random_lens(lens, MAX_K, 100);
	group_make(&g, MAX_K, 0, MAX_K, lens);
	CHECK(group_decode(&g, 0, true));	/* DONE */
	CHECK(group_decode(&g, 0, false));	/* WAIT: k never known */
	for (i = 0; i < MAX_K; i++)
		CHECK(!group_decode(&g, 1ULL << i, true));
	group_free(&g);
}

static void test_decoder_refusals(void)
{
	static u8 buf[2000], out_buf[2000];
	struct vcmp_fec_out out[2] = { { .buf = out_buf, .size = 10 } };
	struct vcmp_fec_dec dec;
	struct vcmp_fec_enc enc;
	u8 par[2][100], *pp[2] = { par[0], par[1] };
	u8 x[3] = { 1, 2, 3 }, y[5] = { 9, 8, 7, 6, 5 };

	CHECK_EQ(vcmp_fec_dec_init(&dec, MAX_K + 1), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_init(&dec, 4), 0);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 4, buf, 1), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, MAX_K, buf, 1), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 0, buf, VCMP_FEC_MAX_DATA + 1),
		 -EMSGSIZE);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 5, 0, buf, 10), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 0, 0, buf, 10), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, MAX_M, buf, 10), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, 0, buf, 1), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, 0, buf, 65536), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 0, buf, 20), 0);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, 0, buf, 21), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, 0, buf, 22), 0);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, 1, buf, 23), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 1, buf, 21), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 1, buf, 20), 0);
	CHECK_EQ(vcmp_fec_dec_state(&dec), VCMP_FEC_WAIT);
	CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 2, &scratch), -EAGAIN);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 4, 5, buf, 22), 0);
	CHECK_EQ(vcmp_fec_dec_state(&dec), VCMP_FEC_READY);
	CHECK_EQ(vcmp_fec_dec_missing(&dec), 2);
	CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 1, &scratch), -ENOBUFS);
	out[1].buf = out_buf + 1000;
	out[1].size = 20;
	CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 2, &scratch), -EMSGSIZE);

	/* k from a parity, data beyond it recorded before. */
	CHECK_EQ(vcmp_fec_dec_init(&dec, 0), 0);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 7, buf, 3), 0);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 7, 0, buf, 10), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 8, 0, buf, 4), -EINVAL);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 8, 0, buf, 10), 0);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 9, 1, buf, 10), -EINVAL);

	/* A corrupted parity rebuilds a length beyond it: EBADMSG. */
	CHECK_EQ(vcmp_fec_enc_init(&enc, 2, 2, pp, 4), 0);
	CHECK_EQ(vcmp_fec_enc_add(&enc, x, 3), -EMSGSIZE);
	CHECK_EQ(vcmp_fec_enc_init(&enc, 2, 2, pp, sizeof(par[0])), 0);
	CHECK_EQ(vcmp_fec_enc_add(&enc, x, 3), 0);
	CHECK_EQ(vcmp_fec_enc_add(&enc, y, 5), 1);
	CHECK_EQ(vcmp_fec_enc_add(&enc, y, 5), -ENOSPC);
	CHECK_EQ(vcmp_fec_enc_parity_len(&enc), 7);
	par[0][0] ^= 1;
	CHECK_EQ(vcmp_fec_dec_init(&dec, 0), 0);
	CHECK_EQ(vcmp_fec_dec_add_data(&dec, 1, y, 5), 0);
	CHECK_EQ(vcmp_fec_dec_add_parity(&dec, 2, 0, par[0], 7), 0);
	out[0].size = 5;
	out[0].len = 77;
	CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 1, &scratch), -EBADMSG);
	CHECK_EQ(out[0].len, 77);
	CHECK_EQ(vcmp_fec_dec_state(&dec), VCMP_FEC_READY);
	par[0][0] ^= 1;
	CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 1, &scratch), 1);
	CHECK_EQ(out[0].len, 3);
	CHECK_EQ(out[0].index, 0);
	CHECK(!memcmp(out_buf, x, 3) && !out_buf[3] && !out_buf[4]);

	/* Encoder arguments. */
	CHECK_EQ(vcmp_fec_enc_init(&enc, 0, 1, pp, 100), -EINVAL);
	CHECK_EQ(vcmp_fec_enc_init(&enc, MAX_K + 1, 1, pp, 100), -EINVAL);
	CHECK_EQ(vcmp_fec_enc_init(&enc, 4, MAX_M + 1, pp, 100), -EINVAL);
	CHECK_EQ(vcmp_fec_enc_init(&enc, 4, 2, pp, 1), -EINVAL);
	pp[1] = NULL;
	CHECK_EQ(vcmp_fec_enc_init(&enc, 4, 2, pp, 100), -EINVAL);
	CHECK_EQ(vcmp_fec_enc_init(&enc, 4, 1, pp, 100), 0);
	CHECK_EQ(vcmp_fec_enc_add(&enc, buf, 99), -EMSGSIZE);
	CHECK_EQ(vcmp_fec_enc_add(&enc, buf, 98), 0);
}

static void test_random_erasures(void)
{
	unsigned long trials, decoded = 0, refused = 0, rebuilt_groups = 0;
	unsigned int lens[MAX_K];

	for (trials = 0; trials < 60000; trials++) {
		unsigned int k = 1 + rnd_below(MAX_K), m = rnd_below(MAX_M + 1);
		unsigned int i, e = 0, maxlen;
		u64 mask = 0;
		struct group g;
		int ok;

		maxlen = trials % 100 == 0 ? 1500 : 1 + rnd_below(48);
		random_lens(lens, k, maxlen);
		group_make(&g, k, m, k, lens);
		/* Erase each member with a random rate up to 40 %. */
		for (i = 0, ok = rnd_below(400); i < k + m; i++)
			if (rnd_below(1000) < (unsigned int)ok)
				mask |= 1ULL << i;
		e = __builtin_popcountll(mask);
		ok = group_decode(&g, mask, rnd() & 1);
		CHECK_EQ(ok, e <= m);
		decoded += ok;
		refused += !ok;
		rebuilt_groups += ok && (mask & ((1ULL << k) - 1));
		group_free(&g);
		if (unit_case_failed)
			break;
	}
	printf("# %lu random groups: %lu decodable (%lu rebuilt data), %lu not\n",
	       trials, decoded, rebuilt_groups, refused);
	CHECK(rebuilt_groups > 20000);
}

/* ---- policy ---- */

/* r(k, m, p) = p * P[Bin(k + m - 1, p) >= m], in double. */
static double exact_residual(unsigned int k, unsigned int m, double p)
{
	unsigned int n = k + m - 1, l, t;
	double tail = 0;

	for (l = m; l <= n; l++) {
		double term = 1;

		for (t = 0; t < l; t++)
			term *= (double)(n - t) / (t + 1) * p;
		for (t = 0; t < n - l; t++)
			term *= 1 - p;
		tail += term;
	}
	return p * tail;
}

static void test_residual_accuracy(void)
{
	static const u32 losses[] = {
		0, 1, 100, 1000, 10000, 30000, 100000, 250000, 500000,
		900000, 1000000,
	};
	unsigned int i, k, m, bad = 0;
	double worst = 0;

	for (i = 0; i < ARRAY_SIZE(losses); i++) {
		for (k = 1; k <= MAX_K; k++) {
			for (m = 0; m <= MAX_M; m++) {
				double want = exact_residual(k, m,
							     losses[i] / 1e6);
				double got = vcmp_fec_residual_ppb(k, m,
								   losses[i]);

				want *= 1e9;
				/*
				 * An upper bound, above by 1 ppb (the final
				 * rounding) + 1e-6 of the loss (2^-31 per
				 * step and member, on p and 1 - p too).
				 */
				if (got < want - 1e-6 ||
				    got > want + 1 + losses[i] * 1e-3) {
					if (!bad++)
						printf("# k %u m %u loss %u: %.0f, want %.3f\n",
						       k, m, losses[i], got, want);
				}
				if (got - want > worst)
					worst = got - want;
			}
		}
	}
	printf("# worst rounding up: %.3f ppb\n", worst);
	CHECK_EQ(bad, 0);
	CHECK_EQ(vcmp_fec_residual_ppb(0, 1, 1000), U32_MAX);
	CHECK_EQ(vcmp_fec_residual_ppb(1, MAX_M + 1, 1000), U32_MAX);
	CHECK_EQ(vcmp_fec_residual_ppb(8, 0, 30000), 30000000);
	CHECK_EQ(vcmp_fec_residual_ppb(8, 2, 2000000),
		 vcmp_fec_residual_ppb(8, 2, 1000000));
}

static void test_policy(void)
{
	static const u32 losses[] = {
		0, 500, 1000, 1001, 5000, 10000, 30000, 50000, 100000, 200000,
		400000,
	};
	static const unsigned int kmaxes[] = { 4, 8, 16, 32 };
	const u32 target = 1000;	/* 0.1 % */
	unsigned int i, x, k, m, k2, m2;

	printf("# policy, target 0.1 %% residual loss: (k, m) overhead residual\n");
	printf("# loss %%   k_max=4             k_max=8             k_max=16            k_max=32\n");
	for (i = 0; i < ARRAY_SIZE(losses); i++) {
		char line[256];
		int at = 0;

		at += snprintf(line + at, sizeof(line) - at, "# %6.2f",
			       losses[i] / 1e4);
		for (x = 0; x < ARRAY_SIZE(kmaxes); x++) {
			double p = losses[i] / 1e6, r;
			int rc = vcmp_fec_choose(losses[i], target, kmaxes[x],
						 &k, &m);

			if (!k) {
				CHECK_EQ(rc, 0);
				CHECK(losses[i] <= target);
				CHECK_EQ(m, 0);
				at += snprintf(line + at, sizeof(line) - at,
					       "  %-18s", "none");
				continue;
			}
			CHECK(k <= kmaxes[x] && m <= MAX_M);
			r = exact_residual(k, m, p);
			at += snprintf(line + at, sizeof(line) - at,
				       "  (%2u,%u) %3.0f%% %6.4f%s", k, m,
				       100.0 * m / k, 100 * r, rc ? "!" : " ");
			if (rc) {
				CHECK_EQ(rc, -ERANGE);
				CHECK(r > target / 1e6);
				continue;
			}
			CHECK(r <= target / 1e6);
			CHECK_EQ(vcmp_fec_min_parity(k, losses[i], target), m);
			if (m)
				CHECK(exact_residual(k, m - 1, p) > target / 1e6);
			/* Nothing cheaper meets the target. */
			for (k2 = 1; k2 <= kmaxes[x]; k2++)
				for (m2 = 0; m2 <= MAX_M; m2++)
					if (m2 * k < m * k2)
						CHECK(exact_residual(k2, m2, p) >
						      target / 1e6 * (1 - 1e-6));
		}
		printf("%s\n", line);
	}
	printf("# (! = target unreachable, lowest residual shown)\n");

	/* The acceptance case: 3 % loss, 0.1 % target. */
	CHECK_EQ(vcmp_fec_choose(30000, 1000, 16, &k, &m), 0);
	CHECK(k >= 8 && m >= 2 && exact_residual(k, m, 0.03) <= 0.001);
	CHECK_EQ(vcmp_fec_min_parity(8, 30000, 1000), 2);
	CHECK_EQ(vcmp_fec_min_parity(16, 30000, 1000), 3);
	CHECK_EQ(vcmp_fec_min_parity(16, 0, 1000), 0);
	CHECK_EQ(vcmp_fec_min_parity(16, 1000, 1000), 0);
	CHECK_EQ(vcmp_fec_min_parity(0, 1000, 1000), -EINVAL);
	CHECK_EQ(vcmp_fec_min_parity(32, 900000, 1000), -ERANGE);
	CHECK_EQ(vcmp_fec_choose(0, 0, 16, &k, &m), 0);
	CHECK(!k && !m);
	/* Residuals round up to 1 ppb at least: 0 is out of reach. */
	CHECK_EQ(vcmp_fec_choose(10, 0, 0, &k, &m), -ERANGE);
	CHECK_EQ(k, 1);
	CHECK_EQ(m, 1);
	CHECK_EQ(vcmp_fec_choose(900000, 1000, 32, &k, &m), -ERANGE);
	CHECK_EQ(k, 1);
	CHECK_EQ(m, MAX_M);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_throughput(void)
{
	static u8 data[8][1400], par[2][1402], out_buf[2][1400];
	u8 *pp[2] = { par[0], par[1] };
	struct vcmp_fec_out out[2] = {
		{ .buf = out_buf[0], .size = 1400 },
		{ .buf = out_buf[1], .size = 1400 },
	};
	struct vcmp_fec_enc enc;
	struct vcmp_fec_dec dec;
	unsigned long groups = 0, i;
	double t0, t;

	for (i = 0; i < sizeof(data); i++)
		data[i / 1400][i % 1400] = (u8)rnd();
	t0 = now();
	do {
		for (i = 0; i < 64; i++, groups++) {
			unsigned int x;

			vcmp_fec_enc_init(&enc, 8, 2, pp, sizeof(par[0]));
			for (x = 0; x < 8; x++)
				vcmp_fec_enc_add(&enc, data[x], 1400);
		}
		t = now() - t0;
	} while (t < 0.3);
	printf("# encoder k=8 m=2, 1400-byte packets: %.0f MB/s of data (%.2f us/packet)\n",
	       groups * 8 * 1400 / t / 1e6, t / (groups * 8) * 1e6);

	groups = 0;
	t0 = now();
	do {
		for (i = 0; i < 64; i++, groups++) {
			unsigned int x;

			vcmp_fec_dec_init(&dec, 8);
			for (x = 2; x < 8; x++)
				vcmp_fec_dec_add_data(&dec, x, data[x], 1400);
			vcmp_fec_dec_add_parity(&dec, 8, 0, par[0], 1402);
			vcmp_fec_dec_add_parity(&dec, 8, 1, par[1], 1402);
			CHECK_EQ(vcmp_fec_dec_decode(&dec, out, 2, &scratch),
				 2);
		}
		t = now() - t0;
	} while (t < 0.3);
	CHECK(!memcmp(out_buf, data, sizeof(out_buf)));
	printf("# decoder k=8 m=2, 2 lost: %.0f MB/s rebuilt (%.2f us/group)\n",
	       groups * 2 * 1400 / t / 1e6, t / groups * 1e6);
}

/* The FEC header of parity packets: round trip and every refusal. */
static void test_parity_header(void)
{
	struct vcmp_fec_parity_hdr h = {
		.k = 4, .j = 1, .m = 2, .start = 0xfffffffe,
		.offset = { 0, 1, 3, 255 },
	}, d;
	u8 buf[64];
	unsigned int len = vcmp_fec_hdr_len(4) + VCMP_FEC_LEN_BYTES + 1;

	memset(buf, 0xee, sizeof(buf));
	vcmp_fec_hdr_encode(&h, buf);
	CHECK_EQ(buf[0], 4);
	CHECK_EQ(buf[3], 0);
	CHECK_EQ(buf[4], 0xff);
	CHECK_EQ(buf[7], 0xfe);
	CHECK_EQ(buf[VCMP_FEC_HDR_LEN + 3], 255);
	CHECK_EQ(buf[VCMP_FEC_HDR_LEN + 4], 0xee);	/* no more than k */
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), VCMP_FEC_HDR_LEN + 4);
	CHECK_EQ(d.k, 4);
	CHECK_EQ(d.j, 1);
	CHECK_EQ(d.m, 2);
	CHECK_EQ(d.start, 0xfffffffe);
	CHECK(!memcmp(d.offset, h.offset, 4));
	/* No parity symbol of at least 3 bytes after it. */
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len - 1), -EINVAL);
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, 7), -EINVAL);
	/* k, j, m, reserved byte and offsets out of range. */
	buf[0] = 0;
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), -EINVAL);
	buf[0] = VCMP_FEC_MAX_K + 1;
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, sizeof(buf)), -EINVAL);
	buf[0] = 4;
	buf[1] = 2;
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), -EINVAL);
	buf[1] = 1;
	buf[2] = VCMP_FEC_MAX_M + 1;
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), -EINVAL);
	buf[2] = 2;
	buf[3] = 1;
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), -EINVAL);
	buf[3] = 0;
	buf[VCMP_FEC_HDR_LEN] = 1;		/* first offset not 0 */
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), -EINVAL);
	buf[VCMP_FEC_HDR_LEN] = 0;
	buf[VCMP_FEC_HDR_LEN + 2] = 1;		/* not increasing */
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), -EINVAL);
	buf[VCMP_FEC_HDR_LEN + 2] = 3;
	CHECK_EQ(vcmp_fec_hdr_decode(&d, buf, len), VCMP_FEC_HDR_LEN + 4);
}

int main(void)
{
	vcmp_fec_init();
	unit_plan(15);
	unit_run("gf_mul_vs_bitwise_reference", test_gf_reference);
	unit_run("gf_field_axioms", test_gf_axioms);
	unit_run("cauchy_coefficients_and_minors", test_coefficients);
	unit_run("encoder_vs_matrix_product", test_encoder_reference);
	unit_run("every_erasure_pattern_k8_m4", test_all_erasure_patterns);
	unit_run("lengths_0_1_1500_max", test_lengths);
	unit_run("k1_is_duplication", test_k1_duplication);
	unit_run("m0_no_parity", test_m0);
	unit_run("decoder_refusals", test_decoder_refusals);
	unit_run("random_erasures_60k", test_random_erasures);
	unit_run("residual_vs_exact_binomial", test_residual_accuracy);
	unit_run("policy_table", test_policy);
	unit_run("throughput", test_throughput);
	unit_run("parity_header", test_parity_header);
	vcmp_fec_init();	/* again: harmless */
	unit_run("gf_mul_after_reinit", test_gf_reference);
	return unit_exit();
}
