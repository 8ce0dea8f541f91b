// SPDX-License-Identifier: GPL-2.0
/*
 * vcmphostile - hostile input for a vcmp device's tunnel port.
 *
 * Sends COUNT UDP datagrams (default 1,000,000) to ADDR:PORT, a mix of
 *   random      random bytes of random length (some one-byte keepalives,
 *               some starting with the plain marker)
 *   trunc       a valid plain or ESP packet cut at every offset
 *   mutate      valid plain packets with one header field, byte or bit of
 *               the VCMP header, data header or inner IP header changed
 *   spi         ESP with SPIs the device does not have
 *   icv         ESP with one bit changed anywhere after the header (sent
 *               before the packet itself, so its sequence number is new)
 *   replay      valid ESP packets again, recent and long gone
 *   auth        ESP that authenticates but carries malformed VCMP headers,
 *               inner packets or ESP trailers (needs the key)
 *   frag        VCMP fragment storms, plain and ESP: complete sets in any
 *               order, duplicates, overlaps, holes, bogus offsets and
 *               indexes, and floods of first fragments
 * plus the valid packets themselves ("good": each should be delivered).
 *
 * Plain packets come from --plain-src (the plain peer's link endpoint),
 * ESP from --esp-src, random bytes from both and from --rand-src ports
 * that no peer has. ESP uses AF_ALG rfc4106(gcm(aes)) (suite aes-gcm-128,
 * the device's inbound SA --spi with --key). The VCMP headers are built
 * with the module's own codec (kernel/wire.c, compiled for userspace).
 * Sends with sendmmsg() in batches, at most --rate datagrams per second.
 *
 * Prints the seed first (--seed reproduces a run) and, at the end, one
 * "key=value" line per figure: datagrams sent per class, "good" (valid
 * inner packets sent, each delivered unless the device is overloaded),
 * "sent" (all datagrams), the duration and rate.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_alg.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fragset.h"
#include "pure.h"
#include "replay.h"
#include "wire.h"

#ifndef SOL_ALG
#define SOL_ALG		279
#endif

#define GCM_KEY_LEN	20	/* AES-128 key + 4-byte salt */
#define GCM_IV_LEN	8
#define GCM_ICV_LEN	16
#define ESP_AAD_LEN	12	/* SPI, sequence high, sequence low */
#define ESP_HDR		(VCMP_ESP_HDR_LEN + GCM_IV_LEN)
#define PKT_MAX		2048
#define BATCH		64
#define RAND_SOCKS	4
#define REPLAY_RING	8192	/* valid ESP packets kept for replays */
#define FRAG_ID_GOOD	0x8000	/* storms use ids below, bogus ones above */

static const char *prog = "vcmphostile";

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

/* --- random numbers: xorshift64*, reproducible from the seed ------------ */

static u64 rng_state;

static u64 rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static u32 rnd(u32 n)	/* 0 .. n-1 */
{
	return n ? (u32)((rnd64() >> 32) % n) : 0;
}

static bool chance(u32 percent)
{
	return rnd(100) < percent;
}

static void rnd_bytes(u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(rnd64() >> 56);
}

/* --- options and figures ------------------------------------------------- */

enum cls {
	C_VALID, C_RANDOM, C_TRUNC, C_MUTATE, C_SPI, C_ICV, C_REPLAY,
	C_REPLAY_OLD, C_AUTH, C_FRAG, C_COUNT
};

static const char * const cls_name[C_COUNT] = {
	"valid", "random", "trunc", "mutate", "spi", "icv", "replay",
	"replay_old", "auth", "frag",
};

static struct {
	struct sockaddr_in dst;
	struct in_addr src;
	struct sockaddr_in6 dst6;
	struct in6_addr src6;
	bool v6;
	u16 plain_port, esp_port, rand_port;
	u8 plain_link, esp_link;
	u32 spi;
	u8 key[GCM_KEY_LEN];
	bool have_key;
	u64 count;
	u64 rate;
	u64 seed;
	struct in_addr in4_plain, in4_esp, in4_dst;
	struct in6_addr in6_plain, in6_esp, in6_dst;
} opt;

/* Datagrams sent per class; valid inner packets sent (good). */
static u64 sent_cls[C_COUNT];
static u64 sent_total, good_total;
static u64 seal_ns, seal_n;	/* time spent encrypting, and how often */

/* --- sending ------------------------------------------------------------- */

/* S_RAND6: IPv6, from an address no peer has (with --dst6 only). */
enum sock_id { S_PLAIN, S_ESP, S_RAND6, S_RAND0,
	       S_COUNT = S_RAND0 + RAND_SOCKS };

struct queue {
	int fd;
	unsigned int n;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	u8 buf[BATCH][PKT_MAX];
};

static struct queue q[S_COUNT];
static u64 t_start;

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static int udp_socket(u16 port)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	int fd, one = 1, size = 4 << 20;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die_errno("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	src.sin_addr = opt.src;
	src.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)))
		die_errno("bind");
	/* The device may answer (PMTU probes): nobody reads, keep it small. */
	size = 4096;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (connect(fd, (struct sockaddr *)&opt.dst, sizeof(opt.dst)))
		die_errno("connect");
	return fd;
}

