// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "vcmp": configuration of peers, links, allowed
 * inner prefixes and security associations. The messages and attributes
 * are specified by Documentation/netlink/specs/vcmp.yaml and explained in
 * Documentation/netlink.rst.
 *
 * Rules every operation follows:
 * - it needs CAP_NET_ADMIN in the user namespace owning the caller's
 *   network namespace (GENL_UNS_ADMIN_PERM) and works on a vcmp device of
 *   that namespace, held by a reference for the duration of the call;
 * - it runs under the device's configuration mutex (vdev->lock), refuses a
 *   device being deleted (vdev->dead) and never takes RTNL;
 * - a request is validated completely before anything changes, and every
 *   refusal carries an extended ACK message (fixed strings: 6.1 has no
 *   formatted ones);
 * - after a change succeeded, an event goes to the "events" multicast
 *   group of the device's namespace. Key material is never sent back and
 *   the copy handed to the SA code is wiped.
 */
#include <linux/bsearch.h>
#include <linux/if.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/vcmp.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "crypto.h"
#include "device.h"
#include "monitor.h"
#include "mtu.h"
#include "netlink.h"
#include "peer.h"
#include "pmtud.h"
#include "sa.h"
#include "steer.h"
#include "wire.h"

/*
 * Largest reply to a peer-get "do" request. A larger peer is refused with
 * EMSGSIZE: a dump sends it in parts (a single reply that large would not
 * fit in the receive buffer of many sockets along with its ACK).
 */
#define VCMP_NL_REPLY_MAX	(64 * 1024)

/* Index of the "events" group in vcmp_genl_mcgrps. */
enum {
	VCMP_MCGRP_EVENTS,
};

static struct genl_family vcmp_genl_family;

/* Every message names the module, as NL_SET_ERR_MSG_MOD() does. */
#define VCMP_NL_ERR_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

/*
 * True, with an extack message and the missing attribute's type and nest
 * recorded, when attribute @type of @tb (the contents of @nest, NULL for
 * the top level) is absent.
 */
#define VCMP_NL_MISSING(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *_ea = (extack);				\
	int _type = (type);						\
	bool _missing = !(tb)[_type];					\
									\
	if (_missing) {							\
		NL_SET_ERR_MSG_MOD(_ea, msg);				\
		NL_SET_ERR_ATTR_MISS(_ea, nest, _type);			\
	}								\
	_missing;							\
})

/* --- policies ----------------------------------------------------------- */

/* Not const: 6.1's struct nla_policy points to them without const. */
static struct netlink_range_validation vcmp_ifindex_range = {
	.min = 1,
	.max = INT_MAX,
};

/* An underlay MTU set by hand: IPv4's minimum up to the largest datagram. */
static struct netlink_range_validation vcmp_link_mtu_range = {
	.min = 68,
	.max = 65535,
};

static struct netlink_range_validation vcmp_link_ifindex_range = {
	.min = 0,
	.max = INT_MAX,
};

static struct netlink_range_validation vcmp_spi_range = {
	.min = VCMP_SA_SPI_MIN,
	.max = U32_MAX,
};

static const struct nla_policy vcmp_allowed_ip_policy[VCMP_A_ALLOWED_IP_MAX + 1] = {
	[VCMP_A_ALLOWED_IP_FAMILY] = NLA_POLICY_RANGE(NLA_U16, AF_INET, AF_INET6),
	[VCMP_A_ALLOWED_IP_ADDR] = NLA_POLICY_RANGE(NLA_BINARY,
						    sizeof(struct in_addr),
						    sizeof(struct in6_addr)),
	[VCMP_A_ALLOWED_IP_CIDR] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy vcmp_link_policy[VCMP_A_LINK_MAX + 1] = {
	[VCMP_A_LINK_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VCMP_A_LINK_ID] = { .type = NLA_U8 },
	[VCMP_A_LINK_FAMILY] = NLA_POLICY_RANGE(NLA_U16, AF_INET, AF_INET6),
	[VCMP_A_LINK_LOCAL] = NLA_POLICY_RANGE(NLA_BINARY,
					       sizeof(struct in_addr),
					       sizeof(struct in6_addr)),
	[VCMP_A_LINK_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &vcmp_link_ifindex_range),
	[VCMP_A_LINK_REMOTE] = NLA_POLICY_RANGE(NLA_BINARY,
						sizeof(struct in_addr),
						sizeof(struct in6_addr)),
	[VCMP_A_LINK_REMOTE_PORT] = { .type = NLA_U16 },
	[VCMP_A_LINK_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32, &vcmp_link_mtu_range),
	[VCMP_A_LINK_PACKET_MTU] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_LINK_PATH_MTU] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_LINK_PMTUD] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_LINK_BANDWIDTH] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATE] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_LINK_STATS] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
};

static const struct nla_policy vcmp_sa_policy[VCMP_A_SA_MAX + 1] = {
	[VCMP_A_SA_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VCMP_A_SA_SPI] = NLA_POLICY_FULL_RANGE(NLA_U32, &vcmp_spi_range),
	[VCMP_A_SA_DIR] = NLA_POLICY_MAX(NLA_U8, VCMP_NL_DIR_OUT),
	[VCMP_A_SA_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, VCMP_KEY_MAX_LEN),
};

static const struct nla_policy vcmp_peer_policy[VCMP_A_PEER_MAX + 1] = {
	[VCMP_A_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VCMP_A_PEER_SEGMENT] = { .type = NLA_U16 },
	[VCMP_A_PEER_SUITE] = NLA_POLICY_MAX(NLA_U32,
					     VCMP_NL_SUITE_AES_CBC_HMAC_SHA1),
	[VCMP_A_PEER_ALLOWED_IPS] =
		NLA_POLICY_NESTED_ARRAY(vcmp_allowed_ip_policy),
	[VCMP_A_PEER_REPLACE_ALLOWED_IPS] = { .type = NLA_FLAG },
	[VCMP_A_PEER_LINKS] = NLA_POLICY_NESTED_ARRAY(vcmp_link_policy),
	[VCMP_A_PEER_SAS] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": SAs are added with sa-new, not in a peer",
	},
	[VCMP_A_PEER_MTU] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_PEER_EDGE_MTU] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_PEER_RESEQ] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
};

static const struct nla_policy vcmp_class_link_policy[VCMP_A_CLASS_LINK_MAX + 1] = {
	[VCMP_A_CLASS_LINK_ID] = { .type = NLA_U8 },
	[VCMP_A_CLASS_LINK_ROLE] = NLA_POLICY_MAX(NLA_U8, VCMP_NL_ROLE_BACKUP),
};

static const struct nla_policy vcmp_class_policy[VCMP_A_CLASS_MAX + 1] = {
	[VCMP_A_CLASS_ID] = NLA_POLICY_MAX(NLA_U8, VCMP_CLASS_ID_MAX),
	[VCMP_A_CLASS_NAME] = {
		.type = NLA_NUL_STRING,
		.len = VCMP_CLASS_NAME_LEN - 1,
	},
	[VCMP_A_CLASS_MODE] = NLA_POLICY_MAX(NLA_U8, VCMP_NL_CLASS_MODE_FEC),
	[VCMP_A_CLASS_QOE] = NLA_POLICY_MAX(NLA_U8, VCMP_NL_QOE_BULK),
	[VCMP_A_CLASS_LINKS] = NLA_POLICY_NESTED_ARRAY(vcmp_class_link_policy),
	[VCMP_A_CLASS_TX_PACKETS] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_CLASS_PAD] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_CLASS_JITTER_MS] = NLA_POLICY_MAX(NLA_U16, VCMP_JITTER_MS_MAX),
};

static const struct nla_policy vcmp_rule_policy[VCMP_A_RULE_MAX + 1] = {
	[VCMP_A_RULE_ID] = NLA_POLICY_MIN(NLA_U16, 1),
	[VCMP_A_RULE_CLASS] = NLA_POLICY_MAX(NLA_U8, VCMP_CLASS_ID_MAX),
	[VCMP_A_RULE_FAMILY] = NLA_POLICY_RANGE(NLA_U16, AF_INET, AF_INET6),
	[VCMP_A_RULE_DSCP] = NLA_POLICY_MAX(NLA_U8, 63),
	[VCMP_A_RULE_PROTO] = { .type = NLA_U8 },
	[VCMP_A_RULE_SRC] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
					     sizeof(struct in6_addr)),
	[VCMP_A_RULE_SRC_CIDR] = NLA_POLICY_MAX(NLA_U8, 128),
	[VCMP_A_RULE_DST] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
					     sizeof(struct in6_addr)),
	[VCMP_A_RULE_DST_CIDR] = NLA_POLICY_MAX(NLA_U8, 128),
	[VCMP_A_RULE_SPORT_MIN] = { .type = NLA_U16 },
	[VCMP_A_RULE_SPORT_MAX] = { .type = NLA_U16 },
	[VCMP_A_RULE_DPORT_MIN] = { .type = NLA_U16 },
	[VCMP_A_RULE_DPORT_MAX] = { .type = NLA_U16 },
};

static const struct nla_policy vcmp_policy[VCMP_A_MAX + 1] = {
	[VCMP_A_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &vcmp_ifindex_range),
	[VCMP_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VCMP_A_PORT] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": the port is set over rtnetlink",
	},
	[VCMP_A_PEER_COUNT] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_VERSION] = {
		.type = NLA_REJECT,
		.reject_message = KBUILD_MODNAME ": attribute only valid in replies",
	},
	[VCMP_A_PEER] = NLA_POLICY_NESTED(vcmp_peer_policy),
	[VCMP_A_LINK] = NLA_POLICY_NESTED(vcmp_link_policy),
	[VCMP_A_SA] = NLA_POLICY_NESTED(vcmp_sa_policy),
	[VCMP_A_CLASS] = NLA_POLICY_NESTED(vcmp_class_policy),
	[VCMP_A_RULE] = NLA_POLICY_NESTED(vcmp_rule_policy),
};

/* --- translations between the uAPI and the kernel's enums --------------- */

static const enum vcmp_suite vcmp_nl_suites[] = {
	[VCMP_NL_SUITE_PLAIN] = VCMP_SUITE_PLAIN,
	[VCMP_NL_SUITE_AES_GCM_128] = VCMP_SUITE_AES_GCM_128,
	[VCMP_NL_SUITE_AES_GCM_256] = VCMP_SUITE_AES_GCM_256,
	[VCMP_NL_SUITE_CHACHA20_POLY1305] = VCMP_SUITE_CHACHA20_POLY1305,
	[VCMP_NL_SUITE_AES_CBC_HMAC_SHA1] = VCMP_SUITE_AES_CBC_HMAC_SHA1,
};

/* The policy caps the value at the last entry of the table. */
static enum vcmp_suite vcmp_nl_get_suite(const struct nlattr *attr)
{
	return vcmp_nl_suites[array_index_nospec(nla_get_u32(attr),
						 ARRAY_SIZE(vcmp_nl_suites))];
}

static u32 vcmp_nl_suite_to_user(enum vcmp_suite suite)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(vcmp_nl_suites); i++)
		if (vcmp_nl_suites[i] == suite)
			break;
	return i;
}

static enum vcmp_sa_dir vcmp_nl_get_dir(const struct nlattr *attr)
{
	return nla_get_u8(attr) == VCMP_NL_DIR_OUT ? VCMP_SA_DIR_OUT :
						      VCMP_SA_DIR_IN;
}

