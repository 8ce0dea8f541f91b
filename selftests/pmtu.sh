#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU discovery of vcmp links and what depends on it: the RFC 1191
# phase (the router sends ICMP), PLPMTUD through a black hole (it does
# not), the floor and the MTU set by hand, forged ICMP, the MSS clamp,
# inner fragmentation (RFC 791 before encapsulation, and VCMP's own for
# DF flows that ignore PMTU) and the receiver's reassembly under a flood.
#
#   site-a wan0 --- r (wan-a | wan-b, MTU RMTU) --- wan0 site-b    link 1
#   site-a wan1 ----------------------------------- wan1 site-b    link 2
#
# The segment between r and b has the MTU under test at both ends; r
# forwards and, unless silenced by a tc filter (a black hole), sends ICMP
# frag-needed / packet too big back to a. Link 2 (MTU 1500) only where a
# case asks for it. vcmp0 is 10.0.0.1 / fd10::1 at a, .2 / ::2 at b.
# shellcheck source=lib.sh disable=SC2154,SC2317 # a, r, b, _state: set by lib.sh; cases run through run_case
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump tc ethtool nc xxd
if [ -z "${VCMPFORGE:-}" ]; then
	VCMPFORGE=$(type -P vcmpforge || echo "$LIB_DIR/tools/vcmpforge")
fi
[ -x "$VCMPFORGE" ] || { echo "# SKIP: vcmpforge not built (make -C selftests tools)"; exit "$KSFT_SKIP"; }

SUITE=aes-gcm-128
FLOOR=1300		# PLPMTUD's lowest probe: the kernel never goes below it alone
PARAMS=/sys/module/vcmp/parameters

# --- topology ------------------------------------------------------------
# net UNDERLAY RMTU [silent] [two]: see the header. Sets $ua/$ub (link 1)
# and, with "two", $ua2/$ub2 (link 2) in family UNDERLAY (4 or 6), and
# $rua: the router's address toward a.
net() {
	local uf=$1 rmtu=$2 opt silent='' two='' l
	shift 2
	for opt in "$@"; do
		case $opt in
		silent) silent=1 ;;
		two) two=1 ;;
		esac
	done
	setup_ns a r b
	ip link add wan0 netns "$a" type veth peer name wan-a netns "$r"
	ip link add wan0 netns "$b" type veth peer name wan-b netns "$r"
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$a" addr add 2001:db8:a::1/64 dev wan0 nodad
	ip -n "$b" addr add 198.51.100.2/24 dev wan0
	ip -n "$b" addr add 2001:db8:b::2/64 dev wan0 nodad
	ip -n "$r" addr add 192.0.2.254/24 dev wan-a
	ip -n "$r" addr add 2001:db8:a::fe/64 dev wan-a nodad
	ip -n "$r" addr add 198.51.100.254/24 dev wan-b
	ip -n "$r" addr add 2001:db8:b::fe/64 dev wan-b nodad
	# The r--b segment: one MTU at both ends (a veth drops what exceeds
	# the receiving end's MTU, silently: that would be a second hole).
	ip -n "$r" link set wan-b mtu "$rmtu"
	ip -n "$b" link set wan0 mtu "$rmtu"
	for l in "$a wan0" "$b wan0" "$r wan-a" "$r wan-b"; do
		# shellcheck disable=SC2086
		set -- $l
		ip -n "$1" link set "$2" up
	done
	n "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n "$a" route add default via 192.0.2.254
	ip -n "$a" -6 route add default via 2001:db8:a::fe
	ip -n "$b" route add default via 198.51.100.254
	ip -n "$b" -6 route add default via 2001:db8:b::fe
	if [ -n "$silent" ]; then
		# r still forwards and still drops what does not fit wan-b, but
		# the ICMP errors it sends toward a never leave it.
		tc -n "$r" qdisc add dev wan-a clsact
		tc -n "$r" filter add dev wan-a egress pref 1 protocol ip \
			flower ip_proto icmp type 3 code 4 action drop
		tc -n "$r" filter add dev wan-a egress pref 2 protocol ipv6 \
			flower ip_proto icmpv6 type 2 action drop
	fi
	if [ -n "$two" ]; then
		ip link add wan1 netns "$a" type veth peer name wan1 netns "$b"
		ip -n "$a" addr add 203.0.113.1/24 dev wan1
		ip -n "$a" addr add 2001:db8:c::1/64 dev wan1 nodad
		ip -n "$b" addr add 203.0.113.2/24 dev wan1
		ip -n "$b" addr add 2001:db8:c::2/64 dev wan1 nodad
		ip -n "$a" link set wan1 up
		ip -n "$b" link set wan1 up
	fi
	# Neighbours resolved now, not by the first probe (whose timing counts).
	n "$a" ping -c 1 -W 2 192.0.2.254 >/dev/null
	n "$b" ping -c 1 -W 2 198.51.100.254 >/dev/null
	n "$a" ping -6 -c 1 -W 2 2001:db8:a::fe >/dev/null
	n "$b" ping -6 -c 1 -W 2 2001:db8:b::fe >/dev/null
	if [ "$uf" = 6 ]; then
		ua=2001:db8:a::1 ub=2001:db8:b::2 ua2=2001:db8:c::1 ub2=2001:db8:c::2
		rua=2001:db8:a::fe
	else
		ua=192.0.2.1 ub=198.51.100.2 ua2=203.0.113.1 ub2=203.0.113.2
		rua=192.0.2.254
	fi
}

# black_hole_drops: ICMP errors r's filters kept from a (packets).
black_hole_drops() {
	tc -n "$r" -s filter show dev wan-a egress |
		awk '/Sent [0-9]+ bytes/ { s += $4 } END { print s + 0 }'
}

# vcmp_sites SUITE DEVMTU: vcmp0 at a and b with MTU DEVMTU, peered (a is
# peer 1 of b, b is peer 2 of a) with keys but without links yet.
vcmp_sites() {
	local suite=$1 mtu=$2 ka kb s
	for s in "$a 1" "$b 2"; do
		# shellcheck disable=SC2086
		set -- $s
		ip -n "$1" link add vcmp0 type vcmp
		ip -n "$1" link set vcmp0 mtu "$mtu"
		ip -n "$1" addr add "10.0.0.$2/24" dev vcmp0
		ip -n "$1" addr add "fd10::$2/64" dev vcmp0 nodad
		ip -n "$1" link set vcmp0 up
	done
	n "$a" "$VCMPCTL" peer add vcmp0 2 suite "$suite" allowed-ips 10.0.0.2/32,fd10::2/128
	n "$b" "$VCMPCTL" peer add vcmp0 1 suite "$suite" allowed-ips 10.0.0.1/32,fd10::1/128
	[ "$suite" = plain ] && return 0
	ka=$("$VCMPCTL" genkey "$suite")
	kb=$("$VCMPCTL" genkey "$suite")
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000001 out key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000001 in key "$ka"
	n "$b" "$VCMPCTL" sa add vcmp0 1 0x01000002 out key "$kb"
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x01000002 in key "$kb"
}

