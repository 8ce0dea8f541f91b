/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vcmp - VeloCloud MultiPath (VCMP) compatible SD-WAN tunnel.
 *
 * Userspace API: rtnetlink link attributes for "ip link add ... type vcmp",
 * and the generic netlink family "vcmp" that configures peers, links,
 * allowed inner prefixes and security associations. The generic netlink
 * part follows Documentation/netlink/specs/vcmp.yaml, which is the
 * reference; Documentation/netlink.rst explains every attribute.
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

/*
 * Generic netlink family "vcmp".
 *
 * Every request names a vcmp device of the caller's network namespace with
 * VCMP_A_IFINDEX or VCMP_A_IFNAME and needs CAP_NET_ADMIN in the user
 * namespace owning that network namespace. Changes are announced on the
 * multicast group VCMP_GENL_MCGRP_EVENTS.
 */
#define VCMP_GENL_NAME		"vcmp"
#define VCMP_GENL_VERSION	1

/* Smallest SPI vcmp accepts; smaller ones are reserved. */
#define VCMP_SA_SPI_MIN		0x01000000
/* Upper bound of the key length of any suite. */
#define VCMP_KEY_MAX_LEN	64

/**
 * enum vcmp_nl_suite - Encapsulation of a peer.
 * @VCMP_NL_SUITE_PLAIN: Unencrypted "Internet Multipath" mode, no ESP, no SAs.
 * @VCMP_NL_SUITE_AES_GCM_128: ESP with rfc4106(gcm(aes)), 16-byte key + 4-byte
 *   salt.
 * @VCMP_NL_SUITE_AES_GCM_256: ESP with rfc4106(gcm(aes)), 32-byte key + 4-byte
 *   salt.
 * @VCMP_NL_SUITE_CHACHA20_POLY1305: ESP with rfc7539esp(chacha20,poly1305),
 *   32-byte key + 4-byte salt.
 * @VCMP_NL_SUITE_AES_CBC_HMAC_SHA1: ESP with authenc(hmac(sha1),cbc(aes)),
 *   16-byte AES key followed by a 20-byte HMAC-SHA1 key; 96-bit ICV.
 */
enum vcmp_nl_suite {
	VCMP_NL_SUITE_PLAIN,
	VCMP_NL_SUITE_AES_GCM_128,
	VCMP_NL_SUITE_AES_GCM_256,
	VCMP_NL_SUITE_CHACHA20_POLY1305,
	VCMP_NL_SUITE_AES_CBC_HMAC_SHA1,
};

/**
 * enum vcmp_nl_dir - Direction of a security association.
 * @VCMP_NL_DIR_IN: Inbound; found by SPI, which is unique per device.
 * @VCMP_NL_DIR_OUT: Outbound; the newest outbound SA of a peer is used.
 */
enum vcmp_nl_dir {
	VCMP_NL_DIR_IN,
	VCMP_NL_DIR_OUT,
};

/* Top-level attributes of every message. */
enum {
	VCMP_A_IFINDEX = 1,	/* u32, 1..INT_MAX */
	VCMP_A_IFNAME,		/* string, at most 15 characters */
	VCMP_A_PORT,		/* u16, replies only */
	VCMP_A_PEER_COUNT,	/* u32, replies only */
	VCMP_A_VERSION,		/* string, replies only */
	VCMP_A_PEER,		/* nest, VCMP_A_PEER_* */
	VCMP_A_LINK,		/* nest, VCMP_A_LINK_* */
	VCMP_A_SA,		/* nest, VCMP_A_SA_* */
	VCMP_A_CLASS,		/* nest, VCMP_A_CLASS_* */
	VCMP_A_RULE,		/* nest, VCMP_A_RULE_* */

	__VCMP_A_MAX,
	VCMP_A_MAX = (__VCMP_A_MAX - 1)
};

