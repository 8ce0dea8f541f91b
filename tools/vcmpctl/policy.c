// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "class" and "rule" objects: the steering policy of a device
 * (traffic classes with their mode, SLA and link roles; the rules that put
 * inner packets in classes), through the generic netlink family "vcmp".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "commands.h"
#include "family.h"
#include "json.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "policymodel.h"
#include "vcmpctl.h"

/* --- class ------------------------------------------------------------------ */

static int class_set_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	/* Link roles as given, sent after the loop: a nest stays open. */
	uint8_t lids[256], roles[256];
	struct nlattr *nest, *links, *ln;
	int i, v, ret, nlinks = 0;
	bool links_given = false;
	struct nl_msg *msg;
	struct vnl nl;
	uint8_t id, lid;
	uint16_t ms;

	(void)opts;
	if (argc < 2) {
		pr_err("expected DEV ID");
		return EXIT_USAGE;
	}
	if (parse_ifname(argv[0]) || parse_u8("class id", argv[1], &id))
		return EXIT_USAGE;
	if (family_open(&nl))
		return EXIT_FAIL;
	msg = family_msg(&nl, VCMP_CMD_CLASS_SET, 0, argv[0], 0);
	if (!msg)
		goto fail_usage;
	nest = nla_nest_start(msg, VCMP_A_CLASS);
	nla_put_u8(msg, VCMP_A_CLASS_ID, id);
	for (i = 2; i < argc; i += 2) {
		if (i + 1 >= argc) {
			pr_err("missing value after \"%s\"", argv[i]);
			goto fail_usage;
		}
		if (!strcmp(argv[i], "name")) {
			nla_put_string(msg, VCMP_A_CLASS_NAME, argv[i + 1]);
		} else if (!strcmp(argv[i], "mode")) {
			v = parse_class_mode(argv[i + 1]);
			if (v < 0)
				goto fail_usage;
			nla_put_u8(msg, VCMP_A_CLASS_MODE, v);
		} else if (!strcmp(argv[i], "sla")) {
			v = parse_class_sla(argv[i + 1]);
			if (v < 0)
				goto fail_usage;
			nla_put_u8(msg, VCMP_A_CLASS_QOE, v);
		} else if (!strcmp(argv[i], "jitter-buffer")) {
			/* The kernel checks the range (0..VCMP_JITTER_MS_MAX). */
			if (parse_u16("jitter-buffer ms", argv[i + 1], &ms))
				goto fail_usage;
			nla_put_u16(msg, VCMP_A_CLASS_JITTER_MS, ms);
		} else if (!strcmp(argv[i], "link")) {
			if (i + 2 >= argc) {
				pr_err("expected \"link ID ROLE\"");
				goto fail_usage;
			}
			if (parse_u8("link id", argv[i + 1], &lid))
				goto fail_usage;
			v = parse_class_role(argv[i + 2]);
			if (v < 0)
				goto fail_usage;
			if (nlinks == (int)sizeof(lids)) {
				pr_err("too many links");
				goto fail_usage;
			}
			lids[nlinks] = lid;
			roles[nlinks++] = v;
			links_given = true;
			i++;
		} else if (!strcmp(argv[i], "links") &&
			   !strcmp(argv[i + 1], "none")) {
			/* Every link back to "available". */
			links_given = true;
		} else {
			pr_err("unknown class option \"%s\"", argv[i]);
			goto fail_usage;
		}
	}
	/*
	 * After the other options, which would otherwise land in it. Kept
	 * when empty: "links none" makes every link available.
	 */
	if (links_given) {
		links = nla_nest_start(msg, VCMP_A_CLASS_LINKS);
		for (i = 0; i < nlinks; i++) {
			ln = nla_nest_start(msg, 0);
			nla_put_u8(msg, VCMP_A_CLASS_LINK_ID, lids[i]);
			nla_put_u8(msg, VCMP_A_CLASS_LINK_ROLE, roles[i]);
			nla_nest_end(msg, ln);
		}
		nla_nest_end_keep_empty(msg, links);
	}
	nla_nest_end(msg, nest);
	ret = family_exchange(&nl, msg, NULL, NULL);
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;

