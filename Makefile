# SPDX-License-Identifier: MIT
#
# One Makefile for the library, tests, examples and man pages.  Outputs go
# under $(B) (the tree itself by default; sanitizer and coverage builds use
# their own directories).  Extra targets live in mk/*.mk.

-include config-host.mk

prefix ?= /usr/local
includedir ?= $(prefix)/include
libdir ?= $(prefix)/lib
libdevdir ?= $(libdir)
mandir ?= $(prefix)/man
bindir ?= $(prefix)/bin
ENABLE_SHARED ?= yes
ENABLE_STATIC ?= yes

VERSION_MAJOR := $(shell sed -n 's/^\#define IO_URING_VERSION_MAJOR[ \t]*//p' include/liburing/io_uring_version.h)
VERSION_MINOR := $(shell sed -n 's/^\#define IO_URING_VERSION_MINOR[ \t]*//p' include/liburing/io_uring_version.h)
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR)

B ?= .
CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Wno-unused-parameter
HARDEN_CFLAGS := -fstack-protector-strong -D_FORTIFY_SOURCE=2
HARDEN_LDFLAGS := -Wl,-z,relro,-z,now,-z,noexecstack
LIB_CFLAGS := -D_GNU_SOURCE -Iinclude -Isrc -fPIC -fno-strict-aliasing \
	$(WARNFLAGS) $(HARDEN_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)

ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
HARDEN_CFLAGS := -fstack-protector-strong
endif
ifeq ($(COVERAGE),1)
SAN_FLAGS += --coverage
endif
LIB_CFLAGS += $(SAN_FLAGS)

# Every compile also writes TARGET.d, the headers it read (-MMD, system
# headers left out; -MP adds an empty rule per header so that a removed
# one does not stop the build).  They are included at the end, so a
# touched header rebuilds exactly what includes it.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
DEP_DIRS := $(B)/src $(B)/test $(B)/examples $(B)/bin

LIB_SRCS := src/setup.c src/queue.c src/register.c src/syscall.c src/version.c
LIB_OBJS := $(patsubst src/%.c,$(B)/src/%.o,$(LIB_SRCS))
FFI_OBJS := $(LIB_OBJS) $(B)/src/ffi.o
SONAME := liburing.so.$(VERSION_MAJOR)
FFI_SONAME := liburing-ffi.so.$(VERSION_MAJOR)

LIBS_SHARED := $(B)/src/liburing.so.$(VERSION) $(B)/src/liburing-ffi.so.$(VERSION)
LIBS_STATIC := $(B)/src/liburing.a $(B)/src/liburing-ffi.a
LIBS :=
ifeq ($(ENABLE_SHARED),yes)
LIBS += $(LIBS_SHARED)
endif
ifeq ($(ENABLE_STATIC),yes)
LIBS += $(LIBS_STATIC)
endif

