/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forward error correction of DATA packets: a systematic erasure code
 * over GF(2^8). A group is k data packets followed by m parity packets;
 * the receiver rebuilds the missing data packets from any k of the k + m.
 * Documentation/wire-format.rst ("FEC groups") says how a group is carried:
 * this is only the codec, with the policy that sizes the groups.
 *
 * Symbols. Data packet i of a group, of len bytes, is coded as the symbol
 * [len as 2 bytes big-endian || the len bytes], zero-padded to the
 * longest symbol of the group, so lengths are protected as well as bytes.
 * A parity packet is as long as the longest symbol: 2 + the longest data.
 *
 * Code. Parity j is sum over i of A[j][i] * symbol i, A being a Cauchy
 * matrix with its rows and columns scaled so that row 0 and column 0 are
 * all ones (fec.c). Every square submatrix of A is invertible, so any k
 * members rebuild the data. A[j][i] depends on neither k nor m, so:
 *  - parity 0 is the XOR of the data (m = 1 is plain XOR parity);
 *  - with k = 1 every parity is a copy of the data packet;
 *  - a sender may close a group early: the parity of its first n data
 *    packets is the parity of a group of k = n.
 *
 * Use on transmit, per group:
 *
 *	vcmp_fec_enc_init(enc, k, m, parity, size);
 *	for each data packet: send it with index vcmp_fec_enc_add(enc, ..);
 *	when vcmp_fec_enc_full(enc) (or early, at a timeout): send parity j
 *	as vcmp_fec_enc_parity_len(enc) bytes of parity[j], with index k + j
 *	and k = vcmp_fec_enc_count(enc) in its payload.
 *
 * Use on receive, per group:
 *
 *	vcmp_fec_dec_init(dec, 0);		(k unknown until a parity)
 *	vcmp_fec_dec_add_data(dec, i, ..) / vcmp_fec_dec_add_parity(dec, ..);
 *	if (vcmp_fec_dec_state(dec) == VCMP_FEC_READY)
 *		vcmp_fec_dec_decode(dec, out, n, scratch);
 *
 * The decoder keeps pointers to the packets it is given, not copies: they
 * must stay valid until the group is decoded or dropped.
 *
 * vcmp_fec_init() must have run once (module init) before anything else.
 * Pure logic (see pure.h), no locking: one caller at a time per encoder
 * or decoder; the tables vcmp_fec_init() fills are read-only afterwards.
 */
#ifndef _VCMP_FEC_H
#define _VCMP_FEC_H

#include "pure.h"

#define VCMP_FEC_MAX_K		32	/* data packets per group */
#define VCMP_FEC_MAX_M		8	/* parity packets per group */
#define VCMP_FEC_LEN_BYTES	2	/* length prefix of a symbol */
#define VCMP_FEC_MAX_DATA	(65535 - VCMP_FEC_LEN_BYTES)	/* per packet */

/* Parity packets are this much longer than the longest data packet. */
#define VCMP_FEC_PARITY_LEN(max_data)	((max_data) + VCMP_FEC_LEN_BYTES)

/*
 * struct vcmp_fec_enc - encoder of one group
 * @parity: the caller's @m parity buffers, @size bytes each
 * @size: bytes in each parity buffer
 * @len: parity length so far: symbol length of the longest data packet
 * @k: data packets in the group
 * @m: parity packets in the group
 * @count: data packets added so far
 */
struct vcmp_fec_enc {
	u8 *parity[VCMP_FEC_MAX_M];
	unsigned int size;
	unsigned int len;
	u8 k;
	u8 m;
	u8 count;
};

/* Where a group stands, vcmp_fec_dec_state(). */
enum vcmp_fec_state {
	VCMP_FEC_WAIT = 0,	/* data missing, too few members to rebuild */
	VCMP_FEC_READY,		/* data missing, enough members: decode */
	VCMP_FEC_DONE,		/* every data packet received or rebuilt */
};

/*
 * struct vcmp_fec_dec - decoder of one group
 * @sym: received members: data packet i at [i], parity j at [MAX_K + j]
 * @len: their lengths (data: the packet; parity: the whole parity)
 * @data: bit i set when data packet i was received or rebuilt
 * @parity: bit j set when parity j was received
 * @k: data packets in the group, 0 while unknown
 * @ndata: bits set in @data
 * @nparity: bits set in @parity
 * @plen: length of the parity packets, 0 before the first
 */
struct vcmp_fec_dec {
	const u8 *sym[VCMP_FEC_MAX_K + VCMP_FEC_MAX_M];
	u16 len[VCMP_FEC_MAX_K + VCMP_FEC_MAX_M];
	u32 data;
	u8 parity;
	u8 k;
	u8 ndata;
	u8 nparity;
	unsigned int plen;
};

static_assert(VCMP_FEC_MAX_K <= 32 && VCMP_FEC_MAX_M <= 8,
	      "struct vcmp_fec_dec bitmaps");

/*
 * struct vcmp_fec_out - one data packet rebuilt by vcmp_fec_dec_decode()
 * @buf: the caller's buffer, vcmp_fec_dec_out_size() bytes at least
 * @size: bytes in @buf
 * @len: set by the decoder: length of the data packet, in @buf
 * @index: set by the decoder: its index in the group
 */