fail_usage:
	if (msg)
		nlmsg_free(msg);
	vnl_close(&nl);
	return EXIT_USAGE;
}

/* Sends a request whose nest @type holds only the u8/u16 id @id_type. */
static int id_request(int argc, char **argv, uint8_t cmd, int type,
		      int id_type, bool u16)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	struct vnl nl;
	uint16_t id;
	int ret;

	if (argc != 2) {
		pr_err("expected DEV ID");
		return EXIT_USAGE;
	}
	if (parse_ifname(argv[0]) || parse_u16("id", argv[1], &id))
		return EXIT_USAGE;
	if (!u16 && id > 255) {
		pr_err("id %u out of range", id);
		return EXIT_USAGE;
	}
	if (family_open(&nl))
		return EXIT_FAIL;
	msg = family_msg(&nl, cmd, 0, argv[0], 0);
	if (msg) {
		nest = nla_nest_start(msg, type);
		if (u16)
			nla_put_u16(msg, id_type, id);
		else
			nla_put_u8(msg, id_type, (uint8_t)id);
		nla_nest_end(msg, nest);
	}
	ret = family_exchange(&nl, msg, NULL, NULL);
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int class_del_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	(void)opts;
	return id_request(argc, argv, VCMP_CMD_CLASS_DEL, VCMP_A_CLASS,
			  VCMP_A_CLASS_ID, false);
}

struct show_state {
	const struct vcmpctl_opts *opts;
	struct json j;
	unsigned int n;
};

static int class_parse(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *top[VCMP_A_MAX + 1], *tb[VCMP_A_CLASS_MAX + 1];
	struct nlattr *lt[VCMP_A_CLASS_LINK_MAX + 1], *ln;
	struct show_state *s = arg;
	unsigned int mode, qoe, jitter;
	const char *name, *role;
	int rem;

	if (genlmsg_parse(nlh, 0, top, VCMP_A_MAX, NULL) || !top[VCMP_A_CLASS] ||
	    nla_parse_nested(tb, VCMP_A_CLASS_MAX, top[VCMP_A_CLASS],
			     class_policy) || !tb[VCMP_A_CLASS_ID])
		return 0;
	name = tb[VCMP_A_CLASS_NAME] ? nla_get_string(tb[VCMP_A_CLASS_NAME]) : "";
	mode = tb[VCMP_A_CLASS_MODE] ? nla_get_u8(tb[VCMP_A_CLASS_MODE]) : 0;
	qoe = tb[VCMP_A_CLASS_QOE] ? nla_get_u8(tb[VCMP_A_CLASS_QOE]) : 0;
	jitter = tb[VCMP_A_CLASS_JITTER_MS] ?
		 nla_get_u16(tb[VCMP_A_CLASS_JITTER_MS]) : 0;
	if (s->opts->json) {
		json_obj_begin(&s->j, NULL);
		json_uint(&s->j, "id", nla_get_u8(tb[VCMP_A_CLASS_ID]));
		json_str(&s->j, "name", name);
		json_str(&s->j, "mode", class_mode_name(mode));
		json_str(&s->j, "sla", class_sla_name(qoe));
		json_uint(&s->j, "jitter_buffer_ms", jitter);
		if (tb[VCMP_A_CLASS_TX_PACKETS])
			json_uint(&s->j, "tx_packets",
				  nla_get_u64(tb[VCMP_A_CLASS_TX_PACKETS]));
		json_arr_begin(&s->j, "links");
	} else {
		printf("class %u: %s mode %s sla %s",
		       nla_get_u8(tb[VCMP_A_CLASS_ID]), name,
		       class_mode_name(mode), class_sla_name(qoe));
		if (jitter)
			printf(" jitter-buffer %u", jitter);
		if (tb[VCMP_A_CLASS_TX_PACKETS])
			printf(" tx_packets %llu", (unsigned long long)
			       nla_get_u64(tb[VCMP_A_CLASS_TX_PACKETS]));
	}
	if (tb[VCMP_A_CLASS_LINKS]) {
		nla_for_each_nested(ln, tb[VCMP_A_CLASS_LINKS], rem) {
			if (nla_parse_nested(lt, VCMP_A_CLASS_LINK_MAX, ln, NULL) ||
			    !lt[VCMP_A_CLASS_LINK_ID] ||
			    !lt[VCMP_A_CLASS_LINK_ROLE])
				continue;
			role = class_role_name(nla_get_u8(lt[VCMP_A_CLASS_LINK_ROLE]));
			if (s->opts->json) {
				json_obj_begin(&s->j, NULL);
				json_uint(&s->j, "link",
					  nla_get_u8(lt[VCMP_A_CLASS_LINK_ID]));
				json_str(&s->j, "role", role);
				json_obj_end(&s->j);
			} else {
				printf(" link %u %s",
				       nla_get_u8(lt[VCMP_A_CLASS_LINK_ID]), role);
			}
		}
	}
	if (s->opts->json) {
		json_arr_end(&s->j);
		json_obj_end(&s->j);
	} else {
		putchar('\n');
	}
	s->n++;
	return 0;
}

