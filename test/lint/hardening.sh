#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Check that the hardening the Makefile asks for is in the built libraries.
#
#   sh test/lint/hardening.sh LIBDIR
#
#   - the library objects are compiled with -fstack-protector-strong and
#     -D_FORTIFY_SOURCE=2 at an optimisation level where FORTIFY works, and
#     linked with -z relro -z now -z noexecstack (from make's own commands);
#   - each shared library has a GNU_RELRO segment, BIND_NOW, a
#     non-executable stack, no text relocations, and imports
#     __stack_chk_fail (some function is protected).

set -u
libdir=$1
fails=0 checks=0

ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }

# What make would run for a fresh build of the library.
cmds=$(make -s -n --always-make B=build/hardening-dry ENABLE_STATIC=no lib \
	2>/dev/null | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
for flag in -fstack-protector-strong -D_FORTIFY_SOURCE=2; do
	n=$(printf '%s\n' "$cmds" | grep -- ' -c ' | grep -c -- "$flag")
	total=$(printf '%s\n' "$cmds" | grep -c -- ' -c ')
	if [ "$total" -gt 0 ] && [ "$n" = "$total" ]; then
		ok "$flag on all $total compiles"
	else
		fail "$flag on $n of $total compiles"
	fi
done
if printf '%s\n' "$cmds" | grep -- ' -c ' | grep -q -- '-O0'; then
	fail "-O0 in the compile commands: _FORTIFY_SOURCE needs optimisation"
else
	ok "compiled with optimisation (FORTIFY active)"
fi
links=$(printf '%s\n' "$cmds" | grep -- '-shared')
if printf '%s\n' "$links" | grep -v -q -- '-z,relro,-z,now,-z,noexecstack'; then
	fail "a shared link lacks -z relro -z now -z noexecstack"
else
	ok "-z relro -z now -z noexecstack on every shared link"
fi

for lib in "$libdir"/liburing.so.2 "$libdir"/liburing-ffi.so.2; do
	name=${lib##*/}
	if [ ! -f "$lib" ]; then
		fail "$name: not built"
		continue
	fi
	phdrs=$(readelf -lW "$lib")
	dyn=$(readelf -dW "$lib")
	printf '%s\n' "$phdrs" | grep -q 'GNU_RELRO' &&
		ok "$name: GNU_RELRO" || fail "$name: no GNU_RELRO"
	printf '%s\n' "$dyn" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW' &&
		ok "$name: BIND_NOW" || fail "$name: lazy binding"
	stack=$(printf '%s\n' "$phdrs" | awk '$1 == "GNU_STACK" { print $(NF-1) }')
	[ "$stack" = RW ] && ok "$name: stack not executable" ||
		fail "$name: GNU_STACK flags '$stack'"
	printf '%s\n' "$dyn" | grep -q TEXTREL &&
		fail "$name: text relocations" || ok "$name: no TEXTREL"
	readelf --dyn-syms -W "$lib" | grep -q ' UND __stack_chk_fail' &&
		ok "$name: stack protector in use" ||
		fail "$name: no __stack_chk_fail import"
	chk=$(readelf --dyn-syms -W "$lib" | awk '$7 == "UND" && $8 ~ /_chk@/' | wc -l)
	echo "     $name: $chk fortified libc calls (__*_chk)"
done

echo "hardening: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
