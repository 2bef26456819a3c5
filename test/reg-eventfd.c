/* SPDX-License-Identifier: MIT */
/*
 * Eventfd notification (io_uring_register_eventfd(), _async()): one count
 * per completion, switched off and on through the CQ flags word, and the
 * completions an async eventfd signals for.
 */
#include "helpers.h"

#include <poll.h>
#include <sys/eventfd.h>

static void nop_and_wait(struct io_uring *ring, unsigned sqe_flags,
			 __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe cqe;

	io_uring_prep_nop(sqe);
	sqe->flags |= sqe_flags;
	sqe->user_data = user_data;
	cqe = t_submit_one(ring);
	assert_true(cqe.user_data == user_data);
	assert_int_equal(cqe.res, 0);
}

static void test_eventfd_counts_completions(void **state)
{
	struct io_uring ring;
	int efd, p[2];

	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);

	nop_and_wait(&ring, 0, 1);
	assert_int_equal(t_eventfd_take(efd), 1);
	nop_and_wait(&ring, 0, 2);
	nop_and_wait(&ring, 0, 3);
	assert_int_equal(t_eventfd_take(efd), 2);

	/* one eventfd per ring */
	assert_int_equal(io_uring_register_eventfd(&ring, efd), -EBUSY);

	assert_int_equal(io_uring_unregister_eventfd(&ring), 0);
	nop_and_wait(&ring, 0, 4);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	assert_int_equal(io_uring_unregister_eventfd(&ring), -ENXIO);

	/* not an eventfd, not an fd */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(io_uring_register_eventfd(&ring, p[0]), -EINVAL);
	assert_int_equal(io_uring_register_eventfd(&ring, 1000000), -EBADF);
	assert_int_equal(io_uring_register_eventfd_async(&ring, p[1]),
			 -EINVAL);
	nop_and_wait(&ring, 0, 5);
	assert_int_equal(io_uring_unregister_eventfd(&ring), -ENXIO);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(efd);
}

static void test_eventfd_toggle(void **state)
{
	struct io_uring ring;
	int efd;

	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);
	assert_true(io_uring_cq_eventfd_enabled(&ring));

	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false), 0);
	assert_false(io_uring_cq_eventfd_enabled(&ring));
	assert_true(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED);
	nop_and_wait(&ring, 0, 1);
	nop_and_wait(&ring, IOSQE_ASYNC, 2);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	/* asking for the state it is already in changes nothing */
	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false), 0);
	assert_false(io_uring_cq_eventfd_enabled(&ring));

	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, true), 0);
	assert_true(io_uring_cq_eventfd_enabled(&ring));
	assert_int_equal(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED, 0);
	nop_and_wait(&ring, 0, 3);
	assert_int_equal(t_eventfd_take(efd), 1);

	io_uring_queue_exit(&ring);
	close(efd);
}

/*
 * Whether pipes take nonblocking reads (FMODE_NOWAIT, since 6.4): a
 * preadv2(RWF_NOWAIT) with data in the pipe reads it there, and fails with
 * EOPNOTSUPP where pipes lack the mode (6.1).
 */
static bool pipe_reads_nowait(void)
{
	char c = 'x';
	struct iovec iov = { &c, 1 };
	ssize_t ret;
	int p[2], err;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], &c, 1), 1);
	ret = preadv2(p[0], &iov, 1, -1, RWF_NOWAIT);
	err = errno;
	close(p[0]);
	close(p[1]);
	if (ret == 1)
		return true;
	assert_int_equal(ret, -1);
	assert_int_equal(err, EOPNOTSUPP);
	return false;
}

/*
 * The signals an EVENTFD_ASYNC eventfd got, 0 for none.  An io-wq worker
 * signals after it posts the CQE, so the CQE can be seen first (seen on
 * 7.2 under QEMU): wait up to a second for a signal that is expected, and
 * 50 ms for one that is not, so that a late one is not missed.
 */
static long async_signals(int efd, bool expected)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	long n;

	assert_true(poll(&pfd, 1, expected ? 1000 : 50) >= 0);
	n = t_eventfd_take(efd);
	if (n == -EAGAIN)
		return 0;
	assert_true(n > 0);
	return n;
}

