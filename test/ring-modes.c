/* SPDX-License-Identifier: MIT */
/*
 * Ring layouts: SQE128, CQE32, CQE_MIXED (with the kernel's filler
 * entries), SQE_MIXED, NO_SQARRAY, NO_MMAP rings in caller or library
 * memory, REGISTERED_FD_ONLY, resizing, and the memory-size helpers.
 */
#include "helpers.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Run @n NOPs in batches of @batch, checking the user_data sequence. */
static void nop_sequence(struct io_uring *ring, unsigned n, unsigned batch)
{
	struct io_uring_cqe *cqe;
	unsigned sent = 0, got = 0, i;

	while (got < n) {
		for (i = 0; i < batch && sent < n; i++)
			t_queue_nop(ring, 5000 + sent++);
		assert_true(io_uring_submit(ring) > 0);
		while (got < sent) {
			struct __kernel_timespec ts = { .tv_sec = T_WAIT_SECS };

			assert_int_equal(io_uring_wait_cqe_timeout(ring, &cqe,
								   &ts), 0);
			assert_int_equal(cqe->user_data, 5000 + got);
			assert_int_equal(cqe->res, 0);
			io_uring_cqe_seen(ring, cqe);
			got++;
		}
	}
	assert_int_equal(io_uring_cq_ready(ring), 0);
}

/* --- big entries ----------------------------------------------------- */

static void test_sqe128(void **state)
{
	struct io_uring ring, plain;
	struct io_uring_sqe *a, *b, *c;
	int fd;

	t_ring(&ring, 8, IORING_SETUP_SQE128);
	assert_int_equal(io_uring_sqe_shift(&ring), 1);
	assert_int_equal(io_uring_sqe_shift_from_flags(IORING_SETUP_SQE128),
			 1);
	assert_int_equal(io_uring_sqe_shift_from_flags(0), 0);
	assert_int_equal(ring.sq.sqes_sz, 8 * 128);

	/*
	 * Junk everywhere: get_sqe clears the first 64 bytes, and what is
	 * left in the second halves must not disturb a NOP.
	 */
	memset(ring.sq.sqes, 0xa5, ring.sq.sqes_sz);

	/* consecutive SQEs are 128 bytes apart */
	a = io_uring_get_sqe(&ring);
	b = io_uring_get_sqe(&ring);
	c = io_uring_get_sqe128(&ring);
	assert_non_null(c);
	assert_int_equal((char *) b - (char *) a, 128);
	assert_int_equal((char *) c - (char *) b, 128);
	io_uring_prep_nop(a);
	a->user_data = 1;
	io_uring_prep_nop(b);
	b->user_data = 2;
	io_uring_prep_nop(c);
	c->user_data = 3;
	assert_int_equal(io_uring_submit(&ring), 3);
	{
		struct io_uring_cqe cqes[3];
		unsigned i;

		t_reap(&ring, cqes, 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(cqes[i].user_data, i + 1);
			assert_int_equal(cqes[i].res, 0);
		}
	}

	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 5000, 0, 1);
	nop_sequence(&ring, 40, 8);
	close(fd);
	io_uring_queue_exit(&ring);

	/* a plain ring has no 128-byte SQEs to give */
	t_ring(&plain, 4, 0);
	assert_int_equal(io_uring_sqe_shift(&plain), 0);
	assert_null(io_uring_get_sqe128(&plain));
	assert_int_equal(io_uring_sq_ready(&plain), 0);
	io_uring_queue_exit(&plain);
}

