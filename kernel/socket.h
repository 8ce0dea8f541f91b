/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP encapsulation sockets of a vcmp device.
 */
#ifndef _VCMP_SOCKET_H
#define _VCMP_SOCKET_H

#include <linux/types.h>

struct sk_buff;
struct sock;
struct vcmp_dev;
struct vcmp_link;

/*
 * struct vcmp_socks - a bound IPv4/IPv6 socket pair, not yet published
 * @sk4: IPv4 socket
 * @sk6: IPv6 socket, NULL when IPv6 is disabled in the kernel
 */
struct vcmp_socks {
	struct sock *sk4;
	struct sock *sk6;
};

int vcmp_socket_open(struct vcmp_dev *vdev, u16 port, struct vcmp_socks *out);
void vcmp_socket_publish(struct vcmp_dev *vdev, struct vcmp_socks *socks);
void vcmp_socket_close(struct vcmp_dev *vdev);
int vcmp_socket_send(struct vcmp_dev *vdev, struct vcmp_link *link,
		     struct sk_buff *skb, bool df);

#endif /* _VCMP_SOCKET_H */
