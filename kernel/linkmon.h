/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-link measurement and link state: loss, RTT, jitter, delivery rate,
 * QoE per traffic class and the up / degraded / down state machine of
 * one WAN link of a peer.
 *
 * Pure logic (see pure.h): every function takes the time from its caller
 * (@now_ns, a monotonic clock in nanoseconds; the VCMP header timestamp is
 * vcmp_linkmon_ts(now_ns), the same clock in microseconds on 32 bits), it
 * allocates nothing and has no locking of its own: the caller serialises
 * every call on one struct vcmp_linkmon.
 *
 * Use:
 *
 * receive side, every packet that arrives on the link (DATA, PROBE, ...):
 *	vcmp_linkmon_rx_packet(lm, hdr.link_seq, hdr.tstamp, now, bytes);
 *	DATA:		vcmp_linkmon_rx_data(lm);
 *			if (vcmp_linkmon_rx_feedback_due(lm, now))
 *				send a FEEDBACK (as below) right away;
 *	if (hdr.flags & VCMP_F_ECHO)
 *		vcmp_linkmon_tx_echo(lm, hdr.echo, now);	(RTT sample)
 *	PROBE_ACK:	vcmp_linkmon_tx_probe_ack(lm, id, hdr.echo, now);
 *	FEEDBACK:	vcmp_linkmon_report_unpack(&rep, payload, len);
 *			vcmp_linkmon_tx_feedback(lm, &rep, now);
 *
 * send side:
 *	DATA sent:	vcmp_linkmon_tx_data_sent(lm, bytes, now);
 *			(or batched: the first and the last send times of
 *			the batch, in that order)
 *	timer, at least every probe interval (ideally every 10 ms or so):
 *		act = vcmp_linkmon_tick(lm, now, &prev);
 *		if (act & VCMP_LINKMON_SEND_PROBE)
 *			send a PROBE, vcmp_linkmon_tx_probe_sent(lm, id, now);
 *		if (act & VCMP_LINKMON_CHANGED)
 *			notify: prev -> lm->state;
 *		if (vcmp_linkmon_rx_feedback_due(lm, now))
 *			vcmp_linkmon_rx_report(lm, now, &rep), pack, send
 *			a FEEDBACK packet;
 *
 * Liveness comes from probe acks and from feedback reports that show the
 * peer received new packets; echoes only give RTT samples (an echo says
 * nothing about when the peer last heard from us, the hold time hides it).
 * The peer must therefore send FEEDBACK while data arrives
 * (vcmp_linkmon_rx_feedback_due(): every feedback_ms): that is what lets a
 * link that carries data skip probes, and what takes a link whose data
 * stops being acknowledged down within an ack timeout (linkmon.c).
 */
#ifndef _VCMP_LINKMON_H
#define _VCMP_LINKMON_H

#include "pure.h"

#if defined(__KERNEL__)
#include <linux/bitops.h>
#include <linux/math64.h>
#endif

/* 64-bit division: div64_u64() in the kernel, '/' in userspace. */
static inline u64 vcmp_linkmon_div(u64 n, u64 d)
{
#if defined(__KERNEL__)
	return div64_u64(n, d);
#else
	return n / d;
#endif
}

/* Set bits of a word: hweight64() in the kernel. */
static inline unsigned int vcmp_linkmon_popcount(u64 w)
{
#if defined(__KERNEL__)
	return hweight64(w);
#else
	return (unsigned int)__builtin_popcountll(w);
#endif
}

/* The VCMP header timestamp of @now_ns: microseconds, wrapping. */
static inline u32 vcmp_linkmon_ts(u64 now_ns)
{
	return (u32)vcmp_linkmon_div(now_ns, 1000);
}

