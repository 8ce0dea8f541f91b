// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "showconf" and "setconf": a device's peers, links,
 * allowed-ips and SAs, and its steering policy (traffic classes and
 * rules), as a configuration file, and back. The format is described in
 * vcmpctl(8):
 *
 *	[Peer]
 *	Id = 1
 *	Segment = 0
 *	Suite = aes-gcm-128
 *	AllowedIPs = 10.1.0.0/16, fd00:1::/48
 *	Link = 1 remote 192.0.2.2:2426 local 192.0.2.1 dev wan0
 *	SA = 0x01000001 in key-file /etc/vcmp/peer1.in.key
 *
 *	[Class]
 *	Id = 1
 *	Name = voice
 *	Mode = dup
 *	Sla = voice
 *	JitterBuffer = 60
 *	Link = 1 preferred
 *	Link = 2 backup
 *
 *	[Rule]
 *	Id = 10
 *	Class = 1
 *	Family = inet
 *	Dscp = 46
 *	Proto = udp
 *	From = 10.1.0.0/16
 *	To = 10.2.0.0/16
 *	SPort = 5060
 *	DPort = 10000-20000
 *
 * A class's Link lines give roles to link ids (those of every peer's
 * links with that id); links not named are "available". A class not in
 * the file is deleted, except the default class 0, which takes its
 * defaults (name "default", mode flow, sla bulk, no roles); showconf
 * leaves class 0 out while it has them.
 *
 * showconf cannot print keys (the kernel never returns them): it lists
 * the SAs as comments, and setconf leaves installed SAs alone, so that
 * showconf output loaded back with setconf changes nothing. Classes and
 * rules equal to the file's are not sent again either (a class set makes
 * the flows choose their links again).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <linux/vcmp.h>

#include "commands.h"
#include "family.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "policymodel.h"
#include "vcmpctl.h"

#define CONF_MAX_WORDS	32

/* --- reading a file -------------------------------------------------------- */

enum conf_section { SECTION_NONE, SECTION_PEER, SECTION_CLASS, SECTION_RULE };

struct conf_reader {
	const char *path;
	unsigned int line;
	unsigned int err_line;	/* an error found later than its line */
	struct vpeers *peers;
	struct vpolicy *policy;
	enum conf_section section;
	unsigned int section_line;
	struct vpeer *peer;	/* the [Peer] section being read */
	struct vclass class;	/* the [Class] section being read */
	struct vrule rule;	/* the [Rule] section being read */
	bool have_id, have_class;
	bool class_seen[CLASS_COUNT];	/* class ids given so far */
	bool link_seen[CLASS_LINK_IDS];	/* link ids of the [Class] being read */
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Split @s into at most CONF_MAX_WORDS blank-separated words. */
static int split(char *s, char **words)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == CONF_MAX_WORDS) {
			pr_err("too many words");
			return -1;
		}
		words[n++] = w;
	}
	return n;
}

static const char *const section_names[] = {
	[SECTION_PEER] = "[Peer]",
	[SECTION_CLASS] = "[Class]",
	[SECTION_RULE] = "[Rule]",
};

/*
 * The end of a section: an id is required (and a class for a rule);
 * classes and rules go into the policy. Errors are the section's.
 */
static int conf_end_section(struct conf_reader *r)
{
	enum conf_section section = r->section;
	struct vclass def;

	r->section = SECTION_NONE;
	r->peer = NULL;
	if (section == SECTION_NONE)
		return 0;
	r->err_line = r->section_line;
	if (!r->have_id) {
		pr_err("%s section without Id", section_names[section]);
		return -1;
	}
	if (section == SECTION_CLASS) {
		if (!r->class.name[0]) {	/* the name a new class gets */
			vclass_init(&def, r->class.id);
			memcpy(r->class.name, def.name, sizeof(def.name));
		}
		r->policy->classes[r->class.id] = r->class;
		r->policy->defined[r->class.id] = true;
	} else if (section == SECTION_RULE) {
		if (!r->have_class) {
			pr_err("[Rule] section without Class");
			return -1;
		}
		if (r->policy->nrules == VCMP_RULES_MAX_COUNT) {
			pr_err("too many rules: at most %d",
			       VCMP_RULES_MAX_COUNT);
			return -1;
		}
		r->policy->rules[r->policy->nrules++] = r->rule;
	}
	r->err_line = 0;
	return 0;
}

