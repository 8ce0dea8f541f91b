// SPDX-License-Identifier: GPL-2.0
/*
 * FEC codec: a systematic erasure code over GF(2^8), and the policy that
 * sizes its groups. Pure logic (see pure.h), tested on the host by
 * selftests/unit/test_fec.c and fuzzed by selftests/unit/fuzz_fec.c.
 *
 * The field is GF(2)[x] / (x^8 + x^4 + x^3 + x^2 + 1), 0x11d, in which x
 * (2) generates the multiplicative group: a * b = exp(log a + log b).
 *
 * The code. Take the Cauchy matrix C[j][i] = 1 / (x_j + y_i) with
 * x_j = 255 - j and y_i = i: the x_j are distinct, the y_i are distinct
 * and no x_j equals a y_i as long as i + j < 255, so every square
 * submatrix of C is invertible (its determinant is a product of non-zero
 * differences over a product of non-zero sums). Multiplying a row or a
 * column by a non-zero constant keeps that true, so
 *
 *	A[j][i] = C[j][i] * C[0][0] / (C[0][i] * C[j][0])
 *
 * has it as well, with row 0 and column 0 all ones. The generator matrix
 * [I; A] then has every k x k submatrix invertible: any k of the k + m
 * members of a group determine its data (the code is MDS).
 *
 * Decoding. With e data symbols missing (set E), d received (set D) and
 * e parity symbols P chosen among those received, the parity equations
 * p_P = A[P][D] d_D + A[P][E] d_E give, B being the inverse of the e x e
 * matrix A[P][E],
 *
 *	d_E = B p_P + (B A[P][D]) d_D
 *
 * so each missing symbol is one linear combination of k received ones:
 * the e x e inverse and e x k coefficients are all the matrix work, and
 * the byte work is e * k multiply-accumulates of a packet.
 *
 * Multiplying a packet by a constant c goes through the 256-byte row c of
 * a full multiplication table, and c = 1 (all of parity 0, column 0) is a
 * word-wise XOR.
 */
#include "pure.h"
#include "fec.h"

#define GF_POLY		0x11d
#define MAX_SYM		(VCMP_FEC_MAX_K + VCMP_FEC_MAX_M)

static_assert(VCMP_FEC_MAX_K + VCMP_FEC_MAX_M <= 255,
	      "x_j = 255 - j and y_i = i must not meet, and the index is a byte");
static_assert(VCMP_FEC_MAX_DATA + VCMP_FEC_LEN_BYTES <= 0xffff,
	      "lengths fit the u16 prefix");

static u8 gf_exp[2 * 255];	/* doubled: no modulo in log a + log b */
static u8 gf_log[256];
static u8 gf_inv_tab[256];
static u8 gf_mul_tab[256][256];
static u8 fec_coef[VCMP_FEC_MAX_M][VCMP_FEC_MAX_K];

/**
 * vcmp_fec_init() - compute the field and code tables
 *
 * Must run once before any other function of this file, with no other
 * caller in it (module init). Running it again is harmless.
 */
void vcmp_fec_init(void)
{
	unsigned int i, j, x = 1;

	for (i = 0; i < 255; i++) {
		gf_exp[i] = (u8)x;
		gf_exp[i + 255] = (u8)x;
		gf_log[x] = (u8)i;
		x <<= 1;
		if (x & 0x100)
			x ^= GF_POLY;
	}
	gf_log[0] = 0;	/* never used */
	for (i = 0; i < 256; i++) {
		gf_mul_tab[0][i] = 0;
		gf_mul_tab[i][0] = 0;
	}
	for (i = 1; i < 256; i++)
		for (j = 1; j < 256; j++)
			gf_mul_tab[i][j] = gf_exp[gf_log[i] + gf_log[j]];
	gf_inv_tab[0] = 0;	/* no inverse: callers never ask */
	for (i = 1; i < 256; i++)
		gf_inv_tab[i] = gf_exp[(255 - gf_log[i]) % 255];

	for (j = 0; j < VCMP_FEC_MAX_M; j++) {
		for (i = 0; i < VCMP_FEC_MAX_K; i++) {
			/* C[j][i] C[0][0] / (C[0][i] C[j][0]), C = 1 / sum */
			u8 num = gf_mul_tab[255 ^ i][255 ^ j];
			u8 den = gf_mul_tab[255 ^ j ^ i][255];

			fec_coef[j][i] = gf_mul_tab[num][gf_inv_tab[den]];
		}
	}
}

