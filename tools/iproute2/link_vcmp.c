// SPDX-License-Identifier: GPL-2.0
/*
 * link_vcmp.so - iproute2 link plugin for vcmp devices.
 *
 *   ip link add vcmp0 type vcmp [port PORT]
 *   ip link set vcmp0 type vcmp port PORT
 *   ip -d link show vcmp0         ... vcmp port 2426 ...
 *   ip -j -d link show vcmp0      "info_data":{"port":2426}
 *   ip link help type vcmp
 *
 * ip(8) looks for "<libdir>/ip/link_<kind>.so" (the IP_LIB_DIR environment
 * variable overrides the directory) when it meets a link kind it does not
 * know, dlopen()s it and takes the symbol "<kind>_link_util": a struct
 * link_util that ip's own link types use as well. That structure and the
 * few functions of ip this plugin calls (addattr16, is_json_context,
 * get_json_writer, jsonw_uint_field) are not a published library interface;
 * they are declared here as iproute2 6.1 (Debian 12) defines and exports
 * them. Argument parsing and text output are done here, so the plugin
 * depends on as little of ip's internals as possible.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vcmp.h>

/* --- what ip 6.1 provides (ip/ip_common.h, include/json_writer.h) ------ */

/*
 * struct link_util of iproute2 6.1. Only the members up to print_help are
 * used; the two xstats members are left NULL. Later iproute2 releases
 * (6.7 and up) give parse_opt a fifth argument, a pointer to the netns fd;
 * a plugin for them needs another build of this file.
 */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f,
			     struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

/*
 * Exported by the ip binary (nm -D $(command -v ip)). Output goes through
 * the JSON writer directly rather than print_uint(): that is an inline
 * wrapper of print_color_uint() whose colour argument, COLOR_NONE, has
 * changed value between iproute2 releases.
 */
extern int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data);
typedef struct json_writer json_writer_t;
extern bool is_json_context(void);
extern json_writer_t *get_json_writer(void);
extern void jsonw_uint_field(json_writer_t *jw, const char *prop,
			     unsigned int num);

/*
 * The request ip builds: struct iplink_req is a nlmsghdr, an ifinfomsg and
 * a 1024-byte buffer. Attributes must keep the message within it.
 */
#define VCMP_IP_REQ_MAX	(NLMSG_ALIGN(sizeof(struct nlmsghdr)) + \
			 NLMSG_ALIGN(sizeof(struct ifinfomsg)) + 1024)

/* --- the plugin ----------------------------------------------------------- */

static void vcmp_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	fprintf(f,
		"Usage: ... vcmp [ port PORT ]\n"
		"\n"
		"Where: PORT := 1-65535, the UDP port of the tunnel's IPv4 and IPv6\n"
		"               sockets and of every packet it sends; default %u.\n"
		"               One vcmp device per port per network namespace.\n"
		"\n"
		"Peers, links and security associations are configured with vcmpctl(8).\n",
		VCMP_DEFAULT_PORT);
}

/*
 * A port number: decimal, 0-65535. 0 is passed on, for the kernel to refuse
 * with its own message; anything else that is not a number is refused here.
 */
static int vcmp_parse_port(const char *arg, __u16 *port)
{
	unsigned long v;
	char *end;

	if (!*arg || *arg == '-' || *arg == '+')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	*port = (__u16)v;
	return 0;
}

static int vcmp_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	bool have_port = false;
	__u16 port;

	while (argc > 0) {
		if (!strcmp(*argv, "port")) {
			if (argc < 2) {
				fprintf(stderr,
					"Error: vcmp: \"port\" needs a value.\n");
				return -1;
			}
			argc--;
			argv++;
			if (have_port) {
				fprintf(stderr,
					"Error: vcmp: \"port\" given twice.\n");
				return -1;
			}
			if (vcmp_parse_port(*argv, &port)) {
				fprintf(stderr,
					"Error: vcmp: invalid port \"%s\": a number from 1 to 65535 is expected.\n",
					*argv);
				return -1;
			}
			if (addattr16(n, VCMP_IP_REQ_MAX, IFLA_VCMP_PORT, port))
				return -1;
			have_port = true;
		} else if (!strcmp(*argv, "help")) {
			vcmp_print_help(lu, argc, argv, stderr);
			return -1;
		} else {
			fprintf(stderr, "Error: vcmp: unknown option \"%s\".\n",
				*argv);
			vcmp_print_help(lu, argc, argv, stderr);
			return -1;
		}
		argc--;
		argv++;
	}
	return 0;
}

static void vcmp_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	__u16 port;

	(void)lu;
	if (!tb || !tb[IFLA_VCMP_PORT] ||
	    RTA_PAYLOAD(tb[IFLA_VCMP_PORT]) < sizeof(port))
		return;
	memcpy(&port, RTA_DATA(tb[IFLA_VCMP_PORT]), sizeof(port));
	if (is_json_context())
		jsonw_uint_field(get_json_writer(), "port", port);
	else
		fprintf(f, "port %u ", port);
}

/* The symbol ip looks up: "<kind>_link_util". */
struct link_util vcmp_link_util = {
	.id		= "vcmp",
	.maxattr	= IFLA_VCMP_MAX,
	.parse_opt	= vcmp_parse_opt,
	.print_opt	= vcmp_print_opt,
	.print_help	= vcmp_print_help,
};
