// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/linkmon.c: RTT smoothing, RFC 3550 jitter,
 * windowed loss under reordering and sequence wrap, the feedback report
 * codec, the link state machine, QoE thresholds, and a simulated link
 * with netem-like delay, jitter and loss in both directions.
 */
#include <stdlib.h>

#include "linkmon.h"
#include "unit.h"

#define MS	1000000ULL
#define US	1000ULL

static struct vcmp_linkmon lm;
static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Uniform in [lo, hi]. */
static s64 uniform(s64 lo, s64 hi)
{
	return lo + (s64)(rng() % (u64)(hi - lo + 1));
}

static void init_default(void)
{
	vcmp_linkmon_init(&lm, NULL, 0);
}

/* Reordering tolerance by packets only: 64, for exact expectations. */
static void init_pkts(void)
{
	struct vcmp_linkmon_cfg cfg;

	vcmp_linkmon_cfg_default(&cfg);
	cfg.reorder_ms = 0;
	cfg.reorder_pkts = 64;
	vcmp_linkmon_init(&lm, &cfg, 0);
}

static void test_rtt_converges(void)
{
	int i;

	init_default();
	CHECK_EQ(vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(1000 * MS) - 30000,
				      1000 * MS), 0);
	CHECK_EQ(lm.tx.srtt8 >> 3, 30000);
	CHECK_EQ(lm.tx.rttvar4 >> 2, 15000);
	for (i = 0; i < 100; i++)
		vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts((1001 + i) * MS) -
				     50000, (1001 + i) * MS);
	/* (7/8)^100 of the 20 ms step is left: nothing */
	CHECK((lm.tx.srtt8 >> 3) >= 49900 && (lm.tx.srtt8 >> 3) <= 50000);
	CHECK((lm.tx.rttvar4 >> 2) < 100);
	CHECK_EQ(lm.tx.rtt_us, 50000);
	CHECK_EQ(lm.tx.min_rtt_us, 30000);
	/* the minimum expires after 10 s */
	vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(12000 * MS) - 50000,
			     12000 * MS);
	CHECK_EQ(lm.tx.min_rtt_us, 50000);
	/* future or absurd echoes are no samples */
	CHECK_EQ(vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(12000 * MS) + 5,
				      12000 * MS), -ERANGE);
	CHECK_EQ(vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(12000 * MS) -
				      20000000, 12000 * MS), -ERANGE);
}

static void test_probe_ack_hold(void)
{
	u64 t = 5000 * MS;

	init_default();
	vcmp_linkmon_tx_probe_sent(&lm, 7, t);
	vcmp_linkmon_tx_probe_sent(&lm, 8, t + 10 * MS);
	/* peer held probe 7 for 10 ms: echo = its ts + 10 ms */
	CHECK_EQ(vcmp_linkmon_tx_probe_ack(&lm, 7, vcmp_linkmon_ts(t) + 10000,
					   t + 40 * MS), 0);
	CHECK_EQ(lm.tx.rtt_us, 30000);
	CHECK_EQ(vcmp_linkmon_tx_probe_ack(&lm, 7, vcmp_linkmon_ts(t),
					   t + 41 * MS), -ENOENT);
	CHECK_EQ(vcmp_linkmon_tx_probe_ack(&lm, 99, 0, t + 41 * MS), -ENOENT);
	/* echo older than the probe: acked, but no sample */
	CHECK_EQ(vcmp_linkmon_tx_probe_ack(&lm, 8, vcmp_linkmon_ts(t) - 1000,
					   t + 41 * MS), -ERANGE);
	CHECK_EQ(lm.tx.rtt_us, 30000);
	CHECK_EQ(lm.tx.probes_acked, 2);
	CHECK(lm.tx.slot_acked);
}

static void test_jitter_constant(void)
{
	u64 send;
	u32 seq;

	init_default();
	for (seq = 0, send = 1000 * MS; seq < 1000; seq++, send += 10 * MS)
		vcmp_linkmon_rx_packet(&lm, seq, vcmp_linkmon_ts(send) + 777,
				       send + 30 * MS, 100);
	CHECK_EQ(lm.rx.jitter16 >> 4, 0);
}

