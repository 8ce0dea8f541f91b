/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transmit path: inner packet -> VCMP headers -> ESP or plain -> UDP.
 */
#ifndef _VCMP_SEND_H
#define _VCMP_SEND_H

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/netdevice.h>

struct vcmp_link;
struct vcmp_peer;
struct vcmp_steer_pkt;

netdev_tx_t vcmp_xmit(struct sk_buff *skb, struct net_device *dev);
int vcmp_send_prepare(struct vcmp_peer *peer, struct vcmp_link *link,
		      struct sk_buff *skb, u8 *tag);
void vcmp_send_prepared(struct sk_buff *skb);
void vcmp_send(struct vcmp_peer *peer, struct vcmp_link *link,
	       struct sk_buff *skb);
void vcmp_xmit_resend(struct vcmp_peer *peer, struct sk_buff *skb,
		      const struct vcmp_steer_pkt *sp);
void vcmp_push_headers(struct sk_buff *skb, struct vcmp_peer *peer,
		       struct vcmp_link *link, u32 peer_seq, u8 flags,
		       u8 tclass, u8 fec_index);

/* The sender's clock in VCMP headers: microseconds, wrapping. */
static inline u32 vcmp_now_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

#endif /* _VCMP_SEND_H */
