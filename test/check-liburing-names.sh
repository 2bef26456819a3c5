#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Does a program written for liburing 2.15 compile against our headers?
#
#   sh test/check-liburing-names.sh [WORKDIR]
#
# Extracts Debian sid's liburing-dev (tools/debian-fetch.sh; the download
# cache is DEBIAN_FETCH_CACHE, build/debian by default) and runs
# test/liburing-names.py, which writes and compiles, against include/, a
# program using every macro, function (with its prototype, and noexcept
# under C++), struct and member, enum and enumerator, and typedef that
# liburing's installed headers define, and checks that every header it
# installs exists here too.  liburing's <liburing/compat.h> includes
# <linux/blkdev.h> (linux-libc-dev 6.12 and later); when this machine's
# kernel headers are older, sid's linux-libc-dev provides that one file.
#
# Prints each name missing or different, then
#     check-liburing-names: N of M names missing or different (...)
# Exit 0 only when N is 0.

set -eu
LC_ALL=C
export LC_ALL

cd "$(dirname "$0")/.."
work=${1:-build/liburing-names}
rm -rf "$work"
mkdir -p "$work/theirs" "$work/kstub/linux"

root=$(tools/debian-fetch.sh sid liburing-dev linux-libc-dev)
version=$(tools/debian-fetch.sh -v sid liburing-dev)
echo "liburing-dev $version from sid"
cp -R "$root/usr/include/liburing.h" "$root/usr/include/liburing" \
	"$work/theirs/"
if [ ! -f /usr/include/linux/blkdev.h ] &&
   [ -f "$root/usr/include/linux/blkdev.h" ]; then
	cp "$root/usr/include/linux/blkdev.h" "$work/kstub/linux/"
fi

LIBURING_NAMES_CFLAGS="-idirafter $work/kstub" \
	python3 test/liburing-names.py "$work/theirs" include "$work"
