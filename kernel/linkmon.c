// SPDX-License-Identifier: GPL-2.0
/*
 * Per-link measurement and link state. Pure logic (see pure.h), tested on
 * the host by selftests/unit/test_linkmon.c and fuzzed by
 * selftests/unit/fuzz_linkmon.c. Locking is the caller's: linkmon.h.
 *
 * Loss: the receiver keeps a ring of VCMP_LINKMON_LOSS_BITS bits, one per
 * link sequence number up to the highest received (32-bit numbers are
 * extended to 64 bits by serial arithmetic, so they wrap freely). A
 * missing number counts as lost only once a higher number arrived at
 * least reorder_ms ago (to a checkpoint's 100 ms: sooner is never), or
 * once reorder_pkts higher numbers were received, so reordering by the
 * network is not loss; a late packet sets its bit, which un-counts it,
 * since the loss is counted from the bits each time it is asked for. The
 * estimate
 * covers the numbers received in the last loss_window_ms (found with a
 * checkpoint of the highest number every 100 ms), at least loss_min_pkts
 * of them and never more than the ring holds: a window, not a lifetime.
 *
 * Jitter: RFC 3550 6.4.1, from sender timestamps and arrival times,
 * J += (|D| - J) / 16, kept times 16 as in RFC 3550 A.8.
 *
 * RTT: RFC 6298 SRTT and RTTVAR (gains 1/8 and 1/4, kept times 8 and 4),
 * the last sample, and the minimum over the last 10 s. A sample is the
 * arrival time minus the echo, which the peer moved forward by its hold
 * time (Documentation/wire-format.rst).
 *
 * Delivery rate: bytes received per period of at least 250 ms; the
 * capacity estimate is the largest rate, decaying by 1/64 per period.
 *
 * Link state, in slots of one probe interval. A slot is good when a probe
 * ack, or a feedback report showing that the peer received new packets,
 * came in it; it is missed when a probe or data was sent in it and
 * neither came; otherwise it is neutral. Down after down_misses
 * consecutive missed slots, or data_down_misses when data was sent in
 * each; up again after up_probes consecutive good slots. A new link
 * (INIT) is up at its first good slot.
 *
 * Ack timeout: while data arrives, the receiver sends FEEDBACK every
 * feedback_ms (on the arrival of the packet that makes it due), so an up
 * link that carries data is acknowledged every feedback_ms or so. The
 * sender times the ack delay while data flows: from the first data sent
 * after an ack (not after a pause in sending) to the next ack, about
 * feedback_ms, smoothed like RTT (RFC 6298, gains 1/8 and 1/4). An up or degraded link
 * goes down when data sent is unacknowledged for
 *
 *	max(ACK_FEEDBACKS (4) * feedback_ms, SRTT + 4 RTTVAR + feedback_ms,
 *	    ack delay + 4 ack delay variation)
 *
 * (a few lost reports, a pause's round trip, a slow peer's pace: a busy
 * healthy link stays up; after half of it a probe asks for an ack that
 * does not wait for the next report). The SRTT term only counts for data
 * sent after a pause (nothing sent for feedback_ms): while data flows,
 * reports of the data in flight keep coming every feedback_ms whatever
 * the RTT, queueing included (a busy link's SRTT may be mostly its own
 * queue). The timeout must have expired at two ticks in a row: a late
 * tick may run before the acks that came meanwhile were received. Before
 * the first ack delay sample the timeout is
 * data_down_misses probe intervals (a peer that reports at another pace
 * is learnt first). Detection then takes about 100 ms on a LAN instead of
 * two or three probe intervals, so that TCP's first retransmission
 * timeout (200 ms and more) already finds the traffic on another link.
 *
 * Losses while a link is down are not its quality: when it leaves DOWN,
 * the receive loss window starts afresh at the highest number received,
 * the send direction's loss from the peer's reports is forgotten, and a
 * receiver whose link is DOWN reports no loss window (0 of 0): the peer,
 * down too (a black hole in either direction stops the round trips both
 * sides measure), starts from a clean window as well.
 * An up link is DEGRADED while its QoE for the transactional class, the
 * most tolerant one, is critical (RTT / 2 > 80 ms, loss > 3 % in either
 * direction or jitter > 300 ms): it is then poor for every class. It is
 * up again after up_probes consecutive good slots without that.
 * Probes: every probe interval, or the idle interval once no data was
 * sent for idle_after_ms (counted from vcmp_linkmon_init()); none in a
 * slot after one with data that was acked (the feedback the data brings
 * back measures the link).
 */
#include "pure.h"
#include "linkmon.h"

#define NSEC_MS		1000000ULL
#define MASK		(VCMP_LINKMON_LOSS_BITS - 1)
#define JITTER_MAX_US	10000000U	/* larger |D| are clamped */
#define RATE_BYTES_MAX	BIT_ULL(40)	/* bytes per period, saturating */
#define OLD_RUN_RESYNC	64

static_assert((VCMP_LINKMON_LOSS_BITS & MASK) == 0,
	      "loss bitmap is a power of 2");
static_assert(VCMP_LINKMON_LOSS_BITS % 64 == 0, "loss bitmap is words");
static_assert(VCMP_LINKMON_LOSS_BITS <= 65535, "win_pkts fits 16 bits");
static_assert(VCMP_LINKMON_PROBES <= 8, "probe_used is 8 bits");
static_assert(VCMP_LINKMON_REPORT_LEN ==
	      2 * sizeof(u8) + 3 * sizeof(u16) + 4 * sizeof(u32),
	      "feedback report layout");

/**
 * vcmp_linkmon_cfg_default() - default tunables
 * @cfg: filled in
 */
