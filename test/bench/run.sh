#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make bench: run uring-bench built against this tree (OURS) and against
# Debian's liburing (LIBURING), alternating contenders, and print one
# table of medians and ratios.
#
#   sh test/bench/run.sh [-r RUNS] [-t SECS] [-n ROUNDS] [-d DIR] [-o RAW]
#                        OURS LIBURING
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
		"[-o RAW] OURS LIBURING | -T RAW" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))

# contender NAME: which binary runs it.  Baselines (pread, libaio, epoll)
# do not touch liburing and run from OURS.
bin_of() {
	case $1 in
	liburing*) echo "$lib" ;;
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
instr() {	# instr BIN ROUNDS BATCH -> Ir
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$1" nop-count "$2" "$3" 2>&1 |
		sed -n 's/^==[0-9]*== Collected : *\([0-9]*\).*/\1/p'
}

measure() {
	for b in 1 8 32 128; do
		group "nop$b" "ours:nop:$b:plain" "liburing:nop:$b:plain"
		group "nop${b}r" "ours:nop:$b:regfd" "liburing:nop:$b:regfd"
	done

	file=$work/data
	head -c 67108864 /dev/urandom > "$file"
	cat "$file" > /dev/null		# into the page cache
	for d in 1 32; do
		group "read$d" "ours-plain:read:uring:$d:$file" \
			"liburing-plain:read:uring:$d:$file" \
			"ours-regfile:read:uring-regfile:$d:$file" \
			"liburing-regfile:read:uring-regfile:$d:$file" \
			"ours-fixed:read:uring-fixed:$d:$file" \
			"liburing-fixed:read:uring-fixed:$d:$file" \
			"libaio:read:libaio:$d:$file" \
			"pread:read:pread:$d:$file"
	done
	rm -f "$file"

	group echo "ours:echo:uring:32" "liburing:echo:uring:32" \
		"epoll:echo:epoll:32"

	echo >&2
	[ "$cg_iters" -gt 0 ] || return 0
	if ! command -v valgrind > /dev/null; then
		echo "run.sh: no valgrind: no instruction counts" >&2
		return 0
	fi
	for batch in 32 1; do
		for who in ours liburing; do
			b=$(bin_of "$who")
			one=$(instr "$b" "$cg_iters" "$batch")
			two=$(instr "$b" $((cg_iters * 2)) "$batch")
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
	if [ $# -ne 2 ]; then
		echo "usage: $0 [options] OURS LIBURING" >&2
		exit 2
	fi
	ours=$1 lib=$2
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
	set -- $("$lib" info)
	lib_desc="$2${3:+ ($3)}"
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
	echo "liburing: $lib_desc"
	echo "load:     $load_before before, $load_after after (${elapsed} s)"
	echo "other:    liburing, or the baseline the row names"
	echo "ours/other above 1: ours is faster (Ir rows: does fewer" \
		"instructions)"
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
# A row: contender @a of group @g against @b, medians and their ratio.
function row(label, unit, scale, g, a, b,    m1, m2) {
	m1 = median(g, a); m2 = median(g, b)
	if (m1 == "" || m2 == "" || m2 == 0) { missing++; return }
	printf "%-32s %-6s %9.2f %9.2f %6.2f  %s\n", label, unit,
	       m1 * scale, m2 * scale, m1 / m2, range(g, a, b)
}
{ val[$1, $2, $3] = $4 }
END {
	printf "%-32s %-6s %9s %9s %6s  %s\n", "", "", "median", "median",
	       "ours/", "per round"
	printf "%-32s %-6s %9s %9s %6s  %s\n", "case", "unit", "ours",
	       "other", "other", "lowest-highest"
	nb = split("1 8 32 128", batch, " ")
	for (k = 1; k <= nb; k++) {
		b = batch[k]
		row(sprintf("NOP, batch %d", b), "Mop/s", 1e-6,
		    "nop" b, "ours", "liburing")
		row(sprintf("NOP, batch %d, reg. ring fd", b), "Mop/s",
		    1e-6, "nop" b "r", "ours", "liburing")
	}
	for (d = 1; d <= 32; d += 31) {
		g = "read" d
		row(sprintf("read 4K, qd %d", d), "kIOPS", 1e-3, g,
		    "ours-plain", "liburing-plain")
		row(sprintf("read 4K, qd %d, reg. file", d), "kIOPS", 1e-3, g,
		    "ours-regfile", "liburing-regfile")
		row(sprintf("read 4K, qd %d, fixed buffers", d), "kIOPS",
		    1e-3, g, "ours-fixed", "liburing-fixed")
		row(sprintf("  fixed buffers vs libaio qd %d", d), "kIOPS",
		    1e-3, g, "ours-fixed", "libaio")
		row(sprintf("  fixed buffers vs pread, %d buf", d), "kIOPS",
		    1e-3, g, "ours-fixed", "pread")
	}
	row("echo 64 B, 32 conns", "krt/s", 1e-3, "echo", "ours", "liburing")
	row("  io_uring vs epoll server", "krt/s", 1e-3, "echo", "ours",
	    "epoll")
	nb = split("32 1", batch, " ")
	for (k = 1; k <= nb; k++) {
		g = "instr" batch[k]
		if (!((g, "ours", 1) in val))
			continue
		o = val[g, "ours", 1] / 1000
		l = val[g, "liburing", 1] / 1000
		printf "%-32s %-6s %9.1f %9.1f %6.2f  %s\n",
		       "instructions per NOP, batch " batch[k], "Ir", o, l,
		       l / o, "(liburing/ours)"
	}
	if (missing) {
		printf "run.sh: %d rows have no numbers\n", missing
		exit 1
	}
}' "$raw"
