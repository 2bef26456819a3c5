/* SPDX-License-Identifier: MIT */
/*
 * Timeouts: TIMEOUT by time and by completion count, absolute and
 * multishot timeouts, TIMEOUT_REMOVE and its update form, and
 * LINK_TIMEOUT bounding the request linked before it.
 */
#include "helpers.h"

#include <time.h>
#include <unistd.h>

#define MSEC	1000000ULL

static void test_timeout_expires(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(40);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	uint64_t start, took;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 1;
	start = t_now_ns();
	assert_int_equal(io_uring_submit(&ring), 1);
	ts.tv_nsec = 0;	/* read at submission: changing it is harmless */
	t_reap(&ring, &cqe, 1);
	took = t_ms_since(start);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, -ETIME);
	assert_int_equal(cqe.flags, 0);
	assert_true(took >= 40);
	assert_true(took < 2000);

	/* other completions do not satisfy a count of 0 */
	ts = t_ts_ms(40);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 2;
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 2);
	assert_int_equal(cqe.res, -ETIME);

	io_uring_queue_exit(&ring);
}

/* A count completes the timeout early, with res 0, after the others. */
static void test_timeout_count(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10000);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	uint64_t start;
	int i;

	t_ring(&ring, 8, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 2, 0);
	sqe->user_data = 10;
	assert_int_equal(io_uring_submit(&ring), 1);

	/* one completion is not enough */
	t_queue_nop(&ring, 11);
	start = t_now_ns();
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 11);
	t_expect_no_cqe(&ring, 30);

	t_queue_nop(&ring, 12);
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, i ? 10 : 12);
		assert_int_equal(cqe.res, 0);
	}
	assert_true(t_ms_since(start) < 5000);
	io_uring_queue_exit(&ring);
}

static void test_timeout_abs(void **state)
{
	struct __kernel_timespec ts;
	struct timespec now;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	uint64_t start, deadline;

	t_ring(&ring, 4, 0);
	clock_gettime(CLOCK_MONOTONIC, &now);
	start = (uint64_t) now.tv_sec * 1000000000ULL + now.tv_nsec;
	deadline = start + 40 * MSEC;
	ts.tv_sec = deadline / 1000000000ULL;
	ts.tv_nsec = deadline % 1000000000ULL;
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ABS);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ETIME);
	assert_true(t_now_ns() >= deadline);

	/* an absolute time in the past fires at once */
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ABS);
	start = t_now_ns();
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ETIME);
	assert_true(t_ms_since(start) < 1000);

	/* CLOCK_REALTIME and CLOCK_BOOTTIME together are invalid */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ABS |
			      IORING_TIMEOUT_REALTIME |
			      IORING_TIMEOUT_BOOTTIME);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_queue_exit(&ring);
}

/* IORING_TIMEOUT_MULTISHOT (6.4): fires @count times, F_MORE until last. */
static void test_timeout_multishot(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(15);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int i;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 3, IORING_TIMEOUT_MULTISHOT);
	sqe->user_data = 20;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 3; i++) {
		t_reap(&ring, &cqe, 1);
		if (i == 0 && cqe.res == -EINVAL &&
		    !t_has_op(IORING_OP_READ_MULTISHOT)) {
			io_uring_queue_exit(&ring);
			T_SKIP("kernel lacks %s",
			       "IORING_TIMEOUT_MULTISHOT (Linux 6.4)");
		}
		assert_int_equal(cqe.user_data, 20);
		assert_int_equal(cqe.res, -ETIME);
		assert_int_equal(cqe.flags, i < 2 ? IORING_CQE_F_MORE : 0);
	}
	t_expect_no_cqe(&ring, 40);

	/* count 0: fires until removed */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_MULTISHOT);
	sqe->user_data = 21;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 4; i++) {
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.res, -ETIME);
		assert_int_equal(cqe.flags, IORING_CQE_F_MORE);
	}
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_remove(sqe, 21, 0);
	sqe->user_data = 22;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (;;) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 22) {
			assert_int_equal(cqe.res, 0);
			continue;
		}
		assert_int_equal(cqe.user_data, 21);
		if (!(cqe.flags & IORING_CQE_F_MORE)) {
			assert_int_equal(cqe.res, -ECANCELED);
			break;
		}
		assert_int_equal(cqe.res, -ETIME);
	}
	io_uring_queue_exit(&ring);
}

