#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown and reconfiguration while packets are in flight. Two sites
# joined by an encrypted (aes-gcm-128) tunnel over a lossy veth carry an
# iperf3 TCP stream and a DF flow of 3000-byte echo requests that vcmp
# must split into VCMP fragments (the loss leaves incomplete reassembly
# queues behind, so the reassembly timer runs); then, LIFECYCLE_ROUNDS
# times each (default 3; "make stress": 100):
#   - both devices go with "ip link del",
#   - both namespaces go (their processes killed, the devices dismantled
#     by the namespace cleanup),
#   - the module goes with rmmod, devices and all;
# and CHURN_ROUNDS times (default 200; "make stress": 1000) a peer with a
# link and an SA, a second link of the busy peer and its SAs (a rekey) are
# added and removed under traffic, which must recover afterwards.
# Each case ends with rmmod (which hangs on a stuck device reference: it
# has LIFECYCLE_RMMOD_TIMEOUT s), a fresh load and "ip link add"; the
# kernel's slab objects in use must come back near where they started
# (kmemleak on the debug kernel is the exact check).
#
#   site a (vcmp0 10.0.0.1) --wan0 (netem loss)-- site b (vcmp0 10.0.0.2)
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip tc iperf3 ethtool rmmod modprobe

VCMPFORGE=${VCMPFORGE:-$LIB_DIR/tools/vcmpforge}
FUZZ=${VCMPNLFUZZ:-$LIB_DIR/tools/vcmpnlfuzz}
ROUNDS=$(scale "${LIFECYCLE_ROUNDS:-3}" 1)
CHURN=$(scale "${CHURN_ROUNDS:-200}" 20)
RMMOD_TIMEOUT=${LIFECYCLE_RMMOD_TIMEOUT:-120}
# Slab in use a case may leave behind: 4 MiB plus 64 KiB a round
# (a leaked skb per packet exceeds it quickly, a peer per round over the
# 100 rounds of make stress; up to ~1.5 MiB were seen held after three
# rounds and freed later by the kernel's deferred namespace cleanup;
# kmemleak on the debug kernel is the exact check).
SLAB_SLACK_KB=${LIFECYCLE_SLAB_SLACK_KB:-4096}
SLAB_ROUND_KB=${LIFECYCLE_SLAB_ROUND_KB:-64}

for t in "$VCMPFORGE" "$FUZZ"; do
	[ -x "$t" ] || { echo "# SKIP: $t not built"; exit $KSFT_SKIP; }
done

st() { stat_of "$1" vcmp0 "$2"; }
# slab_kb: kB in slab objects in use (active objects x size, all caches;
# less noisy than SUnreclaim, which counts partly used slab pages).
slab_kb() { awk 'NR > 2 { s += $2 * $4 } END { print int(s / 1024) }' /proc/slabinfo; }
# slab_save FILE: objects in use and their bytes per cache, into FILE.
slab_save() { awk 'NR > 2 { print $1, $2, $2 * $4 }' /proc/slabinfo >"$1"; }
# slab_growth BEFORE: the caches that grew most since slab_save BEFORE
# (what to look at when a case fails on growth), and how many network
# namespaces exist (a namespace nothing frees shows here first).
slab_growth() {
	slab_save "$1.now"
	awk 'NR == FNR { o[$1] = $2; b[$1] = $3; next }
		{ d = $3 - b[$1]; if (d > 0) printf "%d %s %d\n", d / 1024, $1, $2 - o[$1] }' \
		"$1" "$1.now" |
		sort -rn | head -8 | awk '{ printf "  %s: +%d kB, +%d objects\n", $2, $1, $3 }'
	local ns
	ns=$(netns_objs)
	echo "  network namespaces in use: ${ns:-not counted (cache merged)}"
}
# netns_objs: network namespaces in the slab, dying ones included; prints
# nothing when the count is not theirs alone (SLUB merged the cache with
# others of its size: the VMs boot with slab_nomerge, see vm/run.sh).
netns_objs() {
	[ "$(cat /sys/kernel/slab/net_namespace/aliases 2>/dev/null)" = 0 ] || return 0
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo
}
# settle [NETNS]: what was freed is freed: caches dropped, dead namespaces
# (their cleanup runs from a workqueue, slowly under TCG: after 100
# rounds a backlog of them took minutes to go) gone. With NETNS (an
# earlier netns_objs), first waits up to NS_SETTLE_S (300) s for the
# namespaces to be back to that many, and says so when they are not (a
# namespace something holds never goes). Prints the lowest reading
# once five readings a second apart brought nothing lower (30 s at most).
settle() {
	local v low i slack ns still=0
	if [ -n "${1:-}" ]; then
		# SLUB counts the free objects of each cpu's current slab as
		# in use: within a slab per cpu of the count is back.
		slack=$(awk -v c="$(nproc)" '$1 == "net_namespace" { print $5 * c }' /proc/slabinfo)
		for i in $(seq 1 "${NS_SETTLE_S:-300}"); do
			ns=$(netns_objs)
			[ "$ns" -gt $(($1 + slack)) ] || break
			sleep 1
		done
		if [ "$ns" -gt $(($1 + slack)) ]; then
			echo "namespaces not back to $1 (+$slack) after $i s: $ns" >&2
		elif [ "$i" -gt 1 ]; then
			echo "namespaces back to $1 (+$slack) after $i s" >&2
		fi
	fi
	sync
	echo 3 >/proc/sys/vm/drop_caches
	low=$(slab_kb)
	for i in $(seq 1 30); do
		sleep 1
		echo 3 >/proc/sys/vm/drop_caches
		v=$(slab_kb)
		if [ "$v" -lt "$low" ]; then
			low=$v still=0
		else
			still=$((still + 1))
			[ "$still" -lt 5 ] || break
		fi
	done
	echo "$low"
}