static int udp_socket6(u16 port)
{
	struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
	int fd, one = 1, size = 4096;

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die_errno("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	src.sin6_addr = opt.src6;
	src.sin6_port = htons(port);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)))
		die_errno("bind");
	opt.dst6.sin6_port = opt.dst.sin_port;
	if (connect(fd, (struct sockaddr *)&opt.dst6, sizeof(opt.dst6)))
		die_errno("connect");
	return fd;
}

/* Keep the average rate at most opt.rate datagrams per second. */
static void pace(void)
{
	u64 due, now;

	if (!opt.rate)
		return;
	due = t_start + sent_total * 1000000000ULL / opt.rate;
	now = now_ns();
	if (due > now) {
		struct timespec ts = {
			.tv_sec = (time_t)((due - now) / 1000000000ULL),
			.tv_nsec = (long)((due - now) % 1000000000ULL),
		};
		nanosleep(&ts, NULL);
	}
}

static void flush(enum sock_id s)
{
	struct queue *qu = &q[s];
	unsigned int done = 0;
	int n;

	while (done < qu->n) {
		n = sendmmsg(qu->fd, qu->msg + done, qu->n - done, 0);
		if (n < 0) {
			/* Nothing listens (ICMP from an earlier datagram). */
			if (errno == ECONNREFUSED || errno == EINTR)
				continue;
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			die_errno("sendmmsg");
		}
		done += (unsigned int)n;
	}
	sent_total += qu->n;
	qu->n = 0;
	pace();
}

static void flush_all(void)
{
	unsigned int s;

	for (s = 0; s < S_COUNT; s++)
		if (q[s].fd >= 0)
			flush(s);
}

/* Queue @len bytes of @p on socket @s as one datagram of class @c. */
static void emit(enum sock_id s, enum cls c, const u8 *p, size_t len)
{
	struct queue *qu = &q[s];
	unsigned int i = qu->n;

	if (len > PKT_MAX)
		die("datagram of %zu bytes", len);
	memcpy(qu->buf[i], p, len);
	qu->iov[i].iov_base = qu->buf[i];
	qu->iov[i].iov_len = len;
	memset(&qu->msg[i], 0, sizeof(qu->msg[i]));
	qu->msg[i].msg_hdr.msg_iov = &qu->iov[i];
	qu->msg[i].msg_hdr.msg_iovlen = 1;
	sent_cls[c]++;
	if (++qu->n == BATCH)
		flush(s);
}

static u64 queued(void)
{
	u64 n = 0;
	unsigned int s;

	for (s = 0; s < S_COUNT; s++)
		n += q[s].n;
	return n;
}

static bool budget_left(void)
{
	return sent_total + queued() < opt.count;
}

/* --- ESP with AF_ALG ------------------------------------------------------ */

static int alg_op = -1;
static u64 esp_seq;	/* last sequence number used (64-bit, ESN) */

static void alg_init(void)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG,
		.salg_type = "aead",
		.salg_name = "rfc4106(gcm(aes))",
	};
	int tfm;

	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		die_errno("socket(AF_ALG) (CONFIG_CRYPTO_USER_API_AEAD, algif_aead)");
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)))
		die_errno("bind rfc4106(gcm(aes))");
	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, opt.key, GCM_KEY_LEN))
		die_errno("ALG_SET_KEY");
	if (setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, GCM_ICV_LEN))
		die_errno("ALG_SET_AEAD_AUTHSIZE");
	alg_op = accept(tfm, NULL, 0);
	if (alg_op < 0)
		die_errno("accept(AF_ALG)");
}

/*
 * ESP-encrypt @pt (@ptlen bytes: VCMP header onwards) with SPI @spi and
 * sequence number @seq into @out; padding, pad length and next header as
 * vcmp sends them unless @bad_trailer (1: wrong next header, 2: pad length
 * past the data, 3: wrong padding bytes). Returns the datagram length.
 */