static void test_timeout_remove(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10000);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0xabcdef0123ULL;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 20);

	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_remove(sqe, 0xabcdef0123ULL, 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap_cancelled(&ring, 0xabcdef0123ULL, 2);

	/* it is gone */
	io_uring_prep_timeout_remove(t_get_sqe(&ring), 0xabcdef0123ULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	/* removal only knows its own flags */
	io_uring_prep_timeout_remove(t_get_sqe(&ring), 1, 1U << 20);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_queue_exit(&ring);
}

static void test_timeout_update(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10000), nts = t_ts_ms(30);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	uint64_t start;
	int i;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 30;
	start = t_now_ns();
	assert_int_equal(io_uring_submit(&ring), 1);

	/* re-arm 10 s as 30 ms */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_update(sqe, &nts, 30, 0);
	sqe->user_data = 31;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, i ? 30 : 31);
		assert_int_equal(cqe.res, i ? -ETIME : 0);
	}
	assert_true(t_ms_since(start) >= 30);
	assert_true(t_ms_since(start) < 3000);

	/* updating a timeout that is not there */
	io_uring_prep_timeout_update(t_get_sqe(&ring), &nts, 30, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	/* update to an absolute time already past */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 32;
	assert_int_equal(io_uring_submit(&ring), 1);
	nts.tv_sec = 1;
	nts.tv_nsec = 0;
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_update(sqe, &nts, 32, IORING_TIMEOUT_ABS);
	sqe->user_data = 33;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 33) {
			assert_int_equal(cqe.res, 0);
		} else {
			assert_int_equal(cqe.user_data, 32);
			assert_int_equal(cqe.res, -ETIME);
		}
	}
	assert_true(t_ms_since(start) < 4000);
	io_uring_queue_exit(&ring);
}

/* A read that cannot complete is cut short by its linked timeout. */
static void test_link_timeout_fires(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(30);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[16];
	int p[2], i;
	uint64_t start;

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(p), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 2;
	start = t_now_ns();
	assert_int_equal(io_uring_submit(&ring), 2);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 1) {
			assert_int_equal(cqe.res, -ECANCELED);
		} else {
			assert_int_equal(cqe.user_data, 2);
			assert_int_equal(cqe.res, -ETIME);
		}
	}
	assert_true(t_ms_since(start) >= 30);

	/* the pipe is untouched: data written later stays there */
	assert_int_equal(write(p[1], "ok", 2), 2);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* A request that completes in time cancels its linked timeout. */
static void test_link_timeout_not_needed(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10000);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[16];
	int p[2], i;

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(p), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_expect_no_cqe(&ring, 20);
	assert_int_equal(write(p[1], "hello", 5), 5);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 1) {
			assert_int_equal(cqe.res, 5);
			assert_memory_equal(buf, "hello", 5);
		} else {
			assert_int_equal(cqe.user_data, 2);
			assert_int_equal(cqe.res, -ECANCELED);
		}
	}

	/* an armed link timeout can be updated (IORING_LINK_TIMEOUT_UPDATE) */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 3;
	sqe = t_get_sqe(&ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 4;
	assert_int_equal(io_uring_submit(&ring), 2);
	{
		struct __kernel_timespec nts = t_ts_ms(20);

		sqe = t_get_sqe(&ring);
		io_uring_prep_timeout_update(sqe, &nts, 4,
					     IORING_LINK_TIMEOUT_UPDATE);
		sqe->user_data = 5;
		assert_int_equal(io_uring_submit(&ring), 1);
	}
	for (i = 0; i < 3; i++) {
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 3)
			assert_int_equal(cqe.res, -ECANCELED);
		else if (cqe.user_data == 4)
			assert_int_equal(cqe.res, -ETIME);
		else
			assert_int_equal(cqe.res, 0);
	}

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_bad_input(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	t_ring(&ring, 4, 0);

	/* unknown timeout flags */
	io_uring_prep_timeout(t_get_sqe(&ring), &ts, 0, 1U << 20);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* a timeout takes exactly one timespec */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->len = 2;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/*
	 * A negative time: -EINVAL since 5.17 ("io_uring: Fix
	 * undefined-behaviour in io_issue_sqe"; IORING_FEAT_CQE_SKIP came in
	 * the same release).  Before, the kernel took it as a timeout that
	 * never fires: it stays until removed.
	 */
	ts.tv_sec = -1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0x77;
	if (ring.features & IORING_FEAT_CQE_SKIP) {
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
	} else {
		assert_int_equal(io_uring_submit(&ring), 1);
		t_expect_no_cqe(&ring, 50);
		sqe = t_get_sqe(&ring);
		io_uring_prep_timeout_remove(sqe, 0x77, 0);
		sqe->user_data = 0x78;
		assert_int_equal(io_uring_submit(&ring), 1);
		t_reap_cancelled(&ring, 0x77, 0x78);
	}
	ts.tv_sec = 0;

	/* a timespec the kernel cannot read */
	io_uring_prep_timeout(t_get_sqe(&ring),
			      (struct __kernel_timespec *) 16, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	/* LINK_TIMEOUT with nothing linked before it */
	io_uring_prep_link_timeout(t_get_sqe(&ring), &ts, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_expires),
		cmocka_unit_test(test_timeout_count),
		cmocka_unit_test(test_timeout_abs),
		cmocka_unit_test(test_timeout_multishot),
		cmocka_unit_test(test_timeout_remove),
		cmocka_unit_test(test_timeout_update),
		cmocka_unit_test(test_link_timeout_fires),
		cmocka_unit_test(test_link_timeout_not_needed),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
