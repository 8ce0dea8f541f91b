#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [CHECK...]
#
# The tests that run on the host, not in the VM (make host-check):
#   completion  bash completion of vcmpctl (stubs, no kernel)
#   docs        Documentation/*.rst parse cleanly; every module parameter
#               and counter is documented
#   scripts     shellcheck finds no error; no wait_for on a stale "$(...)"
#   dissector   tools/wireshark/vcmp.lua on hand-made packets (tshark)
#   install     make install DESTDIR=... against Debian's 6.12 headers
#   dkms        dkms add/build/install against Debian's 6.1 and 6.12 headers
# Default: all (make host-check runs all but dkms). Host packages (tshark, dkms) and the kernel headers come
# from the VM harness's scripts. Prints one KTAP document; exit status 0
# when everything passed or skipped.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vm=$here/../vm
cache=${VCMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vcmp}

[ $# -gt 0 ] || set -- completion docs scripts dissector install dkms
"$vm/host-deps.sh" || { echo "host-check: cannot install host packages" >&2; exit 1; }

headers() {	# headers SERIES: "KVER DIR" of Debian's headers for SERIES
	local kver
	kver=$("$vm/fetch-kernel.sh" "$1" "$cache/kernels") || return 1
	echo "$kver $cache/kernels/$kver/root/usr/src/linux-headers-$kver"
}

echo "KTAP version 1"
echo "1..$#"
i=0 failed=0 passed=0
for t in "$@"; do
	i=$((i + 1))
	start=$(date +%s)
	case $t in
	completion)	cmd=("$here/completion.sh") ;;
	docs)		cmd=("$here/docs.sh") ;;
	scripts)	cmd=("$here/scripts.sh") ;;
	dissector)	cmd=("$here/dissector.sh") ;;
	install)	read -r k6 h6 < <(headers 6.12) || { echo "not ok $i $t # no headers"; failed=$((failed + 1)); continue; }
			cmd=("$here/install-check.sh" "$h6") ;;
	dkms)		read -r k1 h1 < <(headers 6.1) && read -r k6 h6 < <(headers 6.12) ||
				{ echo "not ok $i $t # no headers"; failed=$((failed + 1)); continue; }
			cmd=("$here/dkms-check.sh" "$k1" "$h1" "$k6" "$h6") ;;
	*)		echo "not ok $i $t # no such host check"; failed=$((failed + 1)); continue ;;
	esac
	"${cmd[@]}" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) echo "ok $i $t (${secs} s)"; passed=$((passed + 1)) ;;
	4) echo "ok $i $t # SKIP" ;;
	*) echo "not ok $i $t (${secs} s)"; failed=$((failed + 1)) ;;
	esac
done
echo "# host checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
