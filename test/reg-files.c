/* SPDX-License-Identifier: MIT */
/*
 * Registered (fixed) files: I/O with IOSQE_FIXED_FILE, sparse tables and
 * updates (IORING_REGISTER_FILES_SKIP included), tags, the range direct
 * descriptors are allocated from, and the errors of bad registrations.
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#define DATA_SZ	512

/* A temp file holding DATA_SZ pattern bytes made from @seed. */
static int data_file(char *path, size_t len, unsigned seed)
{
	char data[DATA_SZ];

	t_fill(data, sizeof(data), seed);
	return t_tmpfile(path, len, data, sizeof(data));
}

/* Slot @index reads back the pattern of @seed. */
static void assert_slot_holds(struct io_uring *ring, int index, unsigned seed)
{
	char buf[DATA_SZ], want[DATA_SZ];

	memset(buf, 0, sizeof(buf));
	t_fill(want, sizeof(want), seed);
	assert_int_equal(t_fixed_read(ring, index, buf, DATA_SZ), DATA_SZ);
	assert_memory_equal(buf, want, DATA_SZ);
}

static void assert_slot_empty(struct io_uring *ring, int index)
{
	char buf[DATA_SZ];

	assert_int_equal(t_fixed_read(ring, index, buf, DATA_SZ), -EBADF);
}

/* True when nothing holds the write end of the pipe whose read end is @rfd. */
static bool pipe_writer_gone(int rfd)
{
	char c;
	int fl = fcntl(rfd, F_GETFL);
	ssize_t ret;

	fcntl(rfd, F_SETFL, fl | O_NONBLOCK);
	ret = read(rfd, &c, 1);
	fcntl(rfd, F_SETFL, fl);
	if (ret == 0)
		return true;
	assert_int_equal(ret, -1);
	assert_int_equal(errno, EAGAIN);
	return false;
}

static void test_fixed_file_io(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char wbuf[DATA_SZ], rbuf[DATA_SZ];
	int fds[2];

	fds[0] = data_file(NULL, 0, 1);
	fds[1] = data_file(NULL, 0, 2);
	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_register_files(&ring, fds, 2), 0);

	/* the table holds its own references: our fds can go */
	close(fds[0]);
	close(fds[1]);
	assert_slot_holds(&ring, 0, 1);
	assert_slot_holds(&ring, 1, 2);

	/* a write through slot 0 lands in the first file */
	t_fill(wbuf, sizeof(wbuf), 9);
	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, 0, wbuf, DATA_SZ, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, DATA_SZ);
	assert_slot_holds(&ring, 0, 9);
	assert_slot_holds(&ring, 1, 2);

	/* slots past the table */
	assert_int_equal(t_fixed_read(&ring, 2, rbuf, DATA_SZ), -EBADF);
	assert_int_equal(t_fixed_read(&ring, 1000, rbuf, DATA_SZ), -EBADF);

	assert_int_equal(io_uring_unregister_files(&ring), 0);
	assert_slot_empty(&ring, 0);
	assert_int_equal(io_uring_unregister_files(&ring), -ENXIO);
	io_uring_queue_exit(&ring);
}

static void test_sparse_update_and_skip(void **state)
{
	struct io_uring ring;
	int a, b, c, fds[3];

	a = data_file(NULL, 0, 11);
	b = data_file(NULL, 0, 12);
	c = data_file(NULL, 0, 13);
	t_require_rsrc_sparse();
	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_register_files_sparse(&ring, 8), 0);
	assert_slot_empty(&ring, 0);
	assert_slot_empty(&ring, 7);

	/* fill slot 3 */
	assert_int_equal(io_uring_register_files_update(&ring, 3, &a, 1), 1);
	assert_slot_holds(&ring, 3, 11);
	assert_slot_empty(&ring, 2);
	assert_slot_empty(&ring, 4);

	/* SKIP leaves slot 3 as it is while slot 4 is filled */
	fds[0] = IORING_REGISTER_FILES_SKIP;
	fds[1] = b;
	assert_int_equal(io_uring_register_files_update(&ring, 3, fds, 2), 2);
	assert_slot_holds(&ring, 3, 11);
	assert_slot_holds(&ring, 4, 12);

	/* replace 3, empty 4 (fd -1), fill 5, through the tagged variant */
	fds[0] = c;
	fds[1] = -1;
	fds[2] = a;
	assert_int_equal(io_uring_register_files_update_tag(&ring, 3, fds,
							    NULL, 3), 3);
	assert_slot_holds(&ring, 3, 13);
	assert_slot_empty(&ring, 4);
	assert_slot_holds(&ring, 5, 11);

	/* the last slot, and past it */
	assert_int_equal(io_uring_register_files_update(&ring, 7, &b, 1), 1);
	assert_slot_holds(&ring, 7, 12);
	assert_int_equal(io_uring_register_files_update(&ring, 8, &b, 1),
			 -EINVAL);
	assert_int_equal(io_uring_register_files_update(&ring, 7, fds, 2),
			 -EINVAL);
	assert_int_equal(io_uring_register_files_update_tag(&ring, 6, fds,
							    NULL, 3),
			 -EINVAL);
	assert_slot_holds(&ring, 7, 12);

	io_uring_queue_exit(&ring);
	close(a);
	close(b);
	close(c);
}

