// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/jitbuf.c: the input is a stream of
 * operations on one buffer (inserts with arbitrary timestamps, delays
 * and arrival steps, inserts without a timestamp, time passing, polls, flushes). After each one the
 * invariants are checked, and the program aborts on a violation:
 *
 *	- a packet comes out at most once, and only a packet taken in;
 *	- packets come out in the order they were taken in;
 *	- at most VCMP_JITBUF_MAX_PKTS wait;
 *	- no packet waits past its release time after a poll, and none is
 *	  held longer than the largest delay (VCMP_JITBUF_MAX_DELAY_US)
 *	  after the arrival of the last packet before it;
 *	- the counters add up: every timed insert is queued or late.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "jitbuf.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static struct vcmp_jitbuf jb;
static unsigned long next_in, next_out;
static u64 now, last_arrival, untimed;

static void deliver(void *ctx, void *pkt)
{
	unsigned long id = (unsigned long)(size_t)pkt;

	(void)ctx;
	ASSERT(id == next_out);
	ASSERT(next_out < next_in);
	next_out++;
}

static void check(void)
{
	ASSERT(jb.count <= VCMP_JITBUF_MAX_PKTS);
	ASSERT(next_in - next_out == jb.count);
	ASSERT(jb.stats.queued + jb.stats.late + untimed == next_in);
	if (jb.count)
		ASSERT(vcmp_jitbuf_deadline(&jb) <=
		       last_arrival + VCMP_JITBUF_MAX_DELAY_US * 1000ULL);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t i = 0;
	u32 ts, delay;
	u64 d;

	vcmp_jitbuf_init(&jb);
	next_in = next_out = 0;
	untimed = 0;
	now = 1;
	last_arrival = 0;
	while (i + 8 <= size) {
		switch (data[i] % 5) {
		case 4:
			now += (u64)vcmp_get_be16(data + i + 1) * 1000;
			untimed++;
			vcmp_jitbuf_insert_untimed(&jb, (void *)(size_t)next_in++,
						   now, deliver, NULL);
			last_arrival = now;
			break;
		case 0:
		case 1:
			now += (u64)vcmp_get_be16(data + i + 1) * 1000;
			ts = vcmp_get_be32(data + i + 3);
			delay = (u32)data[i + 7] * 1000;
			vcmp_jitbuf_insert(&jb, (void *)(size_t)next_in++, ts,
					   delay, now, deliver, NULL);
			last_arrival = now;
			break;
		case 2:
			now += (u64)vcmp_get_be32(data + i + 1);
			d = vcmp_jitbuf_poll(&jb, now, deliver, NULL);
			ASSERT(d == vcmp_jitbuf_deadline(&jb));
			ASSERT(d > now);
			break;
		default:
			vcmp_jitbuf_flush(&jb, deliver, NULL);
			ASSERT(!jb.count);
			break;
		}
		check();
		i += 8;
	}
	vcmp_jitbuf_flush(&jb, deliver, NULL);
	ASSERT(next_out == next_in);
	return 0;
}
