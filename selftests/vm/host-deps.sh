#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the VM harness needs on the host, once.
# Fast when everything is present: dpkg is asked first, apt only when
# something is missing.
set -euo pipefail

pkgs=(
	qemu-system-x86 busybox-static cpio kmod	# VM and initramfs
	dwarves bc gcc make sparse			# module build (pahole for 6.12 BTF)
	libnl-3-dev libnl-genl-3-dev pkg-config		# vcmpctl
	iproute2 iputils-ping iperf3 ethtool tcpdump	# tools run inside the VM
	wireguard-tools procps psmisc netcat-openbsd jq
	clang libclang-rt-14-dev			# host unit tests with sanitizers
	tshark xxd dkms groff-base python3-docutils shellcheck # host checks (selftests/host)
)

missing=()
for p in "${pkgs[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "host-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "host-deps: need root to install packages: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
