#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run the test suite under QEMU on every kernel series of the matrix, one
# after the other, and sum up.
#
#   test/kernel/test-kernels.sh [TEST_BINARY...]
#
# The series are KERNEL_SERIES (default "5.10 6.1 6.12 7 rc"); rc, Debian
# experimental's release candidate, runs only while it is newer than sid's
# kernel.  Each series is one test/kernel/run-vm.sh run with KERNEL=SERIES
# and its own KERNEL_TIMEOUT (default 360 s), so a hang costs one kernel's
# budget, not the whole run's.  The full log of each run is kept as
# KERNEL_OUT/SERIES.log; what is printed is the run's failures and verdict.
#
# Prints one line per kernel, `kernel-RELEASE: N passed, N failed, N skipped`
# (or `kernel-SERIES: no result (REASON)`), then a table, then a total line.
# Exit 0 only when every kernel gave a result with no failure.

set -u
set -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
out=${KERNEL_OUT:-$top/test/kernel/out}
series_list=${KERNEL_SERIES:-5.10 6.1 6.12 7 rc}
export KERNEL_TIMEOUT=${KERNEL_TIMEOUT:-360}
mkdir -p "$out" || exit 2

# rc_is_newer: experimental's kernel is newer than sid's (both resolved now)
rc_is_newer() {
	local rc sid
	rc=$(sh "$top/test/kernel/get-kernel.sh" -r rc) || return 2
	sid=$(sh "$top/test/kernel/get-kernel.sh" -r 7) || return 2
	echo "test-kernels: experimental has ${rc#* }, sid ${sid#* }"
	dpkg --compare-versions "${rc#* }" gt "${sid#* }"
}

lines=() rows=()
tp=0 tf=0 ts=0 bad=0
for s in $series_list; do
	if [ "$s" = rc ]; then
		rc_is_newer
		case $? in
		0) ;;
		1) echo "test-kernels: experimental is not newer than sid: rc not run"
		   continue ;;
		*) echo "test-kernels: cannot compare experimental with sid: rc not run"
		   continue ;;
		esac
	fi
	log=$out/$s.log
	echo "=== kernel series $s (timeout ${KERNEL_TIMEOUT}s) ==="
	KERNEL=$s bash "$top/test/kernel/run-vm.sh" "$@" >"$log" 2>&1
	rc=$?
	# what is worth seeing: failures with their output, errors, the verdict
	sed -n -e '/^==================== test-kernel/,$p' \
		-e '/^FAIL /p' -e '/^    | /p' \
		-e '/^TIMEOUT/p' -e '/^run-vm: error/p' -e '/^get-kernel:/p' \
		-e '/Kernel panic\|BUG:\|Oops/p' "$log" | sed '/^$/d'
	line=$(grep -aE '^kernel-[^ ]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n1)
	release=$(sed -n 's/^kernel: *\([^ ]*\) .*/\1/p' "$log" | tail -n1)
	vmtime=$(sed -n 's/^time: .*, \([0-9]*\)s in the VM.*/\1/p' "$log" | tail -n1)
	reason=$(sed -n 's/^result: *FAILED: //p' "$log" | tail -n1)
	if [ -n "$line" ]; then
		read -r np nf ns <<<"$(printf '%s\n' "$line" |
			sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/')"
		tp=$((tp + np)) tf=$((tf + nf)) ts=$((ts + ns))
	else
		np=- nf=- ns=-
		tf=$((tf + 1))
		line="kernel-$s: no result (${reason:-run-vm.sh exited $rc})"
	fi
	[ "$rc" = 0 ] || bad=1
	lines+=("$line")
	rows+=("$(printf '%-8s %-34s %6s %6s %7s %6ss  %s' "$s" "${release:-?}" \
		"$np" "$nf" "$ns" "${vmtime:-?}" "$([ "$rc" = 0 ] && echo ok || echo "FAILED${reason:+: $reason}")")")
done

echo
printf '%s\n' "${lines[@]}"
echo
printf '%-8s %-34s %6s %6s %7s %7s  %s\n' series kernel passed failed skipped "VM" result
printf '%s\n' "${rows[@]}"
echo
[ ${#lines[@]} -gt 0 ] || { echo "test-kernels: no kernel ran"; bad=1; }
echo "test-kernels: $tp passed, $tf failed, $ts skipped"
exit $bad
