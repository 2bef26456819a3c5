/* SPDX-License-Identifier: MIT */
/*
 * Waiting and reaping: timeouts with IORING_FEAT_EXT_ARG and through the
 * library's internal TIMEOUT SQE, min-timeout waits, CQ overflow, signals,
 * waits larger than the CQ, registered wait arguments, and the batch and
 * iterator helpers.  Also teardown with requests in flight, fork, threads,
 * eventfd toggling and iowait control.
 */
#include "helpers.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

/* --- timeouts -------------------------------------------------------- */

static void test_timeout_nothing_in_flight(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10);
	struct io_uring ring;
	struct io_uring_cqe *cqe = (void *) 1;
	uint64_t start;

	t_require_feature(IORING_FEAT_EXT_ARG, "IORING_FEAT_EXT_ARG");
	t_ring(&ring, 4, 0);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	assert_true(t_ms_since(start) >= 10);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	/* with EXT_ARG no SQE is spent on the timeout */
	assert_int_equal(ring.sq.sqe_tail, 0);
	io_uring_queue_exit(&ring);
}

static void test_timeout_completion_arrives(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(3000);
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	char wbuf[32], rbuf[32];
	uint64_t start;
	pid_t writer;
	int fds[2];

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(fds), 0);
	t_fill(wbuf, sizeof(wbuf), 1);
	t_queue_read(&ring, fds[0], rbuf, sizeof(rbuf), 9);
	assert_int_equal(io_uring_submit(&ring), 1);

	writer = t_write_later_proc(fds[1], wbuf, sizeof(wbuf), 30);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	assert_true(t_ms_since(start) < 2000);
	t_wait_exit(writer, 0);
	assert_int_equal(cqe->user_data, 9);
	assert_int_equal(cqe->res, sizeof(rbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));
	io_uring_cqe_seen(&ring, cqe);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

/*
 * A TIMEOUT request that fires during a bounded wait on a DEFER_TASKRUN
 * ring (6.1): the kernel can wake the waiter before that request's CQE is
 * posted (may_wake_early in src/queue.c).  Every wait must still return
 * the CQE; before the library took one more look, about 1 in 100 of these
 * waits reported -ETIME on 6.18, as liburing 2.15's do.
 */
static void test_timeout_request_wakes_bounded_wait(void **state)
{
	struct __kernel_timespec tmo = { .tv_nsec = 200 * 1000 };
	struct __kernel_timespec ts = t_ts_ms(1000);
	unsigned i;

	for (i = 0; i < 1000; i++) {
		struct io_uring_cqe *cqe;
		struct io_uring ring;

		t_ring(&ring, 8, IORING_SETUP_SINGLE_ISSUER |
				 IORING_SETUP_DEFER_TASKRUN);
		io_uring_prep_timeout(t_get_sqe(&ring), &tmo, 0, 0);
		assert_int_equal(io_uring_submit(&ring), 1);
		assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
		assert_int_equal(cqe->res, -ETIME);
		io_uring_cqe_seen(&ring, cqe);
		io_uring_queue_exit(&ring);
	}
}

/* The SQE the library queued for a timeout on a ring without EXT_ARG. */
static struct io_uring_sqe *last_sqe(struct io_uring *ring)
{
	unsigned idx = (ring->sq.sqe_tail - 1) & ring->sq.ring_mask;

	return &ring->sq.sqes[idx << io_uring_sqe_shift(ring)];
}

static void test_timeout_fallback(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10);
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_cqe copy[4];
	uint64_t start;

	t_ring(&ring, 4, 0);
	/* pretend to be a kernel before 5.11 */
	ring.features &= ~IORING_FEAT_EXT_ARG;

	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	assert_true(t_ms_since(start) >= 10);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(ring.sq.sqe_tail, 1);
	assert_int_equal(last_sqe(&ring)->opcode, IORING_OP_TIMEOUT);
	assert_true(last_sqe(&ring)->user_data == LIBURING_UDATA_TIMEOUT);
	/* the kernel took it, and its CQE was eaten */
	assert_int_equal(io_uring_sq_ready(&ring), 0);
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	/* a real completion comes back, never the internal one */
	t_queue_nop(&ring, 77);
	ts = t_ts_ms(20);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	assert_int_equal(cqe->user_data, 77);
	assert_int_equal(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);

	/*
	 * The timeout queued for that wait still fires later; whatever
	 * reaps next must swallow it.
	 */
	usleep(60 * 1000);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	/* same through the batch copier */
	ts = t_ts_ms(10);
	t_queue_nop(&ring, 78);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	usleep(40 * 1000);
	assert_int_equal(io_uring_copy_cqes(&ring, copy, 4, 0, NULL), 1);
	assert_int_equal(copy[0].user_data, 78);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

