# Manual page checks.  Included by the top-level Makefile.
#
#   make check-man   lint every page under man/ with mandoc and groff, check
#                    that .so link pages resolve, that each name in
#                    test/packaging/symbols.tsv has a man/man3/NAME.3 page,
#                    and that the example program in io_uring(7) compiles.
#
# .ci/run also runs every target listed on a "ci-targets += " line here.

MAN_CHECK_SCRIPT = test/check-man.sh

ci-targets += check-man

.PHONY: check-man
check-man:
	sh $(MAN_CHECK_SCRIPT)
