// SPDX-License-Identifier: GPL-2.0
/*
 * Steering (steer.h): the device's policy, the flow table and the choice
 * of links for each inner packet on the transmit path.
 */
#include <linux/ip.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "device.h"
#include "peer.h"
#include "steer.h"
#include "wire.h"

static void vcmp_class_defaults(struct vcmp_class *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->defined = true;
	c->mode = VCMP_NL_CLASS_MODE_FLOW;
	c->qoe = VCMP_NL_QOE_BULK;
	strscpy(c->name, name, sizeof(c->name));
}

int vcmp_steer_init(struct vcmp_dev *vdev)
{
	struct vcmp_steer *s = &vdev->steer;
	struct vcmp_policy *p;
	unsigned int i;

	spin_lock_init(&s->flow_lock);
	for (i = 0; i < VCMP_CLASSES_MAX; i++)
		atomic64_set(&s->class_tx[i], 0);
	s->flows = vzalloc(array_size(VCMP_STEER_FLOW_BUCKETS *
				      VCMP_STEER_FLOW_WAYS,
				      sizeof(*s->flows)));
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!s->flows || !p) {
		vfree(s->flows);
		s->flows = NULL;
		kfree(p);
		return -ENOMEM;
	}
	vcmp_class_defaults(&p->classes[0], "default");
	RCU_INIT_POINTER(s->policy, p);
	return 0;
}

/* Context: no packet can reach the device any more. */
void vcmp_steer_destroy(struct vcmp_dev *vdev)
{
	struct vcmp_steer *s = &vdev->steer;

	kfree(rcu_dereference_protected(s->policy, true));
	RCU_INIT_POINTER(s->policy, NULL);
	vfree(s->flows);
	s->flows = NULL;
}

/* --- configuration --------------------------------------------------------- */

const struct vcmp_policy *vcmp_policy_get_locked(struct vcmp_dev *vdev)
{
	return rcu_dereference_protected(vdev->steer.policy,
					 lockdep_is_held(&vdev->lock));
}

/* A private copy of the policy to change, or NULL (no memory). */
struct vcmp_policy *vcmp_policy_copy(struct vcmp_dev *vdev)
{
	return kmemdup(vcmp_policy_get_locked(vdev), sizeof(struct vcmp_policy),
		       GFP_KERNEL);
}

/* Publish @policy (from vcmp_policy_copy()); the old one goes after RCU. */
void vcmp_policy_publish(struct vcmp_dev *vdev, struct vcmp_policy *policy)
{
	struct vcmp_policy *old = (struct vcmp_policy *)
		vcmp_policy_get_locked(vdev);

	rcu_assign_pointer(vdev->steer.policy, policy);
	kfree_rcu(old, rcu);
}

/* Index of rule @id in @policy, or -1. */
int vcmp_policy_find_rule(const struct vcmp_policy *policy, u16 id)
{
	unsigned int i;

	for (i = 0; i < policy->nrules; i++)
		if (policy->rules[i].id == id)
			return i;
	return -1;
}

/* Insert @rule in id order. Return: 0, -EEXIST or -ENOSPC. */
int vcmp_policy_add_rule(struct vcmp_policy *policy,
			 const struct vcmp_rule *rule)
{
	unsigned int i;

	if (vcmp_policy_find_rule(policy, rule->id) >= 0)
		return -EEXIST;
	if (policy->nrules >= VCMP_RULES_MAX)
		return -ENOSPC;
	for (i = policy->nrules; i > 0 && policy->rules[i - 1].id > rule->id;
	     i--)
		policy->rules[i] = policy->rules[i - 1];
	policy->rules[i] = *rule;
	policy->nrules++;
	return 0;
}

void vcmp_policy_del_rule(struct vcmp_policy *policy, unsigned int index)
{
	policy->nrules--;
	memmove(&policy->rules[index], &policy->rules[index + 1],
		(policy->nrules - index) * sizeof(policy->rules[0]));
}

/* Flows pick their link again (a class changed its mode or roles). */
void vcmp_steer_forget_flows(struct vcmp_dev *vdev)
{
	struct vcmp_steer *s = &vdev->steer;

	spin_lock_bh(&s->flow_lock);
	memset(s->flows, 0, array_size(VCMP_STEER_FLOW_BUCKETS *
				       VCMP_STEER_FLOW_WAYS,
				       sizeof(*s->flows)));
	spin_unlock_bh(&s->flow_lock);
}

/* --- packet path ------------------------------------------------------------- */

/* What a flow is: the peer, the class and the packet's 5-tuple. */
struct vcmp_steer_flow_id {
	u32 peer_id;
	u8 class_id;
	u8 family;
	u8 proto;
	u8 pad;
	u16 sport;
	u16 dport;
	u8 src[16];
	u8 dst[16];
};

/**
 * vcmp_steer_classify - the class of an inner packet and its flow
 * @vdev: the device
 * @peer: the peer it goes to
 * @skb: the packet, skb->data at its IP header
 * @sp: filled in
 */