struct vcmp_fec_out {
	u8 *buf;
	unsigned int size;
	unsigned int len;
	u8 index;
};

/*
 * struct vcmp_fec_scratch - work space of vcmp_fec_dec_decode(), the
 * caller's (per CPU, say) to keep it off the stack
 */
struct vcmp_fec_scratch {
	u8 coef[VCMP_FEC_MAX_M][VCMP_FEC_MAX_K + VCMP_FEC_MAX_M];
	u8 mat[VCMP_FEC_MAX_M][2 * VCMP_FEC_MAX_M];
};

void vcmp_fec_init(void);

u8 vcmp_gf_mul(u8 a, u8 b);
u8 vcmp_gf_div(u8 a, u8 b);
u8 vcmp_gf_inv(u8 a);
u8 vcmp_fec_coef(unsigned int j, unsigned int i);

int vcmp_fec_enc_init(struct vcmp_fec_enc *enc, unsigned int k,
		      unsigned int m, u8 *const parity[], unsigned int size);
int vcmp_fec_enc_add(struct vcmp_fec_enc *enc, const u8 *data,
		     unsigned int len);

/* Data packets added so far: the k to announce when closing early. */
static inline unsigned int vcmp_fec_enc_count(const struct vcmp_fec_enc *enc)
{
	return enc->count;
}

/* Were all k data packets added: are the parity buffers complete? */
static inline bool vcmp_fec_enc_full(const struct vcmp_fec_enc *enc)
{
	return enc->count == enc->k;
}

/* Length of every parity packet of the group, once complete. */
static inline unsigned int
vcmp_fec_enc_parity_len(const struct vcmp_fec_enc *enc)
{
	return enc->len;
}

int vcmp_fec_dec_init(struct vcmp_fec_dec *dec, unsigned int k);
int vcmp_fec_dec_add_data(struct vcmp_fec_dec *dec, unsigned int index,
			  const u8 *data, unsigned int len);
int vcmp_fec_dec_add_parity(struct vcmp_fec_dec *dec, unsigned int k,
			    unsigned int j, const u8 *parity,
			    unsigned int len);
enum vcmp_fec_state vcmp_fec_dec_state(const struct vcmp_fec_dec *dec);
int vcmp_fec_dec_decode(struct vcmp_fec_dec *dec, struct vcmp_fec_out *out,
			unsigned int nout, struct vcmp_fec_scratch *scratch);

/* Data packets vcmp_fec_dec_decode() will rebuild, once READY. */
static inline unsigned int vcmp_fec_dec_missing(const struct vcmp_fec_dec *dec)
{
	return dec->k > dec->ndata ? dec->k - dec->ndata : 0;
}

/* Size each vcmp_fec_out buffer needs, once a parity was added. */
static inline unsigned int
vcmp_fec_dec_out_size(const struct vcmp_fec_dec *dec)
{
	return dec->plen ? dec->plen - VCMP_FEC_LEN_BYTES : 0;
}

u32 vcmp_fec_residual_ppb(unsigned int k, unsigned int m, u32 loss_ppm);
int vcmp_fec_min_parity(unsigned int k, u32 loss_ppm, u32 target_ppm);
int vcmp_fec_choose(u32 loss_ppm, u32 target_ppm, unsigned int k_max,
		    unsigned int *k, unsigned int *m);

/*
 * The FEC header, at the start of the payload of every FEC_PARITY packet
 * (after the VCMP header; Documentation/wire-format.rst, "FEC groups"):
 *
 *	byte 0		k: data packets the parity covers (1-VCMP_FEC_MAX_K)
 *	byte 1		j: which parity of the group this is (< m)
 *	byte 2		m: parity packets of the group (1-VCMP_FEC_MAX_M)
 *	byte 3		reserved, 0
 *	bytes 4-7	start: peer sequence number of the group's first data
 *			packet, big-endian
 *	bytes 8-(8+k-1)	the FEC index of each data packet, in symbol order:
 *			data packet i is the one with peer sequence number
 *			start + offset[i]; offset[0] = 0, strictly increasing
 *
 * and then the parity symbol itself, VCMP_FEC_PARITY_LEN() bytes.
 */
#define VCMP_FEC_HDR_LEN	8	/* without the k offsets */

/*
 * struct vcmp_fec_parity_hdr - the FEC header of a parity packet
 * @k: data packets covered
 * @j: parity index
 * @m: parity packets in the group
 * @start: peer sequence number of the first data packet
 * @offset: FEC index (peer sequence - @start) of each data packet
 */
struct vcmp_fec_parity_hdr {
	u8 k;
	u8 j;
	u8 m;
	u32 start;
	u8 offset[VCMP_FEC_MAX_K];
};

/* Bytes the FEC header of a parity covering @k data packets takes. */
static inline unsigned int vcmp_fec_hdr_len(unsigned int k)
{
	return VCMP_FEC_HDR_LEN + k;
}

void vcmp_fec_hdr_encode(const struct vcmp_fec_parity_hdr *h, u8 *out);
int vcmp_fec_hdr_decode(struct vcmp_fec_parity_hdr *h, const u8 *in,
			unsigned int len);

#endif /* _VCMP_FEC_H */