static void test_file_tags(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fds[2], c, skip = IORING_REGISTER_FILES_SKIP, none = -1;
	__u64 tags[2] = { 0xaaaa, 0 }, tag_c = 0xcccc, tag_x = 0x77;
	bool posts;

	t_require_feature(IORING_FEAT_RSRC_TAGS, "IORING_FEAT_RSRC_TAGS");
	fds[0] = data_file(NULL, 0, 21);
	fds[1] = data_file(NULL, 0, 22);
	c = data_file(NULL, 0, 23);
	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_register_files_tags(&ring, fds, tags, 2), 0);
	t_expect_no_cqe(&ring, 50);

	/* replacing slot 0 posts its tag (6.1: from a work a second later) */
	assert_int_equal(io_uring_register_files_update_tag(&ring, 0, &c,
							    &tag_c, 1), 1);
	t_reap(&ring, &cqe, 1);
	assert_true(cqe.user_data == 0xaaaa);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags, 0);
	assert_slot_holds(&ring, 0, 23);

	/* a tag makes no sense with SKIP or with an empty slot */
	assert_int_equal(io_uring_register_files_update_tag(&ring, 1, &skip,
							    &tag_x, 1),
			 -EINVAL);
	assert_int_equal(io_uring_register_files_update_tag(&ring, 1, &none,
							    &tag_x, 1),
			 -EINVAL);
	assert_slot_holds(&ring, 1, 22);
	t_expect_no_cqe(&ring, 50);

	/*
	 * Unregistering retires the rest; slot 1 had no tag.  Kernels before
	 * 6.13 post nothing for the files still in the table (only updates
	 * post, on 6.1 about a second late): wait longer than that.
	 */
	posts = t_unregister_posts_tags();
	assert_int_equal(io_uring_unregister_files(&ring), 0);
	if (posts) {
		t_reap(&ring, &cqe, 1);
		assert_true(cqe.user_data == 0xcccc);
		assert_int_equal(cqe.res, 0);
		assert_int_equal(cqe.flags, 0);
		t_expect_no_cqe(&ring, 100);
	} else {
		t_expect_no_cqe(&ring, 1200);
	}

	/* a tag on an empty slot at registration time */
	fds[1] = -1;
	tags[1] = 0xbbbb;
	assert_int_equal(io_uring_register_files_tags(&ring, fds, tags, 2),
			 -EINVAL);
	t_expect_no_cqe(&ring, 50);
	assert_int_equal(io_uring_unregister_files(&ring), -ENXIO);

	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(c);
}

/* Open @path into a kernel-chosen direct slot; returns cqe->res. */
static int open_direct_alloc(struct io_uring *ring, const char *path)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe cqe;

	io_uring_prep_openat_direct(sqe, AT_FDCWD, path, O_RDONLY, 0,
				    IORING_FILE_INDEX_ALLOC);
	cqe = t_submit_one(ring);
	return cqe.res;
}

