/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Effective MTU of peers and TCP MSS clamping of the inner traffic.
 */
#ifndef _VCMP_MTU_H
#define _VCMP_MTU_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "peer.h"

/*
 * The underlay MTU assumed for a link until path MTU discovery measures
 * it: Ethernet's.
 */
#define VCMP_LINK_DEFAULT_MTU	1500

void vcmp_peer_update_mtu(struct vcmp_peer *peer);
unsigned int vcmp_link_packet_mtu(const struct vcmp_link *link);
bool vcmp_mss_clamp_skb(struct sk_buff *skb, unsigned int mtu);
bool vcmp_too_big(struct sk_buff *skb, unsigned int mtu);

/* The largest inner packet between @dev and @peer: packet path, any context. */
static inline unsigned int vcmp_path_mtu(const struct net_device *dev,
					 const struct vcmp_peer *peer)
{
	unsigned int mtu = READ_ONCE(peer->mtu);

	return mtu && mtu < READ_ONCE(dev->mtu) ? mtu : READ_ONCE(dev->mtu);
}

#endif /* _VCMP_MTU_H */
