#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The encrypted data path end to end, over one link: two sites joined
# through an underlay router namespace, every suite and plain mode, inner
# IPv4 and IPv6 over underlay IPv4 and IPv6; what crosses the underlay is
# captured and checked (port, no plaintext, exact overhead); tampered,
# replayed and wrongly keyed packets are dropped and counted.
#
#   site-a (vcmp0 10.0.0.1, fd10::1) --wan-- router --wan-- site-b (vcmp0 10.0.0.2)
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump iperf3 nc ethtool

MARKER=5643-4d50-5345-4352-4554	# "VCMPSECRET" as ping -p would not do: sent with nc

# topology UNDERLAY: namespaces a, r, b; $ua/$ub are the sites' underlay
# addresses in family UNDERLAY (4 or 6).
topology() {
	local uf=$1	# set -- below replaces $1
	setup_ns a r b
	ip link add wan0 netns "$a" type veth peer name wan-a netns "$r"
	ip link add wan0 netns "$b" type veth peer name wan-b netns "$r"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$a" addr add 2001:db8:a::1/64 dev wan0 nodad
	ip -n "$b" addr add 198.51.100.2/24 dev wan0
	ip -n "$b" addr add 2001:db8:b::2/64 dev wan0 nodad
	ip -n "$r" addr add 192.0.2.254/24 dev wan-a
	ip -n "$r" addr add 2001:db8:a::fe/64 dev wan-a nodad
	ip -n "$r" addr add 198.51.100.254/24 dev wan-b
	ip -n "$r" addr add 2001:db8:b::fe/64 dev wan-b nodad
	for l in "$a wan0" "$b wan0" "$r wan-a" "$r wan-b"; do
		set -- $l
		ip -n "$1" link set "$2" up
	done
	n "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n "$a" route add default via 192.0.2.254
	ip -n "$a" -6 route add default via 2001:db8:a::fe
	ip -n "$b" route add default via 198.51.100.254
	ip -n "$b" -6 route add default via 2001:db8:b::fe
	if [ "$uf" = 6 ]; then
		ua=2001:db8:a::1 ub=2001:db8:b::2
	else
		ua=192.0.2.1 ub=198.51.100.2
	fi
}

# sites SUITE UNDERLAY [KEY_B_IN]: vcmp0 at both sites, peered over one link.
# A wrong KEY_B_IN makes site b unable to decrypt what a sends.
sites() {
	local suite=$1 wrong=${3:-} ka kb kb_in
	topology "$2"
	for s in "$a 1" "$b 2"; do
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" addr add "fd10::$2/64" dev vcmp0 nodad
		ip -n "$1" link set vcmp0 up
	done
	n "$a" "$VCMPCTL" peer add vcmp0 2 suite "$suite" \
		allowed-ips 10.0.0.2/32,fd10::2/128 link 1 remote "$ub"
	n "$b" "$VCMPCTL" peer add vcmp0 1 suite "$suite" \
		allowed-ips 10.0.0.1/32,fd10::1/128 link 1 remote "$ua"
	[ "$suite" = plain ] && return 0
	ka=$("$VCMPCTL" genkey "$suite")
	kb=$("$VCMPCTL" genkey "$suite")
	kb_in=${wrong:-$ka}	# set -- above replaced $3
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$kb_in"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$kb"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$kb"
}

# capture NS DEV FILE [FILTER]: start tcpdump, wait until it listens.
capture() {
	rm -f "$3" "$3.log"	# a stale "listening on" would not wait
	# Not through n(): $! must be tcpdump itself, so that it flushes on kill.
	ip netns exec "$1" tcpdump -Z root --immediate-mode -i "$2" -n -U \
		-w "$3" "${4:-udp}" >/dev/null 2>"$3.log" &
	echo $! >"$3.pid"
	wait_for 5 grep -q "listening on" "$3.log" ||
		fail "tcpdump did not start: $(cat "$3.log")"
}

capture_stop() {
	sleep 0.3
	kill "$(cat "$1.pid")"
	wait "$(cat "$1.pid")" 2>/dev/null || true
}