#define VCMP_LINKMON_LOSS_BITS	4096	/* loss bitmap, seqs; power of 2 */
#define VCMP_LINKMON_CKPTS	32	/* loss window checkpoints */
#define VCMP_LINKMON_CKPT_MS	100	/* one checkpoint per 100 ms */
#define VCMP_LINKMON_PROBES	8	/* outstanding probes remembered */
#define VCMP_LINKMON_RESYNC	65536	/* seq jump that restarts the rx */
#define VCMP_LINKMON_RTT_MAX_US	10000000U /* larger RTT samples are bogus */
#define VCMP_LINKMON_MINRTT_NS	(10ULL * 1000000000ULL) /* min RTT window */
#define VCMP_LINKMON_RATE_NS	(250ULL * 1000000ULL) /* rate period */
#define VCMP_LINKMON_PPM	1000000U
#define VCMP_LINKMON_ACK_FEEDBACKS 4	/* ack timeout: at least this many
					 * feedback intervals
					 */

/* Link state. INIT: created, nothing heard yet. */
enum vcmp_link_state {
	VCMP_LINK_INIT,
	VCMP_LINK_UP,
	VCMP_LINK_DEGRADED,
	VCMP_LINK_DOWN,
};

/* Traffic classes of the QoE score. */
enum vcmp_qoe_class {
	VCMP_QOE_VOICE,
	VCMP_QOE_VIDEO,
	VCMP_QOE_TRANSACTIONAL,
	VCMP_QOE_CLASSES
};

/* QoE level: every metric good, none critical, at least one critical. */
enum vcmp_qoe_level {
	VCMP_QOE_GOOD,
	VCMP_QOE_FAIR,
	VCMP_QOE_CRITICAL,
};

/* Bits returned by vcmp_linkmon_tick(). */
#define VCMP_LINKMON_SEND_PROBE	BIT(0)	/* send a PROBE now */
#define VCMP_LINKMON_CHANGED	BIT(1)	/* lm->state changed */
#define VCMP_LINKMON_ACK_TIMEOUT BIT(2)	/* down: data went unacknowledged */

/*
 * struct vcmp_linkmon_cfg - tunables; vcmp_linkmon_init() clamps them
 * @probe_ms: probe interval of a link without data, and slot length
 *	(default 100, 10-10000)
 * @idle_probe_ms: probe interval once no data was sent for @idle_after_ms
 *	(default 1000, >= @probe_ms)
 * @idle_after_ms: see @idle_probe_ms (default 5000)
 * @loss_window_ms: the loss estimate covers the seqs received in this
 *	much time (default 2000, 100-3000) ...
 * @loss_min_pkts: ... but at least this many seqs (default 1000): at
 *	2 % loss, 1000 packets give a standard error of 0.44 point,
 *	200 (2 s at 100 packets/s) would give 1 point
 * @reorder_ms: a missing seq is lost once a higher one arrived this long
 *	ago (default 200, 0-1000; 0: by @reorder_pkts only) ...
 * @reorder_pkts: ... or once this many higher seqs arrived, whichever
 *	comes first (default 512, 1-1024)
 * @down_misses: consecutive missed slots to go down (default 3)
 * @data_down_misses: consecutive missed slots with data sent in each to
 *	go down sooner (default 2); also the ack timeout until the first
 *	ack delay was measured
 * @up_probes: consecutive good slots to leave DOWN or DEGRADED (default 5)
 * @feedback_ms: the receiver's FEEDBACK interval while data arrives, and
 *	the unit of the sender's ack timeout (default 20, 5-@probe_ms)
 */
struct vcmp_linkmon_cfg {
	u32 probe_ms;
	u32 idle_probe_ms;
	u32 idle_after_ms;
	u32 loss_window_ms;
	u32 reorder_ms;
	u16 loss_min_pkts;
	u16 reorder_pkts;
	u8 down_misses;
	u8 data_down_misses;
	u8 up_probes;
	u32 feedback_ms;
};

