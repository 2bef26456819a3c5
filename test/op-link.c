/* SPDX-License-Identifier: MIT */
/*
 * SQE flags that shape execution: IOSQE_IO_LINK chains (in order, broken
 * by a failure or a short transfer), IOSQE_IO_HARDLINK, IOSQE_IO_DRAIN,
 * IOSQE_ASYNC and IOSQE_CQE_SKIP_SUCCESS.
 */
#include "helpers.h"

#include <poll.h>
#include <unistd.h>

static struct io_uring_sqe *sqe_ud(struct io_uring *ring, __u64 ud,
				   unsigned flags)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	sqe->user_data = ud;
	sqe->flags = flags;
	return sqe;
}

/* Reap @n CQEs and check they arrive as user_data 1..@n with @res[i]. */
static void expect_in_order(struct io_uring *ring, unsigned n,
			    const int *res)
{
	struct io_uring_cqe cqe;
	unsigned i;

	for (i = 0; i < n; i++) {
		t_reap(ring, &cqe, 1);
		assert_int_equal(cqe.user_data, i + 1);
		assert_int_equal(cqe.res, res[i]);
	}
}

/*
 * Where a request's file is looked up.  Since 5.18 ("io_uring: defer file
 * assignment") it is when the request is issued: a chain runs up to a bad
 * fd, which fails like any other error.  Before, it was at submission: a
 * bad fd failed the whole chain before anything ran, the head and hard
 * links included (-ECANCELED).  IORING_OP_MSG_RING came in the same
 * release.
 */
static bool files_at_issue(void)
{
	return t_has_op(IORING_OP_MSG_RING);
}

/* Each link starts only once the one before it finished. */
static void test_link_order(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[8], rbuf[8];
	int p[2], fd;

	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);
	fd = t_tmpfile(NULL, 0, NULL, 0);

	/* read a pipe, write what was read to a file, read the file back */
	sqe = sqe_ud(&ring, 1, IOSQE_IO_LINK);
	io_uring_prep_read(sqe, p[0], buf, 4, 0);
	sqe = sqe_ud(&ring, 2, IOSQE_IO_LINK);
	io_uring_prep_write(sqe, fd, buf, 4, 0);
	sqe = sqe_ud(&ring, 3, 0);
	io_uring_prep_read(sqe, fd, rbuf, 4, 0);
	assert_int_equal(io_uring_submit(&ring), 3);
	t_expect_no_cqe(&ring, 50);	/* all waiting on the pipe */

	assert_int_equal(write(p[1], "link", 4), 4);
	expect_in_order(&ring, 3, (int []) { 4, 4, 4 });
	assert_memory_equal(rbuf, "link", 4);

	close(fd);
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* A failure cancels what follows it in the chain, and only that. */
static void test_link_failure(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[16];

	t_ring(&ring, 8, 0);
	io_uring_prep_nop(sqe_ud(&ring, 1, IOSQE_IO_LINK));
	sqe = sqe_ud(&ring, 2, IOSQE_IO_LINK);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	io_uring_prep_nop(sqe_ud(&ring, 3, IOSQE_IO_LINK));
	io_uring_prep_nop(sqe_ud(&ring, 4, 0));
	/* a separate request after the chain is not affected */
	io_uring_prep_nop(sqe_ud(&ring, 5, 0));
	assert_int_equal(io_uring_submit(&ring), 5);
	{
		struct io_uring_cqe cqe[5];
		int res[6] = { 0, 0, -EBADF, -ECANCELED, -ECANCELED, 0 };
		unsigned i;

		if (!files_at_issue())
			res[1] = -ECANCELED;	/* failed at submission */
		t_reap(&ring, cqe, 5);
		for (i = 0; i < 5; i++) {
			assert_true(cqe[i].user_data >= 1 &&
				    cqe[i].user_data <= 5);
			assert_int_equal(cqe[i].res, res[cqe[i].user_data]);
		}
	}
	io_uring_queue_exit(&ring);
}

