# Benchmarks: this library against liburing 2.15 (the reference),
# Debian 12's liburing 2.3, raw system calls, pread, libaio and epoll.
# Included by the top-level Makefile; not part of `make test`.
#
#   make bench         the full table (about 4 minutes)
#   make bench-short   the same cases, fewer and shorter runs (~30 s); it
#                      checks that everything ran, never the ratios
#   make bench-plot    bench-plot.png from the last `make bench` (gnuplot)
#
# test/bench/uring-bench.c is built three times: against include/ and our
# library; against liburing 2.15 (Debian sid's liburing-dev, fetched with
# tools/debian-fetch.sh: its headers, with sid's kernel headers after the
# system's for what bookworm's lack, and its liburing.so.2.15 copied into
# a directory of its own); and against Debian 12's liburing-dev (2.3).
# Headers are reached through directories of symlinks and libraries
# through -L and an rpath, so that a copy of ours installed under
# /usr/local can never stand in; `ldd` checks each binary.
#
# Settings: BENCH_RUNS, BENCH_SECS, BENCH_CG_ITERS (callgrind rounds),
# BENCH_TMPDIR (where the 64 MiB read file goes), DEBIAN_FETCH_CACHE.

BENCH_DIR := $(B)/build/bench
BENCH_SRC := test/bench/uring-bench.c
BENCH_OURS := $(BENCH_DIR)/uring-bench-ours
BENCH_REF := $(BENCH_DIR)/uring-bench-2.15
BENCH_OLD := $(BENCH_DIR)/uring-bench-2.3
BENCH_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BENCH_OLD_INC := $(BENCH_DIR)/inc-2.3
BENCH_OLD_LIBDIR := /usr/lib/$(BENCH_MULTIARCH)
BENCH_OLD_VERSION = $(shell dpkg-query -W -f='$${Version}' liburing-dev \
	2>/dev/null)
BENCH_REF_INC := $(BENCH_DIR)/inc-2.15
BENCH_REF_LIBDIR := $(abspath $(BENCH_DIR))/lib-2.15
BENCH_CFLAGS := -D_GNU_SOURCE -O2 -g $(WARNFLAGS)
BENCH_PKGS := liburing-dev libaio-dev valgrind
BENCH_RUNS ?= 11
BENCH_SECS ?= 0.15
BENCH_CG_ITERS ?= 2000
BENCH_TMPDIR ?= $(or $(TMPDIR),/tmp)
BENCH_RESULTS := $(BENCH_DIR)/results.txt
BENCH_RAW := $(BENCH_DIR)/results.raw

.PHONY: bench bench-short bench-plot bench-deps bench-bins bench-check-libs

bench-deps:
	@tools/need-packages.sh $(BENCH_PKGS)

$(BENCH_OURS): $(BENCH_SRC) $(B)/src/liburing.so.$(VERSION) include/liburing.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -Iinclude -DBENCH_LIB_NAME='"ours"' -o $@ $< \
		-L$(B)/src -Wl,-rpath,'$$ORIGIN/../../src' -luring -laio

# liburing 2.15 from Debian sid: headers and shared library.
$(BENCH_REF): $(BENCH_SRC) | bench-deps
	@mkdir -p $(BENCH_REF_INC) $(BENCH_REF_LIBDIR)
	@root=$$(tools/debian-fetch.sh sid liburing-dev liburing2 \
		linux-libc-dev) && \
	ver=$$(tools/debian-fetch.sh -v sid liburing-dev) && \
	ln -sfn $$root/usr/include/liburing.h $(BENCH_REF_INC)/liburing.h && \
	ln -sfn $$root/usr/include/liburing $(BENCH_REF_INC)/liburing && \
	cp -L $$root/usr/lib/$(BENCH_MULTIARCH)/liburing.so.2 \
		$(BENCH_REF_LIBDIR)/liburing.so.2 && \
	echo "$(CC) ... -o $@ (liburing $$ver)" && \
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_REF_INC) \
		-idirafter $$root/usr/include \
		-DBENCH_LIB_NAME='"liburing-2.15"' \
		-DBENCH_LIB_VERSION="\"$$ver\"" -o $@ $< \
		-L$(BENCH_REF_LIBDIR) -l:liburing.so.2 \
		-Wl,-rpath,$(BENCH_REF_LIBDIR) -laio

$(BENCH_OLD): $(BENCH_SRC) | bench-deps
	@mkdir -p $(BENCH_OLD_INC)
	ln -sfn /usr/include/liburing.h $(BENCH_OLD_INC)/liburing.h
	ln -sfn /usr/include/liburing $(BENCH_OLD_INC)/liburing
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_OLD_INC) \
		-DBENCH_LIB_NAME='"liburing-2.3"' \
		-DBENCH_LIB_VERSION='"$(BENCH_OLD_VERSION)"' \
		-o $@ $< -L$(BENCH_OLD_LIBDIR) -Wl,-rpath,$(BENCH_OLD_LIBDIR) \
		-luring -laio

bench-bins: bench-deps
	@$(MAKE) --no-print-directory lib $(BENCH_OURS) $(BENCH_REF) \
		$(BENCH_OLD)

# Each binary must load the library it was built for.
bench-check-libs: bench-bins
	@lib_of() { readlink -f "$$(ldd "$$1" | \
		sed -n 's/.*liburing\.so\.2 => \([^ ]*\).*/\1/p')"; }; \
	check() { got=$$(lib_of "$$1"); echo "ldd: $$1 -> $$got"; \
		[ "$$got" = "$$(readlink -f "$$2")" ] || { \
		echo "bench: $$1 does not load $$2" >&2; exit 1; }; }; \
	check $(BENCH_OURS) $(B)/src/liburing.so.2; \
	check $(BENCH_REF) $(BENCH_REF_LIBDIR)/liburing.so.2; \
	check $(BENCH_OLD) $(BENCH_OLD_LIBDIR)/liburing.so.2

bench: bench-check-libs
	sh test/bench/run.sh -r $(BENCH_RUNS) -t $(BENCH_SECS) \
		-n $(BENCH_CG_ITERS) -d $(BENCH_TMPDIR) -o $(BENCH_RAW) \
		$(BENCH_OURS) $(BENCH_REF) $(BENCH_OLD) > $(BENCH_RESULTS)
	@cat $(BENCH_RESULTS)

# Short: same rows, 3 runs of 0.06 s.  Success means every case ran and
# printed its numbers (run.sh fails on a row without them); the ratios
# are not judged (a shared 2-CPU machine is too noisy for that in 30 s).
ci-targets += bench-short

bench-short: bench-check-libs
	sh test/bench/run.sh -r 3 -t 0.06 -n 300 -d $(BENCH_TMPDIR) \
		$(BENCH_OURS) $(BENCH_REF) $(BENCH_OLD) > $(BENCH_DIR)/short.txt
	@cat $(BENCH_DIR)/short.txt
	@echo "bench-short: $$(grep -c -E ' (Mop/s|kIOPS|krt/s|k/s|KiB|Ir) ' \
		$(BENCH_DIR)/short.txt) rows measured"

bench-plot:
	@[ -f $(BENCH_RESULTS) ] || { echo "run make bench first" >&2; exit 1; }
	@command -v gnuplot >/dev/null || { \
		echo "bench-plot needs gnuplot:" \
			"apt-get install gnuplot-nox" >&2; \
		exit 1; }
	sh test/bench/plot.sh $(BENCH_RESULTS) $(BENCH_DIR)/bench-plot.png
