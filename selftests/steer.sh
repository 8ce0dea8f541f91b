#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Steering: two sites joined by three direct links (veth pairs), plain
# mode so that captures show the VCMP header. Rules put packets in
# classes by DSCP, protocol and port; a flow stays on one link and moves
# when that link goes down or is removed; spray spreads a burst over the
# links by their configured bandwidth; dup sends every packet on two
# links with one peer sequence number; a mandatory link's class is
# dropped and counted when that link is gone; a backup link carries
# traffic only when the others are down.
#
#   site-a vcmp0 10.0.0.1 == wan1/wan2/wan3 == site-b vcmp0 10.0.0.2
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump ethtool

# sites: the topology, link i between 192.168.i.1 (a) and 192.168.i.2 (b).
# a's links 1 and 2 are configured at 100 and 300 kbit/s: a burst from a
# shell loop is more than they carry even on a slow (debug) kernel.
sites() {
	local i
	setup_ns a b
	for i in 1 2 3; do
		ip link add "wan$i" netns "$a" type veth peer name "wan$i" netns "$b"
		ip -n "$a" addr add "192.168.$i.1/24" dev "wan$i"
		ip -n "$b" addr add "192.168.$i.2/24" dev "wan$i"
		ip -n "$a" link set "wan$i" up
		ip -n "$b" link set "wan$i" up
	done
	for i in "$a 1" "$b 2"; do
		set -- $i
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" link set vcmp0 up
	done
	n "$a" "$VCMPCTL" peer add vcmp0 2 suite plain allowed-ips 10.0.0.0/24 \
		link 1 remote 192.168.1.2 dev wan1 bandwidth 100 \
		link 2 remote 192.168.2.2 dev wan2 bandwidth 300 \
		link 3 remote 192.168.3.2 dev wan3
	n "$b" "$VCMPCTL" peer add vcmp0 1 suite plain allowed-ips 10.0.0.1/32 \
		link 1 remote 192.168.1.1 dev wan1 \
		link 2 remote 192.168.2.1 dev wan2 \
		link 3 remote 192.168.3.1 dev wan3
}

# capture_links [I...]: what a sends on links I (default all), into
# $_state/wanI.pcap; the others' captures are emptied.
# Only DATA packets (plain VCMP: type in the low nibble of the header's
# second byte): the link monitor's probes and feedback go on every link.
capture_links() {
	local i f
	_links=${*:-1 2 3}
	for i in $_links; do
		f=$_state/wan$i.pcap
		rm -f "$f" "$f.log"
		ip netns exec "$a" tcpdump -Z root --immediate-mode -i "wan$i" -n -U \
			-w "$f" "udp and src host 192.168.$i.1 and (udp[9] & 0x0f) = 1" \
			>/dev/null 2>"$f.log" &
		echo $! >"$f.pid"
	done
	for i in $_links; do
		f=$_state/wan$i.pcap
		wait_for 5 grep -q "listening on" "$f.log" ||
			fail "tcpdump did not start: $(cat "$f.log")"
	done
}

capture_stop() {
	local i f
	sleep 0.5
	for i in $_links; do
		f=$_state/wan$i.pcap
		kill "$(cat "$f.pid")"
		wait "$(cat "$f.pid")" 2>/dev/null || true
	done
}

# count I [FILTER]: packets captured on link I (matching FILTER); 0 for a
# link not captured.
count() {
	case " $_links " in
	*" $1 "*) ;;
	*) echo 0; return ;;
	esac
	tcpdump -Z root -r "$_state/wan$1.pcap" -n "${2:-udp}" 2>/dev/null | wc -l
}

# seqs I: the peer sequence numbers of what was captured on link I.
seqs() {
	# IPv4 (20) + UDP (8): the VCMP header's peer_seq is at bytes 34-37.
	tcpdump -Z root -r "$_state/wan$1.pcap" -n -x 2>/dev/null |
		awk '$1 == "0x0020:" { print $3 $4 }' | sort
}

# class_tx CLASS: packets a steered into CLASS.
class_tx() {
	n "$a" "$VCMPCTL" -j class show vcmp0 "$1" |
		grep -o '"tx_packets":[0-9]*' | cut -d: -f2
}

# udp_burst PORT COUNT SIZE: COUNT datagrams from a to 10.0.0.3 PORT, which
# a sends to b and b (not forwarding) drops silently: no ICMP comes back
# to fail the next send.
udp_burst() {
	n "$a" bash -c "exec 3>/dev/udp/10.0.0.3/$1
		for ((i = 0; i < $2; i++)); do printf '%$3s' x >&3; done"
}

