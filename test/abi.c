/* SPDX-License-Identifier: MIT */
/*
 * The binary interface: kernel ABI structure sizes and the layout of
 * struct io_uring that binaries built against liburing read directly.
 */
#include "helpers.h"

#include <stddef.h>

#define ASSERT_LAYOUT(type, field, off, size)				\
	do {								\
		assert_int_equal(offsetof(struct type, field), off);	\
		assert_int_equal(sizeof(((struct type *) 0)->field), size); \
	} while (0)

static void test_kernel_struct_sizes(void **state)
{
	assert_int_equal(sizeof(struct io_uring_sqe), 64);
	assert_int_equal(sizeof(struct io_uring_cqe), 16);
	assert_int_equal(sizeof(struct io_uring_params), 120);
	assert_int_equal(sizeof(struct io_sqring_offsets), 40);
	assert_int_equal(sizeof(struct io_cqring_offsets), 40);
	assert_int_equal(sizeof(struct io_uring_probe), 16);
	assert_int_equal(sizeof(struct io_uring_probe_op), 8);
	assert_int_equal(sizeof(struct io_uring_restriction), 16);
	assert_int_equal(sizeof(struct io_uring_files_update), 16);
	assert_int_equal(sizeof(struct io_uring_rsrc_register), 32);
	assert_int_equal(sizeof(struct io_uring_rsrc_update), 16);
	assert_int_equal(sizeof(struct io_uring_rsrc_update2), 32);
	assert_int_equal(sizeof(struct io_uring_buf), 16);
	assert_int_equal(sizeof(struct io_uring_buf_ring), 16);
	assert_int_equal(sizeof(struct io_uring_buf_reg), 40);
	assert_int_equal(sizeof(struct io_uring_buf_status), 40);
	assert_int_equal(sizeof(struct io_uring_getevents_arg), 24);
	assert_int_equal(sizeof(struct io_uring_sync_cancel_reg), 64);
	assert_int_equal(sizeof(struct io_uring_file_index_range), 16);
	assert_int_equal(sizeof(struct io_uring_recvmsg_out), 16);
	assert_int_equal(sizeof(struct io_uring_napi), 16);
	assert_int_equal(sizeof(struct io_uring_clock_register), 16);
	assert_int_equal(sizeof(struct io_uring_clone_buffers), 32);
	assert_int_equal(sizeof(struct io_uring_reg_wait), 64);
	assert_int_equal(sizeof(struct io_uring_region_desc), 64);
	assert_int_equal(sizeof(struct io_uring_mem_region_reg), 32);
	assert_int_equal(sizeof(struct io_uring_attr_pi), 32);
}

static void test_sqe_field_offsets(void **state)
{
	ASSERT_LAYOUT(io_uring_sqe, opcode, 0, 1);
	ASSERT_LAYOUT(io_uring_sqe, flags, 1, 1);
	ASSERT_LAYOUT(io_uring_sqe, ioprio, 2, 2);
	ASSERT_LAYOUT(io_uring_sqe, fd, 4, 4);
	ASSERT_LAYOUT(io_uring_sqe, off, 8, 8);
	ASSERT_LAYOUT(io_uring_sqe, cmd_op, 8, 4);
	ASSERT_LAYOUT(io_uring_sqe, addr, 16, 8);
	ASSERT_LAYOUT(io_uring_sqe, level, 16, 4);
	ASSERT_LAYOUT(io_uring_sqe, optname, 20, 4);
	ASSERT_LAYOUT(io_uring_sqe, len, 24, 4);
	ASSERT_LAYOUT(io_uring_sqe, rw_flags, 28, 4);
	ASSERT_LAYOUT(io_uring_sqe, user_data, 32, 8);
	ASSERT_LAYOUT(io_uring_sqe, buf_index, 40, 2);
	ASSERT_LAYOUT(io_uring_sqe, personality, 42, 2);
	ASSERT_LAYOUT(io_uring_sqe, file_index, 44, 4);
	ASSERT_LAYOUT(io_uring_sqe, addr_len, 44, 2);
	ASSERT_LAYOUT(io_uring_sqe, optlen, 44, 4);
	ASSERT_LAYOUT(io_uring_sqe, addr3, 48, 8);
	ASSERT_LAYOUT(io_uring_sqe, optval, 48, 8);
	assert_int_equal(offsetof(struct io_uring_sqe, cmd), 48);
	ASSERT_LAYOUT(io_uring_cqe, user_data, 0, 8);
	ASSERT_LAYOUT(io_uring_cqe, res, 8, 4);
	ASSERT_LAYOUT(io_uring_cqe, flags, 12, 4);
	assert_int_equal(offsetof(struct io_uring_cqe, big_cqe), 16);
}

