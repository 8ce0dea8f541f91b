// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpnlfuzz - hostile input for the generic netlink family "vcmp", over
 * a raw NETLINK_GENERIC socket (no libnl: every byte is under our control).
 *
 *   vcmpnlfuzz [-i IFINDEX | -d IFNAME] [-w WAN_IFNAME] cases
 *	the table below, in order: each request with the errno and the
 *	extended ACK text it must get (success cases build the state later
 *	cases refuse against, and the last ones remove it again)
 *   vcmpnlfuzz [-i IFINDEX | -d IFNAME] unpriv
 *	every request of the table as a caller without CAP_NET_ADMIN over
 *	the device's namespace: each must get EPERM (or EOPNOTSUPP for
 *	unknown commands), nothing else
 *   vcmpnlfuzz [-i IFINDEX | -d IFNAME] [-u] random COUNT [SEED]
 *	COUNT random requests: random structure, commands, flags, types,
 *	lengths and values, and byte-mutated requests of the table. Each
 *	must get an answer with an errno from the allowed set; a refusal by
 *	the family (a known command, a well-formed header) must carry an
 *	extended ACK message. -u: the caller is unprivileged (only EPERM,
 *	EOPNOTSUPP, EINVAL allowed, never success)
 *   vcmpnlfuzz -d vcmp0 churn COUNT /run/netns/PEER_NS
 *	configuration churn for selftests/lifecycle.sh (see run_churn())
 *
 * Output is KTAP-like: "ok N ..." / "not ok N ...", then a summary line.
 * Exit status 0 when everything was as expected, 1 otherwise, 2 on usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../uapi/linux/vcmp.h"

#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define BUF_SIZE 16384

static int nl_fd = -1;
static uint16_t family_id;
static uint32_t seq = 1;
static int dev_ifindex;
static int wan_ifindex;
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned int cur_rep;	/* repetition of the case being built */

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rndn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

/* --- message building ---------------------------------------------------- */

struct msg {
	unsigned char buf[BUF_SIZE];
	size_t len;
	size_t nest[16];
	int depth;
	bool overflow;
};

static struct nlmsghdr *msg_hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

static void msg_init(struct msg *m, uint16_t type, uint16_t flags,
		     uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = msg_hdr(m);
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->depth = 0;
	m->overflow = false;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
}

static void *msg_put(struct msg *m, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *a;
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + total > sizeof(m->buf) || NLA_HDRLEN + len > 0xffff) {
		m->overflow = true;
		return NULL;
	}
	a = (struct nlattr *)(m->buf + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memset((char *)a + NLA_HDRLEN, 0, total - NLA_HDRLEN);
	if (data)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->len += total;
	return (char *)a + NLA_HDRLEN;
}

static void msg_nest(struct msg *m, uint16_t type)
{
	size_t at = m->len;

	if (m->depth >= (int)(sizeof(m->nest) / sizeof(m->nest[0])) ||
	    !msg_put(m, type, NULL, 0)) {
		m->overflow = true;
		return;
	}
	m->nest[m->depth++] = at;
}

static void msg_nest_end(struct msg *m)
{
	struct nlattr *a;

	if (m->depth <= 0)
		return;
	a = (struct nlattr *)(m->buf + m->nest[--m->depth]);
	if (m->len - m->nest[m->depth] > 0xffff)
		m->overflow = true;
	a->nla_len = m->len - m->nest[m->depth];
}

static void msg_finish(struct msg *m)
{
	while (m->depth > 0)
		msg_nest_end(m);
	msg_hdr(m)->nlmsg_len = m->len;
}

/* --- sending, receiving ---------------------------------------------------- */

struct reply {
	int err;		/* 0 or a positive errno */
	char ext[256];		/* extended ACK message, "" if none */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
	int msgs;		/* data messages received */
};

static void parse_tlvs(const unsigned char *p, size_t len, struct reply *r)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || alen > len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = alen - NLA_HDRLEN;

			if (n >= sizeof(r->ext))
				n = sizeof(r->ext) - 1;
			memcpy(r->ext, p + NLA_HDRLEN, n);
			r->ext[n] = 0;
		} else if ((a->nla_type & NLA_TYPE_MASK) ==
			   NLMSGERR_ATTR_MISS_TYPE && alen >= NLA_HDRLEN + 4) {
			uint32_t v;

			memcpy(&v, p + NLA_HDRLEN, 4);
			r->miss_type = v;
		}
		if (NLA_ALIGN(alen) >= len)
			break;
		p += NLA_ALIGN(alen);
		len -= NLA_ALIGN(alen);
	}
}

/*
 * Send the request in @buf (@len bytes; its header's length field may lie)
 * and collect the answer: the errno of its ACK or of the NLMSG_DONE ending
 * a dump. Returns -1 when the socket failed or no answer came (2 s).
 */
static int xfer(const void *buf, size_t len, uint32_t myseq, struct reply *r)
{
	static unsigned char rbuf[65536];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	bool done = false;

	memset(r, 0, sizeof(*r));
	r->miss_type = -1;
	if (sendto(nl_fd, buf, len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		/* a length the socket itself refuses: an answer too */
		r->err = errno;
		snprintf(r->ext, sizeof(r->ext), "(sendto)");
		return 0;
	}
	while (!done) {
		ssize_t n = recv(nl_fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;
		size_t rem;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* a dump overran: keep reading */
				continue;
			return -1;
		}
		rem = n;
		for (h = (void *)rbuf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			if (h->nlmsg_seq != myseq)
				continue;	/* an answer to an earlier request */
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = sizeof(*e);

				r->err = -e->error;
				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				if ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
				    h->nlmsg_len > NLMSG_HDRLEN + off)
					parse_tlvs((unsigned char *)NLMSG_DATA(h) + off,
						   h->nlmsg_len - NLMSG_HDRLEN - off, r);
				done = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (h->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, NLMSG_DATA(h), sizeof(int));
				r->err = -e;
				if ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
				    h->nlmsg_len > NLMSG_HDRLEN + sizeof(int))
					parse_tlvs((unsigned char *)NLMSG_DATA(h) + sizeof(int),
						   h->nlmsg_len - NLMSG_HDRLEN - sizeof(int), r);
				done = true;
			} else {
				r->msgs++;
				if (!(h->nlmsg_flags & NLM_F_MULTI) &&
				    !(h->nlmsg_flags & NLM_F_ACK_TLVS)) {
					/*
					 * A "do" reply; its ACK follows only
					 * if asked for (NLM_F_ACK).
					 */
				}
			}
		}
	}
	return 0;
}

