/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vcmp - VeloCloud MultiPath (VCMP) compatible SD-WAN tunnel.
 *
 * Userspace API: rtnetlink link attributes for "ip link add ... type vcmp".
 */
#ifndef _UAPI_LINUX_VCMP_H
#define _UAPI_LINUX_VCMP_H

/* IANA-registered UDP port of the VeloCloud MultiPath Protocol. */
#define VCMP_DEFAULT_PORT	2426

/*
 * Link attributes, nested in IFLA_INFO_DATA of IFLA_LINKINFO with
 * IFLA_INFO_KIND "vcmp".
 *
 * @IFLA_VCMP_PORT: u16, host byte order. UDP port the device's encapsulation
 *	sockets (IPv4 and IPv6) bind to while the device is up, and the
 *	source/destination port of every packet it sends. 1..65535, default
 *	VCMP_DEFAULT_PORT. Only one vcmp device per network namespace may use
 *	a given port.
 */
enum {
	IFLA_VCMP_UNSPEC,
	IFLA_VCMP_PORT,
	__IFLA_VCMP_MAX
};

#define IFLA_VCMP_MAX (__IFLA_VCMP_MAX - 1)

#endif /* _UAPI_LINUX_VCMP_H */
