/* SPDX-License-Identifier: MIT */
/*
 * The rest of io_uring_register(2): eventfd notification, probing,
 * personalities, restrictions, io-wq affinity and limits, synchronous
 * cancel and MSG_RING, NAPI, the wait clock, memory regions, queries,
 * zero-copy receive queues and BPF filters.
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */

static void nop_and_wait(struct io_uring *ring, unsigned sqe_flags,
			 __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe cqe;

	io_uring_prep_nop(sqe);
	sqe->flags |= sqe_flags;
	sqe->user_data = user_data;
	cqe = t_submit_one(ring);
	assert_true(cqe.user_data == user_data);
	assert_int_equal(cqe.res, 0);
}

/* Submit one NOP and return its result. */
static int nop_res(struct io_uring *ring, unsigned sqe_flags,
		   unsigned personality)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe cqe;

	io_uring_prep_nop(sqe);
	sqe->flags |= sqe_flags;
	sqe->personality = (__u16) personality;
	sqe->user_data = 0x4e4f50;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, 0x4e4f50);
	return cqe.res;
}

/*
 * IORING_REGISTER_QUERY (6.18) for the number of register opcodes the
 * kernel knows, or -errno when it cannot say.
 */
static int kernel_register_ops(void)
{
	struct io_uring_query_opcode op;
	struct io_uring_query_hdr hdr;
	int ret;

	memset(&op, 0, sizeof(op));
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_data = (unsigned long) &op;
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.size = sizeof(op);
	ret = io_uring_register_query(&hdr);
	if (ret)
		return ret;
	if (hdr.result)
		return hdr.result;
	return (int) op.nr_register_opcodes;
}

/*
 * Register opcodes used with fd -1 and no ring ("blind": SEND_MSG_RING in
 * 6.13, QUERY, BPF filters).  Older kernels answer such calls with -EINVAL
 * for an opcode they do not know, or -EBADF for the fd.
 */
static bool no_such_blind_op(int ret)
{
	return ret == -EINVAL || ret == -EBADF;
}

/* ------------------------------------------------------------------ */

static void test_eventfd_counts_completions(void **state)
{
	struct io_uring ring;
	int efd, p[2];

	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);

	nop_and_wait(&ring, 0, 1);
	assert_int_equal(t_eventfd_take(efd), 1);
	nop_and_wait(&ring, 0, 2);
	nop_and_wait(&ring, 0, 3);
	assert_int_equal(t_eventfd_take(efd), 2);

	/* one eventfd per ring */
	assert_int_equal(io_uring_register_eventfd(&ring, efd), -EBUSY);

	assert_int_equal(io_uring_unregister_eventfd(&ring), 0);
	nop_and_wait(&ring, 0, 4);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	assert_int_equal(io_uring_unregister_eventfd(&ring), -ENXIO);

	/* not an eventfd, not an fd */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(io_uring_register_eventfd(&ring, p[0]), -EINVAL);
	assert_int_equal(io_uring_register_eventfd(&ring, 1000000), -EBADF);
	assert_int_equal(io_uring_register_eventfd_async(&ring, p[1]),
			 -EINVAL);
	nop_and_wait(&ring, 0, 5);
	assert_int_equal(io_uring_unregister_eventfd(&ring), -ENXIO);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(efd);
}

static void test_eventfd_toggle(void **state)
{
	struct io_uring ring;
	int efd;

	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), 0);
	assert_true(io_uring_cq_eventfd_enabled(&ring));

	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false), 0);
	assert_false(io_uring_cq_eventfd_enabled(&ring));
	assert_true(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED);
	nop_and_wait(&ring, 0, 1);
	nop_and_wait(&ring, IOSQE_ASYNC, 2);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	/* asking for the state it is already in changes nothing */
	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, false), 0);
	assert_false(io_uring_cq_eventfd_enabled(&ring));

	assert_int_equal(io_uring_cq_eventfd_toggle(&ring, true), 0);
	assert_true(io_uring_cq_eventfd_enabled(&ring));
	assert_int_equal(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED, 0);
	nop_and_wait(&ring, 0, 3);
	assert_int_equal(t_eventfd_take(efd), 1);

	io_uring_queue_exit(&ring);
	close(efd);
}

/*
 * Whether pipes take nonblocking reads (FMODE_NOWAIT, since 6.4): a
 * preadv2(RWF_NOWAIT) with data in the pipe reads it there, and fails with
 * EOPNOTSUPP where pipes lack the mode (6.1).
 */
static bool pipe_reads_nowait(void)
{
	char c = 'x';
	struct iovec iov = { &c, 1 };
	ssize_t ret;
	int p[2], err;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], &c, 1), 1);
	ret = preadv2(p[0], &iov, 1, -1, RWF_NOWAIT);
	err = errno;
	close(p[0]);
	close(p[1]);
	if (ret == 1)
		return true;
	assert_int_equal(ret, -1);
	assert_int_equal(err, EOPNOTSUPP);
	return false;
}

/*
 * Whether @fd, a regular file, takes nonblocking reads (FMODE_NOWAIT): a
 * preadv2(RWF_NOWAIT) reads (or would block: -EAGAIN), and fails with
 * EOPNOTSUPP on a file without the mode.
 */
static bool file_reads_nowait(int fd)
{
	char c;
	struct iovec iov = { &c, 1 };
	ssize_t ret;

	ret = preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
	if (ret >= 0 || errno == EAGAIN)
		return true;
	assert_int_equal(errno, EOPNOTSUPP);
	return false;
}

/*
 * EVENTFD_ASYNC signals only for completions posted from io-wq workers:
 * an inline NOP does not signal, a NOP forced to a worker does, and so
 * does a file read forced to a worker.  A socket read that waits for data
 * completes through poll and task work in the submitting task, which the
 * kernel does not count as async: no signal for it.  A pipe read that
 * waits does the same on kernels whose pipes take nonblocking reads; 6.1
 * finishes it in a worker, and so signals.
 */
