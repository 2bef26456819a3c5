# liburing's own test suite, built against this library and run on the
# host's kernel, each failure checked against liburing 2.15 on the same
# kernel, and liburing 2.15's binaries of it run on this library:
# test/liburing-suite/run.sh.  About ten minutes.
#
#   make check-liburing-suite
#   make check-liburing-suite SUITE_TESTS='poll.t timeout.t'

.PHONY: check-liburing-suite
ci-targets += check-liburing-suite

check-liburing-suite: lib
	sh test/liburing-suite/run.sh $(B)/src $(SUITE_TESTS)

# The same suite on one of Debian's kernels in QEMU, both libraries in one
# VM (test/liburing-suite/kernel.sh): 10 to 30 minutes a kernel under TCG,
# so not in CI.
#
#   make check-liburing-suite-kernel KERNEL=6.1
.PHONY: check-liburing-suite-kernel

check-liburing-suite-kernel: lib
	sh test/liburing-suite/kernel.sh $(B)/src $(SUITE_TESTS)