static void rule_prefix(struct show_state *s, struct nlattr **tb, int a,
			int c, const char *key)
{
	struct vprefix p = { 0 };
	char buf[64];

	if (!tb[a] || !tb[c] || (nla_len(tb[a]) != 4 && nla_len(tb[a]) != 16))
		return;
	p.addr.family = nla_len(tb[a]) == 4 ? AF_INET : AF_INET6;
	memcpy(p.addr.a, nla_data(tb[a]), nla_len(tb[a]));
	p.cidr = nla_get_u8(tb[c]);
	format_prefix(&p, buf, sizeof(buf));
	if (s->opts->json)
		json_str(&s->j, key, buf);
	else
		printf(" %s %s", key, buf);
}

static void rule_range(struct show_state *s, struct nlattr **tb, int a,
		       int b, const char *key)
{
	char buf[16];

	if (!tb[a] || !tb[b])
		return;
	if (nla_get_u16(tb[a]) == nla_get_u16(tb[b]))
		snprintf(buf, sizeof(buf), "%u", nla_get_u16(tb[a]));
	else
		snprintf(buf, sizeof(buf), "%u-%u", nla_get_u16(tb[a]),
			 nla_get_u16(tb[b]));
	if (s->opts->json)
		json_str(&s->j, key, buf);
	else
		printf(" %s %s", key, buf);
}

static void rule_u8(struct show_state *s, struct nlattr *a, const char *key)
{
	if (!a)
		return;
	if (s->opts->json)
		json_uint(&s->j, key, nla_get_u8(a));
	else
		printf(" %s %u", key, nla_get_u8(a));
}

static int rule_parse(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *top[VCMP_A_MAX + 1], *tb[VCMP_A_RULE_MAX + 1];
	struct show_state *s = arg;

	if (genlmsg_parse(nlh, 0, top, VCMP_A_MAX, NULL) || !top[VCMP_A_RULE] ||
	    nla_parse_nested(tb, VCMP_A_RULE_MAX, top[VCMP_A_RULE],
			     rule_policy) ||
	    !tb[VCMP_A_RULE_ID] || !tb[VCMP_A_RULE_CLASS])
		return 0;
	if (s->opts->json) {
		json_obj_begin(&s->j, NULL);
		json_uint(&s->j, "id", nla_get_u16(tb[VCMP_A_RULE_ID]));
		json_uint(&s->j, "class", nla_get_u8(tb[VCMP_A_RULE_CLASS]));
	} else {
		printf("rule %u: class %u", nla_get_u16(tb[VCMP_A_RULE_ID]),
		       nla_get_u8(tb[VCMP_A_RULE_CLASS]));
	}
	if (tb[VCMP_A_RULE_FAMILY]) {
		const char *f = nla_get_u16(tb[VCMP_A_RULE_FAMILY]) == AF_INET ?
				"inet" : "inet6";

		if (s->opts->json)
			json_str(&s->j, "family", f);
		else
			printf(" family %s", f);
	}
	rule_u8(s, tb[VCMP_A_RULE_DSCP], "dscp");
	rule_u8(s, tb[VCMP_A_RULE_PROTO], "proto");
	rule_prefix(s, tb, VCMP_A_RULE_SRC, VCMP_A_RULE_SRC_CIDR, "from");
	rule_prefix(s, tb, VCMP_A_RULE_DST, VCMP_A_RULE_DST_CIDR, "to");
	rule_range(s, tb, VCMP_A_RULE_SPORT_MIN, VCMP_A_RULE_SPORT_MAX, "sport");
	rule_range(s, tb, VCMP_A_RULE_DPORT_MIN, VCMP_A_RULE_DPORT_MAX, "dport");
	if (s->opts->json)
		json_obj_end(&s->j);
	else
		putchar('\n');
	s->n++;
	return 0;
}