test_classify() {
	local c0 c1 c2 c3 out
	sites
	n "$a" "$VCMPCTL" class set vcmp0 1 name voice mode flow sla voice
	n "$a" "$VCMPCTL" class set vcmp0 2 name bulk-udp sla bulk
	n "$a" "$VCMPCTL" class set vcmp0 3 name web
	n "$a" "$VCMPCTL" rule add vcmp0 10 class 1 dscp 46
	n "$a" "$VCMPCTL" rule add vcmp0 20 class 2 proto udp dport 5001
	n "$a" "$VCMPCTL" rule add vcmp0 30 class 3 proto tcp dport 7000-7010 \
		to 10.0.0.0/24
	out=$(n "$a" "$VCMPCTL" rule show vcmp0)
	echo "$out"
	expect_match "rule 30" "$out" "rule 30: class 3 family inet proto 6 to 10.0.0.0/24 dport 7000-7010"
	c0=$(class_tx 0) c1=$(class_tx 1) c2=$(class_tx 2) c3=$(class_tx 3)
	n "$a" ping -n -c 3 -i 0.2 -W 2 -Q 184 10.0.0.2 >/dev/null
	udp_burst 5001 4 100
	udp_burst 5002 1 100
	n "$a" bash -c 'exec 3<>/dev/tcp/10.0.0.2/7005' 2>/dev/null || true
	n "$a" ping -n -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null
	expect_eq "class 1 (dscp 46)" "$(class_tx 1)" $((c1 + 3))
	expect_eq "class 2 (udp 5001)" "$(class_tx 2)" $((c2 + 4))
	# The SYN; a retransmission would count too.
	[ "$(class_tx 3)" -ge $((c3 + 1)) ] || fail "class 3 got no TCP SYN"
	# Plain pings, the UDP to 5002, what TCP got back... at least 3.
	[ "$(class_tx 0)" -ge $((c0 + 3)) ] || fail "default class not used"
	# Deleting: a class with rules is kept, rules go.
	if out=$(n "$a" "$VCMPCTL" class del vcmp0 1 2>&1); then
		fail "class with a rule deleted"
	fi
	expect_match "class del extack" "$out" "rules still put packets"
	# Mode fec is accepted (selftests/fec.sh tests it).
	n "$a" "$VCMPCTL" class set vcmp0 4 mode fec
	n "$a" "$VCMPCTL" class del vcmp0 4
	n "$a" "$VCMPCTL" rule del vcmp0 10
	n "$a" "$VCMPCTL" class del vcmp0 1
	c0=$(class_tx 0)
	n "$a" ping -n -c 2 -i 0.2 -W 2 -Q 184 10.0.0.2 >/dev/null
	[ "$(class_tx 0)" -ge $((c0 + 2)) ] || fail "dscp 46 not back in class 0"
}

test_dup() {
	local before i got used=""
	sites
	n "$a" "$VCMPCTL" class set vcmp0 1 name voice mode dup sla voice
	n "$a" "$VCMPCTL" rule add vcmp0 10 class 1 dscp 46
	before=$(stat_of "$a" vcmp0 tx_dup)
	capture_links
	got=$(n "$a" ping -n -c 5 -i 0.2 -W 2 -Q 184 10.0.0.2 |
	      grep -c "bytes from" || true)
	capture_stop
	# The receiver has no duplicate removal yet: "DUP!" replies count too.
	[ "$got" -ge 5 ] || fail "only $got replies"
	expect_eq "tx_dup" "$(stat_of "$a" vcmp0 tx_dup)" $((before + 5))
	for i in 1 2 3; do
		echo "link $i: $(count "$i") packets, $(count "$i" 'udp[10] & 2 != 0') with DUP"
		expect_eq "DUP flag on link $i" "$(count "$i" 'udp[10] & 2 != 0')" \
			"$(count "$i")"
		# The data header (after the 23-byte VCMP header) carries class 1.
		expect_eq "class in the data header on link $i" \
			"$(count "$i" 'udp[37] = 1')" "$(count "$i")"
		[ "$(count "$i")" -eq 0 ] || used="$used $i"
	done
	set -- $used
	[ $# -ge 2 ] || fail "packets on links$used, want two links"
	# Each packet went out twice, on two links, both copies with one
	# peer sequence number (the pair is the two best links: it may change
	# when the measurements do, as on a slow debug kernel).
	for i in $used; do echo "peer_seq on link $i: $(seqs "$i" | tr '\n' ' ')"; done
	expect_eq "peer_seqs seen on two links" \
		"$(for i in $used; do seqs "$i" | sed "s/^/$i /"; done | sort -u |
		   awk '{ c[$2]++ } END { for (k in c) if (c[k] == 2) n++; print n + 0 }')" 5
	expect_eq "copies captured" \
		"$(for i in $used; do seqs "$i"; done | wc -l)" 10
}

