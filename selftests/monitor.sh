#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Link monitoring: per-link RTT and loss against the truth measured in the
# same run, link state down when a link turns into a black hole and up
# again only after the hysteresis, malformed probes and reports counted,
# and the probe rate of an idle peer.
#
#   site-a wan0 ------------------------ wan0 site-b    link 1
#   site-a wan1 ------------------------ wan1 site-b    link 2
#
# vcmp0 is 10.0.0.1 at a, 10.0.0.2 at b; b is peer 2 of a, a peer 1 of b.
# Traffic goes on link 1 (the first link) unless steering says otherwise.
# shellcheck source=lib.sh disable=SC2154,SC2317 # a, b, _state: set by lib.sh; cases run through run_case
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tc awk
if [ -z "${VCMPFORGE:-}" ]; then
	VCMPFORGE=$(type -P vcmpforge || echo "$LIB_DIR/tools/vcmpforge")
fi
[ -x "$VCMPFORGE" ] || { echo "# SKIP: vcmpforge not built (make -C selftests tools)"; exit "$KSFT_SKIP"; }

PARAMS=/sys/module/vcmp/parameters

# sites SUITE: two namespaces, two direct underlays, vcmp0 peered both
# ways over links 1 (192.0.2.0/24) and 2 (203.0.113.0/24).
sites() {
	local suite=$1 ka kb s
	setup_ns a b
	ip link add wan0 netns "$a" type veth peer name wan0 netns "$b"
	ip link add wan1 netns "$a" type veth peer name wan1 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$b" addr add 192.0.2.2/24 dev wan0
	ip -n "$a" addr add 203.0.113.1/24 dev wan1
	ip -n "$b" addr add 203.0.113.2/24 dev wan1
	for s in "$a" "$b"; do
		ip -n "$s" link set wan0 up
		ip -n "$s" link set wan1 up
	done
	for s in "$a 1" "$b 2"; do
		# shellcheck disable=SC2086
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" link set vcmp0 up
	done
	n "$a" "$VCMPCTL" peer add vcmp0 2 suite "$suite" allowed-ips 10.0.0.2/32
	n "$b" "$VCMPCTL" peer add vcmp0 1 suite "$suite" allowed-ips 10.0.0.1/32
	if [ "$suite" != plain ]; then
		ka=$("$VCMPCTL" genkey "$suite")
		kb=$("$VCMPCTL" genkey "$suite")
		n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$ka"
		n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$ka"
		n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$kb"
		n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$kb"
	fi
	n "$a" "$VCMPCTL" link add vcmp0 2 1 remote 192.0.2.2:2426
	n "$a" "$VCMPCTL" link add vcmp0 2 2 remote 203.0.113.2:2426
	n "$b" "$VCMPCTL" link add vcmp0 1 1 remote 192.0.2.1:2426
	n "$b" "$VCMPCTL" link add vcmp0 1 2 remote 203.0.113.1:2426
	# The cases measure link 1 with traffic on it and link 2 as the
	# standby: steering would otherwise pick the link with less delay, or
	# leave link 1 once its loss makes it degraded.
	n "$a" "$VCMPCTL" class set vcmp0 0 link 1 mandatory
	n "$b" "$VCMPCTL" class set vcmp0 0 link 1 mandatory
	wait_for 10 state_is "$a" 2 1 up || fail "a's link 1 never came up: $(link_json "$a" 2 1)"
	wait_for 10 state_is "$a" 2 2 up || fail "a's link 2 never came up: $(link_json "$a" 2 2)"
}

# link_json NS PEER ID: the JSON object of link ID of PEER, up to its
# first '}' (the QoE object, which vcmpctl prints last).
link_json() {
	n "$1" "$VCMPCTL" -j peer show vcmp0 "$2" |
		sed -n 's/.*"links":\[\([^]]*\)\].*/\1/p' |
		grep -o "{\"id\":$3,[^}]*}" || true
}

# field JSON KEY: the value of KEY, quotes removed; empty if absent.
field() {
	{ grep -o "\"$2\":[^,}]*" <<<"$1" || true; } | head -1 | cut -d: -f2- | tr -d '"'
}

# lf NS PEER LINK KEY: a field of a link, from "vcmpctl -j peer show".
lf() { field "$(link_json "$1" "$2" "$3")" "$4"; }
state_is() { [ "$(lf "$1" "$2" "$3" state)" = "$4" ]; }

