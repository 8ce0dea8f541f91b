// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/pmtu_search.c: the first bytes choose the
 * ceiling, the floor and a true path MTU, the rest is a stream of events
 * on one search: probes sent, probes taken back (not sent after all),
 * timers, acknowledgements (of the outstanding probe, of an earlier one,
 * of any size), ICMP reports (true, arbitrary, around the probe, with
 * either minimum), raise, restart, a manual MTU, ceiling changes, and
 * steps of a simulated path. After each one the invariants are checked:
 *
 *	- the phase is valid; a probe is outstanding exactly while probing
 *	  or searching, at most VCMP_PMTUS_MAX_PROBES tries of it;
 *	- floor <= ceiling; mtu <= ceiling unless off; lo <= hi when lo is
 *	  set, both within the ceiling unless off;
 *	- a probe lies within [min(floor, mtu in use), ceiling] (an ICMP
 *	  lowers the MTU in use to its report, so it covers those), or
 *	  above a confirmed size lower than that;
 *	- next_probe() gives the outstanding size or 0; acks and timeouts
 *	  leave the MTU in use alone while the search runs, an ICMP only
 *	  lowers it, and DONE is reached only with a size acknowledged;
 *	- while the search runs, a stale answer (no larger than a confirmed
 *	  size, smaller than the probe) changes nothing: a size fails after
 *	  VCMP_PMTUS_MAX_PROBES unanswered probes, whatever old answers
 *	  come in between;
 *	- a refused ICMP (BAD_MTU, NO_PROBE) changes nothing.
 *
 * At the end, from whatever state the events left, discovery is
 * restarted and run against the path with no loss: it must end within a
 * bounded number of probes, never above the path when that is at or
 * above the floor, less than VCMP_PMTUS_RESOLUTION below it when the path
 * is silent, exactly at it when an ICMP reports it.
 *
 * Built by "make -C selftests/unit fuzz".
 */
#include <stdio.h>
#include <stdlib.h>

#include "pmtu_search.h"

#define TRIES	VCMP_PMTUS_MAX_PROBES
#define RES	VCMP_PMTUS_RESOLUTION
#define MIN_MTU	68		/* sizes below are not IP */
#define HIST	16

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		abort();						\
	}								\
} while (0)

static struct vcmp_pmtus s;
static u16 path;		/* the true path MTU */
static bool path_icmp;		/* the path reports with ICMP */
static u16 sent[HIST];		/* sizes of probes sent */
static unsigned int nsent;
static u16 max_acked;		/* largest size acknowledged, ever */

static bool running(void)
{
	return s.phase == VCMP_PMTUS_PROBING ||
	       s.phase == VCMP_PMTUS_SEARCHING;
}

static void check(void)
{
	ASSERT(s.phase <= VCMP_PMTUS_FLOOR);
	ASSERT(s.floor <= s.ceiling);
	ASSERT(s.floor >= MIN_MTU || s.floor == s.ceiling);
	ASSERT(s.tries <= TRIES);
	ASSERT(running() == !!s.probe);
	if (!running())
		ASSERT(!s.tries);
	if (s.phase == VCMP_PMTUS_OFF)
		return;
	ASSERT(s.mtu <= s.ceiling);
	ASSERT(s.lo <= s.ceiling && s.hi <= s.ceiling);
	if (s.lo)
		ASSERT(s.lo <= s.hi);
	if (s.probe) {
		u16 low = s.floor < s.mtu ? s.floor : s.mtu;

		/* Or above a confirmed size, when that is lower. */
		if (s.lo && s.lo < low)
			low = s.lo + 1;
		ASSERT(s.probe <= s.ceiling);
		ASSERT(s.probe >= low);
	}
	if (s.phase == VCMP_PMTUS_DONE)
		ASSERT(s.mtu && s.mtu <= max_acked);
}

static u16 next_probe(void)
{
	struct vcmp_pmtus old = s;
	u16 size = vcmp_pmtus_next_probe(&s);

	if (size) {
		ASSERT(size == old.probe && s.tries == old.tries + 1);
		sent[nsent++ % HIST] = size;
	} else {
		ASSERT(!memcmp(&old, &s, sizeof(s)));
	}
	return size;
}

