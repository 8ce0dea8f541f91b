#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh SERIES CACHE
#
# Download Debian's cloud kernel of SERIES (6.1 or 6.12) with its headers
# and kbuild into CACHE/<kver>/ without installing anything on the host, and
# make the headers usable for out-of-tree module builds. Idempotent: a
# complete cache entry is reused. Prints the kernel release on stdout.
set -euo pipefail

series=$1
cache=$2

case "$series" in
6.1)	meta=linux-image-cloud-amd64 ;;
*)	meta=linux-image-$series-cloud-amd64 ;;
esac

log() { echo "fetch-kernel: $*" >&2; }

dep_of() {	# dep_of PACKAGE PATTERN: the first dependency matching PATTERN
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *|\?Depends: //p' | grep -E -m1 "$2" || true
}

image=$(dep_of "$meta" '^linux-image-')
if [ -z "$image" ]; then
	log "$meta unknown to apt; running apt-get update"
	apt-get update -qq >&2
	image=$(dep_of "$meta" '^linux-image-')
fi
[ -n "$image" ] || { log "cannot resolve $meta"; exit 1; }
kver=${image#linux-image-}
dir=$cache/$kver

if [ -f "$dir/.complete" ]; then
	echo "$kver"
	exit 0
fi

headers=linux-headers-$kver
common=$(dep_of "$headers" '^linux-headers-.*-common$')
kbuild=$(dep_of "$headers" '^linux-kbuild-')
[ -n "$common" ] && [ -n "$kbuild" ] ||
	{ log "cannot resolve the dependencies of $headers"; exit 1; }

log "downloading $kver"
rm -rf "$dir"
mkdir -p "$dir/debs"
(cd "$dir/debs" &&
	apt-get download -q "$image-unsigned" "$headers" "$common" "$kbuild" >&2)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
rm -rf "$dir/debs"

hdr=$dir/root/usr/src/linux-headers-$kver
# The headers' Makefile includes the -common tree by absolute path.
sed -i "s|/usr/src/linux-headers-|$dir/root/usr/src/linux-headers-|" "$hdr/Makefile"
# scripts and tools are symlinks to /usr/lib/linux-kbuild-X: make them relative to the cache.
for l in "$hdr"/scripts "$hdr"/tools "$dir"/root/usr/src/"${common#linux-headers-}"/scripts \
	 "$dir"/root/usr/src/linux-headers-"${common#linux-headers-}"/scripts; do
	[ -L "$l" ] || continue
	t=$(readlink "$l")
	case "$t" in /*) ln -sfn "$dir/root$t" "$l" ;; esac
done
depmod -b "$dir/root" "$kver"
touch "$dir/.complete"
echo "$kver"
