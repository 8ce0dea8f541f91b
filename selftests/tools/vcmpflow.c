// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpflow: counted traffic for the multipath selftests, bench and demo.
 *
 *   vcmpflow udp-send --to ADDR:PORT [--rate PPS] [--count N] [--size BYTES]
 *                     [--dscp N] [--duration S]
 *   vcmpflow udp-recv --port PORT [--bind ADDR] [--timeout S] [--duration S]
 *                     [--report MS] [--name NAME]
 *   (every mode also takes --dev IFNAME: bind to a device or VRF)
 *   vcmpflow tcp-send --to ADDR:PORT [--bytes N] [--duration S] [--timeout S]
 *   vcmpflow tcp-recv --port PORT [--bind ADDR] [--timeout S] [--report MS]
 *
 * Every UDP datagram carries a magic, a sequence number (0, 1, 2, ...) and
 * the number of datagrams the sender will send in all; after the last one
 * the sender sends a few END datagrams carrying that number. The receiver
 * counts distinct sequence numbers (a bitmap), duplicates, datagrams that
 * arrive after a higher sequence number (out of order) and the longest
 * time between two deliveries; it stops after an END datagram (and a short
 * linger for stragglers), after --timeout seconds without any datagram, or
 * after --duration seconds. Lost = sent - distinct received, where "sent"
 * is the END's count, or the highest sequence + 1 when no END arrived.
 * Datagrams of 32 bytes or more also carry the sender's CLOCK_REALTIME
 * (ns); the receiver takes each one's arrival time from the kernel
 * (SO_TIMESTAMPNS: when the stack received it) and reports the RFC 3550
 * interarrival jitter (J += (|D| - J) / 16, D the change in transit time
 * between two datagrams in arrival order) as "jitter_us", the median of
 * |D| as "jitter_median_us" (robust against a few stalls, where the
 * RFC 3550 figure mostly reflects the last 16 datagrams), the mean of
 * |D| as "jitter_mean_us", and the spread of the transit times (largest
 * less smallest) as "transit_spread_ms".
 * TCP: the receiver measures bytes, the longest gap between two reads that
 * returned data, and goodput. Results are one JSON line on stdout; with
 * --report MS the receivers also print one JSON line per interval.
 * Exit status: 0 when the run completed, 1 on errors, 2 when a TCP
 * transfer did not complete or a UDP receiver heard nothing. With
 * --timeout, no TCP send, read or wait for the close blocks longer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FLOW_MAGIC	0x56434d46u	/* "VCMF" */
#define FLOW_DATA	1
#define FLOW_END	2
#define HDR_LEN		24
#define TS_OFF		24	/* sender time, when the datagram has room */

