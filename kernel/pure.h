/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one shim that lets vcmp's pure-logic files (wire.c, replay.c, ...)
 * compile both in the kernel and in userspace, where selftests/unit builds
 * them with -DVCMP_USERSPACE under ASan and UBSan.
 *
 * A pure-logic file includes only this header and other pure-logic
 * headers. It uses no allocation, no locking, no kernel services: just
 * the fixed-size types, bool, size_t, memset/memcpy/memcmp, likely(),
 * BIT()/BIT_ULL(), ARRAY_SIZE(), static_assert() and the big-endian
 * helpers below.
 */
#ifndef _VCMP_PURE_H
#define _VCMP_PURE_H

#if defined(__KERNEL__)

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>

#elif defined(VCMP_USERSPACE)

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough	__attribute__((__fallthrough__))
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#else
#error "pure.h: build in the kernel or define VCMP_USERSPACE"
#endif

/*
 * Big-endian loads and stores at any alignment, byte by byte: the
 * compiler turns them into a load and a byte swap where the CPU allows.
 * Written here rather than taken from <asm/unaligned.h>, which moved to
 * <linux/unaligned.h> in 6.12 and does not exist in userspace.
 */
static inline u16 vcmp_get_be16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 vcmp_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void vcmp_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void vcmp_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

/*
 * ---- RCU-published structures (allowedips.c) ----
 *
 * allowedips.c is not pure logic: its lookups are RCU readers, its
 * writers allocate nodes and free them after a grace period. In the
 * kernel that is <linux/rcupdate.h> and <linux/slab.h>. In userspace the
 * unit tests and fuzzers are single-threaded, so the minimal shims below
 * suffice: __rcu is empty, the RCU accessors are plain loads and stores,
 * allocation is calloc()/free() and kfree_rcu() frees at once (which also
 * lets ASan catch a writer touching a node after handing it to RCU).
 */
#if defined(__KERNEL__)

#include <linux/rcupdate.h>
#include <linux/slab.h>

#else /* VCMP_USERSPACE */

#include <stdlib.h>

#define __rcu
#define rcu_dereference(p)			(p)
#define rcu_dereference_check(p, c)		((void)(c), (p))
#define rcu_dereference_protected(p, c)		((void)(c), (p))
#define rcu_read_lock_bh_held()			1
#define rcu_assign_pointer(p, v)		((p) = (v))
#define RCU_INIT_POINTER(p, v)			((p) = (v))

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define GFP_KERNEL				0
#define kzalloc(size, gfp)			((void)(gfp), calloc(1, size))
#define kfree(p)				free(p)
#define kfree_rcu(p, field) do {					\
	(void)offsetof(typeof(p[0]), field);				\
	free(p);							\
} while (0)

#endif /* __KERNEL__ */

#endif /* _VCMP_PURE_H */