test_flow() {
	local moves i on=0 other got
	sites
	capture_links
	n "$a" ping -n -c 5 -i 0.1 -W 2 10.0.0.2 >/dev/null
	capture_stop
	for i in 1 2 3; do
		echo "link $i: $(count "$i") packets"
		if [ "$(count "$i")" -gt 0 ]; then
			[ "$on" = 0 ] || fail "one flow on links $on and $i"
			on=$i
		fi
	done
	[ "$on" != 0 ] || fail "nothing captured"
	expect_eq "packets of the flow" "$(count "$on")" 5
	# Its link goes down: the flow moves, once, and keeps flowing.
	moves=$(stat_of "$a" vcmp0 steer_moves)
	ip -n "$a" link set "wan$on" down
	capture_links $(echo 1 2 3 | tr -d "$on")
	got=$(n "$a" ping -n -c 5 -i 0.1 -W 2 10.0.0.2 | grep -c "bytes from" || true)
	capture_stop
	[ "$got" -ge 4 ] || fail "only $got of 5 replies after the link went down"
	expect_eq "steer_moves" "$(stat_of "$a" vcmp0 steer_moves)" $((moves + 1))
	other=0
	for i in 1 2 3; do
		[ "$i" = "$on" ] && continue
		[ "$(count "$i")" -gt 0 ] && other=$i
	done
	[ "$other" != 0 ] || fail "flow not seen on another link"
	expect_eq "packets on link $other" "$(count "$other")" 5
	# Its new link is removed (at both ends): it moves again.
	n "$a" "$VCMPCTL" link del vcmp0 2 "$other"
	n "$b" "$VCMPCTL" link del vcmp0 1 "$other"
	got=$(n "$a" ping -n -c 3 -i 0.1 -W 2 10.0.0.2 | grep -c "bytes from" || true)
	[ "$got" -ge 2 ] || fail "only $got of 3 replies after the link was removed"
	expect_eq "steer_moves" "$(stat_of "$a" vcmp0 steer_moves)" $((moves + 2))
}

test_spray() {
	local before backup c1 c2 c3 burst=400
	sites
	n "$a" "$VCMPCTL" class set vcmp0 2 name bulk mode spray link 3 backup
	n "$a" "$VCMPCTL" rule add vcmp0 20 class 2 proto udp dport 5001
	before=$(stat_of "$a" vcmp0 tx_spray)
	backup=$(stat_of "$a" vcmp0 tx_backup)
	capture_links
	udp_burst 5001 "$burst" 1000
	capture_stop
	c1=$(count 1) c2=$(count 2) c3=$(count 3)
	echo "spray of $burst: link 1 (100 kbit/s) $c1, link 2 (300 kbit/s) $c2, link 3 (backup) $c3"
	expect_eq "tx_spray" "$(stat_of "$a" vcmp0 tx_spray)" $((before + burst))
	# tx_spray counts every packet; tcpdump may miss a few of a fast burst.
	[ $((c1 + c2)) -le "$burst" ] && [ $((c1 + c2)) -ge $((burst * 9 / 10)) ] ||
		fail "captured $((c1 + c2)) of $burst sprayed packets"
	expect_eq "backup link" "$c3" 0
	expect_eq "tx_backup" "$(stat_of "$a" vcmp0 tx_backup)" "$backup"
	[ "$c1" -gt 0 ] || fail "the slower link got nothing"
	# By capacity (1:3 once both are busy); a wide margin for timing.
	[ $((c2 * 2)) -gt $((c1 * 3)) ] || fail "split not by bandwidth"
}

test_mandatory() {
	local before out
	sites
	n "$a" "$VCMPCTL" class set vcmp0 3 name pinned link 3 mandatory
	n "$a" "$VCMPCTL" rule add vcmp0 30 class 3 proto udp dport 6000
	out=$(n "$a" "$VCMPCTL" -j class show vcmp0 3)
	expect_match "class json" "$out" '"links":\[\{"link":3,"role":"mandatory"\}\]'
	capture_links
	udp_burst 6000 5 200
	capture_stop
	expect_eq "on the mandatory link" "$(count 3)" 5
	expect_eq "elsewhere" $(($(count 1) + $(count 2))) 0
	before=$(stat_of "$a" vcmp0 tx_drop_mandatory_down)
	# Down: dropped and counted, not sent elsewhere.
	ip -n "$a" link set wan3 down
	capture_links 1 2
	udp_burst 6000 5 200
	capture_stop
	expect_eq "tx_drop_mandatory_down" \
		"$(stat_of "$a" vcmp0 tx_drop_mandatory_down)" $((before + 5))
	expect_eq "elsewhere" $(($(count 1) + $(count 2))) 0
	# Removed: the same.
	n "$a" "$VCMPCTL" link del vcmp0 2 3
	udp_burst 6000 3 200
	expect_eq "tx_drop_mandatory_down" \
		"$(stat_of "$a" vcmp0 tx_drop_mandatory_down)" $((before + 8))
	# Other classes are not affected.
	n "$a" ping -n -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null
}