static int conf_peer_key(struct conf_reader *r, const char *key, char *value)
{
	struct vpeer *peer = r->peer;
	char *words[CONF_MAX_WORDS];
	int n, used, suite;

	if (!strcasecmp(key, "Id")) {
		if (r->have_id) {
			pr_err("Id given twice");
			return -1;
		}
		r->have_id = true;
		return parse_u32("peer id", value, &peer->id);
	}
	if (!strcasecmp(key, "Segment"))
		return parse_u16("segment", value, &peer->segment);
	if (!strcasecmp(key, "Suite")) {
		suite = parse_suite(value);
		if (suite < 0)
			return -1;
		peer->suite = (unsigned int)suite;
		return 0;
	}
	if (!strcasecmp(key, "AllowedIPs"))
		return parse_prefixes(value, peer);
	if (!strcasecmp(key, "Link")) {
		n = split(value, words);
		if (n < 0)
			return -1;
		if (peer->nlinks == PEER_MAX_LINKS) {
			pr_err("too many links: at most %d", PEER_MAX_LINKS);
			return -1;
		}
		used = parse_link(n, words, &peer->links[peer->nlinks]);
		if (used < 0)
			return -1;
		if (used != n) {
			pr_err("unexpected \"%s\" in Link", words[used]);
			return -1;
		}
		if (vpeer_find_link(peer, peer->links[peer->nlinks].id)) {
			pr_err("link %u configured twice",
			       peer->links[peer->nlinks].id);
			return -1;
		}
		peer->nlinks++;
		return 0;
	}
	if (!strcasecmp(key, "SA")) {
		struct vsa *sa = vpeer_add_sa(peer);

		if (!sa) {
			pr_err("out of memory");
			return -1;
		}
		n = split(value, words);
		if (n < 0)
			return -1;
		return parse_sa(n, words, true, sa);
	}
	pr_err("unknown key \"%s\" in a [Peer] section", key);
	return -1;
}

static int conf_class_key(struct conf_reader *r, const char *key, char *value)
{
	struct vclass *c = &r->class;
	char *words[CONF_MAX_WORDS];
	uint16_t ms;
	uint8_t id;
	int n, v;

	if (!strcasecmp(key, "Id")) {
		if (r->have_id) {
			pr_err("Id given twice");
			return -1;
		}
		if (parse_u8("class id", value, &id))
			return -1;
		if (id >= CLASS_COUNT) {
			pr_err("class id %u out of range (0 to %d)", id,
			       CLASS_COUNT - 1);
			return -1;
		}
		if (r->class_seen[id]) {
			pr_err("class %u configured twice", id);
			return -1;
		}
		r->class_seen[id] = true;
		r->have_id = true;
		c->id = id;
		return 0;
	}
	if (!strcasecmp(key, "Name")) {
		if (!*value || strlen(value) > CLASS_NAME_MAX) {
			pr_err("class name \"%s\": 1 to %d characters", value,
			       CLASS_NAME_MAX);
			return -1;
		}
		snprintf(c->name, sizeof(c->name), "%s", value);
		return 0;
	}
	if (!strcasecmp(key, "Mode")) {
		v = parse_class_mode(value);
		if (v < 0)
			return -1;
		c->mode = (unsigned int)v;
		return 0;
	}
	if (!strcasecmp(key, "Sla")) {
		v = parse_class_sla(value);
		if (v < 0)
			return -1;
		c->qoe = (unsigned int)v;
		return 0;
	}
	if (!strcasecmp(key, "JitterBuffer")) {
		/* ms; the kernel checks the range (0..VCMP_JITTER_MS_MAX). */
		if (parse_u16("jitter buffer ms", value, &ms))
			return -1;
		c->jitter_ms = ms;
		return 0;
	}
	if (!strcasecmp(key, "Link")) {
		n = split(value, words);
		if (n < 0)
			return -1;
		if (n != 2) {
			pr_err("expected \"Link = LINK ROLE\"");
			return -1;
		}
		if (parse_u8("link id", words[0], &id))
			return -1;
		v = parse_class_role(words[1]);
		if (v < 0)
			return -1;
		if (r->link_seen[id]) {
			pr_err("link %u given twice in the class", id);
			return -1;
		}
		r->link_seen[id] = true;
		c->role[id] = (uint8_t)v;
		return 0;
	}
	pr_err("unknown key \"%s\" in a [Class] section", key);
	return -1;
}

