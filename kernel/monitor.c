// SPDX-License-Identifier: GPL-2.0
/*
 * Link monitoring: the kernel side of linkmon.c. Every packet vcmp sends
 * on a link (but PMTU probes) carries the link's sequence number, the
 * send time and an echo of the peer's last timestamp on that link plus
 * the time it was held (vcmp_monitor_stamp()); every packet received on a
 * link feeds its loss, jitter and rate estimates, every echo gives an RTT
 * sample (vcmp_monitor_rx()). A per-link timer ticks every
 * VCMP_MONITOR_TICK_MS while the device is up: it judges probe slots
 * (link state), sends PROBEs and FEEDBACK reports and refreshes the
 * lock-free link->view that steering reads.
 *
 * Probing (Documentation/vcmp.rst, "Link monitoring"):
 * - a link that carries acknowledged data sends no probe;
 * - any other link probes every probe_ms while its peer is busy (DATA
 *   went out on any of the peer's links in the last idle_after_ms), so
 *   that a standby link's state is known when the active one fails;
 * - once the whole peer is idle, an up link probes every idle_probe_ms.
 * A receiver sends FEEDBACK on a link every feedback_ms while DATA
 * arrives on it (that is what acknowledges the peer's data; sent from the
 * receive path when the arrival makes it due, from the timer for the
 * rest), and at most once per idle_probe_ms otherwise (loss and jitter of
 * the probes), so that two idle sites do not keep each other busy with
 * reports. A link whose data goes unacknowledged for the ack timeout
 * (about 4 feedback intervals on a LAN, linkmon.c) is down at the next
 * tick.
 *
 * Packets: PROBE and PROBE_ACK carry an 8-byte payload, the probe id and
 * 32 reserved bits (0); the ack has the size of the probe, the probe's
 * id, and ECHO set. FEEDBACK carries the receiver's report
 * (VCMP_LINKMON_REPORT_LEN bytes, linkmon.h). All are sent with the
 * peer's encapsulation, like DATA; malformed ones are counted and
 * dropped.
 *
 * Locking: struct vcmp_monitor. State changes reach userspace through the
 * device's mtu_work (VCMP_LINK_EV_STATE), which may take vdev->lock.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "device.h"
#include "monitor.h"
#include "peer.h"
#include "resend.h"
#include "send.h"
#include "skb_cb.h"
#include "stats.h"
#include "wire.h"

static unsigned int probe_ms = 100;
module_param(probe_ms, uint, 0644);
MODULE_PARM_DESC(probe_ms,
		 "Probe interval of a link without data, ms (default 100, 10-10000; new links)");

static unsigned int idle_probe_ms = 1000;
module_param(idle_probe_ms, uint, 0644);
MODULE_PARM_DESC(idle_probe_ms,
		 "Probe interval once the peer is idle, ms (default 1000, >= probe_ms; new links)");

static unsigned int idle_after_ms = 5000;
module_param(idle_after_ms, uint, 0644);
MODULE_PARM_DESC(idle_after_ms,
		 "A peer is idle after this long without data, ms (default 5000; new links)");

static unsigned int down_misses = 3;
module_param(down_misses, uint, 0644);
MODULE_PARM_DESC(down_misses,
		 "Consecutive missed probes that take a link down (default 3; new links)");

static unsigned int data_down_misses = 2;
module_param(data_down_misses, uint, 0644);
MODULE_PARM_DESC(data_down_misses,
		 "Consecutive probe intervals with unacknowledged data that take a link down (default 2; new links)");

static unsigned int feedback_ms = 20;
module_param(feedback_ms, uint, 0644);
MODULE_PARM_DESC(feedback_ms,
		 "FEEDBACK interval while data arrives, ms; unit of the ack timeout (default 20, 5-probe_ms; new links)");

static unsigned int up_probes = 5;
module_param(up_probes, uint, 0644);
MODULE_PARM_DESC(up_probes,
		 "Consecutive good probe intervals before a down or degraded link is up again (default 5; new links)");

/* Offsets of the VCMP header fields the sender stamps (wire-format.rst). */
#define VCMP_HDR_OFF_TYPE	1
#define VCMP_HDR_OFF_FLAGS	2
#define VCMP_HDR_OFF_LINK_SEQ	10
#define VCMP_HDR_OFF_TSTAMP	14
#define VCMP_HDR_OFF_ECHO	18

