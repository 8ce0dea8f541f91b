// SPDX-License-Identifier: GPL-2.0
/*
 * FEC on transmit (fec_tx.h): the peer's open group, its parity packets
 * and the timer that closes a group which waits too long.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "device.h"
#include "fec_tx.h"
#include "monitor.h"
#include "peer.h"
#include "send.h"
#include "skb_cb.h"
#include "stats.h"

static unsigned int fec_target_ppm = 100;
module_param(fec_target_ppm, uint, 0644);
MODULE_PARM_DESC(fec_target_ppm,
		 "FEC: residual loss to aim for, parts per million (default 100 = 0.01%); links losing less get no parity");

static unsigned int fec_k_max = 10;
module_param(fec_k_max, uint, 0644);
MODULE_PARM_DESC(fec_k_max,
		 "FEC: most data packets per group, 1-32 (default 10)");

static unsigned int fec_tx_hold_ms = 15;
module_param(fec_tx_hold_ms, uint, 0644);
MODULE_PARM_DESC(fec_tx_hold_ms,
		 "FEC: a group not full after this many ms is closed and its parity sent (default 15)");

static unsigned int fec_min_loss_ppm;
module_param(fec_min_loss_ppm, uint, 0644);
MODULE_PARM_DESC(fec_min_loss_ppm,
		 "FEC: size groups for at least this loss rate, ppm, whatever a link measures (default 0: measured loss only)");

static unsigned int fec_warmup_loss_ppm = 20000;
module_param(fec_warmup_loss_ppm, uint, 0644);
MODULE_PARM_DESC(fec_warmup_loss_ppm,
		 "FEC: loss rate a link is protected for until its loss is measured, ppm (default 20000 = 2%; 0: measured loss only)");

static unsigned int fec_warmup_pkts = 500;
module_param(fec_warmup_pkts, uint, 0644);
MODULE_PARM_DESC(fec_warmup_pkts,
		 "FEC: a link's loss is measured once the peer's loss report covers this many of its packets (default 500, at most 4096)");

#define VCMP_FEC_TX_SYM	VCMP_FEC_PARITY_LEN(VCMP_FEC_TX_MAX_DATA)

static void vcmp_fec_tx_timer(struct timer_list *t);

void vcmp_fec_tx_init(struct vcmp_fec_tx *ft)
{
	spin_lock_init(&ft->lock);
	timer_setup(&ft->timer, vcmp_fec_tx_timer, 0);
}

/*
 * Close the open group: build its parity packets onto @out and hand the
 * group's link reference to @linkp. ft->lock held.
 */
static void vcmp_fec_tx_close(struct vcmp_peer *peer, struct vcmp_fec_tx *ft,
			      struct sk_buff_head *out,
			      struct vcmp_link **linkp)
{
	struct vcmp_link *link = ft->link;
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_fec_parity_hdr fh = {};
	unsigned int j, plen, hl;
	struct sk_buff *skb;
	struct vcmp_hdr h;
	u8 *p;

	*linkp = link;
	ft->link = NULL;
	del_timer(&ft->timer);
	fh.k = vcmp_fec_enc_count(&ft->enc);
	if (!fh.k)
		return;
	fh.m = ft->enc.m;
	fh.start = ft->start;
	memcpy(fh.offset, ft->offset, fh.k);
	plen = vcmp_fec_enc_parity_len(&ft->enc);
	hl = vcmp_fec_hdr_len(fh.k);
	for (j = 0; j < fh.m; j++) {
		skb = alloc_skb(LL_MAX_HEADER + VCMP_MAX_OVERHEAD + hl + plen +
				VCMP_MAX_TAILROOM, GFP_ATOMIC);
		if (!skb) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_DROP_NOMEM);
			continue;
		}
		skb_reserve(skb, LL_MAX_HEADER + VCMP_MAX_OVERHEAD);
		fh.j = j;
		p = skb_put(skb, hl + plen);
		vcmp_fec_hdr_encode(&fh, p);
		memcpy(p + hl, ft->parity[j], plen);
		h = (struct vcmp_hdr) {
			.type		= VCMP_TYPE_FEC_PARITY,
			.flags		= VCMP_F_FEC,
			.link_id	= link->id,
			.segment_id	= READ_ONCE(peer->segment),
			.peer_seq	= (u32)atomic_inc_return(&peer->tx_peer_seq),
			.fec_index	= fh.k + j,
		};
		vcmp_hdr_encode(&h, skb_push(skb, VCMP_HDR_LEN));
		memset(VCMP_CB(skb), 0, sizeof(struct vcmp_skb_cb));
		__skb_queue_tail(out, skb);
		vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_TX_PARITY);
	}
}

