#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build vcmp for Debian's kernels and run the selftests in qemu (TCG).
#
# Environment (all optional):
#   KERNELS   kernel series to test, each SERIES or SERIES:CPU (a qemu
#             -cpu model for that VM), default "6.1 6.12 6.12:qemu64";
#             the series "debug" is the debug kernel built from Debian's
#             linux-source-6.12 by build-debug-kernel.sh (KASAN, UBSAN,
#             lockdep, kmemleak), booted with panic_on_warn
#   DEBUG_KERNEL  1: KERNELS defaults to "debug"
#   T         tests to run, comma or space separated (default: all;
#             a VM with -cpu qemu64 runs TEST_PROGS_SYNC of
#             selftests/Makefile, the tests whose crypto paths differ
#             when the AEAD completes synchronously)
#   MODE      test (default), shell (interactive), demo or bench
#   CPU       qemu -cpu model, default max (AES-NI: async AEAD);
#             qemu64 has no AES-NI (synchronous generic crypto)
#   KEEP_LOG  1: keep the VM console logs even when everything passed
#   VCMP_CACHE  cache directory, default ~/.cache/vcmp
#   VM_TIMEOUT  seconds before a VM is killed, default 2700 (debug: 14400)
#   QEMU_APPEND extra kernel command line
#   VM_MEMCHECK 0: boot Debian's kernels without slub_debug (kmalloc-1k)
#             and KFENCE sampling (default 1; the debug kernel has KASAN)
#   VM_ENV    VAR=VALUE ... exported to the tests in the VM (make stress)
#   LINT_ONLY   1: stop after the W=1 + sparse module builds
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/selftests/vm
cache=${VCMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vcmp}
if [ "${DEBUG_KERNEL:-0}" = 1 ]; then
	kernels=${KERNELS:-debug}
else
	kernels=${KERNELS:-6.1 6.12 6.12:qemu64}
