#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family "vcmp" through vcmpctl: peers, links,
# allowed-ips and SAs added, shown (text and JSON), changed and deleted;
# every refusal with its extended ACK message; keys never shown;
# unprivileged callers refused; events; setconf/showconf of peers and of
# the steering policy (classes and rules); resumable dumps
# of many peers and of a peer too large for one message.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip awk sort timeout

# vc ARGS...: vcmpctl in the case's namespace $ns.
vc() { n "$ns" "$VCMPCTL" "$@"; }

# no_measurements: "vcmpctl show" text without the links' state and
# figures, which change from one call to the next.
no_measurements() { grep -Ev '^    (state|rtt|loss|rate|qoe): '; }

# refused WHAT REGEX CMD...: CMD must fail, saying something matching REGEX.
refused() {
	local what=$1 re=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: accepted"
	fi
	expect_match "$what" "$out" "$re"
}

# dev_ns: a namespace $ns with a vcmp device vcmp0 and an underlay wan0.
dev_ns() {
	setup_ns ns
	ip -n "$ns" link add vcmp0 type vcmp
	ip -n "$ns" link add wan0 type dummy
	ip -n "$ns" addr add 192.0.2.1/24 dev wan0
	ip -n "$ns" link set wan0 up
}

test_peer_round_trip() {
	local ns out
	dev_ns
	vc peer add vcmp0 7 segment 3 suite chacha20-poly1305 \
		allowed-ips 10.7.0.0/16,fd00:7::/48 \
		link 1 remote 192.0.2.7:4000 local 192.0.2.1 dev wan0 \
		link 2 remote 2001:db8::7
	out=$(vc show vcmp0)
	expect_match "device" "$out" "^device: vcmp0$"
	expect_match "port" "$out" "^  port: 2426$"
	expect_match "peer count" "$out" "^  peers: 1$"
	expect_match "peer" "$out" "^peer: 7$"
	expect_match "segment" "$out" "^  segment: 3$"
	expect_match "suite" "$out" "^  suite: chacha20-poly1305$"
	expect_match "allowed ips" "$out" "^  allowed ips: 10\\.7\\.0\\.0/16, fd00:7::/48$"
	expect_match "link 1" "$out" "^  link 1: remote 192\\.0\\.2\\.7:4000 local 192\\.0\\.2\\.1 dev wan0$"
	expect_match "link 2" "$out" "^  link 2: remote \\[2001:db8::7\\]:2426$"
	# Effective packet MTU: the smaller of 1407 (IPv4 link) and 1387 (IPv6).
	expect_match "mtu" "$out" "^  mtu: 1387 \\(edge 1500\\)$"
	expect_match "json mtu" "$(vc -j show vcmp0)" '"mtu":1387,"edge_mtu":1500,"links"'

	out=$(vc -j show vcmp0)
	expect_match "json device" "$out" '^\[\{"ifname":"vcmp0","ifindex":[0-9]+,"port":2426,"peer_count":1,'
	expect_match "json peer" "$out" '"peers":\[\{"id":7,"segment":3,"suite":"chacha20-poly1305","allowed_ips":\["10\.7\.0\.0/16","fd00:7::/48"\]'
	expect_match "json link 1" "$out" '\{"id":1,"family":"inet","remote":"192\.0\.2\.7","remote_port":4000,"local":"192\.0\.2\.1","ifindex":[0-9]+,"dev":"wan0","packet_mtu":1407,"path_mtu":1500,"pmtud":"[a-z]+","state":"(init|up|degraded|down)","stats":\{"rtt_us":[0-9]+,[^}]*,"qoe":\{"voice":[0-9]+,"video":[0-9]+,"transactional":[0-9]+\}\}\}'
	expect_match "json link 2" "$out" '\{"id":2,"family":"inet6","remote":"2001:db8::7","remote_port":2426,"packet_mtu":1387,"path_mtu":1500,"pmtud":"[a-z]+","state":"(init|up|degraded|down)","stats":\{"rtt_us":[0-9]+,[^}]*,"qoe":\{"voice":[0-9]+,"video":[0-9]+,"transactional":[0-9]+\}\}\}'
	expect_match "json sas" "$out" '"sas":\[\],"reseq":\{[^}]*\}\}\]\}\]$'

	# One peer by id (a doit request) says the same.
	# Link measurements move between the two calls: compare the rest.
	expect_eq "peer show" "$(vc peer show vcmp0 7 | no_measurements)" \
		"$(vc show vcmp0 | sed -n '/^peer: 7$/,$p' | no_measurements)"
	expect_match "peer show json" "$(vc -j peer show vcmp0 7)" '^\[\{"id":7,.*\}\]$'

	vc peer set vcmp0 7 segment 4 allowed-ips 10.8.0.0/16
	out=$(vc show vcmp0)
	expect_match "segment set" "$out" "^  segment: 4$"
	expect_match "prefix added" "$out" "^  allowed ips: 10\\.7\\.0\\.0/16, 10\\.8\\.0\\.0/16, fd00:7::/48$"
	vc peer set vcmp0 7 allowed-ips 192.168.1.1 replace
	expect_match "prefixes replaced" "$(vc show vcmp0)" "^  allowed ips: 192\\.168\\.1\\.1/32$"
	vc peer set vcmp0 7 replace
	expect_match "prefixes cleared" "$(vc show vcmp0)" "^  allowed ips: \\(none\\)$"

	vc link del vcmp0 7 2
	out=$(vc show vcmp0)
	! grep -q "link 2" <<<"$out" || fail "link 2 still listed"
	vc link add vcmp0 7 3 remote '[2001:db8::9]:5000'
	expect_match "link 3" "$(vc show vcmp0)" "^  link 3: remote \\[2001:db8::9\\]:5000$"
	# An underlay MTU set by hand is honoured as is and lowers the peer's.
	vc link add vcmp0 7 4 remote 192.0.2.40 mtu 1280
	out=$(vc show vcmp0)
	expect_match "link mtu" "$out" "^  link 4: remote 192\\.0\\.2\\.40:2426 mtu 1280$"
	expect_match "peer mtu from link 4" "$out" "^  mtu: 1187 \\(edge 1280\\)$"
	expect_match "json link mtu" "$(vc -j show vcmp0)" '"id":4,[^}]*"mtu":1280,"packet_mtu":1187,"path_mtu":1280,"pmtud":"off","state":"[a-z]+"'
	vc link del vcmp0 7 4
	expect_match "peer mtu back" "$(vc show vcmp0)" "^  mtu: 1387 \\(edge 1500\\)$"
	refused "link mtu 67" "Error: .*" vc link add vcmp0 7 5 remote 192.0.2.41 mtu 67

	# Another namespace has its own devices.
	local other
	setup_ns other
	ip -n "$other" link add vcmp0 type vcmp
	expect_match "other namespace" "$(n "$other" "$VCMPCTL" show vcmp0)" "^  peers: 0$"

	vc peer del vcmp0 7
	out=$(vc show vcmp0)
	expect_match "no peers" "$out" "^  peers: 0$"
	! grep -q "^peer:" <<<"$out" || fail "peer still listed"
	expect_match "json no peers" "$(vc -j show vcmp0)" '"peer_count":0,.*"peers":\[\]\}\]$'
}

