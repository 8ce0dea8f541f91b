#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two sites, each in its own network namespace, joined by an underlay link;
# each site has a vcmp device up with its UDP encapsulation socket listening.
# Run by "make demo" inside the VM; runs unchanged as root on any machine
# where the vcmp module can be loaded. (The tunnel carries no traffic yet:
# peers and keys arrive with the encrypted data path.)
set -e
cd "$(dirname "$0")"
VCMPCTL=${VCMPCTL:-$(command -v vcmpctl || echo ../tools/vcmpctl/vcmpctl)}

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

step "Counters (ethtool -S): every packet vcmp cannot deliver is counted"
printf 'stray datagram to the tunnel port' |
	ip netns exec site-a nc -u -w0 192.0.2.2 2426
sleep 0.2
run ip netns exec site-b ethtool -S vcmp0

for s in a b; do ip netns del "site-$s"; done
echo
echo "demo finished"