void vcmp_steer_classify(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			 struct sk_buff *skb, struct vcmp_steer_pkt *sp)
{
	const struct vcmp_policy *p = rcu_dereference_bh(vdev->steer.policy);
	struct vcmp_steer_flow_id id = { .peer_id = peer->id };
	struct vcmp_pkt_key key;
	unsigned int want;

	want = skb->protocol == htons(ETH_P_IP) ? ip_hdr(skb)->ihl * 4 + 4 :
						  sizeof(struct ipv6hdr) + 4;
	/* Best effort: what is not linear then does not match. */
	pskb_may_pull(skb, min(want, skb->len));
	vcmp_classify_parse(skb->data, skb_headlen(skb), &key);
	sp->class_id = vcmp_class_of(p->rules, p->nrules, &key);
	if (!p->classes[sp->class_id].defined)
		sp->class_id = 0;
	sp->mode = p->classes[sp->class_id].mode;
	atomic64_inc(&vdev->steer.class_tx[sp->class_id]);
	sp->flow_key = 0;
	/* FEC classes are steered per flow too (fec_tx.h). */
	if (sp->mode != VCMP_NL_CLASS_MODE_FLOW &&
	    sp->mode != VCMP_NL_CLASS_MODE_FEC)
		return;
	id.class_id = sp->class_id;
	id.family = key.family;
	id.proto = key.proto;
	id.sport = key.sport;
	id.dport = key.dport;
	memcpy(id.src, key.src, sizeof(id.src));
	memcpy(id.dst, key.dst, sizeof(id.dst));
	sp->flow_key = siphash(&id, sizeof(id), &vdev->flow_key) | 1;
}

/*
 * Whether @link can carry traffic as far as its underlay interface goes
 * (the monitor's verdict is applied by the caller).
 */
static bool vcmp_steer_usable(struct vcmp_dev *vdev, struct vcmp_link *link)
{
	struct net_device *dev;

	if (!link->ifindex)
		return true;
	dev = dev_get_by_index_rcu(dev_net(vdev->dev), link->ifindex);
	return dev && netif_running(dev) && netif_carrier_ok(dev);
}

/* Whether @link meets the SLA of QoE class @qoe (enum vcmp_nl_qoe). */
static bool vcmp_steer_sla_ok(struct vcmp_link *link, u8 qoe)
{
	u8 state = READ_ONCE(link->view.state);

	if (state == VCMP_LINK_DEGRADED)
		return false;
	if (state == VCMP_LINK_INIT || qoe >= VCMP_QOE_CLASSES)
		return true;
	/* Score 0 is critical: below the class's thresholds. */
	return READ_ONCE(link->view.qoe[qoe]) != 0;
}

/*
 * One-way delay of @link without queues: half the least recent RTT (the
 * spray model adds the queue our own packets make; srtt would count it
 * twice), else half the smoothed RTT, 0 before any sample.
 */
static u32 vcmp_steer_owd_us(struct vcmp_link *link)
{
	u32 rtt = READ_ONCE(link->view.min_rtt_us);

	return (rtt ?: READ_ONCE(link->view.srtt_us)) / 2;
}

/*
 * The spray model of @link at @now, corrected by what the link shows:
 * - a configured rate is used at 15/16, so that small errors (link-layer
 *   framing, a shaper's accounting) do not build a queue the model never
 *   sees;
 * - the model's queue is at least 3/4 of the queue the link measures
 *   (smoothed RTT above the least RTT), so that a queue the model missed
 *   (a slower link than configured, cross traffic) steers packets away
 *   instead of growing; 3/4 because the measurement is one RTT old and
 *   also holds the model's own queue.
 */
static void vcmp_steer_spray_model(struct vcmp_link *link,
				   struct vcmp_lc_link *lc, u64 now)
{
	u32 srtt = READ_ONCE(link->view.srtt_us);
	u32 min_rtt = READ_ONCE(link->view.min_rtt_us);
	u64 seen;

	if (link->bandwidth_kbps)
		lc->capacity_bps -= lc->capacity_bps / 16;
	if (min_rtt && srtt > min_rtt) {
		seen = now + (u64)(srtt - min_rtt) * NSEC_PER_USEC * 3 / 4;
		lc->free_ns = max(lc->free_ns, seen);
	}
}