test_ten_peers() {
	local ns out i
	dev_ns
	for i in $(seq 1 10); do
		vc peer add vcmp0 "$i" segment "$i" allowed-ips "10.$i.0.0/16,fd00:$i::/64" \
			link 1 remote "198.51.100.$i" link 2 remote "203.0.113.$i:300$i"
	done
	out=$(vc show vcmp0)
	expect_match "peer count" "$out" "^  peers: 10$"
	expect_eq "peers listed" "$(grep -c '^peer: ' <<<"$out")" 10
	expect_eq "links listed" "$(grep -c '^  link [12]: ' <<<"$out")" 20
	for i in $(seq 1 10); do
		expect_match "peer $i" "$out" "^peer: $i$"
		expect_match "peer $i prefixes" "$out" "^  allowed ips: 10\\.$i\\.0\\.0/16, fd00:$i::/64$"
		expect_match "peer $i link 2" "$out" "^  link 2: remote 203\\.0\\.113\\.$i:300$i$"
	done
	# Peers come sorted by id.
	expect_eq "order" "$(grep '^peer: ' <<<"$out" | awk '{ print $2 }' | tr '\n' ' ')" \
		"1 2 3 4 5 6 7 8 9 10 "
	expect_eq "json peers" "$(vc -j show vcmp0 | grep -o '"segment":[0-9]*' | wc -l)" 10
}

