#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive resequencing. Site a reaches site b over two links through a
# router r (link 1: a wan0 -- r -- b wan0, link 2: a wan1 -- r -- b wan1).
# Plain mode, so that vcmpforge on r can inject DATA packets "from" a's
# two link endpoints with chosen peer sequence numbers: out of order,
# duplicated, with holes, flooding; "vcmpforge recv" on b reports the
# order the inner datagrams arrived in. Then real traffic over the two
# links with netem delays of 10 and 40 ms: a counted UDP stream that the
# sender spreads over both links arrives with nothing out of order.
#
#   site-a wan0 192.0.2.1 ---- r ---- 198.51.100.2 wan0 site-b
#          wan1 192.0.3.1 ---- r ---- 198.51.101.2 wan1
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip tc ethtool
if [ -z "${VCMPFORGE:-}" ]; then
	VCMPFORGE=$(type -P vcmpforge || echo "$LIB_DIR/tools/vcmpforge")
fi
[ -x "$VCMPFORGE" ] || { echo "# SKIP: vcmpforge not built (make -C selftests tools)"; exit "$KSFT_SKIP"; }

PARAMS=/sys/module/vcmp/parameters
PORT=7000	# inner UDP port of the numbered datagrams

topology() {
	local i
	setup_ns a r b
	for i in 0 1; do
		ip link add "wan$i" netns "$a" type veth peer name "a$i" netns "$r"
		ip link add "wan$i" netns "$b" type veth peer name "b$i" netns "$r"
		ip -n "$a" addr add "192.0.$((2 + i)).1/24" dev "wan$i"
		ip -n "$r" addr add "192.0.$((2 + i)).254/24" dev "a$i"
		ip -n "$b" addr add "198.51.$((100 + i)).2/24" dev "wan$i"
		ip -n "$r" addr add "198.51.$((100 + i)).254/24" dev "b$i"
		ip -n "$a" link set "wan$i" up
		ip -n "$b" link set "wan$i" up
		ip -n "$r" link set "a$i" up
		ip -n "$r" link set "b$i" up
		ip -n "$a" route add "198.51.$((100 + i)).0/24" via "192.0.$((2 + i)).254"
		ip -n "$b" route add "192.0.$((2 + i)).0/24" via "198.51.$((100 + i)).254"
	done
	n "$r" sysctl -qw net.ipv4.ip_forward=1
	# vcmpforge sends both links' packets to b's wan0 address.
	n "$b" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.wan0.rp_filter=0 net.ipv4.conf.wan1.rp_filter=0
}

# sites NLINKS_B: plain vcmp0 at both sites; a has both links to b, b has
# NLINKS_B (1 or 2) links to a.
sites() {
	local nlinks=$1 s
	topology
	for s in "$a 1" "$b 2"; do
		# shellcheck disable=SC2086
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" link set vcmp0 up
	done
	n "$a" "$VCMPCTL" peer add vcmp0 2 suite plain allowed-ips 10.0.0.2/32 \
		link 1 remote 198.51.100.2:2426
	n "$a" "$VCMPCTL" link add vcmp0 2 2 remote 198.51.101.2:2426
	n "$b" "$VCMPCTL" peer add vcmp0 1 suite plain allowed-ips 10.0.0.1/32 \
		link 1 remote 192.0.2.1:2426
	[ "$nlinks" = 1 ] || n "$b" "$VCMPCTL" link add vcmp0 1 2 remote 192.0.3.1:2426
}

# setparam NAME VALUE: set a module parameter for the rest of the case.
setparam() {
	local old
	[ -w "$PARAMS/$1" ] || fail "no writable module parameter $1"
	old=$(cat "$PARAMS/$1")
	echo "$2" >"$PARAMS/$1"
	echo "$1=$2 (was $old)"
	_restore="${_restore:-}echo $old >$PARAMS/$1;"
	# shellcheck disable=SC2064
	trap "$_restore" EXIT
}

# forge PLAN [ARGS]: numbered DATA packets "from" a's links, sent by r.
forge() {
	local plan=$1
	shift
	n "$r" "$VCMPFORGE" data --src 192.0.2.1:2426 --src 192.0.3.1:2426 \
		--dst 198.51.100.2:2426 --inner 10.0.0.1:5000,10.0.0.2:$PORT \
		--plan "$plan" "$@"
}

# recv_start COUNT [IDLE_MS]: the numbered datagrams' receiver on b. It
# stops when COUNT arrived or nothing came for IDLE_MS (default 15 s: the
# sender may be slow to start on a loaded machine).
recv_start() {
	local tmo=${2:-15000}

	debug_kernel && tmo=$((tmo * ${VCMP_DEBUG_SCALE:-10}))
	n "$b" "$VCMPFORGE" recv --port "$PORT" --count "$1" \
		--timeout-ms "$tmo" --list >"$_state/recv.out" 2>&1 &
	echo $! >"$_state/recv.pid"
	wait_for 5 grep -q listening "$_state/recv.out" || fail "recv did not start"
}

