/* SPDX-License-Identifier: MIT */
/*
 * MSG_RING: posting a CQE on another ring (with chosen flags since 6.3),
 * and passing a direct descriptor from one ring's file table to
 * another's, into a chosen slot or one the kernel allocates.
 */
#include "helpers.h"

#include <unistd.h>

/* Write through direct descriptor @slot of @ring, read it from @rfd. */
static void check_slot_writes(struct io_uring *ring, int slot, int rfd,
			      const char *text)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	size_t len = strlen(text);
	char buf[64];

	sqe = t_get_sqe(ring);
	io_uring_prep_write(sqe, slot, text, len, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.res, len);
	assert_int_equal(read(rfd, buf, sizeof(buf)), len);
	assert_memory_equal(buf, text, len);
}

static void test_msg_ring(void **state)
{
	struct io_uring src, dst;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int i;

	t_require_op(IORING_OP_MSG_RING);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);

	for (i = 0; i < 3; i++) {
		sqe = t_get_sqe(&src);
		io_uring_prep_msg_ring(sqe, dst.ring_fd, 100 + i,
				       0xdead0000beefULL + i, 0);
		sqe->user_data = 7;
		cqe = t_submit_one(&src);
		assert_int_equal(cqe.user_data, 7);
		assert_int_equal(cqe.res, 0);
	}
	/* the target sees len as res and data as user_data, in order */
	for (i = 0; i < 3; i++) {
		t_reap(&dst, &cqe, 1);
		assert_int_equal(cqe.res, 100 + i);
		assert_true(cqe.user_data == 0xdead0000beefULL + i);
		assert_int_equal(cqe.flags, 0);
	}
	t_expect_no_cqe(&dst, 10);

	/* a negative value can travel too */
	io_uring_prep_msg_ring(t_get_sqe(&src), dst.ring_fd, (unsigned) -5,
			       1, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, 0);
	t_reap(&dst, &cqe, 1);
	assert_int_equal(cqe.res, -5);

	/* a ring may message itself */
	sqe = t_get_sqe(&src);
	io_uring_prep_msg_ring(sqe, src.ring_fd, 55, 0x55, 0);
	sqe->user_data = 8;
	assert_int_equal(io_uring_submit(&src), 1);
	for (i = 0; i < 2; i++) {
		t_reap(&src, &cqe, 1);
		if (cqe.user_data == 8) {
			assert_int_equal(cqe.res, 0);
		} else {
			assert_int_equal(cqe.user_data, 0x55);
			assert_int_equal(cqe.res, 55);
		}
	}

	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
}

/*
 * A DEFER_TASKRUN target gets the message as task work, run when the
 * target waits.
 */
static void test_msg_ring_defer_taskrun(void **state)
{
	struct io_uring src, dst;
	struct io_uring_cqe cqe;

	t_require_op(IORING_OP_MSG_RING);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, IORING_SETUP_SINGLE_ISSUER |
	       IORING_SETUP_DEFER_TASKRUN);
	io_uring_prep_msg_ring(t_get_sqe(&src), dst.ring_fd, 42, 4242, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, 0);
	t_reap(&dst, &cqe, 1);
	assert_int_equal(cqe.res, 42);
	assert_int_equal(cqe.user_data, 4242);
	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
}

static void test_msg_ring_cqe_flags(void **state)
{
	const unsigned flags = 0xabcd0000 | IORING_CQE_F_SOCK_NONEMPTY;
	struct io_uring src, dst;
	struct io_uring_cqe cqe;

	t_require_op(IORING_OP_MSG_RING);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);
	io_uring_prep_msg_ring_cqe_flags(t_get_sqe(&src), dst.ring_fd, 9,
					 0x99, 0, flags);
	cqe = t_submit_one(&src);
	if (cqe.res == -EINVAL && !(src.features & IORING_FEAT_REG_REG_RING)) {
		io_uring_queue_exit(&src);
		io_uring_queue_exit(&dst);
		T_SKIP("IORING_MSG_RING_FLAGS_PASS needs 6.3");
	}
	assert_int_equal(cqe.res, 0);
	t_reap(&dst, &cqe, 1);
	assert_int_equal(cqe.res, 9);
	assert_int_equal(cqe.user_data, 0x99);
	assert_int_equal(cqe.flags, flags);

	/* without FLAGS_PASS, file_index must be 0 for a data message */
	{
		struct io_uring_sqe *sqe = t_get_sqe(&src);

		io_uring_prep_msg_ring(sqe, dst.ring_fd, 9, 0x99, 0);
		sqe->file_index = 3;
		cqe = t_submit_one(&src);
		assert_int_equal(cqe.res, -EINVAL);
	}
	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
}

