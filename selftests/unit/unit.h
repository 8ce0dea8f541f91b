/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP test helpers for host unit tests of vcmp's pure-logic files
 * (the files in kernel/ that also compile in userspace). Each test_X.c
 * tests kernel/X.c and is built with ASan and UBSan by the Makefile here.
 */
#ifndef _VCMP_UNIT_H
#define _VCMP_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_case_failed;
static int unit_cases, unit_failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: check failed: %s\n", __FILE__,	\
		       __LINE__, #cond);				\
		unit_case_failed = 1;					\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("# %s:%d: %s == %lld, want %s == %lld\n",	\
		       __FILE__, __LINE__, #a, _a, #b, _b);		\
		unit_case_failed = 1;					\
	}								\
} while (0)

static inline void unit_plan(int n)
{
	printf("KTAP version 1\n1..%d\n", n);
}

static inline void unit_run(const char *name, void (*fn)(void))
{
	unit_case_failed = 0;
	fn();
	unit_cases++;
	if (unit_case_failed)
		unit_failures++;
	printf("%s %d %s\n", unit_case_failed ? "not ok" : "ok", unit_cases,
	       name);
}

static inline int unit_exit(void)
{
	printf("# %d of %d cases passed\n", unit_cases - unit_failures,
	       unit_cases);
	return unit_failures ? 1 : 0;
}

#endif /* _VCMP_UNIT_H */