# recv_wait: wait for the receiver; $order = the numbers in arrival order.
recv_wait() {
	wait "$(cat "$_state/recv.pid")" || fail "recv: $(cat "$_state/recv.out")"
	order=$( (grep -E '^[0-9]+$' "$_state/recv.out" || true) | tr '\n' ' ' | sed 's/ $//')
	summary=$(grep '^recv: got' "$_state/recv.out")
	echo "arrived: $order"
	echo "$summary"
}

st() { stat_of "$b" vcmp0 "$1"; }
delta() { echo $(($(st "$1") - $2)); }

# reseq_field KEY: b's resequencing counter KEY for peer 1 (vcmpctl -j).
reseq_field() {
	n "$b" "$VCMPCTL" -j show vcmp0 |
		grep -o "\"reseq\": *{[^}]*}" | grep -o "\"$1\": *[0-9]*" | grep -o '[0-9]*$'
}

show_b() {
	n "$b" "$VCMPCTL" show vcmp0 | sed -n '/reseq/,$p'
	n "$b" ethtool -S vcmp0 | awk '/reseq/ && $2 != 0'
}

test_order() {
	local q0 t0
	sites 2
	setparam reseq_hold_min_ms 500	# far above what the injection takes
	q0=$(st rx_reseq_queued) t0=$(st rx_reseq_timeout)
	recv_start 10
	forge 0:1,1:3-4,0:2,1:6,0:5,1:9-10,0:7-8
	recv_wait
	show_b
	expect_eq "arrival order" "$order" "1 2 3 4 5 6 7 8 9 10"
	[ "$(delta rx_reseq_queued "$q0")" -gt 0 ] || fail "rx_reseq_queued did not move"
	expect_eq "timeouts" "$(delta rx_reseq_timeout "$t0")" 0
	[ "$(reseq_field queued)" -gt 0 ] || fail "vcmpctl: reseq queued is 0"
	expect_eq "vcmpctl reseq waiting" "$(reseq_field waiting)" 0
	[ "$(reseq_field slots)" -gt 0 ] || fail "vcmpctl: no resequencing window"
}

test_dups() {
	local d0
	sites 2
	setparam reseq_hold_min_ms 500
	d0=$(st rx_drop_reseq_dup)
	recv_start 20
	forge 0:1-20d,1:1-20d,0:5d,1:20d
	recv_wait
	show_b
	expect_match "receiver" "$summary" "got 20, out_of_order 0, dups 0"
	wait_for 5 stat_test "$b" rx_drop_reseq_dup -ge $((d0 + 22)) || true
	expect_eq "rx_drop_reseq_dup" "$(delta rx_drop_reseq_dup "$d0")" 22
	expect_eq "vcmpctl reseq dups" "$(reseq_field dups)" 22
}

test_timeout_late() {
	local t0 l0 start end ms hold=300
	sites 2
	setparam reseq_hold_min_ms "$hold"
	setparam reseq_hold_max_ms "$hold"
	t0=$(st rx_reseq_timeout) l0=$(st rx_reseq_late)
	recv_start 5
	start=$(date +%s%N)
	forge 0:1,0:3-5	# 2 is missing
	wait_for 10 grep -q '^5$' "$_state/recv.out" || fail "3-5 never released"
	end=$(date +%s%N)
	ms=$(( (end - start) / 1000000 ))
	echo "3-5 released after about $ms ms (hold $hold ms)"
	[ "$ms" -ge $((hold - 50)) ] || fail "released after $ms ms, before the hold time $hold ms"
	forge 1:2	# too late now: delivered at once, counted
	recv_wait
	show_b
	expect_eq "arrival order" "$order" "1 3 4 5 2"
	expect_eq "rx_reseq_timeout" "$(delta rx_reseq_timeout "$t0")" 1
	expect_eq "rx_reseq_late" "$(delta rx_reseq_late "$l0")" 1
	expect_eq "vcmpctl reseq timeouts" "$(reseq_field timeouts)" 1
}

