// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "link" object: add and delete the links (underlay paths) of a
 * peer (generic netlink family "vcmp"). Devices are the "dev" object.
 */
#include <string.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "commands.h"
#include "family.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

int link_new(struct vnl *nl, const char *dev, uint32_t peer,
	     const struct vlink *link)
{
	struct nl_msg *msg;

	msg = family_msg(nl, VCMP_CMD_LINK_NEW, 0, dev, 0);
	if (msg && put_link(msg, VCMP_A_LINK, peer, link)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return family_exchange(nl, msg, NULL, NULL);
}

int link_del(struct vnl *nl, const char *dev, uint32_t peer, uint8_t id)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = family_msg(nl, VCMP_CMD_LINK_DEL, 0, dev, 0);
	if (msg) {
		nest = nla_nest_start(msg, VCMP_A_LINK | NLA_F_NESTED);
		if (!nest || nla_put_u32(msg, VCMP_A_LINK_PEER_ID, peer) < 0 ||
		    nla_put_u8(msg, VCMP_A_LINK_ID, id) < 0 ||
		    nla_nest_end(msg, nest) < 0) {
			nlmsg_free(msg);
			msg = NULL;
		}
	}
	return family_exchange(nl, msg, NULL, NULL);
}

static int link_add_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vlink link;
	const char *dev;
	struct vnl nl;
	uint32_t peer;
	int n, ret;

	(void)opts;
	if (parse_dev_peer(argc, argv, 3, &dev, &peer))
		return EXIT_USAGE;
	n = parse_link(argc - 2, argv + 2, &link);
	if (n < 0)
		return EXIT_USAGE;
	if (n + 2 < argc) {
		pr_err("unexpected argument \"%s\"", argv[n + 2]);
		return EXIT_USAGE;
	}
	if (family_open(&nl))
		return EXIT_FAIL;
	ret = link_new(&nl, dev, peer, &link);
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int link_del_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	const char *dev;
	struct vnl nl;
	uint32_t peer;
	uint8_t id;
	int ret;

	(void)opts;
	if (parse_dev_peer(argc, argv, 3, &dev, &peer) ||
	    parse_u8("link id", argv[2], &id))
		return EXIT_USAGE;
	if (argc > 3) {
		pr_err("unexpected argument \"%s\"", argv[3]);
		return EXIT_USAGE;
	}
	if (family_open(&nl))
		return EXIT_FAIL;
	ret = link_del(&nl, dev, peer, id);
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static const struct vcmpctl_cmd link_cmds[] = {
	{ "add", "DEV PEER ID remote ADDR[:PORT] [local ADDR] [dev IFNAME]",
	  link_add_cmd },
	{ "del", "DEV PEER ID", link_del_cmd },
};

const struct vcmpctl_object link_object = {
	.name = "link",
	.cmds = link_cmds,
	.ncmds = ARRAY_SIZE(link_cmds),
};