static u8 vcmp_nl_dir_to_user(enum vcmp_sa_dir dir)
{
	return dir == VCMP_SA_DIR_OUT ? VCMP_NL_DIR_OUT : VCMP_NL_DIR_IN;
}

/* --- requests: device, peer, addresses ---------------------------------- */

/*
 * The vcmp device a request names in @net, referenced; an ERR_PTR with an
 * extack message when there is none.
 */
static struct vcmp_dev *vcmp_nl_dev_get(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct nlattr *attr;
	struct vcmp_dev *vdev;
	bool exists;

	if (attrs[VCMP_A_IFINDEX] && attrs[VCMP_A_IFNAME]) {
		VCMP_NL_ERR_ATTR(extack, attrs[VCMP_A_IFNAME],
				 "give the device by ifindex or by ifname, not both");
		return ERR_PTR(-EINVAL);
	}
	if (attrs[VCMP_A_IFINDEX]) {
		int ifindex = nla_get_u32(attrs[VCMP_A_IFINDEX]);

		attr = attrs[VCMP_A_IFINDEX];
		vdev = vcmp_dev_get_by_index(net, ifindex);
		if (vdev)
			return vdev;
		rcu_read_lock();
		exists = dev_get_by_index_rcu(net, ifindex);
		rcu_read_unlock();
	} else if (attrs[VCMP_A_IFNAME]) {
		const char *name = nla_data(attrs[VCMP_A_IFNAME]);

		attr = attrs[VCMP_A_IFNAME];
		vdev = vcmp_dev_get_by_name(net, name);
		if (vdev)
			return vdev;
		rcu_read_lock();
		exists = dev_get_by_name_rcu(net, name);
		rcu_read_unlock();
	} else {
		NL_SET_ERR_MSG_MOD(extack, "missing device: give ifindex or ifname");
		NL_SET_ERR_ATTR_MISS(extack, NULL, VCMP_A_IFINDEX);
		return ERR_PTR(-EINVAL);
	}
	if (exists) {
		VCMP_NL_ERR_ATTR(extack, attr, "not a vcmp device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	VCMP_NL_ERR_ATTR(extack, attr, "no such device");
	return ERR_PTR(-ENODEV);
}

/* The peer whose id is in @attr (vdev->lock held), or NULL with extack. */
static struct vcmp_peer *vcmp_nl_peer_find(struct vcmp_dev *vdev,
					   const struct nlattr *attr,
					   struct netlink_ext_ack *extack)
{
	struct vcmp_peer *peer = vcmp_peer_find(vdev, nla_get_u32(attr));

	if (!peer)
		VCMP_NL_ERR_ATTR(extack, attr, "no peer with this id");
	return peer;
}

/* AF_INET or AF_INET6 from a family attribute, or a negative errno. */
static int vcmp_nl_get_family(const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	u16 family = nla_get_u16(attr);

	if (family == AF_INET ||
	    (family == AF_INET6 && IS_ENABLED(CONFIG_IPV6)))
		return family;
	VCMP_NL_ERR_ATTR(extack, attr, "address family must be AF_INET or AF_INET6");
	return -EAFNOSUPPORT;
}

static unsigned int vcmp_nl_addr_len(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) :
				   sizeof(struct in6_addr);
}

/* An address of @family in @attr into @sa, port 0. */
static int vcmp_nl_get_sockaddr(union vcmp_sockaddr *sa, int family,
				const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	memset(sa, 0, sizeof(*sa));
	if (nla_len(attr) != vcmp_nl_addr_len(family)) {
		VCMP_NL_ERR_ATTR(extack, attr, "address length does not match the address family");
		return -EINVAL;
	}
	if (family == AF_INET) {
		sa->sin.sin_family = AF_INET;
		sa->sin.sin_addr.s_addr = nla_get_in_addr(attr);
	} else {
		sa->sin6.sin6_family = AF_INET6;
		sa->sin6.sin6_addr = nla_get_in6_addr(attr);
	}
	return 0;
}

/*
 * A link's remote end must be one host: not the unspecified address, not
 * 0.0.0.0/8, a multicast or the limited broadcast address.
 */
static bool vcmp_nl_unicast(const union vcmp_sockaddr *sa)
{
	__be32 a;

	if (sa->sa.sa_family == AF_INET6)
		return !ipv6_addr_any(&sa->sin6.sin6_addr) &&
		       !ipv6_addr_is_multicast(&sa->sin6.sin6_addr);
	a = sa->sin.sin_addr.s_addr;
	return !ipv4_is_zeronet(a) && !ipv4_is_multicast(a) &&
	       !ipv4_is_lbcast(a);
}

/* --- requests: allowed-ips ------------------------------------------------ */

struct vcmp_nl_prefix {
	int family;
	u8 addr[sizeof(struct in6_addr)];
	u8 cidr;
};

static int vcmp_nl_parse_prefix(const struct nlattr *nest,
				struct vcmp_nl_prefix *p,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VCMP_A_ALLOWED_IP_MAX + 1];
	int err;

	err = nla_parse_nested(tb, VCMP_A_ALLOWED_IP_MAX, nest,
			       vcmp_allowed_ip_policy, extack);
	if (err)
		return err;
	if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_ALLOWED_IP_FAMILY,
			    "allowed IP without family") ||
	    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_ALLOWED_IP_ADDR,
			    "allowed IP without address") ||
	    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_ALLOWED_IP_CIDR,
			    "allowed IP without prefix length"))
		return -EINVAL;
	p->family = vcmp_nl_get_family(tb[VCMP_A_ALLOWED_IP_FAMILY], extack);
	if (p->family < 0)
		return p->family;
	if (nla_len(tb[VCMP_A_ALLOWED_IP_ADDR]) != vcmp_nl_addr_len(p->family)) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_ALLOWED_IP_ADDR],
				 "address length does not match the address family");
		return -EINVAL;
	}
	p->cidr = nla_get_u8(tb[VCMP_A_ALLOWED_IP_CIDR]);
	if (p->cidr > vcmp_nl_addr_len(p->family) * 8) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_ALLOWED_IP_CIDR],
				 "prefix length too long for the address family");
		return -EINVAL;
	}
	memset(p->addr, 0, sizeof(p->addr));
	nla_memcpy(p->addr, tb[VCMP_A_ALLOWED_IP_ADDR], sizeof(p->addr));
	return 0;
}

/*
 * Add the prefixes of the allowed-ips array @list (may be NULL) to @peer,
 * or with @peer NULL only check them.
 */
static int vcmp_nl_prefixes(struct vcmp_peer *peer, const struct nlattr *list,
			    struct netlink_ext_ack *extack)
{
	struct vcmp_nl_prefix p;
	struct nlattr *nest;
	int rem, err;

	if (!list)
		return 0;
	nla_for_each_nested(nest, list, rem) {
		err = vcmp_nl_parse_prefix(nest, &p, extack);
		if (!err && peer)
			err = vcmp_peer_add_prefix(peer, p.family, p.addr,
						   p.cidr, extack);
		if (err)
			return err;
	}
	return 0;
}

/* Compare two prefixes, for sort() and bsearch(). */
static int vcmp_nl_prefix_cmp(const void *a, const void *b)
{
	const struct vcmp_nl_prefix *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->cidr != y->cidr)
		return x->cidr < y->cidr ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* @p with the address bits beyond its prefix length cleared. */
static void vcmp_nl_prefix_mask(struct vcmp_nl_prefix *p)
{
	unsigned int i, bits = p->cidr;

	for (i = 0; i < sizeof(p->addr); i++, bits = bits > 8 ? bits - 8 : 0)
		p->addr[i] &= bits >= 8 ? 0xff : (u8)(0xff00 >> bits);
}

/* The peer's current prefixes that are not in the sorted list. */
struct vcmp_nl_stale {
	const struct vcmp_nl_prefix *want;
	unsigned int nwant;
	struct vcmp_nl_prefix *stale;
	unsigned int nstale, cap;
};

static int vcmp_nl_collect_stale(void *arg, int family, const u8 *addr,
				 u8 cidr)
{
	struct vcmp_nl_stale *s = arg;
	struct vcmp_nl_prefix p = {
		.family = family == 4 ? AF_INET : AF_INET6,
		.cidr = cidr,
	};

	memcpy(p.addr, addr, family == 4 ? 4 : 16);
	if (bsearch(&p, s->want, s->nwant, sizeof(p), vcmp_nl_prefix_cmp))
		return 0;
	if (WARN_ON_ONCE(s->nstale == s->cap))
		return -EOVERFLOW;
	s->stale[s->nstale++] = p;
	return 0;
}

/*
 * Make @list the prefixes of @peer without a moment in which a prefix in
 * both the old and the new set has no owner: the new ones are added
 * first, then the old ones not among them removed. (Clearing first would
 * drop the packets that arrive in between.)
 */
static int vcmp_nl_prefixes_replace(struct vcmp_peer *peer,
				    const struct nlattr *list,
				    struct netlink_ext_ack *extack)
{
	struct vcmp_nl_stale s = { };
	struct vcmp_nl_prefix *want;
	unsigned int n = 0, i;
	struct nlattr *nest;
	int rem, err = 0;

	if (list)
		nla_for_each_nested(nest, list, rem)
			n++;
	want = kvmalloc_array(n ?: 1, sizeof(*want), GFP_KERNEL);
	s.cap = peer->aips.count;
	s.stale = kvmalloc_array(s.cap ?: 1, sizeof(*s.stale), GFP_KERNEL);
	if (!want || !s.stale) {
		err = -ENOMEM;
		goto out;
	}
	i = 0;
	if (list) {
		nla_for_each_nested(nest, list, rem) {
			err = vcmp_nl_parse_prefix(nest, &want[i], extack);
			if (err)
				goto out;
			vcmp_nl_prefix_mask(&want[i]);
			i++;
		}
	}
	sort(want, n, sizeof(*want), vcmp_nl_prefix_cmp, NULL);
	s.want = want;
	s.nwant = n;
	err = vcmp_aip_walk_owner(&peer->vdev->aips, &peer->aips,
				  vcmp_nl_collect_stale, &s);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		err = vcmp_peer_add_prefix(peer, want[i].family, want[i].addr,
					   want[i].cidr, extack);
		if (err)
			goto out;
	}
	for (i = 0; i < s.nstale; i++)
		vcmp_peer_del_prefix(peer, s.stale[i].family, s.stale[i].addr,
				     s.stale[i].cidr, NULL);
out:
	kvfree(s.stale);
	kvfree(want);
	return err;
}

/* --- requests: links ------------------------------------------------------ */

/*
 * Parse the link nest @nest into @cfg. *@peer_id is the peer the link
 * belongs to: 0 for a link given on its own, whose peer-id is then
 * required and stored there; otherwise the id of the peer the link is
 * nested in, which a peer-id in the link must match. With @addresses
 * false only the ids are looked at (link-del).
 */
