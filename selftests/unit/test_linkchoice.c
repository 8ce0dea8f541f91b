// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/linkchoice.c: candidates by role (mandatory,
 * preferred, available, backup), the best link by tier and delay, when a
 * flow stays and when it moves, duplication on the two best links, and
 * the delay-aware spray: a packet goes to the slower link only when it
 * arrives no later, so that the split follows capacity under load and a
 * light load stays on the fast link.
 */
#include "linkchoice.h"
#include "unit.h"

static void set(struct vcmp_lc_link *l, bool usable, bool sla, u8 role,
		u32 owd, u64 bps)
{
	memset(l, 0, sizeof(*l));
	l->usable = usable;
	l->sla_ok = sla;
	l->role = role;
	l->owd_us = owd;
	l->capacity_bps = bps;
}

static void test_roles(void)
{
	struct vcmp_lc_link l[3];

	set(&l[0], true, true, VCMP_LC_AVAILABLE, 20000, 0);
	set(&l[1], true, true, VCMP_LC_AVAILABLE, 10000, 0);
	set(&l[2], true, true, VCMP_LC_BACKUP, 1, 0);
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 1);		/* lower delay */
	l[0].owd_us = 11000;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 0);		/* within 1/8: tie */
	l[0].owd_us = 10900;
	l[1].owd_us = 10000;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 0);
	l[0].owd_us = 1900;
	l[1].owd_us = 1000;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 0);		/* within 1 ms: tie */
	l[0].owd_us = 2100;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 1);
	l[0].owd_us = 20000;
	l[1].owd_us = 10000;
	CHECK(!vcmp_lc_candidate(l, 3, 2));		/* backup unused */
	l[1].role = VCMP_LC_PREFERRED;
	l[1].owd_us = 50;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 1);		/* preferred first */
	l[1].sla_ok = false;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 0);		/* unless below SLA */
	l[0].sla_ok = false;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 1);		/* all below: preferred */
	l[0].usable = false;
	l[1].usable = false;
	CHECK(vcmp_lc_candidate(l, 3, 2));		/* backup when alone */
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 2);
	l[2].usable = false;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), -1);
	/* Mandatory: only that link, nothing when it is down. */
	set(&l[0], true, true, VCMP_LC_AVAILABLE, 1, 0);
	set(&l[1], true, false, VCMP_LC_MANDATORY, 99, 0);
	set(&l[2], true, true, VCMP_LC_BACKUP, 1, 0);
	CHECK(vcmp_lc_has_mandatory(l, 3));
	CHECK_EQ(vcmp_lc_best(l, 3, -1), 1);
	CHECK(!vcmp_lc_candidate(l, 3, 0));
	l[1].usable = false;
	CHECK_EQ(vcmp_lc_best(l, 3, -1), -1);
	CHECK_EQ(vcmp_lc_flow(l, 3, 0), -1);
	CHECK(!vcmp_lc_has_mandatory(l, 0));
}

static void test_flow(void)
{
	struct vcmp_lc_link l[3];

	set(&l[0], true, true, VCMP_LC_AVAILABLE, 30000, 0);
	set(&l[1], true, true, VCMP_LC_AVAILABLE, 10000, 0);
	set(&l[2], true, true, VCMP_LC_BACKUP, 10000, 0);
	CHECK_EQ(vcmp_lc_flow(l, 3, -1), 1);		/* new: the best */
	CHECK_EQ(vcmp_lc_flow(l, 3, 0), 0);		/* stays */
	CHECK_EQ(vcmp_lc_flow(l, 3, 7), 1);		/* bad index: new */
	l[0].sla_ok = false;
	CHECK_EQ(vcmp_lc_flow(l, 3, 0), 1);		/* below SLA: moves */
	l[1].sla_ok = false;
	CHECK_EQ(vcmp_lc_flow(l, 3, 0), 0);		/* nothing better */
	l[0].usable = false;
	CHECK_EQ(vcmp_lc_flow(l, 3, 0), 1);		/* down: moves */
	l[1].usable = false;
	CHECK_EQ(vcmp_lc_flow(l, 3, 1), 2);		/* to the backup */
	l[0].usable = true;
	CHECK_EQ(vcmp_lc_flow(l, 3, 2), 0);		/* and back */
}

