/* SPDX-License-Identifier: MIT */
/*
 * Regression tests for bugs found by comparing this library with liburing
 * (issue 14).  Each test failed before its fix.
 *
 *  - io_uring_get_sqe128() on an SQE_MIXED ring at the wrap (bug 2): the
 *    slot before the tail may be the second half of a 128-byte SQE,
 *    payload and not flags; it must not decide anything.
 *  - io_uring_get_sqe()'s cached SQ limit (bug 3): code compiled against
 *    liburing's header advances sq.sqe_tail without keeping the word
 *    (liburing's sq.pad), and liburing's resize zeroes it.  Whether the
 *    tail has passed the word or the word is zero, no SQE may be handed
 *    out without room, and none at the wrong place on SQE128 rings.
 *
 *  - io_uring_get_sqes() (extension) on an SQE_MIXED ring at the wrap:
 *    the same slot decided whether a filler would join a link chain.
 *
 * Bug 4, liburing.h defining feature-test macros, is a compile-time
 * property: test/check-headers.sh checks it.
 */
#include <string.h>
#include "helpers.h"

/*
 * What a binary built against liburing's header does inline to take an
 * SQE: a room check against the kernel's head, the slot, the tail.  It
 * knows nothing of our cached limit and leaves it as it was.
 */
static struct io_uring_sqe *foreign_get_sqe(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned head = io_uring_smp_load_acquire(sq->khead);
	unsigned shift = !!(ring->flags & IORING_SETUP_SQE128);
	struct io_uring_sqe *sqe;

	if (sq->sqe_tail - head >= sq->ring_entries)
		return NULL;
	sqe = &sq->sqes[(sq->sqe_tail & sq->ring_mask) << shift];
	sq->sqe_tail++;
	memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

/* Fill the SQ the foreign way with NOPs tagged @base, @base + 1, ... */
static unsigned foreign_fill(struct io_uring *ring, __u64 base)
{
	struct io_uring_sqe *sqe;
	unsigned n = 0;

	while ((sqe = foreign_get_sqe(ring))) {
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, base + n);
		n++;
	}
	return n;
}

/* Submit what is queued and check @n CQEs tagged @base.. arrive, once each. */
static void submit_expect_tags(struct io_uring *ring, __u64 base, unsigned n)
{
	struct io_uring_cqe cqes[64];
	unsigned long long seen = 0;
	unsigned i;

	assert_true(n <= 64);
	assert_int_equal(io_uring_submit(ring), (int) n);
	t_reap(ring, cqes, n);
	for (i = 0; i < n; i++) {
		__u64 tag = cqes[i].user_data - base;

		assert_int_equal(cqes[i].res, 0);
		assert_true(cqes[i].user_data >= base && tag < n);
		assert_false(seen & (1ULL << tag));
		seen |= 1ULL << tag;
	}
	assert_int_equal(io_uring_cq_ready(ring), 0);
}

/*
 * Our get_sqe computed a limit, then the foreign code filled the SQ past
 * it (after a submit moved the head).  The limit is stale in the unsafe
 * direction: the SQ is full, so no SQE may be handed out.
 */
static void test_sq_limit_stale_after_foreign_tail(void **state)
{
	struct io_uring ring;
	unsigned n;

	t_ring(&ring, 8, 0);
	io_uring_prep_nop(t_get_sqe(&ring));	/* caches limit = 0 + 8 */
	io_uring_sqe_set_data64(ring.sq.sqes, 100);
	n = foreign_fill(&ring, 101);
	assert_int_equal(n, 7);
	submit_expect_tags(&ring, 100, 8);	/* head is now 8 */

	assert_int_equal(foreign_fill(&ring, 200), 8);	/* tail 16, full */
	assert_null(io_uring_get_sqe(&ring));
	submit_expect_tags(&ring, 200, 8);

	/* once the kernel has consumed them, ours gets SQEs again */
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/*
 * liburing's io_uring_resize_rings() zeroes the word and keeps the tail:
 * a zero limit must not read as "room up to 0".
 */
static void test_sq_limit_zeroed(void **state)
{
	struct io_uring_sqe *sqe;
	struct io_uring ring;

	t_ring(&ring, 8, 0);
	t_ring_still_works(&ring);
	assert_int_equal(foreign_fill(&ring, 300), 8);
	ring.sq.sqe_limit = 0;
	assert_null(io_uring_get_sqe(&ring));
	submit_expect_tags(&ring, 300, 8);

	/* a zeroed word with room left: the SQE is the next slot in order */
	sqe = foreign_get_sqe(&ring);
	assert_non_null(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 400);
	ring.sq.sqe_limit = 0;
	sqe = io_uring_get_sqe(&ring);
	assert_ptr_equal(sqe, &ring.sq.sqes[(ring.sq.sqe_tail - 1) &
					    ring.sq.ring_mask]);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 401);
	submit_expect_tags(&ring, 400, 2);
	io_uring_queue_exit(&ring);
}

