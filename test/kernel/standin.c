/*
 * Stand-in test binary for the QEMU kernel harness (test/kernel/run-vm.sh).
 *
 * It uses raw syscalls only (no liburing, no cmocka), so it can check the
 * harness itself: boot, initramfs, shared-library copying, runner, summary
 * parsing and exit status.  It prints in cmocka's style.
 *
 *   - io_uring_setup(8), mmap the rings, submit one IORING_OP_NOP with
 *     io_uring_enter and check its CQE;
 *   - IORING_REGISTER_PROBE and print how many opcodes the kernel knows;
 *   - if built with -DSTANDIN_FAIL, fail on purpose after all that;
 *   - if built with -DSTANDIN_SKIP, do nothing but report one skipped test
 *     the way cmocka does (exit 0, "[  SKIPPED ]" lines, no "[       OK ]").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

static int fail(const char *what, long ret)
{
	printf("[  FAILED  ] standin: %s: %ld (%s)\n", what, ret,
	       ret < 0 ? strerror((int)-ret) : "unexpected");
	return 1;
}

static int nop_and_probe(void)
{
	struct io_uring_params p;
	struct io_uring_probe *probe;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int *sq_tail, *sq_array, *sq_mask, *cq_head, *cq_tail, *cq_mask;
	size_t sq_sz, cq_sz, probe_sz;
	char *sq, *cq;
	long ret;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0)
		return fail("io_uring_setup", -errno);

	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return fail("mmap sq", -errno);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		cq = sq;
		if (cq_sz > sq_sz) {
			munmap(sq, sq_sz);
			sq = cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_POPULATE, fd,
				       IORING_OFF_SQ_RING);
			if (sq == MAP_FAILED)
				return fail("mmap sq/cq", -errno);
		}
	} else {
		cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return fail("mmap cq", -errno);
	}
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		    IORING_OFF_SQES);
	if (sqes == MAP_FAILED)
		return fail("mmap sqes", -errno);

	sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	sq_array = (unsigned int *)(sq + p.sq_off.array);
	cq_head = (unsigned int *)(cq + p.cq_off.head);
	cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);

	unsigned int tail = *sq_tail, idx = tail & *sq_mask;
	memset(&sqes[idx], 0, sizeof(sqes[idx]));
	sqes[idx].opcode = IORING_OP_NOP;
	sqes[idx].user_data = 0x1234abcd;
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

	ret = syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		      NULL, 0);
	if (ret != 1)
		return fail("io_uring_enter", ret < 0 ? -errno : ret);

	unsigned int head = *cq_head;
	if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE))
		return fail("no CQE after enter", 0);
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) + (head & *cq_mask);
	if (cqe->user_data != 0x1234abcd || cqe->res != 0)
		return fail("bad NOP CQE res", cqe->res);
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	printf("[       OK ] standin_nop\n");

	probe_sz = sizeof(*probe) + 256 * sizeof(struct io_uring_probe_op);
	probe = calloc(1, probe_sz);
	if (!probe)
		return fail("calloc", -ENOMEM);
	ret = syscall(__NR_io_uring_register, fd, IORING_REGISTER_PROBE, probe,
		      256);
	if (ret < 0)
		return fail("IORING_REGISTER_PROBE", -errno);
	unsigned int supported = 0;
	for (unsigned int i = 0; i < probe->ops_len; i++)
		if (probe->ops[i].flags & IO_URING_OP_SUPPORTED)
			supported++;
	printf("standin: probe last_op=%u ops_len=%u supported=%u features=0x%x\n",
	       probe->last_op, probe->ops_len, supported, p.features);
	printf("[       OK ] standin_probe\n");
	free(probe);
	close(fd);
	return 0;
}

int main(void)
{
	struct utsname u;
	int rc;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (uname(&u) == 0)
		printf("standin: kernel release %s\n", u.release);
#ifdef STANDIN_SKIP
	printf("[==========] Running 1 test(s).\n");
	printf("[ RUN      ] standin_skip\n[  SKIPPED ] standin_skip\n");
	printf("[==========] 1 test(s) run.\n[  PASSED  ] 0 test(s).\n");
	printf("[  SKIPPED ] 1 test(s), listed below:\n[  SKIPPED ] standin_skip\n");
	return 0;
#endif
	printf("[==========] Running 2 test(s).\n");
	rc = nop_and_probe();
#ifdef STANDIN_FAIL
	if (!rc)
		rc = fail("deliberate failure (built with -DSTANDIN_FAIL)", 0);
#endif
	printf("[==========] 2 test(s) run.\n");
	if (rc) {
		printf("[  FAILED  ] 1 test(s).\n");
		return 1;
	}
	printf("[  PASSED  ] 2 test(s).\n");
	return 0;
}
