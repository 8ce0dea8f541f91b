// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - requests of the generic netlink family "vcmp".
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "family.h"
#include "model.h"
#include "nl.h"
#include "vcmpctl.h"

#define DUMP_TRIES	5	/* when the peers change during a dump */

int family_open(struct vnl *nl)
{
	if (!vnl_open_genl(nl, VCMP_GENL_NAME))
		return 0;
	if (nl->nlerr == NLE_OBJ_NOTFOUND)
		pr_err("the kernel has no \"%s\" generic netlink family: is the vcmp module loaded?",
		       VCMP_GENL_NAME);
	else
		vnl_perror(nl);
	return -1;
}

struct nl_msg *family_msg(struct vnl *nl, uint8_t cmd, int flags,
			  const char *dev, size_t size)
{
	struct nl_msg *msg;

	msg = size ? nlmsg_alloc_size(size + 1024) : nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, VCMP_GENL_VERSION) ||
	    (dev && nla_put_string(msg, VCMP_A_IFNAME, dev) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int family_exchange(struct vnl *nl, struct nl_msg *msg, vnl_parse_fn parse,
		    void *arg)
{
	int ret = 0;

	if (!msg) {
		pr_err("cannot build the netlink request: %s", strerror(ENOMEM));
		return -1;
	}
	if (vnl_request(nl, msg, parse, arg)) {
		vnl_perror(nl);
		ret = -1;
	}
	nlmsg_free(msg);
	return ret;
}

static struct nla_policy top_policy[VCMP_A_MAX + 1] = {
	[VCMP_A_IFINDEX] = { .type = NLA_U32 },
	[VCMP_A_IFNAME] = { .type = NLA_STRING },
	[VCMP_A_PORT] = { .type = NLA_U16 },
	[VCMP_A_PEER_COUNT] = { .type = NLA_U32 },
	[VCMP_A_VERSION] = { .type = NLA_STRING },
	[VCMP_A_PEER] = { .type = NLA_NESTED },
	[VCMP_A_LINK] = { .type = NLA_NESTED },
	[VCMP_A_SA] = { .type = NLA_NESTED },
};

static int dev_parse(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[VCMP_A_MAX + 1];
	struct vdev *d = arg;

	if (genlmsg_parse(nlh, 0, tb, VCMP_A_MAX, top_policy) < 0 ||
	    !tb[VCMP_A_IFINDEX] || !tb[VCMP_A_IFNAME])
		return -EBADMSG;
	d->ifindex = nla_get_u32(tb[VCMP_A_IFINDEX]);
	nla_strlcpy(d->name, tb[VCMP_A_IFNAME], sizeof(d->name));
	if (tb[VCMP_A_PORT])
		d->port = nla_get_u16(tb[VCMP_A_PORT]);
	if (tb[VCMP_A_PEER_COUNT])
		d->peer_count = nla_get_u32(tb[VCMP_A_PEER_COUNT]);
	if (tb[VCMP_A_VERSION])
		nla_strlcpy(d->version, tb[VCMP_A_VERSION], sizeof(d->version));
	return 0;
}

int family_dev_get(struct vnl *nl, const char *dev, struct vdev *d)
{
	memset(d, 0, sizeof(*d));
	return family_exchange(nl, family_msg(nl, VCMP_CMD_DEV_GET, 0, dev, 0),
			       dev_parse, d);
}

static int peer_parse(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[VCMP_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, VCMP_A_MAX, top_policy) < 0 ||
	    !tb[VCMP_A_PEER])
		return -EBADMSG;
	return parse_peer_nest(tb[VCMP_A_PEER], arg);
}

int family_peers_get(struct vnl *nl, const char *dev, struct vpeers *peers)
{
	struct nl_msg *msg;
	int tries, ret;

	for (tries = 1; ; tries++) {
		msg = family_msg(nl, VCMP_CMD_PEER_GET, NLM_F_DUMP, dev, 0);
		if (!msg) {
			pr_err("cannot build the netlink request: %s",
			       strerror(ENOMEM));
			return -1;
		}
		ret = vnl_request(nl, msg, peer_parse, peers);
		nlmsg_free(msg);
		if (!ret)
			return 0;
		/* The peers changed during the dump: start over. */
		if (nl->nlerr != NLE_DUMP_INTR || tries == DUMP_TRIES) {
			vnl_perror(nl);
			return -1;
		}
		vpeers_free(peers);
	}
}

/* Keep only peer @id of @all in @peers. */
static int peer_pick(struct vpeers *all, uint32_t id, struct vpeers *peers)
{
	struct vpeer *peer = vpeers_find(all, id), *copy;

	if (!peer) {	/* it went away meanwhile */
		pr_err("no peer %u", id);
		return -1;
	}
	copy = vpeers_add(peers, id);
	if (!copy) {
		pr_err("out of memory");
		return -1;
	}
	*copy = *peer;		/* moved: the arrays now belong to @peers */
	memset(peer, 0, sizeof(*peer));
	return 0;
}

int family_peer_get(struct vnl *nl, const char *dev, uint32_t id,
		    struct vpeers *peers)
{
	struct vpeer key = { .id = id };
	struct vpeers all = { 0 };
	struct nl_msg *msg;
	int ret;

	msg = family_msg(nl, VCMP_CMD_PEER_GET, 0, dev, 0);
	if (!msg || put_peer(msg, &key, 0, 0, false)) {
		nlmsg_free(msg);
		return family_exchange(nl, NULL, NULL, NULL);
	}
	ret = vnl_request(nl, msg, peer_parse, peers);
	nlmsg_free(msg);
	if (!ret)
		return 0;
	/* Too large for one reply: the dump sends it in parts. */
	if (nl->err != EMSGSIZE) {
		vnl_perror(nl);
		return -1;
	}
	vpeers_free(peers);
	ret = family_peers_get(nl, dev, &all);
	if (!ret)
		ret = peer_pick(&all, id, peers);
	vpeers_free(&all);
	return ret;
}