static int cmp_arrival(const void *a, const void *b)
{
	const u64 *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void test_jitter_uniform(void)
{
	static u64 pkt[20000][2];	/* arrival, send */
	u64 sum = 0, n = 0, mean;
	int i;

	init_default();
	for (i = 0; i < 20000; i++) {
		pkt[i][1] = 1000 * MS + (u64)i * 10 * MS;
		pkt[i][0] = pkt[i][1] + 30 * MS + uniform(-5000, 5000) * US;
	}
	qsort(pkt, 20000, sizeof(pkt[0]), cmp_arrival);
	for (i = 0; i < 20000; i++) {
		vcmp_linkmon_rx_packet(&lm, (u32)((pkt[i][1] - 1000 * MS) /
					     (10 * MS)),
				       vcmp_linkmon_ts(pkt[i][1]), pkt[i][0],
				       100);
		if (i >= 1000) {
			sum += lm.rx.jitter16 >> 4;
			n++;
		}
	}
	/* D is the difference of two U(-5, 5) ms: E|D| = 10/3 ms */
	mean = sum / n;
	printf("# jitter mean %llu us, want 3333\n", (unsigned long long)mean);
	CHECK(mean > 3333 * 95 / 100 && mean < 3333 * 105 / 100);
}

/* Feed seqs [from, from + n) with every @every-th dropped, 1 ms apart. */
static u32 feed(u32 from, u32 n, u32 every, u64 *t)
{
	u32 i, dropped = 0;

	for (i = 0; i < n; i++, *t += MS) {
		if (every && (u32)(from + i) % every == 0) {
			dropped++;
			continue;
		}
		vcmp_linkmon_rx_packet(&lm, from + i, vcmp_linkmon_ts(*t),
				       *t + 20 * MS, 1000);
	}
	return dropped;
}

static u32 expect_lost(u32 highest, u32 pkts, u32 every)
{
	u32 top = highest - lm.cfg.reorder_pkts, s, lost = 0, i;

	for (i = 0, s = top; i < pkts; i++, s--)
		lost += s % every == 0;
	return lost;
}

static void test_loss_exact(void)
{
	u64 t = 1000 * MS;
	u32 pkts, lost;

	init_pkts();
	feed(0, 10000, 50, &t);
	vcmp_linkmon_rx_loss(&lm, t + 20 * MS, &pkts, &lost);
	/* 2 s at 1 ms apart, to a checkpoint */
	CHECK(pkts >= 1900 && pkts <= 2000);
	CHECK_EQ(lost, expect_lost(9999, pkts, 50));
	CHECK(lost * 1000000ULL / pkts >= 19000 &&
	      lost * 1000000ULL / pkts <= 21000);
}

static void test_loss_reorder(void)
{
	u64 t = 1000 * MS;
	u32 pkts, lost, i, j;

	init_pkts();
	/* blocks of 64 delivered backwards: depth 63 < tolerance 64 */
	for (i = 0; i < 4096; i += 64)
		for (j = 64; j--; t += MS)
			vcmp_linkmon_rx_packet(&lm, i + j, vcmp_linkmon_ts(t),
					       t, 100);
	vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
	CHECK(pkts > 500);
	CHECK_EQ(lost, 0);
	CHECK(lm.rx.reordered > 3000);
	CHECK_EQ(lm.rx.dups, 0);
	vcmp_linkmon_rx_packet(&lm, 4000, 0, t, 100);
	CHECK_EQ(lm.rx.dups, 1);
}

static void test_loss_late_uncounted(void)
{
	u64 t = 1000 * MS;
	u32 pkts, lost, i;

	init_pkts();
	for (i = 0; i < 600; i++, t += MS)
		if (i != 100)
			vcmp_linkmon_rx_packet(&lm, i, 0, t, 100);
	vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
	CHECK_EQ(pkts, 536);
	CHECK_EQ(lost, 1);
	/* 500 packets late: beyond the tolerance, inside the bitmap */
	vcmp_linkmon_rx_packet(&lm, 100, 0, t, 100);
	vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
	CHECK_EQ(lost, 0);
	/* a gap within the tolerance is not lost yet */
	vcmp_linkmon_rx_packet(&lm, 620, 0, t, 100);
	vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
	CHECK_EQ(lost, 0);
}

/* Default tolerance: by time, 200 ms (to a 100 ms checkpoint). */
static void test_loss_reorder_time(void)
{
	u64 t = 1000 * MS, late = 0;
	u32 pkts, lost, i;

	init_default();
	/* 1 ms apart, seq 100 delayed by 150 ms: never counted lost */
	for (i = 0; i < 1000; i++, t += MS) {
		if (i == 100)
			continue;
		vcmp_linkmon_rx_packet(&lm, i, 0, t, 100);
		if (i == 250) {
			vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
			CHECK_EQ(lost, 0);
			vcmp_linkmon_rx_packet(&lm, 100, 0, t, 100);
		}
		vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
		late += lost;
	}
	CHECK_EQ(late, 0);
	CHECK(pkts > 500);
	/* probes only, 10 per second, seq 1010 lost: judged in 200-400 ms */
	for (i = 1000; i < 1020; i++, t += 100 * MS) {
		if (i == 1010)
			continue;
		vcmp_linkmon_rx_packet(&lm, i, 0, t, 100);
		vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
		if (i <= 1012)
			CHECK_EQ(lost, 0);
		if (i >= 1015)
			CHECK_EQ(lost, 1);
	}
}

static void test_seq_wrap(void)
{
	u64 t = 1000 * MS;
	u32 pkts, lost, start = 0xffffff00U, dropped;
	struct vcmp_linkmon_report rep;

	init_pkts();
	dropped = feed(start, 3000, 50, &t);
	vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
	CHECK(pkts >= 1900 && pkts <= 2000);
	CHECK_EQ(lost, expect_lost(start + 2999, pkts, 50));
	vcmp_linkmon_rx_report(&lm, t, &rep);
	CHECK_EQ(rep.highest_seq, start + 2999);
	CHECK_EQ(rep.received, 3000 - dropped);
	CHECK_EQ(dropped, 60);
	CHECK_EQ(lm.rx.reordered, 0);
}

static void test_loss_window_time(void)
{
	struct vcmp_linkmon_cfg cfg;
	u64 t = 1000 * MS;
	u32 pkts, lost, i;

	vcmp_linkmon_cfg_default(&cfg);
	cfg.loss_min_pkts = 100;
	vcmp_linkmon_init(&lm, &cfg, 0);
	/* 100 packets/s: 5 s with 10 % loss, then 5 s clean */
	for (i = 0; i < 1000; i++, t += 10 * MS)
		if (i >= 500 || i % 10)
			vcmp_linkmon_rx_packet(&lm, i, 0, t, 100);
	vcmp_linkmon_rx_loss(&lm, t, &pkts, &lost);
	printf("# window %u seqs\n", pkts);
	CHECK(pkts >= 150 && pkts <= 220);
	CHECK_EQ(lost, 0);
	/* a lifetime count would say 5 % */
}

static void test_report_roundtrip(void)
{
	struct vcmp_linkmon_report a = {
		.win_pkts = 960, .win_lost = 19, .reordered = 0xbeef,
		.highest_seq = 0xfffffffeU, .received = 0x12345678,
		.jitter_us = 3333, .rate_kbps = 0xa0b0c0d0,
	}, b;
	u8 buf[VCMP_LINKMON_REPORT_LEN + 1];
	static const u8 want[VCMP_LINKMON_REPORT_LEN] = {
		1, 0, 0x03, 0xc0, 0x00, 0x13, 0xbe, 0xef,
		0xff, 0xff, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x78,
		0x00, 0x00, 0x0d, 0x05, 0xa0, 0xb0, 0xc0, 0xd0,
	};

	vcmp_linkmon_report_pack(&a, buf);
	CHECK(!memcmp(buf, want, sizeof(want)));
	memset(&b, 0, sizeof(b));
	CHECK_EQ(vcmp_linkmon_report_unpack(&b, buf, sizeof(buf)), 0);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	CHECK_EQ(vcmp_linkmon_report_unpack(&b, buf, sizeof(want) - 1),
		 -EINVAL);
	buf[0] = 2;
	CHECK_EQ(vcmp_linkmon_report_unpack(&b, buf, sizeof(want)), -EINVAL);
	buf[0] = 1;
	buf[1] = 1;
	CHECK_EQ(vcmp_linkmon_report_unpack(&b, buf, sizeof(want)), -EINVAL);
	buf[1] = 0;
	buf[5] = 0xff;	/* win_lost 0x00ff <= 960: fine */
	CHECK_EQ(vcmp_linkmon_report_unpack(&b, buf, sizeof(want)), 0);
	buf[4] = 0x04;	/* win_lost 0x04ff > win_pkts */
	CHECK_EQ(vcmp_linkmon_report_unpack(&b, buf, sizeof(want)), -EINVAL);
	CHECK_EQ(b.win_lost, 0xff);	/* untouched on error */
}

/*
 * State machine driver: one slot of 100 ms. Ticks at its start, sends the
 * probe asked for and acks it 10 ms later when @good.
 */
static u64 now;
static u32 probe_id;

static unsigned int slot(bool good, enum vcmp_link_state *prev)
{
	unsigned int act;

	act = vcmp_linkmon_tick(&lm, now, prev);
	if (act & VCMP_LINKMON_SEND_PROBE) {
		vcmp_linkmon_tx_probe_sent(&lm, ++probe_id, now);
		if (good)
			vcmp_linkmon_tx_probe_ack(&lm, probe_id,
						  vcmp_linkmon_ts(now) + 1000,
						  now + 10 * MS);
	}
	now += 100 * MS;
	return act;
}

/* Bring the link up (first ack) and to a steady good state. */
static void state_start(void)
{
	struct vcmp_linkmon_cfg cfg;
	enum vcmp_link_state prev;
	int i;

	vcmp_linkmon_cfg_default(&cfg);
	cfg.idle_after_ms = 3600000;	/* never idle: a probe per slot */
	vcmp_linkmon_init(&lm, &cfg, 0);
	now = 1000 * MS;
	lm.tx.slot_end_ns = now;
	for (i = 0; i < 3; i++)
		slot(true, &prev);
	CHECK_EQ(lm.state, VCMP_LINK_UP);
}

static void test_state_down_after_3(void)
{
	enum vcmp_link_state prev;
	unsigned int act;

	state_start();
	act = slot(false, &prev);	/* judges the last good slot */
	CHECK(act & VCMP_LINKMON_SEND_PROBE);
	CHECK(!(act & VCMP_LINKMON_CHANGED));
	slot(false, &prev);		/* miss 1 */
	act = slot(false, &prev);	/* miss 2 */
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	CHECK(!(act & VCMP_LINKMON_CHANGED));
	act = slot(false, &prev);	/* miss 3 */
	CHECK_EQ(lm.state, VCMP_LINK_DOWN);
	CHECK(act & VCMP_LINKMON_CHANGED);
	CHECK_EQ(prev, VCMP_LINK_UP);
	CHECK_EQ(lm.tx.slots_missed, 3);
	act = slot(false, &prev);
	CHECK(!(act & VCMP_LINKMON_CHANGED));
	CHECK(act & VCMP_LINKMON_SEND_PROBE);
}

static void test_state_up_hysteresis(void)
{
	enum vcmp_link_state prev;
	unsigned int act;
	int i;

	state_start();
	for (i = 0; i < 5; i++)
		slot(false, &prev);
	CHECK_EQ(lm.state, VCMP_LINK_DOWN);
	slot(true, &prev);			/* judges a miss */
	for (i = 0; i < 4; i++) {
		act = slot(true, &prev);	/* goods 1..4 */
		CHECK_EQ(lm.state, VCMP_LINK_DOWN);
		CHECK(!(act & VCMP_LINKMON_CHANGED));
	}
	act = slot(true, &prev);		/* good 5 */
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	CHECK(act & VCMP_LINKMON_CHANGED);
	CHECK_EQ(prev, VCMP_LINK_DOWN);
}

static void test_state_no_flap(void)
{
	enum vcmp_link_state prev;
	int i, j;

	/* up: 2 misses, 1 good, forever: stays up */
	state_start();
	for (i = 0; i < 30; i++) {
		for (j = 0; j < 3; j++) {
			slot(j == 2, &prev);
			CHECK_EQ(lm.state, VCMP_LINK_UP);
		}
	}
	/* down: 4 goods, 1 miss, forever: stays down */
	for (i = 0; i < 4; i++)
		slot(false, &prev);
	CHECK_EQ(lm.state, VCMP_LINK_DOWN);
	for (i = 0; i < 30; i++) {
		for (j = 0; j < 5; j++) {
			slot(j != 4, &prev);
			CHECK_EQ(lm.state, VCMP_LINK_DOWN);
		}
	}
}

static void test_data_skips_probes(void)
{
	enum vcmp_link_state prev;
	struct vcmp_linkmon_report rep = { .win_pkts = 100 };
	unsigned int act;
	int i, probes = 0;

	state_start();
	for (i = 0; i < 50; i++) {
		act = vcmp_linkmon_tick(&lm, now, &prev);
		if (act & VCMP_LINKMON_SEND_PROBE) {
			probes++;
			vcmp_linkmon_tx_probe_sent(&lm, ++probe_id, now);
		}
		vcmp_linkmon_tx_data_sent(&lm, 1000, now + 10 * MS);
		rep.received += 10;
		CHECK_EQ(vcmp_linkmon_tx_feedback(&lm, &rep, now + 50 * MS),
			 0);
		now += 100 * MS;
	}
	CHECK_EQ(probes, 1);	/* the slot before data started */
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	/*
	 * feedback stops while data flows: data every 100 ms follows a
	 * pause each time, so no ack delay was measured and the timeout is
	 * data_down_misses probe intervals, as the slot rule
	 */
	CHECK(!lm.tx.have_ad);
	CHECK_EQ(vcmp_linkmon_ack_timeout_ns(&lm), 200 * MS);
	for (i = 0; i < 3; i++) {
		act = vcmp_linkmon_tick(&lm, now, &prev);
		if (i == 0)
			CHECK(!(act & VCMP_LINKMON_SEND_PROBE));
		else
			CHECK(act & VCMP_LINKMON_SEND_PROBE);
		if (i == 2)
			CHECK(act & VCMP_LINKMON_CHANGED);
		if (act & VCMP_LINKMON_SEND_PROBE)
			vcmp_linkmon_tx_probe_sent(&lm, ++probe_id, now);
		vcmp_linkmon_tx_data_sent(&lm, 1000, now + 10 * MS);
		CHECK_EQ(lm.state, i < 2 ? VCMP_LINK_UP : VCMP_LINK_DOWN);
		now += 100 * MS;
	}
	/* a stale report (no progress) is no ack */
	CHECK_EQ(vcmp_linkmon_tx_feedback(&lm, &rep, now), 0);
	CHECK(!lm.tx.slot_acked);
	rep.win_lost = 101;
	CHECK_EQ(vcmp_linkmon_tx_feedback(&lm, &rep, now), -EINVAL);
}

/*
 * Busy link, RTT 10 ms: data every 1 ms, the peer reports every
 * @fb_every_ms (+0-15 ms of timer lateness, 5 % of the reports lost),
 * ticks every 10 ms, probes acked after 10 ms (5 % lost). @stop: when
 * the link becomes a black hole (0: never).
 * Return: when the link went down (0: never).
 */
static u64 busy_link(u64 start, u64 stop, u64 end, u32 fb_every_ms)
{
	struct vcmp_linkmon_report rep = { .win_pkts = 100 };
	enum vcmp_link_state prev;
	u64 t, next_fb = start + fb_every_ms * MS, down = 0, ack_at = 0;
	unsigned int act;

	for (t = start; t < end; t += MS) {
		bool dark = stop && t >= stop;

		if (ack_at && t >= ack_at) {
			if (!dark && rng() % 100 >= 5)
				vcmp_linkmon_tx_probe_ack(&lm, probe_id,
							  vcmp_linkmon_ts(t) -
							  10000, t);
			ack_at = 0;
		}

		vcmp_linkmon_tx_data_sent(&lm, 1400, t);
		if (!dark)
			vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(t) - 10000, t);
		rep.received += 1;
		if (t >= next_fb) {
			/* a report sent 5 ms ago, i.e. before stop + 5 ms */
			if (!dark && rng() % 100 >= 5)
				vcmp_linkmon_tx_feedback(&lm, &rep, t);
			next_fb = t + fb_every_ms * MS +
				  (u64)uniform(0, 15) * MS;
		}
		if (t % (10 * MS))
			continue;
		act = vcmp_linkmon_tick(&lm, t, &prev);
		if (act & VCMP_LINKMON_SEND_PROBE) {
			vcmp_linkmon_tx_probe_sent(&lm, ++probe_id, t);
			ack_at = t + 10 * MS;
		}
		if ((act & VCMP_LINKMON_CHANGED) && !down) {
			CHECK_EQ(lm.state, VCMP_LINK_DOWN);
			CHECK(act & VCMP_LINKMON_ACK_TIMEOUT);
			down = t;
		}
	}
	return down;
}

