/* SPDX-License-Identifier: MIT */
/*
 * IORING_OP_URING_CMD: the generic helpers (uring_cmd, uring_cmd128 and
 * __io_uring_prep_uring_cmd), files without a uring_cmd handler, and the
 * block device commands: discard on a loop device, zone reset.
 */
#include "helpers.h"

#include <dirent.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* Fields every uring_cmd helper leaves in a fresh SQE. */
static void check_cmd_sqe(const struct io_uring_sqe *sqe, int op,
			  __u32 cmd_op, int fd)
{
	assert_int_equal(sqe->opcode, op);
	assert_int_equal(sqe->fd, fd);
	assert_int_equal(sqe->cmd_op, cmd_op);
	assert_int_equal(sqe->__pad1, 0);
	assert_int_equal(sqe->len, 0);
	assert_int_equal(sqe->uring_cmd_flags, 0);
}

static void test_uring_cmd_unsupported_file(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int fd, p[2];

	t_require_op(IORING_OP_URING_CMD);
	t_ring(&ring, 4, 0);
	fd = t_tmpfile(NULL, 0, NULL, 64);
	assert_int_equal(pipe(p), 0);

	sqe = t_get_sqe(&ring);
	io_uring_prep_uring_cmd(sqe, 0x1234, fd);
	check_cmd_sqe(sqe, IORING_OP_URING_CMD, 0x1234, fd);
	assert_int_equal(sqe->addr, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	sqe = t_get_sqe(&ring);
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD, 0, p[0]);
	check_cmd_sqe(sqe, IORING_OP_URING_CMD, 0, p[0]);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	/* a bad fd */
	io_uring_prep_uring_cmd(t_get_sqe(&ring), 0, 1000000);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	close(p[0]);
	close(p[1]);
	close(fd);
	io_uring_queue_exit(&ring);
}

/* The generic helpers drive a real handler: the socket commands (6.7). */
static void test_uring_cmd_socket(void **state)
{
	struct sockaddr_in sa;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int rx, tx;

	t_require_op(IORING_OP_URING_CMD);
	if (!t_has_op(IORING_OP_FUTEX_WAIT))
		T_SKIP("socket uring_cmd needs 6.7");
	t_ring(&ring, 4, 0);
	rx = t_udp_bound(&sa);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(sendto(tx, "0123456789", 10, 0,
				(struct sockaddr *) &sa, sizeof(sa)), 10);

	sqe = t_get_sqe(&ring);
	io_uring_prep_uring_cmd(sqe, SOCKET_URING_OP_SIOCINQ, rx);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 10);

	/* through a direct descriptor */
	assert_int_equal(io_uring_register_files(&ring, &rx, 1), 0);
	sqe = t_get_sqe(&ring);
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD,
				  SOCKET_URING_OP_SIOCINQ, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 10);

	/* unknown uring_cmd_flags */
	sqe = t_get_sqe(&ring);
	io_uring_prep_uring_cmd(sqe, SOCKET_URING_OP_SIOCINQ, rx);
	sqe->uring_cmd_flags = 1U << 5;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
}

/* A plain URING_CMD in a 128-byte SQE, on an SQE128 ring. */
static void test_uring_cmd_on_sqe128_ring(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int fd;

	t_require_op(IORING_OP_URING_CMD);
	t_ring(&ring, 4, IORING_SETUP_SQE128);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	sqe = io_uring_get_sqe128(&ring);
	assert_non_null(sqe);
	io_uring_prep_uring_cmd(sqe, 1, fd);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);
	close(fd);
	io_uring_queue_exit(&ring);
}

/*
 * URING_CMD128 (opcode 64, 6.19) needs a 128-byte SQE.  A kernel without
 * it fails the unknown opcode with -EINVAL, even on an SQE128 ring.
 */
