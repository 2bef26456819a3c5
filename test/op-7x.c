/* SPDX-License-Identifier: MIT */
/*
 * Features of Linux 6.17 to 7.3 that need no special hardware: timeouts
 * whose time sits in the SQE, min_left on incrementally consumed buffer
 * rings, TX timestamps through a socket command, restrictions and BPF
 * filters for a whole task, and the newer query ops.  Each test skips,
 * naming the feature and the kernel that added it, where the kernel lacks
 * it.  Task-wide settings last as long as the task, so those tests run in
 * a child process.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>

#include "helpers.h"

#define CHILD_SKIP	77

/* In a child process: report a failed check and leave with status 1. */
#define CHILD_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			_exit(1);					\
		}							\
	} while (0)

/*
 * Run @fn in a child; its status 0 passes, CHILD_SKIP skips test @test
 * with @why.
 */
static void run_child(const char *test, int (*fn)(void), const char *why)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP) {
		printf("SKIP %s: %s\n", test, why);
		fflush(stdout);
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Submit what is queued and return the one CQE's res (child side). */
static int child_submit_res(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int res;

	CHILD_CHECK(io_uring_submit(ring) == 1);
	CHILD_CHECK(io_uring_wait_cqe(ring, &cqe) == 0);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static int child_nop_res(struct io_uring *ring)
{
	io_uring_prep_nop(io_uring_get_sqe(ring));
	return child_submit_res(ring);
}

/* ------------------------------------------------------------------ */
/* IORING_TIMEOUT_IMMEDIATE_ARG (7.1): the time in ns sits in sqe->addr */

static void prep_timeout_ns(struct io_uring_sqe *sqe, __u64 ns,
			    unsigned count, unsigned flags)
{
	io_uring_prep_timeout(sqe, NULL, count,
			      flags | IORING_TIMEOUT_IMMEDIATE_ARG);
	sqe->addr = ns;
}

static void test_timeout_immediate(void **state)
{
	struct io_uring_cqe cqe[2];
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint64_t start;

	t_ring(&ring, 8, 0);
	start = t_now_ns();
	sqe = t_get_sqe(&ring);
	prep_timeout_ns(sqe, 50 * 1000000ull, 0, 0);
	io_uring_sqe_set_data64(sqe, 1);
	cqe[0] = t_submit_one(&ring);
	if (cqe[0].res == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_TIMEOUT_IMMEDIATE_ARG needs Linux 7.1");
	}
	assert_int_equal(cqe[0].user_data, 1);
	assert_int_equal(cqe[0].res, -ETIME);
	/* the value is nanoseconds: 50 ms, not 50 s and not 0 */
	assert_true(t_ms_since(start) >= 45);
	assert_true(t_ms_since(start) < 3000);

	/* with a count, another completion ends it first: res 0 */
	sqe = t_get_sqe(&ring);
	prep_timeout_ns(sqe, 10ull * 1000000000ull, 1, 0);
	io_uring_sqe_set_data64(sqe, 2);
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqe, 2);
	assert_int_equal(cqe[0].user_data + cqe[1].user_data, 5);
	assert_int_equal(cqe[0].res, 0);
	assert_int_equal(cqe[1].res, 0);

	/*
	 * With IORING_TIMEOUT_ABS the value is a CLOCK_MONOTONIC time in ns
	 * (the first patches refused ABS; the kernels that shipped it take
	 * it): 30 ms from now fires no earlier than that.
	 */
	start = t_now_ns();
	prep_timeout_ns(t_get_sqe(&ring), start + 30 * 1000000ull, 0,
			IORING_TIMEOUT_ABS);
	assert_int_equal(t_submit_res(&ring), -ETIME);
	assert_true(t_ms_since(start) >= 29);
	assert_true(t_ms_since(start) < 3000);

	/* an update may carry its new time the same way, in addr2 */
	start = t_now_ns();
	sqe = t_get_sqe(&ring);
	prep_timeout_ns(sqe, 10ull * 1000000000ull, 0, 0);
	io_uring_sqe_set_data64(sqe, 4);
	assert_int_equal(io_uring_submit(&ring), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_update(sqe, NULL, 4,
				     IORING_TIMEOUT_IMMEDIATE_ARG);
	sqe->addr2 = 20 * 1000000ull;
	io_uring_sqe_set_data64(sqe, 5);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, cqe, 2);
	if (cqe[0].user_data != 5) {
		struct io_uring_cqe tmp = cqe[0];

		cqe[0] = cqe[1];
		cqe[1] = tmp;
	}
	assert_int_equal(cqe[0].user_data, 5);
	assert_int_equal(cqe[0].res, 0);
	assert_int_equal(cqe[1].user_data, 4);
	assert_int_equal(cqe[1].res, -ETIME);
	assert_true(t_ms_since(start) < 3000);
	io_uring_queue_exit(&ring);
}

/* ------------------------------------------------------------------ */
/* min_left (7.1): when an incremental buffer is too short to go on */

#define ML_BUF		1024
#define ML_CHUNK	300

struct min_left_ring {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	unsigned char *mem;
	int pipe[2];
};

/* -EINVAL: min_left (or IOU_PBUF_RING_INC) unknown to the kernel. */
static int min_left_setup(struct min_left_ring *m, unsigned min_left,
			  unsigned flags)
{
	struct io_uring_buf_reg reg;
	int ret;

	t_ring(&m->ring, 8, 0);
	m->br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m->br != MAP_FAILED);
	m->mem = t_page_buf(2 * ML_BUF, 0);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) m->br;
	reg.ring_entries = 4;
	reg.bgid = 1;
	reg.flags = (__u16) flags;
	reg.min_left = min_left;
	ret = io_uring_register_buf_ring(&m->ring, &reg, 0);
	if (ret == 0) {
		io_uring_buf_ring_init(m->br);
		t_buf_ring_fill(m->br, 4, m->mem, ML_BUF, 2);
	}
	assert_int_equal(pipe(m->pipe), 0);
	return ret;
}

