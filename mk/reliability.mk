# Proof of reliability.  Included by the top-level Makefile.
#
#   make check-compat    binary drop-in: a program built against Debian's
#                        liburing 2.3 header and library, run on ours; real
#                        Debian programs (qemu-io, qemu-img, plocate) run on
#                        ours; the exported symbol table checked
#   make check-faults    every mmap/munmap/madvise/malloc and io_uring system
#                        call of each public call made to fail in turn, under
#                        ASan/LSan, then once under valgrind
#   make coverage        the test suite on a --coverage build; line, branch
#                        and function figures of src/ (gcovr)
#   make fuzz            libFuzzer on random sequences of API calls
#                        (FUZZ_SECONDS, default 300; CI runs 60)
#   make stress          overflow storm, signals, SQPOLL, DEFER_TASKRUN,
#                        threads, fork (STRESS_SHORT=1 for the CI sizes)
#   make test-valgrind   the whole test suite under valgrind memcheck
#                        (about 20 s; CI runs it whole)
#   make lint            cppcheck, clang-tidy and gcc -fanalyzer over src/
#                        and include/, zero findings; hardening flags checked
#
# CI (.ci/run) runs the short forms: check-compat, check-faults, coverage,
# lint, fuzz-ci (make fuzz FUZZ_SECONDS=60), stress-short (make stress
# STRESS_SHORT=1) and test-valgrind; about four minutes together.
#
# Each installs the Debian packages it needs when they are missing (as root).
# Outputs go under build/ (REL_OUT).

REL_OUT := build
REL_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
REL_SYS_LIBURING := /usr/lib/$(REL_MULTIARCH)/liburing.so.2
REL_API_TSV := $(firstword $(wildcard ../shared/reference/liburing-api.tsv))
REL_LIB := $(B)/src/liburing.so.$(VERSION)
REL_SRCS := $(LIB_SRCS)

# $(call rel_need,PACKAGE...): install the Debian packages not yet there.
define rel_need
	@missing=; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
			echo "$@ needs:$$missing (apt-get install$$missing)" >&2; \
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
endef

.PHONY: check-compat check-faults check-faults-valgrind coverage fuzz \
	fuzz-ci stress stress-short test-valgrind lint

# --- 1. binary drop-in -------------------------------------------------------

REL_COMPAT := $(REL_OUT)/compat

# Built in the recipe, not as a file target: the system header it needs may
# only appear once the packages are installed.
check-compat: lib
	$(call rel_need,liburing-dev liburing2 qemu-utils plocate strace)
	@mkdir -p $(REL_COMPAT)
	$(CC) -O2 -g -Wall -Wextra -Werror -o $(REL_COMPAT)/compat \
		test/compat/compat.c $(REL_SYS_LIBURING)
	@echo "--- the program on Debian's own liburing (the reference)"
	@$(REL_COMPAT)/compat $(REL_SYS_LIBURING) > $(REL_COMPAT)/reference.log \
		|| { cat $(REL_COMPAT)/reference.log; exit 1; }
	@tail -n 1 $(REL_COMPAT)/reference.log
	@echo "--- the same binary on ours"
	@LD_LIBRARY_PATH=$(B)/src ldd $(REL_COMPAT)/compat | grep liburing
	@LD_LIBRARY_PATH=$(B)/src $(REL_COMPAT)/compat $(B)/src/liburing.so.2
	@echo "--- Debian programs on ours"
	@sh test/compat/programs.sh $(B)/src
	@echo "--- exported symbols"
	@sh test/compat/symbols.sh $(B)/src $(REL_SYS_LIBURING) $(REL_API_TSV)

ci-targets += check-compat

# --- 2. fault injection ------------------------------------------------------

REL_FAULT := $(REL_OUT)/fault
REL_FAULT_VG := $(REL_OUT)/fault-vg
REL_WRAP := -Wl,--wrap=mmap,--wrap=munmap,--wrap=madvise,--wrap=malloc \
	-Wl,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=syscall,--wrap=close
REL_FAULT_BASE := -D_GNU_SOURCE -Iinclude -fno-strict-aliasing $(WARNFLAGS) \
	-O1 -g -fno-omit-frame-pointer
REL_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