/* From or To of the rule being read: the family must agree. */
static int conf_rule_prefix(struct vrule *rule, const char *value, bool from)
{
	struct vprefix *p = from ? &rule->from : &rule->to;
	unsigned int max;

	if (from ? rule->has_from : rule->has_to) {
		pr_err("%s given twice", from ? "From" : "To");
		return -1;
	}
	if (parse_prefix(value, p))
		return -1;
	max = p->addr.family == AF_INET ? 32 : 128;
	if (p->cidr > max) {
		pr_err("prefix length %u too long for the family", p->cidr);
		return -1;
	}
	if (rule->family && rule->family != p->addr.family) {
		pr_err("prefix %s not of the rule's family", value);
		return -1;
	}
	vprefix_mask(p);
	rule->family = p->addr.family;
	if (from)
		rule->has_from = true;
	else
		rule->has_to = true;
	return 0;
}

static int conf_rule_key(struct conf_reader *r, const char *key, char *value)
{
	struct vrule *rule = &r->rule;
	unsigned int i;
	int v;

	if (!strcasecmp(key, "Id")) {
		if (r->have_id) {
			pr_err("Id given twice");
			return -1;
		}
		if (parse_u16("rule id", value, &rule->id))
			return -1;
		if (!rule->id) {
			pr_err("rule id 0: rule ids start at 1");
			return -1;
		}
		for (i = 0; i < r->policy->nrules; i++) {
			if (r->policy->rules[i].id == rule->id) {
				pr_err("rule %u configured twice", rule->id);
				return -1;
			}
		}
		r->have_id = true;
		return 0;
	}
	if (!strcasecmp(key, "Class")) {
		if (r->have_class) {
			pr_err("Class given twice");
			return -1;
		}
		if (parse_u8("class id", value, &rule->class_id))
			return -1;
		if (rule->class_id >= CLASS_COUNT) {
			pr_err("class id %u out of range (0 to %d)",
			       rule->class_id, CLASS_COUNT - 1);
			return -1;
		}
		r->have_class = true;
		rule->line = r->line;
		return 0;
	}
	if (!strcasecmp(key, "Family")) {
		v = parse_rule_family(value);
		if (v < 0)
			return -1;
		if ((rule->has_from && rule->from.addr.family != v) ||
		    (rule->has_to && rule->to.addr.family != v)) {
			pr_err("family %s differs from the rule's prefixes",
			       value);
			return -1;
		}
		rule->family = v;
		return 0;
	}
	if (!strcasecmp(key, "Dscp")) {
		if (parse_u8("dscp", value, &rule->dscp))
			return -1;
		if (rule->dscp > 63) {
			pr_err("dscp %u out of range (0 to 63)", rule->dscp);
			return -1;
		}
		rule->has_dscp = true;
		return 0;
	}
	if (!strcasecmp(key, "Proto")) {
		if (parse_proto(value, &rule->proto))
			return -1;
		rule->has_proto = true;
		return 0;
	}
	if (!strcasecmp(key, "From") || !strcasecmp(key, "To"))
		return conf_rule_prefix(rule, value, !strcasecmp(key, "From"));
	if (!strcasecmp(key, "SPort")) {
		if (parse_port_range("sport", value, &rule->sport_min,
				     &rule->sport_max))
			return -1;
		rule->has_sport = true;
		return 0;
	}
	if (!strcasecmp(key, "DPort")) {
		if (parse_port_range("dport", value, &rule->dport_min,
				     &rule->dport_max))
			return -1;
		rule->has_dport = true;
		return 0;
	}
	pr_err("unknown key \"%s\" in a [Rule] section", key);
	return -1;
}