/* The flow table's choice for @sp among @lc (flow_lock is taken). */
static int vcmp_steer_flow(struct vcmp_dev *vdev,
			   const struct vcmp_steer_pkt *sp,
			   struct vcmp_lc_link *lc, struct vcmp_link **links,
			   unsigned int n)
{
	struct vcmp_steer *s = &vdev->steer;
	struct vcmp_steer_flow *b, *f = NULL;
	unsigned long now = jiffies;
	bool known = false;
	int cur = -1, c;
	unsigned int i;

	b = &s->flows[(sp->flow_key >> 32) % VCMP_STEER_FLOW_BUCKETS *
		      VCMP_STEER_FLOW_WAYS];
	spin_lock(&s->flow_lock);
	for (i = 0; i < VCMP_STEER_FLOW_WAYS; i++) {
		if (b[i].key == sp->flow_key) {
			f = &b[i];
			break;
		}
		/* An empty way, else the least recently seen one. */
		if (!f || (f->key && (!b[i].key ||
				      time_before(b[i].seen, f->seen))))
			f = &b[i];
	}
	if (f->key == sp->flow_key &&
	    time_before(now, f->seen + VCMP_STEER_FLOW_TTL)) {
		known = true;
		for (i = 0; i < n; i++)
			if (links[i]->id == f->link_id)
				cur = i;
	}
	c = vcmp_lc_flow(lc, n, cur);
	if (c >= 0) {
		if (!known)
			vcmp_stats_inc(vdev->stats, VCMP_STAT_STEER_FLOW_NEW);
		else if (c != cur)
			vcmp_stats_inc(vdev->stats, VCMP_STAT_STEER_MOVES);
		f->key = sp->flow_key;
		f->seen = now;
		f->link_id = links[c]->id;
	}
	spin_unlock(&s->flow_lock);
	return c;
}

/**
 * vcmp_steer_links - the link(s) an inner packet (or piece of one) goes on
 * @vdev: the device
 * @peer: its peer
 * @sp: from vcmp_steer_classify()
 * @len: its length in bytes
 * @out: receives the links, RCU-protected (the caller takes references)
 * @why: when none, why the packet is dropped
 *
 * Return: the number of links: 0 (drop), 1, or 2 (duplicate).
 */
unsigned int vcmp_steer_links(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			      const struct vcmp_steer_pkt *sp, unsigned int len,
			      struct vcmp_link *out[2], enum vcmp_stat *why)
{
	const struct vcmp_policy *p = rcu_dereference_bh(vdev->steer.policy);
	const struct vcmp_class *cls = &p->classes[sp->class_id];
	struct vcmp_lc_link lc[VCMP_MAX_LINKS];
	struct vcmp_link *links[VCMP_MAX_LINKS];
	bool mon_down[VCMP_MAX_LINKS], any_up = false;
	unsigned int n = 0, i, k;
	int c, two[2];
	u64 bw, now;

	for (i = 0; i < VCMP_MAX_LINKS; i++) {
		struct vcmp_link *link = rcu_dereference_bh(peer->links[i]);

		if (!link)
			break;
		links[n] = link;
		lc[n].usable = vcmp_steer_usable(vdev, link) &&
			       (!cls->mandatory ||
				cls->role[link->id] == VCMP_NL_ROLE_MANDATORY);
		mon_down[n] = READ_ONCE(link->view.state) == VCMP_LINK_DOWN;
		any_up |= lc[n].usable && !mon_down[n];
		lc[n].sla_ok = vcmp_steer_sla_ok(link, cls->qoe);
		lc[n].role = cls->role[link->id];
		lc[n].owd_us = vcmp_steer_owd_us(link);
		/*
		 * What the operator configured is the link's rate; a measured
		 * delivery rate is only what the link delivered so far.
		 */
		bw = (u64)link->bandwidth_kbps * 1000;
		lc[n].capacity_bps = bw ?: READ_ONCE(link->view.capacity_bps);
		lc[n].free_ns = READ_ONCE(link->steer_free_ns);
		n++;
	}

	/*
	 * Links the monitor calls down are avoided while another one is not;
	 * when all are, they are used anyway: their probes may go unanswered
	 * because the peer is not configured yet, and data is the best probe.
	 */
	for (i = 0; any_up && i < n; i++)
		if (mon_down[i])
			lc[i].usable = false;

	switch (sp->mode) {
	case VCMP_NL_CLASS_MODE_SPRAY:
		now = ktime_get_ns();
		for (i = 0; i < n; i++)
			vcmp_steer_spray_model(links[i], &lc[i], now);
		/* The model's queues carry what goes on the wire. */
		if (n)
			len += vcmp_overhead(peer->suite,
					     links[0]->remote.sa.sa_family ==
					     AF_INET6, len);
		c = vcmp_lc_spray(lc, n, len, now);
		if (c >= 0) {
			WRITE_ONCE(links[c]->steer_free_ns, lc[c].free_ns);
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_SPRAY);
		}
		k = c >= 0;
		two[0] = c;
		break;
	case VCMP_NL_CLASS_MODE_DUP:
		k = vcmp_lc_dup(lc, n, two);
		break;
	default:
		c = vcmp_steer_flow(vdev, sp, lc, links, n);
		k = c >= 0;
		two[0] = c;
		break;
	}
	if (!k) {
		*why = cls->mandatory ? VCMP_STAT_TX_DROP_MANDATORY_DOWN :
					VCMP_STAT_TX_DROP_NO_LINK;
		return 0;
	}
	for (i = 0; i < k; i++) {
		out[i] = links[two[i]];
		if (lc[two[i]].role == VCMP_LC_BACKUP)
			vcmp_stats_inc(vdev->stats, VCMP_STAT_TX_BACKUP);
	}
	return k;
}
