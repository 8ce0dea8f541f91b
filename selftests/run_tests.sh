#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh [TEST...]
#
# Run vcmp selftests (default: all in TEST_PROGS of the Makefile) and print
# one KTAP document: each test's own KTAP output nested (indented four
# spaces), then its result line. After every test the kernel is checked:
# a new taint bit other than O/E, or a BUG/WARNING/Oops/KFENCE/UBSAN line in
# dmesg, fails that test. On a kernel with kmemleak, a last test "kmemleak"
# unloads vcmp, scans and fails on any leak suspected since the start.
# Exit status 0 when everything passed or skipped.
#
# VCMP_DEBUG_KERNEL=1 (set by the VM on the debug kernel) allows each test
# eight times the usual 900 s (VCMP_TEST_TIMEOUT).
cd "$(dirname "$0")" || exit 1

if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046
	set -- $(awk '/^TEST_PROGS *:=/ { p = 1; sub(/^TEST_PROGS *:= */, "") }
		p { more = sub(/\\$/, ""); print; if (!more) exit }' Makefile)
fi

bad_dmesg='BUG:|BUG [[:alnum:]_-]+ \(|WARNING:|Oops|KFENCE:|UBSAN:|KASAN:|refcount_t:|list_add corruption|list_del corruption|kmemleak:.*new suspected|INFO: task .* blocked|possible recursive locking|suspicious RCU usage|circular locking|ref_tracker:|unregister_netdevice: waiting'
allowed_taint=$((4096 | 8192))	# O (out-of-tree module), E (unsigned module)

taint() { cat /proc/sys/kernel/tainted; }
dmesg_lines() { dmesg 2>/dev/null | wc -l; }

test_timeout=${VCMP_TEST_TIMEOUT:-900}
[ "${VCMP_DEBUG_KERNEL:-0}" = 1 ] && test_timeout=$((test_timeout * 8))

kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] || kmemleak=

# kmemleak_scan: scan twice, as kmemleak asks (an object is reported only
# once it is a few seconds old and unreferenced in two scans).
kmemleak_scan() {
	echo scan >"$kmemleak" && sleep 6 && echo scan >"$kmemleak"
}

echo "KTAP version 1"
echo "# vcmp selftests on $(uname -r), $(cut -d' ' -f1 /proc/uptime) s after boot"
# The memory checks this kernel runs with (selftests/vm/run.sh, VM_MEMCHECK).
redzones=$(grep -l '^1' /sys/kernel/slab/*/red_zone 2>/dev/null | awk -F/ '{ printf "%s ", $5 }')
kfence=$(cat /sys/module/kfence/parameters/sample_interval 2>/dev/null) &&
	kfence="sample interval $kfence ms" || kfence="not built in"
echo "# slab red zones on: ${redzones:-none}; KFENCE: $kfence"
plan=$#
[ -n "$kmemleak" ] && plan=$((plan + 1))
echo "1..$plan"
if [ -n "$kmemleak" ]; then
	# What leaked while booting is not the tests' doing: report it here
	# and forget it ("clear" marks the current suspects as seen).
	if kmemleak_scan; then
		grep '^unreferenced object' "$kmemleak" | sed 's/^/# kmemleak before the tests: /'
		echo clear >"$kmemleak"
	fi
fi
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	t=${t%.sh}.sh
	taint0=$(taint)
	lines0=$(dmesg_lines)
	if [ ! -x "./$t" ]; then
		echo "not ok $n ${t%.sh} # no such test"
		failed=$((failed + 1))
		continue
	fi
	t0=$(date +%s)
	timeout "$test_timeout" "./$t" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	echo "# $t took $(($(date +%s) - t0)) s"
	new_taint=$(( $(taint) & ~taint0 & ~allowed_taint ))
	kmsg=$(dmesg 2>/dev/null | tail -n +"$((lines0 + 1))" | grep -E "$bad_dmesg" | head -5)
	if [ "$new_taint" -ne 0 ] || [ -n "$kmsg" ]; then
		echo "# kernel health after $t: taint $(taint) (new $new_taint)"
		printf '%s\n' "$kmsg" | sed 's/^/# dmesg: /'
		echo "not ok $n ${t%.sh} # kernel reported a problem"
		failed=$((failed + 1))
	elif [ "$rc" -eq 0 ]; then
		echo "ok $n ${t%.sh}"
	elif [ "$rc" -eq 4 ]; then
		echo "ok $n ${t%.sh} # SKIP"
	else
		[ "$rc" -eq 124 ] && echo "# $t timed out"
		echo "not ok $n ${t%.sh} # exit status $rc"
		failed=$((failed + 1))
	fi
done

if [ -n "$kmemleak" ]; then
	n=$((n + 1))
	# What vcmp still holds is only freed on unload.
	[ -d /sys/module/vcmp ] && rmmod vcmp
	if ! kmemleak_scan; then
		echo "not ok $n kmemleak # cannot scan (kmemleak disabled itself?)"
		dmesg | grep -i kmemleak | tail -3 | sed 's/^/# dmesg: /'
		failed=$((failed + 1))
	else
		leaks=$(cat "$kmemleak")
		if [ -n "$leaks" ]; then
			printf '%s\n' "$leaks" | sed 's/^/# kmemleak: /'
			echo "not ok $n kmemleak # $(grep -c '^unreferenced object' <<<"$leaks") suspected leaks"
			failed=$((failed + 1))
		else
			echo "ok $n kmemleak"
		fi
	fi
fi
echo "# $((n - failed)) of $n tests passed"
[ "$failed" -eq 0 ]
