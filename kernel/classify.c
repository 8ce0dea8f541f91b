// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic classification rules (classify.h). Pure logic: compiled in the
 * kernel and, for the unit tests and the fuzzer, in userspace.
 */
#include "classify.h"

#define VCMP_IPPROTO_TCP	6
#define VCMP_IPPROTO_UDP	17
#define VCMP_IPPROTO_DCCP	33
#define VCMP_IPPROTO_SCTP	132
#define VCMP_IPPROTO_UDPLITE	136

static bool vcmp_classify_has_ports(u8 proto)
{
	return proto == VCMP_IPPROTO_TCP || proto == VCMP_IPPROTO_UDP ||
	       proto == VCMP_IPPROTO_DCCP || proto == VCMP_IPPROTO_SCTP ||
	       proto == VCMP_IPPROTO_UDPLITE;
}

/**
 * vcmp_classify_parse - read what rules match on from an inner packet
 * @pkt: the packet, from its IP header
 * @len: bytes of it available
 * @key: filled in
 *
 * Return: 0, or -EINVAL when @pkt is no IPv4/IPv6 header (@key is then
 * zeroed: the packet matches only rules that look at nothing).
 */
int vcmp_classify_parse(const u8 *pkt, size_t len, struct vcmp_pkt_key *key)
{
	size_t l4;

	memset(key, 0, sizeof(*key));
	if (len < 1)
		return -EINVAL;
	if (pkt[0] >> 4 == 4) {
		if (len < 20 || (pkt[0] & 15) < 5)
			return -EINVAL;
		key->family = 4;
		key->dscp = pkt[1] >> 2;
		key->proto = pkt[9];
		memcpy(key->src, pkt + 12, 4);
		memcpy(key->dst, pkt + 16, 4);
		l4 = (size_t)(pkt[0] & 15) * 4;
		/* A fragment other than the first carries no ports. */
		if (vcmp_get_be16(pkt + 6) & 0x1fff)
			return 0;
	} else if (pkt[0] >> 4 == 6) {
		if (len < 40)
			return -EINVAL;
		key->family = 6;
		key->dscp = (u8)(vcmp_get_be16(pkt) >> 6) & 63;
		key->proto = pkt[6];
		memcpy(key->src, pkt + 8, 16);
		memcpy(key->dst, pkt + 24, 16);
		l4 = 40;
	} else {
		return -EINVAL;
	}
	if (vcmp_classify_has_ports(key->proto) && len >= l4 + 4) {
		key->has_ports = true;
		key->sport = vcmp_get_be16(pkt + l4);
		key->dport = vcmp_get_be16(pkt + l4 + 2);
	}
	return 0;
}

static bool vcmp_prefix_match(const u8 *prefix, u8 cidr, const u8 *addr)
{
	unsigned int bytes = cidr / 8, bits = cidr % 8;

	if (memcmp(prefix, addr, bytes))
		return false;
	if (!bits)
		return true;
	return !((prefix[bytes] ^ addr[bytes]) & (u8)(0xff << (8 - bits)));
}

static void vcmp_prefix_mask(u8 *prefix, u8 cidr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (cidr >= 8) {
			cidr -= 8;
		} else {
			prefix[i] &= (u8)(0xff << (8 - cidr));
			cidr = 0;
		}
	}
}

/**
 * vcmp_rule_check - validate a rule and normalise it
 * @rule: the rule; host bits of its prefixes are cleared, unused fields
 *	zeroed
 *
 * Return: 0, or -EINVAL: a prefix without family 4 or 6, a prefix length
 * too long for the family, a DSCP above 63, an empty port range, a
 * class id of VCMP_CLASSES_MAX or more, or a family other than 0, 4, 6.
 */
