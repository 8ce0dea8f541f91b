// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kernel/pmtu_search.c: the path MTU search of one
 * link. Hand-written cases for each behaviour its header documents
 * (RFC 1191 probing, validated ICMP, the RFC 4821 / 8899 binary search,
 * the floor, late answers, raise, restart, ceiling changes, manual MTU),
 * then a simulation: every true path MTU from 576 to 1500, behind an
 * ICMP-reporting router or a silent black hole, three ceilings, with and
 * without random probe loss, each run checked against what the search
 * guarantees, with probe counts and convergence times reported.
 */
#include <stdlib.h>

#include "pmtu_search.h"
#include "unit.h"

#define FLOOR	VCMP_PMTUS_FLOOR_MTU
#define TRIES	VCMP_PMTUS_MAX_PROBES
#define RES	VCMP_PMTUS_RESOLUTION
#define V4	VCMP_PMTUS_MIN_V4
#define V6	VCMP_PMTUS_MIN_V6

#define TIMEOUT_MS	50	/* probe timer of the simulation */
#define RTT_MS		2	/* answer (ack or ICMP) delay */

static struct vcmp_pmtus s;

static bool running(void)
{
	return s.phase == VCMP_PMTUS_PROBING ||
	       s.phase == VCMP_PMTUS_SEARCHING;
}

/* Send every remaining probe of the outstanding size, all unanswered. */
static void fail_size(void)
{
	u16 size = s.probe;
	int n = 0;

	CHECK(running());
	while (vcmp_pmtus_next_probe(&s) == size && n <= TRIES) {
		n++;
		if (n < TRIES) {
			/* Not yet: the same size is due again. */
			vcmp_pmtus_timeout(&s);
			CHECK_EQ(s.probe, size);
		}
	}
	CHECK(n >= 1);
	vcmp_pmtus_timeout(&s);
}

/* Send a probe and have it acknowledged. */
static u16 pass_probe(void)
{
	u16 size = vcmp_pmtus_next_probe(&s);

	CHECK(size);
	vcmp_pmtus_ack(&s, size);
	return size;
}

/*
 * Run a loss-free search over a silent path of MTU @path to its end.
 * Returns the number of probes; *@min_failed is the smallest size that
 * failed (65535 + 1 if none).
 */
static int black_hole(u16 path, u32 *min_failed)
{
	int probes = 0;

	*min_failed = 65536;
	while (running() && probes < 200) {
		u16 size = vcmp_pmtus_next_probe(&s);

		probes++;
		if (!size) {
			CHECK(size);
			break;
		}
		if (size <= path) {
			vcmp_pmtus_ack(&s, size);
			continue;
		}
		vcmp_pmtus_timeout(&s);
		if (s.probe != size || !running()) {
			/* That was the last try: the size failed. */
			CHECK_EQ(s.tries, 0);
			if (size < *min_failed)
				*min_failed = size;
		}
	}
	CHECK(!running());
	return probes;
}

static void test_init(void)
{
	memset(&s, 0xa5, sizeof(s));
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.ceiling, 1500);
	CHECK_EQ(s.floor, FLOOR);
	CHECK_EQ(s.mtu, 1500);
	CHECK_EQ(s.probe, 1500);
	CHECK_EQ(s.lo, 0);
	CHECK_EQ(s.hi, 1500);
	CHECK_EQ(s.tries, 0);

	/* The first probe is of the ceiling, VCMP_PMTUS_MAX_PROBES times. */
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(s.tries, 1);
	/* A timeout before the last try: the same size is due again. */
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.probe, 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(s.tries, TRIES);
	/* Not more than that before the timer runs out. */
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 0);
	CHECK_EQ(s.tries, TRIES);

	/* A floor above the ceiling is clipped to it. */
	vcmp_pmtus_init(&s, 1200, FLOOR);
	CHECK_EQ(s.floor, 1200);
	CHECK_EQ(s.probe, 1200);
	CHECK_EQ(s.mtu, 1200);
	vcmp_pmtus_init(&s, 9000, 1400);
	CHECK_EQ(s.floor, 1400);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 9000);
}

