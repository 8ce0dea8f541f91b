#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-check.sh KDIR
#
# "make install DESTDIR=..." against the kernel headers in KDIR: every file
# lands where it belongs with the right mode, the module is in the
# DESTDIR's modules.dep for the headers' release, the man pages format
# without warnings. Also "make dkms-source". Prints KTAP.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$1
krel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
version=$(sed -n 's/^#define VCMP_VERSION "\(.*\)"/\1/p' "$src/kernel/device.h")
multiarch=$(cc -print-multiarch)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
# A private copy of the tree: the module build must not disturb the caller's.
mkdir "$tmp/src"
(cd "$src" && tar -c --exclude=.git --exclude='*.o' --exclude='*.ko' . ) | tar -x -C "$tmp/src"

echo "KTAP version 1"
echo "1..5"
n=0 failed=0
result() {	# result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}

make -s -C "$tmp/src" install DESTDIR="$dest" KDIR="$kdir" PREFIX=/usr >"$tmp/log" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/log" | tail -30
result $rc "make install DESTDIR=... PREFIX=/usr KDIR=<$krel headers>"

# The kernel's modules_install compresses modules as its config says
# (Debian's 6.12: xz).
ko=$(cd "$dest" && ls lib/modules/"$krel"/extra/kernel/vcmp.ko* 2>/dev/null | head -n1)
case $ko in
*/vcmp.ko|*/vcmp.ko.xz|*/vcmp.ko.zst|*/vcmp.ko.gz) ;;
*) ko=lib/modules/$krel/extra/kernel/vcmp.ko ;;	# reported missing below
esac
# path mode: everything make install must create.
want="$ko 644
usr/sbin/vcmpctl 755
usr/share/man/man8/vcmpctl.8 644
usr/share/man/man4/vcmp.4 644
usr/share/bash-completion/completions/vcmpctl 644
usr/lib/$multiarch/ip/link_vcmp.so 644
usr/lib/$multiarch/wireshark/plugins/vcmp.lua 644"
bad=0
while read -r path mode; do
	if [ ! -f "$dest/$path" ]; then
		echo "# missing: /$path"
		bad=1
	elif [ "$(stat -c %a "$dest/$path")" != "$mode" ]; then
		echo "# /$path has mode $(stat -c %a "$dest/$path"), want $mode"
		bad=1
	fi
done <<<"$want"
# Nothing else but depmod's files.
extra=$(cd "$dest" && find . -type f ! -path "./lib/modules/$krel/modules.*" | sed 's|^\./||' |
	grep -vxF -f <(cut -d' ' -f1 <<<"$want"))
if [ -n "$extra" ]; then
	echo "# unexpected files:"
	sed 's/^/#   /' <<<"$extra"
	bad=1
fi
result $bad "every file in place with its mode, nothing else"

grep -q "^${ko#lib/modules/$krel/}:" "$dest/lib/modules/$krel/modules.dep" &&
	[ "$(modinfo -b "$dest" -k "$krel" -F vermagic vcmp 2>/dev/null | cut -d' ' -f1)" = "$krel" ]
result $? "depmod ran for $krel: modinfo -b finds vcmp for that release"

bad=0
for m in "$dest/usr/share/man/man8/vcmpctl.8" "$dest/usr/share/man/man4/vcmp.4"; do
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 groff -man -ww -z -Tutf8 "$m" 2>&1)
	if [ -n "$warn" ]; then
		echo "# $(basename "$m"): $warn"
		bad=1
	fi
done
result $bad "man pages format without groff warnings"

make -s -C "$tmp/src" dkms-source DESTDIR="$tmp/dkms" >"$tmp/log" 2>&1 &&
	[ -f "$tmp/dkms/usr/src/vcmp-$version/dkms.conf" ] &&
	[ -f "$tmp/dkms/usr/src/vcmp-$version/Kbuild" ] &&
	[ -f "$tmp/dkms/usr/src/vcmp-$version/kernel/Kbuild" ] &&
	[ -f "$tmp/dkms/usr/src/vcmp-$version/kernel/main.c" ] &&
	[ -f "$tmp/dkms/usr/src/vcmp-$version/uapi/linux/vcmp.h" ] &&
	diff <(cd "$tmp/dkms/usr/src/vcmp-$version/kernel" && ls) \
	     <(cd "$src/kernel" && ls Kbuild *.[ch] | grep -v '\.mod\.c$')
result $? "make dkms-source (after a build) puts the module's sources, and only them, in /usr/src/vcmp-$version"
echo "# $((n - failed)) of $n passed"
[ "$failed" -eq 0 ]
