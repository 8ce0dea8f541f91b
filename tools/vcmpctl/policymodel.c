// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - traffic classes and rules (policymodel.h): names, parsing,
 * comparison, netlink nests and requests.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "family.h"
#include "model.h"
#include "parse.h"
#include "policymodel.h"
#include "vcmpctl.h"

/* --- names ------------------------------------------------------------------ */

static const char *const mode_names[] = {
	[VCMP_NL_CLASS_MODE_FLOW] = "flow",
	[VCMP_NL_CLASS_MODE_SPRAY] = "spray",
	[VCMP_NL_CLASS_MODE_DUP] = "dup",
	[VCMP_NL_CLASS_MODE_FEC] = "fec",
};

static const char *const qoe_names[] = {
	[VCMP_NL_QOE_VOICE] = "voice",
	[VCMP_NL_QOE_VIDEO] = "video",
	[VCMP_NL_QOE_TRANSACTIONAL] = "transactional",
	[VCMP_NL_QOE_BULK] = "bulk",
};

static const char *const role_names[] = {
	[VCMP_NL_ROLE_AVAILABLE] = "available",
	[VCMP_NL_ROLE_PREFERRED] = "preferred",
	[VCMP_NL_ROLE_MANDATORY] = "mandatory",
	[VCMP_NL_ROLE_BACKUP] = "backup",
};

static int lookup(const char *what, const char *arg, const char *const *names,
		  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return (int)i;
	pr_err("invalid %s \"%s\"", what, arg);
	return -1;
}

static const char *name_of(const char *const *names, unsigned int n,
			   unsigned int v)
{
	return v < n ? names[v] : "unknown";
}

const char *class_mode_name(unsigned int mode)
{
	return name_of(mode_names, ARRAY_SIZE(mode_names), mode);
}

const char *class_sla_name(unsigned int qoe)
{
	return name_of(qoe_names, ARRAY_SIZE(qoe_names), qoe);
}

const char *class_role_name(unsigned int role)
{
	return name_of(role_names, ARRAY_SIZE(role_names), role);
}

int parse_class_mode(const char *arg)
{
	return lookup("mode", arg, mode_names, ARRAY_SIZE(mode_names));
}

int parse_class_sla(const char *arg)
{
	return lookup("sla", arg, qoe_names, ARRAY_SIZE(qoe_names));
}

int parse_class_role(const char *arg)
{
	return lookup("role", arg, role_names, ARRAY_SIZE(role_names));
}

int parse_rule_family(const char *arg)
{
	if (!strcmp(arg, "inet") || !strcmp(arg, "ipv4"))
		return AF_INET;
	if (!strcmp(arg, "inet6") || !strcmp(arg, "ipv6"))
		return AF_INET6;
	pr_err("invalid family \"%s\"", arg);
	return -1;
}

int parse_proto(const char *arg, uint8_t *proto)
{
	const struct protoent *pe;

	if (arg[0] >= '0' && arg[0] <= '9')
		return parse_u8("protocol", arg, proto);
	pe = getprotobyname(arg);
	if (pe) {
		*proto = (uint8_t)pe->p_proto;
		return 0;
	}
	/* Minimal systems (the test VM) have no /etc/protocols. */
	if (!strcmp(arg, "tcp")) {
		*proto = 6;
	} else if (!strcmp(arg, "udp")) {
		*proto = 17;
	} else if (!strcmp(arg, "icmp")) {
		*proto = 1;
	} else if (!strcmp(arg, "ipv6-icmp") || !strcmp(arg, "icmpv6")) {
		*proto = 58;
	} else {
		pr_err("unknown protocol \"%s\"", arg);
		return -1;
	}
	return 0;
}

int parse_port_range(const char *what, const char *arg, uint16_t *min,
		     uint16_t *max)
{
	char buf[16], *dash;

	if (strlen(arg) >= sizeof(buf)) {
		pr_err("invalid %s \"%s\"", what, arg);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_u16(what, buf, min) ||
	    parse_u16(what, dash ? dash : buf, max))
		return -1;
	if (*min > *max) {
		pr_err("empty %s range \"%s\"", what, arg);
		return -1;
	}
	return 0;
}