static void test_cqe32(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned head, n = 0, i;
	int fd;

	t_ring(&ring, 4, IORING_SETUP_CQE32);
	assert_int_equal(io_uring_cqe_shift(&ring), 1);
	assert_int_equal(io_uring_cqe_shift_from_flags(IORING_SETUP_CQE32),
			 1);
	assert_int_equal(io_uring_cqe_shift_from_flags(0), 0);
	assert_int_equal(ring.cq.ring_entries, 8);

	/* many times round the CQ: the 32-byte stride must hold */
	nop_sequence(&ring, 100, 4);
	nop_sequence(&ring, 37, 3);

	for (i = 0; i < 4; i++)
		t_queue_nop(&ring, 70 + i);
	assert_int_equal(io_uring_submit_and_wait(&ring, 4), 4);
	io_uring_for_each_cqe(&ring, head, cqe) {
		assert_ptr_equal(cqe, &ring.cq.cqes[io_uring_cqe_index(&ring,
					head, ring.cq.ring_mask)]);
		assert_int_equal(cqe->user_data, 70 + n);
		/* a plain NOP leaves the extra words zero */
		assert_true(cqe->big_cqe[0] == 0 && cqe->big_cqe[1] == 0);
		n++;
	}
	assert_int_equal(n, 4);
	io_uring_cq_advance(&ring, n);

	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 3000, 100, 2);
	close(fd);

	if (!t_has_nop_cqe32()) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks IORING_NOP_CQE32 (6.18)");
	}
	for (i = 0; i < 12; i++) {
		struct io_uring_cqe c;

		t_queue_nop32(&ring, 90 + i, 0x1111 * i, ~0ULL - i);
		c = t_submit_one(&ring);
		assert_int_equal(c.user_data, 90 + i);
		assert_int_equal(c.res, 0);
		/* on a CQE32 ring every entry is big; none is flagged */
		assert_int_equal(c.flags, 0);
		cqe = &ring.cq.cqes[io_uring_cqe_index(&ring,
				*ring.cq.khead - 1, ring.cq.ring_mask)];
		assert_true(cqe->big_cqe[0] == 0x1111ULL * i);
		assert_true(cqe->big_cqe[1] == ~0ULL - i);
	}
	io_uring_queue_exit(&ring);
}

/* --- CQE_MIXED (6.18) ------------------------------------------------ */

static void mixed_ring(struct io_uring *ring)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED;
	t_ring_params(ring, 8, &p);
	assert_int_equal(ring->cq.ring_entries, 16);
	assert_int_equal(io_uring_cqe_shift(ring), 0);
}

/* Post @n small NOPs and reap them, to move the CQ head and tail. */
static void advance_cq(struct io_uring *ring, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		t_queue_nop(ring, 900 + i);
		if (io_uring_sq_space_left(ring) == 0 || i == n - 1)
			assert_true(io_uring_submit(ring) > 0);
	}
	t_reap(ring, NULL, n);
}

static void test_cqe_mixed(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;

	mixed_ring(&ring);
	t_queue_nop(&ring, 1);
	t_queue_nop32(&ring, 2, 0xaaaa, 0xbbbb);
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit_and_wait(&ring, 3), 3);
	/* four slots for three entries */
	assert_int_equal(io_uring_cq_ready(&ring), 4);

	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 1);
	assert_int_equal(cqe->flags, 0);
	assert_int_equal(io_uring_cqe_nr(cqe), 1);
	io_uring_cqe_seen(&ring, cqe);

	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 2);
	assert_int_equal(cqe->res, 0);
	assert_int_equal(cqe->flags, IORING_CQE_F_32);
	assert_int_equal(io_uring_cqe_nr(cqe), 2);
	assert_true(cqe->big_cqe[0] == 0xaaaa && cqe->big_cqe[1] == 0xbbbb);
	io_uring_cqe_seen(&ring, cqe);
	assert_int_equal(io_uring_cq_ready(&ring), 1);

	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 3);
	io_uring_cqe_seen(&ring, cqe);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

