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
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "peer.h"
#include "pmtud.h"
#include "receive.h"
#include "socket.h"
#include "stats.h"

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
		.encap_rcv	= vcmp_receive,
		/* Every ICMP error about our datagrams passes here first. */
		.encap_err_lookup = vcmp_pmtud_icmp_lookup,
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
	/*
	 * Size packets by the device's MTU, not by the route's learned PMTU:
	 * links discover their own (pmtud.c), and a forged ICMP that the
	 * route cache believed must not turn into a local "fragmentation
	 * needed" for our probes. IPv6 output asks skb->sk instead of the
	 * socket it is given: vcmp_send6_probe() makes the socket own probes.
	 */
	ip_sock_set_mtu_discover(out->sk4, IP_PMTUDISC_PROBE);

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

		int val = IPV6_PMTUDISC_PROBE;
		struct socket *sock;

		err = vcmp_sock_create(vdev, &cfg6, &out->sk6);
		if (err) {
			vcmp_sock_release(out->sk4);
			out->sk4 = NULL;
			return err;
		}
		/* As for IPv4; effective for packets the socket owns. */
		sock = out->sk6->sk_socket;
		sock->ops->setsockopt(sock, SOL_IPV6, IPV6_MTU_DISCOVER,
				      KERNEL_SOCKPTR(&val), sizeof(val));
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

static int vcmp_send4(struct vcmp_dev *vdev, struct vcmp_link *link,
		      const union vcmp_sockaddr *remote, struct sk_buff *skb,
		      bool df)
{
	struct net_device *dev = vdev->dev;
	struct flowi4 fl4 = {
		.daddr		= remote->sin.sin_addr.s_addr,
		.saddr		= link->local.sa.sa_family == AF_INET ?
				  link->local.sin.sin_addr.s_addr : 0,
		.flowi4_oif	= link->ifindex,
		.flowi4_proto	= IPPROTO_UDP,
		.fl4_sport	= htons(READ_ONCE(vdev->port)),
		.fl4_dport	= remote->sin.sin_port,
	};
	struct sock *sk;
	struct rtable *rt;

	sk = rcu_dereference_bh(vdev->sock4);
	if (unlikely(!sk))
		return -VCMP_STAT_TX_DROP_DOWN;

	rt = dst_cache_get_ip4(&link->dst_cache, &fl4.saddr);
	if (!rt) {
		rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
		if (IS_ERR(rt))
			return -VCMP_STAT_TX_DROP_NO_ROUTE;
		if (unlikely(rt->dst.dev == dev)) {
			ip_rt_put(rt);
			return -VCMP_STAT_TX_DROP_ROUTE_LOOP;
		}
		dst_cache_set_ip4(&link->dst_cache, &rt->dst, fl4.saddr);
	}
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), df ? htons(IP_DF) : 0,
			    fl4.fl4_sport, fl4.fl4_dport, false, false);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * A PMTU probe must meet neither the route's learned PMTU nor IPv6
 * fragmentation: it tests the path, and an exception Linux recorded from
 * any packet too big (udpv6_err_update_exception() does so before asking
 * the tunnel whether the ICMP is believable, so a forged one counts) would
 * otherwise make the local stack refuse the probe with a packet too big
 * of its own, which quotes the probe and would be believed. The socket is
 * IPV6_PMTUDISC_PROBE (vcmp_socket_open()), so output sizes the packet by
 * the device MTU alone, but ip6_skb_dst_mtu() honours skb->sk only at
 * xmit recursion level 0, and udp_tunnel6_xmit_skb() raises the level
 * before ip6_local_out(). Probes are therefore sent here, like
 * udp_tunnel6_xmit_skb() but at the caller's level: they come from the
 * PMTU timer or the receive path (level 0), never from a device's xmit,
 * and a route into vcmp itself was refused by the caller. Probes are
 * few: owning them by the socket (the accounting) is cheap.
 */