static void min_left_teardown(struct min_left_ring *m)
{
	io_uring_queue_exit(&m->ring);
	munmap(m->br, 4096);
	free(m->mem);
	close(m->pipe[0]);
	close(m->pipe[1]);
}

/* Write @len pattern bytes (@seed) into the pipe, read them back. */
static struct io_uring_cqe min_left_read(struct min_left_ring *m,
					 unsigned len, unsigned seed)
{
	unsigned char data[ML_CHUNK];
	struct io_uring_sqe *sqe;

	t_fill(data, len, seed);
	assert_int_equal(write(m->pipe[1], data, len), (ssize_t) len);
	sqe = t_get_sqe(&m->ring);
	io_uring_prep_read(sqe, m->pipe[0], NULL, ML_BUF, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 1;
	return t_submit_one(&m->ring);
}

static void test_buf_ring_min_left(void **state)
{
	unsigned char want[ML_CHUNK];
	struct min_left_ring m;
	struct io_uring_cqe cqe;
	unsigned i;
	int ret;

	ret = min_left_setup(&m, 200, IOU_PBUF_RING_INC);
	if (ret == -EINVAL) {
		min_left_teardown(&m);
		T_SKIP("io_uring_buf_reg.min_left needs Linux 7.1 "
		       "(or a stable kernel it went back to)");
	}
	assert_int_equal(ret, 0);
	/* 1024-byte buffers, 300 bytes a read: 724 and 424 stay usable */
	for (i = 0; i < 3; i++) {
		cqe = min_left_read(&m, ML_CHUNK, i);
		assert_int_equal(cqe.res, ML_CHUNK);
		assert_int_equal(t_cqe_bid(&cqe), 0);
		t_fill(want, ML_CHUNK, i);
		assert_memory_equal(m.mem + i * ML_CHUNK, want, ML_CHUNK);
		/* after the third, 124 bytes < min_left: the buffer is done */
		if (i < 2)
			assert_true(cqe.flags & IORING_CQE_F_BUF_MORE);
		else
			assert_false(cqe.flags & IORING_CQE_F_BUF_MORE);
	}
	/* so the next read starts buffer 1 */
	cqe = min_left_read(&m, ML_CHUNK, 3);
	assert_int_equal(cqe.res, ML_CHUNK);
	assert_int_equal(t_cqe_bid(&cqe), 1);
	assert_true(cqe.flags & IORING_CQE_F_BUF_MORE);
	t_fill(want, ML_CHUNK, 3);
	assert_memory_equal(m.mem + ML_BUF, want, ML_CHUNK);
	min_left_teardown(&m);

	/* min_left 0 means 1 byte: the same reads leave buffer 0 open */
	assert_int_equal(min_left_setup(&m, 0, IOU_PBUF_RING_INC), 0);
	for (i = 0; i < 3; i++) {
		cqe = min_left_read(&m, ML_CHUNK, i);
		assert_int_equal(cqe.res, ML_CHUNK);
		assert_int_equal(t_cqe_bid(&cqe), 0);
		assert_true(cqe.flags & IORING_CQE_F_BUF_MORE);
	}
	/* and the fourth gets the 124 bytes it has left */
	cqe = min_left_read(&m, ML_CHUNK, 3);
	assert_int_equal(cqe.res, ML_BUF - 3 * ML_CHUNK);
	assert_int_equal(t_cqe_bid(&cqe), 0);
	assert_false(cqe.flags & IORING_CQE_F_BUF_MORE);
	min_left_teardown(&m);

	/* min_left belongs to incremental rings only */
	ret = min_left_setup(&m, 200, 0);
	assert_int_equal(ret, -EINVAL);
	min_left_teardown(&m);
}

/* ------------------------------------------------------------------ */
/* SOCKET_URING_OP_TX_TIMESTAMP (6.17) and IORING_CQE_F_TSTAMP_HW */

static void test_tx_timestamp(void **state)
{
	unsigned opts = SOF_TIMESTAMPING_TX_SOFTWARE |
			SOF_TIMESTAMPING_TX_SCHED |
			SOF_TIMESTAMPING_SOFTWARE |
			SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	struct io_uring_params p = { .flags = IORING_SETUP_CQE32 };
	struct io_uring_sqe *sqe;
	struct sockaddr_in sa;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct pollfd pfd;
	struct timespec now;
	struct io_uring_cqe end[2];
	unsigned seen = 0, types = 0;
	int rx, tx;

	rx = t_udp_bound(&sa);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(tx >= 0);
	assert_int_equal(setsockopt(tx, SOL_SOCKET, SO_TIMESTAMPING, &opts,
				    sizeof(opts)), 0);
	assert_int_equal(sendto(tx, "x", 1, 0, (struct sockaddr *) &sa,
				sizeof(sa)), 1);
	/* the timestamps are on the error queue once POLLERR shows */
	pfd.fd = tx;
	pfd.events = 0;
	assert_int_equal(poll(&pfd, 1, T_WAIT_SECS * 1000), 1);
	assert_true(pfd.revents & POLLERR);

	t_ring_params(&ring, 8, &p);
	sqe = t_get_sqe(&ring);
	io_uring_prep_cmd_sock(sqe, SOCKET_URING_OP_TX_TIMESTAMP, tx, 0, 0,
			       NULL, 0);
	io_uring_sqe_set_data64(sqe, 9);
	assert_int_equal(io_uring_submit(&ring), 1);
	clock_gettime(CLOCK_REALTIME, &now);
	/* one CQE per stamp; the command stays armed for more */
	while (seen < 2) {
		struct __kernel_timespec wait = t_ts_ms(T_WAIT_SECS * 1000);
		struct io_timespec *ts;
		unsigned type;

		assert_int_equal(io_uring_wait_cqe_timeout(&ring, &cqe, &wait),
				 0);
		assert_int_equal(cqe->user_data, 9);
		if (seen == 0 && (cqe->res == -EINVAL ||
				  cqe->res == -EOPNOTSUPP)) {
			io_uring_cqe_seen(&ring, cqe);
			io_uring_queue_exit(&ring);
			close(tx);
			close(rx);
			T_SKIP("SOCKET_URING_OP_TX_TIMESTAMP needs Linux 6.17");
		}
		assert_true(cqe->flags & IORING_CQE_F_MORE);
		/* the OPT_ID key: the first datagram sent is 0 */
		assert_int_equal(cqe->res, 0);
		/*
		 * Loopback stamps in software: IORING_CQE_F_TSTAMP_HW says
		 * the stamp came from a NIC, so it must be clear here.
		 */
		assert_false(cqe->flags & IORING_CQE_F_TSTAMP_HW);
		type = cqe->flags >> IORING_TIMESTAMP_TYPE_SHIFT;
		assert_true(type == SCM_TSTAMP_SND || type == SCM_TSTAMP_SCHED);
		types |= 1U << type;
		ts = (struct io_timespec *) (cqe + 1);
		/* a CLOCK_REALTIME stamp from the last few seconds */
		assert_true(ts->tv_nsec < 1000000000ull);
		assert_true(ts->tv_sec + 10 >= (__u64) now.tv_sec);
		assert_true(ts->tv_sec <= (__u64) now.tv_sec + 1);
		seen++;
		io_uring_cqe_seen(&ring, cqe);
	}
	/* cancelled, it ends with a CQE without IORING_CQE_F_MORE */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 9, 0);
	io_uring_sqe_set_data64(sqe, 10);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, end, 2);
	if (end[0].user_data != 9) {
		struct io_uring_cqe tmp = end[0];

		end[0] = end[1];
		end[1] = tmp;
	}
	assert_int_equal(end[0].user_data, 9);
	assert_int_equal(end[0].res, -ECANCELED);
	assert_false(end[0].flags & IORING_CQE_F_MORE);
	assert_int_equal(end[1].user_data, 10);
	assert_int_equal(end[1].res, 0);
	/* one of each asked for: scheduled and sent */
	assert_int_equal(seen, 2);
	assert_int_equal(types, (1U << SCM_TSTAMP_SND) |
				(1U << SCM_TSTAMP_SCHED));
	io_uring_queue_exit(&ring);

	/* the stamps need the room of a 32-byte CQE */
	t_ring(&ring, 8, 0);
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_TX_TIMESTAMP,
			       tx, 0, 0, NULL, 0);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_queue_exit(&ring);
	close(tx);
	close(rx);
}

