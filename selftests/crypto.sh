#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP crypto: the in-module self-test (selftest=1 runs vcmp_crypto_selftest()
# at load: known answers, comparison with the primitives, round trips over
# every skb shape, tampering, bad trailers, for every suite, directly and
# behind cryptd), and which AEAD implementations the kernel picked.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd modprobe rmmod dmesg

# dmesg_since N: kernel log lines after the first N.
dmesg_since() { dmesg | tail -n +"$(($1 + 1))"; }

# show_algs PATTERN: name, driver, async flag and priority of every
# registered algorithm whose name matches PATTERN, one per line.
show_algs() {
	awk -v pat="$1" '
		/^name/ { name = $3; drv = ""; async = "-"; prio = "" }
		/^driver/ { drv = $3 }
		/^priority/ { prio = $3 }
		/^async/ { async = $3 }
		/^$/ { if (name ~ pat) printf "%s: %s (priority %s, async %s)\n", name, drv, prio, async; name = "" }
		END { if (name ~ pat) printf "%s: %s (priority %s, async %s)\n", name, drv, prio, async }
	' /proc/crypto
}

test_unload() {
	vcmp_unload
	! vcmp_loaded || fail "vcmp still loaded"
}

# udev loads the drivers for the CPU's features at boot (modalias); the
# test VM has no udev, so without this AES-NI would never be used.
test_cpu_drivers() {
	grep -qw aes /proc/cpuinfo || skip "CPU without AES instructions"
	modprobe aesni_intel
	grep -q '^module *: aesni_intel' /proc/crypto || fail "aesni_intel registered nothing"
}

vcmp_load_selftest() {
	modprobe vcmp selftest=1 2>/dev/null || insmod "$VCMP_KO" selftest=1
}

test_selftest_load() {
	local lines0 log
	vcmp_unload
	lines0=$(dmesg | wc -l)
	vcmp_load_selftest ||
		fail "load with selftest=1 failed: $(dmesg_since "$lines0" | grep 'vcmp' | tail -5)"
	vcmp_loaded || fail "not loaded"
	log=$(dmesg_since "$lines0" | grep 'vcmp: crypto selftest' || true)
	sed 's/^\[[^]]*\] //' <<<"$log"
	expect_match "selftest result" "$log" 'vcmp: crypto selftest: pass \([0-9]+ cases\)'
	! grep -q 'FAIL' <<<"$log" || fail "a case failed"
}

test_report_algs() {
	local algs
	vcmp_loaded || skip "vcmp not loaded"
	# what "grep -A3 rfc4106 /proc/crypto" shows, one line per driver
	algs=$(show_algs '^(rfc4106|rfc7539esp|authencesn)[(]')
	echo "$algs"
	grep -q '^rfc4106(gcm(aes)): ' <<<"$algs" || fail "no rfc4106(gcm(aes)) instance"
	grep -q '^rfc7539esp(chacha20,poly1305): ' <<<"$algs" ||
		fail "no rfc7539esp(chacha20,poly1305) instance"
	grep -q '^authencesn(hmac(sha1),cbc(aes)): ' <<<"$algs" ||
		fail "no authencesn(hmac(sha1),cbc(aes)) instance"
}

test_selftest_reload() {
	local i lines0
	for i in 1 2 3; do
		vcmp_unload
		lines0=$(dmesg | wc -l)
		vcmp_load_selftest
		dmesg_since "$lines0" | has_match 'vcmp: crypto selftest: pass' ||
			fail "selftest did not pass on load $i"
	done
	vcmp_unload
	! vcmp_loaded || fail "still loaded"
}

ktap_plan 5
run_case "unload vcmp" test_unload
run_case "load the CPU's crypto drivers, as udev would" test_cpu_drivers
run_case "modprobe vcmp selftest=1: crypto selftest passes" test_selftest_load
run_case "ESP AEAD implementations in /proc/crypto" test_report_algs
run_case "reload with selftest=1, then unload" test_selftest_reload
ktap_finish
