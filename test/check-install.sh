#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Configure, build, install and uninstall the way a packager does, and
# check what lands where.
#
#   sh test/check-install.sh
#
# Everything happens on a copy of the source tree in a temp directory, so
# the tree's own outputs and config-host.mk are never touched and the check
# can run beside other builds.
#
#  1. ./configure --prefix=/usr && make && make install DESTDIR=D, then:
#     - the headers, liburing.so.VERSION with its liburing.so.2 and
#       liburing.so links, the .a files, liburing.pc and liburing-ffi.pc
#       (under libdevdir/pkgconfig), the CMake package
#       (libdevdir/cmake/liburing/liburing-config{,-version}.cmake),
#       bindir/io_uring-info and every man page (mandir/man{1,2,3,7},
#       alias pages as the same symbolic links) are installed, identical to the
#       sources, and nothing else;
#     - the installed io_uring-info has no RPATH, needs no liburing.so and
#       runs;
#     - liburing.so.2 and liburing-ffi.so.2 export exactly the functions of
#       test/packaging/symbols.tsv, each with its version node, and no
#       other symbol;
#     - both are hardened: GNU_RELRO and BIND_NOW (full RELRO), GNU_STACK
#       not executable, stack protector in use, no TEXTREL, no RPATH;
#     - man renders an installed page, and an alias (link) page through -M;
#     - test/packaging/install-prog.c builds with nothing but
#       `pkg-config --cflags --libs liburing` pointed at D, takes D's
#       liburing.h (not the system's), loads D's liburing.so.2 and runs;
#       the same with --static gives a static binary that runs;
#       test/packaging/install-ffi.c does the same through liburing-ffi.pc;
#     - test/packaging/cmake, a CMake project with
#       find_package(liburing CONFIG REQUIRED), finds the package through
#       CMAKE_PREFIX_PATH=D/usr, builds both programs against
#       liburing::liburing and liburing::liburing-ffi (shared; the
#       archives with liburing_USE_STATIC=ON) and runs them; asking for
#       version 3.0 or 2.16 fails;
#     - make uninstall DESTDIR=D leaves no file behind.
#  2. --libdir, --libdevdir, --includedir, --mandir and --bindir apart:
#     everything goes where asked, the .pc files say so, the CMake package
#     finds headers and libraries across the split (liburing_DIR), and
#     uninstall is complete.
#  3. --disable-shared: static libraries only; programs link statically,
#     and the CMake targets are the archives.
#  4. --disable-static: shared libraries only.
#
# With LIBURING_API_TSV=FILE (liburing's API table: name, ..., node in
# liburing.so.2, node in liburing-ffi.so.2), symbols.tsv must agree with it;
# unset, that comparison is skipped and said so.  Prints ok/FAIL lines, then
#     check-install: N checks, M failed
# and exits non-zero when M is not 0.

LC_ALL=C
export LC_ALL

cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
symbols=$top/test/packaging/symbols.tsv
api_tsv=${LIBURING_API_TSV:-}
CC=${CC:-cc}
jobs=$(nproc 2>/dev/null || echo 2)

# The build in the copy must not inherit the caller's make settings.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL B DESTDIR SANITIZE COVERAGE \
	ENABLE_SHARED ENABLE_STATIC prefix includedir libdir libdevdir mandir \
	bindir

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
src=$tmp/src

checks=0
failed=0

ok() {
	checks=$((checks + 1))
	printf 'ok   %s\n' "$*"
}

fail() {
	checks=$((checks + 1))
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$*"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		fail "$desc"
	fi
}

# run DESCRIPTION COMMAND...: run quietly in the copy; on failure show the
# end of the output.
run() {
	desc=$1
	shift
	if (cd "$src" && "$@") > "$tmp/log" 2>&1; then
		ok "$desc"
		return 0
	fi
	fail "$desc"
	tail -n 30 "$tmp/log" | sed 's/^/    | /'
	return 1
}

if ! command -v cmake >/dev/null 2>&1; then
	sh tools/need-packages.sh cmake >&2 || exit 1
