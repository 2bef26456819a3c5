#!/bin/sh
# Check the manual pages under man/.
#
#  (a) Every page in man/man1, man2, man3 and man7 is either a regular
#      file or an alias: a relative symbolic link to a regular page in the
#      same directory or in ../manN (no ".so" request pages; those break
#      `man -l` from the repository root and mandoc warns about them).
#      Every regular page
#      must produce no output from
#          mandoc -T lint -W warning PAGE
#          groff -ww -z -man PAGE
#      (mandoc's STYLE notes are below the warning level and do not count)
#      and have no trailing whitespace.
#  (b) Rendered 80 columns wide (mandoc -T ascii -O width=80) no line of a
#      page is wider than 80 columns; in SYNOPSIS a prototype with
#      arguments is written with .BI (argument names in italics), never as
#      one bold .B line.
#  (c) Every reference ".BR NAME (N)" to an io_uring or liburing page names
#      a page man/manN/NAME.N that exists.  Every regular page is referred
#      to from another page (by its name or one of its aliases); every
#      section-3 page names io_uring(7) in its SEE ALSO section.
#  (d) Every name in test/packaging/symbols.tsv (the API: exported
#      functions, and the macros and types with a page) has a page
#      man/man3/NAME.3.
#  (e) apropos(1), on an index of these pages, finds a page for each of the
#      words a user types (the list in $apropos_words below).
#  (f) The example program of each section-7 page (the .EX block of its
#      EXAMPLES section that defines main; io_uring(7) and every topic page
#      io_uring_*(7) must have one) compiles against include/;
#      when LIBURING_LIBDIR names a directory holding the built library,
#      it is also linked against it and run, with the page's own path as
#      its only argument, and must exit 0.
#
# Prints each problem, then one summary line
#     check-man: N pages, M problems
# and exits non-zero when M is not 0.

LC_ALL=C
export LC_ALL

cd "$(dirname "$0")/.." || exit 2

names=test/packaging/symbols.tsv
tab=$(printf '\t')
tmp=${TMPDIR:-/tmp}/check-man.$$
trap 'rm -rf "$tmp" "$tmp".*' EXIT HUP INT TERM
mkdir -p "$tmp" || exit 2

apropos_words="fixed file
registered file
registered buffer
provided buffer
buffer ring
multishot
timeout
cancel
zero-copy
linked
SQPOLL
setup flags
wait
DEFER_TASKRUN
submission queue
completion queue"

pages=0
problems=0

problem() {
	printf '%s\n' "$*"
	problems=$((problems + 1))
}

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	problem "$1 not found: cannot $2 (install the $3 package)"
	return 1
}

have_mandoc=no
have_groff=no
have_mandb=no
need mandoc "lint pages" mandoc && have_mandoc=yes
need groff "lint pages" groff-base && have_groff=yes
need mandb "check apropos" man-db && need apropos "check apropos" man-db &&
	have_mandb=yes

# --- (a), (b): every page ------------------------------------------------

: >"$tmp/regular"
for dir in man/man1 man/man2 man/man3 man/man7; do
	[ -d "$dir" ] || continue
	for page in "$dir"/*; do
		case $page in
		*.[0-9]) ;;
		*) continue ;;
		esac
		pages=$((pages + 1))

		if [ -L "$page" ]; then
			target=$(readlink "$page")
			case $target in
			../man[0-9]/*/* | */*/*/*) problem "$page: alias link $target leaves man/" ;;
			../man[0-9]/*) ;;
			*/*) problem "$page: alias link $target leaves man/" ;;
			esac
			if [ ! -f "$dir/$target" ] || [ -L "$dir/$target" ]; then
				problem "$page: alias link $target is not a regular page"
			fi
			continue
		fi
		[ -f "$page" ] || continue
		printf '%s\n' "$page" >>"$tmp/regular"

		if grep -q '^\.so' "$page"; then
			problem "$page: .so request (make the alias a symbolic link)"
		fi
		if [ "$have_mandoc" = yes ]; then
			mandoc -T lint -W warning "$page" >"$tmp/out" 2>&1
			if [ -s "$tmp/out" ]; then
				sed 's/^/  /' "$tmp/out"
				problem "$page: mandoc lint reported the lines above"
			fi
			mandoc -T ascii -O width=80 "$page" 2>/dev/null |
				sed 's/.\x08//g' |
				awk 'length($0) > 80 { print "  " $0 }' >"$tmp/out"
			if [ -s "$tmp/out" ]; then
				cat "$tmp/out"
				problem "$page: lines above are wider than 80 columns"
			fi
		fi
		if [ "$have_groff" = yes ]; then
			groff -ww -z -man "$page" >"$tmp/out" 2>&1
			if [ -s "$tmp/out" ]; then
				sed 's/^/  /' "$tmp/out"
				problem "$page: groff reported the lines above"
			fi
		fi
		if grep -n '[[:space:]]$' "$page" >"$tmp/out"; then
			sed 's/^/  /' "$tmp/out"
			problem "$page: trailing whitespace on the lines above"
		fi
		awk '
			/^\.SH / { syn = ($0 == ".SH SYNOPSIS"); next }
			syn && /^\.B .*\(.+\);"?$/ && !/\(void\);/ { print "  " $0 }
		' "$page" >"$tmp/out"
		if [ -s "$tmp/out" ]; then
			cat "$tmp/out"
			problem "$page: prototypes above in bold; use .BI, names in italics"
		fi
	done
