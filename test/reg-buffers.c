/* SPDX-License-Identifier: MIT */
/*
 * Registered (fixed) buffers: READ_FIXED/WRITE_FIXED through the table,
 * sparse tables filled by update, tags posted when a buffer goes away,
 * cloning a table into another ring, and the errors of bad registrations.
 */
#include "helpers.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUF_SZ	4096

/* Run one fixed read or write; returns its cqe->res. */
static int fixed_io(struct io_uring *ring, bool write, int fd, void *buf,
		    unsigned len, __u64 off, int index)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe cqe;

	if (write)
		io_uring_prep_write_fixed(sqe, fd, buf, len, off, index);
	else
		io_uring_prep_read_fixed(sqe, fd, buf, len, off, index);
	sqe->user_data = 0xf1f1;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, 0xf1f1);
	assert_int_equal(cqe.flags, 0);
	return cqe.res;
}

/* Skip unless IORING_REGISTER_CLONE_BUFFERS (6.12) exists. */
static void require_clone(void)
{
	struct io_uring a, b;
	struct iovec iov;
	void *buf = t_page_buf(BUF_SZ, 0);
	int ret;

	t_ring(&a, 4, 0);
	t_ring(&b, 4, 0);
	iov.iov_base = buf;
	iov.iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&a, &iov, 1), 0);
	ret = io_uring_clone_buffers(&b, &a);
	io_uring_queue_exit(&a);
	io_uring_queue_exit(&b);
	free(buf);
	if (ret == -EINVAL)
		T_SKIP("IORING_REGISTER_CLONE_BUFFERS (Linux 6.12): kernel "
		       "answers %d", ret);
	assert_int_equal(ret, 0);
}

static void test_write_fixed_read_fixed(void **state)
{
	struct iovec iov[2];
	struct io_uring ring;
	char *src = t_page_buf(BUF_SZ, 1), *dst = t_page_buf(BUF_SZ, 2);
	char expect[BUF_SZ];
	int fd;

	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 8, 0);
	iov[0].iov_base = src;
	iov[0].iov_len = BUF_SZ;
	iov[1].iov_base = dst;
	iov[1].iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 2), 0);

	/* the whole of buffer 0 goes to the file */
	assert_int_equal(fixed_io(&ring, true, fd, src, BUF_SZ, 0, 0), BUF_SZ);
	assert_int_equal(pread(fd, expect, BUF_SZ, 0), BUF_SZ);
	assert_memory_equal(expect, src, BUF_SZ);

	/* and comes back into buffer 1 */
	memset(dst, 0, BUF_SZ);
	assert_int_equal(fixed_io(&ring, false, fd, dst, BUF_SZ, 0, 1),
			 BUF_SZ);
	assert_memory_equal(dst, src, BUF_SZ);

	/* a slice in the middle of a registered buffer */
	memset(dst, 0, BUF_SZ);
	assert_int_equal(fixed_io(&ring, false, fd, dst + 100, 200, 1000, 1),
			 200);
	assert_memory_equal(dst + 100, src + 1000, 200);
	assert_int_equal(dst[99], 0);
	assert_int_equal(dst[300], 0);

	/* an address outside the buffer named by the index */
	assert_int_equal(fixed_io(&ring, false, fd, dst, BUF_SZ, 0, 0),
			 -EFAULT);
	assert_int_equal(fixed_io(&ring, false, fd, dst + 1, BUF_SZ, 0, 1),
			 -EFAULT);
	/* an index past the table */
	assert_int_equal(fixed_io(&ring, false, fd, dst, 16, 0, 2),
			 -EFAULT);

	assert_int_equal(io_uring_unregister_buffers(&ring), 0);
	/* gone: the index no longer names anything */
	assert_int_equal(fixed_io(&ring, false, fd, dst, 16, 0, 1),
			 -EFAULT);
	assert_int_equal(io_uring_unregister_buffers(&ring), -ENXIO);

	io_uring_queue_exit(&ring);
	close(fd);
	free(src);
	free(dst);
}

