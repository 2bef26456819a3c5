/* SPDX-License-Identifier: MIT */
/*
 * Provided buffer rings: recv and multishot recv picking buffers in ring
 * order, -ENOBUFS from an empty ring, recycling a few small buffers through
 * a long stream, incremental consumption, the kernel's head as seen by
 * io_uring_buf_ring_head/_available, and what setup/free leave mapped.
 */
#include "helpers.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * Groups below 64 sat in a fixed array on older kernels (6.1), where an
 * unregistered low group reads back as -EINVAL instead of -ENOENT; a high
 * group id behaves the same everywhere.
 */
#define BGID	1000

struct bufs {
	unsigned nr, size;
	char *mem;
};

static void bufs_init(struct bufs *b, unsigned nr, unsigned size)
{
	void *p = NULL;

	b->nr = nr;
	b->size = size;
	assert_int_equal(posix_memalign(&p, 4096, (size_t) nr * size), 0);
	memset(p, 0, (size_t) nr * size);
	b->mem = p;
}

static char *buf_of(struct bufs *b, unsigned bid)
{
	assert_true(bid < b->nr);
	return b->mem + (size_t) bid * b->size;
}

static struct io_uring_buf_ring *setup_ring(struct io_uring *ring,
					    unsigned entries, int bgid,
					    unsigned flags)
{
	struct io_uring_buf_ring *br;
	int err = 1;

	br = io_uring_setup_buf_ring(ring, entries, bgid, flags, &err);
	if (!br)
		fail_msg("io_uring_setup_buf_ring(%u, %d, 0x%x): %d", entries,
			 bgid, flags, err);
	assert_int_equal(err, 0);
	assert_int_equal(br->tail, 0);
	return br;
}

/*
 * t_ring(), on a kernel with provided buffer rings: skips where a
 * well-formed registration answers -EINVAL.
 */
static void pbuf_ring(struct io_uring *ring, unsigned entries)
{
	struct io_uring_buf_ring *br;
	int err = 1;

	t_ring(ring, entries, 0);
	br = io_uring_setup_buf_ring(ring, 1, BGID, 0, &err);
	if (!br) {
		io_uring_queue_exit(ring);
		t_skip_if_einval(err, IORING_OP_SOCKET,
				 "IORING_REGISTER_PBUF_RING (Linux 5.19)");
		fail_msg("io_uring_setup_buf_ring: %d", err);
	}
	assert_int_equal(io_uring_free_buf_ring(ring, br, 1, BGID), 0);
}

static void send_all(int fd, const void *data, size_t len)
{
	assert_int_equal(send(fd, data, len, 0), (ssize_t) len);
}

/* Skip unless IORING_REGISTER_PBUF_STATUS (6.8) answers. */
static bool have_pbuf_status(struct io_uring *ring, int bgid)
{
	uint16_t head = 0xffff;
	int ret = io_uring_buf_ring_head(ring, bgid, &head);

	if (ret == -EINVAL)
		return false;
	assert_int_equal(ret, 0);
	return true;
}

