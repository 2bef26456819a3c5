/* SPDX-License-Identifier: MIT */
/*
 * Setup modes, each running real I/O: IOPOLL, SQPOLL (with and without an
 * idle thread), SQ_AFF, CQSIZE, CLAMP, ATTACH_WQ, R_DISABLED, SUBMIT_ALL,
 * COOP_TASKRUN, TASKRUN_FLAG, SINGLE_ISSUER and DEFER_TASKRUN; and the
 * parameter combinations the kernel refuses, which must leave the ring
 * struct safe to throw away.
 */
#include "helpers.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void nop_roundtrip(struct io_uring *ring, __u64 user_data)
{
	struct io_uring_cqe cqe;

	t_queue_nop(ring, user_data);
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, user_data);
	assert_int_equal(cqe.res, 0);
}

/* --- IOPOLL ---------------------------------------------------------- */

/*
 * On IOPOLL rings an enter may come back with nothing reaped when no
 * request sits on the poll list yet (say it went to a worker first), so a
 * single timed wait can end early; poll again until the deadline.
 */
static struct io_uring_cqe iopoll_submit_one(struct io_uring *ring)
{
	uint64_t end = t_now_ns() + T_WAIT_SECS * 1000000000ull;
	struct io_uring_cqe *cqe, copy;
	int ret;

	assert_int_equal(io_uring_submit(ring), 1);
	for (;;) {
		struct __kernel_timespec ts = { .tv_nsec = 10000000 };

		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (!ret)
			break;
		assert_int_equal(ret, -ETIME);
		if (t_now_ns() > end)
			fail_msg("no polled completion in %d s", T_WAIT_SECS);
	}
	copy = *cqe;
	io_uring_cqe_seen(ring, cqe);
	return copy;
}

static void test_iopoll(void **state)
{
	struct io_uring_cqe cqes[2];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	void *wbuf = NULL, *rbuf = NULL;
	unsigned i;
	char path[512];
	int fd, dfd;

	t_ring(&ring, 8, IORING_SETUP_IOPOLL);
	assert_true(ring.flags & IORING_SETUP_IOPOLL);

	fd = t_tmpfile(path, sizeof(path), NULL, 0);
	close(fd);
	dfd = open(path, O_RDWR | O_DIRECT);
	if (dfd < 0) {
		io_uring_queue_exit(&ring);
		T_SKIP("O_DIRECT open in %s: %s", t_tmpdir(),
		       strerror(errno));
	}
	assert_int_equal(posix_memalign(&wbuf, 4096, 8192), 0);
	assert_int_equal(posix_memalign(&rbuf, 4096, 8192), 0);
	t_fill(wbuf, 8192, 11);
	memset(rbuf, 0, 8192);

	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, dfd, wbuf, 8192, 0);
	sqe->user_data = 1;
	cqes[0] = iopoll_submit_one(&ring);
	t_queue_read(&ring, dfd, rbuf, 8192, 2);
	cqes[1] = iopoll_submit_one(&ring);

	for (i = 0; i < 2; i++) {
		if (cqes[i].res != -EOPNOTSUPP && cqes[i].res != -EINVAL)
			continue;
		free(wbuf);
		free(rbuf);
		close(dfd);
		io_uring_queue_exit(&ring);
		T_SKIP("polled O_DIRECT I/O not supported under %s: %s",
		       t_tmpdir(), strerror(-cqes[i].res));
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(cqes[i].user_data, i + 1);
		assert_int_equal(cqes[i].res, 8192);
	}
	assert_memory_equal(rbuf, wbuf, 8192);

	free(wbuf);
	free(rbuf);
	close(dfd);
	io_uring_queue_exit(&ring);
}

/* What an IOPOLL ring does without a pollable device. */
static void test_iopoll_rules(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	char buf[64];
	int fd;

	t_ring(&ring, 4, IORING_SETUP_IOPOLL);
	/*
	 * A NOP completes like anywhere else.  Before 5.19 (which brought
	 * IORING_OP_SOCKET) IOPOLL rings refused NOPs with -EINVAL.
	 */
	t_queue_nop(&ring, 3);
	cqe = iopoll_submit_one(&ring);
	assert_int_equal(cqe.user_data, 3);
	assert_int_equal(cqe.res, t_has_op(IORING_OP_SOCKET) ? 0 : -EINVAL);

	/* buffered file I/O cannot be polled */
	fd = t_tmpfile(NULL, 0, NULL, sizeof(buf));
	t_queue_read(&ring, fd, buf, sizeof(buf), 4);
	cqe = iopoll_submit_one(&ring);
	assert_int_equal(cqe.user_data, 4);
	assert_int_equal(cqe.res, -EOPNOTSUPP);
	close(fd);
	io_uring_queue_exit(&ring);
}

