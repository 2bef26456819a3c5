/* SPDX-License-Identifier: MIT */
/*
 * NAPI busy polling (io_uring_register_napi()): settings registered, read
 * back and taken away, and the bad ones refused.
 */
#include "helpers.h"

static int napi_reg(struct io_uring *ring, struct io_uring_napi *napi,
		    unsigned busy, unsigned prefer, unsigned opcode,
		    unsigned param)
{
	memset(napi, 0, sizeof(*napi));
	napi->busy_poll_to = busy;
	napi->prefer_busy_poll = (__u8) prefer;
	napi->opcode = (__u8) opcode;
	napi->op_param = param;
	return io_uring_register_napi(ring, napi);
}

static void test_napi(void **state)
{
	struct io_uring_napi napi;
	struct io_uring ring, iopoll;
	bool tracking;
	int ret;

	t_ring(&ring, 4, 0);
	ret = napi_reg(&ring, &napi, 100, 1, IO_URING_NAPI_REGISTER_OP,
		       IO_URING_NAPI_TRACKING_DYNAMIC);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_NAPI (Linux 6.9): kernel answers %d",
		       ret);
	}
	assert_int_equal(ret, 0);
	/* the previous settings come back: none */
	assert_int_equal(napi.busy_poll_to, 0);
	assert_int_equal(napi.prefer_busy_poll, 0);
	/* kernels with tracking modes (6.13) report "inactive" */
	tracking = napi.op_param == IO_URING_NAPI_TRACKING_INACTIVE;
	if (!tracking)
		assert_int_equal(napi.op_param, 0);

	assert_int_equal(napi_reg(&ring, &napi, 250, 0,
				  IO_URING_NAPI_REGISTER_OP,
				  IO_URING_NAPI_TRACKING_DYNAMIC), 0);
	assert_int_equal(napi.busy_poll_to, 100);
	assert_int_equal(napi.prefer_busy_poll, 1);
	if (tracking)
		assert_int_equal(napi.op_param, IO_URING_NAPI_TRACKING_DYNAMIC);

	/* reserved bytes */
	memset(&napi, 0, sizeof(napi));
	napi.pad[1] = 1;
	assert_int_equal(io_uring_register_napi(&ring, &napi), -EINVAL);
	memset(&napi, 0, sizeof(napi));
	napi.resv = 1;
	assert_int_equal(io_uring_register_napi(&ring, &napi), -EINVAL);

	if (tracking) {
		/* unknown operation and strategy */
		assert_int_equal(napi_reg(&ring, &napi, 0, 0, 9, 0), -EINVAL);
		assert_int_equal(napi_reg(&ring, &napi, 0, 0,
					  IO_URING_NAPI_REGISTER_OP, 7),
				 -EINVAL);
		/* static ids need static tracking */
		assert_int_equal(napi_reg(&ring, &napi, 0, 0,
					  IO_URING_NAPI_STATIC_ADD_ID, 9999),
				 -EINVAL);
		assert_int_equal(napi_reg(&ring, &napi, 250, 0,
					  IO_URING_NAPI_REGISTER_OP,
					  IO_URING_NAPI_TRACKING_STATIC), 0);
		/* id 0 is never a NAPI id */
		assert_int_equal(napi_reg(&ring, &napi, 0, 0,
					  IO_URING_NAPI_STATIC_ADD_ID, 0),
				 -EINVAL);
	}

	/* unregistering hands back what was set, then clears it */
	memset(&napi, 0xff, sizeof(napi));
	assert_int_equal(io_uring_unregister_napi(&ring, &napi), 0);
	assert_int_equal(napi.busy_poll_to, 250);
	assert_int_equal(napi.prefer_busy_poll, 0);
	assert_int_equal(io_uring_unregister_napi(&ring, NULL), 0);
	assert_int_equal(napi_reg(&ring, &napi, 10, 0,
				  IO_URING_NAPI_REGISTER_OP, 0), 0);
	assert_int_equal(napi.busy_poll_to, 0);
	io_uring_queue_exit(&ring);

	/* not on polled-I/O rings */
	t_ring(&iopoll, 4, IORING_SETUP_IOPOLL);
	assert_int_equal(napi_reg(&iopoll, &napi, 10, 0,
				  IO_URING_NAPI_REGISTER_OP, 0), -EINVAL);
	io_uring_queue_exit(&iopoll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_napi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