static void test_ack_done(void)
{
	struct vcmp_pmtus before;

	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_ack(&s, 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);
	CHECK_EQ(s.probe, 0);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 0);
	memcpy(&before, &s, sizeof(s));
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_NO_PROBE);
	vcmp_pmtus_ack(&s, 1500);	/* a duplicate answer */
	vcmp_pmtus_ack(&s, 1400);	/* a smaller late one */
	CHECK(!memcmp(&before, &s, sizeof(s)));

	/* Acknowledged on the third try. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_ack(&s, 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);

	/* Acknowledged after the last try but before its timer ran out. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_ack(&s, 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);

	/* Acknowledgements of nothing, or of more than the ceiling. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	memcpy(&before, &s, sizeof(s));
	vcmp_pmtus_ack(&s, 0);
	vcmp_pmtus_ack(&s, 1501);
	vcmp_pmtus_ack(&s, 65535);
	CHECK(!memcmp(&before, &s, sizeof(s)));
}

static void test_icmp_lowers(void)
{
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.mtu, 1400);		/* in use at once */
	CHECK_EQ(s.probe, 1400);
	CHECK_EQ(s.hi, 1400);
	CHECK_EQ(s.tries, 0);
	/* The reported size is probed next, with all its tries. */
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1400);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1400);
	/* A second router reports less. */
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1280, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.mtu, 1280);
	CHECK_EQ(s.tries, 0);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1280);
	vcmp_pmtus_ack(&s, 1280);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1280);

	/* Below the floor, down to the IPv4 minimum. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, V4, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.mtu, V4);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), V4);
	vcmp_pmtus_ack(&s, V4);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, V4);

	/* An ICMP during the binary search: back to probing its size. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK_EQ(s.mtu, 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1399);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1350, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.mtu, 1350);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1350);
	vcmp_pmtus_ack(&s, 1350);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1350);

	/* The reported size black-holes in turn: search below it. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1450, V4), VCMP_PMTUS_ICMP_LOWERED);
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK_EQ(s.mtu, 1450);		/* not changed by the search */
	CHECK(s.probe >= FLOOR && s.probe < 1450);
}

static void test_icmp_validation(void)
{
	struct vcmp_pmtus before;

	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	memcpy(&before, &s, sizeof(s));
	/* Below the minimum of the address family. */
	CHECK_EQ(vcmp_pmtus_icmp(&s, V4 - 1, V4), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 0, V4), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 68, V4), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK_EQ(vcmp_pmtus_icmp(&s, V6 - 1, V6), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1000, V6), VCMP_PMTUS_ICMP_BAD_MTU);
	/* Not below the probe it quotes. */
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1500, V4), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1501, V4), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 65535, V4), VCMP_PMTUS_ICMP_BAD_MTU);
	CHECK(!memcmp(&before, &s, sizeof(s)));
	/* The boundaries themselves are accepted. */
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1499, V6), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.mtu, 1499);
	CHECK_EQ(vcmp_pmtus_icmp(&s, V6, V6), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.mtu, V6);
	CHECK_EQ(vcmp_pmtus_icmp(&s, V6, V6), VCMP_PMTUS_ICMP_BAD_MTU);

	/* No probe outstanding: done, floor, off. */
	CHECK_EQ(vcmp_pmtus_next_probe(&s), V6);
	vcmp_pmtus_ack(&s, V6);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	memcpy(&before, &s, sizeof(s));
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1000, V4), VCMP_PMTUS_ICMP_NO_PROBE);
	CHECK(!memcmp(&before, &s, sizeof(s)));

	vcmp_pmtus_init(&s, 1500, FLOOR);
	while (running())
		fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	memcpy(&before, &s, sizeof(s));
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1000, V4), VCMP_PMTUS_ICMP_NO_PROBE);
	CHECK(!memcmp(&before, &s, sizeof(s)));

	vcmp_pmtus_set_manual(&s, 1400);
	memcpy(&before, &s, sizeof(s));
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1000, V4), VCMP_PMTUS_ICMP_NO_PROBE);
	CHECK(!memcmp(&before, &s, sizeof(s)));
}

