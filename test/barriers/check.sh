#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Check the memory ordering the compiler emitted for every ring-index
# access, on CPUs where it matters (x86-64 orders everything anyway).
#
#   sh test/barriers/check.sh BUILD_DIR...
#
# BUILD_DIR is a cross build (build/cross-aarch64, build/cross-riscv64-clang,
# ...; the CPU is read from the name) holding src/{setup,queue,register,
# syscall,ffi}.o and test/barriers/ring-index.o.  src/ffi.o has every inline
# helper of liburing.h as a function; ring-index.o has the two that ffi.c
# cannot show.
#
# Each function's ordered instructions are classed as acquire, release or
# full (fence), its own and those of the functions it calls in the same
# object, transitively, so the result does not depend on what the compiler
# chose to inline.  The classes must equal those test/barriers/ordered.tsv
# lists for the function: an acquire or release missing is a lost ordering,
# one too many (or any class in a function not listed) is a plain access
# that became ordered, a full fence where none is listed is a fence the hot
# path pays for without need.
#
#   aarch64: ldar/ldapr (acquire), stlr (release), dmb ish (full; dmb ishld
#            counts as acquire).  A sequentially consistent load is an ldar
#            too, so only riscv64 tells the two apart.  Each instruction's
#            source line (DWARF) must be one that uses io_uring_smp_*.
#   riscv64: a load followed by fence r,rw (acquire), fence rw,w followed by
#            a store or amoswap (release), fence rw,rw alone (full);
#            amo*.aq / *.rl.  GCC before 13 has no lighter fences than
#            fence iorw,iorw (it writes `fence`) after acquire loads and
#            before 16-bit release stores, so a fence there cannot be told
#            from the others (a full fence after an unrelated load looks
#            like an acquire); for that build the check is only "ordered
#            where the list says so, nothing ordered where it does not",
#            and the accesses paying a full fence are counted in a note.
#
# Exit status 0 when every build matches; the per-function table is printed.

set -u
here=$(cd "$(dirname "$0")" && pwd)
list=$here/ordered.tsv
objs="src/setup.o src/queue.o src/register.o src/syscall.o src/ffi.o test/barriers/ring-index.o"
status=0

