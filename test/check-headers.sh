#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The public headers compile cleanly as every C and C++ dialect we support.
#
#   sh test/check-headers.sh [LIBDIR]
#
#  (a) Each header under include/ (liburing.h, liburing/*.h,
#      liburing/io_uring/*.h) compiles on its own, included twice, as C99
#      and as C++11, with gcc/g++ and clang/clang++.
#  (b) A translation unit using liburing.h (it pulls in every other header)
#      compiles with each compiler as C99, C11, C17 and C2x, ISO and GNU
#      variants, and as C++11, 14, 17, 20 and 2b; once as is and once with
#      IOURINGINLINE defined empty, which makes every inline helper a real
#      function so that code is generated, and warned about, for all of
#      them.  Also with the common feature-test macros set on the command
#      line, and followed by the system's <linux/io_uring.h>.
#  (c) test/packaging/cxx-ring.cc, a C++ program that queues, submits and
#      reaps with io_uring_for_each_cqe, builds in every C++ dialect with
#      both compilers, linked against LIBDIR/liburing.so (default src),
#      and runs, loading LIBDIR/liburing.so.2.
#
# Every compile uses -Wall -Wextra -Werror -pedantic -O2.  -pedantic holds
# everywhere: the kernel ABI's anonymous unions and structs, zero-length
# and flexible arrays are GNU extensions in C99 and in C++, and the headers
# mark each of them with __extension__ (layout unchanged).  C89 and C++98
# are not supported (inline functions, declarations in for statements,
# long long, C99 flexible arrays).
#
#  (d) liburing.h defines no feature-test macro: included first in a C
#      program built without any, it leaves _GNU_SOURCE and _XOPEN_SOURCE
#      undefined, and a <string.h> included after it declares the XSI
#      strerror_r (returning int), as it would have without liburing.h.
#      Strict ISO builds (-std=c99, nothing defined) compile as well.
#
# Environment: CHECK_HEADERS_CC (default "gcc clang") and CHECK_HEADERS_CXX
# (default "g++ clang++") choose the compilers; a missing one is a failure.
# Prints each failure with the compiler's output, then one summary line
#     check-headers: N builds, M failed
# and exits non-zero when M is not 0.

LC_ALL=C
export LC_ALL

cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
libdir=${1:-src}
[ -d "$libdir" ] && libdir=$(cd "$libdir" && pwd)

ccs=${CHECK_HEADERS_CC:-gcc clang}
cxxs=${CHECK_HEADERS_CXX:-g++ clang++}
c_stds="c99 gnu99 c11 gnu11 c17 gnu17 c2x gnu2x"
cxx_stds="c++11 gnu++11 c++14 c++17 gnu++17 c++20 gnu++20 c++2b"
flags="-Wall -Wextra -Werror -pedantic -O2 -I$top/include"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-headers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

builds=0
failed=0

for c in $ccs $cxxs; do
	command -v "$c" >/dev/null 2>&1 &&
		printf '%-8s %s\n' "$c" "$("$c" --version | sed -n 1p)"
done

# build LABEL COMMAND...: run a compiler command, report it when it fails.
build() {
	label=$1
	shift
	builds=$((builds + 1))
	if ! "$@" > "$tmp/log" 2>&1; then
		failed=$((failed + 1))
		printf 'FAIL %s\n    %s\n' "$label" "$*"
		sed -n '1,25s/^/    | /p' "$tmp/log"
	elif [ -s "$tmp/log" ]; then
		# -Werror makes any diagnostic fatal; anything else printed
		# (notes, linker chatter) is shown but does not fail.
		printf 'note %s\n' "$label"
		sed -n '1,10s/^/    | /p' "$tmp/log"
	fi
}

have() {
	if ! command -v "$1" >/dev/null 2>&1; then
		failed=$((failed + 1))
		echo "FAIL compiler $1 not found (apt-get install ${2:-$1})"
		return 1
	fi
}

if [ ! -f "$libdir/liburing.so.2" ]; then
	failed=$((failed + 1))
	echo "FAIL no $libdir/liburing.so.2 to run the C++ program with (make lib first)"
fi

