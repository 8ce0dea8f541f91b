// SPDX-License-Identifier: GPL-2.0
/*
 * Link choice for steering (linkchoice.h). Pure logic: compiled in the
 * kernel and, for the unit tests and the fuzzer, in userspace.
 */
#include "linkchoice.h"

#if defined(__KERNEL__)
#include <linux/math64.h>
#endif

static u64 vcmp_lc_div(u64 n, u64 d)
{
#if defined(__KERNEL__)
	return div64_u64(n, d);
#else
	return n / d;
#endif
}

/* Whether the class has a mandatory link at all (usable or not). */
bool vcmp_lc_has_mandatory(const struct vcmp_lc_link *links, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (links[i].role == VCMP_LC_MANDATORY)
			return true;
	return false;
}

static bool vcmp_lc_other_usable(const struct vcmp_lc_link *links,
				 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (links[i].usable && links[i].role != VCMP_LC_BACKUP)
			return true;
	return false;
}

/**
 * vcmp_lc_candidate - whether link @i may carry the class now
 * @links: the peer's links
 * @n: how many
 * @i: index of the link asked about
 */
bool vcmp_lc_candidate(const struct vcmp_lc_link *links, unsigned int n,
		       unsigned int i)
{
	const struct vcmp_lc_link *l = &links[i];

	if (!l->usable)
		return false;
	if (vcmp_lc_has_mandatory(links, n))
		return l->role == VCMP_LC_MANDATORY;
	if (l->role == VCMP_LC_BACKUP)
		return !vcmp_lc_other_usable(links, n);
	return true;
}

/* Tier of a candidate, lower is better. */
static unsigned int vcmp_lc_tier(const struct vcmp_lc_link *l)
{
	unsigned int t = l->sla_ok ? 0 : 2;

	return t + (l->role == VCMP_LC_PREFERRED ||
		    l->role == VCMP_LC_MANDATORY ? 0 : 1);
}

static bool vcmp_lc_better(const struct vcmp_lc_link *a,
			   const struct vcmp_lc_link *b)
{
	unsigned int ta = vcmp_lc_tier(a), tb = vcmp_lc_tier(b);

	if (ta != tb)
		return ta < tb;
	/* Clearly faster only: measurement noise must not reorder links. */
	return a->owd_us < b->owd_us &&
	       b->owd_us - a->owd_us > VCMP_LC_OWD_TIE_US &&
	       b->owd_us - a->owd_us > b->owd_us / 8;
}

/**
 * vcmp_lc_best - the best candidate
 * @links: the peer's links
 * @n: how many
 * @exclude: index to leave out, -1 for none
 *
 * Return: its index, or -1 when there is no candidate. Ties go to the
 * lowest index.
 */
int vcmp_lc_best(const struct vcmp_lc_link *links, unsigned int n,
		 int exclude)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if ((int)i == exclude || !vcmp_lc_candidate(links, n, i))
			continue;
		if (best < 0 || vcmp_lc_better(&links[i], &links[best]))
			best = (int)i;
	}
	return best;
}

/**
 * vcmp_lc_flow - the link of a flow
 * @links: the peer's links
 * @n: how many
 * @cur: the flow's link so far, -1 for a new flow
 *
 * A flow stays on its link while that link is a candidate and meets the
 * SLA, or while no candidate meets it; it moves when its link goes down,
 * stops being a candidate (a backup once another link is back) or falls
 * below the SLA while another candidate meets it. Preferring a better
 * link alone does not move a flow: moves are what reorders.
 *
 * Return: the index of the link, or -1 when there is no candidate.
 */
int vcmp_lc_flow(const struct vcmp_lc_link *links, unsigned int n, int cur)
{
	int best = vcmp_lc_best(links, n, -1);

	if (cur < 0 || (unsigned int)cur >= n ||
	    !vcmp_lc_candidate(links, n, (unsigned int)cur))
		return best;
	if (links[cur].sla_ok || best < 0 || !links[best].sla_ok)
		return cur;
	return best;
}

/* When a packet of @len bytes put on @l at @now_ns would arrive. */
static u64 vcmp_lc_arrival(const struct vcmp_lc_link *l, u32 len, u64 now_ns,
			   u64 *done)
{
	u64 bps = l->capacity_bps ?: VCMP_LC_DEFAULT_BPS;
	u64 start = l->free_ns > now_ns ? l->free_ns : now_ns;

	*done = start + vcmp_lc_div((u64)len * 8 * 1000000000ULL, bps);
	return *done + (u64)l->owd_us * 1000;
}

/**
 * vcmp_lc_spray - the link of one packet of a sprayed class
 * @links: the peer's links; the chosen one's @free_ns moves on
 * @n: how many
 * @len: packet length in bytes
 * @now_ns: the time
 *
 * Return: the index of the link, or -1 when there is no candidate.
 */
int vcmp_lc_spray(struct vcmp_lc_link *links, unsigned int n, u32 len,
		  u64 now_ns)
{
	u64 best_at = U64_MAX, best_done = 0, at, done;
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!vcmp_lc_candidate(links, n, i))
			continue;
		at = vcmp_lc_arrival(&links[i], len, now_ns, &done);
		if (best < 0 || at < best_at ||
		    (at == best_at && (links[i].capacity_bps ?:
				       VCMP_LC_DEFAULT_BPS) >
				      (links[best].capacity_bps ?:
				       VCMP_LC_DEFAULT_BPS))) {
			best = (int)i;
			best_at = at;
			best_done = done;
		}
	}
	if (best >= 0)
		links[best].free_ns = best_done;
	return best;
}

/**
 * vcmp_lc_dup - the links of a duplicated class
 * @links: the peer's links
 * @n: how many
 * @out: receives the indexes, best first
 *
 * Return: how many links (0, 1 or 2).
 */
unsigned int vcmp_lc_dup(const struct vcmp_lc_link *links, unsigned int n,
			 int out[2])
{
	out[0] = vcmp_lc_best(links, n, -1);
	if (out[0] < 0)
		return 0;
	out[1] = vcmp_lc_best(links, n, out[0]);
	return out[1] < 0 ? 1 : 2;
}
