/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink family "vcmp": configuration of peers, links, allowed
 * inner prefixes and security associations (uapi/linux/vcmp.h,
 * Documentation/netlink.rst).
 */
#ifndef _VCMP_NETLINK_H
#define _VCMP_NETLINK_H

struct vcmp_dev;
struct vcmp_link;
struct vcmp_peer;

int vcmp_genl_init(void);
void vcmp_genl_exit(void);
void vcmp_nl_link_changed(struct vcmp_dev *vdev, struct vcmp_peer *peer,
			  struct vcmp_link *link);

#endif /* _VCMP_NETLINK_H */