/* A peer, the far end of the tunnel. */
enum {
	VCMP_A_PEER_ID = 1,		/* u32, non-zero */
	VCMP_A_PEER_SEGMENT,		/* u16 */
	VCMP_A_PEER_SUITE,		/* u32, enum vcmp_nl_suite */
	VCMP_A_PEER_ALLOWED_IPS,	/* array of nests, VCMP_A_ALLOWED_IP_* */
	VCMP_A_PEER_REPLACE_ALLOWED_IPS, /* flag, peer-set only */
	VCMP_A_PEER_LINKS,		/* array of nests, VCMP_A_LINK_* */
	VCMP_A_PEER_SAS,		/* array of nests, VCMP_A_SA_*, replies */
	VCMP_A_PEER_MTU,		/* u32, replies: effective packet MTU */
	VCMP_A_PEER_EDGE_MTU,		/* u32, replies: min underlay MTU */
	VCMP_A_PEER_RESEQ,		/* nest, VCMP_A_RESEQ_*, replies */

	__VCMP_A_PEER_MAX,
	VCMP_A_PEER_MAX = (__VCMP_A_PEER_MAX - 1)
};

/*
 * Receive resequencing of a peer (VCMP_A_PEER_RESEQ), replies only. The
 * counters (u64) count since the peer was added; all zero while the peer
 * never had two links (it does not buffer then).
 */
enum {
	VCMP_A_RESEQ_PAD = 1,		/* padding of the u64 attributes */
	VCMP_A_RESEQ_IN_ORDER,		/* u64, delivered in order on arrival */
	VCMP_A_RESEQ_QUEUED,		/* u64, waited for a missing packet */
	VCMP_A_RESEQ_RELEASED,		/* u64, of those, delivered since */
	VCMP_A_RESEQ_LATE,		/* u64, arrived after their turn */
	VCMP_A_RESEQ_DUPS,		/* u64, duplicate copies dropped */
	VCMP_A_RESEQ_STALE,		/* u64, too old to tell, dropped */
	VCMP_A_RESEQ_TIMEOUTS,		/* u64, missing packets given up on */
	VCMP_A_RESEQ_OVERFLOWS,		/* u64, packets beyond the window */
	VCMP_A_RESEQ_OVERFLOW_SKIPPED,	/* u64, missing ones skipped for them */
	VCMP_A_RESEQ_MEM_FLUSHES,	/* u64, buffer emptied at the mem cap */
	VCMP_A_RESEQ_RESTARTS,		/* u64, sender numbering started over */
	VCMP_A_RESEQ_WAITING,		/* u32, packets waiting now */
	VCMP_A_RESEQ_MEM,		/* u32, bytes (truesize) waiting now */
	VCMP_A_RESEQ_HOLD_US,		/* u32, hold time in use */
	VCMP_A_RESEQ_SLOTS,		/* u32, window size, 0: no buffer */

	__VCMP_A_RESEQ_MAX,
	VCMP_A_RESEQ_MAX = (__VCMP_A_RESEQ_MAX - 1)
};

/* Path MTU discovery state of a link (VCMP_A_LINK_PMTUD). */
enum vcmp_nl_pmtud {
	VCMP_NL_PMTUD_OFF,		/* MTU set by hand, no discovery */
	VCMP_NL_PMTUD_PROBING,		/* RFC 1191: probing a size */
	VCMP_NL_PMTUD_SEARCHING,	/* RFC 4821: blind binary search */
	VCMP_NL_PMTUD_DONE,		/* the path MTU is confirmed */
	VCMP_NL_PMTUD_FLOOR,		/* nothing answered: at the floor */
};

/* State of a link as its monitor sees it (VCMP_A_LINK_STATE). */
enum vcmp_nl_link_state {
	VCMP_NL_LINK_INIT,		/* nothing heard from the peer yet */
	VCMP_NL_LINK_UP,		/* probes and data acknowledged */
	VCMP_NL_LINK_DEGRADED,		/* up, but QoE critical */
	VCMP_NL_LINK_DOWN,		/* probes or data unacknowledged */
};

