#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The runner kernel.sh hands to test/kernel/run-vm.sh: inside the VM, in
# the tree's root, it is called with every test binary of both copies of
# liburing's suite (build/liburing-suite/ours/test/*.t and .../2.15/...)
# and judges them by judge.sh's rule.  Its settings come from the file
# kernel.sh writes beside the copies (vm.conf): where each side's
# liburing.so.2 is (a test's rpath names a host directory, so each side
# goes ahead of LD_LIBRARY_PATH instead), the timeout per test, the tests
# left out, and a line for every test passed.

here=${0%/*}
. build/liburing-suite/vm.conf || exit 2
. "$here/judge.sh" || exit 2

# absolute: judge runs each test from its own directory
absolute() {
	case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac
}
OURS_LIBS=$(absolute "$OURS_LIBS")
REF_LIBS=$(absolute "$REF_LIBS")

ours= ref=
for t in "$@"; do
	case $t in
	*/ours/test/*) ours=$(absolute "${t%/*}") ;;
	*/2.15/test/*) ref=$(absolute "${t%/*}") ;;
	esac
done
[ -n "$ours" ] && [ -n "$ref" ] || {
	echo "vm-runner: no binaries of both copies given"
	echo "tests: 0 passed, 1 failed, 0 skipped"
	exit 1
}
echo "liburing-suite: ours in $ours, 2.15 in $ref"
judge "$ours" "$ref" $(for t in "$@"; do echo "${t##*/}"; done | sort -u)
