#!/bin/sh
# Check the manual pages under man/.
#
#  (a) Every page in man/man2, man/man3 and man/man7 that is not a ".so"
#      link page must produce no output from
#          mandoc -T lint -W warning PAGE
#          groff -ww -z -man PAGE
#      (mandoc's STYLE notes are below the warning level and do not count).
#      A ".so" link page must name a file that exists, relative to man/.
#  (b) Every name in test/packaging/symbols.tsv (the API: exported functions
#      and the macros with a page) must have a page man/man3/NAME.3.
#  (c) The complete example program in man/man7/io_uring.7 must compile
#      against include/liburing.h (checked when that header and a C
#      compiler, ${CC:-cc}, are present).
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
trap 'rm -f "$tmp" "$tmp.c"' EXIT HUP INT TERM

pages=0
problems=0

problem() {
	printf '%s\n' "$*"
	problems=$((problems + 1))
}

have_mandoc=yes
have_groff=yes
command -v mandoc >/dev/null 2>&1 || have_mandoc=no
command -v groff >/dev/null 2>&1 || have_groff=no
[ "$have_mandoc" = yes ] ||
	problem "mandoc not found: cannot lint pages (install the mandoc package)"
[ "$have_groff" = yes ] ||
	problem "groff not found: cannot lint pages (install the groff-base package)"

for dir in man/man2 man/man3 man/man7; do
	[ -d "$dir" ] || continue
	for page in "$dir"/*; do
		[ -f "$page" ] || continue
		case $page in
		*.[0-9]) ;;
		*) continue ;;
		esac
		pages=$((pages + 1))

		# A link page: its first line is ".so TARGET", TARGET relative
		# to man/ (as man(1) resolves it).
		first=$(sed -n '1p' "$page")
		case $first in
		'.so '*)
			target=${first#.so }
			target=$(printf '%s' "$target" | sed 's/[[:space:]]*$//')
			if [ -z "$target" ]; then
				problem "$page: empty .so target"
			elif [ ! -f "man/$target" ]; then
				problem "$page: .so target man/$target does not exist"
			fi
			nlines=$(grep -c . "$page")
			[ "$nlines" -eq 1 ] ||
				problem "$page: a .so link page must hold only the .so line"
			continue
			;;
		esac

		if [ "$have_mandoc" = yes ]; then
			mandoc -T lint -W warning "$page" >"$tmp" 2>&1
			if [ -s "$tmp" ]; then
				sed 's/^/  /' "$tmp"
				problem "$page: mandoc lint reported the lines above"
			fi
		fi
		if [ "$have_groff" = yes ]; then
			groff -ww -z -man "$page" >"$tmp" 2>&1
			if [ -s "$tmp" ]; then
				sed 's/^/  /' "$tmp"
				problem "$page: groff reported the lines above"
			fi
		fi
		if grep -n '[[:space:]]$' "$page" >"$tmp"; then
			sed 's/^/  /' "$tmp"
			problem "$page: trailing whitespace on the lines above"
		fi
	done
done

if [ -f "$names" ]; then
	while IFS=$tab read -r name _; do
		case $name in
		'' | '#'*) continue ;;
		esac
		[ -f "man/man3/$name.3" ] ||
			problem "man/man3/$name.3: missing (named in $names)"
	done <"$names"
else
	problem "$names: missing"
fi

# The example is the .EX block of io_uring.7 that defines main(); undo the
# roff escapes used in it (\& on empty lines, \e, \-).
example=man/man7/io_uring.7
cc=${CC:-cc}
if [ -f "$example" ] && [ -f include/liburing.h ] &&
	command -v "${cc%% *}" >/dev/null 2>&1; then
	awk '
		/^\.EX$/ { buf = ""; inex = 1; next }
		/^\.EE$/ {
			if (inex && buf ~ /int main\(/) { printf "%s", buf; exit }
			inex = 0; next
		}
		inex { buf = buf $0 "\n" }
	' "$example" |
		sed -e 's/^\\&$//' -e 's/\\e/\\/g' -e 's/\\-/-/g' >"$tmp.c"
	if [ ! -s "$tmp.c" ]; then
		problem "$example: no example program (an .EX block with main) found"
	elif ! $cc -fsyntax-only -I include "$tmp.c" >"$tmp" 2>&1; then
		sed 's/^/  /' "$tmp"
		problem "$example: the example program does not compile"
	fi
fi

echo "check-man: $pages pages, $problems problems"
[ "$problems" -eq 0 ]
