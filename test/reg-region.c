/* SPDX-License-Identifier: MIT */
/*
 * Memory regions (io_uring_register_region()): one the kernel allocates
 * and the program maps through the ring fd, and wait arguments the
 * kernel reads from a registered region.
 */
#include "helpers.h"

#include <sys/mman.h>

static int region_reg(struct io_uring *ring, struct io_uring_region_desc *rd,
		      __u64 flags)
{
	struct io_uring_mem_region_reg mr;

	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (unsigned long) rd;
	mr.flags = flags;
	return io_uring_register_region(ring, &mr);
}

/* A region the kernel allocates, mapped through the ring fd. */
static void test_region_kernel_memory(void **state)
{
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;
	struct io_uring ring;
	unsigned char *mem;
	long page = sysconf(_SC_PAGESIZE);
	int ret, i;

	t_ring(&ring, 4, 0);
	memset(&rd, 0, sizeof(rd));
	rd.size = (__u64) page;
	ret = region_reg(&ring, &rd, 0);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_MEM_REGION (Linux 6.13): kernel "
		       "answers %d", ret);
	}
	assert_int_equal(ret, 0);
	/* the kernel says where to map it */
	assert_true(rd.mmap_offset != 0);
	mem = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE, MAP_SHARED,
		   ring.ring_fd, (off_t) rd.mmap_offset);
	assert_true(mem != MAP_FAILED);
	for (i = 0; i < page; i++)
		assert_int_equal(mem[i], 0);
	memset(mem, 0xab, (size_t) page);
	assert_int_equal(munmap(mem, (size_t) page), 0);

	/* one region per ring */
	memset(&rd, 0, sizeof(rd));
	rd.size = (__u64) page;
	assert_int_equal(region_reg(&ring, &rd, 0), -EBUSY);
	io_uring_queue_exit(&ring);

	/* bad descriptions */
	t_ring(&ring, 4, 0);
	memset(&rd, 0, sizeof(rd));
	/* size 0 */
	assert_int_equal(region_reg(&ring, &rd, 0), -EINVAL);
	rd.size = (__u64) page;
	rd.id = 1;
	assert_int_equal(region_reg(&ring, &rd, 0), -EINVAL);
	rd.id = 0;
	rd.mmap_offset = 4096;
	assert_int_equal(region_reg(&ring, &rd, 0), -EINVAL);
	rd.mmap_offset = 0;
	rd.flags = 1U << 7;
	assert_int_equal(region_reg(&ring, &rd, 0), -EINVAL);
	rd.flags = 0;
	rd.size = (__u64) page + 1;	/* unaligned */
	assert_int_equal(region_reg(&ring, &rd, 0), -EINVAL);
	rd.size = (__u64) page;
	assert_int_equal(region_reg(&ring, &rd, 1U << 9), -EINVAL);
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (unsigned long) &rd;
	mr.__resv[1] = 1;
	assert_int_equal(io_uring_register_region(&ring, &mr), -EINVAL);
	/* wait arguments only on a ring that is still disabled */
	assert_int_equal(region_reg(&ring, &rd, IORING_MEM_REGION_REG_WAIT_ARG),
			 -EINVAL);
	/* after all that, a good one still fits */
	assert_int_equal(region_reg(&ring, &rd, 0), 0);
	io_uring_queue_exit(&ring);
}

/* Wait arguments read by the kernel from a registered region. */
static void test_region_wait_args(void **state)
{
	struct io_uring_reg_wait *rw;
	struct io_uring_region_desc rd;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t start, ms;
	int ret;

	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);
	rw = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(rw != MAP_FAILED);
	ret = io_uring_register_wait_reg(&ring, rw, 2);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		munmap(rw, (size_t) page);
		T_SKIP("IORING_REGISTER_MEM_REGION (Linux 6.13): kernel "
		       "answers %d", ret);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(io_uring_register_wait_reg(&ring, rw, 0), -EINVAL);
	/* user memory that is not page aligned */
	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (unsigned long) rw + 64;
	rd.size = (__u64) page;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	assert_int_equal(region_reg(&ring, &rd, 0), -EBUSY);
	assert_int_equal(io_uring_enable_rings(&ring), 0);

	/* slot 1: a 60 ms timeout */
	rw[1].ts.tv_sec = 0;
	rw[1].ts.tv_nsec = 60 * 1000000;
	rw[1].flags = IORING_REG_WAIT_TS;
	start = t_now_ns();
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1, 1);
	ms = t_ms_since(start);
	assert_int_equal(ret, -ETIME);
	assert_true(ms >= 50 && ms < 3000);

	/* slot 0 untouched: no timeout, but a NOP completes the wait */
	io_uring_prep_nop(t_get_sqe(&ring));
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0);
	assert_true(ret == 0 || ret == 1);	/* 1: the NOP it submitted */
	assert_int_equal(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);

	/* an index past the region */
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1,
					   (int) (page / sizeof(*rw)));
	assert_int_equal(ret, -EFAULT);

	io_uring_queue_exit(&ring);
	munmap(rw, (size_t) page);

	/* a misaligned user region on a fresh disabled ring */
	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);
	rw = mmap(NULL, 2 * (size_t) page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(rw != MAP_FAILED);
	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (unsigned long) rw + 64;
	rd.size = (__u64) page;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	assert_int_equal(region_reg(&ring, &rd, IORING_MEM_REGION_REG_WAIT_ARG),
			 -EINVAL);
	rd.user_addr = (unsigned long) rw;
	assert_int_equal(region_reg(&ring, &rd, IORING_MEM_REGION_REG_WAIT_ARG),
			 0);
	io_uring_queue_exit(&ring);
	munmap(rw, 2 * (size_t) page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_kernel_memory),
		cmocka_unit_test(test_region_wait_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