static void test_recv_in_ring_order(void **state)
{
	static const unsigned short bids[4] = { 5, 2, 7, 0 };
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	char msg[32];
	int sv[2], mask, i;

	pbuf_ring(&ring, 8);
	t_socketpair(sv);
	bufs_init(&b, 8, 64);
	br = setup_ring(&ring, 8, BGID, 0);
	mask = io_uring_buf_ring_mask(8);
	assert_int_equal(mask, 7);

	/* ring positions 0..3 hold buffer ids 5, 2, 7, 0 */
	for (i = 0; i < 4; i++)
		io_uring_buf_ring_add(br, buf_of(&b, bids[i]), b.size, bids[i],
				      mask, i);
	assert_int_equal(br->tail, 0);	/* not visible until advanced */
	io_uring_buf_ring_advance(br, 4);
	assert_int_equal(br->tail, 4);

	for (i = 0; i < 4; i++) {
		int len = snprintf(msg, sizeof(msg), "message %d", i);

		send_all(sv[1], msg, (size_t) len);
		t_submit_recv(&ring, sv[0], BGID, false, 100 + (unsigned) i);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 100 + i);
		assert_int_equal(cqe.res, len);
		assert_int_equal(cqe.flags & ~(IORING_CQE_F_SOCK_NONEMPTY |
					       (0xffffU << 16)),
				 IORING_CQE_F_BUFFER);
		assert_int_equal(t_cqe_bid(&cqe), bids[i]);
		assert_memory_equal(buf_of(&b, bids[i]), msg, (size_t) len);
	}

	/* all four used: data waits, but there is nowhere to put it */
	send_all(sv[1], "late", 4);
	t_submit_recv(&ring, sv[0], BGID, false, 200);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 200);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags & IORING_CQE_F_BUFFER, 0);

	/* one buffer returned: the waiting data arrives in it */
	io_uring_buf_ring_add(br, buf_of(&b, 3), b.size, 3, mask, 0);
	io_uring_buf_ring_advance(br, 1);
	t_submit_recv(&ring, sv[0], BGID, false, 201);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 4);
	assert_int_equal(t_cqe_bid(&cqe), 3);
	assert_memory_equal(buf_of(&b, 3), "late", 4);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 8, BGID), 0);
	/* the group is gone */
	send_all(sv[1], "x", 1);
	t_submit_recv(&ring, sv[0], BGID, false, 202);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, -ENOBUFS);

	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

static void test_empty_ring_gives_enobufs(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	int sv[2];

	pbuf_ring(&ring, 8);
	t_socketpair(sv);
	bufs_init(&b, 1, 128);
	br = setup_ring(&ring, 4, BGID, 0);

	send_all(sv[1], "hello", 5);
	t_submit_recv(&ring, sv[0], BGID, false, 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags & IORING_CQE_F_BUFFER, 0);
	/* multishot stops at once too, without IORING_CQE_F_MORE */
	t_submit_recv(&ring, sv[0], BGID, true, 2);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 2);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags & (IORING_CQE_F_MORE | IORING_CQE_F_BUFFER),
			 0);

	/* the data was not lost */
	io_uring_buf_ring_add(br, b.mem, b.size, 0,
			      io_uring_buf_ring_mask(4), 0);
	io_uring_buf_ring_advance(br, 1);
	t_submit_recv(&ring, sv[0], BGID, false, 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 5);
	assert_int_equal(t_cqe_bid(&cqe), 0);
	assert_memory_equal(b.mem, "hello", 5);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 4, BGID), 0);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

static void test_multishot_recv(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	char msg[32];
	int sv[2], i;

	t_require_op(IORING_OP_RECV);
	pbuf_ring(&ring, 8);
	t_socketpair(sv);
	bufs_init(&b, 4, 64);
	br = setup_ring(&ring, 4, BGID, 0);
	t_buf_ring_fill(br, 4, b.mem, b.size, 4);

	t_submit_recv(&ring, sv[0], BGID, true, 0x77);
	for (i = 0; i < 3; i++) {
		int len = snprintf(msg, sizeof(msg), "shot %d", i);

		send_all(sv[1], msg, (size_t) len);
		t_reap(&ring, &cqe, 1);
		if (i == 0 && cqe.res == -EINVAL)
			T_SKIP("IORING_RECV_MULTISHOT (Linux 6.0): kernel "
			       "answers %d", cqe.res);
		assert_int_equal(cqe.user_data, 0x77);
		assert_int_equal(cqe.res, len);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		assert_int_equal(t_cqe_bid(&cqe), i);
		assert_memory_equal(buf_of(&b, (unsigned) i), msg,
				    (size_t) len);
	}

	/* the peer going away ends it: res 0, no F_MORE, no buffer */
	shutdown(sv[1], SHUT_WR);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 0x77);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags & (IORING_CQE_F_MORE | IORING_CQE_F_BUFFER),
			 0);
	t_expect_no_cqe(&ring, 50);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 4, BGID), 0);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

