// SPDX-License-Identifier: GPL-2.0
/*
 * UDP encapsulation sockets: one IPv4 and one IPv6-only socket per device,
 * bound to the device's port in the device's network namespace while the
 * device is up.
 *
 * Locking: sockets are created, published and released under RTNL only.
 * The receive path finds its device through sk_user_data under the RCU
 * read lock the UDP stack holds; udp_tunnel_sock_release() clears it and
 * waits for readers before the socket goes away.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "socket.h"
#include "stats.h"

/* Smallest datagram vcmp can parse: an ESP SPI and sequence number. */
#define VCMP_MIN_PAYLOAD	8

static int vcmp_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct vcmp_dev *vdev = rcu_dereference_sk_user_data(sk);

	if (unlikely(!vdev))
		goto drop;

	if (skb->len < sizeof(struct udphdr) + VCMP_MIN_PAYLOAD) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_DROP_SHORT);
		goto drop;
	}

	/* No security association can exist yet: nothing is accepted. */
	vcmp_stats_inc(vdev->stats, VCMP_STAT_RX_DROP_UNKNOWN_SPI);
drop:
	kfree_skb(skb);
	return 0;
}

static void vcmp_sock_release(struct sock *sk)
{
	if (sk)
		udp_tunnel_sock_release(sk->sk_socket);
}

static int vcmp_sock_create(struct vcmp_dev *vdev, struct udp_port_cfg *pcfg,
			    struct sock **skp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data	= vdev,
		.encap_type	= 1,
		.encap_rcv	= vcmp_udp_recv,
	};
	struct net *net = dev_net(vdev->dev);
	struct socket *sock;
	int err;

	err = udp_sock_create(net, pcfg, &sock);
	if (err)
		return err;
	sock->sk->sk_allocation = GFP_ATOMIC;
	setup_udp_tunnel_sock(net, sock, &tcfg);
	*skp = sock->sk;
	return 0;
}

/**
 * vcmp_socket_open - bind a new IPv4 and IPv6 socket pair on @port
 * @vdev: device the sockets deliver to
 * @port: UDP port, host order
 * @out: receives the sockets; they already deliver to @vdev
 *
 * Context: RTNL held. Return: 0 or a negative errno (-EADDRINUSE when
 * another socket holds the port).
 */
int vcmp_socket_open(struct vcmp_dev *vdev, u16 port, struct vcmp_socks *out)
{
	struct udp_port_cfg cfg4 = {
		.family			= AF_INET,
		.local_ip.s_addr	= htonl(INADDR_ANY),
		.local_udp_port		= htons(port),
		.use_udp_checksums	= true,
	};
	int err;

	ASSERT_RTNL();
	out->sk4 = NULL;
	out->sk6 = NULL;

	err = vcmp_sock_create(vdev, &cfg4, &out->sk4);
	if (err)
		return err;

#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_mod_enabled()) {
		struct udp_port_cfg cfg6 = {
			.family			= AF_INET6,
			.local_ip6		= IN6ADDR_ANY_INIT,
			.local_udp_port		= htons(port),
			.use_udp6_tx_checksums	= true,
			.use_udp6_rx_checksums	= true,
			.ipv6_v6only		= true,
		};

		err = vcmp_sock_create(vdev, &cfg6, &out->sk6);
		if (err) {
			vcmp_sock_release(out->sk4);
			out->sk4 = NULL;
			return err;
		}
	}
#endif
	return 0;
}

/**
 * vcmp_socket_publish - make @socks the device's sockets, release the old
 * @vdev: the device
 * @socks: sockets from vcmp_socket_open(), or both NULL to close
 *
 * Context: RTNL held; sleeps until no reader can see the old sockets.
 */
void vcmp_socket_publish(struct vcmp_dev *vdev, struct vcmp_socks *socks)
{
	struct sock *old4, *old6;

	ASSERT_RTNL();
	old4 = rtnl_dereference(vdev->sock4);
	old6 = rtnl_dereference(vdev->sock6);
	rcu_assign_pointer(vdev->sock4, socks->sk4);
	rcu_assign_pointer(vdev->sock6, socks->sk6);
	/* udp_tunnel_sock_release() waits for RCU readers itself. */
	vcmp_sock_release(old4);
	vcmp_sock_release(old6);
}

/**
 * vcmp_socket_close - unbind the device's sockets
 * @vdev: the device
 *
 * Context: RTNL held.
 */
void vcmp_socket_close(struct vcmp_dev *vdev)
{
	struct vcmp_socks none = { };

	vcmp_socket_publish(vdev, &none);
}