static void test_sparse_filled_by_update(void **state)
{
	struct io_uring ring;
	struct iovec iov, none = { NULL, 0 };
	char *buf = t_page_buf(BUF_SZ, 3), *data = t_page_buf(BUF_SZ, 4);
	int fd;

	fd = t_tmpfile(NULL, 0, data, BUF_SZ);
	t_require_rsrc_sparse();
	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_register_buffers_sparse(&ring, 4), 0);

	/* every slot starts empty */
	assert_int_equal(fixed_io(&ring, false, fd, buf, 64, 0, 2),
			 -EFAULT);

	iov.iov_base = buf;
	iov.iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 2, &iov,
							      NULL, 1), 1);
	memset(buf, 0, BUF_SZ);
	assert_int_equal(fixed_io(&ring, false, fd, buf, BUF_SZ, 0, 2),
			 BUF_SZ);
	assert_memory_equal(buf, data, BUF_SZ);
	/* the neighbours stay empty */
	assert_int_equal(fixed_io(&ring, false, fd, buf, 64, 0, 1),
			 -EFAULT);
	assert_int_equal(fixed_io(&ring, false, fd, buf, 64, 0, 3),
			 -EFAULT);

	/* a NULL, zero-length iovec empties the slot again */
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 2, &none,
							      NULL, 1), 1);
	assert_int_equal(fixed_io(&ring, false, fd, buf, 64, 0, 2),
			 -EFAULT);

	/* the last slot can be filled, one past it cannot */
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 3, &iov,
							      NULL, 1), 1);
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 4, &iov,
							      NULL, 1),
			 -EINVAL);
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 3, &iov,
							      NULL, 2),
			 -EINVAL);

	io_uring_queue_exit(&ring);
	close(fd);
	free(buf);
	free(data);
}

static void test_tags_post_cqes(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe, cqes[2];
	struct iovec iov[2], repl;
	__u64 tags[2] = { 0x1111, 0 }, repl_tag = 0x3333;
	char *a = t_page_buf(BUF_SZ, 5), *b = t_page_buf(BUF_SZ, 6);
	char *c = t_page_buf(BUF_SZ, 7);
	bool posts;

	t_require_feature(IORING_FEAT_RSRC_TAGS, "IORING_FEAT_RSRC_TAGS");
	t_ring(&ring, 8, 0);
	iov[0].iov_base = a;
	iov[0].iov_len = BUF_SZ;
	iov[1].iov_base = b;
	iov[1].iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers_tags(&ring, iov, tags, 2),
			 0);
	/* registering posts nothing */
	t_expect_no_cqe(&ring, 50);

	/*
	 * replacing slot 0 retires the buffer tagged 0x1111 (at once, or on
	 * 6.1 from a work queued about a second later: t_reap waits longer)
	 */
	repl.iov_base = c;
	repl.iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 0, &repl,
							      &repl_tag, 1),
			 1);
	t_reap(&ring, &cqe, 1);
	assert_true(cqe.user_data == 0x1111);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags, 0);

	/* the replacement is in use */
	{
		int fd = t_tmpfile(NULL, 0, a, BUF_SZ);

		memset(c, 0, BUF_SZ);
		assert_int_equal(fixed_io(&ring, false, fd, c, BUF_SZ, 0, 0),
				 BUF_SZ);
		assert_memory_equal(c, a, BUF_SZ);
		close(fd);
	}

	/*
	 * Unregistering retires the rest: only tagged entries post (6.13+).
	 * Before 6.13 it frees them without posting anything; give such a
	 * kernel more than its one-second put delay to prove it.
	 */
	posts = t_unregister_posts_tags();
	assert_int_equal(io_uring_unregister_buffers(&ring), 0);
	if (posts) {
		t_reap(&ring, cqes, 1);
		assert_true(cqes[0].user_data == 0x3333);
		assert_int_equal(cqes[0].res, 0);
		assert_int_equal(cqes[0].flags, 0);
		t_expect_no_cqe(&ring, 100);
	} else {
		t_expect_no_cqe(&ring, 1200);
	}

	/* a tag on an empty slot is refused */
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	tags[1] = 0x2222;
	assert_int_equal(io_uring_register_buffers_tags(&ring, iov, tags, 2),
			 -EINVAL);
	t_ring_still_works(&ring);

	io_uring_queue_exit(&ring);
	free(a);
	free(b);
	free(c);
}