static int conf_key(struct conf_reader *r, const char *key, char *value)
{
	switch (r->section) {
	case SECTION_PEER:
		return conf_peer_key(r, key, value);
	case SECTION_CLASS:
		return conf_class_key(r, key, value);
	case SECTION_RULE:
		return conf_rule_key(r, key, value);
	default:
		pr_err("\"%s\" outside a [Peer], [Class] or [Rule] section",
		       key);
		return -1;
	}
}

static int conf_section(struct conf_reader *r, const char *line)
{
	if (conf_end_section(r))
		return -1;
	r->section_line = r->line;
	r->have_id = false;
	r->have_class = false;
	if (!strcasecmp(line, "[Peer]")) {
		r->peer = vpeers_add(r->peers, 0);
		if (!r->peer) {
			pr_err("out of memory");
			return -1;
		}
		/* What a peer is when the file does not say. */
		r->peer->has_segment = true;
		r->peer->has_suite = true;
		r->peer->suite = VCMP_NL_SUITE_AES_GCM_128;
		r->section = SECTION_PEER;
	} else if (!strcasecmp(line, "[Class]")) {
		/* Unless the section says otherwise, the kernel's defaults. */
		vclass_init(&r->class, 0);
		r->class.name[0] = '\0';	/* known with the id */
		memset(r->link_seen, 0, sizeof(r->link_seen));
		r->section = SECTION_CLASS;
	} else if (!strcasecmp(line, "[Rule]")) {
		memset(&r->rule, 0, sizeof(r->rule));
		r->section = SECTION_RULE;
	} else {
		pr_err("unknown section %s: expected [Peer], [Class] or [Rule]",
		       line);
		return -1;
	}
	return 0;
}

static int conf_line(struct conf_reader *r, char *line)
{
	char *hash, *eq;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	line = trim(line);
	if (!*line)
		return 0;
	if (*line == '[')
		return conf_section(r, line);
	eq = strchr(line, '=');
	if (!eq) {
		pr_err("expected KEY = VALUE or a [Section]");
		return -1;
	}
	*eq = '\0';
	return conf_key(r, trim(line), trim(eq + 1));
}

/* Rules name classes of the file (or the default class 0). */
static int conf_check_policy(const char *path, const struct vpolicy *policy)
{
	const struct vrule *rule;
	unsigned int i;

	for (i = 0; i < policy->nrules; i++) {
		rule = &policy->rules[i];
		if (rule->class_id && !policy->defined[rule->class_id]) {
			pr_err("%s:%u: rule %u: no [Class] with Id = %u in the file",
			       path, rule->line, rule->id, rule->class_id);
			return -1;
		}
	}
	return 0;
}

static int conf_read(const char *path, struct vpeers *peers,
		     struct vpolicy *policy)
{
	struct conf_reader r = {
		.path = path, .peers = peers, .policy = policy
	};
	char *line = NULL;
	size_t cap = 0, i;
	int ret = 0;
	FILE *f;

