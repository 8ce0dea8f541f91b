// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/wire.c: VCMP header and data header codec,
 * demultiplexing, overhead arithmetic, serial-number helpers. The
 * expected values are written out independently of the code under test
 * (byte offsets, Documentation/wire-format.rst tables).
 */
#include "wire.h"
#include "unit.h"

/* A valid DATA header with every field set to a distinct value. */
static struct vcmp_hdr sample_hdr(void)
{
	struct vcmp_hdr h = {
		.type = VCMP_TYPE_DATA,
		.flags = VCMP_F_FRAG | VCMP_F_DUP | VCMP_F_FEC | VCMP_F_ECHO,
		.link_id = 0xa5,
		.segment_id = 0x1234,
		.peer_seq = 0x01020304,
		.link_seq = 0x05060708,
		.tstamp = 0x090a0b0c,
		.echo = 0x0d0e0f10,
		.fec_index = 0x11,
	};
	return h;
}

static int hdr_equal(const struct vcmp_hdr *a, const struct vcmp_hdr *b)
{
	return a->type == b->type && a->flags == b->flags &&
	       a->link_id == b->link_id && a->segment_id == b->segment_id &&
	       a->peer_seq == b->peer_seq && a->link_seq == b->link_seq &&
	       a->tstamp == b->tstamp && a->echo == b->echo &&
	       a->fec_index == b->fec_index;
}

static int data_equal(const struct vcmp_data_hdr *a,
		      const struct vcmp_data_hdr *b)
{
	return a->proto == b->proto && a->frag_more == b->frag_more &&
	       a->frag_index == b->frag_index && a->frag_id == b->frag_id &&
	       a->frag_offset == b->frag_offset && a->tclass == b->tclass;
}

static void test_hdr_known_bytes(void)
{
	static const u8 want[VCMP_HDR_LEN] = {
		0x00, 0x11, 0x0f, 0xa5, 0x12, 0x34,
		0x01, 0x02, 0x03, 0x04,	0x05, 0x06, 0x07, 0x08,
		0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
		0x11,
	};
	struct vcmp_hdr h = sample_hdr(), d;
	u8 buf[VCMP_HDR_LEN + 2];

	memset(buf, 0xee, sizeof(buf));
	vcmp_hdr_encode(&h, buf);
	CHECK(!memcmp(buf, want, sizeof(want)));
	/* Exactly VCMP_HDR_LEN bytes written. */
	CHECK_EQ(buf[VCMP_HDR_LEN], 0xee);
	CHECK_EQ(buf[VCMP_HDR_LEN + 1], 0xee);

	memset(&d, 0, sizeof(d));
	CHECK_EQ(vcmp_hdr_decode(&d, want, sizeof(want)), 0);
	CHECK(hdr_equal(&h, &d));
	CHECK_EQ(d.type, 1);
	CHECK_EQ(d.segment_id, 0x1234);
	CHECK_EQ(d.peer_seq, 0x01020304);
	CHECK_EQ(d.echo, 0x0d0e0f10);
	/* Longer input is fine: the header is a prefix. */
	CHECK_EQ(vcmp_hdr_decode(&d, buf, sizeof(buf)), 0);
}

/* A header moved to another link for a resend: id, DUP, no echo. */
static void test_hdr_move(void)
{
	struct vcmp_hdr h = sample_hdr(), d, want;
	u8 buf[VCMP_HDR_LEN];

	h.flags = VCMP_F_FRAG | VCMP_F_ECHO;
	h.fec_index = 0;	/* FEC packets are not resent */
	vcmp_hdr_encode(&h, buf);
	vcmp_hdr_move(buf, 0x07);
	CHECK_EQ(buf[3], 0x07);
	CHECK_EQ(buf[2], VCMP_F_FRAG | VCMP_F_DUP);
	CHECK_EQ(vcmp_hdr_decode(&d, buf, sizeof(buf)), 0);
	want = h;
	want.link_id = 0x07;
	want.flags = VCMP_F_FRAG | VCMP_F_DUP;
	want.echo = 0;
	CHECK(hdr_equal(&d, &want));
	/* Already DUP, no echo: only the id changes. */
	vcmp_hdr_move(buf, 0xa5);
	CHECK_EQ(vcmp_hdr_decode(&d, buf, sizeof(buf)), 0);
	want.link_id = 0xa5;
	CHECK(hdr_equal(&d, &want));
}

