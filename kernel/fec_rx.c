// SPDX-License-Identifier: GPL-2.0
/*
 * FEC on receive (fec_rx.h): a peer's recent groups, the copies of their
 * members and the rebuilding of lost data packets.
 */
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "device.h"
#include "fec_rx.h"
#include "peer.h"
#include "stats.h"

static unsigned int fec_rx_groups = 16;
module_param(fec_rx_groups, uint, 0644);
MODULE_PARM_DESC(fec_rx_groups,
		 "FEC: groups a peer's receiver keeps at most, 1-256 (default 16), read when the peer first receives FEC");

static unsigned int fec_rx_hold_ms = 100;
module_param(fec_rx_hold_ms, uint, 0644);
MODULE_PARM_DESC(fec_rx_hold_ms,
		 "FEC: how long a receiver waits for the members of a group, ms (default 100)");

/* Every FEC index (0-255) a group may have. */
#define VCMP_FEC_RX_SPAN	256
/* FEC members arrived this recently: the peer sends FEC groups. */
#define VCMP_FEC_RX_ACTIVE_NS	(1000 * NSEC_PER_MSEC)
/* How often the groups are looked at for expiry, at most. */
#define VCMP_FEC_RX_EXPIRE_EVERY_NS	(10 * NSEC_PER_MSEC)
/* The wait maximum loses 1/this of itself at each parity packet. */
#define VCMP_FEC_RX_WAIT_DECAY	32

/*
 * struct vcmp_fec_rx_group - one group being received
 * @start: peer sequence number of its first data packet
 * @born_ns: when its first member arrived (ktime_get_ns())
 * @used: the slot holds a group
 * @done: no data is missing any more: copies freed
 * @k: data packets in the group, 0 until a parity told
 * @ndata: data copies in @data
 * @offset: FEC index of each data packet in symbol order (from a parity)
 * @data: copies of the data packets received (data header onwards)
 * @data_len: their lengths
 * @data_off: their FEC indexes
 * @parity: copies of the parity packets' payloads, NULL when not received
 * @parity_len: their lengths
 * @parity_hl: length of the FEC header at their start
 * @seen: FEC indexes of the data packets received or rebuilt
 */
struct vcmp_fec_rx_group {
	u32 start;
	u64 born_ns;
	bool used;
	bool done;
	u8 k;
	u8 ndata;
	u8 offset[VCMP_FEC_MAX_K];
	u8 *data[VCMP_FEC_MAX_K];
	u16 data_len[VCMP_FEC_MAX_K];
	u8 data_off[VCMP_FEC_MAX_K];
	u8 *parity[VCMP_FEC_MAX_M];
	u16 parity_len[VCMP_FEC_MAX_M];
	u16 parity_hl[VCMP_FEC_MAX_M];
	DECLARE_BITMAP(seen, VCMP_FEC_RX_SPAN);
};

void vcmp_fec_rx_init(struct vcmp_fec_rx *fr)
{
	spin_lock_init(&fr->lock);
	vcmp_replay_init(&fr->delivered);
}

/*
 * Record that the FEC data packet @peer_seq is delivered. Return: false
 * when it already was (a duplicate). A number more than the window
 * behind the highest means the sender started over: the window restarts
 * from it. fr->lock held.
 */
static bool vcmp_fec_rx_first(struct vcmp_fec_rx *fr, u32 peer_seq)
{
	/* Plus one: the window refuses number 0. */
	u32 lo = peer_seq + 1;
	int err;

	err = vcmp_replay_update(&fr->delivered,
				 vcmp_replay_infer(&fr->delivered, lo));
	if (err == -VCMP_REPLAY_DUP)
		return false;
	if (err) {
		vcmp_replay_init(&fr->delivered);
		vcmp_replay_update(&fr->delivered,
				   vcmp_replay_infer(&fr->delivered, lo));
	}
	return true;
}

static void vcmp_fec_rx_free_copies(struct vcmp_fec_rx_group *g)
{
	unsigned int i;

	for (i = 0; i < g->ndata; i++) {
		kfree(g->data[i]);
		g->data[i] = NULL;
	}
	g->ndata = 0;
	for (i = 0; i < VCMP_FEC_MAX_M; i++) {
		kfree(g->parity[i]);
		g->parity[i] = NULL;
	}
}

