/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference vcmp cares about lives in this file.
 * Supported: 6.1 (Debian 12) up to 6.12 (Debian 12 backports). Shims test
 * for the feature itself where a macro tells; LINUX_VERSION_CODE is used
 * only where nothing else can, and never outside this file.
 */
#ifndef _VCMP_COMPAT_H
#define _VCMP_COMPAT_H

#include <linux/netdevice.h>

/* 6.11 turned the NETIF_F_LLTX feature into the dev->lltx flag. */
static inline void vcmp_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

#endif /* _VCMP_COMPAT_H */
