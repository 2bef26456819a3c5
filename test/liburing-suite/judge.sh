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
# as 2.15: a failure, skip or hang that liburing shares on this kernel is
# the kernel's or the machine's.  When 2.15 passes, ours runs up to three
# more times (some tests fail or skip at random with either library), and
# if it never passes while 2.15 passes twice more, three in three, the
# test counts against us.  A test that builds as 2.15 but not as ours lacks
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

# judge_shared STATUS: test $t, which exited STATUS as ours, does not pass
# with 2.15 either (in judge's loop)
judge_shared() {
	if [ "$1" = 77 ]; then
		skipped=$((skipped + 1))
	else
		echo "fails with 2.15 too: $t (exit $1):" \
			"$(tail -n1 "$ours/$t.log")"
		theirs=$((theirs + 1))
	fi
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
		# What 2.15 does not pass here either is not ours: one run
		# tells, so a skip or a hang it shares costs one run more.
		if ! judge_run "$ref" "${REF_LIBS:-}" "$t"; then
			judge_shared "$rc"
		# wq-aff, for one, skips about one run in three with either
		# library, racing the naming of io-wq threads
		elif judge_runs_pass "$ours" "${OURS_LIBS:-}" "$t" 3; then
			echo "FLAKY $t: exit $rc once, then passed"
			passed=$((passed + 1))
		elif ! judge_runs_all_pass "$ref" "${REF_LIBS:-}" "$t" 2; then
			judge_shared "$rc"
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
