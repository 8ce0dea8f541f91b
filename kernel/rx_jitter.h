/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive jitter buffer per peer: the kernel side of jitbuf.h, at
 * delivery (vcmp_rx_deliver(), after resequencing, before reassembly).
 *
 * A DATA packet is buffered when the class its data header names
 * (tclass) has a jitter-buffer delay in the receiving device's own
 * policy (struct vcmp_class.jitter_ms): both sites are meant to
 * configure the same classes. Packets of other classes are not. Packets
 * FEC rebuilt (no sender time: fec_rx.c makes their header up) keep
 * their place in the order without waiting for a time. One buffer per
 * peer takes the packets of all its buffered classes (jitbuf.h says why
 * one clock offset per peer is right); its packets leave in arrival
 * order. VCMP fragments are buffered one by one, like whole packets:
 * the fragments of one packet carry nearly the same timestamp and
 * leave together.
 *
 * Locking: @lock (softirq-safe spinlock, spin_lock_bh) serialises every
 * use of @buf, @outq, @armed_ns, @reported, @draining and @dying.
 * Packets are handed to vcmp_rx_deliver() after @lock is dropped, by one
 * cpu at a time (@draining), at once (netif_receive_skb) so that the
 * order holds. @timer is a soft hrtimer: its callback runs in softirq
 * context and takes @lock like the receive path. vcmp_rx_jitter_stop()
 * runs in process context with no other lock needed; @lock nests inside
 * vdev->lock when the caller holds it.
 */
#ifndef _VCMP_RX_JITTER_H
#define _VCMP_RX_JITTER_H

#include <linux/hrtimer.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "jitbuf.h"

struct vcmp_peer;
struct vcmp_hdr;
struct vcmp_data_hdr;

/*
 * struct vcmp_rx_jitter - a peer's jitter buffer
 * @lock: see above
 * @buf: the pure buffer
 * @outq: packets released, waiting to be delivered
 * @timer: releases packets whose play-out time has come
 * @armed_ns: the expiry @timer was last started for, U64_MAX: none
 * @reported: @buf.stats already added to the device counters
 * @draining: a cpu is delivering @outq (with @lock dropped)
 * @dying: the peer is going: no more buffering, deliver at once
 */
struct vcmp_rx_jitter {
	spinlock_t lock;	/* see above */
	struct vcmp_jitbuf buf;
	struct sk_buff_head outq;
	struct hrtimer timer;
	u64 armed_ns;
	struct vcmp_jitbuf_stats reported;
	bool draining;
	bool dying;
};

void vcmp_rx_jitter_init(struct vcmp_peer *peer);
void vcmp_rx_jitter_stop(struct vcmp_peer *peer);
bool vcmp_rx_jitter_rx(struct vcmp_peer *peer, struct sk_buff *skb,
		       const struct vcmp_hdr *h, const struct vcmp_data_hdr *d);

#endif /* _VCMP_RX_JITTER_H */
