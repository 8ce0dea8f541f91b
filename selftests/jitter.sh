#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive jitter buffer of a traffic class (jitter-buffer MS). Sites a
# and b over one link whose egress at a delays packets by 20 ms +- 15 ms
# (netem with a rate, so that it does not reorder them). Both sites have
# class 1 "voice" (DSCP 46). A UDP stream of 50 packets/s carrying the
# sender's time goes from a to b, once with no buffer and once with a
# 60 ms buffer at b; the receiver's interarrival jitter must be several
# times lower with the buffer, no packet may be lost, and the
# rx_jitter_* counters must move only when the buffer is on. Also: the
# option in class show (text and JSON), showconf/setconf, its range
# and extack.
#
# The jitter compared is the median of |D|, D the change of transit time
# between consecutive datagrams (RFC 3550's D): the test VM (TCG) stalls
# now and then for tens of ms, which moves RFC 3550's running figure
# (mostly the last 16 datagrams) a lot and the median little. Both are
# printed, with the mean and the spread of the transit times.
#
#   site-a wan0 192.0.2.1 ---- 192.0.2.2 wan0 site-b
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip tc ethtool jq
[ -x "$VCMPFLOW" ] || { echo "# SKIP: vcmpflow not built (make -C selftests tools)"; exit "$KSFT_SKIP"; }

PORT=7100
RATE=50
COUNT=$(scale 250 50)	# 5 s at 50 packets/s

sites() {
	local s
	setup_ns a b
	ip link add wan0 netns "$a" type veth peer name wan0 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$b" addr add 192.0.2.2/24 dev wan0
	ip -n "$a" link set wan0 up
	ip -n "$b" link set wan0 up
	for s in "$a 1 2" "$b 2 1"; do
		# shellcheck disable=SC2086
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" link set vcmp0 up
		n "$1" "$VCMPCTL" peer add vcmp0 "$3" suite plain \
			allowed-ips "10.0.0.$3/32" link 1 remote "192.0.2.$3:2426"
		n "$1" "$VCMPCTL" class set vcmp0 1 name voice mode flow sla voice
		n "$1" "$VCMPCTL" rule add vcmp0 10 class 1 dscp 46
	done
	wait_for 10 n "$a" ping -c 1 -W 1 10.0.0.2 >/dev/null ||
		fail "no traffic through the tunnel"
}

st() { stat_of "$b" vcmp0 "$1"; }
buffered() { [ "$(st rx_jitter_queued)" -gt 0 ]; }

# stream NAME: COUNT datagrams a -> b in class 1; $out = the receiver's JSON.
stream() {
	out=$_state/$1.json
	n "$b" "$VCMPFLOW" udp-recv --port $PORT --timeout 10 --name "$1" >"$out" &
	local pid=$!
	wait_for 5 grep -q listening "$out" || fail "receiver did not start"
	n "$a" "$VCMPFLOW" udp-send --to 10.0.0.2:$PORT --rate $RATE \
		--count "$COUNT" --size 200 --dscp 46 >/dev/null ||
		fail "sender failed"
	wait "$pid" || fail "receiver: $(cat "$out")"
	echo "$1: $(flow_json "$out" received) received, $(flow_json "$out" lost) lost," \
		"jitter $(flow_json "$out" jitter_us) us (RFC 3550)," \
		"median |D| $(flow_json "$out" jitter_median_us) us," \
		"mean |D| $(flow_json "$out" jitter_mean_us) us," \
		"transit spread $(flow_json "$out" transit_spread_ms) ms"
}

show_counters() {
	n "$b" ethtool -S vcmp0 | awk '/jitter/'
}

test_option() {
	local err
	sites
	n "$b" "$VCMPCTL" class set vcmp0 1 jitter-buffer 60
	expect_match "class show" "$(n "$b" "$VCMPCTL" class show vcmp0 1)" \
		"^class 1: voice .* jitter-buffer 60"
	expect_eq "class show -j" "$(n "$b" "$VCMPCTL" -j class show vcmp0 1 |
		jq -r '.. | objects | select(.id == 1) | .jitter_buffer_ms')" 60
	# Other options leave it alone.
	n "$b" "$VCMPCTL" class set vcmp0 1 sla voice
	expect_eq "kept" "$(n "$b" "$VCMPCTL" -j class show vcmp0 1 |
		jq -r '.. | objects | select(.id == 1) | .jitter_buffer_ms')" 60
	if err=$(n "$b" "$VCMPCTL" class set vcmp0 1 jitter-buffer 201 2>&1); then
		fail "jitter-buffer 201 accepted"
	fi
	echo "201: $err"
	expect_match "extack" "$err" "range|200"
	# showconf / setconf carry it.
	n "$b" "$VCMPCTL" showconf vcmp0 >"$_state/b.conf"
	expect_match "showconf" "$(cat "$_state/b.conf")" "^JitterBuffer = 60$"
	n "$b" "$VCMPCTL" class set vcmp0 1 jitter-buffer 10
	n "$b" "$VCMPCTL" setconf vcmp0 "$_state/b.conf"
	expect_eq "after setconf" "$(n "$b" "$VCMPCTL" -j class show vcmp0 1 |
		jq -r '.. | objects | select(.id == 1) | .jitter_buffer_ms')" 60
	n "$b" "$VCMPCTL" class set vcmp0 1 jitter-buffer 0
	if n "$b" "$VCMPCTL" class show vcmp0 1 | has_match jitter-buffer; then
		fail "jitter-buffer 0 still shown"
	fi
	expect_eq "off -j" "$(n "$b" "$VCMPCTL" -j class show vcmp0 1 |
		jq -r '.. | objects | select(.id == 1) | .jitter_buffer_ms')" 0
}