static void test_eventfd_async(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	char buf[64];
	int efd, fd, p[2];
	bool nowait_pipes, inline_read;

	t_ring(&ring, 8, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(io_uring_register_eventfd_async(&ring, efd), 0);

	nop_and_wait(&ring, 0, 1);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	nop_and_wait(&ring, IOSQE_ASYNC, 2);
	assert_int_equal(t_eventfd_take(efd), 1);

	fd = t_tmpfile(NULL, 0, NULL, sizeof(buf));
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_ASYNC;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(buf));
	assert_int_equal(t_eventfd_take(efd), 1);
	/*
	 * The same read without IOSQE_ASYNC completes in line only where
	 * io_uring may try the file without blocking.  Since 6.5 ("io_uring:
	 * rely solely on FMODE_NOWAIT") that is the file's FMODE_NOWAIT, as
	 * preadv2(RWF_NOWAIT) shows: ext4 has it, tmpfs lacks it (6.12, 7.2),
	 * so a tmpfs read goes to a worker and signals.  Before 6.5 any
	 * regular file without a block device, tmpfs's too, was tried in
	 * line (5.10, 6.1).
	 */
	inline_read = file_reads_nowait(fd) || !t_kernel_at_least(6, 5);
	io_uring_prep_read(t_get_sqe(&ring), fd, buf, sizeof(buf), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(buf));
	assert_int_equal(t_eventfd_take(efd), inline_read ? -EAGAIN : 1);

	/*
	 * A read that has to wait on a socket: io_uring polls the socket and
	 * completes the read from task work, in line, so no signal.
	 */
	t_socketpair(p);
	io_uring_prep_read(t_get_sqe(&ring), p[0], buf, sizeof(buf), 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);
	assert_int_equal(write(p[1], "late", 4), 4);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 4);
	assert_int_equal(t_eventfd_take(efd), -EAGAIN);
	close(p[0]);
	close(p[1]);

	/*
	 * The same on a pipe goes the same way where pipes take nonblocking
	 * reads (6.4).  Before, io_uring waits for the data by polling, but
	 * the retry cannot be made without blocking and goes to an io-wq
	 * worker, which completes the read out of line: one signal.
	 */
	nowait_pipes = pipe_reads_nowait();
	assert_int_equal(pipe(p), 0);
	io_uring_prep_read(t_get_sqe(&ring), p[0], buf, sizeof(buf), 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);
	assert_int_equal(write(p[1], "late", 4), 4);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 4);
	assert_int_equal(t_eventfd_take(efd), nowait_pipes ? -EAGAIN : 1);

	/* a second registration of either kind is refused */
	assert_int_equal(io_uring_register_eventfd(&ring, efd), -EBUSY);
	assert_int_equal(io_uring_register_eventfd_async(&ring, efd), -EBUSY);
	assert_int_equal(io_uring_unregister_eventfd(&ring), 0);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(fd);
	close(efd);
}

/* ------------------------------------------------------------------ */

static struct io_uring_probe *probe_alloc(unsigned nr)
{
	struct io_uring_probe *p;

	p = calloc(1, sizeof(*p) + nr * sizeof(struct io_uring_probe_op));
	assert_non_null(p);
	return p;
}

