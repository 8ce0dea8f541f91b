// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kernel/tcpmss.c: MSS clamping of SYN and SYN-ACK segments
 * with the TCP checksum kept valid, checked by recomputing it in full
 * over an IPv4 or IPv6 pseudo-header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpmss.h"
#include "unit.h"

/* A TCP segment and the pseudo-header that its checksum covers. */
struct seg {
	u8 pseudo[40];
	unsigned int plen;
	u8 tcp[160];
	unsigned int len;
};

static u32 sum16(const u8 *p, unsigned int len, u32 sum)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

static u16 full_csum(const struct seg *s)
{
	u32 sum = sum16(s->pseudo, s->plen, 0);

	sum = sum16(s->tcp, s->len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static void seg_fix_csum(struct seg *s)
{
	s->tcp[16] = 0;
	s->tcp[17] = 0;
	vcmp_put_be16(s->tcp + 16, full_csum(s));
}

static bool seg_csum_ok(const struct seg *s)
{
	/* The sum over everything, checksum included, is 0xffff: ~ is 0. */
	return full_csum(s) == 0;
}

/* A segment with @flags and the options @opt (padded to 4 bytes). */
static void seg_make(struct seg *s, bool v6, u8 flags, const u8 *opt,
		     unsigned int olen, unsigned int payload)
{
	unsigned int hlen = VCMP_TCP_HDR_LEN + ((olen + 3) & ~3u), i;

	memset(s, 0, sizeof(*s));
	s->plen = v6 ? 40 : 12;
	for (i = 0; i < s->plen; i++)
		s->pseudo[i] = (u8)(i * 37 + 11);
	s->len = hlen + payload;
	vcmp_put_be16(s->tcp, 40000);
	vcmp_put_be16(s->tcp + 2, 443);
	vcmp_put_be32(s->tcp + 4, 0x12345678);
	s->tcp[12] = (u8)((hlen / 4) << 4);
	s->tcp[13] = flags;
	vcmp_put_be16(s->tcp + 14, 64240);
	if (olen)
		memcpy(s->tcp + VCMP_TCP_HDR_LEN, opt, olen);
	for (i = hlen; i < s->len; i++)
		s->tcp[i] = (u8)(i * 7);
	/* the pseudo-header's length fields follow the segment */
	vcmp_put_be16(s->pseudo + (v6 ? 34 : 10), (u16)s->len);
	seg_fix_csum(s);
}

static const u8 opt_mss1460[] = { 2, 4, 0x05, 0xb4 };
/* Linux's SYN options: MSS, SACK-permitted, timestamps, NOP, wscale. */
static const u8 opt_linux[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4,
				0, 0, 0, 0, 1, 3, 3, 7 };
/* MSS at an odd offset: one NOP first. */
static const u8 opt_odd[] = { 1, 2, 4, 0x23, 0x28, 1, 1, 1 };

static u16 seg_mss_at(const struct seg *s, unsigned int off)
{
	return vcmp_get_be16(s->tcp + off);
}

static void test_syn_clamped_v4(void)
{
	struct seg s;
	u16 old = 0;

	seg_make(&s, false, VCMP_TCP_FLAG_SYN, opt_mss1460, 4, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1367, &old), VCMP_MSS_CLAMPED);
	CHECK_EQ(old, 1460);
	CHECK_EQ(seg_mss_at(&s, 22), 1367);
	CHECK(seg_csum_ok(&s));
}

static void test_synack_clamped_v6(void)
{
	struct seg s;

	seg_make(&s, true, VCMP_TCP_FLAG_SYN | 0x10, opt_linux,
		 sizeof(opt_linux), 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1347, NULL), VCMP_MSS_CLAMPED);
	CHECK_EQ(seg_mss_at(&s, 22), 1347);
	CHECK(seg_csum_ok(&s));
	/* the other options are untouched */
	CHECK(!memcmp(s.tcp + 24, opt_linux + 4, sizeof(opt_linux) - 4));
}

static void test_odd_offset(void)
{
	struct seg s;

	seg_make(&s, false, VCMP_TCP_FLAG_SYN, opt_odd, sizeof(opt_odd), 3);
	CHECK_EQ(seg_mss_at(&s, 23), 9000);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1400, NULL), VCMP_MSS_CLAMPED);
	CHECK_EQ(seg_mss_at(&s, 23), 1400);
	CHECK(seg_csum_ok(&s));
}

static void test_never_raised(void)
{
	static const u8 small[] = { 2, 4, 0x02, 0x18 };	/* 536 */
	struct seg s, copy;

	seg_make(&s, false, VCMP_TCP_FLAG_SYN, small, 4, 0);
	copy = s;
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1367, NULL), VCMP_MSS_UNTOUCHED);
	CHECK(!memcmp(&s, &copy, sizeof(s)));
	/* equal is not changed either */
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 536, NULL), VCMP_MSS_UNTOUCHED);
}

static void test_not_syn(void)
{
	struct seg s, copy;

	seg_make(&s, false, 0x10, opt_mss1460, 4, 100);
	copy = s;
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_UNTOUCHED);
	CHECK(!memcmp(&s, &copy, sizeof(s)));
}

