/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_probe(): the opcode table the kernel reports, against
 * the query interface where there is one, in short and dirty buffers.
 */
#include "helpers.h"

#include <stdlib.h>

static void test_register_probe(void **state)
{
	struct io_uring_probe *p;
	struct io_uring ring;
	unsigned i;
	int nr_ops;

	t_ring(&ring, 4, 0);
	p = t_probe_alloc(256);
	assert_int_equal(io_uring_register_probe(&ring, p, 256), 0);
	/*
	 * The kernel fills as many entries as it knows opcodes: at least
	 * those of 5.6, which brought IORING_REGISTER_PROBE.
	 */
	assert_true(p->last_op >= IORING_OP_EPOLL_CTL);
	assert_int_equal(p->ops_len, p->last_op + 1);
	for (i = 0; i < p->ops_len; i++)
		assert_int_equal(p->ops[i].op, i);
	assert_true(p->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED);
	assert_true(p->ops[IORING_OP_READV].flags & IO_URING_OP_SUPPORTED);
	assert_true(io_uring_opcode_supported(p, IORING_OP_NOP));
	assert_false(io_uring_opcode_supported(p, p->last_op + 1));
	/* and agrees with the query interface where there is one */
	nr_ops = -1;
	{
		struct io_uring_query_opcode op;
		struct io_uring_query_hdr hdr;

		memset(&op, 0, sizeof(op));
		memset(&hdr, 0, sizeof(hdr));
		hdr.query_data = (unsigned long) &op;
		hdr.size = sizeof(op);
		if (io_uring_register_query(&hdr) == 0 && hdr.result == 0)
			nr_ops = (int) op.nr_request_opcodes;
	}
	if (nr_ops >= 0)
		assert_int_equal(nr_ops, p->last_op + 1);
	free(p);

	/* fewer entries than the kernel knows */
	p = t_probe_alloc(4);
	assert_int_equal(io_uring_register_probe(&ring, p, 4), 0);
	assert_int_equal(p->ops_len, 4);
	assert_int_equal(p->ops[3].op, 3);
	/* the buffer must come in zeroed */
	assert_int_equal(io_uring_register_probe(&ring, p, 4), -EINVAL);
	free(p);
	p = t_probe_alloc(257);
	assert_int_equal(io_uring_register_probe(&ring, p, 257), -EINVAL);
	assert_int_equal(io_uring_register_probe(&ring, NULL, 4), -EINVAL);
	free(p);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