static int vcmp_nl_parse_link(struct net *net, const struct nlattr *nest,
			      u32 *peer_id, bool addresses,
			      struct vcmp_link_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VCMP_A_LINK_MAX + 1];
	int family, err;

	err = nla_parse_nested(tb, VCMP_A_LINK_MAX, nest, vcmp_link_policy,
			       extack);
	if (err)
		return err;
	if (!*peer_id) {
		if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_LINK_PEER_ID,
				    "link without peer-id"))
			return -EINVAL;
		*peer_id = nla_get_u32(tb[VCMP_A_LINK_PEER_ID]);
	} else if (tb[VCMP_A_LINK_PEER_ID] &&
		   nla_get_u32(tb[VCMP_A_LINK_PEER_ID]) != *peer_id) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_LINK_PEER_ID],
				 "peer-id of the link differs from the id of its peer");
		return -EINVAL;
	}
	if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_LINK_ID, "link without id"))
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = nla_get_u8(tb[VCMP_A_LINK_ID]);
	if (!addresses)
		return 0;

	if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_LINK_REMOTE,
			    "link without remote address") ||
	    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_LINK_FAMILY,
			    "link without address family"))
		return -EINVAL;
	family = vcmp_nl_get_family(tb[VCMP_A_LINK_FAMILY], extack);
	if (family < 0)
		return family;
	err = vcmp_nl_get_sockaddr(&cfg->remote, family, tb[VCMP_A_LINK_REMOTE],
				   extack);
	if (err)
		return err;
	if (!vcmp_nl_unicast(&cfg->remote)) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_LINK_REMOTE],
				 "the remote address of a link must be unicast");
		return -EINVAL;
	}
	if (tb[VCMP_A_LINK_REMOTE_PORT]) {
		__be16 port = htons(nla_get_u16(tb[VCMP_A_LINK_REMOTE_PORT]));

		if (family == AF_INET)
			cfg->remote.sin.sin_port = port;
		else
			cfg->remote.sin6.sin6_port = port;
	}
	if (tb[VCMP_A_LINK_LOCAL]) {
		err = vcmp_nl_get_sockaddr(&cfg->local, family,
					   tb[VCMP_A_LINK_LOCAL], extack);
		if (err)
			return err;
	}
	if (tb[VCMP_A_LINK_MTU])
		cfg->mtu = nla_get_u32(tb[VCMP_A_LINK_MTU]);
	if (tb[VCMP_A_LINK_BANDWIDTH])
		cfg->bandwidth_kbps = nla_get_u32(tb[VCMP_A_LINK_BANDWIDTH]);
	if (tb[VCMP_A_LINK_IFINDEX]) {
		bool exists;

		cfg->ifindex = nla_get_u32(tb[VCMP_A_LINK_IFINDEX]);
		rcu_read_lock();
		exists = !cfg->ifindex || dev_get_by_index_rcu(net, cfg->ifindex);
		rcu_read_unlock();
		if (!exists) {
			VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_LINK_IFINDEX],
					 "no such interface for the link");
			return -ENODEV;
		}
	}
	return 0;
}

/*
 * Checks vcmp_link_add() would also make, done first so that the messages
 * are the family's and a peer-new with links fails before it creates the
 * peer. @extra: links about to be added besides the peer's own.
 */
static int vcmp_nl_link_room(struct vcmp_peer *peer, unsigned int extra,
			     u8 id, const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	if (peer && vcmp_link_find(peer, id)) {
		VCMP_NL_ERR_ATTR(extack, attr, "the peer already has a link with this id");
		return -EEXIST;
	}
	if ((peer ? peer->nlinks : 0) + extra >= VCMP_MAX_LINKS) {
		VCMP_NL_ERR_ATTR(extack, attr,
				 "too many links (at most " __stringify(VCMP_MAX_LINKS) ")");
		return -ENOSPC;
	}
	return 0;
}

/* The links array @list of a new peer @peer_id into @cfgs (room for all). */
static int vcmp_nl_parse_links(struct net *net, const struct nlattr *list,
			       u32 peer_id, struct vcmp_link_cfg *cfgs,
			       unsigned int *n, struct netlink_ext_ack *extack)
{
	struct nlattr *nest;
	unsigned int i;
	int rem, err;

	*n = 0;
	nla_for_each_nested(nest, list, rem) {
		err = vcmp_nl_link_room(NULL, *n, 0, nest, extack);
		if (err)
			return err;
		err = vcmp_nl_parse_link(net, nest, &peer_id, true, &cfgs[*n],
					 extack);
		if (err)
			return err;
		for (i = 0; i < *n; i++) {
			if (cfgs[i].id == cfgs[*n].id) {
				VCMP_NL_ERR_ATTR(extack, nest, "duplicate link id");
				return -EEXIST;
			}
		}
		(*n)++;
	}
	return 0;
}

/* --- replies and events ---------------------------------------------------- */

static int vcmp_nl_put_dev(struct sk_buff *skb, struct vcmp_dev *vdev)
{
	char name[IFNAMSIZ];

	/* A rename may run concurrently (under RTNL): copy, bounded. */
	strscpy(name, vdev->dev->name, sizeof(name));
	if (nla_put_u32(skb, VCMP_A_IFINDEX, vdev->dev->ifindex) ||
	    nla_put_string(skb, VCMP_A_IFNAME, name))
		return -EMSGSIZE;
	return 0;
}

static int vcmp_nl_put_addr(struct sk_buff *skb, int type,
			    const union vcmp_sockaddr *sa)
{
	if (sa->sa.sa_family == AF_INET)
		return nla_put_in_addr(skb, type, sa->sin.sin_addr.s_addr);
	return nla_put_in6_addr(skb, type, &sa->sin6.sin6_addr);
}

static_assert(VCMP_NL_LINK_INIT == (int)VCMP_LINK_INIT);
static_assert(VCMP_NL_LINK_UP == (int)VCMP_LINK_UP);
static_assert(VCMP_NL_LINK_DEGRADED == (int)VCMP_LINK_DEGRADED);
static_assert(VCMP_NL_LINK_DOWN == (int)VCMP_LINK_DOWN);

/* The measurements of a link, VCMP_A_LINK_STATS. */
static int vcmp_nl_put_link_stats(struct sk_buff *skb,
				  const struct vcmp_linkmon_stats *st)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, VCMP_A_LINK_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VCMP_A_LINK_STATS_RTT_US, st->rtt_us) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_SRTT_US, st->srtt_us) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_RTTVAR_US, st->rttvar_us) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_MIN_RTT_US, st->min_rtt_us) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_JITTER_RX_US, st->jitter_rx_us) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_JITTER_TX_US, st->jitter_tx_us) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_LOSS_RX_PPM, st->loss_rx_ppm) ||
	    nla_put_u32(skb, VCMP_A_LINK_STATS_LOSS_TX_PPM, st->loss_tx_ppm) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_RATE_RX_BPS,
			      st->rate_rx_bps, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_RATE_TX_BPS,
			      st->rate_tx_bps, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_CAPACITY_RX_BPS,
			      st->capacity_rx_bps, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_CAPACITY_TX_BPS,
			      st->capacity_tx_bps, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u8(skb, VCMP_A_LINK_STATS_QOE_VOICE,
		       st->qoe[VCMP_QOE_VOICE].score) ||
	    nla_put_u8(skb, VCMP_A_LINK_STATS_QOE_VIDEO,
		       st->qoe[VCMP_QOE_VIDEO].score) ||
	    nla_put_u8(skb, VCMP_A_LINK_STATS_QOE_TRANSACTIONAL,
		       st->qoe[VCMP_QOE_TRANSACTIONAL].score) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_RX_PACKETS,
			      st->rx_packets, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_RX_DUPS,
			      st->rx_dups, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_RX_REORDERED,
			      st->rx_reordered, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_PROBES_SENT,
			      st->probes_sent, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_PROBES_ACKED,
			      st->probes_acked, VCMP_A_LINK_STATS_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_LINK_STATS_SLOTS_MISSED,
			      st->slots_missed, VCMP_A_LINK_STATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The link nest of @link as attribute @type; @peer_id 0: left out. */
static int vcmp_nl_put_link(struct sk_buff *skb, int type,
			    struct vcmp_link *link, u32 peer_id)
{
	struct vcmp_linkmon_stats st;
	union vcmp_sockaddr remote;
	struct nlattr *nest;
	__be16 port;