static size_t esp_seal(u8 *out, u32 spi, u64 seq, const u8 *pt, size_t ptlen,
		       int bad_trailer)
{
	u8 in[ESP_AAD_LEN + GCM_IV_LEN + PKT_MAX];
	u8 res[ESP_AAD_LEN + GCM_IV_LEN + PKT_MAX + GCM_ICV_LEN];
	char cbuf[CMSG_SPACE(sizeof(u32)) * 2 +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + GCM_IV_LEN)] = { 0 };
	struct af_alg_iv *aiv;
	struct msghdr msg = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	size_t clen, padlen, i, aad = ESP_AAD_LEN + GCM_IV_LEN;
	ssize_t n;
	u8 iv[GCM_IV_LEN];
	u64 t0;

	clen = (ptlen + 2 + 3) & ~(size_t)3;
	padlen = clen - ptlen - 2;
	if (bad_trailer == 3 && !padlen) {	/* need padding to spoil it */
		clen += 4;
		padlen += 4;
	}
	if (ESP_HDR + clen + GCM_ICV_LEN > PKT_MAX - 64)
		die("ESP payload too large");
	/* The explicit IV is the sequence number, as vcmp sends it. */
	vcmp_put_be32(iv, (u32)(seq >> 32));
	vcmp_put_be32(iv + 4, (u32)seq);

	vcmp_put_be32(in, spi);
	vcmp_put_be32(in + 4, (u32)(seq >> 32));
	vcmp_put_be32(in + 8, (u32)seq);
	memcpy(in + ESP_AAD_LEN, iv, GCM_IV_LEN);
	memcpy(in + aad, pt, ptlen);
	for (i = 0; i < padlen; i++)
		in[aad + ptlen + i] = (u8)(i + 1);
	in[aad + ptlen + padlen] = (u8)padlen;
	in[aad + ptlen + padlen + 1] = VCMP_ESP_NEXTHDR;
	switch (bad_trailer) {
	case 1:
		in[aad + ptlen + padlen + 1] = (u8)(rnd(255) + 1 +
						    VCMP_ESP_NEXTHDR);
		break;
	case 2:		/* more than the bytes before it: clen - 1 .. 255 */
		if (clen <= 256)
			in[aad + ptlen + padlen] = (u8)(clen - 1 +
							rnd((u32)(257 - clen)));
		else	/* no such pad length: spoil the next header */
			in[aad + ptlen + padlen + 1] = 0;
		break;
	case 3:
		in[aad + ptlen + rnd((u32)padlen)] ^= (u8)(1 + rnd(255));
		break;
	}

	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_OP;
	cm->cmsg_len = CMSG_LEN(sizeof(u32));
	*(u32 *)CMSG_DATA(cm) = ALG_OP_ENCRYPT;
	cm = CMSG_NXTHDR(&msg, cm);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	cm->cmsg_len = CMSG_LEN(sizeof(u32));
	*(u32 *)CMSG_DATA(cm) = (u32)aad;
	cm = CMSG_NXTHDR(&msg, cm);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_IV;
	cm->cmsg_len = CMSG_LEN(sizeof(*aiv) + GCM_IV_LEN);
	aiv = (struct af_alg_iv *)CMSG_DATA(cm);
	aiv->ivlen = GCM_IV_LEN;
	memcpy(aiv->iv, iv, GCM_IV_LEN);
	iov.iov_base = in;
	iov.iov_len = aad + clen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	t0 = now_ns();
	if (sendmsg(alg_op, &msg, 0) != (ssize_t)iov.iov_len)
		die_errno("AF_ALG sendmsg");
	n = read(alg_op, res, aad + clen + GCM_ICV_LEN);
	if (n != (ssize_t)(aad + clen + GCM_ICV_LEN))
		die_errno("AF_ALG read");
	seal_ns += now_ns() - t0;
	seal_n++;

	/* On the wire: SPI, low sequence, IV, ciphertext, ICV. */
	vcmp_put_be32(out, spi);
	vcmp_put_be32(out + 4, (u32)seq);
	memcpy(out + VCMP_ESP_HDR_LEN, iv, GCM_IV_LEN);
	memcpy(out + ESP_HDR, res + aad, clen + GCM_ICV_LEN);
	return ESP_HDR + clen + GCM_ICV_LEN;
}