static void test_dup(void)
{
	struct vcmp_lc_link l[3];
	int out[2];

	set(&l[0], true, true, VCMP_LC_AVAILABLE, 30000, 0);
	set(&l[1], true, true, VCMP_LC_AVAILABLE, 10000, 0);
	set(&l[2], true, true, VCMP_LC_AVAILABLE, 20000, 0);
	CHECK_EQ(vcmp_lc_dup(l, 3, out), 2);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 2);
	l[2].usable = false;
	CHECK_EQ(vcmp_lc_dup(l, 3, out), 2);
	CHECK_EQ(out[1], 0);
	l[0].usable = false;
	CHECK_EQ(vcmp_lc_dup(l, 3, out), 1);
	CHECK_EQ(out[0], 1);
	l[1].usable = false;
	CHECK_EQ(vcmp_lc_dup(l, 3, out), 0);
}

/* Send @pkts packets of @len bytes every @gap_ns; count per link. */
static void spray(struct vcmp_lc_link *l, unsigned int n, unsigned int pkts,
		  u32 len, u64 gap_ns, unsigned int *count)
{
	u64 now = 1000000000ULL;
	unsigned int i;
	int c;

	memset(count, 0, n * sizeof(*count));
	for (i = 0; i < pkts; i++, now += gap_ns) {
		c = vcmp_lc_spray(l, n, len, now);
		CHECK(c >= 0 && (unsigned int)c < n);
		if (c >= 0)
			count[c]++;
	}
}

static void test_spray(void)
{
	struct vcmp_lc_link l[3];
	unsigned int count[3];

	/* Light load: all on the fast link. */
	set(&l[0], true, true, VCMP_LC_AVAILABLE, 0, 10000000);
	set(&l[1], true, true, VCMP_LC_AVAILABLE, 0, 30000000);
	spray(l, 2, 1000, 1000, 10000000, count);
	CHECK_EQ(count[0], 0);
	CHECK_EQ(count[1], 1000);
	/* Saturated, same delay: split 1:3 by capacity (within 2 %). */
	set(&l[0], true, true, VCMP_LC_AVAILABLE, 0, 10000000);
	set(&l[1], true, true, VCMP_LC_AVAILABLE, 0, 30000000);
	spray(l, 2, 10000, 1000, 0, count);
	CHECK(count[0] >= 2450 && count[0] <= 2550);
	/* A slower link only when it does not arrive later. */
	set(&l[0], true, true, VCMP_LC_AVAILABLE, 10000, 10000000);
	set(&l[1], true, true, VCMP_LC_AVAILABLE, 40000, 10000000);
	spray(l, 2, 10, 1000, 0, count);
	CHECK_EQ(count[1], 0);		/* 10 ms of backlog < 30 ms more delay */
	spray(l, 2, 1000, 1000, 0, count);
	CHECK(count[1] > 0);
	/* Every packet arrives in order of sending. */
	{
		u64 now = 0, at, last = 0;
		unsigned int i;
		int c;

		set(&l[0], true, true, VCMP_LC_AVAILABLE, 10000, 10000000);
		set(&l[1], true, true, VCMP_LC_AVAILABLE, 40000, 20000000);
		for (i = 0; i < 5000; i++, now += 100000) {
			c = vcmp_lc_spray(l, 2, 1200, now);
			at = l[c].free_ns + (u64)l[c].owd_us * 1000;
			CHECK(at >= last);
			last = at;
		}
	}
	/* Nothing usable. */
	set(&l[0], false, true, VCMP_LC_AVAILABLE, 0, 0);
	CHECK_EQ(vcmp_lc_spray(l, 1, 1000, 0), -1);
	/* Backup not used while another link is up. */
	set(&l[0], true, true, VCMP_LC_AVAILABLE, 0, 1000);
	set(&l[1], true, true, VCMP_LC_BACKUP, 0, 0);
	spray(l, 2, 100, 1000, 0, count);
	CHECK_EQ(count[1], 0);
}

int main(void)
{
	unit_plan(4);
	unit_run("roles", test_roles);
	unit_run("flow", test_flow);
	unit_run("dup", test_dup);
	unit_run("spray", test_spray);
	return unit_exit();
}