static void test_cqe_mixed_filler_hidden(void **state)
{
	struct __kernel_timespec ts = { .tv_sec = T_WAIT_SECS };
	struct io_uring ring;
	struct io_uring_cqe *cqe;

	mixed_ring(&ring);
	/* tail at slot 15, one slot before the wrap */
	advance_cq(&ring, 15);
	t_queue_nop32(&ring, 50, 5, 6);
	assert_int_equal(io_uring_submit_and_wait(&ring, 1), 1);
	/* filler in slot 15, the big entry in slots 0-1 */
	assert_int_equal(io_uring_cq_ready(&ring), 3);
	assert_true(ring.cq.cqes[15].flags & IORING_CQE_F_SKIP);

	assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	assert_int_equal(cqe->user_data, 50);
	assert_int_equal(cqe->flags, IORING_CQE_F_32);
	assert_ptr_equal(cqe, &ring.cq.cqes[0]);
	assert_true(cqe->big_cqe[0] == 5 && cqe->big_cqe[1] == 6);
	io_uring_cqe_seen(&ring, cqe);
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	/* the same with peek, one lap later */
	advance_cq(&ring, 13);
	t_queue_nop32(&ring, 51, 7, 8);
	assert_int_equal(io_uring_submit_and_wait(&ring, 1), 1);
	assert_int_equal(io_uring_cq_ready(&ring), 3);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->user_data, 51);
	assert_false(cqe->flags & IORING_CQE_F_SKIP);
	io_uring_cqe_seen(&ring, cqe);
	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	io_uring_queue_exit(&ring);
}

static void test_cqe_mixed_walks(void **state)
{
	struct io_uring_cqe *batch[8];
	struct io_uring_cqe_iter it;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned head, slots, n;

	mixed_ring(&ring);
	/* small at slot 14, filler at 15, big at 0-1, small at 2 */
	advance_cq(&ring, 14);
	t_queue_nop(&ring, 60);
	t_queue_nop32(&ring, 61, 1, 2);
	t_queue_nop(&ring, 62);
	assert_int_equal(io_uring_submit_and_wait(&ring, 3), 3);
	assert_int_equal(io_uring_cq_ready(&ring), 5);

	/* the walkers step over two slots for a big entry */
	slots = n = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		if (n == 1) {
			/* the walk shows the filler; callers skip it */
			assert_true(cqe->flags & IORING_CQE_F_SKIP);
			assert_int_equal(io_uring_cqe_nr(cqe), 1);
		} else {
			assert_false(cqe->flags & IORING_CQE_F_SKIP);
			assert_int_equal(cqe->user_data, 60 + (n ? n - 1 : 0));
		}
		slots += io_uring_cqe_nr(cqe);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(slots, 5);

	it = io_uring_cqe_iter_init(&ring);
	slots = n = 0;
	while (io_uring_cqe_iter_next(&it, &cqe)) {
		if (n == 2) {
			assert_int_equal(cqe->user_data, 61);
			assert_int_equal(io_uring_cqe_nr(cqe), 2);
		}
		slots += io_uring_cqe_nr(cqe);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(slots, 5);

	/* a batch stops before the filler ... */
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 1);
	assert_int_equal(batch[0]->user_data, 60);
	io_uring_cqe_seen(&ring, batch[0]);
	/* ... and drops it once it reaches the head */
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 2);
	assert_int_equal(batch[0]->user_data, 61);
	assert_int_equal(batch[0]->flags, IORING_CQE_F_32);
	assert_true(batch[0]->big_cqe[0] == 1 && batch[0]->big_cqe[1] == 2);
	assert_int_equal(batch[1]->user_data, 62);
	io_uring_cq_advance(&ring, io_uring_cqe_nr(batch[0]) +
			    io_uring_cqe_nr(batch[1]));
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	/* a count smaller than what is there, ending on a big entry */
	t_queue_nop(&ring, 70);
	t_queue_nop32(&ring, 71, 3, 4);
	t_queue_nop(&ring, 72);
	assert_int_equal(io_uring_submit_and_wait(&ring, 3), 3);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 2), 2);
	assert_int_equal(batch[1]->user_data, 71);
	assert_int_equal(batch[1]->flags, IORING_CQE_F_32);
	io_uring_cq_advance(&ring, 3);
	assert_int_equal(io_uring_peek_batch_cqe(&ring, batch, 8), 1);
	assert_int_equal(batch[0]->user_data, 72);
	io_uring_cqe_seen(&ring, batch[0]);
	io_uring_queue_exit(&ring);
}

