#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetch packages from another Debian suite without touching the machine's
# own apt configuration.
#
#   tools/debian-fetch.sh [-a ARCH] SUITE PKG...     download and extract
#   tools/debian-fetch.sh [-a ARCH] -n SUITE PATTERN newest package name
#                                                     matching an ERE
#   tools/debian-fetch.sh [-a ARCH] -v SUITE PKG     candidate version
#   tools/debian-fetch.sh -s SUITE SRCPKG            upstream source tree
#
# The archive address is read from the machine's own apt sources
# (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list); only the
# suite is changed, so no address is written into the project.  Each suite
# gets a private sources list and package-list directory under the cache
# (DEBIAN_FETCH_CACHE, default build/debian under the top directory),
# passed to apt-get with Dir::Etc::SourceList, Dir::Etc::SourceParts and
# Dir::State::Lists.  Lists are refreshed when older than a day.
#
# A download is extracted with dpkg-deb -x into CACHE/SUITE/ARCH/root and
# the directory is printed; a package whose version is already extracted
# there is not fetched again.  With -s the newest version of a source
# package is fetched (a deb-src list of its own, lists-src) and its
# upstream tarball, checked by apt against the signed index like any
# download, is unpacked into CACHE/SUITE/src/PKG-VERSION, which is
# printed; Debian's changes to it are not applied.  Exit 0 on success, 1
# with a message on standard error when the suite cannot be reached or a
# package is missing.

set -eu

die() { echo "debian-fetch: $*" >&2; exit 1; }

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${DEBIAN_FETCH_CACHE:-$top/build/debian}
arch=$(dpkg --print-architecture)
mode=fetch
while [ $# -gt 0 ]; do
	case $1 in
	-a) arch=$2; shift 2 ;;
	-n) mode=name; shift ;;
	-v) mode=version; shift ;;
	-s) mode=source; shift ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || die "usage: debian-fetch.sh [-a ARCH] [-n|-v|-s] SUITE PKG..."
suite=$1
shift

# The first "deb" address of the main archive (not the security one).
archive_address() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			sed -n 's/^URIs:[ \t]*//p' | tr ' \t' '\n\n'
		sed -n 's/^deb[ \t]\{1,\}\(\[[^]]*\][ \t]\{1,\}\)\{0,1\}\([^ \t]*\).*/\2/p' \
			/etc/apt/sources.list 2>/dev/null
	} | grep -v -e '^$' -e security -e updates | head -n1
}

uri=$(archive_address)
[ -n "$uri" ] || die "no Debian archive address in the machine's apt sources"

dir=$cache/$suite
mkdir -p "$dir/lists/partial" "$dir/$arch"

# One apt run per suite at a time: two make targets (or two checkouts
# sharing DEBIAN_FETCH_CACHE) may fetch from the same suite at once.
if command -v flock >/dev/null && [ -z "${DEBIAN_FETCH_LOCKED:-}" ]; then
	case $mode in
	name) flag=-n ;; version) flag=-v ;; source) flag=-s ;; *) flag= ;;
	esac
	DEBIAN_FETCH_LOCKED=1 exec flock "$dir/.lock" "$0" -a "$arch" \
		${flag:+"$flag"} "$suite" "$@"
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# Binary and source indexes in lists of their own: an update with one
# list removes what another list fetched.
if [ "$mode" = source ]; then
	list=$dir/sources.list.src lists=$dir/lists-src
	printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$uri" "$suite" >"$list"
else
	list=$dir/sources.list.$arch lists=$dir/lists
	printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$arch" "$keyring" "$uri" \
		"$suite" >"$list"
fi
mkdir -p "$lists/partial"

apt_private() {
	apt-get -q -o Dir::Etc::SourceList="$list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$lists" \
		-o Dir::Cache="$dir/apt-cache" -o Dir::State::status=/dev/null \
		-o APT::Architecture="$arch" -o APT::Architectures="$arch" \
		-o APT::Sandbox::User=root \
		-o Acquire::Check-Valid-Until=false "$@"
}
apt_cache_private() {
	apt-cache -o Dir::Etc::SourceList="$list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$lists" \
		-o Dir::Cache="$dir/apt-cache" -o Dir::State::status=/dev/null \
		-o APT::Architecture="$arch" -o APT::Architectures="$arch" "$@"
}

stamp=$lists/.updated.$arch
mkdir -p "$dir/apt-cache/archives/partial"
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
	apt_private update >"$dir/update.log" 2>&1 ||
		die "cannot reach suite '$suite' at $uri ($(tail -n1 "$dir/update.log"))"
	touch "$stamp"
fi

candidate() {
	apt_cache_private policy "$1" 2>/dev/null |
		sed -n 's/^ *Candidate: *//p' | grep -v '(none)' | head -n1
}

case $mode in
name)
	apt_cache_private pkgnames 2>/dev/null | grep -E "^($1)\$" | sort -V | tail -n1 |
		grep . || die "no package matching '$1' in $suite/$arch"
	exit 0 ;;
version)
	candidate "$1" | grep . || die "no package '$1' in $suite/$arch"
	exit 0 ;;
source)
	pkg=$1
	ver=$(apt_cache_private showsrc "$pkg" 2>/dev/null |
		sed -n 's/^Version: *//p' | sort -V | tail -n1)
	[ -n "$ver" ] || die "no source package '$pkg' in $suite"
	upstream=${ver#*:}
	upstream=${upstream%-*}
	tree=$dir/src/$pkg-$upstream
	[ -d "$tree" ] && { echo "$tree"; exit 0; }
	dl=$dir/src/dl
	rm -rf "$dl" && mkdir -p "$dl"
	(cd "$dl" && apt_private source --download-only "$pkg=$ver" \
		>/dev/null 2>"$dir/download.log") ||
		die "cannot download source $pkg $ver from $suite ($(tail -n1 "$dir/download.log"))"
	set -- "$dl/${pkg}_$upstream.orig.tar."*
	[ -f "$1" ] || die "source $pkg $ver has no upstream tarball"
	mkdir -p "$dl/x"
	tar -xf "$1" -C "$dl/x" || die "cannot unpack $1"
	set -- "$dl/x"/*
	if [ $# != 1 ] || [ ! -d "$1" ]; then
		die "$pkg's tarball does not hold one tree"
	fi
	mv "$1" "$tree"
	rm -rf "$dl"
	echo "$tree"
	exit 0 ;;
esac

root=$dir/$arch/root
mkdir -p "$root" "$dir/$arch/debs"
for pkg in "$@"; do
	ver=$(candidate "$pkg")
	[ -n "$ver" ] || die "no package '$pkg' in $suite/$arch"
	mark=$dir/$arch/debs/$pkg.extracted
	[ "$(cat "$mark" 2>/dev/null)" = "$ver" ] && continue
	(cd "$dir/$arch/debs" && rm -f "${pkg}_"*.deb &&
		apt_private download "$pkg=$ver" >/dev/null 2>"$dir/download.log") ||
		die "cannot download $pkg $ver from $suite ($(tail -n1 "$dir/download.log"))"
	dpkg-deb -x "$dir/$arch/debs/${pkg}_"*.deb "$root" ||
		die "cannot extract $pkg"
	echo "$ver" >"$mark"
done
echo "$root"
