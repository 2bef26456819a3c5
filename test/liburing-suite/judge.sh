#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The verdict on liburing's test suite run against this library: one rule,
# sourced by run.sh on the host and by vm-runner.sh inside a QEMU VM.
#
#   . judge.sh
#   judge OURS_DIR REF_DIR TEST...
#
# OURS_DIR holds the suite built against this library, REF_DIR the same
# suite built against liburing 2.15.  Every TEST built as ours runs (one at
# a time, in its directory, with a timeout).  One that fails or skips runs
# up to three more times; if it never passes, it runs three times as 2.15,
# and counts against us only when liburing passes all three: a failure (or
# a skip) that liburing shares on this kernel is the kernel's or the
# machine's, and some tests fail or skip at random with either library.
# A test that hangs (times out) with ours and then with 2.15 counts as
# 2.15's at once: an old kernel under TCG has several, and each run of one
# costs a whole timeout.  A test that builds as 2.15 but not as ours lacks
# an API; one built by neither is counted apart.  A test named in
# SUITE_LEAVE_OUT is not run (a test that brings down an old kernel with
# either library).
#
# OURS_LIBS and REF_LIBS, when set, go ahead of LD_LIBRARY_PATH for each
# side (the VM, where rpaths do not hold).  SUITE_TIMEOUT: seconds per test
# (default 120; the longest, send-zerocopy, takes about 30 s on the host).
#
# Prints a line per test that did not pass (and per test that did, with
# SUITE_VERBOSE set: the VM's console then shows where a crash struck),
# then the summary lines
#
#   liburing-suite: N passed, N skipped (as by 2.15), ...
#   tests: N passed, N failed, N skipped
#
# (the second for test/kernel/run-vm.sh, "failed" being what counts against
# us) and returns 1 when anything counts against us.

# judge_run DIR LIBS TEST: the test's exit status (124 or more on timeout)
judge_run() {
	(
		cd "$1" || exit 2
		[ -z "$2" ] || LD_LIBRARY_PATH=$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
		export LD_LIBRARY_PATH
		timeout -k 5 "${SUITE_TIMEOUT:-120}" "./$3" >"$3.log" 2>&1 </dev/null
	)
}

# judge_timed_out STATUS: a status of judge_run's that means a timeout
# (GNU timeout's 124; busybox's passes on 128 + TERM or KILL)
judge_timed_out() {
	[ "$1" = 124 ] || [ "$1" = 143 ] || [ "$1" = 137 ]
}

# judge_hangs DIR LIBS TEST: true when a run times out
judge_hangs() {
	judge_run "$1" "$2" "$3"
	judge_timed_out $?
}

# judge_runs_pass DIR LIBS TEST N: true when one of N runs passes
judge_runs_pass() {
	i=0
	while [ "$i" -lt "$4" ]; do
		judge_run "$1" "$2" "$3" && return 0
		i=$((i + 1))
	done
	return 1
}

# judge_runs_all_pass DIR LIBS TEST N: true when all N runs pass
judge_runs_all_pass() {
	i=0
	while [ "$i" -lt "$4" ]; do
		judge_run "$1" "$2" "$3" || return 1
		i=$((i + 1))
	done
	return 0
}

judge() {
	ours=$1 ref=$2
	shift 2
	bad=0 passed=0 skipped=0 theirs=0 not_built=0 left_out=0
	for t in "$@"; do
		case " ${SUITE_LEAVE_OUT:-} " in *" $t "*)
			echo "LEFT OUT $t"
			left_out=$((left_out + 1))
			continue ;;
		esac
		if [ ! -x "$ours/$t" ]; then
			if [ -x "$ref/$t" ]; then
				echo "NOT BUILT $t: builds against liburing" \
					"2.15 only"
				bad=$((bad + 1))
			else
				not_built=$((not_built + 1))
			fi
			continue
		fi
		judge_run "$ours" "${OURS_LIBS:-}" "$t"
		rc=$?
		if [ "$rc" = 0 ]; then
			[ -z "${SUITE_VERBOSE:-}" ] || echo "pass $t"
			passed=$((passed + 1))
			continue
		fi
		# a hang 2.15 shares costs two timeouts, not seven
		if judge_timed_out "$rc" &&
		   judge_hangs "$ref" "${REF_LIBS:-}" "$t"; then
			echo "hangs with 2.15 too: $t"
			theirs=$((theirs + 1))
		# wq-aff, for one, skips about one run in three with either
		# library, racing the naming of io-wq threads
		elif judge_runs_pass "$ours" "${OURS_LIBS:-}" "$t" 3; then
			echo "FLAKY $t: exit $rc once, then passed"
			passed=$((passed + 1))
		elif ! judge_runs_all_pass "$ref" "${REF_LIBS:-}" "$t" 3; then
			if [ "$rc" = 77 ]; then
				skipped=$((skipped + 1))
			else
				echo "fails with 2.15 too: $t (exit $rc):" \
					"$(tail -n1 "$ours/$t.log")"
				theirs=$((theirs + 1))
			fi
		elif [ "$rc" = 77 ]; then
			echo "SKIP $t: skipped by ours, passed by 2.15" \
				"($(tail -n1 "$ours/$t.log"))"
			bad=$((bad + 1))
		else
			echo "FAIL $t: exit $rc with ours, passes with 2.15:" \
				"$(tail -n1 "$ours/$t.log")"
			bad=$((bad + 1))
		fi
	done
	echo "liburing-suite: $passed passed, $skipped skipped (as by 2.15)," \
		"$theirs failed as with 2.15, $not_built built by neither," \
		"$left_out left out, $bad against us"
	echo "tests: $passed passed, $bad failed," \
		"$((skipped + theirs + left_out)) skipped"
	[ "$bad" = 0 ]
}
