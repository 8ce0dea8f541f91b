/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vcmp network device: an L3 point-to-point tunnel interface.
 */
#ifndef _VCMP_DEVICE_H
#define _VCMP_DEVICE_H

#include <linux/netdevice.h>
#include <net/sock.h>

#include "stats.h"

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
 */
struct vcmp_dev {
	struct net_device *dev;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	u16 port;
	struct vcmp_pcpu_stats __percpu *stats;
};

int vcmp_device_init(void);
void vcmp_device_exit(void);

#endif /* _VCMP_DEVICE_H */
