# SPDX-License-Identifier: GPL-2.0
#
# vcmp - build, install and test.
#
#   make                      module for the running kernel (KDIR=... for another), vcmpctl
#                             and the iproute2 plugin
#   sudo make install         module (and depmod), vcmpctl, the iproute2 and Wireshark
#                             plugins, man pages, bash completion (DESTDIR=, PREFIX=)
#   sudo make dkms-install    the module through DKMS (sources in /usr/src/vcmp-VERSION)
#   make check                everything CI runs: style, unit tests, VM selftests on 6.1 and
#                             6.12 (-cpu max), and the crypto tests (TEST_PROGS_SYNC) on 6.12
#                             under -cpu qemu64 (synchronous crypto)
#   make check T=link KERNELS=6.12   one test on one kernel
#   make check DEBUG_KERNEL=1 the VM selftests on a debug kernel built from Debian's
#                             linux-source-6.12 (KASAN, UBSAN, lockdep, kmemleak,
#                             panic_on_warn; kmemleak scan at the end); the first run
#                             builds it into ~/.cache/vcmp/debug-kernel (~25 min)
#   make unit                 host unit tests (ASan + UBSan)
#   make fuzz                 each libFuzzer target of selftests/unit for FUZZ_SECONDS
#                             (default 30) s; prints executions and coverage per target
#   make stress               selftests/lifecycle.sh in the VM with STRESS_ROUNDS (100)
#                             teardowns of each kind and STRESS_CHURN (1000) churn rounds
#   make demo                 boot a VM and play a two-site SD-WAN over three links
#   make bench                vcmp vs WireGuard vs xfrm ESP-in-UDP, peer scale, multipath (VM)
#   make vm-shell             interactive shell in the test VM (KERNELS=6.1 for the old one)
#   make checkpatch           scripts/checkpatch.pl --strict on the kernel sources
#   make lint                 W=1 + sparse build against both Debian kernels
#   make host-check           host tests: bash completion, Wireshark dissector,
#                             make install DESTDIR=...
#   make dkms-check           dkms add/build/install against the 6.1 and 6.12 headers

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# ip(8) and Wireshark load plugins only from the directories compiled into
# them (Debian's shown), whatever PREFIX is.
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
LIBARCHDIR = /usr/lib$(if $(MULTIARCH),/$(MULTIARCH))
IPLIBDIR ?= $(LIBARCHDIR)/ip
WIRESHARK_PLUGINDIR ?= $(LIBARCHDIR)/wireshark/plugins
VERSION := $(shell sed -n 's/^\#define VCMP_VERSION "\(.*\)"/\1/p' kernel/device.h)
DKMS_SRCDIR = /usr/src/vcmp-$(VERSION)
INSTALL ?= install
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
	check unit fuzz stress vm-check demo bench vm-shell checkpatch lint \
	dkms-source dkms-install host-check dkms-check install-check

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/vcmpctl
	$(MAKE) -C tools/iproute2

install: module_install tools_install

# The release the headers in KDIR were built for (Debian 6.1 headers report
# the upstream version from "make kernelrelease"; utsrelease.h is right).
KREL = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

module_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		modules_install
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KREL)

tools_install: tools
	$(MAKE) -C tools/vcmpctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) MANDIR=$(MANDIR)
	$(MAKE) -C tools/iproute2 install DESTDIR=$(DESTDIR) IPLIBDIR=$(IPLIBDIR)
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(WIRESHARK_PLUGINDIR)
	$(INSTALL) -m 0644 Documentation/vcmp.4 $(DESTDIR)$(MANDIR)/man4/vcmp.4
	$(INSTALL) -m 0644 tools/vcmpctl/vcmpctl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/vcmpctl
	$(INSTALL) -m 0644 tools/wireshark/vcmp.lua $(DESTDIR)$(WIRESHARK_PLUGINDIR)/vcmp.lua

# The module's sources where DKMS expects them (see dkms.conf).
dkms-source:
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRCDIR)/kernel $(DESTDIR)$(DKMS_SRCDIR)/uapi/linux
	$(INSTALL) -m 0644 dkms.conf Kbuild $(DESTDIR)$(DKMS_SRCDIR)/
	$(INSTALL) -m 0644 kernel/Kbuild $(filter-out %.mod.c,$(wildcard kernel/*.[ch])) \
		$(DESTDIR)$(DKMS_SRCDIR)/kernel/
	$(INSTALL) -m 0644 uapi/linux/vcmp.h $(DESTDIR)$(DKMS_SRCDIR)/uapi/linux/

# For the running kernel (KERNELRELEASE=... for another installed one).
dkms-install: dkms-source
	dkms status vcmp/$(VERSION) | grep -q . || dkms add vcmp/$(VERSION)
	dkms install vcmp/$(VERSION) $(if $(KERNELRELEASE),-k $(KERNELRELEASE))

clean:
	-[ -d $(KDIR) ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/vcmpctl clean
	$(MAKE) -C tools/iproute2 clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests clean

check: checkpatch unit host-check vm-check

# DKMS builds the module twice more (about a minute per kernel on two
# busy cores): not part of check, run it with make dkms-check.
host-check:
	selftests/host/run.sh completion docs scripts dissector install

dkms-check:
	selftests/host/run.sh dkms

install-check:
	selftests/host/run.sh install

unit:
	$(MAKE) -C selftests/unit run

vm-check:
	$(VM)/run.sh

FUZZ_SECONDS ?= 30
fuzz:
	$(MAKE) -C selftests/unit fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# Not part of check: hours in a TCG VM (one test, one kernel).
STRESS_ROUNDS ?= 100
STRESS_CHURN ?= 1000
stress:
	T=lifecycle KERNELS="$(ONE_KERNEL)" VM_TIMEOUT=$${VM_TIMEOUT:-43200} \
	VM_ENV="LIFECYCLE_ROUNDS=$(STRESS_ROUNDS) CHURN_ROUNDS=$(STRESS_CHURN) VCMP_TEST_TIMEOUT=36000" \
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
