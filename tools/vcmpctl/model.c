// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - peers, links, prefixes and SAs: containers, text parsing and
 * formatting, generic netlink attributes, output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "json.h"
#include "model.h"
#include "parse.h"
#include "vcmpctl.h"

/* --- containers ----------------------------------------------------------- */

/* Make room for one more element of @size in *@v (holding @n of @*cap). */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size)
		return -1;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

struct vpeer *vpeers_add(struct vpeers *peers, uint32_t id)
{
	struct vpeer *peer;

	if (grow((void **)&peers->v, peers->n, &peers->cap, sizeof(*peer)))
		return NULL;
	peer = &peers->v[peers->n++];
	memset(peer, 0, sizeof(*peer));
	peer->id = id;
	return peer;
}

struct vpeer *vpeers_find(const struct vpeers *peers, uint32_t id)
{
	size_t i;

	for (i = 0; i < peers->n; i++)
		if (peers->v[i].id == id)
			return &peers->v[i];
	return NULL;
}

void vpeer_free(struct vpeer *peer)
{
	if (peer->sas)
		explicit_bzero(peer->sas, peer->capsas * sizeof(*peer->sas));
	free(peer->sas);
	free(peer->prefixes);
	peer->sas = NULL;
	peer->prefixes = NULL;
	peer->nsas = peer->capsas = peer->nprefixes = peer->capprefixes = 0;
}

void vpeers_free(struct vpeers *peers)
{
	size_t i;

	for (i = 0; i < peers->n; i++)
		vpeer_free(&peers->v[i]);
	free(peers->v);
	memset(peers, 0, sizeof(*peers));
}

struct vprefix *vpeer_add_prefix(struct vpeer *peer)
{
	struct vprefix *p;

	if (grow((void **)&peer->prefixes, peer->nprefixes, &peer->capprefixes,
		 sizeof(*p)))
		return NULL;
	p = &peer->prefixes[peer->nprefixes++];
	memset(p, 0, sizeof(*p));
	return p;
}

struct vsa *vpeer_add_sa(struct vpeer *peer)
{
	struct vsa *sa;

	if (grow((void **)&peer->sas, peer->nsas, &peer->capsas, sizeof(*sa)))
		return NULL;
	sa = &peer->sas[peer->nsas++];
	memset(sa, 0, sizeof(*sa));
	return sa;
}

struct vlink *vpeer_find_link(struct vpeer *peer, uint8_t id)
{
	unsigned int i;

	for (i = 0; i < peer->nlinks; i++)
		if (peer->links[i].id == id)
			return &peer->links[i];
	return NULL;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct vpeer *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_link(const void *a, const void *b)
{
	const struct vlink *x = a, *y = b;

	return x->id - y->id;
}

static int cmp_prefix(const void *a, const void *b)
{
	const struct vprefix *x = a, *y = b;
	int c;

	if (x->addr.family != y->addr.family)
		return x->addr.family == AF_INET ? -1 : 1;
	c = memcmp(x->addr.a, y->addr.a, sizeof(x->addr.a));
	return c ? c : x->cidr - y->cidr;
}

/* Links by id and prefixes by address; SAs stay newest first. */
void vpeer_sort(struct vpeer *peer)
{
	qsort(peer->links, peer->nlinks, sizeof(peer->links[0]), cmp_link);
	if (peer->nprefixes)
		qsort(peer->prefixes, peer->nprefixes,
		      sizeof(peer->prefixes[0]), cmp_prefix);
}

struct vpeer *vpeers_find_sorted(const struct vpeers *peers, uint32_t id)
{
	const struct vpeer key = { .id = id };

	if (!peers->n)
		return NULL;
	return bsearch(&key, peers->v, peers->n, sizeof(peers->v[0]), cmp_peer);
}

void vpeers_sort(struct vpeers *peers)
{
	size_t i;

	if (peers->n)
		qsort(peers->v, peers->n, sizeof(peers->v[0]), cmp_peer);
	for (i = 0; i < peers->n; i++)
		vpeer_sort(&peers->v[i]);
}

/* --- text ------------------------------------------------------------------ */

static unsigned int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int parse_addr(const char *arg, struct vaddr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, arg, addr->a) == 1) {
		addr->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, addr->a) == 1) {
		addr->family = AF_INET6;
		return 0;
	}
	pr_err("invalid address \"%s\": expected an IPv4 or IPv6 address", arg);
	return -1;
}

int parse_prefix(const char *arg, struct vprefix *p)
{
	char buf[ADDR_STRLEN + 8];
	char *slash;

	if (strlen(arg) >= sizeof(buf)) {
		pr_err("invalid prefix \"%s\"", arg);
		return -1;
	}
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (parse_addr(buf, &p->addr))
		return -1;
	/* The kernel judges the length: it knows the family's limit. */
	if (slash)
		return parse_u8("prefix length", slash + 1, &p->cidr);
	p->cidr = (uint8_t)(addr_len(p->addr.family) * 8);
	return 0;
}