/*
 * struct vcmp_linkmon_report - the receiver's view, carried in FEEDBACK
 * @win_pkts: sequence numbers in the loss window
 * @win_lost: of these, not received (<= @win_pkts)
 * @reordered: packets that arrived below the highest seq (wrapping)
 * @highest_seq: highest link_seq received
 * @received: packets received (wrapping)
 * @jitter_us: RFC 3550 interarrival jitter
 * @rate_kbps: delivery rate of the last period, kbit/s
 *
 * Wire layout, VCMP_LINKMON_REPORT_LEN bytes, network order:
 * 0 version (1), 1 flags (0), 2 win_pkts, 4 win_lost, 6 reordered,
 * 8 highest_seq, 12 received, 16 jitter_us, 20 rate_kbps.
 */
struct vcmp_linkmon_report {
	u16 win_pkts;
	u16 win_lost;
	u16 reordered;
	u32 highest_seq;
	u32 received;
	u32 jitter_us;
	u32 rate_kbps;
};

#define VCMP_LINKMON_REPORT_LEN		24
#define VCMP_LINKMON_REPORT_VERSION	1

/*
 * struct vcmp_linkmon_ckpt - where the seqs of a 100 ms period started
 * @period: now_ns / 100 ms
 * @seq: the first extended seq above the highest at that time
 */
struct vcmp_linkmon_ckpt {
	u64 period;
	u64 seq;
};

/*
 * struct vcmp_linkmon_rx - receive direction (peer to us)
 * @started: a packet was received
 * @highest: highest extended seq received (32-bit seq plus 2^32 epochs)
 * @first: first extended seq counted
 * @bitmap: bit (seq % LOSS_BITS) set = received, for the last LOSS_BITS
 *	seqs up to @highest
 * @ckpt: ring of checkpoints, @ckpt_last the newest
 * @ckpt_count: checkpoints in the ring
 * @old_run: consecutive packets too old for the bitmap (resync after 64)
 * @have_transit: @transit is valid
 * @transit: last arrival time minus sender timestamp, microseconds
 * @jitter16: RFC 3550 jitter times 16, microseconds
 * @rate_start_ns: start of the delivery rate period
 * @rate_bytes: bytes received in the period
 * @rate_bps: delivery rate of the last period
 * @capacity_bps: decaying maximum of @rate_bps
 * @received: packets received and counted
 * @dups: duplicates
 * @reordered: packets that arrived below @highest
 * @since_report: packets since the last report
 * @data_since_report: of these, DATA (vcmp_linkmon_rx_data())
 * @report_ns: time of the last report
 */
struct vcmp_linkmon_rx {
	bool started;
	u64 highest;
	u64 first;
	u64 bitmap[VCMP_LINKMON_LOSS_BITS / 64];
	struct vcmp_linkmon_ckpt ckpt[VCMP_LINKMON_CKPTS];
	unsigned int ckpt_last;
	unsigned int ckpt_count;
	unsigned int old_run;
	bool have_transit;
	u32 transit;
	u32 jitter16;
	u64 rate_start_ns;
	u64 rate_bytes;
	u64 rate_bps;
	u64 capacity_bps;
	u64 received;
	u64 dups;
	u64 reordered;
	u32 since_report;
	u32 data_since_report;
	u64 report_ns;
};