static void test_register_probe(void **state)
{
	struct io_uring_probe *p;
	struct io_uring ring;
	unsigned i;
	int nr_ops;

	t_ring(&ring, 4, 0);
	p = probe_alloc(256);
	assert_int_equal(io_uring_register_probe(&ring, p, 256), 0);
	/*
	 * The kernel fills as many entries as it knows opcodes: at least
	 * those of 5.6, which brought IORING_REGISTER_PROBE.
	 */
	assert_true(p->last_op >= IORING_OP_EPOLL_CTL);
	assert_int_equal(p->ops_len, p->last_op + 1);
	for (i = 0; i < p->ops_len; i++)
		assert_int_equal(p->ops[i].op, i);
	assert_true(p->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED);
	assert_true(p->ops[IORING_OP_READV].flags & IO_URING_OP_SUPPORTED);
	assert_true(io_uring_opcode_supported(p, IORING_OP_NOP));
	assert_false(io_uring_opcode_supported(p, p->last_op + 1));
	/* and agrees with the query interface where there is one */
	nr_ops = -1;
	{
		struct io_uring_query_opcode op;
		struct io_uring_query_hdr hdr;

		memset(&op, 0, sizeof(op));
		memset(&hdr, 0, sizeof(hdr));
		hdr.query_data = (unsigned long) &op;
		hdr.size = sizeof(op);
		if (io_uring_register_query(&hdr) == 0 && hdr.result == 0)
			nr_ops = (int) op.nr_request_opcodes;
	}
	if (nr_ops >= 0)
		assert_int_equal(nr_ops, p->last_op + 1);
	free(p);

	/* fewer entries than the kernel knows */
	p = probe_alloc(4);
	assert_int_equal(io_uring_register_probe(&ring, p, 4), 0);
	assert_int_equal(p->ops_len, 4);
	assert_int_equal(p->ops[3].op, 3);
	/* the buffer must come in zeroed */
	assert_int_equal(io_uring_register_probe(&ring, p, 4), -EINVAL);
	free(p);
	p = probe_alloc(257);
	assert_int_equal(io_uring_register_probe(&ring, p, 257), -EINVAL);
	assert_int_equal(io_uring_register_probe(&ring, NULL, 4), -EINVAL);
	free(p);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */

static void test_personality_ids(void **state)
{
	struct io_uring ring;
	int id1, id2;

	t_ring(&ring, 4, 0);
	id1 = io_uring_register_personality(&ring);
	id2 = io_uring_register_personality(&ring);
	assert_true(id1 > 0);
	assert_true(id2 > 0);
	assert_int_not_equal(id1, id2);

	assert_int_equal(nop_res(&ring, 0, (unsigned) id1), 0);
	assert_int_equal(nop_res(&ring, 0, (unsigned) id2), 0);
	/* an id never handed out */
	assert_int_equal(nop_res(&ring, 0, 0xfff0), -EINVAL);

	assert_int_equal(io_uring_unregister_personality(&ring, id1), 0);
	assert_int_equal(nop_res(&ring, 0, (unsigned) id1), -EINVAL);
	assert_int_equal(nop_res(&ring, 0, (unsigned) id2), 0);
	assert_int_equal(io_uring_unregister_personality(&ring, id1), -EINVAL);
	assert_int_equal(io_uring_unregister_personality(&ring, 0xfff0),
			 -EINVAL);
	assert_int_equal(io_uring_unregister_personality(&ring, id2), 0);
	assert_int_equal(nop_res(&ring, 0, (unsigned) id2), -EINVAL);
	io_uring_queue_exit(&ring);
}

/* Child side of the credentials test; returns a bitmask of failures. */
static int personality_child(const char *path)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int id, res[2], i, bad = 0;

	if (io_uring_queue_init(4, &ring, 0))
		return 1;
	id = io_uring_register_personality(&ring);
	if (id <= 0)
		return 2;
	/* from here on this task is nobody; the ring keeps root's creds */
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 4;
	for (i = 0; i < 2; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
		sqe->personality = (__u16) (i ? id : 0);
		if (io_uring_submit_and_wait(&ring, 1) != 1 ||
		    io_uring_wait_cqe(&ring, &cqe))
			return 8;
		res[i] = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	if (res[0] != -EACCES)
		bad |= 16;
	if (res[1] < 0)
		bad |= 32;
	/* once unregistered, the id is refused */
	if (io_uring_unregister_personality(&ring, id))
		bad |= 64;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
	sqe->personality = (__u16) id;
	if (io_uring_submit_and_wait(&ring, 1) != 1 ||
	    io_uring_wait_cqe(&ring, &cqe) || cqe->res != -EINVAL)
		bad |= 128;
	return bad;
}

/* Requests carrying a personality run with the credentials it captured. */
static void test_personality_credentials(void **state)
{
	char path[512];
	int fd;
	pid_t pid;

	if (geteuid() != 0)
		T_SKIP("needs root to drop to another uid (euid %u)",
		       (unsigned) geteuid());
	/* a directory nobody may enter, holding a file nobody may read */
	fd = t_tmpfile(path, sizeof(path), "secret", 6);
	close(fd);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(t_tmpdir(), 0700), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(personality_child(path));
	t_wait_exit(pid, 0);
}

/* ------------------------------------------------------------------ */

static void test_restrictions(void **state)
{
	struct io_uring_restriction res[5];
	struct io_uring_probe *p;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe, cqes[2];
	struct io_uring ring;
	char buf[32];
	int fd, efd;

	t_ring(&ring, 8, IORING_SETUP_R_DISABLED);
	/* a disabled ring takes no submissions */
	io_uring_prep_nop(t_get_sqe(&ring));
	assert_int_equal(io_uring_submit(&ring), -EBADFD);

	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = IORING_OP_READ;
	res[2].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[2].sqe_flags = IOSQE_IO_LINK;
	res[3].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[3].register_op = IORING_REGISTER_PROBE;
	res[4].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[4].register_op = IORING_REGISTER_PERSONALITY;
	assert_int_equal(io_uring_register_restrictions(&ring, res, 5), 0);
	/* only one set of restrictions per ring */
	assert_int_equal(io_uring_register_restrictions(&ring, res, 1),
			 -EBUSY);
	assert_int_equal(io_uring_enable_rings(&ring), 0);

	/* the queued NOP goes now, and is allowed */
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	/* an allowed opcode with an allowed flag */
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	fd = t_tmpfile(NULL, 0, "restricted", 10);
	t_queue_read(&ring, fd, buf, sizeof(buf), 2);
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].user_data, 1);
	assert_int_equal(cqes[0].res, 0);
	assert_int_equal(cqes[1].user_data, 2);
	assert_int_equal(cqes[1].res, 10);
	assert_memory_equal(buf, "restricted", 10);

	/* a flag not allowed, an opcode not allowed */
	assert_int_equal(nop_res(&ring, IOSQE_ASYNC, 0), -EACCES);
	io_uring_prep_write(t_get_sqe(&ring), fd, buf, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EACCES);
	assert_int_equal(nop_res(&ring, 0, 0), 0);

	/* register opcodes: allowed ones work, the rest are refused */
	p = probe_alloc(8);
	assert_int_equal(io_uring_register_probe(&ring, p, 8), 0);
	assert_int_equal(p->ops_len, 8);
	free(p);
	assert_true(io_uring_register_personality(&ring) > 0);
	efd = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(io_uring_register_eventfd(&ring, efd), -EACCES);
	assert_int_equal(io_uring_register_files(&ring, &fd, 1), -EACCES);
	assert_int_equal(io_uring_register_restrictions(&ring, res, 1),
			 -EACCES);
	assert_int_equal(io_uring_enable_rings(&ring), -EACCES);

	io_uring_queue_exit(&ring);
	close(fd);
	close(efd);
}

static void test_restriction_errors(void **state)
{
	struct io_uring_restriction res[2];
	struct io_uring ring, live;

	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;

	/* only rings that start disabled */
	t_ring(&live, 4, 0);
	assert_int_equal(io_uring_register_restrictions(&live, res, 1),
			 -EBADFD);
	assert_int_equal(io_uring_enable_rings(&live), -EBADFD);
	io_uring_queue_exit(&live);

	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);
	res[1].opcode = 99;			/* no such restriction */
	assert_int_equal(io_uring_register_restrictions(&ring, res, 2),
			 -EINVAL);
	res[1].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[1].register_op = 250;		/* no such register op */
	assert_int_equal(io_uring_register_restrictions(&ring, res, 2),
			 -EINVAL);
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = 250;			/* no such opcode */
	assert_int_equal(io_uring_register_restrictions(&ring, res, 2),
			 -EINVAL);
	assert_int_equal(io_uring_register_restrictions(&ring, NULL, 0),
			 -EINVAL);

	/* the failures left nothing behind: a good set still goes in */
	assert_int_equal(io_uring_register_restrictions(&ring, res, 1), 0);
	assert_int_equal(io_uring_enable_rings(&ring), 0);
	assert_int_equal(nop_res(&ring, 0, 0), 0);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */

/*
 * Child side of the affinity test: a fresh task has no io-wq workers, so
 * the first one it starts shows the mask.  Returns a failure bitmask.
 */
