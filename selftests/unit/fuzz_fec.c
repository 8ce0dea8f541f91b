// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/fec.c. The first byte picks a mode:
 *  - round trip: the input chooses k, m, how many data packets before the
 *    group is closed, their lengths and bytes, which members are lost,
 *    whether the decoder knows k and the order members arrive in; every
 *    decodable group must give back exactly the data sent, and a group
 *    is decodable exactly when no more than m members are lost;
 *  - hostile decoder: the input is a sequence of arbitrary add_data and
 *    add_parity calls (any index, k, length, bytes) and decodes; nothing
 *    may be read or written out of bounds, and whatever is rebuilt must
 *    have a length within its buffer;
 *  - and, on every input, the FEC header decoder of parity packets.
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fec.h"

#define MAX_K VCMP_FEC_MAX_K
#define MAX_M VCMP_FEC_MAX_M
#define MAX_LEN 1600

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

struct input {
	const u8 *p, *end;
	u64 x;		/* fills bytes once the input runs out */
};

static unsigned int get(struct input *in, unsigned int n)
{
	unsigned int v = 0;

	while (n--) {
		u8 b;

		if (in->p < in->end) {
			b = *in->p++;
		} else {
			in->x = in->x * 6364136223846793005ULL +
				1442695040888963407ULL;
			b = (u8)(in->x >> 56);
		}
		v = v << 8 | b;
	}
	return v;
}

static u8 data[MAX_K][MAX_LEN];
static u8 parity[MAX_M][MAX_LEN + 2];
static u8 out_buf[MAX_M][MAX_LEN];
static struct vcmp_fec_scratch scratch;
static bool ready;

static void round_trip(struct input *in)
{
	struct vcmp_fec_enc enc;
	struct vcmp_fec_dec dec;
	struct vcmp_fec_out out[MAX_M];
	u8 *pp[MAX_M];
	unsigned int k = 1 + get(in, 1) % MAX_K, m = get(in, 1) % (MAX_M + 1);
	unsigned int n = 1 + get(in, 1) % k, len[MAX_K], i, j, lost = 0;
	unsigned int order[MAX_K + MAX_M], nmem, plen, e, maxlen = 0;
	unsigned int ndata = 0, npar = 0;
	bool know_k = get(in, 1) & 1;
	u64 erased = 0;
	int rc;

	for (j = 0; j < MAX_M; j++)
		pp[j] = parity[j];
	ASSERT(!vcmp_fec_enc_init(&enc, k, m, pp, MAX_LEN + 2));
	for (i = 0; i < n; i++) {
		unsigned int b, fill;

		len[i] = get(in, 2) % (MAX_LEN + 1);
		if (len[i] > maxlen)
			maxlen = len[i];
		fill = get(in, 1);
		for (b = 0; b < len[i]; b++)
			data[i][b] = fill & 1 ? (u8)get(in, 1) : (u8)(fill + b);
		ASSERT(vcmp_fec_enc_add(&enc, data[i], len[i]) == (int)i);
	}
	ASSERT(vcmp_fec_enc_full(&enc) == (n == k));
	plen = vcmp_fec_enc_parity_len(&enc);
	ASSERT(plen == maxlen + 2);
	/* Closed after n: a group of k = n. */
	k = n;
	nmem = k + m;
	for (i = 0; i < nmem; i++) {
		order[i] = i;
		if (get(in, 1) < 64) {
			erased |= 1ULL << i;
			lost++;
		}
	}
	for (i = nmem; i > 1; i--) {
		unsigned int r = get(in, 1) % i, t = order[i - 1];

		order[i - 1] = order[r];
		order[r] = t;
	}

	ASSERT(!vcmp_fec_dec_init(&dec, know_k ? k : 0));
	for (i = 0; i < nmem; i++) {
		unsigned int x = order[i];

		if (erased & (1ULL << x))
			continue;
		if (x < k) {
			rc = vcmp_fec_dec_add_data(&dec, x, data[x], len[x]);
			ndata++;
		} else {
			rc = vcmp_fec_dec_add_parity(&dec, k, x - k,
						     parity[x - k], plen);
			npar++;
		}
		ASSERT(rc == 0);
	}
	e = k - ndata;
	if (!e) {
		ASSERT(vcmp_fec_dec_state(&dec) ==
		       (know_k || npar ? VCMP_FEC_DONE : VCMP_FEC_WAIT));
		return;
	}
	if (lost > m) {
		ASSERT(vcmp_fec_dec_state(&dec) == VCMP_FEC_WAIT);
		ASSERT(vcmp_fec_dec_decode(&dec, out, MAX_M, &scratch) ==
		       -EAGAIN);
		return;
	}
	ASSERT(vcmp_fec_dec_state(&dec) == VCMP_FEC_READY);
	ASSERT(vcmp_fec_dec_missing(&dec) == e);
	for (j = 0; j < e; j++) {
		out[j].buf = out_buf[j];
		out[j].size = vcmp_fec_dec_out_size(&dec);
	}
	ASSERT(vcmp_fec_dec_decode(&dec, out, e, &scratch) == (int)e);
	for (i = 0, j = 0; i < k; i++) {
		if (!(erased & (1ULL << i)))
			continue;
		ASSERT(out[j].index == i);
		ASSERT(out[j].len == len[i]);
		ASSERT(!memcmp(out[j].buf, data[i], len[i]));
		for (n = len[i]; n < plen - 2; n++)
			ASSERT(!out[j].buf[n]);
		j++;
	}
	ASSERT(j == e);
	ASSERT(vcmp_fec_dec_state(&dec) == VCMP_FEC_DONE);
}

