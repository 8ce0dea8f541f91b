// SPDX-License-Identifier: GPL-2.0
/*
 * vcmp wire format codec: VCMP header, data header, demultiplexing and
 * overhead arithmetic. Pure logic (see pure.h), tested on the host by
 * selftests/unit/test_wire.c and fuzzed by selftests/unit/fuzz_wire.c.
 * Documentation/wire-format.rst describes the format.
 */
#include "pure.h"
#include "wire.h"

/* Offsets in the VCMP header. */
#define OFF_MARKER	0
#define OFF_VER_TYPE	1
#define OFF_FLAGS	2
#define OFF_LINK_ID	3
#define OFF_SEGMENT	4
#define OFF_PEER_SEQ	6
#define OFF_LINK_SEQ	10
#define OFF_TSTAMP	14
#define OFF_ECHO	18
#define OFF_FEC_INDEX	22

/* Offsets in the data header. */
#define OFF_D_PROTO	0
#define OFF_D_FRAG	1
#define OFF_D_FRAG_ID	2
#define OFF_D_FRAG_OFF	4
#define OFF_D_TCLASS	6
#define OFF_D_RESERVED	7

static_assert(OFF_FEC_INDEX + 1 == VCMP_HDR_LEN, "VCMP header layout");
static_assert(OFF_D_RESERVED + 1 == VCMP_DATA_HDR_LEN, "data header layout");
static_assert(VCMP_OVERHEAD == 31, "VCMP overhead is 31 bytes");

#define IPV4_HDR_LEN	20
#define IPV6_HDR_LEN	40
#define UDP_HDR_LEN	8
#define ESP_TRAILER_LEN	2	/* pad length + next header */

static const struct vcmp_suite_info vcmp_suites[VCMP_SUITE_COUNT] = {
	[VCMP_SUITE_PLAIN] = {
		.name = "plain", .esp = false,
		.iv_len = 0, .align = 1, .icv_len = 0,
	},
	[VCMP_SUITE_AES_GCM_128] = {
		.name = "aes-gcm-128", .esp = true,
		.iv_len = 8, .align = 4, .icv_len = 16,
	},
	[VCMP_SUITE_AES_GCM_256] = {
		.name = "aes-gcm-256", .esp = true,
		.iv_len = 8, .align = 4, .icv_len = 16,
	},
	[VCMP_SUITE_CHACHA20_POLY1305] = {
		.name = "chacha20-poly1305", .esp = true,
		.iv_len = 8, .align = 4, .icv_len = 16,
	},
	[VCMP_SUITE_AES_CBC_HMAC_SHA1] = {
		.name = "aes-cbc-hmac-sha1", .esp = true,
		.iv_len = 16, .align = 16, .icv_len = 12,
	},
};

/* Indexed by enum vcmp_wire_err; suitable as counter name suffixes. */
static const char * const vcmp_wire_err_names[VCMP_WIRE_ERR_COUNT] = {
	[VCMP_WIRE_OK]			= "ok",
	[VCMP_WIRE_ERR_SHORT]		= "short",
	[VCMP_WIRE_ERR_MARKER]		= "bad_marker",
	[VCMP_WIRE_ERR_VERSION]		= "bad_version",
	[VCMP_WIRE_ERR_TYPE]		= "bad_type",
	[VCMP_WIRE_ERR_FLAGS_RESERVED]	= "flags_reserved",
	[VCMP_WIRE_ERR_FLAG_TYPE]	= "flag_type",
	[VCMP_WIRE_ERR_FEC_WITHOUT_FLAG] = "fec_without_flag",
	[VCMP_WIRE_ERR_ECHO_WITHOUT_FLAG] = "echo_without_flag",
	[VCMP_WIRE_ERR_FRAG_WITHOUT_FLAG] = "frag_without_flag",
	[VCMP_WIRE_ERR_FRAG_INVALID]	= "frag_invalid",
	[VCMP_WIRE_ERR_PROTO]		= "bad_proto",
	[VCMP_WIRE_ERR_PROTO_MISMATCH]	= "proto_mismatch",
	[VCMP_WIRE_ERR_RESERVED]	= "reserved",
};

/**
 * vcmp_hdr_encode() - write a VCMP header
 * @h: the header, host byte order
 * @out: VCMP_HDR_LEN bytes
 *
 * Writes the fields as given, with version 1; only the low nibble of
 * @h->type is used. The caller builds a valid header (vcmp_hdr_validate()
 * tells): flags and fields it does not set must be 0.
 */
