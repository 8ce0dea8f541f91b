/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - parsing and checking of command-line arguments. Each helper
 * prints what is wrong ("vcmpctl: ...") and returns -1 on bad input.
 */
#ifndef VCMPCTL_PARSE_H
#define VCMPCTL_PARSE_H

#include <stdint.h>

/* A decimal number from 0 to 65535. */
int parse_port(const char *arg, uint16_t *port);

/* A network device name the kernel would accept. */
int parse_ifname(const char *arg);

#endif /* VCMPCTL_PARSE_H */
