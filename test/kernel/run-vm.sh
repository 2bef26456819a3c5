#!/bin/bash
# Run the test suite inside QEMU on one of Debian's cloud kernels.
#
#   test/kernel/run-vm.sh [TEST_BINARY...]      (default: test/*.t)
#
# Takes the newest cloud kernel of the series KERNEL (5.10, 6.1, 6.12, 7 or
# rc; see test/kernel/get-kernel.sh, which downloads and caches it), builds a gzip'd cpio initramfs holding static busybox,
# the test binaries, src/liburing.so*, every shared library they need and an
# /init that runs the test runner over the binaries, then boots it with
# qemu-system-x86_64 (TCG) and parses the serial console.
#
# Exit status: 0 when the runner's summary line "tests: N passed, N failed,
# N skipped" shows no failure and at least one test; 1 otherwise (failures,
# no summary, VM crash, overall timeout); 2 for a setup error.
#
# Settings (environment; `make test-kernel VAR=...` passes them through):
#   KERNEL               kernel series: 5.10, 6.1 (default), 6.12, 7 (sid), rc
#                        (experimental)
#   KERNEL_ARCH          Debian architecture of the kernel (amd64, arm64)
#   KERNEL_CACHE         vmlinuz cache (default test/kernel/cache); the
#                        packages go to DEBIAN_FETCH_CACHE (tools/debian-fetch.sh)
#   KERNEL_OUT           initrd and serial log (default test/kernel/out)
#   KERNEL_RUNNER        runner script run in the VM (default test/runtests.sh,
#                        else test/kernel/runtests.sh)
#   KERNEL_TEST_TIMEOUT  per-test timeout in seconds (default 120)
#   KERNEL_TIMEOUT       overall VM timeout in seconds (default 900)
#   KERNEL_BOOT_TRIES    boots allowed for a kernel that dies before the
#                        runner starts (default 2; see "boot")
#   KERNEL_MEM, KERNEL_SMP   VM memory and CPUs (default 2G, 2)
#   KERNEL_ACCEL         QEMU accelerator (default tcg)
#   KERNEL_CPU           QEMU CPU model (default max,cx16=off: QEMU 7.2's TCG
#                        corrupts EFLAGS around CMPXCHG16B, which 6.12's SLUB
#                        fast path uses; the 6.12 guest then oopses at random)
#   KERNEL_TMP           what /tmp is in the VM: tmpfs (default) or ext4
#                        (a 2 GiB ext2-on-ext4-driver scratch disk on NVMe;
#                        supports O_DIRECT, which tmpfs on 6.1 does not)
#   KERNEL_APPEND        extra kernel command line
#   KERNEL_EXTRA_FILES   extra files (relative to the top dir) copied into the VM
#   KERNEL_OFFLINE=1     never call apt; use the newest cached kernel of the series
#   KERNEL_IMAGE         boot this vmlinuz as it is (no apt, no cache)
#   ARCH                 the VM's CPU (or KERNEL_ARCH): amd64 (default) or
#                        arm64; arm64 boots the series' arm64 cloud kernel
#                        under qemu-system-aarch64 (TCG, -machine virt,
#                        -cpu max,pauth-impdef=on, console ttyAMA0) and takes
#                        cross-built tests (make cross): see "other CPUs"

set -u
set -o pipefail

die() { echo "run-vm: error: $*" >&2; exit 2; }
log() { echo "run-vm: $*" >&2; }

top=$(cd "$(dirname "$0")/../.." && pwd) || die "cannot find top dir"
cd "$top" || die "cannot cd to $top"

cache=${KERNEL_CACHE:-$top/test/kernel/cache}
out=${KERNEL_OUT:-$top/test/kernel/out}
test_timeout=${KERNEL_TEST_TIMEOUT:-120}
vm_timeout=${KERNEL_TIMEOUT:-900}
mem=${KERNEL_MEM:-2G}
smp=${KERNEL_SMP:-2}
accel=${KERNEL_ACCEL:-tcg}
tmpkind=${KERNEL_TMP:-tmpfs}
offline=${KERNEL_OFFLINE:-0}
series=${KERNEL:-6.1}
mkdir -p "$cache" "$out" || die "cannot create $cache or $out"
cache=$(cd "$cache" && pwd)
out=$(cd "$out" && pwd)