/* Multishot recv with two buffers and three messages runs dry. */
static void test_multishot_runs_out(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	int sv[2], i;

	pbuf_ring(&ring, 8);
	t_socketpair(sv);
	bufs_init(&b, 2, 64);
	br = setup_ring(&ring, 2, BGID, 0);
	t_buf_ring_fill(br, 2, b.mem, b.size, 2);

	t_submit_recv(&ring, sv[0], BGID, true, 9);
	for (i = 0; i < 2; i++) {
		send_all(sv[1], "abc", 3);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.res, 3);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		assert_int_equal(t_cqe_bid(&cqe), i);
	}
	send_all(sv[1], "abc", 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 9);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags & (IORING_CQE_F_MORE | IORING_CQE_F_BUFFER),
			 0);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 2, BGID), 0);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

struct writer {
	int fd;
	size_t len;
	const char *data;
};

/*
 * Run in a child process, so that it goes on while we wait in the ring
 * (under valgrind a thread of ours would not: see t_under_valgrind()).
 */
static void writer_fn(void *arg)
{
	struct writer *w = arg;
	size_t off = 0;

	while (off < w->len) {
		size_t chunk = w->len - off > 3000 ? 3000 : w->len - off;
		ssize_t ret = send(w->fd, w->data + off, chunk, 0);

		if (ret <= 0)
			_exit(1);
		off += (size_t) ret;
	}
	if (shutdown(w->fd, SHUT_WR))
		_exit(2);
}

/*
 * 1 MiB through eight 4 KiB buffers: every buffer is handed back with
 * io_uring_buf_ring_cq_advance() once its data is copied out, and the
 * multishot recv is re-armed whenever it stops for lack of buffers.
 */
static void test_recycle_long_stream(void **state)
{
	const size_t total = 1 << 20;
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct writer w;
	struct bufs b;
	pid_t writer;
	char *want, *got;
	size_t have = 0;
	unsigned rearms = 0, next_bid = 0;
	int sv[2], mask;
	bool eof = false;

	pbuf_ring(&ring, 16);
	t_socketpair(sv);
	bufs_init(&b, 8, 4096);
	want = malloc(total);
	got = malloc(total);
	assert_non_null(want);
	assert_non_null(got);
	t_fill(want, total, 77);
	br = setup_ring(&ring, 8, BGID, 0);
	mask = io_uring_buf_ring_mask(8);
	t_buf_ring_fill(br, 8, b.mem, b.size, 8);

	w.fd = sv[1];
	w.len = total;
	w.data = want;
	writer = t_fork_call(writer_fn, &w);

	t_submit_recv(&ring, sv[0], BGID, true, 1);
	while (!eof) {
		struct __kernel_timespec ts = { .tv_sec = T_WAIT_SECS };
		struct io_uring_cqe *cqe;
		bool more;
		unsigned bid;
		int res;

		assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &ts),
				 0);
		res = cqe->res;
		more = cqe->flags & IORING_CQE_F_MORE;
		if (res > 0) {
			bid = t_cqe_bid(cqe);
			/* buffers come back round in ring order */
			assert_int_equal(bid, next_bid);
			next_bid = (next_bid + 1) % 8;
			assert_true(have + (size_t) res <= total);
			memcpy(got + have, buf_of(&b, bid), (size_t) res);
			have += (size_t) res;
			/* hand the buffer back and consume the CQE at once */
			io_uring_buf_ring_add(br, buf_of(&b, bid), b.size,
					      (unsigned short) bid, mask, 0);
			io_uring_buf_ring_cq_advance(&ring, br, 1);
		} else {
			assert_int_equal(cqe->flags & IORING_CQE_F_BUFFER, 0);
			/* no buffer to return: only the CQE is consumed */
			__io_uring_buf_ring_cq_advance(&ring, br, 1, 0);
			if (res == 0)
				eof = true;
			else
				assert_int_equal(res, -ENOBUFS);
		}
		if (!more && !eof) {
			rearms++;
			assert_true(rearms < 100000);
			t_submit_recv(&ring, sv[0], BGID, true, 1);
		}
	}
	t_wait_exit(writer, 0);
	assert_int_equal(have, total);
	assert_memory_equal(got, want, total);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 8, BGID), 0);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
	free(want);
	free(got);
}