void vcmp_linkmon_cfg_default(struct vcmp_linkmon_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->probe_ms = 100;
	cfg->idle_probe_ms = 1000;
	cfg->idle_after_ms = 5000;
	cfg->loss_window_ms = 2000;
	cfg->loss_min_pkts = 1000;
	cfg->reorder_ms = 200;
	cfg->reorder_pkts = 512;
	cfg->down_misses = 3;
	cfg->data_down_misses = 2;
	cfg->up_probes = 5;
	cfg->feedback_ms = 20;
}

static u32 clamp_u32(u32 v, u32 lo, u32 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/**
 * vcmp_linkmon_init() - start measuring a link
 * @lm: the link
 * @cfg: tunables, NULL for the defaults; out of range values are clamped
 * @now_ns: current time
 *
 * The link starts in VCMP_LINK_INIT; the first vcmp_linkmon_tick() asks
 * for a probe.
 */
void vcmp_linkmon_init(struct vcmp_linkmon *lm,
		       const struct vcmp_linkmon_cfg *cfg, u64 now_ns)
{
	struct vcmp_linkmon_cfg *c = &lm->cfg;

	memset(lm, 0, sizeof(*lm));
	if (cfg)
		*c = *cfg;
	else
		vcmp_linkmon_cfg_default(c);
	c->probe_ms = clamp_u32(c->probe_ms, 10, 10000);
	c->idle_probe_ms = clamp_u32(c->idle_probe_ms, c->probe_ms, 60000);
	c->idle_after_ms = clamp_u32(c->idle_after_ms, 0, 3600000);
	c->loss_window_ms = clamp_u32(c->loss_window_ms, VCMP_LINKMON_CKPT_MS,
				      (VCMP_LINKMON_CKPTS - 2) *
				      VCMP_LINKMON_CKPT_MS);
	c->reorder_ms = clamp_u32(c->reorder_ms, 0, 1000);
	c->reorder_pkts = (u16)clamp_u32(c->reorder_pkts, 1,
					 VCMP_LINKMON_LOSS_BITS / 4);
	c->loss_min_pkts = (u16)clamp_u32(c->loss_min_pkts, 1,
					  VCMP_LINKMON_LOSS_BITS -
					  c->reorder_pkts);
	c->down_misses = (u8)clamp_u32(c->down_misses, 1, 100);
	c->data_down_misses = (u8)clamp_u32(c->data_down_misses, 1,
					    c->down_misses);
	c->up_probes = (u8)clamp_u32(c->up_probes, 1, 100);
	c->feedback_ms = clamp_u32(c->feedback_ms, 5, c->probe_ms);

	lm->state = VCMP_LINK_INIT;
	lm->rx.rate_start_ns = now_ns;
	lm->rx.report_ns = now_ns;
	lm->tx.slot_end_ns = now_ns;
	lm->tx.last_data_ns = now_ns;
}

/* ---- receive direction ---- */

static bool rx_bit(const struct vcmp_linkmon_rx *rx, u64 seq)
{
	return rx->bitmap[(seq & MASK) / 64] & BIT_ULL(seq % 64);
}

static void rx_set(struct vcmp_linkmon_rx *rx, u64 seq)
{
	rx->bitmap[(seq & MASK) / 64] |= BIT_ULL(seq % 64);
}

/* Mask of @n bits from bit @off of a word, @off + @n <= 64, @n > 0. */
static u64 word_mask(unsigned int off, unsigned int n)
{
	return (n == 64 ? ~0ULL : BIT_ULL(n) - 1) << off;
}

/* Count the set bits of seqs [@from, @from + @count), @count <= BITS. */
static u32 rx_count(const struct vcmp_linkmon_rx *rx, u64 from, u64 count)
{
	u32 set = 0;

	while (count) {
		unsigned int off = (unsigned int)(from % 64);
		unsigned int n = 64 - off;

		if (n > count)
			n = (unsigned int)count;
		set += vcmp_linkmon_popcount(rx->bitmap[(from & MASK) / 64] &
					     word_mask(off, n));
		from += n;
		count -= n;
	}
	return set;
}

/* Clear the bits of seqs [@from, @from + @count), @count <= BITS. */
static void rx_clear(struct vcmp_linkmon_rx *rx, u64 from, u64 count)
{
	while (count) {
		unsigned int off = (unsigned int)(from % 64);
		unsigned int n = 64 - off;

		if (n > count)
			n = (unsigned int)count;
		rx->bitmap[(from & MASK) / 64] &= ~word_mask(off, n);
		from += n;
		count -= n;
	}
}

static u64 ckpt_period(u64 now_ns)
{
	return vcmp_linkmon_div(now_ns, VCMP_LINKMON_CKPT_MS * NSEC_MS);
}

/* Record where the seqs of a new 100 ms period start. */
static void rx_ckpt(struct vcmp_linkmon_rx *rx, u64 now_ns)
{
	u64 period = ckpt_period(now_ns);
	struct vcmp_linkmon_ckpt *last = &rx->ckpt[rx->ckpt_last];

	if (rx->ckpt_count && period <= last->period)
		return;		/* same period, or time went backwards */
	if (rx->ckpt_count)
		rx->ckpt_last = (rx->ckpt_last + 1) % VCMP_LINKMON_CKPTS;
	if (rx->ckpt_count < VCMP_LINKMON_CKPTS)
		rx->ckpt_count++;
	rx->ckpt[rx->ckpt_last].period = period;
	rx->ckpt[rx->ckpt_last].seq = rx->highest + 1;
}

/* (Re)start the loss state at @seq; counters and jitter are kept. */
static void rx_restart(struct vcmp_linkmon_rx *rx, u32 seq, u64 now_ns)
{
	memset(rx->bitmap, 0, sizeof(rx->bitmap));
	rx->ckpt_last = 0;
	rx->old_run = 0;
	/* An epoch above 0, so that seqs just below never underflow. */
	rx->highest = (u64)seq + BIT_ULL(32);
	rx->first = rx->highest;
	rx->started = true;
	rx->have_transit = false;
	rx->ckpt_count = 1;
	rx->ckpt[0].period = ckpt_period(now_ns);
	rx->ckpt[0].seq = rx->first;
	rx_set(rx, rx->highest);
}

/*
 * Start the loss window afresh at the highest seq received: what was
 * lost before is forgotten (a link back from DOWN).
 */
static void rx_forget(struct vcmp_linkmon_rx *rx)
{
	if (!rx->started)
		return;
	rx->first = rx->highest;
	rx->old_run = 0;
}

/* Move the highest seq up to @seq, clearing the bits it passes. */
static void rx_advance(struct vcmp_linkmon_rx *rx, u64 seq)
{
	if (seq - rx->highest >= VCMP_LINKMON_LOSS_BITS)
		memset(rx->bitmap, 0, sizeof(rx->bitmap));
	else
		rx_clear(rx, rx->highest + 1, seq - rx->highest);
	rx->highest = seq;
	rx_set(rx, seq);
}

static void rx_jitter(struct vcmp_linkmon_rx *rx, u32 sender_ts_us,
		      u64 now_ns)
{
	u32 transit = vcmp_linkmon_ts(now_ns) - sender_ts_us;
	s64 d = (s32)(transit - rx->transit);
	u32 ad = (u32)(d < 0 ? -d : d);

	rx->transit = transit;
	if (!rx->have_transit) {
		rx->have_transit = true;
		return;
	}
	if (ad > JITTER_MAX_US)
		ad = JITTER_MAX_US;
	rx->jitter16 = rx->jitter16 + ad - ((rx->jitter16 + 8) >> 4);
}

/* Close the delivery rate period when it lasted long enough. */
static void rx_rate_close(struct vcmp_linkmon_rx *rx, u64 now_ns)
{
	u64 elapsed_us, decayed;

	if (now_ns < rx->rate_start_ns) {
		rx->rate_start_ns = now_ns;	/* time went backwards */
		return;
	}
	if (now_ns - rx->rate_start_ns < VCMP_LINKMON_RATE_NS)
		return;
	elapsed_us = vcmp_linkmon_div(now_ns - rx->rate_start_ns, 1000);
	rx->rate_bps = vcmp_linkmon_div(rx->rate_bytes * 8 * 1000000,
					elapsed_us);
	decayed = rx->capacity_bps - rx->capacity_bps / 64;
	rx->capacity_bps = rx->rate_bps > decayed ? rx->rate_bps : decayed;
	rx->rate_bytes = 0;
	rx->rate_start_ns = now_ns;
}

/**
 * vcmp_linkmon_rx_packet() - a packet arrived on the link
 * @lm: the link
 * @link_seq: its link sequence number
 * @sender_ts_us: its timestamp (sender's clock, microseconds)
 * @now_ns: arrival time
 * @bytes: its size, for the delivery rate
 *
 * Duplicates are ignored. A packet older than the loss bitmap or than the
 * first one counted is ignored too, but 64 of them in a row, or a jump
 * forward of VCMP_LINKMON_RESYNC or more, restart the loss state (the
 * peer restarted its numbering).
 */
void vcmp_linkmon_rx_packet(struct vcmp_linkmon *lm, u32 link_seq,
			    u32 sender_ts_us, u64 now_ns, u32 bytes)
{
	struct vcmp_linkmon_rx *rx = &lm->rx;
	s64 d;

	if (!rx->started) {
		rx_restart(rx, link_seq, now_ns);
		goto counted;
	}
	d = (s32)(link_seq - (u32)rx->highest);
	if (d > 0) {
		if (d >= VCMP_LINKMON_RESYNC) {
			rx_restart(rx, link_seq, now_ns);
			goto counted;
		}
		rx_ckpt(rx, now_ns);
		rx_advance(rx, rx->highest + (u64)d);
	} else {
		/* highest >= 2^32 and d >= -2^31: no underflow */
		u64 seq = rx->highest - (u64)-d;

		if (seq < rx->first ||
		    rx->highest - seq >= VCMP_LINKMON_LOSS_BITS) {
			if (++rx->old_run >= OLD_RUN_RESYNC) {
				rx_restart(rx, link_seq, now_ns);
				goto counted;
			}
			return;
		}
		if (rx_bit(rx, seq)) {
			rx->old_run = 0;
			rx->dups++;
			return;
		}
		rx_set(rx, seq);
		rx->reordered++;
	}
counted:
	rx->old_run = 0;
	rx->received++;
	rx->since_report++;
	rx_jitter(rx, sender_ts_us, now_ns);
	rx_rate_close(rx, now_ns);
	rx->rate_bytes += bytes;
	if (rx->rate_bytes > RATE_BYTES_MAX)
		rx->rate_bytes = RATE_BYTES_MAX;
}

/**
 * vcmp_linkmon_rx_data() - the packet just given to rx_packet() is DATA
 * @lm: the link
 *
 * DATA that arrives makes FEEDBACK due every feedback_ms: the sender's
 * acks (vcmp_linkmon_rx_feedback_due()).
 */
void vcmp_linkmon_rx_data(struct vcmp_linkmon *lm)
{
	if (lm->rx.data_since_report < U32_MAX)
		lm->rx.data_since_report++;
}

/* First seq of the loss window by time: the oldest checkpoint in it. */
static u64 rx_window_start(const struct vcmp_linkmon *lm, u64 now_ns)
{
	const struct vcmp_linkmon_rx *rx = &lm->rx;
	u64 period = ckpt_period(now_ns);
	u64 span = lm->cfg.loss_window_ms / VCMP_LINKMON_CKPT_MS;
	u64 cutoff = period > span ? period - span : 0;
	u64 seq = rx->highest + 1, best = U64_MAX;
	unsigned int i;

	for (i = 0; i < rx->ckpt_count; i++) {
		const struct vcmp_linkmon_ckpt *c = &rx->ckpt[i];

		if (c->period >= cutoff && c->period < best) {
			best = c->period;
			seq = c->seq;
		}
	}
	return seq;
}

/*
 * Highest seq judged by time: the highest seq at the end of the newest
 * 100 ms period that ended reorder_ms ago or earlier (every seq below it
 * was passed by then). 0 when there is none.
 */
static u64 rx_judged_by_time(const struct vcmp_linkmon *lm, u64 now_ns)
{
	const struct vcmp_linkmon_rx *rx = &lm->rx;
	u64 reorder_ns = (u64)lm->cfg.reorder_ms * NSEC_MS;
	u64 limit, best = 0, next = U64_MAX, top = rx->highest;
	bool found = false;
	unsigned int i;

	if (!lm->cfg.reorder_ms || now_ns < reorder_ns)
		return 0;
	limit = ckpt_period(now_ns - reorder_ns);
	for (i = 0; i < rx->ckpt_count; i++) {
		const struct vcmp_linkmon_ckpt *c = &rx->ckpt[i];

		if (c->period < limit && (!found || c->period > best)) {
			best = c->period;
			found = true;
		}
	}
	if (!found)
		return 0;
	/* the period after it, if any: its seq - 1 ended period best */
	for (i = 0; i < rx->ckpt_count; i++) {
		const struct vcmp_linkmon_ckpt *c = &rx->ckpt[i];

		if (c->period > best && c->period < next) {
			next = c->period;
			top = c->seq - 1;
		}
	}
	return top;
}

/**
 * vcmp_linkmon_rx_loss() - loss in the receive direction
 * @lm: the link
 * @now_ns: current time
 * @win_pkts: set to the number of seqs in the loss window
 * @win_lost: set to how many of them were not received
 *
 * The window ends at the highest seq judged (see the top of the file):
 * the numbers above may still arrive.
 */
void vcmp_linkmon_rx_loss(struct vcmp_linkmon *lm, u64 now_ns,
			  u32 *win_pkts, u32 *win_lost)
{
	const struct vcmp_linkmon_rx *rx = &lm->rx;
	u64 top, lo, s;

	*win_pkts = 0;
	*win_lost = 0;
	if (!rx->started)
		return;
	/* highest >= 2^32 > reorder_pkts: no underflow */
	top = rx->highest - lm->cfg.reorder_pkts;
	s = rx_judged_by_time(lm, now_ns);
	if (s > top)
		top = s;
	if (top < rx->first)
		return;
	lo = rx_window_start(lm, now_ns);
	if (lo > top + 1 - lm->cfg.loss_min_pkts)
		lo = top + 1 - lm->cfg.loss_min_pkts;
	if (lo < rx->first)
		lo = rx->first;
	if (lo < rx->highest - MASK)
		lo = rx->highest - MASK;
	if (lo > top)
		return;
	*win_pkts = (u32)(top + 1 - lo);
	*win_lost = *win_pkts - rx_count(rx, lo, top + 1 - lo);
}

static u32 loss_ppm(u32 pkts, u32 lost)
{
	return pkts ? (u32)vcmp_linkmon_div((u64)lost * VCMP_LINKMON_PPM,
					    pkts) : 0;
}

/**
 * vcmp_linkmon_rx_feedback_due() - should a FEEDBACK report go out now
 * @lm: the link
 * @now_ns: current time
 *
 * Return: true when DATA arrived since the last report and feedback_ms
 * passed since it, or other packets arrived and idle_probe_ms passed (so
 * that two idle sites do not keep each other busy with reports), or the
 * clock went backwards.
 */
bool vcmp_linkmon_rx_feedback_due(const struct vcmp_linkmon *lm, u64 now_ns)
{
	const struct vcmp_linkmon_rx *rx = &lm->rx;
	u64 every = rx->data_since_report ? lm->cfg.feedback_ms :
		    lm->cfg.idle_probe_ms;

	if (!rx->since_report)
		return false;
	return now_ns < rx->report_ns ||
	       now_ns - rx->report_ns >= every * NSEC_MS;
}

/**
 * vcmp_linkmon_rx_report() - the receiver's view, for a FEEDBACK packet
 * @lm: the link
 * @now_ns: current time
 * @rep: filled in; no loss window (0 of 0) while the link is DOWN: its
 *	losses then are not its quality
 */
void vcmp_linkmon_rx_report(struct vcmp_linkmon *lm, u64 now_ns,
			    struct vcmp_linkmon_report *rep)
{
	struct vcmp_linkmon_rx *rx = &lm->rx;
	u64 kbps;
	u32 pkts, lost;

	rx_rate_close(rx, now_ns);
	pkts = 0;
	lost = 0;
	if (lm->state != VCMP_LINK_DOWN)
		vcmp_linkmon_rx_loss(lm, now_ns, &pkts, &lost);
	kbps = vcmp_linkmon_div(rx->rate_bps, 1000);
	memset(rep, 0, sizeof(*rep));
	rep->win_pkts = (u16)pkts;
	rep->win_lost = (u16)lost;
	rep->reordered = (u16)rx->reordered;
	rep->highest_seq = (u32)rx->highest;
	rep->received = (u32)rx->received;
	rep->jitter_us = rx->jitter16 >> 4;
	rep->rate_kbps = kbps > U32_MAX ? U32_MAX : (u32)kbps;
	rx->report_ns = now_ns;
	rx->since_report = 0;
	rx->data_since_report = 0;
}

/**
 * vcmp_linkmon_report_pack() - encode a report for the wire
 * @rep: the report
 * @out: VCMP_LINKMON_REPORT_LEN bytes
 */
void vcmp_linkmon_report_pack(const struct vcmp_linkmon_report *rep, u8 *out)
{
	out[0] = VCMP_LINKMON_REPORT_VERSION;
	out[1] = 0;
	vcmp_put_be16(out + 2, rep->win_pkts);
	vcmp_put_be16(out + 4, rep->win_lost);
	vcmp_put_be16(out + 6, rep->reordered);
	vcmp_put_be32(out + 8, rep->highest_seq);
	vcmp_put_be32(out + 12, rep->received);
	vcmp_put_be32(out + 16, rep->jitter_us);
	vcmp_put_be32(out + 20, rep->rate_kbps);
}

static bool report_valid(const struct vcmp_linkmon_report *rep)
{
	return rep->win_lost <= rep->win_pkts &&
	       rep->win_pkts <= VCMP_LINKMON_LOSS_BITS;
}

/**
 * vcmp_linkmon_report_unpack() - decode a report from the wire
 * @rep: filled in on success
 * @in: the bytes
 * @len: how many; bytes after the report are ignored (later versions
 *	may append fields)
 *
 * Return: 0, or -EINVAL when too short, of another version, with flags
 * set, or inconsistent (more lost than in the window, window too large).
 */
int vcmp_linkmon_report_unpack(struct vcmp_linkmon_report *rep,
			       const u8 *in, size_t len)
{
	struct vcmp_linkmon_report r;

	if (len < VCMP_LINKMON_REPORT_LEN ||
	    in[0] != VCMP_LINKMON_REPORT_VERSION || in[1])
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.win_pkts = vcmp_get_be16(in + 2);
	r.win_lost = vcmp_get_be16(in + 4);
	r.reordered = vcmp_get_be16(in + 6);
	r.highest_seq = vcmp_get_be32(in + 8);
	r.received = vcmp_get_be32(in + 12);
	r.jitter_us = vcmp_get_be32(in + 16);
	r.rate_kbps = vcmp_get_be32(in + 20);
	if (!report_valid(&r))
		return -EINVAL;
	*rep = r;
	return 0;
}

/* ---- send direction ---- */

static void tx_rtt_sample(struct vcmp_linkmon_tx *tx, u32 rtt, u64 now_ns)
{
	if (!tx->have_rtt) {
		tx->srtt8 = (u64)rtt << 3;
		tx->rttvar4 = (u64)(rtt / 2) << 2;
	} else {
		u64 srtt = tx->srtt8 >> 3;
		u64 delta = srtt > rtt ? srtt - rtt : rtt - srtt;

		tx->rttvar4 = tx->rttvar4 - (tx->rttvar4 >> 2) + delta;
		tx->srtt8 = tx->srtt8 - (tx->srtt8 >> 3) + rtt;
	}
	if (!tx->have_rtt || rtt <= tx->min_rtt_us ||
	    now_ns < tx->min_rtt_ns ||
	    now_ns - tx->min_rtt_ns > VCMP_LINKMON_MINRTT_NS) {
		tx->min_rtt_us = rtt;
		tx->min_rtt_ns = now_ns;
	}
	tx->rtt_us = rtt;
	tx->have_rtt = true;
}

/*
 * An ack came at @now_ns: a probe ack, or a report showing progress. The
 * data pending since pend_ns is acknowledged: an ack delay sample, unless
 * that data followed a pause (its ack waited for a round trip, which the
 * SRTT term of the timeout covers).
 */
static void tx_acked(struct vcmp_linkmon_tx *tx, u64 now_ns)
{
	tx->slot_acked = true;
	if (tx->pend && !tx->pend_pause && now_ns >= tx->pend_ns) {
		u64 d = vcmp_linkmon_div(now_ns - tx->pend_ns, 1000);

		if (d > VCMP_LINKMON_RTT_MAX_US)
			d = VCMP_LINKMON_RTT_MAX_US;
		if (!tx->have_ad) {
			tx->ad8 = d << 3;
			tx->advar4 = (d / 2) << 2;
			tx->have_ad = true;
		} else {
			u64 ad = tx->ad8 >> 3;
			u64 delta = ad > d ? ad - d : d - ad;

			tx->advar4 = tx->advar4 - (tx->advar4 >> 2) + delta;
			tx->ad8 = tx->ad8 - (tx->ad8 >> 3) + d;
		}
	}
	tx->pend = false;
	tx->pend_probed = false;
	tx->pend_expired = false;
	tx->ack_ns = now_ns;
}

/**
 * vcmp_linkmon_tx_data_sent() - a DATA packet was sent on the link
 * @lm: the link
 * @bytes: its size
 * @now_ns: when it was sent (not after the next call's @now_ns of
 *	vcmp_linkmon_tick())
 *
 * Data sent after the last ack is pending: it starts the ack timeout.
 */
void vcmp_linkmon_tx_data_sent(struct vcmp_linkmon *lm, u32 bytes,
			       u64 now_ns)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	u64 fb_ns = (u64)lm->cfg.feedback_ms * NSEC_MS;

	(void)bytes;
	tx->slot_data = true;
	tx->last_data_ns = now_ns;
	if (!tx->pend && now_ns > tx->ack_ns) {
		tx->pend = true;
		tx->pend_probed = false;
		tx->pend_expired = false;
		tx->pend_ns = now_ns;
		/* nothing sent for a while: no report is on its way */
		tx->pend_pause = !tx->sent_data || now_ns < tx->data_ns ||
				 now_ns - tx->data_ns > fb_ns;
	}
	if (!tx->sent_data || now_ns > tx->data_ns)
		tx->data_ns = now_ns;
	tx->sent_data = true;
}