done

# --- (c): references, reachability, SEE ALSO io_uring(7) ------------------

# "FROM NAME SECTION" for every .BR reference to one of our pages.
while IFS= read -r page; do
	awk -v from="$page" '
		/^\.BR (io_uring|liburing|__io_uring|IO_URING)[A-Za-z0-9_-]* \([0-9]\)/ {
			sec = $3; gsub(/[^0-9]/, "", sec)
			print from, $2, sec
		}
	' "$page"
done <"$tmp/regular" >"$tmp/refs"

while read -r from name sec; do
	[ -e "man/man$sec/$name.$sec" ] ||
		problem "$from: refers to $name($sec), which has no page"
done <"$tmp/refs"

while IFS= read -r page; do
	dir=${page%/*}
	file=${page##*/}
	sec=${file##*.}
	# The page's own name and every alias that links to it.
	{
		printf '%s\n' "${file%.*}"
		for alias in "$dir"/*; do
			[ -L "$alias" ] && [ "$(readlink "$alias")" = "$file" ] &&
				{ a=${alias##*/}; printf '%s\n' "${a%.*}"; }
		done
	} >"$tmp/names"
	awk -v self="$page" -v sec="$sec" 'NR == FNR { n[$1] = 1; next }
		$1 != self && $3 == sec && ($2 in n) { found = 1 }
		END { exit !found }' "$tmp/names" "$tmp/refs" ||
		problem "$page: no other page refers to it"
	case $page in
	man/man3/*)
		sed -n '/^\.SH SEE ALSO/,/^\.SH/p' "$page" |
			grep -q '^\.BR io_uring (7)' ||
			problem "$page: SEE ALSO does not name io_uring(7)"
		;;
	esac
done <"$tmp/regular"

# --- (d): a page for every API name ----------------------------------------

if [ -f "$names" ]; then
	while IFS=$tab read -r name _; do
		case $name in
		'' | '#'*) continue ;;
		esac
		[ -e "man/man3/$name.3" ] ||
			problem "man/man3/$name.3: missing (named in $names)"
	done <"$names"
else
	problem "$names: missing"
fi

# --- (e): apropos finds the words users type -----------------------------

if [ "$have_mandb" = yes ]; then
	mkdir -p "$tmp/idx" && cp -R man/man[0-9] "$tmp/idx/" &&
		mandb -q -c "$tmp/idx" >/dev/null 2>&1
	if [ ! -s "$tmp/idx/index.db" ]; then
		problem "mandb could not index the pages"
	else
		printf '%s\n' "$apropos_words" | while IFS= read -r word; do
			apropos -M "$tmp/idx" "$word" >/dev/null 2>&1 ||
				echo "apropos \"$word\" finds no page"
		done >"$tmp/out"
		while IFS= read -r line; do
			problem "$line"
		done <"$tmp/out"
	fi
fi

# --- (f): the examples of section 7 ----------------------------------------

# The example is the .EX block of the EXAMPLES section that defines main();
# undo the roff escapes used in it (\& at the start of a line, \e, \-).
extract_example() {
	awk '
		/^\.SH / { inx = ($0 == ".SH EXAMPLES"); next }
		inx && /^\.EX$/ { buf = ""; inex = 1; next }
		inex && /^\.EE$/ {
			if (buf ~ /int main\(/) { printf "%s", buf; exit }
			inex = 0; next
		}
		inex { buf = buf $0 "\n" }
	' "$1" | sed -e 's/^\\&//' -e 's/\\e/\\/g' -e 's/\\-/-/g' \
		-e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g'
}

cc=${CC:-cc}
libdir=${LIBURING_LIBDIR:-}
if [ -f include/liburing.h ] && command -v "${cc%% *}" >/dev/null 2>&1; then
	for page in man/man7/*.7; do
		[ -f "$page" ] && [ ! -L "$page" ] || continue
		extract_example "$page" >"$tmp/ex.c"
		if [ ! -s "$tmp/ex.c" ]; then
			# io_uring(7) and the topic pages must show a program.
			case $page in
			man/man7/io_uring*.7)
				problem "$page: EXAMPLES holds no program (an .EX block with main)" ;;
			esac
			continue
		fi
		if [ -z "$libdir" ]; then
			$cc -fsyntax-only -Wall -Wextra -I include "$tmp/ex.c" \
				>"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ] || {
				sed 's/^/  /' "$tmp/out"
				problem "$page: the example does not compile cleanly"
			}
			continue
		fi
		if ! $cc -Wall -Wextra -O2 -I include -o "$tmp/ex" "$tmp/ex.c" \
			-L"$libdir" -Wl,-rpath,"$libdir" -luring \
			>"$tmp/out" 2>&1 || [ -s "$tmp/out" ]; then
			sed 's/^/  /' "$tmp/out"
			problem "$page: the example does not build cleanly"
			continue
		fi
		if command -v timeout >/dev/null 2>&1; then
			run="timeout 60"
		else
			run=
		fi
		$run "$tmp/ex" "$page" </dev/null >"$tmp/out" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ]; then
			sed 's/^/  /' "$tmp/out"
			problem "$page: the example exited with status $rc"
		fi
	done
fi

echo "check-man: $pages pages, $problems problems"
[ "$problems" -eq 0 ]
