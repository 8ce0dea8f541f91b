#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: a two-site SD-WAN in one VM. Two sites (network namespaces
# site-a and site-b) are joined by three WAN links of different quality:
# fiber (fast, clean), cable (more delay, jitter) and LTE (slow, lossy).
# vcmp runs one encrypted tunnel over all three. Three kinds of traffic
# cross it from site-a to site-b: voice (small packets, 50/s), video
# (300 packets/s) and a bulk TCP transfer. On a timeline, links get
# worse, die and come back; every second the demo prints what vcmp
# measures on each link and which links each kind of traffic uses, and
# at the end what was delivered and lost and the longest interruptions.
# Runs unchanged as root on any machine where the vcmp module loads.
# DEMO_SECS (default 40) stretches or shrinks the timeline.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
PATH=$PATH:$LIB_DIR/tools
set -e

SECS=${DEMO_SECS:-40}
bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { printf '\n'; bold "== $*"; }
say() { printf '   %s\n' "$*"; }
run() { printf '   $ %s\n' "$*"; "$@" | sed 's/^/     /'; }
# us: the time in microseconds (bash's clock)
us() { echo "${EPOCHREALTIME/./}"; }

vcmp_load
names=(- fiber cable lte)
a=site-a b=site-b
cleanup_demo() {
	kill $(jobs -p) 2>/dev/null || true
	ip netns del site-a 2>/dev/null || true
	ip netns del site-b 2>/dev/null || true
}
trap 'cleanup_demo; rm -rf "$_state"' EXIT
cleanup_demo

step "Two sites, three WAN links"
say "site-a and site-b are network namespaces: two branch offices."
say "Each WAN link is a virtual cable (veth) whose quality tc netem sets:"
for s in a b; do
	ip netns add "site-$s"
	ip -n "site-$s" link set lo up
done
for i in 1 2 3; do
	ip link add "wan$i" netns site-a type veth peer name "wan$i" netns site-b
	ip -n site-a addr add "${MP_WAN_NET[$i]}.1/24" dev "wan$i"
	ip -n site-b addr add "${MP_WAN_NET[$i]}.2/24" dev "wan$i"
	ip -n site-a link set "wan$i" up
	ip -n site-b link set "wan$i" up
done
# quality, one way; each direction gets the same
shape_good() {
	mp_shape both 1 netem delay 5ms limit 10000 rate 50mbit
	mp_shape both 2 netem delay 15ms 5ms limit 10000 rate 20mbit
	mp_shape both 3 netem delay 35ms 10ms loss 1% limit 10000 rate 10mbit
}
shape_good
say "wan1 fiber: 5 ms one way, 50 Mbit/s, clean"
say "wan2 cable: 15 ms +- 5 ms jitter, 20 Mbit/s"
say "wan3 lte:   35 ms +- 10 ms jitter, 1 % loss, 10 Mbit/s"
run ip netns exec site-a ping -c 3 -i 0.2 -q "${MP_WAN_NET[1]}.2"

step "One vcmp tunnel over the three links"
# each link's rate as bought, kbit/s: what spraying splits by
kbps=(- 50000 20000 10000)
kab=$("$VCMPCTL" genkey aes-gcm-128)
kba=$("$VCMPCTL" genkey aes-gcm-128)
for s in "a 1 2 $kab $kba" "b 2 1 $kba $kab"; do
	set -- $s
	ns=site-$1
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" addr add "10.0.0.$2/24" dev vcmp0
	ip -n "$ns" link set vcmp0 up
	args=()
	for i in 1 2 3; do
		args+=(link "$i" remote "${MP_WAN_NET[$i]}.$3" local "${MP_WAN_NET[$i]}.$2" dev "wan$i"
		       bandwidth "${kbps[$i]}")
	done
	run ip netns exec "$ns" "$VCMPCTL" peer add vcmp0 "$3" suite aes-gcm-128 \
		allowed-ips "10.0.0.$3/32" "${args[@]}"
	ip netns exec "$ns" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$2" out key "$4"
	ip netns exec "$ns" "$VCMPCTL" sa add vcmp0 "$3" "0x0100000$3" in key "$5"
done
say "(and one AES-GCM key per direction: vcmpctl sa add ... key HEX)"
wait_for 10 ip netns exec site-a ping -c 1 -W 1 10.0.0.2 >/dev/null
run ip netns exec site-a ping -c 3 -i 0.2 -q 10.0.0.2

