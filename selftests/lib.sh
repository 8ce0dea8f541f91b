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
# VCMP_CASES: an extended regular expression; cases whose description
# does not match it are skipped (e.g. a slow debug-kernel rerun of one).
run_case() {
	local desc=$1 log rc t0
	shift
	_cases=$((_cases + 1))
	if [ -n "${VCMP_CASES:-}" ] && ! [[ $desc =~ $VCMP_CASES ]]; then
		echo "ok $_cases $desc # SKIP not in VCMP_CASES"
		return
	fi
	log=$_state/case.log
	t0=$SECONDS
	(
		set -eE -o pipefail
		trap 'echo "command failed (line $LINENO): $BASH_COMMAND" >&2' ERR
		"$@"
	) >"$log" 2>&1
	rc=$?
	cleanup_all
	sed 's/^/# /' "$log"
	echo "# case $_cases took $((SECONDS - t0)) s"
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

# median: the median of the numbers on stdin, one per line (empty if none).
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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
# A debug kernel gets VCMP_DEBUG_SCALE (10) times as long. CMD's words are
# expanded once, by the caller: "wait_for 5 test "$(f)" = 1" tests f's
# first output forever; write "wait_for 5 out_test = 1 f" (the host check
# selftests/host/scripts.sh refuses the first form).
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

# has_match ERE: standard input has a line matching the extended regular
# expression ERE. Unlike "grep -q" it reads all of its input: grep -q
# exits at the first match, the writer's next write then dies of SIGPIPE,
# and pipefail makes that the pipeline's status (a match seen as none).
# (grep -c counts every line; into a variable, not /dev/null, where GNU
# grep stops at the first match too.)
has_match() {
	local c
	c=$(grep -Ec -- "$1" || true)
	[ "${c:-0}" -gt 0 ]
}

# tcp_listening NS PORT: a TCP socket listens on PORT in NS (for wait_for:
# "iperf3 -s -D" returns before its child listens).
tcp_listening() { [ -n "$(n "$1" ss -Htln "sport = :$2")" ]; }

# out_test OP VALUE CMD...: test(1) CMD's output OP VALUE, CMD run anew
# on each call (for wait_for).
out_test() {
	local op=$1 want=$2 got
	shift 2
	got=$("$@") || return 1
	test "$got" "$op" "$want"
}

# stat_test NS NAME OP VALUE: test(1) on vcmp0's counter NAME in NS, read
# now (for wait_for: read again on each try); false if there is none.
stat_test() { out_test "$3" "$4" stat_of "$1" vcmp0 "$2"; }

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

# --- multipath: two sites, three WAN links ---------------------------------
# mp_sites [SUITE]: namespaces $a and $b (sites) joined by three veth
# pairs wan1, wan2, wan3 (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
# site a is .1, site b .2); on each site vcmp0 (inner 10.0.0.1 and
# 10.0.0.2/24, fd10::1 and ::2) with the other site as its peer (a's peer
# 2, b's peer 1) over links 1, 2 and 3, one per WAN (local address and
# device pinned), one SA per direction. Each WAN end gets an empty
# netem qdisc (mp_shape changes it). MP_BW=(- KBPS KBPS KBPS) gives the
# links a configured bandwidth (steering prefers it to a measured one; 0: none).
# The vcmpctl syntax the multipath
# tests rely on is in the mp_* functions below, nowhere else.
MP_WAN_NET=(- 192.0.2 198.51.100 203.0.113)
mp_sites() {
	local suite=${1:-aes-gcm-128} i s kab kba links
	setup_ns a b
	for i in 1 2 3; do
		ip link add "wan$i" netns "$a" type veth peer name "wan$i" netns "$b"
		ip -n "$a" addr add "${MP_WAN_NET[$i]}.1/24" dev "wan$i"
		ip -n "$b" addr add "${MP_WAN_NET[$i]}.2/24" dev "wan$i"
		for s in "$a" "$b"; do
			ip -n "$s" link set "wan$i" up
			tc -n "$s" qdisc add dev "wan$i" root handle 1: netem limit 10000
		done
	done
	kab=$("$VCMPCTL" genkey "$suite" 2>/dev/null || true)
	kba=$("$VCMPCTL" genkey "$suite" 2>/dev/null || true)
	for s in "$a 1 2 $kab $kba" "$b 2 1 $kba $kab"; do
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" addr add "fd10::$2/64" dev vcmp0 nodad
		ip -n "$1" link set vcmp0 up
		links=()
		for i in 1 2 3; do
			links+=(link "$i" remote "${MP_WAN_NET[$i]}.$3" local "${MP_WAN_NET[$i]}.$2" dev "wan$i")
			[ "${MP_BW[$i]:-0}" = 0 ] || links+=(bandwidth "${MP_BW[$i]}")
		done
		n "$1" "$VCMPCTL" peer add vcmp0 "$3" suite "$suite" \
			allowed-ips "10.0.0.$3/32,fd10::$3/128" "${links[@]}"
		if [ "$suite" != plain ]; then
			n "$1" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$2" out key "${4:-}"
			n "$1" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$3" in key "${5:-}"
		fi
	done
	wait_for 10 n "$a" ping -c 1 -W 1 10.0.0.2 >/dev/null ||
		fail "no traffic through the tunnel"
}

# mp_shape SITE LINK QDISC-ARGS...: the netem (or other root qdisc) of
# LINK's egress at SITE ("a" or "b"), e.g. mp_shape a 1 netem delay 10ms.
# mp_shape both LINK ...: the same at both ends, at the same time (a
# black hole or a change of path hits both directions at once).
mp_shape() {
	local side=$1 link=$2 ns pa
	shift 2
	case $side in
	both)	mp_shape a "$link" "$@" &
		pa=$!
		mp_shape b "$link" "$@" || { wait "$pa"; return 1; }
		wait "$pa"
		return ;;
	a)	ns=$a ;;
	b)	ns=$b ;;
	esac
	tc -n "$ns" qdisc replace dev "wan$link" root handle 1: "$@"
}