fi
tests=${T:-}
mode=${MODE:-test}
cpu=${CPU:-max}
timeout_s=${VM_TIMEOUT:-}
logdir=$cache/logs
mkdir -p "$cache/kernels" "$cache/build" "$logdir"
# Builds and initramfs images are private to this run, so that runs may
# go on side by side.
work=$(mktemp -d "$cache/build/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

say() { echo "# $*"; }
die() { echo "vm: $*" >&2; exit 1; }

"$here/host-deps.sh" || die "cannot install host packages"

# vcmpctl and the test helpers run inside the VM with the host's libraries.
make -s -C "$src/tools/vcmpctl" >&2 || die "vcmpctl build failed"
make -s -C "$src/tools/iproute2" >&2 || die "iproute2 plugin build failed"
make -s -C "$src/selftests" tools >&2 || die "selftest tools build failed"

# build_module KVER: out-of-tree build in a private copy, W=1 and sparse,
# any compiler or sparse diagnostic fails it. Prints the .ko path.
build_module() {
	local kver=$1 hdr out b
	hdr=$cache/kernels/$kver/root/usr/src/linux-headers-$kver
	b=$work/$kver
	mkdir -p "$b"
	cp -r "$src/Kbuild" "$src/kernel" "$src/uapi" "$b/"
	out=$(make -C "$hdr" M="$b" W=1 C=1 modules 2>&1)
	if [ $? -ne 0 ] || grep -E 'warning:|error:' <<<"$out" >&2; then
		echo "$out" >&2
		return 1
	fi
	echo "$b/kernel/vcmp.ko"
}

# boot KVER INITRD MODE RESULTS CONSOLE_LOG CPU [FILES]: run qemu until
# poweroff. FILES receives what tests export (ttyS2, see export_file in
# lib.sh).
boot() {
	local kver=$1 initrd=$2 vmmode=$3 results=$4 console=$5 vcpu=$6
	local files=${7:-/dev/null} vmtests=${8:-$tests} serial0
	local append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4"
	local mem=1G tmo=${timeout_s:-2700}

	if is_debug "$kver"; then
		# Any warning panics (KASAN and UBSAN reports included);
		# loglevel 5 puts warnings such as lockdep's on the console.
		# kmemleak scans only when run_tests.sh asks, at the end.
		# The TSC is fine under TCG, but the clocksource watchdog,
		# slowed down by KASAN, would call it unstable after an hour.
		append+=" panic_on_warn=1 kmemleak=on loglevel=5 tsc=reliable"
		append+=" vcmptest.debug=1"
		mem=2G tmo=${timeout_s:-14400}
	elif [ "${VM_MEMCHECK:-1}" = 1 ]; then
		# Debian's kernels check memory too: SLUB red zones, poisoning
		# and sanity checks with the last allocation and free of each
		# object recorded (an overwrite is reported, with both stacks,
		# at the next check of the object) on kmalloc-1k, the cache
		# of vcmp's SAs, crypto requests and small packets (and of the
		# one unexplained crash, in stop 15's CI); on every cache this
		# made make check 40-60 % slower. Where built in, KFENCE
		# places one allocation in 10 ms, of any cache, between guard
		# pages.
		# slab_nomerge: each cache counts its own objects only (a
		# merged kmalloc-1k would hold others' objects too, and
		# lifecycle.sh counts network namespaces in theirs).
		append+=" slub_debug=FZPU,kmalloc-1k slab_nomerge"
		grep -q '^CONFIG_KFENCE=y' "$cache/kernels/$kver/root/boot/config-$kver" &&
			append+=" kfence.sample_interval=10"
	fi
	append+=" vcmptest.mode=$vmmode vcmptest.tests=${vmtests// /,} ${QEMU_APPEND:-}"
	[ -n "${VM_ENV:-}" ] && append+=" vcmptest.env=${VM_ENV// /,}"
	if [ "$vmmode" = test ]; then
		serial0="file:$console"
	else
		serial0=mon:stdio
	fi
	timeout --foreground "$tmo" qemu-system-x86_64 \
		-machine q35 -accel tcg,thread=single -cpu "$vcpu" -smp 2 -m "$mem" \
		-nodefaults -no-user-config -display none -no-reboot \
		-monitor none -serial "$serial0" -serial "file:$results" \
		-serial "file:$files" \
		-kernel "$cache/kernels/$kver/root/boot/vmlinuz-$kver" \
		-initrd "$initrd" -append "$append"
}

# Phase 1: fetch kernels and build everything (before any VM runs: a
# build beside a TCG guest slows it several times).
declare -A kvers initrds
series_of() { echo "${1%%:*}"; }
cpu_of() { case $1 in *:*) echo "${1#*:}" ;; *) echo "$cpu" ;; esac; }
debug_kver=
is_debug() { [ -n "$debug_kver" ] && [ "$1" = "$debug_kver" ]; }
for series in $(for e in $kernels; do series_of "$e"; done | sort -u); do
	if [ "$series" = debug ]; then
		t0=$(date +%s)
		kver=$("$here/build-debug-kernel.sh" "$cache") ||
			die "cannot build the debug kernel"
		say "debug kernel $kver ready after $(($(date +%s) - t0)) s"
		debug_kver=$kver
	else
		kver=$("$here/fetch-kernel.sh" "$series" "$cache/kernels") ||
			die "cannot fetch kernel $series"
	fi
	ko=$(build_module "$kver") || die "module build failed for $kver"
	initrd=$work/$kver.cpio
	"$here/mkinitramfs.sh" "$cache/kernels/$kver/root" "$kver" "$ko" \
		"$src/selftests" "$src/tools/vcmpctl/vcmpctl:$src/selftests/tools/espinudp:$src/selftests/tools/vcmpforge:$src/selftests/tools/vcmphostile:$src/selftests/tools/vcmpnlfuzz:$src/selftests/tools/udpseq:$src/selftests/tools/vcmpflow" "$initrd" \
		"$src/tools/iproute2/link_vcmp.so" ||
		die "initramfs failed for $kver"
	kvers[$series]=$kver
	initrds[$series]=$initrd
done

if [ -n "${LINT_ONLY:-}" ]; then
	echo "lint: W=1 and sparse clean on: ${kvers[*]}"
	exit 0
fi

if [ "$mode" != test ]; then
	set -- $kernels
	series=$(series_of "$1")
	boot "${kvers[$series]}" "${initrds[$series]}" "$mode" "$work/$mode.done" /dev/null \
		"$(cpu_of "$1")" || exit
	# the VM's last word: "VCMP-VM-DONE RC" (demo.sh's or bench.sh's status)
	[ "$mode" = shell ] && exit 0
	rc=$(sed -n 's/^VCMP-VM-DONE \([0-9]*\).*/\1/p' "$work/$mode.done" 2>/dev/null)
	[ "${rc:-1}" = 0 ] || echo "$mode: failed (status ${rc:-none: the VM did not finish})" >&2
	exit "${rc:-1}"
fi