static void test_black_hole(void)
{
	static const u16 paths[] = {
		1499, 1498, 1493, 1492, 1491, 1450, 1420, 1400, 1399, 1340,
		1308, 1307, 1306, 1301, 1300,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		u16 path = paths[i];
		u32 min_failed;
		int probes;

		vcmp_pmtus_init(&s, 1500, FLOOR);
		fail_size();
		/* The ceiling failed: binary search from floor to 1499. */
		CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
		CHECK_EQ(s.hi, 1499);
		CHECK_EQ(s.lo, 0);
		CHECK(s.probe > FLOOR && s.probe < 1499);
		/* The MTU in use stays the ceiling until the end. */
		CHECK_EQ(s.mtu, 1500);
		probes = black_hole(path, &min_failed) + TRIES;
		if (min_failed > 1500)
			min_failed = 1500;
		CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
		/* Never above the truth, less than the resolution below. */
		CHECK(s.mtu <= path);
		CHECK(path - s.mtu < RES);
		/* It stops when the bracket is narrower than the resolution. */
		CHECK(min_failed > path);
		CHECK(min_failed - s.mtu < RES);
		CHECK(probes <= 3 * 10);
		if (unit_case_failed) {
			printf("# path %u: mtu %u, smallest failed %u\n", path,
			       s.mtu, min_failed);
			return;
		}
	}
}

/*
 * The stop rule: the search ends when the largest confirmed size is less
 * than VCMP_PMTUS_RESOLUTION below the smallest failed one, not before.
 */
static void test_resolution(void)
{
	/* Ceiling FLOOR + 15: its failure leaves (FLOOR - 1, FLOOR + 14]. */
	vcmp_pmtus_init(&s, FLOOR + 15, FLOOR);
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK_EQ(s.probe, FLOOR + 7);
	CHECK_EQ(pass_probe(), FLOOR + 7);
	/* Confirmed FLOOR + 7, failed FLOOR + 15: RES apart, not less. */
	CHECK_EQ(s.lo, FLOOR + 7);
	CHECK_EQ(s.hi + 1 - s.lo, RES);
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK(s.probe > FLOOR + 7 && s.probe < FLOOR + 15);
	CHECK_EQ(s.mtu, FLOOR + 15);
	/* One more failure brings them less than RES apart: done. */
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, FLOOR + 7);

	/*
	 * Nothing confirmed and less than RES above the floor: the floor
	 * itself is probed, and it is close enough.
	 */
	vcmp_pmtus_init(&s, FLOOR + 5, FLOOR);
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK_EQ(s.probe, FLOOR);
	CHECK_EQ(pass_probe(), FLOOR);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, FLOOR);
}

static void test_floor(void)
{
	u32 min_failed;

	/* A silent path below the floor: FLOOR at the floor. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1000, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, FLOOR);
	CHECK_EQ(s.probe, 0);
	CHECK_EQ(min_failed, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 0);

	/* Just below the floor. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(FLOOR - 1, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, FLOOR);

	/* Exactly the floor: confirmed, DONE. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(FLOOR, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, FLOOR);

	/* An ICMP put the MTU below the floor, then its probes got lost. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1399);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1200, V4), VCMP_PMTUS_ICMP_LOWERED);
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, 1200);		/* not raised back to the floor */

	/* An ICMP above the floor, then silence: at the floor. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_LOWERED);
	black_hole(1000, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, FLOOR);

	/* A ceiling below the floor: the floor is the ceiling. */
	vcmp_pmtus_init(&s, 1280, FLOOR);
	black_hole(1000, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, 1280);
	CHECK_EQ(min_failed, 1280);

	/* A floor of its own. */
	vcmp_pmtus_init(&s, 1500, 1400);
	black_hole(1350, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, 1400);
	vcmp_pmtus_init(&s, 1500, 1400);
	black_hole(1403, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.mtu >= 1400 && s.mtu <= 1403);
}

