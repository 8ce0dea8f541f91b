#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input on the tunnel port: tools/vcmphostile sends
# VCMP_HOSTILE_COUNT datagrams (default 1,000,000) to a vcmp device from
# another namespace: random bytes, valid packets cut at every offset,
# headers with each field mutated, unknown SPIs, bad ICVs, replays,
# authenticated packets with malformed contents (the generator has the
# inbound SA's key and encrypts with AF_ALG), VCMP fragment storms.
# Then, once the reassembly timeout has passed:
# - every datagram is accounted for exactly: the UDP stack saw each one
#   (or counted it as an error), and each one the device got was
#   delivered or counted by exactly one drop counter;
# - rx_errors is the sum of the drop counters; what was delivered is what
#   reached the stack (a tc filter counts it); every valid packet sent
#   was delivered; the counters of each kind of attack moved;
# - reassembly holds nothing and slab memory is back to its baseline.
# The kernel's taint flags and log are checked by the harness.
#
#   victim: wan0 192.0.2.1, vcmp0 10.9.0.1 <--veth--> attacker: 192.0.2.2
#           2001:db8::1 (random bytes, SPIs)              2001:db8::2
#   peer 2: aes-gcm-128, link 1 remote 192.0.2.2:40002, inner 10.9.0.2
#   peer 3: plain,       link 1 remote 192.0.2.2:40001, inner 10.9.0.3
#
# VCMP_HOSTILE_COUNT, VCMP_HOSTILE_SEED (reproduce a run: the seed is
# printed) and VCMP_HOSTILE_RATE (datagrams per second, 0: no limit)
# tune it.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip tc ethtool modprobe

HOSTILE=$LIB_DIR/tools/vcmphostile
COUNT=${VCMP_HOSTILE_COUNT:-1000000}
debug_kernel && COUNT=${VCMP_HOSTILE_COUNT:-$(scale 1000000 20000)}
RATE=${VCMP_HOSTILE_RATE:-0}
SEED=${VCMP_HOSTILE_SEED:-}
SPI=0x01000001
REASM_MEM_MAX=262144	# small, so that fragment floods hit the cap

[ -x "$HOSTILE" ] || { echo "# SKIP: $HOSTILE not built"; exit $KSFT_SKIP; }

# stats NS DEV: "name value" lines of ethtool -S plus the standard counters.
stats() {
	n "$1" ethtool -S "$2" | awk -F': *' 'NF == 2 { gsub(/ /, "", $1); print $1, $2 }'
	for c in rx_packets rx_errors rx_dropped; do
		echo "std_$c $(n "$1" cat "/sys/class/net/$2/statistics/$c")"
	done
}

# val FILE NAME: a value from a stats or key=value file (0 when absent).
val() { awk -v k="$2" '($1 == k) { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }

# delta NAME: after - before.
delta() { echo $(($(val "$after" "$1") - $(val "$before" "$1"))); }

# sum_drops FILE: sum of the rx_drop_* counters.
sum_drops() { awk '$1 ~ /^(rx_drop_|fec_rx_drop_)/ { s += $2 } END { print s + 0 }' "$1"; }

# udp_mib NS: the UDP MIBs of NS as "udp_Name value" (IPv4) and
# "Udp6Name value" (IPv6) lines.
udp_mib() {
	n "$1" awk '/^Udp:/ { if (!h) { split($0, k); h = 1 } else
		for (i = 2; i <= NF; i++) print "udp_" k[i], $i }' /proc/net/snmp
	n "$1" awk '/^Udp6/ { print $1, $2 }' /proc/net/snmp6
}

# link_drops NS DEV: rx and tx drops of a device.
link_drops() {
	echo $(($(n "$1" cat "/sys/class/net/$2/statistics/rx_dropped") +
		$(n "$1" cat "/sys/class/net/$2/statistics/tx_dropped")))
}

# tc_count NS DEV: packets the ingress matchall filter of DEV saw.
tc_count() {
	n "$1" tc -s filter show dev "$2" ingress |
		awk '/Sent [0-9]+ bytes [0-9]+ pkt/ { for (i = 1; i <= NF; i++)
			if ($i == "pkt") { print $(i - 1); exit } }'
}

# slab_snapshot: unreclaimable slab (kB), and the objects of the caches a
# leaked packet or reassembly queue would live in, after freeing the empty
# slabs the allocator keeps.
slab_snapshot() {
	local f
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null || true
	done
	awk '/^SUnreclaim:/ { print "sunreclaim_kb", $2 }' /proc/meminfo
	awk '$1 ~ /^(skbuff_head_cache|skbuff_small_head|kmalloc-[0-9k]+)$/ {
		s += $2 } END { print "slab_objs", s + 0 }' /proc/slabinfo 2>/dev/null
}

