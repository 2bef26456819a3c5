# Builds for other CPUs, and the memory ordering they emit.  Included by
# the top-level Makefile.
#
#   make cross            the libraries and the tests for aarch64 and
#                         riscv64, with Debian's cross gcc and with clang
#                         --target, all with -Werror, each in its own
#                         directory (build/cross-ARCH, build/cross-ARCH-clang)
#   make check-barriers   disassemble the aarch64 and riscv64 objects and
#                         check every ring-index access against
#                         test/barriers/ordered.tsv (test/barriers/check.sh)
#
# The tests link cmocka.  Debian 12 has arm64 but not riscv64, so arm64's
# libcmocka is fetched from bookworm (tools/debian-fetch.sh, extracted, not
# installed) and the aarch64 tests are linked; for riscv64 the tests are
# compiled to objects only (-c), against the same (architecture-free)
# cmocka.h.  The arm64 test binaries are what `make test-kernel ARCH=arm64`
# boots (mk/kernel.mk).

CROSS_ARCHES := aarch64 riscv64
CROSS_PKGS := gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu \
	libc6-dev-arm64-cross libc6-dev-riscv64-cross \
	binutils-aarch64-linux-gnu binutils-riscv64-linux-gnu clang file
CROSS_FETCH := DEBIAN_FETCH_CACHE=$(or $(DEBIAN_FETCH_CACHE),$(CURDIR)/build/debian) \
	sh tools/debian-fetch.sh
# Where the arm64 cmocka is copied: include/ and lib/ (shared by both
# architectures' compiles; only aarch64 links against lib/).
CROSS_DEPS := build/cross-deps
CROSS_BUILDS := $(foreach a,$(CROSS_ARCHES),build/cross-$(a) build/cross-$(a)-clang)

.PHONY: cross cross-deps check-barriers
ci-targets += cross
ci-targets += check-barriers

cross-deps:
	@sh tools/need-packages.sh $(CROSS_PKGS)
	@if [ ! -f $(CROSS_DEPS)/lib/aarch64-linux-gnu/libcmocka.so.0 ]; then \
		root=$$($(CROSS_FETCH) -a arm64 bookworm libcmocka-dev libcmocka0) && \
		mkdir -p $(CROSS_DEPS)/include $(CROSS_DEPS)/lib && \
		cp $$root/usr/include/cmocka*.h $(CROSS_DEPS)/include/ && \
		cp -a $$root/usr/lib/aarch64-linux-gnu $(CROSS_DEPS)/lib/ && \
		rm -rf $(CROSS_DEPS)/lib/aarch64-linux-gnu/cmake; \
	fi

# $(call cross_make,ARCH,CC,AR,DIR,TARGETS)
cross_make = $(MAKE) --no-print-directory B=$(4) CROSS_ARCH=$(1) CC='$(2)' \
	AR=$(3) EXTRA_CFLAGS=-Werror $(5)
CROSS_CLANG = clang --target=$(1)-linux-gnu

cross: cross-deps
	+@$(call cross_make,aarch64,aarch64-linux-gnu-gcc,aarch64-linux-gnu-ar,build/cross-aarch64,lib tests programs)
	+@$(call cross_make,aarch64,$(call CROSS_CLANG,aarch64),aarch64-linux-gnu-ar,build/cross-aarch64-clang,lib tests programs)
	+@$(call cross_make,riscv64,riscv64-linux-gnu-gcc,riscv64-linux-gnu-ar,build/cross-riscv64,lib cross-test-objs)
	+@$(call cross_make,riscv64,$(call CROSS_CLANG,riscv64),riscv64-linux-gnu-ar,build/cross-riscv64-clang,lib cross-test-objs)
	@for d in $(CROSS_BUILDS); do \
		arch=$${d#build/cross-}; arch=$${arch%-clang}; \
		set -- $$(ls $$d/src/*.so.* $$d/test/*.t $$d/test/*.o 2>/dev/null); \
		bad=$$(file -L "$$@" | grep -v -c "ELF 64-bit.*$$(echo $$arch | sed 's/aarch64/ARM aarch64/;s/riscv64/RISC-V/')"); \
		echo "cross: $$d: $$(ls $$d/src/*.so.* | wc -l) libraries," \
			"$$(ls $$d/test/*.t 2>/dev/null | wc -l) test programs," \
			"$$(ls $$d/test/*.o | wc -l) test objects ($$arch)"; \
		[ "$$bad" = 0 ] || { echo "cross: $$d: $$bad files of another machine" >&2; exit 1; }; \
	done

# Inside a cross build: -Werror for the tests too, the fetched cmocka, and
# the translation unit that instantiates the ring-index helpers.
ifneq ($(CROSS_ARCH),)
TEST_CFLAGS += -Werror -I$(CROSS_DEPS)/include
TEST_LDFLAGS += -L$(CROSS_DEPS)/lib/$(CROSS_ARCH)-linux-gnu
endif

CROSS_TEST_OBJS := $(patsubst test/%.c,$(B)/test/%.o,$(TEST_SRCS)) \
	$(B)/test/helpers.o $(B)/test/barriers/ring-index.o

.PHONY: cross-test-objs
cross-test-objs: $(CROSS_TEST_OBJS)

DEP_DIRS += $(B)/test/barriers

$(B)/test/barriers/ring-index.o: test/barriers/ring-index.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(DEPFLAGS) -c -o $@ $<

ifneq ($(CROSS_ARCH),)
$(B)/test/%.o: test/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) -c -o $@ $<
endif

tests: $(if $(CROSS_ARCH),$(B)/test/barriers/ring-index.o)

check-barriers: cross-deps
	@for d in $(CROSS_BUILDS); do \
		arch=$${d#build/cross-}; arch=$${arch%-clang}; \
		case $$d in *-clang) cc="clang --target=$$arch-linux-gnu" ;; \
		*) cc=$$arch-linux-gnu-gcc ;; esac; \
		$(MAKE) --no-print-directory B=$$d CROSS_ARCH=$$arch CC="$$cc" \
			AR=$$arch-linux-gnu-ar EXTRA_CFLAGS=-Werror \
			$(addprefix $$d/,$(LIB_SRCS:.c=.o)) \
			$$d/test/barriers/ring-index.o >/dev/null || exit 1; \
	done
	sh test/barriers/check.sh $(CROSS_BUILDS)

# `make test-kernel ARCH=arm64`: the suite on Debian 12's arm64 kernel
# under qemu-system-aarch64 (test/kernel/run-vm.sh), with the aarch64 gcc
# build's tests.  The whole suite takes about two minutes here (one under
# TCG, one fetching and packing), so CI runs all of it.
CROSS_ARM64_TESTS := $(patsubst test/%.c,build/cross-aarch64/test/%.t,$(TEST_SRCS))
# test/tool-info.t runs ../bin/io_uring-info beside its own directory
CROSS_ARM64_PROGS := $(patsubst bin/%.c,build/cross-aarch64/bin/%,$(PROG_SRCS))
.PHONY: cross-arm64 test-kernel-arm64
ci-targets += test-kernel-arm64

cross-arm64: cross-deps
	+@$(call cross_make,aarch64,aarch64-linux-gnu-gcc,aarch64-linux-gnu-ar,build/cross-aarch64,lib tests programs)

ifneq ($(filter arm64 aarch64,$(ARCH)),)
KERNEL_TESTS := $(CROSS_ARM64_TESTS)
test-kernel: cross-arm64
test-kernel: export KERNEL_EXTRA_FILES = $(CROSS_ARM64_PROGS)
endif

test-kernel-arm64:
	@$(MAKE) --no-print-directory test-kernel ARCH=arm64