# add_link SITE ID [mtu N]: link ID (1: through r, 2: direct) at site a
# (to peer 2) or b (to peer 1).
add_link() {
	local site=$1 id=$2 remote
	shift 2
	case $site$id in
	a1) remote=$ub ;;
	a2) remote=$ub2 ;;
	b1) remote=$ua ;;
	b2) remote=$ua2 ;;
	esac
	if [ "$site" = a ]; then
		n "$a" "$VCMPCTL" link add vcmp0 2 "$id" remote "$(endpoint "$remote")" "$@"
	else
		n "$b" "$VCMPCTL" link add vcmp0 1 "$id" remote "$(endpoint "$remote")" "$@"
	fi
}

endpoint() {	# endpoint ADDR: ADDR:2426 or [ADDR]:2426
	case $1 in
	*:*) echo "[$1]:2426" ;;
	*) echo "$1:2426" ;;
	esac
}

# link_set_mtu ID MTU: set the underlay MTU of a's link ID by hand.
link_set_mtu() {
	if "$VCMPCTL" link 2>&1 | has_match 'link set'; then
		n "$a" "$VCMPCTL" link set vcmp0 2 "$1" mtu "$2"
		echo "link $1 mtu $2 set with \"vcmpctl link set\""
	else
		# No "link set" in this vcmpctl: the link is replaced.
		n "$a" "$VCMPCTL" link del vcmp0 2 "$1"
		add_link a "$1" mtu "$2"
		echo "link $1 mtu $2 set by deleting and re-adding the link (no \"vcmpctl link set\")"
	fi
}

# --- reading the state ---------------------------------------------------
# link_json NS PEER ID: the JSON object of link ID of PEER.
link_json() {
	n "$1" "$VCMPCTL" -j peer show vcmp0 "$2" |
		sed -n 's/.*"links":\[\([^]]*\)\].*/\1/p' |
		grep -o "{\"id\":$3,[^}]*}" || true
}

# peer_json NS PEER: the peer's own fields (links and SAs cut off).
peer_json() {
	n "$1" "$VCMPCTL" -j peer show vcmp0 "$2" | sed 's/"links":.*//'
}

# field JSON KEY: the value of KEY, quotes removed; empty if absent.
field() {
	{ grep -o "\"$2\":[^,}]*" <<<"$1" || true; } | head -1 | cut -d: -f2- | tr -d '"'
}

lfield() { field "$(link_json "$a" 2 "$1")" "$2"; }	# lfield ID KEY (site a)
pfield() { field "$(peer_json "$a" 2)" "$1"; }		# pfield KEY (site a)

# link_is ID KEY VALUE...: a's link ID has KEY=VALUE for each pair.
link_is() {
	local j id=$1
	shift
	j=$(link_json "$a" 2 "$id")
	while [ $# -ge 2 ]; do
		[ "$(field "$j" "$1")" = "$2" ] || return 1
		shift 2
	done
}

# describe: a's peer and links, one line (for messages).
describe() {
	echo "peer: $(peer_json "$a" 2 | sed 's/^\[//') links: $(link_json "$a" 2 1) $(link_json "$a" 2 2)"
}

st() { stat_of "$1" vcmp0 "$2"; }	# st NS COUNTER

# later MSG: a failure that does not stop the case (the checks after it
# are independent); soft_end fails the case if there was any.
later() {
	echo "FAIL (continuing): $*"
	echo "$*" >>"$_state/later.$BASHPID"
}
soft_end() {
	local f=$_state/later.$BASHPID	# not inside $(): another BASHPID there
	[ -s "$f" ] || return 0
	fail "$(wc -l <"$f") check(s) failed: $(tr '\n' ';' <"$f")"
}

pfield_is() { [ "$(pfield "$1")" = "$2" ]; }	# pfield_is KEY VALUE

# max_inner SUITE UNDERLAY MTU: the largest inner packet for an underlay
# MTU, from Documentation/wire-format.rst ("Overhead and effective MTU"):
# the MTU less the parts outside the encrypted part (IP, UDP, SPI,
# sequence number, IV, ICV), rounded down to the suite's alignment, less
# the VCMP header, data header, pad length and next header (33; plain
# mode: 31, nothing to align).
max_inner() {
	local ip=20 fixed align framing room
	[ "$2" = 6 ] && ip=40
	case $1 in
	plain) fixed=$((ip + 8)) align=1 framing=31 ;;
	aes-cbc-hmac-sha1) fixed=$((ip + 8 + 4 + 4 + 16 + 12)) align=16 framing=33 ;;
	*) fixed=$((ip + 8 + 4 + 4 + 8 + 16)) align=4 framing=33 ;;
	esac
	room=$(($3 - fixed))
	room=$((room - room % align))
	echo $((room - framing))
}

# diag: on failure, the state and the non-zero counters of both sites.
diag() {
	local s
	echo "# a: $(describe)" >&2
	for s in "a $a" "b $b"; do
		# shellcheck disable=SC2086
		set -- $s
		echo "# $1 vcmp0 counters (non-zero):" >&2
		n "$2" ethtool -S vcmp0 | awk '$2 != 0 && !/NIC/ { print "#   " $0 }' >&2
	done
}

# wait_pmtu ID PATH_MTU [STATE]: a's link ID reaches PATH_MTU (and STATE)
# within 10 s, else the case fails.
wait_pmtu() {
	if [ -n "${3:-}" ]; then
		wait_for 10 link_is "$1" path_mtu "$2" pmtud "$3" && return 0
	else
		wait_for 10 link_is "$1" path_mtu "$2" && return 0
	fi
	diag
	fail "link $1: path_mtu did not become $2${3:+ ($3)} in 10 s: $(link_json "$a" 2 "$1")"
}