test_sa_keys_never_shown() {
	local ns key1 key2 out
	dev_ns
	vc peer add vcmp0 1 suite aes-gcm-256 link 1 remote 192.0.2.2
	key1=$(vc genkey aes-gcm-256)
	key2=$(vc genkey aes-gcm-256)
	expect_match "key length" "$key1" '^[0-9a-f]{72}$'
	[ "$key1" != "$key2" ] || fail "genkey repeats itself"
	echo "$key2" >"$_state/key2"
	vc sa add vcmp0 1 0x01000001 in key "$key1"
	vc sa add vcmp0 1 0x01000002 out key-file "$_state/key2"
	out=$(vc show vcmp0; vc -j show vcmp0; vc showconf vcmp0; vc peer show vcmp0 1)
	expect_match "sa in" "$out" "^  sa: 0x01000001 in$"
	expect_match "sa out" "$out" "^  sa: 0x01000002 out$"
	expect_match "json sas" "$out" '"sas":\[\{"spi":16777218,"dir":"out"\},\{"spi":16777217,"dir":"in"\}\]'
	expect_match "showconf sa" "$out" "^# SA = 0x01000001 in \\(key not shown\\)$"
	for k in "$key1" "$key2"; do
		! grep -qi "${k:0:16}" <<<"$out" || fail "key material shown"
	done
	vc sa del vcmp0 1 0x01000001 in
	out=$(vc show vcmp0)
	! grep -q "0x01000001" <<<"$out" || fail "deleted SA still listed"
	expect_match "other sa" "$out" "^  sa: 0x01000002 out$"
	refused "deleting it again" "^Error: vcmp: no such security association\\.$" \
		vc sa del vcmp0 1 0x01000001 in
}

test_refusals() {
	local ns key before
	dev_ns
	vc peer add vcmp0 1 suite aes-gcm-128 link 1 remote 192.0.2.2
	vc peer add vcmp0 2 suite plain link 1 remote 192.0.2.3
	key=$(vc genkey aes-gcm-128)
	before=$(vc showconf vcmp0)

	refused "SPI below 0x01000000" \
		"^Error: integer out of range \\(valid range 16777216 to 4294967295\\)\\.$" \
		vc sa add vcmp0 1 0x00ffffff in key "$key"
	refused "key too short" "^Error: vcmp: key length does not match the suite of the peer\\.$" \
		vc sa add vcmp0 1 0x01000001 in key "${key:0:38}"
	refused "key of another suite" "^Error: vcmp: key length does not match the suite of the peer\\.$" \
		vc sa add vcmp0 1 0x01000001 in key "$(vc genkey aes-gcm-256)"
	refused "key on a plain peer" "^Error: vcmp: a plain peer has no SAs and takes no key\\.$" \
		vc sa add vcmp0 2 0x01000001 in key "$key"
	refused "duplicate peer id" "^Error: vcmp: a peer with this id already exists\\." \
		vc peer add vcmp0 1
	refused "unknown peer (set)" "^Error: vcmp: no peer with this id\\.$" \
		vc peer set vcmp0 9 segment 1
	refused "unknown peer (del)" "^Error: vcmp: no peer with this id\\.$" vc peer del vcmp0 9
	refused "unknown peer (link)" "^Error: vcmp: no peer with this id\\.$" \
		vc link add vcmp0 9 1 remote 192.0.2.9
	refused "unknown peer (sa)" "^Error: vcmp: no peer with this id\\.$" \
		vc sa add vcmp0 9 0x01000001 in key "$key"
	refused "peer id 0" "^Error: integer out of range \\(valid range 1 to 4294967295\\)\\.$" \
		vc peer add vcmp0 0
	refused "duplicate link id" "^Error: vcmp: the peer already has a link with this id\\.$" \
		vc link add vcmp0 1 1 remote 192.0.2.4
	refused "unknown link" "^Error: vcmp: the peer has no link with this id\\.$" \
		vc link del vcmp0 1 5
	refused "IPv4 prefix /33" "^Error: vcmp: prefix length too long for the address family\\.$" \
		vc peer set vcmp0 1 allowed-ips 10.0.0.0/33
	refused "IPv6 prefix /129" "^Error: integer out of range \\(valid range 0 to 128\\)\\.$" \
		vc peer set vcmp0 1 allowed-ips fd00::/129
	refused "suite change" "^Error: vcmp: the suite of a peer cannot be changed\\.$" \
		vc peer set vcmp0 1 suite aes-gcm-256
	refused "not a vcmp device" "^Error: vcmp: not a vcmp device\\.$" vc peer add wan0 1
	refused "no such device" "^Error: vcmp: no such device\\.$" vc peer add vcmp9 1
	refused "no such link device" "^Error: vcmp: no such interface for the link\\.$" \
		vc link add vcmp0 1 2 remote 192.0.2.5 ifindex 9999
	# A peer with its links is made whole or not at all.
	refused "duplicate link id in peer add" "^Error: vcmp: duplicate link id\\.$" \
		vc peer add vcmp0 3 link 1 remote 192.0.2.5 link 1 remote 192.0.2.6
	refused "bad prefix in peer add" "^Error: vcmp: prefix length too long" \
		vc peer add vcmp0 3 allowed-ips 10.0.0.0/8,10.1.0.0/40 link 1 remote 192.0.2.5
	# Refused by the peer code after the peer was made: it goes again.
	refused "plain endpoint taken" "^Error: vcmp: " \
		vc peer add vcmp0 3 suite plain allowed-ips 10.3.0.0/16 \
		link 1 remote 192.0.2.6 link 2 remote 192.0.2.3
	expect_eq "nothing changed" "$(vc showconf vcmp0)" "$before"

	# At most 16 links.
	local args=() i
	for i in $(seq 1 16); do
		args+=(link "$i" remote "192.0.2.$((100 + i))")
	done
	vc peer add vcmp0 4 "${args[@]}"
	expect_eq "16 links" "$(vc peer show vcmp0 4 | grep -c '^  link ')" 16
	refused "link 17" "^Error: vcmp: too many links \\(at most 16\\)\\.$" \
		vc link add vcmp0 4 17 remote 192.0.2.117
	vc peer del vcmp0 4
	expect_eq "nothing else changed" "$(vc showconf vcmp0)" "$before"
}

