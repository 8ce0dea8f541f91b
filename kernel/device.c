// SPDX-License-Identifier: GPL-2.0
/*
 * The vcmp net_device: rtnl_link_ops ("ip link add NAME type vcmp") and
 * net_device_ops.
 *
 * Locking: every configuration change (newlink, changelink, open, stop,
 * dellink) runs under RTNL; struct vcmp_dev documents which fields the
 * packet path reads and how.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/vcmp.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "device.h"
#include "frag.h"
#include "monitor.h"
#include "peer.h"
#include "pmtud.h"
#include "send.h"
#include "socket.h"
#include "stats.h"

static struct rtnl_link_ops vcmp_link_ops;

/*
 * The device just opened: every link rediscovers its path MTU (paths
 * may have changed while it was down) and its monitor starts ticking.
 * Context: process; takes vdev->lock.
 */
static void vcmp_open_links(struct vcmp_dev *vdev)
{
	struct vcmp_peer *peer;
	struct vcmp_link *link;
	unsigned int i;

	mutex_lock(&vdev->lock);
	list_for_each_entry(peer, &vdev->peer_list, list) {
		for (i = 0; i < peer->nlinks; i++) {
			link = rcu_dereference_protected(peer->links[i],
							 lockdep_is_held(&vdev->lock));
			vcmp_pmtud_restart(link);
			vcmp_monitor_start(link);
		}
	}
	mutex_unlock(&vdev->lock);
}

static int vcmp_open(struct net_device *dev)
{
	struct vcmp_dev *vdev = netdev_priv(dev);
	struct vcmp_socks socks;
	int err;

	err = vcmp_socket_open(vdev, vdev->port, &socks);
	if (err) {
		netdev_err(dev, "cannot bind UDP port %u: %d\n", vdev->port,
			   err);
		return err;
	}
	vcmp_socket_publish(vdev, &socks);
	vcmp_open_links(vdev);
	return 0;
}

static int vcmp_stop(struct net_device *dev)
{
	vcmp_socket_close(netdev_priv(dev));
	return 0;
}

static const struct device_type vcmp_device_type = {
	.name = KBUILD_MODNAME,
};

/* Under RTNL, while the device is unregistered: peers go first. */
static void vcmp_uninit(struct net_device *dev)
{
	struct vcmp_dev *vdev = netdev_priv(dev);

	mutex_lock(&vdev->lock);
	vdev->dead = true;
	vcmp_peer_del_all(vdev);
	mutex_unlock(&vdev->lock);
	/* No new packet can find a peer; let the ones in crypto finish. */
	wait_var_event(&vdev->inflight, !atomic_read(&vdev->inflight));
	vcmp_reasm_destroy(vdev);
	/* The links' timers are gone: nothing queues MTU work any more. */
	cancel_work_sync(&vdev->mtu_work);
	gro_cells_destroy(&vdev->gro_cells);
}

/* After unregistration: no packet and no netlink request can reach us. */
static void vcmp_destruct(struct net_device *dev)
{
	struct vcmp_dev *vdev = netdev_priv(dev);

	vcmp_peers_destroy(vdev);
	vcmp_dfflows_destroy(&vdev->dfflows);
	vcmp_steer_destroy(vdev);
	mutex_destroy(&vdev->lock);
	vcmp_stats_free(vdev->stats);
	vcmp_compat_tstats_free(dev);
}

static const struct net_device_ops vcmp_netdev_ops = {
	.ndo_uninit		= vcmp_uninit,
	.ndo_open		= vcmp_open,
	.ndo_stop		= vcmp_stop,
	.ndo_start_xmit		= vcmp_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

struct vcmp_dev *vcmp_dev_get_by_index(struct net *net, int ifindex)
{
	struct net_device *dev = dev_get_by_index(net, ifindex);

	if (dev && dev->rtnl_link_ops != &vcmp_link_ops) {
		dev_put(dev);
		dev = NULL;
	}
	return dev ? netdev_priv(dev) : NULL;
}

struct vcmp_dev *vcmp_dev_get_by_name(struct net *net, const char *name)
{
	struct net_device *dev = dev_get_by_name(net, name);

	if (dev && dev->rtnl_link_ops != &vcmp_link_ops) {
		dev_put(dev);
		dev = NULL;
	}
	return dev ? netdev_priv(dev) : NULL;
}

void vcmp_dev_put(struct vcmp_dev *vdev)
{
	dev_put(vdev->dev);
}

#define VCMP_NETDEV_FEATURES (NETIF_F_HW_CSUM | NETIF_F_RXCSUM | NETIF_F_SG | \
			      NETIF_F_GSO | NETIF_F_GSO_SOFTWARE | \
			      NETIF_F_HIGHDMA)

static void vcmp_setup(struct net_device *dev)
{
	struct vcmp_dev *vdev = netdev_priv(dev);

	dev->netdev_ops = &vcmp_netdev_ops;
	dev->ethtool_ops = &vcmp_ethtool_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + VCMP_MAX_OVERHEAD;
	dev->needed_tailroom = VCMP_MAX_TAILROOM;
	dev->mtu = ETH_DATA_LEN - VCMP_MAX_OVERHEAD;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - VCMP_MAX_OVERHEAD;
	/*
	 * Checksums are finished and GSO packets segmented in vcmp_xmit(),
	 * where it is cheapest: once per tunnel packet, after the stack
	 * handed down up to 64 KiB at a time.
	 */
	dev->features |= VCMP_NETDEV_FEATURES;
	dev->hw_features |= VCMP_NETDEV_FEATURES;
	dev->hw_enc_features |= VCMP_NETDEV_FEATURES;
	vcmp_compat_set_lltx(dev);
	vcmp_compat_tstats_setup(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = vcmp_destruct;
	SET_NETDEV_DEVTYPE(dev, &vcmp_device_type);
	/* Keep the dst: ICMP errors to the inner sender need it. */
	netif_keep_dst(dev);

	memset(vdev, 0, sizeof(*vdev));
	vdev->dev = dev;
	vdev->port = VCMP_DEFAULT_PORT;
}

static const struct nla_policy vcmp_policy[IFLA_VCMP_MAX + 1] = {
	[IFLA_VCMP_PORT] = { .type = NLA_U16 },
};

static int vcmp_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "vcmp: a layer-3 tunnel has no link-layer address");
		return -EINVAL;
	}
	if (data && data[IFLA_VCMP_PORT] && !nla_get_u16(data[IFLA_VCMP_PORT])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VCMP_PORT],
				    "vcmp: UDP port must be between 1 and 65535");
		return -EINVAL;
	}
	return 0;
}

