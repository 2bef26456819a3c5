#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Symbol table checks of the built libraries:
#   - each exports exactly the names its version script lists, under the
#     node the script puts them in (nothing leaks out, nothing is missing);
#   - every symbol@node Debian's liburing.so.2 (2.3) exports is in ours;
#   - every name liburing-api.tsv lists as exported is in ours with the
#     node given there (when the reference file is around).
#
#   sh test/compat/symbols.sh LIBDIR [SYSTEM_LIBURING] [API_TSV]

set -u
libdir=$1
system=${2:-/usr/lib/x86_64-linux-gnu/liburing.so.2}
tsv=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

# "name node" for each defined, versioned dynamic symbol (not the node
# names themselves, which readelf lists as ABS symbols).
dynsyms() {
	readelf --dyn-syms -W "$1" |
	awk '$7 != "UND" && $7 != "ABS" && $8 ~ /@/ {
		n = $8; sub(/@.*/, "", n);
		v = $8; sub(/^[^@]*@@?/, "", v);
		print n, v }' | sort -u
}

# Unversioned defined symbols would escape the version script.
unversioned() {
	readelf --dyn-syms -W "$1" |
	awk 'NR > 3 && $7 != "UND" && $7 != "ABS" && $8 != "" && $8 !~ /@/ { print $8 }'
}

# "name node" for each global in a GNU ld version script.
mapsyms() {
	sed 's,/\*.*\*/,,' "$1" | awk '
		/^[A-Za-z_][A-Za-z0-9_.]* *\{/ { node = $1; glob = 0; next }
		/global:/ { glob = 1; next }
		/local:/ { glob = 0; next }
		/^\}/ { glob = 0; next }
		glob && /;/ { s = $1; sub(/;.*/, "", s); if (s != "") print s, node }' |
	sort -u
}

for pair in liburing.so.2:src/liburing.map liburing-ffi.so.2:src/liburing-ffi.map; do
	lib=$libdir/${pair%%:*}
	map=${pair#*:}
	checks=$((checks + 1))
	if [ ! -f "$lib" ]; then
		fail "$lib: not built"
		continue
	fi
	dynsyms "$lib" > "$tmp/lib"
	mapsyms "$map" > "$tmp/map"
	unversioned "$lib" > "$tmp/unv"
	if [ -s "$tmp/unv" ]; then
		fail "${lib##*/}: unversioned exports: $(tr '\n' ' ' < "$tmp/unv")"
	fi
	extra=$(comm -23 "$tmp/lib" "$tmp/map" | tr '\n' ',')
	missing=$(comm -13 "$tmp/lib" "$tmp/map" | tr '\n' ',')
	if [ -n "$extra" ] || [ -n "$missing" ]; then
		[ -z "$extra" ] || fail "${lib##*/} exports beyond $map: $extra"
		[ -z "$missing" ] || fail "${lib##*/} lacks from $map: $missing"
	else
		ok "${lib##*/}: $(wc -l < "$tmp/lib") exports, exactly those of $map"
	fi
done

ours=$libdir/liburing.so.2
dynsyms "$ours" > "$tmp/ours"

checks=$((checks + 1))
if [ -f "$system" ]; then
	dynsyms "$system" > "$tmp/system"
	missing=$(comm -13 "$tmp/ours" "$tmp/system" | tr '\n' ',')
	if [ -n "$missing" ]; then
		fail "missing symbol@node that $system exports: $missing"
	else
		ok "all $(wc -l < "$tmp/system") symbol@node of $system are in ours"
	fi
	# The version nodes must chain as liburing's do.
	readelf -V "$system" | sed -n 's/.*Name: \(LIBURING_[0-9.]*\)$/\1/p' \
		> "$tmp/nodes"
	for node in $(cat "$tmp/nodes"); do
		readelf -V "$ours" | grep -q "Name: $node\$" ||
			fail "version node $node not defined in ours"
	done
else
	fail "$system not found (install liburing2)"
fi

if [ -n "$tsv" ] && [ -f "$tsv" ]; then
	checks=$((checks + 1))
	awk -F'\t' '$2 == "exported" { print $1, $3 }' "$tsv" | sort -u \
		> "$tmp/api"
	missing=$(comm -13 "$tmp/ours" "$tmp/api" | tr '\n' ',')
	if [ -n "$missing" ]; then
		fail "exported API names not in ours as listed in ${tsv##*/}: $missing"
	else
		ok "all $(wc -l < "$tmp/api") exported names of ${tsv##*/} with their nodes"
	fi
fi

echo "symbols: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