static void test_timeout_fallback_sq_full(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(500);
	struct io_uring ring;
	struct io_uring_cqe *cqe;

	t_ring(&ring, 2, 0);
	ring.features &= ~IORING_FEAT_EXT_ARG;
	t_queue_nop(&ring, 1);
	t_queue_nop(&ring, 2);
	assert_null(io_uring_get_sqe(&ring));
	/* no room for the timeout: the queued SQEs go in first */
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	assert_int_equal(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	assert_int_equal(cqe->user_data, 2);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

static void test_submit_and_wait_timeout(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(1000);
	struct io_uring ring;
	struct io_uring_cqe *cqe = NULL;
	uint64_t start;

	t_require_feature(IORING_FEAT_EXT_ARG, "IORING_FEAT_EXT_ARG");
	t_ring(&ring, 8, 0);
	t_queue_nop(&ring, 1);
	t_queue_nop(&ring, 2);
	t_queue_nop(&ring, 3);
	/* returns what it submitted */
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 3, &ts,
							  NULL), 3);
	assert_non_null(cqe);
	assert_int_equal(cqe->user_data, 1);
	assert_int_equal(io_uring_cq_ready(&ring), 3);
	io_uring_cq_advance(&ring, 3);

	/* nothing to submit and nothing coming: times out */
	ts = t_ts_ms(15);
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), -ETIME);
	assert_true(t_ms_since(start) >= 15);
	io_uring_queue_exit(&ring);
}

static void test_submit_and_wait_timeout_fallback(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(1000);
	struct io_uring ring;
	struct io_uring_cqe *cqe = NULL;
	uint64_t start;

	t_ring(&ring, 8, 0);
	ring.features &= ~IORING_FEAT_EXT_ARG;
	t_queue_nop(&ring, 1);
	t_queue_nop(&ring, 2);
	t_queue_nop(&ring, 3);
	/* the caller's three, not the library's timeout SQE */
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 3, &ts,
							  NULL), 3);
	assert_non_null(cqe);
	assert_int_equal(cqe->user_data, 1);
	t_reap(&ring, NULL, 3);

	/* nothing to submit and nothing coming: times out */
	ts = t_ts_ms(15);
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts,
							  NULL), -ETIME);
	assert_true(t_ms_since(start) >= 15);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