/**
 * vcmp_gf_mul() - product in GF(2^8)
 * @a: a field element
 * @b: another
 *
 * Return: a * b.
 */
u8 vcmp_gf_mul(u8 a, u8 b)
{
	return gf_mul_tab[a][b];
}

/**
 * vcmp_gf_inv() - multiplicative inverse in GF(2^8)
 * @a: a non-zero field element
 *
 * Return: 1 / a; 0 for a = 0, which has none.
 */
u8 vcmp_gf_inv(u8 a)
{
	return gf_inv_tab[a];
}

/**
 * vcmp_gf_div() - quotient in GF(2^8)
 * @a: dividend
 * @b: non-zero divisor
 *
 * Return: a / b; 0 for b = 0.
 */
u8 vcmp_gf_div(u8 a, u8 b)
{
	return gf_mul_tab[a][gf_inv_tab[b]];
}

/**
 * vcmp_fec_coef() - coefficient of a data symbol in a parity symbol
 * @j: parity index, < VCMP_FEC_MAX_M
 * @i: data index, < VCMP_FEC_MAX_K
 *
 * Return: A[j][i] (see the top of fec.c), 0 when out of range.
 */
u8 vcmp_fec_coef(unsigned int j, unsigned int i)
{
	if (j >= VCMP_FEC_MAX_M || i >= VCMP_FEC_MAX_K)
		return 0;
	return fec_coef[j][i];
}

/* dst ^= src, @n bytes, a word at a time */
static void gf_xor(u8 *dst, const u8 *src, unsigned int n)
{
	while (n >= 8) {
		u64 a, b;

		memcpy(&a, dst, 8);
		memcpy(&b, src, 8);
		a ^= b;
		memcpy(dst, &a, 8);
		dst += 8;
		src += 8;
		n -= 8;
	}
	while (n--)
		*dst++ ^= *src++;
}

/*
 * The 8 bytes of @s each multiplied by the constant of @row: whatever the
 * byte order, the byte at a shift of s is the same memory byte as the one
 * at that shift of the result. Loading and storing words rather than
 * bytes takes the inner loops from 3 memory accesses a byte to 1.25.
 */
static inline u64 gf_mul_word(const u8 *row, u64 s)
{
	return (u64)row[s & 0xff] |
	       (u64)row[(s >> 8) & 0xff] << 8 |
	       (u64)row[(s >> 16) & 0xff] << 16 |
	       (u64)row[(s >> 24) & 0xff] << 24 |
	       (u64)row[(s >> 32) & 0xff] << 32 |
	       (u64)row[(s >> 40) & 0xff] << 40 |
	       (u64)row[(s >> 48) & 0xff] << 48 |
	       (u64)row[s >> 56] << 56;
}

/* dst ^= c * src, @n bytes */
static void gf_mac(u8 *dst, const u8 *src, unsigned int n, u8 c)
{
	const u8 *row = gf_mul_tab[c];
	unsigned int i;

	if (c == 1) {
		gf_xor(dst, src, n);
		return;
	}
	if (!c)
		return;
	for (i = 0; i + 8 <= n; i += 8) {
		u64 s, d;

		memcpy(&s, src + i, 8);
		memcpy(&d, dst + i, 8);
		d ^= gf_mul_word(row, s);
		memcpy(dst + i, &d, 8);
	}
	for (; i < n; i++)
		dst[i] ^= row[src[i]];
}

