/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FEC on receive: keeps copies of the members of a peer's recent FEC
 * groups and rebuilds the data packets a group lost once enough of its
 * members arrived (fec.h is the codec, Documentation/wire-format.rst "FEC
 * groups" the format). Rebuilt packets go back to the receive path, which
 * delivers them like received ones; a data packet that arrives after it
 * was rebuilt, or twice, is a duplicate the caller drops.
 *
 * Memory: at most fec_rx_groups groups per peer (module parameter, read
 * when the peer first receives FEC), each holding at most VCMP_FEC_MAX_K
 * data and VCMP_FEC_MAX_M parity copies; a group older than
 * fec_rx_hold_ms is given up when its slot is wanted, the oldest group
 * is evicted when all are younger. A group's copies are freed as soon as
 * none of its data is missing; the group itself is remembered (to drop
 * duplicates) until its slot is reused.
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
 */
struct vcmp_fec_rx {
	spinlock_t lock;	/* guards the fields below */
	struct vcmp_fec_rx_group *groups;
	unsigned int ngroups;
	struct vcmp_fec_dec dec;
	struct vcmp_fec_scratch scratch;
};

void vcmp_fec_rx_init(struct vcmp_fec_rx *fr);
void vcmp_fec_rx_free(struct vcmp_fec_rx *fr);
bool vcmp_fec_rx_data(struct vcmp_peer *peer, const struct vcmp_hdr *h,
		      struct sk_buff *skb, struct sk_buff_head *rebuilt);
int vcmp_fec_rx_parity(struct vcmp_peer *peer, const struct vcmp_hdr *h,
		       struct sk_buff *skb, struct sk_buff_head *rebuilt);

#endif /* _VCMP_FEC_RX_H */