static void unsend(void)
{
	struct vcmp_pmtus old = s;

	vcmp_pmtus_unsend(&s);
	if (running() && old.tries)
		ASSERT(s.tries == old.tries - 1);
	old.tries = s.tries;
	ASSERT(!memcmp(&old, &s, sizeof(s)));
}

static void ack(u16 size)
{
	struct vcmp_pmtus old = s;

	if (s.phase != VCMP_PMTUS_OFF && size && size <= s.ceiling &&
	    size > max_acked)
		max_acked = size;
	vcmp_pmtus_ack(&s, size);
	if (old.phase == VCMP_PMTUS_OFF || !size || size > old.ceiling) {
		ASSERT(!memcmp(&old, &s, sizeof(s)));
		return;
	}
	if (running())
		ASSERT(s.mtu == old.mtu);
	/* While it runs, an answer no larger than one confirmed is stale. */
	if ((old.phase == VCMP_PMTUS_PROBING ||
	     old.phase == VCMP_PMTUS_SEARCHING) && size <= old.lo &&
	    size < old.probe)
		ASSERT(!memcmp(&old, &s, sizeof(s)));
	/* An answer to the outstanding probe of RFC 1191 ends it. */
	if (old.phase == VCMP_PMTUS_PROBING && size >= old.probe)
		ASSERT(s.phase == VCMP_PMTUS_DONE && s.mtu == size);
	/* The MTU in use never goes down on an answer. */
	if (s.phase == VCMP_PMTUS_DONE && old.phase != VCMP_PMTUS_PROBING &&
	    old.phase != VCMP_PMTUS_SEARCHING)
		ASSERT(s.mtu >= old.mtu);
}

static void timeout(void)
{
	struct vcmp_pmtus old = s;

	vcmp_pmtus_timeout(&s);
	if (!(old.phase == VCMP_PMTUS_PROBING ||
	      old.phase == VCMP_PMTUS_SEARCHING) || old.tries < TRIES) {
		ASSERT(!memcmp(&old, &s, sizeof(s)));
		return;
	}
	/* The size failed: never probed again in this run. */
	if (running()) {
		ASSERT(s.mtu == old.mtu);
		ASSERT(s.probe < old.probe && !s.tries);
	}
}

static void icmp(u16 mtu, u16 min_mtu)
{
	struct vcmp_pmtus old = s;
	enum vcmp_pmtus_icmp_result r = vcmp_pmtus_icmp(&s, mtu, min_mtu);

	switch (r) {
	case VCMP_PMTUS_ICMP_LOWERED:
		ASSERT(mtu >= min_mtu && mtu < old.probe);
		ASSERT(s.phase == VCMP_PMTUS_PROBING && s.probe == mtu);
		ASSERT(!s.tries);
		ASSERT(s.mtu == (old.mtu < mtu ? old.mtu : mtu));
		break;
	case VCMP_PMTUS_ICMP_NO_PROBE:
		ASSERT(!(old.phase == VCMP_PMTUS_PROBING ||
			 old.phase == VCMP_PMTUS_SEARCHING));
		ASSERT(!memcmp(&old, &s, sizeof(s)));
		break;
	case VCMP_PMTUS_ICMP_BAD_MTU:
		ASSERT(mtu < min_mtu || mtu >= old.probe);
		ASSERT(!memcmp(&old, &s, sizeof(s)));
		break;
	default:
		ASSERT(0);
	}
}

/* One probe over the simulated path, lost if @lost. */
static void path_step(bool lost)
{
	u16 size = next_probe();

	if (!size) {
		timeout();
		return;
	}
	if (lost)
		timeout();
	else if (size <= path)
		ack(size);
	else if (path_icmp)
		icmp(path, VCMP_PMTUS_MIN_V4);
	else
		timeout();
}

