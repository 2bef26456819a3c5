#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make check-examples: run every example on small inputs it makes, check
# what each prints and produces, and check that bad arguments give the
# usage line and exit status 2.
#
#   sh test/examples.sh [DIR_OF_EXAMPLES]
#
# An example that exits 77 found a kernel feature missing; it counts as
# skipped with the reason it printed.  README's hello-world program is
# extracted from README (between the "hello.c begin/end" markers), built
# against the tree and run.
#
# Last line: "examples: N passed, N failed, N skipped"; exit status 0 when
# none failed.
set -u
bin=${1:-examples}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/uring-examples.XXXXXX")
passed=0 failed=0 skipped=0 bg=
cleanup() {
	for p in $bg; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

ok() {
	passed=$((passed + 1))
	echo "ok   $1"
}

not_ok() {	# not_ok NAME [FILE...]: FILEs are shown
	name=$1
	shift
	failed=$((failed + 1))
	echo "FAIL $name"
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/    | /' "$f"
	done
}

skip() {	# skip NAME FILE: FILE holds the reason
	skipped=$((skipped + 1))
	echo "skip $1: $(cat "$2")"
}

# Bound every command, where timeout(1) exists.
limit() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 30 "$@"
	else
		"$@"
	fi
}

# expect NAME STATUS CMD...: CMD exits with STATUS; its output is kept
# in $work/out and $work/err.
expect() {
	name=$1 want=$2
	shift 2
	limit "$@" > "$work/out" 2> "$work/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		return 0
	fi
	echo "    exit status $got, expected $want: $*" > "$work/why"
	not_ok "$name" "$work/why" "$work/out" "$work/err"
	return 1
}

# has NAME FILE TEXT...: FILE contains each TEXT.
has() {
	name=$1 file=$2
	shift 2
	for text in "$@"; do
		if ! grep -q -- "$text" "$file"; then
			echo "    no '$text' in the output" > "$work/why"
			not_ok "$name" "$work/why" "$file"
			return 1
		fi
	done
	ok "$name"
}

# start NAME ARGS...: a server with -p 0 in the background; sets $pid,
# $port and $out.
start() {
	name=$1
	shift
	out=$work/$name.$passed.$failed
	: > "$out"
	"$bin/$name" -p 0 "$@" >> "$out" 2>&1 &
	pid=$!
	bg="$bg $pid"
	port=
	tries=0
	while [ $tries -lt 100 ]; do
		port=$(sed -n 's/^listening on [^:]*:\([0-9]*\).*/\1/p' "$out")
		[ -n "$port" ] && return 0
		tries=$((tries + 1))
		sleep 0.05
	done
	not_ok "$name did not start" "$out"
	return 1
}

# stop_wait NAME: the server $pid exits 0 within 10 s.
stop_wait() {
	tries=0
	while kill -0 "$pid" 2>/dev/null && [ $tries -lt 200 ]; do
		tries=$((tries + 1))
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		not_ok "$1: server did not exit" "$out"
		return 1
	fi
	wait "$pid"
	status=$?
	if [ $status -ne 0 ]; then
		echo "    server exit status $status" > "$work/why"
		not_ok "$1" "$work/why" "$out"
		return 1
	fi
	return 0
}

# wait_line FILE TEXT: until FILE has TEXT (5 s).
wait_line() {
	tries=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 100 ] || return 1
		sleep 0.05
	done
}

# --- io_uring-cp and io_uring-cat -------------------------------------------
head -c 1048576 /dev/urandom > "$work/a"
head -c 1000003 /dev/urandom > "$work/b"	# not a multiple of anything
: > "$work/empty"
for args in "" "-l" "-s" "-q 1 -b 4096" "-l -q 3 -b 777"; do
	for f in a b empty; do
		# shellcheck disable=SC2086
		expect "io_uring-cp ${args:+$args }$f" 0 "$bin/io_uring-cp" \
			$args "$work/$f" "$work/copy" || continue
		size=$(wc -c < "$work/$f")
		if cmp -s "$work/$f" "$work/copy"; then
			ok "io_uring-cp ${args:+$args }$f ($size bytes)"
		else
			not_ok "io_uring-cp ${args:+$args }$f: copy differs"
		fi
	done
done
if expect "io_uring-cat" 0 "$bin/io_uring-cat" "$work/a" "$work/empty" \
	"$work/b"; then
	cat "$work/a" "$work/b" > "$work/both"
	if cmp -s "$work/out" "$work/both"; then
		ok "io_uring-cat (two files and an empty one)"
	else
		not_ok "io_uring-cat: output differs"
	fi