static const char *const vcmp_link_state_names[] = {
	[VCMP_LINK_INIT] = "init",
	[VCMP_LINK_UP] = "up",
	[VCMP_LINK_DEGRADED] = "degraded",
	[VCMP_LINK_DOWN] = "down",
};

/* Refresh link->view every this many ticks (and on state changes). */
#define VCMP_MONITOR_VIEW_TICKS	5

static unsigned long vcmp_monitor_tick_jiffies(void)
{
	return max(1UL, msecs_to_jiffies(VCMP_MONITOR_TICK_MS));
}

static void vcmp_monitor_timer(struct timer_list *t);

static u8 vcmp_clamp_u8(unsigned int v)
{
	return min(v, 255U) ?: 1;
}

/**
 * vcmp_monitor_init - set up the monitor of a new link, not yet running
 * @link: the link, before it is published
 */
void vcmp_monitor_init(struct vcmp_link *link)
{
	struct vcmp_monitor *mon = &link->mon;
	struct vcmp_linkmon_cfg cfg;

	vcmp_linkmon_cfg_default(&cfg);
	cfg.probe_ms = READ_ONCE(probe_ms);
	cfg.idle_probe_ms = READ_ONCE(idle_probe_ms);
	cfg.idle_after_ms = READ_ONCE(idle_after_ms);
	cfg.down_misses = vcmp_clamp_u8(READ_ONCE(down_misses));
	cfg.data_down_misses = vcmp_clamp_u8(READ_ONCE(data_down_misses));
	cfg.up_probes = vcmp_clamp_u8(READ_ONCE(up_probes));
	cfg.feedback_ms = READ_ONCE(feedback_ms);
	spin_lock_init(&mon->lock);
	vcmp_linkmon_init(&mon->lm, &cfg, ktime_get_ns());
	timer_setup(&mon->timer, vcmp_monitor_timer, 0);
	atomic64_set(&mon->echo, 0);
	atomic64_set(&mon->tx_first_ns, 0);
	link->view.state = VCMP_LINK_INIT;
}

/* Publish the summary steering reads. mon->lock held. */
static void vcmp_monitor_view(struct vcmp_link *link, u64 now)
{
	struct vcmp_monitor *mon = &link->mon;
	struct vcmp_link_view *v = &link->view;
	struct vcmp_linkmon_stats st;
	unsigned int i;

	vcmp_linkmon_stats(&mon->lm, now, &st);
	for (i = 0; i < VCMP_QOE_CLASSES; i++)
		WRITE_ONCE(v->qoe[i], st.qoe[i].score);
	WRITE_ONCE(v->srtt_us, st.srtt_us);
	WRITE_ONCE(v->min_rtt_us, st.min_rtt_us);
	WRITE_ONCE(v->jitter_us, max(st.jitter_rx_us, st.jitter_tx_us));
	WRITE_ONCE(v->loss_ppm, max(st.loss_rx_ppm, st.loss_tx_ppm));
	WRITE_ONCE(v->capacity_bps, st.capacity_tx_bps);
	WRITE_ONCE(v->state, st.state);
}

/*
 * Build and send a PROBE, PROBE_ACK or FEEDBACK on @link with @payload.
 * Softirq or bottom halves disabled; mon->lock not held. Counts what it
 * cannot send.
 */
