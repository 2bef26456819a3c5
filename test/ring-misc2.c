/* SPDX-License-Identifier: MIT */
/*
 * The paths older kernels take, forced on this one by clearing bits of the
 * parameters or of ring.features: rings mapped without
 * IORING_FEAT_SINGLE_MMAP or without a CQ flags word, a disabled ring
 * mapped by io_uring_queue_mmap(), and the waits of kernels without
 * IORING_FEAT_EXT_ARG (their internal timeout SQE) on a ring that refuses
 * to enter, a batch the kernel cuts short, an expired internal timeout
 * left in the CQ, and SQPOLL.  Then the waits whose first enter comes
 * back with less than they want: a submit with nothing to wait for, a
 * bound running out after submitting, IOPOLL rings.  And
 * io_uring_ring_dontfork() on each kind of mapping, checked in a child.
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether all of [addr, addr + len) is mapped in this process. */
static bool is_mapped(void *addr, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	bool mapped;

	vec = malloc(len / (size_t) page + 2);
	if (!vec)
		abort();
	mapped = mincore(addr, len, vec) == 0;
	free(vec);
	return mapped;
}

/*
 * Fork; the child checks that none of @n ranges was inherited.  The
 * parent checks that they are still mapped here.
 */
static void check_not_inherited(void *addr[], size_t len[], unsigned n)
{
	unsigned i;
	pid_t pid;

	for (i = 0; i < n; i++)
		assert_true(is_mapped(addr[i], len[i]));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (is_mapped(addr[i], len[i]))
				_exit(10 + i);
		_exit(0);
	}
	t_wait_exit(pid, 0);
}

/* --- io_uring_queue_mmap with older kernels' parameters ------------ */

/*
 * Before 5.4 (IORING_FEAT_SINGLE_MMAP) the CQ ring is a mapping of its
 * own.  Each works, forks are kept out of both, and both go at exit.
 */
static void test_mmap_two_rings(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	void *addr[3];
	size_t len[3];
	int fd;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	assert_true(fd >= 0);
	assert_true(p.features & IORING_FEAT_SINGLE_MMAP);
	p.features &= ~IORING_FEAT_SINGLE_MMAP;
	assert_int_equal(io_uring_queue_mmap(fd, &p, &ring), 0);
	assert_non_null(ring.cq.ring_ptr);
	assert_ptr_not_equal(ring.cq.ring_ptr, ring.sq.ring_ptr);
	assert_int_equal(ring.sq.ring_entries, 4);
	assert_int_equal(ring.cq.ring_entries, 8);
	t_ring_still_works(&ring);

	assert_int_equal(io_uring_ring_dontfork(&ring), 0);
	addr[0] = ring.sq.sqes;
	len[0] = ring.sq.sqes_sz;
	addr[1] = ring.sq.ring_ptr;
	len[1] = ring.sq.ring_sz;
	addr[2] = ring.cq.ring_ptr;
	len[2] = ring.cq.ring_sz;
	check_not_inherited(addr, len, 3);
	t_ring_still_works(&ring);

	io_uring_queue_exit(&ring);
	assert_false(is_mapped(addr[0], len[0]));
	assert_false(is_mapped(addr[1], len[1]));
	assert_false(is_mapped(addr[2], len[2]));
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

/*
 * Before 5.8 the CQ ring has no flags word (cq_off.flags 0): the ring
 * works, and the eventfd cannot be turned off.
 */
static void test_mmap_no_cq_flags(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fd, efd;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	assert_true(fd >= 0);
	assert_true(p.cq_off.flags != 0);
	p.cq_off.flags = 0;
	assert_int_equal(io_uring_queue_mmap(fd, &p, &ring), 0);
	assert_null(ring.cq.kflags);

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);
	assert_true(io_uring_cq_eventfd_enabled(&ring));
	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, true), 0);
	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false),
			 -EOPNOTSUPP);
	/* still enabled: the completion is signalled */
	t_ring_still_works(&ring);
	assert_int_equal(t_eventfd_take(efd), 1);
	close(efd);
	io_uring_queue_exit(&ring);
}