/**
 * vcmp_linkmon_tx_probe_sent() - a PROBE was sent on the link
 * @lm: the link
 * @probe_id: what identifies its ack (the caller's choice, e.g. its
 *	link_seq); the last VCMP_LINKMON_PROBES are remembered
 * @now_ns: current time
 */
void vcmp_linkmon_tx_probe_sent(struct vcmp_linkmon *lm, u32 probe_id,
				u64 now_ns)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	unsigned int i = tx->probe_next;

	tx->probe_id[i] = probe_id;
	tx->probe_ns[i] = now_ns;
	tx->probe_used |= BIT(i);
	tx->probe_next = (i + 1) % VCMP_LINKMON_PROBES;
	tx->slot_probe = true;
	tx->probes_sent++;
}

/**
 * vcmp_linkmon_tx_probe_ack() - a PROBE_ACK arrived
 * @lm: the link
 * @probe_id: the id of the probe it answers
 * @echo_us: its echo field: the probe's timestamp plus the peer's hold
 * @now_ns: arrival time
 *
 * Return: 0 when the ack matched a probe and gave an RTT sample;
 * -ERANGE when it matched but the echo is inconsistent with the probe's
 * send time (the ack still counts, there is no sample); -ENOENT when no
 * outstanding probe has this id (unknown, too old or acked already).
 */
