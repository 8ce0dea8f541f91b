/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmp wire format: the VCMP header, the data header, demultiplexing of
 * the UDP port and per-suite overhead. Documentation/wire-format.rst is
 * the reference; this is its codec.
 *
 * Pure logic (see pure.h): no skb, no locking, no allocation. The decoders
 * read only the @len bytes they are given and never more than they need.
 */
#ifndef _VCMP_WIRE_H
#define _VCMP_WIRE_H

#include "pure.h"

#define VCMP_HDR_LEN		23	/* the VCMP header */
#define VCMP_DATA_HDR_LEN	8	/* the data header of DATA packets */
#define VCMP_OVERHEAD		(VCMP_HDR_LEN + VCMP_DATA_HDR_LEN)

#define VCMP_MARKER		0x00	/* byte 0 of every VCMP header */
#define VCMP_WIRE_VERSION	1	/* high nibble of byte 1 */

#define VCMP_ESP_NEXTHDR	253	/* ESP trailer next header, RFC 3692 */
#define VCMP_SPI_MIN		0x01000000U	/* smallest SPI vcmp uses */
#define VCMP_ESP_HDR_LEN	8	/* SPI + low 32 bits of the sequence */
#define VCMP_NATT_KEEPALIVE	0xff	/* RFC 3948 NAT-keepalive byte */

/* Packet types, low nibble of byte 1. 0 and 8-15 are invalid. */
enum vcmp_type {
	VCMP_TYPE_DATA = 1,
	VCMP_TYPE_PROBE = 2,
	VCMP_TYPE_PROBE_ACK = 3,
	VCMP_TYPE_PMTU_PROBE = 4,
	VCMP_TYPE_PMTU_ACK = 5,
	VCMP_TYPE_FEC_PARITY = 6,
	VCMP_TYPE_FEEDBACK = 7,
	VCMP_TYPE_MAX = VCMP_TYPE_FEEDBACK,
};

/* Flags, byte 2. */
enum vcmp_flag {
	VCMP_F_FRAG = BIT(0),	/* data header fragment fields valid */
	VCMP_F_DUP = BIT(1),	/* sent on more than one link */
	VCMP_F_FEC = BIT(2),	/* member of an FEC group */
	VCMP_F_ECHO = BIT(3),	/* echo timestamp valid */
};

#define VCMP_F_ALL	(VCMP_F_FRAG | VCMP_F_DUP | VCMP_F_FEC | VCMP_F_ECHO)

/* Inner protocol, byte 0 of the data header: the IP version. */
#define VCMP_PROTO_IPV4		4
#define VCMP_PROTO_IPV6		6

/* Byte 1 of the data header. */
#define VCMP_FRAG_MORE		0x80
#define VCMP_FRAG_INDEX_MASK	0x7f

/*
 * struct vcmp_hdr - the VCMP header, host byte order
 * @type: enum vcmp_type
 * @flags: enum vcmp_flag bits
 * @link_id: the sender's id of the link the packet was sent on
 * @segment_id: network segment of the inner packet
 * @peer_seq: per-peer sequence number (resequencing, duplicate removal)
 * @link_seq: per-link sequence number (loss on the link)
 * @tstamp: sender's clock, microseconds, wrapping
 * @echo: last @tstamp received from the peer on this link plus the time
 *	it was held; meaningful with VCMP_F_ECHO only, 0 otherwise
 * @fec_index: position in the FEC group; 0 unless VCMP_F_FEC
 *
 * The version is not stored: the codec speaks version 1 only.
 */
struct vcmp_hdr {
	u8 type;
	u8 flags;
	u8 link_id;
	u16 segment_id;
	u32 peer_seq;
	u32 link_seq;
	u32 tstamp;
	u32 echo;
	u8 fec_index;
};

/*
 * struct vcmp_data_hdr - the data header of a DATA packet, host byte order
 * @proto: VCMP_PROTO_IPV4 or VCMP_PROTO_IPV6
 * @frag_more: more fragments follow (VCMP_F_FRAG only)
 * @frag_index: index of this fragment, 0-127 (VCMP_F_FRAG only)
 * @frag_id: fragment id (VCMP_F_FRAG only)
 * @frag_offset: byte offset of this fragment (VCMP_F_FRAG only)
 * @tclass: traffic class id, 0 = default
 */
struct vcmp_data_hdr {
	u8 proto;
	bool frag_more;
	u8 frag_index;
	u16 frag_id;
	u16 frag_offset;
	u8 tclass;
};

/*
 * Why a header was rejected. The decoders return the negated value so
 * that the kernel can count each reason separately; they are not errnos.
 */
