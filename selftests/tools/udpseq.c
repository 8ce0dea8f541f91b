// SPDX-License-Identifier: GPL-2.0
/*
 * udpseq - a counted UDP sequence stream, to measure what a path loses.
 *
 *   udpseq send ADDR PORT COUNT PPS [SIZE]
 *	sends COUNT datagrams of SIZE bytes (default 100, at least 8) at
 *	PPS per second, each starting with its number (0 to COUNT - 1, 32
 *	bits big-endian) and COUNT; then prints "sent COUNT".
 *   udpseq recv PORT IDLE_MS [TOTAL_MS]
 *	counts datagrams until none arrived for IDLE_MS (after the first)
 *	or TOTAL_MS passed (default 120000), then prints one line:
 *	"received R expected E lost L dup D reordered O", E being the COUNT
 *	the datagrams announce, L the numbers below E never received, O the
 *	datagrams numbered below one received before them.
 * Both take IPv4 or IPv6 addresses. Exit status 0, 1 on errors.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT 10000000U

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int do_send(const char *addr, const char *port, unsigned long count,
		   unsigned long pps, unsigned long size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	unsigned char buf[65536];
	uint64_t start, due;
	unsigned long i;
	int fd;

	if (size < 8 || size > sizeof(buf) || !pps || count > MAX_COUNT) {
		fprintf(stderr, "udpseq: bad size, rate or count\n");
		return 1;
	}
	if (getaddrinfo(addr, port, &hints, &ai)) {
		fprintf(stderr, "udpseq: bad address\n");
		return 1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		perror("udpseq: socket");
		return 1;
	}
	memset(buf, 0xa5, size);
	start = now_ns();
	for (i = 0; i < count; i++) {
		due = start + i * 1000000000ULL / pps;
		while (now_ns() < due) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
		}
		put32(buf, (uint32_t)i);
		put32(buf + 4, (uint32_t)count);
		if (send(fd, buf, size, 0) < 0)
			perror("udpseq: send");	/* counted as lost */
	}
	printf("sent %lu\n", count);
	freeaddrinfo(ai);
	close(fd);
	return 0;
}

static int do_recv(const char *port, int idle_ms, long total_ms)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	unsigned long received = 0, dup = 0, reordered = 0, lost = 0, i;
	unsigned char buf[65536], *seen;
	uint32_t expected = 0, seq, highest = 0;
	uint64_t deadline;
	struct pollfd pfd;
	int fd, off = 0, timeout, rcvbuf = 16 << 20;
	ssize_t n;

	seen = calloc(MAX_COUNT / 8 + 1, 1);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (!seen || fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off))) {
		perror("udpseq: socket");
		return 1;
	}
	/* Measure the path, not a receiver that could not keep up. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sin6.sin6_port = htons((uint16_t)atoi(port));
	if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6))) {
		perror("udpseq: bind");
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	deadline = now_ns() + (uint64_t)total_ms * 1000000ULL;
	for (;;) {
		uint64_t t = now_ns();

		if (t >= deadline)
			break;
		timeout = (int)((deadline - t) / 1000000ULL) + 1;
		if (received && timeout > idle_ms)
			timeout = idle_ms;
		if (poll(&pfd, 1, timeout) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 8)
			continue;
		seq = get32(buf);
		if (!expected)
			expected = get32(buf + 4);
		if (seq >= MAX_COUNT || get32(buf + 4) != expected)
			continue;
		if (seen[seq / 8] & (1U << (seq % 8))) {
			dup++;
			continue;
		}
		seen[seq / 8] |= 1U << (seq % 8);
		if (received && seq < highest)
			reordered++;
		if (!received || seq > highest)
			highest = seq;
		received++;
	}
	if (expected > MAX_COUNT)
		expected = MAX_COUNT;
	for (i = 0; i < expected; i++)
		if (!(seen[i / 8] & (1U << (i % 8))))
			lost++;
	printf("received %lu expected %u lost %lu dup %lu reordered %lu\n",
	       received, expected, lost, dup, reordered);
	free(seen);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], strtoul(argv[4], NULL, 0),
			       strtoul(argv[5], NULL, 0),
			       argc > 6 ? strtoul(argv[6], NULL, 0) : 100);
	if (argc >= 4 && !strcmp(argv[1], "recv"))
		return do_recv(argv[2], atoi(argv[3]),
			       argc > 4 ? atol(argv[4]) : 120000);
	fprintf(stderr, "usage: udpseq send ADDR PORT COUNT PPS [SIZE]\n"
		"       udpseq recv PORT IDLE_MS [TOTAL_MS]\n");
	return 1;
}