int parse_prefixes(const char *arg, struct vpeer *peer)
{
	char *copy, *tok, *save = NULL;
	struct vprefix *p;
	int ret = 0;

	copy = strdup(arg);
	if (!copy) {
		pr_err("out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		p = vpeer_add_prefix(peer);
		if (!p) {
			pr_err("out of memory");
			ret = -1;
			break;
		}
		if (parse_prefix(tok, p)) {
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret;
}

int parse_endpoint(const char *arg, struct vaddr *addr, uint16_t *port)
{
	char buf[ENDPOINT_STRLEN];
	const char *colon;
	char *end;

	*port = 0;
	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	if (buf[0] == '[') {			/* [IPV6] or [IPV6]:PORT */
		end = strchr(buf, ']');
		if (!end)
			goto bad;
		*end = '\0';
		if (parse_addr(buf + 1, addr))
			return -1;
		if (addr->family != AF_INET6)
			goto bad;
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':')
			goto bad;
		return parse_port(end + 2, port);
	}
	colon = strchr(buf, ':');
	if (colon && !strchr(colon + 1, ':')) {	/* IPV4:PORT */
		buf[colon - buf] = '\0';
		if (parse_addr(buf, addr))
			return -1;
		if (addr->family != AF_INET)
			goto bad;
		return parse_port(colon + 1, port);
	}
	return parse_addr(buf, addr);		/* IPV4 or IPV6 */

bad:
	pr_err("invalid endpoint \"%s\": expected ADDR, IPV4:PORT or [IPV6]:PORT",
	       arg);
	return -1;
}

static bool is_link_option(const char *word)
{
	return !strcmp(word, "remote") || !strcmp(word, "local") ||
	       !strcmp(word, "dev") || !strcmp(word, "ifindex") ||
	       !strcmp(word, "mtu") || !strcmp(word, "bandwidth");
}

int parse_link(int argc, char **argv, struct vlink *link)
{
	bool have_remote = false, have_dev = false;
	const char *opt;
	int i;

	memset(link, 0, sizeof(*link));
	if (argc < 1) {
		pr_err("missing link id");
		return -1;
	}
	if (parse_u8("link id", argv[0], &link->id))
		return -1;
	for (i = 1; i < argc && is_link_option(argv[i]); i += 2) {
		opt = argv[i];
		if (i + 1 >= argc) {
			pr_err("missing value after \"%s\"", opt);
			return -1;
		}
		if (!strcmp(opt, "remote") && !have_remote) {
			if (parse_endpoint(argv[i + 1], &link->remote,
					   &link->port))
				return -1;
			have_remote = true;
		} else if (!strcmp(opt, "local") && !link->has_local) {
			if (parse_addr(argv[i + 1], &link->local))
				return -1;
			link->has_local = true;
		} else if (!strcmp(opt, "dev") && !have_dev) {
			if (parse_ifname(argv[i + 1]))
				return -1;
			link->ifindex = if_nametoindex(argv[i + 1]);
			if (!link->ifindex) {
				pr_err("no such device \"%s\"", argv[i + 1]);
				return -1;
			}
			have_dev = true;
		} else if (!strcmp(opt, "ifindex") && !have_dev) {
			if (parse_u32("ifindex", argv[i + 1], &link->ifindex))
				return -1;
			have_dev = true;
		} else if (!strcmp(opt, "bandwidth") && !link->bandwidth) {
			if (parse_u32("bandwidth", argv[i + 1],
				      &link->bandwidth))
				return -1;
			if (!link->bandwidth) {
				pr_err("link %u: bandwidth must not be 0",
				       link->id);
				return -1;
			}
		} else if (!strcmp(opt, "mtu") && !link->mtu) {
			if (parse_u32("mtu", argv[i + 1], &link->mtu))
				return -1;
			if (!link->mtu) {
				pr_err("link %u: mtu must not be 0", link->id);
				return -1;
			}
		} else {
			pr_err("\"%s\" given twice in link %u", opt, link->id);
			return -1;
		}
	}
	if (!have_remote) {
		pr_err("link %u: missing \"remote ADDR[:PORT]\"", link->id);
		return -1;
	}
	if (link->has_local && link->local.family != link->remote.family) {
		pr_err("link %u: local and remote addresses of different families",
		       link->id);
		return -1;
	}
	return i;
}

int parse_sa(int argc, char **argv, bool key_needed, struct vsa *sa)
{
	bool have_spi = false, have_dir = false;
	const char *w;
	int i, dir;

	memset(sa, 0, sizeof(*sa));
	for (i = 0; i < argc; i++) {
		w = argv[i];
		if (!strcmp(w, "in") || !strcmp(w, "out")) {
			if (have_dir)
				goto twice;
			dir = parse_dir(w);
			sa->dir = (unsigned int)dir;
			have_dir = true;
		} else if (key_needed && (!strcmp(w, "key") ||
					  !strcmp(w, "key-file"))) {
			if (sa->keylen)
				goto twice;
			if (++i >= argc) {
				pr_err("missing value after \"%s\"", w);
				return -1;
			}
			if (!strcmp(w, "key-file"))
				sa->keylen = read_key_file(argv[i], sa->key);
			else
				sa->keylen = parse_hex_key(argv[i], sa->key);
			if (sa->keylen < 0)
				return -1;
		} else if (!have_spi) {
			if (parse_u32("SPI", w, &sa->spi))
				return -1;
			have_spi = true;
		} else if (key_needed && !sa->keylen) {
			sa->keylen = parse_hex_key(w, sa->key);
			if (sa->keylen < 0)
				return -1;
		} else {
			pr_err("unexpected argument \"%s\"", w);
			return -1;
		}
	}
	if (!have_spi) {
		pr_err("missing SPI");
		return -1;
	}
	if (!have_dir) {
		pr_err("missing direction: \"in\" or \"out\"");
		return -1;
	}
	if (key_needed && !sa->keylen) {
		pr_err("missing key: \"key HEX\" or \"key-file PATH\"");
		return -1;
	}
	return 0;

twice:
	pr_err("\"%s\" given twice", w);
	explicit_bzero(sa->key, sizeof(sa->key));
	return -1;
}

void format_addr(const struct vaddr *addr, char *buf, size_t size)
{
	if (!inet_ntop(addr->family, addr->a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void format_endpoint(const struct vaddr *addr, uint16_t port, char *buf,
		     size_t size)
{
	char a[ADDR_STRLEN];

	format_addr(addr, a, sizeof(a));
	if (!port)
		snprintf(buf, size, "%s", a);
	else if (addr->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

void format_prefix(const struct vprefix *p, char *buf, size_t size)
{
	char a[ADDR_STRLEN];

	format_addr(&p->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, p->cidr);
}

/* Name of a link state (enum vcmp_nl_link_state). */
const char *link_state_name(unsigned int state)
{
	static const char *const names[] = {
		[VCMP_NL_LINK_INIT] = "init",
		[VCMP_NL_LINK_UP] = "up",
		[VCMP_NL_LINK_DEGRADED] = "degraded",
		[VCMP_NL_LINK_DOWN] = "down",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

/* Name of a path MTU discovery state (enum vcmp_nl_pmtud). */
const char *pmtud_name(unsigned int state)
{
	static const char *const names[] = {
		[VCMP_NL_PMTUD_OFF] = "off",
		[VCMP_NL_PMTUD_PROBING] = "probing",
		[VCMP_NL_PMTUD_SEARCHING] = "searching",
		[VCMP_NL_PMTUD_DONE] = "done",
		[VCMP_NL_PMTUD_FLOOR] = "floor",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] :
							  "unknown";
}

void format_link(const struct vlink *link, char *buf, size_t size)
{
	char ep[ENDPOINT_STRLEN], local[ADDR_STRLEN], name[IF_NAMESIZE];
	int n;

	format_endpoint(&link->remote, link->port, ep, sizeof(ep));
	n = snprintf(buf, size, "remote %s", ep);
	if (link->has_local && n >= 0 && (size_t)n < size) {
		format_addr(&link->local, local, sizeof(local));
		n += snprintf(buf + n, size - (size_t)n, " local %s", local);
	}
	if (link->ifindex && n >= 0 && (size_t)n < size) {
		if (if_indextoname(link->ifindex, name))
			n += snprintf(buf + n, size - (size_t)n, " dev %s",
				      name);
		else
			n += snprintf(buf + n, size - (size_t)n, " ifindex %u",
				      link->ifindex);
	}
	if (link->mtu && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " mtu %u", link->mtu);
	if (link->bandwidth && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " bandwidth %u",
			 link->bandwidth);
}

/* --- netlink requests ----------------------------------------------------- */

static int put_addr(struct nl_msg *msg, int type, const struct vaddr *addr)
{
	return nla_put(msg, type, (int)addr_len(addr->family), addr->a);
}

int put_link(struct nl_msg *msg, int type, uint32_t peer_id,
	     const struct vlink *link)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (!nest ||
	    (peer_id && nla_put_u32(msg, VCMP_A_LINK_PEER_ID, peer_id) < 0) ||
	    nla_put_u8(msg, VCMP_A_LINK_ID, link->id) < 0 ||
	    nla_put_u16(msg, VCMP_A_LINK_FAMILY,
			(uint16_t)link->remote.family) < 0 ||
	    put_addr(msg, VCMP_A_LINK_REMOTE, &link->remote) < 0 ||
	    (link->port &&
	     nla_put_u16(msg, VCMP_A_LINK_REMOTE_PORT, link->port) < 0) ||
	    (link->has_local &&
	     put_addr(msg, VCMP_A_LINK_LOCAL, &link->local) < 0) ||
	    (link->ifindex &&
	     nla_put_u32(msg, VCMP_A_LINK_IFINDEX, link->ifindex) < 0) ||
	    (link->mtu && nla_put_u32(msg, VCMP_A_LINK_MTU, link->mtu) < 0) ||
	    (link->bandwidth &&
	     nla_put_u32(msg, VCMP_A_LINK_BANDWIDTH, link->bandwidth) < 0))
		return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

static int put_prefix(struct nl_msg *msg, int type, const struct vprefix *p)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (!nest ||
	    nla_put_u16(msg, VCMP_A_ALLOWED_IP_FAMILY,
			(uint16_t)p->addr.family) < 0 ||
	    put_addr(msg, VCMP_A_ALLOWED_IP_ADDR, &p->addr) < 0 ||
	    nla_put_u8(msg, VCMP_A_ALLOWED_IP_CIDR, p->cidr) < 0)
		return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

int put_peer(struct nl_msg *msg, const struct vpeer *peer,
	     size_t first_prefix, size_t nprefixes, bool links)
{
	struct nlattr *nest, *list;
	size_t i;

	nest = nla_nest_start(msg, VCMP_A_PEER | NLA_F_NESTED);
	if (!nest || nla_put_u32(msg, VCMP_A_PEER_ID, peer->id) < 0 ||
	    (peer->has_segment &&
	     nla_put_u16(msg, VCMP_A_PEER_SEGMENT, peer->segment) < 0) ||
	    (peer->has_suite &&
	     nla_put_u32(msg, VCMP_A_PEER_SUITE, peer->suite) < 0) ||
	    (peer->replace &&
	     nla_put_flag(msg, VCMP_A_PEER_REPLACE_ALLOWED_IPS) < 0))
		return -1;
	if (nprefixes) {
		list = nla_nest_start(msg, VCMP_A_PEER_ALLOWED_IPS |
					   NLA_F_NESTED);
		if (!list)
			return -1;
		for (i = 0; i < nprefixes; i++)
			if (put_prefix(msg, (int)i + 1,
				       &peer->prefixes[first_prefix + i]))
				return -1;
		if (nla_nest_end(msg, list) < 0)
			return -1;
	}
	if (links && peer->nlinks) {
		list = nla_nest_start(msg, VCMP_A_PEER_LINKS | NLA_F_NESTED);
		if (!list)
			return -1;
		for (i = 0; i < peer->nlinks; i++)
			if (put_link(msg, (int)i + 1, 0, &peer->links[i]))
				return -1;
		if (nla_nest_end(msg, list) < 0)
			return -1;
	}
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

int put_sa(struct nl_msg *msg, uint32_t peer_id, const struct vsa *sa,
	   bool key)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, VCMP_A_SA | NLA_F_NESTED);
	if (!nest || nla_put_u32(msg, VCMP_A_SA_PEER_ID, peer_id) < 0 ||
	    nla_put_u32(msg, VCMP_A_SA_SPI, sa->spi) < 0 ||
	    nla_put_u8(msg, VCMP_A_SA_DIR, (uint8_t)sa->dir) < 0 ||
	    (key && nla_put(msg, VCMP_A_SA_KEY, sa->keylen, sa->key) < 0))
		return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

/* --- netlink replies and events ------------------------------------------- */

static struct nla_policy peer_policy[VCMP_A_PEER_MAX + 1] = {
	[VCMP_A_PEER_ID] = { .type = NLA_U32 },
	[VCMP_A_PEER_SEGMENT] = { .type = NLA_U16 },
	[VCMP_A_PEER_SUITE] = { .type = NLA_U32 },
	[VCMP_A_PEER_ALLOWED_IPS] = { .type = NLA_NESTED },
	[VCMP_A_PEER_LINKS] = { .type = NLA_NESTED },
	[VCMP_A_PEER_SAS] = { .type = NLA_NESTED },
	[VCMP_A_PEER_MTU] = { .type = NLA_U32 },
	[VCMP_A_PEER_EDGE_MTU] = { .type = NLA_U32 },
};

static struct nla_policy link_policy[VCMP_A_LINK_MAX + 1] = {
	[VCMP_A_LINK_PEER_ID] = { .type = NLA_U32 },
	[VCMP_A_LINK_ID] = { .type = NLA_U8 },
	[VCMP_A_LINK_FAMILY] = { .type = NLA_U16 },
	[VCMP_A_LINK_LOCAL] = { .minlen = 4, .maxlen = 16 },
	[VCMP_A_LINK_IFINDEX] = { .type = NLA_U32 },
	[VCMP_A_LINK_REMOTE] = { .minlen = 4, .maxlen = 16 },
	[VCMP_A_LINK_REMOTE_PORT] = { .type = NLA_U16 },
	[VCMP_A_LINK_MTU] = { .type = NLA_U32 },
	[VCMP_A_LINK_PACKET_MTU] = { .type = NLA_U32 },
	[VCMP_A_LINK_PATH_MTU] = { .type = NLA_U32 },
	[VCMP_A_LINK_PMTUD] = { .type = NLA_U8 },
	[VCMP_A_LINK_BANDWIDTH] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATE] = { .type = NLA_U8 },
	[VCMP_A_LINK_STATS] = { .type = NLA_NESTED },
};

static struct nla_policy link_stats_policy[VCMP_A_LINK_STATS_MAX + 1] = {
	[VCMP_A_LINK_STATS_RTT_US] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_SRTT_US] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_RTTVAR_US] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_MIN_RTT_US] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_JITTER_RX_US] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_JITTER_TX_US] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_LOSS_RX_PPM] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_LOSS_TX_PPM] = { .type = NLA_U32 },
	[VCMP_A_LINK_STATS_RATE_RX_BPS] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_RATE_TX_BPS] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_CAPACITY_RX_BPS] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_CAPACITY_TX_BPS] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_QOE_VOICE] = { .type = NLA_U8 },
	[VCMP_A_LINK_STATS_QOE_VIDEO] = { .type = NLA_U8 },
	[VCMP_A_LINK_STATS_QOE_TRANSACTIONAL] = { .type = NLA_U8 },
	[VCMP_A_LINK_STATS_RX_PACKETS] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_RX_DUPS] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_RX_REORDERED] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_PROBES_SENT] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_PROBES_ACKED] = { .type = NLA_U64 },
	[VCMP_A_LINK_STATS_SLOTS_MISSED] = { .type = NLA_U64 },
};