static void test_ack_timeout(void)
{
	u64 down, timeout;
	int i;

	/* 20 s busy and healthy: never down */
	state_start();
	CHECK_EQ(busy_link(now, 0, now + 20000 * MS, 20), 0);
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	timeout = vcmp_linkmon_ack_timeout_ns(&lm);
	printf("# ack delay %llu +- %llu us, timeout %llu ms\n",
	       (unsigned long long)(lm.tx.ad8 >> 3),
	       (unsigned long long)(lm.tx.advar4 >> 2),
	       (unsigned long long)(timeout / MS));
	CHECK_EQ(timeout, VCMP_LINKMON_ACK_FEEDBACKS * 20 * MS);
	/*
	 * black holes: down within the timeout + two ticks of the last ack
	 * (the first tick past it, the one that confirms it)
	 */
	for (i = 0; i < 20; i++) {
		state_start();
		busy_link(now, 0, now + 2000 * MS, 20);
		now += 2000 * MS;
		down = busy_link(now, now + 500 * MS, now + 2000 * MS, 20);
		timeout = vcmp_linkmon_ack_timeout_ns(&lm);
		CHECK(down);
		CHECK(down - lm.tx.ack_ns >= timeout);
		CHECK(down - lm.tx.ack_ns <= timeout + 20 * MS);
		/* and within 160 ms of the black hole */
		CHECK(down - (now + 500 * MS) <= 160 * MS);
		CHECK_EQ(lm.tx.ack_timeouts, 1);
	}
	/* a peer that reports every 100 ms only: learnt, no false down */
	state_start();
	CHECK_EQ(vcmp_linkmon_ack_timeout_ns(&lm), 200 * MS);
	CHECK_EQ(busy_link(now, 0, now + 20000 * MS, 100), 0);
	CHECK(vcmp_linkmon_ack_timeout_ns(&lm) >= 100 * MS);
	CHECK_EQ(lm.state, VCMP_LINK_UP);
}