# Expected overhead (bytes around an inner packet of L bytes) for a suite.
overhead() {	# overhead SUITE UNDERLAY L
	local ip=20 base align iv icv
	[ "$2" = 6 ] && ip=40
	case "$1" in
	plain)	echo $((ip + 8 + 31)); return ;;
	aes-cbc-hmac-sha1) iv=16 icv=12 align=16 ;;
	*)	iv=8 icv=16 align=4 ;;
	esac
	base=$((ip + 8 + 8 + iv + icv))
	echo $((base + 33 + ( (align - ($3 + 33) % align) % align ) ))
}

# diag: on failure, what the devices counted (non-zero counters only).
diag() {
	local ns
	for ns in "$a" "$b"; do
		echo "# ${ns%%-*} vcmp0:" >&2
		n "$ns" ip -s link show vcmp0 | sed 's/^/#   /' >&2
		n "$ns" ethtool -S vcmp0 | awk '$2 != 0 { print "#   " $0 }' >&2
		n "$ns" ip -s link show wan0 | sed 's/^/#   /' >&2
		n "$ns" grep -E '^(Udp|Ip):' /proc/net/snmp | sed 's/^/#   /' >&2
		n "$ns" ss -uan | sed 's/^/#   /' >&2
	done
	n "$r" ip -s link | sed 's/^/#   r: /' >&2
}

crosses() {	# crosses SUITE UNDERLAY: traffic in both directions, both families
	n "$a" ping -n -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null || { diag; fail "IPv4 ping a -> b"; }
	n "$b" ping -n -c 2 -i 0.2 -W 2 10.0.0.1 >/dev/null || { diag; fail "IPv4 ping b -> a"; }
	n "$a" ping -n -6 -c 2 -i 0.2 -W 2 fd10::2 >/dev/null || { diag; fail "IPv6 ping a -> b"; }
	n "$b" ping -n -6 -c 2 -i 0.2 -W 2 fd10::1 >/dev/null || { diag; fail "IPv6 ping b -> a"; }
}

# The overhead of each captured datagram: outer length minus inner length.
test_suite() {	# test_suite SUITE UNDERLAY
	local suite=$1 uf=$2 pcap=$_state/cap.pcap lens=() i=0 want s l
	sites "$suite" "$uf"
	crosses
	capture "$r" wan-b "$pcap"
	# ping -s 19 and -s 20: inner IPv4 packets of 47 and 48 bytes,
	# no padding and maximum padding for every suite.
	n "$a" ping -n -c 1 -s 19 -W 2 10.0.0.2 >/dev/null
	n "$a" ping -n -c 1 -s 20 -W 2 10.0.0.2 >/dev/null
	printf 'VCMPSECRETMARKER-%s' "$MARKER" | n "$a" nc -u -w0 10.0.0.2 9
	capture_stop "$pcap"
	# Only UDP 2426 between the sites' underlay addresses.
	n "$r" tcpdump -Z root -r "$pcap" -n 2>/dev/null >"$_state/cap.txt"
	[ -s "$_state/cap.txt" ] || fail "nothing captured"
	# The underlay really is the family asked for.
	if [ "$uf" = 6 ]; then
		grep -q " IP6 $ua\.2426 > $ub\.2426: UDP" "$_state/cap.txt" ||
			fail "no IPv6 underlay packets: $(head -2 "$_state/cap.txt")"
	else
		grep -q " IP $ua\.2426 > $ub\.2426: UDP" "$_state/cap.txt" ||
			fail "no IPv4 underlay packets: $(head -2 "$_state/cap.txt")"
	fi
	if grep -v "\.2426 > .*\.2426: UDP" "$_state/cap.txt" | has_match .; then
		fail "unexpected packets: $(grep -v '2426 > .*2426' "$_state/cap.txt" | head -3)"
	fi
	# Plaintext marker visible only in plain mode (the positive control).
	if grep -aq VCMPSECRETMARKER "$pcap"; then
		[ "$suite" = plain ] || fail "plaintext marker on the wire with $suite"
	else
		[ "$suite" != plain ] || fail "marker not found in plain mode: capture broken"
	fi
	# Echo requests from a: UDP payload lengths, in order 47- then 48-byte
	# inner. The link monitor's PROBEs and FEEDBACKs (8 and 24 bytes after
	# the VCMP header, sized like DATA with 0 and 16 inner bytes) go too.
	local probe_len fb_len
	probe_len=$(( $(overhead "$suite" "$uf" 0) - (uf == 6 ? 40 : 20) - 8 ))
	fb_len=$(( $(overhead "$suite" "$uf" 16) - (uf == 6 ? 40 : 20) - 8 + 16 ))
	# (no "| head": with pipefail, a writer killed by SIGPIPE fails it;
	# no "< <(...)": the VM has no /dev/fd)
	mapfile -t lens <<<"$(grep "$ua\.2426 > $ub\.2426" "$_state/cap.txt" |
		sed -n 's/.*UDP, length \([0-9]*\).*/\1/p' |
		{ grep -vxE "$probe_len|$fb_len" || true; })"
	for l in 47 48; do
		want=$(( $(overhead "$suite" "$uf" $l) - (uf == 6 ? 40 : 20) - 8 + l ))
		s=${lens[i]:-}
		i=$((i + 1))
		expect_eq "UDP payload for a $l-byte inner packet ($suite, IPv$uf underlay)" "$s" "$want"
		echo "overhead $suite IPv$uf, inner $l bytes: $(overhead "$suite" "$uf" $l) bytes"
	done
	expect_eq "drops at b" "$(stat_of "$b" vcmp0 rx_drop_bad_icv)" 0
}