static void test_wait_cqes(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(1000);
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned i;

	t_ring(&ring, 8, 0);
	for (i = 0; i < 5; i++)
		t_queue_nop(&ring, 10 + i);
	assert_int_equal(io_uring_submit(&ring), 5);
	assert_int_equal(io_uring_wait_cqes(&ring, &cqe, 5, &ts, NULL), 0);
	assert_int_equal(cqe->user_data, 10);
	assert_true(io_uring_cq_ready(&ring) >= 5);
	io_uring_cq_advance(&ring, 5);

	/* without a timeout: an unbounded wait for what is in flight */
	t_queue_nop(&ring, 20);
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(io_uring_wait_cqes(&ring, &cqe, 1, NULL, NULL), 0);
	assert_int_equal(cqe->user_data, 20);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

static void test_get_cqe_internal(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe = NULL;

	t_ring(&ring, 4, 0);
	t_queue_nop(&ring, 5);
	io_uring_flush_sq(&ring);
	/* submits the one published SQE and waits for its CQE */
	assert_int_equal(__io_uring_get_cqe(&ring, &cqe, 1, 1, NULL), 1);
	assert_non_null(cqe);
	assert_int_equal(cqe->user_data, 5);
	io_uring_cqe_seen(&ring, cqe);

	/* nothing to submit nor wait for: just a look */
	assert_int_equal(__io_uring_get_cqe(&ring, &cqe, 0, 0, NULL),
			 -EAGAIN);
	assert_null(cqe);
	io_uring_queue_exit(&ring);
}

/* --- min timeout ----------------------------------------------------- */

static void test_min_timeout(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(2000);
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	uint64_t start, ms;

	t_ring(&ring, 8, 0);
	if (!(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		/* before 6.12 both refuse, as in liburing 2.15 */
		assert_int_equal(io_uring_submit_and_wait_min_timeout(&ring,
					&cqe, 1, &ts, 1000, NULL), -EINVAL);
		assert_int_equal(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1,
					&ts, 1000, NULL), -EINVAL);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks %s",
		       t_feature_desc(IORING_FEAT_MIN_TIMEOUT));
	}

	/* one completion there, four wanted: back after min_wait */
	t_queue_nop(&ring, 1);
	assert_int_equal(io_uring_submit(&ring), 1);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqes_min_timeout(&ring, &cqe, 4, &ts,
							20000, NULL), 0);
	ms = t_ms_since(start);
	assert_true(t_ms_since(start) >= 20);
	assert_true(ms < 1000);
	assert_int_equal(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);

	/* nothing at all: the full timeout applies */
	ts = t_ts_ms(150);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts,
							20000, NULL), -ETIME);
	assert_true(t_ms_since(start) >= 150);

	/* the submitting variant, and the same rule */
	t_queue_nop(&ring, 2);
	ts = t_ts_ms(2000);
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_min_timeout(&ring, &cqe, 4,
							      &ts, 20000,
							      NULL), 1);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(cqe->user_data, 2);
	io_uring_cqe_seen(&ring, cqe);

	/*
	 * A ring that claims no support: both variants refuse with -EINVAL
	 * (liburing 2.15; 2.14 dropped the minimum of the plain wait) and
	 * neither submits nor consumes anything.
	 */
	ring.features &= ~IORING_FEAT_MIN_TIMEOUT;
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit_and_wait_min_timeout(&ring, &cqe, 1,
							      &ts, 1000,
							      NULL),
			 -EINVAL);
	assert_int_equal(io_uring_sq_ready(&ring), 1);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 1);
	t_queue_nop(&ring, 4);
	assert_int_equal(io_uring_submit(&ring), 1);
	ts = t_ts_ms(100);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts,
							1000, NULL), -EINVAL);
	assert_true(t_ms_since(start) < 100);
	assert_int_equal(io_uring_cq_ready(&ring), 1);
	io_uring_queue_exit(&ring);
}

/* --- overflow -------------------------------------------------------- */

static void test_overflow(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned char seen[64];
	unsigned i, got = 0;

	t_require_feature(IORING_FEAT_NODROP, "IORING_FEAT_NODROP");
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	t_ring_params(&ring, 4, &p);
	assert_int_equal(ring.cq.ring_entries, 4);

	for (i = 0; i < 64; i++) {
		t_queue_nop(&ring, i);
		if (i % 4 == 3)
			assert_int_equal(io_uring_submit(&ring), 4);
	}
	assert_int_equal(io_uring_cq_ready(&ring), 4);
	assert_true(io_uring_cq_has_overflow(&ring));
	/* nothing was dropped */
	assert_int_equal(*ring.cq.koverflow, 0);

	memset(seen, 0, sizeof(seen));
	while (got < 64) {
		int ret = io_uring_peek_cqe(&ring, &cqe);

		if (ret == -EAGAIN) {
			struct __kernel_timespec ts = { .tv_sec = T_WAIT_SECS };

			ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		}
		assert_int_equal(ret, 0);
		assert_true(cqe->user_data < 64);
		assert_int_equal(seen[cqe->user_data], 0);
		assert_int_equal(cqe->res, 0);
		seen[cqe->user_data] = 1;
		got++;
		io_uring_cqe_seen(&ring, cqe);
	}
	assert_false(io_uring_cq_has_overflow(&ring));
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	io_uring_queue_exit(&ring);
}

static void test_peek_batch_flushes_overflow(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *batch[8];
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	t_ring_params(&ring, 4, &p);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 0);
	for (i = 0; i < 8; i++) {
		t_queue_nop(&ring, 100 + i);
		if (i % 4 == 3)
			assert_int_equal(io_uring_submit(&ring), 4);
	}
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 3), 3);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(batch[i]->user_data, 100 + i);
	io_uring_cq_advance(&ring, 4);
	assert_true(io_uring_cq_has_overflow(&ring));
	/* empty CQ, overflow pending: the batch flushes it */
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(batch[i]->user_data, 104 + i);
	io_uring_cq_advance(&ring, 4);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 0);
	io_uring_queue_exit(&ring);
}

