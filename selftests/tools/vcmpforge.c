// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpforge - forge underlay packets for the vcmp selftests.
 *
 *   vcmpforge icmp ...   ICMPv4 "fragmentation needed" or ICMPv6 "packet
 *                        too big" with a chosen MTU, quoting a packet given
 *                        on the command line or the next matching UDP
 *                        datagram seen on an interface (--sniff)
 *   vcmpforge frag ...   plain-mode VCMP DATA fragments from a spoofed
 *                        source address and port, one or many (a flood)
 *   vcmpforge ctl ...    plain-mode VCMP PROBE, PROBE_ACK or FEEDBACK
 *                        packets, well formed or not
 *   vcmpforge data ...   numbered plain-mode VCMP DATA packets over several
 *                        spoofed links, in a planned order (resequencing)
 *   vcmpforge udpseq ... / recv ...  a counted UDP sequence stream and its
 *                        receiver, which counts out-of-order arrivals
 *   vcmpforge ping ...   echo requests with DF that ignore the path MTU
 *                        (IP_PMTUDISC_PROBE), as "ping -M probe" of newer
 *                        iputils does; reports replies and the MTU of
 *                        frag-needed / packet-too-big answers
 *
 * Both send through raw sockets with the IP header included, so they need
 * CAP_NET_RAW and may use any source address. The VCMP headers are built
 * with the module's own codec (kernel/wire.c, compiled for userspace).
 * "vcmpforge help" prints the options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pure.h"
#include "wire.h"

#define IPV4_HDR	20
#define IPV6_HDR	40
#define UDP_HDR		8
#define ICMP_HDR	8
/* ICMPv4 errors stay within 576 bytes (RFC 1812 4.3.2.3), ICMPv6 1280. */
#define ICMP4_MAX	576
#define ICMP6_MAX	1280
#define PKT_MAX		65535

static const char *prog = "vcmpforge";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void die_errno(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

/* --- arguments ------------------------------------------------------------ */

struct addr {
	int family;		/* AF_INET or AF_INET6 */
	u8 a[16];		/* 4 or 16 bytes used */
};

static unsigned int addr_len(const struct addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static void format_addr(const struct addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family, a->a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

static void parse_addr(const char *opt, const char *arg, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, arg, a->a) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, arg, a->a) == 1)
		a->family = AF_INET6;
	else
		die("%s: \"%s\" is not an IPv4 or IPv6 address", opt, arg);
}

static unsigned long parse_num(const char *opt, const char *arg,
			       unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-')
		die("%s: \"%s\" is not a number", opt, arg);
	if (v < min || v > max)
		die("%s: %lu is out of range %lu-%lu", opt, v, min, max);
	return v;
}

/* ADDR:PORT for IPv4, [ADDR]:PORT for IPv6. */
static void parse_endpoint(const char *opt, const char *arg, struct addr *a,
			   u16 *port)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *colon, *host = buf;

	if (strlen(arg) >= sizeof(buf))
		die("%s: \"%s\" is too long", opt, arg);
	strcpy(buf, arg);
	colon = strrchr(buf, ':');
	if (!colon)
		die("%s: \"%s\": expected ADDR:PORT or [ADDR6]:PORT", opt, arg);
	*colon = '\0';
	if (buf[0] == '[') {
		if (colon == buf + 1 || colon[-1] != ']')
			die("%s: \"%s\": expected [ADDR6]:PORT", opt, arg);
		colon[-1] = '\0';
		host = buf + 1;
	}
	parse_addr(opt, host, a);
	if (a->family == AF_INET6 && host == buf)
		die("%s: \"%s\": write an IPv6 endpoint as [ADDR6]:PORT", opt,
		    arg);
	*port = (u16)parse_num(opt, colon + 1, 0, 65535);
}

/* Hex bytes ("0a1b..", spaces and colons allowed) into @out. */
static size_t parse_hex(const char *opt, const char *arg, u8 *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;
	const char *p;

	for (p = arg; *p; p++) {
		if (*p == ' ' || *p == ':')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			die("%s: '%c' is not a hex digit", opt, *p);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			die("%s: more than %zu bytes", opt, max);
		out[n++] = (u8)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		die("%s: odd number of hex digits", opt);
	return n;
}

static void same_family(const char *what, const struct addr *a,
			const struct addr *b)
{
	if (a->family != b->family)
		die("%s: IPv4 and IPv6 addresses mixed", what);
}

/* --- checksums and headers ------------------------------------------------ */

static u32 csum_add(u32 sum, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += vcmp_get_be16(p + i);
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* Checksum of an upper-layer packet @p of @len bytes with the pseudo-header. */
static u16 l4_csum(const struct addr *src, const struct addr *dst, u8 proto,
		   const u8 *p, size_t len)
{
	u32 sum = 0;

	sum = csum_add(sum, src->a, addr_len(src));
	sum = csum_add(sum, dst->a, addr_len(dst));
	sum += proto;
	sum += (u32)len;	/* IPv6: 32-bit length, < 2^16 here */
	return csum_fold(csum_add(sum, p, len));
}

/* An IPv4 or IPv6 header for @payload_len bytes of @proto at @p. */
static size_t put_ip(u8 *p, const struct addr *src, const struct addr *dst,
		     u8 proto, size_t payload_len, bool df, u16 id)
{
	if (src->family == AF_INET) {
		memset(p, 0, IPV4_HDR);
		p[0] = 0x45;
		vcmp_put_be16(p + 2, (u16)(IPV4_HDR + payload_len));
		vcmp_put_be16(p + 4, id);
		vcmp_put_be16(p + 6, df ? 0x4000 : 0);
		p[8] = 64;
		p[9] = proto;
		memcpy(p + 12, src->a, 4);
		memcpy(p + 16, dst->a, 4);
		vcmp_put_be16(p + 10, csum_fold(csum_add(0, p, IPV4_HDR)));
		return IPV4_HDR;
	}
	memset(p, 0, IPV6_HDR);
	p[0] = 0x60;
	vcmp_put_be16(p + 4, (u16)payload_len);
	p[6] = proto;
	p[7] = 64;
	memcpy(p + 8, src->a, 16);
	memcpy(p + 24, dst->a, 16);
	return IPV6_HDR;
}

static void put_udp(u8 *p, u16 sport, u16 dport, size_t len)
{
	vcmp_put_be16(p, sport);
	vcmp_put_be16(p + 2, dport);
	vcmp_put_be16(p + 4, (u16)len);
	vcmp_put_be16(p + 6, 0);
}

static int raw_socket(int family)
{
	int fd = socket(family, SOCK_RAW, IPPROTO_RAW);

	if (fd < 0)
		die_errno("socket(SOCK_RAW, IPPROTO_RAW)");
	return fd;
}

/* Send the IP packet @p (header included) to @dst; retry on ENOBUFS. */
static int send_raw(int fd, const struct addr *dst, const u8 *p, size_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int tries;

	memset(&ss, 0, sizeof(ss));
	if (dst->family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst->a, 4);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, dst->a, 16);
		sl = sizeof(*sin6);
	}
	for (tries = 0; tries < 100; tries++) {
		if (sendto(fd, p, len, 0, (struct sockaddr *)&ss, sl) ==
		    (ssize_t)len)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN)
			break;
		usleep(1000);
	}
	return -1;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* --- icmp ------------------------------------------------------------------ */

struct icmp_opts {
	struct addr to, from;
	bool have_to, have_from;
	unsigned long mtu;
	/* explicit quote */
	bool have_quote;
	struct addr qsrc, qdst;
	u16 qsport, qdport;
	long ulen;		/* -1: UDP header + payload */
	u8 payload[1024];
	size_t npayload;
	bool df;
	/* sniffed quote */
	const char *sniff;
	bool have_match;
	struct addr match_src;
	unsigned long sport, min_len, max_len, count, timeout;
};