# as_nobody NS CMD...: CMD in NS as uid/gid 65534, without capabilities.
as_nobody() {
	local ns=$1
	shift
	if command -v setpriv >/dev/null; then
		n "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		n "$ns" unshare --user --map-user=65534 "$@"
	fi
}

test_unprivileged() {
	local ns before out
	dev_ns
	vc peer add vcmp0 1 allowed-ips 10.1.0.0/16 link 1 remote 192.0.2.2
	before=$(vc showconf vcmp0)
	for cmd in "peer add vcmp0 2" "peer set vcmp0 1 segment 9" "peer del vcmp0 1" \
		   "link add vcmp0 1 2 remote 192.0.2.3" "link del vcmp0 1 1" \
		   "sa add vcmp0 1 0x01000001 in key $(vc genkey aes-gcm-128)" \
		   "show vcmp0" "peer show vcmp0 1" "monitor"; do
		# shellcheck disable=SC2086
		if out=$(as_nobody "$ns" "$VCMPCTL" $cmd 2>&1); then
			fail "unprivileged '$cmd' accepted"
		fi
		expect_match "unprivileged $cmd" "$out" "Operation not permitted"
	done
	expect_eq "nothing changed" "$(vc showconf vcmp0)" "$before"
}

test_monitor() {
	local ns text json ptext pjson key
	dev_ns
	text=$_state/monitor.txt json=$_state/monitor.json
	vc peer add vcmp0 1
	n "$ns" timeout 60 "$VCMPCTL" monitor >"$text" 2>&1 &
	ptext=$!
	n "$ns" timeout 60 "$VCMPCTL" -j monitor >"$json" 2>&1 &
	pjson=$!
	# Subscribed once a change shows up on both.
	wait_for 15 n "$ns" sh -c "\"$VCMPCTL\" peer set vcmp0 1 segment 1 2>/dev/null;
		grep -q 'peer 1 changed' '$text' && grep -q '\"peer-set\"' '$json'" ||
		{ kill "$ptext" "$pjson"; fail "monitor never saw an event: $(cat "$text")"; }
	key=$(vc genkey aes-gcm-128)
	vc peer add vcmp0 2 segment 5 link 3 remote 192.0.2.9:4000
	vc sa add vcmp0 2 0x01000009 out key "$key"
	vc sa del vcmp0 2 0x01000009 out
	vc link del vcmp0 2 3
	vc peer del vcmp0 2
	wait_for 5 grep -q "peer 2 deleted" "$text" || true
	wait_for 5 grep -q '"peer-del"' "$json" || true
	kill "$ptext" "$pjson"
	wait "$ptext" "$pjson" 2>/dev/null || true
	local t j
	t=$(cat "$text") j=$(cat "$json")
	expect_match "peer added" "$t" "^vcmp0: peer 2 added: segment 5 suite aes-gcm-128$"
	expect_match "link added" "$t" "^vcmp0: peer 2 link 3 added: remote 192\\.0\\.2\\.9:4000$"
	expect_match "sa added" "$t" "^vcmp0: peer 2 sa 0x01000009 out added$"
	expect_match "sa deleted" "$t" "^vcmp0: peer 2 sa 0x01000009 out deleted$"
	expect_match "link deleted" "$t" "^vcmp0: peer 2 link 3 deleted$"
	expect_match "peer deleted" "$t" "^vcmp0: peer 2 deleted$"
	expect_match "json peer-new" "$j" '^\{"event":"peer-new","ifname":"vcmp0","ifindex":[0-9]+,"peer":\{"id":2,"segment":5,"suite":"aes-gcm-128"\}\}$'
	expect_match "json link-new" "$j" '^\{"event":"link-new",.*"peer_id":2,"link":\{"id":3,"family":"inet","remote":"192\.0\.2\.9","remote_port":4000,"packet_mtu":1407,"path_mtu":1500,"pmtud":"[a-z]+","state":"(init|up|degraded|down)","stats":\{"rtt_us":[0-9]+,[^}]*,"qoe":\{"voice":[0-9]+,"video":[0-9]+,"transactional":[0-9]+\}\}\}\}$'
	expect_match "json sa-new" "$j" '^\{"event":"sa-new",.*"peer_id":2,"sa":\{"spi":16777225,"dir":"out"\}\}$'
	expect_match "json peer-del" "$j" '^\{"event":"peer-del",.*"peer":\{"id":2\}\}$'
	! grep -qi "${key:0:16}" <<<"$t$j" || fail "key material in an event"
	# In order: the peer before its link, the SA before its deletion.
	expect_eq "order" "$(grep -o 'peer 2 [a-z0-9 ]*\(added\|deleted\)' <<<"$t" | tr '\n' ';')" \
		"peer 2 added;peer 2 link 3 added;peer 2 sa 0x01000009 out added;peer 2 sa 0x01000009 out deleted;peer 2 link 3 deleted;peer 2 deleted;"
}

