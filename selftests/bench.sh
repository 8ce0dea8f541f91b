#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: performance figures, not pass/fail. In one VM run, rounds
# interleaved so that drift hits every tunnel alike:
#  - TCP goodput (iperf3) and ping RTT through vcmp (AES-GCM-128),
#    WireGuard, and kernel xfrm ESP-in-UDP transport mode (rfc4106);
#  - inner packets over the effective MTU: goodput of flood pings that
#    fit, that vcmp fragments per RFC 791 and that it splits into VCMP
#    fragments (DF);
#  - path MTU discovery: time for a new link to find a 1400-byte hop that
#    sends ICMP, and one that drops big packets silently (PLPMTUD);
#  - the time and memory to configure 10,000 peers on one vcmp device.
# Under TCG only the ratios between tunnels mean anything.
# BENCH="tunnels multipath" (the default) selects the parts: "tunnels" is
# everything above the multipath figures.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
PATH=$PATH:$LIB_DIR/tools

vcmp_load
BENCH=${BENCH:-tunnels multipath}
bench_part() { [[ " $BENCH " == *" $1 "* ]]; }

if bench_part tunnels; then
setup_ns a b
ip link add u1 netns "$a" type veth peer name u1 netns "$b"
ip link add u2 netns "$a" type veth peer name u2 netns "$b"
ip -n "$a" addr add 192.0.2.1/24 dev u1
ip -n "$b" addr add 192.0.2.2/24 dev u1
ip -n "$a" addr add 192.0.3.1/24 dev u2
ip -n "$b" addr add 192.0.3.2/24 dev u2
for ns in "$a" "$b"; do
	ip -n "$ns" link set u1 up
	ip -n "$ns" link set u2 up
done

# vcmp: 10.1.0.0/24 over u1
key_ab=$("$VCMPCTL" genkey aes-gcm-128)
key_ba=$("$VCMPCTL" genkey aes-gcm-128)
for s in "$a 1 2 192.0.2.2 $key_ab $key_ba" "$b 2 1 192.0.2.1 $key_ba $key_ab"; do
	set -- $s
	ip -n "$1" link add vcmp0 type vcmp
	ip -n "$1" addr add "10.1.0.$2/24" dev vcmp0
	ip -n "$1" link set vcmp0 up
	n "$1" "$VCMPCTL" peer add vcmp0 "$3" suite aes-gcm-128 \
		allowed-ips "10.1.0.$3/32" link 1 remote "$4"
	n "$1" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$2" out key "$5"
	n "$1" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$3" in key "$6"
done

# WireGuard: 10.2.0.0/24 over u1
for ns in "$a" "$b"; do
	n "$ns" wg genkey >"$_state/$ns.key"
	n "$ns" wg pubkey <"$_state/$ns.key" >"$_state/$ns.pub"
done
for s in "$a 1 $b 192.0.2.2" "$b 2 $a 192.0.2.1"; do
	set -- $s
	ip -n "$1" link add wg0 type wireguard
	n "$1" wg set wg0 listen-port 51820 private-key "$_state/$1.key" \
		peer "$(cat "$_state/$3.pub")" allowed-ips 10.2.0.0/24 endpoint "$4:51820"
	ip -n "$1" addr add "10.2.0.$2/24" dev wg0
	ip -n "$1" link set wg0 up
done

# xfrm: ESP-in-UDP (port 4500) transport mode between 192.0.3.1 and .2
k1=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
k2=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
for ns in "$a" "$b"; do
	for d in "192.0.3.1 192.0.3.2 0x1001 $k1" "192.0.3.2 192.0.3.1 0x1002 $k2"; do
		set -- $d
		ip -n "$ns" xfrm state add src "$1" dst "$2" proto esp spi "$3" \
			reqid 1 mode transport aead 'rfc4106(gcm(aes))' "$4" 128 \
			encap espinudp 4500 4500 0.0.0.0
	done
	n "$ns" espinudp 4500 &
done
ip -n "$a" xfrm policy add src 192.0.3.1 dst 192.0.3.2 dir out \
	tmpl src 192.0.3.1 dst 192.0.3.2 proto esp reqid 1 mode transport