static void test_msg_ring_fd(void **state)
{
	struct io_uring src, dst;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], files[2];

	t_require_op(IORING_OP_MSG_RING);
	t_require_op(IORING_OP_SOCKET);	/* 6.0: IORING_MSG_SEND_FD */
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);
	assert_int_equal(pipe(p), 0);
	files[0] = -1;
	files[1] = p[1];
	assert_int_equal(io_uring_register_files(&src, files, 2), 0);
	assert_int_equal(io_uring_register_files_sparse(&dst, 4), 0);
	close(p[1]);	/* only the direct descriptor holds it now */

	sqe = t_get_sqe(&src);
	io_uring_prep_msg_ring_fd(sqe, dst.ring_fd, 1, 2, 0x1234, 0);
	sqe->user_data = 5;
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.user_data, 5);
	assert_int_equal(cqe.res, 0);
	t_reap(&dst, &cqe, 1);
	assert_int_equal(cqe.user_data, 0x1234);
	assert_int_equal(cqe.res, 0);

	/* slot 2 of the target is the pipe, and so still is the source's */
	check_slot_writes(&dst, 2, p[0], "to dst");
	check_slot_writes(&src, 1, p[0], "from src");

	/* CQE_SKIP: the descriptor arrives without a CQE in the target */
	sqe = t_get_sqe(&src);
	io_uring_prep_msg_ring_fd(sqe, dst.ring_fd, 1, 3, 0x5678,
				  IORING_MSG_RING_CQE_SKIP);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, 0);
	t_expect_no_cqe(&dst, 20);
	check_slot_writes(&dst, 3, p[0], "silently");

	/* an empty source slot */
	io_uring_prep_msg_ring_fd(t_get_sqe(&src), dst.ring_fd, 0, 0, 1, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, -EBADF);
	/* a target slot beyond the target's table */
	io_uring_prep_msg_ring_fd(t_get_sqe(&src), dst.ring_fd, 1, 9, 1, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, -EINVAL);
	/* sending to one's own ring is refused */
	io_uring_prep_msg_ring_fd(t_get_sqe(&src), src.ring_fd, 1, 0, 1, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, -EINVAL);

	close(p[0]);
	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
}

static void test_msg_ring_fd_alloc(void **state)
{
	struct io_uring src, dst;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2], slot;

	t_require_op(IORING_OP_MSG_RING);
	t_require_op(IORING_OP_SOCKET);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(io_uring_register_files(&src, &p[1], 1), 0);
	assert_int_equal(io_uring_register_files_sparse(&dst, 2), 0);

	sqe = t_get_sqe(&src);
	io_uring_prep_msg_ring_fd_alloc(sqe, dst.ring_fd, 0, 0xa11c, 0);
	cqe = t_submit_one(&src);
	assert_true(cqe.res >= 0 && cqe.res < 2);
	slot = cqe.res;
	/* both sides are told the slot that was picked */
	t_reap(&dst, &cqe, 1);
	assert_int_equal(cqe.user_data, 0xa11c);
	assert_int_equal(cqe.res, slot);
	check_slot_writes(&dst, slot, p[0], "allocated");

	/* the second one lands in the other slot; then the table is full */
	io_uring_prep_msg_ring_fd_alloc(t_get_sqe(&src), dst.ring_fd, 0, 2, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, !slot);
	t_reap(&dst, &cqe, 1);
	assert_int_equal(cqe.res, !slot);
	check_slot_writes(&dst, !slot, p[0], "second");
	io_uring_prep_msg_ring_fd_alloc(t_get_sqe(&src), dst.ring_fd, 0, 3, 0);
	cqe = t_submit_one(&src);
	assert_int_equal(cqe.res, -ENFILE);
	t_expect_no_cqe(&dst, 10);

	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
}

static void test_bad_input(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int p[2];

	t_require_op(IORING_OP_MSG_RING);
	t_ring(&ring, 4, 0);
	assert_int_equal(pipe(p), 0);

	io_uring_prep_msg_ring(t_get_sqe(&ring), 1000000, 1, 1, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* not a ring */
	io_uring_prep_msg_ring(t_get_sqe(&ring), p[0], 1, 1, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADFD);

	/* unknown flags; CQE_SKIP means nothing to a data message */
	io_uring_prep_msg_ring(t_get_sqe(&ring), ring.ring_fd, 1, 1, 1U << 8);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	if (t_has_op(IORING_OP_SOCKET)) {
		io_uring_prep_msg_ring(t_get_sqe(&ring), ring.ring_fd, 1, 1,
				       IORING_MSG_RING_CQE_SKIP);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
	}

	/* an unknown message type in addr */
	sqe = t_get_sqe(&ring);
	io_uring_prep_msg_ring(sqe, ring.ring_fd, 1, 1, 0);
	sqe->addr = 77;
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
		cmocka_unit_test(test_msg_ring),
		cmocka_unit_test(test_msg_ring_defer_taskrun),
		cmocka_unit_test(test_msg_ring_cqe_flags),
		cmocka_unit_test(test_msg_ring_fd),
		cmocka_unit_test(test_msg_ring_fd_alloc),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
