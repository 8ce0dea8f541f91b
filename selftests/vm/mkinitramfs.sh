#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KROOT KVER KO SELFTESTS TOOLS OUT [IP_PLUGINS]
#
# TOOLS is a colon-separated list of the project's own programs to include;
# IP_PLUGINS one of iproute2 link plugins (link_<kind>.so), installed where
# the host's ip(8), which the VM runs, loads them from.
#
# Build the test VM's root filesystem as an uncompressed newc cpio (the
# kernel unpacks gzip slowly under TCG): busybox for the basics, the host's
# networking tools with their libraries, the kernel's net/crypto modules,
# the freshly built vcmp.ko under extra/, the selftests and vcmpctl.
set -euo pipefail

kroot=$1 kver=$2 ko=$3 selftests=$4 tools=$5 out=$6 ip_plugins=${7:-}
here=$(cd "$(dirname "$0")" && pwd)

root=$(mktemp -d)
chmod 0755 "$root"	# the VM's /: mktemp makes it 0700, closed to non-root tests
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{dev,proc,sys,tmp,run,root,etc,mnt}
mkdir -p "$root"/var/{run,tmp} "$root"/run/netns
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"

# busybox provides the shell utilities the host does not copy in.
cp /bin/busybox "$root/usr/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/usr/bin/$applet" ] || ln -s busybox "$root/usr/bin/$applet"
done

# Host programs, each with its shared libraries. These replace busybox's.
progs=(bash ip tc ss bridge ping iperf3 ethtool tcpdump wg timeout
       modprobe insmod rmmod lsmod depmod modinfo nc.openbsd sysctl
       dmesg setsid unshare nsenter flock stdbuf seq sort uniq head tail
       cut tr od xxd sleep date setpriv jq)
copy_lib() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
IFS=: read -r -a own <<<"$tools"
for p in "${progs[@]}" "${own[@]}"; do
	path=$(command -v "$p" 2>/dev/null) || continue
	name=$(basename "$path")
	rm -f "$root/usr/bin/$name"
	cp -L "$path" "$root/usr/bin/$name"
	copy_lib "$path"
done
ln -sf nc.openbsd "$root/usr/bin/nc"
# ip's plugin directory is compiled into it (Debian: /usr/lib/<multiarch>/ip).
if [ -n "$ip_plugins" ]; then
	ip_lib=$(strings "$(command -v ip)" | grep -E '^/usr/lib[^ ]*/ip$' | head -n1) || true
	[ -n "$ip_lib" ] || ip_lib=/usr/lib/$(gcc -print-multiarch)/ip
	mkdir -p "$root$ip_lib"
	IFS=: read -r -a plugins <<<"$ip_plugins"
	for p in "${plugins[@]}"; do
		cp "$p" "$root$ip_lib/"
		copy_lib "$p"
	done
fi
# The kernel runs /sbin/modprobe for module autoloading.
for p in modprobe insmod rmmod lsmod depmod modinfo; do
	ln -sf ../bin/"$p" "$root/usr/sbin/$p"
done
# stdbuf preloads this helper.
for f in /usr/libexec/coreutils/libstdbuf.so; do
	[ -e "$f" ] && mkdir -p "$root/usr/libexec/coreutils" && cp "$f" "$root$f"
done
# netem delay distributions
[ -d /usr/lib/tc ] && cp -r /usr/lib/tc "$root/usr/lib/tc"
echo 'root:x:0:0:root:/root:/bin/bash' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >>"$root/etc/passwd"
echo 'nogroup:x:65534:' >>"$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
echo 'hosts: files' >"$root/etc/nsswitch.conf"

# Kernel modules: networking, crypto and what they depend on.
src=$kroot/lib/modules/$kver
dst=$root/lib/modules/$kver
mkdir -p "$dst/extra"
for d in net crypto lib arch/x86/crypto drivers/net; do
	[ -d "$src/kernel/$d" ] || continue
	mkdir -p "$dst/kernel/$d"
	cp -r "$src/kernel/$d/." "$dst/kernel/$d/"
done
cp "$src"/modules.order "$src"/modules.builtin* "$dst/" 2>/dev/null || true
cp "$ko" "$dst/extra/"
depmod -b "$root" "$kver"

# Tests and init.
cp -r "$selftests" "$root/selftests"
rm -rf "$root/selftests/vm" "$root/selftests/unit" "$root/selftests/host"
# Tells tests that what this image ships (the ip plugin...) must be there.
echo "vcmp test VM image" >"$root/selftests/.vm-image"
cp "$here/init" "$root/init"
chmod +x "$root/init"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out"