/*
 * RTT 150 ms: while data flows the timeout is 4 feedback intervals; data
 * after a pause waits for a round trip (SRTT + 4 RTTVAR + feedback_ms).
 */
static void test_ack_timeout_pause(void)
{
	struct vcmp_linkmon_report rep = { .win_pkts = 100 };
	enum vcmp_link_state prev;
	u64 t, p;
	int i;

	state_start();
	for (i = 0; i < 40; i++)
		vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(now) - 150000, now);
	for (t = now; t < now + 2000 * MS; t += MS) {
		vcmp_linkmon_tx_data_sent(&lm, 1400, t);
		if (t % (20 * MS) == 0) {
			rep.received += 20;
			vcmp_linkmon_tx_feedback(&lm, &rep, t);
		}
		if (t % (10 * MS) == 0)
			vcmp_linkmon_tick(&lm, t, &prev);
		if (t % (20 * MS) == 5 * MS && t > now + 100 * MS)
			CHECK_EQ(vcmp_linkmon_ack_timeout_ns(&lm),
				 VCMP_LINKMON_ACK_FEEDBACKS * 20 * MS);
	}
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	rep.received += 20;	/* the report of the last data */
	vcmp_linkmon_tx_feedback(&lm, &rep, t + 10 * MS);
	CHECK(!lm.tx.pend);
	/* 1 s without data, then one packet: acked a round trip later */
	p = t + 1000 * MS;
	vcmp_linkmon_tx_data_sent(&lm, 1400, p);
	printf("# after a pause: timeout %llu ms\n",
	       (unsigned long long)(vcmp_linkmon_ack_timeout_ns(&lm) / MS));
	CHECK(vcmp_linkmon_ack_timeout_ns(&lm) >= 170 * MS);
	for (t = p; t <= p + 160 * MS; t += 10 * MS) {
		CHECK(!(vcmp_linkmon_tick(&lm, t, &prev) &
			VCMP_LINKMON_CHANGED));
		if (t == p + 160 * MS) {
			rep.received++;
			vcmp_linkmon_tx_feedback(&lm, &rep, t);
		}
	}
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	CHECK(!lm.tx.pend);
}