static void test_late_acks(void)
{
	u32 min_failed;
	u16 size;

	/* After FLOOR, a late answer proves a larger size. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1000, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	vcmp_pmtus_ack(&s, 1350);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1350);
	CHECK_EQ(s.probe, 0);
	/* And after DONE: larger wins, smaller is ignored. */
	vcmp_pmtus_ack(&s, 1320);
	CHECK_EQ(s.mtu, 1350);
	vcmp_pmtus_ack(&s, 1499);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1499);
	vcmp_pmtus_ack(&s, 1501);	/* above the ceiling */
	CHECK_EQ(s.mtu, 1499);
	/* A late answer below the floor after FLOOR: not a larger size. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1000, &min_failed);
	vcmp_pmtus_ack(&s, 1200);
	CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.mtu, FLOOR);

	/* An earlier, larger probe answered after an ICMP lowered it. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_LOWERED);
	vcmp_pmtus_ack(&s, 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);

	/* While probing, a smaller answer is a lower bound for later. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_ack(&s, 1450);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.lo, 1450);
	CHECK_EQ(s.mtu, 1500);
	CHECK_EQ(s.tries, 1);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK(s.probe > 1450 && s.probe < 1500);
	black_hole(1460, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.mtu >= 1453 && s.mtu <= 1460);

	/* While searching, a late answer between the bounds narrows them. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1399);
	vcmp_pmtus_ack(&s, 1450);
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK_EQ(s.lo, 1450);
	CHECK(s.probe > 1450 && s.probe < 1500);
	CHECK_EQ(s.tries, 0);
	/* A late answer above a size that failed un-fails it. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	vcmp_pmtus_ack(&s, 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);

	/*
	 * A stale answer, of a size no larger than the one confirmed,
	 * teaches nothing: the outstanding size still fails after
	 * VCMP_PMTUS_MAX_PROBES unanswered probes, not more.
	 */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	CHECK_EQ(pass_probe(), 1399);
	size = s.probe;
	CHECK_EQ(vcmp_pmtus_next_probe(&s), size);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), size);
	vcmp_pmtus_timeout(&s);
	vcmp_pmtus_ack(&s, 1399);	/* again */
	vcmp_pmtus_ack(&s, 1350);	/* older still */
	CHECK_EQ(s.probe, size);
	CHECK_EQ(s.tries, 2);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), size);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 0);
	vcmp_pmtus_timeout(&s);
	CHECK(s.probe != size);
	CHECK_EQ(s.hi, size - 1);
}

static void test_raise(void)
{
	u32 min_failed;

	/* Confirmed 1400 behind a black hole; the path grows to 1480. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1400, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1399);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.probe, 1500);
	CHECK_EQ(s.lo, 1399);
	CHECK_EQ(s.mtu, 1399);	/* the known-good one stays in use */
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK_EQ(s.mtu, 1399);
	/* Searching above the known-good size only. */
	CHECK(s.probe > 1399 && s.probe < 1500);
	while (running()) {
		u16 size = vcmp_pmtus_next_probe(&s);

		CHECK(size > 1399);
		if (size <= 1480)
			vcmp_pmtus_ack(&s, size);
		else
			vcmp_pmtus_timeout(&s);
		if (running())
			CHECK_EQ(s.mtu, 1399);
	}
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.mtu <= 1480 && s.mtu > 1480 - RES);

	/* The path did not grow: back to the known-good size. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1400, &min_failed);
	vcmp_pmtus_raise(&s);
	black_hole(1400, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1399);

	/*
	 * Confirmed at the ceiling, which then black-holes: raise() trusts
	 * the known-good size, and ends where it was.
	 */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(pass_probe(), 1500);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(s.lo, 1500);
	CHECK_EQ(s.probe, 1500);
	fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);
	CHECK_EQ(s.hi, 1500);

	/* An ICMP router: the ceiling passes now. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(pass_probe(), 1400);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(pass_probe(), 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);

	/* Raised, and an ICMP reports more than the MTU in use. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(pass_probe(), 1400);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1450, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.mtu, 1400);		/* not raised by an ICMP */
	CHECK_EQ(s.lo, 1400);
	CHECK_EQ(pass_probe(), 1450);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1450);

	/* Raised, and the path shrank below the known-good size. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1400, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(pass_probe(), 1400);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1350, V4), VCMP_PMTUS_ICMP_LOWERED);
	CHECK_EQ(s.mtu, 1350);
	CHECK_EQ(s.lo, 0);		/* 1400 is history */
	fail_size();			/* and 1350 black-holes too */
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	CHECK(s.probe >= FLOOR && s.probe < 1350);

	/* Only after the end, and never when off. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	{
		struct vcmp_pmtus before = s;

		vcmp_pmtus_raise(&s);
		CHECK(!memcmp(&before, &s, sizeof(s)));
	}
	vcmp_pmtus_init(&s, 1500, FLOOR);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(s.tries, 0);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(s.tries, 1);		/* not restarted */
	vcmp_pmtus_set_manual(&s, 1400);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_OFF);
	CHECK_EQ(s.probe, 0);
	CHECK_EQ(s.mtu, 1400);

	/* From FLOOR nothing is known good. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1000, &min_failed);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.lo, 0);
	CHECK_EQ(s.probe, 1500);
	black_hole(1440, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.mtu <= 1440 && s.mtu > 1440 - RES);
}

static void test_restart(void)
{
	u32 min_failed;
	u16 mtu;

	vcmp_pmtus_init(&s, 1500, FLOOR);
	black_hole(1420, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	mtu = s.mtu;
	CHECK(mtu <= 1420 && mtu > 1420 - RES);
	/* The link came back: its MTU in use is probed first. */
	vcmp_pmtus_restart(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.probe, mtu);
	CHECK_EQ(s.lo, 0);
	CHECK_EQ(s.hi, mtu);
	CHECK_EQ(s.mtu, mtu);
	CHECK_EQ(pass_probe(), mtu);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	/* It came back smaller and silent. */
	vcmp_pmtus_restart(&s);
	black_hole(1350, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.mtu <= 1350 && s.mtu > 1350 - RES);
	/* Restart while running starts over. */
	vcmp_pmtus_restart(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), s.mtu);
	vcmp_pmtus_restart(&s);
	CHECK_EQ(s.tries, 0);
}