static void test_sqe_mixed(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe cqes[3];
	struct io_uring_sqe *sqe;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE_MIXED;
	ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret == -EINVAL)
		T_SKIP("kernel lacks IORING_SETUP_SQE_MIXED (6.19)");
	assert_int_equal(ret, 0);
	assert_int_equal(io_uring_sqe_shift(&ring), 0);

	t_queue_nop(&ring, 1);
	sqe = io_uring_get_sqe128(&ring);
	assert_non_null(sqe);
	io_uring_prep_nop128(sqe);
	sqe->user_data = 2;
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit(&ring), 4);
	t_reap(&ring, cqes, 3);
	assert_int_equal(cqes[0].user_data, 1);
	assert_int_equal(cqes[1].user_data, 2);
	assert_int_equal(cqes[1].res, 0);
	assert_int_equal(cqes[2].user_data, 3);
	io_uring_queue_exit(&ring);
}

/* --- NO_SQARRAY (6.6) ------------------------------------------------ */

static bool kernel_has_no_sqarray(void)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY;
	fd = io_uring_setup(2, &p);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void test_no_sqarray(void **state)
{
	struct io_uring ring;
	unsigned i;

	/* the library asks for NO_SQARRAY by itself where it exists */
	t_ring(&ring, 8, 0);
	if (!kernel_has_no_sqarray()) {
		assert_false(ring.flags & IORING_SETUP_NO_SQARRAY);
		assert_non_null(ring.sq.array);
		for (i = 0; i < 8; i++)
			assert_int_equal(ring.sq.array[i], i);
		nop_sequence(&ring, 30, 5);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks IORING_SETUP_NO_SQARRAY (6.6)");
	}
	assert_true(ring.flags & IORING_SETUP_NO_SQARRAY);
	assert_null(ring.sq.array);
	nop_sequence(&ring, 30, 5);
	io_uring_queue_exit(&ring);

	/* and the caller may ask for it */
	t_ring(&ring, 4, IORING_SETUP_NO_SQARRAY);
	assert_true(ring.flags & IORING_SETUP_NO_SQARRAY);
	assert_null(ring.sq.array);
	nop_sequence(&ring, 21, 3);
	{
		int fd = t_tmpfile(NULL, 0, NULL, 0);

		t_file_roundtrip(&ring, fd, 777, 3, 3);
		close(fd);
	}
	io_uring_queue_exit(&ring);
}

/* --- NO_MMAP (6.5) --------------------------------------------------- */

static void check_app_mem_ring(struct io_uring *ring, void *mem, int used,
			       size_t size)
{
	char *lo = mem, *hi = (char *) mem + used;
	int fd;

	assert_true(used > 0);
	assert_true((size_t) used <= size);
	assert_true(ring->flags & IORING_SETUP_NO_MMAP);
	assert_ptr_equal(ring->sq.sqes, mem);
	assert_true((char *) ring->cq.cqes > lo && (char *) ring->cq.cqes < hi);
	assert_true((char *) ring->sq.khead > lo &&
		    (char *) ring->sq.khead < hi);

	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(ring, fd, 4000, 0, 4);
	close(fd);
	nop_sequence(ring, 50, ring->sq.ring_entries);
}

static void test_no_mmap_caller_memory(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	size_t size = 64 * 1024;
	void *mem;
	int ret;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, mem, size);
	if (ret == -EINVAL) {
		munmap(mem, size);
		T_SKIP("kernel lacks IORING_SETUP_NO_MMAP (6.5)");
	}
	check_app_mem_ring(&ring, mem, ret, size);

	/* resizing needs mappings the library owns */
	memset(&p, 0, sizeof(p));
	p.sq_entries = 16;
	assert_int_equal(io_uring_resize_rings(&ring, &p), -EINVAL);
	io_uring_queue_exit(&ring);
	/* the memory stays the caller's */
	memset(mem, 0, size);
	munmap(mem, size);
}

