#!/bin/sh
# SPDX-License-Identifier: MIT
#
# liburing's own test suite, run against this library.
#
#   test/liburing-suite/run.sh [-b] LIBDIR [TEST...]
#
# LIBDIR holds our liburing.so (the build's src/).  The suite is the
# test/ directory of the upstream source of Debian sid's liburing (the
# release liburing-dev 2.15 is built from), fetched with
# tools/debian-fetch.sh -s and never copied into the project.  It is
# built twice, each copy configured in a directory of its own under
# build/liburing-suite:
#
#   ours   with include/ ahead of the suite's headers, linked with LIBDIR
#   2.15   with its own headers, linked with sid's liburing.so.2
#
# Two sets of binaries are then judged against 2.15's own on the same
# kernel, by the rule in judge.sh (a failure counts against us only when
# liburing passes where we never do): the suite built as ours (the source
# drop-in), and 2.15's binaries run on our liburing.so.2 (the binary
# drop-in: struct layout, inline helpers of 2.15's header calling into
# our library).  A few tests build as neither (they call functions that
# only liburing.a exports, such as __io_uring_queue_init_params).
#
# With -b, it only builds both copies and prints their test directories
# (ours, then 2.15's), for kernel.sh to carry into a VM.
#
# Exits 1 when anything in either set counts against us.  SUITE_TIMEOUT:
# seconds per test (judge.sh).

set -u

die() { echo "liburing-suite: $*" >&2; exit 2; }

build_only=0
[ "${1:-}" = -b ] && { build_only=1; shift; }
[ $# -ge 1 ] || die "usage: run.sh [-b] LIBDIR [TEST...]"
top=$(cd "$(dirname "$0")/../.." && pwd) || die "no top directory"
libdir=$(cd "$1" && pwd) || die "no directory $1"
shift
[ -e "$libdir/liburing.so" ] || die "$libdir has no liburing.so (make lib)"
work=$top/build/liburing-suite
fetch=$top/tools/debian-fetch.sh

src=$(sh "$fetch" -s sid liburing) || die "cannot fetch liburing's source"
root=$(sh "$fetch" sid liburing2) || die "cannot fetch sid's liburing2"
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
reflib=$(ls "$root/usr/lib/$multiarch"/liburing.so.2.* 2>/dev/null | head -n1)
[ -n "$reflib" ] || die "sid's liburing2 has no liburing.so.2.*"

# configure and build one copy of the suite: NAME CPPFLAGS LIBDIR
build() {
	d=$work/$1
	rm -rf "$d" && mkdir -p "$d" || die "cannot create $d"
	cp -a "$src"/. "$d/" || die "cannot copy $src"
	(cd "$d" && ./configure >configure.log 2>&1) ||
		die "$1: configure failed (see $d/configure.log)"
	make -C "$d/test" -k -j2 CPPFLAGS="$2" \
		LDFLAGS="-L$3 -Wl,-rpath,$3" LIBURING= all \
		>"$d/build.log" 2>&1
	ls "$d/test"/*.t 2>/dev/null | wc -l
}

# the suite's tests: its Makefile's list, and what the configuration
# added to it (nolibc, statx, C++), as either build made them
all_tests() {
	{
		sed -n '/^test_srcs := /,/^$/p' "$src/test/Makefile" |
			grep -o '[^[:space:]\\]*\.cc*' | sed 's/\.cc*$/.t/'
		cd "$work" && ls ours/test/*.t 2.15/test/*.t 2>/dev/null |
			sed 's|.*/||'
	} | sort -u
}

mkdir -p "$work/lib-2.15" || die "cannot create $work/lib-2.15"
cp -L "$reflib" "$work/lib-2.15/liburing.so.2" &&
	ln -sf liburing.so.2 "$work/lib-2.15/liburing.so" ||
	die "cannot set up $work/lib-2.15"
n_ours=$(build ours "-I$top/include" "$libdir") || exit 2
n_ref=$(build 2.15 "" "$work/lib-2.15") || exit 2
echo "liburing-suite: $(basename "$src"): $n_ours tests built as ours," \
	"$n_ref as 2.15" >&2
ours=$work/ours/test ref=$work/2.15/test
[ "$build_only" = 1 ] && { echo "$ours"; echo "$ref"; exit 0; }

# The binary drop-in: 2.15's binaries, a copy of their own so that logs
# and scratch files stay apart, run with our liburing.so.2 ahead of their
# rpath (a runpath, which LD_LIBRARY_PATH overrides).
binaries=$work/2.15-binaries/test
rm -rf "${binaries%/test}" && mkdir -p "${binaries%/test}" &&
	cp -a "$ref" "$binaries" || die "cannot copy $ref"
LD_LIBRARY_PATH=$libdir ldd "$binaries/nop.t" |
	grep -q "=> $libdir/liburing.so.2 " ||
	die "2.15's nop.t would not load $libdir/liburing.so.2"

tests=$(all_tests)
if [ $# -gt 0 ]; then
	tests=$(for t in $tests; do
		case " $* " in *" $t "*) echo "$t" ;; esac
	done)
fi
. "$top/test/liburing-suite/judge.sh"
echo "liburing-suite: built against this library's headers and library:"
judge "$ours" "$ref" $tests
from_source=$?
echo "liburing-suite: built against liburing 2.15, run on this library:"
OURS_LIBS=$libdir
judge "$binaries" "$ref" $tests
from_binaries=$?
[ "$from_source" = 0 ] && [ "$from_binaries" = 0 ]