static int msg_send(struct msg *m, struct reply *r)
{
	struct nlmsghdr *nlh = msg_hdr(m);

	msg_finish(m);
	nlh->nlmsg_seq = ++seq;
	/* Every request asks for an ACK: a "do" with a reply gets both. */
	nlh->nlmsg_flags |= NLM_F_ACK;
	return xfer(m->buf, m->len, nlh->nlmsg_seq, r);
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	int one = 1, rcv = 1 << 20;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0)
		return -1;
	if (bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl_fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* The id of the family "vcmp" from the controller, 0 if none. */
static uint16_t resolve_family(void)
{
	static unsigned char rbuf[8192];
	struct msg m;
	ssize_t n;
	size_t rem;
	struct nlmsghdr *h;

	msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
	msg_put(&m, CTRL_ATTR_FAMILY_NAME, VCMP_GENL_NAME,
		sizeof(VCMP_GENL_NAME));
	msg_finish(&m);
	msg_hdr(&m)->nlmsg_seq = ++seq;
	if (send(nl_fd, m.buf, m.len, 0) < 0)
		return 0;
	n = recv(nl_fd, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		return 0;
	rem = n;
	for (h = (void *)rbuf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
		unsigned char *p;
		size_t len;

		if (h->nlmsg_type != GENL_ID_CTRL)
			continue;
		p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
		len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (len >= NLA_HDRLEN) {
			struct nlattr *a = (void *)p;

			if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
				break;
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				uint16_t id;

				memcpy(&id, p + NLA_HDRLEN, 2);
				return id;
			}
			if ((size_t)NLA_ALIGN(a->nla_len) >= len)
				break;
			p += NLA_ALIGN(a->nla_len);
			len -= NLA_ALIGN(a->nla_len);
		}
	}
	return 0;
}

/* --- the request language of the case table ------------------------------------
 *
 * A request is a string of space-separated items:
 *   NAME=TYPE:VALUE   an attribute: TYPE u8 u16 u32 u64 (decimal or 0x),
 *                     s (a NUL-terminated string), S (without NUL),
 *                     x (hex bytes), z (VALUE zero bytes),
 *                     4 / 6 (an IPv4 / IPv6 address), or "flag" alone
 *   NAME{ ... }       a nest (NLA_F_NESTED set); NAME[ ... ] one without
 *   $DEV $WAN         in a value: the device's / the underlay's ifindex
 *   @COUNT            first: as root, the request is sent COUNT times
 *                     before the checked one, and each must succeed
 *   $N                in a value: 1000 + the repetition, 1..COUNT, then
 *                     COUNT + 1 for the checked request
 * NAME is a name of the current nest (see the tables) or a number.
 * Elements of arrays (allowed_ips, links) are named by their index.
 */
struct attr_name {
	const char *name;
	int type;
	const struct attr_name *inner;	/* the names inside, for nests */
};

static const struct attr_name names_prefix[] = {
	{ "family", VCMP_A_ALLOWED_IP_FAMILY, NULL }, { "addr", VCMP_A_ALLOWED_IP_ADDR, NULL },
	{ "cidr", VCMP_A_ALLOWED_IP_CIDR, NULL }, { NULL, 0, NULL }
};

static const struct attr_name names_link[] = {
	{ "peer_id", VCMP_A_LINK_PEER_ID, NULL }, { "id", VCMP_A_LINK_ID, NULL },
	{ "family", VCMP_A_LINK_FAMILY, NULL }, { "local", VCMP_A_LINK_LOCAL, NULL },
	{ "ifindex", VCMP_A_LINK_IFINDEX, NULL }, { "remote", VCMP_A_LINK_REMOTE, NULL },
	{ "remote_port", VCMP_A_LINK_REMOTE_PORT, NULL }, { "mtu", VCMP_A_LINK_MTU, NULL },
	{ "packet_mtu", VCMP_A_LINK_PACKET_MTU, NULL },
	{ "path_mtu", VCMP_A_LINK_PATH_MTU, NULL }, { "pmtud", VCMP_A_LINK_PMTUD, NULL },
	{ "state", VCMP_A_LINK_STATE, NULL }, { "stats", VCMP_A_LINK_STATS, NULL },
	{ NULL, 0, NULL }
};

static const struct attr_name names_sa[] = {
	{ "peer_id", VCMP_A_SA_PEER_ID, NULL }, { "spi", VCMP_A_SA_SPI, NULL },
	{ "dir", VCMP_A_SA_DIR, NULL }, { "key", VCMP_A_SA_KEY, NULL }, { NULL, 0, NULL }
};

/* Array elements: any number, each a nest of the element's names. */
static const struct attr_name names_prefixes[] = {
	{ "*", 0, names_prefix }, { NULL, 0, NULL }
};

static const struct attr_name names_sas[] = {
	{ "*", 0, names_sa }, { NULL, 0, NULL }
};

static const struct attr_name names_links[] = {
	{ "*", 0, names_link }, { NULL, 0, NULL }
};

static const struct attr_name names_class_link[] = {
	{ "id", VCMP_A_CLASS_LINK_ID, NULL }, { "role", VCMP_A_CLASS_LINK_ROLE, NULL },
	{ NULL, 0, NULL }
};

static const struct attr_name names_class_links[] = {
	{ "*", 0, names_class_link }, { NULL, 0, NULL }
};

static const struct attr_name names_class[] = {
	{ "id", VCMP_A_CLASS_ID, NULL }, { "name", VCMP_A_CLASS_NAME, NULL },
	{ "mode", VCMP_A_CLASS_MODE, NULL }, { "qoe", VCMP_A_CLASS_QOE, NULL },
	{ "links", VCMP_A_CLASS_LINKS, names_class_links },
	{ "tx_packets", VCMP_A_CLASS_TX_PACKETS, NULL },
	{ "pad", VCMP_A_CLASS_PAD, NULL },
	{ "jitter_ms", VCMP_A_CLASS_JITTER_MS, NULL }, { NULL, 0, NULL }
};

static const struct attr_name names_rule[] = {
	{ "id", VCMP_A_RULE_ID, NULL }, { "class", VCMP_A_RULE_CLASS, NULL },
	{ "family", VCMP_A_RULE_FAMILY, NULL }, { "dscp", VCMP_A_RULE_DSCP, NULL },
	{ "proto", VCMP_A_RULE_PROTO, NULL }, { "src", VCMP_A_RULE_SRC, NULL },
	{ "src_cidr", VCMP_A_RULE_SRC_CIDR, NULL }, { "dst", VCMP_A_RULE_DST, NULL },
	{ "dst_cidr", VCMP_A_RULE_DST_CIDR, NULL },
	{ "sport_min", VCMP_A_RULE_SPORT_MIN, NULL },
	{ "sport_max", VCMP_A_RULE_SPORT_MAX, NULL },
	{ "dport_min", VCMP_A_RULE_DPORT_MIN, NULL },
	{ "dport_max", VCMP_A_RULE_DPORT_MAX, NULL }, { NULL, 0, NULL }
};

static const struct attr_name names_peer[] = {
	{ "id", VCMP_A_PEER_ID, NULL }, { "segment", VCMP_A_PEER_SEGMENT, NULL },
	{ "suite", VCMP_A_PEER_SUITE, NULL },
	{ "allowed_ips", VCMP_A_PEER_ALLOWED_IPS, names_prefixes },
	{ "replace", VCMP_A_PEER_REPLACE_ALLOWED_IPS, NULL },
	{ "links", VCMP_A_PEER_LINKS, names_links },
	{ "sas", VCMP_A_PEER_SAS, names_sas }, { "mtu", VCMP_A_PEER_MTU, NULL },
	{ "edge_mtu", VCMP_A_PEER_EDGE_MTU, NULL }, { NULL, 0, NULL }
};

static const struct attr_name names_top[] = {
	{ "ifindex", VCMP_A_IFINDEX, NULL }, { "ifname", VCMP_A_IFNAME, NULL },
	{ "port", VCMP_A_PORT, NULL }, { "peer_count", VCMP_A_PEER_COUNT, NULL },
	{ "version", VCMP_A_VERSION, NULL }, { "peer", VCMP_A_PEER, names_peer },
	{ "link", VCMP_A_LINK, names_link }, { "sa", VCMP_A_SA, names_sa },
	{ "class", VCMP_A_CLASS, names_class }, { "rule", VCMP_A_RULE, names_rule },
	{ NULL, 0, NULL }
};

static const struct attr_name *lookup(const struct attr_name *t,
				      const char *name, size_t len, int *type)
{
	char *end;
	long v = strtol(name, &end, 0);

	for (; t && t->name; t++) {
		if (!strcmp(t->name, "*")) {
			*type = (end == name + len) ? (int)v : 1;
			return t;
		}
		if (strlen(t->name) == len && !strncmp(t->name, name, len)) {
			*type = t->type;
			return t;
		}
	}
	if (end == name + len) {
		*type = (int)v;
		return NULL;
	}
	fprintf(stderr, "vcmpnlfuzz: unknown attribute name %.*s\n",
		(int)len, name);
	exit(2);
}

static unsigned long long value_of(const char *v)
{
	if (!strcmp(v, "$DEV"))
		return dev_ifindex;
	if (!strcmp(v, "$WAN"))
		return wan_ifindex;
	if (!strcmp(v, "$N"))
		return 1000 + cur_rep;
	return strtoull(v, NULL, 0);
}

static void put_item(struct msg *m, int type, const char *kind, const char *v)
{
	unsigned char bytes[4096];
	size_t n = 0;

	if (!strcmp(kind, "u8")) {
		bytes[0] = value_of(v);
		n = 1;
	} else if (!strcmp(kind, "u16")) {
		uint16_t x = value_of(v);

		memcpy(bytes, &x, n = 2);
	} else if (!strcmp(kind, "u32")) {
		uint32_t x = value_of(v);

		memcpy(bytes, &x, n = 4);
	} else if (!strcmp(kind, "u64")) {
		uint64_t x = value_of(v);

		memcpy(bytes, &x, n = 8);
	} else if (!strcmp(kind, "s") || !strcmp(kind, "S")) {
		n = strlen(v) + (kind[0] == 's');
		memcpy(bytes, v, n);
	} else if (!strcmp(kind, "x")) {
		for (; v[0] && v[1] && n < sizeof(bytes); v += 2) {
			unsigned int b;

			sscanf(v, "%2x", &b);
			bytes[n++] = b;
		}
	} else if (!strcmp(kind, "z")) {
		n = value_of(v);
		if (n > sizeof(bytes))
			n = sizeof(bytes);
		memset(bytes, 0, n);
	} else if (!strcmp(kind, "4")) {
		inet_pton(AF_INET, v, bytes);
		n = 4;
	} else if (!strcmp(kind, "6")) {
		inet_pton(AF_INET6, v, bytes);
		n = 16;
	} else {
		fprintf(stderr, "vcmpnlfuzz: unknown value type %s\n", kind);
		exit(2);
	}
	msg_put(m, type, bytes, n);
}

/* Build the attributes of request @spec into @m. */
static void build(struct msg *m, const char *spec)
{
	const struct attr_name *stack[16];
	int sp = 0;
	char *copy = strdup(spec), *save = NULL, *tok;

	stack[0] = names_top;
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(tok);
		const struct attr_name *a;
		char *eq;
		int type;

		if (tok[0] == '@')	/* the repetitions, see case_repeat() */
			continue;

		if (!strcmp(tok, "}") || !strcmp(tok, "]")) {
			msg_nest_end(m);
			if (sp > 0)
				sp--;
			continue;
		}
		if (tok[len - 1] == '{' || tok[len - 1] == '[') {
			a = lookup(stack[sp], tok, len - 1, &type);
			msg_nest(m, type | (tok[len - 1] == '{' ? NLA_F_NESTED : 0));
			if (sp < 15)
				stack[++sp] = a ? a->inner : NULL;
			continue;
		}
		eq = strchr(tok, '=');
		if (!eq) {
			fprintf(stderr, "vcmpnlfuzz: bad item %s\n", tok);
			exit(2);
		}
		a = lookup(stack[sp], tok, eq - tok, &type);
		if (!strcmp(eq + 1, "flag")) {
			msg_put(m, type, NULL, 0);
		} else {
			char *colon = strchr(eq + 1, ':');

			if (!colon) {
				fprintf(stderr, "vcmpnlfuzz: bad value %s\n", tok);
				exit(2);
			}
			*colon = 0;
			put_item(m, type, eq + 1, colon + 1);
		}
	}
	free(copy);
}