	memset(policy, 0, sizeof(*policy));
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		pr_err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		r.line++;
		if (conf_line(&r, line)) {
			pr_err("%s:%u: invalid configuration", path,
			       r.err_line ? r.err_line : r.line);
			ret = -1;
			break;
		}
	}
	if (!ret && ferror(f)) {
		pr_err("cannot read %s", path);
		ret = -1;
	}
	if (!ret && conf_end_section(&r)) {
		pr_err("%s:%u: invalid configuration", path, r.err_line);
		ret = -1;
	}
	if (line) {
		explicit_bzero(line, cap);	/* may have held a key */
		free(line);
	}
	if (f != stdin)
		fclose(f);
	if (ret || conf_check_policy(path, policy))
		return -1;
	/* By id, so that peers are found fast (setconf of many peers). */
	vpeers_sort(peers);
	for (i = 1; i < peers->n; i++) {
		if (peers->v[i].id == peers->v[i - 1].id) {
			pr_err("%s: peer %u configured twice", path,
			       peers->v[i].id);
			return -1;
		}
	}
	return 0;
}

/* --- setconf ------------------------------------------------------------- */

/*
 * Is the wanted link @a the installed link @b? A link configured without a
 * remote port gets the device's port @dev_port in the kernel.
 */
static bool link_equal(const struct vlink *a, const struct vlink *b,
		       uint16_t dev_port)
{
	return a->remote.family == b->remote.family &&
	       !memcmp(a->remote.a, b->remote.a, sizeof(a->remote.a)) &&
	       (a->port ? a->port : dev_port) == b->port &&
	       a->has_local == b->has_local &&
	       (!a->has_local ||
		!memcmp(a->local.a, b->local.a, sizeof(a->local.a))) &&
	       a->ifindex == b->ifindex && a->mtu == b->mtu &&
	       a->bandwidth == b->bandwidth;
}

static bool has_sa(const struct vpeer *peer, const struct vsa *sa)
{
	size_t i;

	for (i = 0; i < peer->nsas; i++)
		if (peer->sas[i].spi == sa->spi && peer->sas[i].dir == sa->dir)
			return true;
	return false;
}

/* Make the existing peer @have what @want says. */
static int setconf_update(struct vnl *nl, const char *dev, uint16_t dev_port,
			  struct vpeer *want, struct vpeer *have)
{
	struct vlink *l;
	unsigned int i;

	want->replace = true;
	if (peer_set(nl, dev, want))
		return -1;
	for (i = 0; i < have->nlinks; i++) {
		l = vpeer_find_link(want, have->links[i].id);
		if ((!l || !link_equal(l, &have->links[i], dev_port)) &&
		    link_del(nl, dev, want->id, have->links[i].id))
			return -1;
	}
	for (i = 0; i < want->nlinks; i++) {
		l = vpeer_find_link(have, want->links[i].id);
		if ((!l || !link_equal(&want->links[i], l, dev_port)) &&
		    link_new(nl, dev, want->id, &want->links[i]))
			return -1;
	}
	return 0;
}

static const struct vrule *find_rule(const struct vpolicy *p, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].id == id)
			return &p->rules[i];
	return NULL;
}

/*
 * Make the classes and rules of @dev those of @want: rules that go or
 * differ are deleted first (a class cannot go while a rule names it),
 * then classes are set (the default class 0 to its defaults when @want
 * does not give it) and deleted, then the missing rules added. What is
 * already as the file says is not sent.
 */
static int setconf_policy(struct vnl *nl, const char *dev,
			  struct vpolicy *want)
{
	struct vpolicy *have;
	const struct vrule *r;
	unsigned int i;
	int ret = -1;