/* Data packets of @g neither received nor rebuilt, once k is known. */
static unsigned int vcmp_fec_rx_missing(const struct vcmp_fec_rx_group *g)
{
	unsigned int i, n = 0;

	for (i = 0; i < g->k; i++)
		if (!test_bit(g->offset[i], g->seen))
			n++;
	return n;
}

/* Give up @g, counting what it loses; @expired: it had its time. */
static void vcmp_fec_rx_release(struct vcmp_dev *vdev,
				struct vcmp_fec_rx_group *g, bool expired)
{
	unsigned int missing;

	if (!g->done && g->k) {
		missing = vcmp_fec_rx_missing(g);
		if (missing) {
			vcmp_stats_inc(vdev->stats, expired ?
				       VCMP_STAT_FEC_RX_TIMEOUT :
				       VCMP_STAT_FEC_RX_EVICT);
			while (missing--)
				vcmp_stats_inc(vdev->stats,
					       VCMP_STAT_FEC_RX_UNRECOVERED);
		}
	}
	vcmp_fec_rx_free_copies(g);
	memset(g, 0, sizeof(*g));
}

/*
 * @g waited fec_rx_hold_ms: stop waiting for its members and count what
 * it lost, but keep the group and what arrived of it, so that a late
 * member is neither delivered twice nor used to rebuild one that was
 * delivered (a group forgotten too early and then completed again by
 * late members would "rebuild" packets received before).
 */
static void vcmp_fec_rx_give_up(struct vcmp_dev *vdev,
				struct vcmp_fec_rx_group *g)
{
	unsigned int missing;

	if (g->k) {
		missing = vcmp_fec_rx_missing(g);
		if (missing) {
			vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_RX_TIMEOUT);
			vcmp_stats_add(vdev->stats,
				       VCMP_STAT_FEC_RX_UNRECOVERED, missing);
		}
	}
	vcmp_fec_rx_free_copies(g);
	g->done = true;
}

/* fec_rx_hold_ms in nanoseconds. */
static u64 vcmp_fec_rx_hold_ns(void)
{
	return (u64)READ_ONCE(fec_rx_hold_ms) * NSEC_PER_MSEC;
}

/*
 * Give up the groups that waited fec_rx_hold_ms for their members (those
 * with data still missing count in fec_rx_timeout); they stay, done, until
 * their slot is wanted. fr->lock held.
 */
static void vcmp_fec_rx_expire(struct vcmp_peer *peer, struct vcmp_fec_rx *fr,
			       u64 now)
{
	u64 hold = vcmp_fec_rx_hold_ns();
	struct vcmp_fec_rx_group *g;
	unsigned int i;

	if (now - fr->expired_ns < VCMP_FEC_RX_EXPIRE_EVERY_NS)
		return;
	fr->expired_ns = now;
	for (i = 0; i < fr->ngroups; i++) {
		g = &fr->groups[i];
		if (g->used && !g->done && now - g->born_ns > hold)
			vcmp_fec_rx_give_up(peer->vdev, g);
	}
}

/* The group starting at @start, a new one if need be. fr->lock held. */
static struct vcmp_fec_rx_group *
vcmp_fec_rx_group(struct vcmp_peer *peer, struct vcmp_fec_rx *fr, u32 start,
		  u64 now)
{
	struct vcmp_fec_rx_group *g, *victim = NULL;
	u64 hold = vcmp_fec_rx_hold_ns();
	unsigned int i, n;

	if (!fr->groups) {
		n = clamp_t(unsigned int, READ_ONCE(fec_rx_groups), 1,
			    VCMP_FEC_RX_SPAN);
		fr->groups = kcalloc(n, sizeof(*fr->groups), GFP_ATOMIC);
		if (!fr->groups)
			return NULL;
		fr->ngroups = n;
	}
	vcmp_fec_rx_expire(peer, fr, now);
	for (i = 0; i < fr->ngroups; i++) {
		g = &fr->groups[i];
		if (g->used && g->start == start)
			return g;
	}
	/*
	 * A free slot, else an expired group, else the oldest complete one
	 * (it only remembers what to drop as duplicate), else the oldest.
	 */
	for (i = 0; i < fr->ngroups; i++) {
		g = &fr->groups[i];
		if (!g->used) {
			victim = g;
			break;
		}
		if (now - g->born_ns > hold) {
			vcmp_fec_rx_release(peer->vdev, g, true);
			victim = g;
			break;
		}
		if (!victim || (g->done && !victim->done) ||
		    (g->done == victim->done && g->born_ns < victim->born_ns))
			victim = g;
	}
	if (victim->used)
		vcmp_fec_rx_release(peer->vdev, victim, false);
	victim->used = true;
	victim->start = start;
	victim->born_ns = now;
	return victim;
}