# within WHAT GOT WANT TOLERANCE
within() {
	local d=$(($2 - $3))
	[ "${d#-}" -le "$4" ] || fail "$1: $2 not within $4 of $3"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# set_param NAME VALUE: module parameter for links created after it;
# restored at the end of the test.
set_param() {
	[ -f "$_state/param.$1" ] || cat "$PARAMS/$1" >"$_state/param.$1"
	echo "$2" >"$PARAMS/$1"
}
restore_params() {
	local f
	for f in "$_state"/param.*; do
		[ -f "$f" ] || continue
		cat "$f" >"$PARAMS/${f##*/param.}"
		rm -f "$f"
	done
}

# (a) RTT and loss against the truth of the same run. Truth: ping over the
# underlay of link 1 at the same time (RTT), netem's own drop counter
# (loss a -> b). The link's figures are averaged over samples taken
# during the same period. RTT first, under light traffic (a loaded TCG VM
# delays ping and tunnel alike, but not by the same amount); then loss,
# under enough traffic to fill the loss window.
test_metrics() {
	local n=0 srtt=0 ltx=0 lrx=0 ping_out rtt_truth sent dropped
	local s0 d0 loss_truth loss_tx loss_rx j jb pid tpid
	sites aes-gcm-128
	tc -n "$a" qdisc add dev wan0 root netem delay 30ms 5ms loss 2%
	n "$a" ping -q -i 0.1 -w 12 10.0.0.2 >/dev/null 2>&1 &
	pid=$!
	sleep 2
	n "$a" ping -q -i 0.1 -c 60 192.0.2.2 >"$_state/ping.txt" 2>&1 &
	tpid=$!
	for _ in $(seq 1 12); do
		sleep 0.5
		srtt=$((srtt + $(lf "$a" 2 1 srtt_us)))
		n=$((n + 1))
	done
	wait "$tpid" || true
	wait "$pid" || true
	ping_out=$(cat "$_state/ping.txt")
	rtt_truth=$(awk '/^(rtt|round-trip)/ { split($0, a, "= "); split(a[2], v, "/"); printf "%d", v[2] * 1000 }' <<<"$ping_out")
	[ "${rtt_truth:-0}" -gt 0 ] || fail "no ping truth: $ping_out"
	srtt=$((srtt / n))
	echo "rtt: link 1 srtt ${srtt} us (mean of $n samples), underlay ping ${rtt_truth} us"

	# Counted traffic over the tunnel, on link 1: echo requests a -> b.
	n=0
	n "$a" ping -q -i 0.005 -s 200 -w 30 10.0.0.2 >/dev/null 2>&1 &
	pid=$!
	sleep 4		# the loss window fills
	set -- $(netem_counts)
	s0=$1 d0=$2
	for _ in $(seq 1 16); do
		sleep 0.5
		j=$(link_json "$a" 2 1)
		jb=$(link_json "$b" 1 1)
		ltx=$((ltx + $(field "$j" loss_tx_ppm)))
		lrx=$((lrx + $(field "$jb" loss_rx_ppm)))
		n=$((n + 1))
	done
	set -- $(netem_counts)
	sent=$1 dropped=$2
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "last sample a: $j"
	echo "last sample b: $jb"
	sent=$((sent - s0)) dropped=$((dropped - d0))
	[ "$sent" -gt 1000 ] || fail "too little traffic on link 1: $sent packets"
	loss_truth=$((dropped * 1000000 / (sent + dropped)))
	loss_tx=$((ltx / n)) loss_rx=$((lrx / n))
	echo "loss a->b: truth ${loss_truth} ppm ($dropped of $((sent + dropped))), a's tx ${loss_tx} ppm, b's rx ${loss_rx} ppm (means of $n samples)"
	# Within 10 % of the truth; half of it on a debug kernel, whose
	# crypto and timers add tens of milliseconds that ping does not see.
	if debug_kernel; then
		within "srtt (us, debug kernel)" "$srtt" "$rtt_truth" $((rtt_truth / 2))
	else
		within "srtt (us)" "$srtt" "$rtt_truth" $((rtt_truth / 10))
	fi
	# Within 1 point (10000 ppm) of the truth, both ends.
	within "a's loss_tx (ppm)" "$loss_tx" "$loss_truth" 10000
	within "b's loss_rx (ppm)" "$loss_rx" "$loss_truth" 10000
	# The unshaped link stays clean.
	j=$(link_json "$a" 2 2)
	[ "$(field "$j" loss_tx_ppm)" -le 10000 ] || fail "link 2 shows loss: $j"
}

# netem_counts: packets sent and dropped by a's netem on wan0.
netem_counts() {
	tc -n "$a" -s qdisc show dev wan0 |
		awk '/Sent/ { s = $4; d = $7; sub(",", "", d); print s, d; exit }'
}

# blackhole NS DEV on|off: drop everything in and out of DEV.
blackhole() {
	if [ "$3" = on ]; then
		# One tc run: both directions go dark at (about) the same time.
		tc -n "$1" -batch - <<-EOF
		qdisc add dev $2 clsact
		filter add dev $2 ingress pref 1 matchall action drop
		filter add dev $2 egress pref 1 matchall action drop
		EOF
	else
		tc -n "$1" qdisc del dev "$2" clsact
	fi
}

# kmsg_mark TEXT: a line in the kernel log, stamped by the kernel's clock.
kmsg_mark() { echo "monitor.sh: $1" >/dev/kmsg; }

# kmsg_time REGEX: the kernel timestamp (ms) of the last log line matching
# REGEX; empty when there is none.
kmsg_time() {
	dmesg | awk -v re="$1" '$0 ~ re { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); last = t }
		END { if (last != "") printf "%d", last * 1000 }'
}

# kmsg_has REGEX: the kernel log has a line matching REGEX after the last
# marker.
kmsg_has() {
	dmesg | awk -v re="$1" 'index($0, "monitor.sh: ") { f = 0 } $0 ~ re { f = 1 } END { exit !f }'
}

# (b) + (c): link 1 turns into a black hole while traffic flows, then
# comes back. The latencies are measured on the kernel's clock (a marker
# in the kernel log after the change, and the state change's own log
# line), so that the VM's slow user space does not count.
test_failover() {
	local mon t0 t1 t2 t3 down_ms up_ms probe hyst st pid
	sites aes-gcm-128
	probe=$(cat "$PARAMS/probe_ms")
	hyst=$(cat "$PARAMS/up_probes")
	mon=$_state/monitor.txt
	bash -c "echo \$\$ >'$_state/mon.pid'; exec ip netns exec '$a' timeout 60 '$VCMPCTL' monitor" >"$mon" &
	n "$a" ping -q -i 0.01 -w 30 10.0.0.2 >/dev/null 2>&1 &
	pid=$!
	sleep 2
	state_is "$a" 2 1 up || fail "link 1 not up before: $(link_json "$a" 2 1)"
	# Markers before and after tc: the black hole starts in between.
	kmsg_mark "black hole coming"
	blackhole "$a" wan0 on
	kmsg_mark "black hole on"
	wait_for 10 state_is "$a" 2 1 down || fail "link 1 never went down: $(link_json "$a" 2 1)"
	t0=$(kmsg_time "monitor.sh: black hole coming")
	t2=$(kmsg_time "monitor.sh: black hole on")
	t1=$(kmsg_time "vcmp0: peer 2 link 1 down")
	[ -n "$t1" ] || fail "no state change in the kernel log"
	down_ms=$((t1 - t2))
	echo "link 1 down ${down_ms} ms after the black hole ($((t1 - t0)) ms after tc started; probe interval ${probe} ms)"
	# tc may return long after its change took effect (a debug kernel
	# took 1.2 s): only a down before tc started is a false one.
	[ "$t1" -ge "$t0" ] || fail "down before the black hole (before tc started)"
	wait_for 10 grep -q "link 1 changed: state down" "$mon" ||
		fail "no down event in vcmpctl monitor: $(cat "$mon")"
	state_is "$a" 2 2 up || fail "link 2 suffered: $(link_json "$a" 2 2)"
	# About 2 intervals with data unacknowledged, 3 missed probes at most;
	# the margin is for the late timers of a loaded TCG VM.
	[ "$down_ms" -le $((3 * probe + 700)) ] ||
		fail "down after ${down_ms} ms, more than 3 probe intervals + 700 ms"

	sleep 1
	kmsg_mark "black hole going"
	blackhole "$a" wan0 off
	kmsg_mark "black hole off"
	st=$(lf "$a" 2 1 state)
	# Back up; then maybe degraded, while the loss window still holds
	# what the black hole swallowed.
	# Up, or straight to degraded when the loss the black hole caused is
	# still in the window (either way usable again).
	wait_for 10 kmsg_has "vcmp0: peer 2 link 1 (up|degraded)" ||
		fail "link 1 never came back: $(link_json "$a" 2 1)"
	t0=$(kmsg_time "monitor.sh: black hole going")
	t2=$(kmsg_time "monitor.sh: black hole off")
	t3=$(kmsg_time "vcmp0: peer 2 link 1 (up|degraded)")
	up_ms=$((t3 - t2))
	echo "link 1 up again ${up_ms} ms after the restore ($((t3 - t0)) ms after tc started;" \
		"hysteresis: $hyst good intervals; state right after: $st)"
	# Not before the hysteresis: up_probes good slots, the first may be
	# partial. Counted from before tc: tc may return long after its
	# change took effect (1.1 s on a debug kernel).
	[ $((t3 - t0)) -ge $(((hyst - 1) * probe)) ] ||
		fail "up $((t3 - t0)) ms after tc started, less than $((hyst - 1)) probe intervals"
	wait_for 10 grep -Eq "link 1 changed: state (up|degraded)" "$mon" ||
		fail "no up event in vcmpctl monitor: $(cat "$mon")"
	kill "$pid" "$(cat "$_state/mon.pid")" 2>/dev/null || true
	wait 2>/dev/null || true
	sed 's/^/monitor: /' "$mon"
}

# (d) malformed probes and reports are counted, valid ones answered.
test_malformed() {
	local src=192.0.2.1:2426 dst=192.0.2.2:2426 bp bf pr j
	sites plain
	bp=$(stat_of "$b" vcmp0 rx_drop_bad_link_probe)
	bf=$(stat_of "$b" vcmp0 rx_drop_bad_feedback)
	pr=$(stat_of "$b" vcmp0 mon_probe_rx)
	f() { n "$a" "$VCMPFORGE" ctl --src "$src" --dst "$dst" --seq 100000 "$@"; }
	f --type probe --payload 00000001			# short
	f --type probe --payload 000000010000000100		# long
	f --type probe --payload 0000000100000001		# reserved set
	f --type probe-ack --payload 0000000100000000		# no echo
	f --type feedback --payload 0100				# short
	f --type feedback --payload "02$(printf '0%.0s' $(seq 1 46))"	# version 2
	f --type feedback --payload "0100000a000b$(printf '0%.0s' $(seq 1 36))"	# lost > pkts
	f --type probe --count 3				# valid
	wait_for 5 stat_test "$b" mon_probe_rx -ge $((pr + 3)) ||
		fail "valid forged probes not answered: $(n "$b" ethtool -S vcmp0 | grep mon_)"
	expect_eq "bad link probes" "$(stat_of "$b" vcmp0 rx_drop_bad_link_probe)" $((bp + 4))
	expect_eq "bad feedback" "$(stat_of "$b" vcmp0 rx_drop_bad_feedback)" $((bf + 3))
	# Still alive and carrying traffic.
	n "$a" ping -c 3 -i 0.2 -W 2 10.0.0.2 >/dev/null || fail "tunnel broken after forged packets"
	j=$(link_json "$b" 1 1)
	echo "b's link 1: $j"
}

# (e) probe rates: probe_ms on a standby link while the peer is busy,
# idle_probe_ms once the peer is idle.
test_idle_rate() {
	local idle_after=1500 idle_probe=500 probe p0 p1 q0 q1 t0 t1 busy idle pid
	set_param idle_after_ms "$idle_after"
	set_param idle_probe_ms "$idle_probe"
	probe=$(cat "$PARAMS/probe_ms")
	sites aes-gcm-128
	restore_params
	# Busy: traffic on link 1; link 2 is the standby.
	n "$a" ping -q -i 0.02 -w 6 10.0.0.2 >/dev/null 2>&1 &
	pid=$!
	sleep 1
	p0=$(lf "$a" 2 2 probes_sent) t0=$(now_ms)
	sleep 4
	p1=$(lf "$a" 2 2 probes_sent) t1=$(now_ms)
	busy=$(((p1 - p0) * 1000000 / (t1 - t0)))
	wait "$pid" || true
	# Idle: nothing for idle_after_ms, then measure both links.
	sleep $(((idle_after + 999) / 1000 + 1))
	p0=$(lf "$a" 2 1 probes_sent) q0=$(lf "$a" 2 2 probes_sent) t0=$(now_ms)
	sleep 6
	p1=$(lf "$a" 2 1 probes_sent) q1=$(lf "$a" 2 2 probes_sent) t1=$(now_ms)
	idle=$(((p1 - p0 + q1 - q0) * 1000000 / 2 / (t1 - t0)))
	echo "probes per 1000 s: standby link while busy $busy (want ~$((1000000 / probe))), idle $idle (want ~$((1000000 / idle_probe)))"
	# Busy: at least half the nominal rate (timers run late under load),
	# a quarter on a debug kernel.
	if debug_kernel; then
		[ "$busy" -ge $((1000000 / probe / 4)) ] || fail "standby link probes too slowly: $busy"
	else
		[ "$busy" -ge $((1000000 / probe / 2)) ] || fail "standby link probes too slowly: $busy"
	fi
	# Idle: about 1 / idle_probe_ms, far below the busy rate.
	[ "$idle" -le $((1000000 * 3 / 2 / idle_probe)) ] || fail "idle peer probes too often: $idle"
	[ "$idle" -ge $((1000000 / idle_probe / 2)) ] || fail "idle peer probes too rarely: $idle"
	state_is "$a" 2 1 up || fail "idle link 1 not up"
	state_is "$a" 2 2 up || fail "idle link 2 not up"
}

[ "${1:-}" = --lib ] && return 0
vcmp_load
ktap_plan 4
run_case "RTT and loss within 10 % / 1 point of the truth" test_metrics
run_case "black hole: down within ~3 probe intervals, up after the hysteresis" test_failover
run_case "malformed probes and feedback counted" test_malformed
run_case "probe rate: busy standby link vs idle peer" test_idle_rate
restore_params
ktap_finish
