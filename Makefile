# SPDX-License-Identifier: GPL-2.0-only
#
# make              build xprtrdma.ko against KDIR (default: the running
#                   kernel's build dir, else Debian's newest 6.1 headers)
# make install      install to $(INSTALL_MOD_PATH)/lib/modules/KVER/updates
# make check        every test: build (W=1), sparse, checkpatch, KUnit in the
#                   debug VM, two-VM NFS/RDMA; ends with "N passed, N failed"
# make demo         boot the VM pair, mount NFS over RDMA through xprtrdma.ko
# make bench        throughput numbers from the VM pair (not a test)

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1))
KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
INSTALL_MOD_DIR ?= updates

.PHONY: all modules clean install w1 sparse checkpatch kunit smoke check demo bench

all modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

# The individual stages of `make check`; each ends with "N passed, N failed".
w1:
	tests/build-check w1 $(KDIR)

sparse:
	tests/build-check sparse $(KDIR)

checkpatch:
	tests/build-check checkpatch $(KDIR)

kunit:
	tests/kunit/run

smoke: modules
	tests/vm/smoke ours

check:
	tests/check $(KDIR)

demo: modules
	tests/vm/demo ours

bench: modules
	tests/vm/demo ours
