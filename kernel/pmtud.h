/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path MTU discovery of links: probes, their answers, validated ICMP and
 * the timer that drives pmtu_search.c.
 */
#ifndef _VCMP_PMTUD_H
#define _VCMP_PMTUD_H

#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "pmtu_search.h"

struct sk_buff;
struct sock;
struct vcmp_dev;
struct vcmp_hdr;
struct vcmp_link;

#define VCMP_PMTUD_TAG_LEN	8	/* UDP payload bytes an ICMP must quote */
#define VCMP_PMTUD_HASH_BITS	8
#define VCMP_PMTUD_PAYLOAD_LEN	8	/* probe id, size, reserved */
#define VCMP_PMTUD_RAISE_S	600	/* look for a larger MTU this often */
#define VCMP_PMTUD_FLOOR_RETRY_S 10	/* ... or this often at the floor */
#define VCMP_PMTUD_RETRY_S	1	/* a probe could not be sent */

/*
 * struct vcmp_pmtud - discovery state of one link
 * @lock: protects everything below; softirq (timer, receive, ICMP) and
 *	process context (netlink), always with bottom halves disabled
 * @search: the decisions (pmtu_search.c)
 * @timer: probe timeout and periodic raise; shut down before the link
 *	is freed
 * @tag_node: in vdev->pmtud_hash while a probe is outstanding (RCU
 *	readers: the ICMP handler; writers under vdev->pmtud_lock)
 * @tag: the first VCMP_PMTUD_TAG_LEN bytes of the outstanding probe's
 *	UDP payload (ESP SPI and sequence number, or the plain VCMP header)
 * @tag_len: the outstanding probe's IP datagram length, 0 when none
 * @probe_id: id of the last probe sent
 * @probe_size: the size it tests
 * @sent: when it was sent
 * @srtt_us: smoothed round trip of answered probes, 0 before the first
 * @reach_id: id of the last reachability probe: until the peer answered
 *	anything, a small probe (576 or 1280 bytes) goes with each probe,
 *	and unanswered probes do not count (the peer may not be set up yet)
 * @reach_sent: when it was sent, 0 once answered
 * @backoff: doublings of the probe timeout while nothing answers
 * @dead: set when the link goes; nothing is sent or armed after it
 */
struct vcmp_pmtud {
	spinlock_t lock;	/* see above */
	struct vcmp_pmtus search;
	struct timer_list timer;
	struct hlist_node tag_node;
	u8 tag[VCMP_PMTUD_TAG_LEN];
	u16 tag_len;
	u32 probe_id;
	u16 probe_size;
	ktime_t sent;
	u32 srtt_us;
	u32 reach_id;
	ktime_t reach_sent;
	u8 backoff;
	bool dead;
};

void vcmp_pmtud_init(struct vcmp_link *link);
void vcmp_pmtud_start(struct vcmp_link *link);
void vcmp_pmtud_stop(struct vcmp_link *link);
void vcmp_pmtud_restart(struct vcmp_link *link);
u8 vcmp_pmtud_phase(struct vcmp_link *link);
bool vcmp_pmtud_rx(struct vcmp_link *link, const struct vcmp_hdr *h,
		   struct sk_buff *skb);
int vcmp_pmtud_icmp_lookup(struct sock *sk, struct sk_buff *skb);
void vcmp_pmtud_work(struct work_struct *work);

#endif /* _VCMP_PMTUD_H */