fi
for tool in readelf nm ldd pkg-config man make cmake "${CC%% *}"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "check-install: $tool not found (apt-get install build-essential pkg-config man-db)" >&2
		exit 1
	fi
done

# --- the copy ----------------------------------------------------------------

sources="Makefile configure liburing.pc.in liburing-ffi.pc.in LICENSE README \
	include src man mk examples bin cmake"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$top" ls-files -co --exclude-standard -- $sources
else
	(cd "$top" && find $sources \( -type f -o -type l \) ! -name '*.o' ! -name '*.a' \
		! -name '*.so' ! -name '*.so.*' ! -name '*.pc' 2>/dev/null)
fi | while read -r f; do
	[ -f "$top/$f" ] && printf '%s\n' "$f"
done > "$tmp/files"
mkdir -p "$src"
(cd "$top" && tar -cf - -T "$tmp/files") | (cd "$src" && tar -xf -) || {
	echo "check-install: cannot copy the source tree" >&2
	exit 1
}
# Nothing built in the tree may be taken for built in the copy.
make -C "$src" clean > /dev/null 2>&1

major=$(sed -n 's/^#define IO_URING_VERSION_MAJOR[ \t]*//p' \
	"$src/include/liburing/io_uring_version.h")
minor=$(sed -n 's/^#define IO_URING_VERSION_MINOR[ \t]*//p' \
	"$src/include/liburing/io_uring_version.h")
version=$major.$minor

# --- the symbol list ---------------------------------------------------------

# Our extensions and the header's own names are not in liburing's table.
if [ -f "$api_tsv" ]; then
	awk -F'\t' 'NR > 1 && !/^#/ { print $1 "\t" $3 "\t" $4 }' "$api_tsv" |
		sort > "$tmp/api"
	grep -v '^#' "$symbols" |
		awk -F'\t' '$2 !~ /^URING_EXT/ && $2 != "header"' |
		sort > "$tmp/ours"
	if cmp -s "$tmp/api" "$tmp/ours"; then
		ok "test/packaging/symbols.tsv agrees with liburing-api.tsv"
	else
		fail "test/packaging/symbols.tsv differs from liburing-api.tsv:"
		diff "$tmp/api" "$tmp/ours" | sed 's/^/    | /'
	fi
elif [ -n "$api_tsv" ]; then
	fail "LIBURING_API_TSV=$api_tsv: no such file"
else
	echo "skip symbols.tsv against liburing's API table (set LIBURING_API_TSV=FILE)"
fi

# exported LIB: "name node type bind visibility" for each symbol LIB
# defines, leaving out the names of its version nodes, which readelf lists
# as ABS symbols.
exported() {
	readelf -V "$1" | awk '
		/^Version definition section/ { def = 1; next }
		/^Version/ { def = 0 }
		def && /Index:/ && !/Flags: BASE/ { sub(/.*Name: /, ""); print }
	' > "$tmp/nodes"
	readelf --dyn-syms -W "$1" | awk -v nodes="$tmp/nodes" '
		BEGIN { while ((getline n < nodes) > 0) isnode[n] = 1 }
		$1 ~ /^[0-9]+:$/ && $7 != "UND" && $8 != "" {
			name = $8; node = "-"
			if ((i = index(name, "@")) > 0) {
				node = substr(name, i)
				sub(/^@@?/, "", node)
				name = substr(name, 1, i - 1)
			}
			if ($7 == "ABS" && (name in isnode) &&
			    (node == "-" || node == name))
				next
			print name, node, $4, $5, $6
		}' | sort
}