# Phase 2: one VM per kernel, in parallel (each uses one host core).
declare -A pids
for e in $kernels; do
	series=$(series_of "$e")
	vcpu=$(cpu_of "$e")
	kver=${kvers[$series]}
	vmtests=$tests
	if [ -z "$vmtests" ] && [ "$vcpu" = qemu64 ]; then
		vmtests=$(make -s -C "$src/selftests" list-sync)
	fi
	boot "$kver" "${initrds[$series]}" test "$work/$kver-$vcpu.results" \
		"$work/$kver-$vcpu.console" "$vcpu" "$work/$kver-$vcpu.files" \
		"$vmtests" &
	pids[$e]=$!
done

# What a kernel prints when it found a problem: oopses and warnings,
# KASAN, UBSAN, KFENCE, lockdep (its reports start with "WARNING:" or
# "BUG:"), kmemleak, reference count and netdev reference leaks.
console_bad='BUG:|BUG [[:alnum:]_-]+ \(|WARNING:|Oops|KFENCE:|KASAN:|UBSAN:|Kernel panic|refcount_t:'
console_bad+='|possible circular locking|suspicious RCU usage|unreferenced object'
console_bad+='|kmemleak: .*suspected|ref_tracker:|unregister_netdevice: waiting'

# show_splat CONSOLE_LOG: every distinct problem line, then the first
# report in full.
show_splat() {
	local first
	grep -E "$console_bad" "$1" | sed 's/^\[[ 0-9.]*\] //' | sort | uniq -c |
		sort -rn | head -20 | sed 's/^/# problem: /'
	first=$(grep -n -m1 -E "$console_bad" "$1" | cut -d: -f1)
	tail -n +"$first" "$1" | head -100 | sed 's/^/# console: /'
}

passed=0 failed=0 skipped=0 keep=${KEEP_LOG:-0}
for e in $kernels; do
	series=$(series_of "$e")
	vcpu=$(cpu_of "$e")
	kver=${kvers[$series]}
	wait "${pids[$e]}"
	qrc=$?
	res=$work/$kver-$vcpu.results con=$work/$kver-$vcpu.console
	# Checks that run on the host against files the tests exported (tshark
	# on captures): their KTAP joins the VM's, after its marker line.
	if [ -s "$work/$kver-$vcpu.files" ]; then
		"$here/host-checks.sh" "$work/$kver-$vcpu.files" "$work/$kver-$vcpu.d" >>"$res" 2>&1
	fi
	say "kernel $kver (-cpu $vcpu)"
	grep -v '^VCMP-VM-DONE' "$res" 2>/dev/null
	# Count test cases: nested case lines, plus a test that failed
	# without failing any case (crash, timeout, kernel health).
	read -r p f s < <(awk '
		/^    ok / { if (/# SKIP/) s++; else p++; inner++; next }
		/^    not ok / { f++; innerf++; inner++; next }
		/^ok / { if (!inner) { if (/# SKIP/) s++; else p++ } inner = innerf = 0; next }
		/^not ok / { if (!innerf) f++; inner = innerf = 0; next }
		END { print p + 0, f + 0, s + 0 }' "$res" 2>/dev/null || echo 0 1 0)
	if ! grep -q '^VCMP-VM-DONE ' "$res" 2>/dev/null; then
		say "VM did not finish (qemu status $qrc): kernel crash or hang"
		if grep -Eq "$console_bad" "$con"; then
			show_splat "$con"
		else
			tail -n 40 "$con" | sed 's/^/# console: /'
		fi
		f=$((f + 1))
	elif grep -Eq "$console_bad" "$con"; then
		say "kernel problem on the console:"
		show_splat "$con"
		f=$((f + 1))
	fi
	[ "$f" -eq 0 ] || keep=1
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

if [ "$keep" = 1 ]; then
	cp "$work"/*.results "$work"/*.console "$logdir/" 2>/dev/null
	for d in "$work"/*.d; do
		[ -d "$d" ] && rm -rf "$logdir/$(basename "$d")" && cp -r "$d" "$logdir/"
	done
	say "VM logs kept in $logdir"
fi
# A failed run's logs also go where the next run does not overwrite
# them (a rare crash is otherwise gone by the time anyone looks); the
# newest 20 are kept.
if [ "$failed" -ne 0 ]; then
	failed_dir=$logdir/failed/$(date -u +%Y%m%dT%H%M%SZ)-$$
	mkdir -p "$failed_dir" &&
		cp -r "$work"/*.results "$work"/*.console "$failed_dir/" 2>/dev/null
	find "$logdir/failed" -mindepth 1 -maxdepth 1 -type d | sort | head -n -20 |
		xargs -r rm -rf
	say "logs of this failed run kept in $failed_dir"
fi
say "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
