// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - parsing and checking of command-line arguments.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <net/if.h>

#include "parse.h"
#include "vcmpctl.h"

int parse_port(const char *arg, uint16_t *port)
{
	unsigned long val = 0;
	const char *p;

	/*
	 * Only plain decimal digits: no sign, blanks, base prefix or suffix.
	 * 0 goes through: the kernel has the final say on the range.
	 */
	if (!*arg)
		goto bad;
	for (p = arg; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		val = val * 10 + (unsigned long)(*p - '0');
		if (val > UINT16_MAX)
			goto bad;
	}
	*port = (uint16_t)val;
	return 0;

bad:
	pr_err("invalid port \"%s\": expected a decimal number up to 65535",
	       arg);
	return -1;
}

int parse_ifname(const char *arg)
{
	size_t len = strlen(arg);
	const char *p;

	if (!len || len >= IFNAMSIZ) {
		pr_err("invalid device name \"%s\": expected 1 to %d characters",
		       arg, IFNAMSIZ - 1);
		return -1;
	}
	/* The same rules as the kernel's dev_valid_name(). */
	if (!strcmp(arg, ".") || !strcmp(arg, "..")) {
		pr_err("invalid device name \"%s\"", arg);
		return -1;
	}
	for (p = arg; *p; p++) {
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p)) {
			pr_err("invalid device name \"%s\": no '/', ':' or blanks allowed",
			       arg);
			return -1;
		}
	}
	return 0;
}
