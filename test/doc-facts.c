/* SPDX-License-Identifier: MIT */
/*
 * What the man pages state about the kernel's answers, asserted against
 * the running kernel, so that a page and the kernel cannot drift apart
 * unnoticed.  Each test names the page whose sentence it backs.
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif
#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC	0x958458f6
#endif

/* The running kernel's version as major * 1000 + minor. */
static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	assert_int_equal(uname(&u), 0);
	assert_true(sscanf(u.release, "%d.%d", &major, &minor) >= 1);
	return major * 1000 + minor;
}

/* io_uring_register_files(3): more than 1,048,576 files is -EMFILE. */
static void test_files_too_many(void **state)
{
	struct io_uring ring;

	/* Sparse tables (no array to build) arrived in Linux 5.19. */
	if (kernel_version() < 5019)
		T_SKIP("sparse file tables need Linux 5.19");
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_files_sparse(&ring, (1U << 20) + 1),
			 -EMFILE);
	io_uring_queue_exit(&ring);
}

/* io_uring_register_files(3): an allocation range without a table is
 * -EINVAL (not -ENXIO, which update and unregister give). */
static void test_alloc_range_without_table(void **state)
{
	struct io_uring ring;

	/* Before 6.0 the opcode is unknown, which is -EINVAL as well. */
	if (kernel_version() < 6000)
		T_SKIP("IORING_REGISTER_FILE_ALLOC_RANGE needs Linux 6.0");
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_file_alloc_range(&ring, 0, 1),
			 -EINVAL);
	assert_int_equal(io_uring_unregister_files(&ring), -ENXIO);
	io_uring_queue_exit(&ring);
}

/*
 * io_uring_register_buffers(3): a buffer mapped from a regular file (not
 * shmem or hugetlbfs) cannot be registered.  Linux 6.5 left the check to
 * the page pinning code, which answers -EFAULT; earlier kernels checked
 * the mapping themselves and answered -EOPNOTSUPP.
 */
static void test_file_backed_buffer(void **state)
{
	struct io_uring ring;
	struct statfs sfs;
	struct iovec iov;
	char path[256];
	long page = sysconf(_SC_PAGESIZE);
	void *mem;
	int fd, ret;

	fd = t_tmpfile(path, sizeof(path), NULL, page);
	assert_int_equal(fstatfs(fd, &sfs), 0);
	if (sfs.f_type == TMPFS_MAGIC || sfs.f_type == HUGETLBFS_MAGIC) {
		close(fd);
		T_SKIP("TMPDIR is on tmpfs or hugetlbfs, which may be pinned");
	}
	mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(mem != MAP_FAILED);
	iov.iov_base = mem;
	iov.iov_len = page;

	t_ring(&ring, 4, 0);
	ret = io_uring_register_buffers(&ring, &iov, 1);
	if (kernel_version() >= 6005)
		assert_int_equal(ret, -EFAULT);
	else
		assert_int_equal(ret, -EOPNOTSUPP);
	io_uring_queue_exit(&ring);
	munmap(mem, page);
	close(fd);
}

/* io_uring_prep_accept(3): with no free slot left for an auto-allocated
 * direct descriptor, the accept completes with -ENFILE. */
static void test_accept_direct_no_slot(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned short port;
	int lfd, cfd, fds[1];

	t_require_op(IORING_OP_ACCEPT);
	t_ring(&ring, 4, 0);
	lfd = t_tcp_listener(&port);
	fds[0] = lfd;
	/* A table of one slot, already taken. */
	if (io_uring_register_files(&ring, fds, 1) < 0)
		T_SKIP("registered files unavailable");
	cfd = t_tcp_client(port);

	sqe = t_get_sqe(&ring);
	io_uring_prep_accept_direct(sqe, lfd, NULL, NULL, 0,
				    IORING_FILE_INDEX_ALLOC);
	io_uring_sqe_set_data64(sqe, 7);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 7);
	if (cqe.res == -EINVAL)
		T_SKIP("auto-allocated direct descriptors need Linux 5.19");
	assert_int_equal(cqe.res, -ENFILE);

	close(cfd);
	close(lfd);
	io_uring_queue_exit(&ring);
}

/* io_uring_prep_cancel(3): with IORING_ASYNC_CANCEL_ALL or _ANY a search
 * that matches nothing completes with 0 (the number cancelled), not
 * -ENOENT. */