/* Send what vcmp_fec_tx_close() built. BHs disabled, RCU read section. */
static void vcmp_fec_tx_flush(struct vcmp_peer *peer, struct sk_buff_head *q,
			      struct vcmp_link *link)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q)))
		vcmp_send(peer, link, skb);
	vcmp_link_put(link);
}

static void vcmp_fec_tx_timer(struct timer_list *t)
{
	struct vcmp_fec_tx *ft = from_timer(ft, t, timer);
	struct vcmp_peer *peer = container_of(ft, struct vcmp_peer, fec_tx);
	struct vcmp_link *link = NULL;
	struct sk_buff_head q;
	unsigned long hold;

	__skb_queue_head_init(&q);
	spin_lock_bh(&ft->lock);
	hold = msecs_to_jiffies(READ_ONCE(fec_tx_hold_ms));
	if (ft->link && !ft->dead && time_before(jiffies, ft->opened + hold)) {
		/* A newer group than the one the timer was armed for. */
		mod_timer(&ft->timer, ft->opened + hold);
	} else if (ft->link && !ft->dead) {
		vcmp_fec_tx_close(peer, ft, &q, &link);
		vcmp_stats_inc(peer->vdev->stats, VCMP_STAT_FEC_TX_EARLY);
	}
	spin_unlock_bh(&ft->lock);
	if (!link)
		return;
	rcu_read_lock_bh();
	vcmp_fec_tx_flush(peer, &q, link);
	rcu_read_unlock_bh();
}

/*
 * Whether the peer's last loss report on @link covers fec_warmup_pkts of
 * its packets: until then its loss_ppm, 0 or from a few packets, says
 * little. Bottom halves disabled; takes the link monitor's lock, which
 * is innermost (monitor.h).
 */
static bool vcmp_fec_tx_measured(struct vcmp_link *link)
{
	struct vcmp_monitor *mon = &link->mon;
	u32 need = min_t(unsigned int, READ_ONCE(fec_warmup_pkts),
			 VCMP_LINKMON_LOSS_BITS);
	bool measured;

	spin_lock(&mon->lock);
	measured = mon->lm.tx.fb_valid && mon->lm.tx.fb.win_pkts >= need;
	spin_unlock(&mon->lock);
	return measured;
}

/*
 * The loss rate to size @link's next group for: its measured loss, at
 * least fec_min_loss_ppm, and at least fec_warmup_loss_ppm while the loss
 * is not measured yet (vcmp_fec_tx_measured()). Bottom halves disabled.
 */
static u32 vcmp_fec_tx_loss(struct vcmp_link *link)
{
	u32 loss = max(READ_ONCE(link->view.loss_ppm),
		       READ_ONCE(fec_min_loss_ppm));
	u32 warmup = READ_ONCE(fec_warmup_loss_ppm);

	if (loss < warmup && !vcmp_fec_tx_measured(link))
		loss = warmup;
	return loss;
}

static bool vcmp_fec_tx_alloc(struct vcmp_fec_tx *ft)
{
	unsigned int j;

	for (j = 0; j < VCMP_FEC_MAX_M; j++) {
		if (ft->parity[j])
			continue;
		ft->parity[j] = kmalloc(VCMP_FEC_TX_SYM, GFP_ATOMIC);
		if (!ft->parity[j])
			return false;
	}
	return true;
}

/**
 * vcmp_fec_tx - send a FEC-mode packet, and parity when a group closes
 * @peer: the peer
 * @link: the link the packet goes on
 * @skb: the inner packet (or VCMP fragment of one), with the headroom for
 *	the VCMP headers; consumed
 * @tclass: its traffic class id, carried in the data header
 *
 * Context: transmit path, bottom halves disabled, RCU read section.
 */