# ping_fits V MTU: an inner packet of exactly MTU bytes with DF crosses,
# one byte more gets ICMP frag-needed / packet too big with MTU.
ping_fits() {
	local v=$1 mtu=$2 dst=10.0.0.2 hdr=28 out
	[ "$v" = 6 ] && dst=fd10::2 hdr=48
	out=$(n "$a" ping -"$v" -n -c 3 -i 0.3 -W 3 -M "do" -s $((mtu - hdr)) "$dst" 2>&1) || true
	[ "$(ping_count "$out")" = 3 ] ||
		{ diag; fail "$mtu-byte IPv$v pings with DF: $(ping_count "$out") of 3 crossed: $(tr '\n' ';' <<<"$out")"; }
	# A link that cannot carry 1280 bytes whole must fragment and
	# reassemble below IPv6 (RFC 8200 5): 1280 bytes cross, and no packet
	# too big ever says less than 1280.
	if [ "$v" = 6 ] && [ "$mtu" -lt 1280 ]; then
		out=$(n "$a" ping -6 -n -c 3 -i 0.3 -W 3 -M "do" -s 1232 "$dst" 2>&1) || true
		[ "$(ping_count "$out")" = 3 ] ||
			{ diag; fail "1280-byte IPv6 pings (effective MTU $mtu): $(ping_count "$out") of 3 crossed: $(tr '\n' ';' <<<"$out")"; }
		out=$(n "$a" ping -6 -n -c 1 -W 3 -M "do" -s 1300 "$dst" 2>&1) || true
		if grep -Eq 'mtu ?= ?[0-9]+' <<<"$out" &&
		   [ "$(grep -Eo 'mtu ?= ?[0-9]+' <<<"$out" | grep -Eo '[0-9]+$' | head -1)" -lt 1280 ]; then
			fail "packet too big below 1280: $(tr '\n' ';' <<<"$out")"
		fi
		echo "inner IPv6, effective MTU $mtu below 1280: 1280 bytes cross; 1348 bytes (-s 1300): $(ping_count "$out") of 1 crossed $(grep -Eo 'mtu ?= ?[0-9]+' <<<"$out" | head -1 || true)"
		return 0
	fi
	if out=$(n "$a" ping -"$v" -n -c 1 -W 3 -M "do" -s $((mtu - hdr + 1)) "$dst" 2>&1); then
		fail "$((mtu + 1))-byte IPv$v ping with DF crossed (effective MTU $mtu)"
	fi
	expect_match "ICMP for a $((mtu + 1))-byte IPv$v ping" "$out" "mtu ?= ?$mtu([^0-9]|$)"
	echo "inner IPv$v: $mtu bytes cross; $((mtu + 1)): $(grep -m1 -Eo '[^:]*mtu ?= ?[0-9]+.*' <<<"$out")"
}

# --- a. RFC 1191 phase: the router answers with ICMP ------------------------
test_discovery() {
	local uf=$1 want1 want2 mon=$_state/monitor
	net "$uf" 1400 two
	vcmp_sites "$SUITE" 1500
	add_link b 1
	add_link b 2
	ip netns exec "$a" timeout 60 "$VCMPCTL" monitor >"$mon.txt" 2>&1 &
	echo $! >"$mon.pid"
	ip netns exec "$a" timeout 60 "$VCMPCTL" -j monitor >"$mon.json" 2>&1 &
	echo $! >>"$mon.pid"
	sleep 0.3
	add_link a 1
	add_link a 2
	wait_pmtu 1 1400
	wait_for 10 pfield_is edge_mtu 1400 ||
		fail "edge_mtu did not become 1400: $(describe)"
	wait_pmtu 1 1400 "done"
	wait_pmtu 2 1500 "done"
	want1=$(max_inner "$SUITE" "$uf" 1400)
	want2=$(max_inner "$SUITE" "$uf" 1500)
	expect_eq "link 1 packet_mtu" "$(lfield 1 packet_mtu)" "$want1"
	expect_eq "link 2 packet_mtu" "$(lfield 2 packet_mtu)" "$want2"
	expect_eq "peer mtu" "$(pfield mtu)" "$want1"
	expect_eq "peer edge_mtu" "$(pfield edge_mtu)" 1400
	echo "IPv$uf underlay: link 1 $(lfield 1 path_mtu) ($(lfield 1 pmtud)), link 2 $(lfield 2 path_mtu) ($(lfield 2 pmtud)); peer mtu $(pfield mtu), edge $(pfield edge_mtu)"
	[ "$(st "$a" icmp_pmtu_ok)" -ge 1 ] || { diag; fail "icmp_pmtu_ok did not move"; }
	echo "a: icmp_pmtu_ok $(st "$a" icmp_pmtu_ok), pmtud_probe_tx $(st "$a" pmtud_probe_tx), pmtud_ack_rx $(st "$a" pmtud_ack_rx)"
	ping_fits 4 "$want1"
	ping_fits 6 "$want1"
	# vcmpctl monitor reported the change of link 1's path MTU.
	sleep 0.3
	while read -r p; do kill "$p" 2>/dev/null || true; done <"$mon.pid"
	sed 's/^/monitor: /' "$mon.txt" | grep -i mtu || true
	grep -qiE "link 1.*1400|1400.*link 1" "$mon.txt" ||
		fail "vcmpctl monitor printed no path MTU event for link 1: $(cat "$mon.txt")"
	grep -q '"path_mtu":1400' "$mon.json" ||
		fail "vcmpctl -j monitor printed no path_mtu 1400: $(cat "$mon.json")"
}

# Links added while the device is down: discovery starts when it comes up.
test_device_up() {
	local uf=$1
	net "$uf" 1400
	vcmp_sites "$SUITE" 1500
	add_link b 1
	ip -n "$a" link set vcmp0 down
	add_link a 1
	sleep 1
	[ "$(lfield 1 path_mtu)" != 1400 ] ||
		fail "link 1 discovered 1400 while the device was down: $(link_json "$a" 2 1)"
	expect_eq "probes sent while down" "$(st "$a" pmtud_probe_tx)" 0
	echo "down: $(link_json "$a" 2 1)"
	ip -n "$a" link set vcmp0 up
	wait_pmtu 1 1400 "done"
	echo "up: $(link_json "$a" 2 1)"
	ping_fits 4 "$(max_inner "$SUITE" "$uf" 1400)"
}

# --- b. PLPMTUD: the router drops silently ----------------------------------
# probes_seen: the IP lengths of the large datagrams r got from a (the
# capture converge started).
probes_seen() {
	local pcap=$_state/probes.pcap
	sleep 0.3
	kill "$(cat "$pcap.pid")"
	wait "$(cat "$pcap.pid")" 2>/dev/null || true
	echo "datagrams over 1200 bytes from a at r (IP length): $(n "$r" tcpdump -Z root -r "$pcap" -n 2>/dev/null |
		sed -n 's/.*UDP, length \([0-9]*\).*/\1/p' | awk -v h="$hl" '{ printf "%d ", $1 + h }')"
}

# stamp: prefix each line read with the time in microseconds.
stamp() {
	local l
	while IFS= read -r l; do
		printf '%s %s\n' "${EPOCHREALTIME/./}" "$l"
	done
}

# monitor_start FILE: "vcmpctl -j monitor" at a, lines time-stamped into
# FILE, subscribed when this returns (a dummy SA's sa-new was seen).
monitor_start() {
	local key
	key=$("$VCMPCTL" genkey "$SUITE")
	ip netns exec "$a" timeout 60 "$VCMPCTL" -j monitor 2>&1 | stamp >"$1" &
	wait_for 10 monitor_poke "$key" "$1" ||
		fail "vcmpctl monitor did not start: $(cat "$1")"
}

# monitor_poke KEY FILE: add and delete a dummy SA at a; true once FILE
# shows its sa-new. (A function, not sh -c: busybox sh would run its own ip.)
monitor_poke() {
	n "$a" "$VCMPCTL" sa add vcmp0 2 0x010000ff in key "$1" 2>/dev/null || true
	n "$a" "$VCMPCTL" sa del vcmp0 2 0x010000ff in 2>/dev/null || true
	grep -q '"sa-new"' "$2"
}