static void test_head_and_available(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	uint16_t head;
	int sv[2], i;

	pbuf_ring(&ring, 8);
	br = setup_ring(&ring, 8, BGID, 0);
	if (!have_pbuf_status(&ring, BGID)) {
		io_uring_free_buf_ring(&ring, br, 8, BGID);
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_PBUF_STATUS (Linux 6.8): kernel "
		       "answers %d", -EINVAL);
	}
	t_socketpair(sv);
	bufs_init(&b, 8, 32);

	assert_int_equal(io_uring_buf_ring_head(&ring, BGID, &head), 0);
	assert_int_equal(head, 0);
	assert_int_equal(io_uring_buf_ring_available(&ring, br, BGID), 0);
	t_buf_ring_fill(br, 8, b.mem, b.size, 6);
	assert_int_equal(io_uring_buf_ring_available(&ring, br, BGID), 6);

	for (i = 0; i < 4; i++) {
		send_all(sv[1], "data", 4);
		t_submit_recv(&ring, sv[0], BGID, false, (__u64) i);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.res, 4);
		assert_int_equal(io_uring_buf_ring_head(&ring, BGID, &head),
				 0);
		assert_int_equal(head, i + 1);
		assert_int_equal(io_uring_buf_ring_available(&ring, br, BGID),
				 6 - (i + 1));
	}

	/* unknown groups */
	assert_int_equal(io_uring_buf_ring_head(&ring, BGID + 1, &head),
			 -ENOENT);
	assert_int_equal(io_uring_buf_ring_available(&ring, br, BGID + 1),
			 -ENOENT);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 8, BGID), 0);
	assert_int_equal(io_uring_buf_ring_head(&ring, BGID, &head), -ENOENT);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

/* IOU_PBUF_RING_INC (6.12): one big buffer serves several receives. */
static void test_incremental_consumption(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	char data[4096];
	uint16_t head;
	bool status;
	int sv[2], err;

	pbuf_ring(&ring, 8);
	br = io_uring_setup_buf_ring(&ring, 4, BGID, IOU_PBUF_RING_INC, &err);
	if (!br) {
		io_uring_queue_exit(&ring);
		if (err == -EINVAL)
			T_SKIP("IOU_PBUF_RING_INC (Linux 6.12): kernel "
			       "answers %d", err);
		fail_msg("setup_buf_ring(IOU_PBUF_RING_INC): %d", err);
	}
	status = have_pbuf_status(&ring, BGID);
	t_socketpair(sv);
	bufs_init(&b, 1, sizeof(data));
	t_fill(data, sizeof(data), 5);
	io_uring_buf_ring_add(br, b.mem, b.size, 3, io_uring_buf_ring_mask(4),
			      0);
	io_uring_buf_ring_advance(br, 1);

	/* 100 bytes: the buffer is partly used and stays at the head */
	send_all(sv[1], data, 100);
	t_submit_recv(&ring, sv[0], BGID, false, 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 100);
	assert_int_equal(t_cqe_bid(&cqe), 3);
	assert_true(cqe.flags & IORING_CQE_F_BUF_MORE);
	assert_memory_equal(b.mem, data, 100);
	/* the kernel moved the entry past what it consumed */
	assert_true(br->bufs[0].addr == (unsigned long) (b.mem + 100));
	assert_int_equal(br->bufs[0].len, sizeof(data) - 100);
	if (status) {
		assert_int_equal(io_uring_buf_ring_head(&ring, BGID, &head),
				 0);
		assert_int_equal(head, 0);
	}

	/* 200 more land right after the first 100 */
	send_all(sv[1], data + 100, 200);
	t_submit_recv(&ring, sv[0], BGID, false, 2);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 200);
	assert_int_equal(t_cqe_bid(&cqe), 3);
	assert_true(cqe.flags & IORING_CQE_F_BUF_MORE);
	assert_memory_equal(b.mem, data, 300);

	/* exactly the rest: the buffer is used up, no BUF_MORE */
	send_all(sv[1], data + 300, sizeof(data) - 300);
	t_submit_recv(&ring, sv[0], BGID, false, 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, sizeof(data) - 300);
	assert_int_equal(t_cqe_bid(&cqe), 3);
	assert_int_equal(cqe.flags & IORING_CQE_F_BUF_MORE, 0);
	assert_memory_equal(b.mem, data, sizeof(data));
	if (status) {
		assert_int_equal(io_uring_buf_ring_head(&ring, BGID, &head),
				 0);
		assert_int_equal(head, 1);
		assert_int_equal(io_uring_buf_ring_available(&ring, br, BGID),
				 0);
	}

	send_all(sv[1], "z", 1);
	t_submit_recv(&ring, sv[0], BGID, false, 4);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, -ENOBUFS);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 4, BGID), 0);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

