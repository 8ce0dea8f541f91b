/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transmit path: inner packet -> VCMP headers -> ESP or plain -> UDP.
 */
#ifndef _VCMP_SEND_H
#define _VCMP_SEND_H

#include <linux/netdevice.h>

netdev_tx_t vcmp_xmit(struct sk_buff *skb, struct net_device *dev);

#endif /* _VCMP_SEND_H */
