# napilab — top-level entry points. `make help` lists them.
#
# The two commands a newcomer needs (see README.md):
#   make demo    set up, boot the VM, load e1k_napi, run a load test, print the report
#   make check   set up, build everything, run the unit tests and the VM tests
SHELL := /bin/bash
.DEFAULT_GOAL := all

ROOT   := $(CURDIR)
BUILD  ?= $(ROOT)/build
JOBS   ?= $(shell nproc)
# The guest kernel ABI (e.g. 6.1.0-NN-amd64), resolved from the installed
# linux-headers-amd64 metapackage; never hard-coded.
KABI   ?= $(shell $(ROOT)/qemu/kernel-abi 2>/dev/null)
KDIR   ?= /lib/modules/$(KABI)/build
CMAKE_FLAGS ?=
# The project's one version (CMake, DKMS and the driver read the same file).
VERSION := $(shell cat $(ROOT)/VERSION)
# make install: tools to $(PREFIX)/bin, man pages to $(PREFIX)/share/man/man1,
# e1k_napi.ko to /lib/modules/$(KABI)/extra, all under $(DESTDIR) if set.
PREFIX ?= /usr/local
DESTDIR ?=
# The guest runs the tools of this build (qemu/run-vm reads NAPILAB_BUILD).
export NAPILAB_BUILD := $(BUILD)

.PHONY: all help deps kernel debug-kernel module userspace unit unit-asan vm-test test check check-debug demo lint bench soak clean \
	install dkms-install dkms-remove

all: module userspace

help:
	@echo "make deps       install the Debian packages the project needs (root; idempotent)"
	@echo "make kernel     fetch + unpack Debian's kernel images (default and PREEMPT_RT) matching the headers into .cache/"
	@echo "make debug-kernel  build the debug kernel (KASAN, lockdep, kmemleak...) into .cache/ (20-40 min on 2 cores, as busy as they are; once per machine)"
	@echo "make module     build driver/e1k_napi.ko (KDIR=$(KDIR))"
	@echo "make userspace  build the C++ side with CMake into $(BUILD)"
	@echo "make unit       host unit tests only"
	@echo "make vm-test    VM tests only (boots QEMU; root)"
	@echo "make unit-asan  unit tests under ASan + UBSan"
	@echo "make check      deps + kernel + module + userspace + all tests (the CI command)"
	@echo "make demo       deps + build + boot the VM with e1k_napi, run a load test, print the report"
	@echo "make lint       checkpatch --strict, sparse, W=1, clang-format, clang-tidy"
	@echo "make bench      long benchmarks and the HTML report (not part of check);"
	@echo "                CONTENDERS=\"ours inbox e1000e rtl8139 virtio\" picks the side-by-side's drivers"
	@echo "make soak       reload/flap/resize/MTU/storm/fault soak of e1k_napi under traffic (~17 min; SOAK_ARGS=--quick ~4)"
	@echo "make install    build, then install tools, man pages and e1k_napi.ko (PREFIX=$(PREFIX), DESTDIR; root without DESTDIR)"
	@echo "make dkms-install  add e1k_napi $(VERSION) to DKMS and build + install it for every kernel with headers (root)"
	@echo "make dkms-remove   remove e1k_napi from DKMS and /usr/src (root; nothing installed: says so)"
	@echo "make check-debug  the driver VM tests and the soak on the debug kernel (KASAN, lockdep, kmemleak...; needs make debug-kernel; CHECK_DEBUG_ARGS=--full for the full soak)"

deps:
	@$(ROOT)/scripts/install-deps

kernel:
	@$(ROOT)/qemu/fetch-kernel
	@$(ROOT)/qemu/fetch-kernel --flavour rt

# Built once per machine (source version + fragment hash); see qemu/build-kernel.
debug-kernel:
	@$(ROOT)/qemu/build-kernel

module:
	@test -n "$(KABI)" || { echo "make module: cannot resolve the kernel ABI; run 'make deps' first" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(ROOT) modules

userspace:
	cmake -S $(ROOT) -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

unit: userspace
	cd $(BUILD) && ctest --output-on-failure -L unit --output-junit $(ROOT)/out/junit-unit.xml

vm-test: kernel module userspace
	cd $(BUILD) && ctest --output-on-failure -L vm --output-junit $(ROOT)/out/junit-vm.xml

# The unit tests also run under AddressSanitizer + UndefinedBehaviorSanitizer.
unit-asan:
	cmake -S $(ROOT) -B $(BUILD)-asan -DNAPILAB_SANITIZE=ON -DNAPILAB_VM_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD)-asan -j $(JOBS)
	mkdir -p $(ROOT)/out
	cd $(BUILD)-asan && ctest --output-on-failure -L unit --output-junit $(ROOT)/out/junit-asan.xml

# Everything: kernel lint, unit + VM tests (JUnit XML in out/), then the
# ASan/UBSan unit run.
test: kernel module userspace
	@$(ROOT)/scripts/lint kernel
	mkdir -p $(ROOT)/out
	cd $(BUILD) && ctest --output-on-failure -LE '^debug$$' --output-junit $(ROOT)/out/junit.xml
	@$(MAKE) --no-print-directory unit-asan

check: deps
	@$(MAKE) --no-print-directory test

demo: deps
	@$(MAKE) --no-print-directory kernel module userspace
	@$(ROOT)/scripts/demo

lint:
	@$(ROOT)/scripts/lint

bench: deps
	@$(MAKE) --no-print-directory kernel module userspace
	@BENCH_CONTENDERS="$(CONTENDERS)" $(ROOT)/scripts/bench

# The soak: long, bounded, not part of check. SOAK_ARGS="--quick" or
# "--seed N -- --kernel debug" pass options to scripts/soak.
SOAK_ARGS ?=
soak: deps
	@$(MAKE) --no-print-directory kernel module userspace
	@$(ROOT)/scripts/soak $(SOAK_ARGS)

# The debug lane: the driver VM tests (CTest label "debug") and the soak on
# the debug kernel. CHECK_DEBUG_ARGS="--full" runs the soak's full counts.
CHECK_DEBUG_ARGS ?=
check-debug: deps
	@$(MAKE) --no-print-directory kernel module userspace
	@$(ROOT)/scripts/check-debug $(CHECK_DEBUG_ARGS)

# Tools and man pages by CMake's install rules (userspace/CMakeLists.txt),
# the module by hand; depmod only for the running system's tree, not into a
# DESTDIR (a package build runs it on the target).
install: module userspace
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)
	install -D -m 644 $(ROOT)/driver/e1k_napi.ko $(DESTDIR)/lib/modules/$(KABI)/extra/e1k_napi.ko
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(KABI); else echo "install: DESTDIR set: depmod not run"; fi

# DKMS: e1k_napi rebuilt for each installed kernel (scripts/dkms-module).
dkms-install:
	@$(ROOT)/scripts/dkms-module install

dkms-remove:
	@$(ROOT)/scripts/dkms-module remove

clean:
	-$(MAKE) -C $(KDIR) M=$(ROOT) clean
	rm -rf $(BUILD) $(BUILD)-asan
