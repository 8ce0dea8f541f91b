/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Traffic classification: match an inner IPv4 or IPv6 packet against an
 * ordered list of rules (DSCP, protocol, inner source and destination
 * prefixes, source and destination port ranges) and return the class of
 * the first rule that matches, or class 0 (the default class).
 *
 * Pure logic (see pure.h): no allocation, no locking. The caller hands
 * the linear start of the packet; what is not there does not match (a
 * port rule never matches a packet without ports: a non-first IPv4
 * fragment, an IPv6 packet whose first next header is not TCP, UDP,
 * UDP-Lite, SCTP or DCCP, or a truncated header).
 */
#ifndef _VCMP_CLASSIFY_H
#define _VCMP_CLASSIFY_H

#include "pure.h"

#define VCMP_CLASSES_MAX	16	/* class ids 0 (default) to 15 */
#define VCMP_RULES_MAX		64

/* What a packet is classified by. */
struct vcmp_pkt_key {
	u8 family;		/* 4 or 6 */
	u8 dscp;		/* 0-63 */
	u8 proto;		/* IPv4 protocol / IPv6 first next header */
	bool has_ports;
	u16 sport;
	u16 dport;
	u8 src[16];		/* IPv4: the first 4 bytes */
	u8 dst[16];
};

/* Bits of vcmp_rule.match: the fields a rule looks at. */
#define VCMP_RULE_M_DSCP	BIT(0)
#define VCMP_RULE_M_PROTO	BIT(1)
#define VCMP_RULE_M_SRC		BIT(2)
#define VCMP_RULE_M_DST		BIT(3)
#define VCMP_RULE_M_SPORT	BIT(4)
#define VCMP_RULE_M_DPORT	BIT(5)

/*
 * struct vcmp_rule - one classification rule
 * @id: rule id; rules are tried in ascending id order
 * @class_id: class of the packets it matches
 * @family: 0 for both, 4 or 6; a prefix requires 4 or 6
 * @match: VCMP_RULE_M_* bits; fields whose bit is clear are ignored
 * @dscp, @proto: exact values
 * @src_cidr, @dst_cidr: prefix lengths (at most 32 or 128)
 * @src, @dst: prefixes, host bits zero
 * @sport_min .. @sport_max, @dport_min .. @dport_max: inclusive ranges
 */
struct vcmp_rule {
	u16 id;
	u8 class_id;
	u8 family;
	u8 match;
	u8 dscp;
	u8 proto;
	u8 src_cidr;
	u8 dst_cidr;
	u8 src[16];
	u8 dst[16];
	u16 sport_min;
	u16 sport_max;
	u16 dport_min;
	u16 dport_max;
};

int vcmp_classify_parse(const u8 *pkt, size_t len, struct vcmp_pkt_key *key);
int vcmp_rule_check(struct vcmp_rule *rule);
bool vcmp_rule_match(const struct vcmp_rule *rule,
		     const struct vcmp_pkt_key *key);
u8 vcmp_class_of(const struct vcmp_rule *rules, unsigned int n,
		 const struct vcmp_pkt_key *key);

#endif /* _VCMP_CLASSIFY_H */