/* --- SQPOLL ---------------------------------------------------------- */

static void sqpoll_ring(struct io_uring *ring, unsigned idle_ms,
			unsigned extra_flags, unsigned cpu)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | extra_flags;
	p.sq_thread_idle = idle_ms;
	p.sq_thread_cpu = cpu;
	t_ring_params(ring, 8, &p);
	assert_true(ring->flags & IORING_SETUP_SQPOLL);
}

/* Spin (no system calls) until a CQE shows up or @ms pass. */
static bool spin_for_cqe(struct io_uring *ring, unsigned ms)
{
	uint64_t end = t_now_ns() + (uint64_t) ms * 1000000;

	while (!io_uring_cq_ready(ring)) {
		if (t_now_ns() > end)
			return false;
	}
	return true;
}

/*
 * The poller posts the CQEs of a batch before it moves the SQ head past the
 * batch, so just after a reap its entries may still count as not consumed,
 * and the next io_uring_submit() would count them again: wait for the head.
 */
static void sqpoll_wait_head(struct io_uring *ring)
{
	uint64_t end = t_now_ns() + (uint64_t) T_WAIT_SECS * 1000000000;

	while (io_uring_sq_ready(ring))
		assert_true(t_now_ns() < end);
}

static void test_sqpoll_awake_needs_no_enter(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int saved, devnull;

	sqpoll_ring(&ring, 2000, 0, 0);
	/*
	 * A new poller with nothing to do may go to sleep at once; after
	 * it has run a request it spins for sq_thread_idle.
	 */
	nop_roundtrip(&ring, 41);
	sqpoll_wait_head(&ring);
	assert_false(IO_URING_READ_ONCE(*ring.sq.kflags) &
		     IORING_SQ_NEED_WAKEUP);

	/*
	 * Point the library at a file that is no io_uring: any enter would
	 * now fail, so a successful submit proves none happened.
	 */
	devnull = open("/dev/null", O_RDONLY);
	assert_true(devnull >= 0);
	saved = ring.enter_ring_fd;
	ring.enter_ring_fd = devnull;

	t_queue_nop(&ring, 42);
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_true(spin_for_cqe(&ring, T_WAIT_SECS * 1000));
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 42);
	assert_int_equal(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);

	ring.enter_ring_fd = saved;
	close(devnull);
	io_uring_queue_exit(&ring);
}

static void test_sqpoll_wakeup_after_idle(void **state)
{
	struct io_uring ring;
	int fd;

	sqpoll_ring(&ring, 10, 0, 0);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 4096, 0, 1);

	/* after sq_thread_idle the poller sleeps and asks to be woken */
	t_wait_sq_flag(&ring, IORING_SQ_NEED_WAKEUP);
	nop_roundtrip(&ring, 7);

	t_wait_sq_flag(&ring, IORING_SQ_NEED_WAKEUP);
	t_file_roundtrip(&ring, fd, 10000, 4096, 2);
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_sqpoll_idle_time_respected(void **state)
{
	struct io_uring ring;

	/* a long idle time keeps the thread awake across a short pause */
	sqpoll_ring(&ring, 3000, 0, 0);
	nop_roundtrip(&ring, 1);
	usleep(50 * 1000);
	assert_false(IO_URING_READ_ONCE(*ring.sq.kflags) &
		     IORING_SQ_NEED_WAKEUP);
	nop_roundtrip(&ring, 2);
	io_uring_queue_exit(&ring);
}

static void test_sqpoll_sq_aff(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fd;

	sqpoll_ring(&ring, 100, IORING_SETUP_SQ_AFF, 0);
	assert_true(ring.flags & IORING_SETUP_SQ_AFF);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 6000, 0, 3);
	close(fd);
	io_uring_queue_exit(&ring);

	/* a CPU that does not exist */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = 1U << 20;
	assert_int_equal(io_uring_queue_init_params(4, &ring, &p), -EINVAL);
	assert_int_equal(ring.ring_fd, -1);
}

