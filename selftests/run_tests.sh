#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh [TEST...]
#
# Run vcmp selftests (default: all in TEST_PROGS of the Makefile) and print
# one KTAP document: each test's own KTAP output nested (indented four
# spaces), then its result line. After every test the kernel is checked:
# a new taint bit other than O/E, or a BUG/WARNING/Oops/KFENCE/UBSAN line in
# dmesg, fails that test. Exit status 0 when everything passed or skipped.
cd "$(dirname "$0")" || exit 1

if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^TEST_PROGS *:= *//p' Makefile)
fi

bad_dmesg='BUG:|WARNING:|Oops|KFENCE:|UBSAN:|KASAN:|refcount_t:|list_add corruption|list_del corruption|kmemleak:.*new suspected|INFO: task .* blocked|possible recursive locking|suspicious RCU usage|circular locking'
allowed_taint=$((4096 | 8192))	# O (out-of-tree module), E (unsigned module)

taint() { cat /proc/sys/kernel/tainted; }
dmesg_lines() { dmesg 2>/dev/null | wc -l; }

echo "KTAP version 1"
echo "# vcmp selftests on $(uname -r)"
echo "1..$#"
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
	timeout 900 "./$t" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
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
echo "# $((n - failed)) of $n tests passed"
[ "$failed" -eq 0 ]