/* --- the case table ---------------------------------------------------------- */

#define K16 "00112233445566778899aabbccddeeff"
#define KEY_GCM128 K16 "01020304"		/* 16-byte key + salt */
#define KEY_GCM256 K16 K16 "01020304"
#define D "ifindex=u32:$DEV "			/* names the device */
#define STR_(x) #x
#define STR(x) STR_(x)

/* The class and rule commands, short. */
#define CSET VCMP_CMD_CLASS_SET
#define CDEL VCMP_CMD_CLASS_DEL
#define CGET VCMP_CMD_CLASS_GET
#define RNEW VCMP_CMD_RULE_NEW
#define RDEL VCMP_CMD_RULE_DEL
#define RGET VCMP_CMD_RULE_GET
/*
 * Rules filling the list up, besides the table's 100, 200 and 300 (a
 * number, for "@COUNT"), and one less.
 */
#define RULES_FILL 61
#define RULES_FILL_1 60
_Static_assert(RULES_FILL == VCMP_RULES_MAX_COUNT - 3 &&
	       RULES_FILL_1 == RULES_FILL - 1, "rules filling the list");

struct tcase {
	const char *name;
	uint8_t cmd;
	uint16_t flags;		/* besides NLM_F_REQUEST | NLM_F_ACK */
	const char *req;
	int err;		/* expected errno, 0 for success */
	const char *ext;	/* expected extack substring; NULL: any */
};

#define DUMP (NLM_F_ROOT | NLM_F_MATCH)

static const char *const cmd_names[VCMP_CMD_MAX + 1] = {
	[VCMP_CMD_DEV_GET] = "dev-get", [VCMP_CMD_PEER_NEW] = "peer-new",
	[VCMP_CMD_PEER_SET] = "peer-set", [VCMP_CMD_PEER_DEL] = "peer-del",
	[VCMP_CMD_PEER_GET] = "peer-get", [VCMP_CMD_LINK_NEW] = "link-new",
	[VCMP_CMD_LINK_DEL] = "link-del", [VCMP_CMD_SA_NEW] = "sa-new",
	[VCMP_CMD_SA_DEL] = "sa-del", [VCMP_CMD_CLASS_SET] = "class-set",
	[VCMP_CMD_CLASS_DEL] = "class-del", [VCMP_CMD_CLASS_GET] = "class-get",
	[VCMP_CMD_RULE_NEW] = "rule-new", [VCMP_CMD_RULE_DEL] = "rule-del",
	[VCMP_CMD_RULE_GET] = "rule-get",
};

/* A command of the family: not a notification, not an unknown number. */
static bool known_cmd(unsigned int cmd)
{
	return (cmd >= VCMP_CMD_DEV_GET && cmd <= VCMP_CMD_SA_DEL) ||
	       (cmd >= VCMP_CMD_CLASS_SET && cmd <= VCMP_CMD_RULE_GET);
}

