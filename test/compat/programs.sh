#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run unmodified Debian programs that link liburing.so.2 with our library
# put in its place through LD_LIBRARY_PATH, and check what they produce.
#
#   sh test/compat/programs.sh LIBDIR
#
# For each program: the dynamic linker must resolve its io_uring symbols
# to LIBDIR/liburing.so.2 (LD_DEBUG=bindings), it must really use
# io_uring (strace counts io_uring_enter calls, when strace is there),
# and its results must be right.
#
#   qemu-io    writes and reads patterns through its io_uring AIO engine;
#              qemu verifies each read against the pattern (a deliberately
#              wrong pattern must be caught, proving the check is live)
#   qemu-img   copies a random 6 MiB image with aio=io_uring on both ends;
#              compared with cmp
#   plocate    searches a database built from a generated tree; plocate
#              reads it with io_uring; compared with find's answer
#
# fio is no use here: Debian's fio drives io_uring with its own code and
# does not link liburing.so.2.

set -u
libdir=$(cd "$1" && pwd)
lib=$libdir/liburing.so.2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0

ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }

ours() { LD_LIBRARY_PATH=$libdir "$@"; }

# bound PROGRAM ARGS...: the program's own liburing symbols bound to ours?
bound() {
	prog=$1
	LD_LIBRARY_PATH=$libdir LD_BIND_NOW=1 LD_DEBUG=bindings \
		LD_DEBUG_OUTPUT=$tmp/ld "$@" >/dev/null 2>&1
	n=$(cat "$tmp"/ld.* 2>/dev/null |
	    grep "binding file [^ ]*$prog \[0\] to $lib \[0\]: .*symbol \`_*io_uring" |
	    wc -l)
	rm -f "$tmp"/ld.*
	if [ "$n" -gt 0 ]; then
		ok "$prog: $n io_uring symbols bound to $lib"
	else
		fail "$prog: no io_uring symbol bound to $lib"
	fi
}

# enters PROGRAM ARGS...: how many io_uring_enter calls it made with ours.
enters() {
	if ! command -v strace >/dev/null; then
		echo "?"
		return
	fi
	LD_LIBRARY_PATH=$libdir strace -f -qq -c -o "$tmp/strace" \
		-e trace=io_uring_enter "$@" >/dev/null 2>&1
	awk '$NF == "io_uring_enter" { print $4 }' "$tmp/strace"
}

used_uring() {	# used_uring NAME COUNT
	case $2 in
	"?") skip "$1: strace missing, cannot count io_uring_enter" ;;
	""|0) fail "$1: made no io_uring_enter call" ;;
	*) ok "$1: $2 io_uring_enter calls" ;;
	esac
}

# --- qemu-io -----------------------------------------------------------------
if command -v qemu-io >/dev/null; then
	img=$tmp/qemu-io.img
	truncate -s 8M "$img"
	set -- -f raw -i io_uring \
		-c "write -P 0x5a 0 4M" -c "aio_write -P 0x11 4M 1M" \
		-c "aio_flush" -c "writev -P 0x33 5M 256k 256k 512k" \
		-c "read -P 0x5a 0 4M" -c "readv -P 0x11 4M 512k 512k" \
		-c "aio_read -P 0x33 5M 1M" -c "aio_flush" \
		-c "read -P 0x00 6M 2M"
	if ours qemu-io "$@" "$img" > "$tmp/out" 2>&1 &&
	   ! grep -qi "fail\|error" "$tmp/out"; then
		ok "qemu-io: $(grep -c '^\(wrote\|read\)' "$tmp/out") patterned writes and verified reads"
	else
		fail "qemu-io:"
		sed 's/^/    | /' "$tmp/out"
	fi
	# The exit status of a failed verification varies between versions;
	# what matters is that the mismatch is seen.
	ours qemu-io -f raw -i io_uring -c "read -P 0x77 0 4k" "$img" \
		> "$tmp/out" 2>&1
	if grep -q "Pattern verification failed" "$tmp/out"; then
		ok "qemu-io: a wrong pattern is reported"
	else
		fail "qemu-io: a wrong pattern went unnoticed"
	fi
	bound qemu-io -f raw -i io_uring -c "read 0 4k" "$img"
	used_uring qemu-io "$(enters qemu-io "$@" "$img")"