static void test_cqe_iter(void **state)
{
	struct io_uring_cqe_iter it;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned i, n = 0, head;

	t_ring(&ring, 8, 0);
	it = io_uring_cqe_iter_init(&ring);
	assert_false(io_uring_cqe_iter_next(&it, &cqe));

	/* walk across the CQ wrap: 16 slots, 12 reaped first */
	for (i = 0; i < 12; i++) {
		t_queue_nop(&ring, i);
		if (i == 7)
			assert_int_equal(io_uring_submit(&ring), 8);
		if (i == 11)
			assert_int_equal(io_uring_submit(&ring), 4);
	}
	t_reap(&ring, NULL, 12);
	for (i = 0; i < 8; i++)
		t_queue_nop(&ring, 200 + i);
	assert_int_equal(io_uring_submit_and_wait(&ring, 8), 8);

	it = io_uring_cqe_iter_init(&ring);
	while (io_uring_cqe_iter_next(&it, &cqe)) {
		assert_int_equal(cqe->user_data, 200 + n);
		n++;
	}
	assert_int_equal(n, 8);
	/* the iterator only looks */
	assert_int_equal(io_uring_cq_ready(&ring), 8);

	n = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		assert_int_equal(cqe->user_data, 200 + n);
		n++;
	}
	assert_int_equal(n, 8);
	io_uring_cq_advance(&ring, n);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

/* The kernel caps min_complete at the CQ size instead of hanging. */
static void test_wait_more_than_cq(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(3000);
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	uint64_t start;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	t_ring_params(&ring, 4, &p);
	for (i = 0; i < 4; i++)
		t_queue_nop(&ring, i);
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait(&ring, 64), 4);
	assert_int_equal(io_uring_cq_ready(&ring), 4);
	/* a full CQ satisfies a wait for more than it holds */
	assert_int_equal(io_uring_wait_cqes(&ring, &cqe, 1000, &ts, NULL), 0);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(cqe->user_data, 0);
	io_uring_cq_advance(&ring, 4);

	/* half full does not: the wait runs into its timeout */
	for (i = 0; i < 2; i++)
		t_queue_nop(&ring, i);
	assert_int_equal(io_uring_submit(&ring), 2);
	ts = t_ts_ms(30);
	start = t_now_ns();
	assert_int_equal(io_uring_wait_cqes(&ring, &cqe, 64, &ts, NULL), 0);
	assert_true(t_ms_since(start) >= 30);
	assert_int_equal(io_uring_cq_ready(&ring), 2);
	io_uring_queue_exit(&ring);
}

/* --- signals --------------------------------------------------------- */

static void on_sigusr1(int sig)
{
	(void) sig;
}

struct pinger {
	pthread_t target;
	atomic_int stop;
};

static void *pinger_fn(void *arg)
{
	struct pinger *pg = arg;
	unsigned i;

	/* keep knocking until the waiter has noticed, at most 5 s */
	for (i = 0; i < 250 && !atomic_load(&pg->stop); i++) {
		usleep(20 * 1000);
		pthread_kill(pg->target, SIGUSR1);
	}
	return NULL;
}

static void test_wait_interrupted(void **state)
{
	struct sigaction sa, old;
	struct __kernel_timespec ts = t_ts_ms(T_WAIT_SECS * 1000);
	struct pinger pg;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	pthread_t thr;

	if (t_under_valgrind())
		T_SKIP("valgrind runs io_uring_enter() with signals %s",
		       "blocked: no signal can interrupt the wait");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	t_ring(&ring, 4, 0);

	pg.target = pthread_self();
	atomic_init(&pg.stop, 0);
	assert_int_equal(pthread_create(&thr, NULL, pinger_fn, &pg), 0);
	assert_int_equal(io_uring_wait_cqe(&ring, &cqe), -EINTR);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -EINTR);
	atomic_store(&pg.stop, 1);
	pthread_join(thr, NULL);

	/* the ring is none the worse */
	t_queue_nop(&ring, 3);
	assert_int_equal(t_submit_one(&ring).user_data, 3);
	io_uring_queue_exit(&ring);
	sigaction(SIGUSR1, &old, NULL);
}

/* --- submission side ------------------------------------------------- */