static void icmp_usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge icmp --from ADDR [--to ADDR] --mtu N QUOTE\n"
"  Send ICMPv4 type 3 code 4 (fragmentation needed, MTU in the next-hop MTU\n"
"  field) or ICMPv6 type 2 (packet too big) from ADDR to --to, quoting an\n"
"  IPv4/IPv6 + UDP packet. --to defaults to the quoted packet's source.\n"
"  QUOTE is one of:\n"
"    --quote SRC:SPORT,DST:DPORT [--ulen N] [--payload HEX] [--no-df]\n"
"        a packet described on the command line; its IP header says UDP,\n"
"        DF (IPv4) and the length 20/40 + ulen; ulen defaults to 8 + the\n"
"        payload bytes; --payload gives the first bytes of the UDP payload\n"
"    --sniff IFNAME [--match-src ADDR] [--sport P] [--min-len N]\n"
"            [--max-len N] [--count N] [--timeout S]\n"
"        the next --count (1) UDP datagrams with source port P (2426),\n"
"        IP length in [min-len, max-len] and, with --match-src, that\n"
"        source address, seen on IFNAME (either direction); each is\n"
"        quoted as the ICMP limit allows the moment it is seen. Fails\n"
"        after --timeout seconds (10) without enough datagrams.\n"
"  Prints one line per ICMP sent.\n");
}

/* Quote at most what an ICMP error of the family may carry. */
static size_t quote_max(int family)
{
	return family == AF_INET ? ICMP4_MAX - IPV4_HDR - ICMP_HDR :
				   ICMP6_MAX - IPV6_HDR - ICMP_HDR;
}

static void icmp_send(const struct icmp_opts *o, int fd, const u8 *quote,
		      size_t qlen)
{
	static u8 pkt[ICMP6_MAX];
	const struct addr *to = &o->to;
	size_t hl, len;
	u8 *icmp;

	hl = put_ip(pkt, &o->from, to, o->from.family == AF_INET ? 1 : 58,
		    ICMP_HDR + qlen, false, 0x5a5a);
	icmp = pkt + hl;
	memset(icmp, 0, ICMP_HDR);
	if (o->from.family == AF_INET) {
		icmp[0] = 3;	/* destination unreachable */
		icmp[1] = 4;	/* fragmentation needed and DF set */
		vcmp_put_be16(icmp + 6, (u16)o->mtu);
	} else {
		icmp[0] = 2;	/* packet too big */
		vcmp_put_be32(icmp + 4, (u32)o->mtu);
	}
	memcpy(icmp + ICMP_HDR, quote, qlen);
	len = ICMP_HDR + qlen;
	if (o->from.family == AF_INET)
		vcmp_put_be16(icmp + 2, csum_fold(csum_add(0, icmp, len)));
	else
		vcmp_put_be16(icmp + 2, l4_csum(&o->from, to, 58, icmp, len));
	if (send_raw(fd, to, pkt, hl + len))
		die_errno("sendto (ICMP)");
}

/* One line describing the quoted IP + UDP packet. */
static void icmp_report(const struct icmp_opts *o, const u8 *q, size_t qlen)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], to[INET6_ADDRSTRLEN];
	struct addr a, b;
	size_t hl = o->from.family == AF_INET ? IPV4_HDR : IPV6_HDR;
	size_t i, iplen;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.family = b.family = o->from.family;
	memcpy(a.a, q + (hl == IPV4_HDR ? 12 : 8), addr_len(&a));
	memcpy(b.a, q + (hl == IPV4_HDR ? 16 : 24), addr_len(&b));
	format_addr(&a, src, sizeof(src));
	format_addr(&b, dst, sizeof(dst));
	format_addr(&o->to, to, sizeof(to));
	iplen = hl == IPV4_HDR ? vcmp_get_be16(q + 2) :
				 IPV6_HDR + vcmp_get_be16(q + 4);
	printf("icmp: %s mtu %lu to %s quoting %s%s%s.%u > %s%s%s.%u ip len %zu udp len %u payload ",
	       o->from.family == AF_INET ? "frag-needed" : "packet-too-big",
	       o->mtu, to, hl == IPV6_HDR ? "[" : "", src,
	       hl == IPV6_HDR ? "]" : "", vcmp_get_be16(q + hl),
	       hl == IPV6_HDR ? "[" : "", dst, hl == IPV6_HDR ? "]" : "",
	       vcmp_get_be16(q + hl + 2), iplen, vcmp_get_be16(q + hl + 4));
	for (i = hl + UDP_HDR; i < qlen && i < hl + UDP_HDR + 8; i++)
		printf("%02x", q[i]);
	printf(" (%zu bytes quoted)\n", qlen);
	fflush(stdout);
}

static void icmp_explicit(struct icmp_opts *o, int fd)
{
	static u8 q[ICMP6_MAX];
	size_t hl, ulen, qlen;

	same_family("--quote", &o->qsrc, &o->qdst);
	same_family("--from and --quote", &o->from, &o->qsrc);
	if (!o->have_to)
		o->to = o->qsrc;
	ulen = o->ulen >= 0 ? (size_t)o->ulen : UDP_HDR + o->npayload;
	if (ulen < UDP_HDR + o->npayload)
		die("--ulen %zu is shorter than the UDP header and payload (%zu)",
		    ulen, UDP_HDR + o->npayload);
	hl = put_ip(q, &o->qsrc, &o->qdst, 17, ulen, o->df, 0);
	put_udp(q + hl, o->qsport, o->qdport, ulen);
	memcpy(q + hl + UDP_HDR, o->payload, o->npayload);
	qlen = hl + UDP_HDR + o->npayload;
	if (qlen > quote_max(o->from.family))
		die("the quote (%zu bytes) does not fit an ICMP error (%zu)",
		    qlen, quote_max(o->from.family));
	icmp_send(o, fd, q, qlen);
	icmp_report(o, q, qlen);
}

/* Is the IP packet @p (@len bytes) a datagram --sniff wants? */
static bool sniff_match(const struct icmp_opts *o, const u8 *p, size_t len)
{
	size_t hl, iplen;
	const u8 *src;

	if (o->from.family == AF_INET) {
		if (len < IPV4_HDR + UDP_HDR || p[0] >> 4 != 4 || p[9] != 17)
			return false;
		hl = (size_t)(p[0] & 0x0f) * 4;
		iplen = vcmp_get_be16(p + 2);
		src = p + 12;
		/* a later fragment has no UDP header */
		if (hl < IPV4_HDR || (vcmp_get_be16(p + 6) & 0x1fff))
			return false;
	} else {
		if (len < IPV6_HDR + UDP_HDR || p[0] >> 4 != 6 || p[6] != 17)
			return false;
		hl = IPV6_HDR;
		iplen = IPV6_HDR + vcmp_get_be16(p + 4);
		src = p + 8;
	}
	if (len < hl + UDP_HDR || vcmp_get_be16(p + hl) != o->sport)
		return false;
	if (iplen < o->min_len || iplen > o->max_len)
		return false;
	if (o->have_match &&
	    memcmp(src, o->match_src.a, addr_len(&o->match_src)))
		return false;
	return true;
}

