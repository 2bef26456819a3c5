#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make demo: a short tour that moves data it makes itself through the ring
# and checks every byte.  Usage: sh examples/demo.sh DIR_OF_EXAMPLES
set -eu
bin=${1:-examples}
work=$(mktemp -d "${TMPDIR:-/tmp}/uring-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

head -c 8388608 /dev/urandom > "$work/src"
sum=$(cksum < "$work/src")
echo "demo: made 8 MiB of random data ($work/src)"

check() {	# check NAME FILE
	if [ "$(cksum < "$2")" = "$sum" ]; then
		echo "demo: $1: copied 8 MiB, every byte verified"
	else
		echo "demo: $1: DATA MISMATCH" >&2
		exit 1
	fi
}

"$bin/io_uring-cp" "$work/src" "$work/dst1"
check "io_uring-cp (32 reads/writes in flight)" "$work/dst1"
"$bin/io_uring-cp" -l -q 8 -b 65536 "$work/src" "$work/dst2"
check "io_uring-cp -l (linked read->write pairs)" "$work/dst2"
"$bin/io_uring-cp" -s "$work/src" "$work/dst3"
check "io_uring-cp -s (SQPOLL ring)" "$work/dst3"
"$bin/io_uring-cat" "$work/src" > "$work/dst4"
check "io_uring-cat (READV of 1024 iovecs at a time)" "$work/dst4"

for extra in "$bin"/demo-*; do
	[ -x "$extra" ] || continue
	"$extra"
done
echo "demo: all checks passed"