	have = malloc(sizeof(*have));
	if (!have) {
		pr_err("out of memory");
		return -1;
	}
	if (family_policy_get(nl, dev, have))
		goto out;
	if (!want->defined[0]) {
		vclass_init(&want->classes[0], 0);
		want->defined[0] = true;
	}
	for (i = 0; i < have->nrules; i++) {
		r = find_rule(want, have->rules[i].id);
		if ((!r || !vrule_equal(r, &have->rules[i])) &&
		    rule_del(nl, dev, have->rules[i].id))
			goto out;
	}
	for (i = 0; i < CLASS_COUNT; i++) {
		if (want->defined[i] &&
		    (!have->defined[i] ||
		     !vclass_equal(&want->classes[i], &have->classes[i])) &&
		    class_set(nl, dev, &want->classes[i]))
			goto out;
	}
	for (i = 1; i < CLASS_COUNT; i++) {
		if (have->defined[i] && !want->defined[i] &&
		    class_del(nl, dev, (uint8_t)i))
			goto out;
	}
	for (i = 0; i < want->nrules; i++) {
		r = find_rule(have, want->rules[i].id);
		if ((!r || !vrule_equal(r, &want->rules[i])) &&
		    rule_new(nl, dev, &want->rules[i]))
			goto out;
	}
	ret = 0;
out:
	free(have);
	return ret;
}

static int setconf_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vpeers want = { 0 }, have = { 0 };
	struct vpolicy *policy;
	struct vdev vdev = { 0 };
	struct vpeer *w, *h;
	const char *dev;
	struct vnl nl;
	int ret = EXIT_FAIL;
	size_t i, k;

	(void)opts;
	if (argc != 2) {
		pr_err(argc < 2 ? "missing device name or file" :
				  "too many arguments");
		return EXIT_USAGE;
	}
	dev = argv[0];
	if (parse_ifname(dev))
		return EXIT_USAGE;
	policy = malloc(sizeof(*policy));
	if (!policy) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	if (conf_read(argv[1], &want, policy))
		goto out_free;
	if (family_open(&nl))
		goto out_free;
	if (family_dev_get(&nl, dev, &vdev) ||
	    family_peers_get(&nl, dev, &have))
		goto out;
	vpeers_sort(&have);

	/* Peers that go, or whose suite changes (it cannot be changed). */
	for (i = 0; i < have.n; i++) {
		h = &have.v[i];
		w = vpeers_find_sorted(&want, h->id);
		if (w && w->suite == h->suite)
			continue;
		if (peer_del(&nl, dev, h->id))
			goto out;
	}
	for (i = 0; i < want.n; i++) {
		w = &want.v[i];
		h = vpeers_find_sorted(&have, w->id);
		if (h && h->suite != w->suite)
			h = NULL;	/* deleted above */
		if (h ? setconf_update(&nl, dev, vdev.port, w, h) :
			peer_new(&nl, dev, w))
			goto out;
		/* Installed SAs stay: their keys cannot be compared. */
		for (k = 0; k < w->nsas; k++)
			if ((!h || !has_sa(h, &w->sas[k])) &&
			    sa_new(&nl, dev, w->id, &w->sas[k]))
				goto out;
	}
	if (setconf_policy(&nl, dev, policy))
		goto out;
	ret = EXIT_OK;
out:
	vnl_close(&nl);
out_free:
	free(policy);
	vpeers_free(&want);
	vpeers_free(&have);
	return ret;
}

const struct vcmpctl_object setconf_command = {
	.name = "setconf",
	.args = "DEV FILE",
	.run = setconf_run,
};

/* --- showconf ------------------------------------------------------------- */

static void showconf_peer(const struct vpeer *peer)
{
	char buf[256];
	unsigned int i;
	size_t k;

	printf("[Peer]\nId = %u\n", peer->id);
	printf("Segment = %u\n", peer->segment);
	printf("Suite = %s\n", suite_name(peer->suite));
	if (peer->nprefixes) {
		fputs("AllowedIPs = ", stdout);
		for (k = 0; k < peer->nprefixes; k++) {
			format_prefix(&peer->prefixes[k], buf, sizeof(buf));
			printf("%s%s", k ? ", " : "", buf);
		}
		putchar('\n');
	}
	for (i = 0; i < peer->nlinks; i++) {
		format_link(&peer->links[i], buf, sizeof(buf));
		printf("Link = %u %s\n", peer->links[i].id, buf);
	}
	for (k = 0; k < peer->nsas; k++)
		printf("# SA = 0x%08x %s (key not shown)\n", peer->sas[k].spi,
		       dir_name(peer->sas[k].dir));
}