/* "show DEV [ID]": a dump, or the one item. */
static int show_request(int argc, char **argv, const struct vcmpctl_opts *opts,
			bool rules)
{
	struct show_state s = { .opts = opts };
	struct nlattr *nest;
	struct nl_msg *msg;
	struct vnl nl;
	uint16_t id = 0;
	int ret;

	if (argc < 1 || argc > 2) {
		pr_err("expected DEV [ID]");
		return EXIT_USAGE;
	}
	if (parse_ifname(argv[0]) ||
	    (argc == 2 && parse_u16("id", argv[1], &id)))
		return EXIT_USAGE;
	if (family_open(&nl))
		return EXIT_FAIL;
	msg = family_msg(&nl, rules ? VCMP_CMD_RULE_GET : VCMP_CMD_CLASS_GET,
			 argc == 2 ? 0 : NLM_F_DUMP, argv[0], 0);
	if (msg && argc == 2) {
		nest = nla_nest_start(msg, rules ? VCMP_A_RULE : VCMP_A_CLASS);
		if (rules)
			nla_put_u16(msg, VCMP_A_RULE_ID, id);
		else
			nla_put_u8(msg, VCMP_A_CLASS_ID, (uint8_t)id);
		nla_nest_end(msg, nest);
	}
	if (opts->json) {
		json_init(&s.j, stdout);
		json_arr_begin(&s.j, NULL);
	}
	ret = family_exchange(&nl, msg, rules ? rule_parse : class_parse, &s);
	if (opts->json) {
		json_arr_end(&s.j);
		putchar('\n');
	}
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int class_show_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	return show_request(argc, argv, opts, false);
}

static const struct vcmpctl_cmd class_cmds[] = {
	{ "set", "DEV ID [name NAME] [mode flow|spray|dup|fec] "
		 "[sla voice|video|transactional|bulk] [jitter-buffer MS] "
		 "[link LINK available|preferred|mandatory|backup]... "
		 "[links none]", class_set_cmd },
	{ "del", "DEV ID", class_del_cmd },
	{ "show", "DEV [ID]", class_show_cmd },
};

const struct vcmpctl_object class_object = {
	.name = "class",
	.cmds = class_cmds,
	.ncmds = ARRAY_SIZE(class_cmds),
};

/* --- rule ------------------------------------------------------------------- */

