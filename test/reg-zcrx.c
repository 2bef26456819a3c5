/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy receive queues (io_uring_register_ifq()): the rings and
 * arguments refused, and the control call.
 */
#include "helpers.h"

#include <net/if.h>
#include <sys/mman.h>

/*
 * IORING_REGISTER_QUERY (6.18) for the number of register opcodes the
 * kernel knows, or -errno when it cannot say.
 */
static int kernel_register_ops(void)
{
	struct io_uring_query_opcode op;
	struct io_uring_query_hdr hdr;
	int ret;

	memset(&op, 0, sizeof(op));
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_data = (unsigned long) &op;
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.size = sizeof(op);
	ret = io_uring_register_query(&hdr);
	if (ret)
		return ret;
	if (hdr.result)
		return hdr.result;
	return (int) op.nr_register_opcodes;
}

struct zcrx_mem {
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_zcrx_area_reg area;
	struct io_uring_region_desc rd;
	void *area_mem;
	size_t area_len;
};

static void zcrx_init(struct zcrx_mem *z, unsigned if_idx)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(z, 0, sizeof(*z));
	z->area_len = 16 * (size_t) page;
	z->area_mem = mmap(NULL, z->area_len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(z->area_mem != MAP_FAILED);
	z->area.addr = (unsigned long) z->area_mem;
	z->area.len = z->area_len;
	z->rd.size = (__u64) page;
	z->reg.if_idx = if_idx;
	z->reg.if_rxq = 0;
	z->reg.rq_entries = 64;
	z->reg.area_ptr = (unsigned long) &z->area;
	z->reg.region_ptr = (unsigned long) &z->rd;
}

static void zcrx_fini(struct zcrx_mem *z)
{
	munmap(z->area_mem, z->area_len);
}

static void zcrx_ring(struct io_uring *ring, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_params(ring, 8, &p);
}

static void test_zcrx_ifq(void **state)
{
	struct io_uring ring, plain;
	struct zcrx_mem z;
	unsigned lo = if_nametoindex("lo");
	int ret;

	zcrx_ring(&ring, IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQE32);
	/* a NULL region pointer: -EFAULT once the kernel reads arguments */
	zcrx_init(&z, lo);
	z.reg.region_ptr = 0;
	ret = io_uring_register_ifq(&ring, &z.reg);
	if (ret == -EINVAL || ret == -EOPNOTSUPP || ret == -EPERM) {
		io_uring_queue_exit(&ring);
		zcrx_fini(&z);
		T_SKIP("IORING_REGISTER_ZCRX_IFQ: kernel answers %d", ret);
	}
	assert_int_equal(ret, -EFAULT);
	zcrx_fini(&z);

	/* rings without DEFER_TASKRUN, or without 32-byte CQEs */
	zcrx_init(&z, lo);
	t_ring(&plain, 8, 0);
	assert_int_equal(io_uring_register_ifq(&plain, &z.reg), -EINVAL);
	io_uring_queue_exit(&plain);
	zcrx_ring(&plain, IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_SINGLE_ISSUER);
	assert_int_equal(io_uring_register_ifq(&plain, &z.reg), -EINVAL);
	io_uring_queue_exit(&plain);

	/* bad registrations */
	z.reg.rq_entries = 0;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.rq_entries = 32769;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.rq_entries = 64;
	z.reg.if_rxq = ~0U;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.if_rxq = 0;
	z.reg.__resv[1] = 1;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.__resv[1] = 0;
	z.reg.zcrx_id = 3;			/* output only */
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.zcrx_id = 0;
	z.reg.area_ptr = 0;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EFAULT);
	z.reg.area_ptr = (unsigned long) &z.area;

	/* an interface that does not exist */
	z.reg.if_idx = 0x7ffffff0;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -ENODEV);

	/* the real thing needs a NIC queue; loopback has none */
	z.reg.if_idx = lo;
	ret = io_uring_register_ifq(&ring, &z.reg);
	io_uring_queue_exit(&ring);
	zcrx_fini(&z);
	if (ret)
		T_SKIP("no NIC for zero-copy receive: on lo the kernel "
		       "answers %d", ret);
}

static void test_zcrx_ctrl(void **state)
{
	struct zcrx_ctrl ctrl;
	struct io_uring ring;
	int nr_ops = kernel_register_ops();

	t_ring(&ring, 4, 0);
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.zcrx_id = 0;
	ctrl.op = ZCRX_CTRL_FLUSH_RQ;
	if (nr_ops <= IORING_REGISTER_ZCRX_CTRL) {
		/* the kernel does not know the opcode at all */
		assert_int_equal(io_uring_register_zcrx_ctrl(&ring, &ctrl),
				 -EINVAL);
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_ZCRX_CTRL: kernel answers %d (knows "
		       "%d register opcodes)", -EINVAL, nr_ops);
	}
	/* no zero-copy receive queue with that id */
	assert_int_equal(io_uring_register_zcrx_ctrl(&ring, &ctrl), -ENXIO);
	ctrl.zcrx_id = 77;
	assert_int_equal(io_uring_register_zcrx_ctrl(&ring, &ctrl), -ENXIO);
	/* the argument count must be 0 */
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_ZCRX_CTRL, &ctrl,
					   1), -EINVAL);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zcrx_ifq),
		cmocka_unit_test(test_zcrx_ctrl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