static const struct tcase cases[] = {
	/* the device: missing, unknown, both, wrong, oversized names */
	{ "dev-get: valid", VCMP_CMD_DEV_GET, 0, D, 0, NULL },
	{ "dev-get: no device", VCMP_CMD_DEV_GET, 0, "", EINVAL,
	  "missing device: give ifindex or ifname" },
	{ "dev-get: ifindex 0 out of range", VCMP_CMD_DEV_GET, 0,
	  "ifindex=u32:0", ERANGE, "integer out of range" },
	{ "dev-get: ifindex above INT_MAX", VCMP_CMD_DEV_GET, 0,
	  "ifindex=u32:0x80000000", ERANGE, "integer out of range" },
	{ "dev-get: no such ifindex", VCMP_CMD_DEV_GET, 0,
	  "ifindex=u32:0x7ffffff0", ENODEV, "no such device" },
	{ "dev-get: loopback is not vcmp", VCMP_CMD_DEV_GET, 0,
	  "ifindex=u32:1", EOPNOTSUPP, "not a vcmp device" },
	{ "dev-get: ifindex and ifname", VCMP_CMD_DEV_GET, 0,
	  D "ifname=s:lo", EINVAL, "not both" },
	{ "dev-get: no such ifname", VCMP_CMD_DEV_GET, 0,
	  "ifname=s:nonexistent0", ENODEV, "no such device" },
	{ "dev-get: ifname of 16 characters", VCMP_CMD_DEV_GET, 0,
	  "ifname=s:abcdefghijklmnop", EINVAL, "policy validation" },
	{ "dev-get: ifname without NUL", VCMP_CMD_DEV_GET, 0,
	  "ifname=S:lo", EINVAL, "policy validation" },
	{ "dev-get: ifindex of 2 bytes", VCMP_CMD_DEV_GET, 0,
	  "ifindex=u16:1", EINVAL, "invalid attribute length" },
	{ "dev-get: ifindex of 8 bytes", VCMP_CMD_DEV_GET, 0,
	  "ifindex=u64:1", EINVAL, "invalid attribute length" },
	{ "dev-get: unknown top-level attribute", VCMP_CMD_DEV_GET, 0,
	  D "99=u32:1", EINVAL, "Unknown attribute type" },
	{ "dev-get: attribute type 0", VCMP_CMD_DEV_GET, 0,
	  D "0=u32:1", EINVAL, "Unknown attribute type" },
	{ "dev-get: reply-only port", VCMP_CMD_DEV_GET, 0,
	  D "port=u16:1", EINVAL, "the port is set over rtnetlink" },
	{ "dev-get: reply-only peer count", VCMP_CMD_DEV_GET, 0,
	  D "peer_count=u32:1", EINVAL, "only valid in replies" },
	{ "dev-get: reply-only version", VCMP_CMD_DEV_GET, 0,
	  D "version=s:1", EINVAL, "only valid in replies" },
	{ "dev-get: nest without NLA_F_NESTED", VCMP_CMD_DEV_GET, 0,
	  D "peer[ id=u32:1 ]", EINVAL, "NLA_F_NESTED is missing" },
	{ "dev-get: NLA_F_NESTED on a string", VCMP_CMD_DEV_GET, 0,
	  "ifname{ 1=u8:0 }", EINVAL, "NLA_F_NESTED not expected" },
	{ "dev-get: a u32 as a nest", VCMP_CMD_DEV_GET, 0,
	  "ifindex{ 1=u32:1 }", EINVAL, "invalid attribute length" },
	{ "unknown command 0", 0, 0, D, EOPNOTSUPP, NULL },
	{ "unknown command (a notification)", VCMP_CMD_PEER_NEW_NTF, 0, D,
	  EOPNOTSUPP, NULL },
	{ "unknown command 200", 200, 0, D, EOPNOTSUPP, NULL },
	{ "dev-get as a dump", VCMP_CMD_DEV_GET, DUMP, D, EOPNOTSUPP, NULL },
	{ "reserved nlmsg flag", VCMP_CMD_DEV_GET, NLM_F_REPLACE, D, EINVAL,
	  "ambiguous or reserved bits set in nlmsg_flags" },

	/* peer-new */
	{ "peer-new: no peer", VCMP_CMD_PEER_NEW, 0, D, EINVAL, "missing peer" },
	{ "peer-new: no id", VCMP_CMD_PEER_NEW, 0, D "peer{ segment=u16:1 }",
	  EINVAL, "missing peer id" },
	{ "peer-new: id 0", VCMP_CMD_PEER_NEW, 0, D "peer{ id=u32:0 }",
	  ERANGE, "integer out of range" },
	{ "peer-new: suite out of range", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 suite=u32:5 }", ERANGE, "integer out of range" },
	{ "peer-new: suite 2^32-1", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 suite=u32:0xffffffff }", ERANGE,
	  "integer out of range" },
	{ "peer-new: unknown peer attribute", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 40=u32:1 }", EINVAL, "Unknown attribute type" },
	{ "peer-new: SAs in a peer", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 sas[ 1{ spi=u32:0x01000000 } ] }", EINVAL,
	  "SAs are added with sa-new" },
	{ "peer-new: reply-only mtu", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 mtu=u32:1400 }", EINVAL, "only valid in replies" },
	{ "peer-new: reply-only edge mtu", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 edge_mtu=u32:1400 }", EINVAL,
	  "only valid in replies" },
	{ "peer-new: replace flag with a value", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 replace=u32:1 }", ERANGE, "policy validation" },
	{ "peer-new: allowed IP without family", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ addr=4:10.0.0.0 cidr=u8:8 } } }",
	  EINVAL, "allowed IP without family" },
	{ "peer-new: allowed IP without address", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:2 cidr=u8:8 } } }",
	  EINVAL, "allowed IP without address" },
	{ "peer-new: allowed IP without prefix length", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:2 addr=4:10.0.0.0 } } }",
	  EINVAL, "allowed IP without prefix length" },
	{ "peer-new: allowed IP family 3", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:3 addr=4:10.0.0.0 cidr=u8:8 } } }",
	  EAFNOSUPPORT, "address family must be AF_INET or AF_INET6" },
	{ "peer-new: allowed IP family 11", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:11 addr=4:10.0.0.0 cidr=u8:8 } } }",
	  ERANGE, "integer out of range" },
	{ "peer-new: allowed IP of 17 bytes", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:10 addr=z:17 cidr=u8:8 } } }",
	  ERANGE, "binary attribute size out of range" },
	{ "peer-new: allowed IP of 3 bytes", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:2 addr=z:3 cidr=u8:8 } } }",
	  ERANGE, "binary attribute size out of range" },
	{ "peer-new: IPv6 address with family AF_INET", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:2 addr=6:fd00:: cidr=u8:8 } } }",
	  EINVAL, "address length does not match the address family" },
	{ "peer-new: /33 for IPv4", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:2 addr=4:10.0.0.0 cidr=u8:33 } } }",
	  EINVAL, "prefix length too long for the address family" },
	{ "peer-new: /129", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:10 addr=6:fd00:: cidr=u8:129 } } }",
	  ERANGE, "integer out of range" },
	{ "peer-new: unknown allowed-IP attribute", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 allowed_ips{ 1{ family=u16:2 addr=4:10.0.0.0 cidr=u8:8 9=u8:1 } } }",
	  EINVAL, "Unknown attribute type" },
	{ "peer-new: link without id", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ family=u16:2 remote=4:192.0.2.2 } } }",
	  EINVAL, "link without id" },
	{ "peer-new: link without remote", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 } } }",
	  EINVAL, "link without remote address" },
	{ "peer-new: link without family", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 remote=4:192.0.2.2 } } }",
	  EINVAL, "link without address family" },
	{ "peer-new: link of another peer", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ peer_id=u32:11 id=u8:1 family=u16:2 remote=4:192.0.2.2 } } }",
	  EINVAL, "peer-id of the link differs" },
	{ "peer-new: link remote of 5 bytes", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=z:5 } } }",
	  EINVAL, "address length does not match the address family" },
	{ "peer-new: link local of another family", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 local=6:fd00::1 } } }",
	  EINVAL, "address length does not match the address family" },
	{ "peer-new: link remote 0.0.0.0", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:0.0.0.0 } } }",
	  EINVAL, "the remote address of a link must be unicast" },
	{ "peer-new: link remote ::", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:10 remote=6::: } } }",
	  EINVAL, "the remote address of a link must be unicast" },
	{ "link-new: link remote 224.0.0.1", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:10 id=u8:3 family=u16:2 remote=4:224.0.0.1 }",
	  EINVAL, "the remote address of a link must be unicast" },
	{ "peer-new: link mtu 67", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 mtu=u32:67 } } }",
	  ERANGE, "integer out of range" },
	{ "peer-new: link mtu 65536", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 mtu=u32:65536 } } }",
	  ERANGE, "integer out of range" },
	{ "peer-new: link on no interface", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 ifindex=u32:0x7ffffff0 } } }",
	  ENODEV, "no such interface for the link" },
	{ "peer-new: link reply-only path mtu", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 path_mtu=u32:1500 } } }",
	  EINVAL, "only valid in replies" },
	{ "peer-new: link reply-only pmtud", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 pmtud=u8:1 } } }",
	  EINVAL, "only valid in replies" },
	{ "peer-new: duplicate link ids", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 } "
	  "2{ id=u8:1 family=u16:2 remote=4:192.0.2.3 } } }",
	  EEXIST, "duplicate link id" },
	{ "peer-new: 17 links", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 links{ "
	  "1{ id=u8:1 family=u16:2 remote=4:192.0.2.2 } 2{ id=u8:2 family=u16:2 remote=4:192.0.2.2 } "
	  "3{ id=u8:3 family=u16:2 remote=4:192.0.2.2 } 4{ id=u8:4 family=u16:2 remote=4:192.0.2.2 } "
	  "5{ id=u8:5 family=u16:2 remote=4:192.0.2.2 } 6{ id=u8:6 family=u16:2 remote=4:192.0.2.2 } "
	  "7{ id=u8:7 family=u16:2 remote=4:192.0.2.2 } 8{ id=u8:8 family=u16:2 remote=4:192.0.2.2 } "
	  "9{ id=u8:9 family=u16:2 remote=4:192.0.2.2 } 10{ id=u8:10 family=u16:2 remote=4:192.0.2.2 } "
	  "11{ id=u8:11 family=u16:2 remote=4:192.0.2.2 } 12{ id=u8:12 family=u16:2 remote=4:192.0.2.2 } "
	  "13{ id=u8:13 family=u16:2 remote=4:192.0.2.2 } 14{ id=u8:14 family=u16:2 remote=4:192.0.2.2 } "
	  "15{ id=u8:15 family=u16:2 remote=4:192.0.2.2 } 16{ id=u8:16 family=u16:2 remote=4:192.0.2.2 } "
	  "17{ id=u8:17 family=u16:2 remote=4:192.0.2.2 } } }",
	  ENOSPC, "too many links" },
	{ "peer-new: peer 10 (aes-gcm-128, two links, prefixes)",
	  VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 suite=u32:1 segment=u16:3 "
	  "allowed_ips{ 1{ family=u16:2 addr=4:10.10.0.0 cidr=u8:16 } "
	  "2{ family=u16:10 addr=6:fd10:: cidr=u8:64 } } "
	  "links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.10 ifindex=u32:$WAN } "
	  "2{ id=u8:2 family=u16:10 remote=6:2001:db8::10 remote_port=u16:4000 } } }",
	  0, NULL },
	{ "peer-new: peer 10 again", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:10 }", EEXIST, "a peer with this id already exists" },
	{ "peer-new: peer 11 (plain)", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:11 suite=u32:0 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.11 } } }",
	  0, NULL },
	{ "peer-new: plain link on a used endpoint", VCMP_CMD_PEER_NEW, 0,
	  D "peer{ id=u32:12 suite=u32:0 links{ 1{ id=u8:1 family=u16:2 remote=4:192.0.2.11 } } }",
	  EEXIST, "remote endpoint already used by a plain link" },

	/* peer-set */
	{ "peer-set: no peer", VCMP_CMD_PEER_SET, 0, D, EINVAL, "missing peer" },
	{ "peer-set: no id", VCMP_CMD_PEER_SET, 0, D "peer{ segment=u16:1 }",
	  EINVAL, "missing peer id" },
	{ "peer-set: unknown peer", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:99 segment=u16:1 }", ENOENT, "no peer with this id" },
	{ "peer-set: change the suite", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:10 suite=u32:2 }", EINVAL,
	  "the suite of a peer cannot be changed" },
	{ "peer-set: links", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:10 links{ 1{ id=u8:3 family=u16:2 remote=4:192.0.2.2 } } }",
	  EINVAL, "links are changed with link-new and link-del" },
	{ "peer-set: bad prefix changes nothing", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:10 segment=u16:9 allowed_ips{ 1{ family=u16:2 addr=4:10.0.0.0 cidr=u8:40 } } }",
	  EINVAL, "prefix length too long" },
	{ "peer-set: segment out of u16", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:10 segment=u32:70000 }", EINVAL,
	  "invalid attribute length" },
	{ "peer-set: segment and a prefix", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:10 segment=u16:4 allowed_ips{ 1{ family=u16:2 addr=4:10.11.0.0 cidr=u8:16 } } }",
	  0, NULL },
	{ "peer-set: replace the prefixes", VCMP_CMD_PEER_SET, 0,
	  D "peer{ id=u32:10 replace=flag allowed_ips{ 1{ family=u16:2 addr=4:10.10.0.0 cidr=u8:16 } "
	  "2{ family=u16:10 addr=6:fd10:: cidr=u8:64 } } }", 0, NULL },

	/* peer-get */
	{ "peer-get: valid", VCMP_CMD_PEER_GET, 0, D "peer{ id=u32:10 }", 0, NULL },
	{ "peer-get: no peer", VCMP_CMD_PEER_GET, 0, D, EINVAL, "missing peer" },
	{ "peer-get: no id", VCMP_CMD_PEER_GET, 0, D "peer{ }", EINVAL,
	  "missing peer id" },
	{ "peer-get: unknown peer", VCMP_CMD_PEER_GET, 0, D "peer{ id=u32:99 }",
	  ENOENT, "no peer with this id" },
	{ "peer-get: dump", VCMP_CMD_PEER_GET, DUMP, D, 0, NULL },
	{ "peer-get: dump without device", VCMP_CMD_PEER_GET, DUMP, "", EINVAL,
	  "missing device" },
	{ "peer-get: dump of lo", VCMP_CMD_PEER_GET, DUMP, "ifindex=u32:1",
	  EOPNOTSUPP, "not a vcmp device" },
	{ "peer-get: dump, unknown attribute", VCMP_CMD_PEER_GET, DUMP,
	  D "77=u8:1", EINVAL, "Unknown attribute type" },

	/* link-new, link-del */
	{ "link-new: no link", VCMP_CMD_LINK_NEW, 0, D, EINVAL, "missing link" },
	{ "link-new: no peer id", VCMP_CMD_LINK_NEW, 0,
	  D "link{ id=u8:3 family=u16:2 remote=4:192.0.2.2 }", EINVAL,
	  "link without peer-id" },
	{ "link-new: unknown peer", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:99 id=u8:3 family=u16:2 remote=4:192.0.2.2 }",
	  ENOENT, "no peer with this id" },
	{ "link-new: existing id", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:10 id=u8:1 family=u16:2 remote=4:192.0.2.2 }",
	  EEXIST, "already has a link with this id" },
	{ "link-new: id of 2 bytes", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:10 id=u16:3 family=u16:2 remote=4:192.0.2.2 }",
	  EINVAL, "invalid attribute length" },
	{ "link-new: remote port of 4 bytes", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:10 id=u8:3 family=u16:2 remote=4:192.0.2.2 remote_port=u32:1 }",
	  EINVAL, "invalid attribute length" },
	{ "link-new: unknown link attribute", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:10 id=u8:3 family=u16:2 remote=4:192.0.2.2 30=u8:0 }",
	  EINVAL, "Unknown attribute type" },
	{ "link-new: link 3", VCMP_CMD_LINK_NEW, 0,
	  D "link{ peer_id=u32:10 id=u8:3 family=u16:2 remote=4:192.0.2.33 local=4:192.0.2.1 mtu=u32:1400 }",
	  0, NULL },
	{ "link-del: no link", VCMP_CMD_LINK_DEL, 0, D, EINVAL, "missing link" },
	{ "link-del: no id", VCMP_CMD_LINK_DEL, 0, D "link{ peer_id=u32:10 }",
	  EINVAL, "link without id" },
	{ "link-del: unknown link", VCMP_CMD_LINK_DEL, 0,
	  D "link{ peer_id=u32:10 id=u8:200 }", ENOENT,
	  "the peer has no link with this id" },
	{ "link-del: unknown peer", VCMP_CMD_LINK_DEL, 0,
	  D "link{ peer_id=u32:99 id=u8:1 }", ENOENT, "no peer with this id" },
	{ "link-del: link 3", VCMP_CMD_LINK_DEL, 0,
	  D "link{ peer_id=u32:10 id=u8:3 }", 0, NULL },

	/* sa-new, sa-del */
	{ "sa-new: no SA", VCMP_CMD_SA_NEW, 0, D, EINVAL, "missing SA" },
	{ "sa-new: no peer id", VCMP_CMD_SA_NEW, 0,
	  D "sa{ spi=u32:0x01000001 dir=u8:1 key=x:" KEY_GCM128 " }", EINVAL,
	  "SA without peer-id" },
	{ "sa-new: no SPI", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 dir=u8:1 key=x:" KEY_GCM128 " }", EINVAL,
	  "SA without SPI" },
	{ "sa-new: no direction", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 key=x:" KEY_GCM128 " }",
	  EINVAL, "SA without direction" },
	{ "sa-new: no key", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 }", EINVAL,
	  "SA without key" },
	{ "sa-new: reserved SPI", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x00ffffff dir=u8:1 key=x:" KEY_GCM128 " }",
	  ERANGE, "integer out of range" },
	{ "sa-new: direction 2", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:2 key=x:" KEY_GCM128 " }",
	  ERANGE, "integer out of range" },
	{ "sa-new: key of 65 bytes", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 key=z:65 }",
	  ERANGE, "binary attribute size out of range" },
	{ "sa-new: empty key", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 key=z:0 }",
	  ERANGE, "binary attribute size out of range" },
	{ "sa-new: key of the wrong suite", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 key=x:" KEY_GCM256 " }",
	  EINVAL, "key length does not match the suite of the peer" },
	{ "sa-new: unknown peer", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:99 spi=u32:0x01000001 dir=u8:1 key=x:" KEY_GCM128 " }",
	  ENOENT, "no peer with this id" },
	{ "sa-new: plain peer", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:11 spi=u32:0x01000001 dir=u8:1 key=x:" KEY_GCM128 " }",
	  EINVAL, "a plain peer has no SAs and takes no key" },
	{ "sa-new: unknown SA attribute", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 key=x:" KEY_GCM128 " 9=u8:0 }",
	  EINVAL, "Unknown attribute type" },
	{ "sa-new: outbound SA", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 key=x:" KEY_GCM128 " }",
	  0, NULL },
	{ "sa-new: inbound SA", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000002 dir=u8:0 key=x:" KEY_GCM128 " }",
	  0, NULL },
	{ "sa-new: inbound SPI again", VCMP_CMD_SA_NEW, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000002 dir=u8:0 key=x:" KEY_GCM128 " }",
	  EEXIST, "SPI already in use" },
	{ "sa-del: no SA", VCMP_CMD_SA_DEL, 0, D, EINVAL, "missing SA" },
	{ "sa-del: no direction", VCMP_CMD_SA_DEL, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000002 }", EINVAL,
	  "SA without direction" },
	{ "sa-del: unknown SPI", VCMP_CMD_SA_DEL, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x0100ffff dir=u8:0 }", ENOENT,
	  "no such security association" },
	{ "sa-del: inbound SA", VCMP_CMD_SA_DEL, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000002 dir=u8:0 }", 0, NULL },

	/* peer-del, and what is left afterwards */
	{ "peer-del: no peer", VCMP_CMD_PEER_DEL, 0, D, EINVAL, "missing peer" },
	{ "peer-del: no id", VCMP_CMD_PEER_DEL, 0, D "peer{ segment=u16:1 }",
	  EINVAL, "missing peer id" },
	{ "peer-del: unknown peer", VCMP_CMD_PEER_DEL, 0, D "peer{ id=u32:99 }",
	  ENOENT, "no peer with this id" },
	{ "peer-del: peer 10", VCMP_CMD_PEER_DEL, 0, D "peer{ id=u32:10 }", 0, NULL },
	{ "peer-del: peer 11", VCMP_CMD_PEER_DEL, 0, D "peer{ id=u32:11 }", 0, NULL },
	{ "peer-get: peer 10 is gone", VCMP_CMD_PEER_GET, 0, D "peer{ id=u32:10 }",
	  ENOENT, "no peer with this id" },
	{ "sa-del: the SA went with its peer", VCMP_CMD_SA_DEL, 0,
	  D "sa{ peer_id=u32:10 spi=u32:0x01000001 dir=u8:1 }", ENOENT,
	  "no peer with this id" },

	/*
	 * Traffic classes and rules. Class 0 (the default) always exists;
	 * link ids in a class apply to the links of that id of every peer,
	 * so none need to exist.
	 */
	{ "class-set: no class", CSET, 0, D, EINVAL, "missing class" },
	{ "class-set: no id", CSET, 0, D "class{ name=s:voice }", EINVAL,
	  "missing class id" },
	{ "class-set: id 16", CSET, 0, D "class{ id=u8:16 }", ERANGE,
	  "integer out of range" },
	{ "class-set: id of 4 bytes", CSET, 0, D "class{ id=u32:1 }", EINVAL,
	  "invalid attribute length" },
	{ "class-set: nest without NLA_F_NESTED", CSET, 0, D "class[ id=u8:1 ]",
	  EINVAL, "NLA_F_NESTED is missing" },
	{ "class-set: unknown class attribute", CSET, 0,
	  D "class{ id=u8:1 40=u8:1 }", EINVAL, "Unknown attribute type" },
	{ "class-set: mode 4", CSET, 0, D "class{ id=u8:1 mode=u8:4 }", ERANGE,
	  "integer out of range" },
	{ "class-set: qoe 4", CSET, 0, D "class{ id=u8:1 qoe=u8:4 }", ERANGE,
	  "integer out of range" },
	{ "class-set: jitter 201 ms", CSET, 0,
	  D "class{ id=u8:1 jitter_ms=u16:201 }", ERANGE, "integer out of range" },
	{ "class-set: jitter 65535 ms", CSET, 0,
	  D "class{ id=u8:1 jitter_ms=u16:0xffff }", ERANGE,
	  "integer out of range" },
	{ "class-set: jitter of 1 byte", CSET, 0,
	  D "class{ id=u8:1 jitter_ms=u8:20 }", EINVAL, "invalid attribute length" },
	{ "class-set: name of 16 characters", CSET, 0,
	  D "class{ id=u8:1 name=s:abcdefghijklmnop }", EINVAL,
	  "policy validation" },
	{ "class-set: name without NUL", CSET, 0,
	  D "class{ id=u8:1 name=S:voice }", EINVAL, "policy validation" },
	{ "class-set: reply-only tx packets", CSET, 0,
	  D "class{ id=u8:1 tx_packets=u64:1 }", EINVAL, "only valid in replies" },
	{ "class-set: link role 4", CSET, 0,
	  D "class{ id=u8:1 links{ 1{ id=u8:1 role=u8:4 } } }", ERANGE,
	  "integer out of range" },
	{ "class-set: link without id", CSET, 0,
	  D "class{ id=u8:1 links{ 1{ role=u8:1 } } }", EINVAL,
	  "class link without id" },
	{ "class-set: link without role", CSET, 0,
	  D "class{ id=u8:1 links{ 1{ id=u8:1 } } }", EINVAL,
	  "class link without role" },
	{ "class-set: link id of 2 bytes", CSET, 0,
	  D "class{ id=u8:1 links{ 1{ id=u16:1 role=u8:1 } } }", EINVAL,
	  "invalid attribute length" },
	{ "class-set: unknown class-link attribute", CSET, 0,
	  D "class{ id=u8:1 links{ 1{ id=u8:1 role=u8:1 3=u8:0 } } }", EINVAL,
	  "Unknown attribute type" },
	{ "class-set: link id given twice", CSET, 0,
	  D "class{ id=u8:5 links{ 1{ id=u8:1 role=u8:1 } 2{ id=u8:1 role=u8:3 } } }",
	  EINVAL, "link id given twice in the class" },
	{ "class-get: the refused class 5 was not made", CGET, 0,
	  D "class{ id=u8:5 }", ENOENT, "no such class" },
	{ "class-set: class 1 (voice, dup, 40 ms, two links)", CSET, 0,
	  D "class{ id=u8:1 name=s:voice mode=u8:2 qoe=u8:0 jitter_ms=u16:40 "
	  "links{ 1{ id=u8:1 role=u8:1 } 2{ id=u8:2 role=u8:3 } } }", 0, NULL },
	{ "class-set: class 15, name of 15 characters, jitter 200 ms", CSET, 0,
	  D "class{ id=u8:15 name=s:abcdefghijklmno mode=u8:3 jitter_ms=u16:200 }",
	  0, NULL },
	{ "class-set: class 1 again (changes it)", CSET, 0,
	  D "class{ id=u8:1 qoe=u8:1 }", 0, NULL },
	{ "class-set: the default class", CSET, 0, D "class{ id=u8:0 mode=u8:1 }",
	  0, NULL },

	{ "class-get: no class", CGET, 0, D, EINVAL, "missing class" },
	{ "class-get: no id", CGET, 0, D "class{ name=s:voice }", EINVAL,
	  "missing class id" },
	{ "class-get: id 16", CGET, 0, D "class{ id=u8:16 }", ERANGE,
	  "integer out of range" },
	{ "class-get: unknown class 7", CGET, 0, D "class{ id=u8:7 }", ENOENT,
	  "no such class" },
	{ "class-get: class 1", CGET, 0, D "class{ id=u8:1 }", 0, NULL },
	{ "class-get: the default class", CGET, 0, D "class{ id=u8:0 }", 0, NULL },
	{ "class-get: dump", CGET, DUMP, D, 0, NULL },
	{ "class-get: dump without device", CGET, DUMP, "", EINVAL,
	  "missing device" },

	{ "rule-new: no rule", RNEW, 0, D, EINVAL, "missing rule" },
	{ "rule-new: no id", RNEW, 0, D "rule{ class=u8:1 }", EINVAL,
	  "missing rule id" },
	{ "rule-new: no class", RNEW, 0, D "rule{ id=u16:100 }", EINVAL,
	  "missing rule class" },
	{ "rule-new: id 0", RNEW, 0, D "rule{ id=u16:0 class=u8:1 }", ERANGE,
	  "integer out of range" },
	{ "rule-new: id of 4 bytes", RNEW, 0, D "rule{ id=u32:100 class=u8:1 }",
	  EINVAL, "invalid attribute length" },
	{ "rule-new: nest without NLA_F_NESTED", RNEW, 0,
	  D "rule[ id=u16:100 class=u8:1 ]", EINVAL, "NLA_F_NESTED is missing" },
	{ "rule-new: class 16", RNEW, 0, D "rule{ id=u16:100 class=u8:16 }",
	  ERANGE, "integer out of range" },
	{ "rule-new: unknown class 7", RNEW, 0, D "rule{ id=u16:100 class=u8:7 }",
	  ENOENT, "no such class" },
	{ "rule-new: unknown rule attribute", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 40=u8:1 }", EINVAL,
	  "Unknown attribute type" },
	{ "rule-new: dscp 64", RNEW, 0, D "rule{ id=u16:100 class=u8:1 dscp=u8:64 }",
	  ERANGE, "integer out of range" },
	{ "rule-new: family 3", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:3 }", EAFNOSUPPORT,
	  "address family must be AF_INET or AF_INET6" },
	{ "rule-new: family 11", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:11 }", ERANGE,
	  "integer out of range" },
	{ "rule-new: prefix without family", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 src=4:10.0.0.0 src_cidr=u8:8 }", EINVAL,
	  "a prefix needs the rule's family" },
	{ "rule-new: IPv6 prefix with family AF_INET", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:2 dst=6:fd00:: }", EINVAL,
	  "address length does not match the family" },
	{ "rule-new: prefix of 3 bytes", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:2 src=z:3 }", ERANGE,
	  "binary attribute size out of range" },
	{ "rule-new: prefix of 17 bytes", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:10 dst=z:17 }", ERANGE,
	  "binary attribute size out of range" },
	{ "rule-new: /33 for IPv4", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:2 dst=4:10.0.0.0 dst_cidr=u8:33 }",
	  EINVAL, "prefix length too long for the family" },
	{ "rule-new: /129", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:10 dst=6:fd00:: dst_cidr=u8:129 }",
	  ERANGE, "integer out of range" },
	{ "rule-new: source prefix length without the address", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:2 src_cidr=u8:16 }",
	  EINVAL, "a prefix length needs its address" },
	{ "rule-new: destination prefix length without the address", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 family=u16:2 src=4:10.1.0.0 dst_cidr=u8:8 }",
	  EINVAL, "a prefix length needs its address" },
	{ "rule-new: source ports 2000-1000", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 sport_min=u16:2000 sport_max=u16:1000 }",
	  EINVAL, "port range maximum below its minimum" },
	{ "rule-new: destination port maximum without minimum", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 dport_max=u16:80 }", EINVAL,
	  "a port range needs its minimum" },
	{ "rule-new: port of 4 bytes", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 dport_min=u32:80 }", EINVAL,
	  "invalid attribute length" },
	{ "rule-new: rule 100 (DSCP 46, UDP, ports 5060-5061)", RNEW, 0,
	  D "rule{ id=u16:100 class=u8:1 dscp=u8:46 proto=u8:17 "
	  "dport_min=u16:5060 dport_max=u16:5061 }", 0, NULL },
	{ "rule-new: rule 200 (IPv4 prefixes)", RNEW, 0,
	  D "rule{ id=u16:200 class=u8:1 family=u16:2 src=4:10.1.0.0 src_cidr=u8:16 "
	  "dst=4:10.2.0.0 dst_cidr=u8:16 }", 0, NULL },
	{ "rule-new: rule 300 (IPv6 prefix, source ports, class 15)", RNEW, 0,
	  D "rule{ id=u16:300 class=u8:15 family=u16:10 dst=6:fd00:: dst_cidr=u8:8 "
	  "sport_min=u16:1024 sport_max=u16:65535 }", 0, NULL },
	{ "rule-new: rule 100 again", RNEW, 0, D "rule{ id=u16:100 class=u8:0 }",
	  EEXIST, "a rule with this id exists" },
	{ "rule-new: one rule more than the list holds", RNEW, 0,
	  "@" STR(RULES_FILL) " " D "rule{ id=u16:$N class=u8:0 }", ENOSPC,
	  "too many rules (at most " STR(VCMP_RULES_MAX_COUNT) ")" },

	{ "rule-get: no rule", RGET, 0, D, EINVAL, "missing rule" },
	{ "rule-get: no id", RGET, 0, D "rule{ class=u8:1 }", EINVAL,
	  "missing rule id" },
	{ "rule-get: id 0", RGET, 0, D "rule{ id=u16:0 }", ERANGE,
	  "integer out of range" },
	{ "rule-get: unknown rule", RGET, 0, D "rule{ id=u16:999 }", ENOENT,
	  "no such rule" },
	{ "rule-get: rule 100", RGET, 0, D "rule{ id=u16:100 }", 0, NULL },
	{ "rule-get: dump", RGET, DUMP, D, 0, NULL },
	{ "rule-get: dump of lo", RGET, DUMP, "ifindex=u32:1", EOPNOTSUPP,
	  "not a vcmp device" },

	{ "class-del: no class", CDEL, 0, D, EINVAL, "missing class" },
	{ "class-del: no id", CDEL, 0, D "class{ name=s:voice }", EINVAL,
	  "missing class id" },
	{ "class-del: id 16", CDEL, 0, D "class{ id=u8:16 }", ERANGE,
	  "integer out of range" },
	{ "class-del: unknown class 7", CDEL, 0, D "class{ id=u8:7 }", ENOENT,
	  "no such class" },
	{ "class-del: the default class", CDEL, 0, D "class{ id=u8:0 }", EBUSY,
	  "the default class cannot be deleted" },
	{ "class-del: class 1, still used by rules", CDEL, 0, D "class{ id=u8:1 }",
	  EBUSY, "rules still put packets in this class" },

	{ "rule-del: no rule", RDEL, 0, D, EINVAL, "missing rule" },
	{ "rule-del: no id", RDEL, 0, D "rule{ class=u8:1 }", EINVAL,
	  "missing rule id" },
	{ "rule-del: id 0", RDEL, 0, D "rule{ id=u16:0 }", ERANGE,
	  "integer out of range" },
	{ "rule-del: unknown rule", RDEL, 0, D "rule{ id=u16:999 }", ENOENT,
	  "no such rule" },
	{ "rule-del: unknown rule attribute", RDEL, 0,
	  D "rule{ id=u16:100 40=u8:1 }", EINVAL, "Unknown attribute type" },
	{ "rule-del: the rules filling the list", RDEL, 0,
	  "@" STR(RULES_FILL_1) " " D "rule{ id=u16:$N }", 0, NULL },
	{ "rule-del: rule 100", RDEL, 0, D "rule{ id=u16:100 }", 0, NULL },
	{ "rule-del: rule 200", RDEL, 0, D "rule{ id=u16:200 }", 0, NULL },
	{ "rule-get: rule 100 is gone", RGET, 0, D "rule{ id=u16:100 }", ENOENT,
	  "no such rule" },
	{ "class-del: class 1", CDEL, 0, D "class{ id=u8:1 }", 0, NULL },
	{ "class-get: class 1 is gone", CGET, 0, D "class{ id=u8:1 }", ENOENT,
	  "no such class" },
	{ "class-del: class 15, still used by rule 300", CDEL, 0,
	  D "class{ id=u8:15 }", EBUSY, "rules still put packets in this class" },
	{ "rule-del: rule 300", RDEL, 0, D "rule{ id=u16:300 }", 0, NULL },
	{ "class-del: class 15", CDEL, 0, D "class{ id=u8:15 }", 0, NULL },
	{ "class-set: the default class back to flow", CSET, 0,
	  D "class{ id=u8:0 mode=u8:0 }", 0, NULL },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* The @COUNT of a request: how often it is sent before the checked one. */
