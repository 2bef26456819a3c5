# Manual page checks.  Included by the top-level Makefile.
#
#   make check-man   lint every page under man/ with mandoc and groff, check
#                    that alias links resolve, that every page is reachable
#                    and renders within 80 columns, that apropos finds the
#                    usual words, that each name in
#                    test/packaging/symbols.tsv has a man/man3/NAME.3 page,
#                    and build and run the example program of every
#                    section-7 page against the library.
#
# .ci/run also runs every target listed on a "ci-targets += " line here.

MAN_CHECK_SCRIPT = test/check-man.sh

ci-targets += check-man

.PHONY: check-man
check-man: lib
	LIBURING_LIBDIR=$(abspath $(B)/src) CC="$(CC)" sh $(MAN_CHECK_SCRIPT)