/* ------------------------------------------------------------------ */
/* Task restrictions (7.0): IORING_REGISTER_RESTRICTIONS with fd -1 */

static int register_task_nop_only(void)
{
	struct io_uring_task_restriction *tr;
	int ret;

	tr = calloc(1, sizeof(*tr) + sizeof(tr->restrictions[0]));
	CHILD_CHECK(tr != NULL);
	tr->nr_res = 1;
	tr->restrictions[0].opcode = IORING_RESTRICTION_SQE_OP;
	tr->restrictions[0].sqe_op = IORING_OP_NOP;
	ret = io_uring_register(-1U, IORING_REGISTER_RESTRICTIONS, tr, 1);
	free(tr);
	return ret;
}

/* A READ of the pipe @fds: what the restricted ring answers. */
static int child_read_res(struct io_uring *ring, int fds[2])
{
	char c;

	CHILD_CHECK(write(fds[1], "r", 1) == 1);
	io_uring_prep_read(io_uring_get_sqe(ring), fds[0], &c, 1, 0);
	return child_submit_res(ring);
}

static int task_restriction_child(void)
{
	struct io_uring before, after;
	int fds[2], ret, status;
	pid_t pid;

	CHILD_CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	CHILD_CHECK(pipe(fds) == 0);
	CHILD_CHECK(io_uring_queue_init(4, &before, 0) == 0);
	ret = register_task_nop_only();
	/* older kernels take no fd -1 here: -EBADF, or -EINVAL (6.13+) */
	if (ret == -EBADF || ret == -EINVAL)
		return CHILD_SKIP;
	CHILD_CHECK(ret == 0);
	/* once per task */
	CHILD_CHECK(register_task_nop_only() == -EPERM);

	CHILD_CHECK(io_uring_queue_init(4, &after, 0) == 0);
	CHILD_CHECK(child_nop_res(&after) == 0);
	CHILD_CHECK(child_read_res(&after, fds) == -EACCES);
	/* a ring made before the call keeps what it had */
	CHILD_CHECK(child_read_res(&before, fds) == 1);
	CHILD_CHECK(child_nop_res(&before) == 0);

	/* and the restriction passes on to a forked child */
	pid = fork();
	CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		struct io_uring ring;

		CHILD_CHECK(io_uring_queue_init(4, &ring, 0) == 0);
		CHILD_CHECK(child_nop_res(&ring) == 0);
		CHILD_CHECK(child_read_res(&ring, fds) == -EACCES);
		_exit(0);
	}
	CHILD_CHECK(waitpid(pid, &status, 0) == pid);
	CHILD_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	io_uring_queue_exit(&before);
	io_uring_queue_exit(&after);
	return 0;
}