test_setconf_showconf() {
	local ns conf key1 key2 a b
	dev_ns
	conf=$_state/vcmp0.conf
	key1=$(vc genkey aes-cbc-hmac-sha1)
	key2=$(vc genkey aes-cbc-hmac-sha1)
	echo "$key2" >"$_state/key2"
	cat >"$conf" <<-EOF
	# two sites and an Internet gateway
	[Peer]
	Id = 10
	Segment = 2
	Suite = aes-cbc-hmac-sha1
	AllowedIPs = 10.10.0.0/16, fd00:10::/48
	AllowedIPs = 10.11.0.0/16
	Link = 1 remote 192.0.2.10:2426 local 192.0.2.1 dev wan0
	Link = 2 remote [2001:db8::10]:3000
	SA = 0x01000010 in key $key1
	SA = out 0x01000011 key-file $_state/key2

	[peer]
	id = 20
	AllowedIPs = 10.20.0.0/16

	[Peer]
	Id = 30
	Suite = plain
	Link = 7 remote 198.51.100.30
	EOF
	vc setconf vcmp0 "$conf"
	a=$(vc showconf vcmp0)
	expect_match "peer 10" "$a" "^Id = 10$"
	expect_match "peer 20 default suite" "$(vc peer show vcmp0 20)" "^  suite: aes-gcm-128$"
	expect_match "prefixes" "$a" "^AllowedIPs = 10\\.10\\.0\\.0/16, 10\\.11\\.0\\.0/16, fd00:10::/48$"
	expect_match "link with everything" "$a" "^Link = 1 remote 192\\.0\\.2\\.10:2426 local 192\\.0\\.2\\.1 dev wan0$"
	expect_match "sa listed" "$a" "^# SA = 0x01000011 out \\(key not shown\\)$"
	! grep -qi "${key1:0:16}\|${key2:0:16}" <<<"$a" || fail "showconf shows a key"

	# Round trip: showconf output loaded back changes nothing, SAs stay.
	echo "$a" >"$_state/a.conf"
	vc setconf vcmp0 "$_state/a.conf"
	b=$(vc showconf vcmp0)
	expect_eq "round trip" "$b" "$a"
	# Loading the original file again is no change either.
	vc setconf vcmp0 "$conf"
	expect_eq "idempotent" "$(vc showconf vcmp0)" "$a"

	# Changes: peer 20 goes, peer 30 changes suite, peer 10 loses a link
	# and a prefix and another link moves.
	cat >"$conf" <<-EOF
	[Peer]
	Id = 10
	Segment = 3
	Suite = aes-cbc-hmac-sha1
	AllowedIPs = 10.10.0.0/16
	Link = 1 remote 192.0.2.11
	[Peer]
	Id = 30
	Suite = aes-gcm-128
	EOF
	vc setconf vcmp0 "$conf"
	b=$(vc showconf vcmp0)
	expect_eq "ids" "$(grep '^Id = ' <<<"$b" | tr '\n' ' ')" "Id = 10 Id = 30 "
	expect_match "segment" "$b" "^Segment = 3$"
	expect_match "prefixes replaced" "$b" "^AllowedIPs = 10\\.10\\.0\\.0/16$"
	expect_match "link moved" "$b" "^Link = 1 remote 192\\.0\\.2\\.11:2426$"
	! grep -q "^Link = 2" <<<"$b" || fail "link 2 kept"
	expect_match "SAs kept" "$b" "^# SA = 0x01000010 in"
	expect_match "suite changed" "$b" "^Suite = aes-gcm-128$"
	refused "bad file" "^vcmpctl: -:2: invalid configuration$" \
		n "$ns" sh -c "printf '[Peer]\nColour = blue\n' | \"$VCMPCTL\" setconf vcmp0 -"
	expect_eq "bad file changes nothing" "$(vc showconf vcmp0)" "$b"
}

