#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# capture-check.sh DIR
#
# tshark with tools/wireshark/vcmp.lua on the captures selftests/wireshark.sh
# took in the VM (DIR/wireshark-SUITE.pcap, described by .env beside it):
# every datagram must decode as VCMP - directly in plain mode, through
# Wireshark's ESP decryption with the test's SAs otherwise - with the
# configured link and segment, type DATA, an IPv4 inner packet of the size
# sent, peer sequence numbers counting up by one in each direction and
# link sequence numbers going up (the link monitor's probes and feedback,
# left out of the capture, take link sequence numbers too), and the pings'
# ICMP inside. Prints KTAP; exit 4 (skip) without
# tshark.
set -u
dir=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
lua=$src/tools/wireshark/vcmp.lua

echo "KTAP version 1"
if ! command -v tshark >/dev/null; then
	echo "1..0 # SKIP tshark not installed (selftests/vm/host-deps.sh installs it)"
	exit 4
fi
envs=("$dir"/wireshark-*.env)
echo "1..${#envs[@]}"

# check_capture ENV: one capture; prints why it fails on stdout, as comments.
check_capture() (
	# shellcheck disable=SC1090
	source "$1"
	pcap=${1%.env}.pcap
	opts=()
	case $SUITE in
	plain) encap="plain VCMP (Internet Multipath)" ;;	# one layer
	aes-gcm-128)
		encap="ESP in UDP;VCMP inside ESP"	# the outer, then the decrypted
		enc="AES-GCM with 16 octet ICV [RFC4106]" auth=NULL
		sa_ab="\"0x$KEY_AB\",\"$auth\",\"\"" sa_ba="\"0x$KEY_BA\",\"$auth\",\"\"" ;;
	aes-cbc-hmac-sha1)
		encap="ESP in UDP;VCMP inside ESP"
		enc="AES-CBC [RFC3602]" auth="HMAC-SHA-1-96 [RFC2404]"
		sa_ab="\"0x${KEY_AB:0:32}\",\"$auth\",\"0x${KEY_AB:32}\""
		sa_ba="\"0x${KEY_BA:0:32}\",\"$auth\",\"0x${KEY_BA:32}\"" ;;
	*) echo "# unknown suite $SUITE"; return 1 ;;
	esac
	if [ "$SUITE" != plain ]; then
		opts=(-o esp.enable_encryption_decode:TRUE
		      -o "uat:esp_sa:\"IPv4\",\"$ADDR_A\",\"$ADDR_B\",\"$SPI_AB\",\"$enc\",$sa_ab"
		      -o "uat:esp_sa:\"IPv4\",\"$ADDR_B\",\"$ADDR_A\",\"$SPI_BA\",\"$enc\",$sa_ba")
	fi
	out=$(tshark -X "lua_script:$lua" "${opts[@]}" -n -r "$pcap" -T fields \
		-E separator='|' -E occurrence=a -E aggregator=';' \
		-e ip.src -e vcmp.encap -e vcmp.version -e vcmp.type \
		-e vcmp.link_id -e vcmp.segment_id -e vcmp.peer_seq -e vcmp.link_seq \
		-e vcmp.data.proto -e vcmp.payload_len -e icmp.type -e icmp.seq \
		-e esp.spi 2>&1 | grep -v '^Running as user') || {
		echo "# tshark failed: $out"; return 1; }
	echo "$out" | sed 's/^/# tshark: /' >&2
	awk -F'|' -v a="$ADDR_A" -v b="$ADDR_B" -v encap="$encap" -v link="$LINK" \
	    -v seg="$SEGMENT" -v len="$INNER_LEN" -v pings="$PINGS" \
	    -v suite="$SUITE" -v spi_ab="$SPI_AB" -v spi_ba="$SPI_BA" \
	    -v inner_a="$INNER_A" -v inner_b="$INNER_B" '
	function bad(msg) { printf "# packet %d: %s\n", NR, msg; errors++ }
	{
		# Outer and inner source: 192.0.2.1;10.0.0.1 from a.
		split($1, addr, ";")
		src = addr[1]
		if (src != a && src != b) { bad("outer source " src); next }
		inner = src == a ? inner_a : inner_b
		if (addr[2] != inner || length(addr) != 2)
			bad("addresses " $1 ", want inner source " inner)
		if ($2 != encap) bad("encapsulation \"" $2 "\", want \"" encap "\"")
		if ($3 != 1) bad("version " $3)
		if ($4 != 1) bad("type " $4 ", want 1 (DATA)")
		if ($5 != link) bad("link id " $5 ", want " link)
		if ($6 != seg) bad("segment " $6 ", want " seg)
		if ($9 != 4) bad("inner protocol " $9 ", want 4")
		if ($10 != len) bad("inner length " $10 ", want " len)
		want_icmp = src == a ? 8 : 0
		if ($11 != want_icmp) bad("ICMP type " $11 ", want " want_icmp)
		if (suite != "plain" && $13 != (src == a ? spi_ab : spi_ba))
			bad("SPI " $13)
		n[src]++
		if ($12 != n[src]) bad("ICMP sequence " $12 ", want " n[src])
		if (src in pseq) {
			if ($7 != pseq[src] + 1) bad("peer sequence " $7 " after " pseq[src])
			if ($8 <= lseq[src]) bad("link sequence " $8 " after " lseq[src])
		}
		pseq[src] = $7; lseq[src] = $8
	}
	END {
		if (n[a] != pings || n[b] != pings) {
			printf "# %d packets from %s, %d from %s; want %d each\n", n[a], a, n[b], b, pings
			errors++
		}
		exit errors != 0
	}' <<<"$out"
)

i=0
for e in "${envs[@]}"; do
	i=$((i + 1))
	name=$(basename "${e%.env}")
	if check_capture "$e" 2>"$e.tshark"; then
		echo "ok $i $name decodes as sent"
	else
		sed 's/^/# /' "$e.tshark"
		echo "not ok $i $name decodes as sent"
		failed=1
	fi
done
[ -z "${failed:-}" ]
