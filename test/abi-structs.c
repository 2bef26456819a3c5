/* SPDX-License-Identifier: MIT */
/*
 * Layout of the newer register-time structures (queries, memory regions,
 * zero-copy receive, NAPI, BPF filters) as the kernel's uapi headers lay
 * them out, field by field, plus the constants that go with them.  Where
 * the running kernel reports a size itself, that is checked too.
 */
#include "helpers.h"

#include <errno.h>
#include <stddef.h>

#define LAYOUT(type, field, off, size)					\
	do {								\
		assert_int_equal(offsetof(struct type, field), off);	\
		assert_int_equal(sizeof(((struct type *) 0)->field), size); \
	} while (0)

static void test_query_structs(void **state)
{
	assert_int_equal(sizeof(struct io_uring_query_hdr), 40);
	LAYOUT(io_uring_query_hdr, next_entry, 0, 8);
	LAYOUT(io_uring_query_hdr, query_data, 8, 8);
	LAYOUT(io_uring_query_hdr, query_op, 16, 4);
	LAYOUT(io_uring_query_hdr, size, 20, 4);
	LAYOUT(io_uring_query_hdr, result, 24, 4);
	LAYOUT(io_uring_query_hdr, __resv, 28, 12);

	assert_int_equal(sizeof(struct io_uring_query_opcode), 48);
	LAYOUT(io_uring_query_opcode, nr_request_opcodes, 0, 4);
	LAYOUT(io_uring_query_opcode, nr_register_opcodes, 4, 4);
	LAYOUT(io_uring_query_opcode, feature_flags, 8, 8);
	LAYOUT(io_uring_query_opcode, ring_setup_flags, 16, 8);
	LAYOUT(io_uring_query_opcode, enter_flags, 24, 8);
	LAYOUT(io_uring_query_opcode, sqe_flags, 32, 8);
	LAYOUT(io_uring_query_opcode, nr_query_opcodes, 40, 4);

	assert_int_equal(sizeof(struct io_uring_query_zcrx), 40);
	LAYOUT(io_uring_query_zcrx, register_flags, 0, 8);
	LAYOUT(io_uring_query_zcrx, area_flags, 8, 8);
	LAYOUT(io_uring_query_zcrx, nr_ctrl_opcodes, 16, 4);
	LAYOUT(io_uring_query_zcrx, features, 20, 4);
	LAYOUT(io_uring_query_zcrx, rq_hdr_size, 24, 4);
	LAYOUT(io_uring_query_zcrx, rq_hdr_alignment, 28, 4);
	assert_int_equal(sizeof(struct io_uring_query_scq), 16);
	LAYOUT(io_uring_query_scq, hdr_alignment, 8, 8);

	assert_int_equal(IORING_REGISTER_QUERY, 35);
	assert_int_equal(IO_URING_QUERY_OPCODES, 0);
	assert_int_equal(IO_URING_QUERY_ZCRX, 1);
	assert_int_equal(IO_URING_QUERY_SCQ, 2);
}

