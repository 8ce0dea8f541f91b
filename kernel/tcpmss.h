/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP MSS clamping on a TCP header in a byte buffer: pure logic, also
 * compiled in userspace for unit tests and fuzzing (see pure.h).
 *
 * A tunnel lowers the maximum segment size that SYN and SYN-ACK segments
 * announce, so that the far end never sends segments larger than the
 * tunnel's effective packet MTU allows. The TCP checksum is updated
 * incrementally (RFC 1624): the pseudo-header does not change, so the
 * same code serves IPv4 and IPv6.
 */
#ifndef _VCMP_TCPMSS_H
#define _VCMP_TCPMSS_H

#include "pure.h"

#define VCMP_TCP_HDR_LEN	20
#define VCMP_TCP_FLAG_SYN	0x02

/* Smallest MSS ever announced by clamping (RFC 879 / RFC 8200 floors). */
#define VCMP_MSS_MIN_V4		536
#define VCMP_MSS_MIN_V6		1220

/**
 * enum vcmp_mss_result - what vcmp_mss_clamp() did
 * @VCMP_MSS_UNTOUCHED: not a SYN, no MSS option, or already small enough
 * @VCMP_MSS_CLAMPED: the MSS option was lowered, the checksum updated
 * @VCMP_MSS_MALFORMED: header or options are inconsistent; left alone
 */
enum vcmp_mss_result {
	VCMP_MSS_UNTOUCHED,
	VCMP_MSS_CLAMPED,
	VCMP_MSS_MALFORMED,
};

/**
 * vcmp_tcp_hdr_len() - length of a TCP header with options
 * @tcp: at least VCMP_TCP_HDR_LEN bytes
 *
 * Return: the data offset in bytes (20..60).
 */
static inline unsigned int vcmp_tcp_hdr_len(const u8 *tcp)
{
	return (tcp[12] >> 4) * 4u;
}

enum vcmp_mss_result vcmp_mss_clamp(u8 *tcp, unsigned int len, u16 max_mss,
				    u16 *old_mss);

u16 vcmp_csum_replace16(u16 check, unsigned int offset, u16 old, u16 new);

#endif /* _VCMP_TCPMSS_H */
