/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed-IPs: longest-prefix-match tables from inner IPv4/IPv6 prefixes to
 * peers. Used on transmit to choose the peer for an inner destination and
 * on receive to check that an inner source belongs to the peer it came from
 * (WireGuard's cryptokey routing idea; this is vcmp's own implementation).
 *
 * Also compiles in userspace (VCMP_USERSPACE) for unit tests and fuzzing.
 *
 * Concurrency: lookups run under rcu_read_lock() (any context, lockless);
 * insert/remove are serialised by the caller's lock (the device mutex) and
 * publish with rcu_assign_pointer(); freed nodes wait for a grace period.
 */
#ifndef _VCMP_ALLOWEDIPS_H
#define _VCMP_ALLOWEDIPS_H

#include "pure.h"

struct vcmp_aip_node;

/*
 * struct vcmp_aip_owner - embedded in whatever owns prefixes (a peer)
 * @head: the owner's prefixes, linked through their nodes; writers only
 * @count: how many
 *
 * Lookups return the owner pointer; the caller uses container_of().
 */
struct vcmp_aip_owner {
	struct vcmp_aip_node *head;
	unsigned int count;
};

/*
 * struct vcmp_allowedips - one table for both families
 * @root4: IPv4 trie, RCU-protected
 * @root6: IPv6 trie, RCU-protected
 * @count: number of prefixes, writers only
 */
struct vcmp_allowedips {
	struct vcmp_aip_node __rcu *root4;
	struct vcmp_aip_node __rcu *root6;
	unsigned int count;
};

void vcmp_aip_init(struct vcmp_allowedips *t);
/* Free everything; the caller guarantees no reader remains (after RCU). */
void vcmp_aip_free(struct vcmp_allowedips *t);

/*
 * Insert @addr/@cidr (family 4 or 6, @addr in network byte order, 4 or 16
 * bytes) for @owner; an existing identical prefix changes owner. Bits
 * beyond @cidr are ignored (masked). Returns 0, -EINVAL (bad family or
 * cidr) or -ENOMEM.
 */
int vcmp_aip_insert(struct vcmp_allowedips *t, int family, const u8 *addr,
		    u8 cidr, struct vcmp_aip_owner *owner);
/* Remove one prefix if @owner has it: 0 or -ENOENT. */
int vcmp_aip_remove(struct vcmp_allowedips *t, int family, const u8 *addr,
		    u8 cidr, struct vcmp_aip_owner *owner);
/* Remove every prefix of @owner; returns how many. */
unsigned int vcmp_aip_remove_owner(struct vcmp_allowedips *t,
				   struct vcmp_aip_owner *owner);
/* Longest-prefix match of the address @addr; NULL if none. RCU reader. */
struct vcmp_aip_owner *vcmp_aip_lookup(const struct vcmp_allowedips *t,
				       int family, const u8 *addr);
/*
 * Walk the prefixes of @owner in O(its prefixes) (writers' lock held):
 * calls @fn(arg, family, addr, cidr) for each, address masked to cidr;
 * stops and returns the first non-zero value @fn returns. For dumps.
 */
int vcmp_aip_walk_owner(const struct vcmp_allowedips *t,
			struct vcmp_aip_owner *owner,
			int (*fn)(void *arg, int family, const u8 *addr,
				  u8 cidr),
			void *arg);

#ifdef VCMP_USERSPACE
/*
 * Test hook (userspace builds only): checks every invariant of @t's tries
 * and owner lists; returns the number of nodes, or -1 after printing the
 * broken invariant to stderr.
 */
long vcmp_aip_check(struct vcmp_allowedips *t);
#endif

#endif /* _VCMP_ALLOWEDIPS_H */