static void test_task_restrictions(void **state)
{
	run_child(__func__, task_restriction_child,
		  "restrictions for a task (IORING_REGISTER_RESTRICTIONS "
		  "with fd -1) need Linux 7.0");
}

/* ------------------------------------------------------------------ */
/* BPF filters (7.0; the connect context 7.2) */

/* Deny a request whose user_data's low word is @value. */
static void bpf_deny_user_data(struct io_uring_bpf *bpf,
			       struct sock_filter prog[4], unsigned op,
			       __u32 value)
{
	/*
	 * Filters load the context in host order; user_data is the
	 * first member, its low word first on a little-endian machine.
	 */
	unsigned off = offsetof(struct io_uring_bpf_ctx, user_data);

	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		off += 4;
	prog[0] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off);
	prog[1] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						value, 0, 1);
	prog[2] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, 0);
	prog[3] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, 1);
	memset(bpf, 0, sizeof(*bpf));
	bpf->cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf->filter.opcode = op;
	bpf->filter.filter_len = 4;
	bpf->filter.filter_ptr = (unsigned long) prog;
}

/*
 * Filters need CAP_SYS_ADMIN or no_new_privs; the latter costs this test
 * program nothing (it runs nothing set-user-ID).
 */
static void set_no_new_privs(void)
{
	assert_int_equal(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
}

static void test_bpf_filter_ring(void **state)
{
	struct sock_filter prog[4];
	struct io_uring_bpf bpf;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int ret;

	set_no_new_privs();
	t_ring(&ring, 8, 0);
	bpf_deny_user_data(&bpf, prog, IORING_OP_NOP, 0x5ec);
	ret = io_uring_register_bpf_filter(&ring, &bpf);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_BPF_FILTER needs Linux 7.0");
	}
	assert_int_equal(ret, 0);
	t_queue_nop(&ring, 0x5ec);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 0x5ec);
	assert_int_equal(cqe.res, -EACCES);
	t_queue_nop(&ring, 0x5ed);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 0x5ed);
	assert_int_equal(cqe.res, 0);
	/* other opcodes are not filtered: this one finds nothing to remove */
	sqe = t_get_sqe(&ring);
	io_uring_prep_timeout_remove(sqe, 12345, 0);
	io_uring_sqe_set_data64(sqe, 0x5ec);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_queue_exit(&ring);
}

