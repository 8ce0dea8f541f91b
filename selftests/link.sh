#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vcmp link: creation with default and explicit ports, validation with
# extack messages, the encapsulation sockets' lifetime, port changes, MTU
# bounds, and the counters for what it cannot deliver yet.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ss ethtool ping nc

# vcmp_port NS DEV: the port vcmpctl reports for DEV.
vcmp_port() {
	n "$1" "$VCMPCTL" -j dev show "$2" | grep -o '"port": *[0-9]*' | grep -o '[0-9]*$'
}

test_default_port() {
	local ns
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	expect_eq "port" "$(vcmp_port "$ns" vcmp0)" 2426
	local info
	info=$(ip -n "$ns" -d link show vcmp0)
	expect_match "link type" "$info" "link/none"
	expect_match "flags" "$info" "POINTOPOINT,NOARP"
	expect_match "mtu" "$info" "mtu 1368 "
	ip -n "$ns" link del vcmp0
	expect_eq "devices" "$(ip -n "$ns" -o link show type vcmp | wc -l)" 0
}

test_explicit_port() {
	local ns
	setup_ns ns
	n "$ns" "$VCMPCTL" dev add vcmp0 port 4000
	expect_eq "port" "$(vcmp_port "$ns" vcmp0)" 4000
	ip -n "$ns" link set vcmp0 up
	expect_eq "sockets on 4000" "$(udp_sockets "$ns" 4000)" 2
	expect_eq "sockets on 2426" "$(udp_sockets "$ns" 2426)" 0
	n "$ns" ss -Hulna "sport = :4000" | has_match '0\.0\.0\.0:4000' || fail "no IPv4 socket"
	n "$ns" ss -Hulna "sport = :4000" | has_match '\[::\]:4000' || fail "no IPv6 socket"
}

test_bad_port() {
	local ns err
	setup_ns ns
	if err=$(n "$ns" "$VCMPCTL" dev add vcmp0 port 0 2>&1); then
		fail "port 0 accepted"
	fi
	expect_match "extack" "$err" "^Error: vcmp: UDP port must be between 1 and 65535\\.$"
	expect_eq "devices" "$(ip -n "$ns" -o link show type vcmp | wc -l)" 0
	n "$ns" "$VCMPCTL" dev add vcmp0
	if err=$(n "$ns" "$VCMPCTL" dev set vcmp0 port 0 2>&1); then
		fail "changing to port 0 accepted"
	fi
	expect_match "extack" "$err" "^Error: vcmp: UDP port must be between 1 and 65535\\.$"
	expect_eq "port" "$(vcmp_port "$ns" vcmp0)" 2426
}

test_socket_follows_updown() {
	local ns i
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	expect_eq "sockets while down" "$(udp_sockets "$ns" 2426)" 0
	for i in 1 2 3; do
		ip -n "$ns" link set vcmp0 up
		expect_eq "sockets while up" "$(udp_sockets "$ns" 2426)" 2
		ip -n "$ns" link set vcmp0 down
		expect_eq "sockets while down" "$(udp_sockets "$ns" 2426)" 0
	done
}

test_port_conflict() {
	local ns err
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	if err=$(n "$ns" "$VCMPCTL" dev add vcmp1 port 2426 2>&1); then
		fail "second device on 2426 accepted"
	fi
	expect_match "extack" "$err" \
		"^Error: vcmp: UDP port already used by another vcmp device in this namespace\\.$"
	n "$ns" "$VCMPCTL" dev add vcmp1 port 2427
	if err=$(n "$ns" "$VCMPCTL" dev set vcmp1 port 2426 2>&1); then
		fail "changing to a used port accepted"
	fi
	expect_match "extack" "$err" "already used by another vcmp device"
	ip -n "$ns" link set vcmp0 up
	ip -n "$ns" link set vcmp1 up
	expect_eq "sockets on 2426" "$(udp_sockets "$ns" 2426)" 2
	expect_eq "sockets on 2427" "$(udp_sockets "$ns" 2427)" 2
}

test_port_held_elsewhere() {
	local ns err pid
	setup_ns ns
	ip netns exec "$ns" nc -d -u -l -p 2426 >/dev/null &
	pid=$!	# ip netns exec execs nc: this is nc's pid
	wait_for 10 out_test -ge 1 udp_sockets "$ns" 2426 || fail "nc did not bind"
	ip -n "$ns" link add vcmp0 type vcmp
	if err=$(ip -n "$ns" link set vcmp0 up 2>&1); then
		kill "$pid"
		fail "up succeeded on a port held by another socket"
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	wait_for 5 out_test -eq 0 udp_sockets "$ns" 2426 || fail "nc still bound"
	expect_match "error" "$err" "Address already in use"
	expect_match "state" "$(ip -n "$ns" link show vcmp0)" "state DOWN"
	ip -n "$ns" link set vcmp0 up
	expect_eq "sockets" "$(udp_sockets "$ns" 2426)" 2
}

