#!/bin/sh
# SPDX-License-Identifier: MIT
#
# liburing's own test suite, run against this library.
#
#   test/liburing-suite/run.sh LIBDIR [TEST...]
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
# Every test built as ours runs (one at a time, in its directory, with a
# timeout).  One that fails or skips runs up to three more times; if it
# never passes, it runs three times as 2.15, and counts against us only
# when liburing passes all three: a failure (or a skip) that liburing
# shares on this kernel is the kernel's or the machine's, and some tests
# fail or skip at random with either library.  A test that builds as
# 2.15 but not as ours lacks an API; a few build as neither (they call
# functions that only liburing.a exports, such as
# __io_uring_queue_init_params).
#
# Prints a line per test that did not pass and a summary; exits 1 when
# anything counts against us.  SUITE_TIMEOUT: seconds per test (default
# 120; the longest, send-zerocopy, takes about 30 s).

set -u

die() { echo "liburing-suite: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: run.sh LIBDIR [TEST...]"
top=$(cd "$(dirname "$0")/../.." && pwd) || die "no top directory"
libdir=$(cd "$1" && pwd) || die "no directory $1"
shift
[ -e "$libdir/liburing.so" ] || die "$libdir has no liburing.so (make lib)"
timeout_s=${SUITE_TIMEOUT:-120}
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

# run DIR TEST: the test's exit status (124 on timeout)
run() {
	(cd "$1" && timeout -k 5 "$timeout_s" "./$2" >"$2.log" 2>&1 </dev/null)
}

# runs_pass DIR TEST N: true when one of N runs passes
runs_pass() {
	i=0
	while [ "$i" -lt "$3" ]; do
		run "$1" "$2" && return 0
		i=$((i + 1))
	done
	return 1
}

# runs_all_pass DIR TEST N: true when all N runs pass
runs_all_pass() {
	i=0
	while [ "$i" -lt "$3" ]; do
		run "$1" "$2" || return 1
		i=$((i + 1))
	done
	return 0
}

mkdir -p "$work/lib-2.15" || die "cannot create $work/lib-2.15"
cp -L "$reflib" "$work/lib-2.15/liburing.so.2" &&
	ln -sf liburing.so.2 "$work/lib-2.15/liburing.so" ||
	die "cannot set up $work/lib-2.15"
n_ours=$(build ours "-I$top/include" "$libdir") || exit 2
n_ref=$(build 2.15 "" "$work/lib-2.15") || exit 2
echo "liburing-suite: $(basename "$src"): $n_ours tests built as ours," \
	"$n_ref as 2.15"
ours=$work/ours/test ref=$work/2.15/test

bad=0 passed=0 skipped=0 theirs=0 not_built=0
for t in $(all_tests); do
	[ $# -eq 0 ] || case " $* " in *" $t "*) ;; *) continue ;; esac
	if [ ! -x "$ours/$t" ]; then
		if [ -x "$ref/$t" ]; then
			echo "NOT BUILT $t: builds against liburing 2.15 only" \
				"(see $ours/../build.log)"
			bad=$((bad + 1))
		else
			not_built=$((not_built + 1))
		fi
		continue
	fi
	run "$ours" "$t"
	rc=$?
	[ "$rc" = 0 ] && { passed=$((passed + 1)); continue; }
	# Some tests skip or fail at random with either library (wq-aff
	# skips about one run in three, racing the naming of io-wq threads):
	# a test counts against us only when three more runs as ours never
	# pass and three runs as 2.15 all pass.
	if runs_pass "$ours" "$t" 3; then
		echo "FLAKY $t: exit $rc once, then passed"
		passed=$((passed + 1))
	elif [ "$rc" = 77 ] && ! runs_all_pass "$ref" "$t" 3; then
		skipped=$((skipped + 1))
	elif [ "$rc" = 77 ]; then
		echo "SKIP $t: skipped by ours, passed by 2.15" \
			"($(tail -n1 "$ours/$t.log"))"
		bad=$((bad + 1))
	elif runs_all_pass "$ref" "$t" 3; then
		echo "FAIL $t: exit $rc with ours, passes with 2.15:" \
			"$(tail -n1 "$ours/$t.log")"
		bad=$((bad + 1))
	else
		echo "fails with 2.15 too: $t (exit $rc):" \
			"$(tail -n1 "$ours/$t.log")"
		theirs=$((theirs + 1))
	fi
done

echo "liburing-suite: $passed passed, $skipped skipped (as by 2.15)," \
	"$theirs failed as with 2.15, $not_built built by neither," \
	"$bad against us"
[ "$bad" = 0 ]