static void test_submit_nothing_never_enters(void **state)
{
	struct io_uring ring;

	/* any enter on a disabled ring fails with EBADFD */
	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);
	assert_int_equal(io_uring_submit(&ring), 0);
	assert_int_equal(io_uring_submit_and_wait(&ring, 0), 0);
	/* while a real enter shows the ring is disabled */
	assert_int_equal(io_uring_get_events(&ring), -EBADFD);
	assert_int_equal(io_uring_submit_and_get_events(&ring), -EBADFD);
	io_uring_queue_exit(&ring);
}

static void test_load_sq_head(void **state)
{
	struct io_uring ring;

	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_load_sq_head(&ring), 0);
	t_queue_nop(&ring, 1);
	t_queue_nop(&ring, 2);
	assert_int_equal(io_uring_load_sq_head(&ring), 0);
	assert_int_equal(io_uring_submit(&ring), 2);
	assert_int_equal(io_uring_load_sq_head(&ring), 2);
	assert_int_equal(io_uring_load_sq_head(&ring), *ring.sq.khead);
	t_reap(&ring, NULL, 2);
	io_uring_queue_exit(&ring);
}

struct sq_waker {
	int ring_fd;
	unsigned delay_ms;
};

/*
 * Run in a child process: under valgrind no other thread of ours runs
 * while the test waits in io_uring_enter() (see t_under_valgrind()).
 */
static void wake_sqpoll(void *arg)
{
	struct sq_waker *w = arg;

	usleep(w->delay_ms * 1000);
	if (io_uring_enter((unsigned) w->ring_fd, 0, 0,
			   IORING_ENTER_SQ_WAKEUP, NULL) < 0)
		_exit(1);
}

static void test_sqring_wait(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct sq_waker w;
	uint64_t start;
	pid_t waker;
	unsigned i;

	/* nothing to wait for on other rings, or with room */
	t_ring(&ring, 4, 0);
	for (i = 0; i < 4; i++)
		t_queue_nop(&ring, i);
	assert_int_equal(io_uring_sqring_wait(&ring), 0);
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 10;
	t_ring_params(&ring, 4, &p);
	assert_int_equal(io_uring_sqring_wait(&ring), 0);

	/* let the poller fall asleep, then fill the SQ behind its back */
	t_queue_nop(&ring, 100);
	assert_int_equal(t_submit_one(&ring).user_data, 100);
	/*
	 * The poller raises the flag just before its last look at the SQ,
	 * then sleeps: give it time to get there once the flag is up.
	 */
	t_wait_sq_flag(&ring, IORING_SQ_NEED_WAKEUP);
	usleep(50 * 1000);
	for (i = 0; i < 4; i++)
		t_queue_nop(&ring, i);
	assert_null(io_uring_get_sqe(&ring));
	assert_int_equal(io_uring_flush_sq(&ring), 4);
	assert_int_equal(io_uring_sq_space_left(&ring), 0);

	/* blocks until a woken poller has consumed entries */
	w = (struct sq_waker) { ring.ring_fd, 100 };
	waker = t_fork_call(wake_sqpoll, &w);
	start = t_now_ns();
	assert_int_equal(io_uring_sqring_wait(&ring), 0);
	assert_true(t_ms_since(start) >= 50);
	t_wait_exit(waker, 0);
	assert_true(io_uring_sq_space_left(&ring) > 0);
	/* the kernel's side of the wait returns at once while there is room */
	assert_int_equal(__io_uring_sqring_wait(&ring), 0);
	assert_non_null(io_uring_get_sqe(&ring));
	ring.sq.sqe_tail--;	/* hand it back unused */
	t_reap(&ring, NULL, 4);
	io_uring_queue_exit(&ring);
}

/* --- lifetime -------------------------------------------------------- */

/*
 * Closing a ring with reads still waiting cancels them.  The kernel may
 * finish that after io_uring_queue_exit() has returned (6.1 cancels a read
 * an io-wq worker has taken from a work it queues at close), so a write
 * made right away could still be consumed.  Instead of racing it, let go
 * of our read end and wait until nothing holds it: the cancelled reads
 * must drop theirs too, and the writer then sees no reader (POLLERR).
 */
static void test_exit_with_requests_in_flight(void **state)
{
	static char rbuf[16];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct pollfd pfd;
	int fds[2];

	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(fds), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fds[0], rbuf, sizeof(rbuf), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fds[0], rbuf, sizeof(rbuf), 0);
	sqe->flags |= IOSQE_ASYNC;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_expect_no_cqe(&ring, 20);
	io_uring_queue_exit(&ring);

	close(fds[0]);
	pfd.fd = fds[1];
	pfd.events = 0;	/* POLLERR comes anyway, once there is no reader */
	pfd.revents = 0;
	assert_int_equal(poll(&pfd, 1, T_WAIT_SECS * 1000), 1);
	assert_true(pfd.revents & POLLERR);
	close(fds[1]);
}

