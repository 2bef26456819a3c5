/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_query() (Linux 6.18): what the kernel knows, answered
 * in chains, into short and long buffers, with or without a ring.
 */
#include "helpers.h"

static void query_hdr_init(struct io_uring_query_hdr *hdr, unsigned op,
			   void *data, unsigned size)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->query_op = op;
	hdr->query_data = (unsigned long) data;
	hdr->size = size;
}

static void test_query(void **state)
{
	struct io_uring_query_hdr hdr, next;
	struct io_uring_query_opcode op;
	struct io_uring_probe *probe;
	struct io_uring ring;
	unsigned char big[64];
	unsigned i;
	int ret;

	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	memset(&op, 0xee, sizeof(op));
	ret = io_uring_register_query(&hdr);
	if (t_no_such_blind_op(ret))
		T_SKIP("IORING_REGISTER_QUERY (Linux 6.18): kernel answers %d",
		       ret);
	assert_int_equal(ret, 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(hdr.size, sizeof(op));

	t_ring(&ring, 4, 0);
	probe = io_uring_get_probe_ring(&ring);
	assert_non_null(probe);
	assert_int_equal(op.nr_request_opcodes, probe->last_op + 1);
	io_uring_free_probe(probe);
	assert_true(op.nr_register_opcodes >= IORING_REGISTER_QUERY + 1);
	/* every feature a ring reports is in the kernel's list */
	assert_true((op.feature_flags & ring.features) == ring.features);
	assert_true(op.ring_setup_flags & IORING_SETUP_SQPOLL);
	assert_true(op.ring_setup_flags & IORING_SETUP_R_DISABLED);
	assert_true(op.enter_flags & IORING_ENTER_GETEVENTS);
	assert_true(op.enter_flags & IORING_ENTER_EXT_ARG);
	assert_true(op.sqe_flags == 0x7f);
	assert_true(op.nr_query_opcodes >= 1);

	/* a chain: the second entry asks for something unknown */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	query_hdr_init(&next, 1000, big, sizeof(big));
	hdr.next_entry = (unsigned long) &next;
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(next.result, -EOPNOTSUPP);
	assert_int_equal(next.size, 0);

	/* per-entry errors land in the entry, not in the return value */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	hdr.__resv[0] = 1;
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, -EINVAL);
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, 0);
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, -EINVAL);
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	hdr.result = 5;
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, -EINVAL);

	/* a short buffer gets what fits, nothing more */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, 0);
	memset(big, 0xee, sizeof(big));
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, 4);
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(hdr.size, 4);
	assert_memory_equal(big, &op.nr_request_opcodes, 4);
	assert_int_equal(big[4], 0xee);
	/* a long one gets the answer and zeroes after it */
	memset(big, 0xee, sizeof(big));
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, sizeof(big));
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.size, sizeof(op));
	assert_memory_equal(big, &op, sizeof(op));
	for (i = sizeof(op); i < sizeof(big); i++)
		assert_int_equal(big[i], 0);

	/* also through a ring; nr_args must be 0 */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, sizeof(big));
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_QUERY, &hdr, 0), 0);
	assert_int_equal(hdr.result, 0);
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, sizeof(big));
	assert_int_equal(io_uring_register(-1U, IORING_REGISTER_QUERY, &hdr,
					   1), -EINVAL);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