test_tcp() {
	local out
	sites aes-gcm-128 4
	n "$b" iperf3 -s -1 -D -B 10.0.0.2 >/dev/null
	wait_for 5 tcp_listening "$b" 5201 || fail "iperf3 -s does not listen"
	out=$(n "$a" iperf3 -c 10.0.0.2 -t 2 -f m 2>&1) || fail "iperf3: $out"
	echo "$out" | grep -E 'receiver' | sed 's/^/iperf3: /'
	expect_match "iperf3" "$out" "receiver"
}

# hexpayload PCAP N: the UDP payload of the N-th captured packet, as hex.
hexpayload() {
	n "$r" tcpdump -Z root -r "$1" -n -x 2>/dev/null | awk -v want="$2" '
		/^[0-9]/ { k++ ; next }
		k == want && /0x/ { for (i = 2; i <= NF; i++) printf "%s", $i }
		END { print "" }' | cut -c57-	# skip IPv4 (20) + UDP (8) headers
}

# sendhex NS DST HEX: send the bytes of HEX as one UDP datagram to DST:2426.
sendhex() {
	local bin
	bin=$(echo "$3" | sed 's/../\\x&/g')
	printf '%b' "$bin" | n "$1" nc -u -w0 "$2" 2426
}

test_replay_tamper() {
	local pcap=$_state/rt.pcap hex before tampered
	sites aes-gcm-128 4
	crosses
	# From a only: b's own packets (link probes, feedback) are no replay.
	capture "$r" wan-b "$pcap" "src host $ua"
	n "$a" ping -n -c 1 -W 2 10.0.0.2 >/dev/null
	capture_stop "$pcap"
	hex=$(hexpayload "$pcap" 1)
	[ ${#hex} -gt 100 ] || fail "no packet captured ($hex)"
	# Re-inject the same datagram from the router: a replay.
	before=$(stat_of "$b" vcmp0 rx_drop_replay)
	sendhex "$r" "$ub" "$hex"
	wait_for 2 out_test -gt "$before" stat_of "$b" vcmp0 rx_drop_replay ||
		fail "replay not counted"
	# Flip one bit of the ciphertext: authentication must fail.
	before=$(stat_of "$b" vcmp0 rx_drop_bad_icv)
	tampered=${hex:0:60}$(printf '%02x' $(( 0x${hex:60:2} ^ 1 )))${hex:62}
	# a fresh sequence number so that the replay check does not stop it first
	tampered=${tampered:0:8}7fffff00${tampered:16}
	sendhex "$r" "$ub" "$tampered"
	wait_for 2 out_test -gt "$before" stat_of "$b" vcmp0 rx_drop_bad_icv ||
		fail "tampered packet not counted as bad ICV"
	# Unknown SPI.
	before=$(stat_of "$b" vcmp0 rx_drop_unknown_spi)
	sendhex "$r" "$ub" "7f000001${hex:8}"
	wait_for 2 out_test -gt "$before" stat_of "$b" vcmp0 rx_drop_unknown_spi ||
		fail "unknown SPI not counted"
	crosses
}

test_wrong_key() {
	local wrong rx
	wrong=$("$VCMPCTL" genkey aes-gcm-128)
	sites aes-gcm-128 4 "$wrong"
	rx=$(n "$b" cat /sys/class/net/vcmp0/statistics/rx_packets)
	! n "$a" ping -n -c 3 -i 0.2 -W 1 10.0.0.2 >/dev/null || fail "ping crossed with a wrong key"
	expect_eq "delivered at b" "$(n "$b" cat /sys/class/net/vcmp0/statistics/rx_packets)" "$rx"
	[ "$(stat_of "$b" vcmp0 rx_drop_bad_icv)" -ge 3 ] ||
		fail "rx_drop_bad_icv $(stat_of "$b" vcmp0 rx_drop_bad_icv), want >= 3"
}

# rx_drops NS: the sum of the device's receive drop counters.
rx_drops() {
	n "$1" ethtool -S vcmp0 | awk '$1 ~ /^rx_drop_/ { s += $2 } END { print s + 0 }'
}

# pmtud_done: a's path MTU discovery is done (every link).
pmtud_done() { n "$a" "$VCMPCTL" -j show | has_match '"pmtud":"done"'; }

# Make-before-break rekey of both directions while TCP and a fast ping
# run: the receiver installs the new inbound SA, the sender the new
# outbound one (it switches at once), and the old ones go only after the
# packets in flight arrived. Nothing may be lost.
test_rekey() {
	local k1 k2 out ping_out sent got da db
	sites aes-gcm-128 4
	# Path MTU probes that crossed while the SAs were being set up may
	# have been dropped (unknown SPI): count from here.
	wait_for 5 pmtud_done || true
	da=$(rx_drops "$a") db=$(rx_drops "$b")
	k1=$("$VCMPCTL" genkey aes-gcm-128)
	k2=$("$VCMPCTL" genkey aes-gcm-128)
	n "$b" iperf3 -s -1 -D -B 10.0.0.2 >/dev/null
	wait_for 5 tcp_listening "$b" 5201 || fail "iperf3 -s does not listen"
	n "$a" iperf3 -c 10.0.0.2 -t 4 -f m >"$_state/iperf.out" 2>&1 &
	echo $! >"$_state/iperf.pid"
	n "$a" ping -n -q -c 400 -i 0.01 -W 2 10.0.0.2 >"$_state/ping.out" 2>&1 &
	echo $! >"$_state/ping.pid"
	sleep 1
	# a -> b: 0x01000001 becomes 0x01000011; b -> a: 0x01000002 -> 0x01000012
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000011 in key "$k1"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000012 in key "$k2"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000011 out key "$k1"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000012 out key "$k2"
	n "$a" "$VCMPCTL" sa del vcmp0 2 0x01000001 out
	n "$b" "$VCMPCTL" sa del vcmp0 1 0x01000002 out
	sleep 0.5
	n "$b" "$VCMPCTL" sa del vcmp0 1 0x01000001 in
	n "$a" "$VCMPCTL" sa del vcmp0 2 0x01000002 in
	wait "$(cat "$_state/ping.pid")" || fail "ping: $(cat "$_state/ping.out")"
	wait "$(cat "$_state/iperf.pid")" || fail "iperf3: $(cat "$_state/iperf.out")"
	ping_out=$(grep 'packets transmitted' "$_state/ping.out")
	echo "ping during rekey: $ping_out"
	grep 'receiver' "$_state/iperf.out" | sed 's/^/iperf3 during rekey: /'
	sent=$(echo "$ping_out" | awk '{ print $1 }')
	got=$(echo "$ping_out" | awk '{ print $4 }')
	expect_eq "ping replies" "$got" "$sent"
	expect_eq "drops at a" "$(( $(rx_drops "$a") - da ))" 0
	expect_eq "drops at b" "$(( $(rx_drops "$b") - db ))" 0
	# Only the new SAs are left, and they carry the traffic.
	out=$(n "$a" "$VCMPCTL" -j peer show vcmp0 2)
	! grep -q '0x01000001\|0x01000002\|16777217\|16777218' <<<"$out" ||
		fail "old SAs still listed: $out"
	n "$a" ping -n -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null || fail "ping after rekey"
}

# syn_mss DST: MSS of the SYN a sends to DST:5000, seen at b.
syn_mss() {
	local pcap=$_state/syn.pcap
	capture "$b" vcmp0 "$pcap" tcp
	n "$a" nc -z -w 2 "$1" 5000 2>/dev/null || true
	capture_stop "$pcap"
	n "$b" tcpdump -Z root -r "$pcap" -n -v 2>/dev/null |
		sed -n 's/.*Flags \[S\].*mss \([0-9]*\).*/\1/p' | head -1
}

# TCP MSS clamping, on SYN and SYN-ACK, both when sending into the tunnel
# and when receiving from it. With both vcmp0 at MTU 1500, a's SYNs
# announce 1460 (1440 over IPv6); the peer's effective MTU with AES-GCM
# over a 1500-byte underlay is 1407 (IPv4 links) or 1387 (IPv6 links), so
# b must see that minus 40 (inner IPv4) or 60 (inner IPv6).
test_mss_clamp() {
	local uf want4 want6
	for uf in 4 6; do
		sites aes-gcm-128 "$uf"
		ip -n "$a" link set vcmp0 mtu 1500
		ip -n "$b" link set vcmp0 mtu 1500
		if [ "$uf" = 4 ]; then want4=1367 want6=1347; else want4=1347 want6=1327; fi
		expect_eq "SYN MSS, inner IPv4, IPv$uf underlay" "$(syn_mss 10.0.0.2)" "$want4"
		expect_eq "SYN MSS, inner IPv6, IPv$uf underlay" "$(syn_mss fd10::2)" "$want6"
		# 2 SYNs, or more if one was retransmitted
		[ "$(stat_of "$a" vcmp0 tx_mss_clamped)" -ge 2 ] ||
			fail "tx_mss_clamped at a: $(stat_of "$a" vcmp0 tx_mss_clamped)"
		expect_eq "rx_mss_clamped at b" "$(stat_of "$b" vcmp0 rx_mss_clamped)" 0
		echo "IPv$uf underlay: SYN MSS 1460/1440 clamped to $want4/$want6"
		cleanup_all
	done
	# A second link with an underlay MTU of 1400 set by hand lowers the
	# peer's effective MTU to 1307 (any packet may take any link): 1267.
	sites aes-gcm-128 4
	ip -n "$a" link set vcmp0 mtu 1500
	ip -n "$b" link set vcmp0 mtu 1500
	n "$a" "$VCMPCTL" link add vcmp0 2 2 remote "$ub:2426" mtu 1400
	expect_match "peer mtu" "$(n "$a" "$VCMPCTL" peer show vcmp0 2)" "^  mtu: 1307 \\(edge 1400\\)$"
	expect_eq "SYN MSS with a 1400-byte link" "$(syn_mss 10.0.0.2)" 1267
	cleanup_all
	# The receiver clamps too: to its own device MTU when that is lower
	# (b's default 1368: replies through it must fit), 1328.
	sites aes-gcm-128 4
	ip -n "$a" link set vcmp0 mtu 1500
	expect_eq "SYN MSS clamped by the receiver" "$(syn_mss 10.0.0.2)" 1328
	expect_eq "rx_mss_clamped at b" "$(stat_of "$b" vcmp0 rx_mss_clamped)" 1
	cleanup_all
	# A SYN already below the limit is not touched (default MTUs: 1328).
	sites aes-gcm-128 4
	expect_eq "small MSS untouched" "$(syn_mss 10.0.0.2)" 1328
	expect_eq "tx_mss_clamped" "$(stat_of "$a" vcmp0 tx_mss_clamped)" 0
	expect_eq "rx_mss_clamped" "$(stat_of "$b" vcmp0 rx_mss_clamped)" 0
}

# Inner packets over the effective MTU (1407 with AES-GCM over IPv4, a's
# vcmp0 at MTU 1500): with DF, and for IPv6, the sender gets ICMP with the
# MTU; without DF the packet goes and the underlay fragments it.
test_too_big() {
	local out
	sites aes-gcm-128 4
	ip -n "$a" link set vcmp0 mtu 1500
	# First, before an ICMP teaches the local route the MTU (then the
	# local stack would fragment it itself).
	n "$a" ping -n -c 1 -W 2 -M dont -s 1380 10.0.0.2 >/dev/null ||
		fail "1408-byte ping without DF did not pass"
	[ "$(stat_of "$a" vcmp0 tx_frag_ip)" -ge 1 ] ||
		fail "the ping without DF was not fragmented before encapsulation"
	n "$a" ping -n -c 1 -W 2 -M do -s 1379 10.0.0.2 >/dev/null ||
		fail "1407-byte ping with DF did not pass"
	if out=$(n "$a" ping -n -c 1 -W 2 -M do -s 1380 10.0.0.2 2>&1); then
		fail "1408-byte ping with DF passed"
	fi
	expect_match "IPv4 ICMP" "$out" "mtu ?= ?1407"
	echo "1408-byte IPv4 ping with DF: $(grep -m1 -E 'mtu ?= ?1407' <<<"$out")"
	n "$a" ping -n -6 -c 1 -W 2 -M do -s 1359 fd10::2 >/dev/null ||
		fail "1407-byte IPv6 ping did not pass"
	if out=$(n "$a" ping -n -6 -c 1 -W 2 -M do -s 1360 fd10::2 2>&1); then
		fail "1408-byte IPv6 ping passed"
	fi
	expect_match "IPv6 ICMP" "$out" "mtu ?= ?1407"
	echo "1408-byte IPv6 ping: $(grep -m1 -E 'mtu ?= ?1407' <<<"$out")"
	[ "$(stat_of "$a" vcmp0 tx_drop_too_big)" -ge 2 ] ||
		fail "tx_drop_too_big $(stat_of "$a" vcmp0 tx_drop_too_big)"
}

# Loading the running configuration again (setconf replaces each peer's
# allowed-ips) must not open a window in which a destination has no peer.
test_setconf_hitless() {
	local sent got out
	sites aes-gcm-128 4
	n "$a" "$VCMPCTL" showconf vcmp0 >"$_state/a.conf"
	n "$a" ping -n -q -c 1500 -i 0.002 -W 2 10.0.0.2 >"$_state/ping.out" 2>&1 &
	echo $! >"$_state/ping.pid"
	for i in $(seq 100); do
		n "$a" "$VCMPCTL" setconf vcmp0 "$_state/a.conf"
	done
	wait "$(cat "$_state/ping.pid")" || true
	out=$(grep 'packets transmitted' "$_state/ping.out")
	echo "ping during 100 setconf runs: $out"
	sent=$(echo "$out" | awk '{ print $1 }')
	got=$(echo "$out" | awk '{ print $4 }')
	expect_eq "ping replies" "$got" "$sent"
}

test_inner_source() {
	local before
	sites aes-gcm-128 4
	# b sends from an inner address a does not allow for peer 2.
	ip -n "$b" addr add 10.0.0.99/24 dev vcmp0
	before=$(stat_of "$a" vcmp0 rx_drop_inner_src)
	n "$b" ping -n -c 2 -i 0.2 -W 1 -I 10.0.0.99 10.0.0.1 >/dev/null || true
	[ "$(stat_of "$a" vcmp0 rx_drop_inner_src)" -ge $((before + 2)) ] ||
		fail "inner source not checked"
}

suites="aes-gcm-128 aes-gcm-256 chacha20-poly1305 aes-cbc-hmac-sha1 plain"
ktap_plan $(( $(echo $suites | wc -w) * 2 + 8 ))
for s in $suites; do
	for f in 4 6; do
		run_case "$s over IPv$f: traffic, capture, overhead" test_suite "$s" "$f"
	done
done
run_case "TCP (iperf3) through the tunnel" test_tcp
run_case "replayed, tampered and unknown-SPI packets dropped and counted" test_replay_tamper
run_case "wrong key: nothing delivered, counted" test_wrong_key
run_case "inner source not in the peer's allowed-ips is dropped" test_inner_source
run_case "rekey make-before-break under load loses nothing" test_rekey
run_case "TCP MSS clamped to the effective MTU on SYN" test_mss_clamp
run_case "over the effective MTU: ICMP with DF, RFC 791 fragments without" test_too_big
run_case "setconf of the running configuration loses nothing" test_setconf_hitless
ktap_finish
