// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/linkmon.c: the input configures one link
 * and then drives it with a sequence of events (packets with any link
 * sequence number and timestamp, echoes, probes, acks, feedback reports
 * from arbitrary bytes, data, ticks, snapshots) while time moves forward
 * by small steps, jumps far ahead or goes back a little. After every
 * event the invariants are checked: loss within [0, 100 %], lost <=
 * window <= bitmap, counters consistent (a duplicate is a number fed
 * before), reports round-trip through the wire format, QoE and state in
 * range. Inputs starting with an odd byte whose bit 1 is set instead
 * run the receive side against a reference model of the loss window
 * (a flag per sequence number, the window of linkmon.c restated with
 * the time-based parts turned off): the loss must be exact.
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "linkmon.h"

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

#define MS		1000000ULL
#define TIME_MAX	BIT_ULL(62)	/* ktime_get_ns() stays far below */
#define HIST		2048

static struct vcmp_linkmon lm;
static u64 now;
static u32 hist[HIST];		/* seqs fed since the last restart */
static size_t nhist;
static u64 calls, last_received, last_dups;

static u64 get(const u8 **p, const u8 *end, unsigned int n)
{
	u64 v = 0;

	while (n-- && *p < end)
		v = v << 8 | *(*p)++;
	return v;
}

static bool fed_before(u32 seq)
{
	size_t i;

	if (nhist == HIST)
		return true;	/* history full: cannot tell */
	for (i = 0; i < nhist; i++)
		if (hist[i] == seq)
			return true;
	return false;
}

static void check_report(void)
{
	struct vcmp_linkmon_report a, b;
	u8 buf[VCMP_LINKMON_REPORT_LEN];

	vcmp_linkmon_rx_report(&lm, now, &a);
	ASSERT(a.win_lost <= a.win_pkts);
	ASSERT(a.win_pkts <= VCMP_LINKMON_LOSS_BITS);
	ASSERT(a.highest_seq == (u32)lm.rx.highest || !lm.rx.started);
	vcmp_linkmon_report_pack(&a, buf);
	ASSERT(!vcmp_linkmon_report_unpack(&b, buf, sizeof(buf)));
	ASSERT(!memcmp(&a, &b, sizeof(a)));
	ASSERT(!vcmp_linkmon_rx_feedback_due(&lm, now));
}

static void check(void)
{
	struct vcmp_linkmon_stats st;
	u32 pkts, lost;
	unsigned int i;

	vcmp_linkmon_rx_loss(&lm, now, &pkts, &lost);
	ASSERT(lost <= pkts && pkts <= VCMP_LINKMON_LOSS_BITS);
	if (lm.rx.started) {
		ASSERT(lm.rx.highest >= lm.rx.first);
		ASSERT(lm.rx.bitmap[(lm.rx.highest %
				     VCMP_LINKMON_LOSS_BITS) / 64] &
		       BIT_ULL(lm.rx.highest % 64));
		ASSERT(pkts <= lm.rx.highest - lm.rx.first + 1);
	}
	ASSERT(lm.rx.received + lm.rx.dups <= calls);
	ASSERT(lm.rx.reordered <= lm.rx.received);

	vcmp_linkmon_stats(&lm, now, &st);
	ASSERT(st.state <= VCMP_LINK_DOWN);
	ASSERT(st.loss_rx_ppm <= VCMP_LINKMON_PPM);
	ASSERT(st.loss_tx_ppm <= VCMP_LINKMON_PPM);
	ASSERT(st.rtt_us <= VCMP_LINKMON_RTT_MAX_US);
	ASSERT(st.srtt_us <= VCMP_LINKMON_RTT_MAX_US);
	ASSERT(st.min_rtt_us <= VCMP_LINKMON_RTT_MAX_US);
	ASSERT(st.probes_acked <= st.probes_sent);
	for (i = 0; i < VCMP_QOE_CLASSES; i++) {
		ASSERT(st.qoe[i].score <= 10);
		ASSERT(st.qoe[i].level == (st.qoe[i].score == 10 ?
					   VCMP_QOE_GOOD :
					   st.qoe[i].score ? VCMP_QOE_FAIR :
					   VCMP_QOE_CRITICAL));
	}
	ASSERT(!(lm.tx.misses && lm.tx.goods));
	ASSERT(lm.tx.data_misses <= lm.tx.misses);
	ASSERT(lm.cfg.feedback_ms >= 5 &&
	       lm.cfg.feedback_ms <= lm.cfg.probe_ms);
	ASSERT(vcmp_linkmon_ack_timeout_ns(&lm) >=
	       (u64)VCMP_LINKMON_ACK_FEEDBACKS * lm.cfg.feedback_ms * MS ||
	       !lm.tx.have_ad);
	ASSERT(!lm.tx.have_ad || lm.tx.ad8 >> 3 <= VCMP_LINKMON_RTT_MAX_US);
}

