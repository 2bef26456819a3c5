/* SPDX-License-Identifier: MIT */
/*
 * The task's io-wq: the CPU affinity of its workers and the limits on
 * their number.
 */
#include "helpers.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iowq_affinity),
		cmocka_unit_test(test_iowq_max_workers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