static int iowq_aff_child(int cpu)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct dirent *de;
	cpu_set_t mask;
	DIR *dir;
	int found = 0, bad = 0;

	if (io_uring_queue_init(4, &ring, 0))
		return 1;
	CPU_ZERO(&mask);
	CPU_SET(cpu, &mask);
	if (io_uring_register_iowq_aff(&ring, sizeof(mask), &mask))
		return 2;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_ASYNC;
	if (io_uring_submit_and_wait(&ring, 1) != 1 ||
	    io_uring_wait_cqe(&ring, &cqe) || cqe->res)
		return 4;
	io_uring_cqe_seen(&ring, cqe);

	dir = opendir("/proc/self/task");
	if (!dir)
		return 8;
	while ((de = readdir(dir))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		if (strncmp(comm, "iou-wrk-", 8))
			continue;
		found++;
		CPU_ZERO(&mask);
		if (sched_getaffinity(atoi(de->d_name), sizeof(mask), &mask))
			bad |= 16;
		else if (CPU_COUNT(&mask) != 1 || !CPU_ISSET(cpu, &mask))
			bad |= 32;
	}
	closedir(dir);
	if (!found)
		bad |= 64;
	if (io_uring_unregister_iowq_aff(&ring))
		bad |= 128;
	return bad;
}

static void test_iowq_affinity(void **state)
{
	struct io_uring ring;
	cpu_set_t mask;
	int cpu = -1, i;
	pid_t pid;

	t_ring(&ring, 4, 0);
	CPU_ZERO(&mask);
	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	/* the last CPU we may run on, so the mask differs from the default */
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &mask))
			cpu = i;
	assert_true(cpu >= 0);

	CPU_ZERO(&mask);
	CPU_SET(cpu, &mask);
	assert_int_equal(io_uring_register_iowq_aff(&ring, sizeof(mask),
						    &mask), 0);
	assert_int_equal(io_uring_unregister_iowq_aff(&ring), 0);
	/* unsetting what is not set is fine */
	assert_int_equal(io_uring_unregister_iowq_aff(&ring), 0);
	/* no mask, or an empty one */
	assert_int_equal(io_uring_register_iowq_aff(&ring, 0, &mask), -EINVAL);
	assert_int_equal(io_uring_register_iowq_aff(&ring, sizeof(mask), NULL),
			 -EINVAL);
	assert_int_equal(io_uring_register_iowq_aff(&ring, 1UL << 31, &mask),
			 -EINVAL);
	io_uring_queue_exit(&ring);

	if (CPU_COUNT(&mask) == 1 && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		T_SKIP("one CPU: an io-wq mask cannot differ from the default");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(iowq_aff_child(cpu));
	t_wait_exit(pid, 0);
}

/* The io-wq belongs to the task: limits set here are restored at the end. */
static void test_iowq_max_workers(void **state)
{
	unsigned vals[2], orig[2], i;
	struct io_uring ring, other;

	t_ring(&ring, 8, 0);
	vals[0] = vals[1] = 0;		/* 0 reads without changing */
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals), 0);
	orig[0] = vals[0];
	orig[1] = vals[1];
	assert_true(orig[0] > 0);
	assert_true(orig[1] > 0);

	vals[0] = 3;
	vals[1] = 5;
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals), 0);
	assert_int_equal(vals[0], orig[0]);
	assert_int_equal(vals[1], orig[1]);
	vals[0] = vals[1] = 0;
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals), 0);
	assert_int_equal(vals[0], 3);
	assert_int_equal(vals[1], 5);

	/* one side at a time: 0 leaves the other as it is */
	vals[0] = 2;
	vals[1] = 0;
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals), 0);
	assert_int_equal(vals[0], 3);
	assert_int_equal(vals[1], 5);

	/* another ring of this task sees the same io-wq */
	t_ring(&other, 4, 0);
	vals[0] = vals[1] = 0;
	assert_int_equal(io_uring_register_iowq_max_workers(&other, vals), 0);
	assert_int_equal(vals[0], 2);
	assert_int_equal(vals[1], 5);
	io_uring_queue_exit(&other);

	/* more than INT_MAX is refused and changes nothing */
	vals[0] = (unsigned) INT_MAX + 1;
	vals[1] = 1;
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals),
			 -EINVAL);
	vals[0] = vals[1] = 0;
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals), 0);
	assert_int_equal(vals[0], 2);
	assert_int_equal(vals[1], 5);

	for (i = 0; i < 2; i++)
		vals[i] = orig[i] > INT_MAX ? INT_MAX : orig[i];
	assert_int_equal(io_uring_register_iowq_max_workers(&ring, vals), 0);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */

static void queue_pipe_read(struct io_uring *ring, int fd, bool fixed,
			    void *buf, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_queue_read(ring, fd, buf, 16, user_data);

	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	assert_int_equal(io_uring_submit(ring), 1);
}

static void cancel_reg_init(struct io_uring_sync_cancel_reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->timeout.tv_sec = 1;	/* bounded wait if cancel is slow */
}

static void test_sync_cancel(void **state)
{
	struct io_uring_sync_cancel_reg reg;
	struct io_uring ring;
	struct io_uring_cqe cqes[2];
	char buf[3][16];
	int p[2], ret;

	t_ring(&ring, 8, 0);
	assert_int_equal(pipe(p), 0);

	/* by user_data */
	queue_pipe_read(&ring, p[0], false, buf[0], 0x42);
	t_expect_no_cqe(&ring, 20);
	cancel_reg_init(&reg);
	reg.addr = 0x42;
	ret = io_uring_register_sync_cancel(&ring, &reg);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		close(p[0]);
		close(p[1]);
	}
	t_skip_if_einval(ret, IORING_OP_SEND_ZC,
			 "IORING_REGISTER_SYNC_CANCEL (Linux 6.0)");
	assert_int_equal(ret, 0);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 0x42);
	assert_int_equal(cqes[0].res, -ECANCELED);
	/* nothing left to match */
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -ENOENT);

	/* by fd, every match */
	queue_pipe_read(&ring, p[0], false, buf[1], 1);
	queue_pipe_read(&ring, p[0], false, buf[2], 2);
	t_expect_no_cqe(&ring, 20);
	cancel_reg_init(&reg);
	reg.fd = p[0];
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].res, -ECANCELED);
	assert_int_equal(cqes[1].res, -ECANCELED);
	assert_int_equal(cqes[0].user_data + cqes[1].user_data, 3);
	cancel_reg_init(&reg);
	reg.fd = p[0];
	reg.flags = IORING_ASYNC_CANCEL_FD;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -ENOENT);

	/* by fixed-file index */
	assert_int_equal(io_uring_register_files(&ring, &p[0], 1), 0);
	queue_pipe_read(&ring, 0, true, buf[0], 0x77);
	t_expect_no_cqe(&ring, 20);
	cancel_reg_init(&reg);
	reg.fd = 0;
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), 0);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 0x77);
	assert_int_equal(cqes[0].res, -ECANCELED);

	/* reserved fields and unknown flags */
	cancel_reg_init(&reg);
	reg.addr = 0x42;
	reg.pad2[1] = 1;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -EINVAL);
	cancel_reg_init(&reg);
	reg.addr = 0x42;
	reg.flags = 1U << 20;
	assert_int_equal(io_uring_register_sync_cancel(&ring, &reg), -EINVAL);

	/* the ring carries on: data written now is read by a new request */
	queue_pipe_read(&ring, p[0], false, buf[0], 9);
	assert_int_equal(write(p[1], "ok", 2), 2);
	t_reap(&ring, cqes, 1);
	assert_int_equal(cqes[0].user_data, 9);
	assert_int_equal(cqes[0].res, 2);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
}

