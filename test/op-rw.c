/* SPDX-License-Identifier: MIT */
/*
 * Reads and writes: plain, vectored, with RWF_* flags, from registered
 * buffers, registered iovecs, multishot reads on a pipe, and provided
 * buffers picked by the kernel.  Each case reads back what it wrote.
 */
#include "helpers.h"

#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#define BGID_LEGACY	5
#define BGID_RING	9

/* Submit, reap one completion, check its user_data; returns its res. */
static int submit_expect(struct io_uring *ring, __u64 ud)
{
	struct io_uring_cqe cqe = t_submit_one(ring);

	assert_int_equal(cqe.user_data, ud);
	return cqe.res;
}

static void test_read_write(void **state)
{
	char wbuf[3000], rbuf[3000];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int fd, marker;

	t_require_op(IORING_OP_READ);
	t_require_op(IORING_OP_WRITE);
	t_fill(wbuf, sizeof(wbuf), 11);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 4, 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, wbuf, sizeof(wbuf), 1000);
	io_uring_sqe_set_data64(sqe, 0x1122334455667788ULL);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(wbuf));
	assert_int_equal(cqe.flags, 0);
	assert_true(io_uring_cqe_get_data64(&cqe) == 0x1122334455667788ULL);
	/* the file really holds it, at the offset asked for */
	assert_int_equal(pread(fd, rbuf, sizeof(rbuf), 1000), sizeof(rbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));

	memset(rbuf, 0, sizeof(rbuf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 500, 1100);
	io_uring_sqe_set_data(sqe, &marker);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 500);
	assert_ptr_equal(io_uring_cqe_get_data(&cqe), &marker);
	assert_memory_equal(rbuf, wbuf + 100, 500);

	/* offset -1: read from, and advance, the file position */
	assert_int_equal(lseek(fd, 1200, SEEK_SET), 1200);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 100, (__u64) -1);
	sqe->user_data = 3;
	assert_int_equal(submit_expect(&ring, 3), 100);
	assert_memory_equal(rbuf, wbuf + 200, 100);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 1300);

	/* reading at end of file gives 0 */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 100, 4000);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	io_uring_queue_exit(&ring);
	close(fd);
}

/* io_uring_prep_rw with an explicit opcode is the generic form. */
static void test_prep_rw_read(void **state)
{
	char data[256], buf[256];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int fd;

	t_require_op(IORING_OP_READ);
	t_fill(data, sizeof(data), 4);
	fd = t_tmpfile(NULL, 0, data, sizeof(data));
	t_ring(&ring, 4, 0);

	memset(buf, 0, sizeof(buf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_rw(IORING_OP_READ, sqe, fd, buf, 200, 56);
	assert_int_equal(sqe->opcode, IORING_OP_READ);
	sqe->user_data = 9;
	assert_int_equal(submit_expect(&ring, 9), 200);
	assert_memory_equal(buf, data + 56, 200);

	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_readv_writev(void **state)
{
	char a[17], b[4096], c[333], ra[17], rb[4096], rc[333];
	struct iovec wv[3] = { { a, sizeof(a) }, { b, sizeof(b) },
			       { c, sizeof(c) } };
	struct iovec rv[3] = { { rc, sizeof(rc) }, { rb, sizeof(rb) },
			       { ra, sizeof(ra) } };
	char flat[sizeof(a) + sizeof(b) + sizeof(c)], back[sizeof(flat)];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd;

	t_require_op(IORING_OP_READV);
	t_require_op(IORING_OP_WRITEV);
	t_fill(a, sizeof(a), 1);
	t_fill(b, sizeof(b), 2);
	t_fill(c, sizeof(c), 3);
	memcpy(flat, a, sizeof(a));
	memcpy(flat + sizeof(a), b, sizeof(b));
	memcpy(flat + sizeof(a) + sizeof(b), c, sizeof(c));
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 4, 0);

	io_uring_prep_writev(t_get_sqe(&ring), fd, wv, 3, 512);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(flat));
	assert_int_equal(pread(fd, back, sizeof(back), 512), sizeof(back));
	assert_memory_equal(back, flat, sizeof(flat));

	/* read it back scattered differently: the bytes land in order */
	io_uring_prep_readv(t_get_sqe(&ring), fd, rv, 3, 512);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(flat));
	assert_memory_equal(rc, flat, sizeof(rc));
	assert_memory_equal(rb, flat + sizeof(rc), sizeof(rb));
	assert_memory_equal(ra, flat + sizeof(rc) + sizeof(rb), sizeof(ra));

	io_uring_queue_exit(&ring);
	close(fd);
}

