// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/classify.c: the input is up to eight rules
 * (raw bytes, validated by vcmp_rule_check()) followed by a packet.
 * Checks: parsing never reads past the length (ASan), a parsed key has
 * family 0, 4 or 6 and DSCP below 64; a checked rule has its host bits
 * clear (checking again changes nothing); vcmp_class_of() returns the
 * class of the first rule vcmp_rule_match() accepts, else 0.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "classify.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vcmp_rule rules[8], again;
	struct vcmp_pkt_key key;
	unsigned int n = 0, i, want = 0;
	u8 *pkt;

	if (size < 1)
		return 0;
	i = data[0] % 9;
	data++;
	size--;
	while (n < i && size >= sizeof(struct vcmp_rule)) {
		memcpy(&rules[n], data, sizeof(struct vcmp_rule));
		data += sizeof(struct vcmp_rule);
		size -= sizeof(struct vcmp_rule);
		if (vcmp_rule_check(&rules[n]))
			continue;
		memcpy(&again, &rules[n], sizeof(again));
		ASSERT(!vcmp_rule_check(&again));
		ASSERT(!memcmp(&again, &rules[n], sizeof(again)));
		n++;
	}
	/* An exact-size copy, so that ASan sees any overread. */
	pkt = malloc(size ?: 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data, size);
	if (vcmp_classify_parse(pkt, size, &key))
		ASSERT(key.family == 0 && !key.has_ports);
	ASSERT(key.family == 0 || key.family == 4 || key.family == 6);
	ASSERT(key.dscp < 64);
	for (i = 0; i < n; i++) {
		if (vcmp_rule_match(&rules[i], &key)) {
			want = rules[i].class_id;
			break;
		}
	}
	ASSERT(vcmp_class_of(rules, n, &key) == want);
	free(pkt);
	return 0;
}
