#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run test programs, one line each, then a summary.  POSIX sh, and
# busybox sh too (the older-kernel VM runs it).
#
#   sh test/runtests.sh [-t SECONDS] BIN...
#
# Counts are of cmocka test cases.  A program that crashes, times out or
# exits non-zero fails.  Exit status: 0 when nothing failed.

limit=${TEST_TIMEOUT:-120}
if [ "$1" = "-t" ]; then
	limit=$2
	shift 2
fi

passed=0 failed=0 skipped=0 failed_names=
out=${TMPDIR:-/tmp}/runtests.$$
trap 'rm -f "$out"' EXIT INT TERM

count() {	# count TAG: the N of "[  TAG  ] N test(s)" in $out
	sed -n "s/^\[ *$1 *\] \([0-9][0-9]*\) test.*/\1/p" "$out" | head -n 1
}

for bin in "$@"; do
	name=${bin##*/}
	name=${name%.t}
	start=$(date +%s)
	if command -v timeout >/dev/null 2>&1; then
		timeout "$limit" "$bin" > "$out" 2>&1
	else
		"$bin" > "$out" 2>&1
	fi
	status=$?
	secs=$(( $(date +%s) - start ))
	p=$(count PASSED); f=$(count FAILED); s=$(count SKIPPED)
	p=${p:-0}; f=${f:-0}; s=${s:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, timed out or failed outside cmocka
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		printf 'FAIL %-28s %3s passed %3s failed %3s skipped (%ss, exit %s)\n' \
			"$name" "$p" "$f" "$s" "$secs" "$status"
		sed 's/^/    | /' "$out"
		failed_names="$failed_names $name"
	else
		printf 'ok   %-28s %3s passed %3s failed %3s skipped (%ss)\n' \
			"$name" "$p" "$f" "$s" "$secs"
		grep '^SKIP ' "$out" | sed 's/^/    /'
	fi
done

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ -z "$failed_names" ] || echo "failed:$failed_names"
[ "$failed" -eq 0 ]