else
	skip "qemu-io: not installed (apt-get install qemu-utils)"
fi

# --- qemu-img ----------------------------------------------------------------
if command -v qemu-img >/dev/null; then
	head -c 6M /dev/urandom > "$tmp/src.raw"
	truncate -s 6M "$tmp/dst.raw"
	opts() { echo "driver=raw,file.driver=file,file.filename=$1,file.aio=io_uring"; }
	set -- convert --image-opts "$(opts "$tmp/src.raw")" \
		--target-image-opts "$(opts "$tmp/dst.raw")" -n
	if ours qemu-img "$@" > "$tmp/out" 2>&1 &&
	   cmp -s "$tmp/src.raw" "$tmp/dst.raw"; then
		ok "qemu-img: 6 MiB image copied with io_uring on both ends, identical"
	else
		fail "qemu-img convert:"
		sed 's/^/    | /' "$tmp/out"
	fi
	if ours qemu-img compare --image-opts "$(opts "$tmp/src.raw")" \
		"$(opts "$tmp/dst.raw")" > "$tmp/out" 2>&1; then
		ok "qemu-img compare: $(cat "$tmp/out")"
	else
		fail "qemu-img compare:"
		sed 's/^/    | /' "$tmp/out"
	fi
	truncate -s 6M "$tmp/dst.raw"
	used_uring qemu-img "$(enters qemu-img "$@")"
	bound qemu-img "$@"
else
	skip "qemu-img: not installed (apt-get install qemu-utils)"
fi

# --- plocate -----------------------------------------------------------------
# plocate is set-group-ID, and the dynamic linker ignores LD_LIBRARY_PATH
# for such programs: run a byte-identical copy without the bit instead.
updatedb=$(command -v updatedb.plocate || echo /usr/sbin/updatedb.plocate)
if command -v plocate >/dev/null && [ -x "$updatedb" ]; then
	mkdir -p "$tmp/bin"
	cp "$(command -v plocate)" "$tmp/bin/plocate"
	cmp -s "$(command -v plocate)" "$tmp/bin/plocate" ||
		fail "plocate: copy differs"
	PATH=$tmp/bin:$PATH
	tree=$tmp/tree
	i=0
	while [ $i -lt 2000 ]; do
		mkdir -p "$tree/dir$((i % 37))/sub$((i % 5))"
		: > "$tree/dir$((i % 37))/sub$((i % 5))/entry_$i.dat"
		i=$((i + 1))
	done
	"$updatedb" -U "$tree" -o "$tmp/plocate.db" -l no
	find "$tree" -name '*entry_1*' | sort > "$tmp/want"
	if ours plocate -d "$tmp/plocate.db" entry_1 > "$tmp/got.u" 2>&1 &&
	   sort "$tmp/got.u" > "$tmp/got" && cmp -s "$tmp/want" "$tmp/got"; then
		ok "plocate: $(wc -l < "$tmp/got") matches, the same as find's"
	else
		fail "plocate: differs from find"
		diff "$tmp/want" "$tmp/got" | head -20 | sed 's/^/    | /'
	fi
	want=$(find "$tree" -path '*sub3*' | wc -l)
	n=$(ours plocate -c -d "$tmp/plocate.db" sub3)
	[ "$n" = "$want" ] && ok "plocate -c: $n, as find counts" ||
		fail "plocate -c sub3: $n, find counts $want"
	bound plocate -d "$tmp/plocate.db" entry_7
	used_uring plocate "$(enters plocate -d "$tmp/plocate.db" entry_1)"
else
	skip "plocate: not installed (apt-get install plocate)"
fi

echo "programs: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
