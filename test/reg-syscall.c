/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register() itself: ring-less calls, unknown opcodes, fds that
 * are not rings, and registered ring indexes.
 */
#include "helpers.h"

#include <stdlib.h>

static void test_register_syscall(void **state)
{
	struct io_uring_probe *p = t_probe_alloc(4);
	struct io_uring ring;
	struct io_uring_cqe cqe;
	bool blind;
	int fd, idx;

	t_ring(&ring, 4, 0);
	/* does the kernel take ring-less (fd -1) register calls? (6.13) */
	blind = t_sync_msg(ring.ring_fd, 0, 0x99, 0) == 0;
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
		cmocka_unit_test(test_register_syscall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