/* ------------------------------------------------------------------ */

static int sync_msg(int fd, unsigned len, __u64 data, unsigned flags)
{
	struct io_uring_sqe sqe;

	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, fd, len, data, flags);
	return io_uring_register_sync_msg(&sqe);
}

static void test_sync_msg(void **state)
{
	struct io_uring_sqe sqe;
	struct io_uring target, disabled;
	struct io_uring_cqe cqe;
	int ret, p[2];

	t_ring(&target, 4, 0);
	ret = sync_msg(target.ring_fd, 0x1234, 0xdeadbeef, 0);
	if (no_such_blind_op(ret)) {
		io_uring_queue_exit(&target);
		T_SKIP("IORING_REGISTER_SEND_MSG_RING (Linux 6.13): kernel "
		       "answers %d", ret);
	}
	assert_int_equal(ret, 0);
	t_reap(&target, &cqe, 1);
	assert_true(cqe.user_data == 0xdeadbeef);
	assert_int_equal(cqe.res, 0x1234);
	assert_int_equal(cqe.flags, 0);

	/* with the target's CQE flags passed through */
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring_cqe_flags(&sqe, target.ring_fd, 7, 8,
					 IORING_MSG_RING_FLAGS_PASS, 0x50000);
	assert_int_equal(io_uring_register_sync_msg(&sqe), 0);
	t_reap(&target, &cqe, 1);
	assert_int_equal(cqe.user_data, 8);
	assert_int_equal(cqe.res, 7);
	assert_int_equal(cqe.flags, 0x50000);

	/* bad arguments */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sync_msg(p[0], 1, 1, 0), -EBADFD);
	assert_int_equal(sync_msg(1000000, 1, 1, 0), -EBADF);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, target.ring_fd, 1, 1, 0);
	sqe.flags = IOSQE_ASYNC;		/* no SQE flags here */
	assert_int_equal(io_uring_register_sync_msg(&sqe), -EINVAL);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_nop(&sqe);		/* only MSG_RING */
	sqe.fd = target.ring_fd;
	assert_int_equal(io_uring_register_sync_msg(&sqe), -EINVAL);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring_fd(&sqe, target.ring_fd, p[0], 0, 1, 0);
	assert_int_equal(io_uring_register_sync_msg(&sqe), -EINVAL);
	/* a target that is still disabled */
	t_ring(&disabled, 4, IORING_SETUP_R_DISABLED);
	assert_int_equal(sync_msg(disabled.ring_fd, 1, 1, 0), -EBADFD);
	io_uring_queue_exit(&disabled);
	t_expect_no_cqe(&target, 20);

	io_uring_queue_exit(&target);
	close(p[0]);
	close(p[1]);
}

/* ------------------------------------------------------------------ */

static int napi_reg(struct io_uring *ring, struct io_uring_napi *napi,
		    unsigned busy, unsigned prefer, unsigned opcode,
		    unsigned param)
{
	memset(napi, 0, sizeof(*napi));
	napi->busy_poll_to = busy;
	napi->prefer_busy_poll = (__u8) prefer;
	napi->opcode = (__u8) opcode;
	napi->op_param = param;
	return io_uring_register_napi(ring, napi);
}

static void test_napi(void **state)
{
	struct io_uring_napi napi;
	struct io_uring ring, iopoll;
	bool tracking;
	int ret;

	t_ring(&ring, 4, 0);
	ret = napi_reg(&ring, &napi, 100, 1, IO_URING_NAPI_REGISTER_OP,
		       IO_URING_NAPI_TRACKING_DYNAMIC);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_NAPI (Linux 6.9): kernel answers %d",
		       ret);
	}
	assert_int_equal(ret, 0);
	/* the previous settings come back: none */
	assert_int_equal(napi.busy_poll_to, 0);
	assert_int_equal(napi.prefer_busy_poll, 0);
	/* kernels with tracking modes (6.13) report "inactive" */
	tracking = napi.op_param == IO_URING_NAPI_TRACKING_INACTIVE;
	if (!tracking)
		assert_int_equal(napi.op_param, 0);

	assert_int_equal(napi_reg(&ring, &napi, 250, 0,
				  IO_URING_NAPI_REGISTER_OP,
				  IO_URING_NAPI_TRACKING_DYNAMIC), 0);
	assert_int_equal(napi.busy_poll_to, 100);
	assert_int_equal(napi.prefer_busy_poll, 1);
	if (tracking)
		assert_int_equal(napi.op_param, IO_URING_NAPI_TRACKING_DYNAMIC);

	/* reserved bytes */
	memset(&napi, 0, sizeof(napi));
	napi.pad[1] = 1;
	assert_int_equal(io_uring_register_napi(&ring, &napi), -EINVAL);
	memset(&napi, 0, sizeof(napi));
	napi.resv = 1;
	assert_int_equal(io_uring_register_napi(&ring, &napi), -EINVAL);

	if (tracking) {
		/* unknown operation and strategy */
		assert_int_equal(napi_reg(&ring, &napi, 0, 0, 9, 0), -EINVAL);
		assert_int_equal(napi_reg(&ring, &napi, 0, 0,
					  IO_URING_NAPI_REGISTER_OP, 7),
				 -EINVAL);
		/* static ids need static tracking */
		assert_int_equal(napi_reg(&ring, &napi, 0, 0,
					  IO_URING_NAPI_STATIC_ADD_ID, 9999),
				 -EINVAL);
		assert_int_equal(napi_reg(&ring, &napi, 250, 0,
					  IO_URING_NAPI_REGISTER_OP,
					  IO_URING_NAPI_TRACKING_STATIC), 0);
		/* id 0 is never a NAPI id */
		assert_int_equal(napi_reg(&ring, &napi, 0, 0,
					  IO_URING_NAPI_STATIC_ADD_ID, 0),
				 -EINVAL);
	}

	/* unregistering hands back what was set, then clears it */
	memset(&napi, 0xff, sizeof(napi));
	assert_int_equal(io_uring_unregister_napi(&ring, &napi), 0);
	assert_int_equal(napi.busy_poll_to, 250);
	assert_int_equal(napi.prefer_busy_poll, 0);
	assert_int_equal(io_uring_unregister_napi(&ring, NULL), 0);
	assert_int_equal(napi_reg(&ring, &napi, 10, 0,
				  IO_URING_NAPI_REGISTER_OP, 0), 0);
	assert_int_equal(napi.busy_poll_to, 0);
	io_uring_queue_exit(&ring);

	/* not on polled-I/O rings */
	t_ring(&iopoll, 4, IORING_SETUP_IOPOLL);
	assert_int_equal(napi_reg(&iopoll, &napi, 10, 0,
				  IO_URING_NAPI_REGISTER_OP, 0), -EINVAL);
	io_uring_queue_exit(&iopoll);
}