/*
 * The kernel keeps the pages of a NO_MMAP ring pinned until its teardown,
 * which runs after close() returns, and still writes ring fields (the CQ
 * tail, SQ flags) then.  Heap memory handed back to malloc at once would
 * be written behind its new owner's back; put fresh pages under the
 * range before freeing it.
 */
static void release_heap_ring_memory(void *mem, size_t size)
{
	void *p = mmap(mem, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	assert_ptr_equal(p, mem);
	free(mem);
}

static void test_no_mmap_posix_memalign(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	size_t size = 32 * 1024;
	void *mem = NULL;
	int ret;

	/*
	 * Heap memory has been written before: its pages are already
	 * faulted in.  6.12 (Debian's 6.12.95 measured) does not share such
	 * pages with a NO_MMAP ring: the CQEs and CQ tail it posts never show
	 * in the memory the process reads, and a ring whose first bytes were
	 * written can hang.  Fresh pages (test_no_mmap_caller_memory) work
	 * there; 6.18 and 7.2 share both.  The releases between were not
	 * measured, so the test runs from 6.18 on.
	 */
	if (t_kernel_at_least(6, 5) && !t_kernel_at_least(6, 18))
		T_SKIP("NO_MMAP rings in already-faulted memory: broken on "
		       "6.12, measured to work from 6.18");
	assert_int_equal(posix_memalign(&mem, (size_t) sysconf(_SC_PAGESIZE),
					size), 0);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(4, &ring, &p, mem, size);
	if (ret == -EINVAL) {
		free(mem);
		T_SKIP("kernel lacks IORING_SETUP_NO_MMAP (6.5)");
	}
	check_app_mem_ring(&ring, mem, ret, size);
	io_uring_queue_exit(&ring);
	release_heap_ring_memory(mem, size);
}

static void test_no_mmap_sizes(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	ssize_t need;
	size_t size = 256 * 1024;
	void *mem;
	int ret, fds;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY | IORING_SETUP_NO_MMAP;
	need = io_uring_memory_size_params(16, &p);
	assert_true(need > 0);
	assert_int_equal(need % sysconf(_SC_PAGESIZE), 0);

	/* one byte short */
	fds = t_count_fds();
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY;
	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_init_mem(16, &ring, &p, mem,
						 (size_t) need - 1), -ENOMEM);
	assert_int_equal(ring.ring_fd, -1);
	assert_null(ring.sq.ring_ptr);
	assert_int_equal(t_count_fds(), fds);

	/* exactly enough, and the whole of it is reported used */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY;
	ret = io_uring_queue_init_mem(16, &ring, &p, mem, (size_t) need);
	if (ret == -EINVAL) {
		munmap(mem, size);
		T_SKIP("kernel lacks NO_MMAP or NO_SQARRAY (6.6)");
	}
	assert_int_equal(ret, need);
	check_app_mem_ring(&ring, mem, ret, (size_t) need);
	io_uring_queue_exit(&ring);

	/* a bad size or entry count */
	memset(&p, 0, sizeof(p));
	assert_int_equal(io_uring_queue_init_mem(0, &ring, &p, mem, size),
			 -EINVAL);
	assert_int_equal(ring.ring_fd, -1);
	munmap(mem, size);
}

static void test_no_mmap_library_memory(void **state)
{
	struct io_uring ring;
	int fd;

	t_ring(&ring, 8, IORING_SETUP_NO_MMAP);
	assert_non_null(ring.sq.sqes);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 9000, 0, 5);
	close(fd);
	nop_sequence(&ring, 40, 8);
	io_uring_queue_exit(&ring);

	/* big enough that SQEs and rings each span several pages */
	t_ring(&ring, 256, IORING_SETUP_NO_MMAP);
	assert_int_equal(ring.sq.ring_entries, 256);
	nop_sequence(&ring, 1000, 200);
	io_uring_queue_exit(&ring);
}

