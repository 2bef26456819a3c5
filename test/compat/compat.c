/* SPDX-License-Identifier: MIT */
/*
 * Binary drop-in check.  Built against the system's liburing.h (Debian 12
 * ships liburing 2.3) and linked to the system's liburing.so.2, then run
 * with LD_LIBRARY_PATH pointing at our build so that the dynamic linker
 * loads our library in its place.  The header's inline helpers read and
 * write our struct io_uring directly, so this exercises the binary layout
 * as well as the exported calls.
 *
 *	compat [EXPECTED_LIB]
 *
 * With EXPECTED_LIB (a path) the program first checks, from
 * /proc/self/maps, that the liburing.so.2 mapped into it is that file.
 * Never include anything from this tree here: only <liburing.h> of the
 * system.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

static int failures;	/* checks failed in the current test */

static void fail_at(const char *func, int line, const char *expr,
		    const char *fmt, ...)
{
	va_list ap;

	printf("    %s:%d: %s: ", func, line, expr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail_at(__func__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/* Bail out of a test whose setup failed. */
#define REQUIRE(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fail_at(__func__, __LINE__, #cond, __VA_ARGS__); \
			return;						\
		}							\
	} while (0)

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char) (seed * 31 + i * 7 + (i >> 8));
}

static int tmpfile_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/compat.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Wait for one CQE with a bound, so a lost completion fails, not hangs. */
static int wait_one(struct io_uring *ring, struct io_uring_cqe **cqe)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };

	return io_uring_wait_cqe_timeout(ring, cqe, &ts);
}

/* Submit what is queued and reap exactly one CQE into *out. */
static int submit_reap_one(struct io_uring *ring, struct io_uring_cqe *out)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	ret = wait_one(ring, &cqe);
	if (ret < 0)
		return ret;
	*out = *cqe;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

/* --- the tests ----------------------------------------------------------- */