static uint32_t get_u32_or0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint64_t get_u64_or0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint8_t get_u8_or0(struct nlattr *a)
{
	return a ? nla_get_u8(a) : 0;
}

static int parse_link_stats(struct nlattr *nest, struct vlink_stats *s)
{
	struct nlattr *tb[VCMP_A_LINK_STATS_MAX + 1];

	if (nla_parse_nested(tb, VCMP_A_LINK_STATS_MAX, nest,
			     link_stats_policy) < 0)
		return -EBADMSG;
	s->rtt_us = get_u32_or0(tb[VCMP_A_LINK_STATS_RTT_US]);
	s->srtt_us = get_u32_or0(tb[VCMP_A_LINK_STATS_SRTT_US]);
	s->rttvar_us = get_u32_or0(tb[VCMP_A_LINK_STATS_RTTVAR_US]);
	s->min_rtt_us = get_u32_or0(tb[VCMP_A_LINK_STATS_MIN_RTT_US]);
	s->jitter_rx_us = get_u32_or0(tb[VCMP_A_LINK_STATS_JITTER_RX_US]);
	s->jitter_tx_us = get_u32_or0(tb[VCMP_A_LINK_STATS_JITTER_TX_US]);
	s->loss_rx_ppm = get_u32_or0(tb[VCMP_A_LINK_STATS_LOSS_RX_PPM]);
	s->loss_tx_ppm = get_u32_or0(tb[VCMP_A_LINK_STATS_LOSS_TX_PPM]);
	s->rate_rx_bps = get_u64_or0(tb[VCMP_A_LINK_STATS_RATE_RX_BPS]);
	s->rate_tx_bps = get_u64_or0(tb[VCMP_A_LINK_STATS_RATE_TX_BPS]);
	s->capacity_rx_bps = get_u64_or0(tb[VCMP_A_LINK_STATS_CAPACITY_RX_BPS]);
	s->capacity_tx_bps = get_u64_or0(tb[VCMP_A_LINK_STATS_CAPACITY_TX_BPS]);
	s->qoe_voice = get_u8_or0(tb[VCMP_A_LINK_STATS_QOE_VOICE]);
	s->qoe_video = get_u8_or0(tb[VCMP_A_LINK_STATS_QOE_VIDEO]);
	s->qoe_transactional =
		get_u8_or0(tb[VCMP_A_LINK_STATS_QOE_TRANSACTIONAL]);
	s->rx_packets = get_u64_or0(tb[VCMP_A_LINK_STATS_RX_PACKETS]);
	s->rx_dups = get_u64_or0(tb[VCMP_A_LINK_STATS_RX_DUPS]);
	s->rx_reordered = get_u64_or0(tb[VCMP_A_LINK_STATS_RX_REORDERED]);
	s->probes_sent = get_u64_or0(tb[VCMP_A_LINK_STATS_PROBES_SENT]);
	s->probes_acked = get_u64_or0(tb[VCMP_A_LINK_STATS_PROBES_ACKED]);
	s->slots_missed = get_u64_or0(tb[VCMP_A_LINK_STATS_SLOTS_MISSED]);
	return 0;
}