# A FEC parity packet takes a peer sequence number but is consumed before
# the buffer: its number is filled with nothing, nobody waits for it.
test_parity_fill() {
	local t0 f0 b0
	sites 2
	setparam reseq_hold_min_ms 1000	# a timeout would be counted first
	setparam reseq_hold_max_ms 1000
	t0=$(st rx_reseq_timeout) f0=$(st rx_reseq_fill) b0=$(st fec_rx_drop_bad)
	recv_start 3
	forge 0:1,0:3	# 2 is parity's: 3 waits for it
	# Parity of no real group (its payload is no FEC header): dropped,
	# counted, and its number still filled.
	n "$r" "$VCMPFORGE" ctl --src 192.0.2.1:2426 --dst 198.51.100.2:2426 \
		--type 6 --flags 4 --fec-index 1 --link 1 --seq 2 --payload 00
	forge 0:4
	recv_wait
	show_b
	expect_eq "arrival order" "$order" "1 3 4"
	expect_eq "rx_reseq_fill" "$(delta rx_reseq_fill "$f0")" 1
	# On a debug kernel the three forger runs can take longer than the
	# longest hold vcmp allows (1 s): then 3 timed out before the fill.
	if debug_kernel; then
		echo "# debug kernel: rx_reseq_timeout +$(delta rx_reseq_timeout "$t0") (not checked)"
	else
		expect_eq "rx_reseq_timeout" "$(delta rx_reseq_timeout "$t0")" 0
	fi
	expect_eq "fec_rx_drop_bad" "$(delta fec_rx_drop_bad "$b0")" 1
}

test_single_link() {
	local q0
	sites 1
	q0=$(st rx_reseq_queued)
	recv_start 3
	forge 0:1,0:3,0:2
	recv_wait
	# On a debug kernel the forger's sends, scheduled on either cpu, can
	# cross before vcmp sees them: the counters below are the proof.
	debug_kernel ||
		expect_eq "arrival order (no buffer for one link)" "$order" "1 3 2"
	expect_eq "rx_reseq_queued" "$(delta rx_reseq_queued "$q0")" 0
	expect_eq "vcmpctl reseq slots" "$(reseq_field slots)" 0
}

# A FEC member that comes after its group's slot was reused (a slow
# receiver, small groups) is still a duplicate, without a resequencing
# buffer (one link) to catch it: the peer's FEC history drops it.
test_fec_late_dup() {
	local d0
	sites 1
	setparam fec_rx_groups 2	# ten groups of one: 1's slot is reused
	d0=$(st fec_rx_drop_dup)
	recv_start 11
	forge 0:1-10f,0:1f,0:11
	recv_wait
	expect_match "receiver" "$summary" "^recv: got 11, .* dups 0,"
	expect_eq "fec_rx_drop_dup" "$(delta fec_rx_drop_dup "$d0")" 1
}

test_mem_cap() {
	local cap=65536 f0 sampler max samples
	sites 2
	setparam reseq_hold_min_ms 1000
	setparam reseq_hold_max_ms 1000
	setparam reseq_mem_max "$cap"
	f0=$(st rx_reseq_mem_flush)
	(
		while :; do
			n "$b" ethtool -S vcmp0 | awk '$1 == "reseq_mem:" { print $2 }'
			sleep 0.02
		done
	) >"$_state/samples" 2>/dev/null &
	sampler=$!
	recv_start 607
	# 2, 301 and 602 never come: what follows each waits, until the cap
	# (twice: 298 packets of 200 bytes are more than 64 KiB) or, for the
	# last 8, until the hold time.
	forge 0:1,0:3-300,1:302-601,0:603-610 --len 200
	recv_wait >/dev/null
	echo "$summary"
	kill "$sampler"
	wait "$sampler" 2>/dev/null || true
	show_b
	samples=$(grep -c '^[0-9]' "$_state/samples" || true)
	max=$(sort -n "$_state/samples" | tail -1)
	echo "reseq_mem: $samples samples, max ${max:-none} (cap $cap)"
	# The sampler (ethtool every 20 ms) is what a debug kernel slows
	# most: there the flush counter below is the proof of the cap.
	[ "${max:-0}" -gt 0 ] || debug_kernel || fail "reseq_mem never above 0"
	[ "$max" -le "$cap" ] || fail "reseq_mem $max above reseq_mem_max $cap"
	[ "$(delta rx_reseq_mem_flush "$f0")" -ge 2 ] || fail "rx_reseq_mem_flush moved less than twice"
	expect_match "receiver" "$summary" "got 607, out_of_order 0, dups 0"
	wait_for 5 stat_test "$b" reseq_mem -eq 0 || fail "reseq_mem $(st reseq_mem) after the flood"
}

test_peer_del_waiting() {
	local t0 g0 t g got
	sites 2
	setparam reseq_hold_min_ms 1000
	setparam reseq_hold_max_ms 1000
	t0=$(st rx_reseq_timeout) g0=$(st rx_drop_reseq_gone)
	recv_start 49 3000
	forge 0:1,0:3-50 --quiet	# 2 never comes: 3-50 wait
	n "$b" "$VCMPCTL" peer del vcmp0 1
	recv_wait >/dev/null
	echo "$summary"
	t=$(delta rx_reseq_timeout "$t0") g=$(delta rx_drop_reseq_gone "$g0")
	got=$(sed -n 's/^recv: got \([0-9]*\),.*/\1/p' "$_state/recv.out")
	echo "rx_drop_reseq_gone +$g, rx_reseq_timeout +$t"
	if [ "$t" = 0 ]; then
		# Removed while 3-50 waited: dropped, counted.
		expect_eq "rx_drop_reseq_gone" "$g" 48
		expect_eq "delivered" "$got" 1
	else
		echo "the hold time ran out before the removal (slow machine)"
		expect_eq "delivered + dropped at removal" "$((got + g))" 49
	fi
	expect_eq "reseq_mem after peer del" "$(st reseq_mem)" 0
	ip -n "$b" link del vcmp0
}

