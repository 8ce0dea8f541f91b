#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: performance figures, not pass/fail. In one VM run, rounds
# interleaved so that drift hits every tunnel alike:
#  - TCP goodput (iperf3) and ping RTT through vcmp (AES-GCM-128),
#    WireGuard, and kernel xfrm ESP-in-UDP transport mode (rfc4106);
#  - the time and memory to configure 10,000 peers on one vcmp device.
# Under TCG only the ratios between tunnels mean anything.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
PATH=$PATH:$LIB_DIR/tools

vcmp_load
setup_ns a b
ip link add u1 netns "$a" type veth peer name u1 netns "$b"
ip link add u2 netns "$a" type veth peer name u2 netns "$b"
ip -n "$a" addr add 192.0.2.1/24 dev u1
ip -n "$b" addr add 192.0.2.2/24 dev u1
ip -n "$a" addr add 192.0.3.1/24 dev u2
ip -n "$b" addr add 192.0.3.2/24 dev u2
for ns in "$a" "$b"; do
	ip -n "$ns" link set u1 up
	ip -n "$ns" link set u2 up
done

# vcmp: 10.1.0.0/24 over u1
key_ab=$("$VCMPCTL" genkey aes-gcm-128)
key_ba=$("$VCMPCTL" genkey aes-gcm-128)
for s in "$a 1 2 192.0.2.2 $key_ab $key_ba" "$b 2 1 192.0.2.1 $key_ba $key_ab"; do
	set -- $s
	ip -n "$1" link add vcmp0 type vcmp
	ip -n "$1" addr add "10.1.0.$2/24" dev vcmp0
	ip -n "$1" link set vcmp0 up
	n "$1" "$VCMPCTL" peer add vcmp0 "$3" suite aes-gcm-128 \
		allowed-ips "10.1.0.$3/32" link 1 remote "$4"
	n "$1" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$2" out key "$5"
	n "$1" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$3" in key "$6"
done

# WireGuard: 10.2.0.0/24 over u1
for ns in "$a" "$b"; do
	n "$ns" wg genkey >"$_state/$ns.key"
	n "$ns" wg pubkey <"$_state/$ns.key" >"$_state/$ns.pub"
done
for s in "$a 1 $b 192.0.2.2" "$b 2 $a 192.0.2.1"; do
	set -- $s
	ip -n "$1" link add wg0 type wireguard
	n "$1" wg set wg0 listen-port 51820 private-key "$_state/$1.key" \
		peer "$(cat "$_state/$3.pub")" allowed-ips 10.2.0.0/24 endpoint "$4:51820"
	ip -n "$1" addr add "10.2.0.$2/24" dev wg0
	ip -n "$1" link set wg0 up
done

# xfrm: ESP-in-UDP (port 4500) transport mode between 192.0.3.1 and .2
k1=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
k2=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
for ns in "$a" "$b"; do
	for d in "192.0.3.1 192.0.3.2 0x1001 $k1" "192.0.3.2 192.0.3.1 0x1002 $k2"; do
		set -- $d
		ip -n "$ns" xfrm state add src "$1" dst "$2" proto esp spi "$3" \
			reqid 1 mode transport aead 'rfc4106(gcm(aes))' "$4" 128 \
			encap espinudp 4500 4500 0.0.0.0
	done
	n "$ns" espinudp 4500 &
done
ip -n "$a" xfrm policy add src 192.0.3.1 dst 192.0.3.2 dir out \
	tmpl src 192.0.3.1 dst 192.0.3.2 proto esp reqid 1 mode transport
ip -n "$a" xfrm policy add src 192.0.3.2 dst 192.0.3.1 dir in \
	tmpl src 192.0.3.2 dst 192.0.3.1 proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src 192.0.3.2 dst 192.0.3.1 dir out \
	tmpl src 192.0.3.2 dst 192.0.3.1 proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src 192.0.3.1 dst 192.0.3.2 dir in \
	tmpl src 192.0.3.1 dst 192.0.3.2 proto esp reqid 1 mode transport

declare -A dst=([vcmp]=10.1.0.2 [wireguard]=10.2.0.2 [xfrm]=192.0.3.2)
tunnels="vcmp wireguard xfrm"
for t in $tunnels; do
	n "$a" ping -c 2 -W 2 "${dst[$t]}" >/dev/null ||
		{ echo "bench: $t does not pass traffic"; exit 1; }
done
n "$b" iperf3 -s -D >/dev/null
sleep 0.5

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# $ROUNDS rounds of ${SECS}s iperf3 + 20 pings per tunnel, interleaved"
for r in $(seq "$ROUNDS"); do
	for t in $tunnels; do
		mbit=$(n "$a" iperf3 -c "${dst[$t]}" -t "$SECS" -f m 2>/dev/null |
			awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }')
		rtt=$(n "$a" ping -q -c 20 -i 0.05 "${dst[$t]}" 2>/dev/null |
			awk -F/ '/^rtt/ { print $5 }')
		echo "${mbit:-0}" >>"$_state/$t.tput"
		echo "${rtt:-0}" >>"$_state/$t.rtt"
		echo "# round $r $t: ${mbit:-0} Mbit/s, rtt ${rtt:-?} ms"
	done
done

echo
printf '%-10s %14s %14s\n' tunnel "TCP Mbit/s" "ping RTT ms"
for t in $tunnels; do
	printf '%-10s %14s %14s\n' "$t" "$(median <"$_state/$t.tput")" "$(median <"$_state/$t.rtt")"
done
v=$(median <"$_state/vcmp.tput")
printf 'ratio vcmp/wireguard: %s   vcmp/xfrm: %s   (targets 1.2 and 1.3)\n' \
	"$(awk -v a="$v" -v b="$(median <"$_state/wireguard.tput")" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" \
	"$(awk -v a="$v" -v b="$(median <"$_state/xfrm.tput")" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"

# Configuration scale: 10,000 peers, each with a link, a prefix and two SAs.
echo
N=${PEERS:-10000}
conf=$_state/peers.conf
key=$("$VCMPCTL" genkey aes-gcm-128)
awk -v n="$N" -v key="$key" 'BEGIN {
	for (i = 1; i <= n; i++) {
		printf "[Peer]\nId = %d\nSuite = aes-gcm-128\n", i + 100
		printf "AllowedIPs = 10.%d.%d.0/24\n", 100 + int(i / 256), i % 256
		printf "Link = 1 remote 192.0.2.%d\n", 1 + i % 250
		printf "SA = 0x%08x out key %s\nSA = 0x%08x in key %s\n\n", 0x02000000 + i, key, 0x03000000 + i, key
	}
}' >"$conf"
n "$b" "$VCMPCTL" dev add vcmp9 port 2999
slab0=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
t0=$(date +%s%N)
n "$b" "$VCMPCTL" setconf vcmp9 "$conf" || echo "bench: setconf failed"
t1=$(date +%s%N)
slab1=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
count=$(n "$b" "$VCMPCTL" -j show vcmp9 | grep -o '"peer_count":[0-9]*' | cut -d: -f2)
echo "peers configured: $count of $N in $(( (t1 - t0) / 1000000 )) ms," \
	"slab growth $(( (slab1 - slab0) * 1024 / N )) bytes per peer (with its link, prefix and 2 SAs)"
