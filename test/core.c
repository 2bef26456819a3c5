/* SPDX-License-Identifier: MIT */
/*
 * The core ring: setup errors, getting SQEs, NOP, read/write/readv/writev/
 * fsync moving real data, reaping with peek/wait/for_each.
 */
#include "helpers.h"

#include <stdlib.h>
#include <unistd.h>

static void test_nop_user_data(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int x;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0xdeadbeefcafef00dULL);
	assert_int_equal(io_uring_sq_ready(&ring), 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags, 0);
	assert_true(io_uring_cqe_get_data64(&cqe) == 0xdeadbeefcafef00dULL);

	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data(sqe, &x);
	cqe = t_submit_one(&ring);
	assert_ptr_equal(io_uring_cqe_get_data(&cqe), &x);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

static void test_write_then_read_file(void **state)
{
	char wbuf[8192], rbuf[8192];
	struct io_uring ring;
	struct io_uring_cqe cqes[2];
	struct io_uring_sqe *sqe;
	int fd;

	t_fill(wbuf, sizeof(wbuf), 3);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 8, 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, wbuf, sizeof(wbuf), 0);
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	sqe->flags |= IOSQE_IO_LINK;	/* harmless on the last */
	sqe->user_data = 2;
	/* fsync after the write completes: link the write to it */
	ring.sq.sqes[0].flags |= IOSQE_IO_LINK;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].user_data, 1);
	assert_int_equal(cqes[0].res, sizeof(wbuf));
	assert_int_equal(cqes[1].user_data, 2);
	assert_int_equal(cqes[1].res, 0);

	memset(rbuf, 0, sizeof(rbuf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 0);
	cqes[0] = t_submit_one(&ring);
	assert_int_equal(cqes[0].res, sizeof(rbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));

	/* a short read at the end of the file */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 8000);
	cqes[0] = t_submit_one(&ring);
	assert_int_equal(cqes[0].res, 192);
	assert_memory_equal(rbuf, wbuf + 8000, 192);

	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_readv_writev(void **state)
{
	char a[100], b[300], c[50], ra[100], rb[300], rc[50];
	struct iovec wv[3] = { { a, sizeof(a) }, { b, sizeof(b) },
			       { c, sizeof(c) } };
	struct iovec rv[3] = { { ra, sizeof(ra) }, { rb, sizeof(rb) },
			       { rc, sizeof(rc) } };
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd;

	t_fill(a, sizeof(a), 1);
	t_fill(b, sizeof(b), 2);
	t_fill(c, sizeof(c), 3);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 4, 0);

	io_uring_prep_writev(t_get_sqe(&ring), fd, wv, 3, 4096);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 450);

	io_uring_prep_readv(t_get_sqe(&ring), fd, rv, 3, 4096);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 450);
	assert_memory_equal(a, ra, sizeof(a));
	assert_memory_equal(b, rb, sizeof(b));
	assert_memory_equal(c, rc, sizeof(c));

	/* the hole before offset 4096 reads back as zeroes */
	io_uring_prep_read(t_get_sqe(&ring), fd, rb, 100, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(rb[i], 0);

	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_bad_fd_arrives_in_cqe(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	char buf[16];

	t_ring(&ring, 4, 0);
	io_uring_prep_read(t_get_sqe(&ring), 1000000, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

static void test_sq_full_returns_null(void **state)
{
	struct io_uring_sqe *seen[8];
	struct io_uring ring;
	struct io_uring_cqe cqes[8];
	unsigned i, j;

	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_sq_space_left(&ring), 8);
	for (i = 0; i < 8; i++) {
		seen[i] = io_uring_get_sqe(&ring);
		assert_non_null(seen[i]);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(seen[i], seen[j]);
		io_uring_prep_nop(seen[i]);
		seen[i]->user_data = i;
	}
	assert_null(io_uring_get_sqe(&ring));
	assert_null(io_uring_get_sqe(&ring));
	assert_int_equal(io_uring_sq_ready(&ring), 8);
	assert_int_equal(io_uring_sq_space_left(&ring), 0);

	/* nothing queued was overwritten */
	for (i = 0; i < 8; i++)
		assert_int_equal(seen[i]->user_data, i);
	assert_int_equal(io_uring_submit(&ring), 8);
	t_reap(&ring, cqes, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(cqes[i].user_data, i);

	/* once consumed, the slots come back */
	assert_int_equal(io_uring_sq_space_left(&ring), 8);
	assert_non_null(io_uring_get_sqe(&ring));
	io_uring_queue_exit(&ring);
}

static void test_get_sqe_zeroes_entry(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	unsigned i;

	t_ring(&ring, 2, 0);
	for (i = 0; i < 2; i++) {
		sqe = io_uring_get_sqe(&ring);
		memset(sqe, 0xaa, sizeof(*sqe));
	}
	io_uring_submit(&ring);	/* garbage opcodes fail; that is fine */
	t_reap(&ring, NULL, 2);

	sqe = io_uring_get_sqe(&ring);
	for (i = 0; i < sizeof(*sqe); i++)
		assert_int_equal(((unsigned char *) sqe)[i], 0);
	io_uring_queue_exit(&ring);
}

static void test_for_each_cqe_and_advance(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0, i;
	__u64 sum = 0;

	t_ring(&ring, 16, 0);
	for (i = 0; i < 16; i++) {
		struct io_uring_sqe *sqe = t_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		sqe->user_data = i + 1;
	}
	assert_int_equal(io_uring_submit_and_wait(&ring, 16), 16);
	assert_int_equal(io_uring_cq_ready(&ring), 16);
	io_uring_for_each_cqe(&ring, head, cqe) {
		assert_int_equal(cqe->res, 0);
		sum += cqe->user_data;
		seen++;
	}
	assert_int_equal(seen, 16);
	assert_int_equal(sum, 16 * 17 / 2);
	io_uring_cq_advance(&ring, seen);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	io_uring_queue_exit(&ring);
}

static void test_peek_and_wait_nr(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe, *batch[8];
	unsigned i;

	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	for (i = 0; i < 5; i++) {
		io_uring_prep_nop(t_get_sqe(&ring));
		ring.sq.sqes[i].user_data = 100 + i;
	}
	assert_int_equal(io_uring_submit(&ring), 5);
	assert_int_equal(io_uring_wait_cqe_nr(&ring, &cqe, 5), 0);
	assert_int_equal(cqe->user_data, 100);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(batch[i]->user_data, 100 + i);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 2), 2);
	io_uring_cq_advance(&ring, 2);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 102);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_cqe_seen(&ring, NULL);	/* ignored */
	assert_int_equal(io_uring_cq_ready(&ring), 2);
	io_uring_queue_exit(&ring);
}