static void do_rx(u32 seq, u32 ts, u32 bytes)
{
	bool before = fed_before(seq);
	bool started = lm.rx.started;
	u64 restarts_first = lm.rx.first;

	calls++;
	vcmp_linkmon_rx_packet(&lm, seq, ts, now, bytes);
	/* one packet: received or dup moves by one, or neither (ignored) */
	ASSERT(lm.rx.received + lm.rx.dups <= last_received + last_dups + 1);
	if (lm.rx.dups != last_dups)
		ASSERT(before && started);
	if (!started || lm.rx.first != restarts_first)
		nhist = 0;	/* the loss state restarted */
	if (nhist < HIST)
		hist[nhist++] = seq;
	last_received = lm.rx.received;
	last_dups = lm.rx.dups;
}

/*
 * Reference model: seqs are base + off, off < MODEL_N (so never a resync
 * jump), and received[off] is set when linkmon.c must have counted it.
 */
#define MODEL_N		60000
#define MODEL_R		64

static u8 received[MODEL_N];

static void model_run(const u8 *p, const u8 *end)
{
	struct vcmp_linkmon_cfg cfg;
	u32 base = (u32)get(&p, end, 4), pkts, lost, want;
	u64 hi = 0, first = 0, off, s, lo, top;
	bool started = false;
	unsigned int old_run = 0;

	vcmp_linkmon_cfg_default(&cfg);
	cfg.reorder_ms = 0;
	cfg.reorder_pkts = MODEL_R;
	cfg.loss_min_pkts = VCMP_LINKMON_LOSS_BITS;	/* clamped: all */
	now = 0;
	vcmp_linkmon_init(&lm, &cfg, now);
	memset(received, 0, sizeof(received));

	while (p < end) {
		u8 op = *p++;

		if (op & 1)	/* near the highest */
			off = hi + (op & 2 ? -(u64)(op >> 2) : (u64)(op >> 2));
		else
			off = get(&p, end, 2);
		if (off >= MODEL_N)
			continue;
		now += 1000;
		vcmp_linkmon_rx_packet(&lm, base + (u32)off, 0, now, 100);
		if (!started || off > hi) {
			if (!started)
				first = off;
			started = true;
			hi = off;
			received[off] = 1;
			old_run = 0;
		} else if (off < first || hi - off >= VCMP_LINKMON_LOSS_BITS) {
			if (++old_run >= 64) {	/* linkmon restarts there */
				memset(received, 0, sizeof(received));
				first = off;
				hi = off;
				received[off] = 1;
				old_run = 0;
			}
		} else {
			received[off] = 1;
			old_run = 0;
		}
		vcmp_linkmon_rx_loss(&lm, now, &pkts, &lost);
		want = 0;
		if (hi - first < MODEL_R) {
			ASSERT(!pkts && !lost);
			continue;
		}
		top = hi - MODEL_R;
		lo = hi >= VCMP_LINKMON_LOSS_BITS - 1 ?
		     hi - (VCMP_LINKMON_LOSS_BITS - 1) : 0;
		if (lo < first)
			lo = first;
		for (s = lo; s <= top; s++)
			want += !received[s];
		ASSERT(pkts == top + 1 - lo);
		ASSERT(lost == want);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data, *end = data + size;
	struct vcmp_linkmon_cfg cfg;
	struct vcmp_linkmon_report rep;
	enum vcmp_link_state prev;
	u8 buf[VCMP_LINKMON_REPORT_LEN];
	unsigned int act;
	u64 arg;

	if (size && (data[0] & 3) == 3) {
		model_run(p + 1, end);
		return 0;
	}
	vcmp_linkmon_cfg_default(&cfg);
	if (p < end && (*p++ & 1)) {
		cfg.probe_ms = (u32)get(&p, end, 2);
		cfg.idle_probe_ms = (u32)get(&p, end, 2);
		cfg.idle_after_ms = (u32)get(&p, end, 2);
		cfg.loss_window_ms = (u32)get(&p, end, 2);
		cfg.reorder_ms = (u32)get(&p, end, 2);
		cfg.loss_min_pkts = (u16)get(&p, end, 2);
		cfg.reorder_pkts = (u16)get(&p, end, 2);
		cfg.down_misses = (u8)get(&p, end, 1);
		cfg.data_down_misses = (u8)get(&p, end, 1);
		cfg.up_probes = (u8)get(&p, end, 1);
		cfg.feedback_ms = (u32)get(&p, end, 2);
	}
	now = get(&p, end, 4) * MS;
	vcmp_linkmon_init(&lm, &cfg, now);
	nhist = 0;
	calls = 0;
	last_received = 0;
	last_dups = 0;

	while (p < end) {
		u8 op = *p++;

		switch (op & 15) {
		case 0:	/* time: small step */
			now += get(&p, end, 2) * 1000;
			break;
		case 1:	/* time: big jump */
			now += get(&p, end, 4) * MS;
			break;
		case 2:	/* time: back a little */
			arg = get(&p, end, 2) * 1000;
			now = arg > now ? 0 : now - arg;
			break;
		case 3:	/* next packet, near the highest */
			arg = get(&p, end, 1);
			do_rx((u32)lm.rx.highest + (u32)(op & 16 ? -arg : arg),
			      vcmp_linkmon_ts(now) - (u32)get(&p, end, 2),
			      (u32)get(&p, end, 2));
			if (op & 32)	/* it was DATA */
				vcmp_linkmon_rx_data(&lm);
			break;
		case 4:	/* packet, any seq and timestamp */
			do_rx((u32)get(&p, end, 4), (u32)get(&p, end, 4),
			      (u32)get(&p, end, 4));
			break;
		case 5:	/* a run of packets with a loss pattern */
			arg = get(&p, end, 1);
			for (act = 0; act < 64; act++) {
				now += 100000;
				if (arg & BIT(act % 8))
					do_rx((u32)lm.rx.highest + 1 + act % 3,
					      vcmp_linkmon_ts(now) - 30000,
					      1400);
			}
			break;
		case 6:	/* echo */
			vcmp_linkmon_tx_echo(&lm, vcmp_linkmon_ts(now) -
					     (u32)get(&p, end, 4), now);
			break;
		case 7:	/* probe sent */
			vcmp_linkmon_tx_probe_sent(&lm, (u32)get(&p, end, 1),
						   now);
			break;
		case 8:	/* probe ack */
			vcmp_linkmon_tx_probe_ack(&lm, (u32)get(&p, end, 1),
						  vcmp_linkmon_ts(now) -
						  (u32)get(&p, end, 3), now);
			break;
		case 9:	/* data sent */
			vcmp_linkmon_tx_data_sent(&lm, (u32)get(&p, end, 2),
						  now);
			break;
		case 10: /* feedback from arbitrary bytes */
			memset(buf, 0, sizeof(buf));
			for (act = 0; act < sizeof(buf) && p < end; act++)
				buf[act] = *p++;
			if (!vcmp_linkmon_report_unpack(&rep, buf,
							op & 16 ? act :
							sizeof(buf))) {
				ASSERT(rep.win_lost <= rep.win_pkts);
				ASSERT(!vcmp_linkmon_tx_feedback(&lm, &rep,
								 now));
			}
			break;
		case 11: /* feedback struct, maybe inconsistent */
			memset(&rep, 0, sizeof(rep));
			rep.win_pkts = (u16)get(&p, end, 2);
			rep.win_lost = (u16)get(&p, end, 2);
			rep.received = (u32)get(&p, end, 1);
			rep.jitter_us = (u32)get(&p, end, 4);
			rep.rate_kbps = (u32)get(&p, end, 4);
			vcmp_linkmon_tx_feedback(&lm, &rep, now);
			break;
		case 12: /* tick */
			act = vcmp_linkmon_tick(&lm, now, &prev);
			ASSERT(!(act & VCMP_LINKMON_CHANGED) ==
			       (prev == lm.state));
			ASSERT(lm.tx.slot_end_ns > now);
			ASSERT(lm.tx.slot_end_ns - now <=
			       (u64)lm.cfg.idle_probe_ms * MS);
			if ((act & VCMP_LINKMON_SEND_PROBE) && (op & 16))
				vcmp_linkmon_tx_probe_sent(&lm, op, now);
			break;
		case 13: /* report */
			check_report();
			break;
		case 14: /* QoE of arbitrary metrics */
		{
			struct vcmp_qoe_metrics m = {
				(u32)get(&p, end, 4), (u32)get(&p, end, 4),
				(u32)get(&p, end, 4),
			};
			struct vcmp_qoe q = vcmp_linkmon_qoe(&m, op >> 4);

			ASSERT(q.score <= 10 && q.level <= VCMP_QOE_CRITICAL);
			break;
		}
		default: /* seq jump, maybe across the wrap */
			arg = get(&p, end, 4);
			do_rx((u32)lm.rx.highest + (u32)arg, 0, 0);
			break;
		}
		if (now > TIME_MAX)
			now = TIME_MAX;
		check();
	}
	return 0;
}
