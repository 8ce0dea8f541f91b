#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh KVER HEADERS...  (pairs: kernel release, headers directory)
#
# The DKMS packaging, on the host, against Debian's kernel headers the VM
# harness fetched: "make dkms-source" into a private /usr/src, then dkms
# add, build and install with private trees (--sourcetree, --dkmstree,
# --installtree: nothing of the host's DKMS state is touched), and the
# built module is checked: its vermagic names the kernel it was built for.
# Prints KTAP; exit 4 (skip) without dkms.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)

echo "KTAP version 1"
if ! command -v dkms >/dev/null; then
	echo "1..0 # SKIP dkms not installed"
	exit 4
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^#define VCMP_VERSION "\(.*\)"/\1/p' "$src/kernel/device.h")
trees=(--sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/install")

echo "1..$((2 + $# / 2))"
n=0 failed=0
result() {	# result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}

grep -q "^PACKAGE_VERSION=\"$version\"\$" "$src/dkms.conf"
result $? "dkms.conf PACKAGE_VERSION is VCMP_VERSION ($version)"

make -s -C "$src" dkms-source DESTDIR="$tmp/root" >"$tmp/log" 2>&1 &&
	mkdir -p "$tmp/src" "$tmp/dkms" "$tmp/install" &&
	cp -r "$tmp/root/usr/src/vcmp-$version" "$tmp/src/" &&
	dkms add -m vcmp -v "$version" "${trees[@]}" >>"$tmp/log" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/log"
result $rc "make dkms-source; dkms add"

while [ $# -ge 2 ]; do
	kver=$1 hdr=$2
	shift 2
	start=$(date +%s%N)
	(
		set -e
		dkms build -m vcmp -v "$version" -k "$kver" --kernelsourcedir "$hdr" \
			"${trees[@]}"
		ko=$tmp/dkms/vcmp/$version/$kver/x86_64/module/vcmp.ko
		[ -f "$ko" ] || ko=$ko.xz
		magic=$(modinfo -F vermagic "$ko")
		echo "vermagic: $magic"
		[ "${magic%% *}" = "$kver" ]
		mkdir -p "$tmp/install/$kver"	# dkms wants the kernel's tree
		dkms install -m vcmp -v "$version" -k "$kver" --kernelsourcedir "$hdr" \
			--no-depmod "${trees[@]}"
		find "$tmp/install/$kver" -name 'vcmp.ko*' | grep -q .
	) >"$tmp/log.$kver" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/log.$kver" | tail -40
	grep '^vermagic' "$tmp/log.$kver" | sed 's/^/# /'
	result $rc "dkms build + install for $kver ($ms ms)"
done
echo "# $((n - failed)) of $n passed"
[ "$failed" -eq 0 ]
