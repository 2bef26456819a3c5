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

.PHONY: check-headers check-install

check-headers: $(B)/src/liburing.so.$(VERSION)
	sh $(PKG_HEADER_CHECK) $(B)/src

check-install:
	sh $(PKG_INSTALL_CHECK)

# test/ffi.c dlopen()s the FFI library next to liburing.so.
$(B)/test/ffi.t: $(B)/src/liburing-ffi.so.$(VERSION)