static unsigned int case_repeat(const struct tcase *c)
{
	return c->req[0] == '@' ? strtoul(c->req + 1, NULL, 0) : 0;
}

static void case_msg(struct msg *m, const struct tcase *c)
{
	msg_init(m, family_id, NLM_F_REQUEST | c->flags, c->cmd,
		 VCMP_GENL_VERSION);
	build(m, c->req);
}

static int run_cases(bool unpriv)
{
	unsigned int i, failed = 0;
	struct reply r;
	struct msg m;

	printf("1..%zu\n", NCASES);
	for (i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		int want = c->err;
		const char *ext = c->ext;
		unsigned int repeat = case_repeat(c);
		bool ok;

		if (unpriv) {
			/* The permission check comes before anything else. */
			want = (known_cmd(c->cmd) &&
				!(c->cmd == VCMP_CMD_DEV_GET && (c->flags & DUMP)))
			       ? EPERM : EOPNOTSUPP;
			if (c->flags == NLM_F_REPLACE)
				want = EINVAL;
			else
				ext = NULL;
		}
		/* As root, the repetitions before the checked request. */
		for (cur_rep = 1; !unpriv && cur_rep <= repeat; cur_rep++) {
			case_msg(&m, c);
			if (m.overflow || msg_send(&m, &r) < 0 || r.err)
				break;
		}
		if (!unpriv && cur_rep <= repeat) {
			printf("not ok %u %s # repetition %u of %u: %s \"%s\"\n",
			       i + 1, c->name, cur_rep, repeat,
			       r.err ? strerrorname_np(r.err) : "no answer", r.ext);
			failed++;
			continue;
		}
		cur_rep = repeat + 1;
		case_msg(&m, c);
		cur_rep = 0;
		if (m.overflow) {
			printf("not ok %u %s # request does not fit\n", i + 1, c->name);
			failed++;
			continue;
		}
		if (msg_send(&m, &r) < 0) {
			printf("not ok %u %s # no answer: %s\n", i + 1, c->name,
			       strerror(errno));
			failed++;
			continue;
		}
		ok = r.err == want && (!ext || strstr(r.ext, ext));
		/*
		 * A known command as a dump it does not have: 6.1 checks the
		 * permission first (EPERM), 6.2 and later the dump (EOPNOTSUPP).
		 */
		if (unpriv && want == EOPNOTSUPP && r.err == EPERM &&
		    known_cmd(c->cmd))
			ok = true;
		/* Every refusal by the family explains itself. */
		if (ok && want && want != EOPNOTSUPP && want != EPERM && !r.ext[0])
			ok = false;
		printf("%sok %u %s # %s%s%s%s\n", ok ? "" : "not ", i + 1, c->name,
		       r.err ? strerrorname_np(r.err) : "OK",
		       r.ext[0] ? " \"" : "", r.ext, r.ext[0] ? "\"" : "");
		if (!ok) {
			printf("#   want %s%s%s%s\n",
			       want ? strerrorname_np(want) : "OK",
			       ext ? " \"" : "", ext ? ext : "", ext ? "\"" : "");
			failed++;
		}
	}
	printf("# cases: %zu, passed %zu, failed %u%s\n", NCASES,
	       NCASES - failed, failed, unpriv ? " (unprivileged)" : "");
	return failed ? 1 : 0;
}

