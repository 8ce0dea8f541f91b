// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "peer" object: add, change, delete and show the peers of a
 * vcmp device (generic netlink family "vcmp").
 */
#include <stdio.h>
#include <string.h>
#include <linux/vcmp.h>

#include <netlink/msg.h>

#include "commands.h"
#include "family.h"
#include "json.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

/* Prefixes per request; a peer may have many more. */
#define PREFIXES_PER_MSG	256
#define PREFIX_SIZE		40
#define LINK_SIZE		96

int parse_dev_peer(int argc, char **argv, int min, const char **dev,
		   uint32_t *peer)
{
	if (argc < 1) {
		pr_err("missing device name");
		return -1;
	}
	if (parse_ifname(argv[0]))
		return -1;
	*dev = argv[0];
	if (min < 2)
		return 0;
	if (argc < 2) {
		pr_err("missing peer id");
		return -1;
	}
	if (parse_u32("peer id", argv[1], peer))
		return -1;
	if (argc < min) {
		pr_err("missing arguments after \"%s\"", argv[argc - 1]);
		return -1;
	}
	return 0;
}

/* A request carrying @peer with prefixes [@first, @first + @n). */
static int peer_send(struct vnl *nl, uint8_t cmd, const char *dev,
		     const struct vpeer *peer, size_t first, size_t n,
		     bool links)
{
	struct nl_msg *msg;

	msg = family_msg(nl, cmd, 0, dev,
			 n * PREFIX_SIZE + (links ? peer->nlinks * LINK_SIZE : 0));
	if (msg && put_peer(msg, peer, first, n, links)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return family_exchange(nl, msg, NULL, NULL);
}

/* Prefixes from @first on, added by peer-set requests. */
static int peer_add_prefixes(struct vnl *nl, const char *dev,
			     const struct vpeer *peer, size_t first)
{
	struct vpeer only = { .id = peer->id, .prefixes = peer->prefixes };
	size_t n;

	for (; first < peer->nprefixes; first += n) {
		n = peer->nprefixes - first;
		if (n > PREFIXES_PER_MSG)
			n = PREFIXES_PER_MSG;
		if (peer_send(nl, VCMP_CMD_PEER_SET, dev, &only, first, n,
			      false))
			return -1;
	}
	return 0;
}

int peer_new(struct vnl *nl, const char *dev, const struct vpeer *peer)
{
	size_t n = peer->nprefixes;

	if (n > PREFIXES_PER_MSG)
		n = PREFIXES_PER_MSG;
	if (peer_send(nl, VCMP_CMD_PEER_NEW, dev, peer, 0, n, true))
		return -1;
	return peer_add_prefixes(nl, dev, peer, n);
}

int peer_set(struct vnl *nl, const char *dev, struct vpeer *peer)
{
	size_t n = peer->nprefixes;

	if (n > PREFIXES_PER_MSG)
		n = PREFIXES_PER_MSG;
	if (peer_send(nl, VCMP_CMD_PEER_SET, dev, peer, 0, n, false))
		return -1;
	return peer_add_prefixes(nl, dev, peer, n);
}

int peer_del(struct vnl *nl, const char *dev, uint32_t id)
{
	struct vpeer peer = { .id = id };

	return peer_send(nl, VCMP_CMD_PEER_DEL, dev, &peer, 0, 0, false);
}

/*
 * The settings after "DEV ID" of "peer add" (@add) or "peer set":
 * segment N, suite NAME, allowed-ips PREFIXES, and link LINK (add) or
 * replace (set).
 */
static int peer_parse_args(int argc, char **argv, bool add, struct vpeer *peer)
{
	const char *opt;
	int i = 2, n, suite;

	while (i < argc) {
		opt = argv[i];
		if (add && !strcmp(opt, "link")) {
			if (peer->nlinks == PEER_MAX_LINKS) {
				pr_err("too many links: at most %d", PEER_MAX_LINKS);
				return -1;
			}
			n = parse_link(argc - i - 1, argv + i + 1,
				       &peer->links[peer->nlinks]);
			if (n < 0)
				return -1;
			peer->nlinks++;
			i += n + 1;
			continue;
		}
		if (!add && !strcmp(opt, "replace")) {
			peer->replace = true;
			i++;
			continue;
		}
		if (strcmp(opt, "segment") && strcmp(opt, "suite") &&
		    strcmp(opt, "allowed-ips")) {
			pr_err("unexpected argument \"%s\"", opt);
			return -1;
		}
		if (i + 1 >= argc) {
			pr_err("missing value after \"%s\"", opt);
			return -1;
		}
		if (!strcmp(opt, "segment") && !peer->has_segment) {
			if (parse_u16("segment", argv[i + 1], &peer->segment))
				return -1;
			peer->has_segment = true;
		} else if (!strcmp(opt, "suite") && !peer->has_suite) {
			suite = parse_suite(argv[i + 1]);
			if (suite < 0)
				return -1;
			peer->suite = (unsigned int)suite;
			peer->has_suite = true;
		} else if (!strcmp(opt, "allowed-ips")) {
			if (parse_prefixes(argv[i + 1], peer))
				return -1;
		} else {
			pr_err("\"%s\" given twice", opt);
			return -1;
		}
		i += 2;
	}
	return 0;
}

static int peer_cmd(int argc, char **argv, bool add)
{
	struct vpeer peer = { 0 };
	const char *dev;
	struct vnl nl;
	int ret;

	if (parse_dev_peer(argc, argv, 2, &dev, &peer.id) ||
	    peer_parse_args(argc, argv, add, &peer)) {
		vpeer_free(&peer);
		return EXIT_USAGE;
	}
	if (family_open(&nl)) {
		vpeer_free(&peer);
		return EXIT_FAIL;
	}
	ret = add ? peer_new(&nl, dev, &peer) : peer_set(&nl, dev, &peer);
	vnl_close(&nl);
	vpeer_free(&peer);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int peer_add_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	(void)opts;
	return peer_cmd(argc, argv, true);
}

static int peer_set_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	(void)opts;
	return peer_cmd(argc, argv, false);
}

