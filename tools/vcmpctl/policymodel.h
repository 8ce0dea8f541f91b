/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - the steering policy as the tool holds it: traffic classes
 * (name, mode, SLA, link roles) and classification rules, their names
 * and text forms, the VCMP_A_CLASS and VCMP_A_RULE nests of requests and
 * replies, and the requests that read and change them (showconf and
 * setconf; the "class" and "rule" commands are in policy.c).
 */
#ifndef VCMPCTL_POLICYMODEL_H
#define VCMPCTL_POLICYMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vcmp.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "model.h"
#include "nl.h"

#define CLASS_COUNT	(VCMP_CLASS_ID_MAX + 1)
#define CLASS_NAME_MAX	15		/* characters, as the kernel keeps */
#define CLASS_LINK_IDS	256		/* link ids a role can name */

/* A traffic class; every field is sent, so that a set makes it exact. */
struct vclass {
	uint8_t id;
	char name[CLASS_NAME_MAX + 1];
	unsigned int mode;		/* enum vcmp_nl_class_mode */
	unsigned int qoe;		/* enum vcmp_nl_qoe */
	unsigned int jitter_ms;		/* receive jitter buffer, 0: none */
	uint8_t role[CLASS_LINK_IDS];	/* enum vcmp_nl_role, per link id */
};

/* A classification rule; the has_ flags say which fields it matches. */
struct vrule {
	uint16_t id;
	uint8_t class_id;
	int family;			/* 0 (both), AF_INET or AF_INET6 */
	bool has_dscp, has_proto, has_from, has_to, has_sport, has_dport;
	uint8_t dscp, proto;
	struct vprefix from, to;	/* host bits clear */
	uint16_t sport_min, sport_max, dport_min, dport_max;
	unsigned int line;		/* configuration file: its Class key */
};

/* The policy of a device: the classes defined, the rules by id. */
struct vpolicy {
	bool defined[CLASS_COUNT];
	struct vclass classes[CLASS_COUNT];
	struct vrule rules[VCMP_RULES_MAX_COUNT];
	unsigned int nrules;
};

/* Names; the parsers print what is wrong and return -1. */
const char *class_mode_name(unsigned int mode);
const char *class_sla_name(unsigned int qoe);
const char *class_role_name(unsigned int role);
int parse_class_mode(const char *arg);
int parse_class_sla(const char *arg);
int parse_class_role(const char *arg);
/* "inet" or "ipv4", "inet6" or "ipv6": AF_INET or AF_INET6. */
int parse_rule_family(const char *arg);
/* A protocol name (with or without /etc/protocols) or number. */
int parse_proto(const char *arg, uint8_t *proto);
/* N or N-M, N <= M. */
int parse_port_range(const char *what, const char *arg, uint16_t *min,
		     uint16_t *max);

/* A class as the kernel makes a new one: flow, bulk, every link available. */
void vclass_init(struct vclass *c, uint8_t id);
/* Whether @c is what the default class 0 is on a new device. */
bool vclass_is_default(const struct vclass *c);
bool vclass_equal(const struct vclass *a, const struct vclass *b);
bool vrule_equal(const struct vrule *a, const struct vrule *b);
/* Clear the host bits of the prefix @p (its length already checked). */
void vprefix_mask(struct vprefix *p);
/* "tcp", "udp", "icmp", "ipv6-icmp" (parse_proto() reads them anywhere) or N. */
void format_proto(uint8_t proto, char *buf, size_t size);
/* "N" or "N-M". */
void format_port_range(uint16_t min, uint16_t max, char *buf, size_t size);

/* Netlink: the VCMP_A_CLASS and VCMP_A_RULE nests, whole. */
/* Attribute policies of a class and a rule nest (dumps and replies). */
extern struct nla_policy class_policy[VCMP_A_CLASS_MAX + 1];
extern struct nla_policy rule_policy[VCMP_A_RULE_MAX + 1];

int put_class(struct nl_msg *msg, const struct vclass *c);
int put_rule(struct nl_msg *msg, const struct vrule *r);
int parse_class_nest(struct nlattr *nest, struct vclass *c);
int parse_rule_nest(struct nlattr *nest, struct vrule *r);

/*
 * Requests: each reports its failure and returns 0 or -1.
 * family_policy_get() dumps the classes and the rules of @dev.
 */
int family_policy_get(struct vnl *nl, const char *dev, struct vpolicy *p);
int class_set(struct vnl *nl, const char *dev, const struct vclass *c);
int class_del(struct vnl *nl, const char *dev, uint8_t id);
int rule_new(struct vnl *nl, const char *dev, const struct vrule *r);
int rule_del(struct vnl *nl, const char *dev, uint16_t id);

#endif /* VCMPCTL_POLICYMODEL_H */