# mp_rate BOTH LINK RATE DELAY: shape LINK to RATE (e.g. 20mbit) with
# one-way DELAY each way: netem delay with a tbf child.
mp_rate() {
	local side=$1 link=$2 rate=$3 delay=$4 s ns
	for s in a b; do
		[ "$side" = both ] || [ "$side" = "$s" ] || continue
		ns=${!s}
		tc -n "$ns" qdisc del dev "wan$link" root 2>/dev/null || true
		tc -n "$ns" qdisc add dev "wan$link" root handle 1: netem delay "$delay" limit 10000
		tc -n "$ns" qdisc add dev "wan$link" parent 1:1 handle 10: \
			tbf rate "$rate" burst 15k latency 200ms
	done
}

# mp_blackhole LINK / mp_restore LINK: drop everything on LINK, both ways
# (the veths stay up: only missing packets tell), and undo it.
mp_blackhole() { mp_shape both "$1" netem loss 100% limit 10000; }
mp_restore() { mp_shape both "$1" netem limit 10000; }
# mp_cut LINK: the same black hole, made at a only by one tc process, so
# that both directions go dark within milliseconds (egress: netem loss,
# ingress: a matchall drop). For good: no mp_restore. Load the modules
# first (mp_cut_ready): their autoload takes 100s of ms under TCG.
mp_cut_ready() { modprobe -a sch_netem sch_ingress cls_matchall act_gact; }
mp_cut() {
	tc -n "$a" -batch - <<-EOF
		qdisc replace dev wan$1 root handle 1: netem loss 100% limit 10000
		qdisc add dev wan$1 handle ffff: ingress
		filter add dev wan$1 parent ffff: matchall action drop
	EOF
}

# mp_wan_tx SITE LINK: packets sent by SITE's end of LINK so far.
mp_wan_tx() {
	n "${!1}" cat /sys/class/net/"wan$2"/statistics/tx_packets
}