/* Another vcmp device in @net that uses @port, if any. */
static struct net_device *vcmp_port_user(struct net *net, u16 port,
					 const struct net_device *self)
{
	struct net_device *dev;

	ASSERT_RTNL();
	for_each_netdev(net, dev) {
		if (dev != self && dev->rtnl_link_ops == &vcmp_link_ops &&
		    ((struct vcmp_dev *)netdev_priv(dev))->port == port)
			return dev;
	}
	return NULL;
}

static int vcmp_check_port(struct net *net, u16 port,
			   const struct net_device *self,
			   struct netlink_ext_ack *extack)
{
	struct net_device *other = vcmp_port_user(net, port, self);

	if (other) {
		NL_SET_ERR_MSG_MOD(extack,
				   "UDP port already used by another vcmp device in this namespace");
		return -EADDRINUSE;
	}
	return 0;
}

static int vcmp_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct vcmp_dev *vdev = netdev_priv(dev);
	int err;

	if (data && data[IFLA_VCMP_PORT])
		vdev->port = nla_get_u16(data[IFLA_VCMP_PORT]);
	err = vcmp_check_port(dev_net(dev), vdev->port, dev, extack);
	if (err)
		return err;

	err = vcmp_compat_tstats_alloc(dev);
	if (err)
		return err;
	vdev->stats = vcmp_stats_alloc();
	if (!vdev->stats)
		goto err_free_tstats;
	err = gro_cells_init(&vdev->gro_cells, dev);
	if (err)
		goto err_free_stats;
	mutex_init(&vdev->lock);
	hash_init(vdev->sa_hash);
	vcmp_peers_init(vdev);
	hash_init(vdev->pmtud_hash);
	spin_lock_init(&vdev->pmtud_lock);
	INIT_WORK(&vdev->mtu_work, vcmp_pmtud_work);
	vcmp_reasm_init(vdev);
	err = vcmp_dfflows_init(&vdev->dfflows);
	if (err)
		goto err_destroy_peers;
	get_random_bytes(&vdev->flow_key, sizeof(vdev->flow_key));
	err = vcmp_steer_init(vdev);
	if (err)
		goto err_free_dfflows;

	err = register_netdevice(dev);
	if (err)
		goto err_free_steer;
	return 0;

err_free_steer:
	vcmp_steer_destroy(vdev);
err_free_dfflows:
	vcmp_dfflows_destroy(&vdev->dfflows);
err_destroy_peers:
	/* ndo_uninit ran if registration got that far; nothing else did. */
	vcmp_peers_destroy(vdev);
	mutex_destroy(&vdev->lock);
	gro_cells_destroy(&vdev->gro_cells);
err_free_stats:
	vcmp_stats_free(vdev->stats);
	vdev->stats = NULL;
err_free_tstats:
	vcmp_compat_tstats_free(dev);
	return err ?: -ENOMEM;
}

static int vcmp_changelink(struct net_device *dev, struct nlattr *tb[],
			   struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct vcmp_dev *vdev = netdev_priv(dev);
	struct vcmp_socks socks;
	u16 port;
	int err;

	if (!data || !data[IFLA_VCMP_PORT])
		return 0;
	port = nla_get_u16(data[IFLA_VCMP_PORT]);
	if (port == vdev->port)
		return 0;
	err = vcmp_check_port(dev_net(dev), port, dev, extack);
	if (err)
		return err;

	if (netif_running(dev)) {
		/* Bind the new port before letting go of the old one. */
		err = vcmp_socket_open(vdev, port, &socks);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "cannot bind the new UDP port");
			return err;
		}
		vcmp_socket_publish(vdev, &socks);
	}
	WRITE_ONCE(vdev->port, port);
	return 0;
}

static size_t vcmp_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u16));	/* IFLA_VCMP_PORT */
}

static int vcmp_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct vcmp_dev *vdev = netdev_priv(dev);

	if (nla_put_u16(skb, IFLA_VCMP_PORT, vdev->port))
		return -EMSGSIZE;
	return 0;
}

static struct rtnl_link_ops vcmp_link_ops __read_mostly = {
	.kind		= "vcmp",
	.priv_size	= sizeof(struct vcmp_dev),
	.maxtype	= IFLA_VCMP_MAX,
	.policy		= vcmp_policy,
	.setup		= vcmp_setup,
	.validate	= vcmp_validate,
	.newlink	= vcmp_newlink,
	.changelink	= vcmp_changelink,
	.get_size	= vcmp_get_size,
	.fill_info	= vcmp_fill_info,
};

int vcmp_device_init(void)
{
	return rtnl_link_register(&vcmp_link_ops);
}

void vcmp_device_exit(void)
{
	/* Deletes every vcmp device in every namespace. */
	rtnl_link_unregister(&vcmp_link_ops);
}