/*
 * struct vcmp_linkmon_tx - send direction (us to peer) and RTT
 * @have_rtt: an RTT sample was taken
 * @rtt_us: last RTT sample
 * @srtt8: smoothed RTT (RFC 6298) times 8, microseconds
 * @rttvar4: RTT variation (RFC 6298) times 4, microseconds
 * @min_rtt_us: minimum RTT over the last 10 s
 * @min_rtt_ns: when @min_rtt_us was taken
 * @probe_id: ids of the last probes sent, @probe_ns their send times
 * @probe_used: bit i set = @probe_id[i] awaits its ack
 * @probe_next: next slot of the ring
 * @slot_end_ns: end of the current slot (one probe interval)
 * @slot_probe: a probe was sent in the slot
 * @slot_data: data was sent in the slot
 * @slot_acked: a probe ack or a feedback with progress came in the slot
 * @misses: consecutive missed slots
 * @data_misses: consecutive missed slots with data
 * @goods: consecutive good slots
 * @fine: consecutive good slots with the QoE rule of DEGRADED not met
 * @last_data_ns: when data was last sent (init time before)
 * @fb_valid: a feedback report was accepted
 * @fb: the last report
 * @loss_ppm: loss in this direction, from @fb
 * @capacity_bps: decaying maximum of the reported delivery rate
 * @probes_sent: probes sent
 * @probes_acked: probes acked
 * @slots_missed: slots missed
 * @ack_ns: when the last ack (probe ack, feedback with progress) came
 * @pend: data was sent after @ack_ns, the first at @pend_ns
 * @pend_ns: see @pend
 * @pend_probed: a probe was asked for the pending data
 * @pend_pause: the pending data followed a pause in sending
 * @pend_expired: a tick found the ack timeout of the pending data expired
 * @sent_data: data was sent on the link, the last at @data_ns
 * @data_ns: see @sent_data (@last_data_ns may be another link's)
 * @have_ad: an ack delay sample was taken
 * @ad8: smoothed ack delay times 8, microseconds: from the first data
 *	sent after an ack to the next ack
 * @advar4: its variation times 4, microseconds (as RFC 6298 for RTT)
 * @ack_timeouts: times the link went down for unacknowledged data
 */
struct vcmp_linkmon_tx {
	bool have_rtt;
	u32 rtt_us;
	u64 srtt8;
	u64 rttvar4;
	u32 min_rtt_us;
	u64 min_rtt_ns;
	u32 probe_id[VCMP_LINKMON_PROBES];
	u64 probe_ns[VCMP_LINKMON_PROBES];
	u8 probe_used;
	unsigned int probe_next;
	u64 slot_end_ns;
	bool slot_probe;
	bool slot_data;
	bool slot_acked;
	u8 misses;
	u8 data_misses;
	u8 goods;
	u8 fine;
	u64 last_data_ns;
	bool fb_valid;
	struct vcmp_linkmon_report fb;
	u32 loss_ppm;
	u64 capacity_bps;
	u64 probes_sent;
	u64 probes_acked;
	u64 slots_missed;
	u64 ack_ns;
	bool pend;
	u64 pend_ns;
	bool pend_probed;
	bool pend_pause;
	bool pend_expired;
	bool sent_data;
	u64 data_ns;
	bool have_ad;
	u64 ad8;
	u64 advar4;
	u64 ack_timeouts;
};

/*
 * struct vcmp_linkmon - one link
 * @cfg: tunables
 * @state: enum vcmp_link_state
 * @rx: receive direction
 * @tx: send direction
 */
struct vcmp_linkmon {
	struct vcmp_linkmon_cfg cfg;
	u8 state;
	struct vcmp_linkmon_rx rx;
	struct vcmp_linkmon_tx tx;
};

/*
 * struct vcmp_qoe_metrics - what a QoE score is computed from
 * @latency_us: one-way latency (the link uses SRTT / 2)
 * @loss_ppm: loss, parts per million (the link uses the worse direction)
 * @jitter_us: jitter (the link uses the worse direction)
 */
struct vcmp_qoe_metrics {
	u32 latency_us;
	u32 loss_ppm;
	u32 jitter_us;
};

/*
 * struct vcmp_qoe - a QoE verdict
 * @level: enum vcmp_qoe_level
 * @score: 10 = good, 4-9 = fair, 0 = critical
 */
struct vcmp_qoe {
	u8 level;
	u8 score;
};