	vcmp_link_get_remote(link, &remote);
	vcmp_monitor_stats(link, &st);
	port = remote.sa.sa_family == AF_INET ? remote.sin.sin_port :
						remote.sin6.sin6_port;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if ((peer_id && nla_put_u32(skb, VCMP_A_LINK_PEER_ID, peer_id)) ||
	    nla_put_u8(skb, VCMP_A_LINK_ID, link->id) ||
	    nla_put_u16(skb, VCMP_A_LINK_FAMILY, remote.sa.sa_family) ||
	    (link->local.sa.sa_family != AF_UNSPEC &&
	     vcmp_nl_put_addr(skb, VCMP_A_LINK_LOCAL, &link->local)) ||
	    (link->ifindex &&
	     nla_put_u32(skb, VCMP_A_LINK_IFINDEX, link->ifindex)) ||
	    vcmp_nl_put_addr(skb, VCMP_A_LINK_REMOTE, &remote) ||
	    nla_put_u16(skb, VCMP_A_LINK_REMOTE_PORT, ntohs(port)) ||
	    (link->mtu_cfg &&
	     nla_put_u32(skb, VCMP_A_LINK_MTU, link->mtu_cfg)) ||
	    nla_put_u32(skb, VCMP_A_LINK_PACKET_MTU,
			vcmp_link_packet_mtu(link)) ||
	    nla_put_u32(skb, VCMP_A_LINK_PATH_MTU, READ_ONCE(link->mtu)) ||
	    nla_put_u8(skb, VCMP_A_LINK_PMTUD, vcmp_pmtud_phase(link)) ||
	    nla_put_u8(skb, VCMP_A_LINK_STATE, st.state) ||
	    vcmp_nl_put_link_stats(skb, &st) ||
	    (link->bandwidth_kbps &&
	     nla_put_u32(skb, VCMP_A_LINK_BANDWIDTH, link->bandwidth_kbps))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The SA nest (never the key) as attribute @type; @peer_id 0: left out. */
static int vcmp_nl_put_sa(struct sk_buff *skb, int type, u32 peer_id, u32 spi,
			  enum vcmp_sa_dir dir)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if ((peer_id && nla_put_u32(skb, VCMP_A_SA_PEER_ID, peer_id)) ||
	    nla_put_u32(skb, VCMP_A_SA_SPI, spi) ||
	    nla_put_u8(skb, VCMP_A_SA_DIR, vcmp_nl_dir_to_user(dir))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vcmp_nl_put_prefix(struct sk_buff *skb, int type, int family,
			      const u8 *addr, u8 cidr)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, VCMP_A_ALLOWED_IP_FAMILY, family) ||
	    nla_put(skb, VCMP_A_ALLOWED_IP_ADDR, vcmp_nl_addr_len(family),
		    addr) ||
	    nla_put_u8(skb, VCMP_A_ALLOWED_IP_CIDR, cidr)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Filling a peer into a message, possibly over several messages. The
 * peer's items are numbered in one sequence: its links, then its SAs, then
 * its allowed-ips. @pos is the first item this message is to carry and,
 * when the message is full, the first one the next message must carry.
 * @item: the item being looked at. @progress: the message carries at
 * least one item. @list: the array nest being filled, @n: items in it
 * (members of an array nest are numbered from 1).
 */
struct vcmp_nl_fill {
	struct sk_buff *skb;
	u32 pos;
	u32 item;
	bool progress;
	struct nlattr *list;
	unsigned int n;
};

/* Whether item f->item is to be sent: true when it is, opening @type. */
static int vcmp_nl_fill_item(struct vcmp_nl_fill *f, int type, bool *send)
{
	*send = f->item++ >= f->pos;
	if (*send && !f->list) {
		f->list = nla_nest_start(f->skb, type);
		if (!f->list)
			return -EMSGSIZE;
		f->n = 0;
	}
	return 0;
}

/* An item was put: the next message starts after it. */
static void vcmp_nl_fill_done(struct vcmp_nl_fill *f)
{
	f->pos = f->item;
	f->progress = true;
	f->n++;
}

static void vcmp_nl_fill_close(struct vcmp_nl_fill *f)
{
	if (!f->list)
		return;
	if (f->n)
		nla_nest_end(f->skb, f->list);
	else
		nla_nest_cancel(f->skb, f->list);
	f->list = NULL;
}

/* vcmp_aip_walk_owner() callback: one prefix of the peer. */
static int vcmp_nl_fill_prefix(void *arg, int family, const u8 *addr, u8 cidr)
{
	struct vcmp_nl_fill *f = arg;
	bool send;
	int err;

	err = vcmp_nl_fill_item(f, VCMP_A_PEER_ALLOWED_IPS, &send);
	if (err || !send)
		return err;
	/* The table speaks of IP versions. */
	family = family == 4 || family == AF_INET ? AF_INET : AF_INET6;
	err = vcmp_nl_put_prefix(f->skb, f->n + 1, family, addr, cidr);
	if (!err)
		vcmp_nl_fill_done(f);
	return err;
}

static int vcmp_nl_fill_items(struct vcmp_nl_fill *f, struct vcmp_peer *peer)
{
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_link *link;
	struct vcmp_sa *sa;
	unsigned int i;
	bool send;
	int err;

	for (i = 0; i < peer->nlinks; i++) {
		err = vcmp_nl_fill_item(f, VCMP_A_PEER_LINKS, &send);
		if (err)
			return err;
		if (!send)
			continue;
		link = rcu_dereference_protected(peer->links[i],
						 lockdep_is_held(&vdev->lock));
		err = vcmp_nl_put_link(f->skb, f->n + 1, link, 0);
		if (err)
			return err;
		vcmp_nl_fill_done(f);
	}
	vcmp_nl_fill_close(f);

	vcmp_peer_for_each_sa(peer, sa) {
		err = vcmp_nl_fill_item(f, VCMP_A_PEER_SAS, &send);
		if (err)
			return err;
		if (!send)
			continue;
		err = vcmp_nl_put_sa(f->skb, f->n + 1, 0, sa->spi, sa->dir);
		if (err)
			return err;
		vcmp_nl_fill_done(f);
	}
	vcmp_nl_fill_close(f);

	err = vcmp_aip_walk_owner(&vdev->aips, &peer->aips,
				  vcmp_nl_fill_prefix, f);
	if (err)
		return err;
	vcmp_nl_fill_close(f);
	return 0;
}

/* The resequencing nest of @peer (rx_reseq.h). */
static int vcmp_nl_put_reseq(struct sk_buff *skb, struct vcmp_peer *peer)
{
	struct vcmp_rx_reseq_info ri;
	struct nlattr *nest;

	vcmp_rx_reseq_info(peer, &ri);
	nest = nla_nest_start(skb, VCMP_A_PEER_RESEQ);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VCMP_A_RESEQ_IN_ORDER, ri.stats.in_order,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_QUEUED, ri.stats.queued,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_RELEASED, ri.stats.released,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_LATE, ri.stats.late,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_DUPS, ri.stats.duplicates,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_STALE, ri.stats.stale,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_TIMEOUTS, ri.stats.timeouts,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_OVERFLOWS, ri.stats.overflows,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_OVERFLOW_SKIPPED,
			      ri.stats.overflow_skipped, VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_MEM_FLUSHES, ri.mem_flushes,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u64_64bit(skb, VCMP_A_RESEQ_RESTARTS, ri.restarts,
			      VCMP_A_RESEQ_PAD) ||
	    nla_put_u32(skb, VCMP_A_RESEQ_WAITING, ri.waiting) ||
	    nla_put_u32(skb, VCMP_A_RESEQ_MEM, ri.mem) ||
	    nla_put_u32(skb, VCMP_A_RESEQ_HOLD_US, ri.hold_us) ||
	    nla_put_u32(skb, VCMP_A_RESEQ_SLOTS, ri.slots)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Room for vcmp_nl_put_reseq(). */
#define VCMP_NL_RESEQ_SIZE (nla_total_size(0) +			\
			    11 * nla_total_size_64bit(sizeof(u64)) +	\
			    4 * nla_total_size(sizeof(u32)))

/*
 * Put @peer (vdev->lock held) into @skb from item *@pos on; the first
 * message of a peer (*@pos 0) also carries its segment and suite. Returns
 * 0 when the peer is complete, -EMSGSIZE when the message is full; *@pos
 * is then where the next message continues and *@progress tells whether
 * this one carries at least one item (if not, nothing was added to @skb).
 */
static int vcmp_nl_put_peer(struct sk_buff *skb, struct vcmp_peer *peer,
			    u32 *pos, bool *progress)
{
	struct vcmp_nl_fill f = { .skb = skb, .pos = *pos };
	struct nlattr *nest;
	int err;

	*progress = false;
	nest = nla_nest_start(skb, VCMP_A_PEER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VCMP_A_PEER_ID, peer->id))
		goto cancel;
	if (!f.pos &&
	    (nla_put_u16(skb, VCMP_A_PEER_SEGMENT, peer->segment) ||
	     nla_put_u32(skb, VCMP_A_PEER_SUITE,
			 vcmp_nl_suite_to_user(peer->suite)) ||
	     nla_put_u32(skb, VCMP_A_PEER_MTU, READ_ONCE(peer->mtu)) ||
	     nla_put_u32(skb, VCMP_A_PEER_EDGE_MTU,
			 READ_ONCE(peer->edge_mtu)) ||
	     vcmp_nl_put_reseq(skb, peer)))
		goto cancel;
	err = vcmp_nl_fill_items(&f, peer);
	vcmp_nl_fill_close(&f);
	if (!err) {
		nla_nest_end(skb, nest);
		*pos = 0;
		*progress = true;
		return 0;
	}
	if (!f.progress)
		goto cancel;
	nla_nest_end(skb, nest);
	*pos = f.pos;
	*progress = true;
	return -EMSGSIZE;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Room for a whole peer in one message (vdev->lock held). */
static size_t vcmp_nl_peer_size(struct vcmp_peer *peer)
{
	const size_t link = nla_total_size(0) +		/* nest */
		/* peer-id, ifindex, mtu, packet-mtu, path-mtu, bandwidth */
		6 * nla_total_size(sizeof(u32)) +
		3 * nla_total_size(sizeof(u8)) +	/* id, pmtud, state */
		2 * nla_total_size(sizeof(u16)) +	/* family, port */
		2 * nla_total_size(sizeof(struct in6_addr)) +
		nla_total_size(0) +			/* stats */
		8 * nla_total_size(sizeof(u32)) +
		3 * nla_total_size(sizeof(u8)) +
		10 * nla_total_size_64bit(sizeof(u64));
	const size_t sa = nla_total_size(0) +
		2 * nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u8));
	const size_t prefix = nla_total_size(0) + nla_total_size(sizeof(u16)) +
		nla_total_size(sizeof(struct in6_addr)) +
		nla_total_size(sizeof(u8));
	struct vcmp_sa *s;
	size_t nsas = 0;

	vcmp_peer_for_each_sa(peer, s)
		nsas++;
	return nla_total_size(sizeof(u32)) +		/* ifindex */
		nla_total_size(0) +			/* peer */
		3 * nla_total_size(sizeof(u32)) +	/* id, segment, suite */
		3 * nla_total_size(0) +			/* the arrays */
		VCMP_NL_RESEQ_SIZE +
		peer->nlinks * link + nsas * sa + peer->aips.count * prefix;
}

/* What an event carries besides the device. */
struct vcmp_nl_event {
	struct vcmp_peer *peer;		/* peer-new/set: id, segment, suite */
	struct vcmp_link *link;		/* link-new: the whole link */
	u32 peer_id;
	u8 link_id;			/* link-del */
	u32 spi;			/* sa-new/del */
	enum vcmp_sa_dir dir;
	const struct vcmp_policy *policy; /* class-set, rule-new */
	u8 class_id;			/* class-set/del */
	u16 rule_id;			/* rule-new/del */
};

static int vcmp_nl_put_class(struct sk_buff *skb,
			     const struct vcmp_policy *policy, u8 id,
			     struct vcmp_dev *vdev);
static int vcmp_nl_put_rule(struct sk_buff *skb, const struct vcmp_rule *r);

static int vcmp_nl_put_event(struct sk_buff *skb, u8 cmd,
			     const struct vcmp_nl_event *e)
{
	struct nlattr *nest;
	int i;

	switch (cmd) {
	case VCMP_CMD_PEER_NEW_NTF:
	case VCMP_CMD_PEER_SET_NTF:
	case VCMP_CMD_PEER_DEL_NTF:
		nest = nla_nest_start(skb, VCMP_A_PEER);
		if (!nest || nla_put_u32(skb, VCMP_A_PEER_ID, e->peer_id))
			return -EMSGSIZE;
		if (e->peer &&
		    (nla_put_u16(skb, VCMP_A_PEER_SEGMENT, e->peer->segment) ||
		     nla_put_u32(skb, VCMP_A_PEER_SUITE,
				 vcmp_nl_suite_to_user(e->peer->suite))))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	case VCMP_CMD_LINK_NEW_NTF:
	case VCMP_CMD_LINK_CHANGE_NTF:
		return vcmp_nl_put_link(skb, VCMP_A_LINK, e->link, e->peer_id);
	case VCMP_CMD_CLASS_SET_NTF:
		return vcmp_nl_put_class(skb, e->policy, e->class_id, NULL);
	case VCMP_CMD_CLASS_DEL_NTF:
		nest = nla_nest_start(skb, VCMP_A_CLASS);
		if (!nest || nla_put_u8(skb, VCMP_A_CLASS_ID, e->class_id))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	case VCMP_CMD_RULE_NEW_NTF:
		i = vcmp_policy_find_rule(e->policy, e->rule_id);
		return vcmp_nl_put_rule(skb, &e->policy->rules[i]);
	case VCMP_CMD_RULE_DEL_NTF:
		nest = nla_nest_start(skb, VCMP_A_RULE);
		if (!nest || nla_put_u16(skb, VCMP_A_RULE_ID, e->rule_id))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	case VCMP_CMD_LINK_DEL_NTF:
		nest = nla_nest_start(skb, VCMP_A_LINK);
		if (!nest ||
		    nla_put_u32(skb, VCMP_A_LINK_PEER_ID, e->peer_id) ||
		    nla_put_u8(skb, VCMP_A_LINK_ID, e->link_id))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	default:
		return vcmp_nl_put_sa(skb, VCMP_A_SA, e->peer_id, e->spi,
				      e->dir);
	}
}

/*
 * Announce a change on the "events" group of the device's namespace
 * (vdev->lock held, so that events leave in the order of the changes).
 * Best effort: the change is made whether anyone hears of it or not.
 */