/* --- REGISTERED_FD_ONLY (6.5) ---------------------------------------- */

static void test_registered_fd_only(void **state)
{
	struct io_uring_probe *probe;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char wbuf[600], rbuf[600];
	int fds_before, fd;

	fd = t_tmpfile(NULL, 0, NULL, 0);
	fds_before = t_count_fds();
	t_ring(&ring, 8, IORING_SETUP_NO_MMAP |
			 IORING_SETUP_REGISTERED_FD_ONLY);
	/* no file descriptor anywhere */
	assert_int_equal(ring.ring_fd, -1);
	assert_true(ring.enter_ring_fd >= 0);
	assert_int_equal(t_count_fds(), fds_before);

	t_file_roundtrip(&ring, fd, 2000, 0, 6);
	nop_sequence(&ring, 20, 4);

	/* registration goes through the registered index too */
	assert_int_equal(io_uring_register_files(&ring, &fd, 1), 0);
	t_fill(wbuf, sizeof(wbuf), 7);
	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, 0, wbuf, sizeof(wbuf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(wbuf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, rbuf, sizeof(rbuf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(rbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));
	assert_int_equal(io_uring_unregister_files(&ring), 0);

	probe = io_uring_get_probe_ring(&ring);
	assert_non_null(probe);
	assert_true(io_uring_opcode_supported(probe, IORING_OP_NOP));
	io_uring_free_probe(probe);

	/* there is no fd to close */
	assert_true(io_uring_close_ring_fd(&ring) < 0);
	io_uring_queue_exit(&ring);
	close(fd);

	/* the kernel wants NO_MMAP with it */
	{
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_REGISTERED_FD_ONLY;
		memset(&ring, 0x5a, sizeof(ring));
		assert_int_equal(io_uring_queue_init_params(4, &ring, &p),
				 -EINVAL);
		assert_int_equal(ring.ring_fd, -1);
	}
}

/* --- resizing (6.13) ------------------------------------------------- */

static void test_resize_rings(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_cqe *c;
	char wbuf[48], rbuf[48];
	int fds[2], ret;

	t_ring(&ring, 8, IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_DEFER_TASKRUN);
	assert_int_equal(pipe(fds), 0);

	/* a read in flight, two CQEs unreaped, two SQEs published */
	t_queue_read(&ring, fds[0], rbuf, sizeof(rbuf), 1);
	t_queue_nop(&ring, 2);
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit(&ring), 3);
	t_queue_nop(&ring, 4);
	t_queue_nop(&ring, 5);
	assert_int_equal(io_uring_flush_sq(&ring), 2);

	memset(&p, 0, sizeof(p));
	p.sq_entries = 32;
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 128;
	ret = io_uring_resize_rings(&ring, &p);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		close(fds[0]);
		close(fds[1]);
		T_SKIP("kernel cannot resize rings (6.13)");
	}
	assert_int_equal(ret, 0);
	assert_int_equal(ring.sq.ring_entries, 32);
	assert_int_equal(ring.cq.ring_entries, 128);
	assert_int_equal(io_uring_sq_space_left(&ring), 30);

	/* the unreaped completions moved over */
	assert_int_equal(io_uring_peek_cqe(&ring, &c), 0);
	assert_int_equal(c->user_data, 2);
	io_uring_cqe_seen(&ring, c);
	assert_int_equal(io_uring_peek_cqe(&ring, &c), 0);
	assert_int_equal(c->user_data, 3);
	io_uring_cqe_seen(&ring, c);

	/* so did the published SQEs */
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 4);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 5);

	/* and the read in flight still lands */
	t_fill(wbuf, sizeof(wbuf), 8);
	assert_int_equal(write(fds[1], wbuf, sizeof(wbuf)), sizeof(wbuf));
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, sizeof(wbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));

	/* the new room is real */
	nop_sequence(&ring, 200, 32);
	{
		unsigned i;

		for (i = 0; i < 32; i++)
			t_queue_nop(&ring, i);
		assert_int_equal(io_uring_submit_and_wait(&ring, 32), 32);
		assert_int_equal(io_uring_cq_ready(&ring), 32);
		io_uring_cq_advance(&ring, 32);
	}

	/* back down again */
	memset(&p, 0, sizeof(p));
	p.sq_entries = 4;
	assert_int_equal(io_uring_resize_rings(&ring, &p), 0);
	assert_int_equal(ring.sq.ring_entries, 4);
	assert_int_equal(ring.cq.ring_entries, 8);
	nop_sequence(&ring, 20, 4);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

