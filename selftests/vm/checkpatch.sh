#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's scripts/checkpatch.pl --strict over vcmp's kernel and
# uapi sources. checkpatch.pl and its data files come from Debian's
# linux-source-6.12 package, downloaded (not installed) into the cache once.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
cache=${VCMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vcmp}
cp_dir=$cache/checkpatch

if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q linux-source-6.12 >&2) || {
		apt-get update -qq && (cd "$tmp" && apt-get download -q linux-source-6.12 >&2)
	}
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.12_*.deb |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-6.12.tar.xz'
	mkdir -p "$cp_dir"
	tar -xJf "$tmp/usr/src/linux-source-6.12.tar.xz" -C "$cp_dir" --strip-components=1 \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi

cd "$src"
# shellcheck disable=SC2046
out=$("$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f $(git ls-files --cached --others --exclude-standard 'kernel/*.[ch]' 'uapi/*.h' 2>/dev/null || ls kernel/*.[ch] uapi/linux/*.h) 2>&1) || true
if [ -n "$out" ] && grep -Eq 'ERROR|WARNING|CHECK' <<<"$out"; then
	echo "$out"
	echo "checkpatch: not clean"
	exit 1
fi
echo "checkpatch: clean"