ip -n "$a" xfrm policy add src 192.0.3.2 dst 192.0.3.1 dir in \
	tmpl src 192.0.3.2 dst 192.0.3.1 proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src 192.0.3.2 dst 192.0.3.1 dir out \
	tmpl src 192.0.3.2 dst 192.0.3.1 proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src 192.0.3.1 dst 192.0.3.2 dir in \
	tmpl src 192.0.3.1 dst 192.0.3.2 proto esp reqid 1 mode transport

declare -A dst=([vcmp]=10.1.0.2 [wireguard]=10.2.0.2 [xfrm]=192.0.3.2)
tunnels="vcmp wireguard xfrm"
for t in $tunnels; do
	n "$a" ping -c 2 -W 2 "${dst[$t]}" >/dev/null ||
		{ echo "bench: $t does not pass traffic"; exit 1; }
done
n "$b" iperf3 -s -D >/dev/null
sleep 0.5


echo "# $ROUNDS rounds of ${SECS}s iperf3 + 20 pings per tunnel, interleaved"
for r in $(seq "$ROUNDS"); do
	for t in $tunnels; do
		mbit=$(n "$a" iperf3 -c "${dst[$t]}" -t "$SECS" -f m 2>/dev/null |
			awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }')
		rtt=$(n "$a" ping -q -c 20 -i 0.05 "${dst[$t]}" 2>/dev/null |
			awk -F/ '/^rtt/ { print $5 }')
		echo "${mbit:-0}" >>"$_state/$t.tput"
		echo "${rtt:-0}" >>"$_state/$t.rtt"
		echo "# round $r $t: ${mbit:-0} Mbit/s, rtt ${rtt:-?} ms"
	done
done

echo
printf '%-10s %14s %14s\n' tunnel "TCP Mbit/s" "ping RTT ms"
for t in $tunnels; do
	printf '%-10s %14s %14s\n' "$t" "$(median <"$_state/$t.tput")" "$(median <"$_state/$t.rtt")"
done
v=$(median <"$_state/vcmp.tput")
printf 'ratio vcmp/wireguard: %s   vcmp/xfrm: %s   (targets 1.2 and 1.3)\n' \
	"$(awk -v a="$v" -v b="$(median <"$_state/wireguard.tput")" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" \
	"$(awk -v a="$v" -v b="$(median <"$_state/xfrm.tput")" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"

# Inner packets over the effective MTU (1407 on this path): flood pings of
# 1300 bytes (fit) and 2000 bytes without DF (RFC 791 fragments, 2 per
# packet); then DF echo requests that ignore the path MTU (vcmpforge ping)
# at 1000/s, of 1328 bytes (fit) and 2028 bytes (VCMP fragments, after
# the flow's first packet got ICMP).
echo
ip -n "$a" link set vcmp0 mtu 9000
ip -n "$b" link set vcmp0 mtu 9000
echo "# oversize: ${SECS}s flood ping per kind, $ROUNDS rounds"
for r in $(seq "$ROUNDS"); do
	for k in "fit do 1300" "rfc791 dont 2000"; do
		set -- $k
		got=$(n "$a" ping -q -f -w "$SECS" -M "$2" -s "$3" 10.1.0.2 2>/dev/null |
			awk '/received/ { print $4 }')
		echo "$(( ${got:-0} * $3 * 8 * 2 / SECS / 1000 ))" >>"$_state/frag-$1"
	done
	for k in "dffit 1328" "vcmpfrag 2028"; do
		set -- $k
		t0=$(date +%s%N)
		got=$(n "$a" vcmpforge ping --to 10.1.0.2 --size "$2" --count 1000 \
			--interval 1 --wait 1 2>/dev/null | awk '/received/ { print $4 }')
		t1=$(date +%s%N)
		echo "${got:-0} $(( (t1 - t0) / 1000000 - 1000 ))" >>"$_state/frag-$1"
	done
