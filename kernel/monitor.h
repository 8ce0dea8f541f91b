/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link monitoring, the kernel side of linkmon.h: each link's measurement
 * state, its probe/feedback timer and what the packet path may read
 * about a link without a lock.
 *
 * struct vcmp_link_view is that lock-free summary: the link's timer (and
 * the receive path on a state change) writes each field with WRITE_ONCE;
 * the transmit path (steering) reads them with READ_ONCE and tolerates a
 * mix of old and new fields. Everything else about monitoring is behind
 * the link's monitor lock (monitor.c).
 */
#ifndef _VCMP_MONITOR_H
#define _VCMP_MONITOR_H

#include <linux/types.h>

#include "linkmon.h"

/*
 * struct vcmp_link_view - what steering knows of a link
 * @state: enum vcmp_link_state (INIT until the peer was heard)
 * @qoe: QoE score (0-10) per enum vcmp_qoe_class
 * @srtt_us: smoothed round-trip time, 0 before a sample
 * @jitter_us: the worse of the two directions
 * @loss_ppm: the worse of the two directions
 * @capacity_bps: estimated capacity us -> peer, 0 when unknown
 */
struct vcmp_link_view {
	u8 state;
	u8 qoe[VCMP_QOE_CLASSES];
	u32 srtt_us;
	u32 jitter_us;
	u32 loss_ppm;
	u64 capacity_bps;
};

#endif /* _VCMP_MONITOR_H */