/* dst = c * src, @n bytes */
static void gf_mul_set(u8 *dst, const u8 *src, unsigned int n, u8 c)
{
	const u8 *row = gf_mul_tab[c];
	unsigned int i;

	if (c == 1) {
		memcpy(dst, src, n);
		return;
	}
	for (i = 0; i + 8 <= n; i += 8) {
		u64 s;

		memcpy(&s, src + i, 8);
		s = gf_mul_word(row, s);
		memcpy(dst + i, &s, 8);
	}
	for (; i < n; i++)
		dst[i] = row[src[i]];
}

/* The 2-byte prefix: dst ^= c * prefix, @prefix big-endian bytes */
static void gf_mac_prefix(u8 *dst, const u8 *prefix, u8 c)
{
	dst[0] ^= gf_mul_tab[c][prefix[0]];
	dst[1] ^= gf_mul_tab[c][prefix[1]];
}

/**
 * vcmp_fec_enc_init() - start encoding a group
 * @enc: the encoder
 * @k: data packets in the group, 1 to VCMP_FEC_MAX_K
 * @m: parity packets, 0 to VCMP_FEC_MAX_M
 * @parity: @m buffers that receive the parity packets
 * @size: bytes in each, at least VCMP_FEC_PARITY_LEN() of the longest
 *	data packet that will be added
 *
 * The buffers need no clearing: the encoder writes each byte before it
 * accumulates into it. They belong to the encoder until the group is
 * complete, and are then read as vcmp_fec_enc_parity_len() bytes each.
 *
 * Return: 0, or -EINVAL for @k, @m or @size out of range or a NULL buffer.
 */
int vcmp_fec_enc_init(struct vcmp_fec_enc *enc, unsigned int k,
		      unsigned int m, u8 *const parity[], unsigned int size)
{
	unsigned int j;

	if (!k || k > VCMP_FEC_MAX_K || m > VCMP_FEC_MAX_M)
		return -EINVAL;
	if (m && size < VCMP_FEC_LEN_BYTES)
		return -EINVAL;
	memset(enc, 0, sizeof(*enc));
	for (j = 0; j < m; j++) {
		if (!parity[j])
			return -EINVAL;
		enc->parity[j] = parity[j];
		/* Every symbol has the prefix: accumulate into zero. */
		memset(parity[j], 0, VCMP_FEC_LEN_BYTES);
	}
	enc->size = size;
	enc->len = VCMP_FEC_LEN_BYTES;
	enc->k = (u8)k;
	enc->m = (u8)m;
	return 0;
}

/**
 * vcmp_fec_enc_add() - add the next data packet of the group
 * @enc: the encoder
 * @data: the packet, read only during the call
 * @len: its length, 0 to VCMP_FEC_MAX_DATA
 *
 * Accumulates @data into every parity buffer: m multiply-accumulates of
 * @len bytes, the first of them a plain XOR. Parity bytes beyond the
 * longest packet so far are known to be zero, so bytes of @data beyond it
 * are stored rather than accumulated.
 *
 * Return: the packet's index in the group, 0 to k - 1; -ENOSPC when the
 * group is full, -EMSGSIZE when the packet does not fit the parity
 * buffers. On error nothing is changed.
 */
int vcmp_fec_enc_add(struct vcmp_fec_enc *enc, const u8 *data,
		     unsigned int len)
{
	unsigned int idx = enc->count, old = enc->len - VCMP_FEC_LEN_BYTES;
	unsigned int n = len < old ? len : old, j;
	u8 prefix[VCMP_FEC_LEN_BYTES];

	if (unlikely(idx >= enc->k))
		return -ENOSPC;
	if (unlikely(len > VCMP_FEC_MAX_DATA ||
		     (enc->m && len + VCMP_FEC_LEN_BYTES > enc->size)))
		return -EMSGSIZE;
	vcmp_put_be16(prefix, (u16)len);
	for (j = 0; j < enc->m; j++) {
		u8 *p = enc->parity[j];
		u8 c = fec_coef[j][idx];

		gf_mac_prefix(p, prefix, c);
		gf_mac(p + VCMP_FEC_LEN_BYTES, data, n, c);
		if (len > n)
			gf_mul_set(p + VCMP_FEC_LEN_BYTES + n, data + n,
				   len - n, c);
	}
	if (len > old)
		enc->len = len + VCMP_FEC_LEN_BYTES;
	enc->count++;
	return (int)idx;
}

