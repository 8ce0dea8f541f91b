/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peers and their links.
 *
 * A peer is the far end of the tunnel: an id, a segment, an encapsulation
 * (an ESP suite or plain), allowed inner prefixes and up to
 * VCMP_MAX_LINKS links. A link is one underlay path to the peer: a local
 * address (and/or interface) and a remote UDP endpoint.
 *
 * Lifetime and locking:
 * - Configuration (add/set/del of peers, links, prefixes, SAs) is
 *   serialised by vdev->lock, a mutex, taken in process context only.
 *   Device teardown takes it under RTNL; nothing holding vdev->lock ever
 *   takes RTNL.
 * - The packet path finds peers through RCU-protected tables
 *   (vdev->peer_hash by id, vdev->aips by inner address, vdev->sa_hash by
 *   SPI) and must take a reference (vcmp_peer_get) before keeping a peer
 *   beyond its RCU read section, e.g. across asynchronous crypto.
 * - Removal is two-phase: unpublish from every table under vdev->lock,
 *   mark dead, then drop the table's reference; the memory goes after an
 *   RCU grace period when the last reference is gone.
 */
#ifndef _VCMP_PEER_H
#define _VCMP_PEER_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <net/dst_cache.h>

#include "allowedips.h"
#include "fec_rx.h"
#include "fec_tx.h"
#include "monitor.h"
#include "pmtud.h"
#include "resend.h"
#include "rx_jitter.h"
#include "rx_reseq.h"
#include "wire.h"

struct netlink_ext_ack;
struct vcmp_dev;
struct vcmp_sa;

#define VCMP_MAX_LINKS		16

/* An underlay address and UDP port; family AF_UNSPEC when unset. */
union vcmp_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/*
 * struct vcmp_link_cfg - what netlink asks for when adding or changing a link
 * @id: link id (0-255), unique within the peer
 * @local: local address to send from (AF_UNSPEC: the route's choice);
 *	its port is ignored, the device's port is used
 * @ifindex: interface to send on, 0 for any
 * @remote: the peer's address and port on this link (port 0: device port)
 * @mtu: underlay MTU set by hand, 0 for VCMP_LINK_DEFAULT_MTU
 * @bandwidth_kbps: configured capacity to the peer, 0: unknown
 */
struct vcmp_link_cfg {
	u8 id;
	union vcmp_sockaddr local;
	int ifindex;
	union vcmp_sockaddr remote;
	u32 mtu;
	u32 bandwidth_kbps;
};

/*
 * struct vcmp_link - one underlay path to a peer
 * @peer: owner, not referenced: whoever holds a link reference also
 *	holds one on the peer
 * @id: link id, carried in every packet sent on it
 * @local: see struct vcmp_link_cfg; immutable once published
 * @ifindex: ditto
 * @remote: the remote endpoint; for ESP peers it follows the source of
 *	authenticated packets (NAT rebinding): guarded by @endpoint_lock
 * @endpoint_lock: seqlock for @remote, written from softirq
 * @dst_cache: route cache for this path; reset when @remote changes
 * @mtu_cfg: underlay MTU set by hand (0: none); immutable once published
 * @mtu: underlay MTU in use: @mtu_cfg, else what path MTU discovery
 *	found (VCMP_LINK_DEFAULT_MTU until then); written under
 *	@pmtud.lock, read with READ_ONCE
 * @pmtud: path MTU discovery (pmtud.h documents its locking)
 * @view: lock-free summary of the link's measurements (monitor.h)
 * @mon: the link's measurements, probes and state (monitor.h)
 * @resend: copies of its unacknowledged packets, for failover (resend.h)
 * @bandwidth_kbps: configured capacity, steering's before a measured
 *	one; immutable once published
 * @steer_free_ns: spray model: when the link's queue is empty (steer.h
 *	documents its lockless use)
 * @events: VCMP_LINK_EV_* bits for the device's MTU work, atomic bitops
 * @tx_seq: per-link sequence number of the last packet sent
 * @ep_node: plain peers only: in vdev->ep_hash by @remote, so that
 *	unauthenticated packets find their link (RCU readers, vdev->lock)
 * @refcount: the peer's slot holds one; a packet in flight holds one
 * @rcu: frees the link after a grace period
 */
struct vcmp_link {
	struct vcmp_peer *peer;
	u8 id;
	union vcmp_sockaddr local;
	int ifindex;
	union vcmp_sockaddr remote;
	seqlock_t endpoint_lock;
	struct dst_cache dst_cache;
	u32 mtu_cfg;
	u32 mtu;
	struct vcmp_pmtud pmtud;
	struct vcmp_link_view view;
	struct vcmp_monitor mon;
	struct vcmp_resend resend;
	u32 bandwidth_kbps;
	u64 steer_free_ns;
	unsigned long events;
	atomic_t tx_seq;
	struct hlist_node ep_node;
	struct kref refcount;
	struct rcu_head rcu;
};

/* Bits of vcmp_link.events. */
#define VCMP_LINK_EV_MTU	0	/* @mtu changed: recompute, announce */
#define VCMP_LINK_EV_STATE	1	/* link state changed: announce */

/*
 * struct vcmp_peer_cfg - netlink's view of a peer's settings
 * @id: peer id, unique within the device (non-zero)
 * @segment: network segment id carried in every packet
 * @suite: VCMP_SUITE_PLAIN or the ESP suite its SAs must use
 */
