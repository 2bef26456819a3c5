/* SPDX-License-Identifier: MIT */
/*
 * The registered ring fd (every kind of enter through the index, closing
 * the real fd, unregistering), and probing the kernel and the library's
 * own version.
 */
#include "helpers.h"

#include <sys/eventfd.h>
#include <unistd.h>

/* Every path into io_uring_enter() the library has, with real results. */
static void exercise_enters(struct io_uring *ring, int fd)
{
	struct __kernel_timespec ts = { .tv_nsec = 10000000 };
	struct io_uring_cqe *cqe;
	unsigned i;

	t_file_roundtrip(ring, fd, 3000, 0, 1);

	t_queue_nop(ring, 1);
	t_queue_nop(ring, 2);
	assert_int_equal(io_uring_submit_and_wait(ring, 2), 2);
	assert_int_equal(io_uring_cq_ready(ring), 2);
	io_uring_cq_advance(ring, 2);

	assert_int_equal(io_uring_wait_cqe_timeout(ring, &cqe, &ts), -ETIME);
	assert_int_equal(io_uring_get_events(ring), 0);

	t_queue_nop(ring, 3);
	assert_int_equal(io_uring_submit_and_get_events(ring), 1);
	t_reap(ring, NULL, 1);

	ts.tv_sec = 1;
	t_queue_nop(ring, 4);
	assert_int_equal(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts,
							  NULL), 1);
	assert_int_equal(cqe->user_data, 4);
	io_uring_cqe_seen(ring, cqe);

	for (i = 0; i < 3; i++)
		t_queue_nop(ring, 10 + i);
	assert_int_equal(io_uring_submit(ring), 3);
	assert_int_equal(io_uring_wait_cqes(ring, &cqe, 3, &ts, NULL), 0);
	assert_int_equal(cqe->user_data, 10);
	io_uring_cq_advance(ring, 3);
}