static void vcmp_monitor_send(struct vcmp_link *link, u8 type,
			      const u8 *payload, unsigned int len)
{
	struct vcmp_peer *peer = link->peer;
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_hdr h = {
		.type		= type,
		.link_id	= link->id,
		.segment_id	= READ_ONCE(peer->segment),
	};
	struct sk_buff *skb;
	int why;

	skb = alloc_skb(LL_MAX_HEADER + VCMP_MAX_OVERHEAD + len +
			VCMP_MAX_TAILROOM, GFP_ATOMIC);
	if (!skb) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_NOMEM);
		return;
	}
	skb_reserve(skb, LL_MAX_HEADER + VCMP_MAX_OVERHEAD);
	skb_put_data(skb, payload, len);
	vcmp_hdr_encode(&h, skb_push(skb, VCMP_HDR_LEN));
	memset(VCMP_CB(skb), 0, sizeof(struct vcmp_skb_cb));

	rcu_read_lock_bh();
	why = -vcmp_send_prepare(peer, link, skb, NULL);
	rcu_read_unlock_bh();
	if (why) {
		vcmp_stats_inc(vdev->stats, why);
		kfree_skb(skb);
		return;
	}
	vcmp_stats_inc(vdev->stats, type == VCMP_TYPE_FEEDBACK ?
				    VCMP_STAT_MON_FEEDBACK_TX :
				    type == VCMP_TYPE_PROBE ?
				    VCMP_STAT_MON_PROBE_TX :
				    VCMP_STAT_MON_PROBE_ACK_TX);
	vcmp_send_prepared(skb);
}

/*
 * When DATA last went out on any link of @link's peer (0: never), so
 * that a standby link probes at the busy rate. RCU-protected links.
 */
static u64 vcmp_monitor_peer_data_ns(struct vcmp_link *link)
{
	struct vcmp_peer *peer = link->peer;
	struct vcmp_link *l;
	u64 last = 0, t;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < VCMP_MAX_LINKS; i++) {
		l = rcu_dereference(peer->links[i]);
		if (!l)
			break;
		t = READ_ONCE(l->mon.tx_data_ns);
		if (t > last)
			last = t;
	}
	rcu_read_unlock();
	return last;
}