void format_proto(uint8_t proto, char *buf, size_t size)
{
	switch (proto) {
	case 1:
		snprintf(buf, size, "icmp");
		break;
	case 6:
		snprintf(buf, size, "tcp");
		break;
	case 17:
		snprintf(buf, size, "udp");
		break;
	case 58:
		snprintf(buf, size, "ipv6-icmp");
		break;
	default:
		snprintf(buf, size, "%u", proto);
	}
}

void format_port_range(uint16_t min, uint16_t max, char *buf, size_t size)
{
	if (min == max)
		snprintf(buf, size, "%u", min);
	else
		snprintf(buf, size, "%u-%u", min, max);
}

/* --- values ----------------------------------------------------------------- */

void vclass_init(struct vclass *c, uint8_t id)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->mode = VCMP_NL_CLASS_MODE_FLOW;
	c->qoe = VCMP_NL_QOE_BULK;
	/* VCMP_NL_ROLE_AVAILABLE is 0: every link available. */
	if (id)
		snprintf(c->name, sizeof(c->name), "class%u", id);
	else
		snprintf(c->name, sizeof(c->name), "default");
}

bool vclass_equal(const struct vclass *a, const struct vclass *b)
{
	return a->id == b->id && !strcmp(a->name, b->name) &&
	       a->mode == b->mode && a->qoe == b->qoe &&
	       a->jitter_ms == b->jitter_ms &&
	       !memcmp(a->role, b->role, sizeof(a->role));
}

bool vclass_is_default(const struct vclass *c)
{
	struct vclass d;

	vclass_init(&d, 0);
	return vclass_equal(c, &d);
}

static bool prefix_equal(const struct vprefix *a, const struct vprefix *b)
{
	return a->addr.family == b->addr.family && a->cidr == b->cidr &&
	       !memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a));
}

bool vrule_equal(const struct vrule *a, const struct vrule *b)
{
	return a->id == b->id && a->class_id == b->class_id &&
	       a->family == b->family &&
	       a->has_dscp == b->has_dscp && (!a->has_dscp || a->dscp == b->dscp) &&
	       a->has_proto == b->has_proto &&
	       (!a->has_proto || a->proto == b->proto) &&
	       a->has_from == b->has_from &&
	       (!a->has_from || prefix_equal(&a->from, &b->from)) &&
	       a->has_to == b->has_to &&
	       (!a->has_to || prefix_equal(&a->to, &b->to)) &&
	       a->has_sport == b->has_sport &&
	       (!a->has_sport || (a->sport_min == b->sport_min &&
				  a->sport_max == b->sport_max)) &&
	       a->has_dport == b->has_dport &&
	       (!a->has_dport || (a->dport_min == b->dport_min &&
				  a->dport_max == b->dport_max));
}

void vprefix_mask(struct vprefix *p)
{
	unsigned int i, bits = p->cidr;

	for (i = 0; i < sizeof(p->addr.a); i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		p->addr.a[i] &= (uint8_t)(0xff00 >> bits);
		bits = 0;
	}
}

/* --- netlink nests ---------------------------------------------------------- */