done
printf '%-34s %12s\n' "flood ping, inner packets" "kbit/s (both ways)"
printf '%-34s %12s\n' "1300-byte payload (fits)" "$(median <"$_state/frag-fit")"
printf '%-34s %12s\n' "2000 bytes, no DF (RFC 791)" "$(median <"$_state/frag-rfc791")"
printf '%-34s %12s %10s\n' "DF, PMTU ignored, 1000 sent at 1/ms" "replies" "ms"
printf '%-34s %12s %10s\n' "1328 bytes (fits)" \
	"$(cut -d' ' -f1 "$_state/frag-dffit" | median)" "$(cut -d' ' -f2 "$_state/frag-dffit" | median)"
printf '%-34s %12s %10s\n' "2028 bytes (VCMP fragments)" \
	"$(cut -d' ' -f1 "$_state/frag-vcmpfrag" | median)" "$(cut -d' ' -f2 "$_state/frag-vcmpfrag" | median)"
n "$a" ethtool -S vcmp0 | grep -E ' (tx_frag_ip|tx_vcmp_frag|tx_drop_too_big):' | tr -s ' ' | sed 's/^/# a: /'
n "$b" ethtool -S vcmp0 | grep -E ' (rx_reasm_ok|rx_drop_reasm_[a-z]+):' | tr -s ' ' | sed 's/^/# b: /'

# Path MTU discovery: a -- r (1400 toward c) -- c; "icmp": r sends frag
# needed; "silent": r's ICMP is dropped (a black hole, PLPMTUD).
echo
setup_ns r c
ip link add p1 netns "$a" type veth peer name p1 netns "$r"
ip link add p2 netns "$c" type veth peer name p2 netns "$r"
ip -n "$a" addr add 203.0.113.1/28 dev p1
ip -n "$r" addr add 203.0.113.14/28 dev p1
ip -n "$r" addr add 203.0.113.17/28 dev p2
ip -n "$c" addr add 203.0.113.30/28 dev p2
for l in "$a p1" "$r p1" "$r p2" "$c p2"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$r" link set p2 mtu 1400
ip -n "$c" link set p2 mtu 1400
n "$r" sysctl -qw net.ipv4.ip_forward=1
ip -n "$a" route add 203.0.113.16/28 via 203.0.113.14
ip -n "$c" route add 203.0.113.0/28 via 203.0.113.17
ip -n "$c" link add vcmp0 type vcmp
ip -n "$c" link set vcmp0 up
n "$c" "$VCMPCTL" peer add vcmp0 1 suite aes-gcm-128 allowed-ips 10.3.0.1/32 link 1 remote 203.0.113.1
n "$a" "$VCMPCTL" peer add vcmp0 3 suite aes-gcm-128 allowed-ips 10.3.0.3/32
n "$a" "$VCMPCTL" sa add vcmp0 3 0x01000031 out key "$key_ab"
n "$c" "$VCMPCTL" sa add vcmp0 1 0x01000031 in key "$key_ab"
n "$c" "$VCMPCTL" sa add vcmp0 1 0x01000013 out key "$key_ba"
n "$a" "$VCMPCTL" sa add vcmp0 3 0x01000013 in key "$key_ba"
pmtud_time() {	# link 1 of peer 3 added now; ms until discovery is done
	local t0 t1 i
	t0=$(date +%s%N)
	n "$a" "$VCMPCTL" link add vcmp0 3 1 remote 203.0.113.30
	for i in $(seq 200); do
		n "$a" "$VCMPCTL" -j peer show vcmp0 3 | has_match '"pmtud":"done"' && break
		sleep 0.02
	done
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $(n "$a" "$VCMPCTL" -j peer show vcmp0 3 | grep -o '"path_mtu":[0-9]*' | cut -d: -f2)"
	n "$a" "$VCMPCTL" link del vcmp0 3 1
}
for mode in icmp silent; do
	if [ "$mode" = silent ]; then
		tc -n "$r" qdisc add dev p1 root handle 1: prio
		tc -n "$r" filter add dev p1 parent 1: protocol ip prio 1 u32 \
			match ip protocol 1 0xff action drop
	fi
	for i in $(seq "$ROUNDS"); do
		# Forget the route exceptions validated ICMP left behind.
		ip -n "$a" route flush cache
		pmtud_time >>"$_state/pmtud-$mode"
	done