static void vcmp_nl_notify(struct vcmp_dev *vdev, u8 cmd,
			   const struct vcmp_nl_event *e)
{
	struct net *net = dev_net(vdev->dev);
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&vcmp_genl_family, net, VCMP_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &vcmp_genl_family, 0, cmd);
	if (!hdr || vcmp_nl_put_dev(skb, vdev) ||
	    vcmp_nl_put_event(skb, cmd, e)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&vcmp_genl_family, net, skb, 0,
				VCMP_MCGRP_EVENTS, GFP_KERNEL);
}

static void vcmp_nl_notify_link(struct vcmp_dev *vdev, struct vcmp_peer *peer,
				u8 id)
{
	struct vcmp_nl_event e = {
		.link = vcmp_link_find(peer, id),
		.peer_id = peer->id,
	};

	if (e.link)
		vcmp_nl_notify(vdev, VCMP_CMD_LINK_NEW_NTF, &e);
}

/**
 * vcmp_nl_link_changed - announce a change of @link's path MTU or state
 * @vdev: the device
 * @peer: the link's peer
 * @link: the link
 *
 * Context: vdev->lock held.
 */
void vcmp_nl_link_changed(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			  struct vcmp_link *link)
{
	struct vcmp_nl_event e = {
		.link = link,
		.peer_id = peer->id,
	};

	lockdep_assert_held(&vdev->lock);
	vcmp_nl_notify(vdev, VCMP_CMD_LINK_CHANGE_NTF, &e);
}

/* --- operations ------------------------------------------------------------ */

/*
 * Run @fn on the device the request names, under its lock; @fn refuses
 * or changes, and replies or notifies itself.
 */
static int vcmp_nl_run(struct genl_info *info,
		       int (*fn)(struct vcmp_dev *vdev, struct genl_info *info))
{
	struct vcmp_dev *vdev;
	int err;

	vdev = vcmp_nl_dev_get(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	mutex_lock(&vdev->lock);
	if (vdev->dead) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device is being deleted");
		err = -ENODEV;
	} else {
		err = fn(vdev, info);
	}
	mutex_unlock(&vdev->lock);
	vcmp_dev_put(vdev);
	return err;
}

/* The top-level nest @type of a request parsed into @tb. */
static int vcmp_nl_parse_top(struct genl_info *info, int type,
			     struct nlattr **tb, unsigned int maxtype,
			     const struct nla_policy *policy)
{
	struct netlink_ext_ack *extack = info->extack;

	if (GENL_REQ_ATTR_CHECK(info, type)) {
		if (type == VCMP_A_PEER)
			NL_SET_ERR_MSG_MOD(extack, "missing peer");
		else if (type == VCMP_A_LINK)
			NL_SET_ERR_MSG_MOD(extack, "missing link");
		else if (type == VCMP_A_CLASS)
			NL_SET_ERR_MSG_MOD(extack, "missing class");
		else if (type == VCMP_A_RULE)
			NL_SET_ERR_MSG_MOD(extack, "missing rule");
		else
			NL_SET_ERR_MSG_MOD(extack, "missing SA");
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, info->attrs[type], policy, extack);
}

static int vcmp_nl_dev_get_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &vcmp_genl_family, 0,
				VCMP_CMD_DEV_GET);
	if (!hdr || vcmp_nl_put_dev(skb, vdev) ||
	    nla_put_u16(skb, VCMP_A_PORT, READ_ONCE(vdev->port)) ||
	    nla_put_u32(skb, VCMP_A_PEER_COUNT, vdev->npeers) ||
	    nla_put_string(skb, VCMP_A_VERSION, VCMP_VERSION)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int vcmp_nl_peer_new_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct vcmp_peer_cfg cfg = { .suite = VCMP_SUITE_AES_GCM_128 };
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_PEER_MAX + 1];
	struct vcmp_link_cfg *links = NULL;
	struct vcmp_nl_event e = { };
	unsigned int nlinks = 0, i;
	struct vcmp_peer *peer;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_PEER, tb, VCMP_A_PEER_MAX,
				vcmp_peer_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(extack, info->attrs[VCMP_A_PEER], tb,
			    VCMP_A_PEER_ID, "missing peer id"))
		return -EINVAL;
	cfg.id = nla_get_u32(tb[VCMP_A_PEER_ID]);
	if (tb[VCMP_A_PEER_SEGMENT])
		cfg.segment = nla_get_u16(tb[VCMP_A_PEER_SEGMENT]);
	if (tb[VCMP_A_PEER_SUITE])
		cfg.suite = vcmp_nl_get_suite(tb[VCMP_A_PEER_SUITE]);
	if (vcmp_peer_find(vdev, cfg.id)) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_PEER_ID],
				 "a peer with this id already exists");
		return -EEXIST;
	}
	err = vcmp_nl_prefixes(NULL, tb[VCMP_A_PEER_ALLOWED_IPS], extack);
	if (err)
		return err;
	if (tb[VCMP_A_PEER_LINKS]) {
		links = kcalloc(VCMP_MAX_LINKS, sizeof(*links), GFP_KERNEL);
		if (!links)
			return -ENOMEM;
		err = vcmp_nl_parse_links(genl_info_net(info),
					  tb[VCMP_A_PEER_LINKS], cfg.id, links,
					  &nlinks, extack);
		if (err)
			goto out;
	}

	/* Everything checked: the peer is made whole or not at all. */
	err = vcmp_peer_add(vdev, &cfg, extack);
	if (err)
		goto out;
	peer = vcmp_peer_find(vdev, cfg.id);
	if (WARN_ON_ONCE(!peer)) {
		err = -ENOENT;
		goto out;
	}
	for (i = 0; i < nlinks && !err; i++)
		err = vcmp_link_add(peer, &links[i], extack);
	if (!err)
		err = vcmp_nl_prefixes(peer, tb[VCMP_A_PEER_ALLOWED_IPS],
				       extack);
	if (err) {
		vcmp_peer_del(peer);
		goto out;
	}

	e.peer = peer;
	e.peer_id = peer->id;
	vcmp_nl_notify(vdev, VCMP_CMD_PEER_NEW_NTF, &e);
	for (i = 0; i < nlinks; i++)
		vcmp_nl_notify_link(vdev, peer, links[i].id);
out:
	kfree(links);
	return err;
}

static int vcmp_nl_peer_set_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_PEER_MAX + 1];
	struct vcmp_nl_event e = { };
	struct vcmp_peer *peer;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_PEER, tb, VCMP_A_PEER_MAX,
				vcmp_peer_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(extack, info->attrs[VCMP_A_PEER], tb,
			    VCMP_A_PEER_ID, "missing peer id"))
		return -EINVAL;
	peer = vcmp_nl_peer_find(vdev, tb[VCMP_A_PEER_ID], extack);
	if (!peer)
		return -ENOENT;
	if (tb[VCMP_A_PEER_SUITE] &&
	    vcmp_nl_get_suite(tb[VCMP_A_PEER_SUITE]) != peer->suite) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_PEER_SUITE],
				 "the suite of a peer cannot be changed");
		return -EINVAL;
	}
	if (tb[VCMP_A_PEER_LINKS]) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_PEER_LINKS],
				 "links are changed with link-new and link-del");
		return -EINVAL;
	}
	err = vcmp_nl_prefixes(NULL, tb[VCMP_A_PEER_ALLOWED_IPS], extack);
	if (err)
		return err;

	if (tb[VCMP_A_PEER_SEGMENT]) {
		err = vcmp_peer_set_segment(peer,
					    nla_get_u16(tb[VCMP_A_PEER_SEGMENT]));
		if (err)
			return err;
	}
	/* Only running out of memory can stop this part way. */
	if (nla_get_flag(tb[VCMP_A_PEER_REPLACE_ALLOWED_IPS]))
		err = vcmp_nl_prefixes_replace(peer,
					       tb[VCMP_A_PEER_ALLOWED_IPS],
					       extack);
	else
		err = vcmp_nl_prefixes(peer, tb[VCMP_A_PEER_ALLOWED_IPS],
				       extack);

	e.peer = peer;
	e.peer_id = peer->id;
	vcmp_nl_notify(vdev, VCMP_CMD_PEER_SET_NTF, &e);
	return err;
}

static int vcmp_nl_peer_del_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct nlattr *tb[VCMP_A_PEER_MAX + 1];
	struct vcmp_nl_event e = { };
	struct vcmp_peer *peer;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_PEER, tb, VCMP_A_PEER_MAX,
				vcmp_peer_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(info->extack, info->attrs[VCMP_A_PEER], tb,
			    VCMP_A_PEER_ID, "missing peer id"))
		return -EINVAL;
	peer = vcmp_nl_peer_find(vdev, tb[VCMP_A_PEER_ID], info->extack);
	if (!peer)
		return -ENOENT;
	e.peer_id = peer->id;
	vcmp_peer_del(peer);
	vcmp_nl_notify(vdev, VCMP_CMD_PEER_DEL_NTF, &e);
	return 0;
}

static int vcmp_nl_peer_get_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct nlattr *tb[VCMP_A_PEER_MAX + 1];
	struct vcmp_peer *peer;
	struct sk_buff *skb;
	u32 pos = 0;
	bool progress;
	size_t size;
	void *hdr;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_PEER, tb, VCMP_A_PEER_MAX,
				vcmp_peer_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(info->extack, info->attrs[VCMP_A_PEER], tb,
			    VCMP_A_PEER_ID, "missing peer id"))
		return -EINVAL;
	peer = vcmp_nl_peer_find(vdev, tb[VCMP_A_PEER_ID], info->extack);
	if (!peer)
		return -ENOENT;

	size = vcmp_nl_peer_size(peer);
	if (size > VCMP_NL_REPLY_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack, "peer too large for one reply: dump the peers");
		return -EMSGSIZE;
	}
	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &vcmp_genl_family, 0,
				VCMP_CMD_PEER_GET);
	if (WARN_ON_ONCE(!hdr ||
			 nla_put_u32(skb, VCMP_A_IFINDEX, vdev->dev->ifindex) ||
			 vcmp_nl_put_peer(skb, peer, &pos, &progress))) {
		nlmsg_free(skb);	/* vcmp_nl_peer_size() is wrong */
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int vcmp_nl_link_new_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_LINK_MAX + 1];
	struct vcmp_link_cfg cfg;
	struct vcmp_peer *peer;
	u32 peer_id = 0;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_LINK, tb, VCMP_A_LINK_MAX,
				vcmp_link_policy);
	if (err)
		return err;
	err = vcmp_nl_parse_link(genl_info_net(info), info->attrs[VCMP_A_LINK],
				 &peer_id, true, &cfg, extack);
	if (err)
		return err;
	peer = vcmp_nl_peer_find(vdev, tb[VCMP_A_LINK_PEER_ID], extack);
	if (!peer)
		return -ENOENT;
	err = vcmp_nl_link_room(peer, 0, cfg.id, tb[VCMP_A_LINK_ID], extack);
	if (err)
		return err;
	err = vcmp_link_add(peer, &cfg, extack);
	if (err)
		return err;
	vcmp_nl_notify_link(vdev, peer, cfg.id);
	return 0;
}

