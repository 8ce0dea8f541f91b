// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU search of one link (see pmtu_search.h). Pure logic.
 */
#include "pmtu_search.h"

static bool vcmp_pmtus_running(const struct vcmp_pmtus *s)
{
	return (s->phase == VCMP_PMTUS_PROBING ||
		s->phase == VCMP_PMTUS_SEARCHING) && s->probe;
}

static void vcmp_pmtus_probe(struct vcmp_pmtus *s, u16 size)
{
	s->probe = size;
	s->tries = 0;
}

static void vcmp_pmtus_finish(struct vcmp_pmtus *s, u8 phase, u16 mtu)
{
	s->phase = phase;
	s->mtu = mtu;
	s->probe = 0;
	s->tries = 0;
}

/*
 * Next step of the binary search over (@lo or below the floor, @hi]:
 * probe the middle, or stop.
 */
static void vcmp_pmtus_step(struct vcmp_pmtus *s)
{
	/* Below this every size is known to pass (or assumed, the floor). */
	u16 low = s->lo ? s->lo : s->floor - 1;

	s->phase = VCMP_PMTUS_SEARCHING;
	if (s->lo && s->hi < s->lo)
		s->hi = s->lo;
	/* Go on while the smallest failed size is RESOLUTION or more up. */
	if (s->hi > low && s->hi + 1 - low >= VCMP_PMTUS_RESOLUTION) {
		vcmp_pmtus_probe(s, low + (s->hi - low + 1) / 2);
		return;
	}
	if (s->lo) {
		vcmp_pmtus_finish(s, VCMP_PMTUS_DONE, s->lo);
		return;
	}
	/* Nothing confirmed yet and close to the floor: try the floor. */
	if (s->hi >= s->floor) {
		vcmp_pmtus_probe(s, s->floor);
		return;
	}
	/* Never above what an ICMP reported before its probe got lost. */
	vcmp_pmtus_finish(s, VCMP_PMTUS_FLOOR,
			  s->mtu < s->floor ? s->mtu : s->floor);
}

/**
 * vcmp_pmtus_init - start discovery on a new link
 * @s: the state
 * @ceiling: first size probed, and the MTU in use until one is confirmed
 * @floor: the lowest size the blind search goes to (at most @ceiling)
 */
void vcmp_pmtus_init(struct vcmp_pmtus *s, u16 ceiling, u16 floor)
{
	memset(s, 0, sizeof(*s));
	s->ceiling = ceiling;
	s->floor = floor < ceiling ? floor : ceiling;
	s->mtu = ceiling;
	vcmp_pmtus_restart(s);
}

/**
 * vcmp_pmtus_set_manual - stop discovery: @mtu was set by hand
 * @s: the state
 * @mtu: the underlay MTU to use as is
 */
void vcmp_pmtus_set_manual(struct vcmp_pmtus *s, u16 mtu)
{
	vcmp_pmtus_finish(s, VCMP_PMTUS_OFF, mtu);
}

/**
 * vcmp_pmtus_restart - rediscover, starting with the MTU in use
 * @s: the state
 *
 * For a link that came back: probe its current MTU first (RFC 1191).
 */
void vcmp_pmtus_restart(struct vcmp_pmtus *s)
{
	if (s->mtu > s->ceiling)
		s->mtu = s->ceiling;
	s->phase = VCMP_PMTUS_PROBING;
	s->lo = 0;
	s->hi = s->mtu;
	vcmp_pmtus_probe(s, s->mtu);
}

/**
 * vcmp_pmtus_raise - look for a larger MTU
 * @s: the state, after discovery finished
 *
 * Probes the ceiling; a confirmed MTU stays the known-good lower bound of
 * the search that follows if the ceiling does not pass.
 */
void vcmp_pmtus_raise(struct vcmp_pmtus *s)
{
	if (s->phase == VCMP_PMTUS_OFF || vcmp_pmtus_running(s))
		return;
	s->lo = s->phase == VCMP_PMTUS_DONE ? s->mtu : 0;
	s->hi = s->ceiling;
	s->phase = VCMP_PMTUS_PROBING;
	vcmp_pmtus_probe(s, s->ceiling);
}

/**
 * vcmp_pmtus_set_ceiling - the largest size that can be probed changed
 * @s: the state
 * @ceiling: new ceiling (e.g. the local interface's MTU), at least 68
 */
