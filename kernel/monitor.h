/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link monitoring, the kernel side of linkmon.h: each link's measurement
 * state, its probe/feedback timer and what the packet path may read
 * about a link without a lock.
 *
 * struct vcmp_link_view is that lock-free summary: the link's timer (and
 * the receive path on a state change) writes each field with WRITE_ONCE;
 * the transmit path (steering) reads them with READ_ONCE and tolerates a
 * mix of old and new fields. Everything else about monitoring is behind
 * the link's monitor lock (monitor.c).
 */
#ifndef _VCMP_MONITOR_H
#define _VCMP_MONITOR_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "linkmon.h"

struct sk_buff;
struct vcmp_dev;
struct vcmp_hdr;
struct vcmp_link;

/* Timer period of a link's monitor while the device is up. */
#define VCMP_MONITOR_TICK_MS	20
/* Payload of PROBE and PROBE_ACK: probe id (32 bits), 32 reserved bits. */
#define VCMP_PROBE_PAYLOAD_LEN	8

/*
 * struct vcmp_link_view - what steering knows of a link
 * @state: enum vcmp_link_state (INIT until the peer was heard)
 * @qoe: QoE score (0-10) per enum vcmp_qoe_class
 * @srtt_us: smoothed round-trip time, 0 before a sample
 * @min_rtt_us: the least RTT of the last 10 s (the path without queues),
 *	0 before a sample
 * @jitter_us: the worse of the two directions
 * @loss_ppm: the worse of the two directions
 * @capacity_bps: estimated capacity us -> peer, 0 when unknown
 */
struct vcmp_link_view {
	u8 state;
	u8 qoe[VCMP_QOE_CLASSES];
	u32 srtt_us;
	u32 min_rtt_us;
	u32 jitter_us;
	u32 loss_ppm;
	u64 capacity_bps;
};

/*
 * struct vcmp_monitor - measurement state of one link (link->mon)
 * @lock: protects @lm, @probe_id, @data_seen, @ticks and @dead. Taken
 *	from softirq (timer, receive) and process context (netlink),
 *	always with bottom halves disabled; innermost: nothing is taken
 *	under it and nothing is sent while it is held
 * @lm: the measurements and the state machine (linkmon.h)
 * @timer: ticks every VCMP_MONITOR_TICK_MS while the device is up; shut
 *	down (vcmp_monitor_stop()) before the link is freed
 * @probe_id: id of the last PROBE sent
 * @data_seen: the last @tx_data_ns the timer gave to @lm
 * @ticks: timer ticks, to refresh the view every few
 * @dead: set when the link goes; nothing is armed or sent after it
 * @echo: lock-free, written on receive, read on send: the peer's last
 *	timestamp on this link (high 32 bits) and our clock (microseconds,
 *	low bit forced to 1 so that 0 means "nothing yet") when it arrived
 * @tx_data_ns: lock-free, WRITE_ONCE by the send path: when DATA was
 *	last sent on the link (ktime_get_ns)
 * @tx_first_ns: lock-free: when the first DATA since the timer last
 *	looked was sent, 0 for none; set by the send path (cmpxchg from 0),
 *	taken and cleared by the timer (xchg)
 * @acked_seq: lock-free: the highest link sequence number the peer's
 *	last valid FEEDBACK reported received, bit 32 set once one came;
 *	WRITE_ONCE under @lock, read by resend.c
 */
struct vcmp_monitor {
	spinlock_t lock;	/* see above */
	struct vcmp_linkmon lm;
	struct timer_list timer;
	u32 probe_id;
	u64 data_seen;
	unsigned int ticks;
	bool dead;
	atomic64_t echo;
	u64 tx_data_ns;
	atomic64_t tx_first_ns;
	u64 acked_seq;
};

void vcmp_monitor_init(struct vcmp_link *link);
void vcmp_monitor_start(struct vcmp_link *link);
void vcmp_monitor_stop(struct vcmp_link *link);
void vcmp_monitor_stamp(struct vcmp_link *link, struct sk_buff *skb);
bool vcmp_monitor_rx(struct vcmp_link *link, const struct vcmp_hdr *h,
		     struct sk_buff *skb);
void vcmp_monitor_stats(struct vcmp_link *link,
			struct vcmp_linkmon_stats *st);

#endif /* _VCMP_MONITOR_H */
