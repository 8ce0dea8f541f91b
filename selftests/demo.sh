#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two sites, each in its own network namespace, joined by an underlay link;
# each site has a vcmp device with the other as its peer, AES-GCM keys in
# both directions, and traffic crosses the tunnel encrypted: the capture
# on the underlay shows only ESP in UDP 2426.
# Run by "make demo" inside the VM; runs unchanged as root on any machine
# where the vcmp module can be loaded. (Multipath arrives with later work:
# one link per peer here.)
set -e
cd "$(dirname "$0")"
VCMPCTL=${VCMPCTL:-$(type -P vcmpctl || echo ../tools/vcmpctl/vcmpctl)}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

modprobe vcmp 2>/dev/null || insmod ../kernel/vcmp.ko

step "Two sites: namespaces site-a and site-b, underlay 192.0.2.0/24"
for s in a b; do
	ip netns del "site-$s" 2>/dev/null || true
	ip netns add "site-$s"
	ip -n "site-$s" link set lo up
done
ip link add wan0 netns site-a type veth peer name wan0 netns site-b
ip -n site-a addr add 192.0.2.1/24 dev wan0
ip -n site-b addr add 192.0.2.2/24 dev wan0
ip -n site-a link set wan0 up
ip -n site-b link set wan0 up
run ip netns exec site-a ping -c 2 -n 192.0.2.2

step "A vcmp device at each site"
run ip -n site-a link add vcmp0 type vcmp
run ip netns exec site-b "$VCMPCTL" dev add vcmp0 port 2426
for s in a b; do
	ip -n "site-$s" link set vcmp0 up
done
run ip -n site-a -d link show vcmp0
run ip netns exec site-b "$VCMPCTL" dev show

step "Each site listens on UDP 2426 (IPv4 and IPv6)"
run ip netns exec site-a ss -ulnp 'sport = :2426'
run ip netns exec site-b ss -ulnp 'sport = :2426'

step "Peers: site-a's peer 2 is site-b, over one link; inner 10.0.0.0/24"
run ip netns exec site-a "$VCMPCTL" peer add vcmp0 2 suite aes-gcm-128 \
	allowed-ips 10.0.0.2/32 link 1 remote 192.0.2.2
run ip netns exec site-b "$VCMPCTL" peer add vcmp0 1 suite aes-gcm-128 \
	allowed-ips 10.0.0.1/32 link 1 remote 192.0.2.1
ip -n site-a addr add 10.0.0.1/24 dev vcmp0
ip -n site-b addr add 10.0.0.2/24 dev vcmp0

step "Keys: one SA per direction (vcmpctl genkey makes them)"
kab=$("$VCMPCTL" genkey aes-gcm-128)
kba=$("$VCMPCTL" genkey aes-gcm-128)
run ip netns exec site-a "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$kab"
run ip netns exec site-b "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$kab"
run ip netns exec site-b "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$kba"
run ip netns exec site-a "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$kba"
run ip netns exec site-a "$VCMPCTL" show vcmp0

step "Traffic through the tunnel, and what the underlay sees"
cap=$(mktemp)
ip netns exec site-b tcpdump -Z root --immediate-mode -i wan0 -n -U -w "$cap" \
	udp 2>/dev/null &
tcpdump_pid=$!
sleep 1
run ip netns exec site-a ping -c 3 -n 10.0.0.2
printf 'a secret for site-b' | ip netns exec site-a nc -u -w0 10.0.0.2 9
sleep 0.5
kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true
run ip netns exec site-b tcpdump -Z root -r "$cap" -n 2>/dev/null
if grep -aq 'a secret' "$cap"; then
	echo "plaintext on the wire: this must not happen"; exit 1
fi
echo "(no plaintext on the underlay: only UDP 2426 carrying ESP)"
rm -f "$cap"

step "Counters: ip -s link and the per-reason counters of ethtool -S"
printf 'stray datagram to the tunnel port' |
	ip netns exec site-a nc -u -w0 192.0.2.2 2426
sleep 0.2
run ip -n site-b -s link show vcmp0
run ip netns exec site-b ethtool -S vcmp0

for s in a b; do ip netns del "site-$s"; done
echo
echo "demo finished"