static void test_hdr_round_trip_extremes(void)
{
	static const u32 v32[] = { 0, 1, 0x7fffffff, 0x80000000, 0xfffffffe,
				   0xffffffff, 0xdeadbeef };
	static const u16 v16[] = { 0, 1, 0x7fff, 0x8000, 0xffff };
	static const u8 v8[] = { 0, 1, 0x7f, 0x80, 0xff };
	unsigned int type, flags, i, n = 0;

	for (type = VCMP_TYPE_DATA; type <= VCMP_TYPE_MAX; type++) {
		for (flags = 0; flags <= VCMP_F_ALL; flags++) {
			if ((flags & VCMP_F_FRAG) && type != VCMP_TYPE_DATA)
				continue;
			if (type == VCMP_TYPE_FEC_PARITY &&
			    !(flags & VCMP_F_FEC))
				continue;
			for (i = 0; i < 35; i++) {
				struct vcmp_hdr h = {
					.type = (u8)type,
					.flags = (u8)flags,
					.link_id = v8[i % 5],
					.segment_id = v16[(i / 5) % 5],
					.peer_seq = v32[i % 7],
					.link_seq = v32[(i + 1) % 7],
					.tstamp = v32[(i + 2) % 7],
					.echo = flags & VCMP_F_ECHO ?
						v32[(i / 5) % 7] : 0,
					.fec_index = flags & VCMP_F_FEC ?
						v8[(i + 3) % 5] : 0,
				}, d;
				u8 buf[VCMP_HDR_LEN], again[VCMP_HDR_LEN];

				CHECK_EQ(vcmp_hdr_validate(&h), 0);
				vcmp_hdr_encode(&h, buf);
				CHECK_EQ(buf[0], 0x00);
				CHECK_EQ(buf[1], 0x10 | type);
				CHECK_EQ(buf[2], flags);
				CHECK_EQ(buf[3], h.link_id);
				CHECK_EQ(buf[4] << 8 | buf[5], h.segment_id);
				CHECK_EQ((u32)buf[6] << 24 | buf[7] << 16 |
					 buf[8] << 8 | buf[9], h.peer_seq);
				CHECK_EQ((u32)buf[10] << 24 | buf[11] << 16 |
					 buf[12] << 8 | buf[13], h.link_seq);
				CHECK_EQ((u32)buf[14] << 24 | buf[15] << 16 |
					 buf[16] << 8 | buf[17], h.tstamp);
				CHECK_EQ((u32)buf[18] << 24 | buf[19] << 16 |
					 buf[20] << 8 | buf[21], h.echo);
				CHECK_EQ(buf[22], h.fec_index);
				memset(&d, 0xa5, sizeof(d));
				CHECK_EQ(vcmp_hdr_decode(&d, buf, sizeof(buf)), 0);
				CHECK(hdr_equal(&h, &d));
				vcmp_hdr_encode(&d, again);
				CHECK(!memcmp(buf, again, sizeof(buf)));
				n++;
			}
		}
	}
	CHECK(n > 1000);
}

static int decode_bytes(const u8 *buf, size_t len)
{
	struct vcmp_hdr h;

	return vcmp_hdr_decode(&h, buf, len);
}

