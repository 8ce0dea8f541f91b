// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "dev" object: create, change, delete and list vcmp devices
 * over rtnetlink (link kind "vcmp", attributes in <linux/vcmp.h>).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include "json.h"
#include "dev.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

#define VCMP_KIND		"vcmp"
#define LINK_DUMP_TRIES		5	/* when a dump is interrupted */

/* Arguments of "add" and "set": NAME [port PORT]. */
struct link_args {
	const char *name;
	uint16_t port;
	bool have_port;
};

/* A vcmp device as reported by RTM_NEWLINK. */
struct link_info {
	char name[IFNAMSIZ];
	int ifindex;
	bool up;
	bool have_port;
	uint16_t port;
	bool have_mtu;
	uint32_t mtu;
};

/* Result of RTM_GETLINK: the vcmp devices and how many others were seen. */
struct link_list {
	struct link_info *links;
	size_t n;
	size_t cap;
	unsigned int others;
};

static void link_list_free(struct link_list *list)
{
	free(list->links);
	memset(list, 0, sizeof(*list));
}

static struct link_info *link_list_add(struct link_list *list)
{
	struct link_info *links;
	size_t cap;

	if (list->n == list->cap) {
		cap = list->cap ? list->cap * 2 : 8;
		if (cap > SIZE_MAX / sizeof(*links))
			return NULL;
		links = realloc(list->links, cap * sizeof(*links));
		if (!links)
			return NULL;
		list->links = links;
		list->cap = cap;
	}
	links = &list->links[list->n++];
	memset(links, 0, sizeof(*links));
	return links;
}

/* vnl_parse_fn for RTM_GETLINK replies: keep the vcmp devices. */
static int link_parse(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct nlattr *data[IFLA_VCMP_MAX + 1];
	struct link_list *list = arg;
	struct ifinfomsg *ifi;
	struct link_info *link;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -EBADMSG;
	ifi = nlmsg_data(nlh);

	if (!tb[IFLA_LINKINFO] ||
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0 ||
	    !li[IFLA_INFO_KIND] || nla_strcmp(li[IFLA_INFO_KIND], VCMP_KIND)) {
		list->others++;
		return 0;
	}
	if (!tb[IFLA_IFNAME] || nla_len(tb[IFLA_IFNAME]) < 1)
		return -EBADMSG;

	link = link_list_add(list);
	if (!link)
		return -ENOMEM;
	nla_strlcpy(link->name, tb[IFLA_IFNAME], sizeof(link->name));
	link->ifindex = ifi->ifi_index;
	link->up = ifi->ifi_flags & IFF_UP;
	if (tb[IFLA_MTU] && nla_len(tb[IFLA_MTU]) >= (int)sizeof(uint32_t)) {
		link->mtu = nla_get_u32(tb[IFLA_MTU]);
		link->have_mtu = true;
	}
	if (li[IFLA_INFO_DATA] &&
	    !nla_parse_nested(data, IFLA_VCMP_MAX, li[IFLA_INFO_DATA], NULL) &&
	    data[IFLA_VCMP_PORT] &&
	    nla_len(data[IFLA_VCMP_PORT]) >= (int)sizeof(uint16_t)) {
		link->port = nla_get_u16(data[IFLA_VCMP_PORT]);
		link->have_port = true;
	}
	return 0;
}

/* A request for the device @name (NULL: none) with an empty ifinfomsg. */
static struct nl_msg *link_msg(int type, int flags, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(type, flags);
	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* IFLA_LINKINFO { IFLA_INFO_KIND "vcmp", IFLA_INFO_DATA { PORT } }. */
static int link_put_info(struct nl_msg *msg, const struct link_args *a)
{
	struct nlattr *info, *data;

	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, VCMP_KIND) < 0)
		return -1;
	if (a->have_port) {
		data = nla_nest_start(msg, IFLA_INFO_DATA);
		if (!data || nla_put_u16(msg, IFLA_VCMP_PORT, a->port) < 0 ||
		    nla_nest_end(msg, data) < 0)
			return -1;
	}
	return nla_nest_end(msg, info) < 0 ? -1 : 0;
}