step "Traffic classes: what each kind of traffic needs"
if mp_have_steering; then
	video=fec
	for s in a b; do
		mp_class "$s" 1 dup name voice sla voice
		mp_class "$s" 2 "$video" name video sla video 2>/dev/null ||
			{ video=dup; mp_class "$s" 2 dup name video sla video; }
		mp_class "$s" 3 spray name bulk sla bulk
		mp_rule "$s" 1 1 dscp 46
		mp_rule "$s" 2 2 dscp 34
		mp_rule "$s" 3 3 proto tcp dport 5001
	done
	say "voice (DSCP 46): duplicated on the two best links, the receiver keeps the first copy"
	if [ "$video" = fec ]; then
		say "video (DSCP 34): forward error correction, lost packets rebuilt from parity"
	else
		say "video (DSCP 34): duplicated too (this module has no FEC mode yet)"
	fi
	say "bulk (TCP port 5001): sprayed over all good links, resequenced at the receiver"
	run ip netns exec site-a "$VCMPCTL" class show vcmp0 || true
	run ip netns exec site-a "$VCMPCTL" rule show vcmp0 || true
else
	say "(this vcmpctl has no traffic classes yet: every kind of traffic"
	say " takes the default, per-flow steering)"
fi
have_monitor=0
mp_have_monitor && have_monitor=1

# Which link carries which traffic: the outer packet sizes tell them
# apart (the payload is encrypted): voice ~300 bytes, video ~1100, bulk
# full-size. tc counts them (u32 filters, clsact egress) at each WAN link
# of site-a.
for i in 1 2 3; do
	tc -n site-a qdisc add dev "wan$i" clsact || true
	# IPv4 total length 256-511, 1024-1279, 1280-1535
	for f in "1 0x0100 0xfe00" "2 0x0400 0xff00" "3 0x0500 0xff00"; do
		set -- $f
		tc -n site-a filter add dev "wan$i" egress pref "$1" protocol ip u32 \
			match u16 "$2" "$3" at 2 action ok ||
			say "(no tc u32 counters: the class columns stay empty)"
	done
done
# class_pkts: "LINK VOICE VIDEO BULK" lines, packets so far (one tc call)
class_pkts() {
	printf 'filter show dev wan%s egress\n' 1 2 3 | tc -n site-a -s -batch - | awk '
		/ pref 1 u32 chain 0 *$/ { link++ }
		/ fh [0-9a-f]+::/ { for (i = 1; i <= NF; i++) if ($i == "pref") p = $(i + 1) }
		/Sent [0-9]+ bytes [0-9]+ pkt/ { if (p) { c[link, p] = $4; p = 0 } }
		END { for (l = 1; l <= 3; l++) printf "%d %d %d %d\n", l, c[l, 1], c[l, 2], c[l, 3] }'
}

step "Traffic starts: voice, video and a bulk transfer from site-a to site-b"
n site-b vcmpflow udp-recv --port 4000 --name voice --report 1000 --timeout 5 >"$_state/voice" &
n site-b vcmpflow udp-recv --port 4001 --name video --report 1000 --timeout 5 >"$_state/video" &
n site-b vcmpflow tcp-recv --port 5001 --name bulk --report 1000 --timeout 30 >"$_state/bulk" &
sleep 1
t0=$(us)
n site-a vcmpflow udp-send --to 10.0.0.2:4000 --rate 50 --duration "$SECS" --size 200 \
	--dscp 46 >"$_state/voice.send" &
n site-a vcmpflow udp-send --to 10.0.0.2:4001 --rate 300 --duration "$SECS" --size 1000 \
	--dscp 34 >"$_state/video.send" &
n site-a vcmpflow tcp-send --to 10.0.0.2:5001 --duration "$SECS" --timeout 30 \
	>"$_state/bulk.send" 2>&1 &

# The timeline: second -> what happens
declare -A events=(
	[$((SECS * 2 / 10))]="cable gets bad: 60 ms +- 40 ms jitter, 5 % loss"
	[$((SECS * 4 / 10))]="fiber cut: everything dropped, both ways"
	[$((SECS * 6 / 10))]="fiber repaired"
	[$((SECS * 7 / 10))]="LTE dies"
	[$((SECS * 85 / 100))]="cable recovers"
)
event() {
	case $1 in
	"cable gets bad"*) mp_shape both 2 netem delay 60ms 40ms loss 5% limit 10000 rate 20mbit ;;
	"fiber cut"*) mp_blackhole 1 ;;
	"fiber repaired") mp_shape both 1 netem delay 5ms limit 10000 rate 50mbit ;;
	"LTE dies") mp_blackhole 3 ;;
	"cable recovers") mp_shape both 2 netem delay 15ms 5ms limit 10000 rate 20mbit ;;
	esac
}