/* One underlay path to a peer. */
enum {
	VCMP_A_LINK_PEER_ID = 1,	/* u32, non-zero */
	VCMP_A_LINK_ID,			/* u8 */
	VCMP_A_LINK_FAMILY,		/* u16, AF_INET or AF_INET6 */
	VCMP_A_LINK_LOCAL,		/* binary, 4 or 16 bytes */
	VCMP_A_LINK_IFINDEX,		/* u32, 0 for any */
	VCMP_A_LINK_REMOTE,		/* binary, 4 or 16 bytes */
	VCMP_A_LINK_REMOTE_PORT,	/* u16, 0 for the device's port */
	VCMP_A_LINK_MTU,		/* u32, underlay MTU set by hand */
	VCMP_A_LINK_PACKET_MTU,		/* u32, replies: largest inner packet */
	VCMP_A_LINK_PATH_MTU,		/* u32, replies: underlay MTU in use */
	VCMP_A_LINK_PMTUD,		/* u8, replies: enum vcmp_nl_pmtud */
	VCMP_A_LINK_BANDWIDTH,		/* u32, kbit/s to the peer, 0: unknown */
	VCMP_A_LINK_STATE,		/* u8, replies: enum vcmp_nl_link_state */
	VCMP_A_LINK_STATS,		/* nest, replies: VCMP_A_LINK_STATS_* */

	__VCMP_A_LINK_MAX,
	VCMP_A_LINK_MAX = (__VCMP_A_LINK_MAX - 1)
};

/*
 * Measurements of a link (VCMP_A_LINK_STATS), replies only. "rx" is the
 * direction peer -> us (measured here), "tx" us -> peer (the peer's
 * FEEDBACK reports). Times in microseconds, loss in parts per million,
 * rates in bit/s, QoE scores 0 (critical) to 10 (good).
 */
enum {
	VCMP_A_LINK_STATS_PAD = 1,		/* padding of u64 attributes */
	VCMP_A_LINK_STATS_RTT_US,		/* u32, last RTT sample */
	VCMP_A_LINK_STATS_SRTT_US,		/* u32, smoothed RTT (RFC 6298) */
	VCMP_A_LINK_STATS_RTTVAR_US,		/* u32, RTT variation */
	VCMP_A_LINK_STATS_MIN_RTT_US,		/* u32, minimum over 10 s */
	VCMP_A_LINK_STATS_JITTER_RX_US,		/* u32, RFC 3550 jitter */
	VCMP_A_LINK_STATS_JITTER_TX_US,		/* u32 */
	VCMP_A_LINK_STATS_LOSS_RX_PPM,		/* u32 */
	VCMP_A_LINK_STATS_LOSS_TX_PPM,		/* u32 */
	VCMP_A_LINK_STATS_RATE_RX_BPS,		/* u64, delivery rate */
	VCMP_A_LINK_STATS_RATE_TX_BPS,		/* u64 */
	VCMP_A_LINK_STATS_CAPACITY_RX_BPS,	/* u64, capacity estimate */
	VCMP_A_LINK_STATS_CAPACITY_TX_BPS,	/* u64 */
	VCMP_A_LINK_STATS_QOE_VOICE,		/* u8, 0-10 */
	VCMP_A_LINK_STATS_QOE_VIDEO,		/* u8, 0-10 */
	VCMP_A_LINK_STATS_QOE_TRANSACTIONAL,	/* u8, 0-10 */
	VCMP_A_LINK_STATS_RX_PACKETS,		/* u64, packets measured */
	VCMP_A_LINK_STATS_RX_DUPS,		/* u64, duplicate link seqs */
	VCMP_A_LINK_STATS_RX_REORDERED,		/* u64, out of order */
	VCMP_A_LINK_STATS_PROBES_SENT,		/* u64 */
	VCMP_A_LINK_STATS_PROBES_ACKED,		/* u64 */
	VCMP_A_LINK_STATS_SLOTS_MISSED,		/* u64, unacknowledged slots */

	__VCMP_A_LINK_STATS_MAX,
	VCMP_A_LINK_STATS_MAX = (__VCMP_A_LINK_STATS_MAX - 1)
};