/*
 * Give a rebuilt data packet (skb->data at its data header, headroom for
 * a VCMP header) the VCMP header it was sent with, as far as the receive
 * path reads it: type DATA, flags FEC and FRAG (when the data header has
 * fragment fields), the peer sequence number and the FEC index.
 */
static void vcmp_fec_rx_header(struct vcmp_peer *peer, struct sk_buff *skb,
			       u32 start, u8 index)
{
	struct vcmp_hdr h = {
		.type		= VCMP_TYPE_DATA,
		.flags		= VCMP_F_FEC,
		.segment_id	= READ_ONCE(peer->segment),
		.peer_seq	= start + index,
		.fec_index	= index,
	};

	/* Fragment fields say whether it was sent with flag FRAG. */
	if (skb->len > 5 && (skb->data[1] || skb->data[4] || skb->data[5]))
		h.flags |= VCMP_F_FRAG;
	vcmp_hdr_encode(&h, skb_push(skb, VCMP_HDR_LEN));
}

/*
 * Rebuild what @g lost if its members allow, onto @rebuilt (skb->data at
 * the VCMP header, see vcmp_fec_rx_header()). fr->lock held.
 */
static void vcmp_fec_rx_decode(struct vcmp_peer *peer, struct vcmp_fec_rx *fr,
			       struct vcmp_fec_rx_group *g,
			       struct sk_buff_head *rebuilt)
{
	struct vcmp_fec_out out[VCMP_FEC_MAX_M];
	struct sk_buff *skbs[VCMP_FEC_MAX_M];
	struct vcmp_dev *vdev = peer->vdev;
	struct vcmp_fec_dec *dec = &fr->dec;
	unsigned int i, j, missing, size;
	int n;

	if (!g->k || g->done)
		return;
	missing = vcmp_fec_rx_missing(g);
	if (!missing) {
		g->done = true;
		vcmp_fec_rx_free_copies(g);
		return;
	}
	if (vcmp_fec_dec_init(dec, g->k))
		return;
	for (i = 0; i < g->k; i++)
		for (j = 0; j < g->ndata; j++)
			if (g->data_off[j] == g->offset[i])
				vcmp_fec_dec_add_data(dec, i, g->data[j],
						      g->data_len[j]);
	for (j = 0; j < VCMP_FEC_MAX_M; j++)
		if (g->parity[j])
			vcmp_fec_dec_add_parity(dec, g->k, j,
						g->parity[j] + g->parity_hl[j],
						g->parity_len[j] -
						g->parity_hl[j]);
	if (vcmp_fec_dec_state(dec) != VCMP_FEC_READY)
		return;
	missing = vcmp_fec_dec_missing(dec);
	size = vcmp_fec_dec_out_size(dec);
	if (!missing || missing > VCMP_FEC_MAX_M)
		return;
	for (i = 0; i < missing; i++) {
		skbs[i] = netdev_alloc_skb_ip_align(vdev->dev,
						    VCMP_HDR_LEN + size);
		if (!skbs[i]) {
			while (i--)
				kfree_skb(skbs[i]);
			vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_RX_NOMEM);
			return;
		}
		skb_reserve(skbs[i], VCMP_HDR_LEN);
		out[i].buf = skb_put(skbs[i], size);
		out[i].size = size;
	}
	n = vcmp_fec_dec_decode(dec, out, missing, &fr->scratch);
	for (i = 0; i < missing; i++) {
		if (n < 0 || i >= (unsigned int)n) {
			kfree_skb(skbs[i]);
			continue;
		}
		if (test_and_set_bit(g->offset[out[i].index], g->seen) ||
		    !vcmp_fec_rx_first(fr, g->start +
				       g->offset[out[i].index])) {
			/* received (copy failed, or in a reused slot) */
			kfree_skb(skbs[i]);
			continue;
		}
		__skb_trim(skbs[i], out[i].len);
		vcmp_fec_rx_header(peer, skbs[i], g->start,
				   g->offset[out[i].index]);
		__skb_queue_tail(rebuilt, skbs[i]);
		vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_RX_REBUILT);
	}
	if (n < 0) {
		vcmp_stats_inc(vdev->stats, VCMP_STAT_FEC_RX_DROP_BAD);
		return;
	}
	if (!vcmp_fec_rx_missing(g)) {
		g->done = true;
		vcmp_fec_rx_free_copies(g);
	}
}

