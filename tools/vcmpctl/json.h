/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - JSON output helpers.
 */
#ifndef VCMPCTL_JSON_H
#define VCMPCTL_JSON_H

#include <stdio.h>

/* Print @s as a quoted JSON string. */
void json_print_string(FILE *f, const char *s);

#endif /* VCMPCTL_JSON_H */