/*
 * SQE128 rings (5.19): the fast path indexes 64-byte entries, so it must
 * never run there, even after the foreign code moved the tail.
 */
static void test_sq_limit_sqe128_foreign_tail(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	unsigned i;

	t_ring(&ring, 8, IORING_SETUP_SQE128);
	for (i = 0; i < 3; i++) {
		unsigned slot = ring.sq.sqe_tail & ring.sq.ring_mask;

		sqe = io_uring_get_sqe(&ring);
		assert_ptr_equal(sqe, &ring.sq.sqes[slot << 1]);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 500 + i);
		sqe = foreign_get_sqe(&ring);
		assert_non_null(sqe);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 600 + i);
	}
	/* ours, foreign, ours, ...: every SQE in its own 128-byte slot */
	for (i = 0; i < 6; i++)
		assert_int_equal(ring.sq.sqes[i << 1].user_data,
				 (i & 1 ? 600 : 500) + i / 2);
	assert_int_equal(io_uring_submit(&ring), 6);
	{
		struct io_uring_cqe cqes[6];

		t_reap(&ring, cqes, 6);
		for (i = 0; i < 6; i++)
			assert_int_equal(cqes[i].res, 0);
	}
	io_uring_queue_exit(&ring);
}

/* Two CQEs, @tag then @tag + 1, both successful. */
static void reap_two_in_order(struct io_uring *ring, __u64 tag)
{
	struct io_uring_cqe cqes[2];

	t_reap(ring, cqes, 2);
	assert_int_equal(cqes[0].user_data, tag);
	assert_int_equal(cqes[0].res, 0);
	assert_int_equal(cqes[1].user_data, tag + 1);
	assert_int_equal(cqes[1].res, 0);
}

/*
 * An SQE_MIXED ring of 8 with head and tail at slot 5 (NOPs @tag.. reaped)
 * and a 128-byte NOP tagged @tag + 10 in slots 5 and 6, not submitted.
 */
static struct io_uring_sqe *mixed_ring_big_sqe_at_5(struct io_uring *ring,
						    __u64 tag)
{
	struct io_uring_sqe *sqe;
	unsigned i;

	t_ring(ring, 8, IORING_SETUP_SQE_MIXED);
	for (i = 0; i < 5; i++)
		t_queue_nop(ring, tag + i);
	submit_expect_tags(ring, tag, 5);	/* head = tail = 5 */

	sqe = io_uring_get_sqe128(ring);		/* slots 5 and 6 */
	assert_ptr_equal(sqe, &ring->sq.sqes[5]);
	io_uring_prep_nop128(sqe);
	io_uring_sqe_set_data64(sqe, tag + 10);
	return sqe;
}

/*
 * SQE_MIXED (6.19): a 128-byte SQE whose first half would be the last
 * slot takes slot 0 and the slot before it becomes a NOP that posts no
 * CQE, whatever the previous SQE left in that slot.  Here the previous
 * SQE is 128 bytes whose second half has IOSQE_IO_LINK's bit where a
 * 64-byte SQE keeps its flags.
 */