int vcmp_linkmon_tx_probe_ack(struct vcmp_linkmon *lm, u32 probe_id,
			      u32 echo_us, u64 now_ns)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	unsigned int n, i;
	s32 rtt;
	u64 bound;

	for (n = 0; n < VCMP_LINKMON_PROBES; n++) {
		/* newest first */
		i = (tx->probe_next + VCMP_LINKMON_PROBES - 1 - n) %
		    VCMP_LINKMON_PROBES;
		if ((tx->probe_used & BIT(i)) && tx->probe_id[i] == probe_id)
			break;
	}
	if (n == VCMP_LINKMON_PROBES)
		return -ENOENT;
	tx->probe_used &= ~BIT(i);
	tx->probes_acked++;
	tx_acked(tx, now_ns);

	if (now_ns < tx->probe_ns[i])
		return -ERANGE;
	bound = vcmp_linkmon_div(now_ns - tx->probe_ns[i], 1000) + 1;
	rtt = (s32)(vcmp_linkmon_ts(now_ns) - echo_us);
	if (rtt < 0 || (u32)rtt > VCMP_LINKMON_RTT_MAX_US || (u64)rtt > bound)
		return -ERANGE;
	tx_rtt_sample(tx, (u32)rtt, now_ns);
	return 0;
}