# The headers, as #include names.
headers=$(cd include && ls liburing.h liburing/*.h liburing/io_uring/*.h)

# A translation unit that uses what the headers declare: the macros, the
# structures with GNU extensions in them, and an inline helper or two.
# Valid as C and as C++.
cat > "$tmp/use.c" <<'EOF'
#include <liburing.h>
#if IO_URING_CHECK_VERSION(2, 15)
#error "IO_URING_CHECK_VERSION says the header is older than 2.15"
#endif

unsigned check_headers_use(struct io_uring *ring);

unsigned check_headers_use(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	if (sqe) {
		io_uring_prep_nop(sqe);
		sqe->cmd[0] = 1;
		io_uring_sqe_set_data64(sqe, IO_URING_VERSION_MINOR);
	}
	io_uring_for_each_cqe(ring, head, cqe)
		n += (unsigned) cqe->res + (unsigned) cqe->big_cqe[0];
	io_uring_cq_advance(ring, n);
	return n;
}
EOF

# (d): no feature-test macro from liburing.h, so <string.h> after it is
# the one the program asked for.  GNU strerror_r returns char *: assigning
# that to an int fails under -Werror.
cat > "$tmp/xsi.c" <<'EOF'
#include <liburing.h>
#if defined(_GNU_SOURCE) || defined(_XOPEN_SOURCE)
#error "liburing.h defined a feature-test macro"
#endif
#include <string.h>

int check_headers_strerror(char *buf, size_t len);

int check_headers_strerror(char *buf, size_t len)
{
	int ret = strerror_r(EINVAL, buf, len);

	return ret;
}
EOF

for cc in $ccs; do
	have "$cc" || continue
	for h in $headers; do
		printf '#include <%s>\n#include <%s>\nint check_headers_x;\n' \
			"$h" "$h" > "$tmp/one.c"
		build "$cc -std=c99 $h alone" \
			"$cc" -std=c99 $flags -c "$tmp/one.c" -o "$tmp/one.o"
	done
	# Projects that build with conversion and alignment warnings too.
	build "$cc liburing.h, strict warnings" \
		"$cc" -std=gnu11 $flags -Wconversion -Wsign-conversion \
		-Wcast-align -Wcast-qual -Wshadow -Wpointer-arith -Wundef \
		-DIOURINGINLINE= -c "$tmp/use.c" -o "$tmp/use.o"
	for std in $c_stds; do
		build "$cc -std=$std liburing.h" \
			"$cc" -std="$std" $flags -c "$tmp/use.c" -o "$tmp/use.o"
		build "$cc -std=$std liburing.h, helpers instantiated" \
			"$cc" -std="$std" $flags -DIOURINGINLINE= \
			-c "$tmp/use.c" -o "$tmp/use.o"
	done
	for def in _POSIX_C_SOURCE=200809L _XOPEN_SOURCE=700 _DEFAULT_SOURCE \
		   _GNU_SOURCE; do
		build "$cc -std=c11 -D$def liburing.h" \
			"$cc" -std=c11 -D"$def" $flags -c "$tmp/use.c" \
			-o "$tmp/use.o"
	done
	build "$cc liburing.h first keeps the XSI strerror_r" \
		"$cc" $flags -c "$tmp/xsi.c" -o "$tmp/xsi.o"
	build "$cc -std=c99 -D_POSIX_C_SOURCE=200809L liburing.h first keeps the XSI strerror_r" \
		"$cc" -std=c99 -D_POSIX_C_SOURCE=200809L $flags \
		-c "$tmp/xsi.c" -o "$tmp/xsi.o"
	printf '#include <liburing.h>\n#include <linux/io_uring.h>\nint check_headers_x;\n' \
		> "$tmp/sys.c"
	build "$cc liburing.h then <linux/io_uring.h>" \
		"$cc" -std=c11 $flags -c "$tmp/sys.c" -o "$tmp/sys.o"
done

for cxx in $cxxs; do
	case $cxx in
	clang*) pkg=clang ;;
	*) pkg=g++ ;;
	esac
	have "$cxx" "$pkg" || continue
	for h in $headers; do
		printf '#include <%s>\n#include <%s>\nint check_headers_x;\n' \
			"$h" "$h" > "$tmp/one.c"
		build "$cxx -std=c++11 $h alone" \
			"$cxx" -x c++ -std=c++11 $flags -c "$tmp/one.c" \
			-o "$tmp/one.o"
	done
	for std in $cxx_stds; do
		build "$cxx -std=$std liburing.h" \
			"$cxx" -x c++ -std="$std" $flags -c "$tmp/use.c" \
			-o "$tmp/use.o"
		build "$cxx -std=$std liburing.h, helpers instantiated" \
			"$cxx" -x c++ -std="$std" $flags -DIOURINGINLINE= \
			-c "$tmp/use.c" -o "$tmp/use.o"
		build "$cxx -std=$std cxx-ring.cc" \
			"$cxx" -std="$std" $flags -o "$tmp/cxx-ring" \
			test/packaging/cxx-ring.cc -L"$libdir" -luring \
			-Wl,-rpath,"$libdir"
		[ -x "$tmp/cxx-ring" ] || continue
		# It must run against this tree's library, not another
		# liburing.so.2 on the system.
		builds=$((builds + 1))
		if ! ldd "$tmp/cxx-ring" |
		     grep -q "liburing.so.2 => $libdir/liburing.so.2 "; then
			failed=$((failed + 1))
			echo "FAIL $cxx -std=$std cxx-ring does not load $libdir/liburing.so.2:"
			ldd "$tmp/cxx-ring" | sed 's/^/    | /'
			rm -f "$tmp/cxx-ring"
			continue
		fi
		"$tmp/cxx-ring" > "$tmp/run" 2>&1
		status=$?
		if [ "$status" -eq 77 ]; then
			printf 'skip %s -std=%s cxx-ring: %s\n' "$cxx" "$std" \
				"$(cat "$tmp/run")"
		elif [ "$status" -ne 0 ]; then
			failed=$((failed + 1))
			printf 'FAIL %s -std=%s cxx-ring run (exit %s)\n' \
				"$cxx" "$std" "$status"
			sed 's/^/    | /' "$tmp/run"
		fi
		rm -f "$tmp/cxx-ring"
	done
done

echo "check-headers: $builds builds, $failed failed"
[ "$failed" -eq 0 ]
