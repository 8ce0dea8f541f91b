/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FEC on transmit: groups the peer's outgoing DATA packets of traffic
 * classes in mode fec (steer.h: steered like flow mode, one link per
 * flow) and
 * sends the parity packets of each group (fec.h is the codec,
 * Documentation/wire-format.rst "FEC groups" the format).
 *
 * One group is open per peer at a time, bound to the link its first data
 * packet went on: a packet for another link, a group that would span more
 * than 256 peer sequence numbers, a full group (k data packets) or the
 * fec_tx_hold_ms timer closes it and its m parity packets follow on that
 * link. k and m come from vcmp_fec_choose() with the link's measured loss
 * (link->view.loss_ppm, at least the fec_min_loss_ppm module parameter)
 * and the fec_target_ppm / fec_k_max parameters; a link whose loss is
 * already below the target gets no parity at all. Until the peer's loss
 * report on the link covers fec_warmup_pkts packets (a new link, the
 * start of a stream on an idle one) the loss counts as at least
 * fec_warmup_loss_ppm: the first packets are protected, and a link
 * measured clean carries no parity from then on.
 *
 * Locking: struct vcmp_fec_tx is the peer's, guarded by its @lock, a
 * spinlock taken with bottom halves disabled (transmit path and timer).
 * Packets are built under the lock and sent after it is released. The
 * link monitor's lock (innermost) is taken under @lock to read whether a
 * link's loss is measured.
 */
#ifndef _VCMP_FEC_TX_H
#define _VCMP_FEC_TX_H

#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "fec.h"

struct sk_buff;
struct vcmp_link;
struct vcmp_peer;

/* Longest data (data header + inner packet) FEC protects. */
#define VCMP_FEC_TX_MAX_DATA	2048

/*
 * struct vcmp_fec_tx - a peer's open FEC group
 * @lock: guards everything below
 * @timer: closes a group that waited fec_tx_hold_ms for its k packets
 * @enc: the encoder of the open group
 * @parity: its m parity buffers, VCMP_FEC_PARITY_LEN(VCMP_FEC_TX_MAX_DATA)
 *	bytes each, allocated at the first group
 * @link: the open group's link, referenced; NULL when no group is open
 * @start: peer sequence number of the group's first data packet
 * @opened: jiffies when the group was opened
 * @offset: FEC index of each data packet of the group
 * @dead: the peer is going: open no group, arm no timer
 */
struct vcmp_fec_tx {
	spinlock_t lock;	/* guards the fields below */
	struct timer_list timer;
	struct vcmp_fec_enc enc;
	u8 *parity[VCMP_FEC_MAX_M];
	struct vcmp_link *link;
	u32 start;
	unsigned long opened;
	u8 offset[VCMP_FEC_MAX_K];
	bool dead;
};

void vcmp_fec_tx_init(struct vcmp_fec_tx *ft);
void vcmp_fec_tx_stop(struct vcmp_fec_tx *ft);
void vcmp_fec_tx_free(struct vcmp_fec_tx *ft);
void vcmp_fec_tx(struct vcmp_peer *peer, struct vcmp_link *link,
		 struct sk_buff *skb, u8 tclass);

#endif /* _VCMP_FEC_TX_H */