/*
 * Send @msg, which link_msg() or link_put_info() may have failed to build
 * (NULL), and wait for the answer. Frees @msg. Returns an EXIT_* status.
 */
static int link_exchange(struct vnl *nl, struct nl_msg *msg,
			 vnl_parse_fn parse, void *arg)
{
	int ret = EXIT_OK;

	if (!msg) {
		pr_err("cannot build the netlink request: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	if (vnl_request(nl, msg, parse, arg)) {
		vnl_perror(nl);
		ret = EXIT_FAIL;
	}
	nlmsg_free(msg);
	return ret;
}

static int link_open(struct vnl *nl)
{
	if (vnl_open(nl, NETLINK_ROUTE)) {
		vnl_perror(nl);
		return -1;
	}
	return 0;
}

/* Request RTM_GETLINK for @name, or a dump if NULL; fills @list. */
static int link_get(struct vnl *nl, const char *name, struct link_list *list)
{
	struct nl_msg *msg;
	int tries, ret;

	for (tries = 1; ; tries++) {
		if (name)
			msg = link_msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK,
				       name);
		else
			msg = link_msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP,
				       NULL);
		if (!msg) {
			vnl_fail(nl, ENOMEM);
			return -1;
		}
		ret = vnl_request(nl, msg, link_parse, list);
		nlmsg_free(msg);
		/* The device list changed during the dump: start over. */
		if (!ret || nl->nlerr != NLE_DUMP_INTR ||
		    tries == LINK_DUMP_TRIES)
			return ret;
		link_list_free(list);
	}
}

/*
 * Before changing or deleting @name, make sure it is not some other kind of
 * device. Returns 0 to go ahead (also when the lookup fails: the request
 * that follows then gets, and reports, the kernel's own error).
 */
static int link_check_vcmp(struct vnl *nl, const char *name)
{
	struct link_list list = { 0 };
	int ret = 0;

	if (!link_get(nl, name, &list) && !list.n) {
		pr_err("%s is not a vcmp device", name);
		ret = -1;
	}
	link_list_free(&list);
	return ret;
}

/* NAME [port PORT], the port being mandatory if @need_port. */
static int link_parse_args(int argc, char **argv, bool need_port,
			   struct link_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (argc < 1) {
		pr_err("missing device name");
		return -1;
	}
	if (parse_ifname(argv[0]))
		return -1;
	a->name = argv[0];
	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "port")) {
			pr_err("unknown argument \"%s\"", argv[i]);
			return -1;
		}
		if (a->have_port) {
			pr_err("\"port\" given twice");
			return -1;
		}
		if (i + 1 >= argc) {
			pr_err("missing value after \"port\"");
			return -1;
		}
		if (parse_port(argv[i + 1], &a->port))
			return -1;
		a->have_port = true;
	}
	if (need_port && !a->have_port) {
		pr_err("missing \"port PORT\"");
		return -1;
	}
	return 0;
}

/* NAME alone, or, if @optional, nothing at all (*name = NULL). */
static int link_parse_name(int argc, char **argv, bool optional,
			   const char **name)
{
	*name = NULL;
	if (argc > 1) {
		pr_err("unexpected argument \"%s\"", argv[1]);
		return -1;
	}
	if (!argc) {
		if (optional)
			return 0;
		pr_err("missing device name");
		return -1;
	}
	if (parse_ifname(argv[0]))
		return -1;
	*name = argv[0];
	return 0;
}

static int link_add(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct link_args a;
	struct nl_msg *msg;
	struct vnl nl;
	int ret;

	(void)opts;
	if (link_parse_args(argc, argv, false, &a))
		return EXIT_USAGE;
	if (link_open(&nl))
		return EXIT_FAIL;
	msg = link_msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL |
		       NLM_F_ACK, a.name);
	if (msg && link_put_info(msg, &a)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = link_exchange(&nl, msg, NULL, NULL);
	vnl_close(&nl);
	return ret;
}