/**
 * vcmp_fec_dec_init() - start decoding a group
 * @dec: the decoder
 * @k: data packets in the group, or 0 when it is not known yet (the first
 *	parity packet says)
 *
 * Return: 0, or -EINVAL when @k is above VCMP_FEC_MAX_K.
 */
int vcmp_fec_dec_init(struct vcmp_fec_dec *dec, unsigned int k)
{
	if (k > VCMP_FEC_MAX_K)
		return -EINVAL;
	memset(dec, 0, sizeof(*dec));
	dec->k = (u8)k;
	return 0;
}

/**
 * vcmp_fec_dec_add_data() - record a data packet of the group
 * @dec: the decoder
 * @index: its index in the group (the FEC index of its header)
 * @data: the packet; the decoder keeps the pointer, not a copy
 * @len: its length
 *
 * Return: 0; -EEXIST when this index was received or rebuilt already;
 * -EINVAL when @index is beyond the group or @len beyond its parity;
 * -EMSGSIZE when @len is above VCMP_FEC_MAX_DATA.
 */
int vcmp_fec_dec_add_data(struct vcmp_fec_dec *dec, unsigned int index,
			  const u8 *data, unsigned int len)
{
	if (index >= VCMP_FEC_MAX_K || (dec->k && index >= dec->k))
		return -EINVAL;
	if (len > VCMP_FEC_MAX_DATA)
		return -EMSGSIZE;
	if (dec->plen && len + VCMP_FEC_LEN_BYTES > dec->plen)
		return -EINVAL;
	if (dec->data & BIT(index))
		return -EEXIST;
	dec->sym[index] = data;
	dec->len[index] = (u16)len;
	dec->data |= (u32)BIT(index);
	dec->ndata++;
	return 0;
}

/**
 * vcmp_fec_dec_add_parity() - record a parity packet of the group
 * @dec: the decoder
 * @k: data packets the parity covers, as its payload states
 * @j: its parity index: its FEC index minus @k
 * @parity: the parity bytes; the decoder keeps the pointer, not a copy
 * @len: their length, the same for every parity of the group
 *
 * Return: 0; -EEXIST when parity @j was received already; -EINVAL when
 * @k or @j is out of range, or disagrees with the members recorded so
 * far (another k, another parity length, a data packet beyond @k or too
 * long for @len).
 */
int vcmp_fec_dec_add_parity(struct vcmp_fec_dec *dec, unsigned int k,
			    unsigned int j, const u8 *parity,
			    unsigned int len)
{
	unsigned int i;

	if (!k || k > VCMP_FEC_MAX_K || j >= VCMP_FEC_MAX_M)
		return -EINVAL;
	if (len < VCMP_FEC_LEN_BYTES ||
	    len > VCMP_FEC_MAX_DATA + VCMP_FEC_LEN_BYTES)
		return -EINVAL;
	if (dec->k && dec->k != k)
		return -EINVAL;
	if (dec->plen && dec->plen != len)
		return -EINVAL;
	if (dec->parity & BIT(j))
		return -EEXIST;
	if (!dec->plen) {
		if (k < VCMP_FEC_MAX_K && (dec->data >> k))
			return -EINVAL;
		for (i = 0; i < k; i++)
			if ((dec->data & BIT(i)) &&
			    dec->len[i] + VCMP_FEC_LEN_BYTES > len)
				return -EINVAL;
	}
	dec->sym[VCMP_FEC_MAX_K + j] = parity;
	dec->len[VCMP_FEC_MAX_K + j] = (u16)len;
	dec->parity |= (u8)BIT(j);
	dec->nparity++;
	dec->k = (u8)k;
	dec->plen = len;
	return 0;
}