done
printf '%-24s %10s %10s %10s\n' "path MTU discovery" "median ms" "max ms" "found"
for mode in icmp silent; do
	printf '%-24s %10s %10s %10s\n' "1400-byte hop, $mode" \
		"$(cut -d' ' -f1 "$_state/pmtud-$mode" | median)" \
		"$(cut -d' ' -f1 "$_state/pmtud-$mode" | sort -g | tail -1)" \
		"$(cut -d' ' -f2 "$_state/pmtud-$mode" | sort -u | tr '\n' ' ')"
done
echo "# (includes the vcmpctl polling, every 20 ms)"

# Configuration scale: 10,000 peers, each with a link, a prefix and two SAs.
echo
N=${PEERS:-10000}
conf=$_state/peers.conf
key=$("$VCMPCTL" genkey aes-gcm-128)
awk -v n="$N" -v key="$key" 'BEGIN {
	for (i = 1; i <= n; i++) {
		printf "[Peer]\nId = %d\nSuite = aes-gcm-128\n", i + 100
		printf "AllowedIPs = 10.%d.%d.0/24\n", 100 + int(i / 256), i % 256
		printf "Link = 1 remote 192.0.2.%d\n", 1 + i % 250
		printf "SA = 0x%08x out key %s\nSA = 0x%08x in key %s\n\n", 0x02000000 + i, key, 0x03000000 + i, key
	}
}' >"$conf"
n "$b" "$VCMPCTL" dev add vcmp9 port 2999
slab0=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
t0=$(date +%s%N)
n "$b" "$VCMPCTL" setconf vcmp9 "$conf" || echo "bench: setconf failed"
t1=$(date +%s%N)
slab1=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
count=$(n "$b" "$VCMPCTL" -j show vcmp9 | grep -o '"peer_count":[0-9]*' | cut -d: -f2)
echo "peers configured: $count of $N in $(( (t1 - t0) / 1000000 )) ms," \
	"slab growth $(( (slab1 - slab0) * 1024 / N )) bytes per peer (with its link, prefix and 2 SAs)"

fi # tunnels

# Multipath (mp_sites in lib.sh: three WAN links between two sites).
# - Aggregation: links 1 and 2 shaped to the same rate (MP_RATE, default
#   10 Mbit/s) with 10 ms and 30 ms one-way delay; one TCP flow sprayed
#   over both; its goodput divided by one link's rate (target >= 1.85).
# - Failover gap: the longest delivery gap of a TCP transfer and of a
#   1000 packet/s UDP stream when their link becomes a black hole, in
#   per-flow and duplication modes.
# - FEC: inner loss of 5000 packets with netem loss on every link, with and
#   without the FEC class, and the extra packets FEC sent.
bench_part multipath || exit 0
cleanup_all
echo
MP_RATE=${MP_RATE:-10}
mp_bench_ok=1
if mp_have_steering; then
	MP_BW=(- $((MP_RATE * 1000)) $((MP_RATE * 1000)) 0)
fi
mp_sites >/dev/null 2>&1 || mp_bench_ok=0
if [ "$mp_bench_ok" = 0 ]; then
	echo "multipath: the three-link topology does not pass traffic"
elif ! mp_have_steering; then
	echo "multipath: this vcmpctl has no traffic classes (vcmpctl class): no figures"
