#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Captures for the Wireshark dissector (tools/wireshark/vcmp.lua): two sites
# joined by a veth pair exchange pings through vcmp in plain mode and with
# two ESP suites whose keys the test chooses; the underlay is captured and
# each capture, with a description of what was sent (suite, addresses,
# link, segment, SPIs, keys, packet count), is handed to the host
# (export_file). There selftests/host/capture-check.sh runs tshark with
# the dissector, gives it the SAs, and checks every decoded field against
# that description. Here the test checks what can be checked without
# tshark: the number and size of the captured datagrams.
#
#   site-a (vcmp0 10.0.0.1, wan0 192.0.2.1) --veth-- site-b (10.0.0.2, 192.0.2.2)
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump base64

PINGS=4
LINK=3
SEGMENT=5
# Keys: AES-GCM-128 is 16 bytes of key and 4 of salt; AES-CBC + HMAC-SHA1
# is a 16-byte AES key followed by a 20-byte HMAC key.
GCM_AB=000102030405060708090a0b0c0d0e0f10111213
GCM_BA=202122232425262728292a2b2c2d2e2f30313233
CBC_AB=404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60616263
CBC_BA=707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f90919293

if [ ! -e "$LIB_DIR/.vm-image" ] && [ -z "${VCMP_EXPORT_DIR:-}" ]; then
	echo "# SKIP: set VCMP_EXPORT_DIR to keep the captures for tshark"
	exit $KSFT_SKIP
fi
vcmp_load

sites() {	# sites SUITE KEY_AB KEY_BA
	setup_ns a b
	ip link add wan0 netns "$a" type veth peer name wan0 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$b" addr add 192.0.2.2/24 dev wan0
	ip -n "$a" link set wan0 up
	ip -n "$b" link set wan0 up
	for s in "$a 1 2" "$b 2 1"; do
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" link set vcmp0 up
		n "$1" "$VCMPCTL" peer add vcmp0 "$3" segment "$SEGMENT" \
			suite "$suite" allowed-ips "10.0.0.$3/32" \
			link "$LINK" remote "192.0.2.$3"
	done
	[ "$suite" = plain ] && return 0
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$key_ab"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$key_ab"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$key_ba"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$key_ba"
}

# capture_pings NAME: ping b from a through the tunnel, capture the underlay
# at a, check the datagrams and export the capture with its description.
capture_pings() {
	local name=$1 pcap=$_state/$1.pcap pid count sizes want
	# Not through n(): $! must be tcpdump itself, so that it flushes on kill.
	# Path MTU probes and answers (576 bytes and up) are left out, and so
	# are the link monitor's PROBEs and FEEDBACKs (at most 140 bytes on
	# the wire with any suite; a ping is 157 and up): only the pings are
	# counted.
	ip netns exec "$a" tcpdump -Z root --immediate-mode -i wan0 -n -U \
		-w "$pcap" udp port 2426 and greater 150 and less 400 2>"$pcap.log" &
	pid=$!
	wait_for 5 grep -q "listening on" "$pcap.log" ||
		fail "tcpdump did not start: $(cat "$pcap.log")"
	n "$a" ping -n -c "$PINGS" -i 0.2 -W 2 -s 56 10.0.0.2 >/dev/null ||
		fail "ping through the tunnel failed"
	sleep 0.3
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	count=$(tcpdump -Z root -n -r "$pcap" 2>/dev/null | wc -l)
	expect_eq "datagrams captured" "$count" $((2 * PINGS))
	# Every datagram is an 84-byte ICMP packet plus the suite's overhead.
	sizes=$(tcpdump -Z root -n -r "$pcap" 2>/dev/null | grep -o 'length [0-9]*$' | sort -u)
	case $suite in
	plain)			want=$((84 + 31)) ;;	# VCMP headers only
	aes-gcm-128)		want=$((84 + 8 + 8 + 31 + 3 + 2 + 16)) ;;	# pad 3
	aes-cbc-hmac-sha1)	want=$((84 + 8 + 16 + 31 + 11 + 2 + 12)) ;;	# pad 11
	esac
	expect_eq "UDP payload sizes" "$sizes" "length $want"
	cat >"$_state/$name.env" <<ENV
SUITE=$suite
ADDR_A=192.0.2.1
ADDR_B=192.0.2.2
INNER_A=10.0.0.1
INNER_B=10.0.0.2
LINK=$LINK
SEGMENT=$SEGMENT
PINGS=$PINGS
INNER_LEN=84
SPI_AB=0x01000001
SPI_BA=0x01000002
KEY_AB=$key_ab
KEY_BA=$key_ba
ENV
	export_file "$name.pcap" "$pcap" || fail "cannot export $name.pcap"
	export_file "$name.env" "$_state/$name.env" || fail "cannot export $name.env"
}

test_plain() {
	suite=plain key_ab='' key_ba=''
	sites
	capture_pings wireshark-plain
}

test_gcm() {
	suite=aes-gcm-128 key_ab=$GCM_AB key_ba=$GCM_BA
	sites
	capture_pings wireshark-aes-gcm-128
}

test_cbc() {
	suite=aes-cbc-hmac-sha1 key_ab=$CBC_AB key_ba=$CBC_BA
	sites
	capture_pings wireshark-aes-cbc-hmac-sha1
}

ktap_plan 3
run_case "plain VCMP captured for tshark" test_plain
run_case "AES-GCM-128 ESP captured for tshark" test_gcm
run_case "AES-CBC + HMAC-SHA1 ESP captured for tshark" test_cbc
ktap_finish
