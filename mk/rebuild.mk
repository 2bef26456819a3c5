# Build-system check.  Included by the top-level Makefile.
#
#   make check-rebuild   for every header, `make -n -W HEADER` compiles
#                        exactly the C files that include it (found by
#                        cc -MM, apart from the Makefile's -MMD files), and
#                        an up-to-date tree compiles nothing
#                        (test/check-rebuild.sh)
#
# .ci/run also runs every target listed on a "ci-targets += " line here.

ci-targets += check-rebuild

.PHONY: check-rebuild
check-rebuild: all tests
	@B=$(B) sh test/check-rebuild.sh