static void test_register_ring_fd(void **state)
{
	struct io_uring ring;
	__u8 flags_before;
	int fd;

	t_ring(&ring, 8, 0);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	assert_int_equal(ring.enter_ring_fd, ring.ring_fd);
	flags_before = ring.int_flags;

	t_register_ring_fd(&ring);
	/* an index into the task's table of 16, not the fd */
	assert_true(ring.enter_ring_fd >= 0 && ring.enter_ring_fd < 16);
	assert_true(ring.ring_fd >= 0);
	assert_int_not_equal(ring.int_flags, flags_before);
	exercise_enters(&ring, fd);

	assert_int_equal(io_uring_register_ring_fd(&ring), -EEXIST);

	assert_int_equal(io_uring_unregister_ring_fd(&ring), 1);
	assert_int_equal(ring.enter_ring_fd, ring.ring_fd);
	assert_int_equal(ring.int_flags, flags_before);
	assert_int_equal(io_uring_unregister_ring_fd(&ring), -EINVAL);
	exercise_enters(&ring, fd);

	/* and again, left registered for queue_exit to clean up */
	assert_int_equal(io_uring_register_ring_fd(&ring), 1);
	t_file_roundtrip(&ring, fd, 100, 5000, 2);
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_registered_ring_sqpoll(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 10;
	t_ring_params(&ring, 8, &p);
	t_register_ring_fd(&ring);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_file_roundtrip(&ring, fd, 4096, 0, 3);
	/* the wakeup enter goes through the index too */
	t_wait_sq_flag(&ring, IORING_SQ_NEED_WAKEUP);
	t_file_roundtrip(&ring, fd, 4096, 4096, 4);
	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_close_ring_fd(void **state)
{
	struct io_uring_probe *probe;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	char wbuf[256], rbuf[256];
	struct iovec iov = { rbuf, sizeof(rbuf) };
	int fd, efd, old;
	uint64_t v;

	t_ring(&ring, 8, 0);
	/* nothing registered: the fd is all there is */
	assert_true(io_uring_close_ring_fd(&ring) < 0);
	assert_true(ring.ring_fd >= 0);
	t_register_ring_fd(&ring);
	if (!(ring.features & IORING_FEAT_REG_REG_RING)) {
		assert_int_equal(io_uring_close_ring_fd(&ring), -EOPNOTSUPP);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks IORING_FEAT_REG_REG_RING (6.3)");
	}

	old = ring.ring_fd;
	assert_int_equal(io_uring_close_ring_fd(&ring), 1);
	assert_int_equal(ring.ring_fd, -1);
	assert_int_equal(fcntl(old, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(io_uring_close_ring_fd(&ring), -EBADF);

	fd = t_tmpfile(NULL, 0, NULL, 0);
	exercise_enters(&ring, fd);

	/* registration works without the fd */
	probe = io_uring_get_probe_ring(&ring);
	assert_non_null(probe);
	assert_true(io_uring_opcode_supported(probe, IORING_OP_READ));
	io_uring_free_probe(probe);

	assert_int_equal(io_uring_register_files(&ring, &fd, 1), 0);
	assert_int_equal(io_uring_register_buffers(&ring, &iov, 1), 0);
	t_fill(wbuf, sizeof(wbuf), 5);
	assert_int_equal(pwrite(fd, wbuf, sizeof(wbuf), 0), sizeof(wbuf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, 0, rbuf, sizeof(rbuf), 0, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 8;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 8);
	assert_int_equal(cqe.res, sizeof(rbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));
	assert_int_equal(io_uring_unregister_buffers(&ring), 0);
	assert_int_equal(io_uring_unregister_files(&ring), 0);

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);
	t_queue_nop(&ring, 9);
	t_submit_one(&ring);
	assert_int_equal(read(efd, &v, sizeof(v)), sizeof(v));
	assert_true(v == 1);
	assert_int_equal(io_uring_unregister_eventfd(&ring), 0);
	close(efd);

	close(fd);
	io_uring_queue_exit(&ring);
}

/* --- probing --------------------------------------------------------- */

static void check_probe(const struct io_uring_probe *probe)
{
	int op;

	assert_true(probe->last_op >= IORING_OP_NOP);
	assert_true(probe->ops_len >= probe->last_op + 1);
	assert_true(io_uring_opcode_supported(probe, IORING_OP_NOP));
	assert_true(io_uring_opcode_supported(probe, IORING_OP_READV));
	for (op = 0; op <= probe->last_op; op++) {
		assert_int_equal(probe->ops[op].op, op);
		assert_int_equal(io_uring_opcode_supported(probe, op),
				 !!(probe->ops[op].flags &
				    IO_URING_OP_SUPPORTED));
	}
	assert_false(io_uring_opcode_supported(probe, probe->last_op + 1));
	assert_false(io_uring_opcode_supported(probe, 255));
	assert_false(io_uring_opcode_supported(probe, 256));
	assert_false(io_uring_opcode_supported(probe, -1));
	assert_false(io_uring_opcode_supported(probe, -1000));
}

static void test_probe(void **state)
{
	struct io_uring_probe *probe, *rprobe;
	struct io_uring ring;
	int op;

	probe = io_uring_get_probe();
	assert_non_null(probe);
	check_probe(probe);

	t_ring(&ring, 2, 0);
	rprobe = io_uring_get_probe_ring(&ring);
	assert_non_null(rprobe);
	check_probe(rprobe);
	/* the same kernel answers the same */
	assert_int_equal(rprobe->last_op, probe->last_op);
	for (op = 0; op <= probe->last_op; op++)
		assert_int_equal(rprobe->ops[op].flags, probe->ops[op].flags);
	io_uring_free_probe(rprobe);
	io_uring_queue_exit(&ring);

	if (probe->last_op < IORING_OP_PIPE) {
		assert_false(io_uring_opcode_supported(probe, IORING_OP_PIPE));
		op = probe->last_op;
		io_uring_free_probe(probe);
		T_SKIP("kernel's last opcode is %d, before PIPE (6.16)", op);
	}
	/* a 6.16+ kernel knows every opcode up to PIPE */
	for (op = 0; op <= IORING_OP_PIPE; op++)
		assert_true(io_uring_opcode_supported(probe, op));
	io_uring_free_probe(probe);
}

static void test_version(void **state)
{
	int major = io_uring_major_version();
	int minor = io_uring_minor_version();

	assert_int_equal(major, IO_URING_VERSION_MAJOR);
	assert_int_equal(minor, IO_URING_VERSION_MINOR);
	assert_int_equal(major, 2);
	assert_true(minor >= 15);

	/* true means: the library is older than asked */
	assert_false(io_uring_check_version(major, minor));
	assert_false(io_uring_check_version(major, 0));
	assert_false(io_uring_check_version(1, 99));
	assert_true(io_uring_check_version(major, minor + 1));
	assert_true(io_uring_check_version(major + 1, 0));
	assert_false(IO_URING_CHECK_VERSION(2, 0));
	assert_false(IO_URING_CHECK_VERSION(IO_URING_VERSION_MAJOR,
					    IO_URING_VERSION_MINOR));
	assert_true(IO_URING_CHECK_VERSION(IO_URING_VERSION_MAJOR,
					   IO_URING_VERSION_MINOR + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_ring_fd),
		cmocka_unit_test(test_registered_ring_sqpoll),
		cmocka_unit_test(test_close_ring_fd),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