static void test_uring_cmd128(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int fd;

	t_require_op(IORING_OP_URING_CMD);
	t_ring(&ring, 4, IORING_SETUP_SQE128);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	sqe = io_uring_get_sqe128(&ring);
	assert_non_null(sqe);
	io_uring_prep_uring_cmd128(sqe, 0x77, fd);
	check_cmd_sqe(sqe, IORING_OP_URING_CMD128, 0x77, fd);
	sqe->user_data = 64;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.user_data, 64);
	close(fd);
	if (!t_has_op(IORING_OP_URING_CMD128)) {
		assert_int_equal(cqe.res, -EINVAL);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks URING_CMD128 (opcode %d): -EINVAL on an "
		       "SQE128 ring", IORING_OP_URING_CMD128);
	}
	/* a regular file still has no uring_cmd handler */
	assert_int_equal(cqe.res, -EOPNOTSUPP);
	io_uring_queue_exit(&ring);
}

/* ---- block devices ---------------------------------------------------- */

#define LOOP_SIZE	(4 << 20)

struct loopdev {
	char dev[64];
	char backing[512];
	int fd;		/* the block device, O_RDWR */
};

/*
 * The device the running test attached (static: a failed test's frame is
 * gone by the time its teardown detaches it).
 */
static struct loopdev the_loop;
static struct loopdev *attached;

/* Attach a loop device over a file of pattern bytes; skips if it can't. */
static void loop_setup(struct loopdev *ld)
{
	char cmd[700];
	FILE *f;
	int bfd;

	if (geteuid() != 0)
		T_SKIP("loop devices need root");
	if (system("command -v losetup >/dev/null 2>&1") != 0)
		T_SKIP("losetup is not installed");
	bfd = t_tmpfile(ld->backing, sizeof(ld->backing), NULL, LOOP_SIZE);
	close(bfd);
	snprintf(cmd, sizeof(cmd), "losetup -f --show '%s' 2>/dev/null",
		 ld->backing);
	f = popen(cmd, "r");
	assert_non_null(f);
	if (!fgets(ld->dev, sizeof(ld->dev), f) || ld->dev[0] != '/') {
		pclose(f);
		T_SKIP("losetup could not attach a loop device");
	}
	pclose(f);
	ld->dev[strcspn(ld->dev, "\n")] = 0;
	ld->fd = -1;
	attached = ld;
	ld->fd = open(ld->dev, O_RDWR | O_CLOEXEC);
	assert_true(ld->fd >= 0);
}

static int loop_detach(struct loopdev *ld)
{
	char cmd[128];

	attached = NULL;
	if (ld->fd >= 0)
		close(ld->fd);
	snprintf(cmd, sizeof(cmd), "losetup -d '%s'", ld->dev);
	return system(cmd);
}

static void loop_teardown(struct loopdev *ld)
{
	assert_int_equal(loop_detach(ld), 0);
}

/* cmocka teardown: a failed test must not leave its loop device behind */
static int detach_leftover_loop(void **state)
{
	if (attached)
		loop_detach(attached);
	return 0;
}