/* A security association (one key, one direction, one peer). */
enum {
	VCMP_A_SA_PEER_ID = 1,	/* u32, non-zero */
	VCMP_A_SA_SPI,		/* u32, at least VCMP_SA_SPI_MIN */
	VCMP_A_SA_DIR,		/* u8, enum vcmp_nl_dir */
	VCMP_A_SA_KEY,		/* binary, sa-new only, never sent back */

	__VCMP_A_SA_MAX,
	VCMP_A_SA_MAX = (__VCMP_A_SA_MAX - 1)
};

/* An inner prefix. */
enum {
	VCMP_A_ALLOWED_IP_FAMILY = 1,	/* u16, AF_INET or AF_INET6 */
	VCMP_A_ALLOWED_IP_ADDR,		/* binary, 4 or 16 bytes */
	VCMP_A_ALLOWED_IP_CIDR,		/* u8, at most 32 or 128 */

	__VCMP_A_ALLOWED_IP_MAX,
	VCMP_A_ALLOWED_IP_MAX = (__VCMP_A_ALLOWED_IP_MAX - 1)
};

/**
 * enum vcmp_nl_class_mode - How a traffic class uses a peer's links.
 * @VCMP_NL_CLASS_MODE_FLOW: each flow on one link meeting the class SLA,
 *   moved when that link goes down or falls below the SLA.
 * @VCMP_NL_CLASS_MODE_SPRAY: per packet, by capacity and delay.
 * @VCMP_NL_CLASS_MODE_DUP: every packet on the two best links.
 * @VCMP_NL_CLASS_MODE_FEC: forward error correction: steered per flow,
 *   with parity packets sized by the link's measured loss.
 */
enum vcmp_nl_class_mode {
	VCMP_NL_CLASS_MODE_FLOW,
	VCMP_NL_CLASS_MODE_SPRAY,
	VCMP_NL_CLASS_MODE_DUP,
	VCMP_NL_CLASS_MODE_FEC,
};

/* QoE class whose thresholds are a traffic class's SLA. */
enum vcmp_nl_qoe {
	VCMP_NL_QOE_VOICE,
	VCMP_NL_QOE_VIDEO,
	VCMP_NL_QOE_TRANSACTIONAL,
	VCMP_NL_QOE_BULK,		/* no SLA beyond "not degraded" */
};

/**
 * enum vcmp_nl_role - Role of a link in a traffic class (DMPO policy).
 * @VCMP_NL_ROLE_AVAILABLE: used when it meets the SLA (the default).
 * @VCMP_NL_ROLE_PREFERRED: used first while it meets the SLA.
 * @VCMP_NL_ROLE_MANDATORY: the class uses only its mandatory links and
 *   drops its packets (counted) when none is up.
 * @VCMP_NL_ROLE_BACKUP: used only when no other link is up.
 */
enum vcmp_nl_role {
	VCMP_NL_ROLE_AVAILABLE,
	VCMP_NL_ROLE_PREFERRED,
	VCMP_NL_ROLE_MANDATORY,
	VCMP_NL_ROLE_BACKUP,
};

/* Smallest and largest class id; class 0 is the default class. */
#define VCMP_CLASS_ID_MAX	15
#define VCMP_RULES_MAX_COUNT	64
/* Longest receive jitter buffer delay of a class (VCMP_A_CLASS_JITTER_MS). */
#define VCMP_JITTER_MS_MAX	200

/* A traffic class. */
enum {
	VCMP_A_CLASS_ID = 1,		/* u8, 0..VCMP_CLASS_ID_MAX */
	VCMP_A_CLASS_NAME,		/* string, at most 15 characters */
	VCMP_A_CLASS_MODE,		/* u8, enum vcmp_nl_class_mode */
	VCMP_A_CLASS_QOE,		/* u8, enum vcmp_nl_qoe */
	VCMP_A_CLASS_LINKS,		/* array of nests, VCMP_A_CLASS_LINK_* */
	VCMP_A_CLASS_TX_PACKETS,	/* u64, replies: packets steered */
	VCMP_A_CLASS_PAD,		/* padding of u64 attributes */
	VCMP_A_CLASS_JITTER_MS,		/* u16, receive jitter buffer delay,
					 * ms, 0 = off, at most
					 * VCMP_JITTER_MS_MAX
					 */

