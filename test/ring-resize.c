/* SPDX-License-Identifier: MIT */
/*
 * io_uring_resize_rings() (IORING_REGISTER_RESIZE_RINGS, 6.13) and its
 * params: the kernel writes flags back into them (IORING_SETUP_NO_SQARRAY
 * of the ring), and refuses those flags on a resize, so the library hands
 * the params back with flags cleared, on success and on failure alike, as
 * liburing does.  A refused resize leaves the ring as it was.
 */
#include "helpers.h"

/*
 * A ring of 8 that io_uring_resize_rings() has taken to 16 SQ entries,
 * with @p as the call left it; skips unless the kernel resizes rings.
 */
static void ring_resized_to_16(struct io_uring *ring,
			       struct io_uring_params *p)
{
	int ret;

	t_ring(ring, 8, IORING_SETUP_SINGLE_ISSUER |
			IORING_SETUP_DEFER_TASKRUN);
	memset(p, 0, sizeof(*p));
	p->sq_entries = 16;
	ret = io_uring_resize_rings(ring, p);
	if (ret == -EINVAL && !(ring->features & IORING_FEAT_NO_IOWAIT)) {
		/*
		 * 6.13 added resizing; a kernel with 6.15's NO_IOWAIT has
		 * it for sure, and there -EINVAL is a failure.
		 */
		io_uring_queue_exit(ring);
		T_SKIP("kernel cannot resize rings (6.13)");
	}
	assert_int_equal(ret, 0);
}

static void nop_round_trip(struct io_uring *ring, __u64 data)
{
	struct io_uring_cqe cqe;

	t_queue_nop(ring, data);
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, data);
	assert_int_equal(cqe.res, 0);
}

/* The same params twice: the second resize must not carry the first's. */
static void test_resize_twice_same_params(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;

	ring_resized_to_16(&ring, &p);
	assert_int_equal(p.flags, 0);
	assert_int_equal(ring.sq.ring_entries, 16);
	assert_int_equal(ring.cq.ring_entries, 32);
	nop_round_trip(&ring, 1);

	p.sq_entries = 16;
	assert_int_equal(io_uring_resize_rings(&ring, &p), 0);
	assert_int_equal(p.flags, 0);
	assert_int_equal(ring.sq.ring_entries, 16);
	nop_round_trip(&ring, 2);

	/* with CQSIZE, which the caller sets each time */
	p.sq_entries = 4;
	p.cq_entries = 64;
	p.flags = IORING_SETUP_CQSIZE;
	assert_int_equal(io_uring_resize_rings(&ring, &p), 0);
	assert_int_equal(p.flags, 0);
	assert_int_equal(ring.sq.ring_entries, 4);
	assert_int_equal(ring.cq.ring_entries, 64);
	nop_round_trip(&ring, 3);
	io_uring_queue_exit(&ring);
}

/* A refused resize: flags cleared too, and the old rings still work. */
static void test_resize_refused_clears_flags(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;

	ring_resized_to_16(&ring, &p);

	/* a CQ smaller than the SQ: -EINVAL from the kernel */
	memset(&p, 0, sizeof(p));
	p.sq_entries = 16;
	p.cq_entries = 2;
	p.flags = IORING_SETUP_CQSIZE;
	assert_int_equal(io_uring_resize_rings(&ring, &p), -EINVAL);
	assert_int_equal(p.flags, 0);
	assert_int_equal(ring.sq.ring_entries, 16);
	assert_int_equal(ring.cq.ring_entries, 32);
	nop_round_trip(&ring, 4);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resize_twice_same_params),
		cmocka_unit_test(test_resize_refused_clears_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
