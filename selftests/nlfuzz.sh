#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input on the generic netlink family "vcmp" (tools/vcmpnlfuzz):
# every command with missing, oversized, out-of-range and unknown
# attributes, each with the errno and extended ACK text it must get; then
# NLFUZZ_COUNT (default 10,000) random and mutated requests as root, as
# nobody, from an unprivileged user namespace in the device's network
# namespace, and from a user and network namespace of their own. The
# unprivileged callers must change nothing (the configuration is dumped
# before and after); the kernel must stay healthy (run_tests.sh checks
# taint and dmesg after the test) and the device usable.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip setpriv unshare cmp

FUZZ=${VCMPNLFUZZ:-$LIB_DIR/tools/vcmpnlfuzz}
COUNT=$(scale "${NLFUZZ_COUNT:-10000}" 1000)
SEED=${NLFUZZ_SEED:-$RANDOM}

[ -x "$FUZZ" ] || { echo "# SKIP: $FUZZ not built (make -C selftests tools)"; exit $KSFT_SKIP; }
vcmp_load

vc() { n "$ns" "$VCMPCTL" "$@"; }

# dev_ns: namespace $ns with vcmp0 and an underlay wan0.
dev_ns() {
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" link add wan0 type dummy
	ip -n "$ns" addr add 192.0.2.1/24 dev wan0
	ip -n "$ns" link set wan0 up
	ip -n "$ns" link set vcmp0 up
}

# configure: peers, links, prefixes, SAs, classes and rules for the
# unprivileged callers to try to change.
configure() {
	vc peer add vcmp0 1 suite aes-gcm-128 allowed-ips 10.1.0.0/16 \
		link 1 remote 192.0.2.2 link 2 remote 2001:db8::2
	vc peer add vcmp0 2 suite plain allowed-ips 10.2.0.0/16 link 1 remote 192.0.2.3
	vc peer add vcmp0 3 suite chacha20-poly1305 allowed-ips fd03::/64
	vc sa add vcmp0 1 0x01000001 out key "$(vc genkey aes-gcm-128)"
	vc sa add vcmp0 1 0x01000002 in key "$(vc genkey aes-gcm-128)"
	vc sa add vcmp0 3 0x01000003 in key "$(vc genkey chacha20-poly1305)"
	vc class set vcmp0 0 link 2 backup
	vc class set vcmp0 1 name voice mode dup sla voice link 1 preferred \
		jitter-buffer 40
	vc class set vcmp0 15 name bulk mode spray link 2 mandatory
	vc rule add vcmp0 10 class 1 dscp 46 proto udp dport 5060-5061
	vc rule add vcmp0 20 class 1 from 10.1.0.0/16 to 10.2.0.0/16
	vc rule add vcmp0 30 class 15 proto tcp sport 1024-65535
}

# snapshot FILE: the device's configuration (peers, classes and rules)
# and its SAs (showconf has no keys; show lists the SAs by SPI). Only
# configuration: the links' measurements change by themselves.
snapshot() {
	{
		vc showconf vcmp0
		vc show vcmp0 | grep -E '^ *sa: ' || true
	} >"$1"
}

same_config() {	# same_config BEFORE AFTER WHO
	if ! cmp -s "$1" "$2"; then
		diff "$1" "$2" | head -20 >&2 || true
		fail "$3 changed the configuration"
	fi
	echo "configuration unchanged after $3 ($(wc -l <"$1") lines compared)"
}

# alive: the family still answers and the device still works.
alive() {
	vc show vcmp0 >/dev/null || fail "vcmpctl show fails after the fuzzing"
	ip -n "$ns" link set vcmp0 down
	ip -n "$ns" link set vcmp0 up
}

test_cases() {
	local ns
	dev_ns
	n "$ns" "$FUZZ" -d vcmp0 -w wan0 cases ||
		fail "some requests did not get their errno and extack message"
	# The table deletes what it made: nothing is left.
	expect_eq "peers after the table" "$(vc -j show vcmp0 | grep -o '"peer_count":[0-9]*')" '"peer_count":0'
	expect_eq "classes and rules after the table" \
		"$(vc showconf vcmp0 | grep -c -E '^\[(Class|Rule)\]' || true)" 0
}

test_random_root() {
	local ns
	dev_ns
	configure
	echo "seed $SEED, $COUNT requests"
	n "$ns" "$FUZZ" -d vcmp0 random "$COUNT" "$SEED" ||
		fail "unexpected answers to random requests (seed $SEED)"
	alive
	# Whatever the requests made goes away with the device.
	ip -n "$ns" link del vcmp0
	ip -n "$ns" link add vcmp0 type vcmp
}

# unprivileged WHO CMD...: the table and random requests through CMD, in
# the device's namespace, change nothing.
unprivileged() {
	local who=$1 before after
	shift
	before=$_state/before after=$_state/after
	snapshot "$before"
	n "$ns" "$@" "$FUZZ" -d vcmp0 unpriv ||
		fail "$who: some requests were not refused with EPERM"
	n "$ns" "$@" "$FUZZ" -d vcmp0 -u random "$COUNT" "$SEED" ||
		fail "$who: unexpected answers to random requests (seed $SEED)"
	snapshot "$after"
	same_config "$before" "$after" "$who"
}

test_nobody() {
	local ns
	dev_ns
	configure
	unprivileged "nobody" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all
}

test_userns() {
	local ns
	dev_ns
	configure
	# Root of a user namespace of its own: all capabilities there,
	# none over the device's network namespace.
	unshare -U -r true 2>/dev/null || skip "no unprivileged user namespaces"
	unprivileged "a user namespace" unshare -U -r
}

test_own_netns() {
	local ns ifindex before after
	dev_ns
	configure
	before=$_state/before after=$_state/after
	snapshot "$before"
	ifindex=$(n "$ns" cat /sys/class/net/vcmp0/ifindex)
	# In a network namespace of its own the caller is privileged but
	# reaches no vcmp device: the ifindex names nothing (or another
	# device) there.
	n "$ns" unshare -U -r -n "$FUZZ" -i "$ifindex" random "$COUNT" "$SEED" ||
		fail "own netns: unexpected answers to random requests (seed $SEED)"
	snapshot "$after"
	same_config "$before" "$after" "a user and network namespace of its own"
}

ktap_plan 5
run_case "every command: missing, oversized, out-of-range, unknown attributes" test_cases
run_case "random requests as root" test_random_root
run_case "nobody in the device's namespace changes nothing" test_nobody
run_case "an unprivileged user namespace changes nothing" test_userns
run_case "a namespace of its own reaches no device" test_own_netns
ktap_finish