void vcmp_pmtus_set_ceiling(struct vcmp_pmtus *s, u16 ceiling)
{
	s->ceiling = ceiling;
	if (s->floor > ceiling)
		s->floor = ceiling;
	if (s->phase == VCMP_PMTUS_OFF)
		return;
	if (s->mtu > ceiling)
		s->mtu = ceiling;
	if (s->lo > ceiling)
		s->lo = ceiling;
	if (s->hi > ceiling)
		s->hi = ceiling;
	if (s->probe > ceiling)
		vcmp_pmtus_probe(s, ceiling);
}

/**
 * vcmp_pmtus_next_probe - size of the probe to send now
 * @s: the state
 *
 * Counts the probe as sent. Return: the size, or 0 when no probe is due.
 */
u16 vcmp_pmtus_next_probe(struct vcmp_pmtus *s)
{
	if (!vcmp_pmtus_running(s) || s->tries >= VCMP_PMTUS_MAX_PROBES)
		return 0;
	s->tries++;
	return s->probe;
}

/**
 * vcmp_pmtus_unsend - the probe vcmp_pmtus_next_probe() asked for could
 * not be sent (no key yet, no route): it does not count as a try
 * @s: the state
 */
void vcmp_pmtus_unsend(struct vcmp_pmtus *s)
{
	if (vcmp_pmtus_running(s) && s->tries)
		s->tries--;
}

/**
 * vcmp_pmtus_ack - a probe of @size was acknowledged
 * @s: the state
 * @size: the size the acknowledged probe was sent with (possibly an
 *	earlier probe than the outstanding one: it still proves @size)
 */
void vcmp_pmtus_ack(struct vcmp_pmtus *s, u16 size)
{
	bool news = size > s->lo;

	if (s->phase == VCMP_PMTUS_OFF || !size || size > s->ceiling)
		return;
	if (size > s->lo)
		s->lo = size;
	if (size > s->hi)
		s->hi = size;
	switch (s->phase) {
	case VCMP_PMTUS_PROBING:
		if (size >= s->probe)
			vcmp_pmtus_finish(s, VCMP_PMTUS_DONE, size);
		break;
	case VCMP_PMTUS_SEARCHING:
		/* A stale answer must not restart the tries of the probe. */
		if (news)
			vcmp_pmtus_step(s);
		break;
	default:
		/* A late answer after the end proves a larger size. */
		if (size > s->mtu)
			vcmp_pmtus_finish(s, VCMP_PMTUS_DONE, size);
		break;
	}
}

/**
 * vcmp_pmtus_timeout - the probe timer expired without an answer
 * @s: the state
 *
 * After VCMP_PMTUS_MAX_PROBES unanswered probes the size fails and the
 * search moves on; before, the same size is due again.
 */
void vcmp_pmtus_timeout(struct vcmp_pmtus *s)
{
	if (!vcmp_pmtus_running(s) || s->tries < VCMP_PMTUS_MAX_PROBES)
		return;
	s->hi = s->probe - 1;
	vcmp_pmtus_step(s);
}

/**
 * vcmp_pmtus_icmp - a validated ICMP reported @mtu for the outstanding probe
 * @s: the state
 * @mtu: the MTU the ICMP reported
 * @min_mtu: the smallest sane report (VCMP_PMTUS_MIN_V4 or _V6)
 *
 * The caller has checked that the ICMP quotes the outstanding probe.
 * Return: what was done (enum vcmp_pmtus_icmp_result).
 */
enum vcmp_pmtus_icmp_result vcmp_pmtus_icmp(struct vcmp_pmtus *s, u16 mtu,
					    u16 min_mtu)
{
	if (!vcmp_pmtus_running(s))
		return VCMP_PMTUS_ICMP_NO_PROBE;
	if (mtu < min_mtu || mtu >= s->probe)
		return VCMP_PMTUS_ICMP_BAD_MTU;
	/* A confirmed size above the report is history: the path changed. */
	if (s->lo > mtu)
		s->lo = 0;
	s->hi = mtu;
	if (mtu < s->mtu)
		s->mtu = mtu;
	s->phase = VCMP_PMTUS_PROBING;
	vcmp_pmtus_probe(s, mtu);
	return VCMP_PMTUS_ICMP_LOWERED;
}

/* Name of @phase for netlink and logs. */
const char *vcmp_pmtus_phase_name(enum vcmp_pmtus_phase phase)
{
	static const char *const names[] = {
		[VCMP_PMTUS_OFF]	= "off",
		[VCMP_PMTUS_PROBING]	= "probing",
		[VCMP_PMTUS_SEARCHING]	= "searching",
		[VCMP_PMTUS_DONE]	= "done",
		[VCMP_PMTUS_FLOOR]	= "floor",
	};

	if ((unsigned int)phase >= ARRAY_SIZE(names))
		return "unknown";
	return names[phase];
}