/*
 * With @own_ring false the child only looks for the parent's ring memory:
 * valgrind (3.19) does not model MADV_DONTFORK, takes that memory for
 * still mapped in the child, and fails an assertion of its own at the
 * child's next mmap(), which setting up a ring of its own would make.
 */
static int child_ring_work(struct io_uring *parent, bool own_ring)
{
	unsigned char vec[1];
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;

	/* the parent's ring memory is not in this process */
	if (mincore(parent->sq.ring_ptr, 1, vec) == 0 || errno != ENOMEM)
		return 10;
	if (mincore(parent->sq.sqes, 1, vec) == 0 || errno != ENOMEM)
		return 11;

	if (!own_ring)
		return 0;
	if (io_uring_queue_init(4, &ring, 0))
		return 12;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 4242;
	if (io_uring_submit_and_wait(&ring, 1) != 1)
		return 13;
	if (io_uring_peek_cqe(&ring, &cqe) || cqe->user_data != 4242)
		return 14;
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	return 0;
}

static void test_dontfork(void **state)
{
	struct io_uring ring;
	pid_t pid;

	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_ring_dontfork(&ring), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_ring_work(&ring, !t_under_valgrind()));
	t_wait_exit(pid, 0);

	/* the parent's ring is untouched */
	t_queue_nop(&ring, 5);
	assert_int_equal(t_submit_one(&ring).user_data, 5);
	io_uring_queue_exit(&ring);

	/* a ring without memory to advise */
	memset(&ring, 0, sizeof(ring));
	assert_int_equal(io_uring_ring_dontfork(&ring), -EINVAL);
}

#define THREAD_NOPS	10000
#define THREAD_BATCH	64

struct nop_thread {
	unsigned id;
	int err;
};

static void *nop_thread_fn(void *arg)
{
	struct nop_thread *t = arg;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned done = 0, expect = 0, head, i, n;

	t->err = io_uring_queue_init(THREAD_BATCH, &ring, 0);
	if (t->err)
		return NULL;
	while (done < THREAD_NOPS) {
		for (i = 0; i < THREAD_BATCH; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			io_uring_prep_nop(sqe);
			sqe->user_data = ((__u64) t->id << 32) | (done + i);
		}
		if (io_uring_submit_and_wait(&ring, THREAD_BATCH) !=
		    THREAD_BATCH) {
			t->err = -EIO;
			break;
		}
		n = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res || cqe->user_data !=
			    (((__u64) t->id << 32) | expect))
				t->err = -EPROTO;
			expect++;
			n++;
		}
		io_uring_cq_advance(&ring, n);
		if (n != THREAD_BATCH || t->err) {
			t->err = t->err ? t->err : -ERANGE;
			break;
		}
		done += THREAD_BATCH;
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

static void test_threads_own_rings(void **state)
{
	struct nop_thread t[4];
	pthread_t thr[4];
	unsigned i;

	for (i = 0; i < 4; i++) {
		t[i].id = i + 1;
		t[i].err = 1;
		assert_int_equal(pthread_create(&thr[i], NULL, nop_thread_fn,
						&t[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(thr[i], NULL);
		assert_int_equal(t[i].err, 0);
	}
}

/* --- eventfd and iowait ---------------------------------------------- */

static void test_eventfd_toggle(void **state)
{
	struct io_uring ring;
	int efd;

	t_ring(&ring, 4, 0);
	if (!ring.cq.kflags) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel has no CQ ring flags (5.8)");
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);

	assert_true(io_uring_cq_eventfd_enabled(&ring));
	t_queue_nop(&ring, 1);
	t_submit_one(&ring);
	assert_int_equal(t_eventfd_take(efd), 1);

	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false), 0);
	assert_false(io_uring_cq_eventfd_enabled(&ring));
	assert_true(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED);
	t_queue_nop(&ring, 2);
	t_submit_one(&ring);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	/* asking for the state it is in is fine */
	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false), 0);

	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, true), 0);
	assert_true(io_uring_cq_eventfd_enabled(&ring));
	t_queue_nop(&ring, 3);
	t_submit_one(&ring);
	assert_int_equal(t_eventfd_take(efd), 1);

	assert_int_equal(io_uring_unregister_eventfd(&ring), 0);
	close(efd);
	io_uring_queue_exit(&ring);
}