static struct nla_policy sa_policy[VCMP_A_SA_MAX + 1] = {
	[VCMP_A_SA_PEER_ID] = { .type = NLA_U32 },
	[VCMP_A_SA_SPI] = { .type = NLA_U32 },
	[VCMP_A_SA_DIR] = { .type = NLA_U8 },
};

static struct nla_policy prefix_policy[VCMP_A_ALLOWED_IP_MAX + 1] = {
	[VCMP_A_ALLOWED_IP_FAMILY] = { .type = NLA_U16 },
	[VCMP_A_ALLOWED_IP_ADDR] = { .minlen = 4, .maxlen = 16 },
	[VCMP_A_ALLOWED_IP_CIDR] = { .type = NLA_U8 },
};

/* An address attribute of @family; -EBADMSG if its length is wrong. */
static int get_addr(struct nlattr *attr, int family, struct vaddr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if ((family != AF_INET && family != AF_INET6) ||
	    nla_len(attr) != (int)addr_len(family))
		return -EBADMSG;
	addr->family = family;
	memcpy(addr->a, nla_data(attr), addr_len(family));
	return 0;
}

int parse_link_nest(struct nlattr *nest, uint32_t *peer_id,
		    struct vlink *link)
{
	struct nlattr *tb[VCMP_A_LINK_MAX + 1];
	int family;

