// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device counters and their ethtool export.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/string.h>

#include "device.h"
#include "frag.h"
#include "stats.h"

/* Indexed by enum vcmp_stat; these are the names "ethtool -S" prints. */
static const char vcmp_stat_names[VCMP_STAT_COUNT][ETH_GSTRING_LEN] = {
	[VCMP_STAT_RX_NAT_KEEPALIVE]	= "rx_nat_keepalive",
	[VCMP_STAT_RX_DROP_SHORT]		= "rx_drop_short",
	[VCMP_STAT_RX_DROP_NON_ESP]	= "rx_drop_non_esp",
	[VCMP_STAT_RX_DROP_UNKNOWN_SPI]	= "rx_drop_unknown_spi",
	[VCMP_STAT_RX_DROP_UNKNOWN_PEER]	= "rx_drop_unknown_peer",
	[VCMP_STAT_RX_DROP_REPLAY]	= "rx_drop_replay",
	[VCMP_STAT_RX_DROP_BAD_ICV]	= "rx_drop_bad_icv",
	[VCMP_STAT_RX_DROP_BAD_ESP]	= "rx_drop_bad_esp",
	[VCMP_STAT_RX_DROP_BAD_HEADER]	= "rx_drop_bad_header",
	[VCMP_STAT_RX_DROP_UNKNOWN_LINK]	= "rx_drop_unknown_link",
	[VCMP_STAT_RX_DROP_UNSUPPORTED]	= "rx_drop_unsupported",
	[VCMP_STAT_RX_DROP_BAD_INNER]	= "rx_drop_bad_inner",
	[VCMP_STAT_RX_DROP_INNER_SRC]	= "rx_drop_inner_src",
	[VCMP_STAT_RX_DROP_NOMEM]		= "rx_drop_nomem",
	[VCMP_STAT_TX_DROP_NO_PEER]	= "tx_drop_no_peer",
	[VCMP_STAT_TX_DROP_BAD_PROTO]	= "tx_drop_bad_proto",
	[VCMP_STAT_TX_DROP_DOWN]		= "tx_drop_down",
	[VCMP_STAT_TX_DROP_NO_LINK]	= "tx_drop_no_link",
	[VCMP_STAT_TX_DROP_NO_SA]		= "tx_drop_no_sa",
	[VCMP_STAT_TX_DROP_SEQ_EXHAUSTED]	= "tx_drop_seq_exhausted",
	[VCMP_STAT_TX_DROP_NO_ROUTE]	= "tx_drop_no_route",
	[VCMP_STAT_TX_DROP_ROUTE_LOOP]	= "tx_drop_route_loop",
	[VCMP_STAT_TX_DROP_CRYPTO]	= "tx_drop_crypto",
	[VCMP_STAT_TX_DROP_NOMEM]		= "tx_drop_nomem",
	[VCMP_STAT_TX_DROP_TOO_BIG]	= "tx_drop_too_big",
	[VCMP_STAT_TX_MSS_CLAMPED]	= "tx_mss_clamped",
	[VCMP_STAT_RX_MSS_CLAMPED]	= "rx_mss_clamped",
	[VCMP_STAT_PMTUD_PROBE_TX]	= "pmtud_probe_tx",
	[VCMP_STAT_PMTUD_PROBE_RX]	= "pmtud_probe_rx",
	[VCMP_STAT_PMTUD_ACK_RX]	= "pmtud_ack_rx",
	[VCMP_STAT_PMTUD_TIMEOUT]	= "pmtud_timeout",
	[VCMP_STAT_RX_DROP_BAD_PROBE]	= "rx_drop_bad_probe",
	[VCMP_STAT_ICMP_PMTU_OK]	= "icmp_pmtu_ok",
	[VCMP_STAT_ICMP_DROP_UNMATCHED]	= "icmp_drop_unmatched",
	[VCMP_STAT_ICMP_DROP_BAD_MTU]	= "icmp_drop_bad_mtu",
	[VCMP_STAT_TX_FRAG_IP]		= "tx_frag_ip",
	[VCMP_STAT_TX_VCMP_FRAG]	= "tx_vcmp_frag",
	[VCMP_STAT_RX_REASM_OK]		= "rx_reasm_ok",
	[VCMP_STAT_RX_REASM_FRAGS]	= "rx_reasm_frags",
	[VCMP_STAT_RX_DROP_REASM_TIMEOUT] = "rx_drop_reasm_timeout",
	[VCMP_STAT_RX_DROP_REASM_OVERLAP] = "rx_drop_reasm_overlap",
	[VCMP_STAT_RX_DROP_REASM_DUP]	= "rx_drop_reasm_dup",
	[VCMP_STAT_RX_DROP_REASM_MEM]	= "rx_drop_reasm_mem",
	[VCMP_STAT_RX_DROP_REASM_BAD]	= "rx_drop_reasm_bad",
	[VCMP_STAT_RX_DROP_BACKLOG]	= "rx_drop_backlog",
	[VCMP_STAT_MON_PROBE_TX]	= "mon_probe_tx",
	[VCMP_STAT_MON_PROBE_RX]	= "mon_probe_rx",
	[VCMP_STAT_MON_PROBE_ACK_TX]	= "mon_probe_ack_tx",
	[VCMP_STAT_MON_PROBE_ACK_RX]	= "mon_probe_ack_rx",
	[VCMP_STAT_MON_PROBE_ACK_UNMATCHED] = "mon_probe_ack_unmatched",
	[VCMP_STAT_MON_FEEDBACK_TX]	= "mon_feedback_tx",
	[VCMP_STAT_MON_FEEDBACK_RX]	= "mon_feedback_rx",
	[VCMP_STAT_MON_STATE_CHANGE]	= "mon_state_change",
	[VCMP_STAT_RX_DROP_BAD_LINK_PROBE] = "rx_drop_bad_link_probe",
	[VCMP_STAT_RX_DROP_BAD_FEEDBACK] = "rx_drop_bad_feedback",
	[VCMP_STAT_RX_RESEQ_QUEUED]	= "rx_reseq_queued",
	[VCMP_STAT_RX_RESEQ_LATE]	= "rx_reseq_late",
	[VCMP_STAT_RX_RESEQ_TIMEOUT]	= "rx_reseq_timeout",
	[VCMP_STAT_RX_RESEQ_OVERFLOW]	= "rx_reseq_overflow",
	[VCMP_STAT_RX_RESEQ_OVERFLOW_SKIPPED] = "rx_reseq_overflow_skipped",
	[VCMP_STAT_RX_RESEQ_MEM_FLUSH]	= "rx_reseq_mem_flush",
	[VCMP_STAT_RX_RESEQ_RESTART]	= "rx_reseq_restart",
	[VCMP_STAT_RX_DROP_RESEQ_DUP]	= "rx_drop_reseq_dup",
	[VCMP_STAT_RX_DROP_RESEQ_STALE]	= "rx_drop_reseq_stale",
	[VCMP_STAT_RX_DROP_RESEQ_GONE]	= "rx_drop_reseq_gone",
	[VCMP_STAT_FEC_TX_GROUPS]	= "fec_tx_groups",
	[VCMP_STAT_FEC_TX_DATA]		= "fec_tx_data",
	[VCMP_STAT_FEC_TX_PARITY]	= "fec_tx_parity",
	[VCMP_STAT_FEC_TX_EARLY]	= "fec_tx_early",
	[VCMP_STAT_FEC_TX_CLEAN]	= "fec_tx_clean",
	[VCMP_STAT_FEC_TX_UNPROTECTED]	= "fec_tx_unprotected",
	[VCMP_STAT_FEC_RX_PARITY]	= "fec_rx_parity",
	[VCMP_STAT_FEC_RX_REBUILT]	= "fec_rx_rebuilt",
	[VCMP_STAT_FEC_RX_DROP_DUP]	= "fec_rx_drop_dup",
	[VCMP_STAT_FEC_RX_DROP_BAD]	= "fec_rx_drop_bad",
	[VCMP_STAT_FEC_RX_TIMEOUT]	= "fec_rx_timeout",
	[VCMP_STAT_FEC_RX_EVICT]	= "fec_rx_evict",
	[VCMP_STAT_FEC_RX_UNRECOVERED]	= "fec_rx_unrecovered",
	[VCMP_STAT_FEC_RX_NOMEM]	= "fec_rx_nomem",
	[VCMP_STAT_TX_DROP_MANDATORY_DOWN] = "tx_drop_mandatory_down",
	[VCMP_STAT_TX_DUP]		= "tx_dup",
	[VCMP_STAT_TX_DROP_DUP_NOMEM]	= "tx_drop_dup_nomem",
	[VCMP_STAT_TX_SPRAY]		= "tx_spray",
	[VCMP_STAT_TX_BACKUP]		= "tx_backup",
	[VCMP_STAT_STEER_FLOW_NEW]	= "steer_flow_new",
	[VCMP_STAT_STEER_MOVES]		= "steer_moves",
	[VCMP_STAT_RX_RESEQ_FILL]	= "rx_reseq_fill",
	[VCMP_STAT_MON_ACK_TIMEOUT]	= "mon_ack_timeout",
	[VCMP_STAT_RX_JITTER_QUEUED]	= "rx_jitter_queued",
	[VCMP_STAT_RX_JITTER_LATE]	= "rx_jitter_late",
	[VCMP_STAT_RX_JITTER_OVERFLOW]	= "rx_jitter_overflow",
	[VCMP_STAT_RX_JITTER_RESYNC]	= "rx_jitter_resync",
	[VCMP_STAT_RX_DROP_JITTER_GONE]	= "rx_drop_jitter_gone",
	[VCMP_STAT_TX_RESEND]		= "tx_resend",
	[VCMP_STAT_TX_RESEND_EVICT]	= "tx_resend_evict",
	[VCMP_STAT_TX_RESEND_NOMEM]	= "tx_resend_nomem",
};

