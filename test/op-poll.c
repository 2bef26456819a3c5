/* SPDX-License-Identifier: MIT */
/*
 * Polling: one-shot and multishot POLL_ADD, POLL_REMOVE, updating a poll's
 * events and user_data, and the epoll operations EPOLL_CTL and EPOLL_WAIT.
 */
#include "helpers.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) == sizeof(buf))
		;
}

static void test_poll_add(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2];

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);

	/* not ready yet: nothing until data arrives */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 1;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);
	assert_int_equal(write(p[1], "x", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, POLLIN);	/* the ready mask */
	assert_int_equal(cqe.flags, 0);

	/* already ready: completes at once; only asked-for events show */
	io_uring_prep_poll_add(t_get_sqe(&ring), p[1], POLLOUT | POLLIN);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, POLLOUT);
	io_uring_prep_poll_add(t_get_sqe(&ring), p[0], POLLIN | POLLRDNORM);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, POLLIN | POLLRDNORM);

	/* one-shot: a second event is not reported */
	drain(p[0]);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(write(p[1], "y", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 2);
	assert_int_equal(write(p[1], "z", 1), 1);
	t_expect_no_cqe(&ring, 30);

	/* POLLHUP is reported even when not asked for */
	drain(p[0]);
	io_uring_prep_poll_add(t_get_sqe(&ring), p[0], POLLIN);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 20);
	close(p[1]);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, POLLHUP);

	close(p[0]);
	io_uring_queue_exit(&ring);
}

static void test_poll_multishot(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int efd, i;
	eventfd_t v;

	t_require_op(IORING_OP_SPLICE);	/* 5.13 multishot, approximately */
	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_CLOEXEC);
	assert_true(efd >= 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_multishot(sqe, efd, POLLIN);
	sqe->user_data = 10;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 30);

	for (i = 0; i < 4; i++) {
		assert_int_equal(eventfd_write(efd, 1), 0);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 10);
		assert_int_equal(cqe.res, POLLIN);
		assert_int_equal(cqe.flags, IORING_CQE_F_MORE);
		assert_int_equal(eventfd_read(efd, &v), 0);
		assert_int_equal(v, 1);
	}

	/* remove it: the removal completes with 0, the poll with -ECANCELED */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_remove(sqe, 10);
	sqe->user_data = 11;
	assert_int_equal(io_uring_submit(&ring), 1);
	cqe = t_reap_cancelled(&ring, 10, 11);
	assert_int_equal(cqe.flags, 0);
	assert_int_equal(eventfd_write(efd, 1), 0);
	t_expect_no_cqe(&ring, 30);

	close(efd);
	io_uring_queue_exit(&ring);
}

static void test_poll_remove(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2];

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 0x1234567890ULL;
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_remove(sqe, 0x1234567890ULL);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap_cancelled(&ring, 0x1234567890ULL, 2);

	/* nothing by that user_data any more */
	io_uring_prep_poll_remove(t_get_sqe(&ring), 0x1234567890ULL);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	/* a completed poll cannot be removed either */
	assert_int_equal(write(p[1], "x", 1), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 3;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, POLLIN);
	io_uring_prep_poll_remove(t_get_sqe(&ring), 3);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

/* Whether a completion is ready within @msec milliseconds (not taken). */
static bool cqe_within(struct io_uring *ring, unsigned msec)
{
	struct __kernel_timespec ts = t_ts_ms(msec);
	struct io_uring_cqe *cqe;

	return io_uring_wait_cqe_timeout(ring, &cqe, &ts) == 0;
}