int put_class(struct nl_msg *msg, const struct vclass *c)
{
	struct nlattr *nest, *links, *ln;
	unsigned int i;

	nest = nla_nest_start(msg, VCMP_A_CLASS);
	if (!nest || nla_put_u8(msg, VCMP_A_CLASS_ID, c->id) < 0 ||
	    nla_put_string(msg, VCMP_A_CLASS_NAME, c->name) < 0 ||
	    nla_put_u8(msg, VCMP_A_CLASS_MODE, (uint8_t)c->mode) < 0 ||
	    nla_put_u8(msg, VCMP_A_CLASS_QOE, (uint8_t)c->qoe) < 0 ||
	    nla_put_u16(msg, VCMP_A_CLASS_JITTER_MS,
			(uint16_t)c->jitter_ms) < 0)
		return -1;
	/* Always sent, empty too: the roles are replaced, not merged. */
	links = nla_nest_start(msg, VCMP_A_CLASS_LINKS);
	if (!links)
		return -1;
	for (i = 0; i < CLASS_LINK_IDS; i++) {
		if (c->role[i] == VCMP_NL_ROLE_AVAILABLE)
			continue;
		ln = nla_nest_start(msg, 0);
		if (!ln || nla_put_u8(msg, VCMP_A_CLASS_LINK_ID, (uint8_t)i) < 0 ||
		    nla_put_u8(msg, VCMP_A_CLASS_LINK_ROLE, c->role[i]) < 0 ||
		    nla_nest_end(msg, ln) < 0)
			return -1;
	}
	if (nla_nest_end_keep_empty(msg, links) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -1;
	return 0;
}

static int put_prefix(struct nl_msg *msg, int addr_type, int cidr_type,
		      const struct vprefix *p)
{
	return nla_put(msg, addr_type, p->addr.family == AF_INET ? 4 : 16,
		       p->addr.a) < 0 ||
	       nla_put_u8(msg, cidr_type, p->cidr) < 0 ? -1 : 0;
}

int put_rule(struct nl_msg *msg, const struct vrule *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, VCMP_A_RULE);
	if (!nest || nla_put_u16(msg, VCMP_A_RULE_ID, r->id) < 0 ||
	    nla_put_u8(msg, VCMP_A_RULE_CLASS, r->class_id) < 0 ||
	    (r->family &&
	     nla_put_u16(msg, VCMP_A_RULE_FAMILY, (uint16_t)r->family) < 0) ||
	    (r->has_dscp && nla_put_u8(msg, VCMP_A_RULE_DSCP, r->dscp) < 0) ||
	    (r->has_proto && nla_put_u8(msg, VCMP_A_RULE_PROTO, r->proto) < 0) ||
	    (r->has_from && put_prefix(msg, VCMP_A_RULE_SRC,
				       VCMP_A_RULE_SRC_CIDR, &r->from)) ||
	    (r->has_to && put_prefix(msg, VCMP_A_RULE_DST,
				     VCMP_A_RULE_DST_CIDR, &r->to)) ||
	    (r->has_sport &&
	     (nla_put_u16(msg, VCMP_A_RULE_SPORT_MIN, r->sport_min) < 0 ||
	      nla_put_u16(msg, VCMP_A_RULE_SPORT_MAX, r->sport_max) < 0)) ||
	    (r->has_dport &&
	     (nla_put_u16(msg, VCMP_A_RULE_DPORT_MIN, r->dport_min) < 0 ||
	      nla_put_u16(msg, VCMP_A_RULE_DPORT_MAX, r->dport_max) < 0)) ||
	    nla_nest_end(msg, nest) < 0)
		return -1;
	return 0;
}

struct nla_policy class_policy[VCMP_A_CLASS_MAX + 1] = {
	[VCMP_A_CLASS_ID] = { .type = NLA_U8 },
	[VCMP_A_CLASS_NAME] = { .type = NLA_STRING },
	[VCMP_A_CLASS_MODE] = { .type = NLA_U8 },
	[VCMP_A_CLASS_QOE] = { .type = NLA_U8 },
	[VCMP_A_CLASS_LINKS] = { .type = NLA_NESTED },
	[VCMP_A_CLASS_TX_PACKETS] = { .type = NLA_U64 },
	[VCMP_A_CLASS_JITTER_MS] = { .type = NLA_U16 },
};

static struct nla_policy class_link_policy[VCMP_A_CLASS_LINK_MAX + 1] = {
	[VCMP_A_CLASS_LINK_ID] = { .type = NLA_U8 },
	[VCMP_A_CLASS_LINK_ROLE] = { .type = NLA_U8 },
};

int parse_class_nest(struct nlattr *nest, struct vclass *c)
{
	struct nlattr *tb[VCMP_A_CLASS_MAX + 1];
	struct nlattr *lt[VCMP_A_CLASS_LINK_MAX + 1], *ln;
	int rem;

	if (nla_parse_nested(tb, VCMP_A_CLASS_MAX, nest, class_policy) ||
	    !tb[VCMP_A_CLASS_ID] || !tb[VCMP_A_CLASS_NAME] ||
	    !tb[VCMP_A_CLASS_MODE] || !tb[VCMP_A_CLASS_QOE])
		return -1;
	vclass_init(c, nla_get_u8(tb[VCMP_A_CLASS_ID]));
	snprintf(c->name, sizeof(c->name), "%s",
		 nla_get_string(tb[VCMP_A_CLASS_NAME]));
	c->mode = nla_get_u8(tb[VCMP_A_CLASS_MODE]);
	c->qoe = nla_get_u8(tb[VCMP_A_CLASS_QOE]);
	if (tb[VCMP_A_CLASS_JITTER_MS])
		c->jitter_ms = nla_get_u16(tb[VCMP_A_CLASS_JITTER_MS]);
	if (!tb[VCMP_A_CLASS_LINKS])
		return 0;
	nla_for_each_nested(ln, tb[VCMP_A_CLASS_LINKS], rem) {
		if (nla_parse_nested(lt, VCMP_A_CLASS_LINK_MAX, ln,
				     class_link_policy) ||
		    !lt[VCMP_A_CLASS_LINK_ID] || !lt[VCMP_A_CLASS_LINK_ROLE])
			return -1;
		c->role[nla_get_u8(lt[VCMP_A_CLASS_LINK_ID])] =
			nla_get_u8(lt[VCMP_A_CLASS_LINK_ROLE]);
	}
	return 0;
}