/**
 * vcmp_fec_dec_state() - can or need the group be decoded
 * @dec: the decoder
 *
 * Return: VCMP_FEC_DONE when every data packet is there (nothing to do),
 * VCMP_FEC_READY when some are missing but k members arrived (decode
 * now), VCMP_FEC_WAIT otherwise, including while k is unknown.
 */
enum vcmp_fec_state vcmp_fec_dec_state(const struct vcmp_fec_dec *dec)
{
	if (!dec->k)
		return VCMP_FEC_WAIT;
	if (dec->ndata == dec->k)
		return VCMP_FEC_DONE;
	if (dec->ndata + dec->nparity >= dec->k)
		return VCMP_FEC_READY;
	return VCMP_FEC_WAIT;
}

/* Invert the e x e matrix in the left half of @mat into its right half. */
static int gf_invert(u8 mat[][2 * VCMP_FEC_MAX_M], unsigned int e)
{
	unsigned int r, c, col;

	for (r = 0; r < e; r++)
		for (c = 0; c < e; c++)
			mat[r][e + c] = r == c;
	for (col = 0; col < e; col++) {
		u8 inv;

		for (r = col; r < e && !mat[r][col]; r++)
			;
		if (r == e)
			return -EINVAL;	/* singular: not with this code */
		if (r != col) {
			for (c = 0; c < 2 * e; c++) {
				u8 t = mat[r][c];

				mat[r][c] = mat[col][c];
				mat[col][c] = t;
			}
		}
		inv = gf_inv_tab[mat[col][col]];
		for (c = 0; c < 2 * e; c++)
			mat[col][c] = gf_mul_tab[inv][mat[col][c]];
		for (r = 0; r < e; r++) {
			const u8 *row = gf_mul_tab[mat[r][col]];

			if (r == col || !mat[r][col])
				continue;
			for (c = 0; c < 2 * e; c++)
				mat[r][c] ^= row[mat[col][c]];
		}
	}
	return 0;
}

/**
 * vcmp_fec_dec_decode() - rebuild the missing data packets of a group
 * @dec: the decoder, in state VCMP_FEC_READY
 * @out: vcmp_fec_dec_missing() entries, each with a buffer of at least
 *	vcmp_fec_dec_out_size() bytes; the decoder fills in their index and
 *	length, in increasing order of index
 * @nout: entries in @out
 * @scratch: work space
 *
 * Uses the received data packets and the first parity packets received,
 * as many as data packets are missing. The whole out_size bytes of each
 * buffer are written (the packet, then its padding). The rebuilt packets
 * count as received afterwards: the group is DONE, and a late copy of one
 * of them is refused by vcmp_fec_dec_add_data() with -EEXIST.
 *
 * Return: the number of packets rebuilt; 0 when the group was DONE
 * already; -EAGAIN when too few members arrived; -ENOBUFS when @nout is
 * too small; -EMSGSIZE when a buffer is; -EBADMSG when the members are
 * inconsistent (a rebuilt length beyond the parity: corruption). On error
 * the decoder is unchanged, and the group had better be dropped.
 */