/*
 * A parity packet came @wait ns after its group's first member: keep the
 * decaying maximum, capped at fec_rx_hold_ms. fr->lock held.
 */
static void vcmp_fec_rx_wait_sample(struct vcmp_fec_rx *fr, u64 wait)
{
	u64 w = fr->wait_ns;

	wait = min(wait, vcmp_fec_rx_hold_ns());
	w -= w / VCMP_FEC_RX_WAIT_DECAY;
	WRITE_ONCE(fr->wait_ns, max(w, wait));
}

/**
 * vcmp_fec_rx_wait_ns - how long a lost member may wait for its rebuild
 * @fr: a peer's FEC receive state
 * @now: ktime_get_ns()
 *
 * For the resequencing buffer's hold time: 0 when the peer sent no FEC
 * member for a second; else the decaying maximum of the time a parity
 * packet came after its group's first member, or fec_rx_hold_ms until a
 * parity packet came. Lock-free (READ_ONCE).
 *
 * Return: nanoseconds.
 */
u64 vcmp_fec_rx_wait_ns(const struct vcmp_fec_rx *fr, u64 now)
{
	u64 member = READ_ONCE(fr->member_ns), wait;

	/* @now may be a little before @member, taken on another cpu. */
	if (!member || (s64)(now - member) > (s64)VCMP_FEC_RX_ACTIVE_NS)
		return 0;
	wait = READ_ONCE(fr->wait_ns);
	return wait ?: vcmp_fec_rx_hold_ns();
}

/**
 * vcmp_fec_rx_data - a DATA packet with flag FEC arrived
 * @peer: the peer it came from
 * @h: its VCMP header
 * @skb: the packet, skb->data at the VCMP header; not consumed
 * @rebuilt: receives the data packets it allowed to rebuild
 *
 * Context: softirq.
 * Return: true if it is a duplicate the caller must drop.
 */
bool vcmp_fec_rx_data(struct vcmp_peer *peer, const struct vcmp_hdr *h,
		      struct sk_buff *skb, struct sk_buff_head *rebuilt)
{
	struct vcmp_fec_rx *fr = &peer->fec_rx;
	unsigned int len = skb->len - VCMP_HDR_LEN;
	struct vcmp_fec_rx_group *g;
	u8 *copy;
	u64 now;

	spin_lock(&fr->lock);
	now = ktime_get_ns();	/* under the lock: never before a born_ns */
	WRITE_ONCE(fr->member_ns, now);
	if (!vcmp_fec_rx_first(fr, h->peer_seq)) {
		/* Delivered before, maybe from a group since forgotten. */
		spin_unlock(&fr->lock);
		return true;
	}
	g = vcmp_fec_rx_group(peer, fr, h->peer_seq - h->fec_index, now);
	if (!g) {
		spin_unlock(&fr->lock);
		vcmp_stats_inc(peer->vdev->stats, VCMP_STAT_FEC_RX_NOMEM);
		return false;
	}
	if (test_and_set_bit(h->fec_index, g->seen)) {
		spin_unlock(&fr->lock);
		return true;
	}
	if (!g->done && g->ndata < VCMP_FEC_MAX_K &&
	    len <= VCMP_FEC_MAX_DATA) {
		copy = kmalloc(len, GFP_ATOMIC);
		if (copy && !skb_copy_bits(skb, VCMP_HDR_LEN, copy, len)) {
			g->data[g->ndata] = copy;
			g->data_len[g->ndata] = len;
			g->data_off[g->ndata] = h->fec_index;
			g->ndata++;
		} else {
			kfree(copy);
			vcmp_stats_inc(peer->vdev->stats,
				       VCMP_STAT_FEC_RX_NOMEM);
		}
	}
	vcmp_fec_rx_decode(peer, fr, g, rebuilt);
	spin_unlock(&fr->lock);
	return false;
}