void vcmp_hdr_encode(const struct vcmp_hdr *h, u8 *out)
{
	out[OFF_MARKER] = VCMP_MARKER;
	out[OFF_VER_TYPE] = (u8)(VCMP_WIRE_VERSION << 4 | (h->type & 0x0f));
	out[OFF_FLAGS] = h->flags;
	out[OFF_LINK_ID] = h->link_id;
	vcmp_put_be16(out + OFF_SEGMENT, h->segment_id);
	vcmp_put_be32(out + OFF_PEER_SEQ, h->peer_seq);
	vcmp_put_be32(out + OFF_LINK_SEQ, h->link_seq);
	vcmp_put_be32(out + OFF_TSTAMP, h->tstamp);
	vcmp_put_be32(out + OFF_ECHO, h->echo);
	out[OFF_FEC_INDEX] = h->fec_index;
}

/**
 * vcmp_hdr_move() - make an encoded DATA header fit for another link
 * @hdr: VCMP_HDR_LEN bytes of a header vcmp_hdr_encode() wrote
 * @link_id: the other link's id
 *
 * For a packet sent again on another link: sets @link_id and VCMP_F_DUP
 * (the first copy may arrive), clears VCMP_F_ECHO and the echo (the old
 * link's); the link sequence number and timestamp are the sender's to
 * stamp anew. Everything else stays.
 */
void vcmp_hdr_move(u8 *hdr, u8 link_id)
{
	hdr[OFF_LINK_ID] = link_id;
	hdr[OFF_FLAGS] = (u8)((hdr[OFF_FLAGS] | VCMP_F_DUP) & ~VCMP_F_ECHO);
	vcmp_put_be32(hdr + OFF_ECHO, 0);
}

/**
 * vcmp_hdr_validate() - check the rules between the fields of a header
 * @h: the header, host byte order
 *
 * Return: 0 when @h is a valid version 1 header, else a negative
 * enum vcmp_wire_err (never VCMP_WIRE_ERR_SHORT, _MARKER or _VERSION,
 * which concern bytes that struct vcmp_hdr does not hold).
 */
int vcmp_hdr_validate(const struct vcmp_hdr *h)
{
	if (h->type < VCMP_TYPE_DATA || h->type > VCMP_TYPE_MAX)
		return -VCMP_WIRE_ERR_TYPE;
	if (h->flags & ~VCMP_F_ALL)
		return -VCMP_WIRE_ERR_FLAGS_RESERVED;
	if ((h->flags & VCMP_F_FRAG) && h->type != VCMP_TYPE_DATA)
		return -VCMP_WIRE_ERR_FLAG_TYPE;
	if (h->type == VCMP_TYPE_FEC_PARITY && !(h->flags & VCMP_F_FEC))
		return -VCMP_WIRE_ERR_FLAG_TYPE;
	if (h->fec_index && !(h->flags & VCMP_F_FEC))
		return -VCMP_WIRE_ERR_FEC_WITHOUT_FLAG;
	if (h->echo && !(h->flags & VCMP_F_ECHO))
		return -VCMP_WIRE_ERR_ECHO_WITHOUT_FLAG;
	return 0;
}

/**
 * vcmp_hdr_decode() - parse and check a VCMP header
 * @h: filled in on success; unspecified on failure
 * @in: the packet, starting at the VCMP header
 * @len: bytes available at @in (may be more than the header)
 *
 * Return: 0, or a negative enum vcmp_wire_err saying why the header is
 * not a valid version 1 header. A header that decodes re-encodes to the
 * same bytes.
 */
int vcmp_hdr_decode(struct vcmp_hdr *h, const u8 *in, size_t len)
{
	if (unlikely(len < VCMP_HDR_LEN))
		return -VCMP_WIRE_ERR_SHORT;
	if (unlikely(in[OFF_MARKER] != VCMP_MARKER))
		return -VCMP_WIRE_ERR_MARKER;
	if (unlikely(in[OFF_VER_TYPE] >> 4 != VCMP_WIRE_VERSION))
		return -VCMP_WIRE_ERR_VERSION;

	h->type = in[OFF_VER_TYPE] & 0x0f;
	h->flags = in[OFF_FLAGS];
	h->link_id = in[OFF_LINK_ID];
	h->segment_id = vcmp_get_be16(in + OFF_SEGMENT);
	h->peer_seq = vcmp_get_be32(in + OFF_PEER_SEQ);
	h->link_seq = vcmp_get_be32(in + OFF_LINK_SEQ);
	h->tstamp = vcmp_get_be32(in + OFF_TSTAMP);
	h->echo = vcmp_get_be32(in + OFF_ECHO);
	h->fec_index = in[OFF_FEC_INDEX];

	return vcmp_hdr_validate(h);
}

