/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive path: UDP datagram on the tunnel port -> ESP or plain VCMP ->
 * inner packet delivered on the vcmp device.
 */
#ifndef _VCMP_RECEIVE_H
#define _VCMP_RECEIVE_H

#include <linux/types.h>

#include "stats.h"

struct sk_buff;
struct sock;
struct vcmp_dev;

int vcmp_receive(struct sock *sk, struct sk_buff *skb);
void vcmp_rx_deliver(struct sk_buff *skb, bool sync);
void vcmp_rx_drop(struct vcmp_dev *vdev, struct sk_buff *skb,
		  enum vcmp_stat why);

#endif /* _VCMP_RECEIVE_H */