/**
 * vcmp_linkmon_tx_echo() - a packet with an echo (flag ECHO) arrived
 * @lm: the link
 * @echo_us: the echo: one of our timestamps plus the peer's hold time
 * @now_ns: arrival time
 *
 * Return: 0 with an RTT sample taken, -ERANGE when the echo lies in the
 * future or more than VCMP_LINKMON_RTT_MAX_US in the past.
 */
int vcmp_linkmon_tx_echo(struct vcmp_linkmon *lm, u32 echo_us, u64 now_ns)
{
	s32 rtt = (s32)(vcmp_linkmon_ts(now_ns) - echo_us);

	if (rtt < 0 || (u32)rtt > VCMP_LINKMON_RTT_MAX_US)
		return -ERANGE;
	tx_rtt_sample(&lm->tx, (u32)rtt, now_ns);
	return 0;
}

/**
 * vcmp_linkmon_tx_feedback() - a FEEDBACK report arrived
 * @lm: the link
 * @rep: the report, as vcmp_linkmon_report_unpack() gave it
 * @now_ns: arrival time
 *
 * A report whose received count moved shows the peer hears us: it counts
 * as an ack (of the slot, and of the data sent).
 *
 * Return: 0, or -EINVAL for an inconsistent report (ignored).
 */
int vcmp_linkmon_tx_feedback(struct vcmp_linkmon *lm,
			     const struct vcmp_linkmon_report *rep,
			     u64 now_ns)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	u64 rate = (u64)rep->rate_kbps * 1000, decayed;

	if (!report_valid(rep))
		return -EINVAL;
	if (tx->fb_valid ? rep->received != tx->fb.received : rep->received)
		tx_acked(tx, now_ns);
	tx->fb = *rep;
	tx->fb_valid = true;
	tx->loss_ppm = loss_ppm(rep->win_pkts, rep->win_lost);
	decayed = tx->capacity_bps - tx->capacity_bps / 64;
	tx->capacity_bps = rate > decayed ? rate : decayed;
	return 0;
}