$(REL_FAULT)/src/%.o: src/%.c src/lib.h include/liburing.h include/liburing/*.h
	@mkdir -p $(@D)
	$(CC) $(REL_FAULT_BASE) -Isrc -fPIC $(REL_ASAN) -c -o $@ $<

$(REL_FAULT_VG)/src/%.o: src/%.c src/lib.h include/liburing.h include/liburing/*.h
	@mkdir -p $(@D)
	$(CC) $(REL_FAULT_BASE) -Isrc -fPIC -c -o $@ $<

$(REL_FAULT)/fault: test/fault/fault.c $(patsubst src/%.c,$(REL_FAULT)/src/%.o,$(REL_SRCS))
	$(CC) $(REL_FAULT_BASE) $(REL_ASAN) -o $@ $^ $(REL_WRAP)

$(REL_FAULT_VG)/fault: test/fault/fault.c $(patsubst src/%.c,$(REL_FAULT_VG)/src/%.o,$(REL_SRCS))
	$(CC) $(REL_FAULT_BASE) -o $@ $^ $(REL_WRAP)

check-faults: $(REL_FAULT)/fault
	@echo "--- under ASan, UBSan and LeakSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(REL_FAULT)/fault
	@$(MAKE) --no-print-directory check-faults-valgrind

check-faults-valgrind: $(REL_FAULT_VG)/fault
	$(call rel_need,valgrind)
	@echo "--- under valgrind"
	@valgrind -q --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all --error-exitcode=1 \
		$(REL_FAULT_VG)/fault > $(REL_FAULT_VG)/valgrind.log 2>&1; \
		status=$$?; grep -v '^ok ' $(REL_FAULT_VG)/valgrind.log; \
		exit $$status

ci-targets += check-faults

# --- 3. coverage -------------------------------------------------------------

REL_COV := $(REL_OUT)/coverage
# The gate: the target fails below these (percent of src/ and the inline
# helpers compiled into it), or when an exported function is never entered.
COV_MIN_LINES ?= 95
COV_MIN_BRANCHES ?= 90

# The fault-injection harness (section 2) linked with the coverage build's
# own library objects, not a copy: its runs add to the same .gcda files, so
# the figures include the error paths only a failing mmap, malloc or system
# call reaches.  Built by the coverage sub-make (B=$(REL_COV), COVERAGE=1).
$(B)/fault/fault-cov: test/fault/fault.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(REL_FAULT_BASE) $(SAN_FLAGS) -o $@ $^ $(REL_WRAP)

# -O0 so that lines and branches map to the source one to one.
coverage: check-deps
	$(call rel_need,gcovr)
	@$(MAKE) --no-print-directory B=$(REL_COV) COVERAGE=1 CFLAGS='-O0 -g' \
		ENABLE_STATIC=no lib tests $(REL_COV)/fault/fault-cov
	@find $(REL_COV) -name '*.gcda' -delete
	@sh test/runtests.sh $(patsubst $(B)/%,$(REL_COV)/%,$(TEST_BINS)) | \
		tail -n 2
	@$(REL_COV)/fault/fault-cov > $(REL_COV)/fault/fault.log 2>&1; \
		status=$$?; grep -v '^ok ' $(REL_COV)/fault/fault.log; \
		[ $$status -eq 0 ] || echo "fault injection failed (exit $$status)"
	@COV_MIN_LINES=$(COV_MIN_LINES) COV_MIN_BRANCHES=$(COV_MIN_BRANCHES) \
		sh test/coverage/report.sh $(REL_COV) $(REL_SRCS)

ci-targets += coverage

# --- 6. static analysis ------------------------------------------------------

# Zero findings enforced: the checks are in test/lint/.clang-tidy, single
# false positives in test/lint/suppressions (each with its reason).
lint: lib
	$(call rel_need,cppcheck clang-tidy python3)
	@python3 test/lint/lint.py
	@sh test/lint/hardening.sh $(B)/src

ci-targets += lint

# --- 4. fuzzing --------------------------------------------------------------

REL_FUZZ := $(REL_OUT)/fuzz
FUZZ_SECONDS ?= 300
REL_FUZZ_CC := clang
REL_FUZZ_CFLAGS := -D_GNU_SOURCE -Iinclude -fno-strict-aliasing $(WARNFLAGS) \
	-g -O1 -fno-omit-frame-pointer
# libFuzzer's edge counters in the library too, so it steers by its code.
REL_FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

$(REL_FUZZ)/src/%.o: src/%.c src/lib.h include/liburing.h include/liburing/*.h
	@mkdir -p $(@D)
	$(REL_FUZZ_CC) $(REL_FUZZ_CFLAGS) -Isrc -fPIC $(REL_FUZZ_SAN) \
		-fsanitize=fuzzer-no-link -c -o $@ $<

$(REL_FUZZ)/fuzz: test/fuzz/fuzz.c $(patsubst src/%.c,$(REL_FUZZ)/src/%.o,$(REL_SRCS))
	@mkdir -p $(@D)
	$(REL_FUZZ_CC) $(REL_FUZZ_CFLAGS) $(REL_FUZZ_SAN) -fsanitize=fuzzer \
		-o $@ $^

$(REL_FUZZ)/regress: test/fuzz/regress.c $(patsubst src/%.c,$(REL_FAULT)/src/%.o,$(REL_SRCS))
	@mkdir -p $(@D)
	$(CC) $(REL_FAULT_BASE) $(REL_ASAN) -o $@ $^

# The corpus grows in $(REL_FUZZ)/corpus, seeded from test/fuzz/corpus/;
# crashes land in $(REL_FUZZ)/ as crash-* (replay: $(REL_FUZZ)/fuzz FILE,
# with FUZZ_TRACE=1 for a step-by-step account).
fuzz: $(REL_FUZZ)/regress
	$(call rel_need,clang libclang-rt-14-dev)
	@$(MAKE) --no-print-directory $(REL_FUZZ)/fuzz
	@echo "--- regressions the fuzzer found"
	@$(REL_FUZZ)/regress; regress=$$?; \
	echo "--- fuzzing for $(FUZZ_SECONDS) s"; \
	mkdir -p $(REL_FUZZ)/corpus; \
	cd $(REL_FUZZ) && ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		./fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
		-max_len=1024 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix=./ corpus $(CURDIR)/test/fuzz/corpus \
		> fuzz.log 2>&1; status=$$?; \
	grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::|fuzz invariant|==[0-9]+==ERROR|SUMMARY)' \
		fuzz.log; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log); \
	if [ $$status -ne 0 ]; then tail -n 60 fuzz.log; \
		echo "fuzz: FAILED after $$execs executions, see $(REL_FUZZ)/fuzz.log"; \
		exit $$status; fi; \
	echo "fuzz: $$execs executions in $(FUZZ_SECONDS) s, corpus $$(ls corpus | wc -l) inputs, no failure"; \
	if [ $$regress -ne 0 ]; then \
		echo "fuzz: a regression check failed (above)"; exit 1; fi

fuzz-ci:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=60

ci-targets += fuzz-ci

# --- 5. stress ---------------------------------------------------------------

REL_STRESS := $(REL_OUT)/stress

$(REL_STRESS)/stress: test/stress/stress.c $(REL_LIB)
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE -Iinclude $(WARNFLAGS) -O2 -g -o $@ $< \
		-L$(B)/src -Wl,-rpath,$(abspath $(B)/src) -luring -lpthread

stress: lib $(REL_STRESS)/stress
	@$(REL_STRESS)/stress $(if $(filter 1,$(STRESS_SHORT)),-s)

stress-short:
	@$(MAKE) --no-print-directory stress STRESS_SHORT=1

ci-targets += stress-short

# --- 5b. the test suite under valgrind ---------------------------------------

REL_VG := $(REL_OUT)/valgrind
VG_TIMEOUT ?= 60

# Valgrind 3.19 holds its lock, with signals blocked, through
# io_uring_enter(): while one thread waits there no other thread of the
# program runs and no signal interrupts the wait.  So what must happen
# during a wait is done by a child process (t_fork_call()), and the one
# test that needs a signal to interrupt a wait skips (t_under_valgrind()).
# Other tests adapt to what valgrind does its own way: setrlimit() of
# RLIMIT_NOFILE (skipped: t_nofile_limit_is_real()), MADV_DONTFORK (the
# fork test's child makes no ring of its own) and reading every file the
# program maps readable (op-file maps PROT_NONE for mincore()).
# Every program takes a few seconds; one that hangs is killed (SIGKILL:
# valgrind ignores SIGTERM then) after VG_TIMEOUT seconds.
test-valgrind: check-deps
	$(call rel_need,valgrind)
	@$(MAKE) --no-print-directory lib tests
	@VG_TIMEOUT=$(VG_TIMEOUT) sh test/stress/valgrind-suite.sh $(REL_VG) \
		$(TEST_BINS)

ci-targets += test-valgrind
