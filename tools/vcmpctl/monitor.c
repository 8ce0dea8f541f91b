// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "monitor": print the events of the "events" multicast group
 * (peers, links and SAs added, changed or deleted) until interrupted, one
 * line each, as text or as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "commands.h"
#include "family.h"
#include "json.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

#define MONITOR_RCVBUF	(1 << 20)	/* bursts: setconf of many peers */

static struct nla_policy event_policy[VCMP_A_MAX + 1] = {
	[VCMP_A_IFINDEX] = { .type = NLA_U32 },
	[VCMP_A_IFNAME] = { .type = NLA_STRING },
	[VCMP_A_PEER] = { .type = NLA_NESTED },
	[VCMP_A_LINK] = { .type = NLA_NESTED },
	[VCMP_A_SA] = { .type = NLA_NESTED },
};

static const char *const event_names[] = {
	[VCMP_CMD_PEER_NEW_NTF] = "peer-new",
	[VCMP_CMD_PEER_SET_NTF] = "peer-set",
	[VCMP_CMD_PEER_DEL_NTF] = "peer-del",
	[VCMP_CMD_LINK_NEW_NTF] = "link-new",
	[VCMP_CMD_LINK_DEL_NTF] = "link-del",
	[VCMP_CMD_SA_NEW_NTF] = "sa-new",
	[VCMP_CMD_SA_DEL_NTF] = "sa-del",
	[VCMP_CMD_LINK_CHANGE_NTF] = "link-change",
};

/* What an event is about, read from its attributes. */
struct event {
	uint8_t cmd;
	char ifname[IF_NAMESIZE];
	uint32_t ifindex;
	struct vpeers peers;	/* peer events: the one peer */
	uint32_t peer_id;	/* link and SA events */
	struct vlink link;
	struct vsa sa;
};

static const char *event_verb(uint8_t cmd)
{
	switch (cmd) {
	case VCMP_CMD_PEER_NEW_NTF:
	case VCMP_CMD_LINK_NEW_NTF:
	case VCMP_CMD_SA_NEW_NTF:
		return "added";
	case VCMP_CMD_PEER_SET_NTF:
	case VCMP_CMD_LINK_CHANGE_NTF:
		return "changed";
	default:
		return "deleted";
	}
}

static void event_text(const struct event *e)
{
	const struct vpeer *peer = e->peers.n ? &e->peers.v[0] : NULL;
	char buf[256];

	printf("%s: ", e->ifname);
	switch (e->cmd) {
	case VCMP_CMD_PEER_NEW_NTF:
	case VCMP_CMD_PEER_SET_NTF:
	case VCMP_CMD_PEER_DEL_NTF:
		printf("peer %u %s", peer->id, event_verb(e->cmd));
		if (peer->has_segment && peer->has_suite)
			printf(": segment %u suite %s", peer->segment,
			       suite_name(peer->suite));
		break;
	case VCMP_CMD_LINK_NEW_NTF:
	case VCMP_CMD_LINK_DEL_NTF:
		printf("peer %u link %u %s", e->peer_id, e->link.id,
		       event_verb(e->cmd));
		if (e->cmd == VCMP_CMD_LINK_NEW_NTF) {
			format_link(&e->link, buf, sizeof(buf));
			printf(": %s", buf);
		}
		break;
	case VCMP_CMD_LINK_CHANGE_NTF:
		printf("peer %u link %u %s: state %s, path mtu %u (pmtud %s), packet mtu %u",
		       e->peer_id, e->link.id, event_verb(e->cmd),
		       link_state_name(e->link.state),
		       e->link.path_mtu, pmtud_name(e->link.pmtud),
		       e->link.packet_mtu);
		break;
	default:
		printf("peer %u sa 0x%08x %s %s", e->peer_id, e->sa.spi,
		       dir_name(e->sa.dir), event_verb(e->cmd));
	}
	putchar('\n');
}

