#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Find, download and cache the newest Debian cloud kernel of one series.
#
#   test/kernel/get-kernel.sh SERIES       download (or reuse) and print
#   test/kernel/get-kernel.sh -r SERIES    only resolve: print PACKAGE VERSION
#
# SERIES and the suite it comes from:
#   5.10           bullseye             linux-image-5.10.*-cloud-ARCH
#   6.1            bookworm             linux-image-6.1.*-cloud-ARCH
#   6.12           bookworm-backports   linux-image-6.12.*-cloud-ARCH
#   7, sid         sid                  the newest linux-image-*-cloud-ARCH
#   rc, experimental  experimental      the same, the release candidate
#
# The newest package of the series is resolved at run time through
# tools/debian-fetch.sh (a private apt configuration; the machine's own
# sources stay untouched), so no version is written here.  Up to 6.x the
# image is boot/vmlinuz-RELEASE in linux-image-RELEASE; since 7.x that
# package only depends on linux-binary-RELEASE, which holds
# usr/lib/modules/RELEASE/vmlinuz.
#
# Prints one line: VMLINUZ RELEASE PACKAGE-VERSION.  The vmlinuz is copied
# to KERNEL_CACHE (default test/kernel/cache) as vmlinuz-RELEASE with
# vmlinuz-RELEASE.version beside it, and reused while the archive's
# version stays the same.  With KERNEL_OFFLINE=1, or when the suite cannot
# be reached, the newest cached kernel of the series is used (with a
# message); with none cached, it fails saying which suite was unreachable.
#
# Environment: KERNEL_ARCH (amd64 or arm64; default ARCH when that is one
# of them, else the host's Debian architecture), KERNEL_CACHE,
# KERNEL_OFFLINE, DEBIAN_FETCH_CACHE (tools/debian-fetch.sh's cache).
#
# Exit 0 with the line printed; 1 with a message on standard error.

set -u

die() { echo "get-kernel: $*" >&2; exit 1; }
log() { echo "get-kernel: $*" >&2; }

top=$(cd "$(dirname "$0")/../.." && pwd) || die "cannot find the top directory"
fetch=$top/tools/debian-fetch.sh
cache=${KERNEL_CACHE:-$top/test/kernel/cache}

# kernel_arch: the Debian architecture whose kernel is wanted
kernel_arch() {
	local a=${KERNEL_ARCH:-${ARCH:-}}
	case $a in
	amd64|x86_64) echo amd64 ;;
	arm64|aarch64) echo arm64 ;;
	'') dpkg --print-architecture 2>/dev/null || echo amd64 ;;
	*) [ -n "${KERNEL_ARCH:-}" ] && die "KERNEL_ARCH=$a: not amd64 or arm64"
	   dpkg --print-architecture 2>/dev/null || echo amd64 ;;
	esac
}

# series_suite SERIES: the suite, and the ERE of the image package names
series_suite() {
	local v='[0-9][0-9a-z.~+-]*'
	case $1 in
	5.10) echo "bullseye linux-image-5\\.10\\.$v-cloud-$arch" ;;
	6.1) echo "bookworm linux-image-6\\.1\\.$v-cloud-$arch" ;;
	6.12) echo "bookworm-backports linux-image-6\\.12\\.$v-cloud-$arch" ;;
	7|7.x|sid|current) echo "sid linux-image-$v-cloud-$arch" ;;
	rc|experimental) echo "experimental linux-image-$v-cloud-$arch" ;;
	*) die "unknown kernel series '$1' (5.10, 6.1, 6.12, 7, rc)" ;;
	esac
}

# newest_cached SERIES: the newest cached vmlinuz of the series, or nothing
newest_cached() {
	local glob
	case $1 in
	5.10|6.1|6.12) glob="vmlinuz-$1.*-cloud-$arch" ;;
	7|7.x|sid|current) glob="vmlinuz-7*-cloud-$arch" ;;
	*) glob="vmlinuz-*-cloud-$arch" ;;
	esac
	for f in "$cache"/$glob; do
		[ -s "$f" ] && echo "$f"
	done | sort -V | tail -n1
}

# image_path ROOT RELEASE: the vmlinuz in an extracted package tree
image_path() {
	local f
	for f in "$1/boot/vmlinuz-$2" "$1/usr/lib/modules/$2/vmlinuz"; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# resolve_series SERIES: the newest image package of the series and its
# version, from the suite's package lists
resolve_series() {
	local pkg ver
	set -- $(series_suite "$1")
	pkg=$(sh "$fetch" -a "$arch" -n "$1" "$2") || return 1
	ver=$(sh "$fetch" -a "$arch" -v "$1" "$pkg") || return 1
	echo "$pkg $ver"
}

# fetch_series SERIES: resolve, download (or reuse) and print the line
fetch_series() {
	local suite pkg rel ver root img
	suite=$(series_suite "$1" | cut -d' ' -f1)
	set -- $(resolve_series "$1")
	[ $# -eq 2 ] || return 1
	pkg=$1 ver=$2
	rel=${pkg#linux-image-}
	if [ -s "$cache/vmlinuz-$rel" ] &&
	   [ "$(cat "$cache/vmlinuz-$rel.version" 2>/dev/null)" = "$ver" ]; then
		echo "$cache/vmlinuz-$rel $rel $ver"
		return 0
	fi
	log "downloading $pkg $ver from $suite ($arch)"
	root=$(sh "$fetch" -a "$arch" "$suite" "$pkg") || return 1
	if ! img=$(image_path "$root" "$rel"); then
		# 7.x: the image package only depends on linux-binary-RELEASE
		root=$(sh "$fetch" -a "$arch" "$suite" "linux-binary-$rel") || return 1
		ver=$(sh "$fetch" -a "$arch" -v "$suite" "linux-binary-$rel") || return 1
		img=$(image_path "$root" "$rel") ||
			die "no vmlinuz in $pkg or linux-binary-$rel ($suite)"
	fi
	cp "$img" "$cache/vmlinuz-$rel.tmp" &&
		mv "$cache/vmlinuz-$rel.tmp" "$cache/vmlinuz-$rel" &&
		echo "$ver" >"$cache/vmlinuz-$rel.version" ||
		die "cannot write $cache/vmlinuz-$rel"
	echo "$cache/vmlinuz-$rel $rel $ver"
}

resolve_only=0
[ "${1:-}" = -r ] && { resolve_only=1; shift; }
[ $# -eq 1 ] || die "usage: get-kernel.sh [-r] SERIES (5.10, 6.1, 6.12, 7, rc)"
series=$1
arch=$(kernel_arch) || exit 1
series_suite "$series" >/dev/null || exit 1
if [ "$resolve_only" = 1 ]; then
	resolve_series "$series" || exit 1
	exit 0
fi
mkdir -p "$cache" || die "cannot create $cache"
cache=$(cd "$cache" && pwd)

if [ "${KERNEL_OFFLINE:-0}" != 1 ]; then
	fetch_series "$series" && exit 0
	log "the ${series} kernel could not be had from Debian's" \
		"$(series_suite "$series" | cut -d' ' -f1) suite (see above)"
fi
f=$(newest_cached "$series")
[ -n "$f" ] || die "no $series kernel for $arch: the suite cannot be reached and $cache has none"
rel=${f##*/vmlinuz-}
log "using the cached $rel"
echo "$f $rel $(cat "$f.version" 2>/dev/null || echo unknown)"