fi
# same_as NAME FILE: the last output equals FILE.
same_as() {
	if cmp -s "$work/out" "$2"; then
		ok "$1 ($(wc -c < "$2") bytes)"
	else
		not_ok "$1: output differs"
	fi
}
# Standard input from a pipe that delivers the file in three pieces with
# pauses: every READ but the last few comes back short.
(
	{ head -c 70000 "$work/b"; sleep 0.2; tail -c +70001 "$work/b" |
		head -c 500000; sleep 0.2; tail -c +570001 "$work/b"; } |
		limit "$bin/io_uring-cat"
) > "$work/out" 2> "$work/err" &&
	same_as "io_uring-cat: standard input, a pipe written in pieces" "$work/b" ||
	not_ok "io_uring-cat: standard input" "$work/err"
expect "io_uring-cat - FILE -" 0 "$bin/io_uring-cat" - "$work/a" - \
	< "$work/b" && {
	cat "$work/b" "$work/a" > "$work/both"
	same_as "io_uring-cat - FILE - (standard input, then a file, then EOF)" \
		"$work/both"
}
# /proc files say size 0; these do not change between two reads.
for f in /proc/version /proc/filesystems /proc/self/cmdline; do
	[ -r "$f" ] || continue
	cat "$f" > "$work/proc" 2>/dev/null || continue
	expect "io_uring-cat $f" 0 "$bin/io_uring-cat" "$f" || continue
	[ "$f" = /proc/self/cmdline ] &&
		printf '%s\0%s\0' "$bin/io_uring-cat" "$f" > "$work/proc"
	same_as "io_uring-cat $f (st_size 0)" "$work/proc"
done
# A /proc file longer than one page: its size is 0 and reads stop at
# page boundaries; the count of lines is stable.
if [ -r /proc/self/maps ]; then
	expect "io_uring-cat /proc/self/smaps" 0 "$bin/io_uring-cat" \
		/proc/self/smaps &&
	if [ "$(wc -c < "$work/out")" -gt 8192 ] &&
	   grep -q "io_uring-cat" "$work/out" &&
	   [ "$(grep -c '^Size:' "$work/out")" -gt 5 ]; then
		ok "io_uring-cat /proc/self/smaps ($(wc -c < "$work/out") bytes, many pages)"
	else
		not_ok "io_uring-cat /proc/self/smaps: short output" "$work/out"
	fi
fi
expect "io_uring-cp: missing source" 1 "$bin/io_uring-cp" \
	"$work/nonexistent" "$work/copy" &&
	has "io_uring-cp: missing source reported" "$work/err" "nonexistent"
expect "io_uring-cat: missing file" 1 "$bin/io_uring-cat" \
	"$work/nonexistent" &&
	has "io_uring-cat: missing file reported" "$work/err" "nonexistent"

# --- echo-server and echo-client --------------------------------------------
if start echo-server -n 7; then
	expect "echo-client 4x50x64" 0 "$bin/echo-client" -c 4 -m 50 \
		127.0.0.1 "$port" &&
		has "echo-client 4 connections x 50 messages x 64 bytes" \
		"$work/out" "12800 bytes echoed, every byte verified"
	expect "echo-client 2x5x200000" 0 "$bin/echo-client" -c 2 -m 5 \
		-s 200000 127.0.0.1 "$port" &&
		has "echo-client 2 x 5 messages of 200000 bytes (short sends)" \
		"$work/out" "2000000 bytes echoed"
	expect "echo-client 1x1x1" 0 "$bin/echo-client" -c 1 -m 1 -s 1 \
		127.0.0.1 "$port" &&
		has "echo-client one byte" "$work/out" "1 bytes echoed"
	stop_wait "echo-server -n 7 exits after 7 connections" &&
		has "echo-server -n 7 exits after 7 connections" "$out" \
		"7 connections served" "7 connections, 2012801 bytes echoed"
fi

# Two buffers for 100 connections: recv runs out and must recover.
if start echo-server -b 2 -n 100; then
	expect "echo-client 100 connections, 2 buffers" 0 "$bin/echo-client" \
		-c 100 -m 20 -s 3000 127.0.0.1 "$port" &&
		has "echo-server -b 2: 100 connections share 2 buffers" \
		"$work/out" "6000000 bytes echoed, every byte verified"
	stop_wait "echo-server -b 2 -n 100" &&
		has "echo-server -b 2 -n 100 exits" "$out" "100 connections,"
fi

# SIGINT with connections open: they are closed and the server exits 0.
if start echo-server; then
	"$bin/echo-client" -k -c 5 -m 3 127.0.0.1 "$port" > "$work/keep" \
		2>&1 &
	client=$!
	bg="$bg $client"
	if wait_line "$work/keep" "waiting for the server"; then
		kill -INT "$pid"
		if wait "$client"; then
			has "echo-client -k sees the server close" \
				"$work/keep" "server closed all 5 connections"
		else
			not_ok "echo-client -k failed" "$work/keep"
		fi
		stop_wait "echo-server exits 0 on SIGINT" &&
			has "echo-server exits 0 on SIGINT" "$out" \
			"caught SIGINT, closing 5 connections"
	else
		not_ok "echo-client -k did not finish" "$work/keep"
		kill "$client" "$pid" 2>/dev/null
	fi
