/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_SQ_REWIND rings (Linux 7.0), with 64- and 128-byte SQEs:
 * the kernel reads the SQEs of every enter from slot 0 and never moves
 * the SQ head, so the library hands out slot 0 again after each submit,
 * never submits an SQE twice, and moves what the kernel left behind (an
 * SQE it refused stops submission) down to slot 0 for the next enter.
 */
#include "helpers.h"

#include <unistd.h>

#define ENTRIES	8

static void rewind_ring(struct io_uring *ring, unsigned flags)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_REWIND | flags;
	ret = io_uring_queue_init_params(ENTRIES, ring, &p);
	if (ret == -EINVAL)
		T_SKIP("kernel lacks IORING_SETUP_SQ_REWIND (7.0)");
	assert_int_equal(ret, 0);
	assert_true(ring->flags & IORING_SETUP_SQ_REWIND);
	/* the kernel requires it, and the library asked for it */
	assert_true(ring->flags & IORING_SETUP_NO_SQARRAY);
}

/* The SQ slot @sqe is, counted in entries of this ring's size. */
static unsigned slot_of(struct io_uring *ring, struct io_uring_sqe *sqe)
{
	return (unsigned) (sqe - ring->sq.sqes) >> io_uring_sqe_shift(ring);
}

static struct io_uring_sqe *queue_nop_at(struct io_uring *ring, __u64 data,
					 unsigned slot)
{
	struct io_uring_sqe *sqe = t_queue_nop(ring, data);

	assert_int_equal(slot_of(ring, sqe), slot);
	return sqe;
}

/* Reap exactly @n completions, whose user_data must be first.. first+n-1. */
static void reap_range(struct io_uring *ring, __u64 first, unsigned n)
{
	struct io_uring_cqe cqes[ENTRIES * 2];
	unsigned seen = 0, i;

	assert_true(n <= ENTRIES * 2);
	t_reap(ring, cqes, n);
	for (i = 0; i < n; i++) {
		assert_true(cqes[i].user_data >= first &&
			    cqes[i].user_data < first + n);
		assert_int_equal(cqes[i].res, 0);
		seen |= 1U << (cqes[i].user_data - first);
	}
	assert_int_equal(seen, (1U << n) - 1);
	/* nothing submitted twice */
	t_expect_no_cqe(ring, 20);
}

/*
 * Rounds of a few NOPs, far more in all than the SQ holds: every round
 * starts at slot 0, and each SQE completes once.
 */
static void test_rounds(void **state)
{
	unsigned flags = *(const unsigned *) *state;
	struct io_uring ring;
	__u64 data = 1;
	unsigned round, i;

	rewind_ring(&ring, flags);
	for (round = 0; round < 12; round++) {
		unsigned n = 1 + round % 3;

		for (i = 0; i < n; i++)
			queue_nop_at(&ring, data + i, i);
		assert_int_equal(io_uring_sq_ready(&ring), n);
		assert_int_equal(io_uring_submit(&ring), (int) n);
		assert_int_equal(io_uring_sq_ready(&ring), 0);
		reap_range(&ring, data, n);
		data += n;
	}

	/* the whole SQ, then no room until a submit rewinds it */
	for (i = 0; i < ENTRIES; i++)
		queue_nop_at(&ring, data + i, i);
	assert_null(io_uring_get_sqe(&ring));
	assert_int_equal(io_uring_submit_and_wait(&ring, ENTRIES), ENTRIES);
	reap_range(&ring, data, ENTRIES);
	data += ENTRIES;
	queue_nop_at(&ring, data, 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	reap_range(&ring, data, 1);
	io_uring_queue_exit(&ring);
}

/*
 * An SQE the kernel refuses stops submission after it: the two behind it
 * move to slots 0 and 1 and go in with the next submit, once each.
 */
static void test_refused(void **state)
{
	unsigned flags = *(const unsigned *) *state;
	struct __kernel_timespec ts = t_ts_ms(T_WAIT_SECS * 1000);
	struct io_uring_cqe cqe, *c;
	struct io_uring_sqe *sqe;
	struct io_uring ring;

	rewind_ring(&ring, flags);
	sqe = queue_nop_at(&ring, 1, 0);
	sqe->opcode = 0xff;
	queue_nop_at(&ring, 2, 1);
	queue_nop_at(&ring, 3, 2);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, -EINVAL);

	assert_int_equal(io_uring_sq_ready(&ring), 2);
	assert_int_equal(ring.sq.sqes[0].user_data, 2);
	assert_int_equal(ring.sq.sqes[1 << io_uring_sqe_shift(&ring)].user_data,
			 3);
	queue_nop_at(&ring, 4, 2);
	assert_int_equal(io_uring_submit(&ring), 3);
	reap_range(&ring, 2, 3);

	/*
	 * The same through a bounded submit-and-wait, which enters once:
	 * the refused SQE's completion comes back, the SQE behind it waits
	 * in slot 0 for the next submit.
	 */
	sqe = queue_nop_at(&ring, 5, 0);
	sqe->opcode = 0xff;
	queue_nop_at(&ring, 6, 1);
	assert_int_equal(io_uring_submit_and_wait_timeout(&ring, &c, 1, &ts,
							  NULL), 1);
	assert_int_equal(c->user_data, 5);
	assert_int_equal(c->res, -EINVAL);
	io_uring_cqe_seen(&ring, c);
	assert_int_equal(io_uring_sq_ready(&ring), 1);
	assert_int_equal(ring.sq.sqes[0].user_data, 6);
	assert_int_equal(io_uring_submit(&ring), 1);
	reap_range(&ring, 6, 1);
	queue_nop_at(&ring, 7, 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	reap_range(&ring, 7, 1);
	io_uring_queue_exit(&ring);
}

/* Real I/O: data written through slot 0 is read back through slot 0. */
static void test_pipe_round_trip(void **state)
{
	unsigned flags = *(const unsigned *) *state;
	char wbuf[64], rbuf[64];
	struct io_uring_cqe cqe;
	struct io_uring ring;
	int fds[2], i;

	rewind_ring(&ring, flags);
	assert_int_equal(pipe(fds), 0);
	for (i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe;

		t_fill(wbuf, sizeof(wbuf), (unsigned) i);
		memset(rbuf, 0, sizeof(rbuf));
		sqe = t_get_sqe(&ring);
		assert_int_equal(slot_of(&ring, sqe), 0);
		io_uring_prep_write(sqe, fds[1], wbuf, sizeof(wbuf), 0);
		sqe->user_data = 10;
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.user_data, 10);
		assert_int_equal(cqe.res, sizeof(wbuf));

		sqe = t_get_sqe(&ring);
		assert_int_equal(slot_of(&ring, sqe), 0);
		io_uring_prep_read(sqe, fds[0], rbuf, sizeof(rbuf), 0);
		sqe->user_data = 11;
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.user_data, 11);
		assert_int_equal(cqe.res, sizeof(rbuf));
		assert_memory_equal(rbuf, wbuf, sizeof(wbuf));
	}
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

/* Each case twice, its *state the ring's flags: 64- and 128-byte SQEs. */
static unsigned sqe64, sqe128 = IORING_SETUP_SQE128;
#define BOTH_SQE_SIZES(f)						\
	cmocka_unit_test_prestate(f, &sqe64),				\
	cmocka_unit_test_prestate(f, &sqe128)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH_SQE_SIZES(test_rounds),
		BOTH_SQE_SIZES(test_refused),
		BOTH_SQE_SIZES(test_pipe_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