/* --- sizes ----------------------------------------------------------- */

static void test_cqsize(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe cqes[64];
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	t_ring_params(&ring, 4, &p);
	assert_int_equal(p.sq_entries, 4);
	assert_int_equal(p.cq_entries, 64);
	assert_int_equal(ring.sq.ring_entries, 4);
	assert_int_equal(ring.cq.ring_entries, 64);
	assert_int_equal(ring.cq.ring_mask, 63);

	/* 64 completions fit without reaping, 4 SQEs at a time */
	for (i = 0; i < 64; i++) {
		t_queue_nop(&ring, i);
		if (i % 4 == 3)
			assert_int_equal(io_uring_submit(&ring), 4);
	}
	assert_int_equal(io_uring_cq_ready(&ring), 64);
	assert_false(io_uring_cq_has_overflow(&ring));
	t_reap(&ring, cqes, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(cqes[i].user_data, i);
	io_uring_queue_exit(&ring);

	/* not a power of two: rounded up */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 100;
	t_ring_params(&ring, 8, &p);
	assert_int_equal(ring.cq.ring_entries, 128);
	nop_roundtrip(&ring, 5);
	io_uring_queue_exit(&ring);
}

static void test_clamp(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;

	memset(&p, 0, sizeof(p));
	assert_int_equal(io_uring_queue_init_params(100000, &ring, &p),
			 -EINVAL);
	assert_int_equal(ring.ring_fd, -1);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE;
	p.cq_entries = 1U << 20;
	assert_int_equal(io_uring_queue_init_params(100000, &ring, &p), 0);
	assert_int_equal(ring.sq.ring_entries, 32768);
	assert_int_equal(ring.cq.ring_entries, 65536);
	assert_int_equal(p.sq_entries, 32768);
	assert_int_equal(p.cq_entries, 65536);
	nop_roundtrip(&ring, 9);
	io_uring_queue_exit(&ring);

	/* CQSIZE beyond the maximum without CLAMP */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 1U << 20;
	assert_int_equal(io_uring_queue_init_params(8, &ring, &p), -EINVAL);
	assert_int_equal(ring.ring_fd, -1);
}

/* --- ATTACH_WQ ------------------------------------------------------- */

static void test_attach_wq(void **state)
{
	struct io_uring_params p;
	struct io_uring a, b;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char wbuf[3000], rbuf[3000];
	int fd;

	t_ring(&a, 4, 0);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = (__u32) a.ring_fd;
	t_ring_params(&b, 4, &p);

	/* force both through the shared io-wq */
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_fill(wbuf, sizeof(wbuf), 4);
	sqe = t_get_sqe(&b);
	io_uring_prep_write(sqe, fd, wbuf, sizeof(wbuf), 0);
	sqe->flags |= IOSQE_ASYNC;
	sqe->user_data = 1;
	cqe = t_submit_one(&b);
	assert_int_equal(cqe.res, sizeof(wbuf));

	memset(rbuf, 0, sizeof(rbuf));
	sqe = t_get_sqe(&a);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 0);
	sqe->flags |= IOSQE_ASYNC;
	sqe->user_data = 2;
	cqe = t_submit_one(&a);
	assert_int_equal(cqe.user_data, 2);
	assert_int_equal(cqe.res, sizeof(rbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));

	/* b keeps working once a is gone */
	io_uring_queue_exit(&a);
	t_file_roundtrip(&b, fd, 512, 8192, 5);
	io_uring_queue_exit(&b);
	close(fd);
}

static void test_attach_wq_bad_fd(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fds_before = t_count_fds();
	int fd;

	/* an fd number that is not open */
	fd = dup(0);
	assert_true(fd >= 0);
	close(fd);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = (__u32) fd;
	memset(&ring, 0x5a, sizeof(ring));
	/* the kernel answers ENXIO for this, not EBADF */
	assert_int_equal(io_uring_queue_init_params(4, &ring, &p), -ENXIO);
	assert_int_equal(ring.ring_fd, -1);
	p.flags |= IORING_SETUP_SQPOLL;
	assert_int_equal(io_uring_queue_init_params(4, &ring, &p), -ENXIO);
	assert_int_equal(ring.ring_fd, -1);

	/* an open file that is no io_uring */
	fd = t_tmpfile(NULL, 0, NULL, 0);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = (__u32) fd;
	assert_int_equal(io_uring_queue_init_params(4, &ring, &p), -EINVAL);
	assert_int_equal(ring.ring_fd, -1);
	close(fd);
	assert_int_equal(t_count_fds(), fds_before);
}

