/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_sync_cancel(): cancelling by user_data, by fd and by
 * fixed-file index without an SQE, and its bad arguments.
 */
#include "helpers.h"

static void queue_pipe_read(struct io_uring *ring, int fd, bool fixed,
			    void *buf, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_queue_read(ring, fd, buf, 16, user_data);

	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	assert_int_equal(io_uring_submit(ring), 1);
}

static void cancel_reg_init(struct io_uring_sync_cancel_reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->timeout.tv_sec = 1;	/* bounded wait if cancel is slow */
}

static void test_sync_cancel(void **state)
{
	struct io_uring_sync_cancel_reg reg;
	struct io_uring ring;
	struct io_uring_cqe cqes[2];
	char buf[3][16];
	int p[2], ret;

	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);

	/* by user_data */
	queue_pipe_read(&ring, p[0], false, buf[0], 0x42);
	t_expect_no_cqe(&ring, 20);
	cancel_reg_init(&reg);
	reg.addr = 0x42;
	ret = io_uring_register_sync_cancel(&ring, &reg);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		close(p[0]);
		close(p[1]);
	}
	t_skip_if_einval(ret, IORING_OP_SEND_ZC,
			 "IORING_REGISTER_SYNC_CANCEL (Linux 6.0)");
	assert_int_equal(ret, 0);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 0x42);
	assert_int_equal(cqes[0].res, -ECANCELED);
	/* nothing left to match */
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -ENOENT);

	/* by fd, every match */
	queue_pipe_read(&ring, p[0], false, buf[1], 1);
	queue_pipe_read(&ring, p[0], false, buf[2], 2);
	t_expect_no_cqe(&ring, 20);
	cancel_reg_init(&reg);
	reg.fd = p[0];
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].res, -ECANCELED);
	assert_int_equal(cqes[1].res, -ECANCELED);
	assert_int_equal(cqes[0].user_data + cqes[1].user_data, 3);
	cancel_reg_init(&reg);
	reg.fd = p[0];
	reg.flags = IORING_ASYNC_CANCEL_FD;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -ENOENT);

	/* by fixed-file index */
	assert_int_equal(io_uring_register_files(&ring, &p[0], 1), 0);
	queue_pipe_read(&ring, 0, true, buf[0], 0x77);
	t_expect_no_cqe(&ring, 20);
	cancel_reg_init(&reg);
	reg.fd = 0;
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), 0);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 0x77);
	assert_int_equal(cqes[0].res, -ECANCELED);

	/* reserved fields and unknown flags */
	cancel_reg_init(&reg);
	reg.addr = 0x42;
	reg.pad2[1] = 1;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -EINVAL);
	cancel_reg_init(&reg);
	reg.addr = 0x42;
	reg.flags = 1U << 20;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -EINVAL);

	/* the ring carries on: data written now is read by a new request */
	queue_pipe_read(&ring, p[0], false, buf[0], 9);
	assert_int_equal(write(p[1], "ok", 2), 2);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 9);
	assert_int_equal(cqes[0].res, 2);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_cancel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