test_netem() {
	local j0 j1 m0 m1 q0 l0
	sites
	tc -n "$a" qdisc replace dev wan0 root netem delay 20ms 15ms rate 1gbit limit 10000

	q0=$(st rx_jitter_queued)
	stream off
	j0=$(flow_json "$out" jitter_us)
	m0=$(flow_json "$out" jitter_median_us)
	expect_eq "lost without buffer" "$(flow_json "$out" lost)" 0
	expect_eq "received without buffer" "$(flow_json "$out" received)" "$COUNT"
	expect_eq "rx_jitter_queued without buffer" "$(st rx_jitter_queued)" "$q0"

	# Only the receiver's policy matters; set it at both, as documented.
	n "$a" "$VCMPCTL" class set vcmp0 1 jitter-buffer 60
	n "$b" "$VCMPCTL" class set vcmp0 1 jitter-buffer 60
	q0=$(st rx_jitter_queued) l0=$(st rx_jitter_late)
	stream on
	j1=$(flow_json "$out" jitter_us)
	m1=$(flow_json "$out" jitter_median_us)
	show_counters
	expect_eq "lost with buffer" "$(flow_json "$out" lost)" 0
	expect_eq "received with buffer" "$(flow_json "$out" received)" "$COUNT"
	expect_eq "out of order with buffer" "$(flow_json "$out" out_of_order)" 0
	echo "median |D|: ${m0} us without the buffer, ${m1} us with it" \
		"(RFC 3550 jitter ${j0} us -> ${j1} us)"
	# The path's jitter must be there for the comparison to mean anything.
	[ "$m0" -ge 2000 ] || fail "netem gave only $m0 us of jitter"
	[ $((m1 * 4)) -le "$m0" ] || fail "median |D| $m1 us with the buffer, not 4 x below $m0 us"
	[ $(($(st rx_jitter_queued) - q0)) -ge $((COUNT * 9 / 10)) ] ||
		fail "rx_jitter_queued moved by $(($(st rx_jitter_queued) - q0)) only"
	echo "late: $(($(st rx_jitter_late) - l0))"
}

test_peer_del_waiting() {
	local g0
	sites
	n "$b" "$VCMPCTL" class set vcmp0 1 jitter-buffer 200
	g0=$(st rx_drop_jitter_gone)
	# A 3 s stream, each datagram waiting up to 200 ms at b: the peer
	# goes while some wait.
	n "$a" "$VCMPFLOW" udp-send --to 10.0.0.2:$PORT --rate $RATE --count 150 \
		--size 200 --dscp 46 >/dev/null &
	wait_for 5 buffered || fail "nothing was buffered"
	sleep 0.5
	n "$b" "$VCMPCTL" peer del vcmp0 1
	wait
	show_counters
	[ $(($(st rx_drop_jitter_gone) - g0)) -gt 0 ] ||
		fail "no packet counted in rx_drop_jitter_gone"
}

# FEC-mode voice: the packets FEC rebuilds (their header made up by the
# receiver, no sender time) go through the buffer in their place and do
# not upset the offset (no resync).
test_fec() {
	local r0 s0 old m
	# At least 150 packets even on the debug kernel: at 5 % loss, 50
	# (its scaled count) all arrived one run in twenty (nothing rebuilt).
	local COUNT
	COUNT=$(scale 250 150)
	sites
	old=$(cat /sys/module/vcmp/parameters/fec_min_loss_ppm)
	# Protect from the first packet, whatever the monitor measured.
	echo 50000 >/sys/module/vcmp/parameters/fec_min_loss_ppm
	n "$a" "$VCMPCTL" class set vcmp0 1 mode fec jitter-buffer 60
	n "$b" "$VCMPCTL" class set vcmp0 1 mode fec jitter-buffer 60
	tc -n "$a" qdisc replace dev wan0 root netem delay 20ms 10ms rate 1gbit \
		loss 5% limit 10000
	r0=$(st fec_rx_rebuilt) s0=$(st rx_jitter_resync)
	stream fec
	echo "$old" >/sys/module/vcmp/parameters/fec_min_loss_ppm
	show_counters
	echo "rebuilt: $(($(st fec_rx_rebuilt) - r0))"
	[ $(($(st fec_rx_rebuilt) - r0)) -gt 0 ] || fail "nothing rebuilt"
	expect_eq "rx_jitter_resync" "$(st rx_jitter_resync)" "$s0"
	# One link: no resequencing, so a packet rebuilt from a parity that
	# came after its successor follows that successor (the buffer keeps
	# arrival order; the packet has no time to be put back by).
	[ "$(flow_json "$out" out_of_order)" -le $(($(st fec_rx_rebuilt) - r0)) ] ||
		fail "$(flow_json "$out" out_of_order) out of order, more than rebuilt"
	[ $(($(flow_json "$out" lost) * 20)) -le "$COUNT" ] ||
		fail "lost $(flow_json "$out" lost) of $COUNT"
	m=$(flow_json "$out" jitter_median_us)
	[ "$m" -le 5000 ] || fail "median |D| $m us with the buffer"
}

ktap_plan 4
run_case "jitter-buffer option: show, JSON, showconf/setconf, range" test_option
run_case "20 ms +- 15 ms link: jitter several times lower with a 60 ms buffer, nothing lost" test_netem
run_case "peer removed with packets waiting: counted" test_peer_del_waiting
run_case "FEC-mode class: rebuilt packets keep their place, no resync" test_fec
ktap_finish
