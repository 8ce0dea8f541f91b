# SPDX-License-Identifier: GPL-2.0
#
# vcmp - build, install and test.
#
#   make                      module for the running kernel (KDIR=... for another) + vcmpctl
#   sudo make install         install module (and run depmod) and tools
#   make check                everything CI runs: style, unit tests, VM selftests on 6.1 and
#                             6.12 (-cpu max), and 6.12 under -cpu qemu64 (synchronous crypto)
#   make check T=link KERNELS=6.12   one test on one kernel
#   make check DEBUG_KERNEL=1 the VM selftests on a debug kernel built from Debian's
#                             linux-source-6.12 (KASAN, UBSAN, lockdep, kmemleak,
#                             panic_on_warn; kmemleak scan at the end); the first run
#                             builds it into ~/.cache/vcmp/debug-kernel (~25 min)
#   make unit                 host unit tests (ASan + UBSan)
#   make demo                 boot a VM and show two sites with vcmp devices
#   make bench                vcmp vs WireGuard vs xfrm ESP-in-UDP, peer scale (VM)
#   make vm-shell             interactive shell in the test VM (KERNELS=6.1 for the old one)
#   make checkpatch           scripts/checkpatch.pl --strict on the kernel sources
#   make lint                 W=1 + sparse build against both Debian kernels

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=
# Each entry SERIES or SERIES:CPU; qemu64 has no AES-NI, so the AEADs are
# synchronous there (asynchronous under the default -cpu max).
# DEBUG_KERNEL=1: the series "debug" instead (selftests/vm/build-debug-kernel.sh).
DEBUG_KERNEL ?=
ifeq ($(DEBUG_KERNEL),1)
KERNELS ?= debug
else
KERNELS ?= 6.1 6.12 6.12:qemu64
endif
# The one VM of demo, bench and vm-shell: the last entry with the default CPU.
ONE_KERNEL = $(or $(lastword $(filter-out %:qemu64,$(KERNELS))),$(lastword $(KERNELS)))
T ?=
VM := selftests/vm

export KERNELS T DEBUG_KERNEL

.PHONY: all module tools install module_install tools_install clean \
	check unit vm-check demo bench vm-shell checkpatch lint

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/vcmpctl

install: module_install tools_install

# The release the headers in KDIR were built for (Debian 6.1 headers report
# the upstream version from "make kernelrelease"; utsrelease.h is right).
KREL = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

module_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		modules_install
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KREL)

tools_install: tools
	$(MAKE) -C tools/vcmpctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

clean:
	-[ -d $(KDIR) ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/vcmpctl clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests clean

check: checkpatch unit vm-check

unit:
	$(MAKE) -C selftests/unit run

vm-check:
	$(VM)/run.sh

demo:
	MODE=demo KERNELS="$(ONE_KERNEL)" $(VM)/run.sh

bench:
	MODE=bench KERNELS="$(ONE_KERNEL)" $(VM)/run.sh

vm-shell:
	MODE=shell KERNELS="$(ONE_KERNEL)" $(VM)/run.sh

checkpatch:
	$(VM)/checkpatch.sh

lint:
	LINT_ONLY=1 $(VM)/run.sh