static bool is_mapped(void *addr)
{
	unsigned char vec;

	if (mincore(addr, 1, &vec) == 0)
		return true;
	assert_int_equal(errno, ENOMEM);
	return false;
}

static void test_setup_free_leave_nothing_mapped(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	unsigned before;
	long pinned;
	int err;

	pbuf_ring(&ring, 4);
	(void) t_maps_count();
	before = t_maps_count();
	pinned = t_vm_pin_kb();

	br = setup_ring(&ring, 64, BGID, 0);
	assert_true(is_mapped(br));
	assert_int_equal(io_uring_free_buf_ring(&ring, br, 64, BGID), 0);
	assert_false(is_mapped(br));
	assert_int_equal(t_maps_count(), before);
	assert_int_equal(t_vm_pin_kb(), pinned);

	/* failures leave nothing behind either */
	err = 0;
	assert_null(io_uring_setup_buf_ring(&ring, 3, BGID, 0, &err));
	assert_int_equal(err, -EINVAL);
	err = 0;
	assert_null(io_uring_setup_buf_ring(&ring, 0, BGID, 0, &err));
	assert_int_equal(err, -EINVAL);
	err = 0;
	assert_null(io_uring_setup_buf_ring(&ring, 65536, BGID, 0, &err));
	assert_int_equal(err, -EINVAL);
	br = setup_ring(&ring, 8, BGID, 0);
	err = 0;
	assert_null(io_uring_setup_buf_ring(&ring, 8, BGID, 0, &err));
	assert_int_equal(err, -EEXIST);
	assert_int_equal(io_uring_free_buf_ring(&ring, br, 8, BGID), 0);
	/* freeing twice: the group is gone, nothing is unmapped again */
	assert_int_equal(io_uring_free_buf_ring(&ring, br, 8, BGID), -ENOENT);
	assert_int_equal(t_maps_count(), before);
	assert_int_equal(t_vm_pin_kb(), pinned);

	io_uring_queue_exit(&ring);
}

/* IOU_PBUF_RING_MMAP (6.4): the kernel allocates the ring, we map it. */
static void test_kernel_allocated_ring(void **state)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	unsigned before;
	int sv[2], err;

	pbuf_ring(&ring, 8);
	(void) t_maps_count();
	before = t_maps_count();
	br = io_uring_setup_buf_ring(&ring, 8, BGID, IOU_PBUF_RING_MMAP, &err);
	if (!br) {
		io_uring_queue_exit(&ring);
		if (err == -EINVAL)
			T_SKIP("IOU_PBUF_RING_MMAP (Linux 6.4): kernel "
			       "answers %d", err);
		fail_msg("setup_buf_ring(IOU_PBUF_RING_MMAP): %d", err);
	}
	assert_int_equal(err, 0);
	assert_int_equal(br->tail, 0);
	t_socketpair(sv);
	bufs_init(&b, 2, 64);
	io_uring_buf_ring_add(br, buf_of(&b, 1), b.size, 1,
			      io_uring_buf_ring_mask(8), 0);
	io_uring_buf_ring_advance(br, 1);

	send_all(sv[1], "kernel ring", 11);
	t_submit_recv(&ring, sv[0], BGID, false, 5);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 11);
	assert_int_equal(t_cqe_bid(&cqe), 1);
	assert_memory_equal(buf_of(&b, 1), "kernel ring", 11);

	assert_int_equal(io_uring_free_buf_ring(&ring, br, 8, BGID), 0);
	assert_false(is_mapped(br));
	assert_int_equal(t_maps_count(), before);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