static void test_setup_fields(void)
{
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(16, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	CHECK(ring.ring_fd >= 0, "ring_fd %d", ring.ring_fd);
	CHECK(ring.sq.ring_entries == 16, "sq entries %u", ring.sq.ring_entries);
	CHECK(ring.sq.ring_mask == 15, "sq mask %u", ring.sq.ring_mask);
	CHECK(*ring.sq.kring_entries == 16, "sq kring_entries %u",
	      *ring.sq.kring_entries);
	CHECK(*ring.sq.kring_mask == 15, "sq kring_mask %u", *ring.sq.kring_mask);
	CHECK(ring.cq.ring_entries == 32, "cq entries %u", ring.cq.ring_entries);
	CHECK(*ring.cq.kring_entries == 32, "cq kring_entries %u",
	      *ring.cq.kring_entries);
	CHECK(ring.sq.sqes != NULL, "no sqes");
	CHECK(ring.cq.cqes != NULL, "no cqes");
	CHECK(ring.sq.ring_ptr != NULL && ring.sq.ring_sz > 0, "sq ring");
	CHECK(ring.cq.ring_ptr != NULL && ring.cq.ring_sz > 0, "cq ring");
	CHECK(io_uring_sq_space_left(&ring) == 16, "space %u",
	      io_uring_sq_space_left(&ring));
	CHECK(io_uring_sq_ready(&ring) == 0, "sq ready");
	CHECK(io_uring_cq_ready(&ring) == 0, "cq ready");
	CHECK(!io_uring_cq_has_overflow(&ring), "overflow");
	CHECK(ring.features & IORING_FEAT_NODROP, "features %#x", ring.features);
	ret = io_uring_ring_dontfork(&ring);
	CHECK(ret == 0, "dontfork: %d", ret);
	io_uring_queue_exit(&ring);
}

static void test_nop_batches(void)
{
	struct io_uring_cqe *cqes[16], *cqe;
	unsigned char seen[800];
	struct io_uring ring;
	unsigned round, i, head, n;
	int ret;

	ret = io_uring_queue_init(8, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	memset(seen, 0, sizeof(seen));

	for (round = 0; round < 100; round++) {
		for (i = 0; i < 8; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			REQUIRE(sqe, "no sqe %u in round %u", i, round);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, round * 8 + i);
		}
		CHECK(io_uring_get_sqe(&ring) == NULL, "a 9th sqe");
		CHECK(io_uring_sq_ready(&ring) == 8, "sq ready %u",
		      io_uring_sq_ready(&ring));
		CHECK(io_uring_sq_space_left(&ring) == 0, "space left %u",
		      io_uring_sq_space_left(&ring));

		/* Vary how the batch is submitted and reaped. */
		switch (round % 4) {
		case 0:
			ret = io_uring_submit(&ring);
			CHECK(ret == 8, "submit %d", ret);
			ret = io_uring_wait_cqe_nr(&ring, &cqe, 8);
			CHECK(ret == 0, "wait_cqe_nr %d", ret);
			break;
		case 1:
			ret = io_uring_submit_and_wait(&ring, 8);
			CHECK(ret == 8, "submit_and_wait %d", ret);
			break;
		case 2:
			ret = io_uring_submit_and_get_events(&ring);
			CHECK(ret == 8, "submit_and_get_events %d", ret);
			ret = io_uring_wait_cqes(&ring, &cqe, 8, NULL, NULL);
			CHECK(ret == 0, "wait_cqes %d", ret);
			break;
		default:
			ret = io_uring_submit(&ring);
			CHECK(ret == 8, "submit %d", ret);
			ret = io_uring_wait_cqe_nr(&ring, &cqe, 8);
			CHECK(ret == 0, "wait_cqe_nr %d", ret);
			break;
		}
		CHECK(io_uring_cq_ready(&ring) == 8, "cq ready %u",
		      io_uring_cq_ready(&ring));

		if (round % 2) {
			n = 0;
			io_uring_for_each_cqe(&ring, head, cqe) {
				CHECK(cqe->res == 0, "res %d", cqe->res);
				if (cqe->user_data < sizeof(seen))
					seen[cqe->user_data]++;
				n++;
			}
			CHECK(n == 8, "for_each saw %u", n);
			io_uring_cq_advance(&ring, n);
		} else {
			n = io_uring_peek_batch_cqe(&ring, cqes, 16);
			CHECK(n == 8, "peek_batch %u", n);
			for (i = 0; i < n; i++) {
				if (cqes[i]->user_data < sizeof(seen))
					seen[cqes[i]->user_data]++;
			}
			io_uring_cq_advance(&ring, n);
		}
		CHECK(io_uring_cq_ready(&ring) == 0, "cq not empty");
	}
	for (i = 0; i < sizeof(seen); i++)
		CHECK(seen[i] == 1, "user_data %u seen %u times", i, seen[i]);
	io_uring_queue_exit(&ring);
}

static void test_timeouts(void)
{
	struct __kernel_timespec ts = { .tv_nsec = 50 * 1000000 };
	struct __kernel_timespec op_ts = { .tv_nsec = 10 * 1000000 };
	struct io_uring_cqe *cqe, got;
	struct io_uring_sqe *sqe;
	unsigned long long t0, dt;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(8, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);

	/* Nothing in flight: a bounded wait reports -ETIME in time. */
	t0 = now_ms();
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	dt = now_ms() - t0;
	CHECK(ret == -ETIME, "wait_cqe_timeout on empty ring: %d", ret);
	CHECK(dt >= 40 && dt < 2000, "waited %llu ms for 50", dt);

	/* A timeout operation completes with -ETIME. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &op_ts, 0, 0);
	sqe->user_data = 77;
	ret = submit_reap_one(&ring, &got);
	CHECK(ret == 0, "reap: %d", ret);
	CHECK(got.user_data == 77 && got.res == -ETIME, "timeout cqe %llu %d",
	      (unsigned long long) got.user_data, got.res);

	/* submit_and_wait_timeout returns with the NOP's CQE. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 78;
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
	CHECK(ret >= 0, "submit_and_wait_timeout: %d", ret);
	CHECK(cqe && cqe->user_data == 78, "cqe %p", (void *) cqe);
	if (cqe)
		io_uring_cqe_seen(&ring, cqe);

	/* Waiting for two when one comes: the one is there, then -ETIME. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 79;
	io_uring_submit(&ring);
	ret = io_uring_wait_cqes(&ring, &cqe, 2, &ts, NULL);
	CHECK(ret == 0 || ret == -ETIME, "wait_cqes: %d", ret);
	ret = io_uring_peek_cqe(&ring, &cqe);
	CHECK(ret == 0 && cqe->user_data == 79, "peek: %d", ret);
	if (!ret)
		io_uring_cqe_seen(&ring, cqe);
	CHECK(io_uring_cq_ready(&ring) == 0, "stray cqe");
	io_uring_queue_exit(&ring);
}

static void test_read_write(void)
{
	enum { CHUNK = 4096, NCHUNK = 16 };
	static unsigned char out[CHUNK * NCHUNK], in[CHUNK * NCHUNK];
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct iovec iov[4];
	unsigned char seen[NCHUNK + 1];
	int fd, ret, i;

	ret = io_uring_queue_init(32, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	fd = tmpfile_fd();
	REQUIRE(fd >= 0, "tmpfile: %s", strerror(errno));
	fill(out, sizeof(out), 3);
	memset(seen, 0, sizeof(seen));

	for (i = 0; i < NCHUNK; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_write(sqe, fd, out + i * CHUNK, CHUNK,
				    (__u64) i * CHUNK);
		sqe->user_data = (__u64) i;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, 0);
	sqe->flags |= IOSQE_IO_DRAIN;
	sqe->user_data = NCHUNK;
	ret = io_uring_submit_and_wait(&ring, NCHUNK + 1);
	CHECK(ret == NCHUNK + 1, "submit %d", ret);
	for (i = 0; i <= NCHUNK; i++) {
		ret = wait_one(&ring, &cqe);
		if (ret) {
			CHECK(0, "wait: %d", ret);
			break;
		}
		CHECK(cqe->res == (cqe->user_data == NCHUNK ? 0 : CHUNK),
		      "write %llu: %d", (unsigned long long) cqe->user_data,
		      cqe->res);
		if (cqe->user_data <= NCHUNK)
			seen[cqe->user_data]++;
		io_uring_cqe_seen(&ring, cqe);
	}
	for (i = 0; i <= NCHUNK; i++)
		CHECK(seen[i] == 1, "write %d completed %u times", i, seen[i]);

	/* Read it back with one readv of four vectors. */
	for (i = 0; i < 4; i++) {
		iov[i].iov_base = in + i * (sizeof(in) / 4);
		iov[i].iov_len = sizeof(in) / 4;
	}
	memset(in, 0, sizeof(in));
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_readv(sqe, fd, iov, 4, 0);
	sqe->user_data = 100;
	io_uring_submit(&ring);
	ret = wait_one(&ring, &cqe);
	REQUIRE(ret == 0, "wait: %d", ret);
	CHECK(cqe->res == (int) sizeof(in), "readv %d", cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	CHECK(memcmp(in, out, sizeof(in)) == 0, "data differs");

	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_fixed(void)
{
	struct io_uring_cqe got = { 0 };
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct iovec iov[2];
	int fds[2], fd, other, ret;
	void *mem;

	ret = io_uring_queue_init(8, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	fd = tmpfile_fd();
	other = tmpfile_fd();
	REQUIRE(fd >= 0 && other >= 0, "tmpfile");
	mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(mem != MAP_FAILED, "mmap");
	iov[0].iov_base = mem;
	iov[0].iov_len = 4096;
	iov[1].iov_base = (char *) mem + 4096;
	iov[1].iov_len = 4096;
	fill(mem, 4096, 9);
	memset((char *) mem + 4096, 0, 4096);

	fds[0] = other;
	fds[1] = fd;
	ret = io_uring_register_files(&ring, fds, 2);
	REQUIRE(ret == 0, "register_files: %d", ret);
	ret = io_uring_register_buffers(&ring, iov, 2);
	REQUIRE(ret == 0, "register_buffers: %d", ret);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write_fixed(sqe, 1, iov[0].iov_base, 4096, 0, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 1;
	ret = submit_reap_one(&ring, &got);
	CHECK(ret == 0 && got.res == 4096, "write_fixed %d %d", ret, got.res);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, 1, iov[1].iov_base, 4096, 0, 1);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 2;
	ret = submit_reap_one(&ring, &got);
	CHECK(ret == 0 && got.res == 4096, "read_fixed %d %d", ret, got.res);
	CHECK(memcmp(iov[0].iov_base, iov[1].iov_base, 4096) == 0,
	      "fixed data differs");

	/* Replace slot 0 and read through it: the new file is empty. */
	ret = io_uring_register_files_update(&ring, 0, &fd, 1);
	CHECK(ret == 1, "files_update: %d", ret);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, iov[1].iov_base, 4096, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 3;
	ret = submit_reap_one(&ring, &got);
	CHECK(ret == 0 && got.res == 4096, "read via slot 0: %d %d", ret,
	      got.res);

	ret = io_uring_unregister_buffers(&ring);
	CHECK(ret == 0, "unregister_buffers: %d", ret);
	ret = io_uring_unregister_files(&ring);
	CHECK(ret == 0, "unregister_files: %d", ret);
	munmap(mem, 8192);
	close(fd);
	close(other);
	io_uring_queue_exit(&ring);
}

static void test_buf_ring_recv(void)
{
	enum { NBUF = 16, BUFSZ = 64, BGID = 7, MSGS = 40 };
	static char bufs[NBUF][BUFSZ];
	struct io_uring_buf_reg reg;
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int sv[2], ret, i, mask = io_uring_buf_ring_mask(NBUF);

	ret = io_uring_queue_init(8, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(br != MAP_FAILED, "mmap");
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) br;
	reg.ring_entries = NBUF;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&ring, &reg, 0);
	REQUIRE(ret == 0, "register_buf_ring: %d", ret);
	io_uring_buf_ring_init(br);
	for (i = 0; i < NBUF; i++)
		io_uring_buf_ring_add(br, bufs[i], BUFSZ, (unsigned short) i,
				      mask, i);
	io_uring_buf_ring_advance(br, NBUF);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");

	/* More messages than buffers: each is recycled after use. */
	for (i = 0; i < MSGS; i++) {
		char msg[BUFSZ];
		unsigned bid;
		int len;

		len = snprintf(msg, sizeof(msg), "message %d of %d", i, MSGS);
		REQUIRE(write(sv[1], msg, (size_t) len) == len, "write");
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_recv(sqe, sv[0], NULL, BUFSZ, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
		sqe->user_data = (__u64) i;
		io_uring_submit(&ring);
		ret = wait_one(&ring, &cqe);
		REQUIRE(ret == 0, "wait: %d", ret);
		CHECK(cqe->res == len, "recv %d: %d", i, cqe->res);
		REQUIRE(cqe->flags & IORING_CQE_F_BUFFER, "no buffer flag");
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		REQUIRE(bid < NBUF, "bid %u", bid);
		CHECK(memcmp(bufs[bid], msg, (size_t) len) == 0,
		      "data of message %d in buffer %u", i, bid);
		io_uring_buf_ring_add(br, bufs[bid], BUFSZ,
				      (unsigned short) bid, mask, 0);
		io_uring_buf_ring_cq_advance(&ring, br, 1);
	}
	ret = io_uring_unregister_buf_ring(&ring, BGID);
	CHECK(ret == 0, "unregister_buf_ring: %d", ret);
	close(sv[0]);
	close(sv[1]);
	munmap(br, 4096);
	io_uring_queue_exit(&ring);
}

static void test_probe(void)
{
	struct io_uring_probe *probe;
	struct io_uring ring;
	int ret;

	probe = io_uring_get_probe();
	REQUIRE(probe, "get_probe");
	CHECK(io_uring_opcode_supported(probe, IORING_OP_NOP), "no NOP");
	CHECK(io_uring_opcode_supported(probe, IORING_OP_READ), "no READ");
	CHECK(probe->last_op >= IORING_OP_READ, "last_op %u", probe->last_op);
	io_uring_free_probe(probe);

	ret = io_uring_queue_init(2, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	probe = io_uring_get_probe_ring(&ring);
	CHECK(probe && io_uring_opcode_supported(probe, IORING_OP_RECV),
	      "get_probe_ring");
	io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
}

static void test_registered_ring(void)
{
	struct io_uring_cqe got;
	struct io_uring ring;
	int ret, i;

	ret = io_uring_queue_init(4, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);
	ret = io_uring_register_ring_fd(&ring);
	REQUIRE(ret == 1, "register_ring_fd: %d", ret);
	CHECK(ring.enter_ring_fd != ring.ring_fd, "enter fd unchanged");
	for (i = 0; i < 10; i++) {
		io_uring_prep_nop(io_uring_get_sqe(&ring));
		ret = submit_reap_one(&ring, &got);
		CHECK(ret == 0 && got.res == 0, "nop %d: %d", i, ret);
	}
	ret = io_uring_unregister_ring_fd(&ring);
	CHECK(ret == 1, "unregister_ring_fd: %d", ret);
	CHECK(ring.enter_ring_fd == ring.ring_fd, "enter fd not restored");
	io_uring_queue_exit(&ring);
}

static void test_overflow(void)
{
	struct io_uring_params p;
	struct io_uring_cqe *cqe;
	unsigned char seen[64];
	struct io_uring ring;
	int ret, i, round;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ret = io_uring_queue_init_params(4, &ring, &p);
	REQUIRE(ret == 0, "queue_init_params: %d", ret);
	CHECK(ring.cq.ring_entries == 4, "cq entries %u", ring.cq.ring_entries);
	memset(seen, 0, sizeof(seen));

	/* 64 completions for a CQ of four: the kernel must keep the rest. */
	for (round = 0; round < 16; round++) {
		for (i = 0; i < 4; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			io_uring_prep_nop(sqe);
			sqe->user_data = (__u64) (round * 4 + i);
		}
		ret = io_uring_submit(&ring);
		CHECK(ret == 4, "submit %d", ret);
	}
	CHECK(io_uring_cq_has_overflow(&ring), "no overflow flagged");
	for (i = 0; i < 64; i++) {
		ret = wait_one(&ring, &cqe);
		if (ret) {
			CHECK(0, "cqe %d: wait %d", i, ret);
			break;
		}
		if (cqe->user_data < 64)
			seen[cqe->user_data]++;
		io_uring_cqe_seen(&ring, cqe);
	}
	for (i = 0; i < 64; i++)
		CHECK(seen[i] == 1, "user_data %d seen %u times", i, seen[i]);
	CHECK(*ring.cq.koverflow == 0, "dropped %u", *ring.cq.koverflow);
	CHECK(!io_uring_cq_has_overflow(&ring), "overflow left");
	io_uring_queue_exit(&ring);
}

static void test_sqpoll(void)
{
	struct io_uring_params p;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	unsigned done = 0;
	int ret, round, i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 5;	/* ms: let the thread go idle between rounds */
	ret = io_uring_queue_init_params(8, &ring, &p);
	REQUIRE(ret == 0, "queue_init_params(SQPOLL): %d", ret);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 8; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe) {
				io_uring_sqring_wait(&ring);
				sqe = io_uring_get_sqe(&ring);
			}
			REQUIRE(sqe, "no sqe");
			io_uring_prep_nop(sqe);
			sqe->user_data = (__u64) (round * 8 + i);
		}
		ret = io_uring_submit(&ring);
		CHECK(ret == 8, "submit %d", ret);
		for (i = 0; i < 8; i++) {
			ret = wait_one(&ring, &cqe);
			if (ret) {
				CHECK(0, "wait %d", ret);
				break;
			}
			io_uring_cqe_seen(&ring, cqe);
			done++;
		}
		if (round % 4 == 0)
			usleep(20000);	/* past sq_thread_idle */
	}
	CHECK(done == 160, "%u completions of 160", done);
	io_uring_queue_exit(&ring);
}

static void test_misc(void)
{
	struct io_uring_sync_cancel_reg reg;
	struct io_uring_cqe got, *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned values[2] = { 0, 0 };
	uint64_t count;
	int ret, efd, pfd[2], id;
	char buf[16];

	CHECK(io_uring_mlock_size(8, 0) >= 0, "mlock_size");
	ret = io_uring_queue_init(8, &ring, 0);
	REQUIRE(ret == 0, "queue_init: %d", ret);

	ret = io_uring_get_events(&ring);
	CHECK(ret == 0, "get_events: %d", ret);

	efd = eventfd(0, EFD_NONBLOCK);
	REQUIRE(efd >= 0, "eventfd");
	ret = io_uring_register_eventfd(&ring, efd);
	CHECK(ret == 0, "register_eventfd: %d", ret);
	io_uring_prep_nop(io_uring_get_sqe(&ring));
	ret = submit_reap_one(&ring, &got);
	CHECK(ret == 0, "nop: %d", ret);
	CHECK(read(efd, &count, sizeof(count)) == sizeof(count) && count >= 1,
	      "eventfd not signalled");
	ret = io_uring_unregister_eventfd(&ring);
	CHECK(ret == 0, "unregister_eventfd: %d", ret);
	close(efd);

	id = io_uring_register_personality(&ring);
	CHECK(id > 0, "register_personality: %d", id);
	if (id > 0) {
		ret = io_uring_unregister_personality(&ring, id);
		CHECK(ret == 0, "unregister_personality: %d", ret);
	}

	ret = io_uring_register_iowq_max_workers(&ring, values);
	CHECK(ret == 0, "iowq_max_workers: %d", ret);

	/* A read on an empty pipe, cancelled synchronously. */
	REQUIRE(pipe(pfd) == 0, "pipe");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, pfd[0], buf, sizeof(buf), 0);
	sqe->user_data = 0x1234;
	io_uring_submit(&ring);
	memset(&reg, 0, sizeof(reg));
	reg.addr = 0x1234;
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	ret = io_uring_register_sync_cancel(&ring, &reg);
	CHECK(ret == 0, "sync_cancel: %d", ret);
	ret = wait_one(&ring, &cqe);
	CHECK(ret == 0 && cqe->user_data == 0x1234 && cqe->res == -ECANCELED,
	      "cancelled read: %d", ret);
	if (!ret)
		io_uring_cqe_seen(&ring, cqe);
	close(pfd[0]);
	close(pfd[1]);
	io_uring_queue_exit(&ring);
}

/* The raw system calls, and a ring mapped by io_uring_queue_mmap(). */
static void test_raw_syscalls(void)
{
	struct io_uring_params p;
	struct io_uring_cqe got = { 0 };
	struct io_uring ring;
	int fd, ret;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	REQUIRE(fd >= 0, "io_uring_setup: %d", fd);
	ret = io_uring_queue_mmap(fd, &p, &ring);
	REQUIRE(ret == 0, "queue_mmap: %d", ret);
	CHECK(ring.ring_fd == fd, "ring_fd %d", ring.ring_fd);
	io_uring_prep_nop(io_uring_get_sqe(&ring));
	ret = submit_reap_one(&ring, &got);
	CHECK(ret == 0 && got.res == 0, "nop: %d %d", ret, got.res);
	ret = io_uring_enter((unsigned) fd, 0, 0, IORING_ENTER_GETEVENTS, NULL);
	CHECK(ret == 0, "io_uring_enter: %d", ret);
	ret = io_uring_register((unsigned) fd, IORING_REGISTER_PROBE, NULL, 0);
	CHECK(ret == -EFAULT || ret == -EINVAL, "io_uring_register: %d", ret);
	io_uring_queue_exit(&ring);
	CHECK(fcntl(fd, F_GETFD) == -1, "ring fd left open");
}

static void test_big_entries(void)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int ret, i;

	ret = io_uring_queue_init(4, &ring,
				  IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	REQUIRE(ret == 0, "queue_init(SQE128|CQE32): %d", ret);
	for (i = 0; i < 12; i++) {
		sqe = io_uring_get_sqe(&ring);
		REQUIRE(sqe, "no sqe");
		io_uring_prep_nop(sqe);
		sqe->user_data = (__u64) i + 500;
		io_uring_submit(&ring);
		ret = wait_one(&ring, &cqe);
		REQUIRE(ret == 0, "wait: %d", ret);
		CHECK(cqe->user_data == (__u64) i + 500, "user_data %llu",
		      (unsigned long long) cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
}

/* --- which library is this? ---------------------------------------------- */

static int check_loaded_lib(const char *expected)
{
	char want[PATH_MAX], line[PATH_MAX + 128], *path;
	int found = 0, ok = 0;
	FILE *maps;

	if (!realpath(expected, want)) {
		printf("FAIL expected library %s: %s\n", expected,
		       strerror(errno));
		return -1;
	}
	maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return -1;
	while (fgets(line, sizeof(line), maps)) {
		line[strcspn(line, "\n")] = 0;
		path = strchr(line, '/');
		if (!path || !strstr(path, "/liburing"))
			continue;
		if (found++ == 0)
			printf("loaded: %s\n", path);
		if (strcmp(path, want) == 0)
			ok = 1;
		else
			ok = -1;
	}
	fclose(maps);
	if (ok != 1) {
		printf("FAIL liburing mapped is not %s\n", want);
		return -1;
	}
	printf("ok   liburing.so.2 in this process is %s\n", want);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "setup_fields", test_setup_fields },
		{ "nop_batches", test_nop_batches },
		{ "timeouts", test_timeouts },
		{ "read_write", test_read_write },
		{ "fixed_files_buffers", test_fixed },
		{ "buf_ring_recv", test_buf_ring_recv },
		{ "probe", test_probe },
		{ "registered_ring", test_registered_ring },
		{ "cq_overflow", test_overflow },
		{ "sqpoll", test_sqpoll },
		{ "misc_register", test_misc },
		{ "raw_syscalls", test_raw_syscalls },
		{ "big_entries", test_big_entries },
	};
	unsigned i, passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && check_loaded_lib(argv[1]))
		failed++;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failures = 0;
		tests[i].fn();
		printf("%s %s\n", failures ? "FAIL" : "ok  ", tests[i].name);
		if (failures)
			failed++;
		else
			passed++;
	}
	printf("compat: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