/* The kernel reports how much of io_uring_query_opcode it fills. */
static void test_query_opcode_size_matches_kernel(void **state)
{
	struct io_uring_query_hdr hdr;
	unsigned char buf[256];
	int ret;

	memset(&hdr, 0, sizeof(hdr));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (unsigned long) buf;
	hdr.size = sizeof(buf);
	ret = io_uring_register_query(&hdr);
	if (ret == -EINVAL || ret == -EBADF)
		T_SKIP("IORING_REGISTER_QUERY (Linux 6.18): kernel answers %d",
		       ret);
	assert_int_equal(ret, 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(hdr.size, sizeof(struct io_uring_query_opcode));
}

static void test_region_structs(void **state)
{
	assert_int_equal(sizeof(struct io_uring_region_desc), 64);
	LAYOUT(io_uring_region_desc, user_addr, 0, 8);
	LAYOUT(io_uring_region_desc, size, 8, 8);
	LAYOUT(io_uring_region_desc, flags, 16, 4);
	LAYOUT(io_uring_region_desc, id, 20, 4);
	LAYOUT(io_uring_region_desc, mmap_offset, 24, 8);
	LAYOUT(io_uring_region_desc, __resv, 32, 32);

	assert_int_equal(sizeof(struct io_uring_mem_region_reg), 32);
	LAYOUT(io_uring_mem_region_reg, region_uptr, 0, 8);
	LAYOUT(io_uring_mem_region_reg, flags, 8, 8);
	LAYOUT(io_uring_mem_region_reg, __resv, 16, 16);

	assert_int_equal(IORING_REGISTER_MEM_REGION, 34);
	assert_int_equal(IORING_MEM_REGION_TYPE_USER, 1);
	assert_int_equal(IORING_MEM_REGION_REG_WAIT_ARG, 1);
	assert_int_equal(sizeof(struct io_uring_reg_wait), 64);
	LAYOUT(io_uring_reg_wait, min_wait_usec, 16, 4);
	LAYOUT(io_uring_reg_wait, flags, 20, 4);
	LAYOUT(io_uring_reg_wait, sigmask, 24, 8);
	LAYOUT(io_uring_reg_wait, sigmask_sz, 32, 4);
}

static void test_zcrx_structs(void **state)
{
	assert_int_equal(sizeof(struct io_uring_zcrx_rqe), 16);
	LAYOUT(io_uring_zcrx_rqe, off, 0, 8);
	LAYOUT(io_uring_zcrx_rqe, len, 8, 4);
	assert_int_equal(sizeof(struct io_uring_zcrx_cqe), 16);
	LAYOUT(io_uring_zcrx_cqe, off, 0, 8);

	assert_int_equal(sizeof(struct io_uring_zcrx_offsets), 32);
	LAYOUT(io_uring_zcrx_offsets, head, 0, 4);
	LAYOUT(io_uring_zcrx_offsets, tail, 4, 4);
	LAYOUT(io_uring_zcrx_offsets, rqes, 8, 4);

	assert_int_equal(sizeof(struct io_uring_zcrx_area_reg), 48);
	LAYOUT(io_uring_zcrx_area_reg, addr, 0, 8);
	LAYOUT(io_uring_zcrx_area_reg, len, 8, 8);
	LAYOUT(io_uring_zcrx_area_reg, rq_area_token, 16, 8);
	LAYOUT(io_uring_zcrx_area_reg, flags, 24, 4);
	LAYOUT(io_uring_zcrx_area_reg, dmabuf_fd, 28, 4);
	LAYOUT(io_uring_zcrx_area_reg, __resv2, 32, 16);

	assert_int_equal(sizeof(struct io_uring_zcrx_ifq_reg), 96);
	LAYOUT(io_uring_zcrx_ifq_reg, if_idx, 0, 4);
	LAYOUT(io_uring_zcrx_ifq_reg, if_rxq, 4, 4);
	LAYOUT(io_uring_zcrx_ifq_reg, rq_entries, 8, 4);
	LAYOUT(io_uring_zcrx_ifq_reg, flags, 12, 4);
	LAYOUT(io_uring_zcrx_ifq_reg, area_ptr, 16, 8);
	LAYOUT(io_uring_zcrx_ifq_reg, region_ptr, 24, 8);
	LAYOUT(io_uring_zcrx_ifq_reg, offsets, 32, 32);
	LAYOUT(io_uring_zcrx_ifq_reg, zcrx_id, 64, 4);
	LAYOUT(io_uring_zcrx_ifq_reg, rx_buf_len, 68, 4);
	LAYOUT(io_uring_zcrx_ifq_reg, event_desc, 72, 8);
	LAYOUT(io_uring_zcrx_ifq_reg, __resv, 80, 16);

	assert_int_equal(sizeof(struct zcrx_ctrl), 72);
	LAYOUT(zcrx_ctrl, zcrx_id, 0, 4);
	LAYOUT(zcrx_ctrl, op, 4, 4);
	LAYOUT(zcrx_ctrl, zc_export, 24, 48);
	LAYOUT(zcrx_ctrl, zc_flush, 24, 48);
	LAYOUT(zcrx_ctrl_export, zcrx_fd, 0, 4);

	assert_int_equal(IORING_REGISTER_ZCRX_IFQ, 32);
	assert_int_equal(IORING_REGISTER_ZCRX_CTRL, 36);
	assert_int_equal(ZCRX_CTRL_FLUSH_RQ, 0);
	assert_int_equal(ZCRX_CTRL_EXPORT, 1);
	assert_int_equal(IORING_ZCRX_AREA_DMABUF, 1);
	assert_int_equal(IORING_ZCRX_AREA_SHIFT, 48);
	assert_true(IORING_ZCRX_AREA_MASK == 0xffff000000000000ULL);
}

static void test_napi_and_friends(void **state)
{
	assert_int_equal(sizeof(struct io_uring_napi), 16);
	LAYOUT(io_uring_napi, busy_poll_to, 0, 4);
	LAYOUT(io_uring_napi, prefer_busy_poll, 4, 1);
	LAYOUT(io_uring_napi, opcode, 5, 1);
	LAYOUT(io_uring_napi, pad, 6, 2);
	LAYOUT(io_uring_napi, op_param, 8, 4);
	LAYOUT(io_uring_napi, resv, 12, 4);
	assert_int_equal(IO_URING_NAPI_REGISTER_OP, 0);
	assert_int_equal(IO_URING_NAPI_STATIC_ADD_ID, 1);
	assert_int_equal(IO_URING_NAPI_STATIC_DEL_ID, 2);
	assert_int_equal(IO_URING_NAPI_TRACKING_DYNAMIC, 0);
	assert_int_equal(IO_URING_NAPI_TRACKING_STATIC, 1);
	assert_int_equal(IO_URING_NAPI_TRACKING_INACTIVE, 255);

	assert_int_equal(sizeof(struct io_uring_clock_register), 16);
	assert_int_equal(sizeof(struct io_uring_clone_buffers), 32);
	LAYOUT(io_uring_clone_buffers, src_off, 8, 4);
	LAYOUT(io_uring_clone_buffers, dst_off, 12, 4);
	LAYOUT(io_uring_clone_buffers, nr, 16, 4);
	assert_int_equal(sizeof(struct io_uring_sync_cancel_reg), 64);
	LAYOUT(io_uring_sync_cancel_reg, timeout, 16, 16);
	LAYOUT(io_uring_sync_cancel_reg, opcode, 32, 1);
	LAYOUT(io_uring_sync_cancel_reg, pad2, 40, 24);
	assert_int_equal(sizeof(struct io_uring_buf_status), 40);
	LAYOUT(io_uring_buf_status, head, 4, 4);
	assert_int_equal(sizeof(struct io_uring_buf_reg), 40);
	LAYOUT(io_uring_buf_reg, ring_entries, 8, 4);
	LAYOUT(io_uring_buf_reg, bgid, 12, 2);
	LAYOUT(io_uring_buf_reg, flags, 14, 2);
	LAYOUT(io_uring_buf_ring, tail, 14, 2);
	assert_int_equal(sizeof(struct io_uring_file_index_range), 16);
	assert_int_equal(IOU_PBUF_RING_MMAP, 1);
	assert_int_equal(IOU_PBUF_RING_INC, 2);
	assert_true(IORING_OFF_PBUF_RING == 0x80000000ULL);
	assert_int_equal(IORING_OFF_PBUF_SHIFT, 16);
}

static void test_bpf_filter_structs(void **state)
{
	/* filter programs load these by offset */
	assert_int_equal(sizeof(struct io_uring_bpf_ctx), 40);
	LAYOUT(io_uring_bpf_ctx, user_data, 0, 8);
	LAYOUT(io_uring_bpf_ctx, opcode, 8, 1);
	LAYOUT(io_uring_bpf_ctx, sqe_flags, 9, 1);
	LAYOUT(io_uring_bpf_ctx, pdu_size, 10, 1);
	LAYOUT(io_uring_bpf_ctx, socket, 16, 12);
	LAYOUT(io_uring_bpf_ctx, open, 16, 24);
	assert_int_equal(offsetof(struct io_uring_bpf_ctx, socket.protocol),
			 24);
	assert_int_equal(offsetof(struct io_uring_bpf_ctx, open.resolve), 32);

	assert_int_equal(sizeof(struct io_uring_bpf_filter), 64);
	LAYOUT(io_uring_bpf_filter, opcode, 0, 4);
	LAYOUT(io_uring_bpf_filter, flags, 4, 4);
	LAYOUT(io_uring_bpf_filter, filter_len, 8, 4);
	LAYOUT(io_uring_bpf_filter, pdu_size, 12, 1);
	LAYOUT(io_uring_bpf_filter, resv, 13, 3);
	LAYOUT(io_uring_bpf_filter, filter_ptr, 16, 8);
	LAYOUT(io_uring_bpf_filter, resv2, 24, 40);

	assert_int_equal(sizeof(struct io_uring_bpf), 72);
	LAYOUT(io_uring_bpf, cmd_type, 0, 2);
	LAYOUT(io_uring_bpf, cmd_flags, 2, 2);
	LAYOUT(io_uring_bpf, resv, 4, 4);
	LAYOUT(io_uring_bpf, filter, 8, 64);

	assert_int_equal(IORING_REGISTER_BPF_FILTER, 37);
	assert_int_equal(IO_URING_BPF_CMD_FILTER, 1);
	assert_int_equal(IO_URING_BPF_FILTER_DENY_REST, 1);
	assert_int_equal(IO_URING_BPF_FILTER_SZ_STRICT, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_structs),
		cmocka_unit_test(test_query_opcode_size_matches_kernel),
		cmocka_unit_test(test_region_structs),
		cmocka_unit_test(test_zcrx_structs),
		cmocka_unit_test(test_napi_and_friends),
		cmocka_unit_test(test_bpf_filter_structs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