static void test_file_alloc_range(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char path[512];
	int fd, i;

	t_require_rsrc_sparse();
	/* allocation ranges came with IORING_OP_SEND_ZC */
	if (!t_has_op(IORING_OP_SEND_ZC))
		T_SKIP("kernel lacks %s",
		       "IORING_REGISTER_FILE_ALLOC_RANGE (Linux 6.0)");
	fd = data_file(path, sizeof(path), 31);
	close(fd);
	t_ring(&ring, 8, 0);

	/* no table, nowhere to allocate */
	assert_int_equal(open_direct_alloc(&ring, path), -ENFILE);
	assert_int_equal(io_uring_register_file_alloc_range(&ring, 0, 1),
			 -EINVAL);

	assert_int_equal(io_uring_register_files_sparse(&ring, 16), 0);
	/* ranges that do not fit the table */
	assert_int_equal(io_uring_register_file_alloc_range(&ring, 10, 7),
			 -EINVAL);
	assert_int_equal(io_uring_register_file_alloc_range(&ring, 17, 0),
			 -EINVAL);
	assert_int_equal(io_uring_register_file_alloc_range(&ring, ~0U, 2),
			 -EOVERFLOW);

	assert_int_equal(io_uring_register_file_alloc_range(&ring, 10, 4), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(open_direct_alloc(&ring, path), 10 + i);
	/* the range is full although slots 0-9 and 14-15 are free */
	assert_int_equal(open_direct_alloc(&ring, path), -ENFILE);
	for (i = 10; i < 14; i++)
		assert_slot_holds(&ring, i, 31);
	assert_slot_empty(&ring, 9);
	assert_slot_empty(&ring, 14);

	/* freeing a slot in the range makes it the next one handed out */
	sqe = t_get_sqe(&ring);
	io_uring_prep_close_direct(sqe, 12);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_slot_empty(&ring, 12);
	assert_int_equal(open_direct_alloc(&ring, path), 12);
	assert_slot_holds(&ring, 12, 31);

	/* a new range moves allocation elsewhere */
	assert_int_equal(io_uring_register_file_alloc_range(&ring, 0, 2), 0);
	assert_int_equal(open_direct_alloc(&ring, path), 0);
	assert_int_equal(open_direct_alloc(&ring, path), 1);
	assert_int_equal(open_direct_alloc(&ring, path), -ENFILE);

	io_uring_queue_exit(&ring);
}

static void test_bad_registrations(void **state)
{
	struct io_uring ring;
	int p[2], q[2], good, fds[2];
	bool sparse;

	good = data_file(NULL, 0, 41);
	sparse = t_has_rsrc_sparse();
	t_ring(&ring, 8, 0);

	/*
	 * More than the kernel's 1 << 20 table.  Kernels before sparse
	 * tables (5.19) refuse the flag first, here and below.
	 */
	assert_int_equal(io_uring_register_files_sparse(&ring, (1U << 20) + 1),
			 sparse ? -EMFILE : -EINVAL);
	/* an empty table */
	assert_int_equal(io_uring_register_files(&ring, &good, 0), -EINVAL);
	assert_int_equal(io_uring_register_files_sparse(&ring, 0), -EINVAL);

	/*
	 * A closed fd after a good one.  The good one is a pipe's write end:
	 * once we close ours the reader sees EOF only if the kernel dropped
	 * the reference it took for the failed table.
	 */
	assert_int_equal(pipe(p), 0);
	fds[0] = p[1];
	fds[1] = 1000000;
	assert_int_equal(io_uring_register_files(&ring, fds, 2), -EBADF);
	/* an io_uring fd cannot go in the table */
	fds[1] = ring.ring_fd;
	assert_int_equal(io_uring_register_files(&ring, fds, 2), -EBADF);
	close(p[1]);
	assert_true(pipe_writer_gone(p[0]));
	close(p[0]);

	/* nothing is registered; updates and unregistering say so */
	assert_int_equal(io_uring_unregister_files(&ring), -ENXIO);
	assert_int_equal(io_uring_register_files_update(&ring, 0, &good, 1),
			 -ENXIO);
	assert_int_equal(io_uring_register_files_update_tag(&ring, 0, &good,
							    NULL, 1),
			 -ENXIO);

	/* a table works, a second one is refused */
	assert_int_equal(io_uring_register_files(&ring, &good, 1), 0);
	assert_int_equal(io_uring_register_files(&ring, &good, 1), -EBUSY);
	assert_int_equal(io_uring_register_files_sparse(&ring, 4),
			 sparse ? -EBUSY : -EINVAL);
	/*
	 * An update to a closed fd fails, but the kernel has already let go
	 * of the slot's old file by then: the slot ends up empty.
	 */
	fds[0] = 1000000;
	assert_int_equal(io_uring_register_files_update(&ring, 0, fds, 1),
			 -EBADF);
	assert_slot_empty(&ring, 0);
	assert_int_equal(io_uring_register_files_update(&ring, 0, &good, 1),
			 1);
	assert_slot_holds(&ring, 0, 41);

	/* the table's reference goes away with the table */
	assert_int_equal(io_uring_unregister_files(&ring), 0);
	assert_int_equal(pipe(q), 0);
	assert_int_equal(io_uring_register_files(&ring, &q[1], 1), 0);
	close(q[1]);
	assert_false(pipe_writer_gone(q[0]));
	assert_int_equal(io_uring_unregister_files(&ring), 0);
	assert_true(pipe_writer_gone(q[0]));
	close(q[0]);

	io_uring_queue_exit(&ring);
	close(good);
}

/*
 * The kernel refuses a table larger than RLIMIT_NOFILE with -EMFILE; the
 * library raises the soft limit to the hard one and tries again.
 */
static void test_files_above_soft_nofile(void **state)
{
	struct rlimit old, low;
	struct io_uring ring;
	int ret, i, empty[200];
	bool sparse;

	if (!t_nofile_limit_is_real())
		T_SKIP("RLIMIT_NOFILE is valgrind's: %s",
		       "setrlimit() would not reach the kernel");
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_max < 256)
		T_SKIP("hard RLIMIT_NOFILE is %lu",
		       (unsigned long) old.rlim_max);
	t_ring(&ring, 4, 0);
	/* without sparse tables (5.19), a table of 200 empty (-1) slots */
	sparse = t_has_rsrc_sparse();
	for (i = 0; i < 200; i++)
		empty[i] = -1;
	low = old;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	if (sparse)
		ret = io_uring_register_files_sparse(&ring, 200);
	else
		ret = io_uring_register_files(&ring, empty, 200);
	getrlimit(RLIMIT_NOFILE, &low);
	setrlimit(RLIMIT_NOFILE, &old);
	assert_int_equal(ret, 0);
	assert_true(low.rlim_cur >= 200);
	assert_int_equal(io_uring_unregister_files(&ring), 0);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_file_io),
		cmocka_unit_test(test_sparse_update_and_skip),
		cmocka_unit_test(test_file_tags),
		cmocka_unit_test(test_file_alloc_range),
		cmocka_unit_test(test_bad_registrations),
		cmocka_unit_test(test_files_above_soft_nofile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
