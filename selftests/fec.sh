#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FEC mode end to end over one link: a counted UDP stream (udpseq) from a
# to b while the router drops 3% of what goes to b at random (netem). With
# FEC the receiver rebuilds lost packets from parity: the stream loses at
# most 0.1%; without FEC it loses about 3% (the same path, so the test can
# tell). On a clean link, FEC-mode traffic carries no parity at all.
#
# FEC-mode traffic: a's default class (0) in mode fec. FEC sizes its
# groups for the link's measured loss (link monitoring: probes, feedback)
# or, at least, fec_min_loss_ppm: the adaptive cases leave that at 0 and
# warm the link up first so that the loss is measured, one case sets it
# to the netem rate instead. Until the loss is measured (the peer's loss
# report covers fec_warmup_pkts packets) FEC protects the link as if it
# lost fec_warmup_loss_ppm: the clean case checks that the warm-up carries
# parity and the stream after it none.
#
#   site-a (vcmp0 10.0.0.1) --wan-- router (netem loss on wan-b) --wan-- site-b (vcmp0 10.0.0.2)
# shellcheck source=lib.sh disable=SC2154,SC2317 # a, r, b: set by lib.sh; cases run through run_case
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip tc ethtool
if [ -z "${UDPSEQ:-}" ]; then
	UDPSEQ=$(type -P udpseq || echo "$LIB_DIR/tools/udpseq")
fi
[ -x "$UDPSEQ" ] || { echo "# SKIP: udpseq not built (make -C selftests tools)"; exit "$KSFT_SKIP"; }

PARAMS=/sys/module/vcmp/parameters
COUNT=$(scale 10000 2000)	# the issue's bar: >= 10,000 packets
PPS=$(scale 1000 100)
LOSS=3				# percent, netem on the way to b

# params NAME=VALUE...: set module parameters (restored after each case).
params() {
	local kv
	for kv in "$@"; do
		echo "${kv#*=}" >"$PARAMS/${kv%%=*}"
	done
}

reset_params() {
	params fec_min_loss_ppm=0 fec_target_ppm=100 fec_k_max=10 \
		fec_tx_hold_ms=15 fec_rx_hold_ms=100 fec_rx_groups=16 \
		fec_warmup_loss_ppm=20000 fec_warmup_pkts=500
}

# sites SUITE LOSS_PERCENT: a and b peered over one link through r, r
# dropping LOSS_PERCENT of what it forwards to b.
sites() {
	local suite=$1 loss=$2 ka kb
	setup_ns a r b
	ip link add wan0 netns "$a" type veth peer name wan-a netns "$r"
	ip link add wan0 netns "$b" type veth peer name wan-b netns "$r"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$b" addr add 198.51.100.2/24 dev wan0
	ip -n "$r" addr add 192.0.2.254/24 dev wan-a
	ip -n "$r" addr add 198.51.100.254/24 dev wan-b
	ip -n "$a" link set wan0 up
	ip -n "$b" link set wan0 up
	ip -n "$r" link set wan-a up
	ip -n "$r" link set wan-b up
	n "$r" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$a" route add default via 192.0.2.254
	ip -n "$b" route add default via 198.51.100.254
	if [ "$loss" != 0 ]; then
		tc -n "$r" qdisc add dev wan-b root netem loss "$loss%" limit 10000
	fi
	for s in "$a 1" "$b 2"; do
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" link set vcmp0 up
	done
	n "$a" "$VCMPCTL" peer add vcmp0 2 suite "$suite" \
		allowed-ips 10.0.0.2/32 link 1 remote 198.51.100.2
	n "$b" "$VCMPCTL" peer add vcmp0 1 suite "$suite" \
		allowed-ips 10.0.0.1/32 link 1 remote 192.0.2.1
	[ "$suite" = plain ] && return 0
	ka=$("$VCMPCTL" genkey "$suite")
	kb=$("$VCMPCTL" genkey "$suite")
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$kb"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$kb"
}

# fec_class: a sends everything in FEC mode.
fec_class() {
	n "$a" "$VCMPCTL" class set vcmp0 0 mode fec
}

# measured_loss: the loss a's link 1 measured, ppm, both directions.
measured_loss() {
	n "$a" "$VCMPCTL" -j show vcmp0 | grep -o '"loss_[rt]x_ppm": *[0-9]*' |
		tr '\n' ' '
}

# warm_up: 2000 packets (not counted), and at least twice
# fec_warmup_pkts, so that the link's loss is measured.
warm_up() {
	local count min
	count=$(scale 2000 400)
	min=$(( $(cat "$PARAMS/fec_warmup_pkts") * 2 ))
	[ "$count" -ge "$min" ] || count=$min
	n "$b" "$UDPSEQ" recv 5009 1000 $((count * 1000 / PPS * 4 + 30000)) >/dev/null &
	local rpid=$!
	sleep 0.5
	n "$a" "$UDPSEQ" send 10.0.0.2 5009 "$count" "$PPS" 200 >/dev/null
	wait "$rpid"
	echo "# measured after warm-up ($count packets): $(measured_loss)"
}

# stream: COUNT datagrams a -> b; sets got, lost, dup from udpseq.
stream() {
	local out=$_state/udpseq.out
	n "$b" "$UDPSEQ" recv 5001 3000 $((COUNT * 1000 / PPS * 4 + 30000)) \
		>"$out" &
	local rpid=$!
	sleep 0.5
	n "$a" "$UDPSEQ" send 10.0.0.2 5001 "$COUNT" "$PPS" 200 >/dev/null
	wait "$rpid" || fail "udpseq recv failed"
	echo "# udpseq: $(cat "$out")"
	echo "# b: vcmp0 rx dropped $(n "$b" cat /sys/class/net/vcmp0/statistics/rx_dropped)," \
		"udp $(n "$b" grep '^Udp:' /proc/net/snmp | tail -1)"
	read -r _ got _ expected _ lost _ dup _ <"$out"
	[ "$expected" = "$COUNT" ] || fail "stream did not arrive: $(cat "$out")"
}