void vcmp_fec_tx(struct vcmp_peer *peer, struct vcmp_link *link,
		 struct sk_buff *skb, u8 tclass)
{
	struct vcmp_fec_tx *ft = &peer->fec_tx;
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_link *closed = NULL, *full = NULL;
	struct sk_buff_head q, qprev;
	unsigned int k, m, n;
	u8 fec = 0, index = 0;
	u32 seq;

	__skb_queue_head_init(&q);
	__skb_queue_head_init(&qprev);
	if (skb->len + VCMP_DATA_HDR_LEN > VCMP_FEC_TX_MAX_DATA ||
	    skb_linearize(skb)) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_TX_UNPROTECTED);
		vcmp_push_headers(skb, peer, link,
				  (u32)atomic_inc_return(&peer->tx_peer_seq),
				  0, tclass, 0);
		vcmp_send(peer, link, skb);
		return;
	}

	spin_lock_bh(&ft->lock);
	seq = (u32)atomic_inc_return(&peer->tx_peer_seq);
	if (ft->link && (ft->link != link ||
			 (u32)(seq - ft->start) > U8_MAX))
		vcmp_fec_tx_close(peer, ft, &qprev, &closed);
	if (!ft->link && !ft->dead) {
		vcmp_fec_choose(vcmp_fec_tx_loss(link),
				READ_ONCE(fec_target_ppm),
				READ_ONCE(fec_k_max), &k, &m);
		if (!m) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_TX_CLEAN);
		} else if (!vcmp_fec_tx_alloc(ft) ||
			   vcmp_fec_enc_init(&ft->enc, k, m, ft->parity,
					     VCMP_FEC_TX_SYM)) {
			vcmp_stats_inc(vdev->stats,
				       VCMP_STAT_FEC_TX_UNPROTECTED);
		} else {
			ft->link = vcmp_link_get(link);
			ft->start = seq;
			ft->opened = jiffies;
			if (ft->link) {
				vcmp_stats_inc(vdev->stats,
					       VCMP_STAT_FEC_TX_GROUPS);
				mod_timer(&ft->timer, jiffies +
					  msecs_to_jiffies(READ_ONCE(fec_tx_hold_ms)));
			}
		}
	}
	if (ft->link) {
		fec = VCMP_F_FEC;
		index = (u8)(seq - ft->start);
	}
	vcmp_push_headers(skb, peer, link, seq, fec, tclass, index);
	if (fec) {
		n = vcmp_fec_enc_count(&ft->enc);
		ft->offset[n] = index;
		vcmp_fec_enc_add(&ft->enc, skb->data + VCMP_HDR_LEN,
				 skb->len - VCMP_HDR_LEN);
		vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_TX_DATA);
		if (vcmp_fec_enc_full(&ft->enc))
			vcmp_fec_tx_close(peer, ft, &q, &full);
	}
	spin_unlock_bh(&ft->lock);

	if (closed)	/* the previous group's parity */
		vcmp_fec_tx_flush(peer, &qprev, closed);
	vcmp_send(peer, link, skb);
	if (full)
		vcmp_fec_tx_flush(peer, &q, full);
}

/**
 * vcmp_fec_tx_stop - forget the open group of a peer that is going
 * @ft: the peer's FEC state
 *
 * Context: process, may sleep (waits for the timer); nothing on the
 * transmit path can find the peer any more.
 */
void vcmp_fec_tx_stop(struct vcmp_fec_tx *ft)
{
	struct vcmp_link *link;

	spin_lock_bh(&ft->lock);
	ft->dead = true;
	link = ft->link;
	ft->link = NULL;
	spin_unlock_bh(&ft->lock);
	timer_shutdown_sync(&ft->timer);
	vcmp_link_put(link);
}

/**
 * vcmp_fec_tx_free - free the parity buffers, with the peer
 * @ft: the peer's FEC state, stopped, which nothing uses any more
 */
void vcmp_fec_tx_free(struct vcmp_fec_tx *ft)
{
	unsigned int j;

	for (j = 0; j < VCMP_FEC_MAX_M; j++)
		kfree(ft->parity[j]);
}