static void test_hdr_decode_errors(void)
{
	struct vcmp_hdr h = sample_hdr();
	u8 good[VCMP_HDR_LEN], buf[VCMP_HDR_LEN];
	unsigned int i, t;
	size_t len;

	vcmp_hdr_encode(&h, good);
	CHECK_EQ(decode_bytes(good, sizeof(good)), 0);

	for (len = 0; len < VCMP_HDR_LEN; len++)
		CHECK_EQ(decode_bytes(good, len), -VCMP_WIRE_ERR_SHORT);

	for (i = 1; i < 256; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[0] = (u8)i;
		CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_MARKER);
	}

	for (i = 0; i < 16; i++) {
		if (i == 1)
			continue;
		memcpy(buf, good, sizeof(buf));
		buf[1] = (u8)(i << 4 | VCMP_TYPE_DATA);
		CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_VERSION);
	}

	for (t = 0; t < 16; t++) {
		memcpy(buf, good, sizeof(buf));
		buf[1] = (u8)(0x10 | t);
		buf[2] = 0;
		buf[18] = buf[19] = buf[20] = buf[21] = 0;
		buf[22] = 0;
		CHECK_EQ(decode_bytes(buf, sizeof(buf)),
			 t == 0 || t > 7 ? -VCMP_WIRE_ERR_TYPE :
			 t == VCMP_TYPE_FEC_PARITY ? -VCMP_WIRE_ERR_FLAG_TYPE :
			 0);
	}

	for (i = 4; i < 8; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[2] |= (u8)(1 << i);
		CHECK_EQ(decode_bytes(buf, sizeof(buf)),
			 -VCMP_WIRE_ERR_FLAGS_RESERVED);
	}

	/* FRAG on every type but DATA. */
	for (t = VCMP_TYPE_PROBE; t <= VCMP_TYPE_MAX; t++) {
		memcpy(buf, good, sizeof(buf));
		buf[1] = (u8)(0x10 | t);
		CHECK_EQ(decode_bytes(buf, sizeof(buf)),
			 -VCMP_WIRE_ERR_FLAG_TYPE);
		buf[2] &= (u8)~VCMP_F_FRAG;
		CHECK_EQ(decode_bytes(buf, sizeof(buf)), 0);
	}
	/* FEC_PARITY without FEC. */
	memcpy(buf, good, sizeof(buf));
	buf[1] = 0x10 | VCMP_TYPE_FEC_PARITY;
	buf[2] = 0;
	buf[18] = buf[19] = buf[20] = buf[21] = buf[22] = 0;
	CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_FLAG_TYPE);

	/* FEC index without FEC, any non-zero index. */
	for (i = 1; i < 256; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[2] &= (u8)~VCMP_F_FEC;
		buf[22] = (u8)i;
		CHECK_EQ(decode_bytes(buf, sizeof(buf)),
			 -VCMP_WIRE_ERR_FEC_WITHOUT_FLAG);
	}
	memcpy(buf, good, sizeof(buf));
	buf[2] &= (u8)~VCMP_F_FEC;
	buf[22] = 0;
	CHECK_EQ(decode_bytes(buf, sizeof(buf)), 0);

	/* Echo without ECHO, any one non-zero byte of it. */
	for (i = 18; i < 22; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[2] &= (u8)~VCMP_F_ECHO;
		buf[18] = buf[19] = buf[20] = buf[21] = 0;
		buf[i] = 0x80;
		CHECK_EQ(decode_bytes(buf, sizeof(buf)),
			 -VCMP_WIRE_ERR_ECHO_WITHOUT_FLAG);
		buf[i] = 0;
		CHECK_EQ(decode_bytes(buf, sizeof(buf)), 0);
	}

	/* Checks come in a fixed order: short before marker before ... */
	memset(buf, 0xff, sizeof(buf));
	CHECK_EQ(decode_bytes(buf, sizeof(buf) - 1), -VCMP_WIRE_ERR_SHORT);
	CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_MARKER);
	buf[0] = 0;
	CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_VERSION);
	buf[1] = 0x1f;
	CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_TYPE);
	buf[1] = 0x12;
	CHECK_EQ(decode_bytes(buf, sizeof(buf)), -VCMP_WIRE_ERR_FLAGS_RESERVED);

	/* validate() agrees with decode() on what it can see. */
	h = sample_hdr();
	CHECK_EQ(vcmp_hdr_validate(&h), 0);
	h.type = 0;
	CHECK_EQ(vcmp_hdr_validate(&h), -VCMP_WIRE_ERR_TYPE);
	h.type = 8;
	CHECK_EQ(vcmp_hdr_validate(&h), -VCMP_WIRE_ERR_TYPE);
	h = sample_hdr();
	h.flags = 0x10;
	CHECK_EQ(vcmp_hdr_validate(&h), -VCMP_WIRE_ERR_FLAGS_RESERVED);
}

static struct vcmp_data_hdr sample_data(void)
{
	struct vcmp_data_hdr d = {
		.proto = VCMP_PROTO_IPV6,
		.frag_more = true,
		.frag_index = 0x35,
		.frag_id = 0xbeef,
		.frag_offset = 0x0578,
		.tclass = 0x42,
	};
	return d;
}

static int data_decode(const u8 *buf, size_t len, u8 flags)
{
	struct vcmp_data_hdr d;

	return vcmp_data_hdr_decode(&d, buf, len, flags);
}