/* Heap copies, exactly as long as stated, so ASan sees any overread. */
static u8 *keep[4 * (MAX_K + MAX_M)];
static unsigned int nkeep;

static const u8 *copy(struct input *in, unsigned int len)
{
	u8 *p = malloc(len ? len : 1);
	unsigned int b;

	ASSERT(p && nkeep < ARRAY_SIZE(keep));
	for (b = 0; b < len; b++)
		p[b] = (u8)get(in, 1);
	keep[nkeep++] = p;
	return p;
}

static void hostile(struct input *in)
{
	struct vcmp_fec_dec dec;
	struct vcmp_fec_out out[MAX_M + 1];
	unsigned int ops = 0, i;

	nkeep = 0;
	ASSERT(!vcmp_fec_dec_init(&dec, get(in, 1) % (MAX_K + 1)));
	while (in->p < in->end && ops++ < 3 * (MAX_K + MAX_M)) {
		unsigned int op = get(in, 1), len, idx, k;
		enum vcmp_fec_state st;
		int rc;

		switch (op & 3) {
		case 0:
		case 1:
			idx = get(in, 1) % (MAX_K + 2);
			len = get(in, 2) % (MAX_LEN + 1);
			rc = vcmp_fec_dec_add_data(&dec, idx, copy(in, len),
						   len);
			ASSERT(rc == 0 || rc == -EINVAL || rc == -EEXIST);
			break;
		case 2:
			k = get(in, 1) % (MAX_K + 2);
			idx = get(in, 1) % (MAX_M + 2);
			len = get(in, 2) % (MAX_LEN + 3);
			rc = vcmp_fec_dec_add_parity(&dec, k, idx,
						     copy(in, len), len);
			ASSERT(rc == 0 || rc == -EINVAL || rc == -EEXIST);
			break;
		default:
			st = vcmp_fec_dec_state(&dec);
			for (i = 0; i <= MAX_M; i++) {
				out[i].buf = malloc(MAX_LEN);
				ASSERT(out[i].buf);
				out[i].size = (op & 4) ? MAX_LEN :
					      vcmp_fec_dec_out_size(&dec);
			}
			rc = vcmp_fec_dec_decode(&dec, out, MAX_M + 1,
						 &scratch);
			if (st == VCMP_FEC_DONE)
				ASSERT(rc == 0);
			else if (st == VCMP_FEC_WAIT)
				ASSERT(rc == -EAGAIN);
			else
				ASSERT(rc > 0 || rc == -EBADMSG);
			for (i = 0; (int)i < rc; i++)
				ASSERT(out[i].len + 2 <= dec.plen);
			if (rc > 0)
				ASSERT(vcmp_fec_dec_state(&dec) ==
				       VCMP_FEC_DONE);
			for (i = 0; i <= MAX_M; i++)
				free(out[i].buf);
		}
	}
	for (i = 0; i < nkeep; i++)
		free(keep[i]);
}

/*
 * The FEC header decoder on the raw input: never reads past it, and what
 * it accepts is in range and encodes back to the same bytes.
 */
static void parity_header(const u8 *buf, size_t size)
{
	struct vcmp_fec_parity_hdr h;
	u8 out[VCMP_FEC_HDR_LEN + MAX_K];
	unsigned int i, len = size > 0xffff ? 0xffff : (unsigned int)size;
	int hl;

	hl = vcmp_fec_hdr_decode(&h, buf, len);
	if (hl < 0)
		return;
	ASSERT((unsigned int)hl == vcmp_fec_hdr_len(h.k));
	ASSERT(h.k >= 1 && h.k <= MAX_K && h.m >= 1 && h.m <= MAX_M);
	ASSERT(h.j < h.m && h.offset[0] == 0);
	for (i = 1; i < h.k; i++)
		ASSERT(h.offset[i] > h.offset[i - 1]);
	ASSERT(len >= (unsigned int)hl + VCMP_FEC_LEN_BYTES + 1);
	vcmp_fec_hdr_encode(&h, out);
	ASSERT(!memcmp(out, buf, (size_t)hl));
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
	struct input in = { buf, buf + size, size };

	if (!ready) {
		vcmp_fec_init();
		ready = true;
	}
	if (!size)
		return 0;
	parity_header(buf, size);
	if (get(&in, 1) & 1)
		hostile(&in);
	else
		round_trip(&in);
	return 0;
}