setup() {
	local key
	setup_ns v x
	ip link add wan0 netns "$v" type veth peer name wan0 netns "$x"
	ip -n "$v" addr add 192.0.2.1/24 dev wan0
	ip -n "$x" addr add 192.0.2.2/24 dev wan0
	ip -n "$v" addr add 2001:db8::1/64 dev wan0 nodad
	ip -n "$x" addr add 2001:db8::2/64 dev wan0 nodad
	ip -n "$v" link set wan0 up
	ip -n "$x" link set wan0 up
	ip -n "$v" link add vcmp0 type vcmp
	ip -n "$v" addr add 10.9.0.1/24 dev vcmp0
	ip -n "$v" addr add fd09::1/64 dev vcmp0 nodad
	ip -n "$v" link set vcmp0 up
	# Count what is delivered, then throw it away: no answers.
	n "$v" tc qdisc add dev vcmp0 clsact
	n "$v" tc filter add dev vcmp0 ingress matchall action drop
	n "$v" "$VCMPCTL" peer add vcmp0 2 suite aes-gcm-128 \
		allowed-ips 10.9.0.2/32,fd09::2/128 link 1 remote 192.0.2.2:40002
	n "$v" "$VCMPCTL" peer add vcmp0 3 suite plain \
		allowed-ips 10.9.0.3/32,fd09::3/128 link 1 remote 192.0.2.2:40001
	KEY=$("$VCMPCTL" genkey aes-gcm-128)
	key=$("$VCMPCTL" genkey aes-gcm-128)
	n "$v" "$VCMPCTL" sa add vcmp0 2 $SPI in key "$KEY"
	n "$v" "$VCMPCTL" sa add vcmp0 2 0x01000002 out key "$key"
}

# The VM has no udev: load what the generator's socket(AF_ALG) needs.
test_af_alg() {
	modprobe algif_aead ||
		fail "algif_aead (CONFIG_CRYPTO_USER_API_AEAD) not available"
	grep -q '^algif_aead' /proc/modules || grep -q '/algif_aead.ko$' \
		"/lib/modules/$(uname -r)/modules.builtin" ||
		fail "algif_aead loaded but not listed"
}