static void test_data_known_bytes(void)
{
	static const u8 want[VCMP_DATA_HDR_LEN] = {
		0x06, 0xb5, 0xbe, 0xef, 0x05, 0x78, 0x42, 0x00,
	};
	struct vcmp_data_hdr d = sample_data(), e;
	u8 buf[VCMP_DATA_HDR_LEN + 2];

	memset(buf, 0xee, sizeof(buf));
	vcmp_data_hdr_encode(&d, buf);
	CHECK(!memcmp(buf, want, sizeof(want)));
	CHECK_EQ(buf[VCMP_DATA_HDR_LEN], 0xee);

	/* Not the first fragment: the payload byte is not an IP header. */
	memset(&e, 0, sizeof(e));
	CHECK_EQ(vcmp_data_hdr_decode(&e, buf, sizeof(buf), VCMP_F_FRAG), 0);
	CHECK(data_equal(&d, &e));
	CHECK_EQ(e.frag_more, 1);
	CHECK_EQ(e.frag_index, 0x35);
	CHECK_EQ(e.frag_offset, 0x578);

	/* Fragment index is 7 bits. */
	d.frag_index = 0xff;
	d.frag_more = false;
	vcmp_data_hdr_encode(&d, buf);
	CHECK_EQ(buf[1], 0x7f);
}

static void test_data_round_trip_extremes(void)
{
	static const u16 v16[] = { 0, 1, 0x7fff, 0x8000, 0xffff };
	unsigned int proto, more, idx, i, n = 0;

	for (proto = 4; proto <= 6; proto += 2) {
		for (more = 0; more < 2; more++) {
			for (idx = 0; idx < 128; idx++) {
				for (i = 0; i < 5; i++) {
					struct vcmp_data_hdr d = {
						.proto = (u8)proto,
						.frag_more = more,
						.frag_index = (u8)idx,
						.frag_id = v16[(i + idx) % 5],
						.frag_offset = idx ?
							(v16[i] ? v16[i] : 8) :
							0,
						.tclass = (u8)(idx * 2 + more),
					}, e;
					u8 buf[VCMP_DATA_HDR_LEN + 1];
					u8 again[VCMP_DATA_HDR_LEN];

					vcmp_data_hdr_encode(&d, buf);
					buf[VCMP_DATA_HDR_LEN] = (u8)(proto << 4);
					CHECK_EQ(buf[0], proto);
					CHECK_EQ(buf[1], (more << 7) | idx);
					CHECK_EQ(buf[2] << 8 | buf[3], d.frag_id);
					CHECK_EQ(buf[4] << 8 | buf[5],
						 d.frag_offset);
					CHECK_EQ(buf[6], d.tclass);
					CHECK_EQ(buf[7], 0);
					memset(&e, 0x5a, sizeof(e));
					CHECK_EQ(vcmp_data_hdr_decode(&e, buf,
								      sizeof(buf),
								      VCMP_F_FRAG),
						 0);
					CHECK(data_equal(&d, &e));
					vcmp_data_hdr_encode(&e, again);
					CHECK(!memcmp(buf, again,
						      sizeof(again)));
					n++;
				}
			}
		}
	}
	/* Unfragmented, every traffic class. */
	for (i = 0; i < 256; i++) {
		struct vcmp_data_hdr d = { .proto = 4, .tclass = (u8)i }, e;
		u8 buf[VCMP_DATA_HDR_LEN + 20] = { 0 };

		vcmp_data_hdr_encode(&d, buf);
		buf[VCMP_DATA_HDR_LEN] = 0x45;
		CHECK_EQ(vcmp_data_hdr_decode(&e, buf, sizeof(buf), 0), 0);
		CHECK(data_equal(&d, &e));
		n++;
	}
	CHECK(n > 2000);
}

