/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FEC on receive: keeps copies of the members of a peer's recent FEC
 * groups and rebuilds the data packets a group lost once enough of its
 * members arrived (fec.h is the codec, Documentation/wire-format.rst "FEC
 * groups" the format). Rebuilt packets go back to the receive path, which
 * delivers them like received ones; a data packet that arrives after it
 * was rebuilt, or twice, is a duplicate the caller drops.
 *
 * Rebuilt packets carry the VCMP header they were sent with (the peer
 * sequence number is the group's start plus the FEC index), so that they
 * go through the resequencing buffer into the hole they left.
 *
 * Memory: at most fec_rx_groups groups per peer (module parameter, read
 * when the peer first receives FEC), each holding at most VCMP_FEC_MAX_K
 * data and VCMP_FEC_MAX_M parity copies; a group with data missing older
 * than fec_rx_hold_ms is given up (fec_rx_timeout) when a FEC member
 * arrives, at most every 10 ms: its copies are freed and it rebuilds
 * nothing any more; the oldest group is evicted when all slots are
 * busy. A group's copies are freed as soon as none of its data is
 * missing; the group itself is remembered (to drop duplicates) until its
 * slot is reused. Beyond the groups, the peer sequence numbers of the
 * last VCMP_REPLAY_WINDOW FEC data packets received or rebuilt are
 * remembered: a member arriving after its group's slot was reused (a
 * slow receiver, or a sender whose fec_tx_hold_ms timer closes small
 * groups) is still a duplicate, on a one-link peer too, which has no
 * resequencing buffer to catch it.
 *
 * Locking: struct vcmp_fec_rx is the peer's, guarded by its @lock, a
 * spinlock taken in softirq (receive path); it is freed with the peer,
 * when nothing can use it any more.
 */
#ifndef _VCMP_FEC_RX_H
#define _VCMP_FEC_RX_H

#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "fec.h"
#include "replay.h"
#include "wire.h"

struct vcmp_peer;
struct vcmp_fec_rx_group;

/*
 * struct vcmp_fec_rx - a peer's FEC receive state
 * @lock: guards everything below
 * @groups: @ngroups groups, allocated at the first FEC packet
 * @ngroups: slots in @groups
 * @dec: decoder work space, used under @lock
 * @scratch: ditto
 * @expired_ns: when the groups were last looked at for expiry
 * @member_ns: when a FEC member (data or parity) last arrived, 0: never;
 *	written under @lock (WRITE_ONCE), read without it (READ_ONCE)
 * @wait_ns: decaying maximum of the time from a group's first member to
 *	a parity packet of it, 0 before the first; ditto
 * @delivered: peer sequence numbers (plus one) of the FEC data packets
 *	received or rebuilt, within a window of VCMP_REPLAY_WINDOW
 */
struct vcmp_fec_rx {
	spinlock_t lock;	/* guards the fields below */
	struct vcmp_fec_rx_group *groups;
	unsigned int ngroups;
	struct vcmp_fec_dec dec;
	struct vcmp_fec_scratch scratch;
	u64 expired_ns;
	u64 member_ns;
	u64 wait_ns;
	struct vcmp_replay delivered;
};

void vcmp_fec_rx_init(struct vcmp_fec_rx *fr);
void vcmp_fec_rx_free(struct vcmp_fec_rx *fr);
bool vcmp_fec_rx_data(struct vcmp_peer *peer, const struct vcmp_hdr *h,
		      struct sk_buff *skb, struct sk_buff_head *rebuilt);
u64 vcmp_fec_rx_wait_ns(const struct vcmp_fec_rx *fr, u64 now);
int vcmp_fec_rx_parity(struct vcmp_peer *peer, const struct vcmp_hdr *h,
		       struct sk_buff *skb, struct sk_buff_head *rebuilt);

#endif /* _VCMP_FEC_RX_H */