# counters NS NAME...: print NAME=VALUE for ethtool counters of vcmp0.
counters() {
	local ns=$1 c
	shift
	for c in "$@"; do
		printf '%s=%s ' "$c" "$(stat_of "$ns" vcmp0 "$c")"
	done
	echo
}

# test_fec_lossy SUITE adaptive|floor
test_fec_lossy() {
	local suite=$1 data parity rebuilt
	trap reset_params EXIT
	reset_params
	sites "$suite" "$LOSS"
	fec_class
	if [ "$2" = floor ]; then
		params fec_min_loss_ppm=$((LOSS * 10000))
	else
		warm_up
	fi
	local data0 parity0 rebuilt0
	data0=$(stat_of "$a" vcmp0 fec_tx_data)
	parity0=$(stat_of "$a" vcmp0 fec_tx_parity)
	rebuilt0=$(stat_of "$b" vcmp0 fec_rx_rebuilt)
	stream
	echo "# a: $(counters "$a" fec_tx_groups fec_tx_data fec_tx_parity fec_tx_early fec_tx_clean fec_tx_unprotected)"
	echo "# b: $(counters "$b" fec_rx_parity fec_rx_rebuilt fec_rx_drop_dup fec_rx_drop_bad fec_rx_timeout fec_rx_evict fec_rx_unrecovered fec_rx_nomem)"
	data=$(( $(stat_of "$a" vcmp0 fec_tx_data) - data0 ))
	parity=$(( $(stat_of "$a" vcmp0 fec_tx_parity) - parity0 ))
	rebuilt=$(( $(stat_of "$b" vcmp0 fec_rx_rebuilt) - rebuilt0 ))
	echo "# measured: $(measured_loss)"
	echo "# inner loss $lost of $COUNT ($((lost * 100000 / COUNT)) per 100k), parity overhead $parity/$data ($((parity * 1000 / data)) per mille), rebuilt $rebuilt"
	# Packets the monitor sends (probes, feedback) are not in the count.
	[ "$data" -ge "$COUNT" ] || fail "only $data of $COUNT packets went in FEC groups"
	[ "$rebuilt" -gt 0 ] || fail "nothing rebuilt"
	[ $((lost * 1000)) -le "$COUNT" ] || fail "inner loss $lost of $COUNT is over 0.1%"
	[ "$dup" = 0 ] || fail "$dup duplicates delivered"
	expect_eq "malformed parity" "$(stat_of "$b" vcmp0 fec_rx_drop_bad)" 0
}

test_no_fec_lossy() {
	trap reset_params EXIT
	reset_params
	sites plain "$LOSS"
	stream
	echo "# inner loss without FEC: $lost of $COUNT; measured: $(measured_loss)"
	expect_eq "parity sent" "$(stat_of "$a" vcmp0 fec_tx_parity)" 0
	# 3% expected; over 1% tells it apart from FEC's 0.1%.
	[ $((lost * 100)) -gt "$COUNT" ] || fail "the path lost only $lost: netem not in effect, the FEC cases prove nothing"
}

test_fec_clean() {
	local parity0 groups0 clean0
	trap reset_params EXIT
	reset_params
	sites plain 0
	fec_class
	warm_up
	echo "# a after warm-up: $(counters "$a" fec_tx_groups fec_tx_data fec_tx_parity fec_tx_clean)"
	# Not measured yet: protected as if it lost fec_warmup_loss_ppm.
	[ "$(stat_of "$a" vcmp0 fec_tx_parity)" -gt 0 ] ||
		fail "no parity before the link's loss was measured"
	parity0=$(stat_of "$a" vcmp0 fec_tx_parity)
	groups0=$(stat_of "$a" vcmp0 fec_tx_groups)
	clean0=$(stat_of "$a" vcmp0 fec_tx_clean)
	stream
	echo "# a: $(counters "$a" fec_tx_groups fec_tx_data fec_tx_parity fec_tx_clean)"
	echo "# measured: $(measured_loss)"
	expect_eq "parity on a clean link, measured" \
		$(( $(stat_of "$a" vcmp0 fec_tx_parity) - parity0 )) 0
	expect_eq "groups on a clean link, measured" \
		$(( $(stat_of "$a" vcmp0 fec_tx_groups) - groups0 )) 0
	[ $(( $(stat_of "$a" vcmp0 fec_tx_clean) - clean0 )) -ge "$COUNT" ] ||
		fail "FEC-mode packets not counted as clean"
	expect_eq "lost on a clean link" "$lost" 0
}

vcmp_load
ktap_plan 5
run_case "FEC, 3% loss measured, plain: inner loss <= 0.1%, packets rebuilt" test_fec_lossy plain adaptive
run_case "FEC, 3% loss measured, aes-gcm-128: inner loss <= 0.1%, packets rebuilt" test_fec_lossy aes-gcm-128 adaptive
run_case "FEC, 3% loss configured (fec_min_loss_ppm), plain: inner loss <= 0.1%" test_fec_lossy plain floor
run_case "no FEC, 3% loss: the stream loses over 1%" test_no_fec_lossy
run_case "FEC on a clean link: parity until the loss is measured, none after" test_fec_clean
ktap_finish
