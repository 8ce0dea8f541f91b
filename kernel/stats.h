/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device drop and event counters, one per reason, exported through
 * "ethtool -S". The standard rx/tx packet and byte counters live in
 * dev->tstats; these explain every packet that was not delivered.
 */
#ifndef _VCMP_STATS_H
#define _VCMP_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct net_device;

enum vcmp_stat {
	/* Receive side: UDP datagrams that arrived on the tunnel port. */
	VCMP_STAT_RX_NAT_KEEPALIVE,	/* RFC 3948 keepalive, consumed */
	VCMP_STAT_RX_DROP_SHORT,	/* shorter than the smallest VCMP packet */
	VCMP_STAT_RX_DROP_NON_ESP,	/* non-ESP marker (IKE), not ours */
	VCMP_STAT_RX_DROP_UNKNOWN_SPI,	/* no security association matches */
	VCMP_STAT_RX_DROP_UNKNOWN_PEER,	/* plain VCMP from an unknown endpoint */
	VCMP_STAT_RX_DROP_REPLAY,	/* sequence number seen or too old */
	VCMP_STAT_RX_DROP_BAD_ICV,	/* authentication failed */
	VCMP_STAT_RX_DROP_BAD_ESP,	/* malformed ESP, padding, next header */
	VCMP_STAT_RX_DROP_BAD_HEADER,	/* VCMP header or data header invalid */
	VCMP_STAT_RX_DROP_UNKNOWN_LINK,	/* link id not configured on the peer */
	VCMP_STAT_RX_DROP_UNSUPPORTED,	/* packet type this version ignores */
	VCMP_STAT_RX_DROP_BAD_INNER,	/* inner packet malformed */
	VCMP_STAT_RX_DROP_INNER_SRC,	/* inner source not allowed for peer */
	VCMP_STAT_RX_DROP_NOMEM,	/* allocation failed */
	/* Transmit side: inner packets handed to the device. */
	VCMP_STAT_TX_DROP_NO_PEER,	/* no peer for the inner destination */
	VCMP_STAT_TX_DROP_BAD_PROTO,	/* neither IPv4 nor IPv6 */
	VCMP_STAT_TX_DROP_DOWN,		/* encapsulation socket not open */
	VCMP_STAT_TX_DROP_NO_LINK,	/* the peer has no link */
	VCMP_STAT_TX_DROP_NO_SA,	/* ESP peer without an outbound SA */
	VCMP_STAT_TX_DROP_SEQ_EXHAUSTED,	/* SA used 2^64-1 numbers: rekey */
	VCMP_STAT_TX_DROP_NO_ROUTE,	/* no underlay route to the link's remote */
	VCMP_STAT_TX_DROP_ROUTE_LOOP,	/* underlay route points into vcmp */
	VCMP_STAT_TX_DROP_CRYPTO,	/* encryption failed */
	VCMP_STAT_TX_DROP_NOMEM,	/* allocation or headroom failed */
	VCMP_STAT_TX_DROP_TOO_BIG,	/* DF/IPv6 packet over the path MTU */
	VCMP_STAT_TX_MSS_CLAMPED,	/* TCP SYN sent with a lowered MSS */
	VCMP_STAT_RX_MSS_CLAMPED,	/* TCP SYN received, MSS lowered */
	/* Path MTU discovery (pmtud.c). */
	VCMP_STAT_PMTUD_PROBE_TX,	/* PMTU probes sent */
	VCMP_STAT_PMTUD_PROBE_RX,	/* PMTU probes received and answered */
	VCMP_STAT_PMTUD_ACK_RX,		/* answers to our probes */
	VCMP_STAT_PMTUD_TIMEOUT,	/* probes that got no answer in time */
	VCMP_STAT_RX_DROP_BAD_PROBE,	/* malformed PMTU probe or answer */
	VCMP_STAT_ICMP_PMTU_OK,		/* validated ICMP lowered a link MTU */
	VCMP_STAT_ICMP_DROP_UNMATCHED,	/* ICMP quoting no probe of ours */
	VCMP_STAT_ICMP_DROP_BAD_MTU,	/* ICMP MTU below minimum or too big */
	/* Fragmentation and reassembly (frag.c). */
	VCMP_STAT_TX_FRAG_IP,		/* inner IPv4 fragmented (RFC 791) */
	VCMP_STAT_TX_VCMP_FRAG,		/* inner packet split in VCMP fragments */
	VCMP_STAT_RX_REASM_OK,		/* inner packets reassembled */
	VCMP_STAT_RX_REASM_FRAGS,	/* fragments that went into them */
	VCMP_STAT_RX_DROP_REASM_TIMEOUT, /* fragments of incomplete packets */
	VCMP_STAT_RX_DROP_REASM_OVERLAP, /* fragments of inconsistent packets */
	VCMP_STAT_RX_DROP_REASM_DUP,	/* duplicate fragments */
	VCMP_STAT_RX_DROP_REASM_MEM,	/* fragments evicted by the memory cap */
	VCMP_STAT_RX_DROP_REASM_BAD,	/* malformed fragments */
	/* Delivery. */
	VCMP_STAT_RX_DROP_BACKLOG,	/* GRO cell queue full or device down */
	/* Link monitoring (monitor.c). */
	VCMP_STAT_MON_PROBE_TX,		/* link probes sent */
	VCMP_STAT_MON_PROBE_RX,		/* well-formed link probes received */
	VCMP_STAT_MON_PROBE_ACK_TX,	/* answers to the peer's probes */
	VCMP_STAT_MON_PROBE_ACK_RX,	/* well-formed answers received */
	VCMP_STAT_MON_PROBE_ACK_UNMATCHED, /* answers to no outstanding probe */
	VCMP_STAT_MON_FEEDBACK_TX,	/* feedback reports sent */
	VCMP_STAT_MON_FEEDBACK_RX,	/* well-formed feedback received */
	VCMP_STAT_MON_STATE_CHANGE,	/* link state changes */
	VCMP_STAT_RX_DROP_BAD_LINK_PROBE, /* malformed link probe or answer */
	VCMP_STAT_RX_DROP_BAD_FEEDBACK,	/* malformed feedback report */
	/* Resequencing of peers with two links or more (rx_reseq.c). */
	VCMP_STAT_RX_RESEQ_QUEUED,	/* packets that waited for a hole */
	VCMP_STAT_RX_RESEQ_LATE,	/* delivered out of order, too late */
	VCMP_STAT_RX_RESEQ_TIMEOUT,	/* holes given up on after the hold time */
	VCMP_STAT_RX_RESEQ_OVERFLOW,	/* packets beyond the window moved it */
	VCMP_STAT_RX_RESEQ_OVERFLOW_SKIPPED, /* holes given up on for that */
	VCMP_STAT_RX_RESEQ_MEM_FLUSH,	/* holes given up on at the memory cap */
	VCMP_STAT_RX_RESEQ_RESTART,	/* the sender's numbers started over */
	VCMP_STAT_RX_DROP_RESEQ_DUP,	/* duplicate copy of a packet */
	VCMP_STAT_RX_DROP_RESEQ_STALE,	/* too old to tell whether duplicate */
	VCMP_STAT_RX_DROP_RESEQ_GONE,	/* waiting when the peer was removed */
	/* Forward error correction (fec_tx.c, fec_rx.c). */
	VCMP_STAT_FEC_TX_GROUPS,	/* FEC groups opened */
	VCMP_STAT_FEC_TX_DATA,		/* data packets sent in a group */
	VCMP_STAT_FEC_TX_PARITY,	/* parity packets sent */
	VCMP_STAT_FEC_TX_EARLY,		/* groups closed by fec_tx_hold_ms */
	VCMP_STAT_FEC_TX_CLEAN,		/* FEC-mode packets without parity:
					 * link loss within the target
					 */
	VCMP_STAT_FEC_TX_UNPROTECTED,	/* FEC-mode packets too big or no memory */
	VCMP_STAT_FEC_RX_PARITY,	/* parity packets received */
	VCMP_STAT_FEC_RX_REBUILT,	/* lost data packets rebuilt, delivered */
	VCMP_STAT_FEC_RX_DROP_DUP,	/* data packets received or rebuilt before */
	VCMP_STAT_FEC_RX_DROP_BAD,	/* malformed or inconsistent parity */
	VCMP_STAT_FEC_RX_TIMEOUT,	/* groups given up after fec_rx_hold_ms */
	VCMP_STAT_FEC_RX_EVICT,		/* groups given up early: fec_rx_groups */
	VCMP_STAT_FEC_RX_UNRECOVERED,	/* data packets of those groups lost */
	VCMP_STAT_FEC_RX_NOMEM,		/* copies or rebuilds not allocated */
	/* Steering (steer.c). */
	VCMP_STAT_TX_DROP_MANDATORY_DOWN, /* class's mandatory links all down */
	VCMP_STAT_TX_DUP,		/* extra copies sent by dup classes */
	VCMP_STAT_TX_DROP_DUP_NOMEM,	/* copies not made: no memory */
	VCMP_STAT_TX_SPRAY,		/* packets sprayed per packet */
	VCMP_STAT_TX_BACKUP,		/* packets sent on a backup link */
	VCMP_STAT_STEER_FLOW_NEW,	/* flows given a link */
	VCMP_STAT_STEER_MOVES,		/* flows moved to another link */
	/* FEC and resequencing together (rx_reseq.c, fec_rx.c). */
	VCMP_STAT_RX_RESEQ_FILL,	/* numbers of FEC parity: no hole */
	/* Link monitoring, continued. */
	VCMP_STAT_MON_ACK_TIMEOUT,	/* links down: data unacknowledged */
	/* Receive jitter buffer of classes with a delay (rx_jitter.c). */
	VCMP_STAT_RX_JITTER_QUEUED,	/* packets held to their play-out time */
	VCMP_STAT_RX_JITTER_LATE,	/* arrived after their play-out time */
	VCMP_STAT_RX_JITTER_OVERFLOW,	/* released early: buffer full */
	VCMP_STAT_RX_JITTER_RESYNC,	/* clock offset estimate started over */
	VCMP_STAT_RX_DROP_JITTER_GONE,	/* waiting when the peer was removed */
	/* Resending on failover (resend.c). */
	VCMP_STAT_TX_RESEND,		/* copies sent again: their link went down */
	VCMP_STAT_TX_RESEND_EVICT,	/* unacknowledged copies freed: ring full */
	VCMP_STAT_TX_RESEND_NOMEM,	/* copies not made: no memory */
	VCMP_STAT_COUNT
};

/*
 * Per-cpu block of counters. Each cpu writes only its own block, with
 * bottom halves disabled or from softirq, inside u64_stats_update_*().
 */
struct vcmp_pcpu_stats {
	struct u64_stats_sync syncp;
	u64_stats_t count[VCMP_STAT_COUNT];
};

struct vcmp_pcpu_stats __percpu *vcmp_stats_alloc(void);
void vcmp_stats_free(struct vcmp_pcpu_stats __percpu *stats);
void vcmp_stats_inc(struct vcmp_pcpu_stats __percpu *stats,
		    enum vcmp_stat which);
void vcmp_stats_add(struct vcmp_pcpu_stats __percpu *stats,
		    enum vcmp_stat which, u64 n);
u64 vcmp_stats_read(struct vcmp_pcpu_stats __percpu *stats,
		    enum vcmp_stat which);

/* Gauges "ethtool -S" prints after the counters. */
enum vcmp_gauge {
	VCMP_GAUGE_REASM_MEM,		/* bytes held for reassembly */
	VCMP_GAUGE_RESEQ_MEM,		/* bytes held for resequencing */
	VCMP_GAUGE_COUNT
};

extern const struct ethtool_ops vcmp_ethtool_ops;

#endif /* _VCMP_STATS_H */