# The steering policy in the file: classes with link roles and rules of
# every match kind survive showconf -> setconf on another device; loading
# showconf output sends nothing; setconf makes the policy the file's
# (classes and rules not in it go, class 0 back to its defaults); a bad
# [Class] or [Rule] line is refused with its line number.
test_setconf_policy() {
	local ns ns2 conf a b mon pmon
	dev_ns
	conf=$_state/policy.conf
	vc peer add vcmp0 1 allowed-ips 10.1.0.0/16 \
		link 1 remote 192.0.2.2 bandwidth 20000 link 2 remote 2001:db8::2
	vc class set vcmp0 0 link 2 backup
	vc class set vcmp0 1 name voice mode dup sla voice link 1 preferred link 2 backup
	vc class set vcmp0 2 name bulk mode spray link 2 mandatory link 1 available
	vc class set vcmp0 3 mode fec sla video
	vc class set vcmp0 4 name web sla transactional link 7 preferred
	vc rule add vcmp0 10 class 1 dscp 46
	vc rule add vcmp0 20 class 2 proto udp dport 5001
	vc rule add vcmp0 30 class 3 proto tcp sport 1000-2000 dport 7000-7010 \
		from 10.1.2.0/24 to 10.2.0.0/16
	vc rule add vcmp0 40 class 1 family inet6 from fd00:1::/48 to fd00:2::/64
	vc rule add vcmp0 50 class 4 family inet
	vc rule add vcmp0 60 class 2 proto 132 to 192.0.2.128/25
	a=$(vc showconf vcmp0)
	expect_eq "sections" "$(grep '^\[' <<<"$a" | uniq -c | tr -s ' ' | tr '\n' ';')" \
		" 1 [Peer]; 5 [Class]; 6 [Rule];"
	expect_eq "class 1" "$(sed -n '/^Id = 1$/,/^$/p' <<<"$a" | sed -n '/^Name = voice$/,/^$/p' | tr '\n' ';')" \
		"Name = voice;Mode = dup;Sla = voice;Link = 1 preferred;Link = 2 backup;;"
	expect_match "class 0 roles" "$a" "^Link = 2 backup$"
	expect_match "class 3 default name" "$a" "^Name = class3$"
	expect_match "role of a link no peer has" "$a" "^Link = 7 preferred$"
	! grep -q "^Link = 1 available" <<<"$a" || fail "an available role listed"
	expect_eq "rule 30" "$(sed -n '/^Id = 30$/,/^$/p' <<<"$a" | tr '\n' ';')" \
		"Id = 30;Class = 3;Family = inet;Proto = tcp;From = 10.1.2.0/24;To = 10.2.0.0/16;SPort = 1000-2000;DPort = 7000-7010;;"
	expect_match "rule 40" "$a" "^From = fd00:1::/48$"
	expect_match "rule 50 family only" "$(sed -n '/^Id = 50$/,/^$/p' <<<"$a")" "^Family = inet$"
	expect_match "proto by number" "$a" "^Proto = 132$"
	expect_match "dscp" "$a" "^Dscp = 46$"
	expect_match "link bandwidth kept" "$a" "^Link = 1 remote 192\\.0\\.2\\.2:2426 bandwidth 20000$"

	# Loading showconf output sends no class or rule (monitor as witness;
	# a last rule marks the end).
	echo "$a" >"$_state/a.conf"
	mon=$_state/policy-monitor.txt
	n "$ns" timeout 60 "$VCMPCTL" monitor >"$mon" 2>&1 &
	pmon=$!
	wait_for 15 n "$ns" sh -c "\"$VCMPCTL\" class set vcmp0 15 2>/dev/null;
		grep -q 'class 15 changed' '$mon'" ||
		{ kill "$pmon"; fail "monitor never saw an event"; }
	vc class del vcmp0 15
	vc setconf vcmp0 "$_state/a.conf"
	vc rule add vcmp0 999 class 0
	wait_for 10 grep -q "rule 999 added" "$mon" || true
	kill "$pmon"
	wait "$pmon" 2>/dev/null || true
	expect_eq "setconf of showconf output sent" \
		"$(grep -E ': (class|rule) ' "$mon" | grep -v ' 15 ' | tr '\n' ';')" "vcmp0: rule 999 added;"
	vc rule del vcmp0 999
	expect_eq "round trip" "$(vc showconf vcmp0)" "$a"

	# Another device: the same classes and rules from the file.
	setup_ns ns2
	ip -n "$ns2" link add vcmp0 type vcmp
	n "$ns2" "$VCMPCTL" setconf vcmp0 "$_state/a.conf"
	expect_eq "other device" "$(n "$ns2" "$VCMPCTL" showconf vcmp0)" "$a"
	expect_eq "class show" "$(n "$ns2" "$VCMPCTL" class show vcmp0 | sed 's/ tx_packets [0-9]*//')" \
		"$(vc class show vcmp0 | sed 's/ tx_packets [0-9]*//')"
	expect_eq "rule show" "$(n "$ns2" "$VCMPCTL" rule show vcmp0)" "$(vc rule show vcmp0)"
	# "class set ... links none" clears the roles (an empty nest is sent).
	n "$ns2" "$VCMPCTL" class set vcmp0 1 links none
	expect_eq "links none" "$(n "$ns2" "$VCMPCTL" class show vcmp0 1 | sed 's/ tx_packets [0-9]*//')" \
		"class 1: voice mode dup sla voice"

	# Fewer classes and rules: class 3 and 4 go with rules 30 and 50, the
	# rest change; class 0 is not in the file and gets its defaults. The
	# peer stays as it is.
	sed -n '/^\[Peer\]$/,/^$/p' <<<"$a" >"$conf"
	cat >>"$conf" <<-EOF
	[Class]
	Id = 1
	Name = voice
	Mode = flow
	Sla = voice
	Link = 2 preferred
	[class]
	id = 2
	[Rule]
	Id = 10
	Class = 1
	Dscp = 34
	[Rule]
	Id = 20
	Class = 2
	Proto = udp
	DPort = 5001
	[Rule]
	Id = 40
	Class = 0
	From = fd00:1:0:1::1/48
	[Rule]
	Id = 70
	Class = 2
	SPort = 53
	EOF
	vc setconf vcmp0 "$conf"
	expect_eq "classes" "$(vc class show vcmp0 | sed 's/ tx_packets [0-9]*//' | tr '\n' ';')" \
		"class 0: default mode flow sla bulk;class 1: voice mode flow sla voice link 2 preferred;class 2: class2 mode flow sla bulk;"
	expect_eq "rules" "$(vc rule show vcmp0 | tr '\n' ';')" \
		"rule 10: class 1 dscp 34;rule 20: class 2 proto 17 dport 5001;rule 40: class 0 family inet6 from fd00:1::/48;rule 70: class 2 sport 53;"
	b=$(vc showconf vcmp0)
	expect_eq "peer untouched" "$(sed -n '/^\[Peer\]$/,/^$/p' <<<"$b")" \
		"$(sed -n '/^\[Peer\]$/,/^$/p' <<<"$a")"
	echo "$b" >"$_state/b.conf"
	vc setconf vcmp0 "$_state/b.conf"
	expect_eq "idempotent" "$(vc showconf vcmp0)" "$b"
	vc setconf vcmp0 "$conf"
	expect_eq "file again" "$(vc showconf vcmp0)" "$b"

	# Bad lines: the file and line are named, nothing changes.
	refused "bad class line" "^vcmpctl: -:4: invalid configuration$" \
		n "$ns" sh -c "printf '[Class]\nId = 1\nName = voice\nMode = fast\n' | \"$VCMPCTL\" setconf vcmp0 -"
	printf '[Peer]\nId = 1\n[Rule]\nId = 1\nDPort = 9-3\nClass = 0\n' >"$_state/bad.conf"
	refused "bad rule line" "^vcmpctl: $_state/bad.conf:5: invalid configuration$" \
		vc setconf vcmp0 "$_state/bad.conf"
	refused "rule of a class not in the file" "^vcmpctl: -:3: rule 5: no \\[Class\\] with Id = 9 in the file$" \
		n "$ns" sh -c "printf '[Rule]\nId = 5\nClass = 9\n' | \"$VCMPCTL\" setconf vcmp0 -"
	refused "rule without class" "^vcmpctl: -:1: invalid configuration$" \
		n "$ns" sh -c "printf '[Rule]\nId = 5\nDscp = 1\n' | \"$VCMPCTL\" setconf vcmp0 -"
	expect_eq "bad files change nothing" "$(vc showconf vcmp0)" "$b"

	# A file without classes and rules removes them all.
	printf '[Peer]\nId = 1\nAllowedIPs = 10.1.0.0/16\n' >"$conf"
	vc setconf vcmp0 "$conf"
	expect_eq "no rules" "$(vc rule show vcmp0)" ""
	expect_eq "default class only" "$(vc class show vcmp0 | sed 's/ tx_packets [0-9]*//')" \
		"class 0: default mode flow sla bulk"
	! grep -q '^\[\(Class\|Rule\)\]' <<<"$(vc showconf vcmp0)" || fail "policy left in showconf"
}