static void test_resize_refused(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;

	/* only DEFER_TASKRUN rings may be resized */
	t_ring(&ring, 8, 0);
	memset(&p, 0, sizeof(p));
	p.sq_entries = 16;
	assert_int_equal(io_uring_resize_rings(&ring, &p), -EINVAL);
	assert_int_equal(ring.sq.ring_entries, 8);
	nop_sequence(&ring, 10, 5);
	io_uring_queue_exit(&ring);
}

/* --- size helpers ---------------------------------------------------- */

static void test_memory_size(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	struct io_uring_params p;
	ssize_t small, big, cq;

	small = io_uring_memory_size(8, 0);
	big = io_uring_memory_size(4096, 0);
	assert_true(small >= 2 * page);
	assert_int_equal(small % page, 0);
	assert_true(big > small);
	/* 4096 SQEs alone take 256 KiB */
	assert_true(big >= 4096 * 64);
	assert_true(io_uring_memory_size(8, IORING_SETUP_SQE128) >= small);
	assert_true(io_uring_memory_size(4096, IORING_SETUP_CQE32) > big);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 8192;
	cq = io_uring_memory_size_params(8, &p);
	assert_true(cq >= 8192 * 16);

	assert_int_equal(io_uring_memory_size(0, 0), -EINVAL);
	assert_int_equal(io_uring_memory_size(40000, 0), -EINVAL);
	p.cq_entries = 2;
	assert_int_equal(io_uring_memory_size_params(8, &p), -EINVAL);
	/* clamped */
	assert_true(io_uring_memory_size(40000, IORING_SETUP_CLAMP) ==
		    io_uring_memory_size(32768, 0));
}

static void test_mlock_size(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	bool native;

	t_ring(&ring, 2, 0);
	native = ring.features & IORING_FEAT_NATIVE_WORKERS;
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	if (native) {
		/* memory is charged to the cgroup, nothing is locked */
		assert_int_equal(io_uring_mlock_size(64, 0), 0);
		assert_int_equal(io_uring_mlock_size_params(64, &p), 0);
	} else {
		assert_true(io_uring_mlock_size(64, 0) > 0);
	}
	/* bad sizes are bad either way */
	assert_int_equal(io_uring_mlock_size(0, 0), -EINVAL);
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 2;
	assert_int_equal(io_uring_mlock_size_params(64, &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqe128),
		cmocka_unit_test(test_cqe32),
		cmocka_unit_test(test_cqe_mixed),
		cmocka_unit_test(test_cqe_mixed_filler_hidden),
		cmocka_unit_test(test_cqe_mixed_walks),
		cmocka_unit_test(test_sqe_mixed),
		cmocka_unit_test(test_no_sqarray),
		cmocka_unit_test(test_no_mmap_caller_memory),
		cmocka_unit_test(test_no_mmap_posix_memalign),
		cmocka_unit_test(test_no_mmap_sizes),
		cmocka_unit_test(test_no_mmap_library_memory),
		cmocka_unit_test(test_registered_fd_only),
		cmocka_unit_test(test_resize_rings),
		cmocka_unit_test(test_resize_refused),
		cmocka_unit_test(test_memory_size),
		cmocka_unit_test(test_mlock_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