/* --- valid packets --------------------------------------------------------- */

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static u32 csum_add(u32 sum, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

/*
 * A valid inner packet from the peer (@esp: the ESP peer's source) to
 * the device: IPv4 or IPv6 UDP to port 9 with @paylen bytes. Returns its
 * length.
 */
static size_t inner_packet(u8 *p, bool v6, bool esp, size_t paylen)
{
	size_t l4 = 8 + paylen, len;
	u8 *udp;

	if (!v6) {
		len = 20 + l4;
		memset(p, 0, 20);
		p[0] = 0x45;
		vcmp_put_be16(p + 2, (u16)len);
		vcmp_put_be16(p + 4, (u16)rnd(65536));
		p[8] = 64;
		p[9] = 17;
		memcpy(p + 12, esp ? &opt.in4_esp : &opt.in4_plain, 4);
		memcpy(p + 16, &opt.in4_dst, 4);
		vcmp_put_be16(p + 10, csum_fold(csum_add(0, p, 20)));
		udp = p + 20;
	} else {
		len = 40 + l4;
		memset(p, 0, 40);
		p[0] = 0x60;
		vcmp_put_be16(p + 4, (u16)l4);
		p[6] = 17;
		p[7] = 64;
		memcpy(p + 8, esp ? &opt.in6_esp : &opt.in6_plain, 16);
		memcpy(p + 24, &opt.in6_dst, 16);
		udp = p + 40;
	}
	vcmp_put_be16(udp, (u16)(1024 + rnd(60000)));
	vcmp_put_be16(udp + 2, 9);
	vcmp_put_be16(udp + 4, (u16)l4);
	vcmp_put_be16(udp + 6, 0);
	rnd_bytes(udp + 8, paylen);
	if (v6)	/* UDP over IPv6 needs a checksum; a fixed one is fine */
		vcmp_put_be16(udp + 6, 0xffff);
	return len;
}

static u32 peer_seq[2], link_seq[2];

/* VCMP header + data header of a DATA packet from peer @esp. */
static void vcmp_headers(u8 *p, bool esp, bool v6, const struct vcmp_data_hdr *frag)
{
	struct vcmp_hdr h = {
		.type = VCMP_TYPE_DATA,
		.link_id = esp ? opt.esp_link : opt.plain_link,
		.peer_seq = ++peer_seq[esp],
		.link_seq = ++link_seq[esp],
		.tstamp = (u32)(now_ns() / 1000),
	};
	struct vcmp_data_hdr d = { .proto = v6 ? VCMP_PROTO_IPV6 : VCMP_PROTO_IPV4 };

	if (frag) {
		h.flags = VCMP_F_FRAG;
		d = *frag;
	}
	vcmp_hdr_encode(&h, p);
	vcmp_data_hdr_encode(&d, p + VCMP_HDR_LEN);
}

/* A valid DATA packet (VCMP headers + inner) from peer @esp. */
static size_t vcmp_packet(u8 *p, bool esp, size_t maxpay)
{
	bool v6 = chance(30);

	vcmp_headers(p, esp, v6, NULL);
	return VCMP_OVERHEAD + inner_packet(p + VCMP_OVERHEAD, v6, esp,
					    rnd((u32)maxpay + 1));
}

/* Send @pt (VCMP onwards) as ESP under a new sequence number. */
static size_t esp_new(u8 *out, const u8 *pt, size_t ptlen, int bad_trailer)
{
	esp_seq++;
	if (chance(1))	/* a jump: what came before falls out of the window */
		esp_seq += (VCMP_REPLAY_WINDOW + 1);
	return esp_seal(out, opt.spi, esp_seq, pt, ptlen, bad_trailer);
}

/* Valid ESP packets sent, for replays. */
static struct {
	u16 len;
	u64 seq;
	u8 data[256];
} ring[REPLAY_RING];
static unsigned int ring_n;

static void ring_add(const u8 *p, size_t len)
{
	unsigned int i = ring_n++ % REPLAY_RING;

	if (len > sizeof(ring[i].data))
		len = sizeof(ring[i].data);	/* replays may be cut short */
	ring[i].len = (u16)len;
	ring[i].seq = esp_seq;
	memcpy(ring[i].data, p, len);
}

/*
 * One ESP packet: a few copies with a bit flipped (bad ICV: its sequence
 * number is new, so the replay check passes), then itself, then maybe
 * replays of it (when it @authenticates: only then does the window move)
 * and of older valid ones.
 */
static void esp_bundle(const u8 *e, size_t elen, bool valid,
		       bool authenticates, enum cls c)
{
	u8 bad[PKT_MAX];
	unsigned int i, n = rnd(4), pos;

	for (i = 0; i < n; i++) {
		memcpy(bad, e, elen);
		pos = VCMP_ESP_HDR_LEN + rnd((u32)(elen - VCMP_ESP_HDR_LEN));
		bad[pos] ^= (u8)(1 << rnd(8));
		emit(S_ESP, C_ICV, bad, elen);
	}
	emit(S_ESP, c, e, elen);
	if (valid) {
		good_total++;
		ring_add(e, elen);
	}
	if (authenticates && chance(20))
		emit(S_ESP, C_REPLAY, e, elen);
	if (ring_n > 1 && chance(20)) {
		/*
		 * Within the window it is a replay. Below it, the receiver
		 * takes the low half for one of the next 2^32 numbers (RFC
		 * 4303 A2.2) and authentication fails.
		 */
		i = rnd(ring_n < REPLAY_RING ? ring_n : REPLAY_RING);
		emit(S_ESP, esp_seq - ring[i].seq < VCMP_REPLAY_WINDOW ?
		     C_REPLAY : C_REPLAY_OLD, ring[i].data, ring[i].len);
	}
}

/* --- the classes ------------------------------------------------------------ */

static enum sock_id rand_sock(void)
{
	u32 r = rnd(8);

	if (r == 0)
		return S_PLAIN;
	if (r == 1)
		return S_ESP;
	if (r == 2 && opt.v6)
		return S_RAND6;
	return (enum sock_id)(S_RAND0 + rnd(RAND_SOCKS));
}

static void gen_random(void)
{
	u8 p[PKT_MAX];
	size_t len;
	u32 r = rnd(100);

	if (r < 5) {
		len = 1;
		p[0] = chance(50) ? VCMP_NATT_KEEPALIVE : (u8)rnd(256);
	} else if (r < 20) {
		len = rnd(VCMP_OVERHEAD + 2);
		rnd_bytes(p, len);
	} else {
		len = rnd(700);
		rnd_bytes(p, len);
	}
	if (len && chance(30)) {	/* plain marker, maybe a whole header */
		p[0] = VCMP_MARKER;
		if (len > 1 && chance(50))
			p[1] = VCMP_WIRE_VERSION << 4 | rnd(16);
	} else if (len >= 4 && chance(10)) {
		memset(p, 0, 4);		/* non-ESP marker */
	} else if (len >= 4 && chance(20)) {
		vcmp_put_be32(p, opt.spi);	/* our SPI, garbage after */
	}
	emit(rand_sock(), C_RANDOM, p, len);
}

static void gen_trunc(void)
{
	u8 pt[PKT_MAX], e[PKT_MAX];
	size_t len, i;
	bool esp = opt.have_key && chance(40);

	len = vcmp_packet(pt, esp, 40);
	if (esp) {
		len = esp_new(e, pt, len, 0);
		for (i = 0; i < len && budget_left(); i++)
			emit(S_ESP, C_TRUNC, e, i);
		esp_bundle(e, len, true, true, C_VALID);
		return;
	}
	for (i = 0; i < len && budget_left(); i++)
		emit(S_PLAIN, C_TRUNC, pt, i);
	emit(S_PLAIN, C_VALID, pt, len);
	good_total++;
}

/* Change one thing in a valid plain packet (or its plaintext). */
static void mutate(u8 *p, size_t *lenp)
{
	size_t len = *lenp, hdrs = VCMP_OVERHEAD + 40;
	static const u32 edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
				    0xffff, 0x7fffffff, 0x80000000, 0xffffffff };
	u32 v = chance(50) ? edge[rnd(ARRAY_SIZE(edge))] : (u32)rnd64();
	u8 *inner = p + VCMP_OVERHEAD;

	if (hdrs > len)
		hdrs = len;
	switch (rnd(16)) {
	case 0:		/* version and type */
		p[1] = (u8)v;
		break;
	case 1:		/* flags */
		p[2] = (u8)(chance(50) ? 1U << rnd(8) : v);
		break;
	case 2:		/* link id */
		p[3] = (u8)v;
		break;
	case 3:		/* segment, sequence numbers, timestamps */
		vcmp_put_be32(p + 4 + rnd(16), v);
		break;
	case 4:		/* FEC index */
		p[22] = (u8)v;
		break;
	case 5:		/* data header: protocol */
		p[VCMP_HDR_LEN] = (u8)(chance(50) ? rnd(16) : v);
		break;
	case 6:		/* fragment byte, id, offset, tclass, reserved */
		p[VCMP_HDR_LEN + 1 + rnd(7)] = (u8)v;
		break;
	case 7:		/* fragment flag plus fragment fields */
		p[2] |= VCMP_F_FRAG;
		p[VCMP_HDR_LEN + 1] = (u8)v;
		vcmp_put_be16(p + VCMP_HDR_LEN + 2, (u16)(FRAG_ID_GOOD | rnd(0x8000)));
		vcmp_put_be16(p + VCMP_HDR_LEN + 4, (u16)(v >> 8));
		break;
	case 8:		/* inner version / IHL */
		inner[0] = (u8)v;
		break;
	case 9:		/* inner length: IPv4 tot_len or IPv6 payload_len */
		vcmp_put_be16(inner + ((inner[0] >> 4) == 4 ? 2 : 4), (u16)v);
		break;
	case 10:	/* inner source address */
		if ((inner[0] >> 4) == 4)
			vcmp_put_be32(inner + 12, v);
		else
			vcmp_put_be32(inner + 8 + 4 * rnd(4), v);
		break;
	case 11:	/* a random byte of the headers */
		p[rnd((u32)hdrs)] = (u8)v;
		break;
	case 12:	/* a bit anywhere */
		p[rnd((u32)len)] ^= (u8)(1 << rnd(8));
		break;
	case 13:	/* shorter than the inner packet claims */
		*lenp = VCMP_OVERHEAD + 1 + rnd((u32)(len - VCMP_OVERHEAD));
		break;
	case 14:	/* PMTU probe or answer of the wrong size */
		p[1] = (u8)(VCMP_WIRE_VERSION << 4 |
			    (chance(50) ? VCMP_TYPE_PMTU_PROBE : VCMP_TYPE_PMTU_ACK));
		break;
	default:	/* several of the above */
		p[rnd((u32)hdrs)] = (u8)rnd64();
		p[rnd((u32)hdrs)] = (u8)rnd64();
		p[rnd((u32)len)] ^= (u8)(1 << rnd(8));
		break;
	}
}