struct nla_policy rule_policy[VCMP_A_RULE_MAX + 1] = {
	[VCMP_A_RULE_ID] = { .type = NLA_U16 },
	[VCMP_A_RULE_CLASS] = { .type = NLA_U8 },
	[VCMP_A_RULE_FAMILY] = { .type = NLA_U16 },
	[VCMP_A_RULE_DSCP] = { .type = NLA_U8 },
	[VCMP_A_RULE_PROTO] = { .type = NLA_U8 },
	[VCMP_A_RULE_SRC_CIDR] = { .type = NLA_U8 },
	[VCMP_A_RULE_DST_CIDR] = { .type = NLA_U8 },
	[VCMP_A_RULE_SPORT_MIN] = { .type = NLA_U16 },
	[VCMP_A_RULE_SPORT_MAX] = { .type = NLA_U16 },
	[VCMP_A_RULE_DPORT_MIN] = { .type = NLA_U16 },
	[VCMP_A_RULE_DPORT_MAX] = { .type = NLA_U16 },
};

static int get_prefix(struct nlattr *addr, struct nlattr *cidr,
		      struct vprefix *p)
{
	if (!cidr || (nla_len(addr) != 4 && nla_len(addr) != 16))
		return -1;
	memset(p, 0, sizeof(*p));
	p->addr.family = nla_len(addr) == 4 ? AF_INET : AF_INET6;
	memcpy(p->addr.a, nla_data(addr), (size_t)nla_len(addr));
	p->cidr = nla_get_u8(cidr);
	return 0;
}

int parse_rule_nest(struct nlattr *nest, struct vrule *r)
{
	struct nlattr *tb[VCMP_A_RULE_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, VCMP_A_RULE_MAX, nest, rule_policy) ||
	    !tb[VCMP_A_RULE_ID] || !tb[VCMP_A_RULE_CLASS])
		return -1;
	r->id = nla_get_u16(tb[VCMP_A_RULE_ID]);
	r->class_id = nla_get_u8(tb[VCMP_A_RULE_CLASS]);
	if (tb[VCMP_A_RULE_FAMILY])
		r->family = nla_get_u16(tb[VCMP_A_RULE_FAMILY]);
	if (tb[VCMP_A_RULE_DSCP]) {
		r->has_dscp = true;
		r->dscp = nla_get_u8(tb[VCMP_A_RULE_DSCP]);
	}
	if (tb[VCMP_A_RULE_PROTO]) {
		r->has_proto = true;
		r->proto = nla_get_u8(tb[VCMP_A_RULE_PROTO]);
	}
	if (tb[VCMP_A_RULE_SRC]) {
		if (get_prefix(tb[VCMP_A_RULE_SRC], tb[VCMP_A_RULE_SRC_CIDR],
			       &r->from))
			return -1;
		r->has_from = true;
	}
	if (tb[VCMP_A_RULE_DST]) {
		if (get_prefix(tb[VCMP_A_RULE_DST], tb[VCMP_A_RULE_DST_CIDR],
			       &r->to))
			return -1;
		r->has_to = true;
	}
	if (tb[VCMP_A_RULE_SPORT_MIN]) {
		r->has_sport = true;
		r->sport_min = nla_get_u16(tb[VCMP_A_RULE_SPORT_MIN]);
		r->sport_max = tb[VCMP_A_RULE_SPORT_MAX] ?
			       nla_get_u16(tb[VCMP_A_RULE_SPORT_MAX]) :
			       r->sport_min;
	}
	if (tb[VCMP_A_RULE_DPORT_MIN]) {
		r->has_dport = true;
		r->dport_min = nla_get_u16(tb[VCMP_A_RULE_DPORT_MIN]);
		r->dport_max = tb[VCMP_A_RULE_DPORT_MAX] ?
			       nla_get_u16(tb[VCMP_A_RULE_DPORT_MAX]) :
			       r->dport_min;
	}
	return 0;
}

