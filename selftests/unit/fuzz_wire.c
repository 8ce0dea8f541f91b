// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/wire.c: classify and decode arbitrary bytes.
 * Invariants (abort on violation):
 *  - a VCMP header or data header that decodes re-encodes to the very
 *    bytes it was decoded from;
 *  - a datagram with a valid VCMP header is classified PLAIN, and one
 *    classified ESP never decodes as a VCMP header;
 *  - vcmp_max_inner() is the largest length that vcmp_overhead() fits.
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "wire.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static void fuzz_data_hdr(const u8 *in, size_t len, u8 flags)
{
	struct vcmp_data_hdr d;
	u8 out[VCMP_DATA_HDR_LEN];
	int err = vcmp_data_hdr_decode(&d, in, len, flags);

	ASSERT(err <= 0 && err > -VCMP_WIRE_ERR_COUNT);
	ASSERT(err != -VCMP_WIRE_ERR_MARKER && err != -VCMP_WIRE_ERR_TYPE);
	if (err)
		return;
	ASSERT(len > VCMP_DATA_HDR_LEN);
	ASSERT(d.proto == 4 || d.proto == 6);
	vcmp_data_hdr_encode(&d, out);
	ASSERT(!memcmp(out, in, sizeof(out)));
}

static void fuzz_overhead(const u8 *in, size_t len)
{
	enum vcmp_suite suite;
	unsigned int mtu, l, o;
	bool v6;

	if (len < 4)
		return;
	suite = (enum vcmp_suite)(in[0] % (VCMP_SUITE_COUNT + 1));
	v6 = in[0] & 0x80;
	mtu = (unsigned int)in[1] << 16 | (unsigned int)in[2] << 8 | in[3];
	l = vcmp_max_inner(suite, v6, mtu);
	if (suite == VCMP_SUITE_COUNT) {
		ASSERT(!l && !vcmp_overhead(suite, v6, mtu));
		return;
	}
	o = vcmp_overhead(suite, v6, l);
	ASSERT(o >= 59 && o <= 132);
	if (l)
		ASSERT(l + o <= mtu);
	ASSERT(l + 1 + vcmp_overhead(suite, v6, l + 1) > mtu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum vcmp_demux kind = vcmp_classify(data, size);
	struct vcmp_hdr h;
	int err;

	ASSERT(kind <= VCMP_DEMUX_NON_ESP_MARKER);
	if (kind == VCMP_DEMUX_PLAIN)
		ASSERT(size >= VCMP_HDR_LEN && data[0] == 0);
	if (kind == VCMP_DEMUX_ESP)
		ASSERT(size >= 8 && data[0] != 0);
	if (kind == VCMP_DEMUX_KEEPALIVE)
		ASSERT(size == 1 && data[0] == 0xff);

	err = vcmp_hdr_decode(&h, data, size);
	ASSERT(err <= 0 && err > -VCMP_WIRE_ERR_COUNT);
	ASSERT(vcmp_wire_err_name(err) != NULL);
	if (kind == VCMP_DEMUX_ESP)
		ASSERT(err == (size < VCMP_HDR_LEN ? -VCMP_WIRE_ERR_SHORT :
			       -VCMP_WIRE_ERR_MARKER));
	if (!err) {
		u8 out[VCMP_HDR_LEN];

		ASSERT(kind == VCMP_DEMUX_PLAIN);
		ASSERT(vcmp_hdr_validate(&h) == 0);
		vcmp_hdr_encode(&h, out);
		ASSERT(!memcmp(out, data, sizeof(out)));
		if (h.type == VCMP_TYPE_DATA)
			fuzz_data_hdr(data + VCMP_HDR_LEN,
				      size - VCMP_HDR_LEN, h.flags);
	}
	/* The data header on its own, flags from the first byte. */
	if (size)
		fuzz_data_hdr(data + 1, size - 1, data[0]);
	fuzz_overhead(data, size);
	return 0;
}