# converge TRUTH: the time from link 1's link-new event to the link-change
# event that brings it to "done" within 8 bytes below TRUTH (vcmpctl
# monitor, time-stamped as read: no polling load on the VM while PLPMTUD
# runs); prints the figures, fails past 2 s. Sets $converged.
converge() {
	local truth=$1 pcap=$_state/probes.pcap hl=28 mon=$_state/conv.mon
	local ts json t_new='' t_done='' pm state trace='' ms
	[ "$uf" = 6 ] && hl=48
	# The probes as r receives them (their IP length).
	rm -f "$pcap" "$pcap.log"
	ip netns exec "$r" tcpdump -Z root --immediate-mode -i wan-a -n -U -w "$pcap" \
		"udp and src host $ua and greater 1200" >/dev/null 2>"$pcap.log" &
	echo $! >"$pcap.pid"
	wait_for 5 grep -q "listening on" "$pcap.log" || fail "tcpdump: $(cat "$pcap.log")"
	monitor_start "$mon"
	add_link a 1
	# shellcheck disable=SC2016
	wait_for 10 grep -qE '"event":"link-change".*"pmtud":"done"' "$mon" || true
	while read -r ts json; do
		case $json in
		*'"event":"link-new"'*'"peer_id":2,"link":{"id":1,'*)
			[ -n "$t_new" ] || t_new=$ts ;;
		*'"event":"link-change"'*'"peer_id":2,"link":{"id":1,'*)
			[ -n "$t_new" ] || continue
			pm=$(field "$json" path_mtu) state=$(field "$json" pmtud)
			trace+=" $state:$pm@$(((ts - t_new) / 1000))ms"
			if [ -z "$t_done" ] && [ "$state" = "done" ] &&
			   [ "$pm" -le "$truth" ] && [ "$pm" -ge $((truth - 8)) ]; then
				t_done=$ts converged=$pm
			fi ;;
		esac
	done <"$mon"
	echo "link 1 events after link-new:${trace:- none}"
	probes_seen
	[ -n "$t_new" ] || fail "no link-new event for link 1: $(cat "$mon")"
	[ -n "$t_done" ] || { diag; fail "no convergence to $((truth - 8))-$truth (done) in 10 s:${trace:- no link-change}; now $(link_json "$a" 2 1)"; }
	ms=$(((t_done - t_new) / 1000))
	echo "# plpmtud converged to $converged in $ms ms (path $truth)"
	# The 2-s target is a performance figure (make bench reports it); a
	# loaded TCG host can be slower, so it is reported, not asserted.
	[ "$ms" -le 2000 ] || echo "# over the 2 s target: $ms ms (host load)"
	wait_pmtu 1 "$converged" "done"
}

test_black_hole() {
	local uf=$1 truth=$2 converged mtu
	net "$uf" "$truth" silent
	vcmp_sites "$SUITE" 1500
	add_link b 1
	converge "$truth"
	# The hole is real: r did try to send ICMP, and a honoured none.
	[ "$(black_hole_drops)" -ge 1 ] || fail "r sent no ICMP: nothing was ever too big for it"
	expect_eq "icmp_pmtu_ok" "$(st "$a" icmp_pmtu_ok)" 0
	echo "r dropped $(black_hole_drops) ICMP errors; a: pmtud_probe_tx $(st "$a" pmtud_probe_tx) pmtud_ack_rx $(st "$a" pmtud_ack_rx) pmtud_timeout $(st "$a" pmtud_timeout)"
	mtu=$(max_inner "$SUITE" "$uf" "$converged")
	expect_eq "link packet_mtu" "$(lfield 1 packet_mtu)" "$mtu"
	expect_eq "peer mtu" "$(pfield mtu)" "$mtu"
	expect_eq "peer edge_mtu" "$(pfield edge_mtu)" "$converged"
	ping_fits 4 "$mtu"
}

# A path below the floor: PLPMTUD stops at the floor ("floor"), until the
# MTU is set by hand ("off").
test_floor() {
	local uf=$1 mtu
	net "$uf" 1280 silent
	vcmp_sites "$SUITE" 1500
	add_link b 1
	add_link a 1
	wait_pmtu 1 "$FLOOR" floor
	echo "link 1 at the floor: $(link_json "$a" 2 1)"
	expect_eq "peer edge_mtu" "$(pfield edge_mtu)" "$FLOOR"
	# The floor is too big for this path: over an IPv6 underlay (no
	# fragmentation by routers) a packet of the effective MTU is lost,
	# which is why the MTU must be set by hand. (vcmp's IPv4 datagrams
	# carry no DF, r fragments them.)
	mtu=$(max_inner "$SUITE" "$uf" "$FLOOR")
	if [ "$uf" = 6 ] &&
	   n "$a" ping -n -c 1 -W 2 -M "do" -s $((mtu - 28)) 10.0.0.2 >/dev/null; then
		fail "a $mtu-byte ping crossed a 1280-byte IPv6 path: no black hole"
	fi
	link_set_mtu 1 1280
	wait_pmtu 1 1280 off
	expect_eq "link mtu" "$(lfield 1 mtu)" 1280
	mtu=$(max_inner "$SUITE" "$uf" 1280)
	expect_eq "link packet_mtu" "$(lfield 1 packet_mtu)" "$mtu"
	expect_eq "peer mtu" "$(pfield mtu)" "$mtu"
	expect_eq "peer edge_mtu" "$(pfield edge_mtu)" 1280
	echo "set by hand: $(link_json "$a" 2 1)"
	ping_fits 4 "$mtu"
	ping_fits 6 "$mtu"
}

# --- c. forged ICMP ----------------------------------------------------------
# The path is 1500 all the way and b's answers are delayed by 400 ms (netem
# on b's wan0), so that a probe is still outstanding when vcmpforge, on r,
# quotes it: r sees the probe at once, its ICMP is not delayed. Only a
# discovers (b's link MTU is set by hand).

# relink: a's link 1 again, so that PMTUD starts again; vcmpforge is
# already sniffing on r (started by the caller).
relink() {
	n "$a" "$VCMPCTL" link del vcmp0 2 1 2>/dev/null || true
	add_link a 1
}

# sniff_forge MTU MINLEN [MAXLEN]: from r, answer the next datagram from
# a:2426 of MINLEN to MAXLEN bytes with ICMP carrying MTU. In the
# background; its pid in $_state/forge.pid.
sniff_forge() {
	rm -f "$_state/forge.out"
	ip netns exec "$r" "$VCMPFORGE" icmp --from "$rua" --mtu "$1" --sniff wan-a \
		--match-src "$ua" --min-len "$2" --max-len "${3:-65535}" \
		--timeout 15 >"$_state/forge.out" 2>&1 &
	echo $! >"$_state/forge.pid"
	wait_for 5 grep -q sniffing "$_state/forge.out" || fail "vcmpforge: $(cat "$_state/forge.out")"
}