static int vcmp_nl_link_del_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_LINK_MAX + 1];
	struct vcmp_nl_event e = { };
	struct vcmp_link_cfg cfg;
	struct vcmp_peer *peer;
	u32 peer_id = 0;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_LINK, tb, VCMP_A_LINK_MAX,
				vcmp_link_policy);
	if (err)
		return err;
	err = vcmp_nl_parse_link(genl_info_net(info), info->attrs[VCMP_A_LINK],
				 &peer_id, false, &cfg, extack);
	if (err)
		return err;
	peer = vcmp_nl_peer_find(vdev, tb[VCMP_A_LINK_PEER_ID], extack);
	if (!peer)
		return -ENOENT;
	if (!vcmp_link_find(peer, cfg.id)) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_LINK_ID],
				 "the peer has no link with this id");
		return -ENOENT;
	}
	err = vcmp_link_del(peer, cfg.id, extack);
	if (err)
		return err;
	e.peer_id = peer->id;
	e.link_id = cfg.id;
	vcmp_nl_notify(vdev, VCMP_CMD_LINK_DEL_NTF, &e);
	return 0;
}

/* The SA nest of a request: peer, SPI and direction, all required. */
static struct vcmp_peer *vcmp_nl_parse_sa(struct vcmp_dev *vdev,
					  struct genl_info *info,
					  struct nlattr **tb)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[VCMP_A_SA];
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_SA, tb, VCMP_A_SA_MAX,
				vcmp_sa_policy);
	if (err)
		return ERR_PTR(err);
	if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_SA_PEER_ID,
			    "SA without peer-id") ||
	    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_SA_SPI, "SA without SPI") ||
	    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_SA_DIR,
			    "SA without direction"))
		return ERR_PTR(-EINVAL);
	return vcmp_nl_peer_find(vdev, tb[VCMP_A_SA_PEER_ID], extack) ?:
		ERR_PTR(-ENOENT);
}

static int vcmp_nl_sa_new_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_SA_MAX + 1];
	u8 key[VCMP_KEY_MAX_LEN];
	struct vcmp_nl_event e = { };
	struct vcmp_sa_cfg cfg = { };
	struct vcmp_peer *peer;
	int err;

	peer = vcmp_nl_parse_sa(vdev, info, tb);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	if (peer->suite == VCMP_SUITE_PLAIN) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_SA_KEY] ?: info->attrs[VCMP_A_SA],
				 "a plain peer has no SAs and takes no key");
		return -EINVAL;
	}
	if (VCMP_NL_MISSING(extack, info->attrs[VCMP_A_SA], tb, VCMP_A_SA_KEY,
			    "SA without key"))
		return -EINVAL;
	cfg.keylen = vcmp_aead_keylen(peer->suite);
	if (WARN_ON_ONCE(!cfg.keylen || cfg.keylen > sizeof(key)))
		return -EINVAL;
	if (nla_len(tb[VCMP_A_SA_KEY]) != cfg.keylen) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_SA_KEY],
				 "key length does not match the suite of the peer");
		return -EINVAL;
	}
	cfg.spi = nla_get_u32(tb[VCMP_A_SA_SPI]);
	cfg.dir = vcmp_nl_get_dir(tb[VCMP_A_SA_DIR]);
	nla_memcpy(key, tb[VCMP_A_SA_KEY], sizeof(key));
	cfg.key = key;
	err = vcmp_sa_add(peer, &cfg, extack);
	memzero_explicit(key, sizeof(key));
	if (err)
		return err;

	e.peer_id = peer->id;
	e.spi = cfg.spi;
	e.dir = cfg.dir;
	vcmp_nl_notify(vdev, VCMP_CMD_SA_NEW_NTF, &e);
	return 0;
}

static int vcmp_nl_sa_del_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct nlattr *tb[VCMP_A_SA_MAX + 1];
	struct vcmp_nl_event e = { };
	struct vcmp_peer *peer;
	int err;

	peer = vcmp_nl_parse_sa(vdev, info, tb);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	e.peer_id = peer->id;
	e.spi = nla_get_u32(tb[VCMP_A_SA_SPI]);
	e.dir = vcmp_nl_get_dir(tb[VCMP_A_SA_DIR]);
	err = vcmp_sa_del(peer, e.spi, e.dir, info->extack);
	if (err)
		return err;
	vcmp_nl_notify(vdev, VCMP_CMD_SA_DEL_NTF, &e);
	return 0;
}

/* The operations' doit callbacks: each runs its _fn under vcmp_nl_run(). */
static int vcmp_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_dev_get_fn);
}

static int vcmp_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_peer_new_fn);
}

static int vcmp_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_peer_set_fn);
}

static int vcmp_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_peer_del_fn);
}

static int vcmp_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_peer_get_fn);
}

static int vcmp_nl_link_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_link_new_fn);
}

static int vcmp_nl_link_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_link_del_fn);
}

static int vcmp_nl_sa_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_sa_new_fn);
}

static int vcmp_nl_sa_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_sa_del_fn);
}

/* --- the peer dump ----------------------------------------------------------- */

/*
 * State of a peer dump between calls, in cb->args. The dump goes through
 * vdev->peer_list in order and may be interrupted anywhere, the device
 * changing freely in between: the peer to continue with is found again by
 * id, and its items from @item on (see struct vcmp_nl_fill). Should that
 * peer have gone, or changed while it was being sent in parts, the dump
 * carries on from the same position in the list and flags its messages
 * NLM_F_DUMP_INTR so that userspace knows to start again.
 */
struct vcmp_nl_dump {
	int ifindex;		/* the device (0: not found yet) */
	u32 peer_id;		/* peer to continue with, 0: the first */
	u32 index;		/* its position in the list */
	u32 item;		/* its first item still to send */
	u32 shape;		/* its numbers of items when it was split */
	bool done;
};

static_assert(sizeof(struct vcmp_nl_dump) <=
	      sizeof_field(struct netlink_callback, args));

static struct vcmp_nl_dump *vcmp_nl_dump_state(struct netlink_callback *cb)
{
	return (struct vcmp_nl_dump *)cb->args;
}

/*
 * A digest of a peer's numbers of links, SAs and prefixes (vdev->lock
 * held): it changes when an item is added or removed.
 */
static u32 vcmp_nl_peer_shape(struct vcmp_peer *peer)
{
	struct vcmp_sa *sa;
	u32 n = 0;

	vcmp_peer_for_each_sa(peer, sa)
		n++;
	return (n * 65599 + peer->aips.count) * 257 + peer->nlinks;
}

/*
 * The device of a dump, referenced. The first call finds it from the
 * request's attributes (not in a start callback: 6.1 loses the extack
 * messages of those), the following ones by the index it had.
 */
static struct vcmp_dev *vcmp_nl_dump_dev(struct netlink_callback *cb,
					 struct vcmp_nl_dump *d)
{
	struct net *net = sock_net(cb->skb->sk);
	struct nlattr *tb[VCMP_A_MAX + 1];
	struct vcmp_dev *vdev;
	int err;

	if (d->ifindex) {
		vdev = vcmp_dev_get_by_index(net, d->ifindex);
		if (!vdev) {
			NL_SET_ERR_MSG_MOD(cb->extack, "the device went away during the dump");
			return ERR_PTR(-ENODEV);
		}
		return vdev;
	}
	/* The core validated the request; these are its attributes. */
	err = genlmsg_parse(cb->nlh, &vcmp_genl_family, tb, VCMP_A_MAX,
			    vcmp_policy, cb->extack);
	if (err)
		return ERR_PTR(err);
	vdev = vcmp_nl_dev_get(net, tb, cb->extack);
	if (IS_ERR(vdev))
		return vdev;
	d->ifindex = vdev->dev->ifindex;
	/* Non-zero: nl_dump_check_consistent() compares it with its last. */
	cb->seq = 1;
	return vdev;
}

/* The peer to continue with (vdev->lock held), NULL at the end. */
static struct vcmp_peer *vcmp_nl_dump_resume(struct vcmp_dev *vdev,
					     struct vcmp_nl_dump *d,
					     struct netlink_callback *cb)
{
	struct vcmp_peer *peer;
	unsigned int i = 0;

	if (!d->peer_id)
		return list_first_entry_or_null(&vdev->peer_list,
						struct vcmp_peer, list);
	peer = vcmp_peer_find(vdev, d->peer_id);
	if (peer && (!d->item || vcmp_nl_peer_shape(peer) == d->shape))
		return peer;

	cb->seq++;		/* inconsistent: flag the next message */
	d->item = 0;
	if (peer)
		return peer;
	list_for_each_entry(peer, &vdev->peer_list, list)
		if (i++ == d->index)
			return peer;
	return NULL;
}

static int vcmp_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vcmp_nl_dump *d = vcmp_nl_dump_state(cb);
	struct vcmp_peer *peer;
	struct vcmp_dev *vdev;
	bool progress;
	void *hdr;
	int err;

	if (d->done)
		return 0;
	vdev = vcmp_nl_dump_dev(cb, d);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	mutex_lock(&vdev->lock);
	if (vdev->dead) {
		NL_SET_ERR_MSG_MOD(cb->extack, "the device went away during the dump");
		err = -ENODEV;
		goto out;
	}

	for (peer = vcmp_nl_dump_resume(vdev, d, cb); peer;
	     peer = list_is_last(&peer->list, &vdev->peer_list) ? NULL :
		    list_next_entry(peer, list)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vcmp_genl_family,
				  NLM_F_MULTI, VCMP_CMD_PEER_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u32(skb, VCMP_A_IFINDEX, d->ifindex)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		err = vcmp_nl_put_peer(skb, peer, &d->item, &progress);
		if (!err) {
			genlmsg_end(skb, hdr);
			d->index++;
			continue;
		}
		if (progress) {
			genlmsg_end(skb, hdr);
			d->shape = vcmp_nl_peer_shape(peer);
		} else {
			genlmsg_cancel(skb, hdr);
		}
		break;
	}

	if (peer) {
		d->peer_id = peer->id;
		/* Nothing fits even in an empty message: give up. */
		err = skb->len ?: -EMSGSIZE;
	} else {
		d->done = true;
		err = skb->len;
	}
out:
	mutex_unlock(&vdev->lock);
	vcmp_dev_put(vdev);
	return err;
}

/* --- traffic classes and rules (steer.h) ------------------------------------ */

static int vcmp_nl_put_class(struct sk_buff *skb,
			     const struct vcmp_policy *policy, u8 id,
			     struct vcmp_dev *vdev)
{
	const struct vcmp_class *c = &policy->classes[id];
	struct nlattr *nest, *links, *ln;
	unsigned int i;

	nest = nla_nest_start(skb, VCMP_A_CLASS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VCMP_A_CLASS_ID, id) ||
	    nla_put_string(skb, VCMP_A_CLASS_NAME, c->name) ||
	    nla_put_u8(skb, VCMP_A_CLASS_MODE, c->mode) ||
	    nla_put_u8(skb, VCMP_A_CLASS_QOE, c->qoe) ||
	    nla_put_u16(skb, VCMP_A_CLASS_JITTER_MS, c->jitter_ms) ||
	    (vdev && nla_put_u64_64bit(skb, VCMP_A_CLASS_TX_PACKETS,
				       atomic64_read(&vdev->steer.class_tx[id]),
				       VCMP_A_CLASS_PAD)))
		goto cancel;
	links = nla_nest_start(skb, VCMP_A_CLASS_LINKS);
	if (!links)
		goto cancel;
	for (i = 0; i < VCMP_LINK_IDS; i++) {
		if (c->role[i] == VCMP_NL_ROLE_AVAILABLE)
			continue;
		ln = nla_nest_start(skb, 0);
		if (!ln || nla_put_u8(skb, VCMP_A_CLASS_LINK_ID, i) ||
		    nla_put_u8(skb, VCMP_A_CLASS_LINK_ROLE, c->role[i]))
			goto cancel;
		nla_nest_end(skb, ln);
	}
	nla_nest_end(skb, links);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int vcmp_nl_put_prefix_attrs(struct sk_buff *skb, int addr_type,
				    int cidr_type, u8 family, const u8 *addr,
				    u8 cidr)
{
	return nla_put(skb, addr_type, family == 4 ? 4 : 16, addr) ||
	       nla_put_u8(skb, cidr_type, cidr) ? -EMSGSIZE : 0;
}