/* Restart and run to the end over the path without loss. */
static void final_run(void)
{
	u16 top, floor, truth;
	u32 min_failed = 65536;
	int probes = 0;

	vcmp_pmtus_restart(&s);
	check();
	top = s.mtu;		/* the first probe, the upper end */
	floor = s.floor;
	truth = path < top ? path : top;
	while (running()) {
		u16 size = next_probe();

		ASSERT(size);
		ASSERT(++probes <= 3 * 40);
		if (size <= path) {
			ack(size);
		} else if (path_icmp && path >= VCMP_PMTUS_MIN_V4) {
			icmp(path, VCMP_PMTUS_MIN_V4);
			if (size < min_failed)
				min_failed = size;
		} else {
			u8 tries = s.tries;

			timeout();
			if (tries == TRIES && size < min_failed)
				min_failed = size;
		}
		check();
	}
	if (path >= top) {
		ASSERT(s.phase == VCMP_PMTUS_DONE && s.mtu == top);
	} else if (path_icmp && path >= VCMP_PMTUS_MIN_V4) {
		ASSERT(s.phase == VCMP_PMTUS_DONE && s.mtu == path);
	} else if (truth >= floor) {
		ASSERT(s.phase == VCMP_PMTUS_DONE);
		ASSERT(s.mtu <= truth && truth - s.mtu < RES);
		ASSERT(min_failed - s.mtu < RES);
	} else {
		ASSERT(s.phase == VCMP_PMTUS_FLOOR);
		ASSERT(s.mtu == (top < floor ? top : floor));
	}
}

static u64 get(const u8 **p, const u8 *end, unsigned int n)
{
	u64 v = 0;

	while (n-- && *p < end)
		v = v << 8 | *(*p)++;
	return v;
}

/* A size of at least 68: often near the usual ones, sometimes any. */
static u16 get_size(const u8 **p, const u8 *end)
{
	u16 v = (u16)get(p, end, 2);

	if (v & 0x8000)
		return MIN_MTU + v % (65536 - MIN_MTU);
	return 1200 + v % 400;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data, *end = data + size;
	u16 ceiling, floor;

	if (size > 4096)
		return 0;
	ceiling = get_size(&p, end);
	floor = get(&p, end, 1) & 1 ? VCMP_PMTUS_FLOOR_MTU :
					 get_size(&p, end);
	path = get_size(&p, end);
	path_icmp = get(&p, end, 1) & 1;
	nsent = 0;
	max_acked = 0;
	vcmp_pmtus_init(&s, ceiling, floor);
	check();
	while (p < end) {
		u8 op = *p++;
		u16 v;

		switch (op & 15) {
		case 0:
		case 1:
		case 2:
		case 3:		/* the path, sometimes losing a probe */
			path_step((op >> 4) == 15);
			break;
		case 4:
			if (op & 16)
				unsend();
			else
				next_probe();
			break;
		case 5:
			timeout();
			break;
		case 6:		/* an answer to the outstanding probe */
			ack(s.probe);
			break;
		case 7:		/* a late answer to an earlier probe */
			if (nsent)
				ack(sent[get(&p, end, 1) %
					 (nsent < HIST ? nsent : HIST)]);
			break;
		case 8:		/* an answer of any IP packet size */
			ack(get_size(&p, end));
			break;
		case 9:		/* an ICMP near the probe */
			icmp(s.probe - (s8)get(&p, end, 1),
			     op & 16 ? VCMP_PMTUS_MIN_V6 : VCMP_PMTUS_MIN_V4);
			break;
		case 10:	/* any ICMP */
			v = (u16)get(&p, end, 2);
			icmp(v, op & 16 ? VCMP_PMTUS_MIN_V6 :
			     VCMP_PMTUS_MIN_V4);
			break;
		case 11:
			vcmp_pmtus_raise(&s);
			break;
		case 12:
			vcmp_pmtus_restart(&s);
			break;
		case 13:
			vcmp_pmtus_set_manual(&s, get_size(&p, end));
			break;
		case 14:
			vcmp_pmtus_set_ceiling(&s, get_size(&p, end));
			break;
		default:
			if (op & 16)
				path = get_size(&p, end);
			else
				path_icmp = !path_icmp;
		}
		check();
	}
	final_run();
	return 0;
}
