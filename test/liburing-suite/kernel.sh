#!/bin/sh
# SPDX-License-Identifier: MIT
#
# liburing's own test suite, against this library and against liburing
# 2.15, on one of Debian's kernels in QEMU.
#
#   test/liburing-suite/kernel.sh LIBDIR [TEST...]
#
# run.sh -b builds both copies of the suite; test/kernel/run-vm.sh boots
# the kernel series KERNEL (5.10, 6.1, 6.12, 7, rc; run-vm.sh's settings
# all apply) with every binary of both copies, and vm-runner.sh judges
# them in the VM by judge.sh's rule.  Under TCG the suite takes 10 minutes
# (6.1, 6.12, 7.x) to half an hour (5.10, where many tests hang with
# either library) a kernel, hence KERNEL_TIMEOUT (default 7200 s) and
# SUITE_TIMEOUT (default 60 s a test).
#
# SUITE_LEAVE_OUT names tests not to run.  Its default leaves out, on
# 5.10, poll-mshot-wake.t, which soft-locks that kernel with either
# library ("System is deadlocked on memory").

set -u

die() { echo "liburing-suite-kernel: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: kernel.sh LIBDIR [TEST...]"
top=$(cd "$(dirname "$0")/../.." && pwd) || die "no top directory"
here=$top/test/liburing-suite
libdir=$(cd "$1" && pwd) || die "no directory $1"
shift
dirs=$(sh "$here/run.sh" -b "$libdir") || exit 2
ours=$(echo "$dirs" | sed -n 1p)
ref=$(echo "$dirs" | sed -n 2p)

case ${KERNEL:-6.1} in
5.10) leave_out=poll-mshot-wake.t ;;
*) leave_out= ;;
esac

# a path of the tree as the VM's runner sees it (relative to its root)
in_vm() {
	case $1 in "$top"/*) echo "${1#"$top"/}" ;; *) echo "$1" ;; esac
}
conf=$top/build/liburing-suite/vm.conf
cat >"$conf" <<CONF || die "cannot write $conf"
OURS_LIBS='$(in_vm "$libdir")'
REF_LIBS='$(in_vm "$top/build/liburing-suite/lib-2.15")'
SUITE_TIMEOUT='${SUITE_TIMEOUT:-60}'
SUITE_LEAVE_OUT='${SUITE_LEAVE_OUT-$leave_out}'
SUITE_VERBOSE=1
CONF

bins=
for t in "$ours"/*.t "$ref"/*.t; do
	[ $# -eq 0 ] || case " $* " in *" ${t##*/} "*) ;; *) continue ;; esac
	[ -x "$t" ] && bins="$bins $t"
done
[ -n "$bins" ] || die "no test binaries"

export KERNEL_TIMEOUT=${KERNEL_TIMEOUT:-7200}
export KERNEL_RUNNER=$here/vm-runner.sh
export KERNEL_EXTRA_FILES="$(in_vm "$here/judge.sh") $(in_vm "$conf")"
exec bash "$top/test/kernel/run-vm.sh" $bins
