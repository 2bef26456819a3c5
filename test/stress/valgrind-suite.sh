#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run test programs under valgrind memcheck through test/runtests.sh.
#
#   sh test/stress/valgrind-suite.sh OUTDIR TEST.t...
#
# Each program gets a wrapper in OUTDIR that runs it under valgrind with
# its log in OUTDIR/NAME.log; a memcheck error makes the program exit 99,
# which runtests.sh counts as a failure.  VG_TIMEOUT (seconds, default 300)
# bounds each program with SIGKILL: valgrind ignores SIGTERM while a
# thread sits in a system call it does not know to be blocking.
# Suppressions: test/stress/valgrind.supp (each explained there).

set -u
out=$1
shift
mkdir -p "$out"
rm -f "$out"/*.log	# only this run's programs report below
supp=$(pwd)/test/stress/valgrind.supp
limit=${VG_TIMEOUT:-300}
wrappers=

for bin in "$@"; do
	name=${bin##*/}
	abs=$(cd "$(dirname "$bin")" && pwd)/$name
	cat > "$out/$name" <<EOF
#!/bin/sh
exec timeout -s KILL $limit valgrind -q --error-exitcode=99 \\
	--leak-check=full --errors-for-leak-kinds=definite,indirect \\
	--suppressions=$supp --log-file=$out/${name%.t}.log "$abs" "\$@"
EOF
	chmod +x "$out/$name"
	wrappers="$wrappers $out/$name"
done

# runtests.sh's own limit stays above ours, so ours (SIGKILL) fires first.
TEST_TIMEOUT=$((limit + 30)) sh test/runtests.sh $wrappers
status=$?
# An error starts "==PID== Invalid read ...", a leak "==PID== 4,096 bytes
# ..."; a log with neither (valgrind failing itself) is shown as it is.
for log in "$out"/*.log; do
	[ -s "$log" ] || continue
	n=$(grep -c '^==[0-9]*== [A-Z0-9]' "$log")
	echo "--- ${log##*/}: $n valgrind reports"
	if [ "$n" -gt 0 ]; then
		grep -A6 '^==[0-9]*== [A-Z0-9]' "$log"
	else
		cat "$log"
	fi | head -n 40 | sed 's/^/    /'
done
exit $status