static void test_init_bad_entries(void **state)
{
	struct io_uring ring;

	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_init(0, &ring, 0), -EINVAL);
	assert_int_equal(ring.ring_fd, -1);
	assert_null(ring.sq.ring_ptr);
	assert_int_equal(io_uring_queue_init(65536, &ring, 0), -EINVAL);
	assert_int_equal(io_uring_queue_init(1U << 31, &ring, 0), -EINVAL);

	/* CLAMP turns too many into the maximum */
	assert_int_equal(io_uring_queue_init(65536, &ring,
					     IORING_SETUP_CLAMP), 0);
	assert_int_equal(ring.sq.ring_entries, 32768);
	io_uring_queue_exit(&ring);
}

static void test_init_unknown_flags(void **state)
{
	struct io_uring ring;

	assert_int_equal(io_uring_queue_init(4, &ring, 1U << 30), -EINVAL);
	assert_int_equal(ring.ring_fd, -1);
}

static void test_mmap_non_ring_fd(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fd, ret;

	fd = t_tmpfile(NULL, 0, NULL, 4096);
	memset(&p, 0, sizeof(p));
	p.sq_entries = 4;
	p.cq_entries = 8;
	p.sq_off.array = 64;
	p.cq_off.cqes = 64;
	p.features = IORING_FEAT_SINGLE_MMAP;
	ret = io_uring_queue_mmap(fd, &p, &ring);
	assert_true(ret < 0);
	assert_int_equal(ret, -EOPNOTSUPP);	/* the kernel: not an io_uring */
	assert_null(ring.sq.ring_ptr);
	close(fd);
}

/* A ring set up by hand with io_uring_setup() and mapped by the library. */
static void test_queue_mmap_of_raw_setup(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	assert_true(fd >= 0);
	assert_int_equal(io_uring_queue_mmap(fd, &p, &ring), 0);
	assert_int_equal(ring.ring_fd, fd);
	assert_non_null(ring.sq.array);
	io_uring_prep_nop(t_get_sqe(&ring));
	ring.sq.sqes[0].user_data = 77;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 77);
	io_uring_queue_exit(&ring);
}

static void test_submit_nothing(void **state)
{
	struct io_uring ring;

	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_submit(&ring), 0);
	assert_int_equal(io_uring_submit_and_wait(&ring, 0), 0);
	io_uring_queue_exit(&ring);
}

static void test_syscall_wrappers_return_errno(void **state)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(io_uring_setup(0, &p), -EINVAL);
	assert_int_equal(io_uring_enter(100000, 0, 0, 0, NULL), -EBADF);
	assert_int_equal(io_uring_enter2(100000, 0, 0, 0, NULL, 0), -EBADF);
	assert_int_equal(io_uring_register(100000, IORING_REGISTER_PROBE,
					   NULL, 0), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nop_user_data),
		cmocka_unit_test(test_write_then_read_file),
		cmocka_unit_test(test_readv_writev),
		cmocka_unit_test(test_bad_fd_arrives_in_cqe),
		cmocka_unit_test(test_sq_full_returns_null),
		cmocka_unit_test(test_get_sqe_zeroes_entry),
		cmocka_unit_test(test_for_each_cqe_and_advance),
		cmocka_unit_test(test_peek_and_wait_nr),
		cmocka_unit_test(test_init_bad_entries),
		cmocka_unit_test(test_init_unknown_flags),
		cmocka_unit_test(test_mmap_non_ring_fd),
		cmocka_unit_test(test_queue_mmap_of_raw_setup),
		cmocka_unit_test(test_submit_nothing),
		cmocka_unit_test(test_syscall_wrappers_return_errno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
