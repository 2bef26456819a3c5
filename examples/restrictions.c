/* SPDX-License-Identifier: MIT */
/*
 * restrictions: a ring that may only do what it was allowed to.
 *
 *	restrictions
 *
 * The ring is created disabled (IORING_SETUP_R_DISABLED), so nothing runs
 * on it yet.  While it is disabled, io_uring_register_restrictions()
 * fixes for good which SQE opcodes (NOP, READ, WRITE), which SQE flags
 * (IOSQE_IO_LINK) and which io_uring_register() operations (PROBE) it
 * will accept once enabled; io_uring_enable_rings() then starts it.
 * This is how a process can hand a ring to less trusted code.
 *
 * The program checks that allowed requests work, that a forbidden opcode
 * (OPENAT), a forbidden flag (IOSQE_ASYNC) and a forbidden registration
 * (REGISTER_FILES) are refused with -EACCES, and that a ring still
 * disabled refuses to submit with -EBADFD.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct io_uring ring;
static int failures;

static void check(const char *what, int got, int want)
{
	bool ok = got == want;

	printf("    %-44s %-8s %s\n", what,
	       got == -EACCES ? "-EACCES" : got == -EBADFD ? "-EBADFD" :
	       got == 0 ? "0" : "", ok ? "ok" : "UNEXPECTED");
	if (!ok) {
		printf("    (got %d: %s; expected %d)\n", got,
		       got < 0 ? strerror(-got) : "success", want);
		failures++;
	}
}

/* Submit what is queued and return the result of the one completion. */
static int run_one(void)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit_and_wait(&ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

int main(int argc, char *argv[])
{
	struct io_uring_restriction res[5];
	struct io_uring_sqe *sqe;
	struct io_uring_probe *probe;
	char buf[16];
	int fds[2], ret;

	if (argc != 1) {
		fprintf(stderr, "usage: %s\n"
			"  (no arguments: it builds a restricted ring and"
			" checks what it refuses)\n", argv[0]);
		return 2;
	}
	if (pipe(fds) < 0) {
		perror("restrictions: pipe");
		return 1;
	}

	ret = io_uring_queue_init(8, &ring, IORING_SETUP_R_DISABLED);
	if (ret < 0) {
		fprintf(stderr, "restrictions: io_uring_queue_init: %s%s\n",
			strerror(-ret), ret == -EINVAL ?
			" (IORING_SETUP_R_DISABLED needs Linux 5.10)" : "");
		return 1;
	}

	printf("1. ring created with IORING_SETUP_R_DISABLED\n");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 1;
	ret = io_uring_submit(&ring);
	check("submit a NOP while disabled", ret, -EBADFD);
	printf("    (the NOP stays queued and runs once the ring is"
	       " enabled)\n");

	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = IORING_OP_READ;
	res[2].opcode = IORING_RESTRICTION_SQE_OP;
	res[2].sqe_op = IORING_OP_WRITE;
	res[3].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[3].sqe_flags = IOSQE_IO_LINK;
	res[4].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[4].register_op = IORING_REGISTER_PROBE;
	ret = io_uring_register_restrictions(&ring, res, 5);
	printf("2. restricted to opcodes NOP, READ, WRITE; flag IO_LINK;"
	       " register PROBE\n");
	check("io_uring_register_restrictions", ret, 0);
	ret = io_uring_enable_rings(&ring);
	check("io_uring_enable_rings", ret, 0);
	if (failures)
		goto out;

	printf("3. allowed requests run\n");
	check("the NOP queued while disabled", run_one(), 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fds[1], "restricted", 10, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fds[0], buf, sizeof(buf), 0);
	ret = io_uring_submit_and_wait(&ring, 2);
	if (ret >= 0) {
		struct io_uring_cqe *cqe;
		int i, ok = 0;

		for (i = 0; i < 2 && !io_uring_wait_cqe(&ring, &cqe); i++) {
			ok += cqe->res == 10;
			io_uring_cqe_seen(&ring, cqe);
		}
		ret = ok == 2 && !memcmp(buf, "restricted", 10) ? 0 : -EIO;
	}
	check("WRITE linked to a READ (10 bytes each)", ret, 0);
	probe = io_uring_get_probe_ring(&ring);
	check("io_uring_register_probe", probe ? 0 : -EACCES, 0);
	io_uring_free_probe(probe);

	printf("4. everything else is refused\n");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, AT_FDCWD, "/dev/null", O_RDONLY, 0);
	check("OPENAT (opcode not allowed)", run_one(), -EACCES);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_ASYNC;
	check("NOP with IOSQE_ASYNC (flag not allowed)", run_one(), -EACCES);
	ret = io_uring_register_files(&ring, fds, 2);
	check("io_uring_register_files (not allowed)", ret, -EACCES);
out:
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
	if (failures) {
		printf("restrictions: %d unexpected results\n", failures);
		return 1;
	}
	printf("restrictions: the ring did exactly what it was allowed to\n");
	return 0;
}
