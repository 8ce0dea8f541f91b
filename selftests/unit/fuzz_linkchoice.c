// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/linkchoice.c: the input describes up to 16
 * links (usable, SLA, role, delay, capacity) and then a stream of
 * operations (flow choice from a current link, spray of a packet at a
 * time that moves on, duplication). Checks what linkchoice.h promises:
 * every returned link is a candidate; mandatory classes use only
 * mandatory links; a backup is used only when no other link is usable;
 * a flow stays on its link when that link is a candidate meeting the SLA;
 * dup returns two distinct candidates or as many as there are; spray
 * delivers packets of one size (one per input) in the order they were
 * sent: model arrival times never go back.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "linkchoice.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check_choice(const struct vcmp_lc_link *l, unsigned int n, int c)
{
	unsigned int i, ncand = 0;

	for (i = 0; i < n; i++)
		ncand += vcmp_lc_candidate(l, n, i);
	if (c < 0) {
		ASSERT(ncand == 0);
		return;
	}
	ASSERT((unsigned int)c < n && vcmp_lc_candidate(l, n, c));
	if (vcmp_lc_has_mandatory(l, n))
		ASSERT(l[c].role == VCMP_LC_MANDATORY);
	if (l[c].role == VCMP_LC_BACKUP && !vcmp_lc_has_mandatory(l, n))
		for (i = 0; i < n; i++)
			ASSERT(!l[i].usable || l[i].role == VCMP_LC_BACKUP);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vcmp_lc_link l[16];
	unsigned int n, i;
	u64 now = 0, last = 0, at;
	u32 len;
	int c, out[2];

	if (size < 1)
		return 0;
	if (size < 2)
		return 0;
	n = data[0] % 17;
	len = 64 + data[1] * 6;
	data += 2;
	size -= 2;
	if (size < n * 4)
		return 0;
	for (i = 0; i < n; i++, data += 4, size -= 4) {
		memset(&l[i], 0, sizeof(l[i]));
		l[i].usable = data[0] & 1;
		l[i].sla_ok = data[0] & 2;
		l[i].role = (data[0] >> 2) & 3;
		l[i].owd_us = (u32)data[1] * 1000;
		l[i].capacity_bps = (u64)vcmp_get_be16(data + 2) * 1000;
	}
	for (; size >= 3; data += 3, size -= 3) {
		switch (data[0] % 3) {
		case 0:
			c = vcmp_lc_flow(l, n, (int)data[1] % 18 - 1);
			check_choice(l, n, c);
			if (data[1] % 18 >= 1 && data[1] % 18 - 1 < (int)n &&
			    vcmp_lc_candidate(l, n, data[1] % 18 - 1) &&
			    l[data[1] % 18 - 1].sla_ok)
				ASSERT(c == data[1] % 18 - 1);
			break;
		case 1:
			now += (u64)data[1] * 10000;
			c = vcmp_lc_spray(l, n, len, now);
			check_choice(l, n, c);
			if (c >= 0) {
				at = l[c].free_ns + (u64)l[c].owd_us * 1000;
				/* The links never change here: in order. */
				ASSERT(at >= last);
				last = at;
			}
			break;
		default:
			i = vcmp_lc_dup(l, n, out);
			if (i >= 1)
				check_choice(l, n, out[0]);
			if (i == 2) {
				check_choice(l, n, out[1]);
				ASSERT(out[0] != out[1]);
			}
			if (i < 2) {
				unsigned int k, ncand = 0;

				for (k = 0; k < n; k++)
					ncand += vcmp_lc_candidate(l, n, k);
				ASSERT(ncand == i);
			}
			break;
		}
	}
	return 0;
}
