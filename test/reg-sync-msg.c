/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_sync_msg(): a MSG_RING sent with no ring of one's own
 * (Linux 6.13), and its bad arguments.
 */
#include "helpers.h"

static void test_sync_msg(void **state)
{
	struct io_uring_sqe sqe;
	struct io_uring target, disabled;
	struct io_uring_cqe cqe;
	int ret, p[2];

	t_ring(&target, 4, 0);
	ret = t_sync_msg(target.ring_fd, 0x1234, 0xdeadbeef, 0);
	if (t_no_such_blind_op(ret)) {
		io_uring_queue_exit(&target);
		T_SKIP("IORING_REGISTER_SEND_MSG_RING (Linux 6.13): kernel "
		       "answers %d", ret);
	}
	assert_int_equal(ret, 0);
	t_reap(&target, &cqe, 1);
	assert_true(cqe.user_data == 0xdeadbeef);
	assert_int_equal(cqe.res, 0x1234);
	assert_int_equal(cqe.flags, 0);

	/* with the target's CQE flags passed through */
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring_cqe_flags(&sqe, target.ring_fd, 7, 8,
					 IORING_MSG_RING_FLAGS_PASS, 0x50000);
	assert_int_equal(io_uring_register_sync_msg(&sqe), 0);
	t_reap(&target, &cqe, 1);
	assert_int_equal(cqe.user_data, 8);
	assert_int_equal(cqe.res, 7);
	assert_int_equal(cqe.flags, 0x50000);

	/* bad arguments */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(t_sync_msg(p[0], 1, 1, 0), -EBADFD);
	assert_int_equal(t_sync_msg(1000000, 1, 1, 0), -EBADF);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, target.ring_fd, 1, 1, 0);
	sqe.flags = IOSQE_ASYNC;		/* no SQE flags here */
	assert_int_equal(io_uring_register_sync_msg(&sqe), -EINVAL);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_nop(&sqe);		/* only MSG_RING */
	sqe.fd = target.ring_fd;
	assert_int_equal(io_uring_register_sync_msg(&sqe), -EINVAL);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring_fd(&sqe, target.ring_fd, p[0], 0, 1, 0);
	assert_int_equal(io_uring_register_sync_msg(&sqe), -EINVAL);
	/* a target that is still disabled */
	t_ring(&disabled, 4, IORING_SETUP_R_DISABLED);
	assert_int_equal(t_sync_msg(disabled.ring_fd, 1, 1, 0), -EBADFD);
	io_uring_queue_exit(&disabled);
	t_expect_no_cqe(&target, 20);

	io_uring_queue_exit(&target);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_msg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