test_many_peers() {
	local ns conf n=2000 ids want
	dev_ns
	conf=$_state/many.conf
	awk -v n=$n 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "[Peer]\nId = %d\nAllowedIPs = 10.%d.%d.0/24\nLink = 1 remote 192.0.2.%d\n",
			       i, int(i / 256), i % 256, 1 + i % 250
	}' >"$conf"
	vc setconf vcmp0 "$conf"
	expect_match "peer count" "$(vc show vcmp0)" "^  peers: $n$"
	ids=$(vc showconf vcmp0 | awk '/^Id = / { print $3 }' | sort -n | tr '\n' ' ')
	want=$(seq 1 $n | tr '\n' ' ')
	[ "$ids" = "$want" ] || fail "dump: $(wc -w <<<"$ids") of $n ids, or wrong ones"
	expect_eq "json" "$(vc -j show vcmp0 | grep -o '"suite":' | wc -l)" $n

	# Dumps while peers go: each completes (vcmpctl starts again when
	# the kernel flags a dump inconsistent, a few times), nothing breaks.
	local pid out i
	(for i in $(seq 1 100); do vc peer del vcmp0 "$((i * 20))"; done) &
	pid=$!
	for i in 1 2 3 4 5; do
		out=$(vc showconf vcmp0 2>&1) ||
			expect_match "dump during deletions" "$out" "interrupted"
	done
	wait "$pid" || fail "deleting peers failed"
	expect_eq "after deletions" "$(vc showconf vcmp0 | grep -c '^Id = ')" $((n - 100))
}