static int link_set(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct link_args a;
	struct nl_msg *msg;
	struct vnl nl;
	int ret;

	(void)opts;
	if (link_parse_args(argc, argv, true, &a))
		return EXIT_USAGE;
	if (link_open(&nl))
		return EXIT_FAIL;
	if (link_check_vcmp(&nl, a.name)) {
		ret = EXIT_FAIL;
		goto out;
	}
	/* No NLM_F_CREATE: change the existing device named by IFLA_IFNAME. */
	msg = link_msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, a.name);
	if (msg && link_put_info(msg, &a)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = link_exchange(&nl, msg, NULL, NULL);
out:
	vnl_close(&nl);
	return ret;
}

static int link_del(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	const char *name;
	struct vnl nl;
	int ret;

	(void)opts;
	if (link_parse_name(argc, argv, false, &name))
		return EXIT_USAGE;
	if (link_open(&nl))
		return EXIT_FAIL;
	if (link_check_vcmp(&nl, name))
		ret = EXIT_FAIL;
	else
		ret = link_exchange(&nl, link_msg(RTM_DELLINK,
						  NLM_F_REQUEST | NLM_F_ACK,
						  name), NULL, NULL);
	vnl_close(&nl);
	return ret;
}

static void link_print_text(const struct link_info *link)
{
	printf("%s: port ", link->name);
	if (link->have_port)
		printf("%u", link->port);
	else
		putchar('-');
	printf(" state %s mtu ", link->up ? "UP" : "DOWN");
	if (link->have_mtu)
		printf("%u\n", link->mtu);
	else
		puts("-");
}

static void link_print_json(const struct link_info *link)
{
	fputs("{\"ifname\":", stdout);
	json_print_string(stdout, link->name);
	printf(",\"ifindex\":%d,\"port\":", link->ifindex);
	if (link->have_port)
		printf("%u", link->port);
	else
		fputs("null", stdout);
	printf(",\"up\":%s,\"mtu\":", link->up ? "true" : "false");
	if (link->have_mtu)
		printf("%u", link->mtu);
	else
		fputs("null", stdout);
	putchar('}');
}

static int link_show(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct link_list list = { 0 };
	const char *name;
	struct vnl nl;
	int ret = EXIT_OK;
	size_t i;

	if (link_parse_name(argc, argv, true, &name))
		return EXIT_USAGE;
	if (link_open(&nl))
		return EXIT_FAIL;
	if (link_get(&nl, name, &list)) {
		vnl_perror(&nl);
		ret = EXIT_FAIL;
		goto out;
	}
	if (name && !list.n) {
		pr_err("%s is not a vcmp device", name);
		ret = EXIT_FAIL;
		goto out;
	}

	if (opts->json)
		putchar('[');
	for (i = 0; i < list.n; i++) {
		if (!opts->json) {
			link_print_text(&list.links[i]);
			continue;
		}
		if (i)
			putchar(',');
		link_print_json(&list.links[i]);
	}
	if (opts->json)
		puts("]");
out:
	link_list_free(&list);
	vnl_close(&nl);
	return ret;
}

int dev_names(const char *name, char (**names)[IFNAMSIZ], size_t *n)
{
	struct link_list list = { 0 };
	struct vnl nl;
	size_t i;
	int ret = 0;

	*names = NULL;
	*n = 0;
	if (link_open(&nl))
		return -1;
	if (link_get(&nl, name, &list)) {
		vnl_perror(&nl);
		ret = -1;
		goto out;
	}
	if (name && !list.n) {
		pr_err("%s is not a vcmp device", name);
		ret = -1;
		goto out;
	}
	if (list.n) {
		*names = calloc(list.n, sizeof(**names));
		if (!*names) {
			pr_err("out of memory");
			ret = -1;
			goto out;
		}
	}
	for (i = 0; i < list.n; i++)
		memcpy((*names)[i], list.links[i].name, IFNAMSIZ);
	*n = list.n;
out:
	link_list_free(&list);
	vnl_close(&nl);
	return ret;
}

static const struct vcmpctl_cmd dev_cmds[] = {
	{ "add",  "NAME [port PORT]", link_add },
	{ "set",  "NAME port PORT",   link_set },
	{ "del",  "NAME",             link_del },
	{ "show", "[NAME]",           link_show },
};

const struct vcmpctl_object dev_object = {
	.name = "dev",
	.cmds = dev_cmds,
	.ncmds = ARRAY_SIZE(dev_cmds),
};