struct vcmp_peer_cfg {
	u32 id;
	u16 segment;
	enum vcmp_suite suite;
};

/*
 * struct vcmp_peer - a remote site
 * @vdev: the device (no reference: peers die before their device)
 * @id: peer id
 * @segment: segment id; written under vdev->lock, read with READ_ONCE
 * @suite: encapsulation; immutable once the peer exists
 * @hnode: in vdev->peer_hash (RCU readers, vdev->lock writers)
 * @list: in vdev->peer_list, vdev->lock
 * @links: up to VCMP_MAX_LINKS links, RCU readers, vdev->lock writers;
 *	slots are used from 0 without holes
 * @nlinks: number of used slots, vdev->lock
 * @tx_sa: the outbound SA in use (NULL for plain peers or before one is
 *	installed); RCU readers, vdev->lock writers
 * @sa_list: all SAs of the peer, both directions, newest first; vdev->lock
 * @aips: this peer's allowed-IPs prefixes in vdev->aips
 * @mtu: effective packet MTU: the largest inner packet any of its links
 *	carries (see mtu.c); 0 without links. vdev->lock writers, READ_ONCE
 * @edge_mtu: the smallest underlay MTU of its links; like @mtu
 * @tx_peer_seq: per-peer sequence number of the last packet sent
 * @tx_frag_id: fragment id of the last inner packet split in fragments
 * @fec_tx: the open FEC group of outgoing FEC-mode traffic (fec_tx.h)
 * @fec_rx: FEC groups being received (fec_rx.h)
 * @dead: set under vdev->lock when the peer is being removed; the packet
 *	path stops using a dead peer
 * @reseq: receive resequencing (rx_reseq.h documents its locking)
 * @jitter: receive jitter buffer (rx_jitter.h documents its locking)
 * @refcount: the tables hold one reference; the packet path takes more
 * @rcu: frees the peer after a grace period
 */
struct vcmp_peer {
	struct vcmp_dev *vdev;
	u32 id;
	u16 segment;
	enum vcmp_suite suite;
	struct hlist_node hnode;
	struct list_head list;
	struct vcmp_link __rcu *links[VCMP_MAX_LINKS];
	unsigned int nlinks;
	struct vcmp_sa __rcu *tx_sa;
	struct list_head sa_list;
	struct vcmp_aip_owner aips;
	atomic_t tx_peer_seq;
	atomic_t tx_frag_id;
	struct vcmp_fec_tx fec_tx;
	struct vcmp_fec_rx fec_rx;
	unsigned int mtu;
	unsigned int edge_mtu;
	bool dead;
	struct vcmp_rx_reseq reseq;
	struct vcmp_rx_jitter jitter;
	struct kref refcount;
	struct rcu_head rcu;
};

/* Peer table of a device; lives in struct vcmp_dev. */
#define VCMP_PEER_HASH_BITS	12
#define VCMP_EP_HASH_BITS	10

int vcmp_peers_init(struct vcmp_dev *vdev);
void vcmp_peers_destroy(struct vcmp_dev *vdev);

/* Configuration: vdev->lock held. */
struct vcmp_peer *vcmp_peer_find(struct vcmp_dev *vdev, u32 id);
int vcmp_peer_add(struct vcmp_dev *vdev, const struct vcmp_peer_cfg *cfg,
		  struct netlink_ext_ack *extack);
int vcmp_peer_set_segment(struct vcmp_peer *peer, u16 segment);
void vcmp_peer_del(struct vcmp_peer *peer);
void vcmp_peer_del_all(struct vcmp_dev *vdev);
int vcmp_peer_add_prefix(struct vcmp_peer *peer, int family, const u8 *addr,
			 u8 cidr, struct netlink_ext_ack *extack);
int vcmp_peer_del_prefix(struct vcmp_peer *peer, int family, const u8 *addr,
			 u8 cidr, struct netlink_ext_ack *extack);
void vcmp_peer_clear_prefixes(struct vcmp_peer *peer);

int vcmp_link_add(struct vcmp_peer *peer, const struct vcmp_link_cfg *cfg,
		  struct netlink_ext_ack *extack);
int vcmp_link_del(struct vcmp_peer *peer, u8 id,
		  struct netlink_ext_ack *extack);
struct vcmp_link *vcmp_link_find(struct vcmp_peer *peer, u8 id);
void vcmp_link_get_remote(struct vcmp_link *link,
			  union vcmp_sockaddr *remote);

/* Packet path. */
struct vcmp_peer *vcmp_peer_lookup_rcu(struct vcmp_dev *vdev, u32 id);
struct vcmp_peer *vcmp_peer_get(struct vcmp_peer *peer);
void vcmp_peer_put(struct vcmp_peer *peer);
struct vcmp_link *vcmp_link_get(struct vcmp_link *link);
bool vcmp_ep_equal(const union vcmp_sockaddr *a, const union vcmp_sockaddr *b);
struct vcmp_link *vcmp_link_lookup_plain_rcu(struct vcmp_dev *vdev,
					     const union vcmp_sockaddr *from);
void vcmp_link_put(struct vcmp_link *link);

#endif /* _VCMP_PEER_H */