static void test_data_decode_errors(void)
{
	/* First fragment of an IPv4 packet, 20 bytes of it. */
	u8 good[VCMP_DATA_HDR_LEN + 20] = {
		0x04, 0x80, 0x12, 0x34, 0x00, 0x00, 0x07, 0x00, 0x45,
	};
	u8 buf[sizeof(good)];
	unsigned int i;
	size_t len;

	CHECK_EQ(data_decode(good, sizeof(good), VCMP_F_FRAG), 0);
	CHECK_EQ(data_decode(good, VCMP_DATA_HDR_LEN + 1, VCMP_F_FRAG), 0);
	for (len = 0; len <= VCMP_DATA_HDR_LEN; len++)
		CHECK_EQ(data_decode(good, len, VCMP_F_FRAG),
			 -VCMP_WIRE_ERR_SHORT);

	for (i = 0; i < 256; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[0] = (u8)i;
		buf[VCMP_DATA_HDR_LEN] = (u8)(i << 4 | 5);
		CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG),
			 i == 4 || i == 6 ? 0 : -VCMP_WIRE_ERR_PROTO);
	}

	for (i = 1; i < 256; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[7] = (u8)i;
		CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG),
			 -VCMP_WIRE_ERR_RESERVED);
	}

	/* No FRAG flag: the fragment byte, id and offset must all be 0. */
	memcpy(buf, good, sizeof(buf));
	CHECK_EQ(data_decode(buf, sizeof(buf), 0),
		 -VCMP_WIRE_ERR_FRAG_WITHOUT_FLAG);
	CHECK_EQ(data_decode(buf, sizeof(buf), (u8)~VCMP_F_FRAG),
		 -VCMP_WIRE_ERR_FRAG_WITHOUT_FLAG);
	buf[1] = buf[2] = buf[3] = 0;
	CHECK_EQ(data_decode(buf, sizeof(buf), 0), 0);
	for (i = 1; i < 6; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[1] = buf[2] = buf[3] = buf[4] = buf[5] = 0;
		buf[i] = 1;
		CHECK_EQ(data_decode(buf, sizeof(buf), 0),
			 -VCMP_WIRE_ERR_FRAG_WITHOUT_FLAG);
	}

	/* Fragment index 0 goes with offset 0, and only with it. */
	memcpy(buf, good, sizeof(buf));
	buf[5] = 8;
	CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG),
		 -VCMP_WIRE_ERR_FRAG_INVALID);
	memcpy(buf, good, sizeof(buf));
	buf[1] = 0x81;
	CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG),
		 -VCMP_WIRE_ERR_FRAG_INVALID);
	buf[4] = 0x01;
	CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG), 0);
	buf[1] = 0x01;	/* last fragment */
	CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG), 0);

	/* The inner version nibble must match, when it is visible. */
	for (i = 0; i < 16; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[VCMP_DATA_HDR_LEN] = (u8)(i << 4);
		CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG),
			 i == 4 ? 0 : -VCMP_WIRE_ERR_PROTO_MISMATCH);
		buf[0] = 6;
		CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG),
			 i == 6 ? 0 : -VCMP_WIRE_ERR_PROTO_MISMATCH);
		/* A later fragment starts in the middle of the packet. */
		buf[1] = 0x02;
		buf[5] = 0x10;
		CHECK_EQ(data_decode(buf, sizeof(buf), VCMP_F_FRAG), 0);
		/* Unfragmented. */
		buf[1] = buf[2] = buf[3] = buf[4] = buf[5] = 0;
		CHECK_EQ(data_decode(buf, sizeof(buf), 0),
			 i == 6 ? 0 : -VCMP_WIRE_ERR_PROTO_MISMATCH);
	}
}

static void test_err_names(void)
{
	int i, j;

	CHECK(!strcmp(vcmp_wire_err_name(0), "ok"));
	CHECK(!strcmp(vcmp_wire_err_name(-VCMP_WIRE_ERR_SHORT), "short"));
	CHECK(!strcmp(vcmp_wire_err_name(VCMP_WIRE_ERR_TYPE), "bad_type"));
	CHECK(!strcmp(vcmp_wire_err_name(-VCMP_WIRE_ERR_COUNT), "unknown"));
	CHECK(!strcmp(vcmp_wire_err_name(1000), "unknown"));
	CHECK(!strcmp(vcmp_wire_err_name(-2147483647 - 1), "unknown"));
	for (i = 0; i < VCMP_WIRE_ERR_COUNT; i++) {
		const char *n = vcmp_wire_err_name(-i);

		CHECK(n && *n && strcmp(n, "unknown"));
		CHECK(!strcmp(n, vcmp_wire_err_name(i)));
		for (j = 0; j < i; j++)
			CHECK(strcmp(n, vcmp_wire_err_name(j)));
	}
}

/* The demultiplexing rules, restated for the test. */
static enum vcmp_demux expect_demux(const u8 *p, size_t len)
{
	if (len == 1 && p[0] == 0xff)
		return VCMP_DEMUX_KEEPALIVE;
	if (len >= 4 && !p[0] && !p[1] && !p[2] && !p[3])
		return VCMP_DEMUX_NON_ESP_MARKER;
	if (len >= 1 && !p[0])
		return len >= 23 ? VCMP_DEMUX_PLAIN : VCMP_DEMUX_SHORT;
	if (len >= 8)
		return VCMP_DEMUX_ESP;
	return VCMP_DEMUX_SHORT;
}

