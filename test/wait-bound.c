/* SPDX-License-Identifier: MIT */
/*
 * Every wait given a timeout returns within it (plus scheduling slack), on
 * every kernel: with IORING_FEAT_EXT_ARG (5.11) the kernel bounds the wait;
 * without it the library queues a TIMEOUT SQE of its own behind whatever
 * the caller queued.  Each case runs both ways: as the kernel is, and with
 * EXT_ARG masked so that the fallback runs here too (on 5.10 both are the
 * fallback).  The kernel stops submitting at an SQE it rejects, so a batch
 * holding one leaves the library's timeout behind it; IOPOLL rings reject
 * TIMEOUT requests outright.  A watchdog alarm turns a hang into a failure.
 */
#include "helpers.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#define BOUND_MS	100
/* TCG virtual machines are slow to schedule; a hang is what we look for. */
#define SLACK_MS	1500
#define WATCHDOG_S	20

static void ring_for(struct io_uring *ring, unsigned flags, bool fallback)
{
	t_ring(ring, 8, flags);
	if (fallback)
		ring->features &= ~IORING_FEAT_EXT_ARG;
	alarm(WATCHDOG_S);
}

static void ring_done(struct io_uring *ring)
{
	alarm(0);
	io_uring_queue_exit(ring);
}

static struct io_uring_sqe *queue_rejected(struct io_uring *ring, __u64 data)
{
	struct io_uring_sqe *sqe = t_queue_nop(ring, data);

	sqe->opcode = 0xff;	/* no such opcode: -EINVAL at submission */
	return sqe;
}

/* Returned within the bound; if it says it timed out, not before it. */
static void assert_bounded(int ret, uint64_t start)
{
	uint64_t ms = t_ms_since(start);

	assert_true(ms < BOUND_MS + SLACK_MS);
	if (ret == -ETIME)
		assert_true(ms >= BOUND_MS);
}

/* The rejected SQE's completion, found now or by the call that returned it. */
static void assert_rejected_cqe(struct io_uring *ring,
				struct io_uring_cqe *cqe, __u64 data)
{
	if (!cqe) {
		struct __kernel_timespec ts = t_ts_ms(BOUND_MS);

		assert_int_equal(io_uring_wait_cqe_timeout(ring, &cqe, &ts), 0);
	}
	assert_int_equal(cqe->user_data, data);
	assert_int_equal(cqe->res, -EINVAL);
	io_uring_cqe_seen(ring, cqe);
}

/*
 * Waiting for more completions than the batch can give: the rejected SQE
 * ends submission before the library's timeout, and the wait must still
 * end at the bound, with the rejected SQE's completion.
 */
static void submit_wait_more_than_possible(bool fallback)
{
	struct __kernel_timespec ts = t_ts_ms(BOUND_MS);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring ring;
	uint64_t start;
	int ret;

	ring_for(&ring, 0, fallback);
	queue_rejected(&ring, 7);
	start = t_now_ns();
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 2, &ts, NULL);
	assert_bounded(ret, start);
	/* it submitted the caller's SQE (a count), or the wait timed out */
	assert_true(ret == 1 || ret == -ETIME);
	assert_rejected_cqe(&ring, cqe, 7);
	ring_done(&ring);
}

static void test_submit_wait_more_than_possible(void **state)
{
	submit_wait_more_than_possible(false);
}

static void test_submit_wait_more_than_possible_fallback(void **state)
{
	submit_wait_more_than_possible(true);
}

/*
 * The rejected SQE sits between the caller's good SQEs, one of them a poll
 * that never fires; io_uring_wait_cqes() submits them with its timeout.
 */
static void wait_cqes_behind_rejected(bool fallback)
{
	struct __kernel_timespec ts = t_ts_ms(BOUND_MS);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint64_t start;
	int fds[2], ret;

	ring_for(&ring, 0, fallback);
	assert_int_equal(pipe(fds), 0);
	queue_rejected(&ring, 7);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, fds[0], POLLIN);
	sqe->user_data = 8;
	start = t_now_ns();
	ret = io_uring_wait_cqes(&ring, &cqe, 3, &ts, NULL);
	assert_bounded(ret, start);
	assert_true(ret == 0 || ret == -ETIME);
	if (ret == 0) {
		assert_rejected_cqe(&ring, cqe, 7);
		cqe = NULL;
	}
	ring_done(&ring);
	close(fds[0]);
	close(fds[1]);
}

static void test_wait_cqes_behind_rejected(void **state)
{
	wait_cqes_behind_rejected(false);
}

static void test_wait_cqes_behind_rejected_fallback(void **state)
{
	wait_cqes_behind_rejected(true);
}

/*
 * IOPOLL rings: the kernel rejects a TIMEOUT SQE there (every version), so
 * the fallback cannot queue one; the wait still ends at once, as the
 * EXT_ARG path does (an IOPOLL enter never sleeps).
 */
static void iopoll_bounded(bool fallback)
{
	struct __kernel_timespec ts = t_ts_ms(BOUND_MS);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring ring;
	uint64_t start;
	int ret;

	ring_for(&ring, IORING_SETUP_IOPOLL, fallback);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	assert_true(t_ms_since(start) < BOUND_MS + SLACK_MS);
	assert_null(cqe);
	/* no SQE was spent on a timeout the kernel would refuse */
	assert_int_equal(ring.sq.sqe_tail, 0);

	/* a rejected SQE of the caller's: its completion comes back */
	queue_rejected(&ring, 9);
	start = t_now_ns();
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 2, &ts, NULL);
	assert_true(t_ms_since(start) < BOUND_MS + SLACK_MS);
	assert_true(ret == 1 || ret == -ETIME);
	assert_rejected_cqe(&ring, cqe, 9);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	ring_done(&ring);
}

static void test_iopoll_bounded(void **state)
{
	iopoll_bounded(false);
}

static void test_iopoll_bounded_fallback(void **state)
{
	iopoll_bounded(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submit_wait_more_than_possible),
		cmocka_unit_test(test_submit_wait_more_than_possible_fallback),
		cmocka_unit_test(test_wait_cqes_behind_rejected),
		cmocka_unit_test(test_wait_cqes_behind_rejected_fallback),
		cmocka_unit_test(test_iopoll_bounded),
		cmocka_unit_test(test_iopoll_bounded_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
