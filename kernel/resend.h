/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resending on failover. Each link keeps copies of the DATA packets of
 * flow and spray classes it carried that its peer has not acknowledged
 * yet: plaintext, VCMP headers included, taken after the link sequence
 * number is stamped and before encryption. When the monitor takes the
 * link down, the copies are sent again on the links steering now picks,
 * with their own peer sequence numbers and flag DUP (the header's link
 * id, link sequence number, timestamp and echo are the new link's). At
 * the receiver the resequencing history drops the copies of packets that
 * did arrive (rx_drop_reseq_dup) and the others fill their holes, or are
 * delivered late if the buffer gave up on them: the packets a black hole
 * swallowed before the link was declared down reach the peer without
 * waiting for the inner transport to notice (TCP's retransmission timeout
 * is 200 ms at least).
 *
 * What a link keeps: at most resend_pkts packets (module parameter, read
 * when the link is added; 0 disables resending); dup classes have their
 * second copy and FEC classes their parity, so they are not kept, nor is
 * anything on a peer with one link. A copy whose link sequence number the
 * peer's last FEEDBACK reported received, or passed (monitor.h
 * @acked_seq), is freed; when the ring is full the oldest copy goes
 * (tx_resend_evict).
 *
 * Locking: struct vcmp_resend is the link's, guarded by @lock, a spinlock
 * taken with bottom halves off (transmit path, monitor timer); nothing is
 * taken under it and nothing is sent while it is held. The copies hold no
 * reference (route and conntrack dropped; the pointers in their cb are
 * the original's and never used); they are freed with the link, after an
 * RCU grace period, when nothing can add to them any more.
 */
#ifndef _VCMP_RESEND_H
#define _VCMP_RESEND_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include "steer.h"

struct sk_buff;
struct vcmp_link;

/*
 * struct vcmp_resend_entry - a kept copy
 * @skb: the DATA packet, skb->data at its VCMP header; NULL when free
 * @link_seq: the link sequence number it was sent with
 * @sp: what steering decided about its inner packet
 */
struct vcmp_resend_entry {
	struct sk_buff *skb;
	u32 link_seq;
	struct vcmp_steer_pkt sp;
};

/*
 * struct vcmp_resend - a link's kept copies, oldest at @head
 * @lock: guards the fields below
 * @ring: @size entries, NULL when resending is off for the link
 * @size: entries in @ring
 * @head: the oldest copy
 * @count: copies kept
 */
struct vcmp_resend {
	spinlock_t lock;	/* see above */
	struct vcmp_resend_entry *ring;
	unsigned int size;
	unsigned int head;
	unsigned int count;
};

int vcmp_resend_init(struct vcmp_resend *rs);
void vcmp_resend_free(struct vcmp_resend *rs);
void vcmp_resend_keep(struct vcmp_link *link, const struct sk_buff *skb,
		      const struct vcmp_steer_pkt *sp);
void vcmp_resend_failover(struct vcmp_link *link);

#endif /* _VCMP_RESEND_H */
