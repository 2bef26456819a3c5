/* SPDX-License-Identifier: MIT */
/*
 * ASYNC_CANCEL: by user_data (cancel, cancel64), by file (cancel_fd, plain
 * and fixed), by opcode, and the ALL / ANY / USERDATA match modifiers.
 * Cancelled requests complete with -ECANCELED; the cancel itself with 0,
 * or with the number cancelled when asked to match all.
 */
#include "helpers.h"

#include <poll.h>
#include <unistd.h>

static void pending_poll(struct io_uring *ring, int fd, __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_poll_add(sqe, fd, POLLIN);
	sqe->user_data = ud;
}

/*
 * Reap @n completions; the one with user_data @cancel_ud must have res
 * @cancel_res, every other one -ECANCELED.  Returns how many were
 * cancelled.
 */
static int reap_cancel(struct io_uring *ring, unsigned n, __u64 cancel_ud,
		       int cancel_res)
{
	struct io_uring_cqe cqe;
	int cancelled = 0, seen_cancel = 0;

	while (n--) {
		t_reap(ring, &cqe, 1);
		if (cqe.user_data == cancel_ud) {
			assert_int_equal(cqe.res, cancel_res);
			seen_cancel++;
		} else {
			assert_int_equal(cqe.res, -ECANCELED);
			cancelled++;
		}
	}
	assert_int_equal(seen_cancel, 1);
	return cancelled;
}

/*
 * Skip unless the kernel knows cancel flag @flag (@what names it; 5.19,
 * with IORING_OP_SOCKET): with nothing to match, a cancel with ALL or ANY
 * finds none and answers 0, where a kernel without the flag answers
 * -EINVAL.
 */
static void require_cancel_flag(struct io_uring *ring, unsigned flag,
				const char *what)
{
	struct io_uring_cqe cqe;

	io_uring_prep_cancel64(t_get_sqe(ring), 0xdead, (int) flag);
	cqe = t_submit_one(ring);
	if (cqe.res == -EINVAL)
		io_uring_queue_exit(ring);
	t_skip_if_einval(cqe.res, IORING_OP_SOCKET, what);
	assert_int_equal(cqe.res, 0);
}

static void test_cancel64(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[8];
	int p[2];

	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);
	t_queue_read(&ring, p[0], buf, 8, 0x1122334455667788ULL);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 20);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 0x1122334455667788ULL, 0);
	sqe->user_data = 1;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 2, 1, 0), 1);

	/* the read is gone: data written now stays in the pipe */
	assert_int_equal(write(p[1], "abc", 3), 3);
	t_expect_no_cqe(&ring, 20);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 3);

	/* nothing left to cancel */
	io_uring_prep_cancel64(t_get_sqe(&ring), 0x1122334455667788ULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	/* a request that already completed cannot be cancelled */
	t_queue_nop(&ring, 99);
	cqe = t_submit_one(&ring);
	io_uring_prep_cancel64(t_get_sqe(&ring), 99, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* io_uring_prep_cancel() takes the user_data as a pointer. */
static void test_cancel_ptr(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], tag, other, i;

	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data(sqe, &tag);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data(sqe, &other);
	assert_int_equal(io_uring_submit(&ring), 2);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel(sqe, &tag, 0);
	sqe->user_data = 7;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 7) {
			assert_int_equal(cqe.res, 0);
		} else {
			assert_ptr_equal(io_uring_cqe_get_data(&cqe), &tag);
			assert_int_equal(cqe.res, -ECANCELED);
		}
	}
	/* the other poll is untouched and still fires */
	t_expect_no_cqe(&ring, 20);
	assert_int_equal(write(p[1], "x", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_ptr_equal(io_uring_cqe_get_data(&cqe), &other);
	assert_int_equal(cqe.res, POLLIN);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* Without CANCEL_ALL only the first match goes; with it, all of them. */
static void test_cancel_all(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], i;

	t_ring(&ring, 16, 0);
	require_cancel_flag(&ring, IORING_ASYNC_CANCEL_ALL,
			    "IORING_ASYNC_CANCEL_ALL (Linux 5.19)");
	assert_int_equal(pipe(p), 0);
	for (i = 0; i < 4; i++)
		pending_poll(&ring, p[0], 5);
	pending_poll(&ring, p[0], 6);
	assert_int_equal(io_uring_submit(&ring), 5);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 5, 0);
	sqe->user_data = 100;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 2, 100, 0), 1);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 5, IORING_ASYNC_CANCEL_ALL);
	sqe->user_data = 101;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 4, 101, 3), 3);

	/* user_data 6 survived */
	assert_int_equal(write(p[1], "x", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 6);
	assert_int_equal(cqe.res, POLLIN);

	/* ALL counts: no match is 0 where a single cancel says -ENOENT */
	io_uring_prep_cancel64(t_get_sqe(&ring), 5, IORING_ASYNC_CANCEL_ALL);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_cancel_any(void **state)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[2][8];
	int p[2];

	t_ring(&ring, 16, 0);
	require_cancel_flag(&ring, IORING_ASYNC_CANCEL_ANY,
			    "IORING_ASYNC_CANCEL_ANY (Linux 5.19)");
	assert_int_equal(pipe(p), 0);
	/* different kinds of request, different user_data */
	t_queue_read(&ring, p[0], buf[0], 8, 1);
	pending_poll(&ring, p[0], 2);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 3;
	assert_int_equal(io_uring_submit(&ring), 3);
	t_expect_no_cqe(&ring, 20);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
	sqe->user_data = 50;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 4, 50, 3), 3);

	/* nothing pending any more: cancelled none */
	io_uring_prep_cancel64(t_get_sqe(&ring), 0, IORING_ASYNC_CANCEL_ANY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_cancel_fd(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[4][8];
	int a[2], b[2];

	t_require_op(IORING_OP_SOCKET);	/* 5.19 */
	t_ring(&ring, 16, 0);
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	t_queue_read(&ring, a[0], buf[0], 8, 1);
	t_queue_read(&ring, a[0], buf[1], 8, 2);
	pending_poll(&ring, a[0], 3);
	t_queue_read(&ring, b[0], buf[2], 8, 4);
	assert_int_equal(io_uring_submit(&ring), 4);

	/* one of the three on a[0] */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel_fd(sqe, a[0], 0);
	sqe->user_data = 10;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 2, 10, 0), 1);

	/* the other two */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel_fd(sqe, a[0], IORING_ASYNC_CANCEL_ALL);
	sqe->user_data = 11;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 3, 11, 2), 2);

	/* b[0]'s read is still there and works */
	assert_int_equal(write(b[1], "bee", 3), 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 4);
	assert_int_equal(cqe.res, 3);
	assert_memory_equal(buf[2], "bee", 3);

	/*
	 * A file with nothing pending, and a bad fd.  Not b[0]: where pipes
	 * lack nonblocking reads (6.1) its read finished in an io-wq worker,
	 * which may still be winding down after posting the CQE, and a cancel
	 * then finds it running (-EALREADY).
	 */
	io_uring_prep_cancel_fd(t_get_sqe(&ring), a[1], 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);
	io_uring_prep_cancel_fd(t_get_sqe(&ring), 1000000, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* FD plus USERDATA (6.6): both must match */
	if (!t_has_op(IORING_OP_FUTEX_WAIT))
		goto out;
	t_queue_read(&ring, a[0], buf[0], 8, 20);
	t_queue_read(&ring, a[0], buf[1], 8, 21);
	assert_int_equal(io_uring_submit(&ring), 2);
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel_fd(sqe, a[0], IORING_ASYNC_CANCEL_USERDATA |
				IORING_ASYNC_CANCEL_ALL);
	sqe->addr = 21;
	sqe->user_data = 22;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 2, 22, 1), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel_fd(sqe, a[0], 0);
	sqe->user_data = 23;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 2, 23, 0), 1);
