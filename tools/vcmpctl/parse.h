/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - parsing and checking of command-line arguments. Each helper
 * prints what is wrong ("vcmpctl: ...") and returns -1 on bad input.
 */
#ifndef VCMPCTL_PARSE_H
#define VCMPCTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* A decimal number from 0 to 65535. */
int parse_port(const char *arg, uint16_t *port);

/* A network device name the kernel would accept. */
int parse_ifname(const char *arg);

/*
 * An unsigned number up to @max: decimal, or hexadecimal with "0x".
 * @what names it in the error message.
 */
int parse_number(const char *what, const char *arg, uint64_t max,
		 uint64_t *val);
int parse_u32(const char *what, const char *arg, uint32_t *val);
int parse_u16(const char *what, const char *arg, uint16_t *val);
int parse_u8(const char *what, const char *arg, uint8_t *val);

/* Suites (enum vcmp_nl_suite) by name, and the key bytes they take. */
#define SUITE_COUNT	5
int parse_suite(const char *arg);
const char *suite_name(unsigned int suite);
unsigned int suite_keylen(unsigned int suite);
/* All suite names, separated by ", ", for usage and error messages. */
const char *suite_names(void);

/* SA direction (enum vcmp_nl_dir): "in" or "out". */
int parse_dir(const char *arg);
const char *dir_name(unsigned int dir);

/* Largest key of any suite, and more than any suite takes. */
#define KEY_MAX		64

/*
 * Key material in hexadecimal (blanks around it ignored) into @key
 * (KEY_MAX bytes). Returns the number of bytes or -1.
 */
int parse_hex_key(const char *hex, uint8_t *key);

/* The same, read from the file @path ("-": standard input). */
int read_key_file(const char *path, uint8_t *key);

#endif /* VCMPCTL_PARSE_H */
