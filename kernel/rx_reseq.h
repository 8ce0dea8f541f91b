/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive resequencing per peer: the kernel side of reseq.h, between the
 * receive path's checks (receive.c) and delivery (vcmp_rx_deliver()).
 *
 * Model: a peer belongs to exactly one segment (vcmp_peer.segment), and
 * its sender numbers every DATA packet it sends with one per-peer
 * sequence counter, whatever segment id the packet carries. So one buffer
 * per peer is one buffer per (peer, segment): two segments towards the
 * same site are two peers, each with its own buffer, numbers and links.
 * Numbers are per VCMP packet: each VCMP fragment has its own, so the
 * buffer runs before reassembly and reassembly sees fragments in order.
 *
 * FEC parity packets take numbers too but are consumed before the buffer
 * (receive.c): their numbers are filled with nothing
 * (vcmp_rx_reseq_skip()); packets FEC rebuilds come in under their own.
 *
 * A peer with fewer than two links does not buffer at all (its packets
 * cannot overtake each other, and it pays no latency). The buffer's slots
 * are allocated when the peer gets its second link.
 *
 * Locking: @lock (softirq-safe spinlock, spin_lock_bh) serialises every
 * use of @buf and the other fields but @ready and @mem, which are written
 * under it and read without it (READ_ONCE). Packets are handed to
 * vcmp_rx_deliver() after @lock is dropped. @timer is a soft hrtimer:
 * its callback runs in softirq context and takes @lock like the receive
 * path. Configuration (vcmp_rx_reseq_prepare, _stop) runs under
 * vdev->lock in process context; @lock nests inside it.
 */
#ifndef _VCMP_RX_RESEQ_H
#define _VCMP_RX_RESEQ_H

#include <linux/hrtimer.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "reseq.h"

struct vcmp_peer;
struct vcmp_hdr;

/*
 * struct vcmp_rx_reseq - a peer's resequencing state
 * @lock: see above
 * @buf: the pure buffer; its slots are @slots
 * @slots: storage, NULL until the peer first had two links
 * @outq: packets released in order, waiting to be delivered
 * @timer: releases packets whose hold time is up
 * @armed_ns: the expiry @timer was last started for, U64_MAX: none
 * @hold_at_ns: when the hold time was last computed from the links
 * @skip_ns: when the buffer last gave up a missing packet (timeout)
 * @late_ns: what late packets showed the hold time lacks: added to the
 *	links' estimate, decaying (rx_reseq.c)
 * @reject_since_ns: first of the current run of refused packets
 *	(duplicates or stale, nothing accepted since), 0 when none
 * @reported: @buf.stats already added to the device counters
 * @mem: truesize of the packets waiting in @buf
 * @mem_flushes: times the memory cap made the buffer give up its holes
 * @restarts: times the sender was found to have started over
 * @draining: a cpu is delivering @outq (with @lock dropped)
 * @ready: @slots set up, the buffer may be used
 * @active: @buf has been used since it was last reset
 * @dying: the peer is going: no more buffering, deliver at once
 */
struct vcmp_rx_reseq {
	spinlock_t lock;	/* see above */
	struct vcmp_reseq buf;
	struct vcmp_reseq_slot *slots;
	struct sk_buff_head outq;
	struct hrtimer timer;
	u64 armed_ns;
	u64 hold_at_ns;
	u64 skip_ns;
	u64 late_ns;
	u64 reject_since_ns;
	struct vcmp_reseq_stats reported;
	u32 mem;
	u64 mem_flushes;
	u64 restarts;
	bool draining;
	bool ready;
	bool active;
	bool dying;
};

/*
 * struct vcmp_rx_reseq_info - a snapshot for netlink
 * @stats: the buffer's counters
 * @mem_flushes: see struct vcmp_rx_reseq
 * @restarts: ditto
 * @waiting: packets waiting now
 * @mem: their truesize
 * @hold_us: the hold time in use
 * @slots: the window, 0 while the peer never had two links
 */
struct vcmp_rx_reseq_info {
	struct vcmp_reseq_stats stats;
	u64 mem_flushes;
	u64 restarts;
	u32 waiting;
	u32 mem;
	u32 hold_us;
	u32 slots;
};

void vcmp_rx_reseq_init(struct vcmp_peer *peer);
int vcmp_rx_reseq_prepare(struct vcmp_peer *peer);
void vcmp_rx_reseq_stop(struct vcmp_peer *peer);
void vcmp_rx_reseq_free(struct vcmp_peer *peer);
void vcmp_rx_reseq_rx(struct vcmp_peer *peer, struct sk_buff *skb,
		      const struct vcmp_hdr *h);
void vcmp_rx_reseq_skip(struct vcmp_peer *peer, u32 seq);
void vcmp_rx_reseq_info(struct vcmp_peer *peer,
			struct vcmp_rx_reseq_info *info);

#endif /* _VCMP_RX_RESEQ_H */