/* ------------------------------------------------------------------ */

static int clock_reg(struct io_uring *ring, unsigned clockid)
{
	struct io_uring_clock_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.clockid = clockid;
	return io_uring_register_clock(ring, &reg);
}

/* Wait for nothing until @clockid reads @delay_ms later, absolutely. */
static uint64_t abs_wait_ms(struct io_uring *ring, clockid_t clockid,
			    unsigned delay_ms)
{
	struct io_uring_getevents_arg arg;
	struct __kernel_timespec ts;
	struct timespec now;
	uint64_t start, ns;
	int ret;

	clock_gettime(clockid, &now);
	ns = (uint64_t) now.tv_nsec + delay_ms * 1000000ULL;
	ts.tv_sec = now.tv_sec + (long long) (ns / 1000000000ULL);
	ts.tv_nsec = (long long) (ns % 1000000000ULL);
	memset(&arg, 0, sizeof(arg));
	arg.ts = (unsigned long) &ts;
	start = t_now_ns();
	ret = io_uring_enter2((unsigned) ring->ring_fd, 0, 1,
			      IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG |
			      IORING_ENTER_ABS_TIMER, &arg, sizeof(arg));
	assert_int_equal(ret, -ETIME);
	return t_ms_since(start);
}

static void test_clock(void **state)
{
	struct io_uring_clock_register reg;
	struct io_uring ring;
	uint64_t ms;
	int ret;

	t_ring(&ring, 4, 0);
	ret = clock_reg(&ring, CLOCK_MONOTONIC);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_CLOCK (Linux 6.12): kernel answers %d",
		       ret);
	}
	assert_int_equal(ret, 0);
	ms = abs_wait_ms(&ring, CLOCK_MONOTONIC, 60);
	assert_true(ms >= 50 && ms < 3000);

	assert_int_equal(clock_reg(&ring, CLOCK_BOOTTIME), 0);
	ms = abs_wait_ms(&ring, CLOCK_BOOTTIME, 60);
	assert_true(ms >= 50 && ms < 3000);

	/* only those two */
	assert_int_equal(clock_reg(&ring, CLOCK_REALTIME), -EINVAL);
	assert_int_equal(clock_reg(&ring, CLOCK_PROCESS_CPUTIME_ID), -EINVAL);
	memset(&reg, 0, sizeof(reg));
	reg.clockid = CLOCK_MONOTONIC;
	reg.__resv[2] = 1;
	assert_int_equal(io_uring_register_clock(&ring, &reg), -EINVAL);
	/* the argument count must be 0 */
	reg.__resv[2] = 0;
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_CLOCK, &reg, 1),
			 -EINVAL);
	/* the failures left BOOTTIME in place */
	ms = abs_wait_ms(&ring, CLOCK_BOOTTIME, 60);
	assert_true(ms >= 50 && ms < 3000);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */

static void query_hdr_init(struct io_uring_query_hdr *hdr, unsigned op,
			   void *data, unsigned size)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->query_op = op;
	hdr->query_data = (unsigned long) data;
	hdr->size = size;
}

static void test_query(void **state)
{
	struct io_uring_query_hdr hdr, next;
	struct io_uring_query_opcode op;
	struct io_uring_probe *probe;
	struct io_uring ring;
	unsigned char big[64];
	unsigned i;
	int ret;

	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	memset(&op, 0xee, sizeof(op));
	ret = io_uring_register_query(&hdr);
	if (no_such_blind_op(ret))
		T_SKIP("IORING_REGISTER_QUERY (Linux 6.18): kernel answers %d",
		       ret);
	assert_int_equal(ret, 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(hdr.size, sizeof(op));

	t_ring(&ring, 4, 0);
	probe = io_uring_get_probe_ring(&ring);
	assert_non_null(probe);
	assert_int_equal(op.nr_request_opcodes, probe->last_op + 1);
	io_uring_free_probe(probe);
	assert_true(op.nr_register_opcodes >= IORING_REGISTER_QUERY + 1);
	/* every feature a ring reports is in the kernel's list */
	assert_true((op.feature_flags & ring.features) == ring.features);
	assert_true(op.ring_setup_flags & IORING_SETUP_SQPOLL);
	assert_true(op.ring_setup_flags & IORING_SETUP_R_DISABLED);
	assert_true(op.enter_flags & IORING_ENTER_GETEVENTS);
	assert_true(op.enter_flags & IORING_ENTER_EXT_ARG);
	assert_true(op.sqe_flags == 0x7f);
	assert_true(op.nr_query_opcodes >= 1);

	/* a chain: the second entry asks for something unknown */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	query_hdr_init(&next, 1000, big, sizeof(big));
	hdr.next_entry = (unsigned long) &next;
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(next.result, -EOPNOTSUPP);
	assert_int_equal(next.size, 0);

	/* per-entry errors land in the entry, not in the return value */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	hdr.__resv[0] = 1;
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, -EINVAL);
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, 0);
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, -EINVAL);
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	hdr.result = 5;
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, -EINVAL);

	/* a short buffer gets what fits, nothing more */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, &op, sizeof(op));
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, 0);
	memset(big, 0xee, sizeof(big));
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, 4);
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.result, 0);
	assert_int_equal(hdr.size, 4);
	assert_memory_equal(big, &op.nr_request_opcodes, 4);
	assert_int_equal(big[4], 0xee);
	/* a long one gets the answer and zeroes after it */
	memset(big, 0xee, sizeof(big));
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, sizeof(big));
	assert_int_equal(io_uring_register_query(&hdr), 0);
	assert_int_equal(hdr.size, sizeof(op));
	assert_memory_equal(big, &op, sizeof(op));
	for (i = sizeof(op); i < sizeof(big); i++)
		assert_int_equal(big[i], 0);

	/* also through a ring; nr_args must be 0 */
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, sizeof(big));
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_QUERY, &hdr, 0), 0);
	assert_int_equal(hdr.result, 0);
	query_hdr_init(&hdr, IO_URING_QUERY_OPCODES, big, sizeof(big));
	assert_int_equal(io_uring_register(-1U, IORING_REGISTER_QUERY, &hdr,
					   1), -EINVAL);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */

struct zcrx_mem {
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_zcrx_area_reg area;
	struct io_uring_region_desc rd;
	void *area_mem;
	size_t area_len;
};

static void zcrx_init(struct zcrx_mem *z, unsigned if_idx)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(z, 0, sizeof(*z));
	z->area_len = 16 * (size_t) page;
	z->area_mem = mmap(NULL, z->area_len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(z->area_mem != MAP_FAILED);
	z->area.addr = (unsigned long) z->area_mem;
	z->area.len = z->area_len;
	z->rd.size = (__u64) page;
	z->reg.if_idx = if_idx;
	z->reg.if_rxq = 0;
	z->reg.rq_entries = 64;
	z->reg.area_ptr = (unsigned long) &z->area;
	z->reg.region_ptr = (unsigned long) &z->rd;
}

static void zcrx_fini(struct zcrx_mem *z)
{
	munmap(z->area_mem, z->area_len);
}

static void zcrx_ring(struct io_uring *ring, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_params(ring, 8, &p);
}

static void test_zcrx_ifq(void **state)
{
	struct io_uring ring, plain;
	struct zcrx_mem z;
	unsigned lo = if_nametoindex("lo");
	int ret;

	zcrx_ring(&ring, IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQE32);
	/* a NULL region pointer: -EFAULT once the kernel reads arguments */
	zcrx_init(&z, lo);
	z.reg.region_ptr = 0;
	ret = io_uring_register_ifq(&ring, &z.reg);
	if (ret == -EINVAL || ret == -EOPNOTSUPP || ret == -EPERM) {
		io_uring_queue_exit(&ring);
		zcrx_fini(&z);
		T_SKIP("IORING_REGISTER_ZCRX_IFQ: kernel answers %d", ret);
	}
	assert_int_equal(ret, -EFAULT);
	zcrx_fini(&z);

	/* rings without DEFER_TASKRUN, or without 32-byte CQEs */
	zcrx_init(&z, lo);
	t_ring(&plain, 8, 0);
	assert_int_equal(io_uring_register_ifq(&plain, &z.reg), -EINVAL);
	io_uring_queue_exit(&plain);
	zcrx_ring(&plain, IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_SINGLE_ISSUER);
	assert_int_equal(io_uring_register_ifq(&plain, &z.reg), -EINVAL);
	io_uring_queue_exit(&plain);

	/* bad registrations */
	z.reg.rq_entries = 0;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.rq_entries = 32769;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.rq_entries = 64;
	z.reg.if_rxq = ~0U;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.if_rxq = 0;
	z.reg.__resv[1] = 1;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.__resv[1] = 0;
	z.reg.zcrx_id = 3;			/* output only */
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EINVAL);
	z.reg.zcrx_id = 0;
	z.reg.area_ptr = 0;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -EFAULT);
	z.reg.area_ptr = (unsigned long) &z.area;

	/* an interface that does not exist */
	z.reg.if_idx = 0x7ffffff0;
	assert_int_equal(io_uring_register_ifq(&ring, &z.reg), -ENODEV);

	/* the real thing needs a NIC queue; loopback has none */
	z.reg.if_idx = lo;
	ret = io_uring_register_ifq(&ring, &z.reg);
	io_uring_queue_exit(&ring);
	zcrx_fini(&z);
	if (ret)
		T_SKIP("no NIC for zero-copy receive: on lo the kernel "
		       "answers %d", ret);
}

static void test_zcrx_ctrl(void **state)
{
	struct zcrx_ctrl ctrl;
	struct io_uring ring;
	int nr_ops = kernel_register_ops();

	t_ring(&ring, 4, 0);
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.zcrx_id = 0;
	ctrl.op = ZCRX_CTRL_FLUSH_RQ;
	if (nr_ops <= IORING_REGISTER_ZCRX_CTRL) {
		/* the kernel does not know the opcode at all */
		assert_int_equal(io_uring_register_zcrx_ctrl(&ring, &ctrl),
				 -EINVAL);
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_ZCRX_CTRL: kernel answers %d (knows "
		       "%d register opcodes)", -EINVAL, nr_ops);
	}
	/* no zero-copy receive queue with that id */
	assert_int_equal(io_uring_register_zcrx_ctrl(&ring, &ctrl), -ENXIO);
	ctrl.zcrx_id = 77;
	assert_int_equal(io_uring_register_zcrx_ctrl(&ring, &ctrl), -ENXIO);
	/* the argument count must be 0 */
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_ZCRX_CTRL, &ctrl,
					   1), -EINVAL);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */

static struct sock_filter deny_all[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static void bpf_init(struct io_uring_bpf *bpf, unsigned opcode,
		     struct sock_filter *prog, unsigned len)
{
	memset(bpf, 0, sizeof(*bpf));
	bpf->cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf->filter.opcode = opcode;
	bpf->filter.filter_len = len;
	bpf->filter.filter_ptr = (unsigned long) prog;
}

static void test_bpf_filter_ring(void **state)
{
	struct io_uring_bpf bpf;
	struct io_uring ring;
	int ret;

	t_ring(&ring, 4, 0);
	bpf_init(&bpf, IORING_OP_NOP, deny_all, 1);
	ret = io_uring_register_bpf_filter(&ring, &bpf);
	if (ret == -EINVAL) {
		/* the filter was valid: the opcode is what is missing */
		assert_int_equal(nop_res(&ring, 0, 0), 0);
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_BPF_FILTER: kernel answers %d", ret);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(nop_res(&ring, 0, 0), -EACCES);
	{
		int fd = t_tmpfile(NULL, 0, "x", 1);
		struct io_uring_cqe cqe;
		char c;

		io_uring_prep_read(t_get_sqe(&ring), fd, &c, 1, 0);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, 1);
		close(fd);
	}

	bpf_init(&bpf, IORING_OP_READ, deny_all, 1);
	bpf.cmd_type = 0;
	assert_int_equal(io_uring_register_bpf_filter(&ring, &bpf), -EINVAL);
	bpf_init(&bpf, IORING_OP_READ, deny_all, 0);
	assert_int_equal(io_uring_register_bpf_filter(&ring, &bpf), -EINVAL);
	bpf_init(&bpf, 255, deny_all, 1);
	assert_int_equal(io_uring_register_bpf_filter(&ring, &bpf), -EINVAL);
	bpf_init(&bpf, IORING_OP_READ, deny_all, 1);
	bpf.filter.resv2[0] = 1;
	assert_int_equal(io_uring_register_bpf_filter(&ring, &bpf), -EINVAL);
	io_uring_queue_exit(&ring);
}

/* A task filter applies to every ring the task creates afterwards. */
static void test_bpf_filter_task(void **state)
{
	struct io_uring_bpf bpf;
	int status, ret;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct io_uring ring;
		struct io_uring_cqe *cqe;

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		bpf_init(&bpf, IORING_OP_NOP, deny_all, 1);
		ret = io_uring_register_bpf_filter_task(&bpf);
		if (ret)
			_exit(no_such_blind_op(ret) ? 100 : 1);
		if (io_uring_queue_init(4, &ring, 0))
			_exit(2);
		io_uring_prep_nop(io_uring_get_sqe(&ring));
		if (io_uring_submit_and_wait(&ring, 1) != 1 ||
		    io_uring_wait_cqe(&ring, &cqe))
			_exit(3);
		_exit(cqe->res == -EACCES ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		T_SKIP("IORING_REGISTER_BPF_FILTER without a ring: the kernel "
		       "does not know it (-EINVAL or -EBADF)");
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ------------------------------------------------------------------ */

static void test_register_syscall(void **state)
{
	struct io_uring_probe *p = probe_alloc(4);
	struct io_uring ring;
	struct io_uring_cqe cqe;
	bool blind;
	int fd, idx;

	t_ring(&ring, 4, 0);
	/* does the kernel take ring-less (fd -1) register calls? (6.13) */
	blind = sync_msg(ring.ring_fd, 0, 0x99, 0) == 0;
	if (blind) {
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 0x99);
	}
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_PROBE, p, 4), 0);
	assert_int_equal(p->ops_len, 4);
	/* unknown opcodes */
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd, 200, NULL,
					   0), -EINVAL);
	assert_int_equal(io_uring_register(-1U, 200, NULL, 0), -EINVAL);
	/* fds that are not rings */
	fd = t_tmpfile(NULL, 0, NULL, 0);
	memset(p, 0, sizeof(*p) + 4 * sizeof(p->ops[0]));
	assert_int_equal(io_uring_register((unsigned) fd,
					   IORING_REGISTER_PROBE, p, 4),
			 -EOPNOTSUPP);
	assert_int_equal(io_uring_register(1000000, IORING_REGISTER_PROBE, p,
					   4), -EBADF);
	/*
	 * fd -1 means "no ring" where the kernel has ring-less opcodes, and
	 * PROBE is not one of them; before that, -1 is just a bad fd.
	 */
	assert_int_equal(io_uring_register(-1U, IORING_REGISTER_PROBE, p, 4),
			 blind ? -EINVAL : -EBADF);

	/*
	 * Through a registered ring index (6.3), where rings can be
	 * registered at all (5.18, with IORING_OP_MSG_RING).
	 */
	idx = io_uring_register_ring_fd(&ring);
	if (idx != -EINVAL || t_has_op(IORING_OP_MSG_RING))
		assert_int_equal(idx, 1);
	memset(p, 0, sizeof(*p) + 4 * sizeof(p->ops[0]));
	if (ring.features & IORING_FEAT_REG_REG_RING) {
		assert_int_equal(io_uring_register(
				(unsigned) ring.enter_ring_fd,
				IORING_REGISTER_PROBE |
				IORING_REGISTER_USE_REGISTERED_RING, p, 4), 0);
		assert_int_equal(p->ops_len, 4);
	}
	/* an index nothing is registered at (or an unknown flag bit) */
	assert_int_equal(io_uring_register(60000, IORING_REGISTER_PROBE |
					   IORING_REGISTER_USE_REGISTERED_RING,
					   p, 4), -EINVAL);
	io_uring_queue_exit(&ring);
	close(fd);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eventfd_counts_completions),
		cmocka_unit_test(test_eventfd_toggle),
		cmocka_unit_test(test_eventfd_async),
		cmocka_unit_test(test_register_probe),
		cmocka_unit_test(test_personality_ids),
		cmocka_unit_test(test_personality_credentials),
		cmocka_unit_test(test_restrictions),
		cmocka_unit_test(test_restriction_errors),
		cmocka_unit_test(test_iowq_affinity),
		cmocka_unit_test(test_iowq_max_workers),
		cmocka_unit_test(test_sync_cancel),
		cmocka_unit_test(test_sync_msg),
		cmocka_unit_test(test_napi),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_region_kernel_memory),
		cmocka_unit_test(test_region_wait_args),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_zcrx_ifq),
		cmocka_unit_test(test_zcrx_ctrl),
		cmocka_unit_test(test_bpf_filter_ring),
		cmocka_unit_test(test_bpf_filter_task),
		cmocka_unit_test(test_register_syscall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