test_port_change_while_up() {
	local ns
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" link set vcmp0 up
	n "$ns" "$VCMPCTL" dev set vcmp0 port 2500
	expect_eq "port" "$(vcmp_port "$ns" vcmp0)" 2500
	expect_eq "sockets on 2500" "$(udp_sockets "$ns" 2500)" 2
	expect_eq "sockets on 2426" "$(udp_sockets "$ns" 2426)" 0
	ip -n "$ns" link set vcmp0 down
	expect_eq "sockets on 2500 when down" "$(udp_sockets "$ns" 2500)" 0
}

test_two_namespaces() {
	local a b
	setup_ns a b
	ip -n "$a" link add vcmp0 type vcmp
	ip -n "$b" link add vcmp0 type vcmp
	ip -n "$a" link set vcmp0 up
	ip -n "$b" link set vcmp0 up
	expect_eq "sockets in a" "$(udp_sockets "$a" 2426)" 2
	expect_eq "sockets in b" "$(udp_sockets "$b" 2426)" 2
	ip -n "$a" link del vcmp0
	expect_eq "sockets in a after del" "$(udp_sockets "$a" 2426)" 0
	expect_eq "sockets in b after del in a" "$(udp_sockets "$b" 2426)" 2
}

test_mtu_bounds() {
	local ns
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	! ip -n "$ns" link set vcmp0 mtu 67 2>/dev/null || fail "mtu 67 accepted"
	ip -n "$ns" link set vcmp0 mtu 68
	ip -n "$ns" link set vcmp0 mtu 65403
	! ip -n "$ns" link set vcmp0 mtu 65404 2>/dev/null || fail "mtu 65404 accepted"
	expect_match "mtu" "$(ip -n "$ns" link show vcmp0)" "mtu 65403 "
}

test_rx_counters() {
	local ns
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" link set vcmp0 up
	expect_eq "short before" "$(stat_of "$ns" vcmp0 rx_drop_short)" 0
	printf 'abc' | n "$ns" nc -u -w0 127.0.0.1 2426
	printf 'abcdefghijklmnopqrstuvwxyz' | n "$ns" nc -u -w0 127.0.0.1 2426
	printf 'abcdefghijklmnopqrstuvwxyz' | n "$ns" nc -u -w0 ::1 2426
	wait_for 2 out_test = 2 stat_of "$ns" vcmp0 rx_drop_unknown_spi ||
		fail "rx_drop_unknown_spi $(stat_of "$ns" vcmp0 rx_drop_unknown_spi), want 2"
	expect_eq "rx_drop_short" "$(stat_of "$ns" vcmp0 rx_drop_short)" 1
}

test_tx_no_peer() {
	local ns out before
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" addr add 10.99.0.1/24 dev vcmp0
	ip -n "$ns" addr add fd99::1/64 dev vcmp0 nodad
	ip -n "$ns" link set vcmp0 up
	# IPv6 may send its own packets (MLD) on the device: compare deltas.
	before=$(stat_of "$ns" vcmp0 tx_drop_no_peer)
	out=$(n "$ns" ping -n -c 3 -i 0.2 -W 1 10.99.0.2 2>&1) && fail "ping got a reply"
	expect_match "ICMP to the sender" "$out" "Destination Net Unreachable"
	expect_match "errors" "$out" "3 packets transmitted, 0 received, \\+3 errors"
	[ $(( $(stat_of "$ns" vcmp0 tx_drop_no_peer) - before )) -ge 3 ] ||
		fail "tx_drop_no_peer did not count the pings"
	before=$(stat_of "$ns" vcmp0 tx_drop_no_peer)
	out=$(n "$ns" ping -n -6 -c 3 -i 0.2 -W 1 fd99::2 2>&1) && fail "ping6 got a reply"
	expect_match "ICMPv6 to the sender" "$out" "Destination unreachable: No route"
	[ $(( $(stat_of "$ns" vcmp0 tx_drop_no_peer) - before )) -ge 3 ] ||
		fail "tx_drop_no_peer did not count the pings"
}

ktap_plan 11
run_case "default port 2426, L3 point-to-point device" test_default_port
run_case "explicit port binds IPv4 and IPv6 sockets" test_explicit_port
run_case "port 0 refused with an extack message" test_bad_port
run_case "sockets exist exactly while the device is up" test_socket_follows_updown
run_case "second device on a used port refused" test_port_conflict
run_case "port held by another socket: up fails cleanly" test_port_held_elsewhere
run_case "port change while up moves the sockets" test_port_change_while_up
run_case "devices in two namespaces on the same port" test_two_namespaces
run_case "MTU bounds" test_mtu_bounds
run_case "datagrams with no SA are counted" test_rx_counters
run_case "inner packets with no peer get ICMP unreachable" test_tx_no_peer
ktap_finish