static void vcmp_send6_probe(struct vcmp_dev *vdev, struct sock *sk,
			     struct dst_entry *dst, struct sk_buff *skb,
			     const struct flowi6 *fl6)
{
	struct ipv6hdr *ip6h;
	struct udphdr *uh;
	int len, err;

	skb_set_owner_w(skb, sk);
	__skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	uh->source = fl6->fl6_sport;
	uh->dest = fl6->fl6_dport;
	uh->len = htons(skb->len);
	skb_dst_set(skb, dst);
	udp6_set_csum(false, skb, &fl6->saddr, &fl6->daddr, skb->len);

	__skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->daddr = fl6->daddr;
	ip6h->saddr = fl6->saddr;

	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	len = skb->len - skb_inner_network_offset(skb);
	err = ip6_local_out(dev_net(dst->dev), sk, skb);
	iptunnel_xmit_stats(vdev->dev, net_xmit_eval(err) ? -1 : len);
}

static int vcmp_send6(struct vcmp_dev *vdev, struct vcmp_link *link,
		      const union vcmp_sockaddr *remote, struct sk_buff *skb,
		      bool df)
{
	struct net_device *dev = vdev->dev;
	struct flowi6 fl6 = {
		.daddr		= remote->sin6.sin6_addr,
		.flowi6_oif	= link->ifindex ?: remote->sin6.sin6_scope_id,
		.flowi6_proto	= IPPROTO_UDP,
		.fl6_sport	= htons(READ_ONCE(vdev->port)),
		.fl6_dport	= remote->sin6.sin6_port,
	};
	struct dst_entry *dst;
	struct sock *sk;

	if (link->local.sa.sa_family == AF_INET6)
		fl6.saddr = link->local.sin6.sin6_addr;
	sk = rcu_dereference_bh(vdev->sock6);
	if (unlikely(!sk))
		return -VCMP_STAT_TX_DROP_DOWN;

	dst = dst_cache_get_ip6(&link->dst_cache, &fl6.saddr);
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6,
						      NULL);
		if (IS_ERR(dst))
			return -VCMP_STAT_TX_DROP_NO_ROUTE;
		if (unlikely(dst->dev == dev)) {
			dst_release(dst);
			return -VCMP_STAT_TX_DROP_ROUTE_LOOP;
		}
		dst_cache_set_ip6(&link->dst_cache, dst, &fl6.saddr);
	}
	if (df) {
		vcmp_send6_probe(vdev, sk, dst, skb, &fl6);
		return 0;
	}
	/* 6.1 returns int and takes non-const addresses: pass copies. */
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, &fl6.saddr, &fl6.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl6.fl6_sport,
			     fl6.fl6_dport, false);
	return 0;
}
#endif

/**
 * vcmp_socket_send - send a finished VCMP datagram payload on a link
 * @vdev: the device
 * @link: the link: its remote endpoint, local address and route cache
 * @skb: UDP payload (ESP or plain VCMP); consumed in every case
 * @df: set DF (IPv4; IPv6 routers never fragment): PMTU probes, which
 *	must not be fragmented on the way or by the local stack
 *
 * Context: softirq or process context with bottom halves disabled.
 * Return: 0, or the negated enum vcmp_stat that explains the drop (the
 * caller counts it).
 */
int vcmp_socket_send(struct vcmp_dev *vdev, struct vcmp_link *link,
		     struct sk_buff *skb, bool df)
{
	union vcmp_sockaddr remote;
	int ret;

	vcmp_link_get_remote(link, &remote);
	skb_scrub_packet(skb, false);
	skb->mark = 0;
	/* iptunnel_xmit() counts from here: the UDP payload. */
	skb_set_inner_network_header(skb, 0);
	rcu_read_lock_bh();
	if (remote.sa.sa_family == AF_INET)
		ret = vcmp_send4(vdev, link, &remote, skb, df);
#if IS_ENABLED(CONFIG_IPV6)
	else if (remote.sa.sa_family == AF_INET6)
		ret = vcmp_send6(vdev, link, &remote, skb, df);
#endif
	else
		ret = -VCMP_STAT_TX_DROP_NO_ROUTE;
	rcu_read_unlock_bh();
	if (ret)
		kfree_skb(skb);
	return ret;
}
