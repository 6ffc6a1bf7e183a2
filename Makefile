# SPDX-License-Identifier: GPL-2.0-only
#
# make              build xprtrdma.ko against KDIR (default: the running
#                   kernel's build dir, else Debian's newest 6.1 headers,
#                   KDIR61); KDIR=$(KDIR612), Debian's newest 6.12 headers,
#                   builds it for 6.12
# make install      install to $(INSTALL_MOD_PATH)/lib/modules/KVER/updates
# make dkms-install build and install through DKMS for every kernel with
#                   headers (/lib/modules/*/build), into updates/dkms, and
#                   /etc/modprobe.d/xprtrdma.conf (proto=rdma loads ours)
# make dkms-remove  undo it
# make check        every test: build (W=1), sparse, checkpatch against
#                   KDIR61 and KDIR612, KUnit in the debug VM, two-VM
#                   NFS/RDMA; ends with "N passed, N failed"
# make fuzz SEED=s N=n
#                   KUnit in the debug VM with the reply decoder fuzzed for n
#                   cases (default 1000000) from seed s (default: a new one)
# make demo         boot the VM pair, mount NFS over RDMA through xprtrdma.ko
# make faults       two-VM faults (server restart, bond failover, device
#                   removal, rmmod rdma_rxe; link and address losses by name)
#                   during fio verify, Documentation/faults.rst; make
#                   faults-debug: the same plus injected disconnects and
#                   allocation failures on the debug kernel
# make soak         SOAK_MINUTES (default 10) of 8 fio verify loops on a v3
#                   and a v4.2 mount, a fault every minute (not in make
#                   check); reports bytes verified, reconnects,
#                   retransmissions, errors
# make krb5         sec=krb5, krb5i, krb5p over RDMA against a KDC in the
#                   VM pair, and the krb5p tcpdump privacy proof
# make bench        NFS/RDMA throughput, latency and CPU per RPC, ours and
#                   Debian's rpcrdma alternating in one boot of the VM pair,
#                   and the raw link (perftest); a table, JSON and a chart
#                   in .build/bench; BENCH_ROUNDS (3), BENCH_SECS (5 per job)
#                   make it longer, BENCH_INSN=0 leaves the instruction
#                   counter out (numbers, not a test)

# Debian 12's newest headers of each kernel series we support
KDIR61 ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
KDIR612 ?= $(shell ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -n 1)
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) $(KDIR61))
KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
INSTALL_MOD_DIR ?= updates
# The client transport of the two-VM smoke test: ours, or Debian's rpcrdma
# (SMOKE_TRANSPORT=debian, which proves the harness itself).
SMOKE_TRANSPORT ?= ours
export SMOKE_TRANSPORT

# DKMS: the version dkms.conf names, its source directory, and the kernels
# it is installed for: each with headers.
DKMS_VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRC = /usr/src/xprtrdma-$(DKMS_VERSION)
DKMS_KVERS ?= $(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build))

.PHONY: all modules clean install dkms-install dkms-remove setup w1 sparse checkpatch kunit fuzz smoke smoke-debug faults faults-debug soak krb5 peer check check-stages demo bench

# tests/kmake is make -C $(KDIR) M=$(CURDIR), also from a path with spaces.
all modules:
	tests/kmake "$(KDIR)" "$(CURDIR)" modules

clean:
	tests/kmake "$(KDIR)" "$(CURDIR)" clean

install: modules
	tests/kmake "$(KDIR)" "$(CURDIR)" INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

# The sources DKMS builds are what build-check's fresh copy compiles.
dkms-install: dkms-remove
	mkdir -p $(DKMS_SRC)
	cp Kbuild dkms.conf $(filter-out %.mod.c,$(wildcard *.c)) *.h $(DKMS_SRC)/
	dkms add xprtrdma/$(DKMS_VERSION)
	for k in $(DKMS_KVERS); do \
		dkms install xprtrdma/$(DKMS_VERSION) -k $$k || exit 1; \
	done
	install -D -m 644 xprtrdma-modprobe.conf /etc/modprobe.d/xprtrdma.conf

dkms-remove:
	rm -f /etc/modprobe.d/xprtrdma.conf
	if [ -e /var/lib/dkms/xprtrdma/$(DKMS_VERSION) ]; then \
		dkms remove xprtrdma/$(DKMS_VERSION) --all; \
	fi
	rm -rf $(DKMS_SRC)

# Install the Debian packages the build and the tests need (root).
setup:
	tests/setup

# The individual stages of `make check`; each ends with "N passed, N failed".
w1:
	tests/build-check w1 $(KDIR)

sparse:
	tests/build-check sparse $(KDIR)

checkpatch:
	tests/build-check checkpatch $(KDIR)

kunit:
	tests/kunit/run

# `make kunit` with tests/kunit/rpc_rdma_fuzz_test.c built for seed SEED and
# N cases (tests/kunit/Kbuild); the guest's time limit grows with N.
SEED ?= 0x$(shell od -An -N8 -tx8 /dev/urandom | tr -d " ")
N ?= 1000000
fuzz:
	XPRTRDMA_FUZZ_SEED=$(SEED) XPRTRDMA_FUZZ_CASES=$(N) \
	XPRTRDMA_KUNIT_TIMEOUT=$$((600 + $(N) / 1000)) tests/kunit/run

smoke: modules
	tests/vm/smoke $(SMOKE_TRANSPORT)

# The smoke with the client on the debug kernel; needs `make peer` first
# (it reuses the module the peer stage builds against the debug kernel).
smoke-debug:
	tests/vm/smoke-debug

peer:
	tests/peer/run

faults: modules
	tests/vm/faults

faults-debug:
	tests/vm/faults --debug --timeout 1800

SOAK_MINUTES ?= 10
soak: modules
	tests/vm/faults --timeout $$(($(SOAK_MINUTES) * 60 + 600)) \
		soak=$(SOAK_MINUTES)

# NFS over RDMA with sec=krb5, krb5i and krb5p against the server VM's own
# KDC (the server on Debian's 6.12), and the krb5p capture proof; the
# stage krb5 of make check
krb5: modules
	tests/vm/krb5

# The KDIRs are evaluated again after setup, which may have installed the
# headers.  Debian's 6.1 and 6.12 named explicitly, whatever the host runs.
check: setup
	$(MAKE) check-stages

check-stages:
	tests/check $(KDIR61) $(KDIR612)

demo: setup
	$(MAKE) modules
	tests/vm/demo $(SMOKE_TRANSPORT)

# Our module against Debian's rpcrdma and the raw link, interleaved in one
# run (tests/vm/bench): numbers only, never a pass or a fail.
bench: setup
	$(MAKE) modules
	tests/vm/bench