/* Ring memory of our own: initialise, register, use, unregister. */
static void test_register_own_memory(void **state)
{
	struct io_uring_buf_reg reg;
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs b;
	int sv[2];

	pbuf_ring(&ring, 8);
	t_socketpair(sv);
	bufs_init(&b, 4, 64);
	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(br != MAP_FAILED);
	memset(br, 0xff, 4096);
	io_uring_buf_ring_init(br);
	assert_int_equal(br->tail, 0);

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) br;
	reg.ring_entries = 256;		/* exactly one page of entries */
	reg.bgid = BGID;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), 0);
	/* the stale 0xff entries past the tail are never looked at */
	io_uring_buf_ring_add(br, buf_of(&b, 2), b.size, 2,
			      io_uring_buf_ring_mask(256), 0);
	io_uring_buf_ring_advance(br, 1);

	send_all(sv[1], "own", 3);
	t_submit_recv(&ring, sv[0], BGID, false, 1);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 3);
	assert_int_equal(t_cqe_bid(&cqe), 2);
	assert_memory_equal(buf_of(&b, 2), "own", 3);
	send_all(sv[1], "more", 4);
	t_submit_recv(&ring, sv[0], BGID, false, 2);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, -ENOBUFS);

	assert_int_equal(io_uring_unregister_buf_ring(&ring, BGID), 0);
	assert_int_equal(munmap(br, 4096), 0);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
	free(b.mem);
}

static void test_bad_buf_rings(void **state)
{
	struct io_uring_buf_reg reg;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	void *mem = NULL;
	char *legacy;
	long pinned;

	pbuf_ring(&ring, 8);
	assert_int_equal(posix_memalign(&mem, 4096, 2 * 4096), 0);
	legacy = malloc(256);
	assert_non_null(legacy);
	pinned = t_vm_pin_kb();

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) mem;
	reg.bgid = 3;

	reg.ring_entries = 6;		/* not a power of two */
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_entries = 0;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_entries = 65536;	/* head and tail are 16 bits */
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_entries = 8;
	reg.ring_addr = (unsigned long) mem + 16;	/* not page aligned */
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_addr = 0;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EFAULT);
	reg.ring_addr = (unsigned long) mem;
	reg.resv[1] = 1;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.resv[1] = 0;
	reg.flags = 0x8000;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.flags = 0;

	/* unregistering groups that were never registered */
	assert_int_equal(io_uring_unregister_buf_ring(&ring, 3), -ENOENT);
	assert_int_equal(io_uring_unregister_buf_ring(&ring, BGID), -ENOENT);
	assert_int_equal(t_vm_pin_kb(), pinned);

	/* a good one, then the same group again */
	reg.bgid = BGID;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), 0);
	reg.ring_addr = (unsigned long) mem + 4096;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EEXIST);
	assert_int_equal(io_uring_unregister_buf_ring(&ring, BGID), 0);
	assert_int_equal(io_uring_unregister_buf_ring(&ring, BGID), -ENOENT);
	assert_int_equal(t_vm_pin_kb(), pinned);

	/* a group owned by classic provided buffers cannot become a ring */
	io_uring_prep_provide_buffers(t_get_sqe(&ring), legacy, 64, 4, 9, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	reg.bgid = 9;
	assert_int_equal(io_uring_register_buf_ring(&ring, &reg, 0), -EEXIST);
	/* nor be unregistered as one */
	assert_int_equal(io_uring_unregister_buf_ring(&ring, 9), -EINVAL);
	{
		uint16_t head;
		int ret = io_uring_buf_ring_head(&ring, 9, &head);

		/* -EINVAL either way: not a ring, or no PBUF_STATUS */
		assert_int_equal(ret, -EINVAL);
	}

	t_ring_still_works(&ring);
	assert_int_equal(t_vm_pin_kb(), pinned);

	io_uring_queue_exit(&ring);
	free(mem);
	free(legacy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recv_in_ring_order),
		cmocka_unit_test(test_empty_ring_gives_enobufs),
		cmocka_unit_test(test_multishot_recv),
		cmocka_unit_test(test_multishot_runs_out),
		cmocka_unit_test(test_recycle_long_stream),
		cmocka_unit_test(test_head_and_available),
		cmocka_unit_test(test_incremental_consumption),
		cmocka_unit_test(test_setup_free_leave_nothing_mapped),
		cmocka_unit_test(test_kernel_allocated_ring),
		cmocka_unit_test(test_register_own_memory),
		cmocka_unit_test(test_bad_buf_rings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