/* --- R_DISABLED ------------------------------------------------------ */

static void test_r_disabled(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd;

	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);

	/* nothing queued: no enter, so no error either */
	assert_int_equal(io_uring_submit(&ring), 0);

	t_queue_nop(&ring, 11);
	assert_int_equal(io_uring_submit(&ring), -EBADFD);
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	assert_int_equal(io_uring_enable_rings(&ring), 0);
	/* the refused SQE is still queued and goes in now */
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 11);
	assert_int_equal(cqe.res, 0);

	/* enabling twice */
	assert_int_equal(io_uring_enable_rings(&ring), -EBADFD);

	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 2048, 0, 6);
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_r_disabled_sqpoll(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_R_DISABLED;
	p.sq_thread_idle = 100;
	t_ring_params(&ring, 4, &p);
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit_and_wait(&ring, 1), -EBADFD);
	assert_int_equal(io_uring_enable_rings(&ring), 0);
	/* the poller starts now and picks up what was queued */
	t_reap(&ring, NULL, 1);
	nop_roundtrip(&ring, 4);
	io_uring_queue_exit(&ring);
}

/* --- SUBMIT_ALL ------------------------------------------------------ */

static void queue_batch_with_bad_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;

	t_queue_nop(ring, 1);
	sqe = t_get_sqe(ring);
	sqe->opcode = 0xfe;		/* no such opcode */
	sqe->user_data = 2;
	t_queue_nop(ring, 3);
}

/* The kernel may post the error CQE before or after its neighbours. */
static const struct io_uring_cqe *by_user_data(const struct io_uring_cqe *cqes,
					       unsigned n, __u64 user_data)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (cqes[i].user_data == user_data)
			return &cqes[i];
	fail_msg("no completion with user_data %llu",
		 (unsigned long long) user_data);
	return NULL;
}

static void test_submit_all(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqes[3];

	/* without SUBMIT_ALL the kernel stops at the bad SQE */
	t_ring(&ring, 4, 0);
	queue_batch_with_bad_sqe(&ring);
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(by_user_data(cqes, 2, 1)->res, 0);
	assert_int_equal(by_user_data(cqes, 2, 2)->res, -EINVAL);
	assert_int_equal(io_uring_sq_ready(&ring), 1);
	t_expect_no_cqe(&ring, 10);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 3);
	io_uring_queue_exit(&ring);

	/* with it, the rest of the batch goes in */
	t_ring(&ring, 4, IORING_SETUP_SUBMIT_ALL);
	queue_batch_with_bad_sqe(&ring);
	assert_int_equal(io_uring_submit(&ring), 3);
	assert_int_equal(io_uring_sq_ready(&ring), 0);
	t_reap(&ring, cqes, 3);
	assert_int_equal(by_user_data(cqes, 3, 1)->res, 0);
	assert_int_equal(by_user_data(cqes, 3, 2)->res, -EINVAL);
	assert_int_equal(by_user_data(cqes, 3, 3)->res, 0);
	io_uring_queue_exit(&ring);
}

/* --- task-work modes ------------------------------------------------- */

/*
 * The task-work tests leave pipe reads pending.  Should an assertion fail,
 * cmocka longjmps out of the test with such a read still in flight (on 6.1
 * possibly blocked in an io-wq worker), so the ring, the pipe and the
 * buffers live here rather than on the stack, and the teardown closes
 * whatever the test left open: nothing can complete later into memory that
 * is gone, and the next test starts clean.
 */
static struct {
	struct io_uring ring;
	bool ring_live;
	int fds[2];
	char wbuf[100], rbuf[100];
} tw = { .fds = { -1, -1 } };

static void tw_start(unsigned ring_flags)
{
	t_ring(&tw.ring, 4, ring_flags);
	tw.ring_live = true;
	assert_int_equal(pipe(tw.fds), 0);
	memset(tw.rbuf, 0, sizeof(tw.rbuf));
}