static void vcmp_monitor_timer(struct timer_list *t)
{
	struct vcmp_monitor *mon = from_timer(mon, t, timer);
	struct vcmp_link *link = container_of(mon, struct vcmp_link, mon);
	struct vcmp_dev *vdev = link->peer->vdev;
	u8 probe[VCMP_PROBE_PAYLOAD_LEN] = {};
	u8 fb[VCMP_LINKMON_REPORT_LEN];
	struct vcmp_linkmon *lm = &mon->lm;
	struct vcmp_linkmon_report rep;
	struct vcmp_qoe_metrics qm = {};
	bool send_probe = false, send_fb = false, changed = false;
	enum vcmp_link_state prev, state;
	unsigned int act, timeout_ms;
	u64 now, data, first, peer_data;

	peer_data = vcmp_monitor_peer_data_ns(link);
	spin_lock(&mon->lock);
	if (mon->dead || !netif_running(vdev->dev)) {
		/* vcmp_open() restarts the monitors. */
		spin_unlock(&mon->lock);
		return;
	}
	first = atomic64_xchg(&mon->tx_first_ns, 0);
	data = READ_ONCE(mon->tx_data_ns);
	/* After reading the send times: none of them is in the future. */
	now = ktime_get_ns();
	if (first)
		vcmp_linkmon_tx_data_sent(lm, 0, first);
	if (data != mon->data_seen) {
		mon->data_seen = data;
		vcmp_linkmon_tx_data_sent(lm, 0, data);
	}
	/* The peer is busy on another link: not idle (probe_ms rate). */
	if (peer_data > lm->tx.last_data_ns && peer_data <= now)
		lm->tx.last_data_ns = peer_data;
	timeout_ms = div_u64(vcmp_linkmon_ack_timeout_ns(lm), NSEC_PER_MSEC);
	act = vcmp_linkmon_tick(lm, now, &prev);
	if (act & VCMP_LINKMON_SEND_PROBE) {
		send_probe = true;
		vcmp_put_be32(probe, ++mon->probe_id);
		vcmp_linkmon_tx_probe_sent(lm, mon->probe_id, now);
	}
	if (vcmp_linkmon_rx_feedback_due(lm, now)) {
		send_fb = true;
		vcmp_linkmon_rx_report(lm, now, &rep);
		vcmp_linkmon_report_pack(&rep, fb);
	}
	changed = act & VCMP_LINKMON_CHANGED;
	state = lm->state;
	if (changed && state == VCMP_LINK_DEGRADED)
		vcmp_linkmon_metrics(lm, now, &qm);	/* why, for the log */
	if (changed || ++mon->ticks >= VCMP_MONITOR_VIEW_TICKS) {
		mon->ticks = 0;
		vcmp_monitor_view(link, now);
	}
	mod_timer(&mon->timer, jiffies + vcmp_monitor_tick_jiffies());
	spin_unlock(&mon->lock);

	if (changed) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_MON_STATE_CHANGE);
		if (act & VCMP_LINKMON_ACK_TIMEOUT)
			vcmp_stats_inc(vdev->stats, VCMP_STAT_MON_ACK_TIMEOUT);
		if (state == VCMP_LINK_DEGRADED)
			net_info_ratelimited("%s: peer %u link %u degraded (was %s): latency %u ms, loss %u.%02u %%, jitter %u ms\n",
					     vdev->dev->name, link->peer->id,
					     link->id,
					     vcmp_link_state_names[prev & 3],
					     qm.latency_us / 1000,
					     qm.loss_ppm / 10000,
					     qm.loss_ppm / 100 % 100,
					     qm.jitter_us / 1000);
		else if (state != VCMP_LINK_DOWN)
			net_info_ratelimited("%s: peer %u link %u %s (was %s)\n",
					     vdev->dev->name, link->peer->id,
					     link->id,
					     vcmp_link_state_names[state & 3],
					     vcmp_link_state_names[prev & 3]);
		else
			net_info_ratelimited("%s: peer %u link %u down (was %s): %s, ack timeout %u ms\n",
					     vdev->dev->name, link->peer->id,
					     link->id,
					     vcmp_link_state_names[prev & 3],
					     act & VCMP_LINKMON_ACK_TIMEOUT ?
					     "data unacknowledged" :
					     "probe intervals missed",
					     timeout_ms);
		set_bit(VCMP_LINK_EV_STATE, &link->events);
		schedule_work(&vdev->mtu_work);
		/* The view says down: steering picks other links. */
		if (state == VCMP_LINK_DOWN)
			vcmp_resend_failover(link);
	}
	if (send_probe)
		vcmp_monitor_send(link, VCMP_TYPE_PROBE, probe, sizeof(probe));
	if (send_fb)
		vcmp_monitor_send(link, VCMP_TYPE_FEEDBACK, fb, sizeof(fb));
}

/**
 * vcmp_monitor_start - start the timer of a published link
 * @link: the link
 *
 * Context: vdev->lock held, or the device being opened.
 */
void vcmp_monitor_start(struct vcmp_link *link)
{
	struct vcmp_monitor *mon = &link->mon;

	spin_lock_bh(&mon->lock);
	if (!mon->dead && netif_running(link->peer->vdev->dev))
		mod_timer(&mon->timer, jiffies + vcmp_monitor_tick_jiffies());
	spin_unlock_bh(&mon->lock);
}

/**
 * vcmp_monitor_stop - stop the monitor of a link that is going away
 * @link: the link, unpublished or about to be
 *
 * Context: process, may sleep (waits for the timer). vdev->lock may be
 * held: the timer never takes it.
 */
void vcmp_monitor_stop(struct vcmp_link *link)
{
	struct vcmp_monitor *mon = &link->mon;

	spin_lock_bh(&mon->lock);
	mon->dead = true;
	spin_unlock_bh(&mon->lock);
	timer_shutdown_sync(&mon->timer);
}

