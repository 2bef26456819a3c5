# Example checks.  Included by the top-level Makefile.
#
#   make check-examples   run every program in examples/ on small inputs it
#                         makes, check its output, and check that bad
#                         arguments print the usage line and exit 2
#                         (test/examples.sh); README's hello.c is cut out
#                         of README, built with -Werror and run

ci-targets += check-examples

.PHONY: check-examples
check-examples:
	@$(MAKE) --no-print-directory lib examples
	sh test/examples.sh $(B)/examples
