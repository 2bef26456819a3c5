/* SPDX-License-Identifier: MIT */
/*
 * NOP (and its flags), NOP128 in a 128-byte SQE, and WAITID reaping
 * forked children.
 */
#include "helpers.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_nop(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe[8];
	int i;

	t_ring(&ring, 8, 0);
	for (i = 0; i < 8; i++) {
		sqe = t_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		assert_int_equal(sqe->opcode, IORING_OP_NOP);
		assert_int_equal(sqe->fd, -1);
		sqe->user_data = ~0ULL - i;
	}
	assert_int_equal(io_uring_submit(&ring), 8);
	t_reap(&ring, cqe, 8);
	for (i = 0; i < 8; i++) {
		assert_true(cqe[i].user_data == ~0ULL - i);
		assert_int_equal(cqe[i].res, 0);
		assert_int_equal(cqe[i].flags, 0);
	}
	io_uring_queue_exit(&ring);
}

/* NOP flags (6.10+): an injected result, a file to look up. */
static void test_nop_flags(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	bool nop_file;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = (unsigned) -EIO;
	cqe = t_submit_one(&ring);
	if (cqe.res != -EIO && !(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks IORING_NOP_INJECT_RESULT (Linux 6.10), "
		       "res %d", cqe.res);
	}
	assert_int_equal(cqe.res, -EIO);

	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = 12345;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 12345);

	/*
	 * NOP_FILE looks sqe->fd up like any file-taking opcode.  It came in
	 * 6.13 with NOP's registered file and buffer flags; 6.10-6.12 know
	 * only INJECT_RESULT and reject any other flag as unknown.
	 */
	nop_file = t_kernel_at_least(6, 13);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_FILE;
	sqe->fd = 1000000;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, nop_file ? -EBADF : -EINVAL);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_FILE;
	sqe->fd = 0;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, nop_file ? 0 : -EINVAL);

	/* unknown NOP flags */
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = 1U << 30;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_queue_exit(&ring);
}

/*
 * NOP128 (6.19) needs a 128-byte SQE: any SQE of an SQE128 ring, or two
 * slots of an SQE_MIXED ring.  Kernels without it reject opcode 63 as
 * unknown with -EINVAL.
 */
static void test_nop128_sqe128(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	t_ring(&ring, 4, IORING_SETUP_SQE128);
	sqe = io_uring_get_sqe128(&ring);
	assert_non_null(sqe);
	io_uring_prep_nop128(sqe);
	assert_int_equal(sqe->opcode, IORING_OP_NOP128);
	sqe->user_data = 128;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 128);
	if (!t_has_op(IORING_OP_NOP128)) {
		assert_int_equal(cqe.res, -EINVAL);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks NOP128 (opcode %d): -EINVAL even on an "
		       "SQE128 ring", IORING_OP_NOP128);
	}
	assert_int_equal(cqe.res, 0);
	io_uring_queue_exit(&ring);
}

static void test_nop128_mixed(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int i;

	i = io_uring_queue_init(4, &ring, IORING_SETUP_SQE_MIXED);
	if (i == -EINVAL)
		T_SKIP("kernel rejects IORING_SETUP_SQE_MIXED (6.19)");
	assert_int_equal(i, 0);
	/* around the ring twice: 128-byte SQEs never straddle its end */
	for (i = 0; i < 6; i++) {
		sqe = t_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 1;
		sqe = io_uring_get_sqe128(&ring);
		assert_non_null(sqe);
		io_uring_prep_nop128(sqe);
		sqe->user_data = 2;
		assert_true(io_uring_submit(&ring) >= 2);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 1);
		assert_int_equal(cqe.res, 0);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 2);
		assert_int_equal(cqe.res, 0);
		t_expect_no_cqe(&ring, 1);
	}
	io_uring_queue_exit(&ring);
}

/* A child that exits with @code once something is written to @fd. */
static pid_t child_waiting_on(int fd, int code)
{
	pid_t pid = fork();
	char c;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (read(fd, &c, 1) != 1)
			_exit(99);
		_exit(code);
	}
	return pid;
}

static void test_waitid(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	siginfo_t si;
	int p[2];
	pid_t pid;

	t_require_op(IORING_OP_WAITID);
	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(p), 0);
	pid = child_waiting_on(p[0], 7);

	memset(&si, 0xaa, sizeof(si));
	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_PID, pid, &si, WEXITED, 0);
	sqe->user_data = 1;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);	/* the child is still running */

	assert_int_equal(write(p[1], "x", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(si.si_signo, SIGCHLD);
	assert_int_equal(si.si_code, CLD_EXITED);
	assert_int_equal(si.si_pid, pid);
	assert_int_equal(si.si_status, 7);
	assert_int_equal(si.si_uid, getuid());
	/* reaped: nothing left to wait for */
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);

	/* a child that already exited is reaped at once */
	pid = child_waiting_on(p[0], 0);
	assert_int_equal(write(p[1], "y", 1), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_PID, pid, &si, WEXITED, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(si.si_pid, pid);
	assert_int_equal(si.si_status, 0);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_waitid_signal_nowait(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	siginfo_t si;
	int status, p[2];
	pid_t pid;

	t_require_op(IORING_OP_WAITID);
	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(p), 0);
	pid = child_waiting_on(p[0], 0);

	/* WNOWAIT: report, but leave the child to be reaped again */
	memset(&si, 0, sizeof(si));
	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_PID, pid, &si, WEXITED | WNOWAIT, 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(kill(pid, SIGKILL), 0);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(si.si_code, CLD_KILLED);
	assert_int_equal(si.si_status, SIGKILL);
	assert_int_equal(si.si_pid, pid);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_waitid_cancel_and_errors(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	siginfo_t si;
	int i, p[2];
	pid_t pid;

	t_require_op(IORING_OP_WAITID);
	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(p), 0);
	pid = child_waiting_on(p[0], 3);

	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_PID, pid, &si, WEXITED, 0);
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 1, 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 1) {
			assert_int_equal(cqe.res, -ECANCELED);
		} else {
			/* success: 0, or the count found (6.7 to 6.18) */
			assert_int_equal(cqe.user_data, 2);
			assert_true(cqe.res == 0 || cqe.res == 1);
		}
	}
	/* the child is still ours to reap */
	assert_int_equal(write(p[1], "x", 1), 1);
	t_wait_exit(pid, 3);

	/* not our child */
	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_PID, getpid(), &si, WEXITED, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ECHILD);

	/* no options to wait for */
	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_ALL, 0, &si, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* waitid_flags are reserved */
	sqe = t_get_sqe(&ring);
	io_uring_prep_waitid(sqe, P_ALL, 0, &si, WEXITED, 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	t_ring_still_works(&ring);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nop),
		cmocka_unit_test(test_nop_flags),
		cmocka_unit_test(test_nop128_sqe128),
		cmocka_unit_test(test_nop128_mixed),
		cmocka_unit_test(test_waitid),
		cmocka_unit_test(test_waitid_signal_nowait),
		cmocka_unit_test(test_waitid_cancel_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