static void icmp_sniff(struct icmp_opts *o, int fd)
{
	static u8 buf[PKT_MAX];
	struct sockaddr_ll sll;
	unsigned long sent = 0;
	struct pollfd pfd;
	u64 deadline;
	ssize_t n;
	int ps, ms;
	bool fixed_to = o->have_to;

	ps = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (ps < 0)
		die_errno("socket(AF_PACKET)");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(o->sniff);
	if (!sll.sll_ifindex)
		die("--sniff: no interface \"%s\"", o->sniff);
	if (bind(ps, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die_errno("bind(AF_PACKET)");
	/* Ready: the caller may now make the datagram to be quoted. */
	printf("icmp: sniffing on %s\n", o->sniff);
	fflush(stdout);
	deadline = now_ns() + (u64)o->timeout * 1000000000ULL;
	while (sent < o->count) {
		u64 now = now_ns();

		if (now >= deadline) {
			fprintf(stderr, "%s: icmp: %lu of %lu datagrams seen on %s in %lu s\n",
				prog, sent, o->count, o->sniff, o->timeout);
			exit(1);
		}
		pfd.fd = ps;
		pfd.events = POLLIN;
		ms = (int)((deadline - now) / 1000000) + 1;
		if (poll(&pfd, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			die_errno("poll");
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = recv(ps, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_errno("recv(AF_PACKET)");
		}
		if (!sniff_match(o, buf, (size_t)n))
			continue;
		if (!fixed_to) {
			o->to.family = o->from.family;
			memcpy(o->to.a, buf + (o->from.family == AF_INET ? 12 : 8),
			       addr_len(&o->to));
		}
		if ((size_t)n > quote_max(o->from.family))
			n = (ssize_t)quote_max(o->from.family);
		icmp_send(o, fd, buf, (size_t)n);
		icmp_report(o, buf, (size_t)n);
		sent++;
	}
	close(ps);
}

static int cmd_icmp(int argc, char **argv)
{
	enum { O_TO = 1, O_FROM, O_MTU, O_QUOTE, O_ULEN, O_PAYLOAD, O_NODF,
	       O_SNIFF, O_MATCH, O_SPORT, O_MIN, O_MAX, O_COUNT, O_TIMEOUT };
	static const struct option lo[] = {
		{ "to", required_argument, NULL, O_TO },
		{ "from", required_argument, NULL, O_FROM },
		{ "mtu", required_argument, NULL, O_MTU },
		{ "quote", required_argument, NULL, O_QUOTE },
		{ "ulen", required_argument, NULL, O_ULEN },
		{ "payload", required_argument, NULL, O_PAYLOAD },
		{ "no-df", no_argument, NULL, O_NODF },
		{ "sniff", required_argument, NULL, O_SNIFF },
		{ "match-src", required_argument, NULL, O_MATCH },
		{ "sport", required_argument, NULL, O_SPORT },
		{ "min-len", required_argument, NULL, O_MIN },
		{ "max-len", required_argument, NULL, O_MAX },
		{ "count", required_argument, NULL, O_COUNT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct icmp_opts o;
	bool have_mtu = false;
	char *comma;
	int c, fd;

	memset(&o, 0, sizeof(o));
	o.ulen = -1;
	o.df = true;
	o.sport = 2426;
	o.max_len = PKT_MAX;
	o.count = 1;
	o.timeout = 10;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_TO:
			parse_addr("--to", optarg, &o.to);
			o.have_to = true;
			break;
		case O_FROM:
			parse_addr("--from", optarg, &o.from);
			o.have_from = true;
			break;
		case O_MTU:
			o.mtu = parse_num("--mtu", optarg, 0, U32_MAX);
			have_mtu = true;
			break;
		case O_QUOTE:
			comma = strchr(optarg, ',');
			if (!comma)
				die("--quote: expected SRC:SPORT,DST:DPORT");
			*comma = '\0';
			parse_endpoint("--quote", optarg, &o.qsrc, &o.qsport);
			parse_endpoint("--quote", comma + 1, &o.qdst, &o.qdport);
			o.have_quote = true;
			break;
		case O_ULEN:
			o.ulen = (long)parse_num("--ulen", optarg, UDP_HDR, 65535);
			break;
		case O_PAYLOAD:
			o.npayload = parse_hex("--payload", optarg, o.payload,
					       sizeof(o.payload));
			break;
		case O_NODF:
			o.df = false;
			break;
		case O_SNIFF:
			o.sniff = optarg;
			break;
		case O_MATCH:
			parse_addr("--match-src", optarg, &o.match_src);
			o.have_match = true;
			break;
		case O_SPORT:
			o.sport = parse_num("--sport", optarg, 0, 65535);
			break;
		case O_MIN:
			o.min_len = parse_num("--min-len", optarg, 0, PKT_MAX);
			break;
		case O_MAX:
			o.max_len = parse_num("--max-len", optarg, 0, PKT_MAX);
			break;
		case O_COUNT:
			o.count = parse_num("--count", optarg, 1, 1000000);
			break;
		case O_TIMEOUT:
			o.timeout = parse_num("--timeout", optarg, 1, 3600);
			break;
		case 'h':
			icmp_usage(stdout);
			return 0;
		default:
			icmp_usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("icmp: unexpected argument \"%s\"", argv[optind]);
	if (!o.have_from)
		die("icmp: --from ADDR is required");
	if (!have_mtu)
		die("icmp: --mtu N is required");
	if (o.from.family == AF_INET && o.mtu > 65535)
		die("icmp: --mtu %lu does not fit ICMPv4's 16-bit field", o.mtu);
	if (o.have_to)
		same_family("--from and --to", &o.from, &o.to);
	if (o.have_quote == !!o.sniff)
		die("icmp: give exactly one of --quote and --sniff");
	if (o.sniff && (o.ulen >= 0 || o.npayload || !o.df))
		die("icmp: --ulen, --payload and --no-df go with --quote, not --sniff");
	if (!o.sniff && (o.have_match || o.min_len || o.max_len != PKT_MAX ||
			 o.count != 1))
		die("icmp: --match-src, --min-len, --max-len and --count go with --sniff");
	if (o.have_match)
		same_family("--from and --match-src", &o.from, &o.match_src);
	if (o.min_len > o.max_len)
		die("icmp: --min-len %lu above --max-len %lu", o.min_len,
		    o.max_len);

	fd = raw_socket(o.from.family);
	if (o.sniff)
		icmp_sniff(&o, fd);
	else
		icmp_explicit(&o, fd);
	close(fd);
	return 0;
}

/* --- frag ------------------------------------------------------------------- */

struct frag_opts {
	struct addr src, dst;
	u16 sport, dport;
	unsigned long link, segment, seq;
	unsigned long id_first, id_last;
	unsigned long index, offset, len;
	bool more;
	unsigned long count, rate;
	unsigned long proto;
	/* inner IPv4 + UDP datagram the fragments are cut from */
	bool have_inner;
	struct addr isrc, idst;
	u16 isport, idport;
	unsigned long ilen;
	bool have_fill;
	u8 fill;
	bool quiet;
};

static void frag_usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge frag --src ADDR:PORT --dst ADDR:PORT --len N [options]\n"
"  Send --count plain-mode VCMP DATA packets with flag FRAG from the spoofed\n"
"  source --src to --dst (IPv6 endpoints as [ADDR]:PORT), each carrying\n"
"  bytes [offset, offset + len) of an inner packet.\n"
"  --link ID         VCMP link id (1)\n"
"  --segment N       segment id (0)\n"
"  --seq N           peer and link sequence number of the first packet,\n"
"                    +1 per packet (1)\n"
"  --id A[-B]        fragment id of the first packet (1); with a range,\n"
"                    +1 per packet, wrapping from B to A\n"
"  --index I         fragment index, 0-127 (0)\n"
"  --offset N        fragment offset (0); index 0 goes with offset 0 only\n"
"  --len N           bytes of inner packet carried (required)\n"
"  --more / --last   more fragments follow (the default) / the last one\n"
"  --count N         packets to send (1)\n"
"  --rate PPS        packets per second (0: as fast as possible)\n"
"  --proto 4|6       inner protocol (4)\n"
"  --inner-udp SRC:SPORT,DST:DPORT,LEN\n"
"                    the inner packet is an IPv4 UDP datagram of LEN payload\n"
"                    bytes (\"vcmpforge-\" repeated), UDP checksum 0;\n"
"                    without it the inner packet is a synthetic byte\n"
"                    pattern starting with the version nibble\n"
"  --fill HH         replace the carried bytes with byte HH\n"
"  --quiet           no summary line\n");
}

/* The inner packet the fragments are cut from; returns its length. */
static size_t frag_inner(const struct frag_opts *o, u8 *p, size_t max)
{
	static const char text[] = "vcmpforge-";
	size_t len, i, hl;

	if (!o->have_inner) {
		len = o->offset + o->len;
		if (len > max)
			die("frag: --offset + --len above %zu", max);
		for (i = 0; i < len; i++)
			p[i] = (u8)(i * 7 + 3);
		p[0] = o->proto == 4 ? 0x45 : 0x60;
		return len;
	}
	len = IPV4_HDR + UDP_HDR + o->ilen;
	if (len > max)
		die("frag: --inner-udp LEN too large");
	hl = put_ip(p, &o->isrc, &o->idst, 17, UDP_HDR + o->ilen, false,
		    0x1234);
	put_udp(p + hl, o->isport, o->idport, UDP_HDR + o->ilen);
	for (i = 0; i < o->ilen; i++)
		p[hl + UDP_HDR + i] = (u8)text[i % (sizeof(text) - 1)];
	if (o->offset + o->len > len)
		die("frag: bytes %lu-%lu are beyond the %zu-byte inner packet",
		    o->offset, o->offset + o->len - 1, len);
	return len;
}

static int cmd_frag(int argc, char **argv)
{
	enum { O_SRC = 1, O_DST, O_LINK, O_SEGMENT, O_SEQ, O_ID, O_INDEX,
	       O_OFFSET, O_LEN, O_MORE, O_LAST, O_COUNT, O_RATE, O_PROTO,
	       O_INNER, O_FILL, O_QUIET };
	static const struct option lo[] = {
		{ "src", required_argument, NULL, O_SRC },
		{ "dst", required_argument, NULL, O_DST },
		{ "link", required_argument, NULL, O_LINK },
		{ "segment", required_argument, NULL, O_SEGMENT },
		{ "seq", required_argument, NULL, O_SEQ },
		{ "id", required_argument, NULL, O_ID },
		{ "index", required_argument, NULL, O_INDEX },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "len", required_argument, NULL, O_LEN },
		{ "more", no_argument, NULL, O_MORE },
		{ "last", no_argument, NULL, O_LAST },
		{ "count", required_argument, NULL, O_COUNT },
		{ "rate", required_argument, NULL, O_RATE },
		{ "proto", required_argument, NULL, O_PROTO },
		{ "inner-udp", required_argument, NULL, O_INNER },
		{ "fill", required_argument, NULL, O_FILL },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static u8 inner[PKT_MAX], pkt[PKT_MAX];
	bool have_src = false, have_dst = false, have_len = false;
	bool have_more = false, have_last = false;
	size_t hl, ulen, total, inner_len;
	struct vcmp_data_hdr d;
	struct vcmp_hdr h;
	struct frag_opts o;
	unsigned long k, fails = 0, span;
	u64 t0, t;
	char *p1, *p2, *dash;
	u8 fill[1];
	int c, fd, err;

	memset(&o, 0, sizeof(o));
	o.link = 1;
	o.seq = 1;
	o.id_first = o.id_last = 1;
	o.more = true;
	o.count = 1;
	o.proto = 4;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_SRC:
			parse_endpoint("--src", optarg, &o.src, &o.sport);
			have_src = true;
			break;
		case O_DST:
			parse_endpoint("--dst", optarg, &o.dst, &o.dport);
			have_dst = true;
			break;
		case O_LINK:
			o.link = parse_num("--link", optarg, 0, 255);
			break;
		case O_SEGMENT:
			o.segment = parse_num("--segment", optarg, 0, 65535);
			break;
		case O_SEQ:
			o.seq = parse_num("--seq", optarg, 0, U32_MAX);
			break;
		case O_ID:
			dash = strchr(optarg, '-');
			if (dash)
				*dash = '\0';
			o.id_first = parse_num("--id", optarg, 0, 65535);
			o.id_last = dash ? parse_num("--id", dash + 1, 0, 65535) :
					   o.id_first;
			if (o.id_last < o.id_first)
				die("--id: range %lu-%lu is empty", o.id_first,
				    o.id_last);
			break;
		case O_INDEX:
			o.index = parse_num("--index", optarg, 0,
					    VCMP_FRAG_INDEX_MASK);
			break;
		case O_OFFSET:
			o.offset = parse_num("--offset", optarg, 0, 65535);
			break;
		case O_LEN:
			o.len = parse_num("--len", optarg, 1, 65000);
			have_len = true;
			break;
		case O_MORE:
			have_more = true;
			o.more = true;
			break;
		case O_LAST:
			have_last = true;
			o.more = false;
			break;
		case O_COUNT:
			o.count = parse_num("--count", optarg, 1, 100000000);
			break;
		case O_RATE:
			o.rate = parse_num("--rate", optarg, 0, 10000000);
			break;
		case O_PROTO:
			o.proto = parse_num("--proto", optarg, 4, 6);
			if (o.proto == 5)
				die("--proto: 4 or 6");
			break;
		case O_INNER:
			p1 = strchr(optarg, ',');
			p2 = p1 ? strchr(p1 + 1, ',') : NULL;
			if (!p2)
				die("--inner-udp: expected SRC:SPORT,DST:DPORT,LEN");
			*p1 = *p2 = '\0';
			parse_endpoint("--inner-udp", optarg, &o.isrc, &o.isport);
			parse_endpoint("--inner-udp", p1 + 1, &o.idst, &o.idport);
			if (o.isrc.family != AF_INET || o.idst.family != AF_INET)
				die("--inner-udp: IPv4 endpoints only");
			o.ilen = parse_num("--inner-udp", p2 + 1, 0, 65000);
			o.have_inner = true;
			break;
		case O_FILL:
			if (parse_hex("--fill", optarg, fill, 1) != 1)
				die("--fill: one byte in hex, e.g. 58");
			o.fill = fill[0];
			o.have_fill = true;
			break;
		case O_QUIET:
			o.quiet = true;
			break;
		case 'h':
			frag_usage(stdout);
			return 0;
		default:
			frag_usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("frag: unexpected argument \"%s\"", argv[optind]);
	if (!have_src || !have_dst)
		die("frag: --src ADDR:PORT and --dst ADDR:PORT are required");
	if (!have_len)
		die("frag: --len N is required");
	same_family("--src and --dst", &o.src, &o.dst);
	if (have_more && have_last)
		die("frag: --more and --last contradict each other");
	if (!o.index != !o.offset)
		die("frag: fragment index 0 goes with offset 0 and only with it (index %lu, offset %lu)",
		    o.index, o.offset);
	if (o.have_inner && o.proto != 4)
		die("frag: --inner-udp builds an IPv4 packet: --proto 4");

	inner_len = frag_inner(&o, inner, sizeof(inner));
	(void)inner_len;
	ulen = UDP_HDR + VCMP_OVERHEAD + o.len;
	hl = o.src.family == AF_INET ? IPV4_HDR : IPV6_HDR;
	total = hl + ulen;
	if (total > PKT_MAX)
		die("frag: a %zu-byte packet is too large", total);

	memset(&h, 0, sizeof(h));
	h.type = VCMP_TYPE_DATA;
	h.flags = VCMP_F_FRAG;
	h.link_id = (u8)o.link;
	h.segment_id = (u16)o.segment;
	memset(&d, 0, sizeof(d));
	d.proto = (u8)o.proto;
	d.frag_more = o.more;
	d.frag_index = (u8)o.index;
	d.frag_offset = (u16)o.offset;
	err = vcmp_hdr_validate(&h);
	if (err)
		die("frag: invalid VCMP header: %s", vcmp_wire_err_name(err));

	fd = raw_socket(o.src.family);
	span = o.id_last - o.id_first + 1;
	t0 = now_ns();
	for (k = 0; k < o.count; k++) {
		u8 *u, *v;

		if (o.rate) {
			u64 due = t0 + k * 1000000000ULL / o.rate;
			struct timespec ts = {
				.tv_sec = (time_t)(due / 1000000000ULL),
				.tv_nsec = (long)(due % 1000000000ULL),
			};

			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &ts, NULL) == EINTR)
				;
		}
		h.peer_seq = (u32)(o.seq + k);
		h.link_seq = (u32)(o.seq + k);
		h.tstamp = (u32)(now_ns() / 1000);
		d.frag_id = (u16)(o.id_first + k % span);

		put_ip(pkt, &o.src, &o.dst, 17, ulen, false, (u16)k);
		u = pkt + hl;
		put_udp(u, o.sport, o.dport, ulen);
		v = u + UDP_HDR;
		vcmp_hdr_encode(&h, v);
		vcmp_data_hdr_encode(&d, v + VCMP_HDR_LEN);
		if (o.have_fill)
			memset(v + VCMP_OVERHEAD, o.fill, o.len);
		else
			memcpy(v + VCMP_OVERHEAD, inner + o.offset, o.len);
		vcmp_put_be16(u + 6, l4_csum(&o.src, &o.dst, 17, u, ulen) ?: 0xffff);
		if (send_raw(fd, &o.dst, pkt, total))
			fails++;
	}
	t = now_ns() - t0;
	close(fd);
	if (!o.quiet) {
		printf("frag: sent %lu of %lu fragments (id %lu-%lu, index %lu, offset %lu, len %lu, %s) in %llu ms",
		       o.count - fails, o.count, o.id_first,
		       o.count < span ? o.id_first + o.count - 1 : o.id_last,
		       o.index, o.offset, o.len, o.more ? "more" : "last",
		       (unsigned long long)(t / 1000000));
		if (t)
			printf(", %llu pps",
			       (unsigned long long)((o.count - fails) *
						    1000000000ULL / t));
		printf("\n");
	}
	if (fails) {
		fprintf(stderr, "%s: frag: %lu sends failed: %s\n", prog, fails,
			strerror(errno));
		return 1;
	}
	return 0;
}

/* --- ctl -------------------------------------------------------------------- */

static void ctl_usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge ctl --src ADDR:PORT --dst ADDR:PORT --type T [options]\n"
"  Send --count plain-mode VCMP control packets (no data header) from the\n"
"  spoofed source --src to --dst: a link PROBE, PROBE_ACK or FEEDBACK,\n"
"  well formed or not, to test the receiver's link monitor.\n"
"  --type T          probe, probe-ack, feedback or a type number 1-7\n"
"  --link ID         VCMP link id (1)\n"
"  --seq N           link sequence number of the first packet (1)\n"
"  --echo N          set flag ECHO with echo value N\n"
"  --flags N         more VCMP header flags (e.g. 4, FEC, for type 6,\n"
"                    FEC_PARITY)\n"
"  --fec-index N     the header's FEC index (0)\n"
"  --payload HEX     the bytes after the VCMP header; default: a valid\n"
"                    one for the type (probe id 1; an empty report)\n"
"  --count N         packets to send (1)\n"
"  --quiet           no summary line\n");
}