forge_done() {
	wait "$(cat "$_state/forge.pid")" || fail "vcmpforge: $(cat "$_state/forge.out")"
	sed -n 's/^icmp: /forged: /p' "$_state/forge.out"
}

# unchanged PATH_MTU: a's link 1, the peer and a's route to b are as a
# clean discovery of PATH_MTU leaves them.
unchanged() {
	local want
	want=$(max_inner "$SUITE" "$uf" "$1")
	wait_pmtu 1 "$1" "done"
	expect_eq "packet_mtu" "$(lfield 1 packet_mtu)" "$want"
	expect_eq "peer mtu" "$(pfield mtu)" "$want"
	expect_eq "peer edge_mtu" "$(pfield edge_mtu)" "$1"
}

# route_note WHAT: print a's route to b after WHAT. Linux itself
# records the MTU of any ICMP frag-needed / packet too big it receives in
# the route cache, whether or not a socket takes it (seen on 6.12 without
# vcmp, quoting ports nobody uses), so that is not vcmp's to prevent; what
# vcmp must prevent is such an entry lowering its links (see test_spoof's
# last step).
route_note() {
	echo "route to b after $1: $(n "$a" ip route get "$ub" | tr -s ' \n' ' ')"
}

# rediscover WHAT: after WHAT (forged ICMP that vcmp refused), a new
# discovery of link 1 must still find 1500; then the route cache is
# flushed and the link rediscovered, so that the next step starts clean.
rediscover() {
	relink
	if ! wait_for 10 link_is 1 path_mtu 1500 pmtud "done"; then
		msg="after $1 (refused by vcmp), a new discovery ended at $(link_json "$a" 2 1 | grep -o '"path_mtu.*'); route: $(n "$a" ip route get "$ub" | tr -s ' \n' ' ')"
		later "$msg"
	fi
	ip -n "$a" route flush cache
	ip -n "$a" -6 route flush cache
	relink
	wait_pmtu 1 1500 "done"
}

# delta COUNTER BEFORE: how much a's COUNTER moved.
delta() { echo $(($(st "$a" "$1") - $2)); }

test_spoof() {
	local uf=$1 low=68 ok0 um0 bad0 q
	[ "$uf" = 6 ] && low=1279
	net "$uf" 1500
	tc -n "$b" qdisc add dev wan0 root netem delay 400ms limit 10000
	vcmp_sites "$SUITE" 1500
	# b's link with its MTU set by hand: b sends no probes, so a sends no
	# answers, which look like probes (same size, encrypted) to the sniffer.
	add_link b 1 mtu 1500

	# Positive control: the same forging, with a valid MTU, is honoured.
	ok0=$(st "$a" icmp_pmtu_ok)
	sniff_forge 1400 1401
	add_link a 1
	forge_done
	wait_for 5 stat_test "$a" icmp_pmtu_ok -gt "$ok0" ||
		{ diag; fail "a valid forged ICMP quoting a probe was not honoured (the forging is broken?)"; }
	echo "control: icmp_pmtu_ok +$(delta icmp_pmtu_ok "$ok0"), link 1 now $(link_json "$a" 2 1)"
	# What the honoured ICMP may have taught a's routing goes.
	ip -n "$a" route flush cache
	ip -n "$a" -6 route flush cache

	# (2) MTU below the minimum (68 / 1279), quoting a real probe.
	ok0=$(st "$a" icmp_pmtu_ok) bad0=$(st "$a" icmp_drop_bad_mtu)
	sniff_forge "$low" 1401
	relink
	forge_done
	wait_for 5 stat_test "$a" icmp_drop_bad_mtu -gt "$bad0" ||
		{ diag; fail "MTU $low: icmp_drop_bad_mtu did not move"; }
	route_note "ICMP with MTU $low"
	unchanged 1500
	expect_eq "icmp_pmtu_ok after MTU $low" "$(delta icmp_pmtu_ok "$ok0")" 0
	echo "MTU $low: icmp_drop_bad_mtu +$(delta icmp_drop_bad_mtu "$bad0")"
	rediscover "ICMP with MTU $low"

	# (3) An MTU not below the probe it quotes (1500-byte probes, MTU
	# 1500 and 9000): above the current one, nothing to learn.
	for q in 1500 9000; do
		ok0=$(st "$a" icmp_pmtu_ok) bad0=$(st "$a" icmp_drop_bad_mtu)
		sniff_forge "$q" 1500
		relink
		forge_done
		wait_for 5 stat_test "$a" icmp_drop_bad_mtu -gt "$bad0" ||
			{ diag; fail "MTU $q for a 1500-byte probe: icmp_drop_bad_mtu did not move"; }
		route_note "ICMP with MTU $q"
		unchanged 1500
		expect_eq "icmp_pmtu_ok after MTU $q" "$(delta icmp_pmtu_ok "$ok0")" 0
		echo "MTU $q: icmp_drop_bad_mtu +$(delta icmp_drop_bad_mtu "$bad0")"
		rediscover "ICMP with MTU $q"
	done

	# (1) Quotes of packets vcmp did not send as probes, valid MTU 1300.
	unchanged 1500
	ok0=$(st "$a" icmp_pmtu_ok) um0=$(st "$a" icmp_drop_unmatched)
	# an unrelated destination (vcmp's port on both sides)
	forge_quote "$(endpoint "$ua"),$(endpoint "$( [ "$uf" = 6 ] && echo 2001:db8:99::9 || echo 203.0.113.99)")" 1472 0100000100000009
	route_note "a quote of an unrelated destination"
	# the right addresses and ports, not a probe: a UDP length and first
	# payload bytes vcmp never sent
	forge_quote "$(endpoint "$ua"),$(endpoint "$ub")" 1472 0123456789abcdef
	route_note "a quote of a packet vcmp never sent"
	# the right addresses, b's port wrong
	forge_quote "$(endpoint "$ua"),$(endpoint "$ub" | sed 's/2426$/9999/')" 1472 0100000100000009
	route_note "a quote with b's port wrong"
	wait_for 5 stat_test "$a" icmp_drop_unmatched -ge $((um0 + 3)) ||
		{ diag; fail "3 unrelated quotes: icmp_drop_unmatched +$(delta icmp_drop_unmatched "$um0")"; }
	# a real datagram vcmp sent, a data packet and not a probe (a
	# ping -s 500 makes a 600-700-byte datagram with either underlay)
	sniff_forge 1300 600 700
	n "$a" ping -n -c 1 -W 3 -s 500 10.0.0.2 >/dev/null || fail "ping -s 500 through the tunnel"
	forge_done
	route_note "a quote of a data packet"
	wait_for 5 stat_test "$a" icmp_drop_unmatched -ge $((um0 + 4)) ||
		{ diag; fail "quoting a data packet: icmp_drop_unmatched +$(delta icmp_drop_unmatched "$um0"), want 4"; }
	# a port that is not vcmp's at either end: the UDP stack has no
	# socket for it, vcmp never sees it; still nothing may change
	forge_quote "$(endpoint "$ua" | sed 's/2426$/5555/'),$(endpoint "$ub" | sed 's/2426$/9999/')" 1472 0100000100000009
	sleep 0.5
	route_note "a quote of ports that are not vcmp's"
	unchanged 1500
	expect_eq "icmp_pmtu_ok after unrelated quotes" "$(delta icmp_pmtu_ok "$ok0")" 0
	echo "unrelated quotes: icmp_drop_unmatched +$(delta icmp_drop_unmatched "$um0") (4 reach vcmp's socket)"
	# The route cache may now hold the forged MTUs: a new discovery must
	# still find 1500 (the ceiling is the route's MTU only when lower
	# for real: a local interface, not a forged ICMP).
	rediscover "the unrelated quotes (MTU 1300)"
	echo "a: $(n "$a" ethtool -S vcmp0 | grep -E 'icmp_' | tr -s ' \n' ' ')"
	soft_end
}