test_hostile() {
	local before=$_state/before after=$_state/after out=$_state/gen
	local old_mem sent good recv lost delivered drops keep pmtu frags
	local rx_errors tcn m0 m1 o0 o1 t0 i

	modprobe algif_aead 2>/dev/null || true
	vcmp_load
	old_mem=$(cat /sys/module/vcmp/parameters/reasm_mem_max)
	echo "$old_mem" >"$_state/reasm_mem_max"
	echo $REASM_MEM_MAX >/sys/module/vcmp/parameters/reasm_mem_max
	setup

	slab_snapshot >"$_state/mem0"
	{ stats "$v" vcmp0; udp_mib "$v"; } >"$before"
	echo "lost $(( $(link_drops "$v" wan0) + $(link_drops "$x" wan0) ))" >>"$before"

	t0=$(date +%s%N)
	n "$x" "$HOSTILE" --dst 192.0.2.1 --src 192.0.2.2 \
		--dst6 2001:db8::1 --src6 2001:db8::2 \
		--plain-src 40001 --esp-src 40002 --rand-src 40010 \
		--plain-inner 10.9.0.3,fd09::3 --esp-inner 10.9.0.2,fd09::2 \
		--inner-dst 10.9.0.1,fd09::1 --spi $SPI --key "$KEY" \
		--count "$COUNT" --rate "$RATE" ${SEED:+--seed "$SEED"} \
		| tr '=' ' ' >"$out" || fail "vcmphostile failed"
	echo "# generator: $(tr '\n' ' ' <"$out")"

	# Queued fragments time out after reasm_timeout_ms; asynchronous
	# decryptions finish. Then everything must add up.
	sent=$(val "$out" sent)
	for i in $(seq 1 100); do
		sleep 0.2
		{ stats "$v" vcmp0; udp_mib "$v"; } >"$after"
		echo "lost $(( $(link_drops "$v" wan0) + $(link_drops "$x" wan0) ))" >>"$after"
		recv=$(($(delta udp_InDatagrams) + $(delta Udp6InDatagrams)))
		delivered=$(delta std_rx_packets)
		drops=$(( $(sum_drops "$after") - $(sum_drops "$before") ))
		keep=$(delta rx_nat_keepalive)
		pmtu=$(( $(delta pmtud_probe_rx) + $(delta pmtud_ack_rx) ))
		mon=$(( $(delta mon_probe_rx) + $(delta mon_probe_ack_rx) + $(delta mon_feedback_rx) ))
		# Valid parity is consumed; packets it rebuilds were never sent.
		fec=$(( $(delta fec_rx_parity) - $(delta fec_rx_rebuilt) ))
		frags=$(( $(delta rx_reasm_frags) - $(delta rx_reasm_ok) ))
		[ "$(val "$after" reasm_mem)" = 0 ] &&
			[ "$recv" = $((delivered + drops + keep + pmtu + mon + fec + frags)) ] &&
			break
	done
	echo "# settled $(( ($(date +%s%N) - t0) / 1000000 )) ms after the start"
	echo "# counters moved:"
	awk 'NR == FNR { b[$1] = $2; next } $2 != b[$1] { printf "#   %s %d\n", $1, $2 - b[$1] }' \
		"$before" "$after"

	lost=$(( $(delta udp_InErrors) + $(delta Udp6InErrors) + $(delta lost) ))
	echo "# sent $sent = received $recv + lost $lost"
	echo "# received $recv = delivered $delivered + dropped $drops + keepalives $keep + pmtu $pmtu + link monitoring $mon + fec parity less rebuilt $fec + fragments held in reassembled packets $frags"
	expect_eq "datagrams sent vs received by UDP + lost" "$sent" $((recv + lost))
	expect_eq "datagrams received vs accounted" "$recv" \
		$((delivered + drops + keep + pmtu + mon + fec + frags))
	rx_errors=$(delta std_rx_errors)
	expect_eq "rx_errors vs the sum of rx_drop_*" "$rx_errors" "$drops"
	tcn=$(tc_count "$v" vcmp0)
	expect_eq "packets the stack got (tc) vs rx_packets" "$tcn" "$delivered"
	expect_eq "reasm_mem after the timeout" "$(val "$after" reasm_mem)" 0

	good=$(val "$out" good)
	[ "$delivered" -ge "$good" ] ||
		fail "delivered $delivered < $good valid packets sent"
	[ "$(delta rx_drop_unknown_spi)" -ge "$(val "$out" spi)" ] ||
		fail "rx_drop_unknown_spi below the $(val "$out" spi) unknown-SPI packets"
	[ "$(delta rx_drop_bad_icv)" -ge "$(val "$out" icv)" ] ||
		fail "rx_drop_bad_icv below the $(val "$out" icv) tampered packets"
	[ "$(delta rx_drop_replay)" -ge "$(val "$out" replay)" ] ||
		fail "rx_drop_replay below the $(val "$out" replay) replays"
	# Replays from below the window fail authentication instead.
	[ $(($(delta rx_drop_replay) + $(delta rx_drop_bad_icv))) -ge \
	  $(($(val "$out" replay) + $(val "$out" replay_old) + $(val "$out" icv))) ] ||
		fail "rx_drop_replay + rx_drop_bad_icv below the replays and tampered packets"
	if [ "$COUNT" -ge 100000 ]; then
		for c in rx_drop_short rx_drop_bad_header rx_drop_unknown_peer \
			 rx_drop_unknown_link rx_drop_bad_inner rx_drop_inner_src \
			 rx_drop_bad_esp rx_drop_non_esp \
			 rx_drop_reasm_overlap rx_drop_reasm_dup rx_drop_reasm_bad \
			 rx_drop_reasm_timeout rx_drop_reasm_mem rx_reasm_ok \
			 rx_nat_keepalive; do
			[ "$(delta $c)" -gt 0 ] || fail "$c did not move"
		done
	fi

	# Memory: the device still exists; what the flood allocated is freed.
	slab_snapshot >"$_state/mem1"
	m0=$(val "$_state/mem0" sunreclaim_kb) m1=$(val "$_state/mem1" sunreclaim_kb)
	o0=$(val "$_state/mem0" slab_objs) o1=$(val "$_state/mem1" slab_objs)
	echo "# unreclaimable slab ${m0} -> ${m1} kB ($((m1 - m0)) kB), skb/kmalloc objects $o0 -> $o1 ($((o1 - o0)))"
	# A leaked packet (an skb and its data, 2 objects, 1-3 kB) per
	# thousand datagrams would exceed these; the noise is a few hundred
	# objects and tens of kB.
	[ $((m1 - m0)) -le $((1024 + sent / 2000)) ] ||
		fail "unreclaimable slab grew by $((m1 - m0)) kB"
	[ $((o1 - o0)) -le $((500 + sent / 4000)) ] ||
		fail "skb/kmalloc slab objects grew by $((o1 - o0))"

	echo "# $sent datagrams in $(val "$out" seconds) s ($(val "$out" pps)/s)"
	echo "$old_mem" >/sys/module/vcmp/parameters/reasm_mem_max
}

# The harness's own teardown must find the device gone: its memory too.
test_teardown() {
	local m
	vcmp_loaded || skip "vcmp not loaded"
	[ -f "$_state/reasm_mem_max" ] &&
		cat "$_state/reasm_mem_max" >/sys/module/vcmp/parameters/reasm_mem_max
	wait_for 10 out_test = 0 cat /sys/module/vcmp/refcnt ||
		fail "vcmp references left: $(cat /sys/module/vcmp/refcnt)"
	vcmp_unload
	! vcmp_loaded || fail "vcmp still loaded"
}

ktap_plan 3
run_case "AF_ALG AEAD for the generator" test_af_alg
run_case "$COUNT hostile datagrams: no crash, exact accounting, memory back" test_hostile
run_case "netns gone: no references left, rmmod" test_teardown
ktap_finish