	memset(link, 0, sizeof(*link));
	if (nla_parse_nested(tb, VCMP_A_LINK_MAX, nest, link_policy) < 0 ||
	    !tb[VCMP_A_LINK_ID])
		return -EBADMSG;
	if (peer_id)
		*peer_id = tb[VCMP_A_LINK_PEER_ID] ?
			   nla_get_u32(tb[VCMP_A_LINK_PEER_ID]) : 0;
	link->id = nla_get_u8(tb[VCMP_A_LINK_ID]);
	if (!tb[VCMP_A_LINK_FAMILY] || !tb[VCMP_A_LINK_REMOTE])
		return 0;	/* a deleted link: its id is all there is */
	family = nla_get_u16(tb[VCMP_A_LINK_FAMILY]);
	if (get_addr(tb[VCMP_A_LINK_REMOTE], family, &link->remote))
		return -EBADMSG;
	if (tb[VCMP_A_LINK_REMOTE_PORT])
		link->port = nla_get_u16(tb[VCMP_A_LINK_REMOTE_PORT]);
	if (tb[VCMP_A_LINK_LOCAL]) {
		if (get_addr(tb[VCMP_A_LINK_LOCAL], family, &link->local))
			return -EBADMSG;
		link->has_local = true;
	}
	if (tb[VCMP_A_LINK_IFINDEX])
		link->ifindex = nla_get_u32(tb[VCMP_A_LINK_IFINDEX]);
	if (tb[VCMP_A_LINK_MTU])
		link->mtu = nla_get_u32(tb[VCMP_A_LINK_MTU]);
	if (tb[VCMP_A_LINK_BANDWIDTH])
		link->bandwidth = nla_get_u32(tb[VCMP_A_LINK_BANDWIDTH]);
	if (tb[VCMP_A_LINK_PACKET_MTU])
		link->packet_mtu = nla_get_u32(tb[VCMP_A_LINK_PACKET_MTU]);
	if (tb[VCMP_A_LINK_PATH_MTU])
		link->path_mtu = nla_get_u32(tb[VCMP_A_LINK_PATH_MTU]);
	if (tb[VCMP_A_LINK_PMTUD]) {
		link->pmtud = nla_get_u8(tb[VCMP_A_LINK_PMTUD]);
		link->has_pmtud = true;
	}
	if (tb[VCMP_A_LINK_STATE]) {
		link->state = nla_get_u8(tb[VCMP_A_LINK_STATE]);
		link->has_state = true;
	}
	if (tb[VCMP_A_LINK_STATS]) {
		if (parse_link_stats(tb[VCMP_A_LINK_STATS], &link->stats))
			return -EBADMSG;
		link->has_stats = true;
	}
	return 0;
}