/*
 * A link back from DOWN starts with a clean loss window in both
 * directions and goes up, not degraded; while down it reports no loss.
 */
static void test_down_forgets_loss(void)
{
	struct vcmp_linkmon_report rep = { .win_pkts = 1000 };
	struct vcmp_linkmon_stats st;
	enum vcmp_link_state prev;
	u32 seq = 0;
	int i;

	state_start();
	/* 1000 packets received, then 30 % lost, both ways */
	for (i = 0; i < 2000; i++, seq++)
		if (i < 1000 || i % 10 >= 3)
			vcmp_linkmon_rx_packet(&lm, seq, vcmp_linkmon_ts(now),
					       now, 200);
	rep.win_lost = 300;
	rep.received = 1700;
	vcmp_linkmon_tx_feedback(&lm, &rep, now);
	for (i = 0; i < 4; i++)
		slot(false, &prev);
	CHECK_EQ(lm.state, VCMP_LINK_DOWN);
	vcmp_linkmon_rx_packet(&lm, seq++, vcmp_linkmon_ts(now), now, 200);
	vcmp_linkmon_rx_report(&lm, now, &rep);
	CHECK_EQ(rep.win_pkts, 0);
	CHECK_EQ(rep.win_lost, 0);
	/* back: probes acked, a few packets, all received */
	for (i = 0; i < 6; i++) {
		vcmp_linkmon_rx_packet(&lm, seq++, vcmp_linkmon_ts(now), now,
				       200);
		slot(true, &prev);
	}
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	for (i = 0; i < 600; i++) {
		vcmp_linkmon_rx_packet(&lm, seq++, vcmp_linkmon_ts(now), now,
				       200);
		if (i % 100 == 99)
			slot(true, &prev);
	}
	vcmp_linkmon_stats(&lm, now, &st);
	printf("# back up: loss rx %u tx %u ppm\n", st.loss_rx_ppm,
	       st.loss_tx_ppm);
	CHECK_EQ(st.loss_rx_ppm, 0);
	CHECK_EQ(st.loss_tx_ppm, 0);
	CHECK_EQ(lm.state, VCMP_LINK_UP);
}

