// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kernel/jitbuf.c, the receive jitter buffer: play-out at
 * sender time + offset + delay, the running minimum offset and its
 * window, late packets, overflow, arrival order, the 32-bit timestamp
 * wrap, resynchronisation, and a simulated jittery stream whose output
 * spacing must be regular.
 */
#include "jitbuf.h"
#include "unit.h"

#define MS 1000000ULL	/* ns */

static struct vcmp_jitbuf jb;
static long out[4096];
static u64 out_ns[4096];
static unsigned int nout;
static u64 clock_ns;

static void deliver(void *ctx, void *pkt)
{
	(void)ctx;
	out[nout] = (long)(size_t)pkt;
	out_ns[nout] = clock_ns;
	nout++;
}

static void reset(void)
{
	vcmp_jitbuf_init(&jb);
	nout = 0;
}

/* Run the clock to @t, polling at every deadline on the way. */
static void run_to(u64 t)
{
	u64 d;

	while ((d = vcmp_jitbuf_deadline(&jb)) <= t) {
		clock_ns = d;
		vcmp_jitbuf_poll(&jb, d, deliver, NULL);
	}
	clock_ns = t;
}

static int ins(long id, u32 ts, u32 delay_us, u64 now)
{
	run_to(now);
	return vcmp_jitbuf_insert(&jb, (void *)(size_t)id, ts, delay_us, now,
				  deliver, NULL);
}

static void test_first_packet_waits_delay(void)
{
	reset();
	/* Sender clock 5 s behind ours, whatever the path delay. */
	CHECK_EQ(ins(1, 1000, 20000, 5001000ULL * 1000), VCMP_JITBUF_QUEUED);
	CHECK_EQ(nout, 0);
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), 5001000ULL * 1000 + 20 * MS);
	run_to(5001000ULL * 1000 + 20 * MS - 1);
	CHECK_EQ(nout, 0);
	run_to(5001000ULL * 1000 + 20 * MS);
	CHECK_EQ(nout, 1);
	CHECK_EQ(jb.stats.queued, 1);
	CHECK_EQ(jb.stats.late, 0);
}

static void test_slower_packet_waits_less(void)
{
	u64 t0 = 10 * MS;

	reset();
	ins(1, 0, 30000, t0);			/* offset = 10000 us */
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), t0 + 30 * MS);
	ins(2, 20000, 30000, t0 + 35 * MS);	/* 15 ms slower */
	CHECK_EQ(nout, 1);
	/* Play-out 20000 + 10000 + 30000 us = 60 ms: waits 15 ms. */
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), 60 * MS);
	run_to(60 * MS);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out_ns[1] - out_ns[0], 20 * MS);	/* the sending gap */
}

static void test_faster_packet_lowers_offset(void)
{
	reset();
	ins(1, 0, 10000, 50 * MS);		/* offset 50 ms */
	run_to(60 * MS);
	ins(2, 20000, 10000, 65 * MS);		/* 5 ms faster: offset 45 */
	CHECK_EQ(vcmp_jitbuf_offset(&jb), 45000);
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), 75 * MS);
}

static void test_late_goes_at_once(void)
{
	reset();
	ins(1, 0, 10000, 10 * MS);
	run_to(20 * MS);
	CHECK_EQ(nout, 1);
	/* 25 ms slower than the first with a 10 ms delay: late. */
	CHECK_EQ(ins(2, 1000, 10000, 36 * MS), VCMP_JITBUF_LATE);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out_ns[1], 36 * MS);
	CHECK_EQ(jb.stats.late, 1);
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), U64_MAX);
}

static void test_late_behind_waiting_keeps_order(void)
{
	reset();
	/* Packet 2 was sent first but arrives second, too late. */
	ins(1, 10000, 20000, 10 * MS);		/* offset 0, due 30 ms */
	CHECK_EQ(ins(2, 0, 20000, 25 * MS), VCMP_JITBUF_LATE);
	CHECK_EQ(nout, 0);
	run_to(30 * MS);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 2);
}

static void test_overflow(void)
{
	int i;

	reset();
	for (i = 0; i < VCMP_JITBUF_MAX_PKTS; i++)
		ins(i, i * 100, 100000, 1 * MS + i * 100 * 1000);
	CHECK_EQ(nout, 0);
	CHECK_EQ(jb.count, VCMP_JITBUF_MAX_PKTS);
	ins(99, 1000, 100000, 2 * MS);
	CHECK_EQ(nout, 1);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(jb.stats.overflow, 1);
	CHECK_EQ(jb.count, VCMP_JITBUF_MAX_PKTS);
	run_to(1000 * MS);
	CHECK_EQ(nout, VCMP_JITBUF_MAX_PKTS + 1);
	for (i = 1; i < VCMP_JITBUF_MAX_PKTS; i++)
		CHECK_EQ(out[i], i);
	CHECK_EQ(out[VCMP_JITBUF_MAX_PKTS], 99);
}

static void test_wrap(void)
{
	u32 ts = 0xffffc000u;	/* 16 ms before the wrap */
	u64 t = 3 * MS;
	int i;

	reset();
	for (i = 0; i < 10; i++) {
		/* 4 ms apart; every other one 3 ms slower. */
		ins(i, ts + i * 4000, 10000, t + i * 4 * MS + (i & 1) * 3 * MS);
	}
	run_to(1000 * MS);
	CHECK_EQ(nout, 10);
	CHECK_EQ(jb.stats.late, 0);
	for (i = 1; i < 10; i++)
		CHECK_EQ(out_ns[i] - out_ns[i - 1], 4 * MS);
}