static void test_cancel_all_nothing(void **state)
{
	static const unsigned int flags[] = {
		IORING_ASYNC_CANCEL_ALL, IORING_ASYNC_CANCEL_ANY,
	};
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	unsigned int i;
	int res;

	t_ring(&ring, 4, 0);
	for (i = 0; i < 2; i++) {
		sqe = t_get_sqe(&ring);
		io_uring_prep_cancel64(sqe, 12345, flags[i]);
		res = t_submit_res(&ring);
		if (res == -EINVAL)
			T_SKIP("IORING_ASYNC_CANCEL_ALL/ANY need Linux 5.19");
		assert_int_equal(res, 0);
	}
	/* Without those flags, nothing found is -ENOENT. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 12345, 0);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_queue_exit(&ring);
}

/* io_uring_prep_timeout_remove(3): an update keeps the timeout's clock;
 * a clock flag on the update is -EINVAL. */
static void test_timeout_update_clock(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(10000), nts = t_ts_ms(20000);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_sqe_set_data64(sqe, 1);
	assert_int_equal(io_uring_submit(&ring), 1);

	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_update(sqe, &nts, 1, IORING_TIMEOUT_BOOTTIME);
	io_uring_sqe_set_data64(sqe, 2);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 2);
	assert_int_equal(cqe.res, -EINVAL);

	/* The same update without the clock flag works (Linux 5.11). */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_update(sqe, &nts, 1, 0);
	io_uring_sqe_set_data64(sqe, 3);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 3);
	if (cqe.res == -EINVAL)
		T_SKIP("timeout updates need Linux 5.11");
	assert_int_equal(cqe.res, 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_remove(sqe, 1, 0);
	io_uring_sqe_set_data64(sqe, 4);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 2);
	io_uring_queue_exit(&ring);
}

/* io_uring_prep_send(3): a send with a destination address (sendto
 * style, sqe->addr2 and sqe->addr_len) works since Linux 6.1. */
static void test_sendto(void **state)
{
	struct sockaddr_in dst;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char msg[] = "sendto", buf[16];
	int rfd, sfd, res;

	t_ring(&ring, 4, 0);
	rfd = t_udp_bound(&dst);
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(sfd >= 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_sendto(sqe, sfd, msg, sizeof(msg), 0,
			     (struct sockaddr *) &dst, sizeof(dst));
	res = t_submit_res(&ring);
	if (kernel_version() < 6001) {
		/* Older kernels refuse sqe->addr2 (-EINVAL). */
		assert_true(res < 0);
		T_SKIP("sendto-style IORING_OP_SEND needs Linux 6.1");
	}
	assert_int_equal(res, sizeof(msg));
	assert_int_equal(recv(rfd, buf, sizeof(buf), 0), sizeof(msg));
	assert_memory_equal(buf, msg, sizeof(msg));

	close(sfd);
	close(rfd);
	io_uring_queue_exit(&ring);
}

/*
 * Run one request in a child with SIGPIPE at its default action: a write
 * to @fd, or a send when @send.  Returns the child's wait status.
 */
static int pipe_signal_child(int fd, bool send)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (io_uring_queue_init(4, &ring, 0) < 0)
			_exit(2);
		sqe = io_uring_get_sqe(&ring);
		if (send)
			io_uring_prep_send(sqe, fd, "x", 1, 0);
		else
			io_uring_prep_write(sqe, fd, "x", 1, 0);
		io_uring_submit(&ring);
		if (io_uring_wait_cqe(&ring, &cqe) < 0)
			_exit(3);
		_exit(cqe->res == -EPIPE ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/*
 * io_uring_prep_write(3): a write to a pipe without a reader raises
 * SIGPIPE, whose default action kills the process before any completion.
 * That holds where the write runs in the submitting task (checked on 6.12
 * and 6.18).  On 5.10 it ran in an io-wq worker, and the request just
 * completed with -EPIPE; kernels in between are not asserted.
 */
static void test_sigpipe_write(void **state)
{
	int fds[2], status;

	/* valgrind takes the signal itself: the child exits instead */
	if (t_under_valgrind())
		T_SKIP("SIGPIPE's default action is not seen under valgrind");
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	status = pipe_signal_child(fds[1], false);
	close(fds[1]);
	if (kernel_version() >= 6012) {
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGPIPE);
	} else if (kernel_version() <= 5010) {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* io_uring_prep_send(3): a send on a socket whose peer is gone completes
 * with -EPIPE and raises nothing (the kernel adds MSG_NOSIGNAL). */
static void test_send_no_sigpipe(void **state)
{
	int fds[2], status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	close(fds[1]);
	status = pipe_signal_child(fds[0], true);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_too_many),
		cmocka_unit_test(test_alloc_range_without_table),
		cmocka_unit_test(test_file_backed_buffer),
		cmocka_unit_test(test_accept_direct_no_slot),
		cmocka_unit_test(test_cancel_all_nothing),
		cmocka_unit_test(test_timeout_update_clock),
		cmocka_unit_test(test_sendto),
		cmocka_unit_test(test_sigpipe_write),
		cmocka_unit_test(test_send_no_sigpipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
