#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debug-kernel.sh CACHE
#
# Build the debug kernel of `make check DEBUG_KERNEL=1` (KASAN, UBSAN,
# lockdep, kmemleak, ...) from Debian's linux-source-6.12 and lay it out
# like a fetched kernel: CACHE/kernels/<kver>/root/boot/vmlinuz-<kver>,
# root/lib/modules/<kver> and root/usr/src/linux-headers-<kver> (the
# build tree, for the module build). Prints the kernel release on stdout.
#
# The build lives in CACHE/debug-kernel/<hash>/, the hash covering the
# options of debug-kernel.config, the recipe version below, the kernel
# source version and the compiler: a second run reuses it (comments may
# change freely). CACHE/kernels/<kver> is a symlink to it.
#
# Environment (optional):
#   KSRC               an extracted kernel source tree to use (read only:
#                      the build is out of tree); default: Debian's
#                      /usr/src/linux-source-6.12.tar.xz (apt-get install
#                      linux-source-6.12) extracted into the cache
#   DEBUG_KERNEL_JOBS  make -j, default 3 (the build runs under nice 19)
set -euo pipefail

cache=$1
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
top=$cache/debug-kernel
jobs=${DEBUG_KERNEL_JOBS:-3}
series=6.12
# Bump when the build commands below change what gets built.
recipe=1

log() { echo "debug-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$top" "$cache/kernels"
# One build at a time; a second run waits and then finds it done.
exec 9>"$top/lock"
flock 9

# Host packages for a kernel build, beyond the harness's own.
pkgs=(flex bison bc libelf-dev libssl-dev dwarves gcc make xz-utils kmod cpio)
missing=()
for p in "${pkgs[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The source: KSRC, or Debian's tarball extracted once into the cache.
if [ -n "${KSRC:-}" ]; then
	ksrc=$(cd "$KSRC" && pwd)
else
	tarball=/usr/src/linux-source-$series.tar.xz
	if [ ! -f "$tarball" ]; then
		log "installing linux-source-$series"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends "linux-source-$series" >&2 ||
			{ apt-get update -qq >&2 &&
			  apt-get install -y -qq --no-install-recommends "linux-source-$series" >&2; }
	fi
	debver=$(dpkg-query -W -f='${Version}' "linux-source-$series")
	ksrc=$top/src/linux-source-$series
	if [ ! -f "$top/src/.complete" ] || [ "$(cat "$top/src/.complete")" != "$debver" ]; then
		log "extracting $tarball"
		rm -rf "$top/src"
		mkdir -p "$top/src"
		tar -C "$top/src" -xf "$tarball"
		echo "$debver" >"$top/src/.complete"
	fi
fi
[ -f "$ksrc/Makefile" ] || die "no kernel source in $ksrc"
[ ! -e "$ksrc/.config" ] || die "$ksrc has a .config: an out-of-tree build needs a clean tree"
# The source's identity: its version lines (the same for Debian's tarball
# and a tree extracted from it elsewhere, which may share a build).
srcid="tree $(sed -n '1,5p' "$ksrc/Makefile" | tr '\n' ' ')"

hash=$({ grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$frag"; echo "recipe $recipe";
	echo "$srcid"; gcc --version | head -1; } | sha256sum | cut -c1-12)
dir=$top/$hash
b=$dir/build

kmake() { nice -n 19 make -C "$ksrc" O="$b" "$@" >>"$dir/build.log" 2>&1; }

# configure: defconfig + kvm_guest.config + the fragment, then check that
# every option the fragment sets survived olddefconfig (a missing
# dependency silently drops it).
configure() {
	local line got bad=0

	kmake x86_64_defconfig kvm_guest.config || die "defconfig failed: see $dir/build.log"
	"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" "$frag" \
		>>"$dir/build.log" 2>&1 || die "merge_config failed: see $dir/build.log"
	kmake olddefconfig || die "olddefconfig failed: see $dir/build.log"
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qxF -- "$line" "$b/.config" && continue
		got=$(grep -E "^(# )?${line%%=*}[= ]" "$b/.config" || echo "absent")
		log "wanted $line, got: $got"
		bad=1
	done <"$frag"
	[ "$bad" -eq 0 ] || die "the config lost options (see above)"
}

# install KVER: the layout of a fetched kernel under $dir/root.
install_tree() {
	local kver=$1 root=$dir/root

	rm -rf "$root"
	mkdir -p "$root/boot" "$root/usr/src"
	kmake INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install ||
		die "modules_install failed: see $dir/build.log"
	cp "$b/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$kver"
	cp "$b/.config" "$root/boot/config-$kver"
	cp "$b/System.map" "$root/boot/System.map-$kver"
	ln -sfn ../../../build "$root/usr/src/linux-headers-$kver"
}

if [ ! -f "$dir/.built" ]; then
	# An interrupted build of the same hash goes on where it stopped.
	rm -rf "$dir/root" "$dir/.complete"
	mkdir -p "$b"
	log "building in $dir (log: $dir/build.log); about 25 minutes on 2 cores"
	start=$(date +%s)
	configure
	kmake -j"$jobs" bzImage modules || {
		grep -E 'error|Error' "$dir/build.log" | tail -20 >&2
		die "kernel build failed: see $dir/build.log"
	}
	echo $(($(date +%s) - start)) >"$dir/build-seconds"
	touch "$dir/.built"
	log "built in $(cat "$dir/build-seconds") s"
else
	log "cached build $dir (built in $(cat "$dir/build-seconds" 2>/dev/null || echo '?') s)"
	if [ ! -f "$b/source/Makefile" ]; then
		# Built from a tree that is gone; $ksrc has the same version.
		log "its source tree is gone: pointing it at $ksrc"
		kmake outputmakefile || die "cannot point the build at $ksrc"
	fi
fi
if [ ! -f "$dir/.complete" ]; then
	kver=$(make -s -C "$ksrc" O="$b" kernelrelease)
	install_tree "$kver"
	echo "$kver" >"$dir/.complete"
	# Older builds (another config or source) are several GB each.
	for old in "$top"/*/; do
		old=${old%/}
		[ "$old" = "$dir" ] || [ "$old" = "$top/src" ] || rm -rf "$old"
	done
fi

kver=$(cat "$dir/.complete")
ln -sfn "$dir" "$cache/kernels/$kver"
echo "$kver"