int vcmp_fec_dec_decode(struct vcmp_fec_dec *dec, struct vcmp_fec_out *out,
			unsigned int nout, struct vcmp_fec_scratch *scratch)
{
	u8 miss[VCMP_FEC_MAX_M], par[VCMP_FEC_MAX_M];
	unsigned int k = dec->k, size = dec->plen - VCMP_FEC_LEN_BYTES;
	unsigned int e = 0, np = 0, i, t, u;
	enum vcmp_fec_state state = vcmp_fec_dec_state(dec);

	if (state == VCMP_FEC_DONE)
		return 0;
	if (state != VCMP_FEC_READY)
		return -EAGAIN;
	if (nout < k - dec->ndata)
		return -ENOBUFS;

	for (i = 0; i < k; i++) {
		if (!(dec->data & BIT(i))) {
			if (e == VCMP_FEC_MAX_M)
				return -EAGAIN;	/* cannot be: READY */
			miss[e++] = (u8)i;
		}
	}
	for (u = 0; u < VCMP_FEC_MAX_M && np < e; u++)
		if (dec->parity & BIT(u))
			par[np++] = (u8)u;
	for (t = 0; t < e; t++)
		if (!out[t].buf || out[t].size < size)
			return -EMSGSIZE;

	/* B = A[P][E]^-1, in the right half of mat. */
	for (u = 0; u < e; u++)
		for (t = 0; t < e; t++)
			scratch->mat[u][t] = fec_coef[par[u]][miss[t]];
	if (gf_invert(scratch->mat, e))
		return -EBADMSG;

	/* Coefficients: B for the parity, B A[P][D] for the data. */
	for (t = 0; t < e; t++) {
		const u8 *b = &scratch->mat[t][e];
		u8 *coef = scratch->coef[t];

		for (i = 0; i < k; i++) {
			u8 c = 0;

			if (dec->data & BIT(i))
				for (u = 0; u < e; u++)
					c ^= gf_mul_tab[b[u]][fec_coef[par[u]][i]];
			coef[i] = c;
		}
		for (u = 0; u < e; u++)
			coef[VCMP_FEC_MAX_K + u] = b[u];
	}

	for (t = 0; t < e; t++) {
		const u8 *coef = scratch->coef[t];
		u8 prefix[VCMP_FEC_LEN_BYTES] = { 0 }, lp[VCMP_FEC_LEN_BYTES];
		u8 *buf = out[t].buf;
		unsigned int len;

		memset(buf, 0, size);
		for (i = 0; i < k; i++) {
			if (!(dec->data & BIT(i)) || !coef[i])
				continue;
			vcmp_put_be16(lp, dec->len[i]);
			gf_mac_prefix(prefix, lp, coef[i]);
			gf_mac(buf, dec->sym[i], dec->len[i], coef[i]);
		}
		for (u = 0; u < e; u++) {
			const u8 *p = dec->sym[VCMP_FEC_MAX_K + par[u]];
			u8 c = coef[VCMP_FEC_MAX_K + u];

			gf_mac_prefix(prefix, p, c);
			gf_mac(buf, p + VCMP_FEC_LEN_BYTES, size, c);
		}
		len = vcmp_get_be16(prefix);
		if (len > size)
			return -EBADMSG;
		out[t].len = len;
		out[t].index = miss[t];
	}

	for (t = 0; t < e; t++) {
		dec->sym[miss[t]] = out[t].buf;
		dec->len[miss[t]] = (u16)out[t].len;
		dec->data |= (u32)BIT(miss[t]);
	}
	dec->ndata = (u8)k;
	return (int)e;
}

/*
 * ---- Policy ----
 *
 * With independent losses of probability p, a data packet of a group of
 * n = k + m is lost for good when it is lost and so are at least m of
 * the n - 1 other members (more than m losses in all: the decoder needs
 * k). Its probability, the residual loss, is
 *
 *	r(k, m, p) = p * P[Bin(n - 1, p) >= m]
 *		   = p * sum over l = m .. n - 1 of C(n-1, l) p^l (1-p)^(n-1-l)
 *
 * which is also the expected share of data packets the group loses. For
 * m = 0 it is p. It is computed in fixed point, probabilities scaled by
 * 2^31, by building the distribution of Bin(N, p) one member at a time,
 * P_N[l] = P_N-1[l] (1 - p) + P_N-1[l - 1] p, every step rounded up: the
 * result is an upper bound, within about 2^-25 of the exact value.
 */
#define P_ONE		BIT_ULL(31)
#define PPM		1000000U

static u64 mul_up(u64 a, u64 b)
{
	return (a * b + P_ONE - 1) >> 31;
}

/* p and 1 - p scaled by 2^31, rounded up */
static void loss_fixed(u32 loss_ppm, u64 *p, u64 *q)
{
	*p = ((u64)loss_ppm * P_ONE + PPM - 1) / PPM;
	*q = ((u64)(PPM - loss_ppm) * P_ONE + PPM - 1) / PPM;
}