/* RWF_APPEND on writev2 ignores the offset and appends. */
static void test_writev2_append(void **state)
{
	char head[100], tail[50], buf[200];
	struct iovec iov = { tail, sizeof(tail) };
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct stat st;
	int fd;

	t_require_op(IORING_OP_WRITEV);
	t_fill(head, sizeof(head), 5);
	t_fill(tail, sizeof(tail), 6);
	fd = t_tmpfile(NULL, 0, head, sizeof(head));
	t_ring(&ring, 4, 0);

	io_uring_prep_writev2(t_get_sqe(&ring), fd, &iov, 1, 0, RWF_APPEND);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(tail));
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, sizeof(head) + sizeof(tail));
	assert_int_equal(pread(fd, buf, sizeof(buf), 0),
			 sizeof(head) + sizeof(tail));
	assert_memory_equal(buf, head, sizeof(head));
	assert_memory_equal(buf + sizeof(head), tail, sizeof(tail));

	/* without the flag the same SQE overwrites at offset 0 */
	io_uring_prep_writev2(t_get_sqe(&ring), fd, &iov, 1, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(tail));
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, sizeof(head) + sizeof(tail));
	assert_int_equal(pread(fd, buf, sizeof(tail), 0), sizeof(tail));
	assert_memory_equal(buf, tail, sizeof(tail));

	io_uring_queue_exit(&ring);
	close(fd);
}

/*
 * RWF_NOWAIT on an empty pipe fails at once with -EAGAIN where a plain
 * readv waits for data.  Kernels whose pipes lack FMODE_NOWAIT (6.1)
 * refuse the flag with -EOPNOTSUPP, as preadv2(2) does there.
 */
static void test_readv2_nowait(void **state)
{
	char msg[] = "nowait data", buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int p[2], sys_errno;
	bool nowait_pipes;

	t_require_op(IORING_OP_READV);
	assert_int_equal(pipe(p), 0);
	t_ring(&ring, 4, 0);

	/* what the system call does with the flag on this kernel */
	assert_int_equal(preadv2(p[0], &iov, 1, -1, RWF_NOWAIT), -1);
	sys_errno = errno;
	assert_true(sys_errno == EAGAIN || sys_errno == EOPNOTSUPP);
	nowait_pipes = sys_errno == EAGAIN;

	sqe = t_get_sqe(&ring);
	io_uring_prep_readv2(sqe, p[0], &iov, 1, 0, RWF_NOWAIT);
	sqe->user_data = 1;
	assert_int_equal(submit_expect(&ring, 1), -sys_errno);
	if (!nowait_pipes)
		printf("note: pipes here refuse RWF_NOWAIT\n");

	/* with data there it reads */
	assert_int_equal(write(p[1], msg, sizeof(msg)), sizeof(msg));
	if (nowait_pipes) {
		sqe = t_get_sqe(&ring);
		io_uring_prep_readv2(sqe, p[0], &iov, 1, 0, RWF_NOWAIT);
		sqe->user_data = 2;
		assert_int_equal(submit_expect(&ring, 2), sizeof(msg));
	} else {
		assert_int_equal(read(p[0], buf, sizeof(buf)), sizeof(msg));
	}
	assert_memory_equal(buf, msg, sizeof(msg));

	/* without RWF_NOWAIT the read stays pending until data arrives */
	sqe = t_get_sqe(&ring);
	io_uring_prep_readv2(sqe, p[0], &iov, 1, 0, 0);
	sqe->user_data = 3;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);
	assert_int_equal(write(p[1], msg, 5), 5);
	assert_int_equal(submit_expect(&ring, 3), 5);
	assert_memory_equal(buf, msg, 5);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
}