/*
 * Where registered buffers' pages are charged.  Through 6.18 the kernel
 * adds them to the registering process's VmPin (mm->pinned_vm), root or
 * not; 7.2 no longer charges them there (measured on 6.1, 6.12, 6.18 and
 * 7.2).  The releases between were not measured: either answer passes
 * there, and the caller holds every later check to the one it got.
 */
static void check_pin_charge(long charged_kb, long expected_kb)
{
	if (!t_kernel_at_least(6, 19))
		assert_int_equal(charged_kb, expected_kb);
	else if (t_kernel_at_least(7, 2))
		assert_int_equal(charged_kb, 0);
	else
		assert_true(charged_kb == 0 || charged_kb == expected_kb);
}

static void test_bad_registrations(void **state)
{
	struct io_uring ring;
	struct iovec iov[3], *many;
	char *buf = t_page_buf(4 * BUF_SZ, 8);
	long pinned, charged;
	unsigned i;

	t_ring(&ring, 4, 0);
	pinned = t_vm_pin_kb();

	/* more than the kernel's 16384-entry table */
	many = calloc(16385, sizeof(*many));
	assert_non_null(many);
	for (i = 0; i < 16385; i++) {
		many[i].iov_base = buf;
		many[i].iov_len = BUF_SZ;
	}
	assert_int_equal(io_uring_register_buffers(&ring, many, 16385),
			 -EINVAL);
	assert_int_equal(io_uring_register_buffers_sparse(&ring, 16385),
			 -EINVAL);
	free(many);

	/* an empty table */
	iov[0].iov_base = buf;
	iov[0].iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 0), -EINVAL);
	assert_int_equal(io_uring_register_buffers_sparse(&ring, 0), -EINVAL);

	/* a zero-length buffer at a real address, after a good one */
	iov[1].iov_base = buf + BUF_SZ;
	iov[1].iov_len = 0;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 2), -EFAULT);
	/* a length without an address */
	iov[1].iov_base = NULL;
	iov[1].iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 2), -EFAULT);
	/* more than the 1 GiB a single buffer may span */
	iov[1].iov_base = buf;
	iov[1].iov_len = (1UL << 30) + 1;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 2), -EFAULT);
	/* memory that is not mapped */
	iov[1].iov_base = (void *) 4096;
	iov[1].iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 2), -EFAULT);

	/* nothing stayed pinned, nothing stayed registered */
	assert_int_equal(t_vm_pin_kb(), pinned);
	assert_int_equal(io_uring_unregister_buffers(&ring), -ENXIO);
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 0, iov,
							      NULL, 1),
			 -ENXIO);
	t_ring_still_works(&ring);

	/* a good registration still works, and pins its pages */
	iov[0].iov_len = 4 * BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&ring, iov, 1), 0);
	charged = t_vm_pin_kb() - pinned;
	check_pin_charge(charged, 16);
	/* a second table while one exists */
	assert_int_equal(io_uring_register_buffers(&ring, iov, 1), -EBUSY);
	/* kernels before sparse tables (5.19) refuse the flag first */
	assert_int_equal(io_uring_register_buffers_sparse(&ring, 2),
			 t_has_rsrc_sparse() ? -EBUSY : -EINVAL);
	/* a failed update leaves the slot and the pin count alone */
	iov[2].iov_base = buf;
	iov[2].iov_len = 0;
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 0,
							      &iov[2], NULL,
							      1),
			 -EFAULT);
	assert_int_equal(t_vm_pin_kb(), pinned + charged);
	assert_int_equal(io_uring_register_buffers_update_tag(&ring, 1, iov,
							      NULL, 1),
			 -EINVAL);
	{
		int fd = t_tmpfile(NULL, 0, NULL, BUF_SZ);

		assert_int_equal(fixed_io(&ring, false, fd, buf, BUF_SZ, 0, 0),
				 BUF_SZ);
		close(fd);
	}
	assert_int_equal(io_uring_unregister_buffers(&ring), 0);
	assert_int_equal(t_vm_pin_kb(), pinned);

	io_uring_queue_exit(&ring);
	free(buf);
}