/* ---- QoE ---- */

/*
 * VQS thresholds per class: good at or below, critical above. Latency is
 * one-way. Transactional jitter has no VQS critical value; 300 ms is ours
 * (1.5 times its good value, as its latency thresholds are).
 */
static const struct {
	u32 lat_good, lat_crit;		/* microseconds */
	u32 loss_good, loss_crit;	/* ppm */
	u32 jit_good, jit_crit;		/* microseconds */
} qoe_thresholds[VCMP_QOE_CLASSES] = {
	[VCMP_QOE_VOICE] = { 25000, 65000, 3000, 10000, 7000, 30000 },
	[VCMP_QOE_VIDEO] = { 25000, 65000, 500, 1000, 5000, 10000 },
	[VCMP_QOE_TRANSACTIONAL] = { 50000, 80000, 10000, 30000,
				     200000, 300000 },
};

/* 10 at or below @good, 0 above @crit, 9 down to 4 in between. */
static u8 qoe_metric(u32 v, u32 good, u32 crit)
{
	if (v <= good)
		return 10;
	if (v > crit)
		return 0;
	return (u8)(4 + vcmp_linkmon_div(6ULL * (crit - v), crit - good));
}

/**
 * vcmp_linkmon_qoe() - QoE of a link for a traffic class
 * @m: the link's metrics
 * @class: enum vcmp_qoe_class
 *
 * Each metric scores 10 when at or below its good threshold, 0 when
 * above its critical one, and from 9 down to 4 (linearly, rounded down)
 * in between. The score is the lowest of the three: 10 is
 * VCMP_QOE_GOOD, 0 is VCMP_QOE_CRITICAL, 4-9 is VCMP_QOE_FAIR.
 *
 * Return: the verdict; critical for an unknown class.
 */