/* RWF_HIPRI needs an IOPOLL ring; unknown RWF_* bits are refused. */
static void test_readv2_bad_flags(void **state)
{
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd;

	t_require_op(IORING_OP_READV);
	fd = t_tmpfile(NULL, 0, NULL, 64);
	t_ring(&ring, 4, 0);

	io_uring_prep_readv2(t_get_sqe(&ring), fd, &iov, 1, 0, RWF_HIPRI);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	io_uring_prep_readv2(t_get_sqe(&ring), fd, &iov, 1, 0, 1 << 30);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	io_uring_prep_writev2(t_get_sqe(&ring), fd, &iov, 1, 0, 1 << 30);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	/* the flags really were honoured per SQE: a plain one works */
	io_uring_prep_readv2(t_get_sqe(&ring), fd, &iov, 1, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(buf));
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_read_write_fixed(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct iovec bufs[2];
	char check[4096];
	int fd;

	t_require_op(IORING_OP_READ_FIXED);
	t_require_op(IORING_OP_WRITE_FIXED);
	bufs[0].iov_base = t_page_buf(8192, 0);
	bufs[0].iov_len = 8192;
	bufs[1].iov_base = t_page_buf(8192, 21);
	bufs[1].iov_len = 8192;
	memset(bufs[0].iov_base, 0, 8192);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_buffers(&ring, bufs, 2), 0);

	/* write 4096 bytes from the middle of buffer 1 */
	sqe = t_get_sqe(&ring);
	io_uring_prep_write_fixed(sqe, fd, (char *) bufs[1].iov_base + 1000,
				  4096, 0, 1);
	assert_int_equal(sqe->buf_index, 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 4096);
	assert_int_equal(pread(fd, check, sizeof(check), 0), sizeof(check));
	assert_memory_equal(check, (char *) bufs[1].iov_base + 1000, 4096);

	/* read part of it into the end of buffer 0 */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, fd, (char *) bufs[0].iov_base + 6192,
				 2000, 96, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 2000);
	assert_memory_equal((char *) bufs[0].iov_base + 6192,
			    (char *) bufs[1].iov_base + 1096, 2000);

	/* past the end of the registered buffer */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, fd, (char *) bufs[0].iov_base + 8000,
				 1000, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	/* a buffer index that is not registered */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, fd, bufs[0].iov_base, 100, 0, 2);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	/* the index really selects: buffer 1's address with index 0 fails */
	sqe = t_get_sqe(&ring);
	io_uring_prep_write_fixed(sqe, fd, bufs[1].iov_base, 100, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	free(bufs[0].iov_base);
	free(bufs[1].iov_base);
}

/* READV_FIXED / WRITEV_FIXED: iovecs that point into a registered buffer. */
static void test_readv_writev_fixed(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	struct iovec reg, wv[3], rv[2], bad;
	char check[3000], *base;
	int fd;

	t_require_op(IORING_OP_READV_FIXED);
	t_require_op(IORING_OP_WRITEV_FIXED);
	base = t_page_buf(16384, 31);
	memset(base + 8192, 0, 8192);
	reg.iov_base = base;
	reg.iov_len = 16384;
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_buffers(&ring, &reg, 1), 0);

	wv[0].iov_base = base + 10;
	wv[0].iov_len = 1000;
	wv[1].iov_base = base + 5000;
	wv[1].iov_len = 1500;
	wv[2].iov_base = base + 100;
	wv[2].iov_len = 500;
	sqe = t_get_sqe(&ring);
	io_uring_prep_writev_fixed(sqe, fd, wv, 3, 64, 0, 0);
	sqe->user_data = 1;
	assert_int_equal(submit_expect(&ring, 1), 3000);
	assert_int_equal(pread(fd, check, 3000, 64), 3000);
	assert_memory_equal(check, base + 10, 1000);
	assert_memory_equal(check + 1000, base + 5000, 1500);
	assert_memory_equal(check + 2500, base + 100, 500);

	rv[0].iov_base = base + 9000;
	rv[0].iov_len = 2000;
	rv[1].iov_base = base + 12000;
	rv[1].iov_len = 1000;
	sqe = t_get_sqe(&ring);
	io_uring_prep_readv_fixed(sqe, fd, rv, 2, 64, 0, 0);
	sqe->user_data = 2;
	assert_int_equal(submit_expect(&ring, 2), 3000);
	assert_memory_equal(base + 9000, check, 2000);
	assert_memory_equal(base + 12000, check + 2000, 1000);

	/* RWF flags travel too: append ignores the offset */
	sqe = t_get_sqe(&ring);
	io_uring_prep_writev_fixed(sqe, fd, wv, 1, 0, RWF_APPEND, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 1000);
	assert_int_equal(lseek(fd, 0, SEEK_END), 64 + 3000 + 1000);
	assert_int_equal(pread(fd, check, 1000, 3064), 1000);
	assert_memory_equal(check, base + 10, 1000);

	/* an iovec outside the registered buffer */
	bad.iov_base = check;
	bad.iov_len = 100;
	sqe = t_get_sqe(&ring);
	io_uring_prep_readv_fixed(sqe, fd, &bad, 1, 0, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	/* unregistered buffer index */
	sqe = t_get_sqe(&ring);
	io_uring_prep_writev_fixed(sqe, fd, wv, 1, 0, 0, 3);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	free(base);
}