static void event_json(const struct event *e)
{
	const struct vpeer *peer = e->peers.n ? &e->peers.v[0] : NULL;
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "event", event_names[e->cmd]);
	json_str(&j, "ifname", e->ifname);
	json_uint(&j, "ifindex", e->ifindex);
	switch (e->cmd) {
	case VCMP_CMD_PEER_NEW_NTF:
	case VCMP_CMD_PEER_SET_NTF:
	case VCMP_CMD_PEER_DEL_NTF:
		json_obj_begin(&j, "peer");
		json_uint(&j, "id", peer->id);
		if (peer->has_segment)
			json_uint(&j, "segment", peer->segment);
		if (peer->has_suite)
			json_str(&j, "suite", suite_name(peer->suite));
		json_obj_end(&j);
		break;
	case VCMP_CMD_LINK_NEW_NTF:
	case VCMP_CMD_LINK_CHANGE_NTF:
		json_uint(&j, "peer_id", e->peer_id);
		print_link_json(&j, "link", &e->link);
		break;
	case VCMP_CMD_LINK_DEL_NTF:
		json_uint(&j, "peer_id", e->peer_id);
		json_obj_begin(&j, "link");
		json_uint(&j, "id", e->link.id);
		json_obj_end(&j);
		break;
	default:
		json_uint(&j, "peer_id", e->peer_id);
		json_obj_begin(&j, "sa");
		json_uint(&j, "spi", e->sa.spi);
		json_str(&j, "dir", dir_name(e->sa.dir));
		json_obj_end(&j);
	}
	json_obj_end(&j);
	putchar('\n');
}

static int event_parse(struct nlmsghdr *nlh, struct event *e)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[VCMP_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, VCMP_A_MAX, event_policy) < 0 ||
	    !tb[VCMP_A_IFINDEX] || !tb[VCMP_A_IFNAME])
		return -EBADMSG;
	e->cmd = g->cmd;
	e->ifindex = nla_get_u32(tb[VCMP_A_IFINDEX]);
	nla_strlcpy(e->ifname, tb[VCMP_A_IFNAME], sizeof(e->ifname));
	switch (e->cmd) {
	case VCMP_CMD_PEER_NEW_NTF:
	case VCMP_CMD_PEER_SET_NTF:
	case VCMP_CMD_PEER_DEL_NTF:
		if (!tb[VCMP_A_PEER])
			return -EBADMSG;
		return parse_peer_nest(tb[VCMP_A_PEER], &e->peers);
	case VCMP_CMD_LINK_NEW_NTF:
	case VCMP_CMD_LINK_DEL_NTF:
	case VCMP_CMD_LINK_CHANGE_NTF:
		if (!tb[VCMP_A_LINK])
			return -EBADMSG;
		return parse_link_nest(tb[VCMP_A_LINK], &e->peer_id, &e->link);
	case VCMP_CMD_SA_NEW_NTF:
	case VCMP_CMD_SA_DEL_NTF:
		if (!tb[VCMP_A_SA])
			return -EBADMSG;
		return parse_sa_nest(tb[VCMP_A_SA], &e->peer_id, &e->sa);
	default:
		return -ENOENT;	/* an event of a later version */
	}
}

static int monitor_event(struct nl_msg *msg, void *arg)
{
	const struct vcmpctl_opts *opts = arg;
	struct event e = { 0 };
	int err;

	err = event_parse(nlmsg_hdr(msg), &e);
	if (!err) {
		if (opts->json)
			event_json(&e);
		else
			event_text(&e);
		fflush(stdout);
	} else if (err != -ENOENT) {
		pr_err("malformed event ignored");
	}
	vpeers_free(&e.peers);
	return NL_OK;
}

static int monitor_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vnl nl;
	int grp, err;

	if (argc) {
		pr_err("unexpected argument \"%s\"", argv[0]);
		return EXIT_USAGE;
	}
	if (family_open(&nl))
		return EXIT_FAIL;
	grp = vnl_genl_group(&nl, VCMP_GENL_NAME, VCMP_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		vnl_perror(&nl);
		goto fail;
	}
	err = nl_socket_add_membership(nl.sk, grp);
	if (err < 0) {
		pr_err("cannot join the events group: %s", nl_geterror(err));
		goto fail;
	}
	nl_socket_disable_seq_check(nl.sk);
	nl_socket_set_buffer_size(nl.sk, MONITOR_RCVBUF, 0);
	err = nl_socket_modify_cb(nl.sk, NL_CB_VALID, NL_CB_CUSTOM,
				  monitor_event, (void *)opts);
	if (err < 0) {
		pr_err("netlink: %s", nl_geterror(err));
		goto fail;
	}
	/* Until a signal ends the program. */
	for (;;) {
		err = nl_recvmsgs_default(nl.sk);
		if (err == -NLE_NOMEM) {
			pr_err("events lost: the receive buffer overflowed");
			continue;
		}
		if (err < 0) {
			pr_err("netlink: %s", nl_geterror(err));
			goto fail;
		}
	}

fail:
	vnl_close(&nl);
	return EXIT_FAIL;
}

const struct vcmpctl_object monitor_command = {
	.name = "monitor",
	.args = "",
	.run = monitor_run,
};