static int cmd_ctl(int argc, char **argv)
{
	enum { O_SRC = 1, O_DST, O_TYPE, O_LINK, O_SEQ, O_ECHO, O_PAYLOAD,
	       O_COUNT, O_QUIET, O_FLAGS, O_FEC_INDEX };
	static const struct option lo[] = {
		{ "src", required_argument, NULL, O_SRC },
		{ "dst", required_argument, NULL, O_DST },
		{ "type", required_argument, NULL, O_TYPE },
		{ "link", required_argument, NULL, O_LINK },
		{ "seq", required_argument, NULL, O_SEQ },
		{ "echo", required_argument, NULL, O_ECHO },
		{ "flags", required_argument, NULL, O_FLAGS },
		{ "fec-index", required_argument, NULL, O_FEC_INDEX },
		{ "payload", required_argument, NULL, O_PAYLOAD },
		{ "count", required_argument, NULL, O_COUNT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static u8 pkt[PKT_MAX], payload[1024];
	struct addr src, dst;
	u16 sport = 0, dport = 0;
	unsigned long link = 1, seq = 1, count = 1, k, fails = 0;
	unsigned long type = 0, echo = 0, flags = 0, fec_index = 0;
	bool have_src = false, have_dst = false, have_echo = false;
	bool have_payload = false, quiet = false;
	size_t npayload = 0, hl, ulen, total;
	struct vcmp_hdr h;
	int c, fd;
	u8 *u, *v;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_SRC:
			parse_endpoint("--src", optarg, &src, &sport);
			have_src = true;
			break;
		case O_DST:
			parse_endpoint("--dst", optarg, &dst, &dport);
			have_dst = true;
			break;
		case O_TYPE:
			if (!strcmp(optarg, "probe"))
				type = VCMP_TYPE_PROBE;
			else if (!strcmp(optarg, "probe-ack"))
				type = VCMP_TYPE_PROBE_ACK;
			else if (!strcmp(optarg, "feedback"))
				type = VCMP_TYPE_FEEDBACK;
			else
				type = parse_num("--type", optarg, 1,
						 VCMP_TYPE_MAX);
			break;
		case O_LINK:
			link = parse_num("--link", optarg, 0, 255);
			break;
		case O_SEQ:
			seq = parse_num("--seq", optarg, 0, U32_MAX);
			break;
		case O_ECHO:
			echo = parse_num("--echo", optarg, 0, U32_MAX);
			have_echo = true;
			break;
		case O_FLAGS:
			flags = parse_num("--flags", optarg, 0, 255);
			break;
		case O_FEC_INDEX:
			fec_index = parse_num("--fec-index", optarg, 0, 255);
			break;
		case O_PAYLOAD:
			npayload = parse_hex("--payload", optarg, payload,
					     sizeof(payload));
			have_payload = true;
			break;
		case O_COUNT:
			count = parse_num("--count", optarg, 1, 100000000);
			break;
		case O_QUIET:
			quiet = true;
			break;
		case 'h':
			ctl_usage(stdout);
			return 0;
		default:
			ctl_usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("ctl: unexpected argument \"%s\"", argv[optind]);
	if (!have_src || !have_dst || !type)
		die("ctl: --src, --dst and --type are required");
	same_family("--src and --dst", &src, &dst);
	if (!have_payload) {
		memset(payload, 0, sizeof(payload));
		if (type == VCMP_TYPE_FEEDBACK) {
			npayload = 24;	/* report version 1, all zero */
			payload[0] = 1;
		} else {
			npayload = 8;	/* probe id 1, reserved 0 */
			payload[3] = 1;
		}
	}
	memset(&h, 0, sizeof(h));
	h.type = (u8)type;
	h.link_id = (u8)link;
	h.flags = (u8)flags;
	h.fec_index = (u8)fec_index;
	if (have_echo) {
		h.flags |= VCMP_F_ECHO;
		h.echo = (u32)echo;
	}
	hl = src.family == AF_INET ? IPV4_HDR : IPV6_HDR;
	ulen = UDP_HDR + VCMP_HDR_LEN + npayload;
	total = hl + ulen;
	fd = raw_socket(src.family);
	for (k = 0; k < count; k++) {
		h.peer_seq = (u32)(seq + k);
		h.link_seq = (u32)(seq + k);
		h.tstamp = (u32)(now_ns() / 1000);
		put_ip(pkt, &src, &dst, 17, ulen, false, (u16)k);
		u = pkt + hl;
		put_udp(u, sport, dport, ulen);
		v = u + UDP_HDR;
		vcmp_hdr_encode(&h, v);
		memcpy(v + VCMP_HDR_LEN, payload, npayload);
		vcmp_put_be16(u + 6, l4_csum(&src, &dst, 17, u, ulen) ?: 0xffff);
		if (send_raw(fd, &dst, pkt, total))
			fails++;
	}
	close(fd);
	if (!quiet)
		printf("ctl: sent %lu of %lu type-%lu packets, %zu payload bytes\n",
		       count - fails, count, type, npayload);
	if (fails) {
		fprintf(stderr, "%s: ctl: %lu sends failed: %s\n", prog, fails,
			strerror(errno));
		return 1;
	}
	return 0;
}

/* --- ping ------------------------------------------------------------------- */

static void ping_usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge ping --to ADDR --size N [--count N] [--interval MS]\n"
"                      [--wait S]\n"
"  Send --count (3) ICMP / ICMPv6 echo requests of --size bytes (the whole\n"
"  IP packet, 28 / 48 bytes and up) to ADDR, --interval ms (300) apart,\n"
"  with DF (IPv4) and without heeding the path MTU the kernel learned\n"
"  (IP_PMTUDISC_PROBE / IPV6_PMTUDISC_PROBE): each packet leaves whole\n"
"  as long as it fits the device. Prints one line per answer:\n"
"    seq N: reply, B bytes\n"
"    seq N: frag-needed mtu = M       (IPv4)\n"
"    seq N: packet too big mtu = M    (IPv6)\n"
"  and waits --wait s (2) after the last request for late answers, then\n"
"  prints \"T packets transmitted, R received\". Exit 0 if any reply came.\n");
}

