#!/bin/sh
# Fallback test runner for the QEMU harness (test/kernel/run-vm.sh).
#
# It is used inside the VM only when the project's own test/runtests.sh is
# missing (or KERNEL_RUNNER points here).  It follows the same contract:
#
#   runtests.sh BIN...
#
# runs each binary with a per-test timeout (TEST_TIMEOUT seconds, default
# 120), prints one line per test and, at the end, exactly one summary line
#
#   tests: N passed, N failed, N skipped
#
# and exits non-zero if any test failed.  A test counts as skipped when it
# exits 77, or exits 0 having printed cmocka "[  SKIPPED ]" lines and no
# "[       OK ]" line.  The output of a failed test is printed, indented.
#
# Plain POSIX sh: runs under dash, bash and busybox sh (busybox provides
# timeout; if no timeout command is found tests run without one).

timeout_s=${TEST_TIMEOUT:-120}
out=${TMPDIR:-/tmp}/runtests.$$.out
trap 'rm -f "$out"' EXIT INT TERM

if command -v timeout >/dev/null 2>&1; then
	# TERM first (cmocka may still print), KILL 5 s later
	run_to() { timeout -k 5 "$timeout_s" "$@"; }
else
	run_to() { "$@"; }
fi

passed=0
failed=0
skipped=0
failed_list=

for t in "$@"; do
	name=${t##*/}
	start=$(date +%s)
	run_to "$t" >"$out" 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ]; then
		if grep -q '^\[  SKIPPED \]' "$out" &&
		   ! grep -q '^\[       OK \]' "$out"; then
			skipped=$((skipped + 1))
			echo "SKIP $name (${secs}s)"
		else
			passed=$((passed + 1))
			echo "PASS $name (${secs}s)"
		fi
	elif [ "$rc" -eq 77 ]; then
		skipped=$((skipped + 1))
		echo "SKIP $name (${secs}s)"
	else
		failed=$((failed + 1))
		failed_list="$failed_list $name"
		# GNU timeout exits 124; busybox's passes on 128+TERM/KILL
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 143 ] || [ "$rc" -eq 137 ]; then
			echo "FAIL $name (timeout after ${timeout_s}s, exit $rc)"
		else
			echo "FAIL $name (exit $rc, ${secs}s)"
		fi
		sed 's/^/    /' "$out"
	fi
done

[ -n "$failed_list" ] && echo "failed:$failed_list"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