/* --- random requests ----------------------------------------------------------- */

static const int max_of_nest[] = { VCMP_A_MAX, VCMP_A_PEER_MAX,
				   VCMP_A_LINK_MAX, VCMP_A_SA_MAX,
				   VCMP_A_ALLOWED_IP_MAX, VCMP_A_CLASS_MAX,
				   VCMP_A_CLASS_LINK_MAX, VCMP_A_RULE_MAX };

#define NNESTS (sizeof(max_of_nest) / sizeof(max_of_nest[0]))

/* Random attributes, @depth levels of nests at most, @budget bytes. */
static void random_attrs(struct msg *m, int depth, int level)
{
	int n = rndn(6), i;

	if (level == 0 && rndn(10) < 8) {	/* usually name the device */
		uint32_t ifi = rndn(20) ? (uint32_t)dev_ifindex : (uint32_t)rnd();

		msg_put(m, VCMP_A_IFINDEX, &ifi, 4);
	}
	for (i = 0; i < n && m->len < BUF_SIZE - 512; i++) {
		int max = max_of_nest[rndn(NNESTS)];
		uint16_t type = rndn(10) ? 1 + rndn(max + 1) : rndn(0x10000);
		unsigned char v[80];
		unsigned int len;

		if (depth > 0 && rndn(3) == 0) {
			msg_nest(m, type | (rndn(8) ? NLA_F_NESTED : 0));
			random_attrs(m, depth - 1, level + 1);
			msg_nest_end(m);
			continue;
		}
		switch (rndn(8)) {
		case 0: len = 1; break;
		case 1: len = 2; break;
		case 2: case 3: len = 4; break;
		case 4: len = 16; break;
		case 5: len = 0; break;
		default: len = rndn(sizeof(v)); break;
		}
		for (unsigned int j = 0; j < len; j++)
			v[j] = rnd();
		if (len == 4 && rndn(2)) {	/* plausible ids, SPIs, ifindexes */
			uint32_t x;

			switch (rndn(4)) {
			case 0: x = 1 + rndn(4); break;
			case 1: x = 0x01000000 + rndn(4); break;
			case 2: x = dev_ifindex; break;
			default: x = rndn(3) ? rndn(70000) : 0xffffffff; break;
			}
			memcpy(v, &x, 4);
		}
		if (len == 2 && rndn(2)) {
			/* families, rule ids, ports, jitter delays */
			static const uint16_t u16s[] = { 2, 10, 1, 100, 200, 201,
							 5060, 0xffff };
			uint16_t x = u16s[rndn(sizeof(u16s) / sizeof(u16s[0]))];

			memcpy(v, &x, 2);
		}
		if (len == 1 && rndn(2))	/* ids, modes, roles, DSCP */
			v[0] = rndn(8) ? rndn(4) : (rndn(2) ? 15 + rndn(2) : 63 + rndn(2));
		msg_put(m, type, v, len);
	}
}

