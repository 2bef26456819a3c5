#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make bench: run uring-bench built against this tree (OURS), against
# liburing 2.15 (REF, the reference) and against Debian 12's liburing 2.3
# (OLD), alternating contenders, and print one table of medians and
# ratios.
#
#   sh test/bench/run.sh [-r RUNS] [-t SECS] [-n ROUNDS] [-d DIR] [-o RAW]
#                        OURS REF OLD
#   sh test/bench/run.sh -T RAW          the table again, from a kept RAW
#
#   -r  runs of every contender (default 11); a case's contenders run in
#       turn, in reverse order every other round
#   -t  seconds each run measures (default 0.15)
#   -n  callgrind rounds N: instructions per NOP at batch B are
#       (Ir(2N rounds) - Ir(N rounds)) / (B N), for B = 32 and 1
#       (default 2000; 0 skips)
#   -d  directory for the 64 MiB read file (default $TMPDIR or /tmp)
#   -o  also keep the raw results (one run per line) in RAW
#
# Exit status 0 when every run worked and every row has its numbers.
set -eu

runs=11 secs=0.15 cg_iters=2000 dir=${TMPDIR:-/tmp} raw_out='' table_only=''
while getopts r:t:n:d:o:T: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	t) secs=$OPTARG ;;
	n) cg_iters=$OPTARG ;;
	d) dir=$OPTARG ;;
	o) raw_out=$OPTARG ;;
	T) table_only=$OPTARG ;;
	*) echo "usage: $0 [-r RUNS] [-t SECS] [-n ROUNDS] [-d DIR]" \
		"[-o RAW] OURS REF OLD | -T RAW" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))

# contender NAME: which binary runs it.  ref* is liburing 2.15, old* is
# liburing 2.3; the baselines (raw system calls, pread, libaio, epoll) do
# not touch a library's functions and run from OURS.
bin_of() {
	case $1 in
	ref*) echo "$ref" ;;
	old*) echo "$old" ;;
	*) echo "$ours" ;;
	esac
}

# group CASE SPEC...: SPEC is NAME:ARG:ARG...; every round runs each
# contender once, forwards in odd rounds and backwards in even ones.
group() {
	g=$1
	shift
	printf '%s ' "$g" >&2		# progress
	fwd=$* rev=
	for s in "$@"; do
		rev="$s $rev"
	done
	r=1
	while [ "$r" -le "$runs" ]; do
		if [ $((r % 2)) -eq 1 ]; then order=$fwd; else order=$rev; fi
		for s in $order; do
			name=${s%%:*}
			args=$(echo "${s#*:}" | tr ':' ' ')
			# shellcheck disable=SC2086
			if ! v=$("$(bin_of "$name")" -t "$secs" $args); then
				echo "run.sh: $g/$name ($args) failed" >&2
				exit 1
			fi
			echo "$g $name $r $v" >> "$raw"
		done
		r=$((r + 1))
	done
}

# Instructions per NOP: the difference of two runs cancels the setup.
instr() {	# instr BIN ROUNDS BATCH MODE -> Ir
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$1" nop-count "$2" "$3" "$4" 2>&1 |
		sed -n 's/^==[0-9]*== Collected : *\([0-9]*\).*/\1/p'
}

measure() {
	# the syscall instruction in place: x86-64 only (uring-bench.c)
	insn=
	[ "$(uname -m)" = x86_64 ] && insn=yes
	for b in 1 8 32 128; do
		group "nop$b" "ours:nop:$b:plain" "ref:nop:$b:plain" \
			"old:nop:$b:plain" "raw:nop:$b:raw" \
			${insn:+"rawinsn:nop:$b:rawinsn"}
		group "nop${b}r" "ours:nop:$b:regfd" "ref:nop:$b:regfd" \
			"old:nop:$b:regfd"
	done

	file=$work/data
	head -c 67108864 /dev/urandom > "$file"
	cat "$file" > /dev/null		# into the page cache
	for d in 1 32; do
		group "read$d" "ours-plain:read:uring:$d:$file" \
			"ref-plain:read:uring:$d:$file" \
			"old-plain:read:uring:$d:$file" \
			"ours-fixed:read:uring-fixed:$d:$file" \
			"ref-fixed:read:uring-fixed:$d:$file" \
			"old-fixed:read:uring-fixed:$d:$file" \
			"libaio:read:libaio:$d:$file" \
			"pread:read:pread:$d:$file"
	done
	rm -f "$file"

	for c in 1 32; do
		group "echo$c" "ours:echo:uring:$c" "ref:echo:uring:$c" \
			"old:echo:uring:$c" "epoll:echo:epoll:$c"
	done

	for e in 8 256 4096; do
		group "setup$e" "ours:setup:$e" "ref:setup:$e" "old:setup:$e"
		for who in ours ref old; do
			# shellcheck disable=SC2046  # "MAPPED LOCKED"
			set -- $("$(bin_of "$who")" ring-memory "$e")
			echo "mem$e $who 1 $1" >> "$raw"
			echo "lck$e $who 1 $2" >> "$raw"
		done
	done

	echo >&2
	[ "$cg_iters" -gt 0 ] || return 0
	if ! command -v valgrind > /dev/null; then
		echo "run.sh: no valgrind: no instruction counts" >&2
		return 0
	fi
	for batch in 32 1; do
		for who in ours ref old raw; do
			mode=plain
			[ "$who" = raw ] && mode=raw
			b=$(bin_of "$who")
			one=$(instr "$b" "$cg_iters" "$batch" "$mode")
			two=$(instr "$b" $((cg_iters * 2)) "$batch" "$mode")
			if [ -z "$one" ] || [ -z "$two" ]; then
				echo "run.sh: callgrind gave no count" >&2
				exit 1
			fi
			# in thousandths of an instruction
			echo "instr$batch $who 1" \
				$(( (two - one) * 1000 / (cg_iters * batch) )) \
				>> "$raw"
		done
	done
}

