/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vcmp network device: an L3 point-to-point tunnel interface.
 */
#ifndef _VCMP_DEVICE_H
#define _VCMP_DEVICE_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/wait_bit.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>
#include <net/gro_cells.h>
#include <net/sock.h>

#include "allowedips.h"
#include "frag.h"
#include "peer.h"
#include "sa.h"
#include "stats.h"
#include "steer.h"

#define VCMP_VERSION "0.1.0"

/*
 * Worst-case bytes vcmp adds around an inner packet. The CBC suite on an
 * IPv6 underlay is the largest: IPv6 (40) + UDP (8) + ESP SPI and sequence
 * (8) + IV (16) + VCMP header and data header (31) + padding (up to 15) +
 * pad length and next header (2) + truncated ICV (12) = 132. (AEAD suites:
 * 8-byte IV, padding up to 3, 16-byte ICV = 116.) The default MTU keeps any
 * inner packet inside a 1500-byte underlay whatever the suite and family.
 */
#define VCMP_MAX_OVERHEAD	(40 + 8 + 8 + 16 + 31 + 15 + 2 + 12)
/* Largest ESP trailer: padding, pad length, next header and ICV. */
#define VCMP_MAX_TAILROOM	(15 + 2 + 16)

/*
 * struct vcmp_dev - private part of a vcmp net_device
 * @dev: the net_device this is the private area of
 * @sock4: IPv4 encapsulation socket while the device is up. Written under
 *	RTNL (ndo_open/ndo_stop/changelink), read under RCU on the packet path.
 * @sock6: IPv6 (v6only) encapsulation socket, same rules as @sock4; NULL
 *	when IPv6 is disabled.
 * @port: UDP port, host order. Written under RTNL; the packet path reads it
 *	with READ_ONCE().
 * @stats: per-cpu drop counters, see stats.h.
 * @lock: serialises configuration of peers, links, prefixes and SAs
 *	(generic netlink, process context). Taken under RTNL on teardown;
 *	never held while taking RTNL.
 * @peer_hash: peers by id; RCU readers, @lock writers
 * @peer_list: peers in creation order, for dumps; @lock
 * @npeers: number of peers; @lock
 * @sa_hash: inbound SAs by SPI; RCU readers, @lock writers
 * @ep_hash: links of plain peers by remote endpoint; RCU readers, @lock
 * @aips: inner prefix -> peer; RCU readers, @lock writers
 * @gro_cells: receive delivery (NAPI/GRO per cpu)
 * @dead: set under @lock when the device is being torn down; netlink
 *	refuses to configure a dead device
 * @inflight: packets between taking their peer reference and leaving
 *	(sent, delivered or dropped), mostly waiting for asynchronous
 *	crypto; teardown waits for zero before the device's resources go
 * @pmtud_hash: links with an outstanding PMTU probe, by the probe's tag
 *	(pmtud.c); RCU readers (ICMP), writers under @pmtud_lock
 * @pmtud_lock: see @pmtud_hash; nests inside a link's pmtud.lock
 * @mtu_work: applies link MTU changes to peers and announces them; takes
 *	@lock; cancelled at teardown after the peers are gone
 * @reasm: reassembly of VCMP fragments (frag.h documents its lock)
 * @dfflows: flows whose oversize DF packets were answered (frag.h)
 * @flow_key: siphash key of @dfflows and the steering flows, random per
 *	device
 * @steer: steering policy and flows (steer.h documents its locking)
 */
struct vcmp_dev {
	struct net_device *dev;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	u16 port;
	struct vcmp_pcpu_stats __percpu *stats;
	struct mutex lock;		/* configuration, see above */
	DECLARE_HASHTABLE(peer_hash, VCMP_PEER_HASH_BITS);
	struct list_head peer_list;
	unsigned int npeers;
	DECLARE_HASHTABLE(sa_hash, VCMP_SA_HASH_BITS);
	DECLARE_HASHTABLE(ep_hash, VCMP_EP_HASH_BITS);
	struct vcmp_allowedips aips;
	struct gro_cells gro_cells;
	bool dead;
	atomic_t inflight;
	DECLARE_HASHTABLE(pmtud_hash, VCMP_PMTUD_HASH_BITS);
	spinlock_t pmtud_lock;	/* see above */
	struct work_struct mtu_work;
	struct vcmp_reasm reasm;
	struct vcmp_dfflows dfflows;
	siphash_key_t flow_key;
	struct vcmp_steer steer;
};

static inline void vcmp_inflight_get(struct vcmp_dev *vdev)
{
	atomic_inc(&vdev->inflight);
}

static inline void vcmp_inflight_put(struct vcmp_dev *vdev)
{
	if (atomic_dec_and_test(&vdev->inflight))
		wake_up_var(&vdev->inflight);
}

/* The vcmp device with @ifindex in @net, or NULL; takes a reference. */
struct vcmp_dev *vcmp_dev_get_by_index(struct net *net, int ifindex);
struct vcmp_dev *vcmp_dev_get_by_name(struct net *net, const char *name);
void vcmp_dev_put(struct vcmp_dev *vdev);

int vcmp_device_init(void);
void vcmp_device_exit(void);

#endif /* _VCMP_DEVICE_H */