/* A short read counts as a failure for IO_LINK. */
static void test_link_short_read(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[64];
	int fd;

	t_ring(&ring, 8, 0);
	fd = t_tmpfile(NULL, 0, NULL, 10);
	sqe = sqe_ud(&ring, 1, IOSQE_IO_LINK);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	io_uring_prep_nop(sqe_ud(&ring, 2, 0));
	assert_int_equal(io_uring_submit(&ring), 2);
	expect_in_order(&ring, 2, (int []) { 10, -ECANCELED });

	/* a full read keeps the chain going */
	sqe = sqe_ud(&ring, 1, IOSQE_IO_LINK);
	io_uring_prep_read(sqe, fd, buf, 10, 0);
	io_uring_prep_nop(sqe_ud(&ring, 2, 0));
	assert_int_equal(io_uring_submit(&ring), 2);
	expect_in_order(&ring, 2, (int []) { 10, 0 });

	close(fd);
	io_uring_queue_exit(&ring);
}

/* Hard links keep going after a failure. */
static void test_hardlink(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[16];
	int fd;

	t_ring(&ring, 8, 0);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	io_uring_prep_nop(sqe_ud(&ring, 1, IOSQE_IO_HARDLINK));
	sqe = sqe_ud(&ring, 2, IOSQE_IO_HARDLINK);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	sqe = sqe_ud(&ring, 3, IOSQE_IO_HARDLINK);
	io_uring_prep_write(sqe, fd, "hard", 4, 0);
	sqe = sqe_ud(&ring, 4, 0);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	assert_int_equal(io_uring_submit(&ring), 4);
	if (files_at_issue()) {
		expect_in_order(&ring, 4, (int []) { 0, -EBADF, 4, 4 });
		assert_memory_equal(buf, "hard", 4);
	} else {
		/* failed at submission: even hard links did not run */
		expect_in_order(&ring, 4, (int []) { -ECANCELED, -EBADF,
						     -ECANCELED, -ECANCELED });
	}

	/* a hard link ending in a soft link: the soft one breaks */
	sqe = sqe_ud(&ring, 1, IOSQE_IO_HARDLINK);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	sqe = sqe_ud(&ring, 2, IOSQE_IO_LINK);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	io_uring_prep_nop(sqe_ud(&ring, 3, 0));
	assert_int_equal(io_uring_submit(&ring), 3);
	expect_in_order(&ring, 3, (int []) { -EBADF, -EBADF, -ECANCELED });

	close(fd);
	io_uring_queue_exit(&ring);
}

