/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inner packets larger than the path: RFC 791 fragmentation before
 * encapsulation, fragmentation inside VCMP and its reassembly.
 */
#ifndef _VCMP_FRAG_H
#define _VCMP_FRAG_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "flowtab.h"
#include "wire.h"

struct vcmp_dev;
struct vcmp_peer;

#define VCMP_REASM_HASH_BITS	8
#define VCMP_FLOWTAB_SLOTS	1024	/* flows remembered for DF handling */
#define VCMP_FLOWTAB_SLOTS_MAX	(1024 * 1024)	/* ... settable up to this */
#define VCMP_FLOW_TTL_S		600	/* ... for 10 minutes after the last */

/*
 * struct vcmp_reasm - reassembly state of a device
 * @lock: protects everything below; taken in softirq (receive, timer)
 *	and process context (flush), always with bottom halves disabled
 * @hash: queues by (peer id, fragment id)
 * @lru: queues, oldest first (creation order, so expiry order too)
 * @mem: bytes held: queue structures and fragment truesize
 * @timer: expires the oldest queue
 * @dead: set at teardown; nothing is queued after it
 */
struct vcmp_reasm {
	spinlock_t lock;	/* see above */
	DECLARE_HASHTABLE(hash, VCMP_REASM_HASH_BITS);
	struct list_head lru;
	unsigned int mem;
	struct timer_list timer;
	bool dead;
};

/*
 * struct vcmp_dfflows - flows whose first oversize DF packet got ICMP
 * @lock: protects @tab; packet path (bottom halves disabled)
 * @tab: the table
 * @slots: its storage, dfflows_max slots (module parameter, read when the
 *	device is created); freed with the device
 */
struct vcmp_dfflows {
	spinlock_t lock;	/* see above */
	struct vcmp_flowtab tab;
	struct vcmp_flow_slot *slots;
};

void vcmp_reasm_init(struct vcmp_dev *vdev);
void vcmp_reasm_destroy(struct vcmp_dev *vdev);
unsigned int vcmp_reasm_mem(struct vcmp_dev *vdev);
struct sk_buff *vcmp_reasm(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			   struct sk_buff *skb, const struct vcmp_data_hdr *d,
			   u8 *proto);

int vcmp_dfflows_init(struct vcmp_dfflows *f);
void vcmp_dfflows_destroy(struct vcmp_dfflows *f);
bool vcmp_df_flow_seen(struct vcmp_dev *vdev, struct sk_buff *skb);

int vcmp_frag_ip(struct sk_buff *skb, unsigned int mtu,
		 struct sk_buff **list);
int vcmp_frag_split(struct vcmp_peer *peer, struct sk_buff *skb,
		    unsigned int mtu, struct sk_buff **list);

#endif /* _VCMP_FRAG_H */