static void test_set_ceiling(void)
{
	u32 min_failed;

	/* Lowered while the ceiling is probed. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_set_ceiling(&s, 1400);
	CHECK_EQ(s.ceiling, 1400);
	CHECK_EQ(s.mtu, 1400);
	CHECK_EQ(s.hi, 1400);
	CHECK_EQ(s.probe, 1400);
	CHECK_EQ(s.tries, 0);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	vcmp_pmtus_ack(&s, 1500);	/* the old probe: above the ceiling */
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(pass_probe(), 1400);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1400);

	/* Below the floor: the floor follows. */
	vcmp_pmtus_set_ceiling(&s, 1200);
	CHECK_EQ(s.floor, 1200);
	CHECK_EQ(s.mtu, 1200);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.lo <= 1200 && s.hi <= 1200);

	/* Raised: nothing changes until raise(). */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(pass_probe(), 1500);
	vcmp_pmtus_set_ceiling(&s, 9000);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1500);
	vcmp_pmtus_raise(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 9000);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 9000);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 9000);
	vcmp_pmtus_timeout(&s);
	black_hole(8000, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK(s.mtu <= 8000 && s.mtu > 8000 - RES);

	/* Lowered during the search, below the outstanding probe. */
	vcmp_pmtus_init(&s, 1500, FLOOR);
	fail_size();
	CHECK_EQ(s.probe, 1399);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1399);
	vcmp_pmtus_set_ceiling(&s, 1450);	/* above it: kept */
	CHECK_EQ(s.probe, 1399);
	CHECK_EQ(s.tries, 1);
	CHECK_EQ(s.hi, 1450);
	CHECK_EQ(s.mtu, 1450);
	vcmp_pmtus_set_ceiling(&s, 1350);	/* below it */
	CHECK_EQ(s.probe, 1350);
	CHECK_EQ(s.tries, 0);
	CHECK_EQ(s.mtu, 1350);
	black_hole(1500, &min_failed);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1350);

	/* Off: a manual MTU is honoured as is. */
	vcmp_pmtus_set_manual(&s, 9000);
	vcmp_pmtus_set_ceiling(&s, 1500);
	CHECK_EQ(s.phase, VCMP_PMTUS_OFF);
	CHECK_EQ(s.mtu, 9000);
	CHECK_EQ(s.ceiling, 1500);
}

static void test_manual(void)
{
	struct vcmp_pmtus before;

	vcmp_pmtus_init(&s, 1500, FLOOR);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_set_manual(&s, 1234);
	CHECK_EQ(s.phase, VCMP_PMTUS_OFF);
	CHECK_EQ(s.mtu, 1234);
	CHECK_EQ(s.probe, 0);
	memcpy(&before, &s, sizeof(s));
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 0);
	vcmp_pmtus_timeout(&s);
	vcmp_pmtus_ack(&s, 1500);
	vcmp_pmtus_ack(&s, 1400);
	CHECK_EQ(vcmp_pmtus_icmp(&s, 1000, V4), VCMP_PMTUS_ICMP_NO_PROBE);
	vcmp_pmtus_raise(&s);
	CHECK(!memcmp(&before, &s, sizeof(s)));

	/* Manual above the ceiling: kept while off. */
	vcmp_pmtus_set_manual(&s, 9000);
	CHECK_EQ(s.mtu, 9000);
	CHECK_EQ(s.phase, VCMP_PMTUS_OFF);
	/* Discovery back on: the MTU in use, within the ceiling. */
	vcmp_pmtus_restart(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.mtu, 1500);
	CHECK_EQ(s.probe, 1500);
	vcmp_pmtus_set_manual(&s, 1000);
	vcmp_pmtus_restart(&s);
	CHECK_EQ(s.probe, 1000);
	CHECK_EQ(pass_probe(), 1000);
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	CHECK_EQ(s.mtu, 1000);
}