# --- multipath: vcmpctl syntax --------------------------------------------
# Steering (classes, rules, link roles) and monitoring are configured with:
#   vcmpctl class add|set DEV CLASS mode flow|spray|dup|fec
#   vcmpctl rule add DEV RULE class CLASS [dscp N] [proto P] [dport N] ...
#   vcmpctl -j show DEV   peers[].links[]: state (init, up, degraded,
#                         down), stats.srtt_us, stats.loss_rx_ppm/_tx_ppm
# mp_have_steering / mp_have_monitor tell whether this vcmpctl has them.
mp_have_steering() { "$VCMPCTL" help 2>&1 | has_match 'class (add|set)'; }
# The verb that creates a class: "set" (VCMP_CMD_CLASS_SET) or "add".
mp_class_verb() {
	"$VCMPCTL" help 2>&1 | has_match 'class set' && echo set || echo add
}
mp_have_monitor() {
	n "$a" "$VCMPCTL" -j show vcmp0 2>/dev/null | has_match '"state"'
}

# mp_class SITE CLASS MODE [ARGS...]: add a class at SITE ("a", "b", "both").
mp_class() {
	local side=$1 s
	shift
	for s in a b; do
		[ "$side" = both ] || [ "$side" = "$s" ] || continue
		n "${!s}" "$VCMPCTL" class "$(mp_class_verb)" vcmp0 "$1" mode "${@:2}" || return
	done
}

# mp_rule SITE RULE CLASS MATCH...: a rule putting MATCH into CLASS.
mp_rule() {
	local side=$1 s
	shift
	for s in a b; do
		[ "$side" = both ] || [ "$side" = "$s" ] || continue
		n "${!s}" "$VCMPCTL" rule add vcmp0 "$1" class "$2" "${@:3}" || return
	done
}

# mp_link_json SITE LINK: the JSON object of LINK (of the only peer) from
# vcmpctl -j show.
mp_link_json() {
	n "${!1}" "$VCMPCTL" -j show vcmp0 |
		jq -c --argjson l "$2" '[.. | objects | select(has("links")) | .links[]
			| select(.id == $l)][0]'
}

# mp_link_field SITE LINK JQ-EXPR: one value of mp_link_json.
mp_link_field() { mp_link_json "$1" "$2" | jq -r "$3"; }

# mp_link_metrics SITE LINK: "RTT_MS LOSS_PCT" of LINK: the smoothed RTT
# (stats.srtt_us; else rtt), the loss the worse direction (stats.loss_rx_ppm,
# stats.loss_tx_ppm: any loss field, in _ppm, _pct or percent).
mp_link_metrics() {
	mp_link_json "$1" "$2" | jq -r '
		[paths(numbers) as $p | {k: ($p | map(tostring) | join(".")), v: getpath($p)}] as $f
		| def conv: if (.k | test("_us$")) then .v / 1000
			elif (.k | test("_ppm$")) then .v / 10000
			elif (.k | test("_ppb$")) then .v / 10000000
			elif (.k | test("permille")) then .v / 10
			else .v end;
		(([$f[] | select(.k | test("(^|\\.)srtt(_us|_ms)?$")) | conv]
		  + [$f[] | select(.k | test("(^|\\.)rtt(_us|_ms)?$")) | conv])[0] // "") as $rtt
		| ([$f[] | select(.k | test("loss")) | select(.k | test("count|packets|lost$") | not) | conv]
			| max // "") as $loss
		| "\($rtt) \($loss)"'
}

# mp_link_state SITE LINK: up, degraded, down (or init).
mp_link_state() { mp_link_field "$1" "$2" '.state // "unknown"'; }

# --- vcmpflow ---------------------------------------------------------------
# flow_json FILE KEY: a number from the last "final" JSON line of vcmpflow.
VCMPFLOW=${VCMPFLOW:-$(type -P vcmpflow || echo "$LIB_DIR/tools/vcmpflow")}
vcmpflow() { "$VCMPFLOW" "$@"; }
flow_json() {
	grep '"report":"final"\|"mode":"[a-z]*-send"' "$1" | tail -n1 |
		jq -r --arg k "$2" '.[$k]'
}