static void test_idle_rate(void)
{
	enum vcmp_link_state prev;
	unsigned int act;
	int i, probes = 0;

	init_default();
	now = 0;
	/* 15 s without data, acks to every probe */
	for (i = 0; i < 1500; i++, now += 10 * MS) {
		act = vcmp_linkmon_tick(&lm, now, &prev);
		if (act & VCMP_LINKMON_SEND_PROBE) {
			probes++;
			vcmp_linkmon_tx_probe_sent(&lm, ++probe_id, now);
			vcmp_linkmon_tx_probe_ack(&lm, probe_id,
						  vcmp_linkmon_ts(now),
						  now + 5 * MS);
		}
	}
	/* 100 ms for 5 s, then 1 s: 50 + 10 */
	printf("# %d probes in 15 s\n", probes);
	CHECK(probes >= 59 && probes <= 61);
	CHECK_EQ(lm.state, VCMP_LINK_UP);
	/* data on an idle slot: judged within a probe interval */
	vcmp_linkmon_tx_data_sent(&lm, 100, now);
	for (i = 0; i < 11 && lm.tx.slot_data; i++) {
		now += 10 * MS;
		vcmp_linkmon_tick(&lm, now, &prev);
	}
	CHECK(!lm.tx.slot_data);
	CHECK(lm.tx.slot_end_ns - now <= 100 * MS);
}

static void check_level(enum vcmp_qoe_class c, u32 lat, u32 loss, u32 jit,
			int level, int score)
{
	struct vcmp_qoe_metrics m = { lat, loss, jit };
	struct vcmp_qoe q = vcmp_linkmon_qoe(&m, c);

	CHECK_EQ(q.level, level);
	CHECK_EQ(q.score, score);
	if (q.level != level || q.score != score)
		printf("# class %d lat %u loss %u jit %u\n", c, lat, loss, jit);
}