# forge_quote SRC,DST ULEN HEX: from r, ICMP MTU 1300 quoting that packet.
forge_quote() {
	n "$r" "$VCMPFORGE" icmp --from "$rua" --to "$ua" --mtu 1300 \
		--quote "$1" --ulen "$2" --payload "$3" | sed 's/^icmp: /forged: /'
}

# --- d. the MSS clamp follows the discovered MTU ------------------------------
# syn_mss DST: MSS of the SYN a sends to DST:5000, seen at b.
syn_mss() {
	local pcap=$_state/syn.pcap
	rm -f "$pcap" "$pcap.log"
	ip netns exec "$b" tcpdump -Z root --immediate-mode -i vcmp0 -n -U \
		-w "$pcap" tcp >/dev/null 2>"$pcap.log" &
	echo $! >"$pcap.pid"
	wait_for 5 grep -q "listening on" "$pcap.log" || fail "tcpdump: $(cat "$pcap.log")"
	n "$a" nc -z -w 2 "$1" 5000 2>/dev/null || true
	sleep 0.3
	kill "$(cat "$pcap.pid")"
	wait "$(cat "$pcap.pid")" 2>/dev/null || true
	n "$b" tcpdump -Z root -r "$pcap" -n -v 2>/dev/null |
		sed -n 's/.*Flags \[S\].*mss \([0-9]*\).*/\1/p' | head -1
}

test_mss() {
	local uf=$1 mtu
	net "$uf" 1400
	vcmp_sites "$SUITE" 1500
	add_link b 1
	add_link a 1
	wait_pmtu 1 1400 "done"
	mtu=$(max_inner "$SUITE" "$uf" 1400)
	expect_eq "peer mtu" "$(pfield mtu)" "$mtu"
	expect_eq "SYN MSS, inner IPv4" "$(syn_mss 10.0.0.2)" $((mtu - 40))
	expect_eq "SYN MSS, inner IPv6" "$(syn_mss fd10::2)" $((mtu - 60))
	echo "IPv$uf underlay, path 1400: SYN MSS $((mtu - 40)) / $((mtu - 60)) (effective MTU $mtu)"
}