/* dist[0..n - 1] is Bin(n - 1, p): make it Bin(n, p) */
static void binom_step(u64 *dist, unsigned int n, u64 p, u64 q)
{
	unsigned int l;

	dist[n] = 0;
	for (l = n; l > 0; l--)
		dist[l] = (dist[l] * q + dist[l - 1] * p + P_ONE - 1) >> 31;
	dist[0] = mul_up(dist[0], q);
}

/* residual in ppb of loss @ppb and tail P[Bin >= m] (2^31 scale) */
static u32 residual(u32 ppb, u64 tail)
{
	u64 r = (ppb * tail + P_ONE - 1) >> 31;

	return r < ppb ? (u32)r : ppb;
}

/**
 * vcmp_fec_residual_ppb() - residual loss of a code under random loss
 * @k: data packets per group, 1 to VCMP_FEC_MAX_K
 * @m: parity packets per group, 0 to VCMP_FEC_MAX_M
 * @loss_ppm: loss rate of the packets, parts per million (above 10^6
 *	counts as 10^6)
 *
 * Return: r(k, m, p) of the comment above, in parts per billion, rounded
 * up; U32_MAX when @k or @m is out of range.
 */
u32 vcmp_fec_residual_ppb(unsigned int k, unsigned int m, u32 loss_ppm)
{
	u64 dist[MAX_SYM], p, q, tail = 0;
	unsigned int n, l;

	if (!k || k > VCMP_FEC_MAX_K || m > VCMP_FEC_MAX_M)
		return U32_MAX;
	if (loss_ppm > PPM)
		loss_ppm = PPM;
	loss_fixed(loss_ppm, &p, &q);
	dist[0] = P_ONE;
	for (n = 1; n < k + m; n++)
		binom_step(dist, n, p, q);
	for (l = m; l < k + m; l++)
		tail += dist[l];
	return residual(loss_ppm * 1000, tail);
}

/**
 * vcmp_fec_min_parity() - fewest parity packets meeting a target
 * @k: data packets per group, 1 to VCMP_FEC_MAX_K
 * @loss_ppm: measured loss rate, parts per million
 * @target_ppm: highest acceptable residual loss, parts per million
 *
 * Return: the smallest m with r(k, m, p) <= target: 0 when @loss_ppm is
 * within the target already; -ERANGE when even VCMP_FEC_MAX_M parity
 * packets miss it; -EINVAL when @k is out of range.
 */
int vcmp_fec_min_parity(unsigned int k, u32 loss_ppm, u32 target_ppm)
{
	unsigned int m;

	if (!k || k > VCMP_FEC_MAX_K)
		return -EINVAL;
	if (loss_ppm <= target_ppm)
		return 0;
	for (m = 1; m <= VCMP_FEC_MAX_M; m++)
		if (vcmp_fec_residual_ppb(k, m, loss_ppm) <=
		    (u64)target_ppm * 1000)
			return (int)m;
	return -ERANGE;
}

/**
 * vcmp_fec_choose() - group shape for a measured loss rate
 * @loss_ppm: measured loss rate, parts per million
 * @target_ppm: highest acceptable residual loss, parts per million
 * @k_max: largest group the caller accepts (the receiver waits for a
 *	whole group to rebuild a packet: the latency bound), clamped to
 *	1 to VCMP_FEC_MAX_K
 * @k: set to the data packets per group, 0 for no FEC
 * @m: set to the parity packets per group, 0 for no FEC
 *
 * No FEC when the loss is within the target (a clean link). Otherwise the
 * (k, m), k <= @k_max, m <= VCMP_FEC_MAX_M, with r(k, m, p) <= target and
 * the lowest overhead m / k; of equal overheads the smallest k.
 *
 * Return: 0; or -ERANGE when no (k, m) meets the target, @k and @m being
 * then those of the lowest residual loss (of equal ones, the lowest
 * overhead), for the caller to use or not.
 */