/* Offsets from liburing's header (shared/reference layout, x86-64). */
static void test_struct_io_uring_layout(void **state)
{
	assert_int_equal(sizeof(struct io_uring_sq), 104);
	ASSERT_LAYOUT(io_uring_sq, khead, 0, 8);
	ASSERT_LAYOUT(io_uring_sq, ktail, 8, 8);
	ASSERT_LAYOUT(io_uring_sq, kring_mask, 16, 8);
	ASSERT_LAYOUT(io_uring_sq, kring_entries, 24, 8);
	ASSERT_LAYOUT(io_uring_sq, kflags, 32, 8);
	ASSERT_LAYOUT(io_uring_sq, kdropped, 40, 8);
	ASSERT_LAYOUT(io_uring_sq, array, 48, 8);
	ASSERT_LAYOUT(io_uring_sq, sqes, 56, 8);
	ASSERT_LAYOUT(io_uring_sq, sqe_head, 64, 4);
	ASSERT_LAYOUT(io_uring_sq, sqe_tail, 68, 4);
	ASSERT_LAYOUT(io_uring_sq, ring_sz, 72, 8);
	ASSERT_LAYOUT(io_uring_sq, ring_ptr, 80, 8);
	ASSERT_LAYOUT(io_uring_sq, ring_mask, 88, 4);
	ASSERT_LAYOUT(io_uring_sq, ring_entries, 92, 4);
	ASSERT_LAYOUT(io_uring_sq, sqes_sz, 96, 4);
	ASSERT_LAYOUT(io_uring_sq, sqe_limit, 100, 4);

	assert_int_equal(sizeof(struct io_uring_cq), 88);
	ASSERT_LAYOUT(io_uring_cq, khead, 0, 8);
	ASSERT_LAYOUT(io_uring_cq, ktail, 8, 8);
	ASSERT_LAYOUT(io_uring_cq, kring_mask, 16, 8);
	ASSERT_LAYOUT(io_uring_cq, kring_entries, 24, 8);
	ASSERT_LAYOUT(io_uring_cq, kflags, 32, 8);
	ASSERT_LAYOUT(io_uring_cq, koverflow, 40, 8);
	ASSERT_LAYOUT(io_uring_cq, cqes, 48, 8);
	ASSERT_LAYOUT(io_uring_cq, ring_sz, 56, 8);
	ASSERT_LAYOUT(io_uring_cq, ring_ptr, 64, 8);
	ASSERT_LAYOUT(io_uring_cq, ring_mask, 72, 4);
	ASSERT_LAYOUT(io_uring_cq, ring_entries, 76, 4);
	ASSERT_LAYOUT(io_uring_cq, pad, 80, 8);

	assert_int_equal(sizeof(struct io_uring), 216);
	ASSERT_LAYOUT(io_uring, sq, 0, 104);
	ASSERT_LAYOUT(io_uring, cq, 104, 88);
	ASSERT_LAYOUT(io_uring, flags, 192, 4);
	ASSERT_LAYOUT(io_uring, ring_fd, 196, 4);
	ASSERT_LAYOUT(io_uring, features, 200, 4);
	ASSERT_LAYOUT(io_uring, enter_ring_fd, 204, 4);
	ASSERT_LAYOUT(io_uring, int_flags, 208, 1);
	ASSERT_LAYOUT(io_uring, pad, 209, 3);
	ASSERT_LAYOUT(io_uring, pad2, 212, 4);
}

/* Old binaries read kring_mask/kring_entries, newer ones the values. */
static void test_both_mask_forms_filled(void **state)
{
	struct io_uring ring;

	t_ring(&ring, 8, 0);
	assert_non_null(ring.sq.kring_mask);
	assert_non_null(ring.cq.kring_entries);
	assert_int_equal(*ring.sq.kring_mask, ring.sq.ring_mask);
	assert_int_equal(*ring.sq.kring_entries, ring.sq.ring_entries);
	assert_int_equal(*ring.cq.kring_mask, ring.cq.ring_mask);
	assert_int_equal(*ring.cq.kring_entries, ring.cq.ring_entries);
	assert_int_equal(ring.sq.ring_entries, 8);
	assert_int_equal(ring.sq.ring_mask, 7);
	assert_int_equal(ring.cq.ring_entries, 16);
	assert_int_equal(ring.cq.ring_mask, 15);
	assert_int_equal(ring.sq.sqes_sz, 8 * sizeof(struct io_uring_sqe));
	io_uring_queue_exit(&ring);
}

static void test_opcode_count(void **state)
{
	/* IORING_OP_PIPE is 62 in every kernel since 6.16. */
	assert_int_equal(IORING_OP_PIPE, 62);
	assert_int_equal(IORING_OP_NOP128, 63);
	assert_int_equal(IORING_REGISTER_QUERY, 35);
	assert_int_equal(IORING_SETUP_NO_SQARRAY, 1U << 16);
	assert_int_equal(IORING_SETUP_CQE_MIXED, 1U << 18);
	assert_int_equal(IORING_FEAT_NO_IOWAIT, 1U << 17);
}

static void test_version(void **state)
{
	assert_int_equal(io_uring_major_version(), IO_URING_VERSION_MAJOR);
	assert_int_equal(io_uring_minor_version(), IO_URING_VERSION_MINOR);
	assert_int_equal(IO_URING_VERSION_MAJOR, 2);
	assert_int_equal(IO_URING_VERSION_MINOR, 15);
	/* true means "this library is older than asked" */
	assert_false(io_uring_check_version(2, 0));
	assert_false(io_uring_check_version(2, 15));
	assert_true(io_uring_check_version(2, 16));
	assert_true(io_uring_check_version(3, 0));
	assert_false(IO_URING_CHECK_VERSION(2, 15));
	assert_true(IO_URING_CHECK_VERSION(2, 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_struct_sizes),
		cmocka_unit_test(test_sqe_field_offsets),
		cmocka_unit_test(test_struct_io_uring_layout),
		cmocka_unit_test(test_both_mask_forms_filled),
		cmocka_unit_test(test_opcode_count),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