struct vcmp_qoe vcmp_linkmon_qoe(const struct vcmp_qoe_metrics *m,
				 enum vcmp_qoe_class class)
{
	struct vcmp_qoe q = { .level = VCMP_QOE_CRITICAL, .score = 0 };
	u8 s;

	if ((unsigned int)class >= VCMP_QOE_CLASSES)
		return q;
	q.score = qoe_metric(m->latency_us, qoe_thresholds[class].lat_good,
			     qoe_thresholds[class].lat_crit);
	s = qoe_metric(m->loss_ppm, qoe_thresholds[class].loss_good,
		       qoe_thresholds[class].loss_crit);
	if (s < q.score)
		q.score = s;
	s = qoe_metric(m->jitter_us, qoe_thresholds[class].jit_good,
		       qoe_thresholds[class].jit_crit);
	if (s < q.score)
		q.score = s;
	q.level = q.score == 10 ? VCMP_QOE_GOOD :
		  q.score ? VCMP_QOE_FAIR : VCMP_QOE_CRITICAL;
	return q;
}

/**
 * vcmp_linkmon_metrics() - the link's QoE metrics
 * @lm: the link
 * @now_ns: current time
 * @m: filled in: SRTT / 2, and the worse direction's loss and jitter
 *	(the send direction's as last reported by the peer)
 */
void vcmp_linkmon_metrics(struct vcmp_linkmon *lm, u64 now_ns,
			  struct vcmp_qoe_metrics *m)
{
	u32 pkts, lost, loss, jit = lm->rx.jitter16 >> 4;
	u64 lat = lm->tx.srtt8 >> 4;

	vcmp_linkmon_rx_loss(lm, now_ns, &pkts, &lost);
	loss = loss_ppm(pkts, lost);
	if (lm->tx.fb_valid) {
		if (lm->tx.loss_ppm > loss)
			loss = lm->tx.loss_ppm;
		if (lm->tx.fb.jitter_us > jit)
			jit = lm->tx.fb.jitter_us;
	}
	m->latency_us = lat > U32_MAX ? U32_MAX : (u32)lat;
	m->loss_ppm = loss;
	m->jitter_us = jit;
}

/* ---- state machine ---- */

static bool tx_degraded(struct vcmp_linkmon *lm, u64 now_ns)
{
	struct vcmp_qoe_metrics m;

	vcmp_linkmon_metrics(lm, now_ns, &m);
	return vcmp_linkmon_qoe(&m, VCMP_QOE_TRANSACTIONAL).level ==
	       VCMP_QOE_CRITICAL;
}

static u8 inc_sat(u8 v)
{
	return v == 255 ? v : v + 1;
}

/* The slot that ended was good (@good) or missed: the state follows. */
static void tx_slot_done(struct vcmp_linkmon *lm, bool good, u64 now_ns)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	const struct vcmp_linkmon_cfg *c = &lm->cfg;
	bool bad_qoe;

	if (!good) {
		tx->misses = inc_sat(tx->misses);
		tx->data_misses = tx->slot_data ? inc_sat(tx->data_misses) : 0;
		tx->goods = 0;
		tx->fine = 0;
		tx->slots_missed++;
		if (lm->state != VCMP_LINK_DOWN &&
		    (tx->misses >= c->down_misses ||
		     tx->data_misses >= c->data_down_misses)) {
			lm->state = VCMP_LINK_DOWN;
			tx->pend = false;
		}
		return;
	}
	tx->misses = 0;
	tx->data_misses = 0;
	tx->goods = inc_sat(tx->goods);
	if (lm->state == VCMP_LINK_DOWN && tx->goods >= c->up_probes) {
		/* What was lost while down is not the link's quality. */
		rx_forget(&lm->rx);
		tx->loss_ppm = 0;
		lm->state = VCMP_LINK_UP;
	}
	if (lm->state == VCMP_LINK_INIT)
		lm->state = VCMP_LINK_UP;
	if (lm->state == VCMP_LINK_DOWN)
		return;
	bad_qoe = tx_degraded(lm, now_ns);
	tx->fine = bad_qoe ? 0 : inc_sat(tx->fine);
	if (lm->state == VCMP_LINK_UP && bad_qoe)
		lm->state = VCMP_LINK_DEGRADED;
	else if (lm->state == VCMP_LINK_DEGRADED && tx->fine >= c->up_probes)
		lm->state = VCMP_LINK_UP;
}

/**
 * vcmp_linkmon_ack_timeout_ns() - how long sent data may go unacknowledged
 * @lm: the link
 *
 * Return: the ack timeout (see the top of the file) of the data pending,
 * nanoseconds; the SRTT term only counts when that data followed a pause
 * in sending (more than feedback_ms): while data flows, the reports of
 * the data in flight keep coming whatever the RTT (queueing included).
 */
u64 vcmp_linkmon_ack_timeout_ns(const struct vcmp_linkmon *lm)
{
	const struct vcmp_linkmon_tx *tx = &lm->tx;
	const struct vcmp_linkmon_cfg *c = &lm->cfg;
	u64 fb_us = (u64)c->feedback_ms * 1000, t, v;

	if (!tx->have_ad)
		return (u64)c->data_down_misses * c->probe_ms * NSEC_MS;
	t = VCMP_LINKMON_ACK_FEEDBACKS * fb_us;
	if (tx->have_rtt && (!tx->pend || tx->pend_pause)) {
		v = (tx->srtt8 >> 3) + tx->rttvar4 + fb_us;
		if (v > t)
			t = v;
	}
	v = (tx->ad8 >> 3) + tx->advar4;
	if (v > t)
		t = v;
	return t * 1000;
}

/*
 * Data pending for half the ack timeout asks for a probe (an ack that
 * does not wait for the next report: a few lost reports are no down);
 * pending for the ack timeout at two calls in a row, it takes an up link
 * down. Two: a tick that comes late (the CPU was busy elsewhere) may run
 * before the receive path got to the acks that arrived meanwhile.
 */