# Two real links, 10 ms and 40 ms one way (both directions), and packets
# sent over them in turn: without resequencing about half the stream
# would arrive out of order. First a counted UDP stream through a's vcmp0
# (spread over both links only if the sender does), then a forged one:
# vcmpforge on a sends numbered DATA packets from a's two link endpoints
# in turn (its numbers jump ahead of vcmp0's: the window moves, once).
test_netem() {
	local count=2000 rate=400 q0 tx0 tx1
	sites 2
	tc -n "$r" qdisc add dev b0 root netem delay 10ms limit 10000
	tc -n "$r" qdisc add dev b1 root netem delay 40ms limit 10000
	tc -n "$r" qdisc add dev a0 root netem delay 10ms limit 10000
	tc -n "$r" qdisc add dev a1 root netem delay 40ms limit 10000
	# The margin over the delay difference: generous, for a loaded
	# emulated machine whose timers and softirqs run late.
	setparam reseq_hold_min_ms 50
	setparam reseq_hold_max_ms 500
	# Let the links measure their RTT, then see whether the hold followed.
	n "$a" "$VCMPFORGE" udpseq --to 10.0.0.2:$PORT --count 50 --rate 100 >/dev/null
	if wait_for 5 hold_at_least 90000; then
		echo "hold $(reseq_field hold_us) us, derived from the links' RTTs"
	else
		echo "hold $(reseq_field hold_us) us: no RTT measurements; reseq_hold_min_ms=300 instead"
		setparam reseq_hold_min_ms 300
	fi

	q0=$(st rx_reseq_queued)
	tx0=$(n "$a" cat /sys/class/net/wan0/statistics/tx_packets)
	tx1=$(n "$a" cat /sys/class/net/wan1/statistics/tx_packets)
	recv_start "$count"
	n "$a" "$VCMPFORGE" udpseq --to 10.0.0.2:$PORT --count "$count" --rate "$rate"
	recv_wait >/dev/null
	tx0=$(( $(n "$a" cat /sys/class/net/wan0/statistics/tx_packets) - tx0 ))
	tx1=$(( $(n "$a" cat /sys/class/net/wan1/statistics/tx_packets) - tx1 ))
	echo "through vcmp0: $summary; a sent $tx0 packets on link 1, $tx1 on link 2"
	show_b
	expect_match "receiver (vcmp0)" "$summary" "got $count, out_of_order 0, dups 0"
	if [ "$tx0" -gt $((count / 10)) ] && [ "$tx1" -gt $((count / 10)) ]; then
		[ "$(delta rx_reseq_queued "$q0")" -gt 0 ] ||
			fail "both links carried the stream but nothing waited"
	else
		echo "the sender kept to one link: the stream needed no resequencing"
	fi
	q0=$(st rx_reseq_queued)
	recv_start "$count"
	n "$a" "$VCMPFORGE" data --src 192.0.2.1:2426 --src 192.0.3.1:2426 \
		--dst 198.51.100.2:2426 --dst 198.51.101.2:2426 \
		--inner 10.0.0.1:5000,10.0.0.2:$PORT --spray "$count" --rate "$rate" \
		--first 100000	# well beyond the numbers vcmp0 used
	recv_wait >/dev/null
	echo "forged, alternating: $summary"
	show_b
	[ "$(delta rx_reseq_queued "$q0")" -gt $((count / 10)) ] ||
		fail "only $(delta rx_reseq_queued "$q0") packets waited: were both links used?"
	expect_match "receiver (forged)" "$summary" "got $count, out_of_order 0, dups 0"
}
hold_at_least() { [ "$(reseq_field hold_us)" -ge "$1" ]; }

ktap_plan 9
run_case "out-of-order packets over two links delivered in order" test_order
run_case "duplicates dropped and counted" test_dups
run_case "a hole is given up after the hold time; the late packet counted" test_timeout_late
run_case "a FEC parity packet's number: filled, nobody waits for it" test_parity_fill
run_case "a peer with one link does not buffer" test_single_link
run_case "a FEC member after its group was forgotten: still a duplicate" test_fec_late_dup
run_case "memory cap under a flood" test_mem_cap
run_case "peer removed with packets waiting" test_peer_del_waiting
run_case "10 ms and 40 ms links, alternating: 0 out of order" test_netem
ktap_finish