static void gen_mutate(void)
{
	u8 p[PKT_MAX];
	size_t len = vcmp_packet(p, false, 64);

	mutate(p, &len);
	emit(S_PLAIN, C_MUTATE, p, len);
}

static void gen_spi(void)
{
	u8 pt[PKT_MAX], e[PKT_MAX];
	size_t len;
	u32 spi;

	do {
		switch (rnd(4)) {
		case 0:
			spi = rnd(VCMP_SPI_MIN) | 0x01;	/* below vcmp's range */
			break;
		case 1:
			spi = opt.spi + 1 + rnd(16);	/* neighbours */
			break;
		default:
			spi = (u32)rnd64();
			break;
		}
	} while (spi == opt.spi || !(spi >> 24) || (spi >> 24) == 0xff);
	len = vcmp_packet(pt, true, 64);
	if (opt.have_key && chance(10)) {	/* real ESP, wrong SPI */
		len = esp_seal(e, spi, esp_seq + 1, pt, len, 0);
	} else {
		vcmp_put_be32(e, spi);
		vcmp_put_be32(e + 4, (u32)(esp_seq + 1 + rnd(100)));
		rnd_bytes(e + 8, len);
		len += 8 + rnd(40);
	}
	emit(opt.v6 && chance(30) ? S_RAND6 : S_ESP, C_SPI, e, len);
}

