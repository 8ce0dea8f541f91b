#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of vcmpctl, on the host: source it, fake ip(8) and
# vcmpctl with stubs that describe two vcmp devices with peers, links,
# SAs, classes and rules, and check COMPREPLY for typical command lines.
# Prints KTAP.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
stubs=$(mktemp -d)
trap 'rm -rf "$stubs"' EXIT

cat >"$stubs/ip" <<'STUB'
#!/bin/bash
case "$*" in
"-o link show type vcmp")
	echo '5: vcmp0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1368 qdisc noqueue state UNKNOWN'
	echo '6: vcmp-hub: <POINTOPOINT,NOARP> mtu 1368 qdisc noop state DOWN' ;;
"-o link show")
	echo '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN'
	echo '3: wan0@if2: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP'
	echo '4: lte0: <POINTOPOINT,UP> mtu 1428 qdisc fq_codel state UP'
	echo '5: vcmp0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1368 qdisc noqueue state UNKNOWN' ;;
*) exit 1 ;;
esac
STUB
cat >"$stubs/vcmpctl" <<'STUB'
#!/bin/bash
[ "$1" = showconf ] || exit 2
case $2 in
vcmp0) cat <<'CONF' ;;
# vcmp0: vcmpctl showconf; keys are never shown (setconf keeps installed SAs)
[Peer]
Id = 2
Segment = 0
Suite = aes-gcm-128
AllowedIPs = 10.0.0.2/32
Link = 1 remote 198.51.100.2:2426
Link = 7 remote [2001:db8::2]:2426 dev lte0
# SA = 0x01000002 out (key not shown)
# SA = 0x01000001 in (key not shown)

[Peer]
Id = 30
Segment = 1
Suite = plain
Link = 4 remote 203.0.113.30

[Class]
Id = 2
Name = voice
Mode = dup
Sla = voice
Link = 5 backup

[Rule]
Id = 10
Class = 2
Dscp = 46

[Rule]
Id = 30
Class = 0
Proto = udp
CONF
*) echo "vcmpctl: No such device" >&2; exit 1 ;;
esac
STUB
chmod +x "$stubs/ip" "$stubs/vcmpctl"
mkdir "$stubs/files" && touch "$stubs/files/site-a.conf" "$stubs/files/site-b.key"

PATH=$stubs:$PATH
# shellcheck source=../../tools/vcmpctl/vcmpctl.bash-completion
source "$src/tools/vcmpctl/vcmpctl.bash-completion"

complete -p vcmpctl 2>/dev/null | grep -q -- '-F _vcmpctl vcmpctl$' || {
	echo "Bail out! completion not registered"; exit 1; }

n=0 passed=0 planned=31
# check "COMMAND LINE" "EXPECTED WORDS": the line ends where the cursor is;
# a trailing space means a new, empty word.
check() {
	local line=$1 want=$2 got
	n=$((n + 1))
	read -r -a COMP_WORDS <<<"$line"
	[ "${line: -1}" = " " ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	COMPREPLY=()
	_vcmpctl vcmpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
	want=$(tr ' ' '\n' <<<"$want" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		echo "ok $n '$line'"
		passed=$((passed + 1))
	else
		echo "# got:  '$got'"
		echo "# want: '$want'"
		echo "not ok $n '$line'"
	fi
}

echo "KTAP version 1"
echo "1..$planned"
check "vcmpctl " "show showconf setconf genkey monitor dev peer link sa class rule help version"
check "vcmpctl s" "show showconf setconf sa"
check "vcmpctl --" "--json --help"
check "vcmpctl -j sh" "show showconf"
check "vcmpctl show " "vcmp0 vcmp-hub"
check "vcmpctl -j show vcmp-" "vcmp-hub"
check "vcmpctl genkey aes" "aes-gcm-128 aes-gcm-256 aes-cbc-hmac-sha1"
check "vcmpctl setconf vcmp0 $stubs/files/site-a" "$stubs/files/site-a.conf"
check "vcmpctl dev " "add set del show"
check "vcmpctl dev del " "vcmp0 vcmp-hub"
check "vcmpctl dev add vcmp1 " "port"
check "vcmpctl peer " "add set del show"
check "vcmpctl peer del vcmp0 " "2 30"
check "vcmpctl peer show vcmp0 3" "30"
check "vcmpctl peer add vcmp0 " ""
check "vcmpctl peer add vcmp0 3 " "segment suite allowed-ips link"
check "vcmpctl peer add vcmp0 3 suite c" "chacha20-poly1305"
check "vcmpctl peer add vcmp0 3 link 1 remote 192.0.2.1 " "remote local dev mtu ifindex bandwidth segment suite allowed-ips link"
check "vcmpctl peer add vcmp0 3 link 1 remote 192.0.2.1 dev " "lo wan0 lte0 vcmp0"
check "vcmpctl peer set vcmp0 2 " "segment suite allowed-ips replace"
check "vcmpctl link del vcmp0 2 " "1 7"
check "vcmpctl link del vcmp0 30 " "4"
check "vcmpctl link add vcmp0 2 3 " "remote local dev mtu ifindex bandwidth"
check "vcmpctl sa del vcmp0 2 " "0x01000002 0x01000001"
check "vcmpctl sa del vcmp0 2 0x01000001 " "in"
check "vcmpctl sa add vcmp0 2 0x01000003 " "in out"
check "vcmpctl sa add vcmp0 2 0x01000003 out key-file $stubs/files/site-b" "$stubs/files/site-b.key"
# Ids of [Class] and [Rule] sections are not peers' (nor their Link lines).
check "vcmpctl class show vcmp0 " "0 2"
check "vcmpctl class del vcmp0 " "2"
check "vcmpctl rule del vcmp0 " "10 30"
check "vcmpctl rule add vcmp0 " ""
# A case that aborted (an error inside the completion) printed no line.
echo "# $passed of $planned completion cases passed"
[ "$passed" -eq "$planned" ]