/* --- requests --------------------------------------------------------------- */

static int class_reply(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *top[VCMP_A_MAX + 1];
	struct vpolicy *p = arg;
	struct vclass c;

	if (genlmsg_parse(nlh, 0, top, VCMP_A_MAX, NULL) || !top[VCMP_A_CLASS])
		return 0;
	if (parse_class_nest(top[VCMP_A_CLASS], &c) || c.id >= CLASS_COUNT) {
		pr_err("the kernel sent a class without its fields");
		return -EINVAL;
	}
	p->classes[c.id] = c;
	p->defined[c.id] = true;
	return 0;
}

static int rule_reply(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *top[VCMP_A_MAX + 1];
	struct vpolicy *p = arg;
	struct vrule r;
	unsigned int i;

	if (genlmsg_parse(nlh, 0, top, VCMP_A_MAX, NULL) || !top[VCMP_A_RULE])
		return 0;
	if (parse_rule_nest(top[VCMP_A_RULE], &r)) {
		pr_err("the kernel sent a rule without its fields");
		return -EINVAL;
	}
	/* A dump spanning a change may repeat a rule (rules go by index). */
	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].id == r.id)
			return 0;
	if (p->nrules == VCMP_RULES_MAX_COUNT) {
		pr_err("the kernel sent more than %d rules", VCMP_RULES_MAX_COUNT);
		return -EINVAL;
	}
	p->rules[p->nrules++] = r;
	return 0;
}

int family_policy_get(struct vnl *nl, const char *dev, struct vpolicy *p)
{
	memset(p, 0, sizeof(*p));
	if (family_exchange(nl, family_msg(nl, VCMP_CMD_CLASS_GET, NLM_F_DUMP,
					   dev, 0), class_reply, p) ||
	    family_exchange(nl, family_msg(nl, VCMP_CMD_RULE_GET, NLM_F_DUMP,
					   dev, 0), rule_reply, p))
		return -1;
	return 0;
}

/* Send @cmd with the class or rule @c / @r (the other NULL) or only @id. */
static int policy_request(struct vnl *nl, uint8_t cmd, const char *dev,
			  const struct vclass *c, const struct vrule *r,
			  int nest_type, int id_type, uint16_t id)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	msg = family_msg(nl, cmd, 0, dev, 0);
	if (msg) {
		if (c) {
			err = put_class(msg, c);
		} else if (r) {
			err = put_rule(msg, r);
		} else {
			nest = nla_nest_start(msg, nest_type);
			err = !nest ||
			      (nest_type == VCMP_A_RULE ?
			       nla_put_u16(msg, id_type, id) :
			       nla_put_u8(msg, id_type, (uint8_t)id)) < 0 ||
			      nla_nest_end(msg, nest) < 0;
		}
		if (err) {
			nlmsg_free(msg);
			msg = NULL;
		}
	}
	return family_exchange(nl, msg, NULL, NULL);
}

int class_set(struct vnl *nl, const char *dev, const struct vclass *c)
{
	return policy_request(nl, VCMP_CMD_CLASS_SET, dev, c, NULL, 0, 0, 0);
}

int class_del(struct vnl *nl, const char *dev, uint8_t id)
{
	return policy_request(nl, VCMP_CMD_CLASS_DEL, dev, NULL, NULL,
			      VCMP_A_CLASS, VCMP_A_CLASS_ID, id);
}

int rule_new(struct vnl *nl, const char *dev, const struct vrule *r)
{
	return policy_request(nl, VCMP_CMD_RULE_NEW, dev, NULL, r, 0, 0, 0);
}

int rule_del(struct vnl *nl, const char *dev, uint16_t id)
{
	return policy_request(nl, VCMP_CMD_RULE_DEL, dev, NULL, NULL,
			      VCMP_A_RULE, VCMP_A_RULE_ID, id);
}