/* A ring created disabled answers the probing enter with -EBADFD. */
static void test_mmap_disabled_ring(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	fd = io_uring_setup(4, &p);
	if (fd == -EINVAL)
		T_SKIP("kernel lacks IORING_SETUP_R_DISABLED");
	assert_true(fd >= 0);
	assert_int_equal(io_uring_queue_mmap(fd, &p, &ring), 0);
	assert_int_equal(ring.ring_fd, fd);
	assert_true(ring.flags & IORING_SETUP_R_DISABLED);
	t_queue_nop(&ring, 1);
	assert_int_equal(io_uring_submit(&ring), -EBADFD);
	assert_int_equal(io_uring_enable_rings(&ring), 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 1);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/* NO_MMAP rings: one block of memory, kept out of forks as one. */
static void test_dontfork_no_mmap(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	void *addr;
	size_t len;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	t_ring_params(&ring, 4, &p);
	assert_int_equal(io_uring_ring_dontfork(&ring), 0);
	addr = ring.sq.sqes;
	len = ring.sq.ring_sz;
	check_not_inherited(&addr, &len, 1);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- waits without IORING_FEAT_EXT_ARG ------------------------------ */

/*
 * The internal timeout SQE of a kernel without EXT_ARG, on a ring that
 * refuses to enter (not enabled yet): with room for it, and with a full SQ
 * that must be submitted first, every timed wait reports the refusal.
 */
static void test_fallback_ring_disabled(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(20);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring ring;
	unsigned i;

	t_ring(&ring, 2, IORING_SETUP_R_DISABLED);
	ring.features &= ~IORING_FEAT_EXT_ARG;

	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts),
			 -EBADFD);
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), -EBADFD);
	/* the SQ holds the two refused timeouts now: full */
	assert_int_equal(io_uring_sq_space_left(&ring), 0);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts),
			 -EBADFD);
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), -EBADFD);
	assert_int_equal(io_uring_wait_cqes(&ring, &cqe, 1, &ts, NULL),
			 -EBADFD);
	/* waiting with registered arguments needs EXT_ARG */
	assert_int_equal(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0),
			 -EINVAL);

	/* enabled, the two library timeouts go in and expire */
	assert_int_equal(io_uring_enable_rings(&ring), 0);
	assert_int_equal(io_uring_submit(&ring), 2);
	usleep(50 * 1000);
	assert_int_equal(io_uring_cq_ready(&ring), 2);
	for (i = 0; i < 2; i++) {
		cqe = &ring.cq.cqes[(*ring.cq.khead + i) & ring.cq.ring_mask];
		assert_true(cqe->user_data == LIBURING_UDATA_TIMEOUT);
		assert_int_equal(cqe->res, -ETIME);
	}
	io_uring_cq_advance(&ring, 2);
	ring.features |= IORING_FEAT_EXT_ARG;
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/*
 * An SQE the kernel fails at submission ends the batch; the wait enters
 * again for the internal timeout queued behind it, and the count reported
 * is the caller's SQE alone.
 */
static void test_fallback_submission_stops(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(5000);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint64_t start;

	t_ring(&ring, 4, 0);
	ring.features &= ~IORING_FEAT_EXT_ARG;
	sqe = t_queue_nop(&ring, 7);
	sqe->opcode = 0xff;
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), 1);
	assert_true(t_ms_since(start) < 1000);
	assert_non_null(cqe);
	assert_int_equal(cqe->user_data, 7);
	assert_int_equal(cqe->res, -EINVAL);
	io_uring_cqe_seen(&ring, cqe);
	/* the library's timeout went in too */
	assert_int_equal(io_uring_sq_ready(&ring), 0);
	sqe = &ring.sq.sqes[(ring.sq.sqe_tail - 1) & ring.sq.ring_mask];
	assert_int_equal(sqe->opcode, IORING_OP_TIMEOUT);
	assert_true(sqe->user_data == LIBURING_UDATA_TIMEOUT);
	io_uring_queue_exit(&ring);
}

/*
 * An internal timeout (left by an earlier wait) that expired while nobody
 * waited: the next look that reaches it reports its -ETIME once and
 * consumes it.  Ahead of a real completion it ends a batch wait early, and
 * what is ready comes back.
 */
static void test_fallback_stale_timeout(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(1), wait;
	struct io_uring_cqe *cqe = NULL, out[4];
	struct io_uring_sqe *sqe;
	struct io_uring ring;

	t_ring(&ring, 4, 0);
	ring.features &= ~IORING_FEAT_EXT_ARG;
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = LIBURING_UDATA_TIMEOUT;
	assert_int_equal(io_uring_submit(&ring), 1);
	usleep(50 * 1000);
	assert_int_equal(io_uring_cq_ready(&ring), 1);

	assert_int_equal(io_uring_wait_cqe_nr(&ring, &cqe, 0), -ETIME);
	assert_null(cqe);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	assert_int_equal(io_uring_wait_cqe_nr(&ring, &cqe, 0), -EAGAIN);

	/* one ahead of a real completion */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = LIBURING_UDATA_TIMEOUT;
	assert_int_equal(io_uring_submit(&ring), 1);
	usleep(50 * 1000);
	t_queue_nop(&ring, 31);
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(io_uring_cq_ready(&ring), 2);
	wait = t_ts_ms(5000);
	assert_int_equal(io_uring_copy_cqes(&ring, out, 4, 3, &wait), 1);
	assert_int_equal(out[0].user_data, 31);
	assert_int_equal(out[0].res, 0);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

/*
 * With SQPOLL the kernel thread submits: a timed wait that finds a CQE
 * ready needs no enter, and reports none of the caller's SQEs submitted
 * (it queued none; the internal timeout does not count).
 */
static void test_fallback_sqpoll_ready(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(1000);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_params p;
	struct io_uring ring;
	uint64_t start;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 2000;
	t_ring_params(&ring, 4, &p);
	ring.features &= ~IORING_FEAT_EXT_ARG;
	t_queue_nop(&ring, 21);
	assert_int_equal(io_uring_submit(&ring), 1);
	start = t_now_ns();
	while (!io_uring_cq_ready(&ring)) {
		if (t_ms_since(start) > T_WAIT_SECS * 1000)
			fail_msg("the SQPOLL thread ran no NOP");
		usleep(1000);
	}

	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), 0);
	assert_non_null(cqe);
	assert_int_equal(cqe->user_data, 21);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