static void test_classify_cases(void)
{
	static const u8 keepalive[] = { 0xff };
	static const u8 marker[36] = { 0 };
	u8 esp[16] = { 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 1 };
	u8 plain[40];
	struct vcmp_hdr h = sample_hdr();

	vcmp_hdr_encode(&h, plain);
	memset(plain + VCMP_HDR_LEN, 0, sizeof(plain) - VCMP_HDR_LEN);

	CHECK_EQ(vcmp_classify(keepalive, 1), VCMP_DEMUX_KEEPALIVE);
	CHECK_EQ(vcmp_classify(marker, 4), VCMP_DEMUX_NON_ESP_MARKER);
	CHECK_EQ(vcmp_classify(marker, sizeof(marker)),
		 VCMP_DEMUX_NON_ESP_MARKER);
	CHECK_EQ(vcmp_classify(plain, VCMP_HDR_LEN), VCMP_DEMUX_PLAIN);
	CHECK_EQ(vcmp_classify(plain, sizeof(plain)), VCMP_DEMUX_PLAIN);
	CHECK_EQ(vcmp_classify(plain, VCMP_HDR_LEN - 1), VCMP_DEMUX_SHORT);
	CHECK_EQ(vcmp_classify(esp, 8), VCMP_DEMUX_ESP);
	CHECK_EQ(vcmp_classify(esp, 7), VCMP_DEMUX_SHORT);
	CHECK_EQ(vcmp_classify(NULL, 0), VCMP_DEMUX_SHORT);

	/* The smallest SPI vcmp uses is ESP; anything smaller is not. */
	esp[0] = VCMP_SPI_MIN >> 24;
	CHECK_EQ(vcmp_classify(esp, sizeof(esp)), VCMP_DEMUX_ESP);
	esp[0] = 0;
	esp[3] = 0xff;
	CHECK_EQ(vcmp_classify(esp, sizeof(esp)), VCMP_DEMUX_SHORT);
	/* An SPI starting with 0xff is ESP, not a keepalive. */
	esp[0] = 0xff;
	CHECK_EQ(vcmp_classify(esp, sizeof(esp)), VCMP_DEMUX_ESP);
	CHECK_EQ(vcmp_classify(esp, 1), VCMP_DEMUX_KEEPALIVE);
	CHECK_EQ(vcmp_classify(esp, 2), VCMP_DEMUX_SHORT);
	/* A single byte that is not 0xff. */
	esp[0] = 0xfe;
	CHECK_EQ(vcmp_classify(esp, 1), VCMP_DEMUX_SHORT);
}

static void test_classify_lengths(void)
{
	u8 buf[40];
	unsigned int pat, i;
	size_t len;

	for (pat = 0; pat < 13; pat++) {
		for (i = 0; i < sizeof(buf); i++) {
			switch (pat) {
			case 0: buf[i] = 0; break;
			case 1: buf[i] = 0xff; break;
			case 2: buf[i] = i ? 0x11 : 0; break;
			case 3: buf[i] = (u8)(i + 1); break;
			case 4: buf[i] = i < 3 ? 0 : 0x01; break;
			case 5: buf[i] = i < 4 ? 0 : 0xff; break;
			case 6: buf[i] = i == 0 ? 0x01 : 0; break;
			case 7: buf[i] = i == 3 ? 0x01 : 0; break;
			case 8: buf[i] = i == 0 ? 0xff : 0; break;
			case 9: buf[i] = (u8)(i * 37 + 11); break;
			case 10: buf[i] = i & 1 ? 0 : 0x80; break;
			case 11: buf[i] = i == 2 ? 0x01 : 0; break;
			default: buf[i] = i == 1 ? 0x11 : 0; break;
			}
		}
		for (len = 0; len <= sizeof(buf); len++)
			CHECK_EQ(vcmp_classify(buf, len),
				 expect_demux(buf, len));
	}
	/* All 256 first bytes, lengths 0..40. */
	for (i = 0; i < 256; i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = (u8)i;
		for (len = 0; len <= sizeof(buf); len++)
			CHECK_EQ(vcmp_classify(buf, len),
				 expect_demux(buf, len));
	}
}

static const enum vcmp_suite suites[] = {
	VCMP_SUITE_PLAIN, VCMP_SUITE_AES_GCM_128, VCMP_SUITE_AES_GCM_256,
	VCMP_SUITE_CHACHA20_POLY1305, VCMP_SUITE_AES_CBC_HMAC_SHA1,
};

