# Benchmarks: this library against Debian's liburing, pread, libaio and
# epoll.  Included by the top-level Makefile; not part of `make test`.
#
#   make bench         the full table (about 80 s)
#   make bench-short   the same cases, fewer and shorter runs (~15 s); it
#                      checks that everything ran, never the ratios
#   make bench-plot    bench-plot.png from the last `make bench` (gnuplot)
#
# test/bench/uring-bench.c is built twice: against include/ and our
# library, and against Debian's liburing-dev (2.3) headers and library.
# Debian's headers are reached through a directory of symlinks and its
# library through -L and an rpath, so that a copy of ours installed
# under /usr/local can never stand in for it; `ldd` checks each binary.
#
# Settings: BENCH_RUNS, BENCH_SECS, BENCH_CG_ITERS (callgrind rounds),
# BENCH_TMPDIR (where the 64 MiB read file goes).

BENCH_DIR := $(B)/build/bench
BENCH_SRC := test/bench/uring-bench.c
BENCH_OURS := $(BENCH_DIR)/uring-bench-ours
BENCH_SYS := $(BENCH_DIR)/uring-bench-liburing
BENCH_SYS_INC := $(BENCH_DIR)/sysinc
BENCH_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BENCH_SYS_LIBDIR := /usr/lib/$(BENCH_MULTIARCH)
BENCH_SYS_VERSION = $(shell dpkg-query -W -f='$${Version}' liburing-dev \
	2>/dev/null)
BENCH_CFLAGS := -D_GNU_SOURCE -O2 -g $(WARNFLAGS)
BENCH_PKGS := liburing-dev libaio-dev valgrind
BENCH_RUNS ?= 11
BENCH_SECS ?= 0.15
BENCH_CG_ITERS ?= 2000
BENCH_TMPDIR ?= $(or $(TMPDIR),/tmp)
BENCH_RESULTS := $(BENCH_DIR)/results.txt
BENCH_RAW := $(BENCH_DIR)/results.raw

.PHONY: bench bench-short bench-plot bench-deps bench-bins bench-check-libs

# Debian's packages, installed on demand when we are root.
bench-deps:
	@missing=; for p in $(BENCH_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ] || \
		   ! command -v apt-get >/dev/null; then \
			echo "make bench needs:$$missing" \
				"(apt-get install$$missing)" >&2; \
			exit 1; \
		fi; \
		echo "installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null 2>&1 && \
		  apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null; } || exit 1; \
	fi

$(BENCH_OURS): $(BENCH_SRC) $(B)/src/liburing.so.$(VERSION) include/liburing.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -Iinclude -DBENCH_LIB_NAME='"ours"' -o $@ $< \
		-L$(B)/src -Wl,-rpath,'$$ORIGIN/../../src' -luring -laio

$(BENCH_SYS): $(BENCH_SRC) | bench-deps
	@mkdir -p $(BENCH_SYS_INC)
	ln -sfn /usr/include/liburing.h $(BENCH_SYS_INC)/liburing.h
	ln -sfn /usr/include/liburing $(BENCH_SYS_INC)/liburing
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_SYS_INC) -DBENCH_LIB_NAME='"liburing"' \
		-DBENCH_LIB_VERSION='"$(BENCH_SYS_VERSION)"' \
		-o $@ $< -L$(BENCH_SYS_LIBDIR) -Wl,-rpath,$(BENCH_SYS_LIBDIR) \
		-luring -laio

bench-bins: bench-deps
	@$(MAKE) --no-print-directory lib $(BENCH_OURS) $(BENCH_SYS)

# Each binary must load the library it was built for.
bench-check-libs: bench-bins
	@lib_of() { readlink -f "$$(ldd "$$1" | \
		sed -n 's/.*liburing\.so\.2 => \([^ ]*\).*/\1/p')"; }; \
	ours=$$(lib_of $(BENCH_OURS)); sys=$$(lib_of $(BENCH_SYS)); \
	echo "ldd: $(BENCH_OURS) -> $$ours"; \
	echo "ldd: $(BENCH_SYS) -> $$sys"; \
	[ "$$ours" = "$$(readlink -f $(B)/src/liburing.so.2)" ] || { \
		echo "bench: $(BENCH_OURS) loads another library" >&2; \
		exit 1; }; \
	[ "$$sys" = "$$(readlink -f $(BENCH_SYS_LIBDIR)/liburing.so.2)" ] || { \
		echo "bench: $(BENCH_SYS) does not load Debian's" >&2; \
		exit 1; }

bench: bench-check-libs
	sh test/bench/run.sh -r $(BENCH_RUNS) -t $(BENCH_SECS) \
		-n $(BENCH_CG_ITERS) -d $(BENCH_TMPDIR) -o $(BENCH_RAW) \
		$(BENCH_OURS) $(BENCH_SYS) > $(BENCH_RESULTS)
	@cat $(BENCH_RESULTS)

# Short: same rows, 3 runs of 0.06 s.  Success means every case ran and
# printed its numbers; the ratios are not judged (a shared 2-CPU machine
# is too noisy for that in 15 s).
ci-targets += bench-short

bench-short: bench-check-libs
	sh test/bench/run.sh -r 3 -t 0.06 -n 300 -d $(BENCH_TMPDIR) \
		$(BENCH_OURS) $(BENCH_SYS) > $(BENCH_DIR)/short.txt
	@cat $(BENCH_DIR)/short.txt
	@rows=$$(grep -c -E '^(NOP|read 4K|  fixed|echo|  io_uring|instr)' \
		$(BENCH_DIR)/short.txt); \
	if [ "$$rows" -ne 22 ]; then \
		echo "bench-short: expected 22 rows, got $$rows" >&2; exit 1; \
	fi; echo "bench-short: all 22 rows measured"

bench-plot:
	@[ -f $(BENCH_RESULTS) ] || { echo "run make bench first" >&2; exit 1; }
	@command -v gnuplot >/dev/null || { \
		echo "bench-plot needs gnuplot:" \
			"apt-get install gnuplot-nox" >&2; \
		exit 1; }
	sh test/bench/plot.sh $(BENCH_RESULTS) $(BENCH_DIR)/bench-plot.png
