#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Coverage figures of a --coverage build whose tests have run.
#
#   sh test/coverage/report.sh BUILD_DIR
#
# Prints gcovr's per-file table for src/, the exported functions (those
# src/liburing.map lists) the run never entered, the same figures for the
# inline helpers of include/liburing.h as the tests use them, and last the
# line "coverage: lines X% branches Y%" for src/.  Writes an HTML report
# to BUILD_DIR/coverage.html.  Reports only; never fails on a figure.

set -eu
build=$1
top=$(pwd)

gcovr -r . "$build" -f 'src/' -b --txt
gcovr -r . "$build" -f 'src/' --txt | sed -n '/^File/,$p'
gcovr -r . "$build" -f 'src/' -f 'include/liburing.h' --html --html-details \
	-o "$build/coverage.html" >/dev/null 2>&1 || true

# Function counts straight from gcov: gcovr leaves out names beginning
# with "__", and liburing exports some.
for src in src/*.c; do
	[ -f "$build/src/$(basename "$src" .c).gcda" ] || continue
	(cd "$build" && gcov -n -f -o src "$top/$src" 2>/dev/null) || true
done > "$build/gcov-functions.txt"

python3 - "$build/gcov-functions.txt" src/liburing.map <<'EOF'
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
print("exported functions entered: %d of %d" %
      (len(exported) - len(never), len(exported)))
for n in never:
    print("  never entered: %s%s" % (n, "" if n in entered else " (not compiled)"))
EOF

echo "--- inline helpers of include/liburing.h, as the tests use them"
gcovr -r . "$build" -f 'include/liburing.h' --print-summary -o /dev/null |
	sed 's/^/  /'

gcovr -r . "$build" -f 'src/' --print-summary -o /dev/null | awk '
	/^lines:/ { l = $2 }
	/^branches:/ { b = $2 }
	END { printf "coverage: lines %s branches %s\n", l, b }'
