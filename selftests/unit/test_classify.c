// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/classify.c: parsing IPv4 and IPv6 headers
 * (DSCP, protocol, addresses, ports; fragments, truncated and foreign
 * packets), rule validation and normalisation, and first-match
 * classification with every kind of field.
 */
#include "classify.h"
#include "unit.h"

static size_t ip4(u8 *p, u8 tos, u8 proto, const u8 *src, const u8 *dst,
		  u16 sport, u16 dport, u16 frag)
{
	memset(p, 0, 64);
	p[0] = 0x45;
	p[1] = tos;
	vcmp_put_be16(p + 6, frag);
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	vcmp_put_be16(p + 20, sport);
	vcmp_put_be16(p + 22, dport);
	return 28;
}

static size_t ip6(u8 *p, u8 tc, u8 nh, u8 last, u16 sport, u16 dport)
{
	memset(p, 0, 64);
	p[0] = 0x60 | tc >> 4;
	p[1] = (u8)(tc << 4);
	p[6] = nh;
	p[8] = 0x20;
	p[9] = 0x01;
	p[23] = 1;
	p[24] = 0x20;
	p[25] = 0x01;
	p[39] = last;
	vcmp_put_be16(p + 40, sport);
	vcmp_put_be16(p + 42, dport);
	return 48;
}

static const u8 a1[4] = { 10, 1, 2, 3 }, a2[4] = { 192, 168, 7, 9 };

static void test_parse_v4(void)
{
	struct vcmp_pkt_key k;
	u8 p[64];
	size_t n = ip4(p, 46 << 2, 17, a1, a2, 5000, 53, 0);

	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK_EQ(k.family, 4);
	CHECK_EQ(k.dscp, 46);
	CHECK_EQ(k.proto, 17);
	CHECK(k.has_ports);
	CHECK_EQ(k.sport, 5000);
	CHECK_EQ(k.dport, 53);
	CHECK(!memcmp(k.src, a1, 4) && !memcmp(k.dst, a2, 4));
	/* Truncated before the ports: no ports. */
	CHECK_EQ(vcmp_classify_parse(p, 22, &k), 0);
	CHECK(!k.has_ports);
	/* ICMP has none. */
	n = ip4(p, 0, 1, a1, a2, 5000, 53, 0);
	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK(!k.has_ports);
	/* Non-first fragment: none; first fragment (MF only): ports. */
	n = ip4(p, 0, 6, a1, a2, 1, 2, 0x0010);
	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK(!k.has_ports);
	n = ip4(p, 0, 6, a1, a2, 1, 2, 0x2000);
	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK(k.has_ports && k.sport == 1 && k.dport == 2);
	/* Options move the ports. */
	n = ip4(p, 0, 6, a1, a2, 0, 0, 0);
	p[0] = 0x46;
	vcmp_put_be16(p + 24, 77);
	vcmp_put_be16(p + 26, 88);
	CHECK_EQ(vcmp_classify_parse(p, 28, &k), 0);
	CHECK(k.has_ports && k.sport == 77 && k.dport == 88);
	/* Bad: short, IHL < 5, version 5, empty. */
	CHECK_EQ(vcmp_classify_parse(p, 19, &k), -EINVAL);
	p[0] = 0x44;
	CHECK_EQ(vcmp_classify_parse(p, 28, &k), -EINVAL);
	CHECK_EQ(k.family, 0);
	p[0] = 0x55;
	CHECK_EQ(vcmp_classify_parse(p, 28, &k), -EINVAL);
	CHECK_EQ(vcmp_classify_parse(p, 0, &k), -EINVAL);
}

static void test_parse_v6(void)
{
	struct vcmp_pkt_key k;
	u8 p[64];
	size_t n = ip6(p, 34 << 2, 6, 2, 40000, 443);

	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK_EQ(k.family, 6);
	CHECK_EQ(k.dscp, 34);
	CHECK_EQ(k.proto, 6);
	CHECK(k.has_ports && k.sport == 40000 && k.dport == 443);
	CHECK_EQ(k.src[0], 0x20);
	CHECK_EQ(k.src[15], 1);
	CHECK_EQ(k.dst[15], 2);
	n = ip6(p, 0, 58, 2, 1, 1);
	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK(!k.has_ports);
	/* An extension header first: no ports either. */
	n = ip6(p, 0, 0, 2, 1, 1);
	CHECK_EQ(vcmp_classify_parse(p, n, &k), 0);
	CHECK(!k.has_ports);
	CHECK_EQ(vcmp_classify_parse(p, 39, &k), -EINVAL);
}