/* Authenticated packets with something wrong inside. */
static void gen_auth(void)
{
	u8 pt[PKT_MAX], e[PKT_MAX];
	size_t len = vcmp_packet(pt, true, 64);
	int bad_trailer = 0;
	u32 r = rnd(10);

	if (r < 2)
		bad_trailer = 1 + (int)rnd(3);
	else if (r < 3)
		len = rnd((u32)len);	/* cut inside the plaintext */
	else
		mutate(pt, &len);
	len = esp_new(e, pt, len, bad_trailer);
	esp_bundle(e, len, false, !bad_trailer, C_AUTH);
}

/* The ESP bundles of valid packets, for the "icv" and "replay" classes. */
static void gen_esp_good(void)
{
	u8 pt[PKT_MAX], e[PKT_MAX];
	size_t len = vcmp_packet(pt, true, 200);

	len = esp_new(e, pt, len, 0);
	esp_bundle(e, len, true, true, C_VALID);
}

/* --- fragments -------------------------------------------------------------- */

struct fragment {
	u8 index;
	bool more;
	u16 off;
	u16 len;
};

static u16 frag_id_next;

/* Send fragment @f of inner packet @inner with @id, plain or ESP. */
static void send_frag(bool esp, const u8 *inner, size_t inner_len, bool v6,
		      u16 id, const struct fragment *f, bool good)
{
	struct vcmp_data_hdr d = {
		.proto = v6 ? VCMP_PROTO_IPV6 : VCMP_PROTO_IPV4,
		.frag_more = f->more,
		.frag_index = f->index,
		.frag_id = id,
		.frag_offset = f->off,
	};
	u8 pt[PKT_MAX], e[PKT_MAX];
	size_t len, n = f->len;

	/* Bogus fragments may point past the packet: send what exists. */
	if (f->off >= inner_len)
		n = n < 600 ? n : 600;
	vcmp_headers(pt, esp, v6, &d);
	if (f->off < inner_len && f->off + n <= inner_len)
		memcpy(pt + VCMP_OVERHEAD, inner + f->off, n);
	else
		rnd_bytes(pt + VCMP_OVERHEAD, n);
	if (!f->off)	/* the data header checks the first nibble */
		pt[VCMP_OVERHEAD] = inner[0];
	len = VCMP_OVERHEAD + n;
	if (!esp) {
		emit(S_PLAIN, C_FRAG, pt, len);
		return;
	}
	len = esp_new(e, pt, len, 0);
	emit(S_ESP, C_FRAG, e, len);
	if (good)
		ring_add(e, len);
}

static void shuffle(struct fragment *f, unsigned int n)
{
	struct fragment t;
	unsigned int i, j;

	for (i = n - 1; i > 0; i--) {
		j = rnd(i + 1);
		t = f[i];
		f[i] = f[j];
		f[j] = t;
	}
}

/* Split @len bytes into fragments of 8-600 bytes, at most 128. */
static unsigned int split(struct fragment *f, size_t len)
{
	unsigned int n = 0, size = 8 + rnd(593);
	size_t off = 0;

	if ((len + size - 1) / size > VCMP_FRAGSET_MAX)
		size = (unsigned int)((len + VCMP_FRAGSET_MAX - 1) /
				      VCMP_FRAGSET_MAX);
	while (off < len) {
		f[n].index = (u8)n;
		f[n].off = (u16)off;
		f[n].len = (u16)(len - off < size ? len - off : size);
		off += f[n].len;
		f[n].more = off < len;
		n++;
	}
	return n;
}

static void gen_frag(void)
{
	struct fragment f[VCMP_FRAGSET_MAX + 8];
	u8 inner[4096];
	bool esp = opt.have_key && chance(5);
	bool v6 = chance(30), good = false;
	size_t len = inner_packet(inner, v6, esp, 100 + rnd(2500));
	unsigned int n = split(f, len), i, k;
	u16 id = frag_id_next++ % FRAG_ID_GOOD;
	u32 kind = rnd(100);

	if (n < 2) {	/* nothing to split: one fragment is malformed */
		f[0].more = false;
		n = 1;
	}
	if (kind < 35) {
		/* complete, in order or not */
		good = n >= 2;
		if (chance(70))
			shuffle(f, n);
	} else if (kind < 45) {
		/* a duplicate */
		good = n >= 2;	/* duplicates are dropped, the packet is not */
		f[n] = f[rnd(n)];
		n++;
		shuffle(f, n);
	} else if (kind < 60) {
		/* an overlap or disagreement: offset, length, index, last */
		i = rnd(n);
		switch (rnd(4)) {
		case 0:
			f[n] = f[i];
			f[n].off = (u16)(f[n].off + 1 + rnd(8));
			break;
		case 1:
			f[n] = f[i];
			f[n].len = (u16)(f[n].len + 1 + rnd(8));
			break;
		case 2:
			f[n] = f[i];
			f[n].more = !f[n].more;
			break;
		default:
			f[n] = f[i];
			f[n].index = (u8)(n + rnd(20));
			f[n].more = false;
			break;
		}
		if (!f[n].index != !f[n].off)
			f[n].off = (u16)(f[n].index ? 1 : 0);
		n++;
		shuffle(f, n);
	} else if (kind < 75) {
		/* holes: one to all but one missing; the rest times out */
		k = 1 + rnd(n - 1 ? n - 1 : 1);
		shuffle(f, n);
		n -= k < n ? k : n - 1;
	} else if (kind < 85) {
		/* bogus offsets and indexes */
		for (i = 0; i < n; i++) {
			if (!chance(30))
				continue;
			switch (rnd(4)) {
			case 0:
				f[i].off = (u16)(65535 - rnd(64));
				break;
			case 1:
				f[i].index = (u8)rnd(128);
				break;
			case 2:
				f[i].off = 0;
				break;
			default:
				f[i].more = false;
				f[i].index = 0;
				break;
			}
		}
		shuffle(f, n);
	} else {
		/* a flood of first fragments, each its own id, no more */
		k = 20 + rnd(200);
		f[0].more = true;
		if (f[0].len > 1200 - VCMP_OVERHEAD)
			f[0].len = 1200 - VCMP_OVERHEAD;
		for (i = 0; i < k && budget_left(); i++)
			send_frag(false, inner, len, v6,
				  (u16)(frag_id_next++ % FRAG_ID_GOOD), &f[0],
				  false);
		return;
	}
	for (i = 0; i < n && budget_left(); i++)
		send_frag(esp, inner, len, v6, id, &f[i], good);
	if (good && i == n)
		good_total++;
}