# sites: namespaces a and b, vcmp0 peered over one link, keys both ways.
sites() {
	local ka kb
	setup_ns a b
	ip link add wan0 netns "$a" type veth peer name wan0 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$b" addr add 192.0.2.2/24 dev wan0
	ip -n "$a" link set wan0 up
	ip -n "$b" link set wan0 up
	for s in "$a 1 2 192.0.2.2" "$b 2 1 192.0.2.1"; do
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		# Above the effective MTU: DF packets reach vcmp, which
		# splits those of known flows into VCMP fragments.
		ip -n "$1" link set vcmp0 mtu 9000 up
		n "$1" "$VCMPCTL" peer add vcmp0 "$3" allowed-ips "10.0.0.$3/32" \
			link 1 remote "$4"
	done
	ka=$("$VCMPCTL" genkey aes-gcm-128)
	kb=$("$VCMPCTL" genkey aes-gcm-128)
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$kb"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$kb"
}

# traffic_start [LOSS%]: iperf3 a -> b, DF 3000-byte echo requests a -> b
# (VCMP fragments once the first has taught a the flow), and loss on a's
# underlay so that some fragment sets stay incomplete.
traffic_start() {
	[ -n "${1:-}" ] && tc -n "$a" qdisc add dev wan0 root netem loss "$1"
	ip netns exec "$b" iperf3 -s >/dev/null 2>&1 &
	echo $! >"$_state/pids"
	wait_for 5 tcp_listening "$b" 5201 ||
		fail "iperf3 server did not start"
	ip netns exec "$a" iperf3 -c 10.0.0.2 -t 3600 -i 0 >"$_state/iperf.log" 2>&1 &
	echo $! >>"$_state/pids"
	ip netns exec "$a" "$VCMPFORGE" ping --to 10.0.0.2 --size 3000 \
		--count 100000 --interval 20 --wait 0 >/dev/null 2>&1 &
	echo $! >>"$_state/pids"
}

traffic_stop() {
	local p
	[ -f "$_state/pids" ] || return 0
	for p in $(cat "$_state/pids"); do
		kill -9 "$p" 2>/dev/null || true
	done
	for p in $(cat "$_state/pids"); do
		wait "$p" 2>/dev/null || true
	done
	rm -f "$_state/pids"
}

# in_flight: wait until TCP data, VCMP fragments and reassembly move.
in_flight() {
	wait_for 15 stat_test "$a" tx_vcmp_frag -gt 0 ||
		{ tail -3 "$_state/iperf.log" >&2; fail "no VCMP fragments sent: $(n "$a" ethtool -S vcmp0 | awk '$2 != 0' | tr '\n' ' ')"; }
	wait_for 15 stat_test "$b" rx_reasm_ok -gt 0 ||
		fail "nothing reassembled at b"
}

# A gauge of held reassembly memory sampled just before the teardown.
sample_reasm() {
	local m
	m=$(st "$b" reasm_mem 2>/dev/null || echo 0)
	[ "$m" -gt 0 ] && held=$((held + 1))
	echo "reasm_mem at b before the teardown: $m bytes (timeouts so far $(st "$b" rx_drop_reasm_timeout))" >>"$_state/rounds.log"
}

# rmmod_and_back: the module unloads in time (nothing holds a device or
# the module), loads again and makes a device.
rmmod_and_back() {
	local refcnt t0
	if vcmp_loaded; then
		refcnt=$(cat /sys/module/vcmp/refcnt)
		t0=$(date +%s%N)
		timeout "$RMMOD_TIMEOUT" rmmod vcmp ||
			fail "rmmod vcmp failed or hung (refcnt was $refcnt): $(dmesg | tail -5 | tr '\n' ';')"
		echo "rmmod took $(( ($(date +%s%N) - t0) / 1000000 )) ms (module refcnt was $refcnt)"
	fi
	vcmp_load
	ip link add vcmp-check type vcmp || fail "ip link add fails after the teardown"
	ip link del vcmp-check
}