fi

if start echo-server; then
	kill -TERM "$pid"
	stop_wait "echo-server exits 0 on SIGTERM when idle" &&
		has "echo-server exits 0 on SIGTERM when idle" "$out" \
		"caught SIGTERM, closing 0 connections"
fi

# A port nobody listens on: the listener above is gone by now.
if [ -n "${port:-}" ]; then
	expect "echo-client: connection refused" 1 "$bin/echo-client" -c 1 \
		127.0.0.1 "$port" &&
		has "echo-client: connection refused is reported" "$work/err" \
		"connect"
fi
expect "echo-server: address not on this machine" 1 "$bin/echo-server" \
	-a 192.0.2.1 -p 0 &&
	has "echo-server: bind failure is reported" "$work/err" "192.0.2.1"

# --- udp-echo -----------------------------------------------------------------
if start udp-echo -n 53; then
	expect "echo-client -u 5x10x100" 0 "$bin/echo-client" -u -c 5 -m 10 \
		-s 100 127.0.0.1 "$port" &&
		has "udp-echo: 5 sockets x 10 datagrams" "$work/out" \
		"5000 bytes echoed, every byte verified"
	expect "echo-client -u 65507" 0 "$bin/echo-client" -u -c 1 -m 3 \
		-s 65507 127.0.0.1 "$port" &&
		has "udp-echo: the largest datagram, 65507 bytes" "$work/out" \
		"196521 bytes echoed"
	stop_wait "udp-echo -n 53" &&
		has "udp-echo -n 53 exits after 53 datagrams" "$out" \
		"53 datagrams, 201521 bytes echoed"
fi
if start udp-echo; then
	kill -INT "$pid"
	stop_wait "udp-echo exits 0 on SIGINT" &&
		has "udp-echo exits 0 on SIGINT" "$out" "caught SIGINT"
fi

# --- msg-ring, timeouts, restrictions ---------------------------------------
expect "msg-ring" 0 "$bin/msg-ring" -n 5000 &&
	has "msg-ring: 5000 items and a passed file" "$work/out" \
	"all 5000 answers correct" "read them back: OK"
expect "msg-ring -w 1" 0 "$bin/msg-ring" -n 300 -w 1 &&
	has "msg-ring -w 1: one item in flight" "$work/out" \
	"all 300 answers correct"

expect "timeouts" 0 "$bin/timeouts" -t 20 &&
	has "timeouts: six scenes" "$work/out" \
	"all 6 scenes behaved as expected" \
	"read                               -ECANCELED  ok" \
	"linked timeout                     -ETIME      ok" \
	"cancel                             0           ok"

expect "restrictions" 0 "$bin/restrictions" &&
	has "restrictions: forbidden things get -EACCES" "$work/out" \
	"submit a NOP while disabled                  -EBADFD  ok" \
	"OPENAT (opcode not allowed)                  -EACCES  ok" \
	"NOP with IOSQE_ASYNC (flag not allowed)      -EACCES  ok" \
	"io_uring_register_files (not allowed)        -EACCES  ok" \
	"did exactly what it was allowed to"

# --- fixed-buffers, zc-send, defer-taskrun ----------------------------------
# expect_or_skip NAME CMD...: exit 0, or 77 with the reason printed.
expect_or_skip() {
	name=$1
	shift
	limit "$@" > "$work/out" 2> "$work/err"
	got=$?
	[ "$got" -eq 0 ] && return 0
	if [ "$got" -eq 77 ]; then
		skip "$name" "$work/out"
		return 1
	fi
	echo "    exit status $got, expected 0 or 77: $*" > "$work/why"
	not_ok "$name" "$work/why" "$work/out" "$work/err"
	return 1
}

expect "fixed-buffers" 0 "$bin/fixed-buffers" "$work/fixed" &&
	has "fixed-buffers: 16 x 64 KiB written and read back" "$work/out" \
	"registered 16 buffers of 65536 bytes" \
	"wrote 16 blocks with WRITE_FIXED" \
	"read 16 blocks back with READ_FIXED: every byte matches"
if expect "fixed-buffers -n 3 -b 1000" 0 "$bin/fixed-buffers" -n 3 -b 1000 \
	"$work/fixed"; then
	if [ "$(wc -c < "$work/fixed")" -eq 3000 ]; then
		has "fixed-buffers -n 3 -b 1000: a 3000-byte file" "$work/out" \
			"every byte matches"
	else
		not_ok "fixed-buffers -n 3 -b 1000: file is not 3000 bytes"
	fi