/* A probe that could not be sent (no key, no route) is not a try. */
static void test_unsend(void)
{
	struct vcmp_pmtus before;
	int i;

	vcmp_pmtus_init(&s, 1500, FLOOR);
	for (i = 0; i < 10; i++) {
		CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
		vcmp_pmtus_unsend(&s);
		CHECK_EQ(s.tries, 0);
	}
	/* Nothing sent: nothing to take back. */
	vcmp_pmtus_unsend(&s);
	CHECK_EQ(s.tries, 0);
	CHECK_EQ(s.probe, 1500);
	/* Two sent, one not: the size still has two tries. */
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	vcmp_pmtus_unsend(&s);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_PROBING);
	CHECK_EQ(s.probe, 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 1500);
	CHECK_EQ(vcmp_pmtus_next_probe(&s), 0);
	vcmp_pmtus_timeout(&s);
	CHECK_EQ(s.phase, VCMP_PMTUS_SEARCHING);
	/* Nothing outstanding: no effect. */
	CHECK_EQ(pass_probe(), 1399);
	while (running())
		fail_size();
	CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
	memcpy(&before, &s, sizeof(s));
	vcmp_pmtus_unsend(&s);
	CHECK(!memcmp(&before, &s, sizeof(s)));
	vcmp_pmtus_set_manual(&s, 1400);
	memcpy(&before, &s, sizeof(s));
	vcmp_pmtus_unsend(&s);
	CHECK(!memcmp(&before, &s, sizeof(s)));
}

static void test_phase_names(void)
{
	CHECK(!strcmp(vcmp_pmtus_phase_name(VCMP_PMTUS_OFF), "off"));
	CHECK(!strcmp(vcmp_pmtus_phase_name(VCMP_PMTUS_PROBING), "probing"));
	CHECK(!strcmp(vcmp_pmtus_phase_name(VCMP_PMTUS_SEARCHING),
		      "searching"));
	CHECK(!strcmp(vcmp_pmtus_phase_name(VCMP_PMTUS_DONE), "done"));
	CHECK(!strcmp(vcmp_pmtus_phase_name(VCMP_PMTUS_FLOOR), "floor"));
	CHECK(!strcmp(vcmp_pmtus_phase_name(VCMP_PMTUS_FLOOR + 1),
		      "unknown"));
	CHECK(!strcmp(vcmp_pmtus_phase_name((enum vcmp_pmtus_phase)-1),
		      "unknown"));
}

/* ---- Simulation ---- */

static u64 rng_state = 0x706d747573656564ULL;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

enum mode { SILENT, ICMP4, ICMP6, NMODES };
static const char *const mode_name[] = { "black hole", "icmp v4",
					 "icmp v6" };

struct path {
	u16 mtu;		/* the largest datagram that gets through */
	enum mode mode;
	unsigned int loss;	/* per mille of probes lost, no answer */
};

struct run {
	unsigned int probes, timeouts, icmps, ms;
	u16 max_acked;
	u32 min_failed;
};

#define MAX_SIM_PROBES	200

/*
 * One discovery from init to its end over @p. Checks, at every step,
 * what the header promises of the state; returns false if it did not
 * end within MAX_SIM_PROBES probes.
 */
