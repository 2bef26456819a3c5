# Source compatibility with liburing 2.15's headers.  Included by the
# top-level Makefile.
#
#   make check-liburing-names   every macro, function (prototype and C++
#                               noexcept), struct member, enumerator and
#                               typedef in Debian sid's liburing-dev, and
#                               every header it installs, must exist in
#                               include/ (test/check-liburing-names.sh)

ci-targets += check-liburing-names

.PHONY: check-liburing-names

check-liburing-names:
	@tools/need-packages.sh python3 gcc g++
	sh test/check-liburing-names.sh
