// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "showconf" and "setconf": a device's peers, links,
 * allowed-ips and SAs as a configuration file, and back. The format is
 * described in vcmpctl(8):
 *
 *	[Peer]
 *	Id = 1
 *	Segment = 0
 *	Suite = aes-gcm-128
 *	AllowedIPs = 10.1.0.0/16, fd00:1::/48
 *	Link = 1 remote 192.0.2.2:2426 local 192.0.2.1 dev wan0
 *	SA = 0x01000001 in key-file /etc/vcmp/peer1.in.key
 *
 * showconf cannot print keys (the kernel never returns them): it lists
 * the SAs as comments, and setconf leaves installed SAs alone, so that
 * showconf output loaded back with setconf changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/vcmp.h>

#include "commands.h"
#include "family.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

#define CONF_MAX_WORDS	32

/* --- reading a file -------------------------------------------------------- */

struct conf_reader {
	const char *path;
	unsigned int line;
	struct vpeers *peers;
	struct vpeer *peer;	/* the [Peer] section being read */
	bool have_id;
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

/* The end of a [Peer] section: an id is required. */
static int conf_end_peer(struct conf_reader *r)
{
	if (r->peer && !r->have_id) {
		pr_err("[Peer] section without Id");
		return -1;
	}
	r->peer = NULL;
	return 0;
}

static int conf_key(struct conf_reader *r, const char *key, char *value)
{
	struct vpeer *peer = r->peer;
	char *words[CONF_MAX_WORDS];
	int n, used, suite;

	if (!peer) {
		pr_err("\"%s\" outside a [Peer] section", key);
		return -1;
	}
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
	pr_err("unknown key \"%s\"", key);
	return -1;
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
	if (*line == '[') {
		if (conf_end_peer(r))
			return -1;
		if (strcasecmp(line, "[Peer]")) {
			pr_err("unknown section %s: expected [Peer]", line);
			return -1;
		}
		r->peer = vpeers_add(r->peers, 0);
		if (!r->peer) {
			pr_err("out of memory");
			return -1;
		}
		/* What a peer is when the file does not say. */
		r->peer->has_segment = true;
		r->peer->has_suite = true;
		r->peer->suite = VCMP_NL_SUITE_AES_GCM_128;
		r->have_id = false;
		return 0;
	}
	eq = strchr(line, '=');
	if (!eq) {
		pr_err("expected KEY = VALUE or [Peer]");
		return -1;
	}
	*eq = '\0';
	return conf_key(r, trim(line), trim(eq + 1));
}

static int conf_read(const char *path, struct vpeers *peers)
{
	struct conf_reader r = { .path = path, .peers = peers };
	char *line = NULL;
	size_t cap = 0, i;
	int ret = 0;
	FILE *f;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		pr_err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		r.line++;
		if (conf_line(&r, line)) {
			pr_err("%s:%u: invalid configuration", path, r.line);
			ret = -1;
			break;
		}
	}
	if (!ret && ferror(f)) {
		pr_err("cannot read %s", path);
		ret = -1;
	}
	if (!ret && conf_end_peer(&r)) {
		pr_err("%s: invalid configuration at the end", path);
		ret = -1;
	}
	if (line) {
		explicit_bzero(line, cap);	/* may have held a key */
		free(line);
	}
	if (f != stdin)
		fclose(f);
	if (ret)
		return ret;
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

static int setconf_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vpeers want = { 0 }, have = { 0 };
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
	if (conf_read(argv[1], &want))
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
	ret = EXIT_OK;
out:
	vnl_close(&nl);
out_free:
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

static int showconf_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	struct vpeers peers = { 0 };
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
	if (family_open(&nl))
		return EXIT_FAIL;
	ret = family_peers_get(&nl, argv[0], &peers);
	vnl_close(&nl);
	if (ret) {
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
	vpeers_free(&peers);
	return EXIT_OK;
}

const struct vcmpctl_object showconf_command = {
	.name = "showconf",
	.args = "DEV",
	.run = showconf_run,
};
