/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference vcmp cares about lives in this file.
 * Supported: 6.1 (Debian 12) up to 6.12 (Debian 12 backports). Shims test
 * for the feature itself: a macro or type where one tells, otherwise a
 * VCMP_HAVE_* flag from a header probe in kernel/Kbuild. No
 * LINUX_VERSION_CODE tests, here or anywhere.
 */
#ifndef _VCMP_COMPAT_H
#define _VCMP_COMPAT_H

#include <linux/crypto.h>
#include <linux/netdevice.h>
/* 6.5 moved skb_gso_segment() from netdevice.h to its own header. */
#ifdef VCMP_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* 6.11 turned the NETIF_F_LLTX feature into the dev->lltx flag. */
static inline void vcmp_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * Per-cpu tstats (struct pcpu_sw_netstats), which iptunnel_xmit() also
 * updates. Since 6.7 the core allocates and frees them when asked through
 * dev->pcpu_stat_type (and 6.12's iptunnel_xmit_stats() warns when it is
 * not set); before, the driver did both. No macro tells: kernel/Kbuild
 * probes the header for the field.
 */
#ifdef VCMP_HAVE_PCPU_STAT_TYPE
static inline void vcmp_compat_tstats_setup(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}

static inline int vcmp_compat_tstats_alloc(struct net_device *dev)
{
	return 0;
}

static inline void vcmp_compat_tstats_free(struct net_device *dev)
{
}
#else
static inline void vcmp_compat_tstats_setup(struct net_device *dev)
{
}

static inline int vcmp_compat_tstats_alloc(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static inline void vcmp_compat_tstats_free(struct net_device *dev)
{
	free_percpu(dev->tstats);
	dev->tstats = NULL;
}
#endif

/*
 * Completion callbacks of asynchronous crypto requests: 6.3 changed
 * crypto_completion_t from void (*)(struct crypto_async_request *, int) to
 * void (*)(void *data, int). No macro tells, so the typedef itself is
 * tested. Declare a callback as
 *	static void fn(VCMP_CRYPTO_CB_ARG arg, int err)
 * (exactly crypto_completion_t on either kernel) and get the data given
 * to aead_request_set_callback() with vcmp_crypto_cb_data(arg).
 */
#define VCMP_CRYPTO_CB_DATA_FIRST					\
	__same_type(crypto_completion_t, void (*)(void *, int))

#define VCMP_CRYPTO_CB_ARG						\
	typeof(__builtin_choose_expr(VCMP_CRYPTO_CB_DATA_FIRST,		\
				     (void *)NULL,			\
				     (struct crypto_async_request *)NULL))

static inline void *vcmp_crypto_cb_data(VCMP_CRYPTO_CB_ARG arg)
{
	/* only the branch for this kernel's type is used */
	return __builtin_choose_expr(VCMP_CRYPTO_CB_DATA_FIRST, (void *)arg,
				     ((struct crypto_async_request *)arg)->data);
}

#endif /* _VCMP_COMPAT_H */