/* The sequence number of our echo request quoted at @q (IP header first). */
static int ping_quoted_seq(int family, const u8 *q, size_t len, u16 id)
{
	size_t hl;

	if (family == AF_INET) {
		if (len < IPV4_HDR || q[9] != 1)
			return -1;
		hl = (size_t)(q[0] & 0x0f) * 4;
		if (len < hl + 8 || q[hl] != 8 || vcmp_get_be16(q + hl + 4) != id)
			return -1;
	} else {
		hl = IPV6_HDR;
		if (len < hl + 8 || q[6] != 58 || q[hl] != 128 ||
		    vcmp_get_be16(q + hl + 4) != id)
			return -1;
	}
	return vcmp_get_be16(q + hl + 6);
}

/* Handle one ICMP message @m of @len bytes; returns 1 for a reply. */
static int ping_answer(int family, const u8 *m, size_t len, u16 id)
{
	int seq;

	if (len < 8)
		return 0;
	if ((family == AF_INET && m[0] == 0) ||
	    (family == AF_INET6 && m[0] == 129)) {
		if (vcmp_get_be16(m + 4) != id)
			return 0;
		printf("seq %u: reply, %zu bytes\n", vcmp_get_be16(m + 6),
		       len + (family == AF_INET ? IPV4_HDR : IPV6_HDR));
		fflush(stdout);
		return 1;
	}
	if (family == AF_INET && m[0] == 3 && m[1] == 4) {
		seq = ping_quoted_seq(family, m + 8, len - 8, id);
		if (seq >= 0)
			printf("seq %d: frag-needed mtu = %u\n", seq,
			       vcmp_get_be16(m + 6));
	} else if (family == AF_INET6 && m[0] == 2) {
		seq = ping_quoted_seq(family, m + 8, len - 8, id);
		if (seq >= 0)
			printf("seq %d: packet too big mtu = %u\n", seq,
			       vcmp_get_be32(m + 4));
	}
	fflush(stdout);
	return 0;
}