test_large_peer() {
	local ns list
	dev_ns
	vc peer add vcmp0 1 link 1 remote 192.0.2.2
	vc peer add vcmp0 2
	# prefixes FROM TO: fd00:X:Y::/64 for FROM <= i < TO, comma-separated.
	prefixes() {
		awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i < b; i++)
			printf "%sfd00:%x:%x::/64", (i > a ? "," : ""), int(i / 256), i % 256 }'
	}
	# 1200 prefixes: one reply of a "do" request holds them (48 KiB).
	vc peer set vcmp0 1 allowed-ips "$(prefixes 0 1200)"
	expect_eq "get" "$(vc peer show vcmp0 1 | grep '^  allowed ips' | tr ',' '\n' | wc -l)" 1200
	# 2000: dumps split the peer over messages; "do" is refused, and
	# vcmpctl dumps instead.
	vc peer set vcmp0 1 allowed-ips "$(prefixes 1200 2000)"
	expect_eq "dump" "$(vc showconf vcmp0 | grep '^AllowedIPs' | tr ',' '\n' | wc -l)" 2000
	expect_eq "get" "$(vc peer show vcmp0 1 | grep '^  allowed ips' | tr ',' '\n' | wc -l)" 2000
	expect_eq "same" "$(vc peer show vcmp0 1)" "$(vc show vcmp0 | sed -n '/^peer: 1$/,/^$/p' | sed '/^$/d')"
	expect_match "peer after it" "$(vc showconf vcmp0)" "^Id = 2$"
	expect_match "link kept" "$(vc peer show vcmp0 1)" "^  link 1: remote 192\\.0\\.2\\.2:2426$"
}

test_autoload() {
	local out
	# Namespaces of earlier cases may still be going away.
	wait_for 10 vcmp_unload 2>/dev/null || fail "module busy"
	out=$("$VCMPCTL" peer show vcmp-none 2>&1) && fail "peer show of no device succeeded"
	vcmp_loaded || fail "resolving the family did not load the module"
	expect_match "no device" "$out" "^Error: vcmp: no such device\\.$"
}

ktap_plan 11
run_case "peer add, show, set and delete (text and JSON)" test_peer_round_trip
run_case "ten peers with links and prefixes listed" test_ten_peers
run_case "SAs added and deleted, keys never shown" test_sa_keys_never_shown
run_case "refusals carry extack messages and change nothing" test_refusals
run_case "unprivileged callers get EPERM" test_unprivileged
run_case "monitor prints events (text and JSON)" test_monitor
run_case "setconf and showconf round trip" test_setconf_showconf
run_case "setconf and showconf of classes and rules" test_setconf_policy
run_case "dump of 2000 peers complete" test_many_peers
run_case "peer too large for one dump message" test_large_peer
run_case "resolving the family loads the module" test_autoload
ktap_finish
