#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle: load/unload, autoload through rtnetlink, and cleanup of
# devices and sockets on rmmod and namespace deletion.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ss modprobe

test_load_unload() {
	local i
	vcmp_unload
	for i in $(seq 20); do
		vcmp_load
		vcmp_loaded || fail "not loaded after load $i"
		vcmp_unload
		! vcmp_loaded || fail "still loaded after unload $i"
	done
}

test_autoload() {
	vcmp_unload
	ip link add vcmp-auto type vcmp
	track_dev vcmp-auto
	vcmp_loaded || fail "ip link add did not load the module"
	expect_match "link kind" "$(ip -d -j link show vcmp-auto)" '"info_kind":"vcmp"'
	ip link del vcmp-auto
}

test_rmmod_live_devices() {
	local a b
	vcmp_load
	setup_ns a b
	ip -n "$a" link add vcmp0 type vcmp
	n "$a" "$VCMPCTL" dev add vcmp1 port 2500
	ip -n "$b" link add vcmp0 type vcmp
	ip -n "$a" link set vcmp0 up
	ip -n "$a" link set vcmp1 up
	ip -n "$b" link set vcmp0 up
	expect_eq "sockets on 2426 in a" "$(udp_sockets "$a" 2426)" 2
	expect_eq "sockets on 2500 in a" "$(udp_sockets "$a" 2500)" 2
	expect_eq "sockets on 2426 in b" "$(udp_sockets "$b" 2426)" 2
	rmmod vcmp
	! vcmp_loaded || fail "module still loaded"
	expect_eq "devices left in a" "$(ip -n "$a" -o link show type vcmp | wc -l)" 0
	expect_eq "devices left in b" "$(ip -n "$b" -o link show type vcmp | wc -l)" 0
	expect_eq "sockets left in a" "$(udp_sockets "$a" 2426)" 0
	expect_eq "sockets left in a" "$(udp_sockets "$a" 2500)" 0
	expect_eq "sockets left in b" "$(udp_sockets "$b" 2426)" 0
}

test_netns_delete() {
	local i ns
	vcmp_load
	for i in $(seq 10); do
		setup_ns ns
		ip -n "$ns" link add vcmp0 type vcmp
		ip -n "$ns" link set vcmp0 up
		expect_eq "sockets in $ns" "$(udp_sockets "$ns" 2426)" 2
		ip netns del "$ns"
	done
	# Namespaces are dismantled by a workqueue; once it ran, nothing
	# may hold the module. (Leaks are kmemleak's job in the debug tier.)
	wait_for 10 rmmod vcmp 2>/dev/null || fail "module busy after namespace deletion"
}

test_del_while_up() {
	local ns
	vcmp_load
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" link set vcmp0 up
	ip -n "$ns" link del vcmp0
	expect_eq "sockets after del" "$(udp_sockets "$ns" 2426)" 0
	# The port is free again: a new device binds it.
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" link set vcmp0 up
	expect_eq "sockets after re-add" "$(udp_sockets "$ns" 2426)" 2
}

ktap_plan 5
run_case "load and unload 20 times" test_load_unload
run_case "ip link add autoloads the module" test_autoload
run_case "rmmod with live devices in two namespaces" test_rmmod_live_devices
run_case "namespace deletion releases devices and sockets" test_netns_delete
run_case "deleting an up device releases its port" test_del_while_up
vcmp_unload
ktap_finish
