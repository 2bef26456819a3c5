#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make demo: a short tour of the examples on data it makes itself, each
# step checked.  Usage: sh examples/demo.sh DIR_OF_EXAMPLES
set -eu
bin=${1:-examples}
work=$(mktemp -d "${TMPDIR:-/tmp}/uring-demo.XXXXXX")
servers=
cleanup() {
	for pid in $servers; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

fail() {
	echo "demo: $*" >&2
	for f in "$work"/*.out; do
		[ -f "$f" ] || continue
		echo "--- ${f##*/}" >&2
		cat "$f" >&2
	done
	exit 1
}

# Bound every step, where timeout(1) exists.
run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 20 "$@"
	else
		"$@"
	fi
}

# start NAME ARGS...: a server in the background with -p 0; sets $pid and
# $port from its "listening on ADDR:PORT" line.
start() {
	name=$1
	shift
	: > "$work/$name.out"
	"$bin/$name" -p 0 "$@" >> "$work/$name.out" 2>&1 &
	pid=$!
	servers="$servers $pid"
	tries=0
	port=
	while [ -z "$port" ]; do
		port=$(sed -n 's/^listening on [^:]*:\([0-9]*\).*/\1/p' \
			"$work/$name.out")
		[ -n "$port" ] && break
		tries=$((tries + 1))
		[ "$tries" -lt 100 ] || fail "$name did not start"
		sleep 0.05
	done
}

# wait_line FILE TEXT: until FILE has a line containing TEXT (5 s).
wait_line() {
	tries=0
	until grep -q "$2" "$1" 2>/dev/null; do
		tries=$((tries + 1))
		[ "$tries" -lt 100 ] || fail "no '$2' in ${1##*/}"
		sleep 0.05
	done
}

# --- files ----------------------------------------------------------------
head -c 8388608 /dev/urandom > "$work/src"
sum=$(cksum < "$work/src")
echo "demo: made 8 MiB of random data ($work/src)"

check() {	# check NAME FILE
	if [ "$(cksum < "$2")" = "$sum" ]; then
		echo "demo: $1: copied 8 MiB, every byte verified"
	else
		fail "$1: DATA MISMATCH"
	fi
}

run "$bin/io_uring-cp" "$work/src" "$work/dst1"
check "io_uring-cp (32 reads/writes in flight)" "$work/dst1"
run "$bin/io_uring-cp" -l -q 8 -b 65536 "$work/src" "$work/dst2"
check "io_uring-cp -l (linked read->write pairs)" "$work/dst2"
run "$bin/io_uring-cp" -s "$work/src" "$work/dst3"
check "io_uring-cp -s (SQPOLL ring)" "$work/dst3"
run "$bin/io_uring-cat" "$work/src" > "$work/dst4"
check "io_uring-cat (64 KiB READs until one returns 0)" "$work/dst4"
rm -f "$work/src" "$work/dst1" "$work/dst2" "$work/dst3" "$work/dst4"

# --- TCP echo ---------------------------------------------------------------
start echo-server
run "$bin/echo-client" -c 32 -m 200 -s 1000 127.0.0.1 "$port" \
	> "$work/client.out" 2>&1 || fail "echo-client failed"
echo "demo: echo-server: 32 TCP connections x 200 messages of 1000 bytes" \
	"echoed, every byte verified"
echo "      (multishot accept, multishot recv into a provided buffer ring," \
	"send)"
"$bin/echo-client" -k -c 8 -m 10 127.0.0.1 "$port" > "$work/keep.out" 2>&1 &
client=$!
wait_line "$work/keep.out" "waiting for the server"
kill -INT "$pid"
wait "$client" || fail "echo-client -k failed"
wait "$pid" || fail "echo-server did not exit 0 on SIGINT"
grep -q "caught SIGINT, closing 8 connections" "$work/echo-server.out" ||
	fail "echo-server did not report the shutdown"
grep -q "server closed all 8" "$work/keep.out" ||
	fail "the client did not see every connection close"
echo "demo: echo-server: SIGINT with 8 connections open: it closed them" \
	"and exited 0, the client saw every close"
echo "      (the signal read from a signalfd through the ring)"

# --- UDP echo ---------------------------------------------------------------
start udp-echo -n 400
run "$bin/echo-client" -u -c 4 -m 100 -s 1400 127.0.0.1 "$port" \
	> "$work/client.out" 2>&1 || fail "echo-client -u failed"
wait "$pid" || fail "udp-echo failed"
grep -q "udp-echo: 400 datagrams, 560000 bytes echoed" \
	"$work/udp-echo.out" || fail "udp-echo miscounted"
echo "demo: udp-echo: 400 datagrams of 1400 bytes from 4 sockets echoed," \
	"every byte verified"
echo "      (multishot recvmsg, io_uring_recvmsg_* helpers, sendmsg to the" \
	"sender)"

# --- the rest ---------------------------------------------------------------
run "$bin/msg-ring" -n 20000 > "$work/msg-ring.out" 2>&1 ||
	fail "msg-ring failed"
if ! grep -q "all 20000 answers correct" "$work/msg-ring.out" ||
	! grep -q "read them back: OK" "$work/msg-ring.out"; then
	fail "msg-ring did not verify"
fi
echo "demo: msg-ring: 20000 work items posted into another thread's ring" \
	"and answered, every answer checked"
echo "      (IORING_OP_MSG_RING; then a pipe passed into the other ring's" \
	"fixed files, written through and read back)"

run "$bin/timeouts" -t 30 > "$work/timeouts.out" 2>&1 ||
	fail "timeouts failed"
echo "demo: timeouts: 6 scenes, every result as expected"
echo "      (a read on an empty pipe cut short by a linked timeout:" \
	"-ECANCELED/-ETIME; a timeout"
echo "      firing; one completing on a count; a cancel by user_data;" \
	"a timeout removed)"

run "$bin/restrictions" > "$work/restrictions.out" 2>&1 ||
	fail "restrictions failed"
echo "demo: restrictions: a ring limited to NOP, READ and WRITE refused" \
	"OPENAT, IOSQE_ASYNC and"
echo "      REGISTER_FILES with -EACCES (created disabled, restricted," \
	"then enabled)"

# optional STATUS NAME CMD...: 0 passes, 77 skips (kernel too old).
optional() {
	name=$1
	shift
	set +e
	run "$@" > "$work/$name.out" 2>&1
	status=$?
	set -e
	case $status in
	0) ;;
	77) echo "demo: $name skipped: $(cat "$work/$name.out")"; return 1 ;;
	*) fail "$name failed (exit $status)" ;;
	esac
}

run "$bin/fixed-buffers" "$work/fixed" > "$work/fixed-buffers.out" 2>&1 ||
	fail "fixed-buffers failed"
echo "demo: fixed-buffers: 16 registered buffers written with WRITE_FIXED" \
	"and read back with READ_FIXED"
rm -f "$work/fixed"
if optional zc-send "$bin/zc-send"; then
	echo "demo: zc-send: $(head -n 1 "$work/zc-send.out")"
fi
if optional defer-taskrun "$bin/defer-taskrun"; then
	echo "demo: defer-taskrun: $(tail -n 1 "$work/defer-taskrun.out")"
fi

for extra in "$bin"/demo-*; do
	[ -x "$extra" ] || continue
	"$extra"
done
echo "demo: all checks passed"