static int rule_add_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vprefix from = { 0 }, to = { 0 };
	bool has_from = false, has_to = false;
	uint16_t id, lo, hi, family = 0;
	struct nlattr *nest;
	struct nl_msg *msg;
	int i, ret, class = -1;
	struct vnl nl;
	uint8_t v8;

	(void)opts;
	if (argc < 2) {
		pr_err("expected DEV ID");
		return EXIT_USAGE;
	}
	if (parse_ifname(argv[0]) || parse_u16("rule id", argv[1], &id))
		return EXIT_USAGE;
	if (family_open(&nl))
		return EXIT_FAIL;
	msg = family_msg(&nl, VCMP_CMD_RULE_NEW, 0, argv[0], 0);
	if (!msg)
		goto fail;
	nest = nla_nest_start(msg, VCMP_A_RULE);
	nla_put_u16(msg, VCMP_A_RULE_ID, id);
	for (i = 2; i < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (i + 1 >= argc) {
			pr_err("missing value after \"%s\"", k);
			goto fail;
		}
		if (!strcmp(k, "class")) {
			if (parse_u8("class id", v, &v8))
				goto fail;
			class = v8;
			nla_put_u8(msg, VCMP_A_RULE_CLASS, v8);
		} else if (!strcmp(k, "family")) {
			if (!strcmp(v, "inet") || !strcmp(v, "ipv4")) {
				family = AF_INET;
			} else if (!strcmp(v, "inet6") || !strcmp(v, "ipv6")) {
				family = AF_INET6;
			} else {
				pr_err("invalid family \"%s\"", v);
				goto fail;
			}
		} else if (!strcmp(k, "dscp")) {
			if (parse_u8("dscp", v, &v8))
				goto fail;
			nla_put_u8(msg, VCMP_A_RULE_DSCP, v8);
		} else if (!strcmp(k, "proto")) {
			if (parse_proto(v, &v8))
				goto fail;
			nla_put_u8(msg, VCMP_A_RULE_PROTO, v8);
		} else if (!strcmp(k, "from")) {
			if (parse_prefix(v, &from))
				goto fail;
			has_from = true;
		} else if (!strcmp(k, "to")) {
			if (parse_prefix(v, &to))
				goto fail;
			has_to = true;
		} else if (!strcmp(k, "sport") || !strcmp(k, "dport")) {
			bool s = k[0] == 's';

			if (parse_port_range(k, v, &lo, &hi))
				goto fail;
			nla_put_u16(msg, s ? VCMP_A_RULE_SPORT_MIN :
					     VCMP_A_RULE_DPORT_MIN, lo);
			nla_put_u16(msg, s ? VCMP_A_RULE_SPORT_MAX :
					     VCMP_A_RULE_DPORT_MAX, hi);
		} else {
			pr_err("unknown rule option \"%s\"", k);
			goto fail;
		}
	}
	if (class < 0) {
		pr_err("missing \"class ID\"");
		goto fail;
	}
	if (has_from || has_to) {
		int f = has_from ? from.addr.family : to.addr.family;

		if ((has_from && has_to && from.addr.family != to.addr.family) ||
		    (family && family != f)) {
			pr_err("prefixes of different families");
			goto fail;
		}
		family = f;
	}
	if (family)
		nla_put_u16(msg, VCMP_A_RULE_FAMILY, family);
	if (has_from) {
		nla_put(msg, VCMP_A_RULE_SRC, family == AF_INET ? 4 : 16,
			from.addr.a);
		nla_put_u8(msg, VCMP_A_RULE_SRC_CIDR, from.cidr);
	}
	if (has_to) {
		nla_put(msg, VCMP_A_RULE_DST, family == AF_INET ? 4 : 16,
			to.addr.a);
		nla_put_u8(msg, VCMP_A_RULE_DST_CIDR, to.cidr);
	}
	nla_nest_end(msg, nest);
	ret = family_exchange(&nl, msg, NULL, NULL);
	vnl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;

fail:
	if (msg)
		nlmsg_free(msg);
	vnl_close(&nl);
	return EXIT_USAGE;
}

static int rule_del_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	(void)opts;
	return id_request(argc, argv, VCMP_CMD_RULE_DEL, VCMP_A_RULE,
			  VCMP_A_RULE_ID, true);
}

static int rule_show_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	return show_request(argc, argv, opts, true);
}

static const struct vcmpctl_cmd rule_cmds[] = {
	{ "add", "DEV ID class CLASS [family inet|inet6] [dscp N] "
		 "[proto NAME|N] [from PREFIX] [to PREFIX] [sport N[-M]] "
		 "[dport N[-M]]", rule_add_cmd },
	{ "del", "DEV ID", rule_del_cmd },
	{ "show", "DEV [ID]", rule_show_cmd },
};

const struct vcmpctl_object rule_object = {
	.name = "rule",
	.cmds = rule_cmds,
	.ncmds = ARRAY_SIZE(rule_cmds),
};