/* Documentation/wire-format.rst, "Overhead and effective MTU". */
static const struct {
	enum vcmp_suite suite;
	bool ipv6;
	unsigned int min, max, inner_1500;
} doc_table[] = {
	{ VCMP_SUITE_PLAIN, false, 59, 59, 1441 },
	{ VCMP_SUITE_PLAIN, true, 79, 79, 1421 },
	{ VCMP_SUITE_AES_GCM_128, false, 93, 96, 1407 },
	{ VCMP_SUITE_AES_GCM_128, true, 113, 116, 1387 },
	{ VCMP_SUITE_AES_GCM_256, false, 93, 96, 1407 },
	{ VCMP_SUITE_AES_GCM_256, true, 113, 116, 1387 },
	{ VCMP_SUITE_CHACHA20_POLY1305, false, 93, 96, 1407 },
	{ VCMP_SUITE_CHACHA20_POLY1305, true, 113, 116, 1387 },
	{ VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 97, 112, 1391 },
	{ VCMP_SUITE_AES_CBC_HMAC_SHA1, true, 117, 132, 1375 },
};

static void test_overhead_table(void)
{
	unsigned int i, len;

	/* The seed: CBC on IPv4 is 97 with no padding, 112 with 15. */
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 15), 97);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 16), 112);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 1), 97 + 14);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 1400), 104);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_PLAIN, false, 1), 59);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_PLAIN, false, 1400), 59);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_GCM_128, false, 3), 93);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_GCM_128, false, 4), 96);
	CHECK_EQ(VCMP_OVERHEAD, 31);

	for (i = 0; i < ARRAY_SIZE(doc_table); i++) {
		unsigned int lo = ~0U, hi = 0;

		for (len = 1; len <= 2000; len++) {
			unsigned int o = vcmp_overhead(doc_table[i].suite,
						       doc_table[i].ipv6, len);

			lo = o < lo ? o : lo;
			hi = o > hi ? o : hi;
		}
		CHECK_EQ(lo, doc_table[i].min);
		CHECK_EQ(hi, doc_table[i].max);
		CHECK_EQ(vcmp_max_inner(doc_table[i].suite, doc_table[i].ipv6,
					1500), doc_table[i].inner_1500);
	}
	/* The device's worst case (device.h) is CBC on IPv6. */
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, true, 16), 132);

	/* Encrypted part a multiple of the alignment, for every length. */
	for (len = 0; len <= 3000; len++) {
		unsigned int o;

		o = vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, len);
		CHECK_EQ((len + o - 20 - 8 - 8 - 16 - 12) % 16, 0);
		o = vcmp_overhead(VCMP_SUITE_CHACHA20_POLY1305, true, len);
		CHECK_EQ((len + o - 40 - 8 - 8 - 8 - 16) % 4, 0);
	}
}

static void test_max_inner_brute_force(void)
{
	unsigned int s, v6, mtu, len;

	for (s = 0; s < ARRAY_SIZE(suites); s++) {
		for (v6 = 0; v6 < 2; v6++) {
			enum vcmp_suite su = suites[s];
			unsigned int best = 0;

			/* Largest L with L + overhead(L) <= mtu, 0 if none. */
			for (mtu = 0; mtu <= 1700; mtu++) {
				for (len = best + 1; len <= mtu; len++) {
					if (len + vcmp_overhead(su, v6, len) > mtu)
						break;
					best = len;
				}
				CHECK_EQ(vcmp_max_inner(su, v6, mtu), best);
			}
			/* From each inner length 1..1500: its exact fit. */
			for (len = 1; len <= 1500; len++) {
				unsigned int need = len +
					vcmp_overhead(su, v6, len);
				unsigned int m = vcmp_max_inner(su, v6, need);

				CHECK(m >= len);
				CHECK(m + vcmp_overhead(su, v6, m) <= need);
				CHECK(vcmp_max_inner(su, v6, need - 1) < len);
			}
		}
	}
}