static int tw_teardown(void **state)
{
	if (tw.ring_live)
		io_uring_queue_exit(&tw.ring);
	tw.ring_live = false;
	if (tw.fds[0] >= 0)
		close(tw.fds[0]);
	if (tw.fds[1] >= 0)
		close(tw.fds[1]);
	tw.fds[0] = tw.fds[1] = -1;
	return 0;
}

static void test_coop_taskrun(void **state)
{
	struct io_uring *ring = &tw.ring;
	struct io_uring_cqe cqe;
	pid_t writer;

	tw_start(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG);
	t_fill(tw.wbuf, sizeof(tw.wbuf), 7);
	t_queue_read(ring, tw.fds[0], tw.rbuf, sizeof(tw.rbuf), 5);
	assert_int_equal(io_uring_submit(ring), 1);
	assert_int_equal(io_uring_cq_ready(ring), 0);

	/* another task completes the read: its task work comes to us */
	writer = t_write_later_proc(tw.fds[1], tw.wbuf, sizeof(tw.wbuf), 20);
	t_reap(ring, &cqe, 1);
	t_wait_exit(writer, 0);
	assert_int_equal(cqe.user_data, 5);
	assert_int_equal(cqe.res, sizeof(tw.wbuf));
	assert_memory_equal(tw.rbuf, tw.wbuf, sizeof(tw.wbuf));
	/* the work ran, so the flag is down again */
	assert_false(IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_TASKRUN);
	tw_teardown(state);
}

/* Queue a read of the pipe and write what it should get into the pipe. */
static void tw_read_after_write(__u64 user_data, unsigned seed)
{
	t_fill(tw.wbuf, sizeof(tw.wbuf), seed);
	memset(tw.rbuf, 0, sizeof(tw.rbuf));
	t_queue_read(&tw.ring, tw.fds[0], tw.rbuf, sizeof(tw.rbuf), user_data);
	assert_int_equal(io_uring_submit(&tw.ring), 1);
	assert_int_equal(write(tw.fds[1], tw.wbuf, sizeof(tw.wbuf)),
			 sizeof(tw.wbuf));
}

/*
 * With DEFER_TASKRUN the pipe read, armed for poll at submission, is woken
 * by the write, but its retry waits as deferred work until the task asks
 * for events.  Where pipes take nonblocking reads (6.4) that retry reads
 * and posts the CQE at once; 6.1 cannot retry without blocking, hands the
 * read to an io-wq worker, and the worker posts the CQE a little later.
 * Either way nothing is posted before the task asks, and the CQE follows.
 */
static void test_defer_taskrun(void **state)
{
	struct io_uring *ring = &tw.ring;
	struct io_uring_cqe cqe, cqes[2];

	tw_start(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		 IORING_SETUP_TASKRUN_FLAG);
	tw_read_after_write(21, 8);

	/* the completion waits in the kernel until we ask for events */
	usleep(20 * 1000);
	assert_int_equal(io_uring_cq_ready(ring), 0);
	assert_true(IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_TASKRUN);
	assert_int_equal(io_uring_get_events(ring), 0);
	/* that ran the deferred work: the CQE is there or on its way */
	assert_false(IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_TASKRUN);
	assert_true(io_uring_cq_ready(ring) <= 1);
	t_reap(ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 21);
	assert_int_equal(cqe.res, sizeof(tw.rbuf));
	assert_memory_equal(tw.rbuf, tw.wbuf, sizeof(tw.wbuf));

	/* a wait runs the deferred work too */
	tw_read_after_write(22, 9);
	usleep(10 * 1000);
	assert_int_equal(io_uring_cq_ready(ring), 0);
	t_reap(ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 22);
	assert_int_equal(cqe.res, sizeof(tw.rbuf));
	assert_memory_equal(tw.rbuf, tw.wbuf, sizeof(tw.wbuf));

	/* and so does submit_and_get_events, along with a new NOP */
	tw_read_after_write(23, 10);
	t_queue_nop(ring, 24);
	assert_int_equal(io_uring_submit_and_get_events(ring), 1);
	/* the NOP is there at once, the read at once or a little later */
	assert_true(io_uring_cq_ready(ring) >= 1);
	t_reap(ring, cqes, 2);
	assert_int_equal(cqes[0].user_data + cqes[1].user_data, 23 + 24);
	if (cqes[0].user_data == 23)
		assert_int_equal(cqes[0].res, sizeof(tw.rbuf));
	else
		assert_int_equal(cqes[1].res, sizeof(tw.rbuf));
	assert_memory_equal(tw.rbuf, tw.wbuf, sizeof(tw.wbuf));
	tw_teardown(state);
}