/**
 * vcmp_monitor_stamp - fill in the per-link fields of a packet to send
 * @link: the link it goes out on
 * @skb: the packet, skb->data at its VCMP header, writable
 *
 * Sets the link sequence number, the timestamp and the echo (flag ECHO)
 * of every packet but PMTU probes and answers, whose loss says nothing
 * about the link. Context: bottom halves disabled; lock-free.
 */
void vcmp_monitor_stamp(struct vcmp_link *link, struct sk_buff *skb)
{
	struct vcmp_monitor *mon = &link->mon;
	u8 *h = skb->data;
	u8 type = h[VCMP_HDR_OFF_TYPE] & 0x0f;
	u32 now_us, echo;
	u64 now, e;

	if (type == VCMP_TYPE_PMTU_PROBE || type == VCMP_TYPE_PMTU_ACK)
		return;
	now = ktime_get_ns();
	now_us = vcmp_linkmon_ts(now);
	vcmp_put_be32(h + VCMP_HDR_OFF_LINK_SEQ,
		      (u32)atomic_inc_return(&link->tx_seq));
	vcmp_put_be32(h + VCMP_HDR_OFF_TSTAMP, now_us);
	e = atomic64_read(&mon->echo);
	if (e) {
		/* The peer's timestamp plus how long we held it. */
		echo = (u32)(e >> 32) + (now_us - (u32)e);
		h[VCMP_HDR_OFF_FLAGS] |= VCMP_F_ECHO;
		vcmp_put_be32(h + VCMP_HDR_OFF_ECHO, echo);
	}
	if (type == VCMP_TYPE_DATA) {
		if (READ_ONCE(mon->tx_data_ns) != now)
			WRITE_ONCE(mon->tx_data_ns, now);
		/* The first DATA since the timer last looked. */
		if (!atomic64_read(&mon->tx_first_ns))
			atomic64_cmpxchg(&mon->tx_first_ns, 0, now);
	}
}

/* The payload of a PROBE or PROBE_ACK: its id, or -1 when malformed. */
static s64 vcmp_monitor_probe_id(struct sk_buff *skb)
{
	u8 buf[VCMP_PROBE_PAYLOAD_LEN];
	const u8 *pl;

	if (skb->len != VCMP_HDR_LEN + VCMP_PROBE_PAYLOAD_LEN)
		return -1;
	pl = skb_header_pointer(skb, VCMP_HDR_LEN, sizeof(buf), buf);
	if (!pl || vcmp_get_be32(pl + 4))
		return -1;
	return vcmp_get_be32(pl);
}

/**
 * vcmp_monitor_rx - a packet arrived on @link
 * @link: the link it names (checked against its source by the caller)
 * @h: its decoded VCMP header; DATA, PROBE, PROBE_ACK or FEEDBACK
 * @skb: the packet, skb->data at the VCMP header; not consumed
 *
 * Feeds the measurements; answers a PROBE. Context: softirq (or bottom
 * halves disabled), RCU read section.
 *
 * Return: false for a malformed PROBE, PROBE_ACK or FEEDBACK, which the
 * caller drops and counts; true otherwise.
 */
bool vcmp_monitor_rx(struct vcmp_link *link, const struct vcmp_hdr *h,
		     struct sk_buff *skb)
{
	struct vcmp_monitor *mon = &link->mon;
	bool valid = true;
	struct vcmp_dev *vdev = link->peer->vdev;
	struct vcmp_linkmon_report rep;
	u8 buf[VCMP_LINKMON_REPORT_LEN];
	u8 ack[VCMP_PROBE_PAYLOAD_LEN] = {};
	bool send_fb = false;
	s64 id = 0;
	const u8 *pl;
	u64 now;