static void test_poll_update(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], i;

	t_require_op(IORING_OP_SPLICE);
	t_ring(&ring, 4, 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);

	/* POLLPRI never fires on a pipe... */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLPRI);
	sqe->user_data = 100;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(write(p[1], "x", 1), 1);
	t_expect_no_cqe(&ring, 30);

	/* ...switch it to POLLIN under user_data 200: it fires at once */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_update(sqe, 100, 200, POLLIN,
				  IORING_POLL_UPDATE_EVENTS |
				  IORING_POLL_UPDATE_USER_DATA);
	sqe->user_data = 300;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 2; i++) {
		if (i == 1 && !t_has_op(IORING_OP_SOCKET) &&
		    !cqe_within(&ring, 1000)) {
			/*
			 * Debian 11's 5.10.223, which carries 5.15's io_uring,
			 * answers the update with 0 and never completes the
			 * poll, even once more data arrives.
			 */
			close(p[0]);
			close(p[1]);
			io_uring_queue_exit(&ring);
			T_SKIP("kernel bug: a poll given new events by "
			       "IORING_POLL_UPDATE_EVENTS never fires");
		}
		t_reap(&ring, &cqe, 1);
		if (cqe.user_data == 300) {
			assert_int_equal(cqe.res, 0);
		} else {
			assert_int_equal(cqe.user_data, 200);
			assert_int_equal(cqe.res, POLLIN);
		}
	}
	drain(p[0]);

	/* user_data only: the events stay as they were */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->user_data = 101;
	assert_int_equal(io_uring_submit(&ring), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_update(sqe, 101, 201, 0,
				  IORING_POLL_UPDATE_USER_DATA);
	sqe->user_data = 301;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 301);
	assert_int_equal(cqe.res, 0);
	t_expect_no_cqe(&ring, 20);
	assert_int_equal(write(p[1], "y", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 201);
	assert_int_equal(cqe.res, POLLIN);
	drain(p[0]);

	/* a multishot poll stays multishot across an update */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_multishot(sqe, p[0], POLLIN);
	sqe->user_data = 102;
	assert_int_equal(io_uring_submit(&ring), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_update(sqe, 102, 202, POLLIN,
				  IORING_POLL_UPDATE_EVENTS |
				  IORING_POLL_UPDATE_USER_DATA |
				  IORING_POLL_ADD_MULTI);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(write(p[1], "z", 1), 1);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 202);
		assert_int_equal(cqe.res, POLLIN);
		assert_int_equal(cqe.flags, IORING_CQE_F_MORE);
		drain(p[0]);
	}
	io_uring_prep_poll_remove(t_get_sqe(&ring), 202);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 2);

	/* updating what is not there */
	io_uring_prep_poll_update(t_get_sqe(&ring), 999, 0, POLLIN,
				  IORING_POLL_UPDATE_EVENTS);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	/* a new user_data without UPDATE_USER_DATA is invalid */
	io_uring_prep_poll_update(t_get_sqe(&ring), 999, 1000, POLLIN, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

static void test_epoll_ctl(void **state)
{
	struct epoll_event ev, out[4];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int epfd, p[2];

	t_require_op(IORING_OP_EPOLL_CTL);
	t_ring(&ring, 4, 0);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(epfd >= 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);

	ev.events = EPOLLIN;
	ev.data.u64 = 0xfeedface12345678ULL;
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, p[0], EPOLL_CTL_ADD,
				&ev);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	ev.data.u64 = 0;	/* the event was copied at submission */

	assert_int_equal(epoll_wait(epfd, out, 4, 0), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(epoll_wait(epfd, out, 4, 1000), 1);
	assert_int_equal(out[0].events, EPOLLIN);
	assert_true(out[0].data.u64 == 0xfeedface12345678ULL);

	/* adding twice */
	ev.events = EPOLLIN;
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, p[0], EPOLL_CTL_ADD,
				&ev);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EEXIST);

	/* MOD to a new cookie */
	ev.events = EPOLLIN;
	ev.data.u64 = 77;
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, p[0], EPOLL_CTL_MOD,
				&ev);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(epoll_wait(epfd, out, 4, 1000), 1);
	assert_int_equal(out[0].data.u64, 77);

	/* DEL needs no event */
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, p[0], EPOLL_CTL_DEL,
				NULL);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(epoll_wait(epfd, out, 4, 0), 0);
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, p[0], EPOLL_CTL_DEL,
				NULL);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	/* not an epoll fd; a bad fd to add; an unknown op */
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), p[1], p[0], EPOLL_CTL_ADD,
				&ev);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, 1000000,
				EPOLL_CTL_ADD, &ev);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	io_uring_prep_epoll_ctl(t_get_sqe(&ring), epfd, p[0], 99, &ev);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(p[0]);
	close(p[1]);
	close(epfd);
	io_uring_queue_exit(&ring);
}

static void test_epoll_wait(void **state)
{
	struct epoll_event ev, out[4];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int epfd, p[2], q[2];

	t_require_op(IORING_OP_EPOLL_WAIT);
	t_ring(&ring, 4, 0);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(pipe2(q, O_NONBLOCK), 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 1;
	assert_int_equal(epoll_ctl(epfd, EPOLL_CTL_ADD, p[0], &ev), 0);
	ev.data.u64 = 2;
	assert_int_equal(epoll_ctl(epfd, EPOLL_CTL_ADD, q[0], &ev), 0);

	/* nothing ready: it waits */
	memset(out, 0, sizeof(out));
	sqe = t_get_sqe(&ring);
	io_uring_prep_epoll_wait(sqe, epfd, out, 4, 0);
	sqe->user_data = 5;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);
	assert_int_equal(write(q[1], "x", 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 5);
	assert_int_equal(cqe.res, 1);	/* events written */
	assert_int_equal(out[0].events, EPOLLIN);
	assert_int_equal(out[0].data.u64, 2);

	/* both ready, but room for one only */
	assert_int_equal(write(p[1], "y", 1), 1);
	io_uring_prep_epoll_wait(t_get_sqe(&ring), epfd, out, 1, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 1);
	io_uring_prep_epoll_wait(t_get_sqe(&ring), epfd, out, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 2);
	assert_true((out[0].data.u64 | out[1].data.u64) == 3);

	/* flags are reserved; the fd must be an epoll one */
	io_uring_prep_epoll_wait(t_get_sqe(&ring), epfd, out, 4, 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_prep_epoll_wait(t_get_sqe(&ring), p[0], out, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(epfd);
	io_uring_queue_exit(&ring);
}

static void test_bad_input(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2];

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);

	io_uring_prep_poll_add(t_get_sqe(&ring), 1000000, POLLIN);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* unknown POLL_ADD flags in len */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	sqe->len = 1U << 7;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* unknown update flags */
	io_uring_prep_poll_update(t_get_sqe(&ring), 1, 2, POLLIN, 1U << 7);
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
		cmocka_unit_test(test_poll_add),
		cmocka_unit_test(test_poll_multishot),
		cmocka_unit_test(test_poll_remove),
		cmocka_unit_test(test_poll_update),
		cmocka_unit_test(test_epoll_ctl),
		cmocka_unit_test(test_epoll_wait),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