static void test_qoe_boundaries(void)
{
	static const u32 th[3][6] = {
		{ 25000, 65000, 3000, 10000, 7000, 30000 },
		{ 25000, 65000, 500, 1000, 5000, 10000 },
		{ 50000, 80000, 10000, 30000, 200000, 300000 },
	};
	int c, k;

	for (c = 0; c < 3; c++) {
		for (k = 0; k < 3; k++) {
			u32 good[3] = { th[c][0], th[c][2], th[c][4] };
			u32 v[3];

			memcpy(v, good, sizeof(v));
			check_level(c, v[0], v[1], v[2], VCMP_QOE_GOOD, 10);
			v[k] = th[c][2 * k] + 1;
			check_level(c, v[0], v[1], v[2], VCMP_QOE_FAIR, 9);
			v[k] = th[c][2 * k + 1];
			check_level(c, v[0], v[1], v[2], VCMP_QOE_FAIR, 4);
			v[k] = th[c][2 * k + 1] + 1;
			check_level(c, v[0], v[1], v[2], VCMP_QOE_CRITICAL, 0);
			v[k] = U32_MAX;
			check_level(c, v[0], v[1], v[2], VCMP_QOE_CRITICAL, 0);
		}
	}
	check_level(VCMP_QOE_CLASSES, 0, 0, 0, VCMP_QOE_CRITICAL, 0);
}

static void test_degraded(void)
{
	enum vcmp_link_state prev;
	int i;

	state_start();
	/* RTT 200 ms: one-way 100 > 80 ms, critical for transactional */
	for (i = 0; i < 40; i++)
		vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(now) - 200000, now);
	slot(true, &prev);
	slot(true, &prev);
	CHECK_EQ(lm.state, VCMP_LINK_DEGRADED);
	for (i = 0; i < 40; i++)
		vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(now) - 20000, now);
	for (i = 0; i < 4; i++) {
		slot(true, &prev);
		CHECK_EQ(lm.state, VCMP_LINK_DEGRADED);
	}
	slot(true, &prev);
	CHECK_EQ(lm.state, VCMP_LINK_UP);
}

/*
 * netem-like link: both directions 30 ms +- 5 ms (uniform), 2 % random
 * loss, 10 s of data at 100 packets/s with random gaps (2-18 ms, so the
 * jitter reorders packets), each carrying an echo; FEEDBACK when due.
 * Truth: RTT 60 ms, loss 2 % each way.
 */
struct simpkt {
	u64 arrive;
	int to;			/* side receiving */
	u32 seq, ts, echo;
	bool feedback;
	u8 rep[VCMP_LINKMON_REPORT_LEN];
};

struct side {
	struct vcmp_linkmon lm;
	u32 seq;
	u64 next_send;
	u32 last_ts;		/* last timestamp received */
	u64 last_ts_at;		/* when */
	bool have_ts;
	u32 sent, dropped;
};

static struct simpkt inflight[1024];
static int ninflight;
static struct side sides[2];
static int sim_feedbacks;

static void sim_send(int from, u64 t, bool feedback)
{
	struct side *s = &sides[from];
	struct simpkt *p;

	s->sent++;
	if (rng() % 1000 < 20) {
		s->dropped++;
		s->seq++;
		return;
	}
	if (ninflight == 1024)
		abort();
	p = &inflight[ninflight++];
	memset(p, 0, sizeof(*p));
	p->arrive = t + 30 * MS + uniform(-5000, 5000) * US;
	p->to = !from;
	p->seq = s->seq++;
	p->ts = vcmp_linkmon_ts(t);
	p->echo = s->have_ts ? s->last_ts +
		vcmp_linkmon_ts(t - s->last_ts_at) : 0;
	p->feedback = feedback;
	if (feedback) {
		struct vcmp_linkmon_report r;

		vcmp_linkmon_rx_report(&s->lm, t, &r);
		vcmp_linkmon_report_pack(&r, p->rep);
	}
	if (!feedback)
		vcmp_linkmon_tx_data_sent(&s->lm, 1000, t);
}

static void sim_send(int from, u64 t, bool feedback);

static void sim_deliver(struct simpkt *p)
{
	struct side *s = &sides[p->to];

	vcmp_linkmon_rx_packet(&s->lm, p->seq, p->ts, p->arrive, 1000);
	if (!p->feedback) {
		/* DATA: acknowledged every feedback_ms, as monitor.c does */
		vcmp_linkmon_rx_data(&s->lm);
		if (vcmp_linkmon_rx_feedback_due(&s->lm, p->arrive))
			sim_send(p->to, p->arrive, true);
	}
	if (p->echo)
		vcmp_linkmon_tx_echo(&s->lm, p->echo, p->arrive);
	s->last_ts = p->ts;
	s->last_ts_at = p->arrive;
	s->have_ts = true;
	if (p->feedback) {
		struct vcmp_linkmon_report r;

		CHECK_EQ(vcmp_linkmon_report_unpack(&r, p->rep, sizeof(p->rep)),
			 0);
		sim_feedbacks++;
		vcmp_linkmon_tx_feedback(&s->lm, &r, p->arrive);
	}
}