static void test_get_sqe128_mixed_wrap_after_big_sqe(void **state)
{
	struct io_uring_sqe *sqe;
	struct io_uring ring;

	sqe = mixed_ring_big_sqe_at_5(&ring, 790);	/* tagged 800 */
	sqe[1].flags = IOSQE_IO_LINK;			/* payload byte */

	sqe = io_uring_get_sqe128(&ring);		/* 7 is a filler */
	assert_ptr_equal(sqe, &ring.sq.sqes[0]);
	io_uring_prep_nop128(sqe);
	io_uring_sqe_set_data64(sqe, 801);
	assert_int_equal(ring.sq.sqes[7].opcode, IORING_OP_NOP);
	assert_true(ring.sq.sqes[7].flags & IOSQE_CQE_SKIP_SUCCESS);

	assert_true(io_uring_submit(&ring) > 0);
	reap_two_in_order(&ring, 800);
	t_expect_no_cqe(&ring, 20);
	io_uring_queue_exit(&ring);
}

/* SQE_MIXED: 2 slots left at the wrap are not enough (filler + 2): NULL. */
static void test_get_sqe128_mixed_wrap_full(void **state)
{
	struct io_uring ring;
	unsigned i, tail;

	t_ring(&ring, 8, IORING_SETUP_SQE_MIXED);
	for (i = 0; i < 8; i++)
		t_queue_nop(&ring, 900 + i);
	submit_expect_tags(&ring, 900, 8);
	t_queue_nop(&ring, 908);
	submit_expect_tags(&ring, 908, 1);	/* head = tail = 9 */
	for (i = 0; i < 6; i++)
		t_queue_nop(&ring, 910 + i);	/* tail 15: the last slot */
	assert_int_equal(ring.sq.sqe_tail & ring.sq.ring_mask, 7);
	tail = ring.sq.sqe_tail;
	assert_null(io_uring_get_sqe128(&ring));
	assert_int_equal(ring.sq.sqe_tail, tail);
	submit_expect_tags(&ring, 910, 6);
	io_uring_queue_exit(&ring);
}

/*
 * SQE_MIXED: io_uring_get_sqes() must not put a filler after a pending
 * 128-byte SQE that links onwards (the filler would end the chain in
 * place of the caller's request), although the slot before the tail, the
 * SQE's second half, shows no link flag.  Once it is submitted the wrap
 * goes ahead.
 */
static void test_get_sqes_mixed_wrap_after_linked_big_sqe(void **state)
{
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned i, tail;

	sqe = mixed_ring_big_sqe_at_5(&ring, 820);	/* tagged 830 */
	sqe->flags |= IOSQE_IO_LINK;
	assert_int_equal(sqe[1].flags, 0);		/* what slot 6 shows */

	tail = ring.sq.sqe_tail;
	assert_null(io_uring_get_sqes(&ring, 2));	/* 7 would be a filler */
	assert_int_equal(ring.sq.sqe_tail, tail);

	sqe = io_uring_get_sqes(&ring, 1);		/* slot 7: no filler */
	assert_ptr_equal(sqe, &ring.sq.sqes[7]);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 831);
	assert_true(io_uring_submit(&ring) > 0);
	reap_two_in_order(&ring, 830);

	/* nothing pending at slot 7: a filler there, the two from slot 0 */
	for (i = 0; i < 7; i++)
		t_queue_nop(&ring, 832 + i);		/* slots 0 to 6 */
	submit_expect_tags(&ring, 832, 7);
	sqe = io_uring_get_sqes(&ring, 2);
	assert_ptr_equal(sqe, &ring.sq.sqes[0]);
	io_uring_prep_nop(&sqe[0]);
	io_uring_sqe_set_data64(&sqe[0], 838);
	io_uring_prep_nop(&sqe[1]);
	io_uring_sqe_set_data64(&sqe[1], 839);
	assert_int_equal(io_uring_submit(&ring), 3);	/* with the filler */
	reap_two_in_order(&ring, 838);
	t_expect_no_cqe(&ring, 20);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sq_limit_stale_after_foreign_tail),
		cmocka_unit_test(test_sq_limit_zeroed),
		cmocka_unit_test(test_sq_limit_sqe128_foreign_tail),
		cmocka_unit_test(test_get_sqe128_mixed_wrap_after_big_sqe),
		cmocka_unit_test(test_get_sqe128_mixed_wrap_full),
		cmocka_unit_test(test_get_sqes_mixed_wrap_after_linked_big_sqe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