/* --- main ------------------------------------------------------------------- */

/* Each generator's share of the datagrams (weights), and what it sent. */
static struct {
	void (*fn)(void);
	u64 weight;
	bool esp;	/* needs the key */
	const char *name;
	u64 sent;
	u64 ns;
} gens[] = {
	{ gen_random, 12, false, "random", 0, 0 },
	{ gen_trunc, 10, false, "trunc", 0, 0 },
	{ gen_mutate, 27, false, "mutate", 0, 0 },
	{ gen_spi, 8, false, "spi", 0, 0 },
	{ gen_frag, 23, false, "frag", 0, 0 },
	{ gen_auth, 10, true, "auth", 0, 0 },
	{ gen_esp_good, 10, true, "esp", 0, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s --dst ADDR [--port PORT] --src ADDR [options]\n"
"  --dst ADDR          the device's underlay address (IPv4)\n"
"  --port PORT         its tunnel port (default 2426)\n"
"  --src ADDR          local address the datagrams come from\n"
"  --dst6 ADDR, --src6 ADDR  the same in IPv6: some random bytes and\n"
"                      unknown SPIs go there\n"
"  --plain-src PORT    source port of plain packets, the plain peer's link\n"
"                      endpoint (default 40001)\n"
"  --plain-link ID     that link's id (default 1)\n"
"  --plain-inner A,A6  the plain peer's allowed inner sources\n"
"  --esp-src PORT      source port of ESP packets (default 40002)\n"
"  --esp-link ID       the ESP peer's link id (default 1)\n"
"  --esp-inner A,A6    the ESP peer's allowed inner sources\n"
"  --inner-dst A,A6    inner destination addresses\n"
"  --spi SPI           the device's inbound SA for the ESP peer\n"
"  --key HEX           its key, aes-gcm-128 (20 bytes); without it, no\n"
"                      authenticated packets are sent\n"
"  --rand-src PORT     first of %d source ports no peer has (default 40010)\n"
"  --count N           datagrams to send (default 1000000)\n"
"  --rate PPS          at most PPS datagrams per second (default: no limit)\n"
"  --seed N            random seed (default: from the clock)\n",
		prog, RAND_SOCKS);
}

static unsigned long long num(const char *o, const char *a)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(a, &end, 0);
	if (errno || end == a || *end || a[0] == '-')
		die("%s: \"%s\" is not a number", o, a);
	return v;
}

static void addr_pair(const char *o, char *a, struct in_addr *v4,
		      struct in6_addr *v6)
{
	char *comma = strchr(a, ',');

	if (!comma)
		die("%s: want IPV4,IPV6", o);
	*comma = 0;
	if (inet_pton(AF_INET, a, v4) != 1 ||
	    inet_pton(AF_INET6, comma + 1, v6) != 1)
		die("%s: want IPV4,IPV6", o);
}