int vcmp_rule_check(struct vcmp_rule *rule)
{
	unsigned int alen = rule->family == 4 ? 4 : 16;
	u8 maxc = rule->family == 4 ? 32 : 128;

	if (rule->family != 0 && rule->family != 4 && rule->family != 6)
		return -EINVAL;
	if (rule->class_id >= VCMP_CLASSES_MAX)
		return -EINVAL;
	if (rule->match & ~(VCMP_RULE_M_DSCP | VCMP_RULE_M_PROTO |
			    VCMP_RULE_M_SRC | VCMP_RULE_M_DST |
			    VCMP_RULE_M_SPORT | VCMP_RULE_M_DPORT))
		return -EINVAL;
	if ((rule->match & (VCMP_RULE_M_SRC | VCMP_RULE_M_DST)) &&
	    !rule->family)
		return -EINVAL;
	if (rule->match & VCMP_RULE_M_SRC) {
		if (rule->src_cidr > maxc)
			return -EINVAL;
		vcmp_prefix_mask(rule->src, rule->src_cidr, alen);
		memset(rule->src + alen, 0, sizeof(rule->src) - alen);
	} else {
		rule->src_cidr = 0;
		memset(rule->src, 0, sizeof(rule->src));
	}
	if (rule->match & VCMP_RULE_M_DST) {
		if (rule->dst_cidr > maxc)
			return -EINVAL;
		vcmp_prefix_mask(rule->dst, rule->dst_cidr, alen);
		memset(rule->dst + alen, 0, sizeof(rule->dst) - alen);
	} else {
		rule->dst_cidr = 0;
		memset(rule->dst, 0, sizeof(rule->dst));
	}
	if (rule->match & VCMP_RULE_M_DSCP) {
		if (rule->dscp > 63)
			return -EINVAL;
	} else {
		rule->dscp = 0;
	}
	if (!(rule->match & VCMP_RULE_M_PROTO))
		rule->proto = 0;
	if (rule->match & VCMP_RULE_M_SPORT) {
		if (rule->sport_min > rule->sport_max)
			return -EINVAL;
	} else {
		rule->sport_min = 0;
		rule->sport_max = 0;
	}
	if (rule->match & VCMP_RULE_M_DPORT) {
		if (rule->dport_min > rule->dport_max)
			return -EINVAL;
	} else {
		rule->dport_min = 0;
		rule->dport_max = 0;
	}
	return 0;
}

/**
 * vcmp_rule_match - whether @key matches every field @rule looks at
 * @rule: a rule vcmp_rule_check() accepted
 * @key: from vcmp_classify_parse()
 */
bool vcmp_rule_match(const struct vcmp_rule *rule,
		     const struct vcmp_pkt_key *key)
{
	if (rule->family && rule->family != key->family)
		return false;
	if ((rule->match & VCMP_RULE_M_DSCP) &&
	    (!key->family || rule->dscp != key->dscp))
		return false;
	if ((rule->match & VCMP_RULE_M_PROTO) &&
	    (!key->family || rule->proto != key->proto))
		return false;
	if ((rule->match & VCMP_RULE_M_SRC) &&
	    !vcmp_prefix_match(rule->src, rule->src_cidr, key->src))
		return false;
	if ((rule->match & VCMP_RULE_M_DST) &&
	    !vcmp_prefix_match(rule->dst, rule->dst_cidr, key->dst))
		return false;
	if ((rule->match & VCMP_RULE_M_SPORT) &&
	    (!key->has_ports || key->sport < rule->sport_min ||
	     key->sport > rule->sport_max))
		return false;
	if ((rule->match & VCMP_RULE_M_DPORT) &&
	    (!key->has_ports || key->dport < rule->dport_min ||
	     key->dport > rule->dport_max))
		return false;
	return true;
}

/**
 * vcmp_class_of - the class of a packet
 * @rules: rules in ascending id order
 * @n: how many
 * @key: the packet
 *
 * Return: the class of the first matching rule, 0 when none matches.
 */
u8 vcmp_class_of(const struct vcmp_rule *rules, unsigned int n,
		 const struct vcmp_pkt_key *key)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (vcmp_rule_match(&rules[i], key))
			return rules[i].class_id;
	return 0;
}