/*
 * struct vcmp_linkmon_stats - snapshot for export
 * @state: enum vcmp_link_state
 * @rtt_us, @srtt_us, @rttvar_us, @min_rtt_us: RTT, microseconds
 * @jitter_rx_us: jitter peer to us (measured here)
 * @jitter_tx_us: jitter us to peer (from feedback)
 * @loss_rx_ppm: loss peer to us; @loss_tx_ppm: us to peer
 * @rate_rx_bps, @rate_tx_bps: delivery rates of the last period
 * @capacity_rx_bps, @capacity_tx_bps: capacity estimates
 * @qoe: QoE per enum vcmp_qoe_class
 * @rx_packets, @rx_dups, @rx_reordered: receive counters
 * @probes_sent, @probes_acked, @slots_missed: probe counters
 */
struct vcmp_linkmon_stats {
	u8 state;
	u32 rtt_us;
	u32 srtt_us;
	u32 rttvar_us;
	u32 min_rtt_us;
	u32 jitter_rx_us;
	u32 jitter_tx_us;
	u32 loss_rx_ppm;
	u32 loss_tx_ppm;
	u64 rate_rx_bps;
	u64 rate_tx_bps;
	u64 capacity_rx_bps;
	u64 capacity_tx_bps;
	struct vcmp_qoe qoe[VCMP_QOE_CLASSES];
	u64 rx_packets;
	u64 rx_dups;
	u64 rx_reordered;
	u64 probes_sent;
	u64 probes_acked;
	u64 slots_missed;
};

void vcmp_linkmon_cfg_default(struct vcmp_linkmon_cfg *cfg);
void vcmp_linkmon_init(struct vcmp_linkmon *lm,
		       const struct vcmp_linkmon_cfg *cfg, u64 now_ns);

void vcmp_linkmon_rx_packet(struct vcmp_linkmon *lm, u32 link_seq,
			    u32 sender_ts_us, u64 now_ns, u32 bytes);
void vcmp_linkmon_rx_data(struct vcmp_linkmon *lm);
void vcmp_linkmon_rx_loss(struct vcmp_linkmon *lm, u64 now_ns,
			  u32 *win_pkts, u32 *win_lost);
bool vcmp_linkmon_rx_feedback_due(const struct vcmp_linkmon *lm, u64 now_ns);
void vcmp_linkmon_rx_report(struct vcmp_linkmon *lm, u64 now_ns,
			    struct vcmp_linkmon_report *rep);

void vcmp_linkmon_report_pack(const struct vcmp_linkmon_report *rep,
			      u8 *out);
int vcmp_linkmon_report_unpack(struct vcmp_linkmon_report *rep,
			       const u8 *in, size_t len);

void vcmp_linkmon_tx_data_sent(struct vcmp_linkmon *lm, u32 bytes,
			       u64 now_ns);
void vcmp_linkmon_tx_probe_sent(struct vcmp_linkmon *lm, u32 probe_id,
				u64 now_ns);
int vcmp_linkmon_tx_probe_ack(struct vcmp_linkmon *lm, u32 probe_id,
			      u32 echo_us, u64 now_ns);
int vcmp_linkmon_tx_echo(struct vcmp_linkmon *lm, u32 echo_us, u64 now_ns);
int vcmp_linkmon_tx_feedback(struct vcmp_linkmon *lm,
			     const struct vcmp_linkmon_report *rep,
			     u64 now_ns);

u64 vcmp_linkmon_ack_timeout_ns(const struct vcmp_linkmon *lm);
unsigned int vcmp_linkmon_tick(struct vcmp_linkmon *lm, u64 now_ns,
			       enum vcmp_link_state *prev);

struct vcmp_qoe vcmp_linkmon_qoe(const struct vcmp_qoe_metrics *m,
				 enum vcmp_qoe_class class);
void vcmp_linkmon_metrics(struct vcmp_linkmon *lm, u64 now_ns,
			  struct vcmp_qoe_metrics *m);
void vcmp_linkmon_stats(struct vcmp_linkmon *lm, u64 now_ns,
			struct vcmp_linkmon_stats *st);

#endif /* _VCMP_LINKMON_H */