static void test_set_iowait(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10);
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned features;

	t_ring(&ring, 4, 0);
	features = ring.features;
	ring.features &= ~IORING_FEAT_NO_IOWAIT;
	assert_int_equal(io_uring_set_iowait(&ring, false), -EOPNOTSUPP);
	ring.features = features;
	if (!(features & IORING_FEAT_NO_IOWAIT)) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks %s",
		       t_feature_desc(IORING_FEAT_NO_IOWAIT));
	}

	assert_int_equal(io_uring_set_iowait(&ring, false), 0);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	t_queue_nop(&ring, 1);
	assert_int_equal(io_uring_submit_and_wait(&ring, 1), 1);
	assert_int_equal(io_uring_wait_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);

	assert_int_equal(io_uring_set_iowait(&ring, true), 0);
	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	t_queue_nop(&ring, 2);
	assert_int_equal(t_submit_one(&ring).user_data, 2);
	io_uring_queue_exit(&ring);
}

/* --- registered wait arguments (6.13) -------------------------------- */

static void test_wait_reg(void **state)
{
	struct io_uring_reg_wait *reg;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t start;
	int ret;

	reg = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(reg != MAP_FAILED);
	memset(reg, 0, (size_t) page);

	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);
	ret = io_uring_register_wait_reg(&ring, reg, 2);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		munmap(reg, (size_t) page);
		T_SKIP("kernel cannot register wait regions (6.13)");
	}
	assert_int_equal(ret, 0);
	assert_int_equal(io_uring_enable_rings(&ring), 0);

	/* slot 1: 40 ms; slot 0: 2 s */
	reg[0].ts.tv_sec = 2;
	reg[0].flags = IORING_REG_WAIT_TS;
	reg[1].ts.tv_nsec = 40 * 1000000;
	reg[1].flags = IORING_REG_WAIT_TS;

	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 1),
			 -ETIME);
	assert_true(t_ms_since(start) >= 40);
	assert_true(t_ms_since(start) < 1000);

	/* the slot is live memory: a new value applies to the next wait */
	reg[1].ts.tv_nsec = 200 * 1000000;
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 1),
			 -ETIME);
	assert_true(t_ms_since(start) >= 200);
	assert_true(t_ms_since(start) < 1500);

	t_queue_nop(&ring, 55);
	start = t_now_ns();
	assert_int_equal(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0), 1);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(cqe->user_data, 55);
	io_uring_cqe_seen(&ring, cqe);

	/* one wait region per ring */
	assert_int_equal(io_uring_register_wait_reg(&ring, reg, 1), -EBUSY);
	io_uring_queue_exit(&ring);

	/* and only a disabled ring takes it */
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_wait_reg(&ring, reg, 1), -EINVAL);
	io_uring_queue_exit(&ring);
	munmap(reg, (size_t) page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_nothing_in_flight),
		cmocka_unit_test(test_timeout_completion_arrives),
		cmocka_unit_test(test_timeout_request_wakes_bounded_wait),
		cmocka_unit_test(test_timeout_fallback),
		cmocka_unit_test(test_timeout_fallback_sq_full),
		cmocka_unit_test(test_submit_and_wait_timeout),
		cmocka_unit_test(test_submit_and_wait_timeout_fallback),
		cmocka_unit_test(test_wait_cqes),
		cmocka_unit_test(test_get_cqe_internal),
		cmocka_unit_test(test_min_timeout),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_peek_batch_flushes_overflow),
		cmocka_unit_test(test_cqe_iter),
		cmocka_unit_test(test_wait_more_than_cq),
		cmocka_unit_test(test_wait_interrupted),
		cmocka_unit_test(test_submit_nothing_never_enters),
		cmocka_unit_test(test_load_sq_head),
		cmocka_unit_test(test_sqring_wait),
		cmocka_unit_test(test_exit_with_requests_in_flight),
		cmocka_unit_test(test_dontfork),
		cmocka_unit_test(test_threads_own_rings),
		cmocka_unit_test(test_eventfd_toggle),
		cmocka_unit_test(test_set_iowait),
		cmocka_unit_test(test_wait_reg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
