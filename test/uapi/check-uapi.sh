#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make check-uapi: compare our copy of the io_uring kernel ABI
# (include/liburing/io_uring.h and include/liburing/io_uring/*.h) with the
# newest Debian linux-libc-dev: sid's, or experimental's when that one is
# newer.  The package comes through tools/debian-fetch.sh (a private apt
# configuration; DEBIAN_FETCH_CACHE picks the cache, build/debian by
# default); test/uapi/compare.py does the comparison.
#
#   UAPI_SUITE=sid|experimental   use that suite instead of the newest
#   UAPI_STRICT=1                 a name we lack fails too, not only a
#                                 value or layout that differs
#
# Exit 0 when nothing differs, 1 when something does, 2 when the headers
# cannot be fetched or the generated programs do not build.

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fetch=tools/debian-fetch.sh
pkg=linux-libc-dev
CC=${CC:-cc}
CLANG=${CLANG:-clang}

suite=${UAPI_SUITE:-}
if [ -z "$suite" ]; then
	sid=$(sh $fetch -v sid $pkg) || exit 2
	suite=sid
	version=$sid
	# experimental carries only what is newer than sid, and may lack
	# the package altogether.
	if exp=$(sh $fetch -v experimental $pkg 2>/dev/null) &&
		dpkg --compare-versions "$exp" gt "$sid"; then
		suite=experimental
		version=$exp
	fi
else
	version=$(sh $fetch -v "$suite" $pkg) || exit 2
fi
root=$(sh $fetch "$suite" $pkg) || exit 2
echo "check-uapi: $pkg $version ($suite) against include/"

strict=
[ "${UAPI_STRICT:-0}" = 1 ] && strict=--strict
exec python3 test/uapi/compare.py --kernel-root "$root/usr/include" \
	--ours include --cc "$CC" --clang "$CLANG" \
	--work "${UAPI_WORK:-build/uapi}" $strict