static int peer_del_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	const char *dev;
	struct vnl nl;
	uint32_t id;
	int ret;

	(void)opts;
	if (parse_dev_peer(argc, argv, 2, &dev, &id))
		return EXIT_USAGE;
	if (argc > 2) {
		pr_err("unexpected argument \"%s\"", argv[2]);
		return EXIT_USAGE;
	}
	if (family_open(&nl))
		return EXIT_FAIL;
	ret = peer_del(&nl, dev, id);
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int peer_show_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vpeers peers = { 0 };
	const char *dev;
	struct json j;
	struct vnl nl;
	uint32_t id = 0;
	size_t i;
	int ret;

	if (parse_dev_peer(argc, argv, argc > 1 ? 2 : 1, &dev, &id))
		return EXIT_USAGE;
	if (argc > 2) {
		pr_err("unexpected argument \"%s\"", argv[2]);
		return EXIT_USAGE;
	}
	if (family_open(&nl))
		return EXIT_FAIL;
	ret = argc > 1 ? family_peer_get(&nl, dev, id, &peers) :
			 family_peers_get(&nl, dev, &peers);
	vnl_close(&nl);
	if (ret) {
		vpeers_free(&peers);
		return EXIT_FAIL;
	}
	vpeers_sort(&peers);
	if (opts->json) {
		json_init(&j, stdout);
		json_arr_begin(&j, NULL);
		for (i = 0; i < peers.n; i++)
			print_peer_json(&j, &peers.v[i]);
		json_arr_end(&j);
		putchar('\n');
	} else {
		for (i = 0; i < peers.n; i++) {
			if (i)
				putchar('\n');
			print_peer_text(&peers.v[i]);
		}
	}
	vpeers_free(&peers);
	return EXIT_OK;
}

static const struct vcmpctl_cmd peer_cmds[] = {
	{ "add", "DEV ID [segment N] [suite SUITE] [allowed-ips PREFIXES] [link LINK]...",
	  peer_add_cmd },
	{ "set", "DEV ID [segment N] [suite SUITE] [allowed-ips PREFIXES] [replace]",
	  peer_set_cmd },
	{ "del", "DEV ID", peer_del_cmd },
	{ "show", "DEV [ID]", peer_show_cmd },
};

const struct vcmpctl_object peer_object = {
	.name = "peer",
	.cmds = peer_cmds,
	.ncmds = ARRAY_SIZE(peer_cmds),
};