	__VCMP_A_CLASS_MAX,
	VCMP_A_CLASS_MAX = (__VCMP_A_CLASS_MAX - 1)
};

/* The role of the links with one id (of every peer) in a class. */
enum {
	VCMP_A_CLASS_LINK_ID = 1,	/* u8 */
	VCMP_A_CLASS_LINK_ROLE,		/* u8, enum vcmp_nl_role */

	__VCMP_A_CLASS_LINK_MAX,
	VCMP_A_CLASS_LINK_MAX = (__VCMP_A_CLASS_LINK_MAX - 1)
};

/* A classification rule; rules are tried by ascending id. */
enum {
	VCMP_A_RULE_ID = 1,		/* u16, non-zero */
	VCMP_A_RULE_CLASS,		/* u8, class id */
	VCMP_A_RULE_FAMILY,		/* u16, AF_INET or AF_INET6; absent: both */
	VCMP_A_RULE_DSCP,		/* u8, 0..63 */
	VCMP_A_RULE_PROTO,		/* u8, IP protocol / next header */
	VCMP_A_RULE_SRC,		/* binary, 4 or 16 bytes */
	VCMP_A_RULE_SRC_CIDR,		/* u8, with VCMP_A_RULE_SRC */
	VCMP_A_RULE_DST,		/* binary, 4 or 16 bytes */
	VCMP_A_RULE_DST_CIDR,		/* u8, with VCMP_A_RULE_DST */
	VCMP_A_RULE_SPORT_MIN,		/* u16 */
	VCMP_A_RULE_SPORT_MAX,		/* u16, absent: SPORT_MIN */
	VCMP_A_RULE_DPORT_MIN,		/* u16 */
	VCMP_A_RULE_DPORT_MAX,		/* u16, absent: DPORT_MIN */

	__VCMP_A_RULE_MAX,
	VCMP_A_RULE_MAX = (__VCMP_A_RULE_MAX - 1)
};

enum vcmp_cmd {
	VCMP_CMD_DEV_GET = 1,
	VCMP_CMD_PEER_NEW,
	VCMP_CMD_PEER_SET,
	VCMP_CMD_PEER_DEL,
	VCMP_CMD_PEER_GET,
	VCMP_CMD_LINK_NEW,
	VCMP_CMD_LINK_DEL,
	VCMP_CMD_SA_NEW,
	VCMP_CMD_SA_DEL,
	VCMP_CMD_PEER_NEW_NTF,
	VCMP_CMD_PEER_SET_NTF,
	VCMP_CMD_PEER_DEL_NTF,
	VCMP_CMD_LINK_NEW_NTF,
	VCMP_CMD_LINK_DEL_NTF,
	VCMP_CMD_SA_NEW_NTF,
	VCMP_CMD_SA_DEL_NTF,
	VCMP_CMD_LINK_CHANGE_NTF,	/* path MTU or state of a link changed */
	VCMP_CMD_CLASS_SET,
	VCMP_CMD_CLASS_DEL,
	VCMP_CMD_CLASS_GET,
	VCMP_CMD_RULE_NEW,
	VCMP_CMD_RULE_DEL,
	VCMP_CMD_RULE_GET,
	VCMP_CMD_CLASS_SET_NTF,
	VCMP_CMD_CLASS_DEL_NTF,
	VCMP_CMD_RULE_NEW_NTF,
	VCMP_CMD_RULE_DEL_NTF,

	__VCMP_CMD_MAX,
	VCMP_CMD_MAX = (__VCMP_CMD_MAX - 1)
};

#define VCMP_GENL_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_VCMP_H */