struct other_thread_submit {
	struct io_uring *ring;
	int ret;
};

static void *submit_from_thread(void *arg)
{
	struct other_thread_submit *o = arg;

	o->ret = io_uring_submit(o->ring);
	return NULL;
}

/* io_uring_submit(@ring) from another thread; returns what it returned. */
static int submit_elsewhere(struct io_uring *ring)
{
	struct other_thread_submit o = { .ring = ring, .ret = 1234 };
	pthread_t thr;

	assert_int_equal(pthread_create(&thr, NULL, submit_from_thread, &o),
			 0);
	pthread_join(thr, NULL);
	return o.ret;
}

static void test_single_issuer(void **state)
{
	struct io_uring ring;
	int fd;

	t_ring(&ring, 4, IORING_SETUP_SINGLE_ISSUER);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 1000, 0, 12);

	/* another task may not submit */
	t_queue_nop(&ring, 31);
	assert_int_equal(submit_elsewhere(&ring), -EEXIST);

	/* the creator still can, and the refused SQE is still there */
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 1);
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_single_issuer_enabled_elsewhere(void **state)
{
	struct io_uring ring;

	/* with R_DISABLED, the task that enables the ring owns it */
	t_ring(&ring, 4, IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_R_DISABLED);
	assert_int_equal(io_uring_enable_rings(&ring), 0);
	t_queue_nop(&ring, 1);
	assert_int_equal(submit_elsewhere(&ring), -EEXIST);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 1);
	io_uring_queue_exit(&ring);
}

/* --- refused parameters ---------------------------------------------- */

static void expect_refused(unsigned entries, struct io_uring_params *p,
			   int err)
{
	struct io_uring ring;
	int fds_before = t_count_fds();

	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_init_params(entries, &ring, p), err);
	assert_int_equal(ring.ring_fd, -1);
	assert_null(ring.sq.ring_ptr);
	assert_null(ring.cq.ring_ptr);
	assert_null(ring.sq.sqes);
	assert_int_equal(t_count_fds(), fds_before);
}

static void test_refused_setups(void **state)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	expect_refused(0, &p, -EINVAL);
	memset(&p, 0, sizeof(p));
	expect_refused(32769, &p, -EINVAL);

	memset(&p, 0, sizeof(p));
	p.flags = 1U << 31;
	expect_refused(4, &p, -EINVAL);

	/* CQ smaller than the SQ */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	expect_refused(16, &p, -EINVAL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 0;
	expect_refused(4, &p, -EINVAL);

	/* SQ_AFF only means something with SQPOLL */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_AFF;
	expect_refused(4, &p, -EINVAL);

	/* DEFER_TASKRUN needs SINGLE_ISSUER */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_DEFER_TASKRUN;
	expect_refused(4, &p, -EINVAL);

	/* TASKRUN_FLAG needs COOP_TASKRUN or DEFER_TASKRUN */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_TASKRUN_FLAG;
	expect_refused(4, &p, -EINVAL);

	/* task-work signalling flags mean nothing with a poller thread */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN;
	expect_refused(4, &p, -EINVAL);

	/* reserved fields must be zero */
	memset(&p, 0, sizeof(p));
	p.resv[1] = 1;
	expect_refused(4, &p, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iopoll),
		cmocka_unit_test(test_iopoll_rules),
		cmocka_unit_test(test_sqpoll_awake_needs_no_enter),
		cmocka_unit_test(test_sqpoll_wakeup_after_idle),
		cmocka_unit_test(test_sqpoll_idle_time_respected),
		cmocka_unit_test(test_sqpoll_sq_aff),
		cmocka_unit_test(test_cqsize),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_attach_wq),
		cmocka_unit_test(test_attach_wq_bad_fd),
		cmocka_unit_test(test_r_disabled),
		cmocka_unit_test(test_r_disabled_sqpoll),
		cmocka_unit_test(test_submit_all),
		cmocka_unit_test_teardown(test_coop_taskrun, tw_teardown),
		cmocka_unit_test_teardown(test_defer_taskrun, tw_teardown),
		cmocka_unit_test(test_single_issuer),
		cmocka_unit_test(test_single_issuer_enabled_elsewhere),
		cmocka_unit_test(test_refused_setups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
