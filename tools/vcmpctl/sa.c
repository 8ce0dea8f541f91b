// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "sa" object: install and delete the security associations of
 * a peer (generic netlink family "vcmp"), and "genkey", which makes keys
 * for them. Keys are wiped from memory once sent.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <linux/vcmp.h>

#include <netlink/msg.h>

#include "commands.h"
#include "family.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

int sa_new(struct vnl *nl, const char *dev, uint32_t peer,
	   const struct vsa *sa)
{
	struct nl_msg *msg;
	int ret;

	msg = family_msg(nl, VCMP_CMD_SA_NEW, 0, dev, 0);
	if (!msg || put_sa(msg, peer, sa, true)) {
		if (msg) {
			explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
			nlmsg_free(msg);
		}
		return family_exchange(nl, NULL, NULL, NULL);
	}
	ret = vnl_request(nl, msg, NULL, NULL);
	/* The key is in the message: wipe it. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (ret)
		vnl_perror(nl);
	return ret ? -1 : 0;
}

static int sa_del(struct vnl *nl, const char *dev, uint32_t peer,
		  const struct vsa *sa)
{
	struct nl_msg *msg;

	msg = family_msg(nl, VCMP_CMD_SA_DEL, 0, dev, 0);
	if (msg && put_sa(msg, peer, sa, false)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return family_exchange(nl, msg, NULL, NULL);
}

static int sa_cmd(int argc, char **argv, bool add)
{
	const char *dev;
	struct vnl nl;
	struct vsa sa;
	uint32_t peer;
	int ret;

	if (parse_dev_peer(argc, argv, 3, &dev, &peer) ||
	    parse_sa(argc - 2, argv + 2, add, &sa))
		return EXIT_USAGE;
	if (family_open(&nl)) {
		ret = -1;
	} else {
		ret = add ? sa_new(&nl, dev, peer, &sa) :
			    sa_del(&nl, dev, peer, &sa);
		vnl_close(&nl);
	}
	explicit_bzero(&sa, sizeof(sa));
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int sa_add_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	(void)opts;
	return sa_cmd(argc, argv, true);
}

static int sa_del_cmd(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	(void)opts;
	return sa_cmd(argc, argv, false);
}

static const struct vcmpctl_cmd sa_cmds[] = {
	{ "add", "DEV PEER SPI in|out key HEX|key-file PATH", sa_add_cmd },
	{ "del", "DEV PEER SPI in|out", sa_del_cmd },
};

const struct vcmpctl_object sa_object = {
	.name = "sa",
	.cmds = sa_cmds,
	.ncmds = ARRAY_SIZE(sa_cmds),
};

static int genkey_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	uint8_t key[KEY_MAX];
	unsigned int len, i;
	ssize_t n;
	int suite;

	(void)opts;
	if (argc < 1) {
		pr_err("missing suite");
		return EXIT_USAGE;
	}
	if (argc > 1) {
		pr_err("unexpected argument \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	suite = parse_suite(argv[0]);
	if (suite < 0)
		return EXIT_USAGE;
	len = suite_keylen((unsigned int)suite);
	if (!len) {
		pr_err("the %s suite takes no key", argv[0]);
		return EXIT_USAGE;
	}
	n = getrandom(key, len, 0);
	if (n != (ssize_t)len) {
		pr_err("cannot get random bytes: %s",
		       n < 0 ? strerror(errno) : "short read");
		return EXIT_FAIL;
	}
	for (i = 0; i < len; i++)
		printf("%02x", key[i]);
	putchar('\n');
	explicit_bzero(key, sizeof(key));
	return EXIT_OK;
}

const struct vcmpctl_object genkey_command = {
	.name = "genkey",
	.args = "SUITE",
	.run = genkey_run,
};
