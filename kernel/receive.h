/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive path: UDP datagram on the tunnel port -> ESP or plain VCMP ->
 * inner packet delivered on the vcmp device.
 */
#ifndef _VCMP_RECEIVE_H
#define _VCMP_RECEIVE_H

struct sk_buff;
struct sock;

int vcmp_receive(struct sock *sk, struct sk_buff *skb);

#endif /* _VCMP_RECEIVE_H */
