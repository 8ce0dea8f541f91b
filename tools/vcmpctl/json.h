/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - JSON output helpers: a small writer for compact JSON (objects
 * and arrays nested up to JSON_MAX_DEPTH) on top of json_print_string().
 */
#ifndef VCMPCTL_JSON_H
#define VCMPCTL_JSON_H

#include <stdbool.h>
#include <stdio.h>

/* Print @s as a quoted JSON string. */
void json_print_string(FILE *f, const char *s);

#define JSON_MAX_DEPTH	8

/*
 * Writer state. Each value is written with its key inside an object, or
 * with a NULL key inside an array or at the top level; the writer adds the
 * commas.
 */
struct json {
	FILE *f;
	unsigned int depth;
	bool more[JSON_MAX_DEPTH + 1];	/* a value was written at this depth */
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_bool(struct json *j, const char *key, bool val);

#endif /* VCMPCTL_JSON_H */