struct mshot {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	unsigned nbufs;
	char *bufs;
	int p[2];
};

#define MSHOT_BUF	16

static void mshot_setup(struct mshot *m, unsigned nbufs)
{
	int err = 0;

	t_ring(&m->ring, 16, 0);
	m->nbufs = nbufs;
	m->bufs = malloc(nbufs * MSHOT_BUF);
	assert_non_null(m->bufs);
	m->br = io_uring_setup_buf_ring(&m->ring, nbufs, BGID_RING, 0, &err);
	if (!m->br)
		fail_msg("io_uring_setup_buf_ring: %s", strerror(-err));
	t_buf_ring_fill(m->br, nbufs, m->bufs, MSHOT_BUF, nbufs);
	assert_int_equal(pipe(m->p), 0);
}

static void mshot_teardown(struct mshot *m)
{
	assert_int_equal(io_uring_free_buf_ring(&m->ring, m->br, m->nbufs,
						BGID_RING), 0);
	io_uring_queue_exit(&m->ring);
	free(m->bufs);
	close(m->p[0]);
	if (m->p[1] >= 0)
		close(m->p[1]);
}

static void mshot_arm(struct mshot *m, __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_sqe(&m->ring);

	io_uring_prep_read_multishot(sqe, m->p[0], 0, 0, BGID_RING);
	assert_int_equal(sqe->flags, IOSQE_BUFFER_SELECT);
	assert_int_equal(sqe->buf_group, BGID_RING);
	sqe->user_data = ud;
	assert_int_equal(io_uring_submit(&m->ring), 1);
}

/* Check a data CQE from the multishot read and copy out its bytes. */
static void mshot_data(struct mshot *m, const struct io_uring_cqe *cqe,
		       unsigned want_bid, int want_len, char *out)
{
	assert_int_equal(cqe->user_data, 1);
	assert_int_equal(cqe->res, want_len);
	assert_int_equal(cqe->flags, IORING_CQE_F_MORE | IORING_CQE_F_BUFFER |
			 (want_bid << IORING_CQE_BUFFER_SHIFT));
	memcpy(out, m->bufs + want_bid * MSHOT_BUF, (size_t) want_len);
}

static void test_read_multishot(void **state)
{
	char data[74], got[74];
	struct io_uring_cqe cqes[4], cqe;
	struct mshot m;
	unsigned i;

	t_require_op(IORING_OP_READ_MULTISHOT);
	t_fill(data, sizeof(data), 41);
	mshot_setup(&m, 8);

	/* 64 bytes waiting: four 16-byte buffers, one CQE each */
	assert_int_equal(write(m.p[1], data, 64), 64);
	mshot_arm(&m, 1);
	t_reap(&m.ring, cqes, 4);
	for (i = 0; i < 4; i++)
		mshot_data(&m, &cqes[i], i, MSHOT_BUF, got + i * MSHOT_BUF);

	/* it stays armed: nothing more until more data comes */
	t_expect_no_cqe(&m.ring, 50);
	assert_int_equal(write(m.p[1], data + 64, 10), 10);
	t_reap(&m.ring, &cqe, 1);
	mshot_data(&m, &cqe, 4, 10, got + 64);
	assert_memory_equal(got, data, sizeof(data));

	/* end of file ends it: res 0 and no IORING_CQE_F_MORE */
	close(m.p[1]);
	m.p[1] = -1;
	t_reap(&m.ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags, 0);
	t_expect_no_cqe(&m.ring, 20);
	mshot_teardown(&m);
}