struct opts {
	const char *to, *bind, *name, *dev;
	int port, dscp, size;
	double rate, duration, timeout;
	unsigned long long count, bytes;
	int report_ms;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void die(const char *what)
{
	fprintf(stderr, "vcmpflow: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vcmpflow udp-send --to ADDR:PORT [--rate PPS] [--count N] [--size B] [--dscp N] [--duration S]\n"
		"       vcmpflow udp-recv --port P [--bind ADDR] [--timeout S] [--duration S] [--report MS] [--name NAME]\n"
		"       vcmpflow tcp-send --to ADDR:PORT [--bytes N] [--duration S] [--timeout S]\n"
		"       vcmpflow tcp-recv --port P [--bind ADDR] [--timeout S] [--report MS] [--name NAME]\n");
	exit(1);
}

/* ADDR:PORT, [ADDR6]:PORT */
static void resolve(const char *spec, int port, int type, struct sockaddr_storage *ss,
		    socklen_t *len, int passive)
{
	struct addrinfo hints = { .ai_socktype = type, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *ai;
	char host[256], serv[16];
	const char *colon;
	int rc;

	host[0] = 0;
	snprintf(serv, sizeof(serv), "%d", port);
	if (spec && spec[0] == '[') {
		colon = strchr(spec, ']');
		if (!colon)
			usage();
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec - 1), spec + 1);
		if (colon[1] == ':')
			snprintf(serv, sizeof(serv), "%s", colon + 2);
	} else if (spec) {
		colon = strrchr(spec, ':');
		if (colon && strchr(spec, ':') == colon) {
			snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
			snprintf(serv, sizeof(serv), "%s", colon + 1);
		} else {
			snprintf(host, sizeof(host), "%s", spec);
		}
	}
	if (passive)
		hints.ai_flags |= AI_PASSIVE;
	if (!host[0] && passive)
		hints.ai_family = AF_INET6;
	rc = getaddrinfo(host[0] ? host : NULL, serv, &hints, &ai);
	if (rc) {
		fprintf(stderr, "vcmpflow: %s: %s\n", spec ? spec : "any", gai_strerror(rc));
		exit(1);
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
}

static const char *bind_dev;	/* --dev: SO_BINDTODEVICE (a VRF) */

static int open_socket(int family, int type)
{
	int fd = socket(family, type, 0), one = 1, zero = 0;

	if (fd < 0)
		die("socket");
	if (bind_dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bind_dev,
				   strlen(bind_dev) + 1))
		die("SO_BINDTODEVICE");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	return fd;
}

static void set_dscp(int fd, int family, int dscp)
{
	int tos = dscp << 2;

	if (dscp < 0)
		return;
	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)))
			die("IPV6_TCLASS");
	} else if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos))) {
		die("IP_TOS");
	}
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ull, .tv_nsec = t % 1000000000ull };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int udp_send(struct opts *o)
{
	struct sockaddr_storage dst;
	unsigned char buf[65536];
	unsigned long long seq, count = o->count, errors = 0;
	uint64_t t0, next, interval, end = 0;
	socklen_t len;
	int fd, i;

	if (!o->to)
		usage();
	if (o->size < HDR_LEN)
		o->size = HDR_LEN;
	if (o->size > (int)sizeof(buf))
		o->size = sizeof(buf);
	resolve(o->to, 0, SOCK_DGRAM, &dst, &len, 0);
	fd = open_socket(dst.ss_family, SOCK_DGRAM);
	set_dscp(fd, dst.ss_family, o->dscp);
	if (connect(fd, (struct sockaddr *)&dst, len))
		die("connect");
	if (!count && o->duration > 0 && o->rate > 0)
		count = (unsigned long long)(o->duration * o->rate);
	if (!count)
		count = 1000;
	interval = o->rate > 0 ? (uint64_t)(1e9 / o->rate) : 0;
	memset(buf, 0, sizeof(buf));
	for (i = HDR_LEN; i < o->size; i++)
		buf[i] = i & 0xff;
	put64(buf, (uint64_t)FLOW_MAGIC << 32 | FLOW_DATA);
	put64(buf + 16, count);
	t0 = now_ns();
	next = t0;
	if (o->duration > 0)
		end = t0 + (uint64_t)(o->duration * 1e9);
	for (seq = 0; seq < count; seq++) {
		if (interval) {
			sleep_until(next);
			next += interval;
		}
		if (end && now_ns() > end) {
			count = seq;
			break;
		}
		put64(buf + 8, seq);
		if (o->size >= TS_OFF + 8)
			put64(buf + TS_OFF, realtime_ns());
		/* ENOBUFS, or ECONNREFUSED from an ICMP error: count, go on */
		if (send(fd, buf, o->size, 0) < 0)
			errors++;
	}
	put64(buf, (uint64_t)FLOW_MAGIC << 32 | FLOW_END);
	put64(buf + 8, 0);
	put64(buf + 16, count);
	for (i = 0; i < 5; i++) {
		usleep(20000);
		send(fd, buf, HDR_LEN, 0);
	}
	printf("{\"mode\":\"udp-send\",\"sent\":%llu,\"size\":%d,\"send_errors\":%llu,\"duration_ms\":%.1f}\n",
	       count, o->size, errors, (now_ns() - t0) / 1e6);
	return 0;
}