else
	busiest() {	# busiest link at site a over 1 s
		local i best=1 most=-1 d
		declare -A t0
		for i in 1 2 3; do t0[$i]=$(mp_wan_tx a "$i"); done
		sleep 1
		for i in 1 2 3; do
			d=$(( $(mp_wan_tx a "$i") - t0[$i] ))
			[ "$d" -gt "$most" ] && most=$d best=$i
		done
		echo "$best"
	}
	udp_rcvbuf_errors() {	# udp_rcvbuf_errors NS: UDP datagrams a full socket dropped
		n "$1" awk '/^Udp:/ && n++ { print $6 }' /proc/net/snmp
	}
	tcp_run() {	# tcp_run SECS [DSCP [DST]]: goodput and gap lines in $_state/tcp.*
		n "$b" vcmpflow tcp-recv --port 5301 --timeout 20 >"$_state/tcp.recv" &
		wait_for 5 grep -q listening "$_state/tcp.recv"
		n "$a" vcmpflow tcp-send --to "${3:-10.0.0.2}:5301" --duration "$1" --timeout 20 \
			--dscp "${2:-0}" >"$_state/tcp.send" 2>&1 &
	}
	# Aggregation: TCP on link 1 without the tunnel (what one link gives
	# a TCP flow), through the tunnel pinned to link 1, and sprayed.
	mp_class both 3 spray
	mp_rule both 3 3 dscp 10
	mp_class both 4 flow link 1 mandatory
	mp_rule both 4 4 dscp 12
	n "$a" "$VCMPCTL" link del vcmp0 2 3
	n "$b" "$VCMPCTL" link del vcmp0 1 3
	mp_rate both 1 "${MP_RATE}mbit" 10ms
	mp_rate both 2 "${MP_RATE}mbit" 30ms
	# The least RTT is a 10 s window: let it forget the unshaped veths
	# (a real path's delay does not jump like that).
	sleep 11
	declare -A agg_label=(
		[plain]="TCP on link 1, no tunnel"
		[single]="one TCP flow, tunnel, link 1 only"
		[spray]="one TCP flow, tunnel, sprayed")
	for r in $(seq "$ROUNDS"); do
		for mode in plain single spray; do
			case $mode in
			plain)	tcp_run "$SECS" 0 "${MP_WAN_NET[1]}.2" ;;
			single)	tcp_run "$SECS" 12 ;;
			spray)	tcp_run "$SECS" 10 ;;
			esac
			wait
			g=$(flow_json "$_state/tcp.recv" goodput_mbit)
			echo "${g:-0}" >>"$_state/agg-$mode"
			echo "# aggregation round $r, $mode: ${g:-0} Mbit/s"
		done
	done
	printf '%-44s %8s %7s %9s %9s\n' "aggregation, 2 x $MP_RATE Mbit/s (10 and 30 ms)" \
		"Mbit/s" "ratio" "vs TCP" "vs tunnel"
	g0=$(median <"$_state/agg-plain")
	g1=$(median <"$_state/agg-single")
	for mode in plain single spray; do
		g=$(median <"$_state/agg-$mode")
		printf '%-44s %8s %7s %9s %9s\n' "${agg_label[$mode]}" "$g" \
			"$(awk -v g="$g" -v r="$MP_RATE" 'BEGIN { printf "%.2f", g / r }')" \
			"$(awk -v g="$g" -v s="$g0" 'BEGIN { printf "%.2f", s ? g / s : 0 }')" \
			"$(awk -v g="$g" -v s="$g1" 'BEGIN { printf "%.2f", s ? g / s : 0 }')"
	done
	# What one link can carry at most: TCP payload per frame on the
	# shaped WAN (the largest inner packet, the link's packet MTU, less
	# 52 bytes of IP and TCP headers, over the 1514-byte outer frame).
	mtu=$(mp_link_field a 1 '.packet_mtu')
	echo "# (ratio: goodput / one link's shaped rate, outer bytes; vs TCP:" \
		"goodput / TCP's on link 1 without the tunnel; vs tunnel: goodput /" \
		"the tunnel's on link 1 alone; target for spray >= 1.85)"
	awk -v m="$mtu" 'BEGIN { c = (m - 52) / 1514; printf "# (ceiling: a %d-byte inner MTU puts %.3f of a 1514-byte frame in TCP payload: ratio <= %.2f on two links)\n", m, c, 2 * c }'

	# Failover gaps
	cleanup_all
	MP_BW=()
	mp_sites >/dev/null
	mp_class both 1 dup
	mp_rule both 1 1 dscp 46
	for r in $(seq "$ROUNDS"); do
		for mode in flow dup; do
			[ "$mode" = flow ] && dscp=0 || dscp=46
			mp_restore 1; mp_restore 2; mp_restore 3
			sleep 2
			tcp_run 6 "$dscp"
			n "$b" vcmpflow udp-recv --port 6301 --timeout 4 >"$_state/udp.recv" &
			wait_for 5 grep -q listening "$_state/udp.recv"
			n "$a" vcmpflow udp-send --to 10.0.0.2:6301 --rate 1000 --duration 6 \
				--size 200 --dscp "$dscp" >/dev/null &
			sleep 2
			l=$(busiest)
			c0="$(stat_of "$a" vcmp0 tx_resend) $(stat_of "$a" vcmp0 tx_resend_evict) $(stat_of "$b" vcmp0 rx_reseq_late) $(stat_of "$b" vcmp0 rx_drop_reseq_dup) $(udp_rcvbuf_errors "$b")"
			mp_blackhole "$l"
			wait
			c1="$(stat_of "$a" vcmp0 tx_resend) $(stat_of "$a" vcmp0 tx_resend_evict) $(stat_of "$b" vcmp0 rx_reseq_late) $(stat_of "$b" vcmp0 rx_drop_reseq_dup) $(udp_rcvbuf_errors "$b")"
			echo "$(flow_json "$_state/tcp.recv" max_gap_ms) $(flow_json "$_state/udp.recv" max_gap_ms) $(flow_json "$_state/udp.recv" lost)" \
				>>"$_state/gap-$mode"
			echo "# failover round $r, $mode (link $l dark): $(tail -n1 "$_state/gap-$mode")" \
				"complete=$(flow_json "$_state/tcp.recv" complete)"
			echo "$c0 $c1" | awk '{ printf "#   a: tx_resend %d, tx_resend_evict %d; b: rx_reseq_late %d, rx_drop_reseq_dup %d, UDP receive buffer errors %d\n", $6 - $1, $7 - $2, $8 - $3, $9 - $4, $10 - $5 }'
		done
	done
	printf '%-24s %14s %14s %12s\n' "failover, link dark" "TCP gap ms" "UDP gap ms" "UDP lost"
	for mode in flow dup; do
		printf '%-24s %14s %14s %12s\n' "$mode" \
			"$(cut -d' ' -f1 "$_state/gap-$mode" | median)" \
			"$(cut -d' ' -f2 "$_state/gap-$mode" | median)" \
			"$(cut -d' ' -f3 "$_state/gap-$mode" | median)"
	done
	echo "# (medians of $ROUNDS; UDP at 1000 packets/s; bar 300 ms, target 100 ms)"

	# FEC
	mp_restore 1; mp_restore 2; mp_restore 3
	mp_class both 2 fec
	mp_rule both 2 2 dscp 34
	printf '%-14s %14s %14s %16s\n' "netem loss %" "flow lost %" "FEC lost %" "FEC extra pkts %"
	for loss in 0 1 3 5 10; do
		for i in 1 2 3; do mp_shape a "$i" netem loss "$loss%" limit 10000; done
		line=
		for dscp in 0 34; do
			tx0=0
			for i in 1 2 3; do tx0=$((tx0 + $(mp_wan_tx a "$i"))); done
			n "$b" vcmpflow udp-recv --port 6302 --timeout 3 >"$_state/fec.recv" &
			wait_for 5 grep -q listening "$_state/fec.recv"
			n "$a" vcmpflow udp-send --to 10.0.0.2:6302 --rate 1000 --count 5000 \
				--size 400 --dscp "$dscp" >/dev/null
			wait
			tx1=0
			for i in 1 2 3; do tx1=$((tx1 + $(mp_wan_tx a "$i"))); done
			line+=" $(awk -v l="$(flow_json "$_state/fec.recv" lost)" \
				'BEGIN { printf "%.3f", l / 5000 * 100 }')"
			extra=$(awk -v t=$((tx1 - tx0)) 'BEGIN { printf "%.1f", (t - 5000) / 5000 * 100 }')
		done
		set -- $line
		printf '%-14s %14s %14s %16s\n' "$loss" "$1" "$2" "$extra"
	done
	echo "# (5000 packets at 1000/s per cell; extra packets include probes)"
fi