static void test_read_multishot_cancel(void **state)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct mshot m;

	t_require_op(IORING_OP_READ_MULTISHOT);
	t_require_op(IORING_OP_ASYNC_CANCEL);
	mshot_setup(&m, 4);
	mshot_arm(&m, 1);
	t_expect_no_cqe(&m.ring, 30);

	sqe = t_get_sqe(&m.ring);
	io_uring_prep_cancel64(sqe, 1, 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&m.ring), 1);
	cqe = t_reap_cancelled(&m.ring, 1, 2);
	assert_int_equal(cqe.flags, 0);
	mshot_teardown(&m);
}

/* Running out of buffers ends a multishot read with -ENOBUFS. */
static void test_read_multishot_out_of_buffers(void **state)
{
	char data[64], got[32];
	struct io_uring_cqe cqes[3];
	struct mshot m;

	t_require_op(IORING_OP_READ_MULTISHOT);
	t_fill(data, sizeof(data), 42);
	mshot_setup(&m, 2);
	assert_int_equal(write(m.p[1], data, sizeof(data)), sizeof(data));
	mshot_arm(&m, 1);
	t_reap(&m.ring, cqes, 3);
	mshot_data(&m, &cqes[0], 0, MSHOT_BUF, got);
	mshot_data(&m, &cqes[1], 1, MSHOT_BUF, got + MSHOT_BUF);
	assert_memory_equal(got, data, sizeof(got));
	assert_int_equal(cqes[2].user_data, 1);
	assert_int_equal(cqes[2].res, -ENOBUFS);
	assert_int_equal(cqes[2].flags, 0);
	mshot_teardown(&m);
}

/* A multishot read needs something to poll; a regular file is refused. */
static void test_read_multishot_regular_file(void **state)
{
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	struct io_uring_cqe cqe;
	char buf[64];
	int fd, err = 0;

	t_require_op(IORING_OP_READ_MULTISHOT);
	fd = t_tmpfile(NULL, 0, NULL, 256);
	t_ring(&ring, 4, 0);
	br = io_uring_setup_buf_ring(&ring, 1, BGID_RING, 0, &err);
	assert_non_null(br);
	io_uring_buf_ring_add(br, buf, sizeof(buf), 0,
			      io_uring_buf_ring_mask(1), 0);
	io_uring_buf_ring_advance(br, 1);

	io_uring_prep_read_multishot(t_get_sqe(&ring), fd, 0, 0, BGID_RING);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADFD);
	assert_false(cqe.flags & IORING_CQE_F_MORE);

	t_ring_still_works(&ring);
	assert_int_equal(io_uring_free_buf_ring(&ring, br, 1, BGID_RING), 0);
	io_uring_queue_exit(&ring);
	close(fd);
}

/*
 * Legacy provided buffers: the kernel picks one per read and says which
 * in cqe->flags; REMOVE_BUFFERS reports how many it took back.
 */
static void test_provide_buffers_read(void **state)
{
	char data[64], pool[4][32];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	unsigned bid1, bid2;
	int fd;

	t_require_op(IORING_OP_PROVIDE_BUFFERS);
	t_require_op(IORING_OP_REMOVE_BUFFERS);
	t_fill(data, sizeof(data), 51);
	memset(pool, 0, sizeof(pool));
	fd = t_tmpfile(NULL, 0, data, sizeof(data));
	t_ring(&ring, 4, 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_provide_buffers(sqe, pool, 32, 4, BGID_LEGACY, 100);
	sqe->user_data = 1;
	assert_int_equal(submit_expect(&ring, 1), 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, NULL, 32, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, BGID_LEGACY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 32);
	assert_true(cqe.flags & IORING_CQE_F_BUFFER);
	bid1 = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
	assert_int_equal(cqe.flags & 0xffff, IORING_CQE_F_BUFFER);
	assert_in_range(bid1, 100, 103);
	assert_memory_equal(pool[bid1 - 100], data, 32);

	/* a shorter read takes a whole buffer and fills part of it */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, NULL, 20, 40);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, BGID_LEGACY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 20);
	assert_int_equal(cqe.flags & 0xffff, IORING_CQE_F_BUFFER);
	bid2 = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
	assert_in_range(bid2, 100, 103);
	assert_int_not_equal(bid1, bid2);
	assert_memory_equal(pool[bid2 - 100], data + 40, 20);

	/* two were used; asking to remove ten removes the other two */
	sqe = t_get_sqe(&ring);
	io_uring_prep_remove_buffers(sqe, 10, BGID_LEGACY);
	sqe->user_data = 2;
	assert_int_equal(submit_expect(&ring, 2), 2);

	/* the group is empty now */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, NULL, 32, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, BGID_LEGACY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags, 0);

	/* provide again, then remove a part */
	sqe = t_get_sqe(&ring);
	io_uring_prep_provide_buffers(sqe, pool, 32, 3, BGID_LEGACY, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_remove_buffers(sqe, 2, BGID_LEGACY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 2);
	sqe = t_get_sqe(&ring);
	io_uring_prep_remove_buffers(sqe, 2, BGID_LEGACY);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 1);

	/* removing from a group that never existed */
	sqe = t_get_sqe(&ring);
	io_uring_prep_remove_buffers(sqe, 1, 77);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOENT);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