struct udp_stats {
	unsigned char *seen;
	unsigned long long seen_len;	/* bits */
	unsigned long long received, unique, dups, ooo, bytes;
	long long max_seq;
	unsigned long long sent;	/* from END, 0 when none arrived */
	uint64_t first, last, max_gap;
	/* RFC 3550 jitter of the datagrams with a sender time */
	unsigned long long stamped;
	double jitter;
	int64_t prev_transit, min_transit, max_transit;
	uint64_t *absd, absd_sum;	/* every |D|, ns */
	size_t nabsd, absd_cap;
	/* interval reports */
	unsigned long long i_unique, i_dups, i_ooo;
	long long i_max_seq;
	uint64_t i_max_gap;
};

static int seen_test_set(struct udp_stats *s, unsigned long long seq)
{
	unsigned long long nlen;
	int was;

	if (seq >= s->seen_len) {
		nlen = s->seen_len ? s->seen_len : 65536;
		while (nlen <= seq)
			nlen *= 2;
		if (nlen > (1ull << 34))
			return 0;	/* absurd sequence number: not tracked */
		s->seen = realloc(s->seen, nlen / 8);
		if (!s->seen)
			die("realloc");
		memset(s->seen + s->seen_len / 8, 0, (nlen - s->seen_len) / 8);
		s->seen_len = nlen;
	}
	was = s->seen[seq / 8] >> (seq % 8) & 1;
	s->seen[seq / 8] |= 1 << (seq % 8);
	return was;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void add_absd(struct udp_stats *s, uint64_t d)
{
	if (s->nabsd == s->absd_cap) {
		s->absd_cap = s->absd_cap ? 2 * s->absd_cap : 4096;
		s->absd = realloc(s->absd, s->absd_cap * sizeof(*s->absd));
		if (!s->absd)
			die("realloc");
	}
	s->absd[s->nabsd++] = d;
	s->absd_sum += d;
}

static double median_absd_us(struct udp_stats *s)
{
	if (!s->nabsd)
		return 0;
	qsort(s->absd, s->nabsd, sizeof(*s->absd), cmp_u64);
	return s->absd[s->nabsd / 2] / 1e3;
}

static void udp_report(struct opts *o, struct udp_stats *s, uint64_t t0, const char *kind)
{
	unsigned long long sent = s->sent ? s->sent : (unsigned long long)(s->max_seq + 1);
	unsigned long long lost = sent > s->unique ? sent - s->unique : 0;

	printf("{\"mode\":\"udp-recv\",%s%s%s\"report\":\"%s\",\"received\":%llu,\"unique\":%llu,"
	       "\"sent\":%llu,\"lost\":%llu,\"duplicates\":%llu,\"out_of_order\":%llu,"
	       "\"max_gap_ms\":%.1f,\"bytes\":%llu,\"end_seen\":%s,\"duration_ms\":%.1f,"
	       "\"stamped\":%llu,\"jitter_us\":%.0f,\"jitter_median_us\":%.0f,"
	       "\"jitter_mean_us\":%.0f,\"transit_spread_ms\":%.1f}\n",
	       o->name ? "\"name\":\"" : "", o->name ? o->name : "", o->name ? "\"," : "",
	       kind, s->received, s->unique, sent, lost, s->dups, s->ooo,
	       s->max_gap / 1e6, s->bytes, s->sent ? "true" : "false",
	       s->first ? (s->last - s->first) / 1e6 : 0.0, s->stamped,
	       s->jitter / 1e3, median_absd_us(s),
	       s->nabsd ? s->absd_sum / 1e3 / s->nabsd : 0.0,
	       s->stamped ? (s->max_transit - s->min_transit) / 1e6 : 0.0);
	(void)t0;
	fflush(stdout);
}

static void udp_interval(struct opts *o, struct udp_stats *s, uint64_t t, uint64_t t0)
{
	long long expect = s->max_seq - s->i_max_seq;
	long long lost = expect - (long long)s->i_unique;

	printf("{\"mode\":\"udp-recv\",%s%s%s\"report\":\"interval\",\"t_ms\":%llu,\"unique\":%llu,"
	       "\"lost\":%lld,\"duplicates\":%llu,\"out_of_order\":%llu,\"max_gap_ms\":%.1f}\n",
	       o->name ? "\"name\":\"" : "", o->name ? o->name : "", o->name ? "\"," : "",
	       (unsigned long long)((t - t0) / 1000000), s->i_unique, lost > 0 ? lost : 0,
	       s->i_dups, s->i_ooo, s->i_max_gap / 1e6);
	fflush(stdout);
	s->i_unique = s->i_dups = s->i_ooo = 0;
	s->i_max_seq = s->max_seq;
	s->i_max_gap = 0;
}

static int udp_recv(struct opts *o)
{
	struct udp_stats s = { .max_seq = -1, .i_max_seq = -1 };
	struct sockaddr_storage local;
	unsigned char buf[65536];
	uint64_t t0, t, deadline = 0, linger = 0, next_report = 0;
	char cbuf[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct timespec kts;
	uint64_t arrival;
	int64_t transit, d;
	struct pollfd pfd;
	socklen_t len;
	int fd, rcvbuf = 4 << 20, ms, one = 1;
	ssize_t n;

	if (!o->port)
		usage();
	resolve(o->bind, o->port, SOCK_DGRAM, &local, &len, 1);
	fd = open_socket(local.ss_family, SOCK_DGRAM);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&local, len))
		die("bind");
	printf("{\"mode\":\"udp-recv\",\"report\":\"listening\",\"port\":%d}\n", o->port);
	fflush(stdout);
	t0 = now_ns();
	if (o->duration > 0)
		deadline = t0 + (uint64_t)(o->duration * 1e9);
	if (o->report_ms > 0)
		next_report = t0 + o->report_ms * 1000000ull;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		t = now_ns();
		if (deadline && t >= deadline)
			break;
		if (linger && t >= linger)
			break;
		if (next_report && t >= next_report) {
			udp_interval(o, &s, t, t0);
			next_report += o->report_ms * 1000000ull;
		}
		ms = 100;
		if (poll(&pfd, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		t = now_ns();
		if (!(pfd.revents & POLLIN)) {
			/* idle timeout counts from the last datagram (or start) */
			if (o->timeout > 0 && t - (s.last ? s.last : t0) > o->timeout * 1e9)
				break;
			continue;
		}
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < HDR_LEN || get64(buf) >> 32 != FLOW_MAGIC)
			continue;
		if ((get64(buf) & 0xffffffff) == FLOW_END) {
			s.sent = get64(buf + 16);
			if (!linger)
				linger = t + 300000000ull;
			continue;
		}
		{
			unsigned long long seq = get64(buf + 8);

			s.received++;
			s.bytes += n;
			if (s.last) {
				if (t - s.last > s.max_gap)
					s.max_gap = t - s.last;
				if (t - s.last > s.i_max_gap)
					s.i_max_gap = t - s.last;
			} else {
				s.first = t;
			}
			s.last = t;
			if (n >= TS_OFF + 8) {
				arrival = 0;
				for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
					if (cm->cmsg_level == SOL_SOCKET &&
					    cm->cmsg_type == SCM_TIMESTAMPNS) {
						memcpy(&kts, CMSG_DATA(cm), sizeof(kts));
						arrival = (uint64_t)kts.tv_sec * 1000000000ull +
							  kts.tv_nsec;
					}
				}
				if (!arrival)
					arrival = realtime_ns();
				transit = (int64_t)(arrival - get64(buf + TS_OFF));
				if (s.stamped) {
					d = transit - s.prev_transit;
					s.jitter += ((double)(d < 0 ? -d : d) - s.jitter) / 16;
					add_absd(&s, d < 0 ? -d : d);
					if (transit < s.min_transit)
						s.min_transit = transit;
					if (transit > s.max_transit)
						s.max_transit = transit;
				} else {
					s.min_transit = s.max_transit = transit;
				}
				s.prev_transit = transit;
				s.stamped++;
			}
			if (seen_test_set(&s, seq)) {
				s.dups++;
				s.i_dups++;
				continue;
			}
			s.unique++;
			s.i_unique++;
			if ((long long)seq < s.max_seq) {
				s.ooo++;
				s.i_ooo++;
			} else {
				s.max_seq = seq;
			}
		}
	}
	udp_report(o, &s, t0, "final");
	free(s.seen);
	free(s.absd);
	return s.received ? 0 : 2;
}