static void test_suites_and_limits(void)
{
	const struct vcmp_suite_info *si;

	si = vcmp_suite_info(VCMP_SUITE_AES_CBC_HMAC_SHA1);
	CHECK(si && si->esp);
	CHECK_EQ(si->iv_len, 16);
	CHECK_EQ(si->align, 16);
	CHECK_EQ(si->icv_len, 12);
	si = vcmp_suite_info(VCMP_SUITE_AES_GCM_256);
	CHECK(si && si->esp);
	CHECK_EQ(si->iv_len, 8);
	CHECK_EQ(si->align, 4);
	CHECK_EQ(si->icv_len, 16);
	si = vcmp_suite_info(VCMP_SUITE_PLAIN);
	CHECK(si && !si->esp);
	CHECK(!vcmp_suite_info(VCMP_SUITE_COUNT));
	CHECK(!vcmp_suite_info((enum vcmp_suite)-1));
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_COUNT, false, 100), 0);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_COUNT, false, 1500), 0);

	/* No overflow at the extremes. */
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, ~0U),
		 97 + (16 - (15 + 33) % 16) % 16);
	CHECK_EQ(vcmp_overhead(VCMP_SUITE_PLAIN, true, ~0U), 79);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_PLAIN, false, ~0U), ~0U - 59);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_AES_CBC_HMAC_SHA1, true, ~0U),
		 ((~0U - 84) & ~15U) - 33);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 0), 0);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 97), 0);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_AES_CBC_HMAC_SHA1, false, 112), 15);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_PLAIN, false, 59), 0);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_PLAIN, false, 60), 1);
	/* Minimum IPv4 MTU 576 and IPv6 MTU 1280. */
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_AES_GCM_128, false, 576), 483);
	CHECK_EQ(vcmp_max_inner(VCMP_SUITE_AES_CBC_HMAC_SHA1, true, 1280),
		 1151);
}

static void test_seq_serial(void)
{
	static const u32 base[] = { 0, 1, 0x7fffffff, 0x80000000,
				    0xfffffff0, 0xffffffff, 12345678 };
	static const u32 delta[] = { 1, 2, 100, 0x10000, 0x7ffffffe,
				     0x7fffffff };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(base); i++) {
		u32 a = base[i];

		CHECK(!vcmp_seq_before(a, a));
		CHECK(!vcmp_seq_after(a, a));
		CHECK(vcmp_seq_before_eq(a, a));
		CHECK(vcmp_seq_after_eq(a, a));
		CHECK_EQ(vcmp_seq_diff(a, a), 0);
		for (j = 0; j < ARRAY_SIZE(delta); j++) {
			u32 b = a + delta[j];	/* wraps */

			CHECK(vcmp_seq_before(a, b));
			CHECK(vcmp_seq_before_eq(a, b));
			CHECK(!vcmp_seq_after(a, b));
			CHECK(!vcmp_seq_after_eq(a, b));
			CHECK(vcmp_seq_after(b, a));
			CHECK(vcmp_seq_after_eq(b, a));
			CHECK(!vcmp_seq_before(b, a));
			CHECK_EQ(vcmp_seq_diff(b, a), (s32)delta[j]);
			CHECK_EQ(vcmp_seq_diff(a, b), -(s32)delta[j]);
		}
	}
	CHECK(vcmp_seq_before(0xffffffff, 0));
	CHECK(vcmp_seq_after(0, 0xffffffff));
	CHECK(vcmp_seq_before(0xfffffff0, 5));
	/* 2^31 apart: each is before the other (RFC 1982: undefined). */
	CHECK(vcmp_seq_before(0, 0x80000000));
	CHECK(vcmp_seq_before(0x80000000, 0));
	CHECK(vcmp_seq_before_eq(0, 0x80000000) == vcmp_seq_before(0, 0x80000000));
	CHECK(vcmp_seq_after_eq(0, 0x80000000) == vcmp_seq_after(0, 0x80000000));
}

int main(void)
{
	unit_plan(14);
	unit_run("hdr_known_bytes", test_hdr_known_bytes);
	unit_run("hdr_move", test_hdr_move);
	unit_run("hdr_round_trip_extremes", test_hdr_round_trip_extremes);
	unit_run("hdr_decode_errors", test_hdr_decode_errors);
	unit_run("data_known_bytes", test_data_known_bytes);
	unit_run("data_round_trip_extremes", test_data_round_trip_extremes);
	unit_run("data_decode_errors", test_data_decode_errors);
	unit_run("err_names", test_err_names);
	unit_run("classify_cases", test_classify_cases);
	unit_run("classify_lengths_0_40", test_classify_lengths);
	unit_run("overhead_table", test_overhead_table);
	unit_run("max_inner_brute_force", test_max_inner_brute_force);
	unit_run("suites_and_limits", test_suites_and_limits);
	unit_run("seq_serial", test_seq_serial);
	return unit_exit();
}
