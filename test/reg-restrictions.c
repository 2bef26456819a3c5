/* SPDX-License-Identifier: MIT */
/*
 * Restrictions on a ring that starts disabled: allowed opcodes, SQE flags
 * and register calls, and the errors of a bad set.
 */
#include "helpers.h"

#include <stdlib.h>
#include <sys/eventfd.h>

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
	assert_int_equal(t_nop_res(&ring, IOSQE_ASYNC, 0), -EACCES);
	io_uring_prep_write(t_get_sqe(&ring), fd, buf, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EACCES);
	assert_int_equal(t_nop_res(&ring, 0, 0), 0);

	/* register opcodes: allowed ones work, the rest are refused */
	p = t_probe_alloc(8);
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
	assert_int_equal(t_nop_res(&ring, 0, 0), 0);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restrictions),
		cmocka_unit_test(test_restriction_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