static bool simulate(u16 ceiling, const struct path *p, struct run *r)
{
	u16 lowest = FLOOR;	/* smallest size a probe may have */

	memset(r, 0, sizeof(*r));
	r->min_failed = 65536;
	vcmp_pmtus_init(&s, ceiling, FLOOR);
	while (running()) {
		u16 mtu = s.mtu, size = vcmp_pmtus_next_probe(&s);
		enum vcmp_pmtus_icmp_result res;
		u8 tries;

		if (!size || ++r->probes > MAX_SIM_PROBES) {
			CHECK(size);
			return false;
		}
		CHECK(size <= ceiling);
		CHECK(size >= (lowest < s.floor ? lowest : s.floor));
		if (p->loss && rnd() % 1000 < p->loss)
			goto timeout;
		if (size <= p->mtu) {
			r->ms += RTT_MS;
			if (size > r->max_acked)
				r->max_acked = size;
			vcmp_pmtus_ack(&s, size);
			if (running())
				CHECK_EQ(s.mtu, mtu);
			continue;
		}
		if (p->mode != SILENT) {
			res = vcmp_pmtus_icmp(&s, p->mtu,
					      p->mode == ICMP4 ? V4 : V6);
			if (p->mtu >= (p->mode == ICMP4 ? V4 : V6)) {
				CHECK_EQ(res, VCMP_PMTUS_ICMP_LOWERED);
				CHECK_EQ(s.mtu, mtu < p->mtu ? mtu : p->mtu);
				CHECK_EQ(s.probe, p->mtu);
				if (p->mtu < lowest)
					lowest = p->mtu;
				if (size < r->min_failed)
					r->min_failed = size;
				r->icmps++;
				r->ms += RTT_MS;
				continue;
			}
			CHECK_EQ(res, VCMP_PMTUS_ICMP_BAD_MTU);
		}
timeout:
		r->ms += TIMEOUT_MS;
		r->timeouts++;
		tries = s.tries;
		vcmp_pmtus_timeout(&s);
		if (tries == TRIES && size < r->min_failed)
			r->min_failed = size;
		if (running()) {
			CHECK_EQ(s.mtu, mtu);
			if (tries < TRIES)
				CHECK_EQ(s.probe, size);
			else
				CHECK(s.probe < size);
		}
	}
	CHECK(s.phase == VCMP_PMTUS_DONE || s.phase == VCMP_PMTUS_FLOOR);
	CHECK_EQ(s.probe, 0);
	/* DONE only with a size that was acknowledged. */
	if (s.phase == VCMP_PMTUS_DONE)
		CHECK(s.mtu && s.mtu <= r->max_acked);
	return true;
}

struct stats {
	unsigned long runs, probes, timeouts, short_by, floors;
	unsigned int max_probes, max_timeouts, max_ms, max_short;
	u16 worst_path;
};

static void account(struct stats *st, const struct run *r, u16 truth)
{
	st->runs++;
	st->probes += r->probes;
	st->timeouts += r->timeouts;
	if (r->probes > st->max_probes)
		st->max_probes = r->probes;
	if (r->timeouts > st->max_timeouts)
		st->max_timeouts = r->timeouts;
	if (r->ms > st->max_ms) {
		st->max_ms = r->ms;
		st->worst_path = truth;
	}
	if (s.phase == VCMP_PMTUS_FLOOR)
		st->floors++;
	if (s.mtu <= truth) {
		st->short_by += truth - s.mtu;
		if (truth - s.mtu > st->max_short)
			st->max_short = truth - s.mtu;
	}
}

/* Probes, timeouts, worst time, FLOOR endings, how far below the truth. */
static void print_stats(const char *what, const struct stats *st)
{
	if (!st->runs)
		return;
	printf("# %-22s %5lu runs: probes %2u max %5.2f mean, timeouts %2u max %5.2f mean, worst %4u ms (path %4u), %4lu floor, below truth %3u max %6.2f mean\n",
	       what, st->runs, st->max_probes,
	       (double)st->probes / (double)st->runs, st->max_timeouts,
	       (double)st->timeouts / (double)st->runs, st->max_ms,
	       st->worst_path, st->floors, st->max_short,
	       (double)st->short_by / (double)st->runs);
}

static bool check_run(u16 ceiling, const struct path *p,
		      const struct run *r)
{
	u16 truth = p->mtu < ceiling ? p->mtu : ceiling;
	u16 icmp_min = p->mode == ICMP4 ? V4 : p->mode == ICMP6 ? V6 : 0;
	/* An ICMP report of the truth is believed. */
	bool reported = icmp_min && p->mtu >= icmp_min && p->mtu < ceiling;
	u16 floor = ceiling > FLOOR ? FLOOR : ceiling;
	int failed = unit_case_failed;

	unit_case_failed = 0;
	if (!p->loss) {
		if (reported || truth == ceiling) {
			/* Exact. */
			CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
			CHECK_EQ(s.mtu, truth);
		} else if (truth >= floor) {
			/* Never above, less than the resolution below. */
			CHECK_EQ(s.phase, VCMP_PMTUS_DONE);
			CHECK(s.mtu <= truth);
			CHECK(truth - s.mtu < RES);
			CHECK(r->min_failed > truth);
			CHECK(r->min_failed - s.mtu < RES);
		} else {
			CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
			CHECK_EQ(s.mtu, floor);
		}
	} else if (truth >= floor) {
		/* Loss may make it settle lower, never higher or lower
		 * than the floor.
		 */
		CHECK(s.mtu <= truth);
		CHECK(s.mtu >= floor);
		if (s.phase == VCMP_PMTUS_FLOOR)
			CHECK_EQ(s.mtu, floor);
	} else if (reported && r->icmps) {
		/* Once an ICMP got through, its report stands. */
		CHECK_EQ(s.mtu, truth);
	} else {
		/* Silent, or every ICMP lost: the floor. */
		CHECK_EQ(s.phase, VCMP_PMTUS_FLOOR);
		CHECK_EQ(s.mtu, floor);
	}
	if (unit_case_failed)
		printf("# ceiling %u, %s, path %u, loss %u permille: %s %u after %u probes\n",
		       ceiling, mode_name[p->mode], p->mtu, p->loss,
		       vcmp_pmtus_phase_name(s.phase), s.mtu, r->probes);
	failed |= unit_case_failed;
	unit_case_failed = failed;
	return !failed;
}