# check_exports LIB COLUMN: LIB exports exactly symbols.tsv's COLUMN.
check_exports() {
	lib=$1
	libname=${lib##*/}
	grep -v '^#' "$symbols" | awk -F'\t' -v c="$2" \
		'$c != "-" && $c != "header" { print $1, $c, "FUNC GLOBAL DEFAULT" }' |
		sort > "$tmp/want"
	exported "$lib" > "$tmp/have"
	if cmp -s "$tmp/want" "$tmp/have"; then
		ok "[$name] $libname exports the $(wc -l < "$tmp/want") functions of symbols.tsv, each at its node, nothing else"
	else
		fail "[$name] $libname exports differ from symbols.tsv (< missing, > unexpected):"
		diff "$tmp/want" "$tmp/have" | grep '^[<>]' | sed 's/^/    | /'
	fi
	if awk '$1 !~ /^_?_?io_uring/ || $2 == "-" { bad = 1 } END { exit bad }' \
		"$tmp/have"; then
		ok "[$name] $libname: every export is a versioned io_uring*/__io_uring* name"
	else
		fail "[$name] $libname exports unversioned or foreign names:"
		awk '$1 !~ /^_?_?io_uring/ || $2 == "-"' "$tmp/have" |
			sed 's/^/    | /'
	fi
}

# check_hardening LIB
check_hardening() {
	lib=$1
	libname=${lib##*/}
	readelf -d "$lib" > "$tmp/dyn"
	readelf -lW "$lib" > "$tmp/phdr"
	readelf --dyn-syms -W "$lib" > "$tmp/dsym"
	check "[$name] $libname: GNU_RELRO segment" grep -q 'GNU_RELRO' "$tmp/phdr"
	check "[$name] $libname: BIND_NOW (full RELRO)" \
		grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' "$tmp/dyn"
	flags=$(awk '$1 == "GNU_STACK" { print $7 }' "$tmp/phdr")
	check "[$name] $libname: GNU_STACK is $flags, not executable" \
		[ "$flags" = RW ]
	check "[$name] $libname: stack protector (__stack_chk_fail referenced)" \
		grep -q ' UND __stack_chk_fail' "$tmp/dsym"
	check "[$name] $libname: no TEXTREL" sh -c "! grep -q TEXTREL '$tmp/dyn'"
	check "[$name] $libname: no RPATH/RUNPATH" \
		sh -c "! grep -Eq 'RPATH|RUNPATH' '$tmp/dyn'"
	check "[$name] $libname: SONAME ${libname%.so.*}.so.$major" \
		grep -q "(SONAME).*\[${libname%.so.*}.so.$major\]" "$tmp/dyn"
}

# --- one configuration -------------------------------------------------------

# read_config: the install directories configure recorded.
read_config() {
	for var in prefix includedir libdir libdevdir mandir bindir; do
		val=$(sed -n "s/^$var := //p" "$src/config-host.mk")
		eval "$var=\$val"
	done
}

# configure_build NAME CONFIGURE-ARGS...: clean, configure, make, install.
configure_build() {
	name=$1
	shift
	dest=$tmp/dest-$name
	rm -rf "$dest"
	make -C "$src" clean > /dev/null 2>&1
	run "[$name] ./configure $*" ./configure "$@" || return 1
	read_config
	run "[$name] make" make -j"$jobs" || return 1
	run "[$name] make install DESTDIR=..." \
		make install DESTDIR="$dest" || return 1
}

# same_file A B
same_file() {
	[ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2"
}

# check_tree SHARED STATIC: the installed files in $dest.
check_tree() {
	shared=$1
	static=$2

	# Headers: each one installed unchanged, and no others.
	missing=0
	for h in $(cd "$src/include" && find . -name '*.h' | sed 's|^\./||'); do
		same_file "$src/include/$h" "$dest$includedir/$h" ||
			{ echo "    | $includedir/$h missing or different"; missing=1; }
	done
	check "[$name] headers under $includedir" [ "$missing" = 0 ]
	(cd "$src/include" && find . -type f | sort) > "$tmp/hsrc"
	(cd "$dest$includedir" && find liburing.h liburing -type f 2>/dev/null |
		sed 's|^|./|' | sort) > "$tmp/hdst"
	check "[$name] no header that is not in include/" \
		cmp -s "$tmp/hsrc" "$tmp/hdst"

	for lib in liburing liburing-ffi; do
		so=$dest$libdir/$lib.so.$version
		if [ "$shared" = yes ]; then
			check "[$name] $libdir/$lib.so.$version" \
				sh -c "[ -f '$so' ] && [ ! -L '$so' ] && [ -x '$so' ]"
			check "[$name] $libdir/$lib.so.$major -> $lib.so.$version" \
				[ "$(readlink "$dest$libdir/$lib.so.$major")" = \
				  "$lib.so.$version" ]
			link=$(readlink "$dest$libdevdir/$lib.so")
			case $link in
			/*) resolved=$dest$link ;;
			*) resolved=$dest$libdevdir/$link ;;
			esac
			check "[$name] $libdevdir/$lib.so -> $link (resolves)" \
				sh -c "[ -L '$dest$libdevdir/$lib.so' ] && [ -f '$resolved' ]"
		else
			check "[$name] no $lib.so* installed" \
				sh -c "! ls '$dest$libdir/$lib.so'* '$dest$libdevdir/$lib.so'* >/dev/null 2>&1"
		fi
		if [ "$static" = yes ]; then
			check "[$name] $libdevdir/$lib.a" \
				sh -c "[ -f '$dest$libdevdir/$lib.a' ] && ar t '$dest$libdevdir/$lib.a' | grep -q setup.o"
		else
			check "[$name] no $lib.a installed" \
				[ ! -e "$dest$libdevdir/$lib.a" ]
		fi
		pc=$dest$libdevdir/pkgconfig/$lib.pc
		check "[$name] $libdevdir/pkgconfig/$lib.pc" [ -f "$pc" ]
		check "[$name] $lib.pc: valid, version $version, includedir and libdir as configured" \
			sh -c "pkg-config --validate '$pc' &&
			[ \"\$(pkg-config --modversion '$pc')\" = '$version' ] &&
			[ \"\$(pkg-config --variable=includedir '$pc')\" = '$includedir' ] &&
			[ \"\$(pkg-config --variable=libdir '$pc')\" = '$libdevdir' ]"
	done

	# The CMake package and the programs.
	for f in liburing-config.cmake liburing-config-version.cmake; do
		check "[$name] $libdevdir/cmake/liburing/$f" \
			[ -f "$dest$libdevdir/cmake/liburing/$f" ]
	done
	check "[$name] $bindir/io_uring-info, executable" \
		[ -f "$dest$bindir/io_uring-info" -a -x "$dest$bindir/io_uring-info" ]
	(cd "$src/bin" && ls *.c | sed 's/\.c$//' | sort) > "$tmp/bsrc"
	(cd "$dest$bindir" && ls | sort) > "$tmp/bdst"
	check "[$name] no program in $bindir that is not in bin/" \
		cmp -s "$tmp/bsrc" "$tmp/bdst"

	# Man pages: every page unchanged, an alias as the same link; nothing
	# else.
	missing=0
	pages=0
	for page in "$src"/man/man[0-9]/*.[0-9]; do
		rel=${page#"$src"/man/}
		pages=$((pages + 1))
		if [ -L "$page" ]; then
			[ -L "$dest$mandir/$rel" ] &&
			[ "$(readlink "$page")" = "$(readlink "$dest$mandir/$rel")" ]
		else
			same_file "$page" "$dest$mandir/$rel"
		fi || { echo "    | $mandir/$rel missing or different"; missing=1; }
	done
	check "[$name] $pages man pages under $mandir/man{1,2,3,7}" \
		test "$missing" = 0 -a "$pages" -gt 0
	(cd "$src/man" && find . \( -type f -o -type l \) -name '*.[0-9]' | sort) > "$tmp/msrc"
	(cd "$dest$mandir" && find . \( -type f -o -type l \) | sort) > "$tmp/mdst"
	check "[$name] no man page that is not in man/" \
		cmp -s "$tmp/msrc" "$tmp/mdst"
}

# check_uninstall: nothing but directories left.
check_uninstall() {
	run "[$name] make uninstall DESTDIR=..." \
		make uninstall DESTDIR="$dest" || return
	left=$(find "$dest" ! -type d | sed "s|^$dest||")
	if [ -z "$left" ]; then
		ok "[$name] uninstall left no files"
	else
		fail "[$name] uninstall left files behind:"
		printf '%s\n' "$left" | sed 's/^/    | /'
	fi
}

# pc ARGS...: pkg-config on the DESTDIR tree only.
pc() {
	PKG_CONFIG_SYSROOT_DIR=$dest \
	PKG_CONFIG_LIBDIR=$dest$libdevdir/pkgconfig \
	PKG_CONFIG_PATH= \
		pkg-config "$@"
}

# build_prog OUT SOURCE PKG [--static]: compile with pkg-config's flags only.
build_prog() {
	out=$1
	source=$2
	pkg=$3
	how=$4
	cflags=$(pc $how --cflags "$pkg") && libs=$(pc $how --libs "$pkg") ||
		{ fail "[$name] pkg-config ${how:+$how }--cflags --libs $pkg"; return 1; }
	ok "[$name] pkg-config ${how:+$how }--cflags --libs $pkg:" $cflags $libs
	if ! $CC ${how:+-static} -Wall -Wextra -Werror -MD -MF "$out.d" \
		-o "$out" "$top/$source" $cflags $libs > "$tmp/log" 2>&1; then
		fail "[$name] build $source with $pkg's flags"
		sed 's/^/    | /' "$tmp/log"
		return 1
	fi
	ok "[$name] build ${out##*/} from $source with $pkg's flags${how:+ (static)}"
	check "[$name] ${out##*/} was compiled with the installed liburing.h" \
		grep -q "$dest$includedir/liburing.h" "$out.d"
	check "[$name] ${out##*/} did not see another liburing.h" \
		sh -c "! grep -Eq '(^|[ :])/usr(/local)?/include/liburing' '$out.d'"
}

# run_prog DESCRIPTION PROG ARGS...: runs, exit 0 (77 = io_uring disabled).
run_prog() {
	desc=$1
	shift
	"$@" > "$tmp/out" 2>&1
	status=$?
	if [ "$status" -eq 77 ]; then
		ok "$desc: skipped, $(cat "$tmp/out")"
	elif [ "$status" -eq 0 ]; then
		ok "$desc: $(cat "$tmp/out")"
	else
		fail "$desc (exit $status)"
		sed 's/^/    | /' "$tmp/out"
	fi
}

# needed PROG: the DT_NEEDED names.
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '
}

# check_programs SHARED STATIC
check_programs() {
	shared=$1
	static=$2
	bin=$tmp/bin-$name
	mkdir -p "$bin"

	if build_prog "$bin/prog" test/packaging/install-prog.c liburing; then
		if [ "$shared" = yes ]; then
			check "[$name] prog needs liburing.so.$major: $(needed "$bin/prog")" \
				sh -c "readelf -d '$bin/prog' | grep -q 'NEEDED.*\[liburing.so.$major\]'"
			check "[$name] prog binds io_uring_queue_init@LIBURING_2.0" \
				sh -c "readelf --dyn-syms -W '$bin/prog' | grep -q 'io_uring_queue_init@LIBURING_2.0'"
			check "[$name] prog loads $libdir/liburing.so.$major from the install" \
				sh -c "LD_LIBRARY_PATH='$dest$libdir' ldd '$bin/prog' | grep -q 'liburing.so.$major => $dest$libdir/liburing.so.$major'"
			run_prog "[$name] prog runs" \
				env LD_LIBRARY_PATH="$dest$libdir" "$bin/prog" "$tmp"
			grep -q "liburing $version" "$tmp/out" ||
				[ "$status" -eq 77 ] ||
				fail "[$name] prog did not report liburing $version"
		else
			check "[$name] prog has liburing linked in: $(needed "$bin/prog")" \
				sh -c "! readelf -d '$bin/prog' | grep -q 'NEEDED.*liburing'"
			run_prog "[$name] prog runs" "$bin/prog" "$tmp"
		fi
	fi

	if [ "$static" = yes ] &&
	   build_prog "$bin/prog-static" test/packaging/install-prog.c \
		liburing --static; then
		check "[$name] prog-static is fully static" \
			sh -c "readelf -d '$bin/prog-static' | grep -q 'no dynamic section'"
		run_prog "[$name] prog-static runs" "$bin/prog-static" "$tmp"
	fi

	if build_prog "$bin/ffi" test/packaging/install-ffi.c liburing-ffi; then
		if [ "$shared" = yes ]; then
			check "[$name] ffi needs liburing-ffi.so.$major only: $(needed "$bin/ffi")" \
				sh -c "readelf -d '$bin/ffi' | grep -q 'NEEDED.*\[liburing-ffi.so.$major\]' &&
				! readelf -d '$bin/ffi' | grep -q 'NEEDED.*\[liburing.so'"
			check "[$name] ffi binds io_uring_prep_nop@LIBURING_2.4" \
				sh -c "readelf --dyn-syms -W '$bin/ffi' | grep -q 'UND io_uring_prep_nop@LIBURING_2.4'"
			run_prog "[$name] ffi runs" \
				env LD_LIBRARY_PATH="$dest$libdir" "$bin/ffi"
		else
			run_prog "[$name] ffi runs" "$bin/ffi"
		fi
	fi

	if [ "$static" = yes ] &&
	   build_prog "$bin/ffi-static" test/packaging/install-ffi.c \
		liburing-ffi --static; then
		run_prog "[$name] ffi-static runs" "$bin/ffi-static"
	fi
}

# check_info: the installed io_uring-info stands alone and runs.
check_info() {
	info=$dest$bindir/io_uring-info
	check "[$name] io_uring-info: no RPATH/RUNPATH, no liburing.so needed" \
		sh -c "! readelf -d '$info' | grep -Eq 'RPATH|RUNPATH|NEEDED.*liburing'"
	"$info" > "$tmp/out" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && grep -q '^opcodes: [0-9]* supported' "$tmp/out"; then
		ok "[$name] io_uring-info runs: $(grep '^opcodes:' "$tmp/out")"
	elif [ "$status" -eq 1 ] && grep -q 'NOT usable' "$tmp/out"; then
		ok "[$name] io_uring-info runs: $(grep '^io_uring:' "$tmp/out")"
	else
		fail "[$name] io_uring-info (exit $status)"
		sed 's/^/    | /' "$tmp/out"
	fi
}

# check_cmake SHARED FIND-ARGS...: configure test/packaging/cmake with
# FIND-ARGS (how to find the package), build both programs, run them.
check_cmake() {
	shared=$1
	shift
	build=$tmp/cmake-$name
	rm -rf "$build"
	if ! cmake -S "$top/test/packaging/cmake" -B "$build" \
		-DCMAKE_C_COMPILER="${CC%% *}" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
		-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
		"$@" > "$tmp/log" 2>&1; then
		fail "[$name] cmake: find_package(liburing CONFIG REQUIRED) with $*"
		tail -n 20 "$tmp/log" | sed 's/^/    | /'
		return 1
	fi
	found=$(sed -n 's/^-- liburing \([0-9.]*\) from \(.*\)/\1 \2/p' "$tmp/log")
	type=$(sed -n 's/^-- liburing::liburing is a //p' "$tmp/log")
	check "[$name] cmake finds liburing $found (in the install)" \
		sh -c "[ '${found%% *}' = '$version' ] &&
		[ '${found#* }' = '$dest$libdevdir/cmake/liburing' ]"
	if [ "$shared" = yes ]; then want=SHARED_LIBRARY; else want=STATIC_LIBRARY; fi
	check "[$name] liburing::liburing is a $type" [ "$type" = "$want" ]
	if ! cmake --build "$build" > "$tmp/log" 2>&1; then
		fail "[$name] cmake --build (prog and ffi against the targets)"
		tail -n 30 "$tmp/log" | sed 's/^/    | /'
		return 1
	fi
	ok "[$name] cmake --build: prog and ffi against liburing::liburing, liburing::liburing-ffi"
	if [ "$shared" = yes ]; then
		check "[$name] cmake prog needs liburing.so.$major, takes it from the install" \
			sh -c "LD_LIBRARY_PATH='$dest$libdir' ldd '$build/prog' | grep -q 'liburing.so.$major => $dest$libdir/liburing.so.$major'"
		check "[$name] cmake ffi needs liburing-ffi.so.$major: $(needed "$build/ffi")" \
			sh -c "readelf -d '$build/ffi' | grep -q 'NEEDED.*\[liburing-ffi.so.$major\]'"
	else
		check "[$name] cmake prog has liburing linked in: $(needed "$build/prog")" \
			sh -c "! readelf -d '$build/prog' | grep -q 'NEEDED.*liburing'"
	fi
	run_prog "[$name] cmake-built prog runs" \
		env LD_LIBRARY_PATH="$dest$libdir" "$build/prog" "$tmp"
	run_prog "[$name] cmake-built ffi runs" \
		env LD_LIBRARY_PATH="$dest$libdir" "$build/ffi"
}

# check_cmake_version FIND-ARGS...: asking for 3.0 or a newer 2.x fails.
check_cmake_version() {
	for want in 3.0 "$major.$((minor + 1))"; do
		rm -rf "$tmp/cmake-version"
		if cmake -S "$top/test/packaging/cmake" -B "$tmp/cmake-version" \
			-DWANT_VERSION="$want" "$@" > "$tmp/log" 2>&1; then
			fail "[$name] find_package(liburing $want) accepted $version"
		else
			check "[$name] find_package(liburing $want) refuses $version" \
				grep -q "liburing-config.cmake, version: $version" "$tmp/log"
		fi
	done
}

# --- 1. the default build, as a distribution would make it -------------------

if configure_build default --prefix=/usr; then
	check_tree yes yes
	for lib in liburing liburing-ffi; do
		so=$dest$libdir/$lib.so.$major
		check_hardening "$so"
	done
	check_exports "$dest$libdir/liburing.so.$major" 2
	check_exports "$dest$libdir/liburing-ffi.so.$major" 3
	check "[$name] liburing.a objects use the stack protector" \
		sh -c "nm '$dest$libdevdir/liburing.a' 2>/dev/null | grep -q 'U __stack_chk_fail'"

	page=$dest$mandir/man3/io_uring_prep_read.3
	check "[$name] man -l renders io_uring_prep_read(3)" \
		sh -c "MANPAGER=cat MANWIDTH=80 man -l '$page' 2>/dev/null | grep -q 'io_uring_prep_read - '"
	link=$(find "$dest$mandir/man3" -type l -name '*.3' | sort | head -n 1)
	if [ -n "$link" ]; then
		target=$(readlink "$link")
		target=${target%.3}
		page=${link##*/}
		page=${page%.3}
		check "[$name] man -M renders link page $page(3) as $target(3)" \
			sh -c "MANPAGER=cat MANWIDTH=80 man -M '$dest$mandir' 3 '$page' 2>/dev/null | grep -q '^$target(3)'"
	fi

	check_programs yes yes
	check_info
	check_cmake yes -DCMAKE_PREFIX_PATH="$dest$prefix"
	check_cmake no -DCMAKE_PREFIX_PATH="$dest$prefix" -Dliburing_USE_STATIC=ON
	check_cmake_version -DCMAKE_PREFIX_PATH="$dest$prefix"
	check_uninstall
fi

# --- 2. every directory chosen apart -----------------------------------------

if configure_build dirs --prefix=/opt/uring --libdir=/opt/uring/lib64 \
	--libdevdir=/opt/uring/dev --includedir=/opt/uring/inc \
	--mandir=/opt/uring/share/man --bindir=/opt/uring/sbin; then
	check_tree yes yes
	check_cmake yes -Dliburing_DIR="$dest$libdevdir/cmake/liburing"
	check "[$name] liburing.so points at $libdir/liburing.so.$major" \
		[ "$(readlink "$dest$libdevdir/liburing.so")" = \
		  "$libdir/liburing.so.$major" ]
	check_uninstall
fi

# --- 3. static only ------------------------------------------------------------

if configure_build static --prefix=/usr --disable-shared; then
	check_tree no yes
	check_programs no yes
	check_info
	check_cmake no -DCMAKE_PREFIX_PATH="$dest$prefix"
	check_uninstall
fi

# --- 4. shared only ------------------------------------------------------------

if configure_build shared --prefix=/usr --disable-static; then
	check_tree yes no
	check_programs yes no
	check_cmake yes -DCMAKE_PREFIX_PATH="$dest$prefix"
	check_uninstall
fi

echo "check-install: $checks checks, $failed failed"
[ "$failed" -eq 0 ]
