#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iproute2 and vcmp: the link plugin link_vcmp.so lets the host's own ip(8)
# create vcmp devices with a port, change the port, print it in
# "ip -d link show" and in JSON, document the options, and report bad ports.
# vcmpctl and ss check independently what ip claims.
#
# The plugin is taken from IP_LIB_DIR when set, else from the source tree
# (../tools/iproute2), else from ip's library directory, where "make
# install" and the VM image put it.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ss

if [ -z "${IP_LIB_DIR:-}" ] && [ -f "$LIB_DIR/../tools/iproute2/link_vcmp.so" ]; then
	export IP_LIB_DIR=$LIB_DIR/../tools/iproute2
fi
plugin_found() {
	local d
	if [ -n "${IP_LIB_DIR:-}" ]; then
		[ -f "$IP_LIB_DIR/link_vcmp.so" ]
		return
	fi
	for d in /usr/lib/*/ip /usr/lib/ip /usr/lib64/ip; do
		[ -f "$d/link_vcmp.so" ] && return 0
	done
	return 1
}
if ! plugin_found; then
	# The VM image ships the plugin: there its absence is a failure.
	if [ -e "$LIB_DIR/.vm-image" ]; then
		echo "# link_vcmp.so missing from the VM image"
		exit $KSFT_FAIL
	fi
	echo "# SKIP: link_vcmp.so not built or installed (make tools)"
	exit $KSFT_SKIP
fi
vcmp_load

# vcmp_port NS DEV: the port vcmpctl (generic netlink) reports for DEV.
vcmp_port() {
	n "$1" "$VCMPCTL" -j dev show "$2" | grep -o '"port": *[0-9]*' | grep -o '[0-9]*$'
}

# ndevs NS: number of vcmp devices in NS.
ndevs() {
	ip -n "$1" -o link show type vcmp | wc -l
}

test_help() {
	local out
	out=$(ip link help vcmp 2>&1) || fail "ip link help vcmp failed: $out"
	expect_match "usage" "$out" '^Usage: \.\.\. vcmp \[ port PORT \]$'
	expect_match "port range" "$out" 'PORT := 1-65535'
	expect_match "default" "$out" 'default 2426'
	expect_match "vcmpctl" "$out" 'vcmpctl\(8\)'
	# "help" among the options prints the same and creates nothing.
	if out=$(ip link add vcmp9 type vcmp help 2>&1); then
		fail "help among the options succeeded"
	fi
	expect_match "usage" "$out" '^Usage: \.\.\. vcmp \[ port PORT \]$'
	expect_eq "devices" "$(ip -o link show type vcmp | wc -l)" 0
}

test_add_with_port() {
	local ns info
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp port 4000
	expect_eq "port from vcmpctl" "$(vcmp_port "$ns" vcmp0)" 4000
	info=$(ip -n "$ns" -d link show vcmp0)
	expect_match "ip -d" "$info" '^ +vcmp port 4000 '
	ip -n "$ns" link set vcmp0 up
	expect_eq "sockets on 4000" "$(udp_sockets "$ns" 4000)" 2
	expect_eq "sockets on 2426" "$(udp_sockets "$ns" 2426)" 0
}

test_default_port() {
	local ns
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	expect_match "ip -d" "$(ip -n "$ns" -d link show vcmp0)" '^ +vcmp port 2426 '
	expect_match "json" "$(ip -n "$ns" -j -d link show vcmp0)" \
		'"linkinfo":\{"info_kind":"vcmp","info_data":\{"port":2426\}\}'
}

test_json() {
	local ns out
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp port 65535
	ip -n "$ns" link add vcmp1 type vcmp port 1
	out=$(ip -n "$ns" -j -d link show vcmp0)
	expect_match "json" "$out" \
		'"linkinfo":\{"info_kind":"vcmp","info_data":\{"port":65535\}\}'
	expect_match "json ifname" "$out" '"ifname":"vcmp0"'
	expect_match "json array" "$out" '^\[\{.*\}\]$'
	out=$(ip -n "$ns" -j -d link show vcmp1)
	expect_match "json" "$out" '"info_data":\{"port":1\}'
	# Pretty JSON prints the same member.
	out=$(ip -n "$ns" -j -p -d link show vcmp1)
	expect_match "pretty json" "$out" '^ +"port": 1$'
}

test_set_port() {
	local ns
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp port 4000
	ip -n "$ns" link set vcmp0 up
	ip -n "$ns" link set vcmp0 type vcmp port 4001
	expect_eq "port from vcmpctl" "$(vcmp_port "$ns" vcmp0)" 4001
	expect_match "ip -d" "$(ip -n "$ns" -d link show vcmp0)" '^ +vcmp port 4001 '
	expect_eq "sockets on 4001" "$(udp_sockets "$ns" 4001)" 2
	expect_eq "sockets on 4000" "$(udp_sockets "$ns" 4000)" 0
	# Without options "type vcmp" changes nothing.
	ip -n "$ns" link set vcmp0 type vcmp
	expect_eq "port unchanged" "$(vcmp_port "$ns" vcmp0)" 4001
}

test_bad_port() {
	local ns err
	setup_ns ns
	# Refused by the kernel, with its extended ACK message.
	if err=$(ip -n "$ns" link add vcmp0 type vcmp port 0 2>&1); then
		fail "port 0 accepted"
	fi
	expect_match "extack" "$err" '^Error: vcmp: UDP port must be between 1 and 65535\.$'
	# Refused by the plugin before anything is sent.
	for p in 65536 70000 -1 abc 12x ''; do
		if err=$(ip -n "$ns" link add vcmp0 type vcmp port "$p" 2>&1); then
			fail "port '$p' accepted"
		fi
		expect_match "error for '$p'" "$err" \
			"^Error: vcmp: invalid port \"$p\": a number from 1 to 65535 is expected\\.$"
	done
	if err=$(ip -n "$ns" link add vcmp0 type vcmp port 2>&1); then
		fail "port without a value accepted"
	fi
	expect_match "missing value" "$err" '^Error: vcmp: "port" needs a value\.$'
	if err=$(ip -n "$ns" link add vcmp0 type vcmp colour blue 2>&1); then
		fail "unknown option accepted"
	fi
	expect_match "unknown option" "$err" '^Error: vcmp: unknown option "colour"\.$'
	expect_eq "devices after refusals" "$(ndevs "$ns")" 0
	# A port another vcmp device holds, at creation and when changing.
	ip -n "$ns" link add vcmp0 type vcmp port 4000
	if err=$(ip -n "$ns" link add vcmp1 type vcmp port 4000 2>&1); then
		fail "second device on port 4000 accepted"
	fi
	expect_match "conflict" "$err" \
		'^Error: vcmp: UDP port already used by another vcmp device in this namespace\.$'
	ip -n "$ns" link add vcmp1 type vcmp port 4001
	if err=$(ip -n "$ns" link set vcmp1 type vcmp port 0 2>&1); then
		fail "changing to port 0 accepted"
	fi
	expect_match "extack on set" "$err" '^Error: vcmp: UDP port must be between 1 and 65535\.$'
	if err=$(ip -n "$ns" link set vcmp1 type vcmp port 4000 2>&1); then
		fail "changing to a used port accepted"
	fi
	expect_match "conflict on set" "$err" 'already used by another vcmp device'
	expect_eq "port kept" "$(vcmp_port "$ns" vcmp1)" 4001
	expect_eq "devices" "$(ndevs "$ns")" 2
}

ktap_plan 6
run_case "ip link help vcmp documents the options" test_help
run_case "ip link add type vcmp port N, shown by ip -d" test_add_with_port
run_case "default port 2426 shown in text and JSON" test_default_port
run_case "ip -j -d link show has info_data.port" test_json
run_case "ip link set type vcmp port N moves the sockets" test_set_port
run_case "bad ports refused by the plugin or the kernel" test_bad_port
ktap_finish