# link_cells: the three link columns, "state rtt loss" as vcmp sees each
# link from site-a (one vcmpctl call a second: the VM is slow)
link_cells() {
	if [ "$have_monitor" = 0 ]; then
		printf '%-18s%-18s%-18s' "(no monitor)" "" ""
		return
	fi
	n site-a "$VCMPCTL" -j show vcmp0 2>/dev/null | jq -r '
		[.. | objects | select(has("links")) | .links[]] | sort_by(.id) | .[]
		| "\(.state // "?") \((.stats.srtt_us // 0) / 1000) \(([.stats.loss_rx_ppm // 0, .stats.loss_tx_ppm // 0] | max) / 10000)"' 2>/dev/null |
		awk '{ printf "%-5.5s %4s %5s  ", $1, sprintf("%.0fms", $2), sprintf("%.1f%%", $3) }'
}
# where CLASS: links that carried more than 10 % of CLASS's packets
where() {
	local c=$1 i tot=0 out=
	for i in 1 2 3; do tot=$((tot + d[$i,$c])); done
	for i in 1 2 3; do
		[ "$tot" -gt 0 ] && [ $((d[$i,$c] * 10)) -gt "$tot" ] && out+="${out:++}${names[$i]}"
	done
	echo "${out:--}"
}
# intervals: "VOICE_LOST VIDEO_LOST BULK_BYTES" of the receivers' latest
# per-second reports (one awk for the three files)
intervals() {
	awk 'function num(s, k) { return match(s, "\"" k "\":[0-9.]+") ?
			substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3) : 0 }
		/"report":"interval"/ { last[FILENAME] = $0 }
		END { printf "%s %s %s\n", num(last[ARGV[1]], "lost"),
			num(last[ARGV[2]], "lost"), num(last[ARGV[3]], "bytes") }' \
		"$_state/voice" "$_state/video" "$_state/bulk"
}

step "Second by second (as seen from site-a)"
say "link columns: state, round-trip time, loss, as vcmp measures them"
say "class columns: the links a class used since the line before, and what"
say "it lost in the receiver's last second; the time is since the traffic"
say "started (a slow machine prints fewer lines, the timeline stays true)"
printf '\n%5s  %-18s%-18s%-18s| %-20s %-20s %s\n' time fiber cable lte voice video bulk
declare -A d prev
# (here-strings, not <(...): the test VM has no /dev/fd)
while read -r i c1 c2 c3; do prev[$i,1]=$c1 prev[$i,2]=$c2 prev[$i,3]=$c3; done <<<"$(class_pkts)"
mapfile -t ev_at <<<"$(printf '%s\n' "${!events[@]}" | sort -n)"
ev=0 tick=0
while [ "$tick" -lt "$SECS" ]; do
	# sleep to the next whole second since the traffic started
	tick=$(( ($(us) - t0) / 1000000 + 1 ))
	[ "$tick" -gt "$SECS" ] && tick=$SECS
	wake=$((t0 + tick * 1000000 - $(us)))
	[ "$wake" -gt 0 ] && sleep "$((wake / 1000000)).$(printf '%06d' $((wake % 1000000)))"
	while [ "$ev" -lt "${#ev_at[@]}" ] && [ "${ev_at[$ev]}" -le "$tick" ]; do
		printf '\033[1m%5s  --> %s\033[0m\n' "${ev_at[$ev]}s" "${events[${ev_at[$ev]}]}"
		event "${events[${ev_at[$ev]}]}"
		ev=$((ev + 1))
	done
	while read -r i c1 c2 c3; do
		d[$i,1]=$((c1 - prev[$i,1])) d[$i,2]=$((c2 - prev[$i,2])) d[$i,3]=$((c3 - prev[$i,3]))
		prev[$i,1]=$c1 prev[$i,2]=$c2 prev[$i,3]=$c3
	done <<<"$(class_pkts)"
	read -r vl vdl bb <<<"$(intervals)"
	printf '%5s  %s| %-20s %-20s %s\n' "${tick}s" "$(link_cells)" \
		"$(where 1) -$vl" "$(where 2) -$vdl" \
		"$(where 3) $((bb * 8 / 100000 / 10)).$((bb * 8 / 100000 % 10))Mbit/s"
done
wait_for 10 grep -q '"report":"final"' "$_state/bulk" || true
sleep 1
wait 2>/dev/null || true

step "Summary"
printf '   %-6s %9s %9s %7s %11s %12s %17s\n' class sent delivered lost duplicates "out of order" "longest gap (ms)"
for c in voice video; do
	f=$_state/$c
	printf '   %-6s %9s %9s %7s %11s %12s %17s\n' "$c" "$(flow_json "$f" sent)" \
		"$(flow_json "$f" unique)" "$(flow_json "$f" lost)" "$(flow_json "$f" duplicates)" \
		"$(flow_json "$f" out_of_order)" "$(flow_json "$f" max_gap_ms)"
done
printf '   %-6s %s bytes delivered (%s), %s Mbit/s on average, longest stall %s ms\n' bulk \
	"$(flow_json "$_state/bulk" bytes)" \
	"$(flow_json "$_state/bulk" complete | sed 's/true/complete/;s/false/INCOMPLETE/')" \
	"$(flow_json "$_state/bulk" goodput_mbit)" "$(flow_json "$_state/bulk" max_gap_ms)"
say ""
say "The longest gap is the worst interruption a class saw: the fiber cut"
say "and the LTE loss are in there. Counters of the tunnel itself:"
run ip netns exec site-a "$VCMPCTL" show vcmp0
echo
echo "demo finished"