# --- e. inner fragmentation ---------------------------------------------------
# ping_count OUT: the replies a ping output reports.
ping_count() { sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$1"; }

# dfping DST COUNT: COUNT 3000-byte echo requests from a with DF that
# ignore the path MTU, as "ping -M probe" would (which this iputils lacks).
dfping() {
	n "$a" "$VCMPFORGE" ping --to "$1" --size 3000 --count "$2" --interval 300 --wait 3 || true
}

test_big() {
	local uf=$1 mtu out got f0 fb0 tb0 vf0 ro0
	net "$uf" 1400
	vcmp_sites "$SUITE" 9000
	add_link b 1
	add_link a 1
	wait_pmtu 1 1400 "done"
	mtu=$(max_inner "$SUITE" "$uf" 1400)

	# Without DF: fragmented per RFC 791 before encapsulation.
	f0=$(st "$a" tx_frag_ip) fb0=$(st "$b" tx_frag_ip)
	out=$(n "$a" ping -n -c 3 -i 0.3 -W 3 -M dont -s 2972 10.0.0.2 2>&1) || true
	expect_eq "replies to 3000-byte pings without DF" "$(ping_count "$out")" 3
	[ "$(st "$a" tx_frag_ip)" -gt "$f0" ] || { diag; fail "tx_frag_ip at a did not move"; }
	echo "no DF: 3 of 3 replies; tx_frag_ip a +$(($(st "$a" tx_frag_ip) - f0)), b +$(($(st "$b" tx_frag_ip) - fb0))"

	# With DF, a sender that ignores PMTU (ping -M probe): ICMP for the first packet,
	# VCMP fragmentation for the later ones.
	tb0=$(st "$a" tx_drop_too_big) vf0=$(st "$a" tx_vcmp_frag) ro0=$(st "$b" rx_reasm_ok)
	out=$(dfping 10.0.0.2 4)
	grep -Eq "^seq 1: frag-needed mtu ?= ?$mtu([^0-9]|$)" <<<"$out" ||
		later "no frag-needed (mtu $mtu) for the first 3000-byte DF ping: $(tr '\n' ';' <<<"$out")"
	got=$(ping_count "$out")
	[ "$got" = 3 ] || later "IPv4: replies to 4 DF pings that ignore PMTU: $got, want 3: $(tr '\n' ';' <<<"$out")"
	[ "$(($(st "$a" tx_drop_too_big) - tb0))" = 1 ] ||
		later "IPv4: tx_drop_too_big at a +$(($(st "$a" tx_drop_too_big) - tb0)), want +1"
	[ "$(st "$a" tx_vcmp_frag)" -gt "$vf0" ] || later "IPv4: tx_vcmp_frag at a did not move"
	[ "$(st "$b" rx_reasm_ok)" -ge $((ro0 + 3)) ] || later "IPv4: rx_reasm_ok at b +$(($(st "$b" rx_reasm_ok) - ro0)), want 3"
	echo "DF, IPv4 inner: $got of 4 replies; tx_drop_too_big +$(($(st "$a" tx_drop_too_big) - tb0)), tx_vcmp_frag a +$(($(st "$a" tx_vcmp_frag) - vf0)), rx_reasm_ok b +$(($(st "$b" rx_reasm_ok) - ro0))"

	# IPv6 inner: packet too big first, then VCMP fragments. b's own
	# 3000-byte reply may meet the same fate once (its first reply).
	tb0=$(st "$a" tx_drop_too_big) vf0=$(st "$a" tx_vcmp_frag) ro0=$(st "$b" rx_reasm_ok)
	out=$(dfping fd10::2 5)
	grep -Eq "^seq 1: packet too big mtu ?= ?$mtu([^0-9]|$)" <<<"$out" ||
		later "no packet too big (mtu $mtu) for the first 3000-byte IPv6 ping: $(tr '\n' ';' <<<"$out")"
	got=$(ping_count "$out")
	[ "${got:-0}" -ge 3 ] || later "IPv6: $got of 5 replies, want at least 3: $(tr '\n' ';' <<<"$out")"
	[ "$(($(st "$a" tx_drop_too_big) - tb0))" = 1 ] ||
		later "IPv6: tx_drop_too_big at a +$(($(st "$a" tx_drop_too_big) - tb0)), want +1"
	[ "$(st "$a" tx_vcmp_frag)" -gt "$vf0" ] || later "IPv6: tx_vcmp_frag at a did not move"
	[ "$(st "$b" rx_reasm_ok)" -ge $((ro0 + 3)) ] || later "IPv6: rx_reasm_ok at b +$(($(st "$b" rx_reasm_ok) - ro0)), want 3"
	echo "DF, IPv6 inner: $got of 5 replies; tx_vcmp_frag a +$(($(st "$a" tx_vcmp_frag) - vf0)), rx_reasm_ok b +$(($(st "$b" rx_reasm_ok) - ro0))"
	[ ! -s "$_state/later.$BASHPID" ] || diag
	soft_end
}

# --- f. reassembly under attack (plain mode) -----------------------------------
# forge_frag ARGS...: plain VCMP fragments from a's endpoint to b's, from r.
forge_frag() {
	n "$r" "$VCMPFORGE" frag --src "$(endpoint "$ua")" --dst "$(endpoint "$ub")" --link 1 "$@"
}

param() {	# param NAME: a module parameter, or fail
	[ -r "$PARAMS/$1" ] || fail "no module parameter $1"
	cat "$PARAMS/$1"
}

test_flood() {
	local uf=$1 cap timeout_ms want=20000 sampler max samples mem0 to0 sum out
	local setcap=1048576 setto=10000 oldcap oldto
	net "$uf" 1400
	vcmp_sites plain 9000
	add_link b 1
	add_link a 1
	wait_pmtu 1 1400 "done"
	cap=$(param reasm_mem_max)
	timeout_ms=$(param reasm_timeout_ms)
	oldcap=$cap oldto=$timeout_ms
	# A cap the flood surely reaches, and a timeout long enough for a
	# slow sender (the debug kernel sends ~150 fragments/s) to reach it;
	# both restored after the case.
	[ -w "$PARAMS/reasm_mem_max" ] && [ -w "$PARAMS/reasm_timeout_ms" ] ||
		fail "reasm_mem_max / reasm_timeout_ms not writable"
	[ "$cap" -le "$setcap" ] || cap=$setcap
	[ "$timeout_ms" -ge "$setto" ] || timeout_ms=$setto
	echo "$cap" >"$PARAMS/reasm_mem_max"
	echo "$timeout_ms" >"$PARAMS/reasm_timeout_ms"
	# Expanded now: the locals are gone when the case's subshell exits.
	# shellcheck disable=SC2064
	trap "echo $oldcap >$PARAMS/reasm_mem_max; echo $oldto >$PARAMS/reasm_timeout_ms" EXIT
	echo "reasm_mem_max $cap bytes, reasm_timeout_ms $timeout_ms"
	mem0=$(st "$b" rx_drop_reasm_mem) to0=$(st "$b" rx_drop_reasm_timeout)
	# Sample the gauge while the flood runs.
	(
		while :; do
			n "$b" ethtool -S vcmp0 | awk '$1 == "reasm_mem:" { print $2 }'
			sleep 0.02
		done
	) >"$_state/samples" 2>/dev/null &
	sampler=$!
	out=$(forge_frag --id 0-$((want - 1)) --count "$want" --len 1000 --more \
		--rate 4000 --seq 1000000) || { kill "$sampler"; fail "vcmpforge: $out"; }
	kill "$sampler"
	wait "$sampler" 2>/dev/null || true
	echo "$out"
	samples=$(grep -c '^[0-9]' "$_state/samples" || true)
	max=$(sort -n "$_state/samples" | tail -1)
	echo "reasm_mem: $samples samples during the flood, max ${max:-none} (cap $cap)"
	[ "${samples:-0}" -ge 5 ] || fail "only $samples samples of reasm_mem"
	[ "${max:-0}" -gt 0 ] || fail "reasm_mem never above 0 while $want fragments were held"
	[ "$max" -le "$cap" ] || fail "reasm_mem $max above reasm_mem_max $cap"
	# Every fragment ends up dropped, for memory or at its timeout.
	wait_for $((timeout_ms / 1000 + 10)) stat_test "$b" reasm_mem -eq 0 ||
		fail "reasm_mem still $(st "$b" reasm_mem) $((timeout_ms / 1000 + 10)) s after the flood"
	sum=$(($(st "$b" rx_drop_reasm_mem) - mem0 + $(st "$b" rx_drop_reasm_timeout) - to0))
	echo "b: rx_drop_reasm_mem +$(($(st "$b" rx_drop_reasm_mem) - mem0)), rx_drop_reasm_timeout +$(($(st "$b" rx_drop_reasm_timeout) - to0))"
	[ "$(($(st "$b" rx_drop_reasm_mem) - mem0))" -gt 0 ] ||
		fail "rx_drop_reasm_mem did not move though $want x 1000 bytes exceed the cap"
	expect_eq "fragments accounted for (mem + timeout)" "$sum" "$want"
	# Real traffic still gets through, fragmented DF flows included, and
	# fragments of a new packet are still reassembled.
	mem0=$(st "$b" rx_reasm_ok)
	forge_frag --inner-udp "$INNER" --id 40000 --seq 3000000 --len 600 --more >/dev/null
	forge_frag --inner-udp "$INNER" --id 40000 --seq 3000001 --index 1 --offset 600 --len 428 --last >/dev/null
	wait_for 5 stat_test "$b" rx_reasm_ok -gt "$mem0" ||
		{ diag; fail "two fragments of a new packet not reassembled after the flood"; }
	n "$a" ping -n -c 2 -i 0.2 -W 3 10.0.0.2 >/dev/null || { diag; fail "ping after the flood"; }
	mem0=$(st "$b" rx_reasm_ok)
	out=$(dfping 10.0.0.2 4)
	[ "$(ping_count "$out")" -ge 3 ] || later "3000-byte DF pings after the flood: $(tr '\n' ';' <<<"$out")"
	[ "$(st "$b" rx_reasm_ok)" -ge $((mem0 + 3)) ] || later "rx_reasm_ok at b +$(($(st "$b" rx_reasm_ok) - mem0)) for 4 DF pings after the flood, want 3"
	echo "after the flood: $(ping_count "$out") of 4 3000-byte DF pings answered, rx_reasm_ok +$(($(st "$b" rx_reasm_ok) - mem0))"
	soft_end
}

# The inner packet of the overlap/duplicate case: IPv4 UDP 10.0.0.1:4000 ->
# 10.0.0.2:5000, 1000 bytes "vcmpforge-" repeated, checksum 0 (so that a
# corrupted payload would still be delivered, and seen).
INNER="10.0.0.1:4000,10.0.0.2:5000,1000"
payload_hex() {
	for _ in $(seq 100); do printf 'vcmpforge-'; done | xxd -p | tr -d '\n'
}

# delivered PCAP: hex UDP payloads of the datagrams to port 5000, one a line.
delivered() {
	n "$b" tcpdump -Z root -r "$1" -n -x 2>/dev/null | awk '
		/^[0-9]/ { if (h != "") print h; h = ""; next }
		/0x/ { for (i = 2; i <= NF; i++) h = h $i }
		END { if (h != "") print h }' | cut -c57-
}

test_overlap() {
	local uf=$1 pcap=$_state/ov.pcap want got ok0 dup0 ov0 line oldto
	net "$uf" 1500
	vcmp_sites plain 1500
	add_link b 1
	add_link a 1
	# Each fragment is sent by a new vcmpforge process: on the debug
	# kernel starting one can take longer than the 1 s default timeout.
	oldto=$(param reasm_timeout_ms)
	if [ "$oldto" -lt 10000 ]; then
		echo 10000 >"$PARAMS/reasm_timeout_ms"
		# shellcheck disable=SC2064
		trap "echo $oldto >$PARAMS/reasm_timeout_ms" EXIT
	fi
	want=$(payload_hex)
	ok0=$(st "$b" rx_reasm_ok) dup0=$(st "$b" rx_drop_reasm_dup) ov0=$(st "$b" rx_drop_reasm_overlap)
	rm -f "$pcap" "$pcap.log"
	ip netns exec "$b" tcpdump -Z root --immediate-mode -i vcmp0 -n -U \
		-w "$pcap" udp port 5000 >/dev/null 2>"$pcap.log" &
	echo $! >"$pcap.pid"
	wait_for 5 grep -q "listening on" "$pcap.log" || fail "tcpdump: $(cat "$pcap.log")"
	# Control: two fragments that make the packet, in order.
	forge_frag --inner-udp "$INNER" --id 100 --seq 2000000 --len 600 --more
	forge_frag --inner-udp "$INNER" --id 100 --seq 2000001 --index 1 --offset 600 --len 428 --last
	wait_for 5 stat_test "$b" rx_reasm_ok -gt "$ok0" ||
		{ diag; fail "the control packet was not reassembled"; }
	# A duplicate of the first fragment.
	forge_frag --inner-udp "$INNER" --id 101 --seq 2000010 --len 600 --more
	forge_frag --inner-udp "$INNER" --id 101 --seq 2000011 --len 600 --more
	forge_frag --inner-udp "$INNER" --id 101 --seq 2000012 --index 1 --offset 600 --len 428 --last
	# An overlapping fragment with other bytes ("X") between the two.
	forge_frag --inner-udp "$INNER" --id 102 --seq 2000020 --len 600 --more
	forge_frag --inner-udp "$INNER" --id 102 --seq 2000021 --index 1 --offset 400 --len 400 --more --fill 58
	forge_frag --inner-udp "$INNER" --id 102 --seq 2000022 --index 2 --offset 800 --len 228 --last
	wait_for 5 stat_test "$b" rx_drop_reasm_dup -gt "$dup0" ||
		{ diag; fail "rx_drop_reasm_dup did not move"; }
	wait_for 5 stat_test "$b" rx_drop_reasm_overlap -gt "$ov0" ||
		{ diag; fail "rx_drop_reasm_overlap did not move"; }
	sleep 0.5
	kill "$(cat "$pcap.pid")"
	wait "$(cat "$pcap.pid")" 2>/dev/null || true
	got=0
	delivered "$pcap" >"$_state/delivered"	# no /dev/fd in the VM: no <(...)
	while read -r line; do
		got=$((got + 1))
		[ "$line" = "$want" ] ||
			fail "datagram $got delivered corrupted: $(xxd -r -p <<<"$line" | tr -c 'a-zA-Z0-9\n-' . | head -c 200)"
	done <"$_state/delivered"
	[ "$got" -ge 1 ] || fail "not even the control packet was delivered"
	echo "b: rx_reasm_ok +$(($(st "$b" rx_reasm_ok) - ok0)), rx_drop_reasm_dup +$(($(st "$b" rx_drop_reasm_dup) - dup0)), rx_drop_reasm_overlap +$(($(st "$b" rx_drop_reasm_overlap) - ov0)); $got intact datagram(s) delivered (control, and the duplicate case if completed), none corrupted"
}

# --- plan ----------------------------------------------------------------
# The helper derives the table of Documentation/wire-format.rst for 1500.
check_table() {
	local s
	for s in "plain 4 1441" "plain 6 1421" "aes-gcm-128 4 1407" "aes-gcm-128 6 1387" \
		 "chacha20-poly1305 4 1407" "aes-cbc-hmac-sha1 4 1391" "aes-cbc-hmac-sha1 6 1375"; do
		# shellcheck disable=SC2086
		set -- $s
		expect_eq "max_inner $1 IPv$2 1500" "$(max_inner "$1" "$2" 1500)" "$3"
	done
	echo "$SUITE: effective MTU for a 1400-byte path $(max_inner "$SUITE" 4 1400) (IPv4 underlay), $(max_inner "$SUITE" 6 1400) (IPv6)"
}

vcmp_load

ktap_plan 20
run_case "overhead table of wire-format.rst reproduced" check_table
run_case "IPv4 underlay: discovery starts when the device comes up" test_device_up 4
for uf in 4 6; do
	run_case "IPv$uf underlay: ICMP from the router brings link 1 to 1400, edge and peer MTU follow" test_discovery "$uf"
	run_case "IPv$uf underlay: PLPMTUD through a silent 1400 path (time reported)" test_black_hole "$uf" 1400
	run_case "IPv$uf underlay: PLPMTUD through a silent 1372 path (time reported)" test_black_hole "$uf" 1372
	run_case "IPv$uf underlay: a silent 1280 path stops at the floor until set by hand" test_floor "$uf"
	run_case "IPv$uf underlay: forged ICMP (unmatched, bad MTU) changes nothing" test_spoof "$uf"
	run_case "IPv$uf underlay: SYN MSS follows the discovered MTU" test_mss "$uf"
	run_case "IPv$uf underlay: 3000-byte packets, RFC 791 and VCMP fragmentation" test_big "$uf"
	run_case "IPv$uf underlay: reassembly flood stays under reasm_mem_max" test_flood "$uf"
done
run_case "IPv4 underlay: duplicate and overlapping fragments" test_overlap 4
run_case "IPv6 underlay: duplicate and overlapping fragments" test_overlap 6
ktap_finish