/* Deny IORING_OP_SOCKET for @family, checking the socket context. */
static void test_bpf_filter_socket(void **state)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct io_uring_bpf_ctx, socket.family)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 1),
	};
	struct io_uring_bpf bpf;
	struct io_uring ring;
	int ret;

	set_no_new_privs();
	t_ring(&ring, 8, 0);
	memset(&bpf, 0, sizeof(bpf));
	bpf.cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf.filter.opcode = IORING_OP_SOCKET;
	bpf.filter.flags = IO_URING_BPF_FILTER_SZ_STRICT;
	bpf.filter.filter_len = 4;
	bpf.filter.filter_ptr = (unsigned long) prog;
	/* a larger context than the kernel's is refused, its size given */
	bpf.filter.pdu_size = sizeof(((struct io_uring_bpf_ctx *) 0)->socket)
			      + 4;
	ret = io_uring_register_bpf_filter(&ring, &bpf);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_BPF_FILTER needs Linux 7.0");
	}
	assert_int_equal(ret, -EMSGSIZE);
	assert_int_equal(bpf.filter.pdu_size,
			 sizeof(((struct io_uring_bpf_ctx *) 0)->socket));
	ret = io_uring_register_bpf_filter(&ring, &bpf);
	assert_int_equal(ret, 0);

	io_uring_prep_socket(t_get_sqe(&ring), AF_UNIX, SOCK_STREAM, 0, 0);
	assert_int_equal(t_submit_res(&ring), -EACCES);
	io_uring_prep_socket(t_get_sqe(&ring), AF_INET, SOCK_STREAM, 0, 0);
	ret = t_submit_res(&ring);
	assert_true(ret >= 0);
	close(ret);
	io_uring_queue_exit(&ring);
}