/**
 * vcmp_fec_rx_parity - a FEC_PARITY packet arrived
 * @peer: the peer it came from
 * @h: its VCMP header
 * @skb: the packet, skb->data at the VCMP header; not consumed
 * @rebuilt: receives the data packets it allowed to rebuild
 *
 * Context: softirq.
 * Return: 0, or the negated enum vcmp_stat the caller drops it with.
 */
int vcmp_fec_rx_parity(struct vcmp_peer *peer, const struct vcmp_hdr *h,
		       struct sk_buff *skb, struct sk_buff_head *rebuilt)
{
	struct vcmp_fec_rx *fr = &peer->fec_rx;
	unsigned int len = skb->len - VCMP_HDR_LEN;
	struct vcmp_fec_parity_hdr fh;
	struct vcmp_fec_rx_group *g;
	int hl, why = 0;
	u8 *copy;
	u64 now;

	if (len > U16_MAX)
		return -VCMP_STAT_FEC_RX_DROP_BAD;
	copy = kmalloc(len, GFP_ATOMIC);
	if (!copy)
		return -VCMP_STAT_RX_DROP_NOMEM;
	if (skb_copy_bits(skb, VCMP_HDR_LEN, copy, len)) {
		why = -VCMP_STAT_FEC_RX_DROP_BAD;
		goto out;
	}
	hl = vcmp_fec_hdr_decode(&fh, copy, len);
	if (hl < 0 || h->fec_index != fh.k + fh.j) {
		why = -VCMP_STAT_FEC_RX_DROP_BAD;
		goto out;
	}
	spin_lock(&fr->lock);
	now = ktime_get_ns();	/* under the lock: never before a born_ns */
	WRITE_ONCE(fr->member_ns, now);
	g = vcmp_fec_rx_group(peer, fr, fh.start, now);
	if (!g) {
		spin_unlock(&fr->lock);
		why = -VCMP_STAT_RX_DROP_NOMEM;
		goto out;
	}
	if (g->k && (g->k != fh.k || memcmp(g->offset, fh.offset, fh.k))) {
		spin_unlock(&fr->lock);
		why = -VCMP_STAT_FEC_RX_DROP_BAD;
		goto out;
	}
	vcmp_stats_inc(peer->vdev->stats, VCMP_STAT_FEC_RX_PARITY);
	vcmp_fec_rx_wait_sample(fr, now - g->born_ns);
	if (!g->k) {
		g->k = fh.k;
		memcpy(g->offset, fh.offset, fh.k);
	}
	if (!g->done && !g->parity[fh.j]) {
		g->parity[fh.j] = copy;
		g->parity_len[fh.j] = len;
		g->parity_hl[fh.j] = hl;
		copy = NULL;
	}
	vcmp_fec_rx_decode(peer, fr, g, rebuilt);
	spin_unlock(&fr->lock);
out:
	kfree(copy);
	return why;
}

/**
 * vcmp_fec_rx_free - free the FEC receive state of a peer
 * @fr: the peer's, which nothing uses any more (the peer is being freed)
 */
void vcmp_fec_rx_free(struct vcmp_fec_rx *fr)
{
	unsigned int i;

	for (i = 0; i < fr->ngroups; i++)
		vcmp_fec_rx_free_copies(&fr->groups[i]);
	kfree(fr->groups);
	fr->groups = NULL;
	fr->ngroups = 0;
}
