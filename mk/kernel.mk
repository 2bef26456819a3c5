# Run the test suite inside QEMU on Debian's cloud kernels.
# Included by the top-level Makefile (-include mk/*.mk); see test/kernel/README.
#
#   make test-kernels                every series: 5.10, 6.1, 6.12, 7.x (sid),
#                                    and experimental's rc while it is newer
#   make test-kernel                 build the tests, boot 6.1, run them all
#   make test-kernel KERNEL=5.10     the same on another series (6.12, 7, rc)
#   make test-kernel KERNEL_TESTS='test/nop.t test/probe.t'
#   make test-kernel-selftest        check the harness with its stand-in binaries
#   make test-kernel-clean           remove test/kernel/out and the kernel cache
#
# Settings are environment variables of test/kernel/run-vm.sh (KERNEL_TIMEOUT,
# KERNEL_TEST_TIMEOUT, KERNEL_TMP=ext4, ...); given on make's command line
# they reach it, as make exports command-line variables to recipes.

KERNEL_DIR := test/kernel
KERNEL_RUN_VM := $(KERNEL_DIR)/run-vm.sh
KERNEL_OUT_DIR := $(KERNEL_DIR)/out
KERNEL_CACHE_DIR := $(KERNEL_DIR)/cache
# what `tests` builds (the top Makefile's TEST_BINS, which follows B=);
# if empty, run-vm.sh takes test/*.t
KERNEL_TESTS ?= $(TEST_BINS)
KERNEL_CC ?= $(CC)
KERNEL_STANDIN_CFLAGS ?= -O2 -Wall -Wextra

KERNEL_STANDINS := $(KERNEL_OUT_DIR)/standin-pass.t \
	$(KERNEL_OUT_DIR)/standin-skip.t $(KERNEL_OUT_DIR)/standin-fail.t

.PHONY: test-kernel test-kernels test-kernel-selftest test-kernel-clean

# .ci/run runs the whole matrix on a fresh Debian 12 machine (run-vm.sh
# installs QEMU; get-kernel.sh fetches each kernel through
# tools/debian-fetch.sh).  A kernel takes 1-3 minutes of VM time.  A VM that
# hangs is killed after 6 minutes (KERNEL_TIMEOUT, per kernel), and a test
# after 90 s, so five kernels stay within 30 minutes even if every one hangs.
ci-targets += test-kernels
test-kernel: export KERNEL_TIMEOUT ?= 480
test-kernels: export KERNEL_TIMEOUT ?= 360
test-kernels: export KERNEL_TEST_TIMEOUT ?= 90

# lib too: test/ffi.t dlopens src/liburing-ffi.so.2, which `tests` does not build
test-kernel: lib tests
	bash $(KERNEL_RUN_VM) $(KERNEL_TESTS)

test-kernels: lib tests
	bash $(KERNEL_DIR)/test-kernels.sh $(KERNEL_TESTS)

$(KERNEL_OUT_DIR)/standin-pass.t: $(KERNEL_DIR)/standin.c
	@mkdir -p $(@D)
	$(KERNEL_CC) $(KERNEL_STANDIN_CFLAGS) -o $@ $<
$(KERNEL_OUT_DIR)/standin-skip.t: $(KERNEL_DIR)/standin.c
	@mkdir -p $(@D)
	$(KERNEL_CC) $(KERNEL_STANDIN_CFLAGS) -DSTANDIN_SKIP -o $@ $<
$(KERNEL_OUT_DIR)/standin-fail.t: $(KERNEL_DIR)/standin.c
	@mkdir -p $(@D)
	$(KERNEL_CC) $(KERNEL_STANDIN_CFLAGS) -DSTANDIN_FAIL -o $@ $<

# Two boots: passing and skipping stand-ins must give exit 0, and a set with
# a deliberately failing one must give a non-zero exit.  Uses the fallback
# runner so it does not depend on test/runtests.sh.
test-kernel-selftest: $(KERNEL_STANDINS)
	KERNEL_RUNNER=$(KERNEL_DIR)/runtests.sh bash $(KERNEL_RUN_VM) \
		$(KERNEL_OUT_DIR)/standin-pass.t $(KERNEL_OUT_DIR)/standin-skip.t
	@if KERNEL_RUNNER=$(KERNEL_DIR)/runtests.sh bash $(KERNEL_RUN_VM) \
		$(KERNEL_OUT_DIR)/standin-pass.t $(KERNEL_OUT_DIR)/standin-fail.t; then \
		echo "test-kernel-selftest: a failing test did not fail the run" >&2; exit 1; \
	else echo "test-kernel-selftest: failing stand-in was reported as a failure: OK"; fi

test-kernel-clean:
	rm -rf $(KERNEL_OUT_DIR) $(KERNEL_CACHE_DIR)
