/* SPDX-License-Identifier: MIT */
/*
 * BPF filters on opcodes: a ring's own, and a task's, which applies to
 * every ring the task creates afterwards.
 */
#include "helpers.h"

#include <linux/filter.h>
#include <sys/prctl.h>

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
		assert_int_equal(t_nop_res(&ring, 0, 0), 0);
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_BPF_FILTER: kernel answers %d", ret);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(t_nop_res(&ring, 0, 0), -EACCES);
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
			_exit(t_no_such_blind_op(ret) ? 100 : 1);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpf_filter_ring),
		cmocka_unit_test(test_bpf_filter_task),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