static void showconf_class(const struct vclass *c)
{
	unsigned int i;

	printf("[Class]\nId = %u\nName = %s\nMode = %s\nSla = %s\n", c->id,
	       c->name, class_mode_name(c->mode), class_sla_name(c->qoe));
	if (c->jitter_ms)
		printf("JitterBuffer = %u\n", c->jitter_ms);
	for (i = 0; i < CLASS_LINK_IDS; i++)
		if (c->role[i] != VCMP_NL_ROLE_AVAILABLE)
			printf("Link = %u %s\n", i, class_role_name(c->role[i]));
}

static void showconf_rule(const struct vrule *r)
{
	char buf[64];

	printf("[Rule]\nId = %u\nClass = %u\n", r->id, r->class_id);
	if (r->family)
		printf("Family = %s\n", r->family == AF_INET ? "inet" : "inet6");
	if (r->has_dscp)
		printf("Dscp = %u\n", r->dscp);
	if (r->has_proto) {
		format_proto(r->proto, buf, sizeof(buf));
		printf("Proto = %s\n", buf);
	}
	if (r->has_from) {
		format_prefix(&r->from, buf, sizeof(buf));
		printf("From = %s\n", buf);
	}
	if (r->has_to) {
		format_prefix(&r->to, buf, sizeof(buf));
		printf("To = %s\n", buf);
	}
	if (r->has_sport) {
		format_port_range(r->sport_min, r->sport_max, buf, sizeof(buf));
		printf("SPort = %s\n", buf);
	}
	if (r->has_dport) {
		format_port_range(r->dport_min, r->dport_max, buf, sizeof(buf));
		printf("DPort = %s\n", buf);
	}
}

static int showconf_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vpeers peers = { 0 };
	struct vpolicy *policy;
	struct vnl nl;
	size_t i;
	int ret;

	(void)opts;
	if (argc != 1) {
		pr_err(argc ? "too many arguments" : "missing device name");
		return EXIT_USAGE;
	}
	if (parse_ifname(argv[0]))
		return EXIT_USAGE;
	policy = malloc(sizeof(*policy));
	if (!policy) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	if (family_open(&nl)) {
		free(policy);
		return EXIT_FAIL;
	}
	ret = family_peers_get(&nl, argv[0], &peers) ||
	      family_policy_get(&nl, argv[0], policy);
	vnl_close(&nl);
	if (ret) {
		free(policy);
		vpeers_free(&peers);
		return EXIT_FAIL;
	}
	vpeers_sort(&peers);
	printf("# %s: vcmpctl showconf; keys are never shown (setconf keeps installed SAs)\n",
	       argv[0]);
	for (i = 0; i < peers.n; i++) {
		putchar('\n');
		showconf_peer(&peers.v[i]);
	}
	/* The default class 0 as a new device has it goes without saying. */
	for (i = 0; i < CLASS_COUNT; i++) {
		if (!policy->defined[i] ||
		    (!i && vclass_is_default(&policy->classes[0])))
			continue;
		putchar('\n');
		showconf_class(&policy->classes[i]);
	}
	for (i = 0; i < policy->nrules; i++) {
		putchar('\n');
		showconf_rule(&policy->rules[i]);
	}
	free(policy);
	vpeers_free(&peers);
	return EXIT_OK;
}

const struct vcmpctl_object showconf_command = {
	.name = "showconf",
	.args = "DEV",
	.run = showconf_run,
};