static int tcp_send(struct opts *o)
{
	struct sockaddr_storage dst;
	static char buf[65536];
	unsigned long long total = 0;
	uint64_t t0, end = 0;
	struct timeval tv;
	socklen_t len;
	ssize_t n;
	size_t want;
	int fd;

	if (!o->to)
		usage();
	if (!o->bytes && o->duration <= 0)
		o->bytes = 10 << 20;
	resolve(o->to, 0, SOCK_STREAM, &dst, &len, 0);
	fd = open_socket(dst.ss_family, SOCK_STREAM);
	set_dscp(fd, dst.ss_family, o->dscp);
	if (o->timeout > 0) {
		tv.tv_sec = (time_t)o->timeout;
		tv.tv_usec = (suseconds_t)((o->timeout - tv.tv_sec) * 1e6);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		/* and for the receiver's close at the end */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (struct sockaddr *)&dst, len))
		die("connect");
	memset(buf, 'v', sizeof(buf));
	t0 = now_ns();
	if (o->duration > 0)
		end = t0 + (uint64_t)(o->duration * 1e9);
	for (;;) {
		if (end && now_ns() >= end)
			break;
		if (o->bytes && total >= o->bytes)
			break;
		want = sizeof(buf);
		if (o->bytes && o->bytes - total < want)
			want = o->bytes - total;
		n = send(fd, buf, want, MSG_NOSIGNAL);
		if (n < 0) {
			fprintf(stderr, "vcmpflow: send after %llu bytes: %s\n", total,
				strerror(errno));
			printf("{\"mode\":\"tcp-send\",\"bytes\":%llu,\"complete\":false}\n", total);
			return 2;
		}
		total += n;
	}
	shutdown(fd, SHUT_WR);
	/* wait for the receiver to close: everything was delivered */
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		;
	printf("{\"mode\":\"tcp-send\",\"bytes\":%llu,\"complete\":%s,\"duration_ms\":%.1f}\n",
	       total, n == 0 ? "true" : "false", (now_ns() - t0) / 1e6);
	close(fd);
	return n == 0 ? 0 : 2;
}