static int cmd_ping(int argc, char **argv)
{
	enum { O_TO = 1, O_SIZE, O_COUNT, O_INTERVAL, O_WAIT };
	static const struct option lo[] = {
		{ "to", required_argument, NULL, O_TO },
		{ "size", required_argument, NULL, O_SIZE },
		{ "count", required_argument, NULL, O_COUNT },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static u8 buf[PKT_MAX], req[PKT_MAX];
	unsigned long size = 0, count = 3, interval = 300, wait_s = 2, k = 0;
	unsigned long received = 0;
	struct sockaddr_storage ss;
	struct pollfd pfd;
	struct addr to;
	bool have_to = false;
	u64 next, end = 0;
	size_t hl, len, i;
	socklen_t sl;
	int c, fd, val, ms;
	ssize_t n;
	u16 id;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_TO:
			parse_addr("--to", optarg, &to);
			have_to = true;
			break;
		case O_SIZE:
			size = parse_num("--size", optarg, 1, PKT_MAX);
			break;
		case O_COUNT:
			count = parse_num("--count", optarg, 1, 100000);
			break;
		case O_INTERVAL:
			interval = parse_num("--interval", optarg, 0, 60000);
			break;
		case O_WAIT:
			wait_s = parse_num("--wait", optarg, 0, 600);
			break;
		case 'h':
			ping_usage(stdout);
			return 0;
		default:
			ping_usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("ping: unexpected argument \"%s\"", argv[optind]);
	if (!have_to || !size)
		die("ping: --to ADDR and --size N are required");
	hl = to.family == AF_INET ? IPV4_HDR : IPV6_HDR;
	if (size < hl + 8)
		die("ping: --size %lu is below the IP and ICMP headers (%zu)",
		    size, hl + 8);
	len = size - hl;

	memset(&ss, 0, sizeof(ss));
	if (to.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		if (fd < 0)
			die_errno("socket(SOCK_RAW, IPPROTO_ICMP)");
		val = IP_PMTUDISC_PROBE;
		if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &val, sizeof(val)))
			die_errno("setsockopt(IP_MTU_DISCOVER)");
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, to.a, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
		if (fd < 0)
			die_errno("socket(SOCK_RAW, IPPROTO_ICMPV6)");
		val = IPV6_PMTUDISC_PROBE;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &val,
			       sizeof(val)))
			die_errno("setsockopt(IPV6_MTU_DISCOVER)");
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, to.a, 16);
		sl = sizeof(*sin6);
	}
	id = (u16)getpid();
	for (i = 8; i < len; i++)
		req[i] = (u8)i;
	printf("PING %lu-byte packets, DF, path MTU ignored\n", size);
	next = now_ns();
	for (;;) {
		u64 now = now_ns();

		if (k < count && now >= next) {
			req[0] = to.family == AF_INET ? 8 : 128;
			req[1] = 0;
			vcmp_put_be16(req + 2, 0);
			vcmp_put_be16(req + 4, id);
			vcmp_put_be16(req + 6, (u16)(k + 1));
			if (to.family == AF_INET)
				vcmp_put_be16(req + 2, csum_fold(csum_add(0, req, len)));
			/* the kernel checksums ICMPv6 for raw sockets */
			if (sendto(fd, req, len, 0, (struct sockaddr *)&ss, sl) < 0)
				printf("seq %lu: send: %s\n", k + 1, strerror(errno));
			k++;
			next += interval * 1000000ULL;
			if (k == count)
				end = now + wait_s * 1000000000ULL;
			continue;
		}
		if (k == count && now >= end)
			break;
		ms = (int)(((k < count ? next : end) - now) / 1000000) + 1;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) <= 0 || !(pfd.revents & POLLIN))
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			continue;
		if (to.family == AF_INET) {
			size_t ihl = (size_t)(buf[0] & 0x0f) * 4;

			if ((size_t)n > ihl)
				received += ping_answer(AF_INET, buf + ihl,
							(size_t)n - ihl, id);
		} else {
			received += ping_answer(AF_INET6, buf, (size_t)n, id);
		}
	}
	close(fd);
	printf("%lu packets transmitted, %lu received\n", count, received);
	return received ? 0 : 1;
}

/* --- data ------------------------------------------------------------------ */

#define DATA_MAX_SRC	4
#define TAG_LEN		4	/* big-endian sequence tag opening a payload */

static void data_usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge data --src ADDR:PORT [--src ...] --dst ADDR:PORT\n"
"                      --inner SRC:SPORT,DST:DPORT --plan PLAN [options]\n"
"  Send plain-mode VCMP DATA packets (no fragments), each an inner IPv4\n"
"  UDP datagram whose payload opens with its peer sequence number (4 bytes,\n"
"  big endian; see \"vcmpforge recv\"), from spoofed underlay sources.\n"
"  --src ADDR:PORT   underlay source of a link, up to %d; the Nth --src is\n"
"                    link N-1 of the plan\n"
"  --link ID         VCMP link id of the Nth --src (default: N)\n"
"  --dst ADDR:PORT   destination; given again, the Nth --dst goes with the\n"
"                    Nth --src (the last one for the --src after it)\n"
"  --spray N         instead of --plan: numbers 1 to N, number k from --src\n"
"                    (k - 1) modulo the number of --src (round robin)\n"
"  --rate PPS        with --spray: packets per second (0: at once)\n"
"  --first N         with --spray: the first number (1)\n"
"  --plan PLAN       comma-separated steps, in order:\n"
"                      I:A[-B][d][f]  send peer sequence numbers A to B\n"
"                                  (or A) from --src number I (from 0);\n"
"                                  with d flag DUP is set, with f flag FEC\n"
"                                  (FEC index 0: each a group of its own)\n"
"                      +MS         wait MS milliseconds\n"
"  --len N           UDP payload bytes of the inner datagram (%d-1400, 64)\n"
"  --segment N       segment id (0)\n"
"  --quiet           no summary line\n", DATA_MAX_SRC, TAG_LEN);
}