	switch (h->type) {
	case VCMP_TYPE_PROBE:
	case VCMP_TYPE_PROBE_ACK:
		id = vcmp_monitor_probe_id(skb);
		if (id < 0 || (h->type == VCMP_TYPE_PROBE_ACK &&
			       !(h->flags & VCMP_F_ECHO))) {
			return false;
		}
		break;
	case VCMP_TYPE_FEEDBACK:
		pl = NULL;
		/* Later versions may append fields. */
		if (skb->len >= VCMP_HDR_LEN + sizeof(buf))
			pl = skb_header_pointer(skb, VCMP_HDR_LEN, sizeof(buf),
						buf);
		if (!pl || vcmp_linkmon_report_unpack(&rep, pl, sizeof(buf)))
			return false;
		break;
	case VCMP_TYPE_DATA:
	case VCMP_TYPE_FEC_PARITY:
		/* Parity takes link sequence numbers too: not a loss. */
		break;
	default:
		return true;
	}

	switch (h->type) {
	case VCMP_TYPE_PROBE:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_MON_PROBE_RX);
		break;
	case VCMP_TYPE_PROBE_ACK:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_MON_PROBE_ACK_RX);
		break;
	case VCMP_TYPE_FEEDBACK:
		vcmp_stats_inc(vdev->stats, VCMP_STAT_MON_FEEDBACK_RX);
		break;
	}
	now = ktime_get_ns();
	atomic64_set(&mon->echo, ((u64)h->tstamp << 32) |
				 (vcmp_linkmon_ts(now) | 1));
	spin_lock_bh(&mon->lock);
	if (mon->dead) {
		spin_unlock_bh(&mon->lock);
		return true;
	}
	vcmp_linkmon_rx_packet(&mon->lm, h->link_seq, h->tstamp, now,
			       skb->len);
	switch (h->type) {
	case VCMP_TYPE_DATA:
		/* The peer's data is acknowledged every feedback_ms. */
		vcmp_linkmon_rx_data(&mon->lm);
		if (vcmp_linkmon_rx_feedback_due(&mon->lm, now)) {
			vcmp_linkmon_rx_report(&mon->lm, now, &rep);
			vcmp_linkmon_report_pack(&rep, buf);
			send_fb = true;
		}
		break;
	case VCMP_TYPE_PROBE_ACK:
		if (vcmp_linkmon_tx_probe_ack(&mon->lm, (u32)id, h->echo,
					      now) == -ENOENT)
			vcmp_stats_inc(vdev->stats,
				       VCMP_STAT_MON_PROBE_ACK_UNMATCHED);
		break;
	case VCMP_TYPE_FEEDBACK:
		/* Inconsistent with what we sent: dropped by the caller. */
		valid = !vcmp_linkmon_tx_feedback(&mon->lm, &rep, now);
		if (valid)
			WRITE_ONCE(mon->acked_seq,
				   BIT_ULL(32) | rep.highest_seq);
		break;
	}
	if ((h->flags & VCMP_F_ECHO) && h->type != VCMP_TYPE_PROBE_ACK)
		vcmp_linkmon_tx_echo(&mon->lm, h->echo, now);
	spin_unlock_bh(&mon->lock);

	if (h->type == VCMP_TYPE_PROBE) {
		vcmp_put_be32(ack, (u32)id);
		vcmp_monitor_send(link, VCMP_TYPE_PROBE_ACK, ack, sizeof(ack));
	}
	if (send_fb)
		vcmp_monitor_send(link, VCMP_TYPE_FEEDBACK, buf, sizeof(buf));
	return valid;
}

/**
 * vcmp_monitor_stats - snapshot of a link's measurements, for netlink
 * @link: the link
 * @st: filled in
 *
 * Context: any but hard irq; takes mon->lock.
 */
void vcmp_monitor_stats(struct vcmp_link *link, struct vcmp_linkmon_stats *st)
{
	struct vcmp_monitor *mon = &link->mon;

	spin_lock_bh(&mon->lock);
	vcmp_linkmon_stats(&mon->lm, ktime_get_ns(), st);
	spin_unlock_bh(&mon->lock);
}