static const char vcmp_gauge_names[VCMP_GAUGE_COUNT][ETH_GSTRING_LEN] = {
	[VCMP_GAUGE_REASM_MEM]		= "reasm_mem",
	[VCMP_GAUGE_RESEQ_MEM]		= "reseq_mem",
};

struct vcmp_pcpu_stats __percpu *vcmp_stats_alloc(void)
{
	struct vcmp_pcpu_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu(struct vcmp_pcpu_stats);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

void vcmp_stats_free(struct vcmp_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

void vcmp_stats_inc(struct vcmp_pcpu_stats __percpu *stats,
		    enum vcmp_stat which)
{
	struct vcmp_pcpu_stats *s = get_cpu_ptr(stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(&s->count[which]);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(stats);
}

void vcmp_stats_add(struct vcmp_pcpu_stats __percpu *stats,
		    enum vcmp_stat which, u64 n)
{
	struct vcmp_pcpu_stats *s;
	unsigned long flags;

	if (!n)
		return;
	s = get_cpu_ptr(stats);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->count[which], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(stats);
}

u64 vcmp_stats_read(struct vcmp_pcpu_stats __percpu *stats,
		    enum vcmp_stat which)
{
	unsigned int start;
	u64 sum = 0, v;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct vcmp_pcpu_stats *s = per_cpu_ptr(stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->count[which]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum += v;
	}
	return sum;
}

/* Bytes all peers of @vdev hold for resequencing. */
static u64 vcmp_reseq_mem(struct vcmp_dev *vdev)
{
	struct vcmp_peer *peer;
	unsigned int bkt;
	u64 sum = 0;

	rcu_read_lock();
	hash_for_each_rcu(vdev->peer_hash, bkt, peer, hnode)
		sum += READ_ONCE(peer->reseq.mem);
	rcu_read_unlock();
	return sum;
}

static int vcmp_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? VCMP_STAT_COUNT + VCMP_GAUGE_COUNT :
				      -EOPNOTSUPP;
}

static void vcmp_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, vcmp_stat_names, sizeof(vcmp_stat_names));
	memcpy(data + sizeof(vcmp_stat_names), vcmp_gauge_names,
	       sizeof(vcmp_gauge_names));
}

static void vcmp_get_ethtool_stats(struct net_device *dev,
				   struct ethtool_stats *estats, u64 *data)
{
	struct vcmp_dev *vdev = netdev_priv(dev);
	int i;

	for (i = 0; i < VCMP_STAT_COUNT; i++)
		data[i] = vcmp_stats_read(vdev->stats, i);
	data[VCMP_STAT_COUNT + VCMP_GAUGE_REASM_MEM] = vcmp_reasm_mem(vdev);
	data[VCMP_STAT_COUNT + VCMP_GAUGE_RESEQ_MEM] = vcmp_reseq_mem(vdev);
}

static void vcmp_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, VCMP_VERSION, sizeof(info->version));
}

const struct ethtool_ops vcmp_ethtool_ops = {
	.get_drvinfo		= vcmp_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= vcmp_get_sset_count,
	.get_strings		= vcmp_get_strings,
	.get_ethtool_stats	= vcmp_get_ethtool_stats,
};