struct data_ctx {
	struct addr src[DATA_MAX_SRC], dst[DATA_MAX_SRC], isrc, idst;
	u16 sport[DATA_MAX_SRC], dport[DATA_MAX_SRC], isport, idport;
	unsigned long link[DATA_MAX_SRC];
	unsigned int nsrc;
	unsigned long len, segment;
	u32 link_seq[DATA_MAX_SRC];
	int fd;
	unsigned long sent, fails;
};

/* @flags: VCMP_F_DUP, VCMP_F_FEC (FEC index 0: a group of its own) */
static void data_send(struct data_ctx *c, unsigned int i, u32 seq, u8 flags)
{
	static u8 pkt[PKT_MAX];
	struct vcmp_data_hdr d = { .proto = VCMP_PROTO_IPV4 };
	struct vcmp_hdr h = {
		.type = VCMP_TYPE_DATA,
		.flags = flags,
		.link_id = (u8)c->link[i],
		.segment_id = (u16)c->segment,
		.peer_seq = seq,
		.link_seq = ++c->link_seq[i],
		.tstamp = (u32)(now_ns() / 1000),
	};
	size_t ilen = IPV4_HDR + UDP_HDR + c->len;
	size_t ulen = UDP_HDR + VCMP_OVERHEAD + ilen;
	size_t hl, k;
	u8 *u, *v, *in;

	hl = put_ip(pkt, &c->src[i], &c->dst[i], 17, ulen, false, (u16)seq);
	u = pkt + hl;
	put_udp(u, c->sport[i], c->dport[i], ulen);
	v = u + UDP_HDR;
	vcmp_hdr_encode(&h, v);
	vcmp_data_hdr_encode(&d, v + VCMP_HDR_LEN);
	in = v + VCMP_OVERHEAD;
	put_ip(in, &c->isrc, &c->idst, 17, UDP_HDR + c->len, false,
	       (u16)seq);
	put_udp(in + IPV4_HDR, c->isport, c->idport, UDP_HDR + c->len);
	vcmp_put_be32(in + IPV4_HDR + UDP_HDR, seq);
	for (k = TAG_LEN; k < c->len; k++)
		in[IPV4_HDR + UDP_HDR + k] = (u8)k;
	vcmp_put_be16(in + IPV4_HDR + 6,
		      l4_csum(&c->isrc, &c->idst, 17, in + IPV4_HDR,
			      UDP_HDR + c->len) ?: 0xffff);
	vcmp_put_be16(u + 6, l4_csum(&c->src[i], &c->dst[i], 17, u, ulen) ?: 0xffff);
	if (send_raw(c->fd, &c->dst[i], pkt, hl + ulen))
		c->fails++;
	else
		c->sent++;
}

/* One step of a plan, "I:A[-B][d][f]" or "+MS". */
static void data_step(struct data_ctx *c, char *step)
{
	unsigned long i, a, b, ms;
	char *colon, *dash;
	u8 flags = 0;
	size_t n;
	u32 s;

	if (step[0] == '+') {
		ms = parse_num("--plan +MS", step + 1, 0, 600000);
		usleep((useconds_t)ms * 1000);
		return;
	}
	colon = strchr(step, ':');
	if (!colon)
		die("--plan: step \"%s\": expected I:A[-B][d][f] or +MS", step);
	*colon = '\0';
	i = parse_num("--plan source", step, 0, c->nsrc - 1);
	for (n = strlen(colon + 1); n; n--) {
		if (colon[n] == 'd')
			flags |= VCMP_F_DUP;
		else if (colon[n] == 'f')
			flags |= VCMP_F_FEC;
		else
			break;
		colon[n] = '\0';
	}
	dash = strchr(colon + 1, '-');
	if (dash)
		*dash = '\0';
	a = parse_num("--plan sequence", colon + 1, 0, U32_MAX);
	b = dash ? parse_num("--plan sequence", dash + 1, 0, U32_MAX) : a;
	if (b < a)
		die("--plan: range %lu-%lu is empty", a, b);
	for (s = (u32)a;; s++) {
		data_send(c, (unsigned int)i, s, flags);
		if (s == (u32)b)
			break;
	}
}

static int cmd_data(int argc, char **argv)
{
	enum { O_SRC = 1, O_LINK, O_DST, O_INNER, O_PLAN, O_LEN, O_SEGMENT,
	       O_QUIET, O_SPRAY, O_RATE, O_FIRST };
	static const struct option lo[] = {
		{ "src", required_argument, NULL, O_SRC },
		{ "link", required_argument, NULL, O_LINK },
		{ "dst", required_argument, NULL, O_DST },
		{ "inner", required_argument, NULL, O_INNER },
		{ "plan", required_argument, NULL, O_PLAN },
		{ "spray", required_argument, NULL, O_SPRAY },
		{ "rate", required_argument, NULL, O_RATE },
		{ "first", required_argument, NULL, O_FIRST },
		{ "len", required_argument, NULL, O_LEN },
		{ "segment", required_argument, NULL, O_SEGMENT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct data_ctx c;
	unsigned int nlink = 0, ndst = 0, i;
	unsigned long spray = 0, rate = 0, first = 1, k;
	bool have_inner = false, quiet = false;
	char *plan = NULL, *step, *save, *p1;
	int ch;

	memset(&c, 0, sizeof(c));
	c.len = 64;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case O_SRC:
			if (c.nsrc == DATA_MAX_SRC)
				die("data: at most %d --src", DATA_MAX_SRC);
			parse_endpoint("--src", optarg, &c.src[c.nsrc],
				       &c.sport[c.nsrc]);
			c.nsrc++;
			break;
		case O_LINK:
			if (nlink == DATA_MAX_SRC)
				die("data: at most %d --link", DATA_MAX_SRC);
			c.link[nlink++] = parse_num("--link", optarg, 0, 255);
			break;
		case O_DST:
			if (ndst == DATA_MAX_SRC)
				die("data: at most %d --dst", DATA_MAX_SRC);
			parse_endpoint("--dst", optarg, &c.dst[ndst],
				       &c.dport[ndst]);
			ndst++;
			break;
		case O_SPRAY:
			spray = parse_num("--spray", optarg, 1, 100000000);
			break;
		case O_RATE:
			rate = parse_num("--rate", optarg, 0, 10000000);
			break;
		case O_FIRST:
			first = parse_num("--first", optarg, 0, U32_MAX);
			break;
		case O_INNER:
			p1 = strchr(optarg, ',');
			if (!p1)
				die("--inner: expected SRC:SPORT,DST:DPORT");
			*p1 = '\0';
			parse_endpoint("--inner", optarg, &c.isrc, &c.isport);
			parse_endpoint("--inner", p1 + 1, &c.idst, &c.idport);
			if (c.isrc.family != AF_INET || c.idst.family != AF_INET)
				die("--inner: IPv4 endpoints only");
			have_inner = true;
			break;
		case O_PLAN:
			plan = optarg;
			break;
		case O_LEN:
			c.len = parse_num("--len", optarg, TAG_LEN, 1400);
			break;
		case O_SEGMENT:
			c.segment = parse_num("--segment", optarg, 0, 65535);
			break;
		case O_QUIET:
			quiet = true;
			break;
		case 'h':
			data_usage(stdout);
			return 0;
		default:
			data_usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("data: unexpected argument \"%s\"", argv[optind]);
	if (!c.nsrc || !ndst || !have_inner || !plan == !spray)
		die("data: --src, --dst, --inner and --plan or --spray are required");
	for (i = 0; i < c.nsrc; i++) {
		if (i >= ndst) {
			c.dst[i] = c.dst[ndst - 1];
			c.dport[i] = c.dport[ndst - 1];
		}
		same_family("--src and --dst", &c.src[i], &c.dst[i]);
		same_family("--src", &c.src[i], &c.src[0]);
		if (i >= nlink)
			c.link[i] = i + 1;
	}
	c.fd = raw_socket(c.dst[0].family);
	for (step = plan ? strtok_r(plan, ", ", &save) : NULL; step;
	     step = strtok_r(NULL, ", ", &save))
		data_step(&c, step);
	if (spray) {
		u64 t0 = now_ns();

		for (k = 1; k <= spray; k++) {
			if (rate) {
				u64 due = t0 + (k - 1) * 1000000000ULL / rate;
				struct timespec ts = {
					.tv_sec = (time_t)(due / 1000000000ULL),
					.tv_nsec = (long)(due % 1000000000ULL),
				};

				while (clock_nanosleep(CLOCK_MONOTONIC,
						       TIMER_ABSTIME, &ts,
						       NULL) == EINTR)
					;
			}
			data_send(&c, (unsigned int)((k - 1) % c.nsrc),
				  (u32)(first + k - 1), 0);
		}
	}
	close(c.fd);
	if (!quiet)
		printf("data: sent %lu packets, %lu failed\n", c.sent, c.fails);
	return c.fails ? 1 : 0;
}

/* --- udpseq / recv ------------------------------------------------------- */

static void udpseq_usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge udpseq --to ADDR:PORT --count N [--rate PPS] [--len N]\n"
"  Send N UDP datagrams through the ordinary stack, the Nth opening with\n"
"  N (4 bytes, big endian, from 1): a counted sequence stream for\n"
"  \"vcmpforge recv\". --rate 0 (default) sends as fast as possible;\n"
"  --len is the payload size (%d-1400, 64).\n"
"usage: vcmpforge recv --port N --count N [--timeout-ms MS] [--list]\n"
"  Receive datagrams that open with a sequence number on UDP port N (any\n"
"  address) until N arrived or nothing came for MS ms (default 3000);\n"
"  print how many arrived, how many were out of order (a number lower\n"
"  than one already seen), duplicates, and with --list each number in\n"
"  arrival order.\n", TAG_LEN);
}

