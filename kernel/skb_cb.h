/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vcmp keeps in skb->cb while a packet is in its hands: from
 * ndo_start_xmit to the UDP send, and from the UDP encap_rcv hook to
 * delivery. Nobody else owns the skb in between.
 */
#ifndef _VCMP_SKB_CB_H
#define _VCMP_SKB_CB_H

#include <linux/build_bug.h>
#include <linux/skbuff.h>

struct vcmp_link;
struct vcmp_peer;
struct vcmp_sa;

/*
 * struct vcmp_skb_cb - per-packet state
 * @crypto_tmp: crypto.c's per-request allocation (AEAD request, IV,
 *	scatterlist), freed by crypto.c before its completion callback runs
 * @peer: the peer the packet goes to or came from; referenced
 * @sa: the SA the packet is encrypted or decrypted with; referenced,
 *	NULL for plain peers
 * @link: the link it is sent on or arrived on; referenced
 * @seq: ESP sequence number (64-bit, ESN)
 * @frag_off: a VCMP fragment's byte offset in the inner packet
 * @frag_id: a VCMP fragment's fragment id
 * @frag_index: a VCMP fragment's index
 * @frag: transmit: send as a VCMP fragment (the fields above are valid)
 * @frag_more: transmit: more fragments follow
 * @df: transmit: set DF on the underlay packet (PMTU probes)
 * @jitter_done: receive: the jitter buffer had it already (rx_jitter.h)
 */
struct vcmp_skb_cb {
	void *crypto_tmp;
	struct vcmp_peer *peer;
	struct vcmp_sa *sa;
	struct vcmp_link *link;
	u64 seq;
	u16 frag_off;
	u16 frag_id;
	u8 frag_index;
	u8 frag:1;
	u8 frag_more:1;
	u8 df:1;
	u8 jitter_done:1;
};

static inline struct vcmp_skb_cb *VCMP_CB(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct vcmp_skb_cb) > sizeof_field(struct sk_buff, cb));
	return (struct vcmp_skb_cb *)skb->cb;
}

#endif /* _VCMP_SKB_CB_H */
