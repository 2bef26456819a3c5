#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make bench-plot: draw the ours/liburing ratio of every io_uring row of a
# `make bench` table, with the spread of the per-round ratios, as a PNG.
#
#   sh test/bench/plot.sh RESULTS.txt OUT.png
set -eu
[ $# -eq 2 ] || { echo "usage: $0 RESULTS.txt OUT.png" >&2; exit 2; }
in=$1 out=$2
data=$(mktemp "${TMPDIR:-/tmp}/bench-plot.XXXXXX")
trap 'rm -f "$data"' EXIT INT TERM

# The rows against liburing, with their per-round range "lo-hi"; the
# label is the first 32 columns of the table.
awk '/^(NOP|read 4K|echo 64)/ {
	label = substr($0, 1, 32)
	sub(/ +$/, "", label)
	n = split(substr($0, 33), f, " +")
	split(f[n], r, "-")
	printf "\"%s\"\t%s\t%s\t%s\n", label, f[n - 1], r[1], r[2]
}' "$in" > "$data"
[ -s "$data" ] || { echo "plot.sh: no rows in $in" >&2; exit 1; }

title=$(head -n 1 "$in" | sed 's/"//g')
gnuplot <<EOF
set terminal png size 1200,700 noenhanced
set output "$out"
set title "ours / liburing 2.3 (median; bars: per-round range)\n$title"
set style fill solid 0.5
set boxwidth 0.7
set xtics rotate by 50 right font ",9"
set ylabel "ours / liburing (> 1: ours faster)"
set yrange [0.5:1.5]
set grid ytics
set key off
plot "$data" using 0:2:3:4:(0.7):xtic(1) with boxerrorbars lc rgb "#4477aa", \
     1 with lines lc rgb "black" dt 2
EOF
echo "plot.sh: wrote $out"
