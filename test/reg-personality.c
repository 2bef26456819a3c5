/* SPDX-License-Identifier: MIT */
/*
 * Personalities: ids handed out and taken back, and requests carrying one
 * running with the credentials it captured.
 */
#include "helpers.h"

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

	assert_int_equal(t_nop_res(&ring, 0, (unsigned) id1), 0);
	assert_int_equal(t_nop_res(&ring, 0, (unsigned) id2), 0);
	/* an id never handed out */
	assert_int_equal(t_nop_res(&ring, 0, 0xfff0), -EINVAL);

	assert_int_equal(io_uring_unregister_personality(&ring, id1), 0);
	assert_int_equal(t_nop_res(&ring, 0, (unsigned) id1), -EINVAL);
	assert_int_equal(t_nop_res(&ring, 0, (unsigned) id2), 0);
	assert_int_equal(io_uring_unregister_personality(&ring, id1), -EINVAL);
	assert_int_equal(io_uring_unregister_personality(&ring, 0xfff0),
			 -EINVAL);
	assert_int_equal(io_uring_unregister_personality(&ring, id2), 0);
	assert_int_equal(t_nop_res(&ring, 0, (unsigned) id2), -EINVAL);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_personality_ids),
		cmocka_unit_test(test_personality_credentials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