static const unsigned int losses[] = { 0, 50, 100, 200 };
static struct stats bh1500[ARRAY_SIZE(losses)];
static unsigned int sim_errors;

/* Every path MTU from 576 to 1500 with one ceiling, mode and loss rate. */
static void sweep(u16 ceiling, enum mode m, unsigned int l)
{
	struct stats above = { 0 }, below = { 0 };
	struct path p = { .mode = m, .loss = losses[l] };
	unsigned int rep, reps = losses[l] ? 8 : 1;
	char what[64];

	for (p.mtu = 576; p.mtu <= 1500 && sim_errors <= 10; p.mtu++) {
		u16 truth = p.mtu < ceiling ? p.mtu : ceiling;

		for (rep = 0; rep < reps; rep++) {
			struct run r;

			if (!simulate(ceiling, &p, &r) ||
			    !check_run(ceiling, &p, &r))
				sim_errors++;
			account(truth >= FLOOR ? &above : &below, &r, truth);
			if (m == SILENT && ceiling == 1500 && truth >= FLOOR)
				account(&bh1500[l], &r, truth);
		}
	}
	snprintf(what, sizeof(what), "%u %s %2u%% >=1300", ceiling,
		 mode_name[m], losses[l] / 10);
	print_stats(what, &above);
	snprintf(what, sizeof(what), "%u %s %2u%%  <1300", ceiling,
		 mode_name[m], losses[l] / 10);
	print_stats(what, &below);
	/* Bounded: a few sizes of a binary search. */
	CHECK(above.max_probes <= 3 * 14);
	CHECK(below.max_probes <= 3 * 14);
}

/*
 * Every path MTU from 576 to 1500, three ceilings, three kinds of path,
 * four loss rates (eight seeded runs each with loss). The figures are
 * printed separately for paths at or above the floor (the search finds
 * them) and below it (only an ICMP report can).
 */
static void test_simulation(void)
{
	static const u16 ceilings[] = { 1500, 1400, 9000 };
	unsigned int c, m, l;

	printf("# simulated probe timeout %u ms, RTT %u ms; sizes in bytes\n",
	       TIMEOUT_MS, RTT_MS);
	for (c = 0; c < ARRAY_SIZE(ceilings); c++)
		for (m = 0; m < NMODES; m++)
			for (l = 0; l < ARRAY_SIZE(losses); l++)
				sweep(ceilings[c], (enum mode)m, l);
	for (l = 0; l < ARRAY_SIZE(losses); l++)
		printf("# worst convergence, ceiling 1500, black hole at 1300..1500, %2u%% loss: %4u ms (target <= 2000 ms)\n",
		       losses[l] / 10, bh1500[l].max_ms);
	CHECK(bh1500[0].max_ms <= 2000);
}

int main(void)
{
	unit_plan(15);
	unit_run("init_probes_ceiling", test_init);
	unit_run("ack_done", test_ack_done);
	unit_run("icmp_lowers", test_icmp_lowers);
	unit_run("icmp_validation", test_icmp_validation);
	unit_run("black_hole_search", test_black_hole);
	unit_run("resolution", test_resolution);
	unit_run("floor", test_floor);
	unit_run("late_acks", test_late_acks);
	unit_run("raise", test_raise);
	unit_run("restart", test_restart);
	unit_run("set_ceiling", test_set_ceiling);
	unit_run("manual_off", test_manual);
	unit_run("unsend", test_unsend);
	unit_run("phase_names", test_phase_names);
	unit_run("simulation", test_simulation);
	return unit_exit();
}