int parse_sa_nest(struct nlattr *nest, uint32_t *peer_id, struct vsa *sa)
{
	struct nlattr *tb[VCMP_A_SA_MAX + 1];

	memset(sa, 0, sizeof(*sa));
	if (nla_parse_nested(tb, VCMP_A_SA_MAX, nest, sa_policy) < 0 ||
	    !tb[VCMP_A_SA_SPI] || !tb[VCMP_A_SA_DIR])
		return -EBADMSG;
	if (peer_id)
		*peer_id = tb[VCMP_A_SA_PEER_ID] ?
			   nla_get_u32(tb[VCMP_A_SA_PEER_ID]) : 0;
	sa->spi = nla_get_u32(tb[VCMP_A_SA_SPI]);
	sa->dir = nla_get_u8(tb[VCMP_A_SA_DIR]);
	return 0;
}

static int parse_prefix_nest(struct nlattr *nest, struct vprefix *p)
{
	struct nlattr *tb[VCMP_A_ALLOWED_IP_MAX + 1];

	if (nla_parse_nested(tb, VCMP_A_ALLOWED_IP_MAX, nest,
			     prefix_policy) < 0 ||
	    !tb[VCMP_A_ALLOWED_IP_FAMILY] || !tb[VCMP_A_ALLOWED_IP_ADDR] ||
	    !tb[VCMP_A_ALLOWED_IP_CIDR])
		return -EBADMSG;
	p->cidr = nla_get_u8(tb[VCMP_A_ALLOWED_IP_CIDR]);
	return get_addr(tb[VCMP_A_ALLOWED_IP_ADDR],
			nla_get_u16(tb[VCMP_A_ALLOWED_IP_FAMILY]), &p->addr);
}