static void test_cmd_discard(void **state)
{
	enum { OFF = 64 << 10, LEN = 128 << 10 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct loopdev *ld = &the_loop;
	char *want, *got;
	size_t i;
	int ro;

	t_require_op(IORING_OP_URING_CMD);
	t_ring(&ring, 4, 0);
	loop_setup(ld);
	want = malloc(LOOP_SIZE);
	got = malloc(LOOP_SIZE);
	t_fill(want, LOOP_SIZE, 0);	/* what t_tmpfile wrote */
	assert_int_equal(pread(ld->fd, got, LOOP_SIZE, 0), LOOP_SIZE);
	assert_memory_equal(got, want, LOOP_SIZE);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cmd_discard(sqe, ld->fd, OFF, LEN);
	check_cmd_sqe(sqe, IORING_OP_URING_CMD, BLOCK_URING_CMD_DISCARD, ld->fd);
	assert_int_equal(sqe->addr, OFF);
	assert_int_equal(sqe->addr3, LEN);
	cqe = t_submit_one(&ring);
	if (cqe.res == -EOPNOTSUPP && !(ring.features &
					IORING_FEAT_MIN_TIMEOUT)) {
		loop_teardown(ld);
		free(want);
		free(got);
		io_uring_queue_exit(&ring);
		T_SKIP("block device uring_cmd discard needs 6.12");
	}
	assert_int_equal(cqe.res, 0);

	/* the range reads back as zeroes, the rest is untouched */
	memset(want + OFF, 0, LEN);
	assert_int_equal(pread(ld->fd, got, LOOP_SIZE, 0), LOOP_SIZE);
	for (i = OFF; i < OFF + LEN; i++)
		if (got[i])
			fail_msg("byte %zu not discarded: %d", i, got[i]);
	assert_memory_equal(got, want, LOOP_SIZE);

	/* unaligned ranges and ranges past the end are refused */
	io_uring_prep_cmd_discard(t_get_sqe(&ring), ld->fd, 100, 4096);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_prep_cmd_discard(t_get_sqe(&ring), ld->fd, LOOP_SIZE - 4096,
				  8192);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* a read-only open may not discard */
	ro = open(ld->dev, O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	io_uring_prep_cmd_discard(t_get_sqe(&ring), ro, 0, 4096);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	close(ro);

	/* and a regular file has no such command */
	{
		int fd = t_tmpfile(NULL, 0, NULL, 8192);

		io_uring_prep_cmd_discard(t_get_sqe(&ring), fd, 0, 4096);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EOPNOTSUPP);
		close(fd);
	}

	loop_teardown(ld);
	free(want);
	free(got);
	io_uring_queue_exit(&ring);
}

/* Is any block device on this machine zoned? */
static int have_zoned_bdev(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char path[300], model[32] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/queue/zoned",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(model, sizeof(model), f) &&
		    strncmp(model, "none", 4) != 0)
			found = 1;
		fclose(f);
	}
	closedir(d);
	return found;
}

/*
 * Resetting every zone would destroy a zoned device's data, so this only
 * shows what the kernel says on a conventional (loop) device and skips:
 * the command needs a zoned block device set aside for testing.
 */
static void test_cmd_zone_reset_all(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct loopdev *ld = &the_loop;
	char buf[4096], want[4096];

	t_require_op(IORING_OP_URING_CMD);
	t_ring(&ring, 4, 0);
	loop_setup(ld);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cmd_zone_reset_all(sqe, ld->fd);
	check_cmd_sqe(sqe, IORING_OP_URING_CMD, BLOCK_URING_CMD_ZONE_RESET_ALL,
		      ld->fd);
	assert_int_equal(sqe->addr, 0);
	cqe = t_submit_one(&ring);
	/* a conventional device is refused, its data left alone */
	assert_true(cqe.res == -EINVAL || cqe.res == -EOPNOTSUPP);
	t_fill(want, sizeof(want), 0);
	assert_int_equal(pread(ld->fd, buf, sizeof(buf), 0), sizeof(buf));
	assert_memory_equal(buf, want, sizeof(buf));
	loop_teardown(ld);
	io_uring_queue_exit(&ring);
	T_SKIP("needs a zoned block device %s (a conventional loop device "
	       "gets %s)", have_zoned_bdev() ? "set aside for tests" :
	       "and there is none", cqe.res == -EINVAL ? "-EINVAL" :
	       "-EOPNOTSUPP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uring_cmd_unsupported_file),
		cmocka_unit_test(test_uring_cmd_socket),
		cmocka_unit_test(test_uring_cmd_on_sqe128_ring),
		cmocka_unit_test(test_uring_cmd128),
		cmocka_unit_test_teardown(test_cmd_discard,
					  detach_leftover_loop),
		cmocka_unit_test_teardown(test_cmd_zone_reset_all,
					  detach_leftover_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
