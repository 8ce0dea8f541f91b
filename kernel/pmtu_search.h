/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path MTU search of one link: the decisions of RFC 1191 path MTU
 * discovery with the RFC 4821 / RFC 8899 packetization-layer fallback,
 * without the packets and timers that carry them out (pmtud.c).
 *
 * Sizes are underlay MTUs: the length of the outer IP datagram a probe of
 * that size occupies.
 *
 * 1. PROBING (RFC 1191): a probe of the current MTU (the ceiling, 1500 by
 *    default, on the first run) goes out with DF set. An acknowledgment
 *    confirms it: DONE. A validated ICMP "fragmentation needed" / "packet
 *    too big" lowers the MTU to what it reports, and that size is probed
 *    next, until one is acknowledged.
 * 2. SEARCHING (RFC 4821 / 8899): when VCMP_PMTUS_MAX_PROBES probes of a
 *    size go unanswered (no acknowledgment, no ICMP: a black hole), a
 *    binary search runs between the floor and the failed size. A size
 *    fails after VCMP_PMTUS_MAX_PROBES unanswered probes; the search stops
 *    when the largest confirmed size is less than VCMP_PMTUS_RESOLUTION
 *    below the smallest failed one: DONE with the confirmed size.
 * 3. FLOOR: even the floor (1300) went unanswered: the MTU stays at the
 *    floor (or below it, where a validated ICMP put it); a smaller MTU
 *    must be set by hand.
 *
 * While a search runs, the MTU in use stays the last confirmed one (the
 * ceiling before the first confirmation, so that a new link carries data
 * at once); it changes on an ICMP, on DONE and on FLOOR.
 *
 * vcmp_pmtus_raise() restarts discovery from the ceiling (to find an MTU
 * that went up), keeping the MTU in use as the known-good lower bound.
 *
 * Pure logic (see pure.h). Not thread-safe: the caller serialises.
 */
#ifndef _VCMP_PMTU_SEARCH_H
#define _VCMP_PMTU_SEARCH_H

#include "pure.h"

#define VCMP_PMTUS_FLOOR_MTU	1300	/* PLPMTUD does not go below this */
#define VCMP_PMTUS_MAX_PROBES	3	/* unanswered probes before a size fails */
#define VCMP_PMTUS_RESOLUTION	8	/* the search stops this close */
#define VCMP_PMTUS_MIN_V4	576	/* smallest MTU an ICMP may report */
#define VCMP_PMTUS_MIN_V6	1280

enum vcmp_pmtus_phase {
	VCMP_PMTUS_OFF,		/* not running: the MTU was set by hand */
	VCMP_PMTUS_PROBING,	/* RFC 1191: probing the current size */
	VCMP_PMTUS_SEARCHING,	/* RFC 4821: binary search */
	VCMP_PMTUS_DONE,	/* a size was confirmed */
	VCMP_PMTUS_FLOOR,	/* nothing confirmed: at the floor */
};

/* What vcmp_pmtus_icmp() made of a report. */
enum vcmp_pmtus_icmp_result {
	VCMP_PMTUS_ICMP_LOWERED,	/* the MTU was lowered to the report */
	VCMP_PMTUS_ICMP_NO_PROBE,	/* no probe outstanding */
	VCMP_PMTUS_ICMP_BAD_MTU,	/* below the minimum, not below the probe */
};

/*
 * struct vcmp_pmtus - search state of one link
 * @mtu: the underlay MTU in use
 * @ceiling: where discovery starts and the largest size ever probed
 * @floor: the smallest size the blind search goes to
 * @lo: largest size known to pass (0: none confirmed in this run)
 * @hi: largest size not known to fail
 * @probe: size of the outstanding probe, 0 when none is wanted
 * @tries: probes sent of size @probe
 * @phase: enum vcmp_pmtus_phase
 */
struct vcmp_pmtus {
	u16 mtu;
	u16 ceiling;
	u16 floor;
	u16 lo;
	u16 hi;
	u16 probe;
	u8 tries;
	u8 phase;
};

void vcmp_pmtus_init(struct vcmp_pmtus *s, u16 ceiling, u16 floor);
void vcmp_pmtus_set_manual(struct vcmp_pmtus *s, u16 mtu);
void vcmp_pmtus_restart(struct vcmp_pmtus *s);
void vcmp_pmtus_raise(struct vcmp_pmtus *s);
u16 vcmp_pmtus_next_probe(struct vcmp_pmtus *s);
void vcmp_pmtus_unsend(struct vcmp_pmtus *s);
void vcmp_pmtus_ack(struct vcmp_pmtus *s, u16 size);
void vcmp_pmtus_timeout(struct vcmp_pmtus *s);
enum vcmp_pmtus_icmp_result vcmp_pmtus_icmp(struct vcmp_pmtus *s, u16 mtu,
					    u16 min_mtu);
void vcmp_pmtus_set_ceiling(struct vcmp_pmtus *s, u16 ceiling);
const char *vcmp_pmtus_phase_name(enum vcmp_pmtus_phase phase);

#endif /* _VCMP_PMTU_SEARCH_H */