static void test_no_mss_option(void)
{
	static const u8 ts[] = { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 eol_first[] = { 0, 0, 0, 0, 2, 4, 0x05, 0xb4 };
	struct seg s;

	seg_make(&s, false, VCMP_TCP_FLAG_SYN, NULL, 0, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_UNTOUCHED);
	seg_make(&s, false, VCMP_TCP_FLAG_SYN, ts, sizeof(ts), 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_UNTOUCHED);
	/* options end at EOL: an MSS after it is not an option */
	seg_make(&s, false, VCMP_TCP_FLAG_SYN, eol_first, sizeof(eol_first), 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_UNTOUCHED);
	CHECK_EQ(seg_mss_at(&s, 26), 1460);
}

static void test_malformed(void)
{
	static const u8 zero_len[] = { 8, 0, 0, 0 };
	static const u8 overrun[] = { 8, 9, 0, 0 };
	static const u8 mss3[] = { 2, 3, 5, 0 };
	static const u8 last_byte[] = { 1, 1, 1, 2 };
	struct seg s;

	seg_make(&s, false, VCMP_TCP_FLAG_SYN, zero_len, 4, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_MALFORMED);
	seg_make(&s, false, VCMP_TCP_FLAG_SYN, overrun, 4, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_MALFORMED);
	seg_make(&s, false, VCMP_TCP_FLAG_SYN, mss3, 4, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_MALFORMED);
	seg_make(&s, false, VCMP_TCP_FLAG_SYN, last_byte, 4, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_MALFORMED);
	/* data offset beyond the buffer, and below 5 words */
	seg_make(&s, false, VCMP_TCP_FLAG_SYN, opt_mss1460, 4, 0);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, 23, 1000, NULL), VCMP_MSS_MALFORMED);
	s.tcp[12] = 4 << 4;
	CHECK_EQ(vcmp_mss_clamp(s.tcp, s.len, 1000, NULL), VCMP_MSS_MALFORMED);
	CHECK_EQ(vcmp_mss_clamp(s.tcp, 19, 1000, NULL), VCMP_MSS_MALFORMED);
}

/* The incremental update equals a full recomputation for every value. */
static void test_csum_replace_exhaustive(void)
{
	struct seg s;
	unsigned int off, v, bad = 0;

	for (off = 20; off <= 21; off++) {
		seg_make(&s, false, 0, NULL, 0, 40);
		for (v = 0; v < 0x10000; v++) {
			u16 old = vcmp_get_be16(s.tcp + off);
			u16 c = vcmp_get_be16(s.tcp + 16);

			vcmp_put_be16(s.tcp + off, (u16)v);
			vcmp_put_be16(s.tcp + 16,
				      vcmp_csum_replace16(c, off, old, (u16)v));
			if (!seg_csum_ok(&s))
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

/* Random option lists: no crash, and when clamped everything holds. */
static void test_random(void)
{
	unsigned int t, clamped = 0, malformed = 0, bad = 0;
	struct seg s;
	u8 opt[40];

	srand(2426);
	for (t = 0; t < 200000; t++) {
		unsigned int olen = (unsigned int)rand() % 41, i;
		u16 max = (u16)(rand() % 2000 + 500), old = 0;
		enum vcmp_mss_result r;

		for (i = 0; i < olen; i++)
			opt[i] = (u8)(rand() % 4 ? rand() % 10 : rand());
		if (olen >= 4 && rand() % 2) {
			i = (unsigned int)rand() % (olen - 3);
			opt[i] = 2;
			opt[i + 1] = 4;
		}
		seg_make(&s, rand() % 2, (u8)(rand() % 2 ? 0x02 : 0x12), opt,
			 olen, (unsigned int)rand() % 4);
		r = vcmp_mss_clamp(s.tcp, s.len, max, &old);
		if (r == VCMP_MSS_CLAMPED) {
			clamped++;
			if (!seg_csum_ok(&s) || old <= max)
				bad++;
		} else if (r == VCMP_MSS_MALFORMED) {
			malformed++;
		}
		if (!seg_csum_ok(&s))
			bad++;
	}
	printf("# random: 200000 segments, %u clamped, %u malformed\n",
	       clamped, malformed);
	CHECK(clamped > 1000);
	CHECK(malformed > 1000);
	CHECK_EQ(bad, 0);
}

int main(void)
{
	unit_plan(9);
	unit_run("SYN over IPv4: MSS lowered, checksum valid", test_syn_clamped_v4);
	unit_run("SYN-ACK over IPv6 with Linux's options", test_synack_clamped_v6);
	unit_run("MSS option at an odd offset", test_odd_offset);
	unit_run("MSS never raised", test_never_raised);
	unit_run("segments without SYN untouched", test_not_syn);
	unit_run("no MSS option, or only after EOL", test_no_mss_option);
	unit_run("malformed options and data offsets refused", test_malformed);
	unit_run("incremental checksum: all 65536 values, both alignments",
		 test_csum_replace_exhaustive);
	unit_run("200,000 random option lists", test_random);
	return unit_exit();
}
