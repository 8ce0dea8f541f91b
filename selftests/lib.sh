#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for vcmp selftests. A test sources this file, defines one
# function per test case and calls "run_case DESCRIPTION FUNCTION" for each,
# then "ktap_finish". Each case runs in a subshell with errexit, so any
# failing command fails the case; "fail MSG" fails it with a message.
# Namespaces made with setup_ns and devices made with add_vcmp are removed
# after every case.
#
# Runs unchanged on any machine where the module can be loaded:
#   VCMP_KO   vcmp.ko to insmod when "modprobe vcmp" cannot find it
#   VCMPCTL   vcmpctl binary (default: from PATH, else ../tools/vcmpctl)

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VCMP_KO=${VCMP_KO:-$LIB_DIR/../kernel/vcmp.ko}
if [ -z "${VCMPCTL:-}" ]; then
	VCMPCTL=$(type -P vcmpctl || echo "$LIB_DIR/../tools/vcmpctl/vcmpctl")
fi

_state=$(mktemp -d /tmp/vcmp-selftest.XXXXXX)
_cases=0 _failed=0 _plan_printed=0
trap 'cleanup_all; rm -rf "$_state"' EXIT

# --- KTAP -----------------------------------------------------------------
ktap_plan() {	# ktap_plan NUMBER_OF_CASES
	echo "KTAP version 1"
	echo "1..$1"
	_plan_printed=1
}

ktap_finish() {
	echo "# $((_cases - _failed)) of $_cases cases passed"
	if [ "$_failed" -ne 0 ]; then
		exit $KSFT_FAIL
	fi
	exit $KSFT_PASS
}

fail() {	# fail MESSAGE: fail the current case
	echo "FAIL: $*" >&2
	exit 1
}

skip() {	# skip REASON: skip the current case
	echo "SKIP: $*" >&2
	exit $KSFT_SKIP
}

# run_case DESCRIPTION FUNCTION [ARGS...]
run_case() {
	local desc=$1 log rc
	shift
	_cases=$((_cases + 1))
	log=$_state/case.log
	(
		set -eE -o pipefail
		trap 'echo "command failed (line $LINENO): $BASH_COMMAND" >&2' ERR
		"$@"
	) >"$log" 2>&1
	rc=$?
	cleanup_all
	sed 's/^/# /' "$log"
	case $rc in
	0)	echo "ok $_cases $desc" ;;
	4)	echo "ok $_cases $desc # SKIP" ;;
	*)	echo "not ok $_cases $desc"
		_failed=$((_failed + 1)) ;;
	esac
}

# --- environment ----------------------------------------------------------
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "# SKIP: must run as root"
		exit $KSFT_SKIP
	fi
}

require_cmd() {	# require_cmd CMD...: skip the whole test without them
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			echo "# SKIP: $c not found"
			exit $KSFT_SKIP
		fi
	done
}

vcmp_load() {
	[ -d /sys/module/vcmp ] && return 0
	modprobe vcmp 2>/dev/null || insmod "$VCMP_KO"
}

vcmp_unload() {
	[ -d /sys/module/vcmp ] || return 0
	rmmod vcmp
}

vcmp_loaded() { [ -d /sys/module/vcmp ]; }

vcmpctl() { "$VCMPCTL" "$@"; }

# --- debug kernel ---------------------------------------------------------
# On a debug kernel (KASAN, lockdep, kmemleak; VCMP_DEBUG_KERNEL=1, set by
# the test VM) everything runs about ten times slower and crypto moves
# ~1.5 Mbit/s: tests scale their packet counts, loops and transfers down.
debug_kernel() { [ "${VCMP_DEBUG_KERNEL:-0}" = 1 ]; }

# scale N [MIN]: N, or on a debug kernel N / VCMP_DEBUG_SCALE (default 10)
# but at least MIN (default 1).
scale() {
	local n=$1 min=${2:-1}

	if debug_kernel; then
		n=$((n / ${VCMP_DEBUG_SCALE:-10}))
		[ "$n" -ge "$min" ] || n=$min
	fi
	echo "$n"
}

# --- namespaces and devices ---------------------------------------------
# setup_ns VAR...: create a fresh namespace per VAR, store its name in VAR.
setup_ns() {
	local var name
	for var in "$@"; do
		name=vcmp-$var-$$-$RANDOM
		ip netns add "$name"
		echo "$name" >>"$_state/netns"
		ip -n "$name" link set lo up
		eval "$var=$name"
	done
}

cleanup_all() {
	local ns dev
	if [ -f "$_state/netns" ]; then
		while read -r ns; do
			ip netns del "$ns" 2>/dev/null
		done <"$_state/netns"
		rm -f "$_state/netns"
	fi
	if [ -f "$_state/devs" ]; then
		while read -r dev; do
			ip link del "$dev" 2>/dev/null
		done <"$_state/devs"
		rm -f "$_state/devs"
	fi
	return 0
}

# track_dev NAME: delete NAME (in the initial namespace) after the case.
track_dev() { echo "$1" >>"$_state/devs"; }

# n NS CMD...: run CMD in namespace NS.
n() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- assertions -----------------------------------------------------------
# udp_sockets NS PORT: number of UDP sockets bound to PORT in NS.
udp_sockets() {
	n "$1" ss -Hulna "sport = :$2" | wc -l
}

# stat_of NS DEV NAME: an ethtool -S counter of DEV.
stat_of() {
	n "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2; f = 1 }
		END { if (!f) exit 1 }'
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_match WHAT TEXT REGEX
expect_match() {
	grep -Eq -- "$3" <<<"$2" || fail "$1: '$2' does not match '$3'"
}

# wait_for TIMEOUT_S CMD...: retry CMD every 0.1 s until it succeeds.
# A debug kernel gets VCMP_DEBUG_SCALE (10) times as long.
wait_for() {
	local t=$1 deadline

	debug_kernel && t=$((t * ${VCMP_DEBUG_SCALE:-10}))
	deadline=$(( $(date +%s%N) + t * 1000000000 ))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# --- files for the host ---------------------------------------------------
# export_file NAME FILE: hand FILE to the host as NAME, for checks that run
# there (tshark on a capture). In the test VM it goes base64-encoded over
# the third serial port (ttyS2), which selftests/vm/run.sh saves and
# decodes; elsewhere it is copied into $VCMP_EXPORT_DIR when that is set.
# Returns 1 when there is nowhere to put it.
export_file() {
	local name=$1 file=$2
	if [ -e "$LIB_DIR/.vm-image" ] && [ -c /dev/ttyS2 ]; then
		{
			echo "VCMP-FILE-BEGIN $name"
			base64 "$file"
			echo "VCMP-FILE-END $name"
		} >/dev/ttyS2
	elif [ -n "${VCMP_EXPORT_DIR:-}" ]; then
		mkdir -p "$VCMP_EXPORT_DIR"
		cp "$file" "$VCMP_EXPORT_DIR/$name"
	else
		return 1
	fi
}