# Tests: every test/*.c but the shared fixture is one program.
TEST_FIXTURE := test/helpers.c
TEST_SRCS := $(filter-out $(TEST_FIXTURE),$(wildcard test/*.c))
TEST_BINS := $(patsubst test/%.c,$(B)/test/%.t,$(TEST_SRCS))
TEST_CFLAGS := -D_GNU_SOURCE -Iinclude -Itest $(WARNFLAGS) -Wno-psabi -O2 -g $(SAN_FLAGS)
TEST_LDFLAGS := -L$(B)/src -Wl,-rpath,'$$ORIGIN/../src' $(SAN_FLAGS)
TEST_LIBS := -luring -lcmocka -lpthread

EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(patsubst examples/%.c,$(B)/examples/%,$(EXAMPLE_SRCS))
EXAMPLE_LDFLAGS := -L$(B)/src -Wl,-rpath,'$$ORIGIN/../src' $(SAN_FLAGS)

# Programs installed with the library: every bin/NAME.c is $(B)/bin/NAME.
PROG_SRCS := $(wildcard bin/*.c)
PROG_BINS := $(patsubst bin/%.c,$(B)/bin/%,$(PROG_SRCS))

.PHONY: all lib tests examples programs test test-sanitize demo install \
	uninstall clean
all: lib examples programs

lib: $(LIBS)

# src/ffi.c (turning every inline helper into an exported function) too.
$(B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/src/liburing.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/src/liburing-ffi.a: $(FFI_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/src/liburing.so.$(VERSION): $(LIB_OBJS) src/liburing.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/liburing.map \
		$(HARDEN_LDFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(LIB_OBJS)
	ln -sf $(@F) $(B)/src/$(SONAME)
	ln -sf $(SONAME) $(B)/src/liburing.so

$(B)/src/liburing-ffi.so.$(VERSION): $(FFI_OBJS) src/liburing-ffi.map
	$(CC) -shared -Wl,-soname,$(FFI_SONAME) \
		-Wl,--version-script=src/liburing-ffi.map \
		$(HARDEN_LDFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(FFI_OBJS)
	ln -sf $(@F) $(B)/src/$(FFI_SONAME)
	ln -sf $(FFI_SONAME) $(B)/src/liburing-ffi.so

# --- tests -------------------------------------------------------------------

tests: $(TEST_BINS)

$(B)/test/helpers.o: test/helpers.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Tests, examples and anything else linked against liburing.so need it to
# exist, not to be relinked when it changes (the soname stays): order-only.
$(B)/test/%.t: test/%.c $(B)/test/helpers.o | $(B)/src/liburing.so.$(VERSION)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) -o $@ $< $(B)/test/helpers.o $(TEST_LDFLAGS) $(TEST_LIBS)

# Debian's cmocka is installed on demand when we are root; otherwise say
# what is missing.
check-deps:
	@[ -f /usr/include/cmocka.h ] || sh tools/need-packages.sh libcmocka-dev

test: check-deps
	@$(MAKE) --no-print-directory lib tests
	@sh test/runtests.sh $(TEST_BINS)

test-sanitize: check-deps
	@$(MAKE) --no-print-directory B=build/sanitize SANITIZE=1 \
		ENABLE_STATIC=no lib tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh test/runtests.sh $(patsubst $(B)/%,build/sanitize/%,$(TEST_BINS))

# --- examples ----------------------------------------------------------------

examples: $(EXAMPLE_BINS)

$(B)/examples/%: examples/%.c | $(B)/src/liburing.so.$(VERSION)
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE -Iinclude $(WARNFLAGS) -O2 -g $(SAN_FLAGS) $(DEPFLAGS) -o $@ $< \
		$(EXAMPLE_LDFLAGS) -luring -lpthread

demo: lib examples
	@sh examples/demo.sh $(B)/examples

# --- programs ----------------------------------------------------------------

programs: $(PROG_BINS)

# The library's objects are linked in, so that an installed program needs
# no rpath and cannot load another liburing.so.2 than the one it was
# written against, whichever of shared and static is built.
$(B)/bin/%: bin/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE -Iinclude $(WARNFLAGS) $(HARDEN_CFLAGS) $(CFLAGS) \
		$(EXTRA_CFLAGS) $(SAN_FLAGS) $(HARDEN_LDFLAGS) $(LDFLAGS) \
		$(DEPFLAGS) -o $@ $< $(LIB_OBJS)

# test/tool-info.c runs the program from ../bin beside it.
$(B)/test/tool-info.t: | $(B)/bin/io_uring-info

# --- install -----------------------------------------------------------------

PC_FILES := $(B)/liburing.pc $(B)/liburing-ffi.pc
# Rewritten when ./configure changes the directories.
PC_DEPS := liburing.pc.in include/liburing/io_uring_version.h \
	$(wildcard config-host.mk)

# NAME.pc names NAME and links -lNAME without its "lib".
$(PC_FILES): $(B)/%.pc: $(PC_DEPS)
	@mkdir -p $(@D)
	sed -e 's|@prefix@|$(prefix)|' -e 's|@libdevdir@|$(libdevdir)|' \
	    -e 's|@includedir@|$(includedir)|' -e 's|@version@|$(VERSION)|' \
	    -e 's|@name@|$*|' -e 's|@lib@|$(patsubst lib%,%,$*)|' $< > $@

# The CMake package finds everything relative to its own directory, so it
# works from a DESTDIR tree too.
CMAKE_DIR := $(libdevdir)/cmake/liburing
CMAKE_FILES := $(B)/liburing-config.cmake $(B)/liburing-config-version.cmake
cmake_rel = $(shell realpath -m --relative-to='$(CMAKE_DIR)' '$(1)')
SIZEOF_POINTER := $(shell echo __SIZEOF_POINTER__ | $(CC) -E -P - 2>/dev/null | tr -dc 0-9)

$(B)/liburing-config.cmake: cmake/liburing-config.cmake.in $(PC_DEPS)
	@mkdir -p $(@D)
	sed -e 's|@rel_includedir@|$(call cmake_rel,$(includedir))|' \
	    -e 's|@rel_libdir@|$(call cmake_rel,$(libdir))|' \
	    -e 's|@rel_libdevdir@|$(call cmake_rel,$(libdevdir))|' \
	    -e 's|@version@|$(VERSION)|' -e 's|@major@|$(VERSION_MAJOR)|' \
	    $< > $@

$(B)/liburing-config-version.cmake: cmake/liburing-config-version.cmake.in $(PC_DEPS)
	@mkdir -p $(@D)
	sed -e 's|@version@|$(VERSION)|' -e 's|@major@|$(VERSION_MAJOR)|' \
	    -e 's|@sizeof_pointer@|$(or $(SIZEOF_POINTER),8)|' $< > $@

# Alias pages are symbolic links to the page that documents them (in the
# same directory); they are installed as links, the others as files.
MAN_PAGES := $(wildcard man/man1/*.1 man/man2/*.2 man/man3/*.3 man/man7/*.7)
HEADERS := include/liburing.h $(wildcard include/liburing/*.h)
SUB_HEADERS := $(wildcard include/liburing/io_uring/*.h)
D := $(DESTDIR)

install: lib programs $(PC_FILES) $(CMAKE_FILES)
	install -d $(D)$(includedir)/liburing/io_uring $(D)$(libdir) \
		$(D)$(libdevdir)/pkgconfig $(D)$(CMAKE_DIR) $(D)$(bindir)
	install -m 644 include/liburing.h $(D)$(includedir)/
	install -m 644 $(wildcard include/liburing/*.h) $(D)$(includedir)/liburing/
	install -m 644 $(SUB_HEADERS) $(D)$(includedir)/liburing/io_uring/
	install -m 644 $(PC_FILES) $(D)$(libdevdir)/pkgconfig/
	install -m 644 $(CMAKE_FILES) $(D)$(CMAKE_DIR)/
	install -m 755 $(PROG_BINS) $(D)$(bindir)/
ifeq ($(ENABLE_SHARED),yes)
	install -m 755 $(B)/src/liburing.so.$(VERSION) $(B)/src/liburing-ffi.so.$(VERSION) $(D)$(libdir)/
	ln -sf liburing.so.$(VERSION) $(D)$(libdir)/$(SONAME)
	ln -sf liburing-ffi.so.$(VERSION) $(D)$(libdir)/$(FFI_SONAME)
	ln -sf $(if $(filter $(libdir),$(libdevdir)),,$(libdir)/)$(SONAME) $(D)$(libdevdir)/liburing.so
	ln -sf $(if $(filter $(libdir),$(libdevdir)),,$(libdir)/)$(FFI_SONAME) $(D)$(libdevdir)/liburing-ffi.so
endif
ifeq ($(ENABLE_STATIC),yes)
	install -m 644 $(B)/src/liburing.a $(B)/src/liburing-ffi.a $(D)$(libdevdir)/
endif
	@for page in $(MAN_PAGES); do \
		sec=$${page#man/man}; sec=$${sec%%/*}; \
		install -d $(D)$(mandir)/man$$sec || exit 1; \
		if [ -L $$page ]; then \
			ln -sf $$(readlink $$page) $(D)$(mandir)/man$$sec/$${page##*/}; \
		else \
			install -m 644 $$page $(D)$(mandir)/man$$sec/; \
		fi || exit 1; \
	done

uninstall:
	rm -f $(D)$(includedir)/liburing.h
	rm -rf $(D)$(includedir)/liburing
	rm -f $(D)$(libdir)/liburing.so.* $(D)$(libdir)/liburing-ffi.so.*
	rm -f $(D)$(libdevdir)/liburing.so $(D)$(libdevdir)/liburing-ffi.so
	rm -f $(D)$(libdevdir)/liburing.a $(D)$(libdevdir)/liburing-ffi.a
	rm -f $(D)$(libdevdir)/pkgconfig/liburing.pc $(D)$(libdevdir)/pkgconfig/liburing-ffi.pc
	rm -f $(patsubst $(B)/%,$(D)$(CMAKE_DIR)/%,$(CMAKE_FILES))
	rm -f $(patsubst $(B)/bin/%,$(D)$(bindir)/%,$(PROG_BINS))
	@for page in $(MAN_PAGES); do \
		sec=$${page#man/man}; sec=$${sec%%/*}; \
		rm -f $(D)$(mandir)/man$$sec/$${page##*/}; \
	done

clean:
	rm -f src/*.o src/*.a src/*.so* test/*.o test/*.t $(EXAMPLE_BINS) \
		$(PROG_BINS) liburing.pc liburing-ffi.pc $(CMAKE_FILES) \
		$(addsuffix /*.d,$(DEP_DIRS))
	rm -rf build

-include mk/*.mk

# After mk/*.mk, which add the directories of their own compiles.
-include $(wildcard $(addsuffix /*.d,$(DEP_DIRS)))
