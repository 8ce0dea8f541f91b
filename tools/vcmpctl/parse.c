// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - parsing and checking of command-line arguments.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/vcmp.h>

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

int parse_number(const char *what, const char *arg, uint64_t max,
		 uint64_t *val)
{
	unsigned int base = 10, digit;
	const char *p = arg;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		goto bad;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = (unsigned int)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			digit = (unsigned int)(tolower((unsigned char)*p) - 'a' + 10);
		else
			goto bad;
		if (v > (max - digit) / base)
			goto bad;
		v = v * base + digit;
	}
	*val = v;
	return 0;

bad:
	pr_err("invalid %s \"%s\": expected a number from 0 to %llu", what, arg,
	       (unsigned long long)max);
	return -1;
}

int parse_u32(const char *what, const char *arg, uint32_t *val)
{
	uint64_t v;

	if (parse_number(what, arg, UINT32_MAX, &v))
		return -1;
	*val = (uint32_t)v;
	return 0;
}

int parse_u16(const char *what, const char *arg, uint16_t *val)
{
	uint64_t v;

	if (parse_number(what, arg, UINT16_MAX, &v))
		return -1;
	*val = (uint16_t)v;
	return 0;
}

int parse_u8(const char *what, const char *arg, uint8_t *val)
{
	uint64_t v;

	if (parse_number(what, arg, UINT8_MAX, &v))
		return -1;
	*val = (uint8_t)v;
	return 0;
}

/* Indexed by enum vcmp_nl_suite; key lengths as the kernel's crypto.c. */
static const struct {
	const char *name;
	unsigned int keylen;
} suites[SUITE_COUNT] = {
	[VCMP_NL_SUITE_PLAIN] = { "plain", 0 },
	[VCMP_NL_SUITE_AES_GCM_128] = { "aes-gcm-128", 16 + 4 },
	[VCMP_NL_SUITE_AES_GCM_256] = { "aes-gcm-256", 32 + 4 },
	[VCMP_NL_SUITE_CHACHA20_POLY1305] = { "chacha20-poly1305", 32 + 4 },
	[VCMP_NL_SUITE_AES_CBC_HMAC_SHA1] = { "aes-cbc-hmac-sha1", 16 + 20 },
};

const char *suite_names(void)
{
	return "plain, aes-gcm-128, aes-gcm-256, chacha20-poly1305, aes-cbc-hmac-sha1";
}

int parse_suite(const char *arg)
{
	unsigned int i;

	for (i = 0; i < SUITE_COUNT; i++)
		if (!strcmp(arg, suites[i].name))
			return (int)i;
	pr_err("unknown suite \"%s\": expected one of %s", arg, suite_names());
	return -1;
}

const char *suite_name(unsigned int suite)
{
	return suite < SUITE_COUNT ? suites[suite].name : "unknown";
}

unsigned int suite_keylen(unsigned int suite)
{
	return suite < SUITE_COUNT ? suites[suite].keylen : 0;
}

int parse_dir(const char *arg)
{
	if (!strcmp(arg, "in"))
		return VCMP_NL_DIR_IN;
	if (!strcmp(arg, "out"))
		return VCMP_NL_DIR_OUT;
	pr_err("invalid direction \"%s\": expected \"in\" or \"out\"", arg);
	return -1;
}

const char *dir_name(unsigned int dir)
{
	return dir == VCMP_NL_DIR_OUT ? "out" : "in";
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_hex_key(const char *hex, uint8_t *key)
{
	size_t len, i;
	int hi, lo;

	while (isspace((unsigned char)*hex))
		hex++;
	len = strlen(hex);
	while (len && isspace((unsigned char)hex[len - 1]))
		len--;
	if (!len || len % 2 || len / 2 > KEY_MAX) {
		pr_err("invalid key: expected an even number of hexadecimal digits, at most %d",
		       2 * KEY_MAX);
		return -1;
	}
	for (i = 0; i < len / 2; i++) {
		hi = hex_value((unsigned char)hex[2 * i]);
		lo = hex_value((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			explicit_bzero(key, KEY_MAX);
			pr_err("invalid key: not hexadecimal");
			return -1;
		}
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
}

int read_key_file(const char *path, uint8_t *key)
{
	char buf[4 * KEY_MAX];
	size_t len;
	FILE *f;
	int ret;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		pr_err("cannot open key file %s: %s", path, strerror(errno));
		return -1;
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	ret = ferror(f) ? -1 : 0;
	if (f != stdin)
		fclose(f);
	if (ret) {
		pr_err("cannot read key file %s", path);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	buf[len] = '\0';
	ret = parse_hex_key(buf, key);
	explicit_bzero(buf, sizeof(buf));
	if (ret < 0)
		pr_err("in key file %s", path);
	return ret;
}