/* A buffer-select read from a group nobody provided. */
static void test_missing_buffer_group(void **state)
{
	struct iovec iov = { NULL, 32 };
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int fd;

	t_require_op(IORING_OP_READ);
	fd = t_tmpfile(NULL, 0, NULL, 64);
	t_ring(&ring, 4, 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, NULL, 32, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 1234);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOBUFS);

	sqe = t_get_sqe(&ring);
	io_uring_prep_readv(sqe, fd, &iov, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 1234);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOBUFS);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_rw_bad_input(void **state)
{
	static struct iovec many[1025];
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char path[512];
	int fd, rdonly;

	t_require_op(IORING_OP_READ);
	t_require_op(IORING_OP_WRITE);
	fd = t_tmpfile(path, sizeof(path), NULL, 256);
	rdonly = open(path, O_RDONLY);
	assert_true(rdonly >= 0);
	t_ring(&ring, 4, 0);

	io_uring_prep_read(t_get_sqe(&ring), 999999, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	io_uring_prep_write(t_get_sqe(&ring), -1, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	io_uring_prep_readv(t_get_sqe(&ring), 999999, &iov, 1, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	io_uring_prep_writev(t_get_sqe(&ring), 999999, &iov, 1, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* writing through a read-only descriptor */
	io_uring_prep_write(t_get_sqe(&ring), rdonly, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* a negative offset other than -1 */
	io_uring_prep_read(t_get_sqe(&ring), fd, buf, sizeof(buf), (__u64) -2);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* more iovecs than UIO_MAXIOV */
	io_uring_prep_readv(t_get_sqe(&ring), fd, many, 1025, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* fixed-file flag without a registered file table */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* registered buffers used without registering any */
	io_uring_prep_read_fixed(t_get_sqe(&ring), fd, buf, sizeof(buf), 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	close(rdonly);
}

/* Registered files: fd is a table index when IOSQE_FIXED_FILE is set. */
static void test_fixed_file_rw(void **state)
{
	char data[128], buf[128];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	int fds[2];

	t_require_op(IORING_OP_READ);
	t_fill(data, sizeof(data), 61);
	fds[0] = t_tmpfile(NULL, 0, NULL, 0);
	fds[1] = t_tmpfile(NULL, 0, data, sizeof(data));
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_files(&ring, fds, 2), 0);

	memset(buf, 0, sizeof(buf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, 1, buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	assert_int_equal(sqe->flags, IOSQE_FIXED_FILE);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));

	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, 0, data, 100, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 100);
	assert_int_equal(pread(fds[0], buf, sizeof(buf), 0), 100);
	assert_memory_equal(buf, data, 100);

	/* index past the table */
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, 2, buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_prep_rw_read),
		cmocka_unit_test(test_readv_writev),
		cmocka_unit_test(test_writev2_append),
		cmocka_unit_test(test_readv2_nowait),
		cmocka_unit_test(test_readv2_bad_flags),
		cmocka_unit_test(test_read_write_fixed),
		cmocka_unit_test(test_readv_writev_fixed),
		cmocka_unit_test(test_read_multishot),
		cmocka_unit_test(test_read_multishot_cancel),
		cmocka_unit_test(test_read_multishot_out_of_buffers),
		cmocka_unit_test(test_read_multishot_regular_file),
		cmocka_unit_test(test_provide_buffers_read),
		cmocka_unit_test(test_missing_buffer_group),
		cmocka_unit_test(test_rw_bad_input),
		cmocka_unit_test(test_fixed_file_rw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
