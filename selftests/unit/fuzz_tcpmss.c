// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/tcpmss.c: the input is a TCP header (with
 * options) preceded by a 2-byte MSS ceiling. Clamping must never read or
 * write outside the buffer (ASan), never raise the MSS, change at most
 * the MSS value and the checksum, and keep the checksum's ones'
 * complement sum over the header unchanged.
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpmss.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static u32 sum16(const u8 *p, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	enum vcmp_mss_result r;
	u16 max, old = 0;
	u8 *tcp, *orig;
	size_t len, i, changed = 0;
	u32 before, after;

	if (size < 2)
		return 0;
	max = vcmp_get_be16(data);
	len = size - 2;
	tcp = malloc(len ? len : 1);
	orig = malloc(len ? len : 1);
	memcpy(tcp, data + 2, len);
	memcpy(orig, data + 2, len);
	before = sum16(tcp, len);
	r = vcmp_mss_clamp(tcp, (unsigned int)len, max, &old);
	after = sum16(tcp, len);
	for (i = 0; i < len; i++)
		changed += tcp[i] != orig[i];
	if (r == VCMP_MSS_CLAMPED) {
		ASSERT(old > max);
		ASSERT(changed <= 4);
		/* 0x0000 and 0xffff are the same ones' complement number */
		ASSERT(before == after || (before % 0xffff) == (after % 0xffff));
	} else {
		ASSERT(changed == 0);
	}
	free(tcp);
	free(orig);
	return 0;
}