enum vcmp_wire_err {
	VCMP_WIRE_OK = 0,
	VCMP_WIRE_ERR_SHORT,		/* fewer bytes than the header needs */
	VCMP_WIRE_ERR_MARKER,		/* byte 0 not 0x00 */
	VCMP_WIRE_ERR_VERSION,		/* version nibble not 1 */
	VCMP_WIRE_ERR_TYPE,		/* packet type 0 or 8-15 */
	VCMP_WIRE_ERR_FLAGS_RESERVED,	/* flag bit 4-7 set */
	VCMP_WIRE_ERR_FLAG_TYPE,	/* FRAG on non-DATA, PARITY w/o FEC */
	VCMP_WIRE_ERR_FEC_WITHOUT_FLAG,	/* FEC index without VCMP_F_FEC */
	VCMP_WIRE_ERR_ECHO_WITHOUT_FLAG, /* echo without VCMP_F_ECHO */
	VCMP_WIRE_ERR_FRAG_WITHOUT_FLAG, /* fragment fields without FRAG */
	VCMP_WIRE_ERR_FRAG_INVALID,	/* fragment index/offset disagree */
	VCMP_WIRE_ERR_PROTO,		/* inner protocol not 4 or 6 */
	VCMP_WIRE_ERR_PROTO_MISMATCH,	/* inner packet version differs */
	VCMP_WIRE_ERR_RESERVED,		/* data header reserved byte set */
	VCMP_WIRE_ERR_COUNT
};

/* What a datagram on the vcmp UDP port is, from its first bytes. */
enum vcmp_demux {
	VCMP_DEMUX_SHORT,		/* too short for what it starts as */
	VCMP_DEMUX_PLAIN,		/* plain VCMP packet (byte 0 = 0x00) */
	VCMP_DEMUX_ESP,			/* ESP in UDP */
	VCMP_DEMUX_KEEPALIVE,		/* RFC 3948 NAT-keepalive, 0xff */
	VCMP_DEMUX_NON_ESP_MARKER,	/* 4 zero bytes: IKE, not vcmp */
};

/* Encapsulations: plain, or ESP with one of the cipher suites. */
enum vcmp_suite {
	VCMP_SUITE_PLAIN,
	VCMP_SUITE_AES_GCM_128,		/* rfc4106(gcm(aes)) */
	VCMP_SUITE_AES_GCM_256,		/* rfc4106(gcm(aes)) */
	VCMP_SUITE_CHACHA20_POLY1305,	/* rfc7539esp(chacha20,poly1305) */
	VCMP_SUITE_AES_CBC_HMAC_SHA1,	/* authencesn(hmac(sha1),cbc(aes)) */
	VCMP_SUITE_COUNT
};

/*
 * struct vcmp_suite_info - sizes an encapsulation adds
 * @name: human-readable name
 * @esp: false for the plain encapsulation, which has no ESP parts
 * @iv_len: explicit IV bytes after the ESP header
 * @align: the encrypted part is padded to a multiple of this
 * @icv_len: integrity check value bytes after the trailer
 */
struct vcmp_suite_info {
	const char *name;
	bool esp;
	u8 iv_len;
	u8 align;
	u8 icv_len;
};

void vcmp_hdr_encode(const struct vcmp_hdr *h, u8 *out);
int vcmp_hdr_decode(struct vcmp_hdr *h, const u8 *in, size_t len);
void vcmp_hdr_move(u8 *hdr, u8 link_id);
int vcmp_hdr_validate(const struct vcmp_hdr *h);
void vcmp_data_hdr_encode(const struct vcmp_data_hdr *d, u8 *out);
int vcmp_data_hdr_decode(struct vcmp_data_hdr *d, const u8 *in, size_t len,
			 u8 hdr_flags);
const char *vcmp_wire_err_name(int err);

enum vcmp_demux vcmp_classify(const u8 *payload, size_t len);

const struct vcmp_suite_info *vcmp_suite_info(enum vcmp_suite suite);
unsigned int vcmp_overhead(enum vcmp_suite suite, bool ipv6,
			   unsigned int inner_len);
unsigned int vcmp_max_inner(enum vcmp_suite suite, bool ipv6,
			    unsigned int underlay_mtu);

/*
 * Serial-number arithmetic on 32-bit sequence numbers and timestamps
 * (RFC 1982): @a is before @b when it is less than 2^31 behind it, modulo
 * 2^32. Numbers exactly 2^31 apart are each "before" the other; callers
 * only compare numbers that are close.
 */
static inline s32 vcmp_seq_diff(u32 a, u32 b)
{
	return (s32)(a - b);
}

static inline bool vcmp_seq_before(u32 a, u32 b)
{
	return vcmp_seq_diff(a, b) < 0;
}

static inline bool vcmp_seq_after(u32 a, u32 b)
{
	return vcmp_seq_diff(b, a) < 0;
}

static inline bool vcmp_seq_before_eq(u32 a, u32 b)
{
	return vcmp_seq_diff(a, b) <= 0;
}

static inline bool vcmp_seq_after_eq(u32 a, u32 b)
{
	return vcmp_seq_diff(b, a) <= 0;
}

#endif /* _VCMP_WIRE_H */