/* --- waits whose enter returns with nothing ------------------------- */

/*
 * A timed submit with nothing to wait for returns once the kernel took
 * the SQE, even though it has not completed; a wait without a bound
 * takes the plain path.
 */
static void test_submit_without_wait(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(5000);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint64_t start;
	int fds[2];

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(fds), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, fds[0], POLLIN);
	sqe->user_data = 3;
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 0, &ts,
							  NULL), 1);
	assert_true(t_ms_since(start) < 1000);
	assert_null(cqe);
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	/* the same through the internal entry point */
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, fds[0], POLLIN);
	sqe->user_data = 4;
	io_uring_flush_sq(&ring);
	assert_int_equal(__io_uring_get_cqe(&ring, &cqe, 1, 0, NULL), 1);
	assert_null(cqe);

	/* no timeout at all: waits for the poll the write completes */
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 2,
							  NULL, NULL), 0);
	assert_non_null(cqe);
	assert_true(cqe->user_data == 3 || cqe->user_data == 4);
	assert_true(cqe->res & POLLIN);
	t_reap(&ring, NULL, 2);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

/*
 * A timed submit-and-wait whose bound runs out after the kernel took the
 * SQE: the count submitted comes back, and no CQE.
 */
static void test_timed_submit_expires(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(20);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint64_t start;
	int fds[2];

	t_require_feature(IORING_FEAT_EXT_ARG, "IORING_FEAT_EXT_ARG");
	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(fds), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, fds[0], POLLIN);
	sqe->user_data = 9;
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), 1);
	assert_true(t_ms_since(start) >= 20);
	assert_null(cqe);
	assert_int_equal(io_uring_sq_ready(&ring), 0);
	/* the poll is armed */
	assert_int_equal(write(fds[1], "x", 1), 1);
	t_reap(&ring, NULL, 1);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

/* Posts a MSG_RING completion into ring fd @target after 20 ms. */
static void msg_later(int target)
{
	struct io_uring_cqe *cqe;
	struct io_uring ring;

	usleep(20 * 1000);
	if (io_uring_queue_init(2, &ring, 0))
		_exit(2);
	io_uring_prep_msg_ring(io_uring_get_sqe(&ring), target, 42, 0x77, 0);
	if (io_uring_submit_and_wait(&ring, 1) != 1 ||
	    io_uring_wait_cqe(&ring, &cqe))
		_exit(3);
	_exit(cqe->res == 0 ? 0 : 4);
}

/*
 * IOPOLL rings cannot sleep: an enter with nothing on the poll list comes
 * back at once.  A bounded wait then times out at once, a peek gives up
 * after one enter, and a wait without bound polls on until a completion
 * arrives (here, a message from another process).
 */
static void test_iopoll_waits(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(5000);
	struct io_uring_cqe *cqe = NULL;
	struct io_uring ring;
	uint64_t start;
	pid_t pid;

	t_ring(&ring, 4, IORING_SETUP_IOPOLL);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	/* the completion comes by IORING_OP_MSG_RING: none without it */
	if (!t_has_op(IORING_OP_MSG_RING)) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks %s: nothing would end the unbounded wait",
		       t_op_desc(IORING_OP_MSG_RING));
	}

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		msg_later(ring.ring_fd);
	assert_int_equal(io_uring_wait_cqe(&ring, &cqe), 0);
	t_wait_exit(pid, 0);
	assert_int_equal(cqe->user_data, 0x77);
	assert_int_equal(cqe->res, 42);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_two_rings),
		cmocka_unit_test(test_mmap_no_cq_flags),
		cmocka_unit_test(test_mmap_disabled_ring),
		cmocka_unit_test(test_dontfork_no_mmap),
		cmocka_unit_test(test_fallback_ring_disabled),
		cmocka_unit_test(test_fallback_submission_stops),
		cmocka_unit_test(test_fallback_stale_timeout),
		cmocka_unit_test(test_fallback_sqpoll_ready),
		cmocka_unit_test(test_submit_without_wait),
		cmocka_unit_test(test_timed_submit_expires),
		cmocka_unit_test(test_iopoll_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
