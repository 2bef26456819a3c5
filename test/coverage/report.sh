#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Coverage figures of a --coverage build whose tests have run, and the
# gate on them.
#
#   sh test/coverage/report.sh BUILD_DIR [SRC...]
#
# SRC are the library's sources (default src/*.c); their objects'
# counters, in BUILD_DIR/src, are what is measured: the code of src/ and
# the inline helpers of include/liburing.h as compiled into those objects
# (the same helpers compiled into the tests, or into src/ffi.c, which
# exports every one of them, are reported apart and not gated).
#
# Prints gcovr's per-file tables (branches, then lines), the exported
# functions (those src/liburing.map lists) the run never entered, the
# figures of the inline helpers as the tests use them, and last
#
#   coverage: lines X% (N/M) branches Y% (N/M) functions N/M
#
# Exits 1, saying why, when lines are under COV_MIN_LINES percent
# (default 95), branches under COV_MIN_BRANCHES (default 90), or an
# exported function was never entered.  Writes an HTML report to
# BUILD_DIR/coverage.html.

set -eu
build=$1
shift
[ $# -gt 0 ] || set -- src/*.c
top=$(pwd)
min_lines=${COV_MIN_LINES:-95}
min_branches=${COV_MIN_BRANCHES:-90}

# Only the library's objects: gcovr takes every .gcda under a directory.
lib=$build/coverage-lib
rm -rf "$lib"
mkdir -p "$lib/src"
for src in "$@"; do
	obj=$build/src/$(basename "$src" .c)
	[ -f "$obj.gcda" ] || { echo "no counters for $src ($obj.gcda)" >&2; exit 1; }
	cp "$obj.gcno" "$obj.gcda" "$lib/src/"
done

gcovr -r . "$lib" -f src/ -f include/liburing.h -b --txt
gcovr -r . "$lib" -f src/ -f include/liburing.h --txt | sed -n '/^File/,$p'
gcovr -r . "$lib" -f src/ -f include/liburing.h --html --html-details \
	-o "$build/coverage.html" >/dev/null 2>&1 || true

# Function counts straight from gcov: gcovr leaves out names beginning
# with "__", and liburing exports some.
for src in "$@"; do
	(cd "$lib" && gcov -n -f -o src "$top/$src" 2>/dev/null) || true
done > "$build/gcov-functions.txt"

python3 - "$build/gcov-functions.txt" src/liburing.map \
	> "$build/functions.txt" <<'EOF'
import re, sys

entered = {}
name = None
for line in open(sys.argv[1]):
    m = re.match(r"Function '(.*)'", line)
    if m:
        name = m.group(1)
        continue
    m = re.match(r"Lines executed:([0-9.]+)% of", line)
    if m and name:
        entered[name] = max(entered.get(name, 0.0), float(m.group(1)))
        name = None

exported = []
glob = False
for line in open(sys.argv[2]):
    line = re.sub(r"/\*.*?\*/", "", line).strip()
    if line.startswith("global:"):
        glob = True
    elif line.startswith("local:") or line.startswith("}"):
        glob = False
    elif glob and line.endswith(";"):
        exported.append(line[:-1].strip())

never = sorted(n for n in exported if entered.get(n, 0) == 0)
print("functions %d %d" % (len(exported) - len(never), len(exported)))
print("exported functions entered: %d of %d" %
      (len(exported) - len(never), len(exported)))
for n in never:
    print("  never entered: %s%s" % (n, "" if n in entered else " (not compiled)"))
EOF
sed 1d "$build/functions.txt"

# gcovr's report goes to a file of ours: gcovr replaces its output file,
# and given /dev/null it deletes the device (seen with gcovr 5.2).
echo "--- inline helpers of include/liburing.h, as the tests use them"
gcovr -r . "$build" -f 'include/liburing.h' --print-summary \
	-o "$build/inline-report.txt" | sed 's/^/  /'

gcovr -r . "$lib" -f src/ -f include/liburing.h --print-summary \
	-o "$build/report.txt" | {
	cat
	sed -n 1p "$build/functions.txt"
} | awk -v min_l="$min_lines" -v min_b="$min_branches" '
	# "lines: 99.5% (813 out of 817)"
	/^lines:/ { lc = $3; lt = $6; sub(/^\(/, "", lc); sub(/\)$/, "", lt) }
	/^branches:/ { bc = $3; bt = $6; sub(/^\(/, "", bc); sub(/\)$/, "", bt) }
	/^functions / { fc = $2; ft = $3 }
	END {
		if (lt == "" || bt == "" || ft == "") {
			print "coverage: no figures"
			exit 1
		}
		lp = lt ? 100 * lc / lt : 100
		bp = bt ? 100 * bc / bt : 100
		printf "coverage: lines %.1f%% (%d/%d) branches %.1f%% (%d/%d)",
		       lp, lc, lt, bp, bc, bt
		printf " functions %d/%d\n", fc, ft
		bad = ""
		if (lc * 100 < min_l * lt)
			bad = bad sprintf(" lines under %s%%;", min_l)
		if (bc * 100 < min_b * bt)
			bad = bad sprintf(" branches under %s%%;", min_b)
		if (fc < ft)
			bad = bad sprintf(" %d exported functions never entered;", ft - fc)
		if (bad != "") {
			print "coverage: FAILED:" bad
			exit 1
		}
	}'