test_backup() {
	local before got
	sites
	n "$a" "$VCMPCTL" class set vcmp0 0 link 3 backup
	before=$(stat_of "$a" vcmp0 tx_backup)
	capture_links
	n "$a" ping -n -c 3 -i 0.1 -W 2 10.0.0.2 >/dev/null
	capture_stop
	expect_eq "backup link while others are up" "$(count 3)" 0
	expect_eq "tx_backup" "$(stat_of "$a" vcmp0 tx_backup)" "$before"
	ip -n "$a" link set wan1 down
	ip -n "$a" link set wan2 down
	capture_links 3
	got=$(n "$a" ping -n -c 5 -i 0.1 -W 2 10.0.0.2 | grep -c "bytes from" || true)
	capture_stop
	[ "$got" -ge 4 ] || fail "only $got of 5 replies over the backup link"
	expect_eq "on the backup link" "$(count 3)" 5
	expect_eq "tx_backup" "$(stat_of "$a" vcmp0 tx_backup)" $((before + 5))
	# A link comes back: the backup is left once the link is up again
	# (if its monitor called it down meanwhile, after the hysteresis).
	ip -n "$a" link set wan2 up
	ip -n "$b" link set wan2 up
	sleep 0.2
	wait_for 10 out_test = up mp_link_state a 2 ||
		fail "link 2 not up 10 s after its device: $(mp_link_state a 2)"
	capture_links 2 3
	n "$a" ping -n -c 3 -i 0.1 -W 2 10.0.0.2 >/dev/null
	capture_stop
	expect_eq "backup link after link 2 came back" "$(count 3)" 0
	expect_eq "on link 2" "$(count 2)" 3
}

# A link goes dark under a counted UDP stream (both directions at once):
# it is declared down by the ack timeout, and the packets the black hole
# swallowed meanwhile go again on another link (resend.h): the stream
# loses nothing (without resending, the ~100 ms before the down are lost).
test_resend() {
	local r0 d0 count=1500 lost dups out=$_state/resend
	sites
	n "$a" "$VCMPCTL" class set vcmp0 2 name flow mode flow link 1 preferred
	n "$a" "$VCMPCTL" rule add vcmp0 20 class 2 proto udp dport 6001
	r0=$(stat_of "$a" vcmp0 tx_resend)
	d0=$(stat_of "$b" vcmp0 rx_drop_reseq_dup)
	n "$b" "$VCMPFLOW" udp-recv --port 6001 --timeout 5 >"$out" &
	local rpid=$!
	wait_for 5 grep -q listening "$out"
	n "$a" "$VCMPFLOW" udp-send --to 10.0.0.2:6001 --rate 500 \
		--count "$count" --size 200 >"$out.send" &
	local spid=$!
	sleep 1
	tc -n "$a" qdisc replace dev wan1 root netem loss 100% &
	tc -n "$b" qdisc replace dev wan1 root netem loss 100%
	wait $!
	wait "$spid" || fail "sender: $(cat "$out.send")"
	wait "$rpid" || true
	grep -v listening "$out"
	echo "tx_resend: $(($(stat_of "$a" vcmp0 tx_resend) - r0))," \
	     "rx_drop_reseq_dup: $(($(stat_of "$b" vcmp0 rx_drop_reseq_dup) - d0))"
	n "$a" ethtool -S vcmp0 | grep -E 'resend|mon_|steer' | tr -s ' ' | sed 's/^/a: /'
	n "$b" ethtool -S vcmp0 | grep -E 'reseq' | tr -s ' ' | sed 's/^/b: /'
	dmesg | grep 'link 1 down' | tail -n 2
	[ "$(stat_of "$a" vcmp0 tx_resend)" -gt "$r0" ] ||
		fail "nothing was sent again (tx_resend)"
	lost=$(flow_json "$out" lost)
	dups=$(flow_json "$out" duplicates)
	expect_eq "datagrams lost" "$lost" 0
	expect_eq "duplicates delivered" "$dups" 0
	expect_eq "received" "$(flow_json "$out" unique)" "$count"
}

vcmp_load
ktap_plan 7
run_case "rules classify by DSCP, protocol, port and prefix" test_classify
run_case "dup: every packet on two links, one peer_seq" test_dup
run_case "flow: one link, moved when it goes down or is removed" test_flow
run_case "spray: a burst split by configured bandwidth, no backup" test_spray
run_case "mandatory: only its link, drops counted when it is gone" test_mandatory
run_case "backup: used only when the other links are down" test_backup
run_case "a link goes dark: what it swallowed goes again, nothing lost" test_resend
ktap_finish