case $tmpkind in tmpfs|ext4) ;; *) die "KERNEL_TMP must be tmpfs or ext4" ;; esac
case $test_timeout$vm_timeout in *[!0-9]*) die "timeouts must be whole seconds" ;; esac

is_root() { [ "$(id -u)" = 0 ]; }
t0=$(date +%s)

# ---------------------------------------------------------------- other CPUs
# ARCH=arm64: everything that differs from amd64 lives in the arch_*
# functions below (the kernel is get-kernel.sh's, for KERNEL_ARCH).  A
# static busybox comes from Debian 12's arm64 package through
# tools/debian-fetch.sh (downloaded and extracted, never installed); the
# tests' shared libraries are the cross toolchain's
# (libc6-arm64-cross) and the fetched libcmocka (make cross), since ldd
# cannot read a foreign binary.
case ${KERNEL_ARCH:-${ARCH:-amd64}} in
amd64|x86_64|x86-64) arch=amd64 ;;
arm64|aarch64) arch=arm64 ;;
*) die "ARCH must be amd64 or arm64" ;;
esac
export KERNEL_ARCH=$arch     # test/kernel/get-kernel.sh: which kernel
arch_fetch() {  # arch_fetch ARGS...: tools/debian-fetch.sh for this arch
	DEBIAN_FETCH_CACHE=${DEBIAN_FETCH_CACHE:-$top/build/debian} \
		sh "$top/tools/debian-fetch.sh" -a "$arch" "$@"
}
# The QEMU binary and its package, machine options and console.
arch_qemu() {
	case $arch in
	amd64)
		qemu_bin=qemu-system-x86_64 qemu_pkg=qemu-system-x86
		qemu_machine=(-cpu "${KERNEL_CPU:-max,cx16=off}") console=ttyS0 ;;
	arm64)
		# pauth-impdef: QEMU's own pointer-authentication hash,
		# much faster under TCG than the architected one
		qemu_bin=qemu-system-aarch64 qemu_pkg=qemu-system-arm
		qemu_machine=(-machine virt -cpu "${KERNEL_CPU:-max,pauth-impdef=on}")
		console=ttyAMA0 ;;
	esac
}
# A static busybox of the VM's CPU: sets $busybox.
arch_busybox() {
	local root
	root=$(arch_fetch bookworm busybox-static) || die "cannot fetch busybox-static:$arch"
	busybox=$root/bin/busybox
	[ -x "$busybox" ] || die "no busybox in busybox-static:$arch"
}
# Where a foreign binary's libraries are found on this machine, and the
# loader.  The VM gets them in the multiarch layout, /usr/lib/TRIPLE.
arch_libdirs() {
	local d
	for d in "$top/build/cross-deps/lib/aarch64-linux-gnu" \
		 /usr/aarch64-linux-gnu/lib /usr/lib/aarch64-linux-gnu \
		 /lib/aarch64-linux-gnu; do
		[ -d "$d" ] && echo "$d"
	done
}
arch_copy_lib() {  # arch_copy_lib HOSTFILE: into /usr/lib/TRIPLE in the VM
	local v=/usr/lib/aarch64-linux-gnu/${1##*/}
	add_libdir "${v%/*}"
	[ -e "$stage$v" ] && return 0
	mkdir -p "$stage${v%/*}" && cp -L "$1" "$stage$v" || die "cannot copy $1"
	arch_copy_deps "$1"
}
# arch_copy_deps ELF: its DT_NEEDED libraries, recursively, from the tree's
# src/ (liburing itself is copied by copy_tree_libs) or the arch_libdirs.
arch_copy_deps() {
	local f=$1 lib d found
	for lib in $(readelf -dW "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		case $lib in liburing*) continue ;; esac
		found=
		for d in $(arch_libdirs); do
			[ -e "$d/$lib" ] && { found=$d/$lib; break; }
		done
		[ -n "$found" ] || die "$f: missing library $lib (make cross, gcc-aarch64-linux-gnu)"
		arch_copy_lib "$found"
	done
}
# The loader at the path the binaries name, and libgcc_s (glibc dlopens it
# for pthread_cancel/pthread_exit unwinding).
arch_copy_runtime() {
	local d
	for d in $(arch_libdirs); do
		if [ -e "$d/ld-linux-aarch64.so.1" ]; then
			mkdir -p "$stage/lib" &&
				cp -L "$d/ld-linux-aarch64.so.1" "$stage/lib/" || die "copy loader"
			break
		fi
	done
	[ -e "$stage/lib/ld-linux-aarch64.so.1" ] || die "no ld-linux-aarch64.so.1"
	for d in $(arch_libdirs); do
		[ -e "$d/libgcc_s.so.1" ] && { arch_copy_lib "$d/libgcc_s.so.1"; break; }
	done
}
arch_qemu

# ---------------------------------------------------------------- host tools
need_pkgs=
command -v "$qemu_bin" >/dev/null 2>&1 || need_pkgs="$need_pkgs $qemu_pkg"
command -v cpio >/dev/null 2>&1 || need_pkgs="$need_pkgs cpio"
command -v gzip >/dev/null 2>&1 || need_pkgs="$need_pkgs gzip"
command -v timeout >/dev/null 2>&1 || need_pkgs="$need_pkgs coreutils"
# The busybox package (not -static) also provides /bin/busybox, dynamically
# linked; only the static one works without copying its libraries.
busybox=/bin/busybox
if [ "$arch" = amd64 ] && { ! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; }; then
	need_pkgs="$need_pkgs busybox-static"
fi
if [ -n "$need_pkgs" ]; then
	[ "$offline" = 1 ] && die "missing packages:$need_pkgs (KERNEL_OFFLINE=1)"
	sh "$top/tools/need-packages.sh" $need_pkgs ||
		die "missing packages:$need_pkgs; run as root or install them"
	if [ "$arch" = amd64 ]; then
		[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "no static busybox at $busybox"
	fi
fi
[ "$arch" = amd64 ] || arch_busybox

# -------------------------------------------------------------------- kernel
# resolve_kernel: KERNEL_IMAGE as it is, else the newest Debian cloud kernel
# of the series KERNEL for KERNEL_ARCH, which test/kernel/get-kernel.sh
# resolves in the series' suite at run time, downloads and caches.
vmlinuz='' kver='' kpkgver=''
resolve_kernel() {
	local line
	if [ -n "${KERNEL_IMAGE:-}" ]; then
		[ -s "$KERNEL_IMAGE" ] || die "KERNEL_IMAGE=$KERNEL_IMAGE: no such file"
		vmlinuz=$KERNEL_IMAGE kver=${KERNEL_IMAGE##*/vmlinuz-} kpkgver=given
		return 0
	fi
	line=$(KERNEL_CACHE=$cache KERNEL_OFFLINE=$offline KERNEL_ARCH=$arch \
		sh "$top/test/kernel/get-kernel.sh" "$series") ||
		die "no $series kernel (see above)"
	# shellcheck disable=SC2086  # three words
	set -- $line
	vmlinuz=$1 kver=$2 kpkgver=$3
}
resolve_kernel
log "kernel: $kver (package version $kpkgver)"

# ----------------------------------------------------------------- test list
if [ $# -eq 0 ]; then
	set -- test/*.t
	[ -e "$1" ] || die "no test binaries (test/*.t); run 'make tests' first"
fi
for t in "$@"; do
	[ -f "$t" ] && [ -x "$t" ] || die "not an executable file: $t"
done

runner=${KERNEL_RUNNER:-}
if [ -z "$runner" ]; then
	if [ -f test/runtests.sh ]; then runner=test/runtests.sh; else runner=test/kernel/runtests.sh; fi
fi
[ -f "$runner" ] || die "runner not found: $runner"

# ---------------------------------------------------------------- initramfs
stage=$(mktemp -d "${TMPDIR:-/tmp}/kernel-initramfs.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$stage"' EXIT
vmroot=/liburing            # where the tree lives inside the VM

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,mnt,root} \
	"$stage$vmroot" || die "mkdir failed"
chmod 1777 "$stage/tmp"
cp "$busybox" "$stage/bin/busybox" || die "copy busybox"
if [ "$arch" = amd64 ]; then
	for a in $("$busybox" --list-full); do
		[ -e "$stage/$a" ] || ln -s /bin/busybox "$stage/$a"
	done
else
	# the applet links are made in the VM (/init's first line)
	ln -s busybox "$stage/bin/sh"
fi
# Before devtmpfs is mounted the kernel opens /dev/console for init.
if is_root; then
	mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null
	mknod -m 666 "$stage/dev/null" c 1 3 2>/dev/null
fi

# Files of the tree keep their path relative to the top dir under $vmroot
# (so a test's rpath $ORIGIN/../src finds the same library there); other
# files (libc, libcmocka, the loader) keep their host path.
vmpath() {     # vmpath HOSTPATH: where it goes in the image
	local p=$1
	case $p in /*) ;; *) p=$top/${p#./} ;; esac
	case $p in
	"$top"/*) echo "$vmroot/${p#"$top"/}" ;;
	*) echo "$p" ;;
	esac
}
libdirs=       # where copied libraries went: LD_LIBRARY_PATH in the VM
add_libdir() {
	case ":$libdirs:" in *":$1:"*) ;; *) libdirs=${libdirs:+$libdirs:}$1 ;; esac
}
copy_lib() {   # copy_lib HOSTPATH: the file itself, not a symlink
	local p=$1 v
	v=$(vmpath "$p")
	add_libdir "${v%/*}"
	[ -e "$stage$v" ] && return 0
	mkdir -p "$stage${v%/*}" && cp -L "$p" "$stage$v" || die "cannot copy $p"
}
copy_deps() {  # copy_deps ELF: every library ldd reports (and the loader)
	local f=$1 line lib list dir
	ldd "$f" >/dev/null 2>&1 || return 0   # static, or not ELF
	list=$(ldd "$f")
	case $list in *"not found"*)
		# no rpath: try the tree's library directories
		dir=$(cd "$(dirname "$f")/.." && pwd)/src
		list=$(LD_LIBRARY_PATH="$dir:$top/src${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$f") ;;
	esac
	while IFS= read -r line; do
		case $line in
		*"not found"*) die "$f: missing library: ${line%% =>*}" ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		*/*" ("*) lib=${line%% (*}; lib=${lib#"${lib%%[! 	]*}"} ;;
		*) continue ;;
		esac
		copy_lib "$lib"
	done <<<"$list"
}
copy_tree_libs() {   # copy_tree_libs DIR: DIR/liburing*.so*, symlinks kept
	local d=$1 f v
	[ -d "$d" ] && add_libdir "$(vmpath "$d")"
	for f in "$d"/liburing*.so*; do
		[ -e "$f" ] || continue
		v=$(vmpath "$f")
		[ -e "$stage$v" ] || [ -L "$stage$v" ] && continue
		mkdir -p "$stage${v%/*}" && cp -P "$f" "$stage$v" || die "copy $f"
		[ -L "$f" ] || copy_deps "$f"
		[ -L "$f" ] || [ "$arch" = amd64 ] || arch_copy_deps "$f"
	done
}

vmtests=
for t in "$@"; do
	copy_tree_libs "$(cd "$(dirname "$t")/.." && pwd)/src"
done
copy_tree_libs "$top/src"
[ "$arch" = amd64 ] || arch_copy_runtime
# glibc dlopens libgcc_s for pthread_cancel/pthread_exit unwinding
gcc_s=
[ "$arch" = amd64 ] && gcc_s=$(ldconfig -p 2>/dev/null | awk '/libgcc_s\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$gcc_s" ] && [ -e "$gcc_s" ] && copy_lib "$gcc_s"

for t in "$@"; do
	v=$(vmpath "$t")
	case $v in "$vmroot"/*) ;; *) v=$vmroot/ext/${t##*/} ;; esac   # outside the tree
	mkdir -p "$stage${v%/*}" && cp "$t" "$stage$v" || die "copy $t"
	copy_deps "$t"
	[ "$arch" = amd64 ] || arch_copy_deps "$t"
	vmtests="$vmtests ${v#"$vmroot"/}"
done
# the runner keeps its path too (it may use $0's directory)
vmrunner=$(vmpath "$runner")
case $vmrunner in "$vmroot"/*) ;; *) vmrunner=$vmroot/test/kernel/${runner##*/} ;; esac
mkdir -p "$stage${vmrunner%/*}" && cp "$runner" "$stage$vmrunner" || die "copy runner"
vmrunner=${vmrunner#"$vmroot"/}
for f in ${KERNEL_EXTRA_FILES:-}; do
	v=$(vmpath "$f")
	mkdir -p "$stage${v%/*}" && cp -a "$f" "$stage$v" || die "copy $f"
done
cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$stage/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
nogroup:x:65534:
EOF
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$stage/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$stage/etc/nsswitch.conf"

cat >"$stage/etc/kernel-test.conf" <<EOF
VMROOT='$vmroot'
TESTS='$vmtests'
RUNNER='$vmrunner'
TEST_TIMEOUT='$test_timeout'
TMPKIND='$tmpkind'
LIBDIRS='$libdirs'
EOF

cat >"$stage/init" <<'EOF'
#!/bin/sh
# /init of the liburing kernel-test initramfs (generated by test/kernel/run-vm.sh)
[ -e /bin/mount ] || /bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
finish() {
	echo "KERNEL-TEST-RELEASE: $(uname -r)"
	echo "KERNEL-TEST-RC: $1"
	echo "KERNEL-TEST-END"
	sync
	sleep 1      # let the UART drain before the VM goes away
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}
trap 'finish 99' INT TERM
. /etc/kernel-test.conf
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
if [ "$TMPKIND" = ext4 ] && [ -b /dev/nvme0n1 ] &&
   mke2fs -q -F /dev/nvme0n1 >/dev/null 2>&1 &&
   mount -t ext4 /dev/nvme0n1 /tmp; then
	chmod 1777 /tmp
else
	mount -t tmpfs -o mode=1777 tmpfs /tmp
fi
ip link set lo up
hostname liburing-vm
ulimit -c 0
export TMPDIR=/tmp TEST_TIMEOUT LD_LIBRARY_PATH="$LIBDIRS"
# the firmware may leave its last line open: start on a line of our own
echo
echo "KERNEL-TEST-START: $(uname -r) $(uname -m), $(nproc) cpu(s), $(awk '/MemTotal/ {print int($2/1024) " MiB"}' /proc/meminfo), /tmp: $(awk '$2 == "/tmp" {print $3}' /proc/mounts)"
cd "$VMROOT" || finish 98
set -- $TESTS
sh "$RUNNER" "$@"
rc=$?
if dmesg | grep -qE 'BUG:|WARNING:|Oops|Call Trace:|io_uring'; then
	echo "KERNEL-TEST-DMESG: kernel messages of note:"
	dmesg | grep -E -A30 'BUG:|WARNING:|Oops|Call Trace:' | head -n 200
	dmesg | grep -E 'io_uring' | head -n 50
fi
finish $rc
EOF
chmod 755 "$stage/init" "$stage$vmroot/$vmrunner"

# Per-run file names: two runs at once in one tree must not share files.
# The last run's files are then renamed to initrd.gz and serial.log.
initrd=$out/initrd.$$.gz
serial=$out/serial.$$.log
disk=$out/scratch.$$.img
trap 'rm -rf "$stage"; rm -f "$initrd" "$serial" "$disk"' EXIT
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --reproducible --quiet) | gzip -1 >"$initrd" ||
	die "building initramfs failed"
log "initramfs: $(du -k "$initrd" | cut -f1) KiB, $# test(s), runner $runner, /tmp on $tmpkind"

# ---------------------------------------------------------------------- boot
qemu_disk=()
if [ "$tmpkind" = ext4 ]; then
	truncate -s 2G "$disk" || die "cannot create $disk"
	qemu_disk=(-drive "file=$disk,if=none,id=scratch,format=raw,cache=unsafe"
		-device "nvme,drive=scratch,serial=liburing-scratch")
fi

# A kernel that panics before the runner prints KERNEL-TEST-START has not
# run a single test: it failed to boot under TCG (seen once on a CI machine
# with 7.3-rc7, "Fatal exception in interrupt" 1.5 s into boot, never here
# in dozens of boots).  That says nothing about the library, so the VM is
# booted again, up to KERNEL_BOOT_TRIES times in all; the failed boot's log
# is kept as serial-boot-N.log and its panic lines are printed.  A crash
# after the runner started is never retried: a test may have caused it.
boot_vm() {
	timeout -k 10 "$vm_timeout" "$qemu_bin" \
		-accel "$accel" "${qemu_machine[@]}" -m "$mem" -smp "$smp" \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "console=$console quiet panic=-1 ${KERNEL_APPEND:-}" \
		-nographic -no-reboot -nic none -vga none "${qemu_disk[@]}" </dev/null 2>&1 |
		sed -u -e 's/\x00//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[A-Za-z]//g' -e 's/\r$//' | tee "$serial"
	qrc=${PIPESTATUS[0]}
}

# The runner started if its first line is in the log, or, should a kernel
# message have broken into that line on the shared console, any line the
# runner prints later.  grep reads the file itself: in a pipe under
# pipefail, grep -q quitting early could fail the writer with SIGPIPE.
summary_re='tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped'
runner_started() {
	grep -aqE "KERNEL-TEST-(START|RC): |$summary_re" "$1"
}

boot_tries=${KERNEL_BOOT_TRIES:-2}
boot=1
rm -f "$out"/serial-boot-*.log
t1=$(date +%s)
while :; do
	log "booting $kver under qemu ($accel, $smp cpu, $mem); overall timeout ${vm_timeout}s"
	boot_vm
	[ "$qrc" = 124 ] || [ "$qrc" = 137 ] || runner_started "$serial" && break
	[ "$boot" -ge "$boot_tries" ] && break
	mv -f "$serial" "$out/serial-boot-$boot.log"
	log "boot $boot of $kver died before the runner started (qemu exit $qrc):"
	grep -a -i -m 5 -E 'panic|oops|bug:|fatal' "$out/serial-boot-$boot.log" |
		sed 's/^/run-vm:   /' >&2
	log "booting again (log of that boot: ${out#"$top"/}/serial-boot-$boot.log)"
	boot=$((boot + 1))
done
t2=$(date +%s)
rm -f "$disk"
mv -f "$initrd" "$out/initrd.gz"
mv -f "$serial" "$out/serial.log"
logfile=$out/serial.log

# --------------------------------------------------------------------- judge
clean=$(tr -d '\000' <"$logfile")
summary=$(printf '%s\n' "$clean" | grep -aoE "$summary_re" | tail -n1)
release=$(printf '%s\n' "$clean" | sed -n 's/.*KERNEL-TEST-RELEASE: //p' | tail -n1)
vmrc=$(printf '%s\n' "$clean" | sed -n 's/.*KERNEL-TEST-RC: //p' | tail -n1)
failed_tests=$(printf '%s\n' "$clean" | grep -aE '^(FAIL|TIMEOUT)[: ]')

echo
echo "==================== test-kernel ===================="
echo "kernel:  ${release:-?} (package linux-image-$kver $kpkgver)"
echo "time:    $((t1 - t0))s setup, $((t2 - t1))s in the VM (log: ${logfile#"$top"/})"
status=0
reason=
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	status=1 reason="VM timed out after ${vm_timeout}s"
elif ! runner_started "$logfile"; then
	status=1 reason="the kernel did not boot as far as the runner in $boot boot(s) (qemu exit $qrc)"
	echo "the log's first lines:"
	head -n 40 "$logfile" | cut -c1-200 | sed 's/^/  | /'
elif [ -z "$summary" ]; then
	status=1 reason="no summary line from the runner (VM crashed or runner broken; qemu exit $qrc)"
fi
if [ -n "$summary" ]; then
	# shellcheck disable=SC2046  # three numbers
	set -- $(printf '%s\n' "$summary" | sed -E 's/^tests: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/')
	np=$1 nf=$2 ns=$3
	if [ "$nf" -gt 0 ]; then
		status=1 reason=${reason:-"$nf test(s) failed"}
	elif [ $((np + ns)) -eq 0 ]; then
		status=1 reason=${reason:-"no test ran"}
	elif [ -n "$vmrc" ] && [ "$vmrc" != 0 ]; then
		status=1 reason=${reason:-"runner exited $vmrc"}
	elif [ -z "$vmrc" ]; then
		status=1 reason=${reason:-"VM did not finish cleanly"}
	fi
fi
[ -n "$failed_tests" ] && printf 'failed:\n%s\n' "$failed_tests" | sed '2,$s/^/  /'
if [ "$status" = 0 ]; then
	echo "result:  OK"
else
	echo "result:  FAILED: $reason"
fi
if [ -n "$summary" ]; then
	name=kernel-${release:-$kver}
	case $arch:$name in amd64:*|*-"$arch") ;; *) name=$name-$arch ;; esac
	echo "$name: $np passed, $nf failed, $ns skipped"
fi
exit $status