/*
 * A read of @fds[0] that finds nothing: no CQE until "late" is written to
 * @fds[1], then the 4 bytes.
 */
static void read_that_waits(struct io_uring *ring, const int fds[2])
{
	struct io_uring_cqe cqe;
	char buf[16];

	io_uring_prep_read(t_get_sqe(ring), fds[0], buf, sizeof(buf), 0);
	assert_int_equal(io_uring_submit(ring), 1);
	t_expect_no_cqe(ring, 50);
	assert_int_equal(write(fds[1], "late", 4), 4);
	t_reap(ring, &cqe, 1);
	assert_int_equal(cqe.res, 4);
}

/*
 * Whether @fd, a regular file, takes nonblocking reads (FMODE_NOWAIT): a
 * preadv2(RWF_NOWAIT) reads (or would block: -EAGAIN), and fails with
 * EOPNOTSUPP on a file without the mode.
 */
static bool file_reads_nowait(int fd)
{
	char c;
	struct iovec iov = { &c, 1 };
	ssize_t ret;

	ret = preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
	if (ret >= 0 || errno == EAGAIN)
		return true;
	assert_int_equal(errno, EOPNOTSUPP);
	return false;
}

/*
 * EVENTFD_ASYNC signals only for completions posted from io-wq workers:
 * an inline NOP does not signal, a NOP forced to a worker does, and so
 * does a file read forced to a worker.  A socket read that waits for data
 * completes through poll and task work in the submitting task, which the
 * kernel does not count as async: no signal for it.  A pipe read that
 * waits does the same on kernels whose pipes take nonblocking reads; 6.1
 * finishes it in a worker, and so signals.
 */
static void test_eventfd_async(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[64];
	int efd, fd, p[2];
	bool nowait_pipes, inline_read;

	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd_async(&ring, efd), 0);

	nop_and_wait(&ring, 0, 1);
	assert_int_equal(async_signals(efd, false), 0);
	nop_and_wait(&ring, IOSQE_ASYNC, 2);
	assert_int_equal(async_signals(efd, true), 1);

	fd = t_tmpfile(NULL, 0, NULL, sizeof(buf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_ASYNC;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(buf));
	assert_int_equal(async_signals(efd, true), 1);
	/*
	 * The same read without IOSQE_ASYNC completes in line only where
	 * io_uring may try the file without blocking.  Since 6.5 ("io_uring:
	 * rely solely on FMODE_NOWAIT") that is the file's FMODE_NOWAIT, as
	 * preadv2(RWF_NOWAIT) shows: ext4 has it, tmpfs lacks it (6.12, 7.2),
	 * so a tmpfs read goes to a worker and signals.  Before 6.5 any
	 * regular file without a block device, tmpfs's too, was tried in
	 * line (5.10, 6.1).
	 */
	inline_read = file_reads_nowait(fd) || !t_kernel_at_least(6, 5);
	io_uring_prep_read(t_get_sqe(&ring), fd, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(buf));
	assert_int_equal(async_signals(efd, !inline_read), !inline_read);

	/*
	 * A read that has to wait on a socket: io_uring polls the socket and
	 * completes the read from task work, in line, so no signal.
	 */
	t_socketpair(p);
	read_that_waits(&ring, p);
	assert_int_equal(async_signals(efd, false), 0);
	close(p[0]);
	close(p[1]);

	/*
	 * The same on a pipe goes the same way where pipes take nonblocking
	 * reads (6.4).  Before, io_uring waits for the data by polling, but
	 * the retry cannot be made without blocking and goes to an io-wq
	 * worker, which completes the read out of line: one signal.
	 */
	nowait_pipes = pipe_reads_nowait();
	assert_int_equal(pipe(p), 0);
	read_that_waits(&ring, p);
	assert_int_equal(async_signals(efd, !nowait_pipes), !nowait_pipes);

	/* a second registration of either kind is refused */
	assert_int_equal(io_uring_register_eventfd(&ring, efd), -EBUSY);
	assert_int_equal(io_uring_register_eventfd_async(&ring, efd), -EBUSY);
	assert_int_equal(io_uring_unregister_eventfd(&ring), 0);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(fd);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eventfd_counts_completions),
		cmocka_unit_test(test_eventfd_toggle),
		cmocka_unit_test(test_eventfd_async),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