static void test_window_forgets_old_minimum(void)
{
	u64 t = 0;
	u32 ts = 0;
	int i;

	reset();
	ins(0, ts, 10000, t + 10 * MS);		/* offset 10 ms */
	/* The path gets 30 ms slower for good. */
	for (i = 1; i < 400; i++)
		ins(i, ts + i * 20000, 10000, t + 40 * MS + i * 20 * MS);
	CHECK_EQ(vcmp_jitbuf_offset(&jb), 40000);
	CHECK_EQ(jb.stats.resyncs, 0);
	/* Packets late while the old minimum was in force, then not. */
	CHECK(jb.stats.late > 0);
	CHECK(jb.stats.late < 250);
	CHECK_EQ(jb.stats.queued + jb.stats.late, 400);
}

static void test_resync(void)
{
	reset();
	ins(1, 0, 10000, 10 * MS);
	/* The sender restarted: its clock is far behind. */
	ins(2, 5, 10000, 5000 * MS);
	CHECK_EQ(jb.stats.resyncs, 1);
	CHECK_EQ(jb.stats.queued, 2);
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), 5010 * MS);
}

static void test_flush(void)
{
	int i;

	reset();
	for (i = 0; i < 5; i++)
		ins(i, i * 1000, 50000, 1 * MS + i * MS);
	vcmp_jitbuf_flush(&jb, deliver, NULL);
	CHECK_EQ(nout, 5);
	for (i = 0; i < 5; i++)
		CHECK_EQ(out[i], i);
	CHECK_EQ(vcmp_jitbuf_deadline(&jb), U64_MAX);
}

static void test_untimed(void)
{
	reset();
	/* Nothing waits: at once, and the offset learns nothing. */
	clock_ns = 5 * MS;
	vcmp_jitbuf_insert_untimed(&jb, (void *)1, 5 * MS, deliver, NULL);
	CHECK_EQ(nout, 1);
	CHECK(!jb.synced);
	ins(2, 1000, 20000, 10 * MS);		/* due 30 ms */
	clock_ns = 12 * MS;
	vcmp_jitbuf_insert_untimed(&jb, (void *)3, 12 * MS, deliver, NULL);
	CHECK_EQ(nout, 1);
	CHECK_EQ(jb.count, 2);
	run_to(30 * MS);
	CHECK_EQ(nout, 3);
	CHECK_EQ(out[1], 2);
	CHECK_EQ(out[2], 3);
	CHECK_EQ(out_ns[2], 30 * MS);
	CHECK_EQ(jb.stats.queued, 1);
	CHECK_EQ(jb.stats.late, 0);
}

/* xorshift */
static u32 rnd_state = 2463534242u;
static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * 50 packets/s with a delay of 20 ms + up to 30 ms of jitter (never
 * reordered) and a 60 ms buffer: none is late, and packets leave 20 ms
 * apart but where a new window's minimum moves the offset (by the
 * difference of two windows' minima of 100 samples: about 1 ms) and
 * in the first window, which is learning the minimum.
 */
static void test_jittery_stream(void)
{
	u64 prev_arr = 0, arr, sent;
	u32 ts0 = 0xfff00000u;
	unsigned int i, n = 1000, steps = 0;
	s64 dev, worst = 0;

	reset();
	for (i = 0; i < n; i++) {
		sent = 1000 * MS + (u64)i * 20 * MS;
		arr = sent + 20 * MS + (rnd() % 30000) * 1000;
		if (arr <= prev_arr)
			arr = prev_arr + 1000;
		prev_arr = arr;
		ins(i, ts0 + (u32)((sent / 1000) & 0xffffffffu), 60000, arr);
	}
	run_to(prev_arr + 1000 * MS);
	CHECK_EQ(nout, n);
	CHECK_EQ(jb.stats.late, 0);
	CHECK_EQ(jb.stats.overflow, 0);
	for (i = 1; i < n; i++) {
		CHECK_EQ(out[i], i);
		dev = (s64)(out_ns[i] - out_ns[i - 1]) - (s64)(20 * MS);
		/* The first window learns the minimum: not counted. */
		if (dev && i > 100) {
			steps++;
			if (dev < 0)
				dev = -dev;
			if (dev > worst)
				worst = dev;
		}
	}
	printf("# %u steps in %u gaps, worst %lld us\n", steps, n - 1,
	       (long long)worst / 1000);
	/* About one step per window (100 packets). */
	CHECK(steps <= n / 50);
	CHECK(worst <= (s64)(5 * MS));
}

int main(void)
{
	unit_plan(12);
	unit_run("first_packet_waits_delay", test_first_packet_waits_delay);
	unit_run("slower_packet_waits_less", test_slower_packet_waits_less);
	unit_run("faster_packet_lowers_offset", test_faster_packet_lowers_offset);
	unit_run("late_goes_at_once", test_late_goes_at_once);
	unit_run("late_behind_waiting_keeps_order",
		 test_late_behind_waiting_keeps_order);
	unit_run("overflow_releases_earliest", test_overflow);
	unit_run("timestamp_wrap", test_wrap);
	unit_run("window_forgets_old_minimum", test_window_forgets_old_minimum);
	unit_run("resync_on_sender_restart", test_resync);
	unit_run("flush_in_order", test_flush);
	unit_run("untimed_in_order", test_untimed);
	unit_run("jittery_stream_regular_output", test_jittery_stream);
	return unit_exit();
}
