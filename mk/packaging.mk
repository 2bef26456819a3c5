# Packaging checks.  Included by the top-level Makefile.
#
#   make check-headers   the public headers compile cleanly with gcc and
#                        clang as C99/C11/C17/C2x and C++11..C++2b with
#                        -Wall -Wextra -Werror -pedantic; a C++ program
#                        using the ring builds and runs
#   make check-install   configure/make/install/uninstall into a DESTDIR
#                        from a copy of the tree (default, split
#                        directories, --disable-shared, --disable-static),
#                        checking the installed files, exported symbols and
#                        version nodes, hardening, programs built with
#                        pkg-config alone, a CMake project built with
#                        find_package(liburing CONFIG REQUIRED), and the
#                        installed io_uring-info
#
# .ci/run also runs every target listed on a "ci-targets += " line here.

PKG_HEADER_CHECK := test/check-headers.sh
PKG_INSTALL_CHECK := test/check-install.sh

ci-targets += check-headers
ci-targets += check-install
ci-targets += check-static-names

.PHONY: check-headers check-install check-static-names

check-headers: $(B)/src/liburing.so.$(VERSION)
	sh $(PKG_HEADER_CHECK) $(B)/src

check-install:
	sh $(PKG_INSTALL_CHECK)

# The static libraries define no global outside the io_uring namespace
# (the FFI one adds the header's _io_uring_get_sqe), and a program using
# the library's internal names links with every archive member and runs
# (exit 77: no io_uring here).
check-static-names: $(B)/src/liburing.a $(B)/src/liburing-ffi.a
	@bad=$$(nm -g --defined-only $(B)/src/liburing.a | \
		awk 'NF == 3 && $$3 !~ /^(__)?io_uring/ { print $$3 }'; \
		nm -g --defined-only $(B)/src/liburing-ffi.a | \
		awk 'NF == 3 && $$3 !~ /^_?_?io_uring/ { print $$3 }'); \
	if [ -n "$$bad" ]; then \
		echo "check-static-names: globals outside io_uring*:" $$bad >&2; \
		exit 1; \
	fi
	@mkdir -p $(B)/build/packaging
	$(CC) -static -Iinclude $(WARNFLAGS) -Werror -O2 \
		-o $(B)/build/packaging/static-clash test/packaging/static-clash.c \
		-Wl,--whole-archive $(B)/src/liburing.a -Wl,--no-whole-archive
	$(CC) -static -Iinclude $(WARNFLAGS) -Werror -O2 \
		-o $(B)/build/packaging/static-clash-ffi test/packaging/static-clash.c \
		-Wl,--whole-archive $(B)/src/liburing-ffi.a -Wl,--no-whole-archive
	@for p in static-clash static-clash-ffi; do \
		$(B)/build/packaging/$$p; rc=$$?; \
		[ $$rc = 0 ] || [ $$rc = 77 ] || exit 1; \
	done

# test/ffi.c dlopen()s the FFI library next to liburing.so.
$(B)/test/ffi.t: $(B)/src/liburing-ffi.so.$(VERSION)