/* A drained request waits for everything submitted before it. */
static void test_drain(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int p[2];

	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);
	sqe = sqe_ud(&ring, 1, 0);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_prep_nop(sqe_ud(&ring, 2, IOSQE_IO_DRAIN));
	assert_int_equal(io_uring_submit(&ring), 2);
	t_expect_no_cqe(&ring, 50);

	/* what comes after the drain waits for it too */
	io_uring_prep_nop(sqe_ud(&ring, 3, 0));
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 30);

	/* the poll first; the two behind the drain in either order */
	assert_int_equal(write(p[1], "x", 1), 1);
	expect_in_order(&ring, 1, (int []) { POLLIN });
	{
		struct io_uring_cqe cqe[2];

		t_reap(&ring, cqe, 2);
		assert_int_equal(cqe[0].user_data + cqe[1].user_data, 5);
		assert_int_equal(cqe[0].res, 0);
		assert_int_equal(cqe[1].res, 0);
	}

	/* without earlier requests a drain completes at once */
	io_uring_prep_nop(sqe_ud(&ring, 1, IOSQE_IO_DRAIN));
	assert_int_equal(io_uring_submit(&ring), 1);
	expect_in_order(&ring, 1, (int []) { 0 });

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* IOSQE_ASYNC runs the request from a worker; the result is the same. */
static void test_async(void **state)
{
	char out[4096], in[4096];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int fd, p[2];

	t_ring(&ring, 8, 0);
	t_fill(out, sizeof(out), 3);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	assert_int_equal(pipe(p), 0);

	sqe = sqe_ud(&ring, 1, IOSQE_ASYNC | IOSQE_IO_LINK);
	io_uring_prep_write(sqe, fd, out, sizeof(out), 0);
	sqe = sqe_ud(&ring, 2, IOSQE_ASYNC);
	io_uring_prep_read(sqe, fd, in, sizeof(in), 0);
	assert_int_equal(io_uring_submit(&ring), 2);
	expect_in_order(&ring, 2, (int []) { 4096, 4096 });
	assert_memory_equal(in, out, sizeof(out));

	/* an async read of an empty pipe waits for data like any other */
	sqe = sqe_ud(&ring, 1, IOSQE_ASYNC);
	io_uring_prep_read(sqe, p[0], in, sizeof(in), 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 30);
	assert_int_equal(write(p[1], "async", 5), 5);
	expect_in_order(&ring, 1, (int []) { 5 });
	assert_memory_equal(in, "async", 5);

	/* and fails the same way */
	sqe = sqe_ud(&ring, 1, IOSQE_ASYNC);
	io_uring_prep_read(sqe, p[1], in, sizeof(in), 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	expect_in_order(&ring, 1, (int []) { -EBADF });

	close(fd);
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* Only successful completions are skipped; failures still post. */
static void test_cqe_skip_success(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[16];
	int fd;

	t_require_feature(IORING_FEAT_CQE_SKIP, "IOSQE_CQE_SKIP_SUCCESS");
	t_ring(&ring, 8, 0);
	fd = t_tmpfile(NULL, 0, NULL, 16);

	io_uring_prep_nop(sqe_ud(&ring, 1, IOSQE_CQE_SKIP_SUCCESS));
	sqe = sqe_ud(&ring, 2, IOSQE_CQE_SKIP_SUCCESS);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	io_uring_prep_nop(sqe_ud(&ring, 3, 0));
	assert_int_equal(io_uring_submit(&ring), 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 3);
	t_expect_no_cqe(&ring, 20);
	/* the skipped read did happen */
	{
		char want[16];

		t_fill(want, sizeof(want), 0);
		assert_memory_equal(buf, want, sizeof(want));
	}

	/* a failing request posts its CQE regardless */
	sqe = sqe_ud(&ring, 4, IOSQE_CQE_SKIP_SUCCESS);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 4);
	assert_int_equal(cqe.res, -EBADF);

	/*
	 * In a chain: the skipped head posts nothing, the failure posts,
	 * and so does the request it cancels, skip flag or not.
	 */
	io_uring_prep_nop(sqe_ud(&ring, 5, IOSQE_CQE_SKIP_SUCCESS |
				 IOSQE_IO_LINK));
	sqe = sqe_ud(&ring, 6, IOSQE_IO_LINK);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	io_uring_prep_nop(sqe_ud(&ring, 7, IOSQE_CQE_SKIP_SUCCESS));
	assert_int_equal(io_uring_submit(&ring), 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 6);
	assert_int_equal(cqe.res, -EBADF);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 7);
	assert_int_equal(cqe.res, -ECANCELED);
	t_expect_no_cqe(&ring, 20);

	/*
	 * When the failing request itself carries the flag, the CQEs of
	 * the links it cancels are suppressed along with it.
	 */
	sqe = sqe_ud(&ring, 9, IOSQE_CQE_SKIP_SUCCESS | IOSQE_IO_LINK);
	io_uring_prep_read(sqe, 1000000, buf, sizeof(buf), 0);
	io_uring_prep_nop(sqe_ud(&ring, 10, 0));
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 9);
	assert_int_equal(cqe.res, -EBADF);
	t_expect_no_cqe(&ring, 20);

	/* a short read counts as a failure here too: its CQE is posted */
	sqe = sqe_ud(&ring, 8, IOSQE_CQE_SKIP_SUCCESS);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 8);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 8);
	assert_int_equal(cqe.res, 8);
	t_expect_no_cqe(&ring, 20);

	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_bad_flags(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;

	t_ring(&ring, 4, 0);
	io_uring_prep_nop(sqe_ud(&ring, 1, 1U << 7));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, -EINVAL);

	/* IOSQE_BUFFER_SELECT on an opcode that does not take buffers */
	io_uring_prep_nop(sqe_ud(&ring, 2, IOSQE_BUFFER_SELECT));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	/* IOSQE_FIXED_FILE without a file table */
	{
		struct io_uring_sqe *sqe = sqe_ud(&ring, 3, IOSQE_FIXED_FILE);
		char buf[4];

		io_uring_prep_read(sqe, 0, buf, sizeof(buf), 0);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EBADF);
	}

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_order),
		cmocka_unit_test(test_link_failure),
		cmocka_unit_test(test_link_short_read),
		cmocka_unit_test(test_hardlink),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_async),
		cmocka_unit_test(test_cqe_skip_success),
		cmocka_unit_test(test_bad_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
