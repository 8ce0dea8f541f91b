/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Steering: which link(s) of a peer each inner packet goes on.
 *
 * A device has a policy: up to VCMP_CLASSES_MAX traffic classes (class 0,
 * "default", always exists) and up to VCMP_RULES_MAX classification
 * rules (classify.h). A class has a mode (flow, spray, dup, fec: fec is
 * steered like flow, then fec_tx.c groups it), a QoE class whose thresholds are
 * its SLA, and a role per link id (linkchoice.h). Link choice reads each
 * link's lock-free view (monitor.h), its configured bandwidth and the
 * state of its underlay interface.
 *
 * Locking and RCU:
 * - The policy is an immutable snapshot published with
 *   rcu_assign_pointer(). Writers (netlink, under vdev->lock, process
 *   context) copy it, change the copy and publish it; the old one is
 *   freed with kfree_rcu(). Readers (the transmit path, bottom halves
 *   off) use rcu_dereference_bh() and never see a half-made change.
 * - The flow table is guarded by @flow_lock, a spinlock taken on the
 *   transmit path (bottom halves off) and, with _bh, by the control
 *   path; nothing is taken inside it.
 * - Per-link spray state (vcmp_link.steer_free_ns) is written without a
 *   lock with WRITE_ONCE: concurrent senders may both use a link's old
 *   free time, which costs one packet of accuracy in the model, nothing
 *   more.
 * - Class counters are atomics.
 */
#ifndef _VCMP_STEER_H
#define _VCMP_STEER_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/vcmp.h>

#include "classify.h"
#include "linkchoice.h"
#include "stats.h"

struct sk_buff;
struct vcmp_dev;
struct vcmp_link;
struct vcmp_peer;

#define VCMP_STEER_FLOW_BUCKETS	1024
#define VCMP_STEER_FLOW_WAYS	4
/* A flow not seen for this long is forgotten (its next packet is new). */
#define VCMP_STEER_FLOW_TTL	(30 * HZ)
#define VCMP_CLASS_NAME_LEN	16
#define VCMP_LINK_IDS		256

/*
 * struct vcmp_class - a traffic class
 * @defined: the class exists (class 0 always does)
 * @mode: enum vcmp_nl_class_mode
 * @qoe: enum vcmp_nl_qoe
 * @mandatory: some link id is mandatory: the class then never uses
 *	other links, even when the peer has no link with that id
 * @jitter_ms: receive jitter buffer delay of the class's packets, ms,
 *	0: none (rx_jitter.h)
 * @name: NUL-terminated
 * @role: enum vcmp_nl_role of the links with each id
 */
struct vcmp_class {
	bool defined;
	bool mandatory;
	u8 mode;
	u8 qoe;
	u16 jitter_ms;
	char name[VCMP_CLASS_NAME_LEN];
	u8 role[VCMP_LINK_IDS];
};

/*
 * struct vcmp_policy - immutable once published (see above)
 * @rcu: frees a replaced policy
 * @nrules: used entries of @rules
 * @rules: by ascending id
 * @classes: by id
 */
struct vcmp_policy {
	struct rcu_head rcu;
	unsigned int nrules;
	struct vcmp_rule rules[VCMP_RULES_MAX];
	struct vcmp_class classes[VCMP_CLASSES_MAX];
};

/* A flow's link; @key 0: empty. */
struct vcmp_steer_flow {
	u64 key;
	unsigned long seen;
	u8 link_id;
};

/*
 * struct vcmp_steer - steering state of a device
 * @policy: see above
 * @flow_lock: guards @flows
 * @flows: VCMP_STEER_FLOW_BUCKETS * VCMP_STEER_FLOW_WAYS flows
 * @class_tx: packets steered per class (copies not counted)
 */
struct vcmp_steer {
	struct vcmp_policy __rcu *policy;
	spinlock_t flow_lock;		/* see above */
	struct vcmp_steer_flow *flows;
	atomic64_t class_tx[VCMP_CLASSES_MAX];
};

/* What steering decided about one inner packet, for all its pieces. */
struct vcmp_steer_pkt {
	u8 class_id;
	u8 mode;
	u64 flow_key;
};

int vcmp_steer_init(struct vcmp_dev *vdev);
void vcmp_steer_destroy(struct vcmp_dev *vdev);

/* Configuration: vdev->lock held. */
const struct vcmp_policy *vcmp_policy_get_locked(struct vcmp_dev *vdev);
struct vcmp_policy *vcmp_policy_copy(struct vcmp_dev *vdev);
void vcmp_policy_publish(struct vcmp_dev *vdev, struct vcmp_policy *policy);
int vcmp_policy_add_rule(struct vcmp_policy *policy,
			 const struct vcmp_rule *rule);
void vcmp_policy_del_rule(struct vcmp_policy *policy, unsigned int index);
int vcmp_policy_find_rule(const struct vcmp_policy *policy, u16 id);
void vcmp_steer_forget_flows(struct vcmp_dev *vdev);

/* Packet path: bottom halves off, RCU read section. */
void vcmp_steer_classify(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			 struct sk_buff *skb, struct vcmp_steer_pkt *sp);
unsigned int vcmp_steer_links(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			      const struct vcmp_steer_pkt *sp, unsigned int len,
			      struct vcmp_link *out[2], enum vcmp_stat *why);

#endif /* _VCMP_STEER_H */