static void test_check(void)
{
	struct vcmp_rule r;

	memset(&r, 0, sizeof(r));
	CHECK_EQ(vcmp_rule_check(&r), 0);
	r.family = 5;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.family = 0;
	r.match = VCMP_RULE_M_SRC;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);	/* prefix needs a family */
	r.family = 4;
	r.src_cidr = 33;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.src_cidr = 20;
	memset(r.src, 0xff, 16);
	CHECK_EQ(vcmp_rule_check(&r), 0);
	CHECK_EQ(r.src[1], 0xff);
	CHECK_EQ(r.src[2], 0xf0);
	CHECK_EQ(r.src[3], 0);
	CHECK_EQ(r.src[4], 0);
	r.family = 6;
	r.src_cidr = 129;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.src_cidr = 128;
	CHECK_EQ(vcmp_rule_check(&r), 0);
	r.match = VCMP_RULE_M_DSCP;
	r.dscp = 64;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.dscp = 63;
	CHECK_EQ(vcmp_rule_check(&r), 0);
	CHECK_EQ(r.src_cidr, 0);
	r.match = VCMP_RULE_M_SPORT;
	r.sport_min = 10;
	r.sport_max = 9;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.match = VCMP_RULE_M_DPORT;
	r.dport_min = 10;
	r.dport_max = 9;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.dport_max = 10;
	CHECK_EQ(vcmp_rule_check(&r), 0);
	CHECK_EQ(r.sport_min, 0);
	r.class_id = VCMP_CLASSES_MAX;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
	r.class_id = 0;
	r.match = 0x40;
	CHECK_EQ(vcmp_rule_check(&r), -EINVAL);
}

static void test_classify(void)
{
	struct vcmp_rule rules[5];
	struct vcmp_pkt_key k;
	u8 p[64];
	size_t n;

	memset(rules, 0, sizeof(rules));
	rules[0].class_id = 1;
	rules[0].match = VCMP_RULE_M_DSCP;
	rules[0].dscp = 46;
	rules[1].class_id = 2;
	rules[1].match = VCMP_RULE_M_PROTO | VCMP_RULE_M_DPORT;
	rules[1].proto = 17;
	rules[1].dport_min = 5000;
	rules[1].dport_max = 5009;
	rules[2].class_id = 3;
	rules[2].family = 4;
	rules[2].match = VCMP_RULE_M_SRC | VCMP_RULE_M_DST;
	memcpy(rules[2].src, a1, 4);
	rules[2].src_cidr = 8;
	memcpy(rules[2].dst, a2, 4);
	rules[2].dst_cidr = 24;
	rules[3].class_id = 4;
	rules[3].match = VCMP_RULE_M_SPORT;
	rules[3].sport_min = 100;
	rules[3].sport_max = 100;
	rules[4].class_id = 5;
	rules[4].family = 6;
	for (n = 0; n < 5; n++)
		CHECK_EQ(vcmp_rule_check(&rules[n]), 0);

	n = ip4(p, 46 << 2, 6, a1, a2, 1, 5005, 0);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 1);	/* first match wins */
	n = ip4(p, 0, 17, a1, a2, 1, 5005, 0);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 2);
	n = ip4(p, 0, 17, a1, a2, 1, 5010, 0);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 3);	/* port out of range */
	n = ip4(p, 0, 17, a2, a2, 100, 5010, 0);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 4);	/* src prefix misses */
	n = ip4(p, 0, 1, a2, a2, 100, 5010, 0);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 0);	/* ICMP: no ports */
	n = ip6(p, 0, 17, 2, 1, 5001);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 2);
	n = ip6(p, 0, 58, 2, 1, 5001);
	vcmp_classify_parse(p, n, &k);
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 5);
	CHECK_EQ(vcmp_class_of(rules, 0, &k), 0);
	/* A rule looking at nothing matches everything, even junk. */
	memset(&k, 0, sizeof(k));
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 0);
	rules[0].match = 0;
	CHECK_EQ(vcmp_class_of(rules, 5, &k), 1);
}

int main(void)
{
	unit_plan(4);
	unit_run("parse_v4", test_parse_v4);
	unit_run("parse_v6", test_parse_v6);
	unit_run("rule_check", test_check);
	unit_run("classify", test_classify);
	return unit_exit();
}
