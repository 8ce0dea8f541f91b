#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/wireshark/vcmp.lua on hand-made packets, on the host: a pcap with
# one packet of each kind vcmp's UDP port sees (plain DATA with an inner
# ICMP echo, PROBE, FEC_PARITY, a type this version does not know, a
# fragment, ESP, a NAT-keepalive, a non-ESP marker, a truncated header), and
# tshark's field output checked value by value. Prints KTAP; without tshark
# the whole test is skipped (exit 4).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
lua=$src/tools/wireshark/vcmp.lua

echo "KTAP version 1"
if ! command -v tshark >/dev/null || ! command -v xxd >/dev/null; then
	echo "1..0 # SKIP tshark or xxd not installed"
	exit 4
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pcap=$tmp/vcmp.pcap

le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
be16() { printf '%04x' "$1"; }
# udp4 PAYLOAD_HEX: an IPv4/UDP packet 192.0.2.1:2426 -> 198.51.100.2:2426.
udp4() {
	local n=$(( ${#1} / 2 ))
	echo "4500$(be16 $((28 + n)))00004000401100000c000201c6336402097a097a$(be16 $((8 + n)))0000$1"
}
# vcmp_hdr TYPE FLAGS LINK SEGMENT PEER_SEQ LINK_SEQ TSTAMP ECHO FEC_INDEX
vcmp_hdr() {
	printf '00%02x%02x%02x%04x%08x%08x%08x%08x%02x' $((0x10 | $1)) "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}
# An inner ICMP echo request 10.1.0.1 -> 10.2.0.1, id 0x1234, seq 7.
icmp="4500002000004000400100000a0100010a0200010800000012340007deadbeefcafef00d"

packets=(
	# 1: DATA, DUP|ECHO, link 3, segment 7, peer seq 100, link seq 42
	"$(vcmp_hdr 1 0x0a 3 7 100 42 16909060 5 0)0400000000000500$icmp"
	# 2: PROBE with a 4-byte payload
	"$(vcmp_hdr 2 0 1 0 0 9 1000 0 0)01020304"
	# 3: FEC_PARITY, flag FEC, index 3
	"$(vcmp_hdr 6 0x04 2 0 103 50 2000 0 3)aabbccdd"
	# 4: a type this version does not know (9), generic payload
	"$(vcmp_hdr 9 0 4 0 5 6 7 0 0)112233"
	# 5: DATA fragment 2 (more follow) of id 77 at offset 1200
	"$(vcmp_hdr 1 0x01 1 0 200 201 0 0 0)0482004d04b00000$icmp"
	# 6: ESP, SPI 0x01000001, sequence 5
	"0100000100000005000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	# 7: NAT-keepalive
	"ff"
	# 8: non-ESP marker
	"00000000aabbccdd"
	# 9: truncated VCMP header
	"00110100"
)
{
	echo "d4c3b2a1020004000000000000000000ffff000065000000"
	i=0
	for p in "${packets[@]}"; do
		i=$((i + 1))
		pkt=$(udp4 "$p")
		n=$(( ${#pkt} / 2 ))
		echo "$(le32 $((1700000000 + i)))00000000$(le32 $n)$(le32 $n)$pkt"
	done
} | xxd -r -p >"$pcap"

fields=(-e frame.number -e vcmp.encap -e vcmp.version -e vcmp.type -e vcmp.flags
	-e vcmp.link_id -e vcmp.segment_id -e vcmp.peer_seq -e vcmp.link_seq
	-e vcmp.timestamp -e vcmp.echo -e vcmp.fec_index -e vcmp.data.proto
	-e vcmp.data.frag_more -e vcmp.data.frag_index -e vcmp.data.frag_id
	-e vcmp.data.frag_offset -e vcmp.data.tclass -e vcmp.payload_len
	-e vcmp.payload -e icmp.ident -e esp.spi -e esp.sequence)
out=$(tshark -X "lua_script:$lua" -n -r "$pcap" -T fields -E separator='|' \
	-E occurrence=f "${fields[@]}" 2>"$tmp/err")
rc=$?
grep -v 'Running as user' "$tmp/err" | sed 's/^/# tshark: /'

want=(
	"1|plain VCMP (Internet Multipath)|1|1|0x0a|3|7|100|42|16909060|5|0|4|0|0|0|0|5|36||4660||"
	"2|plain VCMP (Internet Multipath)|1|2|0x00|1|0|0|9|1000|0|0|||||||4|01020304|||"
	"3|plain VCMP (Internet Multipath)|1|6|0x04|2|0|103|50|2000|0|3|||||||4|aabbccdd|||"
	"4|plain VCMP (Internet Multipath)|1|9|0x00|4|0|5|6|7|0|0|||||||3|112233|||"
	"5|plain VCMP (Internet Multipath)|1|1|0x01|1|0|200|201|0|0|0|4|1|2|77|1200|0|36||||"
	"6|ESP in UDP||||||||||||||||||||0x01000001|5"
	"7|NAT-T keepalive|||||||||||||||||||||"
	"8|non-ESP marker (IKE)|||||||||||||||||||||"
	"9|plain VCMP (Internet Multipath)||||||||||||||||||00110100|||"
)
echo "1..$(( ${#want[@]} + 2 ))"
n=0 failed=0
ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}
ok "$rc" "tshark ran with the dissector"
mapfile -t got <<<"$out"
for i in "${!want[@]}"; do
	if [ "${got[i]:-}" = "${want[i]}" ]; then
		ok 0 "packet $((i + 1)) fields"
	else
		echo "# got:  ${got[i]:-}"
		echo "# want: ${want[i]}"
		ok 1 "packet $((i + 1)) fields"
	fi
done
# Expert infos: the truncated header and the unknown type are flagged.
experts=$(tshark -X "lua_script:$lua" -n -r "$pcap" -T fields -e frame.number \
	-Y 'vcmp.short || vcmp.unknown_type' 2>/dev/null | tr '\n' ' ')
[ "$experts" = "4 9 " ]
ok $? "expert info on packets 4 (unknown type) and 9 (short): got '$experts'"
echo "# $((n - failed)) of $n passed"
[ "$failed" -eq 0 ]