# expected FUNCTION: its classes from the list ("-" for none), and whether
# it may be missing from the objects (a static function inlined away)
expected_all=$(awk -F '\t' '
	/^#/ || NF < 4 { next }
	{ f = $2; seen[f] = 1; if ($1 ~ /:static$/) st[f] = 1
	  if ($4 != "plain") k[f, $4] = 1 }
	END {
		for (f in seen) {
			s = ""
			if (k[f, "acquire"]) s = s ",acquire"
			if (k[f, "release"]) s = s ",release"
			if (k[f, "full"]) s = s ",full"
			s = s == "" ? "-" : substr(s, 2)
			print f, s, (st[f] ? "static" : "extern")
		}
	}' "$list" | sort)

for dir in "$@"; do
	name=${dir##*/}
	arch=${name#cross-}
	arch=${arch%-clang}
	case $arch in aarch64|riscv64) ;; *) echo "check-barriers: $dir: unknown CPU" >&2; exit 2 ;; esac
	case $name in *-clang) cc=clang ;; *) cc=gcc ;; esac
	oldgcc=0
	if [ "$cc:$arch" = gcc:riscv64 ]; then
		v=$("$arch-linux-gnu-gcc" -dumpversion | cut -d. -f1)
		[ "$v" -lt 13 ] && oldgcc=1
	fi
	tmp=$(mktemp -d) || exit 2
	for o in $objs; do
		[ -f "$dir/$o" ] || { echo "check-barriers: missing $dir/$o" >&2; status=1; continue; }
		"$arch-linux-gnu-readelf" -sW "$dir/$o" |
			awk '$4 == "FUNC" && $7 != "UND" { print $8 }' >"$tmp/funcs"
		"$arch-linux-gnu-objdump" -dlr --no-show-raw-insn "$dir/$o" |
		awk -v arch="$arch" -v funcs="$tmp/funcs" -v obj="$o" '
		BEGIN { while ((getline l < funcs) > 0) isf[l] = 1 }
		function emit(k) { print "K", fn, k, obj; print "L", loc, k }
		function fence_full(a) { return a == "" || a == "iorw,iorw" || a == "rw,rw" }
		function flush_fence() {	# a fence not taken by a load before or a store after
			if (pend == "") return
			if (fence_full(pend)) emit("full")
			else if (pend ~ /^i?o?r,/) emit("acquire")
			else emit("release")
			pend = ""
		}
		# A branch shown as "<name>" is a call within the object only if
		# no relocation follows it: with one, objdump shows offset 0 of
		# whatever symbol comes first, and the relocation names the target.
		function flush_call() {
			if (pt != "") print "C", fn, pt
			pt = ""
		}
		# GCC clones (get_cqe.constprop.0) stand for the function
		function base(x) {
			sub(/\.(constprop|isra|part)\.[0-9]+$/, "", x)
			return x
		}
		/^[0-9a-f]+ <[^>]+>:$/ {
			s = $2; gsub(/[<>:]/, "", s)
			if (s in isf) { flush_call(); flush_fence(); fn = base(s); prev = "" }
			next
		}
		/^\/.*:[0-9]+( \(discriminator [0-9]+\))?$/ { loc = $1; next }
		fn == "" { next }
		/R_[A-Z0-9_]*(CALL|JUMP)[A-Z0-9_]*/ {
			pt = ""
			c = $NF; sub(/[+-]0x[0-9a-f]+$/, "", c)
			print "C", fn, base(c)
			next
		}
		/^ *[0-9a-f]+:\t/ {
			flush_call()
			split($0, p, "\t"); m = p[2]; a = p[3]
			sub(/ .*/, "", m); gsub(/ /, "", a)
			if (match($0, /<[^>+]+/)) {
				t = substr($0, RSTART + 1, RLENGTH - 1)
				if ((t in isf) && t != fn && m ~ /^(bl|b|jal|j|jalr|jr|call|tail)$/)
					pt = base(t)
			}
			if (arch == "aarch64") {
				if (m ~ /^(ldar|ldapr|ldaxr|ldapur)[bh]?$/) emit("acquire")
				else if (m ~ /^(stlr|stlxr|stlur)[bh]?$/) emit("release")
				else if (m == "dmb") emit(a ~ /ishld|ld$/ ? "acquire" : "full")
				else if (m ~ /^(cas|swp|ldadd|ldclr|ldset|ldeor)[a-z]*al[bh]?$/) emit("full")
				next
			}
			# riscv64
			if (m == "fence") {
				if (prev ~ /^l[bhwd]u?$/ && (a ~ /^i?o?r,/ || fence_full(a))) {
					emit("acquire")
					if (fence_full(a)) print "S", fn, "acquire", obj
					prev = ""
					next
				}
				flush_fence(); pend = a; prev = m
				if (pend == "") pend = "iorw,iorw"
				next
			}
			if (pend != "" && (m ~ /^s[bhwd]$/ || m ~ /^amoswap/)) {
				emit("release")
				if (fence_full(pend)) print "S", fn, "release", obj
				pend = ""; prev = m
				next
			}
			flush_fence()
			if (m ~ /^(amo|lr\.|sc\.).*\.aqrl$/) emit("full")
			else if (m ~ /^(amo|lr\.|sc\.).*\.aq$/) emit("acquire")
			else if (m ~ /^(amo|lr\.|sc\.).*\.rl$/) emit("release")
			prev = m
		}
		END { flush_call(); flush_fence() }'
	done >"$tmp/raw"
	cat "$dir"/dev/null 2>/dev/null
	for o in $objs; do
		[ -f "$dir/$o" ] && "$arch-linux-gnu-readelf" -sW "$dir/$o" |
			awk '$4 == "FUNC" && $7 != "UND" { print $8 }'
	done | sort -u >"$tmp/present"

	# transitive classes per function
	awk '
	$1 == "K" { k[$2, $3] = 1; fns[$2] = 1 }
	$1 == "C" { e[$2] = e[$2] " " $3; fns[$2] = 1 }
	function walk(f, root,   n, i, c, cs) {
		if (vis[root, f]) return
		vis[root, f] = 1
		for (c in cls) if (k[f, c]) r[root, c] = 1
		n = split(e[f], cs, " ")
		for (i = 1; i <= n; i++) walk(cs[i], root)
	}
	END {
		cls["acquire"]; cls["release"]; cls["full"]
		for (f in fns) {
			walk(f, f)
			s = ""
			if (r[f, "acquire"]) s = s ",acquire"
			if (r[f, "release"]) s = s ",release"
			if (r[f, "full"]) s = s ",full"
			print f, (s == "" ? "-" : substr(s, 2))
		}
	}' "$tmp/raw" | sort >"$tmp/got"

	echo "== $dir ($arch, $cc)"
	bad=0
	# every function with ordered instructions must be listed, and match
	while read -r f got; do
		[ "$got" = - ] && continue
		want=$(printf '%s\n' "$expected_all" | awk -v f="$f" '$1 == f { print $2 }')
		if [ -z "$want" ]; then
			echo "  FAIL $f: $got, but ordered.tsv lists no ordered access"
			bad=1
			continue
		fi
		g=$got w=$want
		if [ "$oldgcc" = 1 ]; then     # only ordered or not: see above
			g=ordered w=ordered
		fi
		if [ "$g" = "$w" ]; then
			printf '  ok   %-40s %s\n' "$f" "$got"
		else
			echo "  FAIL $f: $got, ordered.tsv says $want"
			bad=1
		fi
	done <"$tmp/got"
	# every listed function with ordered accesses must be there and have them
	printf '%s\n' "$expected_all" | while read -r f want kind; do
		[ "$want" = - ] && continue
		if ! grep -qx "$f" "$tmp/present"; then
			[ "$kind" = static ] && continue
			echo "  FAIL $f: listed, not in the objects"
			echo 1 >"$tmp/bad"
			continue
		fi
		grep -q "^$f " "$tmp/got" || {
			echo "  FAIL $f: no ordered instruction, ordered.tsv says $want"
			echo 1 >"$tmp/bad"
		}
	done
	[ -f "$tmp/bad" ] && bad=1
	# plain helpers listed as plain: must have nothing ordered
	printf '%s\n' "$expected_all" | while read -r f want kind; do
		[ "$want" = - ] || continue
		grep -qx "$f" "$tmp/present" || {
			[ "$kind" = static ] || echo "  FAIL $f: listed, not in the objects"
			continue
		}
		printf '  ok   %-40s plain\n' "$f"
	done
	# where each ordered instruction comes from, with the source line
	awk '$1 == "L" { print $2, $3 }' "$tmp/raw" | sort -u | while read -r loc cls; do
		f=${loc%:*} l=${loc##*:}
		printf '%-8s %s:%s: %s\n' "$cls" "${f#"$(cd "$here/../.." && pwd)"/}" "$l" \
			"$(sed -n "${l}{s/^[ \t]*//;p}" "$f" 2>/dev/null)"
	done >"$dir/barriers-lines.txt"
	# On aarch64 one instruction is the whole access, so its line is
	# exact: it must be one that asks for ordering (GCC 12 puts some
	# header lines under src/ffi.c's name; those read empty and pass).
	if [ "$arch" = aarch64 ]; then
		while read -r cls where text; do
			case $text in
			''|*io_uring_smp_*|*io_uring_for_each_cqe*) ;;
			*) echo "  FAIL $cls at ${where%:}, a line that asks for no ordering: $text"
			   bad=1 ;;
			esac
		done <"$dir/barriers-lines.txt"
	fi
	strong=$(awk '$1 == "S"' "$tmp/raw" | wc -l)
	if [ "$strong" -gt 0 ]; then
		echo "  note: $strong acquire/release accesses use a full fence (GCC $("$arch-linux-gnu-gcc" -dumpversion) on riscv64 has no fence r,rw / fence rw,w mapping; GCC 13 and clang have)"
	fi
	n=$(grep -c . "$tmp/present")
	nk=$(awk '$1 == "K"' "$tmp/raw" | wc -l)
	echo "  source lines of the ordered instructions: $dir/barriers-lines.txt"
	if [ "$bad" = 0 ]; then
		echo "  $dir: OK ($nk ordered instructions in $n functions)"
	else
		echo "  $dir: FAILED"
		status=1
	fi
	rm -rf "$tmp"
done
exit $status