static int tcp_recv(struct opts *o)
{
	struct sockaddr_storage local;
	static char buf[65536];
	unsigned long long total = 0, i_bytes = 0;
	uint64_t t0 = 0, t, last = 0, max_gap = 0, i_gap = 0, next_report = 0;
	struct pollfd pfd;
	socklen_t len;
	ssize_t n;
	int lfd, fd, rc;

	if (!o->port)
		usage();
	resolve(o->bind, o->port, SOCK_STREAM, &local, &len, 1);
	lfd = open_socket(local.ss_family, SOCK_STREAM);
	if (bind(lfd, (struct sockaddr *)&local, len) || listen(lfd, 1))
		die("bind/listen");
	printf("{\"mode\":\"tcp-recv\",\"report\":\"listening\",\"port\":%d}\n", o->port);
	fflush(stdout);
	pfd.fd = lfd;
	pfd.events = POLLIN;
	rc = poll(&pfd, 1, o->timeout > 0 ? (int)(o->timeout * 1000) : -1);
	if (rc <= 0) {
		printf("{\"mode\":\"tcp-recv\",\"report\":\"final\",\"bytes\":0,\"complete\":false}\n");
		return 2;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	pfd.fd = fd;
	for (;;) {
		rc = poll(&pfd, 1, o->report_ms > 0 ? 50 :
			  o->timeout > 0 ? (int)(o->timeout * 1000) : -1);
		t = now_ns();
		if (next_report && t >= next_report) {
			printf("{\"mode\":\"tcp-recv\",%s%s%s\"report\":\"interval\",\"t_ms\":%llu,"
			       "\"bytes\":%llu,\"max_gap_ms\":%.1f}\n",
			       o->name ? "\"name\":\"" : "", o->name ? o->name : "",
			       o->name ? "\"," : "",
			       (unsigned long long)((t - t0) / 1000000), i_bytes, i_gap / 1e6);
			fflush(stdout);
			i_bytes = 0;
			i_gap = 0;
			next_report += o->report_ms * 1000000ull;
		}
		if (rc == 0) {
			if (o->timeout > 0 && last && t - last > o->timeout * 1e9)
				break;	/* stalled */
			continue;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		if (!t0) {
			t0 = t;
			if (o->report_ms > 0)
				next_report = t0 + o->report_ms * 1000000ull;
		} else if (t - last > max_gap) {
			max_gap = t - last;
		}
		if (last && t - last > i_gap)
			i_gap = t - last;
		last = t;
		total += n;
		i_bytes += n;
	}
	t = last ? last : now_ns();
	printf("{\"mode\":\"tcp-recv\",%s%s%s\"report\":\"final\",\"bytes\":%llu,\"complete\":%s,"
	       "\"max_gap_ms\":%.1f,\"duration_ms\":%.1f,\"goodput_mbit\":%.3f}\n",
	       o->name ? "\"name\":\"" : "", o->name ? o->name : "", o->name ? "\"," : "",
	       total, n == 0 ? "true" : "false", max_gap / 1e6,
	       t0 ? (t - t0) / 1e6 : 0.0,
	       t0 && t > t0 ? total * 8.0 / ((t - t0) / 1e9) / 1e6 : 0.0);
	close(fd);
	close(lfd);
	return n == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "to", required_argument, NULL, 't' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "dscp", required_argument, NULL, 'd' },
		{ "duration", required_argument, NULL, 'D' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "bytes", required_argument, NULL, 'B' },
		{ "report", required_argument, NULL, 'R' },
		{ "name", required_argument, NULL, 'n' },
		{ "dev", required_argument, NULL, 'i' },
		{ }
	};
	struct opts o = { .dscp = -1, .size = 200 };
	const char *mode;
	int c;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 't': o.to = optarg; break;
		case 'b': o.bind = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'r': o.rate = atof(optarg); break;
		case 'c': o.count = strtoull(optarg, NULL, 0); break;
		case 's': o.size = atoi(optarg); break;
		case 'd': o.dscp = atoi(optarg); break;
		case 'D': o.duration = atof(optarg); break;
		case 'T': o.timeout = atof(optarg); break;
		case 'B': o.bytes = strtoull(optarg, NULL, 0); break;
		case 'R': o.report_ms = atoi(optarg); break;
		case 'n': o.name = optarg; break;
		case 'i': bind_dev = optarg; break;
		default: usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "udp-send"))
		return udp_send(&o);
	if (!strcmp(mode, "udp-recv"))
		return udp_recv(&o);
	if (!strcmp(mode, "tcp-send"))
		return tcp_send(&o);
	if (!strcmp(mode, "tcp-recv"))
		return tcp_recv(&o);
	usage();
	return 1;
}