/* Deny IORING_OP_CONNECT to one port (network order, masked). */
static void test_bpf_filter_connect(void **state)
{
	unsigned short deny_port, allow_port;
	int deny_l, allow_l, fd, ret;
	struct sockaddr_in sa;
	struct io_uring_bpf bpf;
	struct io_uring ring;
	struct sock_filter prog[5];

	set_no_new_privs();
	deny_l = t_tcp_listener(&deny_port);
	allow_l = t_tcp_listener(&allow_port);
	sa = t_lo_addr(deny_port);
	prog[0] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct io_uring_bpf_ctx, connect.port));
	prog[1] = (struct sock_filter) BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
			__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
			0xffff0000u : 0xffffu);
	prog[2] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
			(__u32) sa.sin_port << 16 : sa.sin_port, 0, 1);
	prog[3] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, 0);
	prog[4] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, 1);
	memset(&bpf, 0, sizeof(bpf));
	bpf.cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf.filter.opcode = IORING_OP_CONNECT;
	bpf.filter.flags = IO_URING_BPF_FILTER_SZ_STRICT;
	bpf.filter.filter_len = 5;
	bpf.filter.filter_ptr = (unsigned long) prog;
	bpf.filter.pdu_size = sizeof(((struct io_uring_bpf_ctx *) 0)->connect);

	t_ring(&ring, 8, 0);
	ret = io_uring_register_bpf_filter(&ring, &bpf);
	if (ret == -EINVAL || ret == -EMSGSIZE) {
		io_uring_queue_exit(&ring);
		close(deny_l);
		close(allow_l);
		T_SKIP(ret == -EINVAL ?
		       "IORING_REGISTER_BPF_FILTER needs Linux 7.0" :
		       "BPF filter context for CONNECT needs Linux 7.2");
	}
	assert_int_equal(ret, 0);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	io_uring_prep_connect(t_get_sqe(&ring), fd, (struct sockaddr *) &sa,
			      sizeof(sa));
	assert_int_equal(t_submit_res(&ring), -EACCES);
	sa = t_lo_addr(allow_port);
	io_uring_prep_connect(t_get_sqe(&ring), fd, (struct sockaddr *) &sa,
			      sizeof(sa));
	assert_int_equal(t_submit_res(&ring), 0);
	close(fd);
	io_uring_queue_exit(&ring);
	close(deny_l);
	close(allow_l);
}

static int bpf_task_child(void)
{
	struct sock_filter prog[4];
	struct io_uring_bpf bpf;
	struct io_uring before, after;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	CHILD_CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	CHILD_CHECK(io_uring_queue_init(4, &before, 0) == 0);
	bpf_deny_user_data(&bpf, prog, IORING_OP_NOP, 0x7a5c);
	ret = io_uring_register_bpf_filter_task(&bpf);
	if (ret == -EBADF || ret == -EINVAL)
		return CHILD_SKIP;
	CHILD_CHECK(ret == 0);
	CHILD_CHECK(io_uring_queue_init(4, &after, 0) == 0);

	sqe = io_uring_get_sqe(&after);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0x7a5c);
	CHILD_CHECK(io_uring_submit(&after) == 1);
	CHILD_CHECK(io_uring_wait_cqe(&after, &cqe) == 0);
	CHILD_CHECK(cqe->user_data == 0x7a5c && cqe->res == -EACCES);
	io_uring_cqe_seen(&after, cqe);
	CHILD_CHECK(child_nop_res(&after) == 0);	/* user_data 0 */

	/* rings made before the filter are not filtered */
	sqe = io_uring_get_sqe(&before);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0x7a5c);
	CHILD_CHECK(child_submit_res(&before) == 0);
	io_uring_queue_exit(&before);
	io_uring_queue_exit(&after);
	return 0;
}