/* A well-formed random request, or a byte-mutated case of the table. */
static void random_msg(struct msg *m)
{
	uint16_t flags = NLM_F_REQUEST;
	uint8_t cmd;

	if (rndn(3) == 0) {
		const struct tcase *c = &cases[rndn(NCASES)];
		unsigned int flips = 1 + rndn(4), i;

		case_msg(m, c);
		msg_finish(m);
		for (i = 0; i < flips; i++) {
			size_t at = NLMSG_HDRLEN + GENL_HDRLEN +
				    rndn(m->len - NLMSG_HDRLEN - GENL_HDRLEN + 1);

			if (at < m->len)
				m->buf[at] ^= 1u << rndn(8);
		}
		if (rndn(8) == 0 && m->len > NLMSG_HDRLEN + GENL_HDRLEN)
			m->len -= rndn(m->len - NLMSG_HDRLEN - GENL_HDRLEN);
		m->depth = 0;
		return;
	}
	cmd = rndn(12) ? 1 + rndn(VCMP_CMD_MAX + 1) : rnd();
	if (rndn(6) == 0)
		flags |= NLM_F_DUMP;
	if (rndn(20) == 0)
		flags |= 1u << rndn(16);
	msg_init(m, family_id, flags, cmd,
		 rndn(10) ? VCMP_GENL_VERSION : rnd());
	if (rndn(30) == 0)
		((struct genlmsghdr *)(m->buf + NLMSG_HDRLEN))->reserved = rnd();
	random_attrs(m, 1 + rndn(3), 0);
}

#define NERR 140