static void test_netem_sim(void)
{
	struct vcmp_linkmon_stats st;
	enum vcmp_link_state prev;
	u64 t, start = 1000 * MS, end = start + 10000 * MS;
	int i, k, probes = 0, downs = 0;
	unsigned int act;

	memset(sides, 0, sizeof(sides));
	ninflight = 0;
	sim_feedbacks = 0;
	for (i = 0; i < 2; i++) {
		vcmp_linkmon_init(&sides[i].lm, NULL, start);
		sides[i].next_send = start + (u64)i * 3 * MS;
	}
	for (t = start; t < end + 100 * MS; t += 50 * US) {
		/* deliver what arrived by t, earliest first */
		for (;;) {
			int best = -1;

			for (k = 0; k < ninflight; k++)
				if (inflight[k].arrive <= t &&
				    (best < 0 ||
				     inflight[k].arrive < inflight[best].arrive))
					best = k;
			if (best < 0)
				break;
			sim_deliver(&inflight[best]);
			inflight[best] = inflight[--ninflight];
		}
		for (i = 0; i < 2; i++) {
			struct side *s = &sides[i];

			if (t < end && t >= s->next_send) {
				sim_send(i, t, false);
				s->next_send = t + uniform(2000, 18000) * US;
			}
			if (t % (10 * MS))
				continue;
			if (vcmp_linkmon_rx_feedback_due(&s->lm, t))
				sim_send(i, t, true);
			act = vcmp_linkmon_tick(&s->lm, t, &prev);
			if (act & VCMP_LINKMON_SEND_PROBE)
				probes++;	/* not sent: data measures */
			if ((act & VCMP_LINKMON_CHANGED) &&
			    s->lm.state == VCMP_LINK_DOWN)
				downs++;
		}
	}
	/* never down (2 % loss, +-5 ms jitter) */
	printf("# %d feedback reports, %d downs\n", sim_feedbacks, downs);
	CHECK_EQ(downs, 0);
	/* about every feedback_ms while data flows */
	CHECK(sim_feedbacks > 2 * 10000 / 20 * 8 / 10);
	for (i = 0; i < 2; i++) {
		struct side *s = &sides[i], *o = &sides[!i];
		double truth_tx = 100.0 * s->dropped / s->sent;
		double truth_rx = 100.0 * o->dropped / o->sent;

		vcmp_linkmon_stats(&s->lm, end, &st);
		printf("# side %d: srtt %u min %u us, state %u\n",
		       i, st.srtt_us, st.min_rtt_us, st.state);
		printf("# loss rx %.2f%% (truth %.2f%%) tx %.2f%% (truth %.2f%%)\n",
		       st.loss_rx_ppm / 1e4, truth_rx, st.loss_tx_ppm / 1e4,
		       truth_tx);
		printf("# jitter rx %u tx %u us, reordered %llu\n",
		       st.jitter_rx_us, st.jitter_tx_us,
		       (unsigned long long)st.rx_reordered);
		CHECK(st.srtt_us >= 54000 && st.srtt_us <= 66000);
		CHECK(st.min_rtt_us >= 50000 && st.min_rtt_us < 60000);
		CHECK(st.loss_rx_ppm >= 10000 && st.loss_rx_ppm <= 30000);
		CHECK(st.loss_tx_ppm >= 10000 && st.loss_tx_ppm <= 30000);
		CHECK(st.loss_rx_ppm / 1e4 - truth_rx < 1.0 &&
		      truth_rx - st.loss_rx_ppm / 1e4 < 1.0);
		CHECK(st.rx_reordered > 0);
		CHECK(st.jitter_rx_us > 2000 && st.jitter_rx_us < 5000);
		CHECK_EQ(st.state, VCMP_LINK_UP);
		CHECK(st.rx_dups == 0);
	}
	printf("# probes asked for while data flowed: %d\n", probes);
	CHECK(probes <= 4);
}

int main(void)
{
	unit_plan(22);
	unit_run("rtt_converges", test_rtt_converges);
	unit_run("probe_ack_hold", test_probe_ack_hold);
	unit_run("jitter_constant", test_jitter_constant);
	unit_run("jitter_uniform", test_jitter_uniform);
	unit_run("loss_exact", test_loss_exact);
	unit_run("loss_reorder", test_loss_reorder);
	unit_run("loss_late_uncounted", test_loss_late_uncounted);
	unit_run("loss_reorder_time", test_loss_reorder_time);
	unit_run("seq_wrap", test_seq_wrap);
	unit_run("loss_window_time", test_loss_window_time);
	unit_run("report_roundtrip", test_report_roundtrip);
	unit_run("state_down_after_3", test_state_down_after_3);
	unit_run("state_up_hysteresis", test_state_up_hysteresis);
	unit_run("state_no_flap", test_state_no_flap);
	unit_run("data_skips_probes", test_data_skips_probes);
	unit_run("ack_timeout", test_ack_timeout);
	unit_run("ack_timeout_pause", test_ack_timeout_pause);
	unit_run("down_forgets_loss", test_down_forgets_loss);
	unit_run("idle_rate", test_idle_rate);
	unit_run("qoe_boundaries", test_qoe_boundaries);
	unit_run("degraded", test_degraded);
	unit_run("netem_sim", test_netem_sim);
	return unit_exit();
}
