// SPDX-License-Identifier: GPL-2.0
/*
 * TCP MSS clamping on a TCP header in a byte buffer (see tcpmss.h).
 */
#include "tcpmss.h"

#define TCPOPT_EOL_	0
#define TCPOPT_NOP_	1
#define TCPOPT_MSS_	2
#define TCPOLEN_MSS_	4

/* Ones' complement sum folded to 16 bits. */
static u16 vcmp_csum_fold32(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/**
 * vcmp_csum_replace16() - update an Internet checksum for a changed field
 * @check: the checksum as stored (host order value of the field)
 * @offset: byte offset of the changed 16 bits from the start of the
 *	checksummed data; odd offsets straddle two checksum words
 * @old: old value of the 16 bits at @offset (host order of the bytes)
 * @new: new value
 *
 * RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'). A field at an odd offset
 * contributes its bytes to two words, as the byte-swapped value: since
 * the ones' complement sum is byte-order independent, swapping @old and
 * @new gives the same result.
 *
 * Return: the new checksum.
 */
u16 vcmp_csum_replace16(u16 check, unsigned int offset, u16 old, u16 new)
{
	u32 sum;

	if (offset & 1) {
		old = (u16)(old << 8 | old >> 8);
		new = (u16)(new << 8 | new >> 8);
	}
	sum = (u16)~check;
	sum += (u16)~old;
	sum += new;
	return (u16)~vcmp_csum_fold32(sum);
}

/**
 * vcmp_mss_clamp() - lower the MSS option of a SYN to @max_mss
 * @tcp: the TCP header, writable
 * @len: bytes available at @tcp (the header with its options, at least)
 * @max_mss: the largest MSS the tunnel can carry
 * @old_mss: set to the announced MSS when there is one (may be NULL)
 *
 * Only segments with SYN set are looked at (SYN and SYN-ACK); the MSS is
 * never raised. The TCP checksum must be complete (not a partial
 * offload seed): the caller finishes offloaded checksums first.
 *
 * Return: see enum vcmp_mss_result.
 */
enum vcmp_mss_result vcmp_mss_clamp(u8 *tcp, unsigned int len, u16 max_mss,
				    u16 *old_mss)
{
	unsigned int hlen, i, olen;
	u16 mss, check;

	if (len < VCMP_TCP_HDR_LEN)
		return VCMP_MSS_MALFORMED;
	hlen = vcmp_tcp_hdr_len(tcp);
	if (hlen < VCMP_TCP_HDR_LEN || hlen > len)
		return VCMP_MSS_MALFORMED;
	if (!(tcp[13] & VCMP_TCP_FLAG_SYN))
		return VCMP_MSS_UNTOUCHED;

	for (i = VCMP_TCP_HDR_LEN; i < hlen; i += olen) {
		if (tcp[i] == TCPOPT_EOL_)
			break;
		if (tcp[i] == TCPOPT_NOP_) {
			olen = 1;
			continue;
		}
		if (i + 1 >= hlen)
			return VCMP_MSS_MALFORMED;
		olen = tcp[i + 1];
		if (olen < 2 || i + olen > hlen)
			return VCMP_MSS_MALFORMED;
		if (tcp[i] != TCPOPT_MSS_)
			continue;
		if (olen != TCPOLEN_MSS_)
			return VCMP_MSS_MALFORMED;
		mss = vcmp_get_be16(tcp + i + 2);
		if (old_mss)
			*old_mss = mss;
		if (mss <= max_mss)
			return VCMP_MSS_UNTOUCHED;
		vcmp_put_be16(tcp + i + 2, max_mss);
		check = vcmp_get_be16(tcp + 16);
		check = vcmp_csum_replace16(check, i + 2, mss, max_mss);
		vcmp_put_be16(tcp + 16, check);
		return VCMP_MSS_CLAMPED;
	}
	return VCMP_MSS_UNTOUCHED;
}