static int run_random(unsigned long count, bool unpriv)
{
	static const int root_ok[] = {
		0, EINVAL, ERANGE, ENOENT, EEXIST, ENODEV, EOPNOTSUPP, ENOSPC,
		EMSGSIZE, EAFNOSUPPORT, E2BIG, EPERM, EBUSY,
	};
	static const int unpriv_ok[] = { EPERM, EOPNOTSUPP, EINVAL };
	unsigned long hist[NERR] = { 0 }, noext = 0, bad = 0, i;
	unsigned long sent = 0, nocheck = 0;
	/* Per known command: answers but EPERM and EOPNOTSUPP, successes. */
	unsigned long reached[VCMP_CMD_MAX + 1] = { 0 };
	unsigned long accepted[VCMP_CMD_MAX + 1] = { 0 };
	struct reply r;
	struct msg m;
	int e;

	for (i = 0; i < count; i++) {
		const int *okset = unpriv ? unpriv_ok : root_ok;
		size_t nok = unpriv ? sizeof(unpriv_ok) / sizeof(int) :
				      sizeof(root_ok) / sizeof(int);
		struct genlmsghdr *g;
		bool allowed = false, family_refusal;
		size_t k;

		random_msg(&m);
		if (m.depth)
			msg_finish(&m);
		msg_hdr(&m)->nlmsg_len = m.len;
		msg_hdr(&m)->nlmsg_seq = ++seq;
		msg_hdr(&m)->nlmsg_flags |= NLM_F_ACK;
		g = (struct genlmsghdr *)(m.buf + NLMSG_HDRLEN);
		if (xfer(m.buf, m.len, msg_hdr(&m)->nlmsg_seq, &r) < 0) {
			printf("# request %lu: no answer (%s)\n", i, strerror(errno));
			bad++;
			continue;
		}
		sent++;
		e = r.err < NERR ? r.err : NERR - 1;
		hist[e]++;
		if (known_cmd(g->cmd) && r.err != EOPNOTSUPP && r.err != EPERM) {
			reached[g->cmd]++;
			accepted[g->cmd] += !r.err;
		}
		for (k = 0; k < nok; k++)
			allowed |= r.err == okset[k];
		if (!allowed) {
			bad++;
			if (bad <= 10)
				printf("# request %lu (cmd %u): unexpected %s \"%s\"\n",
				       i, g->cmd, strerrorname_np(r.err) ?: "?", r.ext);
		}
		/*
		 * Refusals that must explain themselves: by the family (known
		 * command, not the permission check, not the generic header
		 * checks, which have no message for a short header) with
		 * errnos the family gives.
		 */
		family_refusal = r.err && r.err != EPERM && r.err != EOPNOTSUPP &&
				 known_cmd(g->cmd) && !g->reserved &&
				 r.err != ENOMEM && strcmp(r.ext, "(sendto)");
		if (family_refusal && !r.ext[0]) {
			/*
			 * The core's "Attribute failed policy validation"
			 * is given for every attribute; a NLA_FLAG with a
			 * value etc. The remaining silent refusals: the
			 * message length check of genetlink (nlmsg_len
			 * shorter than the headers) and a truncated message
			 * that netlink cuts before the family sees it.
			 */
			if (m.len < NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN ||
			    msg_hdr(&m)->nlmsg_len != m.len) {
				nocheck++;
			} else {
				noext++;
				if (noext <= 10)
					printf("# request %lu (cmd %u, %zu bytes): %s without extack message\n",
					       i, g->cmd, m.len,
					       strerrorname_np(r.err) ?: "?");
			}
		}
	}
	printf("# random requests: %lu sent, %lu answered%s; errnos:", count, sent,
	       unpriv ? " (unprivileged)" : "");
	for (e = 0; e < NERR; e++)
		if (hist[e])
			printf(" %s=%lu", e ? (strerrorname_np(e) ?: "?") : "OK",
			       hist[e]);
	printf("\n# by command (answers but EPERM and EOPNOTSUPP/accepted):");
	for (e = 1; e <= VCMP_CMD_MAX; e++)
		if (known_cmd(e))
			printf(" %s=%lu/%lu", cmd_names[e], reached[e], accepted[e]);
	printf("\n# unexpected errno: %lu, refusals without extack: %lu\n",
	       bad, noext);
	return bad || noext ? 1 : 0;
}

/* --- configuration churn ------------------------------------------------------ */

struct nlctx {
	int fd;
	uint16_t family;
	int ifindex;
};

static void ctx_use(const struct nlctx *c)
{
	nl_fd = c->fd;
	family_id = c->family;
	dev_ifindex = c->ifindex;
}

/* One request that must succeed; 0 or -1 with a message. */
static int churn_req(const struct nlctx *c, uint8_t cmd, const char *fmt, ...)
{
	char spec[512];
	struct reply r;
	struct msg m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(spec, sizeof(spec), fmt, ap);
	va_end(ap);
	ctx_use(c);
	msg_init(&m, family_id, NLM_F_REQUEST, cmd, VCMP_GENL_VERSION);
	build(&m, spec);
	if (msg_send(&m, &r) < 0 || r.err) {
		printf("# churn: cmd %u \"%s\": %s \"%s\"\n", cmd, spec,
		       r.err ? strerrorname_np(r.err) : strerror(errno), r.ext);
		return -1;
	}
	return 0;
}

static void random_key(char *hex, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned int)(rnd() & 0xff));
}

/*
 * COUNT rounds, as the busy pair of lifecycle.sh needs them: here (site
 * a, peer 2 is b) a peer 100 with a link, prefixes and an SA comes and
 * goes, a second link of peer 2 comes and goes, and a -> b is rekeyed:
 * b (the device vcmp0 of network namespace @peer_ns, its peer 1) gets
 * the new inbound SA first, then a the outbound one, then both old ones
 * go. The SPIs of a -> b start at 0x01000001.
 */
static int run_churn(unsigned long count, const char *peer_ns)
{
	struct nlctx a = { nl_fd, family_id, dev_ifindex }, b;
	uint32_t old = 0x01000001, spi;
	char key[2 * 20 + 1];
	unsigned long i;
	int fd;

	fd = open(peer_ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		perror("vcmpnlfuzz: setns");
		return 2;
	}
	close(fd);
	if (nl_open() < 0 || !(b.family = resolve_family()) ||
	    !(b.ifindex = if_nametoindex("vcmp0"))) {
		fprintf(stderr, "vcmpnlfuzz: no vcmp0 in %s\n", peer_ns);
		return 2;
	}
	b.fd = nl_fd;
	for (i = 0; i < count; i++) {
		spi = 0x01000010 + (uint32_t)(i % 0x00ffffff);
		random_key(key, 20);
		if (churn_req(&a, VCMP_CMD_PEER_NEW,
			      D "peer{ id=u32:100 suite=u32:1 allowed_ips{ 1{ family=u16:2 addr=4:10.100.0.0 cidr=u8:16 } } "
			      "links{ 1{ id=u8:1 family=u16:2 remote=4:198.51.100.100 } } }") ||
		    churn_req(&a, VCMP_CMD_SA_NEW,
			      D "sa{ peer_id=u32:100 spi=u32:%u dir=u8:1 key=x:%s }",
			      0x02000000u + (uint32_t)(i % 0xffffff), key) ||
		    churn_req(&a, VCMP_CMD_LINK_NEW,
			      D "link{ peer_id=u32:2 id=u8:2 family=u16:2 remote=4:198.51.100.2 }") ||
		    churn_req(&b, VCMP_CMD_SA_NEW,
			      D "sa{ peer_id=u32:1 spi=u32:%u dir=u8:0 key=x:%s }", spi, key) ||
		    churn_req(&a, VCMP_CMD_SA_NEW,
			      D "sa{ peer_id=u32:2 spi=u32:%u dir=u8:1 key=x:%s }", spi, key) ||
		    churn_req(&a, VCMP_CMD_SA_DEL,
			      D "sa{ peer_id=u32:2 spi=u32:%u dir=u8:1 }", old) ||
		    churn_req(&b, VCMP_CMD_SA_DEL,
			      D "sa{ peer_id=u32:1 spi=u32:%u dir=u8:0 }", old) ||
		    churn_req(&a, VCMP_CMD_LINK_DEL,
			      D "link{ peer_id=u32:2 id=u8:2 }") ||
		    churn_req(&a, VCMP_CMD_PEER_DEL, D "peer{ id=u32:100 }")) {
			printf("# churn: round %lu failed\n", i + 1);
			return 1;
		}
		old = spi;
	}
	printf("# churn: %lu rounds, %lu requests, last SPI a -> b 0x%08x\n",
	       count, count * 9, old);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vcmpnlfuzz [-i IFINDEX | -d IFNAME] [-w WAN] cases\n"
		"       vcmpnlfuzz [-i IFINDEX | -d IFNAME] unpriv\n"
		"       vcmpnlfuzz [-i IFINDEX | -d IFNAME] [-u] random COUNT [SEED]\n"
		"       vcmpnlfuzz -d vcmp0 churn COUNT /run/netns/PEER_NS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool unpriv = false;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "i:d:w:u")) != -1) {
		switch (opt) {
		case 'i':
			dev_ifindex = atoi(optarg);
			break;
		case 'd':
			dev_ifindex = if_nametoindex(optarg);
			if (!dev_ifindex) {
				fprintf(stderr, "vcmpnlfuzz: no device %s\n", optarg);
				return 2;
			}
			break;
		case 'w':
			wan_ifindex = if_nametoindex(optarg);
			break;
		case 'u':
			unpriv = true;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || !dev_ifindex)
		usage();
	if (nl_open() < 0) {
		perror("vcmpnlfuzz: netlink socket");
		return 2;
	}
	family_id = resolve_family();
	if (!family_id) {
		fprintf(stderr, "vcmpnlfuzz: no generic netlink family %s\n",
			VCMP_GENL_NAME);
		return 2;
	}
	if (!wan_ifindex)
		wan_ifindex = 1;
	if (!strcmp(argv[optind], "cases"))
		return run_cases(false);
	if (!strcmp(argv[optind], "unpriv"))
		return run_cases(true);
	if (!strcmp(argv[optind], "churn") && optind + 2 < argc)
		return run_churn(strtoul(argv[optind + 1], NULL, 0), argv[optind + 2]);
	if (!strcmp(argv[optind], "random") && optind + 1 < argc) {
		if (optind + 2 < argc)
			rng_state = strtoull(argv[optind + 2], NULL, 0) * 2654435761ULL + 1;
		return run_random(strtoul(argv[optind + 1], NULL, 0), unpriv);
	}
	usage();
	return 2;
}