fi
expect "fixed-buffers: unwritable path" 1 "$bin/fixed-buffers" \
	"$work/no/such/dir" &&
	has "fixed-buffers: unwritable path reported" "$work/err" "no/such/dir"

expect_or_skip "zc-send" "$bin/zc-send" &&
	has "zc-send: 64 x 64 KiB, a notification for every send" "$work/out" \
	"64 messages of 65536 bytes in 64 zero-copy sends: 64 results, 64 notifications" \
	"received 4194304 bytes, every byte verified" \
	"(as it must on loopback)"
expect_or_skip "zc-send -n 8 -s 1048576" "$bin/zc-send" -n 8 -s 1048576 &&
	has "zc-send: 8 x 1 MiB (short sends resumed)" "$work/out" \
	"received 8388608 bytes, every byte verified"

expect_or_skip "defer-taskrun" "$bin/defer-taskrun" &&
	has "defer-taskrun: no CQE until the task asks; 10000 tokens" \
	"$work/out" \
	"0 CQE in the ring before io_uring_get_events(), 1 after" \
	"10000 tokens passed around 4 pipes: 20000 CQEs"
expect_or_skip "defer-taskrun -n 7 -p 64" "$bin/defer-taskrun" -n 7 -p 64 &&
	has "defer-taskrun -n 7 -p 64" "$work/out" \
	"7 tokens passed around 64 pipes: 14 CQEs"

# --- README's hello-world program -------------------------------------------
sed -n '/^    \/\* hello.c begin/,/^    \/\* hello.c end/s/^    //p' \
	"$top/README" > "$work/hello.c"
if [ "$(wc -l < "$work/hello.c")" -lt 10 ]; then
	not_ok "README: no hello.c between its markers"
elif ${CC:-cc} -Wall -Wextra -Werror -I"$top/include" -o "$work/hello" \
	"$work/hello.c" -L"$bin/../src" -Wl,-rpath,"$bin/../src" -luring \
	> "$work/err" 2>&1; then
	ok "README's hello.c builds with -Wall -Wextra -Werror"
	echo "hello, ring" > "$work/greeting"
	expect "README's hello.c runs" 0 "$work/hello" "$work/greeting" &&
		has "README's hello.c prints what it read" "$work/out" \
		"read 12 bytes: hello, ring"
else
	not_ok "README's hello.c does not build" "$work/err"
fi

# --- bad arguments: usage on stderr, exit 2 ---------------------------------
usage_case() {	# usage_case CMD ARGS...
	desc=$(echo "$*" | sed "s|$work/||g")
	cmd=$1
	shift
	if expect "bad arguments: $desc" 2 "$bin/$cmd" "$@"; then
		if grep -q "usage:" "$work/err"; then
			ok "bad arguments: $desc -> usage, exit 2"
		else
			not_ok "bad arguments: $desc: no usage line" "$work/err"
		fi
	fi
}
usage_case io_uring-cp
usage_case io_uring-cp "$work/a"
usage_case io_uring-cp -q 0 "$work/a" "$work/copy"
usage_case io_uring-cp -Z "$work/a" "$work/copy"
usage_case io_uring-cat -Z
usage_case fixed-buffers
usage_case fixed-buffers -n 0 "$work/x"
usage_case fixed-buffers -b 2000000 "$work/x"
usage_case fixed-buffers "$work/x" extra
usage_case zc-send -n 0
usage_case zc-send -s abc
usage_case zc-send extra
usage_case defer-taskrun -p 1
usage_case defer-taskrun -n 0
usage_case defer-taskrun extra
usage_case echo-server -Z
usage_case echo-server -p 70000
usage_case echo-server -p abc
usage_case echo-server -n 0
usage_case echo-server -b 3
usage_case echo-server extra
usage_case echo-client
usage_case echo-client 127.0.0.1
usage_case echo-client 127.0.0.1 0
usage_case echo-client 127.0.0.1 99999
usage_case echo-client not-an-address 80
usage_case echo-client -c 0 127.0.0.1 80
usage_case echo-client -u -s 70000 127.0.0.1 80
usage_case echo-client -u -k 127.0.0.1 80
usage_case udp-echo -p -1
usage_case udp-echo -Z
usage_case msg-ring -w 0
usage_case msg-ring -n x
usage_case msg-ring extra
usage_case timeouts -t 0
usage_case timeouts -t 10001
usage_case timeouts -Z
usage_case restrictions extra
if expect "bad arguments: echo-server -a bogus" 2 "$bin/echo-server" \
	-a bogus -p 0; then
	has "bad arguments: echo-server -a bogus -> exit 2" "$work/err" \
		"bad IPv4 address"
fi

echo "examples: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