static void hex_key(const char *a)
{
	unsigned int i, b;

	if (strlen(a) != 2 * GCM_KEY_LEN)
		die("--key: want %d hex digits", 2 * GCM_KEY_LEN);
	for (i = 0; i < GCM_KEY_LEN; i++) {
		if (sscanf(a + 2 * i, "%2x", &b) != 1)
			die("--key: not hexadecimal");
		opt.key[i] = (u8)b;
	}
	opt.have_key = true;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dst", 1, NULL, 'd' }, { "port", 1, NULL, 'p' },
		{ "src", 1, NULL, 's' }, { "plain-src", 1, NULL, 'P' },
		{ "plain-link", 1, NULL, 'L' }, { "plain-inner", 1, NULL, 'I' },
		{ "esp-src", 1, NULL, 'E' }, { "esp-link", 1, NULL, 'l' },
		{ "esp-inner", 1, NULL, 'i' }, { "inner-dst", 1, NULL, 'D' },
		{ "spi", 1, NULL, 'S' }, { "key", 1, NULL, 'k' },
		{ "rand-src", 1, NULL, 'R' }, { "count", 1, NULL, 'n' },
		{ "rate", 1, NULL, 'r' }, { "seed", 1, NULL, 'x' },
		{ "dst6", 1, NULL, '6' }, { "src6", 1, NULL, 'o' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	bool have_dst = false, have_src = false, have_seed = false;
	char a4[] = "10.9.0.3,fd09::3", b4[] = "10.9.0.2,fd09::2";
	char c4[] = "10.9.0.1,fd09::1";
	unsigned int s, best;
	u64 t, before;
	int c;

	opt.dst.sin_family = AF_INET;
	opt.dst6.sin6_family = AF_INET6;
	opt.dst.sin_port = htons(2426);
	opt.plain_port = 40001;
	opt.esp_port = 40002;
	opt.rand_port = 40010;
	opt.plain_link = 1;
	opt.esp_link = 1;
	opt.spi = VCMP_SPI_MIN + 1;
	opt.count = 1000000;
	addr_pair("plain", a4, &opt.in4_plain, &opt.in6_plain);
	addr_pair("esp", b4, &opt.in4_esp, &opt.in6_esp);
	addr_pair("dst", c4, &opt.in4_dst, &opt.in6_dst);

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (inet_pton(AF_INET, optarg, &opt.dst.sin_addr) != 1)
				die("--dst: not an IPv4 address");
			have_dst = true;
			break;
		case '6':
			if (inet_pton(AF_INET6, optarg, &opt.dst6.sin6_addr) != 1)
				die("--dst6: not an IPv6 address");
			opt.v6 = true;
			break;
		case 'o':
			if (inet_pton(AF_INET6, optarg, &opt.src6) != 1)
				die("--src6: not an IPv6 address");
			break;
		case 'p':
			opt.dst.sin_port = htons((u16)num("--port", optarg));
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &opt.src) != 1)
				die("--src: not an IPv4 address");
			have_src = true;
			break;
		case 'P':
			opt.plain_port = (u16)num("--plain-src", optarg);
			break;
		case 'L':
			opt.plain_link = (u8)num("--plain-link", optarg);
			break;
		case 'I':
			addr_pair("--plain-inner", optarg, &opt.in4_plain,
				  &opt.in6_plain);
			break;
		case 'E':
			opt.esp_port = (u16)num("--esp-src", optarg);
			break;
		case 'l':
			opt.esp_link = (u8)num("--esp-link", optarg);
			break;
		case 'i':
			addr_pair("--esp-inner", optarg, &opt.in4_esp,
				  &opt.in6_esp);
			break;
		case 'D':
			addr_pair("--inner-dst", optarg, &opt.in4_dst,
				  &opt.in6_dst);
			break;
		case 'S':
			opt.spi = (u32)num("--spi", optarg);
			break;
		case 'k':
			hex_key(optarg);
			break;
		case 'R':
			opt.rand_port = (u16)num("--rand-src", optarg);
			break;
		case 'n':
			opt.count = num("--count", optarg);
			break;
		case 'r':
			opt.rate = num("--rate", optarg);
			break;
		case 'x':
			opt.seed = num("--seed", optarg);
			have_seed = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!have_dst || !have_src || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!have_seed)
		opt.seed = now_ns() ^ ((u64)getpid() << 32);
	printf("seed=%llu\n", (unsigned long long)opt.seed);
	fflush(stdout);
	rng_state = opt.seed ? opt.seed : 1;

	q[S_RAND6].fd = opt.v6 ? udp_socket6(opt.rand_port) : -1;
	q[S_PLAIN].fd = udp_socket(opt.plain_port);
	q[S_ESP].fd = udp_socket(opt.esp_port);
	for (s = 0; s < RAND_SOCKS; s++)
		q[S_RAND0 + s].fd = udp_socket((u16)(opt.rand_port + s));
	if (opt.have_key)
		alg_init();

	t_start = now_ns();
	while (budget_left()) {
		/* The generator furthest behind its share of datagrams. */
		best = 0;
		for (s = 1; s < ARRAY_SIZE(gens); s++) {
			if (!opt.have_key && gens[s].esp)
				continue;
			if (gens[s].sent * gens[best].weight <
			    gens[best].sent * gens[s].weight)
				best = s;
		}
		before = sent_total + queued();
		t = now_ns();
		gens[best].fn();
		gens[best].ns += now_ns() - t;
		gens[best].sent += sent_total + queued() - before;
	}
	flush_all();
	t = now_ns() - t_start;

	for (s = 0; s < C_COUNT; s++)
		printf("%s=%llu\n", cls_name[s], (unsigned long long)sent_cls[s]);
	printf("good=%llu\n", (unsigned long long)good_total);
	printf("sent=%llu\n", (unsigned long long)sent_total);
	printf("esp_seq=%llu\n", (unsigned long long)esp_seq);
	printf("seconds=%.2f\n", (double)t / 1e9);
	for (s = 0; s < ARRAY_SIZE(gens); s++)
		printf("time_%s=%.2f\n", gens[s].name, (double)gens[s].ns / 1e9);
	printf("encryptions=%llu\n", (unsigned long long)seal_n);
	printf("time_encrypt=%.2f\n", (double)seal_ns / 1e9);
	printf("pps=%.0f\n", (double)sent_total * 1e9 / (double)(t ? t : 1));
	return 0;
}