int parse_peer_nest(struct nlattr *nest, struct vpeers *peers)
{
	struct nlattr *tb[VCMP_A_PEER_MAX + 1], *item;
	struct vpeer *peer;
	struct vprefix *p;
	struct vsa *sa;
	uint32_t id;
	int rem, err;

	if (nla_parse_nested(tb, VCMP_A_PEER_MAX, nest, peer_policy) < 0 ||
	    !tb[VCMP_A_PEER_ID])
		return -EBADMSG;
	id = nla_get_u32(tb[VCMP_A_PEER_ID]);
	if (peers->n && peers->v[peers->n - 1].id == id)
		peer = &peers->v[peers->n - 1];
	else
		peer = vpeers_add(peers, id);
	if (!peer)
		return -ENOMEM;
	if (tb[VCMP_A_PEER_SEGMENT]) {
		peer->segment = nla_get_u16(tb[VCMP_A_PEER_SEGMENT]);
		peer->has_segment = true;
	}
	if (tb[VCMP_A_PEER_SUITE]) {
		peer->suite = nla_get_u32(tb[VCMP_A_PEER_SUITE]);
		peer->has_suite = true;
	}
	if (tb[VCMP_A_PEER_MTU] && tb[VCMP_A_PEER_EDGE_MTU]) {
		peer->mtu = nla_get_u32(tb[VCMP_A_PEER_MTU]);
		peer->edge_mtu = nla_get_u32(tb[VCMP_A_PEER_EDGE_MTU]);
		peer->has_mtu = true;
	}
	if (tb[VCMP_A_PEER_LINKS]) {
		nla_for_each_nested(item, tb[VCMP_A_PEER_LINKS], rem) {
			if (peer->nlinks == PEER_MAX_LINKS)
				return -EBADMSG;
			err = parse_link_nest(item, NULL,
					      &peer->links[peer->nlinks++]);
			if (err)
				return err;
		}
	}
	if (tb[VCMP_A_PEER_SAS]) {
		nla_for_each_nested(item, tb[VCMP_A_PEER_SAS], rem) {
			sa = vpeer_add_sa(peer);
			if (!sa)
				return -ENOMEM;
			err = parse_sa_nest(item, NULL, sa);
			if (err)
				return err;
		}
	}
	if (tb[VCMP_A_PEER_ALLOWED_IPS]) {
		nla_for_each_nested(item, tb[VCMP_A_PEER_ALLOWED_IPS], rem) {
			p = vpeer_add_prefix(peer);
			if (!p)
				return -ENOMEM;
			err = parse_prefix_nest(item, p);
			if (err)
				return err;
		}
	}
	return 0;
}

/* --- output ------------------------------------------------------------------ */

/* Loss in percent with two decimals, from parts per million. */
static void format_ppm(uint32_t ppm, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%02u%%", ppm / 10000, ppm / 100 % 100);
}

void print_link_stats_text(const struct vlink *link, const char *indent)
{
	const struct vlink_stats *s = &link->stats;
	char rx[16], tx[16];

	if (link->has_state)
		printf("%sstate: %s\n", indent, link_state_name(link->state));
	if (!link->has_stats)
		return;
	format_ppm(s->loss_rx_ppm, rx, sizeof(rx));
	format_ppm(s->loss_tx_ppm, tx, sizeof(tx));
	printf("%srtt: %u.%03u ms (last %u.%03u, var %u.%03u, min %u.%03u)\n",
	       indent, s->srtt_us / 1000, s->srtt_us % 1000,
	       s->rtt_us / 1000, s->rtt_us % 1000,
	       s->rttvar_us / 1000, s->rttvar_us % 1000,
	       s->min_rtt_us / 1000, s->min_rtt_us % 1000);
	printf("%sloss: rx %s tx %s, jitter: rx %u.%03u ms tx %u.%03u ms\n",
	       indent, rx, tx, s->jitter_rx_us / 1000, s->jitter_rx_us % 1000,
	       s->jitter_tx_us / 1000, s->jitter_tx_us % 1000);
	printf("%srate: rx %llu bit/s tx %llu bit/s, capacity: rx %llu bit/s tx %llu bit/s\n",
	       indent, (unsigned long long)s->rate_rx_bps,
	       (unsigned long long)s->rate_tx_bps,
	       (unsigned long long)s->capacity_rx_bps,
	       (unsigned long long)s->capacity_tx_bps);
	printf("%sqoe: voice %u video %u transactional %u, probes: sent %llu acked %llu, missed slots %llu\n",
	       indent, s->qoe_voice, s->qoe_video, s->qoe_transactional,
	       (unsigned long long)s->probes_sent,
	       (unsigned long long)s->probes_acked,
	       (unsigned long long)s->slots_missed);
}

