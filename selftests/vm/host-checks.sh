#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-checks.sh FILES DIR
#
# FILES is what the VM's tests wrote to its third serial port: blocks of
# "VCMP-FILE-BEGIN NAME", base64, "VCMP-FILE-END NAME" (export_file in
# selftests/lib.sh). Decode each into DIR/NAME, then run the host-side
# checks for the files present, printing KTAP test lines that run.sh counts
# with the VM's: a check's own KTAP nested (indented four spaces), then its
# result line.
set -uo pipefail

files=$1 dir=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"

awk -v dir="$dir" '
	{ sub(/\r$/, "") }
	/^VCMP-FILE-BEGIN / { name = $2; out = dir "/" name ".b64"; printf "" > out; next }
	/^VCMP-FILE-END / { close(out); name = ""; next }
	name != "" { print >> out }' "$files"
for b in "$dir"/*.b64; do
	[ -e "$b" ] || continue
	if ! base64 -d "$b" >"${b%.b64}"; then
		echo "not ok - host: cannot decode $(basename "${b%.b64}") # exported file damaged"
	fi
	rm -f "$b"
done

# run_check NAME CMD...: one host check as one test.
run_check() {
	local name=$1 rc
	shift
	"$@" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok - $name (host)" ;;
	4) echo "ok - $name (host) # SKIP" ;;
	*) echo "not ok - $name (host) # exit status $rc" ;;
	esac
}

if compgen -G "$dir/wireshark-*.pcap" >/dev/null; then
	run_check capture-check "$src/selftests/host/capture-check.sh" "$dir"
fi