/**
 * vcmp_data_hdr_encode() - write a data header
 * @d: the data header, host byte order
 * @out: VCMP_DATA_HDR_LEN bytes
 *
 * Writes the fields as given (the fragment index is masked to 7 bits) and
 * a zero reserved byte.
 */
void vcmp_data_hdr_encode(const struct vcmp_data_hdr *d, u8 *out)
{
	out[OFF_D_PROTO] = d->proto;
	out[OFF_D_FRAG] = (u8)((d->frag_more ? VCMP_FRAG_MORE : 0) |
			       (d->frag_index & VCMP_FRAG_INDEX_MASK));
	vcmp_put_be16(out + OFF_D_FRAG_ID, d->frag_id);
	vcmp_put_be16(out + OFF_D_FRAG_OFF, d->frag_offset);
	out[OFF_D_TCLASS] = d->tclass;
	out[OFF_D_RESERVED] = 0;
}

/**
 * vcmp_data_hdr_decode() - parse and check the data header of a DATA packet
 * @d: filled in on success; unspecified on failure
 * @in: the packet, starting at the data header
 * @len: bytes available at @in: the data header and everything after it
 * @hdr_flags: flags of the VCMP header in front (VCMP_F_FRAG matters)
 *
 * A DATA packet carries at least one byte after the data header. When it
 * is the whole inner packet or its first fragment, the version nibble of
 * that byte must match the inner protocol.
 *
 * Return: 0, or a negative enum vcmp_wire_err.
 */
int vcmp_data_hdr_decode(struct vcmp_data_hdr *d, const u8 *in, size_t len,
			 u8 hdr_flags)
{
	u8 frag;

	if (unlikely(len <= VCMP_DATA_HDR_LEN))
		return -VCMP_WIRE_ERR_SHORT;

	d->proto = in[OFF_D_PROTO];
	frag = in[OFF_D_FRAG];
	d->frag_more = frag & VCMP_FRAG_MORE;
	d->frag_index = frag & VCMP_FRAG_INDEX_MASK;
	d->frag_id = vcmp_get_be16(in + OFF_D_FRAG_ID);
	d->frag_offset = vcmp_get_be16(in + OFF_D_FRAG_OFF);
	d->tclass = in[OFF_D_TCLASS];

	if (unlikely(d->proto != VCMP_PROTO_IPV4 &&
		     d->proto != VCMP_PROTO_IPV6))
		return -VCMP_WIRE_ERR_PROTO;
	if (unlikely(in[OFF_D_RESERVED]))
		return -VCMP_WIRE_ERR_RESERVED;
	if (!(hdr_flags & VCMP_F_FRAG)) {
		if (unlikely(frag || d->frag_id || d->frag_offset))
			return -VCMP_WIRE_ERR_FRAG_WITHOUT_FLAG;
	} else if (unlikely(!d->frag_index != !d->frag_offset)) {
		return -VCMP_WIRE_ERR_FRAG_INVALID;
	}
	if (d->frag_offset == 0 &&
	    unlikely(in[VCMP_DATA_HDR_LEN] >> 4 != d->proto))
		return -VCMP_WIRE_ERR_PROTO_MISMATCH;
	return 0;
}

/**
 * vcmp_wire_err_name() - short name of a decode error
 * @err: a value returned by a decoder, negative or not
 *
 * Return: a static string such as "bad_type"; "unknown" when @err is not
 * an enum vcmp_wire_err.
 */
const char *vcmp_wire_err_name(int err)
{
	unsigned int e = err < 0 ? -(unsigned int)err : (unsigned int)err;

	if (e >= ARRAY_SIZE(vcmp_wire_err_names))
		return "unknown";
	return vcmp_wire_err_names[e];
}

/**
 * vcmp_classify() - what a datagram on the vcmp port is
 * @payload: the UDP payload
 * @len: its length
 *
 * Decided from the first bytes only (Documentation/wire-format.rst,
 * "Demultiplexing"): exactly one 0xff byte is a NAT-T keepalive; four zero
 * bytes are the non-ESP marker; byte 0 = 0x00 is plain VCMP, which needs
 * VCMP_HDR_LEN bytes; anything else is ESP, which needs VCMP_ESP_HDR_LEN
 * bytes. Payloads shorter than their case needs are VCMP_DEMUX_SHORT.
 *
 * Return: an enum vcmp_demux.
 */