static int udp_socket_for(const struct addr *a)
{
	int fd = socket(a->family, SOCK_DGRAM, 0);

	if (fd < 0)
		die_errno("socket(SOCK_DGRAM)");
	return fd;
}

static int cmd_udpseq(int argc, char **argv)
{
	enum { O_TO = 1, O_COUNT, O_RATE, O_LEN };
	static const struct option lo[] = {
		{ "to", required_argument, NULL, O_TO },
		{ "count", required_argument, NULL, O_COUNT },
		{ "rate", required_argument, NULL, O_RATE },
		{ "len", required_argument, NULL, O_LEN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, rate = 0, len = 64, k, fails = 0;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	bool have_to = false;
	static u8 buf[1400];
	struct addr to;
	socklen_t sl;
	u16 port;
	u64 t0;
	int ch, fd;

	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case O_TO:
			parse_endpoint("--to", optarg, &to, &port);
			have_to = true;
			break;
		case O_COUNT:
			count = parse_num("--count", optarg, 1, 100000000);
			break;
		case O_RATE:
			rate = parse_num("--rate", optarg, 0, 10000000);
			break;
		case O_LEN:
			len = parse_num("--len", optarg, TAG_LEN, sizeof(buf));
			break;
		case 'h':
			udpseq_usage(stdout);
			return 0;
		default:
			udpseq_usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !have_to || !count)
		die("udpseq: --to ADDR:PORT and --count N are required");
	memset(&ss, 0, sizeof(ss));
	if (to.family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, to.a, 4);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, to.a, 16);
		sl = sizeof(*sin6);
	}
	fd = udp_socket_for(&to);
	memset(buf, 'x', sizeof(buf));
	t0 = now_ns();
	for (k = 1; k <= count; k++) {
		if (rate) {
			u64 due = t0 + (k - 1) * 1000000000ULL / rate;
			struct timespec ts = {
				.tv_sec = (time_t)(due / 1000000000ULL),
				.tv_nsec = (long)(due % 1000000000ULL),
			};

			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &ts, NULL) == EINTR)
				;
		}
		vcmp_put_be32(buf, (u32)k);
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl) !=
		    (ssize_t)len)
			fails++;
	}
	close(fd);
	printf("udpseq: sent %lu, failed %lu\n", count - fails, fails);
	return fails == count ? 1 : 0;
}

static int cmd_recv(int argc, char **argv)
{
	enum { O_PORT = 1, O_COUNT, O_TIMEOUT, O_LIST };
	static const struct option lo[] = {
		{ "port", required_argument, NULL, O_PORT },
		{ "count", required_argument, NULL, O_COUNT },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "list", no_argument, NULL, O_LIST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long port = 0, count = 0, timeout = 3000;
	unsigned long got = 0, ooo = 0, dups = 0;
	struct sockaddr_in6 sin6;
	bool list = false, any = false;
	static u8 seen[1 << 20];	/* one bit per number below 2^23 */
	u8 buf[2048];
	u32 max = 0, s;
	struct pollfd pfd;
	ssize_t n;
	int ch, fd, off = 0, rcvbuf = 8 << 20;

	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case O_PORT:
			port = parse_num("--port", optarg, 1, 65535);
			break;
		case O_COUNT:
			count = parse_num("--count", optarg, 1, 100000000);
			break;
		case O_TIMEOUT:
			timeout = parse_num("--timeout-ms", optarg, 1, 3600000);
			break;
		case O_LIST:
			list = true;
			break;
		case 'h':
			udpseq_usage(stdout);
			return 0;
		default:
			udpseq_usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !port || !count)
		die("recv: --port N and --count N are required");
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die_errno("socket(AF_INET6, SOCK_DGRAM)");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((u16)port);
	/* Bursts from a resequencing buffer must not overflow the socket. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)))
		die_errno("bind");
	printf("recv: listening on port %lu\n", port);
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < count) {
		if (poll(&pfd, 1, (int)timeout) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < TAG_LEN)
			continue;
		s = vcmp_get_be32(buf);
		got++;
		if (list) {
			printf("%u\n", s);
			fflush(stdout);
		}
		if (s < (1U << 23) && (seen[s / 8] & (1U << (s % 8)))) {
			dups++;
			continue;
		}
		if (s < (1U << 23))
			seen[s / 8] |= (u8)(1U << (s % 8));
		if (any && s < max)
			ooo++;
		if (!any || s > max)
			max = s;
		any = true;
	}
	close(fd);
	printf("recv: got %lu, out_of_order %lu, dups %lu, max %u\n", got, ooo,
	       dups, max);
	return 0;
}

/* --- main ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"usage: vcmpforge icmp OPTIONS   forged ICMP frag-needed / packet too big\n"
"       vcmpforge frag OPTIONS   forged plain VCMP DATA fragments\n"
"       vcmpforge ctl OPTIONS    forged plain VCMP probes and feedback\n"
"       vcmpforge ping OPTIONS   DF echo requests that ignore the path MTU\n"
"       vcmpforge data OPTIONS   forged plain VCMP DATA packets, numbered\n"
"       vcmpforge udpseq OPTIONS a counted UDP sequence stream\n"
"       vcmpforge recv OPTIONS   receive it: order, duplicates\n"
"       vcmpforge help [icmp|frag|ctl|ping|data|udpseq|recv]\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "icmp"))
		return cmd_icmp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "frag"))
		return cmd_frag(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ping"))
		return cmd_ping(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ctl"))
		return cmd_ctl(argc - 1, argv + 1);
	if (!strcmp(argv[1], "data"))
		return cmd_data(argc - 1, argv + 1);
	if (!strcmp(argv[1], "udpseq"))
		return cmd_udpseq(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return cmd_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		if (argc > 2 && !strcmp(argv[2], "icmp"))
			icmp_usage(stdout);
		else if (argc > 2 && !strcmp(argv[2], "frag"))
			frag_usage(stdout);
		else if (argc > 2 && !strcmp(argv[2], "ctl"))
			ctl_usage(stdout);
		else if (argc > 2 && !strcmp(argv[2], "ping"))
			ping_usage(stdout);
		else if (argc > 2 && !strcmp(argv[2], "data"))
			data_usage(stdout);
		else if (argc > 2 && (!strcmp(argv[2], "udpseq") ||
				      !strcmp(argv[2], "recv")))
			udpseq_usage(stdout);
		else
			usage(stdout);
		return 0;
	}
	fprintf(stderr, "%s: unknown command \"%s\"\n", prog, argv[1]);
	usage(stderr);
	return 2;
}
