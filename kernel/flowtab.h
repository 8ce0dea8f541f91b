/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded table of recently seen flows, by hash.
 *
 * Used to tell the first oversize DF packet of a flow (answered with ICMP
 * and dropped) from the later ones (fragmented inside the tunnel). The
 * table stores a 64-bit keyed hash of the flow's 5-tuple and when it was
 * last seen, in VCMP_FLOWTAB_WAYS-way buckets: a new flow takes an empty
 * or expired way, else the least recently seen one. Memory is fixed at
 * init; nothing is ever allocated. Two flows whose hashes collide count
 * as one (the second skips its ICMP): with a keyed 64-bit hash, an
 * attacker cannot aim for that.
 *
 * Time is in caller-chosen units (seconds, jiffies) and wraps; entries
 * older than the ttl given to each call are expired.
 *
 * Pure logic (see pure.h). Not thread-safe: the caller serialises.
 */
#ifndef _VCMP_FLOWTAB_H
#define _VCMP_FLOWTAB_H

#include "pure.h"

#define VCMP_FLOWTAB_WAYS	4

/* One way: @key 0 means empty (keys are made non-zero). */
struct vcmp_flow_slot {
	u64 key;
	u32 seen;
};

/*
 * struct vcmp_flowtab - the table
 * @slots: @nbuckets * VCMP_FLOWTAB_WAYS slots, owned by the caller
 * @nbuckets: a power of two
 * @count: slots in use (expired ones included until reused)
 */
struct vcmp_flowtab {
	struct vcmp_flow_slot *slots;
	u32 nbuckets;
	u32 count;
};

int vcmp_flowtab_init(struct vcmp_flowtab *t, struct vcmp_flow_slot *slots,
		      u32 nslots);
bool vcmp_flowtab_seen(struct vcmp_flowtab *t, u64 key, u32 now, u32 ttl);
void vcmp_flowtab_forget(struct vcmp_flowtab *t, u64 key);
void vcmp_flowtab_clear(struct vcmp_flowtab *t);

#endif /* _VCMP_FLOWTAB_H */