int vcmp_fec_choose(u32 loss_ppm, u32 target_ppm, unsigned int k_max,
		    unsigned int *k, unsigned int *m)
{
	u64 dist[MAX_SYM], p, q, target_ppb = (u64)target_ppm * 1000;
	unsigned int n, l, bk = 0, bm = 0, fk = 0, fm = 0;
	u32 fr = U32_MAX;

	*k = 0;
	*m = 0;
	if (loss_ppm > PPM)
		loss_ppm = PPM;
	if (loss_ppm <= target_ppm)
		return 0;
	if (!k_max)
		k_max = 1;
	if (k_max > VCMP_FEC_MAX_K)
		k_max = VCMP_FEC_MAX_K;
	loss_fixed(loss_ppm, &p, &q);
	dist[0] = P_ONE;
	/* n members: dist is Bin(n - 1, p), the others of a lost one */
	for (n = 1; n <= k_max + VCMP_FEC_MAX_M; n++) {
		u64 tail = 0;

		if (n > 1)
			binom_step(dist, n - 1, p, q);
		for (l = n; l-- > 0; ) {
			unsigned int cm = l, ck = n - l;
			u32 r;

			tail += dist[l];
			if (cm > VCMP_FEC_MAX_M || ck > k_max)
				continue;
			r = residual(loss_ppm * 1000, tail);
			if (r <= target_ppb &&
			    (!bk || cm * bk < bm * ck ||
			     (cm * bk == bm * ck && ck < bk))) {
				bk = ck;
				bm = cm;
			}
			if (r < fr || (r == fr && cm * fk < fm * ck)) {
				fr = r;
				fk = ck;
				fm = cm;
			}
		}
	}
	if (bk) {
		*k = bk;
		*m = bm;
		return 0;
	}
	*k = fk;
	*m = fm;
	return -ERANGE;
}

/**
 * vcmp_fec_hdr_encode() - write the FEC header of a parity packet
 * @h: the header; @h->k offsets are written
 * @out: vcmp_fec_hdr_len(@h->k) bytes
 */
void vcmp_fec_hdr_encode(const struct vcmp_fec_parity_hdr *h, u8 *out)
{
	out[0] = h->k;
	out[1] = h->j;
	out[2] = h->m;
	out[3] = 0;
	vcmp_put_be32(out + 4, h->start);
	memcpy(out + VCMP_FEC_HDR_LEN, h->offset, h->k);
}

/**
 * vcmp_fec_hdr_decode() - parse and check the FEC header of a parity packet
 * @h: filled in on success; unspecified on failure
 * @in: the parity packet's payload, after the VCMP header
 * @len: bytes at @in, the header and the parity symbol after it
 *
 * Return: the header's length (the parity symbol follows), or -EINVAL
 * when @k, @j, @m, the reserved byte or the offsets are out of range, or
 * no parity symbol of at least VCMP_FEC_LEN_BYTES + 1 bytes follows.
 */
int vcmp_fec_hdr_decode(struct vcmp_fec_parity_hdr *h, const u8 *in,
			unsigned int len)
{
	unsigned int i, hl;

	if (len < VCMP_FEC_HDR_LEN)
		return -EINVAL;
	h->k = in[0];
	h->j = in[1];
	h->m = in[2];
	if (!h->k || h->k > VCMP_FEC_MAX_K || !h->m ||
	    h->m > VCMP_FEC_MAX_M || h->j >= h->m || in[3])
		return -EINVAL;
	hl = vcmp_fec_hdr_len(h->k);
	if (len < hl + VCMP_FEC_LEN_BYTES + 1)
		return -EINVAL;
	h->start = vcmp_get_be32(in + 4);
	for (i = 0; i < h->k; i++) {
		h->offset[i] = in[VCMP_FEC_HDR_LEN + i];
		if (i ? h->offset[i] <= h->offset[i - 1] : h->offset[i] != 0)
			return -EINVAL;
	}
	return hl;
}