static void test_bpf_filter_task(void **state)
{
	run_child(__func__, bpf_task_child,
		  "IORING_REGISTER_BPF_FILTER with fd -1 needs Linux 7.0");
}

/* ------------------------------------------------------------------ */
/* Query ops after IO_URING_QUERY_OPCODES */

static int query_one(unsigned op, void *data, unsigned size)
{
	struct io_uring_query_hdr hdr;
	int ret;

	memset(&hdr, 0, sizeof(hdr));
	hdr.query_op = op;
	hdr.query_data = (unsigned long) data;
	hdr.size = size;
	ret = io_uring_register_query(&hdr);
	if (ret < 0)
		return ret;
	if (hdr.result == 0)
		assert_int_equal(hdr.size, size);
	return hdr.result;
}

static bool power_of_two(__u64 v)
{
	return v && !(v & (v - 1));
}

static void test_query_newer_ops(void **state)
{
	struct io_uring_query_opcode op;
	struct io_uring_query_scq scq;
	struct io_uring_query_zcrx_event ev;
	struct io_uring_params p = { .flags = IORING_SETUP_NO_SQARRAY };
	struct io_uring ring;
	int ret;

	ret = query_one(IO_URING_QUERY_OPCODES, &op, sizeof(op));
	if (ret == -EINVAL || ret == -EBADF)
		T_SKIP("IORING_REGISTER_QUERY needs Linux 6.18");
	assert_int_equal(ret, 0);

	ret = query_one(IO_URING_QUERY_SCQ, &scq, sizeof(scq));
	if (ret == -EOPNOTSUPP)
		T_SKIP("IO_URING_QUERY_SCQ needs Linux 6.19");
	assert_int_equal(ret, 0);
	assert_true(op.nr_query_opcodes > IO_URING_QUERY_SCQ);
	/* the ring header: the CQEs start past it, suitably aligned */
	assert_true(power_of_two(scq.hdr_alignment));
	assert_true(scq.hdr_size > 0 && scq.hdr_size <= 4096);
	t_ring_params(&ring, 4, &p);
	assert_true(p.cq_off.cqes >= p.cq_off.flags);
	assert_true(p.cq_off.cqes <= scq.hdr_size);
	io_uring_queue_exit(&ring);
	/* every known setup flag, SQ_REWIND (7.0) among them on new kernels */
	assert_true(op.ring_setup_flags & IORING_SETUP_NO_SQARRAY);

	memset(&ev, 0xee, sizeof(ev));
	ret = query_one(IO_URING_QUERY_ZCRX_EVENT, &ev, sizeof(ev));
	if (ret == -EOPNOTSUPP && op.nr_query_opcodes <= 3)
		T_SKIP("IO_URING_QUERY_ZCRX_EVENT needs Linux 7.2");
	if (ret == -EOPNOTSUPP)
		T_SKIP("IO_URING_QUERY_ZCRX_EVENT: kernel built without zcrx");
	assert_int_equal(ret, 0);
	assert_true(op.nr_query_opcodes > IO_URING_QUERY_ZCRX_EVENT);
	assert_int_equal(ev.stats_size, sizeof(struct zcrx_stats));
	assert_true(power_of_two(ev.stats_off_alignment));
	/* the event kinds this header knows, and no unknown ones */
	assert_int_equal(ev.event_flags & ~((1U << __ZCRX_EVENT_TYPE_LAST) - 1),
			 0);
	assert_true(ev.event_flags & (1U << ZCRX_EVENT_COPY));
	assert_int_equal(ev.__resv1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_immediate),
		cmocka_unit_test(test_buf_ring_min_left),
		cmocka_unit_test(test_tx_timestamp),
		cmocka_unit_test(test_task_restrictions),
		cmocka_unit_test(test_bpf_filter_ring),
		cmocka_unit_test(test_bpf_filter_socket),
		cmocka_unit_test(test_bpf_filter_connect),
		cmocka_unit_test(test_bpf_filter_task),
		cmocka_unit_test(test_query_newer_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
