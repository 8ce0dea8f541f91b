/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link choice: which link(s) of a peer a packet of a traffic class goes
 * on, from a snapshot of each link (usable, meets the class SLA, role in
 * the class, one-way delay, capacity, and the spray model's next free
 * time).
 *
 * Roles follow DMPO business policy:
 * - mandatory: the class uses only its mandatory links; when none is
 *   usable, its packets are dropped (the caller counts them);
 * - preferred: used first, as long as it meets the class SLA;
 * - available: used when it meets the SLA, else when nothing better is up;
 * - backup: used only when no other link of the peer is usable.
 *
 * The candidates of a class are its mandatory links if it has any, else
 * its usable non-backup links, else its usable backup links. Among them a
 * link is ranked by tier: preferred meeting the SLA, available meeting
 * the SLA, preferred, available (backups share the last tier), then by
 * one-way delay; delays within VCMP_LC_OWD_TIE_US or an eighth of the
 * larger one are a tie, which the lower index wins, so that measurement
 * noise does not move flows or change a duplicated class's pair.
 *
 * Spray (per-packet aggregation) models each candidate as a queue: a
 * packet of @len bytes put on link i at time now leaves it at
 * max(now, free_i) + len * 8 / capacity_i and arrives one one-way delay
 * later; the packet goes where it arrives first (the faster link on a
 * tie), so a slower link is used only when that does not make the packet
 * arrive later than on the faster one. The chosen link's free time moves
 * on. Packets of one size therefore arrive in the order they were sent
 * (in the model); a small packet may overtake a large one.
 *
 * Pure logic (see pure.h): no allocation, no locking; the caller owns
 * the array and serialises (or tolerates races on) the free times.
 */
#ifndef _VCMP_LINKCHOICE_H
#define _VCMP_LINKCHOICE_H

#include "pure.h"

/* Roles, the values of enum vcmp_nl_role. */
enum vcmp_lc_role {
	VCMP_LC_AVAILABLE,
	VCMP_LC_PREFERRED,
	VCMP_LC_MANDATORY,
	VCMP_LC_BACKUP,
};

/* One-way delays closer than this (or than 1/8) rank as a tie. */
#define VCMP_LC_OWD_TIE_US	1000

/* Capacity assumed for a link nothing is known of: 100 Mbit/s. */
#define VCMP_LC_DEFAULT_BPS	100000000ULL

/*
 * struct vcmp_lc_link - one link as link choice sees it
 * @usable: the link can carry traffic (not down)
 * @sla_ok: it meets the class's SLA
 * @role: enum vcmp_lc_role in the class
 * @owd_us: one-way delay estimate, 0 when unknown
 * @capacity_bps: bits per second, 0: VCMP_LC_DEFAULT_BPS
 * @free_ns: spray: when the link's modelled queue is empty
 */
struct vcmp_lc_link {
	bool usable;
	bool sla_ok;
	u8 role;
	u32 owd_us;
	u64 capacity_bps;
	u64 free_ns;
};

bool vcmp_lc_candidate(const struct vcmp_lc_link *links, unsigned int n,
		       unsigned int i);
bool vcmp_lc_has_mandatory(const struct vcmp_lc_link *links, unsigned int n);
int vcmp_lc_best(const struct vcmp_lc_link *links, unsigned int n,
		 int exclude);
int vcmp_lc_flow(const struct vcmp_lc_link *links, unsigned int n, int cur);
int vcmp_lc_spray(struct vcmp_lc_link *links, unsigned int n, u32 len,
		  u64 now_ns);
unsigned int vcmp_lc_dup(const struct vcmp_lc_link *links, unsigned int n,
			 int out[2]);

#endif /* _VCMP_LINKCHOICE_H */