static int vcmp_nl_put_rule(struct sk_buff *skb, const struct vcmp_rule *r)
{
	struct nlattr *nest = nla_nest_start(skb, VCMP_A_RULE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, VCMP_A_RULE_ID, r->id) ||
	    nla_put_u8(skb, VCMP_A_RULE_CLASS, r->class_id) ||
	    (r->family && nla_put_u16(skb, VCMP_A_RULE_FAMILY,
				      r->family == 4 ? AF_INET : AF_INET6)) ||
	    ((r->match & VCMP_RULE_M_DSCP) &&
	     nla_put_u8(skb, VCMP_A_RULE_DSCP, r->dscp)) ||
	    ((r->match & VCMP_RULE_M_PROTO) &&
	     nla_put_u8(skb, VCMP_A_RULE_PROTO, r->proto)) ||
	    ((r->match & VCMP_RULE_M_SRC) &&
	     vcmp_nl_put_prefix_attrs(skb, VCMP_A_RULE_SRC,
				      VCMP_A_RULE_SRC_CIDR, r->family, r->src,
				      r->src_cidr)) ||
	    ((r->match & VCMP_RULE_M_DST) &&
	     vcmp_nl_put_prefix_attrs(skb, VCMP_A_RULE_DST,
				      VCMP_A_RULE_DST_CIDR, r->family, r->dst,
				      r->dst_cidr)) ||
	    ((r->match & VCMP_RULE_M_SPORT) &&
	     (nla_put_u16(skb, VCMP_A_RULE_SPORT_MIN, r->sport_min) ||
	      nla_put_u16(skb, VCMP_A_RULE_SPORT_MAX, r->sport_max))) ||
	    ((r->match & VCMP_RULE_M_DPORT) &&
	     (nla_put_u16(skb, VCMP_A_RULE_DPORT_MIN, r->dport_min) ||
	      nla_put_u16(skb, VCMP_A_RULE_DPORT_MAX, r->dport_max)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Roles from the VCMP_A_CLASS_LINKS array @list into @c. */
static int vcmp_nl_class_links(struct vcmp_class *c, const struct nlattr *list,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VCMP_A_CLASS_LINK_MAX + 1];
	DECLARE_BITMAP(seen, VCMP_LINK_IDS);
	struct nlattr *nest;
	int rem, err;
	u8 id;

	bitmap_zero(seen, VCMP_LINK_IDS);
	memset(c->role, VCMP_NL_ROLE_AVAILABLE, sizeof(c->role));
	c->mandatory = false;
	nla_for_each_nested(nest, list, rem) {
		err = nla_parse_nested(tb, VCMP_A_CLASS_LINK_MAX, nest,
				       vcmp_class_link_policy, extack);
		if (err)
			return err;
		if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_CLASS_LINK_ID,
				    "class link without id") ||
		    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_CLASS_LINK_ROLE,
				    "class link without role"))
			return -EINVAL;
		id = nla_get_u8(tb[VCMP_A_CLASS_LINK_ID]);
		if (test_and_set_bit(id, seen)) {
			VCMP_NL_ERR_ATTR(extack, nest, "link id given twice in the class");
			return -EINVAL;
		}
		c->role[id] = nla_get_u8(tb[VCMP_A_CLASS_LINK_ROLE]);
		if (c->role[id] == VCMP_NL_ROLE_MANDATORY)
			c->mandatory = true;
	}
	return 0;
}

static int vcmp_nl_class_set_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_CLASS_MAX + 1];
	struct vcmp_nl_event e = { };
	struct vcmp_policy *p;
	struct vcmp_class *c;
	bool created;
	u8 id;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_CLASS, tb, VCMP_A_CLASS_MAX,
				vcmp_class_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(extack, info->attrs[VCMP_A_CLASS], tb,
			    VCMP_A_CLASS_ID, "missing class id"))
		return -EINVAL;
	id = nla_get_u8(tb[VCMP_A_CLASS_ID]);
	p = vcmp_policy_copy(vdev);
	if (!p)
		return -ENOMEM;
	c = &p->classes[id];
	created = !c->defined;
	if (created) {
		memset(c, 0, sizeof(*c));
		c->defined = true;
		c->mode = VCMP_NL_CLASS_MODE_FLOW;
		c->qoe = VCMP_NL_QOE_BULK;
		snprintf(c->name, sizeof(c->name), "class%u", id);
	}
	if (tb[VCMP_A_CLASS_NAME])
		nla_strscpy(c->name, tb[VCMP_A_CLASS_NAME], sizeof(c->name));
	if (tb[VCMP_A_CLASS_MODE])
		c->mode = nla_get_u8(tb[VCMP_A_CLASS_MODE]);
	if (tb[VCMP_A_CLASS_QOE])
		c->qoe = nla_get_u8(tb[VCMP_A_CLASS_QOE]);
	if (tb[VCMP_A_CLASS_JITTER_MS])
		c->jitter_ms = nla_get_u16(tb[VCMP_A_CLASS_JITTER_MS]);
	if (tb[VCMP_A_CLASS_LINKS]) {
		err = vcmp_nl_class_links(c, tb[VCMP_A_CLASS_LINKS], extack);
		if (err) {
			kfree(p);
			return err;
		}
	}
	if (created)
		atomic64_set(&vdev->steer.class_tx[id], 0);
	vcmp_policy_publish(vdev, p);
	/* Flows choose again under the class's new mode and roles. */
	vcmp_steer_forget_flows(vdev);
	e.policy = p;
	e.class_id = id;
	vcmp_nl_notify(vdev, VCMP_CMD_CLASS_SET_NTF, &e);
	return 0;
}

/* The class the request's VCMP_A_CLASS nest names, or -errno. */
static int vcmp_nl_class_id(struct vcmp_dev *vdev, struct genl_info *info,
			    struct nlattr **tb)
{
	const struct vcmp_policy *p = vcmp_policy_get_locked(vdev);
	struct netlink_ext_ack *extack = info->extack;
	int err;
	u8 id;

	err = vcmp_nl_parse_top(info, VCMP_A_CLASS, tb, VCMP_A_CLASS_MAX,
				vcmp_class_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(extack, info->attrs[VCMP_A_CLASS], tb,
			    VCMP_A_CLASS_ID, "missing class id"))
		return -EINVAL;
	id = nla_get_u8(tb[VCMP_A_CLASS_ID]);
	if (!p->classes[id].defined) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_CLASS_ID], "no such class");
		return -ENOENT;
	}
	return id;
}

static int vcmp_nl_class_del_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct nlattr *tb[VCMP_A_CLASS_MAX + 1];
	struct vcmp_nl_event e = { };
	struct vcmp_policy *p;
	unsigned int i;
	int id;

	id = vcmp_nl_class_id(vdev, info, tb);
	if (id < 0)
		return id;
	if (!id) {
		VCMP_NL_ERR_ATTR(info->extack, tb[VCMP_A_CLASS_ID],
				 "the default class cannot be deleted");
		return -EBUSY;
	}
	p = vcmp_policy_copy(vdev);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < p->nrules; i++) {
		if (p->rules[i].class_id == id) {
			kfree(p);
			VCMP_NL_ERR_ATTR(info->extack, tb[VCMP_A_CLASS_ID],
					 "rules still put packets in this class");
			return -EBUSY;
		}
	}
	memset(&p->classes[id], 0, sizeof(p->classes[id]));
	vcmp_policy_publish(vdev, p);
	e.class_id = id;
	vcmp_nl_notify(vdev, VCMP_CMD_CLASS_DEL_NTF, &e);
	return 0;
}

static int vcmp_nl_class_get_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct nlattr *tb[VCMP_A_CLASS_MAX + 1];
	struct sk_buff *skb;
	void *hdr;
	int id;

	id = vcmp_nl_class_id(vdev, info, tb);
	if (id < 0)
		return id;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &vcmp_genl_family, 0,
				VCMP_CMD_CLASS_GET);
	if (!hdr || vcmp_nl_put_dev(skb, vdev) ||
	    vcmp_nl_put_class(skb, vcmp_policy_get_locked(vdev), id, vdev)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

/* One prefix of a rule: @addr with @cidr (absent: the whole address). */
static int vcmp_nl_rule_prefix(struct vcmp_rule *r, u8 *prefix, u8 *plen,
			       const struct nlattr *addr,
			       const struct nlattr *cidr,
			       struct netlink_ext_ack *extack)
{
	unsigned int alen = r->family == 4 ? 4 : 16;

	if (!r->family) {
		VCMP_NL_ERR_ATTR(extack, addr, "a prefix needs the rule's family");
		return -EINVAL;
	}
	if (nla_len(addr) != alen) {
		VCMP_NL_ERR_ATTR(extack, addr, "address length does not match the family");
		return -EINVAL;
	}
	memcpy(prefix, nla_data(addr), alen);
	*plen = cidr ? nla_get_u8(cidr) : alen * 8;
	if (*plen > alen * 8) {
		VCMP_NL_ERR_ATTR(extack, cidr, "prefix length too long for the family");
		return -EINVAL;
	}
	return 0;
}

/* A port range: MIN and MAX (absent: MIN). */
static int vcmp_nl_rule_ports(u16 *min, u16 *max, const struct nlattr *amin,
			      const struct nlattr *amax,
			      struct netlink_ext_ack *extack)
{
	if (!amin) {
		VCMP_NL_ERR_ATTR(extack, amax, "a port range needs its minimum");
		return -EINVAL;
	}
	*min = nla_get_u16(amin);
	*max = amax ? nla_get_u16(amax) : *min;
	if (*min > *max) {
		VCMP_NL_ERR_ATTR(extack, amax, "port range maximum below its minimum");
		return -EINVAL;
	}
	return 0;
}

static int vcmp_nl_parse_rule(const struct vcmp_policy *p, struct nlattr **tb,
			      struct vcmp_rule *r,
			      struct netlink_ext_ack *extack)
{
	const struct nlattr *stray = NULL;
	int err;

	memset(r, 0, sizeof(*r));
	r->id = nla_get_u16(tb[VCMP_A_RULE_ID]);
	r->class_id = nla_get_u8(tb[VCMP_A_RULE_CLASS]);
	if (!p->classes[r->class_id].defined) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_RULE_CLASS], "no such class");
		return -ENOENT;
	}
	if (tb[VCMP_A_RULE_FAMILY]) {
		err = vcmp_nl_get_family(tb[VCMP_A_RULE_FAMILY], extack);
		if (err < 0)
			return err;
		r->family = err == AF_INET ? 4 : 6;
	}
	if (tb[VCMP_A_RULE_DSCP]) {
		r->match |= VCMP_RULE_M_DSCP;
		r->dscp = nla_get_u8(tb[VCMP_A_RULE_DSCP]);
	}
	if (tb[VCMP_A_RULE_PROTO]) {
		r->match |= VCMP_RULE_M_PROTO;
		r->proto = nla_get_u8(tb[VCMP_A_RULE_PROTO]);
	}
	/* A prefix length alone would be ignored: refuse it. */
	if (tb[VCMP_A_RULE_SRC_CIDR] && !tb[VCMP_A_RULE_SRC])
		stray = tb[VCMP_A_RULE_SRC_CIDR];
	else if (tb[VCMP_A_RULE_DST_CIDR] && !tb[VCMP_A_RULE_DST])
		stray = tb[VCMP_A_RULE_DST_CIDR];
	if (stray) {
		VCMP_NL_ERR_ATTR(extack, stray,
				 "a prefix length needs its address");
		return -EINVAL;
	}
	if (tb[VCMP_A_RULE_SRC]) {
		r->match |= VCMP_RULE_M_SRC;
		err = vcmp_nl_rule_prefix(r, r->src, &r->src_cidr,
					  tb[VCMP_A_RULE_SRC],
					  tb[VCMP_A_RULE_SRC_CIDR], extack);
		if (err)
			return err;
	}
	if (tb[VCMP_A_RULE_DST]) {
		r->match |= VCMP_RULE_M_DST;
		err = vcmp_nl_rule_prefix(r, r->dst, &r->dst_cidr,
					  tb[VCMP_A_RULE_DST],
					  tb[VCMP_A_RULE_DST_CIDR], extack);
		if (err)
			return err;
	}
	if (tb[VCMP_A_RULE_SPORT_MIN] || tb[VCMP_A_RULE_SPORT_MAX]) {
		r->match |= VCMP_RULE_M_SPORT;
		err = vcmp_nl_rule_ports(&r->sport_min, &r->sport_max,
					 tb[VCMP_A_RULE_SPORT_MIN],
					 tb[VCMP_A_RULE_SPORT_MAX], extack);
		if (err)
			return err;
	}
	if (tb[VCMP_A_RULE_DPORT_MIN] || tb[VCMP_A_RULE_DPORT_MAX]) {
		r->match |= VCMP_RULE_M_DPORT;
		err = vcmp_nl_rule_ports(&r->dport_min, &r->dport_max,
					 tb[VCMP_A_RULE_DPORT_MIN],
					 tb[VCMP_A_RULE_DPORT_MAX], extack);
		if (err)
			return err;
	}
	/* Everything it checks was refused above with a message of its own. */
	if (vcmp_rule_check(r)) {
		VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_RULE_ID], "invalid rule");
		return -EINVAL;
	}
	return 0;
}