if [ -n "$table_only" ]; then
	raw=$table_only
else
	if [ $# -ne 3 ]; then
		echo "usage: $0 [options] OURS REF OLD" >&2
		exit 2
	fi
	ours=$1 ref=$2 old=$3
	work=$(mktemp -d "$dir/uring-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT INT TERM
	raw=$work/raw
	: > "$raw"

	cpu=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -n 1)
	ncpu=$(getconf _NPROCESSORS_ONLN)
	mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' \
		/proc/meminfo)
	# "NAME PATH [DETAIL]": keep PATH and DETAIL
	# shellcheck disable=SC2046
	set -- $("$ours" info)
	ours_desc="$2${3:+ ($3)}"
	# shellcheck disable=SC2046
	set -- $("$ref" info)
	ref_desc="$2${3:+ ($3)}"
	# shellcheck disable=SC2046
	set -- $("$old" info)
	old_desc="$2${3:+ ($3)}"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	start=$(date +%s)

	measure

	elapsed=$(( $(date +%s) - start ))
	load_after=$(cut -d' ' -f1-3 /proc/loadavg)
	[ -z "$raw_out" ] || cp "$raw" "$raw_out"

	echo "uring-bench $(date -u +%Y-%m-%d): $runs runs per contender" \
		"x ${secs} s, alternating; medians"
	echo "machine:  $cpu, $ncpu CPUs, $mem; kernel $(uname -r)"
	echo "ours:     $ours_desc"
	echo "2.15:     $ref_desc"
	echo "2.3:      $old_desc"
	echo "load:     $load_before before, $load_after after (${elapsed} s)"
	echo "columns:  medians; ours/X above 1: ours is faster (Ir, KiB:" \
		"X/ours, above 1: ours uses less);"
	echo "          range: lowest-highest ours/2.15 of two runs side" \
		"by side in one round;"
	echo "          a row \"  vs NAME\" puts the baseline NAME in the" \
		"2.15 column"
	echo
fi

awk -v runs="$runs" '
function median(g, c,    n, i, j, t, v) {
	n = 0
	for (i = 1; i <= runs; i++)
		if ((g, c, i) in val)
			v[++n] = val[g, c, i]
	if (!n)
		return ""
	for (i = 2; i <= n; i++)	# insertion sort
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
# a/b in each round (the two ran next to each other): how noisy they are.
function range(g, a, b,    i, r, lo, hi) {
	lo = ""; hi = ""
	for (i = 1; i <= runs; i++) {
		if (!((g, a, i) in val) || !((g, b, i) in val) ||
		    val[g, b, i] == 0)
			continue
		r = val[g, a, i] / val[g, b, i]
		if (lo == "" || r < lo) lo = r
		if (hi == "" || r > hi) hi = r
	}
	return lo == "" ? "" : sprintf("%.2f-%.2f", lo, hi)
}
# A row: contender @a of group @g against @b (2.15, or a baseline) and,
# when @c is given, against @c (2.3).  Rates: ours/X.
function row(label, unit, scale, g, a, b, c,    m1, m2, m3) {
	m1 = median(g, a); m2 = median(g, b)
	if (m1 == "" || m2 == "" || m2 == 0) { missing++; return }
	printf "%-30s %-6s %9.2f %9.2f %6.2f %-10s", label, unit,
	       m1 * scale, m2 * scale, m1 / m2, range(g, a, b)
	if (c != "") {
		m3 = median(g, c)
		if (m3 == "" || m3 == 0) { missing++; printf "\n"; return }
		printf " %9.2f %6.2f", m3 * scale, m1 / m3
	}
	printf "\n"
}
# A count (instructions, KiB) where less is better: X/ours.
function count(label, unit, g, a, b, c, fmt,    o, x, y) {
	if (!((g, a, 1) in val) || !((g, b, 1) in val)) { missing++; return }
	o = val[g, a, 1]; x = val[g, b, 1]
	printf "%-30s %-6s " fmt " " fmt " %6s %-10s", label, unit, o, x,
	       o ? sprintf("%.2f", x / o) : "-", ""
	if (c != "" && (g, c, 1) in val) {
		y = val[g, c, 1]
		printf " " fmt " %6s", y, o ? sprintf("%.2f", y / o) : "-"
	}
	printf "\n"
}
{ val[$1, $2, $3] = $4 }
END {
	printf "%-30s %-6s %9s %9s %6s %-10s %9s %6s\n", "case", "unit",
	       "ours", "2.15", "ours/", "range", "2.3", "ours/"
	printf "%-30s %-6s %9s %9s %6s %-10s %9s %6s\n", "", "", "", "",
	       "2.15", "", "", "2.3"
	nb = split("1 8 32 128", batch, " ")
	for (k = 1; k <= nb; k++) {
		b = batch[k]
		row(sprintf("NOP, batch %d", b), "Mop/s", 1e-6,
		    "nop" b, "ours", "ref", "old")
		row(sprintf("NOP, batch %d, reg. ring fd", b), "Mop/s",
		    1e-6, "nop" b "r", "ours", "ref", "old")
		row("  vs raw system calls", "Mop/s", 1e-6, "nop" b,
		    "ours", "raw", "")
		if (("nop" b, "rawinsn", 1) in val)
			row("  raw, libc vs syscall insn", "Mop/s", 1e-6,
			    "nop" b, "raw", "rawinsn", "")
	}
	for (d = 1; d <= 32; d += 31) {
		g = "read" d
		row(sprintf("read 4K, qd %d", d), "kIOPS", 1e-3, g,
		    "ours-plain", "ref-plain", "old-plain")
		row(sprintf("read 4K, qd %d, fixed buffers", d), "kIOPS",
		    1e-3, g, "ours-fixed", "ref-fixed", "old-fixed")
		row("  fixed buffers vs libaio", "kIOPS", 1e-3, g,
		    "ours-fixed", "libaio", "")
		row(sprintf("  fixed vs pread, %d buf%s", d, d > 1 ? "s" : ""),
		    "kIOPS", 1e-3, g, "ours-fixed", "pread", "")
	}
	for (c = 1; c <= 32; c += 31) {
		g = "echo" c
		row(sprintf("echo 64 B, %d conn%s", c, c > 1 ? "s" : ""),
		    "krt/s", 1e-3, g, "ours", "ref", "old")
		row("  io_uring vs epoll server", "krt/s", 1e-3, g, "ours",
		    "epoll", "")
	}
	ne = split("8 256 4096", ents, " ")
	for (k = 1; k <= ne; k++) {
		e = ents[k]
		row(sprintf("ring init+exit, %d entries", e), "k/s", 1e-3,
		    "setup" e, "ours", "ref", "old")
		count(sprintf("  memory mapped, %d entries", e), "KiB",
		      "mem" e, "ours", "ref", "old", "%9d")
		count(sprintf("  memory locked, %d entries", e), "KiB",
		      "lck" e, "ours", "ref", "old", "%9d")
	}
	nb = split("32 1", batch, " ")
	for (k = 1; k <= nb; k++) {
		g = "instr" batch[k]
		if (!((g, "ours", 1) in val))
			continue
		printf "%-30s %-6s %9.1f %9.1f %6.2f %-10s %9.1f %6.2f\n",
		       "instructions/NOP, batch " batch[k], "Ir",
		       val[g, "ours", 1] / 1000, val[g, "ref", 1] / 1000,
		       val[g, "ref", 1] / val[g, "ours", 1], "",
		       val[g, "old", 1] / 1000,
		       val[g, "old", 1] / val[g, "ours", 1]
		printf "%-30s %-6s %9.1f %9.1f %6.2f\n",
		       "  vs raw system calls", "Ir",
		       val[g, "ours", 1] / 1000, val[g, "raw", 1] / 1000,
		       val[g, "raw", 1] / val[g, "ours", 1]
	}
	if (missing) {
		printf "run.sh: %d rows have no numbers\n", missing
		exit 1
	}
}' "$raw"