/* Data read into a cloned buffer lands in the source ring's memory. */
static void test_clone_buffers(void **state)
{
	struct io_uring src, dst, empty;
	struct iovec iov[2];
	char *a, *b, *data;
	bool replace;
	int fd;

	require_clone();
	a = t_page_buf(BUF_SZ, 9);
	b = t_page_buf(BUF_SZ, 10);
	data = t_page_buf(BUF_SZ, 11);
	fd = t_tmpfile(NULL, 0, data, BUF_SZ);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);
	t_ring(&empty, 4, 0);
	iov[0].iov_base = a;
	iov[0].iov_len = BUF_SZ;
	iov[1].iov_base = b;
	iov[1].iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&src, iov, 2), 0);

	assert_int_equal(io_uring_clone_buffers(&dst, &src), 0);
	memset(b, 0, BUF_SZ);
	assert_int_equal(fixed_io(&dst, false, fd, b, BUF_SZ, 0, 1),
			 BUF_SZ);
	assert_memory_equal(b, data, BUF_SZ);
	/* and the other way: dst writes what src's buffer 0 holds */
	assert_int_equal(fixed_io(&dst, true, fd, a, 512, 0, 0),
			 512);
	memset(b, 0, BUF_SZ);
	assert_int_equal(fixed_io(&src, false, fd, b, 512, 0, 1),
			 512);
	assert_memory_equal(b, a, 512);

	/*
	 * dst has a table now: cloning again needs DST_REPLACE.  That flag
	 * came in 6.13 with cloning ranges; 6.12, which added cloning,
	 * refuses any clone into a ring holding buffers (-EBUSY) before it
	 * looks at the flags.
	 */
	replace = t_kernel_at_least(6, 13);
	assert_int_equal(io_uring_clone_buffers(&dst, &src), -EBUSY);
	assert_int_equal(__io_uring_clone_buffers(&dst, &src,
						  IORING_REGISTER_DST_REPLACE),
			 replace ? 0 : -EBUSY);
	/* a source without buffers */
	assert_int_equal(io_uring_clone_buffers(&empty, &empty), -ENXIO);
	assert_int_equal(__io_uring_clone_buffers(&dst, &empty,
						  IORING_REGISTER_DST_REPLACE),
			 replace ? -ENXIO : -EBUSY);
	/* unknown flags */
	assert_int_equal(__io_uring_clone_buffers(&empty, &src, 1U << 7),
			 -EINVAL);

	/* the clone outlives the source's table */
	assert_int_equal(io_uring_unregister_buffers(&src), 0);
	memset(a, 0, BUF_SZ);
	assert_int_equal(fixed_io(&dst, false, fd, a, 256, 0, 0),
			 256);
	assert_memory_equal(a, b, 256);
	assert_int_equal(io_uring_unregister_buffers(&dst), 0);

	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
	io_uring_queue_exit(&empty);
	close(fd);
	free(a);
	free(b);
	free(data);
}

