/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink family "vcmp": configuration of peers, links, allowed
 * inner prefixes and security associations (uapi/linux/vcmp.h,
 * Documentation/netlink.rst).
 */
#ifndef _VCMP_NETLINK_H
#define _VCMP_NETLINK_H

int vcmp_genl_init(void);
void vcmp_genl_exit(void);

#endif /* _VCMP_NETLINK_H */