enum vcmp_demux vcmp_classify(const u8 *payload, size_t len)
{
	if (unlikely(len == 0))
		return VCMP_DEMUX_SHORT;
	if (payload[0] != VCMP_MARKER) {
		if (likely(len >= VCMP_ESP_HDR_LEN))
			return VCMP_DEMUX_ESP;
		if (len == 1 && payload[0] == VCMP_NATT_KEEPALIVE)
			return VCMP_DEMUX_KEEPALIVE;
		return VCMP_DEMUX_SHORT;
	}
	if (len >= 4 && !payload[1] && !payload[2] && !payload[3])
		return VCMP_DEMUX_NON_ESP_MARKER;
	if (len >= VCMP_HDR_LEN)
		return VCMP_DEMUX_PLAIN;
	return VCMP_DEMUX_SHORT;
}

/**
 * vcmp_suite_info() - sizes of an encapsulation
 * @suite: enum vcmp_suite
 *
 * Return: the suite's entry of a static table, or NULL for an unknown
 * suite.
 */
const struct vcmp_suite_info *vcmp_suite_info(enum vcmp_suite suite)
{
	if ((unsigned int)suite >= ARRAY_SIZE(vcmp_suites))
		return NULL;
	return &vcmp_suites[suite];
}

/* Bytes outside the encrypted part: IP, UDP and for ESP SPI, seq, IV, ICV */
static unsigned int vcmp_fixed_overhead(const struct vcmp_suite_info *si,
					bool ipv6)
{
	unsigned int n = (ipv6 ? IPV6_HDR_LEN : IPV4_HDR_LEN) + UDP_HDR_LEN;

	if (si->esp)
		n += VCMP_ESP_HDR_LEN + si->iv_len + si->icv_len;
	return n;
}

/* VCMP headers, and for ESP the trailer: what surrounds the inner packet */
static unsigned int vcmp_inner_framing(const struct vcmp_suite_info *si)
{
	return VCMP_OVERHEAD + (si->esp ? ESP_TRAILER_LEN : 0);
}

/**
 * vcmp_overhead() - bytes a DATA packet adds to an inner packet
 * @suite: encapsulation
 * @ipv6: the underlay is IPv6 (else IPv4)
 * @inner_len: length of the inner packet
 *
 * Exact, padding for @inner_len included: the underlay IP datagram is
 * @inner_len + vcmp_overhead() bytes long.
 *
 * Return: the overhead in bytes, 0 for an unknown suite.
 */
unsigned int vcmp_overhead(enum vcmp_suite suite, bool ipv6,
			   unsigned int inner_len)
{
	const struct vcmp_suite_info *si = vcmp_suite_info(suite);
	unsigned int framing, rem, pad;

	if (!si)
		return 0;
	framing = vcmp_inner_framing(si);
	/* (inner_len + framing) % align, without overflowing */
	rem = (inner_len % si->align + framing % si->align) % si->align;
	pad = rem ? si->align - rem : 0;
	return vcmp_fixed_overhead(si, ipv6) + framing + pad;
}

/**
 * vcmp_max_inner() - largest inner packet that fits an underlay MTU
 * @suite: encapsulation
 * @ipv6: the underlay is IPv6 (else IPv4)
 * @underlay_mtu: MTU of the underlay path
 *
 * The largest L for which L + vcmp_overhead(@suite, @ipv6, L) is at most
 * @underlay_mtu: what remains after the fixed parts, rounded down to the
 * suite's alignment, minus the VCMP headers and the ESP trailer.
 *
 * Return: that length, or 0 when no inner packet fits (or the suite is
 * unknown).
 */
unsigned int vcmp_max_inner(enum vcmp_suite suite, bool ipv6,
			    unsigned int underlay_mtu)
{
	const struct vcmp_suite_info *si = vcmp_suite_info(suite);
	unsigned int fixed, framing, room;

	if (!si)
		return 0;
	fixed = vcmp_fixed_overhead(si, ipv6);
	framing = vcmp_inner_framing(si);
	if (underlay_mtu < fixed)
		return 0;
	room = underlay_mtu - fixed;
	room -= room % si->align;
	return room > framing ? room - framing : 0;
}