static void test_clone_buffers_offset(void **state)
{
	struct io_uring src, dst, dst2;
	struct iovec iov[4];
	char *bufs[4], *data;
	int fd, i, ret;

	require_clone();
	data = t_page_buf(BUF_SZ, 12);
	fd = t_tmpfile(NULL, 0, data, BUF_SZ);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);
	t_ring(&dst2, 4, 0);
	for (i = 0; i < 4; i++) {
		bufs[i] = t_page_buf(BUF_SZ, 20 + i);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUF_SZ;
	}
	assert_int_equal(io_uring_register_buffers(&src, iov, 4), 0);

	/* src[2..3] become dst[1..2]; dst[0] stays empty */
	ret = io_uring_clone_buffers_offset(&dst, &src, 1, 2, 2, 0);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&src);
		io_uring_queue_exit(&dst);
		io_uring_queue_exit(&dst2);
		close(fd);
		for (i = 0; i < 4; i++)
			free(bufs[i]);
		free(data);
		T_SKIP("clone with offsets (6.13): kernel answers %d", ret);
	}
	assert_int_equal(ret, 0);

	/* dst has a table now: without REPLACE nothing more goes in */
	assert_int_equal(io_uring_clone_buffers_offset(&dst, &src, 0, 0, 1, 0),
			 -EBUSY);
	/* with REPLACE, bad ranges are refused and dst is left as it was */
	assert_int_equal(io_uring_clone_buffers_offset(&dst, &src, 1, 0, 0,
				IORING_REGISTER_DST_REPLACE), -EINVAL);
	assert_int_equal(io_uring_clone_buffers_offset(&dst, &src, 0, 0, 5,
				IORING_REGISTER_DST_REPLACE), -EINVAL);
	assert_int_equal(io_uring_clone_buffers_offset(&dst, &src, 0, 3, 2,
				IORING_REGISTER_DST_REPLACE), -EOVERFLOW);

	assert_int_equal(fixed_io(&dst, false, fd, bufs[2], 64, 0, 0),
			 -EFAULT);
	assert_int_equal(fixed_io(&dst, false, fd, bufs[0], 64, 0, 1),
			 -EFAULT);
	memset(bufs[2], 0, BUF_SZ);
	assert_int_equal(fixed_io(&dst, false, fd, bufs[2], BUF_SZ, 0, 1),
			 BUF_SZ);
	assert_memory_equal(bufs[2], data, BUF_SZ);
	memset(bufs[3], 0, BUF_SZ);
	assert_int_equal(fixed_io(&dst, false, fd, bufs[3], BUF_SZ, 0, 2),
			 BUF_SZ);
	assert_memory_equal(bufs[3], data, BUF_SZ);
	/* the table is exactly three long */
	assert_int_equal(fixed_io(&dst, false, fd, bufs[3], 64, 0, 3),
			 -EFAULT);

	/* the __ variant, one buffer into a fresh ring */
	assert_int_equal(__io_uring_clone_buffers_offset(&dst2, &src, 0, 0, 1,
							 0),
			 0);
	memset(bufs[0], 0, BUF_SZ);
	assert_int_equal(fixed_io(&dst2, false, fd, bufs[0], 128, 0, 0),
			 128);
	assert_memory_equal(bufs[0], data, 128);
	/* and with REPLACE it grows to hold a later range */
	assert_int_equal(__io_uring_clone_buffers_offset(
				&dst2, &src, 3, 1, 1,
				IORING_REGISTER_DST_REPLACE), 0);
	assert_int_equal(fixed_io(&dst2, false, fd, bufs[0], 128, 0, 0),
			 128);
	assert_int_equal(fixed_io(&dst2, false, fd, bufs[1], 128, 0, 3),
			 128);
	assert_memory_equal(bufs[1], data, 128);

	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
	io_uring_queue_exit(&dst2);
	close(fd);
	for (i = 0; i < 4; i++)
		free(bufs[i]);
	free(data);
}

/* A source reachable only through its registered ring index. */
static void test_clone_from_registered_ring(void **state)
{
	struct io_uring src, dst;
	struct iovec iov;
	char *buf, *data;
	int fd, ret;

	require_clone();
	buf = t_page_buf(BUF_SZ, 13);
	data = t_page_buf(BUF_SZ, 14);
	fd = t_tmpfile(NULL, 0, data, BUF_SZ);
	t_ring(&src, 4, 0);
	t_ring(&dst, 4, 0);
	iov.iov_base = buf;
	iov.iov_len = BUF_SZ;
	assert_int_equal(io_uring_register_buffers(&src, &iov, 1), 0);
	ret = io_uring_register_ring_fd(&src);
	assert_int_equal(ret, 1);
	ret = io_uring_register_ring_fd(&dst);
	assert_int_equal(ret, 1);

	assert_int_equal(io_uring_clone_buffers(&dst, &src), 0);
	memset(buf, 0, BUF_SZ);
	assert_int_equal(fixed_io(&dst, false, fd, buf, BUF_SZ, 0, 0),
			 BUF_SZ);
	assert_memory_equal(buf, data, BUF_SZ);

	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
	close(fd);
	free(buf);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_fixed_read_fixed),
		cmocka_unit_test(test_sparse_filled_by_update),
		cmocka_unit_test(test_tags_post_cqes),
		cmocka_unit_test(test_bad_registrations),
		cmocka_unit_test(test_clone_buffers),
		cmocka_unit_test(test_clone_buffers_offset),
		cmocka_unit_test(test_clone_from_registered_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