static int vcmp_nl_rule_new_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VCMP_A_RULE_MAX + 1];
	struct nlattr *nest = info->attrs[VCMP_A_RULE];
	struct vcmp_nl_event e = { };
	struct vcmp_policy *p;
	struct vcmp_rule r;
	int err;

	err = vcmp_nl_parse_top(info, VCMP_A_RULE, tb, VCMP_A_RULE_MAX,
				vcmp_rule_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(extack, nest, tb, VCMP_A_RULE_ID, "missing rule id") ||
	    VCMP_NL_MISSING(extack, nest, tb, VCMP_A_RULE_CLASS,
			    "missing rule class"))
		return -EINVAL;
	err = vcmp_nl_parse_rule(vcmp_policy_get_locked(vdev), tb, &r, extack);
	if (err)
		return err;
	p = vcmp_policy_copy(vdev);
	if (!p)
		return -ENOMEM;
	err = vcmp_policy_add_rule(p, &r);
	if (err) {
		kfree(p);
		if (err == -EEXIST)
			VCMP_NL_ERR_ATTR(extack, tb[VCMP_A_RULE_ID],
					 "a rule with this id exists");
		else
			VCMP_NL_ERR_ATTR(extack, nest, "too many rules (at most "
					 __stringify(VCMP_RULES_MAX) ")");
		return err;
	}
	vcmp_policy_publish(vdev, p);
	e.policy = p;
	e.rule_id = r.id;
	vcmp_nl_notify(vdev, VCMP_CMD_RULE_NEW_NTF, &e);
	return 0;
}

/* Index of the rule the request names, or -errno. */
static int vcmp_nl_rule_index(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct nlattr *tb[VCMP_A_RULE_MAX + 1];
	int err, i;

	err = vcmp_nl_parse_top(info, VCMP_A_RULE, tb, VCMP_A_RULE_MAX,
				vcmp_rule_policy);
	if (err)
		return err;
	if (VCMP_NL_MISSING(info->extack, info->attrs[VCMP_A_RULE], tb,
			    VCMP_A_RULE_ID, "missing rule id"))
		return -EINVAL;
	i = vcmp_policy_find_rule(vcmp_policy_get_locked(vdev),
				  nla_get_u16(tb[VCMP_A_RULE_ID]));
	if (i < 0) {
		VCMP_NL_ERR_ATTR(info->extack, tb[VCMP_A_RULE_ID], "no such rule");
		return -ENOENT;
	}
	return i;
}

static int vcmp_nl_rule_del_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct vcmp_nl_event e = { };
	struct vcmp_policy *p;
	int i;

	i = vcmp_nl_rule_index(vdev, info);
	if (i < 0)
		return i;
	p = vcmp_policy_copy(vdev);
	if (!p)
		return -ENOMEM;
	e.rule_id = p->rules[i].id;
	vcmp_policy_del_rule(p, i);
	vcmp_policy_publish(vdev, p);
	vcmp_nl_notify(vdev, VCMP_CMD_RULE_DEL_NTF, &e);
	return 0;
}

static int vcmp_nl_rule_get_fn(struct vcmp_dev *vdev, struct genl_info *info)
{
	struct sk_buff *skb;
	void *hdr;
	int i;

	i = vcmp_nl_rule_index(vdev, info);
	if (i < 0)
		return i;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &vcmp_genl_family, 0,
				VCMP_CMD_RULE_GET);
	if (!hdr || vcmp_nl_put_dev(skb, vdev) ||
	    vcmp_nl_put_rule(skb, &vcmp_policy_get_locked(vdev)->rules[i])) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int vcmp_nl_class_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_class_set_fn);
}

static int vcmp_nl_class_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_class_del_fn);
}

static int vcmp_nl_class_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_class_get_fn);
}

static int vcmp_nl_rule_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_rule_new_fn);
}

static int vcmp_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_rule_del_fn);
}

static int vcmp_nl_rule_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vcmp_nl_run(info, vcmp_nl_rule_get_fn);
}

/*
 * Dump of the classes (@rules false) or rules of a device, one per
 * message; d->index is the next class id or rule index. The policy is
 * read under vdev->lock, so each message is one consistent item; a dump
 * spanning changes may mix snapshots (rules are found by index).
 */
static int vcmp_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb,
			       bool rules)
{
	struct vcmp_nl_dump *d = vcmp_nl_dump_state(cb);
	const struct vcmp_policy *p;
	struct vcmp_dev *vdev;
	unsigned int end;
	void *hdr;
	int err = 0;

	if (d->done)
		return 0;
	vdev = vcmp_nl_dump_dev(cb, d);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	mutex_lock(&vdev->lock);
	if (vdev->dead) {
		NL_SET_ERR_MSG_MOD(cb->extack, "the device went away during the dump");
		err = -ENODEV;
		goto out;
	}
	p = vcmp_policy_get_locked(vdev);
	end = rules ? p->nrules : VCMP_CLASSES_MAX;
	for (; d->index < end; d->index++) {
		if (!rules && !p->classes[d->index].defined)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vcmp_genl_family,
				  NLM_F_MULTI, rules ? VCMP_CMD_RULE_GET :
						       VCMP_CMD_CLASS_GET);
		if (!hdr)
			break;
		if (nla_put_u32(skb, VCMP_A_IFINDEX, d->ifindex) ||
		    (rules ? vcmp_nl_put_rule(skb, &p->rules[d->index]) :
			     vcmp_nl_put_class(skb, p, d->index, vdev))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	if (d->index >= end)
		d->done = true;
	err = skb->len;
out:
	mutex_unlock(&vdev->lock);
	vcmp_dev_put(vdev);
	return err;
}

static int vcmp_nl_class_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vcmp_nl_policy_dump(skb, cb, false);
}

static int vcmp_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vcmp_nl_policy_dump(skb, cb, true);
}

/* --- the family ---------------------------------------------------------------- */

static const struct genl_multicast_group vcmp_genl_mcgrps[] = {
	[VCMP_MCGRP_EVENTS] = {
		.name = VCMP_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

#define VCMP_NL_OP(_cmd, _name) {					\
	.cmd = _cmd,							\
	.doit = vcmp_nl_##_name##_doit,					\
	.policy = vcmp_policy,						\
	.maxattr = VCMP_A_MAX,						\
	.flags = GENL_UNS_ADMIN_PERM,					\
}

static const struct genl_ops vcmp_genl_ops[] = {
	VCMP_NL_OP(VCMP_CMD_DEV_GET, dev_get),
	VCMP_NL_OP(VCMP_CMD_PEER_NEW, peer_new),
	VCMP_NL_OP(VCMP_CMD_PEER_SET, peer_set),
	VCMP_NL_OP(VCMP_CMD_PEER_DEL, peer_del),
	{
		.cmd = VCMP_CMD_PEER_GET,
		.doit = vcmp_nl_peer_get_doit,
		.dumpit = vcmp_nl_peer_dump,
		.policy = vcmp_policy,
		.maxattr = VCMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	VCMP_NL_OP(VCMP_CMD_LINK_NEW, link_new),
	VCMP_NL_OP(VCMP_CMD_LINK_DEL, link_del),
	VCMP_NL_OP(VCMP_CMD_SA_NEW, sa_new),
	VCMP_NL_OP(VCMP_CMD_SA_DEL, sa_del),
	VCMP_NL_OP(VCMP_CMD_CLASS_SET, class_set),
	VCMP_NL_OP(VCMP_CMD_CLASS_DEL, class_del),
	{
		.cmd = VCMP_CMD_CLASS_GET,
		.doit = vcmp_nl_class_get_doit,
		.dumpit = vcmp_nl_class_dump,
		.policy = vcmp_policy,
		.maxattr = VCMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	VCMP_NL_OP(VCMP_CMD_RULE_NEW, rule_new),
	VCMP_NL_OP(VCMP_CMD_RULE_DEL, rule_del),
	{
		.cmd = VCMP_CMD_RULE_GET,
		.doit = vcmp_nl_rule_get_doit,
		.dumpit = vcmp_nl_rule_dump,
		.policy = vcmp_policy,
		.maxattr = VCMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* resv_start_op stays 0: strict validation of every operation. */
static struct genl_family vcmp_genl_family __ro_after_init = {
	.name = VCMP_GENL_NAME,
	.version = VCMP_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,	/* serialised per device by vdev->lock */
	.module = THIS_MODULE,
	.ops = vcmp_genl_ops,
	.n_ops = ARRAY_SIZE(vcmp_genl_ops),
	.mcgrps = vcmp_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vcmp_genl_mcgrps),
};

int __init vcmp_genl_init(void)
{
	return genl_register_family(&vcmp_genl_family);
}

void vcmp_genl_exit(void)
{
	genl_unregister_family(&vcmp_genl_family);
}
