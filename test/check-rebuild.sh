#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Touching a header rebuilds exactly what includes it.
#
#   B=BUILD_DIR sh test/check-rebuild.sh     (after `make B=BUILD_DIR all tests`)
#
# For every header of the tree (include/, src/, test/), `make -n -W HEADER`
# (make's "what if HEADER were new", which touches nothing) lists the C
# files it would compile.  They must be exactly the C files that include
# the header, directly or not (as `cc -MM` finds them, independently of
# the Makefile), plus what links a rebuilt object: every test when
# test/helpers.c includes the header, the programs in bin/ when a library
# source does.  Programs linked against liburing.so are not relinked when
# it changes (its soname does not).  A build that is up to date compiles
# nothing.  Prints ok/FAIL lines, then
#     check-rebuild: N checks, M failed

LC_ALL=C
export LC_ALL

cd "$(dirname "$0")/.." || exit 2
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
B=${B:-.}
CC=${CC:-cc}
MAKE=${MAKE:-make}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-rebuild.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

checks=0
failed=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); failed=$((failed + 1)); echo "FAIL $*"; }

# compiled [HEADER]: the C files `make -n` would compile, one a line.
compiled() {
	$MAKE --no-print-directory -n ${1:+-W "$1"} B="$B" all tests 2>&1 |
		tr ' ' '\n' | grep -E '^(src|test|examples|bin)/[^ ]*\.c$' |
		sort -u
}

# Every source's headers, as the compiler finds them: $tmp/deps is
# "SOURCE HEADER" lines.
sources=$(ls src/*.c test/*.c examples/*.c bin/*.c)
for s in $sources; do
	$CC -MM -D_GNU_SOURCE -Iinclude -Isrc -Itest "$s" |
		tr -s ' \\' '\n\n' | grep '\.h$' | sed "s|^|$s |"
done > "$tmp/deps" || exit 2

includers() { awk -v h="$1" '$2 == h { print $1 }' "$tmp/deps" | sort -u; }

compiled > "$tmp/none"
if [ -s "$tmp/none" ]; then
	fail "an up-to-date build compiles again:" $(cat "$tmp/none")
else
	ok "an up-to-date build compiles nothing"
fi

for h in include/liburing.h include/liburing/*.h include/liburing/io_uring/*.h \
	src/*.h test/*.h; do
	includers "$h" > "$tmp/want"
	if grep -qx test/helpers.c "$tmp/want"; then
		ls test/*.c >> "$tmp/want"
	fi
	if grep -v '^src/ffi\.c$' "$tmp/want" | grep -q '^src/'; then
		ls bin/*.c >> "$tmp/want"
	fi
	sort -u -o "$tmp/want" "$tmp/want"
	compiled "$h" > "$tmp/have"
	if cmp -s "$tmp/want" "$tmp/have"; then
		ok "$h: $(wc -l < "$tmp/have") C files rebuilt, the ones that include it"
	else
		fail "$h: rebuilt C files differ (< not rebuilt, > rebuilt needlessly):"
		diff "$tmp/want" "$tmp/have" | grep '^[<>]' | sed 's/^/    | /'
	fi
done

echo "check-rebuild: $checks checks, $failed failed"
[ "$failed" -eq 0 ]
