# Kernel ABI check.  Included by the top-level Makefile.
#
#   make check-uapi   compare every object-like macro, enum constant and
#                     struct layout of the newest Debian linux-libc-dev's
#                     <linux/io_uring.h> and <linux/io_uring/*.h> (sid, or
#                     experimental when newer) with ours, through C
#                     programs generated from the headers and compiled
#                     against each side.  A value or layout that differs
#                     fails; a name we lack is listed and counted (and
#                     fails too with UAPI_STRICT=1).  The download cache is
#                     DEBIAN_FETCH_CACHE, build/debian by default.
#
# .ci/run also runs every target listed on a "ci-targets += " line here.

ci-targets += check-uapi

.PHONY: check-uapi
check-uapi:
	@sh tools/need-packages.sh clang python3
	sh test/uapi/check-uapi.sh
