// SPDX-License-Identifier: GPL-2.0
/*
 * Effective MTU of a peer and TCP MSS clamping.
 *
 * A peer's effective packet MTU is the largest inner packet that fits
 * every one of its links (so any packet may take any link): for each link
 * the underlay MTU minus the overhead of the peer's suite on the link's
 * address family, rounded as the cipher's block alignment requires
 * (vcmp_max_inner()), and the minimum over the links. Until path MTU
 * discovery measures links, their underlay MTU is taken to be
 * VCMP_LINK_DEFAULT_MTU unless one is set by hand (the link's mtu
 * attribute, honoured as is).
 *
 * TCP connections through the tunnel are told not to exceed it: the MSS
 * option of SYN and SYN-ACK segments is lowered, in both directions, to
 * the effective MTU (and the device's MTU, if lower) minus the IP and TCP
 * headers: 40 bytes for IPv4, 60 for IPv6.
 *
 * Other inner packets larger than the effective MTU: see frag.c. The
 * first oversize DF (or IPv6) packet of a flow gets ICMP fragmentation
 * needed / packet too big with the effective MTU (vcmp_too_big()).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "device.h"
#include "mtu.h"
#include "peer.h"
#include "tcpmss.h"

/**
 * vcmp_peer_update_mtu - recompute @peer's effective packet MTU
 * @peer: the peer, after a change of its links
 *
 * Context: vdev->lock held.
 */
void vcmp_peer_update_mtu(struct vcmp_peer *peer)
{
	unsigned int i, mtu = 0, edge = 0, m;
	struct vcmp_link *link;

	lockdep_assert_held(&peer->vdev->lock);
	for (i = 0; i < peer->nlinks; i++) {
		link = rcu_dereference_protected(peer->links[i],
						 lockdep_is_held(&peer->vdev->lock));
		m = vcmp_link_packet_mtu(link);
		if (!mtu || m < mtu)
			mtu = m;
		m = READ_ONCE(link->mtu);
		if (!edge || m < edge)
			edge = m;
	}
	WRITE_ONCE(peer->mtu, mtu);
	WRITE_ONCE(peer->edge_mtu, edge);
}

/**
 * vcmp_link_packet_mtu - the largest inner packet @link carries
 * @link: a link of a peer
 *
 * Return: what the peer's suite leaves of the link's underlay MTU on the
 * link's address family (0 if nothing fits).
 */
unsigned int vcmp_link_packet_mtu(const struct vcmp_link *link)
{
	return vcmp_max_inner(link->peer->suite,
			      link->remote.sa.sa_family == AF_INET6,
			      READ_ONCE(link->mtu));
}

/**
 * vcmp_mss_clamp_skb - lower the MSS of a TCP SYN in @skb to fit @mtu
 * @skb: an inner IPv4 or IPv6 packet, network header set, checksums
 *	complete (not CHECKSUM_PARTIAL)
 * @mtu: the largest inner packet the path carries
 *
 * Fragments, non-TCP packets and malformed headers are left alone (the
 * receive path has its own checks; this is an optimisation for TCP, not a
 * filter).
 *
 * Context: any; does not sleep. Return: true when the MSS was lowered.
 */
bool vcmp_mss_clamp_skb(struct sk_buff *skb, unsigned int mtu)
{
	unsigned int thoff, hlen, floor;
	u16 max_mss;
	u8 *tcp;

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return false;
		thoff = skb_network_offset(skb) + iph->ihl * 4;
		hlen = sizeof(struct iphdr);
		floor = VCMP_MSS_MIN_V4;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		__be16 frag_off = 0;
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		int off;

		off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				       sizeof(struct ipv6hdr), &nexthdr,
				       &frag_off);
		if (off < 0 || nexthdr != IPPROTO_TCP || frag_off)
			return false;
		thoff = off;
		hlen = sizeof(struct ipv6hdr);
		floor = VCMP_MSS_MIN_V6;
	} else {
		return false;
	}
	if (mtu < hlen + sizeof(struct tcphdr) + floor)
		max_mss = floor;
	else
		max_mss = mtu - hlen - sizeof(struct tcphdr);

	if (!pskb_may_pull(skb, thoff + sizeof(struct tcphdr)))
		return false;
	tcp = skb->data + thoff;
	if (!(tcp[13] & VCMP_TCP_FLAG_SYN))
		return false;
	hlen = vcmp_tcp_hdr_len(tcp);
	if (hlen <= sizeof(struct tcphdr) ||
	    skb_ensure_writable(skb, thoff + hlen))
		return false;
	return vcmp_mss_clamp(skb->data + thoff, hlen, max_mss, NULL) ==
	       VCMP_MSS_CLAMPED;
}

/**
 * vcmp_too_big - refuse an inner packet larger than the path allows
 * @skb: a non-GSO inner IPv4 or IPv6 packet, network header set
 * @mtu: the largest inner packet the path carries
 *
 * When @skb is larger than @mtu and must not be fragmented (IPv4 with DF,
 * any IPv6 packet while @mtu is at least IPv6's minimum), the sender is
 * told with ICMP; the caller drops @skb. The route @skb took is left
 * alone: a local sender learns the MTU from the ICMP like any other, and
 * on a gateway a lowered route would make the forwarding code refuse the
 * flow's later packets itself, which vcmp fragments instead (frag.c).
 *
 * Context: ndo_start_xmit. Return: true when the caller must drop @skb.
 */
bool vcmp_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (likely(skb->len <= mtu))
		return false;
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) || mtu < 68)
			return false;
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		if (mtu < IPV6_MIN_MTU)
			return false;
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return true;
	}
	return false;
}