void print_peer_text(const struct vpeer *peer)
{
	char buf[256];
	unsigned int i;
	size_t k;

	printf("peer: %u\n", peer->id);
	if (peer->has_segment)
		printf("  segment: %u\n", peer->segment);
	if (peer->has_suite)
		printf("  suite: %s\n", suite_name(peer->suite));
	if (peer->has_mtu)
		printf("  mtu: %u (edge %u)\n", peer->mtu, peer->edge_mtu);
	fputs("  allowed ips: ", stdout);
	for (k = 0; k < peer->nprefixes; k++) {
		format_prefix(&peer->prefixes[k], buf, sizeof(buf));
		printf("%s%s", k ? ", " : "", buf);
	}
	puts(peer->nprefixes ? "" : "(none)");
	for (i = 0; i < peer->nlinks; i++) {
		format_link(&peer->links[i], buf, sizeof(buf));
		printf("  link %u: %s\n", peer->links[i].id, buf);
		if (peer->links[i].has_pmtud)
			printf("    path mtu: %u (pmtud %s), packet mtu %u\n",
			       peer->links[i].path_mtu,
			       pmtud_name(peer->links[i].pmtud),
			       peer->links[i].packet_mtu);
		print_link_stats_text(&peer->links[i], "    ");
	}
	for (k = 0; k < peer->nsas; k++)
		printf("  sa: 0x%08x %s\n", peer->sas[k].spi,
		       dir_name(peer->sas[k].dir));
}

void print_link_json(struct json *j, const char *key, const struct vlink *link)
{
	char buf[ADDR_STRLEN], name[IF_NAMESIZE];

	json_obj_begin(j, key);
	json_uint(j, "id", link->id);
	json_str(j, "family", link->remote.family == AF_INET ? "inet" : "inet6");
	format_addr(&link->remote, buf, sizeof(buf));
	json_str(j, "remote", buf);
	json_uint(j, "remote_port", link->port);
	if (link->has_local) {
		format_addr(&link->local, buf, sizeof(buf));
		json_str(j, "local", buf);
	}
	if (link->ifindex) {
		json_uint(j, "ifindex", link->ifindex);
		if (if_indextoname(link->ifindex, name))
			json_str(j, "dev", name);
	}
	if (link->mtu)
		json_uint(j, "mtu", link->mtu);
	if (link->bandwidth)
		json_uint(j, "bandwidth", link->bandwidth);
	if (link->packet_mtu)
		json_uint(j, "packet_mtu", link->packet_mtu);
	if (link->path_mtu)
		json_uint(j, "path_mtu", link->path_mtu);
	if (link->has_pmtud)
		json_str(j, "pmtud", pmtud_name(link->pmtud));
	if (link->has_state)
		json_str(j, "state", link_state_name(link->state));
	if (link->has_stats) {
		const struct vlink_stats *s = &link->stats;

		json_obj_begin(j, "stats");
		json_uint(j, "rtt_us", s->rtt_us);
		json_uint(j, "srtt_us", s->srtt_us);
		json_uint(j, "rttvar_us", s->rttvar_us);
		json_uint(j, "min_rtt_us", s->min_rtt_us);
		json_uint(j, "jitter_rx_us", s->jitter_rx_us);
		json_uint(j, "jitter_tx_us", s->jitter_tx_us);
		json_uint(j, "loss_rx_ppm", s->loss_rx_ppm);
		json_uint(j, "loss_tx_ppm", s->loss_tx_ppm);
		json_uint(j, "rate_rx_bps", s->rate_rx_bps);
		json_uint(j, "rate_tx_bps", s->rate_tx_bps);
		json_uint(j, "capacity_rx_bps", s->capacity_rx_bps);
		json_uint(j, "capacity_tx_bps", s->capacity_tx_bps);
		json_uint(j, "rx_packets", s->rx_packets);
		json_uint(j, "rx_dups", s->rx_dups);
		json_uint(j, "rx_reordered", s->rx_reordered);
		json_uint(j, "probes_sent", s->probes_sent);
		json_uint(j, "probes_acked", s->probes_acked);
		json_uint(j, "slots_missed", s->slots_missed);
		/* Last: scripts cut a link's object at its first '}'. */
		json_obj_begin(j, "qoe");
		json_uint(j, "voice", s->qoe_voice);
		json_uint(j, "video", s->qoe_video);
		json_uint(j, "transactional", s->qoe_transactional);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_obj_end(j);
}

void print_peer_json(struct json *j, const struct vpeer *peer)
{
	char buf[ADDR_STRLEN + 8];
	unsigned int i;
	size_t k;

	json_obj_begin(j, NULL);
	json_uint(j, "id", peer->id);
	if (peer->has_segment)
		json_uint(j, "segment", peer->segment);
	if (peer->has_suite)
		json_str(j, "suite", suite_name(peer->suite));
	json_arr_begin(j, "allowed_ips");
	for (k = 0; k < peer->nprefixes; k++) {
		format_prefix(&peer->prefixes[k], buf, sizeof(buf));
		json_str(j, NULL, buf);
	}
	json_arr_end(j);
	if (peer->has_mtu) {
		json_uint(j, "mtu", peer->mtu);
		json_uint(j, "edge_mtu", peer->edge_mtu);
	}
	json_arr_begin(j, "links");
	for (i = 0; i < peer->nlinks; i++)
		print_link_json(j, NULL, &peer->links[i]);
	json_arr_end(j);
	json_arr_begin(j, "sas");
	for (k = 0; k < peer->nsas; k++) {
		json_obj_begin(j, NULL);
		json_uint(j, "spi", peer->sas[k].spi);
		json_str(j, "dir", dir_name(peer->sas[k].dir));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