# round KIND: one teardown with everything in flight.
round() {
	local kind=$1 ns p
	sites
	traffic_start 5%
	in_flight
	sleep "0.$((RANDOM % 9 + 1))"
	sample_reasm
	case $kind in
	linkdel)
		ip -n "$a" link del vcmp0
		ip -n "$b" link del vcmp0
		traffic_stop
		;;
	netns)
		# The processes go at the same moment, so the namespaces are
		# dismantled right away with the devices in them.
		for ns in "$a" "$b"; do
			for p in $(ip netns pids "$ns"); do
				kill -9 "$p" 2>/dev/null || true
			done
			ip netns del "$ns"
			sed -i "/^$ns\$/d" "$_state/netns"
		done
		traffic_stop
		;;
	rmmod)
		timeout "$RMMOD_TIMEOUT" rmmod vcmp ||
			fail "rmmod under traffic failed or hung: $(dmesg | tail -5 | tr '\n' ';')"
		traffic_stop
		vcmp_load
		;;
	esac
	cleanup_all
}

lifecycle() {
	local kind=$1 i s0 s1 ns0 held=0 grew
	vcmp_load
	# A first round warms the caches up (namespaces, crypto tfms).
	round "$kind"
	held=0
	rmmod_and_back
	s0=$(settle)
	ns0=$(netns_objs)
	slab_save "$_state/slab0"
	for i in $(seq 1 "$ROUNDS"); do
		round "$kind"
	done
	rmmod_and_back
	s1=$(settle "$ns0")
	grew=$((s1 - s0))
	echo "$ROUNDS rounds of $kind under iperf3 + DF fragments (5% loss): reassembly memory held at $held of $ROUNDS teardowns; slab in use $s0 -> $s1 kB ($grew kB)"
	sed 's/^/  /' "$_state/rounds.log" | tail -3
	slab_growth "$_state/slab0"
	[ "$grew" -le $((SLAB_SLACK_KB + SLAB_ROUND_KB * ROUNDS)) ] ||
		fail "slab in use grew by $grew kB in $ROUNDS rounds"
	[ "$held" -gt 0 ] || echo "note: reasm_mem was 0 at every teardown"
}

test_linkdel() { lifecycle linkdel; }
test_netns() { lifecycle netns; }
test_rmmod() { lifecycle rmmod; }

# acked: bytes acknowledged on the busiest iperf3 connection of a.
acked() {
	n "$a" ss -Hti state established '( dport = :5201 )' |
		grep -o 'bytes_acked:[0-9]*' | cut -d: -f2 | sort -n | tail -1
}
tcp_moves() { [ "$(acked)" -gt "$1" ]; }

# ping_ok: the tunnel carries pings again (within 10 s).
ping_ok() { n "$a" ping -n -c 1 -W 1 10.0.0.2 >/dev/null; }

test_churn() {
	local s0 s1 ns0 ok0 out acked0 acked1
	vcmp_load
	s0=$(settle)
	ns0=$(netns_objs)
	slab_save "$_state/slab0"
	sites
	traffic_start
	in_flight
	# The requests go straight over netlink (tools/vcmpnlfuzz churn):
	# an exec of vcmpctl per request would take most of the time.
	n "$a" "$FUZZ" -d vcmp0 churn "$CHURN" "/run/netns/$b" ||
		fail "a churn request failed"
	# Traffic recovers: pings cross and DF fragments are reassembled.
	ok0=$(st "$b" rx_reasm_ok)
	wait_for 10 ping_ok || fail "no ping across the tunnel after $CHURN churn rounds"
	wait_for 10 stat_test "$b" rx_reasm_ok -gt "$ok0" ||
		fail "DF fragments no longer reassembled after the churn"
	# The iperf3 stream that ran through it all still moves.
	acked0=$(acked)
	[ -n "$acked0" ] || fail "the iperf3 connection is gone after the churn"
	wait_for 10 tcp_moves "$acked0" ||
		fail "the iperf3 stream stalled after the churn (bytes_acked $acked0)"
	out=$(n "$a" "$VCMPCTL" show vcmp0)
	expect_match "one peer left" "$out" "peers: 1"
	acked1=$(acked)
	traffic_stop
	echo "$CHURN rounds of peer/link/SA churn ($((CHURN * 9)) requests) under iperf3 + DF fragments: traffic recovered (iperf3 bytes_acked $acked0 -> $acked1); a: tx_drop_no_sa $(st "$a" tx_drop_no_sa), tx_drop_no_link $(st "$a" tx_drop_no_link); b: rx_drop_unknown_spi $(st "$b" rx_drop_unknown_spi), rx_reasm_ok $(st "$b" rx_reasm_ok)"
	cleanup_all
	rmmod_and_back
	s1=$(settle "$ns0")
	echo "slab in use $s0 -> $s1 kB ($((s1 - s0)) kB)"
	slab_growth "$_state/slab0"
	[ $((s1 - s0)) -le $((SLAB_SLACK_KB + CHURN / 4)) ] ||
		fail "slab in use grew by $((s1 - s0)) kB in $CHURN churn rounds"
}

ktap_plan 4
run_case "ip link del under traffic, $ROUNDS rounds" test_linkdel
run_case "namespace deletion under traffic, $ROUNDS rounds" test_netns
run_case "rmmod under traffic, $ROUNDS rounds" test_rmmod
run_case "config churn under traffic, $CHURN rounds" test_churn
ktap_finish