out:
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	io_uring_queue_exit(&ring);
}

static void test_cancel_fd_fixed(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[2][8];
	int p[2], i;

	t_require_op(IORING_OP_SOCKET);
	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(io_uring_register_files(&ring, p, 1), 0);
	for (i = 0; i < 2; i++) {
		sqe = t_get_sqe(&ring);
		io_uring_prep_read(sqe, 0, buf[i], 8, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		sqe->user_data = i + 1;
	}
	assert_int_equal(io_uring_submit(&ring), 2);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel_fd(sqe, 0, IORING_ASYNC_CANCEL_FD_FIXED |
				IORING_ASYNC_CANCEL_ALL);
	sqe->user_data = 9;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 3, 9, 2), 2);

	/* a slot that is not registered */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel_fd(sqe, 5, IORING_ASYNC_CANCEL_FD_FIXED);
	{
		struct io_uring_cqe cqe = t_submit_one(&ring);

		assert_int_equal(cqe.res, -EBADF);
	}
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* IORING_ASYNC_CANCEL_OP (6.6): match by opcode, given in len. */
static void test_cancel_op(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[2][8];
	int p[2];

	t_ring(&ring, 16, 0);
	if (!t_has_op(IORING_OP_FUTEX_WAIT)) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks IORING_ASYNC_CANCEL_OP (Linux 6.6)");
	}
	assert_int_equal(pipe(p), 0);
	pending_poll(&ring, p[0], 1);
	pending_poll(&ring, p[0], 2);
	t_queue_read(&ring, p[0], buf[0], 8, 3);
	assert_int_equal(io_uring_submit(&ring), 3);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_OP |
			       IORING_ASYNC_CANCEL_ALL);
	sqe->len = IORING_OP_POLL_ADD;
	sqe->user_data = 10;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_cancel(&ring, 3, 10, 2), 2);

	/* the read survived */
	assert_int_equal(write(p[1], "r", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 3);
	assert_int_equal(cqe.res, 1);

	/* OP and ANY contradict each other */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_OP |
			       IORING_ASYNC_CANCEL_ANY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* Timeouts are cancelled through the same opcode. */
static void test_cancel_timeout(void **state)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 1, 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	assert_int_equal(reap_cancel(&ring, 2, 2, 0), 1);
	io_uring_queue_exit(&ring);
}

static void test_bad_input(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	t_ring(&ring, 4, 0);

	/* unknown cancel flags */
	io_uring_prep_cancel64(t_get_sqe(&ring), 1, 1 << 20);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* FD and ANY together */
	if (t_has_op(IORING_OP_SOCKET)) {
		io_uring_prep_cancel_fd(t_get_sqe(&ring), 0,
					IORING_ASYNC_CANCEL_ANY);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
	}

	/* off is reserved */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 1, 0);
	sqe->off = 1;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel64),
		cmocka_unit_test(test_cancel_ptr),
		cmocka_unit_test(test_cancel_all),
		cmocka_unit_test(test_cancel_any),
		cmocka_unit_test(test_cancel_fd),
		cmocka_unit_test(test_cancel_fd_fixed),
		cmocka_unit_test(test_cancel_op),
		cmocka_unit_test(test_cancel_timeout),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