static unsigned int tx_ack_timeout(struct vcmp_linkmon *lm, u64 now_ns)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	u64 timeout;

	if (!tx->pend || now_ns < tx->pend_ns ||
	    (lm->state != VCMP_LINK_UP && lm->state != VCMP_LINK_DEGRADED))
		return 0;
	timeout = vcmp_linkmon_ack_timeout_ns(lm);
	if (now_ns - tx->pend_ns < timeout) {
		if (tx->pend_probed || now_ns - tx->pend_ns < timeout / 2)
			return 0;
		tx->pend_probed = true;
		return VCMP_LINKMON_SEND_PROBE;
	}
	if (!tx->pend_expired) {
		tx->pend_expired = true;
		return 0;
	}
	lm->state = VCMP_LINK_DOWN;
	tx->pend = false;
	tx->goods = 0;
	tx->fine = 0;
	tx->ack_timeouts++;
	return VCMP_LINKMON_ACK_TIMEOUT | VCMP_LINKMON_CHANGED;
}

/**
 * vcmp_linkmon_tick() - timer: judge the slot, decide about probing
 * @lm: the link
 * @now_ns: current time
 * @prev: set to the state before the call
 *
 * Call at least once per probe interval; more often costs nothing. When
 * the current slot has ended it is judged (one slot per call, however
 * late the call: slots nobody ticked through are not misses) and a new
 * one starts. Time going backwards by less than a slot only delays the
 * slot; by more, it restarts it.
 *
 * The ack timeout is checked at every call: call it often (every 10 or
 * 20 ms) for a fast failover. Data unacknowledged for half of it asks for
 * a probe (once), which may come mid-slot.
 *
 * Return: VCMP_LINKMON_SEND_PROBE when a probe should be sent now (then
 * call vcmp_linkmon_tx_probe_sent()), VCMP_LINKMON_CHANGED when
 * lm->state changed from *@prev, with VCMP_LINKMON_ACK_TIMEOUT when it
 * went down for unacknowledged data.
 */
unsigned int vcmp_linkmon_tick(struct vcmp_linkmon *lm, u64 now_ns,
			       enum vcmp_link_state *prev)
{
	struct vcmp_linkmon_tx *tx = &lm->tx;
	const struct vcmp_linkmon_cfg *c = &lm->cfg;
	u64 probe_ns = c->probe_ms * NSEC_MS;
	u64 idle_ns = c->idle_probe_ms * NSEC_MS;
	unsigned int act = 0;
	bool idle, skip;

	*prev = lm->state;
	act = tx_ack_timeout(lm, now_ns);
	if (now_ns < tx->slot_end_ns) {
		u64 left = tx->slot_end_ns - now_ns;

		if (left > idle_ns) {
			tx->slot_end_ns = now_ns;	/* clock went back */
		} else {
			/* Data on an idle-rate slot: judge it sooner. */
			if (tx->slot_data && left > probe_ns)
				tx->slot_end_ns = now_ns + probe_ns;
			return act;
		}
	}

	if (tx->slot_acked)
		tx_slot_done(lm, true, now_ns);
	else if (tx->slot_probe || tx->slot_data)
		tx_slot_done(lm, false, now_ns);

	idle = now_ns < tx->last_data_ns ||
	       now_ns - tx->last_data_ns >= c->idle_after_ms * NSEC_MS;
	skip = tx->slot_data && tx->slot_acked;
	tx->slot_end_ns = now_ns + (idle && (lm->state == VCMP_LINK_UP ||
					     lm->state == VCMP_LINK_DEGRADED) ?
				    idle_ns : probe_ns);
	tx->slot_probe = false;
	tx->slot_data = false;
	tx->slot_acked = false;
	if (!skip)
		act |= VCMP_LINKMON_SEND_PROBE;
	if (lm->state != *prev)
		act |= VCMP_LINKMON_CHANGED;
	return act;
}

/**
 * vcmp_linkmon_stats() - snapshot for export
 * @lm: the link
 * @now_ns: current time
 * @st: filled in
 */
void vcmp_linkmon_stats(struct vcmp_linkmon *lm, u64 now_ns,
			struct vcmp_linkmon_stats *st)
{
	const struct vcmp_linkmon_tx *tx = &lm->tx;
	const struct vcmp_linkmon_rx *rx = &lm->rx;
	struct vcmp_qoe_metrics m;
	u32 pkts, lost;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->state = lm->state;
	st->rtt_us = tx->rtt_us;
	st->srtt_us = (u32)(tx->srtt8 >> 3);
	st->rttvar_us = (u32)(tx->rttvar4 >> 2);
	st->min_rtt_us = tx->min_rtt_us;
	st->jitter_rx_us = rx->jitter16 >> 4;
	st->jitter_tx_us = tx->fb_valid ? tx->fb.jitter_us : 0;
	vcmp_linkmon_rx_loss(lm, now_ns, &pkts, &lost);
	st->loss_rx_ppm = loss_ppm(pkts, lost);
	st->loss_tx_ppm = tx->loss_ppm;
	st->rate_rx_bps = rx->rate_bps;
	st->rate_tx_bps = tx->fb_valid ? (u64)tx->fb.rate_kbps * 1000 : 0;
	st->capacity_rx_bps = rx->capacity_bps;
	st->capacity_tx_bps = tx->capacity_bps;
	vcmp_linkmon_metrics(lm, now_ns, &m);
	for (i = 0; i < VCMP_QOE_CLASSES; i++)
		st->qoe[i] = vcmp_linkmon_qoe(&m, i);
	st->rx_packets = rx->received;
	st->rx_dups = rx->dups;
	st->rx_reordered = rx->reordered;
	st->probes_sent = tx->probes_sent;
	st->probes_acked = tx->probes_acked;
	st->slots_missed = tx->slots_missed;
}
